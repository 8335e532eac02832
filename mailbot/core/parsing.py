"""Raw mail bytes -> ``ParsedMail``, with the standard library only.

The tolerant ``compat32`` parser reads anything; headers are decoded here
(RFC 2047 encoded words, raw 8-bit headers, lying charsets) so that one bad
header never makes a mail unreadable. Work per mail is bounded: total size,
number of MIME parts, nesting depth and the amount of text decoded per part.

A mail that cannot be turned into a request raises ``UnparseableMail`` with a
reason the officer can read; the caller quarantines it.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import message_from_bytes
from email.errors import HeaderParseError
from email.header import Header, decode_header
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from mailbot.core.charset import decode
from mailbot.core.html_text import html_to_text
from mailbot.core.mail import Address, Attachment, BodySource, Forwarded, ParsedMail
from mailbot.core.quoting import is_forward_subject, split_body
from mailbot.errors import UnparseableMail

MAX_TEXT_BYTES = 4 * 1024 * 1024
MAX_HEADERS = 1000
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_FOLD = re.compile(r"\r?\n[ \t]+")
# What a decoded header value may not carry into a draft, a page, a CSV cell or a log line:
# control characters (an encoded CR LF in a display name), line and paragraph separators,
# and the bidirectional overrides that make text read differently from what it says.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
_SHORT_NOTE = 600


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work done for one mail (``[intake]`` in the configuration)."""

    max_mail_bytes: int = 50 * 1024 * 1024
    max_attachment_bytes: int = 15 * 1024 * 1024
    max_parts: int = 200
    max_depth: int = 8


def header_text(value: object) -> str:
    """Decode one header value: encoded words, raw 8-bit bytes, folding; on one line, with
    no control characters (whatever the encoded words held)."""
    return _UNSAFE.sub(" ", _decoded(value)).strip()


def _decoded(value: object) -> str:
    if isinstance(value, Header):
        # compat32 hands raw 8-bit headers over as Header objects in "unknown-8bit".
        parts = decode_header(value)
        text = "".join(
            decode(chunk, charset)[0] if isinstance(chunk, bytes) else chunk
            for chunk, charset in parts
        )
        return _FOLD.sub(" ", text).strip()
    text = _FOLD.sub(" ", str(value))
    if any("\udc80" <= char <= "\udcff" for char in text):
        text = decode(text.encode("ascii", "surrogateescape"), None)[0]
    if "=?" in text:
        try:
            parts = decode_header(text)
        except (HeaderParseError, ValueError, LookupError):
            parts = [(text, None)]
        text = "".join(
            decode(chunk, charset)[0] if isinstance(chunk, bytes) else chunk
            for chunk, charset in parts
        )
    return _FOLD.sub(" ", text).strip()


def _addresses(values: Iterable[str]) -> tuple[Address, ...]:
    found: list[Address] = []
    raw = [str(value) for value in values]
    try:
        pairs = getaddresses(raw)
    except (ValueError, IndexError, TypeError):
        pairs = []
    for name, raw_address in pairs:
        address = header_text(raw_address).strip().strip("<>")
        if "@" not in address or " " in address:
            continue
        found.append(Address(name=header_text(name), address=address))
    return tuple(found)


def _authors(values: list[str]) -> int:
    """How many addresses the From header(s) name, the unreadable ones too.

    Two From headers, or an address in an encoded word (not allowed there: the receiving
    service saw no address to check), count as at least two: the sender cannot be told.
    """
    try:
        pairs = getaddresses(values)
    except (ValueError, IndexError, TypeError):
        return 2
    count = sum(1 for _, address in pairs if address.strip())
    if len(values) > 1 or any("=?" in address for _, address in pairs):
        count = max(count, 2)
    return count


def _message_ids(values: Iterable[str]) -> tuple[str, ...]:
    ids: dict[str, None] = {}
    for value in values:
        for match in _MESSAGE_ID.findall(str(value)):
            ids.setdefault(match, None)
    return tuple(ids)


def _message_id(values: list[str]) -> str | None:
    if not values:
        return None
    found = _message_ids(values)
    if found:
        return found[0]
    bare = str(values[0]).strip()
    return f"<{bare}>" if bare and " " not in bare else None


