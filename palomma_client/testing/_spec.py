"""The OpenAPI document the fake serves, read once: its operations, their parameters and schemas.

By default that is the copy of openapi.yaml shipped in the package (`palomma_client/_generated/openapi.json`,
written by `make generate`), so the fake follows the spec the SDK was generated from. Everything the
fake knows about routes, parameters, limits, enumerations and response shapes is read from here,
through the SDK's spec index (`palomma_client._openapi`): references, merged path-item parameters and
effective security mean what they mean to the generator.
"""

from __future__ import annotations

import copy
import importlib.resources
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from palomma_client import _openapi
from palomma_client._openapi import SpecError, escape_token

__all__ = [
    "HTTP_METHODS",
    "SPEC_URI",
    "SUPPORTED_VERSIONS",
    "ApiSpec",
    "MediaType",
    "Operation",
    "Parameter",
    "RequestBody",
    "ResponseHeader",
    "SecurityScheme",
    "SpecError",
    "load_shipped_spec",
    "schema_types",
]

SPEC_URI = "urn:palomma-client:openapi"
"""The URI the document is registered under for `$ref` resolution while validating."""

HTTP_METHODS = _openapi.HTTP_METHODS

SUPPORTED_VERSIONS = ("3.0.", "3.1.")
"""The OpenAPI versions the fake serves, as prefixes of the document's `openapi` field."""

_PARAMETER_IN_TEMPLATE = _openapi.PARAMETER_IN_TEMPLATE


def load_shipped_spec() -> dict[str, Any]:
    """Return the OpenAPI document shipped with the package, as a fresh, mutable dict."""
    resource = importlib.resources.files("palomma_client._generated").joinpath("openapi.json")
    document: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return document


escape_pointer_token = escape_token
"""Escape one JSON Pointer reference token (RFC 6901)."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A path, query or header parameter of an operation.

    Attributes:
        name: The name on the wire.
        location: `path`, `query`, `header` or `cookie`.
        required: Whether the request must carry it.
        schema: The parameter's schema, with a top-level `$ref` followed.
        schema_pointer: Where that schema is in the document, for the validator.
        example: The parameter's `example`, if the spec gives one.
        explode: Whether an array is sent as the parameter repeated (`explode: true`, the default of
            the form style) rather than as one comma-separated value.
        style: How it is serialized: `form` (a query's default), `simple` (a path's or header's:
            an array's items separated by commas) or `deepObject` (an object as `name[key]=value`).
    """

    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    schema_pointer: str
    example: Any = None
    explode: bool = True
    style: str = "form"


MediaType = _openapi.MediaType
"""One media type of a request body or response: the spec index's own (`name`, `schema_pointer`, `node`, ...)."""


@dataclass(frozen=True, slots=True)
class RequestBody:
    """An operation's request body: whether it is required and which media types it accepts."""

    required: bool
    media_types: tuple[MediaType, ...]

    def json_media_type(self) -> MediaType | None:
        """Return the first JSON media type, the one the fake parses and validates."""
        return next((media for media in self.media_types if media.is_json), None)

    def accepts(self, content_type: str) -> bool:
        """Return whether a `Content-Type` (parameters ignored) is one the body may be sent as."""
        media = content_type.partition(";")[0].strip().lower()
        for declared in self.media_types:
            name = declared.name.lower()
            if media == name or name in ("*/*", "") or (name.endswith("/*") and media.startswith(name[:-1])):
                return True
            # A client may send a JSON body under a +json type; JSON is what is parsed either way.
            if declared.is_json and _is_json(media):
                return True
        return False


@dataclass(frozen=True, slots=True)
class ResponseHeader:
    """A header the success response declares (`Location` on a 202, say).

    Attributes:
        name: The header's name.
        schema_pointer: Where its schema is in the document, if it has one.
        node: The header object itself (its `example`, `required`, ...).
    """

    name: str
    schema_pointer: str | None
    node: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """A security scheme of `components.securitySchemes`, as far as the fake checks credentials.

    Attributes:
        name: The scheme's name in the document.
        kind: `bearer` (HTTP bearer), `header`, `query` or `cookie` (an API key there), or what else
            the document says (`basic`, `oauth2`, ...), which the fake accepts no credential for.
        parameter: The header, query parameter or cookie an API key travels in (`""` for bearer).
    """

    name: str
    kind: str
    parameter: str = ""


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the spec, with everything needed to route, validate and answer it.

    Attributes:
        operation_id: The spec's `operationId` (or `METHOD path` when it has none).
        method: The HTTP method, upper case.
        path: The path template relative to the server (`/invoices/{id}`).
        parameters: Its parameters, path-level ones merged in.
        body: Its request body, if it declares one.
        success_status: The status of its first 2xx response.
        success: The JSON media type of that response, if it has one.
        pattern: Matches a path relative to the base path; one group per path parameter.
        path_names: The path parameters' names, in the order of the pattern's groups.
        success_media: Every media type of the success response, in the spec's order.
        success_headers: The headers the success response declares.
        security: The operation's effective security requirements (its own `security`, else the
            document's): alternatives, each the scheme names that must all be satisfied; an empty
            alternative (or no requirement at all) needs no credentials.
    """

    operation_id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    success_status: int
    success: MediaType | None
    pattern: re.Pattern[str]
    path_names: tuple[str, ...]
    success_media: tuple[MediaType, ...] = ()
    success_headers: tuple[ResponseHeader, ...] = ()
    security: tuple[tuple[str, ...], ...] = ()

    @property
    def specificity(self) -> tuple[int, ...]:
        """Sorts templates so that literal segments win over parameters, segment by segment.

        `/invoices/export` comes before `/invoices/{id}`, whatever order the document lists them in.
        """
        return tuple(1 if _PARAMETER_IN_TEMPLATE.search(segment) else 0 for segment in self.path.split("/"))

    def match(self, path: str) -> dict[str, str] | None:
        """Return the path parameters if `path` (relative to the server) fits this operation's template."""
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return {name: found.group(index + 1) for index, name in enumerate(self.path_names)}


