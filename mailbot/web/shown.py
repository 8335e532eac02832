"""mailbot's own English as a page shows it: in the page's language, at render time.

The core and the services write English, for the command line and the logs, and the database
keeps what they wrote: a draft's "why" and notes, a case's identity detail, the audit trail's
details, the actions in the data sources, the reason an answer is left to the officer, a
quarantined mail's reason. A page rewrites each part of such a text it knows, by rules (a
pattern, its English on a page, its Dutch), and shows what it does not know as it is; the
refusals (``web.refusals``) are shown by the same engine.

What a text quotes (the person's words, a server's reply, an error's message) is shown as it
is, inside ``<span class="quoted" lang="en">``: no page translates a quote. Patterns are kept
linear (no nested quantifiers; a digit run anchored by ``\\b``) and a text over ``LONGEST``
characters is shown as it is: no text of ours is that long, so a value echoed in it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from mailbot.i18n import labeller
from mailbot.web.refusals import QUOTE, RULES, Rule, as_html, on_page, rule


class Shown:
    """``shown`` in the templates: mailbot's own English in the page's language.

    ``shown(text, what)``: ``text``, one of ``what`` (a key of ``RULE_SETS``), as a page shows
    it; None and "" are shown as nothing. ``shown.detail(action, detail)``: a trail event's
    details, each key with its label and each code as its label."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.label = labeller(language)

    def __call__(self, text: object, what: str) -> Markup:
        if text is None or text == "":
            return Markup("")
        return as_html(str(text), self.language, RULE_SETS[what])

    def plain(self, text: object, what: str) -> str:
        """``text`` as ``__call__`` shows it, as plain text (for an attribute)."""
        return on_page(str(text or ""), self.language, RULE_SETS[what])

    def where(self, where: str) -> Markup:
        """Where in a mail the classifier read its evidence: a part of it, or an attachment."""
        kind, _, name = where.partition(":")
        if kind == "attachment" and name:
            return Markup("{}: {}").format(self.label("where", kind), QUOTE.format(name))
        return escape(self.label("where", where))

    def detail(self, action: str, detail: Mapping[str, Any]) -> Markup:
        return Markup("; ").join(
            Markup("{}: {}").format(self.label("detail", key), self._value(action, key, value))
            for key, value in detail.items()
        )

    def _value(self, action: str, key: str, value: object) -> Markup:
        if value is None or isinstance(value, bool):  # None, True, False
            return escape(self.label("yes_no", str(value)))
        if isinstance(value, Mapping):
            return Markup("({})").format(self.detail(action, value))
        if isinstance(value, list | tuple):
            return Markup(", ").join(self._value(action, key, item) for item in value)
        text = str(value)
        kind = _code_kind(action, key)
        if kind is not None:
            return escape(self.label(kind, text))
        if key in QUOTED_KEYS:
            return QUOTE.format(text)
        return as_html(text, self.language, TRAIL)


# The trail's details that hold a code: the key, and the kind of label the code is read as.
CODE_KEYS = {
    "status": "status", "status_before": "status", "status_after": "status",
    "outcome": "outcome", "outcome_before": "outcome", "right": "right", "rights": "right",
    "rights_before": "right", "rights_after": "right", "suggested_rights": "right",
    "kind": "kind", "channel": "channel", "identity": "identity", "check": "check",
    "answer": "said", "choice": "drafts_choice", "topics": "topic", "ground": "ground",
    "not_settled": "check_sent", "warnings": "check_sent", "failure": "failure",
    "recovered_as": "recovery",
}  # fmt: skip
# What the trail quotes: a server's reply, the person's words, addresses, a Message-ID.
QUOTED_KEYS = frozenset({"reply", "phrase", "message_id", "send_to", "error"})


def _code_kind(action: str, key: str) -> str | None:
    if action == "status" and key in ("from", "to"):
        return "status"
    if action == "extended" and key == "ground":
        return "extension"
    if action == "not_sent" and key == "why":
        return "check_sent"
    return CODE_KEYS.get(key)


def shower(language: str) -> Shown:
    """The templates' ``shown`` for a page in ``language``."""
    return Shown(language)


