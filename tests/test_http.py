"""Each attempt is bounded in time and each answer in size, and the pool survives cancellations: on both backends.

The servers here are hostile on purpose (they drip, inflate, flood, or stop
accepting), and run in the test's own event loop on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import re
import socket
import struct
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from email.utils import format_datetime

import httpx2
import pytest

from palomma_client import (
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_RESPONSE_BYTES,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ClientClosedError,
    InternalServerError,
    InvoiceOutcomeUnknownError,
    PalommaClient,
    PalommaError,
    ResponseTooLargeError,
)
from palomma_client._constants import MAX_RESPONSE_HEADER_BYTES
from palomma_client._deadline import TICK
from palomma_client._generated.api import OPERATIONS
from palomma_client._request import TimeoutOption
from tests.clock import ClockLoop, run_on_a_clock_loop
from tests.spec_calls import SpecCall, a_call, a_path_text_argument, a_recovering_create, call_of, url_of
from tests.support import API_KEY, Sleeps, backend_errors, echoed

pytestmark = [pytest.mark.usefixtures("clean_environment"), pytest.mark.backends]

MB = 1024 * 1024
OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec: the servers here answer each request with its documented success."""
    call = a_call("GET")
    if call.answer.status != 200:
        pytest.skip(f"{call.operation_id} answers {call.answer.status}: the servers here answer 200")
    return call


def body_of(call: SpecCall) -> bytes:
    """The JSON body of ``call``'s documented success, as a server here writes it."""
    return json.dumps(call.body).encode()


def answer_of(call: SpecCall) -> bytes:
    """The whole HTTP/1.1 answer a server here writes for ``call``: its documented success."""
    body = body_of(call)
    return OK_HEAD + b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


