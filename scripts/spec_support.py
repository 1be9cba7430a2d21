"""Which OpenAPI constructs the generator turns into code, and a refusal naming any other.

`make generate` runs ``unsupported`` over the spec index before it renders anything. Every
construct of a document is either in the matrix of ``docs/spec-support.md`` (and becomes the
Python written there) or is refused here, with its name and its JSON Pointer in ``openapi.yaml``,
so that nothing is silently dropped or half-generated. To support a construct, teach
``scripts/operations.py`` and the templates to generate it, add a row to the matrix and its test
(``tests/scripts/test_spec_matrix.py``), and remove its refusal here: see CONTRIBUTING.md.

The checks read the raw document through the index; those that depend on how
openapi-python-client parsed a schema (the type of an argument, the body of an answer) are made
in ``scripts/operations.py``, which raises ``Unsupported`` with the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from palomma_client._openapi import MediaType, OpenAPI, Operation, Parameter, SecurityScheme, SpecError, join_pointer

__all__ = [
    "ENVIRONMENT_EXTENSION",
    "SUPPORTED_METHODS",
    "UNCHECKED_ARGUMENT_RULES",
    "EnvironmentView",
    "Refusal",
    "SchemeView",
    "Unsupported",
    "VariableView",
    "environments",
    "fills_itself",
    "requirements",
    "security_schemes",
    "union_in_all_of",
    "unsupported",
]

ENVIRONMENT_EXTENSION = "x-palomma-environment"
"""A server's environment name, when its description does not give the one wanted."""

SUPPORTED_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
SUPPORTED_PARAMETER_LOCATIONS = frozenset({"path", "query", "header", "cookie"})
_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})

IDEMPOTENCY_HEADER = "idempotency-key"
"""The header of an idempotency key (the IETF httpapi draft's name), which the client fills itself."""

GENERATED_KEY_SAMPLE = "7b4d8b9e-2c1f-4a57-9e3a-5d0f6c2b1a84"
"""A key as the client makes them (``str(uuid.uuid4())``), tried against the spec's rules for the header."""

_KEY_RULES = frozenset({"type", "format", "minLength", "maxLength", "pattern"})
_KEY_TEXTS = frozenset({"description", "example", "examples", "deprecated"})

# Rules an argument's check cannot enforce yet; on an argument they are refused rather than left unchecked.
# (`const` is checked in a request body, checked as JSON, and refused on a parameter: see operations.py.)
UNCHECKED_ARGUMENT_RULES = ("multipleOf",)

# Schema keywords with no Python rendering yet; each becomes a refusal wherever it appears.
_REFUSED_KEYWORDS = {
    "not": "`not`",
    "if": "`if`/`then`/`else`",
    "patternProperties": "`patternProperties`",
    "prefixItems": "`prefixItems` (a tuple)",
    "dependentSchemas": "`dependentSchemas`",
    "unevaluatedProperties": "`unevaluatedProperties`",
    "$dynamicRef": "`$dynamicRef`",
}
# Where a schema holds other schemas: (keyword, how its value holds them).
_SUBSCHEMAS = (
    ("properties", "map"),
    ("items", "one"),
    ("additionalProperties", "one"),
    ("allOf", "list"),
    ("anyOf", "list"),
    ("oneOf", "list"),
    ("not", "one"),
)
# Parts of a document that describe the API to people and generate no code.
DOCUMENTATION_ONLY = ("info", "tags", "externalDocs", "webhooks", "callbacks", "links", "examples", "example", "xml")


@dataclass(frozen=True, slots=True)
class Refusal:
    """A construct the generator does not support.

    Attributes:
        construct: What it is, for a sentence (`a header parameter`).
        pointer: Where it is in the document (a JSON Pointer).
        hint: What happens to it, or what to do instead.
    """

    construct: str
    pointer: str
    hint: str = ""

    def message(self, source: str) -> str:
        """The line `make generate` prints: file and pointer, the construct, the hint."""
        text = f"{source}#{self.pointer}: {self.construct} is not supported"
        return text + (f" ({self.hint})" if self.hint else "")


class Unsupported(Exception):
    """Raised while generating when a parsed construct has no rendering; carries the refusals."""

    def __init__(self, *refusals: Refusal) -> None:
        super().__init__("; ".join(f"{refusal.construct} at #{refusal.pointer}" for refusal in refusals))
        self.refusals = refusals


