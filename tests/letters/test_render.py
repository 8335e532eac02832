from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jinja2 import UndefinedError

from mailbot.config import Settings, settings_from_dict
from mailbot.core.actions import SourceHolding, actions_for
from mailbot.core.drafting import DraftKind
from mailbot.core.rights import Right
from mailbot.letters.context import TO_FILL, DraftFacts, context, sample_facts
from mailbot.letters.render import Renderer, date_text
from tests.support.configs import base_config
from tests.support.datasets import crm_source, invoice_source

pytestmark = pytest.mark.database_incidental("the letters, rendered from facts in memory")

COMPLETE = ("nl", "en", "de", "fr")


@pytest.fixture
def config(tmp_path: Path) -> Settings:
    values = base_config(tmp_path)
    values["organisation"].update(
        automated_decisions={"nl": "geen", "en": "none"},
        transfers_outside_eea={"nl": "geen", "en": "none"},
    )
    return settings_from_dict(values, tmp_path / "mailbot.toml", environ={})


def facts(settings: Settings, rights: list[Right]) -> DraftFacts:
    holdings = [
        SourceHolding(crm_source(Path("crm.db")), 1),
        SourceHolding(invoice_source(Path("i.csv")), 2),
    ]
    return DraftFacts(
        reference="AVG-2026-0007",
        received=date(2026, 3, 5),
        due=date(2026, 4, 7),
        rights=[right.value for right in rights],
        person_name="Tom Baker",
        holdings=holdings,
        actions=actions_for(rights, holdings),
        attachments=["crm.json", "crm.csv", "overzicht.html", "manifest.json"],
    )


@pytest.mark.parametrize("language", ["nl", "en", "de", "fr", "es"])
@pytest.mark.parametrize("kind", list(DraftKind))
def test_every_kind_renders_in_every_language(
    config: Settings, kind: DraftKind, language: str
) -> None:
    renderer = Renderer()
    for sample in sample_facts(config):
        rendered = renderer.render(kind, language, context(config, language, sample))
        assert rendered.subject.startswith("[AVG-2026-0001]")
        assert rendered.body.strip()
        assert rendered.language == (language if language in COMPLETE else "en")


def test_the_check_finds_nothing_wrong_in_the_bundled_templates(config: Settings) -> None:
    renderer = Renderer()
    for sample in sample_facts(config):
        assert (
            renderer.check(lambda language, sample=sample: context(config, language, sample)) == []
        )


def test_company_templates_win_and_undefined_variables_are_errors(
    config: Settings, tmp_path: Path
) -> None:
    override = tmp_path / "templates" / "nl"
    override.mkdir(parents=True)
    (override / "acknowledgement.txt.j2").write_text(
        "[{{ case.reference }}] Eigen tekst\nHallo {{ person.nmae }}\n"
    )
    renderer = Renderer(tmp_path / "templates")
    with pytest.raises(UndefinedError, match="nmae"):
        renderer.render(
            DraftKind.ACKNOWLEDGEMENT, "nl", context(config, "nl", sample_facts(config)[0])
        )
    problems = renderer.check(lambda language: context(config, language, sample_facts(config)[0]))
    assert problems == [
        "template nl/acknowledgement.txt.j2: UndefinedError: 'dict object' has no attribute 'nmae'"
    ]
    (override / "acknowledgement.txt.j2").write_text("[{{ case.reference }}] Eigen tekst\nHallo\n")
    facts = context(config, "nl", sample_facts(config)[0])
    # A renderer keeps the templates it read: an edit counts from the next one (a reload).
    with pytest.raises(UndefinedError, match="nmae"):
        renderer.render(DraftKind.ACKNOWLEDGEMENT, "nl", facts)
    own = Renderer(tmp_path / "templates").render(DraftKind.ACKNOWLEDGEMENT, "nl", facts)
    assert own.subject == "[AVG-2026-0001] Eigen tekst"


