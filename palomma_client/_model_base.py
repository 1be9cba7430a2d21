"""What every generated model and enum shares, written once: the generated classes subclass these.

``make generate`` writes each model's fields, ``to_dict`` and ``from_dict`` (tuned per model for
parsing speed); the behaviour that does not depend on a model's fields lives here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import IntEnum, StrEnum
from typing import Any, ClassVar, Self

__all__ = ["Model", "OpenIntEnum", "OpenModel", "OpenStrEnum"]


class OpenStrEnum(StrEnum):
    """Known values of an enum of the spec; values the spec does not list still parse.

    The API may add values (a new status, a new payment method) before this
    package is regenerated. Such a value becomes a pseudo-member that keeps the
    raw string in ``.value`` and ``str()``, compares equal to that string, and
    has ``is_known`` set to False, so responses keep parsing instead of raising
    ``ValueError``.
    """

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
        return _unknown_member(str.__new__(cls, value), value)


class OpenIntEnum(IntEnum):
    """Known values of an integer enum of the spec (``type: integer`` with ``enum``); others still parse.

    As ``OpenStrEnum`` does for strings: a value the spec does not list becomes a pseudo-member
    that keeps the number in ``.value``, compares equal to it, and has ``is_known`` set to False.
    A boolean is not taken for a number, as JSON keeps them apart.
    """

    # str() is the number's own text already: IntEnum keeps int's __str__.

    @property
    def is_known(self) -> bool:
        """Whether the value is one the OpenAPI document lists."""
        return self._name_ != "UNKNOWN"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        return _unknown_member(int.__new__(cls, value), value)


def _unknown_member(member: Any, value: object) -> Any:
    """A pseudo-member of an open enum for a value the spec does not list (``is_known`` false)."""
    member._name_ = "UNKNOWN"
    member._value_ = value
    return member


class Model:
    """A model of the spec: its JSON form, and its place in pydantic and FastAPI.

    Attributes:
        JSON_NAMES: Each attribute's name in the API's JSON, in the spec's order.
        JSON_SCHEMA: The spec's schema of the model as JSON Schema, for web frameworks' API documents.
    """

    __slots__ = ()

    JSON_NAMES: ClassVar[dict[str, str]]
    JSON_SCHEMA: ClassVar[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The model as the API's JSON object (camelCase names); absent optional fields are left out."""
        raise NotImplementedError  # written for each model by make generate

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Build the model from its JSON object, checking the type of every field the spec defines."""
        raise NotImplementedError  # written for each model by make generate

    def to_json(self) -> str:
        """The model as the API's JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def __get_pydantic_core_schema__(cls, source_type: Any, handler: Any) -> Any:
        """Let pydantic and FastAPI take the model as a field or response type, in the API's JSON.

        pydantic is imported here, only when a framework asks: the SDK does not depend on it.
        """
        from pydantic_core import core_schema

        def validate(value: Any) -> Model:
            return value if isinstance(value, cls) else cls.from_dict(value)

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(lambda model: model.to_dict())
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """The spec's own schema of the model, for ``app.openapi()``."""
        return dict(cls.JSON_SCHEMA)


class OpenModel(Model):
    """A model that keeps the fields the spec does not define, in ``additional_properties``.

    Attributes:
        additional_properties: The fields of the API's JSON that the spec does not define.
    """

    __slots__ = ()

    additional_properties: dict[str, Any]

    @property
    def additional_keys(self) -> list[str]:
        """The names of the fields the spec does not define."""
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
