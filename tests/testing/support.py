"""Helpers shared by the fake's tests: the shipped spec, values read from it, and modified copies of it."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx2
import pytest

from palomma_client import FeatureUnavailableError, InvoiceOutcomeUnknownError
from palomma_client import _generated_names as generated_names
from palomma_client._features import Feature, is_missing
from palomma_client._model_base import OpenStrEnum
from palomma_client._policies import OPERATION_POLICIES, CreateOnceByReference
from palomma_client.testing import DEFAULT_API_KEY, FAKE_USERNAME
from palomma_client.testing._app import unmodelled_operations
from palomma_client.testing._examples import synthesize
from palomma_client.testing._fake import _invoice_shape
from palomma_client.testing._spec import ApiSpec, Operation, load_shipped_spec
from palomma_client.testing._state import UnlistedValue, take_noted_unlisted
from tests.support import ROOT, fresh_name

# 11:32:14.007 in Colombia: the next settlement cycle is 13:00 the same day.
START = datetime(2026, 3, 11, 16, 32, 14, 7000, tzinfo=UTC)
AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}

SPEC = ApiSpec(load_shipped_spec())
"""The spec shipped in the package, the one a FakePalomma serves by default."""


def invoice_body(**changes: Any) -> dict[str, Any]:
    """The spec's minimum valid createInvoice payload, with changes (a None value removes the field)."""
    body: dict[str, Any] = {
        "reference": "INV-2026-0001",
        "amount": 1_850_000,
        "description": "Canon de arrendamiento marzo 2026",
        "redirectUrl": "https://merchant.example.com/payments/return",
        "customerDocumentNumber": "900123456",
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not None}


def operation(operation_id: str, spec: ApiSpec = SPEC) -> Operation:
    """The spec's operation with this id (the test fails if there is none)."""
    found = spec.operation(operation_id)
    assert found is not None, f"the spec has no operation {operation_id}"
    return found


def body_schema(operation_id: str, spec: ApiSpec = SPEC) -> dict[str, Any]:
    """The JSON request body schema of an operation, `$ref` followed."""
    body = operation(operation_id, spec).body
    assert body is not None
    media = body.json_media_type()
    assert media is not None
    assert media.schema_pointer is not None
    return spec.schema_at(media.schema_pointer)


def response_properties(operation_id: str, spec: ApiSpec = SPEC) -> dict[str, dict[str, Any]]:
    """The properties of an operation's success response schema, each `$ref` followed."""
    success = operation(operation_id, spec).success
    assert success is not None
    assert success.schema_pointer is not None
    properties, _ = spec.object_properties(success.schema_pointer)
    return {name: schema for name, (schema, _) in properties.items()}


def body_properties(operation_id: str, spec: ApiSpec = SPEC) -> dict[str, dict[str, Any]]:
    """The properties of an operation's JSON request body schema, each `$ref` followed."""
    body = operation(operation_id, spec).body
    assert body is not None
    media = body.json_media_type()
    assert media is not None
    assert media.schema_pointer is not None
    properties, _ = spec.object_properties(media.schema_pointer)
    return {name: schema for name, (schema, _) in properties.items()}


def query_schema(operation_id: str, name: str, spec: ApiSpec = SPEC) -> dict[str, Any]:
    """The schema of one query parameter of an operation."""
    for parameter in operation(operation_id, spec).parameters:
        if parameter.location == "query" and parameter.name == name:
            return dict(parameter.schema)
    raise AssertionError(f"{operation_id} has no query parameter {name}")


def enum(values: Iterable[Any]) -> list[Any]:
    """The values of an enumeration, checked to be there: a test about them must test something."""
    listed = list(values)
    assert listed, "the spec lists no values here"
    return listed


def made_up_value(values: Iterable[Any]) -> str:
    """A value the enumeration does not contain, and cannot, however the spec grows: all its values joined."""
    listed = [str(value) for value in enum(values)]
    value = "-".join(listed) + "-not-in-the-spec"
    assert value not in listed
    return value


NEW_FIELD = fresh_name(
    {name for schema in load_shipped_spec()["components"]["schemas"].values() for name in schema.get("properties", {})},
    "tenantEmail",
)
"""A field the vendor might add next (`tenantEmail`), or a variant the spec does not have yet."""


