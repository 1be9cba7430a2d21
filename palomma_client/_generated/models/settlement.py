from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from palomma_client._model_base import OpenModel

from ..errors import ResponseSchemaError
from ..models.settlement_status import SettlementStatus

T = TypeVar("T", bound="Settlement")

# from_dict looks enum values up here before calling the enum class, which is several times slower.
_SETTLEMENT_STATUS_BY_VALUE = {member.value: member for member in SettlementStatus}


@_attrs_define
class Settlement(OpenModel):
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

    JSON_NAMES: ClassVar[dict[str, str]] = {
        "date": "date",
        "cycle": "cycle",
        "status": "status",
        "number_of_invoices": "numberOfInvoices",
        "amount_collected": "amountCollected",
        "fees": "fees",
        "fees_postpaid": "feesPostpaid",
        "adjustments": "adjustments",
        "gateway": "gateway",
        "payment_amount": "paymentAmount",
    }
    """Each attribute's name in the API's JSON, in the spec's order."""

    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": [
            "date",
            "cycle",
            "status",
            "numberOfInvoices",
            "amountCollected",
            "fees",
            "feesPostpaid",
            "adjustments",
            "gateway",
            "paymentAmount",
        ],
        "properties": {
            "date": {"type": "string", "description": "Settlement date (`YYYY-MM-DD`)."},
            "cycle": {"type": "string", "description": "Settlement cycle identifier."},
            "status": {
                "type": "string",
                "description": "Settlement status: `processing`, `paid`, `credited`, or `error`.",
                "enum": ["processing", "paid", "credited", "error"],
            },
            "numberOfInvoices": {"type": "number", "description": "Number of invoices included in the settlement."},
            "amountCollected": {"type": "number", "description": "Gross amount collected in COP."},
            "fees": {"type": "number", "description": "Total fees deducted in COP."},
            "feesPostpaid": {
                "type": "boolean",
                "description": "Whether fees are billed separately instead of deducted.",
            },
            "adjustments": {"type": "number", "description": "Adjustments applied in COP."},
            "gateway": {"type": "boolean", "description": "Whether this is a gateway settlement."},
            "paymentAmount": {"type": "number", "description": "Net amount paid out in COP."},
        },
    }
    """The spec's schema of this model as JSON Schema, for web frameworks' API documents."""

    def to_dict(self) -> dict[str, Any]:
        """The model as the API's JSON object (camelCase names); absent optional fields are left out."""
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict["date"] = self.date
        field_dict["cycle"] = self.cycle
        field_dict["status"] = self.status.value
        field_dict["numberOfInvoices"] = self.number_of_invoices
        field_dict["amountCollected"] = self.amount_collected
        field_dict["fees"] = self.fees
        field_dict["feesPostpaid"] = self.fees_postpaid
        field_dict["adjustments"] = self.adjustments
        field_dict["gateway"] = self.gateway
        field_dict["paymentAmount"] = self.payment_amount
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
            _raw_date = src_dict["date"]
            _raw_cycle = src_dict["cycle"]
            _raw_status = src_dict["status"]
            _raw_number_of_invoices = src_dict["numberOfInvoices"]
            _raw_amount_collected = src_dict["amountCollected"]
            _raw_fees = src_dict["fees"]
            _raw_fees_postpaid = src_dict["feesPostpaid"]
            _raw_adjustments = src_dict["adjustments"]
            _raw_gateway = src_dict["gateway"]
            _raw_payment_amount = src_dict["paymentAmount"]
        except KeyError as missing:
            raise ResponseSchemaError(str(missing.args[0]), "is required but missing") from None
        _fields_present = 10
        if not isinstance(_raw_date, str):
            raise ResponseSchemaError.wrong_type("date", "a string", _raw_date)

        if not isinstance(_raw_cycle, str):
            raise ResponseSchemaError.wrong_type("cycle", "a string", _raw_cycle)

        if not isinstance(_raw_status, str):
            raise ResponseSchemaError.wrong_type("status", "a string", _raw_status)
        try:
            status = _SETTLEMENT_STATUS_BY_VALUE[_raw_status]
        except KeyError:
            status = SettlementStatus(_raw_status)

        if type(_raw_number_of_invoices) is not float and type(_raw_number_of_invoices) is not int:
            raise ResponseSchemaError.wrong_type("numberOfInvoices", "a number", _raw_number_of_invoices)

        if type(_raw_amount_collected) is not float and type(_raw_amount_collected) is not int:
            raise ResponseSchemaError.wrong_type("amountCollected", "a number", _raw_amount_collected)

        if type(_raw_fees) is not float and type(_raw_fees) is not int:
            raise ResponseSchemaError.wrong_type("fees", "a number", _raw_fees)

        if type(_raw_fees_postpaid) is not bool:
            raise ResponseSchemaError.wrong_type("feesPostpaid", "true or false", _raw_fees_postpaid)

        if type(_raw_adjustments) is not float and type(_raw_adjustments) is not int:
            raise ResponseSchemaError.wrong_type("adjustments", "a number", _raw_adjustments)

        if type(_raw_gateway) is not bool:
            raise ResponseSchemaError.wrong_type("gateway", "true or false", _raw_gateway)

        if type(_raw_payment_amount) is not float and type(_raw_payment_amount) is not int:
            raise ResponseSchemaError.wrong_type("paymentAmount", "a number", _raw_payment_amount)

        if cls is Settlement:
            # The slots are filled in as attrs' __init__ fills them (the class has no
            # validators, converters or hooks): calling the class costs more than that.
            settlement = object.__new__(cls)
            settlement.date = _raw_date
            settlement.cycle = _raw_cycle
            settlement.status = status
            settlement.number_of_invoices = _raw_number_of_invoices
            settlement.amount_collected = _raw_amount_collected
            settlement.fees = _raw_fees
            settlement.fees_postpaid = _raw_fees_postpaid
            settlement.adjustments = _raw_adjustments
            settlement.gateway = _raw_gateway
            settlement.payment_amount = _raw_payment_amount
            settlement.additional_properties = {}
        else:
            # A subclass may construct itself differently: positional, in declaration order.
            settlement = cls(
                _raw_date,
                _raw_cycle,
                status,
                _raw_number_of_invoices,
                _raw_amount_collected,
                _raw_fees,
                _raw_fees_postpaid,
                _raw_adjustments,
                _raw_gateway,
                _raw_payment_amount,
            )
        if len(src_dict) != _fields_present:
            # Fields the spec does not define, or optional ones sent as null: keep the former.
            settlement.additional_properties = {
                key: value for key, value in src_dict.items() if key not in _SETTLEMENT_JSON_NAMES
            }
        return settlement


# from_dict keeps the fields not named here in additional_properties.
_SETTLEMENT_JSON_NAMES = frozenset(Settlement.JSON_NAMES.values())
