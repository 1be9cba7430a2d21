"""invoices.create_many and read_invoice_csv, against the fake API: safe reruns, bounded concurrency, bad input."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest

from palomma_client import (
    BadRequestError,
    InvalidParameterError,
    InvoiceBatchItem,
    InvoiceBatchOutcome,
    InvoiceCSVError,
    InvoiceCSVProblem,
    InvoiceRequest,
    PalommaClient,
    read_invoice_csv,
)
from palomma_client.testing import FakeClock, FakePalomma
from tests.support import Sleeps

START = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
REDIRECT_URL = "https://merchant.example.com/payments/return"


def rent(number: int, **changes: Any) -> dict[str, Any]:
    """The create arguments of tenant `number`'s rent for March 2026."""
    arguments: dict[str, Any] = {
        "reference": f"RENT-2026-03-{number:03d}",
        "amount": 1_000_000 + number * 1_000,
        "description": "Canon de arrendamiento marzo 2026",
        "redirect_url": REDIRECT_URL,
        "customer_document_number": f"10203040{number:02d}",
    }
    arguments.update(changes)
    return arguments


def posts(fake: FakePalomma) -> list[str]:
    return [request.json()["reference"] for request in fake.requests if request.method == "POST"]


@pytest.fixture
def fake() -> FakePalomma:
    return FakePalomma(clock=FakeClock(START), seed=7)


@pytest.fixture
async def palomma(fake: FakePalomma) -> AsyncIterator[PalommaClient]:
    async with fake.client(sleep=Sleeps()) as client:
        yield client


class ConcurrencyProbe(httpx2.AsyncBaseTransport):
    """Forwards to the fake and records how many requests were in flight at once."""

    def __init__(self, fake: FakePalomma, after: Callable[[httpx2.Request], None] | None = None) -> None:
        self._inner = httpx2.ASGITransport(app=fake.app)
        self._after = after
        self.in_flight = 0
        self.most_in_flight = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            # Let the other tasks run, as a real network round trip would.
            for _ in range(3):
                await asyncio.sleep(0)
            response = await self._inner.handle_async_request(request)
        finally:
            self.in_flight -= 1
        if self._after is not None:
            self._after(request)
        return response


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

    async with fake.client(transport=Flaky()) as palomma:
        result = await palomma.invoices.create_many([rent(1), rent(2), rent(3)])

    assert [item.outcome for item in result] == [
        InvoiceBatchOutcome.CREATED,
        InvoiceBatchOutcome.FAILED,
        InvoiceBatchOutcome.CREATED,
    ]
    assert isinstance(result[1].error, RuntimeError)


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
    calls: list[tuple[int, int, str]] = []

    def on_progress(done: int, total: int, item: InvoiceBatchItem) -> None:
        calls.append((done, total, item.reference))

    await palomma.invoices.create_many([rent(number) for number in range(1, 8)], on_progress=on_progress)

    assert [(done, total) for done, total, _ in calls] == [(done, 7) for done in range(1, 8)]
    assert sorted(reference for _, _, reference in calls) == [rent(number)["reference"] for number in range(1, 8)]


async def test_an_async_progress_callback_is_awaited(palomma: PalommaClient) -> None:
    seen: list[int] = []

    async def on_progress(done: int, total: int, item: InvoiceBatchItem) -> None:
        await asyncio.sleep(0)
        seen.append(done)

    await palomma.invoices.create_many([rent(1), rent(2)], on_progress=on_progress)
    assert seen == [1, 2]


async def test_an_error_in_the_progress_callback_stops_the_batch_and_reaches_the_caller(fake: FakePalomma) -> None:
    def on_progress(done: int, total: int, item: InvoiceBatchItem) -> None:
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
        await started.wait()
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
        (rent(2, amount=2_000), "requests[1].amount", "between 3,000 and 550,000,000"),
        (rent(2, amount="1850000"), "requests[1].amount", "must be an integer, got str"),
        (rent(2, redirect_url="merchant.example.com"), "requests[1].redirect_url", "absolute URL"),
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
    ("options", "parameter"), [({"concurrency": 0}, "concurrency"), ({"on_progress": 3}, "on_progress")]
)
async def test_bad_options_are_refused(
    fake: FakePalomma, palomma: PalommaClient, options: dict[str, Any], parameter: str
) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        await palomma.invoices.create_many([rent(1)], **options)
    assert raised.value.parameter == parameter
    assert fake.requests == []


