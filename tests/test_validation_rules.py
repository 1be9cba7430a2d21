"""The rules generated code checks before sending, for every keyword the matrix supports.

The shipped spec uses only some of them; a vendor's next version may use any (`exclusiveMinimum`,
`format: email`...), and its generated code then calls these same checks. Each rule is tried at
its bound and just past it, and the message names the argument and the value that broke it.
"""

from __future__ import annotations

import datetime
from enum import IntEnum
from typing import Any

import pytest

from palomma_client import InvalidParameterError
from palomma_client._model_base import OpenIntEnum
from palomma_client._validation import (
    check_boolean,
    check_date,
    check_datetime,
    check_enum,
    check_integer,
    check_number,
    check_string,
)


def _refusal(check: Any, value: object, **rules: Any) -> str:
    with pytest.raises(InvalidParameterError) as caught:
        check("field", value, **rules)
    assert caught.value.parameter == "field"
    return str(caught.value)


@pytest.mark.parametrize(
    ("value", "rules", "message"),
    [
        ("", {"min_length": 1}, "must not be empty"),
        ("ab", {"min_length": 3}, "at least 3 characters, got 2"),
        ("abcd", {"max_length": 3}, "at most 3 characters, got 4"),
        ("12a", {"pattern": "^[0-9]+$"}, "must match the pattern '^[0-9]+$'"),
        ("/relative", {"format": "uri"}, "must be an absolute URL"),
        ("https://a.example/x y", {"format": "uri"}, "must be an absolute URL"),
        ("ana.example", {"format": "email"}, "must be an email address"),
        ("1234", {"format": "uuid"}, "must be a UUID"),
        ("2026-03-11T10:00:00", {"format": "date-time"}, "with a UTC offset"),
        ("yesterday", {"format": "date-time"}, "must be an ISO 8601 date-time"),
        ("\ud800", {}, "lone surrogate"),
        (7, {}, "must be a string, got int"),
    ],
)
def test_a_string_breaking_a_rule_is_refused_naming_the_rule(
    value: object, rules: dict[str, Any], message: str
) -> None:
    assert message in _refusal(check_string, value, **rules)


@pytest.mark.parametrize(
    ("value", "rules"),
    [
        ("abc", {"min_length": 3, "max_length": 3}),
        ("123", {"pattern": "^[0-9]+$"}),
        ("https://a.example/x", {"format": "uri"}),
        ("ana@a.example", {"format": "email"}),
        ("0b9e7a5c-8f43-4c1e-9a55-3c9d1f2e4b6a", {"format": "uuid"}),
        ("2026-03-11T10:00:00-05:00", {"format": "date-time"}),
        ("anything", {"format": "a-format-with-no-check"}),
    ],
)
def test_a_string_within_its_rules_is_passed_on_unchanged(value: str, rules: dict[str, Any]) -> None:
    assert check_string("field", value, **rules) == value


@pytest.mark.parametrize(
    ("check", "value", "rules", "message"),
    [
        (check_integer, 0, {"minimum": 0, "exclusive_minimum": True}, "must be greater than 0, got 0"),
        (check_integer, 10, {"maximum": 10, "exclusive_maximum": True}, "must be less than 10, got 10"),
        (check_integer, 11, {"maximum": 10}, "must be at most 10, got 11"),
        (check_integer, -1, {"minimum": 0}, "must be at least 0, got -1"),
        (check_integer, 11, {"minimum": 0, "maximum": 10}, "must be between 0 and 10, got 11"),
        (check_integer, 10**40, {"maximum": 10}, "a number of 41 digits"),
        (check_integer, 1.0, {}, "must be an integer, got float"),
        (check_integer, True, {}, "must be an integer, got bool"),
        (check_number, 0.5, {"minimum": 0.5, "exclusive_minimum": True}, "must be greater than 0.5"),
        (check_number, float("inf"), {}, "must be a finite number"),
        (check_number, "1.5", {}, "must be a number, got str"),
        (check_number, False, {}, "must be a number, got bool"),
        (check_boolean, 1, {}, "must be True or False, got int"),
        (check_date, "11/03/2026", {}, "2026"),
        (check_datetime, datetime.datetime(2026, 3, 11, 10), {}, "must have a time zone"),
        (check_datetime, datetime.date(2026, 3, 11), {}, "must be a datetime.datetime, got date"),
        (check_integer, 150, {"multiple_of": 100}, "must be a multiple of 100, got 150"),
        (check_number, 0.7, {"multiple_of": 0.5}, "must be a multiple of 0.5, got 0.7"),
        (check_number, 0.075, {"multiple_of": 0.01}, "must be a multiple of 0.01, got 0.075"),
    ],
)
def test_a_number_date_or_flag_breaking_a_rule_is_refused(
    check: Any, value: object, rules: dict[str, Any], message: str
) -> None:
    assert message in _refusal(check, value, **rules)


def test_values_within_their_rules_are_passed_on() -> None:
    assert check_integer("field", 1, minimum=0, exclusive_minimum=True) == 1
    assert check_number("field", 0.75, minimum=0.5, maximum=1, exclusive_maximum=True) == 0.75
    assert check_boolean("field", False) is False
    assert check_date("field", "2026-03-11") == datetime.date(2026, 3, 11)
    moment = datetime.datetime(2026, 3, 11, 10, tzinfo=datetime.UTC)
    assert check_datetime("field", moment) == moment
    # A multiple as the decimal the spec writes: 0.07 is seven hundredths, whatever binary makes of it.
    assert check_number("field", 0.07, multiple_of=0.01) == 0.07
    assert check_integer("field", -300, multiple_of=100) == -300
    assert check_number("field", 10**5000, multiple_of=0.5) == 10**5000
    assert "got a number of over 4,000 digits" in _refusal(check_integer, 10**5000 + 1, multiple_of=2)


class Kind(OpenIntEnum):
    HOUSE = 1
    APARTMENT = 2


class Plain(IntEnum):
    ONE = 1


def test_an_integer_enum_takes_a_member_or_its_number_and_refuses_text_bools_and_unlisted_numbers() -> None:
    assert check_enum("kind", 2, Kind) is Kind.APARTMENT
    assert check_enum("kind", Kind.HOUSE, Kind) is Kind.HOUSE
    assert check_enum("kind", 1, Plain) is Plain.ONE
    for wrong in ("1", True, 3, Kind(3), 1.0):
        assert "must be one of 1, 2; got" in _refusal(check_enum, wrong, enum=Kind)


def test_an_integer_enum_keeps_a_number_the_spec_does_not_list_as_an_unknown_member() -> None:
    made_up = Kind(7)
    assert (made_up.value, made_up.is_known, str(made_up), made_up == 7) == (7, False, "7", True)
    assert Kind(1).is_known
    for not_a_number in ("1", 1.5):
        with pytest.raises(ValueError, match="is not a valid Kind"):
            Kind(not_a_number)  # type: ignore[arg-type]
