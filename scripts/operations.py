"""What each operation is, read from the spec, as plain views for the templates.

openapi-python-client parses types and names but drops the rules
(``minimum``, ``maxLength``, ``pattern``, ``format``...) and knows nothing of
method names or pagination. This module joins its parsed endpoints with the
raw document so that the templates can write, for every operation, a typed
resource method, the checks of its arguments and the parsing of its answer,
with nothing about any one operation written by hand.

The naming rule, for the README and CONTRIBUTING.md: an operation's method
name is its ``operationId`` in snake case, less the words of its tag in
singular or plural (``createInvoice`` tagged ``Invoices`` -> ``create``,
``getInvoiceByReference`` -> ``get_by_reference``); when nothing is left, the
whole operationId. ``x-palomma-method-name`` on the operation, or
``method_names: {operationId: name}`` in generator-config.yml, overrides it.
A path parameter named ``id`` becomes ``<tag in singular>_id``.
"""

from __future__ import annotations

import ast
import dataclasses
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import Endpoint, EndpointCollection
from openapi_python_client.parser.properties import EnumProperty, ModelProperty
from openapi_python_client.parser.properties.any import AnyProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.const import ConstProperty
from openapi_python_client.parser.properties.date import DateProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.file import FileProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.schema.untrusted_string import UntrustedString
from openapi_python_client.strings import PythonCode, PythonIdentifier
from spec_support import UNCHECKED_ARGUMENT_RULES, Refusal, Unsupported, fills_itself, requirements, union_in_all_of

from palomma_client._openapi import (
    CycleDefinitions,
    MediaType,
    OpenAPI,
    Operation,
    Parameter,
    join_pointer,
    unescape_token,
)

__all__ = [
    "ArgumentView",
    "ModelFields",
    "OperationView",
    "OperationViews",
    "TagView",
    "docstring_block",
    "policy_notes",
    "sentence",
    "value_check",
    "wrap",
]

# Keyword arguments every resource method has besides the operation's own.
SDK_ARGUMENTS = frozenset({"timeout", "max_items", "self"})
METHOD_NAME_EXTENSION = "x-palomma-method-name"
OTHER_KEYS_ARGUMENT = "additional_properties"
"""The argument that holds the keys of an object request body its ``properties`` do not name (``_other_keys``)."""
WHOLE_BODY_ARGUMENT = "body"
"""The argument that holds a request body with no fields of its own (a map, a union): see ``_map_body``."""
# OpenAPI: a header parameter of one of these names "SHALL be ignored"; the client sets them itself.
IGNORED_HEADER_PARAMETERS = frozenset({"accept", "content-type", "authorization"})
_STRING_FORMATS = frozenset({"uri", "email", "uuid", "date-time"})
_RULE_KEYS = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "enum",
        "default",
        "minItems",
        "maxItems",
        "uniqueItems",
        "multipleOf",
    }
)


def _text(value: object) -> str:
    """The plain text of a name openapi-python-client wraps as untrusted."""
    return value.get_untrusted_value() if isinstance(value, UntrustedString) else str(value)


