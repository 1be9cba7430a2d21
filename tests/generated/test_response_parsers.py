"""The parsers generated models call on each response field (`_generated/errors.py`), tried one by one.

The shipped spec's models use only some of them; a vendor's next version (a map, a union, a
nullable field, an array of dates) makes its models call the others. Each is tried here on a value
it takes and on one it refuses, and the error names the place in the document and what was there.
"""

from __future__ import annotations

import datetime
import pickle
from collections.abc import Callable
from enum import Enum, IntEnum
from types import MappingProxyType
from typing import Any

import pytest

from palomma_client._generated.errors import (
    ResponseSchemaError,
    enum_of,
    list_of,
    map_of,
    nullable,
    parse_boolean,
    parse_date,
    parse_datetime,
    parse_integer,
    parse_json,
    parse_number,
    parse_one_of,
    parse_string,
)
from palomma_client._model_base import OpenStrEnum


class Shade(Enum):
    LIGHT = "light"
    DARK = "dark"


class Level(IntEnum):
    LOW = 1
    HIGH = 2


@pytest.mark.parametrize(
    ("parse", "value", "parsed"),
    [
        (parse_string, "a", "a"),
        (parse_integer, 7, 7),
        (parse_number, 7, 7),
        (parse_number, 2.5, 2.5),
        (parse_boolean, False, False),
        (parse_json, {"any": ["thing", None]}, {"any": ["thing", None]}),
        (parse_date, "2026-03-12", datetime.date(2026, 3, 12)),
        (
            parse_datetime,
            "2026-03-12T16:32:14.007Z",
            datetime.datetime(2026, 3, 12, 16, 32, 14, 7000, tzinfo=datetime.UTC),
        ),
        (enum_of(Shade), "dark", Shade.DARK),
        (enum_of(Level), 2, Level.HIGH),
        (nullable(parse_integer), None, None),
        (nullable(parse_integer), 3, 3),
        (list_of(parse_date), ["2026-03-12"], [datetime.date(2026, 3, 12)]),
        (map_of(parse_integer), {"a": 1}, {"a": 1}),
        (map_of(parse_integer), MappingProxyType({"a": 1}), {"a": 1}),
    ],
)
def test_a_value_of_the_right_kind_is_parsed_to_what_the_model_holds(
    parse: Callable[[Any], Any], value: Any, parsed: Any
) -> None:
    assert parse(value) == parsed


