"""Which actions mailbot carries out, when nothing may run, the plan's version, recovery."""

from __future__ import annotations

from dataclasses import replace

from mailbot.core.approval import ApprovalFacts
from mailbot.core.cases import Status
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.execution import (
    ActionFacts,
    ExecutionFacts,
    ExecutionState,
    Recovery,
    executable,
    execution_problems,
    plan_version,
    recovered,
    state_after_recovery,
    still_may_run,
)

REPLY = ApprovalFacts(
    kind=DraftKind.REPLY,
    draft_status=DraftStatus.PENDING,
    case_status=Status.READY_FOR_REVIEW,
    case_reference="AVG-2026-0001",
)
FACTS = ExecutionFacts(
    reference="AVG-2026-0001",
    case_status=Status.READY_FOR_REVIEW,
    identity="known",
    denied=False,
    reply=REPLY,
)


def action(
    id: int, source: str, right: str, *, recipient: int | None = None, kept: str | None = None
) -> ActionFacts:
    return ActionFacts(id, source, right, False, recipient, kept)


def test_only_statement_backed_own_actions_are_carried_out() -> None:
    actions = [
        action(1, "shop", "erasure"),
        action(2, "shop", "erasure", recipient=0),  # Art. 19: a notice, not a statement
        action(3, "invoices", "erasure", kept="7 jaar"),  # kept, whatever its statements
        action(4, "crm", "erasure"),  # no statements
        action(5, "shop", "objection"),  # no statement key for it
        action(6, "shop", "restriction"),
        action(7, "shop", "rectification"),  # the source has no rectify statement
        action(8, "shop", "erasure"),  # an older draft's second action of the same kind
    ]
    statements = {"shop": ["erase", "restrict"], "invoices": ["erase"]}
    assert [a.id for a in executable(actions, statements)] == [1, 6]


def test_an_identified_case_with_an_approvable_reply_may_run() -> None:
    assert execution_problems(FACTS) == []
    verified = replace(FACTS, identity="verified")
    assert execution_problems(verified) == []


def test_nothing_runs_for_a_spoofed_unknown_denied_or_closed_case() -> None:
    (spoofed,) = execution_problems(replace(FACTS, identity="spoofed"))
    assert "forged" in spoofed
    (unknown,) = execution_problems(replace(FACTS, identity="unknown"))
    assert "identity is not established" in unknown
    assert execution_problems(replace(FACTS, identity=None))
    denied = execution_problems(replace(FACTS, denied=True, reply=replace(REPLY, denied=True)))
    assert denied == ["the owner of the address said the request was not theirs"]
    assert execution_problems(replace(FACTS, case_status=Status.CLOSED)) == [
        "case AVG-2026-0001 is closed"
    ]


def test_nothing_runs_while_the_person_has_not_confirmed() -> None:
    waiting = replace(
        FACTS,
        case_status=Status.AWAITING_CONFIRMATION,
        reply=replace(REPLY, case_status=Status.AWAITING_CONFIRMATION),
    )
    assert any("not confirmed" in problem for problem in execution_problems(waiting))
    no_reply = replace(waiting, reply=None)
    assert execution_problems(no_reply) == [
        "the person has not confirmed the request yet",
        "case AVG-2026-0001 has no reply drafted",
    ]


def test_the_reply_must_be_approvable_but_for_the_open_actions() -> None:
    sent = replace(FACTS, reply=replace(REPLY, draft_status=DraftStatus.SENT))
    assert execution_problems(sent) == ["it has already been sent"]
    stranger = replace(FACTS, reply=replace(REPLY, recipient_allowed=False, recipient="x@y.z"))
    assert "neither the address on file" in execution_problems(stranger)[0]


def test_rectify_needs_a_value_for_a_field_at_least() -> None:
    facts = replace(FACTS, missing_values=["naam"], unknown_values=["adres"])
    assert execution_problems(facts) == [
        "give a new value for at least one of: naam (the others stay as they are)",
        "no rectify statement takes adres",
    ]


def test_the_version_changes_with_what_would_run() -> None:
    tom = "tom@example.com"
    one = plan_version([(7, "shop", "erasure", ["DELETE ..."], [2])], tom)
    assert len(one) == 12
    assert one == plan_version([(7, "shop", "erasure", ("DELETE ...",), (2,))], tom)
    assert one != plan_version([(7, "shop", "erasure", ["DELETE ..."], [3])], tom)
    assert one != plan_version([(7, "shop", "erasure", ["DELETE ... WHERE"], [2])], tom)
    assert one != plan_version([], tom)
    # a redrafted reply (new actions) or another address on file is another plan
    assert one != plan_version([(8, "shop", "erasure", ["DELETE ..."], [2])], tom)
    assert one != plan_version([(7, "shop", "erasure", ["DELETE ..."], [2])], "eve@example.com")


def test_what_is_checked_again_just_before_a_step_runs() -> None:
    base = ExecutionFacts(
        reference="AVG-1", case_status=Status.READY_FOR_REVIEW, identity="known",
        denied=False, reply=None,
    )  # fmt: skip
    assert still_may_run(base) == []
    assert still_may_run(replace(base, denied=True))
    assert still_may_run(replace(base, identity="spoofed"))
    assert still_may_run(replace(base, case_status=Status.CLOSED)) == ["case AVG-1 is closed"]


def test_a_crash_is_decided_by_what_confirm_lists() -> None:
    assert recovered(0) is Recovery.EXECUTED
    assert recovered(2) is Recovery.NOT_EXECUTED
    assert state_after_recovery(Recovery.EXECUTED) is ExecutionState.EXECUTED
    assert state_after_recovery(Recovery.NOT_EXECUTED) is ExecutionState.APPROVED
