"""How one request goes out and comes back: policy, never an operation.

Generated code builds each request (``build_request``) and parses each answer
(``parse_response``). In between, ``APIRequester`` adds the base URL, auth,
User-Agent and timeout, sends through the connection pool, maps transport
failures and error statuses to the typed error tree, logs, and retries where
the operation's retry policy allows it.
"""

from __future__ import annotations

import dataclasses
import email.message
import json
import logging
import math
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, Protocol, TypeVar, overload
from urllib.parse import urlencode

import httpx2

from palomma_client._auth import Credentials
from palomma_client._constants import LOGGER_NAME
from palomma_client._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    InvalidParameterError,
    PalommaError,
    status_error_from_response,
)
from palomma_client._generated.api import OPERATIONS
from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._http import Backend, attempt_deadline
from palomma_client._logging import call_fields
from palomma_client._matching import AnswerCheck
from palomma_client._request import (
    JSON_NULL,
    NO_OPTIONS,
    ApiRequest,
    HTTPRequest,
    HTTPResponse,
    ParseResponse,
    RequestOptions,
    Sent,
    Sleep,
    TimeoutOption,
)
from palomma_client._retry import backoff_delay, may_retry
from palomma_client._secrets import redacted_headers
from palomma_client._telemetry import TELEMETRY
from palomma_client._validation import unreserved

__all__ = [
    "APIRequester",
    "NonFiniteNumberError",
    "OperationPolicy",
    "RequestSettings",
    "decode_json",
    "query_string",
    "with_options_merged",
]

logger = logging.getLogger(LOGGER_NAME)

T = TypeVar("T")


_JSON_CONTENT = {"Content-Type": "application/json"}
_FORM_CONTENT = "application/x-www-form-urlencoded"


def query_string(params: Mapping[str, str | list[str]]) -> str:
    """The query string ``httpx2.QueryParams(params)`` writes, byte for byte.

    Kept for the bench target "a 100-invoice page on aiohttp at most 1.45x raw
    aiohttp": ``QueryParams`` costs 4 to 7 µs more for a page's query (a limit,
    a ULID cursor), which need no escaping. Anything else is left to it.
    """
    pairs = []
    for name, value in params.items():
        if not (isinstance(value, str) and unreserved(name) and unreserved(value)):
            return str(httpx2.QueryParams(params))
        pairs.append(f"{name}={value}")
    return "&".join(pairs)


def _form_fields(values: Any) -> list[tuple[str, str | bytes]]:
    """A form's fields as pairs, an array's items repeated (the form style with ``explode: true``, OpenAPI's
    default for a form body); a boolean is ``true`` or ``false`` as in JSON; ``bytes`` (a file) stay bytes.

    Raises:
        InvalidParameterError: A value is an object or ``None`` (from ``extra_body``): a form has no way to say it.
    """
    pairs: list[tuple[str, str | bytes]] = []
    for name, value in (values or {}).items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or isinstance(item, (dict, list)):
                raise InvalidParameterError(name, "a form holds strings, numbers, booleans and arrays of them only")
            pairs.append(
                (name, item if isinstance(item, bytes) else json.dumps(item) if isinstance(item, bool) else str(item))
            )
    return pairs


def _form_body(request: ApiRequest, body: Any) -> tuple[bytes, str]:
    """The form body of ``request`` as sent, and its ``Content-Type``: urlencoded or multipart."""
    if request.encoding == "multipart":
        return _multipart(_form_fields(body))
    # Spaces become `+`, as HTML forms send them.
    return urlencode(_form_fields(body)).encode("utf-8"), _FORM_CONTENT


