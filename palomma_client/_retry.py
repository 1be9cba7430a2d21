"""When to retry, and how long to wait first.

The policy follows one rule: retry only when a repeat cannot do harm. A GET
is safe to repeat. Any other method is repeated only when the failed attempt
provably never reached the server, unless its operation has a policy of its
own (``_policies.py``), such as creating an invoice by its reference.
"""

from __future__ import annotations

import email.utils
import random
import time

import httpx2

from palomma_client._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from palomma_client._exceptions import APIConnectionError, APIStatusError, PalommaError

__all__ = ["backoff_delay", "is_retryable", "may_retry", "parse_retry_after", "reached_server"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

RETRYABLE_STATUSES = frozenset({408, 429})

# These never carried a request to the server: no connection was made, or
# none was free in the pool. Any other transport failure may have delivered
# the request before it broke.
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)


def may_retry(method: str, error: PalommaError) -> bool:
    """Whether a request with this method may be sent again after ``error``, by the default rule."""
    if method in SAFE_METHODS:
        return is_retryable(error)
    return is_retryable(error) and not reached_server(error)


def is_retryable(error: PalommaError) -> bool:
    """Whether a failure is worth another attempt (a connection failure, 408, 429 or 5xx)."""
    if isinstance(error, APIConnectionError):
        return True
    if isinstance(error, APIStatusError):
        return error.status_code in RETRYABLE_STATUSES or error.status_code >= 500
    return False


def reached_server(error: PalommaError) -> bool:
    """Whether the failed request may have taken effect on the server.

    A 429 is an explicit refusal, and connection failures in ``_NOT_SENT``
    never sent a byte; everything else (timeouts while reading, dropped
    connections, 408 and 5xx answers) leaves the outcome unknown.
    """
    if isinstance(error, APIStatusError):
        return error.status_code != 429
    if isinstance(error, APIConnectionError):
        return not isinstance(error.__cause__, _NOT_SENT)
    return True


def parse_retry_after(headers: httpx2.Headers, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from ``Retry-After`` (seconds or an HTTP date), capped.

    Returns:
        The delay in seconds, at most ``MAX_RETRY_AFTER``, or ``None`` when the header is absent or unreadable.
    """
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if _looks_like_http_date(value) else None
        if parsed is None:
            return None
        seconds = parsed.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _looks_like_http_date(value: str) -> bool:
    try:
        return email.utils.parsedate_tz(value) is not None
    except (TypeError, ValueError):
        return False


def backoff_delay(retries_so_far: int, error: PalommaError) -> float:
    """How long to wait before the next attempt.

    ``Retry-After`` is honoured as sent (capped). Otherwise the delay doubles
    from ``INITIAL_RETRY_DELAY`` up to ``MAX_RETRY_DELAY``, less up to 25%
    jitter so that many clients failing together do not retry in lockstep.
    """
    if isinstance(error, APIStatusError):
        retry_after = parse_retry_after(error.response.headers)
        if retry_after is not None:
            return retry_after
    delay = min(INITIAL_RETRY_DELAY * 2.0**retries_so_far, MAX_RETRY_DELAY)
    return delay * (1.0 - 0.25 * random.random())
