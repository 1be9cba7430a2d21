"""The API key is nowhere a caller can reach: raw responses, exception chains, echoed bodies, logs. Both backends."""

from __future__ import annotations

import asyncio
import logging
import pickle
import traceback
from pathlib import Path
from typing import Any, Literal

import httpx2
import pytest

from palomma_client import APIConnectionError, BadRequestError, InternalServerError, PalommaClient
from palomma_client._generated.security import SCHEMES
from palomma_client._http_answers import http_answer
from palomma_client._request import HTTPRequest
from tests.spec_calls import SpecCall, a_call
from tests.support import API_KEY, RecordingAPI, copy_project, run_generate, run_probe

pytestmark = [pytest.mark.usefixtures("clean_environment"), pytest.mark.backends]


@pytest.fixture
def read() -> SpecCall:
    """A read that sends the API key (as a bearer token): these tests follow where the key goes from there."""
    return a_call("GET", bearer_key=True)


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


async def test_a_pickled_raw_response_holds_no_key(read: SpecCall, palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(read.ok())
    response = await read.raw(palomma)
    pickled = pickle.dumps(response)
    assert API_KEY.encode() not in pickled
    copy = pickle.loads(pickled)
    assert copy.parse() == read.expected
    assert copy.http_request.headers["authorization"] == "[redacted]"


async def test_a_chained_transport_error_holds_no_key(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(*[httpx2.ReadError("connection reset")] * 3)
    with pytest.raises(APIConnectionError) as caught:
        await read(palomma)
    assert caught.value.__cause__ is not None
    assert API_KEY not in _everything_reachable(caught.value)
    assert API_KEY.encode() not in pickle.dumps(caught.value)


async def test_an_unparseable_answers_chained_error_holds_no_key(
    read: SpecCall, backend: Literal["httpx", "aiohttp"]
) -> None:
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
            await read(palomma)
    assert API_KEY not in _everything_reachable(caught.value)


@pytest.mark.parametrize(("status", "error_class"), [(400, BadRequestError), (500, InternalServerError)])
async def test_a_key_the_api_echoes_in_an_error_body_is_masked_everywhere(
    read: SpecCall,
    palomma: PalommaClient,
    api: RecordingAPI,
    caplog: pytest.LogCaptureFixture,
    status: int,
    error_class: type[Exception],
) -> None:
    echoed = {"error": f"token Bearer {API_KEY} is not allowed here", "token": API_KEY}
    api.queue(*[httpx2.Response(status, json=echoed, headers={"WWW-Authenticate": f"Bearer {API_KEY}"})] * 3)
    with pytest.raises(error_class) as caught:
        await read(palomma, max_retries=0)
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


def test_a_request_ready_to_send_shows_its_credential_headers_masked() -> None:
    headers = {scheme.header: f"{scheme.prefix}{API_KEY}" for scheme in SCHEMES.values()}
    request = HTTPRequest("GET", "https://api.example/v1/x", {**headers, "X-Trace": "t-1"}, b"{}", None)

    assert API_KEY not in repr(request)
    assert "'X-Trace': 't-1'" in repr(request)


# --- a spec whose key travels in a header of its own ------------------------------------------------------

KEY_HEADER = "X-Vendor-Probe-Key"
PROBE_KEY = "sk_test_vendor_probe_0123456789"


def _key_in_a_header(spec: dict[str, Any]) -> None:
    """The document's security becomes an API key in ``KEY_HEADER``; one probe operation is added."""
    spec["components"]["securitySchemes"]["vendorProbeKey"] = {"type": "apiKey", "in": "header", "name": KEY_HEADER}
    spec["security"] = [{"vendorProbeKey": []}]
    spec["paths"]["/vendor-probe-secrets"] = {
        "get": {
            "operationId": "getVendorProbeSecret",
            "tags": ["Vendor Probe Secrets"],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}
            },
        }
    }