# -- the rules ------------------------------------------------------------------------------
# What the receiving mail service said of the sender (``core.authentication.judge``) and what
# a case's identity rests on (``core.identity.decide_identity``): anchored, being whole texts
# (inside others, a group marked nested).
IDENTITY = (
    rule(r"^the mail names (?P<n>\d+) senders in From: the sender cannot be told$", None,
         "de mail noemt {n} afzenders in de afzenderregel: wie de afzender is, valt niet te "
         "zeggen"),
    rule(r"^no Authentication-Results header from (?P<server>.*)$", None,
         "geen Authentication-Results-kop van {server}", nested={"server"}),
    rule(r"^no receiving service configured \(organisation\.mail_service\)$", None,
         "geen ontvangende maildienst ingesteld (organisation.mail_service)"),
    rule(r"^no receiving service configured$", None, "geen ontvangende maildienst ingesteld"),
    rule(r"^forwarded by (?P<by>\S+) \((?P<detail>.*)\); the original sender's own mail cannot "
         r"be authenticated$", None,
         "doorgestuurd door {by} ({detail}); de eigen mail van de oorspronkelijke afzender kan "
         "niet worden geauthenticeerd", quoted={"by"}, nested={"detail"}),
    rule(r"^the case's mail cannot be read$", None, "de mail van de zaak kan niet worden gelezen"),
    rule(r"^confirmed from its address, which is not on file$", None,
         "bevestigd vanaf het eigen adres, dat niet in ons bestand staat"),
    rule(r"^address on file; the request was confirmed from it$", None,
         "adres in ons bestand; het verzoek is daarvandaan bevestigd"),
    rule(r"^the sender address looks forged \((?P<detail>.*)\)$", None,
         "het afzenderadres lijkt vervalst ({detail})", nested={"detail"}),
    rule(r"^the sender address is not on file$", None,
         "het afzenderadres staat niet in ons bestand"),
    rule(r"^address on file, authenticated \((?P<detail>.*)\)$", None,
         "adres in ons bestand, geauthenticeerd ({detail})", nested={"detail"}),
    rule(r"^address on file, not authenticated \((?P<detail>.*)\)$", None,
         "adres in ons bestand, niet geauthenticeerd ({detail})", nested={"detail"}),
    # the service's own header, summarised (``core.authentication.summarise``): a quote
    rule(r"^(?P<header>[^\s:]+(?: 365)?: (?:no results|[\w.-]+=.*))$", "{header}", "{header}",
         quoted={"header"}),
)  # fmt: skip

# Why a draft was made (``core.drafting``, ``service.drafting``): whole texts.
WHY = (
    rule(r"^sender looks forged$", None, "afzender lijkt vervalst"),
    rule(r"^receipt, reference and due date$", None, "ontvangst, kenmerk en uiterste datum"),
    rule(r"^a school about its pupils: it is the controller, we assist it \(Art\. 28\(3\)\(e\)\)$",
         None, "een school over haar leerlingen: de school is de verwerkingsverantwoordelijke, "
         "wij helpen haar (art. 28 lid 3 sub e AVG)"),
    rule(r"^about someone who died \(the GDPR does not apply; the officer decided to handle "
         r"it\): proof of the death and of the relationship, never an authorisation$", None,
         "over iemand die is overleden (de AVG geldt niet; de functionaris besloot het te "
         "behandelen): bewijs van het overlijden en van de verwantschap, nooit een machtiging"),
    rule(r"^verified by the officer$", None, "geverifieerd door de functionaris"),
    rule(r"^address not on file$", None, "adres staat niet in ons bestand"),
    rule(r"^writes for someone else \((?P<phrase>.*)\): proof of authority first$", None,
         "schrijft namens iemand anders ({phrase}): eerst bewijs van de bevoegdheid",
         quoted={"phrase"}),
    rule(r"^asks for the data by post: identification first \(privacy statement\)$", None,
         "vraagt de gegevens per post: eerst identificatie (privacyverklaring)"),
    rule(r"^asks for the data to (?P<address>\S+): identification first \(privacy statement\)$",
         None, "vraagt de gegevens aan {address}: eerst identificatie (privacyverklaring)",
         quoted={"address"}),
    rule(r"^erasure, restriction, objection or a change of contact details from an "
         r"unauthenticated mail: confirm first$", None,
         "wissen, beperking, bezwaar of een wijziging van contactgegevens uit een niet "
         "geauthenticeerde mail: eerst bevestigen"),
    rule(r"^address on file$", None, "adres in ons bestand"),
    rule(r"^the officer extends the deadline$", None, "de functionaris verlengt de termijn"),
    rule(r"^the officer refuses the request$", None, "de functionaris weigert het verzoek"),
    rule(r"^no answer (?P<days>\d+) days after the (?P<asked>[a-z ]+) was sent$", None,
         "geen antwoord {days} dagen na verzending van: {asked}"),
    rule(r"^Art\. 19: tell (?P<recipient>.+) \(a recipient of (?P<source>[^()]+)\) of the "
         r"(?P<right>erasure|rectification|restriction)$", None,
         "art. 19 AVG: licht {recipient} (een ontvanger van {source}) in over de {right}"),
)  # fmt: skip

