"""Contains all the data models used in inputs/outputs"""

from .create_invoice_request import CreateInvoiceRequest
from .create_invoice_request_document_type import CreateInvoiceRequestDocumentType
from .error_response import ErrorResponse
from .invoice import Invoice
from .invoice_payment_method import InvoicePaymentMethod
from .invoice_payment_source import InvoicePaymentSource
from .invoice_status import InvoiceStatus
from .list_invoices_response import ListInvoicesResponse
from .settlement import Settlement
from .settlement_status import SettlementStatus

__all__ = (
    "CreateInvoiceRequest",
    "CreateInvoiceRequestDocumentType",
    "ErrorResponse",
    "Invoice",
    "InvoicePaymentMethod",
    "InvoicePaymentSource",
    "InvoiceStatus",
    "ListInvoicesResponse",
    "Settlement",
    "SettlementStatus",
)
