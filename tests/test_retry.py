"""Reads are retried on failures worth retrying, with backoff and Retry-After, and no real waiting."""

from __future__ import annotations

import email.utils

import httpx2
import pytest

from palomma_client import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PalommaClient,
    RateLimitError,
)
from palomma_client._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from palomma_client._exceptions import parse_retry_after, status_error_from_response
from palomma_client._retry import backoff_delay
from tests.spec_calls import SpecCall, a_call, a_paged_list
from tests.support import RecordingAPI, Sleeps


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec: a GET the SDK may retry freely."""
    return a_call("GET")


def _error(status: int, **headers: str) -> httpx2.Response:
    return httpx2.Response(status, json={"error": "try later"}, headers=headers)


async def _assert_a_read_is_retried_after(
    failure: httpx2.Response | Exception, read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(failure, read.ok())
    assert await read(palomma) == read.expected
    assert api.methods() == [read.line] * 2
    assert len(sleeps.delays) == 1


# A status is read the same way whatever the backend; a failed connect is met on each
# backend over real sockets in tests/test_http.py.
@pytest.mark.parametrize(
    "failure",
    [
        httpx2.ConnectError("refused"),
        httpx2.ConnectTimeout("slow connect"),
        _error(408),
        _error(429),
        _error(500),
        _error(502),
        _error(503),
        _error(504),
    ],
)
async def test_reads_are_retried_after_retryable_failures(
    read: SpecCall,
    palomma: PalommaClient,
    api: RecordingAPI,
    sleeps: Sleeps,
    failure: httpx2.Response | Exception,
) -> None:
    await _assert_a_read_is_retried_after(failure, read, palomma, api, sleeps)


@pytest.mark.backends
@pytest.mark.parametrize(
    "failure",
    [httpx2.ReadTimeout("slow read"), httpx2.RemoteProtocolError("server hung up"), httpx2.ReadError("reset")],
)
async def test_reads_are_retried_after_a_transport_failure_of_either_backend(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, failure: Exception
) -> None:
    await _assert_a_read_is_retried_after(failure, read, palomma, api, sleeps)


@pytest.mark.parametrize(("status", "error_class"), [(400, BadRequestError), (404, NotFoundError)])
async def test_client_errors_are_not_retried(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, status: int, error_class: type[Exception]
) -> None:
    api.queue(_error(status))
    with pytest.raises(error_class):
        await read(palomma)
    assert len(api.requests) == 1
    assert sleeps.delays == []


async def test_retries_stop_after_max_retries_and_raise_the_last_error(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(_error(503), _error(503), _error(500))
    with pytest.raises(InternalServerError) as caught:
        await read(palomma)
    assert caught.value.status_code == 500
    assert len(api.requests) == 3
    assert len(sleeps.delays) == 2


async def test_backoff_doubles_with_jitter(read: SpecCall, api: RecordingAPI, sleeps: Sleeps) -> None:
    api.queue(*[httpx2.ConnectError("refused")] * 5, read.ok())
    async with api.client(api_key="sk_x", max_retries=5, sleep=sleeps) as palomma:
        await read(palomma)
    assert len(sleeps.delays) == 5
    for retry, delay in enumerate(sleeps.delays):
        ceiling = min(INITIAL_RETRY_DELAY * 2**retry, MAX_RETRY_DELAY)
        assert ceiling * 0.75 <= delay <= ceiling


async def test_retry_after_seconds_is_honoured(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(_error(429, **{"Retry-After": "3"}), _error(503, **{"Retry-After": "0.5"}), read.ok())
    await read(palomma)
    assert sleeps.delays == [3.0, 0.5]


async def test_retry_after_http_date_is_honoured(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    import time

    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    api.queue(_error(429, **{"Retry-After": when}), read.ok())
    await read(palomma)
    assert 27 <= sleeps.delays[0] <= 30


async def test_a_huge_retry_after_is_capped(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(_error(429, **{"Retry-After": "86400"}), read.ok())
    await read(palomma)
    assert sleeps.delays == [MAX_RETRY_AFTER]


async def test_max_retries_zero_makes_one_attempt(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(_error(429, **{"Retry-After": "1"}))
    with pytest.raises(RateLimitError):
        await read(palomma.with_options(max_retries=0))
    assert len(api.requests) == 1
    assert sleeps.delays == []


async def test_list_pages_and_settlements_are_retried(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    paged = a_paged_list()
    api.queue(
        httpx2.ReadTimeout("slow"),
        paged.page(["a"], "next"),
        _error(500),
        paged.page(["b"], None),
    )
    assert [paged.label(item) async for item in paged(palomma)] == ["a", "b"]
    assert api.methods() == [paged.line] * 4
    assert [request.url.params.get("cursor") for request in api.requests] == [None, None, "next", "next"]
    assert len(sleeps.delays) == 2


async def test_timeouts_exhausting_retries_raise_api_timeout_error(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(*[httpx2.ReadTimeout("slow")] * 3)
    with pytest.raises(APITimeoutError):
        await read(palomma)
    assert len(api.requests) == 3


async def test_a_request_that_cannot_be_built_is_a_connection_error_without_retrying_forever(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.default = lambda request: (_ for _ in ()).throw(httpx2.UnsupportedProtocol("bad scheme"))
    with pytest.raises(APIConnectionError):
        await read(palomma)
    assert len(api.requests) == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5.0), ("0", 0.0), ("-3", 0.0), ("1.5", 1.5), ("soon", None), ("", None), ("nan", None), ("9999", 60.0)],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(httpx2.Headers({"Retry-After": value})) == expected


def test_parse_retry_after_http_date_in_the_past_means_now() -> None:
    assert parse_retry_after(httpx2.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0


def test_backoff_without_retry_after_is_bounded() -> None:
    error = status_error_from_response(
        httpx2.Response(503, json={"error": "x"}, request=httpx2.Request("GET", "https://x"))
    )
    for retries in range(10):
        assert 0 < backoff_delay(retries, error) <= MAX_RETRY_DELAY