def _date(values: list[str]) -> datetime | None:
    if not values:
        return None
    try:
        return parsedate_to_datetime(header_text(values[0]))
    except (TypeError, ValueError, IndexError):
        return None


@dataclass
class _Walk:
    """What a walk over the MIME tree collects."""

    limits: Limits
    parts: int = 0
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# A base64 body as email's decoder takes it without complaint: lines of the alphabet that
# end in at most two "=" (and line breaks); whole groups of four are checked apart. The
# quantifiers are possessive: a sender's long run of line breaks before another character
# must not make the match try every way of splitting it (time in its square).
_PLAIN_BASE64 = re.compile(r"[A-Za-z0-9+/\r\n]*+={0,2}+[\r\n]*+")


def _is_base64(part: Message) -> bool:
    """Whether email decodes ``part`` as base64 (its header read as email reads it)."""
    return str(part.get("content-transfer-encoding", "")).lower() == "base64"


def _is_plain_base64(text: str) -> bool:
    """Whether ``text`` is base64 email decodes without complaint (nor padding it adds)."""
    return (
        text.isascii()
        and _PLAIN_BASE64.fullmatch(text) is not None
        and (len(text) - text.count("\r") - text.count("\n")) % 4 == 0
    )


def _plain_base64(part: Message) -> bytes | None:
    """A base64 part's bytes decoded straight from its text, when the text is plain base64:
    the bytes email's own decoder gives, without its copies of the whole part (as bytes,
    as a list of lines, joined). Anything else is left to email (None)."""
    text = part.get_payload()
    if not _is_base64(part) or not isinstance(text, str) or not _is_plain_base64(text):
        return None
    return binascii.a2b_base64(text)  # line breaks are skipped, nothing else is there


def _payload(part: Message) -> bytes:
    run = vars(part).get(_LAZY_RUN)
    if run is not None:  # read as often as asked: each time from the mail's bytes
        decoded = _run_payload(part, *run)
        if decoded is not None:
            return decoded
    plain = _plain_base64(part)
    if plain is not None:
        return plain
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _part_text(part: Message, walk: _Walk) -> str:
    data = _payload(part)
    if len(data) > MAX_TEXT_BYTES:
        data = data[:MAX_TEXT_BYTES]
        walk.notes.append(f"text part cut to {MAX_TEXT_BYTES} bytes")
    text, note = decode(data, part.get_content_charset())
    if note:
        walk.notes.append(note)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _disposition(part: Message) -> str:
    """``attachment``, ``inline`` or ``""``; a header of raw 8-bit bytes is read as text too."""
    return header_text(part.get("Content-Disposition") or "").split(";")[0].strip().lower()


def _is_attachment(part: Message) -> bool:
    disposition = _disposition(part)
    return disposition == "attachment" or (
        disposition != "inline" and part.get_filename() is not None
    )


def _walk(part: Message, walk: _Walk, depth: int) -> None:
    walk.parts += 1
    if walk.parts > walk.limits.max_parts:
        raise UnparseableMail(f"more than {walk.limits.max_parts} MIME parts (intake.max_parts)")
    if depth > walk.limits.max_depth:
        raise UnparseableMail(
            f"MIME nesting deeper than {walk.limits.max_depth} (intake.max_depth)"
        )
    ctype = part.get_content_type()
    if ctype == "message/rfc822":  # compat32 calls it multipart; it is one attached mail
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            walk.messages.append(inner[0])
        _store_attachment(part, walk, as_message=True)
        return
    if part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if ctype == "multipart/alternative" and children:
            _walk(_preferred_alternative(children), walk, depth + 1)
            for child in children:
                if child.get_content_maintype() not in ("text", "multipart"):
                    _walk(child, walk, depth + 1)
        else:
            for child in children:
                _walk(child, walk, depth + 1)
        return
    if ctype in ("text/plain", "text/html") and not _is_attachment(part):
        (walk.plain if ctype == "text/plain" else walk.html).append(_part_text(part, walk))
        return
    _store_attachment(part, walk)


def _preferred_alternative(children: list[Message]) -> Message:
    """Plain text if it says anything, else the richest (last) alternative."""
    for child in children:
        if child.get_content_type() == "text/plain" and _payload(child).strip():
            return child
    for child in reversed(children):
        if child.get_content_maintype() in ("text", "multipart"):
            return child
    return children[-1]


