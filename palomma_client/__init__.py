"""Async Python SDK for the Palomma Rentals API.

from palomma_client import PalommaClient

async with PalommaClient(environment="sandbox") as palomma:
    invoice = await palomma.invoices.create(...)
"""

from palomma_client._client import PalommaClient
from palomma_client._constants import (
    CREATE_LOOKUP_GRACE_PERIOD,
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    MAX_EMPTY_PAGES,
)
from palomma_client._environments import Environment
from palomma_client._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    FeatureUnavailableError,
    InternalServerError,
    InvalidParameterError,
    InvoiceCSVError,
    InvoiceCSVProblem,
    InvoiceOutcomeUnknownError,
    NotFoundError,
    PaginationError,
    PalommaError,
    PermissionDeniedError,
    RateLimitError,
    ReferenceAlreadyUsedError,
    ResponseTooLargeError,
)
from palomma_client._generated import API_VERSION
from palomma_client._generated.version import __version__
from palomma_client._generated_names import (
    CreateInvoiceRequestDocumentType as DocumentType,
)
from palomma_client._generated_names import (
    Invoice,
    InvoicePaymentMethod,
    InvoicePaymentSource,
    InvoiceStatus,
    Settlement,
    SettlementStatus,
)
from palomma_client._logging import setup_logging_from_environment as _setup_logging_from_environment
from palomma_client._pagination import AsyncPager, Page
from palomma_client._resources import Invoices, Settlements
from palomma_client._response import APIResponse
from palomma_client._validation import NOT_GIVEN, NotGiven
from palomma_client.workflows import (
    Discrepancy,
    DiscrepancyKind,
    InvoiceBatchItem,
    InvoiceBatchIterator,
    InvoiceBatchOutcome,
    InvoiceBatchResult,
    InvoiceRequest,
    ReconciliationReport,
    iter_invoice_csv,
    read_invoice_csv,
)

__all__ = [
    "API_VERSION",
    "CREATE_LOOKUP_GRACE_PERIOD",
    "DEFAULT_CONNECTION_LIMITS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "MAX_EMPTY_PAGES",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPager",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "Discrepancy",
    "DiscrepancyKind",
    "DocumentType",
    "Environment",
    "FeatureUnavailableError",
    "InternalServerError",
    "InvalidParameterError",
    "Invoice",
    "InvoiceBatchItem",
    "InvoiceBatchIterator",
    "InvoiceBatchOutcome",
    "InvoiceBatchResult",
    "InvoiceCSVError",
    "InvoiceCSVProblem",
    "InvoiceOutcomeUnknownError",
    "InvoicePaymentMethod",
    "InvoicePaymentSource",
    "InvoiceRequest",
    "InvoiceStatus",
    "Invoices",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PaginationError",
    "PalommaClient",
    "PalommaError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReconciliationReport",
    "ReferenceAlreadyUsedError",
    "ResponseTooLargeError",
    "Settlement",
    "SettlementStatus",
    "Settlements",
    "__version__",
    "iter_invoice_csv",
    "read_invoice_csv",
]

# Tracebacks and reprs read ``palomma_client.NotFoundError``, not the private
# module; generated models keep theirs, which pickling relies on.
for _name in __all__:
    _value = globals()[_name]
    if (
        isinstance(_value, type)
        and _value.__module__.startswith("palomma_client._")
        and not _value.__module__.startswith("palomma_client._generated")
    ):
        _value.__module__ = "palomma_client"
del _name, _value

_setup_logging_from_environment()
