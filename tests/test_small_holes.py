"""Inputs that once slipped past the checks, each refused before sending or bounded in cost."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
import socket
import subprocess
import sys
from typing import Literal

import httpx2
import pytest

from palomma_client import InvalidParameterError, PalommaClient
from tests.spec_calls import SpecCall, a_call, a_paged_call, a_query_text_argument, completed
from tests.support import API_KEY, ROOT, RecordingAPI

pytestmark = pytest.mark.usefixtures("clean_environment")


async def test_a_70_kb_cursor_or_filter_is_refused_before_sending(palomma: PalommaClient, api: RecordingAPI) -> None:
    with pytest.raises(InvalidParameterError, match="query string"):
        a_paged_call()(palomma, cursor="c" * 70_000)
    call, name = a_query_text_argument()
    with pytest.raises(InvalidParameterError, match="query string"):
        await completed(dataclasses.replace(call, arguments={**call.arguments, name: "r" * 70_000}), palomma)
    assert api.requests == []


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), -1, 0, True])
def test_a_timeout_that_bounds_nothing_is_refused(timeout: float) -> None:
    with pytest.raises(InvalidParameterError, match="timeout"):
        PalommaClient(API_KEY, timeout=timeout)


def test_a_base_url_with_credentials_keeps_them_out_of_repr() -> None:
    client = PalommaClient(API_KEY, base_url="https://proxy-user:proxy-secret@proxy.example/v1")
    assert "proxy-secret" not in repr(client)
    assert "proxy.example" in repr(client)


def test_the_sdk_logs_nothing_to_stderr_when_the_application_configured_no_logging() -> None:
    script = (
        "import logging, palomma_client; "
        "logging.getLogger('palomma_client').warning('a warning the application did not ask to see')"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT, env={"PATH": "/usr/bin"}
    )
    assert completed.stderr == ""


def test_the_library_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger("palomma_client").handlers
    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)


@pytest.mark.parametrize(
    "timeout",
    [httpx2.Timeout(None), httpx2.Timeout(10.0, read=None), httpx2.Timeout(10.0, pool=None)],
    ids=["all-none", "read-none", "pool-none"],
)
async def test_an_httpx2_timeout_with_an_unbounded_phase_is_refused_everywhere(
    palomma: PalommaClient, api: RecordingAPI, timeout: httpx2.Timeout
) -> None:
    with pytest.raises(InvalidParameterError, match="would let a call wait forever"):
        PalommaClient(API_KEY, timeout=timeout)
    with pytest.raises(InvalidParameterError, match="would let a call wait forever"):
        palomma.with_options(timeout=timeout)
    with pytest.raises(InvalidParameterError, match="would let a call wait forever"):
        await a_call()(palomma, timeout=timeout)
    assert api.requests == []


def test_a_transport_of_httpx_rather_than_httpx2_is_refused_with_the_reason() -> None:
    httpx = pytest.importorskip("httpx", reason="httpx is not installed, so nobody can pass its transport")
    with pytest.raises(InvalidParameterError, match=r"transport: must be an httpx2.AsyncBaseTransport.*httpx2"):
        PalommaClient(API_KEY, transport=httpx.MockTransport(lambda request: httpx.Response(200)))


# The first loop's pooled connection cannot be closed once that loop is gone; Python warns
# about its socket when it is collected, as it does for any connection left open when a loop ends.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("backend_name", ["httpx", "aiohttp"])
def test_one_client_works_across_successive_event_loops(backend_name: Literal["httpx", "aiohttp"]) -> None:
    read: SpecCall = a_call("GET")
    body = read.ok().content
    head = b"HTTP/1.1 %d OK\r\nContent-Type: %s\r\n" % (read.answer.status, read.ok().headers["content-type"].encode())

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(head + b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    palomma = PalommaClient(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", backend=backend_name)

    async def read_once(then_close: bool) -> object:
        server = await asyncio.start_server(answer, sock=listener.dup())
        async with server:
            read_back = await read(palomma)
            if then_close:
                await palomma.close()
        return read_back

    with listener:
        answers = [asyncio.run(read_once(then_close=number == 2)) for number in range(3)]
    gc.collect()
    assert answers == [read.expected] * 3
    assert palomma.is_closed
