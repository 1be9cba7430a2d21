"""Fixtures every test module may use; the helpers behind them live in tests/support.py."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest

from palomma_client import PalommaClient
from tests.support import API_KEY, SPEC, RecordingAPI, Sleeps


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """The checked-in OpenAPI document, parsed."""
    return copy.deepcopy(SPEC)


@pytest.fixture
def api() -> RecordingAPI:
    return RecordingAPI()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PALOMMA_API_KEY", "PALOMMA_ENVIRONMENT", "PALOMMA_BASE_URL", "PALOMMA_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def palomma(api: RecordingAPI, sleeps: Sleeps, clean_environment: None) -> AsyncIterator[PalommaClient]:
    async with PalommaClient(api_key=API_KEY, environment="sandbox", transport=api.transport, sleep=sleeps) as client:
        yield client
