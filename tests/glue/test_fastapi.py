"""palomma_client.fastapi: a FastAPI service's lifespan, dependency and error answers, through TestClient."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx2
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from palomma_client import PalommaClient
from palomma_client.fastapi import add_exception_handlers, get_palomma, palomma_lifespan, read_webhook_body
from palomma_client.webhooks import DedupStore, InMemoryDedupStore
from tests.glue.scenarios import (
    KEY,
    SCENARIOS,
    Call,
    Scenario,
    ServiceCalls,
    Upstream,
    api_answer,
    create,
    ignore_event,
    list_all,
    never_called,
    new_receiver,
    read_once,
    refused,
    service_calls,
    use_a_closed_client,
    webhook_delivery,
)

Palomma = Annotated[PalommaClient, Depends(get_palomma)]


@pytest.fixture
def calls() -> ServiceCalls:
    """The calls of the spec the service makes: a read."""
    return service_calls()


def billing_service(
    client_factory: Callable[[], PalommaClient],
    calls: ServiceCalls,
    dedup_store: Callable[[], DedupStore] = InMemoryDedupStore,
) -> FastAPI:
    """The service of `tests.glue.scenarios`, built with the FastAPI glue."""
    app = FastAPI(lifespan=palomma_lifespan(client_factory))
    add_exception_handlers(app)
    receiver = new_receiver(dedup_store())

    async def read(palomma: Palomma) -> Any:
        return await read_once(palomma, calls)

    # The route declares the read's model, as a service declares what it answers: FastAPI writes it as JSON.
    app.add_api_route("/read", read, methods=["GET"], response_model=type(calls.read.expected))

    @app.get("/list")
    async def listing(palomma: Palomma) -> dict[str, Any]:
        return await list_all(palomma, calls)

    @app.get("/refused")
    async def refusal(palomma: Palomma) -> None:
        await refused(palomma, calls)

    @app.post("/create", status_code=201)
    async def creation(palomma: Palomma) -> dict[str, Any]:
        made: dict[str, Any] = (await create(palomma, calls)).to_dict()
        return made

    @app.get("/closed")
    async def closed() -> None:
        await use_a_closed_client(calls)

    @app.post("/webhooks")
    async def webhooks(request: Request) -> dict[str, bool]:
        await receiver.process(await read_webhook_body(request), request.headers, ignore_event)
        return {"received": True}

    return app


def call(http: TestClient, request: Call) -> httpx2.Response:
    response: httpx2.Response = http.request(
        request.method, request.path, json=request.json, content=request.content, headers=dict(request.headers)
    )
    return response


# --- the answers the issue names -------------------------------------------------------------------


def test_a_not_found_error_answers_404(calls: ServiceCalls) -> None:
    upstream = Upstream(api_answer(404, {"error": "Invoice not found"}))

    with TestClient(billing_service(upstream.client_factory(), calls)) as http:
        response = http.get("/read")

    assert response.status_code == 404
    assert response.json() == {"error": "Invoice not found", "type": "not_found"}


def test_a_rate_limit_with_retry_after_7_answers_503_with_retry_after_7(calls: ServiceCalls) -> None:
    upstream = Upstream(api_answer(429, {"error": "Too many requests"}, headers={"Retry-After": "7"}))

    with TestClient(billing_service(upstream.client_factory(), calls)) as http:
        response = http.get("/read")

    assert (response.status_code, response.headers["Retry-After"]) == (503, "7")
    assert response.json()["type"] == "rate_limited"


def test_an_invalid_parameter_answers_422_naming_it() -> None:
    upstream = Upstream(api_answer(200, {}))
    calls = service_calls(("refused",))
    assert calls.refused is not None

    with TestClient(billing_service(upstream.client_factory(), calls)) as http:
        response = http.get("/refused")

    assert response.status_code == 422
    assert response.json()["parameter"] == calls.refused[1]
    assert upstream.requests == []


# --- the whole mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
def test_each_sdk_error_gets_its_answer_and_the_key_never_shows(scenario: Scenario) -> None:
    calls = service_calls(scenario.needs)
    answer, body = scenario.bound(calls)
    upstream = Upstream(answer)
    app = billing_service(upstream.client_factory(**scenario.client_options), calls, scenario.dedup_store)

    with TestClient(app) as http:
        earlier, request = scenario.requests()
        for made in earlier:
            call(http, made)
        response = call(http, request)

    assert response.status_code == scenario.status
    assert response.json() == body
    for name, value in scenario.headers.items():
        assert response.headers[name] == value
    assert KEY not in response.text
    assert KEY not in str(response.headers)
    # The errors came from requests that carried the key.
    assert upstream.carried_the_key()


def test_a_refused_key_is_logged_for_the_service_without_the_key(
    calls: ServiceCalls, caplog: pytest.LogCaptureFixture
) -> None:
    upstream = Upstream(api_answer(401, {"error": "Invalid API key"}))

    with caplog.at_level(logging.DEBUG), TestClient(billing_service(upstream.client_factory(), calls)) as http:
        response = http.get("/read")

    assert response.status_code == 502
    [record] = [
        record for record in caplog.records if record.name == "palomma_client" and "answering" in record.message
    ]
    assert record.levelno == logging.ERROR
    assert "AuthenticationError" in record.message
    assert "Invalid API key" in record.message
    assert KEY not in caplog.text


def test_other_exceptions_are_left_to_the_app(calls: ServiceCalls) -> None:
    upstream = Upstream(api_answer(200, {}))
    app = billing_service(upstream.client_factory(), calls)

    @app.get("/bug")
    async def bug() -> None:
        raise ValueError("a plain ValueError is not an SDK error")

    with TestClient(app, raise_server_exceptions=False) as http:
        response = http.get("/bug")

    assert response.status_code == 500
    assert "type" not in response.text


# --- one shared client -----------------------------------------------------------------------------


class RecordingFactory:
    """A client factory that remembers the clients it made."""

    def __init__(self, make: Callable[[], PalommaClient]) -> None:
        self._make = make
        self.made: list[PalommaClient] = []

    def __call__(self) -> PalommaClient:
        client = self._make()
        self.made.append(client)
        return client


def test_the_lifespan_opens_one_client_that_every_request_shares_and_closes_it_at_shutdown(
    calls: ServiceCalls,
) -> None:
    upstream = Upstream(lambda request: calls.read.ok())
    clients = RecordingFactory(upstream.client_factory())
    app = billing_service(clients, calls)

    with TestClient(app) as http:
        [palomma] = clients.made
        assert app.state.palomma is palomma
        answers = [http.get("/read") for _ in range(3)]
        assert not palomma.is_closed

    assert palomma.is_closed
    assert clients.made == [palomma]
    assert not hasattr(app.state, "palomma")
    assert len(upstream.requests) == 3
    # The SDK's model is returned as the API's own JSON.
    assert [answer.json() for answer in answers] == [calls.read.expected.to_dict()] * 3


def test_the_lifespan_composes_with_the_apps_own(calls: ServiceCalls) -> None:
    upstream = Upstream(lambda request: calls.read.ok())
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with palomma_lifespan(upstream.client_factory())(app):
            events.append("started")
            app.state.greeting = "hola"
            yield
            events.append("stopping")
            assert not app.state.palomma.is_closed

    app = FastAPI(lifespan=lifespan)

    @app.get("/read")
    async def read(palomma: Palomma, request: Request) -> dict[str, Any]:
        found = await read_once(palomma, calls)
        return {"greeting": request.app.state.greeting, "found": found.to_dict()}

    with TestClient(app) as http:
        answer = http.get("/read").json()

    assert answer == {"greeting": "hola", "found": calls.read.expected.to_dict()}
    assert events == ["started", "stopping"]


def test_the_dependency_can_be_overridden_in_tests(calls: ServiceCalls) -> None:
    used = Upstream(lambda request: calls.read.ok())
    unused = Upstream(api_answer(500, {}))
    app = billing_service(unused.client_factory(), calls)

    async def other_client() -> AsyncIterator[PalommaClient]:
        async with used.client_factory()() as client:
            yield client

    app.dependency_overrides[get_palomma] = other_client
    with TestClient(app) as http:
        response = http.get("/read")

    assert response.status_code == 200
    assert (len(used.requests), unused.requests) == (1, [])


def test_without_the_lifespan_the_dependency_says_how_to_set_it_up() -> None:
    app = FastAPI()

    @app.get("/invoice")
    async def invoice(palomma: Palomma) -> None:
        raise AssertionError("not reached")

    # Without `with`, TestClient does not run the lifespan.
    http = TestClient(app)
    with pytest.raises(RuntimeError, match=r"lifespan=palomma_lifespan"):
        http.get("/invoice")


def test_the_default_factory_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALOMMA_API_KEY", KEY)
    monkeypatch.setenv("PALOMMA_ENVIRONMENT", "sandbox")
    monkeypatch.delenv("PALOMMA_BASE_URL", raising=False)
    app = FastAPI(lifespan=palomma_lifespan())

    with TestClient(app):
        palomma = app.state.palomma
        assert palomma.base_url == "https://sandbox.api.palomma.com/v1"

    assert palomma.is_closed


# --- webhook size limits -----------------------------------------------------------------------------


def test_a_chunked_webhook_body_of_two_mebibytes_is_answered_200_and_not_read_whole(
    calls: ServiceCalls, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a limit the route read any body whole; now it stops one chunk past the limit, and answers 200."""
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for _ in range(32):
            sent.append(65_536)
            yield b" " * 65_536

    with TestClient(billing_service(Upstream(never_called).client_factory(), calls)) as http:
        response = http.post("/webhooks", content=chunks(), headers=webhook_delivery()[1])

    assert response.status_code == 200
    assert response.json()["type"] == "webhook_too_large"
    assert "Dropping a webhook delivery: webhook body too large" in caplog.text
