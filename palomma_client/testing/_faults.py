"""Fault injection: make chosen requests fail, fail after taking effect, or answer late."""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from fnmatch import fnmatchcase
from http import HTTPStatus

__all__ = ["Fault", "FaultKind", "FaultPlan"]

_API_PREFIX = "/v1"


class FaultKind(enum.Enum):
    """What a fault does to the requests it matches."""

    FAIL = "fail"
    """Answer with an error status; the request never reaches the API."""
    FAIL_AFTER_PROCESSING = "fail_after_processing"
    """Let the API act on the request (an invoice is created), then answer with an error status anyway."""
    DELAY = "delay"
    """Wait before handling the request."""


@dataclass(slots=True)
class Fault:
    """One fault rule; keep it to see how often it fired (`hits`) or how many uses are left (`remaining`).

    Attributes:
        kind: What the fault does.
        remaining: How many more matching requests it applies to; `None` means every one, until cleared.
        method: Only requests with this HTTP method (any method when `None`).
        path: Only requests whose path matches this shell-style pattern, with or without the `/v1`
            prefix (`"/invoices"`, `"/invoices/*"`, `"/v1/settlements/*"`); any path when `None`.
        status: The status answered, for the failing kinds.
        error: The `error` message of the body; the status's reason phrase when `None`.
        retry_after: The `Retry-After` header to send, if any.
        seconds: The delay, for `FaultKind.DELAY`.
        hits: How many requests it has applied to so far.
    """

    kind: FaultKind
    remaining: int | None = 1
    method: str | None = None
    path: str | None = None
    status: int = 500
    error: str | None = None
    retry_after: str | None = None
    seconds: float = 0.0
    hits: int = 0

    @property
    def message(self) -> str:
        """The `error` message this fault answers with."""
        if self.error is not None:
            return self.error
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"

    def matches(self, method: str, path: str) -> bool:
        """Return whether the fault applies to a request with this method and path."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is None:
            return True
        relative = path[len(_API_PREFIX) :] if path.startswith(_API_PREFIX + "/") else path
        return fnmatchcase(path, self.path) or fnmatchcase(relative, self.path)


def retry_after_header(value: int | float | datetime | str | None) -> str | None:
    """Render a Retry-After value: seconds as a number, a datetime as an HTTP date, text unchanged."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return format_datetime(value, usegmt=True)
    return str(int(value)) if float(value).is_integer() else str(value)


class FaultPlan:
    """The fault rules in force, in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        """Add a rule and return it."""
        if fault.remaining is not None and fault.remaining < 1:
            raise ValueError("times must be at least 1 (or None for every matching request)")
        if fault.kind is not FaultKind.DELAY and not 400 <= fault.status <= 599:
            raise ValueError(f"A failing fault needs a 4xx or 5xx status, not {fault.status}")
        if fault.kind is FaultKind.DELAY and fault.seconds < 0:
            raise ValueError("A delay cannot be negative")
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> tuple[Fault | None, Fault | None]:
        """Use up the first matching delay and the first matching failure for a request.

        A request can be both delayed and failed; of several matching rules of the same sort only
        the oldest applies, so rules queue up.

        Returns:
            The delay and the failure that apply, each `None` if there is none.
        """
        with self._lock:
            delay = self._take(method, path, delays=True)
            failure = self._take(method, path, delays=False)
            self._faults = [fault for fault in self._faults if fault.remaining is None or fault.remaining > 0]
            return delay, failure

    def pending(self) -> list[Fault]:
        """Return the rules that can still apply."""
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._faults.clear()

    def _take(self, method: str, path: str, *, delays: bool) -> Fault | None:
        for fault in self._faults:
            if (fault.kind is FaultKind.DELAY) == delays and fault.matches(method, path):
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None
