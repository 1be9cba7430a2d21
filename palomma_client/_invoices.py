"""``palomma.invoices``: create, get and list invoices."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from palomma_client._base_client import TimeoutOption
from palomma_client._batch import (
    DEFAULT_BATCH_CONCURRENCY,
    InvoiceBatchResult,
    InvoiceRequest,
    ProgressCallback,
    create_many,
)
from palomma_client._exceptions import (
    APIConnectionError,
    APIStatusError,
    BadRequestError,
    ConflictError,
    InvoiceOutcomeUnknownError,
    PalommaError,
)
from palomma_client._generated.api.invoices import create_invoice, get_invoice, list_invoices
from palomma_client._generated.models import CreateInvoiceRequest, Invoice, ListInvoicesResponse
from palomma_client._generated.types import UNSET, Unset
from palomma_client._pagination import AsyncPager, Page
from palomma_client._retry import backoff_delay, is_retryable, reached_server
from palomma_client._validation import (
    check_amount,
    check_cycle,
    check_date,
    check_document_type,
    check_optional_text,
    check_page_size,
    check_positive_int,
    check_redirect_url,
    check_text,
)

if TYPE_CHECKING:
    import datetime

    import httpx2

    from palomma_client._client import PalommaClient
    from palomma_client._generated.models import CreateInvoiceRequestDocumentType

__all__ = ["Invoices"]

logger = logging.getLogger("palomma_client")

DEFAULT_PAGE_SIZE = 20
_LOOKUP_PAGE_SIZE = 100


def _unset_if_none(value: str | None) -> str | Unset:
    return UNSET if value is None else value


class Invoices:
    """Invoices: a rent charge with a hosted payment link that expires five minutes after creation."""

    __slots__ = ("_client",)

    def __init__(self, client: PalommaClient) -> None:
        self._client = client

    async def create(
        self,
        *,
        reference: str,
        amount: int,
        description: str,
        redirect_url: str,
        customer_document_number: str,
        document_type: str | CreateInvoiceRequestDocumentType | None = None,
        customer_name: str | None = None,
        contract: str | None = None,
        timeout: float | httpx2.Timeout | None = None,
    ) -> Invoice:
        """Create an invoice, never more than one per call, even when retrying.

        The API has no idempotency header, but ``reference`` is the merchant's
        unique key. A failure that provably never reached the server (no
        connection, or a 429) is simply retried. A failure that may have
        reached it (a timeout while waiting for the answer, a dropped
        connection, a 5xx) is retried only after looking the reference up: if
        the invoice exists, it is returned instead of creating another.

        Args:
            reference: Your unique reference for the invoice, such as ``"INV-2026-0001"``.
            amount: The amount in whole COP, from 3,000 to 550,000,000.
            description: What the customer sees, such as ``"Canon de arrendamiento marzo 2026"``.
            redirect_url: The absolute http(s) URL the customer returns to after paying.
            customer_document_number: The tenant's identification number.
            document_type: ``cc``, ``ce``, ``nit``, ``ti``, ``ps``, ``cif``, ``ne``, ``rc`` or ``ppt``.
            customer_name: The tenant's display name.
            contract: Your contract identifier; the API uses ``"00000"`` when absent.
            timeout: Overrides the client's timeout for each request of this call.

        Returns:
            The created invoice (``status`` ``ready``, with its ``payment_url``), or the one that
            already existed with this reference after an ambiguous failure.

        Raises:
            InvalidParameterError: An argument breaks the API's rules; nothing was sent.
            APIStatusError: The API refused the invoice (``BadRequestError`` for invalid input).
            APIConnectionError: The API could not be reached, after retries.
            InvoiceOutcomeUnknownError: The create may have taken effect and the lookup to find out failed.
        """
        body = CreateInvoiceRequest(
            reference=check_text("reference", reference),
            amount=check_amount(amount),
            description=check_text("description", description),
            redirect_url=check_redirect_url(redirect_url),
            customer_document_number=check_text("customer_document_number", customer_document_number),
            document_type=check_document_type(document_type) or UNSET,
            customer_name=_unset_if_none(check_optional_text("customer_name", customer_name)),
            contract=_unset_if_none(check_optional_text("contract", contract)),
        )
        client = self._client
        request_timeout = client._timeout_for(timeout)
        send = functools.partial(create_invoice.asyncio_detailed, body=body)
        description_for_logs = f"create invoice {reference!r}"
        maybe_created = False
        retries = 0
        while True:
            try:
                return await client._transport.send(
                    send, Invoice, timeout=request_timeout, attempt=retries + 1, description=description_for_logs
                )
            except (APIConnectionError, APIStatusError) as error:
                # After an ambiguous attempt, a rejection of the next one may
                # just be the API refusing a duplicate reference.
                recheck_rejection = maybe_created and isinstance(error, BadRequestError | ConflictError)
                if not recheck_rejection and not is_retryable(error):
                    raise
                if recheck_rejection or reached_server(error):
                    maybe_created = True
                    existing = await self._recover(reference, error, request_timeout)
                    if existing is not None:
                        return existing
                    if recheck_rejection:
                        raise
                if retries >= client.max_retries:
                    raise
                delay = backoff_delay(retries, error)
                logger.info(
                    "retrying create of invoice %r in %.2fs (retry %d of %d) after %s",
                    reference,
                    delay,
                    retries + 1,
                    client.max_retries,
                    type(error).__name__,
                )
                await client._sleep(delay)
                retries += 1

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
        same safe retries. A 400 on the create is looked up once more, since another run may have
        created the invoice in between. One item's failure never stops the others; cancelling the
        call cancels the items not yet finished::

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

    async def _recover(self, reference: str, error: PalommaError, timeout: TimeoutOption) -> Invoice | None:
        logger.info(
            "create of invoice %r failed with %s and may have reached the API; looking the reference up",
            reference,
            type(error).__name__,
        )
        try:
            existing = await self._lookup(reference, timeout)
        except PalommaError as lookup_error:
            logger.warning("could not look invoice %r up after an ambiguous create: %s", reference, lookup_error)
            raise InvoiceOutcomeUnknownError(reference, error) from lookup_error
        if existing is None:
            logger.info("no invoice %r exists yet; the create did not take effect", reference)
            return None
        logger.info("invoice %r already exists as %s; returning it instead of creating another", reference, existing.id)
        return existing

    async def find_by_reference(
        self, reference: str, *, timeout: float | httpx2.Timeout | None = None
    ) -> Invoice | None:
        """Return the invoice with this merchant reference, or ``None`` if there is none.

        Args:
            reference: The merchant reference given when the invoice was created.
            timeout: Overrides the client's timeout for each request of this call.

        Raises:
            APIStatusError: The API answered with an error.
            APIConnectionError: The API could not be reached, after retries.
        """
        return await self._lookup(check_text("reference", reference), self._client._timeout_for(timeout))

    async def _lookup(self, reference: str, timeout: TimeoutOption) -> Invoice | None:
        page = await self._fetch_page(None, filters={"reference": reference}, limit=_LOOKUP_PAGE_SIZE, timeout=timeout)
        return next((invoice for invoice in page.items if invoice.reference == reference), None)

    async def get(self, invoice_id: str, *, timeout: float | httpx2.Timeout | None = None) -> Invoice:
        """Fetch one invoice by its id.

        Args:
            invoice_id: The invoice's ``id``, such as ``"01HQY8EW1H9YGH5PAV5Y2M9R3T"``.
            timeout: Overrides the client's timeout for each request of this call.

        Returns:
            The invoice.

        Raises:
            InvalidParameterError: ``invoice_id`` is empty.
            NotFoundError: No invoice has this id.
            APIStatusError: The API answered with another error.
            APIConnectionError: The API could not be reached, after retries.
        """
        client = self._client
        send = functools.partial(get_invoice.asyncio_detailed, check_text("invoice_id", invoice_id))
        return await client._transport.send_with_retries(
            send,
            Invoice,
            timeout=client._timeout_for(timeout),
            max_retries=client.max_retries,
            sleep=client._sleep,
            description=f"get invoice {invoice_id!r}",
        )

    def list(
        self,
        *,
        reference: str | None = None,
        customer_document_number: str | None = None,
        contract: str | None = None,
        payment_date: datetime.date | str | None = None,
        settlement_date: datetime.date | str | None = None,
        settlement_cycle: str | int | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        timeout: float | httpx2.Timeout | None = None,
    ) -> AsyncPager[Invoice]:
        """List invoices, newest first, across every page.

        Arguments are checked now; pages are fetched as you iterate::

            async for invoice in palomma.invoices.list(settlement_date=date(2026, 3, 12)):
                ...
            async for page in palomma.invoices.list(contract="CTR-8842").pages():
                ...

        Args:
            reference: Only the invoice with this merchant reference.
            customer_document_number: Only this tenant's invoices.
            contract: Only invoices of this contract.
            payment_date: Only invoices paid on this day (``date`` or ``"YYYY-MM-DD"``).
            settlement_date: Only invoices settled on this day.
            settlement_cycle: Only invoices of this settlement cycle (``"11"``, ``"13"``, ...).
            limit: Invoices per page, 1 to 100.
            max_items: Stop after this many invoices in all.
            timeout: Overrides the client's timeout for each page request.

        Returns:
            An ``AsyncPager`` over the invoices.

        Raises:
            InvalidParameterError: An argument breaks the API's rules; nothing was sent.
        """
        filters: dict[str, Any] = {}
        for name, value in (
            ("reference", reference),
            ("customer_document_number", customer_document_number),
            ("contract", contract),
        ):
            if value is not None:
                filters[name] = check_text(name, value)
        if payment_date is not None:
            filters["payment_date"] = check_date("payment_date", payment_date)
        if settlement_date is not None:
            filters["settlement_date"] = check_date("settlement_date", settlement_date)
        if settlement_cycle is not None:
            filters["settlement_cycle"] = check_cycle("settlement_cycle", settlement_cycle)
        page_size = check_page_size(limit)
        if max_items is not None:
            check_positive_int("max_items", max_items)
        request_timeout = self._client._timeout_for(timeout)

        async def fetch(cursor: str | None) -> Page[Invoice]:
            return await self._fetch_page(cursor, filters=filters, limit=page_size, timeout=request_timeout)

        return AsyncPager(fetch, max_items=max_items)

    async def _fetch_page(
        self,
        cursor: str | None,
        *,
        filters: dict[str, Any],
        limit: int,
        timeout: TimeoutOption,
    ) -> Page[Invoice]:
        client = self._client
        send = functools.partial(
            list_invoices.asyncio_detailed, limit=limit, cursor=UNSET if cursor is None else cursor, **filters
        )
        response = await client._transport.send_with_retries(
            send,
            ListInvoicesResponse,
            timeout=timeout,
            max_retries=client.max_retries,
            sleep=client._sleep,
            description="list invoices",
        )
        next_cursor = response.cursor if isinstance(response.cursor, str) else None
        return Page(response.items, next_cursor)
