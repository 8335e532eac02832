"""Copies of a person's data: a readable overview, a CSV per source, JSON for portability.

What the officer sends the person. The overview (HTML) and the CSV files show each column by
its label in the letter's language (the source's ``labels``, else the column's own name) and
dates and times in the organisation's time zone, written plainly for the language. A CSV opens
as columns in Excel: UTF-8 with a byte-order mark, ``;`` between cells where Excel's list
separator is one (Dutch, German, French settings), ``,`` for English. JSON, only for the
sources a portability request covers, keeps the source's own column names and ISO 8601 times,
"in the data format used in our systems" (the privacy statement); a manifest goes with it.

Rows are streamed once per source straight into the files (spooled to disk beyond a few
megabytes), so 100,000 rows do not sit in memory as Python objects. The overview shows the
first rows of each source; the files hold all of them. Above ``zip_above`` bytes everything
goes into one zip file.
"""

from __future__ import annotations

import base64
import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from typing import Any

from mailbot.core.spreadsheet import cell
from mailbot.datasources.base import Row
from mailbot.letters.render import date_text

SAMPLE_ROWS = 50
_SPOOL = 4 * 1024 * 1024
OVERVIEW_NAME = {
    "nl": "overzicht.html",
    "en": "overview.html",
    "de": "uebersicht.html",
    "fr": "apercu.html",
}
ZIP_NAME = {"nl": "gegevens", "en": "data", "de": "daten", "fr": "donnees"}
# Excel's list separator with the language's regional settings: what it splits a CSV on
DELIMITER = {"nl": ";", "de": ";", "fr": ";", "en": ","}
# a date, or a date and time (to the minute at least, an offset or Z optional), and no more:
# an invoice number such as 20260305 stays what it is
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


@dataclass(frozen=True, slots=True)
class CopyFile:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Table:
    """The rows one source holds about the person, described for the manifest; ``labels``:
    column -> its label in the letter's language; ``portable``: a JSON file too."""

    name: str
    category: str
    rows: Iterable[Row]
    recipients: Sequence[str] = ()
    purpose: str | None = None
    retention: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    portable: bool = False


@dataclass(frozen=True, slots=True)
class Local:
    """How the overview and the CSV write for one person: the letter's language and the
    organisation's time zone."""

    language: str
    zone: tzinfo

    @property
    def delimiter(self) -> str:
        return DELIMITER.get(self.language, ",")

    def text(self, value: object) -> str:
        """``value`` as the person reads it: a date or time plainly in the language, a time
        in the zone (one without an offset is taken to be local already: never shifted)."""
        if isinstance(value, str):
            value = _iso(value)
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(self.zone)
            return f"{date_text(value.date(), self.language)} {value:%H:%M}"
        if isinstance(value, date):
            return date_text(value, self.language)
        plain = _plain(value)
        return "" if plain is None else str(plain)


@dataclass(frozen=True, slots=True)
class Copies:
    files: tuple[CopyFile, ...]
    counts: dict[str, int]
    overview_tables: tuple[dict[str, Any], ...]
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source -> its files

    @property
    def size(self) -> int:
        return sum(len(item.content) for item in self.files)

    @property
    def portable(self) -> bool:
        """Whether any source gave a JSON file (then a manifest goes with them)."""
        return any(item.filename.endswith(".json") for item in self.files)


def _iso(text: str) -> str | date | datetime:
    """An ISO 8601 date or time in a text (as CSV exports and SQLite hold them), else the text."""
    if not 10 <= len(text) <= 32 or text[4:5] != "-" or not _ISO.fullmatch(text):
        return text
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return text


