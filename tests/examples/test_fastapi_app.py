"""examples/fastapi_app.py on the fake Palomma API, called through httpx2 in process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest

from palomma_client import PalommaClient
from palomma_client.testing import FakePalomma
from tests.examples.conftest import RecordingFactory, Reply, Service, StartService, load_example, skip_wait
from tests.examples.rent_service_contract import TENANT, RentServiceContract, rent_invoice

fastapi_app = load_example("fastapi_app")


class HttpxService:
    """The FastAPI service called through ``httpx2.ASGITransport``: real HTTP semantics, no socket."""

    def __init__(self, http: httpx2.AsyncClient) -> None:
        self._http = http

    async def request(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, str | int] | None = None
    ) -> Reply:
        response = await self._http.request(method, path, json=json, params=params)
        return Reply(response.status_code, response.headers, response.text)


@pytest.fixture
def start_service() -> StartService:
    """Start the FastAPI service: run its lifespan (ASGITransport does not) and call it in process."""

    @asynccontextmanager
    async def start(client_factory: Callable[[], PalommaClient]) -> AsyncIterator[Service]:
        app = fastapi_app.create_app(client_factory)
        async with (
            app.router.lifespan_context(app),
            httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://rent.test") as http,
        ):
            yield HttpxService(http)

    return start


class TestFastAPIService(RentServiceContract):
    example = fastapi_app


async def test_a_body_missing_a_field_is_refused_by_fastapi_before_palomma(
    service: Service, palomma_fake: FakePalomma
) -> None:
    body = rent_invoice()
    del body["amount"]

    reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=body)

    assert reply.status == 422
    assert [error["loc"] for error in reply.json()["detail"]] == [["body", "amount"]]
    assert palomma_fake.requests == []


async def test_the_client_dependency_can_be_overridden(fake_clients: RecordingFactory) -> None:
    other_fake = FakePalomma()
    app = fastapi_app.create_app(fake_clients)
    async with (
        app.router.lifespan_context(app),
        other_fake.client(sleep=skip_wait) as other_client,
        httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://rent.test") as http,
    ):
        app.dependency_overrides[fastapi_app.get_palomma] = lambda: other_client
        response = await http.post(f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

    assert response.status_code == 201
    assert [invoice["id"] for invoice in other_fake.invoices()] == [response.json()["id"]]
