"""One reader for OpenAPI documents: load, resolve `$ref`s, and list what every consumer needs.

The generator (`scripts/`), the change classifier, the in-process fake and the tests all read the spec
through this module, so a reference, a merged parameter list or an operation's effective security means
the same thing everywhere. It reads OpenAPI 3.0.x and 3.1.x.

Only the standard library is needed at runtime: the package ships the spec as JSON
(`_generated/openapi.json`). PyYAML is imported lazily, and only to read a YAML file.

Every node handed out carries its JSON Pointer (RFC 6901) in the document, so an error can say where in
`openapi.yaml` the trouble is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "FORM_MEDIA_TYPE",
    "HTTP_METHODS",
    "PARAMETER_IN_TEMPLATE",
    "CycleDefinitions",
    "MediaType",
    "OpenAPI",
    "Operation",
    "Parameter",
    "RequestBody",
    "Response",
    "ResponseHeader",
    "SecurityScheme",
    "Server",
    "ServerVariable",
    "SpecError",
    "definition_name",
    "escape_token",
    "is_json_media_type",
    "join_pointer",
    "load_document",
    "synthesized_operation_id",
    "unescape_token",
]

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
"""The media type of a form body: `name=value` pairs joined with `&`."""
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
"""The operation keys of a path item, in the order the OpenAPI specification lists them."""

PARAMETER_IN_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
"""A `{name}` placeholder of a path template."""


class SpecError(ValueError):
    """The document is not one this reader can make sense of; says where (a JSON Pointer) when it knows.

    Args:
        message: What is wrong, in a sentence.
        pointer: Where in the document (`/paths/~1invoices/get`); empty for the document as a whole.
    """

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message, pointer)
        self.message = message
        self.pointer = pointer

    def __str__(self) -> str:
        return f"{self.message} (at #{self.pointer})" if self.pointer else self.message


# --- JSON Pointers ------------------------------------------------------------------------------------


def escape_token(token: object) -> str:
    """Escape one JSON Pointer reference token (RFC 6901): `~` as `~0`, `/` as `~1`."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """Undo `escape_token` (`~1` first, then `~0`, as RFC 6901 requires)."""
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens: object) -> str:
    """Return `pointer` extended by `tokens`, each escaped (`join_pointer("/paths", "/a")` is `/paths/~1a`)."""
    return pointer + "".join("/" + escape_token(token) for token in tokens)


# --- loading ------------------------------------------------------------------------------------------


def definition_name(pointer: str, taken: Mapping[str, Any]) -> str:
    """The name under `$defs` of the schema at `pointer` that holds itself: its component's, made unique."""
    name = unescape_token(pointer.rsplit("/", 1)[-1]) or "root"
    while name in taken:
        name += "_"
    return name


