"""Which rights a mail asks for, with the evidence and a confidence.

The mail's language is told first; its lexicon (and that of a second language
with a real share of the text) marks every concept in the subject and in the
person's own text (not quotes, not a forwarder's note; the request a reminder
quotes, and an attached letter, are read too). Each rule of ``rules`` then
looks for its concepts close together in one sentence. A rule in a negated
clause ("don't delete it yet") does not count; one in an "if you ..." clause
about the organisation counts for little; one that only *tells* (the reader's
rights in a supplier's notice, a footer's disclaimer, the writer's own past
action, a notice repeated) counts for nothing, and says why. Each right sums the
best weight of each of its rules, every piece of text counted once per right; a
right is asked for when its sum reaches the threshold.

Recall first (``_recall``): what else the mail is (its topics), what asks
nothing of us after all (phishing, a sales pitch, an invitation, an application,
a thank-you, a company's invoice), and whether the officer must decide: only a
mail that is clearly no request is left without a clock.

The confidence says how far every right's score is from a doubtful zone, the
weakest right deciding: a found right is sure when it clears the threshold by
far; a right not found is sure when no action supports it at all, and doubtful
when one does (something was asked, but not clearly enough). It is lowered when
the language is unknown, the text is very short, the mail refers to an earlier
request, or it talks about the person's data without asking for any right that
could be recognised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from mailbot.core.classification import (
    lexicon_de,
    lexicon_en,
    lexicon_fr,
    lexicon_nl,
    vocabulary,
)
from mailbot.core.classification.articles import cited_rights
from mailbot.core.classification.language import detect_language, language_votes, other_language
from mailbot.core.classification.prefilter import Cue, Words
from mailbot.core.classification.recall import (
    FIRST_PERSON,
    concern,
    invitation,
    job_application,
    product_question,
    sales_pitch,
    spam,
    thanks_only,
)
from mailbot.core.classification.rules import ANCHOR, CLOSE, RULES, THRESHOLD, Rule
from mailbot.core.classification.text import Normalised, normalise
from mailbot.core.classification.topics import (
    DECIDING,
    Topic,
    find_topics,
    has_complaint,
    ordered_topics,
)
from mailbot.core.mail import DocumentText
from mailbot.core.rights import Right, ordered

LEXICONS: dict[str, dict[str, re.Pattern[str]]] = {
    language: {concept: re.compile(pattern) for concept, pattern in module.LEXICON.items()}
    for language, module in (
        ("nl", lexicon_nl),
        ("en", lexicon_en),
        ("de", lexicon_de),
        ("fr", lexicon_fr),
    )
}
# The same patterns, each run only on a text that has words it could match.
_CUES: dict[str, tuple[tuple[str, Cue], ...]] = {
    language: tuple((concept, Cue(pattern)) for concept, pattern in lexicon.items())
    for language, lexicon in LEXICONS.items()
}
# A second language counts when it has this share of the first one's function words
# (a Dutch mail with English sentences in it); its lexicon is then tried as well.
SECOND_LANGUAGE_SHARE = 0.3
ARTICLE_WEIGHT = 1.3
SUBJECT_FACTOR = 0.85
QUOTED_FACTOR = 0.9
CONDITIONAL_FACTOR = 0.3
STEEPNESS = 5.0
FOUND_CENTRE = 0.85  # a found right scoring this much is a coin flip
MISSED_CENTRE = 0.45  # a right not found scoring this much is a coin flip
TOPIC_ONLY = 0.2  # what topic words alone count for
MAX_TEXT = 20_000
MAX_EVIDENCE = 16
MIN_FOREIGN_WORDS = 6  # a mail in another language is a case when it says this much

_AUTHORISATION = re.compile(
    r"\b(?:vollmacht|volmacht|machtiging|power of attorney|letter of authori[sz]ation|"
    r"(?:letter|form) of authority|authori[sz]ation form|procuration|mandat)\b"
)
# The words that grant it: "I, the undersigned, authorise", "hierbij machtig ik".
_GRANTS = re.compile(
    r"\b(?:hierbij machtig|machtig(?:t)? (?:ik )?hierbij|i,? the undersigned,? (?:hereby )?"
    r"authori[sz]e|i hereby authori[sz]e|(?:ich )?bevollmachtige (?:ich )?hiermit|"
    r"hiermit bevollmachtige|je soussigne\w*.{0,120}(?:autorise|donne (?:pouvoir|procuration)))"
)
AUTHORISATION_TITLE = 100  # characters of the first line: a form's title
AUTHORISATION_GRANT = 600  # ... and its granting words (not one appended to a letter)


def _is_authorisation(text: str) -> bool:
    """A signed authorisation (its title on the first line, or the words that grant it near
    the top), not a lawyer's letter that says one is enclosed."""
    top = text[:AUTHORISATION_GRANT]
    title = next((line for line in top.splitlines() if line.strip()), "")[:AUTHORISATION_TITLE]
    return bool(_AUTHORISATION.search(title) or _GRANTS.search(top))


