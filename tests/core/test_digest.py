"""The officer's daily digest."""

from __future__ import annotations

from datetime import date

from mailbot.core.digest import CaseLine, DigestFacts, DraftLine, compose

TODAY = date(2026, 11, 25)


def test_what_needs_the_officer_today() -> None:
    digest = compose(
        DigestFacts(
            today=TODAY,
            organisation="Voorbeeld B.V.",
            open_cases=[
                CaseLine("AVG-2026-0001", ["access"], "ready_for_review", date(2026, 11, 20)),
                CaseLine("AVG-2026-0002", ["erasure"], "awaiting_identity", date(2026, 11, 30)),
                CaseLine("AVG-2026-0003", ["objection"], "new", date(2026, 12, 24)),
            ],
            waiting=[DraftLine(4, "AVG-2026-0001", "reply", "pending since 2026-11-21")],
            failed=[DraftLine(7, "AVG-2026-0002", "acknowledgement", "550 5.1.1 User unknown")],
            quarantined=["mail 9 of 2026-11-24: no sender"],
        )
    )
    assert digest.subject == (
        "mailbot 2026-11-25: 1 overdue, 1 due within a week, 1 not sent, 1 drafts waiting, "
        "1 quarantined"
    )
    body = digest.body
    assert "Overdue cases (1):\n  AVG-2026-0001" in body and "5 days overdue" in body
    assert "Due within 7 days (1):\n  AVG-2026-0002" in body and "(5 days)" in body
    assert "AVG-2026-0003" not in body  # due in a month: not yet
    assert "draft 7  AVG-2026-0002  acknowledgement: 550 5.1.1 User unknown" in body
    assert "mail 9 of 2026-11-24: no sender" in body
    assert not digest.empty


def test_a_quiet_day() -> None:
    digest = compose(DigestFacts(today=TODAY, organisation="Voorbeeld B.V."))
    assert digest.subject == "mailbot 2026-11-25: nothing waiting"
    assert digest.empty


def test_a_denial_and_an_answer_to_read_come_first() -> None:
    digest = compose(
        DigestFacts(
            today=TODAY,
            organisation="Voorbeeld B.V.",
            open_cases=[
                CaseLine("AVG-2026-0004", ["erasure"], "awaiting_confirmation", date(2026, 11, 20))
            ],
            denied=["AVG-2026-0005"],
            answers=[("AVG-2026-0006", "the reply is neither a clear yes nor a clear no")],
        )
    )
    assert digest.subject.startswith("mailbot 2026-11-25: 1 denied, 1 answers to read, 1 overdue")
    body = digest.body
    assert body.index("AVG-2026-0005") < body.index("AVG-2026-0006") < body.index("AVG-2026-0004")
    assert "close as not_the_person" in body and "neither a clear yes" in body
    assert not digest.empty


def test_urgent_cases_and_mail_to_decide_come_on_top() -> None:
    digest = compose(
        DigestFacts(
            today=TODAY,
            organisation="Voorbeeld B.V.",
            open_cases=[
                CaseLine("AVG-2026-0007", ["access"], "new", date(2026, 11, 30)),
                CaseLine("AVG-2026-0008", [], "new", date(2026, 12, 24), ["complaint"], True),
            ],
            urgent=[("AVG-2026-0009", "data_breach: notify the AP by 2026-11-27T10:00")],
        )
    )
    body = digest.body
    assert digest.subject.startswith("mailbot 2026-11-25: 1 urgent, 1 to decide")
    assert body.index("URGENT") < body.index("May be a request") < body.index("AVG-2026-0007")
    assert "+complaint" in body and "new, DECIDE" in body
