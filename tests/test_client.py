"""PalommaClient: configuration, the exact requests it sends, and the connection pool it owns."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from datetime import date

import httpx2
import pytest

from palomma_client import (
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_TIMEOUT,
    ClientClosedError,
    Environment,
    InvalidParameterError,
    Invoice,
    PalommaClient,
    Settlement,
    __version__,
)
from tests.support import (
    API_KEY,
    SANDBOX,
    RecordingAPI,
    Sleeps,
    created_invoice,
    fresh_name,
    page_body,
    settlement_body,
)

PRODUCTION = "https://api.palomma.com/v1"
USER_AGENT = f"palomma-client-python/{__version__}"

pytestmark = pytest.mark.usefixtures("clean_environment")


def _client(api: RecordingAPI, **options: object) -> PalommaClient:
    return api.client(**options)


def _assert_standard_headers(request: httpx2.Request) -> None:
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["user-agent"] == USER_AGENT
    assert request.headers["accept-encoding"]


@pytest.mark.parametrize(
    ("environment", "expected_base"),
    [
        ("production", PRODUCTION),
        ("sandbox", SANDBOX),
        (Environment.SANDBOX, SANDBOX),
        ("  Sandbox ", SANDBOX),
        (None, PRODUCTION),
    ],
)
def test_each_spelling_of_an_environment_sends_to_its_server(
    environment: str | Environment | None, expected_base: str
) -> None:
    client = PalommaClient(api_key=API_KEY, environment=environment)
    assert client.base_url == expected_base


# The whole flow once per backend: where each environment sends is the unit test above.
@pytest.mark.backends
async def test_every_operation_sends_the_exact_request(api: RecordingAPI) -> None:
    expected_base = SANDBOX
    api.queue(
        httpx2.Response(200, json=created_invoice()),
        httpx2.Response(200, json=created_invoice()),
        httpx2.Response(200, json=page_body([created_invoice()], None)),
        httpx2.Response(200, json=settlement_body()),
    )
    async with _client(api, api_key=API_KEY, environment="sandbox") as palomma:
        invoice = await palomma.invoices.create(
            reference="INV-2026-0001",
            amount=1_850_000,
            description="Canon de arrendamiento marzo 2026",
            redirect_url="https://merchant.example.com/payments/return",
            customer_document_number="900123456",
            document_type="nit",
            customer_name="Inmobiliaria Ejemplo SAS",
            contract="CTR-8842",
        )
        fetched = await palomma.invoices.get("01HQY8EW1H9YGH5PAV5Y2M9R3T")
        listed = [
            item
            async for item in palomma.invoices.list(
                reference="INV-2026-0001",
                customer_document_number="900123456",
                contract="CTR-8842",
                payment_date=date(2026, 3, 11),
                settlement_date="2026-03-12",
                settlement_cycle="11",
                limit=100,
            )
        ]
        settlement = await palomma.settlements.get(date(2026, 3, 12), "11")

    create, get, list_, settle = api.requests
    assert (create.method, str(create.url)) == ("POST", f"{expected_base}/invoices")
    assert create.headers["content-type"] == "application/json"
    assert api.json_body(0) == {
        "reference": "INV-2026-0001",
        "amount": 1850000,
        "description": "Canon de arrendamiento marzo 2026",
        "redirectUrl": "https://merchant.example.com/payments/return",
        "customerDocumentNumber": "900123456",
        "documentType": "nit",
        "customerName": "Inmobiliaria Ejemplo SAS",
        "contract": "CTR-8842",
    }
    assert (get.method, str(get.url)) == ("GET", f"{expected_base}/invoices/01HQY8EW1H9YGH5PAV5Y2M9R3T")
    assert list_.method == "GET"
    assert str(list_.url) == (
        f"{expected_base}/invoices?reference=INV-2026-0001&customerDocumentNumber=900123456&contract=CTR-8842"
        "&paymentDate=2026-03-11&settlementDate=2026-03-12&settlementCycle=11&limit=100"
    )
    assert (settle.method, str(settle.url)) == ("GET", f"{expected_base}/settlements/2026-03-12/11")
    for request in api.requests:
        _assert_standard_headers(request)
        assert request.method == "POST" or request.content == b""
    assert isinstance(invoice, Invoice)
    # The answer speaks of what was asked for: the example, with the fields the create sent.
    assert invoice.to_dict() == {
        **created_invoice(),
        "contract": "CTR-8842",
        "customerName": "Inmobiliaria Ejemplo SAS",
    }
    assert fetched.id == "01HQY8EW1H9YGH5PAV5Y2M9R3T"
    assert [item.reference for item in listed] == ["INV-2026-0001"]
    assert isinstance(settlement, Settlement)
    assert settlement.payment_amount == 44_590_000


async def test_create_sends_only_the_required_fields_when_optional_ones_are_omitted(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()))
    async with _client(api, api_key=API_KEY) as palomma:
        await palomma.invoices.create(
            reference="INV-2026-0001",
            amount=1_850_000,
            description="Canon de arrendamiento marzo 2026",
            redirect_url="https://merchant.example.com/payments/return",
            customer_document_number="900123456",
        )
    assert api.json_body() == {
        "reference": "INV-2026-0001",
        "amount": 1850000,
        "description": "Canon de arrendamiento marzo 2026",
        "redirectUrl": "https://merchant.example.com/payments/return",
        "customerDocumentNumber": "900123456",
    }


async def test_list_sends_the_default_page_size_and_no_absent_filters(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=page_body([], None)))
    async with _client(api, api_key=API_KEY) as palomma:
        assert [item async for item in palomma.invoices.list()] == []
    # No limit given: none is sent, and the API applies its own default.
    assert str(api.requests[0].url) == f"{PRODUCTION}/invoices"


@pytest.mark.backends
async def test_ids_and_cycles_are_escaped_into_the_path(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()), httpx2.Response(200, json=settlement_body()))
    async with _client(api, api_key=API_KEY) as palomma:
        await palomma.invoices.get("../settlements/x?y")
        await palomma.settlements.get("2026-03-12", "16")
    assert api.requests[0].url.raw_path == b"/v1/invoices/..%2Fsettlements%2Fx%3Fy"
    assert api.requests[1].url.path == "/v1/settlements/2026-03-12/16"


async def test_api_key_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch, api: RecordingAPI) -> None:
    monkeypatch.setenv("PALOMMA_API_KEY", API_KEY)
    api.queue(httpx2.Response(200, json=created_invoice()))
    async with _client(api) as palomma:
        await palomma.invoices.get("abc")
    assert api.requests[0].headers["authorization"] == f"Bearer {API_KEY}"


def test_a_missing_api_key_is_a_clear_error_at_construction(api: RecordingAPI) -> None:
    with pytest.raises(InvalidParameterError, match="PALOMMA_API_KEY") as caught:
        _client(api)
    assert caught.value.parameter == "api_key"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("bad_key", ["", "sk test", "sk_test\n", "sk_tést"])
def test_malformed_api_keys_are_rejected_without_quoting_them(api: RecordingAPI, bad_key: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _client(api, api_key=bad_key)
    if bad_key:
        assert bad_key not in str(caught.value)


def test_environment_falls_back_to_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALOMMA_ENVIRONMENT", "sandbox")
    client = PalommaClient(api_key=API_KEY)
    assert client.environment is Environment.SANDBOX
    assert client.base_url == SANDBOX


def test_an_unknown_environment_lists_the_valid_ones() -> None:
    # The environments are the spec's servers: the unknown name is one the spec does not list.
    unknown = fresh_name({member.value for member in Environment}, "staging", "qa")
    valid = ", ".join(repr(member.value) for member in Environment)
    with pytest.raises(InvalidParameterError, match=re.escape(valid)) as caught:
        PalommaClient(api_key=API_KEY, environment=unknown)
    assert unknown in str(caught.value)
    assert caught.value.parameter == "environment"


def test_an_unknown_environment_variable_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALOMMA_ENVIRONMENT", "prod")
    with pytest.raises(InvalidParameterError, match="PALOMMA_ENVIRONMENT: unknown environment 'prod'"):
        PalommaClient(api_key=API_KEY)


async def test_base_url_overrides_the_environment(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()))
    async with _client(api, api_key=API_KEY, environment="sandbox", base_url="http://127.0.0.1:8000/v1/") as palomma:
        assert palomma.environment is None
        await palomma.invoices.get("abc")
    assert str(api.requests[0].url) == "http://127.0.0.1:8000/v1/invoices/abc"


async def test_base_url_falls_back_to_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, api: RecordingAPI
) -> None:
    monkeypatch.setenv("PALOMMA_BASE_URL", "http://localhost:9000/v1")
    api.queue(httpx2.Response(200, json=created_invoice()))
    async with _client(api, api_key=API_KEY) as palomma:
        await palomma.invoices.get("abc")
    assert str(api.requests[0].url) == "http://localhost:9000/v1/invoices/abc"


def test_a_relative_base_url_is_rejected() -> None:
    with pytest.raises(InvalidParameterError, match="absolute http"):
        PalommaClient(api_key=API_KEY, base_url="api.palomma.com/v1")


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
        ({"timeout": "30"}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"http_client": object()}, "http_client"),
    ],
)
def test_invalid_options_are_rejected(options: dict[str, object], parameter: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        PalommaClient(api_key=API_KEY, **options)  # type: ignore[arg-type]
    assert caught.value.parameter == parameter


async def test_a_user_supplied_http_client_is_used_as_given_and_left_open(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()))
    async with httpx2.AsyncClient(transport=api.transport, headers={"X-Trace": "abc"}) as http_client:
        async with PalommaClient(api_key=API_KEY, http_client=http_client) as palomma:
            await palomma.invoices.get("abc")
        assert not http_client.is_closed
        assert "authorization" not in http_client.headers
    assert api.requests[0].headers["x-trace"] == "abc"
    _assert_standard_headers(api.requests[0])


@pytest.mark.backends
async def test_the_client_it_creates_is_closed_by_async_with_and_by_close(api: RecordingAPI) -> None:
    async with _client(api, api_key=API_KEY) as palomma:
        assert not palomma.is_closed
    assert palomma.is_closed
    with pytest.raises(ClientClosedError, match="closed"):
        await palomma.invoices.get("abc")

    other = _client(api, api_key=API_KEY)
    await other.close()
    await other.close()
    assert other.is_closed
    assert api.requests == []


def test_http_client_and_transport_are_exclusive(api: RecordingAPI) -> None:
    with pytest.raises(InvalidParameterError, match="not both"):
        PalommaClient(api_key=API_KEY, http_client=httpx2.AsyncClient(), transport=api.transport)


async def test_the_default_timeout_is_bounded_and_set_on_the_pool(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()))
    async with _client(api, api_key=API_KEY) as palomma:
        assert palomma.timeout == DEFAULT_TIMEOUT
        await palomma.invoices.get("abc")
    assert api.requests[0].extensions["timeout"] == DEFAULT_TIMEOUT.as_dict()
    assert None not in DEFAULT_TIMEOUT.as_dict().values()


async def test_timeouts_are_overridable_per_client_and_per_call(api: RecordingAPI) -> None:
    api.queue(*[httpx2.Response(200, json=created_invoice())] * 3)
    api.queue(httpx2.Response(200, json=settlement_body()), httpx2.Response(200, json=page_body([], None)))
    async with _client(api, api_key=API_KEY, timeout=12.5) as palomma:
        await palomma.invoices.get("abc")
        await palomma.invoices.get("abc", timeout=2)
        await palomma.with_options(timeout=httpx2.Timeout(4.0, connect=1.0)).invoices.get("abc")
        await palomma.settlements.get("2026-03-12", "11", timeout=3)
        async for _ in palomma.invoices.list(timeout=6):
            break
    timeouts = [request.extensions["timeout"]["read"] for request in api.requests]
    assert timeouts == [12.5, 2.0, 4.0, 3.0, 6.0]
    assert api.requests[2].extensions["timeout"]["connect"] == 1.0


async def test_a_user_http_client_without_a_timeout_still_gets_a_bounded_one(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()), httpx2.Response(200, json=created_invoice()))
    async with httpx2.AsyncClient(transport=api.transport, timeout=None) as unbounded:
        await PalommaClient(api_key=API_KEY, http_client=unbounded).invoices.get("abc")
    async with httpx2.AsyncClient(transport=api.transport, timeout=7.0) as bounded:
        await PalommaClient(api_key=API_KEY, http_client=bounded).invoices.get("abc")
    assert api.requests[0].extensions["timeout"] == DEFAULT_TIMEOUT.as_dict()
    assert api.requests[1].extensions["timeout"]["read"] == 7.0


@pytest.mark.backends
async def test_with_options_shares_the_pool_and_key_and_keeps_the_original_unchanged(
    api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(httpx2.Response(503, json={"error": "Service Unavailable"}), httpx2.Response(200, json=created_invoice()))
    async with _client(api, api_key=API_KEY, sleep=sleeps) as palomma:
        no_retries = palomma.with_options(max_retries=0)
        assert no_retries.max_retries == 0
        assert palomma.max_retries == 2
        with pytest.raises(Exception, match="503"):
            await no_retries.invoices.get("abc")
        assert len(api.requests) == 1
        await no_retries.close()
        assert not no_retries.is_closed  # the pool is the original's to close
        await palomma.invoices.get("abc")
    _assert_standard_headers(api.requests[0])
    _assert_standard_headers(api.requests[1])
    with pytest.raises(AttributeError):
        palomma.max_retries = 5  # type: ignore[misc]


@pytest.mark.backends
async def test_one_client_serves_a_thousand_concurrent_calls(backend: str) -> None:
    """A thousand concurrent calls on one client are each answered, with the invoice each asked for.

    Over a socket (aiohttp) the server keeps each connection open, as the API does: the calls queue
    for the pool's connections and reuse them, and never more are opened than the pool allows. Not
    ``RecordingAPI``: it closes each connection after its answer, so each call would open one, and
    recording every request cost more than the client did. httpx2 gets a mock transport, as there.
    """
    invoice = created_invoice()
    connections: list[asyncio.Task[None] | None] = []

    def body(path: str) -> bytes:
        return json.dumps({**invoice, "id": path.rsplit("/", 1)[1]}).encode()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(asyncio.current_task())
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                content = body((await reader.readuntil(b"\r\n\r\n")).split(b" ", 2)[1].decode())
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(content)
                writer.write(head + content)
        writer.close()

    mock = httpx2.MockTransport(lambda request: httpx2.Response(200, json=json.loads(body(request.url.path))))
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    base_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1"
    # What is asserted is that every call is answered, not how soon: the last of them wait for ten rounds of
    # the pool, which on a busy machine (the suite runs on every core) can outlast the default timeouts.
    async with (
        server,
        PalommaClient(
            api_key=API_KEY,
            base_url=base_url,
            backend=backend,
            timeout=httpx2.Timeout(120.0),
            transport=mock if backend == "httpx" else None,
        ) as palomma,
    ):
        invoices = await asyncio.gather(*(palomma.invoices.get(f"inv{number}") for number in range(1000)))
    await asyncio.gather(*(task for task in connections if task is not None))

    assert [invoice.id for invoice in invoices] == [f"inv{number}" for number in range(1000)]
    pool_size = DEFAULT_CONNECTION_LIMITS.max_connections
    assert pool_size is not None
    assert len(connections) <= (0 if backend == "httpx" else pool_size)


@pytest.mark.backends
def test_repr_shows_configuration_but_never_the_key(backend: str) -> None:
    client = PalommaClient(api_key=API_KEY, environment="sandbox", max_retries=1, backend=backend)
    assert repr(client).startswith("PalommaClient(environment='sandbox', max_retries=1, timeout=Timeout(")
    internals = (repr(client._requester), repr(client._requester.settings), repr(client._backend), repr(vars(client)))
    for text in (repr(client), str(client), repr(client.invoices), *internals):
        assert API_KEY not in text


async def test_with_options_builds_its_copy_as_the_constructor_does(api: RecordingAPI) -> None:
    async with _client(api, api_key=API_KEY) as palomma:
        copy = palomma.with_options(api_key="sk_test_other", timeout=3)

        assert set(vars(copy)) == set(vars(palomma))
        assert copy._backend is palomma._backend  # one pool
        assert copy.timeout == 3
        assert copy.max_retries == palomma.max_retries
        assert copy.base_url == palomma.base_url
        await copy.close()
        assert not palomma.is_closed  # the copy never closes the original's pool
