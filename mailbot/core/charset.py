"""Turning bytes of unknown honesty into text.

Mail declares its charset, and the declaration is often wrong: ``us-ascii`` or
``iso-8859-1`` labels on UTF-8 text, ``utf-8`` on Windows-1252 text, names no
codec knows (``x-unknown``, ``unknown-8bit``), or nothing at all. The order here:

1. bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever the label
   says (Latin-1 text is almost never valid UTF-8 by accident);
2. otherwise the declared charset, if Python knows it and it decodes cleanly;
3. otherwise Windows-1252 (a superset of Latin-1 used by most lying senders);
4. otherwise Latin-1, which decodes every byte.

Nothing here raises on any input. ``decode`` also reports what it did, so the
fallbacks can be shown to the officer as notes.
"""

from __future__ import annotations

import codecs


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    cleaned = name.strip().strip("\"'").lower()
    try:
        return codecs.lookup(cleaned).name
    except (LookupError, ValueError):
        return None


def decode(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Decode ``data``; returns the text and a note when the label was not followed."""
    if data.isascii():
        return data.decode("ascii"), None
    codec = _known_codec(declared)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if codec is None or codec in ("utf-8", "ascii") or _is_single_byte(codec):
            note = None if codec == "utf-8" else f"charset {declared!r} was really UTF-8"
            return text, note
    if codec is not None and codec != "utf-8":
        try:
            return data.decode(codec), None
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1"), f"charset {declared!r} not usable: read as Latin-1"
    return text, f"charset {declared!r} not usable: read as Windows-1252"


def _is_single_byte(codec: str) -> bool:
    """ISO-8859-x, Windows-125x, KOI8 and friends: valid UTF-8 in them is an accident."""
    return codec.startswith(("iso8859", "cp", "koi8", "mac-"))


def decode_text(data: bytes, declared: str | None) -> str:
    """Like ``decode`` without the note."""
    return decode(data, declared)[0]
