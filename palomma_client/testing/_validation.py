"""Turn raw requests into checked values, with the error messages the fake answers 400 with.

The rules come from openapi.yaml: required fields, `minLength: 1` strings, an integer amount
between 3,000 and 550,000,000, `format: uri` for `redirectUrl` (narrowed to absolute http and
https URLs, the only ones a browser can be redirected to), the `documentType` enum, `limit`
between 1 and 100, and `YYYY-MM-DD` dates.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from palomma_client.testing._ids import is_ulid

__all__ = [
    "DEFAULT_CONTRACT",
    "DEFAULT_PAGE_SIZE",
    "DOCUMENT_TYPES",
    "MAXIMUM_AMOUNT",
    "MAXIMUM_PAGE_SIZE",
    "MINIMUM_AMOUNT",
    "BadRequest",
    "InvoiceQuery",
    "NewInvoice",
    "decode_cursor",
    "encode_cursor",
    "parse_date",
    "parse_invoice_query",
    "parse_new_invoice",
    "parse_new_invoice_body",
]

MINIMUM_AMOUNT = 3_000
MAXIMUM_AMOUNT = 550_000_000
DEFAULT_CONTRACT = "00000"
DEFAULT_PAGE_SIZE = 20
MAXIMUM_PAGE_SIZE = 100
DOCUMENT_TYPES = ("cc", "ce", "nit", "ti", "ps", "cif", "ne", "rc", "ppt")

_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS_PATTERN = re.compile(r"[0-9]+")
_CURSOR_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
# RFC 3986 allows only these characters in a URI; anything else must be percent-encoded.
_URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


class BadRequest(ValueError):
    """A request the fake rejects with 400 and `{"error": message}`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class NewInvoice:
    """A checked createInvoice request body."""

    reference: str
    amount: int
    description: str
    redirect_url: str
    customer_document_number: str
    document_type: str | None
    customer_name: str | None
    contract: str


@dataclass(frozen=True, slots=True)
class InvoiceQuery:
    """A checked listInvoices query: its filters, page size and the position to continue after."""

    reference: str | None = None
    customer_document_number: str | None = None
    contract: str | None = None
    payment_date: date | None = None
    settlement_date: date | None = None
    settlement_cycle: str | None = None
    limit: int = DEFAULT_PAGE_SIZE
    after: str | None = None


def parse_new_invoice_body(body: bytes) -> NewInvoice:
    """Check a createInvoice request body.

    Args:
        body: The raw request body.

    Returns:
        The checked invoice request, with `contract` defaulted to `"00000"`.

    Raises:
        BadRequest: If the body is not JSON or breaks one of the spec's rules.
    """
    try:
        payload = json.loads(body)
    # Not only JSONDecodeError: invalid UTF-8, integers too long to parse and absurd nesting fail differently.
    except (ValueError, RecursionError):
        raise BadRequest("Invalid JSON in request body") from None
    return parse_new_invoice(payload)


def parse_new_invoice(payload: object) -> NewInvoice:
    """Check a decoded createInvoice request body.

    Args:
        payload: The decoded JSON value (camelCase keys, as on the wire).

    Returns:
        The checked invoice request, with `contract` defaulted to `"00000"`.

    Raises:
        BadRequest: If the payload breaks one of the spec's rules; the message names the first problem.
    """
    if not isinstance(payload, dict):
        raise BadRequest("Request body must be a JSON object")
    reference = _required_text(payload, "reference")
    amount = _amount(payload)
    description = _required_text(payload, "description")
    redirect_url = _redirect_url(payload)
    customer_document_number = _required_text(payload, "customerDocumentNumber")
    document_type = _optional_text(payload, "documentType")
    if document_type is not None and document_type not in DOCUMENT_TYPES:
        raise BadRequest(f"documentType must be one of: {', '.join(DOCUMENT_TYPES)}")
    customer_name = _optional_text(payload, "customerName")
    contract = _optional_text(payload, "contract")
    return NewInvoice(
        reference=reference,
        amount=amount,
        description=description,
        redirect_url=redirect_url,
        customer_document_number=customer_document_number,
        document_type=document_type,
        customer_name=customer_name,
        contract=DEFAULT_CONTRACT if contract is None else contract,
    )


