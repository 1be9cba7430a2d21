"""Receive Palomma webhooks: verify the signature, parse the event, drop retried deliveries.

Palomma sends one webhook per invoice or settlement when it reaches its final
status: a ``POST`` whose JSON body is ``{webhookId, timestamp, type, data}``.
Failed deliveries are retried with the same ``webhookId``, and the receiver
must answer 200 within 5 seconds.

A typical receiver::

    from palomma_client.webhooks import (
        DuplicateWebhookError, InvoiceEvent, WebhookPayloadError, WebhookReceiver, WebhookSignatureError,
    )

    receiver = WebhookReceiver(os.environ["PALOMMA_INTEGRITY_KEY"])

    async def on_webhook(body: bytes, headers: Mapping[str, str]) -> int:
        try:
            event = await receiver.verify_and_parse(body, headers)
        except WebhookSignatureError:
            return 401
        except WebhookPayloadError:
            return 400
        except DuplicateWebhookError:
            return 200  # already handled: acknowledge, or Palomma keeps retrying
        try:
            if isinstance(event, InvoiceEvent):
                await record_payment(event.data)
        except Exception:
            await receiver.forget(event.webhook_id)  # let Palomma's retry through
            raise
        return 200

Warning:
    The exact signature scheme of the current API (v1) is **unconfirmed**. This
    module implements the one the previous API generation documented (see
    `compute_signature`). Until Palomma confirms it, keep it replaceable: pass
    your own function as ``signature_scheme``.

Error tree (under the root of every SDK error, ``PalommaError``)::

    PalommaError
     └── WebhookError
          ├── WebhookSignatureError      missing or wrong X-Signature
          ├── WebhookPayloadError        (also a ValueError) the body is not a valid delivery
          └── DuplicateWebhookError      this webhookId was already received
"""

from __future__ import annotations

import base64
import collections
import datetime
import enum
import hashlib
import hmac
import json
import logging
import threading
import time
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol, TypeAlias, runtime_checkable

import attrs

from palomma_client._exceptions import PalommaError
from palomma_client._generated.models import Invoice, Settlement

__all__ = [
    "ENCODED_DATA_HEADER",
    "SIGNATURE_HEADER",
    "DedupStore",
    "DuplicateWebhookError",
    "InMemoryDedupStore",
    "InvoiceEvent",
    "SettlementEvent",
    "SignatureScheme",
    "UnknownEvent",
    "WebhookError",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookReceiver",
    "WebhookSignatureError",
    "compute_signature",
    "parse_event",
    "sign_delivery",
]

logger = logging.getLogger(__name__)

SIGNATURE_HEADER: Final = "X-Signature"
"""The header that carries the signature of a delivery."""

ENCODED_DATA_HEADER: Final = "X-Encoded-Data"
"""The header that carries the base64 of the body, which the previous API generation signed."""

_EXCERPT_LENGTH: Final = 80


# --------------------------------------------------------------------------- errors


class WebhookError(PalommaError):
    """Base class of every error this module raises."""


class WebhookSignatureError(WebhookError):
    """The delivery has no ``X-Signature`` header, or it does not match the body.

    Answer 401 and do not act on the body: anyone can POST to a public URL.
    """


class WebhookPayloadError(WebhookError, ValueError):
    """The body is not a webhook delivery this SDK can read.

    Attributes:
        field: Where in the body the problem is (``"webhookId"``, ``"data.amount"``),
            or None when the body as a whole is unreadable.
        excerpt: A short quote of the offending value or body, for the logs.
    """

    def __init__(self, message: str, *, field: str | None = None, excerpt: str = "") -> None:
        self.field = field
        self.excerpt = excerpt
        location = f"{field}: " if field else ""
        quoted = f" (excerpt: {excerpt})" if excerpt else ""
        super().__init__(f"invalid webhook payload: {location}{message}{quoted}")


