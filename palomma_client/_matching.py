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

``AnswerCheck`` works out once per operation, and once per answer model,
which answer attributes stand for which path parameters, so that a call only
reads and compares them (the ``invoices.get`` bench targets depend on it).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from enum import Enum
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from palomma_client._model_base import Model

__all__ = ["AnswerCheck", "asked_fields", "differing_fields", "path_parameters", "unmatched_filters"]

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


class _ModelFields:
    """What an answer model carries of a request: its attribute per JSON name, and the path parameters among them."""

    __slots__ = ("attributes", "path_fields")

    def __init__(self, model: type, path_names: tuple[str, ...]) -> None:
        json_names: Mapping[str, str] | None = getattr(model, "JSON_NAMES", None)
        self.attributes: dict[str, str] | None = (
            None if json_names is None else {json_name: name for name, json_name in json_names.items()}
        )
        # As path_parameters reads them: a name written twice takes its first place and its last value.
        groups: dict[str, int] = {}
        for group, name in enumerate(path_names, start=1):
            groups[name] = group
        known = self.attributes or {}
        self.path_fields: tuple[tuple[str, int, str], ...] = tuple(
            (name, group, known[name]) for name, group in groups.items() if name in known
        )


class AnswerCheck:
    """The one check of an operation's answers against its requests, prepared from its path template.

    Args:
        template: The operation's path template in the spec (``/invoices/{id}``).
        page_of: For a list operation, the function that reads a page out of its answer.
    """

    __slots__ = ("_models", "_page_of", "_path_names", "_pattern")

    def __init__(self, template: str, page_of: Callable[[Any], Any] | None) -> None:
        self._pattern, self._path_names = _path_pattern(template)
        self._page_of = page_of
        self._models: dict[type, _ModelFields] = {}

    def contradiction(
        self, path: str, params: Mapping[str, str | list[str]] | None, body: Any, value: Any
    ) -> str | None:
        """What in ``value``, the parsed answer, contradicts the request it answers, or ``None``.

        Args:
            path: The request's path, its parameters filled in and quoted.
            params: Its query parameters, or ``None``.
            body: Its JSON body, or ``None``.
            value: The parsed answer.

        Returns:
            The first difference, in words, or ``None`` when the answer agrees with the request.
        """
        page_of = self._page_of
        if page_of is not None:
            return _page_contradiction(page_of(value).items, params) if params else None
        model = type(value)
        fields = self._models.get(model)
        if fields is None:
            fields = self._models[model] = _ModelFields(model, self._path_names)
        attributes = fields.attributes
        if attributes is None:
            return None
        path_fields = fields.path_fields
        if not isinstance(body, dict):
            # A get: only its path parameters are asked for, compared with no dict built.
            if not path_fields:
                return None
            found = self._pattern.fullmatch(path)
            if found is None:
                return None
            for name, group, attribute in path_fields:
                answered = getattr(value, attribute, None)
                if type(answered) is not str:
                    answered = _json_value(answered)
                    if answered is None:
                        continue
                asked_for = found.group(group)
                if "%" in asked_for:
                    asked_for = unquote(asked_for)
                # Text equal to text (an id, a reference) settles it without _same: the invoices.get
                # bench targets read one such field per call.
                if not (asked_for == answered and type(answered) is str) and not _same(asked_for, answered):
                    return _contradiction(name, answered, asked_for)
            return None
        asked: dict[str, Any] = {}
        if path_fields:
            found = self._pattern.fullmatch(path)
            if found is not None:
                for name, group, _ in path_fields:
                    asked[name] = unquote(found.group(group))
        for name, wanted in body.items():
            if name in attributes:
                asked[name] = wanted
        for name, wanted in asked.items():
            answered = _json_value(getattr(value, attributes[name], None))
            if answered is not None and not _same(wanted, answered):
                return _contradiction(name, answered, wanted)
        return None


def _page_contradiction(items: list[Any], params: Mapping[str, str | list[str]]) -> str | None:
    """The first item of a page that a query filter does not match, in words, or ``None``."""
    if not items:
        return None
    filters = _carried(type(items[0]), params)
    if not filters:
        return None
    for index, item in enumerate(items):
        answered = _fields_of(item, filters)
        unmatched = unmatched_filters(filters, answered)
        if unmatched:
            name = unmatched[0]
            return f"item {index} has {name} {_shown(answered[name])}, not the {_shown(filters[name])} asked for"
    return None


def _carried(model: type, named: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``named`` whose JSON names are fields of ``model``."""
    if getattr(model, "JSON_NAMES", None) is None:
        return {}
    known = _attributes_of(model)
    return {name: wanted for name, wanted in named.items() if name in known}


_ATTRIBUTES: dict[type, dict[str, str]] = {}

# JSON values a model keeps as the answer wrote them.
_AS_WRITTEN = frozenset({str, int, float, bool, type(None)})


def _attributes_of(model: type) -> dict[str, str]:
    """A model's attribute for each JSON name, from its generated ``JSON_NAMES``."""
    found = _ATTRIBUTES.get(model)
    if found is None:
        found = _ATTRIBUTES[model] = {json_name: name for name, json_name in model.JSON_NAMES.items()}  # type: ignore[attr-defined]
    return found


def _fields_of(model: Any, names: Mapping[str, Any]) -> dict[str, Any]:
    """The answer's value of each of ``names`` that it has, as its JSON would write it."""
    attributes = _attributes_of(type(model))
    fields: dict[str, Any] = {}
    for name in names:
        found = _json_value(getattr(model, attributes[name], None))
        if found is not None:
            fields[name] = found
    return fields


def _json_value(found: Any) -> Any:
    """A model attribute's value as the answer's JSON wrote it (``None`` when absent)."""
    if type(found) in _AS_WRITTEN:
        # Most compared fields (an id, a reference, an amount): the invoices.get bench targets read one per call.
        return found
    if isinstance(found, Enum):
        return found.value
    if isinstance(found, datetime.date):
        return found.isoformat()
    if isinstance(found, Model):
        return found.to_dict()
    if isinstance(found, list):
        return [_json_value(item) for item in found]
    return found


def _contradiction(name: str, answered: Any, asked: Any) -> str:
    return f"it has {name} {_shown(answered)}, not the {_shown(asked)} asked for"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."
