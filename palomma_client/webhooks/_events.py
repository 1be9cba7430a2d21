"""Typed webhook events, and the parser that turns a delivery's body into one.

The envelope (``webhookId``, ``timestamp``, ``type``, ``data``) is not in the
OpenAPI document, so its four fields are checked here by hand; ``data`` is an
``Invoice`` or a ``Settlement`` of the spec, so the generated ``from_dict``
checks it, exactly as it checks the API's responses.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping
from typing import Any, Final, NoReturn, TypeAlias, TypeVar

import attrs

from palomma_client._constants import LOGGER_NAME
from palomma_client._features import Feature, Model
from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._generated_names import Invoice, Settlement
from palomma_client._model_base import Model as GeneratedModel
from palomma_client.webhooks._errors import WebhookArgumentError, WebhookPayloadError

__all__ = ["InvoiceEvent", "SettlementEvent", "UnknownEvent", "WebhookEvent", "parse_event"]

logger = logging.getLogger(LOGGER_NAME)

_EXCERPT_LENGTH: Final = 80


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

_INVOICE_EVENTS: Final = Feature("parsing invoice webhook events (InvoiceEvent)", Model("Invoice"))
_SETTLEMENT_EVENTS: Final = Feature("parsing settlement webhook events (SettlementEvent)", Model("Settlement"))


def parse_event(body: bytes | bytearray | memoryview | str) -> WebhookEvent:
    """Parse a delivery's body into a typed event, without checking its signature, age or novelty.

    Use `WebhookReceiver.verify_and_parse` on a live endpoint; this function is
    for bodies already verified, or read back from storage.

    Args:
        body: The raw request body (JSON).

    Returns:
        An `InvoiceEvent`, a `SettlementEvent`, or an `UnknownEvent` for a
        ``type`` this SDK does not know. Enum values and fields the spec does
        not list are kept, not rejected.

    Raises:
        WebhookPayloadError: The body is not a JSON object; ``webhookId``,
            ``type`` or ``timestamp`` is missing or not a non-empty string (an
            ISO 8601 date-time for ``timestamp``); ``data`` is missing or not an
            object; or ``data`` does not match the spec's Invoice or Settlement
            (``field`` is then ``data.<the field's JSON name>``).
        WebhookArgumentError: ``body`` is neither bytes nor text.
        FeatureUnavailableError: The API's spec no longer has the model of this event's ``data``.
    """
    if not isinstance(body, bytes | bytearray | memoryview | str):
        raise WebhookArgumentError("body", f"must be the request body as bytes or text, got {type(body).__name__}")
    text_or_bytes = bytes(body) if isinstance(body, bytearray | memoryview) else body
    try:
        document = json.loads(text_or_bytes, parse_constant=_refuse_constant)
    # JSONDecodeError and UnicodeDecodeError are ValueErrors; absurdly deep nesting is a RecursionError.
    except (ValueError, RecursionError) as error:
        raise WebhookPayloadError(f"body is not JSON ({_reason(error)})", excerpt=_excerpt(text_or_bytes)) from error
    if not isinstance(document, dict):
        raise WebhookPayloadError("body is not a JSON object", excerpt=_excerpt(text_or_bytes))

    webhook_id = _required_string(document, "webhookId")
    event_type = _required_string(document, "type")
    raw_timestamp = _required_string(document, "timestamp")
    timestamp = _parse_timestamp(raw_timestamp)
    if "data" not in document:
        raise WebhookPayloadError("missing", field="data")
    data = document["data"]
    if not isinstance(data, dict):
        raise WebhookPayloadError(_wrong_type("an object", data), field="data")
    envelope: dict[str, Any] = {
        "webhook_id": webhook_id,
        "type": event_type,
        "timestamp": timestamp,
        "raw_timestamp": raw_timestamp,
        "additional_properties": {key: value for key, value in document.items() if key not in _ENVELOPE_KEYS},
    }

    if event_type == "invoice":
        _INVOICE_EVENTS.check()
        return InvoiceEvent(**envelope, data=_parse_data(Invoice, data))
    if event_type == "settlement":
        _SETTLEMENT_EVENTS.check()
        return SettlementEvent(**envelope, data=_parse_data(Settlement, data))
    logger.debug("Webhook %r has unknown type %r; returning an UnknownEvent", webhook_id, event_type)
    return UnknownEvent(**envelope, data=data)


_Model = TypeVar("_Model", bound=GeneratedModel)


def _parse_data(model: type[_Model], data: dict[str, Any]) -> _Model:
    try:
        return model.from_dict(data)
    except ResponseSchemaError as error:
        field = f"data.{error.path}" if error.path else "data"
        raise WebhookPayloadError(f"{error.problem} (in {model.__name__})", field=field) from error


def _required_string(document: Mapping[str, Any], key: str) -> str:
    if key not in document:
        raise WebhookPayloadError("missing", field=key)
    value = document[key]
    if not isinstance(value, str) or not value:
        raise WebhookPayloadError(_wrong_type("a non-empty string", value), field=key)
    return value


def _wrong_type(expected: str, value: Any) -> str:
    # Described as the generated models describe a wrong value, so every message reads alike.
    return ResponseSchemaError.wrong_type("", expected, value).problem


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


def _refuse_constant(name: str) -> NoReturn:
    # Python's json reads NaN and Infinity, which JSON does not have; an amount of NaN is no amount.
    raise ValueError(f"{name} is not a JSON value")


def _excerpt(value: Any) -> str:
    """Quote a value briefly: enough to recognise it in a log, never a whole body."""
    if isinstance(value, bytes):
        text = value[: _EXCERPT_LENGTH * 4].decode("utf-8", errors="replace")
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = repr(value)
    if len(text) > _EXCERPT_LENGTH:
        text = text[:_EXCERPT_LENGTH] + "..."
    return repr(text)


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
