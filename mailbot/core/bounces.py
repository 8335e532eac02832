"""Reading a bounce: which of our mails it is about, and whether delivery failed. No I/O.

A standard delivery report (RFC 3464: ``multipart/report`` with a
``message/delivery-status`` part) says per recipient what happened (``Action:
failed``, ``delayed``, ``delivered``, ...) and usually returns the original
mail or its headers, where its Message-ID is. Servers that send a plain-text
bounce instead quote the original's headers in the text. Only Message-IDs are
taken from a bounce: whether one of them is ours is for the caller to look up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.parser import HeaderParser

_MESSAGE_ID_LINE = re.compile(r"^\s*Message-ID:\s*(<[^<>\s]+>)", re.I | re.M)
_MAX_PARTS = 50


@dataclass(frozen=True, slots=True)
class Bounce:
    """What a bounce says about the mails it returns."""

    message_ids: tuple[str, ...]
    action: str | None  # from the delivery report; None when it had none
    status: str | None = None  # e.g. "5.1.1"
    diagnostic: str = ""

    @property
    def failed(self) -> bool:
        """Delivery failed for good: a report saying ``failed``, or a bounce without a report."""
        return self.action in (None, "failed")

    @property
    def explanation(self) -> str:
        parts = [part for part in (self.status, self.diagnostic) if part]
        return " ".join(parts) or "the receiving server returned the mail"


def read_bounce(raw: bytes) -> Bounce | None:
    """The Message-IDs a bounce returns and what it says, or None when it names none."""
    try:
        message = message_from_bytes(raw, policy=policy.compat32)
    except (ValueError, TypeError, LookupError):  # unreadable: nothing to say
        return None
    ids: dict[str, None] = {}
    fields: dict[str, str] = {}
    texts: list[str] = []
    for count, part in enumerate(message.walk()):
        if count > _MAX_PARTS:
            break
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            _report_fields(part, fields)
        elif kind == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                _add(ids, payload[0].get("Message-ID"))
        elif kind == "text/rfc822-headers":
            headers = HeaderParser().parsestr(_text(part))
            _add(ids, headers.get("Message-ID"))
        elif kind == "text/plain":
            texts.append(_text(part))
    if not ids:
        for text in texts:
            for found in _MESSAGE_ID_LINE.findall(text):
                _add(ids, found)
    if not ids:
        return None
    return Bounce(
        message_ids=tuple(ids),
        action=fields.get("action"),
        status=fields.get("status"),
        diagnostic=" ".join(fields.get("diagnostic-code", "").split())[:500],
    )


def _report_fields(part: Message, fields: dict[str, str]) -> None:
    """The first recipient's ``Action``, ``Status`` and ``Diagnostic-Code``, lower-case keys."""
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks:
        if not isinstance(block, Message):
            continue
        if block.get("Action") and "action" not in fields:
            fields["action"] = str(block.get("Action")).strip().lower().split()[0]
            for name in ("Status", "Diagnostic-Code"):
                value = block.get(name)
                if value:
                    fields[name.lower()] = str(value).strip()


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        try:
            return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            return payload.decode("latin-1")
    raw = part.get_payload()
    return raw if isinstance(raw, str) else ""


def _add(ids: dict[str, None], value: object) -> None:
    if value:
        text = " ".join(str(value).split())
        match = re.search(r"<[^<>\s]+>", text)
        if match:
            ids.setdefault(match.group(0), None)
