"""Settlement reconciliation: do a settlement's figures match the invoices it pays out?

A settlement states how much was collected, for how many invoices, and what
was paid out after fees and adjustments. Each paid invoice names the
settlement it falls in (``settlementDate`` and ``settlementTime``), so the
invoices listed for a date and cycle must add up to the settlement's figures.

Chargebacks: the API keeps a charged-back invoice's payment fields, its
settlement date and cycle included, and lists it under that settlement. Its
money *was* collected in that cycle, so it counts towards ``amountCollected``
and ``numberOfInvoices`` there like a paid invoice. The reversal is booked
later, as a negative adjustment in the settlement of the cycle after the
chargeback; nothing in the API ties an adjustment to an invoice, so
adjustments are taken as the settlement states them and only checked in the
payout equation. Should Palomma leave charged-back invoices out of a
settlement's totals instead, the report's messages say when a difference
equals the chargebacks exactly.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from palomma_client._features import Argument, Feature, Field, Model, Operation, Value, is_missing
from palomma_client._generated_names import Invoice, InvoiceStatus, Settlement, SettlementStatus, list_invoices
from palomma_client.workflows._api import InvoiceFields, InvoicesAPI, SettlementFields, SettlementsAPI
from palomma_client.workflows._format import exact_amount, format_cop, plural

if TYPE_CHECKING:
    import httpx2

__all__ = ["RECONCILE", "Discrepancy", "DiscrepancyKind", "ReconciliationReport", "reconcile"]

RECONCILE: Final = Feature(
    "settlements.reconcile",
    Operation("getSettlement"),
    Model("Settlement"),
    Model("SettlementStatus"),
    Model("InvoiceStatus"),
    # The status whose invoices count towards a settlement. `chargeback` (also counted, and
    # tallied), `processing` and `error` (noted on the report) are read by value and are not
    # needs: a spec without them only means no invoice or settlement can be in them.
    Value("InvoiceStatus", "paid"),
    # The figures checked, and what each invoice contributes to them.
    Field("Settlement", "status"),
    Field("Settlement", "numberOfInvoices"),
    Field("Settlement", "amountCollected"),
    Field("Settlement", "fees"),
    Field("Settlement", "feesPostpaid"),
    Field("Settlement", "adjustments"),
    Field("Settlement", "paymentAmount"),
    Field("Invoice", "id"),
    Field("Invoice", "reference"),
    Field("Invoice", "status"),
    Field("Invoice", "paymentAmount"),
    Field("Invoice", "settlementDate"),
    Field("Invoice", "settlementTime"),
    Operation("listInvoices"),
    Argument("listInvoices", "settlement_date"),
    Argument("listInvoices", "settlement_cycle"),
    Argument("listInvoices", "limit"),
)
"""What reconciliation needs, and so what it reads through ``InvoiceFields`` and ``SettlementFields``."""

# Empty when the spec no longer has the enum. Read by value, not by member, so that a spec without one
# of them still imports (the open enum answers any value); settlements.reconcile then refuses to run,
# naming what is gone (see RECONCILE).
_SETTLED_STATUSES = (
    frozenset() if is_missing(InvoiceStatus) else frozenset({InvoiceStatus("paid"), InvoiceStatus("chargeback")})
)


class DiscrepancyKind(enum.StrEnum):
    """What kind of mismatch a `Discrepancy` is."""

    AMOUNT_COLLECTED = "amount_collected"
    """The invoices' ``paymentAmount`` do not add up to the settlement's ``amountCollected``."""
    INVOICE_COUNT = "invoice_count"
    """The number of invoices listed differs from the settlement's ``numberOfInvoices``."""
    PAYMENT_AMOUNT = "payment_amount"
    """``amountCollected - fees + adjustments`` (without ``fees`` when postpaid) differs from ``paymentAmount``."""
    MISSING_PAYMENT_AMOUNT = "missing_payment_amount"
    """A listed invoice has no ``paymentAmount``; it counts as 0."""
    UNEXPECTED_STATUS = "unexpected_status"
    """A listed invoice is neither ``paid`` nor ``chargeback``."""
    OTHER_SETTLEMENT = "other_settlement"
    """The listing returned an invoice that names another settlement date or cycle; it is left out of the totals."""
    DUPLICATE_INVOICE = "duplicate_invoice"
    """The listing returned the same invoice twice; it is counted once."""


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One mismatch found while reconciling.

    Attributes:
        kind: What kind of mismatch it is.
        message: A sentence for people, with the figures.
        expected: The figure the settlement states (or implies), when the mismatch is about a figure.
        actual: The figure computed from the invoices, when the mismatch is about a figure.
        invoice_id: The invoice concerned, when the mismatch is about one invoice.
    """

    kind: DiscrepancyKind
    message: str
    expected: Decimal | None = None
    actual: Decimal | None = None
    invoice_id: str | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    """A settlement set against the invoices listed for its date and cycle.

    Money is in COP, as ``Decimal``, so sums are exact.

    Attributes:
        date: The settlement date.
        cycle: The settlement cycle.
        settlement: The settlement as the API returned it.
        invoices: The invoices counted, in the API's order (each once, only those naming this settlement).
        invoices_total: The sum of their ``paymentAmount``.
        chargeback_count: How many of them are charged back.
        chargeback_total: The sum of those chargebacks' ``paymentAmount``.
        expected_payment_amount: ``amountCollected - fees + adjustments``, or ``amountCollected + adjustments``
            when fees are postpaid.
        discrepancies: Every mismatch found; empty when the settlement balances.
        notes: Observations that are not mismatches, such as a settlement still processing.
    """

    date: datetime.date
    cycle: str
    settlement: Settlement
    invoices: tuple[Invoice, ...]
    invoices_total: Decimal
    chargeback_count: int
    chargeback_total: Decimal
    expected_payment_amount: Decimal
    discrepancies: tuple[Discrepancy, ...]
    notes: tuple[str, ...] = ()

    @property
    def _figures(self) -> SettlementFields:
        return RECONCILE.vouch(self.settlement, SettlementFields)

    @property
    def balanced(self) -> bool:
        """Whether the invoices and the settlement's own figures all agree."""
        return not self.discrepancies

    @property
    def status(self) -> SettlementStatus:
        """The settlement's status: ``processing``, ``paid``, ``credited`` or ``error``."""
        return self._figures.status

    @property
    def invoice_count(self) -> int:
        """How many invoices were counted."""
        return len(self.invoices)

    @property
    def number_of_invoices(self) -> Decimal:
        """The settlement's ``numberOfInvoices``."""
        return exact_amount(self._figures.number_of_invoices)

    @property
    def amount_collected(self) -> Decimal:
        """The settlement's ``amountCollected``."""
        return exact_amount(self._figures.amount_collected)

    @property
    def fees(self) -> Decimal:
        """The settlement's ``fees``."""
        return exact_amount(self._figures.fees)

    @property
    def fees_postpaid(self) -> bool:
        """Whether fees are billed separately instead of deducted."""
        return self._figures.fees_postpaid

    @property
    def adjustments(self) -> Decimal:
        """The settlement's ``adjustments``."""
        return exact_amount(self._figures.adjustments)

    @property
    def payment_amount(self) -> Decimal:
        """The settlement's ``paymentAmount``: what was paid out."""
        return exact_amount(self._figures.payment_amount)

    def summary(self) -> str:
        """Describe the reconciliation in a few lines of text, discrepancies included."""
        fees_rule = "postpaid, not deducted" if self.fees_postpaid else "deducted"
        lines = [
            f"Settlement {self.date.isoformat()} cycle {self.cycle} ({self.status}): "
            + (
                "balanced"
                if self.balanced
                else f"NOT balanced, {plural(len(self.discrepancies), 'discrepancy', 'discrepancies')}"
            ),
            f"  invoices            {self.invoice_count:,} listed, {_count(self.number_of_invoices)} in the settlement"
            + (f" ({self.chargeback_count} charged back)" if self.chargeback_count else ""),
            f"  amount collected    {format_cop(self.amount_collected)} (invoices add up to "
            f"{format_cop(self.invoices_total)})",
            f"  fees                {format_cop(self.fees)} ({fees_rule})",
            f"  adjustments         {format_cop(self.adjustments)}",
            f"  payment amount      {format_cop(self.payment_amount)} (expected "
            f"{format_cop(self.expected_payment_amount)})",
        ]
        lines.extend(f"  - {discrepancy.kind}: {discrepancy.message}" for discrepancy in self.discrepancies)
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


