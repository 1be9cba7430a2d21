"""The checked-in openapi.yaml is a valid, complete description of the API."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from tests.conftest import ROOT

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        operation["operationId"]: (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_spec_passes_openapi_spec_validator() -> None:
    document, base_uri = read_from_filename(str(ROOT / "openapi.yaml"))
    validate(document, base_uri=base_uri)


def test_spec_is_openapi_3_0_3_with_both_servers_and_bearer_auth(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.0.3"
    assert [server["url"] for server in spec["servers"]] == [
        "https://api.palomma.com/v1",
        "https://sandbox.api.palomma.com/v1",
    ]
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "API Key",
        "description": "Send header: `Authorization: Bearer <apiKey>`.",
    }


def test_spec_has_exactly_the_four_operations(spec: dict[str, Any]) -> None:
    operations = {name: (method, path) for name, (method, path, _) in _operations(spec).items()}
    assert operations == {
        "createInvoice": ("POST", "/invoices"),
        "listInvoices": ("GET", "/invoices"),
        "getInvoice": ("GET", "/invoices/{id}"),
        "getSettlement": ("GET", "/settlements/{date}/{cycle}"),
    }


def test_documented_error_statuses(spec: dict[str, Any]) -> None:
    statuses = {name: sorted(operation["responses"]) for name, (_, _, operation) in _operations(spec).items()}
    assert statuses == {
        "createInvoice": ["200", "400", "401", "500"],
        "listInvoices": ["200", "400", "401", "500"],
        "getInvoice": ["200", "400", "401", "404", "500"],
        "getSettlement": ["200", "400", "401", "404", "500"],
    }


def test_every_ref_resolves(spec: dict[str, Any]) -> None:
    refs = _refs(spec)
    assert len(refs) > 10
    for ref in refs:
        assert ref.startswith("#/"), ref
        node: Any = spec
        for part in ref[2:].split("/"):
            assert isinstance(node, dict), ref
            assert part in node, f"{ref} does not resolve"
            node = node[part]


def test_settlement_schema_has_its_ten_required_fields_and_example(spec: dict[str, Any]) -> None:
    settlement = spec["components"]["schemas"]["Settlement"]
    assert settlement["required"] == [
        "date",
        "cycle",
        "status",
        "numberOfInvoices",
        "amountCollected",
        "fees",
        "feesPostpaid",
        "adjustments",
        "gateway",
        "paymentAmount",
    ]
    assert settlement["properties"]["status"]["enum"] == ["processing", "paid", "credited", "error"]
    operation = _operations(spec)["getSettlement"][2]
    example = operation["responses"]["200"]["content"]["application/json"]["examples"]["found"]["value"]
    assert example["amountCollected"] - example["fees"] + example["adjustments"] == example["paymentAmount"]


def test_seed_examples_are_kept(spec: dict[str, Any]) -> None:
    operations = _operations(spec)
    create = operations["createInvoice"][2]
    request_example = create["requestBody"]["content"]["application/json"]["examples"]["createInvoice"]["value"]
    assert request_example["reference"] == "INV-2026-0001"
    list_page = operations["listInvoices"][2]["responses"]["200"]["content"]["application/json"]["examples"]["page"]
    assert list_page["value"]["items"][0]["paymentId"] == "payin_8JkM2P"
    bad_request = spec["components"]["responses"]["BadRequest"]["content"]["application/json"]["examples"]
    assert {example["value"]["error"] for example in bad_request.values()} == {
        "Invalid JSON in request body",
        "Amount must be an integer",
    }
    assert operations["getInvoice"][2]["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
