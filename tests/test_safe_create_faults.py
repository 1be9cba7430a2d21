"""Fault injection: ``invoices.create`` makes at most one invoice per call, or says it cannot know.

Every combination of an API whose listing lags its writes, a create that
fails after processing, times out, answers an unreadable success, or is still
being processed when the SDK looks, and an API that accepts or refuses
duplicate references, against the fake API, wherever the API lists the
invoice within the grace period (processing and listing lag together): the
assumption the guarantee rests on. Beyond it, an API that refuses duplicate
references still never gets two.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import httpx2
import pytest

from palomma_client import CREATE_LOOKUP_GRACE_PERIOD, InvoiceOutcomeUnknownError, PalommaClient, PalommaError
from palomma_client.testing import DEFAULT_API_KEY, FAKE_BASE_URL, FakeClock, FakePalomma
from tests.spec_calls import call_taking, field, paged_call_of

REFERENCE = "RENT-2026-03-0001"

LIST_LAGS = [0.0, 2.0, CREATE_LOOKUP_GRACE_PERIOD * 0.6, CREATE_LOOKUP_GRACE_PERIOD * 0.95]
FIRST_ATTEMPT = [
    "processed-then-500",
    "processed-then-timeout",
    "processed-then-unreadable-200",
    "lost-then-timeout",
    "still-processing-1s",
    "still-processing-4s",
    "still-processing-near-grace",
]
PROCESSING = {"still-processing-1s": 1.0, "still-processing-4s": 4.0, "still-processing-near-grace": 0.9}


def _processing_seconds(first_attempt: str) -> float:
    seconds = PROCESSING.get(first_attempt, 0.0)
    return seconds * CREATE_LOOKUP_GRACE_PERIOD if first_attempt.endswith("near-grace") else seconds


def _listed_within_grace(list_lag: float, first_attempt: str) -> bool:
    return list_lag + _processing_seconds(first_attempt) < CREATE_LOOKUP_GRACE_PERIOD


COMBINATIONS = list(itertools.product(LIST_LAGS, FIRST_ATTEMPT, [False, True]))


class FaultyNetwork(httpx2.AsyncBaseTransport):
    """The fake API behind a network that spoils the first create in one way."""

    def __init__(self, fake: FakePalomma, first_attempt: str) -> None:
        self._fake = fake
        self._app = httpx2.ASGITransport(app=fake.app)
        self._first_attempt = first_attempt
        self._creates = 0
        self._pending: list[tuple[datetime, httpx2.Request]] = []

    async def _forward(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._app.handle_async_request(request)
        await response.aread()
        return response

    async def finish_due_processing(self) -> None:
        now = self._fake.clock.now()
        due = [request for when, request in self._pending if when <= now]
        self._pending = [(when, request) for when, request in self._pending if when > now]
        for request in due:
            await self._forward(request)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await self.finish_due_processing()
        if request.method != "POST":
            return await self._forward(request)
        self._creates += 1
        if self._creates > 1:
            return await self._forward(request)
        await request.aread()
        match self._first_attempt:
            case "processed-then-500":
                await self._forward(request)
                return httpx2.Response(500, json={"error": "Internal Server Error"})
            case "processed-then-timeout":
                await self._forward(request)
                raise httpx2.ReadTimeout("the answer never came", request=request)
            case "processed-then-unreadable-200":
                await self._forward(request)
                return httpx2.Response(200, content=b"<html>Gateway says OK</html>")
            case "lost-then-timeout":
                raise httpx2.ReadTimeout("the request was lost", request=request)
            case _:
                seconds = _processing_seconds(self._first_attempt)
                self._pending.append((self._fake.clock.now() + timedelta(seconds=seconds), request))
                raise httpx2.ReadTimeout("still processing", request=request)


def _invoices_with_the_reference(fake: FakePalomma) -> list[str]:
    return [invoice["id"] for invoice in fake.invoices() if invoice.get("reference") == REFERENCE]


async def _one_create(list_lag: float, first_attempt: str, accept_duplicates: bool) -> tuple[object, list[str]]:
    """Run one create against the spoilt network; return its outcome and the invoices made for it."""
    fake = FakePalomma(
        clock=FakeClock(datetime(2026, 3, 11, 16, 32, tzinfo=UTC)),
        list_lag=list_lag,
        accept_duplicate_references=accept_duplicates,
        seed=1,
    )

    async def sleep(seconds: float) -> None:
        # Backoff passes on the fake's clock, so listings catch up as they would in real time.
        fake.clock.advance(timedelta(seconds=seconds))

    # The safe create's operation, with the reference it protects; the other arguments are any its rules accept.
    # Without the list it looks the reference up in, the SDK never recovers and these tests do not apply.
    paged_call_of("listInvoices", reference=REFERENCE)
    create = call_taking("createInvoice", reference=REFERENCE)
    field(create.expected, "reference")  # what the lookup recognises the call's invoice by
    network = FaultyNetwork(fake, first_attempt)
    async with PalommaClient(DEFAULT_API_KEY, base_url=FAKE_BASE_URL, transport=network, sleep=sleep) as palomma:
        try:
            outcome: object = await create(palomma)
        except PalommaError as error:
            outcome = error
    # Let processing still under way finish, as it would on the real API, before counting.
    fake.clock.advance(timedelta(seconds=CREATE_LOOKUP_GRACE_PERIOD * 2))
    await network.finish_due_processing()
    return outcome, _invoices_with_the_reference(fake)


def _assert_one_invoice_or_unknown(outcome: object, made: list[str]) -> None:
    assert len(made) <= 1, f"{len(made)} invoices for one create call ({outcome!r})"
    if isinstance(outcome, PalommaError):
        assert isinstance(outcome, InvoiceOutcomeUnknownError), repr(outcome)
        assert outcome.reference == REFERENCE
    else:
        assert made == [getattr(outcome, "id", None)]


@pytest.mark.parametrize(
    ("list_lag", "first_attempt", "accept_duplicates"),
    [combination for combination in COMBINATIONS if _listed_within_grace(*combination[:2])],
)
async def test_at_most_one_invoice_per_create_call(
    list_lag: float, first_attempt: str, accept_duplicates: bool
) -> None:
    outcome, made = await _one_create(list_lag, first_attempt, accept_duplicates)
    _assert_one_invoice_or_unknown(outcome, made)


@pytest.mark.parametrize(
    ("list_lag", "first_attempt"),
    [combination[:2] for combination in COMBINATIONS if not combination[2]],
)
async def test_an_api_that_refuses_duplicates_never_gets_two_even_beyond_the_grace_period(
    list_lag: float, first_attempt: str
) -> None:
    outcome, made = await _one_create(list_lag * 3, first_attempt, False)
    _assert_one_invoice_or_unknown(outcome, made)


def test_the_suite_covers_lags_up_to_the_grace_period() -> None:
    assert max(LIST_LAGS) < CREATE_LOOKUP_GRACE_PERIOD
    assert min(LIST_LAGS) == 0
