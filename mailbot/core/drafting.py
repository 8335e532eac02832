"""What to draft for a case, and to whom (DOMAIN.md sections 2 and 4). No I/O.

The rule that matters most: a draft that carries personal data (the reply)
goes only to the address on file, or to the address the officer verified.
Identification and confirmation requests carry none and go to the sender.

- no right asked: nothing to draft;
- a sender that looks forged: only a short "did you send this?" (``sender_check``)
  to the address used, whose owner is not the forger; nothing else, no
  acknowledgement, never anything to the forger (who is not at that address);
- an acknowledgement (reference, due date) to the sender, once per case;
- verified by the officer: the reply, to the verified address;
- unknown sender, someone acting for another (or forwarding another person's
  mail), or a request for the data elsewhere (another address, by post): an
  identification request;
- known but unauthenticated, asking to erase, restrict, object or change their
  contact details: a confirmation request to the address on file, until a reply
  from it confirms;
- otherwise: the reply, to the address on file.

A person who does not answer an identification or confirmation request gets one
reminder, later and apart from this plan (``core.reminders``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from mailbot.core.cases import Status
from mailbot.core.identity import DeliveryRequest, Identity, IdentityDecision, needs_confirmation
from mailbot.core.rights import Right


class DraftKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    IDENTIFICATION_REQUEST = "identification_request"
    CONFIRMATION_REQUEST = "confirmation_request"
    SENDER_CHECK = "sender_check"  # "did you send this?" to the owner of a forged address
    REPLY = "reply"
    EXTENSION = "extension"
    REFUSAL = "refusal"
    # A school about its pupils: the school is the controller; we assist it (Art. 28(3)(e)).
    SCHOOL_ASSISTANCE = "school_assistance"
    # No answer to an identification or confirmation request after a while (core.reminders).
    REMINDER = "reminder"
    # Art. 19: a recipient of a source is told what was erased, rectified or restricted.
    RECIPIENT_NOTICE = "recipient_notice"


class DraftStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SENT = "sent"
    FAILED = "failed"


# Only these kinds may carry copies of a person's data.
DATA_BEARING = frozenset({DraftKind.REPLY})
# The kinds that ask the owner of the address on file whether the request is theirs.
CONFIRMING = frozenset({DraftKind.CONFIRMATION_REQUEST, DraftKind.SENDER_CHECK})


@dataclass(frozen=True, slots=True)
class PlannedDraft:
    kind: DraftKind
    to: str
    why: str

    @property
    def carries_data(self) -> bool:
        return self.kind in DATA_BEARING


@dataclass(frozen=True, slots=True)
class Plan:
    status: Status
    drafts: tuple[PlannedDraft, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Situation:
    """Everything the plan depends on, gathered by the drafting service."""

    rights: tuple[Right, ...]
    sender: str
    decision: IdentityDecision
    address_on_file: str | None = None  # the matched address, for a known sender
    verified_send_to: str | None = None  # set by the officer when he verified the person
    representation: str | None = None
    delivery: DeliveryRequest | None = None
    acknowledged: bool = False
    confirmed: bool = False
    contact_change: str | None = None  # a rectification of the e-mail or postal address, phone
    needs_decision: bool = False  # it may be a request: the officer decides before any draft
    topics: tuple[str, ...] = ()  # ``core.classification.topics.Topic`` values


def plan(situation: Situation) -> Plan:
    """The drafts to make now and the status the case moves to."""
    if situation.needs_decision:
        note = (
            "DECIDE: this mail may be a request (its clock runs from receipt). Reclassify it "
            "with its rights, or dismiss it (rights none), with a note why"
        )
        return Plan(Status.NEW, (), (note,))
    if not situation.rights:
        return Plan(Status.NOT_A_REQUEST, ())
    decision = situation.decision
    if decision.identity is Identity.SPOOFED:
        note = (
            f"FORGED SENDER? {decision.reason}. Nothing is sent, erased or changed; "
            "the address's owner is asked whether the mail was theirs."
        )
        check = PlannedDraft(DraftKind.SENDER_CHECK, situation.sender, "sender looks forged")
        return Plan(Status.AWAITING_CONFIRMATION, (check,), (note,))
    drafts: list[PlannedDraft] = []
    if not situation.acknowledged and "school" not in situation.topics:
        drafts.append(
            PlannedDraft(
                DraftKind.ACKNOWLEDGEMENT, situation.sender, "receipt, reference and due date"
            )
        )
    status, next_draft, notes = _next_step(situation)
    drafts.append(next_draft)
    return Plan(status, tuple(drafts), notes)


def _next_step(
    situation: Situation,
) -> tuple[Status, PlannedDraft, tuple[str, ...]]:
    decision, sender = situation.decision, situation.sender
    identify = DraftKind.IDENTIFICATION_REQUEST
    if "school" in situation.topics:
        why = "a school about its pupils: it is the controller, we assist it (Art. 28(3)(e))"
        return Status.READY_FOR_REVIEW, PlannedDraft(DraftKind.SCHOOL_ASSISTANCE, sender, why), ()
    if decision.identity is not Identity.VERIFIED and "deceased" in situation.topics:
        why = (
            "about someone who died (the GDPR does not apply; the officer decided to handle it): "
            "proof of the death and of the relationship, never an authorisation"
        )
        return Status.AWAITING_IDENTITY, PlannedDraft(identify, sender, why), ()
    return _identified_step(situation)


def _identified_step(
    situation: Situation,
) -> tuple[Status, PlannedDraft, tuple[str, ...]]:
    decision, sender = situation.decision, situation.sender
    identify = DraftKind.IDENTIFICATION_REQUEST
    if decision.identity is Identity.VERIFIED:
        to = situation.verified_send_to or situation.address_on_file or sender
        return (
            Status.READY_FOR_REVIEW,
            PlannedDraft(DraftKind.REPLY, to, "verified by the officer"),
            (),
        )
    if decision.identity is Identity.UNKNOWN:
        return Status.AWAITING_IDENTITY, PlannedDraft(identify, sender, "address not on file"), ()
    if situation.representation:
        why = f"writes for someone else ({situation.representation}): proof of authority first"
        return Status.AWAITING_IDENTITY, PlannedDraft(identify, sender, why), ()
    if situation.delivery is not None:
        where = "by post" if situation.delivery.by_post else f"to {situation.delivery.address}"
        why = f"asks for the data {where}: identification first (privacy statement)"
        return Status.AWAITING_IDENTITY, PlannedDraft(identify, sender, why), ()
    on_file = situation.address_on_file or sender
    contact = bool(situation.contact_change)
    if needs_confirmation(decision, situation.rights, contact) and not situation.confirmed:
        why = (
            "erasure, restriction, objection or a change of contact details "
            "from an unauthenticated mail: confirm first"
        )
        draft = PlannedDraft(DraftKind.CONFIRMATION_REQUEST, on_file, why)
        return Status.AWAITING_CONFIRMATION, draft, ()
    return Status.READY_FOR_REVIEW, PlannedDraft(DraftKind.REPLY, on_file, "address on file"), ()


def recipients_are_safe(plan_: Plan, situation: Situation) -> bool:
    """The invariant, checked before anything is stored: data only to a safe address."""
    allowed = {
        address for address in (situation.address_on_file, situation.verified_send_to) if address
    }
    if situation.decision.identity not in (Identity.KNOWN, Identity.VERIFIED):
        allowed = {situation.verified_send_to} if situation.verified_send_to else set()
    return all(draft.to in allowed for draft in plan_.drafts if draft.carries_data)


def rights_needing_actions(rights: Sequence[Right]) -> tuple[Right, ...]:
    """The rights whose reply must say what was done in each source."""
    acting = (Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION, Right.OBJECTION)
    return tuple(right for right in rights if right in acting)
