"""Which of Dutch, English, German and French a mail is written in.

Counting frequent function words is enough to tell these four apart, even in
short, misspelt mail, and needs no model. Words two languages share ("de",
"die", "is") count for both; the distinctive ones decide.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

_WORDS = {
    "nl": """de het een en van ik je jij u uw jullie mijn me mij niet wat is dat die op met voor
        zijn maar ook graag wil wilt heb hebben kunnen kunt bij deze dit aan om naar als er nog wel
        geen hoe waarom bent ben wordt worden hierbij verzoek gegevens groet groeten vriendelijke
        alvast bedankt dank hoi hallo beste geachte heer mevrouw alstublieft alsjeblieft aub ons
        onze zou zouden moet moeten mogen mag daarom want omdat gr mvg welke over""",
    "en": """the a an and of i you your my not what is that this on with for are but also please
        would like have has can to in it be me do does from we our us will should could thanks
        thank regards dear hi hello sir madam hereby request data any all about which who why how
        there their they them was were been am i'm don't can't cheers kind best""",
    "de": """der die das und ich sie ihr ihre ihnen mein meine meiner meinen mir mich nicht was ist
        dass mit fur sind aber auch bitte mochte mochten habe haben konnen bei diese dieser zu von
        ein eine einen den dem des uber wir uns sehr geehrte damen herren gruss grusse freundlichen
        hallo danke vielen hiermit anfrage daten wie warum wann noch nur schon wurde""",
    "fr": """le la les et de des je vous votre vos mon ma mes ne pas que qui est avec pour sont mais
        aussi merci voudrais ai avez pouvez un une du au aux sur nous ce cette ces bonjour madame
        monsieur cordialement salutations demande donnees suis etre avoir plus tout toutes toute
        comment pourquoi quand si dans par j'ai c'est n'ai""",
}
# Distinctive words of languages mailbot does not read: a mail in one of these is a case
# for the officer (``other_language``), never "no request" because no cue matched.
_OTHER_WORDS = {
    "es": """el los las por para con una mis datos personales quiero solicito usted ustedes gracias
        saludos del al como pero hola estimados cordial atentamente tengo mi sobre eliminar
        derecho acceso informacion ellos esta este""",
    "it": """il gli della dei delle miei dati personali vorrei chiedo grazie saluti sono che per
        buongiorno gentili distinti cordiali mio mia richiesta diritto accesso cancellazione
        questo questa""",
    "pt": """os meus dados pessoais obrigado obrigada gostaria solicito voces bom dia atenciosamente
        minha meu pedido direito acesso""",
    "pl": """moje moich dane danych osobowych prosze dzien dobry powazaniem jest nie sie na ze
        jak czy mnie moich usuniecie dostep pan pani panstwo""",
    "af": """ek julle nie vir asseblief baie dankie groete goeiedag watter persoonlike inligting
        afskrif hulle sal gevolg terug weet hou gedeel verstaan skryf vriendelike""",
    "tr": """ve bir bu ile icin benim kisisel verilerimin verilerim verileri lutfen merhaba
        tesekkurler rica ederim saygilarimla silinmesini hakkinda""",
}
_OTHER_INDEX = {word: language for language, words in _OTHER_WORDS.items() for word in
                words.split()}  # fmt: skip
_INDEX: dict[str, tuple[str, ...]] = {}
for _language, _words in _WORDS.items():
    for _word in _words.split():
        _INDEX[_word] = (*_INDEX.get(_word, ()), _language)
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
LANGUAGES = tuple(_WORDS)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: str | None
    confidence: float


def language_votes(normalised_text: str) -> dict[str, float]:
    """Function-word votes per language; words shared by languages are split between them."""
    return defaultdict(float, _votes(normalised_text[:20000]))


@lru_cache(maxsize=8)  # the classifier asks about one text several times
def _votes(text: str) -> tuple[tuple[str, float], ...]:
    votes: dict[str, float] = defaultdict(float)
    for token in _TOKEN.findall(text):
        languages = _INDEX.get(token)
        if languages:
            share = 1.0 / len(languages)
            for language in languages:
                votes[language] += share
    return tuple(votes.items())


