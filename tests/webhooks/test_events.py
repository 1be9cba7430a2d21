"""Delivery bodies parse into typed events; anything else is a WebhookPayloadError naming the field."""

from __future__ import annotations

import datetime
import json
import pickle
from typing import Any

import attrs
import pytest

from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._generated.models import Invoice, Settlement
from palomma_client.webhooks import (
    InvoiceEvent,
    SettlementEvent,
    UnknownEvent,
    WebhookArgumentError,
    WebhookPayloadError,
    parse_event,
)
from tests.spec_calls import enum_fields, field, is_member, model_document
from tests.support import fresh_name, spec_field_names, unknown_value
from tests.webhooks.support import (
    TIMESTAMP,
    WEBHOOK_ID,
    body_of,
    delivery,
    without,
)


def _needs(model: type[Any], json_name: str, *, required: bool = False) -> None:
    """Skip the test unless the model has the field (and requires it, if asked): a vendor may remove it."""
    if json_name not in model.JSON_NAMES.values():
        pytest.skip(f"the spec's {model.__name__} has no field {json_name!r}")
    if required and json_name not in model.JSON_SCHEMA.get("required", []):
        pytest.skip(f"the spec's {model.__name__} does not require {json_name!r}")


def invoice_data(**changes: Any) -> dict[str, Any]:
    """An invoice as a delivery carries it, every field set, made from the spec's schema, with changes."""
    return model_document(Invoice) | changes


def settlement_data(**changes: Any) -> dict[str, Any]:
    """A settlement as a delivery carries it, every field set, made from the spec's schema, with changes."""
    return model_document(Settlement) | changes


def test_invoice_delivery_parses_into_an_invoice_event() -> None:
    invoice = invoice_data()
    event = parse_event(body_of(delivery("invoice", invoice)))

    assert isinstance(event, InvoiceEvent)
    assert event.webhook_id == WEBHOOK_ID
    assert event.type == "invoice"
    assert event.raw_timestamp == TIMESTAMP
    assert event.timestamp == datetime.datetime(2026, 3, 11, 18, 1, 5, 120000, tzinfo=datetime.UTC)
    assert isinstance(event.data, Invoice)
    assert field(event.data, "id") == invoice["id"]
    assert is_member(field(event.data, "status"), invoice["status"])
    assert is_member(field(event.data, "paymentMethod"), invoice["paymentMethod"])
    paid_at = field(event.data, "paymentDate")
    assert paid_at == datetime.datetime.fromisoformat(invoice["paymentDate"])
    assert paid_at.tzinfo is not None
    assert event.data.to_dict() | {"paymentDate": invoice["paymentDate"]} == invoice_data()


def test_settlement_delivery_parses_into_a_settlement_event() -> None:
    event = parse_event(body_of(delivery("settlement", settlement_data())))

    assert isinstance(event, SettlementEvent)
    assert event.type == "settlement"
    assert isinstance(event.data, Settlement)
    assert is_member(field(event.data, "status"), settlement_data()["status"])
    assert field(event.data, "paymentAmount") == settlement_data()["paymentAmount"]
    assert event.data.to_dict() == settlement_data()


def test_a_freshly_created_invoice_parses_too() -> None:
    # A new invoice holds its required fields only: no payment yet.
    required = set(Invoice.JSON_SCHEMA.get("required", []))
    created = {name: value for name, value in model_document(Invoice).items() if name in required}
    event = parse_event(body_of(delivery("invoice", created)))
    assert isinstance(event, InvoiceEvent)
    assert is_member(field(event.data, "status"), created["status"])
    assert event.data.to_dict() == created


def test_a_body_given_as_text_parses_like_bytes() -> None:
    body = body_of(delivery("invoice", invoice_data()))
    assert parse_event(body.decode()) == parse_event(body) == parse_event(bytearray(body))


def test_unknown_type_becomes_a_generic_event_with_the_raw_data() -> None:
    data = {"id": "rf_1", "amount": 12000, "nested": {"a": [1, 2]}}
    event = parse_event(body_of(delivery("refund", data)))

    assert isinstance(event, UnknownEvent)
    assert event.type == "refund"
    assert event.data == data


def test_enum_values_the_spec_does_not_list_still_parse() -> None:
    invoice_enums = [enum for enum in enum_fields() if enum.model is Invoice]
    settlement_enums = [enum for enum in enum_fields() if enum.model is Settlement]
    if not invoice_enums + settlement_enums:
        pytest.skip("the spec's Invoice and Settlement have no enum fields")
    new = {enum: unknown_value(enum.enum) for enum in invoice_enums + settlement_enums}
    invoice = invoice_data(**{enum.json_name: new[enum] for enum in invoice_enums})
    paid = settlement_data(**{enum.json_name: new[enum] for enum in settlement_enums})

    invoice_event = parse_event(body_of(delivery("invoice", invoice)))
    settlement_event = parse_event(body_of(delivery("settlement", paid)))

    assert isinstance(invoice_event, InvoiceEvent)
    assert isinstance(settlement_event, SettlementEvent)
    for enum, value in new.items():
        read = getattr((invoice_event if enum.model is Invoice else settlement_event).data, enum.attribute)
        assert read == value, enum
        assert not read.is_known, enum


