"""After mailbot carried out an erasure in the shop's database, the shop's courier is told
(Art. 19): the notice is drafted at once, goes only to the courier's contact when approved,
reaches aiosmtpd, and only then may the reply, which names the courier, go."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailbot.config import settings_from_dict
from mailbot.datasources import statements as adapter
from mailbot.errors import NotAllowed
from mailbot.letters.render import Renderer
from mailbot.sending.smtp import SmtpSender
from mailbot.service.approval import action_done, approve, case_actions
from mailbot.service.execution import execute, plan
from mailbot.service.notices import RecipientNotices
from mailbot.service.outbox import Outbox, mark_failed, record_sent
from mailbot.storage.database import Database
from mailbot.storage.models import ExecutionRecord, OutboxRecord, utcnow
from mailbot.storage.store import CaseStore
from tests.support.configs import base_config
from tests.support.datasets import invoice_source, make_invoices
from tests.support.desk import CLOCK, OURS, PASS, TOM, Desk
from tests.support.shop import PERSON, make_shop, rows, shop_values
from tests.support.smtp import SmtpServer

COURIER = "privacy@courier.example"


async def test_an_erasure_carried_out_tells_the_courier_before_the_reply_goes(
    tmp_path: Path, database: Database, smtp: SmtpServer
) -> None:
    shop = make_shop(f"sqlite:///{tmp_path / 'shop.db'}")
    values = base_config(tmp_path, smtp=smtp.settings(from_name="Voorbeeld B.V."))
    values["organisation"].update(
        trusted_authserv_id=OURS, automated_decisions="geen", transfers_outside_eea="geen"
    )
    source = shop_values(shop)
    source["contacts"] = [{"recipient": "Courier Z", "address": COURIER, "language": "en"}]
    values["sources"] = [
        source,
        invoice_source(make_invoices(tmp_path / "invoices.csv")).model_dump(mode="json"),
    ]
    desk = Desk(database, settings_from_dict(values, tmp_path / "mailbot.toml", environ={}))
    notices = RecipientNotices(desk.database, desk.configuration, lambda _: Renderer())
    try:
        mail = desk.mail("Verwijder al mijn gegevens.", From=TOM, Authentication_Results=PASS)
        reference = mail.reference
        assert reference is not None
        found = plan(desk.database, desk.settings, CLOCK, reference)
        assert not any(d["kind"] == "recipient_notice" for d in desk.drafts(reference))
        execute(
            desk.database, desk.settings, CLOCK, reference, found.version, "rudi",
            notices=notices,
        )  # fmt: skip
        assert rows(shop, "SELECT count(*) FROM klanten WHERE lower(email) = :e", e=PERSON) == [
            (0,)
        ]
        (notice,) = [d for d in desk.drafts(reference) if d["kind"] == "recipient_notice"]
        assert notice["to"] == COURIER
        for action in case_actions(desk.database, CLOCK, reference).actions:
            if action.source == "invoices" and not action.done:  # kept: closed by hand
                action_done(desk.database, reference, action.id, "rudi")
        reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
        with pytest.raises(NotAllowed, match=r"1 action\(s\) are still open"):
            approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
        approve(desk.database, desk.configuration, CLOCK, notice["id"], "rudi")
        assert desk.settings.smtp is not None
        outbox = Outbox(desk.database, desk.settings, SmtpSender(desk.settings.smtp))
        assert (await outbox.send_due()).sent == 1
        (received,) = smtp.received
        assert received.rcpt_tos == (COURIER,)
        text = received.message.get_content()
        assert reference in text and PERSON in text.lower()
        approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
        body = desk.draft_body(reply["id"])
        assert "Bezorger Z" in body  # the reply names the recipient told
        events = [e["action"] for e in desk.case(reference)["events"]]
        assert events.index("executed") < events.index("recipient_told")
    finally:
        desk.close()


def courier_desk(tmp_path: Path, database: Database, **statements: Any) -> tuple[Desk, str]:
    """Tom's shop, whose courier has a contact, and the invoices (kept)."""
    shop = make_shop(f"sqlite:///{tmp_path / 'shop.db'}")
    values = base_config(tmp_path)
    values["organisation"].update(
        trusted_authserv_id=OURS, automated_decisions="geen", transfers_outside_eea="geen"
    )
    source = shop_values(shop, **statements)
    source["contacts"] = [{"recipient": "Courier Z", "address": COURIER, "language": "en"}]
    values["sources"] = [
        source,
        invoice_source(make_invoices(tmp_path / "invoices.csv")).model_dump(mode="json"),
    ]
    settings = settings_from_dict(values, tmp_path / "mailbot.toml", environ={})
    return Desk(database, settings), shop


