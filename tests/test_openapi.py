"""The spec index: loading, `$ref` resolution, operations, servers and security schemes."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from palomma_client._openapi import (
    OpenAPI,
    SpecError,
    escape_token,
    join_pointer,
    load_document,
    synthesized_operation_id,
    unescape_token,
)
from tests.support import ROOT


def document(**parts: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    base.update(parts)
    return base


def ok(description: str = "ok") -> dict[str, Any]:
    return {"description": description}


# --- loading ------------------------------------------------------------------------------------------


def test_yaml_and_json_load_to_the_same_document(tmp_path: Path) -> None:
    yaml_file = tmp_path / "spec.yaml"
    yaml_file.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        200: {description: ok}\ncomponents:\n  schemas:\n    D: {type: string, example: 2026-03-01}\n",
        encoding="utf-8",
    )
    loaded = load_document(yaml_file)
    json_file = tmp_path / "spec.json"
    json_file.write_text(json.dumps(loaded), encoding="utf-8")

    assert load_document(json_file) == loaded
    # YAML's integer status keys and dates arrive as the strings JSON would carry.
    assert list(loaded["paths"]["/a"]["get"]["responses"]) == ["200"]
    assert loaded["components"]["schemas"]["D"]["example"] == "2026-03-01"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("bad.json", "{", "not valid JSON"),
        ("bad.yaml", "a: [", "not valid YAML"),
        ("list.yaml", "- 1\n", "mapping at the top"),
        ("missing.yaml", None, "Cannot read"),
    ],
)
def test_an_unreadable_file_is_a_spec_error(tmp_path: Path, name: str, text: str | None, words: str) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")

    with pytest.raises(SpecError, match=words):
        load_document(path)


@pytest.mark.parametrize("version", ["2.0", "3.2.0", 3.0, None])
def test_only_openapi_3_0_and_3_1_are_read(version: object) -> None:
    with pytest.raises(SpecError, match=r"3\.0\.x and 3\.1\.x") as caught:
        OpenAPI(document(openapi=version))

    assert caught.value.pointer == "/openapi"


@pytest.mark.parametrize(("version", "is_31"), [("3.0.0", False), ("3.0.3", False), ("3.1.0", True), ("3.1.1", True)])
def test_both_versions_are_read(version: str, is_31: bool) -> None:
    assert OpenAPI(document(openapi=version)).is_31 is is_31


def test_the_project_spec_loads_and_matches_the_shipped_json() -> None:
    spec = OpenAPI.from_file(ROOT / "openapi.yaml")
    shipped = json.loads((ROOT / "palomma_client" / "_generated" / "openapi.json").read_text(encoding="utf-8"))

    assert spec.document == shipped
    assert spec.operations


def test_the_module_imports_only_the_standard_library() -> None:
    tree = ast.parse((ROOT / "palomma_client" / "_openapi.py").read_text(encoding="utf-8"))
    top_level = {
        alias.name.partition(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }

    assert top_level <= set(sys.stdlib_module_names) | {"__future__"}


# --- pointers and references --------------------------------------------------------------------------


@pytest.mark.parametrize(("token", "escaped"), [("/a/{b}", "~1a~1{b}"), ("a~b", "a~0b"), ("~1", "~01"), ("", "")])
def test_pointer_tokens_escape_and_unescape(token: str, escaped: str) -> None:
    assert escape_token(token) == escaped
    assert unescape_token(escaped) == token


def test_join_pointer_escapes_each_token() -> None:
    assert join_pointer("/paths", "/a/{id}", "get", 0) == "/paths/~1a~1{id}/get/0"


def test_at_reads_escaped_tokens_and_list_indexes() -> None:
    spec = OpenAPI(document(components={"schemas": {"a/b~c": {"enum": ["x", "y"]}}}))

    assert spec.at("/components/schemas/a~1b~0c/enum/1") == "y"
    assert spec.at("") is spec.document


@pytest.mark.parametrize("pointer", ["/components/nothing", "/openapi/0", "/paths/x", "no-slash"])
def test_at_nowhere_is_a_spec_error_naming_the_pointer(pointer: str) -> None:
    spec = OpenAPI(document(components={}))

    with pytest.raises(SpecError) as caught:
        spec.at(pointer)

    assert caught.value.pointer == pointer
    assert pointer in str(caught.value)


def test_references_to_references_are_followed_to_the_end() -> None:
    spec = OpenAPI(
        document(
            components={
                "schemas": {
                    "A": {"$ref": "#/components/schemas/B"},
                    "B": {"$ref": "#/components/schemas/C~1D"},
                    "C/D": {"type": "integer"},
                }
            }
        )
    )

    node, pointer = spec.resolve({"$ref": "#/components/schemas/A"}, "/somewhere")

    assert node == {"type": "integer"}
    assert pointer == "/components/schemas/C~1D"


def test_a_schema_that_holds_itself_is_written_once_under_defs_and_referred_to_there() -> None:
    unit = {
        "type": "object",
        "properties": {
            "name": {"$ref": "#/components/schemas/Name"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}},
            "adjacent": {"$ref": "#/components/schemas/Unit", "description": "The unit next door."},
        },
    }
    spec = OpenAPI(document(components={"schemas": {"Unit": unit, "Name": {"type": "string", "minLength": 1}}}))

    copied = spec.inline_keeping_cycles({"$ref": "#/components/schemas/Unit"}, "/paths/x")

    # The entry point counts as entered: its first repetition already refers to `$defs`.
    properties = copied["properties"]
    assert properties["name"] == {"type": "string", "minLength": 1}
    assert properties["children"] == {"type": "array", "items": {"$ref": "#/$defs/Unit"}}
    assert properties["adjacent"] == {"$ref": "#/$defs/Unit", "description": "The unit next door."}
    held = copied["$defs"]["Unit"]["properties"]
    assert held["children"]["items"] == {"$ref": "#/$defs/Unit"}
    assert held["name"] == {"type": "string", "minLength": 1}


def test_a_schema_without_cycles_is_inlined_whole_with_no_defs() -> None:
    spec = OpenAPI(document(components={"schemas": {"Name": {"type": "string"}}}))

    copied = spec.inline_keeping_cycles({"type": "array", "items": [{"$ref": "#/components/schemas/Name"}]}, "/x")

    assert copied == {"type": "array", "items": [{"type": "string"}]}


def test_a_loop_of_references_is_a_spec_error_naming_the_chain() -> None:
    spec = OpenAPI(
        document(
            components={"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}
        )
    )

    with pytest.raises(SpecError, match="loop of references") as caught:
        spec.resolve_at("/components/schemas/A")

    assert "#/components/schemas/B -> #/components/schemas/A" in str(caught.value)


@pytest.mark.parametrize(
    ("reference", "words"),
    [("other.yaml#/x", "within the document"), ("#/components/schemas/Nope", "leads nowhere"), (7, "within")],
)
def test_a_reference_that_cannot_be_followed_names_where_it_is(reference: object, words: str) -> None:
    spec = OpenAPI(document(components={"schemas": {"A": {"$ref": reference}}}))

    with pytest.raises(SpecError, match=words) as caught:
        spec.resolve_at("/components/schemas/A")

    assert caught.value.pointer == "/components/schemas/A/$ref"


def test_inline_replaces_every_reference_and_keeps_31_siblings() -> None:
    spec = OpenAPI(
        document(
            openapi="3.1.0",
            components={
                "schemas": {
                    "Money": {"type": "integer", "minimum": 0},
                    "Line": {"type": "object", "properties": {"amount": {"$ref": "#/components/schemas/Money"}}},
                    "Lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line", "description": "one"}},
                }
            },
        )
    )

    inlined = spec.inline(spec.at("/components/schemas/Lines"), "/components/schemas/Lines")

    assert inlined == {
        "type": "array",
        "items": {
            "type": "object",
            "description": "one",
            "properties": {"amount": {"type": "integer", "minimum": 0}},
        },
    }


def test_inline_refuses_a_recursive_schema_naming_it() -> None:
    spec = OpenAPI(
        document(
            components={
                "schemas": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}}
            }
        )
    )

    with pytest.raises(SpecError, match="#/components/schemas/Node contains itself") as caught:
        spec.inline({"$ref": "#/components/schemas/Node"}, "/x")

    assert caught.value.pointer == "/components/schemas/Node/properties/next"


def test_walk_yields_every_node_with_its_pointer() -> None:
    spec = OpenAPI(document(paths={"/a/{id}": {"get": {"responses": {"200": ok()}}}}))

    walked = dict(spec.walk())

    assert walked["/paths/~1a~1{id}/get/responses/200/description"] == "ok"
    assert walked[""] is spec.document


# --- operations ---------------------------------------------------------------------------------------


def test_operations_come_in_document_order_with_a_synthesized_name_when_there_is_no_operation_id() -> None:
    spec = OpenAPI(
        document(
            paths={
                "/customers/{customerId}": {
                    "delete": {"responses": {"204": ok()}},
                    "get": {"operationId": "getCustomer", "tags": ["Customers"], "responses": {"200": ok()}},
                },
                "/health": {"get": {"responses": {"200": ok()}}},
            }
        )
    )

    assert [(o.method, o.path, o.name, o.operation_id, o.tags) for o in spec.operations] == [
        ("get", "/customers/{customerId}", "getCustomer", "getCustomer", ("Customers",)),
        ("delete", "/customers/{customerId}", "delete_customers_customerId", None, ()),
        ("get", "/health", "get_health", None, ()),
    ]
    assert spec.operations[0].pointer == "/paths/~1customers~1{customerId}/get"
    assert spec.operation("get_health") is spec.operations[2]
    assert spec.operation("nothing") is None


def test_the_synthesized_name_is_the_one_the_generator_gives() -> None:
    from openapi_python_client.parser.openapi import generate_operation_id
    from openapi_python_client.schema.untrusted_string import UntrustedString
    from openapi_python_client.strings import PythonIdentifier

    for method, path in [("get", "/customers/{customerId}/invoices"), ("post", "/a"), ("delete", "/a/{b}/")]:
        expected = generate_operation_id(path=UntrustedString(path), method=method, prefix="field_")
        # The generator snake-cases every operation name, operationIds included.
        assert PythonIdentifier(synthesized_operation_id(method, path), prefix="field_") == expected


def test_path_item_parameters_merge_and_the_operation_overrides_in_place() -> None:
    spec = OpenAPI(
        document(
            paths={
                "/customers/{customerId}": {
                    "parameters": [
                        {"name": "customerId", "in": "path", "schema": {"type": "string"}},
                        {"$ref": "#/components/parameters/Trace"},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "get": {
                        "parameters": [
                            {"name": "x-trace", "in": "header", "required": True, "schema": {"type": "string"}},
                            {"name": "limit", "in": "header", "schema": {"type": "integer"}},
                        ],
                        "responses": {"200": ok()},
                    },
                }
            },
            components={"parameters": {"Trace": {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}}},
        )
    )

    (operation,) = spec.operations
    described = [(p.name, p.location, p.required, p.pointer) for p in operation.parameters]

    assert described == [
        ("customerId", "path", True, "/paths/~1customers~1{customerId}/parameters/0"),
        ("x-trace", "header", True, "/paths/~1customers~1{customerId}/get/parameters/0"),
        ("limit", "query", False, "/paths/~1customers~1{customerId}/parameters/2"),
        ("limit", "header", False, "/paths/~1customers~1{customerId}/get/parameters/1"),
    ]
    assert operation.path_parameter_names == ("customerId",)
    assert [p.name for p in operation.parameters_in("header")] == ["x-trace", "limit"]


def test_a_parameter_schema_is_resolved_and_may_come_from_content() -> None:
    spec = OpenAPI(
        document(
            paths={
                "/a": {
                    "get": {
                        "parameters": [
                            {"name": "s", "in": "query", "schema": {"$ref": "#/components/schemas/S"}, "example": "x"},
                            {
                                "name": "f",
                                "in": "query",
                                "content": {"application/json": {"schema": {"type": "object"}}},
                            },
                            {"name": "n", "in": "query"},
                        ],
                        "responses": {"200": ok()},
                    }
                }
            },
            components={"schemas": {"S": {"type": "string", "example": "y"}}},
        )
    )

    s, f, n = spec.operations[0].parameters

    assert (s.schema, s.schema_pointer, s.example) == ({"type": "string", "example": "y"}, "/components/schemas/S", "x")
    assert (f.schema, f.schema_pointer) == (
        {"type": "object"},
        "/paths/~1a/get/parameters/1/content/application~1json/schema",
    )
    assert (n.schema, n.schema_pointer, n.example) == ({}, "", None)


@pytest.mark.parametrize(
    ("parameter", "words"),
    [({"in": "query"}, "needs a `name`"), ({"name": "a", "in": "body"}, "not 'body'"), ("x", "needs a `name`")],
)
def test_a_malformed_parameter_is_a_spec_error_at_its_pointer(parameter: object, words: str) -> None:
    spec = OpenAPI(document(paths={"/a": {"get": {"parameters": [parameter], "responses": {"200": ok()}}}}))

    with pytest.raises(SpecError, match=words) as caught:
        _ = spec.operations

    assert caught.value.pointer == "/paths/~1a/get/parameters/0"


def test_request_body_and_responses_resolve_with_media_types_and_headers() -> None:
    spec = OpenAPI(
        document(
            paths={
                "/exports": {
                    "post": {
                        "requestBody": {"$ref": "#/components/requestBodies/Export"},
                        "responses": {
                            "202": {
                                "description": "accepted",
                                "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
                            },
                            "200": {"$ref": "#/components/responses/Csv"},
                            "default": {"description": "error", "content": {"application/problem+json": {}}},
                        },
                    }
                }
            },
            components={
                "requestBodies": {
                    "Export": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Q"}}},
                    }
                },
                "responses": {"Csv": {"description": "csv", "content": {"text/csv": {"schema": {"type": "string"}}}}},
                "schemas": {"Q": {"type": "object"}},
            },
        )
    )

    (operation,) = spec.operations
    body = operation.request_body
    assert body is not None
    assert body.required
    assert body.pointer == "/components/requestBodies/Export"
    media = body.json_media_type()
    assert media is not None
    assert (media.schema, media.schema_pointer) == ({"type": "object"}, "/components/schemas/Q")

    accepted, csv, default = operation.responses
    assert (accepted.status, accepted.content, accepted.headers["Location"].required) == ("202", (), True)
    assert (csv.status, csv.pointer, csv.content[0].is_text, csv.content[0].is_json) == (
        "200",
        "/components/responses/Csv",
        True,
        False,
    )
    assert (default.content[0].is_json, default.content[0].schema) == (True, None)
    assert [r.status for r in operation.success_responses()] == ["200", "202"]


def test_security_the_operation_overrides_the_document_and_an_empty_list_means_none() -> None:
    spec = OpenAPI(
        document(
            security=[{"bearer": []}],
            paths={
                "/a": {
                    "get": {"responses": {"200": ok()}},
                    "post": {"security": [], "responses": {"200": ok()}},
                    "put": {"security": [{"key": []}, {}], "responses": {"200": ok()}},
                }
            },
        )
    )

    inherited, optional, public = spec.operations  # get, put, post: the order methods are read in

    assert inherited.security == ({"bearer": []},)
    assert public.security == ()
    assert optional.security == ({"key": []}, {})


def test_deprecated_operations_and_parameters_are_marked() -> None:
    spec = OpenAPI(
        document(
            paths={
                "/a": {
                    "get": {
                        "deprecated": True,
                        "parameters": [{"name": "q", "in": "query", "deprecated": True}],
                        "responses": {"200": ok()},
                    },
                    "post": {"responses": {"200": ok()}},
                }
            }
        )
    )

    old, new = spec.operations

    assert (old.deprecated, old.parameters[0].deprecated, new.deprecated) == (True, True, False)


def test_a_referenced_path_item_is_followed() -> None:
    spec = OpenAPI(
        document(
            paths={"/a": {"$ref": "#/components/pathItems/A"}},
            openapi="3.1.0",
            components={"pathItems": {"A": {"get": {"operationId": "a", "responses": {"200": ok()}}}}},
        )
    )

    (operation,) = spec.operations

    assert (operation.path, operation.pointer) == ("/a", "/components/pathItems/A/get")


# --- servers and security schemes ---------------------------------------------------------------------


def test_servers_with_descriptions_extensions_and_variables() -> None:
    spec = OpenAPI(
        document(
            servers=[
                {"url": "https://api.example/v1", "description": "Production"},
                {
                    "url": "https://{region}.example/v1",
                    "x-palomma-environment": "regional",
                    "variables": {"region": {"default": "co", "enum": ["co", "mx"]}},
                },
            ]
        )
    )

    production, regional = spec.servers

    assert (production.url, production.description, production.pointer) == (
        "https://api.example/v1",
        "Production",
        "/servers/0",
    )
    assert regional.extensions == {"x-palomma-environment": "regional"}
    assert regional.variables["region"].enum == ("co", "mx")
    assert regional.default_url() == "https://co.example/v1"


def test_no_servers_means_the_root() -> None:
    assert [server.url for server in OpenAPI(document()).servers] == ["/"]


def test_a_server_without_a_url_is_a_spec_error_at_its_pointer() -> None:
    with pytest.raises(SpecError, match="`url`") as caught:
        _ = OpenAPI(document(servers=[{"url": "/"}, {"description": "x"}])).servers

    assert caught.value.pointer == "/servers/1"


def test_security_schemes_are_read_by_type() -> None:
    spec = OpenAPI(
        document(
            components={
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "Bearer", "bearerFormat": "API Key"},
                    "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                    "shared": {"$ref": "#/components/x-shared"},
                },
                "x-shared": {"type": "oauth2", "flows": {}},
            }
        )
    )

    schemes = spec.security_schemes

    assert list(schemes) == ["bearerAuth", "apiKey", "shared"]
    assert (schemes["bearerAuth"].type, schemes["bearerAuth"].scheme, schemes["bearerAuth"].bearer_format) == (
        "http",
        "bearer",
        "API Key",
    )
    assert (schemes["apiKey"].location, schemes["apiKey"].parameter_name) == ("header", "X-Api-Key")
    assert (schemes["shared"].type, schemes["shared"].pointer) == ("oauth2", "/components/x-shared")


def test_object_properties_gather_all_of_members_through_references() -> None:
    spec = OpenAPI(
        document(
            components={
                "schemas": {
                    "Named": {"properties": {"name": {"type": "string"}, "id": {"$ref": "#/components/schemas/Id"}}},
                    "Id": {"type": "string", "minLength": 3},
                    "Note": {
                        "properties": {"name": {"type": "integer"}},
                        "allOf": [{"$ref": "#/components/schemas/Named"}, {"properties": {"text": {"type": "string"}}}],
                    },
                }
            }
        )
    )

    properties = spec.object_properties("/components/schemas/Note")

    assert properties == {
        "name": ({"type": "integer"}, "/components/schemas/Note/properties/name"),  # its own comes first
        "id": ({"type": "string", "minLength": 3}, "/components/schemas/Id"),
        "text": ({"type": "string"}, "/components/schemas/Note/allOf/1/properties/text"),
    }


def _operations(spec: OpenAPI) -> object:
    return spec.operations


def _servers(spec: OpenAPI) -> object:
    return spec.servers


def _schemes(spec: OpenAPI) -> object:
    return spec.security_schemes


def _security(spec: OpenAPI) -> object:
    return spec.security


def _get(**operation: Any) -> dict[str, Any]:
    return {"/a": {"get": {"responses": {"200": ok()}, **operation}}}


@pytest.mark.parametrize(
    ("parts", "read", "words", "pointer"),
    [
        ({"paths": ["/a"]}, _operations, "`paths` must be a mapping", "/paths"),
        ({"paths": {"/a": "x"}}, _operations, "A path item must be a mapping", "/paths/~1a"),
        ({"paths": {"/a": {"get": "x"}}}, _operations, "An operation must be a mapping", "/paths/~1a/get"),
        ({"paths": _get(responses=["200"])}, _operations, "`responses` must be a mapping", "/paths/~1a/get/responses"),
        (
            {"paths": _get(responses={"200": "x"})},
            _operations,
            "A response must be a mapping",
            "/paths/~1a/get/responses/200",
        ),
        ({"paths": _get(parameters={"a": 1})}, _operations, "`parameters` must be a list", "/paths/~1a/get/parameters"),
        (
            {"paths": _get(responses={"200": {"description": "ok", "content": ["application/json"]}})},
            _operations,
            "`content` must be a mapping of media types",
            "/paths/~1a/get/responses/200/content",
        ),
        (
            {"paths": _get(responses={"200": {"description": "ok", "content": {"application/json": "x"}}})},
            _operations,
            "A media type object must be a mapping",
            "/paths/~1a/get/responses/200/content/application~1json",
        ),
        ({"paths": _get(security={"key": []})}, _operations, "`security` must be a list", "/paths/~1a/get/security"),
        ({"servers": {"url": "/"}}, _servers, "`servers` must be a list", "/servers"),
        (
            {"servers": [{"url": "https://{region}.example", "variables": {"region": {"enum": ["co"]}}}]},
            _servers,
            "A server variable needs a `default`",
            "/servers/0/variables/region",
        ),
        (
            {"components": {"securitySchemes": {"key": {"in": "header"}}}},
            _schemes,
            "A security scheme needs a `type`",
            "/components/securitySchemes/key",
        ),
        ({"security": [["key"]]}, _security, "`security` must be a list of requirement mappings", "/security"),
    ],
)
def test_a_malformed_part_is_a_spec_error_naming_it_at_its_pointer(
    parts: dict[str, Any], read: Any, words: str, pointer: str
) -> None:
    spec = OpenAPI(document(**parts))

    with pytest.raises(SpecError, match=words) as caught:
        read(spec)

    assert caught.value.pointer == pointer
    assert pointer in str(caught.value)


def test_a_document_that_is_not_a_mapping_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="An OpenAPI document is a mapping at the top"):
        OpenAPI(["openapi", "3.0.3"])  # type: ignore[arg-type]
