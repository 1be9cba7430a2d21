"""Batch invoicing: issue a month's rent invoices for many tenants at once, safely rerunnable.

A batch is keyed by each invoice's ``reference``. Every item first looks its
reference up and only creates the invoice when none exists, so running the
same batch again after a crash, a timeout or a partial failure reports the
invoices already issued instead of issuing them twice.

The runner holds at most ``concurrency`` items in flight and draws the next
one from the input only when one finishes, so its memory is bounded by
``concurrency``, not by the input: the input may be a generator over a
million rows, or a CSV file read as it streams.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import logging
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
)
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self, overload

from palomma_client._constants import DEFAULT_BATCH_CONCURRENCY, DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES, LOGGER_NAME
from palomma_client._exceptions import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InvalidParameterError,
    InvoiceOutcomeUnknownError,
    PalommaError,
    PermissionDeniedError,
)
from palomma_client._features import Feature, Field
from palomma_client._generated_names import CreateInvoiceRequest, Invoice
from palomma_client._validation import check_positive_int
from palomma_client.workflows._api import InvoiceFields, InvoicesAPI
from palomma_client.workflows._format import plural
from palomma_client.workflows._models import field_names
from palomma_client.workflows._request import InvoiceRequest

if TYPE_CHECKING:
    import httpx2

__all__ = [
    "DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES",
    "INVOICE_BATCH",
    "BatchInput",
    "InvoiceBatchItem",
    "InvoiceBatchIterator",
    "InvoiceBatchOutcome",
    "InvoiceBatchResult",
    "ProgressCallback",
    "create_many",
]

logger = logging.getLogger(LOGGER_NAME)

INVOICE_BATCH: Final = Feature("invoices.create_many", Field("Invoice", "id"))
"""What a batch reads of the invoices it meets, through ``InvoiceFields``; ``CREATE_MANY`` is built on it."""


BatchInput = Iterable[InvoiceRequest | Mapping[str, Any]] | AsyncIterable[InvoiceRequest | Mapping[str, Any]]
"""What a batch takes: ``InvoiceRequest`` objects or mappings of ``invoices.create``'s arguments, from a
list, any iterable (a generator, ``iter_invoice_csv``) or an async iterable."""

# The fields a request and an existing invoice both have, in the request's order: the ones a
# rerun can compare to tell that a reference was reused for something else.
_COMPARED_FIELDS: Final = tuple(
    name for name in field_names(CreateInvoiceRequest) if name in frozenset(field_names(Invoice))
)


class InvoiceBatchOutcome(enum.StrEnum):
    """What happened to one item of a batch."""

    CREATED = "created"
    """This run created the invoice."""
    ALREADY_EXISTED = "already_existed"
    """An invoice with this reference existed before: nothing was created."""
    FAILED = "failed"
    """No invoice was created or found; ``error`` says why. Rerunning the batch retries it."""
    NOT_ATTEMPTED = "not_attempted"
    """The batch stopped before this item started (see ``stop_reason``): nothing was sent for it.
    Rerunning the batch issues it."""


@dataclass(frozen=True, slots=True)
class InvoiceBatchItem:
    """The result of one item of a batch.

    Attributes:
        index: The item's position in the input, from 0.
        request: The request as given (with its CSV ``line`` when read from a file).
        outcome: Created, already existed, failed, or not attempted.
        invoice: The created or existing invoice; ``None`` otherwise.
        error: Why the item failed (usually a ``PalommaError`` such as ``BadRequestError``); ``None`` otherwise.
        differences: For an invoice that already existed, the fields it shares with the request
            (every field of ``invoices.create`` that an ``Invoice`` also has) whose value differs from
            the one requested: the reference was reused for something else, or the file was edited
            since the first run. An optional field the request leaves out is not compared.
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
        return self.outcome in (InvoiceBatchOutcome.CREATED, InvoiceBatchOutcome.ALREADY_EXISTED)


