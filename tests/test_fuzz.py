"""Property-based fuzzing (hypothesis) of the parser, the classifier and the template context.

Examples are derived from a fixed seed (``derandomize``), so CI runs the same ones each time,
and nothing is written to disk (no example database).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailbot.config import Settings, settings_from_dict
from mailbot.core.authentication import MailService, Trust, Verdict, judge_mail, parse_header
from mailbot.core.classification import classify
from mailbot.core.drafting import DraftKind
from mailbot.core.mail import ParsedMail
from mailbot.core.parsing import Limits, parse_mail
from mailbot.core.rights import Right
from mailbot.errors import UnparseableMail
from mailbot.letters.context import DraftFacts, context
from mailbot.letters.render import LANGUAGES, Renderer
from tests.support.configs import base_config

pytestmark = pytest.mark.database_incidental("parser, classifier and templates on generated input")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
LIMITS = Limits(max_mail_bytes=2_000_000, max_attachment_bytes=100_000, max_parts=50, max_depth=5)
HEADER_NAMES = st.sampled_from(
    ["From", "To", "Subject", "Content-Type", "Content-Transfer-Encoding", "Message-ID",
     "In-Reply-To", "References", "Date", "Reply-To", "Auto-Submitted", "Authentication-Results",
     "Content-Disposition", "MIME-Version", "X-Whatever"]
)  # fmt: skip
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)


def parsed_or_refused(raw: bytes) -> ParsedMail | None:
    """The parsed mail, or None when the parser refused it, which it must do with a reason."""
    try:
        return parse_mail(raw, LIMITS)
    except UnparseableMail as exc:
        reason = exc.reason
    assert reason
    return None


@FUZZ
@given(st.binary(max_size=4000))
def test_the_parser_takes_any_bytes(raw: bytes) -> None:
    mail = parsed_or_refused(raw)
    if mail is None:
        return
    assert isinstance(mail.text, str) and isinstance(mail.subject, str)
    assert "\n" not in mail.subject and "\r" not in mail.subject


@st.composite
def mails(draw: st.DrawFn) -> bytes:
    headers = draw(st.lists(st.tuples(HEADER_NAMES, TEXT), max_size=12))
    boundary = draw(st.sampled_from(["b", "==x==", "", '"q"']))
    parts = draw(st.lists(TEXT, max_size=5))
    lines = [f"{name}: {value}".encode("utf-8", "surrogateescape") for name, value in headers]
    body = "".join(f"--{boundary}\r\nContent-Type: text/plain\r\n\r\n{part}\r\n" for part in parts)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body.encode("utf-8", "surrogateescape")


@FUZZ
@given(mails())
def test_the_parser_takes_any_mail_shaped_bytes(raw: bytes) -> None:
    mail = parsed_or_refused(raw)
    if mail is None:
        return
    assert "\n" not in mail.subject
    for attachment in mail.attachments:
        assert attachment.filename is None or "/" not in attachment.filename


REQUEST_WORDS = st.sampled_from(
    ["inzage", "verwijder", "mijn gegevens", "Auskunft", "löschen", "données", "delete my data",
     "bezwaar", "nieuwsbrief", "copy of my data", "Widerspruch", "rectifier", "\n", " ", "."]
)  # fmt: skip
LETTERS = st.lists(st.one_of(REQUEST_WORDS, TEXT), max_size=30).map("".join)


@FUZZ
@given(TEXT, LETTERS, st.text(max_size=500))
def test_the_classifier_takes_any_text_and_quotes_only_it(
    subject: str, body: str, quoted: str
) -> None:
    found = classify(subject, body, quoted)
    assert set(found.rights) <= set(Right)
    assert 0.0 <= found.confidence <= 1.0
    for item in found.evidence:  # the evidence shown is the mail's own words
        assert item.phrase and item.phrase in subject + "\n" + body + "\n" + quoted, item


@FUZZ
@given(st.text(max_size=2000))
def test_a_request_stays_a_request_whatever_follows(noise: str) -> None:
    found = classify("inzage", "Ik wil graag inzage in al mijn persoonsgegevens.\n\n" + noise)
    assert Right.ACCESS in found.rights


def _settings(tmp_path: Path) -> Settings:
    values = base_config(tmp_path)
    values["organisation"].update(automated_decisions="geen", transfers_outside_eea="geen")
    return settings_from_dict(values, tmp_path / "mailbot.toml", environ={})


@st.composite
def facts(draw: st.DrawFn) -> DraftFacts:
    received = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
    return DraftFacts(
        reference="AVG-2026-0001",
        received=received,
        due=received + timedelta(days=31),
        rights=draw(st.lists(st.sampled_from([right.value for right in Right]), max_size=6)),
        person_name=draw(TEXT),
        attachments=draw(st.lists(TEXT, max_size=3)),
        failed_sources=draw(st.lists(TEXT, max_size=2)),
        representation=draw(st.none() | TEXT),
        by_post=draw(st.booleans()),
        delivery_address=draw(st.none() | TEXT),
        forged=draw(st.booleans()),
        extension_reasons=draw(TEXT),
        extended_due=received + timedelta(days=92),
        refusal_reasons=draw(TEXT),
    )


def test_every_template_renders_any_facts(tmp_path: Path) -> None:
    configured = _settings(tmp_path)
    renderer = Renderer()

    @FUZZ
    @given(facts(), st.sampled_from(LANGUAGES), st.sampled_from(list(DraftKind)))
    def render(drawn: DraftFacts, language: str, kind: DraftKind) -> None:
        rendered = renderer.render(kind, language, context(configured, language, drawn))
        assert rendered.subject and "\n" not in rendered.subject and "\r" not in rendered.subject
        assert rendered.body.strip()

    render()


# -- the receiving service's verdict (core.authentication) ---------------------------------
OURS = "mx.voorbeeld.example"
OWN = Trust(MailService.OWN, OURS)
RESULT_PIECES = st.sampled_from(
    ["spf", "dkim", "dmarc", "compauth", "=", "pass", "fail", "none", ";", " ", "(", ")", '"',
     "\\", "header.from", "header.d", "smtp.mailfrom", "example.com", "@", "reason", "\r\n "]
)  # fmt: skip
HEADER_TEXT = st.one_of(TEXT, st.lists(RESULT_PIECES, max_size=40).map("".join))
VERDICT_FAIL = f"{OURS}; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com"


@FUZZ
@given(HEADER_TEXT, st.sampled_from(list(MailService)), st.integers(0, 3))
def test_any_header_value_is_read_or_refused_and_judged(
    value: str, service: MailService, authors: int
) -> None:
    header = parse_header(value)
    assert header is None or all(result.method and result.result for result in header.results)
    judged = judge_mail([value], "example.com", authors, Trust(service, OURS))
    assert judged.verdict in set(Verdict)
    if authors != 1:
        assert judged.verdict is Verdict.AMBIGUOUS


@FUZZ
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"\\()'), max_size=120),
    st.sampled_from(["fail", "none"]),
)
def test_nothing_inside_a_quoted_value_or_a_comment_makes_a_pass(inside: str, dmarc: str) -> None:
    # What a sender chose (an envelope address, a HELO name) and a service echoed: in a quoted
    # string (with any quotes of its own escaped, as a service must), or in a comment.
    tail = f"; dmarc={dmarc} header.from=example.com"
    for value in (
        f'{OURS}; spf=pass smtp.mailfrom="{inside}"@evil.example{tail}',
        f"{OURS}; spf=pass (domain of {inside}) smtp.mailfrom=evil.example{tail}",
        f'{OURS}; spf=pass (domain of "{inside})"@evil.example) smtp.mailfrom=evil.example{tail}',
    ):
        assert judge_mail([value], "example.com", 1, OWN).verdict is not Verdict.PASS


@FUZZ
@given(st.lists(HEADER_TEXT, max_size=5))
def test_headers_below_ours_change_nothing(below: list[str]) -> None:
    judged = judge_mail([VERDICT_FAIL, *below], "example.com", 1, OWN)
    assert judged.verdict is Verdict.FAIL
