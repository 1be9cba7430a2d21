"""What the hand-written layer reads of the generated code: the resource methods and model fields, as protocols.

The generated resources and models are written from ``openapi.yaml``; the
vendor may remove or rename any of their methods or fields. Hand-written code
therefore never reads one directly (a type checker would resolve it, and fail
the day it is gone): it reads a generated object through one of these
protocols, handed over by the feature that declares the need, at run time::

    invoices = FIND_BY_REFERENCE.vouch(self, InvoicesAPI)      # raises FeatureUnavailableError if unmet
    pager = invoices.list(reference=reference, limit=largest_page)

``Feature.vouch`` checks the feature's needs (``Operation("listInvoices")``,
``Argument("listInvoices", "reference")``, ...) and returns the object typed as
the protocol. A protocol names only generated *names* (``Invoice``,
``InvoiceStatus``), which ``_generated_names`` always provides, so the
hand-written layer type-checks whatever the spec generates; with today's spec
the generated classes satisfy these protocols exactly (checked by
``tests/test_api_protocols.py``), so nothing is typed less precisely than the
generated code itself.

A protocol member is read only by a feature whose declared needs include it:
a method by its ``Operation`` (and each keyword argument it passes by an
``Argument``), a property by its ``Field``.

The resources offer the workflows as methods (``palomma.invoices.create_many``,
``palomma.settlements.reconcile``), so ``_resources`` imports the workflows; the
workflows are typed against these protocols and never import ``_resources`` back.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol

from palomma_client._generated_names import Invoice, InvoiceStatus, Settlement, SettlementStatus
from palomma_client._pagination import AsyncPager
from palomma_client._request import TimeoutOption

__all__ = ["InvoiceFields", "InvoicesAPI", "SettlementFields", "SettlementsAPI"]


class InvoicesAPI(Protocol):
    """What the hand-written layer calls on ``palomma.invoices``."""

    async def find_by_reference(self, reference: str, *, timeout: TimeoutOption = None) -> Invoice | None:
        """The invoice with this merchant reference, or ``None``."""
        ...

    # The arguments are the spec's fields, which a batch passes through from each row unread.
    async def create(self, *args: Any, **kwargs: Any) -> Invoice:
        """Create an invoice, with the client's safe retries."""
        ...

    async def get(self, invoice_id: str, /, *, timeout: TimeoutOption = None) -> Invoice:
        """One invoice, by its id."""
        ...

    def list(
        self,
        *,
        reference: str | None = None,
        customer_document_number: str | None = None,
        contract: str | None = None,
        payment_date: datetime.date | str | None = None,
        settlement_date: datetime.date | str | None = None,
        settlement_cycle: str | None = None,
        limit: int | None = None,
        max_items: int | None = None,
        timeout: TimeoutOption = None,
    ) -> AsyncPager[Invoice]:
        """The invoices matching every filter given, across pages."""
        ...


class SettlementsAPI(Protocol):
    """What reconciliation calls on ``palomma.settlements``."""

    async def get(self, date: datetime.date | str, cycle: str, /, *, timeout: TimeoutOption = None) -> Settlement:
        """One settlement, by its date and cycle."""
        ...


class InvoiceFields(Protocol):
    """An ``Invoice`` as the hand-written layer reads it: only the fields its features declare (``Field``)."""

    @property
    def id(self) -> str:
        """``id``."""
        ...

    @property
    def reference(self) -> str | None:
        """``reference``."""
        ...

    @property
    def status(self) -> InvoiceStatus:
        """``status``."""
        ...

    @property
    def payment_url(self) -> str:
        """``paymentUrl``."""
        ...

    @property
    def payment_amount(self) -> float | None:
        """``paymentAmount``."""
        ...

    @property
    def settlement_date(self) -> str | None:
        """``settlementDate``."""
        ...

    @property
    def settlement_time(self) -> str | None:
        """``settlementTime``."""
        ...


class SettlementFields(Protocol):
    """A ``Settlement`` as reconciliation reads it: only the fields ``settlements.reconcile`` declares."""

    @property
    def status(self) -> SettlementStatus:
        """``status``."""
        ...

    @property
    def number_of_invoices(self) -> float:
        """``numberOfInvoices``."""
        ...

    @property
    def amount_collected(self) -> float:
        """``amountCollected``."""
        ...

    @property
    def fees(self) -> float:
        """``fees``."""
        ...

    @property
    def fees_postpaid(self) -> bool:
        """``feesPostpaid``."""
        ...

    @property
    def adjustments(self) -> float:
        """``adjustments``."""
        ...

    @property
    def payment_amount(self) -> float:
        """``paymentAmount``."""
        ...
