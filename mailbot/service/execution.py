"""Plan, approve, execute, prove: the decision carried out in the company's SQL sources.

``plan`` shows, per action mailbot can carry out (``core.execution.executable``), the
statements and the rows a dry run counts, and a version of that plan; ``execute`` runs
the version the officer approved, source by source, each in one transaction of the
company's database (``datasources.statements``), and records in the trail who approved
what and the counts (never the data). Between the two databases there is no common
transaction: the execution is committed ``running`` before the company's transaction
starts and finished after it, so a crash in between is found (``recover``) and decided
by the source's ``confirm`` query. Statements are idempotent by contract: recovering
from a crash may run one again, never with another effect.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from mailbot.config import DataSourceSettings, Settings
from mailbot.core.addresses import normalise
from mailbot.core.cases import Status
from mailbot.core.execution import (
    DONE_BY_HAND,
    PLANNED,
    RUNNABLE,
    STATEMENT_KEY,
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
from mailbot.core.rights import Right
from mailbot.datasources import statements as adapter
from mailbot.errors import NotAllowed
from mailbot.service.approval import approval_facts
from mailbot.service.clock import Clock
from mailbot.service.notices import RecipientNotices, current_reply
from mailbot.service.views import JsonView
from mailbot.storage.database import Database
from mailbot.storage.drafts import DraftStore
from mailbot.storage.executions import ExecutionStore
from mailbot.storage.models import ExecutionRecord, utcnow
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Step(JsonView):
    """One action mailbot carries out: a source's statements for one right.

    ``rows``: what a dry run counted per statement (empty when it was not run: done, or
    it failed: ``error``); ``state``: ``planned``, ``done`` (by hand) or the execution's;
    ``counts``: the rows each statement changed when it ran (empty after a recovery:
    unknown)."""

    action_id: int
    source: str
    right: str
    statements: tuple[str, ...]
    rows: tuple[int, ...]
    fields: tuple[str, ...]
    state: str
    counts: tuple[int, ...]
    error: str


@dataclass(frozen=True, slots=True)
class Kept(JsonView):
    """An erasure of a source whose data must be kept, and until when."""

    source: str
    until: str


@dataclass(frozen=True, slots=True)
class Plan(JsonView):
    """What carrying out the case's decision does; ``problems`` empty: it may run."""

    reference: str
    version: str
    steps: tuple[Step, ...]
    kept: tuple[Kept, ...]
    manual: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Situation:
    """The case as carrying it out needs it, read in one transaction."""

    case_id: int
    reference: str
    address: str
    facts: ExecutionFacts
    actions: tuple[ActionFacts, ...]
    texts: Mapping[int, str]
    executions: Mapping[int, ExecutionRecord]


def _sources(settings: Settings) -> dict[str, DataSourceSettings]:
    return {source.name: source for source in settings.sources}


def statement_keys(settings: Settings) -> dict[str, list[str]]:
    """Source -> the statement keys it has."""
    return {
        source.name: [key for key in STATEMENT_KEY.values() if source.statements.for_key(key)]
        for source in settings.sources
        if source.statements is not None
    }


def _situation(database: Database, settings: Settings, clock: Clock, reference: str) -> _Situation:
    with database.reader() as session:
        store = CaseStore(session)
        case = store.case(reference)
        if case.mailbox != settings.mailbox:
            raise ValueError(f"case {case.reference} is in mailbox {case.mailbox}")
        assert case.id is not None
        reply = current_reply(store, case.id)
        records = DraftStore(session).actions(reply.id) if reply is not None else []
        facts = ExecutionFacts(
            reference=case.reference,
            case_status=Status(case.status),
            identity=case.identity,
            denied=case.denied_at is not None,
            reply=(
                replace(approval_facts(session, reply, case, clock.local_today()), open_actions=[])
                if reply is not None
                else None
            ),
        )
        actions = tuple(
            ActionFacts(
                id=record.id or 0, source=record.source, right=record.right, done=record.done,
                recipient=record.recipient, kept_until=record.kept_until,
            )
            for record in records
        )  # fmt: skip
        executions = {
            record.action_id: record for record in ExecutionStore(session).of_case(case.id)
        }
        for record in executions.values():
            session.expunge(record)
        return _Situation(
            case.id,
            case.reference,
            case.filed_under,
            facts,
            actions,
            {record.id or 0: record.text for record in records},
            executions,
        )


