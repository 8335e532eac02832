"""The register's rows and statistics, against counts made by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mailbot.core.register import CaseFacts, identity_method, row, stats
from mailbot.core.rights import Right

TODAY = date(2026, 6, 1)
RIGHTS = [right.value for right in Right]


def case(
    reference: str,
    rights: str,
    received: date,
    due: date,
    answered: date | None = None,
    *,
    extended: bool = False,
    outcome: str | None = None,
    ground: str | None = None,
    closed: bool = False,
) -> CaseFacts:
    return CaseFacts(
        reference=reference,
        rights=tuple(rights.split(",")),
        channel="email",
        received=received,
        due=due,
        extended=extended,
        extension_ground="complexity" if extended else None,
        answered=answered,
        outcome=outcome,
        refusal_ground=ground,
        identity="known",
        confirmed=False,
        verification=None,
        closed=closed,
    )


# Received 5 March: the first deadline is 7 April (6 April is Easter Monday); three months: 5 June.
# Received 2 April: 4 May (2 May is a Saturday), three months: 2 July.
CASES = [
    case("A-1", "access", date(2026, 3, 5), date(2026, 4, 7), date(2026, 3, 20), closed=True,
         outcome="granted"),  # in time
    case("A-2", "access,erasure", date(2026, 3, 5), date(2026, 4, 7), date(2026, 4, 7)),  # last day
    case("A-3", "erasure", date(2026, 3, 5), date(2026, 6, 5), date(2026, 5, 1), extended=True),
    case("A-4", "access", date(2026, 3, 5), date(2026, 4, 7), date(2026, 4, 20)),  # late, 2nd month
    case("A-5", "objection", date(2026, 3, 5), date(2026, 4, 7), date(2026, 3, 9), closed=True,
         outcome="refused", ground="manifestly_unfounded"),
    case("A-6", "access", date(2026, 3, 5), date(2026, 4, 7)),  # open, overdue
    case("A-7", "erasure", date(2026, 4, 2), date(2026, 7, 2), extended=True),  # open, not overdue
    case("A-8", "rectification", date(2026, 4, 2), date(2026, 5, 4), closed=True,
         outcome="withdrawn"),  # closed without an answer: neither open nor answered
    case("A-9", "access", date(2026, 4, 2), date(2026, 5, 4), date(2026, 7, 10)),  # > 3 months
]  # fmt: skip


def test_the_totals_match_the_hand_count() -> None:
    found = stats(CASES, TODAY, RIGHTS).as_dict()
    assert found["total"] == {
        "received": 9,
        "answered": 6,  # A-1..A-5, A-9
        "within_one_month": 3,
        "within_three_months": 5,  # and
        "late": 2,  # A-4 (not extended), A-9
        "open": 2,
        "overdue": 1,
        "extended": 2,
        "refused": 1,
        "not_the_person": 0,
    }


def test_a_request_the_addresss_owner_denied_is_counted_apart() -> None:
    denied = replace(
        case("D-1", "erasure", date(2026, 4, 2), date(2026, 5, 4), closed=True,
             outcome="not_the_person"),
        denied=True,
    )  # fmt: skip
    found = stats([*CASES, denied], TODAY, RIGHTS).total
    assert (found.received, found.not_the_person, found.open, found.refused) == (10, 1, 2, 1)
    assert row(denied)["identity_method"] == "not established"
    assert row(denied)["outcome"] == "not_the_person"


def test_per_right_and_per_month_match_the_hand_count() -> None:
    found = stats(CASES, TODAY, RIGHTS)
    assert list(found.by_right) == ["access", "rectification", "erasure", "objection"]
    access, erasure = found.by_right["access"], found.by_right["erasure"]
    # access
    assert (access.received, access.answered, access.within_one_month) == (5, 4, 2)
    assert (access.within_three_months, access.late, access.open, access.overdue) == (3, 2, 1, 1)
    # erasure, A-7 (A-2 counts under both of its rights)
    assert (erasure.received, erasure.answered, erasure.extended, erasure.open) == (3, 2, 2, 1)
    assert list(found.by_month) == ["2026-03", "2026-04"]
    march, april = found.by_month["2026-03"], found.by_month["2026-04"]
    assert (march.received, march.answered, march.open, april.received, april.open) == (
        6,
        5,
        1,
        3,
        1,
    )
    assert (april.answered, april.late, april.within_three_months) == (1, 1, 0)


def test_a_row_has_the_register_fields_and_no_other() -> None:
    first = row(CASES[2])
    assert first == {
        "reference": "A-3",
        "rights": ["erasure"],
        "channel": "email",
        "received_at": "2026-03-05",
        "due_date": "2026-06-05",
        "extended": True,
        "extension_reason": "complexity",
        "answered_at": "2026-05-01",
        "days_taken": 57,
        "outcome": None,
        "refusal_ground": None,
        "identity_method": "known address",
        "mailbox": "default",
    }
    assert row(CASES[5])["days_taken"] is None


@pytest.mark.parametrize(
    ("identity", "confirmed", "verification", "method"),
    [
        ("known", False, None, "known address"),
        ("known", True, None, "confirmed from known address"),
        ("verified", False, "id", "ID checked"),
        ("verified", False, "details", "details on file checked"),
        ("verified", False, None, "verified by the officer"),
        ("verified", False, "nonsense", "verified by the officer"),
        ("unknown", False, None, "not established"),
        ("spoofed", False, None, "not established"),
        (None, False, None, "not established"),
    ],
)
def test_the_identity_method_is_a_fixed_phrase(
    identity: str | None, confirmed: bool, verification: str | None, method: str
) -> None:
    assert identity_method(identity, confirmed, verification) == method
