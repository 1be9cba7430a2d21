"""An event loop whose clock moves only when the loop has nothing else to do: timing tests that wait no real time.

A test of a timeout on a real loop waits the timeout out, and a bound on how long that took
tests the machine as much as the code. On a ``ClockLoop`` the clock stands still while any
callback is ready to run or any socket has something to read or write; when the loop is left
with nothing to do but wait for a timer, the clock jumps to it at once (as trio's
``MockClock(autojump_threshold=0)`` does). Its sockets and servers are real, so a server on
127.0.0.1 in the same loop answers as it would on any loop; a deadline of 0.4 s passes after
exactly 0.4 s of the loop's time, whatever the load, and ``loop.time()`` measures what the code
asked for.

Run a test's coroutine on one with ``run_on_a_clock_loop``::

    def test_a_deadline(backend: str) -> None:
        async def main(loop: ClockLoop) -> None:
            ...

        run_on_a_clock_loop(main)

Loopback traffic is delivered within the system call that sends it (Linux hands it on before
``send`` returns), so a server and a client in one loop never leave the loop idle while a byte is
on its way. Traffic from another process or thread (a subprocess, a resolver thread) can: the
loop then jumps the clock early. Use it for tests whose peers all live in the loop, and connect
to an address (127.0.0.1), not a name that a resolver thread would look up.
"""

from __future__ import annotations

import asyncio
import contextvars
import selectors
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, TypeVarTuple

_T = TypeVar("_T")
_Ts = TypeVarTuple("_Ts")

START = 1000.0123
"""The clock's reading when a loop starts: far from zero, and between two ticks of any round length, so that
a time rounded the wrong way shows."""


class _JumpingSelector(selectors.DefaultSelector):
    """Asks the system what is ready without waiting; when nothing is and the loop would wait, moves its clock."""

    def __init__(self, clock: list[float]) -> None:
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        if ready or (timeout is not None and timeout <= 0):
            return ready
        if timeout is None:
            # No timer at all: only a socket or another thread can wake the loop; wait for it.
            waited: list[tuple[selectors.SelectorKey, int]] = super().select(None)
            return waited
        self._clock[0] += timeout  # the earliest timer is now due
        return []


class ClockLoop(asyncio.SelectorEventLoop):
    """A selector event loop on its own clock, which jumps to the next timer whenever the loop would wait for it.

    ``timer_times`` keeps when each timer it was asked for falls due, for tests that count them. The
    timers themselves are held weakly: a timer keeps the context it was made in (a cancelled one too),
    and a test that a finished call leaves nothing alive must not find it kept here.
    """

    def __init__(self) -> None:
        self._now = [START]
        super().__init__(_JumpingSelector(self._now))
        self.timer_times: list[float] = []
        self._timers: list[weakref.ref[asyncio.TimerHandle]] = []

    def time(self) -> float:
        return self._now[0]

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` on now; timers that fall due run the next time the loop turns."""
        self._now[0] += seconds

    def call_at(
        self,
        when: float,
        callback: Callable[[*_Ts], object],
        *args: *_Ts,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        handle = super().call_at(when, callback, *args, context=context)
        self.timer_times.append(handle.when())
        self._timers.append(weakref.ref(handle))
        return handle

    def pending_timers(self) -> int:
        """How many timers are still to fire: not cancelled, and due later than now."""
        timers = (reference() for reference in self._timers)
        return sum(1 for timer in timers if timer is not None and not timer.cancelled() and timer.when() > self.time())


def run_on_a_clock_loop(main: Callable[[ClockLoop], Coroutine[Any, Any, _T]]) -> _T:
    """Run ``main`` on a new ``ClockLoop``, then close the loop as ``asyncio.run`` would.

    Args:
        main: The test's coroutine function; it is given the loop, to read or move its clock.

    Returns:
        What ``main`` returned.
    """
    loop = ClockLoop()
    try:
        return loop.run_until_complete(main(loop))
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()
