"""Operations the fake does not model still answer: with the spec's example, or a value made from the schema."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
import schemathesis

from palomma_client.testing import EXAMPLE_HEADER, FAKE_BASE_URL, FakeClock, FakePalomma
from palomma_client.testing._app import MODELED_OPERATIONS
from palomma_client.testing._examples import synthesize
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
from tests.spec_calls import needs_operations, path_of
from tests.testing.conftest import Spelling
from tests.testing.support import AUTH, START, enum, spec_with_cancel_invoice

ID = "01HQY8EW1H9YGH5PAV5Y2M9R3T"
CANCEL = f"/invoices/{ID}/cancel"


_MADE = synthesize(ApiSpec(load_shipped_spec()), "/components/schemas/Invoice", START)
EXAMPLE = {**_MADE, **({"id": ID} if "id" in _MADE else {})}
"""An invoice as the spec's schema makes one, of the id in the path: the example the added operation documents."""


@contextlib.asynccontextmanager
async def _serving(
    document: dict[str, Any], spelled: Spelling
) -> AsyncIterator[tuple[FakePalomma, httpx2.AsyncClient]]:
    fake = FakePalomma(spec=spelled(document), clock=FakeClock(START))
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL, headers=AUTH
    ) as client:
        yield fake, client


@pytest.fixture
async def with_example(spelled: Spelling) -> AsyncIterator[tuple[FakePalomma, httpx2.AsyncClient]]:
    async with _serving(spec_with_cancel_invoice(example=EXAMPLE), spelled) as pair:
        yield pair


@pytest.fixture
async def without_example(spelled: Spelling) -> AsyncIterator[tuple[FakePalomma, httpx2.AsyncClient]]:
    async with _serving(spec_with_cancel_invoice(example=None), spelled) as pair:
        yield pair


def _check_against_the_spec(document: dict[str, Any], path: str, method: str, response: httpx2.Response) -> None:
    """Fail unless the response conforms to the document, as schemathesis reads it."""
    schema = schemathesis.openapi.from_dict(document)
    schema[path][method].validate_response(response)


def test_cancel_invoice_is_an_operation_the_fake_does_not_model() -> None:
    assert "cancelInvoice" not in MODELED_OPERATIONS


async def test_an_operation_with_an_example_answers_with_it(
    with_example: tuple[FakePalomma, httpx2.AsyncClient],
    spelled: Spelling,
) -> None:
    fake, http = with_example
    response = await http.post(CANCEL)
    assert response.status_code == 200
    assert response.json() == EXAMPLE
    assert response.headers[EXAMPLE_HEADER] == "example"
    assert response.headers["content-type"] == "application/json"
    _check_against_the_spec(
        spelled(spec_with_cancel_invoice(example=EXAMPLE)), "/invoices/{id}/cancel", "POST", response
    )
    assert (fake.requests[-1].method, fake.requests[-1].path, fake.requests[-1].status) == (
        "POST",
        f"/v1{CANCEL}",
        200,
    )


async def test_an_operation_without_an_example_answers_with_a_value_made_from_its_schema(
    without_example: tuple[FakePalomma, httpx2.AsyncClient],
    spelled: Spelling,
) -> None:
    _, http = without_example
    response = await http.post(CANCEL)
    assert response.status_code == 200
    assert response.headers[EXAMPLE_HEADER] == "synthesized"
    _check_against_the_spec(spelled(spec_with_cancel_invoice(example=None)), "/invoices/{id}/cancel", "POST", response)
    invoice = response.json()
    spec = ApiSpec(load_shipped_spec())
    properties, required = spec.object_properties("/components/schemas/Invoice")
    assert set(invoice) == set(required)
    for name in required:
        schema, _ = properties[name]
        if "enum" in schema:
            assert invoice[name] == enum(schema["enum"])[0], name
        if schema.get("format") == "uri":
            assert invoice[name].startswith("https://"), name


async def test_the_key_is_checked_first(without_example: tuple[FakePalomma, httpx2.AsyncClient]) -> None:
    _, http = without_example
    response = await http.post(CANCEL, headers={"Authorization": "Bearer wrong"})
    assert (response.status_code, response.json()) == (401, {"error": "Invalid or missing token"})
    assert EXAMPLE_HEADER not in response.headers


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b'{"reason": ""}', "application/json", "reason: '' should be non-empty"),
        (b'{"reason": 7}', "application/json", "reason: 7 is not of type 'string'"),
        (b"{", "application/json", "Invalid JSON in request body"),
        (b'{"reason": "moved out"}', "text/plain", "Content-Type must be application/json"),
    ],
)
async def test_the_request_is_validated_against_the_spec_first(
    with_example: tuple[FakePalomma, httpx2.AsyncClient], content: bytes, content_type: str, message: str
) -> None:
    _, http = with_example
    response = await http.post(CANCEL, content=content, headers={"Content-Type": content_type})
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert EXAMPLE_HEADER not in response.headers


async def test_a_valid_optional_body_is_accepted(with_example: tuple[FakePalomma, httpx2.AsyncClient]) -> None:
    _, http = with_example
    response = await http.post(CANCEL, json={"reason": "moved out"})
    assert (response.status_code, response.headers[EXAMPLE_HEADER]) == (200, "example")


