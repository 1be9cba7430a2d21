"""FakeClock: frozen or ticking, moved by hand, always UTC with millisecond precision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from palomma_client.testing import FakeClock

START = datetime(2026, 3, 11, 16, 32, 14, 7000, tzinfo=UTC)


def test_a_frozen_clock_stays_where_it_was_set() -> None:
    clock = FakeClock(START)
    assert clock.now() == START
    assert clock.now() == START
    assert not clock.ticking


def test_the_default_start_is_the_current_utc_time_in_milliseconds() -> None:
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    now = FakeClock().now()
    assert before <= now <= datetime.now(UTC)
    assert now.tzinfo is UTC
    assert now.microsecond % 1000 == 0


def test_advance_moves_forward_and_returns_the_new_time() -> None:
    clock = FakeClock(START)
    assert clock.advance(timedelta(minutes=5)) == START + timedelta(minutes=5)
    assert clock.now() == START + timedelta(minutes=5)


def test_advance_refuses_to_go_backwards() -> None:
    with pytest.raises(ValueError, match="only moves forward"):
        FakeClock(START).advance(timedelta(seconds=-1))


def test_set_jumps_anywhere_and_normalises_to_utc_milliseconds() -> None:
    clock = FakeClock(START)
    bogota = timezone(timedelta(hours=-5))
    moment = clock.set(datetime(2026, 1, 1, 8, 0, 0, 123456, tzinfo=bogota))
    assert moment == datetime(2026, 1, 1, 13, 0, 0, 123000, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeClock(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeClock(START).set(datetime(2026, 1, 1))


def test_a_ticking_clock_follows_the_wall_clock_from_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    seconds = [100.0]
    monkeypatch.setattr("palomma_client.testing._clock.time.monotonic", lambda: seconds[0])
    clock = FakeClock(START, ticking=True)
    seconds[0] += 2.5
    assert clock.now() == START + timedelta(seconds=2.5)
    clock.advance(timedelta(hours=1))
    seconds[0] += 1
    assert clock.now() == START + timedelta(hours=1, seconds=3.5)


async def test_sleep_lets_fake_time_pass_at_once() -> None:
    clock = FakeClock(START)
    await clock.sleep(1.5)
    await clock.sleep(-3)
    assert clock.now() == START + timedelta(seconds=1.5)


def test_repr_shows_the_time() -> None:
    assert repr(FakeClock(START)) == "FakeClock('2026-03-11T16:32:14.007000+00:00', ticking=False)"
