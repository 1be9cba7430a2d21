"""The default backend: an ``httpx2.AsyncClient`` and its pool."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import httpx2

from palomma_client._backends import PoolSettings
from palomma_client._deadline import Deadlines
from palomma_client._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    InvalidParameterError,
    redacted_request,
)
from palomma_client._http import BodyReader, check_head_size, count_body_bytes, refuse_declared_length
from palomma_client._request import HTTPRequest, HTTPResponse

__all__ = ["FACTORY", "HttpxBackend", "HttpxFactory"]

# These never carried a request to the server: no connection was made, or
# none was free in the pool. Any other transport failure may have delivered
# the request before it broke.
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)


async def _read_body(
    response: httpx2.Response, raw_headers: list[tuple[bytes, bytes]], request: HTTPRequest, limit: int
) -> bytes:
    # A transport that answers with bytes (a mock) hands over a body already read. Told by its
    # flag rather than by catching ResponseNotRead from every streamed answer: raising it costs
    # about 2 µs, which the bench target "client layer at most 1.05x the generated function
    # (get)" cannot spare.
    if not response.is_stream_consumed:
        encoding, declared = _content_headers(raw_headers)
        if not encoding:
            # Not compressed, as most answers are: the pieces are kept as they come, with none of
            # the reader's set-up and dispatch per piece (the bench target "client layer at most
            # 1.05x the generated function (get)" needs the calls it costs); the limit is the
            # reader's own rule, through the same two functions.
            refuse_declared_length(declared, limit, request)
            pieces: list[bytes] = []
            total = 0
            async for piece in response.aiter_raw():
                total = count_body_bytes(total, piece, limit, request)
                pieces.append(piece)
            return b"".join(pieces)
        reader = BodyReader(encoding, limit, request)
        reader.check_declared_length(declared)
        async for chunk in response.aiter_raw():
            reader.feed(chunk)
        return reader.finish()
    loaded = response.content
    count_body_bytes(0, loaded, limit, request)
    return loaded


def _content_headers(raw_headers: list[tuple[bytes, bytes]]) -> tuple[str, str | None]:
    """The ``Content-Encoding`` (``""`` for none) and ``Content-Length`` of an answer, read from its header pairs.

    Read from the pairs the size check has in hand rather than through ``httpx2.Headers.get``, which
    raises and catches a ``KeyError`` for a header absent (as ``Content-Encoding`` mostly is): the
    bench target "client layer at most 1.05x the generated function (get)" cannot spare it.
    """
    encodings: list[str] = []
    lengths: list[str] = []
    for name, value in raw_headers:
        lowered = name.lower()
        if lowered == b"content-encoding":
            encodings.append(value.decode("latin-1"))
        elif lowered == b"content-length":
            lengths.append(value.decode("latin-1"))
    # A header sent more than once reads as its values joined, as httpx2.Headers.get joins them.
    return ", ".join(encodings), ", ".join(lengths) if lengths else None


def _without_key(error: httpx2.HTTPError) -> httpx2.HTTPError:
    """``error``, its request's ``Authorization`` masked: it stays reachable as the SDK error's ``__cause__``."""
    if isinstance(error, httpx2.RequestError):
        try:
            request = error.request
        except RuntimeError:
            return error
        error.request = redacted_request(request)
    return error


class HttpxBackend:
    """Sends through an ``httpx2.AsyncClient``: one the SDK created and owns, or one of the caller's.

    A pool's connections belong to the event loop that opened them. Given
    ``new_pool``, a client used under a second loop (another ``asyncio.run``)
    makes a new pool there, as the aiohttp backend makes a new session, and
    lets the old one go; a pool of the caller's is theirs to keep in one loop.
    """

    __slots__ = ("_closed", "_deadlines", "_loop", "_new_pool", "http", "owns_http", "pool_headers")

    def __init__(
        self,
        http: httpx2.AsyncClient,
        *,
        owns_http: bool,
        new_pool: Callable[[], httpx2.AsyncClient] | None = None,
    ) -> None:
        self.http = http
        self.owns_http = owns_http
        self._new_pool = new_pool
        self._loop: asyncio.AbstractEventLoop | None = None
        # The pool we own carries the fixed headers, so requests need not;
        # a pool of the caller's is never changed, and gets them per request.
        self.pool_headers: Mapping[str, str] | None = http.headers if owns_http else None
        self._closed = False
        self._deadlines = Deadlines()

    @property
    def timeout(self) -> httpx2.Timeout:
        return self.http.timeout

    @property
    def is_closed(self) -> bool:
        return self._closed or self.http.is_closed

    async def aclose(self) -> None:
        self._closed = True
        if self.owns_http:
            await self.http.aclose()

    async def send(self, request: HTTPRequest, *, deadline: float | None, max_response_bytes: int) -> HTTPResponse:
        if self._closed or self.http.is_closed:
            raise ClientClosedError("this PalommaClient was closed; open a new one to send requests")
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            if self._loop is not None and self._new_pool is not None:
                # The old pool's connections cannot be closed from here: they go with the garbage.
                self.http = self._new_pool()
            self._loop = loop
        http = self.http
        sent: httpx2.Request | None = None
        try:
            # The loop asked for above: each asyncio.get_running_loop() is a system call on Python 3.11,
            # which the bench target "client layer at most 1.05x the generated function (get)" cannot spare.
            with self._deadlines.start(deadline, loop):
                sent = http.build_request(
                    request.method,
                    request.url,
                    headers=request.headers,
                    content=request.content,
                    timeout=request.timeout if request.timeout is not None else httpx2.USE_CLIENT_DEFAULT,
                )
                for name in request.drop_headers:
                    sent.headers.pop(name, None)
                response = await http.send(sent, stream=True)
                try:
                    # Built once, for the bench target "client layer at most 1.05x the generated function
                    # (get)": httpx2 makes the list anew at each ask.
                    raw_headers = response.headers.raw
                    check_head_size(raw_headers, request)
                    content = await _read_body(response, raw_headers, request, max_response_bytes)
                finally:
                    # Read to its end, the answer has closed itself: only a failed read leaves it open.
                    if not response.is_closed:
                        await response.aclose()
        except TimeoutError:
            # The attempt's deadline passed: whatever phase it was in, the request may have gone out.
            raise APITimeoutError(request.to_httpx(), may_have_reached_server=sent is not None) from None
        except httpx2.TimeoutException as error:
            raise APITimeoutError(
                request.to_httpx(), may_have_reached_server=not isinstance(error, _NOT_SENT)
            ) from _without_key(error)
        except httpx2.RequestError as error:
            raise APIConnectionError(
                request.to_httpx(), may_have_reached_server=not isinstance(error, _NOT_SENT)
            ) from _without_key(error)
        except RuntimeError as error:
            if http.is_closed:
                raise ClientClosedError("this PalommaClient's HTTP client was closed") from error
            # Such as a pool of the caller's whose connections belong to an event loop that has ended.
            raise APIConnectionError(
                request.to_httpx(), f"{request.method} {httpx2.URL(request.url).path} failed: {error}"
            ) from error
        return HTTPResponse(response.status_code, raw_headers, content, request, sent.headers)


class HttpxFactory:
    """Makes the httpx2 backend: ``backend="httpx"``, or an ``httpx2.AsyncClient`` given as ``http_client``."""

    def create(self, settings: PoolSettings) -> HttpxBackend:
        transport = settings.transport
        if transport is not None and not isinstance(transport, httpx2.AsyncBaseTransport):
            hint = " (httpx2 is the maintained httpx: use its transports)" if _is_httpx(transport) else ""
            raise InvalidParameterError(
                "transport", f"must be an httpx2.AsyncBaseTransport, got {type(transport).__name__}{hint}"
            )

        def new_pool() -> httpx2.AsyncClient:
            return httpx2.AsyncClient(
                timeout=settings.timeout, limits=settings.limits, transport=transport, headers=dict(settings.headers)
            )

        backend = HttpxBackend(new_pool(), owns_http=True, new_pool=new_pool)
        backend.pool_headers = settings.headers
        return backend

    def adopt(self, http_client: object, settings: PoolSettings) -> HttpxBackend:
        if not isinstance(http_client, httpx2.AsyncClient):
            hint = " (pass an httpx2.AsyncClient: httpx2 is the maintained httpx)" if _is_httpx(http_client) else ""
            raise InvalidParameterError(
                "http_client", f"must be an httpx2.AsyncClient, got {type(http_client).__name__}{hint}"
            )
        return HttpxBackend(http_client, owns_http=False)

    def client_timeout(self, http_client: object) -> httpx2.Timeout | None:
        timeout = http_client.timeout if isinstance(http_client, httpx2.AsyncClient) else None
        if timeout is None or None in (timeout.connect, timeout.read, timeout.write, timeout.pool):
            return None
        return timeout


def _is_httpx(value: object) -> bool:
    return type(value).__module__.split(".")[0] == "httpx"


FACTORY = HttpxFactory()
"""This backend's entry point for ``_backends.BACKENDS``."""
