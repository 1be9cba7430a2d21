"""Attempt deadlines: they pass on time (a tick late at most, never early), and only ever as a TimeoutError."""

from __future__ import annotations

import asyncio

import pytest

from palomma_client._deadline import TICK, Deadlines


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
