from __future__ import annotations

from pathlib import Path
from typing import Any

from mailbot.config import DataSourceSettings
from mailbot.core.actions import SourceHolding, actions_for
from mailbot.core.rights import Right


def source(**values: Any) -> DataSourceSettings:
    base: dict[str, Any] = {
        "name": "crm", "kind": "csv", "path": Path("x.csv"), "email_column": "email",
        "category": "Klantprofiel",
    }  # fmt: skip
    base.update(values)
    return DataSourceSettings.model_validate(base)


def test_erasure_erases_or_keeps_what_the_law_requires() -> None:
    crm = SourceHolding(source(), 3)
    invoices = SourceHolding(
        source(
            name="invoices",
            category="Facturen",
            erasure="keep",
            retention="7 jaar",
            legal_basis="art. 52 AWR",
        ),
        5,
    )
    actions = actions_for([Right.ERASURE], [crm, invoices])
    assert [a.source for a in actions] == ["crm", "invoices"]
    assert "Erase the 3 record(s)" in actions[0].text and actions[0].kept_until is None
    assert actions[1].kept_until == "7 jaar" and "art. 52 AWR" in actions[1].text


def test_objection_stops_marketing_where_the_source_is_used_for_it() -> None:
    mailing = SourceHolding(source(name="mailing", marketing=True), 1)
    crm = SourceHolding(source(), 1)
    texts = [a.text for a in actions_for([Right.OBJECTION], [mailing, crm])]
    assert texts[0].startswith("Stop direct marketing")
    assert texts[1].startswith("Stop processing")


def test_rectification_names_the_recipients_to_inform() -> None:
    crm = SourceHolding(source(recipients=["Hosting X (verwerker)"]), 1)
    (action,) = actions_for([Right.RECTIFICATION], [crm])
    assert "Hosting X (verwerker)" in action.text


def test_no_data_no_actions_and_access_needs_none() -> None:
    assert actions_for([Right.ERASURE], [SourceHolding(source(), 0)]) == []
    assert actions_for([Right.ACCESS, Right.PORTABILITY], [SourceHolding(source(), 2)]) == []
