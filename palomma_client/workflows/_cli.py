"""The ``palomma`` command: batch invoicing, listings and settlement reconciliation from a shell.

Only the ``palomma`` console script imports this module; the SDK itself never
does, so ``import palomma_client`` works without click (the ``cli`` extra).
It lives beside the workflows it drives because it is their front end: it
reads and writes the same CSV columns and formats money the same way.

Configuration comes from the environment, never from the command line, so
that the API key stays out of shell history and process lists:
``PALOMMA_API_KEY`` (required), ``PALOMMA_ENVIRONMENT`` (``production`` or
``sandbox``) and ``PALOMMA_BASE_URL`` (another server, such as the fake API).

Exit codes, for scripts:

    0    done: every invoice created or already there; the settlement balances
    1    done, but some invoices failed, or the settlement does not balance
    2    usage or input error: bad arguments, a bad CSV file, no API key; nothing was sent
    3    the API refused the call or could not be reached (authentication, not found, 5xx, network);
         a batch stops starting invoices after such an error and reports the rest as not attempted
    130  interrupted (Ctrl+C); rerunning a batch is safe
    143  terminated (SIGTERM), as for Ctrl+C
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import IO, Any, Final, NoReturn, TypeVar

try:
    import click
except ImportError as error:  # pragma: no cover - depends on how the package was installed
    raise SystemExit("the palomma command needs the 'cli' extra: pip install 'palomma-client[cli]'") from error

import httpx2

from palomma_client._client import PalommaClient
from palomma_client._constants import DEFAULT_BATCH_CONCURRENCY
from palomma_client._exceptions import FeatureUnavailableError, InvalidParameterError, PalommaError
from palomma_client._features import Argument, Feature, Field, Model, Operation, is_missing
from palomma_client._generated.version import __version__
from palomma_client._generated_names import CreateInvoiceRequest, Invoice, list_invoices
from palomma_client._request import Sleep
from palomma_client._resources import CREATE_MANY
from palomma_client.workflows._api import InvoiceFields, InvoicesAPI
from palomma_client.workflows._batch import (
    DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES,
    InvoiceBatchItem,
    InvoiceBatchOutcome,
)
from palomma_client.workflows._csv import (
    check_file,
    describe_columns,
    spreadsheet_safe,
    spreadsheet_writer,
    stream_file,
)
from palomma_client.workflows._format import exact_amount, format_amount, plural
from palomma_client.workflows._models import field_kinds, field_names
from palomma_client.workflows._reconcile import RECONCILE, ReconciliationReport
from palomma_client.workflows._request import InvoiceRequest

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_FAILURES",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "CliSettings",
    "cli",
    "main",
]

EXIT_OK: Final = 0
EXIT_FAILURES: Final = 1
EXIT_USAGE: Final = 2
EXIT_API_ERROR: Final = 3
EXIT_INTERRUPTED: Final = 128 + signal.SIGINT
EXIT_TERMINATED: Final = 128 + signal.SIGTERM

T = TypeVar("T")

_LIST_FORMATS = click.Choice(["table", "csv", "json"])

# Every column comes from the generated Invoice model, in the spec's order.
_INVOICE_COLUMNS: Final = field_names(Invoice)
_MONEY_COLUMNS: Final = frozenset(name for name, kind in field_kinds(Invoice).items() if kind in ("integer", "number"))
# The table shows what a merchant billed (the create fields an invoice echoes back), after the
# invoice's id and before its status and settlement; csv and json show every field.
_INVOICE_TABLE_COLUMNS: Final = (
    "id",
    *(name for name in field_names(CreateInvoiceRequest) if name in _INVOICE_COLUMNS),
    "status",
    "settlement",
)
_BATCH_COLUMNS: Final = ("line", "reference", "outcome", "invoice_id", "payment_url", "detail")

# The page size bounds come from the spec's rules for listInvoices' limit (none when the spec lost it:
# the command then refuses to run, see _LIST_COMMAND).
_PAGE_SIZE_RULES: Final[dict[str, Any]] = {} if is_missing(list_invoices) else list_invoices.RULES.get("limit", {})

# What each command needs of the spec; a command whose needs are gone exits 2 and names them.
_CREATE_BATCH_COMMAND: Final = Feature(
    "palomma invoices create-batch", CREATE_MANY, Field("Invoice", "id"), Field("Invoice", "paymentUrl")
)
_LIST_COMMAND: Final = Feature(
    "palomma invoices list",
    Operation("listInvoices"),
    # Each filter the command passes on (unset ones as None), and the page size.
    Argument("listInvoices", "reference"),
    Argument("listInvoices", "customer_document_number"),
    Argument("listInvoices", "contract"),
    Argument("listInvoices", "payment_date"),
    Argument("listInvoices", "settlement_date"),
    Argument("listInvoices", "settlement_cycle"),
    Argument("listInvoices", "limit"),
    # The table's own columns, besides every field of the model.
    Field("Invoice", "id"),
    Field("Invoice", "status"),
    Field("Invoice", "settlementDate"),
    Field("Invoice", "settlementTime"),
)
_GET_COMMAND: Final = Feature("palomma invoices get", Model("Invoice"), Operation("getInvoice"))
_RECONCILE_COMMAND: Final = Feature("palomma settlements reconcile", RECONCILE)


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


def _require(feature: Feature) -> None:
    """Exit 2, naming what is missing, when the spec this SDK was generated from lacks what a command needs."""
    try:
        feature.check()
    except FeatureUnavailableError as error:
        _fail(EXIT_USAGE, str(error))


# --------------------------------------------------------------------------- running a command


class _Signals:
    """SIGINT and SIGTERM while a command runs: the first winds it down, a second stops it at once.

    Both signals are handled alike, so that a supervisor's SIGTERM leaves the
    same partial results behind as Ctrl+C. ``on_first`` is how a command winds
    down (a batch stops starting invoices); a command without one stops at once.
    """

    _HANDLED: Final = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.received: signal.Signals | None = None
        self.on_first: Callable[[str], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Handle both signals for the current task until the block ends, then restore the handlers."""
        if threading.current_thread() is not threading.main_thread():
            # Only the main thread may set handlers; elsewhere the defaults stay.
            yield
            return
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        previous = {number: signal.signal(number, self._handle) for number in self._HANDLED}
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _handle(self, number: int, frame: FrameType | None) -> None:
        assert self._loop is not None
        assert self._task is not None
        # Python runs this between two bytecodes of whatever was running: only hand work to the loop.
        if self.received is None and self.on_first is not None:
            self.received = signal.Signals(number)
            self._loop.call_soon_threadsafe(self.on_first, f"interrupted by {self.received.name}")
            return
        self.received = self.received or signal.Signals(number)
        self._loop.call_soon_threadsafe(self._task.cancel)

    @property
    def exit_code(self) -> int:
        """128 plus the signal's number, as a shell reports a process a signal ended."""
        assert self.received is not None
        return 128 + self.received.value


