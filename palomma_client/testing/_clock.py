"""The fake API's controllable clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

__all__ = ["FakeClock"]


def _to_utc_milliseconds(moment: datetime) -> datetime:
    # The API speaks in milliseconds ("2026-03-11T16:32:14.007Z"); keeping the clock at that precision
    # makes every stored timestamp round-trip exactly through its JSON form.
    if moment.tzinfo is None:
        raise ValueError("FakeClock needs a timezone-aware datetime (for example datetime(..., tzinfo=UTC))")
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class FakeClock:
    """The time as the fake Palomma API sees it.

    A frozen clock (the default) only moves when a test moves it, so expiry and settlement
    cycles happen exactly when the test says. A ticking clock follows the wall clock from its
    start time (what the command-line server uses), and can still be moved by hand.

    Args:
        start: The initial time, timezone-aware. Defaults to the current UTC time.
        ticking: Whether time also passes on its own, at the speed of the wall clock.

    Raises:
        ValueError: If `start` is a naive datetime.
    """

    def __init__(self, start: datetime | None = None, *, ticking: bool = False) -> None:
        self._base = _to_utc_milliseconds(start if start is not None else datetime.now(UTC))
        self._ticking = ticking
        self._anchor = time.monotonic()

    @property
    def ticking(self) -> bool:
        """Whether the clock also moves on its own, with the wall clock."""
        return self._ticking

    def now(self) -> datetime:
        """Return the current fake time: timezone-aware, UTC, millisecond precision."""
        if not self._ticking:
            return self._base
        return _to_utc_milliseconds(self._base + timedelta(seconds=time.monotonic() - self._anchor))

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward.

        Args:
            delta: How far to move; must not be negative (use `set` to go back in time).

        Returns:
            The new current time.

        Raises:
            ValueError: If `delta` is negative.
        """
        if delta < timedelta(0):
            raise ValueError("FakeClock.advance() only moves forward; use set() to go back in time")
        return self.set(self.now() + delta)

    def set(self, moment: datetime) -> datetime:
        """Jump to a given time (forwards or backwards).

        Args:
            moment: The new time, timezone-aware.

        Returns:
            The new current time, converted to UTC and truncated to milliseconds.

        Raises:
            ValueError: If `moment` is a naive datetime.
        """
        self._base = _to_utc_milliseconds(moment)
        self._anchor = time.monotonic()
        return self._base

    async def sleep(self, seconds: float) -> None:
        """Let `seconds` pass on the fake clock at once, without real waiting.

        Assign it as the fake's sleep (`fake.sleep = fake.clock.sleep`) so that injected
        latency moves fake time instead of real time.

        Args:
            seconds: How long to "sleep"; negative values count as zero.
        """
        self.advance(timedelta(seconds=max(seconds, 0.0)))

    def __repr__(self) -> str:
        return f"FakeClock({self.now().isoformat()!r}, ticking={self._ticking})"
