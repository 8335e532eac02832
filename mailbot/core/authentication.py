"""Did the receiving service authenticate the sender? (DOMAIN.md sections 4 and 7). No I/O.

Everything a sender writes is a claim: From, its display name, and every
``Authentication-Results`` header the mail arrived with. The one piece of
evidence is the verdict the company's own receiving service stamped on the
mail as it came in, which is the topmost header in that service's shape:

- ``own``: a server of our own, known by its authserv-id (``trusted_authserv_id``);
- ``microsoft365``: Exchange Online writes no authserv-id (the value begins with
  ``spf=``) and adds ``compauth=``, Microsoft's own verdict on spoofing;
- ``google``: Google Workspace, authserv-id ``mx.google.com``.

Headers are read per RFC 8601: quoted strings (a ``;`` inside one separates
nothing), comments (nested, dropped), results of one method given several times,
and properties whose value is a quoted local part. A DMARC pass counts only for
``header.from`` equal to the From domain, and a mail with more than one From
address is never authenticated: the service judged one of them, mailbot cannot
tell which.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MICROSOFT_RESULT = "compauth"  # Exchange Online's composite verdict
GOOGLE_ID = "mx.google.com"
MAX_HEADER = 16 * 1024  # a longer value is read up to here: no service writes more


class MailService(StrEnum):
    """Who receives the organisation's mail (``organisation.mail_service``)."""

    OWN = "own"
    MICROSOFT365 = "microsoft365"
    GOOGLE = "google"


class Verdict(StrEnum):
    """What the receiving service's header says about a mail's From address."""

    PASS = "pass"  # noqa: S105 (a verdict, not a password) DMARC pass for the From domain, or a DKIM pass aligned with it
    FAIL = "fail"  # DMARC fail, SPF fail/softfail without an aligned DKIM pass, compauth=fail
    NEUTRAL = "neutral"  # the service checked and could neither confirm nor refute it
    UNCHECKED = "unchecked"  # no header from the service: nothing is known either way
    AMBIGUOUS = "ambiguous"  # more than one From address: no verdict can be about "the" sender

    @property
    def forged(self) -> bool:
        """The From address must be taken as forged."""
        return self in (Verdict.FAIL, Verdict.AMBIGUOUS)


@dataclass(frozen=True, slots=True)
class Trust:
    """Whose header counts: the receiving service, and for ``own`` its authserv-id."""

    service: MailService = MailService.OWN
    authserv_id: str | None = None

    @property
    def expected_id(self) -> str | None:
        if self.service is MailService.GOOGLE:
            return (self.authserv_id or GOOGLE_ID).lower()
        if self.service is MailService.OWN and self.authserv_id:
            return self.authserv_id.lower()
        return None

    @property
    def checks(self) -> bool:
        """Whether a header is expected at all (without one mailbot can detect no forgery)."""
        return self.service is not MailService.OWN or bool(self.authserv_id)

    def describe(self) -> str:
        if self.service is MailService.MICROSOFT365:
            return "Microsoft 365 (Exchange Online)"
        return self.expected_id or "no receiving service configured"


