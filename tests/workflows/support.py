"""Helpers the workflow tests share: rent requests, transports that watch or bend the fake's answers."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any, ClassVar

import httpx2

from palomma_client import FeatureUnavailableError
from palomma_client._generated.api import OPERATIONS
from palomma_client.testing import FakePalomma
from tests.spec_calls import call_of, paged_call_of
from tests.support import echoed
from tests.testing.support import note_unavailable

REDIRECT_URL = "https://merchant.example.com/payments/return"

Edit = Callable[[dict[str, Any]], None]


def rent(number: int, **changes: Any) -> dict[str, Any]:
    """The create arguments of tenant `number`'s rent for March 2026."""
    arguments: dict[str, Any] = {
        "reference": f"RENT-2026-03-{number:03d}",
        "amount": 1_000_000 + number * 1_000,
        "description": "Canon de arrendamiento marzo 2026",
        "redirect_url": REDIRECT_URL,
        "customer_document_number": f"10203040{number:02d}",
    }
    arguments.update(changes)
    return arguments


def posts(fake: FakePalomma) -> list[str]:
    """The references of every POST /invoices the fake received, in order."""
    return [request.json()["reference"] for request in fake.requests if request.method == "POST"]


async def no_wait(delay: float) -> None:
    """Retries in these tests never wait."""


class ConcurrencyProbe(httpx2.AsyncBaseTransport):
    """Forwards to the fake and records how many requests were in flight at once."""

    def __init__(self, fake: FakePalomma, after: Callable[[httpx2.Request], None] | None = None) -> None:
        self._inner = httpx2.ASGITransport(app=fake.app)
        self._after = after
        self.in_flight = 0
        self.most_in_flight = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            # Let the other tasks run, as a real network round trip would.
            for _ in range(3):
                await asyncio.sleep(0)
            response = await self._inner.handle_async_request(request)
        finally:
            self.in_flight -= 1
        if self._after is not None:
            self._after(request)
        return response


class Tampering(httpx2.AsyncBaseTransport):
    """Forwards to the fake, then edits the JSON of settlement or invoice-list answers."""

    def __init__(self, fake: FakePalomma, *, settlement: Edit | None = None, invoice_page: Edit | None = None) -> None:
        self._inner = httpx2.ASGITransport(app=fake.app)
        self._settlement = settlement
        self._invoice_page = invoice_page

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        edit = self._settlement if "/settlements/" in request.url.path else None
        if request.url.path.endswith("/invoices") and request.method == "GET":
            edit = self._invoice_page
        if edit is None or response.status_code != 200:
            return response
        body = json.loads(await response.aread())
        edit(body)
        return httpx2.Response(200, json=body)


class InstantAPI:
    """A stateless stand-in for the API that answers at once and keeps nothing: for batches too big for the fake.

    Every lookup finds nothing and every create succeeds, so each item costs one GET and
    one POST. It only counts what it answers, so the memory it uses does not grow.
    """

    _JSON: ClassVar[dict[str, str]] = {"content-type": "application/json"}

    def __init__(self) -> None:
        # The create's documented answer; a test making one skips when the spec has no createInvoice.
        self._created = json.dumps(call_of("createInvoice").answer.content).encode()
        # A lookup's page that finds nothing, as the spec shapes the list the lookups go to.
        self._empty_page = json.dumps(paged_call_of("listInvoices").body_of([], None)).encode()
        self.lookups = 0
        self.creates = 0
        self.transport = httpx2.MockTransport(self._answer)

    def _answer(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET":
            self.lookups += 1
            body = self._empty_page
        else:
            self.creates += 1
            # The invoice it made: the example, with the fields the create sent.
            return echoed(request, httpx2.Response(200, content=self._created, headers=self._JSON))
        return httpx2.Response(200, content=body, headers=self._JSON)


_AMOUNT = OPERATIONS["createInvoice"].RULES.get("amount", {}) if "createInvoice" in OPERATIONS else {}
AMOUNT_MIN: int = _AMOUNT.get("minimum", 0)
AMOUNT_MAX: int = _AMOUNT.get("maximum", 0)
"""The create amount's limits, read from the spec, for tests that quote the rule's message.

Zero where the spec has no create or states no such limit: the tests quoting them then skip
(``InvoiceRequest`` is unavailable without the create) or fail, saying the rule is gone.
"""


CLI_ERROR = "Error: "
"""What the ``palomma`` command writes before the message of the error it exits with."""

TRACEBACK_ERROR = f"{FeatureUnavailableError.__module__}.{FeatureUnavailableError.__qualname__}: "
"""What a program's traceback writes before the message of a ``FeatureUnavailableError`` it died of."""


def _message_parts() -> tuple[str, str, str]:
    # Read off the error's own message, so that a rewording of it is still read back.
    feature, missing = "\x00feature\x00", "\x00missing\x00"
    before, rest = str(FeatureUnavailableError(feature, [missing])).split(feature)
    between, after = rest.split(missing)
    return before, between, after


_MESSAGE_PARTS = _message_parts()


def note_refusal(output: str, prefix: str) -> FeatureUnavailableError | None:
    """Note a ``FeatureUnavailableError`` another process wrote, for the suite's skip hook; return it rebuilt.

    A command the spec no longer supports exits naming the feature and what is gone (the CLI
    writes ``Error: <message>``, a program that does not catch it a traceback). A test of more
    than that then fails, and the hook skips it naming both, when the feature really is
    unavailable here (see ``tests/testing/support.py``).

    Args:
        output: What the process wrote to its standard error.
        prefix: What precedes the message on its line (``CLI_ERROR``, ``TRACEBACK_ERROR``).

    Returns:
        The error, with what is gone as one phrase, or ``None`` if the output holds none.
    """
    before, between, after = map(re.escape, _MESSAGE_PARTS)
    pattern = f"^{re.escape(prefix)}{before}(.+?){between}(.+?){after}$"
    found = re.search(pattern, output, re.MULTILINE)
    if found is None:
        return None
    refusal = FeatureUnavailableError(found[1], [found[2]])
    note_unavailable(refusal)
    return refusal
