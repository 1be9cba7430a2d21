"""``with_raw_response``: the status, headers and request behind every method's answer."""

from __future__ import annotations

import datetime

import httpx2
import pytest

from palomma_client import Invoice, PalommaClient, Settlement
from palomma_client._generated.api import METHODS
from palomma_client.types import ListInvoicesResponse
from tests.support import API_KEY, RecordingAPI, Sleeps, created_invoice, page_body, settlement_body

pytestmark = pytest.mark.usefixtures("clean_environment")


@pytest.mark.backends
async def test_a_raw_get_exposes_the_servers_headers_and_parses_to_the_invoice(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(200, json=created_invoice(), headers={"x-request-id": "req_123"}))

    response = await palomma.invoices.with_raw_response.get("abc")

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req_123"
    assert response.http_request.method == "GET"
    assert response.http_request.url.path == "/v1/invoices/abc"
    assert response.http_request.headers["authorization"] == "[redacted]"
    assert API_KEY not in repr(response.http_request.headers)
    assert isinstance(response.elapsed, datetime.timedelta)
    assert response.retries_taken == 0
    invoice = response.parse()
    assert isinstance(invoice, Invoice)
    assert invoice.id == "abc"


async def test_retries_taken_counts_the_retries(palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps) -> None:
    api.queue(httpx2.Response(503, json={"error": "busy"}), httpx2.Response(200, json=settlement_body()))
    response = await palomma.settlements.with_raw_response.get("2026-03-12", "11")
    assert response.retries_taken == 1
    assert isinstance(response.parse(), Settlement)


async def test_a_raw_list_is_one_page_of_the_api(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=page_body([created_invoice()], "next")))
    response = await palomma.invoices.with_raw_response.list(limit=1, cursor="here")
    page = response.parse()
    assert isinstance(page, ListInvoicesResponse)
    assert page.cursor == "next"
    assert api.requests[0].url.params["cursor"] == "here"


def test_every_generated_method_has_a_raw_twin(palomma: PalommaClient) -> None:
    for resource, method in METHODS.values():
        assert callable(getattr(getattr(palomma, resource).with_raw_response, method))