@dataclass(frozen=True, slots=True)
class VariableView:
    """A variable of a server's URL.

    Attributes:
        name: What `server_variables=` takes (`region`), and the URL's placeholder (`{region}`).
        default: Its value when none is given.
        enum: The values it may take; empty when the spec allows any.
    """

    name: str
    default: str
    enum: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EnvironmentView:
    """One environment of the client: a server of the spec, named.

    Attributes:
        name: What `environment=` and `PALOMMA_ENVIRONMENT` take (`sandbox`).
        member: The `Environment` enum member's name (`SANDBOX`).
        url: The server's URL, its variables at their defaults, without a trailing slash.
        description: The server's description.
        pointer: Where the server is in the document.
        template: The server's URL with its `{variables}`, without a trailing slash.
        variables: The variables of its URL, in the document's order.
    """

    name: str
    member: str
    url: str
    description: str
    pointer: str
    template: str = ""
    variables: tuple[VariableView, ...] = ()

    @property
    def summary(self) -> str:
        """The description on one line, safe inside a docstring (the name when there is none)."""
        text = " ".join(self.description.split()) or self.name
        return text.replace("\\", "/").replace('"', "'").rstrip(".")


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_GENERIC_WORDS = frozenset({"server", "servers", "environment", "api", "url", "endpoint"})
_ENVIRONMENT_NAME = re.compile(r"[a-z][a-z0-9_]*")


def environments(spec: OpenAPI) -> tuple[list[EnvironmentView], list[Refusal]]:
    """The client's environments, one per server, named by `x-palomma-environment` or the description.

    A description is turned into a name by its words in lower case joined with `_`, less generic
    words (`Production` -> `production`, `Staging server` -> `staging`). The first server is the
    default environment.

    Returns:
        The environments in the document's order, and a refusal for each server that cannot be named.
    """
    views: list[EnvironmentView] = []
    refusals: list[Refusal] = []
    if "servers" not in spec.document:
        return views, [Refusal("a document without `servers`", "/servers", "list each environment's URL")]
    for server in spec.servers:
        written = server.extensions.get(ENVIRONMENT_EXTENSION)
        if isinstance(written, str):
            name = written.strip().lower().replace("-", "_")
        else:
            words = [word for word in re.split(r"[^a-z0-9]+", server.description.lower()) if word]
            name = "_".join(word for word in words if word not in _GENERIC_WORDS) or "_".join(words)
        if not _ENVIRONMENT_NAME.fullmatch(name):
            refusals.append(
                Refusal(
                    "a server with no environment name",
                    server.pointer,
                    f"give it a one-word `description` or `{ENVIRONMENT_EXTENSION}: <name>`",
                )
            )
            continue
        if any(view.name == name for view in views):
            hint = f"set `{ENVIRONMENT_EXTENSION}`"
            refusals.append(Refusal(f"a second server named `{name}`", server.pointer, hint))
            continue
        variables = tuple(VariableView(v.name, v.default, v.enum) for v in server.variables.values())
        url, template = server.default_url().rstrip("/"), server.url.rstrip("/")
        views.append(EnvironmentView(name, name.upper(), url, server.description, server.pointer, template, variables))
    return views, refusals


def unsupported(spec: OpenAPI) -> list[Refusal]:
    """Every construct of the document outside the matrix, in document order.

    Args:
        spec: The spec index of the document.

    Returns:
        The refusals; empty when the generator can render the whole document.
    """
    refusals: list[Refusal] = []
    if "paths" not in spec.document:
        # OpenAPI 3.1 lets a document hold only components or webhooks; an SDK needs operations.
        refusals.append(Refusal("a document without `paths`", "/paths", "the SDK's methods are its operations"))
    refusals += _servers(spec)
    refusals += _security(spec)
    for operation in spec.operations:
        refusals += _operation(spec, operation)
    for pointer, schema in _schemas(spec):
        refusals += _schema(spec, schema, pointer)
    refusals += _map_references(spec)
    # One refusal per place and construct, in the document's order.
    unique = {(refusal.pointer, refusal.construct): refusal for refusal in refusals}
    return sorted(unique.values(), key=lambda refusal: _order(spec, refusal.pointer))


def _order(spec: OpenAPI, pointer: str) -> tuple[int, str]:
    top = ["openapi", "info", "servers", "security", "tags", "paths", "components"]
    first = pointer.split("/")[1] if pointer.count("/") else ""
    return (top.index(first) if first in top else len(top), pointer)


