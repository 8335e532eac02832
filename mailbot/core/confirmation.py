"""Reading a reply to a confirmation request or a sender check: yes, no, or unclear.

We ask the owner of an address "did you send this request?" (DOMAIN.md sections 4
and 7). ``read_answer`` reads their reply. The two possible mistakes do not cost
the same:

- a false **yes** lets someone else's erasure, restriction or objection go ahead
  in the person's name;
- a false **no** or **unclear** stops the case and shows it to the officer, who
  reads the reply and decides with one click.

Hence the order. A denial ("dat was ik niet", "I didn't send this", "pas moi",
"someone is pretending to be me") wins over everything, even over a yes in the
same text ("Ja, dit was ik niet"). Then a bare "nee"/"no"/"nein"/"non" as the
answer is a no, except next to a go-ahead ("Nee hoor, ga maar door": colloquial
and ambiguous, so unclear). A "no" that denies nothing ("no problem", "geen
probleem") is blanked out first.

Only then can the text be a yes, and a yes is read from an **allowlist**, not
from a yes word with a list of things that spoil it. A blocklist has to foresee
every way to write "yes, but": "Ja, dit is een vergissing", "Yes, my son sent
it", "Ja hoor, alsof ik dat zou doen", "Yes I received your email", or Czech
"Já jsem to neposlal" (*já* is "I") all start with a yes word and say no such
thing. So the reply is taken apart into its frame and its message:

- a greeting at the start ("Beste heer,", "Dear Sir or Madam,", "Hallo Tom,");
  a name in it must be written with capitals, so "Hallo dit is fout, ja" keeps
  its words;
- a closing ("Met vriendelijke groet", "Kind regards", "Mit freundlichen Grüßen",
  "Cordialement", "Thanks") and at most four short lines after it that look like
  a signature (a name in capitals, a company, a phone number), or anything
  after a "-- " line; "Sent from my iPhone" at the very end;

and every sentence that remains must be made only of allowed pieces (``_Yes``):
an answer word ("ja", "klopt", "yes", "oui"), a confirmation ("ik bevestig mijn
verzoek", "that was me", "das war ich", "je confirme"), politeness ("graag",
"please", "bitte", "merci") and a go-ahead ("ga uw gang", "go ahead"), the last
only next to a real yes. At least one answer or confirmation, at most 12 words
of message, at most 40 words in all. Anything else is unclear: the officer
reads it. The old blockers (negation, doubt, "but", withdrawal, a question,
"stop", "mistake", "hacked", a son or an ex-husband, sarcasm) still veto a yes
anywhere in the text, frame included, as a second line of defence.

Whatever the answer, ``Reading.phrase`` is the person's own text (its first 300
characters, white space collapsed), so that the officer sees everything they
wrote, not only the words the answer was read from.

Only the person's own new text counts: quoted lines and everything below a reply
header are dropped (``quoting.split_body``), because our own request, which they
quote, says "if you did not send it, tell us". Patterns are written against
normalised text (``classification.text.normalise``: lower case, no accents), with
every run of white space one character; a space in a pattern matches any single
white space, so a phrase wrapped over two lines still matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from mailbot.core.classification.text import Normalised, normalise
from mailbot.core.quoting import split_body


class Answer(StrEnum):
    YES = "yes"
    NO = "no"  # a denial: "that was not me"
    UNCLEAR = "unclear"


@dataclass(frozen=True, slots=True)
class Reading:
    answer: Answer
    phrase: str  # the person's own text, white space collapsed, cut short; "" when they wrote none


@dataclass(frozen=True, slots=True)
class _Cues:
    """What pulls one language's reply away from a yes. Regular expressions over normalised text."""

    denials: tuple[str, ...]  # "that was not me": the answer is no, whatever else is said
    no: str  # the bare answer word "no", counted only at the start of a sentence
    go_ahead: tuple[str, ...]  # "ga maar door": makes a bare "nee" unclear
    harmless: tuple[str, ...]  # "no problem": a no that denies nothing
    blockers: tuple[str, ...]  # negation, doubt, "but", "stop", "mistake", "my son": never a yes


@dataclass(frozen=True, slots=True)
class _Yes:
    """What a yes may be made of in one language (the allowlist), and the frame around it.

    Every piece is matched whole, between separators (space, comma, "en"/"and"), so
    a piece may not be cut out of a longer sentence: "klopt" allows "Klopt." but not
    "Klopt, ik had jullie vorige maand ook al gemaild".
    """

    answers: tuple[str, ...]  # a yes in a word or two: "ja", "klopt", "dat klopt"
    confirmations: tuple[str, ...]  # a yes in a short sentence: "ik bevestig mijn verzoek"
    go_ahead: tuple[str, ...]  # "ga uw gang", "verwijder alles": allowed only next to a yes
    courtesy: tuple[str, ...]  # "graag", "bedankt": allowed anywhere, says nothing
    greetings: tuple[str, ...]  # the word a greeting starts with: "beste", "hallo"
    titles: tuple[str, ...]  # what may follow it before a name: "heer", "mevrouw", "team"
    closings: tuple[str, ...]  # "met vriendelijke groet": a short signature may follow
    devices: tuple[str, ...]  # "verzonden vanaf mijn iPhone": a line the mail client adds


