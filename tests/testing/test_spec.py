"""A FakePalomma follows the spec it is given: fields, limits, routes and base path change with no code change."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest

from palomma_client import FeatureUnavailableError
from palomma_client.testing import EXAMPLE_HEADER, FAKE_BASE_URL, FakeClock, FakePalomma
from palomma_client.testing._app import MODELED_OPERATIONS
from palomma_client.testing._spec import ApiSpec, Parameter, SpecError, load_shipped_spec
from tests.spec_calls import an_operation, needs_operations, path_of
from tests.testing.conftest import Spelling
from tests.testing.support import (
    AUTH,
    NEW_FIELD,
    SPEC,
    START,
    invoice_body,
    sending_required_parameters,
    spec_with_tenant_email,
)


@contextlib.asynccontextmanager
async def _serving(
    document: dict[str, Any], spelled: Spelling, base_url: str = FAKE_BASE_URL
) -> AsyncIterator[httpx2.AsyncClient]:
    fake = FakePalomma(spec=spelled(document), clock=FakeClock(START))
    transport = httpx2.ASGITransport(app=fake.app)
    hooks = sending_required_parameters(ApiSpec(spelled(document)))
    async with httpx2.AsyncClient(transport=transport, base_url=base_url, headers=AUTH, event_hooks=hooks) as http:
        yield http


# --- fields the vendor adds ----------------------------------------------------------------------------


async def test_a_field_added_to_both_invoice_schemas_is_echoed_everywhere(spelled: Spelling) -> None:
    async with _serving(spec_with_tenant_email(), spelled) as http:
        created = await http.post(path_of("createInvoice"), json=invoice_body(**{NEW_FIELD: "ana@example.com"}))
        assert created.status_code == 200
        invoice = created.json()
        assert invoice[NEW_FIELD] == "ana@example.com"
        assert (await http.get(path_of("getInvoice", invoice["id"]))).json() == invoice
        assert (await http.get(path_of("listInvoices"))).json()["items"] == [invoice]


async def test_an_added_field_takes_its_place_in_the_specs_order(spelled: Spelling) -> None:
    document = spec_with_tenant_email()
    async with _serving(document, spelled) as http:
        invoice = (
            await http.post(path_of("createInvoice"), json=invoice_body(**{NEW_FIELD: "ana@example.com"}))
        ).json()
    order = list(document["components"]["schemas"]["Invoice"]["properties"])
    assert list(invoice) == [name for name in order if name in invoice]


async def test_an_added_field_is_validated_as_the_spec_says(spelled: Spelling) -> None:
    async with _serving(spec_with_tenant_email(), spelled) as http:
        response = await http.post(path_of("createInvoice"), json=invoice_body(**{NEW_FIELD: "nobody"}))
    assert (response.status_code, response.json()) == (400, {"error": f"{NEW_FIELD}: 'nobody' is not a 'email'"})


def test_create_invoice_echoes_an_added_field_given_by_its_wire_name(spelled: Spelling) -> None:
    needs_operations("createInvoice")
    fake = FakePalomma(spec=spelled(spec_with_tenant_email()))
    invoice = fake.create_invoice(fields={NEW_FIELD: "ana@example.com"})
    assert invoice[NEW_FIELD] == "ana@example.com"
    assert fake.invoice(invoice["id"]) == invoice


async def test_with_the_shipped_spec_the_same_field_is_kept_but_not_shown(fake: FakePalomma) -> None:
    needs_operations("createInvoice")
    invoice = fake.create_invoice(fields={NEW_FIELD: "ana@example.com"})
    assert NEW_FIELD not in invoice
    assert fake._state.store.require(invoice["id"]).fields[NEW_FIELD] == "ana@example.com"


async def test_a_field_the_spec_requires_on_invoices_but_never_sent_is_made_up(spelled: Spelling) -> None:
    create = path_of("createInvoice")
    document = load_shipped_spec()
    invoice_schema = document["components"]["schemas"]["Invoice"]
    invoice_schema["properties"]["portfolio"] = {"type": "string", "enum": ["residential", "commercial"]}
    invoice_schema["required"].append("portfolio")
    async with _serving(document, spelled) as http:
        invoice = (await http.post(create, json=invoice_body())).json()
    assert invoice["portfolio"] == "residential"


# --- limits and defaults the vendor changes --------------------------------------------------------------


async def test_a_changed_page_size_limit_and_default_apply_at_once(spelled: Spelling) -> None:
    needs_operations("createInvoice")
    listing = path_of("listInvoices")
    document = load_shipped_spec()
    limit = next(
        (
            parameter
            for parameter in _operation_node(document, "listInvoices").get("parameters", [])
            if parameter.get("name") == "limit"
        ),
        None,
    )
    if limit is None:
        pytest.skip("the spec's listInvoices has no `limit` parameter")
    limit["schema"].update(maximum=7, default=3)
    fake = FakePalomma(spec=spelled(document))
    for _ in range(8):
        fake.create_invoice()
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL, headers=AUTH
    ) as http:
        assert (await http.get(listing)).json()["count"] == 3
        assert (await http.get(listing, params={"limit": 7})).json()["count"] == 7
        too_many = await http.get(listing, params={"limit": 8})
    assert too_many.json() == {"error": "limit: 8 is greater than the maximum of 7"}


async def test_a_changed_amount_bound_applies_at_once(spelled: Spelling) -> None:
    create = path_of("createInvoice")
    document = load_shipped_spec()
    document["components"]["schemas"]["CreateInvoiceRequest"]["properties"]["amount"]["minimum"] = 10_000
    async with _serving(document, spelled) as http:
        response = await http.post(create, json=invoice_body(amount=9_999))
    assert response.json() == {"error": "amount: 9999 is less than the minimum of 10000"}


def test_the_fake_keeps_its_own_copy_of_the_spec(spelled: Spelling) -> None:
    needs_operations("createInvoice")
    document = spelled(load_shipped_spec())
    fake = FakePalomma(spec=document)
    document["components"]["schemas"]["CreateInvoiceRequest"]["properties"]["amount"]["minimum"] = 10**9
    assert fake.create_invoice(amount=10_000)["amount"] == 10_000


# --- routes and the base path ----------------------------------------------------------------------------


async def test_operations_live_under_the_first_servers_path(spelled: Spelling) -> None:
    document = load_shipped_spec()
    method, path = _a_route()
    async with _serving(load_shipped_spec(), spelled, base_url="http://fake.palomma.test") as http:
        where_it_was = await http.request(method, SPEC.base_path + path)
    assert where_it_was.json() != {"error": "Not Found"}
    moved = f"{SPEC.base_path}/moved"
    document["servers"] = [{"url": f"https://api.palomma.com{moved}"}]
    async with _serving(document, spelled, base_url="http://fake.palomma.test") as http:
        where_it_is = await http.request(method, moved + path)
        assert (where_it_is.status_code, where_it_is.json()) == (where_it_was.status_code, where_it_was.json())
        assert (await http.request(method, SPEC.base_path + path)).json() == {"error": "Not Found"}


async def test_servers_under_different_paths_each_reach_the_operations(spelled: Spelling) -> None:
    # A vendor moves production to a new path and keeps the sandbox where it was: a client of either
    # environment must reach the fake, which stands in for both.
    document = load_shipped_spec()
    method, path = _a_route()
    async with _serving(load_shipped_spec(), spelled, base_url="http://fake.palomma.test") as http:
        where_it_was = await http.request(method, SPEC.base_path + path)
    moved = f"{SPEC.base_path}/moved"
    document["servers"] = [
        {"url": f"https://api.palomma.com{moved}", "description": "Production"},
        {"url": f"https://sandbox.palomma.com{SPEC.base_path}", "description": "Sandbox"},
    ]
    async with _serving(document, spelled, base_url="http://fake.palomma.test") as http:
        answers = [await http.request(method, base + path) for base in (moved, SPEC.base_path)]
        elsewhere = await http.request(method, f"{SPEC.base_path}-elsewhere{path}")
    assert where_it_was.json() != {"error": "Not Found"}
    assert [(answer.status_code, answer.json()) for answer in answers] == [
        (where_it_was.status_code, where_it_was.json())
    ] * 2
    assert (elsewhere.status_code, elsewhere.json()) == (404, {"error": "Not Found"})


async def test_a_first_server_with_variables_puts_operations_under_its_path_at_their_defaults(
    spelled: Spelling,
) -> None:
    document = load_shipped_spec()
    document["servers"] = [
        {
            "url": "https://{region}.palomma.example/{version}",
            "variables": {"region": {"default": "co"}, "version": {"default": "v3"}},
        }
    ]
    method, path = _a_route()
    async with _serving(load_shipped_spec(), spelled) as http:
        where_it_was = await http.request(method, path)
    async with _serving(document, spelled, base_url="http://fake.palomma.test") as http:
        where_it_is = await http.request(method, "/v3" + path)
    assert where_it_was.json() != {"error": "Not Found"}
    assert (where_it_is.status_code, where_it_is.json()) == (where_it_was.status_code, where_it_was.json())


async def test_parameters_removed_from_the_spec_are_no_longer_checked(spelled: Spelling) -> None:
    item = next(
        (item for item in SPEC.operations if "{" not in item.path and any(map(_refuses_text, item.parameters))),
        None,
    )
    if item is None:
        pytest.skip("no operation of the spec without path parameters has a query parameter refusing free text")
    parameter = next(filter(_refuses_text, item.parameters))
    document = load_shipped_spec()
    node = _operation_node(document, item.operation_id)
    node["parameters"] = [
        entry for entry in node.get("parameters", []) if "$ref" in entry or entry.get("in") != "query"
    ]
    document["paths"][item.path].pop("parameters", None)
    async with _serving(load_shipped_spec(), spelled) as http:
        checked = await http.request(item.method, item.path, params={parameter.name: "not checked any more"})
    async with _serving(document, spelled) as http:
        unchecked = await http.request(item.method, item.path, params={parameter.name: "not checked any more"})
    assert checked.status_code == 400
    assert unchecked.status_code != 400, unchecked.text


# --- documents the fake cannot serve ------------------------------------------------------------------------


def _operation_node(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    """The operation object with this id in ``document``; the test skips when there is none."""
    for item in document["paths"].values():
        for node in item.values():
            if isinstance(node, dict) and node.get("operationId") == operation_id:
                return node
    pytest.skip(f"the spec has no operation {operation_id!r}")


def _refuses_text(parameter: Parameter) -> bool:
    """Whether a query parameter's rules refuse some text: a type other than string, an enum, a format, a pattern."""
    schema = parameter.schema
    rules = ("enum", "format", "pattern")
    return parameter.location == "query" and (schema.get("type") != "string" or any(rule in schema for rule in rules))