_REMINDER = re.compile(
    r"\b(?:herinnering|reminder|aanmaning|mahnung|erinnerung|rappel|relance)\b|"
    r"\b(?:weder|keine) (?:eine )?(?:antwort|ruckmeldung|eingangsbestatigung)\b|"
    r"\b(?:eerder\w*|vorig\w*|earlier|previous|fruher\w*|precedent\w*)\b.{0,30}"
    r"\b(?:verzoek|request|anfrage|antrag|begehren|demande|mail|e-mail)\b|"
    r"\b(?:nog )?geen (?:antwoord|reactie)\b|\bno (?:answer|reply|response)\b|"
    r"\bnot (?:yet )?(?:received|had|got) (?:an? |any )?(?:answer|reply|response)\b|"
    r"\bkeine antwort\b|\bunbeantwortet\b|\bpas (?:encore )?(?:recu|eu) de reponse\b|"
    r"\bsans reponse\b|"
    r"\b(?:nicht|niet|not) (?:vollstandig|volledig|fully|completely) "
    r"(?:beantwortet|beantwoord|answered)\b|"
    r"\bincomplete (?:answer|reply|response)\b|\bonvolledig\w* (?:antwoord|reactie)\b|"
    r"\breponse incomplete\b"
)
_PRIVACY_TOPIC = vocabulary.words(vocabulary.PRIVACY, r"cookies?", vocabulary.OWN_DATA)
# A short "yes, go ahead" answers the question it quotes: the quote says what was agreed to.
_AFFIRMATION = re.compile(
    r"^\W*(?:ja|jawel|yes|yep|yeah|oui|jawohl|ok|okay|oke|graag|prima|akkoord|d'accord|"
    r"einverstanden|doe maar|go ahead|please do|sure|bitte|gerne|avec plaisir)\b"
)
_WORD = re.compile(r"\w+")
# Phrases that weigh nothing but are shown, so that the officer sees why a right was not found.
_SHOWN_ZERO = frozenset({
    "negated", "what the writer did", "tells the reader their rights",
    "a mail footer's disclaimer", "a notice repeated", "what is to be deleted",
    "what the writer would do", "announced for later", "asks to confirm an action",
    "what the writer is to send", "what the writer receives", "what the writer offers to send",
    "about a web address", "where to send the answer", "until then: a restriction",
    "how to reach the person", "about contacting others", "a wrong note removed: a correction",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Evidence:
    """One phrase of the mail and what it supports (``right`` is None for a signal)."""

    right: Right | None
    phrase: str
    weight: float
    cue: str
    where: str
    note: str = ""
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)

    def overlaps(self, other: Evidence) -> bool:
        return self.where == other.where and self.start < other.end and other.start < self.end

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "right": self.right.value if self.right else None,
            "phrase": self.phrase,
            "weight": self.weight,
            "cue": self.cue,
            "where": self.where,
        }
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True, slots=True)
class Classification:
    rights: tuple[Right, ...]
    language: str | None
    confidence: float
    evidence: tuple[Evidence, ...]
    scores: Mapping[Right, float]
    signals: tuple[str, ...] = ()
    topics: tuple[Topic, ...] = ()
    # Not clearly "no request" and not clearly decided: a case with a provisional clock,
    # marked for the officer to reclassify or dismiss.
    needs_decision: bool = False

    @property
    def is_request(self) -> bool:
        """A case with a clock: rights were found, or the officer must decide."""
        return bool(self.rights) or self.needs_decision

    @property
    def urgent(self) -> bool:
        return any(topic.urgent for topic in self.topics)


@dataclass(frozen=True, slots=True)
class _Source:
    text: Normalised
    where: str
    factor: float


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


# "this address" is the mailbox written to, "diese E-Mail" the mail itself (a disclaimer's
# "delete this e-mail"): neither is the person's data.
_DEMONSTRATIVE = re.compile(
    r"\b(?:dit|deze|this|that|cette|cet|ce|diese[nmrs]?)\W+$|"
    # a mailbox's address ("die Support-Adresse", "votre adresse « comptabilité »")
    r"\b(?:support|info|service|kontakt|contact|helpdesk|sales|billing|votre|uw|ihre|your)-?\W*$|"
    # "ben ik hier aan het goede adres?", "sorry if this is the wrong address": the mailbox,
    # not the person's address
    r"\b(?:this is|if this is|is this|dit is|ben ik|bin ich|c'est|si c'est)\W+(?:the |het |de |"
    r"die |la )?(?:wrong|verkeerde|falsche|mauvaise)\W+$|"
    r"\b(?:het goede|het juiste|de juiste|de goede|the right|the correct|la bonne|die richtige|"
    r"der richtigen)\W+$"
)
_OWN_WORDS = frozenset({"attribute", "delete_object"})


def _concepts(
    text: str, languages: Iterable[str], words: Words
) -> dict[str, list[tuple[int, int]]]:
    """Where each concept of the lexicons of ``languages`` occurs in ``text`` (its lines
    joined again, ``Normalised.flat``: the cues match across a wrapped line; ``words``:
    where its words begin)."""
    spans: dict[str, set[tuple[int, int]]] = {}
    for language in languages:
        for concept, cue in _CUES[language]:
            for match in cue.finditer(text, words):
                if match.end() <= match.start():
                    continue
                if concept in _OWN_WORDS and _DEMONSTRATIVE.search(
                    text, max(0, match.start() - 30), match.start()
                ):
                    continue
                spans.setdefault(concept, set()).add(match.span())
    return {concept: sorted(found) for concept, found in spans.items()}


def _rule_match(
    rule: Rule, anchor: tuple[int, int], spans: dict[str, list[tuple[int, int]]], text: Normalised
) -> tuple[int, int] | None:
    """The span covering the rule's concepts around ``anchor``, or None."""
    low, high = text.sentence(anchor[0])
    chosen = [anchor]
    for concept in rule.concepts[1:]:
        best: tuple[int, int] | None = None
        for span in spans.get(concept, ()):
            if span[0] < low or span[1] > high or abs(span[0] - anchor[0]) > rule.window:
                continue
            if span in chosen:  # one word cannot be two concepts
                continue
            if rule.window == CLOSE and _NEW_CLAUSE.search(
                text.text, min(span[1], anchor[1]), max(span[0], anchor[0])
            ):
                continue  # "... falsch, oder Sie haben meine Daten": two clauses, not a phrase
            if best is None or abs(span[0] - anchor[0]) < abs(best[0] - anchor[0]):
                best = span
        if best is None and concept == _WANT and _list_asks(anchor, spans, text):
            continue  # "I ask you: - a copy; - then the deletion of my account"
        if (
            best is None
            and concept in _POINTED_AT
            and _points_back(anchor, text)
            and (concept not in _POINTED_DATA or _asks(text, anchor[0]))
        ):
            # "Sales keep calling me. I don't want that any more."
            reach = _pointed_at(low, text)
            best = next((s for s in spans.get(concept, ()) if reach <= s[0] and s[1] <= low), None)
        if best is None:
            return None
        chosen.append(best)
    return min(start for start, _ in chosen), max(end for _, end in chosen)


