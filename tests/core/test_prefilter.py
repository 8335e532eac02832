"""Reading made cheaper finds what the plain patterns and the plain parser find."""

from __future__ import annotations

import base64
import random
import re
import time
import unicodedata
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from pathlib import Path

import pytest

from mailbot.core.classification import classifier, topics
from mailbot.core.classification.prefilter import Cue, Words, leads
from mailbot.core.classification.text import normalise
from mailbot.core.parsing import _LAZY_RUN, _message, _payload, _runs, parse_mail
from mailbot.errors import UnparseableMail

MAILS = Path(__file__).resolve().parents[1] / "fixtures" / "mails"
CUES = [
    *(cue for lexicon in classifier._CUES.values() for _, cue in lexicon),
    *topics._CUES.values(),
]


def texts() -> list[str]:
    found = []
    for path in sorted((MAILS / "informal").rglob("*.eml"))[:120]:
        mail = parse_mail(path.read_bytes())
        found += [normalise(mail.subject).flat, normalise(mail.text).flat]
    return found


@pytest.fixture(scope="module")
def normalised() -> list[str]:
    return texts()


def test_cues_find_what_their_patterns_find(normalised: list[str]) -> None:
    assert sum(1 for cue in CUES if any(part.leads for part in cue.parts)) > 200
    for text in normalised:
        words = Words(text)
        for cue in CUES:
            plain = [m.span() for m in cue.pattern.finditer(text)]
            assert [m.span() for m in cue.finditer(text, words)] == plain
            first = cue.pattern.search(text)
            found = cue.search(text, words)
            assert (found and found.span()) == (first and first.span())


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(?:delete\w*|erase)\b", {"dele", "eras"}),
        (r"\b(?:ik|i'd) wil", {"ik ", "i "}),
        (r"\b(?:personn?al )?data", {"pers", "data"}),
        (r"\bme\w*", {"me"}),
        (r"\b\w*termijn", None),  # may begin with any word
        (r"(?:un)?subscribe", None),  # no boundary first
        (r"\b[a-z]+ing", None),
    ],
)
def test_leads_are_the_beginnings_every_match_has(pattern: str, expected: set[str] | None) -> None:
    assert leads(re.compile(pattern)) == (None if expected is None else frozenset(expected))


def test_a_cue_split_at_its_branches_keeps_their_order() -> None:
    cue = Cue(r"\bab\w*|\w*b|\babc")
    assert len(cue.parts) == 3
    words = Words("xx abc ab")
    assert [m.group(0) for m in cue.finditer("xx abc ab", words)] == ["abc", "ab"]
    assert [m.group(0) for m in cue.pattern.finditer("xx abc ab")] == ["abc", "ab"]


def _reference(text: str) -> tuple[str, tuple[int, ...]]:
    """``normalise`` as it was first written: one character at a time."""
    special = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "’": "'", "‘": "'", "`": "'"}
    chars: list[str] = []
    offsets: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        lowered = char.lower()
        replacement = special.get(lowered)
        if replacement is None:
            decomposed = unicodedata.normalize("NFKD", lowered)
            replacement = "".join(c for c in decomposed if not unicodedata.combining(c))
        for produced in replacement:
            out = produced
            if produced in " \t\r\f\v\u00a0":
                if previous_space:
                    continue
                out, previous_space = " ", True
            else:
                previous_space = produced == "\n"
            chars.append(out)
            offsets.append(index)
    return "".join(chars), tuple(offsets)


def test_normalise_is_the_character_by_character_reading() -> None:
    alphabet = list("aB \t\n\r\f\v\xa0`’ßÆéE\u0301\u2026\u2003İ1.-\u00adﬁ½Ωx")
    chance = random.Random(25)
    for _ in range(20_000):
        text = "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 14)))
        normalised = normalise(text)
        assert (normalised.text, normalised.offsets) == _reference(text), repr(text)


def _attachment_mail(line_end: bytes) -> bytes:
    data = base64.encodebytes(random.Random(7).randbytes(120_000))
    body = (
        b"From: Anna <anna@example.org>\nSubject: scan\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="XYZ"\n\npreamble\n--XYZ\n'
        b"Content-Type: text/plain\n\nSee the scan.\n--XYZ\nContent-Type: application/pdf\n"
        b'Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="a.pdf"'
        b"\n\n" + data + b"\n--XYZ--\nepilogue\n"
    )
    return body.replace(b"\n", line_end)


def _text(part: Message) -> str:
    """A leaf part's text; one whose run is still in the mail's bytes (``_LAZY_RUN``) with
    the run put in place of its token, as the parser would have held it."""
    text = vars(part)["_payload"]
    run = vars(part).get(_LAZY_RUN)
    if run is None:
        return str(text)
    raw, start, end = run
    return str(raw[start:end].decode("ascii") + text[text.find("\n") + 1 :])


