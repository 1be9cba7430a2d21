"""The aiohttp backend: ``PalommaClient(backend="aiohttp")``, installed by the ``aiohttp`` extra.

It keeps every bound the httpx2 backend keeps, so that nothing a caller sees
depends on the backend: the same pool size and keep-alive, the same fixed
headers, the same gate in front of the pool (and the same pool timeout
when the wait is too long), per-phase timeouts read from the same
``httpx2.Timeout``, the attempt's deadline, and a body inflated by
``BodyReader`` within ``max_response_bytes``. Its failures become the
SDK's connection errors straight away, by the rule the httpx2 backend keeps
(only a failed connect provably never sent the request), with aiohttp's own
error kept as ``__cause__``.

Given an ``aiohttp.ClientSession`` (``http_client=``), it sends through that
session as it is (its connector, TLS context, proxy and cookies) and never
closes it.

Only ``PalommaClient`` imports this module, and only when asked to: importing
the SDK never imports aiohttp.
"""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

import aiohttp
import httpx2
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from palomma_client._backends import PoolSettings
from palomma_client._constants import MAX_RESPONSE_HEADER_BYTES
from palomma_client._deadline import Deadlines
from palomma_client._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    InvalidParameterError,
)
from palomma_client._http import BodyReader, GatePlaces, PoolGate, PoolWaitTimeout, check_head_size
from palomma_client._request import HTTPRequest, HTTPResponse
from palomma_client._secrets import redacted_headers

__all__ = ["FACTORY", "AiohttpBackend", "AiohttpFactory", "client_timeout"]


def client_timeout(timeout: float | httpx2.Timeout) -> aiohttp.ClientTimeout:
    """aiohttp's per-phase timeouts for an SDK timeout (seconds, or an ``httpx2.Timeout``).

    ``connect`` bounds opening a connection and ``read`` the wait for each
    piece of the answer, as in httpx. aiohttp has no phase of its own for the
    wait for a pooled connection (its ``connect`` would add that wait to the
    connect) nor for writing: the gate bounds the first with ``pool``, and the
    attempt's deadline bounds everything.
    """
    phases = timeout if isinstance(timeout, httpx2.Timeout) else httpx2.Timeout(timeout)
    return aiohttp.ClientTimeout(total=None, connect=None, sock_connect=phases.connect, sock_read=phases.read)


