"""How one API call runs: through the generated endpoint function, with retries.

The generated functions take a ``client`` and use exactly two things of it:
``get_async_httpx_client().request(...)`` and ``raise_on_unexpected_status``.
``_CallAdapter`` provides both, so every request is built and every body is
parsed by generated code, while the base URL, auth, timeouts, logging and
error mapping are added here, in one place, per attempt.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar, cast

import httpx2
from httpx2._client import UseClientDefault  # the type of httpx2.USE_CLIENT_DEFAULT, not re-exported

from palomma_client._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    PalommaError,
    status_error_from_response,
)
from palomma_client._generated.client import AuthenticatedClient
from palomma_client._generated.types import Response
from palomma_client._retry import backoff_delay, is_retryable

__all__ = ["PoolGate", "SendFunction", "Sleep", "TimeoutOption", "Transport"]

logger = logging.getLogger("palomma_client")

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
TimeoutOption = float | httpx2.Timeout | UseClientDefault


class SendFunction(Protocol):
    """A generated ``asyncio_detailed`` function with every argument but ``client`` bound."""

    def __call__(self, *, client: AuthenticatedClient) -> Awaitable[Response[Any]]: ...


_PARSE_FAILURES = (KeyError, TypeError, ValueError, AttributeError)


def _redacted(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: "[redacted]" if name.lower() == "authorization" else value for name, value in headers.items()}


def _failed_request(error: httpx2.RequestError, method: str, url: str) -> httpx2.Request:
    try:
        return error.request
    except RuntimeError:
        return httpx2.Request(method, url)


def _pool_timeout(timeout: TimeoutOption, http: httpx2.AsyncClient) -> float | None:
    if isinstance(timeout, UseClientDefault):
        return http.timeout.pool
    if isinstance(timeout, httpx2.Timeout):
        return timeout.pool
    return timeout


class PoolGate:
    """Lets at most as many requests into httpx2's pool as it has connections; the rest wait here.

    httpcore's pool scans every queued request against every connection on
    each event, so a burst of 1,000 calls queued at a new pool of 100
    connections spends seconds of CPU on bookkeeping alone. Waiting here
    keeps that queue short; a wait longer than the pool timeout fails with
    ``httpx2.PoolTimeout``, as the pool's own wait does.
    """

    __slots__ = ("_limit", "_loop", "_semaphore")

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._semaphore = asyncio.Semaphore(limit)

    async def enter(self, timeout: TimeoutOption, http: httpx2.AsyncClient) -> asyncio.Semaphore:
        """Wait for a place, and return the semaphore to release when the response has been read."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A semaphore belongs to one event loop; a client used under a
            # second one (another asyncio.run) starts afresh there.
            self._loop, self._semaphore = loop, asyncio.Semaphore(self._limit)
        semaphore = self._semaphore
        if not semaphore.locked():
            await semaphore.acquire()
            return semaphore
        try:
            async with asyncio.timeout(_pool_timeout(timeout, http)):
                await semaphore.acquire()
        except TimeoutError:
            raise httpx2.PoolTimeout("timed out waiting for a connection from the pool") from None
        return semaphore


