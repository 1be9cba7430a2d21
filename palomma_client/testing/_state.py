"""The fake API's memory: invoices, their life cycle, and the settlements computed from them.

Everything here is plain Python with no HTTP in sight; `_app.py` puts the API in front of it and
`FakePalomma` exposes it to tests. Times come from a `FakeClock`, so expiry and settlement cycles
follow fake time.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from palomma_client.testing._clock import FakeClock
from palomma_client.testing._examples import ObjectLayout
from palomma_client.testing._ids import IdGenerator

__all__ = [
    "COLOMBIA",
    "DEFAULT_PAYMENT_METHOD",
    "DEFAULT_PAYMENT_SOURCE",
    "INVOICE_LIFETIME",
    "LATER_STATUSES",
    "OPEN_STATUS",
    "SETTLEMENT_CYCLES",
    "DuplicateReference",
    "InvoiceQuery",
    "InvoiceRecord",
    "InvoiceShape",
    "InvoiceStore",
    "StoreContents",
    "UnlistedValue",
    "format_timestamp",
    "initial_status",
    "next_settlement_cycle",
    "no_initial_status",
    "note_unlisted",
    "settlement_instant",
    "take_noted_unlisted",
]

INVOICE_LIFETIME = timedelta(minutes=5)
# Colombia has kept UTC-5 all year since 1993: a fixed offset is exact, no tz database needed.
COLOMBIA = timezone(timedelta(hours=-5), "COT")
# The fake's settlement timetable (the API's general page); the spec keeps `cycle` a free string.
SETTLEMENT_CYCLES = ("11", "13", "16", "18", "20")
_SETTLED_STATUSES = ("paid", "chargeback")
LATER_STATUSES = ("paid", "cancelled", "chargeback")
"""The statuses the fake's controls move an invoice to (`pay`, `cancel` and `expire`, `chargeback`)."""
OPEN_STATUS = "ready"
"""A new invoice's status where the spec's `Invoice.status` is a free string; the name messages give it."""
DEFAULT_PAYMENT_METHOD = "pse"
"""The `paymentMethod` of `pay` when none is given, while the spec lists it (else the spec's first)."""
DEFAULT_PAYMENT_SOURCE = "link"
"""The `paymentSource` of `pay` when none is given, while the spec lists it (else the spec's first)."""


class DuplicateReference(ValueError):
    """An invoice with this reference already exists (the fake answers 400)."""


class UnlistedValue(ValueError):
    """A control would write a value the spec does not list for a property (the vendor removed it).

    Attributes:
        value: The value the fake would have written.
        pointer: The JSON Pointer of the property's schema in the spec.
    """

    def __init__(self, message: str, value: str, pointer: str) -> None:
        super().__init__(message, value, pointer)  # all three, so that it pickles
        self.message = message
        self.value = value
        self.pointer = pointer

    def __str__(self) -> str:
        return self.message


_noted_lock = threading.Lock()
_noted: list[UnlistedValue] = []


def note_unlisted(refusal: UnlistedValue) -> None:
    """Note that the fake answered a request from the spec, not its state, for want of a value the spec lacks.

    A test that then finds nothing stored (no invoice after a create) asks `take_noted_unlisted` why.
    The note is process-wide: a fake may serve from a server's thread while the test reads it.
    """
    with _noted_lock:
        _noted.append(refusal)


def take_noted_unlisted() -> list[UnlistedValue]:
    """Return the refusals noted since the last call (oldest first), and forget them."""
    with _noted_lock:
        taken = list(_noted)
        _noted.clear()
    return taken


def format_timestamp(moment: datetime) -> str:
    """Format a time the way the API does: UTC, milliseconds and a `Z`, e.g. `2026-03-11T16:32:14.007Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def settlement_instant(settlement_date: date, cycle: str) -> datetime:
    """Return when a settlement cycle runs: `cycle` o'clock, Colombia time, on `settlement_date`."""
    return datetime.combine(settlement_date, time(hour=int(cycle)), tzinfo=COLOMBIA)