class DuplicateWebhookError(WebhookError):
    """This ``webhookId`` was already received: the delivery is a retry or a replay.

    Answer 200 without processing it again; any other status makes Palomma retry.

    Attributes:
        webhook_id: The repeated ``webhookId``.
    """

    def __init__(self, webhook_id: str) -> None:
        self.webhook_id = webhook_id
        super().__init__(f"webhook {webhook_id!r} was already received")


# --------------------------------------------------------------------------- events


@attrs.frozen(kw_only=True)
class _EventEnvelope:
    webhook_id: str
    """The delivery's ``webhookId``; retries of one webhook share it."""
    type: str
    """The delivery's ``type``, as sent (``"invoice"``, ``"settlement"``, or a newer value)."""
    timestamp: datetime.datetime
    """The delivery's ``timestamp``, timezone-aware (read as UTC when it carries no offset)."""
    raw_timestamp: str
    """The ``timestamp`` exactly as sent."""
    additional_properties: dict[str, Any] = attrs.field(factory=dict)
    """Top-level fields of the body other than the four documented ones."""


@attrs.frozen(kw_only=True)
class InvoiceEvent(_EventEnvelope):
    """An invoice reached its final status (``type == "invoice"``).

    Attributes:
        webhook_id: The delivery's ``webhookId``; retries of one webhook share it.
        type: Always ``"invoice"``.
        timestamp: The delivery's ``timestamp``, timezone-aware.
        raw_timestamp: The ``timestamp`` exactly as sent.
        data: The invoice. Fields the spec does not know are in ``data.additional_properties``.
        additional_properties: Top-level fields other than the four documented ones.
    """

    data: Invoice


@attrs.frozen(kw_only=True)
class SettlementEvent(_EventEnvelope):
    """A settlement reached its final status (``type == "settlement"``).

    Attributes:
        webhook_id: The delivery's ``webhookId``; retries of one webhook share it.
        type: Always ``"settlement"``.
        timestamp: The delivery's ``timestamp``, timezone-aware.
        raw_timestamp: The ``timestamp`` exactly as sent.
        data: The settlement. Fields the spec does not know are in ``data.additional_properties``.
        additional_properties: Top-level fields other than the four documented ones.
    """

    data: Settlement


@attrs.frozen(kw_only=True)
class UnknownEvent(_EventEnvelope):
    """A delivery whose ``type`` this version of the SDK does not know.

    Palomma may add event types before the SDK learns them; such a delivery
    still verifies and parses, so the receiver can acknowledge it (or log it)
    instead of failing and being retried.

    Attributes:
        webhook_id: The delivery's ``webhookId``; retries of one webhook share it.
        type: The ``type`` as sent.
        timestamp: The delivery's ``timestamp``, timezone-aware.
        raw_timestamp: The ``timestamp`` exactly as sent.
        data: The ``data`` object as decoded from JSON.
        additional_properties: Top-level fields other than the four documented ones.
    """

    data: dict[str, Any]


WebhookEvent: TypeAlias = InvoiceEvent | SettlementEvent | UnknownEvent
"""Any parsed delivery; ``match`` on it or test with ``isinstance``."""

_ENVELOPE_KEYS: Final = frozenset({"webhookId", "timestamp", "type", "data"})


# --------------------------------------------------------------------------- parsing


