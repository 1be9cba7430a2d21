"""Cursor pagination: follow ``cursor`` until the API returns ``null``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from palomma_client._exceptions import PaginationError

__all__ = ["AsyncPager", "Page"]

ItemT = TypeVar("ItemT")


@dataclass(frozen=True, slots=True)
class Page(Generic[ItemT]):
    """One page of a list.

    Attributes:
        items: The items on this page, in the API's order.
        cursor: The cursor of the next page, or ``None`` on the last page.
    """

    items: list[ItemT]
    cursor: str | None


class AsyncPager(Generic[ItemT]):
    """An async iterable over every item of a list, fetched one page at a time.

    ``async for item in pager`` yields items across all pages;
    ``async for page in pager.pages()`` yields whole pages. Only the current
    page is held in memory, and nothing is fetched until iteration starts.
    Each iteration starts again from the first page, or from the cursor the
    list was called with.
    """

    __slots__ = ("_fetch_page", "_first_cursor", "_max_items")

    def __init__(
        self,
        fetch_page: Callable[[str | None], Awaitable[Page[ItemT]]],
        *,
        first_cursor: str | None = None,
        max_items: int | None = None,
    ) -> None:
        self._fetch_page = fetch_page
        self._first_cursor = first_cursor
        self._max_items = max_items

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self._items()

    async def _items(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[ItemT]]:
        """Yield whole pages until the last one, or until ``max_items`` items have been yielded.

        Raises:
            PaginationError: The API returned a cursor it had already returned.
        """
        remaining = self._max_items
        cursor = self._first_cursor
        seen_cursors: set[str] = {cursor} if cursor is not None else set()
        while remaining is None or remaining > 0:
            page = await self._fetch_page(cursor)
            if remaining is not None:
                if len(page.items) >= remaining:
                    yield Page(page.items[:remaining], page.cursor) if len(page.items) > remaining else page
                    return
                remaining -= len(page.items)
            yield page
            if page.cursor is None:
                return
            if page.cursor in seen_cursors:
                raise PaginationError(
                    f"the API returned the cursor {page.cursor[:40]!r} twice; stopping instead of looping forever"
                )
            seen_cursors.add(page.cursor)
            cursor = page.cursor

    async def to_list(self) -> list[ItemT]:
        """Fetch every remaining page and return all items; prefer ``async for`` for large lists."""
        # Whole pages at a time: one step of an async generator per item costs
        # more than copying the item.
        items: list[ItemT] = []
        async for page in self.pages():
            items.extend(page.items)
        return items
