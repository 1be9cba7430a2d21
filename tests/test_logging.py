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
from tests.spec_calls import SpecCall, a_call, call_of, calls, field, listed_field, page_holding
from tests.support import API_KEY, RecordingAPI


@pytest.fixture
def read() -> SpecCall:
    """A read that sends the API key as a bearer token: every call is logged the same way, its key masked."""
    return a_call("GET", bearer_key=True)


async def test_each_request_and_retry_is_logged_at_debug(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.queue(httpx2.Response(503, json={"error": "busy"}, headers={"Retry-After": "1"}), read.ok())
    with caplog.at_level(logging.DEBUG, logger="palomma_client"):
        await read(palomma)
    lines = [record.getMessage() for record in caplog.records if record.name == "palomma_client"]
    request = f"{read.http_method} {read.path}"
    assert lines[0].startswith(f"{request} -> 503 in ")
    assert "(attempt 1)" in lines[0]
    assert "'authorization': '[redacted]'" in lines[0]
    assert (
        lines[1]
        == f"retrying {read.operation_id} ({request}) in 1.00s (retry 1 of 2) after 503 Service Unavailable: busy"
    )
    assert lines[2].startswith(f"{request} -> {read.answer.status} in ")
    assert "(attempt 2)" in lines[2]


async def test_nothing_is_formatted_when_debug_is_off(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.queue(read.ok())
    with caplog.at_level(logging.INFO, logger="palomma_client"):
        await read(palomma)
    assert [record for record in caplog.records if record.name == "palomma_client"] == []


async def test_the_key_never_appears_in_logs_errors_or_reprs(
    read: SpecCall, api: RecordingAPI, caplog: pytest.LogCaptureFixture, clean_environment: None
) -> None:
    async def no_sleep(delay: float) -> None:
        return None

    api.queue(
        httpx2.ConnectError("refused"),
        httpx2.Response(500, json={"error": "boom"}),
        httpx2.ReadTimeout("slow"),
        httpx2.Response(200, text="<html>"),
        httpx2.Response(401, json={"error": "Invalid or missing token"}),
        httpx2.Response(200, text="<html>"),
    )
    # A read that fails after retries, a write of the spec when it has one (its answer unreadable), a refused read.
    writes = [call for call in calls() if call.http_method != "GET" and not call.paged][:1]
    captured: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        async with api.client(api_key=API_KEY, sleep=no_sleep) as palomma:
            for call in (read, *writes, read):
                try:
                    await call(palomma)
                except PalommaError as error:
                    captured.append(error)
            texts = [repr(palomma), str(palomma), repr(palomma.with_options(max_retries=0))]

    assert len(captured) == 2 + len(writes)
    for failure in captured:
        chain = "".join(traceback.format_exception(failure))
        texts += [chain, repr(failure), str(failure), repr(vars(failure))]
    texts += [record.getMessage() for record in caplog.records]
    texts += [caplog.text]
    for text in texts:
        assert API_KEY not in text


def test_palomma_log_debug_turns_on_logging_to_stderr() -> None:
    # A call through ``request()``, which every spec has: the log is the same for every call.
    program = (
        "import asyncio, httpx2, palomma_client\n"
        "t = httpx2.MockTransport(lambda r: httpx2.Response(404, json={'error': 'Not found'}))\n"
        "async def main():\n"
        "    async with palomma_client.PalommaClient(api_key='sk_test_secret_1', transport=t) as p:\n"
        "        try:\n"
        "            await p.request('GET', '/things/{id}', path_params={'id': 'x'})\n"
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
    assert "DEBUG palomma_client] GET /things/x -> 404" in completed.stderr
    assert "sk_test_secret_1" not in completed.stderr


FIELDS = ("palomma_operation_id", "palomma_attempt", "palomma_request_id")


def _fields(record: logging.LogRecord) -> tuple[object, ...]:
    return tuple(getattr(record, name) for name in FIELDS)


async def test_every_record_of_a_call_carries_its_operation_attempt_and_request_id(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.queue(
        httpx2.Response(503, json={"error": "busy"}, headers={"Retry-After": "1", "x-request-id": "req_1"}),
        read.ok(**{"x-request-id": "req_2"}),
    )
    with caplog.at_level(logging.DEBUG, logger="palomma_client"):
        await read(palomma)

    records = [record for record in caplog.records if record.name == "palomma_client"]
    operation = read.operation_id
    assert [(record.levelno, _fields(record)) for record in records] == [
        (logging.DEBUG, (operation, 1, "req_1")),
        (logging.INFO, (operation, 1, "req_1")),  # the retry, about the attempt that failed
        (logging.DEBUG, (operation, 2, "req_2")),
    ]
    # What a JSON formatter writes of each record holds the fields, and never the key.
    for record in records:
        written = json.dumps(vars(record), default=str)
        assert f'"palomma_operation_id": "{operation}"' in written
        assert API_KEY not in written


async def test_a_safe_create_lookup_logs_at_info_with_the_creates_fields(
    palomma: PalommaClient, api: RecordingAPI, caplog: pytest.LogCaptureFixture
) -> None:
    # The safe create of invoices, which looks a failed create up by its reference in the list.
    create, listing = call_of("createInvoice"), call_of("listInvoices")
    listed_field(listing, "reference")  # what the lookup matches the listed invoices on
    page, existing = page_holding(listing, **create.json, id="01EXISTING")
    # The API's clock says the call started when the invoice was made: it is this call's own.
    made = existing.get("createdAt")
    listed_at = {"Date": format_datetime(datetime.fromisoformat(made), usegmt=True)} if made else {}

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.method == create.http_method:
            return httpx2.Response(
                500, json={"error": "Internal Server Error"}, headers={"x-request-id": "req_c", **listed_at}
            )
        return httpx2.Response(200, json=page, headers={"x-request-id": "req_l", **listed_at})

    api.default = answer
    with caplog.at_level(logging.INFO, logger="palomma_client"):
        invoice = await create(palomma)

    looking, found = (record for record in caplog.records if record.name == "palomma_client")
    assert "looking reference" in looking.getMessage()
    assert _fields(looking) == (create.operation_id, 1, "req_c")
    assert f"already exists as {field(invoice, 'id')}" in found.getMessage()
    assert field(invoice, "id") == "01EXISTING"
    assert _fields(found) == (create.operation_id, 1, "req_l")
    assert looking.levelno == found.levelno == logging.INFO
