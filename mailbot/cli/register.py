"""``mailbot register ...``, ``mailbot purge`` and ``mailbot suppression ...``: accountability."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click

from mailbot.app import App
from mailbot.app.command import with_app
from mailbot.cli import output
from mailbot.config import Settings
from mailbot.core.register import Stats, Tally
from mailbot.core.spreadsheet import cell
from mailbot.service import register as register_service
from mailbot.service import retention
from mailbot.service import suppression as suppression_service

DAY = click.DateTime(formats=["%Y-%m-%d"])
STATS_HEADERS = (
    "",
    "received",
    "answered",
    "in 1 month",
    "in 3 months",
    "late",
    "open",
    "overdue",
    "extended",
    "refused",
    "not the person",
)


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def period_options(command: click.decorators.FC) -> click.decorators.FC:
    command = click.option(
        "--mailbox", "mailboxes", multiple=True, help="Only this mailbox's cases (repeatable)."
    )(command)
    command = click.option(
        "--to", "end", type=DAY, default=None, help="Cases received up to this day (YYYY-MM-DD)."
    )(command)
    return click.option(
        "--from", "start", type=DAY, default=None, help="Cases received from this day."
    )(command)


@click.group()
def register() -> None:
    """The register of handled requests: no names, addresses or mail text."""


@register.command("export")
@click.option("--format", "form", type=click.Choice(["csv", "json"]), default="csv")
@period_options
@with_app
def register_export(
    app: App,
    form: str,
    start: datetime | None,
    end: datetime | None,
    mailboxes: tuple[str, ...],
) -> None:
    """One row per request: reference, rights, dates, extension, outcome, identity method."""
    found = register_service.rows(
        app.database, app.clock, _day(start), _day(end), _chosen(app, mailboxes)
    )
    if form == "json":
        text = output.to_json([row.as_json() for row in found])
    else:
        text = register_service.as_csv(found)
    click.echo(text, nl=form == "json")


@register.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@period_options
@with_app
def register_stats(
    app: App,
    as_json: bool,
    start: datetime | None,
    end: datetime | None,
    mailboxes: tuple[str, ...],
) -> None:
    """Answered within one and three months, per right and per month; open, overdue, refused."""
    found = register_service.stats(
        app.database, app.clock, _day(start), _day(end), _chosen(app, mailboxes)
    )
    click.echo(output.to_json(found.as_dict()) if as_json else stats_text(found))


def _chosen(app: App, mailboxes: tuple[str, ...]) -> set[str] | None:
    """The mailboxes named with ``--mailbox`` (each checked), or None for all of them."""
    for name in mailboxes:
        app.configuration.for_mailbox(name)
    return set(mailboxes) or None


def _tally_row(label: str, tally: Tally) -> tuple[object, ...]:
    counts = tally.as_dict()
    return (label, *counts.values())


def stats_text(found: Stats) -> str:
    rows = [_tally_row("all requests", found.total)]
    rows += [_tally_row(right, tally) for right, tally in found.by_right.items()]
    rows += [_tally_row(f"received {month}", tally) for month, tally in found.by_month.items()]
    note = (
        "\n'in 1 month' and 'in 3 months' count answers sent by the first and by the extended "
        "deadline;\na request for several rights counts under each of them."
    )
    return output.table(STATS_HEADERS, rows) + note


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def purge(app: App, dry_run: bool, as_json: bool) -> None:
    """Delete the mails, drafts and addresses of cases that ended [retention] days ago, and
    the register rows of those that ended register_days ago."""
    report = retention.purge(app.database, app.configuration.first, dry_run=dry_run)
    if as_json:
        click.echo(output.to_json({"dry_run": dry_run, **report.as_json()}))
        return
    click.echo(purge_text(report, dry_run, app.configuration.retention.closed_case_days))


def purge_text(report: retention.PurgeReport, dry_run: bool, days: int) -> str:
    verb = "would purge" if dry_run else "purged"
    lines = [
        f"{verb} {len(report.cases)} case(s)"
        + (f": {', '.join(report.cases)}" if report.cases else ""),
        f"mails deleted: {report.mails} ({report.raw_mails} stored mails and "
        f"{report.attachments} attachments; keyed hashes of where they lie stay, so that "
        "they are not read again)",
        f"drafts deleted: {report.drafts} (with {report.draft_attachments} copies of data "
        f"and {report.outbox} sent mails)",
        f"daily digests deleted: {report.digests}",
        f"register rows past [retention] register_days deleted: {len(report.register)}"
        + (f": {', '.join(report.register)}" if report.register else "")
        + (f" (with {report.trail} trail entries)" if report.trail else ""),
    ]
    if report.answered_not_closed:
        lines.append(
            f"kept: {len(report.answered_not_closed)} case(s) answered long ago but not closed "
            f"({', '.join(report.answered_not_closed)}); close them (mailbot cases close) "
            "to have them purged"
        )
    if report.quarantined_kept:
        lines.append(
            f"kept: {report.quarantined_kept} quarantined mail(s) older than {days} days; "
            "resolve them (mailbot quarantine list)"
        )
    if report.kept_due:
        lines.append(
            f"kept data past their retention period, to erase now: {', '.join(report.kept_due)} "
            "(mailbot kept list; then mailbot kept done ID)"
        )
    if report.kept_deleted:
        lines.append(f"records of kept data erased long ago deleted: {report.kept_deleted}")
    return "\n".join(lines)


@click.group()
def suppression() -> None:
    """The direct-marketing suppression list (keyed hashes of addresses)."""


MAILBOX = click.option(
    "--mailbox", default=None, help="Whose list (with [[mailboxes]]; default: the first)."
)


def _settings(app: App, mailbox: str | None) -> Settings:
    return app.configuration.for_mailbox(mailbox) if mailbox else app.configuration.first


@suppression.command("export")
@click.option("--format", "form", type=click.Choice(["csv", "json"]), default="csv")
@MAILBOX
@with_app
def suppression_export(app: App, form: str, mailbox: str | None) -> None:
    """Every entry, for the marketing system; it hashes its addresses with the same key."""
    found = suppression_service.export(app.database, _settings(app, mailbox).mailbox)
    if form == "json":
        click.echo(output.to_json(found.as_json()))
        return
    click.echo("hash,added_on,origin")
    for entry in found.entries:
        values = (entry.hash, entry.added_on.isoformat(), entry.origin)
        click.echo(",".join(cell(value) for value in values))


@suppression.command("check")
@click.argument("address")
@MAILBOX
@with_app
def suppression_check(app: App, address: str, mailbox: str | None) -> None:
    """Whether ADDRESS is on the list (exit 0) or not (exit 1)."""
    try:
        found = suppression_service.check(app.database, _settings(app, mailbox), address)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="ADDRESS") from None
    if found is None:
        click.echo("not listed: direct marketing is allowed unless the person objects")
        sys.exit(1)
    click.echo(f"listed since {found.added_on} ({found.origin}): send no direct marketing")


@suppression.command("add")
@click.argument("address")
@MAILBOX
@with_app
def suppression_add(app: App, address: str, mailbox: str | None) -> None:
    """Put ADDRESS on the list: an objection that came by post or phone, or one mailbot missed."""
    try:
        added = suppression_service.add(
            app.database, _settings(app, mailbox), address, app.clock.local_today()
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="ADDRESS") from None
    click.echo("added" if added else "already listed")
