"""The APIError branch, request ids, Retry-After, the closed client, and errors that cross processes."""

from __future__ import annotations

import pickle
from typing import Any

import httpx2
import pytest

import palomma_client
from palomma_client import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    InvalidParameterError,
    NotFoundError,
    PalommaClient,
    PalommaError,
    RateLimitError,
    ResponseTooLargeError,
)
from tests.spec_calls import SpecCall, a_call
from tests.support import API_KEY, RecordingAPI

pytestmark = pytest.mark.usefixtures("clean_environment")


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec: any call meets the same errors."""
    return a_call("GET")


def test_every_api_failure_shares_the_api_error_base_and_input_errors_do_not() -> None:
    for error_class in (APIStatusError, APIConnectionError, APITimeoutError, APIResponseValidationError):
        assert issubclass(error_class, APIError)
    assert issubclass(ResponseTooLargeError, APIError)
    assert not issubclass(InvalidParameterError, APIError)
    assert issubclass(APIError, PalommaError)


async def test_status_errors_carry_the_servers_message_and_request_id(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    read = a_call("GET", bearer_key=True)  # its request, kept on the error, carries the key masked
    api.queue(httpx2.Response(404, json={"error": "Not Found"}, headers={"x-request-id": "req_42"}))

    with pytest.raises(NotFoundError) as caught:
        await read(palomma)

    error = caught.value
    assert error.message == "Not Found"
    assert str(error) == "404 Not Found: Not Found"
    assert error.request_id == "req_42"
    assert error.body == {"error": "Not Found"}
    assert f"{error.request.method} {error.request.url.path}" == read.line
    assert error.request.headers["authorization"] == "[redacted]"
    assert error.response.request.headers["authorization"] == "[redacted]"


async def test_a_request_id_is_none_when_the_api_sends_none(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(404, json={"error": "Not Found"}))
    with pytest.raises(NotFoundError) as caught:
        await read(palomma)
    assert caught.value.request_id is None


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("0.5", 0.5), (None, None), ("soon", None)])
async def test_rate_limit_errors_say_how_long_to_wait(
    read: SpecCall, api: RecordingAPI, header: str | None, expected: float | None
) -> None:
    headers = {} if header is None else {"Retry-After": header}
    api.queue(httpx2.Response(429, json={"error": "Too many requests"}, headers=headers))
    async with api.client(api_key=API_KEY, max_retries=0) as palomma:
        with pytest.raises(RateLimitError) as caught:
            await read(palomma)
    assert caught.value.retry_after == expected


@pytest.mark.backends
async def test_a_closed_client_says_so(read: SpecCall, api: RecordingAPI) -> None:
    palomma = api.client(api_key=API_KEY)
    await palomma.close()
    with pytest.raises(ClientClosedError, match="closed"):
        await read(palomma)
    assert api.requests == []


def _every_exported_exception() -> list[type[BaseException]]:
    return [
        value
        for name in palomma_client.__all__
        if isinstance(value := getattr(palomma_client, name), type) and issubclass(value, BaseException)
    ]


async def _raised(read: SpecCall, palomma: PalommaClient, api: RecordingAPI, answer: Any) -> PalommaError:
    api.queue(answer)
    try:
        await read(palomma.with_options(max_retries=0))
    except PalommaError as error:
        return error
    raise AssertionError("nothing was raised")


async def test_errors_survive_pickling_with_their_fields_and_never_carry_the_key(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    not_found = httpx2.Response(404, json={"error": "Not Found"}, headers={"x-request-id": "r"})
    raised = [
        await _raised(read, palomma, api, not_found),
        await _raised(read, palomma, api, httpx2.Response(429, json={"error": "slow"}, headers={"Retry-After": "3"})),
        await _raised(read, palomma, api, httpx2.Response(read.answer.status, content=b"<html>maintenance</html>")),
        await _raised(read, palomma, api, httpx2.ConnectError("refused")),
        await _raised(read, palomma, api, httpx2.ReadTimeout("slow")),
    ]
    try:
        await read(palomma, timeout=httpx2.Timeout(None))
    except InvalidParameterError as error:
        raised.append(error)
    assert [type(error) for error in raised] == [
        NotFoundError,
        RateLimitError,
        APIResponseValidationError,
        APIConnectionError,
        APITimeoutError,
        InvalidParameterError,
    ]

    for failure in raised:
        data = pickle.dumps(failure)
        assert API_KEY.encode() not in data
        copy: Any = pickle.loads(data)
        assert str(copy) == str(failure)
        if isinstance(failure, APIStatusError):
            assert (copy.status_code, copy.message, copy.body, copy.request_id) == (
                failure.status_code,
                failure.message,
                failure.body,
                failure.request_id,
            )
        if isinstance(failure, RateLimitError):
            assert copy.retry_after == 3.0
        if isinstance(failure, InvalidParameterError):
            assert copy.parameter == failure.parameter
        assert type(copy) is type(failure)


def test_every_exported_exception_is_covered_by_the_pickling_rule() -> None:
    exported = _every_exported_exception()
    assert APIError in exported
    assert all(issubclass(error, PalommaError) for error in exported)


@pytest.mark.backends
async def test_a_response_over_the_size_limit_is_refused_naming_the_limit(read: SpecCall, api: RecordingAPI) -> None:
    # The documented answer, its JSON padded with whitespace: the same answer, only larger.
    documented = read.ok()
    padded = documented.content + b" " * 5_000
    headers = {name: value for name, value in documented.headers.items() if name.lower() != "content-length"}
    api.queue(httpx2.Response(documented.status_code, content=padded, headers=headers))
    api.queue(httpx2.Response(documented.status_code, content=padded, headers=headers))
    async with api.client(api_key=API_KEY, max_response_bytes=4_096) as palomma:
        with pytest.raises(ResponseTooLargeError, match="4,096 bytes") as caught:
            await read(palomma)
    assert caught.value.limit == 4_096
    async with api.client(api_key=API_KEY) as palomma:
        assert await read(palomma) == read.expected
