"""Webhook deliveries verify, parse into typed events, and are processed once."""

from __future__ import annotations

import asyncio
import base64
import copy
import datetime
import hmac
import inspect
import json
import logging
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from palomma_client import webhooks
from palomma_client._exceptions import PalommaError
from palomma_client._generated.models import Invoice, InvoicePaymentMethod, InvoiceStatus, Settlement, SettlementStatus
from palomma_client.webhooks import (
    DedupStore,
    DuplicateWebhookError,
    InMemoryDedupStore,
    InvoiceEvent,
    SettlementEvent,
    UnknownEvent,
    WebhookError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookReceiver,
    WebhookSignatureError,
    compute_signature,
    parse_event,
    sign_delivery,
)

SECRET = "prod-integrity-key-7f3a9c"
TIMESTAMP = "2026-03-11T18:01:05.120Z"


def _paid_invoice(spec: dict[str, Any]) -> dict[str, Any]:
    content = spec["paths"]["/invoices"]["get"]["responses"]["200"]["content"]["application/json"]
    return copy.deepcopy(content["examples"]["page"]["value"]["items"][0])


def _settlement(spec: dict[str, Any]) -> dict[str, Any]:
    content = spec["paths"]["/settlements/{date}/{cycle}"]["get"]["responses"]["200"]["content"]["application/json"]
    return copy.deepcopy(content["examples"]["found"]["value"])


def _delivery(event_type: str, data: Any, webhook_id: str = "wh_01HQY9A7", **extra: Any) -> dict[str, Any]:
    return {"webhookId": webhook_id, "timestamp": TIMESTAMP, "type": event_type, "data": data, **extra}


def _body(document: Any) -> bytes:
    return json.dumps(document).encode()


def _signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return sign_delivery(body, secret)


# --------------------------------------------------------------------------- parsing


def test_invoice_delivery_parses_into_an_invoice_event(spec: dict[str, Any]) -> None:
    event = parse_event(_body(_delivery("invoice", _paid_invoice(spec))))

    assert isinstance(event, InvoiceEvent)
    assert event.webhook_id == "wh_01HQY9A7"
    assert event.type == "invoice"
    assert event.raw_timestamp == TIMESTAMP
    assert event.timestamp == datetime.datetime(2026, 3, 11, 18, 1, 5, 120000, tzinfo=datetime.UTC)
    assert isinstance(event.data, Invoice)
    assert event.data.id == "01HQY8EW1H9YGH5PAV5Y2M9R3T"
    assert event.data.status is InvoiceStatus.PAID
    assert event.data.payment_method is InvoicePaymentMethod.PSE
    assert event.data.payment_date == datetime.datetime(2026, 3, 11, 18, 1, 3, 219000, tzinfo=datetime.UTC)
    assert event.data.to_dict() | {"paymentDate": "2026-03-11T18:01:03.219Z"} == _paid_invoice(spec)


def test_settlement_delivery_parses_into_a_settlement_event(spec: dict[str, Any]) -> None:
    event = parse_event(_body(_delivery("settlement", _settlement(spec))))

    assert isinstance(event, SettlementEvent)
    assert event.type == "settlement"
    assert isinstance(event.data, Settlement)
    assert event.data.status is SettlementStatus.PAID
    assert event.data.payment_amount == 44590000
    assert event.data.to_dict() == _settlement(spec)


def test_every_ready_invoice_example_of_the_spec_parses(spec: dict[str, Any]) -> None:
    content = spec["paths"]["/invoices"]["post"]["responses"]["200"]["content"]["application/json"]
    event = parse_event(_body(_delivery("invoice", content["examples"]["created"]["value"])))
    assert isinstance(event, InvoiceEvent)
    assert event.data.status is InvoiceStatus.READY


def test_unknown_type_becomes_a_generic_event_with_the_raw_data() -> None:
    data = {"id": "rf_1", "amount": 12000, "nested": {"a": [1, 2]}}
    event = parse_event(_body(_delivery("refund", data)))

    assert isinstance(event, UnknownEvent)
    assert event.type == "refund"
    assert event.data == data


