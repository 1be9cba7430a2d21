"""Attempt deadlines: they pass on time (a tick late at most, never early), and only ever as a TimeoutError.

The tests that wait for a deadline run on a ``tests.clock.ClockLoop``: its clock jumps to the next
timer when nothing else can run, so they wait no real time and measure exactly.
"""

from __future__ import annotations

import asyncio

import pytest

from palomma_client._deadline import TICK, Deadlines
from tests.clock import ClockLoop, run_on_a_clock_loop


async def _forever() -> None:
    await asyncio.Event().wait()


def test_a_deadline_ends_the_block_with_a_timeout_error_never_early_and_at_most_a_tick_late() -> None:
    async def main(loop: ClockLoop) -> None:
        started = loop.time()
        with pytest.raises(TimeoutError), Deadlines().start(0.2, loop):
            await _forever()
        assert 0.2 <= loop.time() - started <= 0.2 + TICK

    run_on_a_clock_loop(main)


def test_work_done_in_time_is_left_alone_when_its_tick_comes() -> None:
    async def main(loop: ClockLoop) -> None:
        with Deadlines().start(0.05, loop):
            await asyncio.sleep(0)
        await asyncio.sleep(0.05 + 2 * TICK)  # the tick's shared timer fires now, and finds nothing to cancel
        assert loop.pending_timers() == 0
        task = asyncio.current_task()
        assert task is not None
        assert task.cancelling() == 0

    run_on_a_clock_loop(main)


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


def test_an_outer_timeout_wins_over_a_later_deadline_and_an_inner_deadline_over_a_later_timeout() -> None:
    async def main(loop: ClockLoop) -> None:
        deadlines = Deadlines()

        async def outer_timeout_first() -> None:
            async with asyncio.timeout(0.1):
                with deadlines.start(30, loop):
                    await _forever()

        started = loop.time()
        with pytest.raises(TimeoutError):
            await outer_timeout_first()
        assert loop.time() - started == pytest.approx(0.1)  # the timeout's time, not the deadline's

        async with asyncio.timeout(30):
            started = loop.time()
            with pytest.raises(TimeoutError), deadlines.start(0.1, loop):
                await _forever()
            assert loop.time() - started <= 0.1 + TICK
            await asyncio.sleep(0)  # the outer timeout was not spent: the block goes on

    run_on_a_clock_loop(main)


def test_many_attempts_in_one_tick_all_time_out() -> None:
    async def main(loop: ClockLoop) -> None:
        deadlines = Deadlines()

        async def attempt() -> None:
            with deadlines.start(0.1, loop):
                await _forever()

        outcomes = await asyncio.gather(*(attempt() for _ in range(500)), return_exceptions=True)
        assert all(isinstance(outcome, TimeoutError) for outcome in outcomes)
        assert len(set(loop.timer_times)) == 1  # one timer for the tick they share

    run_on_a_clock_loop(main)


def test_attempts_spread_over_many_ticks_keep_one_timer_in_the_event_loop_and_still_time_out() -> None:
    async def main(loop: ClockLoop) -> None:
        deadlines = Deadlines()
        for _ in range(200):
            with deadlines.start(60, loop):
                await asyncio.sleep(0)
            loop.advance(TICK)
        # One timer for the earliest tick, however many ticks had attempts: the loop's other
        # timers (the HTTP libraries set one per read) stay cheap to schedule.
        assert loop.pending_timers() == 1

        async def stuck() -> None:
            with deadlines.start(60, loop):
                await _forever()

        attempt = loop.create_task(stuck())
        await asyncio.sleep(0)
        loop.advance(60 + TICK)
        with pytest.raises(TimeoutError):
            await attempt
        assert loop.pending_timers() == 0

    run_on_a_clock_loop(main)


def test_a_shorter_deadline_started_after_a_longer_one_passes_first() -> None:
    async def main(loop: ClockLoop) -> None:
        deadlines = Deadlines()

        async def stuck(seconds: float) -> None:
            with deadlines.start(seconds, loop):
                await _forever()

        long = loop.create_task(stuck(60))
        await asyncio.sleep(0)
        short = loop.create_task(stuck(1))
        await asyncio.sleep(0)
        loop.advance(1 + TICK)
        with pytest.raises(TimeoutError):
            await short
        assert not long.done()
        loop.advance(60)
        with pytest.raises(TimeoutError):
            await long

    run_on_a_clock_loop(main)
