from __future__ import annotations

import pytest

from mailbot.core.machine import machine_reason
from mailbot.core.parsing import parse_mail
from tests.support.mails import simple

OWN = frozenset({"privacy@voorbeeld.example"})


def reason(**headers: str) -> str | None:
    return machine_reason(parse_mail(simple("Ik ben afwezig.", **headers)), OWN)


def test_a_person_writing_is_not_machine_mail() -> None:
    assert reason() is None
    assert reason(Auto_Submitted="no") is None
    assert reason(X_Auto_Response_Suppress="None") is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Auto_Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
        ({"Auto_Submitted": "auto-generated; owner-email=x@y"}, "Auto-Submitted"),
        ({"Return_Path": "<>"}, "empty Return-Path"),
        ({"Precedence": "bulk"}, "Precedence: bulk"),
        ({"Precedence": "Junk"}, "Precedence: junk"),
        ({"Precedence": "list"}, "Precedence: list"),
        ({"X_Autoreply": "yes"}, "x-autoreply"),
        ({"X_Autorespond": "yes"}, "x-autorespond"),
        ({"X_Auto_Response_Suppress": "All"}, "X-Auto-Response-Suppress"),
        ({"List_Id": "<news.example.org>"}, "list-id"),
        ({"List_Unsubscribe": "<mailto:off@example.org>"}, "list-unsubscribe"),
        ({"From": "MAILER-DAEMON@mx.example.org"}, "mailer-daemon"),
        ({"From": "Postmaster <postmaster@example.org>"}, "postmaster"),
        ({"From": "Privacy <PRIVACY@voorbeeld.example>"}, "own address"),
    ],
)
def test_machine_mail_is_recognised_with_its_reason(headers: dict[str, str], expected: str) -> None:
    found = reason(**headers)
    assert found is not None
    assert expected in found


def test_delivery_report_is_machine_mail() -> None:
    raw = (
        b"From: Mail Delivery <bounces@mx.example.org>\r\nSubject: failed\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n"
    )
    assert machine_reason(parse_mail(raw), OWN) == "delivery or read report (multipart/report)"


def test_an_out_of_office_reply_without_headers_is_told_by_subject_and_text() -> None:
    away = simple("I am out of the office until Monday 8 June.", Subject="Automatic reply: vraag")
    assert "automatic reply" in (machine_reason(parse_mail(away), OWN) or "")
    # a person's own subject alone is not enough
    person = simple("Please delete my data.", Subject="Out of office: delete my data")
    assert machine_reason(parse_mail(person), OWN) is None


def test_an_absence_subject_with_an_away_text_is_an_automatic_reply() -> None:
    from mailbot.core.machine import machine_reason
    from mailbot.core.parsing import Limits, parse_mail
    from tests.support.mails import simple

    raw = simple(
        "Je suis absente du bureau jusqu'au lundi 9 novembre inclus.",
        Subject="Absence : RE: Votre demande de suppression (dossier 2026-0229)",
    )
    assert machine_reason(parse_mail(raw, Limits()), set()) is not None


def test_an_absent_e_subject_with_leave_in_french_is_an_automatic_reply() -> None:
    from mailbot.core.machine import machine_reason
    from mailbot.core.parsing import Limits, parse_mail
    from tests.support.mails import simple

    raw = simple(
        "Je suis en congé jusqu'au lundi 18 mai. Votre message sera traité à mon retour.",
        Subject="Absent(e) du bureau - RE: Demande de rectification (dossier 2026-0431)",
    )
    assert machine_reason(parse_mail(raw, Limits()), set()) is not None


def test_an_absence_note_saying_not_in_the_office_is_an_automatic_reply() -> None:
    raw = simple(
        "Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 7. Dezember nicht im Büro.",
        Subject="Abwesenheitsnotiz: AW: Ihr Auskunftsersuchen nach Art. 15 DSGVO",
    )
    assert machine_reason(parse_mail(raw), OWN) is not None
