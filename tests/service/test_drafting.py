"""Identity and drafting over real data sources (a SQLite CRM, a CSV of invoices)."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailbot.config import settings_from_dict
from mailbot.core.cases import Status
from mailbot.core.identity import Verification
from mailbot.core.rights import Right
from mailbot.ports import MailKey, MailRef
from mailbot.service.cases import reclassify, verify
from mailbot.service.draft_views import show_draft
from mailbot.storage.database import Database
from mailbot.storage.models import MailRecord
from tests.support.configs import base_config
from tests.support.datasets import crm_source, make_crm
from tests.support.desk import CLOCK, FAIL, OURS, PASS, TOM, Desk, desks
from tests.support.mails import simple


@pytest.fixture
def desk(tmp_path: Path, database: Database) -> Iterator[Desk]:
    yield from desks(tmp_path, database)


def rows(content: bytes, delimiter: str = ";") -> list[dict[str, str]]:
    """A copy's CSV file as a spreadsheet reads it (UTF-8 with a byte-order mark)."""
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_known_sender_gets_a_reply_with_exactly_their_own_rows(desk: Desk) -> None:
    result = desk.mail("Ik wil graag weten welke gegevens jullie van mij hebben.", From=TOM)
    reference = result.reference or ""
    case = desk.case(reference)
    assert (case["status"], case["identity"]) == ("ready_for_review", "known")
    assert desk.pending(reference) == [
        ("acknowledgement", "tom.baker@example.com"),
        ("reply", "tom.baker@example.com"),
    ]
    reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
    files = desk.files(reply["id"])
    # access alone: the overview and a CSV per source, no JSON or manifest (portability's)
    assert sorted(files) == ["crm.csv", "invoices.csv", "mailbot.csv", "overzicht.html"]
    assert [row["number"] for row in rows(files["crm.csv"])] == ["C-1001"]
    assert [row["invoice"] for row in rows(files["invoices.csv"])] == ["2026-001", "2026-002"]
    everything = b"".join(files.values())
    for stranger in (b"C-1002", b"tom.bakerr", b"2026-004", b"sanne", b"Sanne"):
        assert stranger not in everything, stranger
    own = rows(files["mailbot.csv"])
    assert {row["Kenmerk"] for row in own} == {reference}
    assert len(own) == 2  # the case and its mail
    body = show_draft(desk.database, CLOCK, reply["id"]).body
    assert "Hostingbedrijf X (verwerker)" in body and "Boekhoudkantoor Y (verwerker)" in body


def test_unknown_sender_is_asked_to_identify_and_gets_no_data(desk: Desk) -> None:
    result = desk.mail(
        "Ik wil weten welke gegevens jullie van mij hebben.", From="Eve <eve@example.org>"
    )
    reference = result.reference or ""
    assert desk.case(reference)["status"] == "awaiting_identity"
    assert desk.pending(reference) == [
        ("acknowledgement", "eve@example.org"),
        ("identification_request", "eve@example.org"),
    ]
    assert all(not d["attachments"] for d in desk.drafts(reference))


def test_a_forged_sender_never_gets_a_data_bearing_draft(desk: Desk) -> None:
    result = desk.mail(
        "Please send me a copy of all my personal data.", From=TOM, Authentication_Results=FAIL
    )
    reference = result.reference or ""
    case = desk.case(reference)
    assert (case["status"], case["identity"]) == ("awaiting_confirmation", "spoofed")
    # the forger is not at the address he used: its owner only is asked "did you send this?"
    assert desk.pending(reference) == [("sender_check", "tom.baker@example.com")]
    assert all(not d["attachments"] for d in desk.drafts(reference))
    check = next(d for d in desk.drafts(reference) if d["kind"] == "sender_check")
    assert any("FORGED" in note for note in check["notes"])


def test_a_forged_header_below_ours_is_not_believed(desk: Desk) -> None:
    forged_pass = f"{OURS}; dmarc=pass"
    raw_headers = {"From": TOM, "Authentication_Results": FAIL}
    result = desk.mail("Please send me a copy of my data.", **raw_headers, X_Forged=forged_pass)
    assert desk.case(result.reference or "")["identity"] == "spoofed"


def test_a_reply_to_elsewhere_is_ignored(desk: Desk) -> None:
    result = desk.mail(
        "Please send me a copy of all my personal data.", From=TOM, Reply_To="thief@example.org"
    )
    destinations = {to for _, to in desk.pending(result.reference or "")}
    assert destinations == {"tom.baker@example.com"}


def test_asking_the_data_at_another_address_needs_identification(desk: Desk) -> None:
    result = desk.mail(
        "Stuur alstublieft een kopie van mijn gegevens naar tom.new@elsewhere.example.", From=TOM
    )
    reference = result.reference or ""
    assert desk.case(reference)["status"] == "awaiting_identity"
    request = next(d for d in desk.drafts(reference) if d["kind"] == "identification_request")
    assert request["to"] == "tom.baker@example.com"
    assert "tom.new@elsewhere.example" in show_draft(desk.database, CLOCK, request["id"]).body


