"""A follow-up that answers a confirmation request or sender check, applied to its case.

``core.answers`` decides (yes with the evidence: confirmed; no with it: denied;
anything else: for the officer); this applies the decision in intake's
transaction, with the mail, so that a crash never leaves one without the other.
"""

from __future__ import annotations

import logging

from mailbot.core.answers import Move, Reply, judge_reply
from mailbot.core.authentication import Verdict
from mailbot.core.cases import Status
from mailbot.core.drafting import CONFIRMING
from mailbot.core.mail import ParsedMail
from mailbot.storage.models import CaseRecord, MailRecord, utcnow
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
ACTOR = "mailbot"


def apply_answer(store: CaseStore, case: CaseRecord, record: MailRecord, mail: ParsedMail) -> None:
    """A follow-up that may confirm or deny the request (``core.answers``), in the same
    transaction as the mail; anything unclear is left to the officer."""
    assert case.id is not None
    # The question mailbot asked (a confirmation request or a sender check, or a reminder of
    # one, which goes to the same address), once it has a Message-ID: a random one, that only
    # its recipient has seen.
    drafts = store.drafts_of(case.id)
    confirming = {draft.id for draft in drafts if draft.kind in CONFIRMING}
    asked = [
        draft
        for draft in drafts
        if (draft.kind in CONFIRMING or draft.reminder_of in confirming) and draft.message_id
    ]
    expected = asked[-1].to_address if asked else case.address_on_file
    ours = {d.message_id for d in asked if d.to_address.lower() == (expected or "").lower()}
    awaiting = Status(case.status) is Status.AWAITING_CONFIRMATION and case.confirmed_at is None
    reply = Reply(
        sender=(mail.sender.key if mail.sender is not None else None),
        verdict=Verdict(record.sender_verdict or Verdict.UNCHECKED),
        answers_our_mail=bool(ours & set(mail.thread_ids)),
        text=mail.new_text,
    )
    decision = judge_reply(reply, expected, awaiting)
    detail = {"mail_id": record.id, "why": decision.reason, "phrase": decision.phrase}
    if decision.move is Move.CONFIRMED:
        case.confirmed_at, case.drafting_due = utcnow(), True
        case.reply_to_check = case.reply_check_reason = None
        store.add_event(case.id, ACTOR, "confirmed", detail | {"from": "address on file"})
    elif decision.move is Move.DENIED:
        case.denied_at, case.drafting_due = utcnow(), False
        case.reply_to_check = case.reply_check_reason = None
        store.reject_pending(case.id, "the person denied it")
        store.add_event(case.id, ACTOR, "denied", detail)
        log.warning("case %s: the person says the request was not theirs", case.reference)
    elif decision.move is Move.TO_CHECK:
        case.reply_to_check, case.reply_check_reason = record.id, decision.reason
        store.add_event(case.id, ACTOR, "reply_to_check", detail)
        log.warning("case %s: a reply for the officer to judge", case.reference)