# A draft's notes (``core.drafting.plan``, ``service.drafting``): whole texts.
NOTES = (
    rule(r"^DECIDE: this mail may be a request \(its clock runs from receipt\)\. Reclassify it "
         r"with its rights, or dismiss it \(rights none\), with a note why$",
         "DECIDE: this mail may be a request (its clock runs from receipt). Correct its rights, "
         "or tick none to dismiss it, with a note why",
         "BESLISSEN: deze mail kan een verzoek zijn (de termijn loopt vanaf ontvangst). Corrigeer "
         "de rechten, of vink er geen aan om hem af te wijzen, met een notitie waarom"),
    rule(r"^FORGED SENDER\? (?P<reason>.*)\. Nothing is sent, erased or changed; the address's "
         r"owner is asked whether the mail was theirs\.$", None,
         "VERVALSTE AFZENDER? {reason}. Er wordt niets verstuurd, gewist of gewijzigd; de "
         "eigenaar van het adres wordt gevraagd of de mail van hem of haar was.",
         nested={"reason"}),
    rule(r"^FORGED SENDER\? (?P<reason>.*)$", None, "VERVALSTE AFZENDER? {reason}",
         nested={"reason"}),
    rule(r"^the attachments are (?P<n>\d+) bytes, over the mail size limit \((?P<limit>\d+)\): "
         r"send them another way$", None,
         "de bijlagen zijn samen {n} bytes, meer dan een mail mag zijn ({limit}): stuur ze op "
         "een andere manier"),
    rule(r"^these data sources could not be read: (?P<sources>.*)$", None,
         "deze gegevensbronnen konden niet worden gelezen: {sources}"),
    rule(r"^repeated request: (?P<ref>\S+) of (?P<date>[\d-]+) \(within 12 months; the officer "
         r"decides, nothing is refused automatically\)$", None,
         "herhaald verzoek: {ref} van {date} (binnen 12 maanden; de functionaris beslist, niets "
         "wordt automatisch geweigerd)"),
    *IDENTITY,
)  # fmt: skip

# What to do in a data source (``core.actions``): whole texts; a source's label is data.
SOURCE = r"(?P<source>[^()]*\([^()]*\))"
# the confirmation page lists them with their number: "[3] Erase ..."
START = r"^(?P<number>\[\d+\] )?"
ACTIONS = (
    rule(rf"{START}Erase the (?P<n>\d+) record\(s\) about the person in {SOURCE}$", None,
         "{number}Wis de {n} rij(en) over de persoon in {source}"),
    rule(rf"{START}Keep {SOURCE} until (?P<until>.*), but close it to employees; erase it then$",
         None,
         "{number}Bewaar {source} tot {until}, maar sluit het af voor medewerkers; wis het dan",
         nested={"until"}),
    rule(r"the end of its legal retention period", None,
         "het einde van de wettelijke bewaartermijn"),
    rule(rf"{START}Correct in {SOURCE} what the person asked for$", None,
         "{number}Corrigeer in {source} wat de persoon vroeg"),
    rule(rf"{START}Mark the records in {SOURCE} restricted: stored only, not otherwise used$",
         None,
         "{number}Markeer de rijen in {source} als beperkt: alleen bewaard, verder niet "
         "gebruikt"),
    rule(rf"{START}Stop direct marketing: remove or flag the person in {SOURCE}$", None,
         "{number}Stop direct marketing: verwijder of markeer de persoon in {source}"),
    rule(rf"{START}Assess the objection to {SOURCE}: stop processing the records \(the reply "
         r"says so\), or refuse with the compelling grounds \(cases refuse\)$",
         "{number}Assess the objection to {source}: stop processing the records (the reply "
         "says so), or refuse with the compelling grounds (“Refuse the request”)",
         "{number}Beoordeel het bezwaar tegen {source}: stop de verwerking van de rijen (het "
         "antwoord zegt dat), of weiger met dwingende gerechtvaardigde gronden (“Verzoek "
         "weigeren”)"),
    rule(rf"{START}Tell (?P<recipient>[^()]+) \(a recipient of (?P<source>[^()]+)\) "
         r"(?P<told>to erase the person's data too|what was corrected|that the person's data "
         r"are restricted) \(Art\. 19\)$", None,
         "{number}Vertel {recipient} (een ontvanger van {source}) {told} (art. 19 AVG)"),
)  # fmt: skip

