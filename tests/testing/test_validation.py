"""The fake's request checks follow openapi.yaml and name the problem in the error message."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from palomma_client.testing._validation import (
    BadRequest,
    InvoiceQuery,
    NewInvoice,
    decode_cursor,
    encode_cursor,
    parse_date,
    parse_invoice_query,
    parse_new_invoice,
    parse_new_invoice_body,
)
from tests.testing.conftest import invoice_body

ULID = "01HQY8EW1H9YGH5PAV5Y2M9R3T"


def test_the_minimum_payload_is_accepted_with_the_default_contract() -> None:
    assert parse_new_invoice(invoice_body()) == NewInvoice(
        reference="INV-2026-0001",
        amount=1_850_000,
        description="Canon de arrendamiento marzo 2026",
        redirect_url="https://merchant.example.com/payments/return",
        customer_document_number="900123456",
        document_type=None,
        customer_name=None,
        contract="00000",
    )


def test_optional_fields_are_kept_and_unknown_fields_ignored() -> None:
    checked = parse_new_invoice(
        invoice_body(documentType="nit", customerName="", contract="CTR-8842", somethingNew=[1, 2])
    )
    assert (checked.document_type, checked.customer_name, checked.contract) == ("nit", "", "CTR-8842")


@pytest.mark.parametrize("amount", [3_000, 550_000_000])
def test_the_amount_bounds_are_inclusive(amount: int) -> None:
    assert parse_new_invoice(invoice_body(amount=amount)).amount == amount


def test_a_whitespace_reference_satisfies_min_length_one() -> None:
    assert parse_new_invoice(invoice_body(reference=" ")).reference == " "


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reference": None}, "reference is required"),
        ({"amount": None}, "amount is required"),
        ({"description": None}, "description is required"),
        ({"redirectUrl": None}, "redirectUrl is required"),
        ({"customerDocumentNumber": None}, "customerDocumentNumber is required"),
        ({"reference": ""}, "reference must not be empty"),
        ({"description": ""}, "description must not be empty"),
        ({"customerDocumentNumber": ""}, "customerDocumentNumber must not be empty"),
        ({"reference": 12}, "reference must be a string"),
        ({"customerDocumentNumber": 900123456}, "customerDocumentNumber must be a string"),
        ({"amount": 1850000.0}, "Amount must be an integer"),
        ({"amount": 1850000.5}, "Amount must be an integer"),
        ({"amount": "1850000"}, "Amount must be an integer"),
        ({"amount": True}, "Amount must be an integer"),
        ({"amount": 2_999}, "Amount must be between 3000 and 550000000"),
        ({"amount": 550_000_001}, "Amount must be between 3000 and 550000000"),
        ({"amount": -5_000}, "Amount must be between 3000 and 550000000"),
        ({"redirectUrl": "/payments/return"}, "redirectUrl must be an absolute http or https URL"),
        ({"redirectUrl": "ftp://merchant.example.com/r"}, "redirectUrl must be an absolute http or https URL"),
        ({"redirectUrl": "javascript:alert(1)"}, "redirectUrl must be an absolute http or https URL"),
        ({"redirectUrl": "https://"}, "redirectUrl must be an absolute http or https URL"),
        ({"redirectUrl": "https://exa mple.com/"}, "redirectUrl must be an absolute http or https URL"),
        ({"redirectUrl": "https://example.com:99999/"}, "redirectUrl must be an absolute http or https URL"),
        ({"redirectUrl": "https://[::1/"}, "redirectUrl must be an absolute http or https URL"),
        ({"redirectUrl": "https://example.com/%zz"}, "redirectUrl must be an absolute http or https URL"),
        ({"documentType": "dni"}, "documentType must be one of: cc, ce, nit, ti, ps, cif, ne, rc, ppt"),
        ({"documentType": "CC"}, "documentType must be one of: cc, ce, nit, ti, ps, cif, ne, rc, ppt"),
        ({"customerName": 7}, "customerName must be a string"),
        ({"contract": ["CTR"]}, "contract must be a string"),
        ({"description": "\ud800"}, "description must be valid Unicode text"),
    ],
)
def test_invalid_payloads_are_rejected_naming_the_problem(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_new_invoice(invoice_body(**changes))
    assert raised.value.message == message


@pytest.mark.parametrize("field", ["customerName", "contract", "documentType"])
def test_an_explicit_null_for_an_optional_field_is_rejected(field: str) -> None:
    payload = {**invoice_body(), field: None}
    with pytest.raises(BadRequest, match=f"{field} must be a string"):
        parse_new_invoice(payload)


@pytest.mark.parametrize(
    "redirect_url", ["http://localhost:8080/return?x=1#top", "HTTPS://Example.COM", "https://a.b/%2F"]
)
def test_absolute_http_and_https_urls_are_accepted(redirect_url: str) -> None:
    assert parse_new_invoice(invoice_body(redirectUrl=redirect_url)).redirect_url == redirect_url


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"not json", b"\xff\xfe", b"[" * 100_000, b'{"amount": ' + b"9" * 5_000 + b"}"],
)
def test_bodies_that_are_not_json_get_the_spec_message(body: bytes) -> None:
    with pytest.raises(BadRequest, match=r"^Invalid JSON in request body$"):
        parse_new_invoice_body(body)


@pytest.mark.parametrize("payload", [[], "text", 3, None])
def test_a_body_that_is_not_an_object_is_rejected(payload: object) -> None:
    with pytest.raises(BadRequest, match="Request body must be a JSON object"):
        parse_new_invoice_body(json.dumps(payload).encode())


def test_a_nan_amount_is_not_an_integer() -> None:
    with pytest.raises(BadRequest, match="Amount must be an integer"):
        parse_new_invoice_body(json.dumps(invoice_body()).replace("1850000", "NaN").encode())


def test_an_empty_query_gets_the_defaults() -> None:
    assert parse_invoice_query({}) == InvoiceQuery(limit=20)


def test_every_filter_is_read() -> None:
    query = parse_invoice_query(
        {
            "reference": "INV-1",
            "customerDocumentNumber": "900123456",
            "contract": "CTR-8842",
            "paymentDate": "2026-03-11",
            "settlementDate": "2026-03-12",
            "settlementCycle": "11",
            "limit": "100",
            "cursor": encode_cursor(ULID),
            "unknown": "ignored",
        }
    )
    assert query == InvoiceQuery(
        reference="INV-1",
        customer_document_number="900123456",
        contract="CTR-8842",
        payment_date=date(2026, 3, 11),
        settlement_date=date(2026, 3, 12),
        settlement_cycle="11",
        limit=100,
        after=ULID,
    )


@pytest.mark.parametrize("limit", ["0", "101", "-1", "1.5", "ten", "", " 5", "+5", "1e1", "٣"])
def test_limit_must_be_an_integer_from_1_to_100(limit: str) -> None:
    with pytest.raises(BadRequest, match=r"^limit must be an integer between 1 and 100$"):
        parse_invoice_query({"limit": limit})


@pytest.mark.parametrize(
    "value", ["2026-3-11", "20260311", "2026-02-30", "2026-03-11T00:00:00", "", "\uff12\uff10\uff12\uff16-03-11"]
)
def test_dates_must_be_real_yyyy_mm_dd_dates(value: str) -> None:
    with pytest.raises(BadRequest, match=r"^paymentDate must be a date in YYYY-MM-DD format$"):
        parse_date(value, "paymentDate")


def test_a_cursor_round_trips_and_is_opaque() -> None:
    cursor = encode_cursor(ULID)
    assert ULID not in cursor
    assert decode_cursor(cursor) == ULID


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        "eyJwayI6InJlbnRhbHMj",
        encode_cursor("not-a-ulid"),
        "e30",  # {}
        encode_cursor(ULID) + "!",
    ],
)
def test_cursors_the_fake_did_not_make_are_rejected(cursor: str) -> None:
    with pytest.raises(BadRequest, match=r"^Invalid cursor$"):
        decode_cursor(cursor)