def _servers(spec: OpenAPI) -> Iterator[Refusal]:
    yield from environments(spec)[1]
    for server in spec.servers:
        for placeholder in _PLACEHOLDER.findall(server.url):
            if placeholder not in server.variables:
                yield Refusal(
                    f"a server URL placeholder `{{{placeholder}}}` with no variable",
                    join_pointer(server.pointer, "url"),
                    "declare it under `variables` with a `default`",
                )
        for variable in server.variables.values():
            if variable.enum and variable.default not in variable.enum:
                yield Refusal(
                    f"a server variable `{variable.name}` whose default is not one of its `enum`",
                    join_pointer(server.pointer, "variables", variable.name, "default"),
                )
        if not server.default_url().startswith(("https://", "http://")):
            yield Refusal("a relative server URL", join_pointer(server.pointer, "url"), "give the absolute URL")
    for pointer, node in _path_items(spec):
        if "servers" in node:
            yield Refusal("`servers` on a path item", join_pointer(pointer, "servers"), "the client has one base URL")
    for operation in spec.operations:
        if "servers" in operation.node:
            yield Refusal(
                "`servers` on an operation", join_pointer(operation.pointer, "servers"), "the client has one base URL"
            )


def _security(spec: OpenAPI) -> Iterator[Refusal]:
    for scheme in spec.security_schemes.values():
        refusal = _scheme_refusal(scheme)
        if refusal is not None:
            yield refusal
    schemes = spec.security_schemes
    for operation in spec.operations:
        pointer = join_pointer(operation.pointer, "security") if "security" in operation.node else "/security"
        for index, requirement in enumerate(operation.security):
            for name in requirement:
                if name not in schemes:
                    yield Refusal(f"a requirement of the undeclared scheme `{name}`", join_pointer(pointer, index))
            headers = [_scheme_header(schemes[name]).lower() for name in requirement if name in schemes]
            if len(set(headers)) < len(headers):
                yield Refusal(
                    "a security requirement of several schemes sent in one header",
                    join_pointer(pointer, index),
                    "each scheme of a requirement needs a header of its own",
                )


# Headers the SDK writes itself: a credential there would be overwritten or would break the request.
_RESERVED_HEADERS = frozenset(
    {"accept", "accept-encoding", "connection", "content-length", "content-type", "host", "user-agent"}
)
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _scheme_refusal(scheme: SecurityScheme) -> Refusal | None:
    """Why the client cannot send a credential of ``scheme``, or ``None`` when it can."""
    if scheme.type == "http" and scheme.scheme in ("bearer", "basic"):
        return None
    if scheme.type == "apiKey" and scheme.location == "header":
        name = scheme.parameter_name
        if not _HEADER_NAME.fullmatch(name) or name.lower() in _RESERVED_HEADERS:
            return Refusal(
                f"the API key header `{name}` of the security scheme `{scheme.name}`",
                join_pointer(scheme.pointer, "name"),
                "name a header of its own, such as `X-Api-Key`",
            )
        return None
    if scheme.type == "apiKey" and scheme.location == "cookie":
        # A cookie's name is an HTTP token (RFC 6265): anything else would break the `Cookie` header.
        if not _HEADER_NAME.fullmatch(scheme.parameter_name):
            return Refusal(
                f"the API key cookie `{scheme.parameter_name}` of the security scheme `{scheme.name}`",
                join_pointer(scheme.pointer, "name"),
                "a cookie name is letters, digits and `!#$%&'*+.^_`|~-`",
            )
        return None
    hint = "HTTP bearer and basic, and API keys in a header or a cookie are supported"
    if scheme.type == "apiKey":
        if scheme.location == "query":
            hint = (
                "a key in the query string is written into the access logs of every proxy and server the URL "
                "passes, and into the SDK's own logs; " + hint
            )
        return Refusal(
            f"the security scheme `{scheme.name}` (an API key in a {scheme.location or '?'})", scheme.pointer, hint
        )
    kind = f"{scheme.type} {scheme.scheme}".strip()
    return Refusal(f"the security scheme `{scheme.name}` ({kind})", scheme.pointer, hint)


@dataclass(frozen=True, slots=True)
class SchemeView:
    """One security scheme the client sends a credential of.

    Attributes:
        name: The scheme's name in `components.securitySchemes`: a key of `credentials=`.
        header: The header the credential travels in (`Cookie` for an API key in a cookie).
        prefix: What comes before the credential in that header (`Bearer `, `Basic `, `sid=`).
        basic: Whether the credential is a user name and password (HTTP basic) rather than a key.
        kind: For the docstring: `HTTP bearer`, `HTTP basic`, `API key` or `API key in a cookie`.
    """

    name: str
    header: str
    prefix: str
    basic: bool
    kind: str