KEY_HEADER_PROBE = """
import asyncio, io, json, logging, pickle, traceback
import httpx2
from palomma_client import PalommaClient
from palomma_client._generated.api import METHODS

KEY, HEADER = __KEY__, __HEADER__
leaks, sent = [], []
log = io.StringIO()
handler = logging.StreamHandler(log)
handler.setFormatter(logging.Formatter("%(message)s %(__dict__)s"))
logging.getLogger("palomma_client").addHandler(handler)
logging.getLogger("palomma_client").setLevel(logging.DEBUG)

def look(place, *shown):
    for text in shown:
        if KEY in (text if isinstance(text, str) else text.decode("latin-1")):
            leaks.append(place)
            return

def reachable(error):
    seen = [str(error), repr(error), "".join(traceback.format_exception(error)), pickle.dumps(error)]
    link = error
    while link is not None:
        seen += [repr(link), repr(getattr(link, "__dict__", ""))]
        request = getattr(link, "request", None)
        if isinstance(request, httpx2.Request):
            seen.append(repr(dict(request.headers)))
        seen.append(repr(getattr(link, "request_info", "")))
        link = link.__cause__ or link.__context__
    return seen

def echo(request):
    sent.append(dict(request.headers))
    body = {"error": f"key {KEY} is not allowed", "token": KEY}
    return httpx2.Response(400, json=body, headers={"WWW-Authenticate": f"ApiKey {KEY}"})

def ok(request):
    sent.append(dict(request.headers))
    return httpx2.Response(200, json={})

async def broken(reader, writer):
    await reader.readuntil(b"\\r\\n\\r\\n")
    writer.write(b"HTTP/1.1 200 OK\\r\\nContent-Length: nonsense\\r\\n\\r\\n{}")
    await writer.drain()
    writer.close()

async def main():
    resource, method = METHODS["getVendorProbeSecret"]
    async with PalommaClient(KEY, base_url="https://api.example/v1", transport=httpx2.MockTransport(echo),
                             max_retries=0) as client:
        look("client repr", repr(client), str(client), repr(vars(client)), repr(client._requester.settings))
        try:
            await getattr(getattr(client, resource), method)()
        except Exception as error:
            look("status error", *reachable(error), error.response.text, repr(error.response.headers.raw))
        try:
            await client.request("GET", "/anything")
        except Exception as error:
            look("status error of request()", *reachable(error))
    async with PalommaClient(KEY, base_url="https://api.example/v1", transport=httpx2.MockTransport(ok)) as client:
        raw = await getattr(getattr(client, resource).with_raw_response, method)()
        look("raw response", repr(raw), repr(dict(raw.http_request.headers)), pickle.dumps(raw))
    def refuse(request):
        raise httpx2.ReadError("connection reset")
    async with PalommaClient(KEY, base_url="https://api.example/v1", transport=httpx2.MockTransport(refuse),
                             max_retries=0) as client:
        try:
            await client.request("GET", "/anything")
        except Exception as error:
            look("transport error", *reachable(error))
    server = await asyncio.start_server(broken, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, PalommaClient(KEY, base_url=f"http://127.0.0.1:{port}/v1", backend="aiohttp",
                                     max_retries=0) as client:
        try:
            await client.request("GET", "/anything")
        except Exception as error:
            look("aiohttp error", *reachable(error))
    look("log", log.getvalue())
    from palomma_client._request import HTTPRequest
    look("HTTPRequest", repr(HTTPRequest("GET", "https://api.example/v1/x", {HEADER: KEY}, None, None)))

asyncio.run(main())
result = {"leaks": leaks, "sent": [h.get(HEADER.lower()) == KEY and "authorization" not in h for h in sent]}
"""


@pytest.fixture(scope="module")
def key_header_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("key-header"), _key_in_a_header)
    completed = run_generate(project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return project


def test_a_key_sent_in_an_api_key_header_is_in_no_repr_error_pickle_or_log(key_header_project: Path) -> None:
    code = KEY_HEADER_PROBE.replace("__KEY__", repr(PROBE_KEY)).replace("__HEADER__", repr(KEY_HEADER))
    result = run_probe(key_header_project, code + "\nprint('RESULT ' + json.dumps(result))\n")

    # Every request went out with the key in its header, and no Authorization: the probe saw real keys.
    assert result["sent"] == [True, True, True]
    assert result["leaks"] == []
