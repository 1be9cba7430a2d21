"""The checked-in openapi.yaml is a valid, complete description of the API."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from tests.support import ROOT

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


def test_every_operation_has_what_the_generator_needs(spec: dict[str, Any]) -> None:
    """An operationId, a tag, a summary and one documented JSON success: what a generated method is made of."""
    operations = _operations(spec)
    assert operations
    for name, (_, _, operation) in operations.items():
        assert operation.get("tags"), name
        assert operation.get("summary"), name
        success = [status for status in operation["responses"] if status.startswith("2")]
        assert len(success) == 1, name


def test_every_error_status_answers_the_documented_error_body(spec: dict[str, Any]) -> None:
    for name, (_, _, operation) in _operations(spec).items():
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert response["$ref"].startswith("#/components/responses/"), (name, status)


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


def test_the_settlement_example_balances(spec: dict[str, Any]) -> None:
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
