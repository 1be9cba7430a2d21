"""Attempt deadlines: they pass on time (a tick late at most, never early), and only ever as a TimeoutError."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any, TypeVarTuple

import pytest

from palomma_client._deadline import TICK, Deadlines

_Ts = TypeVarTuple("_Ts")


async def _forever() -> None:
    await asyncio.Event().wait()


async def test_a_deadline_ends_the_block_with_a_timeout_error_never_early() -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TimeoutError), Deadlines().start(0.2):
        await _forever()
    elapsed = loop.time() - started
    assert 0.2 <= elapsed < 0.2 + TICK + 0.5


async def test_work_done_in_time_is_left_alone_when_its_tick_comes() -> None:
    with Deadlines().start(0.05):
        await asyncio.sleep(0)
    await asyncio.sleep(0.05 + 2 * TICK)  # the tick's shared timer fires now, and finds nothing to cancel
    task = asyncio.current_task()
    assert task is not None
    assert task.cancelling() == 0


async def test_no_deadline_bounds_nothing() -> None:
    with Deadlines().start(None) as nothing:
        await asyncio.sleep(0)
    assert nothing is None


async def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    deadlines = Deadlines()

    async def bounded() -> None:
        with deadlines.start(30):
            await _forever()

    task = asyncio.create_task(bounded())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_an_outer_timeout_wins_over_a_later_deadline_and_an_inner_deadline_over_a_later_timeout() -> None:
    deadlines = Deadlines()

    async def outer_timeout_first() -> None:
        async with asyncio.timeout(0.1):
            with deadlines.start(30):
                await _forever()

    with pytest.raises(TimeoutError):
        await outer_timeout_first()

    async with asyncio.timeout(30):
        with pytest.raises(TimeoutError), deadlines.start(0.1):
            await _forever()
        await asyncio.sleep(0)  # the outer timeout was not spent: the block goes on


async def test_many_attempts_in_one_tick_all_time_out() -> None:
    deadlines = Deadlines()

    async def attempt() -> None:
        with deadlines.start(0.1):
            await _forever()

    outcomes = await asyncio.gather(*(attempt() for _ in range(500)), return_exceptions=True)
    assert all(isinstance(outcome, TimeoutError) for outcome in outcomes)


class _ClockLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock the test moves, and which keeps every timer it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 1000.0
        self.timers: list[asyncio.TimerHandle] = []

    def time(self) -> float:
        return self.now

    def call_at(
        self,
        when: float,
        callback: Callable[[*_Ts], object],
        *args: *_Ts,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        handle = super().call_at(when, callback, *args, context=context)
        self.timers.append(handle)
        return handle

    def pending_timers(self) -> int:
        return sum(1 for timer in self.timers if not timer.cancelled() and timer.when() > self.now)


def _run(main: Callable[[_ClockLoop], Coroutine[Any, Any, None]]) -> None:
    loop = _ClockLoop()
    try:
        loop.run_until_complete(main(loop))
    finally:
        loop.close()


def test_attempts_spread_over_many_ticks_keep_one_timer_in_the_event_loop_and_still_time_out() -> None:
    async def main(loop: _ClockLoop) -> None:
        deadlines = Deadlines()
        for _ in range(200):
            with deadlines.start(60, loop):
                await asyncio.sleep(0)
            loop.now += TICK
        # One timer for the earliest tick, however many ticks had attempts: the loop's other
        # timers (the HTTP libraries set one per read) stay cheap to schedule.
        assert loop.pending_timers() == 1

        async def stuck() -> None:
            with deadlines.start(60, loop):
                await _forever()

        attempt = loop.create_task(stuck())
        await asyncio.sleep(0)
        loop.now += 60 + TICK
        with pytest.raises(TimeoutError):
            await attempt
        assert loop.pending_timers() == 0

    _run(main)


def test_a_shorter_deadline_started_after_a_longer_one_passes_first() -> None:
    async def main(loop: _ClockLoop) -> None:
        deadlines = Deadlines()

        async def stuck(seconds: float) -> None:
            with deadlines.start(seconds, loop):
                await _forever()

        long = loop.create_task(stuck(60))
        await asyncio.sleep(0)
        short = loop.create_task(stuck(1))
        await asyncio.sleep(0)
        loop.now += 1 + TICK
        with pytest.raises(TimeoutError):
            await short
        assert not long.done()
        loop.now += 60
        with pytest.raises(TimeoutError):
            await long

    _run(main)