# Concepts a short sentence can point back to ("that", "das", "ça").
_POINTED_AT = frozenset({"contact", "purpose", "attribute", "my_data"})
# ... the person's data only from a sentence that asks ("Please correct it everywhere.")
_POINTED_DATA = frozenset({"attribute", "my_data"})
_POINTER = re.compile(
    r"\b(?:dit|daar|that|this|it|das|dies|ca|cela)\b|\bsa(?= suffit)|"
    # the Dutch "dat" that points, not the one that starts a clause ("niet dat het ...")
    r"\bdat\b(?! (?:het|ik|je|u|jullie|we|wij|ze|zij|hij|er|mijn|m'n|de|die|deze|dit|dat)\b)"
)
POINTING_SENTENCE = 90  # characters


def _points_back(anchor: tuple[int, int], text: Normalised) -> bool:
    """The anchor sits in a short sentence that points back with "that" to the one before
    ("Sales keep calling me. I don't want that any more.")."""
    low, high = text.sentence(anchor[0])
    if high - low > POINTING_SENTENCE:
        return False
    start, end = text.clause(*anchor)
    return _POINTER.search(text.text, start, end) is not None


def _pointed_at(low: int, text: Normalised) -> int:
    """Where the text that a pointing sentence starting at ``low`` may refer to begins: the
    sentence before, and the one before that when the one between is short too ("They keep
    calling me. I have no use for it. Please make it stop.")."""
    if low <= 0:
        return 0
    start, end = text.sentence(low - 1)
    if end - start <= POINTING_SENTENCE and start > 0:
        start = text.sentence(start - 1)[0]
    return start


_NEW_CLAUSE = re.compile(
    r"[,;]\s*(?:oder|or|of|ou|aber|but|maar|mais|und|and|en|et)\b|\s(?:maar|but|aber|mais)\s"
)
_WANT = "want"  # the concept of asking, which a list item takes from its lead


def _list_asks(
    anchor: tuple[int, int], spans: dict[str, list[tuple[int, int]]], text: Normalised
) -> bool:
    """The anchor is in a list item that a sentence asking for something introduces, or
    opens the item as an imperative ("So, to be precise: - restrict my data to ...")."""
    lead = text.list_lead(anchor[0])
    if lead is None:
        return False
    if _ITEM_OPENING.fullmatch(text.text, text.sentence(anchor[0])[0], anchor[0]):
        return True
    return any(lead[0] <= start and end <= lead[1] for start, end in spans.get(_WANT, ()))


_ITEM_OPENING = re.compile(r"\s*(?:[-*•–—]|\d+[.)]|[a-z]\))\s*(?:please |graag |bitte )?")


def _matches(source: _Source, languages: Iterable[str]) -> Iterable[Evidence]:
    text, where, factor = source.text, source.where, source.factor
    spans = _concepts(text.flat, languages, text.words)
    for rule in RULES:
        for anchor in spans.get(rule.concepts[0], ()):
            found = _rule_match(rule, anchor, spans, text)
            if found is None:
                continue
            start, end = found
            phrase = text.original(start, end)
            if rule.negatable and text.is_negated(*anchor):
                yield Evidence(rule.right, phrase, 0.0, rule.name, where, "negated", start, end)
                continue
            not_asked = _not_asked(rule, anchor, spans, text)
            if not_asked:
                yield Evidence(rule.right, phrase, 0.0, rule.name, where, not_asked, start, end)
                continue
            weight, note = rule.weight * factor, rule.note
            if text.is_conditional(*anchor):
                weight, note = weight * CONDITIONAL_FACTOR, "in an 'if you ...' clause"
            yield Evidence(rule.right, phrase, round(weight, 2), rule.name, where, note, start, end)
    for citation in cited_rights(text.text):
        start, end = citation.start, citation.end
        weight = ARTICLE_WEIGHT * factor
        if text.is_conditional(start, end):
            weight *= CONDITIONAL_FACTOR
        if text.is_informational(start, end):
            weight = 0.0
        name = f"article:{citation.right}"
        phrase = text.original(start, end)
        yield Evidence(citation.right, phrase, round(weight, 2), name, where, "", start, end)


# "whatever you have on me - get rid of it": what is to be deleted, not a question.
_OBJECT_OF_DELETE = frozenset(
    {"access:which+about_me", "access:which_data+hold", "access:receive+about_me"}
)


