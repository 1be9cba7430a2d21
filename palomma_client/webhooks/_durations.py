"""Durations as the webhook code takes them: a timedelta, or seconds."""

from __future__ import annotations

import datetime
import math
from typing import TypeAlias

from palomma_client.webhooks._errors import WebhookArgumentError

__all__ = ["Duration", "to_timedelta"]

Duration: TypeAlias = datetime.timedelta | float
"""A length of time: a `datetime.timedelta`, or a number of seconds."""


def to_timedelta(value: Duration, parameter: str) -> datetime.timedelta:
    """Read a positive duration given as a timedelta or as seconds.

    Raises:
        WebhookArgumentError: ``value`` is not a duration, or is zero, negative, or not finite.
    """
    if isinstance(value, datetime.timedelta):
        duration = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise WebhookArgumentError(parameter, f"must be a finite number of seconds, got {value!r}")
        try:
            duration = datetime.timedelta(seconds=value)
        except OverflowError:
            raise WebhookArgumentError(parameter, f"is too long: {value!r} seconds") from None
    else:
        raise WebhookArgumentError(
            parameter, f"must be a datetime.timedelta or a number of seconds, got {type(value).__name__}"
        )
    if duration <= datetime.timedelta(0):
        raise WebhookArgumentError(parameter, f"must be positive, got {value!r}")
    return duration
