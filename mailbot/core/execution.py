"""Carrying out a decision in the company's SQL sources: what may run, and when (no I/O).

The officer sees a plan (per source and right: the statements and the rows a dry run
counted), approves that version of it, and mailbot runs each source's statements in
one transaction of the company's database (``service.execution``). This module says
which actions mailbot may carry out, why nothing may run for a case, what a plan's
version is, and what a crash between the two databases left behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mailbot.core.approval import ApprovalFacts, approval_problems
from mailbot.core.cases import OPEN, Status
from mailbot.core.identity import IDENTIFIED, Identity
from mailbot.core.rights import Right

# The statement key (``[sources.statements]``) that carries out each right.
STATEMENT_KEY = {
    Right.ERASURE: "erase",
    Right.RESTRICTION: "restrict",
    Right.RECTIFICATION: "rectify",
}


_RIGHTS = frozenset(right.value for right in Right)


class ExecutionState(StrEnum):
    """An execution's state (``executions.state``)."""

    APPROVED = "approved"  # the officer approved the plan; not started
    RUNNING = "running"  # committed before the company's transaction starts
    EXECUTED = "executed"  # the company's transaction committed, confirm empty
    FAILED = "failed"  # a statement failed, or confirm still listed rows: rolled back
    ROLLED_BACK = "rolled_back"  # it would have touched another person: rolled back


PLANNED = "planned"  # a step with no execution yet (``Step.state``)
DONE_BY_HAND = "done"  # the officer recorded the action done himself
# States whose step runs when the officer executes the plan (again).
RUNNABLE = frozenset({
    PLANNED, ExecutionState.APPROVED, ExecutionState.FAILED, ExecutionState.ROLLED_BACK,
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class ActionFacts:
    """One action of the case's current reply, as far as carrying it out goes."""

    id: int
    source: str
    right: str
    done: bool
    recipient: int | None  # an Art. 19 action: tell the source's recipient at this index
    kept_until: str | None  # an erasure of a source that keeps its data


def executable(
    actions: Sequence[ActionFacts], statements: Mapping[str, Collection[str]]
) -> list[ActionFacts]:
    """The actions mailbot carries out itself: erasure, restriction or rectification in a
    source with a statement for it (``statements``: source -> its statement keys), not an
    Art. 19 notice and not a kept erasure; one per source and right (the first: a reply's
    own action comes before its recipients')."""
    chosen: list[ActionFacts] = []
    seen: set[tuple[str, str]] = set()
    for action in actions:
        key = STATEMENT_KEY.get(Right(action.right)) if action.right in _RIGHTS else None
        if key is None or action.recipient is not None or action.kept_until is not None:
            continue
        if (action.source, action.right) in seen or key not in statements.get(action.source, ()):
            continue
        seen.add((action.source, action.right))
        chosen.append(action)
    return chosen


@dataclass(frozen=True, slots=True)
class ExecutionFacts:
    """What deciding whether anything may run for a case depends on."""

    reference: str
    case_status: Status
    identity: str | None
    denied: bool
    reply: ApprovalFacts | None  # the current reply's, its open actions left out; None: none
    missing_values: Sequence[str] = ()  # a rectification's fields, none given a value ("a, b")
    unknown_values: Sequence[str] = ()  # values given for fields no statement takes


# What ``approval_problems`` says that is said above, in words for carrying out.
_SAID_ABOVE = ("the person's identity is not established", "the owner of the address said")


def execution_problems(facts: ExecutionFacts) -> list[str]:
    """Why nothing may be carried out for the case now (empty: it may)."""
    reference = facts.reference
    if facts.case_status not in OPEN:
        return [f"case {reference} is {facts.case_status}"]
    problems: list[str] = []
    if facts.identity == Identity.SPOOFED:
        problems.append("the request's sender was forged (spoofed): nothing is carried out")
    elif facts.identity not in IDENTIFIED:
        problems.append(
            "the person's identity is not established: verify it first (mailbot cases verify)"
        )
    if facts.denied:
        problems.append("the owner of the address said the request was not theirs")
    if facts.reply is None:
        if facts.case_status is Status.AWAITING_CONFIRMATION:
            problems.append("the person has not confirmed the request yet")
        problems.append(f"case {reference} has no reply drafted")
    else:  # the reply must be approvable but for the actions this carries out
        problems += [
            problem
            for problem in approval_problems(facts.reply)
            if not problem.startswith(_SAID_ABOVE)
        ]
    problems += [
        f"give a new value for at least one of: {fields} (the others stay as they are)"
        for fields in facts.missing_values
    ]
    problems += [f"no rectify statement takes {field}" for field in facts.unknown_values]
    return problems


def plan_version(
    steps: Sequence[tuple[int, str, str, Sequence[str], Sequence[int]]], address: str
) -> str:
    """A short fingerprint of a plan: per step its action, source, right, statements and the
    rows its dry run counted, and the address they run for. The officer approves this
    version; a changed plan (a redrafted reply, another address on file) is not run."""
    payload = json.dumps(
        [[a, s, r, list(sql), list(rows)] for a, s, r, sql, rows in steps] + [address]
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def still_may_run(facts: ExecutionFacts) -> list[str]:
    """What is checked again, under the case's lock, just before each step runs: the case
    may have changed since the plan (a denial, a close, a new verification)."""
    problems = []
    if facts.case_status not in OPEN:
        problems.append(f"case {facts.reference} is {facts.case_status}")
    if facts.identity not in IDENTIFIED or facts.denied:
        problems.append("the person's identity is no longer established, or they denied it")
    return problems


class Recovery(StrEnum):
    """What an execution left ``running`` by a crash turned out to be."""

    EXECUTED = "executed"  # the company's commit happened: only the trail was missing
    NOT_EXECUTED = "not_executed"  # the company's database rolled the transaction back


def recovered(left_to_do: int) -> Recovery:
    """An execution left ``running``: ``confirm`` lists ``left_to_do`` rows for the person
    now. None left: the statements committed (they are idempotent, so nothing else could
    have done it halfway); some left: the connection died before the commit, and the
    company's database rolled it back: it runs again on the officer's next execute."""
    return Recovery.EXECUTED if left_to_do == 0 else Recovery.NOT_EXECUTED


def state_after_recovery(recovery: Recovery) -> ExecutionState:
    return ExecutionState.EXECUTED if recovery is Recovery.EXECUTED else ExecutionState.APPROVED
