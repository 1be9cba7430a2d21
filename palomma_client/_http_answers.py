"""How a web service answers its own caller when a Palomma call fails: one mapping for every framework.

``palomma_client.fastapi`` and ``palomma_client.aiohttp`` both turn SDK errors
into HTTP answers with `http_answer`. The caller of the service sees a status
that tells it what to do (fix its input, retry later, give up), and a JSON body
``{"error": "...", "type": "...", ...}``:

======================================  ======  ==================  ==============================
error                                   status  ``type``            also in the answer
======================================  ======  ==================  ==============================
``InvalidParameterError``               422     invalid_parameter   ``parameter``
``InvoiceCSVError``                     422     invalid_parameter   ``parameter``, ``problems``
``BadRequestError`` (400)               422     invalid_request     the API's message
``NotFoundError`` (404)                 404     not_found           the API's message
``ConflictError`` (409)                 409     conflict            the API's message
``RateLimitError`` (429)                503     rate_limited        ``Retry-After``
``InvoiceOutcomeUnknownError``          503     outcome_unknown     ``Retry-After``, ``reference``
``ReferenceAlreadyUsedError``           409     reference_used      ``reference``, ``invoice_id``
``APIConnectionError``                  503     unavailable
``APITimeoutError``                     504     timeout
``AuthenticationError`` (401), 403      502     bad_gateway
``InternalServerError`` (5xx)           502     bad_gateway
other API failures                      502     bad_gateway
``WebhookSignatureError``               401     invalid_signature
``WebhookPayloadError``                 400     invalid_payload     ``field``
``DuplicateWebhookError``               200     duplicate_webhook   ``webhook_id``
``WebhookTooLargeError``                200     webhook_too_large   ``part``, ``limit``
``DedupStoreError``                     503     unavailable
``FeatureUnavailableError``             501     not_implemented
``WebhookArgumentError``, any other     500     internal_error
======================================  ======  ==================  ==============================

Other API failures are a success the spec does not allow
(``APIResponseValidationError``), an answer over ``max_response_bytes``
(``ResponseTooLargeError``), a looping cursor (``PaginationError``) and any
other status. A ``WebhookArgumentError`` is an ``InvalidParameterError`` raised
by the service's own code (an empty secret), not its caller's input; it and
any other ``PalommaError`` (``ClientClosedError``) are internal errors.
A ``FeatureUnavailableError`` means the SDK the service runs was generated
from a spec that no longer has what the feature needs: the service cannot do
this until it is updated, whatever the caller does, which is what 501 Not
Implemented says; it is logged at error level, naming the feature.
``request_id`` (the API's ``x-request-id``) is added whenever the API sent one.

Nothing here quotes headers, and of an upstream body only the API's own
``error`` text is passed on, cut to ``BODY_EXCERPT_LENGTH`` characters and
with anything shaped like a key masked; failures of the service's own
credentials or of the API get a generic message, logged in full (key-free)
at warning or error level on the ``palomma_client`` logger.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any, Final

from palomma_client._constants import BODY_EXCERPT_LENGTH, LOGGER_NAME, MAX_RETRY_AFTER
from palomma_client._exceptions import (
    REQUEST_ID_HEADER,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FeatureUnavailableError,
    InvalidParameterError,
    InvoiceCSVError,
    InvoiceOutcomeUnknownError,
    NotFoundError,
    PaginationError,
    PalommaError,
    PermissionDeniedError,
    RateLimitError,
    ReferenceAlreadyUsedError,
)
from palomma_client.webhooks._errors import (
    DedupStoreError,
    DuplicateWebhookError,
    MissingDependencyError,
    WebhookArgumentError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTooLargeError,
)

__all__ = [
    "DEFAULT_RETRY_AFTER_SECONDS",
    "OUTCOME_UNKNOWN_RETRY_AFTER_SECONDS",
    "HTTPAnswer",
    "http_answer",
]

logger = logging.getLogger(LOGGER_NAME)

DEFAULT_RETRY_AFTER_SECONDS: Final = 5
"""``Retry-After`` of a rate-limit answer when the API sent none (or one that could not be read)."""

MAX_RETRY_AFTER_SECONDS: Final = math.ceil(MAX_RETRY_AFTER)
"""The longest ``Retry-After`` passed on: the same cap the SDK applies to the API's."""

