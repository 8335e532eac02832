"""The statements of a SQL source run in the company's database: dry run, execute, confirm,
the control address, the check; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from mailbot.config import DataSourceSettings
from mailbot.datasources import DataSourceError
from mailbot.datasources.statements import StatementError, check, confirm, dry_run, execute
from tests.support.shop import (
    CONTROL,
    MINE,
    PERSON,
    STATEMENTS,
    make_shop,
    rows,
    shop_source,
    shop_values,
    snapshot,
)


@pytest.fixture
def shop(database_url: str) -> str:
    """The shop's database, of each kind (a fresh empty one: ``database_url``)."""
    return make_shop(database_url)


def test_a_dry_run_counts_and_changes_nothing(shop: str) -> None:
    source = shop_source(shop)
    before = snapshot(shop)
    assert dry_run(source, "erase", PERSON) == [2, 1, 1]
    assert dry_run(source, "restrict", "TOM.BAKER@example.com") == [1]
    assert dry_run(source, "rectify", PERSON, {"naam": "T. Baker", "telefoon": "06"}) == [1]
    assert snapshot(shop) == before
    # left to do: the customer row and the mailing (confirm), and the two rows the source's
    # own query reads (his orders): what a crash recovery weighs as a finished run would
    assert confirm(source, "erase", PERSON) == 2 + 2


def test_erase_removes_the_persons_rows_only(shop: str) -> None:
    source = shop_source(shop)
    before = snapshot(shop)
    assert execute(source, "erase", PERSON) == [2, 1, 1]
    after = snapshot(shop)
    assert [row[2] for row in after["klanten"]] == [CONTROL, "sanne.devries@example.net"]
    assert [row[0] for row in after["bestellingen"]] == [12, 13]
    assert len(after["marketing"]) == len(before["marketing"]) - 1
    assert confirm(source, "erase", PERSON) == 0
    assert execute(source, "erase", PERSON) == [0, 0, 0]  # idempotent: nothing more


def test_restrict_and_rectify(shop: str) -> None:
    source = shop_source(shop)
    assert execute(source, "restrict", PERSON) == [1]
    assert rows(shop, "SELECT beperkt FROM klanten WHERE id = 1") == [(1,)]
    assert confirm(source, "restrict", PERSON) == 0
    values = {"naam": "Thomas Baker", "telefoon": "0699999999"}
    assert confirm(source, "rectify", PERSON, values) == 1
    assert execute(source, "rectify", PERSON, values) == [1]
    assert rows(shop, "SELECT naam, telefoon FROM klanten WHERE id = 1") == [
        ("Thomas Baker", "0699999999")
    ]
    assert confirm(source, "rectify", PERSON, values) == 0
    assert rows(shop, "SELECT naam, beperkt FROM klanten WHERE id = 2") == [("Shop Control", 0)]


def test_a_failing_statement_leaves_the_source_untouched(shop: str) -> None:
    # the orders first, then a parent delete the foreign key refuses: all rolled back
    parent_first = [
        "DELETE FROM marketing WHERE lower(email) = :email",
        "DELETE FROM klanten WHERE lower(email) = :email",
    ]
    source = shop_source(shop, erase=parent_first)
    before = snapshot(shop)
    with pytest.raises(StatementError) as failed:
        execute(source, "erase", PERSON)
    assert failed.value.kind == "failed"
    assert "source shop:" in failed.value.message
    assert "foreign key" in failed.value.message.lower()
    assert PERSON not in failed.value.message.lower()
    assert snapshot(shop) == before
    broken = shop_source(shop, restrict="UPDATE klanten SET nope = 1 WHERE email = :email")
    with pytest.raises(StatementError, match="nope"):
        execute(broken, "restrict", PERSON)
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM bestellingen WHERE {mine} OR id > 0",
        "UPDATE klanten SET beperkt = 1 WHERE lower(email) = :email OR id > 0",
    ],
)
def test_touching_another_person_is_rolled_back(shop: str, statement: str) -> None:
    key = "erase" if statement.startswith("DELETE") else "restrict"
    source = shop_source(shop, **{key: statement.format(mine=MINE)})
    before = snapshot(shop)
    with pytest.raises(StatementError) as touched:
        dry_run(source, key, PERSON)
    assert touched.value.kind == "touched_another"
    if key == "erase":  # the orders gone, the customer left: confirm says so first
        with pytest.raises(StatementError) as refused:
            execute(source, key, PERSON)
        assert refused.value.kind == "unconfirmed"
    with pytest.raises(StatementError) as touched:
        execute(
            shop_source(
                shop,
                **{key: statement.format(mine=MINE)},
                confirm={
                    "erase": "SELECT 1 WHERE 1 = 0 AND '' = :email",
                    "restrict": "SELECT 1 WHERE 1 = 0 AND '' = :email",
                    "rectify": "SELECT 1 WHERE :naam = :telefoon AND '' = :email",
                },
            ),
            key,
            PERSON,
        )
    assert touched.value.kind == "touched_another"
    assert "control address" in touched.value.message
    assert snapshot(shop) == before


