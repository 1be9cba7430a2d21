"""``palomma.settlements``: the payouts of collected rent, five cycles a day."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from palomma_client._generated.api.settlements import get_settlement
from palomma_client._generated.models import Settlement
from palomma_client._reconcile import ReconciliationReport, reconcile
from palomma_client._validation import check_cycle, check_date

if TYPE_CHECKING:
    import datetime

    import httpx2

    from palomma_client._client import PalommaClient

__all__ = ["Settlements"]


class Settlements:
    """Settlements: what Palomma paid out for one date and cycle (11, 13, 16, 18 and 20 hours)."""

    __slots__ = ("_client",)

    def __init__(self, client: PalommaClient) -> None:
        self._client = client

    async def get(
        self, date: datetime.date | str, cycle: str | int, *, timeout: float | httpx2.Timeout | None = None
    ) -> Settlement:
        """Fetch the settlement of one date and cycle.

        Args:
            date: The settlement date, as ``datetime.date`` or ``"YYYY-MM-DD"``.
            cycle: The cycle, such as ``"11"`` (an int such as ``11`` is sent as its digits).
            timeout: Overrides the client's timeout for each request of this call.

        Returns:
            The settlement: amounts collected, fees, adjustments and the net ``payment_amount``.

        Raises:
            InvalidParameterError: ``date`` or ``cycle`` is malformed; nothing was sent.
            NotFoundError: There is no settlement for this date and cycle.
            APIStatusError: The API answered with another error.
            APIConnectionError: The API could not be reached, after retries.
        """
        settlement_date = check_date("date", date)
        settlement_cycle = check_cycle("cycle", cycle)
        client = self._client
        send = functools.partial(get_settlement.asyncio_detailed, settlement_date, settlement_cycle)
        return await client._transport.send_with_retries(
            send,
            Settlement,
            timeout=client._timeout_for(timeout),
            max_retries=client.max_retries,
            sleep=client._sleep,
            description=f"get settlement {settlement_date.isoformat()}/{settlement_cycle}",
        )

    async def reconcile(
        self, date: datetime.date | str, cycle: str | int, *, timeout: float | httpx2.Timeout | None = None
    ) -> ReconciliationReport:
        """Check a settlement against every invoice listed for its date and cycle.

        Fetches the settlement, then every invoice with that ``settlementDate`` and ``settlementCycle``
        (all pages), and checks that the invoices' ``paymentAmount`` add up to ``amountCollected``,
        that their number is ``numberOfInvoices``, and that ``amountCollected - fees + adjustments``
        (``amountCollected + adjustments`` when ``feesPostpaid``) is the ``paymentAmount`` paid out::

            report = await palomma.settlements.reconcile("2026-03-12", "11")
            if not report.balanced:
                for discrepancy in report.discrepancies:
                    print(discrepancy.kind, discrepancy.message)

        A charged-back invoice counts in the settlement it was paid in, like a paid one: its money
        was collected then, and the API keeps its payment fields. The reversal arrives later as a
        negative adjustment, which the API does not tie to an invoice.

        Args:
            date: The settlement date, as ``datetime.date`` or ``"YYYY-MM-DD"``.
            cycle: The cycle, such as ``"11"`` (an int such as ``11`` is sent as its digits).
            timeout: Overrides the client's timeout for each request of this call.

        Returns:
            A ``ReconciliationReport``: ``balanced``, the figures on both sides, and each ``Discrepancy``
            with its kind and a readable message.

        Raises:
            InvalidParameterError: ``date`` or ``cycle`` is malformed; nothing was sent.
            NotFoundError: There is no settlement for this date and cycle.
            APIStatusError: The API answered with another error.
            APIConnectionError: The API could not be reached, after retries.
            PaginationError: The invoice listing repeated a cursor.
        """
        return await reconcile(self._client, date, cycle, timeout=timeout)