def test_an_invoice_request_checks_its_fields_when_built() -> None:
    with pytest.raises(InvalidParameterError, match="amount: must be between"):
        InvoiceRequest(**rent(1, amount=1))
    assert InvoiceRequest(**rent(1, document_type="nit")).document_type == "nit"
    assert InvoiceRequest(**rent(1), line=4) == InvoiceRequest(**rent(1))


# --------------------------------------------------------------------------- CSV

HEADER = "reference,amount,description,redirect_url,customer_document_number,document_type,customer_name,contract"


def write_csv(tmp_path: Path, *lines: str, name: str = "rent.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def csv_row(number: int, *, amount: str | None = None, **cells: str) -> str:
    arguments = rent(number)
    values = {
        "reference": arguments["reference"],
        "amount": amount if amount is not None else str(arguments["amount"]),
        "description": arguments["description"],
        "redirect_url": REDIRECT_URL,
        "customer_document_number": arguments["customer_document_number"],
        "document_type": "cc",
        "customer_name": f"Tenant {number}",
        "contract": f"CTR-{number:04d}",
    }
    values.update(cells)
    return ",".join(values[column] for column in HEADER.split(","))


def test_a_csv_file_becomes_checked_requests_with_their_line_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER, csv_row(1), "", csv_row(2, customer_name="", contract=""))

    requests = read_invoice_csv(path)

    assert [request.line for request in requests] == [2, 4]
    assert requests[0] == InvoiceRequest(**rent(1), document_type="cc", customer_name="Tenant 1", contract="CTR-0001")
    assert (requests[1].customer_name, requests[1].contract) == (None, None)


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "Amount, Reference ,customer_document_number,redirect_url,description",
        f'1850000,RENT-1,900123456,{REDIRECT_URL},"Canon, marzo"',
    )
    [request] = read_invoice_csv(path)
    assert (request.reference, request.amount, request.description) == ("RENT-1", 1_850_000, "Canon, marzo")
    assert request.document_type is None


def test_a_semicolon_separated_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        HEADER.replace(",", ";"),
        csv_row(1).replace(",", ";"),
        encoding="utf-8-sig",
    )
    [request] = read_invoice_csv(path)
    assert request.reference == "RENT-2026-03-001"


def test_a_quoted_cell_may_hold_commas_and_line_breaks_and_rows_keep_their_first_line(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "reference,amount,description,redirect_url,customer_document_number",
        f'RENT-1,1850000,"Canon marzo,\nparqueadero incluido",{REDIRECT_URL},900123456',
        f"RENT-2,abc,Canon,{REDIRECT_URL},900123457",
    )
    with pytest.raises(InvoiceCSVError) as raised:
        read_invoice_csv(path)
    assert [(problem.line, problem.column) for problem in raised.value.problems] == [(4, "amount")]

    path.write_text(path.read_text(encoding="utf-8").replace(",abc,", ",2000000,"), encoding="utf-8")
    first, second = read_invoice_csv(path)
    assert first.description == "Canon marzo,\nparqueadero incluido"
    assert (first.line, second.line) == (2, 4)


def test_an_unterminated_quote_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "reference,amount,description,redirect_url,customer_document_number",
        f"RENT-1,1850000,Canon,{REDIRECT_URL},900123456",
        f'RENT-2,1850000,"Canon,{REDIRECT_URL},900123457',
    )
    with pytest.raises(InvoiceCSVError, match="line 3: unreadable row"):
        read_invoice_csv(path)