# "... and confirm the deletion to me": asks for word that it was done, not for the data.
_CONFIRM = re.compile(r"\b(?:confirm|bevestig|bestatig|bestaetig)")
_DONE = ("delete", "end", "unsubscribe", "correct")
# "changing a number in the URL shows other files": a web address, not the person's data.
_WEB_ADDRESS = re.compile(
    r"\b(?:url|link|browser|navigateur|adresbalk|adresszeile|address bar|barre d'adresse|lien)\b"
)
# "please do not contact the user directly" (a representative's channel, no objection)
_DIRECTLY = re.compile(r"\b(?:directly|rechtstreeks|direkt|directement)\b")
# "de registratie te corrigeren en de aantekening 'wanbetaler' te verwijderen": the wrong
# note goes as part of the correction.
_A_NOTE = re.compile(
    r"\b(?:aantekening|opmerking|notitie|vermelding|note|remark|entry|annotation|vermerk|"
    r"eintrag|bemerkung|mention|remarque)\b"
)
# "Do not contact the police": whom the organisation is not to contact, not the writer.
_OTHERS = re.compile(
    r"\b(?:police|politie|polizei|the authorities|de autoriteiten|die behorden|les autorites|"
    r"the press|de pers|die presse|la presse)\b"
)
# "please reply to this private address rather than my school email": where to answer.
_REPLY_TO = re.compile(r"\b(?:reply|respond|write back|antwoord\w*|antwort\w*|repond\w*)\b")
# "Je tiens à votre disposition une copie de l'acte de décès": a copy the writer offers.
_OFFERED = re.compile(
    r"\b(?:je tiens|je peux vous|je vous (?:joins|transmets|envoie)|vous trouverez ci-joint|"
    r"i (?:can|will|could) (?:send|provide|forward)|i attach|"
    r"ik (?:kan|zal) (?:u |jullie )?(?:\w+ )?(?:sturen|toesturen|opsturen)|"
    r"ich kann ihnen|ich schicke ihnen|ich sende ihnen)\b"
)
# "we still get a weekly email with her timetable": what arrives, not what is asked for.
_I_RECEIVE = re.compile(
    r"(?<!can )(?<!could )(?<!may )(?<!kan )(?<!mag )(?<!kann )(?<!darf )(?<!puis-)"
    r"\b(?:(?:i|we) (?:still |now |also |keep |continue to )?(?:get|receive|got|received)|"
    r"(?:ik|wij|we) (?:krijg|krijgen|ontvang|ontvangen|kreeg|kregen)(?! graag)|"
    r"(?:ich|wir) (?:bekomme|bekommen|erhalte|erhalten)(?! gerne?)|"
    r"(?:je|nous) (?:recois|recevons))\b"
)
# "Ich soll Ihnen eine Kopie schicken": what the writer sends, not what they ask to receive.
_TO_YOU = re.compile(r"\bihnen\b")


def _in_sentence(
    concept: str, anchor: tuple[int, int], spans: dict[str, list[tuple[int, int]]], text: Normalised
) -> bool:
    low, high = text.sentence(anchor[0])
    return any(low <= start and end <= high for start, end in spans.get(concept, ()))


def _confirms_an_action(
    anchor: tuple[int, int], spans: dict[str, list[tuple[int, int]]], text: Normalised
) -> bool:
    if not _CONFIRM.search(text.text, anchor[0], anchor[1]):
        return False
    low, high = text.sentence(anchor[0])
    return any(
        low <= start and end <= high and abs(start - anchor[0]) <= CLOSE
        for concept in _DONE
        for start, end in spans.get(concept, ())
    )


def _not_asked(
    rule: Rule, anchor: tuple[int, int], spans: dict[str, list[tuple[int, int]]], text: Normalised
) -> str:
    """Why a matching phrase asks for nothing after all ('' when it does ask)."""
    return (
        _only_tells(rule, anchor, text)
        or _not_the_right(rule, anchor, spans, text)
        or _not_what_is_asked(rule, anchor, spans, text)
    )


def _only_tells(rule: Rule, anchor: tuple[int, int], text: Normalised) -> str:
    """The sentence tells rather than asks: rights, a disclaimer, what was done, announced,
    planned by the writer, or to be asked later."""
    erasure = rule.right is Right.ERASURE
    checks = (
        (True, text.is_informational, "tells the reader their rights"),
        (True, text.is_disclaimer, "a mail footer's disclaimer"),
        (erasure, text.is_own_past, "what the writer did"),
        (erasure, text.is_announced, "a notice repeated"),
        (erasure, text.is_own_plan, "what the writer would do"),
        (True, text.is_for_later, "announced for later"),
    )
    return next((note for applies, check, note in checks if applies and check(*anchor)), "")


def _not_the_right(
    rule: Rule, anchor: tuple[int, int], spans: dict[str, list[tuple[int, int]]], text: Normalised
) -> str:
    """The words belong to something else: a web address, where to send the answer, a stop
    that lasts until something is settled (a restriction), how or whom to contact, a wrong
    note removed as part of a correction."""
    low, high = text.sentence(anchor[0])
    clause = text.clause(*anchor)
    checks: tuple[tuple[Callable[[], object], str], ...] = (
        (
            lambda: rule.right is Right.RECTIFICATION and _WEB_ADDRESS.search(text.text, low, high),
            "about a web address",
        ),
        (
            lambda: "instead_of" in rule.concepts and _REPLY_TO.search(text.text, low, high),
            "where to send the answer",
        ),
        (
            lambda: "stop_using" in rule.concepts and _in_sentence("pending", anchor, spans, text),
            "until then: a restriction",
        ),
        (
            lambda: "contact" in rule.concepts and _DIRECTLY.search(text.text, *clause),
            "how to reach the person",
        ),
        (
            lambda: "contact" in rule.concepts and _OTHERS.search(text.text, *clause),
            "about contacting others",
        ),
        (
            lambda: (
                rule.right is Right.ERASURE
                and _in_sentence("correct", anchor, spans, text)
                and _A_NOTE.search(text.text, low, high)
            ),
            "a wrong note removed: a correction",
        ),
    )
    return next((note for check, note in checks if check()), "")


