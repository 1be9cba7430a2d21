"""What each hand-written feature needs of the generated code, checked once at import.

A workflow, a retry policy, a command of the CLI or a webhook event is written
by hand above operations, models and fields that ``make generate`` writes from
``openapi.yaml``. When the vendor removes or renames one of them, the package
must still import and every other method keep working; only the feature that
needs it stops, with ``FeatureUnavailableError`` naming what is gone.

Each feature states its needs where it is written, naming another feature it is
built on rather than repeating that one's needs::

    FIND_BY_REFERENCE = Feature(
        "invoices.find_by_reference", Operation("listInvoices"), Argument("listInvoices", "reference")
    )
    CREATE_OR_FIND = Feature("invoices.create_or_find", FIND_BY_REFERENCE, Operation("createInvoice"))

and calls ``FIND_BY_REFERENCE.check()`` when used: a read of one attribute,
since what is missing was worked out when the module was imported.
``scripts/hand_written.py`` reads the same declarations without importing
anything, so that ``make generate`` names each feature a spec change affects.
The arguments are literal strings (or the module-level name of another
feature) for that reason.

Generated names a hand-written module imports come through
``palomma_client._generated_names``, which stands a `Missing` placeholder in
for a name the spec no longer generates. A generated method or field is read
through a protocol the feature hands over once its needs are checked
(``FIND_BY_REFERENCE.vouch(palomma.invoices, InvoicesAPI)``), so that type
checkers never resolve an attribute a spec change could remove.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar, cast

from palomma_client._exceptions import FeatureUnavailableError
from palomma_client._generated import models as generated_models
from palomma_client._generated.api import OPERATIONS

P = TypeVar("P")

__all__ = ["Argument", "Feature", "Field", "Missing", "Model", "Operation", "Value", "is_missing"]


class Operation:
    """A feature needs this operation of the spec, by its operationId."""

    __slots__ = ("operation_id",)

    def __init__(self, operation_id: str) -> None:
        self.operation_id = operation_id

    def missing(self) -> str | None:
        """What is missing, as a phrase, or ``None`` when the generated code has it."""
        return None if self.operation_id in OPERATIONS else f"the operation `{self.operation_id}`"


class Argument:
    """A feature needs an argument of an operation (a parameter or a body field), by its Python name."""

    __slots__ = ("name", "operation_id")

    def __init__(self, operation_id: str, name: str) -> None:
        self.operation_id = operation_id
        self.name = name

    def missing(self) -> str | None:
        """What is missing, as a phrase, or ``None`` when the generated code has it."""
        operation = OPERATIONS.get(self.operation_id)
        if operation is None:
            return f"the operation `{self.operation_id}`"
        if self.name not in operation.RULES:
            return f"the argument `{self.name}` of `{self.operation_id}`"
        return None


class Model:
    """A feature needs this generated model or enum, by its class name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def missing(self) -> str | None:
        """What is missing, as a phrase, or ``None`` when the generated code has it."""
        return None if isinstance(getattr(generated_models, self.name, None), type) else f"the model `{self.name}`"


class Field:
    """A feature needs a field of a generated model, by its name in the API's JSON."""

    __slots__ = ("json_name", "model")

    def __init__(self, model: str, json_name: str) -> None:
        self.model = model
        self.json_name = json_name

    def missing(self) -> str | None:
        """What is missing, as a phrase, or ``None`` when the generated code has it."""
        model = getattr(generated_models, self.model, None)
        if not isinstance(model, type):
            return f"the model `{self.model}`"
        if self.json_name not in getattr(model, "JSON_NAMES", {}).values():
            return f"the field `{self.json_name}` of `{self.model}`"
        return None


class Value:
    """A feature needs a value of a generated enum, as the API's JSON writes it (``"paid"``)."""

    __slots__ = ("enum", "value")

    def __init__(self, enum: str, value: str) -> None:
        self.enum = enum
        self.value = value

    def missing(self) -> str | None:
        """What is missing, as a phrase, or ``None`` when the generated code has it."""
        enum = getattr(generated_models, self.enum, None)
        if not isinstance(enum, type):
            return f"the model `{self.enum}`"
        # Declared members only: an open enum also answers values it does not list.
        if self.value not in {member.value for member in getattr(enum, "__members__", {}).values()}:
            return f"the value `{self.value}` of `{self.enum}`"
        return None


Need = Operation | Argument | Model | Field | Value


class Feature:
    """A hand-written feature and what it needs of the generated code.

    Attributes:
        name: The feature as users call it (``invoices.create_or_find``).
        needs: What it needs, those of the features it is built on included.
        missing: What it needs that the generated code lacks, as phrases; empty when it is available.
    """

    __slots__ = ("missing", "name", "needs")

    def __init__(self, name: str, *needs: Need | Feature) -> None:
        self.name = name
        self.needs: tuple[Need, ...] = tuple(
            need for given in needs for need in (given.needs if isinstance(given, Feature) else (given,))
        )
        found = (need.missing() for need in self.needs)
        self.missing: tuple[str, ...] = tuple(dict.fromkeys(phrase for phrase in found if phrase is not None))

    def check(self) -> None:
        """Raise unless every need is met.

        Raises:
            FeatureUnavailableError: The spec no longer has something the feature needs; it names both.
        """
        if self.missing:
            raise FeatureUnavailableError(self.name, self.missing)

    def vouch(self, value: object, protocol: Callable[..., P]) -> P:
        """Hand over a generated object typed as ``protocol``, once this feature's needs are checked.

        The one way hand-written code reads a generated resource's methods or a model's
        fields: the protocol (see ``palomma_client.workflows._api``) names only what the
        feature declares it needs, and type checkers see the protocol, never the generated
        attribute, so that a spec without it still type-checks. With the needs met at run time,
        the generated object has every member the feature reads::

            invoices = FIND_BY_REFERENCE.vouch(self, InvoicesAPI)
            pager = invoices.list(reference=reference, limit=largest_page)

        Args:
            value: The generated object (a resource, a model instance).
            protocol: The protocol class to type it as.

        Returns:
            ``value`` itself, typed as ``protocol``.

        Raises:
            FeatureUnavailableError: The spec no longer has something the feature needs; it names both.
        """
        self.check()
        return cast("P", value)

    def __repr__(self) -> str:
        return f"Feature({self.name!r}, missing={self.missing!r})"


class Missing:
    """Stands in for a generated name the spec no longer provides: importing it works, using it raises.

    Calling it, reading an attribute, indexing or iterating it raises
    ``FeatureUnavailableError``; the feature that reached it should have
    checked its own needs first and raised with its own name.
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _unavailable(self) -> NoReturn:
        raise FeatureUnavailableError(f"palomma_client.{self._name}", [f"`{self._name}`"])

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            # Protocol probes (copy, pickle, typing, doc tools) must see a plain absence.
            raise AttributeError(name)
        self._unavailable()

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        self._unavailable()

    def __getitem__(self, key: object) -> NoReturn:
        self._unavailable()

    def __iter__(self) -> NoReturn:
        self._unavailable()

    def __repr__(self) -> str:
        return f"<missing {self._name}: openapi.yaml no longer generates it>"


def is_missing(value: object) -> bool:
    """Whether a generated name is a `Missing` placeholder: what module-level code must not use."""
    return isinstance(value, Missing)