def detect_language(normalised_text: str) -> LanguageGuess:
    """The most likely language of ``normalised_text`` (lower case, no accents)."""
    votes = language_votes(normalised_text)
    total = sum(votes.values())
    if total < 1.5:
        return LanguageGuess(None, 0.0)
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    best, best_votes = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = (best_votes - runner_up) / best_votes
    return LanguageGuess(best, round(min(1.0, confidence + min(total, 10) / 20), 2))


# A text in one of our four languages has at least about a fifth of its words among that
# language's own function words (measured: 0.19 at the least over 250 fixture mails of
# 20 words or more; mail in Swedish, Danish, Czech, Romanian ... 0.10 at the most). Below
# ``_MIN_SHARE`` among at least ``_MIN_TOKENS`` words, it is in a language mailbot does not
# read, whichever that is.
_MIN_SHARE = 0.14
_MIN_TOKENS = 20
_MIN_LETTERS = 20  # letters of another script that make a mail one in that script
_LATIN_END = 0x024F  # the Latin letters, accented and extended, end here
_SCRIPTS = (
    ("cjk", ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF))),
    ("cyrillic", ((0x0400, 0x04FF),)),
    ("greek", ((0x0370, 0x03FF),)),
    ("arabic", ((0x0600, 0x06FF),)),
    ("hebrew", ((0x0590, 0x05FF),)),
)


def _script(text: str) -> str | None:
    """The other script most of the letters are in ("cyrillic", "cjk", ..., "other_script"),
    if any."""
    text = text[:20000]
    if text.isascii():
        return None
    counts: dict[str, int] = defaultdict(int)
    for char in _NOT_ASCII.findall(text):
        if not char.isalpha():
            continue
        code = ord(char)
        for name, ranges in _SCRIPTS:
            if any(low <= code <= high for low, high in ranges):
                counts[name] += 1
                break
        else:
            if code > _LATIN_END:  # Khmer, Thai, Devanagari, Ge'ez ...: a script all the same
                counts["other_script"] += 1
    if not counts:
        return None
    latin = len(_ASCII_LETTERS.findall(text))
    name, count = max(counts.items(), key=lambda item: item[1])
    return name if count >= _MIN_LETTERS and count > latin else None


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")


def other_language(normalised_text: str) -> str | None:
    """A language mailbot does not read: another script ("cyrillic", "cjk", ...); one of
    ``es``, ``it``, ``pt``, ``pl``, ``tr``, ``af`` when its distinctive words outnumber the function
    words of Dutch, English, German and French; else ``unknown`` when none of those four has
    its own function words in the text's usual share (Swedish, Czech, ...)."""
    script = _script(normalised_text)
    if script is not None:
        return script
    ours = sum(language_votes(normalised_text).values())
    others: dict[str, int] = defaultdict(int)
    # (each word once with its count, in the order first seen)
    for token, times in Counter(_TOKEN.findall(normalised_text[:20000])).items():
        language = _OTHER_INDEX.get(token)
        if language is not None and token not in _INDEX:
            others[language] += times
    if others:
        best, count = max(others.items(), key=lambda item: item[1])
        if count >= 3 and count > ours:
            return best
    text = _HEADER_LINE.sub(" ", normalised_text[:20000])
    prose = _TOKEN.findall(text)
    if len(prose) >= _MIN_TOKENS:
        share = _best_own_share(prose)
        # Letters none of our four languages has, once accents are gone (Icelandic ð and þ,
        # Turkish ı, Maltese ħ), in several words: another language when ours are not plain.
        foreign = set(_FOREIGN_WORD.findall(text))
        if share < _MIN_SHARE or (len(foreign) >= 3 and share < _FOREIGN_SHARE):
            return "unknown"
    return None


_FOREIGN_WORD = re.compile(r"\b\w*[^\W\d_a-z]\w*\b")
_FOREIGN_SHARE = 0.2


# "Content-Type: message/rfc822", "Subject: ...": header lines are in no language.
_HEADER_LINE = re.compile(r"(?m)^[ \t>]*[a-z][a-z0-9-]*:[^\n]*$")


def _best_own_share(tokens: list[str]) -> float:
    """The share of ``tokens`` that are function words of one of our four languages only,
    for the language with the most."""
    counts: dict[str, int] = defaultdict(int)
    for token, times in Counter(tokens).items():
        languages = _INDEX.get(token)
        if languages is not None and len(languages) == 1:
            counts[languages[0]] += times
    return max(counts.values(), default=0) / len(tokens)
