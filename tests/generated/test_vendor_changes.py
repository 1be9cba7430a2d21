"""A vendor's change to openapi.yaml reaches the methods users call through `make generate` alone.

Each test copies the generator and the package into a temporary folder, edits
only the copy's openapi.yaml, regenerates there, and drives the regenerated
package in a subprocess, as a user's CI would after the vendor's change.
"""

from __future__ import annotations

import compileall
import concurrent.futures
import copy
import re
import shutil
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.strings import PythonIdentifier

from palomma_client._openapi import HTTP_METHODS, OpenAPI
from palomma_client.testing._examples import SYNTHESIZED_LIST_LENGTH
from tests.support import (
    ROOT,
    SPEC,
    as_openapi_31,
    copy_project,
    fresh_name,
    mypy_strict,
    run_generate,
    run_probe,
    spec_field_names,
    spec_operation_ids,
)

# generate.py runs from scripts/ and imports its modules by their bare names; so does this test.
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from spec_support import environments, unsupported

# The vendor's next changes, named so that none is in the spec yet: these tests keep passing
# once the spec has gained them.
NEW_FIELD = fresh_name(spec_field_names(), "tenantEmail", "tenantPhone", "guarantorEmail", "guarantorPhone")
NEW_FIELD_ARGUMENT = str(PythonIdentifier(NEW_FIELD, "field_"))  # the generator's own snake case


def _spec_at(*keys: str) -> Any:
    """The node of the spec at these keys, or `None` when a vendor change took it away."""
    node: Any = SPEC
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


_INVOICE = _spec_at("components", "schemas", "Invoice") or {}
NEW_STATUS = fresh_name(
    _spec_at("components", "schemas", "Invoice", "properties", "status", "enum") or [],
    "refunded",
    "voided",
    "disputed",
    "reversed",
)
NEW_ACTION = fresh_name({operation.removesuffix("Invoice") for operation in spec_operation_ids()}, "cancel", "void")
AMOUNT = _spec_at("components", "schemas", "CreateInvoiceRequest", "properties", "amount") or {}
RAISED_MAXIMUM = max(900_000_000, AMOUNT.get("maximum", 0) * 2)
ACCEPTED, REFUSED = AMOUNT.get("maximum", 0) + 50_000_000, RAISED_MAXIMUM + 50_000_000
REMOVABLE_FIELD = next(
    (name for name in _INVOICE.get("properties", {}) if name not in _INVOICE.get("required", [])), None
)
# These tests play changes to what the hand-written layer wraps today; each skips, saying so, when
# the spec no longer has the part it changes.
_NEEDS_INVOICES = pytest.mark.skipif(
    not _INVOICE or "createInvoice" not in spec_operation_ids(), reason="the spec has no Invoice or createInvoice"
)
_NEEDS_STATUS = pytest.mark.skipif(
    _spec_at("components", "schemas", "Invoice", "properties", "status", "enum") is None,
    reason="the spec's Invoice has no status enum",
)
_NEEDS_AMOUNT_MAXIMUM = pytest.mark.skipif("maximum" not in AMOUNT, reason="createInvoice's amount has no maximum")
_NEEDS_OPTIONAL_FIELD = pytest.mark.skipif(REMOVABLE_FIELD is None, reason="the spec's Invoice has no optional field")
_NEEDS_GET_INVOICE = pytest.mark.skipif(
    _spec_at("paths", "/invoices/{id}", "get") is None, reason="the spec has no GET /invoices/{id}"
)

SpecEdit = Callable[[dict[str, Any]], None]

# What the probes share: a client over a mock transport that records requests and answers with an invoice.
PROBE_PRELUDE = """
import asyncio, inspect, json, typing
import httpx2
import palomma_client
from palomma_client import InvalidParameterError, Invoice, PalommaClient

sent = []
# An invoice with these values, and every other field the spec's Invoice requires made up by the fake's synthesis.
from datetime import datetime, timezone
from palomma_client.testing._examples import ObjectLayout
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
INVOICE = ObjectLayout(ApiSpec(load_shipped_spec()), "/components/schemas/Invoice").lay_out({
    "id": "01HQY8EW1H9YGH5PAV5Y2M9R3T", "status": "ready", "amount": 1850000, "description": "Canon",
    "contract": "00000", "customerDocumentNumber": "900123456", "createdAt": "2026-03-11T16:32:14.007Z",
    "paymentUrl": "https://pagos.palomma.com/pay/x",
}, datetime(2026, 3, 11, tzinfo=timezone.utc))

def answer(request):
    sent.append(request)
    body = json.loads(request.content) if request.content else {}
    # The invoice the create made: the example, with what the create sent (and the vendor's new field).
    echoed = {k: v for k, v in body.items() if k == "tenantEmail" or k in INVOICE}
    return httpx2.Response(200, json={**INVOICE, **echoed})

def client():
    return PalommaClient("sk_test_probe", environment="sandbox", transport=httpx2.MockTransport(answer), max_retries=0)

CREATE = dict(reference="INV-1", amount=1850000, description="Canon", redirect_url="https://m.example/r",
              customer_document_number="900123456")
"""