def test_someone_acting_for_another_must_show_authority(desk: Desk) -> None:
    result = desk.mail(
        "Namens mijn zoon wil ik weten welke gegevens jullie van hem hebben.", From=TOM
    )
    request = next(
        d for d in desk.drafts(result.reference or "") if d["kind"] == "identification_request"
    )
    assert "machtiging" in show_draft(desk.database, CLOCK, request["id"]).body


def test_unauthenticated_erasure_is_confirmed_from_the_address_on_file_first(desk: Desk) -> None:
    first = desk.mail("Verwijder al mijn gegevens.", From=TOM, Message_ID="<erase-1@example.com>")
    reference = first.reference or ""
    assert desk.case(reference)["status"] == "awaiting_confirmation"
    assert desk.pending(reference)[-1] == ("confirmation_request", "tom.baker@example.com")
    # a yes that answers only the first mail (unauthenticated: its Message-ID may be a
    # forger's) joins nothing; one with the reference is shown to the officer
    stray = desk.mail(
        "Ja, ik bevestig mijn verzoek.", From=TOM, In_Reply_To="<erase-1@example.com>"
    )
    assert stray.reference != reference
    desk.mail(
        "Ja, ik bevestig mijn verzoek.",
        From=TOM,
        Subject=f"Re: [{reference}] bevestiging",
        Message_ID="<erase-1b@example.com>",
    )
    waiting = desk.case(reference)
    assert waiting["status"] == "awaiting_confirmation" and waiting["reply_to_check"]
    asked = desk.approve(reference, "confirmation_request")
    desk.mail(
        "Ja, ik bevestig mijn verzoek.",
        From=TOM,
        In_Reply_To=asked,
        References=f"<erase-1@example.com> {asked}",
        Message_ID="<erase-2@example.com>",
    )
    case = desk.case(reference)
    assert case["status"] == "ready_for_review" and case["reply_to_check"] is None
    assert "confirmed" in [event["action"] for event in case["events"]]
    reply = next(
        d for d in desk.drafts(reference) if d["kind"] == "reply" and d["status"] == "pending"
    )
    shown = show_draft(desk.database, CLOCK, reply["id"])
    assert [(a.source, a.right) for a in shown.actions] == [
        ("crm", "erasure"),
        ("crm", "erasure"),  # tell the CRM's recipient (Art. 19)
        ("invoices", "erasure"),
    ]
    assert not shown.attachments  # erasure carries no copies
    assert "Facturen (bewaartermijn: 7 jaar (art. 52 AWR)" in shown.body
    assert shown.in_reply_to == "<erase-2@example.com>"
    assert shown.references == (
        "<erase-1@example.com>",
        "<erase-1b@example.com>",
        "<erase-2@example.com>",
    )


def test_authenticated_erasure_is_drafted_at_once(desk: Desk) -> None:
    result = desk.mail("Verwijder al mijn gegevens.", From=TOM, Authentication_Results=PASS)
    assert desk.case(result.reference or "")["status"] == "ready_for_review"


def test_a_confirmation_from_another_address_does_not_count(desk: Desk) -> None:
    first = desk.mail("Verwijder al mijn gegevens.", From=TOM, Message_ID="<e1@example.com>")
    desk.mail("Ja.", From="Eve <eve@example.org>", In_Reply_To="<e1@example.com>")
    assert desk.case(first.reference or "")["status"] == "awaiting_confirmation"


def test_verification_deletes_id_copies_and_drafts_the_reply(desk: Desk) -> None:
    first = desk.mail(
        "Ik wil mijn gegevens zien.",
        From="Piet <piet@elders.example>",
        Message_ID="<v1@x>",
        # authenticated, so that a reply to it by the same address joins the case
        Authentication_Results=f"{OURS}; dmarc=pass header.from=elders.example",
    )
    reference = first.reference or ""
    id_copy = (
        b"From: Piet <piet@elders.example>\r\nSubject: Re: identificatie\r\nIn-Reply-To: <v1@x>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: text/plain\r\n\r\nHierbij mijn ID.\r\n--b\r\nContent-Type: image/jpeg\r\n"
        b"Content-Disposition: attachment; filename=id.jpg\r\n\r\nJPEGDATA\r\n--b--\r\n"
    )
    desk.deliver(id_copy, datetime(2026, 3, 6, tzinfo=UTC))
    mails = desk.case(reference)["mails"]
    assert mails[1]["attachments"][0]["filename"] == "id.jpg"
    verify(
        desk.database, CLOCK, reference, method="ID checked", actor="rudi",
        send_to="Piet@Elders.example", address_on_file="sanne.devries@example.net",
        check=Verification.ID_DOCUMENT,
    )  # fmt: skip
    desk.drafting.run()
    case = desk.case(reference)
    assert (case["identity"], case["status"]) == ("verified", "ready_for_review")
    assert case["mails"][1]["attachments"] == []  # the ID copy is gone
    verified = next(event for event in case["events"] if event["action"] == "verified")
    assert verified["detail"] == {
        "method": "ID checked",
        "check": "id",
        "send_to": "piet@elders.example",
        "id_documents_deleted": 1,
    }
    reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
    assert reply["to"] == "piet@elders.example"
    assert [row["number"] for row in rows(desk.files(reply["id"])["crm.csv"])] == ["C-1003"]
    superseded = [d for d in desk.drafts(reference) if d["kind"] == "identification_request"]
    assert [d["status"] for d in superseded] == ["rejected"]


