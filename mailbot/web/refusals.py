"""A refusal as a page shows it: what a service said when it would not do an officer's action
(``NotAllowed``, ``InvalidTransition``, ``NotFound``, a form's ``ValueError``), in the page's
language, with what to click on the page where the command line's words name an option.

The services speak English, for the command line and the logs; ``on_page`` rewrites each part
of a message it knows (``RULES``: a pattern, its English on a page, its Dutch), and leaves
what it does not know as it is. A status code in a message becomes its label. A new refusal
shown on a page gets its rule here (tests/web/test_refusals.py lists the messages checked).

The engine is the pages' for all of mailbot's own English (``web.shown`` holds the other texts'
rules): what a rule quotes is shown as it is, marked as a quote; a text over ``LONGEST``
characters is shown as it is.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from mailbot.core.cases import Status
from mailbot.core.drafting import DraftStatus
from mailbot.i18n import labeller

REF = r"(?P<ref>[A-Za-z0-9][\w-]*)"
# a case's status, or a draft's
_CODES = sorted({*(status.value for status in Status), *(status.value for status in DraftStatus)})
STATUS = rf"(?P<status>{'|'.join(_CODES)})\b"


LONGEST = 2000  # characters of a text rewritten: a longer one is shown as it is
QUOTE = Markup('<span class="quoted" lang="en">{}</span>')
# groups shown as a code's label: the group's name, or the label kind it is read with
LABELLED = {"status": "status", "outcome": "outcome", "kind": "kind", "right": "right",
            "said": "said", "told": "told", "asked": "kind"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rule:
    """A part of a text: ``pattern``, and what a page shows for it in English (``english``;
    None: the words themselves) and in Dutch. ``{name}`` is the pattern's group: a group in
    ``LABELLED`` is shown as its code's label, a group in ``quoted`` as a quote, a group in
    ``nested`` is rewritten by the same rules (it is one of our texts inside another)."""

    pattern: re.Pattern[str]
    english: str | None
    dutch: str
    quoted: frozenset[str] = frozenset()
    nested: frozenset[str] = frozenset()


def rule(
    pattern: str,
    english: str | None,
    dutch: str,
    *,
    quoted: Iterable[str] = (),
    nested: Iterable[str] = (),
) -> Rule:
    return Rule(re.compile(pattern), english, dutch, frozenset(quoted), frozenset(nested))


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of a text as shown; ``quoted``: a quote, shown as it is and marked as one."""

    text: str
    quoted: bool = False
    done: bool = field(default=False, compare=False)  # rewritten: not looked at again


Label = Callable[[str, object], str]


@dataclass(frozen=True, slots=True)
class _Pass:
    """One text's rewriting: its language, its rules, and the labels of codes."""

    language: str
    rules: Sequence[Rule]
    label: Label


def pieces(text: str, language: str, rules: Sequence[Rule]) -> list[Piece]:
    """``text`` in ``language``, in pieces: each part a rule knows rewritten, once, by the
    first rule that matches it (the more particular rules come first)."""
    if len(text) > LONGEST:
        return [Piece(text)]
    run = _Pass(language, rules, labeller(language))
    parts = [Piece(text)]
    for each in rules:
        parts = [piece for part in parts for piece in _apply(each, part, run)]
    return [piece for piece in parts if piece.text]


def on_page(text: str, language: str, rules: Sequence[Rule] | None = None) -> str:
    """``text`` (by default a refusal) as a page in ``language`` shows it, as plain text."""
    return "".join(
        piece.text for piece in pieces(text, language, RULES if rules is None else rules)
    )


def as_html(text: str, language: str, rules: Sequence[Rule]) -> Markup:
    """``text`` as a page in ``language`` shows it: escaped, its quotes marked as such."""
    return Markup("").join(
        QUOTE.format(piece.text) if piece.quoted else escape(piece.text)
        for piece in pieces(text, language, rules)
    )


def label_of(label: Label, group: str, code: str) -> str:
    """The label of ``code`` read in group ``group`` (a status is a case's, or a draft's)."""
    kind = LABELLED[group]
    if kind == "status" and label("status", code) == code:
        kind = "draft"
    found = label(kind, code)
    return found if found != code else label(kind, code.replace(" ", "_"))


