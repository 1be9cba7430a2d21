"""Rentals workflows above the API: batch invoicing, invoice CSV files, settlement reconciliation.

Everything here is also exported from ``palomma_client``; the batch and the
reconciliation run as ``palomma.invoices.create_many``,
``palomma.invoices.create_many_iter`` and ``palomma.settlements.reconcile``.
"""

from palomma_client._public import present_as as _present_as
from palomma_client.workflows._batch import (
    DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES,
    BatchInput,
    InvoiceBatchItem,
    InvoiceBatchIterator,
    InvoiceBatchOutcome,
    InvoiceBatchResult,
    ProgressCallback,
)
from palomma_client.workflows._csv import (
    INVOICE_CSV_COLUMNS,
    REQUIRED_INVOICE_CSV_COLUMNS,
    iter_invoice_csv,
    read_invoice_csv,
)
from palomma_client.workflows._reconcile import Discrepancy, DiscrepancyKind, ReconciliationReport
from palomma_client.workflows._request import InvoiceRequest

__all__ = [
    "DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES",
    "INVOICE_CSV_COLUMNS",
    "REQUIRED_INVOICE_CSV_COLUMNS",
    "BatchInput",
    "Discrepancy",
    "DiscrepancyKind",
    "InvoiceBatchItem",
    "InvoiceBatchIterator",
    "InvoiceBatchOutcome",
    "InvoiceBatchResult",
    "InvoiceRequest",
    "ProgressCallback",
    "ReconciliationReport",
    "iter_invoice_csv",
    "read_invoice_csv",
]

# They are documented, and exported, as ``palomma_client.InvoiceRequest`` and so on.
_present_as("palomma_client", __all__, globals())
