"""Not running a cue pattern on a text it cannot match, told from the words of the text.

Most cue patterns start at a word boundary with one of a few words
(``\\b(?:verwijder\\w*|delete\\w*|erase\\w*)``): a match can only begin where a word of
the text begins with the first letters of one of them. ``Cue`` reads those letters
(its *leads*) from the pattern itself, once, when it is compiled; ``beginnings`` gives
the first letters of every word of a text, once per text. A pattern none of whose leads
is among them is not run: running it would find nothing. A pattern whose matches could
begin anywhere else (no boundary first, a character class, ``\\w*``) has no leads and
always runs. Either way the matches are those of the pattern.
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
    """What a match beginning with ``text`` shows of the word it begins: its letters up to
    the first that is not a word character, at most ``LEAD``."""
    token = _TOKEN.match(text)
    return token.group(0)[:LEAD] if token is not None else ""


def leads(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The beginnings that every match of ``pattern`` starts a word with, or None when a
    match may begin otherwise."""
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


def beginnings(text: str) -> frozenset[str]:
    """The beginnings (1 to ``LEAD`` letters) of every word of ``text``."""
    starts = {token[:LEAD] for token in _TOKEN.findall(text)}
    return frozenset(start[:size] for start in starts for size in range(1, len(start) + 1))


class Cue:
    """A compiled pattern that is only run on a text whose words it could match."""

    __slots__ = ("leads", "pattern")

    def __init__(self, pattern: re.Pattern[str] | str) -> None:
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self.leads = leads(self.pattern)

    def possible(self, words: frozenset[str]) -> bool:
        """Whether the pattern may match a text whose word beginnings are ``words``."""
        return self.leads is None or not self.leads.isdisjoint(words)

    def search(self, text: str, words: frozenset[str]) -> re.Match[str] | None:
        return self.pattern.search(text) if self.possible(words) else None

    def finditer(self, text: str, words: frozenset[str]) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.possible(words) else iter(())