def spec_with_tenant_email() -> dict[str, Any]:
    """The shipped spec as if the vendor had added an optional `NEW_FIELD` (an email) to both invoice schemas."""
    document = load_shipped_spec()
    field = {"type": "string", "format": "email", "description": "The tenant's email address."}
    for name in ("CreateInvoiceRequest", "Invoice"):
        document["components"]["schemas"][name]["properties"][NEW_FIELD] = dict(field)
    return document


def spec_with_cancel_invoice(*, example: dict[str, Any] | None) -> dict[str, Any]:
    """The shipped spec plus `cancelInvoice`, POST /invoices/{id}/cancel, which the fake does not model.

    It takes an optional JSON body `{"reason": "..."}` (a non-empty string) so that its request
    validation shows; its 200 is an `Invoice`, with `example` as the example when given.
    """
    document = load_shipped_spec()
    media: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Invoice"}}
    if example is not None:
        media["examples"] = {"cancelled": {"value": example}}
    document["paths"]["/invoices/{id}/cancel"] = {
        "post": {
            "tags": ["Invoices"],
            "summary": "Cancel invoice",
            "operationId": "cancelInvoice",
            "parameters": [
                {
                    "in": "path",
                    "name": "id",
                    "required": True,
                    "schema": {"type": "string"},
                    "example": "01HQY8EW1H9YGH5PAV5Y2M9R3T",
                }
            ],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"reason": {"type": "string", "minLength": 1}},
                        }
                    }
                },
            },
            "responses": {
                "200": {"description": "Cancelled invoice", "content": {"application/json": media}},
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }
    }
    return document


def example_request(item: Operation, spec: ApiSpec = SPEC) -> tuple[str, Any, dict[str, Any]]:
    """A request for an operation built from the spec: its full path, its JSON body and its other parameters.

    Path parameters, required query, header and cookie parameters take their examples, or values made
    up from their schemas (``required_parameters``); a JSON body takes the request body's first example,
    or one made up from its schema (`None` for no JSON body). The third item holds `params` and `headers`
    for httpx2.
    """
    path, params, headers = required_parameters(item, spec)
    body = None
    parts: dict[str, Any] = {"params": params, "headers": headers}
    media = None if item.body is None else item.body.json_media_type()
    if media is not None:
        examples = [spec.resolve(entry, "")[0].get("value") for entry in media.node.get("examples", {}).values()]
        if "example" in media.node or examples:
            body = media.node.get("example", examples[0] if examples else None)
        elif media.schema_pointer is not None:
            body = synthesize(spec, media.schema_pointer, START, sent=True)
    form = next((media for media in (item.body.media_types if item.body else ()) if media.is_form), None)
    multipart = next((media for media in (item.body.media_types if item.body else ()) if media.is_multipart), None)
    if media is None and form is not None and form.schema_pointer is not None:
        # A form body: its fields as pairs, an array's items repeated, as the SDK sends one.
        fields = _form_document(spec, form.schema_pointer)
        parts["data"] = {name: _form_value(value) for name, value in fields.items()}
    elif media is None and multipart is not None and multipart.schema_pointer is not None:
        fields = _form_document(spec, multipart.schema_pointer)
        properties = spec.schema_at(multipart.schema_pointer).get("properties", {})
        files = {
            name: (name, str(value).encode(), "application/octet-stream")
            for name, value in fields.items()
            if spec.resolve(properties.get(name, {}), "")[0].get("format") == "binary"
        }
        parts["files"] = files
        parts["data"] = {name: _form_value(value) for name, value in fields.items() if name not in files}
    return spec.base_path + path, body, parts


