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

import datetime
import email.utils
import logging
import time
from typing import TYPE_CHECKING, Any, TypeVar

from palomma_client._constants import (
    CREATE_CLOCK_SKEW,
    INITIAL_RETRY_DELAY,
    LOGGER_NAME,
    MAX_RETRY_DELAY,
)
from palomma_client._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    ConflictError,
    FeatureUnavailableError,
    InvoiceOutcomeUnknownError,
    PalommaError,
    ReferenceAlreadyUsedError,
    ResponseTooLargeError,
)
from palomma_client._features import Argument, Feature, Field, Operation
from palomma_client._generated.api import OPERATIONS
from palomma_client._logging import call_fields
from palomma_client._matching import differing_fields
from palomma_client._request import ApiRequest, HTTPResponse, ParseResponse, RequestOptions, Sent
from palomma_client._retry import is_retryable, reached_server

if TYPE_CHECKING:
    from palomma_client._base_client import APIRequester, OperationPolicy

__all__ = ["OPERATION_POLICIES", "CreateOnceByReference"]

logger = logging.getLogger(LOGGER_NAME)

T = TypeVar("T")


class CreateOnceByReference:
    """Create a resource at most once per call, recovering ambiguous failures by looking its key up.

    A failure that provably never reached the server (no connection, a 429)
    is simply retried. After one that may have reached it (a timeout while
    waiting for the answer, a dropped connection, a 408 or 5xx), the key is
    looked up, again and again with backoff for up to ``grace_period``
    seconds, since the API may list a new resource late or still be
    processing the create; only when none shows up is the create sent again.
    A success whose body cannot be read (or that answers another request),
    and a 400 or 409 after an ambiguous attempt (the API refusing a duplicate
    key), mean the resource exists: it is looked up for the same period and
    returned, or, if it never shows, ``InvoiceOutcomeUnknownError`` is
    raised. So is it when a lookup fails: the policy never risks a second create.

    A resource the lookup finds is this call's only when it matches the
    request: every field the request sent that the resource also carries is
    equal, and its creation time (``created_field``) is not before the call
    started, less ``CREATE_CLOCK_SKEW``. One that holds the key but does not
    match was made by someone else: the policy keeps looking for its own
    until the grace period is spent, then raises ``ReferenceAlreadyUsedError``
    carrying it, and never creates another under the same key.

    Guarantee: never more than one invoice per call, even when retrying, and
    never an invoice other than the one asked for. After a failure that may
    have reached the API, the reference is looked up (for up to the client's
    ``lookup_grace_period``, 10 s by default) and an invoice found is returned
    instead of creating another, only if its fields and creation time match
    the request; one that does not is raised as ``ReferenceAlreadyUsedError``;
    when the outcome cannot be known, ``InvoiceOutcomeUnknownError`` is raised
    and nothing is sent again. This rests on one assumption: the API lists an
    invoice it created within the grace period of the failure. An API that
    also refuses duplicate references never gets two even when that
    assumption fails.

    Args:
        key: The name of the field that keys the resource, both in the create's
            JSON body and as the lookup operation's filter argument.
        lookup_operation: The operationId of a paginated list that filters on ``key``.
        created_field: The JSON name of the resource's creation time (ISO 8601), if it has one.

    The grace period is the client's ``lookup_grace_period`` (``CREATE_LOOKUP_GRACE_PERIOD`` by default).

    Should the spec lose the lookup operation or its ``key`` filter, or the
    create its ``key`` field, or the resources listed (``listed_model``) the
    field that shows their key (a lookup would then never find one and could
    not tell "not made" from "made"), the create is sent by the default rule instead,
    which never sends it again after a failure that may have reached the API:
    still never two invoices, but no recovery (such a failure is an
    ``InvoiceOutcomeUnknownError`` caused by the ``FeatureUnavailableError``
    naming what is gone); ``make generate`` says so.
    """

    __slots__ = ("_created_field", "_key", "_lookup", "_lookup_operation")

    def __init__(
        self, *, key: str, lookup_operation: str, listed_model: str | None = None, created_field: str | None = None
    ) -> None:
        self._key = key
        self._lookup_operation = lookup_operation
        self._created_field = created_field
        needs: list[Operation | Argument | Field] = [Operation(lookup_operation), Argument(lookup_operation, key)]
        if listed_model is not None:
            needs.append(Field(listed_model, key))
        self._lookup = Feature(f"looking a create up by its {key}", *needs)

    @property
    def key(self) -> str:
        """The field that keys the resource: in the create's body, and as the lookup's filter."""
        return self._key

    @property
    def lookup(self) -> Feature:
        """The recovery by lookup, as a feature: what it needs of the spec, and what of that is missing."""
        return self._lookup

    @property
    def recovers(self) -> bool:
        """Whether the spec still has all the lookup needs: otherwise creates are sent by the default rule."""
        return not self._lookup.missing

    @property
    def lookup_operation(self) -> str:
        """The operationId of the listing that looks the key up."""
        return self._lookup_operation

    async def send(
        self, requester: APIRequester, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions
    ) -> Sent[T]:
        key = request.json.get(self._key) if isinstance(request.json, dict) else None
        if not isinstance(key, str):
            return await requester.send_with_retries(request, parse, options)
        if self._lookup.missing:
            return await self._send_without_lookup(requester, request, parse, options, key)
        allowed = requester.max_retries(options)
        started = time.perf_counter()
        ambiguous = False
        retries = 0
        while True:
            try:
                value, response = await requester.attempt(request, parse, options, attempt=retries + 1)
                return Sent(value, response, retries, time.perf_counter() - started)
            except (APIConnectionError, APIStatusError, APIResponseValidationError, ResponseTooLargeError) as error:
                # A 2xx with an unreadable body, or a refusal after an ambiguous attempt: it exists.
                exists = isinstance(error, APIResponseValidationError | ResponseTooLargeError) or (
                    ambiguous and isinstance(error, BadRequestError | ConflictError)
                )
                if not exists and not is_retryable(error):
                    raise
                if exists or reached_server(error):
                    ambiguous = True
                    lookup = _Lookup(request, key, error, started, exists=exists)
                    found = await self._look_up(requester, lookup, options, attempt=retries + 1)
                    if found is not None:
                        return Sent(found.value, found.response, retries, time.perf_counter() - started)
                    if exists:
                        raise InvoiceOutcomeUnknownError(
                            key,
                            error,
                            f"no lookup found it within {requester.settings.lookup_grace_period:g} s, "
                            "though the answer says it exists",
                        ) from error
                if retries >= allowed:
                    raise
                await requester.wait_before_retry(request, retries, allowed, error)
                retries += 1

    async def _send_without_lookup(
        self, requester: APIRequester, request: ApiRequest, parse: ParseResponse[T], options: RequestOptions, key: str
    ) -> Sent[T]:
        """Send by the default rule (never again after a failure that may have reached the API), for a spec
        without the lookup; a failure that leaves the outcome open says so, rather than inviting a blind retry."""
        try:
            return await requester.send_with_retries(request, parse, options)
        except (APIConnectionError, APIStatusError, APIResponseValidationError, ResponseTooLargeError) as error:
            exists = isinstance(error, APIResponseValidationError | ResponseTooLargeError)
            if not (exists or (is_retryable(error) and reached_server(error))):
                raise
            unavailable = FeatureUnavailableError(self._lookup.name, self._lookup.missing)
            reason = f"the API's spec this SDK was generated from no longer lets it look a {self._key} up"
            raise InvoiceOutcomeUnknownError(key, error, reason, can_look_up=False) from unavailable

    async def _look_up(
        self, requester: APIRequester, lookup: _Lookup, options: RequestOptions, *, attempt: int
    ) -> Sent[Any] | None:
        """Look the key up until this call's resource is found, or the grace period is spent in backoff.

        Each lookup is a call of its own (its own span, below the create's), logged with the create's attempt.

        Raises:
            InvoiceOutcomeUnknownError: A lookup failed.
            ReferenceAlreadyUsedError: Only resources that do not match the request hold the key.
        """
        key, error = lookup.key, lookup.error
        fields = call_fields(lookup.request, attempt, error)
        logger.info(
            "%s failed with %s and %s; looking %s %r up",
            lookup.request.describe(),
            type(error).__name__,
            "the resource exists" if lookup.exists else "may have reached the API",
            self._key,
            key,
            extra=fields,
        )
        grace_period = requester.settings.lookup_grace_period
        waited = 0.0
        delay = INITIAL_RETRY_DELAY
        foreign: tuple[Any, list[str]] | None = None
        while True:
            try:
                found = await self.find_all(requester, key, options)
            except PalommaError as lookup_error:
                logger.warning(
                    "could not look %s %r up after an ambiguous create: %s",
                    self._key,
                    key,
                    lookup_error,
                    extra=fields,
                )
                raise InvoiceOutcomeUnknownError(key, error) from lookup_error
            for item in found.value:
                differences = self._differences(lookup, item, found.response)
                if not differences:
                    logger.info(
                        "%s %r already exists as %s; returning it instead of creating another",
                        self._key,
                        key,
                        getattr(item, "id", "an existing resource"),
                        extra=call_fields(lookup.request, attempt, found.response),
                    )
                    return Sent(item, found.response, found.retries_taken, found.elapsed)
                foreign = (item, differences)
            if waited >= grace_period:
                if foreign is not None:
                    raise ReferenceAlreadyUsedError(key, foreign[0], foreign[1], error) from error
                logger.info(
                    "nothing with %s %r is listed after %.1fs; the create did not take effect",
                    self._key,
                    key,
                    waited,
                    extra=fields,
                )
                return None
            step = min(delay, grace_period - waited)
            await requester.settings.sleep(step)
            waited += step
            delay = min(delay * 2, MAX_RETRY_DELAY)

    def _differences(self, lookup: _Lookup, item: Any, response: HTTPResponse) -> list[str]:
        """The fields in which a resource holding the key is not the one this call asked for."""
        answered: dict[str, Any] = item.to_dict()
        differences = differing_fields(lookup.request.json, answered)
        field = self._created_field
        if field is not None and field in answered and not lookup.created_since_start(answered[field], response):
            differences.append(field)
        return differences

    async def find_all(self, requester: APIRequester, key: str, options: RequestOptions) -> Sent[list[Any]]:
        """Every resource whose ``key`` field is ``key``: one page of the lookup operation."""
        operation = OPERATIONS[self._lookup_operation]
        lookup = operation.build_request(**{self._key: key})
        # The lookup is a read: the create's own body and retry count do not apply to it.
        read_options = RequestOptions(extra_headers=options.extra_headers, timeout=options.timeout)
        sent = await requester.send_for_raw(lookup, operation.parse_response, read_options)
        page = operation.page_of(sent.value)
        found = [item for item in page.items if item.to_dict().get(self._key) == key]
        return Sent(found, sent.response, sent.retries_taken, sent.elapsed)


