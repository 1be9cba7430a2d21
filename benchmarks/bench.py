"""Measure the SDK on each backend against the floor of a hand-written call: what ``make bench`` runs.

    python benchmarks/bench.py [--output bench-results.json] [--quick]

A canned server (``benchmarks/bench_server.py``) runs in another process on
127.0.0.1 and answers with bytes built from the spec's examples, so the
server costs little and what differs between the contenders is the client:

- ``httpx2``: ``httpx2.AsyncClient.get`` and ``json.loads``, the httpx2 floor;
- ``generated``: the generated ``build_request`` and ``parse_response`` of
  the operation around a raw ``httpx2`` call: the SDK without its policy layer;
- ``palomma``: ``PalommaClient``, as users call it, on the httpx2 backend;
- ``aiohttp``: ``aiohttp.ClientSession.get``, ``read`` and ``json.loads``, the aiohttp floor;
- ``generated_aiohttp``: the same generated functions around a raw ``aiohttp`` call;
- ``palomma_aiohttp``: ``PalommaClient(backend="aiohttp")``.

Machines are shared and noisy, so each scenario runs its contenders
interleaved, round after round (concurrency in blocks, see
``bench_concurrency``), and every figure is also given as a ratio to its
own floor (raw httpx2 for the httpx2 backend, raw aiohttp for the aiohttp
backend) and to raw aiohttp, each measured in the same round; the targets are
judged on the median of those ratios. The table goes to stdout and
everything, samples included, to the JSON file: ``scenarios`` holds the
httpx2 contenders, ``aiohttp_scenarios`` the aiohttp ones.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import importlib.util
import json
import os
import platform
import random
import select
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import httpx2

import palomma_client
from palomma_client import DEFAULT_CONNECTION_LIMITS, DEFAULT_TIMEOUT, FeatureUnavailableError, Invoice, PalommaClient
from palomma_client._features import Argument, Feature, Operation
from palomma_client._generated_names import ListInvoicesResponse, get_invoice, list_invoices
from palomma_client.workflows._api import InvoicesAPI

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "benchmarks" / "bench_server.py"
DEFAULT_OUTPUT = ROOT / "bench-results.json"
API_KEY = "sk_bench_not_a_secret"
INVOICE_ID = "01HQY8EW1H9YGH5PAV5Y2M9R3T"
PAGE_SIZE = 100
SERVER_START_DEADLINE = 20.0

# The calls measured; a spec without them leaves nothing to compare, and the run says so.
MEASURED = Feature("make bench", Operation("getInvoice"), Operation("listInvoices"), Argument("listInvoices", "limit"))

FLOOR = "httpx2"
GENERATED = "generated"
PALOMMA = "palomma"
AIOHTTP = "aiohttp"
GENERATED_AIOHTTP = "generated_aiohttp"
PALOMMA_AIOHTTP = "palomma_aiohttp"
HTTPX_CONTENDERS = (FLOOR, GENERATED, PALOMMA)
AIOHTTP_CONTENDERS = (AIOHTTP, GENERATED_AIOHTTP, PALOMMA_AIOHTTP)
MB = 1024 * 1024

Call = Callable[[], Awaitable[object]]


class BenchError(RuntimeError):
    """A contender returned something wrong, or the server did not come up."""


@dataclasses.dataclass(frozen=True)
class BenchConfig:
    """How much to run; ``QUICK`` is the smoke test's few hundred requests."""

    rounds: int = 25
    get_calls: int = 200
    page_calls: int = 30
    pages: int = 1000
    pager_rounds: int = 3
    small_pager_items: int = 1000
    concurrency: int = 1000
    concurrency_rounds: int = 3
    concurrency_warm_bursts: int = 3
    parse_rounds: int = 15
    parse_invoices: int = 2000
    parse_pages: int = 20