class Transport:
    """The connection pool and fixed request settings shared by a client and its copies."""

    __slots__ = ("base_url", "closed", "gate", "headers", "headers_on_pool", "http", "owns_http")

    def __init__(
        self,
        http: httpx2.AsyncClient,
        *,
        owns_http: bool,
        base_url: str,
        headers: dict[str, str],
        headers_on_pool: bool = False,
        gate: PoolGate | None = None,
    ) -> None:
        self.http = http
        self.owns_http = owns_http
        self.base_url = base_url
        self.headers = headers
        # True when ``http`` was created with ``headers`` as its defaults, so a
        # request need not carry them: httpx2 merges per-request headers into a
        # new ``Headers`` on every call, a cost paid for nothing when they never change.
        self.headers_on_pool = headers_on_pool
        self.gate = gate
        self.closed = False

    async def close(self) -> None:
        if self.owns_http and not self.closed:
            self.closed = True
            await self.http.aclose()

    async def send(
        self, send: SendFunction, expected: type[T], *, timeout: TimeoutOption, attempt: int, description: str
    ) -> T:
        """Run one attempt of a call and return its parsed body.

        Raises:
            APIConnectionError: No response arrived.
            APIStatusError: The response had an error status.
            APIResponseValidationError: A success status came with a body the spec does not allow.
        """
        adapter = _CallAdapter(self, timeout, attempt)
        try:
            detailed = await send(client=cast(AuthenticatedClient, adapter))
        except PalommaError:
            raise
        except _PARSE_FAILURES as error:
            if adapter.response is None:
                raise
            raise APIResponseValidationError(adapter.response, _describe_parse_failure(error)) from error
        parsed = detailed.parsed
        if not isinstance(parsed, expected):
            assert adapter.response is not None
            raise APIResponseValidationError(
                adapter.response, f"status {adapter.response.status_code} is undocumented for {description}"
            )
        return parsed

    async def send_with_retries(
        self,
        send: SendFunction,
        expected: type[T],
        *,
        timeout: TimeoutOption,
        max_retries: int,
        sleep: Sleep,
        description: str,
    ) -> T:
        """Run a call that is safe to repeat, retrying what ``is_retryable`` allows."""
        retries = 0
        while True:
            try:
                return await self.send(send, expected, timeout=timeout, attempt=retries + 1, description=description)
            except (APIConnectionError, APIStatusError) as error:
                if retries >= max_retries or not is_retryable(error):
                    raise
                delay = backoff_delay(retries, error)
                logger.debug(
                    "retrying %s in %.2fs (retry %d of %d) after %s",
                    description,
                    delay,
                    retries + 1,
                    max_retries,
                    error,
                )
                await sleep(delay)
                retries += 1


def _describe_parse_failure(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing field {error}"
    if isinstance(error, ValueError) and "Expecting" in str(error):
        return "body is not JSON"
    return f"{type(error).__name__}: {error}"


class _CallAdapter:
    """What a generated endpoint function sees as its client, for one attempt."""

    __slots__ = ("_attempt", "_timeout", "_transport", "response")

    # Undocumented statuses never reach the generated parser: ``request``
    # raises for every non-2xx status first.
    raise_on_unexpected_status = False

    def __init__(self, transport: Transport, timeout: TimeoutOption, attempt: int) -> None:
        self._transport = transport
        self._timeout = timeout
        self._attempt = attempt
        self.response: httpx2.Response | None = None

    def get_async_httpx_client(self) -> _CallAdapter:
        return self

    async def request(self, method: str, url: str, **options: Any) -> httpx2.Response:
        transport = self._transport
        extra_headers = options.pop("headers", None)
        if transport.headers_on_pool:
            headers = extra_headers
        else:
            headers = {**extra_headers, **transport.headers} if extra_headers else transport.headers
        full_url = transport.base_url + url
        params = options.get("params")
        if params and "?" not in full_url:
            # Byte for byte what ``params=`` sends, but given ``params`` httpx2
            # parses and rebuilds the whole URL a second time to merge them in.
            del options["params"]
            full_url = f"{full_url}?{httpx2.QueryParams(params)}"
        started = time.perf_counter()
        place: asyncio.Semaphore | None = None
        try:
            if transport.gate is not None:
                place = await transport.gate.enter(self._timeout, transport.http)
            response = await transport.http.request(method, full_url, headers=headers, timeout=self._timeout, **options)
        except httpx2.TimeoutException as error:
            self._log_failure(method, url, error, started)
            raise APITimeoutError(_failed_request(error, method, full_url)) from error
        except httpx2.RequestError as error:
            self._log_failure(method, url, error, started)
            raise APIConnectionError(_failed_request(error, method, full_url)) from error
        finally:
            if place is not None:
                place.release()
        self.response = response
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.1f ms (attempt %d) headers=%s",
                method.upper(),
                url,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                self._attempt,
                _redacted(response.request.headers),
            )
        if not 200 <= response.status_code < 300:
            raise status_error_from_response(response)
        return response

    def _log_failure(self, method: str, url: str, error: Exception, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s after %.1f ms (attempt %d)",
                method.upper(),
                url,
                type(error).__name__,
                (time.perf_counter() - started) * 1000,
                self._attempt,
            )