class ApiSpec:
    """An OpenAPI 3.0 or 3.1 document, read for what the fake needs.

    Args:
        document: The parsed document (JSON or YAML loaded into dicts and lists); it is copied.

    Raises:
        SpecError: If it is not an OpenAPI 3.0 or 3.1 document with paths the fake can serve.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document: dict[str, Any] = copy.deepcopy(dict(document))
        version = self.document.get("openapi")
        if not isinstance(version, str) or not version.startswith(SUPPORTED_VERSIONS):
            raise SpecError(
                f"The fake serves OpenAPI {' and '.join(v.rstrip('.') for v in SUPPORTED_VERSIONS)} documents;"
                f" this one says openapi: {version!r}"
            )
        self.index = _openapi.OpenAPI(self.document)
        """The spec index over the document, shared with the generator's reading of it."""
        self.version: str = version[:3]
        """`3.0` or `3.1`: which JSON Schema dialect the document's schemas are written in."""
        self.base_path = urlsplit(self.index.servers[0].default_url()).path.rstrip("/")
        """The path all operations live under, from the first server's URL at its variables' defaults (`/v1`)."""
        self.base_paths: tuple[str, ...] = tuple(
            sorted(
                {urlsplit(server.default_url()).path.rstrip("/") for server in self.index.servers},
                key=len,
                reverse=True,
            )
        )
        """The base paths of every server (the longest first): a client of any environment reaches the fake,
        whose servers may live under different paths (`/v2` in production, `/v1` in the sandbox)."""
        self.security_schemes: dict[str, SecurityScheme] = self._read_security_schemes()
        """The document's security schemes by name."""
        self.credential_headers = frozenset(
            {
                "authorization",
                *(scheme.parameter.lower() for scheme in self.security_schemes.values() if scheme.kind == "header"),
                *(["cookie"] if any(scheme.kind == "cookie" for scheme in self.security_schemes.values()) else []),
            }
        )
        """The headers (lower case) a credential travels in: `Authorization`, each API key scheme's header,
        and `Cookie` where a scheme puts a key in a cookie."""
        self.document_security = tuple(tuple(requirement) for requirement in self.index.security)
        """The document's own security requirements, for operations that declare none."""
        self.operations: tuple[Operation, ...] = tuple(self._read_operations())
        self._by_id = {operation.operation_id: operation for operation in self.operations}
        # Routing tries the most specific templates first; sorted() keeps document order among equals.
        self._routes = sorted(self.operations, key=lambda operation: operation.specificity)

    # --- reading the document -----------------------------------------------------------------------

    def at(self, pointer: str) -> Any:
        """Return the node at a JSON Pointer (`/components/schemas/Invoice`).

        Raises:
            SpecError: If nothing is there.
        """
        return self.index.at(pointer)

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s (local ones, `#/...`) from a node; return the node reached and its pointer.

        Raises:
            SpecError: For a reference outside the document, or a loop of references.
        """
        return self.index.resolve(node, pointer)

    def schema_at(self, pointer: str) -> dict[str, Any]:
        """Return the schema at `pointer` with its top-level `$ref`s followed (`{}` for a non-schema)."""
        node, _ = self.resolve(self.at(pointer), pointer)
        return dict(node) if isinstance(node, Mapping) else {}

    def object_properties(self, pointer: str) -> tuple[dict[str, tuple[dict[str, Any], str]], tuple[str, ...]]:
        """Return an object schema's properties (name -> (schema, pointer)) and its required names.

        `allOf` members contribute their properties too, in order.
        """
        properties: dict[str, tuple[dict[str, Any], str]] = {}
        required: list[str] = []
        for schema, schema_pointer in self._all_of(pointer):
            for name in schema.get("properties", {}):
                if name not in properties:
                    property_pointer = f"{schema_pointer}/properties/{escape_pointer_token(name)}"
                    properties[name] = (self.schema_at(property_pointer), property_pointer)
            required += [name for name in schema.get("required", []) if name not in required]
        return properties, tuple(required)

    def _all_of(self, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
        node, pointer = self.resolve(self.at(pointer), pointer)
        if not isinstance(node, Mapping):
            return
        yield dict(node), pointer
        for index, _ in enumerate(node.get("allOf", [])):
            yield from self._all_of(f"{pointer}/allOf/{index}")

    def operation(self, operation_id: str) -> Operation | None:
        """Return the operation with this `operationId`, or `None`."""
        return self._by_id.get(operation_id)

    def find(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], tuple[str, ...]]:
        """Route a request.

        Args:
            method: The request's method.
            path: The request's full path (with a server's base path, `/v1/invoices`).

        Returns:
            The operation (or `None`), its path parameters, and the methods the path allows (empty when
            no operation has this path: a 404 rather than a 405).
        """
        base_path = next((base for base in self.base_paths if not base or path.startswith(base + "/")), None)
        if base_path is None:
            return None, {}, ()
        path = path[len(base_path) :]
        allowed: list[str] = []
        matched: tuple[int, ...] | None = None
        for operation in self._routes:
            if matched is not None and operation.specificity != matched:
                break  # a less specific template: the path is taken, only the method is wrong
            parameters = operation.match(path)
            if parameters is None:
                continue
            if operation.method == method.upper():
                return operation, parameters, ()
            matched = operation.specificity
            allowed.append(operation.method)
        return None, {}, tuple(allowed)

    # --- operations -----------------------------------------------------------------------------------

    def _read_operations(self) -> Iterator[Operation]:
        paths = self.document.get("paths")
        if not isinstance(paths, Mapping) or not paths:
            raise SpecError("The OpenAPI document has no paths")
        for operation in self.index.operations:
            yield self._operation(operation)

    def _operation(self, operation: _openapi.Operation) -> Operation:
        template = operation.path
        body = None
        if operation.request_body is not None:
            body = RequestBody(
                required=operation.request_body.required,
                media_types=operation.request_body.content,
            )
        status, response = _success(operation)
        success_media = () if response is None else response.content
        regex = "".join(
            re.escape(part) if index % 2 == 0 else "([^/]+)"
            for index, part in enumerate(_PARAMETER_IN_TEMPLATE.split(template))
        )
        return Operation(
            operation_id=operation.name,
            method=operation.method.upper(),
            path=template,
            parameters=tuple(_parameter(item) for item in operation.parameters),
            body=body,
            success_status=status,
            success=next((media for media in success_media if media.is_json), None),
            pattern=re.compile(regex),
            path_names=operation.path_parameter_names,
            success_media=success_media,
            success_headers=() if response is None else tuple(self._header(item) for item in response.headers.values()),
            security=tuple(tuple(requirement) for requirement in operation.security),
        )

    def _header(self, header: _openapi.ResponseHeader) -> ResponseHeader:
        node = self.at(header.pointer)
        node = node if isinstance(node, Mapping) else {}
        schema_pointer = f"{header.pointer}/schema" if "schema" in node else None
        return ResponseHeader(name=header.name, schema_pointer=schema_pointer, node=node)

    def _read_security_schemes(self) -> dict[str, SecurityScheme]:
        schemes: dict[str, SecurityScheme] = {}
        for name, scheme in self.index.security_schemes.items():
            if scheme.type == "http":
                kind = "bearer" if scheme.scheme == "bearer" else scheme.scheme
                schemes[name] = SecurityScheme(name=name, kind=kind)
            elif scheme.type == "apiKey":
                schemes[name] = SecurityScheme(name=name, kind=scheme.location, parameter=scheme.parameter_name)
            else:
                schemes[name] = SecurityScheme(name=name, kind=scheme.type)
        return schemes


def _success(operation: _openapi.Operation) -> tuple[int, _openapi.Response | None]:
    """The status and response the fake answers with: the lowest 2xx, else `2XX` or `default` as 200."""
    numbered = [response for response in operation.success_responses() if response.status.isdigit()]
    if numbered:
        return int(numbered[0].status), numbered[0]
    by_status = {response.status: response for response in operation.responses}
    return 200, next((by_status[code] for code in ("2XX", "2xx", "default") if code in by_status), None)


def _parameter(parameter: _openapi.Parameter) -> Parameter:
    style = str(parameter.node.get("style", "form" if parameter.location in ("query", "cookie") else "simple"))
    return Parameter(
        name=parameter.name,
        location=parameter.location,
        required=parameter.required,
        schema=parameter.schema,
        schema_pointer=parameter.schema_pointer,
        example=parameter.node.get("example"),
        explode=parameter.node.get("explode", style == "form") is not False,
        style=style,
    )


def schema_types(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """Return a schema's types: OpenAPI 3.1 may list several (`[string, "null"]`), 3.0 names one."""
    kind = schema.get("type")
    if isinstance(kind, list):
        return tuple(str(item) for item in kind)
    return () if kind is None else (str(kind),)


_is_json = _openapi.is_json_media_type