QUICK = BenchConfig(
    rounds=2,
    get_calls=20,
    page_calls=5,
    pages=3,
    pager_rounds=1,
    small_pager_items=100,
    concurrency=50,
    concurrency_rounds=2,
    concurrency_warm_bursts=1,
    parse_rounds=2,
    parse_invoices=50,
    parse_pages=2,
)


@dataclasses.dataclass(frozen=True)
class Target:
    """A ratio that must stay at or under ``limit``: ``variant`` over ``reference`` in ``scenario``."""

    scenario: str
    variant: str
    reference: str
    limit: float
    text: str


TARGETS = (
    Target("get", PALOMMA, FLOOR, 1.10, "invoices.get at most 1.10x raw httpx2"),
    Target("get", PALOMMA_AIOHTTP, AIOHTTP, 1.20, "invoices.get on aiohttp at most 1.20x raw aiohttp"),
    Target("list_page", PALOMMA, FLOOR, 1.35, "a 100-invoice page at most 1.35x raw httpx2"),
    Target("list_page", PALOMMA_AIOHTTP, AIOHTTP, 1.45, "a 100-invoice page on aiohttp at most 1.45x raw aiohttp"),
    Target("concurrency", PALOMMA, FLOOR, 1.10, "warm burst of 1,000 gets at most 1.10x raw httpx2"),
    Target("concurrency", PALOMMA_AIOHTTP, AIOHTTP, 1.60, "warm burst on aiohttp at most 1.60x raw aiohttp"),
    Target("get", PALOMMA, GENERATED, 1.05, "client layer at most 1.05x the generated function (get)"),
    Target("list_page", PALOMMA, GENERATED, 1.05, "client layer at most 1.05x the generated function (page)"),
)
MEMORY_TARGET_MB = 10.0


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if len(ordered) > 1:
        p25, _, p75 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        p25 = p75 = ordered[0]
    return {
        "median": statistics.median(ordered),
        "p25": p25,
        "p75": p75,
        "min": ordered[0],
        "max": ordered[-1],
    }


@dataclasses.dataclass
class Scenario:
    """Seconds per operation of each contender, one sample per round, taken interleaved."""

    key: str
    title: str
    labels: dict[str, str]
    samples: dict[str, list[float]]
    operation: str
    items_per_operation: int = 1

    def ratios(self, variant: str, reference: str = FLOOR) -> list[float]:
        return [mine / theirs for mine, theirs in zip(self.samples[variant], self.samples[reference], strict=True)]

    def to_json(self, names: tuple[str, ...] = HTTPX_CONTENDERS, floor: str = FLOOR) -> dict[str, Any]:
        """The contenders ``names`` (those measured), each with its ratio to ``floor`` and to raw aiohttp."""
        variants: dict[str, Any] = {}
        for name in names:
            values = self.samples.get(name)
            if values is None:
                continue
            variants[name] = {
                "label": self.labels[name],
                "seconds_per_operation": _summary(values),
                "operations_per_second": statistics.median(1 / value for value in values),
                "items_per_second": statistics.median(self.items_per_operation / value for value in values),
                "ratio_to_floor": _summary(self.ratios(name, floor)),
                "ratio_to_aiohttp": _summary(self.ratios(name, AIOHTTP)) if AIOHTTP in self.samples else None,
                "samples_seconds": values,
            }
        return {"title": self.title, "operation": self.operation, "floor": floor, "variants": variants}


# The server ----------------------------------------------------------------


