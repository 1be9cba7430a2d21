"""invoices.create_many and create_many_iter against the fake API: safe reruns, bounded work, stopping early."""

from __future__ import annotations

import asyncio
import gc
import re
import tracemalloc
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from palomma_client import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    InvalidParameterError,
    InvoiceBatchItem,
    InvoiceBatchOutcome,
    InvoiceRequest,
    PalommaClient,
)
from palomma_client.testing import FakeClock, FakePalomma
from tests.clock import ClockLoop, run_on_a_clock_loop
from tests.support import Sleeps
from tests.workflows.support import AMOUNT_MAX, AMOUNT_MIN, ConcurrencyProbe, InstantAPI, posts, rent

START = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
API_BASE = "http://api.test/v1"


@pytest.fixture
def fake() -> FakePalomma:
    return FakePalomma(clock=FakeClock(START), seed=7)


@pytest.fixture
async def palomma(fake: FakePalomma) -> AsyncIterator[PalommaClient]:
    async with fake.client(sleep=Sleeps()) as client:
        yield client


# --------------------------------------------------------------------------- creating


async def test_a_batch_creates_every_invoice_and_reports_them_in_input_order(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    requests = [rent(number) for number in range(1, 26)]

    result = await palomma.invoices.create_many(requests, concurrency=5)

    assert [item.reference for item in result] == [request["reference"] for request in requests]
    assert [item.index for item in result] == list(range(25))
    assert {item.outcome for item in result} == {InvoiceBatchOutcome.CREATED}
    assert result.ok
    assert len(result.created) == 25
    assert result.failed == result.already_existed == ()
    assert sorted(invoice["reference"] for invoice in fake.invoices()) == sorted(r["reference"] for r in requests)
    first = result[0]
    assert first.invoice is not None
    assert first.error is None
    assert first.invoice.amount == 1_001_000
    assert first.invoice.payment_url.startswith("https://pagos.palomma.com/pay/")


async def test_typed_requests_and_dicts_can_be_mixed(fake: FakePalomma, palomma: PalommaClient) -> None:
    typed = InvoiceRequest(**rent(1), document_type="cc", customer_name="Ana Gómez", contract="CTR-8842")

    result = await palomma.invoices.create_many([typed, rent(2)])

    assert [item.outcome for item in result] == [InvoiceBatchOutcome.CREATED] * 2
    created = fake.invoice(result[0].invoice.id)  # type: ignore[union-attr]
    assert (created["customerName"], created["contract"]) == ("Ana Gómez", "CTR-8842")
    assert result[0].request is typed


async def test_rerunning_a_half_finished_batch_creates_only_the_missing_invoices(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    requests = [rent(number) for number in range(1, 11)]
    first_run = await palomma.invoices.create_many(requests[:4])
    assert len(first_run.created) == 4
    fake.requests.clear()

    rerun = await palomma.invoices.create_many(requests)

    assert [item.outcome for item in rerun] == [InvoiceBatchOutcome.ALREADY_EXISTED] * 4 + [
        InvoiceBatchOutcome.CREATED
    ] * 6
    assert sorted(posts(fake)) == [request["reference"] for request in requests[4:]]
    assert len(fake.invoices()) == 10
    assert [item.invoice.id for item in rerun[:4]] == [item.invoice.id for item in first_run]  # type: ignore[union-attr]
    assert all(item.differences == () for item in rerun.already_existed)


async def test_an_existing_invoice_that_differs_from_the_request_is_flagged_not_changed(
    fake: FakePalomma, palomma: PalommaClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake.create_invoice(**rent(1, amount=999_000, contract="CTR-OLD"))

    result = await palomma.invoices.create_many([rent(1, contract="CTR-NEW")])

    item = result[0]
    assert item.outcome is InvoiceBatchOutcome.ALREADY_EXISTED
    assert item.differences == ("amount", "contract")
    assert item.invoice is not None
    assert item.invoice.amount == 999_000
    assert posts(fake) == []
    assert "with a different amount, contract" in caplog.text


async def test_a_duplicate_reference_refused_by_the_api_is_reported_as_already_existing(
    fake: FakePalomma,
) -> None:
    # Another run creates RENT-2026-03-001 right after this run looked it up and found nothing.
    def create_behind_our_back(request: httpx2.Request) -> None:
        asked = request.method == "GET" and request.url.params.get("reference") == "RENT-2026-03-001"
        if asked and not any(invoice["reference"] == "RENT-2026-03-001" for invoice in fake.invoices()):
            fake.create_invoice(**rent(1))

    async with fake.client(transport=ConcurrencyProbe(fake, after=create_behind_our_back)) as palomma:
        result = await palomma.invoices.create_many([rent(1), rent(2)])

    assert [item.outcome for item in result] == [InvoiceBatchOutcome.ALREADY_EXISTED, InvoiceBatchOutcome.CREATED]
    refused = [request for request in fake.requests if request.method == "POST" and request.status == 400]
    assert [request.json()["reference"] for request in refused] == ["RENT-2026-03-001"]
    assert len(fake.invoices()) == 2


async def test_one_failed_item_does_not_stop_the_others(fake: FakePalomma, palomma: PalommaClient) -> None:
    fake.fail_next(400, method="POST", error="Amount must be an integer")

    result = await palomma.invoices.create_many([rent(number) for number in range(1, 6)], concurrency=1)

    failed = result[0]
    assert failed.outcome is InvoiceBatchOutcome.FAILED
    assert not failed.ok
    assert isinstance(failed.error, BadRequestError)
    assert failed.error.message == "Amount must be an integer"
    assert failed.invoice is None
    assert [item.outcome for item in result[1:]] == [InvoiceBatchOutcome.CREATED] * 4
    assert result.failed == (failed,)
    assert not result.ok
    assert len(fake.invoices()) == 4


async def test_a_create_that_took_effect_but_failed_is_not_duplicated(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    fake.fail_after_processing(500, method="POST")

    result = await palomma.invoices.create_many([rent(1), rent(2)], concurrency=1)

    assert [item.outcome for item in result] == [InvoiceBatchOutcome.CREATED] * 2
    assert posts(fake) == ["RENT-2026-03-001", "RENT-2026-03-002"]
    assert len(fake.invoices()) == 2


async def test_an_unexpected_error_fails_only_its_item(fake: FakePalomma) -> None:
    class Flaky(httpx2.AsyncBaseTransport):
        def __init__(self) -> None:
            self._inner = httpx2.ASGITransport(app=fake.app)

        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            if request.method == "POST" and b"RENT-2026-03-002" in request.content:
                raise RuntimeError("proxy bug")
            return await self._inner.handle_async_request(request)

    # The failed create may have reached the API: it is looked up for the grace period, on no clock.
    async with fake.client(transport=Flaky(), sleep=Sleeps()) as palomma:
        result = await palomma.invoices.create_many([rent(1), rent(2), rent(3)])

    assert [item.outcome for item in result] == [
        InvoiceBatchOutcome.CREATED,
        InvoiceBatchOutcome.FAILED,
        InvoiceBatchOutcome.CREATED,
    ]
    # Still an SDK error, which may have reached the API, with the transport's own below it.
    assert isinstance(result[1].error, APIConnectionError)
    assert isinstance(result[1].error.__cause__, RuntimeError)


async def test_no_more_than_concurrency_invoices_are_in_flight(fake: FakePalomma) -> None:
    probe = ConcurrencyProbe(fake)
    async with fake.client(transport=probe) as palomma:
        result = await palomma.invoices.create_many([rent(number) for number in range(1, 21)], concurrency=3)

    assert result.ok
    assert probe.most_in_flight == 3


async def test_an_empty_batch_sends_nothing(fake: FakePalomma, palomma: PalommaClient) -> None:
    result = await palomma.invoices.create_many([])
    assert len(result) == 0
    assert result.ok
    assert fake.requests == []


# --------------------------------------------------------------------------- progress and cancellation


async def test_progress_is_reported_once_per_item_with_done_and_total(palomma: PalommaClient) -> None:
    calls: list[tuple[int, int | None, str]] = []

    def on_progress(done: int, total: int | None, item: InvoiceBatchItem) -> None:
        calls.append((done, total, item.reference))

    await palomma.invoices.create_many([rent(number) for number in range(1, 8)], on_progress=on_progress)

    assert [(done, total) for done, total, _ in calls] == [(done, 7) for done in range(1, 8)]
    assert sorted(reference for _, _, reference in calls) == [rent(number)["reference"] for number in range(1, 8)]


async def test_an_async_progress_callback_is_awaited(palomma: PalommaClient) -> None:
    seen: list[int] = []

    async def on_progress(done: int, total: int | None, item: InvoiceBatchItem) -> None:
        await asyncio.sleep(0)
        seen.append(done)

    await palomma.invoices.create_many([rent(1), rent(2)], on_progress=on_progress)
    assert seen == [1, 2]


async def test_an_error_in_the_progress_callback_stops_the_batch_and_reaches_the_caller(fake: FakePalomma) -> None:
    def on_progress(done: int, total: int | None, item: InvoiceBatchItem) -> None:
        raise KeyError("progress bar broke")

    async with fake.client(transport=ConcurrencyProbe(fake)) as palomma:
        with pytest.raises(KeyError, match="progress bar broke"):
            await palomma.invoices.create_many([rent(n) for n in range(1, 30)], concurrency=2, on_progress=on_progress)
        sent = len(fake.requests)
        for _ in range(20):
            await asyncio.sleep(0)

    assert len(fake.requests) == sent
    assert len(fake.invoices()) <= 3


async def test_cancelling_the_caller_cancels_the_batch(fake: FakePalomma) -> None:
    started = asyncio.Event()
    hold = asyncio.Event()

    async def held(seconds: float) -> None:
        started.set()
        await hold.wait()

    fake.sleep = held
    fake.delay_next(1.0, times=None, method="GET")
    async with fake.client() as palomma:
        batch = asyncio.create_task(palomma.invoices.create_many([rent(n) for n in range(1, 11)], concurrency=2))
        waiting = asyncio.create_task(started.wait())
        await asyncio.wait({batch, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if batch.done():
            # It ended before any request was held: say why (a feature the spec lacks skips the test).
            waiting.cancel()
            batch.result()
            pytest.fail("the batch ended before its first request was held")
        batch.cancel()
        with pytest.raises(asyncio.CancelledError):
            await batch
        requests_at_cancel = len(fake.requests)
        hold.set()
        for _ in range(10):
            await asyncio.sleep(0)

    assert requests_at_cancel == 2
    assert len(fake.requests) == 2
    assert fake.invoices() == []


# --------------------------------------------------------------------------- bad input, refused before sending


@pytest.mark.parametrize(
    ("bad", "parameter", "message"),
    [
        (rent(2, amount=2_000), "requests[1].amount", f"must be between {AMOUNT_MIN:,} and {AMOUNT_MAX:,}, got 2,000"),
        (rent(2, amount="1850000"), "requests[1].amount", "must be an integer, got str"),
        (rent(2, redirect_url="merchant.example.com"), "requests[1].redirect_url", "must be an absolute URL"),
        (rent(2, document_type="passport"), "requests[1].document_type", "must be one of"),
        (rent(2, colour="blue"), "requests[1].colour", "is not an argument of invoices.create"),
        ({"reference": "RENT-X"}, "requests[1].amount", "is required"),
        (rent(1), "requests[1].reference", "'RENT-2026-03-001' is also the reference of requests[0]"),
        ("RENT-2026-03-002", "requests[1]", "must be an InvoiceRequest or a mapping"),
    ],
)
async def test_a_bad_request_is_refused_before_anything_is_sent(
    fake: FakePalomma, palomma: PalommaClient, bad: Any, parameter: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=re.escape(message)) as raised:
        await palomma.invoices.create_many([rent(1), bad, rent(3)])
    assert raised.value.parameter == parameter
    assert str(raised.value).startswith(f"{parameter}: ")
    assert fake.requests == []


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"on_progress": 3}, "on_progress"),
        ({"max_consecutive_failures": 0}, "max_consecutive_failures"),
    ],
)
async def test_bad_options_are_refused(
    fake: FakePalomma, palomma: PalommaClient, options: dict[str, Any], parameter: str
) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        await palomma.invoices.create_many([rent(1)], **options)
    assert raised.value.parameter == parameter
    assert fake.requests == []


# --------------------------------------------------------------------------- streamed input and results


def generated(numbers: Iterable[int], drawn: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """A generator of rent requests that records each number as the batch draws it."""
    for number in numbers:
        if drawn is not None:
            drawn.append(number)
        yield rent(number)


async def test_a_generator_is_drawn_from_only_as_items_finish(fake: FakePalomma) -> None:
    drawn: list[int] = []
    probe = ConcurrencyProbe(fake)
    async with fake.client(transport=probe) as palomma:
        batch = palomma.invoices.create_many_iter(generated(range(1, 41), drawn), concurrency=4)
        assert drawn == []  # nothing is drawn, or sent, until the caller iterates
        first = await anext(batch)
        drawn_after_first = len(drawn)
        rest = [item async for item in batch]

    assert first.outcome is InvoiceBatchOutcome.CREATED
    assert drawn_after_first <= 4 + 1
    assert probe.most_in_flight <= 4
    assert sorted(item.index for item in [first, *rest]) == list(range(40))
    assert len(fake.invoices()) == 40
    assert batch.total is None


async def test_create_many_over_a_generator_returns_every_result_in_input_order(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    totals: list[int | None] = []
    result = await palomma.invoices.create_many(
        generated(range(1, 21)), concurrency=3, on_progress=lambda done, total, item: totals.append(total)
    )

    assert [item.reference for item in result] == [rent(number)["reference"] for number in range(1, 21)]
    assert result.ok
    assert set(totals) == {None}  # a generator has no len()
    assert len(fake.invoices()) == 20


async def test_an_async_iterable_is_accepted(fake: FakePalomma, palomma: PalommaClient) -> None:
    async def from_a_database() -> AsyncIterator[InvoiceRequest]:
        for number in range(1, 6):
            await asyncio.sleep(0)
            yield InvoiceRequest(**rent(number))

    result = await palomma.invoices.create_many(from_a_database())

    assert [item.outcome for item in result] == [InvoiceBatchOutcome.CREATED] * 5


async def test_results_stream_in_completion_order_with_their_input_index(fake: FakePalomma) -> None:
    fake.create_invoice(**rent(3))  # found by its lookup: it finishes before the others, which also create
    async with fake.client(transport=ConcurrencyProbe(fake)) as palomma:
        batch = palomma.invoices.create_many_iter([rent(1), rent(2), rent(3)])
        items = [item async for item in batch]

    assert items[0].reference == "RENT-2026-03-003"
    assert items[0].outcome is InvoiceBatchOutcome.ALREADY_EXISTED
    assert [(item.index, item.reference) for item in sorted(items, key=lambda item: item.index)] == [
        (number - 1, f"RENT-2026-03-{number:03d}") for number in (1, 2, 3)
    ]


async def test_a_bad_item_in_a_generator_ends_the_batch_after_the_items_in_flight(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    def with_a_bad_fifth() -> Iterator[dict[str, Any]]:
        for number in range(1, 11):
            yield rent(number, amount=1) if number == 5 else rent(number)

    seen: list[InvoiceBatchItem] = []

    async def consume() -> None:
        async for item in palomma.invoices.create_many_iter(with_a_bad_fifth(), concurrency=2):
            seen.append(item)

    with pytest.raises(InvalidParameterError) as raised:
        await consume()

    assert raised.value.parameter == "requests[4].amount"
    assert sorted(item.index for item in seen) == [0, 1, 2, 3]
    assert sorted(posts(fake)) == [rent(number)["reference"] for number in range(1, 5)]


async def test_a_reference_repeated_in_a_generator_is_refused(fake: FakePalomma, palomma: PalommaClient) -> None:
    with pytest.raises(InvalidParameterError, match="'RENT-2026-03-002' is the reference of an earlier request"):
        await palomma.invoices.create_many(generated([1, 2, 3, 2, 4]), concurrency=1)

    assert posts(fake) == ["RENT-2026-03-001", "RENT-2026-03-002", "RENT-2026-03-003"]


class _SameHash(str):
    """A reference whose hash every other one shares: what a record of hashes would take for a repeat."""

    __slots__ = ()

    def __hash__(self) -> int:
        return 1


async def test_two_distinct_references_are_never_called_repeats(fake: FakePalomma, palomma: PalommaClient) -> None:
    def requests(references: Iterable[str]) -> Iterator[dict[str, Any]]:
        return ({**rent(1), "reference": reference} for reference in references)

    distinct = [_SameHash(f"R-{number}") for number in range(2_000)]
    batch = palomma.invoices.create_many_iter(requests(distinct))
    batch.stop("checking the input only")
    items = [item async for item in batch]
    assert sorted(item.index for item in items) == list(range(2_000))
    assert {item.outcome for item in items} == {InvoiceBatchOutcome.NOT_ATTEMPTED}

    batch = palomma.invoices.create_many_iter(requests([*distinct, _SameHash("R-1999"), _SameHash("R-0")]))
    batch.stop("checking the input only")
    with pytest.raises(InvalidParameterError, match=r"requests\[2000\]\.reference: 'R-1999' is the reference of an"):
        await _drain(batch)
    assert fake.requests == []


async def _drain(batch: AsyncIterator[InvoiceBatchItem]) -> None:
    async for _ in batch:
        pass


# --------------------------------------------------------------------------- stopping early


async def test_a_wrong_key_stops_the_batch_after_the_items_in_flight(fake: FakePalomma) -> None:
    async with fake.client(api_key="sk_test_wrong") as palomma:
        result = await palomma.invoices.create_many([rent(number) for number in range(1, 51)], concurrency=5)

    assert len(fake.requests) == 5
    assert len(result) == 50
    assert len(result.failed) == 5
    assert all(isinstance(item.error, AuthenticationError) for item in result.failed)
    assert len(result.not_attempted) == 45
    assert all(item.invoice is None and item.error is None for item in result.not_attempted)
    assert result.stop_reason is not None
    assert result.stop_reason.startswith("the API refused the key (AuthenticationError: 401 Unauthorized")
    assert not result.ok


async def test_a_run_of_unreachable_items_opens_the_circuit(fake: FakePalomma) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    transport = httpx2.MockTransport(refuse)
    async with fake.client(transport=transport, sleep=Sleeps(), max_retries=1) as palomma:
        result = await palomma.invoices.create_many(
            [rent(number) for number in range(1, 101)], concurrency=2, max_consecutive_failures=3
        )

    attempted = len(result.failed)
    assert 3 <= attempted <= 3 + 1  # the item in flight when the third failed finishes too
    assert len(result.not_attempted) == 100 - attempted
    assert result.stop_reason is not None
    assert "in a row could not reach the API or met a server error" in result.stop_reason


async def test_server_errors_count_towards_the_circuit_and_a_success_resets_it(fake: FakePalomma) -> None:
    # Each item's lookup is tried twice (max_retries=1): two 500s fail one item.
    fake.fail_next(500, times=4, method="GET")
    async with fake.client(sleep=Sleeps(), max_retries=1) as palomma:
        result = await palomma.invoices.create_many(
            [rent(number) for number in range(1, 6)], concurrency=1, max_consecutive_failures=3
        )
    assert [item.outcome for item in result] == [InvoiceBatchOutcome.FAILED] * 2 + [InvoiceBatchOutcome.CREATED] * 3
    assert result.stop_reason is None

    fake.fail_next(500, times=None, method="GET")
    async with fake.client(sleep=Sleeps(), max_retries=0) as palomma:
        never_stops = await palomma.invoices.create_many(
            [rent(number) for number in range(6, 16)], concurrency=1, max_consecutive_failures=None
        )
    assert [item.outcome for item in never_stops] == [InvoiceBatchOutcome.FAILED] * 10


async def test_stop_lets_the_items_in_flight_finish_and_reports_the_rest_not_attempted(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    batch = palomma.invoices.create_many_iter(generated(range(1, 21)), concurrency=3)
    items = [await anext(batch)]
    batch.stop("enough for today")
    items.extend([item async for item in batch])

    finished = [item for item in items if item.outcome is InvoiceBatchOutcome.CREATED]
    assert 1 <= len(finished) <= 3
    assert len(items) == 20
    assert {item.outcome for item in items[len(finished) :]} == {InvoiceBatchOutcome.NOT_ATTEMPTED}
    assert batch.stop_reason == "enough for today"
    assert len(fake.invoices()) == len(finished)


async def test_stop_without_reporting_the_rest_reads_no_more_of_the_input(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    """Reporting a million rows not attempted meant reading them all, past a supervisor's grace period."""
    read: list[int] = []

    def rows() -> Iterator[dict[str, Any]]:
        for number in range(1, 1_000_001):
            read.append(number)
            yield rent(number, reference=f"RENT-2026-03-{number:07d}")

    batch = palomma.invoices.create_many_iter(rows(), concurrency=3)
    items = [await anext(batch)]
    batch.stop("interrupted by SIGTERM", report_rest=False)
    items.extend([item async for item in batch])

    assert {item.outcome for item in items} == {InvoiceBatchOutcome.CREATED}
    assert len(items) == batch.drawn == len(read) <= 4
    assert len(fake.invoices()) == len(items)


async def test_a_stop_without_the_rest_ends_a_report_of_the_rest_under_way(
    fake: FakePalomma, palomma: PalommaClient
) -> None:
    batch = palomma.invoices.create_many_iter(generated(range(1, 101)), concurrency=2)
    items = [await anext(batch)]
    batch.stop("the API refused the key")
    while items[-1].outcome is not InvoiceBatchOutcome.NOT_ATTEMPTED:
        items.append(await anext(batch))
    batch.stop("interrupted by SIGTERM", report_rest=False)
    items.extend([item async for item in batch])

    assert sum(item.outcome is InvoiceBatchOutcome.NOT_ATTEMPTED for item in items) == 1
    assert len(items) == batch.drawn < 100
    assert batch.stop_reason == "the API refused the key"


async def test_leaving_the_loop_early_cancels_the_items_in_flight(fake: FakePalomma) -> None:
    hold = asyncio.Event()

    async def held(seconds: float) -> None:
        await hold.wait()

    existing = fake.create_invoice(**rent(1))  # found by its lookup, so it finishes first
    fake.sleep = held
    fake.delay_next(1.0, times=None, method="POST")
    async with fake.client() as palomma:
        async with palomma.invoices.create_many_iter(generated(range(1, 11)), concurrency=2) as batch:
            async for item in batch:
                assert item.reference == "RENT-2026-03-001"
                break
        hold.set()
        for _ in range(10):
            await asyncio.sleep(0)

    assert posts(fake) == ["RENT-2026-03-002"]  # the one in flight, cancelled before the fake acted on it
    assert fake.invoices() == [existing]


# --------------------------------------------------------------------------- memory bounded by concurrency


async def _peak_growth(palomma: PalommaClient, numbers: range) -> int:
    """How far traced memory peaks above where it starts, while `numbers` generated requests stream through."""
    gc.collect()
    start = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    async with palomma.invoices.create_many_iter(generated(numbers)) as batch:
        async for item in batch:
            assert item.outcome is InvoiceBatchOutcome.CREATED
    return tracemalloc.get_traced_memory()[1] - start


PER_ITEM_GROWTH = 500
"""Bytes the peak of a streamed batch may grow by per item: the reference it keeps (about 110 bytes,
docs/batch-and-reconciliation.md) and a margin. Keeping anything else per item costs more than this:
its result 1.4 KB, a task as batches used to start one per item 2.5 KB."""


def test_streaming_ten_times_the_requests_takes_no_more_memory() -> None:
    """Peak memory grows with the input only by the references kept (tests/workflows/batch_memory.py: at full size).

    On the clock loop, whose time stands still while the batch runs, so that what the client's
    deadlines keep does not depend on the machine's speed.
    """

    async def main(loop: ClockLoop) -> tuple[int, int]:
        async with PalommaClient(
            api_key="sk_test_memory", base_url="http://api.test/v1", transport=api.transport
        ) as palomma:
            tracemalloc.start()
            try:
                # The client's caches (httpx2 keeps its last 128 parsed URLs, and each lookup's URL names a
                # new reference) filled with traced entries: from here on each new one replaces one, whatever
                # the volume, where a cache filling up during the small batch only would look like growth.
                await palomma.invoices.create_many(generated(range(1_000, 1_150)))
                return await _peak_growth(palomma, range(20)), await _peak_growth(palomma, range(200))
            finally:
                tracemalloc.stop()

    api = InstantAPI()
    small, large = run_on_a_clock_loop(main)

    assert api.creates == 150 + 20 + 200
    assert (large - small) / (200 - 20) < PER_ITEM_GROWTH, (small, large)


async def test_create_many_works_in_memory_bounded_by_concurrency_beyond_the_results_it_returns() -> None:
    api = InstantAPI()
    async with PalommaClient(
        api_key="sk_test_memory", base_url="http://api.test/v1", transport=api.transport
    ) as palomma:
        await palomma.invoices.create_many([rent(0)])
        gc.collect()
        tracemalloc.start()
        try:
            result = await palomma.invoices.create_many(generated(range(200)))
            kept, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert len(result.created) == 200
    # The result holds every item and its invoice; what the batch needed beyond it stays within some
    # 40 KB, the items in flight. All 200 in flight at once, as a task per item would be, peaks 170 KB above.
    assert peak - kept < 100_000, (kept, peak)
