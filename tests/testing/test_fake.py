"""FakePalomma's Python side: seeding, simulation controls, the documented rules, reset and client()."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from palomma_client import APIStatusError, PalommaClient
from palomma_client.testing import DEFAULT_API_KEY, FAKE_BASE_URL, FakeClock, FakePalomma
from palomma_client.testing._fake import _invoice_shape
from tests.spec_calls import a_call, call_of, field
from tests.support import cases_or_skip, seeded_invoice
from tests.testing.support import (
    SPEC,
    START,
    body_properties,
    builds_no,
    enum,
    listed_values,
    made_up_value,
    needs,
    response_properties,
)


def _written(invoice: dict[str, Any], name: str) -> Any:
    """A field of an invoice the fake wrote; the test skips when the spec's invoice has no such field to write."""
    if name not in _invoice_shape(SPEC).invoice.names:
        pytest.skip(f"the spec's invoice has no field {name!r}")
    return invoice[name]


def test_create_invoice_seeds_with_defaults_and_numbered_references(fake: FakePalomma) -> None:
    first = seeded_invoice(fake)
    document_type = _create_rules()["documentType"]["enum"][0]
    second = seeded_invoice(fake, amount=5_000, customer_name="Ana", contract="CTR-1", document_type=document_type)
    assert (_written(first, "reference"), second["reference"]) == ("REF-0001", "REF-0002")
    contract = _create_rules()["contract"]["default"]
    assert (_written(first, "status"), first["contract"], first["createdAt"]) == (
        "ready",
        contract,
        "2026-03-11T16:32:14.007Z",
    )
    assert (second["amount"], second["customerName"], second["contract"]) == (5_000, "Ana", "CTR-1")
    assert fake.invoices() == [second, first]


def _create_rules() -> dict[str, dict[str, Any]]:
    """The rules of createInvoice's body by field; the test skips when the spec has no createInvoice."""
    if SPEC.operation("createInvoice") is None:
        pytest.skip("the spec has no operation 'createInvoice'")
    return body_properties("createInvoice")


def _listed(role: str, name: str) -> tuple[Any, ...]:
    """The values the spec lists for the invoice's or settlement's `name`; the test skips when it lists none."""
    values = listed_values(role, name)
    if not values:
        pytest.skip(f"the spec lists no values for the {role}'s `{name}`")
    return values


def _broken_create(case: str) -> tuple[dict[str, Any], str]:
    """Arguments of create_invoice that break one rule of the spec, and the fake's message for it."""
    rules = _create_rules()
    match case:
        case "amount-below-minimum":
            minimum = rules["amount"]["minimum"]
            return {"amount": minimum - 1}, f"amount: {minimum - 1} is less than the minimum of {minimum}"
        case "empty-reference":
            return {"reference": ""}, "reference: '' should be non-empty"
        case "redirect-url-not-a-uri":
            return {"redirect_url": "merchant.example.com"}, "redirectUrl: 'merchant.example.com' is not a 'uri'"
        case "unlisted-document-type":
            return {"document_type": made_up_value(rules["documentType"]["enum"])}, "documentType: .* is not one of"
        case "amount-as-text":
            return {"fields": {"amount": "many"}}, "amount: 'many' is not of type 'integer'"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    ["amount-below-minimum", "empty-reference", "redirect-url-not-a-uri", "unlisted-document-type", "amount-as-text"],
)
def test_create_invoice_applies_the_specs_rules(fake: FakePalomma, case: str) -> None:
    arguments, message = _broken_create(case)
    with pytest.raises(ValueError, match=message):
        seeded_invoice(fake, **arguments)
    assert fake.invoices() == []


def test_create_invoice_takes_any_field_of_the_request_by_its_wire_name(fake: FakePalomma) -> None:
    invoice = seeded_invoice(fake, fields={"customerName": "Ana", "reference": "INV-7", "notInTheSpec": 1})
    assert (invoice["customerName"], _written(invoice, "reference")) == ("Ana", "INV-7")
    assert fake._state.store.require(invoice["id"]).fields["notInTheSpec"] == 1


def test_create_invoice_refuses_a_used_reference(fake: FakePalomma) -> None:
    seeded_invoice(fake, reference="INV-1")
    with pytest.raises(ValueError, match="An invoice with reference 'INV-1' already exists"):
        seeded_invoice(fake, reference="INV-1")


