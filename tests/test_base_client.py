"""How each call reaches httpx: query strings and fixed headers, sent as before but built more cheaply."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from palomma_client import PalommaClient
from tests.conftest import API_KEY, SANDBOX, RecordingAPI, created_invoice, page_body

pytestmark = pytest.mark.usefixtures("clean_environment")

AWKWARD_TEXT = [
    "INV 2026/0001",
    "a&b=c;d",
    "ñandú",
    "x+y",
    "100%",
    "[]@:?#",
    "~-._",
    "é/?&=#%20",
    "emoji😀",
    "'\"<>",
]


@pytest.mark.parametrize("text", AWKWARD_TEXT)
async def test_query_parameters_are_encoded_exactly_as_httpx_params_encodes_them(
    palomma: PalommaClient, api: RecordingAPI, text: str
) -> None:
    api.default = lambda request: httpx.Response(200, json=page_body([created_invoice()], None))

    await palomma.invoices.list(
        reference=text, contract=text, settlement_date=date(2026, 3, 12), settlement_cycle=11, limit=7
    ).to_list()
    await palomma.invoices.find_by_reference(text)

    params = {"reference": text, "contract": text, "settlementDate": "2026-03-12", "settlementCycle": "11", "limit": 7}
    expected = httpx.Request("GET", f"{SANDBOX}/invoices", params=params).url
    assert api.requests[0].url == expected
    assert api.requests[0].url.raw_path == expected.raw_path
    lookup = httpx.Request("GET", f"{SANDBOX}/invoices", params={"reference": text, "limit": 100}).url
    assert api.requests[1].url.raw_path == lookup.raw_path


async def test_a_cursor_is_sent_back_byte_for_byte(palomma: PalommaClient, api: RecordingAPI) -> None:
    cursor = "eyJwayI6InJlbnRhbHMj+/=="
    api.queue(
        httpx.Response(200, json=page_body([created_invoice()], cursor)),
        httpx.Response(200, json=page_body([created_invoice()], None)),
    )

    await palomma.invoices.list().to_list()

    assert api.requests[1].url.params["cursor"] == cursor
    assert api.requests[1].url.params["limit"] == "20"


async def test_the_pool_it_creates_carries_the_key_and_user_agent_once(api: RecordingAPI) -> None:
    api.queue(httpx.Response(200, json=created_invoice()), httpx.Response(200, json=created_invoice()))
    async with PalommaClient(api_key=API_KEY, transport=api.transport) as palomma:
        pool_headers = palomma._transport.http.headers
        await palomma.invoices.get("abc")
        await palomma.with_options(max_retries=0).invoices.get("abc")

    assert pool_headers["authorization"] == f"Bearer {API_KEY}"
    assert pool_headers["user-agent"].startswith("palomma-client-python/")
    for request in api.requests:
        assert request.headers.get_list("authorization") == [f"Bearer {API_KEY}"]
        assert request.headers.get_list("user-agent") == [pool_headers["user-agent"]]


async def test_a_user_pool_gets_the_headers_with_each_request_and_keeps_its_own(api: RecordingAPI) -> None:
    api.queue(httpx.Response(200, json=created_invoice()))
    headers = {"Authorization": "Bearer someone-elses", "User-Agent": "theirs/1.0", "X-Trace": "abc"}
    async with httpx.AsyncClient(transport=api.transport, headers=headers) as http_client:
        async with PalommaClient(api_key=API_KEY, http_client=http_client) as palomma:
            await palomma.invoices.create(
                reference="INV-2026-0001",
                amount=1_850_000,
                description="Canon de arrendamiento marzo 2026",
                redirect_url="https://merchant.example.com/payments/return",
                customer_document_number="900123456",
            )
        assert http_client.headers["authorization"] == "Bearer someone-elses"

    sent = api.requests[0].headers
    assert sent.get_list("authorization") == [f"Bearer {API_KEY}"]
    assert sent["user-agent"].startswith("palomma-client-python/")
    assert sent["x-trace"] == "abc"
    assert sent["content-type"] == "application/json"
