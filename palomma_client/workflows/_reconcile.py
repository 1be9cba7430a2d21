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
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from palomma_client._generated.api.invoices import list_invoices
from palomma_client._generated.models import Invoice, InvoiceStatus, Settlement, SettlementStatus
from palomma_client._generated.types import Unset

if TYPE_CHECKING:
    import httpx2

    from palomma_client._resources import Invoices, Settlements

__all__ = ["Discrepancy", "DiscrepancyKind", "ReconciliationReport", "reconcile"]

_SETTLED_STATUSES = frozenset({InvoiceStatus.PAID, InvoiceStatus.CHARGEBACK})


# Fewest round trips: the spec's largest page.
_LARGEST_PAGE: int = list_invoices.RULES["limit"]["maximum"]


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
    def balanced(self) -> bool:
        """Whether the invoices and the settlement's own figures all agree."""
        return not self.discrepancies

    @property
    def status(self) -> SettlementStatus:
        """The settlement's status: ``processing``, ``paid``, ``credited`` or ``error``."""
        return self.settlement.status

    @property
    def invoice_count(self) -> int:
        """How many invoices were counted."""
        return len(self.invoices)

    @property
    def number_of_invoices(self) -> Decimal:
        """The settlement's ``numberOfInvoices``."""
        return _decimal(self.settlement.number_of_invoices)

    @property
    def amount_collected(self) -> Decimal:
        """The settlement's ``amountCollected``."""
        return _decimal(self.settlement.amount_collected)

    @property
    def fees(self) -> Decimal:
        """The settlement's ``fees``."""
        return _decimal(self.settlement.fees)

    @property
    def fees_postpaid(self) -> bool:
        """Whether fees are billed separately instead of deducted."""
        return self.settlement.fees_postpaid

    @property
    def adjustments(self) -> Decimal:
        """The settlement's ``adjustments``."""
        return _decimal(self.settlement.adjustments)

    @property
    def payment_amount(self) -> Decimal:
        """The settlement's ``paymentAmount``: what was paid out."""
        return _decimal(self.settlement.payment_amount)

    def summary(self) -> str:
        """Describe the reconciliation in a few lines of text, discrepancies included."""
        fees_rule = "postpaid, not deducted" if self.fees_postpaid else "deducted"
        lines = [
            f"Settlement {self.date.isoformat()} cycle {self.cycle} ({self.status}): "
            + ("balanced" if self.balanced else f"NOT balanced, {_discrepancies(len(self.discrepancies))}"),
            f"  invoices            {self.invoice_count} listed, {_count(self.number_of_invoices)} in the settlement"
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


def _discrepancies(count: int) -> str:
    return "1 discrepancy" if count == 1 else f"{count} discrepancies"


def _decimal(value: float | int) -> Decimal:
    # repr gives the shortest text that reads back as the same float, so 0.1 stays 0.1.
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _count(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value)


def format_cop(value: Decimal) -> str:
    """Write an amount as ``1,850,000 COP`` (decimals only when there are any)."""
    text = f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}"
    return f"{text} COP"


