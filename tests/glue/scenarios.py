"""What the FastAPI and aiohttp glue share: a small billing service, the API's answers, and the answers expected.

Both ``test_fastapi.py`` and ``test_aiohttp.py`` build the same service with
their framework's glue: its routes call a real `PalommaClient` whose transport
answers as a `Scenario` scripts, so every SDK error is the one a real answer
produces. Each scenario then says what the service's caller must see.

The service calls operations of the spec (`ServiceCalls`): a read, a list, a call
whose argument breaks a rule, and the invoice create, which its safe create
guards. The glue answers each error the same whatever the operation.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest

from palomma_client import InvalidParameterError, PalommaClient
from palomma_client._generated.api import OPERATIONS
from palomma_client.testing._examples import synthesize
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
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
from tests.spec_calls import (
    SpecCall,
    a_call,
    a_call_breaking_a_rule,
    a_paged_call,
    call_of,
    completed,
    credentials_sent,
    key_credentials,
    operation_of,
    page_answer,
)
from tests.support import echoed
from tests.webhooks.support import SECRET, at_now, body_of, delivery, signed

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

    def carried_the_key(self) -> bool:
        """Whether each request sent carried `KEY` as its operation's security asks (none to a public one)."""
        sent = [(operation_of(request), credentials_sent(request.headers)) for request in self.requests]
        return all(credentials in key_credentials(operation_id, KEY) for operation_id, credentials in sent)


# --- the service both frameworks build -----------------------------------------------------------


def new_receiver(dedup_store: DedupStore) -> WebhookReceiver:
    """The service's webhook receiver, its clock at the deliveries' time."""
    return WebhookReceiver(SECRET, dedup_store=dedup_store, clock=at_now)


async def ignore_event(event: WebhookEvent) -> None:
    """The service's webhook handler: nothing to do in these tests."""


@dataclass(frozen=True)
class ServiceCalls:
    """The calls of the spec the service's routes make; those the spec cannot make are ``None``.

    Attributes:
        read: ``GET /read``: a read, its model answered as JSON, that sends the service's key.
        listing: ``GET /list``: every item of a list.
        refused: ``GET /refused``: a call whose argument breaks a rule of the spec, and that argument.
        create: ``POST /create``: the invoice create (``createInvoice``), with its safe create.
    """

    read: SpecCall
    listing: SpecCall | None = None
    refused: tuple[SpecCall, str] | None = None
    create: SpecCall | None = None


def service_calls(needs: tuple[str, ...] = ()) -> ServiceCalls:
    """The calls the service makes; skips the test when the spec cannot make one it ``needs`` (a field's name)."""
    made: dict[str, Any] = {
        "listing": a_paged_call,
        "refused": a_call_breaking_a_rule,
        "create": lambda: call_of("createInvoice"),
    }
    return ServiceCalls(read=a_call("GET", bearer_key=True), **{name: made[name]() for name in needs})


async def read_once(palomma: PalommaClient, calls: ServiceCalls) -> Any:
    """``GET /read``: the read's model."""
    return await calls.read(palomma)


async def list_all(palomma: PalommaClient, calls: ServiceCalls) -> dict[str, Any]:
    """``GET /list``: every item of the list, as the API's JSON."""
    assert calls.listing is not None, "the scenario needs the listing"
    return {"items": [item.to_dict() for item in await completed(calls.listing, palomma)]}


async def refused(palomma: PalommaClient, calls: ServiceCalls) -> None:
    """``GET /refused``: a call with an argument the spec's rules refuse."""
    assert calls.refused is not None, "the scenario needs the refused call"
    await completed(calls.refused[0], palomma)


async def create(palomma: PalommaClient, calls: ServiceCalls) -> Any:
    """``POST /create``: create an invoice, with arguments its rules accept."""
    assert calls.create is not None, "the scenario needs the create"
    return await calls.create(palomma)


async def use_a_closed_client(calls: ServiceCalls) -> None:
    """``GET /closed``: a bug in the service, which closed its client too early."""
    palomma = PalommaClient(
        api_key=KEY, base_url=SANDBOX, transport=httpx2.MockTransport(lambda _: httpx2.Response(500))
    )
    await palomma.close()
    await calls.read(palomma)


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


READ = Call("GET", "/read")


@functools.cache
def webhook_delivery() -> tuple[bytes, dict[str, str]]:
    """A signed delivery of an invoice event: its body and headers.

    Its invoice is made from the spec's ``Invoice`` schema, which invoice events carry, by the
    fake's synthesizer; made when a test sends it, not at import, since a vendor may change it.
    The test skips when the spec has no such schema.
    """
    spec = ApiSpec(load_shipped_spec())
    if not isinstance(spec.document.get("components", {}).get("schemas", {}).get(INVOICE_SCHEMA), dict):
        pytest.skip(f"the spec has no {INVOICE_SCHEMA!r} schema, which invoice webhook events carry")
    invoice = synthesize(spec, f"/components/schemas/{INVOICE_SCHEMA}", at_now())
    body = body_of(delivery("invoice", invoice))
    return body, signed(body)


INVOICE_SCHEMA = "Invoice"
"""The model of an invoice webhook event's ``data``."""