def safe_filename(name: str) -> str | None:
    """A sender's file name as a plain name: no directories, no control characters.

    ``../../etc/passwd`` becomes ``passwd``, ``C:\\boot.ini`` ``boot.ini``; nothing left: None.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(char for char in base if char.isprintable()).strip().lstrip(".")
    return cleaned[:255] or None


def _store_attachment(part: Message, walk: _Walk, *, as_message: bool = False) -> None:
    data = part.as_bytes() if as_message else _payload(part)
    filename = part.get_filename()
    name = safe_filename(header_text(filename)) if filename else None
    disposition = _disposition(part)
    inline = disposition == "inline" or (not disposition and part.get("Content-ID") is not None)
    keep = len(data) <= walk.limits.max_attachment_bytes
    if not keep:
        walk.notes.append(
            f"attachment {name or part.get_content_type()} ({len(data)} bytes) not stored: "
            "larger than intake.max_attachment_bytes"
        )
    walk.attachments.append(
        Attachment(
            filename=name,
            content_type=part.get_content_type(),
            size=len(data),
            content=data if keep else None,
            inline=inline,
            kept=keep,
        )
    )


def _headers(message: Message) -> dict[str, tuple[str, ...]]:
    headers: dict[str, list[str]] = {}
    for name, value in message.items()[:MAX_HEADERS]:
        headers.setdefault(name.lower(), []).append(header_text(value))
    return {name: tuple(values) for name, values in headers.items()}


def _body(walk: _Walk) -> tuple[str, BodySource]:
    if any(text.strip() for text in walk.plain):
        return "\n".join(walk.plain).strip(), BodySource.PLAIN
    if walk.html:
        return "\n".join(html_to_text(html) for html in walk.html).strip(), BodySource.HTML
    return "", BodySource.NONE


def _raw_values(message: Message, name: str) -> list[str]:
    """A header's values with encoded words left in place (for address parsing)."""
    return [
        header_text(value) if isinstance(value, Header) else str(value)
        for value in message.get_all(name, [])
    ]


def _verbatim(message: Message, name: str) -> tuple[str, ...]:
    """A header's values unfolded and nothing else: no encoded word is decoded, so that
    what a service wrote (a quoted ``smtp.mailfrom``) is read as it wrote it."""
    values = []
    for value in message.get_all(name, [])[:MAX_HEADERS]:
        if isinstance(value, Header):  # raw 8-bit bytes: the chunks as they came
            text = "".join(
                chunk.decode("utf-8", "replace") if isinstance(chunk, bytes) else chunk
                for chunk, _ in decode_header(value)
            )
        else:
            text = str(value)
        values.append(_UNSAFE.sub(" ", _FOLD.sub(" ", text)).strip())
    return tuple(values)


def _read(message: Message, limits: Limits, depth: int) -> ParsedMail:
    walk = _Walk(limits)
    _walk(message, walk, depth)
    text, source = _body(walk)
    subject = header_text(message.get("Subject", ""))
    senders = _addresses(_raw_values(message, "From"))
    split = split_body(text, subject)
    forwarded = None
    sender = senders[0] if senders else None
    if (
        len(walk.messages) == 1
        and (is_forward_subject(subject) or len(split.new_text) < _SHORT_NOTE)
        and depth + 1 <= limits.max_depth
    ):
        inner = _read(walk.messages[0], limits, depth + 1)
        forwarded = Forwarded(
            sender=inner.sender,
            date=inner.date,
            subject=inner.subject,
            text=inner.new_text,
            forwarded_by=sender,
        )
    elif split.forwarded is not None:
        part = split.forwarded
        forwarded = Forwarded(
            sender=part.sender,
            date=part.date,
            subject=part.subject,
            text=split_body(part.text, part.subject).new_text,
            forwarded_by=sender,
        )
    return ParsedMail(
        **_header_fields(message),
        text=text,
        new_text=split.new_text,
        quoted_text=split.quoted_text,
        body_source=source,
        attachments=tuple(walk.attachments),
        forwarded=forwarded,
        notes=tuple(walk.notes),
    )


