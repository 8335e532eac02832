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
    """One ``Authentication-Results`` header: ``authserv_id`` is None in Microsoft's shape.

    ``suspicious``: read, but not as a service writes: a quoted string or comment that does
    not end, a quote glued into a value, a property given twice in one result. Such a
    header passes nothing (a service echoed a value the sender chose).
    """

    authserv_id: str | None
    results: tuple[Result, ...]
    suspicious: bool = False
    raw: str = ""

    def of(self, method: str) -> list[Result]:
        return [result for result in self.results if result.method == method]


# -- RFC 8601 tokens ----------------------------------------------------------------
_SPECIAL = ";="
_BROKEN = "!"  # the kind of a token that marks a quoted string or comment that never ends


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
            end = _quoted(value, i)[1]
            if end < 0:
                return -1  # a quoted string in the comment that never ends
            i = end - 1
        elif value[i] == "(":
            depth += 1
        elif value[i] == ")":
            depth -= 1
        i += 1
    return i if depth == 0 else -1


def _quoted(value: str, i: int) -> tuple[str, int]:
    """The text of the quoted string opening at ``value[i]``, and the index after it."""
    text, i = [], i + 1
    while i < len(value) and value[i] != '"':
        if value[i] == "\\" and i + 1 < len(value):
            i += 1
        text.append(value[i])
        i += 1
    return "".join(text), (i + 1 if i < len(value) else -1)


def _tokens(value: str) -> Iterator[_Token]:
    """Atoms, quoted strings and ``;``/``=``; comments (nested) and folding are dropped."""
    i, spaced = 0, True
    while i < len(value):
        char = value[i]
        if char.isspace() or char == ")":  # a stray ")" is not ours to read either
            i, spaced = i + 1, True
        elif char == "(":
            i, spaced = _comment_end(value, i), True
            if i < 0:
                yield _Token("", _BROKEN, True)
                return
        elif char == '"':
            text, i = _quoted(value, i)
            if i < 0:
                yield _Token(text, _BROKEN, spaced)
                return
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


def _odd(value: list[_Token]) -> bool:
    """A value no service writes: a quoted string glued to anything but ``@domain`` after it
    (``"local"@domain`` is an address), or an unended quoted string or comment."""
    kinds = [token.kind for token in value]
    if _BROKEN in kinds:
        return True
    if "quoted" not in kinds:
        return False
    if len(value) == 1:
        return False
    return not (len(value) == 2 and kinds == ["quoted", "atom"] and value[1].text.startswith("@"))


def _result(part: list[_Token]) -> tuple[Result | None, bool]:
    """``method[/version] = result [reason=...] [ptype.property=value ...]``, or None; and
    whether it was written oddly (see ``Header.suspicious``).

    A value is the token after ``=`` and every token written against it, so that
    ``smtp.mailfrom="x;y"@evil`` or ``header.b=ab+c==`` is read whole.
    """
    odd = any(token.kind == _BROKEN for token in part)
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(part):
        key = part[i]
        if key.kind != "atom" or i + 1 >= len(part) or part[i + 1].kind != "=":
            if not pairs:
                return None, odd  # a result begins with its method
            i += 1  # a stray word between properties: not ours to read
            continue
        i += 2
        value: list[_Token] = []
        while i < len(part) and (not value or not part[i].spaced):
            value.append(part[i])
            i += 1
        odd = odd or _odd(value)
        pairs.append((key.text, _plain(value)))
    if not pairs:
        return None, odd
    method = pairs[0][0].split("/", 1)[0].strip().lower()
    result = pairs[0][1].strip().lower()
    if not result or not re.fullmatch(r"[a-z0-9_-]+", method):
        return None, odd
    properties: dict[str, str] = {}
    for name, value_text in pairs[1:]:
        key_name = name.strip().lower()
        odd = odd or key_name in properties
        properties.setdefault(key_name, value_text.strip())
    return Result(method, result, properties), odd


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
        if first[0].kind == _BROKEN:
            return None
        authserv_id = _plain(first[:1]).lower()  # then an optional version: not needed
        if not authserv_id:
            return None
        parts = segments[1:]
    results, suspicious = [], False
    for part in parts:
        if len(part) == 1 and part[0].kind == "atom" and part[0].text.lower() == "none":
            continue  # "no-result": the service looked and found nothing to say
        found, odd = _result(part)
        suspicious = suspicious or odd
        if found is not None:
            results.append(found)
    return Header(authserv_id, tuple(results), suspicious, value[:MAX_HEADER])


