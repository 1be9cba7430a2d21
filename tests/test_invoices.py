"""invoices.create never creates two invoices: every retry branch, with the POSTs counted."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx2
import pytest

from palomma_client import (
    CREATE_LOOKUP_GRACE_PERIOD,
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    InvoiceOutcomeUnknownError,
    PalommaClient,
    RateLimitError,
    ReferenceAlreadyUsedError,
)
from palomma_client._constants import CREATE_CLOCK_SKEW
from palomma_client._generated.api import OPERATIONS
from tests.spec_calls import PagedCall, SpecCall, call_taking, field, paged_call_of
from tests.support import SANDBOX, RecordingAPI, Sleeps

REFERENCE = "INV-2026-0001"


@dataclasses.dataclass(frozen=True)
class SafeCreate:
    """The safe create's two operations as the spec has them, and the answers a test scripts for them.

    Attributes:
        create: The create (``createInvoice``) of the reference ``REFERENCE``.
        lookup: The list the SDK looks a reference up in (``listInvoices``).
        created: The create's documented answer, about what it asked for.
    """

    create: SpecCall
    lookup: PagedCall
    created: dict[str, Any]

    @property
    def post(self) -> str:
        """The create's request line."""
        return self.create.line

    @property
    def lookup_line(self) -> str:
        """A lookup's request line."""
        return self.lookup.line

    @property
    def created_answer(self) -> httpx2.Response:
        """The create's success, about what it asked for."""
        return self.create.ok()

    @property
    def created_id(self) -> Any:
        """The id of the invoice the create's success holds."""
        return field(self.create.expected, "id")

    def invoice(self, **changes: Any) -> dict[str, Any]:
        """The created invoice's JSON, with ``changes``."""
        return {**self.created, **changes}

    def listed(self, *invoices: dict[str, Any], server_time: str | None = None) -> httpx2.Response:
        """A lookup's page of ``invoices``, the API's clock (its Date header) at ``server_time``."""
        when = datetime.fromisoformat(server_time or self.created_at)
        return self.lookup.page_of(invoices, None, Date=format_datetime(when, usegmt=True))

    @property
    def created_at(self) -> str:
        """When the created invoice was made, as the API writes it; the safe create compares the API's clock with it."""
        if "createdAt" not in self.created:
            pytest.skip("the spec's created invoice has no 'createdAt'")
        return str(self.created["createdAt"])

    @property
    def not_found_in_list(self) -> httpx2.Response:
        """A lookup that finds nothing, the API's clock at the moment the created invoice was made."""
        return self.listed()

    @property
    def found_in_list(self) -> httpx2.Response:
        """A lookup that finds the created invoice under the id ``01EXISTING``."""
        return self.listed(self.invoice(id="01EXISTING"))


@pytest.fixture
def safe() -> SafeCreate:
    """The safe create's operations; the test skips, naming it, when the spec lacks one it needs."""
    create = call_taking("createInvoice", reference=REFERENCE)
    lookup = paged_call_of("listInvoices", reference=REFERENCE)
    # The lookup recognises the call's invoice by the reference it carries.
    field(create.expected, "reference")
    created = create.body
    assert isinstance(created, dict), "createInvoice answers an invoice object"
    return SafeCreate(create, lookup, created)


async def _create(safe: SafeCreate, palomma: PalommaClient) -> Any:
    return field(await safe.create(palomma), "id")


def _error(status: int) -> httpx2.Response:
    return httpx2.Response(status, json={"error": "Internal Server Error" if status >= 500 else "slow down"})


