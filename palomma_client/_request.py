"""The records a request is made of, from the generated code that builds it to the answer it gets.

A leaf: of the package it imports only ``_secrets`` (so that a request's ``repr`` masks its
credentials), so that every layer can use these records: the
generated resources that build an ``ApiRequest``, the sender (``_base_client``) that sends it
through a ``Requester`` as an ``HTTPRequest``, the backends (``_http``) that answer with an
``HTTPResponse``, the policies (``_policies``) that decide how, and the raw responses
(``_response``) that show the ``Sent`` it came back as.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import httpx2

from palomma_client._secrets import redacted_headers

__all__ = [
    "JSON_NULL",
    "NO_OPTIONS",
    "ApiRequest",
    "HTTPRequest",
    "HTTPResponse",
    "ParseResponse",
    "RequestOptions",
    "Requester",
    "Sent",
    "Sleep",
    "TimeoutOption",
]

T = TypeVar("T")


class _JsonNull:
    """The type of ``JSON_NULL``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "JSON_NULL"


JSON_NULL = _JsonNull()
"""An ``ApiRequest.json`` that is JSON ``null``: a nullable request body the caller set to ``None``.

``ApiRequest.json`` of ``None`` means no body at all, so a body that is ``null`` is told apart by this.
"""

Sleep = Callable[[float], Awaitable[None]]
"""How the SDK waits (between retries, while a create is looked up): ``asyncio.sleep`` unless a test injects one."""

TimeoutOption = float | httpx2.Timeout | None
"""A timeout for one request; ``None`` means the pool's own."""

ParseResponse = Callable[[int, Any], T]
"""A generated ``parse_response``: the model, from the status code and the decoded JSON body."""


# Not frozen: a frozen record's __init__ sets each field through object.__setattr__, about 1 µs more
# per record, and one of each is made per call: the bench target "client layer at most 1.05x the
# generated function (get)" depends on it. Nothing changes a record once made.
@dataclass(slots=True)
class ApiRequest:
    """A request to the API, relative to the client's base URL.

    Attributes:
        operation_id: The spec's ``operationId``, which names the retry policy; ``None`` for a
            request made through ``PalommaClient.request``.
        method: The HTTP method, upper case.
        path: The path below the base URL, with its parameters filled in and quoted.
        params: The query parameters, as text, or ``None``; a list is sent as the parameter repeated
            (an array parameter, ``status=a&status=b``).
        json: The body's values, as JSON would hold them: ``None`` for no body, or ``JSON_NULL`` for a
            body that is JSON ``null``.
        encoding: How the body is sent: ``json``, ``form`` (``application/x-www-form-urlencoded``) or
            ``multipart`` (``multipart/form-data``, its ``bytes`` values as files).
        security: The security schemes whose credentials go with it, as the spec's requirements:
            alternatives, each the names of the schemes it needs at once; ``()`` for an operation
            the spec declares public (``security: []``); ``None`` for the document's own.
        headers: The operation's header parameters, as text, or ``None``.
        answer: How its success body is read: ``json`` (decoded), ``text`` (a ``str``, by the
            answer's charset, UTF-8 by default) or ``bytes`` (as it came), by the spec's media type.
        template: The path with ``{name}`` for each parameter, for a request made through
            ``PalommaClient.request``; an operation's own comes from the spec by ``operation_id``.
        idempotency_header: The header the spec gives the operation for an idempotency key
            (``Idempotency-Key``), which the client fills with a new key once per call when the
            caller gave none; ``None`` for an operation without one.
    """

    operation_id: str | None
    method: str
    path: str
    params: Mapping[str, str | list[str]] | None = None
    json: Any = None
    security: tuple[tuple[str, ...], ...] | None = None
    headers: Mapping[str, str] | None = None
    answer: str = "json"
    template: str | None = None
    encoding: str = "json"
    idempotency_header: str | None = None

    def describe(self) -> str:
        """``createInvoice (POST /invoices)``: how logs and errors name the request."""
        where = f"{self.method} {self.path}"
        return f"{self.operation_id} ({where})" if self.operation_id else where


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """What one call changes of the client's settings, for that call only.

    Attributes:
        extra_headers: Headers to add, merged last; a value of ``None`` removes a header.
        extra_query: Query parameters to add, merged last.
        extra_body: JSON fields to add to the body, merged last.
        timeout: The timeout of each attempt of this call.
        max_retries: How many times this call may be retried.
    """

    extra_headers: Mapping[str, str | None] | None = None
    extra_query: Mapping[str, str] | None = None
    extra_body: Mapping[str, Any] | None = None
    timeout: TimeoutOption = None
    max_retries: int | None = None


