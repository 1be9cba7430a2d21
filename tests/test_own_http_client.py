"""``http_client=``: a caller's ``httpx2.AsyncClient`` or ``aiohttp.ClientSession``, with its TLS and proxy.

A local TLS server with a private CA that requires a client certificate
(mTLS) is reached through either library's client carrying the certificate,
and refused without it; a plain local server stands in for a forward proxy.
The SDK never closes a client it was given.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import ssl
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import httpx2
import pytest
import trustme

from palomma_client import APIConnectionError, NotFoundError, PalommaClient
from palomma_client._backends import BACKENDS
from tests.spec_calls import SpecCall, a_call
from tests.support import API_KEY, SANDBOX

pytestmark = [pytest.mark.usefixtures("clean_environment"), pytest.mark.backends]


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec: any call goes through the caller's client the same way."""
    return a_call("GET")


def _target(read: SpecCall, origin: str = "") -> str:
    """The request target of ``read`` in its request line: its path and query, after ``origin`` for a proxy."""
    url = httpx2.URL(SANDBOX + read.path, params=read.params)
    return origin + url.raw_path.decode("ascii")


class _Server:
    """Answers every request with the read's documented answer (or a 404), keeping each request line and headers."""

    def __init__(self, read: SpecCall, status: int = 200, *, gzip: bool = False) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.read = read
        self.status = status
        self.gzip = gzip

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = dict(line.split(": ", 1) for line in lines[1:] if line)
            self.requests.append((lines[0], {name.lower(): value for name, value in headers.items()}))
            status = self.read.answer.status if self.status == 200 else self.status
            body = self.read.ok().content if self.status == 200 else json.dumps({"error": "Not found"}).encode()
            encoding = b""
            if self.gzip:
                body, encoding = gzip.compress(body), b"Content-Encoding: gzip\r\n"
            writer.write(
                f"HTTP/1.1 {status} Whatever\r\n".encode()
                + b"Content-Type: application/json\r\nConnection: close\r\n"
                + encoding
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass  # a client refused at the handshake
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def _serving(tls: ssl.SSLContext | None, server: _Server) -> AsyncIterator[tuple[_Server, int]]:
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=tls)
    async with listener:
        yield server, listener.sockets[0].getsockname()[1]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def mtls_server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED  # no client certificate, no connection
    return context


