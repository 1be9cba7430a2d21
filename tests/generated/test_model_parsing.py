"""The generated from_dict (scripts/templates/model.py.jinja) parses exactly as the enum classes and attrs would."""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import attrs
import pytest

from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._generated.models import (
    ErrorResponse,
    Invoice,
    InvoicePaymentMethod,
    InvoiceStatus,
    ListInvoicesResponse,
    Settlement,
    SettlementStatus,
)
from tests.support import fresh_name, spec_field_names, unknown_value


def _example(spec: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    content = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    return copy.deepcopy(content["examples"][name]["value"])


def _examples(spec: dict[str, Any]) -> list[tuple[type[Any], dict[str, Any]]]:
    return [
        (Invoice, _example(spec, "/invoices", "post", "created")),
        (Invoice, _example(spec, "/invoices/{id}", "get", "found")),
        (Invoice, _example(spec, "/invoices", "get", "page")["items"][0]),
        (ListInvoicesResponse, _example(spec, "/invoices", "get", "page")),
        (Settlement, _example(spec, "/settlements/{date}/{cycle}", "get", "found")),
        (ErrorResponse, {"error": "Not Found"}),
    ]


def test_every_field_lands_where_a_keyword_construction_puts_it(spec: dict[str, Any]) -> None:
    for model, body in _examples(spec):
        untouched = copy.deepcopy(body)

        parsed = model.from_dict(body)

        by_keyword = model(**{field.name: getattr(parsed, field.name) for field in attrs.fields(model) if field.init})
        by_keyword.additional_properties = dict(parsed.additional_properties)
        assert parsed == by_keyword
        assert body == untouched, "from_dict must not change its argument"


def _outcome(call: Callable[[], object]) -> tuple[str, object]:
    try:
        return "parsed", call()
    except Exception as error:
        return "raised", (type(error), str(error))


ENUM_FIELDS = [("status", "status", InvoiceStatus), ("paymentMethod", "payment_method", InvoicePaymentMethod)]


@pytest.mark.parametrize("value", ["", "PAID", unknown_value([*InvoiceStatus, *InvoicePaymentMethod])])
@pytest.mark.parametrize(("field", "attribute", "enum"), ENUM_FIELDS)
def test_a_string_enum_field_parses_exactly_as_the_enum_class_does(
    spec: dict[str, Any], field: str, attribute: str, enum: type[Any], value: object
) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    body[field] = value

    assert _outcome(lambda: getattr(Invoice.from_dict(body), attribute)) == _outcome(lambda: enum(value))


@pytest.mark.parametrize("value", [7, 1.5, True, [1], {"paid": True}])
@pytest.mark.parametrize(("field", "attribute", "enum"), ENUM_FIELDS)
def test_an_enum_field_of_another_json_type_is_a_schema_error_naming_it(
    spec: dict[str, Any], field: str, attribute: str, enum: type[Any], value: object
) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    body[field] = value

    with pytest.raises(ResponseSchemaError) as caught:
        Invoice.from_dict(body)

    assert caught.value.path == field
    assert caught.value.problem.startswith("expected a string, got ")


def test_null_is_an_error_in_a_required_field_and_reads_as_none_in_an_optional_one(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]

    with pytest.raises(ResponseSchemaError, match="status: expected a string, got null"):
        Invoice.from_dict({**body, "status": None})
    assert Invoice.from_dict({**body, "paymentMethod": None}).payment_method is None


def test_known_values_and_members_themselves_parse_to_the_real_members(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    member = list(InvoiceStatus)[-1]
    body["status"] = member  # a str subclass, as a caller's own dict may hold
    settlement = _example(spec, "/settlements/{date}/{cycle}", "get", "found")

    invoice = Invoice.from_dict(body)

    assert invoice.status is member
    assert invoice.payment_method is InvoicePaymentMethod(body["paymentMethod"])
    assert type(invoice.payment_method) is InvoicePaymentMethod
    assert Settlement.from_dict(settlement).status is SettlementStatus(settlement["status"])


def test_absent_optional_fields_read_as_none(spec: dict[str, Any]) -> None:
    invoice = Invoice.from_dict(_example(spec, "/invoices", "post", "created"))

    assert invoice.payment_method is None
    assert invoice.payment_source is None
    assert invoice.payment_date is None


def test_a_missing_required_field_is_the_first_one_in_spec_order(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    del body["status"], body["contract"]

    with pytest.raises(ResponseSchemaError) as caught:
        Invoice.from_dict(body)

    assert caught.value.path == "status"
    assert caught.value.problem == "is required but missing"


def _optional_json_names(model: type[Any]) -> list[str]:
    required = set(model.JSON_SCHEMA.get("required", []))
    return [name for name in model.JSON_NAMES.values() if name not in required]


def test_optional_fields_sent_as_null_are_none_and_not_kept_as_unknown_fields(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    unknown = fresh_name(spec_field_names(), "installments")
    attribute_of = {name: attribute for attribute, name in Invoice.JSON_NAMES.items()}
    for nulled in _optional_json_names(Invoice):
        alone = Invoice.from_dict({**body, nulled: None})
        beside_an_unknown_field = Invoice.from_dict({**body, nulled: None, unknown: 3})

        assert getattr(alone, attribute_of[nulled]) is None
        assert alone.additional_properties == {}
        assert getattr(beside_an_unknown_field, attribute_of[nulled]) is None
        assert beside_an_unknown_field.additional_properties == {unknown: 3}


def test_unknown_fields_are_kept_in_the_order_they_came_whatever_fields_are_absent(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    for absent in _optional_json_names(Invoice):
        first, second = fresh_name(spec_field_names(), "zeta"), fresh_name(spec_field_names(), "alpha")
        trimmed = {name: value for name, value in body.items() if name != absent}

        invoice = Invoice.from_dict({first: 1, **trimmed, second: [2]})

        assert list(invoice.additional_properties.items()) == [(first, 1), (second, [2])]


def test_parsed_models_do_not_share_their_unknown_fields(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    first, second = Invoice.from_dict(body), Invoice.from_dict(body)

    unknown = fresh_name(spec_field_names(), "note")
    first[unknown] = "only here"

    assert unknown not in second
    assert second.additional_properties == {}


def test_any_mapping_parses_as_the_dict_with_its_items_does(spec: dict[str, Any]) -> None:
    for model, body in _examples(spec):
        assert model.from_dict(MappingProxyType(body)) == model.from_dict(dict(body))
    with pytest.raises(ResponseSchemaError, match="expected an object, got an array"):
        Invoice.from_dict([("id", "x")])  # type: ignore[arg-type]


@attrs.define
class _TaggedInvoice(Invoice):
    tag: str = "untagged"


def test_a_subclass_is_built_by_its_own_constructor(spec: dict[str, Any]) -> None:
    body = _example(spec, "/invoices", "get", "page")["items"][0]
    unknown = fresh_name(spec_field_names(), "installments")

    parsed = _TaggedInvoice.from_dict({**body, unknown: 3})

    assert type(parsed) is _TaggedInvoice
    assert parsed.tag == "untagged"
    assert parsed.additional_properties == {unknown: 3}
    assert parsed.to_dict() == Invoice.from_dict({**body, unknown: 3}).to_dict()
