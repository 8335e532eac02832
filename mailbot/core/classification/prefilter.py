"""Trying a cue pattern only where a word of the text begins as its matches must.

Most cue patterns start at a word boundary with one of a few words
(``\\b(?:verwijder\\w*|delete\\w*|erase\\w*)``): a match can only begin at a word
whose first letters are those of one of them. ``Cue`` reads those letters (its *leads*)
from the pattern itself, once, when it is compiled; ``Words`` indexes the words of a
text by their first letters, once per text. The pattern is then tried at those words
only (``match`` at each, left to right, as ``finditer`` and ``search`` would find them),
instead of at every character: most cues are tried nowhere, or at one or two words. A
pattern whose matches could begin otherwise (no boundary first, a character class,
``\\w*``) has no leads and is run as it is. Either way the matches are the pattern's own.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

# The standard library's own parser of regular expressions (no type stubs).
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

LEAD = 4  # letters of a word's beginning that are compared
_MAX_HEADS = 2000
_TOKEN = re.compile(r"\w+")
_SMALL_CLASS = 8

# A head: the letters a match begins with so far, and whether the next item adds to them.
_Heads = set[tuple[str, bool]]


class _Unknown(Exception):
    """The beginnings of the matches cannot be told (too many, or not letters)."""


def _closed(heads: _Heads) -> _Heads:
    return {(text, False) for text, _ in heads}


def _extend(heads: _Heads, endings: Iterable[str]) -> _Heads:
    grown = {
        (text + ending, _growing(text + ending)) for text, open_ in heads if open_
        for ending in endings
    } | {(text, False) for text, open_ in heads if not open_}  # fmt: skip
    if len(grown) > _MAX_HEADS:
        raise _Unknown
    return grown


def _growing(text: str) -> bool:
    """More letters would change what ``_lead`` shows of ``text``."""
    return len(text) < LEAD and _TOKEN.fullmatch(text) is not None


def _heads(items: Any, heads: _Heads) -> _Heads:
    """How the matches of ``items`` (a parsed pattern) begin, after ``heads``."""
    for op, av in items:
        if not any(open_ for _, open_ in heads):
            return heads
        if op is _c.LITERAL:
            heads = _extend(heads, (chr(av),))
        elif op is _c.AT or op in (_c.ASSERT, _c.ASSERT_NOT):
            continue  # takes no character
        elif op is _c.SUBPATTERN:
            heads = _heads(av[3], heads)
        elif op is _c.BRANCH:
            heads = set().union(*(_heads(branch, heads) for branch in av[1]))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, high, item = av
            taken = _heads(item, heads) if high > 0 else heads
            if high != 1:
                taken = _closed(taken)  # more of it may follow
            heads = (taken | heads) if low == 0 else taken
        elif op is _c.IN and len(av) <= _SMALL_CLASS and all(o is _c.LITERAL for o, _ in av):
            heads = _extend(heads, [chr(code) for _, code in av])
        else:
            heads = _closed(heads)
        if len(heads) > _MAX_HEADS:
            raise _Unknown
    return heads


def _at_word_start(items: Any) -> bool:
    """Every match begins at a word boundary (``\\b`` before anything it takes)."""
    for op, av in items:
        if op is _c.AT:
            if av is _c.AT_BOUNDARY:
                return True
            continue
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            continue
        if op is _c.SUBPATTERN:
            return _at_word_start(av[3])
        if op is _c.BRANCH:
            return all(_at_word_start(branch) for branch in av[1])
        return False
    return False


def _lead(text: str) -> str:
    """What a match beginning with ``text`` shows of the word it begins: the whole word
    followed by a space when ``text`` ends it within ``LEAD`` letters ("ik "), else its
    first letters, at most ``LEAD`` ("verw")."""
    token = _TOKEN.match(text)
    if token is None:
        return ""
    word = token.group(0)
    return f"{word} " if len(word) < len(text) and len(word) <= LEAD else word[:LEAD]


def leads(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The beginnings (``Words``) of the word that every match of ``pattern`` starts with,
    or None when a match may begin otherwise."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return None
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    if not _at_word_start(parsed):
        return None
    try:
        heads = _heads(parsed, {("", True)})
    except _Unknown:
        return None
    found = {_lead(text) for text, _ in heads}
    return None if "" in found else frozenset(found)


def _needed(items: Any) -> set[str] | None:
    """Strings one of which every match of ``items`` (a parsed pattern) holds, or None."""
    choices: list[set[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if op is _c.AT:
            continue  # takes no character: the letters around it are next to each other
        if run:
            choices.append({"".join(run)})
            run = []
        found: set[str] | None = None
        if op is _c.SUBPATTERN:
            found = _needed(av[3])
        elif op is _c.BRANCH:
            branches = [_needed(branch) for branch in av[1]]
            found = None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _needed(av[2])
        if found:
            choices.append(found)
    if run:
        choices.append({"".join(run)})
    # the choice whose shortest string is longest says the most
    return max(choices, key=lambda strings: min(map(len, strings)), default=None)


def _branches(source: str) -> list[str]:
    """``source`` split at its top-level ``|``."""
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if source.startswith("]", index + 1) or source.startswith("^]", index + 1):
                index += 1 + (source[index + 1] == "^")
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(source[start:index])
            start = index + 1
        index += 1
    parts.append(source[start:])
    return parts


_FLAGS = re.compile(r"\(\?[aiLmsux]")


class _Part:
    """Consecutive branches of a cue: tried at the words they can begin (``leads``), or
    searched for when the text holds one of the strings their matches need."""

    __slots__ = ("leads", "needed", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.leads = leads(pattern)
        needed = _needed(_parser.parse(pattern.pattern, pattern.flags))
        simple = not pattern.flags & (re.IGNORECASE | re.VERBOSE)
        self.needed = tuple(needed) if needed and simple and "" not in needed else None

    def search(self, text: str, words: Words, pos: int) -> re.Match[str] | None:
        """The first match that starts at ``pos`` or later (``pattern.search(text, pos)``)."""
        if self.leads is None:
            if self.needed is not None and not any(part in text for part in self.needed):
                return None
            return self.pattern.search(text, pos)
        starts = words.starts(self.leads)
        match = self.pattern.match
        for start in starts[bisect_left(starts, pos) :] if pos else starts:
            found = match(text, start)
            if found is not None:
                return found
        return None


class Words:
    """The words of a text, by their beginnings: each word's first 1 to ``LEAD`` letters,
    and a word of at most ``LEAD`` letters also as itself followed by a space."""

    __slots__ = ("_keys", "_starts", "at", "starting")

    def __init__(self, text: str) -> None:
        at: dict[str, list[int]] = {}  # where each word is
        for token in _TOKEN.finditer(text):
            at.setdefault(token.group(0), []).append(token.start())
        starting: dict[str, list[str]] = {}  # the words each beginning begins
        for word in at:
            if len(word) > LEAD:
                keys: tuple[str, ...] = (word[:1], word[:2], word[:3], word[:4])
            else:
                keys = (*(word[:size] for size in range(1, len(word) + 1)), f"{word} ")
            for key in keys:
                starting.setdefault(key, []).append(word)
        self.at = at
        self.starting = starting
        self._keys = frozenset(starting)  # (a set's intersection walks the smaller set)
        self._starts: dict[frozenset[str], list[int]] = {}

    def starts(self, beginnings: frozenset[str]) -> list[int]:
        """Where the words begin that begin with one of ``beginnings``, in order."""
        known = self._starts.get(beginnings)
        if known is not None:
            return known
        at, starting = self.at, self.starting
        keys = beginnings & self._keys
        if len(keys) == 1:
            found = starting[next(iter(keys))]
        else:
            found = list({word: None for key in keys for word in starting[key]})
        if len(found) == 1:
            starts = at[found[0]]
        else:  # (each word's own starts are in order, and no two words start at one place)
            starts = sorted(chain.from_iterable(at[word] for word in found))
        self._starts[beginnings] = starts
        return starts


class Cue:
    """A compiled pattern, tried only where its matches can begin: its top-level branches
    in parts (``_Part``), each tried at the words it can begin with, or searched for only
    in a text that holds what it needs. ``search`` and ``finditer`` give the matches of
    ``pattern.search`` and ``pattern.finditer`` on the whole text: the first (leftmost)
    match of any part, the earlier part's at the same place, as the branches are ordered."""

    __slots__ = ("parts", "pattern")

    def __init__(self, pattern: re.Pattern[str] | str) -> None:
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self.parts = self._parts()

    def _parts(self) -> tuple[_Part, ...]:
        source = self.pattern.pattern
        branches = _branches(source) if not _FLAGS.search(source) else [source]
        parts: list[list[str]] = []
        gated: list[bool] = []
        for branch in branches:
            lead = leads(re.compile(branch, self.pattern.flags)) is not None
            if parts and gated[-1] == lead:
                parts[-1].append(branch)
            else:
                parts.append([branch])
                gated.append(lead)
        compiled = [re.compile("|".join(part), self.pattern.flags) for part in parts]
        return tuple(_Part(pattern) for pattern in compiled)

    def search(self, text: str, words: Words, pos: int = 0) -> re.Match[str] | None:
        """``pattern.search(text, pos)``, where ``words`` is ``Words(text)``."""
        best: re.Match[str] | None = None
        for part in self.parts:
            found = part.search(text, words, pos)
            if found is not None and (best is None or found.start() < best.start()):
                best = found
        return best

    def finditer(self, text: str, words: Words) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, where ``words`` is ``Words(text)``."""
        if len(self.parts) == 1 and self.parts[0].leads is None:
            return self.pattern.finditer(text)
        found: list[re.Match[str]] = []
        pos = 0
        while True:
            match = self.search(text, words, pos)
            if match is None:
                return iter(found)
            if match.end() == match.start():  # what finditer does then is its own
                return self.pattern.finditer(text)
            found.append(match)
            pos = match.end()
