"""The fake over HTTP: auth, the operations it models, pagination, errors, faults and bounds, as a client sees them."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx2
import pytest

from palomma_client.testing import FAKE_BASE_URL, MAX_BODY_SIZE, MAX_RECORDED_REQUESTS, FakeClock, FakePalomma
from palomma_client.testing._fake import _invoice_shape
from palomma_client.testing._spec import Operation
from tests.spec_calls import an_operation, needs_operations, path_of
from tests.support import fresh_name, ready_invoice_json
from tests.testing.support import AUTH, SPEC, START, example_request, invoice_body, needs, operation, query_schema

ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
SHAPE = _invoice_shape(SPEC)
"""The invoice and settlement the fake builds, as the spec shapes them."""
PROBE = fresh_name((parameter.name for item in SPEC.operations for parameter in item.parameters), "probe")
"""A query parameter no operation of the spec declares: the fake records it and checks nothing of it."""


async def _create(http: httpx2.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await http.post(path_of("createInvoice"), json=invoice_body(**changes))
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def _shown(*names: str) -> None:
    """Skip the calling test unless the invoice the fake makes (createInvoice's answer) has each of these fields."""
    needs_operations("createInvoice")
    missing = [name for name in names if name not in SHAPE.invoice.names]
    if missing:
        pytest.skip(f"the spec's invoice has no field {', '.join(map(repr, missing))}")


def _defined(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The entries of ``values`` the spec's object defines (``SHAPE.invoice.names``): the only ones the fake shows."""
    return {name: value for name, value in values.items() if name in names}


def _request_of(item: Operation) -> tuple[str, dict[str, Any]]:
    """The path (below the base URL) and query of a request of ``item`` built from the spec."""
    path, _, parts = example_request(item)
    return path.removeprefix(SPEC.base_path), parts["params"]


def _pattern(item: Operation) -> str:
    """A fault's path pattern matching every request of ``item``: each path parameter a ``*``."""
    return re.sub(r"\{[^}]+\}", "*", item.path)


# --- authentication --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk_live_somebody_else"},
        {"Authorization": "Basic c2tfdGVzdF9wYWxvbW1hX2Zha2U6"},
        {"Authorization": "sk_test_palomma_fake"},
        {"Authorization": "Bearer"},
    ],
)
async def test_requests_without_an_accepted_bearer_token_get_401(fake: FakePalomma, headers: dict[str, str]) -> None:
    item = an_operation()
    path, params = _request_of(item)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        response = await client.request(item.method, path, params=params, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid or missing token"}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_the_bearer_scheme_is_case_insensitive(fake: FakePalomma) -> None:
    item = an_operation()
    path, params = _request_of(item)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        response = await client.request(
            item.method, path, params=params, headers={"Authorization": "bearer sk_test_palomma_fake"}
        )
        as_written = await client.request(item.method, path, params=params, headers=AUTH)
    assert response.status_code != 401
    assert (response.status_code, response.json()) == (as_written.status_code, as_written.json())


async def test_every_configured_key_is_accepted() -> None:
    item = an_operation()
    path, params = _request_of(item)
    fake = FakePalomma(api_keys=["key_one", "key_two"])
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        statuses = [
            (
                await client.request(item.method, path, params=params, headers={"Authorization": f"Bearer {key}"})
            ).status_code
            for key in ("key_one", "key_two", "sk_test_palomma_fake")
        ]
    assert statuses[0] != 401
    assert statuses == [statuses[0], statuses[0], 401]


async def test_a_failed_authentication_creates_nothing(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    response = await http.post(path_of("createInvoice"), json=invoice_body(), headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert fake.invoices() == []


# --- createInvoice ---------------------------------------------------------------------------------


async def test_create_returns_a_ready_invoice_shaped_like_the_spec_example(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    created = await _create(http, customerName="Inmobiliaria Ejemplo SAS")
    assert ULID.fullmatch(created["id"])
    # A field the spec requires that the fake knows nothing of is made up, as the fake's layout makes it.
    expected = _defined(ready_invoice_json(created["id"], "merchant_test"), SHAPE.invoice.names)
    assert created == SHAPE.invoice.lay_out(expected, START)
    assert fake.invoice(created["id"]) == created


async def test_create_keeps_the_given_contract_and_omits_absent_optional_fields(http: httpx2.AsyncClient) -> None:
    _shown("contract")
    created = await _create(http, contract="CTR-8842", documentType="cc")
    assert created["contract"] == "CTR-8842"
    assert "customerName" not in created
    assert "documentType" not in created  # not part of the Invoice schema


async def test_ids_follow_creation_order(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    first = await _create(http, reference="A")
    fake.clock.advance(timedelta(milliseconds=1))
    second = await _create(http, reference="B")
    third = await _create(http, reference="C")
    assert first["id"] < second["id"] < third["id"]


async def test_the_merchant_id_appears_in_payment_urls() -> None:
    needs_operations("createInvoice")
    _shown("paymentUrl")
    fake = FakePalomma(merchant_id="merchant_123")
    created = fake.create_invoice()
    assert created["paymentUrl"] == f"https://pagos.palomma.com/pay/merchant_123/{created['id']}"


async def test_a_duplicate_reference_is_rejected_with_400(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    original = await _create(http)
    fake.cancel(original["id"])
    response = await http.post(path_of("createInvoice"), json=invoice_body(amount=5_000))
    assert response.status_code == 400
    assert response.json() == {"error": "An invoice with reference 'INV-2026-0001' already exists"}
    assert len(fake.invoices()) == 1


# --- getInvoice ------------------------------------------------------------------------------------


async def test_get_returns_the_invoice_as_it_is_now(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    _shown("status")
    created = await _create(http)
    fake.pay(created["id"])
    response = await http.get(path_of("getInvoice", created["id"]))
    assert response.status_code == 200
    assert response.json() == fake.invoice(created["id"])
    assert response.json()["status"] == "paid"


@pytest.mark.parametrize("invoice_id", ["01HQY8EW1H9YGH5PAV5Y2M9R3T", "nope", " "])
async def test_get_answers_404_for_unknown_ids(http: httpx2.AsyncClient, invoice_id: str) -> None:
    response = await http.get(path_of("getInvoice", invoice_id))
    assert response.status_code == 404
    assert response.json() == {"error": "Invoice not found"}


async def test_get_sees_expiry_on_the_fake_clock(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    _shown("status", "expirationDate")
    needs("invoice", "status", "cancelled")
    created = await _create(http)
    fake.clock.advance(timedelta(minutes=4, seconds=59, milliseconds=999))
    assert (await http.get(path_of("getInvoice", created["id"]))).json()["status"] == "ready"
    fake.clock.advance(timedelta(milliseconds=1))
    expired = (await http.get(path_of("getInvoice", created["id"]))).json()
    assert expired["status"] == "cancelled"
    assert expired["expirationDate"] == created["expirationDate"]


# --- listInvoices ----------------------------------------------------------------------------------


async def test_an_empty_list_has_no_items_and_no_cursor(http: httpx2.AsyncClient) -> None:
    response = await http.get(path_of("listInvoices"))
    assert response.status_code == 200
    assert response.json() == {"items": [], "cursor": None, "count": 0}


async def test_list_is_newest_first_in_pages_of_the_specs_default_size(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    needs_operations("createInvoice", "listInvoices")
    size = query_schema("listInvoices", "limit")["default"]
    created = [fake.create_invoice()["id"] for _ in range(size + 5)]
    page = (await http.get(path_of("listInvoices"))).json()
    assert page["count"] == size
    assert [item["id"] for item in page["items"]] == created[::-1][:size]
    rest = (await http.get(path_of("listInvoices"), params={"cursor": page["cursor"]})).json()
    assert [item["id"] for item in rest["items"]] == created[::-1][size:]
    assert rest["cursor"] is None
    assert rest["count"] == 5


async def test_a_page_that_holds_exactly_the_last_items_has_no_cursor(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    needs_operations("createInvoice", "listInvoices")
    for _ in range(4):
        fake.create_invoice()
    first = (await http.get(path_of("listInvoices"), params={"limit": 2})).json()
    assert first["count"] == 2
    assert first["cursor"] is not None
    second = (await http.get(path_of("listInvoices"), params={"limit": 2, "cursor": first["cursor"]})).json()
    assert second["count"] == 2
    assert second["cursor"] is None  # never a cursor to an empty page


async def test_the_smallest_pages_walk_every_invoice_once(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    needs_operations("createInvoice", "listInvoices")
    smallest = query_schema("listInvoices", "limit")["minimum"]
    created = [fake.create_invoice()["id"] for _ in range(3 * smallest)]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": smallest}
    while True:
        page = (await http.get(path_of("listInvoices"), params=params)).json()
        assert page["count"] == smallest
        seen.extend(item["id"] for item in page["items"])
        if page["cursor"] is None:
            break
        params["cursor"] = page["cursor"]
    assert seen == created[::-1]


async def test_the_largest_page_the_spec_allows_is_served_whole(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    needs_operations("createInvoice", "listInvoices")
    maximum = query_schema("listInvoices", "limit")["maximum"]
    for _ in range(maximum + 1):
        fake.create_invoice()
    page = (await http.get(path_of("listInvoices"), params={"limit": maximum})).json()
    assert page["count"] == maximum
    assert page["cursor"] is not None


async def test_a_cursor_keeps_its_place_when_newer_invoices_arrive(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    needs_operations("createInvoice", "listInvoices")
    older = [fake.create_invoice()["id"] for _ in range(3)]
    first = (await http.get(path_of("listInvoices"), params={"limit": 2})).json()
    fake.create_invoice()
    second = (await http.get(path_of("listInvoices"), params={"limit": 2, "cursor": first["cursor"]})).json()
    assert [item["id"] for item in second["items"]] == [older[0]]


async def test_every_filter_narrows_the_list(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    needs_operations("createInvoice", "listInvoices")
    at_ten = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)  # 10:00 in Colombia: settles at 11
    tenant_a = fake.create_invoice(reference="A-1", customer_document_number="111", contract="CTR-1")
    tenant_a_paid = fake.create_invoice(reference="A-2", customer_document_number="111", contract="CTR-1")
    tenant_b_paid = fake.create_invoice(reference="B-1", customer_document_number="222")
    fake.pay(tenant_a_paid["id"], at=at_ten)
    fake.pay(tenant_b_paid["id"], at=datetime(2026, 3, 12, 2, 0, tzinfo=UTC))  # 21:00 on the 11th in Colombia

    async def ids(**params: str) -> set[str]:
        response = await http.get(path_of("listInvoices"), params=params)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    assert await ids(reference="A-1") == {tenant_a["id"]}
    assert await ids(reference="missing") == set()
    assert await ids(customerDocumentNumber="111") == {tenant_a["id"], tenant_a_paid["id"]}
    assert await ids(contract="CTR-1") == {tenant_a["id"], tenant_a_paid["id"]}
    assert await ids(contract="00000") == {tenant_b_paid["id"]}
    assert await ids(paymentDate="2026-03-11") == {tenant_a_paid["id"]}
    assert await ids(paymentDate="2026-03-12") == {tenant_b_paid["id"]}  # the UTC date shown in paymentDate
    assert await ids(settlementDate="2026-03-11") == {tenant_a_paid["id"]}
    assert await ids(settlementDate="2026-03-12") == {tenant_b_paid["id"]}
    assert await ids(settlementCycle="11") == {tenant_a_paid["id"], tenant_b_paid["id"]}
    assert await ids(settlementDate="2026-03-12", settlementCycle="11") == {tenant_b_paid["id"]}
    assert await ids(customerDocumentNumber="111", paymentDate="2026-03-11") == {tenant_a_paid["id"]}


# --- getSettlement ---------------------------------------------------------------------------------


async def test_a_settlement_adds_up_the_invoices_paid_into_its_cycle(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    needs_operations("createInvoice", "getSettlement")
    needs("settlement", "status", "processing")
    for amount in (1_850_000, 5_000):
        fake.pay(fake.create_invoice(amount=amount)["id"])
    fake.pay(fake.create_invoice()["id"], at=fake.clock.now() + timedelta(hours=2))  # a later cycle
    response = await http.get(path_of("getSettlement", "2026-03-11", "13"))
    assert response.status_code == 200
    fees = fake.fee_for(1_850_000) + fake.fee_for(5_000)
    assert response.json() == _defined(
        {
            "date": "2026-03-11",
            "cycle": "13",
            "status": "processing",
            "numberOfInvoices": 2,
            "amountCollected": 1_855_000,
            "fees": fees,
            "feesPostpaid": False,
            "adjustments": 0,
            "gateway": False,
            "paymentAmount": 1_855_000 - fees,
        },
        SHAPE.settlement.names,
    )


@pytest.mark.parametrize("cycle", [("2026-03-11", "13"), ("2026-03-11", "1"), ("1999-01-01", "11")])
async def test_a_settlement_without_invoices_is_404(http: httpx2.AsyncClient, cycle: tuple[str, str]) -> None:
    response = await http.get(path_of("getSettlement", *cycle))
    assert response.status_code == 404
    assert response.json() == {"error": "Settlement not found"}


# --- everything else -------------------------------------------------------------------------------


@pytest.mark.parametrize("template", sorted({item.path for item in SPEC.operations}))
async def test_a_method_the_spec_does_not_give_a_path_gets_405_with_the_specs_methods(
    http: httpx2.AsyncClient, template: str
) -> None:
    allowed = {item.method for item in SPEC.operations if item.path == template}
    path = re.sub(r"\{[^}]+\}", "2026-03-12", template)
    unused = next(method for method in ("DELETE", "PUT", "PATCH", "POST", "GET") if method not in allowed)
    response = await http.request(unused, path)
    assert response.status_code == 405
    assert response.json() == {"error": "Method Not Allowed"}
    assert set(response.headers["allow"].split(", ")) == allowed


@pytest.mark.parametrize("where", ["nothing", "trailing slash", "other base path", "root", "base path"])
async def test_unknown_paths_get_a_json_404_and_no_redirect(http: httpx2.AsyncClient, where: str) -> None:
    known, _ = _request_of(an_operation())
    nothing = fresh_name((item.path.strip("/").split("/")[0] for item in SPEC.operations), "nothing")
    path = {
        "nothing": f"{SPEC.base_path}/{nothing}",
        "trailing slash": f"{SPEC.base_path}{known}/",
        "other base path": f"{SPEC.base_path}-other{known}",
        "root": "/",
        "base path": SPEC.base_path,
    }[where]
    response = await http.get(f"http://fake.palomma.test{path}")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


async def test_every_request_is_recorded_with_its_answer(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    item = an_operation()
    path, params = _request_of(item)
    body = {PROBE: "sent"}
    sent = await http.request(item.method, path, json=body, headers={"X-Trace": "1"})
    query = httpx2.QueryParams({**params, PROBE: 5})
    answered = await http.request(item.method, path, params=query)
    first, second = fake.requests
    assert (first.method, first.path, first.status) == (item.method, sent.request.url.path, sent.status_code)
    assert first.json() == body
    assert first.headers["authorization"] == AUTH["Authorization"]
    assert first.headers["x-trace"] == "1"
    assert (second.method, second.query, second.params, second.status) == (
        item.method,
        str(query),
        dict(query),
        answered.status_code,
    )


# --- faults ----------------------------------------------------------------------------------------


async def test_fail_next_answers_without_acting(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    rule = fake.fail_next(503, retry_after=7, error="Down for maintenance")
    create = path_of("createInvoice")
    response = await http.post(create, json=invoice_body())
    assert response.status_code == 503
    assert response.json() == {"error": "Down for maintenance"}
    assert response.headers["retry-after"] == "7"
    assert fake.invoices() == []
    assert rule.hits == 1
    assert (await http.post(create, json=invoice_body())).status_code == 200


async def test_fail_next_comes_before_authentication(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    item = an_operation()
    path, params = _request_of(item)
    fake.fail_next(429)
    response = await http.request(item.method, path, params=params, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 429
    assert response.json() == {"error": "Too Many Requests"}
    assert "retry-after" not in response.headers


async def test_faults_only_hit_matching_requests_and_only_as_often_as_asked(
    fake: FakePalomma, http: httpx2.AsyncClient
) -> None:
    created = await _create(http)
    read = path_of("getInvoice", created["id"])
    # Every other read, answered the same before the rule as while it waits: none matches it.
    others = [item for item in SPEC.operations if item.method == "GET" and item.operation_id != "getInvoice"]
    unmatched = []
    for item in others:
        path, params = _request_of(item)
        unmatched.append(await http.request(item.method, path, params=params))
    fake.fail_next(500, times=2, method="GET", path=_pattern(operation("getInvoice")))
    for item, before in zip(others, unmatched, strict=True):
        path, params = _request_of(item)
        after = await http.request(item.method, path, params=params)
        assert after.status_code == before.status_code, item.operation_id
    statuses = [(await http.get(read)).status_code for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert fake.faults == []


async def test_fail_after_processing_acts_then_answers_500(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    create = path_of("createInvoice")
    fake.fail_after_processing(method="POST", path=create)
    response = await http.post(create, json=invoice_body())
    assert response.status_code == 500
    assert response.json() == {"error": "Internal Server Error"}
    [created] = fake.invoices()
    echoed = _defined(invoice_body(), tuple(SHAPE.echoed))
    assert echoed
    assert _defined(created, tuple(echoed)) == echoed
    assert fake.requests[-1].status == 500


async def test_delays_go_through_the_injected_sleep(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    fake.sleep = sleep
    read = an_operation()
    other = next((item for item in SPEC.operations if _pattern(item) != _pattern(read)), None)
    if other is None:
        pytest.skip("the spec has operations on one path only")
    allowed = {item.method for item in SPEC.operations if item.path == read.path}
    unused = next(method for method in ("DELETE", "PUT", "PATCH", "POST", "GET") if method not in allowed)
    fake.delay_next(2.5, method=read.method)
    fake.delay_next(1.0, times=None, path=_pattern(other))
    path, params = _request_of(read)
    await http.request(unused, path)
    await http.request(read.method, path, params=params)
    await http.request(read.method, path, params=params)
    other_path, other_params = _request_of(other)
    await http.request(other.method, other_path, params=other_params)
    await http.request(other.method, other_path, params=other_params)
    assert slept == [2.5, 1.0, 1.0]


async def test_the_clock_can_absorb_delays_instead_of_real_time(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    fake.sleep = fake.clock.sleep
    fake.delay_next(301)
    _shown("createdAt")
    created = (await http.post(path_of("createInvoice"), json=invoice_body())).json()
    assert created["createdAt"] == "2026-03-11T16:37:15.007Z"


def test_a_settlement_date_can_be_given_as_a_date(fake: FakePalomma) -> None:
    assert fake.settlement(date(2026, 3, 11), "13") is None


# --- bounded costs -----------------------------------------------------------------------------------

MEBIBYTE = b"x" * (1024 * 1024)


class _Upload:
    """An ASGI `receive` that hands out a large body one chunk at a time, counting what was taken."""

    def __init__(self, chunks: int, chunk: bytes = MEBIBYTE) -> None:
        self.remaining = chunks
        self.chunk = chunk
        self.taken = 0

    async def __call__(self) -> dict[str, Any]:
        self.taken += 1
        self.remaining -= 1
        return {"type": "http.request", "body": self.chunk, "more_body": self.remaining > 0}


async def _asgi_post(
    fake: FakePalomma, upload: _Upload, headers: dict[str, str]
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """POST to an operation that takes a body, straight through ASGI, so that the body is only ever made on demand."""
    path = SPEC.base_path + _request_of(an_operation(body=True))[0]
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("fake.palomma.test", 80),
    }
    await fake.app(scope, upload, send)  # type: ignore[arg-type]
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    response_headers = {name.decode(): value.decode() for name, value in start["headers"]}
    return start["status"], response_headers, json.loads(body)


@pytest.mark.parametrize("declared", [True, False])
async def test_an_unauthenticated_300_mb_body_is_never_read(fake: FakePalomma, declared: bool) -> None:
    upload = _Upload(chunks=300)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer wrong"}
    if declared:
        headers["Content-Length"] = str(300 * len(MEBIBYTE))
    status, _, body = await _asgi_post(fake, upload, headers)
    assert (status, body) == (401, {"error": "Invalid or missing token"})
    assert upload.taken == 0
    assert fake.requests[-1].body == b""


async def test_a_declared_body_over_the_limit_gets_413_unread(fake: FakePalomma) -> None:
    upload = _Upload(chunks=300)
    headers = {**AUTH, "Content-Type": "application/json", "Content-Length": str(300 * len(MEBIBYTE))}
    status, _, body = await _asgi_post(fake, upload, headers)
    assert (status, body) == (413, {"error": f"Request body larger than {MAX_BODY_SIZE} bytes"})
    assert upload.taken == 0
    assert fake.requests[-1].status == 413


async def test_a_streamed_body_is_read_only_until_it_passes_the_limit(fake: FakePalomma) -> None:
    chunk = b"x" * (64 * 1024)
    upload = _Upload(chunks=300 * 16, chunk=chunk)  # 300 MB in 64 KiB chunks, no Content-Length
    status, _, body = await _asgi_post(fake, upload, {**AUTH, "Content-Type": "application/json"})
    assert (status, body) == (413, {"error": f"Request body larger than {MAX_BODY_SIZE} bytes"})
    assert upload.taken == MAX_BODY_SIZE // len(chunk) + 1
    assert fake.invoices() == []


async def test_a_body_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not() -> None:
    item = an_operation(body=True)
    full_path, body, parts = example_request(item)
    path = full_path.removeprefix(SPEC.base_path)
    content = json.dumps(body).encode()
    fake = FakePalomma(max_body_size=len(content) + 10)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL, headers=AUTH
    ) as client:
        headers = {**parts["headers"], "Content-Type": "application/json"}
        at_limit = await client.request(
            item.method, path, params=parts["params"], content=content + b" " * 10, headers=headers
        )
        over = await client.request(
            item.method, path, params=parts["params"], content=content + b" " * 11, headers=headers
        )
    assert 200 <= at_limit.status_code < 300, at_limit.text
    assert (over.status_code, over.json()) == (413, {"error": f"Request body larger than {len(content) + 10} bytes"})


async def test_only_the_newest_requests_are_kept_by_default(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    assert fake.max_recorded_requests == MAX_RECORDED_REQUESTS
    item = an_operation()
    path, params = _request_of(item)
    for index in range(MAX_RECORDED_REQUESTS + 5):
        await http.request(item.method, path, params={**params, PROBE: str(index)})
    assert len(fake.requests) == MAX_RECORDED_REQUESTS
    assert fake.requests[0].params[PROBE] == "5"
    assert fake.requests[-1].params[PROBE] == str(MAX_RECORDED_REQUESTS + 4)


async def test_the_number_of_requests_kept_can_be_chosen_or_unbounded() -> None:
    item = an_operation()
    path, params = _request_of(item)
    for maximum, kept in ((2, ["3", "4"]), (None, ["0", "1", "2", "3", "4"])):
        fake = FakePalomma(max_recorded_requests=maximum)
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL, headers=AUTH
        ) as client:
            for index in range(5):
                await client.request(item.method, path, params={**params, PROBE: str(index)})
        assert [request.params[PROBE] for request in fake.requests] == kept


async def test_settings_changed_on_the_fake_apply_to_its_next_request() -> None:
    item = an_operation()
    path, params = _request_of(item)
    rotated = {"Authorization": "Bearer sk_test_rotated"}
    fake = FakePalomma()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), base_url=FAKE_BASE_URL) as client:
        before = await client.request(item.method, path, params=params, headers=AUTH)
        fake.api_keys = ["sk_test_rotated"]
        refused = await client.request(item.method, path, params=params, headers=AUTH)
        accepted = await client.request(item.method, path, params=params, headers=rotated)
        fake.max_body_size = 5
        too_large = await client.request(item.method, path, params=params, json=invoice_body(), headers=rotated)
        fake.max_recorded_requests = 1
        fake.clock = FakeClock(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
        dated = await client.request(item.method, path, params=params, headers=rotated)
    assert before.status_code != 401
    assert (refused.status_code, accepted.status_code) == (401, before.status_code)
    assert (too_large.status_code, too_large.json()) == (413, {"error": "Request body larger than 5 bytes"})
    assert [request.status for request in fake.requests] == [before.status_code]
    assert dated.headers["date"] == "Wed, 02 Jan 2030 03:04:05 GMT"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"max_body_size": -1}, "max_body_size cannot be negative"),
        ({"max_recorded_requests": 0}, "max_recorded_requests must be at least 1"),
    ],
)
def test_bounds_must_make_sense(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FakePalomma(**arguments)
