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
    assert texts[1].startswith("Assess the objection") and "cases refuse" in texts[1]
    # data the law makes the company keep: the right to object does not reach them
    kept = SourceHolding(source(name="invoices", erasure="keep"), 1)
    assert actions_for([Right.OBJECTION], [kept]) == []


def test_each_recipient_is_an_action_of_its_own_art_19() -> None:
    crm = SourceHolding(source(recipients=["Hosting X (verwerker)", "Mailing Y (verwerker)"]), 1)
    for right in (Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION):
        own, *told = actions_for([right], [crm])
        assert own.recipient is None
        assert [action.recipient for action in told] == [0, 1]
        assert "Tell Hosting X (verwerker)" in told[0].text and "Art. 19" in told[0].text
    # kept data are not erased, so no recipient is asked to erase them; an objection tells none
    kept = SourceHolding(source(recipients=["Hosting X"], erasure="keep"), 1)
    assert len(actions_for([Right.ERASURE], [kept])) == 1
    assert len(actions_for([Right.OBJECTION], [crm])) == 1


def test_no_data_no_actions_and_access_needs_none() -> None:
    assert actions_for([Right.ERASURE], [SourceHolding(source(), 0)]) == []
    assert actions_for([Right.ACCESS, Right.PORTABILITY], [SourceHolding(source(), 2)]) == []
