from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailbot.config import settings_from_dict
from mailbot.letters import copies
from mailbot.letters.context import DraftFacts, context
from mailbot.letters.render import Renderer
from tests.support.configs import base_config

pytestmark = pytest.mark.database_incidental("the data copies' files, made from rows in memory")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BOM = b"\xef\xbb\xbf"


def table(
    rows: list[dict[str, object]] | Iterator[dict[str, object]],
    name: str = "crm",
    *,
    portable: bool = False,
    labels: dict[str, str] | None = None,
) -> copies.Table:
    return copies.Table(
        name, "Klantprofiel", rows, ["Hosting X (verwerker)"], "Overeenkomst", "36 maanden",
        labels or {}, portable,
    )  # fmt: skip


def build(tables: list[copies.Table], language: str = "en") -> copies.Copies:
    return copies.build(tables, language=language, zone=AMSTERDAM)


def cells(content: bytes, delimiter: str) -> list[list[str]]:
    """A CSV file as Excel reads it: UTF-8 after the byte-order mark, split on ``delimiter``."""
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content[len(BOM) :].decode("utf-8")), delimiter=delimiter))


def files(built: copies.Copies) -> dict[str, bytes]:
    return {item.filename: item.content for item in built.files}


def test_json_holds_the_rows_as_stored_and_the_csv_shows_them_plainly() -> None:
    rows: list[dict[str, object]] = [
        {"name": "Tom", "since": date(2020, 1, 2), "balance": Decimal("12.50"), "note": None},
        {
            "name": "Tom",
            "since": datetime(2021, 5, 6, 7, 8, tzinfo=UTC),
            "balance": 0,
            "note": b"\x00\xff",
        },
    ]
    built = build([table(rows, portable=True)])
    data = files(built)
    assert json.loads(data["crm.json"]) == [
        {"name": "Tom", "since": "2020-01-02", "balance": "12.50", "note": None},
        {"name": "Tom", "since": "2021-05-06T07:08:00+00:00", "balance": 0, "note": "AP8="},
    ]
    assert cells(data["crm.csv"], ",") == [
        ["name", "since", "balance", "note"],
        ["Tom", "2 January 2020", "12.50", ""],
        ["Tom", "6 May 2021 09:08", "0", "AP8="],  # summer time in Amsterdam
    ]
    assert built.counts == {"crm": 2}


def test_a_source_without_rows_adds_no_files_and_only_a_portable_one_json() -> None:
    built = build(
        [table([]), table([{"a": 1}], name="other"), table([{"b": 2}], "own", portable=True)]
    )
    assert built.counts == {"crm": 0, "other": 1, "own": 1}
    assert sorted(files(built)) == ["other.csv", "own.csv", "own.json"]
    assert not build([table([{"a": 1}])]).portable


@pytest.mark.parametrize(
    ("language", "delimiter"), [("nl", ";"), ("de", ";"), ("fr", ";"), ("en", ",")]
)
def test_the_csv_opens_as_columns_in_excel(language: str, delimiter: str) -> None:
    tricky = ["Laan 1; 2e etage", "Smith, J.", 'de "Vries"', "regel 1\nregel 2", "=1+1", ""]
    row: dict[str, object] = {f"c{number}": value for number, value in enumerate(tricky)}
    content = files(build([table([row])], language))["crm.csv"]
    assert content.startswith(BOM)
    header, line = content[len(BOM) :].decode("utf-8").split("\r\n", 1)
    assert header == delimiter.join(row)
    assert f'"{tricky[0] if delimiter == ";" else tricky[1]}"' in line  # the delimiter: quoted
    guarded = [*tricky[:4], "'=1+1", ""]  # the formula guard stays
    assert cells(content, delimiter) == [list(row), guarded]


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("nl", "5 maart 2026 14:03"),
        ("en", "5 March 2026 14:03"),
        ("de", "5. März 2026 14:03"),
        ("fr", "5 mars 2026 14:03"),
    ],
)
def test_times_are_local_in_the_csv_and_the_overview_and_iso_in_json(
    language: str, shown: str
) -> None:
    row: dict[str, object] = {
        "at": datetime(2026, 3, 5, 13, 3, 59, tzinfo=UTC),  # a database's timestamp
        "text": "2026-03-05T13:03:00Z",  # a CSV export's
        "local": "2026-03-05 14:03:00",  # no offset: already local, never shifted
        "day": "2026-03-05",
        "invoice": "20260305",  # not a date
    }
    built = build([table([row], portable=True)], language)
    day = shown.rsplit(" ", 1)[0]
    expected = [shown, shown, shown, day, "20260305"]
    assert cells(files(built)["crm.csv"], copies.DELIMITER[language])[1] == expected
    assert built.overview_tables[0]["sample"] == [expected]
    (stored,) = json.loads(files(built)["crm.json"])
    assert stored["at"] == "2026-03-05T13:03:59+00:00"
    assert stored["text"] == "2026-03-05T13:03:00Z"


