"""Debug logs describe each request and retry; the API key appears nowhere."""

from __future__ import annotations

import logging
import subprocess
import sys
import traceback

import httpx2
import pytest

from palomma_client import PalommaClient, PalommaError
from tests.support import API_KEY, RecordingAPI, created_invoice, page_body


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


@pytest.mark.httpx_only  # the program answers through an httpx2.MockTransport
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
