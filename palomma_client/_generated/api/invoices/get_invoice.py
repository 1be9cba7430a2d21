"""``getInvoice``: GET /invoices/{id}. Builds the request and parses the answer; nothing here sends."""

from __future__ import annotations

from typing import Any

from palomma_client._request import ApiRequest
from palomma_client._validation import (
    check_string,
    path_segment,
)

from ...errors import ResponseSchemaError
from ...models.invoice import Invoice
from ...security import Security

OPERATION_ID = "getInvoice"
METHOD = "GET"
PATH = "/invoices/{id}"
SECURITY: Security = (("bearerAuth",),)
"""The security schemes whose credentials it needs: any one group of them (``()``: none)."""

RULES: dict[str, dict[str, Any]] = {
    "invoice_id": {},
}
"""The spec's rules of each argument (``minimum``, ``maxLength``, ``enum``...), as the spec writes them."""


def build_request(
    invoice_id: str,
) -> ApiRequest:
    """Check every argument against the spec's rules and build the request; nothing is sent.

    Raises:
        InvalidParameterError: An argument breaks a rule of the spec; it names the argument.
    """
    invoice_id = check_string("invoice_id", invoice_id)
    _invoice_id_segment = path_segment("invoice_id", invoice_id)
    return ApiRequest(
        OPERATION_ID,
        METHOD,
        f"/invoices/{_invoice_id_segment}",
        params=None,
        json=None,
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
