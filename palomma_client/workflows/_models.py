"""What the workflows read from the generated models: which fields there are, in what order, of what kind.

The batch, the CSV reader and the command line never list an operation's
fields: they ask here, and the answers come from the attrs classes that
``make generate`` writes from ``openapi.yaml``. A field the vendor adds to
the spec reaches every workflow with the next regeneration.
"""

from __future__ import annotations

import datetime
import enum
import types
import typing
from typing import Any, Literal

import attrs

from palomma_client._features import is_missing
from palomma_client._generated import models as generated_models

__all__ = ["FieldKind", "field_kinds", "field_names", "required_field_names"]

FieldKind = Literal["integer", "number", "boolean", "date", "datetime", "text", "json"]
"""How a field's value is written as text: a whole number, a number, true/false, an ISO 8601 date or
date-time, plain text, or JSON."""


def field_names(model: type[Any]) -> tuple[str, ...]:
    """The model's fields, as its constructor takes them: required ones first, each group in the spec's order.

    None for a model the spec no longer has: the features that need it refuse to run (``_features``).
    """
    if is_missing(model):
        return ()
    return tuple(field.name for field in attrs.fields(model) if field.init)


def required_field_names(model: type[Any]) -> tuple[str, ...]:
    """The fields the spec requires: those with no default (none for a model the spec no longer has)."""
    if is_missing(model):
        return ()
    return tuple(field.name for field in attrs.fields(model) if field.init and field.default is attrs.NOTHING)


def field_kinds(model: type[Any]) -> dict[str, FieldKind]:
    """How each field's value is written as text, from its annotated type (``None`` aside)."""
    if is_missing(model):
        return {}
    # Generated models import the models they nest only for type checkers (a runtime import could be
    # circular), so the names in their annotations are looked up among all the generated models.
    hints = typing.get_type_hints(model, localns=vars(generated_models))
    return {name: _kind(hints[name]) for name in field_names(model)}


def _kind(hint: Any) -> FieldKind:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(hint) if option is not type(None)]
        hint = options[0] if len(options) == 1 else Any
    if hint is bool:
        return "boolean"
    if hint is int:
        return "integer"
    if hint is float:
        return "number"
    if hint is datetime.datetime:
        return "datetime"
    if hint is datetime.date:
        return "date"
    if hint is str or (isinstance(hint, type) and issubclass(hint, enum.Enum)):
        return "text"
    # A nested object or a list: only JSON can write it in one cell.
    return "json"
