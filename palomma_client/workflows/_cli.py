"""The ``palomma`` command: batch invoicing, listings and settlement reconciliation from a shell.

Only the ``palomma`` console script imports this module; the SDK itself never
does, so ``import palomma_client`` works without click (the ``cli`` extra).

Configuration comes from the environment, never from the command line, so
that the API key stays out of shell history and process lists:
``PALOMMA_API_KEY`` (required), ``PALOMMA_ENVIRONMENT`` (``production`` or
``sandbox``) and ``PALOMMA_BASE_URL`` (another server, such as the fake API).

Exit codes, for scripts:

    0  done: every invoice created or already there; the settlement balances
    1  done, but some invoices failed, or the settlement does not balance
    2  usage or input error: bad arguments, a bad CSV file, no API key; nothing was sent
    3  the API refused the call or could not be reached (authentication, not found, 5xx, network)
    130  interrupted (Ctrl+C); rerunning a batch is safe
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Final, NoReturn, TypeVar

try:
    import click
except ImportError as error:  # pragma: no cover - depends on how the package was installed
    raise SystemExit("the palomma command needs the 'cli' extra: pip install 'palomma-client[cli]'") from error

import httpx2

from palomma_client._base_client import Sleep
from palomma_client._client import PalommaClient
from palomma_client._exceptions import InvalidParameterError, PalommaError
from palomma_client._generated.models import Invoice
from palomma_client._generated.types import Unset
from palomma_client._generated.version import __version__
from palomma_client.workflows._batch import InvoiceBatchItem, InvoiceBatchResult, read_invoice_csv
from palomma_client.workflows._reconcile import ReconciliationReport

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_FAILURES",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliSettings",
    "cli",
    "main",
]

EXIT_OK: Final = 0
EXIT_FAILURES: Final = 1
EXIT_USAGE: Final = 2
EXIT_API_ERROR: Final = 3
EXIT_INTERRUPTED: Final = 130

T = TypeVar("T")

_LIST_FORMATS = click.Choice(["table", "csv", "json"])
_INVOICE_COLUMNS: Final = (
    "id",
    "reference",
    "status",
    "amount",
    "customer_document_number",
    "customer_name",
    "contract",
    "created_at",
    "payment_date",
    "payment_method",
    "payment_amount",
    "settlement_date",
    "settlement_cycle",
    "payment_url",
)
_INVOICE_TABLE_COLUMNS: Final = (
    "id",
    "reference",
    "status",
    "amount",
    "customer_document_number",
    "contract",
    "created_at",
    "settlement",
)
_BATCH_COLUMNS: Final = ("line", "reference", "outcome", "invoice_id", "payment_url", "detail")


@dataclass
class CliSettings:
    """How the command builds its client; the ``obj`` of the click context.

    Attributes:
        environment: ``--environment``, or ``None`` for ``PALOMMA_ENVIRONMENT``.
        base_url: ``--base-url``, or ``None`` for ``PALOMMA_BASE_URL``.
        transport: An httpx2 transport for the client (tests pass ``httpx2.ASGITransport(app=fake.app)``).
        sleep: Waits between retries; tests pass one that does not wait.
    """

    environment: str | None = None
    base_url: str | None = None
    transport: httpx2.AsyncBaseTransport | None = None
    sleep: Sleep | None = None

    def client(self) -> PalommaClient:
        """Build the client, reading the key from ``PALOMMA_API_KEY``.

        Raises:
            click.UsageError: ``PALOMMA_API_KEY`` is not set.
            InvalidParameterError: The environment or base URL is invalid.
        """
        if not os.environ.get("PALOMMA_API_KEY"):
            raise click.UsageError("set PALOMMA_API_KEY to your Palomma API key (it is never read from arguments)")
        options: dict[str, Any] = {"environment": self.environment, "base_url": self.base_url}
        if self.transport is not None:
            options["transport"] = self.transport
        if self.sleep is not None:
            options["sleep"] = self.sleep
        return PalommaClient(**options)


def _fail(code: int, message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(code)


def _run(work: Callable[[], Awaitable[T]]) -> T:
    """Run the command's coroutine; turn SDK errors into messages and exit codes."""
    try:
        return asyncio.run(_awaited(work))
    except InvalidParameterError as error:
        _fail(EXIT_USAGE, str(error))
    except PalommaError as error:
        # SDK messages name the method and path, and quote the API's error text: never the key.
        _fail(EXIT_API_ERROR, str(error))
    except KeyboardInterrupt:
        _fail(EXIT_INTERRUPTED, "interrupted; rerunning is safe: invoices already created are found, not duplicated")


