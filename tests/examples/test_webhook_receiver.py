"""examples/webhook_receiver.py, end to end: the fake API signs and delivers, the FastAPI receiver processes."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from palomma_client import PalommaClient
from palomma_client.testing import FakePalomma, FakeWebhooks
from palomma_client.webhooks import SIGNATURE_HEADER, WebhookEvent, sign_delivery
from tests.examples.conftest import load_example, skip_wait
from tests.spec_calls import call_of, field, is_member
from tests.support import seeded_invoice

webhook_receiver = load_example("webhook_receiver")

SECRET = "whsec_integrity_key_for_tests"
URL = "http://merchant.test" + webhook_receiver.WEBHOOK_PATH


@pytest.fixture
async def app(palomma_fake: FakePalomma) -> AsyncIterator[FastAPI]:
    """The receiver, its lifespan running, reconciling settlements through a client on the fake."""
    app: FastAPI = webhook_receiver.create_app(SECRET, client_factory=lambda: palomma_fake.client(sleep=skip_wait))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def webhooks(palomma_fake: FakePalomma, app: FastAPI) -> FakeWebhooks:
    """The fake's deliveries, posted to the receiver in process."""
    return palomma_fake.enable_webhooks(SECRET, url=URL, transport=httpx2.ASGITransport(app=app))


@pytest.fixture
async def palomma(palomma_fake: FakePalomma) -> AsyncIterator[PalommaClient]:
    async with palomma_fake.client(sleep=skip_wait) as client:
        yield client


async def bill(palomma: PalommaClient, reference: str, amount: int = 1_850_000) -> str:
    create = call_of(
        "createInvoice",
        reference=reference,
        amount=amount,
        description="Canon de arrendamiento marzo 2026",
        redirect_url="https://merchant.example.com/payments/return",
        customer_document_number="900123456",
    )
    invoice_id: str = field(await create(palomma), "id")
    return invoice_id


def ledger_key(palomma_fake: FakePalomma, invoice_id: str) -> str:
    """What the ledger keys an invoice by: its reference as the API holds it, or its id without one."""
    [stored] = [invoice for invoice in palomma_fake.invoices() if invoice["id"] == invoice_id]
    key: str = stored.get("reference", invoice_id)
    return key


async def test_a_paid_invoice_is_acknowledged_and_recorded(
    palomma_fake: FakePalomma, webhooks: FakeWebhooks, app: FastAPI, palomma: PalommaClient
) -> None:
    paid = await bill(palomma, "RENT-2026-03-001")
    cancelled = await bill(palomma, "RENT-2026-03-002")
    palomma_fake.pay(paid)
    palomma_fake.cancel(cancelled)

    attempts = await webhooks.deliver()

    assert [attempt.status_code for attempt in attempts] == [200, 200]
    assert webhooks.pending == []
    ledger = app.state.ledger
    expected = {ledger_key(palomma_fake, paid): "paid", ledger_key(palomma_fake, cancelled): "cancelled"}
    assert ledger.invoice_statuses == expected
    assert all(is_member(ledger.invoice_statuses[key], status) for key, status in expected.items())
    assert ledger.processed == [attempt.delivery.webhook_id for attempt in attempts]


async def test_a_replayed_delivery_is_acknowledged_but_processed_once(
    palomma_fake: FakePalomma, webhooks: FakeWebhooks, app: FastAPI, palomma: PalommaClient
) -> None:
    palomma_fake.pay(await bill(palomma, "RENT-2026-03-001"))
    [first] = await webhooks.deliver()

    replay = await webhooks.redeliver(first.delivery.webhook_id)
    again = await webhooks.redeliver(first.delivery.webhook_id)

    assert (first.status_code, replay.status_code, again.status_code) == (200, 200, 200)
    assert app.state.ledger.processed == [first.delivery.webhook_id]


async def test_a_bad_signature_is_rejected_and_nothing_is_processed(
    palomma_fake: FakePalomma, app: FastAPI, palomma: PalommaClient
) -> None:
    impostor = palomma_fake.enable_webhooks("not-the-merchants-key", url=URL, transport=httpx2.ASGITransport(app=app))
    palomma_fake.pay(await bill(palomma, "RENT-2026-03-001"))

    [attempt] = await impostor.deliver()

    assert attempt.status_code == 401
    assert impostor.pending == [attempt.delivery]  # not acknowledged: a real sender would retry
    assert app.state.ledger.processed == []
    assert app.state.ledger.invoice_statuses == {}


