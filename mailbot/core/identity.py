"""Who is asking (DOMAIN.md sections 4 and 7): known, unknown, spoofed, or verified.

Everything a sender writes is a claim; the receiving service's verdict on the
mail (``core.authentication``) is the evidence:

- ``known``: the address is on file in a data source and nothing says it is forged;
- ``spoofed``: the service found the From address forged (DMARC fail, SPF
  fail/softfail without an aligned DKIM pass, Microsoft's compauth=fail), or the
  mail names more than one sender. Flagged loudly: never a reason to send,
  erase or change anything; at most the address's owner is asked "did you send
  this?";
- ``unknown``: the address is not on file;
- ``verified``: the officer confirmed the person (set by ``cases verify``).

``authenticated`` (a pass for the From domain) decides whether a known sender
asking to erase, restrict, object or change their contact details must first
confirm from the address on file.

Who the requester is: the From address, except for a forward from a colleague
named in ``[intake] forwarders`` whose own mail passed (on Microsoft 365: was
not flagged; where no receiving service checks anything: carries no verdict):
then the forwarded original's sender.
Anyone else who forwards another person's mail asks for that person, which
needs proof of authority.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from mailbot.core.addresses import normalise as normalise_address
from mailbot.core.authentication import Judgement, MailService, Trust, Verdict, judge_mail
from mailbot.core.classification.text import Normalised
from mailbot.core.classification.text import normalise as normalise_text
from mailbot.core.mail import Address, ParsedMail
from mailbot.core.rights import Right


class Identity(StrEnum):
    KNOWN = "known"
    UNKNOWN = "unknown"
    SPOOFED = "spoofed"
    VERIFIED = "verified"


class Verification(StrEnum):
    """How the officer verified a person (``cases verify --check``), as the register records it."""

    ID_DOCUMENT = "id"  # an ID copy was checked (and deleted right after)
    DETAILS = "details"  # details on file: customer number, address, order
    OTHER = "other"  # in person, a representative's authority, ...


# Identities whose person is known to be who they say: the address on file, or the officer
# verified them (``cases verify``).
IDENTIFIED = frozenset({Identity.KNOWN.value, Identity.VERIFIED.value})

# Rights that erase, block or stop something: a known address must confirm them first
# unless the mail was authenticated.
DESTRUCTIVE = frozenset({Right.ERASURE, Right.RESTRICTION, Right.OBJECTION})


@dataclass(frozen=True, slots=True)
class Sender:
    """Who asks in a mail, and the verdict that bears on that person's address."""

    requester: Address | None
    judgement: Judgement
    forwarded_by: Address | None = None  # a colleague forwarded the request (accepted)
    writes_for: Address | None = None  # forwards another person's mail: asks for them
    from_authenticated: bool = False  # the service authenticated the mail's own From

    @property
    def thread_sender(self) -> str | None:
        """Who the mail's Message-ID counts as sent by, for threading (``core.followups``):
        its From address, when the service authenticated it; else nobody, so that a
        Message-ID a forger chose under someone's address captures none of their mail."""
        sender = self.forwarded_by if self.forwarded_by is not None else self.requester
        return sender.key if sender is not None and self.from_authenticated else None


def sender_of(mail: ParsedMail, trust: Trust, forwarders: Collection[str] = ()) -> Sender:
    """Who asks in ``mail`` and what the receiving service says about it."""
    sender = mail.sender
    domain = sender.domain if sender is not None else ""
    outer = judge_mail(mail.authentication_results, domain, mail.authors, trust)
    forwarded = mail.forwarded
    original = forwarded.sender if forwarded is not None else None
    passed = outer.verdict is Verdict.PASS
    if sender is None or original is None or original.key == sender.key:
        return Sender(sender, outer, from_authenticated=passed)
    colleague = sender.key in {address.lower() for address in forwarders}
    vouched = outer.verdict is Verdict.PASS or (
        # Exchange Online judges spoofing itself (compauth), the tenant's own domains too, and
        # stamps mail from inside the tenant without a DMARC pass: not flagged is enough there.
        (trust.service is MailService.MICROSOFT365 and outer.verdict is Verdict.NEUTRAL)
        or (not trust.checks and outer.verdict is Verdict.UNCHECKED)
    )
    if colleague and vouched:
        why = (
            f"forwarded by {sender.address} ({outer.detail}); "
            "the original sender's own mail cannot be authenticated"
        )
        unproven = Judgement(Verdict.UNCHECKED, why)
        return Sender(original, unproven, forwarded_by=sender, from_authenticated=passed)
    return Sender(sender, outer, writes_for=original, from_authenticated=passed)


@dataclass(frozen=True, slots=True)
class IdentityDecision:
    identity: Identity
    authenticated: bool
    reason: str


def decide_identity(
    on_file: bool, judgement: Judgement, confirmed: bool = False
) -> IdentityDecision:
    """The identity table: who is writing, as far as mailbot can tell by itself.

    ``confirmed``: the owner of the address answered our confirmation request or sender
    check with a yes that reached us from it (``core.answers``): the request is theirs,
    whatever the first mail looked like.
    """
    if confirmed:
        if not on_file:
            return IdentityDecision(
                Identity.UNKNOWN, False, "confirmed from its address, which is not on file"
            )
        return IdentityDecision(
            Identity.KNOWN, False, "address on file; the request was confirmed from it"
        )
    if judgement.verdict.forged:
        return IdentityDecision(
            Identity.SPOOFED, False, f"the sender address looks forged ({judgement.detail})"
        )
    authenticated = judgement.authenticated
    if not on_file:
        return IdentityDecision(
            Identity.UNKNOWN, authenticated, "the sender address is not on file"
        )
    how = "authenticated" if authenticated else "not authenticated"
    return IdentityDecision(
        Identity.KNOWN, authenticated, f"address on file, {how} ({judgement.detail})"
    )