OUTCOME_UNKNOWN_RETRY_AFTER_SECONDS: Final = 30
"""``Retry-After`` when a create may have taken effect: long enough for the API to list the invoice."""

CSV_PROBLEMS_IN_ANSWER: Final = 20
"""The most problems of an invoice CSV file listed in one answer."""

MAX_REQUEST_ID_LENGTH: Final = 128

UNAVAILABLE: Final = "The payment service is unavailable; please try again later"
UNEXPECTED: Final = "The payment service sent an unexpected answer; please try again later"
TIMED_OUT: Final = "The payment service did not answer in time; please try again"
REFUSED: Final = "The payment service refused the request"
CONFLICT: Final = "The payment service reported a conflict"
INTERNAL: Final = "Internal server error"
NOT_IMPLEMENTED: Final = "This service cannot do that with the version of the payment service it runs"

# The API's own message is passed on for input it refused; should it ever echo a
# credential, these shapes of one are masked.
_CREDENTIAL = re.compile(r"(?i)\b(?:sk|pk|rk)_(?:live|test)_\S+|\bbearer\s+\S+")


@dataclass(frozen=True, slots=True)
class HTTPAnswer:
    """The answer to an SDK error: a status, a JSON-ready body and extra headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def http_answer(error: PalommaError) -> HTTPAnswer:
    """Decide how a service answers its caller when a Palomma call fails (see the module's table).

    Args:
        error: The SDK's exception.

    Returns:
        The status, JSON body and headers; the body never holds a header, a key, or more of an
        upstream body than the API's own ``error`` text, cut short.
    """
    answer = _answer(error)
    if answer.status >= 500:
        # The caller only sees a generic message: the reason goes to the service's logs.
        needs_an_operator = AuthenticationError | PermissionDeniedError | FeatureUnavailableError
        level = logging.ERROR if isinstance(error, needs_an_operator) else logging.WARNING
        logger.log(level, "answering %d to a %s: %s", answer.status, type(error).__name__, error)
    request_id = _request_id(error)
    if request_id is not None:
        answer.body["request_id"] = request_id
    return answer


def _answer(error: PalommaError) -> HTTPAnswer:
    match error:
        # Arguments the service's own code got wrong, not its caller: internal errors.
        case WebhookArgumentError() | MissingDependencyError():
            return HTTPAnswer(500, {"error": INTERNAL, "type": "internal_error"})
        case InvoiceCSVError():
            count = len(error.problems)
            return HTTPAnswer(
                422,
                {
                    "error": f"The invoice file has {count} problem{'' if count == 1 else 's'}; nothing was sent",
                    "type": "invalid_parameter",
                    "parameter": error.parameter,
                    "problems": [
                        {"line": problem.line, "column": problem.column, "message": _excerpt(problem.message)}
                        for problem in error.problems[:CSV_PROBLEMS_IN_ANSWER]
                    ],
                },
            )
        case InvalidParameterError():
            return HTTPAnswer(
                422, {"error": _excerpt(str(error)), "type": "invalid_parameter", "parameter": error.parameter}
            )
        case WebhookSignatureError():
            return HTTPAnswer(401, {"error": "Invalid webhook signature", "type": "invalid_signature"})
        case WebhookPayloadError():
            return HTTPAnswer(400, {"error": _excerpt(str(error)), "type": "invalid_payload", "field": error.field})
        case DuplicateWebhookError():
            # Already received: any status but 200 would make Palomma deliver it again.
            return HTTPAnswer(200, {"type": "duplicate_webhook", "webhook_id": error.webhook_id})
        case WebhookTooLargeError():
            # Every retry would be as large: only a 200 stops Palomma repeating it. The receiver logged it.
            return HTTPAnswer(
                200,
                {"error": _excerpt(str(error)), "type": "webhook_too_large", "part": error.part, "limit": error.limit},
            )
        case DedupStoreError():
            return HTTPAnswer(503, {"error": UNAVAILABLE, "type": "unavailable"})
        case FeatureUnavailableError():
            return HTTPAnswer(501, {"error": NOT_IMPLEMENTED, "type": "not_implemented"})
        case NotFoundError():
            return HTTPAnswer(404, {"error": _api_message(error, "Not found"), "type": "not_found"})
        case BadRequestError():
            return HTTPAnswer(422, {"error": _api_message(error, REFUSED), "type": "invalid_request"})
        case ConflictError():
            return HTTPAnswer(409, {"error": _api_message(error, CONFLICT), "type": "conflict"})
        case RateLimitError():
            seconds = _retry_after_seconds(error.retry_after)
            return HTTPAnswer(
                503,
                {"error": f"The payment service is busy; retry in {seconds} seconds", "type": "rate_limited"},
                {"Retry-After": str(seconds)},
            )
        case InvoiceOutcomeUnknownError():
            # The caller's retry reaches the service's own handler, which may create again: only a
            # lookup first (invoices.create_or_find) makes that safe, so the answer promises nothing more.
            message = (
                f"Could not confirm whether invoice {error.reference!r} was created; it may exist. Look it "
                "up by its reference before creating it again: creating it again without looking may bill twice."
            )
            return HTTPAnswer(
                503,
                {"error": message, "type": "outcome_unknown", "reference": error.reference},
                {"Retry-After": str(OUTCOME_UNKNOWN_RETRY_AFTER_SECONDS)},
            )
        case ReferenceAlreadyUsedError():
            return HTTPAnswer(
                409,
                {
                    "error": f"Reference {error.reference!r} is already used by a different invoice",
                    "type": "reference_used",
                    "reference": error.reference,
                    "invoice_id": getattr(error.invoice, "id", None),
                },
            )
        case APITimeoutError():
            return HTTPAnswer(504, {"error": TIMED_OUT, "type": "timeout"})
        case APIConnectionError():
            return HTTPAnswer(503, {"error": UNAVAILABLE, "type": "unavailable"})
        case AuthenticationError() | PermissionDeniedError():
            # The service's own key is wrong, revoked or for the other environment: nothing the caller can change.
            return HTTPAnswer(502, {"error": UNAVAILABLE, "type": "bad_gateway"})
        case APIStatusError() if error.status_code >= 500:
            return HTTPAnswer(502, {"error": UNAVAILABLE, "type": "bad_gateway"})
        case APIError() | PaginationError():
            # An unexpected status, a body the spec does not allow, an answer too large, a looping cursor.
            return HTTPAnswer(502, {"error": UNEXPECTED, "type": "bad_gateway"})
        case _:
            return HTTPAnswer(500, {"error": INTERNAL, "type": "internal_error"})


def _api_message(error: APIStatusError, fallback: str) -> str:
    # Only the API's own "error" text: without one, the SDK's message quotes the raw body.
    if isinstance(error.body, dict) and isinstance(error.body.get("error"), str):
        return _excerpt(error.message)
    return fallback


def _excerpt(text: str, limit: int = BODY_EXCERPT_LENGTH) -> str:
    text = _CREDENTIAL.sub("[redacted]", text)
    return text if len(text) <= limit else text[:limit] + "..."


def _retry_after_seconds(retry_after: float | None) -> int:
    # The SDK already waited out the API's Retry-After on each retry; passing it
    # on makes the service's callers back off as long.
    if retry_after is None:
        return DEFAULT_RETRY_AFTER_SECONDS
    return min(max(math.ceil(retry_after), 1), MAX_RETRY_AFTER_SECONDS)


def _request_id(error: PalommaError) -> str | None:
    if isinstance(error, InvoiceOutcomeUnknownError | ReferenceAlreadyUsedError):
        return None if error.create_error is None else _request_id(error.create_error)
    if isinstance(error, APIStatusError):
        request_id = error.request_id
    elif isinstance(error, APIResponseValidationError):
        request_id = error.response.headers.get(REQUEST_ID_HEADER)
    else:
        return None
    if not request_id:
        return None
    return request_id[:MAX_REQUEST_ID_LENGTH]