def required_parameters(
    item: Operation, spec: ApiSpec = SPEC
) -> tuple[str, dict[str, str | list[str]], dict[str, str]]:
    """What a request of the operation must carry besides its body, made from the spec: path, query and headers.

    Path parameters filled into the path (below the base path), and every required query, header and
    cookie parameter (cookies in one `Cookie` header), each its example or a value made up from its
    schema. A test that sends raw HTTP to the fake sends these, so that it tests what it means to test
    whatever parameters a vendor makes required.

    Returns:
        The path, the query parameters and the headers, for httpx2.
    """
    path = item.path
    params: dict[str, str | list[str]] = {}
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for parameter in item.parameters:
        if parameter.location != "path" and not parameter.required:
            continue
        value = parameter.example
        if value is None:
            value = synthesize(spec, parameter.schema_pointer, START)
        if isinstance(value, dict) and parameter.location == "query":
            # An object: one pair per property, named `name[key]` in the deepObject style.
            deep = parameter.style == "deepObject"
            params.update({f"{parameter.name}[{key}]" if deep else key: _text(item) for key, item in value.items()})
            continue
        if isinstance(value, list) and parameter.location == "query" and parameter.explode:
            params[parameter.name] = [_text(item) for item in value]  # the parameter repeated
            continue
        # An array otherwise: its items with commas (the simple style, or a query's `explode: false`).
        text = ",".join(map(_text, value)) if isinstance(value, list) else _text(value)
        if parameter.location == "path":
            path = path.replace("{" + parameter.name + "}", quote(text, safe=","))
        elif parameter.location == "query":
            params[parameter.name] = text
        elif parameter.location == "header":
            headers[parameter.name] = text
        elif parameter.location == "cookie":
            cookies.append(f"{parameter.name}={text}")
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    return path, params, headers


def sending_required_parameters(spec: ApiSpec = SPEC) -> dict[str, list[Any]]:
    """httpx2 event hooks that give a raw request every parameter the spec requires of its operation that it lacks.

    A test of the fake that sends raw HTTP means to test one thing (a body's field, a page size, a
    fault); a header, cookie or query parameter the vendor makes required (an `Idempotency-Key`)
    would otherwise answer 400 first. Each missing one is added as ``required_parameters`` makes it;
    what the request does carry is left as it is. A test of a missing parameter uses a client without
    these hooks.
    """

    async def add(request: httpx2.Request) -> None:
        found, _, _ = spec.find(request.method, request.url.path)
        if found is None:
            return
        _, params, headers = required_parameters(found, spec)
        for name, value in headers.items():
            if name.lower() == "cookie" and "cookie" in request.headers:
                request.headers["Cookie"] = f"{request.headers['Cookie']}; {value}"
            elif name not in request.headers:
                request.headers[name] = value
        missing = {name: value for name, value in params.items() if name not in request.url.params}
        if missing:
            request.url = request.url.copy_merge_params(missing)

    return {"request": [add]}


def _form_document(spec: ApiSpec, pointer: str) -> dict[str, Any]:
    """A form's fields made from its schema, each array holding an item: a form cannot send an empty one."""
    fields = synthesize(spec, pointer, START, sent=True)
    assert isinstance(fields, dict)
    properties = spec.schema_at(pointer).get("properties", {})
    for name, value in fields.items():
        if value == [] and isinstance(properties.get(name), dict) and "items" in properties[name]:
            escaped = name.replace("~", "~0").replace("/", "~1")
            fields[name] = [synthesize(spec, f"{pointer}/properties/{escaped}/items", START, sent=True)]
    return fields


def _form_value(value: Any) -> str | list[str]:
    return [_text(item) for item in value] if isinstance(value, list) else _text(value)


def credential_headers(item: Operation, spec: ApiSpec = SPEC) -> dict[str, str]:
    """The headers that carry the fake's credentials for one of the operation's security requirements.

    The first requirement whose schemes the fake checks (HTTP bearer or basic, an API key in a
    header or a cookie); none for an operation with no security.
    """
    for requirement in item.security:
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for name in requirement:
            scheme = spec.security_schemes.get(name)
            if scheme is None:
                break
            if scheme.kind == "bearer":
                headers["Authorization"] = f"Bearer {DEFAULT_API_KEY}"
            elif scheme.kind == "basic":
                pair = f"{FAKE_USERNAME}:{DEFAULT_API_KEY}".encode()
                headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
            elif scheme.kind == "header":
                headers[scheme.parameter] = DEFAULT_API_KEY
            elif scheme.kind == "cookie":
                cookies.append(f"{scheme.parameter}={DEFAULT_API_KEY}")
            else:
                break
        else:
            if cookies:
                headers["Cookie"] = "; ".join(cookies)
            return headers
    return {}


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def operations(spec: ApiSpec = SPEC) -> Iterator[Operation]:
    """Every operation of the spec, checked to be some."""
    assert spec.operations
    yield from spec.operations


