"""mailbot's own record of a person (their cases and mails) as their copies show it: columns
labelled and codes put in words, in the person's language, never a status code."""

from __future__ import annotations

from datetime import datetime

from mailbot.core.cases import Status
from mailbot.datasources.base import Row
from mailbot.letters.render import FALLBACK, right_names

LABELS: dict[str, dict[str, str]] = {
    "nl": {"kind": "Soort", "reference": "Kenmerk", "received_at": "Ontvangen",
           "rights": "Rechten", "status": "Stand van zaken", "subject": "Onderwerp"},
    "en": {"kind": "Type", "reference": "Reference", "received_at": "Received",
           "rights": "Rights", "status": "Status", "subject": "Subject"},
    "de": {"kind": "Art", "reference": "Aktenzeichen", "received_at": "Eingegangen",
           "rights": "Rechte", "status": "Stand", "subject": "Betreff"},
    "fr": {"kind": "Type", "reference": "Référence", "received_at": "Reçu le",
           "rights": "Droits", "status": "État", "subject": "Objet"},
}  # fmt: skip
_WORDS: dict[str, dict[str, str]] = {
    "nl": {"case": "verzoek", "mail": "e-mail", "open": "in behandeling",
           "answered": "beantwoord", "closed": "afgesloten", "not_a_request": "geen verzoek",
           "received": "ontvangen"},
    "en": {"case": "request", "mail": "e-mail", "open": "in progress",
           "answered": "answered", "closed": "closed", "not_a_request": "not a request",
           "received": "received"},
    "de": {"case": "Anfrage", "mail": "E-Mail", "open": "in Bearbeitung",
           "answered": "beantwortet", "closed": "abgeschlossen",
           "not_a_request": "keine Anfrage", "received": "eingegangen"},
    "fr": {"case": "demande", "mail": "e-mail", "open": "en cours de traitement",
           "answered": "réponse envoyée", "closed": "clôturée",
           "not_a_request": "pas une demande", "received": "reçu"},
}  # fmt: skip
# what the person is told of a case's status: whether it is being handled, answered or done
_STATUS_WORD: dict[str, str] = {
    Status.SENT: "answered", Status.CLOSED: "closed", Status.NOT_A_REQUEST: "not_a_request"
}  # fmt: skip


def labels(language: str) -> dict[str, str]:
    """The columns of the own record, labelled in ``language`` (else English)."""
    return LABELS.get(language, LABELS[FALLBACK])


def _words(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS[FALLBACK])


def case_row(
    reference: str,
    received_at: datetime,
    rights: list[str],
    status: str,
    subject: str,
    *,
    language: str,
) -> Row:
    """One case of the person, every code in words of ``language``."""
    words = _words(language)
    return {
        "kind": words["case"],
        "reference": reference,
        "received_at": received_at,
        "rights": ", ".join(right_names(rights, language)),
        "status": words[_STATUS_WORD.get(status, "open")],
        "subject": subject,
    }


def mail_row(reference: str, arrived_at: datetime, subject: str, *, language: str) -> Row:
    """One mail of the person in a case."""
    words = _words(language)
    return {
        "kind": words["mail"],
        "reference": reference,
        "received_at": arrived_at,
        "rights": "",
        "status": words["received"],
        "subject": subject,
    }
