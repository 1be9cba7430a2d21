"""How one request goes out and comes back: policy, never an operation.

Generated code builds each request (``build_request``) and parses each answer
(``parse_response``). In between, ``APIRequester`` adds the base URL, auth,
User-Agent and timeout, sends through the connection pool, maps transport
failures and error statuses to the typed error tree, logs, and retries where
the operation's retry policy allows it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx2

from palomma_client._constants import LOGGER_NAME
from palomma_client._exceptions import (
    APIError,
    APIResponseValidationError,
    PalommaError,
    status_error_from_response,
)
from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._http import Backend, HTTPRequest, HTTPResponse, attempt_deadline
from palomma_client._request import ApiRequest
from palomma_client._resource import ParseResponse
from palomma_client._retry import backoff_delay, may_retry

__all__ = ["APIRequester", "OperationPolicy", "RequestSettings", "Sleep", "TimeoutOption"]

logger = logging.getLogger(LOGGER_NAME)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
TimeoutOption = float | httpx2.Timeout | None
"""A timeout for one request; ``None`` means the pool's own."""


_JSON_CONTENT = {"Content-Type": "application/json"}


def _json_bytes(value: Any) -> bytes:
    # As httpx's json= sends it: compact, UTF-8, no NaN.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _redacted(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: "[redacted]" if name.lower() == "authorization" else value for name, value in headers.items()}


@dataclass(frozen=True, slots=True)
class RequestSettings:
    """What a client adds to every request it sends."""

    base_url: str
    headers: Mapping[str, str] = field(repr=False)  # carries the API key
    headers_on_pool: bool  # the pool already sends exactly these headers
    timeout: TimeoutOption
    default_timeout: httpx2.Timeout  # what a timeout of None means: the pool's own
    max_retries: int
    max_response_bytes: int
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

    __slots__ = ("_policies", "backend", "settings")

    def __init__(self, backend: Backend, settings: RequestSettings, policies: Mapping[str, OperationPolicy]) -> None:
        self.backend = backend
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
        response = await self._exchange(request, timeout=timeout, attempt=attempt)
        if not 200 <= response.status_code < 300:
            raise status_error_from_response(response.to_httpx())
        content = response.content
        try:
            data: Any = json.loads(content) if content else None
        except ValueError:
            raise APIResponseValidationError(response.to_httpx(), "the body is not JSON") from None
        except RecursionError:
            raise APIResponseValidationError(response.to_httpx(), "the body nests too deeply to read") from None
        try:
            return parse(response.status_code, data)
        except ResponseSchemaError as error:
            problem = str(error) if content else "the body is empty"
            raise APIResponseValidationError(response.to_httpx(), problem) from None
        except RecursionError:
            raise APIResponseValidationError(response.to_httpx(), "the body nests too deeply to read") from None

    async def _exchange(self, request: ApiRequest, *, timeout: TimeoutOption, attempt: int) -> HTTPResponse:
        settings = self.settings
        url = settings.base_url + request.path
        if request.params:
            # Byte for byte what ``params=`` sends, but given ``params`` httpx
            # parses and rebuilds the whole URL a second time to merge them in.
            url = f"{url}?{httpx2.QueryParams(request.params)}"
        chosen = settings.timeout if timeout is None else timeout
        if request.json is None:
            headers, content = (None if settings.headers_on_pool else settings.headers), None
        else:
            headers = _JSON_CONTENT if settings.headers_on_pool else {**settings.headers, **_JSON_CONTENT}
            content = _json_bytes(request.json)
        outgoing = HTTPRequest(request.method, url, headers, content, chosen)
        started = time.perf_counter()
        try:
            response = await self.backend.send(
                outgoing,
                deadline=attempt_deadline(chosen, settings.default_timeout),
                max_response_bytes=settings.max_response_bytes,
            )
        except APIError as error:
            self._log_failure(request, error, started, attempt)
            raise
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.1f ms (attempt %d) headers=%s",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                attempt,
                _redacted(response.sent_headers),
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
