"""XOAUTH2 access tokens for IMAP and SMTP, from a file or a command the administrator set up.

A fresh token is read at every login (tokens live about an hour). Anything that
goes wrong is a ``LoginFailed`` naming the configuration key, never the token.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from mailbot.errors import LoginFailed

TOKEN_TIMEOUT = 30.0


def oauth2_token(section: str, token_file: Path | None, token_command: str | None) -> str:
    """A fresh XOAUTH2 access token; ``section`` ("imap", "smtp") names the keys in errors."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise LoginFailed(f"cannot read {section}.oauth2_token_file: {exc.strerror}") from None
    else:
        command = shlex.split(token_command or "")
        try:
            done = subprocess.run(  # noqa: S603 - the administrator's configured command
                command, capture_output=True, text=True, timeout=TOKEN_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise LoginFailed(f"{section}.oauth2_token_command failed: {exc}") from None
        if done.returncode != 0:
            error = done.stderr.strip()[:200]
            raise LoginFailed(
                f"{section}.oauth2_token_command exited with {done.returncode}: {error}"
            )
        token = done.stdout.strip()
    if not token:
        raise LoginFailed("the XOAUTH2 token is empty")
    return token