@dataclass(frozen=True, slots=True)
class InvoiceBatchResult:
    """The results of a batch, one per input item, in input order.

    Iterate over it, index it, or use the ``created``, ``already_existed``, ``failed`` and
    ``not_attempted`` views.

    Attributes:
        items: Every item's result, in input order.
        stop_reason: Why the batch stopped before starting every item (the API refused the key, or
            could not be reached for several items in a row), or ``None`` when it did not stop early.
    """

    items: tuple[InvoiceBatchItem, ...]
    stop_reason: str | None = None

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[InvoiceBatchItem]:
        return iter(self.items)

    @overload
    def __getitem__(self, index: int) -> InvoiceBatchItem: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[InvoiceBatchItem, ...]: ...

    def __getitem__(self, index: int | slice) -> InvoiceBatchItem | tuple[InvoiceBatchItem, ...]:
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
    def not_attempted(self) -> tuple[InvoiceBatchItem, ...]:
        """The items the batch never started because it stopped early; rerun the batch to issue them."""
        return self._with(InvoiceBatchOutcome.NOT_ATTEMPTED)

    @property
    def ok(self) -> bool:
        """Whether every item's invoice now exists: none failed and none was left unattempted."""
        return all(item.ok for item in self.items)


ProgressCallback = Callable[[int, int | None, InvoiceBatchItem], Awaitable[None] | None]
"""``on_progress(done, total, item)``, called (and awaited, if it returns an awaitable) as each item finishes;
``total`` is ``None`` when the input has no ``len()``, such as a generator."""


# --------------------------------------------------------------------------- one item


def _differences(request: InvoiceRequest, invoice: Invoice) -> tuple[str, ...]:
    different = []
    for name in _COMPARED_FIELDS:
        wanted = getattr(request, name)
        if wanted is None:
            # Not given: the API filled in its own default, which is no difference.
            continue
        actual = getattr(invoice, name)
        if isinstance(actual, enum.Enum):
            actual = actual.value
        if actual is None or actual != wanted:
            different.append(name)
    return tuple(different)