async def test_a_tampered_body_or_a_missing_signature_is_rejected(
    palomma_fake: FakePalomma, webhooks: FakeWebhooks, app: FastAPI, palomma: PalommaClient
) -> None:
    palomma_fake.pay(await bill(palomma, "RENT-2026-03-001", amount=1_850_000))
    [delivery] = webhooks.pending
    tampered = delivery.body.replace(b"1850000", b"1")
    headers = {name: value for name, value in delivery.headers.items() if name != SIGNATURE_HEADER}

    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as http:
        forged = await http.post(URL, content=tampered, headers=delivery.headers)
        unsigned = await http.post(URL, content=delivery.body, headers=headers)

    assert (forged.status_code, forged.json()) == (401, {"error": "invalid signature"})
    assert unsigned.status_code == 401
    assert app.state.ledger.processed == []
    # The genuine delivery still goes through afterwards: rejections claim no webhookId.
    assert [attempt.status_code for attempt in await webhooks.deliver()] == [200]


async def test_a_signed_body_that_is_not_a_delivery_is_answered_400(app: FastAPI) -> None:
    body = json.dumps({"webhookId": "wh_1", "type": "invoice"}).encode()

    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as http:
        response = await http.post(URL, content=body, headers=sign_delivery(body, SECRET))

    assert (response.status_code, response.json()) == (400, {"error": "invalid payload"})
    assert app.state.ledger.processed == []


async def test_a_paid_settlement_is_reconciled_through_the_api(
    palomma_fake: FakePalomma, webhooks: FakeWebhooks, app: FastAPI, palomma: PalommaClient
) -> None:
    invoice_ids = [await bill(palomma, f"RENT-2026-03-{number:03d}") for number in (1, 2)]
    paid = [palomma_fake.pay(invoice_id) for invoice_id in invoice_ids]
    date, cycle = paid[0]["settlementDate"], paid[0]["settlementTime"]
    palomma_fake.set_settlement_status(date, cycle, "paid")

    attempts = await webhooks.deliver()

    assert [attempt.delivery.type for attempt in attempts] == ["invoice", "invoice", "settlement"]
    assert all(attempt.acknowledged for attempt in attempts)
    report = app.state.ledger.reconciliations[(date, cycle)]
    assert report.balanced
    assert report.invoice_count == 2


async def test_the_200_is_sent_before_the_event_is_processed(palomma_fake: FakePalomma) -> None:
    release = asyncio.Event()

    class SlowLedger(webhook_receiver.RentLedger):  # type: ignore[misc,name-defined]
        async def handle(self, event: WebhookEvent, palomma: PalommaClient | None) -> None:
            await release.wait()
            await super().handle(event, palomma)

    ledger = SlowLedger()
    app = webhook_receiver.create_app(SECRET, ledger=ledger)
    sent: list[dict[str, Any]] = []
    responded = asyncio.Event()

    async def capture(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            responded.set()

    async def deliver(body: bytes, headers: Mapping[str, str]) -> int:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": webhook_receiver.WEBHOOK_PATH,
            "raw_path": webhook_receiver.WEBHOOK_PATH.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("merchant.test", 80),
        }
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            await asyncio.Event().wait()  # no disconnect while the app is running
            raise AssertionError("unreachable")

        async with app.router.lifespan_context(app):
            call = asyncio.create_task(app(scope, receive, capture))
            await responded.wait()
            assert ledger.processed == []  # answered, still processing
            release.set()
            await call
        return int(sent[0]["status"])

    webhooks = palomma_fake.enable_webhooks(SECRET, callback=deliver)
    palomma_fake.cancel(seeded_invoice(palomma_fake, reference="RENT-1")["id"])

    [attempt] = await webhooks.deliver()

    assert attempt.status_code == 200
    assert len(ledger.processed) == 1


async def test_a_processing_failure_is_logged_and_a_replay_is_processed(
    palomma_fake: FakePalomma, caplog: pytest.LogCaptureFixture
) -> None:
    failures = [RuntimeError("ledger database is down")]

    class FlakyLedger(webhook_receiver.RentLedger):  # type: ignore[misc,name-defined]
        async def handle(self, event: WebhookEvent, palomma: PalommaClient | None) -> None:
            if failures:
                raise failures.pop()
            await super().handle(event, palomma)

    ledger = FlakyLedger()
    app = webhook_receiver.create_app(SECRET, ledger=ledger)
    webhooks = palomma_fake.enable_webhooks(SECRET, url=URL, transport=httpx2.ASGITransport(app=app))
    palomma_fake.cancel(seeded_invoice(palomma_fake, reference="RENT-1")["id"])

    with caplog.at_level(logging.ERROR):
        [first] = await webhooks.deliver()
    replay = await webhooks.redeliver(first.delivery.webhook_id)

    assert (first.status_code, replay.status_code) == (200, 200)
    assert "processing webhook" in caplog.text
    assert "ledger database is down" in caplog.text
    assert ledger.processed == [first.delivery.webhook_id]
    assert SECRET not in caplog.text


def test_the_integrity_key_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PALOMMA_INTEGRITY_KEY", raising=False)
    with pytest.raises(RuntimeError, match="PALOMMA_INTEGRITY_KEY"):
        webhook_receiver.create_app()
    monkeypatch.setenv("PALOMMA_INTEGRITY_KEY", SECRET)
    assert isinstance(webhook_receiver.create_app(), FastAPI)
