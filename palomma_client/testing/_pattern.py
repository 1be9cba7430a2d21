"""A short string that a schema's `pattern` matches, for values the fake makes up.

A path parameter such as `leaseId` with `pattern: ^lse_[a-z0-9]{8}$` and no example must still get
a value the fake itself accepts. The regular expression is read with the standard library's own
parser and each part written out at its smallest: a repeat its minimum count, an alternation its
first branch, a class its first member. What cannot be written out that way (a back-reference, a
look-around that the result then fails) gives `None`, and the caller keeps its plain value.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

__all__ = ["matching"]

# The parser behind `re.compile`, public in all but name since Python 3.11 (`sre_parse`, deprecated, before it);
# imported by name, as type stubs do not all declare it.
_parser: Any = importlib.import_module("re._parser")

# Each category a class may name (`\d`, `\w`, `\s` and their negations): a character of it, and its own spelling.
_CATEGORIES = {
    "CATEGORY_DIGIT": ("0", r"\d"),
    "CATEGORY_NOT_DIGIT": ("a", r"\D"),
    "CATEGORY_WORD": ("a", r"\w"),
    "CATEGORY_NOT_WORD": ("-", r"\W"),
    "CATEGORY_SPACE": (" ", r"\s"),
    "CATEGORY_NOT_SPACE": ("a", r"\S"),
}
# Tried in turn for a negated class (`[^/]`) or any character (`.`): the first the class takes is written.
_CANDIDATES = "a0A_-x. "


class _Unwritable(Exception):
    """A part of the expression this module does not write out."""


def matching(pattern: str) -> str | None:
    """A short string that `pattern` finds (searched for, as JSON Schema's `pattern` is), or `None`.

    Args:
        pattern: The regular expression of a schema's `pattern`.

    Returns:
        The string, checked against `pattern`; `None` when the expression is invalid or holds a part
        that cannot be written out.
    """
    try:
        text = _write(_parser.parse(pattern))
        return text if re.search(pattern, text) else None
    except (_Unwritable, re.error, RecursionError, ValueError, OverflowError):
        return None


def _write(parsed: Any) -> str:
    return "".join(_part(str(op), argument) for op, argument in parsed)


def _part(op: str, argument: Any) -> str:
    if op == "LITERAL":
        return chr(argument)
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return ""  # anchors and look-arounds take no characters; the final check catches a failed one
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        minimum, _, item = argument
        return _write(item) * int(minimum)
    if op in ("SUBPATTERN", "ATOMIC_GROUP"):
        return _write(argument[-1])
    if op == "BRANCH":
        return _write(argument[1][0])
    if op == "IN":
        return _member(argument)
    if op == "ANY":
        return _CANDIDATES[0]
    if op == "NOT_LITERAL":
        return next(char for char in _CANDIDATES if ord(char) != argument)
    raise _Unwritable(op)


def _member(items: list[tuple[Any, Any]]) -> str:
    """A character of a class: its first member, or for a negated class the first candidate it takes."""
    if items and str(items[0][0]) == "NEGATE":
        taken = (char for char in _CANDIDATES if not any(_holds(item, char) for item in items[1:]))
        return next(taken, "")
    op, argument = items[0]
    if str(op) == "LITERAL":
        return chr(argument)
    if str(op) == "RANGE":
        return chr(argument[0])
    if str(op) == "CATEGORY" and str(argument) in _CATEGORIES:
        return _CATEGORIES[str(argument)][0]
    raise _Unwritable(str(op))


def _holds(item: tuple[Any, Any], char: str) -> bool:
    op, argument = str(item[0]), item[1]
    if op == "LITERAL":
        return bool(ord(char) == argument)
    if op == "RANGE":
        return bool(argument[0] <= ord(char) <= argument[1])
    if op == "CATEGORY" and str(argument) in _CATEGORIES:
        return re.fullmatch(_CATEGORIES[str(argument)][1], char) is not None
    return True  # unknown: assume it does, so the candidate is not written