@contextlib.contextmanager
def running_server(pages: int) -> Iterator[str]:
    """Start ``bench_server.py`` in another process and yield its base URL (``/v1`` not included).

    The listening socket is made here and inherited by the child, so the port
    is known at once; readiness is then polled with a deadline.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)
        port = listener.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, str(SERVER), "--fd", str(listener.fileno()), "--pages", str(pages)],
            pass_fds=[listener.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
    try:
        _wait_until_ready(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    request = f"GET /v1/invoices/{INVOICE_ID} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    deadline = time.monotonic() + SERVER_START_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the bench server exited with status {process.returncode} before answering")
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as connection:
            connection.sendall(request)
            readable, _, _ = select.select([connection], [], [], min(1.0, max(0.0, deadline - time.monotonic())))
            if readable and connection.recv(16).startswith(b"HTTP/1.1 200"):
                return
    raise BenchError(f"the bench server did not answer within {SERVER_START_DEADLINE:.0f} seconds")


# The contenders ------------------------------------------------------------


class Contenders:
    """One client of each kind, all with the SDK's timeout and pool limits, on one server."""

    def __init__(self, server_url: str) -> None:
        api = server_url + "/v1"
        self.invoice_url = f"{api}/invoices/{INVOICE_ID}"
        self.list_url = f"{api}/invoices?limit={PAGE_SIZE}"
        self.palomma = PalommaClient(api_key=API_KEY, base_url=api)
        self.palomma_aiohttp = PalommaClient(api_key=API_KEY, base_url=api, backend="aiohttp")
        self.api = api
        self.http = httpx2.AsyncClient(
            timeout=DEFAULT_TIMEOUT, limits=DEFAULT_CONNECTION_LIMITS, headers={"Authorization": f"Bearer {API_KEY}"}
        )
        # What an aiohttp user writes with the same pool and timeouts: a session made in the running loop.
        self.aiohttp = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=DEFAULT_CONNECTION_LIMITS.max_connections or 0,
                keepalive_timeout=DEFAULT_CONNECTION_LIMITS.keepalive_expiry,
            ),
            headers={"Authorization": f"Bearer {API_KEY}"},
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=DEFAULT_TIMEOUT.connect, sock_read=DEFAULT_TIMEOUT.read
            ),
        )

    async def aclose(self) -> None:
        await self.palomma.close()
        await self.palomma_aiohttp.close()
        await self.http.aclose()
        await self.aiohttp.close()

    # One invoice.
    async def palomma_get(self) -> object:
        return await MEASURED.vouch(self.palomma.invoices, InvoicesAPI).get(INVOICE_ID)

    # The generated code alone: it builds the request and parses the answer, raw httpx2 sends.
    async def generated_get(self) -> object:
        request = get_invoice.build_request(INVOICE_ID)
        response = await self.http.get(self.api + request.path)
        return get_invoice.parse_response(response.status_code, json.loads(response.content))

    async def httpx_get(self) -> object:
        return json.loads((await self.http.get(self.invoice_url)).content)

    async def palomma_aiohttp_get(self) -> object:
        return await MEASURED.vouch(self.palomma_aiohttp.invoices, InvoicesAPI).get(INVOICE_ID)

    # Reading the body whole hands the connection back to the pool: the
    # shortest correct aiohttp call, shorter than ``async with`` around it.
    async def aiohttp_get(self) -> object:
        response = await self.aiohttp.get(self.invoice_url)
        return json.loads(await response.read())

    async def generated_aiohttp_get(self) -> object:
        request = get_invoice.build_request(INVOICE_ID)
        response = await self.aiohttp.get(self.api + request.path)
        return get_invoice.parse_response(response.status, json.loads(await response.read()))

    # One page of 100 invoices.
    async def palomma_page(self) -> object:
        invoices = MEASURED.vouch(self.palomma.invoices, InvoicesAPI)
        return await invoices.list(limit=PAGE_SIZE, max_items=PAGE_SIZE).to_list()

    async def generated_page(self) -> object:
        request = list_invoices.build_request(limit=PAGE_SIZE)
        response = await self.http.get(self.api + request.path, params=request.params)
        return list_invoices.parse_response(response.status_code, json.loads(response.content))

    async def httpx_page(self) -> object:
        return json.loads((await self.http.get(self.list_url)).content)

    async def palomma_aiohttp_page(self) -> object:
        invoices = MEASURED.vouch(self.palomma_aiohttp.invoices, InvoicesAPI)
        return await invoices.list(limit=PAGE_SIZE, max_items=PAGE_SIZE).to_list()

    async def aiohttp_page(self) -> object:
        response = await self.aiohttp.get(self.list_url)
        return json.loads(await response.read())

    async def generated_aiohttp_page(self) -> object:
        request = list_invoices.build_request(limit=PAGE_SIZE)
        response = await self.aiohttp.get(self.api + request.path, params=request.params)
        return list_invoices.parse_response(response.status, json.loads(await response.read()))

    # Every invoice of every page.
    async def palomma_pager(self, max_items: int | None = None) -> int:
        return await self._pager(self.palomma, max_items)

    async def palomma_aiohttp_pager(self, max_items: int | None = None) -> int:
        return await self._pager(self.palomma_aiohttp, max_items)

    @staticmethod
    async def _pager(palomma: PalommaClient, max_items: int | None) -> int:
        count = 0
        async for invoice in MEASURED.vouch(palomma.invoices, InvoicesAPI).list(limit=PAGE_SIZE, max_items=max_items):
            count += isinstance(invoice, Invoice)
        return count

    async def httpx_pager(self) -> int:
        count = 0
        url = self.list_url
        while True:
            body = json.loads((await self.http.get(url)).content)
            for item in body["items"]:
                count += isinstance(item, dict)
            if body["cursor"] is None:
                return count
            url = f"{self.list_url}&cursor={body['cursor']}"

    async def aiohttp_pager(self) -> int:
        count = 0
        url = self.list_url
        while True:
            response = await self.aiohttp.get(url)
            body = json.loads(await response.read())
            for item in body["items"]:
                count += isinstance(item, dict)
            if body["cursor"] is None:
                return count
            url = f"{self.list_url}&cursor={body['cursor']}"


