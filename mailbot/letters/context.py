"""The variables a template sees (listed in ``templates/README.md``), built in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mailbot.config import DataSourceSettings, Settings
from mailbot.core.actions import Action, SourceHolding, SourcePolicy, actions_for
from mailbot.core.approval import UNFILLED
from mailbot.core.kept import iso_date
from mailbot.core.rights import Right
from mailbot.letters.render import FALLBACK, Renderer, date_text, right_names

MISSING = UNFILLED + "{key}]"  # approval refuses a text that holds one
# mailbot's own record of the person's requests, described like any source (Art. 15)
OWN_RECORD: dict[str, dict[str, str]] = {
    "nl": {
        "category": "Uw verzoeken aan ons over uw persoonsgegevens",
        "purpose": "uw verzoeken afhandelen en kunnen aantonen dat wij dat deden",
        "legal_basis": "wettelijke verplichting (AVG art. 6 lid 1 onder c, art. 12 en 5 lid 2)",
        "retention": "tot {days} dagen nadat uw verzoek is afgehandeld; daarna blijft alleen "
        "een register zonder persoonsgegevens",
    },
    "en": {
        "category": "Your requests to us about your personal data",
        "purpose": "handling your requests and being able to show that we did",
        "legal_basis": "legal obligation (GDPR Art. 6(1)(c), Art. 12 and 5(2))",
        "retention": "until {days} days after your request was closed; after that only a "
        "register without personal data remains",
    },
    "de": {
        "category": "Ihre Anfragen an uns zu Ihren personenbezogenen Daten",
        "purpose": "die Bearbeitung Ihrer Anfragen und der Nachweis, dass wir sie bearbeitet haben",
        "legal_basis": "rechtliche Verpflichtung (Art. 6 Abs. 1 lit. c, Art. 12 und 5 Abs. 2 "
        "DSGVO)",
        "retention": "bis {days} Tage nach Abschluss Ihrer Anfrage; danach bleibt nur ein "
        "Register ohne personenbezogene Daten",
    },
    "fr": {
        "category": "Vos demandes concernant vos données personnelles",
        "purpose": "traiter vos demandes et pouvoir démontrer que nous l'avons fait",
        "legal_basis": "obligation légale (article 6, paragraphe 1, point c), articles 12 et 5, "
        "paragraphe 2, du RGPD)",
        "retention": "jusqu'à {days} jours après la clôture de votre demande ; il ne reste "
        "ensuite qu'un registre sans données personnelles",
    },
}


def own_record(settings: Settings, language: str) -> dict[str, str]:
    """What mailbot keeps about the person's requests, in ``language`` (else English)."""
    texts = OWN_RECORD.get(language, OWN_RECORD[FALLBACK])
    days = settings.retention.closed_case_days
    return {**texts, "retention": texts["retention"].format(days=days)}


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """What a recipient notice (Art. 19) says: the ``right`` carried out in ``source``, to
    its recipient at index ``recipient``, about the person at ``address`` (the address on
    file: the one the recipient knows them by). ``corrected``: for a rectification, each
    field set and its new value as the officer entered them (the field as the source's
    labels name it); None when they are not known here and the officer writes them in."""

    right: str
    source: str
    recipient: int
    address: str
    corrected: Sequence[tuple[str, str]] | None = None


# Where a notice leaves the officer to say what was corrected: approval refuses it until he did.
TO_FILL = UNFILLED + "the fields corrected and their new values]"


@dataclass(frozen=True, slots=True)
class DraftFacts:
    """What a draft says about its case, in no particular language."""

    reference: str
    received: date
    due: date
    rights: Sequence[str]
    person_name: str = ""
    holdings: Sequence[SourceHolding] = ()
    actions: Sequence[Action] = ()
    attachments: Sequence[str] = ()
    failed_sources: Sequence[str] = ()
    representation: str | None = None
    by_post: bool = False
    delivery_address: str | None = None
    forged: bool = False
    deceased: bool = False  # about someone who died: no authorisation can be asked of them
    extension_reasons: str = ""
    extended_due: date | None = None
    refusal_reasons: str = ""
    generated: date | None = None
    tables: Sequence[dict[str, Any]] = field(default=())
    channel: str = "email"  # how the request came: email, post, phone, other
    direct_marketing: bool = False  # the objection is to direct marketing (Art. 21(3))
    # A reminder: the kind of request it reminds of, and the day that one was sent.
    reminded: str = ""
    asked_on: date | None = None
    notice: NoticeFacts | None = None  # a recipient notice (Art. 19)


def letter_text(settings: Settings, source: SourcePolicy, key: str, language: str) -> Any:
    """A source's text in the letter's language, else in English (never in a third language:
    one language per letter), else None."""
    own = settings.organisation.language
    for candidate in (language, FALLBACK):
        found = source.text(key, candidate, own)
        if found is not None:
            return found
    return None


