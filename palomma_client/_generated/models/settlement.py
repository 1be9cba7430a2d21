from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.settlement_status import SettlementStatus

T = TypeVar("T", bound="Settlement")

# from_dict looks enum values up here before calling the enum class, which is several times slower.
_SETTLEMENT_STATUS_BY_VALUE = {member.value: member for member in SettlementStatus}


@_attrs_define
class Settlement:
    """
    Attributes:
        date (str): Settlement date (`YYYY-MM-DD`).
        cycle (str): Settlement cycle identifier.
        status (SettlementStatus): Settlement status: `processing`, `paid`, `credited`, or `error`.
        number_of_invoices (float): Number of invoices included in the settlement.
        amount_collected (float): Gross amount collected in COP.
        fees (float): Total fees deducted in COP.
        fees_postpaid (bool): Whether fees are billed separately instead of deducted.
        adjustments (float): Adjustments applied in COP.
        gateway (bool): Whether this is a gateway settlement.
        payment_amount (float): Net amount paid out in COP.
    """

    date: str
    cycle: str
    status: SettlementStatus
    number_of_invoices: float
    amount_collected: float
    fees: float
    fees_postpaid: bool
    adjustments: float
    gateway: bool
    payment_amount: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        date = self.date

        cycle = self.cycle

        status = self.status.value

        number_of_invoices = self.number_of_invoices

        amount_collected = self.amount_collected

        fees = self.fees

        fees_postpaid = self.fees_postpaid

        adjustments = self.adjustments

        gateway = self.gateway

        payment_amount = self.payment_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "date": date,
                "cycle": cycle,
                "status": status,
                "numberOfInvoices": number_of_invoices,
                "amountCollected": amount_collected,
                "fees": fees,
                "feesPostpaid": fees_postpaid,
                "adjustments": adjustments,
                "gateway": gateway,
                "paymentAmount": payment_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        date = d.pop("date")

        cycle = d.pop("cycle")

        _status = d.pop("status")
        status = _SETTLEMENT_STATUS_BY_VALUE.get(_status) if type(_status) is str else None
        if status is None:
            status = SettlementStatus(_status)

        number_of_invoices = d.pop("numberOfInvoices")

        amount_collected = d.pop("amountCollected")

        fees = d.pop("fees")

        fees_postpaid = d.pop("feesPostpaid")

        adjustments = d.pop("adjustments")

        gateway = d.pop("gateway")

        payment_amount = d.pop("paymentAmount")

        settlement = cls(
            date,
            cycle,
            status,
            number_of_invoices,
            amount_collected,
            fees,
            fees_postpaid,
            adjustments,
            gateway,
            payment_amount,
        )

        settlement.additional_properties = d
        return settlement

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