def _step(
    source: DataSourceSettings,
    action: ActionFacts,
    execution: ExecutionRecord | None,
    address: str,
    values: Mapping[str, str] | None,
) -> Step:
    """The step of ``action``; its dry run with ``values`` (None: not run)."""
    key = STATEMENT_KEY[Right(action.right)]
    assert source.statements is not None
    sql = tuple(source.statements.for_key(key))
    fields = source.statements.fields if key == "rectify" else ()
    state = execution.state if execution is not None else (DONE_BY_HAND if action.done else PLANNED)
    counts = tuple(execution.counts) if execution is not None else ()
    error = execution.error if execution is not None else ""
    rows: tuple[int, ...] = ()
    if state in RUNNABLE and values is not None:
        given = _given(fields, values)  # those not given are NULL: they stay as they are
        try:
            rows = tuple(adapter.dry_run(source, key, address, given))
        except adapter.StatementError as exc:
            error = exc.message
    return Step(action.id, source.name, action.right, sql, rows, fields, state, counts, error)


def _given(fields: Sequence[str], values: Mapping[str, str]) -> dict[str, str]:
    """The new values given for a rectification's ``fields`` (a field left out stays as it
    is: the statement gets NULL for it, ``COALESCE(:naam, naam)``)."""
    return {field: values[field] for field in fields if values.get(field)}


def plan(
    database: Database,
    settings: Settings,
    clock: Clock,
    reference: str,
    values: dict[str, str] | None = None,
    *,
    notices: RecipientNotices | None = None,
) -> Plan:
    """What carrying out the case's decision does now, with a dry run of each statement
    (rolled back); an execution a crash left ``running`` is recovered first. With
    ``notices``, every source carried out has its recipients' notices (drafted once)."""
    return _plan(database, settings, clock, reference, values=values or {}, notices=notices)[0]


def _plan(
    database: Database,
    settings: Settings,
    clock: Clock,
    reference: str,
    *,
    values: dict[str, str],
    notices: RecipientNotices | None,
) -> tuple[Plan, _Situation]:
    """The plan, and the situation it was made from (the address it runs for)."""
    _recover_case(database, settings, reference)
    found = _situation(database, settings, clock, reference)
    if notices is not None and any(
        record.state == ExecutionState.EXECUTED for record in found.executions.values()
    ):  # also one recovered after a crash, in this call or an earlier one
        notices.draft(found.case_id)
    sources = _sources(settings)
    chosen = executable(found.actions, statement_keys(settings))
    # nothing touches the company's database, not even rolled back, for a case that may not run
    dry = not execution_problems(found.facts)
    steps = tuple(
        _step(
            sources[action.source],
            action,
            found.executions.get(action.id),
            found.address,
            values if dry else None,
        )
        for action in chosen
    )
    runnable = [step for step in steps if step.state in RUNNABLE]
    fields = {field for step in runnable for field in step.fields}
    facts = replace(
        found.facts,
        missing_values=[
            ", ".join(step.fields)
            for step in runnable
            if step.fields and not _given(step.fields, values)
        ],
        unknown_values=sorted(set(values) - fields),
    )
    chosen_ids = {action.id for action in chosen}
    kept = tuple(
        Kept(action.source, action.kept_until) for action in found.actions if action.kept_until
    )
    manual = tuple(
        _manual(sources.get(action.source), action, found.texts[action.id], found.address)
        for action in found.actions
        if not action.done and action.id not in chosen_ids and not action.kept_until
    )
    # A rectification's rows depend on which fields the officer fills in (a statement whose
    # fields were all left out does not run): its version pins its statements, not its rows.
    version = plan_version(
        [(s.action_id, s.source, s.right, s.statements, () if s.fields else s.rows)
         for s in runnable],
        found.address,
    )  # fmt: skip
    problems = tuple(execution_problems(facts))
    return Plan(found.reference, version, steps, kept, manual, problems), found