def _count(value: Decimal) -> str:
    return f"{int(value):,}" if value == value.to_integral_value() else str(value)


async def reconcile(
    settlements: SettlementsAPI,
    invoices: InvoicesAPI,
    date: datetime.date | str,
    cycle: str,
    *,
    timeout: float | httpx2.Timeout | None = None,
) -> ReconciliationReport:
    """Reconcile one settlement against its invoices; see ``Settlements.reconcile``."""
    settlement = await settlements.get(date, cycle, timeout=timeout)
    # settlements.get has checked both, so the same values go to the listing.
    settlement_date = date if isinstance(date, datetime.date) else datetime.date.fromisoformat(date)
    tally = _Tally(settlement_date, cycle)
    # Fewest round trips: the spec's largest page.
    largest_page: int = list_invoices.RULES["limit"]["maximum"]
    async for invoice in invoices.list(
        settlement_date=settlement_date, settlement_cycle=cycle, limit=largest_page, timeout=timeout
    ):
        tally.count(invoice)
    expected_payment, discrepancies = _check_figures(settlement, tally)
    return ReconciliationReport(
        date=settlement_date,
        cycle=cycle,
        settlement=settlement,
        invoices=tuple(tally.counted),
        invoices_total=tally.total,
        chargeback_count=tally.chargeback_count,
        chargeback_total=tally.chargeback_total,
        expected_payment_amount=expected_payment,
        discrepancies=(*tally.discrepancies, *discrepancies),
        notes=_notes(settlement),
    )


