"""When to retry, and how long to wait first.

The policy follows one rule: retry only when a repeat cannot do harm. A GET
is safe to repeat. Any other method is repeated only when the failed attempt
provably never reached the server, unless its operation has a policy of its
own (``_policies.py``), such as creating an invoice by its reference.
"""

from __future__ import annotations

import random

from palomma_client._constants import INITIAL_RETRY_DELAY, MAX_RETRY_DELAY
from palomma_client._exceptions import APIConnectionError, APIStatusError, PalommaError, parse_retry_after

__all__ = ["backoff_delay", "is_retryable", "may_retry", "reached_server"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

RETRYABLE_STATUSES = frozenset({408, 429})


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

    A 429 is an explicit refusal, and a connection failure whose backend
    saw that nothing was sent (no connection made, none free in the pool)
    never sent a byte; everything else (timeouts while reading, dropped
    connections, 408 and 5xx answers, unreadable answers) leaves the outcome unknown.
    """
    if isinstance(error, APIStatusError):
        return error.status_code != 429
    if isinstance(error, APIConnectionError):
        return error.may_have_reached_server
    return True


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
