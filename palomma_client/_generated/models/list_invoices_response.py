from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ResponseSchemaError
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.invoice import Invoice


T = TypeVar("T", bound="ListInvoicesResponse")


@_attrs_define
class ListInvoicesResponse:
    """
    Attributes:
        items (list[Invoice]): Invoices in the current page.
        count (int): Number of invoices returned in this page.
        cursor (None | str | Unset): Cursor for the next page. `null` when there are no more pages.
    """

    items: list[Invoice]
    count: int
    cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    JSON_NAMES: ClassVar[dict[str, str]] = {
        "items": "items",
        "count": "count",
        "cursor": "cursor",
    }
    """Each attribute's name in the API's JSON, in the spec's order."""

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        count = self.count

        cursor: None | str | Unset
        if isinstance(self.cursor, Unset):
            cursor = UNSET
        else:
            cursor = self.cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "count": count,
            }
        )
        if cursor is not UNSET:
            field_dict["cursor"] = cursor

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

        if not isinstance(src_dict, Mapping):
            raise ResponseSchemaError.wrong_type("", "an object", src_dict)
        d = dict(src_dict)
        try:
            _raw_items = d.pop("items")
            _raw_count = d.pop("count")
            _raw_cursor = d.pop("cursor", UNSET)
        except KeyError as missing:
            raise ResponseSchemaError(str(missing.args[0]), "is required but missing") from None
        if type(_raw_items) is not list:
            raise ResponseSchemaError.wrong_type("items", "an array", _raw_items)
        try:
            items = [Invoice.from_dict(items_item_data) for items_item_data in _raw_items]

        except ResponseSchemaError:
            raise ResponseSchemaError.in_array("items", _raw_items, Invoice.from_dict) from None

        if type(_raw_count) is not int:
            raise ResponseSchemaError.wrong_type("count", "an integer", _raw_count)
        count = _raw_count

        if _raw_cursor is not UNSET and (_raw_cursor is not None and (not isinstance(_raw_cursor, str))):
            raise ResponseSchemaError.wrong_type("cursor", "a string or null", _raw_cursor)

        def _parse_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cursor = _parse_cursor(_raw_cursor)

        list_invoices_response = cls(
            items,
            count,
            cursor,
        )

        list_invoices_response.additional_properties = d
        return list_invoices_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