def service_headers(values: Sequence[str], trust: Trust) -> list[Header]:
    """The receiving service's own headers, its topmost first; empty when it wrote none.

    ``values`` are the mail's ``Authentication-Results`` values, topmost first. Only the
    topmost header in the service's shape can pass a mail: one lower down may have been
    there before the service saw the mail (the sender wrote it). Lower headers with the
    service's id are returned too, for their failures only (a server whose filters write
    one header each, SPF's below DMARC's): a failure a sender writes can only hurt the
    sender. Exchange Online's header is the topmost of all; if the topmost is not in its
    shape, Microsoft wrote none that mailbot knows.
    """
    if trust.service is MailService.MICROSOFT365:
        topmost = parse_header(values[0]) if values else None
        return [topmost] if topmost is not None and topmost.authserv_id is None else []
    expected = trust.expected_id
    if expected is None:
        return []
    found = [header for header in map(parse_header, values) if header is not None]
    return [header for header in found if header.authserv_id == expected]


def service_header(values: Sequence[str], trust: Trust) -> Header | None:
    """The receiving service's own topmost header, or None (``service_headers``)."""
    headers = service_headers(values, trust)
    return headers[0] if headers else None


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
        signer, agent = _domain(result.get("header.d")), _domain(result.get("header.i"))
        if signer and agent and not aligned(signer, agent):
            continue  # the identity is not within the signing domain: not as a service writes
        if result.result == "pass" and aligned(signer or agent, from_domain):
            return True
    return False


_LOOSE_FAIL = re.compile(r"\b(?:dmarc|compauth)\s*=\s*fail\b", re.IGNORECASE)
ARC_REASON = "130"  # Microsoft: a trusted ARC sealer's result overrode a DMARC failure


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on a mail's From address and, for the officer, what it rests on."""

    verdict: Verdict
    detail: str

    @property
    def authenticated(self) -> bool:
        return self.verdict is Verdict.PASS


def judge(headers: Sequence[Header], from_domain: str, authors: int, trust: Trust) -> Judgement:
    """What the service's ``headers`` (``service_headers``) say about a mail whose From
    domain is ``from_domain``; ``authors`` is the number of addresses in its From header(s).

    A failure in any of the service's headers counts; a pass only in the topmost, and not
    when it was written oddly or states a method twice.
    """
    if authors != 1:
        return Judgement(
            Verdict.AMBIGUOUS,
            f"the mail names {authors} senders in From: the sender cannot be told",
        )
    if not headers:
        why = (
            f"no Authentication-Results header from {trust.describe()}"
            if trust.checks
            else "no receiving service configured (organisation.mail_service)"
        )
        return Judgement(Verdict.UNCHECKED, why)
    top = headers[0]
    summary = summarise(top)
    domain = from_domain.lower().rstrip(".")
    results = [result for header in headers for result in header.results]
    dkim_pass = _aligned_dkim_pass(top, domain)
    dmarc_pass = not top.suspicious and any(
        result.result == "pass" and _domain(result.get("header.from")) == domain
        for result in top.of("dmarc")
    )
    # Microsoft's compauth=pass after an SPF or DMARC fail, for the reason that a trusted ARC
    # sealer vouched for a forwarded mail: not forged, and not authenticated either.
    microsoft = trust.service is MailService.MICROSOFT365
    vouched = microsoft and any(
        r.result == "pass" and r.get("reason") == ARC_REASON for r in top.of(MICROSOFT_RESULT)
    )
    failed = any(
        (r.method == "dmarc" and r.result == "fail")
        or (r.method == MICROSOFT_RESULT and microsoft and r.result == "fail")
        for r in results
    ) or any(header.suspicious and _LOOSE_FAIL.search(header.raw) for header in headers)
    spf_failed = any(r.method == "spf" and r.result in ("fail", "softfail") for r in results)
    composite_failed = microsoft and any(r.result == "fail" for r in top.of(MICROSOFT_RESULT))
    if composite_failed or (
        not vouched and (failed or (spf_failed and not (dkim_pass or dmarc_pass)))
    ):
        return Judgement(Verdict.FAIL, summary)
    # A service states each of these once per header: a second one was put there by whoever
    # chose a value the service echoed (an envelope sender, say). Then nothing passes.
    repeated = any(len(top.of(method)) > 1 for method in ("spf", "dmarc", MICROSOFT_RESULT))
    if (dmarc_pass or dkim_pass) and not repeated and not failed and not top.suspicious:
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
    return judge(service_headers(values, trust), from_domain, authors, trust)
