"""The fake's webhooks: signed, one per final status, retried with the same webhookId, replayable."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from palomma_client.testing import FakePalomma, FakeWebhooks, WebhookDelivery
from palomma_client.webhooks import (
    ENCODED_DATA_HEADER,
    SIGNATURE_HEADER,
    InvoiceEvent,
    SettlementEvent,
    WebhookReceiver,
    parse_event,
)
from tests.spec_calls import field, is_member
from tests.support import seeded_invoice
from tests.testing.support import needs

SECRET = "integrity-key-for-tests"


class Inbox:
    """An async webhook callback that records deliveries and answers with a chosen status."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, dict[str, str]]] = []
        self.answers: list[int | Exception] = []

    async def __call__(self, body: bytes, headers: Mapping[str, str]) -> int | None:
        self.received.append((body, dict(headers)))
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return None


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def webhooks(fake: FakePalomma, inbox: Inbox) -> FakeWebhooks:
    return fake.enable_webhooks(SECRET, callback=inbox)


def types_and_statuses(deliveries: list[WebhookDelivery]) -> list[tuple[str, str]]:
    return [(delivery.type, delivery.status) for delivery in deliveries]


async def test_a_paid_invoice_is_delivered_signed_and_parses_as_an_invoice_event(
    fake: FakePalomma, webhooks: FakeWebhooks, inbox: Inbox
) -> None:
    invoice = seeded_invoice(fake, reference="RENT-1")
    assert webhooks.pending == []
    fake.pay(invoice["id"])

    [attempt] = await webhooks.deliver()

    assert attempt.acknowledged
    [(body, headers)] = inbox.received
    assert headers["Content-Type"] == "application/json"
    assert set(headers) == {"Content-Type", ENCODED_DATA_HEADER, SIGNATURE_HEADER}
    event = await WebhookReceiver(SECRET, clock=fake.clock.now).verify_and_parse(body, headers)
    assert isinstance(event, InvoiceEvent)
    assert event.webhook_id == attempt.delivery.webhook_id
    assert field(event.data, "reference") == "RENT-1"
    assert is_member(field(event.data, "status"), "paid")
    assert event.raw_timestamp == "2026-03-11T16:32:14.007Z"
    assert webhooks.pending == []


async def test_each_final_invoice_status_is_announced_once(fake: FakePalomma, webhooks: FakeWebhooks) -> None:
    cancelled, expired, charged_back = (seeded_invoice(fake) for _ in range(3))
    fake.cancel(cancelled["id"])
    fake.expire(expired["id"])
    fake.pay(charged_back["id"])
    fake.chargeback(charged_back["id"])

    await webhooks.deliver()
    await webhooks.deliver()

    invoice_webhooks = [delivery for delivery in webhooks.sent if delivery.type == "invoice"]
    assert [(delivery.resource_id, delivery.status) for delivery in invoice_webhooks] == [
        (cancelled["id"], "cancelled"),
        (expired["id"], "cancelled"),
        (charged_back["id"], "paid"),
        (charged_back["id"], "chargeback"),
    ]
    assert len({delivery.webhook_id for delivery in webhooks.sent}) == len(webhooks.sent)


async def test_changes_made_by_the_clock_are_announced_at_delivery(
    fake: FakePalomma, webhooks: FakeWebhooks, inbox: Inbox
) -> None:
    needs("invoice", "status", "cancelled")
    needs("settlement", "status", "paid")
    expiring = seeded_invoice(fake)
    paid = seeded_invoice(fake)
    fake.start_payment(paid["id"])
    fake.pay(paid["id"])
    assert types_and_statuses(webhooks.pending) == [("invoice", "paid")]

    fake.clock.advance(timedelta(hours=2))  # past expiry, and past the 13:00 cycle in Colombia
    await webhooks.deliver()

    assert types_and_statuses(webhooks.sent) == [("invoice", "paid"), ("invoice", "cancelled"), ("settlement", "paid")]
    assert webhooks.sent[1].resource_id == expiring["id"]
    settlement_event = parse_event(inbox.received[2][0])
    assert isinstance(settlement_event, SettlementEvent)
    assert is_member(field(settlement_event.data, "status"), "paid")
    assert (field(settlement_event.data, "date"), field(settlement_event.data, "cycle")) == ("2026-03-11", "13")
    assert settlement_event.data.to_dict() == fake.settlement("2026-03-11", "13")


async def test_a_settlement_pinned_as_paid_is_announced(fake: FakePalomma, webhooks: FakeWebhooks) -> None:
    needs("settlement", "status", "error", "paid")
    fake.pay(seeded_invoice(fake)["id"])
    fake.set_settlement_status("2026-03-11", "13", "error")
    assert types_and_statuses(webhooks.pending) == [("invoice", "paid")]

    fake.set_settlement_status("2026-03-11", "13", "paid")

    assert types_and_statuses(webhooks.pending) == [("invoice", "paid"), ("settlement", "paid")]
    assert webhooks.pending[1].resource_id == "2026-03-11/13"


