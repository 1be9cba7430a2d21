"""Structured body arguments (nested objects, arrays of them, unions, nullable values) are checked as JSON.

The schemas here are written for the test, in both OpenAPI spellings where they differ; the
generated code passes each argument's schema from openapi.yaml (see tests/scripts/test_spec_matrix.py).
"""

from __future__ import annotations

import copy
import datetime
import pickle
from enum import Enum
from typing import Any

import pytest

from palomma_client import InvalidParameterError
from palomma_client._validation import NOT_GIVEN, NotGiven, check_array, check_body_fields, check_json, form_list
from tests.spec_calls import model_document, models

LINE = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer", "maximum": 100}}}
LINES = {"type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": True, "items": LINE}
CAT = {
    "type": "object",
    "required": ["kind", "lives"],
    "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}},
}
DOG = {
    "type": "object",
    "required": ["kind", "bark"],
    "properties": {"kind": {"type": "string"}, "bark": {"type": "string"}},
}
PET = {"oneOf": [CAT, DOG], "discriminator": {"propertyName": "kind", "mapping": {"cat": 0, "dog": 1}}}


@pytest.mark.parametrize(
    ("value", "schema", "path", "message"),
    [
        ([{"amount": 5}, {"amount": 101}], LINES, "lines[1].amount", "must be at most 100, got 101"),
        ([{}], LINES, "lines[0].amount", "is required"),
        ([{"amount": 1}, {"amount": 1.0}], LINES, "lines[1]", "must not repeat lines[0] (uniqueItems)"),
        ([], LINES, "lines", "must have at least 1 items, got 0"),
        (
            [{"amount": 1}, {"amount": 2}, {"amount": 3}, {"amount": 4}],
            LINES,
            "lines",
            "must have at most 3 items, got 4",
        ),
        ({"amount": 1}, LINES, "lines", "must be a list, got dict"),
        ([{"amount": True}], LINES, "lines[0].amount", "must be an integer, got bool"),
        (
            [{"amount": 1, "id": "x"}],
            {**LINES, "items": {**LINE, "additionalProperties": False}},
            "lines[0].id",
            "is not a field the API takes here",
        ),
        ({"kind": "bird"}, PET, "lines.kind", "must be one of cat, dog; got 'bird'"),
        ({"kind": "dog", "lives": 9}, PET, "lines.bark", "is required"),
        ({"lives": 9}, PET, "lines.kind", "is required (it says which kind of object this is)"),
        (None, LINE, "lines", "must be an object (a model or a dict), got None"),
        (None, PET, "lines", "must not be null here, got None"),
        (None, {"enum": ["cat", "dog"]}, "lines", "must be one of cat, dog; got None"),
        (
            {"a b": 1},
            {"type": "object", "additionalProperties": {"type": "string"}},
            "lines['a b']",
            "must be a string, got int",
        ),
    ],
)
def test_a_broken_rule_names_its_json_path(value: Any, schema: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        check_json("lines", value, schema)

    assert (caught.value.parameter, str(caught.value)) == (path, f"{path}: {message}")


@pytest.mark.parametrize("nullable", [{"type": "string", "nullable": True}, {"type": ["string", "null"]}])
def test_a_nullable_value_is_sent_as_null_in_both_spellings(nullable: dict[str, Any]) -> None:
    assert check_json("note", None, nullable) is None
    assert check_json("note", "hi", nullable) == "hi"


@pytest.mark.parametrize(
    "nullable",
    [
        {"allOf": [CAT], "nullable": True},  # 3.0: one reference, inlined, with nullable
        {**CAT, "nullable": True},  # 3.0: `$ref` with nullable beside it, once inlined
        {"oneOf": [CAT, {"type": "null"}]},  # 3.1
        {"anyOf": [CAT, {"type": "null"}]},  # 3.1
        {**CAT, "type": ["object", "null"]},  # 3.1, inline
    ],
    ids=["3.0-all-of", "3.0-ref-with-nullable", "3.1-one-of", "3.1-any-of", "3.1-type-list"],
)
def test_a_nullable_object_takes_null_and_checks_the_object_by_its_own_rules(nullable: dict[str, Any]) -> None:
    assert check_json("pet", None, nullable) is None
    assert check_json("pet", {"kind": "x", "lives": 9}, nullable) == {"kind": "x", "lives": 9}
    # The null member says nothing about an object: the error is the object's own, at its path.
    with pytest.raises(InvalidParameterError) as caught:
        check_json("pet", {"kind": "x"}, nullable)
    assert (caught.value.parameter, str(caught.value)) == ("pet.lives", "pet.lives: is required")


def test_a_null_schema_takes_only_null() -> None:
    assert check_json("nothing", None, {"type": "null"}) is None
    with pytest.raises(InvalidParameterError, match="nothing: must be null, got dict"):
        check_json("nothing", {}, {"type": "null"})


def test_a_union_without_a_discriminator_takes_exactly_one_member() -> None:
    union = {"oneOf": [CAT, DOG]}

    assert check_json("pet", {"kind": "x", "bark": "woof"}, union) == {"kind": "x", "bark": "woof"}
    with pytest.raises(InvalidParameterError, match="matches 2 of its schemas"):
        check_json("pet", {"kind": "x", "bark": "woof", "lives": 1}, union)
    with pytest.raises(InvalidParameterError, match="must match one of its 2 schemas"):
        check_json("pet", {"kind": "x"}, union)
    assert check_json("pet", {"kind": "x", "bark": "woof", "lives": 1}, {"anyOf": [CAT, DOG]})["lives"] == 1


def test_models_enums_and_dates_are_sent_as_their_json() -> None:
    model = models()[0]
    instance = model.from_dict(model_document(model))
    sent = check_json("things", (instance, datetime.date(2026, 3, 1)), {"type": "array"})

    assert sent == [instance.to_dict(), "2026-03-01"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (object(), "must be a JSON value, a model or a dict, got object"),
        ({1: "a"}, "must have string keys, got int"),
        (float("nan"), "must be a finite number, got nan"),
        (datetime.datetime(2026, 1, 1), "must have a time zone (tzinfo); a naive datetime is ambiguous"),
    ],
)
def test_what_json_cannot_say_is_refused(value: object, message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_json("value", value, {})


def test_not_given_is_one_falsy_value_that_survives_copy_and_pickle() -> None:
    assert NotGiven() is NOT_GIVEN
    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert pickle.loads(pickle.dumps(NOT_GIVEN)) is NOT_GIVEN
    assert copy.deepcopy(NOT_GIVEN) is NOT_GIVEN


def test_an_array_argument_with_unique_items_names_the_repeated_item() -> None:
    assert check_array("codes", ("a", "b"), unique_items=True) == ["a", "b"]
    with pytest.raises(InvalidParameterError) as caught:
        check_array("codes", ["a", "b", "a"], unique_items=True)

    assert str(caught.value) == "codes[2]: must not repeat codes[0] (uniqueItems)"


def test_a_comma_separated_query_array_refuses_an_item_with_a_comma() -> None:
    assert form_list("codes", ["a1", "b2"]) == "a1,b2"
    with pytest.raises(InvalidParameterError) as caught:
        form_list("codes", ["a1", "b,2"])

    assert caught.value.parameter == "codes[1]"


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@pytest.mark.parametrize(
    ("value", "schema", "path", "message"),
    [
        ("green", {"type": "string", "enum": ["red", "blue"]}, "paint", "must be one of red, blue; got 'green'"),
        ("2026-02-30", {"type": "string", "format": "date"}, "paint", "'YYYY-MM-DD' string, got '2026-02-30'"),
        (0, {"type": "integer", "minimum": 0, "exclusiveMinimum": True}, "paint", "must be greater than 0, got 0"),
        (10, {"type": "integer", "exclusiveMaximum": 10}, "paint", "must be less than 10, got 10"),
        (-1, {"type": "number", "exclusiveMinimum": -1}, "paint", "must be greater than -1, got -1"),
        ("x", {"properties": {"a": {"type": "string"}}}, "paint", "must be an object (a model or a dict), got str"),
        (1.5, {"type": ["integer", "string"]}, "paint", "must be an integer or a string, got float"),
        (
            {"id": "x", "name": "a"},
            {"type": "object", "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string"}}},
            "paint.id",
            "is set by the API (readOnly) and cannot be sent",
        ),
        (
            {},
            {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 1},
            "paint",
            "must have at least 1 entries, got 0",
        ),
        (
            {"a": 1, "b": 2, "c": 3},
            {"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 2},
            "paint",
            "must have at most 2 entries, got 3",
        ),
        (
            [[1, 2.0], [1, 2]],
            {"type": "array", "uniqueItems": True, "items": {"type": "array"}},
            "paint[1]",
            "must not repeat paint[0] (uniqueItems)",
        ),
        (
            [{"a": 1, "b": 2}, {"b": 2, "a": 1.0}],
            {"type": "array", "uniqueItems": True},
            "paint[1]",
            "must not repeat paint[0] (uniqueItems)",
        ),
        (None, {"oneOf": [{"type": "string"}, {"type": "integer"}]}, "paint", "must not be null here, got None"),
        ("a", {"oneOf": [{"type": "integer"}]}, "paint", "must be an integer, got str"),
        # `const` (3.1): the one value, compared as JSON compares (true is not 1), at any depth.
        ("box", {"type": "string", "const": "shelf"}, "paint", "must be 'shelf'; got 'box'"),
        (True, {"const": 1}, "paint", "must be 1; got True"),
        ({"v": 3}, {"type": "object", "properties": {"v": {"const": 2}}}, "paint.v", "must be 2; got 3"),
        ([1, [2]], {"const": [1, [3]]}, "paint", "must be [1, [3]]; got [1, [2]]"),
        (
            "cat",
            PET,
            "paint",
            "must match one of its 2 schemas (paint: must be an object (a model or a dict), got str;",
        ),
    ],
)
def test_each_json_schema_rule_is_checked_at_the_path_it_applies_to(
    value: Any, schema: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        check_json("paint", value, schema)

    assert caught.value.parameter == path
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("value", "schema", "sent"),
    [
        (Colour.BLUE, {"type": "string", "enum": ["red", "blue"]}, "blue"),
        (
            [Colour.RED, "blue"],
            {"type": "array", "items": {"type": "string", "enum": ["red", "blue"]}},
            ["red", "blue"],
        ),
        ("2026-02-28", {"type": "string", "format": "date"}, "2026-02-28"),
        (True, {"type": "boolean"}, True),
        (1, {"type": "integer", "minimum": 0, "exclusiveMinimum": True}, 1),
        (9.5, {"type": "number", "exclusiveMaximum": 10}, 9.5),
        (
            {"name": "a"},
            {"type": "object", "required": ["id"], "properties": {"id": {"readOnly": True}}},
            {"name": "a"},
        ),
        (
            {"a": 1, "b": 2},
            {"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 2},
            {"a": 1, "b": 2},
        ),
        ([[1, 2], [2, 1]], {"type": "array", "uniqueItems": True}, [[1, 2], [2, 1]]),
        (None, {"anyOf": [{"type": "string"}, {"type": "string", "nullable": True}]}, None),
        ({"kind": "cat", "lives": 7}, PET, {"kind": "cat", "lives": 7}),
        (
            {"anything": [1, "two"]},
            {"type": "object", "properties": {"anything": {"type": "stream"}}},
            {"anything": [1, "two"]},
        ),
        (
            {"v": 2.0, "w": {"on": True}},
            {"properties": {"v": {"const": 2}, "w": {"const": {"on": True}}}},
            {"v": 2.0, "w": {"on": True}},
        ),
    ],
    ids=[
        "enum-member",
        "enum-members-in-a-list",
        "date",
        "boolean",
        "exclusive-minimum-3.0",
        "exclusive-maximum-3.1",
        "read-only-not-required",
        "map-at-its-maximum",
        "arrays-differing-in-order",
        "union-with-a-nullable-member",
        "discriminated",
        "a-type-json-schema-does-not-know",
        "const-as-json-compares",
    ],
)
def test_a_value_within_the_schemas_rules_is_sent_as_its_json(value: Any, schema: dict[str, Any], sent: Any) -> None:
    assert check_json("paint", value, schema) == sent


def test_an_optional_body_sent_must_carry_its_required_fields_and_names_the_argument() -> None:
    required = {"documentNumber": "document_number", "amount": "amount"}
    check_body_fields({}, required)  # nothing given: no body is sent, nothing is missing
    check_body_fields({"documentNumber": "9", "amount": 5, "note": "n"}, required)
    with pytest.raises(InvalidParameterError) as raised:
        check_body_fields({"amount": 5, "note": "n"}, required)
    assert raised.value.parameter == "document_number"
    assert "give none of them to send no body" in str(raised.value)