async def test_other_methods_on_its_path_get_405(with_example: tuple[FakePalomma, httpx2.AsyncClient]) -> None:
    _, http = with_example
    response = await http.get(CANCEL)
    assert (response.status_code, response.headers["allow"]) == (405, "POST")


async def test_faults_apply_to_it_too(with_example: tuple[FakePalomma, httpx2.AsyncClient]) -> None:
    fake, http = with_example
    fake.fail_next(503, path="/invoices/*/cancel")
    assert (await http.post(CANCEL)).status_code == 503
    assert (await http.post(CANCEL)).status_code == 200


async def test_the_modeled_operations_answer_from_state_not_examples(
    with_example: tuple[FakePalomma, httpx2.AsyncClient],
) -> None:
    fake, http = with_example
    needs_operations("createInvoice")
    invoice = fake.create_invoice()
    response = await http.get(path_of("getInvoice", invoice["id"]))
    assert response.json() == invoice
    assert EXAMPLE_HEADER not in response.headers


# --- values made from schemas ----------------------------------------------------------------------


def _spec_answering(schema: dict[str, Any], *, status: str = "200", **schemas: Any) -> dict[str, Any]:
    """The shipped spec plus GET /things, answering `schema` (components/schemas gets `schemas`)."""
    document = load_shipped_spec()
    document["components"]["schemas"].update(schemas)
    content = {} if status == "204" else {"content": {"application/json": {"schema": schema}}}
    document["paths"]["/things"] = {
        "get": {"operationId": "listThings", "responses": {status: {"description": "Things", **content}}}
    }
    return document


async def _get_things(document: dict[str, Any], spelled: Spelling, *, conforms: bool = True) -> httpx2.Response:
    async with _serving(document, spelled) as (_, http):
        response = await http.get("/things")
    assert response.headers[EXAMPLE_HEADER] in ("example", "synthesized")
    if response.content and conforms:
        _check_against_the_spec(spelled(document), "/things", "GET", response)
    return response


async def test_made_up_values_follow_type_format_bounds_and_lengths(spelled: Spelling) -> None:
    schema = {
        "type": "object",
        "required": ["day", "at", "site", "mail", "code", "count", "price", "negative", "flag", "tags", "kind"],
        "properties": {
            "day": {"type": "string", "format": "date"},
            "at": {"type": "string", "format": "date-time"},
            "site": {"type": "string", "format": "uri"},
            "mail": {"type": "string", "format": "email"},
            "code": {"type": "string", "minLength": 12, "maxLength": 12},
            "count": {"type": "integer", "minimum": 5, "exclusiveMinimum": True},
            "price": {"type": "number", "minimum": 2.5},
            "negative": {"type": "integer", "maximum": -3},
            "flag": {"type": "boolean"},
            "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "enum": ["a", "b"]}},
            "kind": {"$ref": "#/components/schemas/Kind"},
            "optional": {"type": "string"},
        },
    }
    response = await _get_things(_spec_answering(schema, Kind={"type": "string", "enum": ["first", "second"]}), spelled)
    assert response.json() == {
        "day": "2026-03-11",
        "at": "2026-03-11T16:32:14.007Z",
        "site": "https://example.com/",
        "mail": "user@example.com",
        "code": "stringxxxxxx",
        "count": 6,
        "price": 2.5,
        "negative": -3,
        "flag": False,
        "tags": ["a", "a"],
        "kind": "first",
    }


async def test_a_schemas_own_example_or_default_comes_first(spelled: Spelling) -> None:
    schema = {
        "type": "object",
        "required": ["named", "defaulted"],
        "properties": {
            "named": {"type": "string", "example": "Ana"},
            "defaulted": {"type": "integer", "default": 7},
        },
    }
    assert (await _get_things(_spec_answering(schema), spelled)).json() == {"named": "Ana", "defaulted": 7}


async def test_combined_schemas_take_all_of_and_the_first_alternative(spelled: Spelling) -> None:
    schema = {
        "allOf": [
            {"$ref": "#/components/schemas/Named"},
            {
                "type": "object",
                "required": ["size"],
                "properties": {"size": {"oneOf": [{"type": "integer"}, {"type": "string"}]}},
            },
        ]
    }
    named = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    assert (await _get_things(_spec_answering(schema, Named=named), spelled)).json() == {"name": "string", "size": 0}


async def test_a_recursive_schema_ends(spelled: Spelling) -> None:
    # No finite value fits this schema (every node needs a child): the fake stops at a fixed depth.
    node = {
        "type": "object",
        "required": ["children"],
        "properties": {"children": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Node"}}},
    }
    response = await _get_things(
        _spec_answering({"$ref": "#/components/schemas/Node"}, Node=node), spelled, conforms=False
    )
    depth, value = 0, response.json()
    while value:
        value = value["children"][0]
        depth += 1
    assert 0 < depth < 20


async def test_a_response_without_content_is_empty(spelled: Spelling) -> None:
    response = await _get_things(_spec_answering({}, status="204"), spelled)
    assert (response.status_code, response.content) == (204, b"")
