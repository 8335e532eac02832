"""The intake's policy and mail references for the service tests that feed it mail directly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count
from zoneinfo import ZoneInfo

from mailbot.ports import MailKey, MailRef
from mailbot.service.cases import Clock
from mailbot.service.intake import IntakePolicy

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
POLICY = IntakePolicy(
    zone=AMSTERDAM,
    reference_prefix="AVG",
    own_addresses=frozenset({"privacy@voorbeeld.example"}),
    forwarders=frozenset({"linda@voorbeeld.example"}),
)
CLOCK = Clock(AMSTERDAM, today=date(2026, 3, 10))
_uids = count(1)


def ref(arrived: datetime | None = None, size: int = 100, uid: str | None = None) -> MailRef:
    key = MailKey("maildir", "/test/Maildir", 0, uid or f"mail-{next(_uids)}")
    return MailRef(key, size, arrived or datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
