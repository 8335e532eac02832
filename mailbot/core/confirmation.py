"""Reading a reply to a confirmation request or a sender check: yes, no, or unclear.

We ask the owner of an address "did you send this request?" (DOMAIN.md sections 4
and 7). ``read_answer`` reads their reply. The two possible mistakes do not cost
the same:

- a false **yes** lets someone else's erasure, restriction or objection go ahead
  in the person's name. So a yes needs a clear phrase ("ja", "I confirm", "c'est
  bien moi") and nothing that pulls the other way: no negation, no doubt, no
  question, no "but", no withdrawal;
- a false **no** or **unclear** stops the case and shows it to the officer, who
  reads the reply and decides with one click.

Hence the order: a denial ("dat was ik niet", "I didn't send this", "pas moi")
wins over everything, even over a yes in the same text ("Ja, dit was ik niet").
Then a bare "nee"/"no"/"nein"/"non" as the answer is a no, except next to a
go-ahead ("Nee hoor, ga maar door": colloquial and ambiguous, so unclear). Only
then can the text be a yes. A "no" that denies nothing ("no problem", "geen
probleem") is blanked out first.

Only the person's own new text counts: quoted lines and everything below a reply
header are dropped (``quoting.split_body``), because our own request, which they
quote, says "if you did not send it, tell us". Patterns are written against
normalised text (``classification.text.normalise``: lower case, no accents), with
every run of white space one character; a space in a pattern matches any single
white space, so a phrase wrapped over two lines still matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
    phrase: str  # the words the answer was read from, as the person wrote them ("" when unclear)


@dataclass(frozen=True, slots=True)
class _Cues:
    """What one language says. Every entry is a regular expression over normalised text."""

    denials: tuple[str, ...]  # "that was not me": the answer is no, whatever else is said
    no: str  # the bare answer word "no", counted only at the start of a sentence
    yes: str  # a bare answer word meaning yes, counted only at the start of a sentence
    confirmations: tuple[str, ...]  # a clear yes anywhere in the text
    go_ahead: tuple[str, ...]  # "ga maar door": never a yes alone; makes a bare "nee" unclear
    harmless: tuple[str, ...]  # "no problem": a no that denies nothing
    blockers: tuple[str, ...]  # negation, doubt, withdrawal, "but", "who are you": never a yes


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
# After an answer word that can also start another sentence ("Correct my address"): it stands alone.
_ALONE = r"(?= ?(?:[,.!;:\n]|$))"
_GREETING = (
    r"(?:(?:hallo|hoi|hey|hi|hello|dag|beste|geachte|goede(?:n?dag|morgen|middag|avond)|dear|"
    r"good (?:morning|afternoon|evening)|guten (?:tag|morgen|abend)|sehr geehrte\w*|liebe\w*|"
    r"moin|bonjour|bonsoir|salut|madame|monsieur|chere?)\b[^\n.!?;]{0,60}?[,:!]?\s*)?"
)

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
        ),
        no=r"nee+n?|neej|nope|nah|(?:zeker|absoluut|helemaal|echt) niet",
        yes=(
            rf"ja+h?|jawel|jazeker|jep|jup|klopt|akkoord|inderdaad|zeker|"
            rf"(?:bevestigd|correct|juist){_ALONE}"
        ),
        confirmations=(
            r"\bik bevestig\w*|\bbevestig ik\b|\b(?:hierbij|bij deze) bevestig",
            r"\b(?:dat|dit|het) klopt\b|\bdat is (?:juist|correct)\b",
            r"\b(?:dat|dit|het) (?:ben|was) ik\b|\bik (?:ben|was) (?:het|dat)\b",
            r"\bik (?:ga|ben) akkoord\b",
            r"\bik heb (?:het|dit|dat)(?: verzoek)? (?:zelf )?(?:ge|ver)stuurd\b",
        ),
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
        ),
        no=r"no+|nope|nah|nay|(?:absolutely|certainly|definitely|of course) not|not at all",
        yes=(
            rf"yes+|yeah?|yep|yup|indeed|sure|certainly|absolutely|affirmative|exactly|"
            rf"(?:confirmed|correct){_ALONE}"
        ),
        confirmations=(
            r"\bi (?:hereby |do |can )?confirm\w*",
            r"\b(?:that|this|it)(?:'s| is| was) (?:correct|right|true)\b",
            r"\b(?:that|this|it)(?:'s| is| was) me\b",
            r"\bi (?:did )?(?:send|sent) (?:it|this|that|the request)\b|\bi (?:agree|consent)\b",
        ),
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
        ),
        no=r"nein|nee|no|(?:sicher|bestimmt|absolut|gar) nicht|auf keinen fall",  # "nö": "no"
        yes=(
            rf"ja+|jawohl|jap|genau|stimmt|einverstanden|nat(?:u|ue)rlich|"
            rf"(?:richtig|korrekt|best(?:a|ae)tigt|klar|sicher){_ALONE}"
        ),
        confirmations=(
            r"\bich best(?:a|ae)tige\w*|\bbest(?:a|ae)tige ich\b|\bhiermit best(?:a|ae)tige",
            r"\bdas (?:ist |war )?(?:stimmt|richtig|korrekt)\b",
            r"\b(?:das|es) (?:war|bin) ich\b|\bich (?:war|bin) (?:das|es)\b",
            r"\bich bin einverstanden\b",
            r"\bich habe (?:das|es|die anfrage) (?:selbst )?(?:geschickt|gesendet|gestellt)\b",
        ),
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
        ),
        no=r"non|nan|(?:certainement|absolument) pas|pas du tout",
        yes=(
            rf"oui|ouais|d'?accord|tout a fait|absolument|effectivement|bien sur|certainement|"
            rf"parfaitement|(?:confirme|exact|exactement){_ALONE}"
        ),
        confirmations=(
            r"\bje (?:le |la )?confirme\b",
            r"\bc(?:'| )?(?:est|etait) (?:bien )?moi\b",
            r"\bc(?:'| )?est (?:exact|correct|juste)\b",
            r"\bd'?accord\b",
            r"\bj'?ai (?:bien )?(?:envoye|fait) (?:cette|la|ma) demande\b",
        ),
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
        ),
    ),
}
_ANY_LANGUAGE_BLOCKERS = (r"\?",)  # a question is not an answer

# A bare answer word is no answer when a number or these follow: "No. 5", "no idea".
_NOT_AN_ANSWER = r"(?!['-])(?! ?\.? ?\d)(?! (?:idea|clue|one|doubt|more|longer)\b)"
_LONGEST_PHRASE = 200
_LONGEST_TEXT = 10_000  # a longer reply is no clear answer: the officer reads it
_BREAK = re.compile(r"[.!?;]+|\n")
_APOSTROPHES = str.maketrans(dict.fromkeys("´ʼ′＇", "'"))
_NEWLINES = frozenset("\n\x1c\x1d\x1e\x85\u2028\u2029")


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns).replace(" ", r"\s"))


def _answer_word(words: Iterable[str]) -> re.Pattern[str]:
    """One of ``words`` as the answer: at the start of a sentence, perhaps after a greeting."""
    return _compile([rf"{_START}{_GREETING}(?P<word>{'|'.join(words)})\b{_NOT_AN_ANSWER}"])


_DENIAL = _compile(pattern for cues in _CUES.values() for pattern in cues.denials)
_NO = _answer_word(cues.no for cues in _CUES.values())
_YES = _answer_word(cues.yes for cues in _CUES.values())
_CONFIRMATION = _compile(pattern for cues in _CUES.values() for pattern in cues.confirmations)
_GO_AHEAD = _compile(pattern for cues in _CUES.values() for pattern in cues.go_ahead)
_HARMLESS = _compile(pattern for cues in _CUES.values() for pattern in cues.harmless)
_BLOCKER = _compile(
    [*(pattern for cues in _CUES.values() for pattern in cues.blockers), *_ANY_LANGUAGE_BLOCKERS]
)


def read_answer(text: str) -> Reading:
    """Yes, no or unclear: what the person's own new text answers to "did you send this?".

    ``text`` is the reply's body; quoted lines and reply headers are dropped here
    too. A yes needs a clear phrase and nothing against it; a denial wins.
    """
    own = split_body(text).new_text
    if len(own) > _LONGEST_TEXT:
        return Reading(Answer.UNCLEAR, "")
    words = _words(own)
    denial = _DENIAL.search(words.text)
    if denial is not None:
        return Reading(Answer.NO, _phrase(words, denial.start(), denial.end()))
    plain = _HARMLESS.sub(lambda match: " " * len(match[0]), words.text)
    bare_no = _NO.search(plain)
    if bare_no is not None:
        if _GO_AHEAD.search(plain):  # "Nee hoor, ga maar door": which is it?
            return Reading(Answer.UNCLEAR, "")
        return Reading(Answer.NO, _phrase(words, *bare_no.span("word")))
    found = [
        match.span("word") if pattern is _YES else match.span()
        for pattern in (_YES, _CONFIRMATION)
        if (match := pattern.search(plain)) is not None
    ]
    if not found or _BLOCKER.search(plain):
        return Reading(Answer.UNCLEAR, "")
    return Reading(Answer.YES, _phrase(words, *min(found)))


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


def _phrase(words: Normalised, start: int, end: int) -> str:
    """The sentence around ``words.text[start:end]`` as written; only those words if it is long."""
    text = words.text
    begin = max((match.end() for match in _BREAK.finditer(text, 0, start)), default=0)
    after = _BREAK.search(text, end)
    stop = len(text) if after is None else after.end()  # a newline at the end drops out
    if stop - begin > _LONGEST_PHRASE:
        begin, stop = start, end
    return words.original(begin, stop)
