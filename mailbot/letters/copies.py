"""Copies of a person's data: JSON and CSV per source, a printable overview, a manifest.

Rows are streamed once per source straight into the JSON and CSV files (spooled
to disk beyond a few megabytes), so 100,000 rows do not sit in memory as Python
objects. The overview shows the first rows of each source; the files hold all
of them "in the data format used in our systems" (the privacy statement). Above
``zip_above`` bytes everything goes into one zip file.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from typing import Any

from mailbot.core.spreadsheet import cell
from mailbot.datasources.base import Row

SAMPLE_ROWS = 50
_SPOOL = 4 * 1024 * 1024
OVERVIEW_NAME = {
    "nl": "overzicht.html",
    "en": "overview.html",
    "de": "uebersicht.html",
    "fr": "apercu.html",
}
ZIP_NAME = {"nl": "gegevens", "en": "data", "de": "daten", "fr": "donnees"}


@dataclass(frozen=True, slots=True)
class CopyFile:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Table:
    """The rows one source holds about the person, described for the manifest."""

    name: str
    category: str
    rows: Iterable[Row]
    recipients: Sequence[str] = ()
    purpose: str | None = None
    retention: str | None = None


@dataclass(frozen=True, slots=True)
class Copies:
    files: tuple[CopyFile, ...]
    counts: dict[str, int]
    overview_tables: tuple[dict[str, Any], ...]

    @property
    def size(self) -> int:
        return sum(len(item.content) for item in self.files)


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


def _write_table(table: Table) -> tuple[CopyFile, CopyFile, int, dict[str, Any]]:
    json_file: Any = SpooledTemporaryFile(max_size=_SPOOL, mode="w+b")  # noqa: SIM115 - closed below
    csv_file: Any = SpooledTemporaryFile(max_size=_SPOOL, mode="w+b")  # noqa: SIM115
    try:
        csv_text = io.TextIOWrapper(csv_file, encoding="utf-8", newline="")
        writer = csv.writer(csv_text)
        columns: list[str] = []
        sample: list[list[str]] = []
        count = 0
        json_file.write(b"[")
        for row in table.rows:
            plain = {key: _plain(value) for key, value in row.items()}
            if count == 0:
                columns = list(plain)
                writer.writerow([cell(column) for column in columns])
            else:
                json_file.write(b",")
            json_file.write(b"\n  " + json.dumps(plain, ensure_ascii=False).encode("utf-8"))
            writer.writerow([cell(plain.get(column)) for column in columns])
            if count < SAMPLE_ROWS:
                sample.append(["" if plain.get(c) is None else str(plain.get(c)) for c in columns])
            count += 1
        json_file.write(b"\n]\n" if count else b"]\n")
        csv_text.flush()
        json_file.seek(0)
        csv_text.seek(0)
        json_copy = CopyFile(f"{table.name}.json", "application/json", json_file.read())
        csv_copy = CopyFile(f"{table.name}.csv", "text/csv", csv_file.read())
        csv_text.detach()
    finally:
        json_file.close()
        csv_file.close()
    overview = {
        "category": table.category,
        "source": table.name,
        "rows": count,
        "shown": len(sample),
        "columns": columns,
        "sample": sample,
    }
    return json_copy, csv_copy, count, overview


def build(tables: Sequence[Table]) -> Copies:
    """JSON and CSV per source; the overview and manifest are added by ``finish``."""
    files: list[CopyFile] = []
    counts: dict[str, int] = {}
    overview: list[dict[str, Any]] = []
    for table in tables:
        json_copy, csv_copy, count, described = _write_table(table)
        counts[table.name] = count
        if count:
            files += [json_copy, csv_copy]
            overview.append(described)
    return Copies(tuple(files), counts, tuple(overview))


def manifest(reference: str, controller: str, tables: Sequence[Table], copies: Copies) -> CopyFile:
    entries = [
        {
            "source": table.name,
            "category": table.category,
            "records": copies.counts.get(table.name, 0),
            "recipients": list(table.recipients),
            "purpose": table.purpose,
            "retention": table.retention,
            "files": [f"{table.name}.json", f"{table.name}.csv"]
            if copies.counts.get(table.name)
            else [],
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
    manifest_file: CopyFile,
    language: str,
    reference: str,
    zip_above: int,
) -> tuple[CopyFile, ...]:
    """All attachments of the reply, zipped into one file when they are large."""
    files = list(copies.files)
    if overview_html is not None:
        name = OVERVIEW_NAME.get(language, OVERVIEW_NAME["en"])
        files.append(CopyFile(name, "text/html", overview_html.encode("utf-8")))
    files.append(manifest_file)
    if sum(len(item.content) for item in files) <= zip_above:
        return tuple(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.writestr(item.filename, item.content)
    name = f"{reference}-{ZIP_NAME.get(language, ZIP_NAME['en'])}.zip"
    return (CopyFile(name, "application/zip", buffer.getvalue()),)
