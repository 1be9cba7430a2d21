"""What the FastAPI and aiohttp glue share: a small billing service, the API's answers, and the answers expected.

Both ``test_fastapi.py`` and ``test_aiohttp.py`` build the same service with
their framework's glue: its routes call a real `PalommaClient` whose transport
answers as a `Scenario` scripts, so every SDK error is the one a real answer
produces. Each scenario then says what the service's caller must see.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2

from palomma_client import Invoice, PalommaClient
from palomma_client.webhooks import (
    MAX_WEBHOOK_BODY_BYTES,
    MAX_WEBHOOK_HEADER_BYTES,
    DedupStore,
    DedupStoreError,
    InMemoryDedupStore,
    WebhookEvent,
    WebhookReceiver,
    sign_delivery,
)
from tests.support import created_invoice, echoed, page_body
from tests.webhooks.support import SECRET, at_now, invoice_delivery

KEY = "sk_live_glue_5e1f9b3c7a2d8c40"
"""The service's API key: sent on every request to the API, never in any answer."""

SANDBOX = "https://sandbox.api.palomma.com/v1"

Answer = Callable[[httpx2.Request], httpx2.Response]


async def no_wait(delay: float) -> None:
    """Stands in for ``asyncio.sleep`` between the SDK's retries and lookups."""


class Upstream:
    """The Palomma API at the transport level: answers as scripted, and records what it was sent."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self.requests: list[httpx2.Request] = []

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        # Scripted with the spec's examples, it answers about what was asked for, as the API does.
        return echoed(request, self._answer(request))

    def client_factory(self, **options: Any) -> Callable[[], PalommaClient]:
        """Makes clients that send to this API with `KEY`, without retries unless ``options`` say otherwise."""

        def make() -> PalommaClient:
            settings: dict[str, Any] = {"max_retries": 0, "sleep": no_wait, **options}
            return PalommaClient(
                api_key=KEY, base_url=SANDBOX, transport=httpx2.MockTransport(self._handle), **settings
            )

        return make


# --- the service both frameworks build -----------------------------------------------------------


def new_receiver(dedup_store: DedupStore) -> WebhookReceiver:
    """The service's webhook receiver, its clock at the deliveries' time."""
    return WebhookReceiver(SECRET, dedup_store=dedup_store, clock=at_now)


async def ignore_event(event: WebhookEvent) -> None:
    """The service's webhook handler: nothing to do in these tests."""


async def list_invoices(palomma: PalommaClient, query: Mapping[str, str]) -> dict[str, Any]:
    """``GET /invoices?limit=&cursor=``: one page of invoices and the cursor of the next; ``?all`` for every one."""
    limit = int(query["limit"]) if "limit" in query else None
    if "all" in query:
        return {"invoices": [invoice.to_dict() async for invoice in palomma.invoices.list(limit=limit)]}
    page = await palomma.invoices.list(limit=limit, cursor=query.get("cursor"))
    return {"invoices": [invoice.to_dict() for invoice in page.items], "nextCursor": page.next_cursor}


async def create_invoice(palomma: PalommaClient, body: Mapping[str, Any]) -> Invoice:
    """``POST /invoices``: create an invoice from the JSON body, in the SDK's argument names."""
    return await palomma.invoices.create(**body)


async def use_a_closed_client() -> None:
    """``GET /closed``: a bug in the service, which closed its client too early."""
    palomma = PalommaClient(
        api_key=KEY, base_url=SANDBOX, transport=httpx2.MockTransport(lambda _: httpx2.Response(500))
    )
    await palomma.close()
    await palomma.invoices.get("inv_1")


class BrokenDedupStore:
    """A dedup store whose backend is down, as `RedisDedupStore` reports a Redis outage."""

    async def mark_seen(self, webhook_id: str) -> bool:
        raise DedupStoreError("the dedup store could not be reached")

    async def forget(self, webhook_id: str) -> None:
        raise DedupStoreError("the dedup store could not be reached")


# --- scenarios ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request to the service."""

    method: str
    path: str
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def api_answer(
    status: int, body: Any = None, *, text: str | None = None, headers: Mapping[str, str] | None = None
) -> Answer:
    """The API answering every request with this status and JSON body (or text)."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        if text is not None:
            return httpx2.Response(status, text=text, headers=headers)
        return httpx2.Response(status, json=body, headers=headers)

    return answer


def api_raises(error: type[httpx2.TransportError]) -> Answer:
    """No answer from the API: the transport fails with ``error``."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        raise error("no answer", request=request)

    return answer


