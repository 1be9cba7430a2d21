"""Every error the SDK raises, and the one place HTTP outcomes become them.

    PalommaError
     ├── InvalidParameterError          (also a ValueError: bad input, nothing was sent)
     │    └── InvoiceCSVError             an invoice CSV file has bad rows or columns
     ├── APIError                       the API or the network failed: message, request, body
     │    ├── APIConnectionError          no response arrived
     │    │    └── APITimeoutError
     │    ├── APIStatusError              the API answered with an error status
     │    │    ├── BadRequestError          400
     │    │    ├── AuthenticationError      401
     │    │    ├── PermissionDeniedError    403
     │    │    ├── NotFoundError            404
     │    │    ├── ConflictError            409
     │    │    ├── RateLimitError           429 (retry_after)
     │    │    └── InternalServerError      5xx
     │    ├── APIResponseValidationError  a success status with a body the spec does not allow
     │    └── ResponseTooLargeError       an answer over max_response_bytes
     ├── InvoiceOutcomeUnknownError     a create may or may not have taken effect, and the lookup failed
     ├── ReferenceAlreadyUsedError      a create's reference holds a different invoice (carried)
     ├── PaginationError                the API sent a cursor it had already sent, or only empty pages
     ├── FeatureUnavailableError        a hand-written feature needs what the API's spec no longer has
     └── ClientClosedError              the client was closed

The webhook errors (``palomma_client.webhooks``) are PalommaErrors too.

No message built here contains the API key: requests are described by
method and path only, response bodies are quoted, never headers, and the
request every APIError carries has its credential headers (``Authorization``
and the spec's API key headers) masked; so has a response body that echoes
the key, before anything reads it.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import httpx2

from palomma_client._constants import BODY_EXCERPT_LENGTH, MAX_RETRY_AFTER
from palomma_client._secrets import REDACTED, SECRET_HEADERS

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "FeatureUnavailableError",
    "InternalServerError",
    "InvalidParameterError",
    "InvoiceCSVError",
    "InvoiceCSVProblem",
    "InvoiceOutcomeUnknownError",
    "NotFoundError",
    "PaginationError",
    "PalommaError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReferenceAlreadyUsedError",
    "ResponseTooLargeError",
]


def body_excerpt(content: bytes, limit: int = BODY_EXCERPT_LENGTH) -> str:
    """A short, printable quotation of a response body for error messages."""
    # Decode only what can be shown (at most 4 bytes a character): a huge body costs nothing more.
    text = content[: limit * 4 + 4].decode("utf-8", errors="replace").strip()
    if not text:
        return "(empty body)"
    if len(text) > limit:
        text = text[:limit] + "..."
    return repr(text)


class PalommaError(Exception):
    """The root of every error this SDK raises.

    Every SDK error pickles with its type, message and fields, so that it
    crosses a process boundary (a ``ProcessPoolExecutor``) intact; the
    request it carries has its credential headers masked.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, dict(self.__dict__))


