"""The text of letters people attach ("zie bijlage"): PDF (pypdf), DOCX (python-docx), text.

A request that is only in an attached letter is classified from the letter's text.
Attachments are hostile input: each is read within limits (pages, characters, the
unpacked size of a DOCX), and any file that cannot be read, a scan without a text
layer, an encrypted PDF, a broken or disguised file, becomes a ``DocumentText``
with a ``problem``: the officer is told, nothing is guessed, nothing crashes. Runs
where the mail is read (``service.readers``: a child process with a time limit).
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from collections.abc import Sequence

from mailbot.core.mail import Attachment, DocumentText

MAX_DOCUMENTS = 5  # attachments read per mail
MAX_PAGES = 30
MAX_CHARS = 50_000
MAX_UNPACKED = 30 * 1024 * 1024  # bytes a DOCX may unpack to
MIN_TEXT = 20  # characters below which a PDF counts as a scan without text
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted DOCX, or an old .doc

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def kind_of(attachment: Attachment) -> str | None:
    """``pdf``, ``docx``, ``text`` or ``image`` for an attachment worth reading, else None."""
    name = (attachment.filename or "").lower()
    content_type = attachment.content_type.lower()
    head = (attachment.content or b"")[:8]
    if content_type == PDF or name.endswith(".pdf") or head.startswith(b"%PDF"):
        return "pdf"
    if content_type == DOCX or name.endswith(".docx"):
        return "docx"
    if content_type == "text/plain" or name.endswith(".txt"):
        return "text"
    if content_type.startswith("image/") and not attachment.inline:
        return "image"
    return None


def read_documents(attachments: Sequence[Attachment]) -> tuple[DocumentText, ...]:
    """The text (or the problem) of each letter-like attachment, at most ``MAX_DOCUMENTS``."""
    found: list[DocumentText] = []
    for attachment in attachments:
        kind = kind_of(attachment)
        if kind is None:
            continue
        found.append(read_document(attachment, kind))
        if len(found) == MAX_DOCUMENTS:
            break
    return tuple(found)


def read_document(attachment: Attachment, kind: str) -> DocumentText:
    name = attachment.filename or f"attachment.{kind}"
    data = attachment.content
    if data is None:
        return DocumentText(name, problem="too_large")
    if kind == "image":
        return DocumentText(name, problem="image")  # a photo of a letter: no text to read
    try:
        if kind == "pdf":
            text, problem = _pdf(data)
        elif kind == "docx":
            text, problem = _docx(data)
        else:
            text, problem = data.decode("utf-8", "replace"), None
    except Exception:  # any failure of a parser on hostile input: flagged, never raised
        return DocumentText(name, problem="unreadable")
    return DocumentText(name, text[:MAX_CHARS], problem)


def _pdf(data: bytes) -> tuple[str, str | None]:
    if not data.lstrip()[:1024].startswith(b"%PDF"):
        return "", "unreadable"
    from pypdf import PdfReader  # noqa: PLC0415 - only where a PDF is read, not at start-up

    with warnings.catch_warnings(), _quiet("pypdf"):
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return "", "encrypted"  # an empty user password opens most "protected" PDFs
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_CHARS:
                break
    text = "\n".join(parts)
    if len(text.strip()) < MIN_TEXT:
        return text, "no_text"
    return text, None


def _docx(data: bytes) -> tuple[str, str | None]:
    if data.startswith(_OLE):
        return "", "encrypted"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            return "", "too_large"
    from docx import Document  # noqa: PLC0415 - only where a DOCX is read

    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    text = "\n".join(lines)
    return text, None if text.strip() else "no_text"


class _quiet:
    """pypdf logs every oddity of a broken file at WARNING: not the officer's business."""

    def __init__(self, name: str) -> None:
        self.logger = logging.getLogger(name)
        self.level = self.logger.level

    def __enter__(self) -> None:
        self.logger.setLevel(logging.ERROR + 1)

    def __exit__(self, *_exc: object) -> None:
        self.logger.setLevel(self.level)
