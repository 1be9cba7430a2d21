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
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

import httpx2

from palomma_client._constants import LOGGER_NAME
from palomma_client._exceptions import (
    APIError,
    APIResponseValidationError,
    PalommaError,
    redacted_headers,
    status_error_from_response,
)
from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._http import Backend, HTTPRequest, HTTPResponse, attempt_deadline
from palomma_client._logging import call_fields
from palomma_client._request import NO_OPTIONS, ApiRequest, RequestOptions
from palomma_client._resource import ParseResponse
from palomma_client._retry import backoff_delay, may_retry
from palomma_client._telemetry import TELEMETRY

__all__ = ["APIRequester", "OperationPolicy", "RequestSettings", "Sent", "Sleep", "TimeoutOption", "query_string"]

logger = logging.getLogger(LOGGER_NAME)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
TimeoutOption = float | httpx2.Timeout | None
"""A timeout for one request; ``None`` means the pool's own."""


_JSON_CONTENT = {"Content-Type": "application/json"}

# The characters a query's names and values keep as they are: form encoding escapes every other.
_LEFT_AS_IS = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def query_string(params: Mapping[str, str]) -> str:
    """The query string ``params=`` would send, byte for byte.

    Given ``params``, httpx parses and rebuilds the whole URL a second time
    to merge them in; and its encoding of names and values that need none
    (a limit, a ULID cursor) cost more than the rest of building a request.
    """
    pairs = []
    for name, value in params.items():
        if not (_LEFT_AS_IS(name) and _LEFT_AS_IS(value)):
            return str(httpx2.QueryParams(params))
        pairs.append(f"{name}={value}")
    return "&".join(pairs)


def _json_bytes(value: Any) -> bytes:
    # As httpx's json= sends it: compact, UTF-8, no NaN.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


@dataclass(frozen=True, slots=True)
class RequestSettings:
    """What a client adds to every request it sends."""

    base_url: str
    headers: Mapping[str, str] = field(repr=False)  # carries the API key
    headers_on_pool: bool  # the pool already sends exactly these headers
    timeout: TimeoutOption
    # What a timeout of None means: the client's own (its pool has the same phases). A
    # number stays a number here, so that it bounds the whole attempt.
    default_timeout: float | httpx2.Timeout
    max_retries: int
    max_response_bytes: int
    sleep: Sleep
    lookup_grace_period: float  # how long a create that may have taken effect keeps looking (see _policies)


# Not frozen, as ApiRequest: one is built per call, and nothing changes it.
@dataclass(slots=True)
class Sent(Generic[T]):
    """A request's parsed answer, with what raw responses show of how it came.

    Attributes:
        value: The parsed answer.
        response: The HTTP answer it was parsed from.
        retries_taken: How many times the request was sent again before this answer.
        elapsed: Seconds from the first attempt's start to the answer, backoff included.
    """

    value: T
    response: HTTPResponse
    retries_taken: int
    elapsed: float


class OperationPolicy(Protocol):
    """How one operation is sent when repeating it blindly could do harm (see ``_policies.py``)."""

    async def send(
        self, requester: APIRequester, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions
    ) -> Sent[T]:
        """Send ``request``, retrying only as this policy allows."""
        ...