def test_addresses_differing_only_in_case_match_and_look_alikes_do_not(desk: Desk) -> None:
    same = desk.mail("Send me a copy of my data.", From="TOM <TOM.BAKER@EXAMPLE.COM>")
    assert desk.case(same.reference or "")["identity"] == "known"
    look_alike = desk.mail("Send me a copy of my data.", From="Tom <tom.baker@examp1e.com>")
    assert desk.case(look_alike.reference or "")["identity"] == "unknown"


def test_a_repeated_request_within_a_year_is_noted(desk: Desk) -> None:
    desk.mail("Ik wil weten welke gegevens jullie van mij hebben.", From=TOM)
    second = desk.mail("Nogmaals: welke gegevens hebben jullie van mij?", From=TOM)
    reply = next(d for d in desk.drafts(second.reference or "") if d["kind"] == "reply")
    assert any(note.startswith("repeated request: AVG-2026-0001") for note in reply["notes"])


def test_a_failing_source_is_named_in_the_draft(desk: Desk, tmp_path: Path) -> None:
    (tmp_path / "invoices.csv").unlink()
    result = desk.mail("Send me a copy of my data.", From=TOM)
    reply = next(d for d in desk.drafts(result.reference or "") if d["kind"] == "reply")
    assert any("invoices" in note for note in reply["notes"])
    # the person reads the system's category, in the letter's language
    assert "Invoices" in show_draft(desk.database, CLOCK, reply["id"]).body


def test_reclassification_redrafts(desk: Desk) -> None:
    result = desk.mail("Send me a copy of my data.", From=TOM, Authentication_Results=PASS)
    reference = result.reference or ""
    reclassify(desk.database, CLOCK, reference, rights=(Right.ERASURE,), actor="rudi")
    desk.drafting.run()
    replies = [d for d in desk.drafts(reference) if d["kind"] == "reply"]
    assert [d["status"] for d in replies] == ["rejected", "pending"]
    assert replies[-1]["attachments"] == []  # an erasure reply carries no copies


def test_portability_copies_only_what_the_person_provided(desk: Desk) -> None:
    result = desk.mail(
        "Could you export my data as a CSV file? I'm moving to another provider.", From=TOM
    )
    assert desk.case(result.reference or "")["rights"] == ["portability"]
    reply = next(d for d in desk.drafts(result.reference or "") if d["kind"] == "reply")
    files = desk.files(reply["id"])
    # The CRM holds what the person provided; the invoices are the company's own records.
    assert sorted(files) == ["crm.csv", "crm.json", "manifest.json"]
    assert [row["number"] for row in rows(files["crm.csv"], ",")] == ["C-1001"]
    assert [row["number"] for row in json.loads(files["crm.json"])] == ["C-1001"]
    manifest = json.loads(files["manifest.json"])
    assert [(entry["source"], entry["files"]) for entry in manifest["sources"]] == [
        ("crm", ["crm.json", "crm.csv"])
    ]


def test_access_and_portability_attach_the_overview_every_csv_and_json_of_what_was_provided(
    desk: Desk,
) -> None:
    result = desk.mail("Ik wil graag weten welke gegevens jullie van mij hebben.", From=TOM)
    reference = result.reference or ""
    reclassify(desk.database, CLOCK, reference, rights=(Right.ACCESS, Right.PORTABILITY),
               actor="rudi")  # fmt: skip
    desk.drafting.run()
    reply = next(
        d for d in desk.drafts(reference) if d["kind"] == "reply" and d["status"] == "pending"
    )
    files = desk.files(reply["id"])
    # JSON only for the CRM (provided by the person); not the invoices, not mailbot's record
    assert sorted(files) == [
        "crm.csv", "crm.json", "invoices.csv", "mailbot.csv", "manifest.json", "overzicht.html",
    ]  # fmt: skip
    manifest = json.loads(files["manifest.json"])
    assert {entry["source"]: entry["files"] for entry in manifest["sources"]} == {
        "crm": ["crm.json", "crm.csv"],
        "invoices": ["invoices.csv"],
        "mailbot": ["mailbot.csv"],
    }
    assert "overzicht.html, crm.json, crm.csv" in desk.draft_body(reply["id"])
    assert "(JSON en CSV)" in desk.draft_body(reply["id"])