def test_labels_name_the_columns_of_the_csv_and_the_overview_but_not_of_the_json(
    tmp_path: Path,
) -> None:
    settings = settings_from_dict(base_config(tmp_path), tmp_path / "m.toml", environ={})
    labels = {"naam": "Naam", "email": "E-mailadres"}
    rows: list[dict[str, object]] = [{"naam": "Tom", "email": "tom@example.com", "klant": "C-1"}]
    built = build([table(rows, portable=True, labels=labels)], "nl")
    assert cells(files(built)["crm.csv"], ";")[0] == ["Naam", "E-mailadres", "klant"]
    assert json.loads(files(built)["crm.json"]) == rows
    facts = DraftFacts(
        reference="AVG-2026-0001",
        received=date(2026, 3, 5),
        due=date(2026, 4, 7),
        rights=["access"],
        tables=list(built.overview_tables),
    )
    html = Renderer().overview("nl", context(settings, "nl", facts))
    assert "<th>Naam</th><th>E-mailadres</th><th>klant</th>" in html


def test_the_overview_escapes_what_the_data_holds(tmp_path: Path) -> None:
    settings = settings_from_dict(base_config(tmp_path), tmp_path / "m.toml", environ={})
    built = build([table([{"name": "<script>alert(1)</script>"}])])
    facts = DraftFacts(
        reference="AVG-2026-0001",
        received=date(2026, 3, 5),
        due=date(2026, 4, 7),
        rights=["access"],
        tables=list(built.overview_tables),
    )
    html = Renderer().overview("nl", context(settings, "nl", facts))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<html lang="nl">' in html and "Klantprofiel (crm)" in html


def test_the_manifest_names_sources_categories_recipients_and_their_files() -> None:
    tables = [table([{"a": 1}], portable=True), table([{"b": 1}], name="invoices")]
    built = build(tables)
    manifest = json.loads(copies.manifest("AVG-2026-0001", "Voorbeeld B.V.", tables, built).content)
    described = {
        "category": "Klantprofiel",
        "recipients": ["Hosting X (verwerker)"],
        "purpose": "Overeenkomst",
        "retention": "36 maanden",
    }
    assert manifest == {
        "reference": "AVG-2026-0001",
        "controller": "Voorbeeld B.V.",
        "sources": [
            {"source": "crm", **described, "records": 1, "files": ["crm.json", "crm.csv"]},
            {"source": "invoices", **described, "records": 1, "files": ["invoices.csv"]},
        ],
    }


def test_large_copies_are_zipped_into_one_file() -> None:
    tables = [table([{"a": "x" * 100} for _ in range(50)], portable=True)]
    built = build(tables)
    manifest = copies.manifest("AVG-2026-0001", "V", tables, built)
    kept = copies.finish(
        built, overview_html="<p>o</p>", manifest_file=manifest, language="nl",
        reference="AVG-2026-0001", zip_above=10**9,
    )  # fmt: skip
    assert [item.filename for item in kept] == [
        "overzicht.html",
        "crm.json",
        "crm.csv",
        "manifest.json",
    ]
    zipped = copies.finish(
        built, overview_html="<p>o</p>", manifest_file=manifest, language="nl",
        reference="AVG-2026-0001", zip_above=1000,
    )  # fmt: skip
    (archive,) = zipped
    assert archive.filename == "AVG-2026-0001-gegevens.zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert sorted(opened.namelist()) == sorted(item.filename for item in kept)
        assert opened.read("crm.json") == kept[1].content


def test_a_hundred_thousand_rows_are_streamed_into_the_files() -> None:
    def rows() -> Iterator[dict[str, object]]:
        for number in range(100_000):
            yield {"number": number, "email": "tom.baker@example.com", "city": "Leeds"}

    built = build([table(rows(), portable=True)])
    data = files(built)
    assert built.counts == {"crm": 100_000}
    assert len(json.loads(data["crm.json"])) == 100_000
    assert data["crm.csv"].count(b"\n") == 100_001
    assert built.overview_tables[0]["shown"] == copies.SAMPLE_ROWS
