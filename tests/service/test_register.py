"""The register rows the service hands out print exactly as the core makes them."""

from __future__ import annotations

from datetime import date

import pytest

from mailbot.core import register
from mailbot.service.register import Row, as_csv

pytestmark = pytest.mark.database_incidental("register rows printed from values")

FACTS = register.CaseFacts(
    reference="AVG-2026-0007",
    rights=("access", "erasure"),
    channel="email",
    received=date(2026, 3, 5),
    due=date(2026, 6, 5),
    extended=True,
    extension_ground="complexity",
    answered=date(2026, 5, 1),
    outcome="granted",
    refusal_ground=None,
    identity="known",
    confirmed=True,
    verification=None,
    closed=True,
)


def test_a_row_prints_the_core_row_field_for_field_in_order() -> None:
    printed = Row.of(FACTS).as_json()
    assert printed == register.row(FACTS)
    assert list(printed) == list(register.FIELDS)


def test_the_csv_has_the_fields_as_header_and_the_rights_joined() -> None:
    header, line = as_csv([Row.of(FACTS)]).splitlines()
    assert header == ",".join(register.FIELDS)
    assert line == (
        "AVG-2026-0007,access;erasure,email,2026-03-05,2026-06-05,true,complexity,2026-05-01,57,"
        "granted,,confirmed from known address,default"
    )
