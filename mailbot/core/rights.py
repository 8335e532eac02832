"""The six data-subject rights mailbot handles, by their JSON names (DOMAIN.md section 2)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Right(StrEnum):
    ACCESS = "access"  # Art. 15, inzage
    RECTIFICATION = "rectification"  # Art. 16, rectificatie
    ERASURE = "erasure"  # Art. 17, vergeetverzoek
    RESTRICTION = "restriction"  # Art. 18, beperking van de verwerking
    PORTABILITY = "portability"  # Art. 20, overdraagbaarheid
    OBJECTION = "objection"  # Art. 21, bezwaar


GDPR_ARTICLES: dict[int, Right] = {
    15: Right.ACCESS,
    16: Right.RECTIFICATION,
    17: Right.ERASURE,
    18: Right.RESTRICTION,
    20: Right.PORTABILITY,
    21: Right.OBJECTION,
}

_ORDER = {right: index for index, right in enumerate(Right)}
_NAMES = frozenset(right.value for right in Right)


def ordered(rights: Iterable[Right]) -> tuple[Right, ...]:
    """Rights without duplicates, in the article order (access first, objection last)."""
    return tuple(sorted(set(rights), key=_ORDER.__getitem__))


def parse_rights(text: str) -> tuple[Right, ...]:
    """``"access, erasure"`` -> rights; raises ValueError naming an unknown right."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in _NAMES]
    if unknown:
        valid = ", ".join(right.value for right in Right)
        raise ValueError(f"unknown right {unknown[0]!r}; use one or more of: {valid}")
    return ordered(Right(name) for name in names)
