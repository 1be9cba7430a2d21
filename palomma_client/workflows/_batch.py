"""Batch invoicing: issue a month's rent invoices for many tenants at once, safely rerunnable.

A batch is keyed by each invoice's ``reference``. Every item first looks its
reference up and only creates the invoice when none exists, so running the
same batch again after a crash, a timeout or a partial failure reports the
invoices already issued instead of issuing them twice.
"""

from __future__ import annotations

import asyncio
import csv
import enum
import inspect
import io
import logging
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Final

from palomma_client._constants import DEFAULT_BATCH_CONCURRENCY
from palomma_client._exceptions import BadRequestError, InvalidParameterError, InvoiceCSVError, PalommaError
from palomma_client._generated.api.invoices import create_invoice
from palomma_client._generated.models import Invoice
from palomma_client._generated.types import Unset
from palomma_client._validation import check_positive_int

if TYPE_CHECKING:
    import httpx2

    from palomma_client._resources import Invoices

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_BATCH_CONCURRENCY",
    "REQUIRED_CSV_COLUMNS",
    "InvoiceBatchItem",
    "InvoiceBatchOutcome",
    "InvoiceBatchResult",
    "InvoiceRequest",
    "ProgressCallback",
    "create_many",
    "read_invoice_csv",
]

logger = logging.getLogger("palomma_client")


REQUIRED_CSV_COLUMNS: Final = ("reference", "amount", "description", "redirect_url", "customer_document_number")
CSV_COLUMNS: Final = (*REQUIRED_CSV_COLUMNS, "document_type", "customer_name", "contract")

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceRequest:
    """The arguments of one ``invoices.create`` call, checked when built.

    Building one runs the same checks as ``invoices.create``, so a batch with a
    bad item fails before anything is sent.

    Attributes:
        reference: Your unique reference for the invoice; the key that makes reruns safe.
        amount: The amount in whole COP, from 3,000 to 550,000,000.
        description: What the customer sees.
        redirect_url: The absolute http(s) URL the customer returns to after paying.
        customer_document_number: The tenant's identification number.
        document_type: ``cc``, ``ce``, ``nit``, ``ti``, ``ps``, ``cif``, ``ne``, ``rc`` or ``ppt`` (kept as the
            plain string).
        customer_name: The tenant's display name.
        contract: Your contract identifier; the API uses ``"00000"`` when absent.
        line: The line of the CSV file this request was read from, or ``None`` when built in code.

    Raises:
        InvalidParameterError: A field breaks the API's rules.
    """

    reference: str
    amount: int
    description: str
    redirect_url: str
    customer_document_number: str
    document_type: str | None = None
    customer_name: str | None = None
    contract: str | None = None
    line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # The create operation's own checks, generated from the spec.
        create_invoice.build_request(**self.create_arguments())
        if self.document_type is not None:
            # Stored as the plain string so requests compare, print and serialise simply.
            object.__setattr__(self, "document_type", str(self.document_type))

    @classmethod
    def from_mapping(cls, arguments: Mapping[str, Any]) -> InvoiceRequest:
        """Build a request from the keyword arguments of ``invoices.create``.

        Args:
            arguments: ``reference``, ``amount``, ``description``, ``redirect_url`` and
                ``customer_document_number``, plus optionally ``document_type``, ``customer_name``
                and ``contract``.

        Returns:
            The checked request.

        Raises:
            InvalidParameterError: A key is missing or unknown, or a value breaks the API's rules.
        """
        known = {item.name for item in fields(cls)} - {"line"}
        unknown = sorted(set(arguments) - known)
        if unknown:
            raise InvalidParameterError(unknown[0], f"is not an argument of invoices.create (known: {_names(known)})")
        missing = [name for name in REQUIRED_CSV_COLUMNS if name not in arguments]
        if missing:
            raise InvalidParameterError(missing[0], "is required")
        return cls(**arguments)

    def create_arguments(self) -> dict[str, Any]:
        """Return the keyword arguments of ``invoices.create`` this request stands for."""
        return {item.name: getattr(self, item.name) for item in fields(self) if item.name != "line"}


class InvoiceBatchOutcome(enum.StrEnum):
    """What happened to one item of a batch."""

    CREATED = "created"
    """This run created the invoice."""
    ALREADY_EXISTED = "already_existed"
    """An invoice with this reference existed before: nothing was created."""
    FAILED = "failed"
    """No invoice was created or found; ``error`` says why. Rerunning the batch retries it."""


