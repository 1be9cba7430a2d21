"""The fake answers whatever schemathesis derives from openapi.yaml as the spec says it should."""

from __future__ import annotations

import asyncio

import httpx2
import schemathesis
from schemathesis import Case, GenerationMode

from palomma_client.testing import DEFAULT_API_KEY, FAKE_BASE_URL, FakePalomma
from tests.support import ROOT

CONFIG = schemathesis.Config.from_dict(
    {
        "headers": {"Authorization": f"Bearer {DEFAULT_API_KEY}"},
        "generation": {"mode": "all", "max-examples": 40, "deterministic": True, "database": "none"},
    }
)
FAKE = FakePalomma(seed=7)
schema = schemathesis.openapi.from_path(ROOT / "openapi.yaml", config=CONFIG)
schema.app = FAKE.app


def _seeded_fake() -> FakePalomma:
    fake = FAKE
    fake.reset()
    ready = fake.create_invoice(reference="SEED-READY", customer_name="Inmobiliaria Ejemplo SAS")
    paid = fake.create_invoice(reference="SEED-PAID", contract="CTR-8842")
    fake.pay(paid["id"], method="nequiButton", source="whatsapp")
    refunded = fake.create_invoice(reference="SEED-CHARGEBACK", document_type="nit")
    fake.pay(refunded["id"])
    fake.chargeback(refunded["id"])
    fake.cancel(fake.create_invoice(reference="SEED-CANCELLED")["id"])
    assert ready["status"] == "ready"
    return fake


@schema.parametrize()
def test_every_generated_request_gets_an_answer_that_conforms_to_the_spec(case: Case) -> None:
    fake = _seeded_fake()
    if case.query and "cursor" in case.query and case.meta and case.meta.generation.mode is GenerationMode.POSITIVE:
        # Any string is a valid cursor to the spec, but only cursors the fake handed out are to the fake.
        case.query["cursor"] = _first_page_cursor(fake)
    case.call_and_validate()


def _first_page_cursor(fake: FakePalomma) -> str:
    async def first_page() -> httpx2.Response:
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=fake.app),
            base_url=FAKE_BASE_URL,
            headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"},
        ) as client:
            return await client.get("/invoices", params={"limit": 1})

    cursor = asyncio.run(first_page()).json()["cursor"]
    assert isinstance(cursor, str)
    return cursor


async def test_invoices_in_every_status_and_their_settlements_conform_to_the_response_schemas() -> None:
    fake = _seeded_fake()
    headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL, headers=headers
    ) as client:
        listed = await client.get("/invoices")
        schema["/invoices"]["GET"].validate_response(listed)
        assert {item["status"] for item in listed.json()["items"]} == {"ready", "paid", "chargeback", "cancelled"}
        for item in listed.json()["items"]:
            found = await client.get(f"/invoices/{item['id']}")
            schema["/invoices/{id}"]["GET"].validate_response(found)
            if "settlementDate" in item:
                settlement = await client.get(f"/settlements/{item['settlementDate']}/{item['settlementTime']}")
                assert settlement.status_code == 200
                schema["/settlements/{date}/{cycle}"]["GET"].validate_response(settlement)
        errors = [
            ("/invoices", "POST", 400, await client.post("/invoices", json={})),
            ("/invoices", "GET", 401, await client.get("/invoices", headers={"Authorization": "Bearer wrong"})),
            ("/invoices/{id}", "GET", 404, await client.get("/invoices/01HQY8EW1H9YGH5PAV5Y2M9R3T")),
            ("/settlements/{date}/{cycle}", "GET", 404, await client.get("/settlements/2026-03-12/1")),
        ]
    for path, method, status, response in errors:
        assert response.status_code == status
        schema[path][method].validate_response(response)
