"""The case list's filter as an address asks for it, and its pages."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from mailbot.core.case_list import CaseFilter, Paging


def test_a_filter_is_read_from_the_address_and_written_back_with_the_page() -> None:
    asked = {"status": "awaiting_identity", "right": "erasure", "mailbox": "hr", "mine": "1",
             "overdue": "1", "q": " avg-2026 "}  # fmt: skip
    wanted = CaseFilter.from_query(asked, ("privacy", "hr"))
    assert wanted == CaseFilter("awaiting_identity", "erasure", "hr", True, True, "avg-2026")
    assert dict(parse_qsl(wanted.query(3))) == {
        "status": "awaiting_identity", "right": "erasure", "mailbox": "hr", "mine": "1",
        "overdue": "1", "q": "avg-2026", "page": "3",
    }  # fmt: skip
    assert CaseFilter.from_query(dict(parse_qsl(wanted.query(3))), ("privacy", "hr")) == wanted


def test_what_is_no_choice_is_left_out_and_the_default_is_the_open_cases() -> None:
    asked = {"status": "' OR 1=1", "right": "everything", "mailbox": "not-mine", "mine": "yes"}
    assert CaseFilter.from_query(asked, ("privacy",)) == CaseFilter()
    assert CaseFilter().query() == ""  # the default list and its first page: a bare /cases
    assert CaseFilter().query(2) == "page=2"
    assert CaseFilter(reference="a&b=c").query() == "q=a%26b%3Dc"


def test_pages_of_fifty_with_their_place_among_all() -> None:
    second = Paging.of("2", 1921)
    assert (second.first, second.last, second.offset, second.pages) == (51, 100, 50, 39)
    assert (second.previous, second.next) == (1, 3)
    last = Paging.of("39", 1921)
    assert (last.first, last.last, last.next) == (1901, 1921, None)


def test_a_page_past_the_end_or_no_page_at_all_is_a_page_that_exists() -> None:
    assert Paging.of("500", 120).number == 3
    assert Paging.of("0", 120).number == 1
    assert Paging.of("-2", 120).number == 1
    assert Paging.of("two", 120).number == 1
    assert Paging.of(None, 120).number == 1
    empty = Paging.of("4", 0)
    assert (empty.number, empty.first, empty.last, empty.pages, empty.next) == (1, 0, 0, 1, None)


@pytest.mark.parametrize("asked", ["²", "9" * 5000, "-1", "", None])
def test_a_page_number_that_is_no_small_number_is_the_first(asked: str | None) -> None:
    assert Paging.of(asked, 120).number == 1