def _check_invoice(variant: str, result: object) -> None:
    identifier = result.get("id") if isinstance(result, dict) else getattr(result, "id", None)
    if identifier != INVOICE_ID:
        raise BenchError(f"{variant}: expected invoice {INVOICE_ID}, got {result!r:.200}")


def _check_page(variant: str, result: object) -> None:
    if isinstance(result, ListInvoicesResponse):
        items: object = result.items
    elif isinstance(result, dict):
        items = result.get("items")
    else:
        items = result
    if not isinstance(items, list) or len(items) != PAGE_SIZE:
        raise BenchError(f"{variant}: expected a page of {PAGE_SIZE} invoices, got {result!r:.200}")
    _check_invoice_list(variant, items)


def _check_invoice_list(variant: str, items: list[Any]) -> None:
    first = items[0]
    identifier = first.get("id") if isinstance(first, dict) else getattr(first, "id", None)
    if identifier != "01HQY8EW1H9YGH5PAV5Y2M0000":
        raise BenchError(f"{variant}: unexpected first invoice {first!r:.200}")


# Measuring -----------------------------------------------------------------


async def _timed(call: Call, count: int) -> tuple[float, object]:
    gc.collect()
    result: object = None
    started = time.perf_counter()
    for _ in range(count):
        result = await call()
    return (time.perf_counter() - started) / count, result


