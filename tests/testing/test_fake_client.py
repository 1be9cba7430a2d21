"""PalommaClient against the fake, in process: every operation, filter, page edge, error, control and fault."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from palomma_client import (
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    Invoice,
    InvoicePaymentMethod,
    InvoicePaymentSource,
    InvoiceStatus,
    NotFoundError,
    PalommaClient,
    Settlement,
    SettlementStatus,
)
from palomma_client.testing import FakePalomma
from tests.testing.support import needs, query_schema

LIMIT = query_schema("listInvoices", "limit")

NEW_INVOICE: dict[str, Any] = {
    "reference": "INV-2026-0001",
    "amount": 1_850_000,
    "description": "Canon de arrendamiento marzo 2026",
    "redirect_url": "https://merchant.example.com/payments/return",
    "customer_document_number": "900123456",
}


class Sleeps:
    """Stands in for asyncio.sleep in the client's retries, remembering each delay."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def palomma(fake: FakePalomma, sleeps: Sleeps) -> AsyncIterator[PalommaClient]:
    async with fake.client(sleep=sleeps) as client:
        yield client


def _requests(fake: FakePalomma) -> list[tuple[str, str, int | None]]:
    return [(request.method, request.path, request.status) for request in fake.requests]


# --- createInvoice ---------------------------------------------------------------------------------


async def test_create_returns_the_new_ready_invoice(fake: FakePalomma, palomma: PalommaClient) -> None:
    invoice = await palomma.invoices.create(**NEW_INVOICE)
    assert isinstance(invoice, Invoice)
    assert invoice.status is InvoiceStatus("ready")
    assert (invoice.reference, invoice.amount, invoice.contract) == ("INV-2026-0001", 1_850_000, "00000")
    assert (invoice.created_at, invoice.expiration_date) == ("2026-03-11T16:32:14.007Z", "2026-03-11T16:37:14.007Z")
    assert invoice.payment_url == f"https://pagos.palomma.com/pay/merchant_test/{invoice.id}"
    assert invoice.to_dict() == fake.invoice(invoice.id)


async def test_create_sends_the_optional_fields(fake: FakePalomma, palomma: PalommaClient) -> None:
    invoice = await palomma.invoices.create(
        **NEW_INVOICE, document_type="nit", customer_name="Inmobiliaria Ejemplo SAS", contract="CTR-8842"
    )
    assert (invoice.customer_name, invoice.contract) == ("Inmobiliaria Ejemplo SAS", "CTR-8842")
    assert fake.requests[-1].json()["documentType"] == "nit"


async def test_a_duplicate_reference_is_a_bad_request(fake: FakePalomma, palomma: PalommaClient) -> None:
    await palomma.invoices.create(**NEW_INVOICE)
    with pytest.raises(BadRequestError) as raised:
        await palomma.invoices.create(**NEW_INVOICE)
    assert raised.value.message == "An invoice with reference 'INV-2026-0001' already exists"
    assert len(fake.invoices()) == 1


async def test_a_wrong_api_key_is_an_authentication_error(fake: FakePalomma, sleeps: Sleeps) -> None:
    async with fake.client(api_key="sk_test_wrong", sleep=sleeps) as palomma:
        with pytest.raises(AuthenticationError) as raised:
            await palomma.invoices.create(**NEW_INVOICE)
    assert raised.value.message == "Invalid or missing token"
    assert fake.invoices() == []


# --- getInvoice ------------------------------------------------------------------------------------


async def test_get_returns_the_invoice(fake: FakePalomma, palomma: PalommaClient) -> None:
    seeded = fake.create_invoice(customer_name="Ana")
    invoice = await palomma.invoices.get(seeded["id"])
    assert invoice.to_dict() == seeded


async def test_get_of_an_unknown_id_is_not_found(palomma: PalommaClient) -> None:
    with pytest.raises(NotFoundError) as raised:
        await palomma.invoices.get("01HQY8EW1H9YGH5PAV5Y2M9R3T")
    assert raised.value.message == "Invoice not found"


# --- listInvoices ----------------------------------------------------------------------------------


async def test_listing_nothing_yields_nothing_with_one_request(fake: FakePalomma, palomma: PalommaClient) -> None:
    assert await palomma.invoices.list().to_list() == []
    assert len(fake.requests) == 1


async def test_exactly_one_full_page_takes_one_request(fake: FakePalomma, palomma: PalommaClient) -> None:
    created = [fake.create_invoice()["id"] for _ in range(LIMIT["default"])]
    pages = [page async for page in palomma.invoices.list().pages()]
    assert [len(page.items) for page in pages] == [LIMIT["default"]]
    assert pages[0].cursor is None
    assert [invoice.id for invoice in pages[0].items] == created[::-1]
    assert len(fake.requests) == 1


