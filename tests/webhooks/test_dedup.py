"""Deduplication in one process: retries are duplicates, even concurrent ones, and a release lets a retry in."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable
from typing import Any

import pytest

from palomma_client._http_answers import http_answer
from palomma_client.webhooks import (
    DedupStore,
    DedupStoreError,
    DuplicateWebhookError,
    InMemoryDedupStore,
    WebhookArgumentError,
    WebhookError,
    WebhookEvent,
    WebhookReceiver,
)
from tests.webhooks.support import SECRET, WEBHOOK_ID, at_now, body_of, delivery, invoice_delivery, settlement, signed


def _receiver(store: DedupStore | None = None) -> WebhookReceiver:
    return WebhookReceiver(SECRET, dedup_store=store, clock=at_now)


async def test_a_retried_delivery_is_a_duplicate() -> None:
    body, headers = invoice_delivery()
    receiver = _receiver()
    await receiver.verify_and_parse(body, headers)

    with pytest.raises(DuplicateWebhookError) as caught:
        await receiver.verify_and_parse(body, headers)

    assert caught.value.webhook_id == WEBHOOK_ID
    assert isinstance(caught.value, WebhookError)


async def test_different_webhook_ids_are_each_processed() -> None:
    receiver = _receiver()
    for webhook_id in ("wh_1", "wh_2", "wh_3"):
        body = body_of(delivery("settlement", settlement(), webhook_id=webhook_id))
        event = await receiver.verify_and_parse(body, signed(body))
        assert event.webhook_id == webhook_id


class _YieldingStore:
    """A store shaped like a network one: it awaits between reading and writing, atomically."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.lock = asyncio.Lock()

    async def mark_seen(self, webhook_id: str) -> bool:
        async with self.lock:
            await asyncio.sleep(0)  # a round trip, during which other deliveries run
            if webhook_id in self.seen:
                return False
            self.seen.add(webhook_id)
            return True

    async def forget(self, webhook_id: str) -> None:
        self.seen.discard(webhook_id)


@pytest.mark.parametrize("store_factory", [InMemoryDedupStore, _YieldingStore], ids=["in-memory", "network-like"])
async def test_concurrent_duplicate_deliveries_are_processed_once(store_factory: Callable[[], DedupStore]) -> None:
    body, headers = invoice_delivery()
    receiver = _receiver(store_factory())
    processed: list[WebhookEvent] = []

    async def deliver() -> None:
        try:
            event = await receiver.verify_and_parse(body, headers)
        except DuplicateWebhookError:
            return
        processed.append(event)

    await asyncio.gather(*(deliver() for _ in range(20)))

    assert len(processed) == 1


async def test_forget_lets_the_retry_of_a_failed_delivery_through() -> None:
    body, headers = invoice_delivery()
    receiver = _receiver()
    event = await receiver.verify_and_parse(body, headers)

    await receiver.forget(event.webhook_id)

    assert await receiver.verify_and_parse(body, headers) == event


async def test_a_custom_store_following_the_protocol_is_used() -> None:
    store = _YieldingStore()
    assert isinstance(store, DedupStore)
    body, headers = invoice_delivery()

    await _receiver(store).verify_and_parse(body, headers)

    assert store.seen == {WEBHOOK_ID}


def test_the_default_store_remembers_by_time_for_longer_than_the_accepted_age() -> None:
    receiver = WebhookReceiver(SECRET)
    store = receiver.dedup_store
    assert isinstance(store, InMemoryDedupStore)
    assert store.max_entries is None
    assert store.ttl >= receiver.max_age + receiver.max_clock_skew


async def test_an_old_delivery_replayed_after_ten_thousand_others_is_still_a_duplicate() -> None:
    """The old store kept the last 10,000 ids, so this replay, two days later, was processed again."""
    clock = [0.0]
    receiver = WebhookReceiver(SECRET, dedup_store=InMemoryDedupStore(clock=lambda: clock[0]), clock=at_now)
    body, headers = invoice_delivery()
    await receiver.verify_and_parse(body, headers)
    for number in range(10_001):
        clock[0] += 10.0
        assert await receiver.dedup_store.mark_seen(f"wh_other_{number}")
    assert clock[0] < receiver.max_age.total_seconds()

    with pytest.raises(DuplicateWebhookError):
        await receiver.verify_and_parse(body, headers)


