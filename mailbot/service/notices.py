"""Art. 19 recipient notices: after an erasure, rectification or restriction in a data source,
each recipient of that source with a contact (``[[sources.contacts]]``) is told, by a draft the
officer approves like any other (kind ``recipient_notice``).

``draft_notices`` drafts a case's notices: one per open "tell" action of its current reply
whose recipient has a contact, once the source's own action for the same right is done (by the
officer by hand, ``mailbot cases done``, or by mailbot's execution), and only while no live
notice (pending, approved or sent) carries that action out: called again, it drafts nothing
twice. ``told`` closes the tell action when its notice was sent. A recipient without a contact
stays a manual action.

A notice goes to the contact's address, in the contact's language, and says only what was done,
the case reference and the address the recipient knows the person by (the address on file): no
name, no copies. What a rectification set is known only to the execution that set it
(``values``); drafted by hand, the notice leaves the officer a marked place to write it in, and
approval refuses it until he did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from mailbot.config import Configuration, DataSourceSettings, Settings
from mailbot.core.drafting import DraftKind, DraftStatus
from mailbot.core.rights import Right
from mailbot.letters.context import DraftFacts, NoticeFacts, context
from mailbot.letters.render import LANGUAGES, Renderer
from mailbot.storage.database import Database
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import CaseRecord, DraftActionRecord, DraftRecord, utcnow
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
ACTOR = "mailbot"
# The rights whose carrying-out each recipient is told of (Art. 19).
TOLD = frozenset({Right.ERASURE.value, Right.RECTIFICATION.value, Right.RESTRICTION.value})
# A notice in one of these carries its action out (or will): no second one is drafted.
LIVE = frozenset({DraftStatus.PENDING.value, DraftStatus.APPROVED.value, DraftStatus.SENT.value})


def current_reply(store: CaseStore, case_id: int) -> DraftRecord | None:
    """The case's reply as it stands (the last one not rejected): its actions are the case's."""
    replies = [
        draft
        for draft in store.drafts_of(case_id)
        if draft.kind == DraftKind.REPLY and draft.status != DraftStatus.REJECTED
    ]
    return replies[-1] if replies else None


def awaiting_notice(
    actions: Sequence[DraftActionRecord], noticed: set[int]
) -> list[DraftActionRecord]:
    """The open tell actions whose source's own action for the same right is done and that
    no live notice carries out yet (``noticed``: the actions of the live notices)."""
    done = {
        (action.source, action.right)
        for action in actions
        if action.recipient is None and action.done
    }
    return [
        action
        for action in actions
        if action.recipient is not None
        and not action.done
        and action.right in TOLD
        and (action.source, action.right) in done
        and action.id not in noticed
    ]


def draft_notices(
    database: Database,
    settings: Settings,
    renderer: Renderer,
    case_id: int,
    *,
    values: Mapping[str, str] | None = None,
    source: str | None = None,
) -> list[int]:
    """Draft the notices case ``case_id`` is due now; returns the new drafts' ids.

    ``settings`` and ``renderer`` are the case's mailbox's. ``values``: the new values a
    rectification set (field -> value, as the officer entered them), for the notices of
    ``source`` (of every source when None); without them a rectification's notice leaves
    the officer to write in what was corrected.
    """
    with database.session() as session:
        store = CaseStore(session)
        case = store.case_for_update(case_id)  # one decision at a time: never two notices
        if case.mailbox != settings.mailbox:
            raise ValueError(
                f"case {case.reference} is in mailbox {case.mailbox}, not {settings.mailbox}"
            )
        reply = current_reply(store, case_id)
        if reply is None:
            return []
        noticed = {
            draft.action_id
            for draft in store.drafts_of(case_id)
            if draft.kind == DraftKind.RECIPIENT_NOTICE
            and draft.status in LIVE
            and draft.action_id is not None
        }
        sources = {each.name: each for each in settings.sources}
        drafts = DraftStore(session)
        made: list[DraftRecord] = []
        for action in awaiting_notice(drafts.actions(reply.id), noticed):
            policy = sources.get(action.source)
            assert action.recipient is not None  # awaiting_notice: a tell action
            contact = policy.contact_for(action.recipient) if policy is not None else None
            if policy is None or contact is None:
                continue  # told by hand, as before
            given = values if source is None or source == action.source else None
            draft = _notice(
                settings, renderer, case, reply, action,
                source=policy, language=contact.language, values=given,
            )  # fmt: skip
            draft.to_address = contact.address
            made.append(drafts.add(case_id, draft))
        if made:
            store.add_event(
                case_id,
                ACTOR,
                "drafted",
                {"drafts": [f"{DraftKind.RECIPIENT_NOTICE} to {d.to_address}" for d in made]},
            )
        session.commit()
        ids = [draft.id for draft in made if draft.id is not None]
    if ids:
        log.info("case id %s: %d recipient notice(s) drafted", case_id, len(ids))
    return ids


def _notice(
    settings: Settings,
    renderer: Renderer,
    case: CaseRecord,
    reply: DraftRecord,
    action: DraftActionRecord,
    *,
    source: DataSourceSettings,
    language: str,
    values: Mapping[str, str] | None,
) -> DraftRecord:
    """The notice carrying out ``action``, rendered in ``language`` (not yet addressed)."""
    assert action.recipient is not None
    corrected = None
    if values is not None and action.right == Right.RECTIFICATION:
        labels = source.labels.get(language, {})
        corrected = [(labels.get(field, field), value) for field, value in values.items()]
    notice = NoticeFacts(
        right=action.right,
        source=action.source,
        recipient=action.recipient,
        address=case.address_on_file or reply.to_address,  # the address the recipient knows
        corrected=corrected,
    )
    zone = settings.organisation.zone
    received = case.received_at.astimezone(zone).date()
    facts = DraftFacts(
        reference=case.reference,
        received=received,
        due=case.due_date or received,
        rights=[action.right],
        notice=notice,
    )
    language = language if language in LANGUAGES else "en"
    rendered = renderer.render(
        DraftKind.RECIPIENT_NOTICE, language, context(settings, language, facts)
    )
    names = source.recipients or []
    name = names[action.recipient] if action.recipient < len(names) else str(action.recipient)
    now = utcnow()
    return DraftRecord(
        case_id=case.id or 0,
        kind=DraftKind.RECIPIENT_NOTICE.value,
        language=rendered.language,
        to_address="",
        subject=rendered.subject,
        body=rendered.body,
        status=DraftStatus.PENDING.value,
        why=f"Art. 19: tell {name} (a recipient of {source.name}) of the {action.right}",
        notes=[],
        in_reply_to=None,  # a new mail to a third party: none of the person's threads
        references=[],
        action_id=action.id,
        created_at=now,
        updated_at=now,
    )


def contact_of(settings: Settings | None, store: CaseStore, draft: DraftRecord) -> str | None:
    """The contact address configured for the recipient a notice tells (None: none, or no
    ``settings`` to read it from)."""
    action = store.action(draft.action_id) if draft.action_id is not None else None
    if settings is None or action is None or action.recipient is None:
        return None
    source = next((each for each in settings.sources if each.name == action.source), None)
    contact = source.contact_for(action.recipient) if source is not None else None
    return contact.address if contact is not None else None


def told(store: CaseStore, draft: DraftRecord, settings: Settings | None = None) -> None:
    """A recipient notice went out: its tell action is done (by mailbot), in the trail with
    the source and the recipient's name, in the caller's transaction."""
    if draft.kind != DraftKind.RECIPIENT_NOTICE or draft.action_id is None:
        return
    action = store.action(draft.action_id)
    if action is None or action.done:
        return
    action.done, action.done_by, action.done_at = True, ACTOR, utcnow()
    store.session.add(action)
    source = next(
        (each for each in (settings.sources if settings else ()) if each.name == action.source),
        None,
    )
    names = (source.recipients or []) if source is not None else []
    index = action.recipient
    name = names[index] if index is not None and 0 <= index < len(names) else str(index)
    store.add_event(
        action.case_id,
        ACTOR,
        "recipient_told",
        {"action": action.id, "draft": draft.id, "source": action.source, "recipient": name},
    )


def not_told(store: CaseStore, draft: DraftRecord) -> None:
    """A recipient notice that was taken for sent did not arrive (it bounced): its tell
    action is open again, so that no letter says the recipient was told; in the trail."""
    if draft.kind != DraftKind.RECIPIENT_NOTICE or draft.action_id is None:
        return
    action = store.action(draft.action_id)
    if action is None or not action.done or action.done_by != ACTOR:
        return  # not closed by this notice (the officer told the recipient himself)
    action.done, action.done_by, action.done_at = False, None, None
    store.session.add(action)
    store.add_event(
        action.case_id,
        ACTOR,
        "recipient_not_told",
        {"action": action.id, "draft": draft.id, "source": action.source},
    )


@dataclass(frozen=True, slots=True)
class RecipientNotices:
    """``draft_notices`` for a case of any mailbox, with that mailbox's settings and
    templates (what the command line and the pages pass to ``approval.action_done``)."""

    database: Database
    configuration: Configuration
    renderer_for: Callable[[str], Renderer]

    def draft(
        self, case_id: int, values: Mapping[str, str] | None = None, source: str | None = None
    ) -> list[int]:
        with self.database.reader() as session:
            mailbox = CaseStore(session).case_by_id(case_id).mailbox
        settings = self.configuration.for_mailbox(mailbox)
        renderer = self.renderer_for(mailbox)
        return draft_notices(
            self.database, settings, renderer, case_id, values=values, source=source
        )