def _manual(source: DataSourceSettings | None, action: ActionFacts, text: str, address: str) -> str:
    """An open action the officer carries out himself; for a CSV file, where its rows are."""
    line = f"[{action.id}] {text}"
    if (
        source is None
        or source.kind != "csv"
        or action.recipient is not None
        or Right(action.right) not in STATEMENT_KEY
    ):
        return line
    lines = csv_lines(source, address)
    where = ", ".join(str(number) for number in lines) if lines else "none found now"
    assert source.path is not None
    return f"{line}: {source.path.name}: rows {where} (line numbers)"


def csv_lines(source: DataSourceSettings, address: str) -> list[int]:
    """The line numbers (the header is line 1) where the person's rows start in a CSV source."""
    assert source.path is not None
    wanted = normalise(address)
    found: list[int] = []
    try:
        with source.path.open(encoding=source.encoding, newline="") as handle:
            reader = csv.DictReader(handle, delimiter=source.delimiter)
            start = reader.line_num + 1
            for row in reader:
                value = row.get(source.email_column or "") or ""
                if value and normalise(value) == wanted:
                    found.append(start)
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error, LookupError) as exc:
        log.warning("source %s: cannot read %s: %s", source.name, source.path, type(exc).__name__)
    return found


def execute(  # noqa: PLR0917 - the web pages and the CLI call it as the issue spells it
    database: Database,
    settings: Settings,
    clock: Clock,
    reference: str,
    version: str,
    actor: str,
    values: dict[str, str] | None = None,
    *,
    notices: RecipientNotices | None = None,
) -> Plan:
    """The officer approves the plan he saw (``version``) and mailbot carries it out, source
    by source; what each did (or the database's error) is in the returned plan. With
    ``notices``, each source carried out has its recipient notices drafted (Art. 19)."""
    values = values or {}
    fresh, found = _plan(database, settings, clock, reference, values=values, notices=notices)
    what = f"case {fresh.reference}: the plan cannot be carried out"
    if fresh.problems:
        raise NotAllowed(what, list(fresh.problems))
    if version != fresh.version:
        raise NotAllowed(what, ["the plan changed since you saw it: look again"])
    sources = _sources(settings)
    address = found.address  # the one the approved version covers
    for step in fresh.steps:
        if step.state in RUNNABLE:
            given = _given(step.fields, values)
            case_id = _run(
                database, sources[step.source], fresh, step, actor=actor, values=given,
                address=address,
            )  # fmt: skip
            if case_id is not None and notices is not None:
                notices.draft(case_id, given or None, step.source)
    return plan(database, settings, clock, reference, values, notices=notices)