def _header_fields(message: Message) -> dict[str, Any]:
    """What a mail's header block says, as ``ParsedMail`` fields."""
    senders = _addresses(_raw_values(message, "From"))
    return {
        "message_id": _message_id(_raw_values(message, "Message-ID")),
        "subject": header_text(message.get("Subject", "")),
        "sender": senders[0] if senders else None,
        "authors": _authors(_raw_values(message, "From")),
        "reply_to": _addresses(_raw_values(message, "Reply-To")),
        "to": _addresses(_raw_values(message, "To")),
        "cc": _addresses(_raw_values(message, "Cc")),
        "date": _date(_raw_values(message, "Date")),
        "in_reply_to": _message_ids(_raw_values(message, "In-Reply-To")),
        "references": _message_ids(_raw_values(message, "References")),
        "headers": _headers(message),
        "content_type": message.get_content_type(),
        "authentication_results": _verbatim(message, "Authentication-Results"),
    }


PEEK_BYTES = 64 * 1024


def peek_headers(raw: bytes) -> tuple[str | None, str, str | None]:
    """Sender, subject and Message-ID of any bytes, as far as they can be read; never raises.

    Used to show a quarantined mail to the officer.
    """
    try:
        message = message_from_bytes(raw[:PEEK_BYTES], policy=compat32)
        senders = _addresses(_raw_values(message, "From"))
        subject = header_text(message.get("Subject", ""))
        return (
            (senders[0].address if senders else None),
            subject,
            _message_id(_raw_values(message, "Message-ID")),
        )
    except Exception:  # best effort on bytes that already failed to parse once
        return None, "", None