def _rebuild(cls: type[PalommaError], args: tuple[Any, ...], state: dict[str, Any]) -> PalommaError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InvalidParameterError(PalommaError, ValueError):
    """An argument broke one of the API's rules; no request was sent.

    Attributes:
        parameter: The SDK argument at fault, as the caller spelled it (``amount``, ``redirect_url``).
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True, slots=True)
class InvoiceCSVProblem:
    """One problem found in an invoice CSV file.

    Attributes:
        line: The line number in the file (1 is the header), or ``None`` for the file as a whole.
        column: The column at fault, or ``None`` for the whole row.
        message: What is wrong, and how to write it instead.
    """

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        if self.column is not None:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


_CSV_PROBLEMS_IN_MESSAGE: Final = 20


class InvoiceCSVError(InvalidParameterError):
    """An invoice CSV file has a missing or unknown column, or bad rows; nothing was sent.

    The message lists the first problems, each with its line number; ``problems`` has all of them.

    Attributes:
        path: The file, as given.
        problems: Every problem found, in file order.
    """

    def __init__(self, path: str, problems: Iterable[InvoiceCSVProblem | tuple[int | None, str | None, str]]) -> None:
        self.path = path
        self.problems = tuple(
            problem if isinstance(problem, InvoiceCSVProblem) else InvoiceCSVProblem(*problem) for problem in problems
        )
        count = len(self.problems)
        lines = [f"  {problem}" for problem in self.problems[:_CSV_PROBLEMS_IN_MESSAGE]]
        if count > _CSV_PROBLEMS_IN_MESSAGE:
            lines.append(f"  ... and {count - _CSV_PROBLEMS_IN_MESSAGE} more")
        noun = "problem" if count == 1 else "problems"
        super().__init__("path", f"{path} has {count} {noun}; nothing was sent:\n" + "\n".join(lines))


def redacted_request(request: httpx2.Request) -> httpx2.Request:
    """A copy of ``request`` whose credential headers are masked: errors are logged, pickled and shipped."""
    present = [name for name in request.headers if name in SECRET_HEADERS]
    if not present:
        return request
    headers = request.headers.copy()
    for name in present:
        headers[name] = REDACTED
    try:
        content: bytes | None = request.content
    except httpx2.RequestNotRead:
        content = None
    return httpx2.Request(request.method, request.url, headers=headers, content=content)


def _masked(content: bytes, credentials: list[str]) -> bytes:
    """``content`` with each credential header's value masked, should a server echo one back.

    A value with a scheme (``Bearer <key>``) is masked whole and its key alone; so is each
    cookie's value of a ``Cookie`` header (``sid=<key>; lang=es``).
    """
    for value in credentials:
        credential = value.partition(" ")[2].strip() or value.strip()
        cookies = [pair.partition("=")[2].strip() for pair in value.split(";") if "=" in pair]
        for secret in (value.strip(), credential, *cookies):
            if len(secret) >= 8:
                content = content.replace(secret.encode("utf-8", "replace"), REDACTED.encode())
    return content


def _with_redacted_request(response: httpx2.Response) -> httpx2.Response:
    """A copy of ``response`` whose request has its key masked, as have its body and headers wherever they echo it."""
    try:
        request = response.request
    except RuntimeError:
        return response
    credentials = [value for name, value in request.headers.items() if name in SECRET_HEADERS]
    if not credentials:
        return response
    content = _masked(response.content, credentials)
    headers = [
        (name, _masked(value, credentials))
        for name, value in response.headers.raw
        # A masked body has another length, which httpx2 then states itself.
        if content is response.content or name.lower() != b"content-length"
    ]
    return httpx2.Response(response.status_code, headers=headers, content=content, request=redacted_request(request))


class APIError(PalommaError):
    """Something the API or the network did, as opposed to bad input: the base of every such error.

    Attributes:
        message: What went wrong: the server's own text for a status error.
        request: The request (its credential headers masked).
        body: The parsed JSON body of the answer, or ``None``.
    """

    def __init__(self, message: str, request: httpx2.Request, *, body: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = redacted_request(request)
        self.body = body


class APIConnectionError(APIError):
    """The request could not be completed: no HTTP response came back.

    Attributes:
        may_have_reached_server: ``False`` only when the request provably never left (no
            connection was made, or none was free in the pool): then even a create is safe to send again.
    """

    def __init__(
        self, request: httpx2.Request, message: str | None = None, *, may_have_reached_server: bool = True
    ) -> None:
        super().__init__(message or f"Connection error on {request.method} {request.url.path}", request)
        self.may_have_reached_server = may_have_reached_server


class APITimeoutError(APIConnectionError):
    """The request timed out before its whole answer arrived."""

    def __init__(
        self, request: httpx2.Request, message: str | None = None, *, may_have_reached_server: bool = True
    ) -> None:
        super().__init__(
            request,
            message or f"Request timed out: {request.method} {request.url.path}",
            may_have_reached_server=may_have_reached_server,
        )


REQUEST_ID_HEADER: Final = "x-request-id"


class APIStatusError(APIError):
    """The API answered with an error status (4xx or 5xx, or any other non-2xx).

    ``message`` is the server's own ``error`` text (or a description of the
    body when it has none); ``str(error)`` adds the status in front of it.

    Attributes:
        status_code: The HTTP status code.
        response: The ``httpx2.Response``.
        request_id: The API's id for the request, from the ``x-request-id`` header, or ``None``.
    """

    def __init__(self, message: str, *, response: httpx2.Response, body: Any) -> None:
        response = _with_redacted_request(response)
        super().__init__(message, response.request, body=body)
        self.status_code = response.status_code
        self.response = response
        self.request_id: str | None = response.headers.get(REQUEST_ID_HEADER)

    def __str__(self) -> str:
        reason = self.response.reason_phrase or "Unknown Status"
        return f"{self.status_code} {reason}: {self.message}"


class BadRequestError(APIStatusError):
    """400: the API rejected the request's input."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong, or for the other environment."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such invoice or settlement."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


