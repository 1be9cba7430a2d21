"""A FastAPI service that bills rent through Palomma, sharing one ``PalommaClient``.

    pip install --index-url "$PRIVATE_INDEX_URL" 'palomma-client[fastapi]==0.1.0' uvicorn
    PALOMMA_API_KEY=sk_test_... PALOMMA_ENVIRONMENT=sandbox python examples/fastapi_app.py

``palomma_lifespan`` opens one client when the service starts and closes it
when the service stops; every request borrows it through
``Depends(get_palomma)``, so all requests share one connection pool.
``add_exception_handlers`` answers every SDK error (422 for bad input, 404,
503 with ``Retry-After`` for a rate limit, 502 for Palomma's failures...; see
``docs/frameworks.md``). ``create_app(client_factory)`` lets tests hand in a
client wired to the fake API (``FakePalomma.client()``).

Routes, answering the SDK's ``Invoice`` model as the API's own JSON:

    POST /tenants/{document}/rent-invoices            create a rent invoice, with its payment URL
    GET  /tenants/{document}/invoices?limit=&cursor=  a page of the tenant's invoices, newest first,
                                                      and the cursor of the next page
    GET  /tenants/{document}/invoices/{invoice_id}    one of the tenant's invoices
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from palomma_client import InvalidParameterError, Invoice, PalommaClient
from palomma_client.fastapi import add_exception_handlers, get_palomma, palomma_lifespan

from spec_needs import needs

ClientFactory = Callable[[], PalommaClient]


def client_from_environment() -> PalommaClient:
    """Return the production client: key from ``PALOMMA_API_KEY``, environment from ``PALOMMA_ENVIRONMENT``."""
    return PalommaClient()


# --- request and response bodies ----------------------------------------------------------------


class RentInvoiceRequest(BaseModel):
    """The body of ``POST /tenants/{document}/rent-invoices``.

    Only the types are declared here: the SDK checks the API's rules (amount
    range, URL shape, document types) before sending, and its
    ``InvalidParameterError`` becomes a 422 that names the field.
    """

    reference: str
    amount: int
    description: str
    redirect_url: str
    customer_name: str | None = None
    contract: str | None = None
    document_type: str | None = None


class TenantInvoices(BaseModel):
    """The body of ``GET /tenants/{document}/invoices``: one page, in the API's camelCase like its invoices."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    invoices: list[Invoice]
    next_cursor: str | None
    """Pass it back as ``?cursor=`` for the next page; ``null`` on the last one."""


# --- routes -------------------------------------------------------------------------------------


def tenant_document(document: str) -> str:
    """The tenant's document number from the URL: this service's own rule is that it is never blank."""
    if not document.strip():
        raise InvalidParameterError("document", "must not be empty")
    return document


Palomma = Annotated[PalommaClient, Depends(get_palomma)]
TenantDocument = Annotated[str, Depends(tenant_document)]

router = APIRouter()


@router.post("/tenants/{document}/rent-invoices", status_code=status.HTTP_201_CREATED)
async def create_rent_invoice(document: TenantDocument, invoice: RentInvoiceRequest, palomma: Palomma) -> Invoice:
    """Create a rent invoice for a tenant and return it, with its payment URL.

    The SDK never creates a second invoice for one call, even when it retries
    after a failure that may have reached Palomma.
    """
    return await needs(palomma.invoices, "create").create(
        reference=invoice.reference,
        amount=invoice.amount,
        description=invoice.description,
        redirect_url=invoice.redirect_url,
        customer_document_number=document,
        document_type=invoice.document_type,
        customer_name=invoice.customer_name,
        contract=invoice.contract,
    )


@router.get("/tenants/{document}/invoices")
async def list_tenant_invoices(
    document: TenantDocument, palomma: Palomma, limit: int | None = None, cursor: str | None = None
) -> TenantInvoices:
    """Return one page of a tenant's invoices, newest first, and the cursor of the next page.

    ``limit`` is the page size (the SDK checks the API's range); each call
    reads one page from Palomma, so a response stays small however many
    invoices the tenant has.
    """
    page = await needs(palomma.invoices, "list").list(customer_document_number=document, limit=limit, cursor=cursor)
    return TenantInvoices(invoices=page.items, next_cursor=page.next_cursor)


@router.get("/tenants/{document}/invoices/{invoice_id}", response_model=Invoice)
async def get_tenant_invoice(document: TenantDocument, invoice_id: str, palomma: Palomma) -> Invoice | JSONResponse:
    """Return one of a tenant's invoices, such as to see whether it was paid."""
    invoice = await needs(palomma.invoices, "get").get(invoice_id)
    if needs(invoice, "customer_document_number").customer_document_number != document:
        # Palomma's own answer for an unknown id, so one tenant cannot probe another's invoices.
        return JSONResponse({"error": "Invoice not found", "type": "not_found"}, status_code=status.HTTP_404_NOT_FOUND)
    return invoice


def create_app(client_factory: ClientFactory = client_from_environment) -> FastAPI:
    """Build the service.

    Args:
        client_factory: Makes the one ``PalommaClient`` the service shares; called once at startup.
            Tests pass ``fake.client`` (or a client with ``base_url``); production reads the environment.

    Returns:
        The FastAPI app.
    """
    app = FastAPI(title="Rent billing", lifespan=palomma_lifespan(client_factory))
    app.include_router(router)
    add_exception_handlers(app)
    return app


app = create_app()


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