@pytest.mark.parametrize(
    ("language", "needles"),
    [
        ("nl", [
            "Doel: Uitvoering van de overeenkomst", "Grondslag: overeenkomst",
            "Bewaartermijn: tot 36 maanden na einde klantrelatie", "Hostingbedrijf X (verwerker)",
            "Herkomst: van u zelf", "Geautomatiseerde besluitvorming (ook profilering): geen",
            "Doorgifte buiten de Europese Economische Ruimte: geen", "Autoriteit Persoonsgegevens",
            "crm.json", "Klantprofiel", "Facturen", "corrigeren of verwijderen",
        ]),
        ("en", [
            "Purpose: Performance of the contract",
            "Recipients and processors: Hosting company X",
            "Kept: 7 years (art. 52 AWR)", "Automated decision-making",
            "outside the European Economic Area", "Autoriteit Persoonsgegevens",
            "object, and to data portability",
        ]),
    ],
)  # fmt: skip
def test_access_reply_holds_every_article_15_item(
    config: Settings, language: str, needles: list[str]
) -> None:
    rendered = Renderer().render(
        DraftKind.REPLY, language, context(config, language, facts(config, [Right.ACCESS]))
    )
    for needle in needles:
        assert needle in rendered.body, needle
    assert "[missing" not in rendered.body


def test_erasure_reply_says_what_is_kept_on_which_basis_until_when(config: Settings) -> None:
    body = (
        Renderer()
        .render(DraftKind.REPLY, "nl", context(config, "nl", facts(config, [Right.ERASURE])))
        .body
    )
    assert "Wij hebben uw gegevens verwijderd uit:\n- Klantprofiel" in body
    assert "- Facturen (bewaartermijn: 7 jaar (art. 52 AWR); grondslag:" in body
    assert "ontvangers" in body  # recipients informed (Art. 19)


def reply(config: Settings, language: str, rights: list[Right], **changes: Any) -> str:
    found = replace(facts(config, rights), **changes)
    return Renderer().render(DraftKind.REPLY, language, context(config, language, found)).body


def test_restriction_and_objection_replies(config: Settings) -> None:
    body = reply(config, "en", [Right.RESTRICTION, Right.OBJECTION], direct_marketing=True)
    assert "We have restricted the processing of your data in: Customer profile, Invoices" in body
    assert "The restriction is temporary" in body and "Art. 18(2)" in body
    assert "of the restriction: Hosting company X (processor), Accountants Y (processor)" in body
    # the CRM is used for direct marketing: stopped at once, no assessment
    assert "For direct marketing we stop at once, without\nany assessment (Art. 21(3) GDPR)" in body
    assert "this concerns: Customer profile" in body
    # invoices are kept because the law requires it: the right to object does not reach them
    assert "For Invoices the right to object does not apply" in body and "Art. 21(1)" in body
    assert "while" not in body.split("Objection")[1].split("You also")[0]  # no "meanwhile"
    # not an objection to marketing: no promise about marketing; the officer's upheld objection
    other = reply(config, "en", [Right.OBJECTION])
    assert "direct marketing" not in other.split("Objection")[1].split("You also")[0]
    assert "stopped processing your data for the purpose you object to\nin: Customer profile" in (
        other
    )


def test_erasure_names_the_recipients_told_and_what_is_kept_as_a_partial_refusal(
    config: Settings,
) -> None:
    body = reply(config, "en", [Right.ERASURE])
    assert "We have erased your data from:\n- Customer profile\n" in body
    assert "to erase them too: Hosting company X (processor)." in body
    assert "Accountants Y" not in body.split("Erasure")[1]  # kept data: no recipient is asked
    assert "Art. 17(3) GDPR" in body
    assert (
        "- Invoices (retention period: 7 years (art. 52 AWR); legal basis:\n  legal obligation)"
        in body
    )
    assert "we keep them only to meet that obligation and use them for\n  nothing else" in body
    assert "our correspondence about your request only to show that we handled it" in body
    assert "we do not grant your request in full" in body and "Art. 79(2) GDPR" in body
    assert "within\nsix weeks of receiving this answer" in body  # Art. 35 UAVG
    dutch = reply(config, "nl", [Right.ERASURE])
    assert "gevraagd ze ook te verwijderen: Hostingbedrijf X (verwerker)." in dutch
    assert "wijzen wij uw verzoek niet helemaal toe" in dutch


def test_without_recipients_no_recipient_is_said_to_be_told(config: Settings) -> None:
    lone = SourceHolding(crm_source(Path("crm.db"), recipients=[]), 1)
    body = reply(
        config, "en", [Right.ERASURE], holdings=[lone], actions=actions_for([Right.ERASURE], [lone])
    )
    assert "We have erased your data from:\n- Customer profile" in body
    assert "recipients" not in body.split("Erasure")[1].split("You also")[0]


def test_a_copy_of_all_data_only_when_every_system_was_searched(config: Settings) -> None:
    body = reply(config, "en", [Right.ACCESS])
    assert "a copy of all of it" in body
    assert "we searched every system that holds personal data (Customer profile, Invoices)" in body
    failed = reply(config, "en", [Right.ACCESS], failed_sources=["invoices"])
    assert "all of it" not in failed
    assert "in the systems we could search" in failed and "could not search Invoices" in failed


