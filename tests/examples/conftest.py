"""What the tests of the examples share: loading an example, the fake-backed client factory, what they refused."""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import sys
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

import pytest

import palomma_client
from palomma_client import FeatureUnavailableError, InvoiceOutcomeUnknownError, PalommaClient
from palomma_client.testing import FakePalomma
from tests.support import ROOT
from tests.testing.support import feature_is_unavailable, unavailable_reason

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


# --- what the spec no longer lets an example do ------------------------------------------------------


def example_lacks_what_it_names(refusal: FeatureUnavailableError) -> bool:
    """Whether each member an example's ``needs`` found missing (```Invoices.get```) really is missing.

    ``examples/spec_needs.py`` names a generated class and one of its methods or fields; a
    refusal of anything else, or of a member the class has, is not the spec's doing.
    """
    for phrase in refusal.missing:
        kind, _, member = phrase.strip("`").partition(".")
        public = getattr(palomma_client, kind, None)
        if not isinstance(public, type) or not member:
            return False
        fields = getattr(public, "JSON_NAMES", None)
        if (member in fields) if isinstance(fields, dict) else hasattr(public, member):
            return False
    return True


def skip_for_refusals(refusals: Iterable[FeatureUnavailableError]) -> None:
    """Skip the running test, naming what is gone, when the example refused for want of what the spec lacks.

    An example refuses through ``needs`` or a feature of the SDK it calls; each refusal must
    name only what the generated code really lacks, else nothing is skipped (the test then
    fails as it would have).
    """
    found = list(refusals)
    genuine = [
        refusal for refusal in found if example_lacks_what_it_names(refusal) or feature_is_unavailable(refusal.feature)
    ]
    if found and genuine == found:
        pytest.skip(unavailable_reason(found[0]))


def _refusal(value: object) -> FeatureUnavailableError | None:
    if isinstance(value, InvoiceOutcomeUnknownError):
        value = value.__cause__  # a create the spec no longer lets the SDK recover: the lookup is what is gone
    return value if isinstance(value, FeatureUnavailableError) else None


class RefusalsLogged(logging.Handler):
    """Keeps each ``FeatureUnavailableError`` a log record carries.

    A service does not raise what it refused to its caller: the glue answers 501 (or 503 for a
    create it cannot check) and logs the error, a webhook receiver logs a failure to process an
    event it already answered. The record is the one place the refusal, and what it names, shows.
    """

    def __init__(self) -> None:
        super().__init__()
        self.refusals: list[FeatureUnavailableError] = []

    def emit(self, record: logging.LogRecord) -> None:
        carried = [*(record.args if isinstance(record.args, tuple) else ()), record.exc_info and record.exc_info[1]]
        self.refusals.extend(refusal for refusal in map(_refusal, carried) if refusal is not None)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    """Skip a test of an example, naming what is gone, when it failed after the example refused for want of it."""
    logged = RefusalsLogged()
    logging.getLogger().addHandler(logged)
    try:
        return (yield)
    except (Exception, pytest.fail.Exception):
        skip_for_refusals(logged.refusals)
        raise
    finally:
        logging.getLogger().removeHandler(logged)
