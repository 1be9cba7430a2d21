"""Values the fake takes from the spec rather than from its own state: examples and made-up values.

An operation the fake has no handler for is answered with its success response's status and
example from the spec (completed to fit its schema: see `completed`) or, when the spec has none,
with a value synthesized from the response schema, in the response's media type (JSON, `text/*`
or bytes), with the headers it declares (`Location`, ...); the answer carries
`X-Palomma-Fake: example` or `X-Palomma-Fake: synthesized`.
A synthesized list page (an operation with a `cursor` query parameter whose answer has a `cursor`
and one array) holds `SYNTHESIZED_LIST_LENGTH` items over pages of `limit` (or two) items. The same synthesis
fills a required property that the spec added to a schema the fake does build (an `Invoice`, a
`Settlement`) but knows nothing about, and `ObjectLayout` puts properties in the spec's order.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from palomma_client.testing._pattern import matching
from palomma_client.testing._spec import ApiSpec, MediaType, Operation, schema_types

__all__ = [
    "EXAMPLE_HEADER",
    "SYNTHESIZED_LIST_LENGTH",
    "ExampleAnswer",
    "ObjectLayout",
    "completed",
    "example_answer",
    "synthesize",
]

SYNTHESIZED_LIST_LENGTH = 3
"""How many items a synthesized list holds in all, over its pages."""

# A synthesized list's page size when the operation takes no `limit`: small, so that paging shows.
_SYNTHESIZED_PAGE_SIZE = 2

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


@dataclass(frozen=True, slots=True)
class ExampleAnswer:
    """The fake's answer to an operation it does not model.

    Attributes:
        status: The success status the spec gives (200, 201, 202, 204, ...).
        media_type: The body's media type, or `None` for an answer without a body.
        content: The body: plain JSON for a JSON media type, `str` for `text/*`, `bytes` otherwise.
        headers: The response headers the spec declares, with example or synthesized values.
        source: `"example"` (the spec's) or `"synthesized"` (made up from the schema).
    """

    status: int
    media_type: str | None
    content: Any
    headers: dict[str, str] = field(default_factory=dict)
    source: str = "example"


def example_answer(
    spec: ApiSpec,
    operation: Operation,
    now: datetime,
    *,
    accept: str = "",
    query: Mapping[str, Any] | None = None,
) -> ExampleAnswer:
    """Return the answer to an operation the fake does not model.

    Args:
        spec: The spec the operation belongs to.
        operation: The operation.
        now: The fake clock's time, for synthesized dates.
        accept: The request's `Accept` header: picks among several media types (JSON by default).
        query: The request's validated query parameters, for the page of a synthesized list.

    Returns:
        The answer.

    Raises:
        BadCursor: A `cursor` the fake did not make for a synthesized list.
    """
    headers = {
        header.name: _header_value(spec, header.node, header.schema_pointer, now)
        for header in operation.success_headers
    }
    media = _chosen_media(operation.success_media, accept)
    if media is None or operation.success_status in (204, 304):
        return ExampleAnswer(operation.success_status, None, None, headers)
    found, example = _example(spec, media)
    source = "example"
    if found and media.is_json and media.schema_pointer is not None:
        example = completed(spec, media.schema_pointer, example, now)
    if not found:
        if media.schema_pointer is None:
            example = None if media.is_json else ""
        else:
            source = "synthesized"
            example = synthesize(spec, media.schema_pointer, now)
            if media.is_json:
                example = _page(spec, operation, media.schema_pointer, example, now, query or {})
    return ExampleAnswer(operation.success_status, media.name, _content(media, example), headers, source)


class BadCursor(ValueError):
    """A cursor the fake did not make for a synthesized list."""


def _chosen_media(media_types: tuple[MediaType, ...], accept: str) -> MediaType | None:
    if not media_types:
        return None
    wanted = [item.partition(";")[0].strip().lower() for item in accept.split(",") if item.strip()]
    for name in wanted:
        for media in media_types:
            if name == media.name.lower():
                return media
    return next((media for media in media_types if media.is_json), media_types[0])


def _content(media: MediaType, value: Any) -> Any:
    """The body in the media type's shape: JSON as is, text as `str`, anything else as `bytes`."""
    if media.is_json:
        return value
    text = value if isinstance(value, str) else ("" if value is None else json.dumps(value))
    if media.name.lower().startswith("text/"):
        return text
    return text.encode("utf-8")


def _header_value(spec: ApiSpec, node: Mapping[str, Any], schema_pointer: str | None, now: datetime) -> str:
    if "example" in node:
        return str(node["example"])
    for raw in (node.get("examples") or {}).values():
        example, _ = spec.resolve(raw, "")
        if isinstance(example, Mapping) and "value" in example:
            return str(example["value"])
    value = "" if schema_pointer is None else synthesize(spec, schema_pointer, now)
    return value if isinstance(value, str) else json.dumps(value)


def _page(
    spec: ApiSpec, operation: Operation, pointer: str, document: Any, now: datetime, query: Mapping[str, Any]
) -> Any:
    """Fill a synthesized list page (the pager's shape: a `cursor` and one array) with one page of items."""
    if not isinstance(document, dict) or not any(
        p.name == "cursor" and p.location == "query" for p in operation.parameters
    ):
        return document
    properties, _ = spec.object_properties(pointer)
    arrays = [name for name, (schema, _) in properties.items() if "array" in schema_types(schema)]
    if "cursor" not in properties or len(arrays) != 1:
        return document
    items_pointer = f"{properties[arrays[0]][1]}/items"
    start = _offset(query.get("cursor"))
    limit = query.get("limit")
    size = limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else _SYNTHESIZED_PAGE_SIZE
    end = min(start + size, SYNTHESIZED_LIST_LENGTH)
    document[arrays[0]] = [synthesize(spec, items_pointer, now, 1) for _ in range(max(end - start, 0))]
    document["cursor"] = _cursor(end) if end < SYNTHESIZED_LIST_LENGTH else None
    return document


def _cursor(offset: int) -> str:
    raw = json.dumps({"offset": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(cursor: Any) -> int:
    if cursor is None:
        return 0
    text = str(cursor)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        decoded = None
    if isinstance(decoded, dict) and isinstance(decoded.get("offset"), int) and decoded["offset"] >= 0:
        return int(decoded["offset"])
    raise BadCursor("cursor: not a cursor this API returned")


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


def completed(spec: ApiSpec, pointer: str, value: Any, now: datetime, depth: int = 0, *, sent: bool = False) -> Any:
    """Return an example completed to fit the schema at `pointer`: every required property it lacks, synthesized.

    OpenAPI says an example SHOULD match its schema, not that it must; a vendor who adds a required
    field often leaves the examples as they were. An answer made from such an example would be refused
    by the SDK (rightly: the API promises the field), so the fake answers the example with what it
    lacks filled in by `synthesize`, at every depth: in nested objects, an array's items, a map's
    values, and the member of a `oneOf`/`anyOf` the value is (by its discriminator, else the first
    member whose required properties it has most of). What the example does give is kept as written.

    Args:
        spec: The spec holding the schema.
        pointer: The schema's JSON Pointer.
        value: The example, plain JSON; it is not changed.
        now: The time synthesized dates and timestamps show.
        depth: How deep into an enclosing value this is (recursive schemas stop at a fixed depth).
        sent: Whether the value is sent to the API (a request body) rather than answered by it.

    Returns:
        The completed example, a new value where anything was added.
    """
    if depth >= _MAX_DEPTH or not isinstance(value, dict | list):
        return value
    schema = spec.schema_at(pointer)
    _, pointer = spec.resolve(spec.at(pointer), pointer)
    if isinstance(value, list):
        if "items" not in schema:
            return value
        return [completed(spec, f"{pointer}/items", item, now, depth + 1, sent=sent) for item in value]
    for keyword in ("oneOf", "anyOf"):
        if schema.get(keyword):
            index = _member_of(spec, pointer, keyword, value)
            return completed(spec, f"{pointer}/{keyword}/{index}", value, now, depth, sent=sent)
    properties, required = spec.object_properties(pointer)
    extra = schema.get("additionalProperties")
    filled: dict[str, Any] = {}
    for name, item in value.items():
        if name in properties:
            filled[name] = completed(spec, properties[name][1], item, now, depth + 1, sent=sent)
        elif isinstance(extra, Mapping) and extra:
            filled[name] = completed(spec, f"{pointer}/additionalProperties", item, now, depth + 1, sent=sent)
        else:
            filled[name] = item
    hidden = "readOnly" if sent else "writeOnly"
    for name in required:
        if name not in filled and name in properties and properties[name][0].get(hidden) is not True:
            filled[name] = synthesize(spec, properties[name][1], now, depth + 1, sent=sent)
    return filled


def _member_of(spec: ApiSpec, pointer: str, keyword: str, value: Mapping[str, Any]) -> int:
    """Which member of a union an example object is: the one its discriminator names, else the closest fit."""
    schema = spec.schema_at(pointer)
    members = schema[keyword]
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, Mapping) and discriminator.get("propertyName") in value:
        tag = value[discriminator["propertyName"]]
        for index, member in enumerate(members):
            if _discriminator_value(member, discriminator) == tag:
                return index

    def fit(index: int) -> tuple[int, int]:
        properties, required = spec.object_properties(f"{pointer}/{keyword}/{index}")
        # Most required properties present, then most of the example's keys known, then the first.
        return sum(name in value for name in required), sum(name in properties for name in value)

    return max(range(len(members)), key=lambda index: (*fit(index), -index))


def synthesize(spec: ApiSpec, pointer: str, now: datetime, depth: int = 0, *, sent: bool = False) -> Any:
    """Make up a value that fits the schema at `pointer`.

    The schema's own `example`, else its `default`, else its first `enum` value; a `oneOf`/`anyOf`,
    its first member (with the discriminator's value that names it; among an `allOf`'s members, merged
    with the others); otherwise, by type:
    an object with its required properties only (a map, one entry or `minProperties` of them, named
    `key1`, `key2`...), an array of `minItems` items, a string shaped by
    its `format` (a date from `now`, an https URL, ...) and lengths, a number at its lower bound (or
    0), `false`. A string the schema's `pattern` does not find is replaced by one it does, where one can
    be written out (see `_pattern`). An answer leaves out `writeOnly` properties, a request
    `readOnly` ones.

    Args:
        spec: The spec holding the schema.
        pointer: The schema's JSON Pointer.
        now: The time synthesized dates and timestamps show.
        depth: How deep into an enclosing value this is (recursive schemas stop at a fixed depth).
        sent: Whether the value is sent to the API (a request body) rather than answered by it.

    Returns:
        The value, plain JSON.
    """
    schema = spec.schema_at(pointer)
    _, pointer = spec.resolve(spec.at(pointer), pointer)
    for keyword in ("example", "default", "const"):
        if keyword in schema:
            return copy.deepcopy(schema[keyword])
    if isinstance(schema.get("examples"), list) and schema["examples"]:  # JSON Schema's (OpenAPI 3.1) examples
        return copy.deepcopy(schema["examples"][0])
    if schema.get("enum"):
        return copy.deepcopy(schema["enum"][0])
    for keyword in ("oneOf", "anyOf"):
        if schema.get(keyword):
            value = synthesize(spec, f"{pointer}/{keyword}/0", now, depth, sent=sent)
            tag = _discriminator_value(schema[keyword][0], schema.get("discriminator"))
            if tag is not None and isinstance(value, dict):
                value[schema["discriminator"]["propertyName"]] = tag
            return value
    # OpenAPI 3.1 may list several types (`[string, "null"]`): the first that is not null is made.
    kind = next((item for item in schema_types(schema) if item != "null"), None)
    if kind is None and schema.get("allOf"):
        kinds = [
            (item, index)
            for index in range(len(schema["allOf"]))
            for item in schema_types(spec.schema_at(f"{pointer}/allOf/{index}"))
            if item != "null"
        ]
        kind, typed = next(iter(kinds), (None, 0))
        if kind not in (None, "object"):
            # 3.0's "X, or null" (`allOf: [{$ref: X}]`, `nullable: true`): X's bounds and format apply.
            return synthesize(spec, f"{pointer}/allOf/{typed}", now, depth, sent=sent)
    if kind == "object" or (kind is None and ("properties" in schema or "allOf" in schema)):
        if depth >= _MAX_DEPTH:
            return {}
        properties, required = spec.object_properties(pointer)
        hidden = "readOnly" if sent else "writeOnly"
        document = {
            name: synthesize(spec, properties[name][1], now, depth + 1, sent=sent)
            for name in required
            if name in properties and properties[name][0].get(hidden) is not True
        }
        extra = schema.get("additionalProperties")
        if not properties and isinstance(extra, Mapping) and extra:
            document.update(_map_entries(spec, pointer, schema, now, depth, sent=sent))
        for index in range(len(schema.get("allOf") or ())):
            # A union among the members (shared fields plus one of several shapes): its first shape's fields too.
            member = spec.schema_at(f"{pointer}/allOf/{index}")
            if member.get("oneOf") or member.get("anyOf"):
                shape = synthesize(spec, f"{pointer}/allOf/{index}", now, depth, sent=sent)
                document.update({key: value for key, value in shape.items() if key not in document})
        return document
    if kind == "array":
        count = int(schema.get("minItems", 0))
        if count == 0 or depth >= _MAX_DEPTH or "items" not in schema:
            return []
        return [synthesize(spec, f"{pointer}/items", now, depth + 1, sent=sent) for _ in range(count)]
    if kind == "string":
        return _string(schema, now)
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return False
    return None


def _discriminator_value(member: Any, discriminator: Any) -> str | None:
    """The value of a union's discriminator that names ``member``: its key in `mapping`, else its schema's name."""
    if not isinstance(discriminator, Mapping) or not isinstance(member, Mapping):
        return None
    reference = member.get("$ref")
    if not isinstance(reference, str) or not isinstance(discriminator.get("propertyName"), str):
        return None
    for value, target in (discriminator.get("mapping") or {}).items():
        if target == reference:
            return str(value)
    return reference.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _map_entries(
    spec: ApiSpec, pointer: str, schema: Mapping[str, Any], now: datetime, depth: int, *, sent: bool
) -> dict[str, Any]:
    """The entries of a synthesized map (``additionalProperties`` with a schema): ``minProperties``, at least one.

    One entry shows the values' shape (a model, a date...) where an empty map would show nothing.
    """
    count = max(int(schema.get("minProperties", 1)), 1)
    if "maxProperties" in schema:
        count = min(count, int(schema["maxProperties"]))
    values = f"{pointer}/additionalProperties"
    return {f"key{index + 1}": synthesize(spec, values, now, depth + 1, sent=sent) for index in range(count)}


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
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _finds(pattern, text):
        made = matching(pattern)
        if made is not None and minimum <= len(made) <= int(maximum if maximum is not None else len(made)):
            text = made
    return text


def _finds(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # a pattern Python cannot read: the plain value stands


def _number(schema: Mapping[str, Any], *, integer: bool) -> int | float:
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    low, high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    value: int | float = 0
    below = False  # whether the value is taken from an upper bound, so a multiple is sought beneath it
    # OpenAPI 3.0's exclusiveMinimum and exclusiveMaximum are booleans beside the bound; 3.1's are the bound.
    if minimum is not None:
        value = minimum + 1 if low is True else minimum
    elif isinstance(low, int | float) and not isinstance(low, bool):
        value = low + 1
    elif maximum is not None and maximum < 0:
        value, below = (maximum - 1 if high is True else maximum), True
    elif isinstance(high, int | float) and not isinstance(high, bool) and high <= 0:
        value, below = high - 1, True
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
        value = (math.floor if below else math.ceil)(value / step) * step
    return math.ceil(value) if integer else value


class ObjectLayout:
    """An object schema of the spec, for documents the fake builds: property order and required properties.

    Args:
        spec: The spec.
        pointer: The object schema's JSON Pointer; `None` for an object the spec does not describe.
    """

    def __init__(self, spec: ApiSpec, pointer: str | None) -> None:
        self._spec = spec
        properties: dict[str, tuple[dict[str, Any], str]] = {}
        required: tuple[str, ...] = ()
        if pointer is not None:
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

    def allows(self, name: str, value: Any) -> bool:
        """Whether the spec lets property `name` hold `value`: it lists the value, or the property has no `enum`."""
        allowed = self.enum(name)
        return not allowed or value in allowed

    def pointer(self, name: str) -> str:
        """Return the JSON Pointer of a property's schema (empty for one the schema does not define)."""
        return self._properties.get(name, ({}, ""))[1]

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
