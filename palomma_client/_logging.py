"""``PALOMMA_LOG=debug`` (or ``info``) turns on the SDK's log lines on stderr.

Without it the SDK's logger has a ``NullHandler``, as a library's should: an
application that configured no logging sees nothing from the SDK, not
Python's last-resort warnings on stderr.

Every record the SDK logs about a call carries, as attributes a JSON
formatter can read, ``palomma_operation_id``, ``palomma_attempt`` and
``palomma_request_id`` (the API's ``x-request-id``, ``None`` until an answer
brings one).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from palomma_client._exceptions import REQUEST_ID_HEADER, APIStatusError

if TYPE_CHECKING:
    from palomma_client._request import ApiRequest, HTTPResponse

__all__ = ["call_fields", "setup_logging_from_environment"]


def call_fields(request: ApiRequest, attempt: int, answer: HTTPResponse | BaseException | None) -> dict[str, object]:
    """The ``extra=`` of a record about one attempt of a call: which operation, which attempt, which request id.

    Args:
        request: The call's request.
        attempt: The attempt the record is about, 1 for the first.
        answer: What the attempt brought: a response, an error (an HTTP error carries the id), or nothing yet.

    Returns:
        The record's extra attributes.
    """
    request_id: str | None = None
    if isinstance(answer, APIStatusError):
        request_id = answer.request_id
    elif answer is not None and not isinstance(answer, BaseException):
        request_id = answer.header(REQUEST_ID_HEADER)
    return {
        "palomma_operation_id": request.operation_id,
        "palomma_attempt": attempt,
        "palomma_request_id": request_id,
    }


logger = logging.getLogger("palomma_client")
logger.addHandler(logging.NullHandler())


def setup_logging_from_environment() -> None:
    """Attach a stderr handler to the ``palomma_client`` logger when ``PALOMMA_LOG`` asks for one."""
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(os.environ.get("PALOMMA_LOG", "").strip().lower())
    if level is None or any(getattr(handler, "_palomma", False) for handler in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler._palomma = True  # type: ignore[attr-defined]  # noqa: SLF001  # marks the handler as the SDK's own
    handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s %(name)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
