"""How big a delivery may be: one check for the receiver and both framework glues, so they all agree."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, Iterable, Mapping

from palomma_client._constants import LOGGER_NAME
from palomma_client.webhooks._constants import MAX_WEBHOOK_BODY_BYTES, MAX_WEBHOOK_HEADER_BYTES
from palomma_client.webhooks._errors import WebhookTooLargeError

__all__ = ["check_body_size", "check_header_size", "read_limited_body"]

logger = logging.getLogger(LOGGER_NAME)

# A header line is "name: value\r\n": four bytes beyond its name and value.
_HEADER_LINE_OVERHEAD = 4


def _too_large(part: str, size: int, limit: int) -> WebhookTooLargeError:
    error = WebhookTooLargeError(part, size, limit)
    # Answered 200, so that Palomma stops repeating it: this line is what is left of the delivery.
    logger.error(
        "Dropping a webhook delivery: %s (%s bytes seen); answering 200 so that Palomma stops retrying it",
        error,
        f"{size:,}",
    )
    return error


def check_header_size(headers: Mapping[str, str] | Iterable[tuple[bytes, bytes]]) -> None:
    """Refuse headers over `MAX_WEBHOOK_HEADER_BYTES`, counting each name, value and separators.

    Args:
        headers: The request headers: a mapping, or the raw (name, value) byte pairs a server
            received (repeated names counted each time).

    Raises:
        WebhookTooLargeError: They are larger (logged at ERROR level).
    """
    if isinstance(headers, Mapping):
        pairs = [(_encoded(name), _encoded(value)) for name, value in headers.items()]
    else:
        pairs = list(headers)
    size = sum(len(name) + len(value) + _HEADER_LINE_OVERHEAD for name, value in pairs)
    if size > MAX_WEBHOOK_HEADER_BYTES:
        raise _too_large("headers", size, MAX_WEBHOOK_HEADER_BYTES)


def _encoded(text: object) -> bytes:
    # HTTP carries header bytes; servers decode them as latin-1, which this undoes.
    return str(text).encode("latin-1", "replace")


def check_body_size(size: int) -> None:
    """Refuse a body over `MAX_WEBHOOK_BODY_BYTES`.

    Args:
        size: The body's length in bytes, read or declared by ``Content-Length``.

    Raises:
        WebhookTooLargeError: It is larger (logged at ERROR level).
    """
    if size > MAX_WEBHOOK_BODY_BYTES:
        raise _too_large("body", size, MAX_WEBHOOK_BODY_BYTES)


async def read_limited_body(chunks: AsyncIterable[bytes], content_length: str | None) -> bytes:
    """Read a request body, refusing it as soon as it is known to be over `MAX_WEBHOOK_BODY_BYTES`.

    A declared ``Content-Length`` over the limit is refused before a byte is read;
    without one (chunked), reading stops at the first chunk past the limit, so
    memory never holds more than the limit and one chunk.

    Args:
        chunks: The body as the server receives it.
        content_length: The ``Content-Length`` header, if any.

    Returns:
        The whole body.

    Raises:
        WebhookTooLargeError: The body is larger than the limit (logged at ERROR level).
    """
    # The server has already refused a malformed Content-Length; a well-formed one is checked before reading.
    if content_length is not None and content_length.strip().isdigit():
        check_body_size(int(content_length))
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        check_body_size(len(body))
    return bytes(body)
