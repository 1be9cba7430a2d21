"""The error generated code raises when a response breaks the spec."""

import datetime
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, TypeVar

__all__ = [
    "ResponseSchemaError",
    "enum_of",
    "list_of",
    "map_of",
    "nullable",
    "parse_boolean",
    "parse_date",
    "parse_datetime",
    "parse_integer",
    "parse_json",
    "parse_number",
    "parse_one_of",
    "parse_string",
]

T = TypeVar("T")
EnumT = TypeVar("EnumT", bound=Enum)

_EXCERPT_LENGTH = 40


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    kind = {str: "string", int: "integer", float: "number", list: "array", dict: "object"}.get(type(value), "value")
    if isinstance(value, list | dict):
        return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
    text = repr(value)
    if len(text) > _EXCERPT_LENGTH:
        text = text[:_EXCERPT_LENGTH] + "..."
    return f"the {kind} {text}"


class ResponseSchemaError(ValueError):
    """A JSON document broke the spec's schema: a field of the wrong type, or a required one missing.

    Unknown fields and enum values the spec does not list are not errors: the
    API may add them before this package is regenerated.

    Attributes:
        path: Where, in the spec's own names, such as ``items[3].amount``; empty for the whole document.
        problem: What was wrong there.
    """

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.path, self.problem)

    @classmethod
    def wrong_type(cls, path: str, expected: str, value: Any) -> "ResponseSchemaError":
        return cls(path, f"expected {expected}, got {_describe(value)}")

    def within(self, outer: str) -> "ResponseSchemaError":
        """The same error, seen from the object that holds the field ``outer``."""
        if not self.path:
            return ResponseSchemaError(outer, self.problem)
        separator = "" if self.path.startswith("[") else "."
        return ResponseSchemaError(f"{outer}{separator}{self.path}", self.problem)

    @classmethod
    def in_array(cls, outer: str, values: Sequence[Any], parse: Callable[[Any], Any]) -> "ResponseSchemaError":
        """The error of the first item of ``values`` that ``parse`` refuses, with its index in the path."""
        for index, value in enumerate(values):
            try:
                parse(value)
            except ResponseSchemaError as error:
                return error.within(f"{outer}[{index}]")
        return cls(outer, "an item does not match the spec")


def parse_one_of(value: Any, parsers: Mapping[str, Callable[[Any], Any]], discriminator: str | None = None) -> Any:
    """A ``oneOf``/``anyOf`` value, parsed by the member its discriminator names, else the first that accepts it.

    Args:
        value: The JSON value.
        parsers: Each member's ``from_dict``, by the discriminator value that names it (or its schema's name).
        discriminator: The property whose value names the member, when the spec gives one.

    Raises:
        ResponseSchemaError: No member accepts the value, or its discriminator names none of them.
    """
    if discriminator is not None:
        if not isinstance(value, dict):
            raise ResponseSchemaError.wrong_type("", "an object", value)
        tag = value.get(discriminator)
        parser = parsers.get(tag) if isinstance(tag, str) else None
        if parser is None:
            expected = ", ".join(repr(name) for name in parsers)
            raise ResponseSchemaError(discriminator, f"expected one of {expected}, got {_describe(tag)}")
        return parser(value)
    problems = []
    for name, parser in parsers.items():
        try:
            return parser(value)
        except ResponseSchemaError as error:
            problems.append(f"not a {name} ({error})")
    raise ResponseSchemaError("", "matches none of the schemas it may be: " + "; ".join(problems))


# The parsers below check one JSON value and build what the model holds: each raises
# ResponseSchemaError about the value itself (an empty path), and the containers (map_of,
# list_of) put the key or index of the value at fault in front of the path.


def parse_string(value: Any) -> str:
    """A JSON string."""
    if not isinstance(value, str):
        raise ResponseSchemaError.wrong_type("", "a string", value)
    return value


def parse_integer(value: Any) -> int:
    """A JSON integer (never true or false)."""
    if type(value) is not int:
        raise ResponseSchemaError.wrong_type("", "an integer", value)
    return value


def parse_number(value: Any) -> float:
    """A JSON number (an integer or a fraction, never true or false)."""
    if type(value) is not float and type(value) is not int:
        raise ResponseSchemaError.wrong_type("", "a number", value)
    return value


def parse_boolean(value: Any) -> bool:
    """JSON true or false."""
    if type(value) is not bool:
        raise ResponseSchemaError.wrong_type("", "true or false", value)
    return value


def parse_json(value: Any) -> Any:
    """Any JSON value, as it came (a free-form object's values: the spec says nothing of them)."""
    return value


def parse_date(value: Any) -> datetime.date:
    """An ISO 8601 date (``2026-03-12``)."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ResponseSchemaError.wrong_type("", "an ISO 8601 date", value)


def parse_datetime(value: Any) -> datetime.datetime:
    """An ISO 8601 date-time (``2026-03-12T16:32:14.007Z``)."""
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ResponseSchemaError.wrong_type("", "an ISO 8601 date-time", value)


def enum_of(enum: type[EnumT]) -> Callable[[Any], EnumT]:
    """A parser of the enum's values; a string value the spec does not list still parses (see ``OpenStrEnum``)."""
    expected = "an integer" if issubclass(enum, int) else "a string"

    def parse(value: Any) -> EnumT:
        try:
            return enum(value)
        except ValueError:
            raise ResponseSchemaError.wrong_type("", expected, value) from None

    return parse


def nullable(parse_value: Callable[[Any], T]) -> Callable[[Any], T | None]:
    """A parser of a nullable value: JSON null is ``None``, anything else is ``parse_value``'s."""

    def parse(value: Any) -> T | None:
        return None if value is None else parse_value(value)

    return parse


def list_of(parse_item: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    """A parser of a JSON array whose every item ``parse_item`` accepts; an error names the item (``[2]``)."""

    def parse(value: Any) -> list[T]:
        if type(value) is not list:
            raise ResponseSchemaError.wrong_type("", "an array", value)
        parsed = []
        for index, item in enumerate(value):
            try:
                parsed.append(parse_item(item))
            except ResponseSchemaError as error:
                raise error.within(f"[{index}]") from None
        return parsed

    return parse


def map_of(parse_value: Callable[[Any], T]) -> Callable[[Any], dict[str, T]]:
    """A parser of a map (``additionalProperties``): a JSON object whose every value ``parse_value`` accepts.

    An error names the key at fault (``limits.daily.max``).
    """

    def parse(value: Any) -> dict[str, T]:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise ResponseSchemaError.wrong_type("", "an object", value)
        parsed = {}
        for key, item in value.items():
            try:
                parsed[key] = parse_value(item)
            except ResponseSchemaError as error:
                raise error.within(key) from None
        return parsed

    return parse