def security_schemes(spec: OpenAPI) -> list[SchemeView]:
    """The security schemes of the document the client sends credentials of, in document order.

    Refused schemes (see ``_scheme_refusal``) stop generation before this is read.
    """
    views = []
    for scheme in spec.security_schemes.values():
        header = _scheme_header(scheme)
        if scheme.type == "http":
            basic = scheme.scheme == "basic"
            prefix, kind = ("Basic ", "HTTP basic") if basic else ("Bearer ", "HTTP bearer")
        elif scheme.location == "cookie":
            basic, prefix, kind = False, f"{scheme.parameter_name}=", "API key in a cookie"
        else:
            basic, prefix, kind = False, "", "API key"
        views.append(SchemeView(scheme.name, header, prefix, basic, kind))
    return views


def requirements(security: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, ...], ...]:
    """Security requirements as generated code records them: alternatives, each the schemes it needs at once."""
    return tuple(tuple(requirement) for requirement in security)


def _scheme_header(scheme: SecurityScheme) -> str:
    if scheme.type != "apiKey":
        return "Authorization"
    return "Cookie" if scheme.location == "cookie" else scheme.parameter_name


def _path_items(spec: OpenAPI) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for template in spec.document.get("paths") or {}:
        node, pointer = spec.resolve_at(join_pointer("/paths", template))
        yield pointer, node


def _operation(spec: OpenAPI, operation: Operation) -> Iterator[Refusal]:
    if operation.method not in SUPPORTED_METHODS:
        yield Refusal(f"the HTTP method {operation.method.upper()}", operation.pointer)
        return
    declared = [parameter.name for parameter in operation.parameters_in("path")]
    if sorted(declared) != sorted(operation.path_parameter_names):
        yield Refusal(
            f"a path template whose placeholders ({', '.join(operation.path_parameter_names) or 'none'}) are not its "
            f"path parameters ({', '.join(declared) or 'none'})",
            operation.pointer,
            "declare one path parameter per placeholder",
        )
    for parameter in operation.parameters:
        if parameter.location not in SUPPORTED_PARAMETER_LOCATIONS:
            yield Refusal(f"a {parameter.location} parameter (`{parameter.name}`)", parameter.pointer)
            continue
        if "content" in parameter.node:
            yield Refusal("a parameter given by `content`", join_pointer(parameter.pointer, "content"))
        if parameter.node.get("allowReserved"):
            yield Refusal("`allowReserved` on a parameter", join_pointer(parameter.pointer, "allowReserved"))
        if _type(parameter.schema) == "object":
            yield from _object_parameter(spec, operation, parameter)
            continue
        # `explode` changes only how a query array is sent (repeated, or one value with commas); the
        # simple style of path and header parameters sends an array of scalars with commas either way.
        style = parameter.node.get("style")
        if style is not None and style != ("form" if parameter.location in ("query", "cookie") else "simple"):
            yield Refusal(f"`style: {style}` on a parameter", join_pointer(parameter.pointer, "style"))
        if _type(parameter.schema) == "array":
            items, items_pointer = spec.resolve(
                parameter.schema.get("items", {}), join_pointer(parameter.schema_pointer, "items")
            )
            if not isinstance(items, Mapping) or _type(items) not in _SCALAR_TYPES:
                construct = (
                    f"a {parameter.location} parameter (`{parameter.name}`) that is an array of other than scalars"
                )
                yield Refusal(construct, items_pointer, "an array of strings, numbers or booleans is supported")
    yield from _cookie_parameters(spec, operation)
    if operation.request_body is not None:
        content = operation.request_body.content
        if len(content) != 1 or not (content[0].is_json or content[0].is_form or content[0].is_multipart):
            names = ", ".join(f"`{media.name}`" for media in content) or "none"
            yield Refusal(
                f"a request body in {names}",
                join_pointer(operation.request_body.pointer, "content"),
                "one JSON type, `application/x-www-form-urlencoded` or `multipart/form-data`",
            )
        elif content[0].is_form or content[0].is_multipart:
            yield from _form_body(spec, content[0])
        elif content[0].schema is None or not (
            _is_object(content[0].schema) or _is_union(content[0].schema) or _type(content[0].schema) == "array"
        ):
            at = content[0].schema_pointer or content[0].pointer
            construct = "a request body that is not a JSON object or array"
            yield Refusal(construct, at, "give the body an object or array schema")
    successes = operation.success_responses()
    for response in successes:
        if not response.status.isdigit():
            yield Refusal(f"a `{response.status}` success response", response.pointer, "give its status")
        if len(response.content) > 1:
            names = ", ".join(f"`{media.name}`" for media in response.content)
            yield Refusal(f"a success response in several media types ({names})", response.pointer, "give one")
        for media in response.content:
            if media.is_json and media.schema is not None and not _is_object(media.schema):
                if _is_union(media.schema):
                    continue  # its members are checked as schemas: objects, or refused there
                yield Refusal("a success answer that is not a JSON object", media.schema_pointer or media.pointer)
    bodies = {
        ("json" if media.is_json else media.name, media.schema_pointer)
        for response in successes
        for media in response.content
    }
    if len(bodies) > 1:
        yield Refusal("success responses with different bodies", join_pointer(operation.pointer, "responses"))


