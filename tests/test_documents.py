"""The text of attached letters: real PDF and DOCX files (tests/fixtures/mails/recall, made with
reportlab and python-docx), and hostile ones that must be flagged, never crash or be guessed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from mailbot.core.mail import Attachment, DocumentText
from mailbot.core.parsing import parse_mail
from mailbot.documents import DOCX, MAX_DOCUMENTS, PDF, read_documents

pytestmark = pytest.mark.database_incidental("reads attachments; no database")

RECALL = Path(__file__).parent / "fixtures" / "mails" / "recall"


def documents_of(name: str) -> tuple[DocumentText, ...]:
    return read_documents(parse_mail((RECALL / name).read_bytes()).attachments)


def attached(content: bytes, filename: str, content_type: str) -> Attachment:
    return Attachment(filename, content_type, len(content), content)


def test_a_pdf_letter_gives_its_text() -> None:
    (letter,) = documents_of("de/de-08-siehe-anhang.eml")
    assert letter.problem is None and letter.name.endswith(".pdf")
    assert "Auskunft" in letter.text or "Daten" in letter.text


def test_a_docx_letter_gives_its_text() -> None:
    (letter,) = documents_of("en/en-08-see-attached.eml")
    assert letter.problem is None and letter.name.endswith(".docx")
    assert len(letter.text) > 100


@pytest.mark.parametrize(
    ("mail", "problem"),
    [
        ("nl/nl-09-scan-formulier.eml", "no_text"),  # a scan without a text layer
        ("de/de-09-passwortgeschuetzt.eml", "encrypted"),
        ("en/en-09-broken-pdf.eml", "unreadable"),  # the first 45% of a PDF
        ("fr/fr-08-fichier-corrompu.eml", "unreadable"),  # the first 30% of a DOCX
    ],
)
def test_a_letter_that_cannot_be_read_is_flagged(mail: str, problem: str) -> None:
    found = documents_of(mail)
    assert [item.problem for item in found] == [problem]
    assert found[0].text == ""


def test_a_file_that_only_claims_to_be_a_pdf_or_docx_is_unreadable() -> None:
    fake_pdf = attached(b"MZ\x90\x00 not a pdf at all", "brief.pdf", PDF)
    fake_docx = attached(b"%PDF-1.4 but named docx", "brief.docx", DOCX)
    assert [item.problem for item in read_documents([fake_pdf, fake_docx])] == [
        "unreadable",
        "unreadable",
    ]


def test_a_docx_that_unpacks_to_too_much_is_not_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a/>" + b" " * (40 * 1024 * 1024))
    bomb = attached(buffer.getvalue(), "bom.docx", DOCX)
    assert len(bomb.content or b"") < 1_000_000
    assert read_documents([bomb])[0].problem == "too_large"


def test_a_docx_made_here_gives_its_paragraphs_and_tables() -> None:
    document = docx.Document()
    document.add_paragraph("Verzoek om verwijdering van mijn gegevens")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Klantnummer"
    table.rows[0].cells[1].text = "C-1001"
    buffer = io.BytesIO()
    document.save(buffer)
    (letter,) = read_documents([attached(buffer.getvalue(), "brief.docx", DOCX)])
    assert "verwijdering" in letter.text and "C-1001" in letter.text


def test_plain_text_images_and_other_files() -> None:
    found = read_documents([
        attached(b"Ik wil inzage.", "brief.txt", "text/plain"),
        attached(b"\x89PNG...", "scan.png", "image/png"),
        attached(b"PK...", "data.zip", "application/zip"),
        Attachment("groot.pdf", PDF, 10**9, None),
    ])  # fmt: skip
    assert [(item.name, item.problem) for item in found] == [
        ("brief.txt", None),
        ("scan.png", "image"),
        ("groot.pdf", "too_large"),
    ]


def test_no_more_than_a_few_attachments_are_read() -> None:
    many = [attached(b"tekst", f"{index}.txt", "text/plain") for index in range(20)]
    assert len(read_documents(many)) == MAX_DOCUMENTS
