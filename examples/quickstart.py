"""Bill a month's rent with Palomma, end to end.

    python examples/quickstart.py

With no ``PALOMMA_API_KEY`` set, it starts the fake Palomma API over real HTTP
on a free loopback port and runs the whole flow against it: invoices, payments,
the pager, a settlement, a retried failure and a safely reconciled create.
With ``PALOMMA_API_KEY`` and ``PALOMMA_ENVIRONMENT=sandbox`` set, it runs the
same calls against the Palomma sandbox and skips what only the fake can
simulate (payments and injected faults).

Where the SDK was generated from a spec that lacks something a step needs (an
operation, a field it prints, an invoice status the fake would write), that
step is skipped with the reason and the rest runs: each step names what it
reads of the generated SDK with ``needs`` (see ``spec_needs.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from palomma_client import FeatureUnavailableError, Invoice, PalommaClient

from spec_needs import needs

if TYPE_CHECKING:
    from palomma_client.testing import FakePalomma

TENANTS = [
    ("Ana Gómez", "1020304050", "CTR-8842", 1_850_000),
    ("Inmobiliaria Los Andes SAS", "900123456", "CTR-9120", 3_200_000),
    ("Carlos Ruiz", "79865432", "CTR-7301", 1_150_000),
]
REDIRECT_URL = "https://merchant.example.com/payments/return"


def cop(amount: float) -> str:
    return f"${amount:,.0f} COP".replace(",", ".")


def step(title: str) -> None:
    print(f"\n== {title}")


def unavailable() -> tuple[type[Exception], ...]:
    """What a step raises when the spec lacks what it needs: a feature's error, the fake's refusal of a value."""
    try:
        from palomma_client.testing import UnlistedValue
    except ImportError:  # without the testing extra there is no fake to refuse anything
        return (FeatureUnavailableError,)
    return (FeatureUnavailableError, UnlistedValue)


@contextlib.contextmanager
def skippable(skipped: list[Exception]) -> Iterator[None]:
    """Run one step; where the spec lacks what it needs, say so and go on with the next."""
    try:
        yield
    except unavailable() as error:
        skipped.append(error)
        print(f"  skipped, the spec lacks what it needs: {error}")


async def run(palomma: PalommaClient, fake: FakePalomma | None) -> list[Exception]:
    """The flow a property manager runs each month; returns why each step skipped was skipped."""
    run_id = "DEMO" if fake is not None else time.strftime("%Y%m%d%H%M%S")
    skipped: list[Exception] = []
    if fake is not None:
        for operation_id, why in fake.unmodelled_operations.items():
            print(f"  the fake answers {operation_id} from the spec's examples, keeping nothing: {why}")

    step("Create this month's rent invoices")
    invoices: list[Invoice] = []
    with skippable(skipped):
        api = needs(palomma.invoices, "create")
        for number, (name, document, contract, amount) in enumerate(TENANTS, start=1):
            invoice = await api.create(
                reference=f"RENT-2026-03-{run_id}-{number:03d}",
                amount=amount,
                description="Canon de arrendamiento marzo 2026",
                redirect_url=REDIRECT_URL,
                customer_document_number=document,
                document_type="nit" if name.endswith("SAS") else "cc",
                customer_name=name,
                contract=contract,
            )
            invoices.append(invoice)
    with skippable(skipped):
        for invoice in invoices:
            shown = needs(invoice, "reference", "amount", "status", "payment_url")
            print(f"  {shown.reference}  {cop(shown.amount):>16}  {shown.status}  {shown.payment_url}")

    if not invoices or (fake is not None and not fake.invoices()):
        print("\n  No invoice was kept (see above): the steps that read them back are skipped.")
        return skipped

    settled_on: tuple[str, str] | None = None
    if fake is not None:
        step("Tenants pay (simulated by the fake)")
        with skippable(skipped):
            for invoice, method in zip(invoices[:2], ("pse", "nequiButton"), strict=True):
                shown = needs(invoice, "id", "reference")
                paid = fake.pay(shown.id, method=method, source="link")
                settled_on = (paid["settlementDate"], paid["settlementTime"])
                print(f"  {shown.reference} paid with {method}; settles {settled_on[0]} cycle {settled_on[1]}")
        fake.clock.advance(timedelta(hours=12))
        print("  twelve hours pass: the unpaid link expired (five minutes), the 11:00 cycle ran")
    else:
        print("\n  (against the real API, tenants pay at the payment URLs above)")

    step("Page through the invoices with the async pager")
    with skippable(skipped):
        async for page in needs(palomma.invoices, "list").list(limit=2, max_items=len(TENANTS)).pages():
            listed = [needs(item, "reference", "status") for item in page.items]
            print(f"  page of {len(listed)}: {', '.join(f'{item.reference} [{item.status}]' for item in listed)}")

    step("Fetch one invoice")
    with skippable(skipped):
        fetched = await needs(palomma.invoices, "get").get(needs(invoices[0], "id").id)
        shown = needs(fetched, "id", "status", "payment_amount", "payment_method")
        print(f"  {shown.id}: {shown.status}, paid {cop(shown.payment_amount or 0)} via {shown.payment_method or '-'}")

    if settled_on is not None:
        step("Fetch the settlement that pays the rent out")
        with skippable(skipped):
            settlement = await needs(palomma.settlements, "get").get(*settled_on)
            shown = needs(
                settlement,
                "date",
                "cycle",
                "status",
                "number_of_invoices",
                "amount_collected",
                "fees",
                "payment_amount",
            )
            print(
                f"  {shown.date} cycle {shown.cycle}: {shown.status}, {int(shown.number_of_invoices)} invoices, "
                f"collected {cop(shown.amount_collected)}, fees {cop(shown.fees)}, "
                f"paid out {cop(shown.payment_amount)}"
            )

    if fake is not None:
        step("A failure the SDK retries on its own")
        with skippable(skipped):
            api = needs(palomma.invoices, "get")
            fake.fail_next(503, path="/invoices/*", retry_after=1, error="Service Unavailable")
            again = await api.get(needs(invoices[1], "id").id)
            shown = needs(again, "reference", "status")
            print(f"  the API answered 503 once; the retry returned {shown.reference} [{shown.status}]")

        step("A create the API processed but answered with 500")
        with skippable(skipped):
            api = needs(palomma.invoices, "create", "list")
            needs(invoices[0], "reference")  # the SDK finds what the create did by the invoice's reference
            fake.fail_after_processing(500, method="POST", path="/invoices")
            reference = f"RENT-2026-03-{run_id}-004"
            recovered = await api.create(
                reference=reference,
                amount=2_400_000,
                description="Canon de arrendamiento marzo 2026",
                redirect_url=REDIRECT_URL,
                customer_document_number="52345678",
            )
            matches = [invoice async for invoice in api.list(reference=reference)]
            print(f"  create returned {needs(recovered, 'id').id}; invoices with reference {reference}: {len(matches)}")

    step("Summary")
    with skippable(skipped):
        everything = [invoice async for invoice in needs(palomma.invoices, "list").list(limit=100, max_items=1000)]
        read = [needs(invoice, "reference", "status", "payment_amount") for invoice in everything]
        mine = [invoice for invoice in read if (invoice.reference or "").startswith(f"RENT-2026-03-{run_id}")]
        paid_invoices = [invoice for invoice in mine if invoice.status == "paid"]
        collected = sum(invoice.payment_amount or 0 for invoice in paid_invoices)
        print(f"  {len(mine)} invoices, {len(paid_invoices)} paid, {cop(collected)} collected")
    return skipped


@contextlib.asynccontextmanager
async def serve_over_http(fake: FakePalomma) -> AsyncIterator[str]:
    """Serve the fake with uvicorn on a free 127.0.0.1 port; yield its base URL."""
    import uvicorn

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    # The fake sends its own Date, on its clock.
    server = uvicorn.Server(uvicorn.Config(fake.app, log_level="warning", lifespan="off", date_header=False))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    finally:
        server.should_exit = True
        await task
        listener.close()


async def announce_retry(delay: float) -> None:
    print(f"  ... waiting {delay:.1f}s before retrying, as the API's Retry-After asked")
    await asyncio.sleep(delay)


async def main() -> list[Exception]:
    """Run the flow on the API named by the environment, or on the fake; returns why each skipped step was skipped."""
    logging.basicConfig(format="  [log] %(message)s", stream=sys.stdout)
    logging.getLogger("palomma_client").setLevel(logging.INFO)
    if os.environ.get("PALOMMA_API_KEY"):
        async with PalommaClient() as palomma:
            print(f"Running against {palomma.base_url}")
            return await run(palomma, None)

    # Only the fake needs the testing extra; the real API needs nothing more than the SDK.
    from palomma_client.testing import FakeClock, FakePalomma

    fake = FakePalomma(clock=FakeClock(datetime(2026, 3, 11, 14, 30, tzinfo=UTC)), seed=2026)
    async with serve_over_http(fake) as base_url:
        print(f"Fake Palomma API listening on {base_url} (set PALOMMA_API_KEY to use the real API)")
        async with PalommaClient(api_key=fake.api_key, base_url=base_url, sleep=announce_retry) as palomma:
            return await run(palomma, fake)


if __name__ == "__main__":
    asyncio.run(main())
