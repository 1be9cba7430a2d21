"""What generated code puts in a request besides path, query and body: header parameters, and no key when public."""

from __future__ import annotations

import httpx2
import pytest

from palomma_client import InvalidParameterError
from palomma_client._request import ApiRequest, RequestOptions
from palomma_client._validation import header_value
from tests.support import API_KEY, RecordingAPI


def _parse(status: int, data: object) -> object:
    return data


async def test_a_public_request_carries_no_authorization_and_others_still_do(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json={"n": 1}), httpx2.Response(200, json={"n": 2}))
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        requester = palomma._requester
        public = await requester.send(ApiRequest("publicThing", "GET", "/public", authenticated=False), _parse)
        private = await requester.send(ApiRequest("privateThing", "GET", "/private"), _parse)

    assert (public, private) == ({"n": 1}, {"n": 2})
    first, second = api.requests
    assert "authorization" not in first.headers
    assert second.headers["authorization"] == f"Bearer {API_KEY}"
    # The rest of what every request carries is still there.
    assert first.headers["user-agent"] == second.headers["user-agent"]


def test_a_request_is_authenticated_unless_built_otherwise() -> None:
    assert ApiRequest("x", "GET", "/x").authenticated is True


async def test_header_parameters_are_sent_and_a_callers_extra_headers_come_last(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json={}))
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        request = ApiRequest("x", "POST", "/x", json={"a": 1}, headers={"Idempotency-Key": "k1", "X-Trace": "t1"})
        await palomma._requester.send(request, _parse, RequestOptions(extra_headers={"X-Trace": "mine"}))

    (sent,) = api.requests
    assert (sent.headers["idempotency-key"], sent.headers["x-trace"]) == ("k1", "mine")
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("value", ["a\r\nX-Evil: 1", "caf\u00e9", "tab\x00"])
def test_a_header_value_that_cannot_be_sent_as_written_is_refused(value: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        header_value("x_trace", value)

    assert caught.value.parameter == "x_trace"


def test_a_printable_header_value_is_sent_as_it_is() -> None:
    assert header_value("x_trace", "key-1\tok") == "key-1\tok"
