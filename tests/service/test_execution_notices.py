"""After mailbot carried out an erasure in the shop's database, the shop's courier is told
(Art. 19): the notice is drafted at once, goes only to the courier's contact when approved,
reaches aiosmtpd, and only then may the reply, which names the courier, go."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailbot.config import settings_from_dict
from mailbot.errors import NotAllowed
from mailbot.letters.render import Renderer
from mailbot.sending.smtp import SmtpSender
from mailbot.service.approval import action_done, approve, case_actions
from mailbot.service.execution import execute, plan
from mailbot.service.notices import RecipientNotices
from mailbot.service.outbox import Outbox
from mailbot.storage.database import Database
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
