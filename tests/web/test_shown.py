"""mailbot's own English as a Dutch page shows it (``web.shown``): every draft's "why" and
notes, identity reason, action in a data source, answer left to the officer, quarantine reason
and audit-trail event the code can write, made by the code where a pure function makes it,
holds no English word once rewritten; what it quotes is marked as a quote, in English."""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import pytest
from markupsafe import Markup

import mailbot
from mailbot.core.actions import SourceHolding, actions_for
from mailbot.core.answers import Reply, judge_reply
from mailbot.core.authentication import Judgement, MailService, Trust, Verdict, judge_mail
from mailbot.core.cases import Status
from mailbot.core.drafting import DraftKind, Situation, plan
from mailbot.core.identity import DeliveryRequest, IdentityDecision, decide_identity
from mailbot.core.parsing import Limits, parse_mail
from mailbot.core.rights import Right
from mailbot.errors import UnparseableMail
from mailbot.i18n import LABELS
from mailbot.web.refusals import LONGEST, pieces
from mailbot.web.shown import RULE_SETS, Shown

# English words a Dutch page must not show (tests/web/test_pages.py's, and a few more).
ENGLISH = re.compile(
    r"\b(the|and|with|for|your|you|not|my|all|to|by|from|what|who|when|done|show|page|next"
    r"|change|user|name|draft|drafts|pending|granted|awaiting|request|requests|reply|approved"
    r"|rejected|review|waiting|sent|case|cases|identity|overdue|due|none|received|back|no"
    r"|found|address|file|first|record|records|person|header|sender|confirm|erase|keep|tell"
    r"|correct|mark|assess|failed|read|were|are|on|it|its|a)\b",
    re.IGNORECASE,
)
SERVER = "mx.voorbeeld.example"


def english_in(text: str, what: str) -> list[str]:
    """The English words left in ``text`` (one of ``what``) on a Dutch page, quotes aside."""
    shown = "".join(piece.text for piece in pieces(text, "nl", RULE_SETS[what]) if not piece.quoted)
    return ENGLISH.findall(shown)


def judgements() -> list[Judgement]:
    """What the receiving service can say of a sender, made by ``judge_mail``."""
    own = Trust(MailService.OWN, SERVER)
    fail = f"{SERVER}; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com"
    passed = f"{SERVER}; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"
    return [
        judge_mail([], "example.com", 1, own),
        judge_mail([], "example.com", 1, Trust()),
        judge_mail([], "example.com", 2, own),
        judge_mail([fail], "example.com", 1, own),
        judge_mail([passed], "example.com", 1, own),
        judge_mail([f"{SERVER}; spf=neutral"], "example.com", 1, own),
        judge_mail([], "example.com", 1, Trust(MailService.MICROSOFT365)),
    ]


def identity_reasons() -> list[str]:
    """Every reason ``decide_identity`` gives, over every judgement."""
    found = {
        decide_identity(on_file, judgement, confirmed).reason
        for judgement in judgements()
        for on_file in (True, False)
        for confirmed in (True, False)
    }
    # a forwarded mail (``core.identity.sender_of``), and a case whose mail is gone
    found.add(
        f"address on file, not authenticated (forwarded by collega@voorbeeld.example "
        f"({judgements()[4].detail}); the original sender's own mail cannot be authenticated)"
    )
    found.add("address on file, not authenticated (the case's mail cannot be read)")
    return sorted(found)


def situations() -> list[Situation]:
    """A case in every situation ``plan`` tells apart."""
    decisions = [
        decide_identity(on_file, judgement)
        for judgement in judgements()
        for on_file in (True, False)
    ] + [IdentityDecision(decide_identity(True, judgements()[4]).identity.VERIFIED, True, "")]
    found = []
    for decision in decisions:
        for rights in ((Right.ACCESS,), (Right.ERASURE,), (Right.RECTIFICATION,), ()):
            for extra in (
                {}, {"topics": ("school",)}, {"topics": ("deceased",)},
                {"representation": "namens mijn moeder"},
                {"delivery": DeliveryRequest(None, True, "per post")},
                {"delivery": DeliveryRequest("ander@example.net", False, "stuur naar")},
                {"contact_change": "e-mailadres"}, {"needs_decision": True},
                {"acknowledged": True, "confirmed": True},
            ):  # fmt: skip
                found.append(
                    Situation(rights, "p@example.net", decision, address_on_file="p@example.net",
                              **extra)
                )  # fmt: skip
    return found