def _missing(source: str, key: str) -> str:
    return MISSING.format(key=f"[[sources]] {source}.{key}")


def _organisation_text(settings: Settings, key: str, language: str) -> str:
    organisation = settings.organisation
    found = organisation.text(key, language) or organisation.text(key, FALLBACK)
    return found or MISSING.format(key=f"[organisation] {key}")


def source_texts(settings: Settings, source: SourcePolicy, language: str) -> dict[str, Any]:
    """What the configuration says of a source, in the letter's language (``letter_text``),
    with a marker where it gives a needed text in neither that language nor English."""

    def needed(key: str) -> Any:
        found = letter_text(settings, source, key, language)
        return found if found is not None else _missing(source.name, key)

    recipients = letter_text(settings, source, "recipients", language)
    if recipients is None and source.recipients:  # given, but not in this language nor English
        recipients = [_missing(source.name, "recipients")]
    return {
        "name": source.name,
        "category": needed("category"),
        "kept_by_law": source.erasure == "keep",
        "purpose": needed("purpose"),
        "legal_basis": needed("legal_basis"),
        "retention": needed("retention"),
        "recipients": list(recipients or []),
        "origin": letter_text(settings, source, "origin", language),
        "provided_by_subject": source.provided_by_subject,
        "marketing": source.marketing,
    }


def _action(
    action: Action, described: dict[str, dict[str, Any]], counted: dict[str, int], language: str
) -> dict[str, Any]:
    """An action as a letter tells it (``described``: each source's texts, by name;
    ``counted``: how many recipients its configuration names): the source's category and,
    for a kept erasure, on which basis; for a recipient told (Art. 19), its name."""
    source = described.get(action.source, {})
    until = iso_date(action.kept_until)
    recipient = None
    if action.recipient is not None and source:
        recipient = _recipient(action.source, action.recipient, described, counted)
    return {
        "right": action.right.value,
        "source": action.source,
        "category": source.get("category", action.source),
        "text": action.text,
        # until when, as the source's retention says it in the letter's language, and the
        # last day it is kept when that is known (``keep_years``)
        "kept_until": source.get("retention", action.kept_until) if action.kept_until else None,
        "until": date_text(until, language) if until else None,
        "legal_basis": source.get("legal_basis"),
        "purpose": source.get("purpose"),
        "marketing": source.get("marketing", False),
        "recipient": recipient,
    }


def _recipient(
    source: str, index: int, described: dict[str, dict[str, Any]], counted: dict[str, int]
) -> str:
    """The name of ``source``'s recipient at ``index`` in the letter's language: the same
    recipient only when the lists line up."""
    names = described[source]["recipients"] if source in described else []
    if len(names) == counted.get(source) and 0 <= index < len(names):
        return str(names[index])
    return MISSING.format(key=f"[[sources]] {source}.recipients")


def _notice(
    notice: NoticeFacts | None,
    language: str,
    described: dict[str, dict[str, Any]],
    counted: dict[str, int],
) -> dict[str, Any]:
    """A recipient notice's own variables (empty ones in a letter of another kind)."""
    if notice is None:
        return {"right": "", "right_name": "", "recipient": "", "category": "", "address": "",
                "corrected": [], "to_fill": ""}  # fmt: skip
    source = described.get(notice.source, {})
    corrected = notice.corrected
    return {
        "right": notice.right,
        "right_name": right_names([notice.right], language)[0],
        "recipient": _recipient(notice.source, notice.recipient, described, counted),
        "category": source.get("category", notice.source),
        "address": notice.address,
        "corrected": [{"field": field, "value": value} for field, value in corrected or ()],
        "to_fill": TO_FILL if corrected is None and notice.right == "rectification" else "",
    }


