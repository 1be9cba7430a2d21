"""examples/aiohttp_app.py on the fake Palomma API, served by aiohttp's test server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from palomma_client import PalommaClient
from palomma_client.aiohttp import PALOMMA_CLIENT
from palomma_client.testing import FakePalomma
from tests.examples.conftest import RecordingFactory, Reply, Service, StartService, load_example
from tests.examples.rent_service_contract import TENANT, RentServiceContract

aiohttp_app = load_example("aiohttp_app")


class AiohttpService:
    """The aiohttp service called over a real loopback connection."""

    def __init__(self, client: TestClient[web.Request, web.Application]) -> None:
        self._client = client

    async def request(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, str | int] | None = None
    ) -> Reply:
        async with self._client.request(method, path, json=json, params=params) as response:
            return Reply(response.status, response.headers, await response.text())


@asynccontextmanager
async def running(
    client_factory: Callable[[], PalommaClient],
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """Serve the app on 127.0.0.1 (its cleanup context runs at start and stop) and yield a client of it."""
    async with TestClient(TestServer(aiohttp_app.create_app(client_factory))) as client:
        yield client


@pytest.fixture
def start_service() -> StartService:
    """Start the aiohttp service on the loopback interface."""

    @asynccontextmanager
    async def start(client_factory: Callable[[], PalommaClient]) -> AsyncIterator[Service]:
        async with running(client_factory) as client:
            yield AiohttpService(client)

    return start


class TestAiohttpService(RentServiceContract):
    example = aiohttp_app


async def test_the_shared_client_is_kept_in_the_app_under_its_key(fake_clients: RecordingFactory) -> None:
    async with running(fake_clients) as client:
        assert client.app is not None
        assert client.app[PALOMMA_CLIENT] is fake_clients.made[0]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"not json", "body: must be a JSON object"),
        (b"[1, 2]", "body: must be a JSON object"),
        (b'{"reference": "R-1"}', "amount: is required"),
        # Types are left to the SDK, which checks them along with the API's rules.
        (
            b'{"reference": "R-1", "amount": "1850000", "description": "d", "redirect_url": "https://x.example"}',
            "amount: must be an integer, got str",
        ),
    ],
)
async def test_a_malformed_body_is_422_naming_the_problem_before_palomma(
    fake_clients: RecordingFactory, palomma_fake: FakePalomma, body: bytes, error: str
) -> None:
    async with running(fake_clients) as client:
        response = await client.post(
            f"/tenants/{TENANT}/rent-invoices", data=body, headers={"Content-Type": "application/json"}
        )
        answer = await response.json()

    assert (response.status, answer["error"]) == (422, error)
    assert palomma_fake.requests == []


async def test_a_limit_that_is_not_a_number_is_422(service: Service, palomma_fake: FakePalomma) -> None:
    reply = await service.request("GET", f"/tenants/{TENANT}/invoices", params={"limit": "ten"})

    assert (reply.status, reply.json()) == (
        422,
        {"error": "limit: must be an integer, got 'ten'", "type": "invalid_parameter", "parameter": "limit"},
    )
    assert palomma_fake.requests == []