def whys_and_notes() -> tuple[list[str], list[str]]:
    """Every "why" and note of a draft: the plans' (made by ``plan``) and the services'."""
    whys: set[str] = set()
    notes: set[str] = set()
    for situation in situations():
        made = plan(situation)
        whys.update(draft.why for draft in made.drafts)
        notes.update(made.notes)
    # ``service.drafting``: notices, reminders, and its own notes
    whys.update(("the officer extends the deadline", "the officer refuses the request"))
    whys.update(
        f"Art. 19: tell Mailingdienst (verwerker) (a recipient of klanten) of the {right}"
        for right in ("erasure", "rectification", "restriction")
    )  # ``service.notices``
    for kind in (DraftKind.IDENTIFICATION_REQUEST, DraftKind.CONFIRMATION_REQUEST,
                 DraftKind.SENDER_CHECK):  # fmt: skip
        whys.add(f"no answer 14 days after the {kind.value.replace('_', ' ')} was sent")
    notes.update((
        "the attachments are 31457280 bytes, over the mail size limit (26214400): send them "
        "another way",
        "these data sources could not be read: klanten, facturen",
        "repeated request: AVG-2026-0003 of 2026-01-12 (within 12 months; the officer decides, "
        "nothing is refused automatically)",
    ))  # fmt: skip
    notes.update(f"FORGED SENDER? {reason}" for reason in identity_reasons())
    return sorted(whys), sorted(notes)


@dataclass(frozen=True)
class Source:
    """A data source's configuration, as ``core.actions`` reads it."""

    name: str = "klanten"
    category: str = "klantgegevens"
    erasure: Literal["erase", "keep"] = "erase"
    retention: str | None = None
    keep_years: int | None = None
    legal_basis: str | None = None
    recipients: list[str] | None = field(default_factory=lambda: ["Hosting B.V."])
    marketing: bool = False
    purpose: str | None = None
    origin: str | None = None
    provided_by_subject: bool = True

    def text(self, key: str, language: str, own: str) -> str | list[str] | None:
        return None


def action_texts() -> list[str]:
    """Every action ``actions_for`` writes, for every right and kind of source."""
    sources = [
        Source(), Source(marketing=True), Source(erasure="keep"),
        Source(erasure="keep", retention="7 jaar", legal_basis="art. 52 AWR"),
        Source(erasure="keep", retention="7 jaar", legal_basis="art. 52 AWR", keep_years=7),
    ]  # fmt: skip
    rights = list(Right)
    found = [
        action.text
        for source in sources
        for action in actions_for(rights, [SourceHolding(source, 3)], date(2026, 3, 10))
    ]
    return sorted({*found, *(f"[7] {text}" for text in found)})  # as the confirmation lists them


def manual_lines() -> list[str]:
    """What the plan leaves to the officer (``service.execution``): an action with its
    number, for a CSV file with the lines of the person's rows."""
    found = [f"[7] {text}" for text in action_texts() if not text.startswith("[")]
    return [
        *found,
        *(f"{line}: invoices.csv: rows 2, 5 (line numbers)" for line in found),
        *(f"{line}: invoices.csv: rows none found now (line numbers)" for line in found),
    ]


# Why a step of the plan did not run (``datasources.statements.StatementError``'s messages).
STEP_ERRORS = [
    "source shop: erase changed the rows of the control address (another person's): rolled back",
    "source shop: confirm.restrict still lists 2 row(s) for the person afterwards: rolled back",
    "source shop: IntegrityError: FOREIGN KEY constraint failed",
    "source shop: OperationalError: no such table: klanten",
]


def answer_reasons() -> list[str]:
    """Every reason ``judge_reply`` leaves an answer to the officer with, or moves a case."""
    found = set()
    for text in ("Ja, dat klopt.", "Nee, dat was ik niet.", "Misschien."):
        for sender in ("p@example.net", "ander@example.net"):
            for verdict in (Verdict.PASS, Verdict.FAIL):
                for ours in (True, False):
                    for awaiting in (True, False):
                        reply = Reply(sender, verdict, ours, text)
                        found.add(judge_reply(reply, "p@example.net", awaiting).reason)
    return sorted(found - {""})


