"""Whether the worker makes progress: the facts behind the systemd watchdog.

Each loop of the worker (reading mail, sending mail) beats when it gets
somewhere: a mail processed, a pass over the mailboxes whose servers all
answered, a pass over the outbox. The watchdog is fed only while every loop
beat within the limit, so a server that stops answering, a thread that hangs
or an event loop that is blocked all end the WATCHDOG messages, and systemd
restarts the service. Times are plain seconds from a monotonic clock, passed
in: nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Heartbeat:
    """The last beat of each loop, in monotonic seconds."""

    last: dict[str, float] = field(default_factory=dict)

    def beat(self, loop: str, now: float) -> None:
        self.last[loop] = now

    def stale(self, now: float, limit: float) -> list[str]:
        """The loops that did not beat within ``limit`` seconds before ``now`` (none: healthy)."""
        return sorted(loop for loop, last in self.last.items() if now - last > limit)
