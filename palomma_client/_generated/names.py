"""The generated names the hand-written layer imports, whatever the spec generates.

``make generate`` writes this module from the names hand-written modules import
from ``palomma_client._generated_names`` (which re-exports what is written
here): generated classes and operation modules. A name this spec generates is
imported from where it is defined, so type checkers see it exactly. A name it
does not generate (the vendor removed or renamed the operation, model or tag)
is a stand-in, so that the package still imports and type-checks: a resource
class is ``APIResource``, which the hand-written subclass extends; anything else
is a ``Missing`` placeholder, typed ``Any``, that raises
``FeatureUnavailableError`` when used. The feature that needs it refuses first,
naming what is gone (see ``palomma_client._features``).
"""

from __future__ import annotations

from .api.invoices import InvoicesResource, create_invoice, get_invoice, list_invoices
from .api.settlements import SettlementsResource
from .models import (
    CreateInvoiceRequest,
    CreateInvoiceRequestDocumentType,
    Invoice,
    InvoicePaymentMethod,
    InvoicePaymentSource,
    InvoiceStatus,
    ListInvoicesResponse,
    Settlement,
    SettlementStatus,
)

__all__ = [
    "CreateInvoiceRequest",
    "CreateInvoiceRequestDocumentType",
    "Invoice",
    "InvoicePaymentMethod",
    "InvoicePaymentSource",
    "InvoiceStatus",
    "InvoicesResource",
    "ListInvoicesResponse",
    "Settlement",
    "SettlementStatus",
    "SettlementsResource",
    "create_invoice",
    "get_invoice",
    "list_invoices",
]