def next_settlement_cycle(moment: datetime) -> tuple[date, str]:
    """Return the settlement date and cycle of money received at `moment`.

    It is the first of the daily cycles (11:00, 13:00, 16:00, 18:00, 20:00 Colombia time) strictly
    after `moment`; after the 20:00 cycle it is the next day's 11:00.
    """
    local = moment.astimezone(COLOMBIA)
    for cycle in SETTLEMENT_CYCLES:
        if settlement_instant(local.date(), cycle) > local:
            return local.date(), cycle
    return local.date() + timedelta(days=1), SETTLEMENT_CYCLES[0]


def initial_status(invoice: ObjectLayout) -> str | None:
    """Return the status of a new invoice: the first the spec's `Invoice.status` lists that is not a later one.

    The later statuses are those the fake's controls move an invoice to (`LATER_STATUSES`); the first
    other value is where an invoice starts, and where `pay`, `cancel` and `expire` take it from: `ready`
    in today's spec, whatever a vendor renames it to tomorrow. A status with no `enum` starts at
    `OPEN_STATUS`. `None` when every value listed is a later one: the fake cannot make an invoice.
    """
    listed = invoice.enum("status")
    if not listed:
        return OPEN_STATUS
    return next((str(value) for value in listed if value not in LATER_STATUSES), None)


def no_initial_status(invoice: ObjectLayout, action: str) -> UnlistedValue:
    """The refusal of an action that needs a new invoice's status the spec does not list (see `initial_status`)."""
    pointer = invoice.pointer("status")
    listed = ", ".join(map(repr, invoice.enum("status")))
    message = (
        f"Cannot {action}: the spec's `status` (#{pointer}) has no value {OPEN_STATUS!r} "
        f"nor another for a new invoice, only the later {listed}"
    )
    return UnlistedValue(message, OPEN_STATUS, pointer)


@dataclass(frozen=True, slots=True)
class InvoiceShape:
    """What the spec says an invoice looks like, for the documents the fake builds.

    Attributes:
        invoice: The `Invoice` schema (createInvoice's answer): property order, enumerations.
        settlement: The `Settlement` schema (getSettlement's answer).
        echoed: The fields of a create request that an `Invoice` shows as sent: those both the
            request schema and the `Invoice` schema define.
    """

    invoice: ObjectLayout
    settlement: ObjectLayout
    echoed: frozenset[str]


@dataclass(frozen=True, slots=True)
class InvoiceQuery:
    """A checked listInvoices query: its filters, page size and the position to continue after."""

    reference: str | None = None
    customer_document_number: str | None = None
    contract: str | None = None
    payment_date: date | None = None
    settlement_date: date | None = None
    settlement_cycle: str | None = None
    limit: int | None = None
    """The page size; `None` for everything in one page."""
    after: str | None = None