def _not_what_is_asked(
    rule: Rule, anchor: tuple[int, int], spans: dict[str, list[tuple[int, int]]], text: Normalised
) -> str:
    """The words of an access request serve another one: confirm the deletion, what is to be
    deleted, what the writer is to send us."""
    if rule.right is Right.ACCESS and _confirms_an_action(anchor, spans, text):
        return "asks to confirm an action"
    if "copy" in rule.concepts and _OFFERED.search(
        text.text, text.sentence(anchor[0])[0], anchor[0]
    ):
        return "what the writer offers to send"
    if rule.concepts[0] == "receive" and _I_RECEIVE.search(
        text.text, max(text.clause(*anchor)[0], anchor[0] - 25), anchor[1]
    ):
        return "what the writer receives"
    if rule.concepts[0] == "receive" and _TO_YOU.search(
        text.text, text.clause(*anchor)[0], anchor[0]
    ):
        return "what the writer is to send"
    if rule.name in _OBJECT_OF_DELETE and _in_sentence("delete", anchor, spans, text):
        return "what is to be deleted"
    return ""


def _languages(sources: list[_Source]) -> tuple[str, ...]:
    """The mail's own language(s); all four when it cannot be told."""
    votes = language_votes(" ".join(source.text.text for source in sources))
    if not votes:
        return tuple(LEXICONS)
    top = max(votes.values())
    chosen = {language for language, count in votes.items() if count >= SECOND_LANGUAGE_SHARE * top}
    return tuple(language for language in LEXICONS if language in chosen)


WEAK_REACH = 300  # characters: how far apart weak words may add up to one request


def _held_together(right: Right, best: Sequence[Evidence]) -> bool:
    """A right found by a clear phrase, or by weak words near each other in one text ("as
    CSV ... for my new provider"): weak words far apart ("since we moved to single
    sign-on" ... "what they change") describe other things."""
    own = [item for item in best if item.right is right and item.weight > 0]
    if any(item.weight >= THRESHOLD for item in own):
        return True
    return (
        any(
            a is not b and a.where == b.where and abs(a.start - b.start) <= WEAK_REACH
            for a in own
            for b in own
        )
        or len({item.where for item in own}) > 1
    )


def _strongest(found: Iterable[Evidence]) -> list[Evidence]:
    """Each rule once, and each piece of text once per right: the strongest reading wins."""
    kept: list[Evidence] = []
    rules_seen: set[str] = set()
    for item in sorted(found, key=lambda item: (-item.weight, item.cue, item.start)):
        if item.cue in rules_seen:
            continue
        if any(other.right == item.right and other.overlaps(item) for other in kept):
            continue
        kept.append(item)
        rules_seen.add(item.cue)
    return kept


def _sources(
    subject: str,
    body: str,
    quoted: str,
    documents: Sequence[DocumentText],
    quoted_from_us: bool = False,
) -> list[_Source]:
    sources = [_Source(normalise(subject[:1000]), "subject", SUBJECT_FACTOR)]
    sources.append(_Source(normalise(body[:MAX_TEXT]), "body", 1.0))
    own, words = sources[-1].text.text, sources[-1].text.words
    short_yes = len(_WORD.findall(own)) <= 15 and _AFFIRMATION.match(own)
    # A reminder or a complaint points to the request it quotes ("see below"): read it too.
    chasing = _REMINDER.search(f"{sources[0].text.text} {own}") or has_complaint(own, words)
    if quoted and (short_yes or (chasing and not quoted_from_us)):
        sources.append(_Source(normalise(quoted[:MAX_TEXT]), "quoted", QUOTED_FACTOR))
    # An attached letter is the person's own words too ("zie bijlage"); a signed
    # authorisation lists what a representative may ask, not what is asked.
    for document in documents:
        if document.text.strip():
            text = normalise(document.text[:MAX_TEXT])
            factor = 0.0 if _is_authorisation(text.text) else 1.0
            sources.append(_Source(text, f"attachment:{document.name}", factor))
    return sources


def _topics(sources: list[_Source], sender_domain: str) -> list[Evidence]:
    """Each topic once, with the phrase that shows it, in the first text that has it."""
    found: dict[Topic, Evidence] = {}
    for source in sources:
        if source.where == "quoted":
            continue  # our own earlier words, or theirs we already read
        for match in find_topics(source.text.flat, sender_domain, source.text.words):
            if match.topic not in found:
                phrase = source.text.original(match.start, match.end)
                found[match.topic] = Evidence(
                    None, phrase, 0.0, f"topic:{match.topic}", source.where, "",
                    match.start, match.end,
                )  # fmt: skip
    if Topic.SCHOOL in found:  # the school writes as the controller, not for someone
        found.pop(Topic.ON_BEHALF, None)
    return [found[topic] for topic in ordered_topics(found)]