NO_OPTIONS = RequestOptions()
"""A call that changes nothing."""


# Not frozen: a frozen record's __init__ sets each field through object.__setattr__, about 1 µs more
# per record, and one of each is made per call: the bench target "client layer at most 1.05x the
# generated function (get)" depends on it. Nothing changes a record once made.
@dataclass(slots=True)
class HTTPRequest:
    """One request, ready to send: what the sender hands a backend.

    Attributes:
        method: The HTTP method, upper case.
        url: The absolute URL, query string included.
        headers: The request's headers; ``None`` when the pool already carries them.
        content: The body, or ``None``.
        timeout: The per-phase timeout, or ``None`` for the pool's own.
        drop_headers: Headers not to send, even where the pool carries them.
    """

    method: str
    url: str
    headers: Mapping[str, str] | None
    content: bytes | None
    timeout: TimeoutOption
    drop_headers: tuple[str, ...] = ()

    def to_httpx(self) -> httpx2.Request:
        """The request as an ``httpx2.Request``, for errors and raw responses."""
        return httpx2.Request(self.method, self.url, headers=self.headers, content=self.content)

    def __repr__(self) -> str:
        # Its headers may carry the credentials: shown masked, as everywhere the SDK shows headers.
        headers = None if self.headers is None else redacted_headers(self.headers)
        content = None if self.content is None else f"<{len(self.content)} bytes>"
        return (
            f"HTTPRequest(method={self.method!r}, url={self.url!r}, headers={headers!r}, content={content}, "
            f"timeout={self.timeout!r}, drop_headers={self.drop_headers!r})"
        )


# Not a frozen record: it builds ``headers`` from the pairs only when asked, and keeps them.
class HTTPResponse:
    """An answer, read in full: what every backend hands back, whatever its library.

    Attributes:
        status_code: The HTTP status.
        content: The body, decompressed.
        request: The request it answers.
        sent_headers: The headers that went out, as the backend sent them (for logs).
    """

    __slots__ = ("_headers", "content", "header_pairs", "request", "sent_headers", "status_code")

    def __init__(
        self,
        status_code: int,
        header_pairs: Sequence[tuple[bytes, bytes]],
        content: bytes,
        request: HTTPRequest,
        sent_headers: Mapping[str, str],
    ) -> None:
        self.status_code = status_code
        self.header_pairs = header_pairs
        """The response headers as they came, name and value in bytes, in order."""
        self._headers: httpx2.Headers | None = None
        self.content = content
        self.request = request
        self.sent_headers = sent_headers

    @property
    def headers(self) -> httpx2.Headers:
        """The response headers, as the raw responses and errors that show them promise: ``httpx2.Headers``."""
        # A successful call never reads them: they are built only when asked for.
        headers = self._headers
        if headers is None:
            headers = self._headers = httpx2.Headers(list(self.header_pairs))
        return headers

    def header(self, name: str) -> str | None:
        """The first value of the header ``name`` (lower case), read from the pairs without building ``headers``."""
        wanted = name.encode("ascii")
        for key, value in self.header_pairs:
            if key.lower() == wanted:
                return value.decode("latin-1")
        return None

    def to_httpx(self) -> httpx2.Response:
        """The answer as an ``httpx2.Response``, for the exceptions that carry one."""
        headers = self.headers.copy()
        # The content is already inflated: a Content-Encoding kept here would make httpx inflate it again.
        headers.pop("content-encoding", None)
        return httpx2.Response(
            self.status_code,
            headers=headers,
            content=self.content,
            request=httpx2.Request(self.request.method, self.request.url, headers=self.sent_headers),
        )


# Not frozen: a frozen record's __init__ sets each field through object.__setattr__, about 1 µs more
# per record, and one of each is made per call: the bench target "client layer at most 1.05x the
# generated function (get)" depends on it. Nothing changes a record once made.
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


class Requester(Protocol):
    """Sends a request that generated code built, and hands the answer back to generated code to parse."""

    def send(self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions = ...) -> Awaitable[T]:
        """Send ``request`` with the client's auth, timeouts, retry policy and error mapping."""
        ...

    def send_for_raw(
        self, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions = ...
    ) -> Awaitable[Sent[T]]:
        """``send``, keeping the HTTP answer for a raw response."""
        ...