Removals = dict[tuple[str, str], tuple[str, ...]]
"""Values taken out of an enum: `("invoice" or "settlement", property name) -> values`."""


def listed_values(role: str, name: str, document: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """The values the spec lists for a property of the invoice or the settlement the fake builds."""
    shape = _invoice_shape(ApiSpec(document if document is not None else load_shipped_spec()))
    return (shape.invoice if role == "invoice" else shape.settlement).enum(name)


def remove_values(document: dict[str, Any], removals: Removals) -> None:
    """Take values out of the enums of the invoice's and settlement's properties, in place, as a vendor would.

    The invoice is createInvoice's answer and the settlement getSettlement's, as the fake reads
    them. Each example object of that schema showing a removed value is given the first value the
    property still lists, so that the document stays valid.
    """
    shape = _invoice_shape(ApiSpec(document))
    for (role, name), values in removals.items():
        layout = shape.invoice if role == "invoice" else shape.settlement
        schema = _follow(document, layout.pointer(name))
        schema["enum"] = [value for value in schema["enum"] if value not in values]
        assert schema["enum"], f"removing {values} leaves {role}.{name} no value"
        rewrite_examples(document, set(layout.names), name, values, schema["enum"][0])


def _follow(document: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = document
    for token in pointer.lstrip("/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    while "$ref" in node:
        node = _follow(document, node["$ref"].removeprefix("#"))
    assert isinstance(node, dict)
    return node


def rewrite_examples(node: Any, names: set[str], name: str, values: tuple[str, ...], replacement: str) -> None:
    # An object of the schema is one whose keys are all among its properties: a schema's own
    # `properties` map holds schemas, never the removed string, so only examples change.
    if isinstance(node, list):
        for item in node:
            rewrite_examples(item, names, name, values, replacement)
    elif isinstance(node, dict):
        if node.get(name) in values and set(node) <= names:
            node[name] = replacement
        for item in node.values():
            rewrite_examples(item, names, name, values, replacement)


def needs(role: str, name: str, *values: str) -> None:
    """Skip the calling test unless the shipped spec lists each value for the invoice's or settlement's `name`.

    For a test of what the fake does through a value it writes by itself (an expiry to `cancelled`,
    a settlement's `paid`): a vendor may remove the value, and then the fake never writes it.
    """
    unbuilt = builds_no(role)
    if unbuilt:
        pytest.skip(unbuilt)
    missing = [value for value in values if value not in listed_values(role, name)]
    if missing:
        pytest.skip(f"the spec lists no {missing} for the {role}'s `{name}`")


def builds_no(role: str, document: dict[str, Any] | None = None) -> str:
    """Why the fake builds no invoice (or settlement) on the spec, naming the operations it cannot model; or ''."""
    spec = ApiSpec(document if document is not None else load_shipped_spec())
    shape = _invoice_shape(spec)
    if (shape.invoice if role == "invoice" else shape.settlement).names:
        return ""
    return f"the fake builds no {role} from the spec ({unmodelled(spec)})"


def unmodelled(spec: ApiSpec = SPEC) -> str:
    """Each operation the fake models on the shipped spec but cannot on this one, with why, for a skip's reason."""
    return "; ".join(f"{name}: {problem}" for name, problem in sorted(unmodelled_operations(spec).items()))


_noted_unavailable: list[FeatureUnavailableError] = []


def note_unavailable(error: FeatureUnavailableError) -> None:
    """Note a feature's refusal the code under test caught (the CLI exits 2 with it), for the skip below."""
    _noted_unavailable.append(error)


def take_noted() -> list[UnlistedValue | FeatureUnavailableError]:
    """Return what the fake and the tests noted since the last call (see `skip_for_what_the_spec_lacks`)."""
    noted: list[UnlistedValue | FeatureUnavailableError] = [*take_noted_unlisted(), *_noted_unavailable]
    _noted_unavailable.clear()
    return noted


def skip_for_what_the_spec_lacks(
    error: BaseException, noted: Sequence[UnlistedValue | FeatureUnavailableError]
) -> None:
    """Skip the running test, naming what is missing, when it failed for want of what the spec no longer has.

    A hand-written feature the spec no longer supports raises `FeatureUnavailableError` when used
    (raised in the test, or caught by the code under test and noted, as the CLI's exit 2). The fake
    refuses a control that would write a value the spec does not list (`UnlistedValue`, raised in
    the test), and answers a request whose model would write one from the spec instead of its state
    (noted, see `note_unlisted`): a test of what lies past it has nothing to test, and whatever it
    then fails on (a 404 for the invoice it created, an exit code) follows from that. Where the spec
    does have what an error names (the feature has all it needs, the value is listed), the error is
    a fault: nothing is skipped, and the test fails with it.

    Args:
        error: What the test (or fixture) raised.
        noted: What was noted while it ran.
    """
    removed_member = removed_enum_member(error)
    if removed_member is not None:
        pytest.skip(f"{removed_member}, which the code uses, is gone: CHANGELOG.md announces the value's removal")
    if isinstance(error, InvoiceOutcomeUnknownError) and isinstance(error.__cause__, FeatureUnavailableError):
        error = error.__cause__  # a create the spec no longer lets the SDK recover: the lookup is what is gone
    refusals = [error] if isinstance(error, UnlistedValue | FeatureUnavailableError) else list(noted)
    for refusal in refusals:
        if isinstance(refusal, FeatureUnavailableError):
            if not feature_is_unavailable(refusal.feature):
                return
        elif refusal.value in SPEC.schema_at(refusal.pointer).get("enum", [refusal.value]):
            return
    if refusals:
        first = refusals[0]
        if isinstance(first, FeatureUnavailableError):
            pytest.skip(unavailable_reason(first))
        pytest.skip(f"the spec lists no {first.value!r} at #{first.pointer}: {first}")


def unavailable_reason(error: FeatureUnavailableError) -> str:
    """The reason a test skips for a feature the spec no longer supports: the feature, then only what is gone.

    Not the error's own message, which ends "which the API's spec ... no longer has": after
    the feature's name, that would say so twice.
    """
    missing = list(error.missing)
    gone = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else "".join(missing)
    return f"{error.feature} needs what the spec no longer has: {gone}"


_REMOVED_VALUE = re.compile(r"Removed value `([^`]*)` from the enum of")


def _member_key(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def removed_enum_member(error: BaseException, changelog: str | None = None) -> str | None:
    """``Enum.MEMBER`` when ``error`` reads a member of a generated enum whose value a spec change removed.

    Hand-written code and doc samples name members (``InvoiceStatus.PAID``); when the vendor drops
    the value, the member is gone and the read is an ``AttributeError``. It counts as the spec's
    doing only when ``make generate`` announced that removal in CHANGELOG.md: a misspelt member on
    an unchanged spec is not skipped.
    """
    enum = getattr(error, "obj", None) if isinstance(error, AttributeError) else None
    name = getattr(error, "name", None)
    if not (isinstance(enum, type) and issubclass(enum, OpenStrEnum) and isinstance(name, str)):
        return None
    if changelog is None:
        changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    removed = {_member_key(value) for value in _REMOVED_VALUE.findall(changelog)}
    listed = {_member_key(member.value) for member in enum}
    if _member_key(name) in removed - listed:
        return f"{enum.__name__}.{name}"
    return None


def declared_features() -> dict[str, Feature]:
    """Every hand-written feature, by its name, as the modules that declare one state it."""
    from palomma_client import _resources
    from palomma_client.webhooks import _events
    from palomma_client.workflows import _cli, _request

    modules = (_resources, _request, _cli, _events)
    return {value.name: value for module in modules for value in vars(module).values() if isinstance(value, Feature)}


def policy_features() -> dict[str, Feature]:
    """The recovery of each retry policy that has one, by its name: a feature of a policy, not of a module."""
    lookups = [policy.lookup for policy in OPERATION_POLICIES.values() if isinstance(policy, CreateOnceByReference)]
    return {feature.name: feature for feature in lookups}


def feature_is_unavailable(name: str) -> bool:
    """Whether the generated code really lacks what a feature (or a generated name, `palomma_client.X`) needs."""
    if name == "FakePalomma.create_invoice":
        create = SPEC.operation("createInvoice")
        return create is None or create.body is None
    feature = declared_features().get(name) or policy_features().get(name)
    if feature is not None:
        return bool(feature.missing)
    generated = name.removeprefix("palomma_client.")
    return generated in generated_names.__all__ and is_missing(getattr(generated_names, generated))
