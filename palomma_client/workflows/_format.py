"""How the workflows write money and counts for people: once, for reports, logs and the command line."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["exact_amount", "format_amount", "format_cop", "plural"]


def exact_amount(value: Decimal | int | float) -> Decimal:
    """An amount from the API as an exact ``Decimal``, so that sums of many payments do not drift.

    A ``float`` is read as the shortest decimal that gives it back (``repr``), so ``0.1`` stays ``0.1``.
    """
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def format_amount(value: Decimal | int | float) -> str:
    """Write an amount of COP with thousands separators: ``1,850,000``, decimals only when there are any.

    Args:
        value: The amount; a ``float`` from the API is read as ``exact_amount`` reads it.

    Returns:
        The amount as text, without a currency.
    """
    exact = exact_amount(value)
    if exact == exact.to_integral_value():
        return f"{int(exact):,}"
    return f"{exact:,}"


def format_cop(value: Decimal | int | float) -> str:
    """Write an amount as ``1,850,000 COP``; see ``format_amount``."""
    return f"{format_amount(value)} COP"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Write a count with its noun: ``1 invoice``, ``2 invoices``, ``1,000 discrepancies``.

    Args:
        count: How many.
        singular: The noun for one.
        plural_form: The noun for any other count; ``singular + "s"`` when not given.

    Returns:
        The count, with thousands separators, and the noun that agrees with it.
    """
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {noun}"
