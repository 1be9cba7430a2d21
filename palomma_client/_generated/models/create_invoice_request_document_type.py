from palomma_client._model_base import OpenStrEnum


class CreateInvoiceRequestDocumentType(OpenStrEnum):
    """Known values of this enum; values the spec does not list still parse (see ``OpenStrEnum``)."""

    CC = "cc"
    CE = "ce"
    CIF = "cif"
    NE = "ne"
    NIT = "nit"
    PPT = "ppt"
    PS = "ps"
    RC = "rc"
    TI = "ti"
