"""Deadlines for attempts that share their timers: one timer per tick of deadlines, not one per attempt."""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import math
import time
from collections.abc import Callable
from types import TracebackType

__all__ = ["TICK", "Deadline", "Deadlines"]

_EMPTY_CONTEXT = contextvars.Context()
"""Where the expiry timers run: they read no context variable."""

TICK = 0.05
"""Seconds: a deadline is rounded up to the next tick, so it passes up to this late, never early."""


class Deadline:
    """One attempt's deadline, as a context manager around the attempt.

    Past the deadline the attempt's task is cancelled, and the block raises
    ``TimeoutError`` instead of the ``CancelledError``, exactly as
    ``asyncio.timeout`` does: a cancellation from elsewhere still propagates
    as a cancellation.
    """

    __slots__ = ("_cancelling", "_expired", "_task", "_waiting")

    def __init__(self, task: asyncio.Task[object], waiting: set[Deadline]) -> None:
        self._task = task
        # The deadlines of its tick: once the tick has passed, a set no one looks at any more.
        self._waiting = waiting
        self._cancelling = task.cancelling()
        self._expired = False

    def expire(self) -> None:
        """Cancel the attempt: its deadline has passed."""
        self._expired = True
        self._task.cancel()

    def __enter__(self) -> Deadline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._waiting.discard(self)
        if self._expired and self._task.uncancel() <= self._cancelling and exc_type is asyncio.CancelledError:
            # No other cancellation was asked for: this one was the deadline's.
            raise TimeoutError from exc


class _NoDeadline:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


_NO_DEADLINE = _NoDeadline()


class Deadlines:
    """The deadlines of one backend's attempts, cancelled by one timer for the earliest tick in which some fall.

    ``asyncio.timeout`` schedules a timer for each attempt and cancels it
    afterwards; on the aiohttp backend that was a twentieth of the CPU of a
    call. Here attempts whose deadlines fall in the same tick (``TICK``)
    share a set, and an attempt costs two set operations. Only the earliest
    tick that still has an attempt waiting holds a timer of the event loop:
    a timer per tick (a call's default deadline is a minute away, so some
    1,300 of them at a steady pace) made every timer the HTTP libraries
    set and cancel on each call slower to schedule, which the bench targets
    "invoices.get on aiohttp at most 1.20x raw aiohttp" and "client layer at
    most 1.05x the generated function (get)" cannot spare.
    """

    __slots__ = ("_clock", "_loop", "_ticks", "_timer", "_timer_tick", "_waiting")

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clock: Callable[[], float] = time.monotonic
        self._waiting: dict[int, set[Deadline]] = {}
        self._ticks: list[int] = []  # the keys of _waiting, as a heap: the earliest first
        self._timer: asyncio.TimerHandle | None = None
        self._timer_tick = 0  # the tick the timer fires at, while there is one

    def start(self, seconds: float | None, loop: asyncio.AbstractEventLoop | None = None) -> Deadline | _NoDeadline:
        """A deadline ``seconds`` from now for the running task, or none for ``None``.

        Args:
            seconds: How long the block may take, or ``None`` for no deadline.
            loop: The running event loop, when the caller has it already. On Python 3.11 each
                ``asyncio.get_running_loop()`` is a system call (``getpid``), and the invoices.get
                bench targets cannot spare one per attempt.
        """
        if seconds is None:
            return _NO_DEADLINE
        if loop is None:
            loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # Timers belong to one event loop; under another one, start afresh.
            self._loop, self._waiting, self._ticks, self._timer = loop, {}, [], None
            # asyncio's own loops tell time by time.monotonic: read it directly, not through a
            # method call per attempt (the invoices.get bench targets need the call); any other
            # loop's clock is its own.
            self._clock = time.monotonic if type(loop).time is asyncio.BaseEventLoop.time else loop.time
        task = asyncio.current_task(loop)
        assert task is not None, "a deadline bounds a task"
        tick = math.ceil((self._clock() + seconds) / TICK)
        waiting = self._waiting.get(tick)
        if waiting is None:
            waiting = self._waiting[tick] = set()
            heapq.heappush(self._ticks, tick)
            if self._timer is None or tick < self._timer_tick:
                self._schedule(loop, tick)
        deadline = Deadline(task, waiting)
        waiting.add(deadline)
        return deadline

    def _schedule(self, loop: asyncio.AbstractEventLoop, tick: int) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer_tick = tick
        # Run in an empty context: the timer outlives the attempt that set it,
        # and the attempt's context (its span, say) must not live on with it.
        self._timer = loop.call_at(tick * TICK, self._expire, loop, context=_EMPTY_CONTEXT)

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        if loop is not self._loop:
            return  # a timer of a loop these deadlines have left
        self._timer = None
        ticks, waiting = self._ticks, self._waiting
        while ticks and ticks[0] <= self._timer_tick:
            for deadline in waiting.pop(heapq.heappop(ticks)):
                deadline.expire()
        # A tick whose attempts have all ended needs no timer: let it go before its time.
        while ticks and not waiting[ticks[0]]:
            del waiting[heapq.heappop(ticks)]
        if ticks:
            self._schedule(loop, ticks[0])
