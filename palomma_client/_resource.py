"""The base class of the generated resources, and the one narrow object they send through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ParamSpec, Self, TypeVar, cast

from palomma_client._pagination import AsyncPager, Page
from palomma_client._request import (
    NO_OPTIONS,
    ApiRequest,
    ParseResponse,
    Requester,
    RequestOptions,
    Sent,
    TimeoutOption,
)
from palomma_client._response import APIResponse
from palomma_client._validation import (
    check_headers,
    check_mapping,
    check_max_retries,
    check_positive_int,
    check_timeout,
)

__all__ = ["APIResource", "raw_response_method", "request_options"]

P = ParamSpec("P")
T = TypeVar("T")
ItemT = TypeVar("ItemT")


def request_options(
    *,
    extra_headers: Mapping[str, str | None] | None,
    extra_query: Mapping[str, str] | None,
    extra_body: Mapping[str, Any] | None,
    timeout: TimeoutOption,
    max_retries: int | None,
) -> RequestOptions:
    """The per-call options of a resource method, checked before anything is sent.

    Raises:
        InvalidParameterError: An option is malformed, or ``extra_headers`` tries to set ``Authorization``.
    """
    if extra_headers is None and extra_query is None and extra_body is None and timeout is None and max_retries is None:
        return NO_OPTIONS
    query: dict[str, str] | None = None
    if extra_query is not None:
        query = {
            key: value if isinstance(value, str) else str(value)
            for key, value in check_mapping("extra_query", extra_query).items()
        }
    return RequestOptions(
        extra_headers=None if extra_headers is None else check_headers("extra_headers", extra_headers, allow_none=True),
        extra_query=query,
        extra_body=None if extra_body is None else check_mapping("extra_body", extra_body),
        timeout=None if timeout is None else check_timeout(timeout),
        max_retries=None if max_retries is None else check_max_retries(max_retries),
    )


class APIResource:
    """One tag of the API (``palomma.invoices``): its generated methods send through ``requester``."""

    __slots__ = ("_requester",)

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    async def _raw_request(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions
    ) -> APIResponse[T]:
        return APIResponse(await self._requester.send_for_raw(request, parse, options))

    def _raw_twin(self) -> Self:
        """The same resource, its methods answering with the ``APIResponse`` instead of the parsed value."""
        twin = object.__new__(type(self))
        APIResource.__init__(twin, _RawRequester(self._requester))
        return twin

    def _paginate(
        self,
        request_for: Callable[[str | None], ApiRequest],
        parse: ParseResponse[T],
        page_of: Callable[[T], Page[ItemT]],
        *,
        first_cursor: str | None,
        max_items: int | None,
        options: RequestOptions,
    ) -> AsyncPager[ItemT]:
        # Building the first request now checks every argument before the
        # caller starts iterating: a bad filter fails at the call, not later.
        first_request = request_for(first_cursor)
        if max_items is not None:
            check_positive_int("max_items", max_items)

        async def fetch(cursor: str | None) -> Page[ItemT]:
            request = first_request if cursor == first_cursor else request_for(cursor)
            return page_of(await self._requester.send(request, parse, options))

        return AsyncPager(fetch, first_cursor=first_cursor, max_items=max_items)


class _RawRequester:
    """Sends through a client's requester, and answers with the ``APIResponse`` rather than the value."""

    __slots__ = ("_requester",)

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    async def send(self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions = NO_OPTIONS) -> Any:
        return APIResponse(await self._requester.send_for_raw(request, parse, options))

    async def send_for_raw(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions = NO_OPTIONS
    ) -> Sent[T]:
        return await self._requester.send_for_raw(request, parse, options)


def raw_response_method(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[APIResponse[T]]]:
    """A method of a resource's ``_raw_twin()``, typed as what it returns there: the ``APIResponse``.

    The raw-response twin of a resource is made of these, so it takes exactly the arguments of the
    resource's own methods without restating any signature.
    """
    return cast("Callable[P, Awaitable[APIResponse[T]]]", method)