class CycleDefinitions:
    """The `$defs` of a schema copy in which a schema holds itself, each written once under its name."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}
        self._names: dict[str, str] = {}

    def refer(self, pointer: str, write: Callable[[], Any]) -> dict[str, Any]:
        """A reference to the schema at `pointer` under `$defs`, written by `write` the first time."""
        if pointer not in self._names:
            name = self._names[pointer] = definition_name(pointer, self.schemas)
            self.schemas[name] = {}  # taken before it is written: the schema refers to itself
            self.schemas[name] = write()
        return {"$ref": f"#/$defs/{self._names[pointer]}"}

    def attach(self, copied: Any) -> Any:
        """`copied` with the `$defs` it refers to, if it refers to any."""
        if self.schemas and isinstance(copied, dict):
            return {**copied, "$defs": self.schemas}
        return copied


def load_document(source: str | Path) -> dict[str, Any]:
    """Read an OpenAPI document from a file, JSON or YAML.

    A `.json` file is read as JSON; anything else as YAML (which also reads JSON). YAML's mapping keys
    such as `200:` arrive as integers, so keys are turned into strings throughout; a YAML date
    (`2026-03-01`) is kept as the ISO string it was written as.

    Args:
        source: The file's path.

    Returns:
        The document as plain dicts, lists, strings, numbers, booleans and `None`.

    Raises:
        SpecError: If the file cannot be read or parsed, or is not a mapping.
    """
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"Cannot read {path}: {error.strerror or error}") from None
    if path.suffix.lower() == ".json":
        try:
            document: Any = json.loads(text)
        except json.JSONDecodeError as error:
            raise SpecError(f"{path} is not valid JSON: {error}") from None
    else:
        document = _load_yaml(text, path)
    if not isinstance(document, dict):
        raise SpecError(f"{path} does not hold an OpenAPI document (a mapping at the top)")
    normalised: dict[str, Any] = _plain(document)
    return normalised


def _load_yaml(text: str, path: Path) -> Any:
    try:
        import yaml  # only YAML needs it; the shipped package reads JSON
    except ImportError:  # pragma: no cover - PyYAML is a dev dependency
        raise SpecError(f"Reading {path} needs PyYAML (pip install pyyaml)") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SpecError(f"{path} is not valid YAML: {error}") from None


def _plain(node: Any) -> Any:
    """Turn YAML's extra scalars into JSON's: string keys, dates and times as ISO strings."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if hasattr(node, "isoformat") and not isinstance(node, (str, int, float, bool)):
        return str(node.isoformat())
    return node