def context(settings: Settings, language: str, facts: DraftFacts) -> dict[str, Any]:
    """Everything a template of ``language`` sees, every text in that language (or English
    where the configuration does not give it in that one)."""
    organisation = settings.organisation
    policies = {
        source.name: source
        for source in (*settings.sources, *(holding.settings for holding in facts.holdings))
    }
    described = {
        name: source_texts(settings, source, language) for name, source in policies.items()
    }
    counted = {name: len(source.recipients or []) for name, source in policies.items()}
    return {
        "org": {
            "name": organisation.name,
            "officer_name": organisation.officer_name,
            "title": organisation.text("signature_title", language),
            "address": organisation.addresses[0],
            "postal_address": organisation.postal_address or "",
        },
        "case": {
            "reference": facts.reference,
            "received": date_text(facts.received, language),
            "due": date_text(facts.due, language),
            "rights": right_names(list(facts.rights), language),
            "rights_keys": list(facts.rights),
            "channel": facts.channel,
            "direct_marketing": facts.direct_marketing,
        },
        "person": {"name": facts.person_name},
        "sources": [
            {**described[holding.settings.name], "rows": holding.rows}
            for holding in facts.holdings
            if holding.rows
        ],
        "failed_sources": [
            described[name]["category"] if name in described else name
            for name in facts.failed_sources
        ],
        # every system looked in, whether it held data or not (a copy of "all" data only
        # when every one could be searched)
        "searched": [
            described[holding.settings.name]["category"]
            for holding in facts.holdings
            if holding.settings.name not in facts.failed_sources
        ],
        "own_record": own_record(settings, language),
        "actions": [_action(action, described, counted, language) for action in facts.actions],
        "automated_decisions": _organisation_text(settings, "automated_decisions", language),
        "transfers_outside_eea": _organisation_text(settings, "transfers_outside_eea", language),
        "attachments": list(facts.attachments),
        "identification": {
            "representation": facts.representation,
            "by_post": facts.by_post,
            "address": facts.delivery_address,
            "forged": facts.forged,
            "deceased": facts.deceased,
        },
        "extension": {
            "reasons": facts.extension_reasons.strip().rstrip("."),  # the letter ends it
            "due": date_text(facts.extended_due or facts.due, language),
        },
        "refusal": {"reasons": facts.refusal_reasons.strip().rstrip(".")},
        "reminder": {
            "of": facts.reminded,
            "sent": date_text(facts.asked_on or facts.received, language),
        },
        "generated": date_text(facts.generated or facts.received, language),
        "tables": list(facts.tables),
        "notice": _notice(facts.notice, language, described, counted),
    }


def sample_facts(settings: Settings) -> list[DraftFacts]:
    """Facts that walk every branch of the templates, for ``mailbot check``."""
    sources = settings.sources or [
        DataSourceSettings(
            name="sample", kind="csv", path="sample.csv", email_column="email", category="Sample"
        )
    ]
    holdings = [SourceHolding(source, 2) for source in sources]
    keep = DataSourceSettings(
        name="kept", kind="csv", path="k.csv", email_column="email", category="Kept",
        erasure="keep", retention="7 years", provided_by_subject=True,
    )  # fmt: skip
    dated = keep.model_copy(update={"name": "kept_dated", "keep_years": 7})
    holdings += [SourceHolding(keep, 1), SourceHolding(dated, 1)]
    rights = [right.value for right in Right]
    table = {"category": "Sample", "source": "sample", "rows": 3, "shown": 2,
             "columns": ["email", "name"], "sample": [["a@example.org", "A"]]}  # fmt: skip
    full = DraftFacts(
        reference=f"{settings.organisation.reference_prefix}-2026-0001",
        received=date(2026, 3, 5),
        due=date(2026, 4, 7),
        rights=rights,
        person_name="Sample Person",
        holdings=holdings,
        actions=actions_for(list(Right), holdings, date(2026, 3, 20)),
        attachments=["sample.json", "sample.csv"],
        failed_sources=["other"],
        representation="namens mijn dochter",
        extension_reasons="sample reasons",
        extended_due=date(2026, 6, 5),
        refusal_reasons="sample reasons",
        tables=[table],
        reminded="identification_request",
        asked_on=date(2026, 3, 6),
        notice=NoticeFacts(
            "rectification", sources[0].name, 0, "a@example.org", corrected=[("name", "B")]
        ),
    )
    empty = DraftFacts(
        reference=full.reference, received=full.received, due=full.due, rights=rights, forged=True
    )
    by_post = DraftFacts(
        reference=full.reference,
        received=full.received,
        due=full.due,
        rights=rights,
        by_post=True,
        channel="post",  # a request that came by post: the letters' other branches
        notice=NoticeFacts("restriction", sources[0].name, 0, "a@example.org"),
    )
    elsewhere = DraftFacts(
        reference=full.reference,
        received=full.received,
        due=full.due,
        rights=rights,
        delivery_address="other@example.org",
        notice=NoticeFacts("rectification", sources[0].name, 0, "a@example.org"),
    )
    deceased = DraftFacts(
        reference=full.reference, received=full.received, due=full.due, rights=rights,
        deceased=True, notice=NoticeFacts("erasure", sources[0].name, 0, "a@example.org"),
    )  # fmt: skip
    confirming = DraftFacts(
        reference=full.reference,
        received=full.received,
        due=full.due,
        rights=rights,
        reminded="confirmation_request",
        asked_on=date(2026, 3, 6),
    )
    return [full, empty, by_post, elsewhere, deceased, confirming]


def template_problems(settings: Settings, renderer: Renderer) -> list[str]:
    """Every template rendered in every language with sample facts; one line per problem."""
    problems = [
        problem
        for facts in sample_facts(settings)
        for problem in renderer.check(
            lambda language, facts=facts: context(settings, language, facts)
        )
    ]
    return list(dict.fromkeys(problems))
