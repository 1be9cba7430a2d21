"""invoices.create never creates two invoices: every retry branch, with the POSTs counted."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.utils import format_datetime

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
from palomma_client._generated.api.invoices import list_invoices
from tests.support import RecordingAPI, Sleeps, created_invoice, page_body

REFERENCE = "INV-2026-0001"
LARGEST_PAGE = list_invoices.RULES["limit"]["maximum"]
CREATE = "POST /v1/invoices"
LOOKUP = "GET /v1/invoices"
CREATED = httpx2.Response(200, json=created_invoice())
# The API's clock, as its Date header says, when it lists the example invoice: the moment it was made.
LISTED_AT = {"Date": format_datetime(datetime.fromisoformat(created_invoice()["createdAt"]), usegmt=True)}
NOT_FOUND_IN_LIST = httpx2.Response(200, json=page_body([], None), headers=LISTED_AT)
FOUND_IN_LIST = httpx2.Response(200, json=page_body([created_invoice(id="01EXISTING")], None), headers=LISTED_AT)


async def _create(palomma: PalommaClient) -> str:
    invoice = await palomma.invoices.create(
        reference=REFERENCE,
        amount=1_850_000,
        description="Canon de arrendamiento marzo 2026",
        redirect_url="https://merchant.example.com/payments/return",
        customer_document_number="900123456",
    )
    return invoice.id


def _error(status: int) -> httpx2.Response:
    return httpx2.Response(status, json={"error": "Internal Server Error" if status >= 500 else "slow down"})


async def test_a_clean_create_sends_one_post(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(CREATED)
    assert await _create(palomma) == "01HQY8EW1H9YGH5PAV5Y2M9R3T"
    assert api.methods() == [CREATE]


@pytest.mark.parametrize("failure", [httpx2.ConnectError("refused"), httpx2.ConnectTimeout("slow"), _error(429)])
async def test_failures_that_never_reached_the_server_are_retried_without_a_lookup(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, failure: Exception | httpx2.Response
) -> None:
    api.queue(failure, CREATED)
    assert await _create(palomma) == "01HQY8EW1H9YGH5PAV5Y2M9R3T"
    assert api.methods() == [CREATE, CREATE]
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
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, failure: Exception | httpx2.Response
) -> None:
    api.queue(failure, FOUND_IN_LIST)
    assert await _create(palomma) == "01EXISTING"
    assert api.methods() == [CREATE, LOOKUP]
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
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [_error(500), CREATED], [NOT_FOUND_IN_LIST])

    assert await _create(palomma) == "01HQY8EW1H9YGH5PAV5Y2M9R3T"

    methods = api.methods()
    assert methods[0] == CREATE
    assert methods[-1] == CREATE
    assert methods.count(CREATE) == 2
    assert set(methods[1:-1]) == {LOOKUP}
    assert len(methods) - 2 >= 3
    assert sum(sleeps.delays[: len(methods) - 3]) == pytest.approx(CREATE_LOOKUP_GRACE_PERIOD)


async def test_an_invoice_the_list_shows_late_is_found_and_never_created_twice(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [httpx2.ReadTimeout("no answer")], [NOT_FOUND_IN_LIST, NOT_FOUND_IN_LIST, FOUND_IN_LIST])

    assert await _create(palomma) == "01EXISTING"

    assert api.methods() == [CREATE, LOOKUP, LOOKUP, LOOKUP]
    assert 0 < sum(sleeps.delays) < CREATE_LOOKUP_GRACE_PERIOD


async def test_a_lookup_answered_with_another_reference_is_an_unknown_outcome_not_a_second_create(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.echo = False
    other = httpx2.Response(200, json=page_body([created_invoice(id="01OTHER", reference="INV-2026-0001-B")], None))
    _route(api, [_error(500), CREATED], [other])
    with pytest.raises(InvoiceOutcomeUnknownError) as caught:
        await _create(palomma)
    assert "reference 'INV-2026-0001-B', not the 'INV-2026-0001' asked for" in str(caught.value.__cause__)
    assert api.methods() == [CREATE, LOOKUP]


def _listed(invoice: dict[str, object], *, server_time: str) -> httpx2.Response:
    date = {"Date": format_datetime(datetime.fromisoformat(server_time), usegmt=True)}
    return httpx2.Response(200, json=page_body([invoice], None), headers=date)


OLD_PAID_INVOICE = created_invoice(id="01OLDPAID", amount=5_000, status="paid")


@pytest.mark.parametrize(
    "failure", [_error(503), httpx2.ReadTimeout("no answer"), httpx2.ReadError("connection reset")]
)
async def test_a_reference_held_by_another_invoice_is_raised_with_it_never_returned_as_new(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, failure: Exception | httpx2.Response
) -> None:
    _route(api, [failure, CREATED], [_listed(OLD_PAID_INVOICE, server_time=OLD_PAID_INVOICE["createdAt"])])
    with pytest.raises(ReferenceAlreadyUsedError) as caught:
        await _create(palomma)
    assert caught.value.invoice.id == "01OLDPAID"
    assert caught.value.differences == ("amount",)
    assert caught.value.reference == REFERENCE
    assert "already used by a different invoice" in str(caught.value)
    # It waited the whole grace period for this call's own invoice to show, then sent nothing more.
    assert api.methods().count(CREATE) == 1
    assert sum(sleeps.delays) == pytest.approx(CREATE_LOOKUP_GRACE_PERIOD)


async def test_an_identical_invoice_made_before_the_call_started_is_not_taken_for_its_own(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    made = datetime.fromisoformat(created_invoice()["createdAt"])
    later = (made + timedelta(seconds=CREATE_CLOCK_SKEW + 60)).isoformat()
    _route(api, [_error(500)], [_listed(created_invoice(id="01YESTERDAY"), server_time=later)])
    with pytest.raises(ReferenceAlreadyUsedError) as caught:
        await _create(palomma)
    assert caught.value.differences == ("createdAt",)
    assert api.methods().count(CREATE) == 1


async def test_an_invoice_made_within_the_clock_skew_of_the_start_is_the_calls_own(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    made = datetime.fromisoformat(created_invoice()["createdAt"])
    later = (made + timedelta(seconds=CREATE_CLOCK_SKEW - 5)).isoformat()
    _route(api, [_error(500)], [_listed(created_invoice(id="01MINE"), server_time=later)])
    assert await _create(palomma) == "01MINE"


async def test_the_calls_own_invoice_is_returned_even_when_another_holds_the_reference_too(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    both = page_body([OLD_PAID_INVOICE, created_invoice(id="01MINE")], None)
    _route(api, [_error(500)], [httpx2.Response(200, json=both, headers=LISTED_AT)])
    assert await _create(palomma) == "01MINE"
    assert api.methods() == [CREATE, LOOKUP]


@pytest.mark.parametrize(
    "unreadable",
    [httpx2.Response(200, content=b"<html>ok</html>"), httpx2.Response(200, json={"id": 7})],
    ids=["not-json", "wrong-schema"],
)
async def test_a_success_whose_body_cannot_be_read_is_looked_up_not_created_again(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, unreadable: httpx2.Response
) -> None:
    _route(api, [unreadable], [NOT_FOUND_IN_LIST, FOUND_IN_LIST])
    assert await _create(palomma) == "01EXISTING"
    assert api.methods() == [CREATE, LOOKUP, LOOKUP]


async def test_a_success_whose_invoice_never_shows_is_an_unknown_outcome_not_a_second_create(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [httpx2.Response(200, content=b"")], [NOT_FOUND_IN_LIST])

    with pytest.raises(InvoiceOutcomeUnknownError, match="the answer says it exists") as caught:
        await _create(palomma)

    assert api.methods().count(CREATE) == 1
    assert caught.value.reference == REFERENCE
    assert sum(sleeps.delays) == pytest.approx(CREATE_LOOKUP_GRACE_PERIOD)


async def test_when_the_lookup_itself_fails_the_outcome_is_reported_unknown_and_nothing_is_reposted(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.ReadTimeout("no answer"), *[_error(503)] * 3)

    with pytest.raises(InvoiceOutcomeUnknownError) as caught:
        await _create(palomma)

    assert api.methods() == [CREATE, LOOKUP, LOOKUP, LOOKUP]
    assert caught.value.reference == REFERENCE
    assert isinstance(caught.value.create_error, APITimeoutError)
    assert isinstance(caught.value.__cause__, InternalServerError)
    assert "INV-2026-0001" in str(caught.value)


async def test_a_rejected_lookup_is_also_an_unknown_outcome(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(_error(500), httpx2.Response(401, json={"error": "Invalid or missing token"}))
    with pytest.raises(InvoiceOutcomeUnknownError):
        await _create(palomma)
    assert api.methods() == [CREATE, LOOKUP]


DUPLICATE = httpx2.Response(400, json={"error": "An invoice with reference INV-2026-0001 already exists"})


async def test_after_an_ambiguous_failure_a_duplicate_rejection_keeps_looking_until_the_invoice_shows(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    lookups_before_the_second_create = [NOT_FOUND_IN_LIST] * 20
    _route(api, [httpx2.ReadTimeout("no answer"), DUPLICATE], [*lookups_before_the_second_create])
    api_default = api.default
    assert api_default is not None
    seen: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.method)
        if request.method == "GET" and seen.count("POST") == 2 and seen[-2] == "GET":
            return FOUND_IN_LIST
        return api_default(request)

    api.default = answer
    assert await _create(palomma) == "01EXISTING"
    methods = api.methods()
    assert methods.count(CREATE) == 2
    assert methods[-1] == LOOKUP


async def test_a_duplicate_rejection_whose_invoice_never_shows_is_an_unknown_outcome(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [httpx2.ReadTimeout("no answer"), DUPLICATE], [NOT_FOUND_IN_LIST])
    with pytest.raises(InvoiceOutcomeUnknownError) as caught:
        await _create(palomma)
    assert isinstance(caught.value.create_error, BadRequestError)
    assert api.methods().count(CREATE) == 2


async def test_a_first_attempt_rejection_is_raised_without_lookup(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(400, json={"error": "Amount must be an integer"}))
    with pytest.raises(BadRequestError, match="Amount must be an integer"):
        await _create(palomma)
    assert api.methods() == [CREATE]


async def test_ambiguous_failures_exhaust_the_retries_then_raise(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    _route(api, [_error(500)] * 3, [NOT_FOUND_IN_LIST])
    with pytest.raises(InternalServerError):
        await _create(palomma)
    assert api.methods().count(CREATE) == 1 + palomma.max_retries


async def test_unreached_failures_exhaust_the_retries_then_raise(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(_error(429), httpx2.ConnectError("refused"), _error(429))
    with pytest.raises(RateLimitError):
        await _create(palomma)
    assert api.methods() == [CREATE] * 3


async def test_with_no_retries_an_ambiguous_failure_is_still_resolved_by_lookup(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(_error(502), FOUND_IN_LIST)
    assert await _create(palomma.with_options(max_retries=0)) == "01EXISTING"

    api.queue(httpx2.ConnectError("refused"))
    with pytest.raises(APIConnectionError):
        await _create(palomma.with_options(max_retries=0))
    assert api.methods() == [CREATE, LOOKUP, CREATE]


async def test_safe_create_decisions_are_logged_at_info(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    _route(api, [_error(500), _error(503)], [NOT_FOUND_IN_LIST])
    with caplog.at_level(logging.INFO, logger="palomma_client"):
        original = api.default
        assert original is not None
        api.default = lambda request: FOUND_IN_LIST if api.methods().count(CREATE) == 2 else original(request)
        assert await _create(palomma) == "01EXISTING"
    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.INFO]
    assert messages[0] == (
        "createInvoice (POST /invoices) failed with InternalServerError and may have reached the API; "
        "looking reference 'INV-2026-0001' up"
    )
    assert messages[1] == (
        f"nothing with reference 'INV-2026-0001' is listed after {CREATE_LOOKUP_GRACE_PERIOD:.1f}s; "
        "the create did not take effect"
    )
    assert messages[2].startswith("retrying createInvoice (POST /invoices) in ")
    assert messages[-1] == (
        "reference 'INV-2026-0001' already exists as 01EXISTING; returning it instead of creating another"
    )


async def test_find_by_reference(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(FOUND_IN_LIST, NOT_FOUND_IN_LIST)
    found = await palomma.invoices.find_by_reference(REFERENCE)
    assert found is not None
    assert found.id == "01EXISTING"
    assert await palomma.invoices.find_by_reference("INV-404") is None
    assert (
        str(api.requests[1].url)
        == f"https://sandbox.api.palomma.com/v1/invoices?reference=INV-404&limit={LARGEST_PAGE}"
    )
