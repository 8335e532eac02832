from __future__ import annotations

from mailbot.core.html_text import html_to_text


def test_paragraphs_lines_and_lists() -> None:
    html = (
        "<p>Beste,</p><div>regel 1</div><div>regel 2<br>regel 3</div>"
        "<ol><li>een</li><li>twee</li></ol>"
    )
    assert html_to_text(html) == "Beste,\n\nregel 1\nregel 2\nregel 3\n\n- een\n- twee"


def test_blockquotes_become_quoted_lines() -> None:
    html = "<p>Ja graag.</p><blockquote><p>Wilt u dat wij uw account verwijderen?</p></blockquote>"
    assert html_to_text(html) == "Ja graag.\n\n> Wilt u dat wij uw account verwijderen?"


def test_nothing_is_rendered_or_executed() -> None:
    html = (
        "<html><head><title>t</title><style>b{}</style></head><body>"
        "<script>document.write('x')</script><img src='https://tracker.example/p.gif' alt='logo'>"
        "<p>tekst &amp; meer &lt;b&gt;</p></body></html>"
    )
    assert html_to_text(html) == "[logo]\n\ntekst & meer <b>"


def test_preformatted_text_keeps_its_lines() -> None:
    assert html_to_text("<pre>a  b\nc</pre>") == "a  b\nc"


def test_broken_html_still_gives_text() -> None:
    assert html_to_text("<p>open <b>bold <i>never closed") == "open bold never closed"