def headers_of(raw: bytes) -> ParsedMail:
    """A mail as its header block alone says (no text, no parts), as far as it can be read;
    never raises. For a mail that could not be parsed whole, which the officer makes a case
    of by hand: its sender, Message-ID and ``Authentication-Results`` as intake reads them."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    try:
        message = message_from_bytes(head + b"\n\n", policy=compat32)
        return ParsedMail(
            **_header_fields(message),
            text="",
            new_text="",
            quoted_text="",
            body_source=BodySource.NONE,
        )
    except Exception:  # best effort on bytes that already failed to parse once
        return ParsedMail(
            message_id=None, subject="", sender=None, reply_to=(), to=(), cc=(), date=None,
            in_reply_to=(), references=(), headers={}, content_type="text/plain", text="",
            new_text="", quoted_text="", body_source=BodySource.NONE, authors=0,
        )  # fmt: skip


# A long run of lines of base64 letters (an attachment's body) costs the standard library's
# parser a step per line, and plays no part in the structure it finds when it begins a body
# (after a blank line): none of its lines is a boundary ("--"), and its first line is no
# header (":"), so the parser is in that body to its end. The parser reads the mail with
# each such run but its last line replaced by one line of a token the mail does not hold;
# the run is put back in every text that holds the token. What it finds is what it finds
# in the whole mail.
_BLANK_LINE = re.compile(rb"\n\r?\n")
_RUN_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n"
# A blank line within a run would count where a part's body holds parts of its own
# (message/delivery-status: each blank line begins one): such a run is parsed as it is.
_BLANK_IN_RUN = (b"\n\n", b"\n\r", b"\r\r")
_RUN_MARK = "mailbotrun"
_RUN_FROM = 4096  # bytes of a run; a shorter one is parsed as it is
_RUNS_FROM = 64 * 1024  # bytes of a mail; a smaller one is parsed as it is


def _runs(raw: bytes) -> list[tuple[int, int]]:
    """Where the long runs of base64 lines are that begin a body, each up to the line
    before the last line before the next line that begins with "-"."""
    found: list[tuple[int, int]] = []
    blank = _BLANK_LINE.search(raw)
    while blank is not None:
        start = blank.end()
        dash = raw.find(b"\n-", start - 1)  # a body may begin with a boundary line
        end = len(raw) if dash < 0 else dash + 1
        last = raw.rfind(b"\n", start, end - 1) + 1
        if (
            last - start >= _RUN_FROM
            and raw[start] not in b"\r\n"
            and not raw[start:last].translate(None, _RUN_BYTES)
            and not any(raw.find(blank, start, last) >= 0 for blank in _BLANK_IN_RUN)
        ):
            found.append((start, last))
        blank = _BLANK_LINE.search(raw, max(start, end - 1))
    return found


def _message(raw: bytes) -> Message:
    """``message_from_bytes(raw, policy=compat32)``, without a step per line of its long
    runs of base64 lines."""
    if len(raw) < _RUNS_FROM or _RUN_MARK.encode() in raw:
        return message_from_bytes(raw, policy=compat32)
    runs: dict[str, tuple[int, int]] = {}
    pieces: list[bytes] = []
    done = 0
    for start, end in _runs(raw):
        line = f"{_RUN_MARK}{len(runs)}x\n"
        runs[line] = (start, end)
        pieces += (raw[done:start], line.encode("ascii"))
        done = end
    if not runs:
        return message_from_bytes(raw, policy=compat32)
    pieces.append(raw[done:])
    message = message_from_bytes(b"".join(pieces), policy=compat32)
    _put_back(message, raw, runs, within_message=False)
    return message


# A leaf part whose body is one run and what follows it keeps the token in its payload, and
# the run's place in the mail under this name, until ``_payload`` reads it: a base64 run is
# then decoded from the mail's bytes, never held as text. Every other text gets its runs back
# at once, and so does everything inside an attached mail (it is written out whole).
_LAZY_RUN = "_mailbot_run"


def _put_back(
    part: Message, raw: bytes, runs: dict[str, tuple[int, int]], *, within_message: bool
) -> None:
    fields = vars(part)
    for name in ("_payload", "preamble", "epilogue"):
        value = fields.get(name)
        if not isinstance(value, str) or _RUN_MARK not in value:
            continue
        token = value[: value.find("\n") + 1]
        if (
            name == "_payload"
            and not within_message
            and token in runs
            and value.count(_RUN_MARK) == 1
        ):
            fields[_LAZY_RUN] = (raw, *runs[token])
            continue
        for token, (start, end) in runs.items():
            if token in value:
                value = value.replace(token, raw[start:end].decode("ascii"))
        fields[name] = value
    children = fields.get("_payload")
    if isinstance(children, list):
        within = within_message or part.get_content_type() == "message/rfc822"
        for child in children:
            if isinstance(child, Message):
                _put_back(child, raw, runs, within_message=within)


def _run_payload(part: Message, raw: bytes, start: int, end: int) -> bytes | None:
    """The decoded bytes of a part whose payload begins with a run (``_put_back``), when
    the run and the rest are plain base64 (as ``_plain_base64``) and the run holds whole
    groups of four: decoded apart, they are what the whole decodes to. Else None, with the
    run put back into the payload for email to read."""
    text = part.get_payload()
    assert isinstance(text, str)
    rest = text[text.find("\n") + 1 :]
    letters = (end - start) - raw.count(b"\r", start, end) - raw.count(b"\n", start, end)
    if (
        _is_base64(part)
        and raw.find(b"=", start, end) < 0  # the run: letters only, whole groups of four
        and letters % 4 == 0
        and _is_plain_base64(rest)
    ):
        return binascii.a2b_base64(memoryview(raw)[start:end]) + binascii.a2b_base64(rest)
    fields = vars(part)
    fields["_payload"] = raw[start:end].decode("ascii") + rest
    del fields[_LAZY_RUN]
    return None


def parse_mail(raw: bytes, limits: Limits | None = None) -> ParsedMail:
    """Parse one mail; raises ``UnparseableMail`` with a readable reason."""
    limits = limits or Limits()
    if len(raw) > limits.max_mail_bytes:
        raise UnparseableMail(
            f"mail is {len(raw)} bytes, larger than intake.max_mail_bytes ({limits.max_mail_bytes})"
        )
    if not raw or raw.isspace():  # (strip() would copy a large mail whole)
        raise UnparseableMail("empty mail")
    try:
        message = _message(raw)
    except Exception as exc:
        raise UnparseableMail(f"cannot be parsed as a mail: {type(exc).__name__}: {exc}") from None
    if not message.keys():
        raise UnparseableMail("no mail headers found")
    try:
        parsed = _read(message, limits, 0)
    except UnparseableMail:
        raise
    except RecursionError:
        raise UnparseableMail("MIME structure nested too deeply to read") from None
    if parsed.sender is None:
        raise UnparseableMail("no sender: the From header is missing or holds no address")
    if parsed.body_source is BodySource.NONE and not parsed.attachments:
        parsed = replace(parsed, notes=(*parsed.notes, "the mail has no text"))
    return parsed
