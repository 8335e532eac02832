"""A quarantined mail as the officer may see it, and as a case may be made of it. No I/O.

A quarantined mail is one mailbot could not read: broken bytes, too many parts, a
reader that crashed or ran too long. ``read_safely`` shows what can be read of it
without trusting it: the From, Subject and Date headers as text, the text parts
decoded and the HTML ones turned into text (``html_text``, never rendered), every
other part listed by name, type and size and never opened, and no more text than
``SHOWN_TEXT``. It never raises: what cannot be decoded is named in ``problems``.

``request_mail`` turns that reading into the ``ParsedMail`` intake makes a case of
when the officer decides the mail is a request; ``undecided`` is its classification:
no rights, marked for the officer's decision (``cases reclassify``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

from mailbot.core.charset import decode
from mailbot.core.classification import Classification
from mailbot.core.classification.language import detect_language
from mailbot.core.classification.text import normalise
from mailbot.core.html_text import html_to_text
from mailbot.core.mail import BodySource, ParsedMail
from mailbot.core.parsing import header_text, headers_of, safe_filename

SHOWN_TEXT = 100_000  # characters of text shown (and kept as the text of a case made of it)
PART_BYTES = 1_000_000  # bytes of one text part decoded; the rest is left out
MAX_PARTS = 500  # parts looked at; the rest are left out
MAX_DEPTH = 32  # nesting looked into
_NO_CHARSET = None
# What a mail's text may not bring to a page or a terminal: control characters (an escape
# sequence that rewrites the screen) and the bidirectional overrides that make text read
# differently from what it says. Line breaks and tabs stay.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class ListedPart:
    """A part that is not text to show (an attachment, an attached mail): never opened."""

    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class SafeView:
    """What can be shown of a mail's bytes: headers as text, its text, its other parts."""

    sender: str  # the From header, as text ("" when there is none)
    subject: str
    date: str  # the Date header, as written
    text: str  # at most ``SHOWN_TEXT`` characters
    body_source: BodySource
    cut: bool = False  # the text was longer than what is shown
    attachments: tuple[ListedPart, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass
class _Reading:
    texts: list[str]
    html: list[str]
    attachments: list[ListedPart]
    problems: list[str]
    parts: int = 0
    cut: bool = False


def read_safely(raw: bytes) -> SafeView:
    """What the officer may see of ``raw``, however broken it is; never raises."""
    try:
        message = message_from_bytes(raw, policy=compat32)
    except Exception as exc:  # compat32 reads nearly anything; this is the rest
        text, _ = decode(raw[:PART_BYTES], _NO_CHARSET)
        problem = f"not readable as a mail ({type(exc).__name__}); its bytes are shown as text"
        return _view("", "", "", [text], BodySource.PLAIN, (), [problem], len(raw) > PART_BYTES)
    reading = _Reading([], [], [], [])
    try:
        _walk(message, reading)
    except Exception as exc:  # a part the library cannot take apart: keep what was read
        reading.problems.append(f"the rest could not be read ({type(exc).__name__})")
    if reading.texts and any(text.strip() for text in reading.texts):
        texts, source = reading.texts, BodySource.PLAIN
    elif reading.html:
        texts, source = reading.html, BodySource.HTML
    else:
        texts, source = [], BodySource.NONE
    return _view(
        _header(message, "From"),
        _header(message, "Subject"),
        _header(message, "Date"),
        texts,
        source,
        tuple(reading.attachments),
        reading.problems,
        reading.cut,
    )


def _view(  # noqa: PLR0917 - the parts of a view, in its order
    sender: str,
    subject: str,
    date: str,
    texts: list[str],
    source: BodySource,
    attachments: tuple[ListedPart, ...],
    problems: list[str],
    cut: bool,
) -> SafeView:
    text = _UNSAFE.sub("", "\n\n".join(part.strip() for part in texts if part.strip()))
    if len(text) > SHOWN_TEXT:
        text, cut = text[:SHOWN_TEXT], True
    return SafeView(sender, subject, date, text, source, cut, attachments, tuple(problems))


def _header(message: Message, name: str) -> str:
    try:
        return header_text(message.get(name, ""))
    except Exception:  # a header no decoder takes: left out, not a failure of the page
        return ""


def _walk(message: Message, reading: _Reading) -> None:
    """Every part, in order, without recursion: text kept, the rest listed."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        reading.parts += 1
        if reading.parts > MAX_PARTS:
            reading.problems.append(f"more than {MAX_PARTS} parts: the rest are not shown")
            return
        if depth > MAX_DEPTH:
            reading.problems.append(f"parts nested deeper than {MAX_DEPTH} are not shown")
            continue
        ctype = part.get_content_type()
        if ctype == "message/rfc822" or (ctype.startswith("multipart/") and _attached(part)):
            reading.attachments.append(_listed(part))
            continue
        if part.is_multipart():
            children = [child for child in part.get_payload() if isinstance(child, Message)]
            if ctype == "multipart/alternative":
                children = _preferred(children)
            stack.extend((child, depth + 1) for child in reversed(children))
            continue
        if ctype in ("text/plain", "text/html") and not _attached(part):
            _read_text(part, ctype, reading)
            continue
        reading.attachments.append(_listed(part))


def _preferred(children: list[Message]) -> list[Message]:
    """Of alternatives, the plain text when it says anything, else the rest; the parts that
    are no text (an alternative's attachments) are listed either way."""
    plain = [
        child
        for child in children
        if child.get_content_type() == "text/plain" and _payload(child).strip()
    ]
    if not plain:
        return children
    others = [c for c in children if c.get_content_maintype() not in ("text", "multipart")]
    return [plain[0], *others]


def _attached(part: Message) -> bool:
    disposition = _header(part, "Content-Disposition").split(";")[0].strip().lower()
    try:
        named = part.get_filename() is not None
    except Exception:  # a broken parameter: no name
        named = False
    return disposition == "attachment" or (disposition != "inline" and named)


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a transfer encoding the library cannot undo
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _read_text(part: Message, ctype: str, reading: _Reading) -> None:
    data = _payload(part)
    if len(data) > PART_BYTES:
        data, reading.cut = data[:PART_BYTES], True
    try:
        charset = part.get_content_charset()
    except Exception:  # a charset parameter that is not one
        charset = None
    try:
        text, _ = decode(data, charset)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if ctype == "text/html":
            reading.html.append(html_to_text(text))
        else:
            reading.texts.append(text)
    except Exception as exc:  # shown as a problem, the other parts still shown
        reading.problems.append(f"a {ctype} part could not be decoded ({type(exc).__name__})")


def _listed(part: Message) -> ListedPart:
    try:
        filename = part.get_filename()
    except Exception:  # a broken parameter: no name
        filename = None
    name = safe_filename(header_text(filename)) if filename else None
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        try:
            size = len(part.as_bytes())
        except Exception:  # an attached mail that cannot be written out again
            size = 0
    else:
        size = len(_payload(part))
    return ListedPart(name, part.get_content_type()[:255], size)


def request_mail(raw: bytes, view: SafeView) -> ParsedMail:
    """The mail a case is made of when the officer decides it is a request: its headers as
    intake reads them, its text as shown, no attachments (the bytes stay with the case)."""
    headers = headers_of(raw)
    notes = ("made a case by hand from quarantine: read as far as it could be", *view.problems)
    return replace(
        headers,
        text=view.text,
        new_text=view.text,
        quoted_text="",
        body_source=view.body_source,
        notes=notes,
    )


def undecided(mail: ParsedMail) -> Classification:
    """No rights, for the officer to decide (a case with a clock, ``needs_decision``); the
    language from the function words of what could be read."""
    guess = detect_language(normalise(f"{mail.subject}\n{mail.text}"[:20_000]).text)
    return Classification(
        rights=(),
        language=guess.language,
        confidence=0.0,
        evidence=(),
        scores={},
        needs_decision=True,
    )
