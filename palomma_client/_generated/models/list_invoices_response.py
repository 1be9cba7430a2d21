from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from palomma_client._model_base import OpenModel

from ..errors import ResponseSchemaError

if TYPE_CHECKING:
    from ..models.invoice import Invoice


T = TypeVar("T", bound="ListInvoicesResponse")


@_attrs_define
class ListInvoicesResponse(OpenModel):
    """
    Attributes:
        items (list[Invoice]): Invoices in the current page.
        count (int): Number of invoices returned in this page.
        cursor (str | None): Cursor for the next page. `null` when there are no more pages. ``None`` when the API leaves it out.
    """

    items: list[Invoice]
    count: int
    cursor: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    JSON_NAMES: ClassVar[dict[str, str]] = {
        "items": "items",
        "count": "count",
        "cursor": "cursor",
    }
    """Each attribute's name in the API's JSON, in the spec's order."""

    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["items", "count"],
        "properties": {
            "items": {
                "type": "array",
                "description": "Invoices in the current page.",
                "items": {
                    "type": "object",
                    "required": [
                        "id",
                        "status",
                        "amount",
                        "description",
                        "contract",
                        "customerDocumentNumber",
                        "createdAt",
                        "paymentUrl",
                    ],
                    "properties": {
                        "id": {"type": "string", "description": "Unique invoice identifier."},
                        "reference": {"type": "string", "description": "Merchant-provided invoice reference."},
                        "status": {
                            "type": "string",
                            "description": "Invoice status: `ready` (payment link active), `paid`, `cancelled`, or `chargeback`.",
                            "enum": ["ready", "paid", "cancelled", "chargeback"],
                        },
                        "amount": {"type": "number", "description": "Invoice amount in COP."},
                        "description": {"type": "string", "description": "Invoice description."},
                        "contract": {"type": "string", "description": "Contract identifier."},
                        "expirationDate": {
                            "type": "string",
                            "description": "Payment link expiration datetime (ISO 8601). Invoices expire 5 minutes after creation, so redirect the customer immediately. Once a transaction is in progress, it no longer expires until the transaction completes.",
                        },
                        "customerDocumentNumber": {"type": "string", "description": "Customer's document number."},
                        "customerName": {"type": "string", "description": "Customer's display name."},
                        "createdAt": {"type": "string", "description": "Invoice creation datetime (ISO 8601)."},
                        "paymentDate": {
                            "type": "string",
                            "format": "date-time",
                            "description": "When the invoice was paid. Present on paid and chargeback invoices.",
                        },
                        "paymentMethod": {
                            "type": "string",
                            "enum": ["pse", "nequiButton", "bancolombiaButton", "breb", "card"],
                            "description": "Payment method used. Present on paid and chargeback invoices.",
                        },
                        "paymentSource": {
                            "type": "string",
                            "enum": ["whatsapp", "portal", "link"],
                            "description": "Channel through which payment was made. Present on paid and chargeback invoices.",
                        },
                        "paymentAmount": {
                            "type": "number",
                            "description": "Amount actually paid in COP. Present on paid and chargeback invoices.",
                        },
                        "settlementDate": {
                            "type": "string",
                            "description": "Expected settlement date (`YYYY-MM-DD`). Present on paid and chargeback invoices.",
                        },
                        "settlementTime": {
                            "type": "string",
                            "description": "Expected settlement cycle. Present on paid and chargeback invoices.",
                        },
                        "paymentId": {
                            "type": "string",
                            "description": "Payment identifier. Present on paid and chargeback invoices.",
                        },
                        "paymentUrl": {
                            "type": "string",
                            "format": "uri",
                            "description": "Palomma hosted payment page URL for this invoice.",
                        },
                    },
                },
            },
            "cursor": {
                "anyOf": [
                    {"type": "string", "description": "Cursor for the next page. `null` when there are no more pages."},
                    {"type": "null"},
                ]
            },
            "count": {"type": "integer", "description": "Number of invoices returned in this page."},
        },
    }
    """The spec's schema of this model as JSON Schema, for web frameworks' API documents."""

    def to_dict(self) -> dict[str, Any]:
        """The model as the API's JSON object (camelCase names); absent optional fields are left out."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict["items"] = [item.to_dict() for item in self.items]
        field_dict["count"] = self.count
        if self.cursor is not None:
            field_dict["cursor"] = self.cursor
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
        from ..models.invoice import Invoice  # noqa: PLC0415

        if type(src_dict) is not dict and not isinstance(src_dict, Mapping):
            raise ResponseSchemaError.wrong_type("", "an object", src_dict)
        try:
            _raw_items = src_dict["items"]
            _raw_count = src_dict["count"]
        except KeyError as missing:
            raise ResponseSchemaError(str(missing.args[0]), "is required but missing") from None
        _raw_cursor = src_dict.get("cursor")
        _fields_present = 2
        if type(_raw_items) is not list:
            raise ResponseSchemaError.wrong_type("items", "an array", _raw_items)
        try:
            items = list(map(Invoice.from_dict, _raw_items))
        except ResponseSchemaError:
            raise ResponseSchemaError.in_array("items", _raw_items, Invoice.from_dict) from None

        if type(_raw_count) is not int:
            raise ResponseSchemaError.wrong_type("count", "an integer", _raw_count)

        if _raw_cursor is not None:
            _fields_present += 1
            if _raw_cursor is not None and (not isinstance(_raw_cursor, str)):
                raise ResponseSchemaError.wrong_type("cursor", "a string or null", _raw_cursor)

        if cls is ListInvoicesResponse:
            # The slots are filled in as attrs' __init__ fills them (the class has no
            # validators, converters or hooks): calling the class costs more than that.
            list_invoices_response = object.__new__(cls)
            list_invoices_response.items = items
            list_invoices_response.count = _raw_count
            list_invoices_response.cursor = _raw_cursor
            list_invoices_response.additional_properties = {}
        else:
            # A subclass may construct itself differently: positional, in declaration order.
            list_invoices_response = cls(
                items,
                _raw_count,
                _raw_cursor,
            )
        if len(src_dict) != _fields_present:
            # Fields the spec does not define, or optional ones sent as null: keep the former.
            list_invoices_response.additional_properties = {
                key: value for key, value in src_dict.items() if key not in _LIST_INVOICES_RESPONSE_JSON_NAMES
            }
        return list_invoices_response


# from_dict keeps the fields not named here in additional_properties.
_LIST_INVOICES_RESPONSE_JSON_NAMES = frozenset(ListInvoicesResponse.JSON_NAMES.values())