@pytest.mark.parametrize(
    ("parse", "value", "message"),
    [
        (parse_string, None, "expected a string, got null"),
        (parse_integer, True, "expected an integer, got true"),
        (parse_integer, 1.0, "expected an integer, got the number 1.0"),
        (parse_number, False, "expected a number, got false"),
        (parse_number, "1", "expected a number, got the string '1'"),
        (parse_boolean, 0, "expected true or false, got the integer 0"),
        (parse_date, "12/03/2026", "expected an ISO 8601 date, got the string '12/03/2026'"),
        (parse_date, 20260312, "expected an ISO 8601 date, got the integer 20260312"),
        (parse_datetime, "yesterday", "expected an ISO 8601 date-time, got the string 'yesterday'"),
        (parse_datetime, [], "expected an ISO 8601 date-time, got an array"),
        (enum_of(Level), "high", "expected an integer, got the string 'high'"),
        (enum_of(Shade), {"shade": "dark"}, "expected a string, got an object"),
        (list_of(parse_integer), {"a": 1}, "expected an array, got an object"),
        (map_of(parse_integer), [1], "expected an object, got an array"),
        (parse_integer, "x" * 100, "expected an integer, got the string '" + "x" * 39 + "..."),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_saying_what_was_there(
    parse: Callable[[Any], Any], value: Any, message: str
) -> None:
    with pytest.raises(ResponseSchemaError) as caught:
        parse(value)

    assert (caught.value.path, caught.value.problem) == ("", message)
    assert str(caught.value) == message


def test_a_string_enum_value_the_spec_does_not_list_still_parses() -> None:
    class Tone(OpenStrEnum):
        KNOWN = "known"

    parsed = enum_of(Tone)("new")

    assert (parsed, parsed.is_known, enum_of(Tone)("known").is_known) == ("new", False, True)


@pytest.mark.parametrize(
    ("parse", "value", "path"),
    [
        (list_of(parse_integer), [1, 2, "3"], "[2]"),
        (list_of(list_of(parse_integer)), [[1], [2, None]], "[1][1]"),
        (map_of(parse_integer), {"daily": 1, "weekly": "2"}, "weekly"),
        (map_of(map_of(parse_integer)), {"limits": {"daily": None}}, "limits.daily"),
        (map_of(list_of(parse_integer)), {"limits": [1, "x"]}, "limits[1]"),
    ],
)
def test_an_error_inside_an_array_or_map_names_the_index_or_key_at_fault(
    parse: Callable[[Any], Any], value: Any, path: str
) -> None:
    with pytest.raises(ResponseSchemaError) as caught:
        parse(value)

    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: expected ")


def test_an_error_seen_from_the_field_that_holds_it_is_prefixed_with_that_field() -> None:
    assert str(ResponseSchemaError("", "is wrong").within("amount")) == "amount: is wrong"
    assert str(ResponseSchemaError("[0].amount", "is wrong").within("items")) == "items[0].amount: is wrong"
    assert str(ResponseSchemaError("amount", "is wrong").within("total")) == "total.amount: is wrong"


def test_the_error_of_an_array_names_its_first_refused_item() -> None:
    error = ResponseSchemaError.in_array("items", [1, "2", None], parse_integer)
    assert (error.path, error.problem) == ("items[1]", "expected an integer, got the string '2'")

    # Every item accepted on a second look: the array as a whole is named.
    assert str(ResponseSchemaError.in_array("items", [1], parse_integer)) == "items: an item does not match the spec"


def test_the_error_survives_pickling_with_its_path_and_problem() -> None:
    error = pickle.loads(pickle.dumps(ResponseSchemaError("items[1]", "expected an integer, got null")))

    assert (type(error), error.path, error.problem) == (
        ResponseSchemaError,
        "items[1]",
        "expected an integer, got null",
    )


def _cat(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or parse_integer(value.get("lives")) is None:
        raise ResponseSchemaError.wrong_type("", "an object", value)
    return {"cat": value["lives"]}


def _dog(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ResponseSchemaError.wrong_type("", "an object", value)
    return {"dog": parse_string(value.get("bark"))}


PETS = {"cat": _cat, "dog": _dog}


def test_a_discriminated_union_is_parsed_by_the_member_its_tag_names() -> None:
    assert parse_one_of({"kind": "dog", "bark": "woof", "lives": 9}, PETS, "kind") == {"dog": "woof"}


@pytest.mark.parametrize(
    ("value", "path", "problem"),
    [
        ("cat", "", "expected an object, got the string 'cat'"),
        ({"kind": "bird"}, "kind", "expected one of 'cat', 'dog', got the string 'bird'"),
        ({"lives": 9}, "kind", "expected one of 'cat', 'dog', got null"),
        ({"kind": 1}, "kind", "expected one of 'cat', 'dog', got the integer 1"),
    ],
)
def test_a_discriminated_union_refuses_a_tag_that_names_no_member(value: Any, path: str, problem: str) -> None:
    with pytest.raises(ResponseSchemaError) as caught:
        parse_one_of(value, PETS, "kind")

    assert (caught.value.path, caught.value.problem) == (path, problem)


def test_a_union_without_a_discriminator_takes_the_first_member_that_accepts_the_value() -> None:
    assert parse_one_of({"lives": 9, "bark": "woof"}, PETS) == {"cat": 9}
    assert parse_one_of({"bark": "woof"}, PETS) == {"dog": "woof"}
    with pytest.raises(ResponseSchemaError) as caught:
        parse_one_of([], PETS)

    assert str(caught.value) == (
        "matches none of the schemas it may be: not a cat (expected an object, got an array);"
        " not a dog (expected an object, got an array)"
    )