Handle = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def serving(handle: Handle, *, sock: socket.socket | None = None) -> AsyncIterator[str]:
    """Serve ``handle`` on 127.0.0.1 and yield the API's base URL; stop every connection at the end."""
    tasks: set[asyncio.Task[None]] = set()

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # stopped at the end of the test: end as a handler that finished
        finally:
            writer.close()
            tasks.discard(task)

    if sock is None:
        server = await asyncio.start_server(tracked, "127.0.0.1", 0, backlog=1024)
    else:
        server = await asyncio.start_server(tracked, sock=sock, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


def client(
    url: str,
    backend: str,
    *,
    timeout: TimeoutOption = None,
    max_retries: int = 0,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> PalommaClient:
    """A client of the server at ``url`` on ``backend``, with no retries unless asked for."""
    return PalommaClient(
        api_key=API_KEY,
        base_url=url,
        timeout=timeout,
        max_retries=max_retries,
        max_response_bytes=max_response_bytes,
        backend=backend,
    )


@contextlib.contextmanager
def traced_peak() -> Iterator[list[float]]:
    """Trace Python's allocations; the list holds the peak growth in MB once the block ends."""
    peak: list[float] = []
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        yield peak
        peak.append((tracemalloc.get_traced_memory()[1] - baseline) / MB)
    finally:
        tracemalloc.stop()


def test_a_server_that_drips_one_byte_every_tenth_of_a_second_times_out_at_the_deadline(
    backend: str, read: SpecCall
) -> None:
    answer = answer_of(read)
    dripped = 0

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal dripped
        await reader.readuntil(b"\r\n\r\n")
        for byte in answer:
            writer.write(bytes([byte]))
            await writer.drain()
            dripped += 1
            await asyncio.sleep(0.1)

    async def main(loop: ClockLoop) -> float:
        # Each byte comes well within any per-read timeout; only the whole call's deadline can end it.
        async with serving(drip) as url, client(url, backend, timeout=0.4) as palomma:
            started = loop.time()
            with pytest.raises(APITimeoutError) as caught:
                await read(palomma)
            assert caught.value.may_have_reached_server
            return loop.time() - started

    elapsed = run_on_a_clock_loop(main)

    assert 0.4 <= elapsed <= 0.4 + TICK  # on the loop's clock: at the deadline, never before, a tick late at most
    assert dripped >= 4  # the bytes kept coming: no per-read timeout could have fired


def gzip_bomb(inflated: int = 1024 * MB) -> bytes:
    """A valid gzip body of about 1 MB that inflates to ``inflated`` bytes of zeros."""
    piece = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    # A full flush ends a block on a byte boundary with no back-references, so the block repeats as is.
    block = compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 0
    for _ in range(inflated // MB):
        checksum = zlib.crc32(piece, checksum)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", checksum, inflated & 0xFFFFFFFF)
    return header + block * (inflated // MB) + compressor.flush() + trailer


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb()


def sending(head: bytes, body_pieces: Callable[[], Iterator[bytes]]) -> Handle:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(head)
        for piece in body_pieces():
            writer.write(piece)
            await writer.drain()

    return handle


async def test_a_gzip_bomb_stops_at_the_limit_without_inflating_it(backend: str, bomb: bytes, read: SpecCall) -> None:
    assert len(bomb) < 1.1 * MB
    head = OK_HEAD + b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb)

    def pieces() -> Iterator[bytes]:
        view = memoryview(bomb)
        for start in range(0, len(bomb), 64 * 1024):
            yield bytes(view[start : start + 64 * 1024])

    async with serving(sending(head, pieces)) as url, client(url, backend) as palomma:
        with traced_peak() as peak, pytest.raises(ResponseTooLargeError) as caught:
            await read(palomma)

    assert caught.value.limit == DEFAULT_MAX_RESPONSE_BYTES
    assert f"max_response_bytes ({DEFAULT_MAX_RESPONSE_BYTES:,} bytes)" in str(caught.value)
    assert peak[0] < 100


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "until-close"])
async def test_a_50_mb_answer_is_refused_at_the_limit(backend: str, declared: bool, read: SpecCall) -> None:
    size = 50 * MB
    length = b"Content-Length: %d\r\n" % size if declared else b"Connection: close\r\n"
    megabyte = b"x" * MB

    def pieces() -> Iterator[bytes]:
        for _ in range(size // MB):
            yield megabyte

    async with serving(sending(OK_HEAD + length + b"\r\n", pieces)) as url, client(url, backend) as palomma:
        with traced_peak() as peak, pytest.raises(ResponseTooLargeError, match="max_response_bytes") as caught:
            await read(palomma)

    assert caught.value.limit == DEFAULT_MAX_RESPONSE_BYTES
    assert peak[0] < 100


async def test_an_answer_at_the_limit_is_read_whole(backend: str, read: SpecCall) -> None:
    # Spaces between the JSON's tokens make the answer large without changing what it says.
    body = json.dumps(read.body, indent=2000).encode()
    head = OK_HEAD + b"Content-Length: %d\r\n\r\n" % len(body)
    async with (
        serving(sending(head, lambda: iter([body]))) as url,
        client(url, backend, max_response_bytes=len(body)) as palomma,
    ):
        answer = await read(palomma)
    assert len(body) > 2000
    assert answer == read.expected


@pytest.mark.parametrize(
    ("extra", "piece_size", "declared"),
    [(0, None, True), (0, 512, False), (1, None, True), (1, 512, False)],
    ids=["short-in-one-piece", "long-in-pieces-to-the-limit", "over-by-its-length", "over-by-its-bytes"],
)
async def test_an_uncompressed_answer_is_kept_up_to_the_limit_and_refused_one_byte_past_it(
    backend: str, extra: int, piece_size: int | None, declared: bool, read: SpecCall
) -> None:
    """The limit counts the bytes as they come, in one piece or many, or refuses a declared length at once."""
    body = body_of(read)
    limit = len(body) + (0 if piece_size is None else 20 * piece_size)
    # Spaces after the JSON make it as long as the case needs without changing what it says.
    sent = body + b" " * (limit + extra - len(body)) if extra or piece_size is not None else body
    length = b"Content-Length: %d\r\n" % len(sent) if declared else b"Connection: close\r\n"
    size = piece_size or len(sent)
    pieces = [sent[start : start + size] for start in range(0, len(sent), size)]
    async with (
        serving(sending(OK_HEAD + length + b"\r\n", lambda: iter(pieces))) as url,
        client(url, backend, max_response_bytes=limit) as palomma,
    ):
        if extra:
            with pytest.raises(ResponseTooLargeError, match=f"max_response_bytes \\({limit:,} bytes\\)") as caught:
                await read(palomma)
            assert caught.value.limit == limit
        else:
            assert await read(palomma) == read.expected
    assert len(pieces) == 1 if piece_size is None else len(pieces) > 20


class KeepAliveServer:
    """Answers every request with ``call``'s success, keeping connections open; counts connections and requests."""

    def __init__(self, call: SpecCall) -> None:
        self.connections = 0
        self.requests = 0
        self.answer = answer_of(call)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        while await reader.readuntil(b"\r\n\r\n"):
            self.requests += 1
            writer.write(self.answer)
            await writer.drain()


async def test_sequential_calls_reuse_one_kept_alive_connection(backend: str, read: SpecCall) -> None:
    server = KeepAliveServer(read)
    async with serving(server.handle) as url, client(url, backend) as palomma:
        for _ in range(10):
            assert await read(palomma) == read.expected
    assert (server.connections, server.requests) == (1, 10)


class HoldingServer(KeepAliveServer):
    """Holds every request until ``together`` requests are held at once, then answers them all: a barrier."""

    def __init__(self, call: SpecCall, together: int) -> None:
        super().__init__(call)
        self.held = 0
        self.most_held = 0
        self.together = together
        self.released = asyncio.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        while await reader.readuntil(b"\r\n\r\n"):
            self.requests += 1
            self.held += 1
            self.most_held = max(self.most_held, self.held)
            if self.held == self.together:
                self.released.set()
            await self.released.wait()
            self.held -= 1
            writer.write(self.answer)
            await writer.drain()


def test_calls_cancelled_mid_connect_lose_no_pool_slot(backend: str, read: SpecCall) -> None:
    """Rounds of cancelled connects; then the pool's size of calls are all under way at once, and as many again."""
    pool_size = DEFAULT_CONNECTION_LIMITS.max_connections
    assert pool_size is not None
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    # A full accept queue, never accepted: the kernel drops further SYNs, so
    # every new connect hangs mid-handshake until it is cancelled.
    listener.listen(1)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    fillers = [socket.create_connection(listener.getsockname(), timeout=5) for _ in range(2)]
    server = HoldingServer(read, together=pool_size)

    # On the loop's own clock, which moves only once every call is stuck mid-connect or waiting
    # for a slot: each round cancels the calls at the same point, so a second round (connects
    # in the slots the first round's cancellations freed) proves all a fifth would. A lost slot
    # leaves calls waiting for one until the pool timeout, and they fail.
    async def main(loop: ClockLoop) -> list[object]:
        async with client(url, backend, timeout=5.0) as palomma:
            for _ in range(2):
                calls = [asyncio.wait_for(read(palomma), timeout=0.1) for _ in range(250)]
                outcomes = await asyncio.gather(*calls, return_exceptions=True)
                assert all(isinstance(outcome, TimeoutError) for outcome in outcomes)
            assert server.requests == 0

            for filler in fillers:
                filler.close()
            async with serving(server.handle, sock=listener):
                return await asyncio.gather(*(read(palomma) for _ in range(2 * pool_size)))

    answers = run_on_a_clock_loop(main)

    assert answers == [read.expected] * (2 * pool_size)
    # Every slot held a request at once: not one was lost to a cancelled connect.
    assert server.most_held == pool_size
    assert server.requests == 2 * pool_size


async def test_a_refused_connection_is_a_connection_error_that_never_reached_the_server(
    backend: str, refused_port: int, read: SpecCall
) -> None:
    url = f"http://127.0.0.1:{refused_port}/v1"
    async with client(url, backend) as palomma:
        with pytest.raises(APIConnectionError) as caught:
            await read(palomma)

    assert type(caught.value) is APIConnectionError
    assert str(caught.value).startswith(f"Connection error on {read.line}")
    assert not caught.value.may_have_reached_server
    assert isinstance(caught.value.__cause__, backend_errors(backend)["refused"])
    assert str(caught.value.request.url) == url_of(read, url)


@contextlib.contextmanager
def never_accepting() -> Iterator[str]:
    """The base URL of a 127.0.0.1 port whose accept queue is full: a new connect hangs mid-handshake."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        host, port = listener.getsockname()
        fillers = [socket.create_connection((host, port), timeout=5) for _ in range(2)]
        try:
            yield f"http://{host}:{port}/v1"
        finally:
            for filler in fillers:
                filler.close()


@pytest.mark.clock_loop
async def test_a_connect_that_never_completes_is_a_timeout_that_never_reached_the_server(
    backend: str, read: SpecCall
) -> None:
    with never_accepting() as url:
        async with client(url, backend, timeout=httpx2.Timeout(5.0, connect=0.2)) as palomma:
            with pytest.raises(APITimeoutError) as caught:
                await read(palomma)

    assert not caught.value.may_have_reached_server
    assert caught.value.__cause__ is not None


@pytest.mark.parametrize("refusal", ["refused", "never_accepted"])
@pytest.mark.clock_loop
async def test_a_create_whose_connect_fails_is_retried_and_never_looked_up(
    backend: str, refused_port: int, refusal: str
) -> None:
    create = call_of("createInvoice")
    sleeps = Sleeps()
    with contextlib.ExitStack() as stack:
        url = f"http://127.0.0.1:{refused_port}/v1" if refusal == "refused" else stack.enter_context(never_accepting())
        async with PalommaClient(
            api_key=API_KEY,
            base_url=url,
            backend=backend,
            max_retries=2,
            sleep=sleeps,
            timeout=httpx2.Timeout(5.0, connect=0.2),
        ) as palomma:
            with pytest.raises(APIConnectionError) as caught:
                await create(palomma)

    # A lookup would have failed to connect too, and made the outcome unknown: none was made.
    assert not isinstance(caught.value, InvoiceOutcomeUnknownError)
    assert not caught.value.may_have_reached_server
    assert len(sleeps.delays) == 2


@pytest.mark.parametrize("bypassed", [False, True], ids=["proxied", "no_proxy"])
async def test_the_proxy_named_by_the_environment_is_used_unless_no_proxy_says_otherwise(
    backend: str, bypassed: bool, monkeypatch: pytest.MonkeyPatch, read: SpecCall
) -> None:
    proxy, direct = KeepAliveServer(read), KeepAliveServer(read)
    targets: list[bytes] = []

    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        proxy.connections += 1
        while head := await reader.readuntil(b"\r\n\r\n"):
            targets.append(head.split(b" ", 2)[1])
            writer.write(proxy.answer)
            await writer.drain()

    async with serving(forward) as proxy_url, serving(direct.handle) as url:
        monkeypatch.setenv("HTTP_PROXY", proxy_url.removesuffix("/v1"))
        if bypassed:
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with client(url, backend) as palomma:
            assert await read(palomma) == read.expected

    if bypassed:
        assert (targets, direct.requests) == ([], 1)
    else:
        assert (targets, direct.requests) == ([url_of(read, url).encode()], 0)


# --------------------------------------------------------------------------- every failure is an SDK error


def _answering(status: bytes, body: bytes, *, encoding: bytes | None = None) -> Handle:
    head = b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
    if encoding is not None:
        head += b"Content-Encoding: " + encoding + b"\r\n"
    return sending(head + b"Content-Length: %d\r\n\r\n" % len(body), lambda: iter([body]))


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("status", "expected"),
    [(b"200 OK", APIResponseValidationError), (b"500 Internal Server Error", InternalServerError)],
)
async def test_a_body_nested_100000_deep_is_an_sdk_error(
    backend: str, status: bytes, expected: type[PalommaError], read: SpecCall
) -> None:
    async with serving(_answering(status, DEEP)) as url, client(url, backend) as palomma:
        with pytest.raises(expected, match="nests too deeply"):
            await read(palomma)


@pytest.mark.parametrize(
    ("encoding", "corrupt"),
    [
        (b"gzip", lambda body: b"\x1f\x8b\x08\x00 this is not gzip at all"),
        (b"gzip", lambda body: gzip.compress(body)[:-12]),
        (b"deflate", lambda body: b"\x78\x9c not deflate either"),
    ],
    ids=["corrupt-gzip", "truncated-gzip", "corrupt-deflate"],
)
async def test_a_body_that_does_not_inflate_is_a_connection_error_that_may_have_reached_the_server(
    backend: str, encoding: bytes, corrupt: Callable[[bytes], bytes], read: SpecCall
) -> None:
    body = corrupt(body_of(read))
    async with serving(_answering(b"200 OK", body, encoding=encoding)) as url, client(url, backend) as palomma:
        with pytest.raises(APIConnectionError, match=f"is not valid {encoding.decode()}") as caught:
            await read(palomma)
    assert caught.value.may_have_reached_server


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib-wrapped", "raw"])
async def test_deflate_is_read_wrapped_or_raw(backend: str, wbits: int, read: SpecCall) -> None:
    compressor = zlib.compressobj(wbits=wbits)
    body = compressor.compress(body_of(read)) + compressor.flush()
    async with serving(_answering(b"200 OK", body, encoding=b"deflate")) as url, client(url, backend) as palomma:
        assert await read(palomma) == read.expected


async def test_a_create_answered_with_a_corrupt_body_is_looked_up_not_sent_again(backend: str) -> None:
    create, lookup = a_recovering_create()
    created = create.body
    next_cursor = OPERATIONS[lookup.operation_id].page_of(lookup.expected).next_cursor
    # The lookup's one page lists what the create made, and says no page follows.
    listing = {
        name: [created]
        if isinstance(value, list)
        else None
        if next_cursor is not None and value == next_cursor
        else value
        for name, value in lookup.body.items()
    }
    listed = json.dumps(listing).encode()
    # The API's clock when it lists the invoice: no later than any moment the invoice names (its creation).
    moments = [datetime.fromisoformat(value) for value in created.values() if _is_date_time(value)]
    date = b"Date: %s\r\n" % format_datetime(min(moments), usegmt=True).encode() if moments else b""
    methods: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            methods.append(head.split(b" ", 1)[0])
            if head.startswith(b"POST"):
                length = re.search(rb"(?i)content-length: (\d+)", head)
                assert length is not None
                await reader.readexactly(int(length.group(1)))
                corrupt = gzip.compress(json.dumps(created).encode())[:-12]
                writer.write(OK_HEAD + b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(corrupt))
                writer.write(corrupt)
            else:
                writer.write(OK_HEAD + date + b"Content-Length: %d\r\n\r\n" % len(listed) + listed)
            await writer.drain()

    async with serving(handle) as url, client(url, backend, max_retries=2) as palomma:
        invoice = await create(palomma)
    assert invoice.to_dict() == create.expected.to_dict()
    assert methods == [b"POST", b"GET"]


def _is_date_time(value: object) -> bool:
    """Whether ``value`` is an ISO 8601 date-time with its offset, as the spec's date-time fields are written."""
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _answer_about(target: bytes, call: SpecCall) -> bytes:
    """``call``'s documented success, about the path of ``target`` (a request target) as the API would answer."""
    request = httpx2.Request(call.http_method, "http://127.0.0.1" + target.decode())
    body = echoed(request, httpx2.Response(200, json=call.body)).content
    return OK_HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body


@pytest.mark.parametrize("extra", ["garbage", "a-second-answer"])
async def test_bytes_after_an_answer_on_a_kept_alive_connection_are_never_the_next_answer(
    backend: str, extra: str
) -> None:
    call, name = a_path_text_argument()
    first, second, smuggled = (
        call_of(call.operation_id, **{name: value}) for value in ("01FIRST", "01SECOND", "01SMUGGLED")
    )
    if second.expected == smuggled.expected:
        pytest.skip(f"{call.operation_id}'s answer does not name its {name}: an answer about another cannot be told")
    smuggled_target = smuggled.line.partition(" ")[2].encode()
    requested: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ")[1]
            requested.append(target)
            # A buggy proxy: the first answer is followed by more bytes than its Content-Length.
            after = b"garbage after the body\r\n\r\n" if extra == "garbage" else _answer_about(smuggled_target, call)
            writer.write(_answer_about(target, call) + (after if len(requested) == 1 else b""))
            await writer.drain()

    async with serving(handle) as url, client(url, backend, max_retries=2) as palomma:
        first_answer = await first(palomma)
        try:
            second_answer: object = await second(palomma)
        except APIResponseValidationError as error:
            # httpx2 reads the extra bytes as the next answer; the SDK refuses it as not the one asked for.
            assert backend == "httpx"
            second_answer = error
    assert first_answer == first.expected
    if not isinstance(second_answer, APIResponseValidationError):
        assert second_answer == second.expected
        assert requested[-1] == second.line.partition(" ")[2].encode()
    else:
        assert "not the '01SECOND' asked for" in str(second_answer)


@pytest.mark.parametrize("size", [MAX_RESPONSE_HEADER_BYTES // 2, MAX_RESPONSE_HEADER_BYTES + 1024])
async def test_both_backends_keep_the_same_limit_on_an_answers_headers(backend: str, size: int, read: SpecCall) -> None:
    body = body_of(read)
    head = OK_HEAD + b"X-Padding: " + b"x" * size + b"\r\nContent-Length: %d\r\n\r\n" % len(body)
    async with serving(sending(head, lambda: iter([body]))) as url, client(url, backend) as palomma:
        if size < MAX_RESPONSE_HEADER_BYTES:
            assert await read(palomma) == read.expected
        else:
            with pytest.raises(APIConnectionError) as caught:
                await read(palomma)
            assert caught.value.may_have_reached_server


async def test_a_call_waiting_for_a_pool_slot_when_the_client_closes_is_told_the_client_was_closed(
    read: SpecCall,
) -> None:
    """aiohttp refuses a closed session with a RuntimeError: the caller sees why, not a connection error."""
    pool_size = DEFAULT_CONNECTION_LIMITS.max_connections
    assert pool_size is not None
    arrived = 0
    every_slot_taken = asyncio.Event()
    release = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal arrived
        await reader.readuntil(b"\r\n\r\n")
        arrived += 1
        if arrived == pool_size:
            every_slot_taken.set()
        await release.wait()

    async with serving(hold) as url:
        palomma = client(url, "aiohttp", timeout=30.0)
        holders = [asyncio.ensure_future(read(palomma)) for _ in range(pool_size)]
        await every_slot_taken.wait()
        waiting = asyncio.ensure_future(read(palomma))
        await asyncio.sleep(0)  # let it reach the pool's gate
        await palomma.close()
        release.set()
        with pytest.raises(ClientClosedError, match="closed while the request was under way"):
            await waiting
        outcomes = await asyncio.gather(*holders, return_exceptions=True)

    assert all(isinstance(outcome, APIConnectionError) for outcome in outcomes), outcomes
    assert arrived == pool_size
