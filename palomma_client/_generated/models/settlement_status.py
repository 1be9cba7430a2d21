from palomma_client._model_base import OpenStrEnum


class SettlementStatus(OpenStrEnum):
    """Known values of this enum; values the spec does not list still parse (see ``OpenStrEnum``)."""

    CREDITED = "credited"
    ERROR = "error"
    PAID = "paid"
    PROCESSING = "processing"