def test_enum_values_the_spec_does_not_list_still_parse(spec: dict[str, Any]) -> None:
    invoice = _paid_invoice(spec) | {"status": "refunded", "paymentMethod": "crypto", "paymentSource": "telegram"}
    settlement = _settlement(spec) | {"status": "reversed"}

    invoice_event = parse_event(_body(_delivery("invoice", invoice)))
    settlement_event = parse_event(_body(_delivery("settlement", settlement)))

    assert isinstance(invoice_event, InvoiceEvent)
    assert invoice_event.data.status == "refunded"
    assert not invoice_event.data.status.is_known
    assert invoice_event.data.payment_method == "crypto"
    assert invoice_event.data.payment_source == "telegram"
    assert isinstance(settlement_event, SettlementEvent)
    assert settlement_event.data.status == "reversed"
    assert not settlement_event.data.status.is_known


def test_unknown_fields_are_kept_in_the_data_and_in_the_envelope(spec: dict[str, Any]) -> None:
    invoice = _paid_invoice(spec) | {"installments": 3}
    event = parse_event(_body(_delivery("invoice", invoice, attempt=2)))

    assert isinstance(event, InvoiceEvent)
    assert event.data.additional_properties == {"installments": 3}
    assert event.data.to_dict()["installments"] == 3
    assert event.additional_properties == {"attempt": 2}


def test_events_are_frozen(spec: dict[str, Any]) -> None:
    event = parse_event(_body(_delivery("settlement", _settlement(spec))))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.webhook_id = "other"  # type: ignore[misc]


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
def test_timestamp_becomes_an_aware_datetime_and_the_raw_string_is_kept(
    spec: dict[str, Any], raw: str, expected: datetime.datetime
) -> None:
    document = _delivery("settlement", _settlement(spec)) | {"timestamp": raw}
    event = parse_event(_body(document))

    assert event.timestamp == expected
    assert event.timestamp.tzinfo is not None
    assert event.raw_timestamp == raw


def test_model_field_names_map_back_to_every_property_of_the_spec(spec: dict[str, Any]) -> None:
    """The type checks find fields by their JSON name, derived from the generated attribute names."""
    schemas = spec["components"]["schemas"]
    for model in (Invoice, Settlement):
        keys = {field.key for field in webhooks._EXPECTED_FIELDS[model]}
        assert keys == set(schemas[model.__name__]["properties"])
        required = {field.key for field in webhooks._EXPECTED_FIELDS[model] if field.required}
        assert required == set(schemas[model.__name__]["required"])


def _without(document: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != key}


