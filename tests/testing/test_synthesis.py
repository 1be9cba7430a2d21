"""What the fake answers for an operation it does not model, decided on small documents written here.

Each test writes the few schemas it needs (not today's spec), so that every rule of the
synthesizer is tried whatever openapi.yaml holds: which media type an `Accept` picks, the body in
that media type, declared response headers, the spec's examples, pages of a synthesized list, and
values made from each kind of schema.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from palomma_client.testing._examples import (
    SYNTHESIZED_LIST_LENGTH,
    BadCursor,
    ExampleAnswer,
    ObjectLayout,
    example_answer,
    synthesize,
)
from palomma_client.testing._spec import ApiSpec
from tests.testing.support import START

THING = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}


def _document(
    responses: dict[str, Any],
    *,
    schemas: dict[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    version: str = "3.0.3",
    **components: Any,
) -> ApiSpec:
    """A document with one operation, `GET /things` (`listThings`), answering `responses`."""
    operation: dict[str, Any] = {"operationId": "listThings", "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    return ApiSpec(
        {
            "openapi": version,
            "info": {"title": "Things", "version": "1"},
            "servers": [{"url": "https://api.example.com/v1"}],
            "paths": {"/things": {"get": operation}},
            "components": {"schemas": {"Thing": THING, **(schemas or {})}, **components},
        }
    )


def _answer(spec: ApiSpec, *, accept: str = "", query: dict[str, Any] | None = None) -> ExampleAnswer:
    operation = spec.operation("listThings")
    assert operation is not None
    return example_answer(spec, operation, START, accept=accept, query=query)


def _made(schema: dict[str, Any], *, version: str = "3.0.3", sent: bool = False, **schemas: Any) -> Any:
    """The value synthesized for `schema`, written as `components/schemas/Made` beside `schemas`."""
    spec = _document({"200": {"description": "ok"}}, schemas={"Made": schema, **schemas}, version=version)
    return synthesize(spec, "/components/schemas/Made", START, sent=sent)


# --- media types and bodies ----------------------------------------------------------------------

SEVERAL_MEDIA = {
    "200": {
        "description": "Things, in several shapes",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
            "text/csv": {"schema": {"type": "string", "minLength": 8}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "application/xml": {"example": {"name": "x"}},
        },
    }
}


@pytest.mark.parametrize(
    ("accept", "media_type", "content"),
    [
        ("", "application/json", {"name": "string"}),
        ("text/csv", "text/csv", "stringxx"),
        ("application/pdf;q=0.9", "application/pdf", b"string"),
        ("image/png, TEXT/CSV", "text/csv", "stringxx"),
        ("image/png", "application/json", {"name": "string"}),
        ("application/xml", "application/xml", b'{"name": "x"}'),
    ],
)
def test_the_accept_header_picks_the_media_type_and_the_body_takes_its_shape(
    accept: str, media_type: str, content: Any
) -> None:
    answer = _answer(_document(SEVERAL_MEDIA), accept=accept)

    assert (answer.status, answer.media_type, answer.content) == (200, media_type, content)


def test_a_media_type_without_a_schema_or_example_answers_an_empty_body_of_its_kind() -> None:
    spec = _document({"200": {"description": "ok", "content": {"text/plain": {}, "application/json": {}}}})

    assert (_answer(spec, accept="text/plain").content, _answer(spec).content) == ("", None)
    assert _answer(spec).source == "example"


def test_the_specs_examples_come_before_a_made_up_value() -> None:
    by_reference = _document(
        {
            "200": {
                "description": "ok",
                "content": {"application/json": {"examples": {"one": {"$ref": "#/components/examples/One"}}}},
            }
        },
        examples={"One": {"value": {"name": "from the examples"}}},
    )
    on_the_schema = _document(
        {"200": {"description": "ok", "content": {"application/json": {"schema": {**THING, "example": {"name": "s"}}}}}}
    )

    assert (_answer(by_reference).content, _answer(by_reference).source) == ({"name": "from the examples"}, "example")
    assert (_answer(on_the_schema).content, _answer(on_the_schema).source) == ({"name": "s"}, "example")


def test_an_example_that_lacks_a_required_field_is_answered_completed_at_every_depth() -> None:
    # The vendor made `name` required (of a thing, of each listed thing, of a map's values, of a union's member)
    # and left the examples as they were: what the examples give is kept, what they lack is made up.
    page = {
        "type": "object",
        "required": ["items", "owner"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
            "owner": {"$ref": "#/components/schemas/Thing"},
            "byCode": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Thing"}},
            "either": {
                "oneOf": [{"$ref": "#/components/schemas/Other"}, {"$ref": "#/components/schemas/Thing"}],
            },
        },
    }
    other = {"type": "object", "required": ["code"], "properties": {"code": {"type": "integer", "minimum": 3}}}
    example = {"items": [{"note": "kept"}, {"name": "given"}], "byCode": {"a": {}}, "either": {"code": 7}}
    spec = _document(
        {"200": {"description": "ok", "content": {"application/json": {"schema": page, "example": example}}}},
        schemas={"Other": other},
    )

    answer = _answer(spec)

    made = synthesize(spec, "/components/schemas/Thing/properties/name", START)
    assert answer.content == {
        "items": [{"note": "kept", "name": made}, {"name": "given"}],
        "byCode": {"a": {"name": made}},
        "either": {"code": 7},
        "owner": {"name": made},
    }
    assert answer.source == "example"
    assert example == {"items": [{"note": "kept"}, {"name": "given"}], "byCode": {"a": {}}, "either": {"code": 7}}


def test_a_union_example_is_completed_as_the_member_its_discriminator_names() -> None:
    pet = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    cat = {"type": "object", "required": ["kind", "lives"], "properties": {"kind": {"type": "string"}, "lives": {}}}
    dog = {
        "type": "object",
        "required": ["kind", "barks"],
        "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}},
    }
    spec = _document(
        {"200": {"description": "ok", "content": {"application/json": {"schema": pet, "example": {"kind": "Dog"}}}}},
        schemas={"Cat": cat, "Dog": dog},
    )

    assert _answer(spec).content == {"kind": "Dog", "barks": False}


def test_a_no_content_answer_has_no_body_even_with_a_schema() -> None:
    spec = _document({"204": {"description": "done", "content": {"application/json": {"schema": THING}}}})

    assert _answer(spec) == ExampleAnswer(204, None, None, {})


def test_declared_headers_take_their_example_else_a_value_made_from_their_schema() -> None:
    spec = _document(
        {
            "202": {
                "description": "accepted",
                "headers": {
                    "Location": {"schema": {"type": "string", "format": "uri"}},
                    "Retry-After": {"schema": {"type": "integer", "minimum": 3}},
                    "X-Request-Id": {"example": "req-1", "schema": {"type": "string"}},
                    "X-Region": {"examples": {"main": {"value": "co-bog"}}},
                    "X-Tags": {"schema": {"type": "array", "minItems": 1, "items": {"type": "string"}}},
                    "X-Unspecified": {"description": "no schema, no example"},
                },
            }
        }
    )

    assert _answer(spec).headers == {
        "Location": "https://example.com/",
        "Retry-After": "3",
        "X-Request-Id": "req-1",
        "X-Region": "co-bog",
        "X-Tags": '["string"]',
        "X-Unspecified": "",
    }


# --- a synthesized list, page by page --------------------------------------------------------------

PAGE: dict[str, Any] = {
    "type": "object",
    "required": ["items", "cursor"],
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
        "cursor": {"type": "string", "nullable": True},
    },
}
PAGED = {
    "200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}
}
CURSOR = {"name": "cursor", "in": "query", "schema": {"type": "string"}}
LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer"}}


def test_a_synthesized_list_is_paged_by_its_cursor_until_the_last_page() -> None:
    spec = _document(PAGED, schemas={"Page": PAGE}, parameters=[CURSOR, LIMIT])
    pages: list[int] = []
    query: dict[str, Any] = {}
    while True:
        answer = _answer(spec, query=query)
        assert answer.source == "synthesized"
        pages.append(len(answer.content["items"]))
        if answer.content["cursor"] is None:
            break
        query = {"cursor": answer.content["cursor"]}

    assert sum(pages) == SYNTHESIZED_LIST_LENGTH
    assert len(pages) > 1
    assert answer.content["items"][0] == {"name": "string"}


@pytest.mark.parametrize("limit", [SYNTHESIZED_LIST_LENGTH, SYNTHESIZED_LIST_LENGTH + 5])
def test_a_limit_large_enough_answers_the_whole_list_at_once(limit: int) -> None:
    spec = _document(PAGED, schemas={"Page": PAGE}, parameters=[CURSOR, LIMIT])

    content = _answer(spec, query={"limit": limit}).content

    assert (len(content["items"]), content["cursor"]) == (SYNTHESIZED_LIST_LENGTH, None)


@pytest.mark.parametrize("cursor", ["not base64 at all!", "WzFd", "eyJvZmZzZXQiOiAtMX0"])
def test_a_cursor_the_fake_did_not_make_is_refused(cursor: str) -> None:
    # "WzFd" is `[1]`; the last is `{"offset": -1}`: JSON, but no offset of a page.
    spec = _document(PAGED, schemas={"Page": PAGE}, parameters=[CURSOR, LIMIT])

    with pytest.raises(BadCursor, match="cursor: not a cursor this API returned"):
        _answer(spec, query={"cursor": cursor})


@pytest.mark.parametrize(
    ("parameters", "page"),
    [
        ([LIMIT], PAGE),
        ([CURSOR], {**PAGE, "properties": {**PAGE["properties"], "more": {"type": "array"}}}),
        ([CURSOR], {**PAGE, "properties": {"items": PAGE["properties"]["items"]}}),
    ],
    ids=["no-cursor-parameter", "two-arrays", "no-cursor-property"],
)
def test_an_answer_not_shaped_as_a_page_is_not_paged(parameters: list[dict[str, Any]], page: dict[str, Any]) -> None:
    spec = _document(PAGED, schemas={"Page": page}, parameters=parameters)

    assert _answer(spec).content["items"] == []


# --- values made from schemas ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "string", "const": "fixed"}, "fixed"),
        ({"type": "string", "examples": ["first", "second"]}, "first"),
        ({"type": "string", "enum": ["b", "a"]}, "b"),
        ({"type": "string", "maxLength": 3}, "str"),
        ({"type": "string", "format": "uuid"}, "00000000-0000-4000-8000-000000000000"),
        ({"type": ["null", "string"], "format": "date"}, "2026-03-11"),
        ({"type": "null"}, None),
        ({"type": "integer", "exclusiveMinimum": 4}, 5),
        ({"type": "number", "exclusiveMinimum": 0.5}, 1.5),
        ({"type": "integer", "maximum": -3, "exclusiveMaximum": True}, -4),
        ({"type": "integer", "exclusiveMaximum": -3}, -4),
        ({"type": "number", "minimum": 0.5}, 0.5),
        ({"type": "integer", "minimum": 0.5}, 1),
        ({"type": "integer", "maximum": 10}, 0),
        ({"type": "array", "minItems": 2}, []),
        ({"type": "array", "minItems": 2, "items": {"type": "boolean"}}, [False, False]),
        ({"allOf": [{"type": "integer", "minimum": 2}]}, 2),
        ({"allOf": [{"$ref": "#/components/schemas/Day"}], "nullable": True}, "2026-03-11"),
    ],
    ids=lambda item: str(item) if not isinstance(item, dict) else None,
)
def test_a_value_is_made_from_its_schemas_own_words_first_then_its_type_and_bounds(
    schema: dict[str, Any], value: Any
) -> None:
    assert _made(schema, version="3.1.0", Day={"type": "string", "format": "date"}) == value


@pytest.mark.parametrize(
    "pattern",
    [
        r"^lse_[a-z0-9]{8}$",
        r"^[0-9]{6,12}$",
        r"^(INV|CTR)-\d{4}(-[A-Z]+)?$",
        r"^[^/\s]+@[\w.]+\.co$",
        r"^[A-Z]{2}-[^a-z0-9]{3}$",
        r"^.{3,5}\S$",
        r"^(?:a|bc)+?x*$",
        r"\bpay",
    ],
)
@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_string_follows_its_pattern_within_its_lengths(pattern: str, version: str) -> None:
    made = _made({"type": "string", "pattern": pattern, "minLength": 1, "maxLength": 40}, version=version)
    assert re.search(pattern, made), made
    assert 1 <= len(made) <= 40


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        # A format's value the pattern finds stays; a back-reference cannot be written out: the plain value stands.
        ({"type": "string", "format": "date", "pattern": "^[0-9-]+$"}, "2026-03-11"),
        ({"type": "string", "pattern": "^(a)\\1$"}, "string"),
        # A value the pattern gives but the lengths refuse is not taken either.
        ({"type": "string", "pattern": "^[0-9]{8}$", "maxLength": 4}, "stri"),
    ],
)
def test_a_pattern_replaces_the_plain_value_only_with_one_it_finds_and_the_lengths_allow(
    schema: dict[str, Any], value: str
) -> None:
    assert _made(schema) == value


CAT = {
    "type": "object",
    "required": ["kind", "lives"],
    "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}},
}
DOG = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}


@pytest.mark.parametrize(
    ("discriminator", "kind"),
    [
        ({"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}, "cat"),
        ({"propertyName": "kind"}, "Cat"),
        ({"propertyName": "kind", "mapping": {"dog": "#/components/schemas/Dog"}}, "Cat"),
    ],
    ids=["mapped", "by-schema-name", "mapping-without-the-member"],
)
def test_a_discriminated_union_is_made_as_its_first_member_named_by_the_discriminator(
    discriminator: dict[str, Any], kind: str
) -> None:
    union = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": discriminator,
    }

    assert _made(union, Cat=CAT, Dog=DOG) == {"kind": kind, "lives": 0}


def test_an_inline_union_member_has_no_name_to_give_the_discriminator() -> None:
    union = {"anyOf": [CAT, DOG], "discriminator": {"propertyName": "kind"}}

    assert _made(union) == {"kind": "string", "lives": 0}


@pytest.mark.parametrize(
    ("bounds", "keys"),
    [
        ({}, ["key1"]),
        ({"minProperties": 3}, ["key1", "key2", "key3"]),
        ({"minProperties": 3, "maxProperties": 2}, ["key1", "key2"]),
    ],
    ids=["one-entry", "min-properties", "max-properties"],
)
def test_a_map_is_made_with_entries_of_its_value_schema(bounds: dict[str, Any], keys: list[str]) -> None:
    made = _made({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Thing"}, **bounds})

    assert made == {key: {"name": "string"} for key in keys}


def test_an_answer_leaves_out_write_only_properties_and_a_request_read_only_ones() -> None:
    schema = {
        "type": "object",
        "required": ["id", "secret", "name"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "secret": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
        },
    }

    assert _made(schema) == {"id": "string", "name": "string"}
    assert _made(schema, sent=True) == {"secret": "string", "name": "string"}


def test_an_object_layout_reads_order_enums_and_pointers_from_the_spec() -> None:
    schema = {
        "type": "object",
        "required": ["status", "total"],
        "properties": {
            "status": {"type": "string", "enum": ["open", "paid"]},
            "total": {"type": "integer", "minimum": 1},
            "note": {"type": "string"},
        },
    }
    spec = _document({"200": {"description": "ok"}}, schemas={"Bill": schema})
    layout = ObjectLayout(spec, "/components/schemas/Bill")

    assert (layout.names, layout.required) == (("status", "total", "note"), ("status", "total"))
    assert (layout.enum("status"), layout.enum("note"), layout.enum("unknown")) == (("open", "paid"), (), ())
    assert (layout.allows("status", "paid"), layout.allows("status", "void"), layout.allows("note", "x")) == (
        True,
        False,
        True,
    )
    assert (layout.pointer("total"), layout.pointer("unknown")) == ("/components/schemas/Bill/properties/total", "")
    # A required property the document lacks is made up; unknown properties go last, in their order.
    assert list(layout.lay_out({"extra": 1, "note": "n", "status": "open"}, START).items()) == [
        ("status", "open"),
        ("total", 1),
        ("note", "n"),
        ("extra", 1),
    ]


def test_an_object_the_spec_does_not_describe_is_laid_out_as_given() -> None:
    layout = ObjectLayout(_document({"200": {"description": "ok"}}), None)

    assert (layout.names, layout.required) == ((), ())
    assert layout.lay_out({"b": 1, "a": 2}, START) == {"b": 1, "a": 2}