def test_mailbots_own_record_shows_no_codes_and_local_times(desk: Desk) -> None:
    result = desk.mail("Ik wil graag weten welke gegevens jullie van mij hebben.", From=TOM)
    reply = next(d for d in desk.drafts(result.reference or "") if d["kind"] == "reply")
    files = desk.files(reply["id"])
    html = files["overzicht.html"].decode()
    for code in [*(status.value for status in Status), *(right.value for right in Right)]:
        assert f">{code}<" not in html, code
    case, mail = rows(files["mailbot.csv"])
    assert list(case) == [
        "Soort",
        "Kenmerk",
        "Ontvangen",
        "Rechten",
        "Stand van zaken",
        "Onderwerp",
    ]
    assert (case["Soort"], case["Rechten"], case["Stand van zaken"]) == (
        "verzoek", "inzage", "in behandeling",
    )  # fmt: skip
    assert (mail["Soort"], mail["Stand van zaken"]) == ("e-mail", "ontvangen")
    assert mail["Ontvangen"] == "5 maart 2026 10:00"  # 09:00 UTC, in Amsterdam
    assert "<td>in behandeling</td>" in html and "<td>5 maart 2026 10:00</td>" in html


LABELS = {"nl": {"name": "Naam", "city": "Woonplaats"}, "de": {"name": "Name", "city": "Wohnort"}}


@pytest.fixture
def labelled(tmp_path: Path, database: Database) -> Iterator[Desk]:
    """A desk whose CRM labels its columns in Dutch and German (not in English)."""
    values = base_config(tmp_path)
    values["organisation"].update(
        trusted_authserv_id=OURS, automated_decisions="geen", transfers_outside_eea="geen"
    )
    crm = crm_source(make_crm(tmp_path / "crm.db"), labels=LABELS)
    values["sources"] = [crm.model_dump(mode="json")]
    desk = Desk(database, settings_from_dict(values, tmp_path / "mailbot.toml", environ={}))
    yield desk
    desk.close()


@pytest.mark.parametrize(
    ("body", "name", "header"),
    [
        ("Ik wil graag weten welke gegevens jullie van mij hebben.", "overzicht.html",
         ["Naam", "email", "Woonplaats", "number"]),
        ("Please send me a copy of all my personal data.", "overview.html",
         ["name", "email", "city", "number"]),
    ],
    ids=["nl", "en"],
)  # fmt: skip
def test_the_copies_label_columns_in_the_letters_language_else_by_their_name(
    labelled: Desk, body: str, name: str, header: list[str]
) -> None:
    result = labelled.mail(body, From=TOM)
    reply = next(d for d in labelled.drafts(result.reference or "") if d["kind"] == "reply")
    files = labelled.files(reply["id"])
    (row,) = rows(files["crm.csv"], ";" if name == "overzicht.html" else ",")
    assert list(row) == header and row[header[0]] == "Tom Baker"
    cells = "".join(f"<th>{label}</th>" for label in header)
    assert cells in files[name].decode()


@pytest.mark.parametrize("kept", [True, False], ids=["kept at intake", "recorded before 0009"])
def test_drafting_reads_what_intake_kept_or_else_the_mail_itself(desk: Desk, kept: bool) -> None:
    forged = simple("Please send me a copy of all my personal data.", From=TOM,
                    Authentication_Results=FAIL)  # fmt: skip
    elsewhere = simple(
        "Stuur alstublieft een kopie van mijn gegevens naar tom.new@elsewhere.example.", From=TOM
    )
    moment = datetime(2026, 3, 5, 9, tzinfo=UTC)
    results = [
        desk.intake.process(MailRef(MailKey("maildir", "/t", 0, uid), len(raw), moment), raw)
        for uid, raw in (("forged", forged), ("elsewhere", elsewhere))
    ]
    with desk.database.session() as session:
        for result in results:
            record = session.get(MailRecord, result.mail_id)
            assert record is not None
            assert record.request_text
            if not kept:
                record.request_text = record.authentication_results = None
                session.add(record)
        session.commit()
    desk.drafting.run()
    assert desk.case(results[0].reference or "")["identity"] == "spoofed"  # headers read
    reference = results[1].reference or ""
    request = next(d for d in desk.drafts(reference) if d["kind"] == "identification_request")
    assert "tom.new@elsewhere.example" in desk.draft_body(request["id"])  # the text read