def _invalid_body(case: str, spec: dict[str, Any]) -> bytes:
    invoice_delivery = _delivery("invoice", _paid_invoice(spec))
    invoice = _paid_invoice(spec)
    match case:
        case "not-json":
            return b"webhookId=wh_1&type=invoice"
        case "not-utf8":
            return b'{"webhookId": "\xff\xfe"}'
        case "empty":
            return b""
        case "array":
            return b'[{"webhookId": "wh_1"}]'
        case "nested-too-deeply":
            return b"[" * 100_000
        case "missing-webhook-id":
            return _body(_without(invoice_delivery, "webhookId"))
        case "missing-type":
            return _body(_without(invoice_delivery, "type"))
        case "missing-timestamp":
            return _body(_without(invoice_delivery, "timestamp"))
        case "missing-data":
            return _body(_without(invoice_delivery, "data"))
        case "numeric-webhook-id":
            return _body(invoice_delivery | {"webhookId": 17})
        case "empty-webhook-id":
            return _body(invoice_delivery | {"webhookId": ""})
        case "epoch-timestamp":
            return _body(invoice_delivery | {"timestamp": 1773252065})
        case "garbled-timestamp":
            return _body(invoice_delivery | {"timestamp": "yesterday"})
        case "data-is-a-list":
            return _body(invoice_delivery | {"data": [invoice]})
        case "invoice-without-id":
            return _body(invoice_delivery | {"data": _without(invoice, "id")})
        case "amount-as-text":
            return _body(invoice_delivery | {"data": invoice | {"amount": "1.850.000"}})
        case "amount-as-boolean":
            return _body(invoice_delivery | {"data": invoice | {"amount": True}})
        case "status-as-number":
            return _body(invoice_delivery | {"data": invoice | {"status": 2}})
        case "null-optional-field":
            return _body(invoice_delivery | {"data": invoice | {"reference": None}})
        case "bad-payment-date":
            return _body(invoice_delivery | {"data": invoice | {"paymentDate": "11/03/2026"}})
        case "settlement-without-cycle":
            return _body(_delivery("settlement", _without(_settlement(spec), "cycle")))
        case "fees-postpaid-as-text":
            return _body(_delivery("settlement", _settlement(spec) | {"feesPostpaid": "no"}))
        case "unknown-type-with-list-data":
            return _body(_delivery("refund", [1, 2]))
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not-json", "body is not JSON"),
        ("not-utf8", "body is not JSON"),
        ("empty", "body is not JSON"),
        ("array", "body is not a JSON object"),
        ("nested-too-deeply", "body is not JSON (RecursionError"),
        ("missing-webhook-id", "webhookId: missing"),
        ("numeric-webhook-id", "webhookId: expected a non-empty string"),
        ("empty-webhook-id", "webhookId: expected a non-empty string"),
        ("missing-type", "type: missing"),
        ("missing-timestamp", "timestamp: missing"),
        ("epoch-timestamp", "timestamp: expected a non-empty string"),
        ("garbled-timestamp", "timestamp: not an ISO 8601 date-time"),
        ("missing-data", "data: missing"),
        ("data-is-a-list", "data: expected an object, got array"),
        ("invoice-without-id", "data.id: missing (required in Invoice)"),
        ("amount-as-text", "data.amount: expected a number, got string"),
        ("amount-as-boolean", "data.amount: expected a number, got boolean"),
        ("status-as-number", "data.status: expected a string, got number"),
        ("null-optional-field", "data.reference: expected a string, got null"),
        ("bad-payment-date", "data.paymentDate: not an ISO 8601 date-time"),
        ("settlement-without-cycle", "data.cycle: missing (required in Settlement)"),
        ("fees-postpaid-as-text", "data.feesPostpaid: expected a boolean, got string"),
        ("unknown-type-with-list-data", "data: expected an object"),
    ],
)
def test_invalid_bodies_raise_a_payload_error_naming_the_problem(spec: dict[str, Any], case: str, message: str) -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(_invalid_body(case, spec))

    assert message in str(caught.value)
    assert str(caught.value).startswith("invalid webhook payload: ")
    assert isinstance(caught.value, ValueError)
    assert not isinstance(caught.value, KeyError)


def test_payload_error_quotes_a_short_excerpt_and_names_the_field(spec: dict[str, Any]) -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(_body(_delivery("invoice", _paid_invoice(spec) | {"amount": "1.850.000"})))
    assert caught.value.field == "data.amount"
    assert caught.value.excerpt == "'1.850.000'"
    assert "(excerpt: '1.850.000')" in str(caught.value)

    long_garbage = b"<html>" + b"x" * 5000 + b"</html>"
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(long_garbage)
    assert caught.value.field is None
    assert caught.value.excerpt.startswith("'<html>xxx")
    assert caught.value.excerpt.endswith("...'")
    assert len(str(caught.value)) < 200
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)


# --------------------------------------------------------------------------- signatures


def test_compute_signature_is_hex_hmac_sha256_of_the_base64_body() -> None:
    # Checked independently: printf '%s' eyJ3ZWJob29rSWQiOiJ3aF8xIn0= | openssl dgst -sha256 -hmac integrity-key-123
    body = b'{"webhookId":"wh_1"}'
    assert compute_signature(body, "integrity-key-123") == (
        "fe6a0d67dafd89d49557e4ae725efda69a4f4b83e9afb8dc510c79c48031562c"
    )