@dataclass
class _Tally:
    """The invoices listed for one settlement, added up as they arrive, page by page."""

    settlement_date: datetime.date
    cycle: str
    counted: list[Invoice] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    total: Decimal = Decimal(0)
    chargeback_count: int = 0
    chargeback_total: Decimal = Decimal(0)
    _seen: set[str] = field(default_factory=set)

    def count(self, listed: Invoice) -> None:
        """Add one listed invoice, or note why it is left out or counted as 0."""
        invoice = RECONCILE.vouch(listed, InvoiceFields)
        if invoice.id in self._seen:
            self._note(
                DiscrepancyKind.DUPLICATE_INVOICE, invoice, f"invoice {invoice.id} was listed twice; counted once"
            )
            return
        self._seen.add(invoice.id)
        elsewhere = self._other_settlement(invoice)
        if elsewhere:
            self._note(
                DiscrepancyKind.OTHER_SETTLEMENT,
                invoice,
                f"invoice {invoice.id} was listed for this settlement but names {elsewhere}; left out",
            )
            return
        self.counted.append(listed)
        if invoice.status not in _SETTLED_STATUSES:
            self._note(
                DiscrepancyKind.UNEXPECTED_STATUS,
                invoice,
                f"invoice {invoice.id} ({_reference(invoice)}) is {invoice.status}, not paid or chargeback",
            )
        if invoice.payment_amount is None:
            self._note(
                DiscrepancyKind.MISSING_PAYMENT_AMOUNT,
                invoice,
                f"invoice {invoice.id} ({_reference(invoice)}) has no paymentAmount; counted as 0",
            )
            return
        paid = exact_amount(invoice.payment_amount)
        self.total += paid
        # Compared by value, not by member: a spec without the value still type-checks (the
        # feature then refuses to run, through its declared need).
        if invoice.status == "chargeback":
            self.chargeback_count += 1
            self.chargeback_total += paid

    def _note(self, kind: DiscrepancyKind, invoice: InvoiceFields, message: str) -> None:
        self.discrepancies.append(Discrepancy(kind, message, invoice_id=invoice.id))

    def _other_settlement(self, invoice: InvoiceFields) -> str | None:
        # An invoice without these fields cannot be checked; its status check catches what matters.
        named_date = invoice.settlement_date
        named_cycle = invoice.settlement_time
        if named_date is not None and named_date != self.settlement_date.isoformat():
            return f"settlement date {named_date}"
        if named_cycle is not None and named_cycle != self.cycle:
            return f"cycle {named_cycle}"
        return None

    def chargebacks_hint(self, difference: Decimal, size: Decimal) -> str:
        """A hint when a difference is exactly what the chargebacks amount to (``size`` their count or total)."""
        if not self.chargeback_count or abs(difference) != size:
            return ""
        return (
            f"; the difference is exactly the {plural(self.chargeback_count, 'charged-back invoice')} "
            f"({format_cop(self.chargeback_total)}), so this settlement may leave chargebacks out"
        )


