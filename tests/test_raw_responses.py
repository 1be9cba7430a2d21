"""``with_raw_response``: the status, headers and request behind every method's answer."""

from __future__ import annotations

import datetime

import httpx2
import pytest

from palomma_client import PalommaClient
from palomma_client._generated.api import METHODS, OPERATIONS
from tests.spec_calls import SpecCall, a_call, a_paged_call, page_answer
from tests.support import API_KEY, RecordingAPI, Sleeps

pytestmark = pytest.mark.usefixtures("clean_environment")


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec, with a path parameter: a GET the SDK retries freely, whose path says what it asked."""
    return a_call("GET", path_parameter=True)


@pytest.mark.backends
async def test_a_raw_get_exposes_the_servers_headers_and_parses_to_the_model(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(read.ok(**{"x-request-id": "req_123"}))

    response = await read.raw(palomma)

    assert response.status_code == read.answer.status
    assert response.headers["x-request-id"] == "req_123"
    assert f"{response.http_request.method} {response.http_request.url.path}" == read.line
    assert response.http_request.headers["authorization"] == "[redacted]"
    assert API_KEY not in repr(response.http_request.headers)
    assert isinstance(response.elapsed, datetime.timedelta)
    assert response.retries_taken == 0
    assert response.parse() == read.expected


async def test_retries_taken_counts_the_retries(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(httpx2.Response(503, json={"error": "busy"}), read.ok())
    response = await read.raw(palomma)
    assert response.retries_taken == 1
    assert response.parse() == read.expected


async def test_a_raw_list_is_one_page_of_the_api(palomma: PalommaClient, api: RecordingAPI) -> None:
    listing = a_paged_call()
    api.queue(page_answer(listing, "next"))
    response = await listing.raw(palomma, cursor="here")
    page = response.parse()
    module = OPERATIONS[listing.operation_id]
    assert page == module.parse_response(listing.answer.status, page_answer(listing, "next").json())
    assert module.page_of(page).next_cursor == "next"
    assert api.requests[0].url.params["cursor"] == "here"
    assert f"{api.requests[0].method} {api.requests[0].url.path}" == listing.line


def test_every_generated_method_has_a_raw_twin(palomma: PalommaClient) -> None:
    for resource, method in METHODS.values():
        assert callable(getattr(getattr(palomma, resource).with_raw_response, method))