def classify(
    subject: str,
    body: str,
    quoted: str = "",
    documents: Sequence[DocumentText] = (),
    sender_domain: str = "",
    *,
    quoted_from_us: bool = False,
) -> Classification:
    """Classify a request from its subject, the person's own text, what it quotes, and the
    text of the letters attached to it.

    The quoted text counts when the person's own text is a short "yes" to it, or chases
    the request it quotes (a reminder, a complaint), unless ``quoted_from_us``.
    ``sender_domain`` helps tell a supervisory authority's letter (a claim, used only to
    mark a case urgent, never to move one).
    """
    sources = _sources(subject, body, quoted, documents, quoted_from_us)
    languages = _languages(sources)
    found = [item for source in sources for item in _matches(source, languages)]
    best = _strongest(found)
    scores: dict[Right, float] = dict.fromkeys(Right, 0.0)
    anchored: set[Right] = set()
    for item in best:
        if item.right is not None:
            scores[item.right] += item.weight
            if item.weight >= ANCHOR:
                anchored.add(item.right)
    for right in Right:
        if right not in anchored:
            scores[right] = min(scores[right], TOPIC_ONLY)
    rights = ordered(
        right
        for right, score in scores.items()
        if score >= THRESHOLD and _held_together(right, best)
    )

    combined = " ".join(source.text.text for source in sources)
    guess = detect_language(combined)
    confidence = min(
        _sigmoid(STEEPNESS * (score - FOUND_CENTRE))
        if right in rights
        else 1.0 - _sigmoid(STEEPNESS * (score - MISSED_CENTRE))
        for right, score in scores.items()
    )
    signals: list[str] = []
    evidence = sorted(
        (item for item in best if item.weight > 0 or item.note in _SHOWN_ZERO),
        key=lambda item: (-item.weight, item.cue),
    )[:MAX_EVIDENCE]
    reminder = _REMINDER.search(combined)
    if reminder:
        # A reminder whose case was not found: the officer must check for a lost request.
        signals.append("refers_to_earlier_request")
        evidence.append(Evidence(None, reminder.group(0), 0.0, "signal:reminder", "body"))
        confidence = min(confidence, 0.6)
    if guess.language is None:
        signals.append("language_unknown")
        confidence = min(confidence, 0.5)
    if len(_WORD.findall(combined)) < 4:
        signals.append("little_text")
        confidence = min(confidence, 0.4)
    if not rights and _PRIVACY_TOPIC.search(combined):
        signals.append("privacy_topic_without_right")
        confidence = min(confidence, 0.5)
    found_rights = Classification(
        rights=rights,
        language=guess.language,
        confidence=round(confidence, 2),
        evidence=tuple(evidence),
        scores={right: round(score, 2) for right, score in scores.items()},
        signals=tuple(signals),
    )
    return _recall(found_rights, sources, documents, sender_domain, reminder is not None)


def _recall(
    found: Classification,
    sources: list[_Source],
    documents: Sequence[DocumentText],
    sender_domain: str,
    reminder: bool,
) -> Classification:
    """Add what else the mail is (its topics) and whether the officer must decide."""
    combined = " ".join(source.text.text for source in sources)
    evidence, signals = list(found.evidence), list(found.signals)
    rights = _asks_nothing(found, sources, evidence, signals)
    topic_evidence = _topics(sources, sender_domain)
    if _OFFERS & set(signals):
        # what phishing, an offer or a programme names is no breach, complaint or letter to us
        topic_evidence = [item for item in topic_evidence if item.cue in _KEPT_IN_OFFERS]
    topics = [Topic(item.cue.removeprefix("topic:")) for item in topic_evidence]
    if Topic.SUPERVISORY_AUTHORITY in topics:
        # The authority's letter is not the person's request: what it reports (a complaint
        # about an access request, say) is for the officer to read, not a right to draft.
        rights = ()
    if Topic.DATA_BREACH in topics:
        rights = _asked_beside_a_breach(rights, evidence, signals)
    if Topic.CONSENT_WITHDRAWAL in topics and Right.OBJECTION not in rights:
        # Art. 7(3): withdrawing consent is as easy as giving it; it stops that processing.
        withdrawal = topic_evidence[topics.index(Topic.CONSENT_WITHDRAWAL)]
        rights = ordered((*rights, Right.OBJECTION))
        evidence.append(replace(withdrawal, right=Right.OBJECTION, weight=THRESHOLD))
    own_words = f"{sources[0].text.text}\n{sources[1].text.text}"
    foreign = other_language(own_words if len(_WORD.findall(own_words)) >= 20 else combined)
    language = found.language
    if foreign is not None and len(_WORD.findall(combined)) >= MIN_FOREIGN_WORDS:
        topics.append(Topic.OTHER_LANGUAGE)
        signals.append(f"written_in:{foreign}")
        language = None  # never answered in a language it was not written in
    unreadable = _unreadable(documents, sources[1].text.text)
    for document in unreadable:
        signals.append("attachment_without_text")
        where = f"attachment:{document.name}"
        evidence.append(Evidence(None, document.name, 0.0, "signal:attachment", where,
                                 document.problem or ""))  # fmt: skip
    evidence.extend(topic_evidence)
    own = sources[1].text.text
    pointer = not documents and len(_WORD.findall(own)) < 25 and _POINTS_TO_ATTACHMENT.search(own)
    # A reminder (of a request we may have lost) counts when it is about data or a request,
    # not a payment reminder.
    lost = (
        reminder
        and "spam" not in signals
        and (Topic.COMPLAINT in topics or _PRIVACY_TOPIC.search(combined) is not None)
    )
    flagged = bool(unreadable) or lost or bool(pointer)
    doubtful = _doubtful(found.evidence, sources, signals)
    needs_decision, why = _needs_decision(rights, topics, sources, flagged, doubtful)
    if why is not None:
        evidence.append(why)
    confidence = found.confidence
    if needs_decision and not rights:
        confidence = min(confidence, 0.5)
    return replace(
        found,
        rights=rights,
        language=language,
        confidence=confidence,
        evidence=tuple(evidence),
        signals=tuple(dict.fromkeys(signals)),
        topics=ordered_topics(topics),
        needs_decision=needs_decision,
    )


def _asked_beside_a_breach(
    rights: Sequence[Right], evidence: Sequence[Evidence], signals: list[str]
) -> tuple[Right, ...]:
    """The rights a breach report asks for besides reporting it: each needs one clear phrase
    of its own (weak words added up describe the leak: "an Excel export ... another
    school"), and a correction must be of the person's data ("it must be fixed" is the leak)."""
    kept = []
    for right in rights:
        own = [item for item in evidence if item.right is right]
        clear = any(item.weight >= THRESHOLD for item in own)
        personal = right is not Right.RECTIFICATION or any(
            _ABOUT_THE_PERSON & set(item.cue.split(":")[-1].split("+")) for item in own
        )
        if clear and personal:
            kept.append(right)
        else:
            signals.append(f"breach_report_not_{right.value}")
    return tuple(kept)


