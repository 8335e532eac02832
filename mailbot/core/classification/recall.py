"""Whether a mail is *clearly* no request (DOMAIN.md section 7: asymmetric risk).

A missed request is a breach of the one-month rule; a false alarm is a click. So
a mail is "no request" only when it says nothing about the person's data,
privacy, consent, being contacted or marketing, or when it is spam that asks
the *reader* for personal data (a prize, a passport copy) without a word about
the writer's own. Everything else that found no right is a case for the officer
to decide, with a provisional clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from mailbot.core.classification import vocabulary

# Words about the writer's data, privacy, consent, being contacted, or marketing.
CONCERN = vocabulary.words(
    vocabulary.PRIVACY, vocabulary.CONSENT, vocabulary.DELETION, vocabulary.ACCESS,
    r"vie privee|privatsphare|cookies?|"
    r"(?:mijn|m'n|onze|ons) (?:persoonlijke |eigen )?(?:gegevens|data|dossier|profiel|"
    r"adres|e-?mailadres|telefoonnummer|nummer|naam|foto\w*|beeld\w*|info\w*)|"
    r"(?:my|our) (?:personal |own )?(?:data|information|info|details|records?|profile|"
    r"address|e-?mail address|phone number|number|name|photos?|pictures?|images?)|"
    r"personal (?:information|info|details)|(?:about|on|of) me\b|van mij\b|over mij\b|"
    r"(?:meine|unsere|mein|meinen|meiner|meinem) (?:personlichen |eigenen )?(?:daten|angaben|"
    r"profil|adresse|e-?mail-?adresse|telefonnummer|nummer|namen|fotos?|bilder)|"
    r"uber mich|von mir\b|"
    r"(?:mes|nos|mon|ma) (?:propres )?(?:donnees|informations|coordonnees|profil|adresse|"
    r"numero|nom|photos?|images?)|sur moi|me concernant|"
    r"gebeld|bellen|belt|telefoontjes?|calls?|calling|called|anruf\w*|angerufen|appels?|"
    r"doorgeven|doorgegeven|doorgestuurd|gedeeld|delen|share[sd]?|sharing|passed on|pass on|"
    r"weitergeb\w*|weitergegeben|geteilt|teilen|partag\w*|"
    r"appele\w*|sms\w*|texts|benader\w*|contacted|kontaktiert|contacte\w*|"
    r"nieuwsbrie\w*|newsletters?|marketing\w*|reclame\w*|mailings?|werbung|werbe\w*|"
    r"(?<!checked )(?<!in )(?<!my )(?<!the )(?<!de )(?<!mijn )(?<!im )(?<!les )"
    r"spam(?! ?(?:folder|map|ordner|box|filter|-?ordner))|"
    r"publicite\w*|prospection|demarchage|"
    r"uitschrijven|afmelden|unsubscribe\w*|abmelden|austragen|desabonne\w*|desinscri\w*|"
    r"remove\w*|acces a|access to",
)  # fmt: skip
# A call the writer proposes is no contact they object to.
_NO_CONCERN_BEFORE = re.compile(
    r"\b(?:schedule|book|arrange|set up|plan|have|hop on|jump on) (?:a |an )?(?:short |quick |"
    r"brief |video |phone )?$"
)
# The writer naming the account they mean: "meine E-Mail-Adresse im Portal ist diese hier",
# "my number is 06-...": which person, not a word about their data's use.
_IDENTIFIES = re.compile(
    r"(?:\s+\w+){0,3}\s+(?:is|ist|est|lautet|was|war)\s+(?:diese hier|dieselbe|dit|deze|hetzelfde|"
    r"this one|the same|celle-ci|celui-ci|la meme|le meme|\S+@\S+|\+?\d[\d -]{5,})"
)
# Someone else's data, as a parent or a representative writes of it.
THEIR_DATA = re.compile(
    r"\b(?:zijn|haar|hun|his|her|their|seine[nmr]?|ihre[nmr]?|ses|leurs?) "
    r"(?:persoons|persoonlijke |personal |personlichen |personnelles )?(?:gegevens|data|details|"
    r"information|daten|angaben|donnees|informations|rooster|timetable|stundenplan|"
    r"emploi du temps|cijfers|grades|noten|notes|dossier|account|konto|compte)\b"
)
# Spam and phishing that ask the reader for personal data.
SPAM = re.compile(
    r"\b(?:gewonnen|you(?:'ve| have)? won|winner|prize|prijs(?:vraag)?|gewinn\w*|gagne\w*|"
    r"lottery|loterij|lotto|lotterie|loterie|claim (?:your|it)|inheritance|erbschaft|"
    r"heritage|bitcoin|crypto\w*|"
    r"(?:verify|confirm|update|validate|re-?confirm) your (?:account|identity|details|"
    r"information|mailbox|password|login|credentials)|"
    r"(?:bevestig|verifieer) (?:uw|je) (?:mailbox|wachtwoord)|"
    r"(?:bestatigen|verifizieren) sie (?:ihr\w*) (?:postfach|passwort|kennwort)|"
    r"(?:confirmez|verifiez|validez) (?:votre) (?:boite|mot de passe)|"
    r"(?:bevestig|verifieer|update|bevestigen|verifieren) (?:\w+ ){0,4}(?:uw|je) "
    r"(?:gegevens|account|identiteit|inloggegevens)|"
    r"(?:bestatigen|verifizieren|aktualisieren) sie (?:\w+ ){0,6}ihre (?:daten|identitat|konto|"
    r"angaben|zugangsdaten)|(?:daten|identitat|konto) (?:jetzt )?(?:bestatigen|verifizieren)|"
    r"(?:verifiez|confirmez|mettez a jour|verifier|confirmer|mettre a jour) (?:\w+ ){0,3}"
    r"(?:votre|vos) (?:compte|identite|informations|coordonnees)|"
    # (a copy of *your* passport; "a copy of my passport" is the writer proving who they are)
    r"(?:kopie|scan|copy|copie) (?:(?!mijn |my |meine?s? |meiner |mon |ma )\w+ ){0,3}"
    r"(?:paspoort|passport|passeport|reisepass|"
    r"id-?kaart|id card|ausweis|identiteitsbewijs|personalausweis\w*|piece d'identite)|"
    # a fake register that threatens a fine and charges a fee
    r"(?:avg|gdpr|dsgvo|rgpd)[- ]?(?:register|registratie|registrierung)|registratiebijdrage|"
    r"registration fee|registrierungsgebuhr|frais d'enregistrement|"
    r"bank ?details|bankgegevens|bankdaten|bankverbindung|coordonnees bancaires|"
    r"(?:account|rekening|konto|compte) (?:\w+ ){0,3}(?:suspended|blocked|geblokkeerd|gesperrt|"
    r"suspendu|bloque))\b"
)
# The writer's own data, which spam never talks about.
OWN_DATA = vocabulary.words(vocabulary.MY_DATA)

# A sales pitch: two or more of these, and no word about the writer's own data. It may
# sell privacy services and name every right ("DSAR", "Auskunftsersuchen") to us.
SALES = re.compile(
    r"\b(?:(?:10|15|20|30)[- ]?(?:minute|minuten|min)\w*|calendar|calendly|kalender|agenda ?link|"
    r"demo\w*|book a (?:call|meeting|slot)|(?:kurzes?|unverbindliches?) (?:gesprach|telefonat)|"
    r"(?:kort|vrijblijvend) (?:gesprek|kennismakingsgesprek)|(?:court|bref) (?:echange|appel)|"
    r"companies like yours|unternehmen wie (?:ihr\w*|sie)|"
    r"bedrijven (?:zoals|als) (?:het uwe|jullie)|"
    r"entreprises comme (?:la votre|vous)|festpreis|pauschalpreis|"
    r"(?:ab|from|vanaf|des|a partir de) (?:eur ?|€ ?)?\d+(?: ?(?:eur|euro)\b| ?€)|"
    r"(?:per|pro|par|/) ?(?:month|monat|maand|mois)|vous propose|wir bieten|we offer|"
    r"wij bieden|nous proposons|consultant\w*|no thanks|nein danke|geen interesse|"
    r"pas interesse\w*|not interested|kein interesse|free trial|kostenlos\w* test\w*|"
    r"gratis (?:proef|demo|trial)|essai gratuit|lead (?:magnets?|generation)|leads|"
    r"(?:our|unsere|onze|notre) (?:platform|plattform|platform|plateforme|solution|losung|"
    r"oplossing|software|tool|service|dienstleistung)|we help|wij helpen|wir helfen|"
    r"nous aidons|wir ubernehmen|account executive|growth partner|sales manager|"
    # offering to show the product, and a sales signature
    r"(?:gern|gerne) zeigen? (?:ich|wir) ihnen|i(?:'d| would) (?:love|like) to show you|"
    r"rabatt|fruhbucher\w*|early[- ]bird|korting|remise|(?:gern|gerne) sende ich ihnen|"
    r"happy to show you|laat (?:ik|wij|we) (?:u|jullie|je) graag zien|"
    r"(?:je|nous) (?:vous )?montrer\w*|vertrieb(?: dach)?|passt ihnen|"
    r"(?:kostenlos\w* )?erstgesprach|vereinbaren sie)\b|"
    # a price: "ab 149 €/Monat" (no word boundary after the euro sign)
    r"\b(?:ab|from|vanaf|des|a partir de) (?:eur ?|€ ?)?\d+ ?€|€ ?/ ?(?:month|monat|maand|mois)\b"
)
# An invitation to an event: its programme may name every privacy subject ("data breaches",
# "requests from parents") without reporting or asking anything.
INVITATION = re.compile(
    r"\b(?:einladung|invitation|uitnodiging|invit\w+|webinar\w*|webinaire|fachtag|roundtable|"
    r"round table|conference|konferenz|congres|kongress|symposium|seminar\w*|seminaire|"
    # (not "ohne Anmeldung abrufbar": a file open to anyone)
    r"studiedag|workshop|rsvp|(?<!ohne )anmeldung|(?<!sans )inscription|(?<!zonder )aanmelden|"
    r"register (?:now|here|via|at)|"
    r"programme|programma|programm|au programme|themen|agenda|free of charge|kostenlos|"
    r"gratuit\w*|gratis|aussteller\w*|speakers?|sprecher\w*|intervenants?|sprekers?)\b"
)
# A question about the product: whether a setting exists, what it costs, before buying.
PRODUCT_QUESTION = re.compile(
    r"\b(?:is er een (?:instelling|mogelijkheid|optie)|is there (?:a|an) (?:setting|option)|"
    r"gibt es (?:eine|die) (?:einstellung|moglichkeit|option|funktion)|"
    r"is er een (?:functie|knop)|is there a (?:feature|function)|existe-t-il une fonction|"
    # a customer that uses the product, asking about it
    r"(?:wir nutzen|we use|we have been using|wij gebruiken|we gebruiken|nous utilisons) omix|"
    # a support question: something does not work
    r"is (?:dit|this|that) een bug|is this a bug|ist das ein (?:fehler|bug)|est-ce un bug|"
    r"foutmelding|error (?:message|code)|fehlermeldung|message d'erreur|loopt vast|"
    r"is there a (?:csv |excel )?template|sandbox|test environment|testomgeving|testumgebung|"
    r"roadmap|(?:moving|switching) (?:\w+ ){0,3}to omix|"
    r"kunnen (?:ouders|leerlingen|docenten|gebruikers) zelf|can (?:parents|pupils|students|"
    r"teachers|users) (?:themselves )?(?:change|edit|update|see)|"
    r"werkt niet|doesn'?t work|funktioniert nicht|ne fonctionne pas|"
    r"existe-t-il (?:un|une) (?:parametre|option|reglage)|"
    r"voordat we\b.{0,30}\b(?:aanschaffen|kopen|voorleggen|beslissen|besluiten)|"
    r"before (?:we|buying|deciding)\b|vor einer entscheidung|avant (?:achat|d'acheter|"
    r"de demander une offre)|(?:overgestapt|overstappen) op omix|"
    r"(?:wir uberlegen|we overwegen|we are considering|nous envisageons)\b.{0,60}"
    r"\b(?:einzusetzen|te gebruiken|to use|d'utiliser|omix)|"
    r"(?:nous cherchons|we zoeken|we are looking for|wir suchen) (?:un|une|een|a|an|ein\w*) "
    r"(?:nouvel? |nieuwe? |new |neue\w* )?(?:outil|tool|pakket|system\w*|software|logiciel)|"
    r"ordre de prix|prijsindicatie|price (?:range|indication)|preisrahmen|offerte|"
    r"(?:request|ask for) a quote|demander une offre|ein angebot|for a trial|proefperiode|"
    r"testphase|periode d'essai|looking at (?:\w+ )?software|"
    r"can (?:your|the) (?:planner|software|tool|system|app) (?:handle|do|support|show)|"
    r"kan (?:jullie|de|uw) (?:planner|software|app|pakket) (?:ook )?(?:omgaan|overweg)|"
    r"kann (?:ihr|ihre|die) (?:planer|software|app) (?:auch )?)\b"
)
# A job application: its "I consent to you keeping my CV" is not a request.
APPLICATION = re.compile(
    r"\b(?:sollicitatie\w*|solliciteer\w*|solliciteren|gesolliciteerd|open sollicitatie|"
    r"bewerbung\w*|bewerbe mich|initiativbewerbung|"
    r"job application|open application|speculative application|vacancy|my cv\b|mijn cv\b|"
    r"mein lebenslauf|mon cv\b|"
    r"(?:apply|applying|application) for (?:the|a|an) (?:[\w&/-]+ ){0,4}"
    r"(?:position|role|job|vacancy|internship)|candidature\w*|postuler|stage de fin d'etudes|"
    r"curriculum vitae|lebenslauf|werkstudent\w*|vacature\w*|stelle als)\b"
)


# The writer speaking of themselves: a concern counts in a sentence that has one ("our
# privacy meetup" in an invitation is not about the writer's data).
FIRST_PERSON = re.compile(
    r"\b(?:ik|mij|mijn|m'n|i|i'm|i've|i'd|my|me|mine|myself|ich|mich|mir|mein\w*|j'|moi|mon|ma|"
    r"mes)\b"
)
# A thank-you for something done, which asks for nothing more.
_THANKS = r"\b(?:bedankt|dank (?:u|je|jullie|voor)|thanks|thank you|danke|vielen dank|merci)\b"
_DONE = (
    r"\b(?:afgehandeld|verwerkt|gedaan|geregeld|opgelost|handled|done|processed|dealt with|sorted|"
    r"tout est clair|alles (?:is )?duidelijk|alles klar|all clear|bien recu|goed ontvangen|"
    r"gut erhalten|received (?:it|the file|everything)|tout me semble correct|"
    r"c'est parfait|perfect|perfekt|prima|top|super|great|geweldig|formidable|"
    r"afhandeling|helemaal goed|goed zo|bevestiging ontvangen|"
    r"erledigt|bearbeitet|umgesetzt|traite\w*|effectue\w*|regle\w*|en ordre|in orde|"
    r"in ordnung|all good|clore|clos|afsluiten|close the case|abschliessen|"
    r"(?:alles|alles ist) angekommen|keine weiteren fragen|geen verdere vragen|"
    r"no further questions|pas d'autres questions|nachvollziehbar)\b"
)
THANKS_DONE = re.compile(rf"{_THANKS}.{{0,200}}?{_DONE}|{_DONE}.{{0,200}}?{_THANKS}", re.S)


def concern(
    normalised: str, sentence: Callable[[int], tuple[int, int]], third_person: bool = False
) -> re.Match[str] | None:
    """The first phrase about the writer's data, privacy, consent, contact or marketing, in
    a sentence where the writer speaks of themselves (``sentence`` gives its bounds); with
    ``third_person`` (the writer writes for someone else), also about that person's data."""
    if third_person:
        found = THEIR_DATA.search(normalised)
        if found is not None:
            return found
    for match in CONCERN.finditer(normalised):
        if _NO_CONCERN_BEFORE.search(normalised, max(0, match.start() - 40), match.start()):
            continue  # "could we schedule a short call?"
        if _IDENTIFIES.match(normalised, match.end()):
            continue  # "my e-mail address in the portal is this one": which account, no concern
        if FIRST_PERSON.search(match.group(0)):
            return match
        low, high = sentence(match.start())
        if FIRST_PERSON.search(normalised, low, high):
            return match
    return None