@dataclass(frozen=True, slots=True)
class Result:
    """One ``method=result`` of a header, with its reason and properties (keys lower case)."""

    method: str
    result: str
    properties: Mapping[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str:
        return self.properties.get(key, "")


@dataclass(frozen=True, slots=True)
class Header:
    """One ``Authentication-Results`` header: ``authserv_id`` is None in Microsoft's shape."""

    authserv_id: str | None
    results: tuple[Result, ...]

    def of(self, method: str) -> list[Result]:
        return [result for result in self.results if result.method == method]


# -- RFC 8601 tokens ----------------------------------------------------------------
_SPECIAL = ";="


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    kind: str  # "atom", "quoted", or one of _SPECIAL
    spaced: bool  # whitespace or a comment came before it


def _comment_end(value: str, i: int) -> int:
    """The index after the comment opening at ``value[i]`` (comments nest; ``\\`` escapes).

    A quoted string inside a comment is read as one, although RFC 5322 would not: a
    service that echoes an envelope sender such as ``"x); dmarc=pass; (y"@evil`` into
    its comment must not end the comment there. Reading too much as comment can only
    hide results (less trust), never add one.
    """
    depth, i = 1, i + 1
    while i < len(value) and depth:
        if value[i] == "\\":
            i += 1
        elif value[i] == '"':
            i = _quoted(value, i)[1] - 1
        elif value[i] == "(":
            depth += 1
        elif value[i] == ")":
            depth -= 1
        i += 1
    return i


def _quoted(value: str, i: int) -> tuple[str, int]:
    """The text of the quoted string opening at ``value[i]``, and the index after it."""
    text, i = [], i + 1
    while i < len(value) and value[i] != '"':
        if value[i] == "\\" and i + 1 < len(value):
            i += 1
        text.append(value[i])
        i += 1
    return "".join(text), i + 1


def _tokens(value: str) -> Iterator[_Token]:
    """Atoms, quoted strings and ``;``/``=``; comments (nested) and folding are dropped."""
    i, spaced = 0, True
    while i < len(value):
        char = value[i]
        if char.isspace() or char == ")":  # a stray ")" is not ours to read either
            i, spaced = i + 1, True
        elif char == "(":
            i, spaced = _comment_end(value, i), True
        elif char == '"':
            text, i = _quoted(value, i)
            yield _Token(text, "quoted", spaced)
            spaced = False
        elif char in _SPECIAL:
            yield _Token(char, char, spaced)
            i, spaced = i + 1, False
        else:
            start = i
            while i < len(value) and not value[i].isspace() and value[i] not in '()";=':
                i += 1
            yield _Token(value[start:i], "atom", spaced)
            spaced = False


def _segments(value: str) -> list[list[_Token]]:
    """The header's ``;``-separated parts, split only outside quoted strings and comments."""
    parts: list[list[_Token]] = [[]]
    for token in _tokens(value[:MAX_HEADER]):
        if token.kind == ";":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _text(tokens: Sequence[_Token]) -> str:
    return "".join(token.text if token.kind != "quoted" else f'"{token.text}"' for token in tokens)


def _plain(tokens: Sequence[_Token]) -> str:
    """A value as it means: a quoted string without its quotes, a local part with them."""
    if len(tokens) == 1 and tokens[0].kind == "quoted":
        return tokens[0].text
    return _text(tokens)


def _result(part: list[_Token]) -> Result | None:
    """``method[/version] = result [reason=...] [ptype.property=value ...]``, or None.

    A value is the token after ``=`` and every token written against it, so that
    ``smtp.mailfrom="x;y"@evil`` or ``header.b=ab+c==`` is read whole.
    """
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(part):
        key = part[i]
        if key.kind != "atom" or i + 1 >= len(part) or part[i + 1].kind != "=":
            if not pairs:
                return None  # a result begins with its method
            i += 1  # a stray word between properties: not ours to read
            continue
        i += 2
        value: list[_Token] = []
        while i < len(part) and (not value or not part[i].spaced):
            value.append(part[i])
            i += 1
        pairs.append((key.text, _plain(value)))
    if not pairs:
        return None
    method = pairs[0][0].split("/", 1)[0].strip().lower()
    result = pairs[0][1].strip().lower()
    if not result or not re.fullmatch(r"[a-z0-9_-]+", method):
        return None
    properties: dict[str, str] = {}
    for name, value_text in pairs[1:]:
        properties.setdefault(name.strip().lower(), value_text.strip())
    return Result(method, result, properties)


def parse_header(value: str) -> Header | None:
    """One ``Authentication-Results`` value, or None when it cannot be read.

    Microsoft's shape (no authserv-id: the first part is already a result) gives
    ``authserv_id=None``.
    """
    segments = _segments(value)
    first = segments[0]
    if not first:
        return None
    if any(token.kind == "=" for token in first):
        authserv_id = None  # "spf=pass (sender IP is ...) smtp.mailfrom=...; dkim=..."
        parts = segments
    else:
        authserv_id = _plain(first[:1]).lower()  # then an optional version: not needed
        if not authserv_id:
            return None
        parts = segments[1:]
    results = []
    for part in parts:
        if len(part) == 1 and part[0].kind == "atom" and part[0].text.lower() == "none":
            continue  # "no-result": the service looked and found nothing to say
        found = _result(part)
        if found is not None:
            results.append(found)
    return Header(authserv_id, tuple(results))


def service_header(values: Sequence[str], trust: Trust) -> Header | None:
    """The receiving service's own header: the topmost in its shape, or None.

    ``values`` are the mail's ``Authentication-Results`` values, topmost first. A
    header in the service's shape lower down was there before the service saw the
    mail (the sender wrote it) and is never read.
    """
    expected = trust.expected_id
    for value in values:
        header = parse_header(value)
        if header is None:
            continue
        if trust.service is MailService.MICROSOFT365:
            # Exchange Online puts its header on top; any other lies below it. The topmost
            # one decides: if it is not in Microsoft's shape, Microsoft wrote none we know.
            return header if header.authserv_id is None else None
        if expected is not None and header.authserv_id == expected:
            return header
    return None


# -- the verdict ---------------------------------------------------------------------
def _domain(value: str) -> str:
    """The domain of ``header.from``/``header.d``/``header.i`` values (``@d``, ``x@d``, ``d``)."""
    return value.rpartition("@")[2].strip().strip('"').lower().rstrip(".")


def aligned(signer: str, from_domain: str) -> bool:
    """Relaxed alignment, approximated: the same domain, or one a subdomain of the other."""
    signer, from_domain = signer.lower().rstrip("."), from_domain.lower().rstrip(".")
    if not signer or not from_domain or "." not in signer:
        return False
    return (
        signer == from_domain
        or from_domain.endswith("." + signer)
        or signer.endswith("." + from_domain)
    )


def _aligned_dkim_pass(header: Header, from_domain: str) -> bool:
    for result in header.of("dkim"):
        signer = _domain(result.get("header.d") or result.get("header.i"))
        if result.result == "pass" and aligned(signer, from_domain):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on a mail's From address and, for the officer, what it rests on."""

    verdict: Verdict
    detail: str

    @property
    def authenticated(self) -> bool:
        return self.verdict is Verdict.PASS


def judge(header: Header | None, from_domain: str, authors: int, trust: Trust) -> Judgement:
    """What the service's ``header`` says about a mail whose From domain is ``from_domain``.

    ``authors`` is the number of addresses in the mail's From header(s).
    """
    if authors != 1:
        return Judgement(
            Verdict.AMBIGUOUS,
            f"the mail names {authors} senders in From: the sender cannot be told",
        )
    if header is None:
        why = (
            f"no Authentication-Results header from {trust.describe()}"
            if trust.checks
            else "no receiving service configured (organisation.mail_service)"
        )
        return Judgement(Verdict.UNCHECKED, why)
    summary = summarise(header)
    domain = from_domain.lower().rstrip(".")
    dmarc = header.of("dmarc")
    composite = header.of(MICROSOFT_RESULT) if trust.service is MailService.MICROSOFT365 else []
    dkim_pass = _aligned_dkim_pass(header, domain)
    spf_failed = any(result.result in ("fail", "softfail") for result in header.of("spf"))
    dmarc_failed = any(result.result == "fail" for result in dmarc)
    # Microsoft's compauth=pass after an SPF or DMARC fail: a trusted ARC sealer vouched for
    # a forwarded mail (reason 130). Not forged, and not authenticated by the sender's domain.
    vouched = any(result.result == "pass" for result in composite)
    if any(result.result == "fail" for result in composite) or (
        not vouched and (dmarc_failed or (spf_failed and not dkim_pass))
    ):
        return Judgement(Verdict.FAIL, summary)
    dmarc_pass = any(
        result.result == "pass" and _domain(result.get("header.from")) == domain for result in dmarc
    )
    # A service states each of these once per header: a second one was put there by whoever
    # chose a value the service echoed (an envelope sender, say). Then nothing passes.
    repeated = any(len(header.of(method)) > 1 for method in ("spf", "dmarc", MICROSOFT_RESULT))
    if (dmarc_pass or dkim_pass) and not repeated and not dmarc_failed:
        return Judgement(Verdict.PASS, summary)
    return Judgement(Verdict.NEUTRAL, summary)


def summarise(header: Header) -> str:
    """``mx.example.org: spf=pass dkim=pass(example.com) dmarc=pass(example.com)``."""
    shown = []
    for result in header.results:
        if result.method not in ("spf", "dkim", "dmarc", MICROSOFT_RESULT):
            continue
        about = {
            "dkim": _domain(result.get("header.d") or result.get("header.i")),
            "dmarc": _domain(result.get("header.from")),
        }.get(result.method, "")
        text = f"{result.method}={result.result}" + (f"({about})" if about else "")
        shown.append(text[:80])
    name = header.authserv_id or "Microsoft 365"
    return f"{name}: {' '.join(shown) or 'no results'}"


def judge_mail(values: Sequence[str], from_domain: str, authors: int, trust: Trust) -> Judgement:
    """The verdict for a mail given its ``Authentication-Results`` values (topmost first)."""
    return judge(service_header(values, trust), from_domain, authors, trust)