async def reconcile(
    settlements: Settlements,
    invoices: Invoices,
    date: datetime.date | str,
    cycle: str,
    *,
    timeout: float | httpx2.Timeout | None = None,
) -> ReconciliationReport:
    """Reconcile one settlement against its invoices; see ``Settlements.reconcile``."""
    settlement = await settlements.get(date, cycle, timeout=timeout)
    # settlements.get has checked both, so the same values go to the listing.
    settlement_date = date if isinstance(date, datetime.date) else datetime.date.fromisoformat(date)
    settlement_cycle = str(cycle)
    listed = invoices.list(
        settlement_date=settlement_date, settlement_cycle=settlement_cycle, limit=_LARGEST_PAGE, timeout=timeout
    )
    discrepancies: list[Discrepancy] = []
    counted: list[Invoice] = []
    seen: set[str] = set()
    invoices_total = Decimal(0)
    chargeback_count = 0
    chargeback_total = Decimal(0)
    async for invoice in listed:
        if invoice.id in seen:
            discrepancies.append(
                Discrepancy(
                    DiscrepancyKind.DUPLICATE_INVOICE,
                    f"invoice {invoice.id} was listed twice; counted once",
                    invoice_id=invoice.id,
                )
            )
            continue
        seen.add(invoice.id)
        elsewhere = _other_settlement(invoice, settlement_date, settlement_cycle)
        if elsewhere:
            discrepancies.append(
                Discrepancy(
                    DiscrepancyKind.OTHER_SETTLEMENT,
                    f"invoice {invoice.id} was listed for this settlement but names {elsewhere}; left out",
                    invoice_id=invoice.id,
                )
            )
            continue
        counted.append(invoice)
        if invoice.status not in _SETTLED_STATUSES:
            discrepancies.append(
                Discrepancy(
                    DiscrepancyKind.UNEXPECTED_STATUS,
                    f"invoice {invoice.id} ({_reference(invoice)}) is {invoice.status}, not paid or chargeback",
                    invoice_id=invoice.id,
                )
            )
        if isinstance(invoice.payment_amount, Unset):
            discrepancies.append(
                Discrepancy(
                    DiscrepancyKind.MISSING_PAYMENT_AMOUNT,
                    f"invoice {invoice.id} ({_reference(invoice)}) has no paymentAmount; counted as 0",
                    invoice_id=invoice.id,
                )
            )
            continue
        paid = _decimal(invoice.payment_amount)
        invoices_total += paid
        if invoice.status is InvoiceStatus.CHARGEBACK:
            chargeback_count += 1
            chargeback_total += paid

    amount_collected = _decimal(settlement.amount_collected)
    number_of_invoices = _decimal(settlement.number_of_invoices)
    fees = _decimal(settlement.fees)
    adjustments = _decimal(settlement.adjustments)
    payment_amount = _decimal(settlement.payment_amount)
    chargebacks_hint = _chargebacks_hint(chargeback_count, chargeback_total)

    if invoices_total != amount_collected:
        difference = invoices_total - amount_collected
        hint = chargebacks_hint if chargeback_count and abs(difference) == chargeback_total else ""
        discrepancies.append(
            Discrepancy(
                DiscrepancyKind.AMOUNT_COLLECTED,
                f"the invoices' payments add up to {format_cop(invoices_total)} but the settlement collected "
                f"{format_cop(amount_collected)} (difference {format_cop(difference)}){hint}",
                expected=amount_collected,
                actual=invoices_total,
            )
        )
    if len(counted) != number_of_invoices:
        difference = len(counted) - number_of_invoices
        hint = chargebacks_hint if chargeback_count and abs(difference) == chargeback_count else ""
        discrepancies.append(
            Discrepancy(
                DiscrepancyKind.INVOICE_COUNT,
                f"{len(counted)} invoices are listed for this settlement but it counts "
                f"{_count(number_of_invoices)}{hint}",
                expected=number_of_invoices,
                actual=Decimal(len(counted)),
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

    notes: list[str] = []
    if settlement.status is SettlementStatus.PROCESSING:
        notes.append("the settlement is still processing: its figures may change until it is paid")
    elif settlement.status is SettlementStatus.ERROR:
        notes.append("the settlement's status is error: the payout did not go through")
    if adjustments:
        notes.append(
            f"adjustments of {format_cop(adjustments)} are not tied to invoices by the API "
            "(a chargeback is booked as a negative adjustment in a later cycle)"
        )
    return ReconciliationReport(
        date=settlement_date,
        cycle=settlement_cycle,
        settlement=settlement,
        invoices=tuple(counted),
        invoices_total=invoices_total,
        chargeback_count=chargeback_count,
        chargeback_total=chargeback_total,
        expected_payment_amount=expected_payment,
        discrepancies=tuple(discrepancies),
        notes=tuple(notes),
    )


def _other_settlement(invoice: Invoice, settlement_date: datetime.date, cycle: str) -> str | None:
    # An invoice without these fields cannot be checked; its status check catches what matters.
    named_date = invoice.settlement_date
    named_cycle = invoice.settlement_time
    if not isinstance(named_date, Unset) and named_date != settlement_date.isoformat():
        return f"settlement date {named_date}"
    if not isinstance(named_cycle, Unset) and named_cycle != cycle:
        return f"cycle {named_cycle}"
    return None


def _reference(invoice: Invoice) -> str:
    return "no reference" if isinstance(invoice.reference, Unset) else repr(invoice.reference)


def _chargebacks_hint(count: int, total: Decimal) -> str:
    noun = "invoice" if count == 1 else "invoices"
    return (
        f"; the difference is exactly the {count} charged-back {noun} ({format_cop(total)}), "
        "so this settlement may leave chargebacks out"
    )