def test_access_names_the_origin_only_as_given_and_mailbots_own_record(config: Settings) -> None:
    body = reply(config, "en", [Right.ACCESS])
    crm, invoices = body.split("* Customer profile")[1], body.split("* Invoices")[1]
    assert crm.split("* ")[0].rstrip().endswith("Source: you")  # provided by the person
    assert "Source: made by us for each order" in invoices.split("* ")[0]
    nothing = SourceHolding(invoice_source(Path("i.csv"), origin=None), 2)
    unknown = reply(config, "en", [Right.ACCESS], holdings=[nothing])
    assert "Source: not recorded" in unknown and "Source: you\n\n* Invoices" not in unknown
    assert "* Your requests to us about your personal data" in body
    assert "until 365 days after your request was closed" in body


def test_every_route_names_the_persons_own_authority_and_court(config: Settings) -> None:
    renderer = Renderer()
    sample = sample_facts(config)[0]
    for language, own, court in (
        ("en", "the EU\ncountry where you live or work (Art. 77 GDPR)", "Art. 79"),
        (
            "nl",
            "toezichthouder van het EU-land waar u woont of werkt (artikel 77 AVG)",
            "artikel 79",
        ),
    ):
        for kind in (DraftKind.REPLY, DraftKind.REFUSAL):
            body = renderer.render(kind, language, context(config, language, sample)).body
            assert " ".join(own.split()) in " ".join(body.split()), (kind, language)
            assert court in body and "Autoriteit Persoonsgegevens" in body
        extension = renderer.render(
            DraftKind.EXTENSION, language, context(config, language, sample)
        )
        assert "77" in extension.body


def test_a_request_by_post_is_not_told_it_came_from_this_address(config: Settings) -> None:
    sample = sample_facts(config)[0]
    by_post = DraftFacts(sample.reference, sample.received, sample.due, ["erasure"], channel="post")
    for language in ("nl", "en"):
        for kind in (DraftKind.CONFIRMATION_REQUEST, DraftKind.IDENTIFICATION_REQUEST):
            body = Renderer().render(kind, language, context(config, language, by_post)).body
            for wrong in ("this e-mail address", "vanaf dit e-mailadres", "you wrote from",
                          "waarvan u schrijft"):  # fmt: skip
                assert wrong not in body, (language, kind, wrong)


def test_identification_request_asks_the_least_and_protects_an_id_copy(config: Settings) -> None:
    body = (
        Renderer()
        .render(
            DraftKind.IDENTIFICATION_REQUEST, "nl", context(config, "nl", sample_facts(config)[1])
        )
        .body
    )
    for needle in (
        "klantnummer",
        "burgerservicenummer (BSN)",
        "pasfoto",
        "KopieID",
        "verwijderen hem\ndirect",
    ):
        assert needle in body, needle


def test_refusal_and_extension(config: Settings) -> None:
    sample = sample_facts(config)[0]
    refusal = Renderer().render(DraftKind.REFUSAL, "nl", context(config, "nl", sample)).body
    assert (
        "Autoriteit Persoonsgegevens" in refusal
        and "zes weken" in refusal
        and "artikel 35" in refusal
    )
    extension = Renderer().render(DraftKind.EXTENSION, "en", context(config, "en", sample)).body
    assert "5 June 2026" in extension and "sample reasons" in extension


def test_dates_in_each_language() -> None:
    day = date(2026, 3, 5)
    assert [date_text(day, language) for language in ("nl", "en", "de", "fr", "es")] == [
        "5 maart 2026", "5 March 2026", "5. März 2026", "5 mars 2026", "5 March 2026",
    ]  # fmt: skip


def test_about_someone_who_died_no_letter_asks_for_their_signed_authorisation(
    config: Settings,
) -> None:
    facts = next(sample for sample in sample_facts(config) if sample.deceased)
    for language, asked in (("nl", "machtiging"), ("en", "authorisation"),
                            ("de", "Vollmacht"), ("fr", "mandat")):  # fmt: skip
        body = (
            Renderer()
            .render(DraftKind.IDENTIFICATION_REQUEST, language, context(config, language, facts))
            .body
        )
        assert asked not in body, language
        assert any(word in body for word in ("overleden", "died", "verstorbene", "décédée"))


