"""Every error the webhook receiver and its stores raise, under the SDK's root error.

    PalommaError
     └── WebhookError
          ├── WebhookSignatureError      missing or wrong X-Signature                  (answer 401)
          ├── WebhookPayloadError        (also a ValueError) not a valid delivery      (answer 400)
          │    └── WebhookTimestampError   older than max_age, or from the future
          ├── DuplicateWebhookError      this webhookId was already received           (answer 200)
          ├── WebhookTooLargeError       body or headers over the limits; logged       (answer 200)
          ├── DedupStoreError            the dedup store failed; nothing was claimed   (answer 503)
          │    └── DedupStoreLostError     Redis lost its claims (a restart without persistence)
          ├── WebhookArgumentError       (also an InvalidParameterError, so a ValueError) an unusable
          │                                argument: an empty secret, a body that is not bytes
          └── MissingDependencyError     (also an ImportError) an optional extra is not installed

No message here contains the secret: errors quote the body, never the key or the headers.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from palomma_client._exceptions import InvalidParameterError, PalommaError

__all__ = [
    "DedupStoreError",
    "DedupStoreLostError",
    "DuplicateWebhookError",
    "MissingDependencyError",
    "WebhookArgumentError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookTooLargeError",
]


class WebhookError(PalommaError):
    """Base class of every error the webhook receiver and its stores raise."""


class WebhookSignatureError(WebhookError):
    """The delivery has no ``X-Signature`` header, or it does not match the body.

    Answer 401 and do not act on the body: anyone can POST to a public URL.
    """


class WebhookPayloadError(WebhookError, ValueError):
    """The body is not a webhook delivery this SDK accepts.

    Answer 400: the delivery cannot become an event, however often it is sent.

    Attributes:
        field: Where in the body the problem is (``"webhookId"``, ``"data.amount"``),
            or None when the body as a whole is unreadable.
        excerpt: A short quote of the offending value or body, for the logs; empty
            when the message already describes the value.
    """

    def __init__(self, message: str, *, field: str | None = None, excerpt: str = "") -> None:
        self.field = field
        self.excerpt = excerpt
        self._message = message
        location = f"{field}: " if field else ""
        quoted = f" (excerpt: {excerpt})" if excerpt else ""
        super().__init__(f"invalid webhook payload: {location}{message}{quoted}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments do not survive the default pickling of exceptions.
        return functools.partial(type(self), self._message, field=self.field, excerpt=self.excerpt), ()


class WebhookTimestampError(WebhookPayloadError):
    """The delivery's ``timestamp`` is older than ``max_age``, or further ahead than ``max_clock_skew``.

    A genuine delivery, retries included, is never refused with the defaults
    (see `WebhookReceiver`); an old one is most likely a captured delivery
    replayed after its ``webhookId`` left the dedup store. Answer 400.

    Attributes:
        timestamp: The delivery's timestamp, timezone-aware.
        raw_timestamp: The ``timestamp`` exactly as sent.
        now: The receiver's clock when the delivery was checked.
        limit: The ``max_age`` or ``max_clock_skew`` it exceeded.
        age: ``now - timestamp``; negative for a timestamp in the future.
    """

    def __init__(
        self,
        *,
        timestamp: datetime.datetime,
        now: datetime.datetime,
        limit: datetime.timedelta,
        raw_timestamp: str | None = None,
    ) -> None:
        self.timestamp = timestamp
        self.raw_timestamp = raw_timestamp if raw_timestamp is not None else timestamp.isoformat()
        self.now = now
        self.limit = limit
        self.age = now - timestamp
        if self.age >= datetime.timedelta(0):
            problem = (
                f"{_describe_duration(self.age)} old, older than the {_describe_duration(limit)} allowed "
                "(a replay of an old delivery?)"
            )
        else:
            problem = (
                f"{_describe_duration(-self.age)} in the future, more than the {_describe_duration(limit)} "
                "of clock difference allowed"
            )
        super().__init__(problem, field="timestamp", excerpt=repr(self.raw_timestamp))

    def __reduce__(self) -> tuple[Any, ...]:
        rebuild = functools.partial(
            type(self), timestamp=self.timestamp, now=self.now, limit=self.limit, raw_timestamp=self.raw_timestamp
        )
        return rebuild, ()


class DuplicateWebhookError(WebhookError):
    """This ``webhookId`` was already received: the delivery is a retry or a replay.

    Answer 200 without processing it again; any other status makes Palomma retry.

    Attributes:
        webhook_id: The repeated ``webhookId``.
    """

    def __init__(self, webhook_id: str) -> None:
        self.webhook_id = webhook_id
        super().__init__(f"webhook {webhook_id!r} was already received")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.webhook_id,)


class WebhookTooLargeError(WebhookError):
    """The delivery's body or headers are larger than the receiver accepts; it was not read further.

    Answer 200, so that Palomma stops delivering it: every retry would be just as
    large, and Palomma retries whatever is not answered 200, so any other status
    would repeat the delivery without end. The error is logged (level ERROR)
    when it is raised; the invoice or settlement it was about can be read from
    the API (``invoices.get``, ``settlements.reconcile``).

    Attributes:
        part: ``"body"`` or ``"headers"``.
        size: How many bytes were seen: the whole size when known, otherwise the
            bytes read before giving up (then more than ``limit``).
        limit: The limit it is over (`MAX_WEBHOOK_BODY_BYTES` or `MAX_WEBHOOK_HEADER_BYTES`).
    """

    def __init__(self, part: str, size: int, limit: int) -> None:
        self.part = part
        self.size = size
        self.limit = limit
        super().__init__(f"webhook {part} too large: over the limit of {limit:,} bytes")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.part, self.size, self.limit)


class DedupStoreError(WebhookError):
    """The dedup store (Redis) failed or could not be reached; the ``webhookId`` was not claimed.

    Answer 503 (or any status but 200) so that Palomma delivers it again later;
    the cause is in ``__cause__``.
    """


class DedupStoreLostError(DedupStoreError):
    """The dedup store lost the claims it held: Redis restarted empty, or was flushed.

    Its sentinel key, written when the store was first used, is gone, so any
    ``webhookId`` claimed before may be claimed again. Every claim is refused
    with this error (answer 503, so Palomma delivers again later) until an
    operator calls `RedisDedupStore.recover_from_data_loss`.

    Attributes:
        sentinel_key: The Redis key whose disappearance revealed the loss.
        detected_at: When the loss was first seen, as recorded in Redis (ISO 8601), if known.
    """

    def __init__(self, sentinel_key: str, detected_at: str | None = None) -> None:
        self.sentinel_key = sentinel_key
        self.detected_at = detected_at
        when = f" (detected at {detected_at})" if detected_at else ""
        super().__init__(
            f"the webhook dedup store lost its data{when}: its sentinel key {sentinel_key!r} is gone, so "
            "Redis restarted without persistence or was flushed, and replays could be processed again. "
            "Deliveries are refused until RedisDedupStore.recover_from_data_loss() is called"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.sentinel_key, self.detected_at)


class WebhookArgumentError(WebhookError, InvalidParameterError):
    """An argument the webhook code cannot use: an empty secret, a body that is not bytes, a negative age.

    Raised where the argument is given (a secret, at construction), never later.
    Also an `InvalidParameterError`, and so a `ValueError`.

    Attributes:
        parameter: The argument at fault, as the caller spelled it (``secret``, ``body``, ``max_age``).
    """

    def __reduce__(self) -> tuple[Any, ...]:
        message = str(self).removeprefix(f"{self.parameter}: ")
        return type(self), (self.parameter, message)


class MissingDependencyError(WebhookError, ImportError):
    """An optional dependency is not installed; the message names the extra that installs it.

    Attributes:
        package: The missing distribution (``redis``).
        extra: The extra of ``palomma-client`` that installs it (``redis``).
    """

    def __init__(self, package: str, extra: str, feature: str) -> None:
        self.package = package
        self.extra = extra
        self.feature = feature
        super().__init__(
            f"{feature} needs the {package!r} package: pip install 'palomma-client[{extra}]'", name=package
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.package, self.extra, self.feature)


def _describe_duration(duration: datetime.timedelta) -> str:
    """Say roughly how long a duration is, in its largest whole unit (``"3 days"``, ``"5 minutes"``)."""
    seconds = int(abs(duration.total_seconds()))
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
    return "1 second" if seconds == 1 else f"{seconds} seconds"