@dataclass(frozen=True, slots=True)
class InvoiceBatchItem:
    """The result of one item of a batch.

    Attributes:
        index: The item's position in the input, from 0.
        request: The request as given (with its CSV ``line`` when read from a file).
        outcome: Created, already existed, or failed.
        invoice: The created or existing invoice; ``None`` when the item failed.
        error: Why the item failed (usually a ``PalommaError`` such as ``BadRequestError``); ``None`` otherwise.
        differences: For an invoice that already existed, the fields (``amount``, ``description``,
            ``customer_document_number``, ``customer_name``, ``contract``) whose existing value differs from the
            request: the reference was reused for something else, or the file was edited since the first run.
    """

    index: int
    request: InvoiceRequest
    outcome: InvoiceBatchOutcome
    invoice: Invoice | None = None
    error: Exception | None = None
    differences: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        """The item's reference."""
        return self.request.reference

    @property
    def ok(self) -> bool:
        """Whether an invoice with this reference now exists (created or already there)."""
        return self.outcome is not InvoiceBatchOutcome.FAILED


@dataclass(frozen=True, slots=True)
class InvoiceBatchResult:
    """The results of a batch, one per input item, in input order.

    Iterate over it, index it, or use the ``created``, ``already_existed`` and ``failed`` views.

    Attributes:
        items: Every item's result, in input order.
    """

    items: tuple[InvoiceBatchItem, ...]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[InvoiceBatchItem]:
        return iter(self.items)

    def __getitem__(self, index: int) -> InvoiceBatchItem:
        return self.items[index]

    def _with(self, outcome: InvoiceBatchOutcome) -> tuple[InvoiceBatchItem, ...]:
        return tuple(item for item in self.items if item.outcome is outcome)

    @property
    def created(self) -> tuple[InvoiceBatchItem, ...]:
        """The items this run created."""
        return self._with(InvoiceBatchOutcome.CREATED)

    @property
    def already_existed(self) -> tuple[InvoiceBatchItem, ...]:
        """The items whose reference already had an invoice."""
        return self._with(InvoiceBatchOutcome.ALREADY_EXISTED)

    @property
    def failed(self) -> tuple[InvoiceBatchItem, ...]:
        """The items that failed; rerun the batch (or just these) to retry them."""
        return self._with(InvoiceBatchOutcome.FAILED)

    @property
    def ok(self) -> bool:
        """Whether no item failed."""
        return all(item.ok for item in self.items)


ProgressCallback = Callable[[int, int, InvoiceBatchItem], Awaitable[None] | None]
"""``on_progress(done, total, item)``, called (and awaited, if it returns an awaitable) as each item finishes."""


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def _as_request(index: int, item: InvoiceRequest | Mapping[str, Any]) -> InvoiceRequest:
    try:
        if isinstance(item, InvoiceRequest):
            return item
        if isinstance(item, Mapping):
            return InvoiceRequest.from_mapping(item)
    except InvalidParameterError as error:
        message = str(error).removeprefix(f"{error.parameter}: ")
        raise InvalidParameterError(f"requests[{index}].{error.parameter}", message) from None
    raise InvalidParameterError(
        f"requests[{index}]", f"must be an InvoiceRequest or a mapping of create arguments, got {type(item).__name__}"
    )


def _check_requests(requests: Iterable[InvoiceRequest | Mapping[str, Any]]) -> list[InvoiceRequest]:
    if isinstance(requests, str | bytes | Mapping):
        raise InvalidParameterError("requests", f"must be a list of requests, got {type(requests).__name__}")
    checked = [_as_request(index, item) for index, item in enumerate(requests)]
    first_seen: dict[str, int] = {}
    for index, request in enumerate(checked):
        earlier = first_seen.setdefault(request.reference, index)
        if earlier != index:
            # The second would only ever be reported as "already existed", hiding a mistake in the input.
            raise InvalidParameterError(
                f"requests[{index}].reference",
                f"{request.reference!r} is also the reference of requests[{earlier}]; each invoice needs its own",
            )
    return checked


def _differences(request: InvoiceRequest, invoice: Invoice) -> tuple[str, ...]:
    expected: dict[str, object] = {
        "amount": request.amount,
        "description": request.description,
        "customer_document_number": request.customer_document_number,
    }
    # Optional fields count only when the request sets them: the API fills its own default otherwise.
    if request.customer_name is not None:
        expected["customer_name"] = request.customer_name
    if request.contract is not None:
        expected["contract"] = request.contract
    different = []
    for name, wanted in expected.items():
        actual = getattr(invoice, name)
        if isinstance(actual, Unset) or actual != wanted:
            different.append(name)
    return tuple(different)


