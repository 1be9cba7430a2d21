"""Helpers the tests share: the spec and its examples, a recording mock transport, a recording sleep."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import http.server
import json
import shutil
import socket
import struct
import sys
import threading
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import yaml

from palomma_client import PalommaClient
from palomma_client._environments import resolve_base_url
from palomma_client._http import HTTPRequest

ROOT = Path(__file__).resolve().parent.parent

API_KEY = "sk_test_4f9a2c7e1b8d"
SANDBOX = "https://sandbox.api.palomma.com/v1"

Handler = Callable[[httpx2.Request], httpx2.Response]


def load_spec() -> dict[str, Any]:
    with (ROOT / "openapi.yaml").open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


SPEC = load_spec()


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """The path, method and definition of the spec's operation ``operation_id``."""
    for path, item in SPEC["paths"].items():
        for method, definition in item.items():
            if isinstance(definition, dict) and definition.get("operationId") == operation_id:
                return path, method, definition
    raise KeyError(operation_id)


def schema(name: str) -> dict[str, Any]:
    """A component schema of the spec."""
    found: dict[str, Any] = SPEC["components"]["schemas"][name]
    return found


def parameter_schema(operation_id: str, name: str) -> dict[str, Any]:
    """The schema of one parameter of an operation."""
    _, _, definition = operation(operation_id)
    for parameter in definition.get("parameters", []):
        if parameter["name"] == name:
            found: dict[str, Any] = parameter["schema"]
            return found
    raise KeyError(name)


def unknown_value(known: Iterable[object]) -> str:
    """A value the spec can never list: random, and checked against what it does list."""
    value = f"not-in-spec-{uuid.uuid4().hex[:8]}"
    assert value not in {str(item) for item in known}
    return value