def _apply(each: Rule, part: Piece, run: _Pass) -> list[Piece]:
    if part.done or part.quoted:
        return [part]
    shown = each.dutch if run.language == "nl" else each.english
    found: list[Piece] = []
    at = 0
    for match in each.pattern.finditer(part.text):
        found.append(Piece(part.text[at : match.start()]))
        found.extend(_filled(each, shown, match, run) if shown else _kept(each, match, run))
        at = match.end()
    found.append(Piece(part.text[at:]))
    return found


def _group(each: Rule, name: str, value: str, run: _Pass) -> list[Piece]:
    """A group's value as shown: a quote, one of our texts, a code's label, or as it is."""
    if name in each.quoted:
        return [Piece(value, quoted=True, done=True)]
    if name in each.nested:
        return [Piece(p.text, p.quoted, done=True) for p in pieces(value, run.language, run.rules)]
    if name in LABELLED:
        return [Piece(label_of(run.label, name, value), done=True)]
    return [Piece(value, done=True)]


def _filled(each: Rule, shown: str, match: re.Match[str], run: _Pass) -> list[Piece]:
    """``shown`` with the match's groups in it, as pieces no later rule rewrites."""
    values = match.groupdict(default="")
    found: list[Piece] = []
    for literal, name, _, _ in string.Formatter().parse(shown):
        found.append(Piece(literal, done=True))
        if name is not None:
            found.extend(_group(each, name, values[name], run))
    return found


def _kept(each: Rule, match: re.Match[str], run: _Pass) -> list[Piece]:
    """The matched words themselves, their quotes marked and the texts in them rewritten."""
    found: list[Piece] = []
    at = match.start()
    spans = sorted(
        (match.start(name), match.end(name), name)
        for name in each.quoted | each.nested
        if match.start(name) >= 0
    )
    for start, end, name in spans:
        found.append(Piece(match.string[at:start], done=True))
        found.extend(_group(each, name, match[name], run))
        at = end
    found.append(Piece(match.string[at : match.end()], done=True))
    return found


