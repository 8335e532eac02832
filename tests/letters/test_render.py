from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from mailbot.config import Settings, settings_from_dict
from mailbot.core.actions import SourceHolding, actions_for
from mailbot.core.drafting import DraftKind
from mailbot.core.rights import Right
from mailbot.letters.context import DraftFacts, context, sample_facts
from mailbot.letters.render import Renderer, date_text
from tests.support.configs import base_config
from tests.support.datasets import crm_source, invoice_source

pytestmark = pytest.mark.database_incidental("the letters, rendered from facts in memory")

COMPLETE = ("nl", "en")
_BOTH = {
    DraftKind.ACKNOWLEDGEMENT,
    DraftKind.IDENTIFICATION_REQUEST,
    DraftKind.CONFIRMATION_REQUEST,
    DraftKind.SENDER_CHECK,
    DraftKind.SCHOOL_ASSISTANCE,
}
PARTIAL = {"de": _BOTH, "fr": _BOTH}  # fmt: skip


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
        own = language in COMPLETE or kind in PARTIAL.get(language, set())
        assert rendered.language == (language if own else "en")


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
    assert "- Facturen: bewaard tot 7 jaar (art. 52 AWR)" in body
    assert "ontvangers" in body  # recipients informed (Art. 19)


def test_restriction_and_objection_replies(config: Settings) -> None:
    body = (
        Renderer()
        .render(
            DraftKind.REPLY,
            "en",
            context(config, "en", facts(config, [Right.RESTRICTION, Right.OBJECTION])),
        )
        .body
    )
    assert "We will tell\nyou before we lift it" in body
    assert "do not process the data meanwhile" in body


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
