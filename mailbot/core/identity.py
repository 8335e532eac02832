"""Who is asking (DOMAIN.md section 4): known, unknown, spoofed, or verified by the officer.

The From header can be forged. Only the topmost ``Authentication-Results``
header written by our own receiving server (``trusted_authserv_id``) counts;
any below it, or from another server, may have been written by the sender.

- ``known``: the address is on file in a data source, and our server's header
  (if there is one) does not show a failure;
- ``spoofed``: our server saw DMARC fail, or SPF fail/softfail without an aligned
  DKIM pass. Flagged loudly and treated as unknown: never a reason to send,
  erase or change anything;
- ``unknown``: the address is not on file;
- ``verified``: the officer confirmed the person (set by ``cases verify``).

``authenticated`` (DMARC pass, or a DKIM pass aligned with the From domain)
decides whether a known sender asking to erase, restrict or object must first
confirm from the address on file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from mailbot.core.addresses import normalise as normalise_address
from mailbot.core.classification.text import normalise as normalise_text
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


# Rights that erase, block or stop something: a known address must confirm them first
# unless the mail was authenticated.
DESTRUCTIVE = frozenset({Right.ERASURE, Right.RESTRICTION, Right.OBJECTION})

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9-]+)\s*=\s*([a-z]+)(.*)$", re.IGNORECASE)
_PROPERTY = re.compile(r"([a-z0-9-]+)\.([a-z0-9-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Authentication:
    """What our receiving server found: SPF, DKIM (result and signing domain), DMARC."""

    authserv_id: str
    spf: str | None = None
    dmarc: str | None = None
    dkim: tuple[tuple[str, str], ...] = field(default=())

    def aligned_dkim_pass(self, from_domain: str) -> bool:
        return any(
            result == "pass" and _aligned(signer, from_domain) for result, signer in self.dkim
        )

    def passed(self, from_domain: str) -> bool:
        return self.dmarc == "pass" or self.aligned_dkim_pass(from_domain)

    def failed(self, from_domain: str) -> bool:
        if self.dmarc == "fail":
            return True
        return self.spf in ("fail", "softfail") and not self.aligned_dkim_pass(from_domain)

    def summary(self) -> str:
        dkim = ",".join(f"{result}({signer})" for result, signer in self.dkim) or "none"
        spf, dmarc = self.spf or "none", self.dmarc or "none"
        return f"{self.authserv_id}: spf={spf} dkim={dkim} dmarc={dmarc}"


def _aligned(signer: str, from_domain: str) -> bool:
    """Relaxed alignment, approximated: the same domain, or one a subdomain of the other."""
    signer, from_domain = signer.lower().rstrip("."), from_domain.lower().rstrip(".")
    if not signer or not from_domain:
        return False
    return (
        signer == from_domain
        or from_domain.endswith("." + signer)
        or signer.endswith("." + from_domain)
    )


def parse_authentication_results(value: str) -> Authentication | None:
    """One Authentication-Results header (RFC 8601), or None when it cannot be read."""
    text = _COMMENT.sub(" ", value)
    parts = [part.strip() for part in text.split(";")]
    if not parts or not parts[0]:
        return None
    authserv_id = parts[0].split()[0].lower()
    spf = dmarc = None
    dkim: list[tuple[str, str]] = []
    for part in parts[1:]:
        match = _RESULT.match(part)
        if match is None:
            continue
        method, result, rest = match.group(1).lower(), match.group(2).lower(), match.group(3)
        properties = {
            f"{ptype.lower()}.{name.lower()}": val.strip('"')
            for ptype, name, val in _PROPERTY.findall(rest)
        }
        if method == "spf" and spf is None:
            spf = result
        elif method == "dmarc" and dmarc is None:
            dmarc = result
        elif method == "dkim":
            signer = properties.get("header.d") or properties.get("header.i", "").rpartition("@")[2]
            dkim.append((result, signer.lower()))
    return Authentication(authserv_id, spf, dmarc, tuple(dkim))


def trusted_authentication(
    headers: Sequence[str], trusted_authserv_id: str | None
) -> Authentication | None:
    """The topmost Authentication-Results header written by our own server, if any.

    ``headers`` are the header values in the mail's order (topmost first).
    """
    if not trusted_authserv_id:
        return None
    wanted = trusted_authserv_id.lower()
    for value in headers:
        parsed = parse_authentication_results(value)
        if parsed is not None and parsed.authserv_id == wanted:
            return parsed
    return None


@dataclass(frozen=True, slots=True)
class IdentityDecision:
    identity: Identity
    authenticated: bool
    reason: str


def decide_identity(
    on_file: bool, authentication: Authentication | None, from_domain: str
) -> IdentityDecision:
    """The identity table: who is writing, as far as mailbot can tell by itself."""
    if authentication is not None and authentication.failed(from_domain):
        return IdentityDecision(
            Identity.SPOOFED,
            False,
            f"the sender address looks forged ({authentication.summary()})",
        )
    authenticated = authentication is not None and authentication.passed(from_domain)
    if not on_file:
        reason = "the sender address is not on file"
        return IdentityDecision(Identity.UNKNOWN, authenticated, reason)
    how = "authenticated" if authenticated else "not authenticated"
    detail = authentication.summary() if authentication else "no header from our own server"
    return IdentityDecision(Identity.KNOWN, authenticated, f"address on file, {how} ({detail})")


def needs_confirmation(decision: IdentityDecision, rights: Sequence[Right]) -> bool:
    """A known but unauthenticated sender asking to erase, restrict or object confirms first."""
    return (
        decision.identity is Identity.KNOWN
        and not decision.authenticated
        and any(right in DESTRUCTIVE for right in rights)
    )


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


def representation(text: str) -> str | None:
    """The phrase showing that the writer acts for someone else, if any."""
    match = _REPRESENTATION.search(normalise_text(text).text)
    return match.group(0) if match else None


def delivery_elsewhere(
    text: str, sender: str, on_file: Sequence[str] = ()
) -> DeliveryRequest | None:
    """A request to send the data to another address, or by post."""
    normalised = normalise_text(text)
    post = _BY_POST.search(normalised.text)
    if post is not None:
        return DeliveryRequest(None, True, normalised.original(*post.span()))
    known = {sender.lower(), *(address.lower() for address in on_file)}
    pattern = rf"\b{_SEND}\b.{{0,80}}?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    for match in re.finditer(pattern, normalised.text):
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
