"""HTML mail bodies as text, never rendered.

A small ``html.parser`` walker: block elements become line breaks, list items
get a dash, ``<script>``/``<style>``/``<head>`` are dropped, entities decoded,
and ``<blockquote>`` content is prefixed with ``> `` so that quoted replies are
recognised exactly as in plain-text mail. Gmail's ``gmail_quote`` and
Outlook's reply header blocks end up as ordinary text for ``quoting``.

Written here rather than taken from a library: html2text is GPL-licensed, and
the layout-aware converters do not mark quotations.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "div",
        "dl",
        "dt",
        "dd",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "center",
    ]
)
# Blocks that stand apart as paragraphs; the others (div, li, tr, ...) only start a line.
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "pre", "hr", "center"}
)
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "xml"})
_VOID_BREAK = frozenset({"br"})
_CELL = frozenset({"td", "th"})


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0

    # -- structure -------------------------------------------------------
    def _break(self, blank: bool = False) -> None:
        """End the current line; ``blank`` also leaves an empty line (a paragraph)."""
        text = "".join(self.current)
        if self.pre_depth == 0:
            text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", text).strip()
        prefix = "> " * self.quote_depth
        if text:
            self.lines.append(prefix + text)
        if blank and self.lines and self.lines[-1].strip("> "):
            self.lines.append(prefix.rstrip())
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag in _VOID_BREAK:
            self._break()
        elif tag == "blockquote":
            self._break(blank=True)
            self.quote_depth += 1
        elif tag in _BLOCK:
            self._break(blank=tag in _PARAGRAPH)
            if tag == "li":
                self.current.append("- ")
            elif tag == "hr":
                self.current.append("----")
                self._break()
            elif tag == "pre":
                self.pre_depth += 1
        elif tag in _CELL:
            self.current.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "blockquote":
            self._break(blank=True)
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in _BLOCK:
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
            self._break(blank=tag in _PARAGRAPH)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_BREAK and tag != "img":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            head, *rest = data.split("\n")
            self.current.append(head)
            for line in rest:
                self._break()
                self.current.append(line)
        else:
            self.current.append(data)

    def text(self) -> str:
        self._break()
        while self.lines and not self.lines[-1].strip("> "):
            self.lines.pop()
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    """The readable text of an HTML document, with blockquotes as ``> `` lines."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()
