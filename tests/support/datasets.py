"""Customer data for the tests: a SQLite CRM and a CSV of invoices, with people who must not mix."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

from mailbot.config import DataSourceSettings

CUSTOMERS = [
    # (name, email, city, customer number)
    ("Tom Baker", "Tom.Baker@Example.com", "Leeds", "C-1001"),
    ("Tom Bakerr", "tom.bakerr@example.com", "York", "C-1002"),  # a look-alike address
    ("Sanne de Vries", "sanne.devries@example.net", "Zwolle", "C-1003"),
    ("Erik Jansen", "erik.jansen@example.nl", "Deventer", "C-1004"),
    ("Marloes Hendriks", "marloes.h@example.nl", "Kampen", "C-1005"),
]
INVOICES = [
    ("2026-001", "tom.baker@example.com", "120.00"),
    ("2026-002", "TOM.BAKER@EXAMPLE.COM", "80.50"),
    ("2026-003", "sanne.devries@example.net", "99.99"),
    ("2026-004", "tom.bakerr@example.com", "10.00"),
]


def make_crm(path: Path, extra: list[tuple[str, str, str, str]] | None = None) -> Path:
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE customers "
        "(id INTEGER PRIMARY KEY, name TEXT, email TEXT, city TEXT, number TEXT)"
    )
    connection.executemany(
        "INSERT INTO customers (name, email, city, number) VALUES (?, ?, ?, ?)",
        CUSTOMERS + (extra or []),
    )
    connection.commit()
    connection.close()
    return path


def make_invoices(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["invoice", "email", "amount"])
        writer.writerows(INVOICES)
    return path


def crm_source(path: Path, **changes: Any) -> DataSourceSettings:
    values: dict[str, Any] = {
        "name": "crm",
        "kind": "sql",
        "url": f"sqlite:///{path}",
        "query": (
            "SELECT name, email, city, number FROM customers WHERE lower(email) = lower(:email)"
        ),
        "category": {"nl": "Klantprofiel", "en": "Customer profile"},
        "purpose": {"nl": "Uitvoering van de overeenkomst", "en": "Performance of the contract"},
        "legal_basis": {"nl": "overeenkomst", "en": "contract"},
        "retention": {
            "nl": "tot 36 maanden na einde klantrelatie",
            "en": "until 36 months after you stop being a customer",
        },
        "recipients": {
            "nl": ["Hostingbedrijf X (verwerker)"],
            "en": ["Hosting company X (processor)"],
        },
        "provided_by_subject": True,
        "marketing": True,
    }
    values.update(changes)
    return DataSourceSettings.model_validate(values)


def invoice_source(path: Path, **changes: Any) -> DataSourceSettings:
    values: dict[str, Any] = {
        "name": "invoices",
        "kind": "csv",
        "path": path,
        "email_column": "email",
        "category": {"nl": "Facturen", "en": "Invoices"},
        "purpose": {"nl": "Facturatie", "en": "Invoicing"},
        "legal_basis": {"nl": "wettelijke verplichting", "en": "legal obligation"},
        "retention": {"nl": "7 jaar (art. 52 AWR)", "en": "7 years (art. 52 AWR)"},
        "recipients": {
            "nl": ["Boekhoudkantoor Y (verwerker)"],
            "en": ["Accountants Y (processor)"],
        },
        "origin": {
            "nl": "door ons opgemaakt bij elke bestelling",
            "en": "made by us for each order",
        },
        "erasure": "keep",
    }
    values.update(changes)
    return DataSourceSettings.model_validate(values)
