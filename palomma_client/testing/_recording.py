"""The requests the fake has received, kept for tests to inspect."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(slots=True)
class RecordedRequest:
    """One request as the fake received it, including those a fault answered.

    Attributes:
        method: The HTTP method, upper case.
        path: The path, with its `/v1` prefix (`/v1/invoices`).
        query: The raw query string, without the `?`.
        headers: The headers, names in lower case (repeated headers joined with `, `).
        body: The raw body; empty when the fake did not read it (a request refused for its API key,
            or for a body over `FakePalomma.max_body_size`).
        status: The status the fake answered with; `None` while the request is in flight.
    """

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    status: int | None = None
    secret_headers: frozenset[str] = field(default=frozenset({"authorization"}), repr=False, compare=False)
    """The headers (lower case) that carry a credential under the fake's spec: masked in the ``repr``."""

    def __repr__(self) -> str:
        # A failing test prints the requests it compares: never with the credentials they carried.
        headers = {name: "[redacted]" if name in self.secret_headers else value for name, value in self.headers.items()}
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, query={self.query!r}, "
            f"headers={headers!r}, body={self.body!r}, status={self.status!r})"
        )

    @property
    def params(self) -> dict[str, str]:
        """The query parameters (the last value wins when one is repeated)."""
        return dict(parse_qsl(self.query, keep_blank_values=True))

    def json(self) -> Any:
        """Return the body decoded as JSON.

        Raises:
            ValueError: If the body is not valid JSON.
        """
        return json.loads(self.body)


class RequestLog:
    """The requests a fake received, oldest first, at most ``limit`` of them (``None`` keeps all)."""

    __slots__ = ("limit", "requests")

    def __init__(self, limit: int | None) -> None:
        self.requests: list[RecordedRequest] = []
        self.limit = limit

    def record(self, request: RecordedRequest) -> None:
        """Keep ``request``, dropping the oldest beyond the limit."""
        self.requests.append(request)
        if self.limit is not None:
            excess = len(self.requests) - self.limit
            if excess > 0:
                del self.requests[:excess]
