"""Deliveries as Palomma sends them, built from the spec's own examples, for the webhook tests."""

from __future__ import annotations

import copy
import datetime
import functools
import json
from importlib import resources
from typing import Any

from palomma_client.webhooks import sign_delivery

SECRET = "prod-integrity-key-7f3a9c"
WEBHOOK_ID = "wh_01HQY9A7"
TIMESTAMP = "2026-03-11T18:01:05.120Z"
SENT_AT = datetime.datetime(2026, 3, 11, 18, 1, 5, 120000, tzinfo=datetime.UTC)
NOW = SENT_AT + datetime.timedelta(seconds=2)
"""The receivers' clock in these tests: two seconds after the delivery was sent."""


def at_now() -> datetime.datetime:
    """A clock that always reads `NOW`."""
    return NOW


@functools.cache
def _spec() -> dict[str, Any]:
    text = (resources.files("palomma_client._generated") / "openapi.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _example(path: str, method: str, name: str) -> dict[str, Any]:
    content = _spec()["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    return copy.deepcopy(content["examples"][name]["value"])


def paid_invoice(**changes: Any) -> dict[str, Any]:
    """The spec's paid invoice (the first item of the listInvoices example), with changes."""
    invoice: dict[str, Any] = _example("/invoices", "get", "page")["items"][0]
    return invoice | changes


def ready_invoice() -> dict[str, Any]:
    """The spec's freshly created invoice."""
    return _example("/invoices", "post", "created")


def settlement(**changes: Any) -> dict[str, Any]:
    """The spec's paid settlement, with changes."""
    return _example("/settlements/{date}/{cycle}", "get", "found") | changes


def schema(name: str) -> dict[str, Any]:
    """A schema of the spec's components, such as ``"Invoice"``."""
    found: dict[str, Any] = _spec()["components"]["schemas"][name]
    return found


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
    """A signed delivery of the spec's paid invoice: the body and its headers."""
    body = body_of(delivery("invoice", paid_invoice(), webhook_id=webhook_id, **extra))
    return body, signed(body)