async def test_a_full_store_refuses_new_ids_rather_than_forgetting_one_inside_its_ttl(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    store = InMemoryDedupStore(max_entries=3, ttl=60, clock=lambda: now[0])
    for webhook_id in ("wh_1", "wh_2", "wh_3"):
        assert await store.mark_seen(webhook_id)

    with pytest.raises(DedupStoreError, match="max_entries") as caught:
        await store.mark_seen("wh_4")
    assert isinstance(caught.value, WebhookError)
    assert "wh_4" in caplog.text
    assert "full" in caplog.text
    assert not await store.mark_seen("wh_1"), "the oldest id is still remembered"
    assert len(store) == 3

    now[0] = 60.0
    assert await store.mark_seen("wh_4"), "once the old ids expired there is room again"
    assert await store.mark_seen("wh_1")
    assert len(store) == 2


async def test_a_full_store_is_answered_503_so_palomma_delivers_again_later() -> None:
    store = InMemoryDedupStore(max_entries=1, clock=lambda: 0.0)
    await store.mark_seen("wh_other")
    body, headers = invoice_delivery()

    with pytest.raises(DedupStoreError) as caught:
        await _receiver(store).verify_and_parse(body, headers)

    assert http_answer(caught.value).status == 503


@pytest.mark.parametrize("ttl", [60, datetime.timedelta(minutes=1)], ids=["seconds", "timedelta"])
async def test_in_memory_store_forgets_ids_after_their_ttl(ttl: float | datetime.timedelta) -> None:
    now = [1000.0]
    store = InMemoryDedupStore(ttl=ttl, clock=lambda: now[0])
    assert await store.mark_seen("wh_1")
    now[0] += 30
    assert await store.mark_seen("wh_2")

    now[0] += 29.9
    assert not await store.mark_seen("wh_1")
    now[0] += 0.1
    assert await store.mark_seen("wh_1"), "60 seconds after it was first seen, wh_1 expired"
    assert not await store.mark_seen("wh_2")
    now[0] += 60
    assert len(store) == 0
    assert store.ttl == datetime.timedelta(minutes=1)


async def test_in_memory_store_forget_of_an_unknown_id_does_nothing() -> None:
    store = InMemoryDedupStore()
    await store.forget("never-seen")
    assert len(store) == 0


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"max_entries": 0}, "max_entries"),
        ({"max_entries": 2.5}, "max_entries"),
        ({"ttl": None}, "ttl"),
        ({"ttl": 0}, "ttl"),
        ({"ttl": -5}, "ttl"),
        ({"ttl": float("nan")}, "ttl"),
        ({"ttl": "60"}, "ttl"),
        ({"ttl": datetime.timedelta(0)}, "ttl"),
    ],
)
def test_in_memory_store_rejects_meaningless_bounds(arguments: dict[str, Any], parameter: str) -> None:
    with pytest.raises(WebhookArgumentError, match="must be") as caught:
        InMemoryDedupStore(**arguments)
    assert caught.value.parameter == parameter
    assert isinstance(caught.value, ValueError)


def test_a_store_ttl_shorter_than_the_accepted_age_is_refused() -> None:
    """Once an id is forgotten only the age check stops a replay, so the store must remember longer."""
    with pytest.raises(WebhookArgumentError, match="Lengthen the store's ttl or shorten max_age") as caught:
        WebhookReceiver(SECRET, dedup_store=InMemoryDedupStore(ttl=datetime.timedelta(days=1)))
    assert caught.value.parameter == "dedup_store"

    receiver = WebhookReceiver(
        SECRET, dedup_store=InMemoryDedupStore(ttl=datetime.timedelta(days=1)), max_age=datetime.timedelta(hours=12)
    )
    assert receiver.max_age == datetime.timedelta(hours=12)