_NL_DONE = (
    r"(?:ge|ver|op|toe|door|aange)?stuurd|verzonden|(?:aan)?gevraagd|verzocht|ingediend|gedaan|"
    r"ge-?maild|geschreven|ingevuld|opgegeven"
)
# "I did not send" / "I never sent"; not "never send me mail again", which is no denial.
_EN_DID_NOT = (
    r"(?:did ?n'?t|did not)(?: \w+ly)? (?:send|ask|request|make|submit|write|e-?mail|mail|do)"
)
_EN_HAVE_NOT = (
    r"(?:never|have ?n'?t|have not|have never|had ?n'?t|had not|had never)(?: \w+ly| even| ever)? "
    r"(?:sent|asked|requested|made|submitted|wrote|written|e-?mailed|mailed|did|done)"
)
_DE_DONE = (
    r"(?:ab|zu|ver)?ge?schickt|gesendet|versendet|(?:ab|zu)?gesandt|versandt|beantragt|"
    r"angefordert|verlangt|eingereicht|gestellt|(?:an)?gefragt|gebeten|geschrieben|gemailt|"
    r"gemacht|getan"
)
_FR_DONE = (
    r"envoye\w*|expedie\w*|demande\w*|fait|faite|ecrit\w*|soumis\w*|formule\w*|rempli\w*|"
    r"depose\w*|transmis\w*|sollicite\w*"
)
_NL_AGREE = r"(?! (?:\w+ ){0,2}eens\b)"  # "dat ben ik niet met u eens": no denial
_START = r"(?:^|[\n.!?;])\s*"  # the start of the text or of a sentence
_GREETING = (
    r"(?:(?:hallo|hoi|hey|hi|hello|dag|beste|geachte|goede(?:n?dag|morgen|middag|avond)|dear|"
    r"good (?:morning|afternoon|evening)|guten (?:tag|morgen|abend)|sehr geehrte\w*|liebe\w*|"
    r"moin|bonjour|bonsoir|salut|madame|monsieur|chere?)\b[^\n.!?;]{0,60}?[,:!]?\s*)?"
)
_GRUSS = r"gr(?:u|ue)(?:ss|s)"  # "Gruß", "Grüße", "Gruesse" once normalised

