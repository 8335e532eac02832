from __future__ import annotations

from mailbot.core.cases import Status
from mailbot.core.drafting import DraftKind, Situation, plan, recipients_are_safe
from mailbot.core.identity import DeliveryRequest, Identity, IdentityDecision
from mailbot.core.rights import Right

SENDER = "tom@example.com"


def decision(identity: Identity, authenticated: bool = False) -> IdentityDecision:
    return IdentityDecision(identity, authenticated, "test")


def kinds(situation: Situation) -> list[tuple[DraftKind, str]]:
    return [(draft.kind, draft.to) for draft in plan(situation).drafts]


def test_no_right_no_drafts() -> None:
    decided = plan(Situation((), SENDER, decision(Identity.KNOWN), SENDER))
    assert decided.status is Status.NOT_A_REQUEST and decided.drafts == ()


def test_known_sender_asking_access_gets_the_reply_at_the_address_on_file() -> None:
    situation = Situation((Right.ACCESS,), SENDER, decision(Identity.KNOWN), SENDER)
    assert kinds(situation) == [(DraftKind.ACKNOWLEDGEMENT, SENDER), (DraftKind.REPLY, SENDER)]
    assert plan(situation).status is Status.READY_FOR_REVIEW


def test_acknowledgement_only_once() -> None:
    situation = Situation(
        (Right.ACCESS,), SENDER, decision(Identity.KNOWN), SENDER, acknowledged=True
    )
    assert kinds(situation) == [(DraftKind.REPLY, SENDER)]


def test_unknown_senders_are_asked_to_identify_and_get_no_data() -> None:
    situation = Situation((Right.ACCESS, Right.ERASURE), SENDER, decision(Identity.UNKNOWN))
    decided = plan(situation)
    assert decided.status is Status.AWAITING_IDENTITY
    assert [d.kind for d in decided.drafts] == [
        DraftKind.ACKNOWLEDGEMENT,
        DraftKind.IDENTIFICATION_REQUEST,
    ]
    assert not any(d.carries_data for d in decided.drafts)


def test_a_forged_sender_gets_nothing_and_the_addresss_owner_only_a_sender_check() -> None:
    # The forger is not at the address he used: anything mailbot sends reaches its owner.
    for rights in ((Right.ACCESS,), (Right.ERASURE,), (Right.ACCESS, Right.OBJECTION)):
        decided = plan(Situation(rights, SENDER, decision(Identity.SPOOFED), SENDER))
        assert decided.status is Status.AWAITING_CONFIRMATION
        assert kinds(Situation(rights, SENDER, decision(Identity.SPOOFED))) == [
            (DraftKind.SENDER_CHECK, SENDER)
        ]
        assert any("FORGED" in note for note in decided.notes)


def test_a_change_of_contact_details_is_confirmed_first_like_an_erasure() -> None:
    change = Situation(
        (Right.RECTIFICATION,), SENDER, decision(Identity.KNOWN), SENDER,
        contact_change="e-mailadres",
    )  # fmt: skip
    assert plan(change).status is Status.AWAITING_CONFIRMATION
    assert kinds(change)[-1] == (DraftKind.CONFIRMATION_REQUEST, SENDER)
    other = Situation((Right.RECTIFICATION,), SENDER, decision(Identity.KNOWN), SENDER)
    assert kinds(other)[-1] == (DraftKind.REPLY, SENDER)


def test_destructive_request_from_unauthenticated_known_sender_asks_confirmation_first() -> None:
    situation = Situation((Right.ERASURE,), SENDER, decision(Identity.KNOWN), SENDER)
    decided = plan(situation)
    assert decided.status is Status.AWAITING_CONFIRMATION
    assert decided.drafts[-1].kind is DraftKind.CONFIRMATION_REQUEST
    confirmed = Situation(
        (Right.ERASURE,), SENDER, decision(Identity.KNOWN), SENDER, confirmed=True
    )
    assert plan(confirmed).drafts[-1].kind is DraftKind.REPLY
    signed = Situation(
        (Right.ERASURE,), SENDER, decision(Identity.KNOWN, authenticated=True), SENDER
    )
    assert plan(signed).drafts[-1].kind is DraftKind.REPLY


def test_representatives_and_data_elsewhere_need_identification() -> None:
    acting = Situation(
        (Right.ACCESS,), SENDER, decision(Identity.KNOWN), SENDER, representation="namens"
    )
    assert plan(acting).drafts[-1].kind is DraftKind.IDENTIFICATION_REQUEST
    elsewhere = Situation(
        (Right.ACCESS,), SENDER, decision(Identity.KNOWN), SENDER,
        delivery=DeliveryRequest("other@example.org", False, "send to other@example.org"),
    )  # fmt: skip
    assert plan(elsewhere).drafts[-1].kind is DraftKind.IDENTIFICATION_REQUEST
    assert plan(elsewhere).drafts[-1].to == SENDER


def test_verified_person_gets_the_reply_at_the_verified_address() -> None:
    situation = Situation(
        (Right.ACCESS,),
        SENDER,
        decision(Identity.VERIFIED),
        SENDER,
        verified_send_to="new@example.org",
    )
    assert kinds(situation)[-1] == (DraftKind.REPLY, "new@example.org")
    assert recipients_are_safe(plan(situation), situation)


def test_the_recipient_invariant() -> None:
    known = Situation((Right.ACCESS,), SENDER, decision(Identity.KNOWN), SENDER)
    assert recipients_are_safe(plan(known), known)
    forged = Situation((Right.ACCESS,), SENDER, decision(Identity.SPOOFED), SENDER)
    # even if a bug planned a reply for a forged sender, the invariant refuses it
    assert not recipients_are_safe(plan(known), forged)


def test_a_mail_that_may_be_a_request_waits_for_the_officer_without_drafts() -> None:
    for rights in ((), (Right.ERASURE,)):
        situation = Situation(rights, SENDER, decision(Identity.KNOWN), SENDER, needs_decision=True)
        decided = plan(situation)
        assert decided.status is Status.NEW and decided.drafts == ()
        assert decided.notes[0].startswith("DECIDE")


def test_a_school_gets_the_assistance_reply_and_no_data_whoever_it_is() -> None:
    situation = Situation(
        (Right.ERASURE,), SENDER, decision(Identity.UNKNOWN), None, topics=("school",)
    )
    decided = plan(situation)
    assert kinds(situation) == [(DraftKind.SCHOOL_ASSISTANCE, SENDER)]
    assert decided.status is Status.READY_FOR_REVIEW
    assert not any(draft.carries_data for draft in decided.drafts)


def test_about_someone_who_died_the_relative_is_asked_for_proof_not_a_signature() -> None:
    situation = Situation(
        (Right.ERASURE,), SENDER, decision(Identity.KNOWN), SENDER, topics=("deceased",)
    )
    decided = plan(situation)
    assert decided.status is Status.AWAITING_IDENTITY
    request = decided.drafts[-1]
    assert (
        request.kind is DraftKind.IDENTIFICATION_REQUEST and "never an authorisation" in request.why
    )
