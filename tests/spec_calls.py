"""Calls of the spec's own operations, for the tests of what the SDK does around any call.

Retries, timeouts, errors, logs, spans, raw responses and the backends behave the
same whatever the operation, so a test of them needs *a* call, not a particular
one. Naming ``palomma.invoices.get`` would tie the test to today's spec, which a
vendor may change; ``a_call()`` instead picks an operation of the spec by what
the test needs of it (its HTTP method, a path parameter), with arguments its rules
accept and the answer the spec documents. A test asserts against what the call
holds (``call.line``, ``call.ok()``, ``call.expected``), never against a literal::

    call = a_call("GET")
    api.queue(httpx2.Response(503), call.ok())
    assert await call(palomma) == call.expected
    assert api.methods() == [call.line] * 2

A test of a hand-written feature built on a named operation (the safe create on
``createInvoice``) takes ``call_of(operation_id, **arguments)``, which skips the test,
saying why, when the spec no longer has it. Both are for use inside a test or a
fixture: they skip the test when the spec has no such operation.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import inspect
import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import attrs
import httpx2
import pytest

from palomma_client import InvalidParameterError
from palomma_client._generated.api import METHODS, OPERATIONS
from palomma_client._model_base import OpenStrEnum
from palomma_client.testing import FAKE_USERNAME
from palomma_client.testing._examples import ExampleAnswer, example_answer, synthesize
from palomma_client.testing._spec import ApiSpec, Operation, load_shipped_spec
from tests.support import SANDBOX, echoed, form_fields, request_body

__all__ = [
    "EnumField",
    "PagedCall",
    "SpecCall",
    "a_call",
    "a_call_breaking_a_rule",
    "a_call_sending",
    "a_model_call",
    "a_paged_call",
    "a_paged_list",
    "a_path_text_argument",
    "a_query_text_argument",
    "a_recovering_create",
    "accepted",
    "an_operation",
    "answer_properties",
    "call_at",
    "call_of",
    "call_taking",
    "calls",
    "credentials_sent",
    "enum_fields",
    "expected_answer",
    "field",
    "is_member",
    "key_credentials",
    "listed_field",
    "model_document",
    "model_properties",
    "models",
    "needs_operations",
    "operation_of",
    "page_answer",
    "page_holding",
    "paged_call_of",
    "path_of",
    "sends_bearer_key",
    "url_of",
    "valid_arguments",
    "with_every_argument",
]

_SPEC = ApiSpec(load_shipped_spec())
_NOW = datetime.datetime(2026, 3, 11, 16, 32, 14, tzinfo=datetime.UTC)
_BASE_PATH = urlsplit(SANDBOX).path
"""The path of the base URL the tests' clients send to."""
_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries", "max_items")
"""Keyword arguments every method takes that are no argument of the operation."""


@dataclasses.dataclass(frozen=True)
class SpecCall:
    """One call of a spec operation through a client: its arguments, the request they make and its answer.

    Attributes:
        operation_id: The spec's ``operationId``.
        resource: The client's attribute holding the method (``"invoices"``).
        method: The method's name (``"get"``).
        arguments: Its arguments by name, accepted by the operation's rules.
        http_method: The request's HTTP method (``"GET"``).
        path: The request's path below the base URL, parameters filled in.
        params: The request's query parameters.
        json: The request's JSON body, or ``None``.
        answer: The success answer the spec documents: its status, media type, body and headers.
        paged: Whether the method returns a pager rather than an awaitable.
        headers: The request's header and cookie parameters (an ``If-Match``...), or ``None`` (credentials aside).
        encoding: How the body travels, by the spec's media type: ``json``, ``form`` or
            ``multipart`` (as ``ApiRequest.encoding``).
    """

    operation_id: str
    resource: str
    method: str
    arguments: Mapping[str, Any]
    http_method: str
    path: str
    params: Mapping[str, Any] | None
    json: Any
    answer: ExampleAnswer
    paged: bool
    headers: Mapping[str, str] | None = None
    encoding: str = "json"

    def __call__(self, client: Any, **options: Any) -> Any:
        """Call the method on ``client`` (a coroutine, or a pager when ``paged``), with per-call options."""
        return self._bound(getattr(client, self.resource))(**options)

    def raw(self, client: Any, **options: Any) -> Any:
        """Call the method's ``with_raw_response`` twin on ``client``: a coroutine of the raw response."""
        return self._bound(getattr(client, self.resource).with_raw_response)(**options)

    def _bound(self, resource: Any) -> Any:
        function = getattr(resource, self.method)
        positional = [
            self.arguments[name]
            for name, parameter in inspect.signature(function).parameters.items()
            if parameter.kind is inspect.Parameter.POSITIONAL_ONLY and name in self.arguments
        ]
        keywords = {name: value for name, value in self.arguments.items() if name not in _positional_names(function)}

        def bound(**options: Any) -> Any:
            result = function(*positional, **keywords, **options)
            return _warned(result) if inspect.isawaitable(result) and self.deprecated else result

        return bound

    @property
    def deprecated(self) -> bool:
        """Whether the spec marks the operation ``deprecated``: calling it then warns, and ``__call__`` expects that."""
        operation = _SPEC.index.operation(self.operation_id)
        return operation is not None and operation.deprecated

    @property
    def line(self) -> str:
        """The request as ``RecordingAPI.methods()`` lists it: ``"GET /v1/invoices/inv_1"``."""
        return f"{self.http_method} {_BASE_PATH}{self.path}"

    def ok(self, **headers: str) -> httpx2.Response:
        """The documented success answer, about what this call asked for (``echoed``), with ``headers`` added."""
        answer = self.answer
        all_headers = {**answer.headers, **headers}
        if answer.media_type is None:
            return httpx2.Response(answer.status, headers=all_headers)
        content = answer.content
        if not isinstance(content, str | bytes):
            content = json.dumps(content)
        response = httpx2.Response(
            answer.status, content=content, headers={"content-type": answer.media_type, **all_headers}
        )
        return echoed(self.request(), response)

    def request(self) -> httpx2.Request:
        """The request the call sends, without the client's own headers (credentials, user agent...).

        Its body is encoded by httpx2 from ``json`` in the call's ``encoding``, independently of the SDK.
        """
        request = httpx2.Request(
            self.http_method,
            SANDBOX + self.path,
            params=self.params,
            headers=self.headers,
            **request_body(self.json, self.encoding),
        )
        request.read()  # a multipart body is a stream until read: its content then reads as any other
        return request

    @property
    def sent(self) -> Any:
        """The body as ``tests.support.sent_body`` reads it back from the request: ``json``, or its form's fields."""
        return self.json if self.encoding == "json" or self.json is None else form_fields(self.json)

    @property
    def body(self) -> Any:
        """The body of ``ok()``: decoded JSON for a JSON answer, else its text or bytes."""
        response = self.ok()
        media_type = self.answer.media_type
        if media_type is None:
            return None
        if _is_json(media_type):
            return response.json()
        return response.text if media_type.startswith("text/") else response.content

    @property
    def expected(self) -> Any:
        """What the method returns for ``ok()``: the generated parser's reading of it."""
        return OPERATIONS[self.operation_id].parse_response(self.answer.status, self.body)


