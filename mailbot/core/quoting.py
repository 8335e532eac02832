"""Telling what the sender wrote from what they quoted or forwarded.

Mail clients mark replies and forwards in a handful of ways, in the writer's
language: ``>`` prefixes, an attribution line ("On ... wrote:", "Op ... schreef",
"Am ... schrieb", "Le ... a écrit :"), a separator ("-----Original Message-----",
"---------- Forwarded message ---------", "Begin forwarded message:") or an
Outlook header block ("From: ... Sent: ..." / "Van: ... Verzonden: ...").

``split_body`` finds the first of these. Above it is the sender's new text (with
the answers an inline reply types between the ``>`` lines of the quote). Below it
is quoted history, unless it is a forward (a forward separator, or a
header block in a mail whose subject says Fwd/FW/WG/TR/Doorst), in which case
the header block is read for the original sender, date and subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from mailbot.core.mail import Address

_FORWARD_SEPARATOR = re.compile(
    r"^[\s>]*(?:-{2,}|_{2,})?\s*(?:"
    r"forwarded message|doorgestuurd bericht|weitergeleitete nachricht|"
    r"message transf[ée]r[ée]|message r[ée]exp[ée]di[ée]|e-?mail transf[ée]r[ée]"
    r")\s*(?:-{2,}|_{2,})?\s*$",
    re.IGNORECASE,
)
_FORWARD_INTRO = re.compile(
    r"^[\s>]*(?:begin forwarded message|begin doorgestuurd bericht|"
    r"anfang der weitergeleiteten (?:nachricht|e-?mail)|"
    r"d[ée]but du message (?:r[ée]exp[ée]di[ée]|transf[ée]r[ée]))\s*:\s*$",
    re.IGNORECASE,
)
_TWELVE_HOURS = re.compile(r"\d\s*[ap]\.?\s?m\.?(?![a-z])", re.IGNORECASE)
_ORIGINAL_SEPARATOR = re.compile(
    r"^[\s>]*-{2,}\s*(?:original message|oorspronkelijk bericht|origineel bericht|"
    r"urspr[üu]ngliche nachricht|message d'origine|message original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"^[\s>]*(?:on\s.{4,200}\swrote|op\s.{4,200}\s(?:schreef|heeft\s.{1,120}\sgeschreven)\b.{0,200}|"
    r"am\s.{4,200}\sschrieb\b.{0,200}|le\s.{4,200}\sa\s[ée]crit|.{2,200}\s(?:schreef|schrieb|wrote)"
    r"\s(?:op|am|on)\s.{4,80})\s*:\s*$",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(
    r"^[\s>*]*(from|van|von|de|sent|verzonden|gesendet|envoy[ée]|date|datum|to|aan|an|[àa]|pour|"
    r"cc|subject|onderwerp|betreff|objet|sujet)\s*\*?\s*:\s*\*?\s*(.*)$",
    re.IGNORECASE,
)
_FROM_KEYS = frozenset({"from", "van", "von", "de"})
_DATE_KEYS = frozenset({"sent", "verzonden", "gesendet", "envoyé", "envoye", "date", "datum"})
_SUBJECT_KEYS = frozenset({"subject", "onderwerp", "betreff", "objet", "sujet"})
_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)?(?:fwd?|fw|wg|tr|doorst|rv|enc|vs|wtr)\s*:", re.IGNORECASE
)
_SEPARATOR_LINE = re.compile(r"^\s*(?:[-_=*]{3,}\s*)?$")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True, slots=True)
class ForwardedPart:
    sender: Address | None
    date: datetime | None
    subject: str
    text: str


@dataclass(frozen=True, slots=True)
class BodySplit:
    new_text: str
    quoted_text: str
    forwarded: ForwardedPart | None


def is_forward_subject(subject: str) -> bool:
    return bool(_FORWARD_SUBJECT.match(subject))


def split_body(text: str, subject: str = "") -> BodySplit:
    """Split a body into the sender's new text, quoted history, and a forwarded original."""
    lines = text.splitlines()
    forward_subject = is_forward_subject(subject)
    for index in range(len(lines)):
        kind = _boundary(lines, index, forward_subject)
        if kind is None:
            continue
        new_text = _own_lines(lines[:index])
        rest = lines[index:]
        if kind == "forward":
            forwarded = _read_forward(rest)
            if forwarded is not None:
                return BodySplit(new_text, "", forwarded)
        inline = _inline_answers(rest[1:])
        if inline:
            new_text = f"{new_text}\n\n{inline}".strip()
        return BodySplit(new_text, "\n".join(rest).strip(), None)
    quoted = [line for line in lines if line.lstrip().startswith(">")]
    return BodySplit(_own_lines(lines), "\n".join(quoted).strip(), None)