def delivered(**headers: str) -> Callable[[], Call]:
    """The request Palomma makes to deliver ``webhook_delivery()``, with ``headers`` over its own."""
    return lambda: Call(
        "POST", "/webhooks", content=webhook_delivery()[0], headers={**webhook_delivery()[1], **headers}
    )


NOT_A_DELIVERY = json.dumps({"webhookId": "wh_1", "type": "invoice", "data": {}}).encode()
LONG_MESSAGE = "x" * 5_000


@dataclass(frozen=True)
class Scenario:
    """What the API does, what the service is asked, and what its caller must see."""

    name: str
    api: Answer
    call: Call | Callable[[], Call]
    """The request to the service, or what makes it when the test runs."""
    status: int
    body: Mapping[str, Any]
    """Every field of the answer's JSON body, exactly."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Headers the answer must carry (among others)."""
    client_options: Mapping[str, Any] = field(default_factory=dict)
    before: tuple[Call | Callable[[], Call], ...] = ()
    """Calls made first, whose answers are not checked."""
    dedup_store: Callable[[], DedupStore] = InMemoryDedupStore
    needs: tuple[str, ...] = ()
    """The `ServiceCalls` fields it needs besides the read; the test skips when the spec cannot make one."""
    of_calls: Callable[[ServiceCalls], tuple[Answer, Mapping[str, Any]]] | None = None
    """The API's answer and the answer's body, for a scenario made from the calls of the spec."""

    def requests(self) -> tuple[list[Call], Call]:
        """The requests made first, and the request whose answer is checked."""
        made = [call if isinstance(call, Call) else call() for call in (*self.before, self.call)]
        return made[:-1], made[-1]

    def bound(self, calls: ServiceCalls) -> tuple[Answer, Mapping[str, Any]]:
        """What the API answers and the body the service's caller must see, with these calls."""
        return self.of_calls(calls) if self.of_calls is not None else (self.api, self.body)


def _refused_argument(calls: ServiceCalls) -> tuple[Answer, Mapping[str, Any]]:
    assert calls.refused is not None
    call, name = calls.refused
    try:
        OPERATIONS[call.operation_id].build_request(**call.arguments)
    except InvalidParameterError as error:
        return never_called, {"error": str(error), "type": "invalid_parameter", "parameter": name}
    raise AssertionError(f"{name}={call.arguments[name]!r} was not refused")


def _too_large(calls: ServiceCalls) -> tuple[Answer, Mapping[str, Any]]:
    documented = calls.read.ok()
    # The documented answer, its JSON padded with whitespace: valid, and over max_response_bytes.
    padded = documented.content + b" " * 2_000
    headers = {name: value for name, value in documented.headers.items() if name.lower() != "content-length"}
    return (lambda request: httpx2.Response(documented.status_code, content=padded, headers=headers)), {
        "error": UNEXPECTED,
        "type": "bad_gateway",
    }


def _looping_cursor(calls: ServiceCalls) -> tuple[Answer, Mapping[str, Any]]:
    assert calls.listing is not None
    listing = calls.listing
    return (lambda request: page_answer(listing, "cursor_same")), {"error": UNEXPECTED, "type": "bad_gateway"}


def _outcome_unknown(calls: ServiceCalls) -> tuple[Answer, Mapping[str, Any]]:
    creating = calls.create
    assert creating is not None
    call_of("listInvoices")  # where the safe create looks a failed create up; without it, it only fails
    reference = creating.json.get("reference") if isinstance(creating.json, dict) else None
    if not isinstance(reference, str):
        pytest.skip(f"the spec's {creating.operation_id} sends no 'reference', which its safe create keys on")

    def answer(request: httpx2.Request) -> httpx2.Response:
        status = 500 if request.method == creating.http_method else 503
        return httpx2.Response(status, json={"error": "down"}, headers={"x-request-id": "req_create"})

    return answer, {
        "error": (
            f"Could not confirm whether invoice {reference!r} was created; it may exist. Look it up by "
            "its reference before creating it again: creating it again without looking may bill twice."
        ),
        "type": "outcome_unknown",
        "reference": reference,
        "request_id": "req_create",
    }


UNAVAILABLE = "The payment service is unavailable; please try again later"
UNEXPECTED = "The payment service sent an unexpected answer; please try again later"