async def _issue(
    invoices: Invoices, index: int, request: InvoiceRequest, timeout: float | httpx2.Timeout | None
) -> InvoiceBatchItem:
    def existed(invoice: Invoice) -> InvoiceBatchItem:
        differences = _differences(request, invoice)
        if differences:
            logger.warning(
                "invoice %r already exists as %s with a different %s; left unchanged",
                request.reference,
                invoice.id,
                ", ".join(differences),
            )
        return InvoiceBatchItem(index, request, InvoiceBatchOutcome.ALREADY_EXISTED, invoice, differences=differences)

    try:
        # Looking up first, rather than relying on a duplicate being refused, keeps reruns safe even
        # if the API accepted a repeated reference: its documentation does not promise to refuse one.
        existing = await invoices.find_by_reference(request.reference, timeout=timeout)
        if existing is not None:
            return existed(existing)
        try:
            invoice = await invoices.create(**request.create_arguments(), timeout=timeout)
        except BadRequestError as rejection:
            # Another run may have created it between the lookup and the create, and the API
            # refuses a duplicate reference with a 400: if the invoice is there now, say so.
            try:
                existing = await invoices.find_by_reference(request.reference, timeout=timeout)
            except PalommaError as lookup_error:
                logger.warning("could not look invoice %r up after a 400: %s", request.reference, lookup_error)
                raise rejection from None
            if existing is None:
                raise
            return existed(existing)
        return InvoiceBatchItem(index, request, InvoiceBatchOutcome.CREATED, invoice)
    # Any failure, even an unexpected one, belongs to this item alone: the batch goes on, and the
    # caller learns what was created. Cancellation is not an Exception, so it still stops the batch.
    except Exception as error:
        logger.info("invoice %r failed: %s", request.reference, error)
        return InvoiceBatchItem(index, request, InvoiceBatchOutcome.FAILED, error=error)


async def create_many(
    invoices: Invoices,
    requests: Iterable[InvoiceRequest | Mapping[str, Any]],
    *,
    concurrency: int = DEFAULT_BATCH_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
    timeout: float | httpx2.Timeout | None = None,
) -> InvoiceBatchResult:
    """Issue many invoices through one client; see ``Invoices.create_many``."""
    check_positive_int("concurrency", concurrency)
    if on_progress is not None and not callable(on_progress):
        raise InvalidParameterError("on_progress", f"must be callable, got {type(on_progress).__name__}")
    checked = _check_requests(requests)
    total = len(checked)
    results: list[InvoiceBatchItem | None] = [None] * total
    # One task per item, admitted in input order by the semaphore: simple, and for the hundreds
    # of invoices of a month the idle tasks cost little.
    semaphore = asyncio.Semaphore(concurrency)

    async def run(index: int, request: InvoiceRequest) -> InvoiceBatchItem:
        async with semaphore:
            return await _issue(invoices, index, request, timeout)

    tasks = [asyncio.create_task(run(index, request)) for index, request in enumerate(checked)]
    try:
        for done, finished in enumerate(asyncio.as_completed(tasks), start=1):
            item = await finished
            results[item.index] = item
            if on_progress is not None:
                # Run here, in the caller's task, so an exception it raises reaches the caller
                # as itself (not in an ExceptionGroup) and stops the batch.
                outcome = on_progress(done, total, item)
                if inspect.isawaitable(outcome):
                    await outcome
    finally:
        # On cancellation, or an error in on_progress, stop the items still queued or in flight.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return InvoiceBatchResult(tuple(item for item in results if item is not None))


# --------------------------------------------------------------------------- CSV


