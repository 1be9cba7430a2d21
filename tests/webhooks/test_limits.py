"""Size limits of a delivery: the same for the receiver and both glues, refused early, answered 200 and logged."""

from __future__ import annotations

import logging
import pickle
from collections.abc import AsyncIterator

import pytest

from palomma_client._http_answers import http_answer
from palomma_client.webhooks import (
    MAX_WEBHOOK_BODY_BYTES,
    MAX_WEBHOOK_HEADER_BYTES,
    InMemoryDedupStore,
    WebhookError,
    WebhookReceiver,
    WebhookSignatureError,
    WebhookTooLargeError,
    sign_delivery,
)
from palomma_client.webhooks._limits import read_limited_body
from tests.webhooks.support import SECRET, at_now, invoice_delivery


def _receiver(store: InMemoryDedupStore) -> WebhookReceiver:
    return WebhookReceiver(SECRET, dedup_store=store, clock=at_now)


async def test_a_body_over_the_limit_is_refused_before_its_signature_and_nothing_is_claimed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = InMemoryDedupStore()
    body = b"{" + b" " * MAX_WEBHOOK_BODY_BYTES + b"}"

    with caplog.at_level(logging.ERROR, logger="palomma_client"), pytest.raises(WebhookTooLargeError) as caught:
        await _receiver(store).verify_and_parse(body, sign_delivery(body, SECRET))

    assert (caught.value.part, caught.value.size, caught.value.limit) == ("body", len(body), MAX_WEBHOOK_BODY_BYTES)
    assert isinstance(caught.value, WebhookError)
    assert len(store) == 0
    assert f"webhook body too large: over the limit of {MAX_WEBHOOK_BODY_BYTES:,} bytes" in caplog.text
    assert "answering 200" in caplog.text
    assert SECRET not in caplog.text


async def test_a_body_at_the_limit_goes_on_to_the_other_checks() -> None:
    body = b" " * MAX_WEBHOOK_BODY_BYTES

    with pytest.raises(WebhookSignatureError):
        await _receiver(InMemoryDedupStore()).verify_and_parse(body, {"X-Signature": "0" * 64})


async def test_headers_over_the_limit_are_refused(caplog: pytest.LogCaptureFixture) -> None:
    body, headers = invoice_delivery()
    headers["X-Encoded-Data"] = "A" * MAX_WEBHOOK_HEADER_BYTES

    with pytest.raises(WebhookTooLargeError) as caught:
        await _receiver(InMemoryDedupStore()).verify_and_parse(body, headers)

    assert caught.value.part == "headers"
    assert caught.value.size > MAX_WEBHOOK_HEADER_BYTES
    assert "webhook headers too large" in caplog.text


async def test_headers_a_genuine_delivery_carries_are_well_inside_the_limit() -> None:
    """The previous generation's X-Encoded-Data is the base64 of the body: a body at the limit still fits."""
    body = b" " * MAX_WEBHOOK_BODY_BYTES
    headers = {**sign_delivery(body, SECRET), "Content-Type": "application/json", "User-Agent": "Palomma-Webhooks"}

    with pytest.raises(WebhookSignatureError):  # the body is no delivery: what matters is it got that far
        await _receiver(InMemoryDedupStore()).verify_and_parse(body, {**headers, "X-Signature": "0" * 64})


def test_the_error_is_answered_200_so_that_palomma_stops_repeating_it_and_it_pickles() -> None:
    error = WebhookTooLargeError("body", 2_000_000, MAX_WEBHOOK_BODY_BYTES)

    answer = http_answer(error)
    copy = pickle.loads(pickle.dumps(error))

    assert answer.status == 200
    assert answer.body["type"] == "webhook_too_large"
    assert (copy.part, copy.size, copy.limit, str(copy)) == (error.part, error.size, error.limit, str(error))


async def _endless(chunk: bytes, read: list[int]) -> AsyncIterator[bytes]:
    while True:
        read.append(len(chunk))
        yield chunk


async def test_a_chunked_body_is_read_no_further_than_one_chunk_past_the_limit() -> None:
    read: list[int] = []

    with pytest.raises(WebhookTooLargeError) as caught:
        await read_limited_body(_endless(b"x" * 4_096, read), content_length=None)

    assert caught.value.part == "body"
    assert sum(read) <= MAX_WEBHOOK_BODY_BYTES + 4_096


async def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    read: list[int] = []

    with pytest.raises(WebhookTooLargeError):
        await read_limited_body(_endless(b"x", read), content_length=str(MAX_WEBHOOK_BODY_BYTES + 1))

    assert read == []
