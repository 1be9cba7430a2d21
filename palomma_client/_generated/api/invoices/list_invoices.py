"""``listInvoices``: GET /invoices. Builds the request and parses the answer; nothing here sends."""

from __future__ import annotations

import datetime
from typing import Any

from palomma_client._pagination import Page
from palomma_client._request import ApiRequest
from palomma_client._validation import (
    check_date,
    check_integer,
    check_string,
)

from ...errors import ResponseSchemaError
from ...models.invoice import Invoice
from ...models.list_invoices_response import ListInvoicesResponse
from ...security import Security

OPERATION_ID = "listInvoices"
METHOD = "GET"
PATH = "/invoices"
SECURITY: Security = (("bearerAuth",),)
"""The security schemes whose credentials it needs: any one group of them (``()``: none)."""

RULES: dict[str, dict[str, Any]] = {
    "reference": {},
    "customer_document_number": {},
    "contract": {},
    "payment_date": {"format": "date"},
    "settlement_date": {"format": "date"},
    "settlement_cycle": {},
    "limit": {"default": 20, "maximum": 100, "minimum": 1},
    "cursor": {},
}
"""The spec's rules of each argument (``minimum``, ``maxLength``, ``enum``...), as the spec writes them."""


def build_request(
    *,
    reference: str | None = None,
    customer_document_number: str | None = None,
    contract: str | None = None,
    payment_date: datetime.date | str | None = None,
    settlement_date: datetime.date | str | None = None,
    settlement_cycle: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> ApiRequest:
    """Check every argument against the spec's rules and build the request; nothing is sent.

    Raises:
        InvalidParameterError: An argument breaks a rule of the spec; it names the argument.
    """
    _params: dict[str, str | list[str]] = {}
    if reference is not None:
        reference = check_string("reference", reference, in_query=True)
        _params["reference"] = reference
    if customer_document_number is not None:
        customer_document_number = check_string("customer_document_number", customer_document_number, in_query=True)
        _params["customerDocumentNumber"] = customer_document_number
    if contract is not None:
        contract = check_string("contract", contract, in_query=True)
        _params["contract"] = contract
    if payment_date is not None:
        payment_date = check_date("payment_date", payment_date)
        _params["paymentDate"] = payment_date.isoformat()
    if settlement_date is not None:
        settlement_date = check_date("settlement_date", settlement_date)
        _params["settlementDate"] = settlement_date.isoformat()
    if settlement_cycle is not None:
        settlement_cycle = check_string("settlement_cycle", settlement_cycle, in_query=True)
        _params["settlementCycle"] = settlement_cycle
    if limit is not None:
        limit = check_integer("limit", limit, minimum=1, maximum=100)
        _params["limit"] = str(limit)
    if cursor is not None:
        cursor = check_string("cursor", cursor, in_query=True)
        _params["cursor"] = cursor
    return ApiRequest(
        OPERATION_ID,
        METHOD,
        "/invoices",
        params=_params or None,
        json=None,
        security=SECURITY,
    )


def parse_response(status_code: int, data: Any) -> ListInvoicesResponse:
    """The answer's model, from its status code and decoded JSON body.

    Raises:
        ResponseSchemaError: The body does not match the spec, or the status is not a documented success.
    """
    if status_code == 200:
        return ListInvoicesResponse.from_dict(data)
    raise ResponseSchemaError("", f"status {status_code} is not a documented success status of {OPERATION_ID}")


def page_of(response: ListInvoicesResponse) -> Page[Invoice]:
    """One page of the list: its items, and the cursor of the next page (``None`` on the last)."""
    cursor = response.cursor
    return Page(response.items, cursor if isinstance(cursor, str) else None)
