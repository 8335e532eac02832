"""A Maildir as a mail source: the officer's mail delivered to a local directory.

Each mail is keyed by the unique part of its file name (before ``:2,``), which
stays the same when a mail client moves it from ``new/`` to ``cur/`` or changes
its flags. The arrival time is the file's modification time, as Dovecot uses
it for INTERNALDATE. mailbot never changes, moves or deletes anything here:
the database remembers what was read, so the officer's own client sees his
mailbox as it was.

File access runs in worker threads; the event loop only waits.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from mailbot.errors import MailVanished, SourceUnavailable
from mailbot.ports import MailKey, MailRef, Outcome

SOURCE = "maildir"
_SUBDIRS = ("new", "cur")
_CHANGE_CHECK = 1.0  # seconds between looks at the directories while waiting


class MaildirSource:
    """Reads every mail in ``path/new`` and ``path/cur``."""

    def __init__(self, path: Path, poll_interval: float = 30.0) -> None:
        self.path = path
        self.poll_interval = poll_interval
        self.folder = str(path.resolve())
        self._files: dict[str, Path] = {}

    @property
    def name(self) -> str:
        return SOURCE

    def _scan(self) -> list[MailRef]:
        if not all((self.path / sub).is_dir() for sub in _SUBDIRS):
            raise SourceUnavailable(f"{self.path} is not a Maildir (needs new/ and cur/)")
        refs: list[MailRef] = []
        files: dict[str, Path] = {}
        for sub in _SUBDIRS:
            try:
                entries = list(os.scandir(self.path / sub))
            except OSError as exc:
                raise SourceUnavailable(f"cannot read {self.path / sub}: {exc.strerror}") from None
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                    continue
                uid = entry.name.split(":", 1)[0]
                try:
                    stat = entry.stat(follow_symlinks=False)
                except FileNotFoundError:  # moved between listing and stat
                    continue
                files[uid] = Path(entry.path)
                arrived = datetime.fromtimestamp(stat.st_mtime, UTC)
                refs.append(MailRef(MailKey(SOURCE, self.folder, 0, uid), stat.st_size, arrived))
        self._files = files
        refs.sort(key=lambda ref: (ref.arrived_at, ref.key.uid))
        return refs

    async def pending(self) -> list[MailRef]:
        return await asyncio.to_thread(self._scan)

    def _read(self, ref: MailRef) -> bytes:
        for attempt in range(2):
            path = self._files.get(ref.key.uid)
            if path is not None:
                try:
                    return path.read_bytes()
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise SourceUnavailable(
                        f"cannot read a mail in {self.path}: {exc.strerror}"
                    ) from None
            if attempt == 0:
                self._scan()  # the mail client may have moved it from new/ to cur/
        raise MailVanished(f"mail {ref.key.uid} was removed from {self.path} before it was read")

    async def fetch(self, ref: MailRef) -> bytes:
        return await asyncio.to_thread(self._read, ref)

    async def settle(self, settled: Sequence[tuple[MailRef, Outcome]]) -> None:
        """Nothing to do: a Maildir is only read."""

    def _stamp(self) -> tuple[float, ...]:
        try:
            return tuple(os.stat(self.path / sub).st_mtime for sub in _SUBDIRS)
        except OSError:
            return ()

    async def wait(self, timeout: float) -> None:
        """Return when a mail is added or moved, or after ``min(timeout, poll_interval)``."""
        deadline = asyncio.get_running_loop().time() + min(timeout, self.poll_interval)
        before = await asyncio.to_thread(self._stamp)
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            await asyncio.sleep(min(_CHANGE_CHECK, left))
            if await asyncio.to_thread(self._stamp) != before:
                return

    async def close(self) -> None:
        self._files = {}