def _regenerate(tmp_path: Path, edit: SpecEdit) -> Path:
    """A copy of the project whose spec ``edit`` changed, regenerated; returns its root."""
    project = copy_project(tmp_path, edit)
    completed = run_generate(project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    compileall.compile_dir(project / "palomma_client", quiet=1)  # once, as an install does, not in each probe
    return project


def _named(code: str) -> str:
    """A probe written with the canonical names (tenantEmail, refunded, cancel), with the fresh ones."""
    return (
        code.replace("tenant_email", NEW_FIELD_ARGUMENT)
        .replace('"tenantEmail"', repr(NEW_FIELD))
        .replace("REFUNDED", NEW_STATUS.upper())
        .replace('"refunded"', repr(NEW_STATUS))
        .replace(".cancel(", f".{NEW_ACTION}(")
        .replace(").cancel", f").{NEW_ACTION}")
        .replace("/cancel", f"/{NEW_ACTION}")
        .replace("ACCEPTED", str(ACCEPTED))
        .replace("REFUSED", str(REFUSED))
    )


def _probe(project: Path, code: str) -> dict[str, Any]:
    """Run ``code`` against the regenerated package; it sets ``result``, which comes back as JSON."""
    script = _named(PROBE_PRELUDE + "\n" + textwrap.dedent(code)) + "\nprint('RESULT ' + json.dumps(result))\n"
    return run_probe(project, script)


def _version(project: Path) -> str:
    namespace: dict[str, Any] = {}
    exec((project / "palomma_client" / "_generated" / "version.py").read_text(), namespace)
    return str(namespace["__version__"])


def _current_version() -> tuple[int, int, int]:
    major, minor, patch = _version(ROOT).split(".")
    return int(major), int(minor), int(patch)


def _add_tenant_email(spec: dict[str, Any]) -> None:
    for name in ("CreateInvoiceRequest", "Invoice"):
        spec["components"]["schemas"][name]["properties"][NEW_FIELD] = {
            "type": "string",
            "format": "email",
            "description": "Where the tenant receives the payment link.",
        }


def _add_refunded(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["Invoice"]["properties"]["status"]["enum"].append(NEW_STATUS)


def _add_cancel(spec: dict[str, Any]) -> None:
    spec["paths"][f"/invoices/{{id}}/{NEW_ACTION}"] = {
        "post": {
            "tags": ["Invoices"],
            "summary": f"{NEW_ACTION.capitalize()} invoice",
            "description": "Cancels an invoice that has not been paid.",
            "operationId": f"{NEW_ACTION}Invoice",
            "parameters": [
                {"in": "path", "name": "id", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "Cancelled invoice",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invoice"}}},
                },
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }
    }


def _raise_maximum(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["CreateInvoiceRequest"]["properties"]["amount"]["maximum"] = RAISED_MAXIMUM


def _remove_optional_field(spec: dict[str, Any]) -> None:
    del spec["components"]["schemas"]["Invoice"]["properties"][REMOVABLE_FIELD]


def _rename_get(spec: dict[str, Any]) -> None:
    spec["paths"]["/invoices/{id}"]["get"]["x-palomma-method-name"] = "retrieve"


def _together(*edits: tuple[SpecEdit, pytest.MarkDecorator]) -> SpecEdit:
    """One edit making each of ``edits`` in turn, but those whose test's ``skipif`` mark skips it on this spec."""

    def edit(spec: dict[str, Any]) -> None:
        for change, skipif in edits:
            if not skipif.args[0]:  # the mark's condition: the spec lacks what the change edits
                change(spec)

    return edit


# Each test below asserts on one of two regenerated copies, shared: every additive change at once (each
# one a minor version, none touching what another adds), and every breaking one at once. A regeneration
# costs seconds; what each change does to the package is asserted by its own test.
_ADDITIVE = _together(
    (_add_tenant_email, _NEEDS_INVOICES),
    (_add_refunded, _NEEDS_STATUS),
    (_add_cancel, _NEEDS_INVOICES),
    (_raise_maximum, _NEEDS_AMOUNT_MAXIMUM),
)
_BREAKING = _together((_remove_optional_field, _NEEDS_OPTIONAL_FIELD), (_rename_get, _NEEDS_GET_INVOICE))


@pytest.fixture(scope="module")
def additive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy whose spec gained a field, a status value, an operation and a higher maximum, regenerated."""
    return _regenerate(tmp_path_factory.mktemp("additive"), _ADDITIVE)


@pytest.fixture(scope="module")
def breaking(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy whose spec lost an optional field of Invoice and renamed a method, regenerated."""
    return _regenerate(tmp_path_factory.mktemp("breaking"), _BREAKING)


@_NEEDS_INVOICES
def test_a_new_optional_field_is_sent_and_read_and_bumps_the_minor_version(additive: Path) -> None:
    result = _probe(
        additive,
        """
        from palomma_client.testing import FakePalomma
        from palomma_client._generated.api import METHODS
        def method(palomma, operation_id):
            resource, name = METHODS[operation_id]
            return getattr(getattr(palomma, resource), name)
        async def main():
            async with client() as palomma:
                invoice = await method(palomma, "createInvoice")(**CREATE, tenant_email="ana@example.com")
                try:
                    await method(palomma, "createInvoice")(**CREATE, tenant_email="not an email")
                    refused = False
                except InvalidParameterError as error:
                    refused = error.parameter
            async with FakePalomma().client() as palomma:
                created = await method(palomma, "createInvoice")(**CREATE, tenant_email="ana@example.com")
                echoed = [created.tenant_email]
                if "getInvoice" in METHODS:  # the fake keeps the field, as a read shows
                    echoed.append((await method(palomma, "getInvoice")(created.id)).tenant_email)
            return {"sent": json.loads(sent[0].content), "read": invoice.tenant_email, "refused": refused,
                    "requests": len(sent), "echoed": echoed}
        result = asyncio.run(main())
        """,
    )

    assert result["sent"][NEW_FIELD] == "ana@example.com"
    reads = 1 + ("getInvoice" in spec_operation_ids())
    assert result["echoed"] == ["ana@example.com"] * reads
    assert result["read"] == "ana@example.com"
    assert result["refused"] == NEW_FIELD_ARGUMENT
    assert result["requests"] == 1
    major, minor, _ = _current_version()
    assert _version(additive) == f"{major}.{minor + 1}.0"
    changelog = (additive / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog.split(f"## {major}.{minor + 1}.0", 1)[1].split("\n## ", 1)[0]
    assert f"`{NEW_FIELD}`" in entry


@_NEEDS_INVOICES
@_NEEDS_STATUS
def test_a_new_status_value_becomes_a_known_member(additive: Path) -> None:
    result = _probe(
        additive,
        """
        from palomma_client import InvoiceStatus
        invoice = Invoice.from_dict({**INVOICE, "status": "refunded"})
        result = {"member": invoice.status is InvoiceStatus.REFUNDED, "known": invoice.status.is_known}
        """,
    )

    assert result == {"member": True, "known": True}


@_NEEDS_INVOICES
def test_a_new_operation_is_a_typed_method_that_sends_an_authenticated_request(additive: Path) -> None:
    result = _probe(
        additive,
        """
        from palomma_client.testing import FakePalomma
        async def main():
            async with client() as palomma:
                invoice = await palomma.invoices.cancel("01HQY8EW1H9YGH5PAV5Y2M9R3T")
            hints = typing.get_type_hints(type(palomma.invoices).cancel)
            fake = FakePalomma()
            async with fake.client() as in_the_fake:
                faked = await in_the_fake.invoices.cancel("01HQY8EW1H9YGH5PAV5Y2M9R3T")
                raw = await in_the_fake.request("POST", "/invoices/{id}/cancel", path_params={"id": "x"})
            # The fake answers with the operation's example, about the invoice the path names.
            ids = (faked.id, raw["id"])
            return {
                "type": type(invoice).__name__,
                "returns": hints["return"].__name__,
                "argument": str(hints["invoice_id"]),
                "method": sent[0].method,
                "url": str(sent[0].url),
                "auth": sent[0].headers["authorization"],
                "doc": type(palomma.invoices).cancel.__doc__.splitlines()[0],
                "in_the_fake": {"type": type(faked).__name__, "id": ids == ("01HQY8EW1H9YGH5PAV5Y2M9R3T", "x")},
            }
        result = asyncio.run(main())
        """,
    )

    assert result == {
        "type": "Invoice",
        "returns": "Invoice",
        "argument": "<class 'str'>",
        "method": "POST",
        "url": f"https://sandbox.api.palomma.com/v1/invoices/01HQY8EW1H9YGH5PAV5Y2M9R3T/{NEW_ACTION}",
        "auth": "Bearer sk_test_probe",
        "doc": f"{NEW_ACTION.capitalize()} invoice.",
        "in_the_fake": {"type": "Invoice", "id": True},
    }


@_NEEDS_INVOICES
@_NEEDS_AMOUNT_MAXIMUM
def test_a_raised_maximum_admits_larger_amounts_and_still_refuses_beyond_it(additive: Path) -> None:
    result = _probe(
        additive,
        """
        async def main():
            async with client() as palomma:
                await palomma.invoices.create(**{**CREATE, "amount": ACCEPTED})
                try:
                    await palomma.invoices.create(**{**CREATE, "amount": REFUSED})
                    message = None
                except InvalidParameterError as error:
                    message = str(error)
            return {"requests": len(sent), "message": message}
        result = asyncio.run(main())
        """,
    )

    expected = f"amount: must be between {AMOUNT['minimum']:,} and {RAISED_MAXIMUM:,}, got {REFUSED:,}"
    assert result == {"requests": 1, "message": expected}


@_NEEDS_OPTIONAL_FIELD
def test_removing_a_field_of_invoice_bumps_the_major_version(breaking: Path) -> None:
    major, _, _ = _current_version()
    assert _version(breaking) == f"{major + 1}.0.0"
    changelog = (breaking / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog.split(f"## {major + 1}.0.0", 1)[1].split("\n## ", 1)[0]
    assert "Breaking" in entry
    assert f"`{REMOVABLE_FIELD}`" in entry


@_NEEDS_GET_INVOICE
def test_a_method_name_can_be_overridden_by_a_vendor_extension(breaking: Path) -> None:
    result = _probe(breaking, "result = {'names': sorted(n for n in vars(type(client().invoices).__mro__[1]))}")

    assert "retrieve" in result["names"]
    assert "get" not in result["names"]


@pytest.mark.slow  # its own call is a whole regeneration (`make generate` again in a copy)
@_NEEDS_INVOICES
def test_regenerating_twice_changes_nothing(additive: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(additive, project, ignore=shutil.ignore_patterns("__pycache__"))
    before = {path: path.read_bytes() for path in sorted(project.rglob("*")) if path.is_file()}

    completed = run_generate(project)

    assert completed.returncode == 0, completed.stderr
    after = {path: path.read_bytes() for path in sorted(project.rglob("*")) if path.is_file()}
    changed = [str(path) for path in before if before[path] != after.get(path) and "__pycache__" not in str(path)]
    assert changed == []


# --- the corpus: ordinary vendor changes, one per row of docs/spec-support.md's matrix ----------------------------
#
# Each change is data: a named edit of the spec, written in OpenAPI 3.0 and converted to the 3.1
# spelling for the 3.1 runs, and a probe: code that calls the new capability through a client of
# the in-process fake (which serves the regenerated spec) and returns what a user would see. The
# changes the generator supports are applied together, one regeneration per OpenAPI version,
# type-checked under mypy strict and probed; a representative few also run alone. The changes it
# refuses yet run alone, marked xfail(strict=True) with the refusal they meet: when the generator
# learns the construct, the entry passes and the mark must go.
#
# Every name a change adds (a path, an operationId, a tag, a schema or other component, a security
# scheme, a server and the environment it makes) is under the `vendorProbe` prefix, which the
# vendor's spec does not use (checked below), so the changes are independent of each other and of
# the vendor's next spec.

PREFIX = "vendor-probe"


@dataclass(frozen=True)
class VendorChange:
    """One vendor change of the corpus.

    Attributes:
        name: Its name in test ids.
        row: The row of the supported-constructs matrix it exercises.
        edit: Applies the change to a spec (3.0 spelling; `as_openapi_31` makes the 3.1 one).
        probe: The body of `async def probe(fake, client)`: calls the new capability and returns JSON.
        expected: What the probe returns when the capability works.
        refused: Why the generator does not support it yet (the change is then xfail), or `""`.
    """

    name: str
    row: str
    edit: SpecEdit
    probe: str
    expected: Any
    refused: str = ""


def _schema(name: str, schema: dict[str, Any]) -> SpecEdit:
    def edit(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"][name] = schema

    return edit


def _path(path: str, item: dict[str, Any], **schemas: dict[str, Any]) -> SpecEdit:
    def edit(spec: dict[str, Any]) -> None:
        spec["paths"][f"/{PREFIX}{path}"] = item
        for name, schema in schemas.items():
            spec["components"]["schemas"][name] = schema

    return edit


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    """A required JSON request body of ``schema``."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _field_body(name: str, schema: str) -> dict[str, Any]:
    """A required JSON request body of one required field, ``name``, of the component ``schema``."""
    return _body(
        {"type": "object", "required": [name], "properties": {name: {"$ref": f"#/components/schemas/{schema}"}}}
    )


def _json(schema: dict[str, Any] | str, status: str = "200", **response: Any) -> dict[str, Any]:
    written = {"$ref": f"#/components/schemas/{schema}"} if isinstance(schema, str) else schema
    return {status: {"description": "Done", "content": {"application/json": {"schema": written}}, **response}}


def _secured(operation_id: str, *alternatives: str) -> dict[str, Any]:
    """A path item with a GET that takes any one of these schemes, in this order."""
    security: list[dict[str, list[str]]] = [{scheme: []} for scheme in alternatives]
    return {"get": {**TAG, "operationId": operation_id, "security": security, "responses": _json(OK)}}


def _read_and_replace(schema: str) -> dict[str, Any]:
    """A path item: GET answering the component ``schema``, PUT taking it whole (`get<schema>`, `replace<schema>`)."""
    return {
        "get": {**TAG, "operationId": f"get{schema}", "responses": _json(schema)},
        "put": {
            **TAG,
            "operationId": f"replace{schema}",
            "requestBody": _body({"$ref": f"#/components/schemas/{schema}"}),
            "responses": {"204": {"description": "Replaced"}},
        },
    }


THING = {
    "type": "object",
    "required": ["thingId", "name"],
    "properties": {"thingId": {"type": "string"}, "name": {"type": "string"}},
}
TAG = {"tags": ["Vendor Probes"]}
OK = {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}
ID = {"in": "path", "name": "thingId", "required": True, "schema": {"type": "string"}}


def _add_reusable_components(spec: dict[str, Any]) -> None:
    """Parameters, a request body and answers given by `$ref` to `components`; a schema that holds itself."""
    components = spec["components"]
    node, kind = "#/components/schemas/VendorProbeNode", "#/components/schemas/VendorProbeNodeKind"
    components.setdefault("parameters", {}).update(
        {
            "VendorProbeNodeId": {
                "name": "nodeId",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "format": "uuid"},
            },
            "VendorProbeNodeKind": {"name": "kind", "in": "query", "schema": {"$ref": kind}},
            "VendorProbeTrace": {
                "name": "X-Vendor-Probe-Trace",
                "in": "header",
                "schema": {"type": "string", "format": "uuid"},
            },
        }
    )
    components.setdefault("requestBodies", {})["VendorProbeNode"] = _body({"$ref": f"{node}Input"})
    components.setdefault("responses", {}).update(
        {
            "VendorProbeNode": {"description": "The node", "content": {"application/json": {"schema": {"$ref": node}}}},
            "VendorProbeProblem": {
                "description": "Refused",
                "content": {
                    "application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}
                },
            },
        }
    )
    size = {"type": "number", "format": "double", "minimum": 0, "multipleOf": 0.5}
    grid = {"type": "array", "items": {"type": "array", "maxItems": 2, "items": {"type": "integer", "minimum": 0}}}
    components["schemas"].update(
        {
            "VendorProbeNodeKind": {"type": "integer", "format": "int32", "enum": [1, 2, 3]},
            "VendorProbeNode": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "kind": {"$ref": kind},
                    "size": size,
                    "grid": grid,
                    "children": {"type": "array", "items": {"$ref": node}},
                    "sibling": {"$ref": node},
                },
            },
            "VendorProbeNodeInput": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z]+$"},
                    "size": size,
                    "grid": grid,
                    "children": {"type": "array", "maxItems": 3, "items": {"$ref": node}},
                },
            },
        }
    )
    problem = {"$ref": "#/components/responses/VendorProbeProblem"}
    spec["paths"][f"/{PREFIX}/nodes/{{nodeId}}"] = {
        "parameters": [{"$ref": "#/components/parameters/VendorProbeNodeId"}],
        "get": {
            **TAG,
            "operationId": "getVendorProbeNodeChildren",
            "responses": {**_json({"type": "array", "items": {"$ref": node}}), "4XX": problem},
        },
        "put": {
            **TAG,
            "operationId": "replaceVendorProbeNode",
            "parameters": [
                {"$ref": "#/components/parameters/VendorProbeNodeKind"},
                {"$ref": "#/components/parameters/VendorProbeTrace"},
            ],
            "requestBody": {"$ref": "#/components/requestBodies/VendorProbeNode"},
            "responses": {
                "200": {"$ref": "#/components/responses/VendorProbeNode"},
                "4XX": problem,
                "default": problem,
            },
        },
    }


CORPUS: list[VendorChange] = [
    VendorChange(
        "camel-case-path-parameter",
        "path parameters, any name or case",
        _path(
            "/things/{thingId}",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeThing",
                    "parameters": [ID],
                    "responses": _json("VendorProbeThing"),
                }
            },
            VendorProbeThing=THING,
        ),
        """
        thing = await call(client, "getVendorProbeThing", "thg 1")
        return [type(thing).__name__, thing.thing_id == "thg 1", fake.requests[-1].path.endswith("/things/thg 1")]
        """,
        ["VendorProbeThing", True, True],
    ),
    VendorChange(
        "path-item-parameters",
        "parameters declared on the path item",
        _path(
            "/accounts/{accountId}/balance",
            {
                "parameters": [
                    {"in": "path", "name": "accountId", "required": True, "schema": {"type": "string"}},
                    {
                        "in": "query",
                        "name": "currency",
                        "required": True,
                        "schema": {"type": "string", "enum": ["COP", "USD"]},
                    },
                ],
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeBalance",
                    "responses": _json(
                        {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer"}}}
                    ),
                },
            },
        ),
        """
        balance = await call(client, "getVendorProbeBalance", "acc_1", currency="USD")
        return [balance.amount, fake.requests[-1].query]
        """,
        [0, "currency=USD"],
    ),
    VendorChange(
        "query-date-enum-and-bounds",
        "query parameters: date, date-time, enum, maximum",
        _path(
            "/reports",
            {
                "get": {
                    **TAG,
                    "operationId": "listVendorProbeReports",
                    "parameters": [
                        {
                            "in": "query",
                            "name": "startDate",
                            "required": True,
                            "schema": {"type": "string", "format": "date"},
                        },
                        {"in": "query", "name": "kind", "schema": {"type": "string", "enum": ["rent", "fees"]}},
                        {"in": "query", "name": "top", "schema": {"type": "integer", "minimum": 1, "maximum": 10}},
                        # Nullable (3.1: `type: [integer, 'null']`): a query has no null, so None is not sent.
                        {"in": "query", "name": "floor", "schema": {"type": "integer", "minimum": 0, "nullable": True}},
                    ],
                    "responses": _json({"type": "object", "properties": {"total": {"type": "integer"}}}),
                }
            },
        ),
        """
        await call(client, "listVendorProbeReports", start_date=datetime.date(2026, 3, 1), kind="fees", top=10,
                   floor=None)
        sent = fake.requests[-1].query
        refused = []
        for bad in ({"top": 11}, {"kind": "taxes"}, {"start_date": "March"}, {"floor": -1}):
            try:
                await call(client, "listVendorProbeReports", **{"start_date": "2026-03-01", **bad})
            except InvalidParameterError as error:
                refused.append(error.parameter)
        await call(client, "listVendorProbeReports", start_date="2026-03-01", floor=0)
        return [sent, refused, fake.requests[-1].query, len(fake.requests)]
        """,
        [
            "startDate=2026-03-01&kind=fees&top=10",
            ["top", "kind", "start_date", "floor"],
            "startDate=2026-03-01&floor=0",
            2,
        ],
    ),
    VendorChange(
        "array-query-parameters",
        "query parameters of type array: repeated (explode, the default) or comma-separated (explode: false)",
        _path(
            "/filtered",
            {
                "get": {
                    **TAG,
                    "operationId": "listVendorProbeFiltered",
                    "parameters": [
                        {
                            "in": "query",
                            "name": "state",
                            "required": True,
                            "schema": {"type": "array", "items": {"type": "string", "enum": ["on", "off", "idle"]}},
                        },
                        {
                            "in": "query",
                            "name": "codes",
                            "explode": False,
                            "schema": {
                                "type": "array",
                                "maxItems": 3,
                                "uniqueItems": True,
                                "items": {"type": "string", "maxLength": 4},
                            },
                        },
                        {
                            "in": "query",
                            "name": "years",
                            "style": "form",
                            "schema": {"type": "array", "minItems": 1, "items": {"type": "integer", "maximum": 2100}},
                        },
                    ],
                    "responses": _json({"type": "object", "properties": {"total": {"type": "integer"}}}),
                }
            },
        ),
        """
        await call(client, "listVendorProbeFiltered", state=["on", "idle"], codes=("a1", "b2"), years=[2026])
        sent = urllib.parse.parse_qs(fake.requests[-1].query)
        refused = []
        for bad in ({"state": ["on", "broken"]}, {"state": "on"}, {"codes": ["a", "b", "c", "d"]},
                    {"codes": ["a", "a"]}, {"codes": ["toolong"]}, {"codes": ["a,b"]}, {"years": []},
                    {"years": [2200]}):
            try:
                await call(client, "listVendorProbeFiltered", **{"state": ["on"], **bad})
            except InvalidParameterError as error:
                refused.append(error.parameter)
        return [sent, refused, len(fake.requests)]
        """,
        [
            {"state": ["on", "idle"], "codes": ["a1,b2"], "years": ["2026"]},
            ["state[1]", "state", "codes", "codes[1]", "codes[0]", "codes[0]", "years", "years[0]"],
            1,
        ],
    ),
    VendorChange(
        "put-patch-and-delete",
        "HTTP methods PUT, PATCH, DELETE; responses 202 with Location and 204",
        _path(
            "/things/{thingId}/state",
            {
                "parameters": [ID],
                "put": {
                    **TAG,
                    "operationId": "replaceVendorProbeState",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["state"],
                                    "properties": {"state": {"type": "string"}},
                                }
                            }
                        },
                    },
                    "responses": _json({"type": "object", "properties": {"state": {"type": "string"}}}),
                },
                "patch": {
                    **TAG,
                    "operationId": "touchVendorProbeState",
                    "responses": {
                        "202": {
                            "description": "Accepted",
                            "headers": {"Location": {"schema": {"type": "string"}, "example": "/jobs/42"}},
                        }
                    },
                },
                "delete": {
                    **TAG,
                    "operationId": "clearVendorProbeState",
                    "responses": {"204": {"description": "Gone"}},
                },
            },
        ),
        """
        replaced = await call(client, "replaceVendorProbeState", "thg_1", state="on")
        put = fake.requests[-1]
        touched = await call(client, "touchVendorProbeState", "thg_1")
        resource, attribute = METHODS["touchVendorProbeState"]
        raw = await getattr(getattr(client, resource).with_raw_response, attribute)("thg_1")
        cleared = await call(client, "clearVendorProbeState", "thg_1")
        return [put.method, json.loads(put.body), type(replaced).__name__ != "NoneType", touched,
                raw.status_code, raw.headers["location"], cleared, fake.requests[-1].method]
        """,
        ["PUT", {"state": "on"}, True, None, 202, "/jobs/42", None, "DELETE"],
    ),
    VendorChange(
        "created-201",
        "response 201 with a model",
        _path(
            "/things",
            {
                "post": {
                    **TAG,
                    "operationId": "createVendorProbeThing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": {"type": "string", "maxLength": 20}},
                                }
                            }
                        },
                    },
                    "responses": _json("VendorProbeThing", "201"),
                }
            },
            VendorProbeThing=THING,
        ),
        """
        thing = await call(client, "createVendorProbeThing", name="lamp")
        return [type(thing).__name__, fake.requests[-1].status, json.loads(fake.requests[-1].body)]
        """,
        ["VendorProbeThing", 201, {"name": "lamp"}],
    ),
    VendorChange(
        "no-tags",
        "an operation without tags",
        _path(
            "/ping",
            {
                "get": {
                    "operationId": "pingVendorProbe",
                    "responses": _json(OK),
                }
            },
        ),
        """
        pong = await call(client, "pingVendorProbe")
        return [METHODS["pingVendorProbe"][0], pong.ok]
        """,
        ["default", False],
    ),
    VendorChange(
        "new-tag",
        "a new tag: a new resource of the client, in palomma_client.resources and the reference",
        _path(
            "/digests",
            {
                "get": {
                    "tags": ["Vendor Probe Digests"],
                    "operationId": "getVendorProbeDigest",
                    "responses": _json(OK),
                }
            },
        ),
        """
        import sys
        sys.path.insert(0, "scripts")
        import docs_hooks, palomma_client.resources
        digest = await call(client, "getVendorProbeDigest")
        resource, _ = METHODS["getVendorProbeDigest"]
        name = type(getattr(client, resource)).__name__
        page = docs_hooks.resource_directives()
        return [resource, name in palomma_client.resources.__all__, f"::: palomma_client.resources.{name}" in page,
                isinstance(digest.ok, bool)]
        """,
        ["vendor_probe_digests", True, True, True],
    ),
    VendorChange(
        "no-operation-id",
        "an operation without operationId",
        _path(
            "/labels",
            {
                "get": {
                    **TAG,
                    "responses": _json(
                        {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer"}}}
                    ),
                }
            },
        ),
        """
        name = next(name for name in METHODS if name.endswith("vendor-probe_labels") or name.endswith("probe_labels"))
        labels = await call(client, name)
        return [labels.count, fake.requests[-1].method]
        """,
        [0, "GET"],
    ),
    VendorChange(
        "answer-with-arrays-and-nullable-scalars",
        "an array field of objects in an answer; a nullable scalar (both spellings)",
        _path(
            "/shelves/{thingId}",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeShelf",
                    "parameters": [ID],
                    "responses": _json("VendorProbeShelf"),
                }
            },
            VendorProbeShelf={
                "type": "object",
                "required": ["things", "note", "object"],
                "properties": {
                    "things": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"$ref": "#/components/schemas/VendorProbeThing"},
                    },
                    "note": {"type": "string", "nullable": True},
                    "object": {"type": "string", "const": "shelf"},
                    "level": {"type": "string", "enum": ["low", "high"], "nullable": True},
                    "grade": {"$ref": "#/components/schemas/VendorProbeGrade"},
                },
            },
            VendorProbeThing=THING,
            VendorProbeGrade={"type": "string", "enum": ["a", "b"], "nullable": True},
        ),
        """
        import palomma_client.types
        from palomma_client.types import VendorProbeShelf
        shelf = await call(client, "getVendorProbeShelf", "s1")
        empty = {"things": [], "note": None, "object": "shelf"}
        read = VendorProbeShelf.from_dict({**empty, "level": None, "grade": None})
        errors = []
        for bad in ({"object": "box"}, {"object": 1}, {"level": 2}):
            try:
                VendorProbeShelf.from_dict({**empty, **bad})
            except ValueError as error:
                errors.append([type(error).__name__, error.path])
        known = VendorProbeShelf.from_dict({**empty, "level": "high"}).level
        grade = VendorProbeShelf.from_dict({**empty, "grade": "b"}).grade
        models = sorted(name for name in palomma_client.types.__all__
                        if name.startswith(("VendorProbeShelf", "VendorProbeGrade")))
        return [[type(item).__name__ for item in shelf.things], shelf.note, shelf.object_,
                [read.object_, read.level, read.grade], errors, [type(known).__name__, known.value],
                [type(grade).__name__, grade.value], models]
        """,
        [
            ["VendorProbeThing"],
            "string",
            "shelf",
            ["shelf", None, None],
            [["ResponseSchemaError", "object"], ["ResponseSchemaError", "object"], ["ResponseSchemaError", "level"]],
            ["VendorProbeShelfLevel", "high"],
            # A nullable enum component keeps its own name too.
            ["VendorProbeGrade", "b"],
            ["VendorProbeGrade", "VendorProbeShelf", "VendorProbeShelfLevel"],
        ],
    ),
    VendorChange(
        "list-operation",
        "a list operation (cursor and one array): an AsyncPager",
        _path(
            "/events",
            {
                "get": {
                    **TAG,
                    "operationId": "listVendorProbeEvents",
                    "parameters": [
                        {"in": "query", "name": "cursor", "schema": {"type": "string"}},
                        {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
                    ],
                    "responses": _json("VendorProbeEventPage"),
                }
            },
            VendorProbeEventPage={
                "type": "object",
                "required": ["events", "cursor"],
                "properties": {
                    "events": {"type": "array", "items": {"$ref": "#/components/schemas/VendorProbeThing"}},
                    "cursor": {"type": "string", "nullable": True},
                },
            },
            VendorProbeThing=THING,
        ),
        """
        seen = [type(event).__name__ async for event in call(client, "listVendorProbeEvents", limit=2)]
        return [seen, len(fake.requests)]
        """,
        [["VendorProbeThing"] * SYNTHESIZED_LIST_LENGTH, -(-SYNTHESIZED_LIST_LENGTH // 2)],
    ),
    # --- harder rows: `refused` marks those the generator does not support yet ---------------------------------
    VendorChange(
        "header-parameter",
        "header parameters",
        _path(
            "/payouts",
            {
                "post": {
                    **TAG,
                    "operationId": "createVendorProbePayout",
                    "parameters": [
                        {
                            "in": "header",
                            "name": "Idempotency-Key",
                            "required": True,
                            "schema": {"type": "string", "minLength": 8},
                        }
                    ],
                    "responses": _json("VendorProbeThing", "201"),
                }
            },
            VendorProbeThing=THING,
        ),
        """
        await call(client, "createVendorProbePayout", idempotency_key="key-0001")
        sent = fake.requests[-1].headers.get("idempotency-key")
        # Left out, the client makes one per call and keeps it on the call's retry (a 429 here).
        fake.fail_next(status=429, method="POST", retry_after="0")
        await call(client, "createVendorProbePayout", max_retries=1)
        first, retried = (request.headers.get("idempotency-key") for request in fake.requests[-2:])
        await call(client, "createVendorProbePayout")
        another = fake.requests[-1].headers.get("idempotency-key")
        made = [str(uuid.UUID(first)) == first, retried == first, another not in (first, None)]
        try:
            await call(client, "createVendorProbePayout", idempotency_key="k")
        except InvalidParameterError as error:
            return [sent, made, error.parameter, len(fake.requests)]
        """,
        ["key-0001", [True, True, True], "idempotency_key", 4],
    ),
    VendorChange(
        "nested-request-body",
        "request bodies of nested objects and arrays of objects; nullable body fields (both spellings)",
        _path(
            "/contracts",
            {
                "post": {
                    **TAG,
                    "operationId": "createVendorProbeContract",
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["tenant", "lines"],
                            "properties": {
                                "tenant": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": {"type": "string", "minLength": 2}},
                                },
                                "owner": {"$ref": "#/components/schemas/VendorProbeThing"},
                                "lines": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": 3,
                                    "uniqueItems": True,
                                    "items": {
                                        "type": "object",
                                        "required": ["amount"],
                                        "properties": {"amount": {"type": "integer", "maximum": 100}},
                                    },
                                },
                                "note": {"type": "string", "nullable": True, "maxLength": 5},
                                "endsOn": {"type": "string", "format": "date", "nullable": True},
                                # A field named as what the request is built in, a `const`, a nullable enum.
                                "body": {"type": "string", "maxLength": 20},
                                "version": {"type": "integer", "const": 2},
                                "level": {"type": "string", "enum": ["low", "high"], "nullable": True},
                            },
                        }
                    ),
                    "responses": _json("VendorProbeThing", "201"),
                }
            },
            VendorProbeThing=THING,
        ),
        """
        from palomma_client.types import VendorProbeThing
        await call(client, "createVendorProbeContract", tenant={"name": "Ana"}, lines=[{"amount": 5}, {"amount": 6}],
                   owner=VendorProbeThing(thing_id="t1", name="Bo"), note=None, body="Hola", version=2, level=None)
        sent = json.loads(fake.requests[-1].body)
        refused = []
        for bad in ({"lines": [{"amount": 5}, {"amount": 101}]}, {"lines": [{}]}, {"tenant": {"name": "A"}},
                    {"lines": [{"amount": 1}, {"amount": 1}]}, {"lines": [{"amount": 1}] * 4},
                    {"owner": {"name": "Bo"}}, {"note": "too long"}, {"tenant": None}, {"version": 3},
                    {"version": True}, {"level": "mid"}, {"body": "x" * 21}):
            try:
                await call(client, "createVendorProbeContract", **{"tenant": {"name": "Ana"}, "lines": [{"amount": 1}],
                                                                    **bad})
            except InvalidParameterError as error:
                refused.append(error.parameter)
        await call(client, "createVendorProbeContract", tenant={"name": "Ana"}, lines=[{"amount": 5}], note="hi",
                   ends_on=datetime.date(2027, 1, 31), level="high")
        return [sent, refused, json.loads(fake.requests[-1].body), len(fake.requests)]
        """,
        [
            {
                "tenant": {"name": "Ana"},
                "owner": {"thingId": "t1", "name": "Bo"},
                "lines": [{"amount": 5}, {"amount": 6}],
                "note": None,
                "body": "Hola",
                "version": 2,
                "level": None,
            },
            [
                "lines[1].amount",
                "lines[0].amount",
                "tenant.name",
                "lines[1]",
                "lines",
                "owner.thingId",
                "note",
                "tenant",
                "version",
                "version",
                "level",
                "body",
            ],
            {
                "tenant": {"name": "Ana"},
                "lines": [{"amount": 5}],
                "note": "hi",
                "endsOn": "2027-01-31",
                "level": "high",
            },
            2,
        ],
    ),
    VendorChange(
        "map-field",
        "maps (additionalProperties with a schema) in an answer and a request body: dict[str, T]",
        _path(
            "/tallies",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeTallies",
                    "responses": _json(
                        {
                            "type": "object",
                            "required": ["counts"],
                            "properties": {
                                "counts": {
                                    "type": "object",
                                    "additionalProperties": {"type": "integer"},
                                    "example": {"a": 1},
                                },
                                "labels": {"$ref": "#/components/schemas/VendorProbeLabels"},
                            },
                        }
                    ),
                },
                "put": {
                    **TAG,
                    "operationId": "replaceVendorProbeTallies",
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["counts"],
                            "properties": {
                                "counts": {
                                    "type": "object",
                                    "maxProperties": 2,
                                    "additionalProperties": {"type": "integer", "minimum": 0},
                                },
                                "labels": {"$ref": "#/components/schemas/VendorProbeLabels"},
                            },
                        }
                    ),
                    "responses": {"204": {"description": "Replaced"}},
                },
            },
            VendorProbeLabels={"type": "object", "additionalProperties": {"type": "string", "maxLength": 5}},
        ),
        """
        tallies = await call(client, "getVendorProbeTallies")
        hints = typing.get_type_hints(type(tallies))
        await call(client, "replaceVendorProbeTallies", counts={"a": 1, "b c": 2}, labels={"x": "red"})
        sent = json.loads(fake.requests[-1].body)
        refused = []
        for bad in ({"counts": {"a": -1}}, {"counts": {"a": 1, "b": 2, "c": 3}}, {"labels": {"x": "purple"}},
                    {"counts": {"a": "1"}}):
            try:
                await call(client, "replaceVendorProbeTallies", **{"counts": {}, **bad})
            except InvalidParameterError as error:
                refused.append(error.parameter)
        return [dict(tallies.counts), str(hints["counts"]), str(hints["labels"]), sent, refused, len(fake.requests)]
        """,
        [
            {"a": 1},
            "dict[str, int]",
            "dict[str, str] | None",
            {"counts": {"a": 1, "b c": 2}, "labels": {"x": "red"}},
            ["counts.a", "counts", "labels.x", "counts.a"],
            2,
        ],
    ),
    VendorChange(
        "one-of-with-discriminator",
        "oneOf / anyOf of objects, with a discriminator (implicit or mapped) and without: as a whole answer and as "
        "a body field",
        lambda spec: [
            _path(
                "/parties/{thingId}",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeParty",
                        "parameters": [ID],
                        "responses": _json(
                            {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/VendorProbePerson"},
                                    {"$ref": "#/components/schemas/VendorProbeCompany"},
                                ],
                                "discriminator": {"propertyName": "kind"},
                            }
                        ),
                    }
                },
                VendorProbePerson={
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["VendorProbePerson", "person"]},
                        "name": {"type": "string", "minLength": 2},
                    },
                },
                VendorProbeCompany={
                    "type": "object",
                    "required": ["kind", "nit"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["VendorProbeCompany"]},
                        "nit": {"type": "string"},
                    },
                },
            )(spec),
            _path(
                "/parties",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeAnyParty",
                        "responses": _json(
                            {
                                "anyOf": [
                                    {"$ref": "#/components/schemas/VendorProbeCompany"},
                                    {"$ref": "#/components/schemas/VendorProbePerson"},
                                ]
                            }
                        ),
                    },
                    "post": {
                        **TAG,
                        "operationId": "createVendorProbeDeal",
                        "requestBody": _body(
                            {
                                "type": "object",
                                "required": ["party"],
                                "properties": {
                                    "party": {
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/VendorProbePerson"},
                                            {"$ref": "#/components/schemas/VendorProbeCompany"},
                                        ],
                                        "discriminator": {
                                            "propertyName": "kind",
                                            "mapping": {"person": "#/components/schemas/VendorProbePerson"},
                                        },
                                    }
                                },
                            }
                        ),
                        "responses": {"204": {"description": "Done"}},
                    },
                },
            )(spec),
        ][-1],
        """
        from palomma_client.types import VendorProbeCompany
        party = await call(client, "getVendorProbeParty", "p1")
        anyone = await call(client, "getVendorProbeAnyParty")
        await call(client, "createVendorProbeDeal", party={"kind": "person", "name": "Ana"})
        first = json.loads(fake.requests[-1].body)
        company = VendorProbeCompany.from_dict({"kind": "VendorProbeCompany", "nit": "9"})
        await call(client, "createVendorProbeDeal", party=company)
        second = json.loads(fake.requests[-1].body)
        refused = []
        for bad in ({"kind": "person", "name": "A"}, {"kind": "robot"}, {"kind": "VendorProbeCompany"}):
            try:
                await call(client, "createVendorProbeDeal", party=bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        return [type(party).__name__, type(anyone).__name__, first, second, refused, len(fake.requests)]
        """,
        [
            "VendorProbePerson",
            "VendorProbeCompany",
            {"party": {"kind": "person", "name": "Ana"}},
            {"party": {"kind": "VendorProbeCompany", "nit": "9"}},
            ["party.name", "party.kind", "party.nit"],
            4,
        ],
    ),
    VendorChange(
        "all-of",
        "allOf",
        _path(
            "/badges/{thingId}",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeBadge",
                    "parameters": [ID],
                    "responses": _json("VendorProbeBadge"),
                }
            },
            VendorProbeThing=THING,
            VendorProbeBadge={
                "allOf": [
                    {"$ref": "#/components/schemas/VendorProbeThing"},
                    {"type": "object", "required": ["level"], "properties": {"level": {"type": "integer"}}},
                ]
            },
        ),
        """
        badge = await call(client, "getVendorProbeBadge", "b1")
        return [type(badge).__name__, badge.level, badge.name]
        """,
        ["VendorProbeBadge", 0, "string"],
    ),
    VendorChange(
        "nullable-date-time",
        "a nullable date-time (both spellings)",
        _path(
            "/stamps/{thingId}",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeStamp",
                    "parameters": [ID],
                    "responses": _json(
                        {
                            "type": "object",
                            "required": ["seenAt"],
                            "properties": {"seenAt": {"type": "string", "format": "date-time", "nullable": True}},
                        }
                    ),
                }
            },
        ),
        """
        stamp = await call(client, "getVendorProbeStamp", "s1")
        return type(stamp.seen_at).__name__
        """,
        "datetime",
    ),
    VendorChange(
        "read-only-and-write-only",
        "readOnly (never an argument) and writeOnly (never read back)",
        _path(
            "/secrets/{thingId}",
            {
                "parameters": [ID],
                "put": {
                    **TAG,
                    "operationId": "replaceVendorProbeSecret",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VendorProbeSecret"}}},
                    },
                    "responses": _json("VendorProbeSecret"),
                },
            },
            VendorProbeSecret={
                "type": "object",
                "required": ["secretId", "value"],
                "properties": {
                    "secretId": {"type": "string", "readOnly": True},
                    "value": {"type": "string", "writeOnly": True},
                    "label": {"type": "string"},
                },
            },
        ),
        """
        resource, attribute = METHODS["replaceVendorProbeSecret"]
        arguments = list(inspect.signature(getattr(getattr(client, resource), attribute)).parameters)
        secret = await call(client, "replaceVendorProbeSecret", "s1", value="hunter2")
        schema = type(secret).JSON_SCHEMA
        return [
            "secret_id" in arguments,
            "value" in arguments,
            hasattr(secret, "value"),
            fake.requests[-1].status,
            sorted(schema["properties"]),
            schema["required"],
        ]
        """,
        [False, True, False, 200, ["label", "secretId"], ["secretId"]],
    ),
    VendorChange(
        "csv-export-beside-a-parameter-route",
        "non-JSON answers (text/*) as str; a literal path beside a parameter",
        _path(
            "/things/export",
            {
                "get": {
                    **TAG,
                    "operationId": "exportVendorProbeThings",
                    "responses": {
                        "200": {
                            "description": "CSV",
                            "content": {"text/csv": {"schema": {"type": "string"}, "example": "id\nthg_1\n"}},
                        }
                    },
                }
            },
        ),
        """
        text = await call(client, "exportVendorProbeThings")
        return [type(text).__name__, text]
        """,
        ["str", "id\nthg_1\n"],
    ),
    VendorChange(
        "binary-answer",
        "non-JSON answers (other media types) as bytes",
        _path(
            "/receipts/{thingId}",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeReceipt",
                    "parameters": [ID],
                    "responses": {
                        "200": {
                            "description": "PDF",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"},
                                    "example": "%PDF-1.7",
                                }
                            },
                        }
                    },
                }
            },
        ),
        """
        pdf = await call(client, "getVendorProbeReceipt", "r1")
        return [type(pdf).__name__, pdf.decode()]
        """,
        ["bytes", "%PDF-1.7"],
    ),
    VendorChange(
        "methods-named-like-builtins",
        "a method named like a builtin type (`list`) beside annotations of that type; a tag's plural in -ses",
        _path(
            "/leases",
            {
                "get": {
                    "tags": ["Vendor Probe Leases"],
                    "operationId": "listVendorProbeLeases",
                    "responses": _json(OK),
                },
                "put": {
                    "tags": ["Vendor Probe Leases"],
                    "operationId": "setVendorProbeLeaseTags",
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["tags"],
                            "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
                        }
                    ),
                    "responses": _json(OK),
                },
            },
        ),
        """
        await call(client, "listVendorProbeLeases")
        await call(client, "setVendorProbeLeaseTags", tags=["late", "gated"])
        names = [METHODS["listVendorProbeLeases"][1], METHODS["setVendorProbeLeaseTags"][1]]
        return [names, json.loads(fake.requests[-1].body)]
        """,
        [["list", "set_tags"], {"tags": ["late", "gated"]}],
    ),
    VendorChange(
        "deprecated-operation",
        "deprecated: a DeprecationWarning and a docstring mark",
        _path(
            "/legacy",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeLegacy",
                    "deprecated": True,
                    "responses": _json(OK),
                }
            },
        ),
        """
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await call(client, "getVendorProbeLegacy")
        resource, attribute = METHODS["getVendorProbeLegacy"]
        doc = getattr(getattr(client, resource), attribute).__doc__ or ""
        return [[w.category.__name__ for w in caught], "deprecated" in doc.lower()]
        """,
        [["DeprecationWarning"], True],
    ),
    VendorChange(
        "public-operation",
        "security: [] sends no credentials",
        _path(
            "/status",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeStatus",
                    "security": [],
                    "responses": _json(OK),
                }
            },
        ),
        """
        await call(client, "getVendorProbeStatus")
        return "authorization" in fake.requests[-1].headers
        """,
        False,
    ),
    VendorChange(
        "api-key-header-scheme",
        "an API key in a header as the operation's security scheme",
        lambda spec: (
            spec["components"]["securitySchemes"].__setitem__(
                "vendorProbeKey", {"type": "apiKey", "in": "header", "name": "X-Vendor-Probe-Key"}
            ),
            _path(
                "/keyed",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeKeyed",
                        "security": [{"vendorProbeKey": []}],
                        "responses": _json(OK),
                    }
                },
            )(spec),
        )[-1],
        """
        await call(client, "getVendorProbeKeyed")
        sent = fake.requests[-1]
        return [sent.status, sent.headers.get("x-vendor-probe-key") == fake.api_key, "authorization" in sent.headers]
        """,
        [200, True, False],
    ),
    VendorChange(
        "security-requirements-together-and-alternatives",
        "a requirement of several schemes at once, and alternative requirements",
        lambda spec: (
            spec["components"]["securitySchemes"].update(
                vendorProbePartner={"type": "apiKey", "in": "header", "name": "X-Vendor-Probe-Partner"},
                vendorProbeTenant={"type": "apiKey", "in": "header", "name": "X-Vendor-Probe-Tenant"},
            ),
            _path(
                "/both",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeBoth",
                        "security": [{"vendorProbePartner": [], "vendorProbeTenant": []}],
                        "responses": _json(OK),
                    }
                },
            )(spec),
            _path(
                "/either",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeEither",
                        "security": [{"vendorProbePartner": []}, {"vendorProbeTenant": []}],
                        "responses": _json(OK),
                    }
                },
            )(spec),
        )[-1],
        """
        await call(client, "getVendorProbeBoth")
        both = fake.requests[-1]
        found = [both.status, both.headers.get("x-vendor-probe-partner"), both.headers.get("x-vendor-probe-tenant")]
        async with fake.client(api_key=None, credentials={"vendorProbeTenant": fake.api_key}) as tenant_only:
            await call(tenant_only, "getVendorProbeEither")
            either = fake.requests[-1]
            try:
                await call(tenant_only, "getVendorProbeBoth")
                refused = None
            except InvalidParameterError as error:
                refused = error.parameter
        key, sent = fake.api_key, either.headers
        found += [either.status, "x-vendor-probe-partner" in sent, sent.get("x-vendor-probe-tenant")]
        return [True if value == key else value for value in found] + [refused]
        """,
        [200, True, True, 200, False, True, "credentials"],
    ),
    VendorChange(
        "new-server",
        "servers: a new environment",
        lambda spec: spec["servers"].append(
            {
                "url": "https://staging.vendor-probe.example/v1",
                "description": "Staging",
                "x-palomma-environment": "vendor-probe-staging",
            }
        ),
        """
        staging = PalommaClient("sk_test_probe", environment="vendor_probe_staging")
        url = str(staging.base_url)
        await staging.close()
        return url
        """,
        "https://staging.vendor-probe.example/v1",
    ),
    VendorChange(
        "server-variables",
        "servers: a URL with variables, at their defaults or filled in by server_variables",
        lambda spec: spec["servers"].append(
            {
                "url": "https://{region}.vendor-probe.example/{version}",
                "description": "Regional",
                "x-palomma-environment": "vendor-probe-regional",
                "variables": {"region": {"default": "co", "enum": ["co", "mx"]}, "version": {"default": "v1"}},
            }
        ),
        """
        import httpx2
        urls = []
        def answer(request):
            urls.append(str(request.url))
            return httpx2.Response(200, json={})
        mock = httpx2.MockTransport(answer)
        async with PalommaClient("sk_test_probe", environment="vendor_probe_regional", transport=mock) as regional:
            await regional.request("GET", "/ping")
        chosen = {"region": "mx", "version": "v2"}
        async with PalommaClient(
            "sk_test_probe", environment="vendor_probe_regional", server_variables=chosen, transport=mock
        ) as mexico:
            await mexico.request("GET", "/ping")
        refused = []
        for bad in ({"region": "us"}, {"tier": "gold"}, {"version": "v1/../admin"}):
            try:
                PalommaClient("sk_test_probe", environment="vendor_probe_regional", server_variables=bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        return [urls, refused]
        """,
        [
            ["https://co.vendor-probe.example/v1/ping", "https://mx.vendor-probe.example/v2/ping"],
            ["server_variables['region']", "server_variables", "server_variables['version']"],
        ],
    ),
    # --- unions as a whole request body; nullable object references ---
    VendorChange(
        "union-request-body",
        "oneOf / anyOf of objects as the whole request body, with a discriminator (mapped or implicit) and without",
        lambda spec: [
            _path(
                f"/payments{suffix}",
                {
                    "post": {
                        **TAG,
                        "operationId": operation_id,
                        "requestBody": _body(
                            {
                                keyword: [
                                    {"$ref": "#/components/schemas/VendorProbeCardPayment"},
                                    {"$ref": "#/components/schemas/VendorProbePsePayment"},
                                ],
                                **discriminator,
                            }
                        ),
                        "responses": _json(OK, "201"),
                    }
                },
                VendorProbeCardPayment={
                    "type": "object",
                    "required": ["method", "amount", "token"],
                    "properties": {
                        "method": {"type": "string"},
                        "amount": {"type": "integer", "minimum": 1},
                        "token": {"type": "string", "minLength": 3},
                    },
                },
                VendorProbePsePayment={
                    "type": "object",
                    "required": ["method", "amount", "bank"],
                    "properties": {
                        "method": {"type": "string"},
                        "amount": {"type": "integer", "minimum": 1},
                        "bank": {"type": "string", "enum": ["bancolombia", "davivienda"]},
                    },
                },
            )(spec)
            for suffix, operation_id, keyword, discriminator in (
                (
                    "",
                    "createVendorProbePayment",
                    "oneOf",
                    {
                        "discriminator": {
                            "propertyName": "method",
                            "mapping": {
                                "card": "#/components/schemas/VendorProbeCardPayment",
                                "pse": "#/components/schemas/VendorProbePsePayment",
                            },
                        }
                    },
                ),
                ("/charges", "createVendorProbeCharge", "anyOf", {"discriminator": {"propertyName": "method"}}),
                ("/transfers", "createVendorProbeTransfer", "oneOf", {}),
            )
        ][-1],
        """
        from palomma_client.types import VendorProbePsePayment
        await call(client, "createVendorProbePayment", body={"method": "card", "amount": 5, "token": "tok"})
        sent = [json.loads(fake.requests[-1].body)]
        pse = VendorProbePsePayment.from_dict({"method": "pse", "amount": 7, "bank": "davivienda"})
        await call(client, "createVendorProbePayment", body=pse)
        sent.append(json.loads(fake.requests[-1].body))
        card = {"method": "VendorProbeCardPayment", "amount": 1, "token": "abc"}
        await call(client, "createVendorProbeCharge", body=card)
        sent.append(json.loads(fake.requests[-1].body))
        await call(client, "createVendorProbeTransfer", body={"method": "x", "amount": 2, "bank": "bancolombia"})
        sent.append(json.loads(fake.requests[-1].body))
        refused = []
        for operation, bad in (
            ("createVendorProbePayment", {"method": "cash", "amount": 5}),
            ("createVendorProbePayment", {"amount": 5}),
            ("createVendorProbePayment", {"method": "card", "amount": 5}),
            ("createVendorProbePayment", {"method": "pse", "amount": 0, "bank": "davivienda"}),
            ("createVendorProbeCharge", {"method": "card", "amount": 1, "token": "abc"}),
            ("createVendorProbeTransfer", {"method": "x", "amount": 2}),
            ("createVendorProbeTransfer", {"method": "x", "amount": 2, "bank": "bancolombia", "token": "abc"}),
            ("createVendorProbeTransfer", "card"),
        ):
            try:
                await call(client, operation, body=bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        resource, attribute = METHODS["createVendorProbePayment"]
        twin = getattr(getattr(client, resource).with_raw_response, attribute)
        response = await twin(body={"method": "pse", "amount": 3, "bank": "bancolombia"})
        hints = typing.get_type_hints(getattr(getattr(client, resource), attribute))["body"]
        return [sent, refused, response.status_code, type(response.parse().ok).__name__, len(fake.requests), str(hints)]
        """,
        [
            [
                {"method": "card", "amount": 5, "token": "tok"},
                {"method": "pse", "amount": 7, "bank": "davivienda"},
                {"method": "VendorProbeCardPayment", "amount": 1, "token": "abc"},
                {"method": "x", "amount": 2, "bank": "bancolombia"},
            ],
            ["body.method", "body.method", "body.token", "body.amount", "body.method", "body", "body", "body"],
            201,
            "bool",
            5,
            "palomma_client._generated.models.vendor_probe_card_payment.VendorProbeCardPayment | "
            "palomma_client._generated.models.vendor_probe_pse_payment.VendorProbePsePayment | "
            "collections.abc.Mapping[str, typing.Any]",
        ],
    ),
    VendorChange(
        "nullable-object-references",
        "nullable object references (3.0 `allOf: [$ref]` or `$ref` with `nullable`, 3.1 `anyOf: [$ref, null]`) and "
        "nullable inline objects, as body fields and in an answer",
        lambda spec: [
            _path(
                "/homes/{thingId}",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeHome",
                        "parameters": [ID],
                        "responses": _json("VendorProbeHome"),
                    },
                    "put": {
                        **TAG,
                        "operationId": "replaceVendorProbeHome",
                        "parameters": [ID],
                        "requestBody": _body(
                            {
                                "type": "object",
                                "required": ["address"],
                                "properties": {
                                    "address": {
                                        "allOf": [{"$ref": "#/components/schemas/VendorProbeAddress"}],
                                        "nullable": True,
                                    },
                                    "billing": {"$ref": "#/components/schemas/VendorProbeAddress", "nullable": True},
                                    "gate": {
                                        "type": "object",
                                        "nullable": True,
                                        "required": ["code"],
                                        "properties": {"code": {"type": "string", "maxLength": 4}},
                                    },
                                },
                            }
                        ),
                        "responses": _json("VendorProbeHome"),
                    },
                },
                VendorProbeAddress={
                    "type": "object",
                    "required": ["city"],
                    "properties": {"city": {"type": "string", "minLength": 2}},
                },
                VendorProbeHome={
                    "type": "object",
                    "required": ["address", "billing"],
                    "properties": {
                        "address": {"allOf": [{"$ref": "#/components/schemas/VendorProbeAddress"}], "nullable": True},
                        "billing": {"$ref": "#/components/schemas/VendorProbeAddress", "nullable": True},
                        "gate": {
                            "type": "object",
                            "nullable": True,
                            "properties": {"code": {"type": "string"}},
                        },
                    },
                },
            )(spec),
            # A nullable object as the whole answer: the model, or None for null.
            _path(
                "/homes/{thingId}/address",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeHomeAddress",
                        "parameters": [ID],
                        "responses": _json({"$ref": "#/components/schemas/VendorProbeAddress", "nullable": True}),
                    }
                },
            )(spec),
            # ... and a nullable union of objects as the whole answer.
            _path(
                "/homes/{thingId}/place",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeHomePlace",
                        "parameters": [ID],
                        "responses": _json(
                            {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/VendorProbeAddress"},
                                    {"$ref": "#/components/schemas/VendorProbeHome"},
                                ],
                                "nullable": True,
                            }
                        ),
                    }
                },
            )(spec),
        ][-1],
        """
        from palomma_client.types import VendorProbeAddress, VendorProbeHome
        home = await call(client, "getVendorProbeHome", "h1")
        import palomma_client.types
        hints = typing.get_type_hints(VendorProbeHome, localns=vars(palomma_client.types))
        types = [str(hints[name]).replace("palomma_client._generated.models.", "") for name in ["address", "billing",
                                                                                                 "gate"]]
        empty = VendorProbeHome.from_dict({"address": None, "billing": None, "gate": None})
        full = VendorProbeHome.from_dict({"address": {"city": "Cali"}, "billing": {"city": "Pasto"},
                                          "gate": {"code": "7"}})
        read = [empty.address, empty.billing, empty.gate, full.address.city, full.billing.city, full.gate.code,
                full.to_dict(), empty.to_dict()]
        wrong = []
        for bad in ({"address": {"town": "x"}, "billing": None}, {"address": None, "billing": 3}):
            try:
                VendorProbeHome.from_dict(bad)
            except Exception as error:
                wrong.append(type(error).__name__)
        await call(client, "replaceVendorProbeHome", "h1", address=None)
        sent = [json.loads(fake.requests[-1].body)]
        await call(client, "replaceVendorProbeHome", "h1", address={"city": "Cali"},
                   billing=VendorProbeAddress(city="Pasto"), gate=None)
        sent.append(json.loads(fake.requests[-1].body))
        await call(client, "replaceVendorProbeHome", "h1", address=None, billing=None, gate={"code": "12"})
        sent.append(json.loads(fake.requests[-1].body))
        refused = []
        for bad in ({"address": {"city": "C"}}, {"address": None, "billing": {}},
                    {"address": None, "gate": {"code": "12345"}}):
            try:
                await call(client, "replaceVendorProbeHome", "h1", **bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        from palomma_client._generated.api.vendor_probes import get_vendor_probe_home_address as address_module
        address = await call(client, "getVendorProbeHomeAddress", "h1")
        resource, attribute = METHODS["getVendorProbeHomeAddress"]
        returns = inspect.signature(getattr(getattr(client, resource), attribute)).return_annotation
        answers = [type(address).__name__ in ("VendorProbeAddress", "NoneType"), returns,
                   address_module.parse_response(200, None), address_module.parse_response(200, {"city": "Neiva"}).city]
        from palomma_client._generated.api.vendor_probes import get_vendor_probe_home_place as place_module
        resource, attribute = METHODS["getVendorProbeHomePlace"]
        returns = inspect.signature(getattr(getattr(client, resource), attribute)).return_annotation
        place = place_module.parse_response(200, {"city": "Ibagué"})
        answers += [returns, place_module.parse_response(200, None), type(place).__name__]
        return [type(home).__name__, types, read, wrong, sent, refused, len(fake.requests), answers]
        """,
        [
            "VendorProbeHome",
            [
                "vendor_probe_address.VendorProbeAddress | None",
                "vendor_probe_address.VendorProbeAddress | None",
                "vendor_probe_home_gate.VendorProbeHomeGate | None",
            ],
            [
                None,
                None,
                None,
                "Cali",
                "Pasto",
                "7",
                {"address": {"city": "Cali"}, "billing": {"city": "Pasto"}, "gate": {"code": "7"}},
                {"address": None, "billing": None},
            ],
            ["ResponseSchemaError", "ResponseSchemaError"],
            [
                {"address": None},
                {"address": {"city": "Cali"}, "billing": {"city": "Pasto"}, "gate": None},
                {"address": None, "billing": None, "gate": {"code": "12"}},
            ],
            ["address.city", "billing.city", "gate.code"],
            5,
            [
                True,
                "VendorProbeAddress | None",
                None,
                "Neiva",
                "VendorProbeAddress | VendorProbeHome | None",
                None,
                "VendorProbeAddress",
            ],
        ],
    ),
    VendorChange(
        "all-of-with-a-union",
        "an allOf whose members include a oneOf (shared fields plus one of several shapes), in a body and an answer",
        _path(
            "/refunds",
            {
                "post": {
                    **TAG,
                    "operationId": "createVendorProbeRefund",
                    "requestBody": _body(
                        {
                            "allOf": [
                                {
                                    "type": "object",
                                    "required": ["amount"],
                                    "properties": {"amount": {"type": "integer", "minimum": 1}},
                                },
                                {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/VendorProbeRefundCard"},
                                        {"$ref": "#/components/schemas/VendorProbeRefundPse"},
                                    ]
                                },
                            ]
                        }
                    ),
                    "responses": {"204": {"description": "Done"}},
                },
                "get": {**TAG, "operationId": "getVendorProbeRefund", "responses": _json("VendorProbeRefund")},
            },
            VendorProbeRefund={
                "allOf": [
                    {"type": "object", "required": ["refundId"], "properties": {"refundId": {"type": "string"}}},
                    {"$ref": "#/components/schemas/VendorProbeRefundMethod"},
                ]
            },
            VendorProbeRefundMethod={
                "anyOf": [
                    {"$ref": "#/components/schemas/VendorProbeRefundCard"},
                    {"$ref": "#/components/schemas/VendorProbeRefundPse"},
                ]
            },
            VendorProbeRefundCard={
                "type": "object",
                "required": ["method", "token"],
                "properties": {"method": {"type": "string"}, "token": {"type": "string", "minLength": 3}},
            },
            VendorProbeRefundPse={
                "type": "object",
                "required": ["method", "bank"],
                "properties": {"method": {"type": "string"}, "bank": {"type": "string"}},
            },
        ),
        """
        from palomma_client._generated.api.vendor_probes import get_vendor_probe_refund
        from palomma_client._generated.models import CreateVendorProbeRefundVendorProbeRefundPse as Pse
        found = []
        await call(client, "createVendorProbeRefund", body={"amount": 5, "method": "card", "token": "tok"})
        found.append(json.loads(fake.requests[-1].body))
        await call(client, "createVendorProbeRefund", body=Pse(amount=7, method="pse", bank="b1"))
        found.append(json.loads(fake.requests[-1].body))
        sent = len(fake.requests)
        for body in (
            {"amount": 0, "method": "card", "token": "tok"},
            {"amount": 5, "method": "card"},
            {"amount": 5, "method": "card", "token": "t"},
            {"amount": 5, "method": "x", "token": "tok", "bank": "b"},
        ):
            try:
                await call(client, "createVendorProbeRefund", body=body)
                found.append(None)
            except InvalidParameterError as error:
                found.append(error.parameter)
        found.append(len(fake.requests) - sent)
        refund = get_vendor_probe_refund.parse_response(200, {"refundId": "r1", "method": "pse", "bank": "b2"})
        found.append([type(refund).__name__, refund.refund_id, refund.bank])
        try:
            get_vendor_probe_refund.parse_response(200, {"refundId": "r1", "method": "card"})
            found.append(None)
        except ValueError as error:
            found.append(type(error).__name__)
        served = await call(client, "getVendorProbeRefund")  # the fake synthesizes one from the schema
        found.append(type(served).__name__.startswith("VendorProbeRefundVendorProbeRefund"))
        resource, attribute = METHODS["getVendorProbeRefund"]
        found.append(typing.get_type_hints(getattr(getattr(client, resource), attribute))["return"].__args__.__len__())
        return found
        """,
        [
            {"amount": 5, "method": "card", "token": "tok"},
            {"amount": 7, "method": "pse", "bank": "b1"},
            "body.amount",
            "body",
            "body",
            "body",
            0,
            ["VendorProbeRefundVendorProbeRefundPse", "r1", "b2"],
            "ResponseSchemaError",
            True,
            2,
        ],
    ),
    # --- parameters and credentials -------------------------------------------------------------------
    VendorChange(
        "security-alternatives-in-either-order",
        "alternative requirements, chosen whatever their order",
        lambda spec: (
            spec["components"]["securitySchemes"].update(
                vendorProbeAlpha={"type": "apiKey", "in": "header", "name": "X-Vendor-Probe-Alpha"},
                vendorProbeBeta={"type": "apiKey", "in": "header", "name": "X-Vendor-Probe-Beta"},
            ),
            _path("/alpha-first", _secured("getVendorProbeAlphaFirst", "vendorProbeAlpha", "vendorProbeBeta"))(spec),
            _path("/beta-first", _secured("getVendorProbeBetaFirst", "vendorProbeBeta", "vendorProbeAlpha"))(spec),
        )[-1],
        """
        def keys(request):
            return sorted(name for name in ("x-vendor-probe-alpha", "x-vendor-probe-beta") if name in request.headers)
        found = []
        for options in ({}, {"credentials": {"vendorProbeBeta": fake.api_key}}):
            async with fake.client(**options) as chosen:
                for operation in ("getVendorProbeAlphaFirst", "getVendorProbeBetaFirst"):
                    await call(chosen, operation)
                    found.append([fake.requests[-1].status, keys(fake.requests[-1])])
        return found
        """,
        [[200, ["x-vendor-probe-alpha"]]] * 2 + [[200, ["x-vendor-probe-beta"]]] * 2,
    ),
    VendorChange(
        "array-path-and-header-parameters",
        "array path and header parameters (simple style: one value, items separated by commas)",
        _path(
            "/batches/{batchIds}",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeBatches",
                    "parameters": [
                        {
                            "in": "path",
                            "name": "batchIds",
                            "required": True,
                            "schema": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string"}},
                        },
                        {
                            "in": "header",
                            "name": "X-Vendor-Probe-Sizes",
                            "required": False,
                            "explode": True,
                            "schema": {"type": "array", "items": {"type": "integer", "minimum": 1}},
                        },
                    ],
                    "responses": _json(OK),
                }
            },
        ),
        """
        await call(client, "getVendorProbeBatches", ["b 1", "b2"], x_vendor_probe_sizes=[3, 12])
        sent = fake.requests[-1]
        found = [sent.status, urllib.parse.unquote(sent.path).rsplit("/", 1)[-1], sent.headers["x-vendor-probe-sizes"]]
        for batch_ids, sizes in ((["a,b"], None), (["a", "b", "c", "d"], None), ([], None), (["a"], [0]), ("ab", None)):
            try:
                await call(client, "getVendorProbeBatches", batch_ids, x_vendor_probe_sizes=sizes)
                found.append(None)
            except InvalidParameterError as error:
                found.append(error.parameter)
        for path, sizes in (("/vendor-probe/batches/a,b,c,d", "1"), ("/vendor-probe/batches/a", "1,x")):
            try:
                await client.request("GET", path, extra_headers={"X-Vendor-Probe-Sizes": sizes})
                found.append(200)
            except Exception as error:
                found.append(getattr(error, "status_code", repr(error)))
        return found
        """,
        [
            200,
            "b 1,b2",
            "3,12",
            "batch_ids[0]",
            "batch_ids",
            "batch_ids",
            "x_vendor_probe_sizes[0]",
            "batch_ids",
            400,
            400,
        ],
    ),
    VendorChange(
        "object-query-parameters",
        "object query parameters (`explode: true`, one pair per property; `style: deepObject`)",
        _path(
            "/searched",
            {
                "get": {
                    **TAG,
                    "operationId": "listVendorProbeSearched",
                    "parameters": [
                        {
                            "in": "query",
                            "name": "filter",
                            "style": "deepObject",
                            "explode": True,
                            "schema": {
                                "type": "object",
                                "required": ["state"],
                                "properties": {
                                    "state": {"type": "string", "enum": ["open", "closed"]},
                                    "atLeast": {"type": "integer", "minimum": 1},
                                    "flagged": {"type": "boolean"},
                                },
                            },
                        },
                        {
                            "in": "query",
                            "name": "window",
                            "required": True,
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "since": {"type": "string", "format": "date"},
                                    "until": {"type": "string", "format": "date"},
                                },
                            },
                        },
                    ],
                    "responses": _json(OK),
                }
            },
        ),
        """
        window = {"since": "2026-03-01", "until": "2026-03-31"}
        chosen = {"state": "open", "atLeast": 2, "flagged": False}
        await call(client, "listVendorProbeSearched", filter_=chosen, window=window)
        sent = fake.requests[-1]
        found = [sent.status, sorted(urllib.parse.parse_qsl(sent.query))]
        await call(client, "listVendorProbeSearched", window={"since": "2026-03-01"})
        found.append(sorted(urllib.parse.parse_qsl(fake.requests[-1].query)))
        for bad in ({"state": "gone"}, {"state": "open", "atLeast": 0}, {"atLeast": 2}, "state=open"):
            try:
                await call(client, "listVendorProbeSearched", filter_=bad, window=window)
                found.append(None)
            except InvalidParameterError as error:
                found.append(error.parameter)
        raw = ({"filter[state]": "gone", "since": "2026-03-01"}, {"filter[atLeast]": "2", "until": "2026-03-31"})
        for query in raw:
            try:
                await client.request("GET", "/vendor-probe/searched", params=query)
                found.append(200)
            except Exception as error:
                found.append(getattr(error, "status_code", repr(error)))
        return found
        """,
        [
            200,
            [
                ["filter[atLeast]", "2"],
                ["filter[flagged]", "false"],
                ["filter[state]", "open"],
                ["since", "2026-03-01"],
                ["until", "2026-03-31"],
            ],
            [["since", "2026-03-01"]],
            "filter_.state",
            "filter_.atLeast",
            "filter_.state",
            "filter_",
            400,
            400,
        ],
    ),
    # --- maps (`additionalProperties`) of every ordinary kind --------------------------------------------------
    VendorChange(
        "map-of-objects",
        "maps of objects (inline and by $ref) in an answer and a request body: dict[str, Model]",
        _path(
            "/limits",
            _read_and_replace("VendorProbeLimits"),
            VendorProbeLimit={
                "type": "object",
                "required": ["ceiling"],
                "properties": {"ceiling": {"type": "integer", "maximum": 100}, "note": {"type": "string"}},
            },
            VendorProbeLimits={
                "type": "object",
                "required": ["limits"],
                "properties": {
                    "limits": {
                        "type": "object",
                        "additionalProperties": {"$ref": "#/components/schemas/VendorProbeLimit"},
                    },
                    "windows": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "required": ["days"],
                            "properties": {"days": {"type": "integer", "minimum": 1}},
                        },
                    },
                    "paused": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "nullable": True,
                            "properties": {"until": {"type": "string", "format": "date"}},
                        },
                    },
                },
            },
        ),
        """
        import re
        import palomma_client.types
        from palomma_client.types import VendorProbeLimit, VendorProbeLimits
        limits = await call(client, "getVendorProbeLimits")
        hints = {name: re.sub(r"[a-z_0-9.]+[.](?=[A-Z])", "", str(hint))
                 for name, hint in typing.get_type_hints(VendorProbeLimits, localns=vars(palomma_client.types)).items()}
        read = {key: [type(value).__name__, value.ceiling] for key, value in limits.limits.items()}
        await call(client, "replaceVendorProbeLimits", limits={"a": VendorProbeLimit(ceiling=5), "b": {"ceiling": 7}},
                   windows={"w": {"days": 2}})
        sent = json.loads(fake.requests[-1].body)
        refused = []
        for bad in ({"limits": {"a": {"ceiling": 101}}}, {"limits": {"a": {}}}, {"limits": {"a": 5}},
                    {"windows": {"w": {"days": 0}}}):
            try:
                await call(client, "replaceVendorProbeLimits", **{"limits": {}, **bad})
            except InvalidParameterError as error:
                refused.append(error.parameter)
        try:
            VendorProbeLimits.from_dict({"limits": {"a": {"ceiling": "many"}}})
        except ValueError as error:
            answer = [type(error).__name__, error.path]
        models = sorted(name for name in palomma_client.types.__all__ if name.startswith("VendorProbeLimit"))
        schema = palomma_client.types.VendorProbeLimitsWindowsAdditionalProperty.JSON_SCHEMA
        paused = VendorProbeLimits.from_dict({"limits": {}, "paused": {"a": None, "b": {"until": "2026-01-01"}}})
        answer.append({key: value and str(value.until) for key, value in paused.paused.items()})
        return [read, hints["limits"], hints["windows"], sent, refused, answer, models, schema, len(fake.requests)]
        """,
        [
            {"key1": ["VendorProbeLimit", 0]},
            "dict[str, VendorProbeLimit]",
            "dict[str, VendorProbeLimitsWindowsAdditionalProperty] | None",
            {"limits": {"a": {"ceiling": 5}, "b": {"ceiling": 7}}, "windows": {"w": {"days": 2}}},
            ["limits.a.ceiling", "limits.a.ceiling", "limits.a", "windows.w.days"],
            ["ResponseSchemaError", "limits.a.ceiling", {"a": None, "b": "2026-01-01"}],
            [
                "VendorProbeLimit",
                "VendorProbeLimits",
                "VendorProbeLimitsPausedAdditionalProperty",  # nullable, it keeps the name it has when not
                "VendorProbeLimitsWindowsAdditionalProperty",
            ],
            # An inline object's model has the schema it was read from, not a bare object.
            {"type": "object", "required": ["days"], "properties": {"days": {"type": "integer", "minimum": 1}}},
            2,
        ],
    ),
    VendorChange(
        "map-of-enums-dates-arrays-and-nullable-values",
        "maps of enums, dates, date-times, arrays of scalars and nullable values, in an answer and a request body",
        _path(
            "/schedules",
            _read_and_replace("VendorProbeSchedule"),
            VendorProbeSchedule={
                "type": "object",
                "required": ["states", "days", "stamps", "tags", "scores", "levels", "grid"],
                "properties": {
                    "states": {"type": "object", "additionalProperties": {"type": "string", "enum": ["on", "off"]}},
                    "days": {"type": "object", "additionalProperties": {"type": "string", "format": "date"}},
                    "stamps": {"type": "object", "additionalProperties": {"type": "string", "format": "date-time"}},
                    "tags": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "maxItems": 2,
                            "items": {"type": "string", "maxLength": 3},
                        },
                    },
                    "scores": {
                        "type": "object",
                        "additionalProperties": {"type": "integer", "minimum": 0, "nullable": True},
                    },
                    "levels": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "enum": ["low", "high", None], "nullable": True},
                    },
                    "grid": {
                        "type": "object",
                        "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
                    },
                },
            },
        ),
        """
        import re
        import palomma_client.types
        from palomma_client.types import VendorProbeSchedule
        schedule = await call(client, "getVendorProbeSchedule")
        found = typing.get_type_hints(VendorProbeSchedule, localns=vars(palomma_client.types))
        hints = {name: re.sub(r"[a-z_0-9.]+[.](?=[A-Z])", "", str(found[name]))
                 for name in VendorProbeSchedule.JSON_NAMES}
        read = [type(value).__name__ for field in ("states", "days", "stamps", "tags", "scores")
                for value in getattr(schedule, field).values()]
        state = next(iter(schedule.states.values()))
        at = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.timezone.utc)
        await call(client, "replaceVendorProbeSchedule", states={"a": "on", "b": type(state)("off")},
                   days={"d": datetime.date(2026, 3, 1), "e": "2026-03-02"}, stamps={"s": at},
                   tags={"t": ["ab", "c"]}, scores={"x": None, "y": 3}, levels={"a": None, "b": "high"},
                   grid={"r": {"c": 2}})
        sent = json.loads(fake.requests[-1].body)
        valid = {"states": {}, "days": {}, "stamps": {}, "tags": {}, "scores": {}, "levels": {}, "grid": {}}
        refused = []
        for bad in ({"states": {"a": "broken"}}, {"days": {"d": "March"}},
                    {"stamps": {"s": datetime.datetime(2026, 3, 1)}}, {"tags": {"t": ["a", "b", "c"]}},
                    {"tags": {"t": ["long"]}}, {"scores": {"x": -1}}):
            try:
                await call(client, "replaceVendorProbeSchedule", **{**valid, **bad})
            except InvalidParameterError as error:
                refused.append(error.parameter)
        answers = []
        for bad in ({"states": {"a": 5}}, {"days": {"d": "March"}}, {"tags": {"t": [1]}}, {"scores": {"x": "1"}},
                    {"grid": {"r": {"c": "1"}}}):
            try:
                VendorProbeSchedule.from_dict({**valid, **bad})
            except ValueError as error:
                answers.append([type(error).__name__, error.path])
        unknown = VendorProbeSchedule.from_dict({**valid, "states": {"a": "paused"}, "scores": {"x": None},
                                                 "levels": {"a": None, "b": "low"}, "grid": {"r": {"c": 1}}})
        kept = [unknown.states["a"].value, unknown.states["a"].is_known, unknown.scores,
                [None if level is None else level.value for level in unknown.levels.values()], unknown.grid]
        return [read, hints, sent, refused, answers, kept, len(fake.requests)]
        """,
        [
            ["VendorProbeScheduleStatesAdditionalProperty", "date", "datetime", "list", "int"],
            {
                "states": "dict[str, VendorProbeScheduleStatesAdditionalProperty]",
                "days": "dict[str, datetime.date]",
                "stamps": "dict[str, datetime.datetime]",
                "tags": "dict[str, list[str]]",
                "scores": "dict[str, int | None]",
                # A nullable enum keeps the name it has when not nullable.
                "levels": "dict[str, VendorProbeScheduleLevelsAdditionalProperty | None]",
                "grid": "dict[str, dict[str, int]]",
            },
            {
                "states": {"a": "on", "b": "off"},
                "days": {"d": "2026-03-01", "e": "2026-03-02"},
                "stamps": {"s": "2026-03-01T09:30:00+00:00"},
                "tags": {"t": ["ab", "c"]},
                "scores": {"x": None, "y": 3},
                "levels": {"a": None, "b": "high"},
                "grid": {"r": {"c": 2}},
            },
            ["states.a", "days.d", "stamps.s", "tags.t", "tags.t[0]", "scores.x"],
            [
                ["ResponseSchemaError", "states.a"],
                ["ResponseSchemaError", "days.d"],
                ["ResponseSchemaError", "tags.t[0]"],
                ["ResponseSchemaError", "scores.x"],
                ["ResponseSchemaError", "grid.r.c"],
            ],
            ["paused", False, {"x": None}, [None, "low"], {"r": {"c": 1}}],
            2,
        ],
    ),
    VendorChange(
        "free-form-objects",
        "free-form objects (no properties; additionalProperties true or {}) as dict[str, Any] of JSON values",
        _path(
            "/events/{thingId}/payload",
            {"parameters": [ID], **_read_and_replace("VendorProbePayload")},
            VendorProbeAttributes={"type": "object", "description": "Whatever the sender attached."},
            VendorProbePayload={
                "type": "object",
                "required": ["payload"],
                "properties": {
                    "payload": {"type": "object"},
                    "context": {"type": "object", "additionalProperties": True},
                    "extra": {"type": "object", "additionalProperties": {}},
                    "attributes": {"$ref": "#/components/schemas/VendorProbeAttributes"},
                    "sections": {"type": "object", "additionalProperties": {"type": "object"}},
                },
            },
        ),
        """
        import re
        import palomma_client.types
        from palomma_client.types import VendorProbePayload
        got = await call(client, "getVendorProbePayload", "e1")
        found = typing.get_type_hints(VendorProbePayload, localns=vars(palomma_client.types))
        hints = {name: re.sub(r"[a-z_0-9.]+[.](?=[A-Z])", "", str(found[name]))
                 for name in VendorProbePayload.JSON_NAMES}
        prefixes = ("VendorProbePayload", "VendorProbeAttributes")
        models = sorted(name for name in palomma_client.types.__all__ if name.startswith(prefixes))
        payload = {"a": [1, {"b": None}], "on": datetime.date(2026, 3, 1)}
        await call(client, "replaceVendorProbePayload", "e1", payload=payload, attributes={"k": "v"},
                   sections={"s": {"x": 1.5}})
        sent = json.loads(fake.requests[-1].body)
        refused = []
        for bad in ({"payload": "text"}, {"payload": {"a": object()}}, {"sections": {"s": 5}}):
            try:
                await call(client, "replaceVendorProbePayload", "e1", **{"payload": {}, **bad})
            except InvalidParameterError as error:
                refused.append(error.parameter)
        answers = []
        for bad in ({"payload": []}, {"payload": {}, "sections": {"s": 1}}):
            try:
                VendorProbePayload.from_dict(bad)
            except ValueError as error:
                answers.append([type(error).__name__, error.path])
        kept = VendorProbePayload.from_dict({"payload": {"n": [1, "x", None]}, "context": {"deep": {"er": True}}})
        return [got.payload, hints, models, sent, refused, answers, [kept.payload, kept.context], len(fake.requests)]
        """,
        [
            {},
            {
                "payload": "dict[str, Any]",
                "context": "dict[str, Any] | None",
                "extra": "dict[str, Any] | None",
                "attributes": "dict[str, Any] | None",
                "sections": "dict[str, dict[str, Any]] | None",
            },
            ["VendorProbePayload"],
            {
                "payload": {"a": [1, {"b": None}], "on": "2026-03-01"},
                "attributes": {"k": "v"},
                "sections": {"s": {"x": 1.5}},
            },
            ["payload", "payload.a", "sections.s"],
            [["ResponseSchemaError", "payload"], ["ResponseSchemaError", "sections.s"]],
            [{"n": [1, "x", None]}, {"deep": {"er": True}}],
            2,
        ],
    ),
    VendorChange(
        "map-as-whole-body-answer-and-array-items",
        "a map as the whole answer (dict[str, T]), the whole request body (the `body` argument), an array's items",
        lambda spec: [
            _path(
                "/balances",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbeBalances",
                        "responses": _json({"type": "object", "additionalProperties": {"type": "integer"}}),
                    }
                },
            )(spec),
            _path(
                "/quotas",
                {
                    "put": {
                        **TAG,
                        "operationId": "replaceVendorProbeQuotas",
                        "requestBody": {
                            "description": "The quota of each account.",
                            **_body({"$ref": "#/components/schemas/VendorProbeQuotas"}),
                        },
                        "responses": _json("VendorProbeQuotas"),
                    }
                },
                VendorProbeQuota={
                    "type": "object",
                    "required": ["ceiling"],
                    "properties": {"ceiling": {"type": "integer", "maximum": 100}},
                },
                VendorProbeQuotas={
                    "type": "object",
                    "maxProperties": 3,
                    "additionalProperties": {"$ref": "#/components/schemas/VendorProbeQuota"},
                },
            )(spec),
            _path(
                "/batches",
                {
                    "post": {
                        **TAG,
                        "operationId": "createVendorProbeBatch",
                        "requestBody": _body({"$ref": "#/components/schemas/VendorProbeBatch"}),
                        "responses": _json("VendorProbeBatch", "201"),
                    }
                },
                VendorProbeBatch={
                    "type": "object",
                    "required": ["rows"],
                    "properties": {
                        "rows": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "object", "additionalProperties": {"type": "string"}},
                        }
                    },
                },
            )(spec),
            _path(
                "/raw",
                {"get": {**TAG, "operationId": "getVendorProbeRaw", "responses": _json({"type": "object"})}},
            )(spec),
        ][-1],
        """
        from palomma_client._generated.api import OPERATIONS
        from palomma_client.types import VendorProbeQuota
        def signature(operation):
            resource, attribute = METHODS[operation]
            found = inspect.signature(getattr(getattr(client, resource), attribute))
            return [str(found.return_annotation)] + [str(p.annotation) for p in found.parameters.values()
                                                     if p.name in ("body", "rows")]
        balances = await call(client, "getVendorProbeBalances")
        given = {"a": VendorProbeQuota(ceiling=5), "b": {"ceiling": 7}}
        quotas = await call(client, "replaceVendorProbeQuotas", body=given)
        sent = [json.loads(fake.requests[-1].body)]
        batch = await call(client, "createVendorProbeBatch", rows=[{"k": "v"}, {}])
        sent.append(json.loads(fake.requests[-1].body))
        raw = await call(client, "getVendorProbeRaw")
        read = {key: [type(value).__name__, value.ceiling] for key, value in quotas.items()}
        read = [balances, read, batch.rows, raw]
        refused = []
        for operation, bad in (("replaceVendorProbeQuotas", {"body": {"a": {"ceiling": 101}}}),
                               ("replaceVendorProbeQuotas", {"body": {key: {"ceiling": 1} for key in "abcd"}}),
                               ("replaceVendorProbeQuotas", {"body": "x"}),
                               ("createVendorProbeBatch", {"rows": [{"k": 1}]}),
                               ("createVendorProbeBatch", {"rows": []})):
            try:
                await call(client, operation, **bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        answers = []
        for operation, status, bad in (("getVendorProbeBalances", 200, {"a": "1"}),
                                       ("getVendorProbeBalances", 200, [1]),
                                       ("replaceVendorProbeQuotas", 200, {"a": {"ceiling": "x"}}),
                                       ("createVendorProbeBatch", 201, {"rows": [{"k": 1}]})):
            try:
                OPERATIONS[operation].parse_response(status, bad)
            except ValueError as error:
                answers.append([type(error).__name__, error.path])
        signatures = [signature(name) for name in ("getVendorProbeBalances", "replaceVendorProbeQuotas",
                                                   "createVendorProbeBatch", "getVendorProbeRaw")]
        from palomma_client import BadRequestError
        try:  # the fake validates a map body by the spec too
            await client.request("PUT", "/vendor-probe/quotas", json={"a": {"ceiling": "x"}})
        except BadRequestError as error:
            refused.append([error.status_code, "ceiling" in str(error)])
        return [read, sent, refused, answers, signatures, len(fake.requests)]
        """,
        [
            # A create is answered with what it sent, where the answer has the body's fields.
            [{"key1": 0}, {"key1": ["VendorProbeQuota", 0]}, [{"k": "v"}, {}], {}],
            [{"a": {"ceiling": 5}, "b": {"ceiling": 7}}, {"rows": [{"k": "v"}, {}]}],
            ["body.a.ceiling", "body", "body", "rows[0].k", "rows", [400, True]],
            [
                ["ResponseSchemaError", "a"],
                ["ResponseSchemaError", ""],
                ["ResponseSchemaError", "a.ceiling"],
                ["ResponseSchemaError", "rows[0].k"],
            ],
            [
                ["dict[str, int]"],
                ["dict[str, VendorProbeQuota]", "Mapping[str, VendorProbeQuota | Mapping[str, Any]]"],
                ["VendorProbeBatch", "Sequence[Mapping[str, str]]"],
                ["dict[str, Any]"],
            ],
            5,
        ],
    ),
    VendorChange(
        "map-beside-properties",
        "an object with properties and `additionalProperties` of a schema: typed additional_properties",
        _path(
            "/ledgers/{thingId}",
            {
                "parameters": [ID],
                "get": {**TAG, "operationId": "getVendorProbeLedger", "responses": _json("VendorProbeLedger")},
                "post": {
                    **TAG,
                    "operationId": "noteVendorProbeLedger",
                    "requestBody": _field_body("ledger", "VendorProbeLedger"),
                    "responses": {"204": {"description": "Noted"}},
                },
            },
            VendorProbeEntry={
                "type": "object",
                "required": ["amount"],
                "properties": {"amount": {"type": "integer", "minimum": 0}},
            },
            VendorProbeLedger={
                "type": "object",
                "required": ["currency"],
                "properties": {"currency": {"type": "string"}},
                "additionalProperties": {"$ref": "#/components/schemas/VendorProbeEntry"},
            },
        ),
        """
        import re
        import palomma_client.types
        from palomma_client.types import VendorProbeEntry, VendorProbeLedger
        got = await call(client, "getVendorProbeLedger", "l1")
        found = typing.get_type_hints(VendorProbeLedger, localns=vars(palomma_client.types))
        hint = re.sub(r"[a-z_0-9.]+[.](?=[A-Z])", "", str(found["additional_properties"]))
        document = {"currency": "COP", "acc1": {"amount": 5}}
        parsed = VendorProbeLedger.from_dict(document)
        read = [got.currency, got.additional_properties, type(parsed["acc1"]).__name__, parsed["acc1"].amount,
                parsed.to_dict() == document]
        try:
            VendorProbeLedger.from_dict({"currency": "COP", "acc1": {"amount": "x"}})
        except ValueError as error:
            read.append([type(error).__name__, error.path])
        ledger = VendorProbeLedger(currency="COP")
        ledger["acc2"] = VendorProbeEntry(amount=3)
        await call(client, "noteVendorProbeLedger", "l1", ledger=ledger)
        sent = [json.loads(fake.requests[-1].body)]
        await call(client, "noteVendorProbeLedger", "l1", ledger=document)
        sent.append(json.loads(fake.requests[-1].body))
        refused = []
        for bad in ({"currency": "COP", "acc1": {"amount": -1}}, {"currency": "COP", "acc1": 5},
                    {"acc1": {"amount": 1}}):
            try:
                await call(client, "noteVendorProbeLedger", "l1", ledger=bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        return [hint, read, sent, refused, len(fake.requests)]
        """,
        [
            "dict[str, VendorProbeEntry]",
            ["string", {}, "VendorProbeEntry", 5, True, ["ResponseSchemaError", "acc1.amount"]],
            [
                {"ledger": {"currency": "COP", "acc2": {"amount": 3}}},
                {"ledger": {"currency": "COP", "acc1": {"amount": 5}}},
            ],
            ["ledger.acc1.amount", "ledger.acc1", "ledger.currency"],
            3,
        ],
    ),
    VendorChange(
        "map-of-unions-of-objects",
        "maps whose values are a oneOf / anyOf of objects, with a discriminator and without",
        _path(
            "/wallets/{thingId}",
            {"parameters": [ID], **_read_and_replace("VendorProbeWallet")},
            VendorProbeCard={
                "type": "object",
                "required": ["kind", "last4"],
                "properties": {"kind": {"type": "string"}, "last4": {"type": "string", "maxLength": 4}},
            },
            VendorProbeBank={
                "type": "object",
                "required": ["kind", "iban"],
                "properties": {"kind": {"type": "string"}, "iban": {"type": "string"}},
            },
            VendorProbeWallet={
                "type": "object",
                "required": ["methods"],
                "properties": {
                    "methods": {
                        "type": "object",
                        "additionalProperties": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/VendorProbeCard"},
                                {"$ref": "#/components/schemas/VendorProbeBank"},
                            ],
                            "discriminator": {
                                "propertyName": "kind",
                                "mapping": {
                                    "card": "#/components/schemas/VendorProbeCard",
                                    "bank": "#/components/schemas/VendorProbeBank",
                                },
                            },
                        },
                    },
                    "either": {
                        "type": "object",
                        "additionalProperties": {
                            "anyOf": [
                                {"$ref": "#/components/schemas/VendorProbeBank"},
                                {"$ref": "#/components/schemas/VendorProbeCard"},
                            ]
                        },
                    },
                },
            },
        ),
        """
        from palomma_client.types import VendorProbeCard, VendorProbeWallet
        document = {"methods": {"a": {"kind": "card", "last4": "4242"}, "b": {"kind": "bank", "iban": "CO12"}},
                    "either": {"c": {"kind": "x", "last4": "1"}}}
        wallet = VendorProbeWallet.from_dict(document)
        read = [{key: type(value).__name__ for key, value in {**wallet.methods, **wallet.either}.items()},
                wallet.to_dict() == document]
        for bad in ({"methods": {"a": {"kind": "cash"}}}, {"methods": {"a": {"kind": "card"}}}, {"methods": {"a": 1}}):
            try:
                VendorProbeWallet.from_dict(bad)
            except ValueError as error:
                read.append(error.path)
        await call(client, "replaceVendorProbeWallet", "w1",
                   methods={"a": VendorProbeCard(kind="card", last4="4242"), "b": {"kind": "bank", "iban": "CO12"}})
        sent = json.loads(fake.requests[-1].body)
        refused = []
        for bad in ({"a": {"kind": "cash"}}, {"a": {"kind": "card", "last4": "12345"}}, {"a": {"kind": "bank"}}):
            try:
                await call(client, "replaceVendorProbeWallet", "w1", methods=bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        got = await call(client, "getVendorProbeWallet", "w1")
        return [read, sent, refused, sorted(type(value).__name__ for value in got.methods.values()), len(fake.requests)]
        """,
        [
            [
                {"a": "VendorProbeCard", "b": "VendorProbeBank", "c": "VendorProbeCard"},
                True,
                "methods.a.kind",
                "methods.a.last4",
                "methods.a",
            ],
            {"methods": {"a": {"kind": "card", "last4": "4242"}, "b": {"kind": "bank", "iban": "CO12"}}},
            ["methods.a.kind", "methods.a.last4", "methods.a.iban"],
            ["VendorProbeCard"],
            2,
        ],
    ),
    # --- request bodies ----------------------------------------------------------------------------
    VendorChange(
        "optional-request-body",
        "an optional request body: an object's arguments optional as a group, a whole `body` NOT_GIVEN by default",
        _path(
            "/things/{thingId}/archive",
            {
                "post": {
                    **TAG,
                    "operationId": "archiveVendorProbeThing",
                    "parameters": [ID],
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VendorProbeArchive"}}}
                    },
                    "responses": _json(OK),
                },
                "put": {
                    **TAG,
                    "operationId": "tallyVendorProbeThing",
                    "parameters": [ID],
                    "requestBody": {
                        "required": False,
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
                            }
                        },
                    },
                    "responses": _json(OK),
                },
            },
            VendorProbeArchive={
                "type": "object",
                "required": ["reason"],
                "properties": {"reason": {"type": "string", "minLength": 3}, "note": {"type": "string"}},
            },
        ),
        """
        def seen():
            request = fake.requests[-1]
            body = json.loads(request.body) if request.body else None
            return [request.status, body, request.headers.get("content-type")]
        found = []
        for operation, kwargs in (
            ("archiveVendorProbeThing", {}),
            ("archiveVendorProbeThing", {"reason": "moved", "note": "n"}),
            ("tallyVendorProbeThing", {}),
            ("tallyVendorProbeThing", {"body": {}}),
            ("tallyVendorProbeThing", {"body": {"a": 2}}),
        ):
            await call(client, operation, "t1", **kwargs)
            found.append(seen())
        sent = len(fake.requests)
        for operation, kwargs in (
            ("archiveVendorProbeThing", {"note": "n"}),
            ("archiveVendorProbeThing", {"reason": "no"}),
            ("tallyVendorProbeThing", {"body": {"a": -1}}),
        ):
            try:
                await call(client, operation, "t1", **kwargs)
                found.append(None)
            except InvalidParameterError as error:
                found.append(error.parameter)
        found.append(len(fake.requests) - sent)
        for operation in ("archiveVendorProbeThing", "tallyVendorProbeThing"):
            resource, attribute = METHODS[operation]
            method = getattr(getattr(client, resource), attribute)
            defaults = {name: repr(one.default) for name, one in inspect.signature(method).parameters.items()}
            found.append({name: defaults[name] for name in ("reason", "note", "body") if name in defaults})
        return found
        """,
        [
            [200, None, None],
            [200, {"reason": "moved", "note": "n"}, "application/json"],
            [200, None, None],
            [200, {}, "application/json"],
            [200, {"a": 2}, "application/json"],
            "reason",
            "reason",
            "body.a",
            0,
            {"reason": "None", "note": "None"},
            {"body": "NOT_GIVEN"},
        ],
    ),
    VendorChange(
        "array-request-body",
        "a top-level array request body, of objects or of scalars: one `body` argument checked item by item",
        _path(
            "/lines",
            {
                "post": {
                    **TAG,
                    "operationId": "importVendorProbeLines",
                    "requestBody": _body(
                        {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 3,
                            "items": {"$ref": "#/components/schemas/VendorProbeLine"},
                        }
                    ),
                    "responses": _json(OK),
                },
                "put": {
                    **TAG,
                    "operationId": "tagVendorProbeLines",
                    "requestBody": _body(
                        {"type": "array", "uniqueItems": True, "items": {"type": "string", "enum": ["a", "b"]}}
                    ),
                    "responses": _json(OK),
                },
            },
            VendorProbeLine={
                "type": "object",
                "required": ["sku", "quantity"],
                "properties": {
                    "sku": {"type": "string", "minLength": 2},
                    "quantity": {"type": "integer", "minimum": 1},
                    "dueOn": {"type": "string", "format": "date"},
                },
            },
        ),
        """
        from palomma_client._generated.models import TagVendorProbeLinesBodyItem, VendorProbeLine
        found = []
        line = VendorProbeLine(sku="s1", quantity=2, due_on=datetime.date(2026, 5, 1))
        await call(client, "importVendorProbeLines", body=[line, {"sku": "s2", "quantity": 1}])
        found.append([fake.requests[-1].status, json.loads(fake.requests[-1].body)])
        await call(client, "tagVendorProbeLines", body=(TagVendorProbeLinesBodyItem("b"), "a"))
        found.append([fake.requests[-1].status, json.loads(fake.requests[-1].body)])
        sent = len(fake.requests)
        for operation, body in (
            ("importVendorProbeLines", [line, line, {"sku": "s2", "quantity": 0}]),
            ("importVendorProbeLines", [line, {"sku": "s", "quantity": 1}]),
            ("importVendorProbeLines", []),
            ("importVendorProbeLines", [line] * 4),
            ("tagVendorProbeLines", ["a", "c"]),
            ("tagVendorProbeLines", ["a", "a"]),
        ):
            try:
                await call(client, operation, body=body)
                found.append(None)
            except InvalidParameterError as error:
                found.append(error.parameter)
        found.append(len(fake.requests) - sent)
        resource, attribute = METHODS["importVendorProbeLines"]
        found.append(str(typing.get_type_hints(getattr(getattr(client, resource), attribute))["body"]))
        return found
        """,
        [
            [200, [{"sku": "s1", "quantity": 2, "dueOn": "2026-05-01"}, {"sku": "s2", "quantity": 1}]],
            [200, ["b", "a"]],
            "body[2].quantity",
            "body[1].sku",
            "body",
            "body",
            "body[1]",
            "body[1]",
            0,
            "collections.abc.Sequence[palomma_client._generated.models.vendor_probe_line.VendorProbeLine"
            " | collections.abc.Mapping[str, typing.Any]]",
        ],
    ),
    VendorChange(
        "request-body-with-properties-and-a-map",
        "a request body with `properties` and a typed `additionalProperties`: fields as arguments, other keys as a map",
        _path(
            "/budgets/{thingId}",
            {
                "parameters": [ID],
                "get": {**TAG, "operationId": "getVendorProbeBudget", "responses": _json("VendorProbeBudget")},
                "put": {
                    **TAG,
                    "operationId": "replaceVendorProbeBudget",
                    "requestBody": _body({"$ref": "#/components/schemas/VendorProbeBudget"}),
                    "responses": {"204": {"description": "Replaced"}},
                },
                "post": {
                    **TAG,
                    "operationId": "holdVendorProbeBudget",
                    "requestBody": _field_body("budget", "VendorProbeBudget"),
                    "responses": {"204": {"description": "Held"}},
                },
            },
            VendorProbeBudgetLine={
                "type": "object",
                "required": ["amount"],
                "properties": {"amount": {"type": "integer", "minimum": 0}},
            },
            VendorProbeBudget={
                "type": "object",
                "required": ["currency"],
                "properties": {"currency": {"type": "string", "minLength": 3}, "note": {"type": "string"}},
                "additionalProperties": {"$ref": "#/components/schemas/VendorProbeBudgetLine"},
            },
        ),
        """
        from palomma_client._generated.models import VendorProbeBudget, VendorProbeBudgetLine
        found = []
        line = VendorProbeBudgetLine(amount=3)
        await call(client, "replaceVendorProbeBudget", "b1", currency="COP", additional_properties={"rent": line})
        found.append(json.loads(fake.requests[-1].body))
        await call(client, "replaceVendorProbeBudget", "b1", currency="COP", note="n",
                   additional_properties={"rent": {"amount": 4}, "gas": line})
        found.append(json.loads(fake.requests[-1].body))
        await call(client, "replaceVendorProbeBudget", "b1", currency="COP")
        found.append(json.loads(fake.requests[-1].body))
        served = await call(client, "getVendorProbeBudget", "b1")
        from palomma_client._generated.api.vendor_probes import get_vendor_probe_budget
        parsed = get_vendor_probe_budget.parse_response(200, {"currency": "COP", "rent": {"amount": 1}})
        try:
            get_vendor_probe_budget.parse_response(200, {"currency": "COP", "rent": {"amount": "x"}})
        except ValueError as error:
            refused = [type(error).__name__, error.path]
        found.append([type(served).__name__, type(parsed["rent"]).__name__, refused])
        sent = len(fake.requests)
        for kwargs in (
            {"currency": "COP", "additional_properties": {"rent": {"amount": -1}}},
            {"currency": "COP", "additional_properties": {"rent": 5}},
            {"currency": "COP", "additional_properties": {"note": {"amount": 1}}},
            {"currency": "CO", "additional_properties": {}},
        ):
            try:
                await call(client, "replaceVendorProbeBudget", "b1", **kwargs)
                found.append(None)
            except InvalidParameterError as error:
                found.append(error.parameter)
        # A model's other keys of the wrong type are refused before sending, naming the key.
        budget = VendorProbeBudget(currency="COP")
        budget["rent"] = "many"
        try:
            await call(client, "holdVendorProbeBudget", "b1", budget=budget)
            found.append(None)
        except InvalidParameterError as error:
            found.append(error.parameter)
        found.append(len(fake.requests) - sent)
        budget["rent"] = {"amount": 2}  # a dict of the values' shape is taken, as for any model argument
        await call(client, "holdVendorProbeBudget", "b1", budget=budget)
        found.append(json.loads(fake.requests[-1].body))
        return found
        """,
        [
            {"currency": "COP", "rent": {"amount": 3}},
            {"currency": "COP", "note": "n", "rent": {"amount": 4}, "gas": {"amount": 3}},
            {"currency": "COP"},
            ["VendorProbeBudget", "VendorProbeBudgetLine", ["ResponseSchemaError", "rent.amount"]],
            "additional_properties.rent.amount",
            "additional_properties.rent",
            "additional_properties.note",
            "currency",
            "budget.rent",
            0,
            {"budget": {"currency": "COP", "rent": {"amount": 2}}},
        ],
    ),
    VendorChange(
        "nullable-request-body",
        "a nullable request body: one `body` argument whose None is JSON null, apart from no body when optional",
        _path(
            "/notes/{thingId}",
            {
                "parameters": [ID],
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeNote",
                    "responses": _json({"type": "object", "nullable": True, "properties": {"on": {"type": "boolean"}}}),
                },
                "put": {
                    **TAG,
                    "operationId": "replaceVendorProbeNote",
                    "requestBody": _body({"$ref": "#/components/schemas/VendorProbeNote", "nullable": True}),
                    "responses": _json(OK),
                },
                "patch": {
                    **TAG,
                    "operationId": "patchVendorProbeNote",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "nullable": True,
                                    "properties": {"pinned": {"type": "boolean"}},
                                }
                            }
                        }
                    },
                    "responses": _json(OK),
                },
            },
            VendorProbeNote={
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string", "maxLength": 5}},
            },
        ),
        """
        from palomma_client._generated.models import VendorProbeNote
        def seen():
            request = fake.requests[-1]
            return [request.status, request.body.decode() or None, request.headers.get("content-type")]
        found = []
        for operation, kwargs in (
            ("replaceVendorProbeNote", {"body": None}),
            ("replaceVendorProbeNote", {"body": VendorProbeNote(text="hi")}),
            ("patchVendorProbeNote", {}),
            ("patchVendorProbeNote", {"body": None}),
            ("patchVendorProbeNote", {"body": {}}),
            ("patchVendorProbeNote", {"body": {"pinned": True}}),
        ):
            await call(client, operation, "n1", **kwargs)
            found.append(seen())
        sent = len(fake.requests)
        for operation, body in (
            ("replaceVendorProbeNote", {"text": "too long"}),
            ("replaceVendorProbeNote", {}),
            ("patchVendorProbeNote", {"pinned": "yes"}),
        ):
            try:
                await call(client, operation, "n1", body=body)
                found.append(None)
            except InvalidParameterError as error:
                found.append(error.parameter)
        found.append(len(fake.requests) - sent)
        for operation in ("replaceVendorProbeNote", "patchVendorProbeNote"):
            resource, attribute = METHODS[operation]
            method = getattr(getattr(client, resource), attribute)
            found.append(repr(inspect.signature(method).parameters["body"].default))
        # Inline nullable objects keep the names they have when not nullable.
        import palomma_client._generated.models as models
        found.append(sorted(name for name in dir(models) if "VendorProbeNote" in name))
        resource, attribute = METHODS["getVendorProbeNote"]
        found.append(str(inspect.signature(getattr(getattr(client, resource), attribute)).return_annotation))
        return found
        """,
        [
            [200, "null", "application/json"],
            [200, '{"text":"hi"}', "application/json"],
            [200, None, None],
            [200, "null", "application/json"],
            [200, "{}", "application/json"],
            [200, '{"pinned":true}', "application/json"],
            "body.text",
            "body.text",
            "body.pinned",
            0,
            "<class 'inspect._empty'>",
            "NOT_GIVEN",
            [
                "GetVendorProbeNoteResponse200",
                "PatchVendorProbeNoteBody",
                "PatchVendorProbeNoteResponse200",
                "ReplaceVendorProbeNoteResponse200",
                "VendorProbeNote",
            ],
            "GetVendorProbeNoteResponse200 | None",
        ],
    ),
    VendorChange(
        "map-in-a-union",
        "a map as a member of a oneOf / anyOf of objects: a model whose additional_properties are the typed map",
        _path(
            "/quotas/{thingId}",
            {"parameters": [ID], **_read_and_replace("VendorProbeQuotaHolder")},
            VendorProbeQuotaHolder={
                "type": "object",
                "required": ["quota"],
                "properties": {
                    "quota": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/VendorProbeQuotaFlat"},
                            {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
                        ]
                    },
                },
            },
            VendorProbeQuotaFlat={
                "type": "object",
                "required": ["flat"],
                "properties": {"flat": {"type": "boolean"}},
                "additionalProperties": False,
            },
        ),
        """
        from palomma_client._generated.models import VendorProbeQuotaHolder
        found = []
        for document in ({"quota": {"flat": True}}, {"quota": {"a": 1, "b": 2}}):
            parsed = VendorProbeQuotaHolder.from_dict(document)
            found.append([type(parsed.quota).__name__, parsed.to_dict() == document])
        found.append(VendorProbeQuotaHolder.from_dict({"quota": {"a": 1}}).quota["a"])
        for document in ({"quota": {"a": "x"}}, {"quota": 5}):
            try:
                VendorProbeQuotaHolder.from_dict(document)
                found.append(None)
            except ValueError as error:
                found.append([type(error).__name__, error.path])
        await call(client, "replaceVendorProbeQuotaHolder", "q1", quota={"a": 3})
        found.append(json.loads(fake.requests[-1].body))
        try:
            await call(client, "replaceVendorProbeQuotaHolder", "q1", quota={"a": -1})
            found.append(None)
        except InvalidParameterError as error:
            found.append(error.parameter)
        found.append(type((await call(client, "getVendorProbeQuotaHolder", "q1")).quota).__name__)
        quota = VendorProbeQuotaHolder.from_dict({"quota": {"a": 1}}).quota
        found.append(type(quota).__annotations__["additional_properties"])
        return found
        """,
        [
            ["VendorProbeQuotaFlat", True],
            ["VendorProbeQuotaHolderQuotaType1", True],
            1,
            ["ResponseSchemaError", "quota"],
            ["ResponseSchemaError", "quota"],
            {"quota": {"a": 3}},
            "quota",
            "VendorProbeQuotaFlat",
            "dict[str, int]",
        ],
    ),
    # --- credentials, cookie parameters, methods and form bodies --------------------------------------
    VendorChange(
        "basic-and-cookie-key-schemes",
        "HTTP basic, and an API key in a cookie, as an operation's security scheme",
        lambda spec: (
            spec["components"]["securitySchemes"].update(
                vendorProbeBasic={"type": "http", "scheme": "basic"},
                vendorProbeSession={"type": "apiKey", "in": "cookie", "name": "vendor_probe_sid"},
            ),
            _path("/basic-auth", _secured("getVendorProbeBasic", "vendorProbeBasic"))(spec),
            _path("/session-auth", _secured("getVendorProbeSession", "vendorProbeSession"))(spec),
        )[-1],
        """
        import base64
        from palomma_client import AuthenticationError
        await call(client, "getVendorProbeBasic")
        basic = fake.requests[-1]
        kind, _, token = basic.headers["authorization"].partition(" ")
        user, _, password = base64.b64decode(token).decode().partition(":")
        await call(client, "getVendorProbeSession")
        session = fake.requests[-1]
        cookie = session.headers.get("cookie")
        found = [basic.status, kind, user, password == fake.api_key, session.status,
                 cookie == "vendor_probe_sid=" + fake.api_key, "authorization" in session.headers]
        for options, operation in (({"username": "ana", "password": "pw_wrong_1"}, "getVendorProbeBasic"),
                                   ({"api_key": "sk_wrong_cookie_1"}, "getVendorProbeSession")):
            secret = list(options.values())[-1]
            encoded = base64.b64encode(f"ana:{secret}".encode()).decode()
            async with fake.client(**options) as wrong:
                try:
                    await call(wrong, operation)
                except AuthenticationError as error:
                    shown = repr(error) + str(error) + repr(error.request.headers) + repr(fake.requests[-1])
                    found += [error.status_code, secret not in shown and encoded not in shown]
        return found
        """,
        [200, "Basic", "palomma-fake", True, 200, True, False, 401, True, 401, True],
    ),
    VendorChange(
        "cookie-parameters",
        "cookie parameters: scalar, enum and array, beside an API key in a cookie",
        lambda spec: (
            spec["components"]["securitySchemes"].update(
                vendorProbeSession={"type": "apiKey", "in": "cookie", "name": "vendor_probe_sid"}
            ),
            _path(
                "/cookie-prefs",
                {
                    "get": {
                        **TAG,
                        "operationId": "getVendorProbePrefs",
                        "security": [{"vendorProbeSession": []}],
                        "parameters": [
                            {
                                "in": "cookie",
                                "name": "vendor_probe_lang",
                                "required": True,
                                "schema": {"type": "string", "enum": ["es", "en"]},
                            },
                            {
                                "in": "cookie",
                                "name": "vendorProbeSizes",
                                "schema": {"type": "array", "maxItems": 2, "items": {"type": "integer"}},
                            },
                            {"in": "cookie", "name": "vendor_probe_tag", "schema": {"type": "string", "maxLength": 8}},
                        ],
                        "responses": _json(OK),
                    }
                },
            )(spec),
        )[-1],
        """
        import httpx2
        from palomma_client.testing import FAKE_BASE_URL
        await call(client, "getVendorProbePrefs", vendor_probe_lang="en", vendor_probe_sizes=[3, 12],
                   vendor_probe_tag="a-b")
        sent = fake.requests[-1]
        key = fake.api_key
        found = [sent.status, sent.headers["cookie"].replace(key, "KEY")]
        await call(client, "getVendorProbePrefs", vendor_probe_lang="es")
        found.append(fake.requests[-1].headers["cookie"].replace(key, "KEY"))
        count = len(fake.requests)
        for bad in ({"vendor_probe_lang": "fr"}, {"vendor_probe_lang": "es", "vendor_probe_sizes": [1, 2, 3]},
                    {"vendor_probe_lang": "es", "vendor_probe_tag": "a;b=c"},
                    {"vendor_probe_lang": "es", "vendor_probe_tag": "123456789"}):
            try:
                await call(client, "getVendorProbePrefs", **bad)
            except InvalidParameterError as error:
                found.append(error.parameter)
        found.append(len(fake.requests) == count)
        path = fake.requests[-1].path.removeprefix(urllib.parse.urlsplit(FAKE_BASE_URL).path)
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as raw:
            for cookie in (f"vendor_probe_sid={key}; vendor_probe_lang=fr", f"vendor_probe_sid={key}",
                           f"vendor_probe_lang=es; vendorProbeSizes=1,x; vendor_probe_sid={key}",
                           "vendor_probe_lang=es"):
                answer = await raw.get(path, headers={"Cookie": cookie})
                found.append(answer.status_code)
        return found
        """,
        [
            200,
            "vendor_probe_sid=KEY; vendor_probe_lang=en; vendorProbeSizes=3,12; vendor_probe_tag=a-b",
            "vendor_probe_sid=KEY; vendor_probe_lang=es",
            "vendor_probe_lang",
            "vendor_probe_sizes",
            "vendor_probe_tag",
            "vendor_probe_tag",
            True,
            400,
            400,
            400,
            401,
        ],
    ),
    VendorChange(
        "form-urlencoded-body",
        "an application/x-www-form-urlencoded request body of scalars and arrays",
        _path(
            "/form",
            {
                "post": {
                    **TAG,
                    "operationId": "submitVendorProbeForm",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name", "amount"],
                                    "properties": {
                                        "name": {"type": "string", "maxLength": 10},
                                        "amount": {"type": "integer", "minimum": 1},
                                        "active": {"type": "boolean"},
                                        "tags": {
                                            "type": "array",
                                            "maxItems": 2,
                                            "items": {"type": "string", "enum": ["a", "b", "c"]},
                                        },
                                        "since": {"type": "string", "format": "date"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": _json(OK),
                }
            },
        ),
        """
        import httpx2
        from palomma_client.testing import FAKE_BASE_URL
        await call(client, "submitVendorProbeForm", name="Ana María", amount=5, active=True, tags=["a", "b"],
                   since=datetime.date(2026, 1, 2))
        sent = fake.requests[-1]
        body = lambda record: record.body if isinstance(record.body, str) else record.body.decode()
        found = [sent.status, sent.headers["content-type"], body(sent)]
        await call(client, "submitVendorProbeForm", name="b", amount=1)
        found.append(body(fake.requests[-1]))
        count = len(fake.requests)
        for bad in ({"name": "x" * 11, "amount": 1}, {"name": "x", "amount": 0}, {"name": "x", "amount": 1,
                    "tags": ["a", "b", "c"]}, {"name": "x", "amount": 1, "tags": ["z"]}):
            try:
                await call(client, "submitVendorProbeForm", **bad)
            except InvalidParameterError as error:
                found.append(error.parameter)
        found.append(len(fake.requests) == count)
        path = fake.requests[-1].path.removeprefix(urllib.parse.urlsplit(FAKE_BASE_URL).path)
        headers = {"Authorization": "Bearer " + fake.api_key, "Content-Type": "application/x-www-form-urlencoded"}
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as raw:
            for form in ("name=x&amount=abc", "amount=1", "name=x&amount=1&tags=z", "name=x&amount=1&tags=a&tags=c"):
                answer = await raw.post(path, headers=headers, content=form)
                found.append(answer.status_code)
        return found
        """,
        [
            200,
            "application/x-www-form-urlencoded",
            "name=Ana+Mar%C3%ADa&amount=5&active=true&tags=a&tags=b&since=2026-01-02",
            "name=b&amount=1",
            "name",
            "amount",
            "tags",
            "tags[0]",
            True,
            400,
            400,
            400,
            200,
        ],
    ),
    VendorChange(
        "head-and-options",
        "HEAD and OPTIONS operations",
        _path(
            "/files/{fileId}",
            {
                "parameters": [{"in": "path", "name": "fileId", "required": True, "schema": {"type": "string"}}],
                "head": {
                    **TAG,
                    "operationId": "checkVendorProbeFile",
                    "responses": {
                        **_json(
                            OK,
                            headers={
                                "X-Vendor-Probe-Size": {"schema": {"type": "integer"}, "example": 42},
                            },
                        ),
                        "404": {"description": "No such file"},
                    },
                },
                "options": {
                    **TAG,
                    "operationId": "describeVendorProbeFile",
                    "responses": {
                        "204": {
                            "description": "What the file allows",
                            "headers": {"Allow": {"schema": {"type": "string"}, "example": "HEAD, OPTIONS"}},
                        }
                    },
                },
            },
        ),
        """
        checked = await call(client, "checkVendorProbeFile", "f 1")
        head = fake.requests[-1]
        resource, attribute = METHODS["checkVendorProbeFile"]
        raw = await getattr(getattr(client, resource).with_raw_response, attribute)("f 1")
        described = await call(client, "describeVendorProbeFile", "f 1")
        options = fake.requests[-1]
        resource, attribute = METHODS["describeVendorProbeFile"]
        raw_options = await getattr(getattr(client, resource).with_raw_response, attribute)("f 1")
        hints = typing.get_type_hints(getattr(getattr(client, resource), attribute))
        return [checked, head.method, head.status, head.path.endswith("/files/f 1"), raw.status_code,
                raw.headers.get("x-vendor-probe-size"), raw.content == b"", described, options.method, options.status,
                raw_options.headers.get("allow"), hints["return"] is type(None)]
        """,
        [None, "HEAD", 200, True, 200, "42", True, None, "OPTIONS", 204, "HEAD, OPTIONS", True],
    ),
    VendorChange(
        "object-path-and-header-parameters",
        "object path and header parameters, in the simple style, exploded or not",
        _path(
            "/regions/{where}",
            {
                "get": {
                    **TAG,
                    "operationId": "getVendorProbeRegion",
                    "parameters": [
                        {
                            "in": "path",
                            "name": "where",
                            "required": True,
                            "schema": {
                                "type": "object",
                                "required": ["country"],
                                "properties": {
                                    "country": {"type": "string", "enum": ["co", "mx"]},
                                    "city": {"type": "string", "maxLength": 10},
                                },
                            },
                        },
                        {
                            "in": "header",
                            "name": "X-Vendor-Probe-Filter",
                            "explode": True,
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "min": {"type": "integer", "minimum": 0},
                                    "active": {"type": "boolean"},
                                },
                            },
                        },
                    ],
                    "responses": _json(OK),
                }
            },
        ),
        """
        import httpx2
        from palomma_client.testing import FAKE_BASE_URL
        await call(client, "getVendorProbeRegion", {"country": "co", "city": "Bogota"},
                   x_vendor_probe_filter={"min": 3, "active": True})
        sent = fake.requests[-1]
        found = [sent.status, sent.path.rsplit("/", 1)[-1], sent.headers["x-vendor-probe-filter"]]
        await call(client, "getVendorProbeRegion", {"country": "mx"})
        found += [fake.requests[-1].status, fake.requests[-1].path.rsplit("/", 1)[-1]]
        count = len(fake.requests)
        for where, header in (({"country": "fr"}, None), ({"country": "co", "city": "a,b"}, None),
                              ({"city": "x"}, None), ({"country": "co"}, {"min": -1})):
            try:
                await call(client, "getVendorProbeRegion", where, x_vendor_probe_filter=header)
            except InvalidParameterError as error:
                found.append(error.parameter)
        found.append(len(fake.requests) == count)
        base = urllib.parse.urlsplit(FAKE_BASE_URL).path
        prefix = fake.requests[-1].path.removeprefix(base).rsplit("/", 1)[0]
        headers = {"Authorization": "Bearer " + fake.api_key}
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as raw:
            for segment, header in (("country,co,city", None), ("country,fr", None), ("country,co", "min=x"),
                                    ("country,co", "min,1"), ("country,co", "min=1,active=false")):
                extra = {} if header is None else {"X-Vendor-Probe-Filter": header}
                answer = await raw.get(f"{prefix}/{segment}", headers={**headers, **extra})
                found.append(answer.status_code)
        return found
        """,
        [
            200,
            "country,co,city,Bogota",
            "min=3,active=true",
            200,
            "country,mx",
            "where.country",
            "where.city",
            "where.country",
            "x_vendor_probe_filter.min",
            True,
            400,
            400,
            400,
            400,
            200,
        ],
    ),
    VendorChange(
        "multipart-body-with-a-file",
        "a multipart/form-data request body with a `format: binary` file field",
        _path(
            "/uploads",
            {
                "post": {
                    **TAG,
                    "operationId": "uploadVendorProbeScan",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["kind", "scan"],
                                    "properties": {
                                        "kind": {"type": "string", "enum": ["lease", "id"]},
                                        "scan": {"type": "string", "format": "binary"},
                                        "note": {"type": "string", "maxLength": 20},
                                        "pages": {"type": "integer", "minimum": 1},
                                    },
                                }
                            }
                        },
                    },
                    "responses": _json(OK),
                }
            },
        ),
        """
        import email, email.policy, io
        import httpx2
        from palomma_client.testing import FAKE_BASE_URL
        def parts(record):
            body = record.body if isinstance(record.body, bytes) else record.body.encode("latin-1")
            head = b"Content-Type: " + record.headers["content-type"].encode() + b"\\r\\n\\r\\n"
            message = email.message_from_bytes(head + body, policy=email.policy.HTTP)
            return {part.get_param("name", header="content-disposition"):
                    [part.get_filename(), part.get_payload(decode=True).decode("latin-1")]
                    for part in message.iter_parts()}
        await call(client, "uploadVendorProbeScan", kind="lease", scan=b"%PDF-1\\x00\\xff", note="Contrato",
                   pages=2)
        sent = fake.requests[-1]
        found = [sent.status, sent.headers["content-type"].startswith("multipart/form-data; boundary="), parts(sent)]
        await call(client, "uploadVendorProbeScan", kind="id", scan=io.BytesIO(b"abc"))
        found += [fake.requests[-1].status, parts(fake.requests[-1])]
        count = len(fake.requests)
        for bad in ({"kind": "lease", "scan": "text"}, {"kind": "lease", "scan": io.StringIO("x")},
                    {"kind": "x", "scan": b""}, {"kind": "id", "scan": b"", "note": "x" * 21}):
            try:
                await call(client, "uploadVendorProbeScan", **bad)
            except InvalidParameterError as error:
                found.append(error.parameter)
        found.append(len(fake.requests) == count)
        path = fake.requests[-1].path.removeprefix(urllib.parse.urlsplit(FAKE_BASE_URL).path)
        headers = {"Authorization": "Bearer " + fake.api_key}
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as raw:
            for data, files in (({"kind": "id"}, None), ({"kind": "x"}, {"scan": b"a"}),
                                ({"kind": "id"}, {"scan": b"a"})):
                answer = await raw.post(path, headers=headers, data=data, files=files)
                found.append(answer.status_code)
            answer = await raw.post(path, headers={**headers, "Content-Type": "multipart/form-data"}, content=b"x")
            found.append(answer.status_code)
        return found
        """,
        [
            200,
            True,
            {
                "kind": [None, "lease"],
                "scan": ["scan", "%PDF-1\x00\xff"],
                "note": [None, "Contrato"],
                "pages": [None, "2"],
            },
            200,
            {"kind": [None, "id"], "scan": ["scan", "abc"]},
            "scan",
            "scan",
            "kind",
            "note",
            True,
            400,
            400,
            200,
            400,
        ],
    ),
    VendorChange(
        "arrays-of-nullable-objects",
        "an array of nullable inline objects (both spellings) in an answer and a request body, named as when not null",
        _path(
            "/crates",
            _read_and_replace("VendorProbeCrate"),
            VendorProbeCrate={
                "type": "object",
                "required": ["slots"],
                "properties": {
                    "slots": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "nullable": True,
                            "required": ["label"],
                            "properties": {"label": {"type": "string", "minLength": 2}},
                        },
                    },
                },
            },
        ),
        """
        import palomma_client.types
        from palomma_client.types import VendorProbeCrate, VendorProbeCrateSlotsItem
        crate = VendorProbeCrate.from_dict({"slots": [None, {"label": "ab"}]})
        read = [None if slot is None else type(slot).__name__ for slot in crate.slots]
        slots = [None, VendorProbeCrateSlotsItem(label="cd"), {"label": "ef"}]
        await call(client, "replaceVendorProbeCrate", slots=slots)
        sent = json.loads(fake.requests[-1].body)
        refused = []
        for bad in ([None, {"label": "a"}], [None, 5]):
            try:
                await call(client, "replaceVendorProbeCrate", slots=bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        models = sorted(name for name in palomma_client.types.__all__ if name.startswith("VendorProbeCrate"))
        return [read, crate.to_dict(), sent, refused, models, len(fake.requests)]
        """,
        [
            [None, "VendorProbeCrateSlotsItem"],
            {"slots": [None, {"label": "ab"}]},
            {"slots": [None, {"label": "cd"}, {"label": "ef"}]},
            ["slots[1].label", "slots[1]"],
            ["VendorProbeCrate", "VendorProbeCrateSlotsItem"],
            1,
        ],
    ),
    VendorChange(
        "reusable-components-and-recursive-schemas",
        "parameters, request bodies and responses by `$ref` to `components`; a schema that holds itself; an "
        "integer enum; `format: uuid`; `multipleOf`; `additionalProperties: false`; `4XX` and `default` answers",
        _add_reusable_components,
        """
        from palomma_client._generated.api import OPERATIONS
        from palomma_client._generated.errors import ResponseSchemaError
        from palomma_client.types import VendorProbeNode, VendorProbeNodeKind
        node_id = "0b6b8a3e-8f5b-4c3e-9a57-6f1f2c0d9e11"
        children = [{"name": "a", "children": [{"name": "b", "size": 2}]}, VendorProbeNode(name="c", size=0.5)]
        answer = await call(client, "replaceVendorProbeNode", node_id, kind=VendorProbeNodeKind.VALUE_2,
                            x_vendor_probe_trace=node_id, name="root", size=1.5, children=children, grid=[[1, 2], [3]])
        sent = fake.requests[-1]
        trace = sent.headers.get("x-vendor-probe-trace")
        request = [sent.path.rsplit("/", 1)[-1], sent.query, trace, json.loads(sent.body)]
        refused = []
        for bad in (dict(children=[{"name": "a", "children": [{"name": ""}]}]), dict(size=0.7),
                    dict(children=[{"name": "a", "sibling": {"size": 1}}]), dict(kind=4), dict(kind="2"),
                    dict(name="A"), dict(grid=[[1, 2, 3]]), dict(grid=[[0], [-1]])):
            try:
                await call(client, "replaceVendorProbeNode", node_id, **{"name": "root", **bad})
            except InvalidParameterError as error:
                refused.append(error.parameter)
        try:
            await call(client, "replaceVendorProbeNode", "not-a-uuid", name="root")
        except InvalidParameterError as error:
            refused.append(error.parameter)
        tree = VendorProbeNode.from_dict({"name": "r", "kind": 9, "grid": [[1], [2, 3]],
                                          "children": [{"name": "c", "sibling": {"name": "n"}}]})
        try:
            VendorProbeNode.from_dict({"name": "r", "children": [{"name": "c", "sibling": {"name": 5}}]})
        except ResponseSchemaError as error:
            broken = str(error)
        read = [tree.children[0].sibling.name, tree.kind.value, tree.kind.is_known, tree.to_dict()["children"]]
        read.append(tree.grid)
        shape = [type(answer).__name__, sorted(VendorProbeNode.JSON_SCHEMA["$defs"]), type(answer.name).__name__]
        kids = await call(client, "getVendorProbeNodeChildren", node_id)
        shape.append([type(kids).__name__, sorted({type(kid).__name__ for kid in kids})])
        try:
            OPERATIONS["getVendorProbeNodeChildren"].parse_response(200, [{"name": "a"}, {"name": 5}])
        except ResponseSchemaError as error:
            shape.append(str(error))
        return [request, refused, read, broken, shape, len(fake.requests)]
        """,
        [
            [
                "0b6b8a3e-8f5b-4c3e-9a57-6f1f2c0d9e11",
                "kind=2",
                "0b6b8a3e-8f5b-4c3e-9a57-6f1f2c0d9e11",
                {
                    "name": "root",
                    "size": 1.5,
                    "children": [{"name": "a", "children": [{"name": "b", "size": 2}]}, {"name": "c", "size": 0.5}],
                    "grid": [[1, 2], [3]],
                },
            ],
            [
                "children[0].children[0].name",
                "size",
                "children[0].sibling.name",
                "kind",
                "kind",
                "name",
                "grid[0]",
                "grid[1][0]",
                "node_id",
            ],
            ["n", 9, False, [{"name": "c", "sibling": {"name": "n"}}], [[1], [2, 3]]],
            "children[0].sibling.name: expected a string, got the integer 5",
            [
                "VendorProbeNode",
                ["VendorProbeNode"],
                "str",
                ["list", []],
                "[1].name: expected a string, got the integer 5",
            ],
            2,
        ],
    ),
]

CORPUS_SUPPORTED = [change for change in CORPUS if not change.refused]
CORPUS_REFUSED = [change for change in CORPUS if change.refused]
# The supported changes that also run alone (each alone costs a regeneration and a type check).
CORPUS_ALONE = [
    change for change in CORPUS_SUPPORTED if change.name in {"path-item-parameters", "put-patch-and-delete"}
]

CORPUS_PRELUDE = """
import asyncio, datetime, inspect, json, traceback, typing, urllib.parse, uuid, warnings
from palomma_client import InvalidParameterError, PalommaClient
from palomma_client._generated.api import METHODS
from palomma_client.testing import FakePalomma

def call(client, operation, /, *args, **kwargs):
    resource, attribute = METHODS[operation]
    return getattr(getattr(client, resource), attribute)(*args, **kwargs)
"""


# The corpus's edits are written in OpenAPI 3.0's spelling and converted for 3.1; once the vendor's own
# document is 3.1, a 3.0 copy of it cannot be made, and every change is tried in 3.1 alone.
VERSIONS = ("3.0", "3.1") if str(SPEC["openapi"]).startswith("3.0.") else ("3.1",)


def _corpus_edit(changes: list[VendorChange], version: str) -> SpecEdit:
    def edit(spec: dict[str, Any]) -> None:
        for change in changes:
            change.edit(spec)
        if version == "3.1":
            converted = as_openapi_31(spec)
            spec.clear()
            spec.update(converted)

    return edit


def _corpus_probe(project: Path, changes: list[VendorChange]) -> dict[str, Any]:
    """Run each change's probe against a fresh fake serving the regenerated spec; name -> result (or error)."""
    lines = [CORPUS_PRELUDE, "results = {}"]
    for index, change in enumerate(changes):
        lines += [
            f"async def probe_{index}(fake, client):",
            textwrap.indent(textwrap.dedent(change.probe).strip(), "    "),
            f"async def run_{index}():",
            "    fake = FakePalomma()",
            "    async with fake.client(max_retries=0) as client:",
            f"        return await probe_{index}(fake, client)",
            "try:",
            f"    results[{change.name!r}] = asyncio.run(run_{index}())",
            "except Exception:",
            f"    results[{change.name!r}] = {{'error': traceback.format_exc(limit=-3)}}",
        ]
    lines.append("print('RESULT ' + json.dumps(results))")
    return run_probe(project, "\n".join(lines))


def _corpus_run(tmp_path: Path, changes: list[VendorChange], version: str) -> dict[str, Any]:
    # The generator's own first step, in process: a change it refuses fails here as `make generate` would,
    # in milliseconds rather than a regeneration's seconds.
    spec = copy.deepcopy(SPEC)
    _corpus_edit(changes, version)(spec)
    refusals = unsupported(OpenAPI(spec))
    assert not refusals, "make generate refuses: " + "; ".join(refusal.message("openapi.yaml") for refusal in refusals)
    project = _regenerate(tmp_path, _corpus_edit(changes, version))
    # The type check and the probes read the copy and write nothing the other reads: they run at once.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        typed = pool.submit(mypy_strict, project, "palomma_client/_generated")
        results = _corpus_probe(project, changes)
        completed = typed.result()
    assert completed.returncode == 0, "mypy --strict: " + completed.stdout + completed.stderr
    return results


def _is_probe_name(name: str) -> bool:
    """Whether a name is under the corpus's prefix in any spelling: `/vendor-probe/...`, `VendorProbe...`."""
    return "vendorprobe" in re.sub(r"[^a-z0-9]", "", name.lower())


def _names(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Everything of a spec a vendor change names, by kind: the name and what it names.

    Paths, operationIds, tags (declared or used), servers by URL and by the environment they
    make, security schemes and every other section of `components`.
    """
    operations = [
        operation
        for item in spec["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS and isinstance(operation, dict)
    ]
    servers = spec.get("servers", [])
    views, _ = environments(OpenAPI(spec))
    names: dict[str, dict[str, Any]] = {
        "path": dict(spec["paths"]),
        "operationId": {operation["operationId"]: operation for operation in operations if "operationId" in operation},
        "tag": {tag["name"]: tag for tag in spec.get("tags", [])}
        | {tag: tag for operation in operations for tag in operation.get("tags", [])},
        "server": {server["url"]: server for server in servers},
        "environment": {view.name: view.url for view in views},
    }
    for section, entries in spec.get("components", {}).items():
        names[f"components.{section}"] = dict(entries)
    return names


def test_the_corpus_covers_the_matrix_with_fresh_names() -> None:
    assert len(CORPUS) >= 15
    assert len({change.name for change in CORPUS}) == len(CORPUS)
    vendor = _names(SPEC)
    # The vendor's spec names nothing under the prefix, of any kind...
    assert {kind: [name for name in named if _is_probe_name(name)] for kind, named in vendor.items()} == {
        kind: [] for kind in vendor
    }
    for change in CORPUS:
        spec = copy.deepcopy(SPEC)
        change.edit(spec)
        changed = _names(spec)
        # ...and each change names all it adds under the prefix, and leaves what the vendor named as it was.
        added = {kind: sorted(set(named) - set(vendor.get(kind, {}))) for kind, named in changed.items()}
        assert {kind: [name for name in names if not _is_probe_name(name)] for kind, names in added.items()} == {
            kind: [] for kind in added
        }, change.name
        assert {kind: {name: changed.get(kind, {}).get(name) for name in named} for kind, named in vendor.items()} == (
            vendor
        ), change.name
        # A server named as one of the vendor's environments would be refused, not added: name each new one alone.
        servers = [server for server in spec.get("servers", []) if server["url"] not in vendor["server"]]
        if servers:
            alone, _ = environments(OpenAPI({**spec, "servers": servers}))
            assert [view.name for view in alone if not _is_probe_name(view.name)] == [], change.name


@pytest.fixture(scope="module", params=VERSIONS, ids=[f"openapi-{version}" for version in VERSIONS])
def together(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """Every supported change at once, regenerated, type-checked and probed: (version, results by name)."""
    return request.param, _corpus_run(tmp_path_factory.mktemp("corpus"), CORPUS_SUPPORTED, request.param)


@pytest.mark.slow
@pytest.mark.parametrize("change", CORPUS_SUPPORTED, ids=lambda change: change.name)
def test_supported_changes_together(together: tuple[str, dict[str, Any]], change: VendorChange) -> None:
    _, results = together
    assert results[change.name] == change.expected, results[change.name]


def _alone_cases() -> list[Any]:
    """Each refused change alone in both versions; the few supported ones alone in one version each, in turn."""
    cases = []
    for index, change in enumerate(CORPUS_ALONE):
        version = VERSIONS[index % len(VERSIONS)]
        cases.append(pytest.param(change, version, id=f"{change.name}-openapi-{version}"))
    for version in VERSIONS:
        for change in CORPUS_REFUSED:
            mark = pytest.mark.xfail(strict=True, raises=AssertionError, reason=change.refused)
            cases.append(pytest.param(change, version, marks=[mark], id=f"{change.name}-openapi-{version}"))
    return cases


@pytest.mark.slow
@pytest.mark.parametrize(("change", "version"), _alone_cases())
def test_each_change_alone(tmp_path: Path, change: VendorChange, version: str) -> None:
    results = _corpus_run(tmp_path, [change], version)
    assert results[change.name] == change.expected, results[change.name]
