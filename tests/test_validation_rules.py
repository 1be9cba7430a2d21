"""The rules generated code checks before sending, for every keyword the matrix supports.

The shipped spec uses only some of them; a vendor's next version may use any (`exclusiveMinimum`,
`format: email`...), and its generated code then calls these same checks. Each rule is tried at
its bound and just past it, and the message names the argument and the value that broke it.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from palomma_client import InvalidParameterError
from palomma_client._validation import (
    check_boolean,
    check_date,
    check_datetime,
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