def test_a_missing_column_is_reported_on_line_one(tmp_path: Path) -> None:
    header = HEADER.replace("redirect_url,", "")
    row = csv_row(1).replace(REDIRECT_URL + ",", "")
    path = write_csv(tmp_path, header, row)

    with pytest.raises(InvoiceCSVError) as raised:
        read_invoice_csv(path)

    error = raised.value
    assert error.problems == (InvoiceCSVProblem(1, "redirect_url", "required column is missing"),)
    assert isinstance(error, InvalidParameterError)
    assert isinstance(error, ValueError)
    assert error.parameter == "path"
    assert f"{path} has 1 problem; nothing was sent" in str(error)
    assert "line 1, redirect_url: required column is missing" in str(error)


def test_an_unknown_or_repeated_column_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + ",customer_nme,amount", csv_row(1) + ",Ana,5000")
    with pytest.raises(InvoiceCSVError) as raised:
        read_invoice_csv(path)
    assert [(problem.line, problem.column) for problem in raised.value.problems] == [
        (1, "customer_nme"),
        (1, "amount"),
    ]
    assert "unknown column (known: reference, amount" in str(raised.value)
    assert "column appears more than once" in str(raised.value)


def test_every_bad_row_is_reported_with_its_line_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        HEADER,
        csv_row(1),
        csv_row(2, amount="1.850.000"),
        csv_row(3, amount="2500"),
        csv_row(4, description=""),
        csv_row(5, redirect_url="www.example.com"),
        csv_row(6, document_type="passport"),
        csv_row(7, amount="1850000.50"),
        csv_row(1, amount="1000000"),
        csv_row(8) + ",extra",
    )

    with pytest.raises(InvoiceCSVError) as raised:
        read_invoice_csv(path)

    problems = [(problem.line, problem.column) for problem in raised.value.problems]
    assert problems == [
        (3, "amount"),
        (4, "amount"),
        (5, "description"),
        (6, "redirect_url"),
        (7, "document_type"),
        (8, "amount"),
        (9, "reference"),
        (10, None),
    ]
    message = str(raised.value)
    assert "has 8 problems; nothing was sent" in message
    assert "line 3, amount: '1.850.000' is not a whole number of COP; write digits only, such as 1850000" in message
    assert "line 4, amount: must be between 3,000 and 550,000,000, got 2,500" in message
    assert "line 5, description: must not be empty" in message
    assert "line 9, reference: 'RENT-2026-03-001' is already used on line 2" in message
    assert "line 10: expected 8 fields like the header, found 9" in message


def test_a_long_list_of_problems_is_cut_in_the_message_but_kept_whole(tmp_path: Path) -> None:
    rows = [csv_row(number, amount="abc") for number in range(1, 31)]
    with pytest.raises(InvoiceCSVError) as raised:
        read_invoice_csv(write_csv(tmp_path, HEADER, *rows))
    assert len(raised.value.problems) == 30
    assert "... and 10 more" in str(raised.value)
    assert "line 21, amount" in str(raised.value)
    assert "line 22, amount" not in str(raised.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"reference,amount\xff\n", "is not utf-8-sig text"),
    ],
)
def test_an_empty_or_undecodable_file_is_an_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "rent.csv"
    path.write_bytes(content)
    with pytest.raises(InvoiceCSVError, match=message):
        read_invoice_csv(path)


def test_a_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_invoice_csv(tmp_path / "nope.csv")


async def test_a_bad_csv_sends_nothing_and_a_good_one_is_issued_end_to_end(
    tmp_path: Path, fake: FakePalomma, palomma: PalommaClient
) -> None:
    bad = write_csv(tmp_path, HEADER, csv_row(1), csv_row(2, amount="un millón"), name="bad.csv")
    with pytest.raises(InvoiceCSVError, match="line 3, amount"):
        await palomma.invoices.create_many(read_invoice_csv(bad))
    assert fake.requests == []

    good = write_csv(tmp_path, HEADER, *(csv_row(number) for number in range(1, 6)), name="good.csv")
    result = await palomma.invoices.create_many(read_invoice_csv(good))
    assert [(item.request.line, item.outcome) for item in result] == [
        (line, InvoiceBatchOutcome.CREATED) for line in range(2, 7)
    ]
    assert {invoice["customerName"] for invoice in fake.invoices()} == {f"Tenant {n}" for n in range(1, 6)}