@dataclass(slots=True)
class InvoiceRecord:
    """One invoice as the fake stores it.

    Attributes:
        fields: The create request's body as sent (with the spec's defaults), every field of it.
    """

    id: str
    status: str
    fields: dict[str, Any]
    created_at: datetime
    expiration_date: datetime
    payment_url: str
    shape: InvoiceShape
    payment_in_progress: bool = False
    payment_date: datetime | None = None
    payment_method: str | None = None
    payment_source: str | None = None
    payment_amount: int | None = None
    settlement_date: date | None = None
    settlement_cycle: str | None = None
    payment_id: str | None = None
    chargeback_date: datetime | None = None

    @property
    def reference(self) -> str | None:
        """The merchant's reference, as sent."""
        return _text(self.fields.get("reference"))

    @property
    def amount(self) -> int:
        """The amount asked for, in COP."""
        amount = self.fields.get("amount")
        return amount if isinstance(amount, int) else 0

    @property
    def contract(self) -> str | None:
        """The contract identifier, as sent or defaulted."""
        return _text(self.fields.get("contract"))

    @property
    def customer_document_number(self) -> str | None:
        """The customer's document number, as sent."""
        return _text(self.fields.get("customerDocumentNumber"))

    def copy(self) -> InvoiceRecord:
        """Return a copy that changes apart from this record: its fields copied, its shape shared."""
        return dataclasses.replace(self, fields=copy.deepcopy(self.fields))

    def to_json(self) -> dict[str, Any]:
        """Return the invoice as the API sends it: camelCase, in the spec's order, absent fields omitted."""
        document = {name: value for name, value in self.fields.items() if name in self.shape.echoed}
        document.update(id=self.id, status=self.status, createdAt=format_timestamp(self.created_at))
        # As in the spec's examples: a payment link's expiry is shown until the invoice is paid.
        if self.payment_date is None:
            document["expirationDate"] = format_timestamp(self.expiration_date)
        if self.payment_date is not None and self.settlement_date is not None:
            document["paymentDate"] = format_timestamp(self.payment_date)
            document["paymentMethod"] = self.payment_method
            document["paymentSource"] = self.payment_source
            document["paymentAmount"] = self.payment_amount
            document["settlementDate"] = self.settlement_date.isoformat()
            document["settlementTime"] = self.settlement_cycle
            document["paymentId"] = self.payment_id
        document["paymentUrl"] = self.payment_url
        return self.shape.invoice.lay_out(document, self.created_at)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(slots=True)