def quarantine_reasons() -> list[str]:
    """Why intake quarantines a mail (``parse_mail``'s reasons, and the service's)."""
    found = []
    small, few = Limits(max_mail_bytes=100), Limits(max_parts=3)
    multipart = (
        b"From: a@b.example\nContent-Type: multipart/mixed; boundary=x\n\n"
        + b"--x\nContent-Type: text/plain\n\nx\n" * 5
        + b"--x--\n"
    )
    for raw, limits in (
        (b"", small), (b"no headers, only words\n", small), (b"Subject: x\n\nno sender\n", small),
        (b"From: a@b.example\n\n" * 9, small), (multipart, few),
    ):  # fmt: skip
        with pytest.raises(UnparseableMail) as caught:
            parse_mail(raw, limits)
        found.append(caught.value.reason)
    return [
        *found,
        "mail is 60000000 bytes, over intake.max_mail_bytes (52428800); not read",
        "MIME nesting deeper than 8 (intake.max_depth)",
        "MIME structure nested too deeply to read",
        "cannot be parsed as a mail: ValueError: bad header",
        "mailbot failed on this mail (KeyError: 'x'); retry after an update",
        "made a case by hand by rudi; quarantined before: no mail headers found",
        "the rest could not be read (LookupError)",
        "more than 200 parts: the rest are not shown",
        "parts nested deeper than 20 are not shown",
        "a text/html part could not be decoded (LookupError)",
    ]