async def _interleaved(
    variants: dict[str, Call],
    *,
    rounds: int,
    count: int,
    check: Callable[[str, object], None],
) -> dict[str, list[float]]:
    """Seconds per call of each variant, one sample per round.

    Within a round the variants take turns call by call, so that a burst of
    load from elsewhere on the machine slows them all alike instead of
    whichever batch it lands in. Their order is shuffled at every turn: on a
    virtual machine a call's latency depends on what ran just before it (an
    idle CPU takes a while to wake), which a fixed order would charge to
    one contender.
    """
    names = list(variants)
    for name in names:  # warm up: connections, caches, first-call imports
        _, result = await _timed(variants[name], max(1, count // 4))
        check(name, result)
    samples: dict[str, list[float]] = {name: [] for name in names}
    shuffler = random.Random(20260311)
    order = list(names)
    for _ in range(rounds):
        totals = dict.fromkeys(names, 0.0)
        results: dict[str, object] = {}
        gc.collect()
        for _ in range(count):
            shuffler.shuffle(order)
            for name in order:
                started = time.perf_counter()
                results[name] = await variants[name]()
                totals[name] += time.perf_counter() - started
        for name in names:
            check(name, results[name])
            samples[name].append(totals[name] / count)
    return samples


async def bench_get(contenders: Contenders, config: BenchConfig) -> Scenario:
    samples = await _interleaved(
        {
            FLOOR: contenders.httpx_get,
            GENERATED: contenders.generated_get,
            PALOMMA: contenders.palomma_get,
            AIOHTTP: contenders.aiohttp_get,
            GENERATED_AIOHTTP: contenders.generated_aiohttp_get,
            PALOMMA_AIOHTTP: contenders.palomma_aiohttp_get,
        },
        rounds=config.rounds,
        count=config.get_calls,
        check=_check_invoice,
    )
    labels = {
        FLOOR: "httpx2 get + json.loads",
        GENERATED: "generated build_request + parse_response (get)",
        PALOMMA: "palomma.invoices.get",
        AIOHTTP: "aiohttp get + read + json.loads",
        GENERATED_AIOHTTP: "generated build_request + parse_response, aiohttp",
        PALOMMA_AIOHTTP: "palomma.invoices.get, backend=aiohttp",
    }
    return Scenario("get", "get one invoice", labels, samples, "call")


async def bench_list_page(contenders: Contenders, config: BenchConfig) -> Scenario:
    samples = await _interleaved(
        {
            FLOOR: contenders.httpx_page,
            GENERATED: contenders.generated_page,
            PALOMMA: contenders.palomma_page,
            AIOHTTP: contenders.aiohttp_page,
            GENERATED_AIOHTTP: contenders.generated_aiohttp_page,
            PALOMMA_AIOHTTP: contenders.palomma_aiohttp_page,
        },
        rounds=config.rounds,
        count=config.page_calls,
        check=_check_page,
    )
    labels = {
        FLOOR: "httpx2 get + json.loads",
        GENERATED: "generated build_request + parse_response (page)",
        PALOMMA: "palomma.invoices.list(...).to_list()",
        AIOHTTP: "aiohttp get + read + json.loads",
        GENERATED_AIOHTTP: "generated build_request + parse_response, aiohttp",
        PALOMMA_AIOHTTP: "palomma.invoices.list(...).to_list(), backend=aiohttp",
    }
    return Scenario("list_page", "one page of 100 invoices", labels, samples, "page", PAGE_SIZE)


async def bench_pager(contenders: Contenders, config: BenchConfig) -> Scenario:
    expected = config.pages * PAGE_SIZE

    def check(variant: str, result: object) -> None:
        if result != expected:
            raise BenchError(f"{variant}: iterated {result!r} invoices instead of {expected}")

    samples = await _interleaved(
        {
            FLOOR: contenders.httpx_pager,
            PALOMMA: contenders.palomma_pager,
            AIOHTTP: contenders.aiohttp_pager,
            PALOMMA_AIOHTTP: contenders.palomma_aiohttp_pager,
        },
        rounds=config.pager_rounds,
        count=1,
        check=check,
    )
    labels = {
        FLOOR: "httpx2 get + json.loads, cursor loop",
        PALOMMA: "async for over palomma.invoices.list",
        AIOHTTP: "aiohttp get + read + json.loads, cursor loop",
        PALOMMA_AIOHTTP: "async for over palomma.invoices.list, aiohttp",
    }
    title = f"pager: {expected:,} invoices ({config.pages:,} pages of {PAGE_SIZE})"
    return Scenario("pager", title, labels, samples, "list", expected)


async def bench_pager_memory(pager: Callable[[int | None], Awaitable[int]], config: BenchConfig) -> dict[str, Any]:
    """Peak traced memory while iterating the whole list, against iterating its first few pages."""
    small, large = config.small_pager_items, config.pages * PAGE_SIZE
    await pager(small)  # warm up outside the trace
    peaks: dict[int, float] = {}
    gc.collect()
    tracemalloc.start()
    try:
        for items in (small, large):
            gc.collect()
            tracemalloc.reset_peak()
            baseline = tracemalloc.get_traced_memory()[0]
            counted = await pager(None if items == large else items)
            if counted != items:
                raise BenchError(f"memory run iterated {counted} invoices instead of {items}")
            peaks[items] = (tracemalloc.get_traced_memory()[1] - baseline) / MB
    finally:
        tracemalloc.stop()
    difference = peaks[large] - peaks[small]
    return {
        "small_items": small,
        "large_items": large,
        "small_peak_mb": peaks[small],
        "large_peak_mb": peaks[large],
        "difference_mb": difference,
        "limit_mb": MEMORY_TARGET_MB,
        "met": difference <= MEMORY_TARGET_MB,
    }


async def bench_concurrency(server_url: str, config: BenchConfig) -> list[Scenario]:
    """Bursts of concurrent gets, each contender on a client of its own, taking turns burst by burst.

    Each round makes new clients: their first burst meets a cold pool (every
    connection is opened during the burst), the bursts after it reuse the
    pool. The contenders take turns, in an order shuffled at every turn, so
    that each warm burst is measured beside the others under the same load;
    a turn of the other three lasts far less than the five seconds after
    which an idle pool would be cold again (the keep-alive expiry).
    """
    calls = config.concurrency
    names = [FLOOR, PALOMMA, AIOHTTP, PALOMMA_AIOHTTP]
    cold: dict[str, list[float]] = {name: [] for name in names}
    warm: dict[str, list[float]] = {name: [] for name in names}
    shuffler = random.Random(20260312)

    def check(variant: str, result: object) -> None:
        assert isinstance(result, list)
        failures = [outcome for outcome in result if isinstance(outcome, BaseException)]
        if failures:
            raise BenchError(f"{variant}: {len(failures)} of {calls} concurrent calls failed: {failures[0]!r}")
        if len(result) != calls:
            raise BenchError(f"{variant}: {len(result)} results for {calls} calls")
        for outcome in result:
            _check_invoice(variant, outcome)

    for _ in range(config.concurrency_rounds):
        contenders = Contenders(server_url)
        calls_of = {
            FLOOR: contenders.httpx_get,
            PALOMMA: contenders.palomma_get,
            AIOHTTP: contenders.aiohttp_get,
            PALOMMA_AIOHTTP: contenders.palomma_aiohttp_get,
        }
        try:
            for number in range(1 + config.concurrency_warm_bursts):
                shuffler.shuffle(names)
                for name in names:

                    async def burst(call: Call = calls_of[name]) -> object:
                        return await asyncio.gather(*(call() for _ in range(calls)), return_exceptions=True)

                    seconds, result = await _timed(burst, 1)
                    check(name, result)
                    (warm if number else cold)[name].append(seconds)
        finally:
            await contenders.aclose()
    labels = {
        FLOOR: "httpx2 get + json.loads",
        PALOMMA: "palomma.invoices.get",
        AIOHTTP: "aiohttp get + read + json.loads",
        PALOMMA_AIOHTTP: "palomma.invoices.get, backend=aiohttp",
    }
    title = f"{calls:,} concurrent gets"
    return [
        Scenario("concurrency_cold", f"{title}, new client (cold pool)", labels, cold, "burst", calls),
        Scenario("concurrency", f"{title}, same client (warm pool)", labels, warm, "burst", calls),
    ]


def bench_parsing(invoice_body: bytes, page_body: bytes, config: BenchConfig) -> list[Scenario]:
    """Model parsing alone, in process: ``from_dict`` against ``json.loads`` of the same body."""
    invoice_data = json.loads(invoice_body)
    page_data = json.loads(page_body)

    def timed(function: Callable[[Any], object], argument: object, count: int) -> float:
        gc.collect()
        started = time.perf_counter()
        for _ in range(count):
            function(argument)
        return (time.perf_counter() - started) / count

    scenarios = []
    for key, title, model, body, data, count in (
        ("parse_invoice", "parse one invoice", Invoice, invoice_body, invoice_data, config.parse_invoices),
        ("parse_page", "parse a page of 100 invoices", ListInvoicesResponse, page_body, page_data, config.parse_pages),
    ):
        variants: dict[str, tuple[Callable[[Any], object], object]] = {
            FLOOR: (json.loads, body),
            PALOMMA: (model.from_dict, data),
        }
        samples: dict[str, list[float]] = {name: [] for name in variants}
        for function, argument in variants.values():
            timed(function, argument, max(1, count // 4))
        for round_number in range(config.parse_rounds):
            order = list(variants) if round_number % 2 == 0 else list(reversed(variants))
            for name in order:
                function, argument = variants[name]
                samples[name].append(timed(function, argument, count))
        labels = {FLOOR: "json.loads", PALOMMA: f"{model.__name__}.from_dict"}
        items = PAGE_SIZE if model is ListInvoicesResponse else 1
        scenarios.append(Scenario(key, title, labels, samples, "parse", items))
    return scenarios


# Running and reporting -----------------------------------------------------


async def run_bench(server_url: str, config: BenchConfig, progress: Callable[[str], None]) -> dict[str, Any]:
    """Run every scenario against the server at ``server_url`` and return the results as JSON data."""
    contenders = Contenders(server_url)
    try:
        progress("get one invoice")
        scenarios = [await bench_get(contenders, config)]
        progress("one page of 100 invoices")
        scenarios.append(await bench_list_page(contenders, config))
        progress(f"pager over {config.pages * PAGE_SIZE:,} invoices")
        scenarios.append(await bench_pager(contenders, config))
        progress("pager memory")
        memory = await bench_pager_memory(contenders.palomma_pager, config)
        aiohttp_memory = await bench_pager_memory(contenders.palomma_aiohttp_pager, config)
        invoice_body = (await contenders.http.get(contenders.invoice_url)).content
        page_body = (await contenders.http.get(contenders.list_url)).content
    finally:
        await contenders.aclose()
    progress(f"{config.concurrency:,} concurrent gets")
    scenarios.extend(await bench_concurrency(server_url, config))
    progress("model parsing")
    scenarios.extend(bench_parsing(invoice_body, page_body, config))
    by_key = {scenario.key: scenario for scenario in scenarios}
    targets = []
    for target in TARGETS:
        ratios = by_key[target.scenario].ratios(target.variant, target.reference)
        median = statistics.median(ratios)
        targets.append(
            {**dataclasses.asdict(target), "median": median, "spread": _summary(ratios), "met": median <= target.limit}
        )
    return {
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "httpx2": httpx2.__version__,
            "aiohttp": aiohttp.__version__,
            "palomma_client": palomma_client.__version__,
            "sniffio_installed": importlib.util.find_spec("sniffio") is not None,
        },
        "config": dataclasses.asdict(config),
        "scenarios": {scenario.key: scenario.to_json() for scenario in scenarios},
        "aiohttp_scenarios": {
            scenario.key: scenario.to_json(AIOHTTP_CONTENDERS, AIOHTTP)
            for scenario in scenarios
            if AIOHTTP in scenario.samples
        },
        "pager_memory": memory,
        "aiohttp_pager_memory": aiohttp_memory,
        "targets": targets,
    }


def _time(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _rate(per_second: float) -> str:
    if per_second >= 1e6:
        return f"{per_second / 1e6:.2f} M/s"
    if per_second >= 1e3:
        return f"{per_second / 1e3:.1f} k/s"
    return f"{per_second:.0f} /s"


def format_table(results: dict[str, Any]) -> str:
    """The results as a plain-text table (also valid inside a Markdown code block).

    Each scenario lists the httpx2 contenders, then the aiohttp ones; ``x floor``
    is the ratio to the contender's own floor (raw httpx2, or raw aiohttp), and
    ``x aiohttp`` the ratio to raw aiohttp.
    """
    environment = results["environment"]
    config = results["config"]
    lines = [
        f"palomma-client {environment['palomma_client']} on {environment['implementation']} "
        f"{environment['python']}, httpx2 {environment['httpx2']}, aiohttp {environment['aiohttp']}, "
        f"{environment['cpus']} CPUs; {config['rounds']} rounds (pager {config['pager_rounds']}; concurrency "
        f"{config['concurrency_rounds']}, each a cold burst and {config['concurrency_warm_bursts']} warm)",
        "",
        f"{'scenario / contender':<54} {'median':>10} {'invoices/s':>10} {'x floor':>7} {'(IQR)':>11} {'x aiohttp':>9}",
    ]
    aiohttp_scenarios = results.get("aiohttp_scenarios", {})
    for key, scenario in results["scenarios"].items():
        lines.append(f"{scenario['title']} (per {scenario['operation']})")
        variants = list(scenario["variants"].values())
        variants += list(aiohttp_scenarios.get(key, {}).get("variants", {}).values())
        for variant in variants:
            seconds = variant["seconds_per_operation"]
            ratio = variant["ratio_to_floor"]
            to_aiohttp = variant.get("ratio_to_aiohttp")
            spread = f"({ratio['p25']:.2f}-{ratio['p75']:.2f})"
            against_aiohttp = f"{to_aiohttp['median']:.2f}" if to_aiohttp else ""
            lines.append(
                f"  {variant['label']:<52} {_time(seconds['median']):>10} {_rate(variant['items_per_second']):>10} "
                f"{ratio['median']:>7.2f} {spread:>11} {against_aiohttp:>9}"
            )
    lines.append("")
    memories = [("httpx2", results["pager_memory"])]
    if "aiohttp_pager_memory" in results:
        memories.append(("aiohttp", results["aiohttp_pager_memory"]))
    for backend, memory in memories:
        lines.append(
            f"pager peak memory (tracemalloc), {backend} backend: {memory['large_items']:,} invoices "
            f"{memory['large_peak_mb']:.2f} MB, {memory['small_items']:,} invoices {memory['small_peak_mb']:.2f} MB, "
            f"difference {memory['difference_mb']:+.2f} MB"
        )
    lines += ["", "targets (median of per-round ratios):"]
    for target in results["targets"]:
        verdict = "met" if target["met"] else "NOT MET"
        spread = target["spread"]
        lines.append(
            f"  {target['text']:<58} {target['median']:.3f} (IQR {spread['p25']:.3f}-{spread['p75']:.3f})"
            f" <= {target['limit']:.2f}  {verdict}"
        )
    for backend, memory in memories:
        verdict = "met" if memory["met"] else "NOT MET"
        text = f"pager memory ({backend}): 100x the invoices within {MEMORY_TARGET_MB:.0f} MB"
        lines.append(f"  {text:<58} {memory['difference_mb']:+.3f} MB <= {MEMORY_TARGET_MB:.0f} MB  {verdict}")
    return "\n".join(lines)


async def _main_async(config: BenchConfig, progress: Callable[[str], None]) -> dict[str, Any]:
    with running_server(config.pages) as server_url:
        return await run_bench(server_url, config, progress)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON results")
    parser.add_argument("--quick", action="store_true", help="a few hundred requests only, as the smoke test runs")
    arguments = parser.parse_args()
    config = QUICK if arguments.quick else BenchConfig()
    if MEASURED.missing:
        print(
            f"make bench: nothing to measure: {FeatureUnavailableError(MEASURED.name, MEASURED.missing)}",
            file=sys.stderr,
        )
        return 2

    def progress(step: str) -> None:
        print(f"  measuring {step} ...", file=sys.stderr, flush=True)

    started = time.perf_counter()
    results = asyncio.run(_main_async(config, progress))
    results["duration_seconds"] = time.perf_counter() - started
    arguments.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(format_table(results))
    print(f"\n{results['duration_seconds']:.0f} s; results in {arguments.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
