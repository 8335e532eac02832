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
from collections.abc import Iterable, Iterator
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


class Words:
    """The words of a text, by their beginnings: each word's first 1 to ``LEAD`` letters,
    and a word of at most ``LEAD`` letters also as itself followed by a space."""

    __slots__ = ("at", "starting")

    def __init__(self, text: str) -> None:
        at: dict[str, list[int]] = {}  # where each word is
        for token in _TOKEN.finditer(text):
            at.setdefault(token.group(0), []).append(token.start())
        starting: dict[str, list[str]] = {}  # the words each beginning begins
        for word in at:
            if len(word) > LEAD:
                keys: tuple[str, ...] = tuple(word[:size] for size in range(1, LEAD + 1))
            else:
                keys = (*(word[:size] for size in range(1, len(word) + 1)), f"{word} ")
            for key in keys:
                starting.setdefault(key, []).append(word)
        self.at = at
        self.starting = starting

    def starts(self, beginnings: frozenset[str]) -> list[int]:
        """Where the words begin that begin with one of ``beginnings``, in order."""
        found = beginnings.intersection(self.starting)
        if not found:
            return []
        at = self.at
        return sorted({start for key in found for word in self.starting[key] for start in at[word]})


class Cue:
    """A compiled pattern tried only where a word begins as its matches must (``leads``):
    the matches are those of ``pattern.finditer`` and ``pattern.search`` on the whole text."""

    __slots__ = ("leads", "pattern")

    def __init__(self, pattern: re.Pattern[str] | str) -> None:
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self.leads = leads(self.pattern)

    def finditer(self, text: str, words: Words) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, where ``words`` is ``Words(text)``."""
        if self.leads is None:
            yield from self.pattern.finditer(text)
            return
        end = 0
        match = self.pattern.match
        for start in words.starts(self.leads):
            if start >= end:
                found = match(text, start)
                if found is not None:  # (never empty: a match takes a word's letters)
                    yield found
                    end = found.end()

    def search(self, text: str, words: Words) -> re.Match[str] | None:
        """``pattern.search(text)``, where ``words`` is ``Words(text)``."""
        if self.leads is None:
            return self.pattern.search(text)
        match = self.pattern.match
        for start in words.starts(self.leads):
            found = match(text, start)
            if found is not None:
                return found
        return None
