"""The plan page: what mailbot would carry out in the company's SQL sources for a case (a dry
run, rolled back), the officer's approval of that plan, and afterwards the proof: what each
source did. The same service functions as ``mailbot cases plan`` and ``cases execute``.

The new values of a rectification come in the form's body only, never in an address, and
are neither logged nor kept (``service.execution`` forgets them once it ran).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailbot.app import App
from mailbot.app.build import build_notices
from mailbot.core.execution import RUNNABLE
from mailbot.errors import MailbotError, NotFound
from mailbot.service.execution import Plan, execute, mailbox_of, plan
from mailbot.service.users import WebSession
from mailbot.web.cases import hidden, not_found, show
from mailbot.web.common import page, text_field, web_of

FIELD = "set-"  # a rectify field's input: ``set-naam``, apart from the form's own names


@dataclass(frozen=True, slots=True)
class PlanView:
    """The plan as the page shows it: the steps that run, the fields the officer fills in,
    and why it cannot run (the values still to fill in are asked by the form, not listed)."""

    plan: Plan
    runnable: bool
    fields: tuple[str, ...]
    blocking: tuple[str, ...]


def plan_view(found: Plan) -> PlanView:
    steps = [step for step in found.steps if step.state in RUNNABLE]
    fields = tuple(dict.fromkeys(field for step in steps for field in step.fields))
    # ``core.execution.execution_problems`` asks for the missing values in these words
    blocking = tuple(
        problem for problem in found.problems if not problem.startswith("give a new value for ")
    )
    return PlanView(found, bool(steps), fields, blocking)


def case_plan(app: App, reference: str, values: Mapping[str, str] | None) -> Plan:
    """The case's plan, with the settings of its mailbox."""
    settings = app.configuration.for_mailbox(mailbox_of(app.database, reference))
    return plan(
        app.database, settings, app.clock, reference, dict(values) if values else None,
        notices=build_notices(app),
    )  # fmt: skip


def carry_out(app: App, reference: str, version: str, actor: str, values: dict[str, str]) -> Plan:
    """The plan ``version`` approved by ``actor`` and carried out (``service.execution``)."""
    settings = app.configuration.for_mailbox(mailbox_of(app.database, reference))
    return execute(
        app.database, settings, app.clock, reference, version, actor, values,
        notices=build_notices(app),
    )  # fmt: skip


def form_values(form: FormData) -> dict[str, str]:
    """The new values the officer entered, by field (an empty one is not given)."""
    values: dict[str, str] = {}
    for name, value in form.multi_items():
        if name.startswith(FIELD) and isinstance(value, str) and value.strip():
            values[name.removeprefix(FIELD)] = value.strip()
    return values


async def show_plan(
    request: Request,
    session: WebSession,
    status: int = 200,
    *,
    values: Mapping[str, str] | None = None,
    error: str | None = None,
) -> Response:
    """The plan page; with ``values`` (a refused form's), its dry run uses them and the form
    shows them again."""
    web = web_of(request)
    reference = request.path_params["reference"]
    if await hidden(request, session, reference):
        return not_found(request, session)
    try:
        found = await web.call(case_plan, web.app, reference, values)
    except NotFound:
        return not_found(request, session)
    return await show(
        request, session, status, view="plan", plan=plan_view(found), values=values or {},
        field_prefix=FIELD, error=error,
    )  # fmt: skip


@page
async def plan_page(request: Request, session: WebSession) -> Response:
    return await show_plan(request, session)


@page
async def plan_execute(request: Request, session: WebSession) -> Response:
    """The officer approves the plan he saw (its version) and mailbot carries it out; then the
    plan page shows what each source did."""
    web = web_of(request)
    reference = request.path_params["reference"]
    if await hidden(request, session, reference):
        return not_found(request, session)
    form = await request.form()
    version = text_field(form, "version")
    values = form_values(form)
    try:
        await web.call(carry_out, web.app, reference, version, session.user.name, values)
    except (MailbotError, ValueError) as exc:
        return await show_plan(request, session, 409, values=values, error=str(exc))
    return RedirectResponse(f"/cases/{reference}/plan?done=executed", status_code=303)


routes = [
    Route("/cases/{reference}/plan", plan_page, methods=["GET"]),
    Route("/cases/{reference}/execute", plan_execute, methods=["POST"]),
]