# --- what the index hands out -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter of an operation, path-item parameters merged in.

    Attributes:
        name: The name on the wire, as written (`customerId`, `Idempotency-Key`).
        location: `path`, `query`, `header` or `cookie`.
        required: Whether the request must carry it (always true for a path parameter).
        schema: Its schema with top-level `$ref`s followed (`{}` when it gives none).
        schema_pointer: Where that schema is (after references), or `""` when there is none.
        node: The parameter object itself, references followed.
        pointer: Where the parameter object is (after references).
        deprecated: Whether the parameter is marked `deprecated`.
    """

    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    schema_pointer: str
    node: Mapping[str, Any]
    pointer: str
    deprecated: bool = False

    @property
    def example(self) -> Any:
        """The parameter's own `example`, else its schema's, else `None`."""
        if "example" in self.node:
            return self.node["example"]
        return self.schema.get("example")


@dataclass(frozen=True, slots=True)
class MediaType:
    """One media type of a request body or a response.

    Attributes:
        name: The media type as written (`application/json`, `text/csv`).
        schema: Its schema with top-level `$ref`s followed, or `None` when it gives none.
        schema_pointer: Where that schema is (after references), or `None`.
        node: The media type object (its `example`, `examples`, `encoding`).
        pointer: Where the media type object is.
    """

    name: str
    schema: Mapping[str, Any] | None
    schema_pointer: str | None
    node: Mapping[str, Any]
    pointer: str

    @property
    def is_json(self) -> bool:
        """Whether the body is JSON (`application/json` or a `+json` type)."""
        return is_json_media_type(self.name)

    @property
    def is_text(self) -> bool:
        """Whether the body is text other than JSON (`text/*`)."""
        return self.name.partition(";")[0].strip().lower().startswith("text/")

    @property
    def is_form(self) -> bool:
        """Whether the body is a form (`application/x-www-form-urlencoded`)."""
        return self.name.partition(";")[0].strip().lower() == FORM_MEDIA_TYPE

    @property
    def is_multipart(self) -> bool:
        """Whether the body is a form with files (`multipart/form-data`)."""
        return self.name.partition(";")[0].strip().lower() == "multipart/form-data"


@dataclass(frozen=True, slots=True)
class RequestBody:
    """An operation's request body.

    Attributes:
        required: Whether the request must carry a body.
        content: Its media types, in document order.
        pointer: Where the request body object is (after references).
    """

    required: bool
    content: tuple[MediaType, ...]
    pointer: str

    def json_media_type(self) -> MediaType | None:
        """Return the first JSON media type, or `None`."""
        return next((media for media in self.content if media.is_json), None)


@dataclass(frozen=True, slots=True)
class ResponseHeader:
    """A header a response declares (`Location`).

    Attributes:
        name: The header's name as written.
        required: Whether the response always carries it.
        schema: Its schema with top-level `$ref`s followed (`{}` when it gives none).
        pointer: Where the header object is (after references).
    """

    name: str
    required: bool
    schema: Mapping[str, Any]
    pointer: str


@dataclass(frozen=True, slots=True)
class Response:
    """One response of an operation.

    Attributes:
        status: The key as written, always a string: `200`, `2XX` or `default`.
        description: Its description.
        content: Its media types, in document order (empty for a body-less answer such as 204).
        headers: The headers it declares, by name.
        pointer: Where the response object is (after references).
    """

    status: str
    description: str
    content: tuple[MediaType, ...]
    headers: Mapping[str, ResponseHeader]
    pointer: str

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx (`200`, `2XX`)."""
        return self.status[:1] == "2"

    def json_media_type(self) -> MediaType | None:
        """Return the first JSON media type, or `None`."""
        return next((media for media in self.content if media.is_json), None)


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation, with path-item parameters merged and its effective security worked out.

    Attributes:
        method: The HTTP method, lower case (`get`), as the path item keys it.
        path: The path template relative to the server (`/customers/{customerId}`).
        operation_id: The spec's `operationId`, or `None` when it gives none.
        name: The `operationId`, or `synthesized_operation_id(method, path)` when there is none.
        tags: Its tags, in order (empty when it has none).
        summary: Its summary (`""` when it has none).
        description: Its description (`""` when it has none).
        parameters: Path-item parameters, then the operation's own; an operation parameter replaces a
            path-item one with the same name and location, in place.
        request_body: Its request body, or `None`.
        responses: Its responses, in document order.
        security: The security requirements that apply: the operation's `security` if it has one, else
            the document's. Each requirement maps scheme names to scopes; any one requirement is enough;
            an empty requirement (`{}`) means no credentials suffice; an empty tuple means none are sent.
        deprecated: Whether the operation is marked `deprecated`.
        node: The operation object.
        pointer: Where the operation object is (`/paths/~1invoices/post`).
    """

    method: str
    path: str
    operation_id: str | None
    name: str
    tags: tuple[str, ...]
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    responses: tuple[Response, ...]
    security: tuple[Mapping[str, Sequence[str]], ...]
    deprecated: bool
    node: Mapping[str, Any] = field(repr=False)
    pointer: str = ""

    @property
    def path_parameter_names(self) -> tuple[str, ...]:
        """The names in the path template's placeholders, in order."""
        return tuple(PARAMETER_IN_TEMPLATE.findall(self.path))

    def parameters_in(self, location: str) -> tuple[Parameter, ...]:
        """Return the parameters in one location (`path`, `query`, `header`, `cookie`)."""
        return tuple(parameter for parameter in self.parameters if parameter.location == location)

    def success_responses(self) -> tuple[Response, ...]:
        """Return the 2xx responses, lowest status first (`2XX` after the numbered ones)."""
        return tuple(sorted((r for r in self.responses if r.is_success), key=lambda r: r.status))


@dataclass(frozen=True, slots=True)
class ServerVariable:
    """A `{variable}` of a server URL, with its default and allowed values."""

    name: str
    default: str
    enum: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Server:
    """One entry of the document's `servers`.

    Attributes:
        url: The URL as written (it may hold `{variables}`).
        description: Its description (`""` when it has none).
        variables: Its URL variables, by name.
        extensions: Its `x-` keys.
        pointer: Where the server object is (`/servers/0`).
    """

    url: str
    description: str
    variables: Mapping[str, ServerVariable]
    extensions: Mapping[str, Any]
    pointer: str

    def default_url(self) -> str:
        """The URL with every variable replaced by its default."""
        url = self.url
        for variable in self.variables.values():
            url = url.replace("{" + variable.name + "}", variable.default)
        return url


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """One entry of `components.securitySchemes`.

    Attributes:
        name: The scheme's key in `securitySchemes` (what `security` requirements name).
        type: `http`, `apiKey`, `oauth2`, `openIdConnect` or `mutualTLS`.
        scheme: For `http`, the scheme in lower case (`bearer`, `basic`); else `""`.
        location: For `apiKey`, where the key goes (`header`, `query`, `cookie`); else `""`.
        parameter_name: For `apiKey`, the header, query or cookie name; else `""`.
        bearer_format: For `http` bearer, the hint `bearerFormat` gives (`""` when none).
        description: Its description (`""` when it has none).
        node: The scheme object.
        pointer: Where the scheme object is (after references).
    """

    name: str
    type: str
    scheme: str
    location: str
    parameter_name: str
    bearer_format: str
    description: str
    node: Mapping[str, Any] = field(repr=False)
    pointer: str = ""