_CUES: dict[str, _Cues] = {
    "nl": _Cues(
        denials=(
            r"\bwas ik (?:het |dat |dit )?(?:\w+ ){0,2}?(?:niet|nie|neit)\b",
            rf"\b(?:dat|dit|het) ben ik (?:\w+ ){{0,2}}?(?:niet|nie|neit)\b{_NL_AGREE}",
            rf"\bik (?:was|ben) (?:het|dat|dit) (?:\w+ )?(?:niet|nie|neit)\b{_NL_AGREE}",
            r"\b(?:was|ben) niet (?:ik|mij)\b|\bniet (?:door|van|via) mij\b",
            rf"\b(?:ik heb|heb ik|ik had|had ik|dat ik)(?: \S+){{0,4}}? "
            rf"(?:niet|nie|niks|niets|nooit|geen\w*)(?: \S+){{0,4}}? (?:{_NL_DONE})\b",
            r"\b(?:ik wil (?:dit|dat|het)|wil ik (?:dit|dat|het)?) ?(?:\w+ )?niet\b(?! meer)",
            r"\b(?:is|was) niet (?:mijn|m'n|van mij)\b",
            r"\bniet (?:mijn|m'n) (?:verzoek|e-?mail|mail)",
            r"\bklopt (?:helemaal |echt |gewoon )?niet\b|\bniet (?:juist|waar)\b|\bonjuist\b",
            r"\bken (?:ik|u|jullie) (?:\w+ )?niet\b|\bik ken (?:u|jullie|dit|dat) (?:\w+ )?niet\b",
            r"\bweet (?:ik )?(?:hier |daar |er )?(?:helemaal )?(?:van )?(?:niks|niets|nergens)\b",
            r"\b\w*fraude\w*|\boplicht\w*|\bphishing\b|\bnep(?:mail|bericht|verzoek)?\b|\bvervalst",
            r"\biemand anders\b",
            # "iemand doet zich voor als mij", "geeft zich uit als mij / voor mij uit"
            r"\b(?:doet|deed|geeft|gaf) zich (?:voor|uit) (?:als|voor) (?:mij|mijzelf|ik)\b",
            r"\bzich (?:als|voor) (?:mij|mijzelf) (?:voor ?doe\w*|uit ?ge\w*)",
            r"\bgeeft zich voor mij uit\b",
        ),
        no=r"nee+n?|neej|nope|nah|(?:zeker|absoluut|helemaal|echt) niet",
        go_ahead=(
            r"\bga (?:uw|je|u) gang\b|\bga (?:maar|gerust|u maar) (?:door|verder)\b|\bga maar\b",
            r"\bdoe maar\b|\bprima\b|\b(?:dat|het) is goed\b|\bgeen bezwaar\b",
        ),
        harmless=(r"\bgeen (?:probleem|punt)\b",),
        blockers=(
            r"\b(?:niet|nie|neit|geen|nooit|niks|niets|nergens|nee+n?|neej)\b",
            r"\b(?:misschien|wellicht|denk|geloof|twijfel\w*|waarschijnlijk|onzeker)\b",
            r"\b(?:intrek\w*|ingetrokken|annuleer\w*|annuleren|geannuleerd|laat maar|bedacht)\b",
            r"\b(?:maar|behalve|tenzij)\b",
            r"\b(?:wie (?:bent u|is dit|zijn jullie)|wat voor verzoek|welk verzoek|wat is dit)\b",
            r"\bklopt (?:het|dit|dat|alles)\b",  # "klopt het dat ...": a question without its "?"
            r"\bwaar gaat (?:dit|het) over\b",
            r"\b(?:vergis\w*|fout\w*|verkeerd\w*|per ongeluk)\b",
            r"\b(?:stop\w*|hou op|negeer\w*|vergeet (?:het|dit|dat))\b",
            r"\b(?:\w*hack\w*|gekraakt|misbruik\w*|wachtwoord\w*|iemand|ander(?:e|s)? persoon)\b",
            r"\bex\b|\bex-|\bmijn (?:man|vrouw)\b|\b(?:echtgeno\w*|zoon\w*|dochter\w*|broer\w*)\b",
            r"\b(?:zus|zusje|moeder|vader|vriend|vriendin|partner|collega|kinderen)\b",
            r"\bmijn kind\b",  # not a bare "kind": "Kind regards"
            r"\b(?:bewaar\w*|behoud\w*|houd (?:mijn|alles))\b",
            r"\b(?:ja hoor|alsof|jaja)\b|\bja\W{0,3}ja\b",  # "Ja hoor, alsof ik dat zou doen."
            r"\b(?:uitschrijv\w*|schrijf \w+ uit|afmeld\w*|meld \w+ af|nieuwsbrief\w*)\b",
        ),
    ),
    "en": _Cues(
        denials=(
            r"\bnot (?:me|mine)\b",
            r"(?:\bnot|n't|\b(?:was|were|is|did|does)nt) (?:\w+ ){0,2}?(?:from|by) me\b",
            r"\b(?:was|is|were)(?: ?n'?t| not) (?:me|mine)\b",
            rf"(?:{_START}|\bi )(?:{_EN_DID_NOT}|{_EN_HAVE_NOT})\b",
            r"\bi (?:do ?n'?t|do not) want (?:this|that|it|any of this)\b(?! ?(?:any ?more|now))",
            r"\bnot my (?:request|e-?mail|mail|message)\b",
            r"\bnot (?:true|right|correct)\b|\b(?:is|was) ?n'?t (?:true|right|correct)\b",
            r"\bincorrect\b|\buntrue\b|\bknow nothing about\b",
            r"\bsome ?(?:one|body) else\b|\bfraud\w*|\bphishing\b|\bscam\w*|\bfake\b|\bforged\b",
            r"\bforgery\b|\bspoof\w*|\bimpersonat\w*|\bidentity theft\b",
            # "someone is pretending to be me", "posing as me"
            r"\bpretend\w* to be (?:me|myself)\b|\bpos(?:e|es|ed|ing) as (?:me|myself)\b",
        ),
        no=r"no+|nope|nah|nay|(?:absolutely|certainly|definitely|of course) not|not at all",
        go_ahead=(
            r"\bgo ahead\b|\bproceed\b|\bcarry on\b|\bfine by me\b|\bthat'?s fine\b",
            r"\bfeel free\b",
        ),
        harmless=(r"\bno (?:problem\w*|worries)\b|\bnot a problem\b",),
        blockers=(
            r"\b(?:not|no+|never|nothing|nope|nah|none|nobody|neither|nor|cannot)\b|n't\b",
            r"\b(?:did|do|does|was|were|is|are|ca|wo|have|has|had|could|would|should|ai)nt\b",
            r"\b(?:maybe|perhaps|possibly|probably|might|think|guess|suppose|unsure)\b",
            r"\b(?:withdraw\w*|cancel\w*|retract\w*|revok\w*|changed my mind|never ?mind)\b",
            r"\b(?:but|however|except|unless|though|although)\b",
            r"\b(?:who (?:is|are) (?:this|you)|wh(?:at|ich) request|what(?: is|'s) this)\b",
            r"\b(?:mistake\w*|mistaken|error\w*|wrong\w*|accident\w*|by accident)\b",
            r"\b(?:stop\w*|ignor\w*|disregard\w*|forget (?:it|this|that))\b",
            r"\b(?:\w*hack\w*|compromised|misus\w*|abus\w*|password\w*|some ?(?:one|body))\b",
            r"\b(?:husband|wife|son|daughter|child|children|kid|kids|brother|sister)\b",
            r"\b(?:mother|father|mum|mom|dad|partner|boyfriend|girlfriend|colleague|friend)\b",
            r"\bex\b|\bex-",
            r"\b(?:keep|retain)\b",
            r"\b(?:yeah,? (?:right|sure|yeah)|sure,? sure|oh,? sure|as if)\b",
            r"\b(?:unsubscrib\w*|newsletter\w*)\b",
        ),
    ),
    "de": _Cues(
        denials=(
            r"\bwar ich (?:das |es )?(?:\w+ ){0,2}?nicht\b|\b(?:das|dies|es) bin ich nicht\b",
            r"\bich (?:war|bin) (?:das|es) (?:\w+ )?nicht\b",
            r"\bnicht (?:von|durch) mir\b|\bnicht ich\b",
            rf"\b(?:ich hab|ich habe|hab ich|habe ich|ich hatte|hatte ich)(?: \S+){{0,4}}? "
            rf"(?:nicht|nichts|nie|niemals|kein\w*)(?: \S+){{0,4}}? (?:{_DE_DONE})\b",
            r"\bhabe? ich (?:das |es )?(?:auch |wirklich )?nicht ?(?:[.!,;]|$)",
            rf"\bdass ich(?: \S+){{0,4}}? (?:nicht|nichts|nie|niemals|kein\w*)(?: \S+){{0,2}}? "
            rf"(?:{_DE_DONE})\b",
            r"\b(?:ich (?:will|mochte|moechte) (?:das|dies|es)|(?:will|mochte|moechte) ich "
            r"(?:das |es )?) ?(?:\w+ )?nicht\b(?! mehr)",
            r"\bnicht (?:meine|mein) (?:anfrage|antrag|e-?mail|mail|nachricht)\b",
            r"\bstimmt (?:so |doch |gar |uberhaupt |ueberhaupt )?nicht\b|\bist falsch\b",
            r"\bkenne? (?:ich|sie) (?:\w+ )?nicht\b",
            r"\bwei(?:ss|s) (?:ich )?(?:davon |von )?nichts\b",
            r"\bbetrug\w*|\bbetrueg\w*|\bphishing\b|\bfake\b",
            r"\bgef(?:a|ae)lscht\w*|\bf(?:a|ae)lschung",
            r"\bjemand (?:anders|anderes|fremdes)\b|\bidentit(?:a|ae)tsdiebstahl\b",
            # "jemand gibt sich als mich aus", "der sich für mich ausgibt"
            r"\b(?:gibt|gab) sich (?:als|f(?:u|ue)r) mich aus\b|\bsich (?:als|f(?:u|ue)r) mich aus",
        ),
        no=r"nein|nee|no|(?:sicher|bestimmt|absolut|gar) nicht|auf keinen fall",  # "nö": "no"
        go_ahead=(
            r"\bmachen sie (?:nur|ruhig|weiter)\b|\bfahren sie fort\b|\bnur zu\b|\bpasst\b",
            r"\bin ordnung\b|\bkein einwand\b",
        ),
        harmless=(r"\bkein problem\b|\bkeine ursache\b",),
        blockers=(
            r"\b(?:nicht|nichts|nie|niemals|kein\w*|nein|nee)\b",
            r"\b(?:vielleicht|eventuell|m(?:o|oe)glicherweise|wahrscheinlich|vermutlich)\b",
            r"\b(?:glaube|denke|unsicher)\b",
            r"\bzur(?:u|ue)ck\w*|\bwiderruf\w*|\bstorn\w*|\babbrech\w*|\banders (?:u|ue)berlegt",
            r"\b(?:aber|jedoch|allerdings|au(?:ss|s)er)\b",
            r"\b(?:wer (?:sind sie|ist das)|welche anfrage|was f(?:u|ue)r (?:eine|ne) anfrage)\b",
            r"\b(?:was ist das|worum geht es)\b",
            r"\bstimmt (?:das|es|alles)\b",  # "stimmt es, dass ...": a question without its "?"
            r"\b(?:irrtum\w*|irrt\w*|fehler\w*|falsch\w*|versehen\w*|verwechs\w*)\b",
            r"\b(?:stopp\w*|aufh(?:o|oe)r\w*|ignorier\w*|vergessen sie)\b",
            r"\b(?:\w*hack\w*|missbrauch\w*|passwort\w*|kennwort\w*|jemand\w*)\b",
            r"\bmein(?:e|em)? (?:mann|frau|ex\w*)\b|\b(?:ehe(?:mann|frau)|sohn|tochter)\b",
            r"\b(?:bruder|schwester|mutter|vater|freund|freundin|partner\w*|kollege\w*)\b",
            r"\bmein(?:e|em)? kind\b|\bkinder\b",  # not "kind\w*": "Kind regards"
            r"\b(?:behalt\w*|aufbewahr\w*|speicher\w*)\b",
            r"\b(?:abmeld\w*|abbestell\w*|newsletter\w*)\b",
        ),
    ),
    "fr": _Cues(
        denials=(
            r"\bpas (?:du tout )?(?:de |par )?moi\b",
            rf"\b(?:je n'?ai|j'?ai|je n ai)(?: \S+){{0,3}}? (?:pas|rien|jamais|aucune?|point)"
            rf"(?: (?!d'?autres?\b|autres?\b)\S+){{0,4}}? (?:{_FR_DONE})\b",
            r"\bje (?:ne )?(?:le |la |l')?veux pas\b(?! qu)",
            r"\bpas (?:ma|mon) (?:demande|e-?mail|mail|message|courriel)\b",
            r"\bpas (?:vrai|exact|correct)\b|\binexact\b|\bc'?est faux\b|\bpas au courant\b",
            r"\bfraud\w*|\barnaque\w*|\bescroquerie\w*|\bhameconnage\b|\bphishing\b",
            r"\busurp\w*|\bquelqu'?un d'?autre\b|\bune autre personne\b",
            r"\bse (?:fait|faisait|fasse|font) passer pour moi\b",  # "quelqu'un se fait passer..."
        ),
        no=r"non|nan|(?:certainement|absolument) pas|pas du tout",
        go_ahead=(
            r"\ballez-?y\b|\bvous pouvez (?:y aller|continuer|proceder)\b|\bca me va\b",
            r"\b(?:aucune|pas d') ?objection\b",
        ),
        harmless=(r"\b(?:pas de|aucun|sans) (?:probleme|souci)s?\b",),
        blockers=(
            r"\b(?:ne|pas|non|nan|jamais|rien|aucune?)\b|\bn'",
            r"\b(?:peut-?etre|peut etre|probablement|possible\w*|pense|crois|incertain\w*)\b",
            r"\b(?:retir\w*|annul\w*|renonc\w*|change d'?avis|laissez tomber)\b",
            r"\b(?:mais|cependant|toutefois|sauf)\b",
            r"\b(?:qui etes-?vous|quelle demande|c'?est quoi|de quoi s'?agit|qu'?est-ce que)\b",
            r"\b(?:erreur\w*|tromp\w*|faute|par megarde)\b",
            r"\b(?:arret\w*|stop\w*|ignor\w*|oubliez)\b",
            r"\b(?:\w*hack\w*|pirat\w*|mot de passe|quelqu'?un)\b",
            r"\bmon (?:mari|ex\w*|fils|frere|pere|conjoint|compagnon|ami|copain|collegue)\b",
            r"\bma (?:femme|fille|soeur|mere|conjointe|compagne|amie|copine|collegue)\b",
            r"\b(?:gardez|garder|conserv\w*)\b",
            r"\b(?:desinscri\w*|desabonn\w*|newsletter\w*)\b",
        ),
    ),
}
_ANY_LANGUAGE_BLOCKERS = (r"\?",)  # a question is not an answer

