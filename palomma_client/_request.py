"""What generated code hands the base client: one request, built and checked, not yet sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ApiRequest"]


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """A request to the API, relative to the client's base URL.

    Attributes:
        operation_id: The spec's ``operationId``, which names the retry policy; ``None`` for a
            request made through ``PalommaClient.request``.
        method: The HTTP method, upper case.
        path: The path below the base URL, with its parameters filled in and quoted.
        params: The query parameters, as text, or ``None``.
        json: The JSON body, or ``None`` for none.
    """

    operation_id: str | None
    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = None

    def describe(self) -> str:
        """``createInvoice (POST /invoices)``: how logs and errors name the request."""
        where = f"{self.method} {self.path}"
        return f"{self.operation_id} ({where})" if self.operation_id else where