def test_a_letter_never_mixes_in_the_organisations_language(config: Settings) -> None:
    dutch_only = crm_source(Path("crm.db"), purpose="Uitvoering van de overeenkomst")
    answer = DraftFacts(
        reference="AVG-2026-0007",
        received=date(2026, 3, 5),
        due=date(2026, 4, 7),
        rights=[Right.ACCESS.value],
        holdings=[SourceHolding(dutch_only, 1)],
    )
    sources = context(config, "de", answer)["sources"]
    # not in German: the English text, never the Dutch one
    assert sources[0]["retention"] == "until 36 months after you stop being a customer"
    assert sources[0]["category"] == "Customer profile"
    # in no language but Dutch: a marker the officer sees in review
    assert sources[0]["purpose"] == "[missing in the configuration: [[sources]] crm.purpose]"
    assert context(config, "nl", answer)["sources"][0]["purpose"] == (
        "Uitvoering van de overeenkomst"
    )
    assert context(config, "de", answer)["automated_decisions"] == "none"


def test_the_signature_title_is_the_configured_one_in_the_letters_language(
    tmp_path: Path,
) -> None:
    values = base_config(tmp_path)
    values["organisation"]["signature_title"] = {"nl": "Privacyfunctionaris", "de": "Datenschutz"}
    settings = settings_from_dict(values, tmp_path / "mailbot.toml", environ={})
    facts = sample_facts(settings)[0]
    assert context(settings, "de", facts)["org"]["title"] == "Datenschutz"
    assert context(settings, "fr", facts)["org"]["title"] is None  # the template's own


# Words each language's letters use throughout, and none of the others'.
_OWN_WORDS = {
    "nl": ("uw", "wij", "verzoek", "gegevens"),
    "en": ("your", "we", "request", "data"),
    "de": ("Ihre", "wir", "Anfrage", "Daten"),
    "fr": ("vos", "nous", "demande", "données"),
}


def _in_every_language(key: str) -> dict[str, str]:
    return {language: f"{key}#{language}#" for language in ("nl", "en", "de", "fr")}


@pytest.fixture
def multilingual(tmp_path: Path) -> Settings:
    values = base_config(tmp_path)
    values["organisation"].update(
        automated_decisions=_in_every_language("decisions"),
        transfers_outside_eea=_in_every_language("transfers"),
    )
    values["sources"] = [
        {
            "name": "crm", "kind": "csv", "path": str(tmp_path / "crm.csv"),
            "email_column": "email", "provided_by_subject": True, "marketing": True,
            **{key: _in_every_language(key) for key in
               ("category", "purpose", "legal_basis", "retention", "origin")},
            "recipients": {language: [f"recipient#{language}#"] for language in _OWN_WORDS},
        },
        {
            "name": "invoices", "kind": "csv", "path": str(tmp_path / "i.csv"),
            "email_column": "email", "erasure": "keep",
            **{key: _in_every_language(f"{key}2") for key in
               ("category", "purpose", "legal_basis", "retention", "origin")},
            "recipients": {language: [f"recipient2#{language}#"] for language in _OWN_WORDS},
        },
    ]  # fmt: skip
    return settings_from_dict(values, tmp_path / "mailbot.toml", environ={})


@pytest.mark.parametrize("language", ["nl", "en", "de", "fr"])
def test_every_letter_is_in_one_language_only(multilingual: Settings, language: str) -> None:
    """Every kind, for every right, with every branch of the samples: nothing of another
    language, neither the templates' words nor the configuration's texts nor the dates."""
    renderer = Renderer()
    holdings = [SourceHolding(source, 2) for source in multilingual.sources]
    others = [other for other in _OWN_WORDS if other != language]
    for right in Right:
        rights = [right]
        answer = replace(
            sample_facts(multilingual)[0],
            rights=[r.value for r in rights],
            holdings=holdings,
            actions=actions_for(rights, holdings),
            failed_sources=[],
        )
        for facts_ in (answer, *sample_facts(multilingual)[1:]):
            for kind in DraftKind:
                found = renderer.render(kind, language, context(multilingual, language, facts_))
                text = f"{found.subject}\n{found.body}"
                words = set(re.findall(r"\w+", text))
                for other in others:
                    foreign = words & set(_OWN_WORDS[other])
                    assert not foreign, (kind, right, other, foreign)
                    assert f"#{other}#" not in text, (kind, right, other)  # configuration texts
                    received = date_text(facts_.received, other)
                    if received != date_text(facts_.received, language):
                        assert received not in text, (kind, right, other)
                # a rectification's notice drafted by hand leaves the officer this place
                assert "[missing" not in text.replace(TO_FILL, ""), (kind, right)


