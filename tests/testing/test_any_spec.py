"""A FakePalomma serves whatever a valid vendor spec declares, in OpenAPI 3.0 and 3.1.

Each test adds to (a copy of) the shipped spec an operation under a path the spec does not have,
spelled the way a vendor would, and checks what a client of the fake sees: the route taken, the
status, the media type, the headers, the pages, the refusals and the credentials asked for.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest

from palomma_client.testing import EXAMPLE_HEADER, FAKE_BASE_URL, FakeClock, FakePalomma
from palomma_client.testing._examples import SYNTHESIZED_LIST_LENGTH, synthesize
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
from palomma_client.testing._validation import READ_ONLY_MESSAGE
from tests.spec_calls import path_of
from tests.support import as_openapi_31, fresh_name
from tests.testing.support import AUTH, START, invoice_body, sending_required_parameters

VERSIONS = pytest.mark.parametrize("version", ["3.0", "3.1"], ids=["openapi-3.0", "openapi-3.1"])

SHIPPED = load_shipped_spec()
# A collection of the vendor's next resource, named so that the shipped spec does not have it yet.
ROOT = "/" + fresh_name((path.strip("/").split("/")[0] for path in SHIPPED["paths"]), "exports", "reports")
ITEM = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string", "minLength": 1},
        "note": {"type": "string", "nullable": True},
        # Nullable without `null` among its values (3.0): one of them, or null, as the SDK sends it.
        "level": {"type": "string", "enum": ["low", "high"], "nullable": True},
    },
}


def _spec(version: str, paths: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A document of its own (not the shipped spec, whose version the vendor decides) holding `paths`.

    It is written in OpenAPI 3.0 and converted for `version` 3.1; every operation asks for the
    bearer key unless it says otherwise, as the shipped spec's do.
    """
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Vendor probes", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            f"{ROOT}/private": {
                "get": {
                    "operationId": "getVendorPrivate",
                    "responses": _ok({"application/json": {"example": {"ok": True}}}),
                }
            },
            **paths,
        },
        "components": {
            "schemas": {"VendorItem": ITEM},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        **top,
    }
    return as_openapi_31(document) if version == "3.1" else document