class _Lookup:
    """One recovery of an ambiguous create: what was sent, what failed, and when the call started."""

    __slots__ = ("error", "exists", "key", "request", "started")

    def __init__(self, request: ApiRequest, key: str, error: PalommaError, started: float, *, exists: bool) -> None:
        self.request = request
        self.key = key
        self.error = error
        self.started = started  # time.perf_counter() when the call started
        self.exists = exists

    def created_since_start(self, created: object, response: HTTPResponse) -> bool:
        """Whether a creation time is no earlier than the call's start, give or take ``CREATE_CLOCK_SKEW``.

        The start is read on the API's own clock where its answer says the
        time (``Date``), less the seconds measured here since the call began;
        else on this machine's clock. An unreadable time matches nothing.
        """
        if not isinstance(created, str):
            return False
        try:
            moment = datetime.datetime.fromisoformat(created)
        except ValueError:
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        since_start = time.perf_counter() - self.started
        now = _server_time(response) or datetime.datetime.now(datetime.UTC)
        started = now - datetime.timedelta(seconds=since_start + CREATE_CLOCK_SKEW)
        return moment >= started


def _server_time(response: HTTPResponse) -> datetime.datetime | None:
    date = response.headers.get("date")
    if not date:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


OPERATION_POLICIES: dict[str, OperationPolicy] = {
    "createInvoice": CreateOnceByReference(
        key="reference", lookup_operation="listInvoices", listed_model="Invoice", created_field="createdAt"
    ),
}
"""The operations that are sent by a policy of their own, by operationId."""