# Why mailbot left an answer to the officer (``core.answers.judge_reply``).
ANSWER = (
    rule(r"^the person may be saying the request was not theirs: read the mail$", None,
         "de persoon zegt misschien dat het verzoek niet van hem of haar was: lees de mail"),
    rule(r"^a reply that says (?P<said>yes|no|something unclear), but (?P<problems>.*)$", None,
         "een antwoord dat {said} zegt, maar {problems}", nested={"problems"}),
    rule(r"it does not come from the address the confirmation request went to", None,
         "het komt niet van het adres waar het verzoek om bevestiging heen ging"),
    rule(r"the receiving service found it forged", None,
         "de ontvangende maildienst vond het vervalst"),
    rule(r"it is no reply to the confirmation request sent to that address", None,
         "het is geen antwoord op het verzoek om bevestiging dat naar dat adres ging"),
    rule(r"^confirmed from the address on file$", None, "bevestigd vanaf het adres in ons bestand"),
    rule(r"^the person says the request was not theirs$", None,
         "de persoon zegt dat het verzoek niet van hem of haar was"),
    rule(r"^the reply is neither a clear yes nor a clear no$", None,
         "het antwoord is geen duidelijk ja en geen duidelijk nee"),
)  # fmt: skip

# Why a mail is in quarantine (``core.parsing``, ``service.intake``), and what of it could not
# be read (``core.quarantine``); an error's own message is a quote.
QUARANTINE = (
    rule(r"^mail is (?P<n>\d+) bytes, over intake\.max_mail_bytes \((?P<limit>\d+)\); not read$",
         None, "de mail is {n} bytes, meer dan intake.max_mail_bytes ({limit}); niet gelezen"),
    rule(r"^mail is (?P<n>\d+) bytes, larger than intake\.max_mail_bytes \((?P<limit>\d+)\)$",
         None, "de mail is {n} bytes, meer dan intake.max_mail_bytes ({limit})"),
    rule(r"^empty mail$", None, "lege mail"),
    rule(r"^cannot be parsed as a mail: (?P<error>.*)$", None,
         "kan niet als mail worden gelezen: {error}", quoted={"error"}),
    rule(r"^no mail headers found$", None, "geen kopregels gevonden"),
    rule(r"^MIME structure nested too deeply to read$", None,
         "MIME-structuur te diep genest om te lezen"),
    rule(r"^no sender: the From header is missing or holds no address$", None,
         "geen afzender: de afzenderregel ontbreekt of bevat geen adres"),
    rule(r"^more than (?P<n>\d+) MIME parts \(intake\.max_parts\)$", None,
         "meer dan {n} MIME-delen (intake.max_parts)"),
    rule(r"^MIME nesting deeper than (?P<n>\d+) \(intake\.max_depth\)$", None,
         "MIME-nesting dieper dan {n} (intake.max_depth)"),
    rule(r"^mailbot failed on this mail \((?P<error>.*)\); retry after an update$", None,
         "mailbot liep vast op deze mail ({error}); probeer het opnieuw na een update",
         quoted={"error"}),
    rule(r"^made a case by hand by (?P<actor>\S+); quarantined before: (?P<before>.*)$", None,
         "met de hand tot zaak gemaakt door {actor}; eerder in quarantaine: {before}",
         nested={"before"}),
    rule(r"^the rest could not be read \((?P<error>[^()]*)\)$", None,
         "de rest kon niet worden gelezen ({error})", quoted={"error"}),
    rule(r"^more than (?P<n>\d+) parts: the rest are not shown$", None,
         "meer dan {n} delen: de rest wordt niet getoond"),
    rule(r"^parts nested deeper than (?P<n>\d+) are not shown$", None,
         "delen dieper genest dan {n} worden niet getoond"),
    rule(r"^a (?P<type>\S+) part could not be decoded \((?P<error>[^()]*)\)$", None,
         "een deel van het type {type} kon niet worden gedecodeerd ({error})", quoted={"error"}),
)  # fmt: skip

