"""A construct outside the matrix fails `make generate` with its name and JSON Pointer, never a traceback."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from palomma_client._openapi import OpenAPI
from tests.support import ROOT, run_generate, small_document

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

import generate
from spec_support import unsupported

Spec = dict[str, Any]


def base() -> Spec:
    """A small document of its own that the generator accepts, so each case adds exactly one construct."""
    thing = {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
    return small_document(
        {
            "/things/{thingId}": {
                "get": {
                    "operationId": "getThing",
                    "tags": ["Things"],
                    "parameters": [{"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok", "content": thing}},
                }
            }
        },
        {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}},
    )


GET = "/paths/~1things~1{thingId}/get"
THING = "/components/schemas/Thing"


def _get(spec: Spec) -> Spec:
    operation: Spec = spec["paths"]["/things/{thingId}"]["get"]
    return operation


def _thing(spec: Spec) -> Spec:
    schema: Spec = spec["components"]["schemas"]["Thing"]
    return schema


def _add_parameter(parameter: Spec) -> Any:
    return lambda spec: _get(spec)["parameters"].append(parameter)


def _set(where: Any, key: str, value: Any) -> Any:
    return lambda spec: where(spec).__setitem__(key, value)


def _field(name: str, schema: Spec) -> Any:
    return lambda spec: _thing(spec)["properties"].__setitem__(name, schema)


def _scheme(name: str, scheme: Spec) -> Any:
    return lambda spec: spec["components"]["securitySchemes"].__setitem__(name, scheme)


def _body(schema: Spec) -> Any:
    """Give the document `POST /things` with a required JSON request body of ``schema``."""

    def edit(spec: Spec) -> None:
        spec["paths"]["/things"] = {
            "post": {
                "operationId": "createThing",
                "tags": ["Things"],
                "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                "responses": {"204": {"description": "done"}},
            }
        }
        spec["components"]["schemas"]["Other"] = {"type": "object", "properties": {"name": {"type": "string"}}}

    return edit


BODY = "/paths/~1things/post/requestBody/content/application~1json/schema"


def _form(schema: Spec, media_type: str = "application/x-www-form-urlencoded", **media: Any) -> Any:
    """Give the document `POST /things` with a required request body of ``schema`` in ``media_type``."""

    def edit(spec: Spec) -> None:
        _body({})(spec)
        content = {media_type: {"schema": schema, **media}}
        spec["paths"]["/things"]["post"]["requestBody"]["content"] = content

    return edit


FORM = "/paths/~1things/post/requestBody/content/application~1x-www-form-urlencoded"
FIELDS = {"type": "object", "properties": {"name": {"type": "string"}}}
MEMBERS = [{"$ref": "#/components/schemas/Thing"}, {"$ref": "#/components/schemas/Other"}]


def _both(*edits: Any) -> Any:
    def edit(spec: Spec) -> None:
        for one in edits:
            one(spec)

    return edit


CASES = [
    pytest.param(
        _form(FIELDS, "application/xml"),
        "a request body in `application/xml`",
        "/paths/~1things/post/requestBody/content",
        id="xml-body",
    ),
    pytest.param(
        _form({"type": "object", "properties": {"scan": {"type": "string", "format": "binary"}}}),
        "a file field (`scan`) of a urlencoded form body",
        f"{FORM}/schema/properties/scan",
        id="file-in-a-urlencoded-form",
    ),
    pytest.param(
        _form(
            {"type": "object", "properties": {"scans": {"type": "array", "items": {"format": "binary"}}}},
            "multipart/form-data",
        ),
        "a field (`scans`) of a form body that is not a scalar or an array of scalars",
        "/paths/~1things/post/requestBody/content/multipart~1form-data/schema/properties/scans/items",
        id="array-of-files-in-a-multipart-form",
    ),
    pytest.param(
        _form({"type": "object", "properties": {"owner": FIELDS}}),
        "a field (`owner`) of a form body that is not a scalar or an array of scalars",
        f"{FORM}/schema/properties/owner",
        id="form-body-with-an-object-field",
    ),
    pytest.param(
        _form({"type": "object", "properties": {"note": {"type": "string", "nullable": True}}}),
        "a field (`note`) of a form body that is not a scalar or an array of scalars",
        f"{FORM}/schema/properties/note",
        id="form-body-with-a-nullable-field",
    ),
    pytest.param(
        _form(FIELDS, encoding={"name": {"style": "form"}}),
        "`encoding` of a form body",
        f"{FORM}/encoding",
        id="form-body-with-encoding",
    ),
    pytest.param(
        _form({"type": "array", "items": {"type": "string"}}),
        "a form body that is not an object of named fields",
        f"{FORM}/schema",
        id="form-body-not-an-object",
    ),
    pytest.param(
        lambda spec: _get(spec)["parameters"].__setitem__(0, {"name": "id", "in": "path", "required": True}),
        "a path template whose placeholders (thingId) are not its path parameters (id)",
        GET,
        id="placeholder-without-parameter",
    ),
    pytest.param(
        _add_parameter({"name": "a session", "in": "cookie", "schema": {"type": "string"}}),
        "a cookie parameter named `a session`",
        f"{GET}/parameters/1/name",
        id="cookie-parameter-whose-name-is-no-token",
    ),
    pytest.param(
        _both(
            _scheme("session", {"type": "apiKey", "in": "cookie", "name": "sid"}),
            _set(_get, "security", [{"session": []}]),
            _add_parameter({"name": "sid", "in": "cookie", "schema": {"type": "string"}}),
        ),
        "a cookie parameter (`sid`) named as the operation's API key cookie",
        f"{GET}/parameters/1/name",
        id="cookie-parameter-named-as-an-api-key-cookie",
    ),
    pytest.param(
        _add_parameter({"name": "where", "in": "cookie", "schema": {"type": "object", "properties": {"a": {}}}}),
        "an object cookie parameter (`where`)",
        f"{GET}/parameters/1/schema",
        id="object-cookie-parameter",
    ),
    pytest.param(
        _add_parameter({"name": "ids", "in": "header", "schema": {"type": "array", "items": {"type": "object"}}}),
        "a header parameter (`ids`) that is an array of other than scalars",
        f"{GET}/parameters/1/schema/items",
        id="array-of-objects-header-parameter",
    ),
    pytest.param(
        _add_parameter({"name": "where", "in": "header", "schema": {"type": "object", "properties": {"a": {}}}}),
        "a property (`a`) of an object header parameter (`where`) that is not a scalar",
        f"{GET}/parameters/1/schema/properties/a",
        id="object-header-parameter-of-other-than-scalars",
    ),
    pytest.param(
        _add_parameter(
            {"name": "where", "in": "header", "style": "form", "schema": {"type": "object", "properties": {"a": {}}}}
        ),
        "`style: form` on an object parameter",
        f"{GET}/parameters/1/style",
        id="object-header-parameter-in-the-form-style",
    ),
    pytest.param(
        _add_parameter({"name": "where", "in": "query", "schema": {"type": "object"}}),
        "an object query parameter (`where`) with other than named properties",
        f"{GET}/parameters/1/schema",
        id="free-form-object-query-parameter",
    ),
    pytest.param(
        _add_parameter(
            {
                "name": "where",
                "in": "query",
                "explode": False,
                "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
            }
        ),
        "an object query parameter (`where`) with `explode: false`",
        f"{GET}/parameters/1/explode",
        id="unexploded-object-query-parameter",
    ),
    pytest.param(
        _add_parameter(
            {
                "name": "where",
                "in": "query",
                "style": "deepObject",
                "schema": {"type": "object", "properties": {"inner": {"type": "object"}}},
            }
        ),
        "a property (`inner`) of an object query parameter (`where`) that is not a scalar",
        f"{GET}/parameters/1/schema/properties/inner",
        id="object-query-parameter-of-objects",
    ),
    pytest.param(
        _both(
            _add_parameter({"name": "state", "in": "query", "schema": {"type": "string"}}),
            _add_parameter(
                {
                    "name": "where",
                    "in": "query",
                    "schema": {"type": "object", "properties": {"state": {"type": "string"}}},
                }
            ),
        ),
        "a property (`state`) of an object query parameter (`where`) named as another query parameter",
        f"{GET}/parameters/2/schema/properties/state",
        id="exploded-object-query-parameter-clash",
    ),
    pytest.param(
        _add_parameter({"name": "ids", "in": "query", "style": "deepObject", "schema": {"type": "string"}}),
        "`style: deepObject` on a parameter",
        f"{GET}/parameters/1/style",
        id="deep-object-style-on-a-scalar",
    ),
    pytest.param(
        _add_parameter({"name": "pairs", "in": "query", "schema": {"type": "array", "items": {"type": "object"}}}),
        "a query parameter (`pairs`) that is an array of other than scalars",
        f"{GET}/parameters/1/schema/items",
        id="array-of-objects-query-parameter",
    ),
    pytest.param(
        _add_parameter({"name": "q", "in": "query", "style": "spaceDelimited", "schema": {"type": "string"}}),
        "`style: spaceDelimited` on a parameter",
        f"{GET}/parameters/1/style",
        id="parameter-style",
    ),
    pytest.param(
        lambda spec: spec["paths"]["/things/{thingId}"].__setitem__("trace", copy.deepcopy(_get(spec))),
        "the HTTP method TRACE",
        "/paths/~1things~1{thingId}/trace",
        id="trace-method",
    ),
    pytest.param(
        _set(_get, "security", [{"nowhere": []}]),
        "a requirement of the undeclared scheme `nowhere`",
        f"{GET}/security/0",
        id="undeclared-scheme",
    ),
    pytest.param(
        _scheme("key", {"type": "apiKey", "in": "query", "name": "k"}),
        "the security scheme `key` (an API key in a query)",
        "/components/securitySchemes/key",
        id="api-key-in-query",
    ),
    pytest.param(
        _scheme("session", {"type": "apiKey", "in": "cookie", "name": "s id"}),
        "the API key cookie `s id` of the security scheme `session`",
        "/components/securitySchemes/session/name",
        id="api-key-in-a-cookie-whose-name-is-no-token",
    ),
    pytest.param(
        _both(
            _scheme("one", {"type": "apiKey", "in": "cookie", "name": "a"}),
            _scheme("two", {"type": "apiKey", "in": "cookie", "name": "b"}),
            _set(_get, "security", [{"one": [], "two": []}]),
        ),
        "a security requirement of several schemes sent in one header",
        f"{GET}/security/0",
        id="two-cookie-keys-in-one-requirement",
    ),
    pytest.param(
        _scheme("digest", {"type": "http", "scheme": "digest"}),
        "the security scheme `digest` (http digest)",
        "/components/securitySchemes/digest",
        id="http-digest",
    ),
    pytest.param(
        _scheme("agent", {"type": "apiKey", "in": "header", "name": "User-Agent"}),
        "the API key header `User-Agent` of the security scheme `agent`",
        "/components/securitySchemes/agent/name",
        id="api-key-in-a-header-the-sdk-writes",
    ),
    pytest.param(
        _both(
            _scheme("raw", {"type": "apiKey", "in": "header", "name": "authorization"}),
            _set(_get, "security", [{"bearer": [], "raw": []}]),
        ),
        "a security requirement of several schemes sent in one header",
        f"{GET}/security/0",
        id="two-schemes-of-one-requirement-in-one-header",
    ),
    pytest.param(
        lambda spec: spec["servers"].append({"url": "https://{region}.example", "description": "Regional"}),
        "a server URL placeholder `{region}` with no variable",
        "/servers/1/url",
        id="server-placeholder-without-variable",
    ),
    pytest.param(
        lambda spec: spec["servers"].append(
            {
                "url": "https://{region}.example",
                "description": "Regional",
                "variables": {"region": {"default": "us", "enum": ["co", "mx"]}},
            }
        ),
        "a server variable `region` whose default is not one of its `enum`",
        "/servers/1/variables/region/default",
        id="server-variable-default-outside-its-enum",
    ),
    pytest.param(
        lambda spec: spec["servers"].append(
            {"url": "{scheme}://api.example", "description": "Plain", "variables": {"scheme": {"default": "ftp"}}}
        ),
        "a relative server URL",
        "/servers/1/url",
        id="server-url-relative-at-its-defaults",
    ),
    pytest.param(
        lambda spec: _get(spec)["responses"].__setitem__(
            "201", {"description": "csv", "content": {"text/csv": {"schema": {"type": "string"}}}}
        ),
        "success responses with different bodies",
        f"{GET}/responses",
        id="json-or-csv-by-status",
    ),
    pytest.param(
        _field("owner", {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"a": {"type": "string"}}}]}),
        "a `oneOf` of other than object schemas or plain scalars",
        f"{THING}/properties/owner/oneOf",
        id="one-of-scalars",
    ),
    pytest.param(
        _field(
            "owner",
            {
                "oneOf": [
                    {"type": "object", "properties": {"a": {"type": "string"}}},
                    {"$ref": "#/components/schemas/Thing"},
                ],
                "discriminator": {"propertyName": "a"},
            },
        ),
        "a `discriminator` over inline schemas",
        f"{THING}/properties/owner/discriminator",
        id="discriminator-inline",
    ),
    pytest.param(
        _body({"allOf": [{"$ref": "#/components/schemas/Thing"}, {"oneOf": MEMBERS}, {"anyOf": MEMBERS}]}),
        "an `anyOf` among the members of an `allOf` with another union",
        f"{BODY}/allOf/2/anyOf",
        id="all-of-with-two-unions",
    ),
    pytest.param(
        _both(
            _body({"allOf": [{"$ref": "#/components/schemas/Thing"}, {"$ref": "#/components/schemas/Either"}]}),
            lambda spec: spec["components"]["schemas"].__setitem__(
                "Either", {"anyOf": MEMBERS, "discriminator": {"propertyName": "id"}}
            ),
        ),
        "a `discriminator` on an `anyOf` among an `allOf`'s members",
        f"{BODY}/allOf/1",
        id="all-of-with-a-discriminated-union",
    ),
    pytest.param(
        _body({"type": "string"}),
        "a request body that is not a JSON object or array",
        BODY,
        id="scalar-body",
    ),
    pytest.param(
        _field(
            "labels",
            {
                "allOf": [{"$ref": "#/components/schemas/Thing"}],
                "additionalProperties": {"type": "string"},
            },
        ),
        "`additionalProperties` with a schema beside `allOf`",
        f"{THING}/properties/labels/additionalProperties",
        id="map-beside-all-of",
    ),
    pytest.param(
        _field(
            "labels",
            {
                "type": "object",
                "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            },
        ),
        "a map whose values are a `oneOf` of other than objects",
        f"{THING}/properties/labels/additionalProperties",
        id="map-of-unions",
    ),
    pytest.param(
        _field(
            "labels",
            {
                "allOf": [
                    {"type": "object", "additionalProperties": {"type": "string"}},
                    {"$ref": "#/components/schemas/Thing"},
                ]
            },
        ),
        "a map (`additionalProperties` with a schema) as a member of `allOf`",
        f"{THING}/properties/labels/allOf/0",
        id="map-in-an-all-of",
    ),
    pytest.param(
        lambda spec: (
            spec["components"]["schemas"].__setitem__(
                "Labels", {"type": "object", "additionalProperties": {"type": "string"}}
            ),
            _field("labels", {"allOf": [{"$ref": "#/components/schemas/Labels"}]})(spec),
        ),
        "a map (`additionalProperties` with a schema) as a member of `allOf`",
        f"{THING}/properties/labels/allOf/0",
        id="map-component-in-an-all-of",
    ),
    pytest.param(
        _field("owner", {"type": "object", "properties": {"secret": {"type": "string", "writeOnly": True}}}),
        "`writeOnly` on other than a property of a component schema",
        f"{THING}/properties/owner/properties/secret/writeOnly",
        id="write-only-in-an-inline-model",
    ),
]


@pytest.mark.parametrize(("edit", "construct", "pointer"), CASES)
def test_a_construct_outside_the_matrix_is_refused_at_its_pointer(edit: Any, construct: str, pointer: str) -> None:
    spec = base()
    edit(spec)

    refusals = unsupported(OpenAPI(spec))

    assert [(refusal.pointer, construct in refusal.construct) for refusal in refusals] == [(pointer, True)]


def test_a_key_in_the_query_string_is_refused_saying_it_would_leak_into_logs() -> None:
    spec = base()
    spec["components"]["securitySchemes"]["key"] = {"type": "apiKey", "in": "query", "name": "k"}

    (refusal,) = unsupported(OpenAPI(spec))

    assert "access logs" in refusal.hint
    assert "API keys in a header or a cookie are supported" in refusal.hint


def test_api_keys_in_headers_alone_together_and_as_alternatives_are_accepted() -> None:
    spec = base()
    spec["components"]["securitySchemes"]["partner"] = {"type": "apiKey", "in": "header", "name": "X-Partner-Key"}
    spec["components"]["securitySchemes"]["tenant"] = {"type": "apiKey", "in": "header", "name": "X-Tenant-Key"}
    _get(spec)["security"] = [{"partner": [], "tenant": []}, {"bearer": []}, {}]

    assert unsupported(OpenAPI(spec)) == []


@pytest.mark.parametrize("keyword", ["oneOf", "anyOf"])
@pytest.mark.parametrize("discriminator", [{}, {"discriminator": {"propertyName": "id"}}], ids=["plain", "tagged"])
def test_a_union_of_objects_as_the_whole_request_body_is_accepted(keyword: str, discriminator: Spec) -> None:
    spec = base()
    _body({keyword: MEMBERS, **discriminator})(spec)

    assert unsupported(OpenAPI(spec)) == []


def test_a_server_url_with_variables_is_accepted() -> None:
    spec = base()
    spec["servers"].append(
        {
            "url": "https://{region}.api.example/{version}",
            "description": "Regional",
            "variables": {"region": {"default": "co", "enum": ["co", "mx"]}, "version": {"default": "v1"}},
        }
    )

    assert unsupported(OpenAPI(spec)) == []


def test_the_base_document_and_the_project_spec_are_accepted_whole() -> None:
    assert unsupported(OpenAPI(base())) == []
    assert unsupported(OpenAPI.from_file(ROOT / "openapi.yaml")) == []


# --- through `make generate` ---------------------------------------------------------------------------


def _generate(tmp_path: Path, spec: Spec | str) -> subprocess.CompletedProcess[str]:
    """Run the generator in check mode on a spec file: it never writes to the project."""
    path = tmp_path / "openapi.yaml"
    path.write_text(spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return run_generate(ROOT, "--check", "--spec", str(path))


def test_make_generate_names_every_refused_construct_and_exits_non_zero(tmp_path: Path) -> None:
    spec = base()
    _add_parameter({"name": "ids", "in": "cookie", "schema": {"type": "object", "properties": {"a": {}}}})(spec)
    _add_parameter({"name": "a session", "in": "cookie", "schema": {"type": "string"}})(spec)

    completed = _generate(tmp_path, spec)

    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    source = str(tmp_path / "openapi.yaml")
    assert (
        f"{source}#{GET}/parameters/1/schema: an object cookie parameter (`ids`) is not supported" in completed.stderr
    )
    refusal = f"{source}#{GET}/parameters/2/name: a cookie parameter named `a session` is not supported"
    assert refusal in completed.stderr
    assert "uses 2 constructs the generator does not support" in completed.stderr
    assert "docs/spec-support.md" in completed.stderr


def _with_create(new_thing: Spec) -> Spec:
    spec = base()
    spec["paths"]["/things"] = {
        "post": {
            "operationId": "createThing",
            "tags": ["Things"],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}},
            },
            "responses": {"201": {"description": "created"}},
        }
    }
    spec["components"]["schemas"]["NewThing"] = new_thing
    return spec


@pytest.mark.parametrize(
    ("new_thing", "line"),
    [
        pytest.param(
            {
                "type": "object",
                "properties": {
                    "line": {"type": "object", "properties": {"amount": {"type": "integer", "multipleOf": 100}}}
                },
            },
            "#/components/schemas/NewThing/properties/line/properties/amount/multipleOf: `multipleOf` in a request "
            "body field is not supported (it would not be checked)",
            id="unchecked-nested-rule",
        ),
        pytest.param(
            {"type": "object", "properties": {"parent": {"$ref": "#/components/schemas/NewThing"}}},
            "#/components/schemas/NewThing/properties/parent: a recursive schema as a request body field is not "
            "supported (it cannot be checked before sending)",
            id="recursive-body-field",
        ),
        pytest.param(
            {"type": "object", "properties": {"amount": {"type": "integer", "multipleOf": 100}}},
            "#/components/schemas/NewThing/properties/amount/multipleOf: `multipleOf` on a body argument (`amount`) "
            "is not supported (it would not be checked)",
            id="unchecked-rule",
        ),
    ],
)
def test_a_construct_refused_once_parsed_is_named_at_its_pointer(tmp_path: Path, new_thing: Spec, line: str) -> None:
    """What only the parsed schema shows: a body field type with no argument rendering, rules with no check."""
    completed = _generate(tmp_path, _with_create(new_thing))

    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    assert line in completed.stderr


def test_const_is_checked_in_a_body_but_refused_on_a_parameter_naming_it_and_its_pointer(tmp_path: Path) -> None:
    """A query string has no typed value to compare with `const`: the rule would not be checked."""
    spec = _with_create({"type": "object", "properties": {"version": {"type": "integer", "const": 2}}})
    spec["paths"]["/things"]["get"] = {
        "operationId": "listThings",
        "tags": ["Things"],
        "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string", "const": "thing"}}],
        "responses": {"204": {"description": "none"}},
    }

    completed = _generate(tmp_path, spec)

    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    line = "#/paths/~1things/get/parameters/0/schema/const: `const` on a query argument (`kind`) is not supported"
    assert line in completed.stderr
    assert "version" not in completed.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("openapi: 3.0.3\npaths: [\n", "is not valid YAML"),
        ("openapi: 2.0\npaths: {}\n", "#/openapi: Only OpenAPI 3.0.x and 3.1.x are read"),
        (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: '#/paths/~1b'\n"
            "  /b:\n    $ref: '#/paths/~1a'\n",
            "#/paths/~1a/$ref: A loop of references: #/paths/~1b -> #/paths/~1a",
        ),
    ],
)
def test_a_spec_the_index_cannot_read_is_one_line_not_a_traceback(tmp_path: Path, text: str, message: str) -> None:
    completed = _generate(tmp_path, text)

    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert message in completed.stderr


def test_invalid_generated_python_shows_rufs_own_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("value = (\n", encoding="utf-8")

    with pytest.raises(generate.GenerationError) as caught:
        generate._run(generate.BIN / "ruff", "format", "--isolated", broken, what="the generated code; ruff")

    assert "broken.py:2:1" in str(caught.value)
    assert "the generated code; ruff failed" in str(caught.value)
