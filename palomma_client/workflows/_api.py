"""What the workflows need of the API: the few resource methods they call, as protocols.

The resources offer the workflows as methods (``palomma.invoices.create_many``,
``palomma.settlements.reconcile``), so ``_resources`` imports the workflows; the
workflows are typed against these protocols, which the resources satisfy, and
never import ``_resources`` back.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterable
from typing import Any, Protocol

from palomma_client._generated_names import Invoice, Settlement
from palomma_client._request import TimeoutOption

__all__ = ["InvoicesAPI", "SettlementsAPI"]


class InvoicesAPI(Protocol):
    """What batch invoicing and reconciliation call on ``palomma.invoices``."""

    async def find_by_reference(self, reference: str, *, timeout: TimeoutOption = None) -> Invoice | None:
        """The invoice with this merchant reference, or ``None``."""
        ...

    # The arguments are the spec's fields, which a batch passes through from each row unread.
    async def create(self, *args: Any, **kwargs: Any) -> Invoice:
        """Create an invoice, with the client's safe retries."""
        ...

    def list(
        self,
        *,
        settlement_date: datetime.date,
        settlement_cycle: str,
        limit: int,
        timeout: TimeoutOption = None,
    ) -> AsyncIterable[Invoice]:
        """The invoices of one settlement, across pages."""
        ...


class SettlementsAPI(Protocol):
    """What reconciliation calls on ``palomma.settlements``."""

    async def get(self, date: datetime.date | str, cycle: str, /, *, timeout: TimeoutOption = None) -> Settlement:
        """One settlement, by its date and cycle."""
        ...
