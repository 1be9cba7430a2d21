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
    NotFoundError,
    PalommaClient,
    PalommaError,
)
from palomma_client.testing import FakePalomma
from tests.spec_calls import SpecCall, a_call, call_at, call_of, field, is_member
from tests.support import seeded_invoice
from tests.testing.support import START, body_properties, listed_values, needs, query_schema

NEW_INVOICE: dict[str, Any] = {
    "reference": "INV-2026-0001",
    "amount": 1_850_000,
    "description": "Canon de arrendamiento marzo 2026",
    "redirect_url": "https://merchant.example.com/payments/return",
    "customer_document_number": "900123456",
}


def _create(**changes: Any) -> SpecCall:
    """A createInvoice call of `NEW_INVOICE` with changes; the test skips when the spec has no createInvoice."""
    return call_of("createInvoice", **{**NEW_INVOICE, **changes})


def _list(**filters: Any) -> SpecCall:
    """A listInvoices call with filters; the test skips when the spec has no listInvoices."""
    return call_of("listInvoices", **filters)


def _limit() -> dict[str, Any]:
    _list()
    return query_schema("listInvoices", "limit")


def _a_listed(role: str, name: str) -> str:
    """A value the spec lists for the invoice's or settlement's `name`; the test skips when it lists none."""
    values = listed_values(role, name)
    if not values:
        pytest.skip(f"the spec lists no values for the {role}'s `{name}`")
    return str(values[-1])


async def _outcome(call: SpecCall, palomma: PalommaClient) -> tuple[str, Any]:
    """What a call gave: its value, or the type and message of the API error it raised."""
    try:
        return "returned", await call(palomma)
    except PalommaError as error:
        return "raised", (type(error), str(error))


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
    create = _create()
    invoice = await create(palomma)
    assert type(invoice) is type(create.expected)
    assert is_member(field(invoice, "status"), "ready")
    contract = body_properties("createInvoice")["contract"]["default"]
    sent = (field(invoice, "reference"), field(invoice, "amount"), field(invoice, "contract"))
    assert sent == (NEW_INVOICE["reference"], NEW_INVOICE["amount"], contract)
    assert field(invoice, "createdAt") == "2026-03-11T16:32:14.007Z"
    assert field(invoice, "expirationDate") == "2026-03-11T16:37:14.007Z"
    invoice_id = field(invoice, "id")
    assert field(invoice, "paymentUrl") == f"https://pagos.palomma.com/pay/merchant_test/{invoice_id}"
    assert invoice.to_dict() == fake.invoice(invoice_id)


async def test_create_sends_the_optional_fields(fake: FakePalomma, palomma: PalommaClient) -> None:
    _create()
    document_type = body_properties("createInvoice")["documentType"]["enum"][0]
    create = _create(document_type=document_type, customer_name="Inmobiliaria Ejemplo SAS", contract="CTR-8842")
    invoice = await create(palomma)
    assert (field(invoice, "customerName"), field(invoice, "contract")) == ("Inmobiliaria Ejemplo SAS", "CTR-8842")
    assert fake.requests[-1].json()["documentType"] == document_type


async def test_a_duplicate_reference_is_a_bad_request(fake: FakePalomma, palomma: PalommaClient) -> None:
    create = _create()
    await create(palomma)
    with pytest.raises(BadRequestError) as raised:
        await create(palomma)
    assert raised.value.message == f"An invoice with reference '{NEW_INVOICE['reference']}' already exists"
    assert len(fake.invoices()) == 1


async def test_a_wrong_api_key_is_an_authentication_error(fake: FakePalomma, sleeps: Sleeps) -> None:
    call = a_call(bearer_key=True)
    async with fake.client(api_key="sk_test_wrong", sleep=sleeps) as palomma:
        with pytest.raises(AuthenticationError) as raised:
            await call(palomma)
    assert raised.value.message == "Invalid or missing token"
    assert _requests(fake) == [_line(call, 401)]
    assert fake.invoices() == []


# --- getInvoice ------------------------------------------------------------------------------------


async def test_get_returns_the_invoice(fake: FakePalomma, palomma: PalommaClient) -> None:
    seeded = seeded_invoice(fake, customer_name="Ana")
    invoice = await call_at("getInvoice", seeded["id"])(palomma)
    assert invoice.to_dict() == seeded


async def test_get_of_an_unknown_id_is_not_found(palomma: PalommaClient) -> None:
    with pytest.raises(NotFoundError) as raised:
        await call_at("getInvoice", "01HQY8EW1H9YGH5PAV5Y2M9R3T")(palomma)
    assert raised.value.message == "Invoice not found"


# --- listInvoices ----------------------------------------------------------------------------------


async def test_listing_nothing_yields_nothing_with_one_request(fake: FakePalomma, palomma: PalommaClient) -> None:
    assert await _list()(palomma).to_list() == []
    assert len(fake.requests) == 1


