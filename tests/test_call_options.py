"""What one call, or one copy of a client, changes: headers, query, body, timeout, retries, key."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from palomma_client import InternalServerError, InvalidParameterError, PalommaClient
from tests.support import API_KEY, RecordingAPI, Sleeps, created_invoice, page_body

pytestmark = pytest.mark.usefixtures("clean_environment")

CREATE: dict[str, Any] = {
    "reference": "INV-2026-0001",
    "amount": 1_850_000,
    "description": "Canon de arrendamiento marzo 2026",
    "redirect_url": "https://merchant.example.com/payments/return",
    "customer_document_number": "900123456",
}


@pytest.mark.backends
async def test_extra_headers_reach_that_call_only(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()), httpx2.Response(200, json=created_invoice()))

    await palomma.invoices.get("abc", extra_headers={"X-Correlation-Id": "c1"})
    await palomma.invoices.get("abc")

    assert api.requests[0].headers["x-correlation-id"] == "c1"
    assert "x-correlation-id" not in api.requests[1].headers
    assert api.requests[0].headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.backends
async def test_an_extra_header_of_none_removes_a_header(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(*[httpx2.Response(200, json=created_invoice()) for _ in range(3)])
    await palomma.invoices.get("abc")
    await palomma.invoices.get("abc", extra_headers={"User-Agent": None, "X-Trace": "t1"})
    await palomma.invoices.get("abc")

    without, before, after = api.requests[1].headers, api.requests[0].headers, api.requests[2].headers
    assert "user-agent" not in without
    assert without["x-trace"] == "t1"
    assert without["authorization"] == f"Bearer {API_KEY}"
    assert after == before, "the next call sends the client's headers again"
    assert "palomma" in after["user-agent"].lower()


@pytest.mark.parametrize("name", ["Authorization", "authorization"])
async def test_authorization_cannot_be_overridden_per_call(
    palomma: PalommaClient, api: RecordingAPI, name: str
) -> None:
    with pytest.raises(InvalidParameterError, match="api_key") as caught:
        await palomma.invoices.get("abc", extra_headers={name: "Bearer someone-else"})
    assert caught.value.parameter == "extra_headers"
    assert api.requests == []


async def test_a_header_value_with_a_line_break_is_refused(palomma: PalommaClient, api: RecordingAPI) -> None:
    with pytest.raises(InvalidParameterError, match="line breaks"):
        await palomma.invoices.get("abc", extra_headers={"X-Trace": "a\r\nX-Injected: 1"})
    assert api.requests == []


async def test_extra_query_and_extra_body_are_merged_last(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=page_body([], None)), httpx2.Response(200, json=created_invoice()))

    await palomma.invoices.list(contract="C-1", extra_query={"expand": "x", "contract": "C-2"}).to_list()
    await palomma.invoices.create(**CREATE, extra_body={"metadata": {"unit": "502"}, "amount": 2_000_000})

    assert api.requests[0].url.params["expand"] == "x"
    assert api.requests[0].url.params["contract"] == "C-2"
    assert api.json_body(1)["metadata"] == {"unit": "502"}
    assert api.json_body(1)["amount"] == 2_000_000
    assert api.requests[1].headers["content-type"] == "application/json"


async def test_max_retries_zero_on_one_call_while_the_client_still_retries(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.default = lambda request: httpx2.Response(503, json={"error": "busy"})

    with pytest.raises(InternalServerError):
        await palomma.invoices.get("abc", max_retries=0)
    assert len(api.requests) == 1

    with pytest.raises(InternalServerError):
        await palomma.invoices.get("abc")
    assert len(api.requests) == 1 + 1 + palomma.max_retries


async def test_a_per_call_timeout_reaches_the_request(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()))
    await palomma.invoices.get("abc", timeout=2.5)
    assert api.requests[0].extensions["timeout"]["read"] == 2.5


@pytest.mark.parametrize(
    ("options", "parameter"),
    [({"timeout": 0}, "timeout"), ({"max_retries": -1}, "max_retries"), ({"extra_query": ["x"]}, "extra_query")],
)
async def test_bad_options_are_refused_before_sending(
    palomma: PalommaClient, api: RecordingAPI, options: dict[str, object], parameter: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await palomma.invoices.get("abc", **options)  # type: ignore[arg-type]
    assert caught.value.parameter == parameter
    assert api.requests == []


@pytest.mark.backends
async def test_default_headers_reach_every_call_and_a_user_agent_given_is_kept(api: RecordingAPI) -> None:
    api.default = lambda request: httpx2.Response(200, json=created_invoice())
    headers = {"X-Tenant-Platform": "rentas-co", "User-Agent": "rentas-service/2.1"}
    async with api.client(api_key=API_KEY, default_headers=headers) as palomma:
        await palomma.invoices.get("a")
        await palomma.invoices.get("b", extra_headers={"X-Tenant-Platform": "override"})

    assert [request.headers["x-tenant-platform"] for request in api.requests] == ["rentas-co", "override"]
    for request in api.requests:
        assert request.headers["user-agent"].startswith("rentas-service/2.1 palomma-client-python/")


def test_default_headers_cannot_carry_authorization() -> None:
    with pytest.raises(InvalidParameterError, match="api_key"):
        PalommaClient(API_KEY, default_headers={"Authorization": "Bearer x"})


@pytest.mark.backends
async def test_with_options_sends_another_key_on_the_same_pool(api: RecordingAPI) -> None:
    api.default = lambda request: httpx2.Response(200, json=created_invoice())
    async with api.client(api_key=API_KEY) as palomma:
        other = palomma.with_options(api_key="sk_other_merchant")
        await other.invoices.get("a")
        await palomma.invoices.get("a")
        await other.close()
        assert not palomma.is_closed
        await palomma.invoices.get("a")

    keys = [request.headers.get_list("authorization") for request in api.requests]
    assert keys == [["Bearer sk_other_merchant"], [f"Bearer {API_KEY}"], [f"Bearer {API_KEY}"]]
    assert "sk_other_merchant" not in repr(other)


async def test_with_options_changes_the_base_url_and_merges_default_headers(api: RecordingAPI) -> None:
    api.default = lambda request: httpx2.Response(200, json=created_invoice())
    async with PalommaClient(API_KEY, transport=api.transport, default_headers={"X-A": "1"}) as palomma:
        other = palomma.with_options(base_url="https://proxy.example/v1/", default_headers={"X-B": "2"})
        await other.invoices.get("a")

    request = api.requests[0]
    assert str(request.url) == "https://proxy.example/v1/invoices/a"
    assert (request.headers["x-a"], request.headers["x-b"]) == ("1", "2")
    assert other.base_url == "https://proxy.example/v1"
    assert other.environment is None
