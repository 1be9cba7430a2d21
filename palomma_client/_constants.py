"""Every default of the SDK, in one place."""

from __future__ import annotations

from typing import Final

import httpx2

__all__ = [
    "BODY_EXCERPT_LENGTH",
    "CREATE_CLOCK_SKEW",
    "CREATE_LOOKUP_GRACE_PERIOD",
    "DEFAULT_BATCH_CONCURRENCY",
    "DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES",
    "DEFAULT_CONNECTION_LIMITS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "INITIAL_RETRY_DELAY",
    "LOGGER_NAME",
    "MAX_EMPTY_PAGES",
    "MAX_RESPONSE_HEADER_BYTES",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
]

DEFAULT_TIMEOUT: Final = httpx2.Timeout(30.0, connect=5.0)
"""30 seconds to read, write or wait for a pooled connection, 5 to connect: never forever."""

DEFAULT_CONNECTION_LIMITS: Final = httpx2.Limits(max_connections=100, max_keepalive_connections=100)
"""Keep every pooled connection alive, so bursts of concurrent calls reuse them."""

DEFAULT_MAX_RETRIES: Final = 2
"""How many times a failed call is retried, where a retry is safe."""

INITIAL_RETRY_DELAY: Final = 0.5
"""Seconds before the first retry; doubled for each retry after it."""

MAX_RETRY_DELAY: Final = 8.0
"""The longest backoff the SDK chooses on its own."""

MAX_RETRY_AFTER: Final = 60.0
"""The longest ``Retry-After`` the SDK honours; a longer one is cut to this."""

DEFAULT_MAX_RESPONSE_BYTES: Final = 8 * 1024 * 1024
"""The largest answer read, inflated: a page of 100 invoices is about 60 KB, so this is generous."""

MAX_RESPONSE_HEADER_BYTES: Final = 100 * 1024
"""The largest head (status line and headers) of an answer read, on either backend.

It is httpcore2's own limit, which the httpx2 backend cannot change; the aiohttp
backend keeps the same one (its default, 8 KB per line, is far lower). An API's
head is well under 2 KB; a larger one is a proxy gone wrong, and fails as a
connection error that may have reached the server.
"""

MAX_EMPTY_PAGES: Final = 10
"""Empty pages in a row, each promising another, after which a pager gives up with PaginationError."""

CREATE_LOOKUP_GRACE_PERIOD: Final = 10.0
"""Seconds of backoff for which a create that may have taken effect keeps looking its reference up
before it is sent again: the API may list a new invoice late, or still be processing the create."""

CREATE_CLOCK_SKEW: Final = 120.0
"""Seconds by which an invoice found after an ambiguous create may seem older than the call, and still be its own.

The call's start is read on the API's clock where its answer has a ``Date``
(whole seconds, and perhaps stamped by another host than the one that wrote
``createdAt``), else on this machine's, which may drift from the API's by
more. Too little would report the call's own invoice as a different one
(``ReferenceAlreadyUsedError``, which still carries it: nothing is billed
twice); too much would take an invoice with the same reference and every
same field, made just before the call, for the call's own.
"""

DEFAULT_BATCH_CONCURRENCY: Final = 10
"""Invoices in flight at once in a batch: enough to finish hundreds in seconds without flooding the API."""

DEFAULT_BATCH_MAX_CONSECUTIVE_FAILURES: Final = 5
"""Items in a row that fail to reach the API, or meet a server error, before a batch stops starting more.

Each of them has already been retried by the client; five in a row means the API
is down or unreachable, and the rest of the batch would only fail the same way.
"""

BODY_EXCERPT_LENGTH: Final = 200
"""How much of a response body an error message quotes."""

LOGGER_NAME: Final = "palomma_client"
"""The logger every module of the SDK writes to."""