def test_invoice_raises_key_error_for_unknown_ids(fake: FakePalomma) -> None:
    with pytest.raises(KeyError, match="01HQY8EW1H9YGH5PAV5Y2M9R3T"):
        fake.invoice("01HQY8EW1H9YGH5PAV5Y2M9R3T")


def test_at_least_one_api_key_is_needed() -> None:
    with pytest.raises(ValueError, match="at least one API key"):
        FakePalomma(api_keys=[])


def test_the_first_key_is_the_one_the_client_uses() -> None:
    assert FakePalomma().api_key == DEFAULT_API_KEY == "sk_test_palomma_fake"
    assert FakePalomma(api_keys=["sk_a", "sk_b"]).api_key == "sk_a"


# --- paying ----------------------------------------------------------------------------------------


def test_pay_fills_every_payment_field_and_the_next_cycle(fake: FakePalomma) -> None:
    needs("invoice", "paymentMethod", "pse")
    needs("invoice", "paymentSource", "link")
    invoice = seeded_invoice(fake)
    paid = fake.pay(invoice["id"])
    assert _written(paid, "status") == "paid"
    assert paid["paymentDate"] == "2026-03-11T16:32:14.007Z"
    assert (paid["paymentMethod"], paid["paymentSource"], paid["paymentAmount"]) == ("pse", "link", 1_850_000)
    assert paid["paymentId"].startswith("payin_")
    assert (paid["settlementDate"], paid["settlementTime"]) == ("2026-03-11", "13")
    assert "expirationDate" not in paid


def test_pay_takes_method_source_amount_and_time(fake: FakePalomma) -> None:
    invoice = seeded_invoice(fake)
    paid = fake.pay(
        invoice["id"],
        method="nequiButton",
        source="whatsapp",
        amount=1_000_000,
        at=datetime(2026, 3, 12, 1, 30, tzinfo=UTC),  # 20:30 in Colombia
    )
    assert (paid["paymentMethod"], paid["paymentSource"], paid["paymentAmount"]) == (
        "nequiButton",
        "whatsapp",
        1_000_000,
    )
    assert (paid["paymentDate"], paid["settlementDate"], paid["settlementTime"]) == (
        "2026-03-12T01:30:00.000Z",
        "2026-03-12",
        "11",
    )


def _impossible_payment(case: str) -> tuple[dict[str, Any], str]:
    """Arguments of pay that no payment can have, and the fake's message for them."""
    match case:
        case "unlisted-method":
            return {"method": made_up_value(_listed("invoice", "paymentMethod"))}, "method must be one of"
        case "unlisted-source":
            return {"source": made_up_value(_listed("invoice", "paymentSource"))}, "source must be one of"
        case "zero-amount":
            return {"amount": 0}, "amount must be a positive integer"
        case "fractional-amount":
            return {"amount": 10.5}, "amount must be a positive integer"
        case "naive-time":
            return {"at": datetime(2026, 3, 11, 12, 0)}, "timezone-aware"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case", ["unlisted-method", "unlisted-source", "zero-amount", "fractional-amount", "naive-time"]
)
def test_pay_refuses_impossible_payments(fake: FakePalomma, case: str) -> None:
    invoice = seeded_invoice(fake)
    arguments, message = _impossible_payment(case)
    with pytest.raises(ValueError, match=message):
        fake.pay(invoice["id"], **arguments)
    assert _written(fake.invoice(invoice["id"]), "status") == "ready"


def test_only_ready_invoices_can_be_paid_cancelled_or_expired(fake: FakePalomma) -> None:
    invoice = seeded_invoice(fake)
    fake.pay(invoice["id"])
    for control in (fake.pay, fake.cancel, fake.expire, fake.start_payment):
        with pytest.raises(ValueError, match="its status is 'paid'"):
            control(invoice["id"])


def test_controls_raise_key_error_for_unknown_invoices(fake: FakePalomma) -> None:
    for control in (fake.pay, fake.cancel, fake.expire, fake.chargeback, fake.start_payment):
        with pytest.raises(KeyError):
            control("01HQY8EW1H9YGH5PAV5Y2M9R3T")


# --- cancelling and expiring -----------------------------------------------------------------------


def test_cancel_keeps_the_expiration_date(fake: FakePalomma) -> None:
    invoice = seeded_invoice(fake)
    cancelled = fake.cancel(invoice["id"])
    assert _written(cancelled, "status") == "cancelled"
    assert _written(cancelled, "expirationDate") == invoice["expirationDate"]


