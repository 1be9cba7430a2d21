"""``palomma.invoices``: one method per operation of the spec's ``invoices`` tag."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import httpx2

from palomma_client._pagination import AsyncPager
from palomma_client._request import ApiRequest
from palomma_client._resource import APIResource, raw_response_method, request_options
from palomma_client._response import APIResponse

from ...models.create_invoice_request_document_type import CreateInvoiceRequestDocumentType
from ...models.invoice import Invoice
from ...models.list_invoices_response import ListInvoicesResponse
from . import create_invoice, get_invoice, list_invoices

__all__ = ["InvoicesResource", "InvoicesResourceWithRawResponse"]


class InvoicesResource(APIResource):
    """Create, retrieve, and list invoices."""

    __slots__ = ()

    @property
    def with_raw_response(self) -> InvoicesResourceWithRawResponse:
        """The same methods, each returning an ``APIResponse`` with the status, headers and ``parse()``."""
        return InvoicesResourceWithRawResponse(self)

    def list(
        self,
        *,
        reference: str | None = None,
        customer_document_number: str | None = None,
        contract: str | None = None,
        payment_date: datetime.date | str | None = None,
        settlement_date: datetime.date | str | None = None,
        settlement_cycle: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        max_items: int | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int | None = None,
    ) -> AsyncPager[Invoice]:
        """List invoices.

        Returns a paginated list of invoices for the authenticated merchant.

        Args:
            reference: Filter by invoice reference.
            customer_document_number: Filter by customer document number.
            contract: Filter by contract identifier.
            payment_date: Filter by exact payment date.
            settlement_date: Filter by settlement date.
            settlement_cycle: Filter by settlement cycle.
            limit: Number of results per page. Min 1, max 100. The API uses 20 when it is not given.
            cursor: Start from this cursor, from an earlier page, instead of the first page.
            max_items: Stop after this many items in all.
            extra_headers: Headers to add to this call's requests; a value of ``None`` removes one.
            extra_query: Query parameters to add to this call's requests.
            extra_body: JSON fields to add to this call's request body.
            timeout: Overrides the client's timeout for each attempt of this call.
            max_retries: Overrides the client's ``max_retries`` for this call.

        Retries: up to ``max_retries`` times after a connection failure, a timeout, a 408, a 429 (honouring
        ``Retry-After``) or a 5xx, with backoff.

        Returns:
            An ``AsyncPager`` over every ``Invoice``, fetching pages as you iterate.

        Raises:
            InvalidParameterError: An argument breaks the API's rules; nothing was sent.
            BadRequestError: The API rejected the input.
            AuthenticationError: The API key is missing or wrong.
            APIStatusError: The API answered with another error status.
            APIConnectionError: The API could not be reached, after retries.
            APIResponseValidationError: The answer does not match the spec.
        """
        options = request_options(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )

        def request_for(page_cursor: str | None) -> ApiRequest:
            return list_invoices.build_request(
                reference=reference,
                customer_document_number=customer_document_number,
                contract=contract,
                payment_date=payment_date,
                settlement_date=settlement_date,
                settlement_cycle=settlement_cycle,
                limit=limit,
                cursor=page_cursor,
            )

        return self._paginate(
            request_for,
            list_invoices.parse_response,
            list_invoices.page_of,
            first_cursor=cursor,
            max_items=max_items,
            options=options,
        )

    async def create(
        self,
        *,
        reference: str,
        amount: int,
        description: str,
        redirect_url: str,
        customer_document_number: str,
        document_type: CreateInvoiceRequestDocumentType | str | None = None,
        customer_name: str | None = None,
        contract: str | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int | None = None,
    ) -> Invoice:
        """Create invoice.

        Creates a new invoice for the authenticated merchant.

        Args:
            reference: Unique invoice reference for your records (e.g. `"INV-2026-0001"`).
            amount: Invoice amount in COP. Must be between 3,000 and 550,000,000.
            description: Invoice description shown to the customer.
            redirect_url: URL where the customer is redirected after completing the payment flow.
            customer_document_number: Customer's document or identification number.
            document_type: Customer's document type. One of: `cc` (cedula), `ce` (cedula de extranjeria),
                `nit` (NIT), `ti` (tarjeta de identidad), `ps` (pasaporte), `cif` (codigo de identificacion
                fiscal), `ne` (NIT extranjero), `rc` (registro civil), `ppt` (permiso de permanencia
                temporal).
            customer_name: Customer's display name (optional).
            contract: Contract identifier. Defaults to `"00000"` if not provided.
            extra_headers: Headers to add to this call's requests; a value of ``None`` removes one.
            extra_query: Query parameters to add to this call's requests.
            extra_body: JSON fields to add to this call's request body.
            timeout: Overrides the client's timeout for each attempt of this call.
            max_retries: Overrides the client's ``max_retries`` for this call.

        Retries: never more than one invoice per call, even when retrying, and never an invoice other than
        the one asked for. After a failure that may have reached the API, the reference is looked up (for up
        to the client's ``lookup_grace_period``, 10 s by default) and an invoice found is returned instead
        of creating another, only if its fields and creation time match the request; one that does not is
        raised as ``ReferenceAlreadyUsedError``; when the outcome cannot be known,
        ``InvoiceOutcomeUnknownError`` is raised and nothing is sent again. This rests on one assumption:
        the API lists an invoice it created within the grace period of the failure. An API that also refuses
        duplicate references never gets two even when that assumption fails.

        Returns:
            The ``Invoice``.

        Raises:
            InvalidParameterError: An argument breaks the API's rules; nothing was sent.
            BadRequestError: The API rejected the input.
            AuthenticationError: The API key is missing or wrong.
            APIStatusError: The API answered with another error status.
            APIConnectionError: The API could not be reached, after retries.
            APIResponseValidationError: The answer does not match the spec.
        """
        request = create_invoice.build_request(
            reference=reference,
            amount=amount,
            description=description,
            redirect_url=redirect_url,
            customer_document_number=customer_document_number,
            document_type=document_type,
            customer_name=customer_name,
            contract=contract,
        )
        return await self._requester.send(
            request,
            create_invoice.parse_response,
            request_options(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                max_retries=max_retries,
            ),
        )

    async def get(
        self,
        invoice_id: str,
        *,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int | None = None,
    ) -> Invoice:
        """Get invoice by id.

        Returns a single invoice of the authenticated merchant by its identifier.

        Args:
            invoice_id: Unique invoice identifier.
            extra_headers: Headers to add to this call's requests; a value of ``None`` removes one.
            extra_query: Query parameters to add to this call's requests.
            extra_body: JSON fields to add to this call's request body.
            timeout: Overrides the client's timeout for each attempt of this call.
            max_retries: Overrides the client's ``max_retries`` for this call.

        Retries: up to ``max_retries`` times after a connection failure, a timeout, a 408, a 429 (honouring
        ``Retry-After``) or a 5xx, with backoff.

        Returns:
            The ``Invoice``.

        Raises:
            InvalidParameterError: An argument breaks the API's rules; nothing was sent.
            BadRequestError: The API rejected the input.
            AuthenticationError: The API key is missing or wrong.
            NotFoundError: No such resource.
            APIStatusError: The API answered with another error status.
            APIConnectionError: The API could not be reached, after retries.
            APIResponseValidationError: The answer does not match the spec.
        """
        request = get_invoice.build_request(
            invoice_id,
        )
        return await self._requester.send(
            request,
            get_invoice.parse_response,
            request_options(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                max_retries=max_retries,
            ),
        )


class InvoicesResourceWithRawResponse:
    """``palomma.invoices.with_raw_response``: each method returns the ``APIResponse`` behind its answer.

    The methods are the resource's own, sent through a requester that keeps the answer: same
    arguments, same checks; a list method returns the raw response of one page.
    """

    __slots__ = (
        "_resource",
        "create",
        "get",
    )

    def __init__(self, resource: InvoicesResource) -> None:
        self._resource = resource
        raw = resource._raw_twin()
        self.create = raw_response_method(raw.create)
        """``invoices.create``, returning the raw response; ``parse()`` gives the ``Invoice``."""
        self.get = raw_response_method(raw.get)
        """``invoices.get``, returning the raw response; ``parse()`` gives the ``Invoice``."""

    async def list(
        self,
        *,
        reference: str | None = None,
        customer_document_number: str | None = None,
        contract: str | None = None,
        payment_date: datetime.date | str | None = None,
        settlement_date: datetime.date | str | None = None,
        settlement_cycle: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int | None = None,
    ) -> APIResponse[ListInvoicesResponse]:
        """``invoices.list``, returning the raw response of one page; ``parse()`` gives the ``ListInvoicesResponse``."""
        request = list_invoices.build_request(
            reference=reference,
            customer_document_number=customer_document_number,
            contract=contract,
            payment_date=payment_date,
            settlement_date=settlement_date,
            settlement_cycle=settlement_cycle,
            limit=limit,
            cursor=cursor,
        )
        return await self._resource._raw_request(
            request,
            list_invoices.parse_response,
            request_options(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                max_retries=max_retries,
            ),
        )