@lru_cache(maxsize=8)  # asked about one text more than once
def thanks_only(normalised: str) -> bool:
    """A thank-you for a request already handled."""
    return THANKS_DONE.search(normalised) is not None


def spam(
    normalised: str, negated: Callable[[int, int], bool] = lambda start, end: False
) -> re.Match[str] | None:
    """The phrase that makes the mail spam asking the reader for data, if it is that: the
    first one that ``negated`` does not deny ("you are not yet in the GDPR register")."""
    if OWN_DATA.search(normalised):
        return None
    return next((m for m in SPAM.finditer(normalised) if not negated(*m.span())), None)


@lru_cache(maxsize=8)  # asked about one text more than once
def sales_pitch(normalised: str) -> bool:
    """An offer of services (two signs of a pitch), not about the writer's own data."""
    signs = {match.group(0) for match in SALES.finditer(normalised)}
    return len(signs) >= 2 and OWN_DATA.search(normalised) is None


@lru_cache(maxsize=8)  # asked about one text more than once
def product_question(normalised: str) -> bool:
    """A customer's or a prospect's question about the product (two signs of one: a setting,
    a price, a decision to buy), not about the writer's own data."""
    signs = {match.group(0) for match in PRODUCT_QUESTION.finditer(normalised)}
    return len(signs) >= 2 and OWN_DATA.search(normalised) is None


@lru_cache(maxsize=8)  # asked about one text more than once
def job_application(normalised: str) -> re.Match[str] | None:
    """The phrase that makes the mail a job application, if it is one: two signs of one
    ("Sollicitatie" and "mijn cv"; not a breach report that googled the writer's name
    "(Bewerbung, ...)")."""
    found = list(APPLICATION.finditer(normalised))
    return found[0] if len({match.group(0) for match in found}) >= 2 else None


@lru_cache(maxsize=8)  # asked about one text more than once
def invitation(normalised: str) -> bool:
    """An invitation to an event (two signs of one), not about the writer's own data."""
    signs = {match.group(0) for match in INVITATION.finditer(normalised)}
    return len(signs) >= 2 and OWN_DATA.search(normalised) is None
