"""An aiohttp service that bills rent through Palomma, sharing one ``PalommaClient``.

    pip install --index-url "$PRIVATE_INDEX_URL" 'palomma-client[aiohttp]==0.1.0'
    PALOMMA_API_KEY=sk_test_... PALOMMA_ENVIRONMENT=sandbox python examples/aiohttp_app.py

The same service as ``examples/fastapi_app.py``. The ``palomma_context``
cleanup context opens one client when the app starts and closes it when the
app stops; handlers read it as ``request.app[PALOMMA_CLIENT]``, so all requests
share one connection pool. ``error_middleware`` answers every SDK error (422
for bad input, 404, 503 with ``Retry-After`` for a rate limit, 502 for
Palomma's failures...; see ``docs/frameworks.md``).
``create_app(client_factory)`` lets tests hand in a client wired to the fake
API (``FakePalomma.client()``).

Routes, answering the SDK's ``Invoice`` model as the API's own JSON:

    POST /tenants/{document}/rent-invoices            create a rent invoice, with its payment URL
    GET  /tenants/{document}/invoices?limit=&cursor=  a page of the tenant's invoices, newest first,
                                                      and the cursor of the next page
    GET  /tenants/{document}/invoices/{invoice_id}    one of the tenant's invoices
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from palomma_client import InvalidParameterError, PalommaClient
from palomma_client.aiohttp import PALOMMA_CLIENT, error_middleware, palomma_context

from spec_needs import needs

ClientFactory = Callable[[], PalommaClient]

REQUIRED_FIELDS = ("reference", "amount", "description", "redirect_url")
OPTIONAL_FIELDS = ("customer_name", "contract", "document_type")


def client_from_environment() -> PalommaClient:
    """Return the production client: key from ``PALOMMA_API_KEY``, environment from ``PALOMMA_ENVIRONMENT``.

    It sends through aiohttp, which the service runs on already, rather than a second HTTP library.
    """
    return PalommaClient(backend="aiohttp")


# --- routes -------------------------------------------------------------------------------------

routes = web.RouteTableDef()


@routes.post("/tenants/{document}/rent-invoices")
async def create_rent_invoice(request: web.Request) -> web.Response:
    """Create a rent invoice for a tenant and return it, with its payment URL (201).

    The body's fields are only checked for presence here: the SDK checks their
    types and the API's rules before sending, and its ``InvalidParameterError``
    becomes a 422 that names the field. The SDK never creates a second invoice
    for one call, even when it retries after a failure that may have reached
    Palomma.
    """
    document = tenant_document(request)
    body = await _json_object(request)
    for name in REQUIRED_FIELDS:
        if name not in body:
            raise InvalidParameterError(name, "is required")
    created = await needs(request.app[PALOMMA_CLIENT].invoices, "create").create(
        reference=body["reference"],
        amount=body["amount"],
        description=body["description"],
        redirect_url=body["redirect_url"],
        customer_document_number=document,
        document_type=body.get("document_type"),
        customer_name=body.get("customer_name"),
        contract=body.get("contract"),
    )
    return web.json_response(created.to_dict(), status=201)


@routes.get("/tenants/{document}/invoices")
async def list_tenant_invoices(request: web.Request) -> web.Response:
    """Return one page of a tenant's invoices, newest first, and the cursor of the next page.

    ``limit`` is the page size (the SDK checks the API's range); each call
    reads one page from Palomma, so a response stays small however many
    invoices the tenant has. Pass ``nextCursor`` back as ``?cursor=``.
    """
    document, limit = tenant_document(request), _query_int(request, "limit")
    page = await needs(request.app[PALOMMA_CLIENT].invoices, "list").list(
        customer_document_number=document, limit=limit, cursor=request.query.get("cursor")
    )
    invoices = [invoice.to_dict() for invoice in page.items]
    return web.json_response({"invoices": invoices, "nextCursor": page.next_cursor})


@routes.get("/tenants/{document}/invoices/{invoice_id}")
async def get_tenant_invoice(request: web.Request) -> web.Response:
    """Return one of a tenant's invoices, such as to see whether it was paid."""
    document = tenant_document(request)
    invoice = await needs(request.app[PALOMMA_CLIENT].invoices, "get").get(request.match_info["invoice_id"])
    if needs(invoice, "customer_document_number").customer_document_number != document:
        # Palomma's own answer for an unknown id, so one tenant cannot probe another's invoices.
        return web.json_response({"error": "Invoice not found", "type": "not_found"}, status=404)
    return web.json_response(invoice.to_dict())


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InvalidParameterError("body", "must be a JSON object")
    return body


def tenant_document(request: web.Request) -> str:
    """The tenant's document number from the URL: this service's own rule is that it is never blank."""
    document = request.match_info["document"]
    if not document.strip():
        raise InvalidParameterError("document", "must not be empty")
    return document


def _query_int(request: web.Request, name: str) -> int | None:
    # Only the conversion is ours; the SDK checks the range and names the parameter.
    raw = request.query.get(name)
    if raw is None:
        return None
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

    app = web.Application(middlewares=[error_middleware])
    # One client per process: one connection pool for every request, closed on cleanup.
    app.cleanup_ctx.append(palomma_context(client_factory))
    app.add_routes(routes)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
