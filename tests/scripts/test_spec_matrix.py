"""The supported-constructs matrix (docs/spec-support.md), row by row, through `make generate`.

One regeneration per OpenAPI version adds every row below to a copy of the project; the copy's
package is then type-checked under mypy strict (with the project's mypy cache copied, so only the
changed modules are checked again) and driven over ``httpx2.MockTransport``: each new method must
build the right request, check its arguments before sending, and parse the answer into its type.

Every name added here is one the vendor's spec does not use (`matrixProbe...`), so these tests
hold whatever the vendor changes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.support import copy_project, mypy_strict, run_generate, run_probe

TAG = "Matrix Probes"  # the resource `matrix_probes`
ITEM = "/matrix-probes/{probeId}"  # a camelCase path parameter, declared on the path item
COLLECTION = "/matrix-probes"
PROBE = "MatrixProbe"
PROBE_INPUT = "MatrixProbeInput"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": _ref(name)}}}


def _add_rows(spec: dict[str, Any]) -> None:
    """Add one of each supported construct, in the document's own OpenAPI version."""
    nullable_text: dict[str, Any] = (
        {"type": ["string", "null"]} if spec["openapi"].startswith("3.1") else {"type": "string", "nullable": True}
    )
    # An exclusive bound in each version's spelling: 3.0's flag, 3.1's number.
    positive: dict[str, Any] = (
        {"type": "number", "exclusiveMinimum": 0}
        if spec["openapi"].startswith("3.1")
        else {"type": "number", "minimum": 0, "exclusiveMinimum": True}
    )
    # A nullable object reference: 3.1's `oneOf` with a `null` member, 3.0's `allOf` of one `$ref` with `nullable`.
    nullable_owner: dict[str, Any] = (
        {"oneOf": [_ref(f"{PROBE}Owner"), {"type": "null"}]}
        if spec["openapi"].startswith("3.1")
        else {"allOf": [_ref(f"{PROBE}Owner")], "nullable": True}
    )
    spec["paths"][ITEM] = {
        "parameters": [
            {"name": "probeId", "in": "path", "required": True, "schema": {"type": "string", "minLength": 3}},
            {"name": "includeArchived", "in": "query", "schema": {"type": "boolean"}},
        ],
        "get": {
            "operationId": "getMatrixProbe",
            "tags": [TAG],
            "summary": "Get a probe",
            "parameters": [
                {"name": "since", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
                {"name": "updatedAfter", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["person", "company"]}},
                {"name": "pageSize", "in": "query", "schema": {"type": "integer", "maximum": 50, "default": 10}},
                {"name": "score", "in": "query", "schema": positive},
                {"name": "X-Probe-Trace", "in": "header", "schema": {"type": "string", "maxLength": 8}},
                # Arrays in a query: repeated by default (explode), comma-separated with `explode: false`.
                {"name": "labels", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                {
                    "name": "years",
                    "in": "query",
                    "explode": False,
                    "schema": {"type": "array", "maxItems": 2, "items": {"type": "integer", "minimum": 2000}},
                },
                # OpenAPI says to ignore a header parameter named Accept: the client sets it.
                {"name": "Accept", "in": "header", "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "ok", **_json(PROBE)}, "404": {"description": "no such probe"}},
        },
        "put": {
            "operationId": "replaceMatrixProbe",
            "tags": [TAG],
            "deprecated": True,
            "requestBody": {"required": True, **_json(PROBE_INPUT)},
            "responses": {"200": {"description": "ok", **_json(PROBE)}},
        },
        "patch": {
            "operationId": "updateMatrixProbe",
            "tags": [TAG],
            "parameters": [
                {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string"}},
            ],
            "requestBody": {"required": True, **_json(PROBE_INPUT)},
            "responses": {"202": {"description": "accepted", "headers": {"Location": {"schema": {"type": "string"}}}}},
        },
        "delete": {"tags": [TAG], "responses": {"204": {"description": "gone"}}},  # no operationId
    }
    probe_id = {"name": "probeId", "in": "path", "required": True, "schema": {"type": "string"}}
    spec["paths"][f"{ITEM}/export"] = {  # a text answer: `str`
        "parameters": [probe_id],
        "get": {
            "operationId": "exportMatrixProbe",
            "tags": [TAG],
            "responses": {"200": {"description": "csv", "content": {"text/csv": {"schema": {"type": "string"}}}}},
        },
    }
    spec["paths"][f"{ITEM}/receipt"] = {  # any other media type: `bytes`
        "parameters": [probe_id],
        "get": {
            "operationId": "getMatrixProbeReceipt",
            "tags": [TAG],
            "responses": {
                "200": {
                    "description": "pdf",
                    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                }
            },
        },
    }
    spec["paths"][f"{ITEM}/pet"] = {  # a union as the whole answer
        "parameters": [probe_id],
        "get": {
            "operationId": "getMatrixProbePet",
            "tags": [TAG],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {
                            "schema": {
                                "anyOf": [_ref(f"{PROBE}Cat"), _ref(f"{PROBE}Dog")],
                                "discriminator": {"propertyName": "kind"},
                            }
                        }
                    },
                }
            },
        },
    }
    spec["paths"][f"{ITEM}/notes"] = {  # allOf: a body and an answer composed of schemas
        "parameters": [probe_id],
        "post": {
            "operationId": "addMatrixProbeNote",
            "tags": [TAG],
            "requestBody": {"required": True, **_json(f"{PROBE}Note")},
            "responses": {"201": {"description": "added", **_json(f"{PROBE}Note")}},
        },
    }
    spec["paths"][COLLECTION] = {
        "post": {
            "tags": [TAG],  # no operationId
            "requestBody": {"required": True, **_json(PROBE_INPUT)},
            "responses": {"201": {"description": "created", **_json(PROBE)}},
        }
    }
    spec["paths"]["/matrix-probe-health"] = {
        "get": {  # no tags: the default resource; public: sent without the API key
            "operationId": "matrixProbeHealth",
            "security": [],
            "responses": {"200": {"description": "ok", **_json(f"{PROBE}Health")}},
        }
    }
    # An API key in a header of its own, for one operation.
    spec["components"]["securitySchemes"]["matrixProbeKey"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-Matrix-Probe-Key",
    }
    spec["paths"]["/matrix-probe-keyed"] = {
        "get": {
            "operationId": "matrixProbeKeyed",
            "security": [{"matrixProbeKey": []}],
            "responses": {"200": {"description": "ok", **_json(f"{PROBE}Health")}},
        }
    }
    # Servers are environments: named by their description, or by x-palomma-environment.
    spec["servers"] += [
        {"url": "https://staging.matrix-probe.example/v1", "description": "Matrix probe staging server"},
        {"url": "https://qa.matrix-probe.example/v1/", "description": "For QA", "x-palomma-environment": "matrix-qa"},
    ]
    schemas = spec["components"]["schemas"]
    schemas[PROBE] = {
        "type": "object",
        "required": ["probeId", "name", "paidAt"],
        "properties": {
            "probeId": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["person", "company"]},
            "bornOn": {"type": "string", "format": "date"},
            "seenAt": {"type": "string", "format": "date-time"},
            "note": nullable_text,
            "paidAt": {**nullable_text, "format": "date-time"},  # required and nullable, in each spelling
            "dueOn": {**nullable_text, "format": "date"},
            "labels": {"type": "array", "items": {"type": "string"}},
            "address": {"type": "object", "properties": {"city": {"type": "string"}}},  # an inline nested model
            "owner": _ref(f"{PROBE}Owner"),  # a referenced nested model
            "guardian": nullable_owner,
            "scores": {"type": "object", "additionalProperties": {"type": "number"}},  # a map: dict[str, float]
            "code": {"oneOf": [{"type": "string"}, {"type": "integer"}]},  # a union of scalars: str | int
            # Unions of models: by discriminator (a mapped value, and a member left to its schema's name)...
            "pet": {
                "oneOf": [_ref(f"{PROBE}Cat"), _ref(f"{PROBE}Dog")],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": f"#/components/schemas/{PROBE}Cat"}},
            },
            # ... and without one: the first member that parses.
            "companion": {"anyOf": [_ref(f"{PROBE}Cat"), _ref(f"{PROBE}Dog")]},
        },
    }
    schemas[f"{PROBE}Cat"] = {
        "type": "object",
        "required": ["kind", "lives"],
        "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}},
    }
    schemas[f"{PROBE}Dog"] = {
        "type": "object",
        "required": ["kind", "bark"],
        "properties": {"kind": {"type": "string"}, "bark": {"type": "string"}},
    }
    schemas[f"{PROBE}Owner"] = {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}, "since": {"type": "string", "format": "date"}},
    }
    schemas[PROBE_INPUT] = {
        "type": "object",
        "required": ["name", "probeId"],
        "properties": {
            "probeId": {"type": "string", "readOnly": True},  # the API sets it: never an argument
            "name": {"type": "string", "maxLength": 12},
            "kind": {"type": "string", "enum": ["person", "company"], "default": "person"},
            "credit": {"type": "number", "minimum": 0},
            "bornOn": {"type": "string", "format": "date"},
            # Arrays in a body: their length rules and each item's own are checked before sending.
            "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 5}},
            "lines": {"type": "array", "minItems": 1, "items": _ref(f"{PROBE}Line")},
            # Nested objects (inline and referenced) and a nullable field: checked as the JSON sent.
            "address": {
                "type": "object",
                "required": ["city"],
                "properties": {"city": {"type": "string", "maxLength": 8}},
            },
            "owner": _ref(f"{PROBE}Owner"),
            "guardian": nullable_owner,
            "memo": nullable_text,
            "endsOn": {**nullable_text, "format": "date"},  # checked as a date is, and None sent as null
            "scores": {"type": "object", "additionalProperties": {"type": "number", "maximum": 10}},
            # A union of scalars, in each version's spelling: checked by the member it matches.
            "code": (
                {"type": ["string", "integer"], "maxLength": 3, "maximum": 99}
                if spec["openapi"].startswith("3.1")
                else {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer", "maximum": 99}]}
            ),
            # A union of objects: checked against the member its discriminator names.
            "pet": {
                "oneOf": [_ref(f"{PROBE}Cat"), _ref(f"{PROBE}Dog")],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": f"#/components/schemas/{PROBE}Cat"}},
            },
        },
    }
    schemas[f"{PROBE}Line"] = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer"}}}
    schemas[f"{PROBE}Named"] = {"type": "object", "properties": {"title": {"type": "string", "maxLength": 12}}}
    schemas[f"{PROBE}Note"] = {
        "allOf": [
            _ref(f"{PROBE}Named"),
            {
                "type": "object",
                "required": ["text"],
                "properties": {
                    "text": {"type": "string", "minLength": 2},
                    "pin": {"type": "string", "writeOnly": True, "minLength": 4},  # sent, never read back
                },
            },
        ]
    }
    schemas[f"{PROBE}Health"] = {"type": "object", "properties": {"ok": {"type": "boolean"}}}


def _regenerate(tmp_path: Path, version: str) -> Path:
    def edit(spec: dict[str, Any]) -> None:
        spec["openapi"] = version
        _add_rows(spec)

    project = copy_project(tmp_path, edit)
    completed = run_generate(project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return project


PROBE_CODE = """
import asyncio, datetime, inspect, json, typing, warnings
import httpx2
from palomma_client import InvalidParameterError, PalommaClient

sent = []
PROBE = {"probeId": "prb_1", "name": "Ana", "kind": "company", "bornOn": "1990-02-03",
         "seenAt": "2026-03-11T16:32:14+00:00", "note": None, "labels": ["a", "b"],
         "address": {"city": "Cali"}, "owner": {"name": "Bo", "since": "2020-01-02"},
         "paidAt": "2026-03-12T09:00:00+00:00", "dueOn": None,
         "pet": {"kind": "MatrixProbeDog", "bark": "woof"}, "companion": {"kind": "tabby", "lives": 7},
         "scores": {"math": 9.5, "art": 7}, "code": 42}

def answer(request):
    sent.append(request)
    if request.method == "PATCH":
        return httpx2.Response(202, headers={"Location": "/matrix-probes/prb_1/jobs/9"})
    if request.method == "DELETE":
        return httpx2.Response(204)
    if request.url.path.endswith("/export"):
        return httpx2.Response(200, headers={"Content-Type": "text/csv; charset=latin-1"},
                               content="id,city\\nprb_1,Bogotá\\n".encode("latin-1"))
    if request.url.path.endswith("/receipt"):
        return httpx2.Response(200, headers={"Content-Type": "application/pdf"}, content=b"%PDF-1.4\\x00\\xff")
    if request.url.path.endswith(("health", "keyed")):
        return httpx2.Response(200, json={"ok": True})
    if request.url.path.endswith("/pet"):
        return httpx2.Response(200, json={"kind": "MatrixProbeDog", "bark": "woof"})
    if request.url.path.endswith("/notes"):
        return httpx2.Response(201, json=json.loads(request.content))
    return httpx2.Response(201 if request.method == "POST" else 200, json=PROBE)

def seen(request):
    # The path below the server's base path, which the vendor's servers decide.
    path = request.url.path
    path = path[path.index("/matrix-probe"):]
    return {"method": request.method, "path": path, "query": dict(request.url.params),
            "body": json.loads(request.content) if request.content else None,
            "auth": request.headers.get("authorization", "")[:7]}

async def main():
    result = {}
    async with PalommaClient("sk_test_matrix", environment="sandbox", transport=httpx2.MockTransport(answer),
                             max_retries=0) as client:
        probes = client.matrix_probes
        got = await probes.get("prb_1", since=datetime.date(2026, 3, 1),
                               updated_after=datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.timezone.utc),
                               kind="person", page_size=20, score=1.5, include_archived=True,
                               x_probe_trace="t-1", labels=["a", "b c"], years=(2025, 2026))
        result["get_arrays"] = [sent[-1].url.params.get_list("labels"), sent[-1].url.params.get_list("years")]
        result["get"] = seen(sent[-1])
        result["get_trace"] = sent[-1].headers.get("x-probe-trace")
        result["get_accepts"] = "accept" in inspect.signature(probes.get).parameters
        result["got"] = [type(got).__name__, got.probe_id, got.kind.value, got.born_on.isoformat(),
                         got.seen_at.isoformat(), got.note, got.labels]
        result["nullable_dates"] = [got.paid_at.isoformat(), got.due_on]
        unpaid = type(got).from_dict({**PROBE, "paidAt": None, "dueOn": "2026-04-01"})
        result["nullable_dates"] += [unpaid.paid_at, unpaid.due_on.isoformat()]
        result["unions"] = [type(got.pet).__name__, got.pet.bark, type(got.companion).__name__, got.companion.lives]
        cat = type(got).from_dict({**PROBE, "pet": {"kind": "cat", "lives": 9}}).pet
        result["unions"] += [type(cat).__name__, got.to_dict()["pet"]]
        from palomma_client._generated.errors import ResponseSchemaError
        for bad in ({"kind": "bird"}, {"kind": "cat", "bark": "x"}):
            try:
                type(got).from_dict({**PROBE, "pet": bad})
            except ResponseSchemaError as error:
                result["unions"].append(str(error))
        try:
            type(got).from_dict({**PROBE, "companion": {"kind": "fish"}})
        except ResponseSchemaError as error:
            result["unions"].append(error.path)
        result["map"] = [got.scores, got.to_dict()["scores"], type(got).__annotations__["scores"]]
        try:
            type(got).from_dict({**PROBE, "scores": {"math": "A"}})
        except ResponseSchemaError as error:
            result["map"].append(str(error))
        result["scalar_union"] = [got.code, type(got).__annotations__["code"]]
        try:
            type(got).from_dict({**PROBE, "code": 4.5})
        except ResponseSchemaError as error:
            result["scalar_union"].append(error.path)
        result["nested"] = [type(got.address).__name__, got.address.city, type(got.owner).__name__,
                            got.owner.name, got.owner.since.isoformat()]
        # The workflows read a model's field kinds from its annotations, nested model types included.
        from palomma_client.workflows._models import field_kinds
        result["kinds"] = field_kinds(type(got))
        held = type(got).from_dict({**PROBE, "guardian": {"name": "Cy"}})
        result["nullable_reference_answer"] = [type(got).__annotations__["guardian"], got.guardian,
                                               type(held.guardian).__name__, held.guardian.name]
        refused = []
        for bad in (dict(since="yesterday"), dict(since="2026-03-01", page_size=51),
                    dict(since="2026-03-01", kind="robot"), dict(since="2026-03-01", score=0),
                    dict(since="2026-03-01", x_probe_trace="123456789"),
                    dict(since="2026-03-01", x_probe_trace="a\\r\\nX-Evil: 1"),
                    dict(since="2026-03-01", labels="a"), dict(since="2026-03-01", years=[1999]),
                    dict(since="2026-03-01", years=[2001, 2002, 2003])):
            try:
                await probes.get("prb_1", **bad)
            except InvalidParameterError as error:
                refused.append(error.parameter)
        try:
            await probes.get("x", since="2026-03-01")
        except InvalidParameterError as error:
            refused.append(error.parameter)
        result["refused"] = refused
        result["sent_after_refusals"] = len(sent)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            replaced = await probes.replace("prb_1", name="Ana", kind="company", credit=10.5, born_on="1990-02-03")
            await probes.with_raw_response.replace("prb_1", name="Ana")
        result["put"] = seen(sent[-2])
        from palomma_client.types import MatrixProbeLine
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            await probes.replace("prb_1", name="Ana", tags=["a", "b"], lines=[MatrixProbeLine(amount=5)])
            result["arrays"] = seen(sent[-1])["body"]
            array_refusals = []
            from palomma_client.types import MatrixProbeOwner
            await probes.replace("prb_1", name="Ana", lines=[{"amount": 6}], address={"city": "Cali"},
                                 owner=MatrixProbeOwner(name="Bo", since=datetime.date(2020, 1, 2)), memo=None,
                                 scores={"math": 9.5}, pet={"kind": "MatrixProbeDog", "bark": "woof"},
                                 code=42)
            result["nested_body"] = seen(sent[-1])["body"]
            for bad in (dict(tags=["a", "b", "c"]), dict(tags=["toolong"]), dict(lines=[]),
                        dict(lines=[{"amount": "5"}]), dict(tags="ab"), dict(address={"city": "Barranquilla"}),
                        dict(address={}), dict(owner={"since": "2020-01-02"}), dict(memo=5),
                        dict(scores={"math": 11}), dict(pet={"kind": "cat", "bark": "x"}),
                        dict(pet={"kind": "bird"}), dict(code="abcd"), dict(code=100), dict(code=1.5)):
                try:
                    await probes.replace("prb_1", name="Ana", **bad)
                except InvalidParameterError as error:
                    array_refusals.append(error.parameter)
            result["array_refusals"] = array_refusals
            result["sent_after_array_refusals"] = len(sent)
        result["deprecation"] = [[w.category.__name__, str(w.message), w.filename] for w in caught]
        result["read_only_argument"] = "probe_id" in inspect.signature(probes.post).parameters
        result["deprecated_doc"] = "**Deprecated**" in (type(probes).replace.__doc__ or "")
        result["current_doc"] = "**Deprecated**" in (type(probes).get.__doc__ or "")
        result["replaced"] = type(replaced).__name__
        try:
            await probes.replace("prb_1", name="x" * 13)
        except InvalidParameterError:
            result["too_long_refused"] = len(sent)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ends = []
            for value in (None, datetime.date(2026, 3, 12), "2026-03-13"):
                await probes.replace("prb_1", name="Ana", ends_on=value)
                ends.append(seen(sent[-1])["body"]["endsOn"])
            for bad in (20260312, datetime.datetime(2026, 3, 12, 10, 0), "12/03/2026"):
                try:
                    await probes.replace("prb_1", name="Ana", ends_on=bad)
                except InvalidParameterError as error:
                    ends.append(str(error))
            result["nullable_date_argument"] = ends

        result["patch"] = await probes.update("prb_1", name="Ana", idempotency_key="key-1")
        result["patch_key"] = sent[-1].headers.get("idempotency-key")
        raw = await probes.with_raw_response.update("prb_1", name="Ana", idempotency_key="key-2")
        result["raw"] = [raw.status_code, raw.headers["location"], raw.parse()]
        result["patch_request"] = seen(sent[-1])

        result["delete"] = await probes.delete("prb_1")
        result["delete_request"] = seen(sent[-1])
        created = await probes.post(name="Ana")
        result["post"] = [seen(sent[-1]), type(created).__name__]

        note = await probes.add_note("prb_1", text="hello", title="Greeting", pin="1234")
        result["note"] = [type(note).__name__, note.text, note.title, seen(sent[-1])["body"], hasattr(note, "pin")]
        note_refusals = []
        for bad in (dict(text="x"), dict(text="hello", title="t" * 13), dict(text="hello", pin="12")):
            try:
                await probes.add_note("prb_1", **bad)
            except InvalidParameterError as error:
                note_refusals.append(error.parameter)
        result["note_refusals"] = note_refusals

        pet = await probes.get_pet("prb_1")
        returns = inspect.signature(type(probes).get_pet).return_annotation
        result["union_answer"] = [type(pet).__name__, pet.bark, returns]
        exported = await probes.export("prb_1")
        result["export"] = [type(exported).__name__, exported, sent[-1].headers.get("accept")]
        receipt = await probes.get_receipt("prb_1")
        result["receipt"] = [type(receipt).__name__, list(receipt), sent[-1].headers.get("accept")]
        raw_export = await probes.with_raw_response.export("prb_1")
        result["raw_export"] = [raw_export.headers["content-type"], raw_export.parse()]

        health = await client.default.matrix_probe_health()
        result["health"] = [seen(sent[-1]), type(health).__name__, health.ok]
        await client.default.matrix_probe_keyed()
        result["keyed"] = [seen(sent[-1])["auth"], sent[-1].headers.get("x-matrix-probe-key")]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            await probes.replace("prb_1", name="Ana", guardian=None)
            result["nullable_reference"] = [seen(sent[-1])["body"]]
            try:
                await probes.replace("prb_1", name="Ana", guardian={"since": "2020-01-02"})
            except InvalidParameterError as error:
                result["nullable_reference"].append(error.parameter)

    result["environments"] = []
    for name in ("matrix_probe_staging", "MATRIX_QA"):
        async with PalommaClient("sk_test_matrix", environment=name, transport=httpx2.MockTransport(answer)) as client:
            await client.default.matrix_probe_health()
            result["environments"].append([client.environment.value, str(sent[-1].url)])
    return result

result = asyncio.run(main())
print("RESULT " + json.dumps(result))
"""


@pytest.fixture(scope="module", params=["3.0.3", "3.1.0"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _regenerate(tmp_path_factory.mktemp("matrix"), request.param)


@pytest.mark.slow  # mypy strict on the regenerated copy (from the project's cache: what the matrix changed)
def test_the_regenerated_package_type_checks_under_mypy_strict(project: Path) -> None:
    completed = mypy_strict(project)

    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.slow  # its module fixture regenerates the matrix spec in each OpenAPI version; the call is one probe
def test_every_row_builds_its_request_and_parses_its_answer(project: Path) -> None:
    result = run_probe(project, textwrap.dedent(PROBE_CODE))

    assert result["get"] == {
        "method": "GET",
        "path": "/matrix-probes/prb_1",
        "query": {
            "since": "2026-03-01",
            "updatedAfter": "2026-03-02T08:00:00+00:00",
            "kind": "person",
            "pageSize": "20",
            "score": "1.5",
            "includeArchived": "true",
            "labels": "a",
            "years": "2025,2026",
        },
        "body": None,
        "auth": "Bearer ",
    }
    assert result["get_arrays"] == [["a", "b c"], ["2025,2026"]]  # each label repeated; the years in one value
    assert result["get_trace"] == "t-1"  # an optional header parameter, sent under its own name
    assert result["get_accepts"] is False
    assert result["got"] == [
        PROBE,
        "prb_1",
        "company",
        "1990-02-03",
        "2026-03-11T16:32:14+00:00",
        None,
        ["a", "b"],
    ]
    # Nullable dates are dates when present and None when null, in both spellings.
    assert result["nullable_dates"] == ["2026-03-12T09:00:00+00:00", None, None, "2026-04-01"]
    # oneOf with a discriminator, anyOf without: each parses into the real member model, and back.
    assert result["unions"][:6] == [
        f"{PROBE}Dog",
        "woof",
        f"{PROBE}Cat",
        7,
        f"{PROBE}Cat",
        {"kind": "MatrixProbeDog", "bark": "woof"},
    ]
    assert result["unions"][6] == f"pet.kind: expected one of 'cat', '{PROBE}Dog', got the string 'bird'"
    assert result["unions"][7].startswith("pet.lives")  # the member the discriminator names is checked
    assert result["unions"][8] == "companion"
    # A map (additionalProperties with a schema): a dict of its values' type, each value checked.
    assert result["map"] == [
        {"math": 9.5, "art": 7},
        {"math": 9.5, "art": 7},
        "dict[str, float] | None",
        "scores.math: expected a number, got the string 'A'",
    ]
    # A union of scalars: its members' types (in the generator's order), each value checked.
    assert [result["scalar_union"][0], set(result["scalar_union"][1].split(" | ")), result["scalar_union"][2]] == [
        42,
        {"str", "int", "None"},
        "code",
    ]
    assert result["nested"] == [f"{PROBE}Address", "Cali", f"{PROBE}Owner", "Bo", "2020-01-02"]
    assert result["kinds"]["probe_id"] == "text"
    assert result["kinds"]["owner"] == result["kinds"]["address"] == result["kinds"]["guardian"] == "json"
    # A nullable object reference, in each version's spelling: the model or None, sent as the model, null or nothing.
    assert result["nullable_reference_answer"] == [f"{PROBE}Owner | None", None, f"{PROBE}Owner", "Cy"]
    assert result["nullable_reference"] == [{"name": "Ana", "guardian": None}, "guardian.name"]
    # A date that is not one, a maximum, an enum, an exclusive minimum, a minLength: refused before sending.
    assert result["refused"] == [
        "since",
        "page_size",
        "kind",
        "score",
        "x_probe_trace",
        "x_probe_trace",
        "labels",
        "years[0]",
        "years",
        "probe_id",
    ]
    assert result["sent_after_refusals"] == 1

    assert result["put"]["method"] == "PUT"
    assert result["put"]["body"] == {"name": "Ana", "kind": "company", "credit": 10.5, "bornOn": "1990-02-03"}
    assert result["replaced"] == PROBE
    assert result["arrays"] == {"name": "Ana", "tags": ["a", "b"], "lines": [{"amount": 5}]}
    # maxItems, an item's maxLength, minItems, an item that is not the model, not a list: refused before sending.
    # Nested objects and arrays of them take the model or its dict; a nullable field sends None as null.
    assert result["nested_body"] == {
        "name": "Ana",
        "lines": [{"amount": 6}],
        "address": {"city": "Cali"},
        "owner": {"name": "Bo", "since": "2020-01-02"},
        "memo": None,
        "scores": {"math": 9.5},
        "pet": {"kind": "MatrixProbeDog", "bark": "woof"},  # the member left out of the mapping, by its name
        "code": 42,
    }
    # Every nested rule is checked before sending, the error naming the JSON path at fault.
    assert result["array_refusals"] == [
        "tags",
        "tags[0]",
        "lines",
        "lines[0].amount",
        "tags",
        "address.city",
        "address.city",
        "owner.name",
        "memo",
        "scores.math",
        "pet.lives",
        "pet.kind",
        "code",
        "code",
        "code",
    ]
    assert result["sent_after_array_refusals"] == 5
    assert result["too_long_refused"] == 5  # maxLength: nothing more was sent
    # A nullable date argument is checked as a date argument is (its messages too), and takes None as null.
    assert result["nullable_date_argument"] == [
        None,
        "2026-03-12",
        "2026-03-13",
        "ends_on: must be a datetime.date or a 'YYYY-MM-DD' string, got 20260312",
        "ends_on: must be a date, not a datetime; pass value.date() in the right zone",
        "ends_on: must be a datetime.date or a 'YYYY-MM-DD' string, got '12/03/2026'",
    ]
    # `deprecated: true`: each call warns, pointing at the caller's line; the docstring says so.
    message = "palomma.matrix_probes.replace() is deprecated by the Palomma API (replaceMatrixProbe)"
    assert [[category, text[: len(message)], where] for category, text, where in result["deprecation"]] == [
        ["DeprecationWarning", message, "<string>"],
        ["DeprecationWarning", message, "<string>"],
    ]
    assert (result["deprecated_doc"], result["current_doc"]) == (True, False)
    assert result["read_only_argument"] is False  # a readOnly field, required or not, is never an argument

    assert result["patch"] is None  # a 202 without a body
    assert result["patch_key"] == "key-1"  # a required header parameter
    assert result["raw"] == [202, "/matrix-probes/prb_1/jobs/9", None]  # its Location, through with_raw_response
    assert result["patch_request"]["method"] == "PATCH"
    assert result["patch_request"]["body"] == {"name": "Ana"}

    assert result["delete"] is None  # a 204
    assert result["delete_request"]["method"] == "DELETE"
    assert result["delete_request"]["path"] == "/matrix-probes/prb_1"
    assert result["post"] == [
        {"method": "POST", "path": "/matrix-probes", "query": {}, "body": {"name": "Ana"}, "auth": "Bearer "},
        PROBE,
    ]
    # allOf: the body's rules come from every member; the answer parses into the one merged model.
    note_body = {"text": "hello", "title": "Greeting", "pin": "1234"}
    assert result["note"] == [f"{PROBE}Note", "hello", "Greeting", note_body, False]  # writeOnly: not read back
    assert result["note_refusals"] == ["text", "title", "pin"]
    # A union as the whole answer: the member its discriminator names, typed as the union.
    assert result["union_answer"] == [f"{PROBE}Dog", "woof", f"{PROBE}Cat | {PROBE}Dog"]
    # Non-JSON answers: text/* as `str` by its charset, any other media type as `bytes`, each asked for.
    assert result["export"] == ["str", "id,city\nprb_1,Bogotá\n", "text/csv"]
    assert result["receipt"] == ["bytes", [37, 80, 68, 70, 45, 49, 46, 52, 0, 255], "application/pdf"]
    assert result["raw_export"] == ["text/csv; charset=latin-1", "id,city\nprb_1,Bogotá\n"]
    assert result["health"][1:] == [f"{PROBE}Health", True]
    assert result["environments"] == [
        ["matrix_probe_staging", "https://staging.matrix-probe.example/v1/matrix-probe-health"],
        ["matrix_qa", "https://qa.matrix-probe.example/v1/matrix-probe-health"],
    ]
    assert result["health"][0]["path"] == "/matrix-probe-health"
    assert result["health"][0]["auth"] == ""  # `security: []`: no Authorization header at all
    assert result["keyed"] == ["", "sk_test_matrix"]  # an API key in a header: the key alone, no Authorization
