from palomma_client._model_base import OpenStrEnum


class InvoicePaymentSource(OpenStrEnum):
    """Known values of this enum; values the spec does not list still parse (see ``OpenStrEnum``)."""

    LINK = "link"
    PORTAL = "portal"
    WHATSAPP = "whatsapp"
