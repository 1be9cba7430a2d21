"""The signature of a delivery: how it is computed, how it is checked, and how the key is kept out of sight.

The scheme is one small function, `compute_signature`, because the current
API's scheme is unconfirmed: whoever learns the real one passes their own
function as ``signature_scheme`` and nothing else changes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping
from typing import Final, TypeAlias

from palomma_client._constants import LOGGER_NAME
from palomma_client.webhooks._constants import ENCODED_DATA_HEADER, SIGNATURE_HEADER
from palomma_client.webhooks._errors import WebhookArgumentError, WebhookSignatureError

__all__ = [
    "SignatureScheme",
    "WebhookSecret",
    "check_body",
    "check_signature",
    "compute_signature",
    "sign_delivery",
    "verify_signature",
]

logger = logging.getLogger(LOGGER_NAME)

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


def sign_delivery(
    body: bytes | bytearray | memoryview, secret: str | bytes, *, signature_scheme: SignatureScheme = compute_signature
) -> dict[str, str]:
    """Build the signature headers Palomma would send with this body.

    For tests and for fake servers that deliver webhooks.

    Args:
        body: The exact bytes that will be sent as the request body.
        secret: The merchant's integrity key.
        signature_scheme: The function that computes ``X-Signature``.

    Returns:
        ``{"X-Encoded-Data": <base64 of body>, "X-Signature": <signature>}``.

    Raises:
        WebhookArgumentError: ``body`` is not bytes, or ``secret`` is empty or not text.
    """
    raw_body = check_body(body)
    return {
        ENCODED_DATA_HEADER: base64.b64encode(raw_body).decode("ascii"),
        SIGNATURE_HEADER: signature_scheme(raw_body, WebhookSecret(secret).reveal()),
    }


def verify_signature(
    body: bytes | bytearray | memoryview,
    headers: Mapping[str, str],
    secret: str | bytes,
    *,
    signature_scheme: SignatureScheme = compute_signature,
) -> None:
    """Check a delivery's ``X-Signature`` header against its raw body.

    The comparison takes constant time (`hmac.compare_digest`), so response
    timing reveals nothing about the expected signature. The
    ``X-Encoded-Data`` header is not needed: the base64 is recomputed from
    the body, so only the bytes actually received are trusted.

    Args:
        body: The raw request body, byte for byte as received (not re-encoded JSON).
        headers: The request headers; names are matched case-insensitively.
        secret: The merchant's integrity key.
        signature_scheme: Computes the expected ``X-Signature`` from the body and the key.

    Raises:
        WebhookSignatureError: The header is missing, or does not match.
        WebhookArgumentError: ``body`` is not bytes, ``headers`` is not a mapping, ``secret`` is
            empty or not text, or ``signature_scheme`` returned something other than text.
    """
    check_signature(check_body(body), headers, WebhookSecret(secret), signature_scheme)


def check_signature(
    body: bytes, headers: Mapping[str, str], secret: WebhookSecret, signature_scheme: SignatureScheme
) -> None:
    """`verify_signature` for a body already checked and a secret already wrapped."""
    if not isinstance(headers, Mapping):
        raise WebhookArgumentError(
            "headers", f"must be a mapping of header names to values, got {type(headers).__name__}"
        )
    received = _header(headers, SIGNATURE_HEADER)
    if received is None or not received.strip():
        logger.debug("Webhook rejected: no %s header", SIGNATURE_HEADER)
        raise WebhookSignatureError(f"missing {SIGNATURE_HEADER} header")
    expected = signature_scheme(body, secret.reveal())
    if not isinstance(expected, str):
        raise WebhookArgumentError(
            "signature_scheme", f"must return the expected signature as str, returned {type(expected).__name__}"
        )
    # compare_digest needs equal types; encoding both sides also accepts
    # non-ASCII header values without a TypeError.
    if not hmac.compare_digest(
        expected.encode("utf-8", errors="replace"), received.strip().encode("utf-8", errors="replace")
    ):
        logger.debug("Webhook rejected: %s does not match the body", SIGNATURE_HEADER)
        raise WebhookSignatureError(f"{SIGNATURE_HEADER} header does not match the body")


def check_body(body: object) -> bytes:
    """Return the raw body as bytes, or refuse anything else.

    Text is refused rather than encoded: the signature covers the bytes as
    sent, and a decoded-then-encoded body is not always the same bytes.
    """
    if isinstance(body, bytes):
        return body
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    raise WebhookArgumentError("body", f"must be the raw request body as bytes, got {type(body).__name__}")


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


_HIDDEN: Final = "<hidden>"


class WebhookSecret:
    """The merchant's integrity key, checked once and kept out of every repr, message and log.

    Error trackers and debuggers print the attributes and local variables of
    failing frames; holding the key in this object rather than in a plain
    string keeps it out of those too.

    Args:
        secret: The key as text, or as UTF-8 bytes (read from a file or a secrets manager).

    Raises:
        WebhookArgumentError: The key is empty or only whitespace, not text or bytes, or bytes
            that are not UTF-8 (Palomma's keys are text, and the signature is keyed with their UTF-8).
    """

    __slots__ = ("_value",)

    def __init__(self, secret: str | bytes | WebhookSecret) -> None:
        if isinstance(secret, WebhookSecret):
            self._value: str = secret._value  # noqa: SLF001  # another instance of this class
            return
        if isinstance(secret, bytes | bytearray):
            try:
                secret = bytes(secret).decode("utf-8")
            except UnicodeDecodeError:
                raise WebhookArgumentError(
                    "secret", "bytes must be the UTF-8 text of the merchant's integrity key"
                ) from None
        if not isinstance(secret, str):
            raise WebhookArgumentError(
                "secret", f"must be the merchant's integrity key as str or bytes, got {type(secret).__name__}"
            )
        if not secret.strip():
            raise WebhookArgumentError("secret", "must be the merchant's integrity key, not empty or blank")
        self._value = secret

    def reveal(self) -> str:
        """Return the key itself, for a signature scheme."""
        return self._value

    def __repr__(self) -> str:
        return _HIDDEN

    __str__ = __repr__
