"""Plan, approve, execute, prove: a person's erasure, restriction and rectification carried
out in the shop's database (SQLite or PostgreSQL, as mailbot's own), and what it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mailbot.config import settings_from_dict
from mailbot.core.identity import Verification
from mailbot.errors import NotAllowed
from mailbot.service.approval import action_done, approve, case_actions
from mailbot.service.cases import verify
from mailbot.service.execution import Plan, execute, plan
from mailbot.service.retention import TABLES
from mailbot.storage.database import Database
from mailbot.storage.executions import ExecutionStore
from mailbot.storage.models import ExecutionRecord
from mailbot.storage.retention import RetentionStore
from mailbot.storage.store import CaseStore
from tests.support.configs import base_config
from tests.support.datasets import invoice_source, make_invoices
from tests.support.desk import CLOCK, OURS, PASS, TOM, Desk
from tests.support.postgres import PostgresCluster
from tests.support.shop import PERSON, make_shop, rows, shop_values, snapshot


@pytest.fixture
def shop(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> str:
    """The shop's database, of the same kind as mailbot's."""
    if database_url.startswith("sqlite"):
        return make_shop(f"sqlite:///{tmp_path / 'shop.db'}")
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return make_shop(cluster.new_database())


def shop_desk(tmp_path: Path, database: Database, shop: str, **statements: Any) -> Desk:
    values = base_config(tmp_path)
    values["organisation"].update(
        trusted_authserv_id=OURS, automated_decisions="geen", transfers_outside_eea="geen"
    )
    values["sources"] = [
        shop_values(shop, **statements),
        invoice_source(make_invoices(tmp_path / "invoices.csv")).model_dump(mode="json"),
    ]
    return Desk(database, settings_from_dict(values, tmp_path / "mailbot.toml", environ={}))


@pytest.fixture
def desk(tmp_path: Path, database: Database, shop: str) -> Iterator[Desk]:
    desk = shop_desk(tmp_path, database, shop)
    yield desk
    desk.close()


def request(desk: Desk, text: str, sender: str = TOM, **headers: str) -> str:
    reference = desk.mail(text, From=sender, Authentication_Results=PASS, **headers).reference
    assert reference is not None
    return reference


def planned(desk: Desk, reference: str, **values: str) -> Plan:
    return plan(desk.database, desk.settings, CLOCK, reference, values or None)


def run(desk: Desk, reference: str, found: Plan, **values: str) -> Plan:
    return execute(
        desk.database, desk.settings, CLOCK, reference, found.version, "rudi", values or None
    )


def trail(desk: Desk, reference: str) -> list[dict[str, Any]]:
    return list(desk.case(reference)["events"])


def test_erasure_planned_executed_and_proved(desk: Desk, shop: str) -> None:
    reference = request(desk, "Verwijder al mijn gegevens.")
    found = planned(desk, reference)
    assert found.problems == ()
    (step,) = found.steps
    assert (step.source, step.right, step.state, step.rows) == (
        "shop",
        "erasure",
        "planned",
        (2, 1, 1),
    )
    assert found.kept[0].source == "invoices"
    assert any("Tell Bezorger Z" in line for line in found.manual)  # Art. 19: by hand here
    assert found.as_json()["steps"][0]["rows"] == [2, 1, 1]
    done = run(desk, reference, found)
    (step,) = done.steps
    assert (step.state, step.counts, step.error) == ("executed", (2, 1, 1), "")
    assert rows(shop, "SELECT count(*) FROM klanten WHERE lower(email) = :e", e=PERSON) == [(0,)]
    actions = case_actions(desk.database, CLOCK, reference).actions
    erased = next(a for a in actions if a.id == step.action_id)
    assert erased.done and erased.done_by == "rudi"
    events = trail(desk, reference)
    approved = next(e for e in events if e["action"] == "execution_approved")
    executed = next(e for e in events if e["action"] == "executed")
    assert approved["actor"] == executed["actor"] == "rudi"
    assert approved["detail"] == {
        "action": step.action_id,
        "source": "shop",
        "right": "erasure",
        "rows": [2, 1, 1],
    }
    assert executed["detail"]["counts"] == [2, 1, 1]
    assert "tom" not in str(approved).lower() + str(executed).lower()  # counts, never the data
    # nothing twice: the same version again runs nothing, a new plan has nothing to run
    before = snapshot(shop)
    with pytest.raises(NotAllowed, match="the plan changed"):
        run(desk, reference, found)
    again = planned(desk, reference)
    assert run(desk, reference, again).steps[0].state == "executed"
    assert [e["action"] for e in trail(desk, reference)].count("executed") == 1
    assert snapshot(shop) == before


def test_restrict_then_the_reply_may_go(desk: Desk, shop: str) -> None:
    reference = request(desk, "Ik wil de beperking van de verwerking van mijn gegevens (art. 18).")
    found = planned(desk, reference)
    assert [(s.right, s.rows) for s in found.steps] == [("restriction", (1,))]
    run(desk, reference, found)
    assert rows(shop, "SELECT beperkt FROM klanten WHERE id = 1") == [(1,)]
    assert rows(shop, "SELECT beperkt FROM klanten WHERE id = 2") == [(0,)]
    for action in case_actions(desk.database, CLOCK, reference).actions:
        if not action.done:  # the recipient told by hand
            action_done(desk.database, reference, action.id, "rudi")
    reply = next(d for d in desk.drafts(reference) if d["kind"] == "reply")
    approve(desk.database, desk.configuration, CLOCK, reply["id"], "rudi")


def test_rectify_needs_a_value_and_forgets_it(desk: Desk, shop: str) -> None:
    reference = request(desk, "Mijn telefoonnummer klopt niet, wilt u het corrigeren?")
    found = planned(desk, reference)
    (step,) = found.steps
    assert step.fields == ("naam", "telefoon")
    assert "give a new value for at least one of: naam, telefoon" in found.problems[0]
    with pytest.raises(NotAllowed, match="give a new value for at least one of: naam, telefoon"):
        run(desk, reference, found)
    with pytest.raises(NotAllowed, match="no rectify statement takes adres"):
        run(desk, reference, found, telefoon="0", adres="x")
    values = {"telefoon": "0699999999"}  # only what the person asked to correct
    found = planned(desk, reference, **values)
    assert found.problems == ()
    done = run(desk, reference, found, **values)
    assert done.steps[0].state == "executed"
    assert rows(shop, "SELECT naam, telefoon FROM klanten WHERE id = 1") == [
        ("Tom Baker", "0699999999")  # the name, not given, stays as it was
    ]
    with desk.database.reader() as session:
        (record,) = session.exec(select(ExecutionRecord)).all()
        assert record.new_values == {}
    assert "0699999999" not in str(trail(desk, reference))


def test_a_failing_statement_leaves_the_action_open(
    tmp_path: Path, database: Database, shop: str
) -> None:
    parent_first = "DELETE FROM klanten WHERE lower(email) = :email"  # the orders refer to it
    desk = shop_desk(tmp_path, database, shop, erase=parent_first)
    try:
        reference = request(desk, "Verwijder al mijn gegevens.")
        before = snapshot(shop)
        done = run(desk, reference, planned(desk, reference))
        (step,) = done.steps
        assert step.state == "failed"
        assert "foreign key" in step.error.lower()
        assert snapshot(shop) == before
        action = next(
            a for a in case_actions(database, CLOCK, reference).actions if a.id == step.action_id
        )
        assert not action.done
        failed = next(e for e in trail(desk, reference) if e["action"] == "execution_failed")
        assert failed["detail"]["failure"] == "failed"
    finally:
        desk.close()


def test_a_statement_touching_another_person_is_rolled_back(
    tmp_path: Path, database: Database, shop: str
) -> None:
    everyone = "UPDATE klanten SET beperkt = 1 WHERE lower(email) = :email OR id > 0"
    desk = shop_desk(tmp_path, database, shop, restrict=everyone)
    try:
        reference = request(
            desk, "Ik wil de beperking van de verwerking van mijn gegevens (art. 18)."
        )
        found = planned(desk, reference)
        assert "control address" in found.steps[0].error  # the dry run saw it already
        before = snapshot(shop)
        (step,) = run(desk, reference, found).steps
        assert step.state == "rolled_back"
        assert snapshot(shop) == before
        assert any(e["action"] == "execution_rolled_back" for e in trail(desk, reference))
    finally:
        desk.close()


def test_nothing_runs_for_a_spoofed_unknown_or_denied_case(desk: Desk, shop: str) -> None:
    before = snapshot(shop)
    forged = desk.mail(
        "Verwijder al mijn gegevens.",
        From=TOM,
        Authentication_Results=f"{OURS}; spf=fail smtp.mailfrom=example.com; dkim=none; dmarc=fail",
    ).reference
    assert forged is not None
    stranger = request(desk, "Verwijder al mijn gegevens.", "Eve <eve@example.org>")
    for reference in (forged, stranger):
        found = planned(desk, reference)
        assert found.problems, reference
        assert all(step.rows == () for step in found.steps)  # not even a dry run
        with pytest.raises(NotAllowed):
            run(desk, reference, found)
    assert snapshot(shop) == before


def test_unconfirmed_case_runs_nothing(desk: Desk, shop: str) -> None:
    # an unauthenticated mail from a known address must confirm an erasure first
    reference = desk.mail("Verwijder al mijn gegevens.", From=TOM).reference
    assert reference is not None
    assert desk.case(reference)["status"] == "awaiting_confirmation"
    found = planned(desk, reference)
    assert any("confirm" in problem for problem in found.problems)
    with pytest.raises(NotAllowed):
        run(desk, reference, found)
    assert rows(shop, "SELECT count(*) FROM klanten") == [(3,)]


def test_a_verified_stranger_then_may(desk: Desk) -> None:
    reference = request(desk, "Verwijder al mijn gegevens.", "Eve <eve@example.org>")
    assert planned(desk, reference).problems
    verify(
        desk.database,
        CLOCK,
        reference,
        method="ID checked",
        check=Verification.ID_DOCUMENT,
        actor="rudi",
        address_on_file=PERSON,
    )
    desk.drafting.run()
    found = planned(desk, reference)
    assert found.problems == (), found.problems


def test_executions_go_with_the_case(desk: Desk) -> None:
    reference = request(desk, "Verwijder al mijn gegevens.")
    run(desk, reference, planned(desk, reference))
    with desk.database.session() as session:
        case = CaseStore(session).case(reference)
        assert case.id is not None
        assert len(ExecutionStore(session).of_case(case.id)) == 1
        RetentionStore(session).delete_drafts(case.id)
        session.commit()
        assert ExecutionStore(session).of_case(case.id) == []
    assert "executions" in TABLES