def _asks_nothing(
    found: Classification, sources: list[_Source], evidence: list[Evidence], signals: list[str]
) -> tuple[Right, ...]:
    """The rights found, less those of a mail that asks nothing of us after all: phishing,
    a thank-you under our own subject, a sales pitch, a company's corrected invoice. What
    was decided is added to ``evidence`` and ``signals``."""
    rights = found.rights
    phishing = _phishing(sources)
    if phishing is not None:
        evidence.append(phishing)
        if _asked_in_first_person(found.evidence, sources):
            # "my account is blocked, and please change my number": the person's own
            # words about a problem, not a phishing mail; the request stands.
            signals.append("spam_words")
        else:
            # Asks the reader for data (a prize, "confirm your account"), not about the
            # writer's own: no request, whatever words it borrows ("Sperrung", "delete").
            signals.append("spam")
            return ()
    subject, body = sources[0].text.text, sources[1].text.text
    # "Re: your access request" + "thanks, all in order, the mails have stopped" (our own
    # subject, a thank-you for what was done), or an applicant's "I handle access and
    # erasure requests there": when nothing is asked, no right is.
    thanks = bool(_REPLY.match(subject)) and thanks_only(body)
    applying = job_application(f"{subject}\n{body}")
    told = (
        "thanks" if thanks
        else "job_application" if applying
        else "product_question" if rights and product_question(f"{subject}\n{body}")
        else ""
    )  # fmt: skip
    if (rights or applying) and told and not _asked(found, sources):
        # (an application that asks no right is still one: what its CV names is no topic)
        signals.append(told)
        return ()
    if sales_pitch(f"{subject}\n{body}"):
        # Sells (privacy) services and names the rights it handles: asks nothing of us.
        signals.append("sales_pitch")
        return ()
    if invitation(f"{subject}\n{body}") and not _asked_in_first_person(found.evidence, sources):
        # A programme that names "requests from parents" and "data breaches".
        signals.append("invitation")
        return ()
    written = "\n".join(source.text.text for source in sources if source.where != "quoted")
    cited = any(item.cue == "article:portability" for item in found.evidence)
    if Right.PORTABILITY in rights and not cited and not _A_PERSON.search(written):
        # "all course data as CSV for our new system": an organisation's export, not a
        # person's right (nobody writes in the first person singular, or for a child)
        signals.append("organisation_export")
        rights = tuple(right for right in rights if right is not Right.PORTABILITY)
    if Right.RECTIFICATION in rights and _INVOICE_FIX.search(f"{subject}\n{body}"):
        # "Please send a corrected invoice": the bookkeeping's, unless the person's own
        # details ("my name", "mijn adres") are what is wrong.
        texts = {source.where: source.text for source in sources}
        rectified = [
            (*texts[item.where].sentence(item.start), texts[item.where].text)
            for item in evidence
            if item.right is Right.RECTIFICATION and item.where in texts
        ]
        if not any(_MY.search(text, low, high) for low, high, text in rectified):
            signals.append("invoice_correction")
            return tuple(right for right in rights if right is not Right.RECTIFICATION)
    return rights


def _spam_in(source: _Source) -> bool:
    return spam(source.text.text, source.text.is_negated) is not None


def _asked(found: Classification, sources: list[_Source]) -> bool:
    """A right found is asked for in the body, in a sentence that asks something."""
    body = sources[1]
    return any(
        item.right in found.rights and item.where == "body" and _asks(body.text, item.start)
        for item in found.evidence
    )


def _phishing(sources: list[_Source]) -> Evidence | None:
    """The phrase of the subject or body that phishing uses, if any."""
    for source in sources[:2]:
        if source.where == "subject" and _REPLY.match(source.text.text):
            continue  # "Re: ... verify your identity" quotes our own subject
        found = spam(source.text.text, source.text.is_negated)
        if found is not None:
            phrase = source.text.original(*found.span())
            return Evidence(None, phrase, 0.0, "signal:spam", source.where)
    return None


# Concepts that make a correction one of the person's data (not of a leak or a bug).
_ABOUT_THE_PERSON = frozenset({"attribute", "my_data", "rectification_request", "rectification"})


# Mail that asks nothing of us, whatever it names: phishing, an offer, a programme, an
# application.
_OFFERS = frozenset({"spam", "sales_pitch", "invitation", "job_application"})


def _doubtful(
    evidence: Sequence[Evidence], sources: list[_Source], signals: Sequence[str]
) -> list[Evidence]:
    """Actions towards a right that did not reach it, in a sentence that asks something."""
    if _OFFERS & set(signals):
        return []
    return [
        item
        for item in evidence
        if item.right is not None
        and not (item.right is Right.RECTIFICATION and "invoice_correction" in signals)
        and item.cue not in _NOT_ACTIONS
        and item.weight >= ANCHOR
        and item.where == "body"
        and _asks(sources[1].text, item.start)
    ]


_KEPT_IN_OFFERS = frozenset({f"topic:{Topic.OTHER_LANGUAGE}"})
# Rules that tell a state or a topic, not an action towards a right: never "asked" alone.
_NOT_ACTIONS = frozenset({
    "rectification:changed", "objection:purpose", "portability:format", "portability:reuse",
    "restriction:pending", "access:recipients",
})  # fmt: skip
# Asking, in the first person or as a plea: "je veut que", "please", "kunt u".
_ASKING = re.compile(
    r"\b(?:ik wil|wil ik|ik zou graag|i want|i'd like|i would like|please|pls|ich mochte|"
    r"ich will|ich moechte|bitte|je veux|je veut|je voudrais|je souhaite|merci de|wilt u|"
    r"kunt u|kunnen jullie|willen jullie|can you|could you|konnen sie|koennen sie|pouvez-vous|"
    r"pourriez-vous|pouvez vous|svp|aub|(?:wij|we|ik) verzoeken|verzoeken wij|ik verzoek|"
    r"(?:we|i) (?:request|ask)|wir bitten|ich bitte|nous demandons|je demande)\b"
)