async def test_a_clean_create_sends_one_post(safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(safe.created_answer)
    assert await _create(safe, palomma) == safe.created_id
    assert api.methods() == [safe.post]


@pytest.mark.parametrize("failure", [httpx2.ConnectError("refused"), httpx2.ConnectTimeout("slow"), _error(429)])
async def test_failures_that_never_reached_the_server_are_retried_without_a_lookup(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, failure: Exception | httpx2.Response
) -> None:
    api.queue(failure, safe.created_answer)
    assert await _create(safe, palomma) == safe.created_id
    assert api.methods() == [safe.post, safe.post]
    assert api.requests[0].content == api.requests[1].content
    assert len(sleeps.delays) == 1


@pytest.mark.backends
@pytest.mark.parametrize(
    "failure",
    [
        _error(500),
        _error(502),
        _error(503),
        _error(408),
        httpx2.ReadTimeout("no answer"),
        httpx2.RemoteProtocolError("server disconnected"),
        httpx2.ReadError("connection reset"),
        httpx2.WriteTimeout("slow upload"),
    ],
)
async def test_an_ambiguous_failure_returns_the_invoice_that_exists(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, failure: Exception | httpx2.Response
) -> None:
    api.queue(failure, safe.found_in_list)
    assert await _create(safe, palomma) == "01EXISTING"
    assert api.methods() == [safe.post, safe.lookup_line]
    assert api.requests[1].url.params["reference"] == REFERENCE
    assert sleeps.delays == []


def _route(api: RecordingAPI, posts: list[Exception | httpx2.Response], lookups: list[httpx2.Response]) -> None:
    """Answer the creates from ``posts`` and the lookups from ``lookups``, the last one repeating."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.method == "POST":
            outcome = posts.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        return lookups.pop(0) if len(lookups) > 1 else lookups[0]

    api.default = answer


async def test_an_ambiguous_failure_with_no_invoice_keeps_looking_for_the_grace_period_then_creates(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [_error(500), safe.created_answer], [safe.not_found_in_list])

    assert await _create(safe, palomma) == safe.created_id

    methods = api.methods()
    assert methods[0] == safe.post
    assert methods[-1] == safe.post
    assert methods.count(safe.post) == 2
    assert set(methods[1:-1]) == {safe.lookup_line}
    assert len(methods) - 2 >= 3
    assert sum(sleeps.delays[: len(methods) - 3]) == pytest.approx(CREATE_LOOKUP_GRACE_PERIOD)


async def test_an_invoice_the_list_shows_late_is_found_and_never_created_twice(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [httpx2.ReadTimeout("no answer")], [safe.not_found_in_list, safe.not_found_in_list, safe.found_in_list])

    assert await _create(safe, palomma) == "01EXISTING"

    assert api.methods() == [safe.post, safe.lookup_line, safe.lookup_line, safe.lookup_line]
    assert 0 < sum(sleeps.delays) < CREATE_LOOKUP_GRACE_PERIOD


async def test_a_lookup_answered_with_another_reference_is_an_unknown_outcome_not_a_second_create(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.echo = False
    other = safe.lookup.page_of([safe.invoice(id="01OTHER", reference="INV-2026-0001-B")], None)
    _route(api, [_error(500), safe.created_answer], [other])
    with pytest.raises(InvoiceOutcomeUnknownError) as caught:
        await _create(safe, palomma)
    assert "reference 'INV-2026-0001-B', not the 'INV-2026-0001' asked for" in str(caught.value.__cause__)
    assert api.methods() == [safe.post, safe.lookup_line]


def _old_invoice(safe: SafeCreate) -> dict[str, Any]:
    """An invoice made earlier with the reference and another amount."""
    amount = safe.created.get("amount")
    if not isinstance(amount, int | float):
        pytest.skip("the spec's created invoice has no numeric 'amount'")
    return safe.invoice(id="01OLDPAID", amount=amount + 5_000)


@pytest.mark.parametrize(
    "failure", [_error(503), httpx2.ReadTimeout("no answer"), httpx2.ReadError("connection reset")]
)
async def test_a_reference_held_by_another_invoice_is_raised_with_it_never_returned_as_new(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, failure: Exception | httpx2.Response
) -> None:
    _route(api, [failure, safe.created_answer], [safe.listed(_old_invoice(safe))])
    with pytest.raises(ReferenceAlreadyUsedError) as caught:
        await _create(safe, palomma)
    assert field(caught.value.invoice, "id") == "01OLDPAID"
    assert caught.value.differences == ("amount",)
    assert caught.value.reference == REFERENCE
    assert "already used by a different invoice" in str(caught.value)
    # It waited the whole grace period for this call's own invoice to show, then sent nothing more.
    assert api.methods().count(safe.post) == 1
    assert sum(sleeps.delays) == pytest.approx(CREATE_LOOKUP_GRACE_PERIOD)


async def test_an_identical_invoice_made_before_the_call_started_is_not_taken_for_its_own(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    made = datetime.fromisoformat(safe.created_at)
    later = (made + timedelta(seconds=CREATE_CLOCK_SKEW + 60)).isoformat()
    _route(api, [_error(500)], [safe.listed(safe.invoice(id="01YESTERDAY"), server_time=later)])
    with pytest.raises(ReferenceAlreadyUsedError) as caught:
        await _create(safe, palomma)
    assert caught.value.differences == ("createdAt",)
    assert api.methods().count(safe.post) == 1


async def test_an_invoice_made_within_the_clock_skew_of_the_start_is_the_calls_own(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    made = datetime.fromisoformat(safe.created_at)
    later = (made + timedelta(seconds=CREATE_CLOCK_SKEW - 5)).isoformat()
    _route(api, [_error(500)], [safe.listed(safe.invoice(id="01MINE"), server_time=later)])
    assert await _create(safe, palomma) == "01MINE"


async def test_the_calls_own_invoice_is_returned_even_when_another_holds_the_reference_too(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [_error(500)], [safe.listed(_old_invoice(safe), safe.invoice(id="01MINE"))])
    assert await _create(safe, palomma) == "01MINE"
    assert api.methods() == [safe.post, safe.lookup_line]


@pytest.mark.parametrize(
    "unreadable",
    [httpx2.Response(200, content=b"<html>ok</html>"), httpx2.Response(200, json={"id": 7})],
    ids=["not-json", "wrong-schema"],
)
async def test_a_success_whose_body_cannot_be_read_is_looked_up_not_created_again(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, unreadable: httpx2.Response
) -> None:
    _route(api, [unreadable], [safe.not_found_in_list, safe.found_in_list])
    assert await _create(safe, palomma) == "01EXISTING"
    assert api.methods() == [safe.post, safe.lookup_line, safe.lookup_line]


async def test_a_success_whose_invoice_never_shows_is_an_unknown_outcome_not_a_second_create(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [httpx2.Response(200, content=b"")], [safe.not_found_in_list])

    with pytest.raises(InvoiceOutcomeUnknownError, match="the answer says it exists") as caught:
        await _create(safe, palomma)

    assert api.methods().count(safe.post) == 1
    assert caught.value.reference == REFERENCE
    assert sum(sleeps.delays) == pytest.approx(CREATE_LOOKUP_GRACE_PERIOD)


async def test_when_the_lookup_itself_fails_the_outcome_is_reported_unknown_and_nothing_is_reposted(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.ReadTimeout("no answer"), *[_error(503)] * 3)

    with pytest.raises(InvoiceOutcomeUnknownError) as caught:
        await _create(safe, palomma)

    assert api.methods() == [safe.post, safe.lookup_line, safe.lookup_line, safe.lookup_line]
    assert caught.value.reference == REFERENCE
    assert isinstance(caught.value.create_error, APITimeoutError)
    assert isinstance(caught.value.__cause__, InternalServerError)
    assert "INV-2026-0001" in str(caught.value)


async def test_a_rejected_lookup_is_also_an_unknown_outcome(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(_error(500), httpx2.Response(401, json={"error": "Invalid or missing token"}))
    with pytest.raises(InvoiceOutcomeUnknownError):
        await _create(safe, palomma)
    assert api.methods() == [safe.post, safe.lookup_line]


DUPLICATE = httpx2.Response(400, json={"error": "An invoice with reference INV-2026-0001 already exists"})


async def test_after_an_ambiguous_failure_a_duplicate_rejection_keeps_looking_until_the_invoice_shows(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    lookups_before_the_second_create = [safe.not_found_in_list] * 20
    _route(api, [httpx2.ReadTimeout("no answer"), DUPLICATE], [*lookups_before_the_second_create])
    api_default = api.default
    assert api_default is not None
    seen: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.method)
        if request.method == "GET" and seen.count("POST") == 2 and seen[-2] == "GET":
            return safe.found_in_list
        return api_default(request)

    api.default = answer
    assert await _create(safe, palomma) == "01EXISTING"
    methods = api.methods()
    assert methods.count(safe.post) == 2
    assert methods[-1] == safe.lookup_line


async def test_a_duplicate_rejection_whose_invoice_never_shows_is_an_unknown_outcome(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [httpx2.ReadTimeout("no answer"), DUPLICATE], [safe.not_found_in_list])
    with pytest.raises(InvoiceOutcomeUnknownError) as caught:
        await _create(safe, palomma)
    assert isinstance(caught.value.create_error, BadRequestError)
    assert api.methods().count(safe.post) == 2


async def test_a_first_attempt_rejection_is_raised_without_lookup(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(400, json={"error": "Amount must be an integer"}))
    with pytest.raises(BadRequestError, match="Amount must be an integer"):
        await _create(safe, palomma)
    assert api.methods() == [safe.post]


async def test_ambiguous_failures_exhaust_the_retries_then_raise(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [_error(500)] * 3, [safe.not_found_in_list])
    with pytest.raises(InternalServerError):
        await _create(safe, palomma)
    assert api.methods().count(safe.post) == 1 + palomma.max_retries


async def test_unreached_failures_exhaust_the_retries_then_raise(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(_error(429), httpx2.ConnectError("refused"), _error(429))
    with pytest.raises(RateLimitError):
        await _create(safe, palomma)
    assert api.methods() == [safe.post] * 3


async def test_with_no_retries_an_ambiguous_failure_is_still_resolved_by_lookup(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(_error(502), safe.found_in_list)
    assert await _create(safe, palomma.with_options(max_retries=0)) == "01EXISTING"

    api.queue(httpx2.ConnectError("refused"))
    with pytest.raises(APIConnectionError):
        await _create(safe, palomma.with_options(max_retries=0))
    assert api.methods() == [safe.post, safe.lookup_line, safe.post]


async def test_safe_create_decisions_are_logged_at_info(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    _route(api, [_error(500), _error(503)], [safe.not_found_in_list])
    with caplog.at_level(logging.INFO, logger="palomma_client"):
        original = api.default
        assert original is not None
        api.default = lambda request: safe.found_in_list if api.methods().count(safe.post) == 2 else original(request)
        assert await _create(safe, palomma) == "01EXISTING"
    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.INFO]
    operation = f"{safe.create.operation_id} ({safe.create.http_method} {OPERATIONS[safe.create.operation_id].PATH})"
    assert messages[0] == (
        f"{operation} failed with InternalServerError and may have reached the API; "
        "looking reference 'INV-2026-0001' up"
    )
    assert messages[1] == (
        f"nothing with reference 'INV-2026-0001' is listed after {CREATE_LOOKUP_GRACE_PERIOD:.1f}s; "
        "the create did not take effect"
    )
    assert messages[2].startswith(f"retrying {operation} in ")
    assert messages[-1] == (
        "reference 'INV-2026-0001' already exists as 01EXISTING; returning it instead of creating another"
    )


async def test_find_by_reference(safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI) -> None:
    largest_page = OPERATIONS[safe.lookup.call.operation_id].RULES.get("limit", {}).get("maximum")
    if largest_page is None:
        pytest.skip(f"the spec's {safe.lookup.call.operation_id!r} has no largest page (a 'limit' maximum)")
    api.queue(safe.found_in_list, safe.not_found_in_list)
    found = await palomma.invoices.find_by_reference(REFERENCE)
    assert found is not None
    assert field(found, "id") == "01EXISTING"
    assert await palomma.invoices.find_by_reference("INV-404") is None
    assert str(api.requests[1].url) == f"{SANDBOX}{safe.lookup.call.path}?reference=INV-404&limit={largest_page}"


async def test_a_create_sent_again_after_the_grace_period_carries_the_first_attempts_idempotency_key(
    safe: SafeCreate, palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    # As generated for a spec whose create declares an `Idempotency-Key` header: the API then answers
    # the second send with the first one's invoice, should the first have taken effect after all.
    operation = OPERATIONS[safe.create.operation_id]
    keyed = dataclasses.replace(operation.build_request(**safe.create.arguments), idempotency_header="Idempotency-Key")
    _route(api, [_error(500), safe.created_answer], [safe.not_found_in_list])

    created = await palomma._requester.send(keyed, operation.parse_response)

    assert field(created, "id") == safe.created_id
    posts = [request for request in api.requests if request.method == "POST"]
    first, second = (request.headers.get("idempotency-key") for request in posts)
    assert first is not None
    assert second == first
