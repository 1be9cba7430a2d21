"""Money and counts, written one way for reports, logs and the command line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from palomma_client.workflows._format import exact_amount, format_amount, format_cop, plural


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_850_000, "1,850,000"),
        (1_850_000.0, "1,850,000"),
        (Decimal("44590000"), "44,590,000"),
        (Decimal("-51000"), "-51,000"),
        (0.1, "0.1"),
        (Decimal("1234.50"), "1,234.50"),
    ],
)
def test_amounts_get_thousands_separators_and_decimals_only_when_there_are_any(
    value: Decimal | int | float, text: str
) -> None:
    assert format_amount(value) == text
    assert format_cop(value) == f"{text} COP"


def test_a_float_from_the_api_is_read_as_the_decimal_it_prints_as() -> None:
    assert exact_amount(0.1) == Decimal("0.1")
    assert exact_amount(0.1) + exact_amount(0.2) == Decimal("0.3")
    assert exact_amount(3) == Decimal(3)


def test_counts_agree_with_their_noun() -> None:
    assert plural(1, "invoice") == "1 invoice"
    assert plural(0, "invoice") == "0 invoices"
    assert plural(2_000, "invoice") == "2,000 invoices"
    assert plural(3, "discrepancy", "discrepancies") == "3 discrepancies"
    assert plural(1, "discrepancy", "discrepancies") == "1 discrepancy"