def _words(identifier: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", identifier)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [word.lower() for word in re.split(r"[^A-Za-z0-9]+|\s+", spaced) if word]


def snake(identifier: str) -> str:
    """``customerDocumentNumber`` -> ``customer_document_number``."""
    return "_".join(_words(identifier))


def singulars(word: str) -> list[str]:
    """The singulars a tag word may have, the likeliest first.

    English spelling alone cannot tell ``leases`` -> ``lease`` from ``statuses`` -> ``status``,
    so a word in ``-ses`` (or ``-ches``, ``-xes``...) has both readings; ``singular`` picks the
    one the spec itself uses.
    """
    if word.endswith("ies") and len(word) > 3:
        return [word[:-3] + "y"]
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return [word[:-2], word[:-1]]
    if word.endswith("ses"):
        return [word[:-1], word[:-2]]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return [word[:-1]]
    return [word]


def singular(word: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """The singular of a tag word: ``invoices`` -> ``invoice``, ``entries`` -> ``entry``.

    Args:
        word: The tag's word, in lower case.
        vocabulary: Words the spec uses (of its operationIds and schema names): a reading found
            there wins (``statuses`` -> ``status`` where a schema is named ``Status``).
    """
    candidates = singulars(word)
    return next((candidate for candidate in candidates if candidate in vocabulary), candidates[0])


def method_name_for(operation_id: str, tag: str) -> str:
    """The resource method name of an operation, by the rule in this module's docstring."""
    tag_words = _words(tag)
    nouns = (
        {"_".join(tag_words), *("_".join([*tag_words[:-1], noun]) for noun in singulars(tag_words[-1]))}
        if tag_words
        else set()
    )
    words = _words(operation_id)
    joined = "_".join(words)
    for noun in sorted(nouns, key=len, reverse=True):
        # Drop the tag's noun wherever it stands as whole words.
        joined = re.sub(rf"(^|_){re.escape(noun)}(?=_|$)", r"\1", joined).strip("_")
        joined = re.sub(r"__+", "_", joined)
    name = joined or "_".join(words)
    return name + "_" if keyword.iskeyword(name) else name


# A str subclass is a string too: a caller's own dict may hold enum members.
_IS_NOT_STRING = "not isinstance({v}, str)"


def value_check(prop: Any) -> tuple[str, str] | None:
    """A condition, with ``{v}`` for the value, that is true when a JSON value is of the wrong type.

    Returns:
        The condition and what the value should have been, or ``None`` when the
        property's own parser checks it (models) or anything goes.
    """
    if isinstance(prop, EnumProperty):
        if prop.value_type is int:
            return "type({v}) is not int", "an integer"
        return _IS_NOT_STRING, "a string"
    if isinstance(prop, StringProperty | DateProperty | DateTimeProperty):
        return _IS_NOT_STRING, "a string"
    if isinstance(prop, IntProperty):
        return "type({v}) is not int", "an integer"
    if isinstance(prop, FloatProperty):
        return "type({v}) is not float and type({v}) is not int", "a number"
    if isinstance(prop, BooleanProperty):
        return "type({v}) is not bool", "true or false"
    if isinstance(prop, ListProperty):
        return "type({v}) is not list", "an array"
    if isinstance(prop, ConstProperty) and type(prop.value.raw_value) in (str, int, float, bool):
        # The attribute is typed as the one value (`Literal['notice']`): any other would make the type lie.
        raw = prop.value.raw_value
        return f"type({{v}}) is not {type(raw).__name__} or {{v}} != {raw!r}", repr(raw)
    if isinstance(prop, UnionProperty):
        conditions, expected, nullable = [], [], False
        for inner in prop.inner_properties:
            if isinstance(inner, NoneProperty):
                nullable = True
                continue
            check = value_check(inner)
            if check is None:
                return None
            conditions.append(f"({check[0]})")
            expected.append(check[1])
        if nullable:
            conditions.insert(0, "{v} is not None")
            expected.append("null")
        return " and ".join(conditions), " or ".join(expected)
    return None


@dataclass
class ArgumentView:
    """One argument of a resource method: where it goes, its type, its check."""

    python_name: str
    json_name: str
    location: str  # path, query, header, cookie or body
    required: bool
    annotation: str
    check: str  # an expression that checks the argument and gives the value to send
    serialize: str  # for path and query: an expression that turns the checked value into text
    description: str
    json_value: str = ""  # for body arguments: an expression of the checked value as JSON
    rules: dict[str, Any] = field(default_factory=dict)  # the schema's rules, as the spec writes them
    nullable: bool = False  # None is a value (JSON null): "not given" is NOT_GIVEN
    schema: Any = None  # for a structured body argument: its schema, references inlined, for check_json
    whole: bool = False  # the argument is the whole request body (a map or a union), not one of its fields
    expands: bool = False  # an object query argument: ``serialize`` gives several query pairs, not one value
    members: tuple[str, ...] = ()  # for a union as the whole body: its member models, in the spec's order
    discriminator: str = ""  # ...the field its discriminator reads, if it has one
    union: str = ""  # ...and its keyword: oneOf (exactly one member) or anyOf (at least one)
    group_required: bool = False  # a required field of an optional request body: required once the body is sent
    named: tuple[str, ...] = ()  # for the other keys of an object body (a map beside properties): the named ones
    fills_itself: bool = False  # an idempotency key header: left out, the client sends a new key per call

    @property
    def omittable(self) -> bool:
        """Whether leaving the argument out is told apart from ``None``: its default is ``NOT_GIVEN``."""
        return self.nullable or self.whole

    @property
    def default(self) -> str:
        """The annotation's tail and default of an optional argument."""
        return " | NotGiven = NOT_GIVEN" if self.omittable else " | None = None"

    @property
    def given(self) -> str:
        """A condition true when the caller gave the optional argument."""
        return f"not isinstance({self.python_name}, NotGiven)" if self.omittable else f"{self.python_name} is not None"


@dataclass
class OperationView:
    """Everything the templates write for one operation."""

    operation_id: str
    method: str
    path: str
    module: str
    method_name: str
    summary: str
    description: str
    path_arguments: list[ArgumentView]
    query_arguments: list[ArgumentView]
    header_arguments: list[ArgumentView]
    body_arguments: list[ArgumentView]
    body_model: str | None
    path_expression: str
    success: list[tuple[int, str | None, str]]  # status code, the model its body parses into, and its kind
    return_type: str
    error_statuses: list[int]
    retry_policy: str = ""  # the guarantee of its hand-written retry policy, if it has one
    page_item: str | None = None
    page_items_attribute: str = ""
    page_cursor_attribute: str = ""
    model_imports: set[str] = field(default_factory=set)
    endpoint_key: tuple[str, str] = ("", "")  # the parsed endpoint's method and name
    security: tuple[tuple[str, ...], ...] = ()  # the spec's requirements: alternatives of scheme names
    deprecated: bool = False  # the spec marks it deprecated: a DeprecationWarning when called
    answer: str = "json"  # how the success body is read: json, text or bytes
    accept: str = ""  # the media type of its success body, for the Accept header of a non-JSON answer
    union_parsers: dict[int, str] = field(default_factory=dict)  # a union answer's parse expression, by status
    map_parsers: dict[int, str] = field(default_factory=dict)  # a map answer's parse expression, by status
    body_optional: bool = False  # the request body may be left out (`requestBody.required` false or absent)
    cookie_arguments: list[ArgumentView] = field(default_factory=list)  # sent together in the `Cookie` header
    encoding: str = "json"  # how the request body is sent: json, form (urlencoded) or multipart
    idempotency_header: str = ""  # the header the client fills with a new idempotency key per call, if any

    @property
    def whole_body(self) -> ArgumentView | None:
        """The ``body`` argument of an operation whose whole request body is a map or a union, else ``None``."""
        return next((argument for argument in self.body_arguments if argument.whole), None)

    @property
    def group_required(self) -> dict[str, str]:
        """The fields an optional request body must carry once sent: JSON name -> argument name."""
        return {argument.json_name: argument.python_name for argument in self.body_arguments if argument.group_required}

    @property
    def error_imports(self) -> list[str]:
        """What the module imports from the errors module: the error, and the parsers its answers use."""
        used = " ".join([*self.union_parsers.values(), *self.map_parsers.values()])
        return ["ResponseSchemaError", *sorted(set(_PARSER_NAMES.findall(used)))]

    @property
    def keyword_arguments(self) -> list[ArgumentView]:
        """Query, header, cookie and body arguments, required ones first, in the spec's order."""
        others = self.body_arguments + self.query_arguments + self.header_arguments + self.cookie_arguments
        return [argument for argument in others if argument.required] + [
            argument for argument in others if not argument.required
        ]

    @property
    def schemas(self) -> dict[str, Any]:
        """The schemas of the arguments checked as JSON (nested objects, unions, nullable), by argument."""
        return {
            argument.python_name: argument.schema
            for argument in self.path_arguments + self.keyword_arguments
            if argument.schema is not None
        }

    @property
    def paginated(self) -> bool:
        return self.page_item is not None

    @property
    def page_arguments(self) -> list[ArgumentView]:
        """The keyword arguments a paginated method takes: all but the cursor, which the pager moves."""
        return [argument for argument in self.keyword_arguments if argument.json_name != "cursor"]


def docstring_block(lines: list[str], indent: str) -> str:
    """Lines of a docstring, indented and escaped to sit between triple quotes (the first line unindented)."""
    text = "\n".join(f"{indent}{line}" if line else "" for line in lines)
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').lstrip()


def sentence(text: str) -> str:
    """``text`` on one line, ending with a full stop."""
    return _sentence(text)


def wrap(text: str, indent: str = "", hanging: str = "") -> list[str]:
    """``text`` wrapped at 100 columns: the first line after ``indent``, the others after ``hanging``."""
    return _wrap(text, indent, hanging)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _wrap(text: str, indent: str = "", hanging: str = "", width: int = 100) -> list[str]:
    words, lines, current = " ".join(text.split()).split(" "), [], indent
    for word in words:
        if current.strip() and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = (hanging or indent) + word
        else:
            current = current + (" " if current.strip() else "") + word
    if current.strip():
        lines.append(current)
    return lines


@dataclass
class TagView:
    """One resource class: a tag of the spec and its operations."""

    tag: str
    attribute: str
    class_name: str
    description: str
    operations: list[OperationView]

    @property
    def uses(self) -> set[str]:
        """The names the resource module's signatures need besides the models: ``NotGiven``, ``Sequence``, ``IO``..."""
        arguments = [argument for op in self.operations for argument in op.keyword_arguments]
        names = {"NotGiven"} if any(argument.omittable and not argument.required for argument in arguments) else set()
        names |= {"IO"} if any("IO[" in argument.annotation for argument in arguments) else set()
        path_arguments = [argument for op in self.operations for argument in op.path_arguments]
        annotations = [argument.annotation for argument in arguments + path_arguments]
        annotations += [op.return_type for op in self.operations]
        names |= {"builtins"} if any("builtins." in annotation for annotation in annotations) else set()
        names |= {"Literal"} if any("Literal[" in annotation for annotation in annotations) else set()
        return names | ({"Sequence"} if any("Sequence[" in argument.annotation for argument in arguments) else set())


# Builtin types an annotation may name that a resource method could be called (`list`), hiding the type in
# its class's annotations; those annotations name them `builtins.list`.
SHADOWABLE_BUILTINS = frozenset({"list", "dict", "set", "frozenset", "tuple", "type", "bytes"})


def _with_builtins_qualified(view: OperationView, shadowed: frozenset[str]) -> OperationView:
    """The view as a resource class whose methods hide ``shadowed`` builtins writes it."""
    pattern = re.compile(rf"(?<![\w.])({'|'.join(sorted(shadowed))})\b")

    def qualified(annotation: str) -> str:
        return pattern.sub(r"builtins.\1", annotation)

    changes: dict[str, Any] = {"return_type": qualified(view.return_type)}
    if view.page_item is not None:
        changes["page_item"] = qualified(view.page_item)
    for each in dataclasses.fields(view):
        value = getattr(view, each.name)
        if isinstance(value, list) and value and all(isinstance(item, ArgumentView) for item in value):
            changes[each.name] = [dataclasses.replace(item, annotation=qualified(item.annotation)) for item in value]
    return dataclasses.replace(view, **changes)


class OperationViews:
    """The views of every operation of one spec, for the templates."""

    def __init__(
        self,
        spec: OpenAPI,
        openapi: GeneratorData,
        generator_config: dict[str, Any],
        policies: dict[str, str] | None = None,
    ) -> None:
        self._spec = spec
        self._json = ModelFields(spec)
        # openapi-python-client rewrites path templates ({customerId} -> {customer_id}) but names each
        # endpoint by its operationId (or method and path) in snake case, as the index names it.
        prefix = str(generator_config.get("field_prefix", "field_"))
        self._operations = {
            (operation.method, str(PythonIdentifier(operation.name, prefix=prefix))): operation
            for operation in spec.operations
        }
        self._policies = policies or {}
        self._vocabulary = frozenset(
            word
            for name in [
                *(operation.operation_id or "" for operation in spec.operations),
                *spec.document.get("components", {}).get("schemas", {}),
            ]
            for word in _words(name)
        )
        self._overrides: dict[str, str] = dict(generator_config.get("method_names") or {})
        self.tags: list[TagView] = []
        self._by_endpoint: dict[tuple[str, str], OperationView] = {}
        descriptions = {snake(tag["name"]): tag.get("description", "") for tag in spec.document.get("tags", [])}
        for tag, collection in sorted(openapi.endpoint_collections_by_tag.items()):
            self.tags.append(self._tag_view(str(tag), collection, descriptions.get(str(tag), "")))

    def for_endpoint(self, endpoint: Endpoint) -> OperationView:
        return self._by_endpoint[_endpoint_key(endpoint)]

    def _tag_view(self, tag: str, collection: EndpointCollection, description: str) -> TagView:
        views = [self._view(tag, endpoint) for endpoint in collection.endpoints]
        seen: dict[str, str] = {}
        for view in views:
            if view.method_name in seen:
                raise SystemExit(
                    f"operations {seen[view.method_name]} and {view.operation_id} of tag {tag!r} both name a "
                    f"method {view.method_name!r}; give one a name with {METHOD_NAME_EXTENSION} or method_names "
                    "in generator-config.yml"
                )
            seen[view.method_name] = view.operation_id
            self._by_endpoint[view.endpoint_key] = view
        attribute = snake(tag)
        class_name = "".join(word.capitalize() for word in _words(tag)) + "Resource"
        shadowed = SHADOWABLE_BUILTINS & set(seen)
        if shadowed:
            views = [_with_builtins_qualified(view, shadowed) for view in views]
        return TagView(tag, attribute, class_name, description, views)

    def _operation(self, endpoint: Endpoint) -> Operation:
        """The spec index's view of the operation openapi-python-client parsed as ``endpoint``."""
        return self._operations[_endpoint_key(endpoint)]

    def _view(self, tag: str, endpoint: Endpoint) -> OperationView:
        operation = self._operation(endpoint)
        raw = operation.node
        operation_id = operation.name
        # Without an operationId, the method is named from the HTTP method and the path's literal words
        # (`DELETE /customers/{customerId}` tagged Customers -> `delete`), not the placeholders.
        basis = operation.operation_id or "_".join(
            [operation.method, *(part for part in operation.path.split("/") if part and "{" not in part)]
        )
        method_name = str(
            raw.get(METHOD_NAME_EXTENSION) or self._overrides.get(operation_id) or method_name_for(basis, tag)
        )
        tag_noun = singular(_words(tag)[-1], self._vocabulary) if _words(tag) else "resource"
        # Path-item parameters are merged in, and overridden per OpenAPI's rules, by the index.
        parameters = {(parameter.location, parameter.name): parameter for parameter in operation.parameters}
        imports: set[str] = set()

        path_arguments = []
        for prop in endpoint.path_parameters:
            parameter = parameters[("path", _text(prop.name))]
            python_name = f"{tag_noun}_id" if _text(prop.name) == "id" else str(prop.python_name)
            path_arguments.append(
                self._argument(
                    prop, python_name, "path", True, parameter.schema, parameter.node, imports, _at(parameter)
                )
            )

        def keyword_arguments(location: str, props: list[Any]) -> list[ArgumentView]:
            arguments = []
            for prop in props:
                parameter = parameters[(location, _text(prop.name))]
                if location == "header" and parameter.name.lower() in IGNORED_HEADER_PARAMETERS:
                    continue
                filled = location == "header" and fills_itself(parameter.name, parameter.schema)
                argument = self._argument(
                    prop,
                    str(prop.python_name),
                    location,
                    parameter.required and not filled,
                    parameter.schema,
                    parameter.node,
                    imports,
                    _at(parameter),
                )
                argument.fills_itself = filled
                arguments.append(argument)
            return arguments

        query_arguments = keyword_arguments("query", endpoint.query_parameters)
        header_arguments = keyword_arguments("header", endpoint.header_parameters)
        cookie_arguments = keyword_arguments("cookie", endpoint.cookie_parameters)
        body_arguments: list[ArgumentView] = []
        body_model = None
        if endpoint.bodies:
            body = endpoint.bodies[0]
            assert operation.request_body is not None  # the generator parsed a body from it
            media = operation.request_body.content[0]
            members = _union_models(body.prop)
            if members:
                body_arguments.append(self._whole_body(body.prop, members, media, imports))
            elif (
                _nullable(body.prop)
                or isinstance(body.prop, ListProperty)
                or (isinstance(body.prop, ModelProperty) and map_values(body.prop) is not None)
            ):
                # A nullable body is one `body` argument too: `None` is its JSON null, apart from "no body".
                body_arguments.append(self._map_body(body.prop, operation, imports))
            elif isinstance(body.prop, ModelProperty):
                body_model = body.prop.class_info.name
                body_arguments = self._body_fields(body.prop, media, imports)
            else:
                at = media.schema_pointer or media.pointer
                raise Unsupported(Refusal("a request body that is not a JSON object or array", at))
            if not operation.request_body.required:
                # An optional body: sent only when the caller gives some of it (see docs/spec-support.md).
                for argument in body_arguments:
                    argument.group_required, argument.required = argument.required and not argument.whole, False
        arguments = path_arguments + query_arguments + header_arguments + cookie_arguments + body_arguments
        idempotency_header = next((argument.json_name for argument in header_arguments if argument.fills_itself), "")
        names = [argument.python_name for argument in arguments]
        clashes = sorted({name for name in names if names.count(name) > 1} | (set(names) & SDK_ARGUMENTS))
        if clashes:
            raise SystemExit(f"{operation_id}: argument names clash: {', '.join(clashes)}")

        parsed = {
            response.status_code.range[0]: response.prop
            for response in endpoint.responses.patterns
            if response.status_code.range is not None and response.status_code.range[0] == response.status_code.range[1]
        }
        success: list[tuple[int, str | None, str]] = []
        union_parsers: dict[int, str] = {}
        map_parsers: dict[int, str] = {}
        for response in operation.success_responses():  # numbered ones; spec_support refuses 2XX and default
            status = int(response.status)
            answer_media = response.content[0] if response.content else None
            # An answer to HEAD never has a body (RFC 9110 section 9.3.2), whatever content the spec
            # gives it: that is the GET's, whose headers alone HEAD returns.
            if answer_media is None or operation.method == "head":
                success.append((status, None, "none"))
            elif answer_media.is_json:
                answer_prop = parsed.get(status)
                if answer_prop is not None and (
                    map_values(answer_prop) is not None or isinstance(_unwrapped(answer_prop), ListProperty)
                ):
                    # A map (or a free-form object) as the whole answer: a dict of its values, each checked; an
                    # array: a list of its items, each checked, an error naming its index (`[2].name`).
                    imports.update(name for _, name in self._json.classes(answer_prop))
                    map_parsers[status] = f"{self._json.parser(answer_prop)}(data)"
                    success.append((status, self._json.python_type(answer_prop), "map"))
                    continue
                members = _union_models(answer_prop)
                if not members and _nullable(answer_prop) and isinstance(_unwrapped(answer_prop), ModelProperty):
                    members = [_unwrapped(answer_prop)]  # a nullable object: its model, or None for null
                if members:
                    # A oneOf/anyOf of objects: the member model its discriminator names, else the first that parses;
                    # a nullable one's null is None (from_json parses a nullable property so).
                    names = [str(member.class_info.name) for member in members]
                    imports.update(names)
                    union_parsers[status] = self._json.from_json(answer_prop, "data")
                    typed = " | ".join(names + (["None"] if _nullable(answer_prop) else []))
                    success.append((status, typed, "union"))
                    continue
                model = answer_prop.class_info.name if isinstance(answer_prop, ModelProperty) else None
                if model:
                    imports.add(model)
                success.append((status, model, "model" if model else "none"))
            else:
                # `text/*` answers are read as text, any other media type as the bytes that came.
                success.append((status, None, "text" if answer_media.is_text else "bytes"))
        errors = sorted(status for status in parsed if not 200 <= status < 300)
        returned = {model or {"text": "str", "bytes": "bytes"}.get(kind, "None") for _, model, kind in success}
        if len(returned) == 2 and "None" in returned:
            return_type = f"{(returned - {'None'}).pop()} | None"
        else:
            return_type = returned.pop() if len(returned) == 1 else "None"
        return_type = " | ".join(dict.fromkeys(part.strip() for part in return_type.split("|")))  # `X | None` once
        answer = next((kind for _, _, kind in success if kind in ("text", "bytes")), "json")

        view = OperationView(
            operation_id=operation_id,
            method=endpoint.method.upper(),
            path=operation.path,
            module=_text(endpoint.name),
            method_name=method_name,
            summary=str(raw.get("summary") or ""),
            description=str(raw.get("description") or ""),
            path_arguments=path_arguments,
            query_arguments=query_arguments,
            header_arguments=header_arguments,
            cookie_arguments=cookie_arguments,
            body_arguments=body_arguments,
            encoding=_encoding(operation),
            body_model=body_model,
            body_optional=operation.request_body is not None and not operation.request_body.required,
            path_expression=_path_expression(operation.path, path_arguments),
            endpoint_key=_endpoint_key(endpoint),
            security=requirements(operation.security),
            deprecated=operation.deprecated,
            success=success,
            return_type=return_type,
            error_statuses=errors,
            answer=answer,
            accept=next((media.name for r in operation.success_responses() for media in r.content), ""),
            model_imports=imports,
            union_parsers=union_parsers,
            map_parsers=map_parsers,
            idempotency_header=idempotency_header,
        )
        self._find_pagination(view, endpoint)
        view.retry_policy = self._policies.get(view.operation_id, "")
        return view

    def _body_fields(self, model: ModelProperty, media: MediaType, imports: set[str]) -> list[ArgumentView]:
        """One keyword argument per property of an object request body; ``readOnly`` ones are left out."""
        arguments = []
        # allOf members' properties too: openapi-python-client merges them into the one model.
        raw_properties = self._spec.object_properties(media.schema_pointer) if media.schema_pointer else {}
        for prop in (model.required_properties or []) + (model.optional_properties or []):
            raw_property, property_pointer = raw_properties.get(_text(prop.name), ({}, media.pointer))
            if raw_property.get("readOnly") is True:
                continue  # the API sets it: never an argument, even where the schema requires it
            argument = self._argument(
                prop,
                str(prop.python_name),
                "body",
                prop.required,
                raw_property,
                raw_property,
                imports,
                property_pointer,
            )
            # The body is written as the model's to_dict would write it, without building the model;
            # a structured argument's check already gives its JSON.
            if argument.schema is None and argument.nullable:
                written = self._json.to_json_value(_unwrapped(prop), argument.check)
                argument.json_value = f"None if {argument.python_name} is None else {written}"
            elif argument.schema is None:
                argument.json_value = self._json.to_json_value(prop, argument.check)
            else:
                argument.json_value = argument.check
            arguments.append(argument)
        values = ModelFields.extra_values(model)
        if values is not None:
            if media.schema is None or not isinstance(media.schema.get("additionalProperties"), Mapping):
                construct = "a request body whose `additionalProperties` are not beside its `properties`"
                raise Unsupported(Refusal(construct, media.schema_pointer or media.pointer))
            arguments.append(self._other_keys(model, values, media, imports))
        return arguments

    def _other_keys(self, model: ModelProperty, values: Any, media: MediaType, imports: set[str]) -> ArgumentView:
        """The argument of the keys an object body's ``properties`` do not name (``additionalProperties``' schema).

        Named ``additional_properties``, as the model's attribute that holds them: a ``Mapping`` of the
        map's values, each checked before sending by that schema (an error names
        ``additional_properties.acc_1.amount``); a key that is also a named property is refused.
        """
        assert media.schema is not None  # a body with properties
        assert media.schema_pointer is not None
        pointer = join_pointer(media.schema_pointer, "additionalProperties")
        values_schema, values_pointer = self._spec.resolve(media.schema["additionalProperties"], pointer)
        schema = {
            "type": "object",
            "additionalProperties": self._runtime_schema(values_schema, values_pointer),
        }
        name = OTHER_KEYS_ARGUMENT
        check = f"check_json({name!r}, {name}, SCHEMAS[{name!r}])"
        named = tuple(
            _text(prop.name) for prop in (model.required_properties or []) + (model.optional_properties or [])
        )
        description = " ".join(
            [
                "The body's other keys, beside its named fields: each value checked by the schema of",
                "``additionalProperties``; a key that names a field is refused.",
            ]
        )
        return ArgumentView(
            name,
            "",
            "body",
            False,
            f"Mapping[str, {_argument_type(values, imports)}]",
            check,
            "",
            description,
            json_value=check,
            schema=schema,
            named=named,
        )

    def _whole_body(self, prop: Any, members: list[Any], media: MediaType, imports: set[str]) -> ArgumentView:
        """The one ``body`` argument of a request body that is a ``oneOf``/``anyOf`` of objects.

        Typed as the union of what it may be, as openai-python types a parameter of several shapes: any
        member model or a dict with the API's field names. It is checked as the JSON sent: against the
        member its discriminator names, else ``oneOf`` against exactly one member and ``anyOf`` against
        at least one.
        """
        schema, pointer = media.schema or {}, media.schema_pointer or media.pointer
        argument = self._argument(prop, WHOLE_BODY_ARGUMENT, "body", True, schema, schema, imports, pointer)
        argument.json_name, argument.json_value, argument.whole = "", argument.check, True
        argument.members = tuple(str(member.class_info.name) for member in members)
        discriminator = schema.get("discriminator")
        argument.discriminator = str(discriminator["propertyName"]) if isinstance(discriminator, Mapping) else ""
        # An allOf with a union among its members is generated as that union of merged models.
        merged = union_in_all_of(self._spec, schema, pointer)
        argument.union = merged[1] if merged else "oneOf" if isinstance(schema.get("oneOf"), list) else "anyOf"
        self._written_nullable(argument, media)
        return argument

    def _find_pagination(self, view: OperationView, endpoint: Endpoint) -> None:
        """A list operation: a ``cursor`` query parameter, and a response with ``cursor`` and one array of models."""
        if not any(argument.json_name == "cursor" for argument in view.query_arguments) or len(view.success) != 1:
            return
        response = next(
            (r.prop for r in endpoint.responses.patterns if r.status_code.range == (view.success[0][0],) * 2), None
        )
        if not isinstance(response, ModelProperty):
            return
        properties = (response.required_properties or []) + (response.optional_properties or [])
        cursor = next((p for p in properties if _text(p.name) == "cursor"), None)
        arrays = [p for p in properties if isinstance(p, ListProperty) and isinstance(p.inner_property, ModelProperty)]
        if cursor is None or len(arrays) != 1:
            return
        item = arrays[0].inner_property
        assert isinstance(item, ModelProperty)
        # Items that are maps (free-form objects too) are dicts: the page names their type, imports what they hold.
        view.page_item = self._json.python_type(item) if map_values(item) is not None else item.class_info.name
        view.page_items_attribute = str(arrays[0].python_name)
        view.page_cursor_attribute = str(cursor.python_name)
        if map_values(item) is None:
            view.model_imports.add(view.page_item)
        view.model_imports.update(name for _, name in self._json.classes(item))

    def _argument(
        self,
        prop: Any,
        python_name: str,
        location: str,
        required: bool,
        schema: Mapping[str, Any],
        documented: Mapping[str, Any],
        imports: set[str],
        pointer: str,
        whole: bool = False,
    ) -> ArgumentView:
        # `const` is checked where an argument is checked as JSON (a body's), and sent as the JSON it is.
        for rule in UNCHECKED_ARGUMENT_RULES if location == "body" else (*UNCHECKED_ARGUMENT_RULES, "const"):
            if rule in schema:
                construct = f"`{rule}` on a {location} argument (`{_text(prop.name)}`)"
                raise Unsupported(Refusal(construct, join_pointer(pointer, rule), "it would not be checked"))
        name = python_name
        scalar = _scalar(prop, repr(python_name), name, schema, location, imports)
        runtime_schema = None
        nullable_scalar = _nullable_scalar(prop, repr(python_name), name, schema, location, imports)
        if location == "body" and not whole and nullable_scalar is not None and "const" not in schema:
            # A nullable date, enum, number...: checked exactly as the same argument that is not nullable,
            # with None besides (its JSON null); ``_body_fields`` writes the null.
            annotation, check, serialize = nullable_scalar
        elif location == "body" and (whole or _structured(prop, schema)):
            # Nested objects, arrays of them, maps, unions and nullable values: checked as the JSON sent,
            # against the spec's schema, so every nested rule is checked and an error names its path.
            annotation = _argument_type(prop, imports)
            runtime_schema = self._runtime_schema(schema, pointer)
            check = f"check_json({python_name!r}, {name}, SCHEMAS[{python_name!r}])"
            serialize = ""
        elif scalar is not None:
            annotation, check, serialize = scalar
        elif location != "body" and not required and nullable_scalar is not None:
            # A nullable parameter (3.1's `type: [integer, 'null']`, 3.0's `nullable`): a query string, a path,
            # a header or a cookie has no null to send, only an absent value, which is what an optional
            # argument left as `None` already sends. So it is the argument of its one scalar type.
            unwrapped = _scalar(_unwrapped(prop), repr(python_name), name, schema, location, imports)
            assert unwrapped is not None  # _nullable_scalar found its one type a scalar
            annotation, check, serialize = unwrapped
        elif isinstance(prop, ListProperty) and location == "body":
            annotation, check, _ = self._array(prop, python_name, schema, pointer, imports, location)
            serialize = ""  # a body field is serialized by its model
        elif isinstance(prop, ListProperty) and location == "query":
            annotation, check, texts = self._array(prop, python_name, schema, pointer, imports, location)
            # Form style: `explode` (the default) repeats the parameter; without it, one value with commas.
            serialize = texts if schema_explode(documented) else f"form_list({python_name!r}, {texts})"
        elif isinstance(prop, ListProperty):
            # A path or header array: the simple style, one value with commas, whatever `explode` says; a
            # cookie array too (its form style repeats the name only where a query string could hold it).
            annotation, check, texts = self._array(prop, python_name, schema, pointer, imports, location)
            serialize = f"form_list({python_name!r}, {texts})"
        elif location == "query" and isinstance(prop, ModelProperty):
            # An object in the query: checked as JSON against its schema, then one pair per property,
            # named as the property (`explode: true`) or as `name[property]` (`style: deepObject`).
            annotation = _argument_type(prop, imports)
            runtime_schema = self._runtime_schema(schema, pointer)
            check = f"check_json({python_name!r}, {name}, SCHEMAS[{python_name!r}])"
            deep = documented.get("style") == "deepObject"
            prefix = repr(_text(prop.name)) if deep else "None"
            serialize = f"query_object({python_name}, {prefix})"
        elif location in ("path", "header") and isinstance(prop, ModelProperty):
            # An object in the path or a header: checked as JSON against its schema, then one value in the
            # simple style, `role,admin,name,Alex` (the default) or `role=admin,name=Alex` (`explode: true`).
            annotation = _argument_type(prop, imports)
            runtime_schema = self._runtime_schema(schema, pointer)
            check = f"check_json({python_name!r}, {name}, SCHEMAS[{python_name!r}])"
            explode = documented.get("explode") is True
            serialize = f"simple_object({python_name!r}, {python_name}, {explode})"
        else:
            # Anything else would reach the request unchecked, or not as its declared type.
            raise Unsupported(Refusal(f"{_kind(prop)} as a {location} argument (`{_text(prop.name)}`)", pointer))
        description = _argument_description(documented, schema, required)
        return ArgumentView(
            python_name,
            _text(prop.name),
            location,
            required,
            annotation,
            check,
            serialize,
            description,
            rules={key: schema[key] for key in sorted(_RULE_KEYS) if key in schema},
            nullable=location == "body" and _nullable(prop),
            schema=runtime_schema,
            expands=location == "query" and isinstance(prop, ModelProperty),
        )

    def _map_body(self, prop: Any, operation: Operation, imports: set[str]) -> ArgumentView:
        """The one argument of a request body that is a map (or a free-form object) or an array: ``body``.

        A map has no fields to make arguments of: its keys are the caller's; nor has an array. The
        argument is named ``body`` whatever the schema, as it is the whole body, so that it reads the
        same in every such method; a parameter also named ``body`` is a clash ``_view`` stops at. It
        is checked as the JSON sent, so an error names the path at fault (``body[3].amount``).
        """
        assert operation.request_body is not None
        media = operation.request_body.content[0]
        documented = self._spec.at(operation.request_body.pointer)
        argument = self._argument(
            prop,
            WHOLE_BODY_ARGUMENT,
            "body",
            True,
            media.schema or {},
            documented if isinstance(documented, Mapping) else {},
            imports,
            media.schema_pointer or media.pointer,
            whole=True,
        )
        argument.json_name, argument.json_value, argument.whole = "", argument.check, True
        self._written_nullable(argument, media)
        return argument

    def _written_nullable(self, argument: ArgumentView, media: MediaType) -> None:
        """Check a whole body against its schema as written, where ``nullable`` stands beside its ``$ref``.

        ``media.schema`` is the schema the reference leads to, without the ``nullable`` the vendor
        wrote beside it (see ``_nullable_objects`` in generate.py); the check reads it as written.
        """
        written = media.node.get("schema")
        if isinstance(written, Mapping) and "$ref" in written and len(written) > 1:
            argument.schema = self._runtime_schema(written, join_pointer(media.pointer, "schema"))

    def _runtime_schema(self, node: Any, pointer: str) -> Any:
        """The schema ``check_json`` checks an argument against: references inlined, rules only.

        A ``discriminator``'s mapping becomes value -> index of the member it names, as the
        members' names are gone once their references are inlined. A schema that holds itself (a
        ``Unit`` whose ``children`` are ``Unit``s) is written once under ``$defs`` and referred to
        there (``{"$ref": "#/$defs/Unit"}``), as ``inline_keeping_cycles`` does for a model's schema.
        """
        definitions = CycleDefinitions()
        return definitions.attach(self._runtime_node(node, pointer, (), definitions))

    def _runtime_node(self, node: Any, pointer: str, active: tuple[str, ...], definitions: CycleDefinitions) -> Any:
        if not isinstance(node, Mapping):
            return node
        if "$ref" in node:
            target, target_pointer = self._spec.resolve(node, pointer)
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            if target_pointer in active:
                entered = (target_pointer,)
                reference = definitions.refer(
                    target_pointer, lambda: self._runtime_node(target, target_pointer, entered, definitions)
                )
                if not siblings:
                    return reference
                return {"allOf": [reference], **self._runtime_node(siblings, pointer, active, definitions)}
            merged = {**target, **siblings}
            return self._runtime_node(merged, target_pointer, (*active, target_pointer), definitions)
        for rule in UNCHECKED_ARGUMENT_RULES:
            if rule in node:
                construct = f"`{rule}` in a request body field"
                raise Unsupported(Refusal(construct, join_pointer(pointer, rule), "it would not be checked"))
        written: dict[str, Any] = {}
        for key, value in node.items():
            at = join_pointer(pointer, key)
            if key in ("properties",) and isinstance(value, Mapping):
                written[key] = {
                    name: self._runtime_node(item, join_pointer(at, name), active, definitions)
                    for name, item in value.items()
                }
            elif key in ("items", "additionalProperties") and isinstance(value, Mapping):
                written[key] = self._runtime_node(value, at, active, definitions)
            elif key in ("allOf", "oneOf", "anyOf") and isinstance(value, list):
                written[key] = [
                    self._runtime_node(item, join_pointer(at, i), active, definitions) for i, item in enumerate(value)
                ]
            elif key == "discriminator" and isinstance(value, Mapping):
                written[key] = _discriminator_indexes(node, value)
            elif key in _CHECKED_KEYWORDS:
                written[key] = value
        return written

    def _array(
        self,
        prop: ListProperty,
        python_name: str,
        schema: Mapping[str, Any],
        pointer: str,
        imports: set[str],
        location: str,
    ) -> tuple[str, str, str]:
        """An array argument's annotation, check (its length rules, then each item's own), and a query's texts."""
        item_schema, item_pointer = self._spec.resolve(schema.get("items", {}), join_pointer(pointer, "items"))
        label = f'f"{python_name}[{{index}}]"'
        inner = prop.inner_property
        # Arrays of objects, and body arrays with uniqueItems, are checked as JSON (see _structured).
        for rule in (*UNCHECKED_ARGUMENT_RULES, "const"):
            if rule in item_schema:
                construct = f"`{rule}` on the items of a {location} argument (`{_text(prop.name)}`)"
                raise Unsupported(Refusal(construct, join_pointer(item_pointer, rule), "it would not be checked"))
        scalar = _scalar(inner, label, "item", item_schema, location, imports)
        if scalar is None:
            construct = f"{_kind(inner)} as the items of a {location} argument (`{_text(prop.name)}`)"
            raise Unsupported(Refusal(construct, item_pointer))
        item_annotation, item_check, item_text = scalar
        lengths = "".join(
            f", {argument}={schema[key]!r}"
            for key, argument in (("minItems", "min_items"), ("maxItems", "max_items"), ("uniqueItems", "unique_items"))
            if key in schema
        )
        if location != "body":
            # The checked items are turned into text in one expression: the argument keeps its declared type.
            checked = f"[{item_check} for index, item in enumerate({python_name})]"
            check = f"check_array({python_name!r}, {python_name}{lengths})"
            return f"Sequence[{item_annotation}]", check, f"[{item_text} for item in {checked}]"
        check = f"[{item_check} for index, item in enumerate(check_array({python_name!r}, {python_name}{lengths}))]"
        return f"list[{item_annotation}]", check, ""


_CHECKED_KEYWORDS = frozenset(
    {
        *_RULE_KEYS,
        "type",
        "nullable",
        "uniqueItems",
        "required",
        "additionalProperties",
        "readOnly",
        "minProperties",
        "maxProperties",
        "const",
    }
) - {"default"}


def _discriminator_indexes(node: Mapping[str, Any], discriminator: Mapping[str, Any]) -> dict[str, Any]:
    """A discriminator with ``mapping`` from each value to the index of its member in ``oneOf``/``anyOf``."""
    members = node.get("oneOf") or node.get("anyOf") or []
    references = [member.get("$ref") if isinstance(member, Mapping) else None for member in members]
    mapping: dict[str, int] = {}
    for value, reference in (discriminator.get("mapping") or {}).items():
        if reference in references:
            mapping[str(value)] = references.index(reference)
    for index, reference in enumerate(references):
        # A member the mapping leaves out is named by its schema's name, as OpenAPI says.
        if isinstance(reference, str) and index not in mapping.values():
            mapping[unescape_token(reference.rsplit("/", 1)[-1])] = index
    return {"propertyName": str(discriminator["propertyName"]), "mapping": mapping}


def schema_explode(parameter: Mapping[str, Any]) -> bool:
    """Whether a form-style query parameter's array is sent repeated (``explode``, true unless the spec says false)."""
    return parameter.get("explode", True) is not False


def _structured(prop: Any, schema: Mapping[str, Any]) -> bool:
    """Whether a body field is checked as JSON against its schema rather than by a scalar check."""
    if isinstance(prop, ModelProperty | UnionProperty | ConstProperty) or "const" in schema:
        return True
    if isinstance(prop, ListProperty):
        return "uniqueItems" in schema or not isinstance(prop.inner_property, _SCALAR_PROPERTIES)
    return False


_SCALAR_PROPERTIES = (
    EnumProperty,
    StringProperty,
    DateProperty,
    DateTimeProperty,
    IntProperty,
    FloatProperty,
    BooleanProperty,
)


def _argument_type(prop: Any, imports: set[str]) -> str:
    """What a structured argument takes: models or their dicts, lists of them, unions, ``None`` if nullable."""
    if isinstance(prop, UnionProperty):
        # Each member's own type, then the plain forms they share (a dict for any model) once, last.
        pieces = [piece for inner in prop.inner_properties for piece in _argument_type(inner, imports).split(" | ")]
        plain: list[str] = [piece for piece in ("Mapping[str, Any]", "str", "None") if piece in pieces]
        return " | ".join(dict.fromkeys([piece for piece in pieces if piece not in plain] + plain))
    if isinstance(prop, NoneProperty):
        return "None"
    if isinstance(prop, ConstProperty):
        return PythonCode.as_unembedded_code(prop.get_type_string(no_optional=True))  # `Literal[2]`: its one value
    values = map_values(prop)
    if values is not None:
        return f"Mapping[str, {_argument_type(values, imports)}]"
    if isinstance(prop, ModelProperty):
        imports.add(prop.class_info.name)
        return f"{prop.class_info.name} | Mapping[str, Any]"
    if isinstance(prop, ListProperty):
        return f"Sequence[{_argument_type(prop.inner_property, imports)}]"
    if isinstance(prop, EnumProperty):
        imports.add(prop.class_info.name)
        return f"{prop.class_info.name} | str"
    if isinstance(prop, DateProperty):
        return "datetime.date | str"
    if isinstance(prop, DateTimeProperty):
        return "datetime.datetime | str"
    simple: list[tuple[Any, str]] = [
        (StringProperty, "str"),
        (IntProperty, "int"),
        (FloatProperty, "float"),
        (BooleanProperty, "bool"),
    ]
    return next((name for kind, name in simple if isinstance(prop, kind)), "Any")


def _scalar(
    prop: Any, label: str, name: str, schema: Mapping[str, Any], location: str, imports: set[str]
) -> tuple[str, str, str] | None:
    """The annotation, check and text form of a scalar argument (or array item), or ``None`` for another kind.

    ``label`` is the expression that names the value in an error (``'amount'``, ``f"lines[{index}]"``);
    ``name`` the variable that holds it.
    """
    rules = _rules(schema)
    if isinstance(prop, EnumProperty):
        enum_class = prop.class_info.name
        imports.add(enum_class)
        check = f"check_enum({label}, {name}, {enum_class})"
        if prop.value_type is int:
            # An integer enum (`OpenIntEnum`): its member or the number; sent as the number's text.
            return f"{enum_class} | int", check, f"str({name}.value)"
        return f"{enum_class} | str", check, f"{name}.value"
    if isinstance(prop, DateProperty):
        return "datetime.date | str", f"check_date({label}, {name})", f"{name}.isoformat()"
    if isinstance(prop, DateTimeProperty):
        return "datetime.datetime", f"check_datetime({label}, {name})", f"{name}.isoformat()"
    if isinstance(prop, BooleanProperty):
        return "bool", f"check_boolean({label}, {name})", f'("true" if {name} else "false")'
    if isinstance(prop, IntProperty):
        return "int", f"check_integer({label}, {name}{rules})", f"str({name})"
    if isinstance(prop, FloatProperty):
        return "float", f"check_number({label}, {name}{rules})", f"repr({name})"
    if isinstance(prop, StringProperty):
        in_query = ", in_query=True" if location == "query" else ""
        return "str", f"check_string({label}, {name}{rules}{in_query})", name
    if isinstance(prop, FileProperty) and location == "body":
        # A `format: binary` field of a multipart body (spec_support refuses it anywhere else): a file.
        return "bytes | IO[bytes]", f"check_file({label}, {name})", name
    return None


def _nullable_scalar(
    prop: Any, label: str, name: str, schema: Mapping[str, Any], location: str, imports: set[str]
) -> tuple[str, str, str] | None:
    """``_scalar`` of a nullable property's one scalar type, its annotation taking ``None`` too; else ``None``.

    The check is the scalar's own, for a value that is not ``None``: the caller writes the null.
    """
    inner = _unwrapped(prop)
    if inner is prop or not isinstance(inner, _SCALAR_PROPERTIES):
        return None
    scalar = _scalar(inner, label, name, schema, location, imports)
    if scalar is None:
        return None
    annotation, check, serialize = scalar
    return f"{annotation} | None", check, serialize


def _encoding(operation: Operation) -> str:
    """How an operation's request body is sent: ``json``, ``form`` (urlencoded) or ``multipart``."""
    media = operation.request_body.content[0] if operation.request_body is not None else None
    if media is None or media.is_json:
        return "json"
    return "form" if media.is_form else "multipart"


def _endpoint_key(endpoint: Endpoint) -> tuple[str, str]:
    return endpoint.method.lower(), str(endpoint.name)


def _at(parameter: Parameter) -> str:
    """Where a parameter's type is written, for a refusal."""
    return parameter.schema_pointer or parameter.pointer


def _kind(prop: Any) -> str:
    """A parsed property's construct, for a refusal."""
    if isinstance(prop, ModelProperty):
        return "a nested object"
    if isinstance(prop, ListProperty):
        return "an array"
    if _nullable(prop):
        return "a nullable value"
    if isinstance(prop, UnionProperty):
        return "a union of types"
    return f"a value of type `{PythonCode.as_unembedded_code(prop.get_type_string(no_optional=True))}`"


def policy_notes(policies_module: str) -> dict[str, str]:
    """What each operation's retry policy promises: its class docstring's ``Guarantee:`` paragraph, by operationId.

    Read from the source of ``palomma_client/_policies.py`` (its ``OPERATION_POLICIES``
    mapping and the classes it names), so a generated method's docstring states
    its policy's guarantee without the policy being restated anywhere.
    """
    tree = ast.parse(policies_module)
    summaries = {
        node.name: _guarantee(ast.get_docstring(node) or "") for node in tree.body if isinstance(node, ast.ClassDef)
    }
    notes: dict[str, str] = {}
    for node in tree.body:
        value = node.value if isinstance(node, ast.AnnAssign | ast.Assign) else None
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        if not any(isinstance(target, ast.Name) and target.id == "OPERATION_POLICIES" for target in targets):
            continue
        if isinstance(value, ast.Dict):
            for key, policy in zip(value.keys, value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(policy, ast.Call) and isinstance(policy.func, ast.Name):
                    notes[str(key.value)] = summaries.get(policy.func.id, "")
    return notes


def _guarantee(docstring: str) -> str:
    """The paragraph of a policy's docstring that starts with ``Guarantee:``, else its summary line."""
    paragraphs = [" ".join(paragraph.split()) for paragraph in docstring.split("\n\n")]
    chosen = next((paragraph for paragraph in paragraphs if paragraph.startswith("Guarantee:")), paragraphs[0])
    return chosen.removeprefix("Guarantee:").strip()


def _rules(schema: Mapping[str, Any]) -> str:
    """Keyword arguments for a check function, from the schema's rules."""
    arguments = []
    bounds = dict(schema)
    for bound in ("Minimum", "Maximum"):
        exclusive = schema.get(f"exclusive{bound}")
        if _is_number(exclusive):
            # OpenAPI 3.1 (JSON Schema 2020-12) writes an exclusive bound as the number itself.
            bounds[bound.lower()] = exclusive
            bounds[f"exclusive{bound}"] = True
    for key, argument in (
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("minLength", "min_length"),
        ("maxLength", "max_length"),
        ("pattern", "pattern"),
        ("multipleOf", "multiple_of"),
    ):
        if key in bounds:
            arguments.append(f"{argument}={bounds[key]!r}")
    if bounds.get("exclusiveMinimum") is True:
        arguments.append("exclusive_minimum=True")
    if bounds.get("exclusiveMaximum") is True:
        arguments.append("exclusive_maximum=True")
    if schema.get("format") in _STRING_FORMATS and schema.get("type") == "string":
        arguments.append(f"format={schema['format']!r}")
    return "".join(f", {argument}" for argument in arguments)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _argument_description(documented: Mapping[str, Any], schema: Mapping[str, Any], required: bool) -> str:
    text = " ".join(str(documented.get("description") or schema.get("description") or "").split())
    if text and not text.endswith("."):
        text += "."
    if documented.get("deprecated") or schema.get("deprecated"):
        text = f"Deprecated by the API. {text}"
    if "default" in schema and not required and "default" not in text.lower():
        text += f" The API uses {schema['default']!r} when it is not given."
    return text.strip() or "See the API reference."


def _path_expression(path: str, arguments: list[ArgumentView]) -> str:
    """An f-string that fills the path template with the quoted segments."""
    escaped = path.replace("\\", "\\\\").replace('"', '\\"')
    for argument in arguments:
        escaped = escaped.replace("{" + argument.json_name + "}", "\0_" + argument.python_name + "_segment\1")
    escaped = escaped.replace("{", "{{").replace("}", "}}").replace("\0", "{").replace("\1", "}")
    return f'f"{escaped}"'


class ModelFields:
    """How the model template declares, reads and writes each field: absent optional fields are ``None``."""

    def __init__(self, spec: OpenAPI) -> None:
        self._spec = spec
        self._discriminators = _discriminators(spec)
        self._maps: set[str] = set()  # the class names of the models not generated: maps, and forms with files

    @staticmethod
    def _type(prop: Any) -> str:
        return str(PythonCode.as_unembedded_code(prop.get_type_string(no_optional=True)))

    def annotation(self, prop: Any) -> str:
        """The attribute's type: optional and nullable fields may be ``None``; a map is a ``dict``."""
        written = self.python_type(prop)
        return f"{written} | None" if not prop.required or _nullable(prop) else written

    def python_type(self, prop: Any) -> str:
        """The type of a present, non-null value of ``prop``: a map is a ``dict[str, ...]`` of its values' type."""
        inner = _unwrapped(prop)
        values = map_values(inner)
        if values is not None:
            return f"dict[str, {self._value_type(values)}]"
        if isinstance(inner, ListProperty):
            return f"list[{self._value_type(inner.inner_property)}]"
        parts = [part.strip() for part in self._type(inner).split("|")]
        return " | ".join(part for part in parts if part not in ("Unset", "None"))

    def _value_type(self, prop: Any) -> str:
        written = self.python_type(prop)
        return f"{written} | None" if _nullable(prop) else written

    def parser(self, prop: Any, field: str = "") -> str:
        """A function that checks one JSON value of ``prop`` and builds it, for a map's values or an array's items.

        Its errors are ``ResponseSchemaError``s naming the place in the value (``daily.max``); see
        ``map_of`` in the errors template. ``field`` names the field ``prop`` is the value of, for
        the discriminator of a union among a map's values.
        """
        inner = _unwrapped(prop)
        if inner is not prop:
            return f"nullable({self.parser(inner, field)})"
        values = map_values(prop)
        if values is not None:
            return f"map_of({self.parser(values, f'{field}/additionalProperties' if field else '')})"
        if isinstance(prop, ListProperty):
            return f"list_of({self.parser(prop.inner_property)})"
        if isinstance(prop, EnumProperty):
            return f"enum_of({prop.class_info.name})"
        if isinstance(prop, ModelProperty):
            return f"{prop.class_info.name}.from_dict"
        if _union_models(prop):
            # A oneOf/anyOf of models is parsed as a field of it is: by its discriminator, else the first that parses.
            return f"lambda value: {self._from_json(prop, 'value', field)}"
        simple: list[tuple[Any, str]] = [
            (DateTimeProperty, "parse_datetime"),
            (DateProperty, "parse_date"),
            (BooleanProperty, "parse_boolean"),
            (IntProperty, "parse_integer"),
            (FloatProperty, "parse_number"),
            (StringProperty, "parse_string"),
            (AnyProperty, "parse_json"),
        ]
        found = next((name for kind, name in simple if isinstance(prop, kind)), None)
        if found is None:
            raise Unsupported(Refusal(f"{_kind(prop)} as the values of a map or the items of an array", ""))
        return found

    def classes(self, prop: Any) -> set[tuple[str, str]]:
        """The (module, class) of each model and enum a value of ``prop`` is built of, through maps and arrays."""
        inner = _unwrapped(prop)
        values = map_values(inner)
        if values is not None:
            return self.classes(values)
        if isinstance(inner, ListProperty):
            return self.classes(inner.inner_property)
        if isinstance(inner, UnionProperty):
            return {found for member in inner.inner_properties for found in self.classes(member)}
        if isinstance(inner, ModelProperty | EnumProperty):
            return {(str(inner.class_info.module_name), str(inner.class_info.name))}
        return set()

    def error_imports(self, properties: list[Any], model: Any = None) -> list[str]:
        """What a model module imports from the errors module: the error, and the parsers its fields use."""
        used = " ".join([*(self.from_json(prop, "value") for prop in properties), self.extra_parser(model)])
        return ["ResponseSchemaError", *sorted(set(_PARSER_NAMES.findall(used)))]

    @staticmethod
    def extra_values(model: Any) -> Any | None:
        """The property of a model's other keys' values, when the spec gives them a schema beside ``properties``."""
        values = getattr(model, "additional_properties", None)
        return None if values is None or isinstance(values, AnyProperty) else values

    def extra_type(self, model: Any) -> str:
        """The type of the values of ``additional_properties``: the schema's, or ``Any`` when it gives none."""
        values = self.extra_values(model)
        return "Any" if values is None else self._value_type(values)

    def extra_parser(self, model: Any) -> str:
        """The parser of the model's other keys (``map_of(...)``), or ``""`` when they may hold anything."""
        values = self.extra_values(model)
        return "" if values is None else f"map_of({self.parser(values)})"

    def extra_to_json(self, model: Any, source: str) -> str:
        """An expression of the model's other keys as JSON."""
        values = self.extra_values(model)
        return source if values is None else self._map_to_json(values, source, 0)

    def keep_models(self, openapi: GeneratorData) -> list[Any]:
        """The models to generate, remembering those left out: not a map's (a ``dict``), nor a form's with a file.

        A free-form object that is a member of a ``oneOf``/``anyOf`` of models keeps its model: the
        union parses into its members' classes.
        """
        members = _union_members(openapi)
        self._maps |= {
            str(model.class_info.name)
            for model in openapi.models
            if map_values(model) is not None and str(model.class_info.name) not in members
        }
        # A multipart body with a file: its fields are the method's arguments, and no answer holds a file.
        self._maps |= {
            str(model.class_info.name)
            for model in openapi.models
            if any(
                isinstance(prop, FileProperty)
                for prop in (model.required_properties or []) + (model.optional_properties or [])
            )
        }
        return [model for model in openapi.models if str(model.class_info.name) not in self._maps]

    def imports(self, model: Any) -> tuple[list[str], list[str]]:
        """A model module's imports, at the top and where only type checking and the methods need them.

        openapi-python-client imports the model of each map field, which is not generated (see
        ``keep_models``): the models and enums of the map's values are imported instead.
        """

        def kept(lines: set[str] | None) -> list[str]:
            return [line for line in lines or () if line.rsplit(" import ", 1)[-1].strip() not in self._maps]

        relative, lazy = set(kept(model.relative_imports)), set(kept(model.lazy_imports))
        extra = [self.extra_values(model)] if self.extra_values(model) is not None else []
        for prop in (model.required_properties or []) + (model.optional_properties or []) + extra:
            if _contains_map(prop) or prop in extra:
                lazy |= {f"from ..models.{module} import {name}" for module, name in self.classes(prop)}
                if _contains_date(prop):
                    relative.add("import datetime")
        lazy.discard(f"from ..models.{model.class_info.module_name} import {model.class_info.name}")
        return sorted(relative), sorted(lazy)

    def from_json(self, prop: Any, source: str) -> str:
        """An expression that builds the attribute from a JSON value whose type was checked."""
        expression = self._from_json(prop, source)
        if expression == source or (prop.required and not _nullable(prop)):
            return expression
        return f"None if {source} is None else {expression}"

    def present_from_json(self, prop: Any, source: str) -> str:
        """``from_json`` for a value known to be present (a nullable one may still be null)."""
        expression = self._from_json(prop, source)
        if expression == source or not _nullable(prop):
            return expression
        return f"None if {source} is None else {expression}"

    def converts(self, prop: Any) -> bool:
        """Whether the attribute is built from its JSON value rather than being that value."""
        return self._from_json(prop, "value") != "value"

    def parsed_name(self, prop: Any) -> str:
        """The local that holds the attribute's value once from_dict has checked it: built, or the JSON value itself."""
        return prop.python_name if self.converts(prop) else f"_raw_{prop.python_name}"

    @staticmethod
    def enum_table(prop: Any) -> str:
        """The name of the module-level dictionary of an enum's members by value."""
        return f"_{prop.class_info.module_name.upper()}_BY_VALUE"

    def _from_json(self, prop: Any, source: str, field: str = "") -> str:
        prop = _unwrapped(prop)
        if _contains_map(prop):
            return f"{self.parser(prop, _text(prop.name))}({source})"
        members = _union_models(prop)
        if members:
            # A oneOf/anyOf of models: the member its discriminator names, else the first that parses.
            names = [str(member.class_info.name) for member in members]
            key = frozenset(names)
            named = (field or _text(prop.name), key)
            # A field whose own union has no discriminator keeps none, whatever other unions of its members say.
            by_class = (
                self._discriminators[named] if named in self._discriminators else self._discriminators.get(("", key))
            )
            if by_class is not None:
                discriminator, values = by_class
                parsers = ", ".join(f"{value!r}: {name}.from_dict" for value, name in values)
                parsed = f"parse_one_of({source}, {{{parsers}}}, {discriminator!r})"
            else:
                parsers = ", ".join(f"{name!r}: {name}.from_dict" for name in names)
                parsed = f"parse_one_of({source}, {{{parsers}}})"
            return f'cast("{" | ".join(names)}", {parsed})'
        if isinstance(prop, ConstProperty):
            # value_check compared it with the one value: it is that value, as the attribute's type says.
            return f"cast({PythonCode.as_unembedded_code(prop.get_type_string(no_optional=True))!r}, {source})"
        if isinstance(prop, EnumProperty):
            # The template looks the value up in enum_table first; this is the way for a value it lacks.
            return f"{prop.class_info.name}({source})"
        if isinstance(prop, DateProperty):
            return f"datetime.date.fromisoformat({source})"
        if isinstance(prop, DateTimeProperty):
            return f"datetime.datetime.fromisoformat({source})"
        if isinstance(prop, ModelProperty):
            return f"{prop.class_info.name}.from_dict({source})"
        if isinstance(prop, ListProperty):
            if isinstance(prop.inner_property, ModelProperty):
                # map calls from_dict without making a bound method per item.
                return f"list(map({prop.inner_property.class_info.name}.from_dict, {source}))"
            inner = self._from_json(prop.inner_property, "item")
            if inner != "item" and _nullable(prop.inner_property):
                inner = f"None if item is None else {inner}"
            return source if inner == "item" else f"[{inner} for item in {source}]"
        return source

    def to_json(self, prop: Any, source: str) -> str:
        """An expression that turns the attribute into its JSON value."""
        expression = self._to_json(prop, source)
        if expression == source or not _nullable(prop):
            return expression
        return f"None if {source} is None else {expression}"

    def to_json_value(self, prop: Any, source: str) -> str:
        """An expression that turns a present (non-null) value of ``prop`` into its JSON value."""
        return self._to_json(prop, source)

    def _to_json(self, prop: Any, source: str, depth: int = 0) -> str:
        inner = _unwrapped(prop)
        values = map_values(inner)
        if values is not None:
            return self._map_to_json(values, source, depth)
        if isinstance(inner, ListProperty) and _contains_map(inner):
            item = "item" if depth == 0 else f"item_{depth}"
            converted = self._to_json(inner.inner_property, item, depth + 1)
            return f"list({source})" if converted == item else f"[{converted} for {item} in {source}]"
        prop = inner
        if _union_models(prop):
            return f"{source}.to_dict()"
        if isinstance(prop, EnumProperty):
            return f"{source}.value"
        if isinstance(prop, DateProperty | DateTimeProperty):
            return f"{source}.isoformat()"
        if isinstance(prop, ModelProperty):
            return f"{source}.to_dict()"
        if isinstance(prop, ListProperty):
            inner = self._to_json(prop.inner_property, "item")
            if inner != "item" and _nullable(prop.inner_property):
                inner = f"None if item is None else {inner}"
            return f"list({source})" if inner == "item" else f"[{inner} for item in {source}]"
        return source

    def _map_to_json(self, values: Any, source: str, depth: int) -> str:
        """A map's JSON, its values written by their own kind (a model's by ``to_dict()``, a date's as text)."""
        # Nested maps and arrays each name their loop variables apart: `value`, `value_1`...
        key, value = ("key", "value") if depth == 0 else (f"key_{depth}", f"value_{depth}")
        converted = self._to_json(values, value, depth + 1)
        if converted != value and _nullable(values):
            converted = f"None if {value} is None else {converted}"
        if converted == value:
            return f"dict({source})"
        return f"{{{key}: {converted} for {key}, {value} in {source}.items()}}"

    def kind(self, prop: Any) -> str:
        """How the template builds the attribute: ``enum``, ``date``, ``date-time``, ``model``, ``models`` or ``""``."""
        # A nullable date is parsed like a date once present; a nullable enum or model goes the general way.
        if isinstance(_unwrapped(prop), DateProperty):
            return "date"
        if isinstance(_unwrapped(prop), DateTimeProperty):
            return "date-time"
        if isinstance(prop, EnumProperty):
            return "enum"
        if _union_models(_unwrapped(prop)) or _contains_map(_unwrapped(prop)):
            return "model"  # parsed like a model, its errors placed under the field
        if isinstance(_unwrapped(prop), ModelProperty):
            return "model"  # a nullable one too: built when present, its errors placed under the field
        if isinstance(prop, ListProperty) and isinstance(prop.inner_property, ModelProperty):
            return "models"
        return ""

    def read_back(self, class_name: str, properties: list[Any]) -> list[Any]:
        """The properties an answer carries: a component's ``writeOnly`` ones are never read back."""
        schemas = self._spec.document.get("components", {}).get("schemas", {})
        name = next((key for key in schemas if _class_name(key) == class_name), None)
        if name is None:
            return properties  # spec_support refuses writeOnly outside a component's own properties
        raw = self._spec.object_properties(join_pointer("/components/schemas", name))
        return [prop for prop in properties if raw.get(_text(prop.name), ({}, ""))[0].get("writeOnly") is not True]

    def json_schema(self, class_name: str, model: Any = None) -> str:
        """The model's JSON Schema, every reference inlined (for FastAPI).

        From its component in the spec; an inline object (a nested field's, a map's values') has
        none, and is written from the schema openapi-python-client read for ``model``.
        """
        schemas = self._spec.document.get("components", {}).get("schemas", {})
        name = next((key for key in schemas if _class_name(key) == class_name), None)
        if name is not None:
            pointer = join_pointer("/components/schemas", name)
            return repr(self._to_json_schema(self._spec.inline_keeping_cycles(schemas[name], pointer)))
        if model is None:
            return repr({"type": "object"})
        read = model.data.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return repr(self._to_json_schema(self._spec.inline_keeping_cycles(read, "")))

    def _to_json_schema(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self._to_json_schema(item) for item in node]
        if not isinstance(node, dict):
            return node
        written = {name for name, value in (node.get("properties") or {}).items() if _is_write_only(value)}
        if written:
            # A model is what an answer holds, and an answer never holds a writeOnly field: its schema
            # leaves it out as the model does, or a document of that schema would not be the model's.
            node = {
                **node,
                "properties": {name: value for name, value in node["properties"].items() if name not in written},
            }
            if "required" in node:
                node["required"] = [name for name in node["required"] if name not in written]
        converted = {
            key: self._to_json_schema(value)
            for key, value in node.items()
            if key not in ("nullable", "example", "examples", "xml", "discriminator", "readOnly", "writeOnly", "$defs")
        }
        if isinstance(node.get("$defs"), dict):
            # A recursive schema's definitions: each a schema, by name (the name may be any word).
            converted["$defs"] = {name: self._to_json_schema(value) for name, value in node["$defs"].items()}
        if node.get("nullable"):
            return {"anyOf": [converted, {"type": "null"}]}
        return converted


def _is_write_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("writeOnly") is True


def map_values(prop: Any) -> Any | None:
    """The property of a map's values: an object with ``additionalProperties`` and no properties, else ``None``.

    A free-form object (``additionalProperties`` absent, ``true`` or ``{}``, and no properties) is a
    map of any JSON values: its values are an ``AnyProperty``.
    """
    if not isinstance(prop, ModelProperty) or prop.required_properties or prop.optional_properties:
        return None
    return prop.additional_properties


def _union_members(openapi: GeneratorData) -> set[str]:
    """The class names of the models that are members of a ``oneOf``/``anyOf`` anywhere in the parsed document."""
    found: set[str] = set()
    pending: list[Any] = []
    for model in openapi.models:
        pending += (model.required_properties or []) + (model.optional_properties or [])
        pending.append(model.additional_properties)
    for collection in openapi.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            pending += [body.prop for body in endpoint.bodies]
            pending += [response.prop for response in endpoint.responses.patterns]
    while pending:
        prop = pending.pop()
        if isinstance(prop, UnionProperty):
            pending += prop.inner_properties
            found |= {str(inner.class_info.name) for inner in prop.inner_properties if isinstance(inner, ModelProperty)}
        elif isinstance(prop, ListProperty):
            pending.append(prop.inner_property)
        elif isinstance(prop, ModelProperty) and map_values(prop) is not None:
            pending.append(prop.additional_properties)
    return found


# The parsers of the errors template a generated expression may call.
_PARSER_NAMES = re.compile(r"\b(?:enum_of|list_of|map_of|nullable|parse_[a-z_]+)\b")


def _contains_date(prop: Any) -> bool:
    """Whether a value of ``prop`` holds a date or a date-time, through maps and arrays."""
    inner = _unwrapped(prop)
    values = map_values(inner)
    if values is not None:
        return _contains_date(values)
    if isinstance(inner, ListProperty):
        return _contains_date(inner.inner_property)
    return isinstance(inner, DateProperty | DateTimeProperty)


def _contains_map(prop: Any) -> bool:
    """Whether ``prop`` is a map, or an array whose items hold one: built by the parsers of the errors template."""
    inner = _unwrapped(prop)
    if map_values(inner) is not None:
        return True
    return isinstance(inner, ListProperty) and _contains_map(inner.inner_property)


def _union_models(prop: Any) -> list[Any]:
    """The member models of a union of models (``oneOf``/``anyOf`` of objects), else an empty list."""
    if not isinstance(prop, UnionProperty):
        return []
    members = [inner for inner in prop.inner_properties if not isinstance(inner, NoneProperty)]
    if len(members) < 2 or not all(isinstance(member, ModelProperty) for member in members):
        return []
    return members


Discriminator = tuple[str, list[tuple[str, str]]]  # the property, and (value, member class) pairs


def _discriminators(spec: OpenAPI) -> dict[tuple[str, frozenset[str]], Discriminator | None]:
    """Each discriminated oneOf/anyOf of component schemas, by (field name, member class names).

    openapi-python-client parses the union but not its discriminator, so the generator finds it
    here: by the field that holds the union and its members, or (``""``, members) when every union
    of those members in the document has that same discriminator.
    """
    by_field: dict[tuple[str, frozenset[str]], Discriminator | None] = {}
    by_members: dict[frozenset[str], list[Discriminator | None]] = {}
    prefix = "#/components/schemas/"
    for pointer, node in spec.walk():
        if not isinstance(node, Mapping):
            continue
        members = node.get("oneOf") or node.get("anyOf")
        if not isinstance(members, list) or not members:
            continue
        references: list[str] = [
            member["$ref"] for member in members if isinstance(member, Mapping) and isinstance(member.get("$ref"), str)
        ]
        if len(references) != len(members) or not all(ref.startswith(prefix) for ref in references):
            continue
        classes = {ref: _class_name(unescape_token(ref.removeprefix(prefix))) for ref in references}
        discriminator: Discriminator | None = None
        if isinstance(node.get("discriminator"), Mapping):
            mapping = node["discriminator"].get("mapping") or {}
            values = [(str(value), classes[ref]) for value, ref in mapping.items() if ref in classes]
            # A member the mapping leaves out is named by its schema's name, as OpenAPI says.
            named = {name for _, name in values}
            values += [
                (unescape_token(ref.removeprefix(prefix)), classes[ref])
                for ref in references
                if classes[ref] not in named
            ]
            discriminator = (str(node["discriminator"]["propertyName"]), values)
        tokens = pointer.split("/")
        field_name = unescape_token(tokens[-1]) if len(tokens) > 1 and tokens[-2] == "properties" else ""
        if len(tokens) > 3 and tokens[-1] == "additionalProperties" and tokens[-3] == "properties":
            field_name = f"{unescape_token(tokens[-2])}/additionalProperties"  # a map field's values
        by_field.setdefault((field_name, frozenset(classes.values())), discriminator)
        by_members.setdefault(frozenset(classes.values()), []).append(discriminator)
    found = {key: value for key, value in by_field.items() if value is not None or key[0]}
    for members, seen in by_members.items():
        if seen[0] is not None and all(other == seen[0] for other in seen):
            found[("", members)] = seen[0]
    return found


def _unwrapped(prop: Any) -> Any:
    """A nullable property's one other type (``datetime | None`` -> the date-time); any other as it is.

    A nullable value is built like its type when present: the ``None`` is handled where it is read.
    """
    if isinstance(prop, UnionProperty):
        others = [inner for inner in prop.inner_properties if not isinstance(inner, NoneProperty)]
        # OpenAPI 3.1's nullable enum (`type: [string, "null"]`, `null` among its values) is parsed as
        # the one enum several times over: it is still one type.
        kinds = {(type(inner), str(inner.get_type_string(no_optional=True))) for inner in others}
        if others and len(kinds) == 1 and len(others) < len(prop.inner_properties):
            return others[0]
    return prop


def _nullable(prop: Any) -> bool:
    return isinstance(prop, UnionProperty) and any(isinstance(inner, NoneProperty) for inner in prop.inner_properties)


def _class_name(component: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", component) if word)