def ask(desk: Desk, text: str) -> str:
    reference = desk.mail(text, From=TOM, Authentication_Results=PASS).reference
    assert reference is not None
    return reference


def notices_of(desk: Desk) -> RecipientNotices:
    return RecipientNotices(desk.database, desk.configuration, lambda _: Renderer())


def carry_out(desk: Desk, reference: str, **values: str) -> None:
    found = plan(desk.database, desk.settings, CLOCK, reference, values or None)
    assert found.problems == ()
    execute(
        desk.database, desk.settings, CLOCK, reference, found.version, "rudi", values or None,
        notices=notices_of(desk),
    )  # fmt: skip


def notices_in(desk: Desk, reference: str) -> list[dict[str, Any]]:
    return [d for d in desk.drafts(reference) if d["kind"] == "recipient_notice"]


def test_a_bounced_notice_told_no_one(tmp_path: Path, database: Database) -> None:
    desk, _ = courier_desk(tmp_path, database)
    try:
        reference = ask(desk, "Verwijder al mijn gegevens.")
        carry_out(desk, reference)
        (notice,) = notices_in(desk, reference)
        approve(desk.database, desk.configuration, CLOCK, notice["id"], "rudi")
        with desk.database.session() as session:  # the outbox's 250, then a bounce
            store = CaseStore(session)
            draft = store.draft(notice["id"])
            record_sent(store, draft, store.case_by_id(draft.case_id), utcnow(), "mailbot",
                        settings=desk.settings)  # fmt: skip
            session.commit()
            row = session.exec(
                select(OutboxRecord).where(OutboxRecord.draft_id == notice["id"])
            ).one()
            mark_failed(session, row, "bounced: 550 no such user", "bounced")
            session.commit()
        tell = next(a for a in case_actions(desk.database, CLOCK, reference).actions
                    if a.text.startswith("Tell"))  # fmt: skip
        assert not tell.done  # open again: no letter may say the courier was told
        events = [e["action"] for e in desk.case(reference)["events"]]
        assert events.index("recipient_told") < events.index("recipient_not_told")
        for action in case_actions(desk.database, CLOCK, reference).actions:
            if action.source == "invoices":
                action_done(desk.database, reference, action.id, "rudi")
        reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
        with pytest.raises(NotAllowed, match=r"1 action\(s\) are still open"):
            approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")
    finally:
        desk.close()


def test_an_execution_recovered_as_carried_out_has_its_notice(
    tmp_path: Path, database: Database
) -> None:
    """The state a crash leaves between the shop's commit and mailbot's trail: the step
    ``running`` (long enough ago), the shop's rows gone. The next plan recovers it as
    carried out and drafts the courier's notice."""
    desk, shop = courier_desk(tmp_path, database)
    try:
        reference = ask(desk, "Verwijder al mijn gegevens.")
        (step,) = plan(desk.database, desk.settings, CLOCK, reference).steps
        with desk.database.session() as session:
            case = CaseStore(session).case(reference)
            assert case.id is not None
            session.add(ExecutionRecord(
                case_id=case.id, action_id=step.action_id, source="shop", right="erasure",
                state="running", plan=[], plan_version="x", approved_by="rudi",
                approved_at=utcnow(), started_at=utcnow() - timedelta(hours=1),
            ))  # fmt: skip
            session.commit()
        adapter.execute(desk.settings.sources[0], "erase", PERSON)  # the shop committed
        found = plan(desk.database, desk.settings, CLOCK, reference, notices=notices_of(desk))
        assert found.steps[0].state == "executed"
        (notice,) = notices_in(desk, reference)
        assert notice["to"] == COURIER
        assert rows(shop, "SELECT count(*) FROM klanten WHERE lower(email) = :e", e=PERSON) == [
            (0,)
        ]
    finally:
        desk.close()


def test_a_correction_tells_the_courier_only_what_was_corrected(
    tmp_path: Path, database: Database
) -> None:
    desk, shop = courier_desk(tmp_path, database)
    try:
        reference = ask(desk, "Mijn telefoonnummer klopt niet, het is 0699999999.")
        carry_out(desk, reference, telefoon="0699999999")
        (notice,) = notices_in(desk, reference)
        body = desk.draft_body(notice["id"])
        assert "0699999999" in body
        assert "Tom Baker" not in body  # the name was not corrected: not told
        assert rows(shop, "SELECT naam FROM klanten WHERE id = 1") == [("Tom Baker",)]
    finally:
        desk.close()
