"""``mailbot cases ...``: list, show and decide cases."""

from __future__ import annotations

from datetime import datetime

import click

from mailbot.app import App
from mailbot.app.build import build_notices
from mailbot.app.command import with_app
from mailbot.app.drafting import build_drafting
from mailbot.cli import output
from mailbot.cli.common import actor as actor_name
from mailbot.cli.common import by_option
from mailbot.cli.plans import cases_execute, cases_plan
from mailbot.core.approval import DraftChoice
from mailbot.core.cases import CaseOutcome, Channel, ExtensionGround, RefusalGround, Status
from mailbot.core.confirmation import Answer
from mailbot.core.identity import Verification
from mailbot.core.rights import Right, parse_rights
from mailbot.service import casework
from mailbot.service.approval import action_done, case_actions
from mailbot.service.cases import list_cases, reclassify, show_case, verify

GROUNDS = click.Choice([ground.value for ground in RefusalGround])


@click.group()
def cases() -> None:
    """List, show and decide cases."""


@cases.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--status", type=click.Choice([status.value for status in Status]), default=None)
@click.option("--mailbox", "mailboxes", multiple=True, help="Only this mailbox's (repeatable).")
@with_app
def cases_list(app: App, as_json: bool, status: str | None, mailboxes: tuple[str, ...]) -> None:
    """Every case, oldest first."""
    chosen = set(mailboxes) or None
    found = list_cases(app.database, app.clock, Status(status) if status else None, chosen)
    click.echo(output.views_json(found) if as_json else output.cases_table(found))


@cases.command("show")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def cases_show(app: App, reference: str, as_json: bool) -> None:
    """One case: classification with evidence, due date, mails, drafts and trail."""
    found = show_case(app.database, app.clock, reference)
    click.echo(output.views_json(found) if as_json else output.case_details(found))


def _rights(text: str, option: str) -> tuple[Right, ...]:
    try:
        return () if text.strip().lower() in ("none", "") else tuple(parse_rights(text))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


@cases.command("reclassify")
@click.argument("reference")
@click.option(
    "--rights",
    required=True,
    help="Comma-separated rights (access,rectification,erasure,restriction,portability,objection); "
    "'none' when the mail is no request.",
)
@by_option("corrects")
@click.option("--note", default=None, help="Why, for the trail.")
@with_app
def cases_reclassify(
    app: App, reference: str, rights: str, actor: str | None, note: str | None
) -> None:
    """Correct the rights of a case (kept with who and when); it is drafted again."""
    chosen = _rights(rights, "--rights")
    found = reclassify(
        app.database, app.clock, reference, rights=chosen, actor=actor_name(actor), note=note
    )
    build_drafting(app).run()
    click.echo(
        f"{found.reference}: {output.rights_text(found.rights)} [{found.status}], "
        f"due {found.due_date or '-'}"
    )