def parse_event(body: bytes | str) -> WebhookEvent:
    """Parse a delivery's body into a typed event, without checking its signature.

    Use `WebhookReceiver.verify_and_parse` on a live endpoint; this function is
    for bodies already verified, or read back from storage.

    Args:
        body: The raw request body (JSON).

    Returns:
        An `InvoiceEvent`, a `SettlementEvent`, or an `UnknownEvent` for a
        ``type`` this SDK does not know. Enum values and fields the spec does
        not list are kept, not rejected.

    Raises:
        WebhookPayloadError: The body is not JSON, lacks ``webhookId``,
            ``timestamp``, ``type`` or ``data``, or ``data`` does not match the
            Invoice or Settlement schema.
    """
    try:
        document = json.loads(body)
    # JSONDecodeError and UnicodeDecodeError are ValueErrors; absurdly deep nesting is a RecursionError.
    except (ValueError, RecursionError) as error:
        raise WebhookPayloadError(f"body is not JSON ({_reason(error)})", excerpt=_excerpt(body)) from error
    if not isinstance(document, dict):
        raise WebhookPayloadError("body is not a JSON object", excerpt=_excerpt(body))

    webhook_id = _required_string(document, "webhookId")
    event_type = _required_string(document, "type")
    raw_timestamp = _required_string(document, "timestamp")
    timestamp = _parse_timestamp(raw_timestamp)
    if "data" not in document:
        raise WebhookPayloadError("missing", field="data", excerpt=_excerpt(body))
    data = document["data"]
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"expected an object, got {_json_type(data)}", field="data", excerpt=_excerpt(data))
    envelope: dict[str, Any] = {
        "webhook_id": webhook_id,
        "type": event_type,
        "timestamp": timestamp,
        "raw_timestamp": raw_timestamp,
        "additional_properties": {key: value for key, value in document.items() if key not in _ENVELOPE_KEYS},
    }

    if event_type == "invoice":
        return InvoiceEvent(**envelope, data=_parse_model(Invoice, data))
    if event_type == "settlement":
        return SettlementEvent(**envelope, data=_parse_model(Settlement, data))
    logger.debug("Webhook %r has unknown type %r; returning an UnknownEvent", webhook_id, event_type)
    return UnknownEvent(**envelope, data=data)


def _required_string(document: Mapping[str, Any], key: str) -> str:
    if key not in document:
        raise WebhookPayloadError("missing", field=key, excerpt=_excerpt(document))
    value = document[key]
    if not isinstance(value, str) or not value:
        raise WebhookPayloadError("expected a non-empty string", field=key, excerpt=_excerpt(value))
    return value