async def test_a_failed_delivery_is_retried_with_the_same_webhook_id_and_body(
    fake: FakePalomma, webhooks: FakeWebhooks, inbox: Inbox
) -> None:
    fake.pay(seeded_invoice(fake)["id"])
    inbox.answers = [500, ConnectionResetError("receiver crashed"), 200]

    first = await webhooks.deliver()
    second = await webhooks.deliver()
    third = await webhooks.deliver()
    fourth = await webhooks.deliver()

    assert (first[0].status_code, first[0].acknowledged) == (500, False)
    assert (second[0].status_code, second[0].error) == (None, "ConnectionResetError: receiver crashed")
    assert third[0].acknowledged
    assert fourth == []
    bodies = {body for body, _ in inbox.received}
    signatures = {headers[SIGNATURE_HEADER] for _, headers in inbox.received}
    assert (len(inbox.received), len(bodies), len(signatures)) == (3, 1, 1)
    assert len(webhooks.attempts) == 3


async def test_a_receiver_that_does_not_answer_in_time_counts_as_failed(fake: FakePalomma) -> None:
    never = asyncio.Event()

    async def hangs(body: bytes, headers: Mapping[str, str]) -> int:
        await never.wait()
        return 200

    webhooks = fake.enable_webhooks(SECRET, callback=hangs, timeout=0)
    fake.pay(seeded_invoice(fake)["id"])

    [attempt] = await webhooks.deliver()

    assert attempt.status_code is None
    assert attempt.error == "no answer within 0 s"
    assert len(webhooks.pending) == 1


async def test_redeliver_replays_a_webhook_byte_for_byte(
    fake: FakePalomma, webhooks: FakeWebhooks, inbox: Inbox
) -> None:
    fake.pay(seeded_invoice(fake)["id"])
    [first] = await webhooks.deliver()

    replay = await webhooks.redeliver(first.delivery.webhook_id)

    assert replay.replay
    assert replay.acknowledged
    assert inbox.received[0] == inbox.received[1]
    with pytest.raises(KeyError, match="wh_unknown"):
        await webhooks.redeliver("wh_unknown")


async def test_deliveries_to_a_url_are_posted(fake: FakePalomma) -> None:
    posted: list[tuple[str, bytes, str | None]] = []

    async def receive(request: Request) -> Response:
        posted.append((request.url.path, await request.body(), request.headers.get(SIGNATURE_HEADER)))
        return Response(status_code=200)

    receiver = Starlette(routes=[Route("/palomma/webhooks", receive, methods=["POST"])])
    webhooks = fake.enable_webhooks(
        SECRET, url="http://merchant.test/palomma/webhooks", transport=httpx2.ASGITransport(app=receiver)
    )
    fake.cancel(seeded_invoice(fake)["id"])

    [attempt] = await webhooks.deliver()

    assert attempt.acknowledged
    [(path, body, signature)] = posted
    assert path == "/palomma/webhooks"
    assert body == attempt.delivery.body
    assert signature == attempt.delivery.headers[SIGNATURE_HEADER]
    WebhookReceiver(SECRET).verify(body, {SIGNATURE_HEADER: signature or ""})


async def test_only_changes_after_enabling_are_announced(fake: FakePalomma, inbox: Inbox) -> None:
    fake.pay(seeded_invoice(fake)["id"])
    webhooks = fake.enable_webhooks(SECRET, callback=inbox)
    later = seeded_invoice(fake)
    fake.cancel(later["id"])

    await webhooks.deliver()

    assert [(delivery.resource_id, delivery.status) for delivery in webhooks.sent] == [(later["id"], "cancelled")]


def test_reset_forgets_webhooks(fake: FakePalomma, webhooks: FakeWebhooks) -> None:
    fake.pay(seeded_invoice(fake)["id"])
    fake.reset()
    assert (webhooks.pending, webhooks.sent, webhooks.attempts) == ([], [], [])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "exactly one of url and callback"),
        ({"url": "http://a.test/", "callback": Inbox()}, "exactly one of url and callback"),
        ({"callback": Inbox(), "transport": httpx2.MockTransport(lambda _: httpx2.Response(200))}, "only applies"),
    ],
)
def test_a_target_is_required(fake: FakePalomma, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fake.enable_webhooks(SECRET, **options)  # type: ignore[arg-type]


def test_the_secret_is_required_and_never_shown(fake: FakePalomma, webhooks: FakeWebhooks) -> None:
    with pytest.raises(ValueError, match="integrity key"):
        fake.enable_webhooks("", callback=Inbox())
    assert SECRET not in repr(webhooks)
    assert "secret=<hidden>" in repr(webhooks)
