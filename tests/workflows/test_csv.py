"""Invoice CSV files: columns from the create model, every bad row by line, checked in one linear pass."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import attrs
import pytest

from palomma_client import (
    InvalidParameterError,
    InvoiceBatchOutcome,
    InvoiceCSVError,
    InvoiceCSVProblem,
    InvoiceRequest,
    PalommaClient,
    iter_invoice_csv,
    read_invoice_csv,
)
from palomma_client._generated.models import CreateInvoiceRequest
from palomma_client.testing import FakePalomma
from palomma_client.workflows import INVOICE_CSV_COLUMNS, REQUIRED_INVOICE_CSV_COLUMNS
from tests.workflows.support import AMOUNT_MAX, AMOUNT_MIN, REDIRECT_URL, rent


@pytest.fixture
def fake() -> FakePalomma:
    return FakePalomma(seed=5)


@pytest.fixture
async def palomma(fake: FakePalomma) -> Any:
    async with fake.client() as client:
        yield client


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
    assert "line 3, amount: '1.850.000' is not a whole number; write digits only, with no separators" in message
    assert f"line 4, amount: must be between {AMOUNT_MIN:,} and {AMOUNT_MAX:,}, got 2,500" in message
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
        (HEADER.encode() + b"\n" + b"RENT-1,1850000,Canon\n" * 5000 + b"\xff\n", "is not utf-8-sig text"),
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


# --------------------------------------------------------------------------- columns from the model


def test_the_columns_are_the_create_models_fields_in_order() -> None:
    fields = attrs.fields(CreateInvoiceRequest)
    assert list(INVOICE_CSV_COLUMNS) == [field.name for field in fields if field.init]
    assert list(REQUIRED_INVOICE_CSV_COLUMNS) == [field.name for field in fields if field.default is attrs.NOTHING]


def test_an_unknown_column_is_refused_with_every_known_column_in_the_models_order(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + ",colour", csv_row(1) + ",blue")
    with pytest.raises(InvoiceCSVError) as raised:
        read_invoice_csv(path)
    known = ", ".join(REQUIRED_INVOICE_CSV_COLUMNS) + " (optional: "
    assert f"line 1, colour: unknown column (known: {known}" in str(raised.value)


def test_columns_may_be_named_as_in_the_apis_json(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "reference,amount,description,redirectUrl,customerDocumentNumber,documentType",
        f"RENT-1,1850000,Canon,{REDIRECT_URL},900123456,nit",
    )
    [request] = read_invoice_csv(path)
    assert (request.redirect_url, request.customer_document_number, request.document_type) == (
        REDIRECT_URL,
        "900123456",
        "nit",
    )


# --------------------------------------------------------------------------- streaming


def test_iter_invoice_csv_checks_the_whole_file_at_the_call(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER, csv_row(1), csv_row(2, amount="abc"), csv_row(3, description=""))
    with pytest.raises(InvoiceCSVError) as raised:
        iter_invoice_csv(path)
    assert [(problem.line, problem.column) for problem in raised.value.problems] == [
        (3, "amount"),
        (4, "description"),
    ]


def test_iter_invoice_csv_then_reads_rows_as_they_are_drawn(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER, csv_row(1), csv_row(2))
    requests = iter_invoice_csv(path)
    # Changed after the check: the bad row is only met when it is read, which shows rows are read lazily.
    write_csv(tmp_path, HEADER, csv_row(1), csv_row(2, amount="abc"))

    first = next(requests)
    assert (first.reference, first.line) == ("RENT-2026-03-001", 2)
    with pytest.raises(InvoiceCSVError, match="line 3, amount: 'abc' is not a whole number"):
        next(requests)


async def test_a_streamed_file_feeds_a_batch(tmp_path: Path, fake: FakePalomma, palomma: PalommaClient) -> None:
    path = write_csv(tmp_path, HEADER, *(csv_row(number) for number in range(1, 8)))

    result = await palomma.invoices.create_many(iter_invoice_csv(path), concurrency=3)

    assert [(item.request.line, item.outcome) for item in result] == [
        (line, InvoiceBatchOutcome.CREATED) for line in range(2, 9)
    ]
    assert len(fake.invoices()) == 7


# --------------------------------------------------------------------------- linear in the file's length


def _calls_to_check(path: Path) -> int:
    """How many Python and C functions reading `path` calls: a measure of work that does not depend on timing."""
    calls = 0

    def count(frame: FrameType, event: str, argument: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    profile: Callable[[FrameType, str, Any], object] = count
    sys.setprofile(profile)
    try:
        with pytest.raises(InvoiceCSVError):
            read_invoice_csv(path)
    finally:
        sys.setprofile(None)
    return calls


def _bad_rows(tmp_path: Path, count: int) -> Path:
    return write_csv(
        tmp_path, HEADER, *(csv_row(number, amount="1.850.000") for number in range(count)), name=f"bad-{count}.csv"
    )


def test_checking_bad_rows_costs_the_same_for_each_row_however_many_came_before(tmp_path: Path) -> None:
    one, two, four = (_calls_to_check(_bad_rows(tmp_path, count)) for count in (500, 1_000, 2_000))

    # Each further row costs the same fixed work: no row rescans the problems found before it.
    per_row = (two - one) / 500
    assert (four - two) / 1_000 == pytest.approx(per_row, rel=0.02)


def test_forty_thousand_bad_rows_are_all_reported_by_line(tmp_path: Path) -> None:
    path = _bad_rows(tmp_path, 40_000)

    with pytest.raises(InvoiceCSVError) as raised:
        read_invoice_csv(path)

    problems = raised.value.problems
    assert len(problems) == 40_000
    assert [problem.line for problem in problems[:3]] == [2, 3, 4]
    assert problems[-1] == InvoiceCSVProblem(
        40_001, "amount", "'1.850.000' is not a whole number; write digits only, with no separators or decimals"
    )
    assert "... and 39980 more" in str(raised.value)
