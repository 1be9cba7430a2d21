from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from palomma_client._model_base import OpenModel

from ..errors import ResponseSchemaError
from ..models.create_invoice_request_document_type import CreateInvoiceRequestDocumentType

T = TypeVar("T", bound="CreateInvoiceRequest")

# from_dict looks enum values up here before calling the enum class, which is several times slower.
_CREATE_INVOICE_REQUEST_DOCUMENT_TYPE_BY_VALUE = {member.value: member for member in CreateInvoiceRequestDocumentType}


@_attrs_define
class CreateInvoiceRequest(OpenModel):
    """
    Attributes:
        reference (str): Unique invoice reference for your records (e.g. `"INV-2026-0001"`).
        amount (int): Invoice amount in COP. Must be between 3,000 and 550,000,000.
        description (str): Invoice description shown to the customer.
        redirect_url (str): URL where the customer is redirected after completing the payment flow.
        customer_document_number (str): Customer's document or identification number.
        document_type (CreateInvoiceRequestDocumentType | None): Customer's document type. One of: `cc` (cedula), `ce` (cedula de extranjeria), `nit` (NIT), `ti`
            (tarjeta de identidad), `ps` (pasaporte), `cif` (codigo de identificacion fiscal), `ne` (NIT
            extranjero), `rc` (registro civil), `ppt` (permiso de permanencia temporal). ``None`` when the API leaves it out.
        customer_name (str | None): Customer's display name (optional). ``None`` when the API leaves it out.
        contract (str | None): Contract identifier. Defaults to `"00000"` if not provided. ``None`` when the API leaves it out.
    """

    reference: str
    amount: int
    description: str
    redirect_url: str
    customer_document_number: str
    document_type: CreateInvoiceRequestDocumentType | None = None
    customer_name: str | None = None
    contract: str | None = None
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

    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["reference", "amount", "description", "redirectUrl", "customerDocumentNumber"],
        "properties": {
            "reference": {
                "type": "string",
                "minLength": 1,
                "description": 'Unique invoice reference for your records (e.g. `"INV-2026-0001"`).',
            },
            "amount": {
                "type": "integer",
                "minimum": 3000,
                "maximum": 550000000,
                "description": "Invoice amount in COP. Must be between 3,000 and 550,000,000.",
            },
            "description": {
                "type": "string",
                "minLength": 1,
                "description": "Invoice description shown to the customer.",
            },
            "redirectUrl": {
                "type": "string",
                "format": "uri",
                "description": "URL where the customer is redirected after completing the payment flow.",
            },
            "customerDocumentNumber": {
                "type": "string",
                "minLength": 1,
                "description": "Customer's document or identification number.",
            },
            "documentType": {
                "type": "string",
                "description": "Customer's document type. One of: `cc` (cedula), `ce` (cedula de extranjeria), `nit` (NIT), `ti` (tarjeta de identidad), `ps` (pasaporte), `cif` (codigo de identificacion fiscal), `ne` (NIT extranjero), `rc` (registro civil), `ppt` (permiso de permanencia temporal).",
                "enum": ["cc", "ce", "nit", "ti", "ps", "cif", "ne", "rc", "ppt"],
            },
            "customerName": {"type": "string", "description": "Customer's display name (optional)."},
            "contract": {
                "type": "string",
                "description": 'Contract identifier. Defaults to `"00000"` if not provided.',
                "default": "00000",
            },
        },
    }
    """The spec's schema of this model as JSON Schema, for web frameworks' API documents."""

    def to_dict(self) -> dict[str, Any]:
        """The model as the API's JSON object (camelCase names); absent optional fields are left out."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict["reference"] = self.reference
        field_dict["amount"] = self.amount
        field_dict["description"] = self.description
        field_dict["redirectUrl"] = self.redirect_url
        field_dict["customerDocumentNumber"] = self.customer_document_number
        if self.document_type is not None:
            field_dict["documentType"] = self.document_type.value
        if self.customer_name is not None:
            field_dict["customerName"] = self.customer_name
        if self.contract is not None:
            field_dict["contract"] = self.contract
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
            _raw_reference = src_dict["reference"]
            _raw_amount = src_dict["amount"]
            _raw_description = src_dict["description"]
            _raw_redirect_url = src_dict["redirectUrl"]
            _raw_customer_document_number = src_dict["customerDocumentNumber"]
        except KeyError as missing:
            raise ResponseSchemaError(str(missing.args[0]), "is required but missing") from None
        _raw_document_type = src_dict.get("documentType")
        _raw_customer_name = src_dict.get("customerName")
        _raw_contract = src_dict.get("contract")
        _fields_present = 5
        if not isinstance(_raw_reference, str):
            raise ResponseSchemaError.wrong_type("reference", "a string", _raw_reference)

        if type(_raw_amount) is not int:
            raise ResponseSchemaError.wrong_type("amount", "an integer", _raw_amount)

        if not isinstance(_raw_description, str):
            raise ResponseSchemaError.wrong_type("description", "a string", _raw_description)

        if not isinstance(_raw_redirect_url, str):
            raise ResponseSchemaError.wrong_type("redirectUrl", "a string", _raw_redirect_url)

        if not isinstance(_raw_customer_document_number, str):
            raise ResponseSchemaError.wrong_type("customerDocumentNumber", "a string", _raw_customer_document_number)

        if _raw_document_type is not None:
            _fields_present += 1
            if not isinstance(_raw_document_type, str):
                raise ResponseSchemaError.wrong_type("documentType", "a string", _raw_document_type)
            try:
                document_type = _CREATE_INVOICE_REQUEST_DOCUMENT_TYPE_BY_VALUE[_raw_document_type]
            except KeyError:
                document_type = CreateInvoiceRequestDocumentType(_raw_document_type)
        else:
            document_type = None

        if _raw_customer_name is not None:
            _fields_present += 1
            if not isinstance(_raw_customer_name, str):
                raise ResponseSchemaError.wrong_type("customerName", "a string", _raw_customer_name)

        if _raw_contract is not None:
            _fields_present += 1
            if not isinstance(_raw_contract, str):
                raise ResponseSchemaError.wrong_type("contract", "a string", _raw_contract)

        if cls is CreateInvoiceRequest:
            # The slots are filled in as attrs' __init__ fills them (the class has no
            # validators, converters or hooks): calling the class costs more than that.
            create_invoice_request = object.__new__(cls)
            create_invoice_request.reference = _raw_reference
            create_invoice_request.amount = _raw_amount
            create_invoice_request.description = _raw_description
            create_invoice_request.redirect_url = _raw_redirect_url
            create_invoice_request.customer_document_number = _raw_customer_document_number
            create_invoice_request.document_type = document_type
            create_invoice_request.customer_name = _raw_customer_name
            create_invoice_request.contract = _raw_contract
            create_invoice_request.additional_properties = {}
        else:
            # A subclass may construct itself differently: positional, in declaration order.
            create_invoice_request = cls(
                _raw_reference,
                _raw_amount,
                _raw_description,
                _raw_redirect_url,
                _raw_customer_document_number,
                document_type,
                _raw_customer_name,
                _raw_contract,
            )
        if len(src_dict) != _fields_present:
            # Fields the spec does not define, or optional ones sent as null: keep the former.
            create_invoice_request.additional_properties = {
                key: value for key, value in src_dict.items() if key not in _CREATE_INVOICE_REQUEST_JSON_NAMES
            }
        return create_invoice_request


# from_dict keeps the fields not named here in additional_properties.
_CREATE_INVOICE_REQUEST_JSON_NAMES = frozenset(CreateInvoiceRequest.JSON_NAMES.values())