def _multipart(fields: list[tuple[str, str | bytes]]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body (RFC 7578): a part per field, ``bytes`` as a file named after its field."""
    boundary = secrets.token_hex(16)
    parts: list[bytes] = []
    for name, value in fields:
        # The HTML standard's escapes for a name in `Content-Disposition`: a quote or a line break would end it.
        quoted = name.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")
        if isinstance(value, bytes):
            head = (
                f'Content-Disposition: form-data; name="{quoted}"; filename="{quoted}"\r\n'
                "Content-Type: application/octet-stream"
            )
            content = value
        else:
            head, content = f'Content-Disposition: form-data; name="{quoted}"', value.encode("utf-8")
        parts.append(f"--{boundary}\r\n{head}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _json_bytes(value: Any) -> bytes:
    # As httpx's json= sends it: compact, UTF-8, no NaN.
    if value is JSON_NULL:
        return b"null"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


class NonFiniteNumberError(ValueError):
    """A JSON body has a number that is not a finite float; the message names its JSON path."""


class _NonFiniteSeen(Exception):
    """Raised by the decoder's hooks, to leave the fast path at the first non-finite number."""


class _NonFinite:
    """Where the body had a number no float holds (``NaN``, ``Infinity``, ``1e400``): never an amount."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _refuse(text: str) -> float:
    raise _NonFiniteSeen(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NonFiniteSeen(text)
    return value


# One decoder for every body: json.loads with hooks would build a decoder per call. Its hooks run
# only for NaN and Infinity, and for numbers with a fraction or an exponent (amounts are integers,
# which Python reads exactly, however long).
_DECODER = json.JSONDecoder(parse_constant=_refuse, parse_float=_finite_float)


def _marking_decoder(found: list[_NonFinite]) -> json.JSONDecoder:
    def mark(text: str) -> _NonFinite:
        marker = _NonFinite(text)
        found.append(marker)
        return marker

    def number(text: str) -> float | _NonFinite:
        value = float(text)
        return value if math.isfinite(value) else mark(text)

    return json.JSONDecoder(parse_constant=mark, parse_float=number)


def _non_finite_path(data: Any, path: str = "$") -> tuple[str, str] | None:
    """The JSON path of the first non-finite number in ``data``, and how the body wrote it."""
    stack = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, _NonFinite):
            return where, value.text
        if isinstance(value, dict):
            stack.extend((item, f"{where}.{name}") for name, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{index}]") for index, item in reversed(list(enumerate(value))))
    return None


def decode_json(content: bytes) -> Any:
    """The JSON body of an answer, refusing any number that is not a finite float.

    ``json.loads`` takes ``NaN``, ``Infinity`` and ``-Infinity`` (which JSON
    does not have) and reads ``1e400`` as infinity: as an amount, any of them
    would pass through models into sums and comparisons that then fail or lie.

    Raises:
        NonFiniteNumberError: The body has a non-finite number (the message names its JSON path).
        ValueError: The body is not JSON.
        RecursionError: The body nests too deeply to read.
    """
    text = content.decode(json.detect_encoding(content), "surrogatepass")
    try:
        return _DECODER.decode(text)
    except _NonFiniteSeen:
        pass
    # Decoded again, slowly, only to name where the number is.
    found: list[_NonFinite] = []
    data = _marking_decoder(found).decode(text)
    if not found:
        return data
    where = _non_finite_path(data)
    path, written = where if where is not None else ("$", found[0].text)
    shown = written if len(written) <= 20 else written[:20] + "..."
    raise NonFiniteNumberError(f"{path} is {shown}, not a finite number")


def with_options_merged(request: ApiRequest, options: RequestOptions) -> tuple[ApiRequest, RequestOptions]:
    """The request as it will be sent, ``extra_query`` and ``extra_body`` merged in, and the options left.

    Merged here, before an operation's policy reads its key or an answer is
    checked against the request, so that both protect what is sent, not what
    the generated code built before an option changed it.
    """
    if not (options.extra_query or options.extra_body):
        return request, options
    params = request.params
    if options.extra_query:
        params = {**(params or {}), **options.extra_query}
    body = request.json
    if options.extra_body:
        body = {**(body if isinstance(body, dict) else {}), **options.extra_body}
    merged = dataclasses.replace(request, params=params, json=body)
    left = RequestOptions(extra_headers=options.extra_headers, timeout=options.timeout, max_retries=options.max_retries)
    return merged, left


def with_idempotency_key(request: ApiRequest) -> ApiRequest:
    """The request with a new idempotency key in its operation's header, unless the caller gave one.

    Made once per call, before any attempt or policy reads the request, so that every retry and a
    safe create's second send carry the same key: the API answers a repeat with the first answer.
    """
    header = request.idempotency_header
    if header is None or (request.headers and header in request.headers):
        return request
    return dataclasses.replace(request, headers={**(request.headers or {}), header: str(uuid.uuid4())})


class _AnswerChecks(dict[str | None, AnswerCheck | None]):
    """Each operation's answer check, prepared at its first answer (``None`` for a request of no known operation).

    A dict that fills itself, so that a call finds its check with one lookup and no call: the
    invoices.get bench targets depend on it.
    """

    def __missing__(self, operation_id: str | None) -> AnswerCheck | None:
        operation = None if operation_id is None else OPERATIONS.get(operation_id)
        check = None if operation is None else AnswerCheck(operation.PATH, getattr(operation, "page_of", None))
        if operation_id is not None:
            self[operation_id] = check
        return check


_ANSWER_CHECKS = _AnswerChecks()


@dataclass(frozen=True, slots=True)
class RequestSettings:
    """What a client adds to every request it sends."""

    base_url: str
    headers: Mapping[str, str] = field(repr=False)  # carries the API key
    credentials: Credentials = field(repr=False)  # which credential headers each operation's security changes
    headers_on_pool: bool  # the pool already sends exactly these headers
    timeout: TimeoutOption
    # What a timeout of None means: the client's own (its pool has the same phases). A
    # number stays a number here, so that it bounds the whole attempt.
    default_timeout: float | httpx2.Timeout
    max_retries: int
    max_response_bytes: int
    sleep: Sleep
    lookup_grace_period: float  # how long a create that may have taken effect keeps looking (see _policies)


class OperationPolicy(Protocol):
    """How one operation is sent when repeating it blindly could do harm (see ``_policies.py``)."""

    async def send(
        self, requester: APIRequester, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions
    ) -> Sent[T]:
        """Send ``request``, retrying only as this policy allows."""
        ...


class APIRequester:
    """Sends requests with one client's settings through its pool: the object resources hold."""

    __slots__ = ("_deadline", "_policies", "backend", "settings")

    def __init__(self, backend: Backend, settings: RequestSettings, policies: Mapping[str, OperationPolicy]) -> None:
        self.backend = backend
        self.settings = settings
        self._policies = policies
        # The deadline of an attempt without a timeout of its own, worked out once: the bench target
        # "invoices.get on aiohttp at most 1.20x raw aiohttp" needs what it cost per call.
        self._deadline = attempt_deadline(settings.timeout, settings.default_timeout)

    def send(self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions = NO_OPTIONS) -> Awaitable[T]:
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
        # Not a coroutine of its own: every await of a call passes through each coroutine above it,
        # and the bench target "invoices.get on aiohttp at most 1.20x raw aiohttp" needs the level.
        return self._call(request, parse, options, raw=False)

    def send_for_raw(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions = NO_OPTIONS
    ) -> Awaitable[Sent[T]]:
        """``send``, keeping the HTTP answer and how many retries it took."""
        return self._call(request, parse, options, raw=True)

    @overload
    async def _call(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions, *, raw: Literal[False]
    ) -> T: ...

    @overload
    async def _call(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions, *, raw: Literal[True]
    ) -> Sent[T]: ...

    async def _call(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions, *, raw: bool
    ) -> T | Sent[T]:
        if options is not NO_OPTIONS:
            request, options = with_options_merged(request, options)
        if request.idempotency_header is not None:
            request = with_idempotency_key(request)
        policy = self._policies.get(request.operation_id) if request.operation_id else None
        if TELEMETRY is not None and TELEMETRY.enabled():
            with TELEMETRY.call(request):
                if policy is not None:
                    sent = await policy.send(self, request, parse, options)
                else:
                    sent = await self.send_with_retries(request, parse, options, traced=True)
        elif policy is not None:
            sent = await policy.send(self, request, parse, options)
        else:
            # Asked once per call: the bench target "invoices.get on aiohttp at most 1.20x raw aiohttp"
            # cannot spare asking again for the attempt.
            sent = await self.send_with_retries(request, parse, options, traced=False)
        return sent if raw else sent.value

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
        first_attempt: int = 1,
        traced: bool | None = None,
    ) -> Sent[T]:
        """Send a request, retrying failures for which ``retry_if`` (default: the method's rule) holds.

        ``first_attempt`` numbers the first attempt in logs and spans (a policy's own retry loop
        counts its attempts itself). ``traced`` says whether each attempt has a span, when the
        caller has asked OpenTelemetry already (``None``: ask here).
        """
        started = time.perf_counter()
        retries = 0
        if traced is None:
            traced = TELEMETRY is not None and TELEMETRY.enabled()
        while True:
            attempt = first_attempt + retries
            try:
                # Each attempt is written out here, not awaited through a coroutine of its own: every
                # await of a call passes through each coroutine above it, and the bench target
                # "invoices.get on aiohttp at most 1.20x raw aiohttp" needs the level.
                outgoing, deadline = self._outgoing(request, options)
                sent_at = time.perf_counter()
                try:
                    if TELEMETRY is None or not traced:
                        response = await self.backend.send(
                            outgoing, deadline=deadline, max_response_bytes=self.settings.max_response_bytes
                        )
                    else:
                        response = await TELEMETRY.attempt(
                            partial(
                                self.backend.send,
                                deadline=deadline,
                                max_response_bytes=self.settings.max_response_bytes,
                            ),
                            outgoing,
                            request,
                            base_url=self.settings.base_url,
                            attempt=attempt,
                        )
                except APIError as error:
                    self._log_failure(request, error, sent_at, attempt)
                    raise
                except PalommaError:
                    raise
                except Exception as error:
                    # A backend, a decoder or a library below them failed in a way none of them maps:
                    # still an SDK error, and one that may have reached the server.
                    self._log_failure(request, error, sent_at, attempt)
                    raise APIConnectionError(
                        outgoing.to_httpx(),
                        f"{request.method} {request.path} failed: {type(error).__name__}",
                    ) from error
                if logger.isEnabledFor(logging.DEBUG):
                    self._log_answer(request, response, sent_at, attempt)
                value = self._read(request, parse, response)
            except PalommaError as error:
                # Worked out on a failure only: most calls never need it.
                allowed = self.max_retries(options)
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
        sent = await self.send_with_retries(request, parse, options, retry_if=_never, first_attempt=attempt)
        return sent.value, sent.response

    def _read(self, request: ApiRequest, parse: ParseResponse[T], response: HTTPResponse) -> T:
        """The parsed answer of one attempt, or the typed error for its status or body."""
        if not 200 <= response.status_code < 300:
            raise status_error_from_response(response.to_httpx())
        content = response.content
        try:
            if request.answer == "json":
                data: Any = decode_json(content) if content else None
            elif request.answer == "text":
                data = content.decode(_charset(response.headers.get("content-type", ""))) if content else ""
            else:
                data = content
        except (UnicodeDecodeError, LookupError):
            raise APIResponseValidationError(response.to_httpx(), "the body is not text in its charset") from None
        except RecursionError:
            raise APIResponseValidationError(response.to_httpx(), "the body nests too deeply to read") from None
        except NonFiniteNumberError as error:
            raise APIResponseValidationError(response.to_httpx(), str(error)) from None
        except ValueError:
            raise APIResponseValidationError(response.to_httpx(), "the body is not JSON") from None
        try:
            value = parse(response.status_code, data)
            # What in the answer contradicts the request (see _matching): only the fields the request
            # names are read, so a page listed without a filter costs nothing here.
            check = _ANSWER_CHECKS[request.operation_id]
            contradiction = (
                None if check is None else check.contradiction(request.path, request.params, request.json, value)
            )
        except ResponseSchemaError as error:
            problem = str(error) if content else "the body is empty"
            raise APIResponseValidationError(response.to_httpx(), problem) from None
        except RecursionError:
            raise APIResponseValidationError(response.to_httpx(), "the body nests too deeply to read") from None
        except Exception as error:
            # The generated parser refuses what the spec does not allow with ResponseSchemaError;
            # anything else it meets is still an answer the SDK cannot read, never a bare exception.
            problem = f"the body could not be read ({type(error).__name__})"
            raise APIResponseValidationError(response.to_httpx(), problem) from error
        if contradiction is not None:
            raise APIResponseValidationError(response.to_httpx(), f"it does not answer the request: {contradiction}")
        return value

    def _outgoing(self, request: ApiRequest, options: RequestOptions) -> tuple[HTTPRequest, float | None]:
        """The request as the backend sends it (URL, headers, body, timeout), and its attempt's deadline."""
        settings = self.settings
        url = settings.base_url + request.path
        # extra_query and extra_body were merged into the request by with_options_merged, before any policy read it.
        params = request.params
        if params:
            url = f"{url}?{query_string(params)}"
        if options.timeout is None:
            chosen, deadline = settings.timeout, self._deadline
        else:
            chosen = options.timeout
            deadline = attempt_deadline(chosen, settings.default_timeout)
        body = request.json
        headers: Mapping[str, str] | None = None if settings.headers_on_pool else settings.headers
        if request.headers:
            # The operation's header parameters; a caller's extra_headers still come last.
            headers = {**(headers or {}), **request.headers}
        content: bytes | None = None
        if body is not None and request.encoding == "json":
            content = _json_bytes(body)
            headers = _JSON_CONTENT if headers is None else {**headers, **_JSON_CONTENT}
        elif body is not None:
            content, content_type = _form_body(request, body)
            headers = {**(headers or {}), "Content-Type": content_type}
        # An operation whose security differs from the document's (`security: []`, another scheme) is
        # sent with its own credential headers, and without those the pool carries that it does not need.
        # The names dropped are taken out here too: a session of the caller's may not drop what it is given.
        added, dropped = settings.credentials.changes(request)
        if added or dropped:
            headers = {**{name: value for name, value in (headers or {}).items() if name not in dropped}, **added}
        if request.headers and "Cookie" in request.headers:
            # The operation's cookie parameters and an API key in a cookie share the one `Cookie` header;
            # an operation that needs no key cookie still sends its parameters.
            cookies = request.headers["Cookie"]
            key = added.get("Cookie") or ("" if "Cookie" in dropped else settings.credentials.headers.get("Cookie"))
            headers = {**(headers or {}), "Cookie": f"{key}; {cookies}" if key else cookies}
            dropped = tuple(name for name in dropped if name != "Cookie")
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
            request.method,
            url,
            headers,
            content,
            chosen,
            dropped,
        )
        return outgoing, deadline

    def _log_answer(self, request: ApiRequest, response: HTTPResponse, started: float, attempt: int) -> None:
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

    def _log_failure(self, request: ApiRequest, error: Exception, started: float, attempt: int) -> None:
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


def _never(error: PalommaError) -> bool:
    """A ``retry_if`` that retries nothing: one attempt."""
    return False


def _charset(content_type: str) -> str:
    """The ``charset`` a ``Content-Type`` names, else UTF-8 (the default of JSON and of most text APIs)."""
    message = email.message.Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) and charset else "utf-8"
