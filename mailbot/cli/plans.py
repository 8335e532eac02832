"""``mailbot cases plan`` and ``mailbot cases execute``: the decision carried out in the
company's SQL sources, on the officer's approval of the plan he saw."""

from __future__ import annotations

import click

from mailbot.app import App
from mailbot.app.build import build_notices
from mailbot.app.command import with_app
from mailbot.cli import output
from mailbot.cli.common import actor as actor_name
from mailbot.cli.common import by_option
from mailbot.core.execution import RUNNABLE
from mailbot.service.approval import case_actions
from mailbot.service.execution import Plan, execute, mailbox_of, plan


def _values(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        field, equals, value = pair.partition("=")
        if not equals or not field.strip():
            raise click.BadParameter(f"{pair!r}: give FIELD=VALUE", param_hint="--set")
        values[field.strip()] = value
    return values


_SET = click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A new value for a field a rectification sets (repeatable).",
)


def plan_text(found: Plan, *, executed: bool = False) -> str:
    """The plan as the officer reads it: per step what runs and what it counted or did."""
    lines = [f"{found.reference}: plan"]
    for step in found.steps:
        lines.append(f"  [{step.action_id}] {step.source} {step.right}: {step.state}")
        for index, sql in enumerate(step.statements):
            rows = f"{step.rows[index]} row(s)" if index < len(step.rows) else "-"
            done = f", changed {step.counts[index]}" if index < len(step.counts) else ""
            lines.append(f"      {sql}  -- dry run: {rows}{done}")
        if step.fields:
            lines.append(f"      fields: {', '.join(step.fields)}")
        if step.error:
            lines.append(f"      error: {step.error}")
    if not found.steps:
        lines.append("  nothing mailbot can carry out itself")
    lines += [f"  kept: {kept.source} until {kept.until}" for kept in found.kept]
    lines += [f"  by hand: {line}" for line in found.manual]
    lines += [f"  cannot run: {problem}" for problem in found.problems]
    if not executed and not found.problems and any(s.state in RUNNABLE for s in found.steps):
        lines.append(
            f"approve and run it with: mailbot cases execute {found.reference} "
            f"--plan {found.version}"
        )
    return "\n".join(lines)


@click.command("plan")
@click.argument("reference")
@_SET
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def cases_plan(app: App, reference: str, pairs: tuple[str, ...], as_json: bool) -> None:
    """What mailbot would carry out in the SQL sources (a dry run, rolled back)."""
    settings = app.configuration.for_mailbox(mailbox_of(app.database, reference))
    found = plan(
        app.database, settings, app.clock, reference, _values(pairs), notices=build_notices(app)
    )
    click.echo(output.views_json(found) if as_json else plan_text(found))


@click.command("execute")
@click.argument("reference")
@click.option("--plan", "version", required=True, help="The plan's version (cases plan).")
@_SET
@by_option("approved the plan")
@with_app
def cases_execute(
    app: App, reference: str, version: str, pairs: tuple[str, ...], actor: str | None
) -> None:
    """Approve the plan you saw and carry it out; prints what each source did."""
    settings = app.configuration.for_mailbox(mailbox_of(app.database, reference))
    found = execute(
        app.database, settings, app.clock, reference, version, actor_name(actor), _values(pairs),
        notices=build_notices(app),
    )  # fmt: skip
    click.echo(plan_text(found, executed=True))
    left = sum(
        not action.done for action in case_actions(app.database, app.clock, reference).actions
    )
    click.echo(f"{found.reference}: {left} action(s) still open")