def test_expire_cancels_now_and_moves_the_expiration_date_to_now(fake: FakePalomma) -> None:
    invoice = seeded_invoice(fake)
    fake.clock.advance(timedelta(minutes=1))
    expired = fake.expire(invoice["id"])
    assert (_written(expired, "status"), _written(expired, "expirationDate")) == (
        "cancelled",
        "2026-03-11T16:33:14.007Z",
    )


def test_ready_invoices_expire_five_minutes_after_creation(fake: FakePalomma) -> None:
    needs("invoice", "status", "cancelled")
    invoice = seeded_invoice(fake)
    assert _written(invoice, "expirationDate") == "2026-03-11T16:37:14.007Z"
    fake.clock.set(START + timedelta(minutes=5) - timedelta(milliseconds=1))
    assert _written(fake.invoice(invoice["id"]), "status") == "ready"
    fake.clock.advance(timedelta(milliseconds=1))
    assert _written(fake.invoice(invoice["id"]), "status") == "cancelled"
    with pytest.raises(ValueError, match="its status is 'cancelled'"):
        fake.pay(invoice["id"])


def test_a_payment_in_progress_stops_expiry_until_it_completes(fake: FakePalomma) -> None:
    invoice = seeded_invoice(fake)
    assert _written(fake.start_payment(invoice["id"]), "status") == "ready"
    fake.clock.advance(timedelta(hours=1))
    assert _written(fake.invoice(invoice["id"]), "status") == "ready"
    paid = fake.pay(invoice["id"])
    assert (_written(paid, "status"), paid["settlementTime"]) == ("paid", "13")  # paid at 12:32 Colombia time


# --- settlements -----------------------------------------------------------------------------------


def test_the_fee_is_a_rate_rounded_half_up_plus_a_fixed_amount() -> None:
    fake = FakePalomma(fee_rate=Decimal("0.0125"), fee_fixed=1_000)
    assert fake.fee_for(1_850_000) == 23_125 + 1_000
    assert fake.fee_for(3_020) == 38 + 1_000  # 37.75 rounds up
    assert fake.fee_for(3_000) == 38 + 1_000  # 37.5 rounds half up
    assert FakePalomma().fee_for(1_850_000) == 18_500 + 300


def test_a_settlement_is_processing_until_its_cycle_runs_then_paid(fake: FakePalomma) -> None:
    needs("settlement", "status", "processing", "paid")
    fake.pay(seeded_invoice(fake)["id"])
    settlement = fake.settlement("2026-03-11", "13")
    assert settlement is not None
    assert settlement["status"] == "processing"
    fake.clock.set(datetime(2026, 3, 11, 18, 0, tzinfo=UTC) - timedelta(milliseconds=1))  # 12:59:59.999 in Colombia
    assert fake.settlement(date(2026, 3, 11), "13") == settlement
    fake.clock.advance(timedelta(milliseconds=1))
    assert fake.settlement(date(2026, 3, 11), "13") == {**settlement, "status": "paid"}


def test_a_settlement_status_can_be_pinned_to_each_of_the_specs_and_unpinned(fake: FakePalomma) -> None:
    needs("settlement", "status", "processing")
    statuses = enum(response_properties("getSettlement")["status"]["enum"])
    fake.pay(seeded_invoice(fake)["id"])
    for status in statuses:
        fake.set_settlement_status("2026-03-11", "13", status)
        assert fake.settlement("2026-03-11", "13")["status"] == status  # type: ignore[index]
    fake.set_settlement_status("2026-03-11", "13", None)
    assert fake.settlement("2026-03-11", "13")["status"] == "processing"  # type: ignore[index]
    with pytest.raises(ValueError, match="status must be one of"):
        fake.set_settlement_status("2026-03-11", "13", made_up_value(statuses))


@pytest.mark.parametrize(
    "method",
    cases_or_skip(
        listed_values("invoice", "paymentMethod"),
        builds_no("invoice") or "the spec lists no value of the invoice's `paymentMethod`",
    ),
)
def test_every_payment_method_of_the_spec_can_pay(fake: FakePalomma, method: str) -> None:
    assert fake.pay(seeded_invoice(fake)["id"], method=method)["paymentMethod"] == method


@pytest.mark.parametrize(
    "source",
    cases_or_skip(
        listed_values("invoice", "paymentSource"),
        builds_no("invoice") or "the spec lists no value of the invoice's `paymentSource`",
    ),
)
def test_every_payment_source_of_the_spec_can_pay(fake: FakePalomma, source: str) -> None:
    assert fake.pay(seeded_invoice(fake)["id"], source=source)["paymentSource"] == source