def parse_invoice_query(params: Mapping[str, str]) -> InvoiceQuery:
    """Check the query parameters of listInvoices; unknown parameters are ignored.

    Args:
        params: The query parameters (the last value wins when one is repeated).

    Returns:
        The checked filters, page size and cursor position.

    Raises:
        BadRequest: If `limit`, a date filter or the cursor is invalid.
    """
    raw_limit = params.get("limit")
    limit = DEFAULT_PAGE_SIZE
    if raw_limit is not None:
        if not _DIGITS_PATTERN.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= MAXIMUM_PAGE_SIZE:
            raise BadRequest(f"limit must be an integer between 1 and {MAXIMUM_PAGE_SIZE}")
        limit = int(raw_limit)
    raw_payment_date = params.get("paymentDate")
    raw_settlement_date = params.get("settlementDate")
    raw_cursor = params.get("cursor")
    return InvoiceQuery(
        reference=params.get("reference"),
        customer_document_number=params.get("customerDocumentNumber"),
        contract=params.get("contract"),
        payment_date=None if raw_payment_date is None else parse_date(raw_payment_date, "paymentDate"),
        settlement_date=None if raw_settlement_date is None else parse_date(raw_settlement_date, "settlementDate"),
        settlement_cycle=params.get("settlementCycle"),
        limit=limit,
        after=None if raw_cursor is None else decode_cursor(raw_cursor),
    )


def parse_date(value: str, name: str) -> date:
    """Parse a `YYYY-MM-DD` date.

    Args:
        value: The text to parse.
        name: The parameter's name, for the error message.

    Returns:
        The date.

    Raises:
        BadRequest: If `value` is not a real calendar date in that exact form.
    """
    # The pattern first: date.fromisoformat also takes "20260312" and other ISO 8601 forms.
    if _DATE_PATTERN.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadRequest(f"{name} must be a date in YYYY-MM-DD format")


def encode_cursor(after: str) -> str:
    """Return the opaque cursor for the page that starts after invoice `after`."""
    raw = json.dumps({"after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """Return the invoice id a cursor continues after.

    Args:
        cursor: A cursor from a previous page.

    Returns:
        The id of the last invoice of the previous page.

    Raises:
        BadRequest: If the cursor was not made by `encode_cursor`.
    """
    if _CURSOR_PATTERN.fullmatch(cursor):
        try:
            decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (ValueError, binascii.Error, RecursionError):
            decoded = None
        if isinstance(decoded, dict) and set(decoded) == {"after"}:
            after = decoded["after"]
            if isinstance(after, str) and is_ulid(after):
                return after
    raise BadRequest("Invalid cursor")


def _required_text(payload: dict[str, Any], name: str) -> str:
    if name not in payload:
        raise BadRequest(f"{name} is required")
    value = _optional_text(payload, name)
    if not value:
        raise BadRequest(f"{name} must not be empty")
    return value


def _optional_text(payload: dict[str, Any], name: str) -> str | None:
    if name not in payload:
        return None
    value = payload[name]
    # The spec declares no field nullable, so an explicit null is as wrong as a number.
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON's \ud800-style escapes can smuggle in lone surrogates, which no UTF-8 response can carry.
        raise BadRequest(f"{name} must be valid Unicode text") from None
    return value


def _amount(payload: dict[str, Any]) -> int:
    if "amount" not in payload:
        raise BadRequest("amount is required")
    amount = payload["amount"]
    # bool is an int subclass, and 1850000.0 is a float: neither is a JSON integer on the wire.
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise BadRequest("Amount must be an integer")
    if not MINIMUM_AMOUNT <= amount <= MAXIMUM_AMOUNT:
        raise BadRequest(f"Amount must be between {MINIMUM_AMOUNT} and {MAXIMUM_AMOUNT}")
    return amount


def _redirect_url(payload: dict[str, Any]) -> str:
    url = _required_text(payload, "redirectUrl")
    if _URI_CHARACTERS.fullmatch(url):
        try:
            parts = urlsplit(url)
            _ = parts.port  # raises ValueError on a port that is not a number in range
        except ValueError:
            pass
        else:
            if parts.scheme.lower() in ("http", "https") and parts.hostname:
                return url
    raise BadRequest("redirectUrl must be an absolute http or https URL")