def _inline_answers(lines: list[str]) -> str:
    """The writer's answers typed between the lines of the ``>`` quote they reply to (an
    inline reply), or '' when the quote is not interleaved with their own lines.

    An answer stands apart from the quote, a blank line above and below it. A line right
    under a quoted one, without its ``>``, is that quote wrapped by a mail client ("> ...
    antwoord dan\nmet NEE."): our words, never the sender's."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    # a block with any ">" line is quote (a wrapped quote included); one with none is theirs
    quote = [any(line.lstrip().startswith(">") for line in block) for block in blocks]
    if True not in quote:
        return ""
    first, last = quote.index(True), len(quote) - 1 - quote[::-1].index(True)
    answers = [i for i, block in enumerate(blocks) if block and not quote[i] and i > first]
    if not any(i < last for i in answers):
        return ""  # a reply above or below the quote, not between its lines
    return "\n".join(line for i in answers for line in blocks[i])


def _own_lines(lines: list[str]) -> str:
    own = [line for line in lines if not line.lstrip().startswith(">")]
    while own and _SEPARATOR_LINE.match(own[-1]):
        own.pop()
    return "\n".join(own).strip()


def _boundary(lines: list[str], index: int, forward_subject: bool) -> str | None:
    line = lines[index]
    if _FORWARD_SEPARATOR.match(line) or _FORWARD_INTRO.match(line):
        return "forward"
    if _ORIGINAL_SEPARATOR.match(line):
        return "forward" if forward_subject else "quote"
    if _ATTRIBUTION.match(line):
        return "quote"
    wrapped = index + 1 < len(lines) and line.strip() and len(line) < 120
    if (
        wrapped
        and not line.lstrip().startswith(">")
        and _ATTRIBUTION.match(f"{line.rstrip()} {lines[index + 1].strip()}")
    ):
        return "quote" if not forward_subject else "forward"
    if _starts_header_block(lines, index):
        return "forward" if forward_subject else "quote"
    return None


def _starts_header_block(lines: list[str], index: int) -> bool:
    match = _HEADER_LINE.match(lines[index])
    if not match or match.group(1).lower() not in _FROM_KEYS or not match.group(2).strip():
        return False
    keys = set()
    for line in lines[index + 1 : index + 6]:
        following = _HEADER_LINE.match(line)
        if following:
            keys.add(following.group(1).lower())
    return bool(keys & (_DATE_KEYS | _SUBJECT_KEYS))


def _read_forward(lines: list[str]) -> ForwardedPart | None:
    """Read the header block after a forward marker; the text follows it."""
    index = 0
    if not _HEADER_LINE.match(lines[0]):
        index = 1
    while index < len(lines) and not lines[index].strip(" >"):
        index += 1
    headers: dict[str, str] = {}
    last_key: str | None = None
    while index < len(lines):
        line = lines[index]
        match = _HEADER_LINE.match(line)
        if match:
            last_key = match.group(1).lower()
            headers.setdefault(last_key, match.group(2).strip())
        elif line.strip(" >") and last_key is not None and line.startswith((" ", "\t")):
            headers[last_key] += " " + line.strip()
        elif not line.strip(" >") and _next_is_header(lines, index):
            pass  # some clients put a blank line between the header lines
        else:
            break
        index += 1
    if not headers:
        return None
    body = _unquote_once(lines[index:])
    sender = next((_address(v) for k, v in headers.items() if k in _FROM_KEYS), None)
    date = next((_date(v) for k, v in headers.items() if k in _DATE_KEYS), None)
    subject = next((v for k, v in headers.items() if k in _SUBJECT_KEYS), "")
    return ForwardedPart(sender=sender, date=date, subject=subject, text=body)


def _next_is_header(lines: list[str], index: int) -> bool:
    for line in lines[index + 1 :]:
        if line.strip(" >"):
            return bool(_HEADER_LINE.match(line))
    return False


def _unquote_once(lines: list[str]) -> str:
    body = list(lines)
    content = [line for line in body if line.strip()]
    if content and all(line.lstrip().startswith(">") for line in content):
        body = [re.sub(r"^\s*> ?", "", line) for line in body]
    return "\n".join(body).strip()


def _address(value: str) -> Address | None:
    match = _ADDRESS.search(value)
    if match is None:
        return None
    name = value[: match.start()].strip(" \"'<[(").strip()
    name = re.sub(r"\s*(?:\[mailto:|<|\()\s*$", "", name).strip(" \"'")
    return Address(name=name, address=match.group(0))


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january januari januar janvier jan",
            "february februari februar fevrier février feb fév fev",
            "march maart märz maerz mars mar mrt mär",
            "april avril apr avr",
            "may mei mai",
            "june juni juin jun",
            "july juli juillet jul juil",
            "august augustus août aout aug",
            "september septembre sep sept",
            "october oktober octobre oct okt",
            "november novembre nov",
            "december dezember décembre decembre dec dez déc",
        ),
        start=1,
    )
    for name in names.split()
}
_LOCAL_DATE = re.compile(
    r"(?:(?P<d1>\d{1,2})\.?\s+(?P<m1>[^\W\d_]+)\.?|(?P<m2>[^\W\d_]+)\.?\s+(?P<d2>\d{1,2}),?)"
    r"\s+(?P<y>\d{4})(?:\D{1,12}?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:\s*(?P<ap>[ap]\.?m\.?))?)?",
    re.IGNORECASE,
)


def _date(value: str) -> datetime | None:
    """A date from a forwarded header: RFC 5322, or as clients print it in the four languages.

    Without a zone the result is naive: local time at the organisation.
    """
    cleaned = re.sub(r"\s+(?:at|um|om|à)\s+", " ", value.strip())
    if not _TWELVE_HOURS.search(cleaned):  # email.utils would read it and drop the AM/PM
        try:
            return parsedate_to_datetime(cleaned)
        except (TypeError, ValueError, IndexError):
            pass
    match = _LOCAL_DATE.search(value)
    if match is None:
        return None
    month = _MONTHS.get((match["m1"] or match["m2"] or "").lower())
    day = int(match["d1"] or match["d2"])
    hour, minute = int(match["h"] or 0), int(match["mi"] or 0)
    if match["ap"] and match["ap"].lower().startswith("p") and hour < 12:
        hour += 12
    elif match["ap"] and match["ap"].lower().startswith("a") and hour == 12:
        hour = 0
    if month is None:
        return None
    try:
        return datetime(int(match["y"]), month, day, hour, minute)
    except ValueError:
        return None