def example(path: str, method: str, name: str) -> dict[str, Any]:
    """A deep copy of one of the spec's 200 examples."""
    content = SPEC["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    value: dict[str, Any] = copy.deepcopy(content["examples"][name]["value"])
    return value


def created_invoice(**changes: Any) -> dict[str, Any]:
    return {**example("/invoices", "post", "created"), **changes}


def settlement_body(**changes: Any) -> dict[str, Any]:
    return {**example("/settlements/{date}/{cycle}", "get", "found"), **changes}


def page_body(items: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"items": items, "cursor": cursor, "count": len(items)}


class RecordingAPI:
    """The API a test scripts: answers queued per test, every request kept as an ``httpx2.Request``.

    With ``backend="httpx"`` the answers come through ``transport``, an
    ``httpx2.MockTransport``. With ``backend="aiohttp"`` they come from an
    HTTP/1.1 server on 127.0.0.1 (``async with api.serving()``), so the same
    test drives the aiohttp backend over a real socket; each request is
    recorded as the client addressed it (the origin it was configured with,
    then the exact request target it sent), with the headers it sent.

    ``client()`` makes a ``PalommaClient`` that sends to whichever it is.
    Over the socket, a queued httpx2 exception becomes what would cause it:

    - ``ConnectError``: the connection is refused (the connect goes to a
      closed port), so nothing reaches the server;
    - ``ConnectTimeout``: the connect never completes;
    - ``ReadTimeout``, ``WriteTimeout``: the request is read and never
      answered, and the client's ``HELD_ANSWER_TIMEOUT`` runs out;
    - ``ReadError``: the connection is reset once the request is read;
    - any other: the connection is closed once the request is read.

    Each answer closes its connection, so that every request opens one and a
    connection failure can be queued for any request.
    """

    def __init__(self, backend: str = "httpx") -> None:
        self.backend = backend
        self.requests: list[httpx2.Request] = []
        self._answers: list[Handler | httpx2.Response | Exception] = []
        self.default: Handler | None = None
        self._transport = httpx2.MockTransport(self._handle)
        self._origin = SANDBOX
        self._server: asyncio.Server | None = None
        self._port = 0
        self._refusing_port = 0
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.server_errors: list[BaseException] = []

    @property
    def transport(self) -> httpx2.MockTransport:
        """The mock transport, for tests about httpx2 itself (marked ``httpx_only``)."""
        assert self.backend == "httpx", "this test hands httpx2 a transport: mark it httpx_only, or use api.client()"
        return self._transport

    def queue(self, *answers: Handler | httpx2.Response | Exception) -> None:
        self._answers.extend(answers)

    def client(self, **options: Any) -> PalommaClient:
        """A client that sends to this API over the test's backend; ``options`` go to ``PalommaClient``."""
        if self.backend == "httpx":
            return PalommaClient(transport=self.transport, **options)
        assert self._server is not None, "start the server first: async with api.serving()"
        # Resolved as the client would: a bad environment fails here as it would there.
        _, intended = resolve_base_url(options.pop("environment", None), options.pop("base_url", None))
        parts = urllib.parse.urlsplit(intended)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        options.setdefault("timeout", HELD_ANSWER_TIMEOUT)
        return PalommaClient(backend="aiohttp", base_url=f"http://127.0.0.1:{self._port}{parts.path}", **options)

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[RecordingAPI]:
        """Serve on 127.0.0.1 for the aiohttp backend (nothing to do for httpx); re-raise what the server met."""
        if self.backend == "httpx":
            yield self
            return
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self._port = self._server.sockets[0].getsockname()[1]
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            self._refusing_port = closed.getsockname()[1]
        loop = asyncio.get_running_loop()
        original_connect = loop.sock_connect
        loop.sock_connect = self._connect_through(original_connect)  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            del loop.sock_connect
            self._server.close()
            for writer in self._writers:
                writer.transport.abort()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            await self._server.wait_closed()
        if self.server_errors:
            raise self.server_errors[0]

    def _connect_through(
        self, connect: Callable[[socket.socket, Any], Awaitable[None]]
    ) -> Callable[[socket.socket, Any], Awaitable[None]]:
        async def sock_connect(sock: socket.socket, address: Any) -> None:
            head = self._answers[0] if self._answers else None
            if tuple(address[:2]) == ("127.0.0.1", self._port) and isinstance(head, _CONNECT_FAILURES):
                self._answers.pop(0)
                self.requests.append(self._attempted())
                if isinstance(head, httpx2.ConnectTimeout):
                    await asyncio.Event().wait()  # until the client's connect timeout cancels it
                address = ("127.0.0.1", self._refusing_port)
            await connect(sock, address)

        return sock_connect

    def _attempted(self) -> httpx2.Request:
        """The request whose connection is failing, as the mock transport would have recorded it.

        Nothing reaches the server, so it is taken from the backend's frame
        that is sending it, its URL given the origin the client was told.
        """
        frame = sys._getframe(1)
        while frame is not None:
            request = frame.f_locals.get("request")
            if isinstance(request, HTTPRequest):
                target = urllib.parse.urlsplit(request.url)
                url = self._origin + target.path + (f"?{target.query}" if target.query else "")
                return httpx2.Request(request.method, url, headers=request.headers, content=request.content)
            frame = frame.f_back  # type: ignore[assignment]
        raise AssertionError("a connection to the RecordingAPI was not made by a backend's send")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        try:
            request = await _read_request(reader, self._origin)
            if request is None:
                return
            try:
                answer: httpx2.Response | Exception = self._handle(request)
            except httpx2.TransportError as error:
                answer = error
            if isinstance(answer, httpx2.Response):
                writer.write(_response_bytes(answer))
                await writer.drain()
            elif isinstance(answer, httpx2.ReadTimeout | httpx2.WriteTimeout):
                await reader.read()  # hold until the client gives up and hangs up
            elif isinstance(answer, httpx2.ReadError):
                writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except Exception as error:  # an assertion in a test's handler: the test fails with it
            self.server_errors.append(error)
        finally:
            writer.close()
            self._writers.discard(writer)
            self._handlers.discard(task)

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


_CONNECT_FAILURES = (httpx2.ConnectError, httpx2.ConnectTimeout)

HELD_ANSWER_TIMEOUT = httpx2.Timeout(10.0, connect=0.5, read=0.5)
"""The timeout of ``RecordingAPI.client()`` over a socket: long enough for any answer, short for a held one."""


async def _read_request(reader: asyncio.StreamReader, origin: str) -> httpx2.Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    request_line, *lines = head[:-4].decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    length = next((int(value) for name, value in headers if name.lower() == "content-length"), 0)
    body = await reader.readexactly(length) if length else b""
    request = httpx2.Request(method, origin + target, headers=headers, stream=httpx2.ByteStream(body))
    request.read()
    return request


def _response_bytes(response: httpx2.Response) -> bytes:
    # A response an httpx2 client has sent has its stream wrapped; its content is in hand either way.
    stream = response.stream
    body = b"".join(stream) if isinstance(stream, httpx2.ByteStream) else response.content
    head = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}".encode()]
    head += [name + b": " + value for name, value in response.headers.raw if name.lower() != b"connection"]
    if "content-length" not in response.headers:
        head.append(b"Content-Length: %d" % len(body))
    head.append(b"Connection: close")
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class Sleeps:
    """A stand-in for asyncio.sleep that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def fresh_name(taken: Iterable[object], *candidates: str) -> str:
    """The first of ``candidates`` (then numbered variants of the first) that ``taken`` lacks.

    Tests that play a vendor's next change (a new field, value or operation) use it, so they
    keep passing once the spec has gained that very change.
    """
    existing = {str(item) for item in taken}
    numbered = (f"{candidates[0]}{number}" for number in range(2, 1000))
    return next(name for name in (*candidates, *numbered) if name not in existing)


def spec_field_names() -> set[str]:
    """Every property name of every component schema of the spec."""
    return {name for schema in SPEC["components"]["schemas"].values() for name in schema.get("properties", {})}


def spec_operation_ids() -> set[str]:
    """Every operationId of the spec."""
    return {
        definition["operationId"]
        for item in SPEC["paths"].values()
        for definition in item.values()
        if isinstance(definition, dict) and "operationId" in definition
    }


@contextlib.contextmanager
def serving_http(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` from a thread on a free 127.0.0.1 port; yield the base URL, without a final slash."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def copy_project(tmp_path: Path) -> Path:
    """A copy of the project's spec, generator, package, changelog and docs, as a fresh clone has them."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("openapi.yaml", "generator-config.yml", "CHANGELOG.md", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("scripts", "palomma_client", "docs", "examples"):
        shutil.copytree(ROOT / folder, project / folder, ignore=ignore)
    return project
