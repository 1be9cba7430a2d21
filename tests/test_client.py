"""PalommaClient: configuration, the exact requests it sends, and the connection pool it owns."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import sys
from urllib.parse import quote, urlsplit

import httpx2
import pytest

from palomma_client import (
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_TIMEOUT,
    ClientClosedError,
    Environment,
    InternalServerError,
    InvalidParameterError,
    PalommaClient,
    __version__,
)
from palomma_client._generated.api import OPERATIONS, GeneratedResources
from palomma_client._openapi import OpenAPI
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
from tests.spec_calls import (
    SpecCall,
    a_call,
    a_path_text_argument,
    accepted,
    call_of,
    calls,
    credentials_sent,
    expected_answer,
    key_credentials,
    url_of,
    with_every_argument,
)
from tests.support import API_KEY, ROOT, SANDBOX, RecordingAPI, Sleeps, echoed, fresh_name, sent_body

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from spec_support import environments

_URLS = {server.name: server.url for server in environments(OpenAPI.from_file(ROOT / "openapi.yaml"))[0]}
PRODUCTION = _URLS["production"]
"""The production server's URL, as the spec says (a vendor may move it)."""
USER_AGENT = f"palomma-client-python/{__version__}"

pytestmark = pytest.mark.usefixtures("clean_environment")


def _client(api: RecordingAPI, **options: object) -> PalommaClient:
    return api.client(**options)


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec: a GET that answers JSON."""
    return a_call("GET")


def _required_body_fields(call: SpecCall) -> set[str]:
    """The fields the spec requires in the body of ``call``'s operation: its JSON body, else its form."""
    spec = ApiSpec(load_shipped_spec())
    operation = spec.operation(call.operation_id)
    assert operation is not None
    assert operation.body is not None
    forms = (media for media in operation.body.media_types if media.is_form or media.is_multipart)
    media = operation.body.json_media_type() or next(forms, None)
    assert media is not None
    assert media.schema_pointer is not None
    return set(spec.object_properties(media.schema_pointer)[1])


def _assert_standard_headers(request: httpx2.Request, call: SpecCall) -> None:
    # The key goes as the operation's security says: a public operation sends none.
    assert credentials_sent(request.headers) in key_credentials(call.operation_id, API_KEY)
    assert request.headers["user-agent"] == USER_AGENT
    assert request.headers["accept-encoding"]


