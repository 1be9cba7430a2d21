"""What one call, or one copy of a client, changes: headers, query, body, timeout, retries, key."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from palomma_client import InternalServerError, InvalidParameterError, PalommaClient
from tests.spec_calls import SpecCall, a_call, a_call_sending, url_of
from tests.support import API_KEY, RecordingAPI, Sleeps, fresh_name, spec_field_names

pytestmark = pytest.mark.usefixtures("clean_environment")


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec: a GET that answers JSON."""
    return a_call("GET")


def _other_value(value: Any) -> Any:
    """A value of the same JSON type as ``value`` that differs from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "2"
    return [value]


@pytest.mark.backends
async def test_extra_headers_reach_that_call_only(
    palomma: PalommaClient, api: RecordingAPI, keyed_read: SpecCall
) -> None:
    read = keyed_read
    api.queue(read.ok(), read.ok())

    assert await read(palomma, extra_headers={"X-Correlation-Id": "c1"}) == read.expected
    await read(palomma)

    assert api.requests[0].headers["x-correlation-id"] == "c1"
    assert "x-correlation-id" not in api.requests[1].headers
    assert api.requests[0].headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.backends
async def test_an_extra_header_of_none_removes_a_header(
    palomma: PalommaClient, api: RecordingAPI, keyed_read: SpecCall
) -> None:
    read = keyed_read
    api.queue(*[read.ok() for _ in range(3)])
    await read(palomma)
    await read(palomma, extra_headers={"User-Agent": None, "X-Trace": "t1"})
    await read(palomma)

    without, before, after = api.requests[1].headers, api.requests[0].headers, api.requests[2].headers
    assert "user-agent" not in without
    assert without["x-trace"] == "t1"
    assert without["authorization"] == f"Bearer {API_KEY}"
    assert after == before, "the next call sends the client's headers again"
    assert "palomma" in after["user-agent"].lower()


@pytest.mark.parametrize("name", ["Authorization", "authorization"])
async def test_authorization_cannot_be_overridden_per_call(
    palomma: PalommaClient, api: RecordingAPI, read: SpecCall, name: str
) -> None:
    with pytest.raises(InvalidParameterError, match="api_key") as caught:
        await read(palomma, extra_headers={name: "Bearer someone-else"})
    assert caught.value.parameter == "extra_headers"
    assert api.requests == []


async def test_a_header_value_with_a_line_break_is_refused(
    palomma: PalommaClient, api: RecordingAPI, read: SpecCall
) -> None:
    with pytest.raises(InvalidParameterError, match="line breaks"):
        await read(palomma, extra_headers={"X-Trace": "a\r\nX-Injected: 1"})
    assert api.requests == []


async def test_extra_query_is_merged_last(palomma: PalommaClient, api: RecordingAPI) -> None:
    call = a_call_sending("query")
    name, value = next(iter((call.params or {}).items()))
    added = fresh_name({*(call.params or {}), *spec_field_names()}, "expand")
    body = call.body
    if call.paged:
        # An empty page: no item the overridden filter could contradict (awaiting the pager reads one page).
        body = {key: [] if isinstance(item, list) else item for key, item in body.items()}
    api.queue(httpx2.Response(call.answer.status, json=body))

    await call(palomma, extra_query={added: "x", name: _other_value(value)})

    assert api.requests[0].url.params[added] == "x"
    assert api.requests[0].url.params.get_list(name) == [str(_other_value(value))]


async def test_extra_body_is_merged_last(palomma: PalommaClient, api: RecordingAPI) -> None:
    call = a_call_sending("body")
    name, value = next(iter(call.json.items()))
    added = fresh_name({*call.json, *spec_field_names()}, "metadata")
    api.queue(call.ok())

    await call(palomma, extra_body={added: {"unit": "502"}, name: _other_value(value)})

    assert api.json_body()[added] == {"unit": "502"}
    assert api.json_body()[name] == _other_value(value)
    assert {key: item for key, item in api.json_body().items() if key not in (added, name)} == {
        key: item for key, item in call.json.items() if key != name
    }
    assert api.requests[0].headers["content-type"] == "application/json"


async def test_max_retries_zero_on_one_call_while_the_client_still_retries(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, read: SpecCall
) -> None:
    api.default = lambda request: httpx2.Response(503, json={"error": "busy"})

    with pytest.raises(InternalServerError):
        await read(palomma, max_retries=0)
    assert len(api.requests) == 1

    with pytest.raises(InternalServerError):
        await read(palomma)
    assert len(api.requests) == 1 + 1 + palomma.max_retries


async def test_a_per_call_timeout_reaches_the_request(
    palomma: PalommaClient, api: RecordingAPI, read: SpecCall
) -> None:
    api.queue(read.ok())
    await read(palomma, timeout=2.5)
    assert api.requests[0].extensions["timeout"]["read"] == 2.5


@pytest.mark.parametrize(
    ("options", "parameter"),
    [({"timeout": 0}, "timeout"), ({"max_retries": -1}, "max_retries"), ({"extra_query": ["x"]}, "extra_query")],
)
async def test_bad_options_are_refused_before_sending(
    palomma: PalommaClient, api: RecordingAPI, read: SpecCall, options: dict[str, object], parameter: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await read(palomma, **options)
    assert caught.value.parameter == parameter
    assert api.requests == []


@pytest.mark.backends
async def test_default_headers_reach_every_call_and_a_user_agent_given_is_kept(
    api: RecordingAPI, read: SpecCall
) -> None:
    api.default = lambda request: read.ok()
    headers = {"X-Tenant-Platform": "rentas-co", "User-Agent": "rentas-service/2.1"}
    async with api.client(api_key=API_KEY, default_headers=headers) as palomma:
        await read(palomma)
        await read(palomma, extra_headers={"X-Tenant-Platform": "override"})

    assert [request.headers["x-tenant-platform"] for request in api.requests] == ["rentas-co", "override"]
    for request in api.requests:
        assert request.headers["user-agent"].startswith("rentas-service/2.1 palomma-client-python/")


def test_default_headers_cannot_carry_authorization() -> None:
    with pytest.raises(InvalidParameterError, match="api_key"):
        PalommaClient(API_KEY, default_headers={"Authorization": "Bearer x"})


@pytest.mark.backends
async def test_with_options_sends_another_key_on_the_same_pool(api: RecordingAPI, keyed_read: SpecCall) -> None:
    read = keyed_read
    api.default = lambda request: read.ok()
    async with api.client(api_key=API_KEY) as palomma:
        other = palomma.with_options(api_key="sk_other_merchant")
        await read(other)
        await read(palomma)
        await other.close()
        assert not palomma.is_closed
        await read(palomma)

    keys = [request.headers.get_list("authorization") for request in api.requests]
    assert keys == [["Bearer sk_other_merchant"], [f"Bearer {API_KEY}"], [f"Bearer {API_KEY}"]]
    assert "sk_other_merchant" not in repr(other)


async def test_with_options_changes_the_base_url_and_merges_default_headers(api: RecordingAPI, read: SpecCall) -> None:
    api.default = lambda request: read.ok()
    async with PalommaClient(API_KEY, transport=api.transport, default_headers={"X-A": "1"}) as palomma:
        other = palomma.with_options(base_url="https://proxy.example/v1/", default_headers={"X-B": "2"})
        await read(other)

    request = api.requests[0]
    assert str(request.url) == url_of(read, "https://proxy.example/v1")
    assert (request.headers["x-a"], request.headers["x-b"]) == ("1", "2")
    assert other.base_url == "https://proxy.example/v1"
    assert other.environment is None
