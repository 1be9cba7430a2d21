"""RedisDedupStore against a real redis-server: one processing per webhook across replicas and restarts."""

from __future__ import annotations

import asyncio
import datetime
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from palomma_client._http_answers import http_answer
from palomma_client.webhooks import (
    DEFAULT_DEDUP_TTL,
    DedupStore,
    DedupStoreError,
    DedupStoreLostError,
    DuplicateWebhookError,
    MissingDependencyError,
    RedisDedupStore,
    WebhookArgumentError,
    WebhookError,
    WebhookEvent,
    WebhookReceiver,
)
from tests.webhooks.conftest import RedisServer, running_redis_server
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

    async def __aenter__(self) -> Replica:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.redis.aclose()

    async def deliver(self, body: bytes, headers: dict[str, str]) -> int:
        """Answer a delivery as a web route would: 200, or 500 when processing failed."""
        try:
            await self.receiver.process(body, headers, self.handle)
        except DuplicateWebhookError:
            return 200
        except RuntimeError:
            return 500
        except DedupStoreError:
            return 503
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
    assert sorted(await redis_client.keys("*")) == [
        f"palomma:webhook:{WEBHOOK_ID}".encode(),
        b"palomma:webhook:~sentinel",
    ]
    remaining = await redis_client.ttl(store.key(WEBHOOK_ID))
    assert 7 * 86_400 - 60 < remaining <= 7 * 86_400


async def test_the_key_prefix_and_ttl_are_configurable(redis_client: redis.asyncio.Redis) -> None:
    store = RedisDedupStore(redis_client, ttl=3 * 86_400 + 300.5, key_prefix="rent-service:palomma:")

    assert await store.mark_seen("wh_1")

    assert sorted(await redis_client.keys("*")) == [b"rent-service:palomma:wh_1", b"rent-service:palomma:~sentinel"]
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

    assert await redis_client.keys("*") == [store.sentinel_key.encode()]
    assert await store.mark_seen("wh_1")


async def test_a_store_remembering_less_than_the_accepted_age_is_refused(redis_client: redis.asyncio.Redis) -> None:
    with pytest.raises(WebhookArgumentError, match="less than max_age"):
        WebhookReceiver(SECRET, dedup_store=RedisDedupStore(redis_client, ttl=datetime.timedelta(days=2)))


# --------------------------------------------------------------------------- a Redis that loses its data


async def _replays_processed(replica: Replica, deliveries: list[tuple[bytes, dict[str, str]]]) -> list[int]:
    return [await replica.deliver(body, headers) for body, headers in deliveries]


def _deliveries(count: int) -> list[tuple[bytes, dict[str, str]]]:
    return [invoice_delivery(webhook_id=f"wh_{number}") for number in range(count)]


