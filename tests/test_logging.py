"""Debug logs describe each request and retry; the API key appears nowhere."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import traceback
from datetime import datetime
from email.utils import format_datetime

import httpx2
import pytest

from palomma_client import PalommaClient, PalommaError
from palomma_client._generated.api.invoices import create_invoice, get_invoice
from tests.support import API_KEY, RecordingAPI, create_arguments, created_invoice, page_body


async def test_each_request_and_retry_is_logged_at_debug(
    palomma: PalommaClient, api: RecordingAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.queue(
        httpx2.Response(503, json={"error": "busy"}, headers={"Retry-After": "1"}),
        httpx2.Response(200, json=created_invoice()),
    )
    with caplog.at_level(logging.DEBUG, logger="palomma_client"):
        await palomma.invoices.get("abc")
    lines = [record.getMessage() for record in caplog.records if record.name == "palomma_client"]
    assert lines[0].startswith("GET /invoices/abc -> 503 in ")
    assert "(attempt 1)" in lines[0]
    assert "'authorization': '[redacted]'" in lines[0]
    assert (
        lines[1]
        == "retrying getInvoice (GET /invoices/abc) in 1.00s (retry 1 of 2) after 503 Service Unavailable: busy"
    )
    assert lines[2].startswith("GET /invoices/abc -> 200 in ")
    assert "(attempt 2)" in lines[2]


async def test_nothing_is_formatted_when_debug_is_off(
    palomma: PalommaClient, api: RecordingAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()))
    with caplog.at_level(logging.INFO, logger="palomma_client"):
        await palomma.invoices.get("abc")
    assert [record for record in caplog.records if record.name == "palomma_client"] == []


async def test_the_key_never_appears_in_logs_errors_or_reprs(
    api: RecordingAPI, caplog: pytest.LogCaptureFixture, clean_environment: None
) -> None:
    async def no_sleep(delay: float) -> None:
        return None

    api.queue(
        httpx2.ConnectError("refused"),
        httpx2.Response(500, json={"error": "boom"}),
        httpx2.ReadTimeout("slow"),
        httpx2.Response(200, json=page_body([], None)),
        httpx2.Response(401, json={"error": "Invalid or missing token"}),
        httpx2.Response(200, text="<html>"),
    )
    captured: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        async with api.client(api_key=API_KEY, sleep=no_sleep) as palomma:
            for call in (
                lambda: palomma.invoices.get("a"),
                lambda: palomma.invoices.create(
                    reference="R-1",
                    amount=5000,
                    description="d",
                    redirect_url="https://x.example",
                    customer_document_number="1",
                ),
                lambda: palomma.invoices.get("b"),
            ):
                try:
                    await call()
                except PalommaError as error:
                    captured.append(error)
            texts = [repr(palomma), str(palomma), repr(palomma.with_options(max_retries=0))]

    assert len(captured) >= 2
    for failure in captured:
        chain = "".join(traceback.format_exception(failure))
        texts += [chain, repr(failure), str(failure), repr(vars(failure))]
    texts += [record.getMessage() for record in caplog.records]
    texts += [caplog.text]
    for text in texts:
        assert API_KEY not in text


def test_palomma_log_debug_turns_on_logging_to_stderr() -> None:
    program = (
        "import asyncio, httpx2, palomma_client\n"
        "t = httpx2.MockTransport(lambda r: httpx2.Response(404, json={'error': 'Invoice not found'}))\n"
        "async def main():\n"
        "    async with palomma_client.PalommaClient(api_key='sk_test_secret_1', transport=t) as p:\n"
        "        try:\n"
        "            await p.invoices.get('x')\n"
        "        except palomma_client.NotFoundError:\n"
        "            pass\n"
        "asyncio.run(main())\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env={"PALOMMA_LOG": "debug", "PATH": ""},
        check=True,
    )
    assert "DEBUG palomma_client] GET /invoices/x -> 404" in completed.stderr
    assert "sk_test_secret_1" not in completed.stderr


FIELDS = ("palomma_operation_id", "palomma_attempt", "palomma_request_id")


def _fields(record: logging.LogRecord) -> tuple[object, ...]:
    return tuple(getattr(record, name) for name in FIELDS)


async def test_every_record_of_a_call_carries_its_operation_attempt_and_request_id(
    palomma: PalommaClient, api: RecordingAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.queue(
        httpx2.Response(503, json={"error": "busy"}, headers={"Retry-After": "1", "x-request-id": "req_1"}),
        httpx2.Response(200, json=created_invoice(), headers={"x-request-id": "req_2"}),
    )
    with caplog.at_level(logging.DEBUG, logger="palomma_client"):
        await palomma.invoices.get("abc")

    records = [record for record in caplog.records if record.name == "palomma_client"]
    operation = get_invoice.OPERATION_ID
    assert [(record.levelno, _fields(record)) for record in records] == [
        (logging.DEBUG, (operation, 1, "req_1")),
        (logging.INFO, (operation, 1, "req_1")),  # the retry, about the attempt that failed
        (logging.DEBUG, (operation, 2, "req_2")),
    ]
    # What a JSON formatter writes of each record holds the fields, and never the key.
    for record in records:
        written = json.dumps(vars(record), default=str)
        assert '"palomma_operation_id": "getInvoice"' in written
        assert API_KEY not in written


async def test_a_safe_create_lookup_logs_at_info_with_the_creates_fields(
    palomma: PalommaClient, api: RecordingAPI, caplog: pytest.LogCaptureFixture
) -> None:
    existing = created_invoice(id="01EXISTING")
    # The API's clock says the call started when the invoice was made: it is this call's own.
    listed_at = {"Date": format_datetime(datetime.fromisoformat(existing["createdAt"]), usegmt=True)}

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.method == create_invoice.METHOD:
            return httpx2.Response(
                500, json={"error": "Internal Server Error"}, headers={"x-request-id": "req_c", **listed_at}
            )
        return httpx2.Response(200, json=page_body([existing], None), headers={"x-request-id": "req_l", **listed_at})

    api.default = answer
    with caplog.at_level(logging.INFO, logger="palomma_client"):
        await palomma.invoices.create(**create_arguments())

    looking, found = (record for record in caplog.records if record.name == "palomma_client")
    assert "looking reference" in looking.getMessage()
    assert _fields(looking) == (create_invoice.OPERATION_ID, 1, "req_c")
    assert "already exists as 01EXISTING" in found.getMessage()
    assert _fields(found) == (create_invoice.OPERATION_ID, 1, "req_l")
    assert looking.levelno == found.levelno == logging.INFO