SCENARIOS = [
    Scenario(
        "not found: 404 with the API's message and request id",
        api_answer(404, {"error": "Invoice not found"}, headers={"x-request-id": "req_7Hc2"}),
        READ,
        404,
        {"error": "Invoice not found", "type": "not_found", "request_id": "req_7Hc2"},
    ),
    Scenario(
        "rate limit: 503 with the API's Retry-After",
        api_answer(429, {"error": "Too many requests"}, headers={"Retry-After": "7"}),
        READ,
        503,
        {"error": "The payment service is busy; retry in 7 seconds", "type": "rate_limited"},
        headers={"Retry-After": "7"},
    ),
    Scenario(
        "rate limit: a fractional Retry-After is rounded up",
        api_answer(429, {"error": "Too many requests"}, headers={"Retry-After": "2.2"}),
        READ,
        503,
        {"error": "The payment service is busy; retry in 3 seconds", "type": "rate_limited"},
        headers={"Retry-After": "3"},
    ),
    Scenario(
        "rate limit: no Retry-After gives the default",
        api_answer(429, {"error": "Too many requests"}),
        READ,
        503,
        {"error": "The payment service is busy; retry in 5 seconds", "type": "rate_limited"},
        headers={"Retry-After": "5"},
    ),
    Scenario(
        "rate limit: a Retry-After of an hour is capped at a minute",
        api_answer(429, {"error": "Too many requests"}, headers={"Retry-After": "3600"}),
        READ,
        503,
        {"error": "The payment service is busy; retry in 60 seconds", "type": "rate_limited"},
        headers={"Retry-After": "60"},
    ),
    Scenario(
        "invalid argument: 422 naming it, and nothing sent",
        never_called,
        Call("GET", "/refused"),
        422,
        {},
        needs=("refused",),
        of_calls=_refused_argument,
    ),
    Scenario(
        "input the API refuses: 422 with its message",
        api_answer(400, {"error": "An invoice with reference 'RENT-2026-03-0001' already exists"}),
        READ,
        422,
        {"error": "An invoice with reference 'RENT-2026-03-0001' already exists", "type": "invalid_request"},
    ),
    Scenario(
        "a refusal whose body is not the API's error: not quoted",
        api_answer(400, text=f"<html>gateway internals, Authorization: Bearer {KEY}</html>"),
        READ,
        422,
        {"error": "The payment service refused the request", "type": "invalid_request"},
    ),
    Scenario(
        "a conflict: 409 with the API's message",
        api_answer(409, {"error": "Invoice is being processed"}),
        READ,
        409,
        {"error": "Invoice is being processed", "type": "conflict"},
    ),
    Scenario(
        "a long message from the API: cut to 200 characters",
        api_answer(404, {"error": LONG_MESSAGE}),
        READ,
        404,
        {"error": "x" * 200 + "...", "type": "not_found"},
    ),
    Scenario(
        "a message from the API quoting the key: the key is masked",
        api_answer(404, {"error": f"No invoice for key {KEY}"}),
        READ,
        404,
        {"error": "No invoice for key [redacted]", "type": "not_found"},
    ),
    Scenario(
        "the service's key refused: 502, generic",
        api_answer(401, {"error": f"Invalid API key {KEY}"}, headers={"x-request-id": "req_401"}),
        READ,
        502,
        {"error": UNAVAILABLE, "type": "bad_gateway", "request_id": "req_401"},
    ),
    Scenario(
        "the service's key not allowed: 502, generic",
        api_answer(403, {"error": "Key not enabled for invoices"}),
        READ,
        502,
        {"error": UNAVAILABLE, "type": "bad_gateway"},
    ),
    Scenario(
        "an API failure: 502, generic",
        api_answer(500, {"error": "upstream pool db-7 exhausted"}),
        READ,
        502,
        {"error": UNAVAILABLE, "type": "bad_gateway"},
    ),
    Scenario(
        "a success the spec does not allow: 502",
        api_answer(200, text=f"<html>not the answer, {KEY}</html>"),
        READ,
        502,
        {"error": UNEXPECTED, "type": "bad_gateway"},
    ),
    Scenario(
        "an answer over max_response_bytes: 502",
        never_called,
        READ,
        502,
        {},
        client_options={"max_response_bytes": 1_000},
        of_calls=_too_large,
    ),
    Scenario(
        "a looping cursor: 502",
        never_called,
        Call("GET", "/list"),
        502,
        {},
        needs=("listing",),
        of_calls=_looping_cursor,
    ),
    Scenario(
        "no connection: 503",
        api_raises(httpx2.ConnectError),
        READ,
        503,
        {"error": UNAVAILABLE, "type": "unavailable"},
    ),
    Scenario(
        "a timeout: 504",
        api_raises(httpx2.ReadTimeout),
        READ,
        504,
        {"error": "The payment service did not answer in time; please try again", "type": "timeout"},
    ),
    Scenario(
        "a create whose outcome is unknown: 503 with Retry-After and the reference",
        never_called,
        Call("POST", "/create"),
        503,
        {},
        headers={"Retry-After": "30"},
        needs=("create",),
        of_calls=_outcome_unknown,
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
        delivered(**{"X-Signature": "0" * 64}),
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
        delivered(),
        200,
        {"type": "duplicate_webhook", "webhook_id": "wh_01HQY9A7"},
        before=(delivered(),),
    ),
    Scenario(
        "a webhook body over the limit: 200, so that Palomma stops repeating it",
        never_called,
        lambda: Call(
            "POST", "/webhooks", content=b"{" + b" " * MAX_WEBHOOK_BODY_BYTES + b"}", headers=webhook_delivery()[1]
        ),
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
        delivered(**{"X-Encoded-Data": "A" * MAX_WEBHOOK_HEADER_BYTES}),
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
        delivered(),
        503,
        {"error": UNAVAILABLE, "type": "unavailable"},
        dedup_store=BrokenDedupStore,
    ),
]