# What the trail's details say in mailbot's words: why a status changed, why a draft was
# rejected, where a confirmation came from, what was drafted.
TRAIL = (
    rule(r"^drafted$", None, "opgesteld"),
    rule(r"^refusal drafted$", None, "weigering opgesteld"),
    rule(r"^approved$", None, "goedgekeurd"),
    rule(r"^approval withdrawn$", None, "goedkeuring ingetrokken"),
    rule(r"^approval withdrawn by an edit$", None, "goedkeuring ingetrokken door een bewerking"),
    rule(r"^sent by the officer from his mail client$", None,
         "door de functionaris verstuurd vanuit zijn mailprogramma"),
    rule(r"^closed: (?P<outcome>[a-z_]+)$", None, "gesloten: {outcome}"),
    rule(r"^reopened$", None, "heropend"),
    rule(r"^the mail could not be delivered$", None, "de mail kon niet worden bezorgd"),
    rule(r"^case closed$", None, "zaak gesloten"),
    rule(r"^the person denied it$", None, "de persoon ontkende het"),
    rule(r"^the case no longer waits for that request$", None,
         "de zaak wacht niet meer op dat verzoek"),
    rule(r"^a mail joined the case after the request was sent$", None,
         "er kwam een mail bij de zaak nadat het verzoek was verstuurd"),
    rule(r"^address on file$", None, "het adres in ons bestand"),
    rule(r"^the officer$", None, "de functionaris"),
    rule(r"^dismissed$", None, "afgewezen"),
    rule(r"^a request$", None, "een verzoek"),
    rule(r"^(?P<kind>[a-z_]+) to (?P<to>\S+)$", None, "{kind} aan {to}", quoted={"to"}),
    rule(r"^bounced: (?P<reply>.*)$", None, "teruggekomen: {reply}", quoted={"reply"}),
    rule(r"^not accepted after (?P<n>\d+) attempts in (?P<hours>[\d.]+) hours: (?P<error>.*)$",
         None, "niet aangenomen na {n} pogingen in {hours} uur: {error}", quoted={"error"}),
    rule(r"^the server could not be used for too long: (?P<error>.*)$", None,
         "de server was te lang niet te gebruiken: {error}", quoted={"error"}),
    *IDENTITY,
    *ANSWER,
    *QUARANTINE,
)  # fmt: skip


# Why a step of the plan did not run (``datasources.statements``): the database's own words
# and the configuration's keys (``erase``, ``confirm.erase``) are quotes.
EXECUTION = (
    rule(r"^source (?P<source>\S+): (?P<key>erase|restrict|rectify) changed the rows of the "
         r"control address \(another person's\): rolled back$", None,
         "bron {source}: {key} wijzigde de gegevens van het controleadres (van een ander): "
         "teruggedraaid", quoted={"key"}),
    rule(r"^source (?P<source>\S+): (?P<key>confirm\.\w+) still lists (?P<n>\d+) row\(s\) for "
         r"the person afterwards: rolled back$", None,
         "bron {source}: {key} vond daarna nog {n} rij(en) van de persoon: teruggedraaid",
         quoted={"key"}),
    rule(r"^source (?P<source>\S+): (?P<error>.*)$", None, "bron {source}: {error}",
         quoted={"error"}),
)  # fmt: skip

# What the officer carries out himself (``service.execution``): an action, and for a CSV file
# where its rows are.
MANUAL = (
    rule(r"^(?P<line>.*): (?P<file>[^:]+): rows none found now \(line numbers\)$", None,
         "{line}: {file}: nu geen rijen gevonden", nested={"line"}, quoted={"file"}),
    rule(r"^(?P<line>.*): (?P<file>[^:]+): rows (?P<rows>\d+(?:, \d+)*) \(line numbers\)$",
         None, "{line}: {file}: rijen op regel {rows}", nested={"line"}, quoted={"file"}),
    *ACTIONS,
)  # fmt: skip


RULE_SETS: Mapping[str, Sequence[Rule]] = {
    "why": WHY,
    "note": NOTES,
    "identity": IDENTITY,
    "action": ACTIONS,
    "manual": MANUAL,
    "execution": EXECUTION,
    "answer": ANSWER,
    "quarantine": QUARANTINE,
    "trail": TRAIL,
    "problem": RULES,  # what stops a draft from going: the refusals' own words
}
