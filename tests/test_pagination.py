"""The pager follows cursors to the end, one page at a time, and refuses to loop."""

from __future__ import annotations

import httpx2
import pytest

from palomma_client import AsyncPager, Page, PaginationError, PalommaClient
from tests.spec_calls import PagedCall, a_paged_list
from tests.support import RecordingAPI


@pytest.fixture
def paged() -> PagedCall:
    """A list of the spec the SDK walks by cursor, with every argument it takes but the cursor."""
    return a_paged_list().with_every_argument()


def _labels(pages: int, per_page: int) -> list[str]:
    return [f"item-{number}-{index}" for number in range(pages) for index in range(per_page)]


def _serve_pages(api: RecordingAPI, paged: PagedCall, pages: int, per_page: int) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        number = int(request.url.params.get("cursor", "page-0").split("-")[1])
        labels = [f"item-{number}-{index}" for index in range(per_page)]
        cursor = f"page-{number + 1}" if number + 1 < pages else None
        return paged.page(labels, cursor)

    api.default = handler


async def test_a_25_page_list_is_iterated_fully_in_order(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    _serve_pages(api, paged, pages=25, per_page=4)

    items = [item async for item in paged(palomma)]

    assert [paged.label(item) for item in items] == _labels(25, 4)
    assert items[:4] == paged.expected_items(_labels(1, 4))
    assert api.methods() == [paged.line] * 25
    assert [request.url.params.get("cursor") for request in api.requests[:3]] == [None, "page-1", "page-2"]
    # Every page is asked with the call's own arguments, the cursor aside.
    assert all(
        {name: value for name, value in request.url.params.items() if name != "cursor"} == paged.query
        for request in api.requests
    )


async def test_pages_yields_whole_pages_with_their_cursors(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    _serve_pages(api, paged, pages=25, per_page=2)

    pages = [page async for page in paged(palomma).pages()]

    assert len(pages) == 25
    assert all(isinstance(page, Page) and len(page.items) == 2 for page in pages)
    assert pages[0].cursor == "page-1"
    assert pages[-1].cursor is None
    assert pages[0].items == paged.expected_items(["item-0-0", "item-0-1"])


async def test_breaking_out_early_fetches_no_further_pages(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    _serve_pages(api, paged, pages=25, per_page=4)
    seen = []
    async for item in paged(palomma):
        seen.append(paged.label(item))
        if len(seen) == 6:
            break
    assert seen == _labels(2, 4)[:6]
    assert len(api.requests) == 2


async def test_max_items_stops_mid_page_and_mid_list(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    _serve_pages(api, paged, pages=25, per_page=4)

    labels = [paged.label(item) async for item in paged(palomma, max_items=10)]
    pages = [page async for page in paged(palomma, max_items=8).pages()]

    assert labels == _labels(3, 4)[:10]
    assert [len(page.items) for page in pages] == [4, 4]
    assert len(api.requests) == 3 + 2


@pytest.mark.parametrize("max_items", [None, 1, 4, 5, 8, 99, 100, 101])
async def test_to_list_gives_what_async_for_gives_with_the_same_requests(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI, max_items: int | None
) -> None:
    _serve_pages(api, paged, pages=25, per_page=4)

    iterated = [paged.label(item) async for item in paged(palomma, max_items=max_items)]
    iterated_requests = len(api.requests)
    listed = [paged.label(item) for item in await paged(palomma, max_items=max_items).to_list()]

    assert listed == iterated
    assert len(listed) == min(100, max_items or 100)
    assert len(api.requests) == 2 * iterated_requests
    assert iterated_requests == -(-len(listed) // 4)


async def test_an_empty_list_is_one_request(paged: PagedCall, palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(paged.page([], None))
    assert await paged(palomma).to_list() == []
    assert len(api.requests) == 1


async def test_a_missing_cursor_field_means_the_last_page(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    if paged.cursor_required:
        pytest.skip(f"the spec's answer of {paged.call.operation_id!r} always carries its cursor")
    body = paged.body(["only"], None)
    del body[paged.cursor_name]
    api.queue(httpx2.Response(paged.call.answer.status, json=body))
    assert [paged.label(item) for item in await paged(palomma).to_list()] == ["only"]
    assert len(api.requests) == 1


async def test_a_repeated_cursor_raises_instead_of_looping_forever(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    cursors = iter(["A", "B", "A"])
    labels = iter(["first", "second", "third"])
    api.default = lambda request: paged.page([next(labels)], next(cursors))

    seen: list[str] = []

    async def collect() -> None:
        async for item in paged(palomma):
            seen.append(paged.label(item))

    with pytest.raises(PaginationError, match="returned the cursor 'A' twice"):
        await collect()

    assert seen == ["first", "second", "third"]
    assert [request.url.params.get("cursor") for request in api.requests] == [None, "A", "B"]


async def test_the_same_cursor_twice_in_a_row_is_caught_at_once(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.default = lambda request: paged.page([], "stuck")
    with pytest.raises(PaginationError):
        await paged(palomma).to_list()
    assert len(api.requests) == 2


async def test_each_iteration_starts_again_and_nothing_is_fetched_before_it(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    _serve_pages(api, paged, pages=2, per_page=1)
    pager = paged(palomma)
    assert isinstance(pager, AsyncPager)
    assert api.requests == []
    assert [paged.label(item) async for item in pager] == ["item-0-0", "item-1-0"]
    assert [paged.label(item) async for item in pager] == ["item-0-0", "item-1-0"]
    assert len(api.requests) == 4
