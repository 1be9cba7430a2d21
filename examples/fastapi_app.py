"""A FastAPI service that bills rent through Palomma, sharing one ``PalommaClient``.

    pip install palomma-client fastapi uvicorn
    PALOMMA_API_KEY=sk_test_... PALOMMA_ENVIRONMENT=sandbox python examples/fastapi_app.py

The lifespan opens one client when the service starts and closes it when the
service stops; every request borrows it through ``Depends(get_palomma)``, so
all requests share one connection pool. ``create_app(client_factory)`` lets
tests hand in a client wired to the fake API (``FakePalomma.client()``).

Routes:

    POST /tenants/{document}/rent-invoices            create a rent invoice, return its payment URL
    GET  /tenants/{document}/invoices?limit=&max_items=   the tenant's invoices, newest first
    GET  /tenants/{document}/invoices/{invoice_id}    one of the tenant's invoices

SDK errors become HTTP answers in ``palomma_error_response``; the body is always
``{"error": "..."}``, and never carries the API key or an upstream body beyond
the Palomma API's own error message.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from palomma_client import (
    InvalidParameterError,
    Invoice,
    PalommaClient,
    PalommaError,
)

from rent_service_errors import palomma_error_response, tenant_document

ClientFactory = Callable[[], PalommaClient]

MAX_LISTED_INVOICES = 500
"""The most invoices one listing returns, so that a single response stays small."""


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


class RentInvoice(BaseModel):
    """An invoice as this service shows it."""

    invoice_id: str
    reference: str | None
    status: str
    payment_url: str
    amount: int
    description: str
    contract: str
    customer_document_number: str
    customer_name: str | None
    created_at: str
    expiration_date: str | None
    payment_date: datetime | None
    payment_method: str | None

    @classmethod
    def from_invoice(cls, invoice: Invoice) -> "RentInvoice":
        """Build the service's view of an SDK ``Invoice``.

        Args:
            invoice: The invoice the SDK returned.

        Returns:
            The service's view, with absent optional fields as ``None``.
        """
        # Optional fields the API left out read as None.
        return cls(
            invoice_id=invoice.id,
            reference=invoice.reference or None,
            # str() keeps statuses newer than the SDK ("refunded") as their raw value.
            status=str(invoice.status),
            payment_url=invoice.payment_url,
            amount=int(invoice.amount),
            description=invoice.description,
            contract=invoice.contract,
            customer_document_number=invoice.customer_document_number,
            customer_name=invoice.customer_name or None,
            created_at=invoice.created_at,
            expiration_date=invoice.expiration_date or None,
            payment_date=invoice.payment_date or None,
            payment_method=str(invoice.payment_method) if invoice.payment_method else None,
        )


class TenantInvoices(BaseModel):
    """The body of ``GET /tenants/{document}/invoices``."""

    invoices: list[RentInvoice]


# --- routes -------------------------------------------------------------------------------------


def get_palomma(request: Request) -> PalommaClient:
    """The client the lifespan opened, for ``Depends``; override it with ``app.dependency_overrides``."""
    palomma: PalommaClient = request.app.state.palomma
    return palomma


Palomma = Annotated[PalommaClient, Depends(get_palomma)]

router = APIRouter()


@router.post("/tenants/{document}/rent-invoices", status_code=status.HTTP_201_CREATED)
async def create_rent_invoice(document: str, invoice: RentInvoiceRequest, palomma: Palomma) -> RentInvoice:
    """Create a rent invoice for a tenant and return its payment URL.

    The SDK never creates a second invoice for one call, even when it retries
    after a failure that may have reached Palomma.
    """
    created = await palomma.invoices.create(
        reference=invoice.reference,
        amount=invoice.amount,
        description=invoice.description,
        redirect_url=invoice.redirect_url,
        customer_document_number=document,
        document_type=invoice.document_type,
        customer_name=invoice.customer_name,
        contract=invoice.contract,
    )
    return RentInvoice.from_invoice(created)


@router.get("/tenants/{document}/invoices")
async def list_tenant_invoices(
    document: str, palomma: Palomma, limit: int = 20, max_items: int = 100
) -> TenantInvoices:
    """List a tenant's invoices, newest first.

    ``limit`` is the page size asked of Palomma; ``max_items`` bounds the
    whole answer (at most ``MAX_LISTED_INVOICES``).
    """
    if max_items > MAX_LISTED_INVOICES:
        raise InvalidParameterError("max_items", f"must be at most {MAX_LISTED_INVOICES}, got {max_items}")
    pager = palomma.invoices.list(customer_document_number=tenant_document(document), limit=limit, max_items=max_items)
    return TenantInvoices(invoices=[RentInvoice.from_invoice(invoice) async for invoice in pager])


@router.get("/tenants/{document}/invoices/{invoice_id}", response_model=RentInvoice)
async def get_tenant_invoice(document: str, invoice_id: str, palomma: Palomma) -> RentInvoice | JSONResponse:
    """Return one of a tenant's invoices, such as to see whether it was paid."""
    invoice = await palomma.invoices.get(invoice_id)
    if invoice.customer_document_number != document:
        # Palomma's own answer for an unknown id, so one tenant cannot probe another's invoices.
        return JSONResponse({"error": "Invoice not found"}, status_code=status.HTTP_404_NOT_FOUND)
    return RentInvoice.from_invoice(invoice)


def create_app(client_factory: ClientFactory = client_from_environment) -> FastAPI:
    """Build the service.

    Args:
        client_factory: Makes the one ``PalommaClient`` the service shares; called once at startup.
            Tests pass ``fake.client`` (or a client with ``base_url``); production reads the environment.

    Returns:
        The FastAPI app.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One client per process: one connection pool for every request, closed on shutdown.
        async with client_factory() as palomma:
            app.state.palomma = palomma
            yield

    app = FastAPI(title="Rent billing", lifespan=lifespan)
    app.include_router(router)

    @app.exception_handler(PalommaError)
    async def palomma_error_handler(request: Request, error: PalommaError) -> JSONResponse:
        reply = palomma_error_response(error)
        return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)

    return app


app = create_app()


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
