"""A web shop's customer database for the execution tests: customers, their orders (a
foreign key to the customer) and a marketing list, in SQLite or PostgreSQL, with the
statements the shop wrote to erase, restrict and rectify one person.

The control address ``control@shop.example`` is the shop's own test customer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from mailbot.config import DataSourceSettings
from mailbot.storage.database import normalise_url
from tests.support.maildir import drop, make_maildir
from tests.support.mails import simple

CONTROL = "control@shop.example"
PERSON = "tom.baker@example.com"
CUSTOMERS = [
    (1, "Tom Baker", "Tom.Baker@Example.com", "0612345678"),
    (2, "Shop Control", CONTROL, "0600000000"),
    (3, "Sanne de Vries", "sanne.devries@example.net", "0687654321"),
]
ORDERS = [(10, 1, "boek"), (11, 1, "lamp"), (12, 2, "test"), (13, 3, "fiets")]
MARKETING = [("tom.baker@example.com",), (CONTROL,), ("sanne.devries@example.net",)]

_SCHEMA = [
    "CREATE TABLE klanten (id INTEGER PRIMARY KEY, naam TEXT NOT NULL, email TEXT NOT NULL, "
    "telefoon TEXT, beperkt INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE bestellingen (id INTEGER PRIMARY KEY, "
    "klant_id INTEGER NOT NULL REFERENCES klanten(id), artikel TEXT NOT NULL)",
    "CREATE TABLE marketing (email TEXT NOT NULL)",
]

# What the shop's own query reads about one person: every table the statements change.
QUERY = (
    "SELECT k.naam, k.email, k.telefoon, k.beperkt, b.artikel, "
    "(SELECT count(*) FROM marketing m WHERE lower(m.email) = lower(:email)) AS mailings "
    "FROM klanten k LEFT JOIN bestellingen b ON b.klant_id = k.id "
    "WHERE lower(k.email) = lower(:email) ORDER BY b.id"
)
MINE = "klant_id IN (SELECT id FROM klanten WHERE lower(email) = :email)"
STATEMENTS: dict[str, Any] = {
    "erase": [
        f"DELETE FROM bestellingen WHERE {MINE}",
        "DELETE FROM marketing WHERE lower(email) = :email",
        "DELETE FROM klanten WHERE lower(email) = :email",
    ],
    "restrict": "UPDATE klanten SET beperkt = 1 WHERE lower(email) = :email",
    # a field the officer leaves out comes as NULL: it stays as it is
    "rectify": (
        "UPDATE klanten SET naam = COALESCE(:naam, naam), "
        "telefoon = COALESCE(:telefoon, telefoon) WHERE lower(email) = :email"
    ),
    "confirm": {
        "erase": (
            "SELECT id FROM klanten WHERE lower(email) = :email UNION ALL "
            "SELECT 0 FROM marketing WHERE lower(email) = :email"
        ),
        "restrict": "SELECT id FROM klanten WHERE lower(email) = :email AND beperkt = 0",
        "rectify": (
            "SELECT id FROM klanten WHERE lower(email) = :email "
            "AND (naam <> COALESCE(:naam, naam) OR telefoon <> COALESCE(:telefoon, telefoon))"
        ),
    },
    "control_address": CONTROL,
}


def make_shop(url: str) -> str:
    """The shop's database at ``url`` (an empty SQLite file or PostgreSQL database)."""
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        for statement in _SCHEMA:
            connection.execute(text(statement))
        connection.execute(
            text("INSERT INTO klanten (id, naam, email, telefoon) VALUES (:i, :n, :e, :t)"),
            [{"i": i, "n": n, "e": e, "t": t} for i, n, e, t in CUSTOMERS],
        )
        connection.execute(
            text("INSERT INTO bestellingen (id, klant_id, artikel) VALUES (:i, :k, :a)"),
            [{"i": i, "k": k, "a": a} for i, k, a in ORDERS],
        )
        connection.execute(
            text("INSERT INTO marketing (email) VALUES (:e)"), [{"e": e} for (e,) in MARKETING]
        )
    engine.dispose()
    return url


def shop_values(url: str, **statements: Any) -> dict[str, Any]:
    """The ``[[sources]]`` entry of the shop (``statements`` replace the shop's own keys)."""
    return {
        "name": "shop",
        "kind": "sql",
        "url": url,
        "query": QUERY,
        "category": {"nl": "Klantgegevens", "en": "Customer data"},
        "purpose": {"nl": "Uitvoering van de overeenkomst", "en": "Performance of the contract"},
        "legal_basis": {"nl": "overeenkomst", "en": "contract"},
        "retention": {"nl": "2 jaar", "en": "2 years"},
        "recipients": {"nl": ["Bezorger Z"], "en": ["Courier Z"]},
        "provided_by_subject": True,
        "timeout": 5,
        "statements": STATEMENTS | statements,
    }


def shop_source(url: str, **statements: Any) -> DataSourceSettings:
    return DataSourceSettings.model_validate(shop_values(url, **statements))


def rows(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """What the shop's database holds now (read in a transaction of its own)."""
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        found = [tuple(row) for row in connection.execute(text(sql), params)]
    engine.dispose()
    return found


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table, every row, in a fixed order."""
    return {
        table: rows(url, f"SELECT * FROM {table} ORDER BY 1")
        for table in ("klanten", "bestellingen", "marketing")
    }


def _toml(value: Any) -> str:
    """A TOML value: strings and lists as JSON writes them (valid TOML), tables inline."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_toml(item)}" for key, item in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def shop_config(folder: Path, database_url: str, shop: str, **source: Any) -> Path:
    """``mailbot.toml`` in ``folder``: a Maildir, mailbot's database at ``database_url``,
    the shop at ``shop`` (``source`` replaces keys of its entry), trusting ``AUTHSERV``."""
    make_maildir(folder / "Maildir")
    values = shop_values(shop) | source
    statements = values.pop("statements")
    confirm = statements.pop("confirm")
    lines = [
        f"[database]\nurl = {_toml(database_url)}",
        '[maildir]\npath = "Maildir"',
        "[organisation]",
        'name = "Voorbeeld B.V."\nofficer_name = "A. Functionaris"',
        'addresses = ["privacy@voorbeeld.example"]\nautomated_decisions = "geen"',
        f'transfers_outside_eea = "geen"\ntrusted_authserv_id = "{AUTHSERV}"',
        "[[sources]]",
        *(f"{key} = {_toml(item)}" for key, item in values.items()),
        "[sources.statements]",
        *(f"{key} = {_toml(item)}" for key, item in statements.items()),
        "[sources.statements.confirm]",
        *(f"{key} = {_toml(item)}" for key, item in confirm.items()),
    ]
    path = folder / "mailbot.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


AUTHSERV = "mx.voorbeeld.example"
PASSED = (
    f"{AUTHSERV}; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; "
    "dmarc=pass header.from=example.com"
)


def erasure_mail(folder: Path) -> None:
    """Tom asks for erasure, authenticated, into the Maildir of ``shop_config``."""
    mail = simple(
        "Verwijder al mijn gegevens.",
        From="Tom Baker <tom.baker@example.com>",
        Authentication_Results=PASSED,
    )
    drop(folder / "Maildir", "1700000000.M1P1.test", mail)
