"""Cursor pagination: follow the API's ``cursor`` until it is ``null``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from palomma_client._constants import MAX_EMPTY_PAGES
from palomma_client._exceptions import PaginationError

__all__ = ["AsyncPager", "Page"]

ItemT = TypeVar("ItemT")

FetchPage = Callable[[str | None], Awaitable["Page[ItemT]"]]


class Page(Generic[ItemT]):
    """One page of a list, which can fetch the page after it.

    A service can hand ``next_cursor`` on to its own callers and resume later
    with ``list(cursor=...)``::

        page = await palomma.invoices.list(limit=50)
        while True:
            handle(page.items)
            if not page.has_next_page():
                break
            page = await page.get_next_page()

    Attributes:
        items: The items on this page, in the API's order.
        next_cursor: The cursor of the next page, or ``None`` on the last page.
    """

    __slots__ = ("_fetch", "items", "next_cursor")

    def __init__(self, items: list[ItemT], next_cursor: str | None, fetch: FetchPage[ItemT] | None = None) -> None:
        self.items = items
        self.next_cursor = next_cursor
        self._fetch = fetch

    @property
    def cursor(self) -> str | None:
        """The same as ``next_cursor``."""
        return self.next_cursor

    def has_next_page(self) -> bool:
        """Whether the API said there is a page after this one."""
        return self.next_cursor is not None

    async def get_next_page(self) -> Page[ItemT]:
        """Fetch the page after this one, with the same filters and options.

        Raises:
            PaginationError: This is the last page (check ``has_next_page()`` first).
        """
        if self.next_cursor is None or self._fetch is None:
            raise PaginationError("this is the last page: has_next_page() is False")
        return _bound(await self._fetch(self.next_cursor), self._fetch)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Page):
            return NotImplemented
        return (self.items, self.next_cursor) == (other.items, other.next_cursor)

    def __hash__(self) -> int:
        return hash(self.next_cursor)

    def __repr__(self) -> str:
        return f"Page(items=[{len(self.items)} items], next_cursor={self.next_cursor!r})"


def _bound(page: Page[ItemT], fetch: FetchPage[ItemT]) -> Page[ItemT]:
    page._fetch = fetch  # noqa: SLF001  # Page is this module's
    return page


class AsyncPager(Generic[ItemT]):
    """Every item of a list, fetched one page at a time; or, awaited, its first page.

    ``async for item in pager`` yields items across all pages;
    ``async for page in pager.pages()`` yields whole pages; ``await pager``
    gives the first page only (with ``get_next_page()``). Only the current
    page is held in memory, and nothing is fetched until iteration starts.
    Each iteration starts again from the first page, or from the cursor the
    list was called with.
    """

    __slots__ = ("_fetch_page", "_first_cursor", "_max_items")

    def __init__(
        self,
        fetch_page: FetchPage[ItemT],
        *,
        first_cursor: str | None = None,
        max_items: int | None = None,
    ) -> None:
        self._fetch_page = fetch_page
        self._first_cursor = first_cursor
        self._max_items = max_items

    def __await__(self) -> Generator[Any, None, Page[ItemT]]:
        return self._first_page().__await__()

    async def _first_page(self) -> Page[ItemT]:
        page = _bound(await self._fetch_page(self._first_cursor), self._fetch_page)
        if self._max_items is not None and len(page.items) > self._max_items:
            return Page(page.items[: self._max_items], page.next_cursor, self._fetch_page)
        return page

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self._items()

    async def _items(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[ItemT]]:
        """Yield whole pages until the last one, or until ``max_items`` items have been yielded.

        Raises:
            PaginationError: The API returned a cursor it had already returned, or
                ``MAX_EMPTY_PAGES`` empty pages in a row that each promised another.
        """
        walk = self._walk()
        while (page := await walk.next_page()) is not None:
            yield page

    def _walk(self) -> _Walk[ItemT]:
        return _Walk(self._fetch_page, self._first_cursor, self._max_items)

    async def to_list(self) -> list[ItemT]:
        """Fetch every remaining page and return all items; prefer ``async for`` for large lists."""
        # Whole pages at a time, and without an async generator: one step of
        # one per item costs more than copying the item, and starting one
        # costs as much as building the request.
        walk = self._walk()
        items: list[ItemT] = []
        while (page := await walk.next_page()) is not None:
            items.extend(page.items)
        return items


class _Walk(Generic[ItemT]):
    """One pass over a list, a page at a time: the cursors seen, the items still wanted."""

    __slots__ = ("_cursor", "_done", "_empty_in_a_row", "_fetch_page", "_last", "_remaining", "_seen_cursors")

    def __init__(self, fetch_page: FetchPage[ItemT], first_cursor: str | None, max_items: int | None) -> None:
        self._fetch_page = fetch_page
        self._cursor = first_cursor
        self._remaining = max_items
        self._seen_cursors: set[str] = {first_cursor} if first_cursor is not None else set()
        self._empty_in_a_row = 0
        self._last: Page[ItemT] | None = None
        self._done = False

    async def next_page(self) -> Page[ItemT] | None:
        """The next page, or ``None`` after the last one or once ``max_items`` items have been given."""
        if self._done:
            return None
        if self._last is not None:
            # Checked only when the next page is asked for: the caller has had the last one.
            self._follow(self._last)
        page = self._last = _bound(await self._fetch_page(self._cursor), self._fetch_page)
        self._done = page.next_cursor is None
        if self._remaining is not None:
            wanted, self._remaining = self._remaining, self._remaining - len(page.items)
            if self._remaining <= 0:
                self._done = True
                if len(page.items) > wanted:
                    return Page(page.items[:wanted], page.next_cursor, self._fetch_page)
        return page

    def _follow(self, page: Page[ItemT]) -> None:
        self._empty_in_a_row = 0 if page.items else self._empty_in_a_row + 1
        if self._empty_in_a_row >= MAX_EMPTY_PAGES:
            raise PaginationError(
                f"the API returned {self._empty_in_a_row} empty pages in a row, each with a new cursor; "
                "stopping instead of paging forever"
            )
        cursor = page.next_cursor
        assert cursor is not None, "a page without a next cursor is the last"
        if cursor in self._seen_cursors:
            raise PaginationError(
                f"the API returned the cursor {cursor[:40]!r} twice; stopping instead of looping forever"
            )
        self._seen_cursors.add(cursor)
        self._cursor = cursor
