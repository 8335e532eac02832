from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mailbot.datasources import DataSourceError, found_any, open_sources
from mailbot.datasources.csv_file import CsvSource
from mailbot.datasources.sql import SqlSource
from mailbot.storage.database import normalise_url
from tests.support.datasets import crm_source, invoice_source, make_crm, make_invoices
from tests.support.postgres import PostgresCluster

pytestmark = pytest.mark.database_incidental("the customers' data sources, not mailbot's database")


def test_sql_rows_match_the_address_case_insensitively_and_nothing_else(tmp_path: Path) -> None:
    source = SqlSource(crm_source(make_crm(tmp_path / "crm.db")))
    rows = list(source.rows("tom.baker@example.com"))
    source.close()
    assert [row["number"] for row in rows] == ["C-1001"]  # not the look-alike C-1002


def test_sql_source_is_read_only(tmp_path: Path) -> None:
    database = make_crm(tmp_path / "crm.db")
    writing = crm_source(
        database, query="DELETE FROM customers WHERE lower(email) = :email RETURNING *"
    )
    source = SqlSource(writing)
    with pytest.raises(DataSourceError, match="source crm"):
        list(source.rows("tom.baker@example.com"))
    source.close()
    assert sqlite3.connect(database).execute("SELECT count(*) FROM customers").fetchone() == (5,)


def test_hostile_input_is_only_ever_a_parameter(tmp_path: Path) -> None:
    database = make_crm(tmp_path / "crm.db")
    source = SqlSource(crm_source(database))
    hostile = "x' OR '1'='1'; DROP TABLE customers; --@example.com"
    assert list(source.rows(hostile)) == []
    source.close()
    assert sqlite3.connect(database).execute("SELECT count(*) FROM customers").fetchone() == (5,)


def test_a_slow_query_is_stopped_and_named(tmp_path: Path) -> None:
    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT i FROM n WHERE i = -1 AND :email IS NOT NULL"
    )
    source = SqlSource(crm_source(make_crm(tmp_path / "crm.db"), query=slow, timeout=0.3))
    with pytest.raises(DataSourceError, match=r"source crm: .*interrupted"):
        list(source.rows("tom.baker@example.com"))
    source.close()


def test_a_missing_database_is_an_error_not_an_empty_answer(tmp_path: Path) -> None:
    source = SqlSource(crm_source(tmp_path / "nowhere.db"))
    with pytest.raises(DataSourceError, match="source crm"):
        source.check()
    assert not (tmp_path / "nowhere.db").exists()  # opened read-only: never created


def test_csv_rows_match_normalised_addresses(tmp_path: Path) -> None:
    source = CsvSource(invoice_source(make_invoices(tmp_path / "invoices.csv")))
    assert [row["invoice"] for row in source.rows("Tom.Baker@example.com")] == [
        "2026-001",
        "2026-002",
    ]
    assert found_any(source, "sanne.devries@example.net")
    assert not found_any(source, "nobody@example.net")


def test_csv_lookups_read_the_rows_as_written_and_see_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        'name;email;note\r\n"Tom";Tom.Baker@Example.com;"two\r\nlines; quoted"\r\n'
        "Sanne;sanne@example.net;é\r\nTom again;tom.baker@example.com\r\n\r\n",
        encoding="utf-8",
    )
    source = CsvSource(invoice_source(path, delimiter=";"))
    assert list(source.rows("tom.baker@example.com")) == [
        {"name": "Tom", "email": "Tom.Baker@Example.com", "note": "two\r\nlines; quoted"},
        {"name": "Tom again", "email": "tom.baker@example.com", "note": None},  # short row
    ]
    assert [row["note"] for row in source.rows("SANNE@example.net")] == ["é"]
    path.write_text("email;name\nnieuw@example.net;Nieuw\n", encoding="utf-8")
    assert not found_any(source, "tom.baker@example.com")  # the file changed: read again
    assert list(source.rows("nieuw@example.net")) == [
        {"email": "nieuw@example.net", "name": "Nieuw"}
    ]


def test_csv_in_utf16_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("email,name\ntom@example.com,Tóm\n", encoding="utf-16")
    source = CsvSource(invoice_source(path, encoding="utf-16"))
    assert list(source.rows("Tom@example.com")) == [{"email": "tom@example.com", "name": "Tóm"}]


def test_csv_without_the_address_column_names_source_and_columns(tmp_path: Path) -> None:
    path = make_invoices(tmp_path / "invoices.csv")
    source = CsvSource(invoice_source(path, email_column="mail"))
    with pytest.raises(
        DataSourceError, match=r"source invoices: no column 'mail'.*invoice, email, amount"
    ):
        source.check()


def test_sources_are_opened_by_kind(tmp_path: Path) -> None:
    opened = open_sources(
        [
            crm_source(make_crm(tmp_path / "crm.db")),
            invoice_source(make_invoices(tmp_path / "i.csv")),
        ]
    )
    assert [type(source).__name__ for source in opened] == ["SqlSource", "CsvSource"]
    for source in opened:
        source.check()
        source.close()


def test_postgresql_source_is_read_only_and_time_limited(postgres: PostgresCluster) -> None:
    url = postgres.new_database()
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE customers (name text, email text)"))
        connection.execute(text("CREATE SEQUENCE counter"))
        connection.execute(text("INSERT INTO customers VALUES ('Tom', 'Tom.Baker@Example.com')"))
    base = {"url": url, "query": "SELECT name FROM customers WHERE lower(email) = lower(:email)"}
    source = SqlSource(crm_source(Path("unused"), **base))
    assert list(source.rows("tom.baker@example.com")) == [{"name": "Tom"}]
    source.close()
    # A server-side cursor refuses DELETE anyway; nextval() shows the transaction is read-only.
    query = "SELECT nextval('counter') AS n, :email AS e"
    writing = SqlSource(crm_source(Path("unused"), url=url, query=query))
    with pytest.raises(DataSourceError, match="ReadOnlySqlTransaction"):
        list(writing.rows("tom.baker@example.com"))
    writing.close()
    slow = SqlSource(
        crm_source(Path("unused"), url=url, query="SELECT pg_sleep(5), :email AS e", timeout=0.3)
    )
    with pytest.raises(DataSourceError, match="QueryCanceled"):
        list(slow.rows("tom.baker@example.com"))
    slow.close()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM customers")).scalar() == 1
    engine.dispose()
