"""How the example rent services answer when a Palomma call fails, whatever their framework.

``examples/fastapi_app.py`` and ``examples/aiohttp_app.py`` both turn SDK
errors into HTTP answers here: errors the caller can fix are 4xx; failures of
Palomma or of the service's own credentials are 5xx with a generic message,
since the caller can only retry. The body is always ``{"error": "..."}`` and
never carries the API key or an upstream body beyond Palomma's own message.
"""

import logging
import math
from typing import NamedTuple

from palomma_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    InvoiceOutcomeUnknownError,
    NotFoundError,
    PalommaError,
    PermissionDeniedError,
    RateLimitError,
)

__all__ = ["ErrorReply", "palomma_error_response", "tenant_document"]

logger = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_SECONDS = 5
MAX_RETRY_AFTER_SECONDS = 60
OUTCOME_UNKNOWN_RETRY_AFTER_SECONDS = 30

# The SDK names its arguments; the caller knows this service's names.
SERVICE_NAME_OF_PARAMETER = {"customer_document_number": "document"}


def tenant_document(document: str) -> str:
    """The tenant's document number from the URL: this service's own rule is that it is never blank."""
    if not document.strip():
        raise InvalidParameterError("customer_document_number", "must not be empty")
    return document


class ErrorReply(NamedTuple):
    """The HTTP answer to an SDK error: status, JSON body and extra headers."""

    status: int
    body: dict[str, str]
    headers: dict[str, str]


def palomma_error_response(error: PalommaError) -> ErrorReply:
    """Decide how this service answers when a Palomma call fails.

    Errors the caller can fix (bad input) are 4xx; failures of Palomma or of
    our own configuration are 5xx with a generic message, since the caller can
    only retry.

    Args:
        error: The SDK's exception.

    Returns:
        The status, body and headers to answer with.
    """
    match error:
        case InvalidParameterError():
            parameter = SERVICE_NAME_OF_PARAMETER.get(error.parameter, error.parameter)
            problem = str(error).removeprefix(f"{error.parameter}: ")
            return ErrorReply(422, {"error": f"{parameter}: {problem}", "parameter": parameter}, {})
        case BadRequestError():
            return ErrorReply(422, {"error": _api_message(error, "Palomma rejected the invoice")}, {})
        case ConflictError():
            return ErrorReply(409, {"error": _api_message(error, "Palomma reported a conflict")}, {})
        case NotFoundError():
            return ErrorReply(404, {"error": _api_message(error, "Not found")}, {})
        case AuthenticationError() | PermissionDeniedError():
            # Our key is wrong, revoked or for the other environment: nothing the caller can change.
            logger.error("Palomma refused this service's credentials: %s", error)
            return ErrorReply(502, {"error": "The payment service is unavailable; please try again later"}, {})
        case RateLimitError():
            seconds = _retry_after_seconds(error)
            return ErrorReply(
                503,
                {"error": f"The payment service is busy; retry in {seconds} seconds"},
                {"Retry-After": str(seconds)},
            )
        case InvoiceOutcomeUnknownError():
            logger.warning("could not tell whether invoice %r was created: %s", error.reference, error.create_error)
            message = (
                f"Could not confirm whether invoice {error.reference!r} was created. Retry later with the same "
                "reference: it cannot be billed twice, and if the retry reports that the reference already "
                "exists, the invoice was created."
            )
            return ErrorReply(503, {"error": message}, {"Retry-After": str(OUTCOME_UNKNOWN_RETRY_AFTER_SECONDS)})
        case APITimeoutError():
            logger.warning("Palomma timed out: %s", error)
            return ErrorReply(504, {"error": "The payment service did not answer in time; please try again"}, {})
        case APIConnectionError() | InternalServerError():
            logger.warning("Palomma is unreachable or failing: %s", error)
            return ErrorReply(502, {"error": "The payment service is unavailable; please try again later"}, {})
        case _:
            # An unexpected status or a response that breaks the spec: say nothing of its body.
            logger.error("unexpected answer from Palomma: %s", error)
            return ErrorReply(502, {"error": "The payment service sent an unexpected answer"}, {})


def _api_message(error: APIStatusError, fallback: str) -> str:
    # Pass on the API's own "error" text only; when the body had none, the
    # SDK's message quotes the raw body, which callers must not see.
    if isinstance(error.body, dict) and isinstance(error.body.get("error"), str):
        return error.message
    return fallback


def _retry_after_seconds(error: RateLimitError) -> int:
    # The SDK already waited out the API's Retry-After on each retry; passing
    # its hint on makes our callers back off as long. An HTTP date or a missing
    # header falls back to a default.
    try:
        seconds = math.ceil(float(error.response.headers.get("Retry-After", "")))
    except (ValueError, OverflowError):
        return DEFAULT_RETRY_AFTER_SECONDS
    return min(max(seconds, 1), MAX_RETRY_AFTER_SECONDS)
