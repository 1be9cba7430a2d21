"""Deliveries as Palomma sends them, built from the spec's own schemas, for the webhook tests."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from palomma_client._generated import models as generated_models
from palomma_client.webhooks import sign_delivery
from tests.spec_calls import model_document

SECRET = "prod-integrity-key-7f3a9c"
WEBHOOK_ID = "wh_01HQY9A7"
TIMESTAMP = "2026-03-11T18:01:05.120Z"
SENT_AT = datetime.datetime(2026, 3, 11, 18, 1, 5, 120000, tzinfo=datetime.UTC)
NOW = SENT_AT + datetime.timedelta(seconds=2)
"""The receivers' clock in these tests: two seconds after the delivery was sent."""


def at_now() -> datetime.datetime:
    """A clock that always reads `NOW`."""
    return NOW


def _model(name: str) -> type[Any]:
    """A generated model a delivery carries; the test skips, saying so, when the spec no longer has it."""
    model = getattr(generated_models, name, None)
    if not isinstance(model, type):
        pytest.skip(f"the spec has no {name} schema for a delivery to carry")
    return model


def paid_invoice(**changes: Any) -> dict[str, Any]:
    """An invoice as a delivery carries it, every field of the spec's ``Invoice`` set, with changes.

    Made from the schema, not from a named example of some operation, which a vendor may rename
    or drop with the operation.
    """
    return model_document(_model("Invoice")) | changes


def settlement(**changes: Any) -> dict[str, Any]:
    """A settlement as a delivery carries it, every field of the spec's ``Settlement`` set, with changes."""
    return model_document(_model("Settlement")) | changes


def delivery(event_type: str, data: Any, webhook_id: str = WEBHOOK_ID, **extra: Any) -> dict[str, Any]:
    """A delivery's JSON document."""
    return {"webhookId": webhook_id, "timestamp": TIMESTAMP, "type": event_type, "data": data, **extra}


def without(document: dict[str, Any], key: str) -> dict[str, Any]:
    """The document without one key."""
    return {name: value for name, value in document.items() if name != key}


def body_of(document: Any) -> bytes:
    """The bytes Palomma would send for this document."""
    return json.dumps(document).encode()


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    """The signature headers Palomma would send with this body."""
    return sign_delivery(body, secret)


def invoice_delivery(webhook_id: str = WEBHOOK_ID, **extra: Any) -> tuple[bytes, dict[str, str]]:
    """A signed delivery of an invoice (``paid_invoice()``): the body and its headers."""
    body = body_of(delivery("invoice", paid_invoice(), webhook_id=webhook_id, **extra))
    return body, signed(body)
