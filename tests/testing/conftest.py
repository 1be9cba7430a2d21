from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from palomma_client.testing import FAKE_BASE_URL, FakeClock, FakePalomma
from tests.testing.support import AUTH, START


@pytest.fixture
def fake() -> FakePalomma:
    """A fake with a frozen clock at START and reproducible ids."""
    return FakePalomma(clock=FakeClock(START), seed=1)


@pytest.fixture
async def http(fake: FakePalomma) -> AsyncIterator[httpx2.AsyncClient]:
    """A plain httpx2 client authenticated against `fake`, in process."""
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL, headers=AUTH
    ) as client:
        yield client
