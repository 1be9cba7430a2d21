"""The examples of openapi.yaml that do not fit their schemas, for a warning of `make generate`.

OpenAPI says an example SHOULD match its schema; it need not, so a document whose examples
lag behind its schemas (a vendor added a required field and left the examples as they were)
is valid and is generated. What follows from such an example is worth saying, though: the
in-process fake answers it completed to fit (`palomma_client.testing._examples.completed`),
but a mock server that serves examples as written (Prism) answers what the SDK refuses with
`ResponseSchemaError`. Each example is checked in the JSON Schema dialect of the document's
version: an answer's as read (a `writeOnly` field may not be there), a request's as sent (a
`readOnly` one need not be).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

# jsonschema ships no type information; openapi-schema-validator builds its validators with it.
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30Validator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from palomma_client._openapi import OpenAPI, SpecError, join_pointer

__all__ = ["UnfitExample", "unfit_examples"]

_URI = "urn:palomma-client:openapi"

# The keywords of a schema whose values are schemas too, where a nested `example` may be written.
_SCHEMA_MAPS = ("properties",)
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not")


@dataclass(frozen=True, slots=True)
class UnfitExample:
    """An example that does not fit its schema.

    Attributes:
        pointer: Where the example is in the document (a JSON Pointer).
        problem: Its first problem, naming the field (`currency: 'currency' is a required property`).
    """

    pointer: str
    problem: str

    def __str__(self) -> str:
        return f"#{self.pointer}: {self.problem}"


def unfit_examples(index: OpenAPI) -> list[UnfitExample]:
    """Return every example of the document that does not fit its schema, in document order.

    The examples of parameters, request bodies, responses and their headers (`example`, and each
    `examples` entry's `value`), and those written on the component schemas and their properties.

    Args:
        index: The spec index of the document.

    Returns:
        One `UnfitExample` per example that fails its schema, with its first problem.
    """
    checker = _Checker(index)
    found: dict[str, UnfitExample] = {}
    for pointer, example, schema_pointer, context in _examples(index):
        if pointer in found:
            continue  # a response or parameter shared by reference: said once
        problem = checker.problem(schema_pointer, example, context)
        if problem is not None:
            found[pointer] = UnfitExample(pointer, problem)
    return list(found.values())


class _Checker:
    def __init__(self, index: OpenAPI) -> None:
        if index.is_31:
            self._validators = dict.fromkeys(("read", "write", "schema"), OAS31Validator)
            self._format_checker, specification = oas31_format_checker, DRAFT202012
        else:
            self._validators = {"read": OAS30ReadValidator, "write": OAS30WriteValidator, "schema": OAS30Validator}
            self._format_checker, specification = oas30_format_checker, DRAFT4
        self._registry: Registry[Any] = Registry().with_resource(_URI, specification.create_resource(index.document))

    def problem(self, schema_pointer: str, example: Any, context: str) -> str | None:
        reference = f"{_URI}#{quote(schema_pointer, safe='/~')}"
        validator = self._validators[context](
            {"$ref": reference}, registry=self._registry, format_checker=self._format_checker
        )
        try:
            error = best_match(validator.iter_errors(example))
        except RecursionError:
            return "nested too deeply to check"
        if error is None:
            return None
        path = error.json_path  # "$", "$.amount", "$.items[0]"
        place = "" if path == "$" else path[2:] if path.startswith("$.") else path[1:]
        if error.validator == "required" and isinstance(error.instance, Mapping):
            missing = next((name for name in error.validator_value if name not in error.instance), None)
            if missing is not None:
                # The SDK's own words for an answer that lacks it (`ResponseSchemaError`).
                return f"{place + '.' if place else ''}{missing}: is required but missing"
        return f"{place or 'the example'}: {error.message}"


def _examples(index: OpenAPI) -> Iterator[tuple[str, Any, str, str]]:
    """Each example: its pointer, its value, its schema's pointer, and `read`, `write` or `schema`."""
    for operation in index.operations:
        for parameter in operation.parameters:
            yield from _written(index, parameter.node, parameter.pointer, parameter.schema_pointer, "write")
        if operation.request_body is not None:
            for media in operation.request_body.content:
                if media.schema_pointer is not None:
                    schema = join_pointer(media.pointer, "schema")
                    yield from _written(index, media.node, media.pointer, schema, "write")
        for response in operation.responses:
            for media in response.content:
                if media.schema_pointer is not None:
                    yield from _written(index, media.node, media.pointer, join_pointer(media.pointer, "schema"), "read")
            for header in response.headers.values():
                node = index.at(header.pointer)
                if isinstance(node, Mapping) and "schema" in node:
                    yield from _written(index, node, header.pointer, join_pointer(header.pointer, "schema"), "read")
    schemas = (index.document.get("components") or {}).get("schemas") or {}
    if isinstance(schemas, Mapping):
        for name, schema in schemas.items():
            yield from _schema_examples(schema, join_pointer("/components/schemas", name))


def _written(index: OpenAPI, node: Mapping[str, Any], pointer: str, schema: str, context: str) -> Iterator[Any]:
    """The `example` and the `examples` values of a parameter, media type or header object."""
    if "example" in node:
        yield join_pointer(pointer, "example"), node["example"], schema, context
    examples = node.get("examples")
    if not isinstance(examples, Mapping):
        return
    for name, raw in examples.items():
        try:
            example, where = index.resolve(raw, join_pointer(pointer, "examples", name))
        except SpecError:
            continue  # the spec reader refuses a reference that leads nowhere, with its own message
        if isinstance(example, Mapping) and "value" in example:
            yield join_pointer(where, "value"), example["value"], schema, context


def _schema_examples(schema: Any, pointer: str) -> Iterator[tuple[str, Any, str, str]]:
    """The `example` (and 3.1's `examples` list) written on a schema and on the schemas inside it."""
    if not isinstance(schema, Mapping) or ("$ref" in schema and len(schema) == 1):
        return
    if "example" in schema:
        yield join_pointer(pointer, "example"), schema["example"], pointer, "schema"
    if isinstance(schema.get("examples"), list):
        for position, example in enumerate(schema["examples"]):
            yield join_pointer(pointer, "examples", position), example, pointer, "schema"
    for keyword in _SCHEMA_MAPS:
        members = schema.get(keyword)
        if isinstance(members, Mapping):
            for name, member in members.items():
                yield from _schema_examples(member, join_pointer(pointer, keyword, name))
    for keyword in _SCHEMA_LISTS:
        members = schema.get(keyword)
        if isinstance(members, list):
            for position, member in enumerate(members):
                yield from _schema_examples(member, join_pointer(pointer, keyword, position))
    for keyword in _SCHEMA_VALUES:
        yield from _schema_examples(schema.get(keyword), join_pointer(pointer, keyword))
