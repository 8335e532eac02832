"""A CSV export as a data source: the rows whose address column is the person's address.

An address matches only when its normalised form is equal (case-insensitive,
never fuzzy). The file is read once into an index (where each address's rows
start, a few dozen bytes per row, not the rows themselves) and again whenever
it changes (size or modification time); a lookup then reads only that person's
rows. Without the index every lookup read the whole file, so that drafting a
backlog took time in the square of the customer file's length.
"""

from __future__ import annotations

import codecs
import csv
import os
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from mailbot.config import DataSourceSettings
from mailbot.core.addresses import normalise
from mailbot.datasources.base import DataSourceError, Row

# Encodings whose line ends are not the byte b"\n": read the old way, whole, each time.
_WIDE = ("utf-16", "utf-32")


@dataclass(frozen=True)
class _Index:
    version: tuple[int, int]  # (size, modification time in ns) of the file it was built from
    fieldnames: list[str]
    starts: dict[int, list[int]]  # hash of a normalised address -> byte offsets of its rows


class _Lines:
    """A binary file's lines, decoded, counting the bytes consumed (csv wants text lines)."""

    def __init__(self, handle: BinaryIO, encoding: str) -> None:
        self.handle = handle
        self.encoding = encoding
        self.position = handle.tell()

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.handle.readline()
        if not line:
            raise StopIteration
        self.position += len(line)
        return line.decode(self.encoding)


class CsvSource:
    def __init__(self, settings: DataSourceSettings) -> None:
        self._settings = settings
        self._index: _Index | None = None
        self._lock = threading.Lock()  # drafting and the review pages may look up at once

    @property
    def settings(self) -> DataSourceSettings:
        return self._settings

    def rows(self, address: str) -> Iterator[Row]:
        settings = self._settings
        path = settings.path
        assert path is not None
        wanted = normalise(address)
        if wanted is None:
            return
        try:
            if codecs.lookup(settings.encoding).name.startswith(_WIDE):
                yield from self._scan(wanted)
                return
            with path.open("rb") as handle:
                index = self._current_index(handle)
                for start in index.starts.get(hash(wanted), ()):
                    handle.seek(start)
                    lines = _Lines(handle, settings.encoding)
                    reader = csv.DictReader(
                        lines, fieldnames=index.fieldnames, delimiter=settings.delimiter
                    )
                    row = next(reader, None)
                    if row is not None and self._matches(row, wanted):
                        yield dict(row)
        except (OSError, UnicodeDecodeError, csv.Error, LookupError) as exc:
            raise DataSourceError(f"source {settings.name}: cannot read {path}: {exc}") from None

    def _matches(self, row: dict[str, str], wanted: str) -> bool:
        value = row.get(self._settings.email_column or "") or ""
        return bool(value) and normalise(value) == wanted

    def _current_index(self, handle: BinaryIO) -> _Index:
        status = os.fstat(handle.fileno())
        version = (status.st_size, status.st_mtime_ns)
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = self._build(handle, version)
            return self._index

    def _build(self, handle: BinaryIO, version: tuple[int, int]) -> _Index:
        settings = self._settings
        lines = _Lines(handle, settings.encoding)
        reader = csv.reader(lines, delimiter=settings.delimiter)
        fieldnames = next(reader, None) or []
        column = self._column(fieldnames)
        starts: defaultdict[int, list[int]] = defaultdict(list)
        start = lines.position
        for record in reader:
            value = record[column] if column < len(record) else ""
            key = normalise(value) if value else None
            if key is not None:
                starts[hash(key)].append(start)
            start = lines.position
        return _Index(version, fieldnames, dict(starts))

    def _column(self, fieldnames: list[str]) -> int:
        settings = self._settings
        column = settings.email_column
        if column is None or column not in fieldnames:
            raise DataSourceError(
                f"source {settings.name}: no column {column!r} in {settings.path} "
                f"(columns: {', '.join(fieldnames)})"
            )
        return fieldnames.index(column)

    def _scan(self, wanted: str) -> Iterator[Row]:
        """Every row of the file, read as text (for encodings the index cannot read)."""
        settings = self._settings
        assert settings.path is not None
        with settings.path.open(encoding=settings.encoding, newline="") as handle:
            reader = csv.DictReader(handle, delimiter=settings.delimiter)
            self._column(list(reader.fieldnames or []))
            for row in reader:
                if self._matches(row, wanted):
                    yield dict(row)

    def check(self) -> None:
        for _ in self.rows("mailbot-check@invalid.example"):
            break

    def close(self) -> None:
        """Nothing stays open between lookups (the index is in memory)."""
