"""Rentals workflows above the API: batch invoicing, CSV files, settlement reconciliation."""

from palomma_client.workflows._batch import (
    InvoiceBatchItem,
    InvoiceBatchOutcome,
    InvoiceBatchResult,
    InvoiceRequest,
    read_invoice_csv,
)
from palomma_client.workflows._reconcile import Discrepancy, DiscrepancyKind, ReconciliationReport

__all__ = [
    "Discrepancy",
    "DiscrepancyKind",
    "InvoiceBatchItem",
    "InvoiceBatchOutcome",
    "InvoiceBatchResult",
    "InvoiceRequest",
    "ReconciliationReport",
    "read_invoice_csv",
]

# They are documented, and exported, as ``palomma_client.InvoiceRequest`` and so on:
# tracebacks and reprs say so rather than naming the private module.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = "palomma_client"
del _name, _value