def _environment_proxy(base_url: str) -> str | None:
    """The proxy the environment names for ``base_url`` (``HTTPS_PROXY``, ``NO_PROXY``...), as httpx2 reads it.

    Read once per session rather than per request, as httpx2 reads it once
    per client: aiohttp's own ``trust_env`` reads the whole environment on
    every request.
    """
    url = URL(base_url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(url.host or ""):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _without_key(error: aiohttp.ClientError) -> aiohttp.ClientError:
    """``error``, the request headers it carries (and shows in its ``repr``) with ``Authorization`` masked."""
    if isinstance(error, aiohttp.ClientResponseError):
        info = error.request_info
        masked = CIMultiDictProxy(CIMultiDict(redacted_headers(info.headers)))
        error.request_info = aiohttp.RequestInfo(info.url, info.method, masked, info.real_url)
    return error


def _connection_error(error: aiohttp.ClientError, request: HTTPRequest) -> APIConnectionError:
    """The SDK's error for one of aiohttp's, saying whether the request may have gone out.

    Only a failure to connect provably happened before the request was
    written; anything later (a hang-up, a reset, an answer that is not HTTP)
    may have delivered it.
    """
    sent = request.to_httpx()
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return APITimeoutError(sent, may_have_reached_server=False)
    if isinstance(error, aiohttp.SocketTimeoutError):
        return APITimeoutError(sent, may_have_reached_server=True)
    if isinstance(error, aiohttp.ClientConnectorError):
        return APIConnectionError(sent, may_have_reached_server=False)
    return APIConnectionError(sent, may_have_reached_server=True)


class AiohttpBackend:
    """Sends through an ``aiohttp.ClientSession``: one it makes in the running event loop and owns, or the caller's.

    A session belongs to the loop it was made in. A client used under a
    second loop (another ``asyncio.run``) makes a new session there, as the
    gate does, and lets the old one go. A caller's session is used as it is,
    in its own loop, and never closed.
    """

    __slots__ = (
        "_bare_session",
        "_base_url",
        "_closed",
        "_deadlines",
        "_gate",
        "_given",
        "_headers",
        "_limits",
        "_loop",
        "_session",
        "_session_timeout",
        "pool_headers",
        "timeout",
    )

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str],
        timeout: httpx2.Timeout,
        limits: httpx2.Limits,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._base_url = base_url
        self._headers = dict(headers) if session is None else {}
        self.timeout = timeout
        """The default timeout, for requests that bring none: ``PoolGate`` reads its ``pool``."""
        self._session_timeout = client_timeout(timeout)
        self._limits = limits
        # A caller's session is bounded by its own connector's limit.
        self._gate = PoolGate(limits.max_connections) if limits.max_connections and session is None else None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._given = session
        self._session: aiohttp.ClientSession | None = session
        self._bare_session: aiohttp.ClientSession | None = None
        self._closed = False
        self._deadlines = Deadlines()
        # The session we make carries the fixed headers; a caller's gets them with each request.
        self.pool_headers: Mapping[str, str] | None = headers if session is None else None

    @property
    def is_closed(self) -> bool:
        return self._closed or (self._given is not None and self._given.closed)

    def _new_session(
        self, connector: aiohttp.BaseConnector | None = None, cookie_jar: aiohttp.abc.AbstractCookieJar | None = None
    ) -> aiohttp.ClientSession:
        """The session with the fixed headers; or, given the pool and cookies of that one, a session without them."""
        if connector is None:
            limits = self._limits
            connector = aiohttp.TCPConnector(
                limit=limits.max_connections or 0,
                limit_per_host=0,
                keepalive_timeout=limits.keepalive_expiry,
                # The certificates the httpx2 backend trusts; made only for https, as it takes a while.
                ssl=httpx2.create_ssl_context() if self._base_url.startswith("https:") else True,
            )
            headers: Mapping[str, str] = self._headers
            owns_connector = True
        else:
            headers, owns_connector = {}, False
        session = aiohttp.ClientSession(
            connector=connector,
            connector_owner=owns_connector,
            headers=headers,
            timeout=self._session_timeout,
            # BodyReader inflates, a piece at a time, within max_response_bytes.
            auto_decompress=False,
            # Cookies are kept and sent back as httpx2 keeps them, IP-address hosts included.
            cookie_jar=aiohttp.CookieJar(unsafe=True) if cookie_jar is None else cookie_jar,
            proxy=_environment_proxy(self._base_url),
            # The httpx2 backend's limit on a response's head, here per line (the whole head is
            # checked once read): aiohttp's own 8 KB would refuse answers httpx2 accepts.
            max_line_size=MAX_RESPONSE_HEADER_BYTES,
            max_field_size=MAX_RESPONSE_HEADER_BYTES,
        )
        # aiohttp sends an idempotent request a second time, on its own, when
        # the connection drops; the SDK's retry policy decides that (and
        # counts it), as it does on the httpx2 backend.
        session._retry_connection = False  # noqa: SLF001  # aiohttp has no public switch for it
        return session

    def _session_without_fixed_headers(self, session: aiohttp.ClientSession) -> aiohttp.ClientSession:
        """For the calls that leave a fixed header out: aiohttp merges a session's headers into every request."""
        bare = self._bare_session
        if bare is None:
            assert session.connector is not None, "an open session has its pool"
            bare = self._bare_session = self._new_session(session.connector, session.cookie_jar)
        return bare

    async def aclose(self) -> None:
        self._closed = True
        if self._given is not None:
            return
        session, self._session = self._session, None
        bare, self._bare_session = self._bare_session, None
        if session is None:
            return
        if self._loop is asyncio.get_running_loop():
            if bare is not None:
                await bare.close()
            await session.close()
        else:
            await self._abandon(session, bare)

    async def send(self, request: HTTPRequest, *, deadline: float | None, max_response_bytes: int) -> HTTPResponse:
        limit = max_response_bytes
        if self._closed:
            raise ClientClosedError("this PalommaClient was closed; open a new one to send requests")
        options: dict[str, Any] = {"allow_redirects": False}
        # Asked once and handed on: on Python 3.11 each asyncio.get_running_loop() is a getpid system
        # call, which the bench target "invoices.get on aiohttp at most 1.20x raw aiohttp" cannot spare.
        loop = asyncio.get_running_loop()
        session = self._given
        if session is not None:
            if session.closed:
                raise ClientClosedError("the aiohttp.ClientSession given as http_client was closed")
            # The SDK's timeouts, not the session's own, unless the call brings its own;
            # BodyReader inflates within max_response_bytes, and status errors are the SDK's.
            options["timeout"] = self._session_timeout
            options["auto_decompress"] = False
            options["raise_for_status"] = False
            if request.drop_headers:
                # The caller's session is never changed: its own default headers stay.
                options["skip_auto_headers"] = request.drop_headers
        elif self._session is None or self._loop is not loop:
            session = await self._open_session()
        else:
            session = self._session
        if request.drop_headers and self._given is None:
            dropped = {name.lower() for name in request.drop_headers}
            given = {**self._headers, **(request.headers or {})}
            options["headers"] = {name: value for name, value in given.items() if name.lower() not in dropped}
            # Without this aiohttp would put its own User-Agent (and the like) back.
            options["skip_auto_headers"] = request.drop_headers
            session = self._session_without_fixed_headers(session)
        elif request.headers is not None:
            # Merged over the session's fixed headers by aiohttp, a name given here replacing theirs.
            options["headers"] = request.headers
        if request.content is not None:
            options["data"] = request.content
        if request.timeout is not None:
            options["timeout"] = client_timeout(request.timeout)
        gate = self._gate
        place: GatePlaces | None = None
        entered = False
        try:
            with self._deadlines.start(deadline, loop):
                if gate is not None:
                    place = gate.enter_at_once(loop) or await gate.enter(request.timeout, self)
                entered = True
                response = await session.request(request.method, URL(request.url, encoded=True), **options)
                try:
                    check_head_size(response.raw_headers, request)
                    headers = response.headers
                    encoding = headers.get("Content-Encoding", "")
                    declared = headers.get("Content-Length")
                    if not encoding and declared is not None and declared.isdigit() and int(declared) <= limit:
                        # The parser stops at the declared length: reading it whole stays within the limit.
                        content = await response.read()
                    else:
                        content = await _read_limited(response, encoding, declared, request, limit)
                except BaseException:
                    # A half-read answer leaves the connection unusable: drop it rather than pool it.
                    response.close()
                    raise
                # Read to its end, the answer has handed its connection back to the pool already.
        except aiohttp.ClientError as error:
            raise _connection_error(error, request) from _without_key(error)
        except PoolWaitTimeout as error:
            raise APITimeoutError(request.to_httpx(), may_have_reached_server=False) from error
        except TimeoutError:
            # The attempt's deadline passed: past the gate, the request may have gone out.
            raise APITimeoutError(request.to_httpx(), may_have_reached_server=entered) from None
        except RuntimeError as error:
            if self._closed:
                raise ClientClosedError("this PalommaClient was closed while the request was under way") from error
            raise APIConnectionError(request.to_httpx(), f"{request.method} failed: {error}") from error
        finally:
            if place is not None:
                place.release()
        return HTTPResponse(
            response.status, response.raw_headers, content, request, _SentHeaders(response.request_info.headers)
        )

    async def _open_session(self) -> aiohttp.ClientSession:
        if self._session is not None:
            await self._abandon(self._session, self._bare_session)
        self._bare_session = None
        self._loop = asyncio.get_running_loop()
        self._session = session = self._new_session()
        return session

    async def _abandon(self, session: aiohttp.ClientSession, bare: aiohttp.ClientSession | None) -> None:
        """Let go of the sessions made under another event loop, without running anything on that loop."""
        if bare is not None:
            # It shares the pool of ``session``, let go of below.
            bare.detach()
        connector = session.connector
        session.detach()
        if connector is not None and self._loop is not None and self._loop.is_closed():
            # Closing a connector whose loop is closed only marks it closed:
            # nothing runs on the dead loop. Its sockets go with the garbage,
            # as any left open when a loop ends.
            await connector.close()