def test_unknown_fields_are_kept_in_the_data_and_in_the_envelope() -> None:
    installments = fresh_name(spec_field_names(), "installments")
    event = parse_event(body_of(delivery("invoice", invoice_data(**{installments: 3}), attempt=2)))

    assert isinstance(event, InvoiceEvent)
    assert event.data.additional_properties == {installments: 3}
    assert event.data.to_dict()[installments] == 3
    assert event.additional_properties == {"attempt": 2}


def test_events_are_frozen_and_pickle() -> None:
    event = parse_event(body_of(delivery("settlement", settlement_data())))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.webhook_id = "other"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(event)) == event
    assert type(event).__module__ == "palomma_client.webhooks"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-11T18:01:05Z", datetime.datetime(2026, 3, 11, 18, 1, 5, tzinfo=datetime.UTC)),
        (
            "2026-03-11T13:01:05-05:00",
            datetime.datetime(2026, 3, 11, 13, 1, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        ),
        ("2026-03-11T18:01:05", datetime.datetime(2026, 3, 11, 18, 1, 5, tzinfo=datetime.UTC)),
    ],
    ids=["utc-z", "bogota-offset", "no-offset-read-as-utc"],
)
def test_timestamp_becomes_an_aware_datetime_and_the_raw_string_is_kept(raw: str, expected: datetime.datetime) -> None:
    event = parse_event(body_of(delivery("settlement", settlement_data()) | {"timestamp": raw}))

    assert event.timestamp == expected
    assert event.timestamp.tzinfo is not None
    assert event.raw_timestamp == raw


def _invalid_body(case: str) -> bytes:
    invoice_delivery = delivery("invoice", invoice_data())
    match case:
        case "not-json":
            return b"webhookId=wh_1&type=invoice"
        case "not-utf8":
            return b'{"webhookId": "\xff\xfe"}'
        case "empty":
            return b""
        case "nan-amount":
            amount = f'"amount": {json.dumps(invoice_data()["amount"])}'.encode()
            return body_of(invoice_delivery).replace(amount, b'"amount": NaN')
        case "array":
            return b'[{"webhookId": "wh_1"}]'
        case "nested-too-deeply":
            return b"[" * 100_000
        case "missing-webhook-id":
            return body_of(without(invoice_delivery, "webhookId"))
        case "missing-type":
            return body_of(without(invoice_delivery, "type"))
        case "missing-timestamp":
            return body_of(without(invoice_delivery, "timestamp"))
        case "missing-data":
            return body_of(without(invoice_delivery, "data"))
        case "numeric-webhook-id":
            return body_of(invoice_delivery | {"webhookId": 17})
        case "empty-webhook-id":
            return body_of(invoice_delivery | {"webhookId": ""})
        case "null-type":
            return body_of(invoice_delivery | {"type": None})
        case "epoch-timestamp":
            return body_of(invoice_delivery | {"timestamp": 1773252065})
        case "garbled-timestamp":
            return body_of(invoice_delivery | {"timestamp": "yesterday"})
        case "data-is-a-list":
            return body_of(invoice_delivery | {"data": [invoice_data()]})
        case "data-is-null":
            return body_of(invoice_delivery | {"data": None})
        case "invoice-without-id":
            return body_of(invoice_delivery | {"data": without(invoice_data(), "id")})
        case "amount-as-text":
            return body_of(invoice_delivery | {"data": invoice_data(amount="1.850.000")})
        case "amount-as-boolean":
            return body_of(invoice_delivery | {"data": invoice_data(amount=True)})
        case "status-as-number":
            return body_of(invoice_delivery | {"data": invoice_data(status=2)})
        case "null-required-field":
            return body_of(invoice_delivery | {"data": invoice_data(contract=None)})
        case "bad-payment-date":
            return body_of(invoice_delivery | {"data": invoice_data(paymentDate="11/03/2026")})
        case "settlement-without-cycle":
            return body_of(delivery("settlement", without(settlement_data(), "cycle")))
        case "fees-postpaid-as-text":
            return body_of(delivery("settlement", settlement_data(feesPostpaid="no")))
        case "unknown-type-with-list-data":
            return body_of(delivery("refund", [1, 2]))
    raise AssertionError(case)


