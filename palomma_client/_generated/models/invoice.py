from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from palomma_client._model_base import OpenModel

from ..errors import ResponseSchemaError
from ..models.invoice_payment_method import InvoicePaymentMethod
from ..models.invoice_payment_source import InvoicePaymentSource
from ..models.invoice_status import InvoiceStatus

T = TypeVar("T", bound="Invoice")

# from_dict looks enum values up here before calling the enum class, which is several times slower.
_INVOICE_STATUS_BY_VALUE = {member.value: member for member in InvoiceStatus}
_INVOICE_PAYMENT_METHOD_BY_VALUE = {member.value: member for member in InvoicePaymentMethod}
_INVOICE_PAYMENT_SOURCE_BY_VALUE = {member.value: member for member in InvoicePaymentSource}


@_attrs_define
class Invoice(OpenModel):
    """
    Attributes:
        id (str): Unique invoice identifier.
        status (InvoiceStatus): Invoice status: `ready` (payment link active), `paid`, `cancelled`, or `chargeback`.
        amount (float): Invoice amount in COP.
        description (str): Invoice description.
        contract (str): Contract identifier.
        customer_document_number (str): Customer's document number.
        created_at (str): Invoice creation datetime (ISO 8601).
        payment_url (str): Palomma hosted payment page URL for this invoice.
        reference (str | None): Merchant-provided invoice reference. ``None`` when the API leaves it out.
        expiration_date (str | None): Payment link expiration datetime (ISO 8601). Invoices expire 5 minutes after creation, so redirect
            the customer immediately. Once a transaction is in progress, it no longer expires until the
            transaction completes. ``None`` when the API leaves it out.
        customer_name (str | None): Customer's display name. ``None`` when the API leaves it out.
        payment_date (datetime.datetime | None): When the invoice was paid. Present on paid and chargeback invoices. ``None`` when the API leaves it out.
        payment_method (InvoicePaymentMethod | None): Payment method used. Present on paid and chargeback invoices. ``None`` when the API leaves it out.
        payment_source (InvoicePaymentSource | None): Channel through which payment was made. Present on paid and chargeback invoices. ``None`` when the API leaves it out.
        payment_amount (float | None): Amount actually paid in COP. Present on paid and chargeback invoices. ``None`` when the API leaves it out.
        settlement_date (str | None): Expected settlement date (`YYYY-MM-DD`). Present on paid and chargeback invoices. ``None`` when the API leaves it out.
        settlement_time (str | None): Expected settlement cycle. Present on paid and chargeback invoices. ``None`` when the API leaves it out.
        payment_id (str | None): Payment identifier. Present on paid and chargeback invoices. ``None`` when the API leaves it out.
    """

    id: str
    status: InvoiceStatus
    amount: float
    description: str
    contract: str
    customer_document_number: str
    created_at: str
    payment_url: str
    reference: str | None = None
    expiration_date: str | None = None
    customer_name: str | None = None
    payment_date: datetime.datetime | None = None
    payment_method: InvoicePaymentMethod | None = None
    payment_source: InvoicePaymentSource | None = None
    payment_amount: float | None = None
    settlement_date: str | None = None
    settlement_time: str | None = None
    payment_id: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    JSON_NAMES: ClassVar[dict[str, str]] = {
        "id": "id",
        "status": "status",
        "amount": "amount",
        "description": "description",
        "contract": "contract",
        "customer_document_number": "customerDocumentNumber",
        "created_at": "createdAt",
        "payment_url": "paymentUrl",
        "reference": "reference",
        "expiration_date": "expirationDate",
        "customer_name": "customerName",
        "payment_date": "paymentDate",
        "payment_method": "paymentMethod",
        "payment_source": "paymentSource",
        "payment_amount": "paymentAmount",
        "settlement_date": "settlementDate",
        "settlement_time": "settlementTime",
        "payment_id": "paymentId",
    }
    """Each attribute's name in the API's JSON, in the spec's order."""

    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
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
    }
    """The spec's schema of this model as JSON Schema, for web frameworks' API documents."""

    def to_dict(self) -> dict[str, Any]:
        """The model as the API's JSON object (camelCase names); absent optional fields are left out."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict["id"] = self.id
        field_dict["status"] = self.status.value
        field_dict["amount"] = self.amount
        field_dict["description"] = self.description
        field_dict["contract"] = self.contract
        field_dict["customerDocumentNumber"] = self.customer_document_number
        field_dict["createdAt"] = self.created_at
        field_dict["paymentUrl"] = self.payment_url
        if self.reference is not None:
            field_dict["reference"] = self.reference
        if self.expiration_date is not None:
            field_dict["expirationDate"] = self.expiration_date
        if self.customer_name is not None:
            field_dict["customerName"] = self.customer_name
        if self.payment_date is not None:
            field_dict["paymentDate"] = self.payment_date.isoformat()
        if self.payment_method is not None:
            field_dict["paymentMethod"] = self.payment_method.value
        if self.payment_source is not None:
            field_dict["paymentSource"] = self.payment_source.value
        if self.payment_amount is not None:
            field_dict["paymentAmount"] = self.payment_amount
        if self.settlement_date is not None:
            field_dict["settlementDate"] = self.settlement_date
        if self.settlement_time is not None:
            field_dict["settlementTime"] = self.settlement_time
        if self.payment_id is not None:
            field_dict["paymentId"] = self.payment_id
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
            _raw_id = src_dict["id"]
            _raw_status = src_dict["status"]
            _raw_amount = src_dict["amount"]
            _raw_description = src_dict["description"]
            _raw_contract = src_dict["contract"]
            _raw_customer_document_number = src_dict["customerDocumentNumber"]
            _raw_created_at = src_dict["createdAt"]
            _raw_payment_url = src_dict["paymentUrl"]
        except KeyError as missing:
            raise ResponseSchemaError(str(missing.args[0]), "is required but missing") from None
        _raw_reference = src_dict.get("reference")
        _raw_expiration_date = src_dict.get("expirationDate")
        _raw_customer_name = src_dict.get("customerName")
        _raw_payment_date = src_dict.get("paymentDate")
        _raw_payment_method = src_dict.get("paymentMethod")
        _raw_payment_source = src_dict.get("paymentSource")
        _raw_payment_amount = src_dict.get("paymentAmount")
        _raw_settlement_date = src_dict.get("settlementDate")
        _raw_settlement_time = src_dict.get("settlementTime")
        _raw_payment_id = src_dict.get("paymentId")
        _fields_present = 8
        if not isinstance(_raw_id, str):
            raise ResponseSchemaError.wrong_type("id", "a string", _raw_id)

        if not isinstance(_raw_status, str):
            raise ResponseSchemaError.wrong_type("status", "a string", _raw_status)
        try:
            status = _INVOICE_STATUS_BY_VALUE[_raw_status]
        except KeyError:
            status = InvoiceStatus(_raw_status)

        if type(_raw_amount) is not float and type(_raw_amount) is not int:
            raise ResponseSchemaError.wrong_type("amount", "a number", _raw_amount)

        if not isinstance(_raw_description, str):
            raise ResponseSchemaError.wrong_type("description", "a string", _raw_description)

        if not isinstance(_raw_contract, str):
            raise ResponseSchemaError.wrong_type("contract", "a string", _raw_contract)

        if not isinstance(_raw_customer_document_number, str):
            raise ResponseSchemaError.wrong_type("customerDocumentNumber", "a string", _raw_customer_document_number)

        if not isinstance(_raw_created_at, str):
            raise ResponseSchemaError.wrong_type("createdAt", "a string", _raw_created_at)

        if not isinstance(_raw_payment_url, str):
            raise ResponseSchemaError.wrong_type("paymentUrl", "a string", _raw_payment_url)

        if _raw_reference is not None:
            _fields_present += 1
            if not isinstance(_raw_reference, str):
                raise ResponseSchemaError.wrong_type("reference", "a string", _raw_reference)

        if _raw_expiration_date is not None:
            _fields_present += 1
            if not isinstance(_raw_expiration_date, str):
                raise ResponseSchemaError.wrong_type("expirationDate", "a string", _raw_expiration_date)

        if _raw_customer_name is not None:
            _fields_present += 1
            if not isinstance(_raw_customer_name, str):
                raise ResponseSchemaError.wrong_type("customerName", "a string", _raw_customer_name)

        if _raw_payment_date is not None:
            _fields_present += 1
            if not isinstance(_raw_payment_date, str):
                raise ResponseSchemaError.wrong_type("paymentDate", "a string", _raw_payment_date)
            try:
                payment_date = datetime.datetime.fromisoformat(_raw_payment_date)
            except ValueError:
                raise ResponseSchemaError.wrong_type(
                    "paymentDate", "an ISO 8601 date-time", _raw_payment_date
                ) from None
        else:
            payment_date = None

        if _raw_payment_method is not None:
            _fields_present += 1
            if not isinstance(_raw_payment_method, str):
                raise ResponseSchemaError.wrong_type("paymentMethod", "a string", _raw_payment_method)
            try:
                payment_method = _INVOICE_PAYMENT_METHOD_BY_VALUE[_raw_payment_method]
            except KeyError:
                payment_method = InvoicePaymentMethod(_raw_payment_method)
        else:
            payment_method = None

        if _raw_payment_source is not None:
            _fields_present += 1
            if not isinstance(_raw_payment_source, str):
                raise ResponseSchemaError.wrong_type("paymentSource", "a string", _raw_payment_source)
            try:
                payment_source = _INVOICE_PAYMENT_SOURCE_BY_VALUE[_raw_payment_source]
            except KeyError:
                payment_source = InvoicePaymentSource(_raw_payment_source)
        else:
            payment_source = None

        if _raw_payment_amount is not None:
            _fields_present += 1
            if type(_raw_payment_amount) is not float and type(_raw_payment_amount) is not int:
                raise ResponseSchemaError.wrong_type("paymentAmount", "a number", _raw_payment_amount)

        if _raw_settlement_date is not None:
            _fields_present += 1
            if not isinstance(_raw_settlement_date, str):
                raise ResponseSchemaError.wrong_type("settlementDate", "a string", _raw_settlement_date)

        if _raw_settlement_time is not None:
            _fields_present += 1
            if not isinstance(_raw_settlement_time, str):
                raise ResponseSchemaError.wrong_type("settlementTime", "a string", _raw_settlement_time)

        if _raw_payment_id is not None:
            _fields_present += 1
            if not isinstance(_raw_payment_id, str):
                raise ResponseSchemaError.wrong_type("paymentId", "a string", _raw_payment_id)

        if cls is Invoice:
            # The slots are filled in as attrs' __init__ fills them (the class has no
            # validators, converters or hooks): calling the class costs more than that.
            invoice = object.__new__(cls)
            invoice.id = _raw_id
            invoice.status = status
            invoice.amount = _raw_amount
            invoice.description = _raw_description
            invoice.contract = _raw_contract
            invoice.customer_document_number = _raw_customer_document_number
            invoice.created_at = _raw_created_at
            invoice.payment_url = _raw_payment_url
            invoice.reference = _raw_reference
            invoice.expiration_date = _raw_expiration_date
            invoice.customer_name = _raw_customer_name
            invoice.payment_date = payment_date
            invoice.payment_method = payment_method
            invoice.payment_source = payment_source
            invoice.payment_amount = _raw_payment_amount
            invoice.settlement_date = _raw_settlement_date
            invoice.settlement_time = _raw_settlement_time
            invoice.payment_id = _raw_payment_id
            invoice.additional_properties = {}
        else:
            # A subclass may construct itself differently: positional, in declaration order.
            invoice = cls(
                _raw_id,
                status,
                _raw_amount,
                _raw_description,
                _raw_contract,
                _raw_customer_document_number,
                _raw_created_at,
                _raw_payment_url,
                _raw_reference,
                _raw_expiration_date,
                _raw_customer_name,
                payment_date,
                payment_method,
                payment_source,
                _raw_payment_amount,
                _raw_settlement_date,
                _raw_settlement_time,
                _raw_payment_id,
            )
        if len(src_dict) != _fields_present:
            # Fields the spec does not define, or optional ones sent as null: keep the former.
            invoice.additional_properties = {
                key: value for key, value in src_dict.items() if key not in _INVOICE_JSON_NAMES
            }
        return invoice


# from_dict keeps the fields not named here in additional_properties.
_INVOICE_JSON_NAMES = frozenset(Invoice.JSON_NAMES.values())