class _Interrupted(Exception):
    """A signal stopped the command before it finished."""

    def __init__(self, signals: _Signals) -> None:
        super().__init__()
        self.exit_code = signals.exit_code


def _run(work: Callable[[_Signals], Awaitable[T]], signals: _Signals | None = None) -> T:
    """Run the command's coroutine with signals handled; turn SDK errors into messages and exit codes."""
    signals = signals or _Signals()

    async def main() -> T:
        with signals.installed():
            try:
                return await work(signals)
            except asyncio.CancelledError:
                if signals.received is None:
                    raise
                raise _Interrupted(signals) from None

    try:
        return asyncio.run(main())
    except InvalidParameterError as error:
        _fail(EXIT_USAGE, str(error))
    except PalommaError as error:
        # SDK messages name the method and path, and quote the API's error text: never the key.
        _fail(EXIT_API_ERROR, str(error))
    except _Interrupted as interrupted:
        _fail(interrupted.exit_code, "interrupted")
    except KeyboardInterrupt:
        _fail(EXIT_INTERRUPTED, "interrupted")


def _settings(context: click.Context) -> CliSettings:
    settings = context.find_object(CliSettings)
    assert settings is not None  # the group callback creates it
    return settings


# --------------------------------------------------------------------------- formatting


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _invoice_row(invoice: Invoice) -> dict[str, str]:
    return {column: _text(getattr(invoice, column)) for column in _INVOICE_COLUMNS}


def _csv_cell(value: object) -> str:
    # A number the model parsed is written as a number, a negative one included; everything else is
    # text someone else wrote (a tenant's name, a description), which a spreadsheet must not run.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _text(value)
    return spreadsheet_safe(_text(value))