def test_cancelled_and_unpaid_invoices_are_not_settled(fake: FakePalomma) -> None:
    seeded_invoice(fake)
    fake.cancel(seeded_invoice(fake)["id"])
    fake.pay(seeded_invoice(fake, amount=10_000)["id"])
    settlement = fake.settlement("2026-03-11", "13")
    assert settlement is not None
    assert (settlement["numberOfInvoices"], settlement["amountCollected"]) == (1, 10_000)


def test_a_chargeback_before_the_cycle_is_an_adjustment_in_the_same_settlement(fake: FakePalomma) -> None:
    invoice = seeded_invoice(fake)
    fake.pay(invoice["id"])
    charged_back = fake.chargeback(invoice["id"])
    assert _written(charged_back, "status") == "chargeback"
    assert charged_back["paymentAmount"] == 1_850_000
    fee = fake.fee_for(1_850_000)
    assert fake.settlement("2026-03-11", "13") == {
        "date": "2026-03-11",
        "cycle": "13",
        "status": "processing",
        "numberOfInvoices": 1,
        "amountCollected": 1_850_000,
        "fees": fee,
        "feesPostpaid": False,
        "adjustments": -1_850_000,
        "gateway": False,
        "paymentAmount": -fee,
    }


def test_a_chargeback_after_settlement_is_deducted_from_the_next_cycle(fake: FakePalomma) -> None:
    first = seeded_invoice(fake)
    fake.pay(first["id"])
    settled = fake.settlement("2026-03-11", "13")
    fake.clock.set(datetime(2026, 3, 11, 19, 0, tzinfo=UTC))  # 14:00 in Colombia, after the 13:00 cycle
    fake.chargeback(first["id"])
    assert fake.settlement("2026-03-11", "13") == {**settled, "status": "paid"}  # type: ignore[dict-item]
    adjustment_only = fake.settlement("2026-03-11", "16")
    assert adjustment_only is not None
    assert (adjustment_only["numberOfInvoices"], adjustment_only["adjustments"]) == (0, -1_850_000)
    assert adjustment_only["paymentAmount"] == -1_850_000

    second = seeded_invoice(fake)
    fake.pay(second["id"], amount=2_000_000)
    combined = fake.settlement("2026-03-11", "16")
    assert combined is not None
    assert combined["paymentAmount"] == 2_000_000 - fake.fee_for(2_000_000) - 1_850_000


def test_only_paid_invoices_can_be_charged_back(fake: FakePalomma) -> None:
    invoice = seeded_invoice(fake)
    with pytest.raises(ValueError, match="its status is 'ready', not 'paid'"):
        fake.chargeback(invoice["id"])


def test_settlement_dates_must_be_dates(fake: FakePalomma) -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        fake.settlement(START, "13")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        fake.settlement("11/03/2026", "13")


# --- housekeeping ----------------------------------------------------------------------------------


async def test_reset_forgets_everything(fake: FakePalomma) -> None:
    needs("settlement", "status", "error")
    invoice = seeded_invoice(fake)
    fake.pay(invoice["id"])
    fake.chargeback(invoice["id"])
    fake.set_settlement_status("2026-03-11", "13", "error")
    fake.fail_next(503)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        await client.get(a_call("GET").path)
    fake.reset()
    assert (fake.invoices(), fake.faults, fake.requests) == ([], [], [])
    assert fake.settlement("2026-03-11", "13") is None
    seeded_invoice(fake, reference=_written(invoice, "reference"))  # the reference is free again


