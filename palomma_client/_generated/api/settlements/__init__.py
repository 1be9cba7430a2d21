"""``palomma.settlements``: one method per operation of the spec's ``settlements`` tag."""

from __future__ import annotations

import datetime
from typing import Any

import httpx2

from palomma_client._pagination import AsyncPager
from palomma_client._request import ApiRequest
from palomma_client._resource import APIResource

from ...models.settlement import Settlement
from . import get_settlement

__all__ = ["SettlementsResource"]


class SettlementsResource(APIResource):
    """Retrieve settlements by date and cycle."""

    __slots__ = ()

    async def get(
        self,
        date: datetime.date | str,
        cycle: str,
        *,
        timeout: float | httpx2.Timeout | None = None,
    ) -> Settlement:
        """Get settlement by date and cycle.

        Returns the settlement of the authenticated merchant for a settlement date and cycle.

        Args:
            date: Settlement date (`YYYY-MM-DD`).
            cycle: Settlement cycle identifier. Settlements run five times a day, at 11:00, 13:00, 16:00,
                18:00 and 20:00 (`11`, `13`, `16`, `18`, `20`).
            timeout: Overrides the client's timeout for each request of this call.

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
        return await self._request(request, get_settlement.parse_response, timeout=timeout)
