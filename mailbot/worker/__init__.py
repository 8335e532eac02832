"""The worker: read every source, hand each new mail to intake, settle it, draft, send, repeat.

Two loops run side by side. The mail loop reads every source, turns new mail
into cases, drafts, and waits for more (IDLE, directory changes). The outbox
loop queues the daily digest when it is due, purges what the retention period
has passed for (once a day), sends what the officer approved, and files it in
his Sent folder, every few seconds (sooner after drafting).

Blocking work (files, database, parsing) runs in threads; the event loop only
coordinates. Mails already recorded are settled again on every pass, so that a
mail whose move was cut off by a crash is moved on the next one. A server that
cannot be reached is retried with backoff, its state is recorded for the
officer, and it does not stop the others. A stop request (``stop()``, which
the service calls on SIGTERM and before a reload) is honoured between mails and
between drafts: the mail in hand, read or sent, is finished and committed first.

Each loop beats a ``Heartbeat`` when it gets somewhere (a mail processed, a pass
whose servers all answered, an outbox pass); the systemd watchdog is fed from
it. With ``max_wait`` set, no wait (IDLE, backoff) lasts longer, so that a
healthy worker beats at least that often.

The parts: ``loops`` (the ``Worker``: what is done in which order), ``pipeline``
(reading mail ahead while the one before is stored), ``health`` (what a failure
means for each server's state, the backoff, the STATUS line) and ``backoff``.
"""

from mailbot.worker.backoff import FIRST_BACKOFF, MAX_BACKOFF, backoff
from mailbot.worker.health import DATABASE, Health
from mailbot.worker.loops import MAIL_LOOP, OUTBOX_INTERVAL, OUTBOX_LOOP, DrainReport, Lane, Worker
from mailbot.worker.pipeline import READ_AHEAD, READ_AHEAD_BYTES

__all__ = [
    "DATABASE",
    "FIRST_BACKOFF",
    "MAIL_LOOP",
    "MAX_BACKOFF",
    "OUTBOX_INTERVAL",
    "OUTBOX_LOOP",
    "READ_AHEAD",
    "READ_AHEAD_BYTES",
    "DrainReport",
    "Health",
    "Lane",
    "Worker",
    "backoff",
]
