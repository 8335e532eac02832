"""Labels and page texts in Dutch or English: the review pages, and the notes on review copies in
the officer's mail client.

Templates write English and pass it through ``t``; ``DUTCH`` holds the Dutch for
every such text (a test reads the templates and fails on any text missing here).
Codes (statuses, rights, outcomes, ...) have a label in each language in ``LABELS``, and so
have the notes in the mail client (``note.*``: texts with placeholders, read with ``texts``).
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("nl", "en")

DUTCH: dict[str, str] = {
    "mailbot: privacy requests": "mailbot: privacyverzoeken",
    "Skip to the content": "Naar de inhoud",
    "it goes into the letter: write it in": "dit komt in de brief: schrijf het in het",
    "Choose one": "Kies er een",
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
    "not the person's request": "niet het verzoek van de persoon",
    "an answer to read": "antwoord om te lezen",
    "urgent": "urgent",
    "to decide": "te beslissen",
    "Urgent": "Urgent",
    "If it is a data breach, notify the AP by": "Als het een datalek is: meld het bij de AP uiterlijk op",
    "Earlier case": "Eerdere zaak",
    "Also": "Ook",
    "signal": "signaal",
    "Use “Correct the rights” below: tick the rights it asks for, or none to dismiss it, with a note why.": "Gebruik hieronder “Rechten corrigeren”: vink de gevraagde rechten aan, of geen om het af te "
    "wijzen, met een notitie waarom.",
    "Why (for the trail; needed to dismiss)": "Waarom (voor het logboek; nodig om af te wijzen)",
    # what to do about a case's topics (core.classification.topics.ADVICE and DECIDE)
    "Decide whether this mail is a request: reclassify it with its rights, or dismiss it with a note why. Its clock runs from receipt.": "Beslis of deze mail een verzoek is: geef de rechten aan, of wijs hem af met een notitie "
    "waarom. De termijn loopt vanaf ontvangst.",
    "Consent withdrawn: stop that processing at once (Art. 7(3)); handled as an objection.": "Toestemming ingetrokken: stop die verwerking meteen (art. 7 lid 3 AVG); behandeld als "
    "bezwaar.",
    "Possible data breach: assess it now; if it is one, notify the AP within 72 hours of receipt (Art. 33) and record it in the breach register.": "Mogelijk datalek: beoordeel het nu; is het er een, meld het dan binnen 72 uur na ontvangst "
    "bij de AP (art. 33 AVG) en neem het op in het datalekregister.",
    "Complaint about an answer or a late answer: look at the earlier case and answer the complaint itself.": "Klacht over een antwoord of een te laat antwoord: bekijk de eerdere zaak en beantwoord de "
    "klacht zelf.",
    "Letter from a supervisory authority: urgent; answer within the term it sets.": "Brief van een toezichthouder: urgent; antwoord binnen de termijn die hij stelt.",
    "Written for someone else: check the mandate (parental authority, a signed authorisation, the privacy service's mandate) before any data goes out.": "Geschreven voor iemand anders: controleer de machtiging (ouderlijk gezag, een ondertekende "
    "machtiging, het mandaat van de privacydienst) voordat er gegevens uitgaan.",
    "About someone who died: the GDPR does not apply (recital 27); decide how to help; never ask the deceased for a signed authorisation.": "Over iemand die is overleden: de AVG geldt niet (overweging 27); beslis hoe u helpt; vraag "
    "nooit om een machtiging van de overledene.",
    "A school about its pupils: the school is the controller; assist it (Art. 28(3)(e)) and answer the school, not the pupils.": "Een school over haar leerlingen: de school is verwerkingsverantwoordelijke; help haar "
    "(art. 28 lid 3 onder e AVG) en antwoord de school, niet de leerlingen.",
    "Written in another language: have it read, then reclassify or dismiss it.": "Geschreven in een andere taal: laat hem lezen, en geef dan de rechten aan of wijs hem af.",
    "The person says this request was not theirs": "De persoon zegt dat dit verzoek niet van hem of haar is",
    "On": "Op",
    "the owner of the address answered that they did not send it. Nothing more is drafted; what was waiting was withdrawn. Close the case as “not the person's request”.": "antwoordde de eigenaar van het adres dat hij of zij het niet stuurde. Er wordt niets meer opgesteld; wat klaarstond is ingetrokken. Sluit de zaak als “niet het verzoek van de persoon”.",
    "Close: not the person's request": "Sluiten: niet het verzoek van de persoon",
    "An answer for you to read": "Een antwoord om te lezen",
    "mailbot did not take this answer as the person's yes or no:": "mailbot nam dit antwoord niet als ja of nee van de persoon:",
    "It is mail": "Het is mail",
    "in the correspondence below.": "in de correspondentie hieronder.",
    "What does the person say?": "Wat zegt de persoon?",
    "Yes: the request is theirs; go on": "Ja: het verzoek is van hem of haar; ga door",
    "No: it was not them; stop": "Nee: het was iemand anders; stop",
    "Unclear: keep waiting": "Onduidelijk: blijf wachten",
    "Why (for the trail)": "Waarom (voor het dossier)",
    "Record the answer": "Antwoord vastleggen",
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
    "Register": "Register",
    "Register of handled requests": "Register van afgehandelde verzoeken",
    "The facts of each request, without names, addresses or mail text; the register stays when a case's personal data are purged.": "De feiten van elk verzoek, zonder namen, adressen of tekst uit mails; het register blijft als de persoonsgegevens van een zaak zijn verwijderd.",
    "Received from": "Ontvangen van",
    "to": "tot en met",
    "Requests and answers": "Verzoeken en antwoorden",
    "All requests": "Alle verzoeken",
    "Received in": "Ontvangen in",
    "Answered within one month: by the first deadline; within three months: by the extended deadline. A request for several rights counts under each of them.": "Binnen een maand beantwoord: voor de eerste termijn; binnen drie maanden: voor de verlengde termijn. Een verzoek om meerdere rechten telt bij elk daarvan mee.",
    "Download the register": "Register downloaden",
    "The personal data of this case were purged on": "De persoonsgegevens van deze zaak zijn verwijderd op",
    "only its register row is left.": "alleen de regel in het register is over.",
    "Refusal ground": "Weigeringsgrond",
    "Purged (retention).": "Verwijderd (bewaartermijn).",
    "Mailbox": "Mailbox",
    "All mailboxes": "Alle mailboxen",
    "Direct marketing": "Direct marketing",
    "The person objects to direct marketing: approving the reply puts the verified address on the suppression list.": "De persoon maakt bezwaar tegen direct marketing: met het goedkeuren van het antwoord komt het geverifieerde adres op de lijst van uitsluitingen.",
    "What was checked": "Wat is gecontroleerd",
    "Ground (for the register)": "Grond (voor het register)",
    "Refusal ground (when refused)": "Weigeringsgrond (bij weigering)",
    # the Today list and the digest (mailbot.core.today, mailbot.core.digest)
    "Today": "Vandaag",
    "For you": "Voor u",
    "Waiting for the person": "Wacht op de persoon",
    "mailbot is on it": "mailbot is ermee bezig",
    "nothing waits": "er wacht niets",
    "due": "uiterlijk",
    "Open": "Openen",
    "Privacy requests at {organisation}, {day}": "Privacyverzoeken bij {organisation}, {day}",
    "Everything on one page": "Alles op één pagina",
    "Open the review pages (mailbot web) to act on these.": "Open de beoordelingspagina's (mailbot web) om hiermee aan de slag te gaan.",
    "Possible data breach: if it is one, notify the AP by {by}.": "Mogelijk datalek: als het er een is, meld het dan uiterlijk {by} bij de AP.",
    "Possible data breach: assess it today.": "Mogelijk datalek: beoordeel het vandaag.",
    "A letter from a supervisory authority: read it today and answer in time.": "Een brief van een toezichthouder: lees hem vandaag en antwoord op tijd.",
    "The person says the request was not theirs: close the case.": "De persoon zegt dat het verzoek niet van hem of haar is: sluit de zaak.",
    "Read the person's answer: mailbot left it to you.": "Lees het antwoord van de persoon: mailbot laat het aan u over.",
    "Decide whether this mail is a request, and which rights.": "Beslis of deze mail een verzoek is, en om welke rechten het gaat.",
    "The {kind} (draft {draft}) could not be sent: {error}. Approve it again or change it.": "Concept {draft} ({kind}) kon niet worden verzonden: {error}. Keur het opnieuw goed of pas het aan.",
    "Carry out {count} action(s) in the data sources, then approve the {kind} (draft {draft}).": "Voer {count} actie(s) uit in de gegevensbronnen en keur daarna concept {draft} ({kind}) goed.",
    "Check and approve the {kind} (draft {draft}).": "Controleer concept {draft} ({kind}) en keur het goed.",
    "Check the rights first: mailbot is not sure what this mail asks.": "Controleer eerst de rechten: mailbot weet niet zeker wat deze mail vraagt.",
    "The sender may be forged: check, then approve the {kind} (draft {draft}).": "De afzender is mogelijk vervalst: controleer en keur daarna concept {draft} ({kind}) goed.",
    "Waiting for the person to prove who they are.": "Wacht tot de persoon aantoont wie hij of zij is.",
    "Waiting for the person to confirm the request.": "Wacht tot de persoon het verzoek bevestigt.",
    "Waiting {days} day(s) for the person to prove who they are (asked on {asked}).": "Wacht al {days} dag(en) tot de persoon aantoont wie hij of zij is (gevraagd op {asked}).",
    "Waiting {days} day(s) for the person to confirm the request (asked on {asked}).": "Wacht al {days} dag(en) tot de persoon het verzoek bevestigt (gevraagd op {asked}).",
    "The answer was sent on {day}: close the case with its outcome.": "Het antwoord is verzonden op {day}: sluit de zaak met de uitkomst.",
    "Approved: mailbot sends it shortly.": "Goedgekeurd: mailbot verstuurt het zo.",
    "mailbot is drafting the letters.": "mailbot stelt de brieven op.",
    "Nothing waits.": "Er wacht niets.",
    "And {count} more: the case list has them all": "En nog {count}: de lijst met zaken heeft ze allemaal",
    "mailbot took this mail for no request, but is not sure: check it, and make it a request if it is one.": "mailbot hield deze mail voor geen verzoek, maar is niet zeker: controleer hem, en maak er een verzoek van als het er een is.",
    "{count} approved mail(s) cannot leave: no SMTP server is configured ([smtp] in the configuration; ask the administrator).": "{count} goedgekeurde mail(s) kunnen niet weg: er is geen SMTP-server ingesteld ([smtp] in de configuratie; vraag het de beheerder).",
    "Mail {mail} of {day} could not be read ({reason}): look at it, make a case of it, or dismiss it.": "Mail {mail} van {day} kon niet worden gelezen ({reason}): bekijk hem, maak er een zaak van, of leg hem terzijde.",
    # the case page in three parts, the draft page and its confirmation step
    "'Granted' and 'partially granted' only once the answer was sent.": "'Toegewezen' en 'deels toegewezen' pas als het antwoord is verzonden.",
    "Answered by post or phone on (for 'granted': the day you answered)": "Per post of telefoon beantwoord op (voor 'toegewezen': de dag van uw antwoord)",
    "Approve again…": "Opnieuw goedkeuren…",
    "Approve…": "Goedkeuren…",
    "Back to the draft": "Terug naar het concept",
    "Check the rights against the mail before you approve anything.": "Controleer de rechten aan de hand van de mail voordat u iets goedkeurt.",
    "Confirm": "Bevestigen",
    "Decide": "Beslissen",
    "Decide on the case": "Beslissen over de zaak",
    "Drafts not approved yet": "Concepten die nog niet zijn goedgekeurd",
    "Groups": "Groepen",
    "Keep them, to approve after the close (not the reply or refusal)": "Bewaren, om na het sluiten goed te keuren (niet het antwoord of de weigering)",
    "Not yet: back to the draft": "Nog niet: terug naar het concept",
    "Open actions": "Openstaande acties",
    "Parts of the case": "Onderdelen van de zaak",
    "Read": "Lezen",
    "Reject them: nothing more is sent": "Afwijzen: er wordt niets meer verstuurd",
    "Send this?": "Dit versturen?",
    "The sender may be forged": "De afzender is mogelijk vervalst",
    "This cannot be sent yet": "Dit kan nog niet worden verstuurd",
    "This mail claims an address on file, but our mail server could not confirm it came from there. mailbot asks the address on file whether the request is theirs; nothing about the person goes to the sender.": "Deze mail noemt een bekend adres als afzender, maar onze mailserver kon niet bevestigen dat hij daarvandaan kwam. mailbot vraagt het bekende adres of het verzoek van hen is; niets over de persoon gaat naar de afzender.",
    "What happens next": "Wat er nu gebeurt",
    "attachment(s)": "bijlage(n)",
    "in the correspondence": "in de correspondentie",
    "mailbot is not sure what this mail asks": "mailbot weet niet zeker wat deze mail vraagt",
    "none": "geen",
    "tick the rights it asks for, or none to dismiss it, with a note why.": "vink de rechten aan waar het om vraagt, of geen om het af te wijzen, met een notitie waarom.",
    # the quarantine: a mail shown safely, and the officer's answers to it
    "View each one safely as text, then try it again, make a case of it, or dismiss it with a reason.": "Bekijk elke mail veilig als tekst; probeer hem daarna opnieuw, maak er een zaak van, of leg hem met een reden terzijde.",
    "View mail": "Mail bekijken",
    "(no subject)": "(geen onderwerp)",
    "(no name)": "(geen naam)",
    "Back to the quarantine": "Terug naar de quarantaine",
    "This mail is no longer in quarantine": "Deze mail staat niet meer in quarantaine",
    "case": "zaak",
    "Dismissed by": "Terzijde gelegd door",
    "Why it is here": "Waarom de mail hier staat",
    "The mail, as text": "De mail, als tekst",
    "Shown as text only: no HTML is rendered, no image is loaded, no attachment is opened.": "Alleen als tekst getoond: er wordt geen HTML weergegeven, geen afbeelding geladen en geen bijlage geopend.",
    "Date": "Datum",
    "Not everything could be read:": "Niet alles kon worden gelezen:",
    "No text could be read.": "Er kon geen tekst worden gelezen.",
    "Listed only; none is opened.": "Alleen opgesomd; geen ervan wordt geopend.",
    "Name": "Naam",
    "Type": "Soort",
    "None.": "Geen.",
    "mailbot never read this mail: it was larger than the limit (intake.max_mail_bytes). Read it in the mailbox, or raise the limit and try again.": "mailbot heeft deze mail nooit gelezen: hij was groter dan de grens (intake.max_mail_bytes). Lees hem in de mailbox, of verhoog de grens en probeer het opnieuw.",
    "What to do with it": "Wat ermee te doen",
    "After an update of mailbot or a raised limit: mailbot reads the mail again and makes of it what it would have made.": "Na een update van mailbot of een verhoogde grens: mailbot leest de mail opnieuw en maakt ervan wat het er anders van had gemaakt.",
    "Make a case": "Zaak maken",
    "It is a request: it becomes a case, its deadline counted from its arrival. On the case page you then tick the rights it asks for.": "Het is een verzoek: de mail wordt een zaak, met de termijn gerekend vanaf binnenkomst. Op de pagina van de zaak vinkt u daarna de gevraagde rechten aan.",
    "Dismiss": "Terzijde leggen",
    "Why it is no request (kept with the mail)": "Waarom het geen verzoek is (wordt bij de mail bewaard)",
    # the case list: filters and pages (issue 23)
    "Open cases and possibly missed requests": "Open zaken en mogelijk gemiste verzoeken",
    "All rights": "Alle rechten",
    "Needs my decision": "Wacht op mijn beslissing",
    "Overdue": "Te laat",
    "Clear the filters": "Filters wissen",
    "Cases {first}–{last} of {total}": "Zaken {first}–{last} van {total}",
    "possibly a request: check": "mogelijk toch een verzoek: controleer",
    "drafts for you to review": "concepten voor u om te beoordelen",
    "Pages of the list": "Pagina's van de lijst",
    "Previous page": "Vorige pagina",
    "Next page": "Volgende pagina",
    "Page {number} of {pages}": "Pagina {number} van {pages}",
    "Which requests": "Welke verzoeken",
    "The table is wider than the screen: swipe it sideways to see every column.": "De tabel is breder dan het scherm: veeg hem opzij om alle kolommen te zien.",
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
    # what else a mail is (core.classification.topics)
    "kind.school_assistance": ("assisting the school", "hulp aan de school"),
    # Why a phrase of the evidence counted for less, or for nothing (the classifier's notes).
    "evidence_note.negated": ("negated", "ontkend"),
    "evidence_note.in an 'if you ...' clause": (
        "in an 'if you ...' clause", "in een 'als u ...'-bijzin",
    ),
    "evidence_note.tells the reader their rights": (
        "tells the reader their rights", "noemt de lezer zijn rechten",
    ),
    "evidence_note.what the writer did": ("what the writer did", "wat de schrijver zelf deed"),
    "evidence_note.what is to be deleted": ("what is to be deleted", "wat verwijderd moet worden"),
    "evidence_note.a notice repeated": ("a notice repeated", "een aangekondigde stap herhaald"),
    "evidence_note.what the writer would do": (
        "what the writer would do", "wat de schrijver zelf zou doen",
    ),
    "evidence_note.announced for later": ("announced for later", "voor later aangekondigd"),
    "evidence_note.asks to confirm an action": (
        "asks to confirm an action", "vraagt een bevestiging van een stap",
    ),
    "evidence_note.what the writer is to send": (
        "what the writer is to send", "wat de schrijver moet opsturen",
    ),
    "evidence_note.what the writer receives": (
        "what the writer receives", "wat de schrijver ontvangt",
    ),
    "evidence_note.what the writer offers to send": (
        "what the writer offers to send", "wat de schrijver aanbiedt op te sturen",
    ),
    "evidence_note.about a web address": ("about a web address", "over een webadres"),
    "evidence_note.where to send the answer": (
        "where to send the answer", "waar het antwoord heen moet",
    ),
    "evidence_note.until then: a restriction": (
        "until then: a restriction", "tot dan: een beperking",
    ),
    "evidence_note.how to reach the person": (
        "how to reach the person", "hoe de persoon te bereiken is",
    ),
    "evidence_note.about contacting others": (
        "about contacting others", "over contact met anderen",
    ),
    "evidence_note.a wrong note removed: a correction": (
        "a wrong note removed: a correction", "een foute aantekening weg: een correctie",
    ),
    "evidence_note.a mail footer's disclaimer": (
        "a mail footer's disclaimer", "disclaimer onder een e-mail",
    ),
    "evidence_note.a right was asked for, not clearly enough": (
        "a right was asked for, not clearly enough", "een recht gevraagd, niet duidelijk genoeg",
    ),
    "evidence_note.about the person's data, privacy, consent, contact or marketing": (
        "about the person's data, privacy, consent, contact or marketing",
        "over de gegevens, privacy, toestemming, benadering of marketing van de persoon",
    ),
    # An attached letter that could not be read (mailbot.documents).
    "evidence_note.image": ("a picture: no text to read", "een afbeelding: geen tekst te lezen"),
    "evidence_note.no_text": ("no text layer (a scan?)", "geen tekstlaag (een scan?)"),
    "evidence_note.encrypted": ("encrypted", "versleuteld"),
    "evidence_note.unreadable": ("damaged or unreadable", "beschadigd of onleesbaar"),
    "evidence_note.too_large": ("too large to read", "te groot om te lezen"),
    "topic.consent_withdrawal": ("consent withdrawn", "toestemming ingetrokken"),
    "topic.data_breach": ("possible data breach", "mogelijk datalek"),
    "topic.complaint": ("complaint", "klacht"),
    "topic.supervisory_authority": ("supervisory authority", "toezichthouder"),
    "topic.on_behalf": ("for someone else", "namens iemand anders"),
    "topic.deceased": ("about someone who died", "over een overledene"),
    "topic.school": ("a school about its pupils", "een school over haar leerlingen"),
    "topic.other_language": ("another language", "andere taal"),
    # the language of a letter
    "language.nl": ("Dutch", "Nederlands"),
    "language.en": ("English", "Engels"),
    "language.de": ("German", "Duits"),
    "language.fr": ("French", "Frans"),
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
    "outcome.not_the_person": ("not the person's request", "niet het verzoek van de persoon"),
    # the register's counts
    "tally.received": ("received", "ontvangen"),
    "tally.answered": ("answered", "beantwoord"),
    "tally.within_one_month": ("within 1 month", "binnen 1 maand"),
    "tally.within_three_months": ("within 3 months", "binnen 3 maanden"),
    "tally.late": ("late", "te laat"),
    "tally.open": ("open", "open"),
    "tally.overdue": ("overdue", "termijn verstreken"),
    "tally.extended": ("extended", "verlengd"),
    "tally.refused": ("refused", "geweigerd"),
    "tally.not_the_person": ("not the person's", "niet van de persoon"),
    # why a deadline was extended, why a request was refused, how a person was verified
    "extension.complexity": ("complexity", "complexiteit"),
    "extension.number_of_requests": ("number of requests", "aantal verzoeken"),
    "extension.complexity_and_number": (
        "complexity and number of requests",
        "complexiteit en aantal verzoeken",
    ),
    "ground.manifestly_unfounded": (
        "manifestly unfounded (Art. 12(5))",
        "kennelijk ongegrond (art. 12 lid 5)",
    ),
    "ground.excessive": ("excessive (Art. 12(5))", "buitensporig (art. 12 lid 5)"),
    "ground.identity_not_established": (
        "identity not established (Art. 12(2))",
        "identiteit niet vastgesteld (art. 12 lid 2)",
    ),
    "ground.rights_of_others": (
        "rights of others (Art. 15(4))",
        "rechten van anderen (art. 15 lid 4)",
    ),
    "ground.legal_obligation": (
        "legal obligation (Art. 17(3)(b))",
        "wettelijke plicht (art. 17 lid 3 sub b)",
    ),
    "ground.legal_claims": (
        "legal claims (Art. 17(3)(e))",
        "rechtsvordering (art. 17 lid 3 sub e)",
    ),
    "ground.compelling_grounds": (
        "compelling legitimate grounds (Art. 21(1))",
        "dwingende gerechtvaardigde gronden (art. 21 lid 1)",
    ),
    "ground.statutory_exception": (
        "statutory exception (Art. 23 GDPR, Art. 41 UAVG)",
        "wettelijke uitzondering (art. 23 AVG, art. 41 UAVG)",
    ),
    "ground.other": ("other", "anders"),
    "check.id": ("an ID document", "een identiteitsbewijs"),
    "check.details": (
        "details on file (customer number, address)",
        "bekende gegevens (klantnummer, adres)",
    ),
    "check.other": (
        "otherwise (in person, authority of a representative)",
        "anders (persoonlijk, machtiging)",
    ),
    # channels
    "channel.email": ("e-mail", "e-mail"),
    "channel.post": ("post", "post"),
    "channel.phone": ("phone", "telefoon"),
    "channel.other": ("other", "anders"),
    # drafts
    "kind.acknowledgement": ("acknowledgement", "ontvangstbevestiging"),
    "kind.identification_request": ("request to identify", "verzoek om identificatie"),
    "kind.confirmation_request": ("request to confirm", "verzoek om bevestiging"),
    "kind.sender_check": ("sender check", "controle bij de afzender"),
    "kind.reply": ("reply", "antwoord"),
    "kind.extension": ("extension notice", "verlengingsbericht"),
    "kind.refusal": ("refusal", "weigering"),
    "kind.reminder": ("reminder", "herinnering"),
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
    "done.approved": ("approved: mailbot sends it", "goedgekeurd: mailbot verstuurt het"),
    "done.rejected": ("the draft was rejected", "het concept is afgewezen"),
    "done.action": ("the action is marked as done", "de actie is als gedaan gemarkeerd"),
    "done.extended": (
        "extended; approve the notice below",
        "verlengd; keur het bericht hieronder goed",
    ),
    "done.refused": ("the refusal is drafted below", "de weigering staat hieronder als concept"),
    "done.closed": ("the case is closed", "de zaak is gesloten"),
    "done.answered": ("the answer is recorded", "het antwoord is vastgelegd"),
    "done.reopened": ("the case is open again", "de zaak is weer open"),
    "done.retried": ("the mail was read again", "de mail is opnieuw gelezen"),
    "done.opened": (
        "the mail is a case now: tick the rights it asks for",
        "de mail is nu een zaak: vink de gevraagde rechten aan",
    ),
    "done.dismissed": (
        "the mail was dismissed; the reason is kept",
        "de mail is terzijde gelegd; de reden is bewaard",
    ),
    # what became of a mail (its disposition)
    "mail.new_case": ("it made a new case", "er is een nieuwe zaak van gemaakt"),
    "mail.follow_up": ("it joined its case", "hij hoort bij een bestaande zaak"),
    "mail.not_a_request": ("no request", "geen verzoek"),
    "mail.duplicate": ("the same mail again", "dezelfde mail nogmaals"),
    "mail.ignored": ("machine mail, ignored", "automatische mail, genegeerd"),
    "mail.quarantined": ("quarantined", "in quarantaine"),
    "mail.dismissed": ("dismissed by the officer", "terzijde gelegd door de functionaris"),
    # the notes beside the copies in the officer's mail client (texts with placeholders)
    "note.review.subject": ("[{reference}] To review: {kind} (draft {draft})",
                            "[{reference}] Te beoordelen: {kind} (concept {draft})"),
    "note.review.intro": ("Draft {draft} of case {reference} waits for your review. The mail beside "
                          "this note is exactly what {to} will receive.",
                          "Concept {draft} van zaak {reference} wacht op uw beoordeling. Het bericht "
                          "naast deze notitie is precies wat {to} zal ontvangen."),
    "note.kind": ("Kind", "Soort"),
    "note.to": ("To", "Aan"),
    "note.on_file": ("the address on file", "het adres in ons bestand"),
    "note.not_on_file": ("NOT the address on file: personal data may not go there",
                         "NIET het adres in ons bestand: persoonsgegevens mogen daar niet heen"),
    "note.rights": ("Rights", "Rechten"),
    "note.identity": ("Identity", "Identiteit"),
    "note.due": ("Due", "Uiterste datum"),
    "note.days_left": ("{days} days left", "nog {days} dagen"),
    "note.overdue": ("{days} days overdue", "{days} dagen te laat"),
    "note.today": ("today", "vandaag"),
    "note.evidence": ("Why mailbot read these rights", "Waarom mailbot deze rechten las"),
    "note.why": ("Why this draft", "Waarom dit concept"),
    "note.notes": ("Check before approving", "Controleer voor goedkeuring"),
    "note.actions": ("Open actions (approval waits for them; mark them done in the web interface)",
                     "Open acties (goedkeuring wacht hierop; markeer ze als gedaan in de webinterface)"),
    "note.attachments": ("Attachments", "Bijlagen"),
    "note.how": ("To send it unchanged, move the mail to the folder \"{approve}\". To drop it, move "
                 "it to \"{reject}\". mailbot then moves it, with this note, to \"{done}\".\n"
                 "To change the text, edit the draft in the web interface (a new copy follows here), "
                 "or send it yourself from your mail client{drafts}: mailbot recognises it in your "
                 "Sent folder.",
                 "Ongewijzigd versturen: verplaats het bericht naar de map \"{approve}\". Afwijzen: "
                 "verplaats het naar \"{reject}\". mailbot zet het daarna, met deze notitie, in "
                 "\"{done}\".\nDe tekst aanpassen: bewerk het concept in de webinterface (er komt "
                 "dan een nieuwe kopie), of verstuur het zelf vanuit uw mailprogramma{drafts}: "
                 "mailbot herkent het in uw map Verzonden."),
    "note.drafts": (" (it is in your Drafts folder too)", " (het staat ook in uw map Concepten)"),
    "note.told.subject": ("[{reference}] {what}", "[{reference}] {what}"),
    "note.not_sent": ("Not sent", "Niet verstuurd"),
    "note.not_rejected.what": ("Not rejected", "Niet afgewezen"),
    "note.changed": ("The copy of draft {draft} you moved to \"{folder}\" was changed, so it was not "
                     "sent: mailbot sends only the stored draft. Edit the draft in the web interface, "
                     "or send your version yourself from your mail client. The copy is back in "
                     "\"{back}\".",
                     "De kopie van concept {draft} die u naar \"{folder}\" verplaatste was gewijzigd; "
                     "daarom is die niet verstuurd: mailbot verstuurt alleen het opgeslagen concept. "
                     "Bewerk het concept in de webinterface, of verstuur uw versie zelf vanuit uw "
                     "mailprogramma. De kopie staat weer in \"{back}\"."),
    "note.outdated": ("The copy of draft {draft} you moved to \"{folder}\" is an older version: the "
                      "draft was changed after it was placed, so nothing was sent. The current "
                      "version is in \"{back}\".",
                      "De kopie van concept {draft} die u naar \"{folder}\" verplaatste is een oudere "
                      "versie: het concept is daarna gewijzigd; er is niets verstuurd. De huidige "
                      "versie staat in \"{back}\"."),
    "note.refused": ("Draft {draft} could not be approved:\n{problems}\nThe copy is back in "
                     "\"{back}\".",
                     "Concept {draft} kon niet worden goedgekeurd:\n{problems}\nDe kopie staat weer "
                     "in \"{back}\"."),
    "note.not_rejected": ("Draft {draft} could not be rejected: {problems}",
                          "Concept {draft} kon niet worden afgewezen: {problems}"),
    "note.ignored.subject": ("Ignored: a mail in \"{folder}\" that mailbot did not sign",
                             "Genegeerd: een bericht in \"{folder}\" dat mailbot niet ondertekende"),
    "note.ignored": ("A mail was moved to \"{folder}\" (subject: {subject}) that is not a copy "
                     "mailbot placed{why}. Nothing was sent or rejected. It is now in \"{done}\".",
                     "Er is een bericht naar \"{folder}\" verplaatst (onderwerp: {subject}) dat geen "
                     "kopie van mailbot is{why}. Er is niets verstuurd of afgewezen. Het staat nu in "
                     "\"{done}\"."),
    "note.bad_signature": (": its signature is wrong", ": de handtekening klopt niet"),
    "note.warning": ("Check what you sent", "Controleer wat u verstuurde"),
    "note.sent_intro": ("You sent draft {draft} of case {reference} yourself; mailbot recorded the "
                        "text you sent. Please check:",
                        "U heeft concept {draft} van zaak {reference} zelf verstuurd; mailbot heeft de "
                        "verstuurde tekst vastgelegd. Controleer:"),
    "note.not_settled_intro": ("You sent a mail in case {reference} yourself; mailbot did NOT record "
                               "it as draft {draft}, which still waits:",
                               "U heeft zelf een bericht in zaak {reference} verstuurd; mailbot heeft "
                               "het NIET vastgelegd als concept {draft}, dat nog wacht:"),
    "note.no_reference": ("- its subject does not carry the reference [{reference}]",
                          "- het onderwerp bevat het kenmerk [{reference}] niet"),
    "note.recipient_not_on_file": ("- it went to {sent_to}, which is not the address on file "
                                   "({to}); personal data may go only to that address",
                                   "- het ging naar {sent_to}, niet het adres in ons bestand ({to}); "
                                   "persoonsgegevens mogen alleen naar dat adres"),
    "note.recipient_changed": ("- it went to {sent_to}, not to {to} as drafted",
                               "- het ging naar {sent_to}, niet naar {to} zoals in het concept"),
    "note.attachment_dropped": ("- these attachments were not in it: {dropped}",
                                "- deze bijlagen zaten er niet bij: {dropped}"),
}  # fmt: skip


def translator(language: str) -> Callable[[str], str]:
    """``t`` for the templates: the text in ``language`` (English is the text itself)."""
    if language == "nl":
        return lambda text: DUTCH.get(text, text)
    return lambda text: text


def number(value: int, language: str) -> str:
    """``1921`` as the language writes it: ``1.921`` in Dutch, ``1,921`` in English."""
    written = f"{value:,}"
    return written.replace(",", ".") if language == "nl" else written


def labeller(language: str) -> Callable[[str, object], str]:
    """``label(kind, code)``: a code's name, say ``label("status", "new")``."""
    index = 1 if language == "nl" else 0

    def label(kind: str, code: object) -> str:
        found = LABELS.get(f"{kind}.{code}")
        return found[index] if found else str(code)

    return label


def texts(language: str) -> Callable[..., str]:
    """``t(key, **values)``: a note's text (``note.<key>`` in ``LABELS``) with its placeholders
    filled in. A key that is not there is a mistake in the code: it raises ``KeyError``."""
    index = 1 if language == "nl" else 0

    def t(key: str, **values: object) -> str:
        return LABELS[f"note.{key}"][index].format(**values)

    return t