class _SentHeaders(Mapping[str, str]):
    """The headers aiohttp sent, named in lower case as httpx2 names them, so that logs read alike."""

    __slots__ = ("_headers",)

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = headers

    def __getitem__(self, name: str) -> str:
        return self._headers[name]

    def __iter__(self) -> Iterator[str]:
        return (name.lower() for name in self._headers)

    def __len__(self) -> int:
        return len(self._headers)


async def _read_limited(
    response: aiohttp.ClientResponse, encoding: str, declared: str | None, request: HTTPRequest, limit: int
) -> bytes:
    """A compressed body, or one of unknown or excessive length: inflated and counted a piece at a time."""
    reader = BodyReader(encoding, limit, request)
    reader.check_declared_length(declared)
    stream = response.content
    while chunk := await stream.readany():
        reader.feed(chunk)
    return reader.finish()


class AiohttpFactory:
    """Makes the aiohttp backend: ``backend="aiohttp"``, or an ``aiohttp.ClientSession`` given as ``http_client``."""

    def create(self, settings: PoolSettings) -> AiohttpBackend:
        if settings.transport is not None:
            raise InvalidParameterError(
                "transport", "is an httpx2 option; it cannot be combined with backend='aiohttp'"
            )
        return AiohttpBackend(
            base_url=settings.base_url,
            headers=settings.headers,
            timeout=httpx2.Timeout(settings.timeout),
            limits=settings.limits,
        )

    def adopt(self, http_client: object, settings: PoolSettings) -> AiohttpBackend:
        if not isinstance(http_client, aiohttp.ClientSession):
            raise InvalidParameterError(
                "http_client", f"must be an aiohttp.ClientSession, got {type(http_client).__name__}"
            )
        return AiohttpBackend(
            base_url=settings.base_url,
            headers=settings.headers,
            timeout=httpx2.Timeout(settings.timeout),
            limits=settings.limits,
            session=http_client,
        )

    def client_timeout(self, http_client: object) -> httpx2.Timeout | None:
        # A session's ClientTimeout has no phases that map one to one onto
        # httpx2's: the SDK's own timeout applies unless timeout= is given.
        return None


FACTORY = AiohttpFactory()
"""This backend's entry point for ``_backends.BACKENDS``."""
