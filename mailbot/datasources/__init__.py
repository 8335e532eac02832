"""Data sources: where the company keeps data about people (``[[sources]]``); see ``base``."""

from __future__ import annotations

from collections.abc import Sequence

from mailbot.config import DataSourceSettings
from mailbot.datasources.base import DataSource, DataSourceError, Row, found_any
from mailbot.datasources.csv_file import CsvSource
from mailbot.datasources.sql import SqlSource

__all__ = ["DataSource", "DataSourceError", "Row", "found_any", "open_sources"]


def open_sources(settings: Sequence[DataSourceSettings]) -> list[DataSource]:
    """The adapters for the configured ``[[sources]]``; nothing is connected yet."""
    return [SqlSource(source) if source.kind == "sql" else CsvSource(source) for source in settings]
