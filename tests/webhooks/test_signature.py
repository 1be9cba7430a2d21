"""Signatures: the default scheme, its replacement, and a constant-time check of every delivery."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest

from palomma_client.webhooks import (
    ENCODED_DATA_HEADER,
    SIGNATURE_HEADER,
    InMemoryDedupStore,
    InvoiceEvent,
    WebhookArgumentError,
    WebhookError,
    WebhookReceiver,
    WebhookSignatureError,
    compute_signature,
    sign_delivery,
    verify_signature,
)
from tests.webhooks.support import SECRET, at_now, body_of, delivery, invoice_delivery, paid_invoice, signed


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
    assert base64.b64decode(headers[ENCODED_DATA_HEADER]) == body


async def test_a_correctly_signed_delivery_verifies_and_parses() -> None:
    body, headers = invoice_delivery()
    event = await WebhookReceiver(SECRET, clock=at_now).verify_and_parse(body, headers)
    assert isinstance(event, InvoiceEvent)


def test_header_names_match_case_insensitively() -> None:
    body, headers = invoice_delivery()
    verify_signature(body, {name.lower(): value for name, value in headers.items()}, SECRET)
    verify_signature(body, {name.upper(): value for name, value in headers.items()}, SECRET)


def test_the_signature_alone_is_enough_without_x_encoded_data() -> None:
    body, _ = invoice_delivery()
    WebhookReceiver(SECRET).verify(body, {SIGNATURE_HEADER: compute_signature(body, SECRET)})


def _wrong_signature_cases(body: bytes) -> dict[str, tuple[bytes, dict[str, str]]]:
    signature = compute_signature(body, SECRET)
    return {
        "missing-header": (body, {"Content-Type": "application/json"}),
        "empty-header": (body, {SIGNATURE_HEADER: ""}),
        "wrong-secret": (body, signed(body, secret="someone-elses-key")),
        "tampered-body": (body.replace(b"{", b"{ ", 1), signed(body)),  # one byte more than was signed
        "truncated-signature": (body, {SIGNATURE_HEADER: signature[:-2]}),
        "base64-digest": (body, {SIGNATURE_HEADER: base64.b64encode(bytes.fromhex(signature)).decode()}),
        "non-ascii-header": (body, {SIGNATURE_HEADER: "ñ" * 64}),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing-header",
        "empty-header",
        "wrong-secret",
        "tampered-body",
        "truncated-signature",
        "base64-digest",
        "non-ascii-header",
    ],
)
async def test_a_missing_or_wrong_signature_is_rejected_and_claims_nothing(case: str) -> None:
    original, _ = invoice_delivery()
    body, headers = _wrong_signature_cases(original)[case]
    store = InMemoryDedupStore()

    with pytest.raises(WebhookSignatureError) as caught:
        await WebhookReceiver(SECRET, dedup_store=store, clock=at_now).verify_and_parse(body, headers)

    expected = "missing X-Signature header" if case in {"missing-header", "empty-header"} else "does not match"
    assert expected in str(caught.value)
    assert isinstance(caught.value, WebhookError)
    assert len(store) == 0, "a rejected delivery must not claim its webhookId"


async def test_the_signature_is_checked_before_the_body_is_parsed() -> None:
    with pytest.raises(WebhookSignatureError):
        await WebhookReceiver(SECRET).verify_and_parse(b"not json at all", {SIGNATURE_HEADER: "0" * 64})


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real_compare_digest = hmac.compare_digest

    def spy(expected: bytes, received: bytes) -> bool:
        calls.append((expected, received))
        return real_compare_digest(expected, received)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body, headers = invoice_delivery()
    WebhookReceiver(SECRET).verify(body, headers)

    assert calls == [(compute_signature(body, SECRET).encode(), compute_signature(body, SECRET).encode())]


async def test_the_signature_scheme_is_replaceable() -> None:
    def hmac_of_raw_body_in_base64(body: bytes, secret: str) -> str:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    body = body_of(delivery("invoice", paid_invoice()))
    headers = sign_delivery(body, SECRET, signature_scheme=hmac_of_raw_body_in_base64)
    receiver = WebhookReceiver(SECRET, signature_scheme=hmac_of_raw_body_in_base64, clock=at_now)

    event = await receiver.verify_and_parse(body, headers)

    assert isinstance(event, InvoiceEvent)
    verify_signature(body, headers, SECRET, signature_scheme=hmac_of_raw_body_in_base64)
    with pytest.raises(WebhookSignatureError):
        receiver.verify(body, signed(body))
    assert "hmac_of_raw_body_in_base64" in repr(receiver)


@pytest.mark.parametrize("body", [{"webhookId": "wh_1"}, "{}", None], ids=["dict", "text", "none"])
def test_a_body_that_is_not_bytes_is_refused_before_any_check(body: Any) -> None:
    with pytest.raises(WebhookArgumentError, match="raw request body as bytes") as caught:
        WebhookReceiver(SECRET).verify(body, {SIGNATURE_HEADER: "0" * 64})
    assert caught.value.parameter == "body"
    assert isinstance(caught.value, WebhookError)
    with pytest.raises(WebhookArgumentError, match="raw request body as bytes"):
        verify_signature(body, {SIGNATURE_HEADER: "0" * 64}, SECRET)


def test_a_bytearray_or_memoryview_body_verifies_like_bytes() -> None:
    body, headers = invoice_delivery()
    receiver = WebhookReceiver(SECRET)
    receiver.verify(bytearray(body), headers)
    receiver.verify(memoryview(body), headers)
