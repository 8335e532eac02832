"""The daily digest: gathered from the database, composed by ``core.digest``, sent via the outbox.

One per day: the day's ``digests`` row and its outbox mail are stored in one
transaction, and the day is the row's primary key, so two workers (or a
restart) never queue two.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from mailbot.config import Settings
from mailbot.core.digest import Digest, compose
from mailbot.core.outgoing import Outgoing, build_message, message_id
from mailbot.i18n import labeller, translator
from mailbot.service import today
from mailbot.service.approval import sender_of
from mailbot.service.clock import Clock
from mailbot.storage.database import Conflict, Database, conflicts_reported
from mailbot.storage.digests import DigestStore
from mailbot.storage.models import utcnow
from mailbot.storage.outbox import enqueue


def language_of(settings: Settings) -> str:
    """The officer's language: ``[digest] language``, else the review pages' ``[web] language``."""
    chosen = settings.digest.language if settings.digest is not None else None
    return chosen or settings.web.language


def today_digest(database: Database, settings: Settings, clock: Clock) -> Digest:
    """Today's digest: the Today list in the officer's language, linking to the pages."""
    language = language_of(settings)
    label = labeller(language)
    return compose(
        today.today(database, settings, clock),
        today=clock.local_today(),
        organisation=settings.organisation.name,
        language=language,
        translate=translator(language),
        kind=lambda code: label("kind", code),
        base_url=settings.web.base_url or "",
    )


def is_due(database: Database, settings: Settings, now: datetime) -> bool:
    """The digest is configured, its time of day has come, and today's was not queued yet."""
    digest = settings.digest
    if digest is None:
        return False
    local = now.astimezone(settings.organisation.zone)
    if local.time() < digest.time:
        return False
    with database.reader() as session:
        return not DigestStore(session).queued(settings.mailbox, local.date())


def queue(database: Database, settings: Settings, clock: Clock) -> int | None:
    """Queue today's digest; returns its outbox id, or None when it was already queued."""
    digest = settings.digest
    if digest is None:
        return None
    composed = today_digest(database, settings, clock)
    address, name = sender_of(settings)
    now = utcnow()
    made = message_id(uuid.uuid4().hex, address.rpartition("@")[2])
    content = build_message(
        Outgoing(
            sender=address,
            sender_name=name,
            to=digest.to,
            subject=composed.subject,
            body=composed.body,
            html=composed.html,
            message_id=made,
            date=now,
            language=language_of(settings),
            automatic="auto-generated",
        )
    )
    with database.session() as session:
        digests = DigestStore(session)
        day = clock.local_today()
        if digests.queued(settings.mailbox, day):
            return None
        row = enqueue(
            session,
            kind="digest",
            mailbox=settings.mailbox,
            message_id=made,
            sender=address,
            recipient=digest.to,
            content=content,
            now=now,
        )
        assert row.id is not None
        digests.add(settings.mailbox, day, row.id, now)
        try:
            with conflicts_reported(session):
                session.commit()
        except Conflict:  # another worker queued today's first
            return None
        return row.id