def _literal(node: ast.expr) -> str:
    """A string literal's text; "" for anything else (a variable)."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def trail_events() -> tuple[set[str], set[str]]:
    """Every action the code records in a trail, and every key of the details: read from the
    ``add_event`` calls in the source (an action in a variable: the literals passed to it)."""
    actions: set[str] = {"send_failed", "bounced"}  # ``service.outbox.mark_failed``'s callers
    keys: set[str] = {"from", "to", "why"}  # ``CaseStore.set_status``'s
    for path in Path(mailbot.__file__).parent.rglob("*.py"):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef) or function.name == "add_event":
                continue
            calls = [
                node for node in ast.walk(function)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_event" and len(node.args) > 2
            ]  # fmt: skip
            if not calls:
                continue
            actions.update(_literal(call.args[2]) for call in calls)
            for node in ast.walk(function):
                if isinstance(node, ast.Dict):
                    keys.update(_literal(key) for key in node.keys if key is not None)
                if (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "detail"
                ):
                    keys.add(_literal(node.slice))
    actions.discard("")
    keys.discard("")
    return actions, keys


@pytest.mark.parametrize(
    ("what", "texts"),
    [
        ("why", whys_and_notes()[0]),
        ("note", whys_and_notes()[1]),
        ("identity", identity_reasons()),
        ("action", action_texts()),
        ("answer", answer_reasons()),
        ("quarantine", quarantine_reasons()),
        ("trail", identity_reasons() + answer_reasons()),
        ("manual", manual_lines()),
        ("execution", STEP_ERRORS),
    ],
)
def test_a_dutch_page_shows_mailbots_own_texts_in_dutch(what: str, texts: list[str]) -> None:
    assert len(texts) >= 3
    assert {text: words for text in texts if (words := english_in(text, what))} == {}


def test_what_a_text_quotes_is_shown_as_it_is_and_marked() -> None:
    shown = Shown("nl")
    why = shown("writes for someone else (on behalf of my son): proof of authority first", "why")
    assert why == Markup(
        'schrijft namens iemand anders (<span class="quoted" lang="en">on behalf of my son</span>)'
        ": eerst bewijs van de bevoegdheid"
    )
    detail = shown(judgements()[3].detail, "identity")
    assert detail.startswith('<span class="quoted" lang="en">') and SERVER in detail
    error = shown("cannot be parsed as a mail: ValueError: <b>", "quarantine")
    assert error == Markup(
        'kan niet als mail worden gelezen: <span class="quoted" lang="en">ValueError: &lt;b&gt;'
        "</span>"
    )
    # on an English page the words are the same, the quotes marked all the same
    english = Shown("en")("writes for someone else (my son): proof of authority first", "why")
    assert english == Markup(
        'writes for someone else (<span class="quoted" lang="en">my son</span>): proof of '
        "authority first"
    )


def test_unknown_text_is_shown_as_it_is_and_a_long_one_is_not_scanned() -> None:
    shown = Shown("nl")
    assert shown("Geen idee <waarom>", "why") == Markup("Geen idee &lt;waarom&gt;")
    assert shown(None, "note") == Markup("")
    long = "address on file" + "1" * LONGEST
    assert shown(long, "why") == Markup(long)


def test_every_trail_action_and_detail_has_its_dutch() -> None:
    actions, keys = trail_events()
    assert "closed" in actions and "reclassified" in actions and len(actions) > 25
    missing = sorted(
        [f"event.{action}" for action in actions if f"event.{action}" not in LABELS]
        + [f"detail.{key}" for key in keys if f"detail.{key}" not in LABELS]
    )
    assert missing == []


def test_the_trail_shows_codes_as_labels_and_quotes_a_servers_reply() -> None:
    shown = Shown("nl")
    status = shown.detail("status", {"from": "new", "to": "awaiting_identity", "why": "drafted"})
    assert status == Markup("van: nieuw; naar: wacht op identificatie; waarom: opgesteld")
    closed = shown.detail("closed", {
        "outcome": "granted", "rights": ["access", "erasure"], "note": "per brief",
        "drafts": {"choice": "reject", "ids": [4, 5]}, "automatic": False,
    })  # fmt: skip
    assert closed == Markup(
        "uitkomst: toegewezen; rechten: inzage, verwijdering; notitie: per brief; "
        "concepten: (keuze: afwijzen; nummers: 4, 5); automatisch: nee"
    )
    failed = shown.detail("send_failed", {"draft": 3, "kind": "reply", "reply": "550 No such user"})
    assert failed == Markup(
        'concept: 3; soort: antwoord; antwoord van de server: <span class="quoted" lang="en">'
        "550 No such user</span>"
    )
    drafted = shown.detail("drafted", {"drafts": ["reply to p@example.net"], "status": "new"})
    assert "antwoord aan" in drafted and "nieuw" in drafted


def test_the_trail_of_carrying_out_shows_counts_failures_and_recoveries_in_dutch() -> None:
    shown = Shown("nl")
    step = {"action": 4, "source": "shop", "right": "erasure"}
    assert shown.detail("execution_approved", step | {"rows": [2, 1, 1]}) == Markup(
        "actie: 4; bron: shop; recht: verwijdering; rijen gepland: 2, 1, 1"
    )
    assert shown.detail("executed", step | {"counts": [2, 1, 1]}).endswith(
        "rijen gewijzigd: 2, 1, 1"
    )
    failed = shown.detail("execution_failed", step | {
        "failure": "failed", "error": "source shop: IntegrityError: FOREIGN KEY constraint failed",
    })  # fmt: skip
    assert failed.endswith(
        'waarom: de database weigerde een opdracht; fout van de database: <span class="quoted" '
        'lang="en">source shop: IntegrityError: FOREIGN KEY constraint failed</span>'
    )
    rolled_back = shown.detail("execution_rolled_back", step | {"failure": "touched_another"})
    assert rolled_back.endswith("waarom: het wijzigde de gegevens van het controleadres")
    recovered = shown.detail("execution_recovered", step | {"recovered_as": "not_executed"})
    assert recovered.endswith("bevinding: het was niet uitgevoerd: opnieuw uit te voeren")
    # a step's error on the plan page: mailbot's own words in Dutch, the database's quoted
    assert Shown("nl")(STEP_ERRORS[2], "execution") == Markup(
        'bron shop: <span class="quoted" lang="en">IntegrityError: FOREIGN KEY constraint '
        "failed</span>"
    )
    assert Shown("nl")(manual_lines()[-1], "manual").endswith(
        ': <span class="quoted" lang="en">invoices.csv</span>: nu geen rijen gevonden'
    )


def test_evidence_locations_are_labelled() -> None:
    shown = Shown("nl")
    assert [shown.where(where) for where in ("subject", "body", "quoted")] == [
        "onderwerp", "tekst", "geciteerde mail",
    ]  # fmt: skip
    assert shown.where("attachment:id.pdf") == Markup(
        'bijlage: <span class="quoted" lang="en">id.pdf</span>'
    )


def test_every_status_in_a_plan_is_a_known_one() -> None:
    """The situations above reach every status a plan can give (the generator is complete)."""
    reached = {plan(situation).status for situation in situations()}
    assert reached == {Status.NEW, Status.NOT_A_REQUEST, Status.AWAITING_IDENTITY,
                       Status.AWAITING_CONFIRMATION, Status.READY_FOR_REVIEW}  # fmt: skip


def test_no_text_makes_a_pattern_scan_for_long() -> None:
    """Patterns are linear: texts of 2,000 characters shaped to make them backtrack are read
    in well under a tenth of a second (the pages render on the event loop's thread pool)."""
    shapes = (
        "1" * 2000, "(" * 2000, "a (" * 666, "Keep " + "x (" * 600, "Tell " + "a " * 990,
        "forwarded by x (" + "(" * 1900, "[1] " + "Erase the " * 190,
        "FORGED SENDER? " + "( " * 990,
    )  # fmt: skip
    for rules in RULE_SETS.values():
        for text in shapes:
            started = time.perf_counter()
            pieces(text[:LONGEST], "nl", rules)
            assert time.perf_counter() - started < 0.1, text[:20]
