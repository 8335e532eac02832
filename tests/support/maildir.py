"""A Maildir on disk for the tests, and mail dropped into it as a delivery agent would."""

from __future__ import annotations

import os
from pathlib import Path


def make_maildir(root: Path) -> Path:
    for sub in ("new", "cur", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return root


def drop(maildir: Path, name: str, raw: bytes, mtime: float | None = None) -> Path:
    """``raw`` delivered as ``new/name``; it arrived at ``mtime`` (default: now)."""
    path = maildir / "new" / name
    path.write_bytes(raw)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path