def parse_retry_after(
    headers: httpx2.Headers, now: float | None = None, *, cap: float | None = MAX_RETRY_AFTER
) -> float | None:
    """Seconds the server asked us to wait, from ``Retry-After`` (seconds or an HTTP date).

    Args:
        headers: The response headers.
        now: The current time, for an HTTP date; defaults to the clock.
        cap: The most this returns; ``None`` for no cap.

    Returns:
        The delay in seconds, at most ``cap``, or ``None`` when the header is absent or unreadable.
    """
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if _looks_like_http_date(value) else None
        if parsed is None:
            return None
        seconds = parsed.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    seconds = max(seconds, 0.0)
    return seconds if cap is None else min(seconds, cap)


def _looks_like_http_date(value: str) -> bool:
    try:
        return email.utils.parsedate_tz(value) is not None
    except (TypeError, ValueError):
        return False


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, honouring ``Retry-After``.

    Attributes:
        retry_after: The seconds the API asked to wait (``Retry-After``, in seconds or as a date), or ``None``.
    """

    def __init__(self, message: str, *, response: httpx2.Response, body: Any) -> None:
        super().__init__(message, response=response, body=body)
        self.retry_after = parse_retry_after(response.headers, cap=None)


class InternalServerError(APIStatusError):
    """5xx: the API or a gateway in front of it failed."""


class APIResponseValidationError(APIError):
    """The API answered with a success status but a body the spec does not allow.

    Attributes:
        status_code: The HTTP status code.
        response: The ``httpx2.Response``.
    """

    def __init__(self, response: httpx2.Response, problem: str) -> None:
        response = _with_redacted_request(response)
        super().__init__(
            f"{response.status_code} response to {response.request.method} {response.request.url.path} "
            f"does not match the API spec ({problem}); body: {body_excerpt(response.content)}",
            response.request,
        )
        self.status_code = response.status_code
        self.response = response


class ResponseTooLargeError(APIError):
    """The answer was larger than ``max_response_bytes`` (counted inflated); reading stopped at the limit.

    Attributes:
        limit: The limit in bytes.
    """

    def __init__(self, request: httpx2.Request, limit: int) -> None:
        super().__init__(
            f"The response to {request.method} {request.url.path} is larger than max_response_bytes "
            f"({limit:,} bytes); reading stopped there",
            request,
        )
        self.limit = limit


class ClientClosedError(PalommaError):
    """The client was closed (``close()`` or the end of ``async with``); open a new one."""


class FeatureUnavailableError(PalommaError):
    """A hand-written feature needs an operation, a model or a field that the API's spec no longer has.

    The SDK was generated from a version of ``openapi.yaml`` that removed or
    renamed something a workflow, a retry policy, the command line or a webhook
    event is built on. Everything else keeps working; this feature cannot, until
    it is updated for the new spec. Nothing was sent.

    Attributes:
        feature: The feature, as it is called (``invoices.create_or_find``).
        missing: What it needs that is gone, each as a phrase (``the operation `listInvoices```).
    """

    def __init__(self, feature: str, missing: Iterable[str]) -> None:
        self.feature = feature
        self.missing = tuple(missing)
        super().__init__(
            f"{feature} is unavailable: it needs {_and_list(self.missing)}, which the API's spec "
            "(openapi.yaml) this SDK was generated from no longer has"
        )


def _and_list(phrases: tuple[str, ...]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


class InvoiceOutcomeUnknownError(PalommaError):
    """A create may have taken effect, and the SDK could not find out; it did not create again.

    Raised when the lookup after an ambiguous failure itself fails, or when
    the API said the invoice exists (an unreadable success, or a refusal as a
    duplicate) but no lookup found it within the grace period, or when the
    API's spec this SDK was generated from no longer has the lookup at all
    (``__cause__`` is then the ``FeatureUnavailableError`` naming what is
    gone). Look it up later with ``invoices.find_by_reference(reference)``
    where the SDK still has it, before creating it again; ``create_error`` is
    the failure of the create, and ``__cause__`` the failed lookup, if any.

    Attributes:
        reference: The merchant reference of the invoice.
        create_error: The failure of the create request.
    """

    def __init__(
        self, reference: str, create_error: PalommaError, reason: str | None = None, *, can_look_up: bool = True
    ) -> None:
        how = "Look it up with invoices.find_by_reference()" if can_look_up else "Find out whether it exists"
        super().__init__(
            f"Invoice {reference!r} may or may not have been created: the create failed with "
            f"{type(create_error).__name__} and {reason or 'looking the reference up failed too'}. "
            f"{how} before creating it again: "
            "an API that accepts a repeated reference would make a second invoice"
        )
        self.reference = reference
        self.create_error = create_error


class ReferenceAlreadyUsedError(PalommaError):
    """A create's reference is already used by a different invoice; the call made none under it.

    ``invoices.create`` raises it after an ambiguous failure, when the lookup
    finds invoices with the reference but none that matches the request (a
    compared field differs, or it was created before the call started) and
    none that does shows up within the grace period. ``invoices.create_or_find``
    raises it when the invoice already there differs from the request. The SDK
    never returns such an invoice as the call's own, and never creates another
    under the same reference.

    Attributes:
        reference: The merchant reference.
        invoice: The invoice that holds it.
        differences: The JSON names of the fields in which it differs from the request
            (``amount``, ``createdAt``...).
        create_error: The failure of the create request, or ``None`` when none was sent.
    """

    def __init__(
        self, reference: str, invoice: Any, differences: Iterable[str], create_error: PalommaError | None = None
    ) -> None:
        self.differences = tuple(differences)
        how = (
            f"the create failed with {type(create_error).__name__} and made none under it"
            if create_error is not None
            else "nothing was created"
        )
        super().__init__(
            f"Reference {reference!r} is already used by a different invoice "
            f"({getattr(invoice, 'id', 'unknown id')}, whose {', '.join(self.differences)} differ from the "
            f"request); {how}"
        )
        self.reference = reference
        self.invoice = invoice
        self.create_error = create_error


class PaginationError(PalommaError):
    """The API returned a cursor it had already returned, which would page forever."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def status_error_from_response(response: httpx2.Response) -> APIStatusError:
    """Build the exception for a non-2xx response: the only place statuses become classes."""
    response = _with_redacted_request(response)
    body: Any = None
    message: str | None = None
    try:
        body = json.loads(response.content)
    except RecursionError:
        message = f"response body nests too deeply to read: {body_excerpt(response.content)}"
    except ValueError:
        message = f"response body is not JSON: {body_excerpt(response.content)}"
    else:
        error_text = body.get("error") if isinstance(body, dict) else None
        if isinstance(error_text, str):
            message = error_text
        else:
            message = f'response body has no "error" text: {body_excerpt(response.content)}'
    if response.status_code >= 500:
        error_class: type[APIStatusError] = InternalServerError
    else:
        error_class = _STATUS_ERRORS.get(response.status_code, APIStatusError)
    return error_class(message, response=response, body=body)
