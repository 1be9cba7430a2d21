from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

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
        d = dict(src_dict)
        id = d.pop("id")

        _status = d.pop("status")
        status = _INVOICE_STATUS_BY_VALUE.get(_status) if type(_status) is str else None
        if status is None:
            status = InvoiceStatus(_status)

        amount = d.pop("amount")

        description = d.pop("description")

        contract = d.pop("contract")

        customer_document_number = d.pop("customerDocumentNumber")

        created_at = d.pop("createdAt")

        payment_url = d.pop("paymentUrl")

        reference = d.pop("reference", UNSET)

        expiration_date = d.pop("expirationDate", UNSET)

        customer_name = d.pop("customerName", UNSET)

        _payment_date = d.pop("paymentDate", UNSET)
        payment_date: datetime.datetime | Unset
        if isinstance(_payment_date, Unset):
            payment_date = UNSET
        else:
            payment_date = datetime.datetime.fromisoformat(_payment_date)

        _payment_method = d.pop("paymentMethod", UNSET)
        payment_method = _INVOICE_PAYMENT_METHOD_BY_VALUE.get(_payment_method) if type(_payment_method) is str else None
        if payment_method is None:
            payment_method = UNSET if _payment_method is UNSET else InvoicePaymentMethod(_payment_method)

        _payment_source = d.pop("paymentSource", UNSET)
        payment_source = _INVOICE_PAYMENT_SOURCE_BY_VALUE.get(_payment_source) if type(_payment_source) is str else None
        if payment_source is None:
            payment_source = UNSET if _payment_source is UNSET else InvoicePaymentSource(_payment_source)

        payment_amount = d.pop("paymentAmount", UNSET)

        settlement_date = d.pop("settlementDate", UNSET)

        settlement_time = d.pop("settlementTime", UNSET)

        payment_id = d.pop("paymentId", UNSET)

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