def needs_confirmation(
    decision: IdentityDecision, rights: Sequence[Right], contact_change: bool = False
) -> bool:
    """A known but unauthenticated sender asking to erase, restrict, object, or change their
    contact details (which hands the account to whoever owns the new address) confirms
    first, from the address on file."""
    destructive = any(right in DESTRUCTIVE for right in rights) or (
        contact_change and Right.RECTIFICATION in rights
    )
    return decision.identity is Identity.KNOWN and not decision.authenticated and destructive


_REPRESENTATION = re.compile(
    r"\b(?:namens|in naam van|ten behoeve van|"
    r"(?:mijn|ons|onze) (?:zoon|dochter|kind|kinderen|moeder|vader|client|clienten)|"
    r"als (?:ouder|voogd|advocaat|gemachtigde|curator|bewindvoerder|mentor)|"
    r"on behalf of|acting for|"
    r"my (?:son|daughter|child|children|mother|father|client)|"
    r"as (?:his|her|their|the child's) (?:parent|guardian|lawyer|attorney|representative)|"
    r"im (?:namen|auftrag) (?:von|meines|meiner)|meine[rs]? (?:sohnes|tochter|kindes|mandant\w*)|"
    r"au nom de|pour le compte de|mon (?:fils|enfant|client)|ma (?:fille|cliente))\b"
)
_SEND = (
    r"(?:stuur|sturen|verstuur|toesturen|mail|mailen|send|sent|forward|schick\w*|send\w*|"
    r"envoy\w*|transmet\w*)"
)
_BY_POST = re.compile(
    r"\b(?:per post|via de post|per brief|by post|by mail to my (?:home )?address|"
    r"per post(?:weg)?|auf dem postweg|par (?:la )?poste|par courrier)\b"
)


@dataclass(frozen=True, slots=True)
class DeliveryRequest:
    """The person asks for the data elsewhere than the address on file."""

    address: str | None
    by_post: bool
    phrase: str


_SENT_TO = re.compile(rf"\b{_SEND}\b.{{0,80}}?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


@lru_cache(maxsize=4)
def _normalised(text: str) -> Normalised:
    """Drafting asks ``representation``, ``delivery_elsewhere`` and ``contact_change`` about
    one text in turn: it is normalised once."""
    return normalise_text(text)


def representation(text: str) -> str | None:
    """The phrase showing that the writer acts for someone else, if any."""
    match = _REPRESENTATION.search(_normalised(text).text)
    return match.group(0) if match else None


def delivery_elsewhere(
    text: str, sender: str, on_file: Sequence[str] = ()
) -> DeliveryRequest | None:
    """A request to send the data to another address, or by post."""
    normalised = _normalised(text)
    post = _BY_POST.search(normalised.text)
    if post is not None:
        return DeliveryRequest(None, True, normalised.original(*post.span()))
    known = {sender.lower(), *(address.lower() for address in on_file)}
    for match in _SENT_TO.finditer(normalised.text):
        address = normalise_address(normalised.original(*match.span(1)).rstrip("."))
        if address is not None and address not in known:
            return DeliveryRequest(address, False, normalised.original(*match.span()))
    return None


def allowed_recipients(
    identity: str | None, address_on_file: str | None, send_to: str | None
) -> set[str]:
    """Where a case's personal data may go: the address on file, or one the officer verified."""
    allowed: set[str] = set()
    if identity in (Identity.KNOWN, Identity.VERIFIED) and address_on_file:
        allowed.add(address_on_file.lower())
    if identity == Identity.VERIFIED and send_to:
        allowed.add(send_to.lower())
    return allowed


_CONTACT = re.compile(
    r"\b(?:e-?mail ?(?:adres|address|adresse)?|(?:e-?)?mailadres|emailadres|courriel|"
    r"(?:woon|post|huis|factuur)?adres|address|adresse|anschrift|"
    r"telefoon(?: ?nummer)?|mobiele? (?:nummer|telefoon)|06-?nummer|"
    r"(?:tele)?phone(?: number)?|mobile(?: number)?|cell ?(?:phone|number)|"
    r"telefon(?: ?nummer)?|handy ?(?:nummer)?|mobilnummer|"
    r"numero de (?:telephone|portable)|telephone|portable)\b"
)


def contact_change(text: str) -> str | None:
    """The words showing that a rectification is about the e-mail address, postal address or
    phone number (as sensitive as erasure: whoever owns the new address takes over), if any."""
    normalised = _normalised(text)
    match = _CONTACT.search(normalised.text)
    return normalised.original(*match.span()) if match else None


# A name is letters, with spaces, hyphens, apostrophes and the dot of an initial ("J. Visser").
_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.-])*$")
_DOMAIN_SHAPED = re.compile(r"[^\W_]\.[^\W_]|www|https?", re.IGNORECASE)
MAX_NAME = 60


def greeting_name(name: str) -> str:
    """A display name as the greeting may use it, or "" when it does not look like a name.

    A display name is the sender's to choose: one holding a link, a domain, an address,
    digits or a whole sentence is not a person's name and never reaches a letter. Look-alike
    characters (fullwidth, mathematical letters) are read as what they look like first.
    """
    name = " ".join(name.split())
    plain = unicodedata.normalize("NFKC", name)
    if (
        not name
        or len(name) > MAX_NAME
        or len(name.split()) > 5
        or not _NAME.match(plain)
        or _DOMAIN_SHAPED.search(plain)
    ):
        return ""
    return name