def test_sign_delivery_returns_the_encoded_data_and_signature_headers() -> None:
    body = b'{"webhookId":"wh_1"}'
    headers = sign_delivery(body, "integrity-key-123")

    assert headers == {
        "X-Encoded-Data": "eyJ3ZWJob29rSWQiOiJ3aF8xIn0=",
        "X-Signature": "fe6a0d67dafd89d49557e4ae725efda69a4f4b83e9afb8dc510c79c48031562c",
    }
    assert base64.b64decode(headers[webhooks.ENCODED_DATA_HEADER]) == body


async def test_a_correctly_signed_delivery_verifies_and_parses(spec: dict[str, Any]) -> None:
    body = _body(_delivery("invoice", _paid_invoice(spec)))
    event = await WebhookReceiver(SECRET).verify_and_parse(body, _signed(body))
    assert isinstance(event, InvoiceEvent)


async def test_header_names_match_case_insensitively(spec: dict[str, Any]) -> None:
    body = _body(_delivery("invoice", _paid_invoice(spec)))
    headers = {name.lower(): value for name, value in _signed(body).items()}
    event = await WebhookReceiver(SECRET).verify_and_parse(body, headers)
    assert event.webhook_id == "wh_01HQY9A7"


def test_the_signature_alone_is_enough_without_x_encoded_data(spec: dict[str, Any]) -> None:
    body = _body(_delivery("invoice", _paid_invoice(spec)))
    WebhookReceiver(SECRET).verify(body, {"X-Signature": compute_signature(body, SECRET)})


def _wrong_signature_cases(body: bytes) -> dict[str, tuple[bytes, dict[str, str]]]:
    signature = compute_signature(body, SECRET)
    return {
        "missing-header": (body, {"Content-Type": "application/json"}),
        "empty-header": (body, {"X-Signature": ""}),
        "wrong-secret": (body, _signed(body, secret="someone-elses-key")),
        "tampered-body": (body.replace(b"1850000", b"1950000"), _signed(body)),
        "truncated-signature": (body, {"X-Signature": signature[:-2]}),
        "base64-digest": (body, {"X-Signature": base64.b64encode(bytes.fromhex(signature)).decode()}),
        "non-ascii-header": (body, {"X-Signature": "ñ" * 64}),
    }


_WRONG_SIGNATURE_CASES = [
    "missing-header",
    "empty-header",
    "wrong-secret",
    "tampered-body",
    "truncated-signature",
    "base64-digest",
    "non-ascii-header",
]


@pytest.mark.parametrize("case", _WRONG_SIGNATURE_CASES)
async def test_a_missing_or_wrong_signature_is_rejected(spec: dict[str, Any], case: str) -> None:
    original = _body(_delivery("invoice", _paid_invoice(spec)))
    body, headers = _wrong_signature_cases(original)[case]
    store = InMemoryDedupStore()

    with pytest.raises(WebhookSignatureError) as caught:
        await WebhookReceiver(SECRET, dedup_store=store).verify_and_parse(body, headers)

    expected = "missing X-Signature header" if case in {"missing-header", "empty-header"} else "does not match"
    assert expected in str(caught.value)
    assert isinstance(caught.value, WebhookError)
    assert len(store) == 0, "a rejected delivery must not claim its webhookId"


async def test_the_signature_is_checked_before_the_body_is_parsed() -> None:
    with pytest.raises(WebhookSignatureError):
        await WebhookReceiver(SECRET).verify_and_parse(b"not json at all", {"X-Signature": "0" * 64})


async def test_a_signed_but_invalid_body_is_a_payload_error() -> None:
    body = b'{"type": "invoice"}'
    with pytest.raises(WebhookPayloadError, match="webhookId: missing"):
        await WebhookReceiver(SECRET).verify_and_parse(body, _signed(body))