async def _awaited(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


def _settings(context: click.Context) -> CliSettings:
    settings = context.find_object(CliSettings)
    assert settings is not None  # the group callback creates it
    return settings


# --------------------------------------------------------------------------- formatting


def _invoices(count: int) -> str:
    return "1 invoice" if count == 1 else f"{count} invoices"


def _text(value: object) -> str:
    if value is None or isinstance(value, Unset):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _money(value: object) -> str:
    if value is None or isinstance(value, Unset):
        return ""
    if isinstance(value, Decimal):
        return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}"
    if isinstance(value, int | float):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return str(value)


def _invoice_row(invoice: Invoice) -> dict[str, str]:
    return {
        "id": invoice.id,
        "reference": _text(invoice.reference),
        "status": str(invoice.status),
        "amount": _text(invoice.amount),
        "customer_document_number": invoice.customer_document_number,
        "customer_name": _text(invoice.customer_name),
        "contract": invoice.contract,
        "created_at": invoice.created_at,
        "payment_date": "" if isinstance(invoice.payment_date, Unset) else invoice.payment_date.isoformat(),
        "payment_method": _text(invoice.payment_method),
        "payment_amount": _text(invoice.payment_amount),
        "settlement_date": _text(invoice.settlement_date),
        "settlement_cycle": _text(invoice.settlement_time),
        "payment_url": invoice.payment_url,
    }


def _table(columns: Sequence[str], rows: Iterable[dict[str, str]], *, right: Iterable[str] = ()) -> str:
    materialised = list(rows)
    right_aligned = set(right)
    widths = {column: max([len(column), *(len(row.get(column, "")) for row in materialised)]) for column in columns}

    def line(values: dict[str, str]) -> str:
        cells = [
            values.get(column, "").rjust(widths[column])
            if column in right_aligned
            else values.get(column, "").ljust(widths[column])
            for column in columns
        ]
        return "  ".join(cells).rstrip()

    header = line({column: column.upper() for column in columns})
    return "\n".join([header, *(line(row) for row in materialised)])


