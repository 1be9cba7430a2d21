from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ResponseSchemaError
from ..models.invoice_payment_method import InvoicePaymentMethod
from ..models.invoice_payment_source import InvoicePaymentSource
from ..models.invoice_status import InvoiceStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="Invoice")

# from_dict looks enum values up here before calling the enum class, which is several times slower.
_INVOICE_STATUS_BY_VALUE = {member.value: member for member in InvoiceStatus}
_INVOICE_PAYMENT_METHOD_BY_VALUE = {member.value: member for member in InvoicePaymentMethod}
_INVOICE_PAYMENT_SOURCE_BY_VALUE = {member.value: member for member in InvoicePaymentSource}


@_attrs_define
class Invoice:
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
        reference (str | Unset): Merchant-provided invoice reference.
        expiration_date (str | Unset): Payment link expiration datetime (ISO 8601). Invoices expire 5 minutes after
            creation, so redirect the customer immediately. Once a transaction is in progress, it no longer expires until
            the transaction completes.
        customer_name (str | Unset): Customer's display name.
        payment_date (datetime.datetime | Unset): When the invoice was paid. Present on paid and chargeback invoices.
        payment_method (InvoicePaymentMethod | Unset): Payment method used. Present on paid and chargeback invoices.
        payment_source (InvoicePaymentSource | Unset): Channel through which payment was made. Present on paid and
            chargeback invoices.
        payment_amount (float | Unset): Amount actually paid in COP. Present on paid and chargeback invoices.
        settlement_date (str | Unset): Expected settlement date (`YYYY-MM-DD`). Present on paid and chargeback invoices.
        settlement_time (str | Unset): Expected settlement cycle. Present on paid and chargeback invoices.
        payment_id (str | Unset): Payment identifier. Present on paid and chargeback invoices.
    """

    id: str
    status: InvoiceStatus
    amount: float
    description: str
    contract: str
    customer_document_number: str
    created_at: str
    payment_url: str
    reference: str | Unset = UNSET
    expiration_date: str | Unset = UNSET
    customer_name: str | Unset = UNSET
    payment_date: datetime.datetime | Unset = UNSET
    payment_method: InvoicePaymentMethod | Unset = UNSET
    payment_source: InvoicePaymentSource | Unset = UNSET
    payment_amount: float | Unset = UNSET
    settlement_date: str | Unset = UNSET
    settlement_time: str | Unset = UNSET
    payment_id: str | Unset = UNSET
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

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        amount = self.amount

        description = self.description

        contract = self.contract

        customer_document_number = self.customer_document_number

        created_at = self.created_at

        payment_url = self.payment_url

        reference = self.reference

        expiration_date = self.expiration_date

        customer_name = self.customer_name

        payment_date: str | Unset = UNSET
        if not isinstance(self.payment_date, Unset):
            payment_date = self.payment_date.isoformat()

        payment_method: str | Unset = UNSET
        if not isinstance(self.payment_method, Unset):
            payment_method = self.payment_method.value

        payment_source: str | Unset = UNSET
        if not isinstance(self.payment_source, Unset):
            payment_source = self.payment_source.value

        payment_amount = self.payment_amount

        settlement_date = self.settlement_date

        settlement_time = self.settlement_time

        payment_id = self.payment_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "amount": amount,
                "description": description,
                "contract": contract,
                "customerDocumentNumber": customer_document_number,
                "createdAt": created_at,
                "paymentUrl": payment_url,
            }
        )
        if reference is not UNSET:
            field_dict["reference"] = reference
        if expiration_date is not UNSET:
            field_dict["expirationDate"] = expiration_date
        if customer_name is not UNSET:
            field_dict["customerName"] = customer_name
        if payment_date is not UNSET:
            field_dict["paymentDate"] = payment_date
        if payment_method is not UNSET:
            field_dict["paymentMethod"] = payment_method
        if payment_source is not UNSET:
            field_dict["paymentSource"] = payment_source
        if payment_amount is not UNSET:
            field_dict["paymentAmount"] = payment_amount
        if settlement_date is not UNSET:
            field_dict["settlementDate"] = settlement_date
        if settlement_time is not UNSET:
            field_dict["settlementTime"] = settlement_time
        if payment_id is not UNSET:
            field_dict["paymentId"] = payment_id

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
            _raw_id = d.pop("id")
            _raw_status = d.pop("status")
            _raw_amount = d.pop("amount")
            _raw_description = d.pop("description")
            _raw_contract = d.pop("contract")
            _raw_customer_document_number = d.pop("customerDocumentNumber")
            _raw_created_at = d.pop("createdAt")
            _raw_payment_url = d.pop("paymentUrl")
            _raw_reference = d.pop("reference", UNSET)
            _raw_expiration_date = d.pop("expirationDate", UNSET)
            _raw_customer_name = d.pop("customerName", UNSET)
            _raw_payment_date = d.pop("paymentDate", UNSET)
            _raw_payment_method = d.pop("paymentMethod", UNSET)
            _raw_payment_source = d.pop("paymentSource", UNSET)
            _raw_payment_amount = d.pop("paymentAmount", UNSET)
            _raw_settlement_date = d.pop("settlementDate", UNSET)
            _raw_settlement_time = d.pop("settlementTime", UNSET)
            _raw_payment_id = d.pop("paymentId", UNSET)
        except KeyError as missing:
            raise ResponseSchemaError(str(missing.args[0]), "is required but missing") from None
        if not isinstance(_raw_id, str):
            raise ResponseSchemaError.wrong_type("id", "a string", _raw_id)
        id = _raw_id

        if not isinstance(_raw_status, str):
            raise ResponseSchemaError.wrong_type("status", "a string", _raw_status)
        status = _INVOICE_STATUS_BY_VALUE.get(_raw_status)
        if status is None:
            status = InvoiceStatus(_raw_status)

        if type(_raw_amount) is not float and type(_raw_amount) is not int:
            raise ResponseSchemaError.wrong_type("amount", "a number", _raw_amount)
        amount = _raw_amount

        if not isinstance(_raw_description, str):
            raise ResponseSchemaError.wrong_type("description", "a string", _raw_description)
        description = _raw_description

        if not isinstance(_raw_contract, str):
            raise ResponseSchemaError.wrong_type("contract", "a string", _raw_contract)
        contract = _raw_contract

        if not isinstance(_raw_customer_document_number, str):
            raise ResponseSchemaError.wrong_type("customerDocumentNumber", "a string", _raw_customer_document_number)
        customer_document_number = _raw_customer_document_number

        if not isinstance(_raw_created_at, str):
            raise ResponseSchemaError.wrong_type("createdAt", "a string", _raw_created_at)
        created_at = _raw_created_at

        if not isinstance(_raw_payment_url, str):
            raise ResponseSchemaError.wrong_type("paymentUrl", "a string", _raw_payment_url)
        payment_url = _raw_payment_url

        if _raw_reference is not UNSET and (not isinstance(_raw_reference, str)):
            raise ResponseSchemaError.wrong_type("reference", "a string", _raw_reference)
        reference = _raw_reference

        if _raw_expiration_date is not UNSET and (not isinstance(_raw_expiration_date, str)):
            raise ResponseSchemaError.wrong_type("expirationDate", "a string", _raw_expiration_date)
        expiration_date = _raw_expiration_date

        if _raw_customer_name is not UNSET and (not isinstance(_raw_customer_name, str)):
            raise ResponseSchemaError.wrong_type("customerName", "a string", _raw_customer_name)
        customer_name = _raw_customer_name

        if _raw_payment_date is not UNSET and (not isinstance(_raw_payment_date, str)):
            raise ResponseSchemaError.wrong_type("paymentDate", "a string", _raw_payment_date)
        try:
            _payment_date = _raw_payment_date
            payment_date: datetime.datetime | Unset
            if isinstance(_payment_date, Unset):
                payment_date = UNSET
            else:
                payment_date = datetime.datetime.fromisoformat(_payment_date)

        except ValueError:
            raise ResponseSchemaError.wrong_type("paymentDate", "an ISO 8601 date-time", _raw_payment_date) from None

        if _raw_payment_method is not UNSET and (not isinstance(_raw_payment_method, str)):
            raise ResponseSchemaError.wrong_type("paymentMethod", "a string", _raw_payment_method)
        payment_method: InvoicePaymentMethod | Unset
        if isinstance(_raw_payment_method, Unset):
            payment_method = UNSET
        else:
            _payment_method = _INVOICE_PAYMENT_METHOD_BY_VALUE.get(_raw_payment_method)
            payment_method = InvoicePaymentMethod(_raw_payment_method) if _payment_method is None else _payment_method

        if _raw_payment_source is not UNSET and (not isinstance(_raw_payment_source, str)):
            raise ResponseSchemaError.wrong_type("paymentSource", "a string", _raw_payment_source)
        payment_source: InvoicePaymentSource | Unset
        if isinstance(_raw_payment_source, Unset):
            payment_source = UNSET
        else:
            _payment_source = _INVOICE_PAYMENT_SOURCE_BY_VALUE.get(_raw_payment_source)
            payment_source = InvoicePaymentSource(_raw_payment_source) if _payment_source is None else _payment_source

        if _raw_payment_amount is not UNSET and (
            type(_raw_payment_amount) is not float and type(_raw_payment_amount) is not int
        ):
            raise ResponseSchemaError.wrong_type("paymentAmount", "a number", _raw_payment_amount)
        payment_amount = _raw_payment_amount

        if _raw_settlement_date is not UNSET and (not isinstance(_raw_settlement_date, str)):
            raise ResponseSchemaError.wrong_type("settlementDate", "a string", _raw_settlement_date)
        settlement_date = _raw_settlement_date

        if _raw_settlement_time is not UNSET and (not isinstance(_raw_settlement_time, str)):
            raise ResponseSchemaError.wrong_type("settlementTime", "a string", _raw_settlement_time)
        settlement_time = _raw_settlement_time

        if _raw_payment_id is not UNSET and (not isinstance(_raw_payment_id, str)):
            raise ResponseSchemaError.wrong_type("paymentId", "a string", _raw_payment_id)
        payment_id = _raw_payment_id

        invoice = cls(
            id,
            status,
            amount,
            description,
            contract,
            customer_document_number,
            created_at,
            payment_url,
            reference,
            expiration_date,
            customer_name,
            payment_date,
            payment_method,
            payment_source,
            payment_amount,
            settlement_date,
            settlement_time,
            payment_id,
        )

        invoice.additional_properties = d
        return invoice

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