# The allowlist. Each entry is one piece a sentence of the answer may consist of.
_YESES: dict[str, _Yes] = {
    "nl": _Yes(
        answers=(
            r"ja+|jazeker|jawel|klopt(?: helemaal| inderdaad)?|(?:dat|dit|het) klopt(?: helemaal)?",
            r"inderdaad|correct|juist|akkoord|bevestigd|zeker|natuurlijk|uiteraard",
        ),
        confirmations=(
            r"(?:(?:hierbij|bij deze) )?(?:ik bevestig|bevestig ik)(?: (?:hierbij|bij deze))?"
            r"(?: (?:het|dit|dat|(?:mijn|het|dit|dat) verzoek))?(?: (?:hierbij|bij deze))?",
            r"(?:dat|dit|het) (?:ben|was) ik(?: (?:inderdaad|zelf|echt))?",
            r"ik (?:ben|was) (?:het|dat)(?: (?:inderdaad|zelf|echt))?",
            r"(?:dat|dit|het) is (?:juist|correct|mijn verzoek|van mij)",
            r"(?:het|dit|dat) verzoek (?:is|komt) van mij|ik ga (?:hiermee )?akkoord",
            r"ik heb (?:het|dit|dat)(?: verzoek)? (?:zelf )?(?:ge|ver)stuurd",
        ),
        go_ahead=(
            r"ga (?:uw|je|u) gang|ga (?:gerust )?(?:door|verder)|prima|(?:dat|het) is goed",
            r"(?:verwijder|wis) (?:alles|het|mijn (?:gegevens|account|data))",
            r"u mag (?:het|alles|mijn gegevens) verwijderen",
        ),
        courtesy=(
            r"graag|alstublieft|alsjeblieft|a\.?u\.?b\.?|s\.?v\.?p\.?",
            r"(?:alvast )?(?:hartelijk )?(?:bedankt|dank(?: u| je)?(?: wel)?)(?: alvast)?",
            r"(?:zo )?snel mogelijk|z\.?s\.?m\.?",
            r"laat (?:het )?(?:me|mij) (?:gerust )?weten als (?:u|jullie|je) nog iets nodig "
            r"(?:heeft|hebben|hebt)",
        ),
        greetings=(
            r"hallo|hoi|hey|hi|dag|beste|geachte|goede(?:n?dag|morgen|middag|avond)|goeie\w+",
        ),
        titles=(
            r"heer|heren|mevrouw|mevr\.?|meneer|dhr\.?|dames|en|of|team|allen|allemaal|iedereen",
            r"privacy|functionaris|gegevensbescherming|medewerker",
        ),
        closings=(
            r"(?:met )?(?:vriendelijke|hartelijke|beste|lieve|warme|veel|goede) groet(?:en|jes)?",
            r"groet(?:en|jes)?|gr|grt|mvg|vg|hoogachtend|tot ziens|fijne dag",
            r"(?:alvast )?(?:hartelijk )?(?:bedankt|dank(?: u| je)?(?: wel)?)(?: alvast)?",
        ),
        devices=(r"(?:verzonden|verstuurd) (?:vanaf|met|van|via) .{1,40}",),
    ),
    "en": _Yes(
        answers=(
            r"yes+|yeah|yep|yup|indeed|certainly|absolutely|affirmative|exactly|of course",
            r"correct|confirmed|sure",
        ),
        confirmations=(
            r"i (?:hereby |do |can )?confirm(?: (?:it|this|that|(?:my|the|this) request))?"
            r"(?: hereby)?",
            r"(?:that|this|it)(?:'s| is| was) (?:correct|right|true|me|mine|my request)",
            r"(?:that|this|it) (?:was|is) (?:indeed )?me|i did|i sent (?:it|this|that|the request)",
            r"i (?:made|submitted) (?:it|this|that|the|this) request|i agree",
        ),
        go_ahead=(
            r"(?:you (?:may|can) )?(?:go ahead|proceed|carry on)|(?:that'?s|that is) fine",
            r"fine by me|(?:delete|erase|remove) (?:it|everything|all|my (?:data|account|details))",
        ),
        courtesy=(
            r"please|ok(?:ay|e|ee)?|thanks(?: (?:again|in advance|a lot|so much))?|many thanks",
            r"thank you(?: (?:very much|so much|again|in advance))?",
            r"(?:as )?soon as possible|asap",
            r"let me know if you need anything(?: else)?",
        ),
        greetings=(
            r"hi|hello|hey|dear|good (?:morning|afternoon|evening|day)|greetings",
            r"to whom it may concern",
        ),
        titles=(
            r"sir|madam|or|and|mr\.?|mrs\.?|ms\.?|miss|dr\.?|team|privacy|officer|there|all",
            r"everyone|data protection",
        ),
        closings=(
            r"(?:with )?(?:kind|best|warm|warmest|kindest|many) (?:regards|wishes)",
            r"regards|best|cheers|all the best|kr|br|take care",
            r"(?:yours )?(?:sincerely|faithfully|truly)(?: yours)?",
            r"thanks(?: (?:again|in advance|a lot|so much))?|many thanks",
            r"thank you(?: (?:very much|so much|again|in advance))?",
        ),
        devices=(r"sent (?:from|with|via) .{1,40}|get outlook for .{1,20}",),
    ),
    "de": _Yes(
        answers=(
            r"ja+|jawohl|genau|richtig|korrekt|stimmt|das stimmt(?: so)?|einverstanden",
            r"best(?:a|ae)tigt|nat(?:u|ue)rlich|selbstverst(?:a|ae)ndlich|sicher|klar",
        ),
        confirmations=(
            r"(?:hiermit )?(?:ich best(?:a|ae)tige|best(?:a|ae)tige ich)(?: hiermit)?"
            r"(?: (?:es|das|dies|(?:meine|die|diese) anfrage|(?:meinen|den|diesen) antrag))?"
            r"(?: hiermit)?",
            r"(?:das|es) (?:war|bin) ich(?: (?:selbst|wirklich))?|ich (?:war|bin) (?:das|es)",
            r"das (?:ist|war) (?:richtig|korrekt|meine anfrage)|ich bin einverstanden",
            r"ich habe (?:das|es|die anfrage) (?:selbst )?(?:geschickt|gesendet|gestellt)",
        ),
        go_ahead=(
            r"machen sie (?:bitte )?weiter|fahren sie (?:bitte )?fort|nur zu|in ordnung|passt",
            r"l(?:o|oe)schen sie (?:bitte )?(?:alles|es|meine daten|mein konto)",
        ),
        courtesy=(
            r"bitte(?: sehr)?|gerne?|danke(?: (?:schon|sehr|vielmals))?|(?:vielen|herzlichen) dank",
            r"so schnell wie m(?:o|oe)glich|m(?:o|oe)glichst schnell",
        ),
        greetings=(
            r"hallo|hi|hey|moin|servus|guten (?:tag|morgen|abend)|sehr geehrte[rs]?|liebe[rs]?",
            rf"{_GRUSS} gott",
        ),
        titles=(r"damen|und|herren|herr|frau|dr\.?|team|datenschutz\w*|zusammen|alle",),
        closings=(
            rf"mit (?:freundlichen|besten|herzlichen|lieben|vielen) {_GRUSS}en",
            rf"(?:viele|beste|liebe|freundliche|herzliche|sch(?:o|oe)ne) {_GRUSS}e",
            rf"{_GRUSS}|mfg|lg|vg|tsch(?:u|ue)ss",
            r"danke(?: (?:schon|sehr|vielmals))?|(?:vielen|herzlichen) dank",
        ),
        devices=(r"von meinem .{1,40} gesendet|gesendet (?:von|mit) .{1,40}",),
    ),
    "fr": _Yes(
        answers=(
            r"oui|ouais|d'?accord|tout a fait|absolument|effectivement|bien sur|certainement",
            r"parfaitement|confirme|exact|exactement|correct|c'?est (?:exact|correct|juste)",
        ),
        confirmations=(
            r"je (?:le |la )?confirme(?: (?:ma|la|cette) demande(?: de suppression)?)?",
            r"je suis d'?accord",
            r"c(?:'| )?(?:est|etait) (?:bien )?moi(?: qui (?:l'?ai|ai) (?:fait|faite|envoye\w*)"
            r"(?: (?:la|cette|ma) demande)?)?",
            r"j'?ai (?:bien )?(?:envoye|fait) (?:cette|la|ma) demande",
        ),
        go_ahead=(
            r"allez-?y|vous pouvez (?:y aller|continuer|proceder)|ca me va",
            r"supprimez (?:tout|mes donnees|mon compte)",
        ),
        courtesy=(
            r"s'?il vous plait|svp|merci(?: (?:beaucoup|bien|infiniment))?",
            r"(?:des que|le plus vite) possible|volontiers|avec plaisir",
        ),
        greetings=(r"bonjour|bonsoir|salut|madame|monsieur|mesdames|messieurs|cher|chere?s?",),
        titles=(r"madame|monsieur|mesdames|messieurs|et|ou|l'?equipe|equipe|tous",),
        closings=(
            r"(?:bien |tres )?cordialement|bien a vous|amicalement|a bientot",
            r"(?:meilleures |sinceres )?salutations(?: distinguees)?|bonne (?:journee|soiree)",
            r"merci(?: (?:beaucoup|bien|infiniment))?",
        ),
        devices=(r"envoye (?:de|depuis|a partir de) .{1,40}",),
    ),
}
# A smiley or a thumbs up says no more than the words next to it; a thumbs down is no piece.
_EMOJI = r"(?:[\U0001f44d\U0001f44c\u2705\u2714\U0001f642\U0001f60a\U0001f64f\u263a]|:-?\))"
_EMOJI_TAIL = r"[\U0001f3fb-\U0001f3ff\ufe0f]*"

