"""palomma_client.aiohttp: an aiohttp service's cleanup context and error middleware, on 127.0.0.1."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDictProxy

from palomma_client import PalommaClient
from palomma_client.aiohttp import (
    PALOMMA_CLIENT,
    WEBHOOK_HANDLER_ARGS,
    error_middleware,
    palomma_context,
    read_webhook_body,
)
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


@pytest.fixture
def calls() -> ServiceCalls:
    """The calls of the spec the service makes: a read."""
    return service_calls()


def billing_service(
    client_factory: Callable[[], PalommaClient],
    calls: ServiceCalls,
    dedup_store: Callable[[], DedupStore] = InMemoryDedupStore,
) -> web.Application:
    """The service of `tests.glue.scenarios`, built with the aiohttp glue."""
    receiver = new_receiver(dedup_store())
    routes = web.RouteTableDef()

    @routes.get("/read")
    async def read(request: web.Request) -> web.Response:
        found = await read_once(request.app[PALOMMA_CLIENT], calls)
        return web.json_response(found.to_dict())

    @routes.get("/list")
    async def listing(request: web.Request) -> web.Response:
        return web.json_response(await list_all(request.app[PALOMMA_CLIENT], calls))

    @routes.get("/refused")
    async def refusal(request: web.Request) -> web.Response:
        await refused(request.app[PALOMMA_CLIENT], calls)
        raise AssertionError("not reached")

    @routes.post("/create")
    async def creation(request: web.Request) -> web.Response:
        made = await create(request.app[PALOMMA_CLIENT], calls)
        return web.json_response(made.to_dict(), status=201)

    @routes.get("/closed")
    async def closed(request: web.Request) -> web.Response:
        await use_a_closed_client(calls)
        raise AssertionError("not reached")

    @routes.post("/webhooks")
    async def webhooks(request: web.Request) -> web.Response:
        await receiver.process(await read_webhook_body(request), request.headers, ignore_event)
        return web.json_response({"received": True})

    app = web.Application(middlewares=[error_middleware])
    app.cleanup_ctx.append(palomma_context(client_factory))
    app.add_routes(routes)
    return app


@dataclass(frozen=True)
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    text: str


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """Serve the app on 127.0.0.1, running its cleanup contexts at start and stop."""
    server = TestServer(app, host="127.0.0.1")
    # Started here, as web.run_app(app, handler_args=WEBHOOK_HANDLER_ARGS) would: TestClient starts it without.
    await server.start_server(**WEBHOOK_HANDLER_ARGS)
    async with TestClient(server) as http:
        yield http


async def call(http: TestClient[web.Request, web.Application], request: Call) -> Reply:
    async with http.request(
        request.method, request.path, json=request.json, data=request.content, headers=dict(request.headers)
    ) as response:
        return Reply(response.status, response.headers, await response.text())


# --- the answers the issue names -------------------------------------------------------------------


async def test_a_not_found_error_answers_404(calls: ServiceCalls) -> None:
    upstream = Upstream(api_answer(404, {"error": "Invoice not found"}))

    async with serving(billing_service(upstream.client_factory(), calls)) as http:
        response = await http.get("/read")
        answer = await response.json()

    assert response.status == 404
    assert answer == {"error": "Invoice not found", "type": "not_found"}


async def test_a_rate_limit_with_retry_after_7_answers_503_with_retry_after_7(calls: ServiceCalls) -> None:
    upstream = Upstream(api_answer(429, {"error": "Too many requests"}, headers={"Retry-After": "7"}))

    async with serving(billing_service(upstream.client_factory(), calls)) as http:
        response = await http.get("/read")
        answer = await response.json()

    assert (response.status, response.headers["Retry-After"]) == (503, "7")
    assert answer["type"] == "rate_limited"


async def test_an_invalid_parameter_answers_422_naming_it() -> None:
    upstream = Upstream(api_answer(200, {}))
    calls = service_calls(("refused",))
    assert calls.refused is not None

    async with serving(billing_service(upstream.client_factory(), calls)) as http:
        response = await http.get("/refused")
        answer = await response.json()

    assert response.status == 422
    assert answer["parameter"] == calls.refused[1]
    assert upstream.requests == []


# --- the whole mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
async def test_each_sdk_error_gets_its_answer_and_the_key_never_shows(scenario: Scenario) -> None:
    calls = service_calls(scenario.needs)
    answer, body = scenario.bound(calls)
    upstream = Upstream(answer)
    app = billing_service(upstream.client_factory(**scenario.client_options), calls, scenario.dedup_store)

    async with serving(app) as http:
        earlier, request = scenario.requests()
        for made in earlier:
            await call(http, made)
        reply = await call(http, request)

    assert reply.status == scenario.status
    assert json.loads(reply.text) == body
    for name, value in scenario.headers.items():
        assert reply.headers[name] == value
    assert reply.headers["Content-Type"].startswith("application/json")
    assert KEY not in reply.text
    assert KEY not in str(reply.headers)
    # The errors came from requests that carried the key.
    assert upstream.carried_the_key()


async def test_a_refused_key_is_logged_for_the_service_without_the_key(
    calls: ServiceCalls, caplog: pytest.LogCaptureFixture
) -> None:
    upstream = Upstream(api_answer(401, {"error": "Invalid API key"}))

    with caplog.at_level(logging.DEBUG):
        async with serving(billing_service(upstream.client_factory(), calls)) as http:
            response = await http.get("/read")

    assert response.status == 502
    [record] = [
        record for record in caplog.records if record.name == "palomma_client" and "answering" in record.message
    ]
    assert record.levelno == logging.ERROR
    assert "AuthenticationError" in record.message
    assert KEY not in caplog.text


async def test_other_exceptions_and_aiohttps_own_answers_are_left_alone(calls: ServiceCalls) -> None:
    upstream = Upstream(api_answer(200, {}))
    app = billing_service(upstream.client_factory(), calls)

    async def bug(request: web.Request) -> web.Response:
        raise ValueError("a plain ValueError is not an SDK error")

    async def gone(request: web.Request) -> web.Response:
        raise web.HTTPGone(text="gone")

    app.router.add_get("/bug", bug)
    app.router.add_get("/gone", gone)

    async with serving(app) as http:
        failed = await http.get("/bug")
        failed_text = await failed.text()
        refused = await http.get("/gone")
        refused_text = await refused.text()
        unknown = await http.get("/no-such-route")

    assert failed.status == 500
    assert "type" not in failed_text
    assert (refused.status, refused_text) == (410, "gone")
    assert unknown.status == 404


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


async def test_the_cleanup_context_opens_one_client_that_every_request_shares_and_closes_it(
    calls: ServiceCalls,
) -> None:
    upstream = Upstream(lambda request: calls.read.ok())
    clients = RecordingFactory(upstream.client_factory())
    app = billing_service(clients, calls)

    async with serving(app) as http:
        [palomma] = clients.made
        assert app[PALOMMA_CLIENT] is palomma
        answers = []
        for _ in range(3):
            response = await http.get("/read")
            answers.append(await response.json())
        assert not palomma.is_closed

    assert palomma.is_closed
    assert clients.made == [palomma]
    assert len(upstream.requests) == 3
    assert answers == [calls.read.expected.to_dict()] * 3


async def test_the_cleanup_context_composes_with_the_apps_own(calls: ServiceCalls) -> None:
    upstream = Upstream(lambda request: calls.read.ok())
    events: list[str] = []

    async def database(app: web.Application) -> AsyncIterator[None]:
        events.append("database opened")
        yield
        # Cleanup runs in reverse: the client appended after this context is closed first.
        assert app[PALOMMA_CLIENT].is_closed
        events.append("database closed")

    app = web.Application(middlewares=[error_middleware])
    app.cleanup_ctx.append(database)
    app.cleanup_ctx.append(palomma_context(upstream.client_factory()))

    async def read(request: web.Request) -> web.Response:
        found = await read_once(request.app[PALOMMA_CLIENT], calls)
        return web.json_response({"found": found.to_dict()})

    app.router.add_get("/read", read)

    async with serving(app) as http:
        response = await http.get("/read")
        answer = await response.json()

    assert answer == {"found": calls.read.expected.to_dict()}
    assert events == ["database opened", "database closed"]


async def test_the_default_factory_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALOMMA_API_KEY", KEY)
    monkeypatch.setenv("PALOMMA_ENVIRONMENT", "sandbox")
    monkeypatch.delenv("PALOMMA_BASE_URL", raising=False)
    app = web.Application()
    app.cleanup_ctx.append(palomma_context())

    async with serving(app):
        palomma = app[PALOMMA_CLIENT]
        assert palomma.base_url == "https://sandbox.api.palomma.com/v1"

    assert palomma.is_closed


# --- webhook size limits -----------------------------------------------------------------------------


async def test_a_chunked_webhook_body_of_two_mebibytes_is_answered_200_not_413(
    calls: ServiceCalls, caplog: pytest.LogCaptureFixture
) -> None:
    """request.read() answered 413 above 1 MiB, which Palomma would retry forever; now 200, and logged."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(32):
            yield b" " * 65_536

    async with serving(billing_service(Upstream(never_called).client_factory(), calls)) as http:
        response = await http.post("/webhooks", data=chunks(), headers=webhook_delivery()[1])
        answer = await response.json()

    assert response.status == 200
    assert answer["type"] == "webhook_too_large"
    assert "Dropping a webhook delivery: webhook body too large" in caplog.text


async def test_without_the_handler_args_aiohttps_server_refuses_large_headers_itself(calls: ServiceCalls) -> None:
    """Why WEBHOOK_HANDLER_ARGS exists: the server answers 400 before any handler, and Palomma would retry."""
    body, signed = webhook_delivery()
    headers = {**signed, "X-Encoded-Data": "A" * 10_000}
    app = billing_service(Upstream(never_called).client_factory(), calls)

    async with TestClient(TestServer(app, host="127.0.0.1")) as default_server:
        refused = await default_server.post("/webhooks", data=body, headers=headers)
    async with serving(billing_service(Upstream(never_called).client_factory(), calls)) as configured:
        accepted = await configured.post("/webhooks", data=body, headers=headers)
        answer = await accepted.json()

    assert refused.status == 400
    assert accepted.status == 200
    assert answer == {"received": True}