def _form_body(spec: OpenAPI, media: MediaType) -> Iterator[Refusal]:
    """Refuse a form body other than an object of named scalar or array-of-scalar fields, none nullable;
    a multipart one may have files too (`type: string`, `format: binary`)."""
    schema, pointer = media.schema, media.schema_pointer or media.pointer
    if "encoding" in media.node:
        yield Refusal("`encoding` of a form body", join_pointer(media.pointer, "encoding"), "fields are sent as form")
    nullable = schema is not None and _takes_null(spec, media.node.get("schema"), schema, pointer)
    if schema is None or not _is_object(schema) or _is_map(schema) or nullable:
        yield Refusal(
            "a form body that is not an object of named fields", pointer, "give it `properties`, each a scalar"
        )
        return
    for name, (field_schema, at) in spec.object_properties(pointer).items():
        kind = _type(field_schema)
        if kind == "string" and field_schema.get("format") == "binary":
            if not media.is_multipart:
                yield Refusal(
                    f"a file field (`{name}`) of a urlencoded form body", at, "send it as multipart/form-data"
                )
            continue
        if kind == "array":
            items, at = spec.resolve(field_schema.get("items", {}), join_pointer(at, "items"))
            binary = isinstance(items, Mapping) and items.get("format") == "binary"
            kind = _type(items) if isinstance(items, Mapping) and not binary else ""
        if kind not in _SCALAR_TYPES or _takes_null(spec, field_schema, field_schema, at):
            yield Refusal(
                f"a field (`{name}`) of a form body that is not a scalar or an array of scalars",
                at,
                "a form sends strings, numbers and booleans, an array's items repeated; send JSON for more",
            )


def _cookie_parameters(spec: OpenAPI, operation: Operation) -> Iterator[Refusal]:
    """Refuse a cookie parameter whose name cannot be a cookie's, or that an API key cookie would also fill."""
    keys = {
        spec.security_schemes[name].parameter_name
        for requirement in operation.security
        for name in requirement
        if name in spec.security_schemes and spec.security_schemes[name].location == "cookie"
    }
    for parameter in operation.parameters_in("cookie"):
        if not _HEADER_NAME.fullmatch(parameter.name):
            yield Refusal(
                f"a cookie parameter named `{parameter.name}`",
                join_pointer(parameter.pointer, "name"),
                "a cookie name is letters, digits and `!#$%&'*+.^_`|~-`",
            )
        elif parameter.name in keys:
            yield Refusal(
                f"a cookie parameter (`{parameter.name}`) named as the operation's API key cookie",
                join_pointer(parameter.pointer, "name"),
                "one cookie would carry both",
            )


def _component_property(pointer: str) -> bool:
    """Whether ``pointer`` is a property of a component schema, directly or through its ``allOf`` members."""
    tokens = pointer.split("/")
    if tokens[:3] != ["", "components", "schemas"] or len(tokens) < 6:
        return False
    hops = tokens[4:]
    while hops[:1] == ["allOf"] and len(hops) > 2:
        hops = hops[2:]
    return len(hops) == 2 and hops[0] == "properties"


def _object_parameter(spec: OpenAPI, operation: Operation, parameter: Parameter) -> Iterator[Refusal]:
    """Refuse an object parameter other than one of named scalar properties: in the query exploded or
    `deepObject`, in the path or a header in the simple style."""
    name, schema, pointer = parameter.name, parameter.schema, parameter.schema_pointer
    location = parameter.location
    style = parameter.node.get("style", "form" if location == "query" else "simple")
    if location not in ("query", "path", "header"):
        yield Refusal(f"an object {location} parameter (`{name}`)", pointer, "an object query, path or header one is")
        return
    if style not in (("form", "deepObject") if location == "query" else ("simple",)):
        yield Refusal(f"`style: {style}` on an object parameter", join_pointer(parameter.pointer, "style"))
        return
    if location == "query" and parameter.node.get("explode", True) is False:
        yield Refusal(
            f"an object query parameter (`{name}`) with `explode: false`",
            join_pointer(parameter.pointer, "explode"),
            "`explode: true` (one pair per property) and `style: deepObject` are supported",
        )
        return
    if schema.get("additionalProperties", False) is not False or not schema.get("properties"):
        yield Refusal(
            f"an object {location} parameter (`{name}`) with other than named properties",
            pointer,
            "declare its `properties`, each a string, number or boolean",
        )
        return
    for key, value in schema["properties"].items():
        at = join_pointer(pointer, "properties", key)
        resolved, at = spec.resolve(value, at)
        if not isinstance(resolved, Mapping) or _type(resolved) not in _SCALAR_TYPES:
            construct = f"a property (`{key}`) of an object {location} parameter (`{name}`) that is not a scalar"
            yield Refusal(construct, at, "each property is sent as one value: a string, number or boolean")
    if location == "query" and style == "form":
        # Exploded, each property is a query parameter of its own: it must not be one the operation has.
        others = {other.name for other in operation.parameters_in("query") if other.name != name}
        for key in sorted(set(schema["properties"]) & others):
            construct = f"a property (`{key}`) of an object query parameter (`{name}`) named as another query parameter"
            yield Refusal(construct, join_pointer(pointer, "properties", key), "or use `style: deepObject`")