def never_called(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError(f"the API was called: {request.method} {request.url}")


def valid_invoice(**changes: Any) -> dict[str, Any]:
    """A body for ``POST /invoices`` that the SDK accepts."""
    return {
        "reference": "RENT-2026-03-0001",
        "amount": 1_850_000,
        "description": "Canon de arrendamiento marzo 2026",
        "redirect_url": "https://merchant.example.com/payments/return",
        "customer_document_number": "1020304050",
        **changes,
    }


GET_INVOICE = Call("GET", "/invoices/inv_01HQY8EW1H")
CREATE_INVOICE = Call("POST", "/invoices", json=valid_invoice())
WEBHOOK_BODY, WEBHOOK_HEADERS = invoice_delivery()
NOT_A_DELIVERY = json.dumps({"webhookId": "wh_1", "type": "invoice", "data": {}}).encode()
LONG_MESSAGE = "x" * 5_000


@dataclass(frozen=True)
class Scenario:
    """What the API does, what the service is asked, and what its caller must see."""

    name: str
    api: Answer
    call: Call
    status: int
    body: Mapping[str, Any]
    """Every field of the answer's JSON body, exactly."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Headers the answer must carry (among others)."""
    client_options: Mapping[str, Any] = field(default_factory=dict)
    before: tuple[Call, ...] = ()
    """Calls made first, whose answers are not checked."""
    dedup_store: Callable[[], DedupStore] = InMemoryDedupStore


UNAVAILABLE = "The payment service is unavailable; please try again later"
UNEXPECTED = "The payment service sent an unexpected answer; please try again later"

SCENARIOS = [
    Scenario(
        "not found: 404 with the API's message and request id",
        api_answer(404, {"error": "Invoice not found"}, headers={"x-request-id": "req_7Hc2"}),
        GET_INVOICE,
        404,
        {"error": "Invoice not found", "type": "not_found", "request_id": "req_7Hc2"},
    ),
    Scenario(
        "rate limit: 503 with the API's Retry-After",
        api_answer(429, {"error": "Too many requests"}, headers={"Retry-After": "7"}),
        GET_INVOICE,
        503,
        {"error": "The payment service is busy; retry in 7 seconds", "type": "rate_limited"},
        headers={"Retry-After": "7"},
    ),
    Scenario(
        "rate limit: a fractional Retry-After is rounded up",
        api_answer(429, {"error": "Too many requests"}, headers={"Retry-After": "2.2"}),
        GET_INVOICE,
        503,
        {"error": "The payment service is busy; retry in 3 seconds", "type": "rate_limited"},
        headers={"Retry-After": "3"},
    ),
    Scenario(
        "rate limit: no Retry-After gives the default",
        api_answer(429, {"error": "Too many requests"}),
        GET_INVOICE,
        503,
        {"error": "The payment service is busy; retry in 5 seconds", "type": "rate_limited"},
        headers={"Retry-After": "5"},
    ),
    Scenario(
        "rate limit: a Retry-After of an hour is capped at a minute",
        api_answer(429, {"error": "Too many requests"}, headers={"Retry-After": "3600"}),
        GET_INVOICE,
        503,
        {"error": "The payment service is busy; retry in 60 seconds", "type": "rate_limited"},
        headers={"Retry-After": "60"},
    ),
    Scenario(
        "invalid argument: 422 naming it, and nothing sent",
        never_called,
        Call("GET", "/invoices?limit=500"),
        422,
        {"error": "limit: must be between 1 and 100, got 500", "type": "invalid_parameter", "parameter": "limit"},
    ),
    Scenario(
        "input the API refuses: 422 with its message",
        api_answer(400, {"error": "An invoice with reference 'RENT-2026-03-0001' already exists"}),
        CREATE_INVOICE,
        422,
        {"error": "An invoice with reference 'RENT-2026-03-0001' already exists", "type": "invalid_request"},
    ),
    Scenario(
        "a refusal whose body is not the API's error: not quoted",
        api_answer(400, text=f"<html>gateway internals, Authorization: Bearer {KEY}</html>"),
        CREATE_INVOICE,
        422,
        {"error": "The payment service refused the request", "type": "invalid_request"},
    ),
    Scenario(
        "a conflict: 409 with the API's message",
        api_answer(409, {"error": "Invoice is being processed"}),
        GET_INVOICE,
        409,
        {"error": "Invoice is being processed", "type": "conflict"},
    ),
    Scenario(
        "a long message from the API: cut to 200 characters",
        api_answer(404, {"error": LONG_MESSAGE}),
        GET_INVOICE,
        404,
        {"error": "x" * 200 + "...", "type": "not_found"},
    ),
    Scenario(
        "a message from the API quoting the key: the key is masked",
        api_answer(404, {"error": f"No invoice for key {KEY}"}),
        GET_INVOICE,
        404,
        {"error": "No invoice for key [redacted]", "type": "not_found"},
    ),
    Scenario(
        "the service's key refused: 502, generic",
        api_answer(401, {"error": f"Invalid API key {KEY}"}, headers={"x-request-id": "req_401"}),
        GET_INVOICE,
        502,
        {"error": UNAVAILABLE, "type": "bad_gateway", "request_id": "req_401"},
    ),
    Scenario(
        "the service's key not allowed: 502, generic",
        api_answer(403, {"error": "Key not enabled for invoices"}),
        GET_INVOICE,
        502,
        {"error": UNAVAILABLE, "type": "bad_gateway"},
    ),
    Scenario(
        "an API failure: 502, generic",
        api_answer(500, {"error": "upstream pool db-7 exhausted"}),
        GET_INVOICE,
        502,
        {"error": UNAVAILABLE, "type": "bad_gateway"},
    ),
    Scenario(
        "a success the spec does not allow: 502",
        api_answer(200, {"id": 5, "note": KEY}),
        GET_INVOICE,
        502,
        {"error": UNEXPECTED, "type": "bad_gateway"},
    ),
    Scenario(
        "an answer over max_response_bytes: 502",
        api_answer(200, created_invoice(description="d" * 2_000)),
        GET_INVOICE,
        502,
        {"error": UNEXPECTED, "type": "bad_gateway"},
        client_options={"max_response_bytes": 1_000},
    ),
    Scenario(
        "a looping cursor: 502",
        api_answer(200, page_body([], "cursor_same")),
        Call("GET", "/invoices?all=1"),
        502,
        {"error": UNEXPECTED, "type": "bad_gateway"},
    ),
    Scenario(
        "no connection: 503",
        api_raises(httpx2.ConnectError),
        GET_INVOICE,
        503,
        {"error": UNAVAILABLE, "type": "unavailable"},
    ),
    Scenario(
        "a timeout: 504",
        api_raises(httpx2.ReadTimeout),
        GET_INVOICE,
        504,
        {"error": "The payment service did not answer in time; please try again", "type": "timeout"},
    ),
    Scenario(
        "a create whose outcome is unknown: 503 with Retry-After and the reference",
        lambda request: httpx2.Response(
            500 if request.method == "POST" else 503, json={"error": "down"}, headers={"x-request-id": "req_create"}
        ),
        CREATE_INVOICE,
        503,
        {
            "error": (
                "Could not confirm whether invoice 'RENT-2026-03-0001' was created; it may exist. Look it up by "
                "its reference before creating it again: creating it again without looking may bill twice."
            ),
            "type": "outcome_unknown",
            "reference": "RENT-2026-03-0001",
            "request_id": "req_create",
        },
        headers={"Retry-After": "30"},
    ),
    Scenario(
        "a closed client: 500",
        never_called,
        Call("GET", "/closed"),
        500,
        {"error": "Internal server error", "type": "internal_error"},
    ),
    Scenario(
        "a webhook with a wrong signature: 401",
        never_called,
        Call("POST", "/webhooks", content=WEBHOOK_BODY, headers={**WEBHOOK_HEADERS, "X-Signature": "0" * 64}),
        401,
        {"error": "Invalid webhook signature", "type": "invalid_signature"},
    ),
    Scenario(
        "a webhook that is not a delivery: 400 naming the field",
        never_called,
        Call("POST", "/webhooks", content=NOT_A_DELIVERY, headers=sign_delivery(NOT_A_DELIVERY, SECRET)),
        400,
        {"error": "invalid webhook payload: timestamp: missing", "type": "invalid_payload", "field": "timestamp"},
    ),
    Scenario(
        "a webhook received twice: 200",
        never_called,
        Call("POST", "/webhooks", content=WEBHOOK_BODY, headers=WEBHOOK_HEADERS),
        200,
        {"type": "duplicate_webhook", "webhook_id": "wh_01HQY9A7"},
        before=(Call("POST", "/webhooks", content=WEBHOOK_BODY, headers=WEBHOOK_HEADERS),),
    ),
    Scenario(
        "a webhook body over the limit: 200, so that Palomma stops repeating it",
        never_called,
        Call("POST", "/webhooks", content=b"{" + b" " * MAX_WEBHOOK_BODY_BYTES + b"}", headers=WEBHOOK_HEADERS),
        200,
        {
            "error": f"webhook body too large: over the limit of {MAX_WEBHOOK_BODY_BYTES:,} bytes",
            "type": "webhook_too_large",
            "part": "body",
            "limit": MAX_WEBHOOK_BODY_BYTES,
        },
    ),
    Scenario(
        "webhook headers over the limit: 200, so that Palomma stops repeating it",
        never_called,
        Call(
            "POST",
            "/webhooks",
            content=WEBHOOK_BODY,
            headers={**WEBHOOK_HEADERS, "X-Encoded-Data": "A" * MAX_WEBHOOK_HEADER_BYTES},
        ),
        200,
        {
            "error": f"webhook headers too large: over the limit of {MAX_WEBHOOK_HEADER_BYTES:,} bytes",
            "type": "webhook_too_large",
            "part": "headers",
            "limit": MAX_WEBHOOK_HEADER_BYTES,
        },
    ),
    Scenario(
        "a webhook when the dedup store is down: 503",
        never_called,
        Call("POST", "/webhooks", content=WEBHOOK_BODY, headers=WEBHOOK_HEADERS),
        503,
        {"error": UNAVAILABLE, "type": "unavailable"},
        dedup_store=BrokenDedupStore,
    ),
]