def _check_figures(fetched: Settlement, tally: _Tally) -> tuple[Decimal, list[Discrepancy]]:
    """The payout the settlement's own figures imply, and every figure that does not agree."""
    settlement = RECONCILE.vouch(fetched, SettlementFields)
    amount_collected = exact_amount(settlement.amount_collected)
    number_of_invoices = exact_amount(settlement.number_of_invoices)
    fees = exact_amount(settlement.fees)
    adjustments = exact_amount(settlement.adjustments)
    payment_amount = exact_amount(settlement.payment_amount)
    discrepancies: list[Discrepancy] = []

    if tally.total != amount_collected:
        difference = tally.total - amount_collected
        discrepancies.append(
            Discrepancy(
                DiscrepancyKind.AMOUNT_COLLECTED,
                f"the invoices' payments add up to {format_cop(tally.total)} but the settlement collected "
                f"{format_cop(amount_collected)} (difference {format_cop(difference)})"
                + tally.chargebacks_hint(difference, tally.chargeback_total),
                expected=amount_collected,
                actual=tally.total,
            )
        )
    listed = len(tally.counted)
    if listed != number_of_invoices:
        difference = listed - number_of_invoices
        discrepancies.append(
            Discrepancy(
                DiscrepancyKind.INVOICE_COUNT,
                f"{plural(listed, 'invoice')} {'is' if listed == 1 else 'are'} listed for this settlement but it "
                f"counts {_count(number_of_invoices)}"
                + tally.chargebacks_hint(difference, Decimal(tally.chargeback_count)),
                expected=number_of_invoices,
                actual=Decimal(listed),
            )
        )
    if settlement.fees_postpaid:
        expected_payment = amount_collected + adjustments
        equation = (
            f"amountCollected {format_cop(amount_collected)} + adjustments {format_cop(adjustments)} "
            "(fees are postpaid)"
        )
    else:
        expected_payment = amount_collected - fees + adjustments
        equation = (
            f"amountCollected {format_cop(amount_collected)} - fees {format_cop(fees)} "
            f"+ adjustments {format_cop(adjustments)}"
        )
    if expected_payment != payment_amount:
        discrepancies.append(
            Discrepancy(
                DiscrepancyKind.PAYMENT_AMOUNT,
                f"{equation} = {format_cop(expected_payment)}, but the settlement paid out "
                f"{format_cop(payment_amount)} (difference {format_cop(payment_amount - expected_payment)})",
                expected=expected_payment,
                actual=payment_amount,
            )
        )
    return expected_payment, discrepancies


def _notes(fetched: Settlement) -> tuple[str, ...]:
    settlement = RECONCILE.vouch(fetched, SettlementFields)
    notes: list[str] = []
    if settlement.status == "processing":
        notes.append("the settlement is still processing: its figures may change until it is paid")
    elif settlement.status == "error":
        notes.append("the settlement's status is error: the payout did not go through")
    adjustments = exact_amount(settlement.adjustments)
    if adjustments:
        notes.append(
            f"adjustments of {format_cop(adjustments)} are not tied to invoices by the API "
            "(a chargeback is booked as a negative adjustment in a later cycle)"
        )
    return tuple(notes)


def _reference(invoice: InvoiceFields) -> str:
    return "no reference" if invoice.reference is None else repr(invoice.reference)