def _write_csv(output: IO[str], columns: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    writer = csv.DictWriter(output, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# --------------------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="palomma")
@click.option(
    "--environment",
    type=click.Choice(["production", "sandbox"]),
    help="The Palomma environment; default PALOMMA_ENVIRONMENT, then production.",
)
@click.option("--base-url", help="Send to this URL instead (a proxy, the fake API); default PALOMMA_BASE_URL.")
@click.pass_context
def cli(context: click.Context, environment: str | None, base_url: str | None) -> None:
    """Palomma Rentals API from the command line: rent invoices and settlements.

    The API key is read from PALOMMA_API_KEY only. Exit codes: 0 ok; 1 some invoices
    failed or the settlement does not balance; 2 usage or input error (nothing sent);
    3 API, authentication or connection error; 130 interrupted.
    """
    settings = context.ensure_object(CliSettings)
    if environment is not None:
        settings.environment = environment
    if base_url is not None:
        settings.base_url = base_url


@cli.group()
def invoices() -> None:
    """Create, list and fetch invoices."""


@invoices.command("create-batch")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--concurrency", type=click.IntRange(1, 50), default=10, show_default=True, help="Invoices in flight.")
@click.option("--delimiter", type=click.Choice([",", ";"]), help="CSV delimiter; detected from the header by default.")
@click.option("--dry-run", is_flag=True, help="Check the file and stop; nothing is sent.")
@click.option("--format", "output_format", type=_LIST_FORMATS, default="table", show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), help="Write the results here, not stdout.")
@click.pass_context
def create_batch(
    context: click.Context,
    csv_file: str,
    concurrency: int,
    delimiter: str | None,
    dry_run: bool,
    output_format: str,
    output: IO[str] | None,
) -> None:
    """Issue one invoice per row of CSV_FILE; rerunning the same file never duplicates one.

    Columns (header line, any order): reference, amount, description, redirect_url,
    customer_document_number; optional: document_type, customer_name, contract.
    Amounts are whole COP written with digits only (1850000). The whole file is
    checked first: any bad row stops the command (exit 2) before anything is sent.
    """
    settings = _settings(context)
    try:
        requests = read_invoice_csv(csv_file, delimiter=delimiter)
    except InvalidParameterError as error:
        _fail(EXIT_USAGE, str(error).removeprefix(f"{error.parameter}: "))
    except OSError as error:
        _fail(EXIT_USAGE, f"cannot read {csv_file}: {error.strerror or error}")
    if dry_run:
        click.echo(f"{csv_file}: {_invoices(len(requests))} checked; nothing was sent", err=True)
        return

    async def work() -> InvoiceBatchResult:
        # Off a terminal (a pipe, a CI log) the bar would only leave its label behind.
        show = sys.stderr.isatty()
        with click.progressbar(length=len(requests), label="Issuing invoices", file=sys.stderr, hidden=not show) as bar:

            def on_progress(done: int, total: int, item: InvoiceBatchItem) -> None:
                bar.update(1)

            async with settings.client() as palomma:
                return await palomma.invoices.create_many(requests, concurrency=concurrency, on_progress=on_progress)

    result = _run(work)
    rows = [_batch_row(item) for item in result]
    destination = output if output is not None else sys.stdout
    if output_format == "csv":
        _write_csv(destination, _BATCH_COLUMNS, rows)
    elif output_format == "json":
        json.dump(rows, destination, ensure_ascii=False, indent=2)
        destination.write("\n")
    else:
        destination.write(_table(_BATCH_COLUMNS, rows) + "\n")
    click.echo(
        f"{_invoices(len(result))}: {len(result.created)} created, {len(result.already_existed)} already existed, "
        f"{len(result.failed)} failed",
        err=True,
    )
    if result.failed:
        context.exit(EXIT_FAILURES)


def _batch_row(item: InvoiceBatchItem) -> dict[str, str]:
    if item.error is not None:
        detail = f"{type(item.error).__name__}: {item.error}"
    elif item.differences:
        detail = "differs from the file: " + ", ".join(item.differences)
    else:
        detail = ""
    return {
        "line": _text(item.request.line),
        "reference": item.reference,
        "outcome": str(item.outcome),
        "invoice_id": item.invoice.id if item.invoice is not None else "",
        "payment_url": item.invoice.payment_url if item.invoice is not None else "",
        "detail": detail,
    }


@invoices.command("list")
@click.option("--reference", help="Only the invoice with this reference.")
@click.option("--customer-document-number", help="Only this tenant's invoices.")
@click.option("--contract", help="Only this contract's invoices.")
@click.option("--payment-date", metavar="YYYY-MM-DD", help="Only invoices paid that day.")
@click.option("--settlement-date", metavar="YYYY-MM-DD", help="Only invoices settled that day.")
@click.option("--settlement-cycle", metavar="CYCLE", help="Only invoices of this cycle (11, 13, 16, 18, 20).")
@click.option("--max-items", type=click.IntRange(min=1), help="Stop after this many invoices.")
@click.option("--page-size", type=click.IntRange(1, 100), default=100, show_default=True, help="Invoices per request.")
@click.option("--format", "output_format", type=_LIST_FORMATS, default="table", show_default=True)
@click.pass_context
def list_invoices(
    context: click.Context,
    reference: str | None,
    customer_document_number: str | None,
    contract: str | None,
    payment_date: str | None,
    settlement_date: str | None,
    settlement_cycle: str | None,
    max_items: int | None,
    page_size: int,
    output_format: str,
) -> None:
    """List invoices, newest first, across every page (filters combine)."""
    settings = _settings(context)
    stdout = sys.stdout

    async def work() -> None:
        async with settings.client() as palomma:
            pager = palomma.invoices.list(
                reference=reference,
                customer_document_number=customer_document_number,
                contract=contract,
                payment_date=payment_date,
                settlement_date=settlement_date,
                settlement_cycle=settlement_cycle,
                limit=page_size,
                max_items=max_items,
            )
            if output_format == "table":
                # Column widths need every row; a listing too long for a table is better as csv.
                rows = [_table_row(invoice) async for invoice in pager]
                stdout.write(_table(_INVOICE_TABLE_COLUMNS, rows, right=("amount",)) + "\n")
                click.echo(_invoices(len(rows)), err=True)
                return
            # csv and json stream page by page, so memory stays bounded by one page.
            if output_format == "csv":
                writer = csv.DictWriter(stdout, fieldnames=list(_INVOICE_COLUMNS), lineterminator="\n")
                writer.writeheader()
                async for invoice in pager:
                    writer.writerow(_invoice_row(invoice))
                return
            stdout.write("[")
            first = True
            async for invoice in pager:
                stdout.write(("\n  " if first else ",\n  ") + json.dumps(invoice.to_dict(), ensure_ascii=False))
                first = False
            stdout.write("\n]\n" if not first else "]\n")

    _run(work)


def _table_row(invoice: Invoice) -> dict[str, str]:
    row = _invoice_row(invoice)
    row["amount"] = _money(invoice.amount)
    if row["settlement_date"]:
        row["settlement"] = f"{row['settlement_date']} {row['settlement_cycle']}".strip()
    return row


@invoices.command("get")
@click.argument("invoice_id")
@click.option("--format", "output_format", type=click.Choice(["json", "table"]), default="json", show_default=True)
@click.pass_context
def get_invoice(context: click.Context, invoice_id: str, output_format: str) -> None:
    """Show one invoice by its id (exit 3 if there is none)."""
    settings = _settings(context)

    async def work() -> Invoice:
        async with settings.client() as palomma:
            return await palomma.invoices.get(invoice_id)

    invoice = _run(work)
    if output_format == "json":
        click.echo(json.dumps(invoice.to_dict(), ensure_ascii=False, indent=2))
        return
    row = _invoice_row(invoice)
    width = max(len(column) for column in _INVOICE_COLUMNS)
    click.echo("\n".join(f"{column.ljust(width)}  {row[column]}".rstrip() for column in _INVOICE_COLUMNS))


@cli.group()
def settlements() -> None:
    """Check settlements."""


@settlements.command("reconcile")
@click.argument("date", metavar="DATE")
@click.argument("cycle", metavar="CYCLE")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def reconcile_settlement(context: click.Context, date: str, cycle: str, output_format: str) -> None:
    """Check the settlement of DATE (YYYY-MM-DD) and CYCLE (11, 13, 16, 18, 20) against its invoices.

    Exits 0 when it balances, 1 when it does not (each discrepancy is listed).
    """
    settings = _settings(context)

    async def work() -> ReconciliationReport:
        async with settings.client() as palomma:
            return await palomma.settlements.reconcile(date, cycle)

    report = _run(work)
    if output_format == "json":
        click.echo(json.dumps(_report_document(report), ensure_ascii=False, indent=2))
    else:
        click.echo(report.summary())
    if not report.balanced:
        context.exit(EXIT_FAILURES)


def _report_document(report: ReconciliationReport) -> dict[str, Any]:
    return {
        "date": report.date.isoformat(),
        "cycle": report.cycle,
        "status": str(report.status),
        "balanced": report.balanced,
        "figures": {
            "numberOfInvoices": _json_number(report.number_of_invoices),
            "invoicesListed": report.invoice_count,
            "amountCollected": _json_number(report.amount_collected),
            "invoicesTotal": _json_number(report.invoices_total),
            "fees": _json_number(report.fees),
            "feesPostpaid": report.fees_postpaid,
            "adjustments": _json_number(report.adjustments),
            "paymentAmount": _json_number(report.payment_amount),
            "expectedPaymentAmount": _json_number(report.expected_payment_amount),
            "chargebacks": report.chargeback_count,
            "chargebacksTotal": _json_number(report.chargeback_total),
        },
        "discrepancies": [
            {
                "kind": str(discrepancy.kind),
                "message": discrepancy.message,
                "expected": None if discrepancy.expected is None else _json_number(discrepancy.expected),
                "actual": None if discrepancy.actual is None else _json_number(discrepancy.actual),
                "invoiceId": discrepancy.invoice_id,
            }
            for discrepancy in report.discrepancies
        ],
        "notes": list(report.notes),
    }


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the ``palomma`` command (the console script's entry point).

    Args:
        argv: The arguments; ``sys.argv[1:]`` when ``None``.
    """
    cli.main(args=list(argv) if argv is not None else None, prog_name="palomma", obj=CliSettings())
    raise SystemExit(EXIT_OK)  # pragma: no cover - cli.main exits itself in standalone mode
