"""The pager follows cursors to the end, one page at a time, and refuses to loop."""

from __future__ import annotations

import httpx2
import pytest

from palomma_client import AsyncPager, Invoice, Page, PaginationError, PalommaClient
from tests.support import RecordingAPI, created_invoice, page_body


def _serve_pages(api: RecordingAPI, pages: int, per_page: int) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        number = int(request.url.params.get("cursor", "page-0").split("-")[1])
        items = [created_invoice(id=f"inv-{number}-{index}") for index in range(per_page)]
        cursor = f"page-{number + 1}" if number + 1 < pages else None
        return httpx2.Response(200, json=page_body(items, cursor))

    api.default = handler


async def test_a_25_page_list_is_iterated_fully_in_order(palomma: PalommaClient, api: RecordingAPI) -> None:
    _serve_pages(api, pages=25, per_page=4)

    ids = [invoice.id async for invoice in palomma.invoices.list(contract="CTR-8842", limit=4)]

    assert len(ids) == 100
    assert ids[:5] == ["inv-0-0", "inv-0-1", "inv-0-2", "inv-0-3", "inv-1-0"]
    assert ids[-1] == "inv-24-3"
    assert len(api.requests) == 25
    assert [request.url.params.get("cursor") for request in api.requests[:3]] == [None, "page-1", "page-2"]
    assert all(request.url.params["contract"] == "CTR-8842" for request in api.requests)
    assert all(request.url.params["limit"] == "4" for request in api.requests)


async def test_pages_yields_whole_pages_with_their_cursors(palomma: PalommaClient, api: RecordingAPI) -> None:
    _serve_pages(api, pages=25, per_page=2)

    pages = [page async for page in palomma.invoices.list(limit=2).pages()]

    assert len(pages) == 25
    assert all(isinstance(page, Page) and len(page.items) == 2 for page in pages)
    assert pages[0].cursor == "page-1"
    assert pages[-1].cursor is None
    assert isinstance(pages[0].items[0], Invoice)


async def test_breaking_out_early_fetches_no_further_pages(palomma: PalommaClient, api: RecordingAPI) -> None:
    _serve_pages(api, pages=25, per_page=4)
    seen = []
    async for invoice in palomma.invoices.list(limit=4):
        seen.append(invoice.id)
        if len(seen) == 6:
            break
    assert len(api.requests) == 2


async def test_max_items_stops_mid_page_and_mid_list(palomma: PalommaClient, api: RecordingAPI) -> None:
    _serve_pages(api, pages=25, per_page=4)

    ids = [invoice.id async for invoice in palomma.invoices.list(limit=4, max_items=10)]
    pages = [page async for page in palomma.invoices.list(limit=4, max_items=8).pages()]

    assert ids == [f"inv-{page}-{index}" for page in range(3) for index in range(4)][:10]
    assert [len(page.items) for page in pages] == [4, 4]
    assert len(api.requests) == 3 + 2


@pytest.mark.parametrize("max_items", [None, 1, 4, 5, 8, 99, 100, 101])
async def test_to_list_gives_what_async_for_gives_with_the_same_requests(
    palomma: PalommaClient, api: RecordingAPI, max_items: int | None
) -> None:
    _serve_pages(api, pages=25, per_page=4)

    iterated = [invoice.id async for invoice in palomma.invoices.list(limit=4, max_items=max_items)]
    iterated_requests = len(api.requests)
    listed = [invoice.id for invoice in await palomma.invoices.list(limit=4, max_items=max_items).to_list()]

    assert listed == iterated
    assert len(listed) == min(100, max_items or 100)
    assert len(api.requests) == 2 * iterated_requests
    assert iterated_requests == -(-len(listed) // 4)


async def test_an_empty_list_is_one_request(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=page_body([], None)))
    assert await palomma.invoices.list().to_list() == []
    assert len(api.requests) == 1


async def test_a_missing_cursor_field_means_the_last_page(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json={"items": [created_invoice()], "count": 1}))
    assert len(await palomma.invoices.list().to_list()) == 1


async def test_a_repeated_cursor_raises_instead_of_looping_forever(palomma: PalommaClient, api: RecordingAPI) -> None:
    cursors = iter(["A", "B", "A"])
    api.default = lambda request: httpx2.Response(200, json=page_body([created_invoice()], next(cursors)))

    seen: list[Invoice] = []

    async def collect() -> None:
        async for invoice in palomma.invoices.list():
            seen.append(invoice)

    with pytest.raises(PaginationError, match="returned the cursor 'A' twice"):
        await collect()

    assert len(seen) == 3
    assert [request.url.params.get("cursor") for request in api.requests] == [None, "A", "B"]


async def test_the_same_cursor_twice_in_a_row_is_caught_at_once(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.default = lambda request: httpx2.Response(200, json=page_body([], "stuck"))
    with pytest.raises(PaginationError):
        await palomma.invoices.list().to_list()
    assert len(api.requests) == 2


async def test_each_iteration_starts_again_and_nothing_is_fetched_before_it(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    _serve_pages(api, pages=2, per_page=1)
    pager = palomma.invoices.list()
    assert isinstance(pager, AsyncPager)
    assert api.requests == []
    assert [invoice.id async for invoice in pager] == ["inv-0-0", "inv-1-0"]
    assert [invoice.id async for invoice in pager] == ["inv-0-0", "inv-1-0"]
    assert len(api.requests) == 4