def _a_route() -> tuple[str, str]:
    """The method and path (below the base path, parameters filled in) of an operation of the spec."""
    item = an_operation()
    return item.method, re.sub(r"\{[^}]+\}", "x", item.path)


def _without_operation(operation_id: str) -> dict[str, Any]:
    document = load_shipped_spec()
    for item in document["paths"].values():
        named = [
            key for key, node in item.items() if isinstance(node, dict) and node.get("operationId") == operation_id
        ]
        for method in named:
            del item[method]
    return document


@pytest.mark.parametrize("operation_id", sorted(MODELED_OPERATIONS))
async def test_a_spec_without_an_operation_the_fake_models_serves_the_rest(
    operation_id: str, caplog: pytest.LogCaptureFixture, spelled: Spelling
) -> None:
    document = _without_operation(operation_id)
    fake = FakePalomma(spec=spelled(document), clock=FakeClock(START))

    assert f"does not model {operation_id}: the spec has no such operation" in caplog.text
    served = [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, node in item.items()
        if isinstance(node, dict) and node.get("operationId") in MODELED_OPERATIONS
    ]
    assert served
    transport = httpx2.ASGITransport(app=fake.app)
    hooks = sending_required_parameters(ApiSpec(spelled(document)))
    async with httpx2.AsyncClient(transport=transport, base_url=FAKE_BASE_URL, headers=AUTH, event_hooks=hooks) as http:
        for method, path in served:
            filled = path.replace("{id}", "01HQY8EW1H9YGH5PAV5Y2M9R3T").replace("{date}", "2026-03-11")
            filled = filled.replace("{cycle}", "13")
            response = await http.request(method, filled, json=invoice_body() if method == "POST" else None)
            # Served by the spec's remaining operations: never a crash of the fake.
            assert response.status_code in (200, 404), (method, path, response.text)


