"""The generated names the hand-written layer imports, looked up once, so the package imports whatever the spec says.

Hand-written modules import operations, models and resource classes from
here, never from ``palomma_client._generated`` itself. Type checkers see the
real generated names (they are in the checked-in code). At run time each name
is looked up when first imported: one the spec no longer generates is a
``Missing`` placeholder that raises ``FeatureUnavailableError`` when used, and a
resource class is ``APIResource``, so that the hand-written subclass still
defines its workflows (each checks its own needs, see ``_features``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = [
    "CreateInvoiceRequest",
    "CreateInvoiceRequestDocumentType",
    "Invoice",
    "InvoicePaymentMethod",
    "InvoicePaymentSource",
    "InvoiceStatus",
    "InvoicesResource",
    "Settlement",
    "SettlementStatus",
    "SettlementsResource",
    "create_invoice",
    "list_invoices",
]

if TYPE_CHECKING:
    from palomma_client._generated.api.invoices import InvoicesResource, create_invoice, list_invoices
    from palomma_client._generated.api.settlements import SettlementsResource
    from palomma_client._generated.models import (
        CreateInvoiceRequest,
        CreateInvoiceRequestDocumentType,
        Invoice,
        InvoicePaymentMethod,
        InvoicePaymentSource,
        InvoiceStatus,
        Settlement,
        SettlementStatus,
    )
else:
    from palomma_client._features import Missing
    from palomma_client._generated import models as _models
    from palomma_client._generated.api import OPERATIONS as _OPERATIONS
    from palomma_client._generated.api import GeneratedResources as _GeneratedResources
    from palomma_client._resource import APIResource as _APIResource

    def _look_up(name: str) -> object:
        for module in _OPERATIONS.values():
            if module.__name__.rpartition(".")[2] == name:
                return module
        for resource_class in _GeneratedResources.RESOURCE_CLASSES.values():
            if resource_class.__name__ == name:
                return resource_class
        if name.endswith("Resource"):
            return _APIResource
        model = getattr(_models, name, None)
        return Missing(name) if model is None else model

    def __getattr__(name: str) -> object:
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = globals()[name] = _look_up(name)
        return value
