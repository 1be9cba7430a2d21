"""Delivery bodies parse into typed events; anything else is a WebhookPayloadError naming the field."""

from __future__ import annotations

import datetime
import json
import pickle
from typing import Any

import attrs
import pytest

from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._generated.models import (
    Invoice,
    InvoicePaymentMethod,
    InvoicePaymentSource,
    InvoiceStatus,
    Settlement,
    SettlementStatus,
)
from palomma_client.webhooks import (
    InvoiceEvent,
    SettlementEvent,
    UnknownEvent,
    WebhookArgumentError,
    WebhookPayloadError,
    parse_event,
)
from tests.support import unknown_value
from tests.webhooks.support import (
    TIMESTAMP,
    WEBHOOK_ID,
    body_of,
    delivery,
    paid_invoice,
    ready_invoice,
    settlement,
    without,
)


def test_invoice_delivery_parses_into_an_invoice_event() -> None:
    invoice = paid_invoice()
    event = parse_event(body_of(delivery("invoice", invoice)))

    assert isinstance(event, InvoiceEvent)
    assert event.webhook_id == WEBHOOK_ID
    assert event.type == "invoice"
    assert event.raw_timestamp == TIMESTAMP
    assert event.timestamp == datetime.datetime(2026, 3, 11, 18, 1, 5, 120000, tzinfo=datetime.UTC)
    assert isinstance(event.data, Invoice)
    assert event.data.id == "01HQY8EW1H9YGH5PAV5Y2M9R3T"
    assert event.data.status is InvoiceStatus(invoice["status"])
    assert event.data.payment_method is InvoicePaymentMethod("pse")
    assert event.data.payment_date == datetime.datetime(2026, 3, 11, 18, 1, 3, 219000, tzinfo=datetime.UTC)
    assert event.data.to_dict() | {"paymentDate": "2026-03-11T18:01:03.219Z"} == paid_invoice()


def test_settlement_delivery_parses_into_a_settlement_event() -> None:
    event = parse_event(body_of(delivery("settlement", settlement())))

    assert isinstance(event, SettlementEvent)
    assert event.type == "settlement"
    assert isinstance(event.data, Settlement)
    assert event.data.status is SettlementStatus("paid")
    assert event.data.payment_amount == 44590000
    assert event.data.to_dict() == settlement()


def test_a_freshly_created_invoice_parses_too() -> None:
    created = ready_invoice()
    event = parse_event(body_of(delivery("invoice", created)))
    assert isinstance(event, InvoiceEvent)
    assert event.data.status == InvoiceStatus(created["status"])


def test_a_body_given_as_text_parses_like_bytes() -> None:
    body = body_of(delivery("invoice", paid_invoice()))
    assert parse_event(body.decode()) == parse_event(body) == parse_event(bytearray(body))


def test_unknown_type_becomes_a_generic_event_with_the_raw_data() -> None:
    data = {"id": "rf_1", "amount": 12000, "nested": {"a": [1, 2]}}
    event = parse_event(body_of(delivery("refund", data)))

    assert isinstance(event, UnknownEvent)
    assert event.type == "refund"
    assert event.data == data


def test_enum_values_the_spec_does_not_list_still_parse() -> None:
    status, method = unknown_value(InvoiceStatus), unknown_value(InvoicePaymentMethod)
    source, settled = unknown_value(InvoicePaymentSource), unknown_value(SettlementStatus)
    invoice = paid_invoice(status=status, paymentMethod=method, paymentSource=source)

    invoice_event = parse_event(body_of(delivery("invoice", invoice)))
    settlement_event = parse_event(body_of(delivery("settlement", settlement(status=settled))))

    assert isinstance(invoice_event, InvoiceEvent)
    assert invoice_event.data.status == status
    assert not invoice_event.data.status.is_known
    assert invoice_event.data.payment_method == method
    assert invoice_event.data.payment_source == source
    assert isinstance(settlement_event, SettlementEvent)
    assert settlement_event.data.status == settled
    assert not settlement_event.data.status.is_known


def test_unknown_fields_are_kept_in_the_data_and_in_the_envelope() -> None:
    event = parse_event(body_of(delivery("invoice", paid_invoice(installments=3), attempt=2)))

    assert isinstance(event, InvoiceEvent)
    assert event.data.additional_properties == {"installments": 3}
    assert event.data.to_dict()["installments"] == 3
    assert event.additional_properties == {"attempt": 2}


def test_events_are_frozen_and_pickle() -> None:
    event = parse_event(body_of(delivery("settlement", settlement())))
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
    event = parse_event(body_of(delivery("settlement", settlement()) | {"timestamp": raw}))

    assert event.timestamp == expected
    assert event.timestamp.tzinfo is not None
    assert event.raw_timestamp == raw


def _invalid_body(case: str) -> bytes:
    invoice_delivery = delivery("invoice", paid_invoice())
    match case:
        case "not-json":
            return b"webhookId=wh_1&type=invoice"
        case "not-utf8":
            return b'{"webhookId": "\xff\xfe"}'
        case "empty":
            return b""
        case "nan-amount":
            return body_of(invoice_delivery).replace(b'"amount": 1850000', b'"amount": NaN')
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
            return body_of(invoice_delivery | {"data": [paid_invoice()]})
        case "data-is-null":
            return body_of(invoice_delivery | {"data": None})
        case "invoice-without-id":
            return body_of(invoice_delivery | {"data": without(paid_invoice(), "id")})
        case "amount-as-text":
            return body_of(invoice_delivery | {"data": paid_invoice(amount="1.850.000")})
        case "amount-as-boolean":
            return body_of(invoice_delivery | {"data": paid_invoice(amount=True)})
        case "status-as-number":
            return body_of(invoice_delivery | {"data": paid_invoice(status=2)})
        case "null-required-field":
            return body_of(invoice_delivery | {"data": paid_invoice(contract=None)})
        case "bad-payment-date":
            return body_of(invoice_delivery | {"data": paid_invoice(paymentDate="11/03/2026")})
        case "settlement-without-cycle":
            return body_of(delivery("settlement", without(settlement(), "cycle")))
        case "fees-postpaid-as-text":
            return body_of(delivery("settlement", settlement(feesPostpaid="no")))
        case "unknown-type-with-list-data":
            return body_of(delivery("refund", [1, 2]))
    raise AssertionError(case)


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
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(_invalid_body(case))

    assert message in str(caught.value)
    assert str(caught.value).startswith("invalid webhook payload: ")
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_the_data_is_checked_by_the_generated_model_whose_error_is_the_cause() -> None:
    """One validation policy: the same ResponseSchemaError the API's responses raise, seen from the delivery."""
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(body_of(delivery("invoice", paid_invoice(paymentAmount="1850000"))))

    cause = caught.value.__cause__
    assert isinstance(cause, ResponseSchemaError)
    assert cause.path == "paymentAmount"
    assert caught.value.field == "data.paymentAmount"
    with pytest.raises(ResponseSchemaError, match=cause.problem):
        Invoice.from_dict(paid_invoice(paymentAmount="1850000"))


def test_payload_error_quotes_a_short_excerpt_of_an_unreadable_value() -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(body_of(delivery("invoice", paid_invoice()) | {"timestamp": "11/03/2026 18:01"}))
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
        parse_event(body_of(delivery("invoice", paid_invoice(amount="1.850.000"))))

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
    event = parse_event(body_of(delivery("invoice", paid_invoice(reference=None))))
    assert isinstance(event, InvoiceEvent)
    assert event.data.reference is None
