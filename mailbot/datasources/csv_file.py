"""A CSV export as a data source: the rows whose address column is the person's address.

The file is read as a stream, row by row; an address matches only when its
normalised form is equal (case-insensitive, never fuzzy).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from mailbot.config import DataSourceSettings
from mailbot.core.addresses import normalise
from mailbot.datasources.base import DataSourceError, Row


class CsvSource:
    def __init__(self, settings: DataSourceSettings) -> None:
        self._settings = settings

    @property
    def settings(self) -> DataSourceSettings:
        return self._settings

    def rows(self, address: str) -> Iterator[Row]:
        settings = self._settings
        path, column = settings.path, settings.email_column
        assert path is not None
        assert column is not None
        wanted = normalise(address)
        if wanted is None:
            return
        try:
            with path.open(encoding=settings.encoding, newline="") as handle:
                reader = csv.DictReader(handle, delimiter=settings.delimiter)
                if reader.fieldnames is None or column not in reader.fieldnames:
                    columns = ", ".join(reader.fieldnames or [])
                    raise DataSourceError(
                        f"source {settings.name}: no column {column!r} in {path} "
                        f"(columns: {columns})"
                    )
                for row in reader:
                    value = row.get(column) or ""
                    if value and normalise(value) == wanted:
                        yield dict(row)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise DataSourceError(f"source {settings.name}: cannot read {path}: {exc}") from None

    def check(self) -> None:
        for _ in self.rows("mailbot-check@invalid.example"):
            break

    def close(self) -> None:
        """Nothing stays open between lookups."""