class APIRequester:
    """Sends requests with one client's settings through its pool: the object resources hold."""

    __slots__ = ("_policies", "backend", "settings")

    def __init__(self, backend: Backend, settings: RequestSettings, policies: Mapping[str, OperationPolicy]) -> None:
        self.backend = backend
        self.settings = settings
        self._policies = policies

    async def send(self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions = NO_OPTIONS) -> T:
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
        # send_for_raw, without its frame: a call pays for every frame its every await passes through.
        if TELEMETRY is not None and TELEMETRY.enabled():
            with TELEMETRY.call(request):
                return (await self._send_sent(request, parse, options)).value
        policy = self._policy(request)
        if policy is not None:
            return (await policy.send(self, request, parse, options)).value
        return (await self.send_with_retries(request, parse, options)).value

    async def send_for_raw(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions = NO_OPTIONS
    ) -> Sent[T]:
        """``send``, keeping the HTTP answer and how many retries it took."""
        if TELEMETRY is not None and TELEMETRY.enabled():
            with TELEMETRY.call(request):
                return await self._send_sent(request, parse, options)
        return await self._send_sent(request, parse, options)

    async def _send_sent(self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions) -> Sent[T]:
        policy = self._policy(request)
        if policy is not None:
            return await policy.send(self, request, parse, options)
        return await self.send_with_retries(request, parse, options)

    def _policy(self, request: ApiRequest) -> OperationPolicy | None:
        return self._policies.get(request.operation_id) if request.operation_id else None

    def max_retries(self, options: RequestOptions) -> int:
        """The retries allowed for one call: its own ``max_retries``, else the client's."""
        return self.settings.max_retries if options.max_retries is None else options.max_retries

    async def send_with_retries(
        self,
        request: ApiRequest,
        parse: ParseResponse[T],
        options: RequestOptions = NO_OPTIONS,
        *,
        retry_if: Callable[[PalommaError], bool] | None = None,
    ) -> Sent[T]:
        """Send a request, retrying failures for which ``retry_if`` (default: the method's rule) holds."""
        allowed = self.max_retries(options)
        started = time.perf_counter()
        retries = 0
        while True:
            try:
                value, response = await self.attempt(request, parse, options, attempt=retries + 1)
            except PalommaError as error:
                if retries >= allowed:
                    raise
                if not (retry_if(error) if retry_if is not None else may_retry(request.method, error)):
                    raise
                await self.wait_before_retry(request, retries, allowed, error)
                retries += 1
            else:
                return Sent(value, response, retries, time.perf_counter() - started)

    async def wait_before_retry(
        self, request: ApiRequest, retries_so_far: int, allowed: int, error: PalommaError
    ) -> None:
        """Back off before retry number ``retries_so_far + 1``, and log why."""
        delay = backoff_delay(retries_so_far, error)
        logger.info(
            "retrying %s in %.2fs (retry %d of %d) after %s",
            request.describe(),
            delay,
            retries_so_far + 1,
            allowed,
            error,
            extra=call_fields(request, retries_so_far + 1, error),
        )
        await self.settings.sleep(delay)

    async def attempt(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions, *, attempt: int
    ) -> tuple[T, HTTPResponse]:
        """Send a request once and return its parsed answer, and the HTTP answer.

        Raises:
            APIConnectionError: No response arrived.
            APIStatusError: The response had an error status.
            APIResponseValidationError: A success status came with a body the spec does not allow.
        """
        response = await self._exchange(request, options, attempt=attempt)
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
            return parse(response.status_code, data), response
        except ResponseSchemaError as error:
            problem = str(error) if content else "the body is empty"
            raise APIResponseValidationError(response.to_httpx(), problem) from None
        except RecursionError:
            raise APIResponseValidationError(response.to_httpx(), "the body nests too deeply to read") from None

    async def _exchange(self, request: ApiRequest, options: RequestOptions, *, attempt: int) -> HTTPResponse:
        settings = self.settings
        url = settings.base_url + request.path
        params = request.params
        if options.extra_query:
            params = {**(params or {}), **options.extra_query}
        if params:
            url = f"{url}?{query_string(params)}"
        chosen = settings.timeout if options.timeout is None else options.timeout
        body = request.json
        if options.extra_body:
            body = {**(body if isinstance(body, dict) else {}), **options.extra_body}
        headers: Mapping[str, str] | None = None if settings.headers_on_pool else settings.headers
        if body is not None:
            headers = _JSON_CONTENT if headers is None else {**headers, **_JSON_CONTENT}
        dropped: tuple[str, ...] = ()
        if options.extra_headers:
            merged = dict(headers or {})
            for name, value in options.extra_headers.items():
                if value is None:
                    dropped += (name,)
                    merged.pop(name, None)
                else:
                    merged[name] = value
            headers = merged
        outgoing = HTTPRequest(
            request.method, url, headers, None if body is None else _json_bytes(body), chosen, dropped
        )
        started = time.perf_counter()
        try:
            if TELEMETRY is None or not TELEMETRY.enabled():
                response = await self.backend.send(
                    outgoing,
                    deadline=attempt_deadline(chosen, settings.default_timeout),
                    max_response_bytes=settings.max_response_bytes,
                )
            else:
                response = await TELEMETRY.attempt(
                    partial(
                        self.backend.send,
                        deadline=attempt_deadline(chosen, settings.default_timeout),
                        max_response_bytes=settings.max_response_bytes,
                    ),
                    outgoing,
                    request,
                    base_url=settings.base_url,
                    attempt=attempt,
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
                redacted_headers(response.sent_headers),
                extra=call_fields(request, attempt, response),
            )
        return response

    def _log_failure(self, request: ApiRequest, error: APIError, started: float, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s after %.1f ms (attempt %d)",
                request.method,
                request.path,
                type(error).__name__,
                (time.perf_counter() - started) * 1000,
                attempt,
                extra=call_fields(request, attempt, error),
            )
