from palomma_client._model_base import OpenStrEnum


class InvoicePaymentMethod(OpenStrEnum):
    """Known values of this enum; values the spec does not list still parse (see ``OpenStrEnum``)."""

    BANCOLOMBIABUTTON = "bancolombiaButton"
    BREB = "breb"
    CARD = "card"
    NEQUIBUTTON = "nequiButton"
    PSE = "pse"
