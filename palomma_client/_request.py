"""What generated code hands the base client: one request, built and checked, not yet sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2

__all__ = ["NO_OPTIONS", "ApiRequest", "RequestOptions"]


# Not frozen: a frozen dataclass costs four times as much to build, and one is built per call.
# Nothing changes a request once built.
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
        json: The JSON body, or ``None`` for none.
        security: The security schemes whose credentials go with it, as the spec's requirements:
            alternatives, each the names of the schemes it needs at once; ``()`` for an operation
            the spec declares public (``security: []``); ``None`` for the document's own.
        headers: The operation's header parameters, as text, or ``None``.
        answer: How its success body is read: ``json`` (decoded), ``text`` (a ``str``, by the
            answer's charset, UTF-8 by default) or ``bytes`` (as it came), by the spec's media type.
        template: The path with ``{name}`` for each parameter, for a request made through
            ``PalommaClient.request``; an operation's own comes from the spec by ``operation_id``.
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
    timeout: float | httpx2.Timeout | None = None
    max_retries: int | None = None


NO_OPTIONS = RequestOptions()
"""A call that changes nothing."""