def is_json_media_type(media_type: str) -> bool:
    """Return whether a media type is JSON (`application/json`, `application/problem+json`)."""
    name = media_type.partition(";")[0].strip().lower()
    return name == "application/json" or name.endswith("+json")


def synthesized_operation_id(method: str, path: str) -> str:
    """A stable name for an operation without an `operationId`, from its method and path.

    `get /customers/{customerId}` is `get_customers_customerId`: snake-cased, it is the name
    openapi-python-client gives the generated function, so the generator and every reader agree.

    Args:
        method: The HTTP method, any case.
        path: The path template.

    Returns:
        The name.
    """
    clean_path = path.replace("{", "").replace("}", "").replace("/", "_").strip("_")
    return f"{method.lower()}_{clean_path}" if clean_path else method.lower()


# --- the index ----------------------------------------------------------------------------------------


class OpenAPI:
    """An OpenAPI 3.0.x or 3.1.x document, indexed for reading.

    Args:
        document: The parsed document (see `load_document`). It is not copied; do not change it while
            the index is in use.

    Raises:
        SpecError: If the document does not say `openapi: 3.0.x` or `3.1.x`.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        if not isinstance(document, Mapping):
            raise SpecError("An OpenAPI document is a mapping at the top")
        version = document.get("openapi")
        if not isinstance(version, str) or not re.fullmatch(r"3\.[01]\.\d+(-.+)?", version):
            raise SpecError(
                f"Only OpenAPI 3.0.x and 3.1.x are read; this document says openapi: {version!r}", "/openapi"
            )
        self.document: Mapping[str, Any] = document
        self.version: str = version
        self._operations: tuple[Operation, ...] | None = None

    @classmethod
    def from_file(cls, source: str | Path) -> OpenAPI:
        """Load and index a document from a JSON or YAML file (see `load_document`)."""
        return cls(load_document(source))

    @property
    def is_31(self) -> bool:
        """Whether this is an OpenAPI 3.1 document (JSON Schema 2020-12 schemas, `type` lists)."""
        return self.version.startswith("3.1.")

    # --- nodes and references -------------------------------------------------------------------------

    def at(self, pointer: str) -> Any:
        """Return the node at a JSON Pointer (`/components/schemas/Invoice`; `""` is the whole document).

        Raises:
            SpecError: If nothing is there.
        """
        if pointer and not pointer.startswith("/"):
            raise SpecError(f"{pointer!r} is not a JSON Pointer (it must start with '/')", pointer)
        node: Any = self.document
        for token in pointer.split("/")[1:] if pointer else ():
            key = unescape_token(token)
            try:
                if isinstance(node, list):
                    node = node[int(key)]
                elif isinstance(node, Mapping):
                    node = node[key]
                else:
                    raise KeyError(key)
            except (KeyError, IndexError, ValueError):
                raise SpecError("Nothing is there", pointer) from None
        return node

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s from a node (references to references too); return the node reached and its pointer.

        Args:
            node: Any node; one without `$ref` is returned as it is.
            pointer: Where `node` is, for messages and for the pointer returned when there is no `$ref`.

        Raises:
            SpecError: For a reference to another document, one that leads nowhere, or a loop.
        """
        seen: list[str] = []
        while isinstance(node, Mapping) and "$ref" in node:
            reference = node["$ref"]
            if not isinstance(reference, str) or not reference.startswith("#"):
                raise SpecError(
                    f"Only references within the document ('#/...') are supported, not {reference!r}",
                    join_pointer(pointer, "$ref"),
                )
            target = reference[1:]
            if target in seen:
                chain = " -> ".join("#" + item for item in [*seen, target])
                raise SpecError(f"A loop of references: {chain}", join_pointer(pointer, "$ref"))
            seen.append(target)
            try:
                node = self.at(target)
            except SpecError:
                raise SpecError(f"The reference {reference!r} leads nowhere", join_pointer(pointer, "$ref")) from None
            pointer = target
        return node, pointer

    def resolve_at(self, pointer: str) -> tuple[Any, str]:
        """`resolve` the node at `pointer`."""
        return self.resolve(self.at(pointer), pointer)

    def schema_at(self, pointer: str) -> dict[str, Any]:
        """Return the schema at `pointer` with its top-level `$ref`s followed (`{}` for a boolean schema)."""
        node, _ = self.resolve_at(pointer)
        return dict(node) if isinstance(node, Mapping) else {}

    def object_properties(self, pointer: str) -> dict[str, tuple[Mapping[str, Any], str]]:
        """An object schema's properties, ``allOf`` members' included: name -> (schema, its pointer).

        References are followed, keeping what a property writes beside its ``$ref`` (3.1's
        ``description``, 3.0's ``nullable``); the first schema to declare a name gives it (the
        schema's own properties, then each ``allOf`` member's, depth first).
        """
        properties: dict[str, tuple[Mapping[str, Any], str]] = {}
        self._collect_properties(pointer, properties, set())
        return properties

    def _collect_properties(
        self, pointer: str, properties: dict[str, tuple[Mapping[str, Any], str]], seen: set[str]
    ) -> None:
        node, pointer = self.resolve_at(pointer)
        if not isinstance(node, Mapping) or pointer in seen:
            return
        seen.add(pointer)
        for name in node.get("properties") or {}:
            if name not in properties:
                written = node["properties"][name]
                resolved, at = self.resolve_at(join_pointer(pointer, "properties", name))
                resolved = resolved if isinstance(resolved, Mapping) else {}
                if isinstance(written, Mapping) and "$ref" in written and len(written) > 1:
                    resolved = {**resolved, **{key: value for key, value in written.items() if key != "$ref"}}
                properties[name] = (resolved, at)
        for index, _ in enumerate(node.get("allOf") or ()):
            self._collect_properties(join_pointer(pointer, "allOf", index), properties, seen)

    def inline(self, node: Any, pointer: str) -> Any:
        """Return a copy of `node` with every `$ref` replaced by what it points to.

        Raises:
            SpecError: If a schema contains itself (a recursive schema cannot be inlined), or a reference
                cannot be followed.
        """
        return self._inline(node, pointer, ())

    def _inline(self, node: Any, pointer: str, active: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._inline(item, join_pointer(pointer, index), active) for index, item in enumerate(node)]
        if not isinstance(node, Mapping):
            return node
        if "$ref" in node:
            target, target_pointer = self.resolve(node, pointer)
            if target_pointer in active:
                raise SpecError(f"The schema at #{target_pointer} contains itself and cannot be inlined", pointer)
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            resolved = self._inline(target, target_pointer, (*active, target_pointer))
            if siblings and isinstance(resolved, dict):
                # OpenAPI 3.1 lets keywords sit next to `$ref`; they apply alongside the target.
                return {**resolved, **self._inline(siblings, pointer, active)}
            return resolved
        return {key: self._inline(value, join_pointer(pointer, key), active) for key, value in node.items()}

    def inline_keeping_cycles(self, node: Any, pointer: str) -> Any:
        """Return a copy of `node` with every `$ref` replaced by what it points to, but where a schema contains itself.

        A schema reached again inside itself (a `Unit` whose `children` are `Unit`s) cannot be inlined
        whole; each such one is written once under `$defs` of the copy, by its component's name, and
        referred to there as JSON Schema does (`{"$ref": "#/$defs/Unit"}`). `node` itself counts as
        entered, so a component that holds itself is referred to at its first repetition.

        Args:
            node: The schema to copy.
            pointer: Where `node` is.

        Raises:
            SpecError: If a reference cannot be followed.
        """
        definitions = CycleDefinitions()
        return definitions.attach(self._inline_cycles(node, pointer, (pointer,), definitions))

    def _inline_cycles(self, node: Any, pointer: str, active: tuple[str, ...], definitions: CycleDefinitions) -> Any:
        if isinstance(node, list):
            return [
                self._inline_cycles(item, join_pointer(pointer, index), active, definitions)
                for index, item in enumerate(node)
            ]
        if not isinstance(node, Mapping):
            return node
        if "$ref" not in node:
            return {
                key: self._inline_cycles(value, join_pointer(pointer, key), active, definitions)
                for key, value in node.items()
            }
        target, target_pointer = self.resolve(node, pointer)
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        copied_siblings = self._inline_cycles(siblings, pointer, active, definitions)
        if target_pointer in active:
            entered = (target_pointer,)
            reference = definitions.refer(
                target_pointer, lambda: self._inline_cycles(target, target_pointer, entered, definitions)
            )
            return {**reference, **copied_siblings}
        resolved = self._inline_cycles(target, target_pointer, (*active, target_pointer), definitions)
        if siblings and isinstance(resolved, dict):
            return {**resolved, **copied_siblings}
        return resolved

    def walk(self, node: Any = None, pointer: str = "") -> Iterator[tuple[str, Any]]:
        """Yield `(pointer, node)` for a node and everything under it, depth first, references not followed.

        Args:
            node: Where to start; the whole document by default.
            pointer: Where `node` is.
        """
        start = self.document if node is None else node
        stack: list[tuple[str, Any]] = [(pointer, start)]
        while stack:
            here, current = stack.pop()
            yield here, current
            if isinstance(current, Mapping):
                children = [(join_pointer(here, key), value) for key, value in current.items()]
            elif isinstance(current, list):
                children = [(join_pointer(here, index), value) for index, value in enumerate(current)]
            else:
                continue
            stack.extend(reversed(children))

    # --- document-wide parts --------------------------------------------------------------------------

    @property
    def servers(self) -> tuple[Server, ...]:
        """The document's `servers`, in order (the default `/` server when it lists none)."""
        raw = self.document.get("servers")
        if not raw:
            return (Server(url="/", description="", variables={}, extensions={}, pointer="/servers"),)
        if not isinstance(raw, list):
            raise SpecError("`servers` must be a list", "/servers")
        servers = []
        for index, node in enumerate(raw):
            pointer = join_pointer("/servers", index)
            if not isinstance(node, Mapping) or not isinstance(node.get("url"), str):
                raise SpecError("A server needs a `url` string", pointer)
            variables = {}
            for name, variable in (node.get("variables") or {}).items():
                if not isinstance(variable, Mapping) or "default" not in variable:
                    raise SpecError("A server variable needs a `default`", join_pointer(pointer, "variables", name))
                variables[name] = ServerVariable(
                    name=name,
                    default=str(variable["default"]),
                    enum=tuple(str(value) for value in variable.get("enum") or ()),
                )
            servers.append(
                Server(
                    url=node["url"],
                    description=_text(node.get("description")),
                    variables=variables,
                    extensions={key: value for key, value in node.items() if key.startswith("x-")},
                    pointer=pointer,
                )
            )
        return tuple(servers)

    @property
    def security_schemes(self) -> dict[str, SecurityScheme]:
        """`components.securitySchemes`, by name, in document order."""
        raw = (self.document.get("components") or {}).get("securitySchemes") or {}
        schemes = {}
        for name, written in raw.items():
            node, pointer = self.resolve(written, join_pointer("/components/securitySchemes", name))
            if not isinstance(node, Mapping) or not isinstance(node.get("type"), str):
                raise SpecError("A security scheme needs a `type`", pointer)
            schemes[name] = SecurityScheme(
                name=name,
                type=node["type"],
                scheme=_text(node.get("scheme")).lower() if node["type"] == "http" else "",
                location=_text(node.get("in")) if node["type"] == "apiKey" else "",
                parameter_name=_text(node.get("name")) if node["type"] == "apiKey" else "",
                bearer_format=_text(node.get("bearerFormat")),
                description=_text(node.get("description")),
                node=node,
                pointer=pointer,
            )
        return schemes

    @property
    def security(self) -> tuple[Mapping[str, Sequence[str]], ...]:
        """The document's top-level `security` requirements (empty when it sets none)."""
        return self._security(self.document.get("security"), "/security")

    def _security(self, raw: Any, pointer: str) -> tuple[Mapping[str, Sequence[str]], ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
            raise SpecError("`security` must be a list of requirement mappings", pointer)
        return tuple(dict(item) for item in raw)

    # --- operations -----------------------------------------------------------------------------------

    @property
    def operations(self) -> tuple[Operation, ...]:
        """Every operation, in document order (paths in order, methods in `HTTP_METHODS` order)."""
        if self._operations is None:
            self._operations = tuple(self._read_operations())
        return self._operations

    def operation(self, name: str) -> Operation | None:
        """Return the operation whose `name` (operationId or synthesized) is `name`, or `None`."""
        return next((operation for operation in self.operations if operation.name == name), None)

    def _read_operations(self) -> Iterator[Operation]:
        paths = self.document.get("paths") or {}
        if not isinstance(paths, Mapping):
            raise SpecError("`paths` must be a mapping", "/paths")
        for template, written in paths.items():
            item, item_pointer = self.resolve(written, join_pointer("/paths", template))
            if not isinstance(item, Mapping):
                raise SpecError("A path item must be a mapping", item_pointer)
            shared = self._parameters(item.get("parameters"), join_pointer(item_pointer, "parameters"))
            for method in HTTP_METHODS:
                if method in item:
                    yield self._operation(template, method, item[method], join_pointer(item_pointer, method), shared)

    def _operation(self, template: str, method: str, node: Any, pointer: str, shared: list[Parameter]) -> Operation:
        if not isinstance(node, Mapping):
            raise SpecError("An operation must be a mapping", pointer)
        own = self._parameters(node.get("parameters"), join_pointer(pointer, "parameters"))
        parameters = _merge_parameters(shared, own)
        body = None
        if "requestBody" in node:
            body_node, body_pointer = self.resolve(node["requestBody"], join_pointer(pointer, "requestBody"))
            body = RequestBody(
                required=bool(body_node.get("required", False)),
                content=self._content(body_node, body_pointer),
                pointer=body_pointer,
            )
        responses_node = node.get("responses") or {}
        if not isinstance(responses_node, Mapping):
            raise SpecError("`responses` must be a mapping", join_pointer(pointer, "responses"))
        responses = tuple(
            self._response(str(status), written, join_pointer(pointer, "responses", status))
            for status, written in responses_node.items()
        )
        security = (
            self._security(node["security"], join_pointer(pointer, "security")) if "security" in node else self.security
        )
        tags = node.get("tags") or []
        operation_id = node.get("operationId")
        return Operation(
            method=method,
            path=template,
            operation_id=str(operation_id) if operation_id else None,
            name=str(operation_id) if operation_id else synthesized_operation_id(method, template),
            tags=tuple(str(tag) for tag in tags),
            summary=_text(node.get("summary")),
            description=_text(node.get("description")),
            parameters=tuple(parameters),
            request_body=body,
            responses=responses,
            security=security,
            deprecated=bool(node.get("deprecated", False)),
            node=node,
            pointer=pointer,
        )

    def _parameters(self, nodes: Any, pointer: str) -> list[Parameter]:
        if nodes is None:
            return []
        if not isinstance(nodes, list):
            raise SpecError("`parameters` must be a list", pointer)
        parameters = []
        for index, written in enumerate(nodes):
            node, node_pointer = self.resolve(written, join_pointer(pointer, index))
            if not isinstance(node, Mapping) or not isinstance(node.get("name"), str) or "in" not in node:
                raise SpecError("A parameter needs a `name` and an `in`", node_pointer)
            location = str(node["in"])
            if location not in ("path", "query", "header", "cookie"):
                raise SpecError(f"A parameter's `in` is path, query, header or cookie, not {location!r}", node_pointer)
            schema_pointer = ""
            if "schema" in node:
                schema_pointer = join_pointer(node_pointer, "schema")
            elif isinstance(node.get("content"), Mapping) and node["content"]:
                # A parameter may give its schema under `content` instead (a JSON-encoded value).
                schema_pointer = join_pointer(node_pointer, "content", next(iter(node["content"])), "schema")
            schema: Mapping[str, Any] = {}
            if schema_pointer:
                resolved, schema_pointer = self.resolve_at(schema_pointer)
                schema = resolved if isinstance(resolved, Mapping) else {}
            parameters.append(
                Parameter(
                    name=node["name"],
                    location=location,
                    required=location == "path" or bool(node.get("required", False)),
                    schema=schema,
                    schema_pointer=schema_pointer,
                    node=node,
                    pointer=node_pointer,
                    deprecated=bool(node.get("deprecated", False)),
                )
            )
        return parameters

    def _content(self, node: Mapping[str, Any], pointer: str) -> tuple[MediaType, ...]:
        content = node.get("content") or {}
        if not isinstance(content, Mapping):
            raise SpecError("`content` must be a mapping of media types", join_pointer(pointer, "content"))
        media_types = []
        for name, media in content.items():
            media_pointer = join_pointer(pointer, "content", name)
            if not isinstance(media, Mapping):
                raise SpecError("A media type object must be a mapping", media_pointer)
            schema: Mapping[str, Any] | None = None
            schema_pointer: str | None = None
            if "schema" in media:
                resolved, schema_pointer = self.resolve(media["schema"], join_pointer(media_pointer, "schema"))
                schema = resolved if isinstance(resolved, Mapping) else {}
            media_types.append(
                MediaType(name=name, schema=schema, schema_pointer=schema_pointer, node=media, pointer=media_pointer)
            )
        return tuple(media_types)

    def _response(self, status: str, written: Any, pointer: str) -> Response:
        node, node_pointer = self.resolve(written, pointer)
        if not isinstance(node, Mapping):
            raise SpecError("A response must be a mapping", node_pointer)
        headers = {}
        for name, header_written in (node.get("headers") or {}).items():
            header, header_pointer = self.resolve(header_written, join_pointer(node_pointer, "headers", name))
            schema: Mapping[str, Any] = {}
            if isinstance(header, Mapping) and "schema" in header:
                resolved, _ = self.resolve(header["schema"], join_pointer(header_pointer, "schema"))
                schema = resolved if isinstance(resolved, Mapping) else {}
            headers[name] = ResponseHeader(
                name=name,
                required=bool(isinstance(header, Mapping) and header.get("required", False)),
                schema=schema,
                pointer=header_pointer,
            )
        return Response(
            status=status,
            description=_text(node.get("description")),
            content=self._content(node, node_pointer),
            headers=headers,
            pointer=node_pointer,
        )


def _merge_parameters(shared: list[Parameter], own: list[Parameter]) -> list[Parameter]:
    """Path-item parameters overridden in place by operation parameters of the same name and location."""
    own_by_key = {_parameter_key(parameter): parameter for parameter in own}
    merged = [own_by_key.pop(_parameter_key(parameter), parameter) for parameter in shared]
    return merged + [parameter for parameter in own if _parameter_key(parameter) in own_by_key]


def _parameter_key(parameter: Parameter) -> tuple[str, str]:
    # Header names are case-insensitive on the wire, so `X-Trace` overrides `x-trace`.
    name = parameter.name.lower() if parameter.location == "header" else parameter.name
    return name, parameter.location


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
