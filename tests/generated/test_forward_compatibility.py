"""Generated models keep parsing when the API adds enum values or fields."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from palomma_client._generated.models import (
    Invoice,
    InvoicePaymentMethod,
    InvoicePaymentSource,
    InvoiceStatus,
    ListInvoicesResponse,
    Settlement,
    SettlementStatus,
)
from tests.support import unknown_value

NEW_STATUS = unknown_value(InvoiceStatus)
NEW_METHOD = unknown_value(InvoicePaymentMethod)
NEW_SOURCE = unknown_value(InvoicePaymentSource)
NEW_SETTLEMENT_STATUS = unknown_value(SettlementStatus)


def _example(spec: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    content = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    return copy.deepcopy(content["examples"][name]["value"])


def test_a_status_and_a_payment_method_the_spec_does_not_list_parse_and_read_back(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    body["status"] = NEW_STATUS
    body["paymentMethod"] = NEW_METHOD

    invoice = Invoice.from_dict(body)

    assert invoice.status == NEW_STATUS
    assert str(invoice.status) == NEW_STATUS
    assert invoice.status.value == NEW_STATUS
    assert not invoice.status.is_known
    assert isinstance(invoice.status, InvoiceStatus)
    assert invoice.payment_method == NEW_METHOD
    assert invoice.to_dict()["status"] == NEW_STATUS
    assert invoice.to_dict()["paymentMethod"] == NEW_METHOD


def test_known_values_are_the_real_members(spec: dict[str, Any]) -> None:
    item = _example(spec, "/invoices", "get", "page")["items"][0]
    invoice = Invoice.from_dict(item)

    assert invoice.status is InvoiceStatus(item["status"])
    assert invoice.status == InvoiceStatus(item["status"])
    assert str(invoice.status) == item["status"]
    assert invoice.status.is_known
    assert invoice.payment_method is InvoicePaymentMethod(item["paymentMethod"])
    assert invoice.payment_source is InvoicePaymentSource(item["paymentSource"])


def test_unknown_payment_source_and_settlement_status(spec: dict[str, Any]) -> None:
    page = _example(spec, "/invoices", "get", "page")
    page["items"][0]["paymentSource"] = NEW_SOURCE
    parsed = ListInvoicesResponse.from_dict(page)
    assert parsed.items[0].payment_source == NEW_SOURCE
    assert parsed.items[0].payment_source != InvoicePaymentSource("link")

    settlement_body = _example(spec, "/settlements/{date}/{cycle}", "get", "found")
    settlement_body["status"] = NEW_SETTLEMENT_STATUS
    settlement = Settlement.from_dict(settlement_body)
    assert settlement.status == NEW_SETTLEMENT_STATUS
    assert not settlement.status.is_known
    assert SettlementStatus("paid") is SettlementStatus("paid")


def test_unknown_values_survive_pickling() -> None:
    status = InvoiceStatus(NEW_STATUS)
    assert pickle.loads(pickle.dumps(status)) == NEW_STATUS


def test_non_string_values_are_still_rejected() -> None:
    with pytest.raises(ValueError, match="is not a valid InvoiceStatus"):
        InvoiceStatus(7)  # type: ignore[arg-type]


def test_unknown_fields_stay_available_and_round_trip(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "post", "created")
    body["installments"] = 3
    body["metadata"] = {"unit": "Apto 502"}

    invoice = Invoice.from_dict(body)

    assert invoice.additional_properties == {"installments": 3, "metadata": {"unit": "Apto 502"}}
    assert invoice["metadata"] == {"unit": "Apto 502"}
    assert invoice.to_dict() == body
