"""Webhooks from the fake: signed deliveries when invoices and settlements reach a final status.

Palomma POSTs ``{webhookId, timestamp, type, data}`` once an invoice is ``paid``, ``cancelled``
or ``chargeback`` and once a settlement is ``paid``, signs it (``X-Signature``), expects a 200
within 5 seconds, and retries a failed delivery with the same ``webhookId``. `FakeWebhooks` does
the same for a `FakePalomma`, on the test's schedule rather than in the background:

    webhooks = fake.enable_webhooks("integrity-key", url="http://receiver.test/palomma", transport=...)
    fake.pay(invoice_id)                  # queues an "invoice" webhook
    attempts = await webhooks.deliver()   # sends what is pending; failures stay pending, same webhookId
    await webhooks.redeliver(attempts[0].delivery.webhook_id)   # a replay, as Palomma's retries look

Events are noticed when a simulation control runs (`pay`, `cancel`, `expire`, `chargeback`,
`set_settlement_status`) and again at each `deliver`, which also catches what the fake clock
caused on its own (an invoice that expired, a settlement whose cycle time passed). Each resource
is announced once per final status: an invoice paid then charged back gets two webhooks. What was
already final when webhooks were enabled is not announced.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal

import httpx2

from palomma_client.testing._fake_state import FakeState
from palomma_client.testing._state import InvoiceRecord, format_timestamp, next_settlement_cycle
from palomma_client.webhooks import SignatureScheme, compute_signature, sign_delivery

__all__ = [
    "DELIVERY_TIMEOUT",
    "FINAL_INVOICE_STATUSES",
    "FINAL_SETTLEMENT_STATUSES",
    "DeliveryAttempt",
    "FakeWebhooks",
    "WebhookCallback",
    "WebhookDelivery",
]

FINAL_INVOICE_STATUSES: Final = ("paid", "cancelled", "chargeback")
FINAL_SETTLEMENT_STATUSES: Final = ("paid",)
DELIVERY_TIMEOUT: Final = 5.0
"""Seconds a receiver has to answer, as with Palomma."""

WebhookCallback = Callable[[bytes, Mapping[str, str]], Awaitable[int | None]]
"""``await callback(body, headers)`` returning the HTTP status the receiver would answer (``None`` means 200)."""


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One webhook: the exact body and headers sent each time it is delivered.

    Attributes:
        webhook_id: The ``webhookId``; every retry and replay of this webhook carries it.
        type: ``"invoice"`` or ``"settlement"``.
        resource_id: The invoice id, or ``"YYYY-MM-DD/cycle"`` for a settlement.
        status: The final status this webhook announces.
        body: The JSON body, byte for byte.
        headers: ``Content-Type`` and the signature headers (``X-Encoded-Data``, ``X-Signature``).
    """

    webhook_id: str
    type: Literal["invoice", "settlement"]
    resource_id: str
    status: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        """Return the body decoded."""
        return json.loads(self.body)


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """One attempt to deliver a webhook.

    Attributes:
        delivery: The webhook sent.
        status_code: The receiver's status, or ``None`` when it could not be reached or raised.
        error: What went wrong when there was no status (connection refused, timeout, an exception).
        replay: Whether this was a deliberate `FakeWebhooks.redeliver`.
    """

    delivery: WebhookDelivery
    status_code: int | None
    error: str | None = None
    replay: bool = False

    @property
    def acknowledged(self) -> bool:
        """Whether the receiver answered 200, the only answer Palomma takes as received."""
        return self.status_code == 200


@dataclass(slots=True)
class _Outbox:
    announced: set[tuple[str, str, str]] = field(default_factory=set)
    pending: list[WebhookDelivery] = field(default_factory=list)
    sent: list[WebhookDelivery] = field(default_factory=list)
    attempts: list[DeliveryAttempt] = field(default_factory=list)


