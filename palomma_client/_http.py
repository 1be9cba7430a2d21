"""What the base client asks of an HTTP backend, and the bounds every backend keeps.

A backend (httpx2 by default, aiohttp on request) sends one request and reads
its whole answer within a deadline and a size limit. It maps its own failures
to the SDK's connection errors, saying whether the request may have reached
the server, so that retry policy never depends on which backend ran.
"""

from __future__ import annotations

import asyncio
import collections
import zlib
from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Protocol

import httpx2

from palomma_client._constants import MAX_RESPONSE_HEADER_BYTES
from palomma_client._exceptions import APIConnectionError, ResponseTooLargeError
from palomma_client._request import HTTPRequest, HTTPResponse

__all__ = [
    "ACCEPTED_ENCODINGS",
    "Backend",
    "BodyReader",
    "GatePlaces",
    "PoolGate",
    "PoolWaitTimeout",
    "attempt_deadline",
    "check_head_size",
    "count_body_bytes",
    "refuse_declared_length",
]

ACCEPTED_ENCODINGS = "gzip, deflate"
"""The encodings the SDK asks for: the ones it can inflate a piece at a time, within the size limit."""


class Backend(Protocol):
    """Sends requests over one connection pool.

    Attributes:
        timeout: The pool's default timeout, applied to a request that brings none.
        pool_headers: The headers the pool adds to every request by itself, or ``None``
            (a caller's client, which the SDK never changes).
    """

    timeout: httpx2.Timeout
    pool_headers: Mapping[str, str] | None

    @property
    def is_closed(self) -> bool:
        """Whether ``aclose`` has run."""
        ...

    async def send(self, request: HTTPRequest, *, deadline: float | None, max_response_bytes: int) -> HTTPResponse:
        """Send ``request`` and read its whole answer, within ``deadline`` seconds and ``max_response_bytes``.

        Raises:
            APITimeoutError: The deadline or a phase's timeout passed first.
            APIConnectionError: No answer arrived.
            ResponseTooLargeError: The answer is larger than ``max_response_bytes``, once inflated.
        """
        ...

    async def aclose(self) -> None:
        """Close the pool, if this backend owns it."""
        ...


class Pool(Protocol):
    """Anything with a default timeout whose ``pool`` bounds the wait for a connection."""

    @property
    def timeout(self) -> httpx2.Timeout:
        """The pool's own timeout, used when a request brings none."""
        ...


def _pool_timeout(timeout: float | httpx2.Timeout | None, pool: Pool) -> float | None:
    if timeout is None:
        return pool.timeout.pool
    if isinstance(timeout, httpx2.Timeout):
        return timeout.pool
    return timeout


