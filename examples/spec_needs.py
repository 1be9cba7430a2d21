"""What an example reads of the generated SDK, checked when it runs rather than when it is type-checked.

The examples run on the SDK as ``make generate`` writes it from openapi.yaml,
and a vendor may remove or rename any operation or field. So that they still
type-check and run whatever the spec says, an example reads a generated
resource or model through ``needs``, naming the methods or fields it uses::

    invoice = await needs(palomma.invoices, "create").create(reference="RENT-001", ...)
    print(needs(invoice, "reference", "status").status)

In your own code, call ``palomma.invoices.create(...)`` directly: your type
checker then tells you what a new SDK version removed, and its CHANGELOG names it.
"""

from __future__ import annotations

from typing import Any

from palomma_client import FeatureUnavailableError

__all__ = ["needs"]


def needs(part: object, *members: str) -> Any:
    """Return ``part`` (a resource or a model) once it has each of ``members``; its type is then unchecked.

    Args:
        part: A generated resource (``palomma.invoices``) or model instance (an ``Invoice``).
        *members: The methods or fields the example reads of it.

    Returns:
        ``part`` itself.

    Raises:
        FeatureUnavailableError: The spec the SDK was generated from has no such method or field;
            it names each one missing.
    """
    kind = type(part).__name__
    missing = [f"`{kind}.{member}`" for member in members if not hasattr(part, member)]
    if missing:
        raise FeatureUnavailableError(f"this example ({kind})", missing)
    return part
