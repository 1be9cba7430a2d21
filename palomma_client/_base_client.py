"""How one request goes out and comes back: policy, never an operation.

Generated code builds each request (``build_request``) and parses each answer
(``parse_response``). In between, ``APIRequester`` adds the base URL, auth,
User-Agent and timeout, sends through the connection pool, maps transport
failures and error statuses to the typed error tree, logs, and retries where
the operation's retry policy allows it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx2

from palomma_client._constants import LOGGER_NAME
from palomma_client._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    PalommaError,
    status_error_from_response,
)
from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._request import ApiRequest
from palomma_client._resource import ParseResponse
from palomma_client._retry import backoff_delay, may_retry

__all__ = ["APIRequester", "ConnectionPool", "OperationPolicy", "RequestSettings", "Sleep", "TimeoutOption"]

logger = logging.getLogger(LOGGER_NAME)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
TimeoutOption = float | httpx2.Timeout | None
"""A timeout for one request; ``None`` means the pool's own."""


def _redacted(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: "[redacted]" if name.lower() == "authorization" else value for name, value in headers.items()}


def _failed_request(error: httpx2.RequestError, method: str, url: str) -> httpx2.Request:
    try:
        return error.request
    except RuntimeError:
        return httpx2.Request(method, url)


def _pool_timeout(timeout: TimeoutOption, http: httpx2.AsyncClient) -> float | None:
    if timeout is None:
        return http.timeout.pool
    if isinstance(timeout, httpx2.Timeout):
        return timeout.pool
    return timeout