@pytest.mark.parametrize(
    ("environment", "expected_base"),
    [
        ("production", PRODUCTION),
        ("sandbox", _URLS["sandbox"]),
        (Environment.SANDBOX, _URLS["sandbox"]),
        ("  Sandbox ", _URLS["sandbox"]),
        (None, next(iter(_URLS.values()))),  # the first server is the default
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
    # Each operation with every argument it can carry: each must reach the request as the spec names it.
    every = [with_every_argument(call) for call in calls()]
    if not every:
        pytest.skip("no operation of the spec has arguments that can be made from its rules")
    api.queue(*(call.ok() for call in every))
    async with _client(api, api_key=API_KEY, environment="sandbox") as palomma:
        answers = [await call(palomma) for call in every]

    assert len(api.requests) == len(every)
    for call, request, answer in zip(every, api.requests, answers, strict=True):
        assert f"{request.method} {request.url.path}" == call.line
        assert str(request.url) == url_of(call, SANDBOX)
        # The spec itself, not the generated code that built it, accepts every name and value sent.
        assert accepted(request).operation.operation_id == call.operation_id
        _assert_standard_headers(request, call)
        # A body goes in the media type the spec gives it (`accepted` checked its Content-Type), JSON or
        # a form, and reads back as the call's values.
        assert sent_body(request) == call.sent
        if call.json is None:
            assert request.content == b""
        # The answer speaks of what was asked for, and is read back into the method's result.
        assert answer == expected_answer(call)


async def test_a_call_sends_only_the_required_fields_when_optional_ones_are_omitted(api: RecordingAPI) -> None:
    # A JSON object body or a form's fields, each read back by its media type.
    with_body = [call for call in calls() if isinstance(call.json, dict)]
    if not with_body:
        pytest.skip("the spec has no operation that sends an object body")
    api.queue(*(call.ok() for call in with_body))
    async with _client(api, api_key=API_KEY) as palomma:
        for call in with_body:
            await call(palomma)
    for index, call in enumerate(with_body):
        sent = api.body(index)
        assert sent == call.sent
        accepted(api.requests[index])  # every field the spec requires was sent
        required = _required_body_fields(call)
        assert set(sent) <= required, f"{call.operation_id} sent optional fields {sorted(set(sent) - required)}"


async def test_a_list_sends_no_absent_filters_and_leaves_the_page_size_to_the_api(api: RecordingAPI) -> None:
    call = next((call for call in calls() if call.paged), None)
    if call is None:
        pytest.skip("the spec has no paged operation")
    api.queue(call.ok())
    async with _client(api, api_key=API_KEY) as palomma:
        assert await call(palomma) == expected_answer(call)
    # No limit given: none is sent, and the API applies its own default; only required filters go out.
    assert str(api.requests[0].url) == url_of(call, PRODUCTION)


@pytest.mark.backends
async def test_path_parameters_are_escaped_into_one_segment(api: RecordingAPI) -> None:
    call, name = a_path_text_argument()
    hostile = "../settlements/x?y"
    escaped = call_of(call.operation_id, **{name: hostile})
    api.queue(escaped.ok())
    async with _client(api, api_key=API_KEY) as palomma:
        await escaped(palomma)
    sent = api.requests[0].url
    path = sent.raw_path.partition(b"?")[0]
    assert b"/" + quote(hostile, safe="").encode() in path
    # Neither a segment nor a query was smuggled in: the path has the template's segments, the query its own.
    template = OPERATIONS[call.operation_id].PATH
    assert path.count(b"/") == f"{urlsplit(SANDBOX).path}{template}".count("/")
    assert dict(sent.params) == {key: str(value) for key, value in (escaped.params or {}).items()}


async def test_api_key_falls_back_to_the_environment(
    monkeypatch: pytest.MonkeyPatch, api: RecordingAPI, keyed_read: SpecCall
) -> None:
    monkeypatch.setenv("PALOMMA_API_KEY", API_KEY)
    api.queue(keyed_read.ok())
    async with _client(api) as palomma:
        assert await keyed_read(palomma) == keyed_read.expected
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


async def test_base_url_overrides_the_environment(api: RecordingAPI, read: SpecCall) -> None:
    api.queue(read.ok())
    async with _client(api, api_key=API_KEY, environment="sandbox", base_url="http://127.0.0.1:8000/v1/") as palomma:
        assert palomma.environment is None
        await read(palomma)
    assert str(api.requests[0].url) == url_of(read, "http://127.0.0.1:8000/v1")


async def test_base_url_falls_back_to_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, api: RecordingAPI, read: SpecCall
) -> None:
    monkeypatch.setenv("PALOMMA_BASE_URL", "http://localhost:9000/v1")
    api.queue(read.ok())
    async with _client(api, api_key=API_KEY) as palomma:
        await read(palomma)
    assert str(api.requests[0].url) == url_of(read, "http://localhost:9000/v1")


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


async def test_a_user_supplied_http_client_is_used_as_given_and_left_open(
    api: RecordingAPI, keyed_read: SpecCall
) -> None:
    api.queue(keyed_read.ok())
    async with httpx2.AsyncClient(transport=api.transport, headers={"X-Trace": "abc"}) as http_client:
        async with PalommaClient(api_key=API_KEY, http_client=http_client) as palomma:
            assert await keyed_read(palomma) == keyed_read.expected
        assert not http_client.is_closed
        assert "authorization" not in http_client.headers
    assert api.requests[0].headers["x-trace"] == "abc"
    _assert_standard_headers(api.requests[0], keyed_read)


@pytest.mark.backends
async def test_the_client_it_creates_is_closed_by_async_with_and_by_close(api: RecordingAPI, read: SpecCall) -> None:
    async with _client(api, api_key=API_KEY) as palomma:
        assert not palomma.is_closed
    assert palomma.is_closed
    with pytest.raises(ClientClosedError, match="closed"):
        await read(palomma)

    other = _client(api, api_key=API_KEY)
    await other.close()
    await other.close()
    assert other.is_closed
    assert api.requests == []


def test_http_client_and_transport_are_exclusive(api: RecordingAPI) -> None:
    with pytest.raises(InvalidParameterError, match="not both"):
        PalommaClient(api_key=API_KEY, http_client=httpx2.AsyncClient(), transport=api.transport)


async def test_the_default_timeout_is_bounded_and_set_on_the_pool(api: RecordingAPI, read: SpecCall) -> None:
    api.queue(read.ok())
    async with _client(api, api_key=API_KEY) as palomma:
        assert palomma.timeout == DEFAULT_TIMEOUT
        await read(palomma)
    assert api.requests[0].extensions["timeout"] == DEFAULT_TIMEOUT.as_dict()
    assert None not in DEFAULT_TIMEOUT.as_dict().values()


async def test_timeouts_are_overridable_per_client_and_per_call(api: RecordingAPI, read: SpecCall) -> None:
    # Every method of the spec takes its own timeout, the paged ones too (their first page here).
    every = calls()
    api.queue(*[read.ok()] * 3, *(call.ok() for call in every))
    async with _client(api, api_key=API_KEY, timeout=12.5) as palomma:
        await read(palomma)
        await read(palomma, timeout=2)
        await read(palomma.with_options(timeout=httpx2.Timeout(4.0, connect=1.0)))
        for number, call in enumerate(every):
            await call(palomma, timeout=20 + number)
    timeouts = [request.extensions["timeout"]["read"] for request in api.requests]
    assert timeouts == [12.5, 2.0, 4.0, *(20.0 + number for number in range(len(every)))]
    assert api.requests[2].extensions["timeout"]["connect"] == 1.0


async def test_a_user_http_client_without_a_timeout_still_gets_a_bounded_one(api: RecordingAPI, read: SpecCall) -> None:
    api.queue(read.ok(), read.ok())
    async with httpx2.AsyncClient(transport=api.transport, timeout=None) as unbounded:
        await read(PalommaClient(api_key=API_KEY, http_client=unbounded))
    async with httpx2.AsyncClient(transport=api.transport, timeout=7.0) as bounded:
        await read(PalommaClient(api_key=API_KEY, http_client=bounded))
    assert api.requests[0].extensions["timeout"] == DEFAULT_TIMEOUT.as_dict()
    assert api.requests[1].extensions["timeout"]["read"] == 7.0


@pytest.mark.backends
async def test_with_options_shares_the_pool_and_key_and_keeps_the_original_unchanged(
    api: RecordingAPI, sleeps: Sleeps, keyed_read: SpecCall
) -> None:
    read = keyed_read
    api.queue(httpx2.Response(503, json={"error": "Service Unavailable"}), read.ok())
    async with _client(api, api_key=API_KEY, sleep=sleeps) as palomma:
        no_retries = palomma.with_options(max_retries=0)
        assert no_retries.max_retries == 0
        assert palomma.max_retries == 2
        with pytest.raises(InternalServerError, match="503"):
            await read(no_retries)
        assert len(api.requests) == 1
        await no_retries.close()
        assert not no_retries.is_closed  # the pool is the original's to close
        assert await read(palomma) == read.expected
    _assert_standard_headers(api.requests[0], read)
    _assert_standard_headers(api.requests[1], read)
    with pytest.raises(AttributeError):
        palomma.max_retries = 5  # type: ignore[misc]


@pytest.mark.backends
async def test_one_client_serves_a_thousand_concurrent_calls(backend: str) -> None:
    """A thousand concurrent calls on one client are each answered, with what each asked for.

    Over a socket (aiohttp) the server keeps each connection open, as the API does: the calls queue
    for the pool's connections and reuse them, and never more are opened than the pool allows. Not
    ``RecordingAPI``: it closes each connection after its answer, so each call would open one, and
    recording every request cost more than the client did. httpx2 gets a mock transport, as there.
    Each call fills a path parameter of its own, and each answer speaks of it (``echoed``).
    """
    read, argument = a_path_text_argument()
    module = OPERATIONS[read.operation_id]
    reads = [dataclasses.replace(read, arguments={**read.arguments, argument: f"n{number}"}) for number in range(1000)]
    connections: list[asyncio.Task[None] | None] = []

    def answer(method: str, target: str) -> httpx2.Response:
        return echoed(httpx2.Request(method, "http://127.0.0.1" + target), read.ok())

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(asyncio.current_task())
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                method, target, _ = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split(" ", 2)
                answered = answer(method, target)
                head = f"HTTP/1.1 {answered.status_code} OK\r\nContent-Length: {len(answered.content)}\r\n"
                writer.write(head.encode() + f"Content-Type: {answered.headers['content-type']}\r\n\r\n".encode())
                writer.write(answered.content)
        writer.close()

    mock = httpx2.MockTransport(lambda request: answer(request.method, request.url.raw_path.decode("ascii")))
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
        results = await asyncio.gather(*(call(palomma) for call in reads))
    await asyncio.gather(*(task for task in connections if task is not None))

    wanted = []
    for call in reads:
        answered = answer(call.http_method, "/v1" + module.build_request(**call.arguments).path)
        wanted.append(module.parse_response(answered.status_code, answered.json()))
    assert results == wanted
    pool_size = DEFAULT_CONNECTION_LIMITS.max_connections
    assert pool_size is not None
    assert len(connections) <= (0 if backend == "httpx" else pool_size)


@pytest.mark.backends
def test_repr_shows_configuration_but_never_the_key(backend: str) -> None:
    client = PalommaClient(api_key=API_KEY, environment="sandbox", max_retries=1, backend=backend)
    assert repr(client).startswith("PalommaClient(environment='sandbox', max_retries=1, timeout=Timeout(")
    internals = (repr(client._requester), repr(client._requester.settings), repr(client._backend), repr(vars(client)))
    resources = [repr(getattr(client, name)) for name in GeneratedResources.RESOURCE_CLASSES]
    for text in (repr(client), str(client), *resources, *internals):
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
