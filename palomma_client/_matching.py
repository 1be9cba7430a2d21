"""What a request says of the answer it should get, and the one check that the answer says the same.

A get by id must come back with that id, a create with the fields it sent, a
list filtered by reference with that reference only. Nothing here names an
operation or a field: what to compare is read from the request the generated
code built and from its operation's path template in the spec:

- a path parameter whose name is also a field of the answer (``id`` for
  ``/invoices/{id}``, ``date`` and ``cycle`` for a settlement);
- every field of the JSON body that the answer's model also carries
  (``reference``, ``amount``, ``description``... for a create);
- for a page, every query filter that its items also carry (``reference``).

A field the answer leaves out is not compared: an optional field may be absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

__all__ = ["asked_fields", "differing_fields", "path_parameters", "unmatched_filters"]

_PARAMETER = re.compile(r"\{([^{}/]+)\}")


@lru_cache(maxsize=64)
def _path_pattern(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    names: list[str] = []
    pattern = ""
    position = 0
    for found in _PARAMETER.finditer(template):
        pattern += re.escape(template[position : found.start()]) + "([^/]+)"
        names.append(found.group(1))
        position = found.end()
    pattern += re.escape(template[position:])
    return re.compile(pattern), tuple(names)


def path_parameters(template: str, path: str) -> dict[str, str]:
    """The values of ``template``'s parameters in ``path`` (``{"id": "AAA"}``), unquoted; empty when none."""
    pattern, names = _path_pattern(template)
    if not names:
        return {}
    found = pattern.fullmatch(path)
    if found is None:
        return {}
    return {name: unquote(value) for name, value in zip(names, found.groups(), strict=True)}


def asked_fields(template: str, path: str, body: Any) -> dict[str, Any]:
    """Every value the request states of the one resource it asks for: its path parameters and body fields."""
    asked: dict[str, Any] = path_parameters(template, path)
    if isinstance(body, dict):
        asked.update(body)
    return asked


def _same(asked: Any, answered: Any) -> bool:
    if isinstance(asked, bool) or isinstance(answered, bool):
        # True == 1 in Python, never in JSON.
        return asked is answered
    if asked == answered:
        return True
    if isinstance(asked, dict) and isinstance(answered, dict):
        # A nested object: what was sent must be there; the API may add fields of its own (an id).
        return not differing_fields(asked, answered)
    if isinstance(asked, list) and isinstance(answered, list):
        return len(asked) == len(answered) and all(map(_same, asked, answered))
    # A path parameter or a query filter is text; the field it names may be a number.
    return isinstance(asked, str) and isinstance(answered, int | float) and asked == str(answered)


def differing_fields(asked: Mapping[str, Any], answer: Mapping[str, Any]) -> list[str]:
    """The names ``asked`` and ``answer`` (a model's ``to_dict()``) both have, whose values differ."""
    return [name for name, value in asked.items() if name in answer and not _same(value, answer[name])]


def _values(filter_value: str | list[str]) -> list[str]:
    """The values a filter accepts: an array's items, sent repeated or (``explode: false``) joined by commas."""
    if isinstance(filter_value, list):
        return filter_value
    return [filter_value, *filter_value.split(",")] if "," in filter_value else [filter_value]


def unmatched_filters(filters: Mapping[str, str | list[str]], item: Mapping[str, Any]) -> list[str]:
    """The query filters that an item of a page (its ``to_dict()``) carries with another value.

    A date filter on a date-time field (``paymentDate=2026-03-11``) matches
    the field's date part, as the API filters it.
    """
    unmatched = []
    for name, value in filters.items():
        if name not in item:
            continue
        field = item[name]
        # An array filter (`status=paid&status=ready`) matches an item that has any of its values.
        if any(_same(one, field) or (isinstance(field, str) and field.startswith(one + "T")) for one in _values(value)):
            continue
        unmatched.append(name)
    return unmatched
