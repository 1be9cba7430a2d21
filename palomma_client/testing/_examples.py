"""Values the fake takes from the spec rather than from its own state: examples and made-up values.

An operation the fake has no handler for is answered with its success response's example from
the spec or, when the spec has none, with a value synthesized from the response schema; the
answer carries `X-Palomma-Fake: example` or `X-Palomma-Fake: synthesized`. The same synthesis
fills a required property that the spec added to a schema the fake does build (an `Invoice`, a
`Settlement`) but knows nothing about, and `ObjectLayout` puts properties in the spec's order.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from palomma_client.testing._spec import ApiSpec, MediaType, Operation

__all__ = [
    "EXAMPLE_HEADER",
    "ObjectLayout",
    "example_answer",
    "synthesize",
]

EXAMPLE_HEADER = "X-Palomma-Fake"
"""Set on answers to operations the fake does not model: `example` or `synthesized`, where the body came from."""

# Deep enough for any real response; stops a recursive schema (a tree of nodes) from recursing forever.
_MAX_DEPTH = 8

_STRING_FORMATS: dict[str, str] = {
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "https://example.com/",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "byte": "",
    "password": "secret",
}


def example_answer(spec: ApiSpec, operation: Operation, now: datetime) -> tuple[int, Any, str]:
    """Return the answer to an operation the fake does not model.

    Args:
        spec: The spec the operation belongs to.
        operation: The operation.
        now: The fake clock's time, for synthesized dates.

    Returns:
        The status, the JSON body (`None` for a response without JSON content) and where the body
        came from: `"example"` (the spec's) or `"synthesized"` (made up from the schema).
    """
    media = operation.success
    if media is None:
        return operation.success_status, None, "example"
    found, example = _example(spec, media)
    if found:
        return operation.success_status, example, "example"
    if media.schema_pointer is None:
        return operation.success_status, None, "example"
    return operation.success_status, synthesize(spec, media.schema_pointer, now), "synthesized"


def _example(spec: ApiSpec, media: MediaType) -> tuple[bool, Any]:
    if "example" in media.node:
        return True, copy.deepcopy(media.node["example"])
    for name, raw in media.node.get("examples", {}).items():
        node, _ = spec.resolve(raw, f"{media.pointer}/examples/{name}")
        if isinstance(node, Mapping) and "value" in node:
            return True, copy.deepcopy(node["value"])
    if media.schema_pointer is not None:
        schema = spec.schema_at(media.schema_pointer)
        if "example" in schema:
            return True, copy.deepcopy(schema["example"])
    return False, None


def synthesize(spec: ApiSpec, pointer: str, now: datetime, depth: int = 0) -> Any:
    """Make up a value that fits the schema at `pointer`.

    The schema's own `example`, else its `default`, else its first `enum` value; otherwise, by type:
    an object with its required properties only, an array of `minItems` items, a string shaped by
    its `format` (a date from `now`, an https URL, ...) and lengths, a number at its lower bound (or
    0), `false`. `pattern` is not followed.

    Args:
        spec: The spec holding the schema.
        pointer: The schema's JSON Pointer.
        now: The time synthesized dates and timestamps show.
        depth: How deep into an enclosing value this is (recursive schemas stop at a fixed depth).

    Returns:
        The value, plain JSON.
    """
    schema = spec.schema_at(pointer)
    _, pointer = spec.resolve(spec.at(pointer), pointer)
    for keyword in ("example", "default"):
        if keyword in schema:
            return copy.deepcopy(schema[keyword])
    if schema.get("enum"):
        return copy.deepcopy(schema["enum"][0])
    for keyword in ("oneOf", "anyOf"):
        if schema.get(keyword):
            return synthesize(spec, f"{pointer}/{keyword}/0", now, depth)
    kind = schema.get("type")
    if kind is None and schema.get("allOf"):
        kinds = [spec.schema_at(f"{pointer}/allOf/{index}").get("type") for index in range(len(schema["allOf"]))]
        kind = next((item for item in kinds if item is not None), None)
    if kind == "object" or (kind is None and ("properties" in schema or "allOf" in schema)):
        if depth >= _MAX_DEPTH:
            return {}
        properties, required = spec.object_properties(pointer)
        return {name: synthesize(spec, properties[name][1], now, depth + 1) for name in required if name in properties}
    if kind == "array":
        count = int(schema.get("minItems", 0))
        if count == 0 or depth >= _MAX_DEPTH or "items" not in schema:
            return []
        return [synthesize(spec, f"{pointer}/items", now, depth + 1) for _ in range(count)]
    if kind == "string":
        return _string(schema, now)
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return False
    return None


def _string(schema: Mapping[str, Any], now: datetime) -> str:
    text_format = schema.get("format")
    utc = now.astimezone(UTC)
    if text_format == "date":
        text = utc.date().isoformat()
    elif text_format == "date-time":
        text = utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    else:
        text = _STRING_FORMATS.get(str(text_format), "string")
    minimum = int(schema.get("minLength", 0))
    maximum = schema.get("maxLength")
    if len(text) < minimum:
        text += "x" * (minimum - len(text))
    if maximum is not None and len(text) > int(maximum):
        text = text[: int(maximum)]
    return text


def _number(schema: Mapping[str, Any], *, integer: bool) -> int | float:
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    # OpenAPI 3.0's exclusiveMinimum and exclusiveMaximum are booleans beside the bound.
    value: int | float = 0
    if minimum is not None:
        value = minimum + 1 if schema.get("exclusiveMinimum") is True else minimum
    elif maximum is not None and maximum < 0:
        value = maximum - 1 if schema.get("exclusiveMaximum") is True else maximum
    return math.ceil(value) if integer else value


class ObjectLayout:
    """An object schema of the spec, for documents the fake builds: property order and required properties.

    Args:
        spec: The spec.
        pointer: The object schema's JSON Pointer.
    """

    def __init__(self, spec: ApiSpec, pointer: str) -> None:
        self._spec = spec
        properties, required = spec.object_properties(pointer)
        self._properties = properties
        self.names: tuple[str, ...] = tuple(properties)
        """The schema's property names, in the spec's order."""
        self.required: tuple[str, ...] = required
        """The names the schema requires."""

    def enum(self, name: str) -> tuple[Any, ...]:
        """Return a property's allowed values (empty when it has no `enum`)."""
        schema = self._properties.get(name, ({}, ""))[0]
        return tuple(schema.get("enum", ()))

    def lay_out(self, document: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """Return `document` in the spec's property order (unknown properties last), required ones filled.

        A property the schema requires but the document lacks (one the spec gained after the fake
        was written) gets a synthesized value, so what the fake sends stays valid.
        """
        filled = dict(document)
        for name in self.required:
            if name not in filled and name in self._properties:
                filled[name] = synthesize(self._spec, self._properties[name][1], now)
        ordered = {name: filled[name] for name in self.names if name in filled}
        ordered.update((name, value) for name, value in filled.items() if name not in ordered)
        return ordered
