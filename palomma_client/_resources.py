"""The resources a client carries: the generated ones, plus hand-written workflows above the API.

Every operation of the spec is a generated method of ``InvoicesResource`` or
``SettlementsResource``; a method the spec adds appears here with no change.
These subclasses only add what is no single operation: looking an invoice up
by its reference, batch invoicing and reconciliation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

import httpx2

from palomma_client._constants import DEFAULT_BATCH_CONCURRENCY
from palomma_client._generated.api.invoices import InvoicesResource
from palomma_client._generated.api.settlements import SettlementsResource
from palomma_client._generated.models import Invoice
from palomma_client.workflows._batch import InvoiceBatchResult, InvoiceRequest, ProgressCallback, create_many
from palomma_client.workflows._reconcile import ReconciliationReport, reconcile

__all__ = ["Invoices", "Settlements"]


class Invoices(InvoicesResource):
    """Invoices: a rent charge with a hosted payment link that expires five minutes after creation."""

    __slots__ = ()

    async def find_by_reference(
        self, reference: str, *, timeout: float | httpx2.Timeout | None = None
    ) -> Invoice | None:
        """Return the invoice with this merchant reference, or ``None`` if there is none.

        Args:
            reference: The merchant reference given when the invoice was created.
            timeout: Overrides the client's timeout for each request of this call.

        Raises:
            InvalidParameterError: ``reference`` is not a string; nothing was sent.
            APIStatusError: The API answered with an error.
            APIConnectionError: The API could not be reached, after retries.
        """
        async for page in self.list(reference=reference, timeout=timeout).pages():
            return next((invoice for invoice in page.items if invoice.reference == reference), None)
        return None

    async def create_many(
        self,
        requests: Iterable[InvoiceRequest | Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        timeout: float | httpx2.Timeout | None = None,
    ) -> InvoiceBatchResult:
        """Issue many invoices at once, such as a month's rent; rerunning the batch never duplicates one.

        Every request is checked before anything is sent. Then, at most ``concurrency`` at a time,
        each item looks its reference up (``find_by_reference``): an invoice that exists is reported
        as ``already_existed`` and left alone; otherwise it is created through ``create``, with the
        same safe retries. One item's failure never stops the others::

            result = await palomma.invoices.create_many(read_invoice_csv("rent-2026-03.csv"))
            for item in result.failed:
                print(item.request.line, item.reference, item.error)

        Args:
            requests: ``InvoiceRequest`` objects, or mappings of ``create``'s keyword arguments, each
                with its own ``reference``.
            concurrency: How many items are in flight at once (default 10).
            on_progress: Called as ``on_progress(done, total, item)`` after each item, in the caller's
                task (awaited if it returns an awaitable); an exception it raises stops the batch.
            timeout: Overrides the client's timeout for each request.

        Returns:
            One ``InvoiceBatchItem`` per request, in input order: created, already existed (with any
            ``differences`` from the request), or failed with its ``error``.

        Raises:
            InvalidParameterError: A request breaks the API's rules (the parameter names it, as in
                ``requests[3].amount``), two requests share a reference, or an option is invalid;
                nothing was sent.
        """
        return await create_many(self, requests, concurrency=concurrency, on_progress=on_progress, timeout=timeout)


class Settlements(SettlementsResource):
    """Settlements: what Palomma paid out for one date and cycle, net of fees and adjustments."""

    __slots__ = ()

    async def reconcile(
        self, date: datetime.date | str, cycle: str, *, timeout: float | httpx2.Timeout | None = None
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

        Args:
            date: The settlement date, as ``datetime.date`` or ``"YYYY-MM-DD"``.
            cycle: The cycle, such as ``"11"``.
            timeout: Overrides the client's timeout for each request of this call.

        Returns:
            A ``ReconciliationReport``: ``balanced``, the figures on both sides, and each ``Discrepancy``.

        Raises:
            InvalidParameterError: ``date`` or ``cycle`` is malformed; nothing was sent.
            NotFoundError: There is no settlement for this date and cycle.
            APIStatusError: The API answered with another error.
            APIConnectionError: The API could not be reached, after retries.
            PaginationError: The invoice listing repeated a cursor.
        """
        return await reconcile(self, Invoices(self._requester), date, cycle, timeout=timeout)
