"""Peak memory of a streamed batch of 200,000 invoices against one of 2,000: the bound at full size.

The test suite checks the same bound as growth per item between 20 and 200
(``test_streaming_ten_times_the_requests_takes_no_more_memory`` in
``tests/workflows/test_batch.py``); at full size it takes several minutes,
because tracing every allocation slows the client down about fivefold. Run::

    .venv/bin/python -m tests.workflows.batch_memory            # 2,000 against 200,000
    .venv/bin/python -m tests.workflows.batch_memory 1000 50000  # other sizes

Each batch draws rent requests from a generator and sends them through a real
``PalommaClient`` to a transport that answers at once (``InstantAPI``: every
lookup finds nothing, every create succeeds), discarding each result as
``invoices.create_many_iter`` yields it. The script prints both peaks and
exits with 1 if the larger batch peaks more than ``LIMIT`` above the smaller.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any, Final

from palomma_client import InvoiceBatchOutcome, PalommaClient
from tests.workflows.support import InstantAPI, rent

LIMIT: Final = 40_000_000
"""How much more the large batch may peak, in bytes: the references it keeps (some 110 bytes each) and a margin."""


def requests(count: int) -> Iterator[dict[str, Any]]:
    """``count`` rent requests, made as they are drawn."""
    for number in range(count):
        yield rent(number % 1_000, reference=f"RENT-2026-03-{number:07d}")


async def peak(palomma: PalommaClient, count: int) -> tuple[int, float]:
    """The peak traced memory above the start of a streamed batch of ``count``, and its seconds."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        async with palomma.invoices.create_many_iter(requests(count)) as batch:
            async for item in batch:
                if item.outcome is not InvoiceBatchOutcome.CREATED:
                    raise SystemExit(f"item {item.index} was {item.outcome}: {item.error}")
        _, highest = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return highest - baseline, time.perf_counter() - started


async def main(small: int, large: int) -> int:
    api = InstantAPI()
    async with PalommaClient(
        api_key="sk_test_memory", base_url="http://api.test/v1", transport=api.transport
    ) as palomma:
        await palomma.invoices.create_many([rent(1)])  # warm the client's caches outside the measure
        results = {count: await peak(palomma, count) for count in (small, large)}
    for count, (bytes_, seconds) in results.items():
        print(f"{count:>9,} invoices: peak {bytes_ / 1e6:7.2f} MB above the start ({seconds:.0f} s)")
    growth = results[large][0] - results[small][0]
    verdict = "within" if growth <= LIMIT else "OVER"
    print(f"difference {growth / 1e6:+.2f} MB: {verdict} the {LIMIT / 1e6:.0f} MB bound")
    return 0 if growth <= LIMIT else 1


if __name__ == "__main__":
    sizes = [int(argument) for argument in sys.argv[1:]] or [2_000, 200_000]
    raise SystemExit(asyncio.run(main(*sizes)))