def _is_object(schema: Mapping[str, Any]) -> bool:
    """Whether a schema is a JSON object: of type object, or an ``allOf`` composition with no other type."""
    return _type(schema) == "object" or ("allOf" in schema and not schema.get("type"))


def _is_union(schema: Mapping[str, Any]) -> bool:
    """Whether a schema is a ``oneOf``/``anyOf`` and nothing else: a union its members define."""
    return any(isinstance(schema.get(keyword), list) for keyword in ("oneOf", "anyOf")) and _type(schema) in (
        "",
        "object",
    )


def _takes_null(spec: OpenAPI, written: Any, schema: Mapping[str, Any], pointer: str) -> bool:
    """Whether a schema takes null: ``nullable: true`` (beside a ``$ref`` too, as ``written`` has it), a
    ``type`` list with ``null`` (3.1), or a ``{type: 'null'}`` member of its ``oneOf``/``anyOf``."""
    if isinstance(written, Mapping) and written.get("nullable") is True:
        return True
    if schema.get("nullable") is True or "null" in (schema.get("type") or ()):
        return True
    for keyword in ("oneOf", "anyOf"):
        for index, member in enumerate(schema.get(keyword) or ()):
            resolved, _ = spec.resolve(member, join_pointer(pointer, keyword, index))
            if isinstance(resolved, Mapping) and resolved.get("type") == "null":
                return True
    return False


def _type(schema: Mapping[str, Any]) -> str:
    """A schema's type without `null` (3.1 writes nullable as `type: [x, "null"]`); `""` when it has none."""
    written = schema.get("type")
    if isinstance(written, list):
        kinds = [kind for kind in written if kind != "null"]
        return kinds[0] if len(kinds) == 1 else "|".join(kinds)
    if written is None and "properties" in schema:
        return "object"
    return str(written or "")


def union_in_all_of(spec: OpenAPI, schema: Any, pointer: str) -> tuple[int, str, Any] | None:
    """The one ``oneOf``/``anyOf`` member of an ``allOf`` (inline or by ``$ref``): (index, keyword, union), or ``None``.

    Shared fields plus one of several shapes: ``allOf: [Refund, {oneOf: [Card, Pse]}]``.
    """
    if not isinstance(schema, Mapping) or not isinstance(schema.get("allOf"), list):
        return None
    found = []
    for index, member in enumerate(schema["allOf"]):
        resolved, _ = spec.resolve(member, join_pointer(pointer, "allOf", index))
        keyword = next((key for key in ("oneOf", "anyOf") if isinstance(resolved, Mapping) and key in resolved), "")
        if keyword:
            found.append((index, keyword, resolved))
    return found[0] if len(found) == 1 else None


_MAP_ELSEWHERE = "a map (`additionalProperties` with a schema) as a member of `allOf`"
_MAP_HINT = (
    "JSON Schema applies it to every key, the other members' fields too; give one object its `properties` "
    "and `additionalProperties`, or make the map a field"
)


def _plain_scalar(schema: Mapping[str, Any]) -> bool:
    """A string, integer, number or boolean schema with no ``enum`` or ``format``: a union member as it is."""
    return _type(schema) in _SCALAR_TYPES and not ({"enum", "format", "const"} & set(schema))


def _is_map(schema: Mapping[str, Any]) -> bool:
    extra = schema.get("additionalProperties")
    return isinstance(extra, Mapping) and bool(extra)


