"""The error generated code raises when a response breaks the spec."""

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["ResponseSchemaError"]

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