# A bare answer word is no answer when a number or these follow: "No. 5", "no idea".
_NOT_AN_ANSWER = r"(?!['-])(?! ?\.? ?\d)(?! (?:idea|clue|one|doubt|more|longer)\b)"
_LONGEST_TEXT = 10_000  # a longer reply is no clear answer: the officer reads it
_MOST_WORDS = 40  # in all the person's own text, frame included
_MOST_ANSWER_WORDS = 12  # in what remains once the greeting, closing and signature are gone
_MOST_SIGNATURE_LINES = 4  # after the closing: "Tom Baker", "Acme B.V.", "06-12345678"
_MOST_SIGNATURE_WORDS = 5  # on one such line
_LONGEST_SIGNATURE_LINE = 60
_SHOWN = 300  # characters of the person's text the officer sees as the phrase
_APOSTROPHES = str.maketrans(dict.fromkeys("´ʼ′＇", "'"))
_NEWLINES = frozenset("\n\x1c\x1d\x1e\x85\u2028\u2029")
# Sentences end at . ! ? ; before white space (not inside "B.V." or "a.u.b.") and at a newline.
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n")
_TRIM = " ,:;.!\"'“”„«»‹›*_-–—"  # what may stand around a sentence without changing it
_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_][\w'-]*")
_CONTACT = re.compile(r"\S*@\S*|\S*(?:https?:|www\.)\S*")  # an address or a site in a signature
_SIGNATURE_DELIMITER = re.compile(r"(?:^|\n)-- ?(?:\n|$)")  # "-- " alone on a line
# Lower-case words that may stand in a name or a signature line ("Jan de Vries", "Tel.").
_NAME_PARTICLES = frozenset(
    {
        *("van", "de", "der", "den", "ten", "ter", "te", "vd", "v", "d", "von", "vom", "zu"),
        *("zum", "le", "la", "du", "des", "di", "da", "del", "dos", "tel", "mob", "mobiel"),
        *("gsm", "fax", "t", "m", "e", "www", "bv", "nv", "vof", "gmbh", "ag", "sarl", "sa"),
        *("ltd", "llc", "inc"),
    }
)
# Words that make a line a sentence rather than a name: "It was me", "Ik wil stoppen".
_NOT_A_NAME = frozenset(
    {
        *("i", "me", "my", "mine", "it", "is", "was", "were", "are", "am", "he", "she", "his"),
        *("her", "they", "we", "you", "ik", "mij", "mijn", "het", "ben", "hij", "zij", "ze"),
        *("wij", "jij", "dit", "dat", "ich", "mich", "mein", "meine", "es", "ist", "war", "bin"),
        *("er", "sie", "wir", "das", "je", "moi", "mon", "ma", "mes", "est", "etait", "il"),
        *("elle", "ce", "nous", "vous", "other", "another", "andere", "anders", "anderer"),
        *("autre", "autres"),
    }
)


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns).replace(" ", r"\s"))


