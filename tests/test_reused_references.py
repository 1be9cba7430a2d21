"""A create returns only the invoice it asked for, with the invoices counted on the fake: on both backends.

The fake API is served in process (httpx2) or over a socket on 127.0.0.1
(aiohttp), refusing or accepting a repeated reference, with its own faults:
a create that fails before it takes effect, or after. Whatever the
combination, one call never leaves two invoices behind, and never returns one
that is not the invoice it asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pytest

from palomma_client import (
    CREATE_LOOKUP_GRACE_PERIOD,
    Invoice,
    InvoiceOutcomeUnknownError,
    PalommaClient,
    PalommaError,
    ReferenceAlreadyUsedError,
)
from palomma_client.testing import FakeClock, FakePalomma
from tests.spec_calls import SpecCall, call_taking, field, paged_call_of

uvicorn = pytest.importorskip("uvicorn")

pytestmark = pytest.mark.usefixtures("clean_environment")

REFERENCE = "RENT-2026-03-0001"
AMOUNT = 1_850_000
DESCRIPTION = "Canon de arrendamiento marzo 2026"


def _create() -> SpecCall:
    """The safe create's operation with the reference it protects, and an amount and description an old one lacks.

    The test skips when the spec lacks the list the safe create looks a reference up in, or an
    invoice that carries its reference.
    """
    paged_call_of("listInvoices", reference=REFERENCE)
    create = call_taking("createInvoice", reference=REFERENCE, amount=AMOUNT, description=DESCRIPTION)
    field(create.expected, "reference")  # what the lookup recognises the call's invoice by
    return create


FAULTS = ["none", "refused-before", "processed-then-500"]


@contextlib.asynccontextmanager
async def _client(fake: FakePalomma, backend: Literal["httpx", "aiohttp"]) -> AsyncIterator[PalommaClient]:
    async def sleep(seconds: float) -> None:
        # Backoff passes on the fake's clock, as the API's listing would catch up in real time.
        fake.clock.advance(timedelta(seconds=seconds))

    if backend == "httpx":
        async with fake.client(sleep=sleep) as palomma:
            yield palomma
        return
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(fake.app, log_level="warning", log_config=None, lifespan="off", date_header=False)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if serving.done():
                serving.result()  # it failed to start: say why
            await asyncio.sleep(0.01)
        async with PalommaClient(
            api_key=fake.api_key, base_url=f"http://127.0.0.1:{port}/v1", backend="aiohttp", sleep=sleep
        ) as palomma:
            yield palomma
    finally:
        server.should_exit = True
        await serving
        listener.close()


def _fake(accept_duplicates: bool) -> FakePalomma:
    return FakePalomma(
        clock=FakeClock(datetime(2026, 3, 11, 16, 32, tzinfo=UTC)), accept_duplicate_references=accept_duplicates
    )


def _spoil(fake: FakePalomma, fault: str) -> None:
    if fault == "refused-before":
        fake.fail_next(503, method="POST", path="/invoices")
    elif fault == "processed-then-500":
        fake.fail_after_processing(500, method="POST", path="/invoices")


def _with_reference(fake: FakePalomma, reference: str) -> list[dict[str, Any]]:
    return [invoice for invoice in fake.invoices() if invoice.get("reference") == reference]


@pytest.mark.parametrize("accept_duplicates", [False, True], ids=["refusing", "accepting"])
@pytest.mark.parametrize("fault", FAULTS)
async def test_a_reference_used_by_an_old_invoice_is_never_returned_as_the_new_one(
    backend: Literal["httpx", "aiohttp"], fault: str, accept_duplicates: bool
) -> None:
    create = _create()
    fake = _fake(accept_duplicates)
    old = fake.create_invoice(reference=REFERENCE, amount=5_000, description="Deposito")
    fake.pay(old["id"])
    fake.clock.advance(timedelta(days=30))
    _spoil(fake, fault)

    async with _client(fake, backend) as palomma:
        try:
            outcome: object = await create(palomma)
        except PalommaError as error:
            outcome = error

    made = [invoice for invoice in _with_reference(fake, REFERENCE) if invoice["id"] != old["id"]]
    assert len(made) <= 1, f"{len(made)} invoices for one call ({outcome!r})"
    if isinstance(outcome, Invoice):
        assert [field(outcome, "id")] == [invoice["id"] for invoice in made]
        assert (field(outcome, "amount"), field(outcome, "reference")) == (AMOUNT, REFERENCE)
    elif isinstance(outcome, ReferenceAlreadyUsedError):
        assert field(outcome.invoice, "id") == old["id"]
        assert "amount" in outcome.differences
        assert made == []
    else:
        # A refusing API answers the clean create with its own 400, naming the reference.
        assert fault == "none", repr(outcome)
        assert not accept_duplicates, repr(outcome)
        assert REFERENCE in str(outcome)
        assert made == []


@pytest.mark.parametrize("accept_duplicates", [False, True], ids=["refusing", "accepting"])
@pytest.mark.parametrize("fault", FAULTS)
async def test_extra_body_cannot_make_the_policy_protect_another_reference(
    backend: Literal["httpx", "aiohttp"], fault: str, accept_duplicates: bool
) -> None:
    create = _create()
    fake = _fake(accept_duplicates)
    _spoil(fake, fault)

    async with _client(fake, backend) as palomma:
        invoice = await create(palomma, extra_body={"reference": "B-1"})

    assert [found["id"] for found in _with_reference(fake, "B-1")] == [field(invoice, "id")]
    assert _with_reference(fake, REFERENCE) == []
    assert field(invoice, "reference") == "B-1"


@pytest.mark.parametrize("accept_duplicates", [False, True], ids=["refusing", "accepting"])
async def test_following_the_advice_after_an_unknown_outcome_never_bills_twice(
    backend: Literal["httpx", "aiohttp"], accept_duplicates: bool
) -> None:
    create = _create()
    fake = _fake(accept_duplicates)
    fake.fail_after_processing(500, method="POST", path="/invoices")
    fake.fail_next(503, times=None, method="GET")

    async with _client(fake, backend) as palomma:
        with pytest.raises(InvoiceOutcomeUnknownError) as caught:
            await create(palomma)
        assert "find_by_reference" in str(caught.value)
        fake.clear_faults()
        fake.clock.advance(timedelta(seconds=CREATE_LOOKUP_GRACE_PERIOD * 3))
        again = await palomma.invoices.create_or_find(**create.arguments)
        once_more = await palomma.invoices.create_or_find(**create.arguments)

    made = [invoice["id"] for invoice in _with_reference(fake, REFERENCE)]
    assert made == [field(again, "id")] == [field(once_more, "id")]


async def test_create_or_find_refuses_a_reference_held_by_a_different_invoice(
    backend: Literal["httpx", "aiohttp"],
) -> None:
    create = _create()
    fake = _fake(accept_duplicates=True)
    old = fake.create_invoice(reference=REFERENCE, amount=5_000)

    async with _client(fake, backend) as palomma:
        with pytest.raises(ReferenceAlreadyUsedError) as caught:
            await palomma.invoices.create_or_find(**create.arguments)

    assert field(caught.value.invoice, "id") == old["id"]
    assert set(caught.value.differences) >= {"amount", "description"}
    assert caught.value.create_error is None
    assert len(_with_reference(fake, REFERENCE)) == 1