def _run(
    database: Database,
    source: DataSourceSettings,
    approved: Plan,
    step: Step,
    *,
    actor: str,
    values: dict[str, str],
    address: str,
) -> int | None:
    """One step: approved and ``running`` committed, the company's transaction, the result
    (the case's id when it was carried out)."""
    key = STATEMENT_KEY[Right(step.right)]
    with database.session() as session:
        store = CaseStore(session)
        action = store.action(step.action_id)
        assert action is not None
        case = store.case_for_update(action.case_id)  # one decision at a time
        session.refresh(action)
        executions = ExecutionStore(session)
        record = executions.of_action(step.action_id)
        changed = still_may_run(
            ExecutionFacts(
                reference=case.reference, case_status=Status(case.status),
                identity=case.identity, denied=case.denied_at is not None, reply=None,
            )
        )  # fmt: skip
        if case.filed_under != address:
            changed.append("the address the person's data are filed under changed")
        if changed:  # since the plan, or while an earlier step ran
            what = f"case {case.reference} changed: look at the plan again"
            raise NotAllowed(what, changed)
        if action.done or (record is not None and record.state not in RUNNABLE):
            return None  # carried out meanwhile (another window, another officer): never twice
        now = utcnow()
        record = record or ExecutionRecord(
            case_id=action.case_id, action_id=step.action_id, source=step.source,
            right=step.right, state="", plan=[], plan_version="", approved_by=actor,
            approved_at=now,
        )  # fmt: skip
        record.plan = _planned(step)
        record.plan_version, record.approved_by, record.approved_at = approved.version, actor, now
        record.state, record.counts, record.error = ExecutionState.APPROVED.value, [], ""
        record.new_values, record.finished_at = dict(values), None
        executions.save(record)
        store.add_event(
            action.case_id, actor, "execution_approved", _detail(step) | {"rows": list(step.rows)}
        )
        started = utcnow()
        record.state, record.started_at = ExecutionState.RUNNING.value, started
        session.add(record)
        session.commit()
        case_id = action.case_id
    try:
        counts = adapter.execute(source, key, address, values)
    except adapter.StatementError as exc:
        _finish_failed(database, step, actor, exc, started)
        return None
    _finish_executed(database, step, actor, counts)
    return case_id


def _planned(step: Step) -> list[dict[str, Any]]:
    """The plan as the officer approved it: each statement with the rows its dry run counted."""
    return [
        {"statement": sql, "rows": rows}
        for sql, rows in zip(step.statements, step.rows, strict=False)
    ]


def _detail(step: Step) -> dict[str, Any]:
    """What every execution event names: the action, its source and right (never data)."""
    return {"action": step.action_id, "source": step.source, "right": step.right}


def _finish_executed(database: Database, step: Step, actor: str, counts: Sequence[int]) -> None:
    with database.session() as session:
        store = CaseStore(session)
        action = store.action(step.action_id)
        assert action is not None
        store.case_for_update(action.case_id)
        session.refresh(action)
        record = ExecutionStore(session).of_action(step.action_id)
        assert record is not None
        if record.state == ExecutionState.EXECUTED:
            return  # a recovery saw it committed already, and said so in the trail
        now = utcnow()
        record.state, record.counts, record.finished_at = (
            ExecutionState.EXECUTED.value,
            list(counts),
            now,
        )
        record.new_values = {}
        session.add(record)
        if not action.done:
            action.done, action.done_by, action.done_at = True, actor, now
            session.add(action)
        store.add_event(action.case_id, actor, "executed", _detail(step) | {"counts": list(counts)})
        session.commit()


def _finish_failed(
    database: Database, step: Step, actor: str, exc: adapter.StatementError, started: datetime
) -> None:
    touched = exc.kind == "touched_another"
    state = ExecutionState.ROLLED_BACK if touched else ExecutionState.FAILED
    with database.session() as session:
        store = CaseStore(session)
        action = store.action(step.action_id)
        assert action is not None
        store.case_for_update(action.case_id)
        record = ExecutionStore(session).of_action(step.action_id)
        assert record is not None
        if record.state != ExecutionState.RUNNING or record.started_at != started:
            return  # a recovery decided this run meanwhile (another may run now): keep that
        record.state, record.error, record.finished_at = state.value, exc.message, utcnow()
        record.new_values = {}
        session.add(record)
        event = "execution_rolled_back" if touched else "execution_failed"
        store.add_event(
            action.case_id,
            actor,
            event,
            _detail(step) | {"failure": exc.kind, "error": _error_for_trail(exc)},
        )
        session.commit()
    # the database's message may quote a value (MySQL does): the officer sees it, not the log
    log.warning("source %s: %s not carried out (%s)", step.source, step.right, exc.kind)


