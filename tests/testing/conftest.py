from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from palomma_client.testing import DEFAULT_API_KEY, FAKE_BASE_URL, FakeClock, FakePalomma

# 11:32:14.007 in Colombia: the next settlement cycle is 13:00 the same day.
START = datetime(2026, 3, 11, 16, 32, 14, 7000, tzinfo=UTC)
AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}


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


def invoice_body(**changes: Any) -> dict[str, Any]:
    """The spec's minimum valid createInvoice payload, with changes (a None value removes the field)."""
    body: dict[str, Any] = {
        "reference": "INV-2026-0001",
        "amount": 1_850_000,
        "description": "Canon de arrendamiento marzo 2026",
        "redirectUrl": "https://merchant.example.com/payments/return",
        "customerDocumentNumber": "900123456",
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not None}
