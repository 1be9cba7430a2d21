from enum import StrEnum
from typing import Any


class InvoiceStatus(StrEnum):
    """Known values of this enum; values the spec does not list still parse.

    The API may add values (a new status, a new payment method) before this
    package is regenerated. Such a value becomes a pseudo-member that keeps the
    raw string in ``.value`` and ``str()``, compares equal to that string, and
    has ``is_known`` set to False, so responses keep parsing instead of raising
    ``ValueError``.
    """

    CANCELLED = "cancelled"
    CHARGEBACK = "chargeback"
    PAID = "paid"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """Whether the value is one the OpenAPI document lists."""
        return self._name_ != "UNKNOWN"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        pseudo_member = str.__new__(cls, value)
        pseudo_member._name_ = "UNKNOWN"
        pseudo_member._value_ = value
        return pseudo_member