def _positional_names(function: Any) -> set[str]:
    return {
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind is inspect.Parameter.POSITIONAL_ONLY
    }


def calls() -> list[SpecCall]:
    """A call of every operation whose arguments can be made from its rules, in the spec's order."""
    made = [_call(operation_id) for operation_id in OPERATIONS]
    return [call for call in made if call is not None]


def a_call(
    http_method: str | None = None, *, path_parameter: bool = False, json_answer: bool = True, bearer_key: bool = False
) -> SpecCall:
    """The first operation of the spec of the kind asked for, not a paged one; the test skips if there is none.

    Args:
        http_method: Its HTTP method (``"GET"`` for a read the SDK retries freely), or any.
        path_parameter: Whether it must have a path parameter.
        json_answer: Whether its success answer must be a JSON body (read into a model or a value).
        bearer_key: Whether it must send the client's API key as ``Authorization: Bearer <key>``
            (``sends_bearer_key``), for a test whose subject is that credential: a vendor may add
            public operations (``security: []``) and operations of other schemes.
    """
    for call in calls():
        if call.paged or (http_method is not None and call.http_method != http_method):
            continue
        if path_parameter and "{" not in OPERATIONS[call.operation_id].PATH:
            continue
        if json_answer and (call.answer.media_type is None or not _is_json(call.answer.media_type)):
            continue
        if bearer_key and not sends_bearer_key(call.operation_id):
            continue
        return call
    wanted = " ".join(filter(None, [http_method or "any", "operation", "with a path parameter" * path_parameter]))
    sending = ", sends the API key as a bearer token" * bearer_key
    pytest.skip(f"the spec has no {wanted} that is not paged{sending}{' and answers JSON' * json_answer}")


def sends_bearer_key(operation_id: str) -> bool:
    """Whether the operation needs exactly the document's own security, and that is one HTTP bearer scheme.

    Such an operation carries the credential every request of the client carries (the pool's
    default headers), ``Authorization: Bearer <api_key>``, and nothing else: read from the
    spec's security, not from the SDK that sends it.
    """
    operation = _SPEC.operation(operation_id)
    if operation is None or operation.security != _SPEC.document_security or len(operation.security) != 1:
        return False
    [requirement] = operation.security
    return len(requirement) == 1 and _SPEC.security_schemes[requirement[0]].kind == "bearer"


def key_credentials(operation_id: str, api_key: str) -> list[dict[str, str]]:
    """The credential headers a test's client given ``api_key`` may send on the operation, by the spec's security.

    A test's client holds the key for every key scheme and, where the spec has HTTP basic,
    ``FAKE_USERNAME`` with the key as the password (``tests.support.with_every_credential``).
    One set per requirement of the operation's security those serve (HTTP bearer and basic, an
    API key in a header or a cookie), header names in lower case: the client sends exactly one
    of them. A public operation (``security: []``, or an empty requirement) gives ``{}``.
    Which alternative is chosen is ``tests/test_auth.py``'s subject; here any is right.
    """
    operation = _SPEC.operation(operation_id)
    assert operation is not None, f"{operation_id} is generated but not in the shipped spec"
    found: list[dict[str, str]] = []
    for requirement in operation.security or ((),):
        headers: dict[str, str] = {}
        for name in requirement:
            scheme = _SPEC.security_schemes[name]
            if scheme.kind == "bearer":
                headers["authorization"] = f"Bearer {api_key}"
            elif scheme.kind == "basic":
                token = base64.b64encode(f"{FAKE_USERNAME}:{api_key}".encode()).decode("ascii")
                headers["authorization"] = f"Basic {token}"
            elif scheme.kind == "header":
                headers[scheme.parameter.lower()] = api_key
            elif scheme.kind == "cookie" and "cookie" not in headers:
                headers["cookie"] = f"{scheme.parameter}={api_key}"
            else:
                break  # a scheme a key does not serve (a key in the query, OAuth), or two cookies
        else:
            found.append(headers)
    return found


