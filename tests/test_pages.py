"""Pages a service can hand on: await a list for its first page, resume from a cursor, stop on empty runs."""

from __future__ import annotations

import httpx2
import pytest

from palomma_client import MAX_EMPTY_PAGES, Invoice, Page, PaginationError, PalommaClient
from tests.support import RecordingAPI, created_invoice, page_body

pytestmark = pytest.mark.usefixtures("clean_environment")


def _invoices(*ids: str) -> list[dict[str, object]]:
    return [created_invoice(id=invoice_id) for invoice_id in ids]


async def test_awaiting_a_list_gives_its_first_page_and_get_next_page_the_next(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(
        httpx2.Response(200, json=page_body(_invoices("a", "b"), "c1")),
        httpx2.Response(200, json=page_body(_invoices("c"), None)),
    )

    page = await palomma.invoices.list(limit=2, contract="C-1")

    assert isinstance(page, Page)
    assert [invoice.id for invoice in page.items] == ["a", "b"]
    assert all(isinstance(invoice, Invoice) for invoice in page.items)
    assert page.next_cursor == "c1"
    assert page.has_next_page()
    last = await page.get_next_page()
    assert [invoice.id for invoice in last.items] == ["c"]
    assert not last.has_next_page()
    with pytest.raises(PaginationError, match="last page"):
        await last.get_next_page()
    assert api.requests[1].url.params["cursor"] == "c1"
    assert api.requests[1].url.params["contract"] == "C-1"
    assert api.requests[1].url.params["limit"] == "2"


async def test_a_list_resumes_from_a_cursor(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=page_body(_invoices("c"), None)))

    assert [invoice.id async for invoice in palomma.invoices.list(cursor="c1")] == ["c"]

    assert api.requests[0].url.params["cursor"] == "c1"


async def test_async_for_and_pages_still_walk_every_page(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(
        httpx2.Response(200, json=page_body(_invoices("a"), "c1")),
        httpx2.Response(200, json=page_body(_invoices("b"), None)),
        httpx2.Response(200, json=page_body(_invoices("a"), "c1")),
        httpx2.Response(200, json=page_body(_invoices("b"), None)),
    )
    pager = palomma.invoices.list()

    assert [invoice.id async for invoice in pager] == ["a", "b"]
    assert [[invoice.id for invoice in page.items] async for page in pager.pages()] == [["a"], ["b"]]


async def test_a_run_of_empty_pages_with_fresh_cursors_stops_with_a_pagination_error(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    counter = iter(range(1_000))
    api.default = lambda request: httpx2.Response(200, json=page_body([], f"cursor-{next(counter)}"))

    with pytest.raises(PaginationError, match=f"{MAX_EMPTY_PAGES} empty pages"):
        await palomma.invoices.list().to_list()

    assert len(api.requests) == MAX_EMPTY_PAGES