class PoolGate:
    """Lets at most as many requests into the pool as it has connections; the rest wait here.

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


class ConnectionPool:
    """The HTTP client a ``PalommaClient`` and its ``with_options`` copies share."""

    __slots__ = ("closed", "gate", "headers", "http", "owns_http")

    def __init__(
        self,
        http: httpx2.AsyncClient,
        *,
        owns_http: bool,
        headers: Mapping[str, str] | None = None,
        gate: PoolGate | None = None,
    ) -> None:
        self.http = http
        self.owns_http = owns_http
        # The fixed headers the pool was created with, so that a request
        # whose headers are the same need not carry them: httpx merges
        # per-request headers into a new ``Headers`` on every call.
        self.headers = headers
        self.gate = gate
        self.closed = False

    async def close(self) -> None:
        if self.owns_http and not self.closed:
            self.closed = True
            await self.http.aclose()


@dataclass(frozen=True, slots=True)
class RequestSettings:
    """What a client adds to every request it sends."""

    base_url: str
    headers: Mapping[str, str] = field(repr=False)  # carries the API key
    timeout: TimeoutOption
    max_retries: int
    sleep: Sleep


class OperationPolicy(Protocol):
    """How one operation is sent when repeating it blindly could do harm (see ``_policies.py``)."""

    async def send(
        self, requester: APIRequester, request: ApiRequest, parse: ParseResponse[T], *, timeout: TimeoutOption
    ) -> T:
        """Send ``request``, retrying only as this policy allows."""
        ...


class APIRequester:
    """Sends requests with one client's settings through its pool: the object resources hold."""

    __slots__ = ("_policies", "pool", "settings")

    def __init__(
        self, pool: ConnectionPool, settings: RequestSettings, policies: Mapping[str, OperationPolicy]
    ) -> None:
        self.pool = pool
        self.settings = settings
        self._policies = policies

    async def send(self, request: ApiRequest, parse: ParseResponse[T], *, timeout: TimeoutOption = None) -> T:
        """Send a request, retrying as its operation allows, and return the parsed answer.

        An operation with a policy of its own (such as creating an invoice) is
        sent by it. Any other is retried on failures a repeat cannot make
        worse: a GET on any retryable failure, another method only when the
        request provably never reached the server.

        Raises:
            APIConnectionError: No response arrived, after retries.
            APIStatusError: The response had an error status.
            APIResponseValidationError: A success status came with a body the spec does not allow.
        """
        policy = self._policies.get(request.operation_id) if request.operation_id else None
        if policy is not None:
            return await policy.send(self, request, parse, timeout=timeout)
        return await self.send_with_retries(request, parse, timeout=timeout)

    async def send_with_retries(
        self,
        request: ApiRequest,
        parse: ParseResponse[T],
        *,
        timeout: TimeoutOption = None,
        retry_if: Callable[[PalommaError], bool] | None = None,
    ) -> T:
        """Send a request, retrying failures for which ``retry_if`` (default: the method's rule) holds."""
        should_retry = retry_if or (lambda error: may_retry(request.method, error))
        retries = 0
        while True:
            try:
                return await self.attempt(request, parse, timeout=timeout, attempt=retries + 1)
            except PalommaError as error:
                if retries >= self.settings.max_retries or not should_retry(error):
                    raise
                await self.wait_before_retry(request, retries, error)
                retries += 1

    async def wait_before_retry(self, request: ApiRequest, retries_so_far: int, error: PalommaError) -> None:
        """Back off before retry number ``retries_so_far + 1``, and log why."""
        delay = backoff_delay(retries_so_far, error)
        logger.info(
            "retrying %s in %.2fs (retry %d of %d) after %s",
            request.describe(),
            delay,
            retries_so_far + 1,
            self.settings.max_retries,
            error,
        )
        await self.settings.sleep(delay)

    async def attempt(self, request: ApiRequest, parse: ParseResponse[T], *, timeout: TimeoutOption, attempt: int) -> T:
        """Send a request once and return its parsed answer.

        Raises:
            APIConnectionError: No response arrived.
            APIStatusError: The response had an error status.
            APIResponseValidationError: A success status came with a body the spec does not allow.
        """
        response = await self._exchange(
            request, timeout=self.settings.timeout if timeout is None else timeout, attempt=attempt
        )
        if not 200 <= response.status_code < 300:
            raise status_error_from_response(response)
        content = response.content
        try:
            data: Any = json.loads(content) if content else None
        except ValueError:
            raise APIResponseValidationError(response, "the body is not JSON") from None
        except RecursionError:
            raise APIResponseValidationError(response, "the body nests too deeply to read") from None
        try:
            return parse(response.status_code, data)
        except ResponseSchemaError as error:
            raise APIResponseValidationError(response, str(error) if content else "the body is empty") from None
        except RecursionError:
            raise APIResponseValidationError(response, "the body nests too deeply to read") from None

    async def _exchange(self, request: ApiRequest, *, timeout: TimeoutOption, attempt: int) -> httpx2.Response:
        pool, settings = self.pool, self.settings
        url = settings.base_url + request.path
        if request.params:
            # Byte for byte what ``params=`` sends, but given ``params`` httpx
            # parses and rebuilds the whole URL a second time to merge them in.
            url = f"{url}?{httpx2.QueryParams(request.params)}"
        headers = None if pool.headers is settings.headers else settings.headers
        options: dict[str, Any] = {"headers": headers}
        if timeout is not None:
            options["timeout"] = timeout
        if request.json is not None:
            options["json"] = request.json
        started = time.perf_counter()
        place: asyncio.Semaphore | None = None
        try:
            if pool.gate is not None:
                place = await pool.gate.enter(timeout, pool.http)
            response = await pool.http.request(request.method, url, **options)
        except httpx2.TimeoutException as error:
            self._log_failure(request, error, started, attempt)
            raise APITimeoutError(_failed_request(error, request.method, url)) from error
        except httpx2.RequestError as error:
            self._log_failure(request, error, started, attempt)
            raise APIConnectionError(_failed_request(error, request.method, url)) from error
        finally:
            if place is not None:
                place.release()
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.1f ms (attempt %d) headers=%s",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                attempt,
                _redacted(response.request.headers),
            )
        return response

    def _log_failure(self, request: ApiRequest, error: Exception, started: float, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s after %.1f ms (attempt %d)",
                request.method,
                request.path,
                type(error).__name__,
                (time.perf_counter() - started) * 1000,
                attempt,
            )