class FakeWebhooks:
    """Signs and delivers the fake's webhooks to a URL or an async callback.

    Create it with `FakePalomma.enable_webhooks`. Give exactly one of ``url`` and ``callback``.

    Args:
        fake: The state of the fake whose invoices and settlements are watched (`enable_webhooks` hands it over).
        secret: The merchant's integrity key that signs each delivery.
        url: Where to POST deliveries. With ``transport`` (such as ``httpx2.ASGITransport(app=receiver)``)
            nothing leaves the process; without it, it must be a server you run (on 127.0.0.1 in tests).
        callback: Called as ``await callback(body, headers)`` instead of an HTTP POST; returns the status.
        transport: The httpx2 transport for ``url``.
        signature_scheme: Computes ``X-Signature``; the SDK's default scheme unless given.
        timeout: Seconds the receiver has to answer (5, as with Palomma).

    Raises:
        ValueError: Both or neither of ``url`` and ``callback`` are given, or ``secret`` is empty.
    """

    def __init__(
        self,
        fake: FakeState,
        secret: str,
        *,
        url: str | None = None,
        callback: WebhookCallback | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        signature_scheme: SignatureScheme = compute_signature,
        timeout: float = DELIVERY_TIMEOUT,
    ) -> None:
        if (url is None) == (callback is None):
            raise ValueError("give exactly one of url and callback")
        if transport is not None and url is None:
            raise ValueError("transport only applies to url deliveries")
        if not secret:
            raise ValueError("secret must be the merchant's integrity key, not empty")
        self._fake = fake
        self._secret = secret
        self.url = url
        self._callback = callback
        self._transport = transport
        self._signature_scheme = signature_scheme
        self.timeout = timeout
        self._outbox = _Outbox()
        # Controls may run on the test's thread while the CLI server's thread reads the fake.
        self._lock = threading.Lock()
        # What was final before webhooks were enabled is history, not news: only later changes are sent.
        self.observe()
        self._outbox = _Outbox(announced=self._outbox.announced)

    def __repr__(self) -> str:
        target = self.url if self.url is not None else getattr(self._callback, "__qualname__", "callback")
        return f"<FakeWebhooks to {target} secret=<hidden> pending={len(self._outbox.pending)}>"

    @property
    def pending(self) -> list[WebhookDelivery]:
        """Webhooks not yet acknowledged with a 200, oldest first; the next `deliver` sends them."""
        with self._lock:
            return list(self._outbox.pending)

    @property
    def sent(self) -> list[WebhookDelivery]:
        """Every webhook created so far, oldest first, acknowledged or not."""
        with self._lock:
            return list(self._outbox.sent)

    @property
    def attempts(self) -> list[DeliveryAttempt]:
        """Every delivery attempt, oldest first."""
        with self._lock:
            return list(self._outbox.attempts)

    def observe(self) -> list[WebhookDelivery]:
        """Queue a webhook for each invoice or settlement that reached a final status since the last look.

        The fake calls this after each simulation control; `deliver` calls it too.

        Returns:
            The webhooks queued by this call.
        """
        fake = self._fake
        queued: list[WebhookDelivery] = []
        with self._lock:
            # Oldest first, so webhooks come in the order the invoices were created.
            records = list(reversed(fake.store.all()))
            for record in records:
                if record.status in FINAL_INVOICE_STATUSES:
                    queued += self._queue("invoice", record.id, record.status, record.to_json())
            for settlement_date, cycle in _settlement_keys(records):
                settlement = fake.store.settlement(settlement_date, cycle)
                if settlement is not None and settlement.get("status") in FINAL_SETTLEMENT_STATUSES:
                    resource = f"{settlement_date.isoformat()}/{cycle}"
                    queued += self._queue("settlement", resource, settlement["status"], settlement)
        return queued

    def _queue(
        self, kind: Literal["invoice", "settlement"], resource_id: str, status: str, data: dict[str, Any]
    ) -> list[WebhookDelivery]:
        key = (kind, resource_id, status)
        if key in self._outbox.announced:
            return []
        self._outbox.announced.add(key)
        webhook_id = f"wh_{uuid.uuid4().hex}"
        document = {
            "webhookId": webhook_id,
            "timestamp": format_timestamp(self._fake.clock.now()),
            "type": kind,
            "data": data,
        }
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            **sign_delivery(body, self._secret, signature_scheme=self._signature_scheme),
        }
        delivery = WebhookDelivery(webhook_id, kind, resource_id, status, body, headers)
        self._outbox.pending.append(delivery)
        self._outbox.sent.append(delivery)
        return [delivery]

    async def deliver(self) -> list[DeliveryAttempt]:
        """Send every pending webhook once, in order; those answered 200 stop being pending.

        A webhook whose delivery failed (another status, no answer in time, an exception) stays
        pending and goes again, with the same ``webhookId`` and body, at the next call: Palomma's
        retry.

        Returns:
            This call's attempts, in order.
        """
        self.observe()
        attempts = [await self._send(delivery, replay=False) for delivery in self.pending]
        with self._lock:
            delivered = {attempt.delivery.webhook_id for attempt in attempts if attempt.acknowledged}
            self._outbox.pending = [item for item in self._outbox.pending if item.webhook_id not in delivered]
        return attempts

    async def redeliver(self, webhook_id: str) -> DeliveryAttempt:
        """Send a webhook again, byte for byte, whatever its earlier outcome: a replay or a late retry.

        Args:
            webhook_id: The ``webhookId`` of a webhook this fake sent.

        Returns:
            The attempt.

        Raises:
            KeyError: No webhook with this id was sent.
        """
        delivery = next((item for item in self.sent if item.webhook_id == webhook_id), None)
        if delivery is None:
            raise KeyError(f"No webhook with id {webhook_id!r}")
        return await self._send(delivery, replay=True)

    def clear(self) -> None:
        """Forget every webhook, pending or sent, and every attempt."""
        with self._lock:
            self._outbox = _Outbox()

    async def _send(self, delivery: WebhookDelivery, *, replay: bool) -> DeliveryAttempt:
        try:
            async with asyncio.timeout(self.timeout):
                status_code = await self._post(delivery)
        except TimeoutError:
            attempt = DeliveryAttempt(delivery, None, f"no answer within {self.timeout:g} s", replay)
        # A receiver's failure is what a delivery attempt records; it must not break the test's fake.
        except Exception as error:
            attempt = DeliveryAttempt(delivery, None, f"{type(error).__name__}: {error}", replay)
        else:
            attempt = DeliveryAttempt(delivery, status_code, None, replay)
        with self._lock:
            self._outbox.attempts.append(attempt)
        return attempt

    async def _post(self, delivery: WebhookDelivery) -> int:
        if self._callback is not None:
            status_code = await self._callback(delivery.body, dict(delivery.headers))
            return 200 if status_code is None else status_code
        assert self.url is not None
        async with httpx2.AsyncClient(transport=self._transport, timeout=self.timeout) as http:
            response = await http.post(self.url, content=delivery.body, headers=delivery.headers)
        return response.status_code


def _settlement_keys(records: list[InvoiceRecord]) -> list[tuple[date, str]]:
    # A settlement exists for the cycle of each settled payment, and for the cycle after each
    # chargeback, where the fake books its negative adjustment.
    keys: dict[tuple[date, str], None] = {}
    for record in records:
        if record.settlement_date is not None and record.settlement_cycle is not None:
            keys[(record.settlement_date, record.settlement_cycle)] = None
        if record.chargeback_date is not None:
            keys[next_settlement_cycle(record.chargeback_date)] = None
    return sorted(keys, key=lambda key: (key[0], int(key[1]) if key[1].isdigit() else 0, key[1]))
