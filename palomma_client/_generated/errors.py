"""The error generated code raises when a response breaks the spec."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["ResponseSchemaError", "parse_map", "parse_one_of"]

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


# What each JSON type of a map's values is called in an error, and how a value is known to be of it.
_MAP_VALUES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "string": ("a string", lambda value: isinstance(value, str)),
    "integer": ("an integer", lambda value: type(value) is int),
    "number": ("a number", lambda value: type(value) is int or type(value) is float),
    "boolean": ("true or false", lambda value: type(value) is bool),
}


def parse_map(value: Any, kind: str) -> dict[str, Any]:
    """A map (``additionalProperties`` with a schema): an object whose every value is of the JSON type ``kind``.

    Raises:
        ResponseSchemaError: The value is not an object, or one of its values is not of ``kind``; the path names it.
    """
    if not isinstance(value, dict):
        raise ResponseSchemaError.wrong_type("", "an object", value)
    expected, accepts = _MAP_VALUES[kind]
    for key, item in value.items():
        if not accepts(item):
            raise ResponseSchemaError.wrong_type(key, expected, item)
    return dict(value)
