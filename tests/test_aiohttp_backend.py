"""What only the aiohttp backend has to get right: its session's event loop, and aiohttp's own errors kept."""

from __future__ import annotations

import asyncio
import gc
import json
import socket

import aiohttp
import pytest

from palomma_client import APIConnectionError, PalommaClient
from tests.support import API_KEY, created_invoice

pytestmark = pytest.mark.usefixtures("clean_environment")

INVOICE = json.dumps(created_invoice()).encode()


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(INVOICE), INVOICE))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


# The first loop's pooled connection cannot be closed once that loop is
# gone; Python warns about its socket when it is collected, as it does for
# any connection left open when a loop ends.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_client_used_under_a_second_event_loop_opens_a_session_there() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    palomma = PalommaClient(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", backend="aiohttp")

    async def get_an_invoice(then_close: bool) -> str:
        server = await asyncio.start_server(_answer, sock=listener.dup())
        async with server:
            invoice = await palomma.invoices.get("abc")
            if then_close:
                await palomma.close()
        return invoice.id

    with listener:
        first = asyncio.run(get_an_invoice(then_close=False))
        second = asyncio.run(get_an_invoice(then_close=True))
    gc.collect()

    assert first == second == created_invoice()["id"]
    assert palomma.is_closed


async def test_aiohttps_own_error_is_kept_as_the_cause() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    async with PalommaClient(
        api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", backend="aiohttp", max_retries=0
    ) as palomma:
        with pytest.raises(APIConnectionError) as caught:
            await palomma.invoices.get("abc")

    assert not caught.value.may_have_reached_server
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectorError)