class PoolGate:
    """Lets at most as many requests into the pool as it has connections; the rest wait here, first come first in.

    aiohttp bounds the wait for a free connection only together with
    connecting (its ``connect`` timeout). Waiting here instead gives the
    aiohttp backend httpx's ``pool`` timeout: a wait longer than that fails
    with ``PoolWaitTimeout``, as the wait in an httpx2 pool fails with its ``PoolTimeout``. (The
    httpx2 backend has no gate: httpcore2's pool serves a burst of queued
    requests in linear time, and a gate in front of it left connections idle,
    each probed on every pass, which made a burst of 1,000 calls twice as slow.)
    """

    __slots__ = ("_limit", "_loop", "_places")

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._places = GatePlaces(limit)

    def enter_at_once(self, loop: asyncio.AbstractEventLoop) -> GatePlaces | None:
        """A place taken without waiting, when one is free in ``loop`` (the running loop); else ``None``.

        Not a coroutine: the bench target "invoices.get on aiohttp at most 1.20x raw aiohttp"
        needs the coroutine that ``enter`` would cost on every call the pool has room for.
        """
        places = self._places
        if loop is self._loop and places.free:
            places.free -= 1
            return places
        return None

    async def enter(self, timeout: float | httpx2.Timeout | None, pool: Pool) -> GatePlaces:
        """Wait for a place, and return what to ``release()`` when the response has been read."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # Waiters belong to one event loop; a client used under a second
            # one (another asyncio.run) starts afresh there.
            self._loop, self._places = loop, GatePlaces(self._limit)
        places = self._places
        if places.free:
            places.free -= 1
            return places
        waiter: asyncio.Future[None] = loop.create_future()
        places.waiters.append(waiter)
        try:
            async with asyncio.timeout(_pool_timeout(timeout, pool)):
                await waiter
        except TimeoutError:
            places.give_up(waiter)
            raise PoolWaitTimeout("timed out waiting for a connection from the pool") from None
        except BaseException:
            places.give_up(waiter)
            raise
        return places


class PoolWaitTimeout(TimeoutError):
    """No connection of the pool came free within the ``pool`` timeout: the request never left."""


class GatePlaces:
    """The free places of one event loop's gate, and the requests waiting for one, oldest first.

    A place that is released goes straight to the oldest waiter still
    waiting: ``free`` counts only places nobody waits for, so a request that
    finds one free takes it without waiting (and without asyncio's
    ``Semaphore``, which costs a tenth of the SDK's own work per call).
    """

    __slots__ = ("free", "waiters")

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def release(self) -> None:
        """Hand the place to the oldest waiter, or free it."""
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.free += 1

    def give_up(self, waiter: asyncio.Future[None]) -> None:
        """A waiter stops waiting: a place handed to it in the meantime goes on to the next."""
        if waiter.done() and not waiter.cancelled():
            self.release()
        else:
            # Left in the queue, done: release() passes over it.
            waiter.cancel()


def check_head_size(raw_headers: Sequence[tuple[bytes, bytes]], request: HTTPRequest) -> None:
    """Refuse an answer whose headers are over ``MAX_RESPONSE_HEADER_BYTES``, alike on every backend.

    Raises:
        APIConnectionError: The headers are too large (the request may have taken effect).
    """
    # Summed by map rather than a generator: the invoices.get bench targets need the microsecond.
    size = sum(map(len, chain.from_iterable(raw_headers))) + 4 * len(raw_headers)
    if size > MAX_RESPONSE_HEADER_BYTES:
        raise APIConnectionError(
            request.to_httpx(),
            f"The response to {request.method} {httpx2.URL(request.url).path} has {size:,} bytes of headers, "
            f"over the {MAX_RESPONSE_HEADER_BYTES:,} the SDK reads",
        )


def attempt_deadline(timeout: float | httpx2.Timeout | None, default: float | httpx2.Timeout) -> float | None:
    """Seconds one attempt may take in all, from its connect to the last byte of the body.

    A number bounds the whole attempt. An ``httpx2.Timeout`` bounds each phase
    as httpx does, and the attempt by its ``connect`` plus its ``read`` (a
    server that drips bytes resets a read timeout forever, never this).
    """
    chosen = default if timeout is None else timeout
    if not isinstance(chosen, httpx2.Timeout):
        return float(chosen)
    if chosen.read is None:
        return None
    return chosen.read + (chosen.connect or 0.0)


def refuse_declared_length(content_length: str | None, limit: int, request: HTTPRequest) -> None:
    """Refuse at once an uncompressed body whose ``Content-Length`` is over ``limit``, before a byte of it is read.

    Args:
        content_length: The answer's ``Content-Length``, as sent (``None`` when it has none).
        limit: The most bytes the SDK reads (``max_response_bytes``).
        request: The request answered, for the error.

    Raises:
        ResponseTooLargeError: The declared length is over ``limit``.
    """
    if content_length and content_length.isdigit() and int(content_length) > limit:
        raise ResponseTooLargeError(request.to_httpx(), limit)


def count_body_bytes(total: int, piece: bytes, limit: int, request: HTTPRequest) -> int:
    """How many bytes of a body are in hand once ``piece`` is added to the ``total`` before it.

    Args:
        total: The bytes kept so far.
        piece: The next piece of the body, as it will be kept (inflated, when it was compressed).
        limit: The most bytes the SDK reads (``max_response_bytes``).
        request: The request answered, for the error.

    Returns:
        ``total`` plus the length of ``piece``.

    Raises:
        ResponseTooLargeError: The body is over ``limit`` with this piece.
    """
    total += len(piece)
    if total > limit:
        raise ResponseTooLargeError(request.to_httpx(), limit)
    return total


class BodyReader:
    """Collects a body as it arrives, inflating it a piece at a time and never past the limit."""

    __slots__ = ("_chunks", "_decoder", "_encoding", "_limit", "_request", "_started", "_total")

    def __init__(self, content_encoding: str, limit: int, request: HTTPRequest) -> None:
        self._limit = limit
        self._request = request
        self._total = 0
        self._chunks: list[bytes] = []
        self._encoding = content_encoding.strip().lower()
        self._decoder = _decoder(self._encoding, request)
        self._started = False

    def check_declared_length(self, content_length: str | None) -> None:
        """Refuse at once an uncompressed body whose declared length is over the limit."""
        if self._decoder is None:
            refuse_declared_length(content_length, self._limit, self._request)

    def feed(self, raw: bytes) -> None:
        """Take the next piece of the body as it came over the wire.

        Raises:
            ResponseTooLargeError: The body, inflated, is over the limit.
            APIConnectionError: The body is not valid in its ``Content-Encoding``.
        """
        decoder = self._decoder
        if decoder is None:
            self._keep(raw)
            return
        if not self._started:
            if not raw:
                return
            self._started = True
            if self._encoding == "deflate" and not _wrapped(raw):
                # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate
                # under the name (httpx's DeflateDecoder reads both too).
                decoder = self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
        data = raw
        while data:
            # Ask for at most one byte past the limit: a small compressed piece
            # can inflate to gigabytes, and must never be inflated whole.
            try:
                piece = decoder.decompress(data, self._limit - self._total + 1)
            except zlib.error as error:
                raise self._corrupt(error) from None
            self._keep(piece)
            data = decoder.unconsumed_tail

    def finish(self) -> bytes:
        """The whole body, inflated.

        Raises:
            APIConnectionError: The body is not valid in its ``Content-Encoding``, or stops short.
        """
        decoder = self._decoder
        if decoder is not None:
            try:
                self._keep(decoder.flush())
            except zlib.error as error:
                raise self._corrupt(error) from None
            if self._started and not decoder.eof:
                raise self._corrupt(None)
        return b"".join(self._chunks)

    def _corrupt(self, error: zlib.error | None) -> APIConnectionError:
        # The server answered, so the request may well have taken effect: never "not sent".
        request = self._request
        what = f"({error})" if error is not None else "(it stops before its end)"
        return APIConnectionError(
            request.to_httpx(),
            f"The response to {request.method} {httpx2.URL(request.url).path} is not valid {self._encoding} {what}",
        )

    def _keep(self, piece: bytes) -> None:
        if not piece:
            return
        self._total = count_body_bytes(self._total, piece, self._limit, self._request)
        self._chunks.append(piece)


def _wrapped(first: bytes) -> bool:
    """Whether a deflate body starts with a zlib header (RFC 1950) or gzip's magic, rather than raw deflate."""
    if first[:2] == b"\x1f\x8b":
        return True
    return len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0


def _decoder(encoding: str, request: HTTPRequest) -> zlib._Decompress | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        # Servers send zlib-wrapped or raw deflate under this name; auto-detect covers zlib and gzip.
        return zlib.decompressobj(zlib.MAX_WBITS | 32)
    raise APIConnectionError(
        request.to_httpx(),
        f"The response to {request.method} came in an encoding the SDK did not ask for: {encoding!r}",
    )