def _map_value_refusal(spec: OpenAPI, values: Any, pointer: str) -> str | None:
    """Why a map's values are not rendered (for its refusal), or ``None`` when they are.

    Scalars (an ``enum``, a ``format`` such as ``date`` too), arrays of them or of objects,
    objects and ``oneOf``/``anyOf`` of objects are, each nullable or not. The schemas nested in
    them are checked on their own.
    """
    if not isinstance(values, Mapping):
        return "a map whose values are not a schema"
    for keyword in ("oneOf", "anyOf"):
        if isinstance(values.get(keyword), list):
            members = [spec.resolve(m, join_pointer(pointer, keyword, i))[0] for i, m in enumerate(values[keyword])]
            if all(isinstance(m, Mapping) and (_is_object(m) or m.get("type") == "null") for m in members):
                return None  # a union of objects: the union's own rules apply (spec_support's `_schema`)
            return f"a map whose values are a `{keyword}` of other than objects"
    if _is_object(values):
        return None
    if _type(values) == "array":
        items, _ = spec.resolve(values.get("items", {}), join_pointer(pointer, "items"))
        if isinstance(items, Mapping) and (_type(items) in _SCALAR_TYPES or _is_object(items)):
            return None
        return "a map whose values are arrays of other than scalars or objects"
    if _type(values) in _SCALAR_TYPES and "allOf" not in values:
        return None
    return "a map whose values are other than strings, integers, numbers, booleans, arrays or objects"


def _map_references(spec: OpenAPI) -> Iterator[Refusal]:
    """A ``$ref`` to a map component from where no map is rendered (see ``_map_place``)."""
    for pointer, node in spec.walk():
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)) or _map_place(pointer):
            continue
        try:
            target, _ = spec.resolve(node, pointer)
        except SpecError:
            continue  # the reader refuses a reference it cannot follow
        if isinstance(target, Mapping) and _is_map(target) and not target.get("properties"):
            yield Refusal(_MAP_ELSEWHERE, pointer, _MAP_HINT)


def _map_place(pointer: str) -> bool:
    """Whether a map written at ``pointer`` is one the generator renders: a ``dict`` there.

    A component (its uses are checked where they are), a field of an object, an array's items,
    another map's values, the whole body of a request or an answer, or a member of a ``oneOf`` or
    ``anyOf`` (a model whose ``additional_properties`` are the map); not a member of an ``allOf``.
    """
    tokens = pointer.split("/")
    if tokens[1:3] == ["components", "schemas"] and len(tokens) == 4:
        return True
    if len(tokens) > 2 and tokens[-2] == "properties":
        return True
    if tokens[-1] in ("items", "additionalProperties"):
        return True
    if len(tokens) > 2 and tokens[-2] in ("oneOf", "anyOf"):
        return True  # a member of a union: a model of its own, whose additional_properties are the map
    return tokens[-1] == "schema" and len(tokens) > 3 and tokens[-3] == "content" and "parameters" not in tokens