# The more particular first: a part is rewritten once, by the first rule that matches it.
RULES = (
    # whose action was refused
    rule(rf"case {REF} cannot be dismissed", None, "zaak {ref} kan niet worden afgewezen"),
    rule(rf"case {REF} cannot be reclassified", None,
          "de rechten van zaak {ref} kunnen niet worden gecorrigeerd"),
    rule(rf"case {REF} cannot be verified", None,
          "zaak {ref} kan niet als geverifieerd worden gemarkeerd"),
    rule(rf"a case that is {STATUS} cannot be verified",
          "a case that is {status} cannot be verified",
          "een zaak met de status ‘{status}’ kan niet als geverifieerd worden gemarkeerd"),
    rule(rf"case {REF} cannot be closed", None, "zaak {ref} kan niet worden gesloten"),
    rule(rf"case {REF} cannot be reopened", None, "zaak {ref} kan niet worden heropend"),
    rule(rf"case {REF} cannot be extended", None,
          "de termijn van zaak {ref} kan niet worden verlengd"),
    rule(rf"case {REF} cannot be refused", None, "zaak {ref} kan niet worden geweigerd"),
    rule(rf"case {REF}: the answer cannot be recorded", None,
          "zaak {ref}: het antwoord kan niet worden vastgelegd"),
    rule(rf"case {REF}: no answer is awaited", None,
          "zaak {ref}: er wordt geen antwoord verwacht"),
    rule(r"draft (?P<id>\d+) cannot be approved", None,
          "concept {id} kan niet worden goedgekeurd"),
    rule(r"draft (?P<id>\d+) cannot be rejected", None, "concept {id} kan niet worden afgewezen"),
    rule(r"draft (?P<id>\d+) cannot be edited", None, "concept {id} kan niet worden bewerkt"),
    rule(r"the suppression list cannot be used", None,
          "de lijst van uitsluitingen kan niet worden gebruikt"),
    rule(rf"case {REF} has no action (?P<id>\d+)", None, "zaak {ref} heeft geen actie {id}"),
    rule(rf"case {REF}: the plan cannot be carried out", None,
          "zaak {ref}: het plan kan niet worden uitgevoerd"),
    rule(r"no draft (?P<id>\d+)", None, "geen concept {id}"),
    rule(rf"no case {REF}", None, "geen zaak {ref}"),
    # why: the command line's options become what to fill in or click
    rule(r"it may be a request: say why it is none \(--note\)",
          "it may be a request: say in the note why it is none",
          "het kan een verzoek zijn: zeg in de notitie waarom het er geen is"),
    rule(r"draft\(s\) (?P<ids>[\d, ]+) are approved and waiting to be sent; wait until they are "
          r"sent, or reject them first \(mailbot drafts reject ID --reason \.\.\.\)",
          "draft(s) {ids} are approved and waiting to be sent; wait until they are sent, or "
          "reject them first (“Reject”, under the draft)",
          "concept(en) {ids} zijn goedgekeurd en wachten op verzending; wacht tot ze verzonden "
          "zijn, of wijs ze eerst af (“Afwijzen”, onder het concept)"),
    rule(r"a refusal needs its ground(?: \(--ground\))?",
          "a refusal needs its ground (“Refusal ground”)",
          "een weigering heeft een grond nodig (“Weigeringsgrond”)"),
    rule(r"--send-to: (?P<value>'.*') is not an e-mail address",
          "“Send the answer to”: {value} is not an e-mail address",
          "“Antwoord sturen naar”: {value} is geen e-mailadres"),
    rule(rf"case {REF} is awaiting_identity; verify the person first \(mailbot cases verify\)",
          "case {ref} is awaiting identity; verify the person first (“Mark as verified”)",
          "zaak {ref} wacht op identificatie; verifieer eerst de persoon (“Als geverifieerd "
          "markeren”)"),
    rule(rf"case {REF} is awaiting_confirmation; the person has not confirmed the request yet",
          "case {ref} is awaiting confirmation; the person has not confirmed the request yet",
          "zaak {ref} wacht op bevestiging; de persoon heeft het verzoek nog niet bevestigd"),
    rule(r"\b(?P<n>\d+) action\(s\) are still open: (?P<listed>.*?) \(record each with: mailbot "
          rf"cases done {REF} ID\)",
          "{n} action(s) are still open: {listed} (mark each as done under “Actions in the data "
          "sources”)",
          "{n} actie(s) staan nog open: {listed} (markeer elk als gedaan onder “Acties in de "
          "gegevensbronnen”)"),
    rule(r"the text still has (?P<n>\d+) place\(s\) marked (?P<mark>\[[^:]+:) \.\.\.\]: write "
          r"them in \(edit the draft\), or give the texts in the configuration and redraft", None,
          "de tekst heeft nog {n} plek(ken) gemarkeerd met {mark} ...]: vul ze in (bewerk het "
          "concept), of geef de teksten in de configuratie en laat opnieuw opstellen"),
    rule(r"it carries personal data to (?P<to>\S+), which is neither the address on file nor "
          r"one the officer verified", None,
          "het bevat persoonsgegevens voor {to}: dat is niet het adres in ons bestand en ook geen "
          "adres dat de functionaris heeft geverifieerd"),
    rule(r"it goes to (?P<to>\S+), which is not the contact address configured for the "
          r"recipient it tells: reject it, and tell the recipient another way", None,
          "het gaat naar {to}: dat is niet het contactadres dat voor de ontvanger is ingesteld; "
          "wijs het af en licht de ontvanger op een andere manier in"),
    rule(r"the first month ended on (?P<date>[\d-]+): an extension notice must be sent within "
          r"it \(Art\. 12\(3\)\); reject this draft", None,
          "de eerste maand eindigde op {date}: een verlengingsbericht moet daarbinnen worden "
          "verstuurd (art. 12 lid 3 AVG); wijs dit concept af"),
    rule(r"the first month ended on (?P<date>[\d-]+): an extension must be announced within it "
          r"\(Art\. 12\(3\)\)", None,
          "de eerste maand eindigde op {date}: een verlenging moet daarbinnen worden "
          "aangekondigd (art. 12 lid 3 AVG)"),
    rule(r"its personal data were purged on (?P<date>[\d-]+) \(retention\); only its register "
          r"row is left\. Make a new case instead\.", None,
          "de persoonsgegevens zijn op {date} verwijderd (bewaartermijn); alleen de regel in het "
          "register is over. Maak in plaats daarvan een nieuwe zaak."),
    rule(r"it is already approved and waits in the outbox", None,
          "het is al goedgekeurd en wacht in de uitgaande post"),
    rule(r"it has already been sent", None, "het is al verzonden"),
    rule(r"it was rejected; reclassify or redraft the case instead", None,
          "het is afgewezen; corrigeer in plaats daarvan de rechten, dan volgt een nieuw concept"),
    rule(r"the deadline has already been extended \(by the two months the law allows\)", None,
          "de termijn is al verlengd (met de twee maanden die de wet toestaat)"),
    rule(rf"case {REF} objects to direct marketing", None,
          "zaak {ref} maakt bezwaar tegen direct marketing"),
    rule(r"no suppression key is configured: set \[suppression\] key_file in the configuration "
          r"\(see deploy/README\.md, 'The suppression key'\)", None,
          "er is geen sleutel voor de lijst van uitsluitingen ingesteld: zet [suppression] "
          "key_file in de configuratie (zie deploy/README.md, 'The suppression key')"),
    rule(rf"case {REF} is {STATUS}", "case {ref} is {status}",
          "zaak {ref} heeft de status ‘{status}’"),
    rule(rf"the case is {STATUS}", "the case is {status}", "de zaak heeft de status ‘{status}’"),
    rule(r"the case has no due date", None, "de zaak heeft geen uiterste datum"),
    rule(r"already extended", None, "de termijn is al verlengd"),
    rule(r"it is already closed", None, "de zaak is al gesloten"),
    rule(r"it is being sent now", None, "het wordt nu verzonden"),
    rule(rf"it is {STATUS}", "it is {status}", "de status is ‘{status}’"),
    rule(r"give a reason for reopening", None, "geef een reden om te heropenen"),
    rule(r"give the reasons", None, "geef de redenen"),
    rule(r"give a reason", None, "geef een reden"),
    rule(r"give a note", None, "geef een notitie"),
    rule(r"the text is empty", None, "de tekst is leeg"),
    rule(r"the text is over 1 MB", None, "de tekst is groter dan 1 MB"),
    rule(r"the subject must be a single line", None, "het onderwerp moet op één regel"),
    rule(r"the subject must be 1 to (?P<n>\d+) characters", None,
          "het onderwerp moet 1 tot {n} tekens lang zijn"),
    # closing and approving (``core.approval``: close_problems, approval_problems)
    rule(r"'(?P<outcome>granted|partially_granted)' means the person got the answer, and none "
          r"was sent: approve and send the reply first, or record the day it was answered by "
          r"post or phone",
          "‘{outcome}’ means the person got the answer, and none was sent: approve and send the "
          "reply first, or give the day it was answered by post or phone",
          "‘{outcome}’ betekent dat de persoon het antwoord kreeg, en er is er geen verzonden: "
          "keur eerst het antwoord goed en verstuur het, of vul de dag in waarop per post of "
          "telefoon is geantwoord"),
    rule(r"'(?P<outcome>granted|partially_granted)' means the person got the answer, and none "
          r"was sent: approve and send the reply first",
          "‘{outcome}’ means the person got the answer, and none was sent: approve and send the "
          "reply first",
          "‘{outcome}’ betekent dat de persoon het antwoord kreeg, en er is er geen verzonden: "
          "keur eerst het antwoord goed en verstuur het"),
    rule(r"it came by e-mail: its answer goes out through mailbot, not outside it", None,
          "het kwam per e-mail: het antwoord gaat via mailbot, niet daarbuiten"),
    rule(r"the day it was answered is in the future", None,
          "de dag van het antwoord ligt in de toekomst"),
    rule(r"draft\(s\) (?P<listed>.+?) still wait: say what becomes of them \(reject them, or "
          r"keep them to approve after the close\)", None,
          "concept(en) {listed} wachten nog: kies wat ermee gebeurt (afwijzen, of bewaren om na "
          "het sluiten goed te keuren)"),
    rule(r"draft\(s\) (?P<ids>[\d, ]+) answer the request and cannot go after the close: send "
          r"them first, or reject them", None,
          "concept(en) {ids} beantwoorden het verzoek en kunnen na het sluiten niet meer weg: "
          "verstuur ze eerst, of wijs ze af"),
    rule(r"the owner of the address said the request was not theirs: close the case as "
          r"not_the_person",
          "the owner of the address said the request was not theirs: close the case as “not the "
          "person's request”",
          "de eigenaar van het adres zei dat het verzoek niet van hem of haar was: sluit de zaak "
          "als “niet het verzoek van de persoon”"),
    rule(r"the person's identity is not established: verify it first, or refuse on the ground "
          r"identity_not_established",
          "the person's identity is not established: verify it first (“Mark as verified”), or "
          "refuse on the ground “identity not established”",
          "de identiteit van de persoon staat niet vast: verifieer die eerst (“Als geverifieerd "
          "markeren”), of weiger op de grond “identiteit niet vastgesteld”"),
    rule(r"the owner of the address said the request was not theirs", None,
          "de eigenaar van het adres zei dat het verzoek niet van hem of haar was"),
    rule(r"the person's identity is not established: verify it first \(mailbot cases verify\)",
          "the person's identity is not established: verify it first (“Mark as verified”)",
          "de identiteit van de persoon staat niet vast: verifieer die eerst (“Als geverifieerd "
          "markeren”)"),
    # carrying out the plan (``core.execution.execution_problems``, ``service.execution``)
    rule(r"the request's sender was forged \(spoofed\): nothing is carried out", None,
          "de afzender van het verzoek was vervalst: er wordt niets uitgevoerd"),
    rule(r"the person has not confirmed the request yet", None,
          "de persoon heeft het verzoek nog niet bevestigd"),
    rule(rf"case {REF} has no reply drafted", None,
          "zaak {ref} heeft nog geen antwoord als concept"),
    rule(r"give a new value for at least one of: (?P<fields>[\w, ]+) "
         r"\(the others stay as they are\)", None,
         "geef een nieuwe waarde voor ten minste één van: {fields} "
         "(de andere blijven zoals ze zijn)"),
    rule(r"no rectify statement takes (?P<field>\w+)", None,
          "geen rectify-opdracht gebruikt {field}"),
    rule(r"the plan changed since you saw it: look again", None,
          "het plan is gewijzigd sinds u het zag: bekijk het opnieuw"),
    rule(rf"case {REF} is in mailbox (?P<mailbox>\S+)", None,
          "zaak {ref} hoort bij mailbox {mailbox}"),
    rule(r"it changed since you confirmed it \(someone edited it\): look at it again", None,
          "het is gewijzigd sinds u het bevestigde (iemand heeft het bewerkt): bekijk het opnieuw"),
    rule(r"it changed since you opened it \(someone edited it\): look at it again", None,
          "het is gewijzigd sinds u het opende (iemand heeft het bewerkt): bekijk het opnieuw"),
    rule(r"'granted' means the person got what they asked for, and only a refusal was sent: "
          r"close it as refused, or partially_granted if part was granted",
          "‘granted’ means the person got what they asked for, and only a refusal was sent: "
          "close it as refused, or partially granted if part was granted",
          "‘toegewezen’ betekent dat de persoon kreeg wat hij of zij vroeg, en er is alleen een "
          "weigering verzonden: sluit de zaak als geweigerd, of deels toegewezen als een "
          "deel is toegewezen"),
    rule(r"the request was refused because the identity was not established: nothing was "
          r"granted; close it as refused", None,
          "het verzoek is geweigerd omdat de identiteit niet vaststond: er is niets toegewezen; "
          "sluit de zaak als geweigerd"),
    rule(r"the day it was answered is before the request was received", None,
          "de dag van het antwoord ligt vóór de ontvangst van het verzoek"),
    rule(r"it has no recipient: the mail named no address to answer; reject it, and answer "
          r"another way if the person can be reached", None,
          "het heeft geen ontvanger: de mail noemde geen adres om op te antwoorden; wijs het af, "
          "en antwoord op een andere manier als de persoon te bereiken is"),
    rule(r"confirm what is sent first", None, "bevestig eerst wat er wordt verstuurd"),
    rule(r"choose what becomes of the drafts", None, "kies wat er met de concepten gebeurt"),
    rule(r"give the day it was answered as a date", None,
          "geef de dag van het antwoord als datum"),
    # the forms' own (``web.cases``)
    rule(r"say how the person was verified", None, "zeg hoe de persoon is geverifieerd"),
    rule(r"choose how the person was verified", None, "kies wat er is gecontroleerd"),
    rule(r"choose a ground", None, "kies een grond"),
    rule(r"choose an outcome", None, "kies een uitkomst"),
    rule(r"choose what the person says", None, "kies wat de persoon zegt"),
)  # fmt: skip