_DATA_FIELD_CASES: dict[str, tuple[type[Any], bool]] = {
    "invoice-without-id": (Invoice, True),
    "amount-as-text": (Invoice, False),
    "amount-as-boolean": (Invoice, False),
    "status-as-number": (Invoice, False),
    "null-required-field": (Invoice, True),
    "bad-payment-date": (Invoice, False),
    "settlement-without-cycle": (Settlement, True),
    "fees-postpaid-as-text": (Settlement, False),
}
"""The cases that break one field of the model: a vendor may remove the field, or stop requiring it."""


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("not-json", None, "body is not JSON"),
        ("not-utf8", None, "body is not JSON"),
        ("empty", None, "body is not JSON"),
        ("nan-amount", None, "body is not JSON (ValueError: NaN is not a JSON value)"),
        ("array", None, "body is not a JSON object"),
        ("nested-too-deeply", None, "body is not JSON (RecursionError"),
        ("missing-webhook-id", "webhookId", "webhookId: missing"),
        ("numeric-webhook-id", "webhookId", "webhookId: expected a non-empty string, got the integer 17"),
        ("empty-webhook-id", "webhookId", "webhookId: expected a non-empty string, got the string ''"),
        ("missing-type", "type", "type: missing"),
        ("null-type", "type", "type: expected a non-empty string, got null"),
        ("missing-timestamp", "timestamp", "timestamp: missing"),
        ("epoch-timestamp", "timestamp", "timestamp: expected a non-empty string"),
        ("garbled-timestamp", "timestamp", "timestamp: not an ISO 8601 date-time"),
        ("missing-data", "data", "data: missing"),
        ("data-is-a-list", "data", "data: expected an object, got an array"),
        ("data-is-null", "data", "data: expected an object, got null"),
        ("invoice-without-id", "data.id", "data.id: is required but missing (in Invoice)"),
        ("amount-as-text", "data.amount", "data.amount: expected a number, got the string '1.850.000' (in Invoice)"),
        ("amount-as-boolean", "data.amount", "data.amount: expected a number, got true"),
        ("status-as-number", "data.status", "data.status: expected a string, got the integer 2"),
        ("null-required-field", "data.contract", "data.contract: expected a string, got null"),
        ("bad-payment-date", "data.paymentDate", "data.paymentDate: expected an ISO 8601 date-time"),
        ("settlement-without-cycle", "data.cycle", "data.cycle: is required but missing (in Settlement)"),
        (
            "fees-postpaid-as-text",
            "data.feesPostpaid",
            "data.feesPostpaid: expected true or false, got the string 'no'",
        ),
        ("unknown-type-with-list-data", "data", "data: expected an object"),
    ],
)
def test_invalid_bodies_raise_a_payload_error_naming_the_field(case: str, field: str | None, message: str) -> None:
    if field is not None and field.startswith("data.") and case in _DATA_FIELD_CASES:
        model, required = _DATA_FIELD_CASES[case]
        _needs(model, field.removeprefix("data."), required=required)
    if case == "nan-amount":
        _needs(Invoice, "amount")
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(_invalid_body(case))

    assert message in str(caught.value)
    assert str(caught.value).startswith("invalid webhook payload: ")
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_the_data_is_checked_by_the_generated_model_whose_error_is_the_cause() -> None:
    """One validation policy: the same ResponseSchemaError the API's responses raise, seen from the delivery."""
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(body_of(delivery("invoice", invoice_data(paymentAmount="1850000"))))

    cause = caught.value.__cause__
    assert isinstance(cause, ResponseSchemaError)
    assert cause.path == "paymentAmount"
    assert caught.value.field == "data.paymentAmount"
    with pytest.raises(ResponseSchemaError, match=cause.problem):
        Invoice.from_dict(invoice_data(paymentAmount="1850000"))


def test_payload_error_quotes_a_short_excerpt_of_an_unreadable_value() -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(body_of(delivery("invoice", invoice_data()) | {"timestamp": "11/03/2026 18:01"}))
    assert caught.value.field == "timestamp"
    assert caught.value.excerpt == "'11/03/2026 18:01'"
    assert "(excerpt: '11/03/2026 18:01')" in str(caught.value)

    long_garbage = b"<html>" + b"x" * 5000 + b"</html>"
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(long_garbage)
    assert caught.value.field is None
    assert caught.value.excerpt.startswith("'<html>xxx")
    assert caught.value.excerpt.endswith("...'")
    assert len(str(caught.value)) < 200
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)


def test_payload_errors_pickle_with_their_field_and_excerpt() -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(body_of(delivery("invoice", invoice_data(amount="1.850.000"))))

    copied = pickle.loads(pickle.dumps(caught.value))

    assert type(copied) is WebhookPayloadError
    assert (str(copied), copied.field, copied.excerpt) == (
        str(caught.value),
        caught.value.field,
        caught.value.excerpt,
    )


@pytest.mark.parametrize("body", [None, 17, {"webhookId": "wh_1"}], ids=["none", "int", "dict"])
def test_a_body_that_is_neither_bytes_nor_text_is_an_argument_error(body: Any) -> None:
    with pytest.raises(WebhookArgumentError, match="body: must be the request body as bytes or text") as caught:
        parse_event(body)
    assert caught.value.parameter == "body"


def test_null_in_an_optional_field_reads_as_absent() -> None:
    required = set(Invoice.JSON_SCHEMA.get("required", []))
    optional = [name for name in Invoice.JSON_NAMES.values() if name not in required and name in invoice_data()]
    if not optional:
        pytest.skip("the spec's paid invoice example has no optional field")
    for name in optional:
        event = parse_event(body_of(delivery("invoice", invoice_data(**{name: None}))))
        assert isinstance(event, InvoiceEvent)
        assert field(event.data, name) is None, name
        assert event.data.additional_properties == {}
