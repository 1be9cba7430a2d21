"""RedisDedupStore against a real redis-server: one processing per webhook across replicas and restarts."""

from __future__ import annotations

import asyncio
import datetime
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis
import redis.asyncio
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from palomma_client.webhooks import (
    DEFAULT_DEDUP_TTL,
    DedupStore,
    DedupStoreError,
    DuplicateWebhookError,
    MissingDependencyError,
    RedisDedupStore,
    WebhookArgumentError,
    WebhookError,
    WebhookEvent,
    WebhookReceiver,
)
from tests.webhooks.conftest import RedisServer
from tests.webhooks.support import SECRET, WEBHOOK_ID, at_now, invoice_delivery


class Replica:
    """One process of a service behind a load balancer: its own Redis connection, store and receiver."""

    def __init__(self, server: RedisServer, **store_options: Any) -> None:
        self.redis = server.client()
        self.store = RedisDedupStore(self.redis, **store_options)
        self.receiver = WebhookReceiver(SECRET, dedup_store=self.store, clock=at_now)
        self.processed: list[str] = []
        self.failures: list[Exception] = []

    async def handle(self, event: WebhookEvent) -> None:
        await asyncio.sleep(0)  # the handler awaits its database while other deliveries arrive
        if self.failures:
            raise self.failures.pop()
        self.processed.append(event.webhook_id)

    async def deliver(self, body: bytes, headers: dict[str, str]) -> int:
        """Answer a delivery as a web route would: 200, or 500 when processing failed."""
        try:
            await self.receiver.process(body, headers, self.handle)
        except DuplicateWebhookError:
            return 200
        except RuntimeError:
            return 500
        return 200


@pytest.fixture
async def replicas(redis_server: RedisServer, redis_client: redis.asyncio.Redis) -> AsyncIterator[list[Replica]]:
    """Two replicas sharing the test's (empty) Redis."""
    started = [Replica(redis_server), Replica(redis_server)]
    yield started
    for replica in started:
        await replica.redis.aclose()


async def test_replicas_given_the_same_delivery_at_once_process_it_exactly_once(replicas: list[Replica]) -> None:
    body, headers = invoice_delivery()

    statuses = await asyncio.gather(*(replica.deliver(body, headers) for replica in replicas * 10))

    assert statuses == [200] * 20
    assert sorted(webhook_id for replica in replicas for webhook_id in replica.processed) == [WEBHOOK_ID]


async def test_a_fresh_process_refuses_a_replay(redis_server: RedisServer, replicas: list[Replica]) -> None:
    body, headers = invoice_delivery()
    first, _ = replicas
    assert await first.deliver(body, headers) == 200

    restarted = Replica(redis_server)  # a new process: a new client and store, the same Redis
    try:
        with pytest.raises(DuplicateWebhookError):
            await restarted.receiver.verify_and_parse(body, headers)
    finally:
        await restarted.redis.aclose()
    assert first.processed == [WEBHOOK_ID]


async def test_a_failed_handler_releases_the_claim_for_the_retry_on_any_replica(replicas: list[Replica]) -> None:
    body, headers = invoice_delivery()
    first, second = replicas
    first.failures.append(RuntimeError("ledger database is down"))

    assert await first.deliver(body, headers) == 500
    assert await second.deliver(body, headers) == 200  # Palomma's retry, routed to the other replica
    assert await first.deliver(body, headers) == 200  # and a later one is a duplicate again

    assert (first.processed, second.processed) == ([], [WEBHOOK_ID])


async def test_the_claim_is_one_key_that_expires_after_seven_days(redis_client: redis.asyncio.Redis) -> None:
    store = RedisDedupStore(redis_client)

    assert await store.mark_seen(WEBHOOK_ID)
    assert not await store.mark_seen(WEBHOOK_ID)

    assert store.ttl == DEFAULT_DEDUP_TTL == datetime.timedelta(days=7)
    assert store.key(WEBHOOK_ID) == f"palomma:webhook:{WEBHOOK_ID}"
    assert await redis_client.keys("*") == [f"palomma:webhook:{WEBHOOK_ID}".encode()]
    remaining = await redis_client.ttl(store.key(WEBHOOK_ID))
    assert 7 * 86_400 - 60 < remaining <= 7 * 86_400