def _ok(content: dict[str, Any] | None = None, status: str = "200", **response: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": "Done", **response}
    if content is not None:
        answer["content"] = content
    return {status: answer}


@contextlib.asynccontextmanager
async def _serving(
    document: dict[str, Any], headers: dict[str, str] | None = None, *, send_required: bool = False
) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of a fake serving ``document``; ``send_required`` adds what the spec requires that a request lacks."""
    fake = FakePalomma(spec=document, clock=FakeClock(START))
    transport = httpx2.ASGITransport(app=fake.app)
    hooks = sending_required_parameters(ApiSpec(document)) if send_required else {}
    async with httpx2.AsyncClient(
        transport=transport, base_url=FAKE_BASE_URL, headers=AUTH if headers is None else headers, event_hooks=hooks
    ) as http:
        yield http


# --- routing ------------------------------------------------------------------------------------------------


@VERSIONS
async def test_a_literal_segment_wins_over_a_parameter_whatever_the_document_order(version: str) -> None:
    item_path, literal_path = f"{ROOT}/{{itemId}}", f"{ROOT}/summary"
    document = _spec(
        version,
        {
            item_path: {
                "get": {
                    "operationId": "getVendorItem",
                    "parameters": [{"in": "path", "name": "itemId", "required": True, "schema": {"type": "string"}}],
                    "responses": _ok({"application/json": {"example": {"route": "item"}}}),
                }
            },
            literal_path: {
                "get": {
                    "operationId": "getVendorSummary",
                    "responses": _ok({"application/json": {"example": {"route": "summary"}}}),
                }
            },
        },
    )
    async with _serving(document) as http:
        summary = await http.get(literal_path)
        item = await http.get(f"{ROOT}/other")
        wrong_method = await http.delete(literal_path)
    assert summary.json() == {"route": "summary"}
    assert item.json() == {"route": "item"}
    assert (wrong_method.status_code, wrong_method.headers["allow"]) == (405, "GET")


# --- answers from the spec: statuses, media types, headers --------------------------------------------------


@VERSIONS
async def test_a_201_answer_has_its_status_and_declared_location_header(version: str) -> None:
    document = _spec(
        version,
        {
            ROOT: {
                "post": {
                    "operationId": "createVendorItem",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VendorItem"}}},
                    },
                    "responses": _ok(
                        {"application/json": {"schema": {"$ref": "#/components/schemas/VendorItem"}}},
                        status="201",
                        headers={"Location": {"schema": {"type": "string", "format": "uri"}}},
                    ),
                }
            }
        },
    )
    async with _serving(document) as http:
        response = await http.post(ROOT, json={"name": "march"})
    assert response.status_code == 201
    assert response.headers["location"].startswith("https://")
    assert response.headers[EXAMPLE_HEADER] == "synthesized"
    assert set(response.json()) == {"id", "name"}


@VERSIONS
async def test_a_202_without_content_answers_empty_with_the_headers_example(version: str) -> None:
    location = f"https://api.example.com{ROOT}/jobs/1"
    document = _spec(
        version,
        {
            ROOT: {
                "post": {
                    "operationId": "startVendorExport",
                    "responses": _ok(
                        status="202", headers={"Location": {"schema": {"type": "string"}, "example": location}}
                    ),
                }
            }
        },
    )
    async with _serving(document) as http:
        response = await http.post(ROOT)
    assert (response.status_code, response.content, response.headers["location"]) == (202, b"", location)


@VERSIONS
async def test_a_204_has_no_body(version: str) -> None:
    document = _spec(
        version,
        {
            f"{ROOT}/{{id}}": {
                "delete": {
                    "operationId": "deleteVendorItem",
                    "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}],
                    "responses": _ok(status="204"),
                }
            }
        },
    )
    async with _serving(document) as http:
        response = await http.delete(f"{ROOT}/x1")
    assert (response.status_code, response.content) == (204, b"")


@VERSIONS
async def test_a_text_answer_is_text_in_its_media_type(version: str) -> None:
    csv = "id,amount\n01HQY8EW1H9YGH5PAV5Y2M9R3T,1850000\n"
    document = _spec(
        version,
        {
            f"{ROOT}/example.csv": {
                "get": {
                    "operationId": "exportWithExample",
                    "responses": _ok({"text/csv": {"schema": {"type": "string"}, "example": csv}}),
                }
            },
            f"{ROOT}/synthesized.csv": {
                "get": {
                    "operationId": "exportSynthesized",
                    "responses": _ok({"text/csv": {"schema": {"type": "string"}}}),
                }
            },
        },
    )
    async with _serving(document) as http:
        with_example = await http.get(f"{ROOT}/example.csv")
        synthesized = await http.get(f"{ROOT}/synthesized.csv")
    assert with_example.headers["content-type"].startswith("text/csv")
    assert with_example.text == csv
    assert synthesized.headers["content-type"].startswith("text/csv")
    assert isinstance(synthesized.text, str)
    assert synthesized.headers[EXAMPLE_HEADER] == "synthesized"


@VERSIONS
async def test_a_binary_answer_is_bytes_in_its_media_type(version: str) -> None:
    document = _spec(
        version,
        {
            f"{ROOT}/receipt": {
                "get": {
                    "operationId": "getVendorReceipt",
                    "responses": _ok(
                        {"application/pdf": {"schema": {"type": "string", "format": "binary"}, "example": "%PDF-1.7"}}
                    ),
                }
            }
        },
    )
    async with _serving(document) as http:
        response = await http.get(f"{ROOT}/receipt")
    assert (response.headers["content-type"], response.content) == ("application/pdf", b"%PDF-1.7")


@VERSIONS
async def test_the_accept_header_picks_among_several_media_types(version: str) -> None:
    document = _spec(
        version,
        {
            ROOT: {
                "get": {
                    "operationId": "exportVendor",
                    "responses": _ok(
                        {
                            "application/json": {"example": {"format": "json"}},
                            "text/csv": {"schema": {"type": "string"}, "example": "format\ncsv\n"},
                        }
                    ),
                }
            }
        },
    )
    async with _serving(document) as http:
        default = await http.get(ROOT)
        csv = await http.get(ROOT, headers={"Accept": "text/csv"})
    assert default.json() == {"format": "json"}
    assert csv.text == "format\ncsv\n"


# --- synthesized lists are paged ---------------------------------------------------------------------------------


def _list_spec(version: str, *, limit: bool) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [{"in": "query", "name": "cursor", "schema": {"type": "string"}}]
    if limit:
        parameters.append({"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1}})
    page = {
        "type": "object",
        "required": ["data", "cursor"],
        "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/VendorItem"}},
            "cursor": {"type": "string", "nullable": True},
        },
    }
    return _spec(
        version,
        {
            ROOT: {
                "get": {
                    "operationId": "listVendorItems",
                    "parameters": parameters,
                    "responses": _ok({"application/json": {"schema": page}}),
                }
            }
        },
    )


@VERSIONS
@pytest.mark.parametrize("limit", [None, 1])
async def test_a_synthesized_list_is_paged_by_its_cursor(version: str, limit: int | None) -> None:
    seen: list[Any] = []
    pages = 0
    params: dict[str, Any] = {} if limit is None else {"limit": limit}
    async with _serving(_list_spec(version, limit=limit is not None)) as http:
        while True:
            page = (await http.get(ROOT, params=params)).json()
            pages += 1
            assert limit is None or len(page["data"]) <= limit
            seen += page["data"]
            if page["cursor"] is None:
                break
            params["cursor"] = page["cursor"]
    assert len(seen) == SYNTHESIZED_LIST_LENGTH
    assert pages > 1
    assert all(set(item) == {"id", "name"} for item in seen)


@VERSIONS
async def test_a_made_up_cursor_for_a_synthesized_list_is_refused(version: str) -> None:
    async with _serving(_list_spec(version, limit=False)) as http:
        response = await http.get(ROOT, params={"cursor": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 400
    assert response.json() == {"error": "cursor: not a cursor this API returned"}


# --- requests are checked as the spec says -----------------------------------------------------------------------


def _update_spec(version: str, **extra: Any) -> dict[str, Any]:
    return _spec(
        version,
        {
            f"{ROOT}/{{id}}": {
                "put": {
                    "operationId": "updateVendorItem",
                    "parameters": [
                        {"in": "path", "name": "id", "required": True, "schema": {"type": "string"}},
                        {
                            "in": "header",
                            "name": "Idempotency-Key",
                            "required": True,
                            "schema": {"type": "string", "minLength": 8},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VendorItem"}}},
                    },
                    "responses": _ok({"application/json": {"schema": {"$ref": "#/components/schemas/VendorItem"}}}),
                    **extra,
                }
            }
        },
    )


@VERSIONS
async def test_a_read_only_property_is_not_required_and_refused_when_sent(version: str) -> None:
    headers = {"Idempotency-Key": "key-0001"}
    async with _serving(_update_spec(version)) as http:
        without_id = await http.put(f"{ROOT}/x1", json={"name": "march"}, headers=headers)
        with_id = await http.put(f"{ROOT}/x1", json={"id": "x1", "name": "march"}, headers=headers)
    assert without_id.status_code == 200
    assert (with_id.status_code, with_id.json()) == (400, {"error": f"id: {READ_ONLY_MESSAGE}"})


@VERSIONS
async def test_a_nullable_property_takes_null_in_both_spellings(version: str) -> None:
    async with _serving(_update_spec(version)) as http:
        response = await http.put(
            f"{ROOT}/x1", json={"name": "a", "note": None, "level": None}, headers={"Idempotency-Key": "key-0001"}
        )
        refused = await http.put(f"{ROOT}/x1", json={"name": None}, headers={"Idempotency-Key": "key-0001"})
        unlisted = await http.put(
            f"{ROOT}/x1", json={"name": "a", "level": "mid"}, headers={"Idempotency-Key": "key-0002"}
        )
    assert response.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["error"].startswith("name: None is not of type")
    assert unlisted.status_code == 400
    assert unlisted.json()["error"].startswith("level: 'mid' is not one of")


@VERSIONS
async def test_header_parameters_are_required_and_checked(version: str) -> None:
    async with _serving(_update_spec(version)) as http:
        missing = await http.put(f"{ROOT}/x1", json={"name": "march"})
        short = await http.put(f"{ROOT}/x1", json={"name": "march"}, headers={"Idempotency-Key": "k"})
    assert (missing.status_code, missing.json()) == (
        400,
        {"error": "Idempotency-Key: required header parameter is missing"},
    )
    assert short.status_code == 400
    assert short.json()["error"].startswith("Idempotency-Key: 'k' is too short")


# --- credentials as each operation's security says --------------------------------------------------------------


@VERSIONS
async def test_an_operation_with_empty_security_needs_no_key(version: str) -> None:
    document = _spec(
        version,
        {
            f"{ROOT}/health": {
                "get": {
                    "operationId": "getVendorHealth",
                    "security": [],
                    "responses": _ok({"application/json": {"example": {"ok": True}}}),
                }
            }
        },
    )
    async with _serving(document, headers={}) as http:
        public = await http.get(f"{ROOT}/health")
        private = await http.get(f"{ROOT}/private")
    assert (public.status_code, public.json()) == (200, {"ok": True})
    assert (private.status_code, private.headers["www-authenticate"]) == (401, "Bearer")


@VERSIONS
async def test_an_api_key_header_scheme_is_checked_where_declared(version: str) -> None:
    header = fresh_name([], "X-Api-Key")
    document = _spec(
        version,
        {
            f"{ROOT}/keyed": {
                "get": {
                    "operationId": "getVendorKeyed",
                    "security": [{"vendorKey": []}],
                    "responses": _ok({"application/json": {"example": {"ok": True}}}),
                }
            }
        },
    )
    document["components"]["securitySchemes"]["vendorKey"] = {"type": "apiKey", "in": "header", "name": header}
    fake = FakePalomma(spec=document, clock=FakeClock(START))
    async with _serving(document, headers={}) as http:
        bearer_only = await http.get(f"{ROOT}/keyed", headers=AUTH)
        keyed = await http.get(f"{ROOT}/keyed", headers={header: fake.api_key})
        wrong = await http.get(f"{ROOT}/keyed", headers={header: "sk_wrong"})
    assert bearer_only.status_code == 401
    assert "www-authenticate" not in bearer_only.headers
    assert (keyed.status_code, wrong.status_code) == (200, 401)


@VERSIONS
async def test_http_basic_and_an_api_key_cookie_are_checked_where_declared(version: str) -> None:
    document = _spec(
        version,
        {
            f"{ROOT}/{name}": {
                "get": {
                    "operationId": f"getVendor{name.title()}",
                    "security": [{name: []}],
                    "responses": _ok({"application/json": {"example": {"ok": True}}}),
                }
            }
            for name in ("basic", "session")
        },
    )
    document["components"]["securitySchemes"].update(
        basic={"type": "http", "scheme": "basic"}, session={"type": "apiKey", "in": "cookie", "name": "sid"}
    )
    fake = FakePalomma(spec=document, clock=FakeClock(START))

    def basic(credentials: bytes) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(credentials).decode()}

    key = fake.api_key.encode()
    async with _serving(document, headers={}) as http:
        answers = [
            await http.get(f"{ROOT}/basic", headers=basic(b"anyone:" + key)),
            await http.get(f"{ROOT}/basic", headers=basic(b"anyone:sk_wrong")),
            await http.get(f"{ROOT}/basic", headers=basic(b":" + key)),
            await http.get(f"{ROOT}/basic", headers={"Authorization": "Basic not-base64!"}),
            await http.get(f"{ROOT}/session", headers={"Cookie": f"lang=es; sid={fake.api_key}"}),
            await http.get(f"{ROOT}/session", headers={"Cookie": "sid=sk_wrong"}),
            await http.get(f"{ROOT}/session", headers=AUTH),
        ]
    assert [answer.status_code for answer in answers] == [200, 401, 401, 401, 200, 401, 401]
    assert answers[1].headers["www-authenticate"] == 'Basic realm="palomma", charset="UTF-8"'
    assert "www-authenticate" not in answers[5].headers


@VERSIONS
async def test_alternative_requirements_accept_either_credential(version: str) -> None:
    document = _spec(
        version,
        {
            f"{ROOT}/either": {
                "get": {
                    "operationId": "getVendorEither",
                    "security": [{"vendorKey": []}, {"bearerAuth": []}],
                    "responses": _ok({"application/json": {"example": {"ok": True}}}),
                }
            }
        },
    )
    document["components"]["securitySchemes"]["vendorKey"] = {"type": "apiKey", "in": "header", "name": "X-Vendor-Key"}
    async with _serving(document, headers={}) as http:
        by_bearer = await http.get(f"{ROOT}/either", headers=AUTH)
        by_key = await http.get(f"{ROOT}/either", headers={"X-Vendor-Key": FakePalomma().api_key})
        by_nothing = await http.get(f"{ROOT}/either")
    assert (by_bearer.status_code, by_key.status_code, by_nothing.status_code) == (200, 200, 401)


# --- the modelled operations, in 3.1 spelling ------------------------------------------------------------------------


async def test_the_modelled_operations_work_the_same_in_openapi_3_1(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="palomma_client.testing")
    async with _serving(as_openapi_31(load_shipped_spec()), send_required=True) as http:
        created = await http.post(path_of("createInvoice"), json=invoice_body())
        fetched = await http.get(path_of("getInvoice", created.json()["id"]))
        page = await http.get(path_of("listInvoices"))
    assert created.status_code == 200
    assert fetched.json() == created.json()
    assert page.json()["items"] == [created.json()]
    # Only an operation the spec no longer has may go unmodelled (a vendor's removal, announced as such).
    unmodelled = [message for message in caplog.messages if "does not model" in message]
    assert [message for message in unmodelled if "the spec has no such operation" not in message] == []


@VERSIONS
async def test_a_synthesized_answer_leaves_out_write_only_properties(version: str) -> None:
    secret = {
        "type": "object",
        "required": ["secretId", "value"],
        "properties": {
            "secretId": {"type": "string", "readOnly": True},
            "value": {"type": "string", "writeOnly": True},
        },
    }
    document = _spec(
        version,
        {
            f"{ROOT}/secret": {
                "get": {"operationId": "getVendorSecret", "responses": _ok({"application/json": {"schema": secret}})}
            }
        },
    )
    async with _serving(document) as http:
        response = await http.get(f"{ROOT}/secret")
    assert response.json() == {"secretId": "string"}
    pointer = f"/paths/{ROOT.replace('/', '~1')}~1secret/get/responses/200/content/application~1json/schema"
    assert synthesize(ApiSpec(document), pointer, START, sent=True) == {"value": "string"}


# --- unions as the whole body, nullable object references ---------------------------------------------------


def _post_spec(version: str, body: dict[str, Any], **schemas: Any) -> dict[str, Any]:
    """`POST {ROOT}/payments` taking a JSON body of `body`, with `schemas` among the components."""
    document = _spec(
        "3.0",
        {
            f"{ROOT}/payments": {
                "post": {
                    "operationId": "createVendorPayment",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                    "responses": _ok({"application/json": {"example": {"ok": True}}}),
                }
            }
        },
    )
    document["components"]["schemas"].update(schemas)
    return as_openapi_31(document) if version == "3.1" else document


CARD = {
    "type": "object",
    "required": ["method", "token"],
    "properties": {"method": {"type": "string"}, "token": {"type": "string", "minLength": 3}},
}
CASH = {"type": "object", "required": ["method"], "properties": {"method": {"type": "string"}}}


@VERSIONS
async def test_a_union_body_is_checked_against_the_member_its_discriminator_names(version: str) -> None:
    union = {
        "oneOf": [{"$ref": "#/components/schemas/VendorCard"}, {"$ref": "#/components/schemas/VendorCash"}],
        "discriminator": {"propertyName": "method", "mapping": {"card": "#/components/schemas/VendorCard"}},
    }
    document = _post_spec(version, union, VendorCard=CARD, VendorCash=CASH)
    async with _serving(document) as http:
        # It would match both members by their schemas alone: the discriminator says which one counts.
        card = await http.post(f"{ROOT}/payments", json={"method": "card", "token": "tok"})
        cash = await http.post(f"{ROOT}/payments", json={"method": "VendorCash"})
        short = await http.post(f"{ROOT}/payments", json={"method": "card", "token": "t"})
        unknown = await http.post(f"{ROOT}/payments", json={"method": "bitcoin"})
        # A discriminating value that is no name at all (a list, an object) is refused as any wrong type is.
        listed = await http.post(f"{ROOT}/payments", json={"method": ["card", "cash"], "token": "tok"})
        nested = await http.post(f"{ROOT}/payments", json={"method": {"card": 1}})
    assert [card.status_code, cash.status_code, short.status_code, unknown.status_code] == [200, 200, 400, 400]
    assert short.json()["error"].startswith("token: ")
    assert [listed.status_code, nested.status_code] == [400, 400]
    assert listed.json()["error"] == "method: ['card', 'cash'] is not of type 'string'"
    assert nested.json()["error"] == "method: {'card': 1} is not of type 'string'"


@VERSIONS
async def test_a_nullable_object_reference_takes_null_in_both_spellings(version: str) -> None:
    body = {
        "type": "object",
        "properties": {
            "card": {"allOf": [{"$ref": "#/components/schemas/VendorCard"}], "nullable": True},
            "backup": {"$ref": "#/components/schemas/VendorCard", "nullable": True},
        },
    }
    document = _post_spec(version, body, VendorCard=CARD)
    async with _serving(document) as http:
        empty = await http.post(f"{ROOT}/payments", json={"card": None, "backup": None})
        held = await http.post(f"{ROOT}/payments", json={"card": {"method": "card", "token": "tok"}})
        wrong = await http.post(f"{ROOT}/payments", json={"backup": {"method": "card", "token": "t"}})
    assert [empty.status_code, held.status_code, wrong.status_code] == [200, 200, 400]
    assert wrong.json()["error"].startswith("backup")


# --- parameter styles: arrays in the path and headers, objects in the query -----------------------------------


def _styled(version: str) -> dict[str, Any]:
    """An operation with an array path parameter, an array header and two object query parameters."""
    integers = {"type": "array", "maxItems": 3, "items": {"type": "integer", "minimum": 1}}
    filter_schema = {
        "type": "object",
        "required": ["state"],
        "properties": {"state": {"type": "string", "enum": ["open", "closed"]}, "flagged": {"type": "boolean"}},
    }
    window = {"type": "object", "properties": {"since": {"type": "string", "format": "date"}}}
    parameters = [
        {"in": "path", "name": "ids", "required": True, "schema": integers},
        {"in": "header", "name": "X-Sizes", "explode": True, "schema": integers},
        {"in": "query", "name": "filter", "style": "deepObject", "schema": filter_schema},
        {"in": "query", "name": "window", "required": True, "schema": window},
    ]
    echo = {"application/json": {"example": {"ok": True}}}
    return _spec(
        version,
        {
            f"{ROOT}/by/{{ids}}": {
                "get": {"operationId": "getVendorStyled", "parameters": parameters, "responses": _ok(echo)}
            }
        },
    )


@VERSIONS
@pytest.mark.parametrize(
    ("path", "headers", "query", "status", "problem"),
    [
        ("1,2,3", {"X-Sizes": "4,5"}, "filter[state]=open&filter[flagged]=true&since=2026-03-01", 200, ""),
        ("1%2C2", {}, "since=2026-03-01", 200, ""),
        ("1,2,3,4", {}, "since=2026-03-01", 400, "ids"),
        ("1,x", {}, "since=2026-03-01", 400, "ids[1]"),
        ("1", {"X-Sizes": "4,0"}, "since=2026-03-01", 400, "X-Sizes[1]"),
        ("1", {}, "filter[state]=gone&since=2026-03-01", 400, "filter.state"),
        ("1", {}, "filter[flagged]=true&since=2026-03-01", 400, "filter"),
        ("1", {}, "filter[state]=open", 400, "window: required query parameter is missing"),
        ("1", {}, "since=03/01/2026", 400, "window.since"),
    ],
)
async def test_the_fake_reads_array_paths_and_headers_and_object_queries_by_their_style(
    version: str, path: str, headers: dict[str, str], query: str, status: int, problem: str
) -> None:
    async with _serving(_styled(version)) as http:
        response = await http.get(f"{ROOT}/by/{path}?{query}", headers=headers)

    assert response.status_code == status, response.text
    if problem:
        assert response.json()["error"].startswith(problem)
