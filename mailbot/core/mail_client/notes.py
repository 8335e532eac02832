"""The officer's notes beside the copies in his mailbox, in Dutch or English. No I/O.

A copy of a draft is exactly the mail the requester would get, so everything
meant for the officer alone (rights, identity, due date, evidence, open actions,
how to approve) is in a separate note. Other notes tell him what mailbot did
with something he moved, and why (not sent, ignored, a warning).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

Label = Callable[[str, object], str]  # label(kind, code): the name of a code
Text = Callable[..., str]  # t(key, **values): a note's text, placeholders filled in

# The texts themselves, in both languages, are in mailbot.i18n (``note.*``), beside every
# other label the officer reads; the caller passes them in, so this module stays pure.


@dataclass(frozen=True, slots=True)
class Folders:
    review: str
    approve: str
    reject: str
    done: str
    drafts: str = ""


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """What the officer needs to judge one draft."""

    draft: int
    reference: str
    kind: str
    to: str
    on_file: bool
    rights: Sequence[str]
    identity: str | None
    identity_detail: str
    due: date | None
    today: date
    evidence: Sequence[str] = ()
    why: str = ""
    notes: Sequence[str] = ()
    actions: Sequence[str] = ()
    attachments: Sequence[str] = field(default=())


def review_note(facts: ReviewFacts, folders: Folders, label: Label, t: Text) -> tuple[str, str]:
    """The subject and text of the note beside a draft's copy."""
    kind = label("kind", facts.kind)
    subject = t("review.subject", reference=facts.reference, kind=kind, draft=facts.draft)
    lines = [t("review.intro", draft=facts.draft, reference=facts.reference, to=facts.to), ""]
    on_file = t("on_file") if facts.on_file else t("not_on_file")
    lines.append(f"{t('kind')}: {kind}")
    lines.append(f"{t('to')}: {facts.to} ({on_file})")
    rights = ", ".join(label("right", right) for right in facts.rights) or "-"
    lines.append(f"{t('rights')}: {rights}")
    identity = label("identity", facts.identity) if facts.identity else "-"
    detail = f" - {facts.identity_detail}" if facts.identity_detail else ""
    lines.append(f"{t('identity')}: {identity}{detail}")
    if facts.due is not None:
        days = (facts.due - facts.today).days
        left = (
            t("today")
            if days == 0
            else (t("days_left", days=days) if days > 0 else t("overdue", days=-days))
        )
        lines.append(f"{t('due')}: {facts.due.isoformat()} ({left})")
    if facts.attachments:
        lines.append(f"{t('attachments')}: {', '.join(facts.attachments)}")
    for key, items in (
        ("evidence", [f'"{phrase}"' for phrase in facts.evidence]),
        ("notes", list(facts.notes)),
        ("actions", list(facts.actions)),
    ):
        if items:
            lines += ["", f"{t(key)}:"] + [f"  - {item}" for item in items]
    if facts.why:
        lines += ["", f"{t('why')}: {facts.why}"]
    drafts = t("drafts") if folders.drafts else ""
    how = t("how", approve=folders.approve, reject=folders.reject, done=folders.done, drafts=drafts)
    lines += ["", how]
    return subject, "\n".join(lines) + "\n"