async def _issue(
    invoices: InvoicesAPI, index: int, request: InvoiceRequest, timeout: float | httpx2.Timeout | None
) -> InvoiceBatchItem:
    def existed(invoice: Invoice) -> InvoiceBatchItem:
        differences = _differences(request, invoice)
        if differences:
            logger.warning(
                "invoice %r already exists as %s with a different %s; left unchanged",
                request.reference,
                INVOICE_BATCH.vouch(invoice, InvoiceFields).id,
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


# --------------------------------------------------------------------------- checking the input


def _as_request(index: int, item: object) -> InvoiceRequest:
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


def _check_collection(requests: Collection[object]) -> list[InvoiceRequest]:
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


def _is_outage(error: Exception | None) -> bool:
    """Whether a failure says the API is down or unreachable, rather than something about the item."""
    if isinstance(error, APIStatusError):
        return error.status_code >= 500
    return isinstance(error, APIConnectionError | InvoiceOutcomeUnknownError)


# --------------------------------------------------------------------------- the runner


_END: Final = object()


class InvoiceBatchIterator:
    """A running batch: yields each item's result as soon as it finishes, in completion order.

    ``palomma.invoices.create_many_iter(...)`` returns one. Iterate over it with
    ``async for``; ``item.index`` gives each item's position in the input. Leaving
    the loop early stops the batch once the iterator is closed, which ``async with``
    (or ``contextlib.aclosing``) does at once::

        async with palomma.invoices.create_many_iter(rows, concurrency=20) as batch:
            async for item in batch:
                writer.writerow([item.index, item.reference, item.outcome])

    Attributes:
        total: How many items the input has, or ``None`` when it has no ``len()``.
    """

    def __init__(
        self,
        invoices: InvoicesAPI,
        requests: BatchInput,
        *,
        concurrency: int = DEFAULT_BATCH_CONCURRENCY,
        timeout: float | httpx2.Timeout | None = None,
        max_consecutive_failures: int | None = DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES,
    ) -> None:
        """Check the options, and a collection's items, before anything is sent; see ``Invoices.create_many_iter``.

        Args:
            invoices: The resource that looks invoices up and creates them.
            requests: The batch's input: a collection, any iterable, or an async iterable.
            concurrency: How many items are in flight at once.
            timeout: Overrides the client's timeout for each request.
            max_consecutive_failures: Stop after this many outages in a row; ``None`` never stops for that.

        Raises:
            InvalidParameterError: An option is invalid; or ``requests`` is a collection (a list, a
                tuple) and one of its items is bad or repeats a reference.
        """
        check_positive_int("concurrency", concurrency)
        if max_consecutive_failures is not None:
            check_positive_int("max_consecutive_failures", max_consecutive_failures)
        self._invoices = invoices
        self._concurrency = concurrency
        self._timeout = timeout
        self._max_consecutive_failures = max_consecutive_failures
        self._consecutive_failures = 0
        self._stop_reason: str | None = None
        self._report_rest = True
        self._drawn = 0
        # A streamed input cannot be checked before it is sent: each reference drawn is kept, to refuse
        # one drawn again. Exact, and the one memory that grows with the input (about 100 bytes a reference).
        self._seen: set[str] | None = None
        self._source: Iterator[object] | AsyncIterator[object]
        if isinstance(requests, str | bytes | Mapping):
            raise InvalidParameterError(
                "requests", f"must be a list or iterable of requests, got {type(requests).__name__}"
            )
        if isinstance(requests, Collection):
            # Held whole anyway: check every item, and every reference, before the first is sent.
            checked = _check_collection(requests)
            self.total: int | None = len(checked)
            self._source = iter(checked)
        elif isinstance(requests, AsyncIterable):
            self.total = None
            self._source = aiter(requests)
            self._seen = set()
        elif isinstance(requests, Iterable):
            self.total = None
            self._source = iter(requests)
            self._seen = set()
        else:
            raise InvalidParameterError(
                "requests", f"must be a list or an iterable of requests, got {type(requests).__name__}"
            )
        self._results = self._run()

    @property
    def stop_reason(self) -> str | None:
        """Why the batch stopped starting items (see ``stop``), or ``None`` while it has not."""
        return self._stop_reason

    @property
    def drawn(self) -> int:
        """How many items were taken from the input so far (started, or reported ``not_attempted``)."""
        return self._drawn

    def stop(self, reason: str = "stopped by the caller", *, report_rest: bool = True) -> None:
        """Start no more items: those in flight finish, and the rest come out as ``not_attempted``.

        The batch stops by itself the same way after an ``AuthenticationError`` or
        ``PermissionDeniedError``, and after ``max_consecutive_failures`` items in a row fail to
        reach the API or meet a server error. Safe to call from a signal handler's callback.

        Reporting the rest means reading the rest of the input, which for a file of a million
        rows takes longer than a supervisor's grace period. With ``report_rest=False`` the input
        is read no further (even if an earlier stop is still reporting it): the iteration ends once
        the items in flight finish, and every item from index `drawn` on was not attempted.

        Args:
            reason: Why, for ``stop_reason``; the first reason given is kept.
            report_rest: Whether to yield a ``not_attempted`` item for each item not started.
        """
        self._report_rest = self._report_rest and report_rest
        if self._stop_reason is None:
            self._stop_reason = reason
            logger.warning("batch stopping: %s", reason)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> InvoiceBatchItem:
        return await self._results.__anext__()

    async def aclose(self) -> None:
        """Stop the batch now: items in flight are cancelled (a rerun finds any they created)."""
        await self._results.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _draw(self) -> tuple[int, InvoiceRequest] | None:
        """The next item of the input, checked, with its index; ``None`` at the end."""
        if isinstance(self._source, AsyncIterator):
            item = await anext(self._source, _END)
        else:
            item = next(self._source, _END)
        if item is _END:
            return None
        index = self._drawn
        self._drawn += 1
        request = _as_request(index, item)
        seen = self._seen
        if seen is not None:
            if request.reference in seen:
                raise InvalidParameterError(
                    f"requests[{index}].reference",
                    f"{request.reference!r} is the reference of an earlier request; each invoice needs its own",
                )
            seen.add(request.reference)
        return index, request

    def _observe(self, item: InvoiceBatchItem) -> None:
        if item.outcome is not InvoiceBatchOutcome.FAILED:
            self._consecutive_failures = 0
            return
        error = item.error
        if isinstance(error, AuthenticationError | PermissionDeniedError):
            # Every other item would be refused the same way.
            self.stop(f"the API refused the key ({type(error).__name__}: {error})")
        elif _is_outage(error):
            self._consecutive_failures += 1
            limit = self._max_consecutive_failures
            if limit is not None and self._consecutive_failures >= limit:
                self.stop(
                    f"{plural(self._consecutive_failures, 'invoice')} in a row could not reach the API or met a "
                    f"server error (the last: {type(error).__name__}: {error})"
                )
        else:
            self._consecutive_failures = 0

    async def _run(self) -> AsyncGenerator[InvoiceBatchItem, None]:
        pending: set[asyncio.Task[InvoiceBatchItem]] = set()
        problem: Exception | None = None
        exhausted = False
        try:
            while True:
                # Draw only when a slot is free: at most `concurrency` items exist at once.
                while (
                    not exhausted and problem is None and self._stop_reason is None and len(pending) < self._concurrency
                ):
                    try:
                        entry = await self._draw()
                    except Exception as error:
                        # Raised once the items in flight are done, so their outcomes are not lost.
                        problem = error
                        break
                    if entry is None:
                        exhausted = True
                        break
                    index, request = entry
                    pending.add(asyncio.create_task(_issue(self._invoices, index, request, self._timeout)))
                if not pending:
                    break
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for item in sorted((task.result() for task in done), key=lambda finished: finished.index):
                    self._observe(item)
                    yield item
            if problem is not None:
                raise problem
            if self._stop_reason is not None and not exhausted:
                # Checked before each draw, so that a later stop(report_rest=False) ends a long report.
                while self._report_rest and (entry := await self._draw()) is not None:
                    yield InvoiceBatchItem(entry[0], entry[1], InvoiceBatchOutcome.NOT_ATTEMPTED)
        finally:
            # On cancellation, an early exit or an error, stop the items still in flight.
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)


