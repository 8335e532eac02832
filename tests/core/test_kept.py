"""Until when an erasure keeps data the law makes the company keep (``core.kept``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from mailbot.config import DataSourceSettings
from mailbot.core.actions import SourceHolding, actions_for
from mailbot.core.kept import RowDates, iso_date, kept_due, kept_until, row_date
from mailbot.core.rights import Right


def invoices(**values: Any) -> DataSourceSettings:
    base: dict[str, Any] = {
        "name": "invoices", "kind": "csv", "path": Path("i.csv"), "email_column": "email",
        "category": "Facturen", "erasure": "keep", "retention": "7 jaar",
        "legal_basis": "art. 52 AWR",
    }  # fmt: skip
    base.update(values)
    return DataSourceSettings.model_validate(base)


@pytest.mark.parametrize(
    ("anchor", "until"),
    [
        (date(2026, 1, 1), date(2033, 12, 31)),
        (date(2026, 12, 31), date(2033, 12, 31)),  # the last day of a year: that year
        (date(2027, 1, 1), date(2034, 12, 31)),  # one day later: a year later
        (date(2024, 2, 29), date(2031, 12, 31)),
    ],
)
def test_kept_until_the_end_of_the_year_plus_the_years(anchor: date, until: date) -> None:
    assert kept_until(7, anchor) == until


def test_row_dates_read_as_sources_give_them() -> None:
    assert row_date(date(2025, 11, 30)) == date(2025, 11, 30)
    assert row_date(datetime(2025, 11, 30, 23, 59, tzinfo=UTC)) == date(2025, 11, 30)
    assert row_date("2025-11-30") == date(2025, 11, 30)
    assert row_date(" 2025-11-30T10:00:00+01:00") == date(2025, 11, 30)
    for unreadable in (None, "", "30-11-2025", "nov 2025", 2025, "2025-13-01"):
        assert row_date(unreadable) is None, unreadable


def test_the_newest_date_is_known_only_when_every_row_had_one() -> None:
    dates = RowDates()
    for value in ("2024-05-01", date(2025, 11, 30), "2023-01-09"):
        dates.see(value)
    assert dates.known == date(2025, 11, 30)
    dates.see("")  # a row without a date could be the newest: the newest is not known
    assert dates.newest == date(2025, 11, 30) and dates.known is None
    assert RowDates().known is None


def test_kept_data_are_due_the_day_after_their_last_day_until_done() -> None:
    until = date(2033, 12, 31)
    assert not kept_due(until, False, date(2033, 12, 31))
    assert kept_due(until, False, date(2034, 1, 1))
    assert not kept_due(until, True, date(2040, 1, 1))
    assert iso_date("2033-12-31") == until
    assert iso_date("7 jaar") is None and iso_date(None) is None


def test_the_erasure_of_a_kept_source_states_the_date() -> None:
    # without keep_from: the year of the erasure
    kept = SourceHolding(invoices(keep_years=7), 2)
    (action,) = actions_for([Right.ERASURE], [kept], date(2026, 12, 31))
    assert action.kept_until == "2033-12-31"
    assert action.text == (
        "Keep invoices (Facturen) until 2033-12-31 (art. 52 AWR), but close it to employees; "
        "erase it then"
    )
    (next_year,) = actions_for([Right.ERASURE], [kept], date(2027, 1, 1))
    assert next_year.kept_until == "2034-12-31"
    # with keep_from: the year of the newest row, whenever the erasure is
    dated = SourceHolding(invoices(keep_years=7, keep_from="date"), 2, date(2024, 5, 1))
    (action,) = actions_for([Right.ERASURE], [dated], date(2026, 3, 10))
    assert action.kept_until == "2031-12-31" and "until 2031-12-31" in action.text
    # keep_from rows without a readable date: the erasure's year (the later end)
    unknown = SourceHolding(invoices(keep_years=7, keep_from="date"), 2, None)
    assert actions_for([Right.ERASURE], [unknown], date(2026, 3, 10))[0].kept_until == (
        "2033-12-31"
    )


def test_without_keep_years_the_retention_text_as_before() -> None:
    kept = SourceHolding(invoices(), 2)
    (action,) = actions_for([Right.ERASURE], [kept], date(2026, 3, 10))
    assert action.kept_until == "7 jaar" and "until 7 jaar (art. 52 AWR)" in action.text
    (undated,) = actions_for([Right.ERASURE], [SourceHolding(invoices(keep_years=7), 2)])
    assert undated.kept_until == "7 jaar"  # no day of erasure given: no date


def test_keep_years_belongs_to_a_kept_source() -> None:
    with pytest.raises(ValidationError, match="keep_years is for a source whose erasure"):
        invoices(erasure="erase", keep_years=7)
    with pytest.raises(ValidationError, match="keep_from needs keep_years"):
        invoices(keep_from="date")
    with pytest.raises(ValidationError, match="keep_years"):
        invoices(keep_years=0)
