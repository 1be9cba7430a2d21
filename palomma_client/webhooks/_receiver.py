"""`WebhookReceiver`: verify, parse, check the age, and claim each delivery exactly once."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeAlias

from palomma_client._constants import LOGGER_NAME
from palomma_client.webhooks._constants import DEFAULT_MAX_AGE, DEFAULT_MAX_CLOCK_SKEW
from palomma_client.webhooks._dedup import DedupStore, InMemoryDedupStore
from palomma_client.webhooks._durations import Duration, to_timedelta
from palomma_client.webhooks._errors import (
    DuplicateWebhookError,
    WebhookArgumentError,
    WebhookTimestampError,
)
from palomma_client.webhooks._events import WebhookEvent, parse_event
from palomma_client.webhooks._limits import check_body_size, check_header_size
from palomma_client.webhooks._signature import (
    SignatureScheme,
    WebhookSecret,
    check_body,
    check_signature,
    compute_signature,
)

__all__ = ["WebhookHandler", "WebhookReceiver"]

logger = logging.getLogger(LOGGER_NAME)

WebhookHandler: TypeAlias = Callable[[WebhookEvent], Awaitable[object]]
"""``await handler(event)``: what `WebhookReceiver.process` runs for each new event."""


def _check_limits(body: bytes, headers: Mapping[str, str]) -> None:
    """Refuse a delivery whose body or headers are over the limits every receiver shares."""
    if not isinstance(headers, Mapping):
        return  # check_signature names the mistake
    check_header_size(headers)
    check_body_size(len(body))


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class WebhookReceiver:
    """Verify, parse and deduplicate webhook deliveries for one merchant.

    Each delivery goes through five checks, in this order, and the first that
    fails raises: its size (`WebhookTooLargeError`), the signature (`WebhookSignatureError`), the body
    (`WebhookPayloadError`), the timestamp (`WebhookTimestampError`), and the
    ``webhookId``, claimed atomically in the dedup store
    (`DuplicateWebhookError`). Nothing is claimed for a delivery that fails an
    earlier check.

    Args:
        secret: The merchant's integrity key, as text or UTF-8 bytes. It is
            checked here, and never appears in a repr, an error message or a log line.
        dedup_store: Where received ``webhookId`` values are claimed. Defaults
            to a fresh `InMemoryDedupStore`, which only sees this process:
            behind several workers or replicas, pass a `RedisDedupStore`.
        signature_scheme: Computes the expected ``X-Signature`` from the raw body
            and the secret. The default, `compute_signature`, follows the
            previous API generation; the v1 scheme is unconfirmed, so replace
            it if Palomma's signatures do not verify.
        max_age: The oldest ``timestamp`` accepted (a `datetime.timedelta`, or
            seconds). Palomma's retries repeat the first attempt's timestamp, so
            this must outlast its retries: the default is 3 days.
        max_clock_skew: How far in the future a ``timestamp`` may be, for clocks
            that disagree (default 5 minutes).
        clock: Returns the current time, timezone-aware (a naive value is read
            as UTC); replaceable in tests, with ``FakePalomma.clock.now`` for instance.

    Raises:
        WebhookArgumentError: ``secret`` is empty, blank, or neither text nor
            UTF-8 bytes; ``max_age`` or ``max_clock_skew`` is not positive;
            ``dedup_store``, ``signature_scheme`` or ``clock`` is not usable; or
            the dedup store's ``ttl`` is shorter than ``max_age`` plus
            ``max_clock_skew``, which would let a replay through once its id is forgotten.
    """

    def __init__(
        self,
        secret: str | bytes,
        *,
        dedup_store: DedupStore | None = None,
        signature_scheme: SignatureScheme = compute_signature,
        max_age: Duration = DEFAULT_MAX_AGE,
        max_clock_skew: Duration = DEFAULT_MAX_CLOCK_SKEW,
        clock: Callable[[], datetime.datetime] = _utc_now,
    ) -> None:
        self._secret = WebhookSecret(secret)
        if dedup_store is not None and not isinstance(dedup_store, DedupStore):
            raise WebhookArgumentError(
                "dedup_store", f"must have async mark_seen and forget methods, got {type(dedup_store).__qualname__}"
            )
        if not callable(signature_scheme):
            raise WebhookArgumentError("signature_scheme", "must be a function (body, secret) -> signature")
        if not callable(clock):
            raise WebhookArgumentError("clock", "must be a function returning the current datetime")
        self._max_age = to_timedelta(max_age, "max_age")
        self._max_clock_skew = to_timedelta(max_clock_skew, "max_clock_skew")
        self.dedup_store: DedupStore = dedup_store if dedup_store is not None else InMemoryDedupStore()
        store_ttl = getattr(self.dedup_store, "ttl", None)
        if isinstance(store_ttl, datetime.timedelta) and store_ttl < self.max_age + self.max_clock_skew:
            raise WebhookArgumentError(
                "dedup_store",
                f"remembers ids for {store_ttl}, less than max_age ({self.max_age}) plus max_clock_skew "
                f"({self.max_clock_skew}): a replay could come after its id is forgotten yet still be accepted. "
                "Lengthen the store's ttl or shorten max_age.",
            )
        self.signature_scheme = signature_scheme
        self._clock = clock

    @property
    def max_age(self) -> datetime.timedelta:
        """The oldest ``timestamp`` accepted, measured back from the receiver's clock."""
        return self._max_age

    @property
    def max_clock_skew(self) -> datetime.timedelta:
        """How far ahead of the receiver's clock a ``timestamp`` may be."""
        return self._max_clock_skew

    def __repr__(self) -> str:
        scheme = getattr(self.signature_scheme, "__qualname__", type(self.signature_scheme).__name__)
        return (
            f"WebhookReceiver(secret=<hidden>, dedup_store={self.dedup_store!r}, signature_scheme={scheme}, "
            f"max_age={self.max_age!r}, max_clock_skew={self.max_clock_skew!r})"
        )

    def verify(self, body: bytes | bytearray | memoryview, headers: Mapping[str, str]) -> None:
        """Check the delivery's ``X-Signature`` header against the raw body.

        The comparison takes constant time (`hmac.compare_digest`). The
        ``X-Encoded-Data`` header is not needed: the base64 is recomputed from
        the body, so only the bytes actually received are trusted.

        Args:
            body: The raw request body, byte for byte as received (not re-encoded JSON).
            headers: The request headers; names are matched case-insensitively.

        Raises:
            WebhookSignatureError: The header is missing, or does not match.
            WebhookArgumentError: ``body`` is not bytes, or ``headers`` is not a mapping.
        """
        check_signature(check_body(body), headers, self._secret, self.signature_scheme)

    def check_timestamp(self, event: WebhookEvent) -> None:
        """Refuse an event older than ``max_age``, or further in the future than ``max_clock_skew``.

        Args:
            event: A parsed event.

        Raises:
            WebhookTimestampError: The timestamp is out of range.
            WebhookArgumentError: The clock returned something other than a datetime.
        """
        now = self._clock()
        if not isinstance(now, datetime.datetime):
            raise WebhookArgumentError("clock", f"must return a datetime.datetime, returned {type(now).__name__}")
        if now.tzinfo is None:
            now = now.replace(tzinfo=datetime.UTC)
        # Aware datetimes subtract without converting, so even year 1 or 9999 cannot overflow here.
        age = now - event.timestamp
        if age > self.max_age:
            logger.debug("Webhook %r rejected: its timestamp is %s old", event.webhook_id, age)
            raise WebhookTimestampError(
                timestamp=event.timestamp, now=now, limit=self.max_age, raw_timestamp=event.raw_timestamp
            )
        if -age > self.max_clock_skew:
            logger.debug("Webhook %r rejected: its timestamp is %s in the future", event.webhook_id, -age)
            raise WebhookTimestampError(
                timestamp=event.timestamp, now=now, limit=self.max_clock_skew, raw_timestamp=event.raw_timestamp
            )

    async def verify_and_parse(self, body: bytes | bytearray | memoryview, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify a delivery, parse it, check its age, and claim its ``webhookId``.

        The signature is checked before the body is read at all. The id is
        claimed atomically, so of several concurrent deliveries of one webhook,
        even on different replicas sharing a `RedisDedupStore`, exactly one
        returns. If processing the event then fails, call `forget` so that
        Palomma's retry is processed; `process` does that for you.

        Args:
            body: The raw request body, byte for byte as received.
            headers: The request headers; names are matched case-insensitively.

        Returns:
            An `InvoiceEvent`, a `SettlementEvent` or an `UnknownEvent`.

        Raises:
            WebhookTooLargeError: The body or the headers are over ``MAX_WEBHOOK_BODY_BYTES`` or
                ``MAX_WEBHOOK_HEADER_BYTES``; logged (answer 200, so Palomma stops repeating it).
            WebhookSignatureError: The signature is missing or wrong (answer 401).
            WebhookPayloadError: The body is not a valid delivery (answer 400).
            WebhookTimestampError: The delivery is too old, or from the future (answer 400).
            DuplicateWebhookError: The ``webhookId`` was already received (answer 200).
            DedupStoreError: The store could not be reached (answer 503, so Palomma retries).
            WebhookArgumentError: ``body`` is not bytes, or ``headers`` is not a mapping.
        """
        raw_body = check_body(body)
        _check_limits(raw_body, headers)
        check_signature(raw_body, headers, self._secret, self.signature_scheme)
        event = parse_event(raw_body)
        self.check_timestamp(event)
        if not await self.dedup_store.mark_seen(event.webhook_id):
            logger.debug("Webhook %r already received; not processing it again", event.webhook_id)
            raise DuplicateWebhookError(event.webhook_id)
        return event

    async def process(
        self, body: bytes | bytearray | memoryview, headers: Mapping[str, str], handler: WebhookHandler
    ) -> WebhookEvent:
        """Verify, parse and claim a delivery, then run ``handler`` on it; release the claim if it fails.

        If the handler raises (or is cancelled), the ``webhookId`` is
        forgotten before the error propagates, so Palomma's retry of this
        delivery is processed instead of being dropped as a duplicate.
        Answer 500 then: Palomma retries what was not answered 200.

        Palomma waits 5 seconds for the answer; a handler that may take longer
        should only record the event (in a durable queue) and return.

        Args:
            body: The raw request body, byte for byte as received.
            headers: The request headers; names are matched case-insensitively.
            handler: Awaited with the event, once per ``webhookId``.

        Returns:
            The event, after the handler finished.

        Raises:
            WebhookTooLargeError: The body or the headers are over the limits; logged (answer 200).
            WebhookSignatureError: The signature is missing or wrong (answer 401).
            WebhookPayloadError: The body is not a valid delivery (answer 400).
            WebhookTimestampError: The delivery is too old, or from the future (answer 400).
            DuplicateWebhookError: The ``webhookId`` was already received (answer 200).
            DedupStoreError: The store could not be reached (answer 503).
            WebhookArgumentError: ``body`` is not bytes, or ``headers`` is not a mapping.
            Exception: Whatever the handler raised, after the claim was released.
        """
        event = await self.verify_and_parse(body, headers)
        try:
            await handler(event)
        except BaseException as error:
            await self._release_after_failure(event.webhook_id, error)
            raise
        return event

    async def forget(self, webhook_id: str) -> None:
        """Let the next delivery of this webhook through, after processing it failed.

        Args:
            webhook_id: The ``webhook_id`` of the event whose processing failed.

        Raises:
            DedupStoreError: A `RedisDedupStore` could not be reached.
        """
        await self.dedup_store.forget(webhook_id)

    async def _release_after_failure(self, webhook_id: str, failure: BaseException) -> None:
        try:
            await self.dedup_store.forget(webhook_id)
        # The handler's failure is what the caller needs to see; a failed release is logged beside it.
        except Exception as error:
            logger.error(
                "Processing webhook %r failed (%s) and its claim could not be released (%s: %s): "
                "Palomma's retries of it will be taken as duplicates until the claim expires",
                webhook_id,
                type(failure).__name__,
                type(error).__name__,
                error,
            )
            failure.add_note(f"The claim of webhook {webhook_id!r} could not be released: {error}")
        else:
            logger.info("Processing webhook %r failed; released it so that Palomma's retry is processed", webhook_id)
