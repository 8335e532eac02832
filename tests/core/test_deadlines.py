from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from mailbot.core.deadlines import (
    add_months,
    due_date,
    dutch_holidays,
    easter_sunday,
    extended_due_date,
    is_working_day,
    local_day,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))],
)  # fmt: skip
def test_easter_matches_published_dates(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_dutch_holidays_2026() -> None:
    assert dutch_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 27),  # King's Day (a Monday)
        date(2026, 5, 5),  # Liberation Day
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 12, 25),
        date(2026, 12, 26),
    }


def test_kings_day_moves_to_26_april_when_27_is_a_sunday() -> None:
    assert date(2025, 4, 27).weekday() == 6
    assert date(2025, 4, 26) in dutch_holidays(2025)
    assert date(2025, 4, 27) not in dutch_holidays(2025)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 3, 5), date(2026, 4, 5)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 10, 31), date(2026, 11, 30)),
    ],
)
def test_add_one_month_keeps_the_day_or_takes_the_last_day(start: date, expected: date) -> None:
    assert add_months(start, 1) == expected


def test_received_5_march_is_due_5_april_on_a_working_day() -> None:
    # 5 April 2027 is Easter Monday, so take 2029: 5 April 2029 is a Thursday.
    assert due_date(date(2029, 3, 5)) == date(2029, 4, 5)


def test_31_january_is_due_on_the_last_day_of_february() -> None:
    assert due_date(date(2029, 1, 31)) == date(2029, 2, 28)  # a Wednesday


def test_31_january_leap_year_month_end_on_a_sunday_moves_to_monday() -> None:
    # 29 February 2032 is a Sunday.
    assert due_date(date(2032, 1, 31)) == date(2032, 3, 1)


def test_31_august_is_due_30_september() -> None:
    assert due_date(date(2026, 8, 31)) == date(2026, 9, 30)  # a Wednesday


def test_due_date_on_a_saturday_moves_to_monday() -> None:
    # received Tuesday 3 November 2026 -> 3 December 2026 is a Thursday; take 3 October 2026:
    # 3 October + 1 month = 3 November 2026 (Tuesday). Use 7 February -> 7 March 2026 (Saturday).
    assert date(2026, 3, 7).weekday() == 5
    assert due_date(date(2026, 2, 7)) == date(2026, 3, 9)


def test_due_date_on_christmas_moves_past_both_christmas_days() -> None:
    # 25 November 2026 -> 25 December (Friday, holiday) -> 26 (Saturday, holiday) -> 28 December.
    assert due_date(date(2026, 11, 25)) == date(2026, 12, 28)


def test_due_date_on_boxing_day_moves_to_next_working_day() -> None:
    # 26 November 2027 -> 26 December 2027 is a Sunday and a holiday -> Monday 27 December.
    assert due_date(date(2027, 11, 26)) == date(2027, 12, 27)


def test_due_date_on_kings_day_moves() -> None:
    # 27 March 2026 -> 27 April 2026, King's Day (Monday) -> Tuesday 28 April.
    assert due_date(date(2026, 3, 27)) == date(2026, 4, 28)


def test_due_date_on_ascension_day_moves_to_friday() -> None:
    # 14 April 2026 -> 14 May 2026, Ascension Day (Thursday) -> Friday 15 May.
    assert due_date(date(2026, 4, 14)) == date(2026, 5, 15)


def test_due_date_on_liberation_day_and_whit_monday() -> None:
    assert due_date(date(2026, 4, 5)) == date(2026, 5, 6)  # 5 May 2026 is a Tuesday holiday
    assert due_date(date(2026, 4, 25)) == date(2026, 5, 26)  # 25 May: Whit Monday


def test_arrival_just_after_local_midnight_counts_from_the_local_day() -> None:
    # 23:30 UTC on 31 January is 00:30 on 1 February in Amsterdam (UTC+1).
    arrived = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert local_day(arrived, AMSTERDAM) == date(2026, 2, 1)
    # 1 March 2026 is a Sunday, so the deadline is Monday 2 March, not 28 February.
    assert due_date(local_day(arrived, AMSTERDAM)) == date(2026, 3, 2)


def test_arrival_just_after_midnight_in_summer_time() -> None:
    arrived = datetime(2026, 6, 30, 22, 5, tzinfo=UTC)  # 00:05 on 1 July (UTC+2)
    assert local_day(arrived, AMSTERDAM) == date(2026, 7, 1)


def test_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_day(datetime(2026, 1, 1, 12, 0), AMSTERDAM)


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 12, 25))
    assert is_working_day(date(2026, 11, 25))


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # the first month ends 28 February: two months on is 28 April, before 30 April
        (date(2027, 1, 31), date(2027, 4, 28)),
        # 31 August: 30 September + two months = 30 November = receipt + three months
        (date(2026, 8, 31), date(2026, 11, 30)),
        # 5 February -> 5 May, Liberation Day -> 6 May
        (date(2026, 2, 5), date(2026, 5, 6)),
        # 30 November 2026: 30 December + two months = 28 February 2027, a Sunday -> 1 March
        (date(2026, 11, 30), date(2027, 3, 1)),
        # 29 March 2026: 29 April + two months = 29 June (a Monday)
        (date(2026, 3, 29), date(2026, 6, 29)),
    ],
)
def test_an_extension_adds_two_months_to_the_unshifted_first_month(
    received: date, due: date
) -> None:
    assert extended_due_date(received) == due