def _asks(text: Normalised, position: int) -> bool:
    """The sentence around ``position`` asks for something."""
    low, high = text.sentence(position)
    return _ASKING.search(text.text, low, high) is not None


_REPLY = re.compile(r"^\s*(?:(?:re|aw|antw|sv|wg|fw|fwd|tr)\s*:\s*)+")


def _asked_in_first_person(evidence: Sequence[Evidence], sources: list[_Source]) -> bool:
    """A right is asked for in a sentence where the writer speaks of themselves."""
    texts = {source.where: source.text for source in sources}
    for item in evidence:
        text = texts.get(item.where)
        if item.right is None or item.weight < ANCHOR or text is None:
            continue
        low, high = text.sentence(item.start)
        if FIRST_PERSON.search(text.text, max(0, low - 200), high):
            return True
    return False


_INVOICE_FIX = re.compile(
    r"\b(?:(?:gecorrigeerde|nieuwe|aangepaste|correcte|juiste) (?:\w+ )?factuur|"
    r"factuur (?:\w+ ){0,3}(?:corrigeren|aanpassen|opnieuw)|creditnota|"
    r"(?:corrected|new|revised|amended|correct) invoice|credit note|"
    r"(?:korrigierte|neue|berichtigte|geanderte|korrekte) rechnung|rechnungskorrektur|gutschrift|"
    r"facture (?:rectifiee|corrigee|modifiee)|nouvelle facture|facture rectificative|avoir)\b"
)
_MY = re.compile(r"\b(?:mijn|m'n|my|mein\w*|mon|ma|mes)\b")
# The writer in the first person singular, or for a child or client: a person, not an
# organisation ("wir", "we").
_A_PERSON = re.compile(
    rf"{FIRST_PERSON.pattern}|\b(?:je|namens|on behalf|im auftrag|au nom|zoon|dochter|son|"
    r"daughter|sohn|tochter|fils|fille|kind|child|mandant\w*|client\w*|"
    # a school returning its pupils' data: the pupils' right, exercised by their controller
    r"leerlingen|pupils|students|schuler\w*|schueler\w*|eleves)\b"
)


# "See the attachment": the request may be in a letter mailbot cannot read, or was forgotten.
_POINTS_TO_ATTACHMENT = re.compile(
    r"\b(?:bijlage\w*|bijgevoegd\w*|attach\w*|enclosed|anhang|angehangt|anlage|beigefugt|"
    r"piece jointe|pieces jointes|ci-joint\w*|en annexe)\b"
)
_ATTACHED = re.compile(rf"{_POINTS_TO_ATTACHMENT.pattern}|\b(?:scan\w*|foto|photo|bild)\b")


def _unreadable(documents: Sequence[DocumentText], body: str) -> list[DocumentText]:
    """The attached letters that could not be read. A photo counts only when the mail says
    little itself or points to its attachment (a logo or a holiday picture does not)."""
    short = len(_WORD.findall(body)) < 25
    return [
        document
        for document in documents
        if document.problem and (document.problem != "image" or short or _ATTACHED.search(body))
    ]


def _needs_decision(
    rights: Sequence[Right],
    topics: Sequence[Topic],
    sources: list[_Source],
    flagged: bool,
    doubtful: Sequence[Evidence] = (),
) -> tuple[bool, Evidence | None]:
    """Recall first: only what is clearly no request is left without a clock.

    Found rights are drafted as usual, unless a topic needs the officer first (a breach,
    a complaint, an authority, someone who died, another language). Without a right, a
    mail is a case for the officer unless it says nothing about the person's data,
    privacy, consent, contact or marketing, or is spam asking the reader for data.
    """
    if any(topic in DECIDING for topic in topics):
        return True, None
    written = f"{sources[0].text.text}\n{sources[1].text.text}"
    if not rights and not flagged and product_question(written):
        # a school or a customer asking how the product works, before buying or deciding
        return False, None
    if rights or flagged or Topic.SCHOOL in topics:
        return not rights, None
    own = [source for source in sources if source.where != "quoted"]
    if (
        any(_spam_in(source) for source in own)
        or thanks_only(sources[1].text.text)
        or sales_pitch(written)
        or invitation(written)
        or job_application(written)
    ):
        # phishing, a thank-you, a pitch or an application: asks nothing about the writer's data
        return False, None
    if doubtful:
        # An action towards a right, not clear enough to count ("suprimiez", misspelt):
        # something was asked; the officer reads it.
        return True, replace(doubtful[0], note="a right was asked for, not clearly enough")
    return _concern(own, for_someone=Topic.ON_BEHALF in topics)


def _concern(own: Sequence[_Source], for_someone: bool) -> tuple[bool, Evidence | None]:
    """A case for the officer when the writer speaks of their data, privacy, consent,
    contact or marketing (or, writing for someone else, of theirs)."""
    for source in own:
        match = concern(source.text.flat, source.text.sentence, third_person=for_someone)
        if match is not None:
            phrase = source.text.original(*match.span())
            return True, Evidence(
                None, phrase, 0.0, "signal:may_be_request", source.where,
                "about the person's data, privacy, consent, contact or marketing",
                *match.span(),
            )  # fmt: skip
    return False, None