def _tree(message: Message) -> list[object]:
    """Each part's headers, text (not that of a multipart: its parts), preamble, epilogue,
    and the bytes it decodes to (as mailbot reads them)."""
    return [
        (part.items(), None if part.is_multipart() else _text(part), part.preamble,
         part.epilogue, [type(defect) for defect in part.defects],
         None if part.is_multipart() else _payload(part))
        for part in message.walk()
    ]  # fmt: skip


@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"])
def test_long_base64_runs_are_parsed_as_the_parser_reads_them(line_end: bytes) -> None:
    raw = _attachment_mail(line_end)
    assert len(_runs(raw)) == 1
    assert _tree(_message(raw)) == _tree(message_from_bytes(raw, policy=compat32))
    nested = (
        b"From: b@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=Q\n\n"
        b"--Q\nContent-Type: message/rfc822\n\n" + raw + b"\n--Q--\n"
    )
    assert _tree(_message(nested)) == _tree(message_from_bytes(nested, policy=compat32))


def _alternative_mail(body: bytes, encoding: bytes = b"base64") -> bytes:
    return (
        b"From: Anna <anna@example.org>\nSubject: lang\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/alternative; boundary="ALT"\n\n--ALT\n'
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: " + encoding
        + b"\n\n" + body + b"\n--ALT\nContent-Type: text/html\n\n<p>zie tekst</p>\n--ALT--\n"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        # the text, in base64: read twice (which alternative says something, then its text)
        (base64.encodebytes(("Ik wil inzage in mijn gegevens. " * 4000).encode()), b"base64"),
        # a line of padding inside the run: email decodes it its own way
        (base64.encodebytes(b"ab" * 40_000).replace(b"\n", b"==\n", 1), b"base64"),
        # long lines of letters that are not base64 at all
        ((b"A" * 76 + b"\n") * 1500, b"7bit"),
    ],
)
def test_a_run_kept_in_the_mail_reads_as_the_parser_reads_it(body: bytes, encoding: bytes) -> None:
    raw = _alternative_mail(body, encoding)
    assert len(_runs(raw)) == 1
    message = _message(raw)
    assert [_LAZY_RUN in vars(part) for part in message.walk()] == [False, True, False]
    assert _tree(message) == _tree(message_from_bytes(raw, policy=compat32))
    fast, slow = parse_mail(raw), parse_mail(raw.replace(b"Subject: lang", b"Subject: mailbotrun"))
    assert (fast.text, fast.notes) == (slow.text, slow.notes)  # the mark: no shortcut


def test_a_run_with_blank_lines_is_parsed_as_it_is() -> None:
    """In a delivery status each blank line begins a part of its own: a run holding blank
    lines is left to the parser, which finds them all (here: too many parts to read)."""
    lines = base64.encodebytes(bytes(range(256)) * 400).splitlines()
    raw = (
        b"From: a@example.org\nSubject: t\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: text/plain\n\nhallo\n"
        b"--b\nContent-Type: message/delivery-status\n\n" + b"\n\n".join(lines[:1000])
        + b"\n--b--\n"
    )  # fmt: skip
    assert _runs(raw) == []
    assert _tree(_message(raw)) == _tree(message_from_bytes(raw, policy=compat32))
    with pytest.raises(UnparseableMail, match="MIME parts"):
        parse_mail(raw)


def test_line_breaks_before_a_stray_character_do_not_stall_the_base64_check() -> None:
    """A sender's base64 part of 200,000 line breaks and one other character: the check
    whether it is plain base64 must say no at once (a backtracking pattern took minutes, and
    the reader is stopped after intake.time_limit). Left to email, it reads as email reads it."""
    raw = (
        b"From: a@example.org\nSubject: t\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhallo\n"
        b"--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        + b"\n" * 200_000 + b"!\n--b--\n"
    )  # fmt: skip
    started = time.process_time()
    mail = parse_mail(raw)
    assert time.process_time() - started < 5  # bounded, not a speed measurement: minutes before
    (attachment,) = mail.attachments
    part = list(message_from_bytes(raw, policy=compat32).walk())[-1]
    assert attachment.content == part.get_payload(decode=True)


def test_a_sender_writing_the_runs_mark_gets_the_plain_reading() -> None:
    """The placeholder of a long base64 run is a line of text: a sender who writes one (here
    in the letter, before a real run) must not have the run's letters put there, nor his
    line taken for the run. Such a mail is parsed as the standard library parses it."""
    raw = _attachment_mail(b"\n").replace(b"See the scan.", b"See the scan.\nmailbotrun0x\nThanks.")
    assert _tree(_message(raw)) == _tree(message_from_bytes(raw, policy=compat32))
    assert "mailbotrun0x" in parse_mail(raw).text
