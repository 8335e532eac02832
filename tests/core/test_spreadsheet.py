"""CSV cells a spreadsheet would run as a formula are made plain text."""

from __future__ import annotations

import pytest

from mailbot.core.spreadsheet import cell


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("https://evil.example","x")',
        "+1+1",
        "-1+cmd",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        " =1",
        "\u00a0=1",  # a no-break space
        "\ufeff=1",  # a byte order mark
        "\u200b@x",  # a zero-width space
        "\x0b=1",
        "\u2028=1",
    ],
)
def test_a_formula_becomes_text(value: str) -> None:
    assert cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-5", "+31", "-1.5", "1e5", "Tom Baker", "", "a=b"])
def test_numbers_and_text_stay_as_they_are(value: str) -> None:
    assert cell(value) == value


def test_none_is_an_empty_cell() -> None:
    assert cell(None) == ""
