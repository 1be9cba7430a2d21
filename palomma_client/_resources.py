"""The resources a client carries: the generated ones, plus hand-written workflows above the API.

Every operation of the spec is a generated method of ``InvoicesResource`` or
``SettlementsResource``; a method the spec adds appears here with no change.
These subclasses only add what is no single operation: looking an invoice up
by its reference, batch invoicing and reconciliation.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import httpx2

from palomma_client._constants import DEFAULT_BATCH_CONCURRENCY
from palomma_client._exceptions import ReferenceAlreadyUsedError
from palomma_client._features import Argument, Feature, Field, Operation
from palomma_client._generated_names import InvoicesResource, SettlementsResource, create_invoice, list_invoices
from palomma_client._matching import differing_fields
from palomma_client.workflows._api import InvoiceFields, InvoicesAPI, SettlementsAPI
from palomma_client.workflows._batch import (
    DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES,
    INVOICE_BATCH,
    BatchInput,
    InvoiceBatchIterator,
    InvoiceBatchResult,
    ProgressCallback,
    create_many,
)
from palomma_client.workflows._reconcile import RECONCILE, ReconciliationReport, reconcile
from palomma_client.workflows._request import INVOICE_REQUESTS

if TYPE_CHECKING:
    from palomma_client._generated_names import Invoice

__all__ = ["Invoices", "Settlements"]

FIND_BY_REFERENCE = Feature(
    "invoices.find_by_reference",
    Operation("listInvoices"),
    Argument("listInvoices", "reference"),
    Argument("listInvoices", "limit"),
    Field("Invoice", "reference"),
)
CREATE_OR_FIND = Feature(
    "invoices.create_or_find", FIND_BY_REFERENCE, Operation("createInvoice"), Argument("createInvoice", "reference")
)
CREATE_MANY = Feature("invoices.create_many", INVOICE_BATCH, INVOICE_REQUESTS, FIND_BY_REFERENCE)


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
            FeatureUnavailableError: The API's spec no longer has the listing this needs; nothing was sent.
        """
        invoices = FIND_BY_REFERENCE.vouch(self, InvoicesAPI)
        # The largest page the spec allows: should the filter ever match more than exactly, the
        # invoice is still found in one request.
        largest_page: int = list_invoices.RULES["limit"]["maximum"]
        async for page in invoices.list(reference=reference, limit=largest_page, timeout=timeout).pages():
            return next(
                (
                    invoice
                    for invoice in page.items
                    if FIND_BY_REFERENCE.vouch(invoice, InvoiceFields).reference == reference
                ),
                None,
            )
        return None

    async def create_or_find(self, *, timeout: float | httpx2.Timeout | None = None, **fields: Any) -> Invoice:
        """Create an invoice unless its reference is already there: safe to call again with the same arguments.

        Looks the reference up first. An invoice already there is returned when
        it matches the request (every field the request sends that an invoice
        echoes is equal: an earlier call made it), and raised as
        ``ReferenceAlreadyUsedError`` when it does not; only when there is none
        is it created, by ``create`` and its safe retries. Use it wherever a
        create may be attempted again: after ``InvoiceOutcomeUnknownError``, or
        in a handler its caller may retry. It never makes a second invoice, whether
        or not the API refuses a repeated reference, as long as the API lists an
        invoice within ``lookup_grace_period`` of making it::

            invoice = await palomma.invoices.create_or_find(
                reference="INV-2026-0001",
                amount=1_850_000,
                description="Canon de arrendamiento marzo 2026",
                redirect_url="https://merchant.example.com/payments/return",
                customer_document_number="900123456",
            )

        Args:
            timeout: Overrides the client's timeout for each request of this call.
            **fields: The arguments of ``create``: ``reference``, ``amount`` and the rest.

        Returns:
            The invoice with this reference: the one already there, or the one created.

        Raises:
            InvalidParameterError: An argument breaks the API's rules; nothing was sent.
            ReferenceAlreadyUsedError: An invoice with this reference differs from the request.
            InvoiceOutcomeUnknownError: The create's outcome could not be known (see ``create``).
            APIStatusError: The API answered with an error.
            APIConnectionError: The API could not be reached, after retries.
            FeatureUnavailableError: The API's spec no longer has an operation or field this needs; nothing
                was sent.
        """
        invoices = CREATE_OR_FIND.vouch(self, InvoicesAPI)
        request = create_invoice.build_request(**fields)
        reference: str = request.json["reference"]
        existing = await self.find_by_reference(reference, timeout=timeout)
        if existing is None:
            return await invoices.create(**fields, timeout=timeout)
        differences = differing_fields(request.json, existing.to_dict())
        if differences:
            raise ReferenceAlreadyUsedError(reference, existing, differences)
        return existing

    async def create_many(
        self,
        requests: BatchInput,
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_consecutive_failures: int | None = DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES,
    ) -> InvoiceBatchResult:
        """Issue many invoices at once, such as a month's rent; rerunning the batch never duplicates one.

        At most ``concurrency`` at a time, each item looks its reference up (``find_by_reference``):
        an invoice that exists is reported as ``already_existed`` and left alone; otherwise it is
        created through ``create``, with the same safe retries. One item's failure never stops the
        others, with two exceptions that stop the batch from starting more items (those left come
        back as ``not_attempted``, and ``stop_reason`` says why): the API refusing the key (401 or
        403), and ``max_consecutive_failures`` items in a row that could not reach the API or met a
        server error::

            result = await palomma.invoices.create_many(read_invoice_csv("rent-2026-03.csv"))
            for item in result.failed:
                print(item.request.line, item.reference, item.error)

        A list, a tuple or another collection is checked whole before anything is sent. Any other
        iterable (a generator, ``iter_invoice_csv``, an async iterable) is drawn from as items
        finish, so memory stays bounded by ``concurrency`` whatever its length, apart from the
        results this method returns (use ``create_many_iter`` to write them out as they come);
        each of its items is checked as it is drawn, and a bad one, or one that repeats a
        reference, ends the batch with ``InvalidParameterError`` once the items in flight finish.

        Args:
            requests: ``InvoiceRequest`` objects, or mappings of ``create``'s keyword arguments, each
                with its own ``reference``: a collection, any iterable, or an async iterable.
            concurrency: How many items are in flight at once (default 10).
            on_progress: Called as ``on_progress(done, total, item)`` after each item, in the caller's
                task (awaited if it returns an awaitable); ``total`` is ``None`` when ``requests`` has no
                ``len()``. An exception it raises stops the batch.
            timeout: Overrides the client's timeout for each request.
            max_consecutive_failures: Stop after this many items in a row fail to reach the API or meet
                a server error (each already retried); ``None`` never stops for that.

        Returns:
            One ``InvoiceBatchItem`` per request, in input order: created, already existed (with any
            ``differences`` from the request), failed with its ``error``, or not attempted.

        Raises:
            InvalidParameterError: An option is invalid, or a request breaks the API's rules (the
                parameter names it, as in ``requests[3].amount``) or repeats another's reference: for a
                collection, before anything is sent; for another iterable, when that item is drawn.
            FeatureUnavailableError: The API's spec no longer has an operation, model or field a batch
                needs; nothing was sent.
        """
        return await create_many(
            CREATE_MANY.vouch(self, InvoicesAPI),
            requests,
            concurrency=concurrency,
            on_progress=on_progress,
            timeout=timeout,
            max_consecutive_failures=max_consecutive_failures,
        )

    def create_many_iter(
        self,
        requests: BatchInput,
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        timeout: float | httpx2.Timeout | None = None,
        max_consecutive_failures: int | None = DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES,
    ) -> InvoiceBatchIterator:
        """Issue many invoices like ``create_many``, yielding each item's result as soon as it finishes.

        Nothing is kept once yielded, so a batch of any length runs in memory bounded by
        ``concurrency``: write each result out as it comes. Items come in the order they finish;
        ``item.index`` is each one's position in the input. The batch runs as you iterate::

            async with palomma.invoices.create_many_iter(iter_invoice_csv("rent.csv")) as batch:
                async for item in batch:
                    print(item.request.line, item.reference, item.outcome)
            if batch.stop_reason:
                print("stopped early:", batch.stop_reason)

        ``batch.stop()`` starts no more items (those in flight finish, the rest are yielded as
        ``not_attempted``); leaving ``async with`` cancels the items in flight.

        Args:
            requests: As for ``create_many``.
            concurrency: How many items are in flight at once (default 10).
            timeout: Overrides the client's timeout for each request.
            max_consecutive_failures: As for ``create_many``.

        Returns:
            An ``InvoiceBatchIterator`` of ``InvoiceBatchItem``, in completion order.

        Raises:
            InvalidParameterError: At the call, when an option is invalid or ``requests`` is a collection
                with a bad item or a repeated reference (nothing is sent); while iterating, when an item
                drawn from another iterable is bad or repeats a reference (after the items in flight
                are yielded).
            FeatureUnavailableError: The API's spec no longer has an operation, model or field a batch
                needs; nothing was sent.
        """
        return InvoiceBatchIterator(
            CREATE_MANY.vouch(self, InvoicesAPI),
            requests,
            concurrency=concurrency,
            timeout=timeout,
            max_consecutive_failures=max_consecutive_failures,
        )


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
            FeatureUnavailableError: The API's spec no longer has an operation or model this needs; nothing
                was sent.
        """
        settlements = RECONCILE.vouch(self, SettlementsAPI)
        invoices = RECONCILE.vouch(Invoices(self._requester), InvoicesAPI)
        return await reconcile(settlements, invoices, date, cycle, timeout=timeout)
