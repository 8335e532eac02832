from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from mailbot.config import settings_from_dict
from mailbot.letters import copies
from mailbot.letters.context import DraftFacts, context
from mailbot.letters.render import Renderer
from tests.support.configs import base_config

pytestmark = pytest.mark.database_incidental("the data copies' files, made from rows in memory")


def table(
    rows: list[dict[str, object]] | Iterator[dict[str, object]], name: str = "crm"
) -> copies.Table:
    return copies.Table(
        name, "Klantprofiel", rows, ["Hosting X (verwerker)"], "Overeenkomst", "36 maanden"
    )


def files(built: copies.Copies) -> dict[str, bytes]:
    return {item.filename: item.content for item in built.files}


def test_json_and_csv_hold_the_rows_as_stored() -> None:
    rows: list[dict[str, object]] = [
        {"name": "Tom", "since": date(2020, 1, 2), "balance": Decimal("12.50"), "note": None},
        {
            "name": "Tom",
            "since": datetime(2021, 5, 6, 7, 8, tzinfo=UTC),
            "balance": 0,
            "note": b"\x00\xff",
        },
    ]
    built = copies.build([table(rows)])
    data = files(built)
    assert json.loads(data["crm.json"]) == [
        {"name": "Tom", "since": "2020-01-02", "balance": "12.50", "note": None},
        {"name": "Tom", "since": "2021-05-06T07:08:00+00:00", "balance": 0, "note": "AP8="},
    ]
    assert list(csv.reader(io.StringIO(data["crm.csv"].decode()))) == [
        ["name", "since", "balance", "note"],
        ["Tom", "2020-01-02", "12.50", ""],
        ["Tom", "2021-05-06T07:08:00+00:00", "0", "AP8="],
    ]
    assert built.counts == {"crm": 2}


def test_a_source_without_rows_adds_no_files() -> None:
    built = copies.build([table([]), table([{"a": 1}], name="other")])
    assert built.counts == {"crm": 0, "other": 1}
    assert sorted(files(built)) == ["other.csv", "other.json"]


def test_the_overview_escapes_what_the_data_holds(tmp_path: Path) -> None:
    settings = settings_from_dict(base_config(tmp_path), tmp_path / "m.toml", environ={})
    built = copies.build([table([{"name": "<script>alert(1)</script>"}])])
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


def test_the_manifest_names_sources_categories_and_recipients() -> None:
    tables = [table([{"a": 1}])]
    built = copies.build(tables)
    manifest = json.loads(copies.manifest("AVG-2026-0001", "Voorbeeld B.V.", tables, built).content)
    assert manifest == {
        "reference": "AVG-2026-0001",
        "controller": "Voorbeeld B.V.",
        "sources": [
            {
                "source": "crm",
                "category": "Klantprofiel",
                "records": 1,
                "recipients": ["Hosting X (verwerker)"],
                "purpose": "Overeenkomst",
                "retention": "36 maanden",
                "files": ["crm.json", "crm.csv"],
            }
        ],
    }


def test_large_copies_are_zipped_into_one_file() -> None:
    tables = [table([{"a": "x" * 100} for _ in range(50)])]
    built = copies.build(tables)
    manifest = copies.manifest("AVG-2026-0001", "V", tables, built)
    kept = copies.finish(
        built, overview_html="<p>o</p>", manifest_file=manifest, language="nl",
        reference="AVG-2026-0001", zip_above=10**9,
    )  # fmt: skip
    assert [item.filename for item in kept] == [
        "crm.json",
        "crm.csv",
        "overzicht.html",
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
        assert opened.read("crm.json") == kept[0].content


def test_a_hundred_thousand_rows_are_streamed_into_the_files() -> None:
    def rows() -> Iterator[dict[str, object]]:
        for number in range(100_000):
            yield {"number": number, "email": "tom.baker@example.com", "city": "Leeds"}

    built = copies.build([table(rows())])
    data = files(built)
    assert built.counts == {"crm": 100_000}
    assert len(json.loads(data["crm.json"])) == 100_000
    assert data["crm.csv"].count(b"\n") == 100_001
    assert built.overview_tables[0]["shown"] == copies.SAMPLE_ROWS