@pytest.mark.parametrize("language", ["nl", "en", "de", "fr"])
def test_every_language_says_what_the_law_requires(multilingual: Settings, language: str) -> None:
    holdings = [SourceHolding(source, 2) for source in multilingual.sources]
    renderer = Renderer()

    def body(kind: DraftKind, rights: list[Right], **changes: Any) -> str:
        found = replace(
            sample_facts(multilingual)[0], rights=[r.value for r in rights], holdings=holdings,
            actions=actions_for(rights, holdings), failed_sources=[], **changes,
        )  # fmt: skip
        text = renderer.render(kind, language, context(multilingual, language, found)).body
        return " ".join(text.split())

    erasure = body(DraftKind.REPLY, [Right.ERASURE])
    assert f"recipient#{language}#" in erasure  # told to erase too (Art. 19)
    assert f"recipient2#{language}#" not in erasure  # kept data: nobody asked to erase them
    for kept in ("retention2", "legal_basis2", "category2"):
        assert f"{kept}#{language}#" in erasure, kept  # kept: until when, on what basis
    assert "17" in erasure  # Art. 17(3)
    objection = body(DraftKind.REPLY, [Right.OBJECTION], direct_marketing=True)
    assert "21" in objection and f"category#{language}#" in objection  # Art. 21(3)
    assert f"category2#{language}#" in objection  # kept by law: the right to object does not apply
    access = body(DraftKind.REPLY, [Right.ACCESS])
    for given in ("purpose", "legal_basis", "retention", "origin", "recipient"):
        assert f"{given}#{language}#" in access, given
    assert f"decisions#{language}#" in access and f"transfers#{language}#" in access
    for kind in (DraftKind.REPLY, DraftKind.REFUSAL):
        routes = body(kind, [Right.ACCESS])
        assert "Autoriteit Persoonsgegevens" in routes and "77" in routes and "79" in routes
        assert "UAVG" in routes or "Uitvoeringswet AVG" in routes  # six weeks, Art. 35
    assert "77" in body(DraftKind.EXTENSION, [Right.ACCESS])
    restriction = body(DraftKind.REPLY, [Right.RESTRICTION])
    assert "18" in restriction and f"recipient2#{language}#" in restriction


def test_dates_are_written_as_each_language_writes_them() -> None:
    assert date_text(date(2026, 3, 1), "fr") == "1er mars 2026"
    assert date_text(date(2026, 3, 2), "fr") == "2 mars 2026"
    assert date_text(date(2026, 3, 1), "de") == "1. März 2026"


def test_the_officers_reasons_end_with_one_full_stop(config: Settings) -> None:
    found = replace(sample_facts(config)[0], refusal_reasons="Wij hebben geen gegevens.  ")
    body = Renderer().render(DraftKind.REFUSAL, "nl", context(config, "nl", found)).body
    assert "Wij hebben geen gegevens." in body and ".." not in body


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("nl", "- Facturen: bewaard tot en met 31 december 2033 (bewaartermijn: 7 jaar"),
        ("en", "- Invoices: kept until 31 December 2033 (retention period: 7 years"),
        ("de", "bis einschließlich 31. Dezember 2033 (Aufbewahrungsfrist:"),
        ("fr", "Conservées jusqu'au 31 décembre 2033 inclus (durée de conservation :"),
    ],
)
def test_the_erasure_reply_gives_the_day_kept_data_are_kept_until(
    config: Settings, language: str, said: str
) -> None:
    """With ``keep_years`` the reply says which data are kept, on which basis and until which
    day, in the person's language; without it, the retention text as before."""
    dated = SourceHolding(invoice_source(Path("i.csv"), keep_years=7), 2)
    erasure = [Right.ERASURE]
    found = replace(
        facts(config, erasure), holdings=[dated],
        actions=actions_for(erasure, [dated], date(2026, 3, 10)),
    )  # fmt: skip
    body = Renderer().render(DraftKind.REPLY, language, context(config, language, found)).body
    flat = " ".join(body.split())
    assert " ".join(said.split()) in flat
    basis = {"nl": "wettelijke verplichting"}.get(language, "legal obligation")
    assert basis in flat and "17" in flat and "[missing" not in body
    undated = reply(config, language, erasure)
    assert "2033" not in undated and ("7 jaar" in undated or "7 years" in undated)
