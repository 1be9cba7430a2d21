"""Bad input is refused before any request is sent, with an error naming the argument."""

from __future__ import annotations

import datetime
from typing import Any

import httpx2
import pytest

from palomma_client import InvalidParameterError, PalommaClient, PalommaError
from tests.conftest import RecordingAPI, created_invoice

VALID: dict[str, Any] = {
    "reference": "INV-2026-0001",
    "amount": 1_850_000,
    "description": "Canon de arrendamiento marzo 2026",
    "redirect_url": "https://merchant.example.com/payments/return",
    "customer_document_number": "900123456",
}

CREATE_CASES = [
    ("amount", 2_999, "between 3,000 and 550,000,000 COP, got 2,999"),
    ("amount", 550_000_001, "between 3,000 and 550,000,000 COP"),
    ("amount", 1850000.0, "must be an integer number of COP, got float"),
    ("amount", "1850000", "got str"),
    ("amount", True, "got bool"),
    ("reference", "", "must not be empty"),
    ("reference", "   ", "must not be empty"),
    ("reference", None, "must be a string, got NoneType"),
    ("description", "", "must not be empty"),
    ("customer_document_number", "", "must not be empty"),
    ("customer_document_number", 900123456, "must be a string, got int"),
    ("redirect_url", "merchant.example.com/return", "absolute http(s) URL"),
    ("redirect_url", "ftp://merchant.example.com/return", "absolute http(s) URL"),
    ("redirect_url", "https://", "absolute http(s) URL"),
    ("redirect_url", "https://merchant.example.com/a b", "absolute http(s) URL"),
    ("document_type", "dni", "must be one of cc, ce, cif, ne, nit, ppt, ps, rc, ti; got 'dni'"),
    ("document_type", 1, "must be one of"),
    ("customer_name", "", "must not be empty"),
    ("contract", "", "must not be empty"),
]


@pytest.mark.parametrize(("parameter", "value", "message"), CREATE_CASES)
async def test_create_rejects_bad_input_before_sending(
    palomma: PalommaClient, api: RecordingAPI, parameter: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await palomma.invoices.create(**{**VALID, parameter: value})
    assert caught.value.parameter == parameter
    assert str(caught.value).startswith(f"{parameter}: ")
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, PalommaError)
    assert api.requests == []


@pytest.mark.parametrize("amount", [3_000, 550_000_000])
@pytest.mark.parametrize("document_type", ["cc", "ppt", None])
async def test_create_accepts_the_limits(
    palomma: PalommaClient, api: RecordingAPI, amount: int, document_type: str | None
) -> None:

    api.queue(httpx2.Response(200, json=created_invoice()))
    await palomma.invoices.create(**{**VALID, "amount": amount, "document_type": document_type})
    assert api.json_body()["amount"] == amount


LIST_CASES = [
    ({"limit": 0}, "limit", "from 1 to 100, got 0"),
    ({"limit": 101}, "limit", "from 1 to 100, got 101"),
    ({"limit": "20"}, "limit", "from 1 to 100"),
    ({"max_items": 0}, "max_items", "positive integer"),
    ({"payment_date": "11/03/2026"}, "payment_date", "'YYYY-MM-DD'"),
    ({"settlement_date": "2026-02-30"}, "settlement_date", "'YYYY-MM-DD'"),
    ({"settlement_date": datetime.datetime(2026, 3, 12, 10)}, "settlement_date", "not a datetime"),
    ({"settlement_date": 20260312}, "settlement_date", "'YYYY-MM-DD'"),
    ({"reference": ""}, "reference", "must not be empty"),
    ({"contract": "  "}, "contract", "must not be empty"),
    ({"settlement_cycle": ""}, "settlement_cycle", "must not be empty"),
]


@pytest.mark.parametrize(("options", "parameter", "message"), LIST_CASES)
def test_list_rejects_bad_input_when_called(
    palomma: PalommaClient, api: RecordingAPI, options: dict[str, object], parameter: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message) as caught:
        palomma.invoices.list(**options)  # type: ignore[arg-type]
    assert caught.value.parameter == parameter
    assert api.requests == []


@pytest.mark.parametrize(
    ("date", "cycle", "parameter"),
    [("2026-3-12", "11", "date"), ("2026-03-12", "", "cycle"), (datetime.date(2026, 3, 12), None, "cycle")],
)
async def test_settlement_arguments_are_checked(
    palomma: PalommaClient, api: RecordingAPI, date: object, cycle: object, parameter: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await palomma.settlements.get(date, cycle)  # type: ignore[arg-type]
    assert caught.value.parameter == parameter
    assert api.requests == []


@pytest.mark.parametrize("invoice_id", ["", None])
async def test_get_requires_an_id(palomma: PalommaClient, api: RecordingAPI, invoice_id: object) -> None:
    with pytest.raises(InvalidParameterError, match="invoice_id"):
        await palomma.invoices.get(invoice_id)  # type: ignore[arg-type]
    assert api.requests == []
