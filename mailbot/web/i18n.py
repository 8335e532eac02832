"""The review pages in Dutch or English.

Templates write English and pass it through ``t``; ``DUTCH`` holds the Dutch for
every such text (a test reads the templates and fails on any text missing here).
Codes (statuses, rights, outcomes, ...) have a label in each language in ``LABELS``.
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("nl", "en")

DUTCH: dict[str, str] = {
    "mailbot: privacy requests": "mailbot: privacyverzoeken",
    "Skip to the content": "Naar de inhoud",
    "Main menu": "Hoofdmenu",
    "Cases": "Zaken",
    "Quarantine": "Quarantaine",
    "Digest": "Overzicht van vandaag",
    "Signed in as": "Ingelogd als",
    "Log out": "Uitloggen",
    "Language": "Taal",
    "Change": "Wijzigen",
    "Log in": "Inloggen",
    "User name": "Gebruikersnaam",
    "Password": "Wachtwoord",
    "The user name or password is wrong.": "De gebruikersnaam of het wachtwoord klopt niet.",
    "Too many failed attempts. Try again in a few minutes.": "Te veel mislukte pogingen. Probeer het over een paar minuten opnieuw.",
    "The form was out of date; please try again.": "Het formulier was verlopen; probeer het opnieuw.",
    "This form has expired or was not sent from these pages. Go back, reload the page and try again.": "Dit formulier is verlopen of kwam niet van deze pagina's. Ga terug, laad de pagina "
    "opnieuw en probeer het nog eens.",
    "Not allowed": "Niet toegestaan",
    "Not found": "Niet gevonden",
    "Nothing found with that name.": "Niets gevonden met die naam.",
    "Back to the cases": "Terug naar de zaken",
    "Status": "Status",
    "All open cases": "Alle open zaken",
    "All cases": "Alle zaken",
    "Reference": "Kenmerk",
    "Search by reference": "Zoeken op kenmerk",
    "Show": "Tonen",
    "Rights": "Rechten",
    "Requester": "Verzoeker",
    "Identity": "Identiteit",
    "Received": "Ontvangen",
    "Due": "Uiterste datum",
    "Days left": "Dagen over",
    "overdue": "te laat",
    "due soon": "bijna verlopen",
    "No cases match.": "Geen zaken gevonden.",
    "cases": "zaken",
    "Case": "Zaak",
    "Done:": "Gedaan:",
    "This could not be done:": "Dit kon niet:",
    "Summary": "Samenvatting",
    "Channel": "Kanaal",
    "Outcome": "Uitkomst",
    "extended from": "verlengd vanaf",
    "Reason": "Reden",
    "The request": "Het verzoek",
    "From": "Van",
    "Subject": "Onderwerp",
    "The text of this mail was deleted (possible ID document).": "De tekst van deze mail is verwijderd (mogelijk identiteitsbewijs).",
    "Attachments": "Bijlagen",
    "The whole thread": "De hele correspondentie",
    "Classification": "Classificatie",
    "Confidence": "Zekerheid",
    "low: check it": "laag: controleer dit",
    "Evidence": "Onderbouwing",
    "Classified by": "Geclassificeerd door",
    "Correct the rights": "Rechten corrigeren",
    "Note (optional)": "Notitie (optioneel)",
    "Save the rights": "Rechten opslaan",
    "Mark as verified": "Als geverifieerd markeren",
    "How was the person verified?": "Hoe is de persoon geverifieerd?",
    "Send the answer to (optional)": "Antwoord sturen naar (optioneel)",
    "Drafts": "Concepten",
    "No drafts.": "Geen concepten.",
    "Draft": "Concept",
    "To": "Aan",
    "Why": "Waarom",
    "Notes": "Opmerkingen",
    "Message-ID": "Message-ID",
    "Sent at": "Verzonden op",
    "Error": "Fout",
    "Download": "Downloaden",
    "Preview": "Bekijken",
    "Text": "Tekst",
    "Save the text": "Tekst opslaan",
    "Approve and send": "Goedkeuren en versturen",
    "Approve again": "Opnieuw goedkeuren",
    "Reject": "Afwijzen",
    "Reason for rejecting": "Reden van afwijzen",
    "Actions in the data sources": "Acties in de gegevensbronnen",
    "done by": "gedaan door",
    "Mark as done": "Markeren als gedaan",
    "Source": "Bron",
    "Right": "Recht",
    "What to do": "Wat te doen",
    "Kept until": "Bewaard tot",
    "Deadline and outcome": "Termijn en uitkomst",
    "Extend by two months": "Met twee maanden verlengen",
    "Why more time is needed": "Waarom meer tijd nodig is",
    "Extend": "Verlengen",
    "Refuse the request": "Verzoek weigeren",
    "Reasons for the refusal": "Redenen voor de weigering",
    "Draft a refusal": "Weigering opstellen",
    "Close the case": "Zaak sluiten",
    "Close": "Sluiten",
    "Reopen the case": "Zaak heropenen",
    "Reason for reopening": "Reden van heropenen",
    "Reopen": "Heropenen",
    "Audit trail": "Logboek",
    "When": "Wanneer",
    "Who": "Wie",
    "What": "Wat",
    "Details": "Details",
    "Quarantined mail": "Mail in quarantaine",
    "Mail mailbot could not read is kept here with the reason; nothing is lost.": "Mail die mailbot niet kon lezen staat hier met de reden; er gaat niets verloren.",
    "Nothing in quarantine.": "Niets in quarantaine.",
    "Arrived": "Binnengekomen",
    "Try again": "Opnieuw proberen",
    "Today's digest": "Overzicht van vandaag",
    "What the daily mail to the officer says today.": "Wat de dagelijkse mail aan de functionaris vandaag meldt.",
    "Preview of": "Voorbeeld van",
    "No preview for this kind of file; download it instead.": "Geen voorbeeld voor dit soort bestand; download het.",
    "Files in the zip": "Bestanden in de zip",
    "Size": "Grootte",
    "Only the first part is shown.": "Alleen het eerste deel wordt getoond.",
    "Back to the case": "Terug naar de zaak",
    "edited": "bewerkt",
    "approved by": "goedgekeurd door",
    "automatic": "automatisch",
    "yes": "ja",
    "no": "nee",
    "The drafts were made again for the corrected rights.": "De concepten zijn opnieuw opgesteld voor de gecorrigeerde rechten.",
    "Page not found.": "Pagina niet gevonden.",
    "Something went wrong": "Er ging iets mis",
    "Your session has ended. Log in again.": "Uw sessie is verlopen. Log opnieuw in.",
}

LABELS: dict[str, tuple[str, str]] = {
    # statuses of a case
    "status.new": ("new", "nieuw"),
    "status.awaiting_identity": ("awaiting identity", "wacht op identificatie"),
    "status.awaiting_confirmation": ("awaiting confirmation", "wacht op bevestiging"),
    "status.ready_for_review": ("ready for review", "klaar voor beoordeling"),
    "status.approved": ("approved", "goedgekeurd"),
    "status.sent": ("sent", "verzonden"),
    "status.closed": ("closed", "gesloten"),
    "status.not_a_request": ("not a request", "geen verzoek"),
    # rights
    "right.access": ("access", "inzage"),
    "right.rectification": ("rectification", "rectificatie"),
    "right.erasure": ("erasure", "verwijdering"),
    "right.restriction": ("restriction", "beperking"),
    "right.portability": ("portability", "overdraagbaarheid"),
    "right.objection": ("objection", "bezwaar"),
    # identity
    "identity.known": ("known address", "bekend adres"),
    "identity.unknown": ("unknown sender", "onbekende afzender"),
    "identity.spoofed": ("possibly forged", "mogelijk vervalst"),
    "identity.verified": ("verified", "geverifieerd"),
    # outcomes
    "outcome.granted": ("granted", "toegewezen"),
    "outcome.partially_granted": ("partially granted", "deels toegewezen"),
    "outcome.refused": ("refused", "geweigerd"),
    "outcome.withdrawn": ("withdrawn", "ingetrokken"),
    "outcome.no_identity": ("no identity shown", "geen identiteit aangetoond"),
    # channels
    "channel.email": ("e-mail", "e-mail"),
    "channel.post": ("post", "post"),
    "channel.phone": ("phone", "telefoon"),
    "channel.other": ("other", "anders"),
    # drafts
    "kind.acknowledgement": ("acknowledgement", "ontvangstbevestiging"),
    "kind.identification_request": ("request to identify", "verzoek om identificatie"),
    "kind.confirmation_request": ("request to confirm", "verzoek om bevestiging"),
    "kind.reply": ("reply", "antwoord"),
    "kind.extension": ("extension notice", "verlengingsbericht"),
    "kind.refusal": ("refusal", "weigering"),
    "draft.pending": ("waiting for review", "wacht op beoordeling"),
    "draft.approved": ("approved, being sent", "goedgekeurd, wordt verzonden"),
    "draft.rejected": ("rejected", "afgewezen"),
    "draft.sent": ("sent", "verzonden"),
    "draft.failed": ("could not be delivered", "kon niet worden bezorgd"),
    # what was done (the ?done= after a form)
    "done.reclassified": ("the rights were corrected", "de rechten zijn gecorrigeerd"),
    "done.verified": (
        "the person is marked as verified",
        "de persoon is als geverifieerd gemarkeerd",
    ),
    "done.edited": ("the text was saved", "de tekst is opgeslagen"),
    "done.unchanged": ("the text was not changed", "de tekst is niet gewijzigd"),
    "done.approved": ("approved: the worker sends it", "goedgekeurd: de worker verstuurt het"),
    "done.rejected": ("the draft was rejected", "het concept is afgewezen"),
    "done.action": ("the action is marked as done", "de actie is als gedaan gemarkeerd"),
    "done.extended": (
        "extended; approve the notice below",
        "verlengd; keur het bericht hieronder goed",
    ),
    "done.refused": ("the refusal is drafted below", "de weigering staat hieronder als concept"),
    "done.closed": ("the case is closed", "de zaak is gesloten"),
    "done.reopened": ("the case is open again", "de zaak is weer open"),
    "done.retried": ("the mail was read again", "de mail is opnieuw gelezen"),
}


def translator(language: str) -> Callable[[str], str]:
    """``t`` for the templates: the text in ``language`` (English is the text itself)."""
    if language == "nl":
        return lambda text: DUTCH.get(text, text)
    return lambda text: text


def labeller(language: str) -> Callable[[str, object], str]:
    """``label(kind, code)``: a code's name, say ``label("status", "new")``."""
    index = 1 if language == "nl" else 0

    def label(kind: str, code: object) -> str:
        found = LABELS.get(f"{kind}.{code}")
        return found[index] if found else str(code)

    return label
