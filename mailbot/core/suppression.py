"""The marketing suppression list: who objected to direct marketing, as keyed hashes. No I/O.

An objection to direct marketing is absolute (Art. 21(3)): the person must get
no more of it, ever, also after their case is purged. To honour that the
organisation keeps the least it can: an HMAC-SHA256 of the normalised address
under a secret key. That is *pseudonymised*, not anonymous: anyone with the key
can test whether an address is on the list, so the hashes are personal data
(recital 26), kept on the ground of the legal obligation to respect the
objection (Art. 6(1)(c) with Art. 21(3)), and nothing else is kept with them.

``is_direct_marketing`` tells from a case's evidence whether its objection is
about marketing (newsletters, offers, "stop mailing me") rather than, say,
profiling or research, for which no list is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping

from mailbot.core.addresses import normalise
from mailbot.core.rights import Right

ALGORITHM = "hmac-sha256 of the lower-case address, hex"
MIN_KEY_LENGTH = 32

# Words for marketing in the four languages, on lower-case text without accents.
_MARKETING = re.compile(
    r"marketing|reclame|nieuwsbrie|aanbieding|promoti|promo\b|folder|mailings?\b|spam|"
    r"newsletter|advert|\bads\b|offers\b|commercial|commerciele|"
    r"werbung|werbe|angebot|prospekt|direktwerbung|"
    r"publicit|\bpubs?\b|prospection|demarchage|lettres? d'information|offres"
)
# Cues of the classifier that are about being contacted or put on a list.
_CONTACT_CUES = ("unsubscribe", "contact")


def keyed_hash(key: str, address: str) -> str:
    """The list's entry for ``address``; raises ValueError when it is not an address."""
    normalised = normalise(address)
    if normalised is None:
        raise ValueError(f"{address!r} is not an e-mail address")
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def key_problem(key: str) -> str | None:
    """Why ``key`` is unfit for the list (None: it is fit)."""
    if len(key.strip()) < MIN_KEY_LENGTH:
        return f"the key must be at least {MIN_KEY_LENGTH} characters (e.g. openssl rand -hex 32)"
    return None


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def is_direct_marketing(
    rights: Iterable[str], evidence: Iterable[Mapping[str, object]], *, any_right: bool = False
) -> bool:
    """True when the case objects, and its evidence for the objection is about marketing.

    ``any_right``: the officer gave the case its rights, so all of its evidence counts.
    """
    if Right.OBJECTION.value not in set(rights):
        return False
    for item in evidence:
        if not any_right and item.get("right") != Right.OBJECTION.value:
            continue
        cue = str(item.get("cue", ""))
        if any(word in cue for word in _CONTACT_CUES):
            return True
        if _MARKETING.search(_plain(str(item.get("phrase", "")))):
            return True
    return False
