"""Raw responses: the HTTP answer behind a call, for its headers and status."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

import httpx2

from palomma_client._secrets import redacted_headers

if TYPE_CHECKING:
    from palomma_client._request import Sent

__all__ = ["APIResponse"]

T = TypeVar("T")


class APIResponse(Generic[T]):
    """What ``palomma.<resource>.with_raw_response.<method>(...)`` returns: the answer and how it came.

    ::

        response = await palomma.invoices.with_raw_response.get(invoice_id)
        print(response.status_code, response.headers.get("x-request-id"))
        invoice = response.parse()

    Attributes:
        status_code: The HTTP status of the answer.
        headers: Its headers.
        http_request: The request that got it (its credential headers masked).
        elapsed: Time from the first attempt's start to the answer, retries and backoff included.
        retries_taken: How many times the request was sent again before this answer.
    """

    # Only what is shown is kept: the HTTP answer behind it holds the headers as sent, key included,
    # and a raw response is pickled, logged and shipped like any value.
    __slots__ = ("_content", "_value", "elapsed", "headers", "http_request", "retries_taken", "status_code")

    def __init__(self, sent: Sent[T]) -> None:
        response = sent.response
        self._value = sent.value
        self._content = response.content
        self.status_code = response.status_code
        self.headers: httpx2.Headers = response.headers
        request = response.request
        headers = redacted_headers(response.sent_headers)
        self.http_request = httpx2.Request(request.method, request.url, headers=headers, content=request.content)
        self.elapsed = datetime.timedelta(seconds=sent.elapsed)
        self.retries_taken = sent.retries_taken

    def parse(self) -> T:
        """The model the answer parses into, as the method without ``with_raw_response`` returns it."""
        return self._value

    @property
    def content(self) -> bytes:
        """The body, inflated."""
        return self._content

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.http_request.method} {self.http_request.url.path}>"