def _error_for_trail(exc: adapter.StatementError) -> str:
    """The trail keeps which error, not its text: a database's message may quote a value
    (PostgreSQL's ``invalid input syntax ... "31-02-1980"``). The whole message stays with the
    execution, shown to the officer, and purged with the case."""
    if exc.kind != "failed":
        return exc.message  # our own words, no data
    return ": ".join(exc.message.split(": ")[:2])  # "source NAME: IntegrityError"


def recover(database: Database, settings: Settings, clock: Clock) -> list[str]:
    """Every execution of ``settings``' mailbox that a crash left ``running``, decided by
    its source's ``confirm``; one line per execution said what it was."""
    with database.reader() as session:
        running = [
            record.id for record in ExecutionStore(session).in_state(
                ExecutionState.RUNNING, settings.mailbox
            )
        ]  # fmt: skip
    return [line for record_id in running if (line := _recover(database, settings, record_id or 0))]


# Past the time a live execution can take, one left ``running`` was cut off by a crash.
MARGIN = timedelta(seconds=10)


def still_running_for(source: DataSourceSettings, key: str) -> timedelta:
    """How long an execution may be ``running`` in another process before it counts as
    crashed: each step of it at most its time limit."""
    assert source.statements is not None
    seconds = source.statements.timeout or source.timeout
    # each statement, the two control reads, the check, waiting for the lock and the commit
    return timedelta(seconds=seconds * (len(source.statements.for_key(key)) + 7)) + MARGIN


def _recover_case(database: Database, settings: Settings, reference: str) -> list[str]:
    with database.reader() as session:
        case = CaseStore(session).case(reference)
        assert case.id is not None
        running = [
            record.id
            for record in ExecutionStore(session).of_case(case.id)
            if record.state == ExecutionState.RUNNING
        ]
    return [line for record_id in running if (line := _recover(database, settings, record_id or 0))]


def _recover(database: Database, settings: Settings, record_id: int) -> str:
    with database.reader() as session:
        record = session.get(ExecutionRecord, record_id)
        if record is None or record.state != ExecutionState.RUNNING:
            return ""
        case = CaseStore(session).case_by_id(record.case_id)
        source_name, right, reference = record.source, record.right, case.reference
        address, values = case.filed_under, dict(record.new_values)
        started = record.started_at
    source = _sources(settings).get(source_name)
    if source is None or source.statements is None:
        return (
            f"{reference}: {source_name} {right}: left running, its source is no longer configured"
        )
    key = STATEMENT_KEY[Right(right)]
    if started is not None and utcnow() - started < still_running_for(source, key):
        return ""  # another process may be carrying it out right now: not a crash (yet)
    try:
        left = adapter.confirm(source, key, address, values)
    except adapter.StatementError as exc:
        log.warning("source %s: a crashed execution cannot be checked now", source_name)
        return f"{reference}: {source_name} {right}: left running, cannot check now: {exc.message}"
    outcome = recovered(left)
    with database.session() as session:
        store = CaseStore(session)
        store.case_for_update(record.case_id)
        found = ExecutionStore(session).of_action(record.action_id)
        if found is None or found.state != ExecutionState.RUNNING:
            return ""
        action = store.action(found.action_id)
        now = utcnow()
        found.state = state_after_recovery(outcome).value
        if outcome is Recovery.EXECUTED:
            found.counts, found.finished_at, found.new_values = [], now, {}
            if action is not None and not action.done:
                action.done, action.done_by, action.done_at = True, found.approved_by, now
                session.add(action)
        else:
            found.started_at, found.new_values = None, {}
        session.add(found)
        detail = {"action": found.action_id, "source": source_name, "right": right}
        store.add_event(
            record.case_id,
            "mailbot",
            "execution_recovered",
            detail | {"recovered_as": outcome.value},
        )
        session.commit()
    return f"{reference}: {source_name} {right}: {outcome.value} (recovered)"


def mailbox_of(database: Database, reference: str) -> str:
    """The mailbox a case belongs to (its sources are that mailbox's)."""
    with database.reader() as session:
        return CaseStore(session).case(reference).mailbox
