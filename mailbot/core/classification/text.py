"""Normalised text for matching, with a way back to the person's own words.

Cue patterns are written against lower-case text without accents (``löschen``
-> ``loschen``, ``données`` -> ``donnees``, ``ß`` -> ``ss``), so that mail typed
without accents matches the same cues. ``Normalised.original`` maps a span of
the normalised text back to the original text, which is what the officer sees
as evidence.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from mailbot.core.classification.prefilter import Words

# A single line break inside a sentence is the mail client wrapping the line ("over\nmij").
_WRAPPED = re.compile(r"(?<!\n)\n(?!\n)")
_SPECIAL = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "’": "'", "‘": "'", "`": "'"}
# Clauses end at punctuation, blank lines and list items; not at a single newline, which
# is the mail client wrapping the line ("..., ohne die Daten im\nStundenplan zu löschen").
# (a dash between spaces parts clauses too: "bitte nicht - bitte sperren Sie das")
_CLAUSE_END = re.compile(r"[.!?;:,]|\s[-–—]\s|\n\s*\n|\n(?=\s*(?:[-*•–—]|\d+[.)]\s))")
# Sentences end at . ! ? ; and at blank lines or list items; a single newline is
# usually a line wrapped by the mail client, not the end of a sentence.
_LONG_WORD = re.compile(r"[a-z]{4,}")
_SENTENCE_END = re.compile(
    # (the dot of a numbered item, "\n2. de notities ...", ends no sentence)
    r"(?<!\n\d)(?<!\n\d\d)[.!?;]+(?=\s|$)|\n\s*\n|\n(?=\s*(?:[-*•–—]|\d+[.)]\s))"
)
_LIST_ITEM = re.compile(r"\s*(?:[-*•–—]|\d+[.)]|[a-z]\))\s")
_NEGATION = re.compile(
    r"\b(?:niet|geen|nooit|not|don'?t|doesn'?t|didn'?t|never|no|nicht|kein\w*|nie|niemals|"
    r"ne|n'|pas|jamais|aucun\w*|"
    # "ohne die Daten zu löschen" (but not "without delay")
    r"ohne(?! (?:\w+ )?(?:verzogerung|aufschub))|without(?! (?:\w+ )?delay)|"
    r"zonder(?! (?:\w+ )?(?:uitstel|vertraging))|sans(?! (?:\w+ )?(?:delai|tarder|attendre)))\b"
)
_CONJUNCTION = re.compile(r"\b(?:und|and|en|et|aber|but|maar|mais)\b")
_NEGATION_AFTER = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,2}?(?:nog niet|noch nicht|pas encore|not yet)\b|"
    # "Die Löschung des Kontos bitte NICHT vornehmen", "verwijder het alstublieft niet"
    r"^\W{0,3}(?:\w+\W+){0,4}?(?:bitte|graag|alstublieft|aub) (?:noch )?(?:nicht|niet)\b"
)
_CONDITIONAL = re.compile(
    r"\b(?:if you|should you|in case you|als u|als jullie|indien u|wanneer u|mocht u|"
    r"falls sie|sollten sie|wenn sie|si vous|au cas ou vous|should you have)\b"
)

_DECLARED = re.compile(
    r"\b(?:is|are|will be|gets|wordt|worden|zal worden|wird|werden|sera|seront|est|sont)"
    r"\W+(?:\w+\W+)?$"
)
# Dutch puts "if" in the word order: "Heeft u bezwaar tegen ..., dan kunt u dat aangeven".
_INVERTED = re.compile(r"\b(?:heeft|hebt) u\b[^.?!]{0,150}?,\s*dan (?:kunt|kan|moet|kunnen)\b")
# A statement of the reader's rights ("your rights to access, rectification ..." in a
# supplier's notice, "vous disposez d'un droit d'acces"), not a request for any of them.
_INFORMATIONAL = re.compile(
    r"\b(?:uw|je|jouw|your|ihre|deine|vos|tes) (?:\w+ )?(?:rechten|rights|rechte|droits)\b|"
    r"\b(?:u|je|you|sie|du|vous) (?:heeft|hebt|have|haben|hast|avez|disposez|beschikt|"
    r"beschikken) (?:\w+ ){0,2}(?:recht|right|rechte?|droits?)\b"
)
# A mail footer's disclaimer ("if you are not the intended recipient, delete it").
_DISCLAIMER = re.compile(
    r"\b(?:intended recipient|(?:beoogde|juiste) (?:ontvanger|geadresseerde)|"
    r"(?:richtige|vorgesehene) (?:adressat|empfanger)|destinataire (?:prevu|vise)|"
    r"pas le destinataire|niet de (?:bedoelde|juiste) ontvanger|nicht der (?:richtige )?adressat|"
    r"received (?:it|this|this (?:e-?mail|message)) in error|irrtumlich erhalten|"
    r"per abuis ontvangen|recu (?:ce message |ce courriel )?par erreur)"
)
# A notice quoted back: "my account will be deleted", "wird gelöscht", "sera supprimé".
_ANNOUNCED = re.compile(r"\b(?:will be|wordt|zal worden|wird|werden|sera|seront)\W+(?:\w+\W+)?$")
# What the organisation said was done: "you told me that my data had been erased".
_REPORTED = re.compile(
    r"\b(?:told me|told us|said|wrote|confirmed|assured me|zei|zeiden|schreef|schreven|"
    r"bevestigde|bevestigden|schrieben|bestatigten|bestatigt|versichert|m'avez (?:dit|ecrit|"
    r"confirme))\b.{0,60}\b(?:had been|has been|have been|was|were|zijn|waren|werden|wurden|"
    r"seien|sei|avaient ete|a ete|ont ete)\W+(?:\w+\W+)?$"
)
# ... unless the writer wants it to be so: "ik wil dat alles wordt verwijderd".
_WANTED = re.compile(
    r"\b(?:wil|willen|wens|want|wish|would like|'d like|mochte|moechte|will|wunsche|"
    r"veux|veut|voudrais|souhaite|demande|exige)\b(?:\W+\w+){0,2}?\W+(?:dat|that|dass|que|qu)\b"
)
# The writer reporting what they did themselves ("we deleted the file", "ich habe es
# geloscht"): a past participle after a first-person auxiliary, not a request.
_OWN_PAST = re.compile(
    r"\b(?:(?:ik heb|wij hebben|we hebben|i have|i've|we have|we've|ich habe|wir haben|"
    r"j'ai|nous avons)\b(?:\W+\w+){0,3}?|i|we|wir|ich)\W+$"
)
# A request announced for later: "we will ask you ...", "wir werden Sie ... bitten".
_LATER = re.compile(
    r"\b(?:(?:we|i) (?:will|shall)|(?:we|i)'ll|(?:wij|we|ik) (?:zullen|zal)|"
    r"(?:wir|ich) (?:werden|werde)|"
    r"(?:nous|je) (?:allons|vais|vous demanderons|vous demanderai))\b(?:\W+\w+){0,6}?\W+"
    r"(?:ask|request|vragen|verzoeken|bitten|ersuchen|demander)"
)
# The writer's own (planned) action: "can we ... delete", "kunnen we ... verwijderen".
_OWN_PLAN = re.compile(
    r"\b(?:(?:can|could|may|shall|should) (?:we|i)|"
    r"(?:kunnen|mogen|moeten|kan|mag|moet) (?:we|wij|ik)|"
    r"(?:konnen|koennen|durfen|mussen|kann|darf|muss) (?:wir|ich)|(?:pouvons|devons)-nous|puis-je|"
    r"(?:we|i) (?:can|could|will|would) (?:then )?)\b"
)
_HAVE_IT_DONE = re.compile(r"\b(?:have|get|laten|lassen|faire|ask you|vragen)\b")
# Words that make it a request after all ("I have asked you to have it deleted").
_ASKED = re.compile(
    r"\b(?:asked|want\w*|would|gevraagd|verzocht|wil|gebeten|mochte|moechte|demande|veux|"
    r"you|u|jullie|sie|vous|to|te|zu|a|om)\b"
)
_MAY_I = re.compile(r"\b(?:can|could|may|kan|mag|kann|darf|puis|pourrais)\W*$")
_PARTICIPLE = re.compile(r"(?:ed|d|t|e|es|ee|ees)$")


@dataclass(frozen=True)
class Normalised:
    text: str
    offsets: tuple[int, ...]
    source: str
    _sentence_starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def sentence(self, position: int) -> tuple[int, int]:
        """The bounds of the sentence that holds ``position``."""
        if not self._sentence_starts:
            self._sentence_starts.append(0)
            self._sentence_starts.extend(m.end() for m in _SENTENCE_END.finditer(self.text))
            self._sentence_starts.append(len(self.text) + 1)
        index = bisect_right(self._sentence_starts, position) - 1
        return self._sentence_starts[index], self._sentence_starts[index + 1]

    @cached_property
    def words(self) -> Words:
        """Where the text's words begin (``prefilter``; the same in ``flat``)."""
        return Words(self.text)

    @cached_property
    def flat(self) -> str:
        """``text`` with the lines the mail client wrapped joined again: a single newline
        becomes a space (same length, so spans stay those of ``text``)."""
        return _WRAPPED.sub(" ", self.text)

    def list_lead(self, position: int) -> tuple[int, int] | None:
        """The sentence that introduces the list item holding ``position`` ("I ask you to:
        - ...; - ..."), or None when ``position`` is not in a list item."""
        low, _ = self.sentence(position)
        if not _LIST_ITEM.match(self.text, low):
            return None
        while low > 0:
            low, high = self.sentence(low - 1)
            if not _LIST_ITEM.match(self.text, low):
                return low, high
        return None

    def original(self, start: int, end: int) -> str:
        """The original text behind ``text[start:end]``."""
        if start >= end or not self.offsets:
            return ""
        first = self.offsets[start]
        last = self.offsets[min(end, len(self.offsets)) - 1] + 1
        return " ".join(self.source[first:last].split())

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The bounds of the clause (sentence part) around ``text[start:end]``."""
        # The last clause end before ``start`` is that of a scan of ``text[:start]``: it is
        # resumed after the last word of four letters before ``start`` (no clause end
        # takes or looks past a letter, so the scan up to there is the whole text's).
        words = self._long_words
        index = bisect_right(words, start, key=lambda span: span[0] + 4) - 1
        resume = min(words[index][1], start) if index >= 0 else 0
        before = [m.end() for m in _CLAUSE_END.finditer(self.text, resume, start)]
        if not before:
            ends = self._clause_ends
            index = bisect_right(ends, resume) - 1
            before = [ends[index]] if index >= 0 else []
        after = _CLAUSE_END.search(self.text, end)
        return (before[-1] if before else 0, after.start() if after else len(self.text))

    @cached_property
    def _long_words(self) -> list[tuple[int, int]]:
        return [m.span() for m in _LONG_WORD.finditer(self.text)]

    @cached_property
    def _clause_ends(self) -> list[int]:
        return [m.end() for m in _CLAUSE_END.finditer(self.text)]

    def is_negated(self, start: int, end: int) -> bool:
        """A negation word earlier in the same clause, or "not yet" right after."""
        clause_start, clause_end = self.clause(start, end)
        window = self.text[max(clause_start, start - 40) : start]
        # "rufen Sie mich nicht an und löschen Sie ...": the "and" starts a new verb phrase
        window = _CONJUNCTION.split(window)[-1]
        if _NEGATION.search(window):
            return True
        return bool(_NEGATION_AFTER.match(self.text[end:clause_end]))

    def is_informational(self, start: int, end: int) -> bool:
        """The phrase sits in a sentence that tells the reader their rights."""
        low, high = self.sentence(start)
        return _INFORMATIONAL.search(self.text, low, high) is not None

    def is_disclaimer(self, start: int, end: int) -> bool:
        """The phrase sits in a mail footer's confidentiality disclaimer."""
        low, high = self.sentence(start)
        # (a footer wrapped by the mail client: "nicht der richtige\nAdressat")
        return _DISCLAIMER.search(self.flat, max(0, low - 200), high) is not None

    def is_announced(self, start: int, end: int) -> bool:
        """The phrase repeats a notice ("your account will be deleted in 30 days")."""
        clause_start, _ = self.clause(start, end)
        low, _ = self.sentence(start)
        if _REPORTED.search(self.flat[max(low, start - 100) : start]):
            return True  # "you told me my data had been removed"
        if _ANNOUNCED.search(self.text[max(clause_start, start - 25) : start]) is None:
            return False
        return _WANTED.search(self.text[max(low, start - 80) : start]) is None

    def is_own_past(self, start: int, end: int) -> bool:
        """The phrase is a past participle the writer says they did ("we deleted it")."""
        if not _PARTICIPLE.search(self.text[start:end]):
            return False
        clause_start, _ = self.clause(start, end)
        window_start = max(clause_start, start - 60)
        found = _OWN_PAST.search(self.text[window_start:start])
        if found is None or _ASKED.search(found.group(0)) is not None:
            return False
        # "Can I have my account deleted?" asks for it
        return (
            _MAY_I.search(
                self.text[max(0, window_start + found.start() - 12) : window_start + found.start()]
            )
            is None
        )

    def is_for_later(self, start: int, end: int) -> bool:
        """The writer announces they will ask for it later ("we will ask you in a separate
        letter to delete all data"): not asked yet."""
        low, _ = self.sentence(start)
        return _LATER.search(self.text, max(low, start - 80), start) is not None

    def is_own_plan(self, start: int, end: int) -> bool:
        """The writer asks whether *they* may do it ("can we delete everything afterwards?"),
        not that the organisation does ("can I have it deleted?")."""
        low, _ = self.sentence(start)
        before = self.text[max(low, start - 60) : start]
        found = _OWN_PLAN.search(before)
        return found is not None and _HAVE_IT_DONE.search(before, found.end()) is None

    def is_conditional(self, start: int, end: int) -> bool:
        """The phrase sits in an "if you ..." clause about the organisation, not a request."""
        clause_start, _ = self.clause(start, end)
        if _CONDITIONAL.search(self.text, clause_start, start):
            return True
        low, high = self.sentence(start)
        # "If you pay within 72 hours, the data is deleted": what follows from a condition
        # ("If you have my data, delete it" still asks)
        sentence = self.text[low:high]
        opening = _CONDITIONAL.match(self.text, low + len(sentence) - len(sentence.lstrip()))
        if opening and _DECLARED.search(self.text[max(opening.end(), start - 20) : start]):
            return True
        return any(m.start() < start < m.end() for m in _INVERTED.finditer(self.text, low, high))


