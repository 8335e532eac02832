"""Plain-text tables and case details for the terminal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mailbot.service.views import JsonView

if TYPE_CHECKING:
    from mailbot.service.approval import CaseActions
    from mailbot.service.cases import CaseDetail, CaseView, MailView
    from mailbot.service.draft_views import DraftDetail, DraftView

from mailbot.service.outbox import OutboxItem

NONE = "-"


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def views_json(found: JsonView | Sequence[JsonView]) -> str:
    """What ``--json`` prints for a view, or a list of them."""
    if isinstance(found, JsonView):
        return to_json(found.as_json())
    return to_json([item.as_json() for item in found])


def _cell(value: object, width: int | None) -> str:
    text = NONE if value is None or value == "" else str(value)
    text = " ".join(text.split())
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int | None] = ()
) -> str:
    """Columns padded to their widest cell; ``widths`` caps some columns."""
    limits = list(widths) + [None] * (len(headers) - len(widths))
    cells = [[_cell(value, limits[i]) for i, value in enumerate(row)] for row in rows]
    sizes = [
        max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)
    ]
    lines = ["  ".join(header.upper().ljust(sizes[i]) for i, header in enumerate(headers)).rstrip()]
    lines += [
        "  ".join(row[i].ljust(sizes[i]) for i in range(len(headers))).rstrip() for row in cells
    ]
    return "\n".join(lines)


def rights_text(rights: Sequence[str]) -> str:
    return ", ".join(rights) if rights else "(no request)"


def days_left_text(days: int | None) -> str:
    if days is None:
        return NONE
    if days < 0:
        return f"{-days}d overdue"
    return f"{days}d"


def confidence_text(case: CaseView) -> str:
    flag = " check" if case.low_confidence else ""
    return f"{case.confidence:.2f}{flag}"


def cases_table(cases: Sequence[CaseView]) -> str:
    rows = [
        (
            case.reference,
            case.received_at[:16].replace("T", " "),
            case.due_date,
            days_left_text(case.days_left),
            status_text(case),
            rights_text(case.rights) + "".join(f" +{topic}" for topic in case.topics),
            case.language,
            confidence_text(case),
            case.identity,
            case.requester,
        )
        for case in cases
    ]
    headers = (
        "reference",
        "received",
        "due",
        "left",
        "status",
        "rights",
        "lang",
        "confidence",
        "identity",
        "requester",
    )
    return table(headers, rows, widths=(None, None, None, None, None, 40, None, None, None, 40))


def status_text(case: CaseView) -> str:
    """The status with the marks that ask for the officer: URGENT, DECIDE."""
    marks = [mark for mark, on in (("URGENT", case.urgent), ("DECIDE", case.needs_decision)) if on]
    return " ".join((case.status, *marks))


def case_details(case: CaseDetail) -> str:
    lines = [
        f"Case {case.reference}  [{status_text(case)}]",
        f"  Rights:      {rights_text(case.rights)}",
        f"  Requester:   {case.requester_name or ''} <{case.requester or '?'}>".replace(
            "  <", " <"
        ),
        f"  Subject:     {case.subject or NONE}",
        f"  Language:    {case.language or 'unknown'}",
        f"  Received:    {case.received_at}",
        f"  Due:         {case.due_date or NONE} ({days_left_text(case.days_left)})"
        + (
            f", extended from {case.original_due_date}: {case.extension_reason}"
            if case.extended
            else ""
        ),
        f"  Confidence:  {confidence_text(case)} (classified by {case.classified_by})",
        f"  Identity:    {case.identity or 'not decided yet'}"
        + (f" ({case.identity_detail})" if case.identity_detail else ""),
    ]
    if case.channel and case.channel != "email":
        lines.append(f"  Channel:     {case.channel}")
    if case.outcome:
        lines.append(f"  Outcome:     {case.outcome} (closed {case.closed_at})")
    if case.signals:
        lines.append(f"  Signals:     {', '.join(case.signals)}")
    if case.topics:
        lines.append(f"  Topics:      {', '.join(case.topics)}")
    if case.breach_notify_by:
        lines.append(f"  Breach:      notify the AP by {case.breach_notify_by} if it is one")
    if case.related_case:
        lines.append(f"  Related:     {case.related_case}")
    if case.to_do:
        lines.append("  To do:")
        lines.extend(f"    - {line}" for line in case.to_do)
    lines.append("  Evidence:")
    for item in case.evidence or [{"right": None, "phrase": "(none)", "weight": 0}]:
        right = item.get("right") or str(item.get("cue") or "signal").removeprefix("signal:")
        note = f"  ({item['note']})" if item.get("note") else ""
        where = str(item.get("where") or "")
        place = f"  [{where}]" if where.startswith("attachment:") else ""
        lines.append(f'    {right:<14} {item["weight"]:>4}  "{item["phrase"]}"{note}{place}')
    lines.append("  Mails:")
    for mail in case.mails:
        attachments = ", ".join(a.filename or a.content_type for a in mail.attachments)
        lines.append(
            f"    #{mail.id} {mail.arrived_at} {mail.outcome:<13} from {mail.sender}"
            + (f" (forwarded by {mail.forwarded_by})" if mail.forwarded_by else "")
        )
        lines.append(
            f"        {mail.subject or NONE}"
            + (f"  [attachments: {attachments}]" if attachments else "")
        )
        lines.extend(f"        note: {note}" for note in mail.notes)
    if case.drafts:
        lines.append("  Drafts:")
        for draft in case.drafts:
            extra = f": {draft.error}" if draft.error else ""
            lines.append(
                f"    #{draft.id} {draft.kind:<22} {draft.status:<9} to {draft.to}" + extra
            )
    lines.append("  Trail:")
    for event in case.events:
        lines.append(f"    {event.at}  {event.actor:<12} {event.action}  {_detail(event.detail)}")
    return "\n".join(lines)


def _detail(detail: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in detail.items())


def drafts_table(drafts: Sequence[DraftView]) -> str:
    rows = [
        (
            draft.id,
            draft.case,
            draft.kind,
            draft.language,
            draft.status,
            draft.to,
            len(draft.attachments),
            draft.subject,
        )
        for draft in drafts
    ]
    headers = ("id", "case", "kind", "lang", "status", "to", "files", "subject")
    return table(headers, rows, widths=(None, None, None, None, None, 36, None, 60))


def draft_details(draft: DraftDetail) -> str:
    lines = [
        f"Draft {draft.id} for {draft.case}  [{draft.kind}, {draft.status}]",
        f"Why: {draft.why}",
    ]
    lines.extend(f"NOTE: {note}" for note in draft.notes)
    if draft.error:
        lines.append(f"NOT DELIVERED: {draft.error}")
    if draft.reason:
        lines.append(f"Rejected: {draft.reason}")
    if draft.approved_by:
        how = "automatically" if draft.automatic else f"by {draft.approved_by}"
        lines.append(f"Approved {how} at {draft.approved_at}")
    if draft.sent_at:
        lines.append(f"Sent at {draft.sent_at}")
    if draft.edited:
        lines.append("Edited by the officer: the text below is what will be sent.")
    lines += ["", f"To: {draft.to}", f"Subject: {draft.subject}"]
    if draft.message_id:
        lines.append(f"Message-ID: {draft.message_id}")
    if draft.in_reply_to:
        lines.append(f"In-Reply-To: {draft.in_reply_to}")
    if draft.references:
        lines.append(f"References: {' '.join(draft.references)}")
    lines += ["", draft.body.rstrip("\n"), ""]
    if draft.attachment_files:
        lines.append("Attachments:")
        lines.extend(
            f"  {item.filename}  ({item.content_type}, {item.size} bytes)"
            for item in draft.attachment_files
        )
    if draft.actions:
        lines.append("To do before this reply can be approved:")
        lines.extend(
            f"  [{'x' if action.done else ' '}] {action.right}: {action.text}"
            for action in draft.actions
        )
    return "\n".join(lines)


def mails_table(mails: Sequence[MailView]) -> str:
    rows = [
        (
            mail.id,
            mail.arrived_at[:16].replace("T", " "),
            mail.outcome,
            mail.sender,
            mail.subject,
            mail.reason,
        )
        for mail in mails
    ]
    headers = ("id", "arrived", "outcome", "sender", "subject", "reason")
    return table(headers, rows, widths=(None, None, None, 32, 32, 70))


def actions_table(found: CaseActions) -> str:
    if found.draft is None:
        return f"{found.case}: no reply drafted yet, so no actions"
    rows = [
        (
            action.id,
            "done" if action.done else "open",
            action.right,
            action.source,
            action.text,
            f"{action.done_by} {(action.done_at or '')[:10]}" if action.done else None,
        )
        for action in found.actions
    ]
    if not rows:
        return f"{found.case}: the reply (draft {found.draft}) needs no actions"
    headers = ("id", "state", "right", "source", "action", "done by")
    return table(headers, rows, widths=(None, None, None, None, 70, None))


def outbox_table(rows: Sequence[OutboxItem]) -> str:
    lines = [
        (
            row.id,
            row.case,
            row.kind,
            row.state,
            row.attempts,
            row.sent_at or row.next_attempt_at,
            row.to,
            row.last_error or row.server_reply,
        )
        for row in rows
    ]
    headers = ("id", "case", "kind", "state", "tries", "sent / next try", "to", "server")
    return table(headers, lines, widths=(None, None, None, None, None, 25, 36, 60))