@cases.command("verify")
@click.argument("reference")
@click.option("--method", required=True, help="How the identity was checked, e.g. 'ID checked'.")
@click.option(
    "--check",
    type=click.Choice([check.value for check in Verification]),
    required=True,
    help="For the register: how you checked (id: an ID document; details: details on file; "
    "other: in person, a representative's authority, ...). Nothing is assumed.",
)
@click.option("--send-to", default=None, help="The address the person asked the data to go to.")
@click.option(
    "--address-on-file",
    default=None,
    help="The address the company knows the person by, when they wrote from another one.",
)
@by_option("verified")
@with_app
def cases_verify(  # noqa: PLR0917 - click passes each option as an argument
    app: App,
    reference: str,
    method: str,
    check: str,
    send_to: str | None,
    address_on_file: str | None,
    actor: str | None,
) -> None:
    """Record that the officer confirmed who the person is; ID copies are then deleted."""
    try:
        found = verify(
            app.database,
            app.clock,
            reference,
            method=method,
            actor=actor_name(actor),
            send_to=send_to,
            address_on_file=address_on_file,
            check=Verification(check),
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    build_drafting(app).run()
    click.echo(f"{found.reference}: identity verified ({method}); the reply is drafted")


@cases.command("close")
@click.argument("reference")
@click.option(
    "--outcome", required=True, type=click.Choice([outcome.value for outcome in CaseOutcome])
)
@click.option("--note", default=None, help="Why, for the trail.")
@click.option(
    "--ground", default=None, type=GROUNDS, help="For a refusal: its ground, for the register."
)
@click.option(
    "--drafts",
    "choice",
    default=None,
    type=click.Choice([choice.value for choice in DraftChoice]),
    help="Drafts not approved yet: reject them, or keep them to approve after the close "
    "(not the reply or refusal). Asked for only when there are such drafts.",
)
@click.option(
    "--answered-outside",
    "answered_outside",
    default=None,
    type=click.DateTime(["%Y-%m-%d"]),
    help="A request that came by post or phone: the day (YYYY-MM-DD) you answered it that way.",
)
@by_option("closes")
@with_app
def cases_close(  # noqa: PLR0917 - click passes each option as an argument
    app: App,
    reference: str,
    outcome: str,
    note: str | None,
    ground: str | None,
    choice: str | None,
    answered_outside: datetime | None,
    actor: str | None,
) -> None:
    """Close a case with its outcome.

    'granted' and 'partially_granted' only once the answer was sent (or, for a request by
    post or phone, answered that way: --answered-outside).
    """
    found = casework.close(
        app.database, app.configuration, app.clock, reference, outcome=CaseOutcome(outcome),
        actor=actor_name(actor), note=note, ground=RefusalGround(ground) if ground else None,
        drafts=DraftChoice(choice) if choice else None,
        answered_outside=answered_outside.date() if answered_outside else None,
    )  # fmt: skip
    click.echo(f"{found.reference}: closed ({outcome})")


@cases.command("confirm")
@click.argument("reference")
@click.option(
    "--answer",
    type=click.Choice([answer.value for answer in Answer]),
    default=Answer.YES.value,
    show_default=True,
    help="What the person's answer says, as you read it: yes (go on), no (it was not them), "
    "unclear (keep waiting).",
)
@click.option("--note", required=True, help="Why: which mail or call, for the trail.")
@by_option("confirms")
@with_app
def cases_confirm(app: App, reference: str, answer: str, note: str, actor: str | None) -> None:
    """Record the person's answer to a confirmation request, as you read it."""
    found = casework.take_answer(
        app.database, app.clock, reference, Answer(answer), actor=actor_name(actor), note=note
    )
    if answer == Answer.YES:
        build_drafting(app).run()
        click.echo(f"{found.reference}: confirmed; drafted on")
    elif answer == Answer.NO:
        click.echo(
            f"{found.reference}: the person says it was not them; nothing more is drafted. "
            f"Close it: mailbot cases close {found.reference} --outcome not_the_person"
        )
    else:
        click.echo(f"{found.reference}: still waiting for the person's answer")


@cases.command("reopen")
@click.argument("reference")
@click.option("--reason", required=True, help="Why, for the trail.")
@by_option("reopens")
@with_app
def cases_reopen(app: App, reference: str, reason: str, actor: str | None) -> None:
    """Reopen a closed case; it is drafted again."""
    found = casework.reopen(
        app.database, app.clock, reference, actor=actor_name(actor), reason=reason
    )
    build_drafting(app).run()
    click.echo(f"{found.reference}: reopened")


@cases.command("extend")
@click.argument("reference")
@click.option(
    "--reason",
    required=True,
    help="Why more time is needed: it goes into the notice, so write it in the person's "
    "language (the case's `language`).",
)
@click.option(
    "--ground",
    required=True,
    type=click.Choice([ground.value for ground in ExtensionGround]),
    help="What the register keeps: the complexity or the number of requests (Art. 12(3)).",
)
@by_option("extends")
@with_app
def cases_extend(app: App, reference: str, reason: str, ground: str, actor: str | None) -> None:
    """Extend the deadline by two months and draft the notice (only in the first month).

    The new due date is the end of the first month (before any weekend or holiday shift)
    plus two months, at most three months from receipt, then shifted to a working day."""
    found = casework.extend(
        app.database,
        build_drafting(app),
        app.clock,
        reference,
        reason=reason,
        ground=ExtensionGround(ground),
        actor=actor_name(actor),
    )
    click.echo(
        f"{found.reference}: due {found.due_date} (was {found.original_due_date}); "
        f"the notice is draft {found.draft}: approve it within the first month"
    )


@cases.command("refuse")
@click.argument("reference")
@click.option(
    "--reason",
    required=True,
    help="The reasons: they go into the letter, so write them in the person's language "
    "(the case's `language`).",
)
@click.option("--ground", required=True, type=GROUNDS, help="What the register keeps.")
@by_option("refuses")
@with_app
def cases_refuse(app: App, reference: str, reason: str, ground: str, actor: str | None) -> None:
    """Draft a refusal with the reasons, the complaint and court routes, in place of the reply."""
    found = casework.refuse(
        app.database,
        build_drafting(app),
        app.clock,
        reference,
        reason=reason,
        ground=RefusalGround(ground),
        actor=actor_name(actor),
    )
    click.echo(f"{found.reference}: the refusal is draft {found.draft}")


@cases.command("new")
@click.option("--from", "requester", required=True, help="The person's e-mail address.")
@click.option("--rights", required=True, help="Comma-separated rights, e.g. access,erasure.")
@click.option(
    "--received",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the request arrived (YYYY-MM-DD): the clock starts then.",
)
@click.option(
    "--channel", required=True, type=click.Choice([c.value for c in Channel if c != "email"])
)
@click.option("--name", default=None, help="The person's name.")
@click.option(
    "--language", type=click.Choice(["nl", "en", "de", "fr"]), default="nl", show_default=True
)
@click.option("--note", default=None, help="For the trail (what was asked, how).")
@click.option(
    "--mailbox", default=None, help="Whose request (with [[mailboxes]]; default: the first)."
)
@by_option("records it")
@with_app
def cases_new(  # noqa: PLR0917 - click passes each option as an argument
    app: App,
    requester: str,
    rights: str,
    received: datetime,
    channel: str,
    name: str | None,
    language: str,
    note: str | None,
    mailbox: str | None,
    actor: str | None,
) -> None:
    """A request that came by post, phone or otherwise: a case with a clock."""
    chosen = _rights(rights, "--rights")
    day = received.date()
    settings = app.configuration.for_mailbox(mailbox) if mailbox else app.configuration.first
    found = casework.new_case(
        app.database, settings, app.clock, requester=requester, rights=chosen,
        received=day, channel=Channel(channel), actor=actor_name(actor), name=name,
        language=language, note=note,
    )  # fmt: skip
    build_drafting(app).run()
    click.echo(f"{found.reference}: {rights} by {channel}, due {found.due_date}")


@cases.command("actions")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_app
def cases_actions(app: App, reference: str, as_json: bool) -> None:
    """What to do in each data source before the reply can be approved."""
    found = case_actions(app.database, app.clock, reference)
    click.echo(output.views_json(found) if as_json else output.actions_table(found))


@cases.command("done")
@click.argument("reference")
@click.argument("action_id", metavar="ACTION", type=int)
@click.option("--note", default=None, help="What was done, for the trail.")
@by_option("did it")
@with_app
def cases_done(
    app: App, reference: str, action_id: int, note: str | None, actor: str | None
) -> None:
    """Record that an action was carried out in its data source."""
    found = action_done(
        app.database, reference, action_id, actor_name(actor), note, notices=build_notices(app)
    )
    left = found.open
    click.echo(
        f"{found.case}: action {action_id} done; "
        + (f"{left} still open" if left else "the reply can be approved")
    )
    if found.notices:
        listed = ", ".join(str(draft) for draft in found.notices)
        click.echo(f"recipient notice draft(s) {listed}: approve them to tell the recipients")


cases.add_command(cases_plan)
cases.add_command(cases_execute)
