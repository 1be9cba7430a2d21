"""The API key is nowhere a caller can reach: raw responses, exception chains, echoed bodies, logs. Both backends."""

from __future__ import annotations

import asyncio
import logging
import pickle
import traceback
from typing import Literal

import httpx2
import pytest

from palomma_client import APIConnectionError, BadRequestError, InternalServerError, PalommaClient
from palomma_client._http_answers import http_answer
from tests.support import API_KEY, RecordingAPI, created_invoice

pytestmark = [pytest.mark.usefixtures("clean_environment"), pytest.mark.backends]


def _everything_reachable(error: BaseException) -> str:
    """What a caller can print of an error: str, repr, the whole chain's reprs and their requests' headers."""
    seen: list[str] = [str(error), repr(error), "".join(traceback.format_exception(error))]
    link: BaseException | None = error
    while link is not None:
        seen.append(repr(link))
        seen.append(repr(vars(link)) if hasattr(link, "__dict__") else "")
        try:
            request = getattr(link, "request", None)
        except RuntimeError:
            request = None
        if isinstance(request, httpx2.Request):
            seen.append(repr(dict(request.headers)))
        info = getattr(link, "request_info", None)
        if info is not None:
            seen.append(repr(info))
        link = link.__cause__ or link.__context__
    return "\n".join(seen)


async def test_a_pickled_raw_response_holds_no_key(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()))
    response = await palomma.invoices.with_raw_response.get(created_invoice()["id"])
    pickled = pickle.dumps(response)
    assert API_KEY.encode() not in pickled
    copy = pickle.loads(pickled)
    assert copy.parse().id == created_invoice()["id"]
    assert copy.http_request.headers["authorization"] == "[redacted]"


async def test_a_chained_transport_error_holds_no_key(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(*[httpx2.ReadError("connection reset")] * 3)
    with pytest.raises(APIConnectionError) as caught:
        await palomma.invoices.get(created_invoice()["id"])
    assert caught.value.__cause__ is not None
    assert API_KEY not in _everything_reachable(caught.value)
    assert API_KEY.encode() not in pickle.dumps(caught.value)


async def test_an_unparseable_answers_chained_error_holds_no_key(backend: Literal["httpx", "aiohttp"]) -> None:
    # An answer aiohttp cannot parse becomes a ClientResponseError, whose repr shows the request's headers.
    async def broken(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(broken, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with (
        server,
        PalommaClient(
            api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", backend=backend, max_retries=0
        ) as palomma,
    ):
        with pytest.raises(APIConnectionError) as caught:
            await palomma.invoices.get(created_invoice()["id"])
    assert API_KEY not in _everything_reachable(caught.value)


@pytest.mark.parametrize(("status", "error_class"), [(400, BadRequestError), (500, InternalServerError)])
async def test_a_key_the_api_echoes_in_an_error_body_is_masked_everywhere(
    palomma: PalommaClient,
    api: RecordingAPI,
    caplog: pytest.LogCaptureFixture,
    status: int,
    error_class: type[Exception],
) -> None:
    echoed = {"error": f"token Bearer {API_KEY} is not allowed here", "token": API_KEY}
    api.queue(*[httpx2.Response(status, json=echoed, headers={"WWW-Authenticate": f"Bearer {API_KEY}"})] * 3)
    with pytest.raises(error_class) as caught:
        await palomma.invoices.get(created_invoice()["id"], max_retries=0)
    error = caught.value
    assert isinstance(error, BadRequestError | InternalServerError)
    assert "[redacted]" in error.message
    shown_headers = repr(error.response.headers.raw)
    for shown in (
        str(error),
        error.message,
        repr(error.body),
        error.response.text,
        shown_headers,
        _everything_reachable(error),
    ):
        assert API_KEY not in shown
    with caplog.at_level(logging.DEBUG, logger="palomma_client"):
        answer = http_answer(error)
    assert API_KEY not in repr(answer.body)
    assert API_KEY not in caplog.text