def credentials_sent(headers: Mapping[str, str]) -> dict[str, str]:
    """The credential headers among ``headers`` (a request's): those any security scheme of the spec uses.

    Names in lower case, as ``key_credentials`` gives them.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    return {name: lowered[name] for name in sorted(_SPEC.credential_headers) if name in lowered}


def operation_of(request: httpx2.Request) -> str:
    """The ``operationId`` (or the generator's name for it) of the operation ``request`` went to, routed by the spec."""
    operation, _, _ = _SPEC.find(request.method, request.url.path)
    assert operation is not None, f"the spec has no operation for {request.method} {request.url.path}"
    return operation.operation_id


def call_of(operation_id: str, **arguments: Any) -> SpecCall:
    """A call of the operation ``operation_id`` with ``arguments`` over valid ones; skips if the spec lacks it."""
    if operation_id not in OPERATIONS:
        pytest.skip(f"the spec has no operation {operation_id!r}")
    call = _call(operation_id, arguments)
    if call is None:
        pytest.skip(f"no valid arguments of {operation_id!r} can be made from its rules")
    return call


def valid_arguments(operation_id: str) -> dict[str, Any] | None:
    """Values of an operation's required arguments that pass its rules, or ``None`` where one cannot be made."""
    module = OPERATIONS[operation_id]
    hints = typing.get_type_hints(module.build_request)
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(module.build_request).parameters.items():
        if parameter.default is not inspect.Parameter.empty:
            continue
        value = _value(hints[name], dict(module.RULES.get(name, {})))
        if value is _NONE:
            return None
        arguments[name] = value
    return arguments


def _call(operation_id: str, overrides: Mapping[str, Any] | None = None) -> SpecCall | None:
    arguments = valid_arguments(operation_id)
    if arguments is None and not overrides:
        return None
    arguments = {**(arguments or {}), **(overrides or {})}
    module = OPERATIONS[operation_id]
    try:
        request = module.build_request(**arguments)
    except InvalidParameterError:
        if overrides:
            raise
        return None  # a rule the synthesizer does not follow
    operation = _SPEC.operation(operation_id)
    assert operation is not None, f"{operation_id} is generated but not in the shipped spec"
    resource, method = METHODS[operation_id]
    function = getattr(_resource_class(resource), method)
    return SpecCall(
        operation_id=operation_id,
        resource=resource,
        method=method,
        arguments=arguments,
        http_method=request.method,
        path=request.path,
        params=request.params,
        json=request.json,
        answer=example_answer(_SPEC, operation, _NOW),
        paged="max_items" in inspect.signature(function).parameters,
        headers=request.headers,
        encoding=request.encoding,
    )


async def _warned(awaitable: Any) -> Any:
    """Await a deprecated operation's call, which must warn that it is deprecated (tests turn warnings into errors)."""
    with pytest.warns(DeprecationWarning, match="deprecated"):
        return await awaitable


def _resource_class(resource: str) -> type:
    from palomma_client._generated.api import GeneratedResources

    return GeneratedResources.RESOURCE_CLASSES[resource]


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


_NONE = object()
"""No value can be made for this type."""


def _value(hint: Any, rules: dict[str, Any]) -> Any:
    """A value of ``hint`` (an argument's annotation) that passes ``rules`` (the spec's, as the module holds them)."""
    if rules.get("enum"):
        return rules["enum"][0]
    members = [member for member in typing.get_args(hint) if member is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        # `date | str`, `Enum | str`, `Model | None`: the first member that can be made.
        for member in members:
            value = _value(member, rules)
            if value is not _NONE:
                return value
        return _NONE
    origin = typing.get_origin(hint) or hint
    if origin in (list, Sequence) or (
        isinstance(origin, type) and issubclass(origin, Sequence) and origin not in (str, bytes)
    ):
        item = _value(members[0], {}) if members else _NONE
        if item is _NONE:
            return _NONE
        return [item] * max(1, rules.get("minItems", 1))
    if hint is bool:
        return True
    if hint is bytes:
        return b"a file"
    if hint in (int, float, str):
        kind = {int: "integer", float: "number", str: "string"}[hint]
        return _synthesized({"type": kind, **rules})
    if hint is datetime.date:
        return _NOW.date()
    if hint is datetime.datetime:
        return _NOW
    if isinstance(hint, type) and attrs.has(hint):
        schema = f"/components/schemas/{hint.__name__}"
        if not isinstance(_SPEC.at(schema) if _has_pointer(schema) else None, Mapping):
            return _NONE
        return hint.from_dict(synthesize(_SPEC, schema, _NOW, sent=True))  # type: ignore[attr-defined]
    return _NONE


def _has_pointer(pointer: str) -> bool:
    try:
        _SPEC.at(pointer)
    except (KeyError, IndexError, TypeError, LookupError):
        return False
    return True


def _synthesized(schema: dict[str, Any]) -> Any:
    """A value of one schema, made by the fake's synthesizer from a one-schema document."""
    document = {
        "openapi": _SPEC.document["openapi"],
        "paths": {"/": {}},
        "components": {"schemas": {"Argument": schema}},
    }
    return synthesize(ApiSpec(document), "/components/schemas/Argument", _NOW, sent=True)


def field(model: Any, json_name: str) -> Any:
    """A field of a generated model, by its name in the API's JSON; skips the test when the model has no such field.

    For a test that must read one field a vendor may remove (``field(invoice, "status")``),
    where comparing the whole answer with ``SpecCall.expected`` would not say what it checks.
    """
    names = {json: python for python, json in type(model).JSON_NAMES.items()}
    if json_name not in names:
        pytest.skip(f"the spec's {type(model).__name__} has no field {json_name!r}")
    return getattr(model, names[json_name])


PAGE_ITEM_LABEL = "x-test-item"
"""The JSON key a synthesized page item carries its label under; the model keeps it in ``additional_properties``."""


@dataclasses.dataclass(frozen=True)
class PagedCall:
    """A call of a paged operation of the spec (its method returns a pager), and the answers of its pages.

    A page has the pager's shape (the generator's rule): the operation takes a ``cursor``
    query parameter, and its answer holds a ``cursor`` and one array of items. A page's
    answer is made from the spec: the documented answer's other fields, items synthesized
    from the array's item schema. Each item carries a label (``PagedCall.label`` reads it
    back from the model) so that a test checks which items came, in which order, without
    reading a field a vendor may remove::

        paged = a_paged_list()
        api.queue(paged.page(["a", "b"], "next"), paged.page(["c"], None))
        assert [paged.label(item) async for item in paged(palomma)] == ["a", "b", "c"]

    Attributes:
        call: The call itself (its arguments, request line and documented answer).
        items_name: The JSON name of the answer's array of items.
        cursor_name: The JSON name of the answer's cursor of the next page.
        cursor_required: Whether the answer's schema requires the cursor field.
    """

    call: SpecCall
    items_name: str
    cursor_name: str
    cursor_required: bool
    items_pointer: str

    def __call__(self, client: Any, **options: Any) -> Any:
        """The pager of the method on ``client``, with per-call options (``max_items``, ``cursor``...)."""
        return self.call(client, **options)

    def raw(self, client: Any, **options: Any) -> Any:
        """The ``with_raw_response`` twin: a coroutine of the raw response of one page."""
        return self.call.raw(client, **options)

    @property
    def line(self) -> str:
        """A page's request as ``RecordingAPI.methods()`` lists it."""
        return self.call.line

    @property
    def query(self) -> dict[str, str]:
        """The query parameters every page's request carries, the cursor aside."""
        return {name: str(value) for name, value in (self.call.params or {}).items()}

    def with_every_argument(self) -> PagedCall:
        """The same call with each optional argument of the operation (but the cursor) given a valid value too."""
        arguments = _every_argument(self.call, leave_out={"cursor"})
        return dataclasses.replace(self, call=call_of(self.call.operation_id, **arguments))

    def item(self, label: str) -> dict[str, Any]:
        """One item's JSON, synthesized from the spec's item schema, carrying ``label``."""
        item = synthesize(_SPEC, self.items_pointer, _NOW, 1)
        if not isinstance(item, dict):
            pytest.skip(f"the items of {self.call.operation_id!r} are not objects a label can ride on")
        return {**item, PAGE_ITEM_LABEL: label}

    def body(self, labels: Sequence[str], cursor: str | None) -> dict[str, Any]:
        """A page's JSON: the documented answer with items labelled ``labels`` and the next page's ``cursor``."""
        return self.body_of([self.item(label) for label in labels], cursor)

    def body_of(self, items: Sequence[Mapping[str, Any]], cursor: str | None) -> dict[str, Any]:
        """A page's JSON holding ``items`` as given (the JSON of each), and the next page's ``cursor``."""
        documented = self.call.body
        body = dict(documented) if isinstance(documented, Mapping) else {}
        body[self.items_name] = [dict(item) for item in items]
        body[self.cursor_name] = cursor
        return body

    def page(self, labels: Sequence[str], cursor: str | None, **headers: str) -> httpx2.Response:
        """A page's answer: ``body(labels, cursor)`` with the documented status, and ``headers`` added."""
        return httpx2.Response(self.call.answer.status, json=self.body(labels, cursor), headers=headers)

    def page_of(self, items: Sequence[Mapping[str, Any]], cursor: str | None, **headers: str) -> httpx2.Response:
        """A page's answer holding ``items`` as given: ``body_of(items, cursor)``, with ``headers`` added."""
        return httpx2.Response(self.call.answer.status, json=self.body_of(items, cursor), headers=headers)

    def expected_items(self, labels: Sequence[str]) -> list[Any]:
        """The items the pager yields for a page of ``labels``: the generated parser's and pager's reading."""
        module = OPERATIONS[self.call.operation_id]
        return list(module.page_of(module.parse_response(self.call.answer.status, self.body(labels, None))).items)

    @staticmethod
    def label(item: Any) -> str:
        """The label of an item the pager yielded (made by ``item``)."""
        return str(item.additional_properties[PAGE_ITEM_LABEL])


def a_paged_list() -> PagedCall:
    """The first paged operation of the spec (a list the SDK walks by cursor); the test skips if there is none."""
    for call in calls():
        paged = _paged(call)
        if paged is not None:
            return paged
    pytest.skip("the spec has no paged operation (a list walked by cursor) whose arguments can be made")


def paged_call_of(operation_id: str, **arguments: Any) -> PagedCall:
    """``call_of(operation_id, **arguments)`` as a paged call; skips when the spec lacks it or it is not paged.

    For a test of a hand-written feature that lists through a named operation (the
    safe create's lookup on ``listInvoices``) and scripts the pages it reads.
    """
    paged = _paged(call_taking(operation_id, **arguments))
    if paged is None:
        pytest.skip(f"the spec's {operation_id!r} is not a list walked by cursor")
    return paged


def _paged(call: SpecCall) -> PagedCall | None:
    from palomma_client.testing._spec import schema_types

    operation = _SPEC.operation(call.operation_id) if call.paged else None
    if operation is None or operation.success is None or operation.success.schema_pointer is None:
        return None
    properties, required = _SPEC.object_properties(operation.success.schema_pointer)
    arrays = [name for name, (schema, _) in properties.items() if "array" in schema_types(schema)]
    if "cursor" not in properties or len(arrays) != 1:
        return None
    return PagedCall(
        call=call,
        items_name=arrays[0],
        cursor_name="cursor",
        cursor_required="cursor" in required,
        items_pointer=f"{properties[arrays[0]][1]}/items",
    )


def call_taking(operation_id: str, **arguments: Any) -> SpecCall:
    """``call_of(operation_id, **arguments)``, skipping the test when the operation takes no argument so named.

    For a test of a hand-written feature that needs named arguments of its operation
    (the safe create's ``reference``): a vendor may remove an argument as well as the
    operation, and the test then says which is gone instead of failing.
    """
    if operation_id not in OPERATIONS:
        pytest.skip(f"the spec has no operation {operation_id!r}")
    taken = inspect.signature(OPERATIONS[operation_id].build_request).parameters
    for name in arguments:
        if name not in taken:
            pytest.skip(f"the spec's {operation_id!r} takes no argument {name!r}")
    return call_of(operation_id, **arguments)


def a_paged_call() -> SpecCall:
    """The first list operation of the spec (its method returns a pager); the test skips if there is none.

    A list operation is what the generator pages: a ``cursor`` query parameter, and an answer
    with a ``cursor`` and one array of items.
    """
    for call in calls():
        if call.paged:
            return call
    pytest.skip("the spec has no list operation (a cursor parameter and an answer of a page of items)")


def page_answer(call: SpecCall, cursor: str | None, **headers: str) -> httpx2.Response:
    """The documented answer of a list call (``a_paged_call()``) as one page: the next is at ``cursor``, or none.

    Args:
        call: A paged call.
        cursor: The cursor of the next page; ``None`` makes it the last page.
        headers: Headers added to the answer.
    """
    assert call.paged, f"{call.operation_id} is not a list operation"
    body = call.body
    assert isinstance(body, dict), f"{call.operation_id} answers no JSON object"
    return httpx2.Response(
        call.answer.status, json={**body, "cursor": cursor}, headers={**call.answer.headers, **headers}
    )


def a_query_text_argument(*, paged: bool | None = None) -> tuple[SpecCall, str]:
    """A call, and the name of one of its text arguments that travels in the query string, any text allowed.

    For a test of what the SDK does with any text in a query (its encoding, its length): the
    argument is a ``str`` the operation's rules leave free (no enum, pattern or length), found by
    building the request with it. The test skips when no operation of the spec has one.

    Args:
        paged: Only list operations (``True``), only others (``False``), or any (``None``).
    """
    probe = "query-text-probe"
    for call in calls():
        if paged is not None and call.paged != paged:
            continue
        module = OPERATIONS[call.operation_id]
        hints = typing.get_type_hints(module.build_request)
        for name in inspect.signature(module.build_request).parameters:
            rules = module.RULES.get(name, {})
            if name in call.arguments or name == "cursor" or str not in _members(hints[name]):
                continue
            if {"enum", "pattern", "maxLength", "minLength", "format"} & set(rules):
                continue
            request = module.build_request(**{**call.arguments, name: probe})
            if probe in (request.params or {}).values():
                return call, name
    pytest.skip("the spec has no operation with a free text argument in its query string")


def _members(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def answer_properties(call: SpecCall) -> tuple[dict[str, dict[str, Any]], tuple[str, ...]]:
    """The properties of a call's JSON object answer (JSON name to schema, references followed), and its required ones.

    For a test that breaks one field of a documented answer by its kind (a required one, a number,
    a date-time), whichever field of the spec has that kind. Empty when the answer is no object.
    """
    operation = _SPEC.operation(call.operation_id)
    assert operation is not None, f"{call.operation_id} is generated but not in the shipped spec"
    if operation.success is None or operation.success.schema_pointer is None:
        return {}, ()
    properties, required = _SPEC.object_properties(operation.success.schema_pointer)
    return {name: schema for name, (schema, _) in properties.items()}, required


def page_holding(listing: SpecCall, **changes: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The documented answer of a list call as its last page, holding one item; that page and its item.

    The item is the answer's first documented item with ``changes`` to the fields it has (a
    resource carries only its own fields: ``changes`` may be a whole request body). For a test
    of a feature that finds a resource by listing (the safe create's lookup).

    Args:
        listing: A paged call (``a_paged_call()``, ``call_of(...)`` of a list operation).
        changes: New values of the item's fields, by JSON name.
    """
    body = page_answer(listing, None).json()
    arrays = [name for name, value in body.items() if isinstance(value, list)]
    assert len(arrays) == 1, f"the answer of {listing.operation_id} has no single array of items"
    items = body[arrays[0]]
    if not items or not isinstance(items[0], dict):
        pytest.skip(f"the documented answer of {listing.operation_id} lists no item to change")
    item = {**items[0], **{name: value for name, value in changes.items() if name in items[0]}}
    return {**body, arrays[0]: [item]}, item


async def completed(call: SpecCall, client: Any, **options: Any) -> Any:
    """Make the call on ``client`` and finish it: its awaited answer, or every item of a list (``paged``)."""
    if call.paged:
        return await call(client, **options).to_list()
    return await call(client, **options)


def a_call_breaking_a_rule() -> tuple[SpecCall, str]:
    """A call of the spec whose one argument breaks a rule of the spec (a bound, a length, an enum); its name.

    For a test of what follows a refused argument: the call raises ``InvalidParameterError``
    naming it before anything is sent. The test skips when no argument of the spec has such a rule.
    """
    for call in calls():
        module = OPERATIONS[call.operation_id]
        for name, rules in module.RULES.items():
            value = _breaking(rules)
            if value is _NONE:
                continue
            arguments = {**call.arguments, name: value}
            try:
                module.build_request(**arguments)
            except InvalidParameterError as error:
                if error.parameter == name:
                    return dataclasses.replace(call, arguments=arguments), name
            except TypeError:
                continue  # a value of another type than the argument's
    pytest.skip("no argument of the spec has a bound, a length or an enum to break")


def _breaking(rules: Mapping[str, Any]) -> Any:
    """A value that breaks one of ``rules``, or ``_NONE``."""
    if isinstance(rules.get("maximum"), int | float) and not isinstance(rules["maximum"], bool):
        return rules["maximum"] + 1
    if isinstance(rules.get("minimum"), int | float) and not isinstance(rules["minimum"], bool):
        return rules["minimum"] - 1
    if isinstance(rules.get("maxLength"), int):
        return "x" * (rules["maxLength"] + 1)
    if isinstance(rules.get("enum"), list) and all(isinstance(value, str) for value in rules["enum"]):
        return "-".join(["not", *rules["enum"]])
    return _NONE


def listed_field(listing: SpecCall, json_name: str) -> Any:
    """A field of the first item a list call's documented answer holds; skips when the items have no such field.

    For a test of a feature that finds a listed resource by one of its fields (the safe create's
    lookup and ``find_by_reference`` match on the invoice's ``reference``).
    """
    body, _ = page_holding(listing)
    module = OPERATIONS[listing.operation_id]
    [item, *_] = module.page_of(module.parse_response(listing.answer.status, body)).items
    return field(item, json_name)


def with_every_argument(call: SpecCall) -> SpecCall:
    """The same operation as ``call`` with every optional argument too, each made from its rules.

    For a test of what a call sends: it carries the most the operation can send. An
    optional argument no value can be made for (one the rules refuse, a type the
    synthesizer cannot make) is left out; what is left is still a call the rules accept.
    """
    made = _call(call.operation_id, _every_argument(call))
    assert made is not None, f"{call.operation_id}: arguments its rules accept stopped being accepted"
    return made


def expected_answer(call: SpecCall) -> Any:
    """What awaiting ``call(client)`` returns for ``call.ok()``: ``call.expected``, or a paged call's first page."""
    if call.paged:
        return OPERATIONS[call.operation_id].page_of(call.expected)
    return call.expected


def a_call_sending(part: str) -> SpecCall:
    """The first call of the spec, paged or not, sending ``part``: ``"query"`` parameters or a JSON object ``"body"``.

    Optional arguments are filled (``with_every_argument``) so that an operation whose
    query parameters are all optional is found. The test skips when the spec has none.
    """
    for call in calls():
        full = with_every_argument(call)
        if (part == "query" and full.params) or (
            part == "body" and full.encoding == "json" and isinstance(full.json, dict) and full.json
        ):
            return full
    pytest.skip(f"the spec has no operation that sends a {'JSON object body' if part == 'body' else 'query'}")


def a_model_call() -> SpecCall:
    """The first call of the spec, not paged, whose answer is read into a generated model; skips if none is."""
    for call in calls():
        if not call.paged and call.answer.media_type is not None and hasattr(call.expected, "JSON_NAMES"):
            return call
    pytest.skip("the spec has no operation, not paged, whose answer is a model")


def accepted(request: httpx2.Request) -> Any:
    """Check that ``request``, as it went out, is one the spec accepts; return it as the fake's validator reads it.

    The request is routed by the spec's path templates and validated by its schemas
    (path, query, header and cookie parameters, body), as the in-process fake would;
    besides, every query parameter it carries must be one the operation declares, and
    every field of a JSON object body one its schema declares. Independent of the
    generated code that built the request, so a name or an encoding the generator
    got wrong fails here.

    Raises:
        AssertionError: The spec refuses the request, saying why.
    """
    from palomma_client.testing._validation import BadRequest, RequestValidator

    path = request.url.path
    operation, path_parameters, _ = _SPEC.find(request.method, path)
    assert operation is not None, f"the spec has no operation for {request.method} {path}"
    try:
        valid = RequestValidator(_SPEC).validate(
            operation,
            path=path_parameters,
            query={name: request.url.params.get_list(name) for name in request.url.params},
            headers={name.lower(): value for name, value in request.headers.items()},
            content_type=request.headers.get("content-type"),
            body=request.content,
        )
    except BadRequest as error:
        raise AssertionError(f"the spec refuses {request.method} {path}: {error}") from error
    declared = {parameter.name for parameter in operation.parameters if parameter.location == "query"}
    undeclared = set(request.url.params) - declared
    assert not undeclared, f"{operation.operation_id} declares no query parameter {sorted(undeclared)}"
    media = operation.body.json_media_type() if operation.body is not None else None
    if isinstance(valid.body, dict) and media is not None and media.schema_pointer is not None:
        properties, _ = _SPEC.object_properties(media.schema_pointer)
        unknown = set(valid.body) - set(properties)
        assert not properties or not unknown, f"{operation.operation_id}'s body declares no field {sorted(unknown)}"
    return valid


def a_path_text_argument() -> tuple[SpecCall, str]:
    """A call, not paged, and the name of one of its arguments whose text fills one segment of the path.

    For tests of how a path parameter is escaped; the test skips when no operation of
    the spec takes free text in its path.
    """
    for call in calls():
        if call.paged:
            continue
        for name, value in call.arguments.items():
            if not isinstance(value, str):
                continue
            try:
                request = OPERATIONS[call.operation_id].build_request(**{**call.arguments, name: "x/y"})
            except InvalidParameterError:
                continue
            if "/x%2Fy" in request.path:
                return call, name
    pytest.skip("the spec has no operation that takes free text in its path")


def url_of(call: SpecCall, base_url: str) -> str:
    """The URL ``call`` sends to on a client of ``base_url``: its path, then its query parameters in order."""
    return str(httpx2.URL(base_url.rstrip("/") + call.path, params=call.params))


def a_recovering_create(operation_id: str = "createInvoice") -> tuple[SpecCall, SpecCall]:
    """A call of a create the SDK recovers by looking it up, and the call of that lookup for the create's key.

    The create's policy (``OPERATION_POLICIES``) names the lookup operation and the key
    field; the test skips, saying what the spec lacks, when the create, its key or the
    lookup is gone (the SDK then sends the create by the default rule, with no recovery),
    or when the listed model lacks the key field (no listed resource can be told as the create's).
    """
    from palomma_client._policies import OPERATION_POLICIES, CreateOnceByReference

    create = call_of(operation_id)
    policy = OPERATION_POLICIES.get(operation_id)
    if not isinstance(policy, CreateOnceByReference):
        pytest.skip(f"{operation_id} is not recovered by a lookup")
    if policy._lookup.missing:
        pytest.skip(f"{policy._lookup.name} needs {', '.join(policy._lookup.missing)}, which the spec lacks")
    key = create.json[policy.key] if isinstance(create.json, dict) and policy.key in create.json else None
    if not isinstance(key, str):
        pytest.skip(f"{operation_id} sends no text {policy.key!r} to look it up by")
    lookup = call_of(policy.lookup_operation, **{policy.key: key})
    # The lookup tells the create's resource among those listed by its key field: the listed model must have it.
    listed = OPERATIONS[lookup.operation_id].page_of(lookup.expected).items
    model = type(listed[0] if listed else create.expected)
    if policy.key not in getattr(model, "JSON_NAMES", {}).values():
        pytest.skip(f"the spec's {model.__name__} has no field {policy.key!r} to tell a listed one by")
    return create, lookup


def call_at(operation_id: str, *path_values: Any, **arguments: Any) -> SpecCall:
    """A call of ``operation_id`` whose path parameters, in the path's order, take ``path_values``.

    For a test that reads back what it made (the fake's invoice, by the id the fake gave it)
    without naming the path parameter, which a vendor may rename. ``arguments`` are added as in
    ``call_of``. Skips the test when the spec lacks the operation, or the operation has fewer
    path parameters than values given.
    """
    if operation_id not in OPERATIONS:
        pytest.skip(f"the spec has no operation {operation_id!r}")
    # The generated build_request takes the path parameters first, positionally, and the rest by keyword.
    names = [
        name
        for name, parameter in inspect.signature(OPERATIONS[operation_id].build_request).parameters.items()
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY
    ]
    if len(names) < len(path_values):
        pytest.skip(f"the spec's {operation_id!r} has {len(names)} path parameters, not {len(path_values)}")
    return call_of(operation_id, **dict(zip(names, path_values, strict=False)), **arguments)


def models() -> list[type[Any]]:
    """Every model class the generator made from the spec (one with ``from_dict`` and its ``JSON_SCHEMA``)."""
    import palomma_client._generated.models as generated

    found = (getattr(generated, name) for name in generated.__all__)
    return [model for model in found if isinstance(getattr(model, "JSON_SCHEMA", None), dict)]


def model_properties(model: type[Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The properties of a generated model's ``JSON_SCHEMA`` by JSON name, in its order, and those it requires.

    A schema composed with ``allOf`` has the properties of each of its members, the first that
    declares one giving its schema, and requires what any member requires.
    """
    properties: dict[str, dict[str, Any]] = {}
    required: list[str] = []

    def read(schema: Mapping[str, Any]) -> None:
        for member in schema.get("allOf", []):
            read(member)
        for name, value in schema.get("properties", {}).items():
            properties.setdefault(name, value)
        required.extend(name for name in schema.get("required", []) if name not in required)

    read(model.JSON_SCHEMA)
    return properties, required


def model_document(model: type[Any]) -> dict[str, Any]:
    """A JSON document of a generated model as the API could answer it, every field the model reads set.

    Made by the fake's synthesizer from the model's ``JSON_SCHEMA``: the required fields first,
    then each optional one, in the schema's order (``model_properties``, through ``allOf``), so that a
    test of what parsing does with a field finds the field there, whatever it is. The schema, as the
    model, leaves ``writeOnly`` fields out.
    """
    document = _answered(model.JSON_SCHEMA)
    assert isinstance(document, dict), f"{model.__name__}'s schema makes no object"
    for name, value in model_properties(model)[0].items():
        if name not in document:
            document[name] = _answered(value)
    return document


def _answered(schema: Mapping[str, Any]) -> Any:
    """A value of one schema as the fake answers it (``readOnly`` fields in, ``writeOnly`` ones out)."""
    document = {
        "openapi": _SPEC.document["openapi"],
        "paths": {"/": {}},
        "components": {"schemas": {"Answer": dict(schema)}},
    }
    return synthesize(ApiSpec(document), "/components/schemas/Answer", _NOW)


@dataclasses.dataclass(frozen=True)
class EnumField:
    """A field of a generated model that holds one of the spec's string enums.

    Attributes:
        model: The model class.
        json_name: The field's name in the API's JSON.
        attribute: The model's attribute for it.
        enum: The enum class of its values (an ``OpenStrEnum``).
        required: Whether the model's schema requires it.
        nullable: Whether it may be null (the enum's, or its field's, schema says so).
    """

    model: type[Any]
    json_name: str
    attribute: str
    enum: type[OpenStrEnum]
    required: bool
    nullable: bool = False

    def __str__(self) -> str:
        return f"{self.model.__name__}.{self.json_name}"


def enum_fields() -> list[EnumField]:
    """Every field of every generated model whose values are a string enum of the spec, in the spec's order."""
    import palomma_client._generated.models as generated

    found: list[EnumField] = []
    for model in models():
        # A model imports the models it nests only for type checkers: they are found in the package.
        hints = typing.get_type_hints(model, localns=vars(generated))
        required = set(model_properties(model)[1])
        for attribute, json_name in model.JSON_NAMES.items():
            members = typing.get_args(hints[attribute]) or (hints[attribute],)
            enum = next((m for m in members if isinstance(m, type) and issubclass(m, OpenStrEnum)), None)
            if enum is not None:
                nullable = _allows_null(model.JSON_SCHEMA.get("properties", {}).get(json_name, {}))
                found.append(EnumField(model, json_name, attribute, enum, json_name in required, nullable))
    return found


def _allows_null(schema: Any) -> bool:
    """Whether a schema takes null: 3.0's `nullable`, a 3.1 type list or `null` value, a union's null member."""
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if schema.get("nullable") is True or kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if None in (schema.get("enum") or ()):
        return True
    return any(_allows_null(member) for member in [*schema.get("anyOf", ()), *schema.get("oneOf", ())])


def is_member(value: Any, expected: str) -> bool:
    """Whether ``value``, read from an enum field (``field(invoice, "status")``), is the real member for ``expected``.

    Parsing a value the spec lists gives the enum's member itself, not a look-alike; the test names
    the value, never the enum class, which a vendor may remove with the field.
    """
    return isinstance(value, OpenStrEnum) and value is type(value)(expected)


def needs_operations(*operation_ids: str) -> None:
    """Skip the calling test, naming what is gone, unless the spec has each of these operations.

    For a test of what the fake or a hand-written feature does through named operations (the
    fake's invoice lifecycle over ``createInvoice`` and ``getInvoice``) that sends no call through
    the SDK, so has no need of ``call_of``'s arguments.
    """
    missing = [operation_id for operation_id in operation_ids if _SPEC.operation(operation_id) is None]
    if missing:
        pytest.skip(f"the spec has no operation {', '.join(map(repr, missing))}")


def path_of(operation_id: str, *values: object) -> str:
    """The path of the operation ``operation_id`` below the base URL, its path parameters ``values`` in order.

    For a test that sends its own request to the fake along a named operation's route
    (``path_of("getInvoice", created["id"])``); it skips when the spec lacks the operation.

    Raises:
        AssertionError: If ``values`` does not give each path parameter one value.
    """
    needs_operations(operation_id)
    template = OPERATIONS[operation_id].PATH
    names = re.findall(r"\{([^}]+)\}", template)
    assert len(names) == len(values), f"{operation_id}'s path {template} takes {len(names)} values, not {len(values)}"
    for name, value in zip(names, values, strict=True):
        template = template.replace("{" + name + "}", quote(str(value), safe=""), 1)
    return template


def an_operation(*, body: bool = False) -> Operation:
    """An operation of the spec, as the fake reads it, for a test of what the fake does around any request.

    A GET without path parameters comes first (the fake answers it without state), then any
    GET, then the rest; with ``body``, the first operation that takes a request body. The test
    skips when the spec has none.
    """
    if body:
        items = [item for item in _SPEC.operations if item.body is not None]
    else:
        items = sorted(_SPEC.operations, key=lambda item: (item.method != "GET", "{" in item.path))
    if not items:
        pytest.skip(f"the spec has no operation{' that takes a request body' * body}")
    return items[0]


def _every_argument(call: SpecCall, leave_out: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """``call``'s arguments, and a value for each optional one its rules accept (but those in ``leave_out``)."""
    module = OPERATIONS[call.operation_id]
    hints = typing.get_type_hints(module.build_request)
    arguments = dict(call.arguments)
    for name, parameter in inspect.signature(module.build_request).parameters.items():
        if name in arguments or name in leave_out or parameter.default is inspect.Parameter.empty:
            continue
        value = _value(hints[name], dict(module.RULES.get(name, {})))
        if value is _NONE or value is None:
            continue
        try:
            module.build_request(**arguments, **{name: value})
        except InvalidParameterError:
            continue  # a rule the synthesizer does not follow
        arguments[name] = value
    return arguments
