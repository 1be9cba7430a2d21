"""The API's input rules, checked before a request is sent.

Each rule comes from ``openapi.yaml``; a broken rule raises
``InvalidParameterError`` naming the argument, so a bad call never costs a
round trip or reaches the server half-formed.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from palomma_client._exceptions import InvalidParameterError
from palomma_client._generated.models import CreateInvoiceRequestDocumentType

__all__ = [
    "MAX_AMOUNT",
    "MAX_PAGE_SIZE",
    "MIN_AMOUNT",
    "check_amount",
    "check_cycle",
    "check_date",
    "check_document_type",
    "check_optional_text",
    "check_page_size",
    "check_positive_int",
    "check_redirect_url",
    "check_text",
]

MIN_AMOUNT = 3_000
MAX_AMOUNT = 550_000_000
MIN_PAGE_SIZE = 1
MAX_PAGE_SIZE = 100


def check_text(parameter: str, value: object) -> str:
    """A required string that is not empty or blank."""
    if not isinstance(value, str):
        raise InvalidParameterError(parameter, f"must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidParameterError(parameter, "must not be empty")
    return value


def check_optional_text(parameter: str, value: object) -> str | None:
    """An optional string: ``None`` or a non-blank string."""
    return None if value is None else check_text(parameter, value)


def check_cycle(parameter: str, value: object) -> str:
    """A settlement cycle, such as ``"11"``.

    Cycles are strings in the API, but they read like hours, so an int is
    accepted and sent as its digits.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return check_text(parameter, value)


def check_amount(value: object) -> int:
    """An amount in whole COP within the API's limits."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError("amount", f"must be an integer number of COP, got {type(value).__name__}")
    if not MIN_AMOUNT <= value <= MAX_AMOUNT:
        raise InvalidParameterError("amount", f"must be between {MIN_AMOUNT:,} and {MAX_AMOUNT:,} COP, got {value:,}")
    return value


def check_redirect_url(value: object) -> str:
    """An absolute http(s) URL."""
    url = check_text("redirect_url", value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(character.isspace() for character in url):
        raise InvalidParameterError("redirect_url", f"must be an absolute http(s) URL, got {url!r}")
    return url


def check_document_type(value: object) -> CreateInvoiceRequestDocumentType | None:
    """One of the document types the API lists, or ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        document_type = CreateInvoiceRequestDocumentType(value)
        # The generated enum accepts unknown values so that responses keep
        # parsing; a request, though, must only send what the API lists.
        if document_type.is_known:
            return document_type
    valid = ", ".join(member.value for member in CreateInvoiceRequestDocumentType)
    raise InvalidParameterError("document_type", f"must be one of {valid}; got {value!r}")


def check_page_size(value: object) -> int:
    """A page size the API accepts."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_PAGE_SIZE <= value <= MAX_PAGE_SIZE:
        raise InvalidParameterError(
            "limit", f"must be an integer from {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE}, got {value!r}"
        )
    return value


def check_positive_int(parameter: str, value: object) -> int:
    """A whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(parameter, f"must be a positive integer, got {value!r}")
    return value


def check_date(parameter: str, value: object) -> datetime.date:
    """A calendar date, given as ``datetime.date`` or a ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime.datetime):
        # A datetime is a date subclass, but which day it means depends on a
        # time zone the SDK cannot guess; make the caller choose.
        raise InvalidParameterError(parameter, "must be a date, not a datetime; pass value.date() in the right zone")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidParameterError(parameter, f"must be a datetime.date or a 'YYYY-MM-DD' string, got {value!r}")