def _plain(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _write_table(table: Table, local: Local) -> tuple[tuple[CopyFile, ...], int, dict[str, Any]]:
    # both closed below
    csv_file: Any = SpooledTemporaryFile(max_size=_SPOOL, mode="w+b")  # noqa: SIM115
    json_file: Any = None
    if table.portable:
        json_file = SpooledTemporaryFile(max_size=_SPOOL, mode="w+b")  # noqa: SIM115
    try:
        csv_file.write(codecs.BOM_UTF8)  # Excel reads UTF-8 only with it
        csv_text = io.TextIOWrapper(csv_file, encoding="utf-8", newline="")
        writer = csv.writer(csv_text, delimiter=local.delimiter)
        columns: list[str] = []
        sample: list[list[str]] = []
        count = 0
        if json_file is not None:
            json_file.write(b"[")
        for row in table.rows:
            if count == 0:
                columns = list(row)
                writer.writerow([cell(table.labels.get(column, column)) for column in columns])
            shown = [local.text(row.get(column)) for column in columns]
            writer.writerow([cell(value) for value in shown])
            if json_file is not None:
                plain = {key: _plain(value) for key, value in row.items()}
                line = json.dumps(plain, ensure_ascii=False).encode("utf-8")
                json_file.write((b",\n  " if count else b"\n  ") + line)
            if count < SAMPLE_ROWS:
                sample.append(shown)
            count += 1
        csv_text.flush()
        csv_text.seek(0)
        files = [CopyFile(f"{table.name}.csv", "text/csv", csv_file.read())]
        csv_text.detach()
        if json_file is not None:
            json_file.write(b"\n]\n" if count else b"]\n")
            json_file.seek(0)
            files.insert(0, CopyFile(f"{table.name}.json", "application/json", json_file.read()))
    finally:
        csv_file.close()
        if json_file is not None:
            json_file.close()
    overview = {
        "category": table.category,
        "source": table.name,
        "rows": count,
        "shown": len(sample),
        "columns": [table.labels.get(column, column) for column in columns],
        "sample": sample,
    }
    return tuple(files) if count else (), count, overview


def build(tables: Sequence[Table], *, language: str, zone: tzinfo) -> Copies:
    """A CSV per source that holds rows (and a JSON file for a ``portable`` one), written for
    a reader of ``language`` in ``zone``; the overview and manifest are added by ``finish``."""
    local = Local(language, zone)
    files: list[CopyFile] = []
    counts: dict[str, int] = {}
    names: dict[str, tuple[str, ...]] = {}
    overview: list[dict[str, Any]] = []
    for table in tables:
        written, count, described = _write_table(table, local)
        counts[table.name] = count
        names[table.name] = tuple(item.filename for item in written)
        if count:
            files += written
            overview.append(described)
    return Copies(tuple(files), counts, tuple(overview), names)


def manifest(reference: str, controller: str, tables: Sequence[Table], copies: Copies) -> CopyFile:
    """What each source holds about the person and which of the attached files hold it."""
    entries = [
        {
            "source": table.name,
            "category": table.category,
            "records": copies.counts.get(table.name, 0),
            "recipients": list(table.recipients),
            "purpose": table.purpose,
            "retention": table.retention,
            "files": list(copies.names.get(table.name, ())),
        }
        for table in tables
    ]
    data = {"reference": reference, "controller": controller, "sources": entries}
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return CopyFile("manifest.json", "application/json", content)


def finish(
    copies: Copies,
    *,
    overview_html: str | None,
    manifest_file: CopyFile | None,
    language: str,
    reference: str,
    zip_above: int,
) -> tuple[CopyFile, ...]:
    """All attachments of the reply, the overview first; zipped into one file when large."""
    files = list(copies.files)
    if overview_html is not None:
        name = OVERVIEW_NAME.get(language, OVERVIEW_NAME["en"])
        files.insert(0, CopyFile(name, "text/html", overview_html.encode("utf-8")))
    if manifest_file is not None:
        files.append(manifest_file)
    if sum(len(item.content) for item in files) <= zip_above:
        return tuple(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.writestr(item.filename, item.content)
    name = f"{reference}-{ZIP_NAME.get(language, ZIP_NAME['en'])}.zip"
    return (CopyFile(name, "application/zip", buffer.getvalue()),)