def _invoice_csv_row(invoice: Invoice) -> dict[str, str]:
    return {column: _csv_cell(getattr(invoice, column)) for column in _INVOICE_COLUMNS}


def _table_row(invoice: Invoice) -> dict[str, str]:
    row = _invoice_row(invoice)
    for column in _MONEY_COLUMNS:
        value = getattr(invoice, column)
        if isinstance(value, int | float):
            row[column] = format_amount(exact_amount(value))
    row["settlement"] = f"{row['settlement_date']} {row['settlement_time']}".strip()
    return row


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


def _json_number(value: Any) -> int | float:
    exact = exact_amount(value)
    return int(exact) if exact == exact.to_integral_value() else float(exact)


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
    3 API, authentication or connection error; 130 interrupted; 143 terminated.
    """
    settings = context.ensure_object(CliSettings)
    if environment is not None:
        settings.environment = environment
    if base_url is not None:
        settings.base_url = base_url


@cli.group()
def invoices() -> None:
    """Create, list and fetch invoices."""


_CREATE_BATCH_HELP: Final = f"""Issue one invoice per row of CSV_FILE; rerunning the same file never duplicates one.

Columns (header line, any order): {describe_columns()}. Whole-number columns
such as amount take digits only (1850000). The whole file is checked first: any
bad row stops the command (exit 2) before anything is sent.

