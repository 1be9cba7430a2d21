"""Retry policies named for the operations that need one; every other operation gets the safe default.

The default (``_retry.may_retry``) never sends a non-GET request again after
a failure that may have reached the server. Creating an invoice is such a
request, and retrying it blindly could bill a tenant twice; but the API keys
invoices by the merchant's ``reference`` and lists them by it, so a create
can be recovered: look the reference up first, and only create again when
nothing was made. The policy reads the key from the request the generated
code built, so it restates none of the operation's fields.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, TypeVar

from palomma_client._base_client import Sent
from palomma_client._constants import LOGGER_NAME
from palomma_client._exceptions import (
    APIConnectionError,
    APIStatusError,
    BadRequestError,
    ConflictError,
    InvoiceOutcomeUnknownError,
    PalommaError,
)
from palomma_client._generated.api import OPERATIONS
from palomma_client._request import ApiRequest, RequestOptions
from palomma_client._retry import is_retryable, reached_server

if TYPE_CHECKING:
    from palomma_client._base_client import APIRequester, OperationPolicy
    from palomma_client._resource import ParseResponse

__all__ = ["OPERATION_POLICIES", "CreateOnceByReference"]

logger = logging.getLogger(LOGGER_NAME)

T = TypeVar("T")


class CreateOnceByReference:
    """Create a resource at most once per call, recovering ambiguous failures by looking its key up.

    A failure that provably never reached the server (no connection, a 429)
    is simply retried. One that may have reached it (a timeout while waiting
    for the answer, a dropped connection, a 408 or 5xx) is retried only after
    the lookup operation finds no resource with the request's key; if one
    exists, it is returned instead of creating another. After such an
    ambiguous attempt, a 400 or 409 may be the API refusing a duplicate key,
    so it is looked up once more. A lookup that fails raises
    ``InvoiceOutcomeUnknownError`` rather than risking a second create.

    Args:
        key: The name of the field that keys the resource, both in the create's
            JSON body and as the lookup operation's filter argument.
        lookup_operation: The operationId of a paginated list that filters on ``key``.
    """

    __slots__ = ("_key", "_lookup_operation")

    def __init__(self, *, key: str, lookup_operation: str) -> None:
        self._key = key
        self._lookup_operation = lookup_operation

    async def send(
        self, requester: APIRequester, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions
    ) -> Sent[T]:
        key = request.json[self._key] if isinstance(request.json, dict) else None
        if not isinstance(key, str):
            return await requester.send_with_retries(request, parse, options)
        allowed = requester.max_retries(options)
        started = time.perf_counter()
        maybe_created = False
        retries = 0
        while True:
            try:
                value, response = await requester.attempt(request, parse, options, attempt=retries + 1)
                return Sent(value, response, retries, time.perf_counter() - started)
            except (APIConnectionError, APIStatusError) as error:
                recheck_rejection = maybe_created and isinstance(error, BadRequestError | ConflictError)
                if not recheck_rejection and not is_retryable(error):
                    raise
                if recheck_rejection or reached_server(error):
                    maybe_created = True
                    existing = await self._recover(requester, request, key, error, options)
                    if existing is not None:
                        return Sent(existing.value, existing.response, retries, time.perf_counter() - started)
                    if recheck_rejection:
                        raise
                if retries >= allowed:
                    raise
                await requester.wait_before_retry(request, retries, allowed, error)
                retries += 1

    async def _recover(
        self, requester: APIRequester, request: ApiRequest, key: str, error: PalommaError, options: RequestOptions
    ) -> Sent[Any] | None:
        logger.info(
            "%s failed with %s and may have reached the API; looking %s %r up",
            request.describe(),
            type(error).__name__,
            self._key,
            key,
        )
        try:
            existing = await self.find(requester, key, options)
        except PalommaError as lookup_error:
            logger.warning("could not look %s %r up after an ambiguous create: %s", self._key, key, lookup_error)
            raise InvoiceOutcomeUnknownError(key, error) from lookup_error
        if existing is None:
            logger.info("nothing with %s %r exists yet; the create did not take effect", self._key, key)
        else:
            logger.info(
                "%s %r already exists as %s; returning it instead of creating another",
                self._key,
                key,
                getattr(existing.value, "id", "an existing resource"),
            )
        return existing

    async def find(self, requester: APIRequester, key: str, options: RequestOptions) -> Sent[Any] | None:
        """The resource whose ``key`` field is ``key``, or ``None``: one page of the lookup operation."""
        operation = OPERATIONS[self._lookup_operation]
        lookup = operation.build_request(**{self._key: key})
        # The lookup is a read: the create's own body and retry count do not apply to it.
        read_options = RequestOptions(extra_headers=options.extra_headers, timeout=options.timeout)
        sent = await requester.send_for_raw(lookup, operation.parse_response, read_options)
        page = operation.page_of(sent.value)
        found = next((item for item in page.items if item.to_dict().get(self._key) == key), None)
        return None if found is None else Sent(found, sent.response, sent.retries_taken, sent.elapsed)


OPERATION_POLICIES: dict[str, OperationPolicy] = {
    "createInvoice": CreateOnceByReference(key="reference", lookup_operation="listInvoices"),
}
"""The operations that are sent by a policy of their own, by operationId."""
