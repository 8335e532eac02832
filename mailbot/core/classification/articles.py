"""Rights cited by article number: "art. 15 en 17 AVG", "Article 20(1) GDPR", "Art. 21 DSGVO".

A number counts only when the law is named close by, so that "artikel 15" of
some contract or "Article 12(3)" (the deadline) does not count. Lists are
followed: "artikelen 15, 16 en 17 AVG" cites three rights. The Dutch law
before the GDPR (Wbp) is still cited; its access and objection articles map too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mailbot.core.rights import GDPR_ARTICLES, Right

_GDPR_NAMES = (
    r"avg|gdpr|dsgvo|ds-gvo|rgpd|agv|avr|uavg|bdsg|"
    r"algemene verordening gegevensbescherming|general data protection regulation|"
    r"datenschutz-?grundverordnung|reglement general sur la protection des donnees|"
    r"verordening \(eu\) 2016/679|regulation \(eu\) 2016/679|verordnung \(eu\) 2016/679|"
    r"reglement \(ue\) 2016/679|2016/679"
)
_LAW = re.compile(rf"\b(?:(?P<gdpr>{_GDPR_NAMES})|(?P<wbp>wbp|wet bescherming persoonsgegevens))\b")
_ARTICLE = re.compile(
    r"\b(?:art(?:ikel(?:en|s)?|icles?|s)?\.?|§)\s*(?P<number>\d{1,3})\b(?![.,]\d)"
)
_SUFFIX = (
    r"(?:\s*\(\s*\w{1,3}\s*\)|\s*,?\s*(?:lid|leden|abs\.?|absatz|alinea|al\.|para(?:graph)?\.?|"
    r"sub|onder|lit\.?|letter|buchstabe|satz|zin|s\.)\s*[\w()]{1,4})*"
)
_NEXT = re.compile(
    rf"^{_SUFFIX}\s*(?:,|/|&|\ben\b|\band\b|\bund\b|\bet\b|\bof\b|\bor\b|\boder\b|\bou\b)\s*"
    r"(?:art(?:ikel|icle)?\.?\s*)?(?P<number>\d{1,3})\b(?![.,]\d)"
)
_WBP_ARTICLES = {
    35: Right.ACCESS,
    36: Right.RECTIFICATION,
    40: Right.OBJECTION,
    41: Right.OBJECTION,
}
_LAW_WINDOW = 60


@dataclass(frozen=True, slots=True)
class Citation:
    right: Right
    start: int
    end: int


def cited_rights(text: str) -> Iterator[Citation]:
    """Every right cited by article number in normalised ``text``."""
    for match in _ARTICLE.finditer(text):
        numbers = [(int(match["number"]), match.start(), match.end())]
        position = match.end()
        while (following := _NEXT.match(text[position:])) is not None:
            numbers.append((int(following["number"]), match.start(), position + following.end()))
            position += following.end()
        law = _law_near(text, match.start(), position)
        if law is None:
            continue
        table = GDPR_ARTICLES if law == "gdpr" else _WBP_ARTICLES
        for number, start, end in numbers:
            right = table.get(number)
            if right is not None:
                yield Citation(right, start, end)


def _law_near(text: str, start: int, end: int) -> str | None:
    after = _LAW.search(text, end, end + _LAW_WINDOW)
    before = None
    for candidate in _LAW.finditer(text, max(0, start - _LAW_WINDOW // 2), start):
        before = candidate
    found = after or before
    if found is None:
        return None
    return "gdpr" if found["gdpr"] else "wbp"
