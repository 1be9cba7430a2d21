"""The generated from_dict (scripts/templates/model.py.jinja) parses exactly as the enum classes and attrs would.

The models, their documents and their enum fields come from the generated package and each
model's `JSON_SCHEMA` (`tests.spec_calls`), so each test runs on whatever models the spec has.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import attrs
import pytest

from palomma_client._generated.errors import ResponseSchemaError
from tests.spec_calls import EnumField, enum_fields, model_document, model_properties, models
from tests.support import fresh_name, spec_field_names, unknown_value

MODELS = models()
ENUM_FIELDS = enum_fields()
REQUIRED_ENUM_FIELDS = [field for field in ENUM_FIELDS if field.required and not field.nullable]
# Fields whose null reads as None: optional ones, and nullable ones (an enum with `null` among its values).
OPTIONAL_ENUM_FIELDS = [field for field in ENUM_FIELDS if not field.required or field.nullable]


def _name(model: type[Any]) -> str:
    return model.__name__


def _required_json_names(model: type[Any]) -> list[str]:
    """The model's required fields, in the order its schema lists its properties."""
    required = set(model_properties(model)[1])
    return [name for name in model.JSON_NAMES.values() if name in required]


def _optional_json_names(model: type[Any]) -> list[str]:
    required = set(model_properties(model)[1])
    return [name for name in model.JSON_NAMES.values() if name not in required]


@pytest.mark.parametrize("model", MODELS, ids=_name)
def test_every_field_lands_where_a_keyword_construction_puts_it(model: type[Any]) -> None:
    body = model_document(model)
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


def _with(field: EnumField, value: object) -> dict[str, Any]:
    return {**model_document(field.model), field.json_name: value}


def _odd_strings() -> list[str]:
    """An empty string, a known value in another case, and a value no enum of the spec lists."""
    values = [member.value for field in ENUM_FIELDS for member in field.enum]
    other_case = next((value.swapcase() for value in values if value.swapcase() not in values), "PAID")
    return ["", other_case, unknown_value(values)]


@pytest.mark.parametrize("value", _odd_strings())
@pytest.mark.parametrize("field", ENUM_FIELDS, ids=str)
def test_a_string_enum_field_parses_exactly_as_the_enum_class_does(field: EnumField, value: str) -> None:
    body = _with(field, value)

    assert _outcome(lambda: getattr(field.model.from_dict(body), field.attribute)) == _outcome(
        lambda: field.enum(value)
    )


@pytest.mark.parametrize("value", [7, 1.5, True, [1], {"paid": True}])
@pytest.mark.parametrize("field", ENUM_FIELDS, ids=str)
def test_an_enum_field_of_another_json_type_is_a_schema_error_naming_it(field: EnumField, value: object) -> None:
    with pytest.raises(ResponseSchemaError) as caught:
        field.model.from_dict(_with(field, value))

    assert caught.value.path == field.json_name
    assert caught.value.problem.startswith(
        "expected a string or null, got " if field.nullable else "expected a string, got "
    )


@pytest.mark.parametrize("field", REQUIRED_ENUM_FIELDS, ids=str)
def test_null_is_an_error_in_a_required_field(field: EnumField) -> None:
    with pytest.raises(ResponseSchemaError, match=f"{field.json_name}: expected a string, got null"):
        field.model.from_dict(_with(field, None))


@pytest.mark.parametrize("field", OPTIONAL_ENUM_FIELDS, ids=str)
def test_null_reads_as_none_in_an_optional_field(field: EnumField) -> None:
    assert getattr(field.model.from_dict(_with(field, None)), field.attribute) is None


@pytest.mark.parametrize("field", ENUM_FIELDS, ids=str)
def test_known_values_and_members_themselves_parse_to_the_real_members(field: EnumField) -> None:
    for member in field.enum:
        # A member is a str subclass, as a caller's own dict may hold.
        from_member = getattr(field.model.from_dict(_with(field, member)), field.attribute)
        from_value = getattr(field.model.from_dict(_with(field, str(member.value))), field.attribute)

        assert from_member is member
        assert from_value is member
        assert type(from_value) is field.enum


