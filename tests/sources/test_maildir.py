from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mailbot.errors import MailVanished, SourceUnavailable
from mailbot.sources.maildir import MaildirSource
from tests.support.maildir import drop, make_maildir
from tests.support.mails import simple
from tests.support.waiting import until_async

pytestmark = pytest.mark.database_incidental("the Maildir adapter on files: no database")


async def test_lists_new_and_cur_with_arrival_time_and_size(tmp_path: Path) -> None:
    maildir = make_maildir(tmp_path / "Maildir")
    raw = simple("hallo")
    drop(maildir, "1700000000.M1P1.host", raw, mtime=1_700_000_000)
    (maildir / "cur" / "1700000100.M2P1.host:2,S").write_bytes(raw)
    (maildir / "new" / ".hidden").write_bytes(b"x")
    (maildir / "tmp" / "1700000200.M3P1.host").write_bytes(raw)  # still being delivered
    source = MaildirSource(maildir)
    refs = await source.pending()
    assert [ref.key.uid for ref in refs] == ["1700000000.M1P1.host", "1700000100.M2P1.host"]
    assert refs[0].size == len(raw)
    assert refs[0].arrived_at.timestamp() == 1_700_000_000
    assert refs[0].key.folder == str(maildir.resolve())
    assert await source.fetch(refs[0]) == raw


async def test_key_survives_the_mail_client_moving_and_flagging_it(tmp_path: Path) -> None:
    maildir = make_maildir(tmp_path / "Maildir")
    path = drop(maildir, "1700000000.M1P1.host,S=123", simple("hallo"))
    source = MaildirSource(maildir)
    before = await source.pending()
    path.rename(maildir / "cur" / "1700000000.M1P1.host,S=123:2,RS")
    after = await source.pending()
    assert [ref.key for ref in after] == [ref.key for ref in before]
    # Moved between listing and reading: still found.
    (maildir / "cur" / "1700000000.M1P1.host,S=123:2,RS").rename(
        maildir / "cur" / "1700000000.M1P1.host,S=123:2,S"
    )
    assert await source.fetch(after[0]) == simple("hallo")


async def test_a_mail_removed_before_reading_is_reported(tmp_path: Path) -> None:
    maildir = make_maildir(tmp_path / "Maildir")
    path = drop(maildir, "1.M1P1.host", simple())
    source = MaildirSource(maildir)
    (ref,) = await source.pending()
    path.unlink()
    with pytest.raises(MailVanished):
        await source.fetch(ref)


async def test_a_missing_maildir_is_unavailable_not_empty(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="not a Maildir"):
        await MaildirSource(tmp_path / "nowhere").pending()


async def test_nothing_in_the_maildir_is_changed(tmp_path: Path) -> None:
    maildir = make_maildir(tmp_path / "Maildir")
    drop(maildir, "1.M1P1.host", simple())
    before = sorted((p.name, p.stat().st_mtime) for p in maildir.rglob("*") if p.is_file())
    source = MaildirSource(maildir)
    for ref in await source.pending():
        await source.fetch(ref)
    after = sorted((p.name, p.stat().st_mtime) for p in maildir.rglob("*") if p.is_file())
    assert after == before


async def test_wait_returns_early_when_mail_arrives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    maildir = make_maildir(tmp_path / "Maildir")
    source = MaildirSource(maildir, poll_interval=30)
    looked: list[object] = []  # the wait compares the Maildir with how it first looked

    def stamp(original: Callable[[], object] = source._stamp) -> object:
        looked.append(original())
        return looked[-1]

    monkeypatch.setattr(source, "_stamp", stamp)
    started = time.monotonic()
    waiting = asyncio.ensure_future(source.wait(30))
    await until_async(lambda: looked, 10, "the wait looking at the Maildir")
    drop(maildir, "2.M1P1.host", simple())
    os.utime(maildir / "new", (time.time() + 5, time.time() + 5))  # coarse-mtime filesystems
    await asyncio.wait_for(waiting, timeout=10)
    assert time.monotonic() - started < 10
