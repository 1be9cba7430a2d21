"""``createInvoice``: POST /invoices. Builds the request and parses the answer; nothing here sends."""

from __future__ import annotations

from typing import Any

from palomma_client._request import ApiRequest
from palomma_client._validation import (
    check_enum,
    check_integer,
    check_string,
)

from ...errors import ResponseSchemaError
from ...models.create_invoice_request_document_type import CreateInvoiceRequestDocumentType
from ...models.invoice import Invoice
from ...security import Security

OPERATION_ID = "createInvoice"
METHOD = "POST"
PATH = "/invoices"
SECURITY: Security = (("bearerAuth",),)
"""The security schemes whose credentials it needs: any one group of them (``()``: none)."""

RULES: dict[str, dict[str, Any]] = {
    "reference": {"minLength": 1},
    "amount": {"maximum": 550000000, "minimum": 3000},
    "description": {"minLength": 1},
    "redirect_url": {"format": "uri"},
    "customer_document_number": {"minLength": 1},
    "document_type": {"enum": ["cc", "ce", "nit", "ti", "ps", "cif", "ne", "rc", "ppt"]},
    "customer_name": {},
    "contract": {"default": "00000"},
}
"""The spec's rules of each argument (``minimum``, ``maxLength``, ``enum``...), as the spec writes them."""


def build_request(
    *,
    reference: str,
    amount: int,
    description: str,
    redirect_url: str,
    customer_document_number: str,
    document_type: CreateInvoiceRequestDocumentType | str | None = None,
    customer_name: str | None = None,
    contract: str | None = None,
) -> ApiRequest:
    """Check every argument against the spec's rules and build the request; nothing is sent.

    Raises:
        InvalidParameterError: An argument breaks a rule of the spec; it names the argument.
    """
    _body: dict[str, Any] = {}
    _body["reference"] = check_string("reference", reference, min_length=1)
    _body["amount"] = check_integer("amount", amount, minimum=3000, maximum=550000000)
    _body["description"] = check_string("description", description, min_length=1)
    _body["redirectUrl"] = check_string("redirect_url", redirect_url, format="uri")
    _body["customerDocumentNumber"] = check_string("customer_document_number", customer_document_number, min_length=1)
    if document_type is not None:
        _body["documentType"] = check_enum("document_type", document_type, CreateInvoiceRequestDocumentType).value
    if customer_name is not None:
        _body["customerName"] = check_string("customer_name", customer_name)
    if contract is not None:
        _body["contract"] = check_string("contract", contract)
    return ApiRequest(
        OPERATION_ID,
        METHOD,
        "/invoices",
        params=None,
        json=_body,
        security=SECURITY,
    )


def parse_response(status_code: int, data: Any) -> Invoice:
    """The answer's model, from its status code and decoded JSON body.

    Raises:
        ResponseSchemaError: The body does not match the spec, or the status is not a documented success.
    """
    if status_code == 200:
        return Invoice.from_dict(data)
    raise ResponseSchemaError("", f"status {status_code} is not a documented success status of {OPERATION_ID}")