def _replacement(char: str) -> str:
    """What ``char`` becomes: lower case, without accents (``_SPECIAL`` letters spelt out)."""
    lowered = char.lower()
    replacement = _SPECIAL.get(lowered)
    if replacement is None:
        decomposed = unicodedata.normalize("NFKD", lowered)
        replacement = "".join(c for c in decomposed if not unicodedata.combining(c))
    return replacement


_MAX_TABLE = 20_000


class _Replacements(dict[int, str]):
    """``str.translate`` table of ``_replacement``, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        if len(self) >= _MAX_TABLE:  # a bound on what mail in many scripts can add
            self.clear()
        self[code] = replacement = _replacement(chr(code))
        return replacement


class _Uneven(dict[int, str]):
    """``str.translate`` table that keeps only the characters whose replacement is not one
    character (``ß``, a combining accent, ``…``) and drops the others."""

    def __missing__(self, code: int) -> str:
        if len(self) >= _MAX_TABLE:
            self.clear()
        char = chr(code)
        self[code] = kept = "" if len(_replacement(char)) == 1 else char
        return kept


_REPLACED = _Replacements()
_UNEVEN = _Uneven()
# Runs of blanks: after a newline they go; elsewhere they become one space.
_BLANKS = re.compile(r"(?<=\n)[ \t\r\f\v\u00a0]+|[ \t\r\f\v\u00a0]{2,}|[\t\r\f\v\u00a0]")


def normalise(text: str) -> Normalised:
    """Lower-case, accents removed, whitespace runs collapsed (newlines kept)."""
    offsets: list[int] | range
    if text.isascii():
        mapped = text.lower().replace("`", "'")
        offsets = range(len(text))
    elif not text.translate(_UNEVEN):
        mapped = text.translate(_REPLACED)  # one character for one: offsets unchanged
        offsets = range(len(text))
    else:
        mapped = text.translate(_REPLACED)
        # each character stands for its place in ``text``; an uneven one for as many
        # characters as it becomes (none, or several)
        uneven = "".join(set(text.translate(_UNEVEN)))
        offsets = []
        done = 0
        for found in re.finditer(f"[{re.escape(uneven)}]", text):
            index = found.start()
            offsets.extend(range(done, index))
            offsets.extend([index] * len(_REPLACED[ord(text[index])]))
            done = index + 1
        offsets.extend(range(done, len(text)))
    chars: list[str] = []
    kept: list[int] = []
    done = 0
    for blanks in _BLANKS.finditer(mapped):
        start, end = blanks.span()
        chars.append(mapped[done:start])
        kept.extend(offsets[done:start])
        if start == 0 or mapped[start - 1] != "\n":
            chars.append(" ")
            kept.append(offsets[start])
        done = end
    if not done:
        return Normalised(mapped, tuple(offsets), text)
    chars.append(mapped[done:])
    kept.extend(offsets[done:])
    return Normalised("".join(chars), tuple(kept), text)