def _schemas(spec: OpenAPI) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every schema the document writes (component ones and inline ones), with its pointer, refs not followed."""
    starts: list[str] = [
        join_pointer("/components/schemas", name)
        for name in (spec.document.get("components") or {}).get("schemas") or {}
    ]
    for operation in spec.operations:
        starts += [parameter.schema_pointer for parameter in operation.parameters if parameter.schema_pointer]
        if operation.request_body is not None:
            starts += [media.schema_pointer for media in operation.request_body.content if media.schema_pointer]
        for response in operation.responses:
            starts += [media.schema_pointer for media in response.content if media.schema_pointer]
    seen: set[str] = set()
    stack = list(reversed(starts))
    while stack:
        pointer = stack.pop()
        if pointer in seen:
            continue
        seen.add(pointer)
        node = spec.at(pointer)
        if not isinstance(node, Mapping) or "$ref" in node:
            continue
        yield pointer, node
        children: list[str] = []
        for keyword, shape in _SUBSCHEMAS:
            value = node.get(keyword)
            if shape == "map" and isinstance(value, Mapping):
                children += [join_pointer(pointer, keyword, name) for name in value]
            elif shape == "list" and isinstance(value, list):
                children += [join_pointer(pointer, keyword, index) for index in range(len(value))]
            elif shape == "one" and isinstance(value, Mapping):
                children.append(join_pointer(pointer, keyword))
        stack.extend(reversed(children))


def _schema(spec: OpenAPI, schema: Mapping[str, Any], pointer: str) -> Iterator[Refusal]:
    for keyword, construct in _REFUSED_KEYWORDS.items():
        if keyword in schema:
            yield Refusal(construct, join_pointer(pointer, keyword))
    if schema.get("writeOnly") is True and not _component_property(pointer):
        yield Refusal(
            "`writeOnly` on other than a property of a component schema",
            join_pointer(pointer, "writeOnly"),
            "move the property's object into components.schemas",
        )
    for keyword in ("oneOf", "anyOf"):
        members = schema.get(keyword)
        if isinstance(members, list):
            resolved = [spec.resolve(member, join_pointer(pointer, keyword, i))[0] for i, member in enumerate(members)]
            kinds = [m for m in resolved if not (isinstance(m, Mapping) and m.get("type") == "null")]
            # A member that is itself a union of objects is checked where it is written; the parser flattens it.
            objects = all(isinstance(m, Mapping) and (_is_object(m) or _is_union(m)) for m in kinds)
            if not objects and not all(isinstance(m, Mapping) and _plain_scalar(m) for m in kinds):
                yield Refusal(
                    f"a `{keyword}` of other than object schemas or plain scalars (`string`, `integer`, `number`, "
                    "`boolean`, with no `enum` or `format`)",
                    join_pointer(pointer, keyword),
                )
            elif "discriminator" in schema and not all(isinstance(m, Mapping) and "$ref" in m for m in members):
                yield Refusal("a `discriminator` over inline schemas", join_pointer(pointer, "discriminator"))
    unions = []
    for index, member in enumerate(schema.get("allOf") or ()):
        at = join_pointer(pointer, "allOf", index)
        resolved, _ = spec.resolve(member, at)
        keyword = next((key for key in ("oneOf", "anyOf") if isinstance(resolved, Mapping) and key in resolved), "")
        if keyword:
            unions.append((at if "$ref" in member else join_pointer(at, keyword), keyword, resolved))
    # One union among the members is generated as a union of merged models (see generate._distributed_unions).
    for at, keyword, _ in unions[1:]:
        yield Refusal(
            f"{'an' if keyword == 'anyOf' else 'a'} `{keyword}` among the members of an `allOf` with another union",
            at,
            "the union of merged models would multiply out; write a `oneOf` of component schemas, each an "
            "`allOf` of the shared schema and one member",
        )
    for at, keyword, union in unions[:1] if len(unions) == 1 else ():
        if "discriminator" in union:
            yield Refusal(
                f"a `discriminator` on {'an' if keyword == 'anyOf' else 'a'} `{keyword}` among an `allOf`'s members",
                at,
                "write a `oneOf` of component schemas, each an `allOf` of the shared schema and one member, "
                "with the discriminator on it",
            )
    written = schema.get("type")
    listed = {kind for kind in written if kind != "null"} if isinstance(written, list) else set()
    if len(listed) > 1 and not (listed <= _SCALAR_TYPES and _plain_scalar({**schema, "type": "string"})):
        yield Refusal("a schema of several types other than plain scalars", join_pointer(pointer, "type"))
    if _is_map(schema):
        at = join_pointer(pointer, "additionalProperties")
        values, values_pointer = spec.resolve(schema["additionalProperties"], at)
        if schema.get("allOf"):
            yield Refusal(
                "`additionalProperties` with a schema beside `allOf` (a composition that is also a map)", at, _MAP_HINT
            )
        elif (refused := _map_value_refusal(spec, values, values_pointer)) is not None:
            yield Refusal(refused, at)
        elif not schema.get("properties") and not _map_place(pointer):
            yield Refusal(_MAP_ELSEWHERE, pointer, _MAP_HINT)
    if _type(schema) == "array" and isinstance(schema.get("items"), Mapping):
        inner, _ = spec.resolve(schema["items"], join_pointer(pointer, "items"))
        if isinstance(inner, Mapping) and _type(inner) == "array":
            yield Refusal("an array of arrays", join_pointer(pointer, "items"))


def fills_itself(header: str, schema: Mapping[str, Any]) -> bool:
    """Whether the client fills a header parameter itself when the caller gives none: an idempotency key.

    Only where the spec's rules for it (``schema``, references resolved) take a key the client makes,
    a UUID's text: rules beyond a string's length, pattern and format (an enum, say) mean the API
    wants keys of its own kind, and the caller then gives each one, as the spec says.
    """
    if header.lower() != IDEMPOTENCY_HEADER or not set(schema) <= _KEY_RULES | _KEY_TEXTS:
        return False
    kinds = schema.get("type", "string")
    sample = GENERATED_KEY_SAMPLE
    return (
        (kinds == "string" or (isinstance(kinds, list) and "string" in kinds))
        and schema.get("format", "uuid") == "uuid"
        and int(schema.get("minLength", 0)) <= len(sample) <= int(schema.get("maxLength", len(sample)))
        and re.search(str(schema.get("pattern", "")), sample) is not None
    )
