"""Art. 19 recipient notices: drafted once the source's own action is done, once per tell
action, to the configured contact in its language; sent through a real SMTP server, the
recipient counts as told and the reply can go."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailbot.config import settings_from_dict
from mailbot.core.approval import UNFILLED
from mailbot.core.rights import Right
from mailbot.errors import NotAllowed
from mailbot.letters.render import Renderer
from mailbot.sending.smtp import SmtpSender
from mailbot.service.approval import (
    action_done,
    approval_check,
    approve,
    case_actions,
    edit,
    reject,
)
from mailbot.service.cases import reclassify
from mailbot.service.notices import RecipientNotices, draft_notices
from mailbot.service.outbox import Outbox
from mailbot.storage.database import Database
from mailbot.storage.store import CaseStore
from tests.support.configs import base_config
from tests.support.datasets import crm_source, invoice_source, make_crm, make_invoices
from tests.support.desk import CLOCK, OURS, PASS, TOM, Desk
from tests.support.smtp import SmtpServer

HOSTER = "Hostingbedrijf X (verwerker)"
MAILER_EN = "Mailing service Y (processor)"
CONTACT = "privacy@mailingdienst.example"
TOM_ADDRESS = "tom.baker@example.com"


def notice_desk(
    tmp_path: Path,
    database: Database,
    *,
    language: str = "en",
    address: str = CONTACT,
    smtp: dict[str, Any] | None = None,
) -> Desk:
    """The test desk whose CRM has two recipients: the hoster (told by hand) and the mailing
    service, with a contact named by its English name."""
    values = base_config(tmp_path, **({"smtp": smtp} if smtp else {}))
    values["organisation"].update(
        trusted_authserv_id=OURS, automated_decisions="geen", transfers_outside_eea="geen"
    )
    crm_db = tmp_path / "crm.db"
    if not crm_db.exists():
        make_crm(crm_db)
    crm = crm_source(
        crm_db,
        recipients={
            "nl": [HOSTER, "Mailingdienst Y (verwerker)"],
            "en": ["Hosting company X (processor)", MAILER_EN],
            "de": ["Hostinganbieter X", "Versanddienst Y"],
            "fr": ["Hébergeur X", "Service d'envoi Y"],
        },
        contacts=[{"recipient": MAILER_EN, "address": address, "language": language}],
        labels={"nl": {"city": "Woonplaats"}, "en": {"city": "Town"}},
    )
    values["sources"] = [
        crm.model_dump(mode="json"),
        invoice_source(make_invoices(tmp_path / "invoices.csv")).model_dump(mode="json"),
    ]
    settings = settings_from_dict(values, tmp_path / "mailbot.toml", environ={})
    return Desk(database, settings)


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    made = notice_desk(tmp_path, database)
    yield made
    made.close()


def notices_of(desk: Desk) -> RecipientNotices:
    return RecipientNotices(desk.database, desk.configuration, lambda _: Renderer())


def case_with(desk: Desk, right: Right) -> str:
    """Tom, authenticated, asks for ``right`` (the officer names the right, as he may)."""
    reference = desk.mail("Verwijder al mijn gegevens.", From=TOM, Authentication_Results=PASS)
    assert reference.reference is not None
    if right is not Right.ERASURE:
        reclassify(desk.database, CLOCK, reference.reference, rights=(right,), actor="rudi")
        desk.drafting.run()
    return reference.reference


def actions(desk: Desk, reference: str) -> dict[str, int]:
    """The actions' ids by what they are: the source's own, or telling a recipient."""
    found = {}
    for action in case_actions(desk.database, CLOCK, reference).actions:
        if action.source != "crm":
            found[action.source] = action.id
        elif action.text.startswith("Tell "):
            found["hoster" if HOSTER in action.text else "mailer"] = action.id
        else:
            found["crm"] = action.id
    return found


def notices(desk: Desk, reference: str) -> list[dict[str, Any]]:
    return [d for d in desk.drafts(reference) if d["kind"] == "recipient_notice"]


def case_id(desk: Desk, reference: str) -> int:
    with desk.database.reader() as session:
        found = CaseStore(session).case(reference).id
    assert found is not None
    return found


def test_a_notice_waits_for_the_sources_own_action_and_is_drafted_once(desk: Desk) -> None:
    reference = case_with(desk, Right.ERASURE)
    ids = actions(desk, reference)
    assert set(ids) == {"crm", "hoster", "mailer", "invoices"}
    renderer = Renderer()
    # nothing erased yet: nothing to tell
    assert draft_notices(desk.database, desk.settings, renderer, case_id(desk, reference)) == []
    # telling the hoster by hand drafts nothing: it is no source's own action
    done = action_done(desk.database, reference, ids["hoster"], "rudi", notices=notices_of(desk))
    assert done.notices == ()
    done = action_done(desk.database, reference, ids["crm"], "rudi", notices=notices_of(desk))
    (notice,) = notices(desk, reference)
    assert done.notices == (notice["id"],)
    assert (notice["to"], notice["language"], notice["status"]) == (CONTACT, "en", "pending")
    # called again (by the execution, say): no second notice
    assert draft_notices(desk.database, desk.settings, renderer, case_id(desk, reference)) == []
    assert len(notices(desk, reference)) == 1
    body = desk.draft_body(notice["id"])
    assert reference in notice["subject"] and reference in body
    assert TOM_ADDRESS in body and "Tom" not in body  # the address they know, no more
    assert "erase" in body and MAILER_EN in body
    assert desk.files(notice["id"]) == {}
    # a rejected notice is no longer live: the next call drafts it again
    reject(desk.database, CLOCK, notice["id"], "rudi", "wrong wording")
    again = draft_notices(desk.database, desk.settings, renderer, case_id(desk, reference))
    assert len(again) == 1 and again[0] != notice["id"]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["Verzoek om persoonsgegevens te verwijderen", "Mailingdienst Y (verwerker)"]),
        ("en", ["Request to erase personal data", MAILER_EN]),
        ("de", ["Bitte um Löschung personenbezogener Daten", "Versanddienst Y"]),
        ("fr", ["Demande d'effacement de données personnelles", "Service d'envoi Y"]),
    ],
)
def test_a_notice_is_in_its_contacts_language(
    tmp_path: Path, database: Database, language: str, words: list[str]
) -> None:
    desk = notice_desk(tmp_path, database, language=language)
    try:
        reference = case_with(desk, Right.ERASURE)
        action_done(desk.database, reference, actions(desk, reference)["crm"], "rudi",
                    notices=notices_of(desk))  # fmt: skip
        (notice,) = notices(desk, reference)
        text = f"{notice['subject']}\n{desk.draft_body(notice['id'])}"
        assert notice["language"] == language
        for word in [*words, reference, TOM_ADDRESS, "19"]:
            assert word in text, word
        assert UNFILLED not in text
    finally:
        desk.close()


def test_a_rectification_names_the_new_values_the_officer_entered(desk: Desk) -> None:
    reference = case_with(desk, Right.RECTIFICATION)
    ids = actions(desk, reference)
    with desk.database.session() as session:  # the execution marks its action done
        action = CaseStore(session).action(ids["crm"])
        assert action is not None
        action.done, action.done_by = True, "mailbot"
        session.commit()
    made = draft_notices(
        desk.database, desk.settings, Renderer(), case_id(desk, reference),
        values={"city": "Utrecht"}, source="crm",
    )  # fmt: skip
    (notice,) = notices(desk, reference)
    assert made == [notice["id"]]
    body = desk.draft_body(notice["id"])
    assert "- Town: Utrecht" in body and UNFILLED not in body  # the label in its language
    assert "correct" in notice["subject"]
    approve(desk.database, desk.configuration, CLOCK, notice["id"], "rudi")


def test_a_rectification_done_by_hand_waits_for_the_officer_to_say_what(desk: Desk) -> None:
    reference = case_with(desk, Right.RECTIFICATION)
    action_done(desk.database, reference, actions(desk, reference)["crm"], "rudi",
                notices=notices_of(desk))  # fmt: skip
    (notice,) = notices(desk, reference)
    body = desk.draft_body(notice["id"])
    assert UNFILLED in body
    with pytest.raises(NotAllowed, match=r"1 place\(s\) marked"):
        approve(desk.database, desk.configuration, CLOCK, notice["id"], "rudi")
    filled = body.replace(f"{UNFILLED}the fields corrected and their new values]", "Town: Utrecht")
    edit(desk.database, CLOCK, notice["id"], "rudi", filled)
    approve(desk.database, desk.configuration, CLOCK, notice["id"], "rudi")


def test_a_notice_goes_only_to_the_contact_configured_now(
    tmp_path: Path, database: Database, desk: Desk
) -> None:
    reference = case_with(desk, Right.RESTRICTION)
    action_done(desk.database, reference, actions(desk, reference)["crm"], "rudi",
                notices=notices_of(desk))  # fmt: skip
    (notice,) = notices(desk, reference)
    assert "restrict" in notice["subject"]
    # the contact changed in the configuration since it was drafted
    changed = notice_desk(tmp_path, database, address="dpo@mailingdienst.example")
    try:
        with pytest.raises(NotAllowed, match="not the contact address configured"):
            approve(changed.database, changed.configuration, CLOCK, notice["id"], "rudi")
        shown = approval_check(changed.database, CLOCK, notice["id"], changed.configuration)
        assert any("not the contact address" in problem for problem in shown.problems)
    finally:
        changed.close()
    assert approval_check(desk.database, CLOCK, notice["id"], desk.configuration).problems == ()


async def test_a_sent_notice_tells_the_recipient_and_the_reply_can_go(
    tmp_path: Path, database: Database, smtp: SmtpServer
) -> None:
    desk = notice_desk(tmp_path, database, smtp=smtp.settings(from_name="Voorbeeld B.V."))
    try:
        reference = case_with(desk, Right.ERASURE)
        ids = actions(desk, reference)
        for done in ("crm", "invoices", "hoster"):  # the officer's own work, by hand
            action_done(desk.database, reference, ids[done], "rudi", notices=notices_of(desk))
        reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
        with pytest.raises(NotAllowed, match=r"1 action\(s\) are still open"):
            approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
        (notice,) = notices(desk, reference)
        approve(desk.database, desk.configuration, CLOCK, notice["id"], "rudi")
        assert desk.settings.smtp is not None
        outbox = Outbox(desk.database, desk.settings, SmtpSender(desk.settings.smtp))
        assert (await outbox.send_due()).sent == 1
        (received,) = smtp.received
        assert received.rcpt_tos == (CONTACT,)
        message = received.message
        assert message["To"] == CONTACT and reference in message["Subject"]
        assert not message.is_multipart() and list(message.iter_attachments()) == []
        text = message.get_content()
        assert reference in text and TOM_ADDRESS in text and "Tom" not in text
        assert message["In-Reply-To"] is None  # none of the person's threads
        told = {a.id: a for a in case_actions(desk.database, CLOCK, reference).actions}
        assert told[ids["mailer"]].done and told[ids["mailer"]].done_by == "mailbot"
        events = desk.case(reference)["events"]
        (event,) = [e for e in events if e["action"] == "recipient_told"]
        assert event["actor"] == "mailbot"
        assert event["detail"]["source"] == "crm"
        assert event["detail"]["recipient"] == "Mailingdienst Y (verwerker)"
        assert TOM_ADDRESS not in str(event["detail"])
        approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
        body = desk.draft_body(reply["id"])
        assert "Mailingdienst Y (verwerker)" in body  # the reply names the recipients told
        assert "Op uw verzoek vertellen wij u meer over deze ontvangers" in body  # Art. 19
    finally:
        desk.close()
