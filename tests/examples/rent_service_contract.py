"""The behaviour both example services share, checked once for each framework.

``tests/examples/test_fastapi_app.py`` and ``test_aiohttp_app.py`` subclass
``RentServiceContract`` and provide the ``start_service`` fixture; every test
here then runs against that framework's service, on the fake Palomma API.
Both answer invoices as the SDK's ``Invoice`` (the API's camelCase JSON) and
SDK errors through the package's glue (``docs/frameworks.md``).
"""

from __future__ import annotations

import asyncio
import logging
from types import ModuleType
from typing import Any, ClassVar

import httpx2
import pytest

from palomma_client import Invoice, Invoices, PalommaClient
from palomma_client.testing import FakePalomma
from tests.examples.conftest import RecordingFactory, Service, StartService, skip_wait
from tests.spec_calls import field
from tests.support import schema

TENANT = "1020304050"
OTHER_TENANT = "900123456"
SANDBOX = "https://sandbox.api.palomma.com/v1"
UNKNOWN_INVOICE_ID = "01HQY8EW1H9YGH5PAV5Y2M9R3T"
"""An id no invoice on the fake has."""


def rent_invoice(**changes: Any) -> dict[str, Any]:
    """A valid body for ``POST /tenants/{document}/rent-invoices``, with changes."""
    return {
        "reference": "RENT-2026-03-0001",
        "amount": 1_850_000,
        "description": "Canon de arrendamiento marzo 2026",
        "redirect_url": "https://merchant.example.com/payments/return",
        **changes,
    }


def a_read() -> str:
    """A route of the services that reads from Palomma with one GET: a tenant's invoices, or else one invoice.

    Either serves a test of how a service answers Palomma's failures (the SDK retries a GET
    alike); each route needs its operation of the spec, which a vendor may remove.
    """
    if hasattr(Invoices, "list"):
        return f"/tenants/{TENANT}/invoices"
    if hasattr(Invoices, "get"):
        return f"/tenants/{TENANT}/invoices/{UNKNOWN_INVOICE_ID}"
    pytest.skip("the SDK's Invoices has no `list` and no `get`: the spec has neither read the services send")


def invoice_field(invoice: dict[str, Any], json_name: str) -> Any:
    """A field of an invoice a service answered or the fake holds, by its JSON name, as the SDK reads it.

    The test skips, naming the field, when the spec's ``Invoice`` no longer has it.
    """
    return field(Invoice.from_dict(invoice), json_name)


