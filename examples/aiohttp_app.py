"""An aiohttp service that bills rent through Palomma, sharing one ``PalommaClient``.

    pip install palomma-client aiohttp
    PALOMMA_API_KEY=sk_test_... PALOMMA_ENVIRONMENT=sandbox python examples/aiohttp_app.py

The same service as ``examples/fastapi_app.py``. A cleanup context opens one
client when the app starts and closes it when the app stops; handlers read it
from the app under the ``PALOMMA`` key, so all requests share one connection
pool. ``create_app(client_factory)`` lets tests hand in a client wired to the
fake API (``FakePalomma.client()``).

Routes:

    POST /tenants/{document}/rent-invoices            create a rent invoice, return its payment URL
    GET  /tenants/{document}/invoices?limit=&max_items=   the tenant's invoices, newest first
    GET  /tenants/{document}/invoices/{invoice_id}    one of the tenant's invoices

SDK errors become HTTP answers in the ``palomma_errors`` middleware; the body
is always ``{"error": "..."}``, and never carries the API key or an upstream
body beyond the Palomma API's own error message.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Callable
from typing import Any, NamedTuple

from aiohttp import web
from aiohttp.typedefs import Handler

from palomma_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    Invoice,
    InvoiceOutcomeUnknownError,
    NotFoundError,
    PalommaClient,
    PalommaError,
    PermissionDeniedError,
    RateLimitError,
)

logger = logging.getLogger(__name__)

ClientFactory = Callable[[], PalommaClient]

PALOMMA = web.AppKey("palomma", PalommaClient)
"""Where the app keeps its shared client while it runs."""

MAX_LISTED_INVOICES = 500
"""The most invoices one listing returns, so that a single response stays small."""

DEFAULT_PAGE_SIZE = 20
DEFAULT_MAX_ITEMS = 100

DEFAULT_RETRY_AFTER_SECONDS = 5
MAX_RETRY_AFTER_SECONDS = 60
OUTCOME_UNKNOWN_RETRY_AFTER_SECONDS = 30

REQUIRED_FIELDS = ("reference", "amount", "description", "redirect_url")
OPTIONAL_FIELDS = ("customer_name", "contract", "document_type")

# The SDK names its arguments; the caller knows this service's names.
SERVICE_NAME_OF_PARAMETER = {"customer_document_number": "document"}


def client_from_environment() -> PalommaClient:
    """Return the production client: key from ``PALOMMA_API_KEY``, environment from ``PALOMMA_ENVIRONMENT``."""
    return PalommaClient()


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    """Return an invoice as this service shows it, as JSON-ready data.

    Args:
        invoice: The invoice the SDK returned.

    Returns:
        The service's view, with absent optional fields as ``None``.
    """
    # Optional fields the API left out are the SDK's UNSET, which is falsy.
    return {
        "invoice_id": invoice.id,
        "reference": invoice.reference or None,
        # str() keeps statuses newer than the SDK ("refunded") as their raw value.
        "status": str(invoice.status),
        "payment_url": invoice.payment_url,
        "amount": int(invoice.amount),
        "description": invoice.description,
        "contract": invoice.contract,
        "customer_document_number": invoice.customer_document_number,
        "customer_name": invoice.customer_name or None,
        "created_at": invoice.created_at,
        "expiration_date": invoice.expiration_date or None,
        "payment_date": invoice.payment_date.isoformat() if invoice.payment_date else None,
        "payment_method": str(invoice.payment_method) if invoice.payment_method else None,
    }


# --- SDK errors as HTTP answers -----------------------------------------------------------------


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


@web.middleware
async def palomma_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer an SDK error raised by any handler as ``palomma_error_response`` decides."""
    try:
        return await handler(request)
    except PalommaError as error:
        reply = palomma_error_response(error)
        return web.json_response(reply.body, status=reply.status, headers=reply.headers)


# --- routes -------------------------------------------------------------------------------------

routes = web.RouteTableDef()


@routes.post("/tenants/{document}/rent-invoices")
async def create_rent_invoice(request: web.Request) -> web.Response:
    """Create a rent invoice for a tenant and return its payment URL (201).

    The body's fields are only checked for presence here: the SDK checks their
    types and the API's rules before sending, and its ``InvalidParameterError``
    becomes a 422 that names the field. The SDK never creates a second invoice
    for one call, even when it retries after a failure that may have reached
    Palomma.
    """
    body = await _json_object(request)
    for name in REQUIRED_FIELDS:
        if name not in body:
            raise InvalidParameterError(name, "is required")
    created = await request.app[PALOMMA].invoices.create(
        reference=body["reference"],
        amount=body["amount"],
        description=body["description"],
        redirect_url=body["redirect_url"],
        customer_document_number=request.match_info["document"],
        document_type=body.get("document_type"),
        customer_name=body.get("customer_name"),
        contract=body.get("contract"),
    )
    return web.json_response(invoice_json(created), status=201)


@routes.get("/tenants/{document}/invoices")
async def list_tenant_invoices(request: web.Request) -> web.Response:
    """List a tenant's invoices, newest first.

    ``limit`` is the page size asked of Palomma; ``max_items`` bounds the
    whole answer (at most ``MAX_LISTED_INVOICES``).
    """
    limit = _query_int(request, "limit", DEFAULT_PAGE_SIZE)
    max_items = _query_int(request, "max_items", DEFAULT_MAX_ITEMS)
    if max_items > MAX_LISTED_INVOICES:
        raise InvalidParameterError("max_items", f"must be at most {MAX_LISTED_INVOICES}, got {max_items}")
    pager = request.app[PALOMMA].invoices.list(
        customer_document_number=request.match_info["document"], limit=limit, max_items=max_items
    )
    return web.json_response({"invoices": [invoice_json(invoice) async for invoice in pager]})


@routes.get("/tenants/{document}/invoices/{invoice_id}")
async def get_tenant_invoice(request: web.Request) -> web.Response:
    """Return one of a tenant's invoices, such as to see whether it was paid."""
    invoice = await request.app[PALOMMA].invoices.get(request.match_info["invoice_id"])
    if invoice.customer_document_number != request.match_info["document"]:
        # Palomma's own answer for an unknown id, so one tenant cannot probe another's invoices.
        return web.json_response({"error": "Invoice not found"}, status=404)
    return web.json_response(invoice_json(invoice))


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InvalidParameterError("body", "must be a JSON object")
    return body


def _query_int(request: web.Request, name: str, default: int) -> int:
    # Only the conversion is ours; the SDK checks the range and names the parameter.
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidParameterError(name, f"must be an integer, got {raw!r}") from None


def create_app(client_factory: ClientFactory = client_from_environment) -> web.Application:
    """Build the service.

    Args:
        client_factory: Makes the one ``PalommaClient`` the service shares; called once at startup.
            Tests pass ``fake.client`` (or a client with ``base_url``); production reads the environment.

    Returns:
        The aiohttp application.
    """

    async def palomma_client(app: web.Application) -> AsyncIterator[None]:
        # One client per process: one connection pool for every request, closed on cleanup.
        async with client_factory() as palomma:
            app[PALOMMA] = palomma
            yield

    app = web.Application(middlewares=[palomma_errors])
    app.cleanup_ctx.append(palomma_client)
    app.add_routes(routes)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
