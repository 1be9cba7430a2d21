"""What the tests of the example web services share: loading an example, the fake-backed client factory."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

import pytest

from palomma_client import PalommaClient
from palomma_client.testing import FakePalomma
from tests.support import ROOT

EXAMPLES = ROOT / "examples"


@functools.cache
def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` once; the examples are programs, not part of any package."""
    # As when run as scripts, the examples import their sibling modules from their own folder.
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before running, as an import would: pydantic resolves a model's annotations through it.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def skip_wait(delay: float) -> None:
    """Stands in for ``asyncio.sleep`` between the SDK's retries, so that no test waits."""


class RecordingFactory:
    """A client factory for a service that remembers every client it made, to check them afterwards."""

    def __init__(self, make: Callable[[], PalommaClient]) -> None:
        self._make = make
        self.made: list[PalommaClient] = []

    def __call__(self) -> PalommaClient:
        client = self._make()
        self.made.append(client)
        return client


@dataclass(frozen=True)
class Reply:
    """A service's answer, whichever framework served it."""

    status: int
    headers: Mapping[str, str]
    text: str

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.text)


class Service(Protocol):
    """A running example service, called over its HTTP API."""

    async def request(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, str | int] | None = None
    ) -> Reply: ...


StartService = Callable[[Callable[[], PalommaClient]], AbstractAsyncContextManager[Service]]
"""Starts a service with a client factory (running its lifespan or cleanup context) and stops it on exit."""


@pytest.fixture
def fake_clients(palomma_fake: FakePalomma) -> RecordingFactory:
    """Makes clients wired in process to the test's fake, that retry without waiting."""
    return RecordingFactory(lambda: palomma_fake.client(sleep=skip_wait))


@pytest.fixture
async def service(start_service: StartService, fake_clients: RecordingFactory) -> AsyncIterator[Service]:
    """The test module's service, running on the fake Palomma API."""
    async with start_service(fake_clients) as running:
        yield running
