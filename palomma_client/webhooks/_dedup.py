"""Where received ``webhookId`` values are remembered, so each webhook is processed once.

`InMemoryDedupStore` serves one process. Behind several workers or hosts, each
can receive a retry of the same webhook, so they need one shared memory:
`RedisDedupStore`, or any object with the two methods of `DedupStore`.
"""

from __future__ import annotations

import collections
import datetime
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from palomma_client._constants import LOGGER_NAME
from palomma_client.webhooks._constants import (
    DEFAULT_DEDUP_TTL,
    DEFAULT_REDIS_KEY_PREFIX,
)
from palomma_client.webhooks._durations import Duration, to_timedelta
from palomma_client.webhooks._errors import (
    DedupStoreError,
    DedupStoreLostError,
    MissingDependencyError,
    WebhookArgumentError,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis, RedisCluster

__all__ = ["DedupStore", "InMemoryDedupStore", "RedisDedupStore"]

logger = logging.getLogger(LOGGER_NAME)

_SENTINEL_SUFFIX = "~sentinel"
# The sentinel's value says what state the store is in, for every replica and for an operator reading it.
_SENTINEL_NEW = "in use since "
_SENTINEL_RECOVERED = "recovered from a data loss at "
_SENTINEL_LOST = "lost its data at "


@runtime_checkable
class DedupStore(Protocol):
    """Remembers which ``webhookId`` values were received, so each is processed once.

    ``mark_seen`` must be atomic: of two concurrent calls with the same id,
    even from different processes, exactly one may return True. With Redis,
    ``SET key value NX`` gives that (see `RedisDedupStore`); with a database,
    an insert under a unique constraint on the id.

    A store may also have a ``ttl`` attribute, a `datetime.timedelta` saying
    how long it remembers an id; `WebhookReceiver` then refuses a ``max_age``
    longer than it, which would let a replay through once the id is forgotten.
    """

    async def mark_seen(self, webhook_id: str) -> bool:
        """Claim the id, atomically.

        Args:
            webhook_id: The delivery's ``webhookId``.

        Returns:
            True the first time the id is seen, False for every later call.
        """
        ...

    async def forget(self, webhook_id: str) -> None:
        """Release the id, so that its next delivery counts as the first.

        Called when processing a delivery failed, so Palomma's retry is not
        dropped as a duplicate. Forgetting an unknown id does nothing.

        Args:
            webhook_id: The delivery's ``webhookId``.
        """
        ...


class InMemoryDedupStore:
    """A `DedupStore` in this process's memory that remembers each id for ``ttl``, by time.

    An id is forgotten only once ``ttl`` has passed since it was first seen
    (7 days by default, longer than the receiver's ``max_age`` of 3 days plus
    its clock skew), never to make room: a store that dropped ids by count
    would let an old delivery replayed after enough others be processed again.
    Memory therefore grows with the traffic of one ``ttl``: about 200 bytes
    per id, so 100,000 webhooks a week hold about 20 MB.

    ``max_entries`` caps that memory. A full store does not forget an id
    early; it refuses new claims with `DedupStoreError` (answered 503, so
    Palomma delivers again later, once older ids have expired) and logs an
    error. It is safe to share between event loops and threads of one
    process, but not between processes: behind several workers, use
    `RedisDedupStore`.

    Args:
        max_entries: How many ids to hold at most; None (the default) for no cap.
        ttl: How long an id is remembered after it was first seen (a
            `datetime.timedelta`, or seconds).
        clock: Monotonic time in seconds; replaceable in tests.

    Raises:
        WebhookArgumentError: ``max_entries`` is below 1, or ``ttl`` is not a positive duration.
    """

    def __init__(
        self,
        max_entries: int | None = None,
        *,
        ttl: Duration = DEFAULT_DEDUP_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries is not None and (
            isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1
        ):
            raise WebhookArgumentError(
                "max_entries", f"must be None or a whole number of at least 1, got {max_entries!r}"
            )
        if ttl is None:
            raise WebhookArgumentError(
                "ttl", "must be a positive duration: ids are forgotten by time, never to make room"
            )
        self._max_entries = max_entries
        self._ttl = to_timedelta(ttl, "ttl")
        self._ttl_seconds = self._ttl.total_seconds()
        self._clock = clock
        self._first_seen: collections.OrderedDict[str, float] = collections.OrderedDict()
        # No await happens inside mark_seen, so one event loop is already atomic;
        # the lock covers callers on other threads.
        self._lock = threading.Lock()

    @property
    def ttl(self) -> datetime.timedelta:
        """How long an id is remembered after it was first seen."""
        return self._ttl

    @property
    def max_entries(self) -> int | None:
        """How many ids the store holds at most; None for no cap."""
        return self._max_entries

    async def mark_seen(self, webhook_id: str) -> bool:
        """Claim the id.

        Args:
            webhook_id: The delivery's ``webhookId``.

        Returns:
            True the first time the id is seen (or once ``ttl`` has passed
            since), False while it is remembered.

        Raises:
            DedupStoreError: The store holds ``max_entries`` ids, none of them
                expired; nothing was claimed (answer 503).
        """
        with self._lock:
            now = self._clock()
            self._drop_expired(now)
            if webhook_id in self._first_seen:
                return False
            if self._max_entries is not None and len(self._first_seen) >= self._max_entries:
                logger.error(
                    "The in-memory webhook dedup store is full (%d ids seen within %s): refusing webhook %r "
                    "so that Palomma delivers it again once older ids expire",
                    self._max_entries,
                    self._ttl,
                    webhook_id,
                )
                raise DedupStoreError(
                    f"could not claim webhook {webhook_id!r}: the in-memory store already holds its "
                    f"max_entries ({self._max_entries}) ids seen within its ttl ({self._ttl}), and forgetting "
                    "one early would let its replay through"
                )
            self._first_seen[webhook_id] = now
            return True

    async def forget(self, webhook_id: str) -> None:
        """Release the id, so that its next delivery counts as the first.

        Args:
            webhook_id: The delivery's ``webhookId``.
        """
        with self._lock:
            self._first_seen.pop(webhook_id, None)

    def __len__(self) -> int:
        with self._lock:
            self._drop_expired(self._clock())
            return len(self._first_seen)

    def __repr__(self) -> str:
        return f"InMemoryDedupStore(max_entries={self._max_entries}, ttl={self._ttl_seconds:g})"

    def _drop_expired(self, now: float) -> None:
        # Insertion order is first-seen order, so expired ids are all at the front.
        while self._first_seen:
            oldest_id, first_seen = next(iter(self._first_seen.items()))
            if now - first_seen < self._ttl_seconds:
                break
            del self._first_seen[oldest_id]


class RedisDedupStore:
    """A `DedupStore` in Redis, shared by every process and host that receives webhooks.

    Each ``webhookId`` is claimed with one atomic command,
    ``SET <key_prefix><webhookId> <time of the claim> NX EX <ttl>``: of any
    number of concurrent deliveries, on any number of replicas, exactly one
    creates the key and processes the event. A new process, or a restarted
    one, sees the claims of every other.

    ``forget`` deletes the key, so Palomma's retry of a delivery whose
    processing failed is processed rather than dropped. A process that dies
    while processing (killed, out of memory) cannot release its claim: the
    retries of that one webhook are then acknowledged as duplicates until the
    key expires. Delete the key by hand, or with ``forget``, to have it
    processed; a service that must never lose an event writes it to a durable
    queue before answering 200.

    **A Redis that loses its data** (restarted without persistence, flushed)
    would forget every claim and let replays through silently. The store
    writes a sentinel key, ``<key_prefix>~sentinel``, when it is first used,
    and checks it before each claim. Once the sentinel is gone, written anew
    by a process that met an empty Redis, or marked lost by another replica,
    every claim raises `DedupStoreLostError`
    (answer 503: Palomma delivers again later) and the loss is recorded in
    Redis, so replicas started afterwards refuse too, until
    `recover_from_data_loss` is called. A process whose first use meets an
    already empty Redis cannot tell it from a new one; the replicas that were
    running are what notice the loss. Run Redis with persistence (see the
    docs' webhooks page) so that none of this happens.

    Needs the ``redis`` extra: ``pip install 'palomma-client[redis]'``.

    Args:
        redis_client: A ``redis.asyncio.Redis`` (or ``redis.asyncio.RedisCluster``). The store
            does not close it.
        ttl: How long a claim lasts (a `datetime.timedelta`, or seconds; whole
            seconds, rounded up). The default, 7 days, outlasts the receiver's
            default ``max_age`` of 3 days, so an id is never forgotten while a
            delivery carrying it can still be accepted.
        key_prefix: Put before each ``webhookId`` to make its key.

    Raises:
        MissingDependencyError: The ``redis`` package is not installed.
        WebhookArgumentError: ``redis_client`` is not an asyncio Redis client,
            ``ttl`` is not positive, or ``key_prefix`` is not a string.
    """

    def __init__(
        self,
        redis_client: Redis | RedisCluster,
        *,
        ttl: Duration = DEFAULT_DEDUP_TTL,
        key_prefix: str = DEFAULT_REDIS_KEY_PREFIX,
    ) -> None:
        try:
            import redis
            import redis.asyncio
        except ImportError as error:
            raise MissingDependencyError("redis", "redis", "RedisDedupStore") from error
        if not isinstance(redis_client, redis.asyncio.Redis | redis.asyncio.RedisCluster):
            hint = " (the synchronous client: use redis.asyncio.Redis)" if isinstance(redis_client, redis.Redis) else ""
            raise WebhookArgumentError(
                "redis_client", f"must be a redis.asyncio.Redis, got {type(redis_client).__qualname__}{hint}"
            )
        if not isinstance(key_prefix, str):
            raise WebhookArgumentError("key_prefix", f"must be a string, got {type(key_prefix).__name__}")
        self._redis = redis_client
        self._ttl = to_timedelta(ttl, "ttl")
        # EX takes whole seconds; rounding up keeps a claim at least as long as asked.
        self._ttl_seconds = math.ceil(self._ttl.total_seconds())
        self._key_prefix = key_prefix
        self._failures: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        # The sentinel's value as this store last saw it: once set, a missing or rewritten one means lost data.
        self._sentinel: str | None = None

    @property
    def ttl(self) -> datetime.timedelta:
        """How long a claim lasts."""
        return self._ttl

    @property
    def key_prefix(self) -> str:
        """What is put before each ``webhookId`` to make its key."""
        return self._key_prefix

    @property
    def sentinel_key(self) -> str:
        """The key written when the store is first used; its disappearance means Redis lost the claims."""
        return self._key_prefix + _SENTINEL_SUFFIX

    def key(self, webhook_id: str) -> str:
        """Return the Redis key that holds the claim of this ``webhookId``.

        Args:
            webhook_id: The delivery's ``webhookId``.

        Returns:
            ``key_prefix + webhook_id``.
        """
        return self._key_prefix + webhook_id

    async def mark_seen(self, webhook_id: str) -> bool:
        """Claim the id with ``SET NX EX``, atomically across every process that shares this Redis.

        Args:
            webhook_id: The delivery's ``webhookId``.

        Returns:
            True if this call created the claim, False if one already existed.

        Raises:
            DedupStoreLostError: Redis lost the claims it held (its sentinel is gone); nothing was
                claimed (answer 503) until `recover_from_data_loss` is called.
            DedupStoreError: Redis failed or could not be reached; nothing was claimed (answer 503).
        """
        claimed_at = datetime.datetime.now(datetime.UTC).isoformat()
        try:
            await self._check_sentinel(claimed_at)
            created = await self._redis.set(self.key(webhook_id), claimed_at, nx=True, ex=self._ttl_seconds)
        except self._failures as error:
            raise DedupStoreError(
                f"could not claim webhook {webhook_id!r} in Redis ({type(error).__name__}: {error})"
            ) from error
        return bool(created)

    async def recover_from_data_loss(self) -> None:
        """Accept that the claims made before a loss are gone, and let deliveries through again.

        Call it once you have decided what to do about replays of webhooks
        processed before the loss: after ``max_age`` has passed since the loss,
        the age check refuses every one of them; earlier, your handler must
        tolerate seeing an event again. It rewrites the sentinel for every
        replica that shares this Redis.

        Raises:
            DedupStoreError: Redis failed or could not be reached.
        """
        value = _SENTINEL_RECOVERED + datetime.datetime.now(datetime.UTC).isoformat()
        try:
            await self._redis.set(self.sentinel_key, value)
        except self._failures as error:
            raise DedupStoreError(
                f"could not rewrite the sentinel {self.sentinel_key!r} in Redis ({type(error).__name__}: {error})"
            ) from error
        self._sentinel = value
        logger.warning("The webhook dedup store %r was recovered after a data loss", self.sentinel_key)

    async def _check_sentinel(self, now: str) -> None:
        # What this store knew before the read: a concurrent first claim may set it while the read
        # is under way, and a sentinel missing from a read begun before it was written is no loss.
        known = self._sentinel
        value = await self._read_sentinel()
        if value is None and known is None:
            # This process's first use of the store; NX keeps whatever another replica wrote meanwhile.
            if await self._redis.set(self.sentinel_key, _SENTINEL_NEW + now, nx=True):
                self._sentinel = _SENTINEL_NEW + now
                return
            value = await self._read_sentinel()
        if value is not None and value.startswith(_SENTINEL_LOST):
            raise DedupStoreLostError(self.sentinel_key, value.removeprefix(_SENTINEL_LOST))
        if known is None or value in (known, self._sentinel) or (value or "").startswith(_SENTINEL_RECOVERED):
            self._sentinel = value
            return
        # Gone, or written anew by a process that met an empty Redis: either way the claims are lost.
        # The mark is kept in Redis so that replicas started after the loss refuse too.
        await self._redis.set(self.sentinel_key, _SENTINEL_LOST + now)
        logger.error(
            "The webhook dedup store lost its data: its sentinel %r is gone (Redis restarted without "
            "persistence, or was flushed); refusing deliveries until recover_from_data_loss() is called",
            self.sentinel_key,
        )
        raise DedupStoreLostError(self.sentinel_key, now)

    async def _read_sentinel(self) -> str | None:
        raw = await self._redis.get(self.sentinel_key)
        if isinstance(raw, bytes):
            return raw.decode("utf-8", "replace")
        return None if raw is None else str(raw)

    async def forget(self, webhook_id: str) -> None:
        """Release the id (``DEL``), so that its next delivery counts as the first.

        Args:
            webhook_id: The delivery's ``webhookId``.

        Raises:
            DedupStoreError: Redis failed or could not be reached; the claim may still be there.
        """
        try:
            await self._redis.delete(self.key(webhook_id))
        except self._failures as error:
            raise DedupStoreError(
                f"could not release webhook {webhook_id!r} in Redis ({type(error).__name__}: {error})"
            ) from error

    def __repr__(self) -> str:
        return f"RedisDedupStore(ttl={self._ttl_seconds}, key_prefix={self._key_prefix!r})"