async def create_many(
    invoices: InvoicesAPI,
    requests: BatchInput,
    *,
    concurrency: int = DEFAULT_BATCH_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
    timeout: float | httpx2.Timeout | None = None,
    max_consecutive_failures: int | None = DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES,
) -> InvoiceBatchResult:
    """Issue many invoices through one client and return every result in input order; see ``Invoices.create_many``."""
    if on_progress is not None and not callable(on_progress):
        raise InvalidParameterError("on_progress", f"must be callable, got {type(on_progress).__name__}")
    batch = InvoiceBatchIterator(
        invoices, requests, concurrency=concurrency, timeout=timeout, max_consecutive_failures=max_consecutive_failures
    )
    results: list[InvoiceBatchItem | None] = [None] * (batch.total or 0)
    done = 0
    async with batch:
        async for item in batch:
            if item.index >= len(results):
                results.extend([None] * (item.index + 1 - len(results)))
            results[item.index] = item
            done += 1
            if on_progress is not None:
                # Run here, in the caller's task, so an exception it raises reaches the caller
                # as itself (not in an ExceptionGroup) and stops the batch.
                outcome = on_progress(done, batch.total, item)
                if inspect.isawaitable(outcome):
                    await outcome
    return InvoiceBatchResult(tuple(item for item in results if item is not None), stop_reason=batch.stop_reason)