async def test_the_key_prefix_and_ttl_are_configurable(redis_client: redis.asyncio.Redis) -> None:
    store = RedisDedupStore(redis_client, ttl=3 * 86_400 + 300.5, key_prefix="rent-service:palomma:")

    assert await store.mark_seen("wh_1")

    assert await redis_client.keys("*") == [b"rent-service:palomma:wh_1"]
    assert await redis_client.ttl("rent-service:palomma:wh_1") == 3 * 86_400 + 301, "rounded up to whole seconds"
    assert repr(store) == "RedisDedupStore(ttl=259501, key_prefix='rent-service:palomma:')"


async def test_forget_deletes_the_claim_and_forgetting_an_unknown_id_does_nothing(
    redis_client: redis.asyncio.Redis,
) -> None:
    store = RedisDedupStore(redis_client)
    assert isinstance(store, DedupStore)
    await store.mark_seen("wh_1")

    await store.forget("wh_1")
    await store.forget("never-seen")

    assert await redis_client.keys("*") == []
    assert await store.mark_seen("wh_1")


async def test_a_store_remembering_less_than_the_accepted_age_is_refused(redis_client: redis.asyncio.Redis) -> None:
    with pytest.raises(WebhookArgumentError, match="less than max_age"):
        WebhookReceiver(SECRET, dedup_store=RedisDedupStore(redis_client, ttl=datetime.timedelta(days=2)))


# --------------------------------------------------------------------------- without a Redis to talk to


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_an_unreachable_redis_is_a_dedup_store_error_and_nothing_is_processed() -> None:
    # Without retries: redis-py's default backoff would only make the test wait.
    client = redis.asyncio.Redis(host="127.0.0.1", port=_closed_port(), retry=Retry(NoBackoff(), 0))
    receiver = WebhookReceiver(SECRET, dedup_store=RedisDedupStore(client), clock=at_now)
    body, headers = invoice_delivery()
    handled: list[WebhookEvent] = []

    async def handle(event: WebhookEvent) -> None:
        handled.append(event)

    try:
        with pytest.raises(DedupStoreError, match=f"could not claim webhook '{WEBHOOK_ID}' in Redis") as caught:
            await receiver.process(body, headers, handle)
        with pytest.raises(DedupStoreError, match="could not release"):
            await receiver.forget(WEBHOOK_ID)
    finally:
        await client.aclose()

    assert isinstance(caught.value, WebhookError)
    assert isinstance(caught.value.__cause__, redis.ConnectionError)
    assert handled == []


@pytest.mark.parametrize(
    ("client", "message"),
    [
        (redis.Redis(), "got Redis (the synchronous client: use redis.asyncio.Redis)"),
        (object(), "must be a redis.asyncio.Redis, got object"),
    ],
    ids=["synchronous-client", "not-a-client"],
)
def test_a_client_that_is_not_an_asyncio_redis_is_refused(client: Any, message: str) -> None:
    with pytest.raises(WebhookArgumentError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        RedisDedupStore(client)
    assert caught.value.parameter == "redis_client"


@pytest.mark.parametrize(("options", "parameter"), [({"ttl": 0}, "ttl"), ({"key_prefix": None}, "key_prefix")])
def test_meaningless_options_are_refused(options: dict[str, Any], parameter: str) -> None:
    with pytest.raises(WebhookArgumentError) as caught:
        RedisDedupStore(redis.asyncio.Redis(), **options)
    assert caught.value.parameter == parameter


def test_without_the_redis_package_the_store_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)

    with pytest.raises(MissingDependencyError) as caught:
        RedisDedupStore(object())  # type: ignore[arg-type]

    assert str(caught.value) == "RedisDedupStore needs the 'redis' package: pip install 'palomma-client[redis]'"
    assert (caught.value.package, caught.value.extra) == ("redis", "redis")
    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, WebhookError)


def test_the_sdk_imports_and_receives_without_the_redis_package() -> None:
    program = """
import sys
sys.modules["redis"] = None  # as if not installed: any import of it fails
import palomma_client
from palomma_client.webhooks import MissingDependencyError, RedisDedupStore, WebhookReceiver
WebhookReceiver("integrity-key")
try:
    RedisDedupStore(None)
except MissingDependencyError as error:
    print(error)
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "RedisDedupStore needs the 'redis' package: pip install 'palomma-client[redis]'"
