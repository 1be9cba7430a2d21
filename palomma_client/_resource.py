"""The base class of the generated resources, and the one narrow object they send through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import httpx2

from palomma_client._pagination import AsyncPager, Page
from palomma_client._request import ApiRequest
from palomma_client._validation import check_positive_int

__all__ = ["APIResource", "ParseResponse", "Requester"]

T = TypeVar("T")
ItemT = TypeVar("ItemT")

ParseResponse = Callable[[int, Any], T]
"""A generated ``parse_response``: the model, from the status code and the decoded JSON body."""


class Requester(Protocol):
    """Sends a request that generated code built, and hands the answer back to generated code to parse."""

    def send(
        self, request: ApiRequest, parse: ParseResponse[T], *, timeout: float | httpx2.Timeout | None = None
    ) -> Awaitable[T]:
        """Send ``request`` with the client's auth, timeouts, retry policy and error mapping."""
        ...


class APIResource:
    """One tag of the API (``palomma.invoices``): its generated methods send through ``requester``."""

    __slots__ = ("_requester",)

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    async def _request(
        self, request: ApiRequest, parse: ParseResponse[T], *, timeout: float | httpx2.Timeout | None
    ) -> T:
        return await self._requester.send(request, parse, timeout=timeout)

    def _paginate(
        self,
        request_for: Callable[[str | None], ApiRequest],
        parse: ParseResponse[T],
        page_of: Callable[[T], Page[ItemT]],
        *,
        first_cursor: str | None,
        max_items: int | None,
        timeout: float | httpx2.Timeout | None,
    ) -> AsyncPager[ItemT]:
        # Building the first request now checks every argument before the
        # caller starts iterating: a bad filter fails at the call, not later.
        first_request = request_for(first_cursor)
        if max_items is not None:
            check_positive_int("max_items", max_items)

        async def fetch(cursor: str | None) -> Page[ItemT]:
            request = first_request if cursor == first_cursor else request_for(cursor)
            return page_of(await self._requester.send(request, parse, timeout=timeout))

        return AsyncPager(fetch, first_cursor=first_cursor, max_items=max_items)