def _either(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def _answer_word(words: Iterable[str]) -> re.Pattern[str]:
    """One of ``words`` as the answer: at the start of a sentence, perhaps after a greeting."""
    return _compile([rf"{_START}{_GREETING}(?P<word>{'|'.join(words)})\b{_NOT_AN_ANSWER}"])


def _pieces(field: Callable[[_Yes], tuple[str, ...]]) -> str:
    """One of the entries ``field`` picks from each language's allowlist."""
    return _either(pattern for yes in _YESES.values() for pattern in field(yes))


_DENIAL = _compile(pattern for cues in _CUES.values() for pattern in cues.denials)
_NO = _answer_word(cues.no for cues in _CUES.values())
_GO_AHEAD = _compile(pattern for cues in _CUES.values() for pattern in cues.go_ahead)
_HARMLESS = _compile(pattern for cues in _CUES.values() for pattern in cues.harmless)
_BLOCKER = _compile(
    [*(pattern for cues in _CUES.values() for pattern in cues.blockers), *_ANY_LANGUAGE_BLOCKERS]
)

_ANSWERS = _pieces(lambda yes: yes.answers)
_CONFIRMATIONS = _pieces(lambda yes: yes.confirmations)
_GO_AHEAD_PIECES = _pieces(lambda yes: yes.go_ahead)
_COURTESY = _pieces(lambda yes: yes.courtesy)
# A sentence of the answer: allowed pieces, each whole, between spaces, commas, dashes or "and".
_PIECE = (
    rf"(?:(?:{_ANSWERS}|{_CONFIRMATIONS}|{_GO_AHEAD_PIECES}|{_COURTESY})(?!\w)"
    rf"|{_EMOJI}{_EMOJI_TAIL})"
)
_BETWEEN = r"(?:[ ,:&–—-]|\b(?:en|and|und|et)\b)*"
_ALLOWED_SENTENCE = _compile([rf"{_PIECE}(?:{_BETWEEN}{_PIECE})*"])
_A_YES = _compile([rf"(?<!\w)(?:{_ANSWERS}|{_CONFIRMATIONS})(?!\w)"])
# "Beste heer, mevrouw," "Hallo Tom," "Dear Sir or Madam:" "Hi": the names are checked apart.
_GREETING_LINE = _compile(
    [
        rf"(?:{_pieces(lambda yes: yes.greetings)})\b"
        rf"(?:[ /,]+(?:{_pieces(lambda yes: yes.titles)})(?![\w-]))*"
        rf"(?P<name>(?: [\w'.-]{{1,25}}){{0,3}}?) ?(?:[,:!]+|$)"
    ]
)
_CLOSING = _compile([rf"(?:{_pieces(lambda yes: yes.closings)})(?![\w-])[ ,.!:-]*"])
_DEVICE = _compile([rf"(?:{_pieces(lambda yes: yes.devices)})$"])


def read_answer(text: str) -> Reading:
    """Yes, no or unclear: what the person's own new text answers to "did you send this?".

    ``text`` is the reply's body; quoted lines and reply headers are dropped here
    too. A denial wins; a yes must be nothing but a yes (see the module docstring).
    """
    own = split_body(text).new_text
    shown = _shown(own)
    if not shown or len(own) > _LONGEST_TEXT:
        return Reading(Answer.UNCLEAR, shown)
    words = _words(own)
    if _DENIAL.search(words.text):
        return Reading(Answer.NO, shown)
    plain = _HARMLESS.sub(lambda match: " " * len(match[0]), words.text)
    if _NO.search(plain):
        if _GO_AHEAD.search(plain):  # "Nee hoor, ga maar door": which is it?
            return Reading(Answer.UNCLEAR, shown)
        return Reading(Answer.NO, shown)
    if _only_a_yes(words, plain):
        return Reading(Answer.YES, shown)
    return Reading(Answer.UNCLEAR, shown)


def _only_a_yes(words: Normalised, plain: str) -> bool:
    """Whether the text, its greeting, closing and signature set aside, is all allowed pieces."""
    if max(len(words.source.split()), len(_WORD.findall(plain))) > _MOST_WORDS:
        return False
    if _BLOCKER.search(plain):
        return False
    delimiter = _SIGNATURE_DELIMITER.search(plain)  # "-- ": all below it is a signature
    sentences = _sentences(plain, len(plain) if delimiter is None else delimiter.start())
    sentences = _without_greeting(words, plain, _without_closing(words, plain, sentences))
    if not sentences:
        return False
    message = [plain[start:end] for start, end in sentences]
    if sum(len(_WORD.findall(sentence)) for sentence in message) > _MOST_ANSWER_WORDS:
        return False
    if not all(_ALLOWED_SENTENCE.fullmatch(sentence) for sentence in message):
        return False
    return any(_A_YES.search(sentence) for sentence in message)


Span = tuple[int, int]


def _sentences(plain: str, stop: int) -> list[Span]:
    """The sentences and lines of ``plain[:stop]``, without what may stand around them."""
    spans: list[Span] = []
    start = 0
    for match in [*_SENTENCE_END.finditer(plain, 0, stop), None]:
        end = stop if match is None else match.start()
        span = _trimmed(plain, start, end)
        if span[0] < span[1]:
            spans.append(span)
        if match is not None:
            start = match.end()
    return spans


def _trimmed(plain: str, start: int, end: int) -> Span:
    while start < end and (plain[start] in _TRIM or plain[start].isspace()):
        start += 1
    while end > start and (plain[end - 1] in _TRIM or plain[end - 1].isspace()):
        end -= 1
    return start, end


def _without_closing(words: Normalised, plain: str, sentences: list[Span]) -> list[Span]:
    """``sentences`` up to a closing that only a short signature follows, if there is one.

    "Sent from my iPhone" at the end goes first. Then the first closing ("Met
    vriendelijke groet,", "Thanks, Tom") that nothing follows but a name on its
    own line and at most four signature lines ends the message. A "closing" with
    a sentence after it ends nothing: "Bedankt. Klopt, ik had jullie vorige maand
    ook al gemaild" is read whole.
    """
    kept = list(sentences)
    while kept and _DEVICE.match(plain, *kept[-1]):
        kept.pop()
    if not kept:
        return kept
    limit = kept[-1][1]
    for index, (start, end) in enumerate(kept):
        closing = _CLOSING.match(plain, start, end)
        if closing is None:
            continue
        line_end = plain.find("\n", closing.end(), limit)
        line_end = limit if line_end < 0 else line_end
        rest = _trimmed(plain, closing.end(), line_end)
        after = _lines(plain, line_end, limit)
        if (
            len(after) <= _MOST_SIGNATURE_LINES
            and (rest[0] == rest[1] or _is_signature(words, plain, *rest))
            and all(_is_signature(words, plain, *line) for line in after)
        ):
            return kept[:index]
    return kept


def _lines(plain: str, start: int, stop: int) -> list[Span]:
    """The lines of ``plain[start:stop]`` that hold something, without what stands around it."""
    spans = []
    for line in re.finditer(r"[^\n]+", plain[:stop]):
        if line.end() > start:
            span = _trimmed(plain, max(line.start(), start), line.end())
            if span[0] < span[1]:
                spans.append(span)
    return spans


def _without_greeting(words: Normalised, plain: str, sentences: list[Span]) -> list[Span]:
    """``sentences`` without a greeting at the start: "Beste heer,", "Hallo Tom, ja" -> "ja"."""
    if not sentences:
        return sentences
    start, end = sentences[0]
    greeting = _GREETING_LINE.match(plain, start, end)
    if greeting is None or not _is_name(words, plain, *greeting.span("name")):
        return sentences
    rest = _trimmed(plain, greeting.end(), end)
    return ([rest] if rest[0] < rest[1] else []) + sentences[1:]


def _is_signature(words: Normalised, plain: str, start: int, end: int) -> bool:
    """A short line that can be a name, a company or a phone number: "Tom Baker", "06-1234"."""
    if end - start > _LONGEST_SIGNATURE_LINE:
        return False
    line = _CONTACT.sub(lambda match: " " * len(match[0]), plain[start:end])
    return len(_LETTERS.findall(line)) <= _MOST_SIGNATURE_WORDS and _is_name(
        words, line, 0, len(line), start
    )


def _is_name(words: Normalised, text: str, start: int, end: int, offset: int = 0) -> bool:
    """Every word in ``text[start:end]`` written with a capital, or a particle like "de", "van".

    ``offset`` is where ``text`` starts in ``words.text``: the capitals are looked up in
    what the person wrote.
    """
    for match in _LETTERS.finditer(text, start, end):
        word = match[0]
        if word in _NOT_A_NAME:
            return False
        if word in _NAME_PARTICLES:
            continue
        if not words.source[words.offsets[offset + match.start()]].isupper():
            return False
    return True


def _shown(own: str) -> str:
    """The person's own text as the officer sees it: white space collapsed, cut short."""
    collapsed = " ".join(own.split())
    if len(collapsed) <= _SHOWN:
        return collapsed
    cut = collapsed[:_SHOWN]
    if " " in cut[_SHOWN // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut + " …"


def _words(text: str) -> Normalised:
    """``text`` normalised, each run of white space one character: a newline if it held one."""
    normalised = normalise(text.translate(_APOSTROPHES))
    chars: list[str] = []
    offsets: list[int] = []
    for char, offset in zip(normalised.text, normalised.offsets, strict=True):
        kept = char
        if char.isspace():
            kept = "\n" if char in _NEWLINES else " "
            if chars and chars[-1].isspace():
                if kept == "\n":
                    chars[-1] = kept
                continue
        chars.append(kept)
        offsets.append(offset)
    return Normalised("".join(chars), tuple(offsets), text)