def test_create_invoice_says_so_when_the_spec_has_no_create_operation(spelled: Spelling) -> None:
    needs_operations("createInvoice")
    fake = FakePalomma(spec=spelled(_without_operation("createInvoice")))
    with pytest.raises(FeatureUnavailableError, match=r"FakePalomma\.create_invoice is unavailable") as caught:
        fake.create_invoice()
    assert caught.value.missing == ("the operation `createInvoice` with a request body",)


async def test_a_renamed_modelled_operation_is_answered_from_the_spec(
    caplog: pytest.LogCaptureFixture, spelled: Spelling
) -> None:
    path = path_of("getInvoice", "01HQY8EW1H9YGH5PAV5Y2M9R3T")
    document = load_shipped_spec()
    _operation_node(document, "getInvoice")["operationId"] = "retrieveInvoice"
    async with _serving(document, spelled) as http:
        response = await http.get(path)
    assert "does not model getInvoice" in caplog.text
    assert response.status_code == 200
    assert response.headers[EXAMPLE_HEADER] in ("example", "synthesized")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"openapi": "2.0"}, "serves OpenAPI 3.0 and 3.1 documents"),
        ({"openapi": "3.2.0"}, "serves OpenAPI 3.0 and 3.1 documents"),
        ({"paths": {}}, "has no paths"),
    ],
)
def test_documents_the_fake_cannot_read_are_refused_as_value_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FakePalomma(spec={**load_shipped_spec(), **changes})


def test_a_reference_outside_the_document_is_refused(spelled: Spelling) -> None:
    item = next((item for item in SPEC.operations if item.parameters), None)
    if item is None:
        pytest.skip("no operation of the spec has a parameter")
    document = load_shipped_spec()
    node = _operation_node(document, item.operation_id)
    node["parameters"] = [{"$ref": "other.yaml#/components/parameters/Id"}, *node.get("parameters", [])[1:]]
    with pytest.raises(SpecError, match="Only references within the document"):
        FakePalomma(spec=spelled(document))
