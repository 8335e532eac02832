"""The officer's IMAP account: the inbox (``inbox``), the Sent folder (``sent_folder``) and
the review folders (``review_folders``), each in its own thread over one ``connection``
(login, timeouts, error translation); what they do alike to folders is in ``folders``."""

from mailbot.sources.imap.inbox import PIECE, FolderState, ImapSource
from mailbot.sources.imap.review_folders import ImapReviewFolders
from mailbot.sources.imap.sent_folder import ImapSentFolder

__all__ = ["PIECE", "FolderState", "ImapReviewFolders", "ImapSentFolder", "ImapSource"]
