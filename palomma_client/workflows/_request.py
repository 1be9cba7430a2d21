"""``InvoiceRequest``: the arguments of one ``invoices.create`` call, checked when built.

Its fields are not written here. They are the fields of the generated
``CreateInvoiceRequest`` model, and the checks are the generated
``create_invoice.build_request``, both written from ``openapi.yaml``: an
optional field the vendor adds (say ``tenantEmail``) is an ``InvoiceRequest``
field, a CSV column and a batch argument after ``make generate``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, ClassVar, Final, NoReturn

from palomma_client._exceptions import InvalidParameterError
from palomma_client._features import Argument, Feature, Model, Operation
from palomma_client._generated_names import CreateInvoiceRequest, create_invoice
from palomma_client.workflows._models import field_names, required_field_names

__all__ = ["INVOICE_REQUESTS", "InvoiceRequest"]

INVOICE_REQUESTS: Final = Feature(
    "InvoiceRequest (and reading invoice CSV files)",
    Model("CreateInvoiceRequest"),
    Operation("createInvoice"),
    Argument("createInvoice", "reference"),
)

_FIELDS: Final = field_names(CreateInvoiceRequest)
_REQUIRED_FIELDS: Final = required_field_names(CreateInvoiceRequest)


class InvoiceRequest:
    """The arguments of one ``invoices.create`` call, checked when built.

    Build one with the keyword arguments of ``invoices.create`` (every field
    of the spec's ``CreateInvoiceRequest``, in snake_case), and read them back
    as attributes; an optional field not given reads as ``None``::

        request = InvoiceRequest(
            reference="RENT-2026-03-001", amount=1_850_000, description="Canon marzo 2026",
            redirect_url="https://merchant.example.com/return", customer_document_number="1020304050",
        )
        request.amount          # 1850000
        request.contract        # None: the API applies its default

    Building one runs the create operation's own checks, generated from the
    spec, so a batch with a bad item fails before anything is sent. Requests
    are immutable and compare (and hash) by their arguments; an enum member
    is kept as its plain value, so ``document_type`` reads ``"cc"``.

    Attributes:
        FIELDS: Every field, required ones first, in the spec's order.
        REQUIRED_FIELDS: The fields every request must have.
        line: The line of the CSV file this request was read from, or ``None`` when built in code.
            It takes no part in comparisons.

    Raises:
        InvalidParameterError: An argument is unknown, a required one is missing, or a value breaks
            the API's rules; ``parameter`` names it.
        FeatureUnavailableError: The API's spec no longer has the create operation, its model or its
            ``reference``.
    """

    __slots__ = ("_arguments", "line")

    FIELDS: ClassVar[tuple[str, ...]] = _FIELDS
    REQUIRED_FIELDS: ClassVar[tuple[str, ...]] = _REQUIRED_FIELDS

    _arguments: dict[str, Any]
    line: int | None

    def __init__(self, *, line: int | None = None, **arguments: Any) -> None:
        INVOICE_REQUESTS.check()
        unknown = [name for name in arguments if name not in _FIELDS]
        if unknown:
            raise InvalidParameterError(
                unknown[0], f"is not an argument of invoices.create (known: {', '.join(_FIELDS)})"
            )
        # None means "not given", as in invoices.create: the API applies its own default.
        given = {name: arguments[name] for name in _FIELDS if arguments.get(name) is not None}
        missing = [name for name in _REQUIRED_FIELDS if name not in given]
        if missing:
            raise InvalidParameterError(missing[0], "is required")
        create_invoice.build_request(**given)
        object.__setattr__(
            self,
            "_arguments",
            {name: value.value if isinstance(value, enum.Enum) else value for name, value in given.items()},
        )
        object.__setattr__(self, "line", line)

    @classmethod
    def from_mapping(cls, arguments: Mapping[str, Any], *, line: int | None = None) -> InvoiceRequest:
        """Build a request from a mapping of ``invoices.create``'s keyword arguments.

        Args:
            arguments: The arguments, by name; a value of ``None`` means "not given".
            line: The line of the file the arguments come from, if any.

        Returns:
            The checked request.

        Raises:
            InvalidParameterError: A key is missing or unknown, or a value breaks the API's rules.
        """
        if not isinstance(arguments, Mapping):
            raise InvalidParameterError("arguments", f"must be a mapping, got {type(arguments).__name__}")
        unnamed = [key for key in arguments if not isinstance(key, str)]
        if unnamed:
            raise InvalidParameterError("arguments", f"keys must be argument names, got {unnamed[0]!r}")
        return cls(line=line, **arguments)

    @property
    def reference(self) -> str:
        """Your unique reference for the invoice: the key that makes a batch safe to rerun."""
        reference: str = self._arguments["reference"]
        return reference

    def create_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``invoices.create`` this request stands for (only those given)."""
        return dict(self._arguments)

    def replace(self, **changes: Any) -> InvoiceRequest:
        """A copy with some arguments changed (``None`` removes an optional one), checked again.

        Args:
            **changes: New values by argument name; ``line`` too.

        Returns:
            The new request.

        Raises:
            InvalidParameterError: The result breaks the API's rules.
        """
        line = changes.pop("line", self.line)
        return type(self)(line=line, **{**self._arguments, **changes})

    def __getattr__(self, name: str) -> Any:
        # Only reached for names that are not slots or methods: the fields of the spec.
        if name in _FIELDS:
            return self._arguments.get(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"InvoiceRequest is immutable; use request.replace({name}=...)")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("InvoiceRequest is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InvoiceRequest):
            return NotImplemented
        return self._arguments == other._arguments

    def __hash__(self) -> int:
        return hash(tuple(self._arguments.items()))

    def __repr__(self) -> str:
        arguments = ", ".join(f"{name}={value!r}" for name, value in self._arguments.items())
        line = "" if self.line is None else f", line={self.line}"
        return f"InvoiceRequest({arguments}{line})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._arguments, self.line))


def _rebuild(arguments: dict[str, Any], line: int | None) -> InvoiceRequest:
    return InvoiceRequest(line=line, **arguments)
