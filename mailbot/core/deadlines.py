"""The legal deadline of a request (GDPR Art. 12(3), counted per Regulation 1182/71).

One calendar month from the day of receipt: received 5 March, due 5 April. When
the next month has no such day the period ends on its last day (31 January ->
28/29 February). A period ending on a Saturday, Sunday or Dutch public holiday
ends on the next working day. The day of receipt is the *local* date at the
organisation, so a mail that arrives at 00:30 Amsterdam time counts from that
day even though it is still the previous day in UTC.

Not "30 days" and not "45 days". Extensions (two further months, only with a
notice sent inside the first month) are never applied automatically. An extended
period is two months added to the end of the first month as it fell before any
weekend or holiday shift, but never past three months from receipt, and then
shifted as usual: received 31 January 2027, the first month ends 28 February, so
the extended one ends 28 April (not 30 April, three months from receipt, nor
3 May, two months after the shifted first deadline of 1 March).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month if it has no such day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def dutch_holidays(year: int) -> frozenset[date]:
    """The Dutch public holidays that move a deadline (DOMAIN.md section 3)."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == calendar.SUNDAY:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),  # New Year's Day
            easter + timedelta(days=1),  # Easter Monday
            kings_day,  # King's Day
            date(year, 5, 5),  # Liberation Day
            easter + timedelta(days=39),  # Ascension Day
            easter + timedelta(days=50),  # Whit Monday
            date(year, 12, 25),  # Christmas Day
            date(year, 12, 26),  # Boxing Day
        }
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < calendar.SATURDAY and day not in dutch_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The date at the organisation on which ``moment`` (timezone-aware) falls."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(zone).date()


def due_date(received: date) -> date:
    """The last day to answer a request received on ``received``: one month, shifted."""
    return next_working_day(add_months(received, 1))


def extended_due_date(received: date) -> date:
    """The last day after an extension by two months (Art. 12(3)): the earlier of the end of
    the first month (unshifted) plus two months and receipt plus three months, then shifted."""
    first_month = add_months(received, 1)
    return next_working_day(min(add_months(first_month, 2), add_months(received, 3)))
