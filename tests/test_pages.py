"""Pages a service can hand on: await a list for its first page, resume from a cursor, stop on empty runs."""

from __future__ import annotations

import pytest

from palomma_client import MAX_EMPTY_PAGES, Page, PaginationError, PalommaClient
from tests.spec_calls import PagedCall, a_paged_list
from tests.support import RecordingAPI

pytestmark = pytest.mark.usefixtures("clean_environment")


@pytest.fixture
def paged() -> PagedCall:
    """A list of the spec the SDK walks by cursor, with every argument it takes but the cursor."""
    return a_paged_list().with_every_argument()


async def test_awaiting_a_list_gives_its_first_page_and_get_next_page_the_next(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(paged.page(["a", "b"], "c1"), paged.page(["c"], None))

    page = await paged(palomma)

    assert isinstance(page, Page)
    assert page.items == paged.expected_items(["a", "b"])
    assert page.next_cursor == "c1"
    assert page.has_next_page()
    last = await page.get_next_page()
    assert [paged.label(item) for item in last.items] == ["c"]
    assert not last.has_next_page()
    with pytest.raises(PaginationError, match="last page"):
        await last.get_next_page()
    assert api.methods() == [paged.line] * 2
    assert dict(api.requests[1].url.params) == {**paged.query, "cursor": "c1"}


async def test_a_list_resumes_from_a_cursor(paged: PagedCall, palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(paged.page(["c"], None))

    assert [paged.label(item) async for item in paged(palomma, cursor="c1")] == ["c"]

    assert api.requests[0].url.params["cursor"] == "c1"


async def test_async_for_and_pages_still_walk_every_page(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(
        paged.page(["a"], "c1"),
        paged.page(["b"], None),
        paged.page(["a"], "c1"),
        paged.page(["b"], None),
    )
    pager = paged(palomma)

    assert [paged.label(item) async for item in pager] == ["a", "b"]
    assert [[paged.label(item) for item in page.items] async for page in pager.pages()] == [["a"], ["b"]]


async def test_a_run_of_empty_pages_with_fresh_cursors_stops_with_a_pagination_error(
    paged: PagedCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    counter = iter(range(1_000))
    api.default = lambda request: paged.page([], f"cursor-{next(counter)}")

    with pytest.raises(PaginationError, match=f"{MAX_EMPTY_PAGES} empty pages"):
        await paged(palomma).to_list()

    assert len(api.requests) == MAX_EMPTY_PAGES
