"""Every default of the webhook receiver and its stores, with the reason for each."""

from __future__ import annotations

import datetime
from typing import Final

__all__ = [
    "DEFAULT_DEDUP_TTL",
    "DEFAULT_MAX_AGE",
    "DEFAULT_MAX_CLOCK_SKEW",
    "DEFAULT_REDIS_KEY_PREFIX",
    "ENCODED_DATA_HEADER",
    "MAX_WEBHOOK_BODY_BYTES",
    "MAX_WEBHOOK_HEADER_BYTES",
    "SIGNATURE_HEADER",
]

SIGNATURE_HEADER: Final = "X-Signature"
"""The header that carries the signature of a delivery."""

ENCODED_DATA_HEADER: Final = "X-Encoded-Data"
"""The header that carries the base64 of the body, which the previous API generation signed."""

DEFAULT_MAX_AGE: Final = datetime.timedelta(days=3)
"""How old a delivery's ``timestamp`` may be before it is refused as a replay.

Palomma retries a failed delivery with the same body, so a retry carries the
timestamp of the first attempt and grows older with each one. Palomma does not
publish how long it keeps retrying; webhook senders commonly give up within one
to three days, so three days accepts every retry while still closing the door
on a delivery captured and replayed much later.
"""

DEFAULT_MAX_CLOCK_SKEW: Final = datetime.timedelta(minutes=5)
"""How far in the future a delivery's ``timestamp`` may be: two clocks never agree exactly."""

DEFAULT_DEDUP_TTL: Final = datetime.timedelta(days=7)
"""How long `RedisDedupStore` and `InMemoryDedupStore` remember a ``webhookId``.

It must outlast `DEFAULT_MAX_AGE` plus `DEFAULT_MAX_CLOCK_SKEW`: once an id is
forgotten, only the age check stands between a replay and a second processing.
A week is more than twice the longest retry accepted, and costs one small key
per webhook.
"""

DEFAULT_REDIS_KEY_PREFIX: Final = "palomma:webhook:"
"""Put before each ``webhookId`` to make its Redis key, so the keys are easy to find and never collide."""

MAX_WEBHOOK_BODY_BYTES: Final = 65_536
"""The largest delivery body accepted, in bytes (64 KiB); a larger one is acknowledged, logged and dropped.

A delivery holds one invoice or one settlement, about 1 KB of JSON: 64 KiB
leaves room for every field the API may add, while a body a hundred times
larger is no genuine delivery and is not worth the memory or the HMAC.
"""

MAX_WEBHOOK_HEADER_BYTES: Final = 131_072
"""The most bytes of request headers (names, values and separators) a delivery may carry (128 KiB).

The previous API generation sent ``X-Encoded-Data``, the base64 of the whole
body: for a body at `MAX_WEBHOOK_BODY_BYTES` that header alone is 87,384
bytes. Web servers refuse far less by default (aiohttp 8,190 bytes per header
line, uvicorn 16 KiB for the whole head), before the application sees the
request; see the docs' webhooks page for the settings that let such a
delivery reach the receiver.
"""
