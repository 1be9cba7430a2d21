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

from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from palomma_client import (
    InvalidParameterError,
    Invoice,
    PalommaClient,
    PalommaError,
)

from rent_service_errors import palomma_error_response, tenant_document

ClientFactory = Callable[[], PalommaClient]

PALOMMA = web.AppKey("palomma", PalommaClient)
"""Where the app keeps its shared client while it runs."""

MAX_LISTED_INVOICES = 500
"""The most invoices one listing returns, so that a single response stays small."""

DEFAULT_PAGE_SIZE = 20
DEFAULT_MAX_ITEMS = 100


REQUIRED_FIELDS = ("reference", "amount", "description", "redirect_url")
OPTIONAL_FIELDS = ("customer_name", "contract", "document_type")


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
    # Optional fields the API left out read as None.
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
        customer_document_number=tenant_document(request.match_info["document"]), limit=limit, max_items=max_items
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