def test_signatures_are_compared_in_constant_time(spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real_compare_digest = hmac.compare_digest

    def spy(expected: bytes, received: bytes) -> bool:
        calls.append((expected, received))
        return real_compare_digest(expected, received)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body = _body(_delivery("invoice", _paid_invoice(spec)))
    WebhookReceiver(SECRET).verify(body, _signed(body))

    assert calls == [(compute_signature(body, SECRET).encode(), compute_signature(body, SECRET).encode())]


async def test_the_signature_scheme_is_replaceable(spec: dict[str, Any]) -> None:
    def hmac_of_raw_body_in_base64(body: bytes, secret: str) -> str:
        digest = hmac.new(secret.encode(), body, "sha256").digest()
        return base64.b64encode(digest).decode()

    body = _body(_delivery("invoice", _paid_invoice(spec)))
    headers = sign_delivery(body, SECRET, signature_scheme=hmac_of_raw_body_in_base64)
    receiver = WebhookReceiver(SECRET, signature_scheme=hmac_of_raw_body_in_base64)

    event = await receiver.verify_and_parse(body, headers)

    assert isinstance(event, InvoiceEvent)
    with pytest.raises(WebhookSignatureError):
        receiver.verify(body, _signed(body))
    assert "hmac_of_raw_body_in_base64" in repr(receiver)


def test_a_body_that_is_not_bytes_is_a_type_error(spec: dict[str, Any]) -> None:
    document = _delivery("invoice", _paid_invoice(spec))
    with pytest.raises(TypeError, match="raw request body as bytes"):
        WebhookReceiver(SECRET).verify(document, {"X-Signature": "0" * 64})  # type: ignore[arg-type]


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="integrity key"):
        WebhookReceiver("")


# --------------------------------------------------------------------------- deduplication


async def test_a_retried_delivery_is_a_duplicate(spec: dict[str, Any]) -> None:
    body = _body(_delivery("invoice", _paid_invoice(spec)))
    receiver = WebhookReceiver(SECRET)
    await receiver.verify_and_parse(body, _signed(body))

    with pytest.raises(DuplicateWebhookError) as caught:
        await receiver.verify_and_parse(body, _signed(body))

    assert caught.value.webhook_id == "wh_01HQY9A7"
    assert isinstance(caught.value, WebhookError)


async def test_different_webhook_ids_are_each_processed(spec: dict[str, Any]) -> None:
    receiver = WebhookReceiver(SECRET)
    for webhook_id in ("wh_1", "wh_2", "wh_3"):
        body = _body(_delivery("settlement", _settlement(spec), webhook_id=webhook_id))
        event = await receiver.verify_and_parse(body, _signed(body))
        assert event.webhook_id == webhook_id