def _parse_timestamp(raw: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(raw)
    except ValueError as error:
        raise WebhookPayloadError("not an ISO 8601 date-time", field="timestamp", excerpt=_excerpt(raw)) from error
    # Every timestamp the API documents is UTC ("...Z"); refusing one without an
    # offset would only make Palomma retry a delivery whose content is fine.
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


_Model = typing.TypeVar("_Model", Invoice, Settlement)


def _parse_model(model: type[_Model], data: dict[str, Any]) -> _Model:
    # The generated from_dict trusts its input (a missing field is a KeyError, a
    # string amount passes silently), so check the JSON types first, reading the
    # expected ones from the generated model itself to stay in step with the spec.
    for field in _EXPECTED_FIELDS[model]:
        path = f"data.{field.key}"
        if field.key not in data:
            if field.required:
                raise WebhookPayloadError(f"missing (required in {model.__name__})", field=path)
            continue
        problem = _type_problem(data[field.key], field.type)
        if problem:
            raise WebhookPayloadError(problem, field=path, excerpt=_excerpt(data[field.key]))
    try:
        return model.from_dict(data)
    except (KeyError, ValueError, TypeError, AttributeError) as error:  # a shape the checks above did not foresee
        raise WebhookPayloadError(
            f"does not match {model.__name__} ({_reason(error)})", field="data", excerpt=_excerpt(data)
        ) from error


def _json_name(python_name: str) -> str:
    # The generator turns camelCase properties into snake_case attributes; the
    # tests check that this inverse gives back every property of the spec.
    first, *rest = python_name.split("_")
    return first + "".join(part.capitalize() for part in rest)


@attrs.frozen
class _ExpectedField:
    key: str
    type: Any
    required: bool


def _expected_fields(model: type[Any]) -> tuple[_ExpectedField, ...]:
    types_by_name = typing.get_type_hints(model)
    return tuple(
        _ExpectedField(
            key=_json_name(field.name), type=types_by_name[field.name], required=field.default is attrs.NOTHING
        )
        for field in attrs.fields(model)
        if field.init  # leaves out additional_properties
    )


_EXPECTED_FIELDS: Final[dict[type[Any], tuple[_ExpectedField, ...]]] = {
    Invoice: _expected_fields(Invoice),
    Settlement: _expected_fields(Settlement),
}


def _type_problem(value: Any, expected: Any) -> str | None:
    """Say how a decoded JSON value fails to fit a generated field type, or None if it fits."""
    if typing.get_origin(expected) in (typing.Union, types.UnionType):
        # `X | Unset`: absence was handled by the caller, so a present value must be an X.
        options = [option for option in typing.get_args(expected) if option is not type(None)]
        problems = [_type_problem(value, option) for option in options]
        return None if None in problems else problems[0]
    if expected is bool:
        return None if isinstance(value, bool) else f"expected a boolean, got {_json_type(value)}"
    if expected in (float, int):
        # JSON has one number type; bool is an int subclass in Python but not a JSON number.
        fits = isinstance(value, int | float) and not isinstance(value, bool)
        return None if fits else f"expected a number, got {_json_type(value)}"
    if expected is str or (isinstance(expected, type) and issubclass(expected, enum.Enum)):
        # Enum values the spec does not list still parse (see the generated enums).
        return None if isinstance(value, str) else f"expected a string, got {_json_type(value)}"
    if expected is datetime.datetime:
        if not isinstance(value, str):
            return f"expected an ISO 8601 date-time string, got {_json_type(value)}"
        try:
            datetime.datetime.fromisoformat(value)
        except ValueError:
            return "not an ISO 8601 date-time"
        return None
    # A type a later regeneration introduces: from_dict has the last word.
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _excerpt(value: Any) -> str:
    """Quote a value briefly: enough to recognise it in a log, never a whole body."""
    if isinstance(value, bytes | bytearray):
        text = bytes(value[: _EXCERPT_LENGTH * 4]).decode("utf-8", errors="replace")
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except ValueError:
            text = repr(value)
    if len(text) > _EXCERPT_LENGTH:
        text = text[:_EXCERPT_LENGTH] + "..."
    return repr(text)


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


# --------------------------------------------------------------------------- signatures


SignatureScheme: TypeAlias = Callable[[bytes, str], str]
"""A function ``(body, secret) -> expected X-Signature value``, such as `compute_signature`."""


def compute_signature(body: bytes, secret: str) -> str:
    """Compute the ``X-Signature`` value Palomma should send with this body.

    The scheme is the one the previous Palomma API generation documented:
    ``X-Encoded-Data`` is the base64 (standard alphabet, with padding) of the
    raw body, and ``X-Signature`` is the HMAC-SHA-256 of that base64 text keyed
    with the merchant's integrity key, written as lowercase hexadecimal.

    Warning:
        The exact scheme of the current API (v1) is **unconfirmed**: the
        current reference's text on it was not available. The hex encoding of
        the digest is this SDK's choice, not a documented fact. If Palomma's
        signatures do not verify, write a function with this signature and pass
        it as ``WebhookReceiver(secret, signature_scheme=...)``.

    Args:
        body: The raw request body, byte for byte as received.
        secret: The merchant's integrity key.

    Returns:
        The expected signature: 64 lowercase hexadecimal characters.
    """
    encoded_data = base64.b64encode(body)
    return hmac.new(secret.encode("utf-8"), encoded_data, hashlib.sha256).hexdigest()


def sign_delivery(body: bytes, secret: str, *, signature_scheme: SignatureScheme = compute_signature) -> dict[str, str]:
    """Build the signature headers Palomma would send with this body.

    For tests and for fake servers that deliver webhooks.

    Args:
        body: The exact bytes that will be sent as the request body.
        secret: The merchant's integrity key.
        signature_scheme: The function that computes ``X-Signature``.

    Returns:
        ``{"X-Encoded-Data": <base64 of body>, "X-Signature": <signature>}``.
    """
    return {
        ENCODED_DATA_HEADER: base64.b64encode(body).decode("ascii"),
        SIGNATURE_HEADER: signature_scheme(body, secret),
    }


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # HTTP header names are case-insensitive; framework mappings (Starlette,
    # aiohttp) handle that, but a plain dict does not.
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, candidate in headers.items():
        if key.lower() == wanted:
            return candidate
    return None


# --------------------------------------------------------------------------- deduplication


@runtime_checkable
class DedupStore(Protocol):
    """Remembers which ``webhookId`` values were received, so each is processed once.

    Implement it on shared storage when more than one process receives
    webhooks; `InMemoryDedupStore` only sees its own process. ``mark_seen``
    must be atomic: of two concurrent calls with the same id, exactly one may
    return True. With Redis, ``SET NX`` gives that; with a database, a unique
    constraint on the id::

        class RedisDedupStore:
            def __init__(self, redis: redis.asyncio.Redis, ttl_seconds: int = 7 * 24 * 3600) -> None:
                self._redis = redis
                self._ttl_seconds = ttl_seconds

            async def mark_seen(self, webhook_id: str) -> bool:
                created = await self._redis.set(f"palomma:webhook:{webhook_id}", 1, nx=True, ex=self._ttl_seconds)
                return bool(created)

            async def forget(self, webhook_id: str) -> None:
                await self._redis.delete(f"palomma:webhook:{webhook_id}")
    """

    async def mark_seen(self, webhook_id: str) -> bool:
        """Record the id, atomically.

        Args:
            webhook_id: The delivery's ``webhookId``.

        Returns:
            True the first time the id is seen, False for every later call.
        """
        ...

    async def forget(self, webhook_id: str) -> None:
        """Remove the id, so that its next delivery counts as the first.

        Called when processing a delivery failed, so Palomma's retry is not
        dropped as a duplicate. Forgetting an unknown id does nothing.

        Args:
            webhook_id: The delivery's ``webhookId``.
        """
        ...


class InMemoryDedupStore:
    """A `DedupStore` in this process's memory, bounded in size and optionally in time.

    When full, it forgets the id first seen longest ago (first in, first out):
    retries come soonest after the first delivery, so the oldest ids are the
    least likely to come back. It is safe to share between event loops and
    threads of one process, but not between processes: behind several
    workers, use a shared store such as Redis.

    Args:
        max_entries: How many ids to remember at most.
        ttl: If given, ids are forgotten this many seconds after they were first seen.
        clock: Monotonic time in seconds; replaceable in tests.

    Raises:
        ValueError: ``max_entries`` is below 1, or ``ttl`` is not positive.
    """

    def __init__(
        self,
        max_entries: int = 10_000,
        *,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        if ttl is not None and ttl <= 0:
            raise ValueError(f"ttl must be positive, got {ttl}")
        self._max_entries = max_entries
        self._ttl = ttl
        self._clock = clock
        self._first_seen: collections.OrderedDict[str, float] = collections.OrderedDict()
        # No await happens inside mark_seen, so one event loop is already atomic;
        # the lock covers callers on other threads.
        self._lock = threading.Lock()

    async def mark_seen(self, webhook_id: str) -> bool:
        """Record the id.

        Args:
            webhook_id: The delivery's ``webhookId``.

        Returns:
            True the first time the id is seen (or after it expired or was
            evicted), False while it is remembered.
        """
        with self._lock:
            now = self._clock()
            self._drop_expired(now)
            if webhook_id in self._first_seen:
                return False
            self._first_seen[webhook_id] = now
            while len(self._first_seen) > self._max_entries:
                self._first_seen.popitem(last=False)
            return True

    async def forget(self, webhook_id: str) -> None:
        """Remove the id, so that its next delivery counts as the first.

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
        return f"InMemoryDedupStore(max_entries={self._max_entries}, ttl={self._ttl})"

    def _drop_expired(self, now: float) -> None:
        if self._ttl is None:
            return
        # Insertion order is first-seen order, so expired ids are all at the front.
        while self._first_seen:
            oldest_id, first_seen = next(iter(self._first_seen.items()))
            if now - first_seen < self._ttl:
                break
            del self._first_seen[oldest_id]


# --------------------------------------------------------------------------- receiver


class WebhookReceiver:
    """Verify, parse and deduplicate webhook deliveries for one merchant.

    Args:
        secret: The merchant's integrity key. It never appears in a repr, an
            error message or a log line.
        dedup_store: Where received ``webhookId`` values are remembered;
            defaults to a fresh `InMemoryDedupStore`.
        signature_scheme: Computes the expected ``X-Signature`` from the raw body
            and the secret. The default, `compute_signature`, follows the
            previous API generation; the v1 scheme is unconfirmed, so replace
            it if Palomma's signatures do not verify.

    Raises:
        ValueError: ``secret`` is empty.
    """

    def __init__(
        self,
        secret: str,
        *,
        dedup_store: DedupStore | None = None,
        signature_scheme: SignatureScheme = compute_signature,
    ) -> None:
        if not secret:
            raise ValueError("secret must be the merchant's integrity key, not empty")
        self._secret = secret
        self.dedup_store: DedupStore = dedup_store if dedup_store is not None else InMemoryDedupStore()
        self.signature_scheme = signature_scheme

    def __repr__(self) -> str:
        scheme = getattr(self.signature_scheme, "__qualname__", type(self.signature_scheme).__name__)
        return f"WebhookReceiver(secret=<hidden>, dedup_store={self.dedup_store!r}, signature_scheme={scheme})"

    def verify(self, body: bytes, headers: Mapping[str, str]) -> None:
        """Check the delivery's ``X-Signature`` header against the raw body.

        The comparison takes constant time (`hmac.compare_digest`), so response
        timing reveals nothing about the expected signature. The
        ``X-Encoded-Data`` header is not needed: the base64 is recomputed from
        the body, so only the bytes actually received are trusted.

        Args:
            body: The raw request body, byte for byte as received (not re-encoded JSON).
            headers: The request headers; names are matched case-insensitively.

        Raises:
            WebhookSignatureError: The header is missing, or does not match.
            TypeError: ``body`` is not bytes.
        """
        if not isinstance(body, bytes | bytearray):
            raise TypeError(f"body must be the raw request body as bytes, got {type(body).__name__}")
        received = _header(headers, SIGNATURE_HEADER)
        if received is None or not received.strip():
            logger.debug("Webhook rejected: no %s header", SIGNATURE_HEADER)
            raise WebhookSignatureError(f"missing {SIGNATURE_HEADER} header")
        expected = self.signature_scheme(bytes(body), self._secret)
        # compare_digest needs equal types; encoding both sides also accepts
        # non-ASCII header values without a TypeError.
        if not hmac.compare_digest(
            expected.encode("utf-8", errors="replace"), received.strip().encode("utf-8", errors="replace")
        ):
            logger.debug("Webhook rejected: %s does not match the body", SIGNATURE_HEADER)
            raise WebhookSignatureError(f"{SIGNATURE_HEADER} header does not match the body")

    async def verify_and_parse(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify a delivery, parse it, and claim its ``webhookId`` in the dedup store.

        The signature is checked before the body is read at all. The id is
        claimed atomically, so of several concurrent deliveries of one webhook
        exactly one returns; if processing the event then fails, call `forget`
        so that Palomma's retry is processed.

        Args:
            body: The raw request body, byte for byte as received.
            headers: The request headers; names are matched case-insensitively.

        Returns:
            An `InvoiceEvent`, a `SettlementEvent` or an `UnknownEvent`.

        Raises:
            WebhookSignatureError: The signature is missing or wrong (answer 401).
            WebhookPayloadError: The body is not a valid delivery (answer 400).
            DuplicateWebhookError: The ``webhookId`` was already received (answer 200).
            TypeError: ``body`` is not bytes.
        """
        self.verify(body, headers)
        event = parse_event(bytes(body))
        if not await self.dedup_store.mark_seen(event.webhook_id):
            logger.debug("Webhook %r already received; not processing it again", event.webhook_id)
            raise DuplicateWebhookError(event.webhook_id)
        return event

    async def forget(self, webhook_id: str) -> None:
        """Let the next delivery of this webhook through, after processing it failed.

        Args:
            webhook_id: The ``webhook_id`` of the event whose processing failed.
        """
        await self.dedup_store.forget(webhook_id)
