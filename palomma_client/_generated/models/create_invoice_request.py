from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ResponseSchemaError
from ..models.create_invoice_request_document_type import CreateInvoiceRequestDocumentType
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateInvoiceRequest")

# from_dict looks enum values up here before calling the enum class, which is several times slower.
_CREATE_INVOICE_REQUEST_DOCUMENT_TYPE_BY_VALUE = {member.value: member for member in CreateInvoiceRequestDocumentType}


@_attrs_define
class CreateInvoiceRequest:
    """
    Attributes:
        reference (str): Unique invoice reference for your records (e.g. `"INV-2026-0001"`).
        amount (int): Invoice amount in COP. Must be between 3,000 and 550,000,000.
        description (str): Invoice description shown to the customer.
        redirect_url (str): URL where the customer is redirected after completing the payment flow.
        customer_document_number (str): Customer's document or identification number.
        document_type (CreateInvoiceRequestDocumentType | Unset): Customer's document type. One of: `cc` (cedula), `ce`
            (cedula de extranjeria), `nit` (NIT), `ti` (tarjeta de identidad), `ps` (pasaporte), `cif` (codigo de
            identificacion fiscal), `ne` (NIT extranjero), `rc` (registro civil), `ppt` (permiso de permanencia temporal).
        customer_name (str | Unset): Customer's display name (optional).
        contract (str | Unset): Contract identifier. Defaults to `"00000"` if not provided. Default: '00000'.
    """

    reference: str
    amount: int
    description: str
    redirect_url: str
    customer_document_number: str
    document_type: CreateInvoiceRequestDocumentType | Unset = UNSET
    customer_name: str | Unset = UNSET
    contract: str | Unset = "00000"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    JSON_NAMES: ClassVar[dict[str, str]] = {
        "reference": "reference",
        "amount": "amount",
        "description": "description",
        "redirect_url": "redirectUrl",
        "customer_document_number": "customerDocumentNumber",
        "document_type": "documentType",
        "customer_name": "customerName",
        "contract": "contract",
    }
    """Each attribute's name in the API's JSON, in the spec's order."""

    def to_dict(self) -> dict[str, Any]:
        reference = self.reference

        amount = self.amount

        description = self.description

        redirect_url = self.redirect_url

        customer_document_number = self.customer_document_number

        document_type: str | Unset = UNSET
        if not isinstance(self.document_type, Unset):
            document_type = self.document_type.value

        customer_name = self.customer_name

        contract = self.contract

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reference": reference,
                "amount": amount,
                "description": description,
                "redirectUrl": redirect_url,
                "customerDocumentNumber": customer_document_number,
            }
        )
        if document_type is not UNSET:
            field_dict["documentType"] = document_type
        if customer_name is not UNSET:
            field_dict["customerName"] = customer_name
        if contract is not UNSET:
            field_dict["contract"] = contract

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
        if not isinstance(src_dict, Mapping):
            raise ResponseSchemaError.wrong_type("", "an object", src_dict)
        d = dict(src_dict)
        try:
            _raw_reference = d.pop("reference")
            _raw_amount = d.pop("amount")
            _raw_description = d.pop("description")
            _raw_redirect_url = d.pop("redirectUrl")
            _raw_customer_document_number = d.pop("customerDocumentNumber")
            _raw_document_type = d.pop("documentType", UNSET)
            _raw_customer_name = d.pop("customerName", UNSET)
            _raw_contract = d.pop("contract", UNSET)
        except KeyError as missing:
            raise ResponseSchemaError(str(missing.args[0]), "is required but missing") from None
        if not isinstance(_raw_reference, str):
            raise ResponseSchemaError.wrong_type("reference", "a string", _raw_reference)
        reference = _raw_reference

        if type(_raw_amount) is not int:
            raise ResponseSchemaError.wrong_type("amount", "an integer", _raw_amount)
        amount = _raw_amount

        if not isinstance(_raw_description, str):
            raise ResponseSchemaError.wrong_type("description", "a string", _raw_description)
        description = _raw_description

        if not isinstance(_raw_redirect_url, str):
            raise ResponseSchemaError.wrong_type("redirectUrl", "a string", _raw_redirect_url)
        redirect_url = _raw_redirect_url

        if not isinstance(_raw_customer_document_number, str):
            raise ResponseSchemaError.wrong_type("customerDocumentNumber", "a string", _raw_customer_document_number)
        customer_document_number = _raw_customer_document_number

        if _raw_document_type is not UNSET and (not isinstance(_raw_document_type, str)):
            raise ResponseSchemaError.wrong_type("documentType", "a string", _raw_document_type)
        document_type: CreateInvoiceRequestDocumentType | Unset
        if isinstance(_raw_document_type, Unset):
            document_type = UNSET
        else:
            _document_type = _CREATE_INVOICE_REQUEST_DOCUMENT_TYPE_BY_VALUE.get(_raw_document_type)
            document_type = (
                CreateInvoiceRequestDocumentType(_raw_document_type) if _document_type is None else _document_type
            )

        if _raw_customer_name is not UNSET and (not isinstance(_raw_customer_name, str)):
            raise ResponseSchemaError.wrong_type("customerName", "a string", _raw_customer_name)
        customer_name = _raw_customer_name

        if _raw_contract is not UNSET and (not isinstance(_raw_contract, str)):
            raise ResponseSchemaError.wrong_type("contract", "a string", _raw_contract)
        contract = _raw_contract

        create_invoice_request = cls(
            reference,
            amount,
            description,
            redirect_url,
            customer_document_number,
            document_type,
            customer_name,
            contract,
        )

        create_invoice_request.additional_properties = d
        return create_invoice_request

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
