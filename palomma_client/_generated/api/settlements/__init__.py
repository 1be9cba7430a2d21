"""``palomma.settlements``: one method per operation of the spec's ``settlements`` tag."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import httpx2

from palomma_client._pagination import AsyncPager
from palomma_client._request import ApiRequest
from palomma_client._resource import APIResource, raw_response_method, request_options
from palomma_client._response import APIResponse

from ...models.settlement import Settlement
from . import get_settlement

__all__ = ["SettlementsResource", "SettlementsResourceWithRawResponse"]


class SettlementsResource(APIResource):
    """Retrieve settlements by date and cycle."""

    __slots__ = ()

    @property
    def with_raw_response(self) -> SettlementsResourceWithRawResponse:
        """The same methods, each returning an ``APIResponse`` with the status, headers and ``parse()``."""
        return SettlementsResourceWithRawResponse(self)

    async def get(
        self,
        date: datetime.date | str,
        cycle: str,
        *,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int | None = None,
    ) -> Settlement:
        """Get settlement by date and cycle.

        Returns the settlement of the authenticated merchant for a settlement date and cycle.

        Args:
            date: Settlement date (`YYYY-MM-DD`).
            cycle: Settlement cycle identifier. Settlements run five times a day, at 11:00, 13:00, 16:00,
                18:00 and 20:00 (`11`, `13`, `16`, `18`, `20`).
            extra_headers: Headers to add to this call's requests; a value of ``None`` removes one.
            extra_query: Query parameters to add to this call's requests.
            extra_body: JSON fields to add to this call's request body.
            timeout: Overrides the client's timeout for each attempt of this call.
            max_retries: Overrides the client's ``max_retries`` for this call.

        Retries: up to ``max_retries`` times after a connection failure, a timeout, a 408, a 429 (honouring
        ``Retry-After``) or a 5xx, with backoff.

        Returns:
            The ``Settlement``.

        Raises:
            InvalidParameterError: An argument breaks the API's rules; nothing was sent.
            BadRequestError: The API rejected the input.
            AuthenticationError: The API key is missing or wrong.
            NotFoundError: No such resource.
            APIStatusError: The API answered with another error status.
            APIConnectionError: The API could not be reached, after retries.
            APIResponseValidationError: The answer does not match the spec.
        """
        request = get_settlement.build_request(
            date,
            cycle,
        )
        return await self._requester.send(
            request,
            get_settlement.parse_response,
            request_options(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                max_retries=max_retries,
            ),
        )


class SettlementsResourceWithRawResponse:
    """``palomma.settlements.with_raw_response``: each method returns the ``APIResponse`` behind its answer.

    The methods are the resource's own, sent through a requester that keeps the answer: same
    arguments, same checks.
    """

    __slots__ = (
        "_resource",
        "get",
    )

    def __init__(self, resource: SettlementsResource) -> None:
        self._resource = resource
        raw = resource._raw_twin()
        self.get = raw_response_method(raw.get)
        """``settlements.get``, returning the raw response; ``parse()`` gives the ``Settlement``."""