async def test_restore_brings_back_the_invoices_settlements_clock_and_ids_of_the_snapshot(fake: FakePalomma) -> None:
    needs("invoice", "status", "paid")
    needs("settlement", "status", "error")
    paid = fake.pay(seeded_invoice(fake)["id"])
    ready = seeded_invoice(fake)
    settlement_date, cycle = paid["settlementDate"], paid["settlementTime"]
    fake.set_settlement_status(settlement_date, cycle, "error")
    snapshot = fake.snapshot()
    seen = (fake.invoices(), fake.settlement(settlement_date, cycle))

    fake.pay(ready["id"])
    fake.set_settlement_status(settlement_date, cycle, None)
    after = seeded_invoice(fake)
    fake.clock.advance(timedelta(days=1))
    fake.fail_next(503)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        await client.get(a_call("GET").path, headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"})
    fake.restore(snapshot)

    assert (fake.invoices(), fake.settlement(settlement_date, cycle)) == seen
    assert (fake.clock.now(), fake.faults, fake.requests) == (START, [], [])
    # The next invoice is the one made after the snapshot the first time: same id, same numbered reference.
    assert seeded_invoice(fake) == after
    listing = call_of("listInvoices")
    async with fake.client() as palomma:
        listed = [field(invoice, "id") async for invoice in listing(palomma)]
    assert listed == [after["id"], ready["id"], paid["id"]]


def test_a_snapshot_restores_the_same_state_every_time(fake: FakePalomma) -> None:
    needs("invoice", "status", "cancelled")
    kept = seeded_invoice(fake, reference="KEPT")
    snapshot = fake.snapshot()
    for _ in range(2):
        fake.restore(snapshot)
        assert fake.invoices() == [kept]
        fake.cancel(kept["id"])  # changes the restored copy, never the snapshot
        seeded_invoice(fake, reference="LATER")
        with pytest.raises(ValueError, match="An invoice with reference 'KEPT' already exists"):
            seeded_invoice(fake, reference="KEPT")
    fake.restore(snapshot)
    assert _written(fake.invoice(kept["id"]), "status") == _written(kept, "status")
    seeded_invoice(fake, reference="LATER")  # made after the snapshot: free again


def test_a_ticking_clock_goes_on_from_the_snapshots_time() -> None:
    fake = FakePalomma(clock=FakeClock(START, ticking=True))
    snapshot = fake.snapshot()
    fake.clock.advance(timedelta(hours=3))
    fake.restore(snapshot)
    assert START <= fake.clock.now() < START + timedelta(hours=1)
    assert fake.clock.ticking


def test_a_snapshot_restores_only_the_fake_it_was_taken_of(fake: FakePalomma) -> None:
    seeded_invoice(fake)
    snapshot = fake.snapshot()
    other = FakePalomma(clock=FakeClock(START))
    with pytest.raises(ValueError, match="only the FakePalomma it was taken of"):
        other.restore(snapshot)
    assert other.invoices() == []
    assert repr(snapshot) == "<FakeSnapshot invoices=1 clock=2026-03-11T16:32:14.007000+00:00>"


def test_restore_forgets_webhooks_as_reset_does(fake: FakePalomma) -> None:
    needs("invoice", "status", "paid")
    snapshot = fake.snapshot()
    webhooks = fake.enable_webhooks("whsec_test", callback=_accept)
    fake.pay(seeded_invoice(fake)["id"])
    assert webhooks.pending
    fake.restore(snapshot)
    assert (webhooks.pending, webhooks.sent) == ([], [])


async def _accept(body: bytes, headers: Mapping[str, str]) -> int:
    return 200


def test_a_clock_given_to_the_fake_later_moves_its_invoices(fake: FakePalomma) -> None:
    needs("invoice", "status", "cancelled")
    invoice = seeded_invoice(fake)
    fake.clock = FakeClock(START + timedelta(minutes=5))
    assert _written(fake.invoice(invoice["id"]), "status") == "cancelled"


def test_clear_faults_removes_pending_rules(fake: FakePalomma) -> None:
    fake.fail_next(503, times=None)
    fake.delay_next(1.0)
    assert len(fake.faults) == 2
    fake.clear_faults()
    assert fake.faults == []


def test_seeds_make_ids_reproducible() -> None:
    one = seeded_invoice(FakePalomma(clock=FakeClock(START), seed=42))
    two = seeded_invoice(FakePalomma(clock=FakeClock(START), seed=42))
    assert one["id"] == two["id"]


def test_repr_is_short(fake: FakePalomma) -> None:
    seeded_invoice(fake)
    assert repr(fake) == "<FakePalomma invoices=1 clock=2026-03-11T16:32:14.007000+00:00>"


async def test_client_is_a_palomma_client_for_this_fake_that_accepts_overrides(fake: FakePalomma) -> None:
    async with fake.client() as palomma:
        assert isinstance(palomma, PalommaClient)
        assert str(palomma.base_url).rstrip("/") == FAKE_BASE_URL
        # Whatever the fake answers the call, it is answered by this fake: the request is recorded there.
        with contextlib.suppress(APIStatusError):
            await a_call(bearer_key=True)(palomma)
    assert fake.requests[-1].headers["authorization"] == f"Bearer {DEFAULT_API_KEY}"
    async with fake.client(max_retries=0) as palomma:
        assert palomma.max_retries == 0