class RentServiceContract:
    """Tests of the rent service, whichever framework serves it."""

    example: ClassVar[ModuleType]
    """The example module under test; set by each subclass."""

    # --- creating and listing ----------------------------------------------------------------------

    async def test_creating_an_invoice_returns_its_payment_url_and_the_api_holds_exactly_it(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        assert reply.status == 201
        created = reply.json()
        [stored] = palomma_fake.invoices()
        assert created == stored
        [sent] = [request.json() for request in palomma_fake.requests]
        assert sent == {
            "reference": "RENT-2026-03-0001",
            "amount": 1_850_000,
            "description": "Canon de arrendamiento marzo 2026",
            "redirectUrl": "https://merchant.example.com/payments/return",
            "customerDocumentNumber": TENANT,
        }
        # Whatever the spec's invoice shows of the request shows it as sent.
        shown = sent.keys() & stored.keys()
        assert shown
        assert {name: stored[name] for name in shown} == {name: sent[name] for name in shown}
        assert invoice_field(created, "paymentUrl").startswith("https://")

    async def test_optional_fields_reach_the_api(self, service: Service, palomma_fake: FakePalomma) -> None:
        body = rent_invoice(customer_name="Ana Gómez", contract="CTR-8842", document_type="cc")

        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=body)

        assert reply.status == 201
        [stored] = palomma_fake.invoices()
        # Invoices do not show the document type; the request that created this one does.
        assert palomma_fake.requests[0].json()["documentType"] == "cc"
        assert (invoice_field(stored, "customerName"), invoice_field(stored, "contract")) == ("Ana Gómez", "CTR-8842")
        assert invoice_field(reply.json(), "customerName") == "Ana Gómez"

    async def test_listing_pages_through_only_the_tenants_invoices_with_the_next_cursor(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        ids = []
        for month in range(1, 6):
            ids.append(palomma_fake.create_invoice(reference=f"A-{month}", customer_document_number=TENANT)["id"])
            palomma_fake.create_invoice(reference=f"B-{month}", customer_document_number=OTHER_TENANT)

        pages = []
        params: dict[str, str | int] = {"limit": 2}
        while True:
            reply = await service.request("GET", f"/tenants/{TENANT}/invoices", params=params)
            assert reply.status == 200
            pages.append(reply.json())
            if pages[-1]["nextCursor"] is None:
                break
            params = {"limit": 2, "cursor": pages[-1]["nextCursor"]}

        assert [[invoice["id"] for invoice in page["invoices"]] for page in pages] == [
            [ids[4], ids[3]],
            [ids[2], ids[1]],
            [ids[0]],
        ]
        sent = [request for request in palomma_fake.requests if request.method == "GET"]
        assert len(sent) == 3
        assert all(page.params["customerDocumentNumber"] == TENANT for page in sent)
        assert all(page.params["limit"] == "2" for page in sent)

    async def test_each_listing_reads_one_page_from_the_api(self, service: Service, palomma_fake: FakePalomma) -> None:
        ids = [
            palomma_fake.create_invoice(reference=f"A-{month}", customer_document_number=TENANT)["id"]
            for month in range(1, 6)
        ]

        reply = await service.request("GET", f"/tenants/{TENANT}/invoices", params={"limit": 3})

        assert [invoice["id"] for invoice in reply.json()["invoices"]] == [ids[4], ids[3], ids[2]]
        assert reply.json()["nextCursor"] is not None
        assert len(palomma_fake.requests) == 1

    async def test_a_tenant_with_no_invoices_gets_an_empty_list(self, service: Service) -> None:
        reply = await service.request("GET", f"/tenants/{TENANT}/invoices")

        assert (reply.status, reply.json()) == (200, {"invoices": [], "nextCursor": None})

    async def test_a_payment_made_on_the_fake_shows_on_the_invoice(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        created = (await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())).json()
        palomma_fake.pay(created["id"], method="nequiButton")

        reply = await service.request("GET", f"/tenants/{TENANT}/invoices/{created['id']}")

        assert (reply.status, reply.json()["id"]) == (200, created["id"])
        assert invoice_field(reply.json(), "paymentDate") is not None
        assert (invoice_field(reply.json(), "status"), invoice_field(reply.json(), "paymentMethod")) == (
            "paid",
            "nequiButton",
        )

    async def test_another_tenants_invoice_is_not_found(self, service: Service, palomma_fake: FakePalomma) -> None:
        theirs = palomma_fake.create_invoice(customer_document_number=OTHER_TENANT)

        reply = await service.request("GET", f"/tenants/{TENANT}/invoices/{theirs['id']}")
        unknown = await service.request("GET", f"/tenants/{TENANT}/invoices/{UNKNOWN_INVOICE_ID}")

        assert (reply.status, reply.json()) == (404, {"error": "Invoice not found", "type": "not_found"})
        assert (unknown.status, unknown.json()) == (reply.status, reply.json())

    # --- input errors: 422, nothing sent ------------------------------------------------------------

    async def test_an_amount_out_of_range_is_422_naming_it_and_never_reaches_the_api(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        amount = schema("CreateInvoiceRequest")["properties"]["amount"]
        too_low = amount["minimum"] - 1
        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice(amount=too_low))

        assert reply.status == 422
        assert reply.json() == {
            "error": f"amount: must be between {amount['minimum']:,} and {amount['maximum']:,}, got {too_low:,}",
            "type": "invalid_parameter",
            "parameter": "amount",
        }
        assert palomma_fake.requests == []

    @pytest.mark.parametrize(
        ("changes", "parameter"),
        [
            ({"redirect_url": "/payments/return"}, "redirect_url"),
            ({"document_type": "passport"}, "document_type"),
            ({"reference": ""}, "reference"),
        ],
    )
    async def test_other_invalid_fields_are_422_naming_them(
        self, service: Service, palomma_fake: FakePalomma, changes: dict[str, Any], parameter: str
    ) -> None:
        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice(**changes))

        assert (reply.status, reply.json()["parameter"]) == (422, parameter)
        assert reply.json()["error"].startswith(f"{parameter}: ")
        assert palomma_fake.requests == []

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/tenants/%20/invoices"),
            ("GET", f"/tenants/%20/invoices/{UNKNOWN_INVOICE_ID}"),
            ("POST", "/tenants/%20/rent-invoices"),
        ],
    )
    async def test_a_blank_tenant_document_is_422_under_the_services_name_for_it(
        self, service: Service, palomma_fake: FakePalomma, method: str, path: str
    ) -> None:
        reply = await service.request(method, path, json=rent_invoice() if method == "POST" else None)

        assert (reply.status, reply.json()) == (
            422,
            {"error": "document: must not be empty", "type": "invalid_parameter", "parameter": "document"},
        )
        assert palomma_fake.requests == []

    @pytest.mark.parametrize(("params", "parameter"), [({"limit": 500}, "limit"), ({"limit": 0}, "limit")])
    async def test_listing_limits_out_of_range_are_422(
        self, service: Service, palomma_fake: FakePalomma, params: dict[str, int], parameter: str
    ) -> None:
        reply = await service.request("GET", f"/tenants/{TENANT}/invoices", params=params)

        assert (reply.status, reply.json()["parameter"]) == (422, parameter)
        assert palomma_fake.requests == []

    async def test_an_invoice_the_api_rejects_is_422_with_the_apis_message(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        palomma_fake.create_invoice(reference="RENT-2026-03-0001")

        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        assert reply.status == 422
        assert reply.json() == {
            "error": "An invoice with reference 'RENT-2026-03-0001' already exists",
            "type": "invalid_request",
        }

    async def test_a_rejection_whose_body_is_not_the_apis_error_is_not_quoted(
        self, start_service: StartService
    ) -> None:
        def gateway_page(request: httpx2.Request) -> httpx2.Response:
            return httpx2.Response(400, text="<html>upstream gateway internals</html>")

        clients = RecordingFactory(
            lambda: PalommaClient(
                api_key="sk_test_gateway", base_url=SANDBOX, transport=httpx2.MockTransport(gateway_page)
            )
        )
        async with start_service(clients) as service:
            reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        assert (reply.status, reply.json()) == (
            422,
            {"error": "The payment service refused the request", "type": "invalid_request"},
        )
        assert "internals" not in reply.text

    # --- our credentials: 502, generic -------------------------------------------------------------

    async def test_a_wrong_api_key_is_502_and_neither_the_key_nor_the_apis_message_leaks(
        self, start_service: StartService, palomma_fake: FakePalomma, caplog: pytest.LogCaptureFixture
    ) -> None:
        wrong_key = "sk_live_wrong_4f9a2c7e1b8d"
        clients = RecordingFactory(lambda: palomma_fake.client(api_key=wrong_key, sleep=skip_wait))
        with caplog.at_level(logging.DEBUG):
            async with start_service(clients) as service:
                created = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())
                read = await service.request("GET", a_read())

        for reply in (created, read):
            assert (reply.status, reply.json()) == (
                502,
                {"error": "The payment service is unavailable; please try again later", "type": "bad_gateway"},
            )
            assert wrong_key not in reply.text
            assert wrong_key not in str(dict(reply.headers))
            assert "token" not in reply.text.lower()
        assert [request.status for request in palomma_fake.requests] == [401, 401]
        assert wrong_key not in caplog.text
        assert palomma_fake.invoices() == []

    async def test_a_forbidden_key_is_502(self, service: Service, palomma_fake: FakePalomma) -> None:
        palomma_fake.fail_next(403, times=None, error="Key not enabled for invoices")

        reply = await service.request("GET", a_read())

        assert reply.status == 502
        assert "enabled" not in reply.text

    # --- Palomma's failures: 5xx ------------------------------------------------------------------------

    async def test_an_api_outage_beyond_the_retries_is_502_without_the_apis_message(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        palomma_fake.fail_next(503, times=None, error="upstream pool db-7 exhausted")

        reply = await service.request("GET", a_read())

        assert (reply.status, reply.json()) == (
            502,
            {"error": "The payment service is unavailable; please try again later", "type": "bad_gateway"},
        )
        assert len(palomma_fake.requests) == 3, "one request and the client's two retries"

    async def test_a_rate_limit_beyond_the_retries_is_503_with_the_apis_retry_after(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        palomma_fake.fail_next(429, times=None, retry_after=7)

        reply = await service.request("GET", a_read())

        assert (reply.status, reply.headers["Retry-After"]) == (503, "7")
        assert reply.json() == {"error": "The payment service is busy; retry in 7 seconds", "type": "rate_limited"}
        assert len(palomma_fake.requests) == 3

    async def test_a_rate_limited_create_is_503_and_creates_nothing(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        palomma_fake.fail_next(429, times=None, method="POST")

        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        assert (reply.status, reply.headers["Retry-After"]) == (503, "5")
        assert palomma_fake.invoices() == []

    async def test_a_create_the_api_processed_but_answered_with_500_returns_the_one_invoice(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        palomma_fake.fail_after_processing(500, method="POST", path="/invoices")

        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        assert reply.status == 201
        [stored] = palomma_fake.invoices()
        assert reply.json()["id"] == stored["id"]
        assert [request.method for request in palomma_fake.requests] == ["POST", "GET"]

    async def test_a_create_whose_outcome_cannot_be_checked_is_503_and_a_retry_cannot_bill_twice(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        palomma_fake.fail_after_processing(500, method="POST", path="/invoices")
        palomma_fake.fail_next(503, times=None, method="GET")

        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        assert (reply.status, reply.headers["Retry-After"]) == (503, "30")
        assert (reply.json()["type"], reply.json()["reference"]) == ("outcome_unknown", "RENT-2026-03-0001")
        assert "Look it up by its reference before creating it again" in reply.json()["error"]
        assert len(palomma_fake.invoices()) == 1

        palomma_fake.clear_faults()
        retried = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        assert (retried.status, retried.json()["error"]) == (
            422,
            "An invoice with reference 'RENT-2026-03-0001' already exists",
        )
        assert len(palomma_fake.invoices()) == 1

    async def test_an_outage_during_a_create_is_503_retry_later_and_creates_nothing(
        self, service: Service, palomma_fake: FakePalomma
    ) -> None:
        palomma_fake.fail_next(503, times=None)

        reply = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        assert (reply.status, reply.headers["Retry-After"]) == (503, "30")
        assert reply.json()["type"] == "outcome_unknown"
        assert palomma_fake.invoices() == []

    async def test_an_api_that_times_out_is_504(self, start_service: StartService) -> None:
        def time_out(request: httpx2.Request) -> httpx2.Response:
            raise httpx2.ReadTimeout("timed out", request=request)

        clients = RecordingFactory(
            lambda: PalommaClient(
                api_key="sk_test_slow", base_url=SANDBOX, transport=httpx2.MockTransport(time_out), sleep=skip_wait
            )
        )
        async with start_service(clients) as service:
            reply = await service.request("GET", a_read())

        assert (reply.status, reply.json()) == (
            504,
            {"error": "The payment service did not answer in time; please try again", "type": "timeout"},
        )

    async def test_an_api_that_refuses_connections_is_503(self, start_service: StartService, refused_port: int) -> None:
        clients = RecordingFactory(
            lambda: PalommaClient(
                api_key="sk_test_refused", base_url=f"http://127.0.0.1:{refused_port}/v1", sleep=skip_wait
            )
        )
        async with start_service(clients) as service:
            read = await service.request("GET", a_read())
            created = await service.request("POST", f"/tenants/{TENANT}/rent-invoices", json=rent_invoice())

        for reply in (read, created):
            assert (reply.status, reply.json()) == (
                503,
                {"error": "The payment service is unavailable; please try again later", "type": "unavailable"},
            )

    # --- one shared client -----------------------------------------------------------------------------

    async def test_a_burst_of_200_concurrent_requests_shares_one_client_without_error(
        self, service: Service, palomma_fake: FakePalomma, fake_clients: RecordingFactory
    ) -> None:
        creates = [
            service.request(
                "POST",
                f"/tenants/{TENANT}-{number % 10}/rent-invoices",
                json=rent_invoice(reference=f"RENT-2026-03-{number:04d}"),
            )
            for number in range(150)
        ]
        lists = [service.request("GET", f"/tenants/{TENANT}-{number % 10}/invoices") for number in range(50)]

        replies = await asyncio.gather(*creates, *lists)

        assert [reply.status for reply in replies] == [201] * 150 + [200] * 50
        assert len({reply.json()["id"] for reply in replies[:150]}) == 150
        assert len(palomma_fake.invoices()) == 150
        assert len(fake_clients.made) == 1

    async def test_the_service_opens_one_client_at_startup_and_closes_it_at_shutdown(
        self, start_service: StartService, fake_clients: RecordingFactory
    ) -> None:
        async with start_service(fake_clients) as service:
            [palomma] = fake_clients.made
            await service.request("GET", a_read())
            await service.request("GET", a_read())
            assert not palomma.is_closed

        assert palomma.is_closed
        assert fake_clients.made == [palomma]

    async def test_in_production_the_client_comes_from_the_environment(
        self, start_service: StartService, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PALOMMA_API_KEY", "sk_test_from_environment")
        monkeypatch.setenv("PALOMMA_ENVIRONMENT", "sandbox")
        monkeypatch.delenv("PALOMMA_BASE_URL", raising=False)
        clients = RecordingFactory(self.example.client_from_environment)

        async with start_service(clients):
            [palomma] = clients.made
            assert palomma.base_url == SANDBOX

        assert palomma.is_closed
