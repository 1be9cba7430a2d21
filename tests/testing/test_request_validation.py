"""How the fake reads and checks each part of a request, on small documents written here.

The shipped spec uses only some parameter styles and body shapes; a vendor's next version may use
any the fake serves (object query parameters, comma-separated arrays, header parameters, `readOnly`
fields beside a `$ref`, bodies in other media types), and each is tried here in both OpenAPI
spellings where they differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from palomma_client.testing._spec import ApiSpec
from palomma_client.testing._validation import BadRequest, RequestValidator, ValidRequest

VERSIONS = pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])

PARAMETERS: list[dict[str, Any]] = [
    {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 2}},
    {
        "name": "filter",
        "in": "query",
        "style": "deepObject",
        "schema": {
            "type": "object",
            "properties": {
                "state": {"type": "string", "enum": ["open", "paid"]},
                "atLeast": {"$ref": "#/components/schemas/Count"},
            },
        },
    },
    {
        "name": "near",
        "in": "query",
        "schema": {"type": "object", "properties": {"city": {"type": "string"}, "km": {"type": "number"}}},
    },
    {
        "name": "tags",
        "in": "query",
        "explode": False,
        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
    },
    {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
    {"name": "score", "in": "query", "schema": {"type": "number"}},
    {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
    {"name": "X-Trace", "in": "header", "required": True, "schema": {"type": "string", "maxLength": 8}},
    {"name": "X-Zones", "in": "header", "schema": {"type": "array", "items": {"type": "integer"}}},
]


def _spec(version: str, *, where_required: bool = False) -> ApiSpec:
    """`GET /things/{id}` (`findThings`) with every parameter style, and bodies in several shapes."""
    parameters = [dict(parameter) for parameter in PARAMETERS]
    if where_required:
        next(parameter for parameter in parameters if parameter["name"] == "near")["required"] = True
    owner: dict[str, Any] = (
        {"allOf": [{"$ref": "#/components/schemas/Person"}], "nullable": True}
        if version.startswith("3.0")
        else {"anyOf": [{"$ref": "#/components/schemas/Person"}, {"type": "null"}]}
    )
    identifier: dict[str, Any] = (
        {"$ref": "#/components/schemas/Id"}
        if version.startswith("3.0")
        else {"$ref": "#/components/schemas/Text", "readOnly": True}
    )
    return ApiSpec(
        {
            "openapi": version,
            "info": {"title": "Things", "version": "1"},
            "paths": {
                "/things/{id}": {
                    "get": {
                        "operationId": "findThings",
                        "parameters": parameters,
                        "responses": {"200": {"description": "ok"}},
                    }
                },
                "/things": {
                    "post": {
                        "operationId": "makeThing",
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        },
                        "responses": {"201": {"description": "made"}},
                    },
                    "put": {
                        "operationId": "uploadThing",
                        "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}},
                        "responses": {"204": {"description": "stored"}},
                    },
                    "patch": {
                        "operationId": "patchThing",
                        "requestBody": {"content": {"application/json": {}}},
                        "responses": {"204": {"description": "patched"}},
                    },
                },
            },
            "components": {
                "schemas": {
                    "Count": {"type": "integer", "minimum": 1},
                    "Node": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}}},
                    "Tag": {"type": "string", "pattern": "^[a-z]+$"},
                    "Text": {"type": "string"},
                    "Id": {"type": "string", "readOnly": True},
                    "Person": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                    "Thing": {
                        "type": "object",
                        "required": ["id", "name"],
                        "properties": {
                            "id": identifier,
                            "name": {"type": "string"},
                            "owner": owner,
                            "size": {"type": "integer", "default": 1},
                        },
                    },
                }
            },
        }
    )


def _find(
    version: str,
    query: Mapping[str, Sequence[str]],
    headers: Mapping[str, str] | None = None,
    *,
    where_required: bool = False,
) -> ValidRequest:
    spec = _spec(version, where_required=where_required)
    operation = spec.operation("findThings")
    assert operation is not None
    return RequestValidator(spec).validate(
        operation,
        path={"id": "t1"},
        query=query,
        headers={"x-trace": "t-1"} if headers is None else headers,
        content_type=None,
        body=b"",
    )


def _sent(version: str, operation_id: str, body: bytes, content_type: str = "application/json") -> Any:
    spec = _spec(version)
    operation = spec.operation(operation_id)
    assert operation is not None
    return (
        RequestValidator(spec)
        .validate(operation, path={}, query={}, headers={}, content_type=content_type, body=body)
        .body
    )


def _refusal(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(BadRequest) as caught:
        call(*args, **kwargs)
    return caught.value.message


# --- parameters ----------------------------------------------------------------------------------


@VERSIONS
def test_object_query_parameters_are_read_one_pair_per_property_in_their_style(version: str) -> None:
    request = _find(version, {"filter[state]": ["open"], "filter[atLeast]": ["2"], "city": ["Cali"], "km": ["2.5"]})

    assert request.query["filter"] == {"state": "open", "atLeast": 2}
    assert request.query["near"] == {"city": "Cali", "km": 2.5}


@VERSIONS
def test_an_object_query_parameter_not_sent_is_left_out_unless_required(version: str) -> None:
    assert "filter" not in _find(version, {}).query
    assert _refusal(_find, version, {}, where_required=True) == "near: required query parameter is missing"


@VERSIONS
def test_a_property_of_an_object_query_parameter_is_checked_against_its_own_schema(version: str) -> None:
    message = _refusal(_find, version, {"filter[atLeast]": ["0"]})

    assert message.startswith("filter.atLeast: 0 is less than the minimum of 1")


@VERSIONS
def test_array_query_parameters_are_read_repeated_or_comma_separated_as_the_spec_says(version: str) -> None:
    request = _find(version, {"tags": ["red,blue"], "ids": ["1", "2"]})

    assert (request.query["tags"], request.query["ids"]) == (["red", "blue"], [1, 2])
    assert _refusal(_find, version, {"tags": ["red,Blue"]}).startswith("tags[1]: 'Blue' does not match")


@VERSIONS
@pytest.mark.parametrize(
    ("query", "expected"),
    [({"score": ["1.5e2"]}, 150.0), ({"score": ["-3"]}, -3), ({"flag": ["true"]}, True), ({"flag": ["false"]}, False)],
)
def test_numbers_and_flags_in_the_query_are_decoded(version: str, query: dict[str, list[str]], expected: Any) -> None:
    (name,) = query

    assert _find(version, query).query[name] == expected


@VERSIONS
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"score": ["1e999"]}, "score: '1e999' is not of type 'number'"),
        ({"score": ["many"]}, "score: 'many' is not of type 'number'"),
        ({"flag": ["yes"]}, "flag: 'yes' is not of type 'boolean'"),
        ({"ids": ["1", "x"]}, "ids[1]: 'x' is not of type 'integer'"),
    ],
)
def test_query_text_that_is_not_its_schemas_type_is_refused_as_sent(
    version: str, query: dict[str, list[str]], message: str
) -> None:
    assert _refusal(_find, version, query) == message


@VERSIONS
def test_header_parameters_are_read_by_their_name_in_any_case_and_checked(version: str) -> None:
    request = _find(version, {}, {"x-trace": "t-2", "x-zones": "1,2"})

    assert request.headers == {"X-Trace": "t-2", "X-Zones": [1, 2]}
    assert _refusal(_find, version, {}, {}) == "X-Trace: required header parameter is missing"
    assert _refusal(_find, version, {}, {"x-trace": "much-too-long"}).startswith("X-Trace: 'much-too-long' is too long")


@VERSIONS
def test_an_empty_comma_separated_array_is_the_empty_array_not_one_empty_item(version: str) -> None:
    # A client sends an empty array as an empty header (`X-Zones:`) or `tags=`: nothing to split.
    request = _find(version, {"tags": [""]}, {"x-trace": "t-2", "x-zones": ""})

    assert (request.query["tags"], request.headers["X-Zones"]) == ([], [])


# --- bodies --------------------------------------------------------------------------------------


@VERSIONS
def test_a_read_only_field_is_neither_required_nor_accepted_in_a_body(version: str) -> None:
    # 3.0 marks the referenced schema readOnly; 3.1 may say it beside the `$ref`.
    assert _sent(version, "makeThing", b'{"name": "a"}') == {"name": "a", "size": 1}
    assert _refusal(_sent, version, "makeThing", b'{"name": "a", "id": "x"}') == "id: is read-only and cannot be sent"


@VERSIONS
def test_a_nullable_reference_takes_null_or_the_object_by_its_own_rules(version: str) -> None:
    assert _sent(version, "makeThing", b'{"name": "a", "owner": null}')["owner"] is None
    assert _sent(version, "makeThing", b'{"name": "a", "owner": {"name": "b"}}')["owner"] == {"name": "b"}
    assert "owner" in _refusal(_sent, version, "makeThing", b'{"name": "a", "owner": {}}')


@VERSIONS
def test_a_missing_required_field_is_named_and_not_a_read_only_one_listed_before_it(version: str) -> None:
    assert _refusal(_sent, version, "makeThing", b"{}") == "name: required property is missing"


@VERSIONS
def test_a_body_the_fake_does_not_parse_is_passed_on_as_sent(version: str) -> None:
    assert _sent(version, "uploadThing", b"\x00\xffraw", "application/octet-stream") == b"\x00\xffraw"
    assert _refusal(_sent, version, "uploadThing", b"{}") == "Content-Type must be application/octet-stream"


@VERSIONS
def test_a_json_body_without_a_schema_is_taken_as_any_json(version: str) -> None:
    assert _sent(version, "patchThing", b'[1, {"a": null}]') == [1, {"a": None}]
    assert _refusal(_sent, version, "patchThing", b'{"a": "\\ud800"}') == "a: must be valid Unicode text"


@VERSIONS
def test_a_value_nested_deeper_than_the_validator_can_follow_is_refused_with_a_message(version: str) -> None:
    spec = _spec(version)
    nested: Any = {}
    for _ in range(5_000):
        nested = {"child": nested}

    message = _refusal(RequestValidator(spec).check, "/components/schemas/Node", nested, location="", write=True)

    assert message == "body: nested too deeply"


@VERSIONS
@pytest.mark.parametrize("min_items", [None, 1])
def test_a_required_array_left_out_of_a_form_was_sent_empty(version: str, min_items: int | None) -> None:
    names: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
    if min_items is not None:
        names["minItems"] = min_items
    spec = ApiSpec(
        {
            "openapi": version,
            "info": {"title": "Labels", "version": "1"},
            "paths": {
                "/labels": {
                    "put": {
                        "operationId": "replaceLabels",
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/x-www-form-urlencoded": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["names", "archived"],
                                        "properties": {"names": names, "archived": {"type": "boolean"}},
                                    }
                                }
                            },
                        },
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            },
        }
    )
    operation = spec.operation("replaceLabels")
    assert operation is not None

    def send(body: bytes) -> ValidRequest:
        return RequestValidator(spec).validate(
            operation,
            path={},
            query={},
            headers={},
            content_type="application/x-www-form-urlencoded",
            body=body,
        )

    # A form has no pair for an empty array: `names` absent is `[]`, refused only where the schema wants items.
    if min_items is None:
        assert send(b"archived=true").body == {"names": [], "archived": True}
    else:
        with pytest.raises(BadRequest, match="names"):
            send(b"archived=true")
    assert send(b"names=a&names=b&archived=false").body == {"names": ["a", "b"], "archived": False}
    # A required field of another type left out is still missing.
    with pytest.raises(BadRequest, match="archived"):
        send(b"names=a")