async def test_the_smallest_limit_pages_through_three_pages(fake: FakePalomma, palomma: PalommaClient) -> None:
    smallest = LIMIT["minimum"]
    created = [fake.create_invoice()["id"] for _ in range(3 * smallest)]
    invoices = await palomma.invoices.list(limit=smallest).to_list()
    assert [invoice.id for invoice in invoices] == created[::-1]
    assert [request.params.get("limit") for request in fake.requests] == [str(smallest)] * 3
    assert "cursor" not in fake.requests[0].params
    assert all("cursor" in request.params for request in fake.requests[1:])


async def test_the_largest_limit_pages_one_and_a_half_pages_in_two_requests(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    largest = LIMIT["maximum"]
    for _ in range(largest + largest // 2):
        fake.create_invoice()
    pages = [page async for page in palomma.invoices.list(limit=largest).pages()]
    assert [len(page.items) for page in pages] == [largest, largest // 2]
    assert len({invoice.id for page in pages for invoice in page.items}) == largest + largest // 2


async def test_max_items_stops_early(fake: FakePalomma, palomma: PalommaClient) -> None:
    for _ in range(5):
        fake.create_invoice()
    assert len(await palomma.invoices.list(limit=2, max_items=3).to_list()) == 3
    assert len(fake.requests) == 2


async def test_every_filter_reaches_the_fake(fake: FakePalomma, palomma: PalommaClient) -> None:
    plain = fake.create_invoice(reference="A-1", customer_document_number="111", contract="CTR-1")
    paid = fake.create_invoice(reference="A-2", customer_document_number="111", contract="CTR-1")
    late = fake.create_invoice(reference="B-1", customer_document_number="222")
    fake.pay(paid["id"], at=datetime(2026, 3, 11, 15, 0, tzinfo=UTC))  # 10:00 Colombia: cycle 11
    fake.pay(late["id"], at=datetime(2026, 3, 11, 22, 0, tzinfo=UTC))  # 17:00 Colombia: cycle 18

    async def ids(**filters: Any) -> set[str]:
        return {invoice.id async for invoice in palomma.invoices.list(**filters)}

    assert await ids(reference="A-1") == {plain["id"]}
    assert await ids(customer_document_number="111") == {plain["id"], paid["id"]}
    assert await ids(contract="CTR-1") == {plain["id"], paid["id"]}
    assert await ids(payment_date=date(2026, 3, 11)) == {paid["id"], late["id"]}
    assert await ids(payment_date="2026-03-10") == set()
    assert await ids(settlement_date=date(2026, 3, 11)) == {paid["id"], late["id"]}
    assert await ids(settlement_cycle="11") == {paid["id"]}
    assert await ids(settlement_cycle="18") == {late["id"]}
    assert await ids(settlement_date="2026-03-11", settlement_cycle="18", customer_document_number="222") == {
        late["id"]
    }


async def test_find_by_reference_uses_the_reference_filter(fake: FakePalomma, palomma: PalommaClient) -> None:
    seeded = fake.create_invoice(reference="INV-9")
    found = await palomma.invoices.find_by_reference("INV-9")
    assert found is not None
    assert found.id == seeded["id"]
    assert await palomma.invoices.find_by_reference("INV-10") is None


# --- getSettlement ---------------------------------------------------------------------------------


async def test_a_settlement_reflects_the_payments_of_its_cycle(fake: FakePalomma, palomma: PalommaClient) -> None:
    needs("settlement", "status", "processing", "paid")
    fake.pay(fake.create_invoice()["id"])
    settlement = await palomma.settlements.get(date(2026, 3, 11), "13")
    assert isinstance(settlement, Settlement)
    assert settlement.status is SettlementStatus("processing")
    fee = fake.fee_for(1_850_000)
    assert (settlement.number_of_invoices, settlement.amount_collected, settlement.fees) == (1, 1_850_000, fee)
    assert (settlement.fees_postpaid, settlement.adjustments, settlement.gateway) == (False, 0, False)
    assert settlement.payment_amount == 1_850_000 - fee
    fake.clock.advance(timedelta(hours=1, minutes=28))  # 13:00:14 in Colombia
    assert (await palomma.settlements.get("2026-03-11", "13")).status is SettlementStatus("paid")


async def test_an_empty_settlement_is_not_found(palomma: PalommaClient) -> None:
    with pytest.raises(NotFoundError) as raised:
        await palomma.settlements.get("2026-03-11", "13")
    assert raised.value.message == "Settlement not found"


# --- simulation controls, seen through the SDK -----------------------------------------------------


async def test_a_paid_invoice_carries_its_payment(fake: FakePalomma, palomma: PalommaClient) -> None:
    created = await palomma.invoices.create(**NEW_INVOICE)
    fake.pay(created.id, method="bancolombiaButton", source="portal")
    invoice = await palomma.invoices.get(created.id)
    assert invoice.status is InvoiceStatus("paid")
    assert invoice.payment_method is InvoicePaymentMethod("bancolombiaButton")
    assert invoice.payment_source is InvoicePaymentSource("portal")
    assert invoice.payment_date == datetime(2026, 3, 11, 16, 32, 14, 7000, tzinfo=UTC)
    assert (invoice.payment_amount, invoice.settlement_date, invoice.settlement_time) == (1_850_000, "2026-03-11", "13")
    assert isinstance(invoice.payment_id, str)


async def test_cancelled_expired_and_charged_back_invoices(fake: FakePalomma, palomma: PalommaClient) -> None:
    needs("invoice", "status", "cancelled", "chargeback")
    cancelled = await palomma.invoices.create(**{**NEW_INVOICE, "reference": "C"})
    expired = await palomma.invoices.create(**{**NEW_INVOICE, "reference": "E"})
    refunded = await palomma.invoices.create(**{**NEW_INVOICE, "reference": "R"})
    fake.cancel(cancelled.id)
    fake.pay(refunded.id)
    fake.chargeback(refunded.id)
    fake.clock.advance(timedelta(minutes=5))
    statuses = {invoice.reference: invoice.status async for invoice in palomma.invoices.list()}
    cancelled_status, charged_back = InvoiceStatus("cancelled"), InvoiceStatus("chargeback")
    assert statuses == {"C": cancelled_status, "E": cancelled_status, "R": charged_back}
    assert (await palomma.invoices.get(expired.id)).expiration_date == expired.expiration_date
    settlement = await palomma.settlements.get("2026-03-11", "13")
    assert settlement.adjustments == -1_850_000


# --- faults ----------------------------------------------------------------------------------------


async def test_a_503_on_a_read_is_retried(fake: FakePalomma, palomma: PalommaClient, sleeps: Sleeps) -> None:
    seeded = fake.create_invoice()
    fake.fail_next(503, path="/invoices/*")
    assert (await palomma.invoices.get(seeded["id"])).id == seeded["id"]
    assert [status for _, _, status in _requests(fake)] == [503, 200]
    assert len(sleeps.delays) == 1


async def test_retry_after_is_honoured(fake: FakePalomma, palomma: PalommaClient, sleeps: Sleeps) -> None:
    fake.fail_next(429, retry_after=3)
    assert await palomma.invoices.list().to_list() == []
    assert sleeps.delays == [3.0]


async def test_a_persistent_500_surfaces_after_the_retries(fake: FakePalomma, palomma: PalommaClient) -> None:
    fake.fail_next(500, times=None, error="Database unavailable")
    with pytest.raises(InternalServerError) as raised:
        await palomma.settlements.get("2026-03-11", "13")
    assert raised.value.message == "Database unavailable"
    assert len(fake.requests) == palomma.max_retries + 1


async def test_a_create_answered_500_after_taking_effect_returns_the_existing_invoice(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    fake.fail_after_processing(500, method="POST", path="/invoices")
    invoice = await palomma.invoices.create(**NEW_INVOICE)
    [only] = fake.invoices()
    assert invoice.id == only["id"]
    assert invoice.reference == "INV-2026-0001"
    assert _requests(fake) == [("POST", "/v1/invoices", 500), ("GET", "/v1/invoices", 200)]
    assert fake.requests[1].params["reference"] == "INV-2026-0001"


async def test_a_create_that_failed_before_taking_effect_is_sent_again_once(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    fake.fail_next(503, method="POST")
    invoice = await palomma.invoices.create(**NEW_INVOICE)
    assert [item["id"] for item in fake.invoices()] == [invoice.id]
    requests = _requests(fake)
    # The create failed after maybe taking effect: the reference is looked up over the grace period, then created.
    assert requests[0] == ("POST", "/v1/invoices", 503)
    assert requests[-1] == ("POST", "/v1/invoices", 200)
    assert set(requests[1:-1]) == {("GET", "/v1/invoices", 200)}


async def test_a_create_rate_limited_is_retried_without_a_lookup(fake: FakePalomma, palomma: PalommaClient) -> None:
    fake.fail_next(429, method="POST", retry_after=1)
    await palomma.invoices.create(**NEW_INVOICE)
    assert _requests(fake) == [("POST", "/v1/invoices", 429), ("POST", "/v1/invoices", 200)]
    assert len(fake.invoices()) == 1


async def test_latency_goes_through_the_fakes_sleep(fake: FakePalomma, palomma: PalommaClient) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    fake.sleep = sleep
    fake.delay_next(4.0, method="POST")
    await palomma.invoices.create(**NEW_INVOICE)
    assert slept == [4.0]