def test_the_check_names_the_key_and_nothing_runs_without_a_control_row(shop: str) -> None:
    assert check(shop_source(shop)) == []
    with pytest.raises(DataSourceError, match=r"statements\.restrict: source shop: .*nope"):
        check(shop_source(shop, restrict="UPDATE klanten SET nope = 1 WHERE email = :email"))
    lonely = shop_source(shop, control_address="nobody@shop.example")
    with pytest.raises(DataSourceError, match=r"statements\.control_address: .*has no row"):
        check(lonely)
    # an unchecked run is no run: the control check could not see another person touched
    for run in (dry_run, execute):
        with pytest.raises(StatementError, match="control address has no row") as refused:
            run(lonely, "erase", PERSON)
        assert refused.value.kind == "failed"
    assert rows(shop, "SELECT count(*) FROM klanten") == [(3,)]


def _invalid(**changes: Any) -> str:
    values = shop_values("sqlite:///shop.db")
    values["statements"] = values["statements"] | changes
    with pytest.raises(ValidationError) as invalid:
        DataSourceSettings.model_validate(values)
    return str(invalid.value)


def test_the_configuration_names_what_is_wrong() -> None:
    assert "confirm.restrict is missing" in _invalid(
        confirm={
            "erase": "SELECT 1 WHERE '' = :email",
            "rectify": "SELECT :naam, :telefoon WHERE '' = :email",
        }
    )
    assert "control_address is required" in _invalid(control_address=None)
    assert "erase: takes only :email" in _invalid(
        erase="DELETE FROM klanten WHERE email = :email AND naam = :naam"
    )
    assert "must take the address as :email" in _invalid(restrict="UPDATE klanten SET beperkt = 1")
    csv = {
        "name": "f",
        "kind": "csv",
        "path": "/tmp/f.csv",
        "email_column": "email",
        "category": "x",
        "statements": shop_values("")["statements"],
    }
    with pytest.raises(ValidationError, match="statements are for kind sql"):
        DataSourceSettings.model_validate(csv)
    source = shop_source("sqlite:///shop.db")
    assert source.statements is not None
    assert source.statements.fields == ("naam", "telefoon")
    assert len(source.statements.for_key("erase")) == 3


def test_an_erasure_the_query_still_sees_is_no_erasure(shop: str) -> None:
    """The shop files ``Tom.Baker@Example.com``; statements comparing ``email = :email``
    match nothing. The company's own confirm agrees, but the source's query still finds
    Tom: rolled back, not recorded as done."""
    exact = shop_source(
        shop,
        erase=[
            "DELETE FROM bestellingen WHERE klant_id IN "
            "(SELECT id FROM klanten WHERE email = :email)",
            "DELETE FROM klanten WHERE email = :email",
        ],
        confirm={
            "erase": "SELECT id FROM klanten WHERE email = :email",
            "restrict": "SELECT 1 WHERE 1 = 0 AND '' = :email",
            "rectify": "SELECT 1 WHERE :naam = :telefoon AND '' = :email",
        },
        restrict="UPDATE klanten SET beperkt = 1 WHERE email = :email",
    )
    before = snapshot(shop)
    with pytest.raises(
        StatementError, match=r"query still finds 2 row\(s\) about the person"
    ) as erased:
        execute(exact, "erase", PERSON)
    assert erased.value.kind == "unconfirmed"
    with pytest.raises(StatementError, match="restrict changed no row"):
        execute(exact, "restrict", PERSON)
    assert snapshot(shop) == before


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM klanten WHERE email LIKE :email",
        "DELETE FROM klanten WHERE lower(email) ilike lower(:email)",
        "DELETE FROM klanten WHERE email LIKE '%' || :email",
        "DELETE FROM klanten WHERE email ~* :email",
    ],
)
def test_the_address_is_never_a_pattern(sql: str) -> None:
    """``tom_baker@outlook.com`` as a LIKE pattern matches ``tom.baker@...``."""
    assert "compares :email as a pattern" in _invalid(erase=sql)
    assert "compares :email as a pattern" in _invalid(
        confirm={**STATEMENTS["confirm"], "erase": sql.replace("DELETE", "SELECT id")}
    )
    values = shop_values("sqlite:///shop.db")
    values["query"] = "SELECT * FROM klanten WHERE email LIKE :email"
    with pytest.raises(ValidationError, match="compares :email as a pattern"):
        DataSourceSettings.model_validate(values)


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM klanten WHERE email <> :email",
        "DELETE FROM klanten WHERE instr(email, :email) > 0",
        "DELETE FROM klanten WHERE position(:email in email) > 0",
        "DELETE FROM klanten WHERE email LIKE concat('%', :email)",
        "DELETE FROM klanten WHERE :email LIKE email",
        "DELETE FROM klanten WHERE email = :email || '%'",
    ],
)
def test_the_address_is_only_what_a_column_equals(sql: str) -> None:
    """Not a substring (``jan@`` in ``marjan@``), not the other way round, not everyone but."""
    problem = _invalid(erase=sql)
    assert "takes :email other than as what a column equals" in problem or "pattern" in problem


def test_a_field_not_given_is_left_as_it_is(shop: str) -> None:
    """One statement per field: the one whose field the officer gave no value for does not
    run (it would set NULL); ``mailbot check`` runs each, with NULL, whatever its type."""
    per_field = shop_source(
        shop,
        rectify=[
            "UPDATE klanten SET naam = :naam WHERE lower(email) = :email",
            "UPDATE klanten SET telefoon = :telefoon WHERE lower(email) = :email",
        ],
    )
    assert execute(per_field, "rectify", PERSON, {"telefoon": "0611111111"}) == [0, 1]
    assert rows(shop, "SELECT naam, telefoon FROM klanten WHERE id = 1") == [
        ("Tom Baker", "0611111111")
    ]
    assert check(shop_source(shop)) == []
