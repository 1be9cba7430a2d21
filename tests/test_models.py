"""The models as users hold them: None for what the API left out, JSON out, and FastAPI response types."""

from __future__ import annotations

import json

import palomma_client.types
from palomma_client import Invoice, Settlement
from palomma_client._generated import models
from tests.support import created_invoice, example, settlement_body


def test_absent_optional_fields_read_as_none() -> None:
    invoice = Invoice.from_dict(created_invoice())
    assert invoice.payment_date is None
    assert invoice.payment_method is None
    assert invoice.payment_amount is None


def test_to_dict_and_to_json_give_the_apis_own_camel_case_json_and_leave_out_absent_fields() -> None:
    body = example("/invoices", "get", "page")["items"][0]
    invoice = Invoice.from_dict(body)

    assert invoice.to_dict()["customerDocumentNumber"] == body["customerDocumentNumber"]
    assert "expirationDate" not in invoice.to_dict()
    round_trip = json.loads(invoice.to_json())
    assert Invoice.from_dict(round_trip) == invoice
    assert round_trip["paymentMethod"] == body["paymentMethod"]


def test_the_types_module_exports_every_model_and_enum() -> None:
    assert set(palomma_client.types.__all__) == set(models.__all__)
    assert palomma_client.types.Invoice is Invoice


def test_a_fastapi_endpoint_returns_an_sdk_model_as_the_apis_json_and_documents_it() -> None:
    from fastapi import Body, FastAPI
    from fastapi.testclient import TestClient

    app = FastAPI()
    body = example("/invoices", "get", "page")["items"][0]

    @app.get("/rent/{invoice_id}", response_model=Invoice)
    async def rent(invoice_id: str) -> Invoice:
        return Invoice.from_dict({**body, "id": invoice_id})

    @app.get("/settlement")
    async def settlement() -> Settlement:
        return Settlement.from_dict(settlement_body())

    @app.post("/echo")
    async def echo(invoice: Invoice = Body()) -> Invoice:  # noqa: B008 - FastAPI's own idiom
        return invoice

    with TestClient(app) as http:
        answer = http.get("/rent/abc")
        assert answer.status_code == 200
        # The API's own JSON, camelCase; a date-time keeps its instant, though not its spelling.
        assert answer.json() == Invoice.from_dict({**body, "id": "abc"}).to_dict()
        assert answer.json()["customerDocumentNumber"] == body["customerDocumentNumber"]
        assert http.get("/settlement").json() == settlement_body()
        assert Invoice.from_dict(http.post("/echo", json=body).json()) == Invoice.from_dict(body)
        refused = http.post("/echo", json={**body, "amount": "lots"})
        assert refused.status_code == 422
        assert "amount" in refused.text

    document = app.openapi()
    answer_schema = document["paths"]["/rent/{invoice_id}"]["get"]["responses"]["200"]["content"]
    schema = answer_schema["application/json"]["schema"]
    assert schema["properties"]["customerDocumentNumber"]["type"] == "string"
    assert "status" in schema["required"]
    assert schema["properties"]["status"]["enum"] == Invoice.JSON_SCHEMA["properties"]["status"]["enum"]