def read_invoice_csv(
    path: str | os.PathLike[str], *, delimiter: str | None = None, encoding: str = "utf-8-sig"
) -> list[InvoiceRequest]:
    """Read invoice requests from a CSV file, checking every row before anything can be sent.

    The first line names the columns, in any order: ``reference``, ``amount``, ``description``,
    ``redirect_url`` and ``customer_document_number`` are required; ``document_type``,
    ``customer_name`` and ``contract`` are optional (an empty cell means "not given"). ``amount`` is
    whole COP written with digits only (``1850000``). An unknown column is an error, so that a
    misspelt optional column is not silently ignored.

    The whole file is checked first and refused as a whole if any row is bad, so a batch never
    starts half-checked: fix the file and run again.

    Args:
        path: The CSV file.
        delimiter: ``","`` or ``";"`` (spreadsheets set to Spanish write ``;``); by default whichever the
            header line uses.
        encoding: The file's encoding; the default also skips the byte-order mark spreadsheets write.

    Returns:
        One ``InvoiceRequest`` per data row, in file order, each with its ``line``.

    Raises:
        InvoiceCSVError: A column is missing or unknown, or rows are bad; ``problems`` lists each with its
            line number. Also an ``InvalidParameterError`` and a ``ValueError``.
        OSError: The file cannot be read.
    """
    name = os.fspath(path)
    try:
        with open(name, encoding=encoding, newline="") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        problem = f"is not {encoding} text ({error.reason} at byte {error.start})"
        raise InvoiceCSVError(name, [(None, None, problem)]) from None
    return _parse_invoice_csv(name, text, delimiter)


def _parse_invoice_csv(name: str, text: str, delimiter: str | None) -> list[InvoiceRequest]:
    header_line = text.split("\n", 1)[0]
    if delimiter is None:
        delimiter = ";" if ";" in header_line and "," not in header_line else ","
    # StringIO with newline="" splits records on line breaks only, and lets the csv module keep a
    # quoted cell's line breaks inside it.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[tuple[int | None, str | None, str]] = []
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise InvoiceCSVError(name, [(1, None, f"unreadable header: {error}")]) from None
    if header is None or not any(cell.strip() for cell in header):
        problem = f"the file is empty; the first line must name the columns: {_columns()}"
        raise InvoiceCSVError(name, [(1, None, problem)])
    columns = [cell.strip().lower() for cell in header]
    for column in sorted({column for column in columns if column not in CSV_COLUMNS}):
        problems.append((1, column, f"unknown column (known: {_columns()})"))
    for column in REQUIRED_CSV_COLUMNS:
        if column not in columns:
            problems.append((1, column, "required column is missing"))
    for column in sorted({column for column in columns if columns.count(column) > 1}):
        problems.append((1, column, "column appears more than once"))
    if problems:
        # Without the right columns every row would fail the same way: report the header alone.
        raise InvoiceCSVError(name, problems)

    requests: list[InvoiceRequest] = []
    first_line_of: dict[str, int] = {}
    while True:
        # A record may span lines (a quoted cell with a line break): report the line it starts on.
        line = reader.line_num + 1
        try:
            row = next(reader, None)
        except csv.Error as error:
            problems.append((line, None, f"unreadable row: {error}"))
            break
        if row is None:
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            problems.append((line, None, f"expected {len(columns)} fields like the header, found {len(row)}"))
            continue
        cells = dict(zip(columns, (cell.strip() for cell in row), strict=True))
        request = _row_to_request(cells, line, problems)
        if request is None:
            continue
        earlier = first_line_of.setdefault(request.reference, line)
        if earlier != line:
            problems.append((line, "reference", f"{request.reference!r} is already used on line {earlier}"))
            continue
        requests.append(request)
    if problems:
        raise InvoiceCSVError(name, problems)
    return requests


def _row_to_request(
    cells: dict[str, str], line: int, problems: list[tuple[int | None, str | None, str]]
) -> InvoiceRequest | None:
    arguments: dict[str, Any] = {column: cells.get(column) or None for column in CSV_COLUMNS}
    for column in REQUIRED_CSV_COLUMNS:
        if arguments[column] is None:
            problems.append((line, column, "must not be empty"))
    if any(problem[0] == line for problem in problems):
        return None
    raw_amount = cells["amount"]
    if not _WHOLE_NUMBER.fullmatch(raw_amount):
        problems.append(
            (line, "amount", f"{raw_amount!r} is not a whole number of COP; write digits only, such as 1850000")
        )
        return None
    arguments["amount"] = int(raw_amount)
    try:
        return InvoiceRequest(**arguments, line=line)
    except InvalidParameterError as error:
        problems.append((line, error.parameter, str(error).removeprefix(f"{error.parameter}: ")))
        return None


def _columns() -> str:
    optional = [column for column in CSV_COLUMNS if column not in REQUIRED_CSV_COLUMNS]
    return ", ".join(REQUIRED_CSV_COLUMNS) + " (optional: " + ", ".join(optional) + ")"
