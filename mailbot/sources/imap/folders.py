"""What the inbox, the Sent folder and the review folders do alike to the officer's folders:
find the special ones, create the missing ones, move mail. Blocking: in the adapter's thread."""

from __future__ import annotations

import logging

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from imapclient.imapclient import DRAFTS, SENT

from mailbot.sources.imap.connection import quietly

log = logging.getLogger(__name__)
FETCH_CHUNK = 500  # UIDs per FETCH command
SPECIAL_FOLDERS = {"drafts": (DRAFTS, "Drafts"), "sent": (SENT, "Sent")}


def special_folder(client: IMAPClient, which: str, configured: str = "auto") -> str:
    """The officer's ``which`` folder (``"sent"``, ``"drafts"``): ``configured`` when it is a
    name; for ``"auto"`` the folder the server marks so (RFC 6154), else one with a usual name
    (Outlook's "Sent Items" too), else the plain name (created by the caller)."""
    if configured and configured != "auto":
        return configured
    flag, usual = SPECIAL_FOLDERS[which]
    return str(client.find_special_folder(flag) or usual)


def create_folder(client: IMAPClient, folder: str) -> bool:
    """Create ``folder``; False when another worker created it first (it exists now)."""
    try:
        client.create_folder(folder)
    except IMAPClientError:
        if client.folder_exists(folder):
            return False
        raise
    return True


def create_missing(client: IMAPClient, folder: str) -> None:
    """Create ``folder`` (when named and missing), subscribed so mail clients show it."""
    if folder and not client.folder_exists(folder) and create_folder(client, folder):
        quietly(client.subscribe_folder, folder)
        log.info("created IMAP folder %s", folder)


def move_mail(client: IMAPClient, uids: list[int], target: str) -> None:
    """Move ``uids`` of the selected folder to ``target`` ("" deletes them): with MOVE, else
    COPY, \\Deleted and UID EXPUNGE."""
    if target and client.has_capability("MOVE"):
        client.move(uids, target)
        return
    if target:
        client.copy(uids, target)
    client.delete_messages(uids)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    # Without UIDPLUS the copy stays flagged \\Deleted: a plain EXPUNGE would also
    # remove mail the officer himself marked for deletion.