class _YieldingStore:
    """A store shaped like a network one: it awaits between reading and writing, atomically."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.lock = asyncio.Lock()

    async def mark_seen(self, webhook_id: str) -> bool:
        async with self.lock:
            await asyncio.sleep(0)  # a round trip, during which other deliveries run
            if webhook_id in self.seen:
                return False
            self.seen.add(webhook_id)
            return True

    async def forget(self, webhook_id: str) -> None:
        self.seen.discard(webhook_id)


@pytest.mark.parametrize("store_factory", [InMemoryDedupStore, _YieldingStore], ids=["in-memory", "network-like"])
async def test_concurrent_duplicate_deliveries_are_processed_once(
    spec: dict[str, Any], store_factory: Callable[[], DedupStore]
) -> None:
    body = _body(_delivery("invoice", _paid_invoice(spec)))
    headers = _signed(body)
    receiver = WebhookReceiver(SECRET, dedup_store=store_factory())
    processed: list[WebhookEvent] = []

    async def deliver() -> None:
        try:
            event = await receiver.verify_and_parse(body, headers)
        except DuplicateWebhookError:
            return
        processed.append(event)

    await asyncio.gather(*(deliver() for _ in range(20)))

    assert len(processed) == 1


async def test_forget_lets_the_retry_of_a_failed_delivery_through(spec: dict[str, Any]) -> None:
    body = _body(_delivery("invoice", _paid_invoice(spec)))
    receiver = WebhookReceiver(SECRET)
    event = await receiver.verify_and_parse(body, _signed(body))

    await receiver.forget(event.webhook_id)

    retried = await receiver.verify_and_parse(body, _signed(body))
    assert retried == event


async def test_a_custom_store_following_the_protocol_is_used(spec: dict[str, Any]) -> None:
    store = _YieldingStore()
    assert isinstance(store, DedupStore)
    body = _body(_delivery("invoice", _paid_invoice(spec)))

    await WebhookReceiver(SECRET, dedup_store=store).verify_and_parse(body, _signed(body))

    assert store.seen == {"wh_01HQY9A7"}


async def test_the_default_store_is_a_bounded_in_memory_store() -> None:
    store = WebhookReceiver(SECRET).dedup_store
    assert isinstance(store, InMemoryDedupStore)
    assert repr(store) == "InMemoryDedupStore(max_entries=10000, ttl=None)"


async def test_in_memory_store_evicts_the_oldest_id_beyond_its_bound() -> None:
    store = InMemoryDedupStore(max_entries=3)
    for webhook_id in ("wh_1", "wh_2", "wh_3", "wh_4"):
        assert await store.mark_seen(webhook_id)
    assert len(store) == 3

    assert not await store.mark_seen("wh_4")
    assert not await store.mark_seen("wh_2")
    assert await store.mark_seen("wh_1"), "the oldest id was evicted, so it counts as new"
    assert len(store) == 3
    assert await store.mark_seen("wh_2"), "re-adding wh_1 evicted wh_2, the oldest left"


async def test_in_memory_store_forgets_ids_after_their_ttl() -> None:
    now = [1000.0]
    store = InMemoryDedupStore(ttl=60, clock=lambda: now[0])
    assert await store.mark_seen("wh_1")
    now[0] += 30
    assert await store.mark_seen("wh_2")

    now[0] += 29.9
    assert not await store.mark_seen("wh_1")
    now[0] += 0.1
    assert await store.mark_seen("wh_1"), "60 seconds after it was first seen, wh_1 expired"
    assert not await store.mark_seen("wh_2")
    now[0] += 60
    assert len(store) == 0


async def test_in_memory_store_forget_of_an_unknown_id_does_nothing() -> None:
    store = InMemoryDedupStore()
    await store.forget("never-seen")
    assert len(store) == 0


@pytest.mark.parametrize("arguments", [{"max_entries": 0}, {"ttl": 0}, {"ttl": -5}])
def test_in_memory_store_rejects_meaningless_bounds(arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        InMemoryDedupStore(**arguments)


# --------------------------------------------------------------------------- the secret stays secret


async def test_the_secret_never_appears_in_reprs_messages_or_logs(
    spec: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver = WebhookReceiver(SECRET)
    good_body = _body(_delivery("invoice", _paid_invoice(spec)))
    errors: list[WebhookError] = []

    unknown_type_body = _body(_delivery("refund", {"a": 1}, webhook_id="wh_9"))
    attempts: list[tuple[bytes, dict[str, str]]] = [
        (good_body, {}),
        (good_body, _signed(good_body, secret=SECRET + "x")),
        (good_body.replace(b"paid", b"ready"), _signed(good_body)),
        (b"{", _signed(b"{")),
        (good_body, _signed(good_body)),
        (good_body, _signed(good_body)),
        (unknown_type_body, _signed(unknown_type_body)),
    ]
    for body, headers in attempts:
        try:
            await receiver.verify_and_parse(body, headers)
        except WebhookError as error:
            errors.append(error)

    assert len(errors) == 5
    texts = [repr(receiver), str(receiver), *(str(error) for error in errors), *(repr(error) for error in errors)]
    texts += [str(argument) for error in errors for argument in error.args]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records, "the rejections and the duplicate are logged at debug level"
    assert receiver.__repr__().startswith("WebhookReceiver(secret=<hidden>")
    for text in texts:
        assert SECRET not in text


def test_all_lists_every_public_class_and_function_of_the_module() -> None:
    defined_here = {
        name
        for name, value in vars(webhooks).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == webhooks.__name__
    }
    assert defined_here <= set(webhooks.__all__)
    assert all(hasattr(webhooks, name) for name in webhooks.__all__)


def test_webhook_errors_sit_under_the_sdk_root() -> None:
    assert issubclass(WebhookError, PalommaError)
    for error in (WebhookSignatureError, WebhookPayloadError, DuplicateWebhookError):
        assert issubclass(error, WebhookError)
    assert issubclass(WebhookPayloadError, ValueError)
