from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mailbot.core.cases import (
    TRANSITIONS,
    Status,
    case_due_date,
    check_transition,
    format_reference,
    received_moment,
    references_in,
    status_after_reclassification,
)
from mailbot.core.parsing import parse_mail
from mailbot.errors import InvalidTransition
from tests.support.mails import fixture, simple

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_reference_format() -> None:
    assert format_reference("AVG", 2026, 1) == "AVG-2026-0001"
    assert format_reference("AVG", 2026, 12345) == "AVG-2026-12345"


def test_references_in_a_subject() -> None:
    assert references_in("Re: [AVG-2026-0007] uw verzoek", "AVG") == ["AVG-2026-0007"]
    assert references_in("avg-2026-0007 en AVG-2027-0001", "AVG") == [
        "AVG-2026-0007",
        "AVG-2027-0001",
    ]
    assert references_in("XAVG-2026-0007", "AVG") == []
    assert references_in("AVG-2026-00071", "AVG") == ["AVG-2026-00071"]


def test_every_status_has_transitions_and_the_flow_holds() -> None:
    assert set(TRANSITIONS) == set(Status)
    check_transition(Status.NEW, Status.AWAITING_IDENTITY)
    check_transition(Status.READY_FOR_REVIEW, Status.APPROVED)
    check_transition(Status.CLOSED, Status.NEW)
    with pytest.raises(InvalidTransition, match="new cannot become sent"):
        check_transition(Status.NEW, Status.SENT)


def test_reclassification_status() -> None:
    assert status_after_reclassification(Status.NOT_A_REQUEST, True) is Status.NEW
    assert status_after_reclassification(Status.NEW, False) is Status.NOT_A_REQUEST
    assert (
        status_after_reclassification(Status.AWAITING_IDENTITY, True, rights_changed=False)
        is Status.AWAITING_IDENTITY
    )
    # other rights: decided afresh (an added erasure needs a confirmation first)
    assert status_after_reclassification(Status.READY_FOR_REVIEW, True) is Status.NEW
    with pytest.raises(InvalidTransition, match="reopen"):
        status_after_reclassification(Status.CLOSED, True)


def test_due_date_of_a_case() -> None:
    received = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert case_due_date(received, AMSTERDAM, True) == date(2026, 3, 2)
    assert case_due_date(received, AMSTERDAM, False) is None


def test_received_is_the_arrival_for_an_ordinary_mail() -> None:
    arrived = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert received_moment(arrived, parse_mail(simple()), AMSTERDAM) == arrived


def test_received_of_a_forwarded_request_is_when_the_original_was_sent() -> None:
    mail = parse_mail(fixture("forward-outlook-nl.eml"))  # original: 2 March 2026 08:12 local
    arrived = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert received_moment(arrived, mail, AMSTERDAM) == datetime(
        2026, 3, 2, 8, 12, tzinfo=AMSTERDAM
    )


def test_an_implausible_forwarded_date_is_not_believed() -> None:
    mail = parse_mail(fixture("forward-outlook-nl.eml"))
    later = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # original half a year earlier
    assert received_moment(later, mail, AMSTERDAM) == later
    earlier = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # original after the arrival
    assert received_moment(earlier, mail, AMSTERDAM) == earlier
    assert received_moment(later - timedelta(days=200), None, AMSTERDAM) == later - timedelta(
        days=200
    )