def _client_context(ca: trustme.CA, *, with_certificate: bool) -> ssl.SSLContext:
    """What a service configures: trust in the private CA, and its own certificate to present."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    if with_certificate:
        ca.issue_cert("billing-service.example.test").configure_cert(context)
    return context


# The caller's client of each backend's library: made with a TLS context, or a proxy.
def _httpx_client(*, tls: ssl.SSLContext | None = None, proxy: str | None = None) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(verify=tls or True, proxy=proxy)


def _aiohttp_session(*, tls: ssl.SSLContext | None = None, proxy: str | None = None) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=tls or True), proxy=proxy)


OWN_CLIENTS: dict[str, Callable[..., Any]] = {"httpx": _httpx_client, "aiohttp": _aiohttp_session}


def test_every_backend_has_a_client_of_its_own_library_here() -> None:
    assert set(OWN_CLIENTS) == set(BACKENDS)


@pytest.fixture
async def own_client() -> AsyncIterator[Callable[..., Any]]:
    """Makes a caller's client: ``own_client(library, tls=..., proxy=...)``, closed by its owner after the test.

    Closed whether the test passed or failed: a session left open warns when it is collected, in
    whichever test runs then, and fails that one instead.
    """
    made: list[Any] = []

    def make(library: str, **options: Any) -> Any:
        made.append(OWN_CLIENTS[library](**options))
        return made[-1]

    yield make
    for given in made:
        await (given.aclose() if isinstance(given, httpx2.AsyncClient) else given.close())


def _is_closed(client: Any) -> bool:
    return bool(client.is_closed) if isinstance(client, httpx2.AsyncClient) else bool(client.closed)


@pytest.mark.parametrize("library", list(OWN_CLIENTS))
async def test_a_callers_client_presents_its_certificate_to_a_server_that_requires_one(
    keyed_read: SpecCall,
    library: str,
    ca: trustme.CA,
    mtls_server_context: ssl.SSLContext,
    own_client: Callable[..., Any],
) -> None:
    read = keyed_read
    given = own_client(library, tls=_client_context(ca, with_certificate=True))
    async with _serving(mtls_server_context, _Server(read)) as (server, port):
        async with PalommaClient(api_key=API_KEY, base_url=f"https://127.0.0.1:{port}/v1", http_client=given) as client:
            assert type(client._backend).__module__ == BACKENDS[library].module
            read_back = await read(client)

        assert read_back == read.expected
        [(request_line, headers)] = server.requests
        assert request_line == f"{read.http_method} {_target(read)} HTTP/1.1"
        assert headers["authorization"] == f"Bearer {API_KEY}"
        assert headers["user-agent"].startswith("palomma-client-python/")
        # Given, so never closed by the SDK: still usable, by the caller, who closes it.
        assert not _is_closed(given)
        async with PalommaClient(api_key=API_KEY, base_url=f"https://127.0.0.1:{port}/v1", http_client=given) as again:
            assert await read(again) == read.expected


@pytest.mark.parametrize("library", list(OWN_CLIENTS))
async def test_without_the_certificate_the_server_refuses_with_a_connection_error(
    read: SpecCall,
    library: str,
    ca: trustme.CA,
    mtls_server_context: ssl.SSLContext,
    own_client: Callable[..., Any],
) -> None:
    given = own_client(library, tls=_client_context(ca, with_certificate=False))
    async with (
        _serving(mtls_server_context, _Server(read)) as (server, port),
        PalommaClient(
            api_key=API_KEY, base_url=f"https://127.0.0.1:{port}/v1", http_client=given, max_retries=0
        ) as client,
    ):
        with pytest.raises(APIConnectionError) as caught:
            await read(client)

    assert f"{caught.value.request.method} {caught.value.request.url.path}" == read.line
    assert API_KEY not in str(caught.value)
    assert server.requests == []
    assert not _is_closed(given)


@pytest.mark.parametrize("library", list(OWN_CLIENTS))
async def test_a_callers_client_sends_through_its_explicit_proxy(
    keyed_read: SpecCall, library: str, own_client: Callable[..., Any]
) -> None:
    read = keyed_read
    # Plain HTTP through a forward proxy: the request line names the whole target URL.
    async with _serving(None, _Server(read)) as (proxy, port):
        given = own_client(library, proxy=f"http://127.0.0.1:{port}")
        async with PalommaClient(
            api_key=API_KEY, base_url="http://api.palomma.invalid/v1", http_client=given, max_retries=0
        ) as client:
            read_back = await read(client)

    assert read_back == read.expected
    [(request_line, headers)] = proxy.requests
    assert request_line == f"{read.http_method} {_target(read, 'http://api.palomma.invalid')} HTTP/1.1"
    assert headers["authorization"] == f"Bearer {API_KEY}"


async def test_a_given_session_closed_by_its_owner_is_a_closed_client() -> None:
    session = aiohttp.ClientSession()
    client = PalommaClient(api_key=API_KEY, base_url="http://127.0.0.1:9/v1", http_client=session)
    assert not client.is_closed
    await session.close()
    assert client.is_closed


async def test_a_session_that_inflates_and_raises_for_status_by_itself_changes_nothing_a_call_sees(
    read: SpecCall,
) -> None:
    # aiohttp's defaults inflate bodies, and raise_for_status=True raises its own error on a 4xx:
    # the SDK reads the body and the status itself, as from the session it makes.
    for server in (_Server(read, gzip=True), _Server(read, 404)):
        async with (
            _serving(None, server) as (_, port),
            aiohttp.ClientSession(raise_for_status=True) as session,
            PalommaClient(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", http_client=session) as client,
        ):
            if server.status == 200:
                assert await read(client) == read.expected
            else:
                with pytest.raises(NotFoundError) as caught:
                    await read(client)
                assert caught.value.status_code == 404
