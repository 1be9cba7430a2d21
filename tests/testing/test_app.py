"""The fake over HTTP: auth, the four operations, pagination, errors and faults, as a client sees them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx2
import pytest

from palomma_client.testing import FAKE_BASE_URL, FakePalomma
from tests.testing.conftest import AUTH, invoice_body

ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


async def _create(http: httpx2.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await http.post("/invoices", json=invoice_body(**changes))
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


# --- authentication --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk_live_somebody_else"},
        {"Authorization": "Basic c2tfdGVzdF9wYWxvbW1hX2Zha2U6"},
        {"Authorization": "sk_test_palomma_fake"},
        {"Authorization": "Bearer"},
    ],
)
async def test_requests_without_an_accepted_bearer_token_get_401(fake: FakePalomma, headers: dict[str, str]) -> None:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        response = await client.get("/invoices", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid or missing token"}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_the_bearer_scheme_is_case_insensitive(fake: FakePalomma) -> None:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        response = await client.get("/invoices", headers={"Authorization": "bearer sk_test_palomma_fake"})
    assert response.status_code == 200


async def test_every_configured_key_is_accepted() -> None:
    fake = FakePalomma(api_keys=["key_one", "key_two"])
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        statuses = [
            (await client.get("/invoices", headers={"Authorization": f"Bearer {key}"})).status_code
            for key in ("key_one", "key_two", "sk_test_palomma_fake")
        ]
    assert statuses == [200, 200, 401]


async def test_a_failed_authentication_creates_nothing(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    response = await http.post("/invoices", json=invoice_body(), headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert fake.invoices() == []


# --- createInvoice ---------------------------------------------------------------------------------


async def test_create_returns_a_ready_invoice_shaped_like_the_spec_example(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    created = await _create(http, customerName="Inmobiliaria Ejemplo SAS")
    assert ULID.fullmatch(created["id"])
    assert created == {
        "id": created["id"],
        "reference": "INV-2026-0001",
        "status": "ready",
        "amount": 1850000,
        "description": "Canon de arrendamiento marzo 2026",
        "contract": "00000",
        "expirationDate": "2026-03-11T16:37:14.007Z",
        "customerDocumentNumber": "900123456",
        "customerName": "Inmobiliaria Ejemplo SAS",
        "createdAt": "2026-03-11T16:32:14.007Z",
        "paymentUrl": f"https://pagos.palomma.com/pay/merchant_test/{created['id']}",
    }
    assert fake.invoice(created["id"]) == created


async def test_create_keeps_the_given_contract_and_omits_absent_optional_fields(http: httpx2.AsyncClient) -> None:
    created = await _create(http, contract="CTR-8842", documentType="cc")
    assert created["contract"] == "CTR-8842"
    assert "customerName" not in created
    assert "documentType" not in created  # not part of the Invoice schema


async def test_ids_follow_creation_order(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    first = await _create(http, reference="A")
    fake.clock.advance(timedelta(milliseconds=1))
    second = await _create(http, reference="B")
    third = await _create(http, reference="C")
    assert first["id"] < second["id"] < third["id"]


async def test_the_merchant_id_appears_in_payment_urls() -> None:
    fake = FakePalomma(merchant_id="merchant_123")
    created = fake.create_invoice()
    assert created["paymentUrl"] == f"https://pagos.palomma.com/pay/merchant_123/{created['id']}"


async def test_a_duplicate_reference_is_rejected_with_400(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    original = await _create(http)
    fake.cancel(original["id"])
    response = await http.post("/invoices", json=invoice_body(amount=5_000))
    assert response.status_code == 400
    assert response.json() == {"error": "An invoice with reference 'INV-2026-0001' already exists"}
    assert len(fake.invoices()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", "Invalid JSON in request body"),
        (b"", "Invalid JSON in request body"),
        (b'{"reference": "INV-1", "amount": 1850000.0}', "Amount must be an integer"),
        (b'{"reference": "INV-1", "amount": "1850000"}', "Amount must be an integer"),
        (b'{"reference": "INV-1", "amount": 100}', "Amount must be between 3000 and 550000000"),
        (b'{"amount": 5000}', "reference is required"),
        (b"[]", "Request body must be a JSON object"),
    ],
)
async def test_invalid_bodies_get_400_naming_the_problem(
    fake: FakePalomma, http: httpx2.AsyncClient, content: bytes, message: str
) -> None:
    response = await http.post("/invoices", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert fake.invoices() == []


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_a_body_that_is_not_declared_as_json_is_rejected(
    http: httpx2.AsyncClient, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = await http.post(
        "/invoices", content=httpx2.Request("POST", "/", json=invoice_body()).content, headers=headers
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Content-Type must be application/json"}


async def test_a_json_content_type_with_parameters_is_accepted(http: httpx2.AsyncClient) -> None:
    content = httpx2.Request("POST", "/", json=invoice_body()).content
    response = await http.post(
        "/invoices", content=content, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200


# --- getInvoice ------------------------------------------------------------------------------------


async def test_get_returns_the_invoice_as_it_is_now(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    created = await _create(http)
    fake.pay(created["id"])
    response = await http.get(f"/invoices/{created['id']}")
    assert response.status_code == 200
    assert response.json() == fake.invoice(created["id"])
    assert response.json()["status"] == "paid"


@pytest.mark.parametrize("invoice_id", ["01HQY8EW1H9YGH5PAV5Y2M9R3T", "nope", "%20"])
async def test_get_answers_404_for_unknown_ids(http: httpx2.AsyncClient, invoice_id: str) -> None:
    response = await http.get(f"/invoices/{invoice_id}")
    assert response.status_code == 404
    assert response.json() == {"error": "Invoice not found"}


async def test_get_sees_expiry_on_the_fake_clock(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    created = await _create(http)
    fake.clock.advance(timedelta(minutes=4, seconds=59, milliseconds=999))
    assert (await http.get(f"/invoices/{created['id']}")).json()["status"] == "ready"
    fake.clock.advance(timedelta(milliseconds=1))
    expired = (await http.get(f"/invoices/{created['id']}")).json()
    assert expired["status"] == "cancelled"
    assert expired["expirationDate"] == created["expirationDate"]


# --- listInvoices ----------------------------------------------------------------------------------


async def test_an_empty_list_has_no_items_and_no_cursor(http: httpx2.AsyncClient) -> None:
    response = await http.get("/invoices")
    assert response.status_code == 200
    assert response.json() == {"items": [], "cursor": None, "count": 0}


async def test_list_is_newest_first_with_a_default_page_of_20(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    created = [fake.create_invoice()["id"] for _ in range(25)]
    page = (await http.get("/invoices")).json()
    assert page["count"] == 20
    assert [item["id"] for item in page["items"]] == created[::-1][:20]
    rest = (await http.get("/invoices", params={"cursor": page["cursor"]})).json()
    assert [item["id"] for item in rest["items"]] == created[::-1][20:]
    assert rest["cursor"] is None
    assert rest["count"] == 5


async def test_a_page_that_holds_exactly_the_last_items_has_no_cursor(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    for _ in range(4):
        fake.create_invoice()
    first = (await http.get("/invoices", params={"limit": 2})).json()
    assert first["count"] == 2
    assert first["cursor"] is not None
    second = (await http.get("/invoices", params={"limit": 2, "cursor": first["cursor"]})).json()
    assert second["count"] == 2
    assert second["cursor"] is None  # never a cursor to an empty page


async def test_limit_1_walks_every_invoice_once(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    created = [fake.create_invoice()["id"] for _ in range(3)]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 1}
    while True:
        page = (await http.get("/invoices", params=params)).json()
        assert page["count"] == 1
        seen.extend(item["id"] for item in page["items"])
        if page["cursor"] is None:
            break
        params["cursor"] = page["cursor"]
    assert seen == created[::-1]


async def test_limit_100_is_the_largest_page(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    for _ in range(101):
        fake.create_invoice(amount=3_000)
    page = (await http.get("/invoices", params={"limit": 100})).json()
    assert page["count"] == 100
    assert page["cursor"] is not None
    assert (await http.get("/invoices", params={"limit": 101})).json() == {
        "error": "limit must be an integer between 1 and 100"
    }


async def test_a_cursor_keeps_its_place_when_newer_invoices_arrive(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    older = [fake.create_invoice()["id"] for _ in range(3)]
    first = (await http.get("/invoices", params={"limit": 2})).json()
    fake.create_invoice()
    second = (await http.get("/invoices", params={"limit": 2, "cursor": first["cursor"]})).json()
    assert [item["id"] for item in second["items"]] == [older[0]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "limit must be an integer between 1 and 100"),
        ({"limit": "abc"}, "limit must be an integer between 1 and 100"),
        ({"limit": "2.5"}, "limit must be an integer between 1 and 100"),
        ({"cursor": "garbage"}, "Invalid cursor"),
        ({"paymentDate": "11/03/2026"}, "paymentDate must be a date in YYYY-MM-DD format"),
        ({"settlementDate": "2026-13-01"}, "settlementDate must be a date in YYYY-MM-DD format"),
    ],
)
async def test_invalid_list_parameters_get_400(http: httpx2.AsyncClient, params: dict[str, str], message: str) -> None:
    response = await http.get("/invoices", params=params)
    assert response.status_code == 400
    assert response.json() == {"error": message}


async def test_every_filter_narrows_the_list(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    at_ten = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)  # 10:00 in Colombia: settles at 11
    tenant_a = fake.create_invoice(reference="A-1", customer_document_number="111", contract="CTR-1")
    tenant_a_paid = fake.create_invoice(reference="A-2", customer_document_number="111", contract="CTR-1")
    tenant_b_paid = fake.create_invoice(reference="B-1", customer_document_number="222")
    fake.pay(tenant_a_paid["id"], at=at_ten)
    fake.pay(tenant_b_paid["id"], at=datetime(2026, 3, 12, 2, 0, tzinfo=UTC))  # 21:00 on the 11th in Colombia

    async def ids(**params: str) -> set[str]:
        response = await http.get("/invoices", params=params)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    assert await ids(reference="A-1") == {tenant_a["id"]}
    assert await ids(reference="missing") == set()
    assert await ids(customerDocumentNumber="111") == {tenant_a["id"], tenant_a_paid["id"]}
    assert await ids(contract="CTR-1") == {tenant_a["id"], tenant_a_paid["id"]}
    assert await ids(contract="00000") == {tenant_b_paid["id"]}
    assert await ids(paymentDate="2026-03-11") == {tenant_a_paid["id"]}
    assert await ids(paymentDate="2026-03-12") == {tenant_b_paid["id"]}  # the UTC date shown in paymentDate
    assert await ids(settlementDate="2026-03-11") == {tenant_a_paid["id"]}
    assert await ids(settlementDate="2026-03-12") == {tenant_b_paid["id"]}
    assert await ids(settlementCycle="11") == {tenant_a_paid["id"], tenant_b_paid["id"]}
    assert await ids(settlementDate="2026-03-12", settlementCycle="11") == {tenant_b_paid["id"]}
    assert await ids(customerDocumentNumber="111", paymentDate="2026-03-11") == {tenant_a_paid["id"]}


# --- getSettlement ---------------------------------------------------------------------------------


async def test_a_settlement_adds_up_the_invoices_paid_into_its_cycle(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    for amount in (1_850_000, 3_000):
        fake.pay(fake.create_invoice(amount=amount)["id"])
    fake.pay(fake.create_invoice()["id"], at=fake.clock.now() + timedelta(hours=2))  # a later cycle
    response = await http.get("/settlements/2026-03-11/13")
    assert response.status_code == 200
    fees = fake.fee_for(1_850_000) + fake.fee_for(3_000)
    assert response.json() == {
        "date": "2026-03-11",
        "cycle": "13",
        "status": "processing",
        "numberOfInvoices": 2,
        "amountCollected": 1_853_000,
        "fees": fees,
        "feesPostpaid": False,
        "adjustments": 0,
        "gateway": False,
        "paymentAmount": 1_853_000 - fees,
    }


@pytest.mark.parametrize(
    "path", ["/settlements/2026-03-11/13", "/settlements/2026-03-11/1", "/settlements/1999-01-01/11"]
)
async def test_a_settlement_without_invoices_is_404(http: httpx2.AsyncClient, path: str) -> None:
    response = await http.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "Settlement not found"}


@pytest.mark.parametrize("settlement_date", ["2026-3-11", "yesterday", "2026-02-29"])
async def test_a_settlement_date_must_be_a_real_date(http: httpx2.AsyncClient, settlement_date: str) -> None:
    response = await http.get(f"/settlements/{settlement_date}/11")
    assert response.status_code == 400
    assert response.json() == {"error": "date must be a date in YYYY-MM-DD format"}


# --- everything else -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("DELETE", "/invoices", {"GET", "HEAD", "POST"}), ("PUT", "/invoices/x", {"GET", "HEAD"})],
)
async def test_unsupported_methods_get_405_with_allow(
    http: httpx2.AsyncClient, method: str, path: str, allowed: set[str]
) -> None:
    response = await http.request(method, path)
    assert response.status_code == 405
    assert response.json() == {"error": "Method Not Allowed"}
    assert set(response.headers["allow"].split(", ")) == allowed


@pytest.mark.parametrize("path", ["/v1/nothing", "/v1/invoices/", "/v2/invoices", "/", "/v1"])
async def test_unknown_paths_get_a_json_404_and_no_redirect(http: httpx2.AsyncClient, path: str) -> None:
    response = await http.get(f"http://fake.palomma.test{path}")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


async def test_every_request_is_recorded_with_its_answer(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    await http.post("/invoices", json=invoice_body(), headers={"X-Trace": "1"})
    await http.get("/invoices", params={"limit": 5})
    first, second = fake.requests
    assert (first.method, first.path, first.status) == ("POST", "/v1/invoices", 200)
    assert first.json() == invoice_body()
    assert first.headers["authorization"] == AUTH["Authorization"]
    assert first.headers["x-trace"] == "1"
    assert (second.method, second.query, second.params, second.status) == ("GET", "limit=5", {"limit": "5"}, 200)


# --- faults ----------------------------------------------------------------------------------------


async def test_fail_next_answers_without_acting(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    rule = fake.fail_next(503, retry_after=7, error="Down for maintenance")
    response = await http.post("/invoices", json=invoice_body())
    assert response.status_code == 503
    assert response.json() == {"error": "Down for maintenance"}
    assert response.headers["retry-after"] == "7"
    assert fake.invoices() == []
    assert rule.hits == 1
    assert (await http.post("/invoices", json=invoice_body())).status_code == 200


async def test_fail_next_comes_before_authentication(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    fake.fail_next(429)
    response = await http.get("/invoices", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 429
    assert response.json() == {"error": "Too Many Requests"}
    assert "retry-after" not in response.headers


async def test_faults_only_hit_matching_requests_and_only_as_often_as_asked(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    created = await _create(http)
    fake.fail_next(500, times=2, method="GET", path="/invoices/*")
    assert (await http.get("/invoices")).status_code == 200
    statuses = [(await http.get(f"/invoices/{created['id']}")).status_code for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert fake.faults == []


async def test_fail_after_processing_acts_then_answers_500(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    fake.fail_after_processing(method="POST", path="/invoices")
    response = await http.post("/invoices", json=invoice_body())
    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error"}
    [created] = fake.invoices()
    assert created["reference"] == "INV-2026-0001"
    assert fake.requests[-1].status == 500


async def test_delays_go_through_the_injected_sleep(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    fake.sleep = sleep
    fake.delay_next(2.5, method="GET")
    fake.delay_next(1.0, times=None, path="/settlements/*")
    await http.post("/invoices", json=invoice_body())
    await http.get("/invoices")
    await http.get("/invoices")
    await http.get("/settlements/2026-03-11/13")
    await http.get("/settlements/2026-03-11/13")
    assert slept == [2.5, 1.0, 1.0]


async def test_the_clock_can_absorb_delays_instead_of_real_time(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    fake.sleep = fake.clock.sleep
    fake.delay_next(301)
    created = (await http.post("/invoices", json=invoice_body())).json()
    assert created["createdAt"] == "2026-03-11T16:37:15.007Z"


def test_a_settlement_date_can_be_given_as_a_date(fake: FakePalomma) -> None:
    assert fake.settlement(date(2026, 3, 11), "13") is None
