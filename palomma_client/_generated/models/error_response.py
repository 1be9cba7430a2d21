from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from palomma_client._model_base import OpenModel

from ..errors import ResponseSchemaError

T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse(OpenModel):
    """
    Attributes:
        error (str): Human-readable error message.
    """

    error: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    JSON_NAMES: ClassVar[dict[str, str]] = {
        "error": "error",
    }
    """Each attribute's name in the API's JSON, in the spec's order."""

    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string", "description": "Human-readable error message."}},
    }
    """The spec's schema of this model as JSON Schema, for web frameworks' API documents."""

    def to_dict(self) -> dict[str, Any]:
        """The model as the API's JSON object (camelCase names); absent optional fields are left out."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict["error"] = self.error
        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        """Build the model from its JSON object, checking the type of every field the spec defines.

        Fields the spec does not define are kept in ``additional_properties``,
        and enum values it does not list become pseudo-members, so that an API
        that adds either keeps parsing.

        Raises:
            ResponseSchemaError: The document is not an object, a field has the wrong type, or a required
                field is missing; ``path`` names the field.
        """
        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise ResponseSchemaError.wrong_type("", "an object", src_dict)
        try:
            _raw_error = src_dict["error"]
        except KeyError as missing:
            raise ResponseSchemaError(str(missing.args[0]), "is required but missing") from None
        _fields_present = 1
        if not isinstance(_raw_error, str):
            raise ResponseSchemaError.wrong_type("error", "a string", _raw_error)

        if cls is ErrorResponse:
            # The slots are filled in as attrs' __init__ fills them (the class has no
            # validators, converters or hooks): calling the class costs more than that.
            error_response = object.__new__(cls)
            error_response.error = _raw_error
            error_response.additional_properties = {}
        else:
            # A subclass may construct itself differently: positional, in declaration order.
            error_response = cls(
                _raw_error,
            )
        if len(src_dict) != _fields_present:
            # Fields the spec does not define, or optional ones sent as null: keep the former.
            error_response.additional_properties = {
                key: value for key, value in src_dict.items() if key not in _ERROR_RESPONSE_JSON_NAMES
            }
        return error_response


# from_dict keeps the fields not named here in additional_properties.
_ERROR_RESPONSE_JSON_NAMES = frozenset(ErrorResponse.JSON_NAMES.values())