async def test_after_flushall_replays_are_refused_with_503_not_processed(
    replicas: list[Replica], redis_client: redis.asyncio.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """A flushed Redis accepted 99 of 100 replays as new; now every one is refused until recovery."""
    first, second = replicas
    deliveries = _deliveries(100)
    assert await _replays_processed(first, deliveries[:50]) == [200] * 50
    assert await _replays_processed(second, deliveries[50:]) == [200] * 50

    await redis_client.flushall()

    for number, (body, headers) in enumerate(deliveries):
        with pytest.raises(DedupStoreLostError) as caught:
            await replicas[number % 2].receiver.verify_and_parse(body, headers)
        assert http_answer(caught.value).status == 503
    assert len(first.processed + second.processed) == 100
    assert "lost its data" in caplog.text
    assert caught.value.sentinel_key == "palomma:webhook:~sentinel"
    assert await redis_client.keys("palomma:webhook:wh_*") == [], "nothing was claimed"


async def _processed_then_flushed(replica: Replica, redis_client: redis.asyncio.Redis) -> tuple[bytes, dict[str, str]]:
    """A delivery the replica processed, before Redis lost everything."""
    body, headers = invoice_delivery()
    assert await replica.deliver(body, headers) == 200
    await redis_client.flushall()
    return body, headers


async def test_a_replica_started_after_the_loss_refuses_too(
    redis_server: RedisServer, replicas: list[Replica], redis_client: redis.asyncio.Redis
) -> None:
    first, _ = replicas
    body, headers = await _processed_then_flushed(first, redis_client)

    with pytest.raises(DedupStoreLostError):
        await first.receiver.verify_and_parse(body, headers)
    async with Replica(redis_server) as started_later:
        with pytest.raises(DedupStoreLostError) as caught:
            await started_later.receiver.verify_and_parse(body, headers)
    assert caught.value.detected_at is not None


async def test_a_replica_that_met_the_empty_redis_first_does_not_hide_the_loss_from_the_others(
    redis_server: RedisServer, replicas: list[Replica], redis_client: redis.asyncio.Redis
) -> None:
    first, _ = replicas
    body, headers = await _processed_then_flushed(first, redis_client)

    async with Replica(redis_server) as started_later:
        assert await started_later.deliver(*invoice_delivery(webhook_id="wh_new")) == 200, "it cannot know"

        with pytest.raises(DedupStoreLostError):
            await first.receiver.verify_and_parse(body, headers)
        with pytest.raises(DedupStoreLostError):
            await started_later.receiver.verify_and_parse(body, headers)


async def test_recovery_lets_deliveries_through_on_every_replica(
    replicas: list[Replica], redis_client: redis.asyncio.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = replicas
    body, headers = invoice_delivery()
    assert await first.deliver(body, headers) == 200
    assert await second.deliver(*invoice_delivery(webhook_id="wh_2")) == 200
    await redis_client.flushall()
    with pytest.raises(DedupStoreLostError):
        await first.receiver.verify_and_parse(body, headers)

    await first.store.recover_from_data_loss()

    assert await second.deliver(body, headers) == 200
    assert await first.deliver(body, headers) == 200
    assert (first.processed, second.processed) == ([WEBHOOK_ID], ["wh_2", WEBHOOK_ID])
    assert "recovered after a data loss" in caplog.text


async def test_a_restart_without_persistence_is_detected(tmp_path: Path) -> None:
    """A Redis restarted without persistence accepted 99 of 100 replays; now none is processed."""
    deliveries = _deliveries(100)
    with running_redis_server(tmp_path) as server:
        replica = Replica(server)
        assert await _replays_processed(replica, deliveries) == [200] * 100
    # The same address and the same client, which reconnects to an empty server: a pod rescheduled
    # without a volume.
    try:
        with running_redis_server(tmp_path, server.port):
            refusals = []
            for body, headers in deliveries:
                with pytest.raises(DedupStoreError) as caught:
                    await replica.receiver.process(body, headers, replica.handle)
                refusals.append(type(caught.value))
    finally:
        await replica.redis.aclose()
    assert set(refusals) == {DedupStoreLostError}
    assert len(replica.processed) == 100


async def test_a_restart_with_an_append_only_file_keeps_every_claim(tmp_path: Path) -> None:
    deliveries = _deliveries(100)
    with running_redis_server(tmp_path, persistent=True) as server:
        replica = Replica(server)
        assert await _replays_processed(replica, deliveries) == [200] * 100
        await replica.redis.aclose()
    with running_redis_server(tmp_path, server.port, persistent=True):
        restarted = Replica(server)
        try:
            statuses = await _replays_processed(restarted, deliveries)
        finally:
            await restarted.redis.aclose()
    assert statuses == [200] * 100
    assert restarted.processed == [], "every replay was a duplicate"


# --------------------------------------------------------------------------- without a Redis to talk to


async def test_an_unreachable_redis_is_a_dedup_store_error_and_nothing_is_processed(refused_port: int) -> None:
    # Without retries: redis-py's default backoff would only make the test wait.
    client = redis.asyncio.Redis(host="127.0.0.1", port=refused_port, retry=Retry(NoBackoff(), 0))
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


class _SentinelReadHeldBack(redis.asyncio.Redis):
    """A client whose first read of the sentinel returns, then waits until the test lets it go on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_read_done = asyncio.Event()
        self.release = asyncio.Event()

    async def get(self, name: Any) -> Any:
        value = await super().get(name)
        if str(name).endswith("~sentinel") and not self.first_read_done.is_set():
            self.first_read_done.set()
            await self.release.wait()
        return value


async def test_two_first_claims_at_once_in_one_process_are_no_data_loss(
    redis_server: RedisServer, redis_client: redis.asyncio.Redis
) -> None:
    client = _SentinelReadHeldBack(host=redis_server.host, port=redis_server.port)
    store = RedisDedupStore(client)
    try:
        # The first claim reads no sentinel; the second writes it before the first goes on.
        first = asyncio.create_task(store.mark_seen("01FIRST"))
        await client.first_read_done.wait()
        assert await store.mark_seen("01SECOND")
        client.release.set()

        assert await first
        assert await store.mark_seen("01THIRD")
    finally:
        await client.aclose()
