from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from palomma_client import PalommaClient

ROOT = Path(__file__).resolve().parent.parent

API_KEY = "sk_test_4f9a2c7e1b8d"
SANDBOX = "https://sandbox.api.palomma.com/v1"

Handler = Callable[[httpx2.Request], httpx2.Response]


def load_spec() -> dict[str, Any]:
    with (ROOT / "openapi.yaml").open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


_SPEC = load_spec()


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """The checked-in OpenAPI document, parsed."""
    return copy.deepcopy(_SPEC)


def example(path: str, method: str, name: str) -> dict[str, Any]:
    """A deep copy of one of the spec's 200 examples."""
    content = _SPEC["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    value: dict[str, Any] = copy.deepcopy(content["examples"][name]["value"])
    return value


def created_invoice(**changes: Any) -> dict[str, Any]:
    return {**example("/invoices", "post", "created"), **changes}


def settlement_body(**changes: Any) -> dict[str, Any]:
    return {**example("/settlements/{date}/{cycle}", "get", "found"), **changes}


def page_body(items: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"items": items, "cursor": cursor, "count": len(items)}


class RecordingAPI:
    """An httpx2.MockTransport whose answers are queued per test and whose requests are kept."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []
        self._answers: list[Handler | httpx2.Response | Exception] = []
        self.default: Handler | None = None
        self.transport = httpx2.MockTransport(self._handle)

    def queue(self, *answers: Handler | httpx2.Response | Exception) -> None:
        self._answers.extend(answers)

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self._answers:
            answer = self._answers.pop(0)
        elif self.default is not None:
            answer = self.default
        else:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx2.Response):
            return answer
        return answer(request)

    def methods(self) -> list[str]:
        return [f"{request.method} {request.url.path}" for request in self.requests]

    def json_body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


class Sleeps:
    """A stand-in for asyncio.sleep that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


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