Results are written as invoices finish (csv and json) or at the end (table).
The batch stops starting invoices when the API refuses the key, after
--max-consecutive-failures invoices in a row cannot reach the API or meet a
server error (exit 3), and on Ctrl+C or SIGTERM (exit 130 or 143; a second
signal stops at once). Rows not started are reported as not_attempted: run
the same file again to finish them.
"""


@invoices.command("create-batch", help=_CREATE_BATCH_HELP)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option(
    "--concurrency",
    type=click.IntRange(1, 50),
    default=DEFAULT_BATCH_CONCURRENCY,
    show_default=True,
    help="Invoices in flight at once.",
)
@click.option(
    "--max-consecutive-failures",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES,
    show_default=True,
    help="Stop after this many invoices in a row cannot reach the API or meet a server error.",
)
@click.option("--delimiter", type=click.Choice([",", ";"]), help="CSV delimiter; detected from the header by default.")
@click.option("--dry-run", is_flag=True, help="Check the file and stop; nothing is sent.")
@click.option("--format", "output_format", type=_LIST_FORMATS, default="table", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the results to this file (never the input file), not stdout.",
)
@click.pass_context
def create_batch(
    context: click.Context,
    csv_file: str,
    concurrency: int,
    max_consecutive_failures: int,
    delimiter: str | None,
    dry_run: bool,
    output_format: str,
    output: str | None,
) -> None:
    _require(_CREATE_BATCH_COMMAND)
    settings = _settings(context)
    if output not in (None, "-") and _same_file(output, csv_file):
        _fail(EXIT_USAGE, f"--output must not be the input file {csv_file}: it would be overwritten")
    try:
        total = check_file(csv_file, delimiter=delimiter)
    except InvalidParameterError as error:
        _fail(EXIT_USAGE, str(error).removeprefix(f"{error.parameter}: "))
    except OSError as error:
        _fail(EXIT_USAGE, f"cannot read {csv_file}: {error.strerror or error}")
    if dry_run:
        click.echo(f"{csv_file}: {plural(total, 'invoice')} checked; nothing was sent", err=True)
        return

    with _results_destination(output) as destination:
        writer = _BatchWriter.start(output_format, destination)
        counts: Counter[InvoiceBatchOutcome] = Counter()
        # How many rows the batch took from the file, and the line of the last: the rows after it were never read.
        drawn = [0, 0]

        def rows(requests: Iterator[InvoiceRequest]) -> Iterator[InvoiceRequest]:
            for request in requests:
                drawn[0] += 1
                drawn[1] = request.line or drawn[1]
                yield request

        async def work(signals: _Signals) -> str | None:
            # Off a terminal (a pipe, a CI log) the bar would only leave its label behind.
            show = sys.stderr.isatty()
            with click.progressbar(length=total, label="Issuing invoices", file=sys.stderr, hidden=not show) as bar:
                async with settings.client() as palomma:
                    requests = rows(stream_file(csv_file, delimiter=delimiter))
                    async with palomma.invoices.create_many_iter(
                        requests, concurrency=concurrency, max_consecutive_failures=max_consecutive_failures
                    ) as batch:
                        # A signal must end the command within a supervisor's grace period, so the rows
                        # not started are summed up in one row rather than read and listed.
                        signals.on_first = functools.partial(batch.stop, report_rest=False)
                        async for item in batch:
                            counts[item.outcome] += 1
                            writer.write(item)
                            bar.update(1)
                        return batch.stop_reason

        signals = _Signals()
        try:
            stop_reason = _run(work, signals)
        finally:
            # However the batch ended, the results so far are written out, and summed up.
            rest = total - drawn[0]
            if signals.received is not None and rest > 0:
                writer.write_rest(rest, drawn[1], signals.received.name)
                counts[InvoiceBatchOutcome.NOT_ATTEMPTED] += rest
            writer.finish()
            _summarise(total, counts)
    rerun = "run the same file again to finish the rows not attempted"
    if signals.received is not None:
        _fail(signals.exit_code, f"interrupted by {signals.received.name}; {rerun}")
    if stop_reason is not None:
        _fail(EXIT_API_ERROR, f"stopped early: {stop_reason}; {rerun}")
    if counts[InvoiceBatchOutcome.FAILED]:
        context.exit(EXIT_FAILURES)


def _same_file(output: str, csv_file: str) -> bool:
    if os.path.realpath(output) == os.path.realpath(csv_file):
        return True
    # A hard link, or another path to the same file.
    return os.path.exists(output) and os.path.samefile(output, csv_file)


@contextlib.contextmanager
def _results_destination(output: str | None) -> Iterator[IO[str]]:
    if output in (None, "-"):
        yield sys.stdout
        return
    assert output is not None
    try:
        # Opened only now, after the input is known to be good, so a bad file leaves old results alone.
        handle = open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as error:
        _fail(EXIT_USAGE, f"cannot write {output}: {error.strerror or error}")
    with handle:
        yield handle


def _summarise(total: int, counts: Counter[InvoiceBatchOutcome]) -> None:
    parts = [
        f"{counts[InvoiceBatchOutcome.CREATED]:,} created",
        f"{counts[InvoiceBatchOutcome.ALREADY_EXISTED]:,} already existed",
        f"{counts[InvoiceBatchOutcome.FAILED]:,} failed",
    ]
    if counts[InvoiceBatchOutcome.NOT_ATTEMPTED]:
        parts.append(f"{counts[InvoiceBatchOutcome.NOT_ATTEMPTED]:,} not attempted")
    unreported = total - sum(counts.values())
    if unreported:
        parts.append(f"{unreported:,} without a result (stopped at once; run the same file again to finish them)")
    click.echo(f"{plural(total, 'invoice')}: " + ", ".join(parts), err=True)


class _BatchWriter:
    """Writes a batch's results as they come: csv and json row by row, a table (which needs every row) at the end."""

    def __init__(self, output_format: str, destination: IO[str]) -> None:
        self._format = output_format
        self._destination = destination
        self._rows: list[tuple[int, dict[str, str]]] = []
        self._csv = spreadsheet_writer(destination, list(_BATCH_COLUMNS))
        self._first = True

    @classmethod
    def start(cls, output_format: str, destination: IO[str]) -> _BatchWriter:
        writer = cls(output_format, destination)
        if output_format == "csv":
            writer._csv.writeheader()
        elif output_format == "json":
            destination.write("[")
        return writer

    def write(self, item: InvoiceBatchItem) -> None:
        row = _batch_row(item)
        if self._format == "csv":
            # Every cell but the line number is text: references, API messages, URLs.
            self._csv.writerow({column: spreadsheet_safe(cell) for column, cell in row.items()})
        elif self._format == "json":
            self._destination.write(("\n  " if self._first else ",\n  ") + json.dumps(row, ensure_ascii=False))
        else:
            self._rows.append((item.index, row))
            return
        self._first = False
        # Flushed row by row, so that what was done is on disk however the command ends.
        self._destination.flush()

    def write_rest(self, count: int, after_line: int, signal_name: str) -> None:
        """One row standing for every row of the file after ``after_line``, none of which was started."""
        rows = plural(count, "row")
        row = {
            "line": "",
            "reference": "",
            "outcome": str(InvoiceBatchOutcome.NOT_ATTEMPTED),
            "invoice_id": "",
            "payment_url": "",
            "detail": (
                f"the {rows} after line {after_line} were not attempted (interrupted by {signal_name}); "
                "run the file again to issue them"
            ),
        }
        if self._format == "csv":
            self._csv.writerow(row)
        elif self._format == "json":
            self._destination.write(("\n  " if self._first else ",\n  ") + json.dumps(row, ensure_ascii=False))
        else:
            self._rows.append((sys.maxsize, row))
            return
        self._first = False

    def finish(self) -> None:
        if self._format == "json":
            self._destination.write("]\n" if self._first else "\n]\n")
        elif self._format == "table":
            self._rows.sort(key=lambda indexed: indexed[0])
            self._destination.write(_table(_BATCH_COLUMNS, (row for _, row in self._rows)) + "\n")
        self._destination.flush()