class _SettlementBook:
    adjustments: dict[tuple[date, str], int] = field(default_factory=dict)
    statuses: dict[tuple[date, str], str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoreContents:
    """What an `InvoiceStore` held at one moment, kept apart from it (`InvoiceStore.contents`).

    Attributes:
        invoices: Copies of the invoices, in creation order.
        by_reference: The id of the invoice each reference names.
        adjustments: The settlement adjustments by (date, cycle).
        statuses: The pinned settlement statuses by (date, cycle).
        ids: Where the id sequence stood.
    """

    invoices: tuple[InvoiceRecord, ...]
    by_reference: dict[str, str]
    adjustments: dict[tuple[date, str], int]
    statuses: dict[tuple[date, str], str]
    ids: tuple[tuple[Any, ...], int]


class InvoiceStore:
    """The invoices of one merchant, and the rules that change them.

    Args:
        clock: Where "now" comes from.
        ids: Makes invoice and payment ids.
        merchant_id: Appears in every payment URL.
        fee_rate: Share of each paid amount kept as fee (0.01 is 1 %).
        fee_fixed: Fixed fee per paid invoice, in COP.
        shape: What invoices and settlements look like, from the spec.
    """

    def __init__(
        self,
        *,
        clock: FakeClock,
        ids: IdGenerator,
        merchant_id: str,
        fee_rate: Decimal,
        fee_fixed: int,
        shape: InvoiceShape,
        accept_duplicate_references: bool = False,
        list_lag: timedelta = timedelta(0),
    ) -> None:
        self.clock = clock
        self.shape = shape
        self.initial_status = initial_status(shape.invoice)
        """A new invoice's status (see `initial_status`); `None` when the spec lists none."""
        self.accept_duplicate_references = accept_duplicate_references
        self.list_lag = list_lag
        self.merchant_id = merchant_id
        self.fee_rate = fee_rate
        self.fee_fixed = fee_fixed
        self._ids = ids
        self._invoices: dict[str, InvoiceRecord] = {}
        self._by_reference: dict[str, str] = {}
        self._settlements = _SettlementBook()
        # The CLI server runs on uvicorn's thread while a test may drive the fake from another.
        self._lock = threading.RLock()

    # --- the API's operations -------------------------------------------------------------------

    def create(self, fields: dict[str, Any]) -> InvoiceRecord:
        """Create an invoice in its initial status (`ready` in today's spec), expiring five minutes from now.

        Args:
            fields: The checked create request, every field of it; the invoice keeps them all.

        Raises:
            DuplicateReference: If an invoice with the same reference exists, whatever its status.
            UnlistedValue: If the spec lists no status for a new invoice.
        """
        initial = self.initial_status
        if initial is None:
            raise no_initial_status(self.shape.invoice, "create an invoice")
        with self._lock:
            reference = _text(fields.get("reference"))
            if reference is not None and reference in self._by_reference and not self.accept_duplicate_references:
                raise DuplicateReference(f"An invoice with reference {reference!r} already exists")
            now = self.clock.now()
            invoice_id = self._ids.invoice_id(now)
            record = InvoiceRecord(
                id=invoice_id,
                status=initial,
                fields=dict(fields),
                created_at=now,
                expiration_date=now + INVOICE_LIFETIME,
                payment_url=f"https://pagos.palomma.com/pay/{self.merchant_id}/{invoice_id}",
                shape=self.shape,
            )
            self._invoices[invoice_id] = record
            if reference is not None:
                self._by_reference[reference] = invoice_id
            return record

    def get(self, invoice_id: str) -> InvoiceRecord | None:
        """Return the invoice with this id, or `None`."""
        with self._lock:
            self.expire_due()
            return self._invoices.get(invoice_id)

    def page(self, query: InvoiceQuery) -> tuple[list[InvoiceRecord], str | None]:
        """Return one page of matching invoices, newest first, and the id the next page starts after.

        The second item is `None` when no matching invoice follows the page, so a cursor never
        leads to an empty page.
        """
        with self._lock:
            self.expire_due()
            # An API whose listing lags its writes: an invoice is listed only once list_lag has passed.
            listed_before = self.clock.now() - self.list_lag
            matching = (
                record
                for record in self.all()
                if (query.after is None or record.id < query.after)
                and record.created_at <= listed_before
                and _matches(record, query)
            )
            items: list[InvoiceRecord] = []
            for record in matching:
                if query.limit is not None and len(items) == query.limit:
                    return items, items[-1].id
                items.append(record)
            return items, None

    def settlement(self, settlement_date: date, cycle: str) -> dict[str, Any] | None:
        """Return the settlement of a date and cycle as the API sends it, or `None` if there is none."""
        with self._lock:
            self.expire_due()
            key = (settlement_date, cycle)
            included = [
                record
                for record in self._invoices.values()
                if record.status in _SETTLED_STATUSES
                and record.settlement_date == settlement_date
                and record.settlement_cycle == cycle
            ]
            if not included and key not in self._settlements.adjustments:
                return None
            collected = sum(record.payment_amount or 0 for record in included)
            fees = sum(self.fee_for(record.payment_amount or 0) for record in included)
            adjustments = self._settlements.adjustments.get(key, 0)
            status = self._settlements.statuses.get(key) or self._settlement_status(settlement_date, cycle)
            document = {
                "date": settlement_date.isoformat(),
                "cycle": cycle,
                "status": status,
                "numberOfInvoices": len(included),
                "amountCollected": collected,
                "fees": fees,
                "feesPostpaid": False,
                "adjustments": adjustments,
                "gateway": False,
                "paymentAmount": collected - fees + adjustments,
            }
            if status is None:
                # No status of the spec fits; `lay_out` fills a required one from the schema.
                del document["status"]
            return self.shape.settlement.lay_out(document, settlement_instant(settlement_date, cycle))

    def _settlement_status(self, settlement_date: date, cycle: str) -> str | None:
        """`processing` until the cycle runs, `paid` from then on; a move to a status the spec lacks never happens."""
        layout = self.shape.settlement
        processing = "processing" if layout.allows("status", "processing") else None
        if self.clock.now() < settlement_instant(settlement_date, cycle):
            return processing
        return "paid" if layout.allows("status", "paid") else processing

    # --- what tests use to move invoices along --------------------------------------------------

    def all(self) -> list[InvoiceRecord]:
        """Return every invoice, newest first."""
        with self._lock:
            self.expire_due()
            # ULIDs from IdGenerator strictly increase, so id order is creation order.
            return sorted(self._invoices.values(), key=lambda record: record.id, reverse=True)

    def require(self, invoice_id: str) -> InvoiceRecord:
        """Return the invoice with this id.

        Raises:
            KeyError: If there is no such invoice.
        """
        record = self.get(invoice_id)
        if record is None:
            raise KeyError(f"No invoice with id {invoice_id!r}")
        return record

    def fee_for(self, payment_amount: int) -> int:
        """Return the fee on one paid invoice: `fee_rate` of the amount, rounded half up, plus `fee_fixed`."""
        variable = (Decimal(payment_amount) * self.fee_rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(variable) + self.fee_fixed

    def start_payment(self, invoice_id: str) -> InvoiceRecord:
        """Mark a payment as in progress, which stops the invoice from expiring (it stays `ready`).

        Raises:
            KeyError: If there is no such invoice.
            ValueError: If the invoice is not `ready`.
        """
        with self._lock:
            record = self._require_status(invoice_id, self.initial_status, "start a payment on")
            record.payment_in_progress = True
            return record

    def pay(
        self,
        invoice_id: str,
        *,
        method: str | None,
        source: str | None,
        amount: int | None,
        paid_at: datetime | None,
    ) -> InvoiceRecord:
        """Complete the payment of a `ready` invoice; see `FakePalomma.pay`."""
        invoice = self.shape.invoice
        method = _preferred(invoice, "paymentMethod", DEFAULT_PAYMENT_METHOD) if method is None else method
        source = _preferred(invoice, "paymentSource", DEFAULT_PAYMENT_SOURCE) if source is None else source
        _check_enum(invoice, "paymentMethod", "method", method)
        _check_enum(invoice, "paymentSource", "source", source)
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0):
            raise ValueError(f"amount must be a positive integer number of COP, not {amount!r}")
        with self._lock:
            record = self._require_status(invoice_id, self.initial_status, "pay")
            moment = self.clock.now() if paid_at is None else _utc_milliseconds(paid_at)
            _require_value(invoice, "status", "paid", f"pay invoice {invoice_id}")
            record.status = "paid"
            record.payment_in_progress = False
            record.payment_date = moment
            record.payment_method = method
            record.payment_source = source
            record.payment_amount = record.amount if amount is None else amount
            record.payment_id = self._ids.payment_id()
            record.settlement_date, record.settlement_cycle = next_settlement_cycle(moment)
            return record

    def cancel(self, invoice_id: str) -> InvoiceRecord:
        """Cancel a `ready` invoice; its payment link stops working.

        Raises:
            KeyError: If there is no such invoice.
            ValueError: If the invoice is not `ready`.
        """
        with self._lock:
            record = self._require_status(invoice_id, self.initial_status, "cancel")
            _require_value(self.shape.invoice, "status", "cancelled", f"cancel invoice {invoice_id}")
            record.status = "cancelled"
            record.payment_in_progress = False
            return record

    def expire(self, invoice_id: str) -> InvoiceRecord:
        """Expire a `ready` invoice now: it becomes `cancelled` and its expirationDate becomes now.

        Raises:
            KeyError: If there is no such invoice.
            ValueError: If the invoice is not `ready`.
        """
        with self._lock:
            record = self._require_status(invoice_id, self.initial_status, "expire")
            _require_value(self.shape.invoice, "status", "cancelled", f"expire invoice {invoice_id}")
            record.status = "cancelled"
            record.payment_in_progress = False
            record.expiration_date = min(record.expiration_date, self.clock.now())
            return record

    def chargeback(self, invoice_id: str, *, charged_back_at: datetime | None) -> InvoiceRecord:
        """Reverse the payment of a `paid` invoice; see `FakePalomma.chargeback`."""
        with self._lock:
            record = self._require_status(invoice_id, "paid", "charge back")
            moment = self.clock.now() if charged_back_at is None else _utc_milliseconds(charged_back_at)
            _require_value(self.shape.invoice, "status", "chargeback", f"charge back invoice {invoice_id}")
            record.status = "chargeback"
            record.chargeback_date = moment
            key = next_settlement_cycle(moment)
            self._settlements.adjustments[key] = self._settlements.adjustments.get(key, 0) - (
                record.payment_amount or 0
            )
            return record

    def set_settlement_status(self, settlement_date: date, cycle: str, status: str | None) -> None:
        """Pin a settlement's status (for example `error` or `credited`), or unpin it with `None`."""
        if status is not None:
            _check_enum(self.shape.settlement, "status", "status", status)
        with self._lock:
            key = (settlement_date, cycle)
            if status is None:
                self._settlements.statuses.pop(key, None)
            else:
                self._settlements.statuses[key] = status

    def expire_due(self) -> None:
        """Cancel every `ready` invoice whose expirationDate has passed, unless a payment is in progress.

        Under a spec whose `Invoice.status` has no `cancelled`, nothing expires.
        """
        if not self.shape.invoice.allows("status", "cancelled"):
            return
        with self._lock:
            now = self.clock.now()
            for record in self._invoices.values():
                due = record.expiration_date <= now and not record.payment_in_progress
                if due and record.status == self.initial_status:
                    record.status = "cancelled"

    def clear(self) -> None:
        """Forget every invoice, adjustment and pinned settlement status."""
        with self._lock:
            self._invoices.clear()
            self._by_reference.clear()
            self._settlements = _SettlementBook()

    def contents(self) -> StoreContents:
        """Return a copy of the invoices, the settlement book and the id sequence, which later changes leave alone."""
        with self._lock:
            return StoreContents(
                invoices=tuple(record.copy() for record in self._invoices.values()),
                by_reference=dict(self._by_reference),
                adjustments=dict(self._settlements.adjustments),
                statuses=dict(self._settlements.statuses),
                ids=self._ids.position(),
            )

    def replace_contents(self, contents: StoreContents) -> None:
        """Hold what `contents` holds, and nothing else: every invoice copied again, so `contents` can serve again."""
        with self._lock:
            self._invoices = {record.id: record.copy() for record in contents.invoices}
            self._by_reference = dict(contents.by_reference)
            self._settlements = _SettlementBook(dict(contents.adjustments), dict(contents.statuses))
            self._ids.restore(contents.ids)

    def _require_status(self, invoice_id: str, status: str | None, action: str) -> InvoiceRecord:
        record = self.require(invoice_id)
        if record.status != status:
            raise ValueError(f"Cannot {action} invoice {invoice_id}: its status is {record.status!r}, not {status!r}")
        return record


def _matches(record: InvoiceRecord, query: InvoiceQuery) -> bool:
    if query.reference is not None and record.reference != query.reference:
        return False
    if query.customer_document_number is not None and record.customer_document_number != query.customer_document_number:
        return False
    if query.contract is not None and record.contract != query.contract:
        return False
    # paymentDate filters on the date part of the paymentDate the API shows, which is in UTC.
    if query.payment_date is not None and (
        record.payment_date is None or record.payment_date.astimezone(UTC).date() != query.payment_date
    ):
        return False
    if query.settlement_date is not None and record.settlement_date != query.settlement_date:
        return False
    return query.settlement_cycle is None or record.settlement_cycle == query.settlement_cycle


def _require_value(layout: ObjectLayout, name: str, value: str, action: str) -> None:
    """Refuse an action that would write a value the spec does not list for this property."""
    if not layout.allows(name, value):
        listed = ", ".join(map(repr, layout.enum(name)))
        pointer = layout.pointer(name)
        message = f"Cannot {action}: the spec's `{name}` (#{pointer}) has no value {value!r}, only {listed}"
        raise UnlistedValue(message, value, pointer)


def _preferred(layout: ObjectLayout, name: str, value: str) -> str:
    """`value` while the spec lists it for this property, else the spec's first value for it."""
    allowed = layout.enum(name)
    return value if not allowed or value in allowed else str(allowed[0])


def _check_enum(layout: ObjectLayout, name: str, argument: str, value: str) -> None:
    allowed = layout.enum(name)
    if allowed and value not in allowed:
        raise ValueError(f"{argument} must be one of {', '.join(map(str, allowed))}, not {value!r}")


def _utc_milliseconds(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Times given to the fake must be timezone-aware")
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)