async def test_exactly_one_full_page_takes_one_request(fake: FakePalomma, palomma: PalommaClient) -> None:
    limit = _limit()
    created = [seeded_invoice(fake)["id"] for _ in range(limit["default"])]
    pages = [page async for page in _list()(palomma).pages()]
    assert [len(page.items) for page in pages] == [limit["default"]]
    assert pages[0].cursor is None
    assert [field(invoice, "id") for invoice in pages[0].items] == created[::-1]
    assert len(fake.requests) == 1


async def test_the_smallest_limit_pages_through_three_pages(fake: FakePalomma, palomma: PalommaClient) -> None:
    smallest = _limit()["minimum"]
    created = [seeded_invoice(fake)["id"] for _ in range(3 * smallest)]
    invoices = await _list(limit=smallest)(palomma).to_list()
    assert [field(invoice, "id") for invoice in invoices] == created[::-1]
    assert [request.params.get("limit") for request in fake.requests] == [str(smallest)] * 3
    assert "cursor" not in fake.requests[0].params
    assert all("cursor" in request.params for request in fake.requests[1:])


async def test_the_largest_limit_pages_one_and_a_half_pages_in_two_requests(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    largest = _limit()["maximum"]
    for _ in range(largest + largest // 2):
        seeded_invoice(fake)
    pages = [page async for page in _list(limit=largest)(palomma).pages()]
    assert [len(page.items) for page in pages] == [largest, largest // 2]
    assert len({field(invoice, "id") for page in pages for invoice in page.items}) == largest + largest // 2


async def test_max_items_stops_early(fake: FakePalomma, palomma: PalommaClient) -> None:
    for _ in range(5):
        seeded_invoice(fake)
    assert len(await _list(limit=2)(palomma, max_items=3).to_list()) == 3
    assert len(fake.requests) == 2


async def test_every_filter_reaches_the_fake(fake: FakePalomma, palomma: PalommaClient) -> None:
    _list()
    plain = seeded_invoice(fake, reference="A-1", customer_document_number="111", contract="CTR-1")
    paid = seeded_invoice(fake, reference="A-2", customer_document_number="111", contract="CTR-1")
    late = seeded_invoice(fake, reference="B-1", customer_document_number="222")
    fake.pay(paid["id"], at=datetime(2026, 3, 11, 15, 0, tzinfo=UTC))  # 10:00 Colombia: cycle 11
    fake.pay(late["id"], at=datetime(2026, 3, 11, 22, 0, tzinfo=UTC))  # 17:00 Colombia: cycle 18

    async def ids(**filters: Any) -> set[str]:
        return {field(invoice, "id") async for invoice in _list(**filters)(palomma)}

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
    seeded = seeded_invoice(fake, reference="INV-9")
    found = await palomma.invoices.find_by_reference("INV-9")
    assert found is not None
    assert field(found, "id") == seeded["id"]
    assert await palomma.invoices.find_by_reference("INV-10") is None


# --- getSettlement ---------------------------------------------------------------------------------


async def test_a_settlement_reflects_the_payments_of_its_cycle(fake: FakePalomma, palomma: PalommaClient) -> None:
    get = call_at("getSettlement", date(2026, 3, 11), "13")
    paid = seeded_invoice(fake)
    needs("settlement", "status", "processing", "paid")
    fake.pay(paid["id"])
    settlement = await get(palomma)
    assert type(settlement) is type(get.expected)
    assert is_member(field(settlement, "status"), "processing")
    fee = fake.fee_for(1_850_000)
    counts = (field(settlement, "numberOfInvoices"), field(settlement, "amountCollected"), field(settlement, "fees"))
    assert counts == (1, 1_850_000, fee)
    flags = (field(settlement, "feesPostpaid"), field(settlement, "adjustments"), field(settlement, "gateway"))
    assert flags == (False, 0, False)
    assert field(settlement, "paymentAmount") == 1_850_000 - fee
    fake.clock.advance(timedelta(hours=1, minutes=28))  # 13:00:14 in Colombia
    assert is_member(field(await call_at("getSettlement", "2026-03-11", "13")(palomma), "status"), "paid")


async def test_an_empty_settlement_is_not_found(palomma: PalommaClient) -> None:
    with pytest.raises(NotFoundError) as raised:
        await call_at("getSettlement", "2026-03-11", "13")(palomma)
    assert raised.value.message == "Settlement not found"


# --- simulation controls, seen through the SDK -----------------------------------------------------


async def test_a_paid_invoice_carries_its_payment(fake: FakePalomma, palomma: PalommaClient) -> None:
    create = _create()
    needs("invoice", "status", "paid")
    method, source = _a_listed("invoice", "paymentMethod"), _a_listed("invoice", "paymentSource")
    created = await create(palomma)
    get = call_at("getInvoice", field(created, "id"))
    fake.pay(field(created, "id"), method=method, source=source)
    invoice = await get(palomma)
    assert is_member(field(invoice, "status"), "paid")
    assert is_member(field(invoice, "paymentMethod"), method)
    assert is_member(field(invoice, "paymentSource"), source)
    assert field(invoice, "paymentDate") == START
    assert field(invoice, "paymentAmount") == NEW_INVOICE["amount"]
    assert (field(invoice, "settlementDate"), field(invoice, "settlementTime")) == ("2026-03-11", "13")
    assert isinstance(field(invoice, "paymentId"), str)


async def test_cancelled_expired_and_charged_back_invoices(fake: FakePalomma, palomma: PalommaClient) -> None:
    listing, settlement = _list(), call_at("getSettlement", "2026-03-11", "13")
    _create()
    needs("invoice", "status", "cancelled", "chargeback")
    cancelled = await _create(reference="C")(palomma)
    expired = await _create(reference="E")(palomma)
    refunded = await _create(reference="R")(palomma)
    fake.cancel(field(cancelled, "id"))
    fake.pay(field(refunded, "id"))
    fake.chargeback(field(refunded, "id"))
    fake.clock.advance(timedelta(minutes=5))
    statuses = {field(invoice, "reference"): field(invoice, "status") async for invoice in listing(palomma)}
    assert statuses.keys() == {"C", "E", "R"}
    assert is_member(statuses["C"], "cancelled")
    assert is_member(statuses["E"], "cancelled")
    assert is_member(statuses["R"], "chargeback")
    read_back = await call_at("getInvoice", field(expired, "id"))(palomma)
    assert field(read_back, "expirationDate") == field(expired, "expirationDate")
    assert field(await settlement(palomma), "adjustments") == -NEW_INVOICE["amount"]


# --- faults ----------------------------------------------------------------------------------------


async def test_a_503_on_a_read_is_retried(fake: FakePalomma, palomma: PalommaClient, sleeps: Sleeps) -> None:
    read = a_call("GET")
    outcome = await _outcome(read, palomma)
    [(_, path, status)] = _requests(fake)
    fake.requests = []
    fake.fail_next(503, method="GET")
    assert await _outcome(read, palomma) == outcome
    assert _requests(fake) == [("GET", path, 503), ("GET", path, status)]
    assert len(sleeps.delays) == 1


async def test_retry_after_is_honoured(fake: FakePalomma, palomma: PalommaClient, sleeps: Sleeps) -> None:
    read = a_call("GET")
    outcome = await _outcome(read, palomma)
    fake.fail_next(429, retry_after=3)
    assert await _outcome(read, palomma) == outcome
    assert sleeps.delays == [3.0]


async def test_a_persistent_500_surfaces_after_the_retries(fake: FakePalomma, palomma: PalommaClient) -> None:
    read = a_call("GET")
    fake.fail_next(500, times=None, error="Database unavailable")
    with pytest.raises(InternalServerError) as raised:
        await read(palomma)
    assert raised.value.message == "Database unavailable"
    assert len(fake.requests) == palomma.max_retries + 1


def _line(call: SpecCall, status: int) -> tuple[str, str, int]:
    method, path = call.line.split(" ", 1)
    return method, path, status


async def test_a_create_answered_500_after_taking_effect_returns_the_existing_invoice(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    create, lookup = _create(), _list(reference=NEW_INVOICE["reference"])
    fake.fail_after_processing(500, method=create.http_method, path=create.path)
    invoice = await create(palomma)
    [only] = fake.invoices()
    assert field(invoice, "id") == only["id"]
    assert field(invoice, "reference") == NEW_INVOICE["reference"]
    assert _requests(fake) == [_line(create, 500), _line(lookup, 200)]
    assert fake.requests[1].params["reference"] == NEW_INVOICE["reference"]


async def test_a_create_that_failed_before_taking_effect_is_sent_again_once(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    create, lookup = _create(), _list(reference=NEW_INVOICE["reference"])
    fake.fail_next(503, method=create.http_method)
    invoice = await create(palomma)
    assert [item["id"] for item in fake.invoices()] == [field(invoice, "id")]
    requests = _requests(fake)
    # The create failed after maybe taking effect: the reference is looked up over the grace period, then created.
    assert requests[0] == _line(create, 503)
    assert requests[-1] == _line(create, 200)
    assert set(requests[1:-1]) == {_line(lookup, 200)}


async def test_a_create_rate_limited_is_retried_without_a_lookup(fake: FakePalomma, palomma: PalommaClient) -> None:
    create = _create()
    fake.fail_next(429, method=create.http_method, retry_after=1)
    await create(palomma)
    assert _requests(fake) == [_line(create, 429), _line(create, 200)]
    assert len(fake.invoices()) == 1


async def test_latency_goes_through_the_fakes_sleep(fake: FakePalomma, palomma: PalommaClient) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    call = a_call()
    fake.sleep = sleep
    fake.delay_next(4.0, method=call.http_method)
    await _outcome(call, palomma)
    assert slept == [4.0]
