"""settlements.reconcile against the fake API: balanced cycles, chargebacks, and deliberately inconsistent data."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

import pytest

from palomma_client import (
    Discrepancy,
    DiscrepancyKind,
    InvalidParameterError,
    NotFoundError,
    PalommaClient,
    ReconciliationReport,
    SettlementStatus,
)
from palomma_client.testing import FakeClock, FakePalomma
from tests.workflows.support import Tampering

# 11:32 in Colombia on 2026-03-11: payments now settle in that day's 13:00 cycle.
START = datetime.datetime(2026, 3, 11, 16, 32, 14, tzinfo=UTC)
DAY = datetime.date(2026, 3, 11)
CYCLE = "13"


@pytest.fixture
def fake() -> FakePalomma:
    return FakePalomma(clock=FakeClock(START), seed=3)


@pytest.fixture
async def palomma(fake: FakePalomma) -> AsyncIterator[PalommaClient]:
    async with fake.client() as client:
        yield client


def paid_invoices(fake: FakePalomma, amounts: list[int], *, minutes_later: int = 0) -> list[dict[str, Any]]:
    """Create and pay one invoice per amount, `minutes_later` after START."""
    paid = []
    for amount in amounts:
        invoice = fake.create_invoice(amount=amount)
        paid.append(fake.pay(invoice["id"], at=START + timedelta(minutes=minutes_later)))
    return paid


def kinds(report: ReconciliationReport) -> list[DiscrepancyKind]:
    return [discrepancy.kind for discrepancy in report.discrepancies]


# --------------------------------------------------------------------------- balanced


async def test_a_consistent_settlement_balances_with_every_figure_reported(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    paid_invoices(fake, [1_850_000, 3_200_000, 1_150_000])
    fake.create_invoice(amount=990_000)  # unpaid: in no settlement
    fake.clock.set(START + timedelta(hours=2))  # past 13:00 in Colombia: the settlement is paid

    report = await palomma.settlements.reconcile(DAY, CYCLE)

    expected = fake.settlement(DAY, CYCLE)
    assert expected is not None
    assert report.balanced
    assert report.discrepancies == ()
    assert (report.date, report.cycle, report.status) == (DAY, CYCLE, SettlementStatus("paid"))
    assert report.invoice_count == 3
    assert report.number_of_invoices == 3
    assert report.invoices_total == report.amount_collected == Decimal(6_200_000)
    assert report.fees == expected["fees"] == sum(fake.fee_for(amount) for amount in (1_850_000, 3_200_000, 1_150_000))
    assert report.payment_amount == report.expected_payment_amount == Decimal(expected["paymentAmount"])
    assert (report.chargeback_count, report.chargeback_total) == (0, Decimal(0))
    assert report.notes == ()
    assert "balanced" in report.summary()
    assert "6,200,000 COP" in report.summary()


async def test_every_page_of_invoices_is_counted(fake: FakePalomma, palomma: PalommaClient) -> None:
    paid_invoices(fake, [10_000 + number for number in range(230)])

    report = await palomma.settlements.reconcile("2026-03-11", "13")

    assert report.balanced
    assert report.invoice_count == 230
    listings = [request for request in fake.requests if request.path == "/v1/invoices"]
    assert len(listings) == 3
    assert {request.params["settlementDate"] for request in listings} == {"2026-03-11"}
    assert {request.params["settlementCycle"] for request in listings} == {"13"}
    assert {request.params["limit"] for request in listings} == {"100"}


async def test_invoices_of_other_cycles_are_not_counted(fake: FakePalomma, palomma: PalommaClient) -> None:
    paid_invoices(fake, [1_850_000])
    paid_invoices(fake, [2_000_000], minutes_later=120)  # 13:32 in Colombia: the 16:00 cycle

    thirteen = await palomma.settlements.reconcile(DAY, "13")
    sixteen = await palomma.settlements.reconcile(DAY, "16")

    assert (thirteen.balanced, thirteen.invoices_total) == (True, Decimal(1_850_000))
    assert (sixteen.balanced, sixteen.invoices_total) == (True, Decimal(2_000_000))


async def test_a_processing_settlement_balances_with_a_note(fake: FakePalomma, palomma: PalommaClient) -> None:
    paid_invoices(fake, [1_850_000])

    report = await palomma.settlements.reconcile(DAY, CYCLE)

    assert report.balanced
    assert report.status is SettlementStatus("processing")
    assert report.notes == ("the settlement is still processing: its figures may change until it is paid",)


# --------------------------------------------------------------------------- chargebacks


async def test_a_charged_back_invoice_still_counts_in_the_settlement_it_was_paid_in(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    _, second = paid_invoices(fake, [1_850_000, 3_200_000])
    fake.clock.set(START + timedelta(hours=3))  # 14:32 in Colombia: the chargeback is booked in the 16:00 cycle
    fake.chargeback(second["id"])

    original = await palomma.settlements.reconcile(DAY, CYCLE)
    later = await palomma.settlements.reconcile(DAY, "16")

    assert original.balanced
    assert original.invoice_count == 2
    assert original.invoices_total == Decimal(5_050_000)
    assert (original.chargeback_count, original.chargeback_total) == (1, Decimal(3_200_000))
    assert "1 charged back" in original.summary()
    assert later.balanced
    assert (later.invoice_count, later.adjustments, later.payment_amount) == (
        0,
        Decimal(-3_200_000),
        Decimal(-3_200_000),
    )
    assert any("not tied to invoices" in note for note in later.notes)


async def test_a_settlement_that_leaves_chargebacks_out_is_flagged_with_a_hint(fake: FakePalomma) -> None:
    _, charged_back = paid_invoices(fake, [1_850_000, 3_200_000])
    fake.chargeback(charged_back["id"])

    def without_chargebacks(settlement: dict[str, Any]) -> None:
        settlement["numberOfInvoices"] -= 1
        settlement["amountCollected"] -= 3_200_000
        settlement["fees"] -= fake.fee_for(3_200_000)
        settlement["paymentAmount"] = settlement["amountCollected"] - settlement["fees"] + settlement["adjustments"]

    async with fake.client(transport=Tampering(fake, settlement=without_chargebacks)) as palomma:
        report = await palomma.settlements.reconcile(DAY, CYCLE)

    assert kinds(report) == [DiscrepancyKind.AMOUNT_COLLECTED, DiscrepancyKind.INVOICE_COUNT]
    for discrepancy in report.discrepancies:
        assert "exactly the 1 charged-back invoice" in discrepancy.message


# --------------------------------------------------------------------------- deliberately inconsistent


async def test_an_inconsistent_settlement_lists_each_discrepancy_with_its_figures(fake: FakePalomma) -> None:
    paid_invoices(fake, [1_850_000, 3_200_000])

    def inconsistent(settlement: dict[str, Any]) -> None:
        settlement["amountCollected"] += 50_000
        settlement["numberOfInvoices"] = 3
        settlement["paymentAmount"] -= 1_000

    async with fake.client(transport=Tampering(fake, settlement=inconsistent)) as palomma:
        report = await palomma.settlements.reconcile(DAY, CYCLE)

    settlement = fake.settlement(DAY, CYCLE)
    assert settlement is not None
    assert not report.balanced
    collected, count, payout = report.discrepancies
    assert collected == Discrepancy(
        DiscrepancyKind.AMOUNT_COLLECTED,
        "the invoices' payments add up to 5,050,000 COP but the settlement collected 5,100,000 COP "
        "(difference -50,000 COP)",
        expected=Decimal(5_100_000),
        actual=Decimal(5_050_000),
    )
    assert count.kind is DiscrepancyKind.INVOICE_COUNT
    assert count.message == "2 invoices are listed for this settlement but it counts 3"
    assert (count.expected, count.actual) == (Decimal(3), Decimal(2))
    fees = settlement["fees"]
    assert payout.kind is DiscrepancyKind.PAYMENT_AMOUNT
    assert payout.expected == 5_100_000 - fees
    assert payout.actual == 5_050_000 - fees - 1_000
    assert payout.message == (
        f"amountCollected 5,100,000 COP - fees {fees:,} COP + adjustments 0 COP = {5_100_000 - fees:,} COP, "
        f"but the settlement paid out {5_050_000 - fees - 1_000:,} COP (difference -51,000 COP)"
    )
    summary = report.summary()
    assert "NOT balanced, 3 discrepancies" in summary
    assert "- payment_amount: amountCollected" in summary


async def test_postpaid_fees_are_not_deducted_from_the_payout(fake: FakePalomma) -> None:
    paid_invoices(fake, [1_850_000])

    def postpaid(settlement: dict[str, Any]) -> None:
        settlement["feesPostpaid"] = True
        settlement["paymentAmount"] = settlement["amountCollected"] + settlement["adjustments"]

    async with fake.client(transport=Tampering(fake, settlement=postpaid)) as palomma:
        balanced = await palomma.settlements.reconcile(DAY, CYCLE)
    async with fake.client(transport=Tampering(fake, settlement=lambda body: body.update(feesPostpaid=True))) as p:
        deducted_anyway = await p.settlements.reconcile(DAY, CYCLE)

    assert balanced.balanced
    assert balanced.expected_payment_amount == 1_850_000
    assert kinds(deducted_anyway) == [DiscrepancyKind.PAYMENT_AMOUNT]
    assert "(fees are postpaid)" in deducted_anyway.discrepancies[0].message


async def test_odd_invoices_in_the_listing_are_each_reported(fake: FakePalomma) -> None:
    paid_invoices(fake, [1_850_000, 3_200_000])

    def odd_page(page: dict[str, Any]) -> None:
        first = page["items"][0]
        page["items"].extend(
            [
                dict(first),  # the same invoice twice
                {**first, "id": "01OTHERCYCLE", "settlementTime": "16"},
                {**first, "id": "01CANCELLED", "status": "cancelled"},
                {key: value for key, value in {**first, "id": "01NOAMOUNT"}.items() if key != "paymentAmount"},
            ]
        )

    async with fake.client(transport=Tampering(fake, invoice_page=odd_page)) as palomma:
        report = await palomma.settlements.reconcile(DAY, CYCLE)

    assert kinds(report) == [
        DiscrepancyKind.DUPLICATE_INVOICE,
        DiscrepancyKind.OTHER_SETTLEMENT,
        DiscrepancyKind.UNEXPECTED_STATUS,
        DiscrepancyKind.MISSING_PAYMENT_AMOUNT,
        DiscrepancyKind.AMOUNT_COLLECTED,
        DiscrepancyKind.INVOICE_COUNT,
    ]
    assert [discrepancy.invoice_id for discrepancy in report.discrepancies[:4]] == [
        report.invoices[0].id,
        "01OTHERCYCLE",
        "01CANCELLED",
        "01NOAMOUNT",
    ]
    assert "names cycle 16; left out" in report.discrepancies[1].message
    assert "is cancelled, not paid or chargeback" in report.discrepancies[2].message
    assert report.invoice_count == 4


# --------------------------------------------------------------------------- errors


async def test_a_settlement_that_does_not_exist_raises_not_found(fake: FakePalomma, palomma: PalommaClient) -> None:
    with pytest.raises(NotFoundError):
        await palomma.settlements.reconcile(DAY, CYCLE)
    assert [request.path for request in fake.requests] == ["/v1/settlements/2026-03-11/13"]


@pytest.mark.parametrize(
    ("date", "cycle", "parameter"),
    [("11/03/2026", "13", "date"), (START, "13", "date"), (DAY, "", "cycle")],
)
async def test_bad_arguments_are_refused_before_anything_is_sent(
    fake: FakePalomma, palomma: PalommaClient, date: Any, cycle: str, parameter: str
) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        await palomma.settlements.reconcile(date, cycle)
    assert raised.value.parameter == parameter
    assert fake.requests == []
