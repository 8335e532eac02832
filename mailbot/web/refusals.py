"""A refusal as a page shows it: what a service said when it would not do an officer's action
(``NotAllowed``, ``InvalidTransition``, ``NotFound``, a form's ``ValueError``), in the page's
language, with what to click on the page where the command line's words name an option.

The services speak English, for the command line and the logs; ``on_page`` rewrites each part
of a message it knows (``RULES``: a pattern, its English on a page, its Dutch), and leaves
what it does not know as it is. A status code in a message becomes its label. A new refusal
shown on a page gets its rule here (tests/web/test_refusals.py lists the messages checked).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mailbot.core.cases import Status
from mailbot.core.drafting import DraftStatus
from mailbot.i18n import labeller

REF = r"(?P<ref>[A-Za-z0-9][\w-]*)"
# a case's status, or a draft's
_CODES = sorted({*(status.value for status in Status), *(status.value for status in DraftStatus)})
STATUS = rf"(?P<status>{'|'.join(_CODES)})\b"


@dataclass(frozen=True, slots=True)
class Rule:
    """A part of a refusal: ``pattern``, and what a page shows for it in English (``english``;
    None: the words themselves) and in Dutch. ``{name}`` is the pattern's group; ``{status}``
    is shown as the label of a case's (or a draft's) status."""

    pattern: re.Pattern[str]
    english: str | None
    dutch: str


def _rule(pattern: str, english: str | None, dutch: str) -> Rule:
    return Rule(re.compile(pattern), english, dutch)


# The more particular first: a part is rewritten once, by the first rule that matches it.
RULES = (
    # whose action was refused
    _rule(rf"case {REF} cannot be dismissed", None, "zaak {ref} kan niet worden afgewezen"),
    _rule(rf"case {REF} cannot be reclassified", None,
          "de rechten van zaak {ref} kunnen niet worden gecorrigeerd"),
    _rule(rf"case {REF} cannot be verified", None,
          "zaak {ref} kan niet als geverifieerd worden gemarkeerd"),
    _rule(rf"a case that is {STATUS} cannot be verified",
          "a case that is {status} cannot be verified",
          "een zaak met de status ‘{status}’ kan niet als geverifieerd worden gemarkeerd"),
    _rule(rf"case {REF} cannot be closed", None, "zaak {ref} kan niet worden gesloten"),
    _rule(rf"case {REF} cannot be reopened", None, "zaak {ref} kan niet worden heropend"),
    _rule(rf"case {REF} cannot be extended", None,
          "de termijn van zaak {ref} kan niet worden verlengd"),
    _rule(rf"case {REF} cannot be refused", None, "zaak {ref} kan niet worden geweigerd"),
    _rule(rf"case {REF}: the answer cannot be recorded", None,
          "zaak {ref}: het antwoord kan niet worden vastgelegd"),
    _rule(rf"case {REF}: no answer is awaited", None,
          "zaak {ref}: er wordt geen antwoord verwacht"),
    _rule(r"draft (?P<id>\d+) cannot be approved", None,
          "concept {id} kan niet worden goedgekeurd"),
    _rule(r"draft (?P<id>\d+) cannot be rejected", None, "concept {id} kan niet worden afgewezen"),
    _rule(r"draft (?P<id>\d+) cannot be edited", None, "concept {id} kan niet worden bewerkt"),
    _rule(r"the suppression list cannot be used", None,
          "de lijst van uitsluitingen kan niet worden gebruikt"),
    _rule(rf"case {REF} has no action (?P<id>\d+)", None, "zaak {ref} heeft geen actie {id}"),
    _rule(r"no draft (?P<id>\d+)", None, "geen concept {id}"),
    _rule(rf"no case {REF}", None, "geen zaak {ref}"),
    # why: the command line's options become what to fill in or click
    _rule(r"it may be a request: say why it is none \(--note\)",
          "it may be a request: say in the note why it is none",
          "het kan een verzoek zijn: zeg in de notitie waarom het er geen is"),
    _rule(r"draft\(s\) (?P<ids>[\d, ]+) are approved and waiting to be sent; wait until they are "
          r"sent, or reject them first \(mailbot drafts reject ID --reason \.\.\.\)",
          "draft(s) {ids} are approved and waiting to be sent; wait until they are sent, or "
          "reject them first (“Reject”, under the draft)",
          "concept(en) {ids} zijn goedgekeurd en wachten op verzending; wacht tot ze verzonden "
          "zijn, of wijs ze eerst af (“Afwijzen”, onder het concept)"),
    _rule(r"a refusal needs its ground(?: \(--ground\))?",
          "a refusal needs its ground (“Refusal ground”)",
          "een weigering heeft een grond nodig (“Weigeringsgrond”)"),
    _rule(r"--send-to: (?P<value>'.*') is not an e-mail address",
          "“Send the answer to”: {value} is not an e-mail address",
          "“Antwoord sturen naar”: {value} is geen e-mailadres"),
    _rule(rf"case {REF} is awaiting_identity; verify the person first \(mailbot cases verify\)",
          "case {ref} is awaiting identity; verify the person first (“Mark as verified”)",
          "zaak {ref} wacht op identificatie; verifieer eerst de persoon (“Als geverifieerd "
          "markeren”)"),
    _rule(rf"case {REF} is awaiting_confirmation; the person has not confirmed the request yet",
          "case {ref} is awaiting confirmation; the person has not confirmed the request yet",
          "zaak {ref} wacht op bevestiging; de persoon heeft het verzoek nog niet bevestigd"),
    _rule(r"\b(?P<n>\d+) action\(s\) are still open: (?P<listed>.*?) \(record each with: mailbot "
          rf"cases done {REF} ID\)",
          "{n} action(s) are still open: {listed} (mark each as done under “Actions in the data "
          "sources”)",
          "{n} actie(s) staan nog open: {listed} (markeer elk als gedaan onder “Acties in de "
          "gegevensbronnen”)"),
    _rule(r"the text still has (?P<n>\d+) place\(s\) marked (?P<mark>\[[^:]+:) \.\.\.\]: write "
          r"them in \(edit the draft\), or give the texts in the configuration and redraft", None,
          "de tekst heeft nog {n} plek(ken) gemarkeerd met {mark} ...]: vul ze in (bewerk het "
          "concept), of geef de teksten in de configuratie en laat opnieuw opstellen"),
    _rule(r"it carries personal data to (?P<to>\S+), which is neither the address on file nor "
          r"one the officer verified", None,
          "het bevat persoonsgegevens voor {to}: dat is niet het adres in ons bestand en ook geen "
          "adres dat de functionaris heeft geverifieerd"),
    _rule(r"the first month ended on (?P<date>[\d-]+): an extension notice must be sent within "
          r"it \(Art\. 12\(3\)\); reject this draft", None,
          "de eerste maand eindigde op {date}: een verlengingsbericht moet daarbinnen worden "
          "verstuurd (art. 12 lid 3 AVG); wijs dit concept af"),
    _rule(r"the first month ended on (?P<date>[\d-]+): an extension must be announced within it "
          r"\(Art\. 12\(3\)\)", None,
          "de eerste maand eindigde op {date}: een verlenging moet daarbinnen worden "
          "aangekondigd (art. 12 lid 3 AVG)"),
    _rule(r"its personal data were purged on (?P<date>[\d-]+) \(retention\); only its register "
          r"row is left\. Make a new case instead\.", None,
          "de persoonsgegevens zijn op {date} verwijderd (bewaartermijn); alleen de regel in het "
          "register is over. Maak in plaats daarvan een nieuwe zaak."),
    _rule(r"it is already approved and waits in the outbox", None,
          "het is al goedgekeurd en wacht in de uitgaande post"),
    _rule(r"it has already been sent", None, "het is al verzonden"),
    _rule(r"it was rejected; reclassify or redraft the case instead", None,
          "het is afgewezen; corrigeer in plaats daarvan de rechten, dan volgt een nieuw concept"),
    _rule(r"the deadline has already been extended \(by the two months the law allows\)", None,
          "de termijn is al verlengd (met de twee maanden die de wet toestaat)"),
    _rule(rf"case {REF} objects to direct marketing", None,
          "zaak {ref} maakt bezwaar tegen direct marketing"),
    _rule(r"no suppression key is configured: set \[suppression\] key_file in the configuration "
          r"\(see deploy/README\.md, 'The suppression key'\)", None,
          "er is geen sleutel voor de lijst van uitsluitingen ingesteld: zet [suppression] "
          "key_file in de configuratie (zie deploy/README.md, 'The suppression key')"),
    _rule(rf"case {REF} is {STATUS}", "case {ref} is {status}",
          "zaak {ref} heeft de status ‘{status}’"),
    _rule(rf"the case is {STATUS}", "the case is {status}", "de zaak heeft de status ‘{status}’"),
    _rule(r"the case has no due date", None, "de zaak heeft geen uiterste datum"),
    _rule(r"already extended", None, "de termijn is al verlengd"),
    _rule(r"it is already closed", None, "de zaak is al gesloten"),
    _rule(r"it is being sent now", None, "het wordt nu verzonden"),
    _rule(rf"it is {STATUS}", "it is {status}", "de status is ‘{status}’"),
    _rule(r"give a reason for reopening", None, "geef een reden om te heropenen"),
    _rule(r"give the reasons", None, "geef de redenen"),
    _rule(r"give a reason", None, "geef een reden"),
    _rule(r"give a note", None, "geef een notitie"),
    _rule(r"the text is empty", None, "de tekst is leeg"),
    _rule(r"the text is over 1 MB", None, "de tekst is groter dan 1 MB"),
    _rule(r"the subject must be a single line", None, "het onderwerp moet op één regel"),
    _rule(r"the subject must be 1 to (?P<n>\d+) characters", None,
          "het onderwerp moet 1 tot {n} tekens lang zijn"),
    # closing and approving (``core.approval``: close_problems, approval_problems)
    _rule(r"'(?P<outcome>granted|partially_granted)' means the person got the answer, and none "
          r"was sent: approve and send the reply first, or record the day it was answered by "
          r"post or phone",
          "‘{outcome}’ means the person got the answer, and none was sent: approve and send the "
          "reply first, or give the day it was answered by post or phone",
          "‘{outcome}’ betekent dat de persoon het antwoord kreeg, en er is er geen verzonden: "
          "keur eerst het antwoord goed en verstuur het, of vul de dag in waarop per post of "
          "telefoon is geantwoord"),
    _rule(r"'(?P<outcome>granted|partially_granted)' means the person got the answer, and none "
          r"was sent: approve and send the reply first",
          "‘{outcome}’ means the person got the answer, and none was sent: approve and send the "
          "reply first",
          "‘{outcome}’ betekent dat de persoon het antwoord kreeg, en er is er geen verzonden: "
          "keur eerst het antwoord goed en verstuur het"),
    _rule(r"it came by e-mail: its answer goes out through mailbot, not outside it", None,
          "het kwam per e-mail: het antwoord gaat via mailbot, niet daarbuiten"),
    _rule(r"the day it was answered is in the future", None,
          "de dag van het antwoord ligt in de toekomst"),
    _rule(r"draft\(s\) (?P<listed>.+?) still wait: say what becomes of them \(reject them, or "
          r"keep them to approve after the close\)", None,
          "concept(en) {listed} wachten nog: kies wat ermee gebeurt (afwijzen, of bewaren om na "
          "het sluiten goed te keuren)"),
    _rule(r"draft\(s\) (?P<ids>[\d, ]+) answer the request and cannot go after the close: send "
          r"them first, or reject them", None,
          "concept(en) {ids} beantwoorden het verzoek en kunnen na het sluiten niet meer weg: "
          "verstuur ze eerst, of wijs ze af"),
    _rule(r"the owner of the address said the request was not theirs: close the case as "
          r"not_the_person",
          "the owner of the address said the request was not theirs: close the case as “not the "
          "person's request”",
          "de eigenaar van het adres zei dat het verzoek niet van hem of haar was: sluit de zaak "
          "als “niet het verzoek van de persoon”"),
    _rule(r"the person's identity is not established: verify it first, or refuse on the ground "
          r"identity_not_established",
          "the person's identity is not established: verify it first (“Mark as verified”), or "
          "refuse on the ground “identity not established”",
          "de identiteit van de persoon staat niet vast: verifieer die eerst (“Als geverifieerd "
          "markeren”), of weiger op de grond “identiteit niet vastgesteld”"),
    _rule(r"it changed since you confirmed it \(someone edited it\): look at it again", None,
          "het is gewijzigd sinds u het bevestigde (iemand heeft het bewerkt): bekijk het opnieuw"),
    _rule(r"it changed since you opened it \(someone edited it\): look at it again", None,
          "het is gewijzigd sinds u het opende (iemand heeft het bewerkt): bekijk het opnieuw"),
    _rule(r"'granted' means the person got what they asked for, and only a refusal was sent: "
          r"close it as refused, or partially_granted if part was granted",
          "‘granted’ means the person got what they asked for, and only a refusal was sent: "
          "close it as refused, or partially granted if part was granted",
          "‘toegewezen’ betekent dat de persoon kreeg wat hij of zij vroeg, en er is alleen een "
          "weigering verzonden: sluit de zaak als geweigerd, of deels toegewezen als een "
          "deel is toegewezen"),
    _rule(r"the request was refused because the identity was not established: nothing was "
          r"granted; close it as refused", None,
          "het verzoek is geweigerd omdat de identiteit niet vaststond: er is niets toegewezen; "
          "sluit de zaak als geweigerd"),
    _rule(r"the day it was answered is before the request was received", None,
          "de dag van het antwoord ligt vóór de ontvangst van het verzoek"),
    _rule(r"it has no recipient: the mail named no address to answer; reject it, and answer "
          r"another way if the person can be reached", None,
          "het heeft geen ontvanger: de mail noemde geen adres om op te antwoorden; wijs het af, "
          "en antwoord op een andere manier als de persoon te bereiken is"),
    _rule(r"confirm what is sent first", None, "bevestig eerst wat er wordt verstuurd"),
    _rule(r"choose what becomes of the drafts", None, "kies wat er met de concepten gebeurt"),
    _rule(r"give the day it was answered as a date", None,
          "geef de dag van het antwoord als datum"),
    # the forms' own (``web.cases``)
    _rule(r"say how the person was verified", None, "zeg hoe de persoon is geverifieerd"),
    _rule(r"choose how the person was verified", None, "kies wat er is gecontroleerd"),
    _rule(r"choose a ground", None, "kies een grond"),
    _rule(r"choose an outcome", None, "kies een uitkomst"),
    _rule(r"choose what the person says", None, "kies wat de persoon zegt"),
)  # fmt: skip


LONGEST = 2000  # characters of a refusal rewritten: a longer one is shown as it is


def on_page(message: str, language: str) -> str:
    """``message`` (a refusal's text) as a page in ``language`` shows it."""
    if len(message) > LONGEST:  # no refusal of ours is this long: a value echoed in it is
        return message
    label = labeller(language)

    def status(code: str, kind: str = "status") -> str:
        if kind == "status" and label("status", code) == code:
            kind = "draft"
        return label(kind, code)

    # (text, rewritten already): a part once rewritten is not looked at again
    parts: list[tuple[str, bool]] = [(message, False)]
    for rule in RULES:
        shown = rule.dutch if language == "nl" else rule.english
        parts = [piece for text, done in parts for piece in _apply(rule, shown, text, done, status)]
    return "".join(text for text, _ in parts)


def _apply(
    rule: Rule, shown: str | None, text: str, done: bool, status: Callable[[str, str], str]
) -> list[tuple[str, bool]]:
    if done:
        return [(text, True)]
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in rule.pattern.finditer(text):
        pieces.append((text[at : match.start()], False))
        values = match.groupdict()
        if "status" in values:
            values["status"] = status(values["status"], "status")
        if "outcome" in values:
            values["outcome"] = status(values["outcome"], "outcome")
        pieces.append((shown.format(**values) if shown is not None else match[0], True))
        at = match.end()
    pieces.append((text[at:], False))
    return [(piece, done) for piece, done in pieces if piece]
