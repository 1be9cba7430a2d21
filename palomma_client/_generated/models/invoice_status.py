from palomma_client._model_base import OpenStrEnum


class InvoiceStatus(OpenStrEnum):
    """Known values of this enum; values the spec does not list still parse (see ``OpenStrEnum``)."""

    CANCELLED = "cancelled"
    CHARGEBACK = "chargeback"
    PAID = "paid"
    READY = "ready"