@pytest.mark.parametrize("model", MODELS, ids=_name)
def test_absent_optional_fields_read_as_none(model: type[Any]) -> None:
    attribute_of = {name: attribute for attribute, name in model.JSON_NAMES.items()}
    body = {name: value for name, value in model_document(model).items() if name in _required_json_names(model)}

    parsed = model.from_dict(body)

    assert {name: getattr(parsed, attribute_of[name]) for name in _optional_json_names(model)} == dict.fromkeys(
        _optional_json_names(model)
    )


@pytest.mark.parametrize("model", [model for model in MODELS if len(_required_json_names(model)) > 1], ids=_name)
def test_a_missing_required_field_is_the_first_one_in_spec_order(model: type[Any]) -> None:
    first, *later = _required_json_names(model)
    body = {name: value for name, value in model_document(model).items() if name not in later}

    with pytest.raises(ResponseSchemaError) as caught:
        model.from_dict(body)

    assert caught.value.path == later[0]
    assert caught.value.problem == "is required but missing"
    assert first in body


@pytest.mark.parametrize("model", MODELS, ids=_name)
def test_optional_fields_sent_as_null_are_none_and_not_kept_as_unknown_fields(model: type[Any]) -> None:
    body = model_document(model)
    unknown = fresh_name(spec_field_names(), "installments")
    attribute_of = {name: attribute for attribute, name in model.JSON_NAMES.items()}
    for nulled in _optional_json_names(model):
        alone = model.from_dict({**body, nulled: None})
        beside_an_unknown_field = model.from_dict({**body, nulled: None, unknown: 3})

        assert getattr(alone, attribute_of[nulled]) is None
        assert alone.additional_properties == {}
        assert getattr(beside_an_unknown_field, attribute_of[nulled]) is None
        assert beside_an_unknown_field.additional_properties == {unknown: 3}


@pytest.mark.parametrize("model", MODELS, ids=_name)
def test_unknown_fields_are_kept_in_the_order_they_came_whatever_fields_are_absent(model: type[Any]) -> None:
    body = model_document(model)
    for absent in [None, *_optional_json_names(model)]:
        first, second = fresh_name(spec_field_names(), "zeta"), fresh_name(spec_field_names(), "alpha")
        trimmed = {name: value for name, value in body.items() if name != absent}

        parsed = model.from_dict({first: 1, **trimmed, second: [2]})

        assert list(parsed.additional_properties.items()) == [(first, 1), (second, [2])]


@pytest.mark.parametrize("model", MODELS, ids=_name)
def test_parsed_models_do_not_share_their_unknown_fields(model: type[Any]) -> None:
    body = model_document(model)
    first, second = model.from_dict(body), model.from_dict(body)

    unknown = fresh_name(spec_field_names(), "note")
    first[unknown] = "only here"

    assert unknown not in second
    assert second.additional_properties == {}


@pytest.mark.parametrize("model", MODELS, ids=_name)
def test_any_mapping_parses_as_the_dict_with_its_items_does(model: type[Any]) -> None:
    body = model_document(model)

    assert model.from_dict(MappingProxyType(body)) == model.from_dict(dict(body))
    with pytest.raises(ResponseSchemaError, match="expected an object, got an array"):
        model.from_dict([("id", "x")])


@pytest.mark.parametrize("model", MODELS, ids=_name)
def test_a_subclass_is_built_by_its_own_constructor(model: type[Any]) -> None:
    tagged: Any = attrs.define(
        type(f"Tagged{model.__name__}", (model,), {"__annotations__": {"tag": "str"}, "tag": "untagged"})
    )
    unknown = fresh_name(spec_field_names(), "installments")
    body = {**model_document(model), unknown: 3}

    parsed = tagged.from_dict(body)

    assert type(parsed) is tagged
    assert parsed.tag == "untagged"
    assert parsed.additional_properties == {unknown: 3}
    assert parsed.to_dict() == model.from_dict(body).to_dict()
