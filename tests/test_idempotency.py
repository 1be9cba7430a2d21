"""The idempotency key the client sends for an operation whose spec declares an `Idempotency-Key` header.

Today's spec may declare none: these tests give a request the header the generated code names
(`ApiRequest.idempotency_header`) themselves; `tests/generated/test_vendor_changes.py` (`header-parameter`)
drives the same through a regenerated method.
"""

from __future__ import annotations

import uuid

import httpx2
import pytest

from palomma_client._request import ApiRequest, RequestOptions
from tests.support import API_KEY, RecordingAPI, Sleeps

KEYED = ApiRequest("payOut", "POST", "/payouts", json={"amount": 1}, idempotency_header="Idempotency-Key")


def _parse(status: int, data: object) -> object:
    return data


def _keys(api: RecordingAPI) -> list[str | None]:
    return [request.headers.get("idempotency-key") for request in api.requests]


async def test_left_out_a_new_key_goes_with_each_call_and_stays_the_same_on_its_retries(
    api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(httpx2.Response(429, json={"error": "slow down"}), httpx2.Response(201, json={}))
    api.queue(httpx2.Response(201, json={}))
    async with api.client(api_key=API_KEY, environment="sandbox", sleep=sleeps) as palomma:
        await palomma._requester.send(KEYED, _parse)
        await palomma._requester.send(KEYED, _parse)

    first, retried, second = _keys(api)
    assert first is not None
    assert str(uuid.UUID(first)) == first
    assert retried == first
    assert second not in (first, None)
    assert [request.url.path.endswith("/payouts") for request in api.requests] == [True] * 3
    assert len(sleeps.delays) == 1


@pytest.mark.parametrize(
    ("given", "options", "sent"),
    [
        ({"Idempotency-Key": "order-42"}, RequestOptions(), "order-42"),
        (None, RequestOptions(extra_headers={"Idempotency-Key": "mine-7"}), "mine-7"),
    ],
)
async def test_a_key_the_caller_gives_is_sent_as_given(
    api: RecordingAPI, given: dict[str, str] | None, options: RequestOptions, sent: str
) -> None:
    api.queue(httpx2.Response(201, json={}))
    request = ApiRequest("payOut", "POST", "/payouts", headers=given, idempotency_header="Idempotency-Key")
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        await palomma._requester.send(request, _parse, options)

    assert _keys(api) == [sent]


async def test_an_operation_without_the_header_sends_no_key(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(201, json={}))
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        await palomma._requester.send(ApiRequest("payOut", "POST", "/payouts", json={"amount": 1}), _parse)

    assert _keys(api) == [None]