def _batch_row(item: InvoiceBatchItem) -> dict[str, str]:
    invoice = None if item.invoice is None else _CREATE_BATCH_COMMAND.vouch(item.invoice, InvoiceFields)
    if item.error is not None:
        detail = f"{type(item.error).__name__}: {item.error}"
    elif item.differences:
        detail = "differs from the file: " + ", ".join(item.differences)
    elif item.outcome is InvoiceBatchOutcome.NOT_ATTEMPTED:
        detail = "the batch stopped before this row; run the file again to issue it"
    else:
        detail = ""
    return {
        "line": _text(item.request.line),
        "reference": item.reference,
        "outcome": str(item.outcome),
        "invoice_id": invoice.id if invoice is not None else "",
        "payment_url": invoice.payment_url if invoice is not None else "",
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
@click.option(
    "--page-size",
    type=click.IntRange(_PAGE_SIZE_RULES.get("minimum"), _PAGE_SIZE_RULES.get("maximum")),
    default=_PAGE_SIZE_RULES.get("maximum"),
    show_default=True,
    help="Invoices per request (the API's largest page by default).",
)
@click.option("--format", "output_format", type=_LIST_FORMATS, default="table", show_default=True)
@click.pass_context
def list_invoices_command(
    context: click.Context,
    reference: str | None,
    customer_document_number: str | None,
    contract: str | None,
    payment_date: str | None,
    settlement_date: str | None,
    settlement_cycle: str | None,
    max_items: int | None,
    page_size: int | None,
    output_format: str,
) -> None:
    """List invoices, newest first, across every page (filters combine)."""
    _require(_LIST_COMMAND)
    settings = _settings(context)
    stdout = sys.stdout

    async def work(signals: _Signals) -> None:
        async with settings.client() as palomma:
            pager = _LIST_COMMAND.vouch(palomma.invoices, InvoicesAPI).list(
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
                stdout.write(_table(_INVOICE_TABLE_COLUMNS, rows, right=_MONEY_COLUMNS) + "\n")
                click.echo(plural(len(rows), "invoice"), err=True)
                return
            # csv and json stream page by page, so memory stays bounded by one page.
            if output_format == "csv":
                writer = spreadsheet_writer(stdout, list(_INVOICE_COLUMNS))
                writer.writeheader()
                async for invoice in pager:
                    writer.writerow(_invoice_csv_row(invoice))
                return
            stdout.write("[")
            first = True
            async for invoice in pager:
                stdout.write(("\n  " if first else ",\n  ") + json.dumps(invoice.to_dict(), ensure_ascii=False))
                first = False
            stdout.write("\n]\n" if not first else "]\n")

    _run(work)


@invoices.command("get")
@click.argument("invoice_id")
@click.option("--format", "output_format", type=click.Choice(["json", "table"]), default="json", show_default=True)
@click.pass_context
def get_invoice(context: click.Context, invoice_id: str, output_format: str) -> None:
    """Show one invoice by its id (exit 3 if there is none)."""
    _require(_GET_COMMAND)
    settings = _settings(context)

    async def work(signals: _Signals) -> Invoice:
        async with settings.client() as palomma:
            return await _GET_COMMAND.vouch(palomma.invoices, InvoicesAPI).get(invoice_id)

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
    _require(_RECONCILE_COMMAND)
    settings = _settings(context)

    async def work(signals: _Signals) -> ReconciliationReport:
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
