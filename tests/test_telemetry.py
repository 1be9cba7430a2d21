"""OpenTelemetry: one span per call, a CLIENT span per attempt with its traceparent, and a duration per attempt.

The SDK writes to the global providers; these tests set them once, with
opentelemetry-sdk's in-memory span exporter and metric reader, and read what
each call left there, on both backends.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest
from opentelemetry import metrics, trace
from opentelemetry.metrics import _internal as metrics_globals
from opentelemetry.sdk.metrics import Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, Span, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from opentelemetry.util._once import Once

from palomma_client import APIConnectionError, PalommaClient
from palomma_client._generated.api import OPERATIONS
from palomma_client._telemetry import INSTRUMENTATION_NAME
from tests.spec_calls import SpecCall, a_call, call_of, field, listed_field, page_holding
from tests.support import API_KEY, RecordingAPI, run_one_request

pytestmark = pytest.mark.backends

EXPORTER = InMemorySpanExporter()
# Delta: each collection holds only the points recorded since the last, so each test reads its own.
READER = InMemoryMetricReader(preferred_temporality={Histogram: AggregationTemporality.DELTA})


@pytest.fixture(scope="module", autouse=True)
def _providers() -> Iterator[None]:
    # Global providers can be set once per process: every test of this module shares them.
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
        trace.set_tracer_provider(provider)
        metrics.set_meter_provider(MeterProvider(metric_readers=[READER]))
    yield
    EXPORTER.clear()
    _forget_providers()


def _forget_providers() -> None:
    # The API sets its providers once per process; later tests must run as an application that set none
    # (no spans, no `traceparent`), as OpenTelemetry's own test suite resets them.
    trace._TRACER_PROVIDER = None
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    metrics_globals._METER_PROVIDER = None
    metrics_globals._METER_PROVIDER_SET_ONCE = Once()


@pytest.fixture(autouse=True)
def _fresh() -> None:
    EXPORTER.clear()
    READER.get_metrics_data()  # what earlier tests recorded


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec: every call is traced the same way."""
    return a_call("GET")


def _call_name(call: SpecCall) -> str:
    return f"palomma.{call.resource}.{call.method}"


def _template(call: SpecCall) -> str:
    """The operation's path template, as the spec writes it."""
    template: str = OPERATIONS[call.operation_id].PATH
    return template


def _attempt_name(call: SpecCall) -> str:
    return f"{call.http_method} {_template(call)}"


def _spans() -> list[ReadableSpan]:
    return sorted(EXPORTER.get_finished_spans(), key=lambda span: span.start_time or 0)


def _traceparent(span: ReadableSpan) -> str:
    context = span.get_span_context()
    assert context is not None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


def _duration_points() -> list[Any]:
    data = READER.get_metrics_data()
    points: list[Any] = []
    for resource_metrics in data.resource_metrics if data else []:
        for scope in resource_metrics.scope_metrics:
            if scope.scope.name != INSTRUMENTATION_NAME:
                continue
            for metric in scope.metrics:
                if metric.name == "http.client.request.duration":
                    assert metric.unit == "s"
                    points.extend(metric.data.data_points)
    return points


def _server(palomma: PalommaClient) -> tuple[str, int]:
    parts = urlsplit(palomma.base_url)
    assert parts.hostname is not None
    return parts.hostname, parts.port or 443


async def test_a_call_is_a_span_with_one_client_span_per_attempt_carrying_its_traceparent(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(read.ok(**{"x-request-id": "req_7"}))

    await read(palomma)

    call, attempt = _spans()
    host, port = _server(palomma)
    assert call.name == _call_name(read)
    assert call.attributes == {"palomma.operation_id": read.operation_id}
    assert attempt.name == _attempt_name(read)
    assert attempt.kind is SpanKind.CLIENT
    assert attempt.parent is not None
    assert attempt.parent.span_id == call.context.span_id
    # The metric point has the span's attributes, less the request id (one per request: unbounded).
    expected = {
        "http.request.method": read.http_method,
        "url.template": _template(read),
        "server.address": host,
        "server.port": port,
        "palomma.operation_id": read.operation_id,
        "http.response.status_code": read.answer.status,
    }
    assert dict(attempt.attributes or {}) == {**expected, "palomma.request_id": "req_7"}
    assert api.requests[0].headers["traceparent"] == _traceparent(attempt)
    [point] = _duration_points()
    assert point.count == 1
    assert dict(point.attributes) == expected


async def test_a_retried_call_counts_resends_and_marks_the_failed_attempt(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(
        httpx2.Response(503, json={"error": "Service Unavailable"}, headers={"x-request-id": "req_1"}),
        read.ok(**{"x-request-id": "req_2"}),
    )

    await read(palomma)

    call, first, second = _spans()
    assert first.parent is not None
    assert second.parent is not None
    assert first.parent.span_id == second.parent.span_id == call.context.span_id
    assert first.attributes is not None
    assert second.attributes is not None
    assert "http.request.resend_count" not in first.attributes
    assert first.attributes["error.type"] == "503"
    assert first.attributes["http.response.status_code"] == 503
    assert first.status.status_code is StatusCode.ERROR
    assert second.attributes["http.request.resend_count"] == 1
    assert second.attributes["palomma.request_id"] == "req_2"
    assert "error.type" not in second.attributes
    assert call.status.status_code is StatusCode.UNSET
    assert [request.headers["traceparent"] for request in api.requests] == [_traceparent(first), _traceparent(second)]
    by_status = {point.attributes["http.response.status_code"]: point for point in _duration_points()}
    assert sorted(by_status) == sorted([read.answer.status, 503])
    assert by_status[503].attributes["error.type"] == "503"
    assert "error.type" not in by_status[read.answer.status].attributes


async def test_a_failed_call_names_the_error_on_the_attempt_the_call_and_the_metric(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    # Over a socket: the connection is closed once the request is read.
    api.queue(httpx2.RemoteProtocolError("server hung up"))

    with pytest.raises(APIConnectionError):
        await read(palomma.with_options(max_retries=0))

    call, attempt = _spans()
    assert call.attributes is not None
    assert attempt.attributes is not None
    assert attempt.attributes["error.type"] == call.attributes["error.type"] == "APIConnectionError"
    assert "http.response.status_code" not in attempt.attributes
    assert attempt.status.status_code is call.status.status_code is StatusCode.ERROR
    [point] = _duration_points()
    assert point.attributes["error.type"] == "APIConnectionError"
    assert "http.response.status_code" not in point.attributes


async def test_a_safe_create_lookup_is_a_call_span_of_its_own_below_the_create(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    # The safe create of invoices, which looks a failed create up by its reference in the list.
    creating, listing = call_of("createInvoice"), call_of("listInvoices")
    listed_field(listing, "reference")  # what the lookup matches the listed invoices on
    page, existing = page_holding(listing, **creating.json, id="01EXISTING")
    # The API's clock says the call started when the invoice was made: it is this call's own.
    made = existing.get("createdAt")
    listed_at = {"Date": format_datetime(datetime.fromisoformat(made), usegmt=True)} if made else {}

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.method == creating.http_method:
            return httpx2.Response(500, json={"error": "Internal Server Error"}, headers=listed_at)
        return httpx2.Response(200, json=page, headers=listed_at)

    api.default = answer
    invoice = await creating(palomma)

    assert field(invoice, "id") == "01EXISTING"
    create, post, lookup, get = _spans()
    assert (create.name, post.name) == (_call_name(creating), _attempt_name(creating))
    assert (lookup.name, get.name) == (_call_name(listing), _attempt_name(listing))
    assert lookup.parent is not None
    assert lookup.parent.span_id == create.context.span_id
    assert get.parent is not None
    assert get.parent.span_id == lookup.context.span_id
    assert lookup.attributes == {"palomma.operation_id": listing.operation_id}
    assert [request.headers["traceparent"] for request in api.requests] == [_traceparent(post), _traceparent(get)]


async def test_a_call_through_request_is_named_by_the_template_it_was_given(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(200, json={"ok": True}))

    await palomma.request("GET", "/things/{id}", path_params={"id": "01ABC"})

    call, attempt = _spans()
    assert call.name == "palomma.request"
    assert attempt.name == "GET /things/{id}"
    assert attempt.attributes is not None
    assert attempt.attributes["url.template"] == "/things/{id}"


async def test_spans_and_the_traceparent_hold_no_secret(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(read.ok())

    await read(palomma)

    for span in _spans():
        assert API_KEY not in span.to_json()
    assert API_KEY not in str(_duration_points())


BLOCK_OPENTELEMETRY = """
import importlib.abc, sys

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "opentelemetry" or name.startswith("opentelemetry."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent())
"""


def test_without_opentelemetry_the_sdk_imports_none_of_it_and_still_sends() -> None:
    printed = run_one_request(
        before=BLOCK_OPENTELEMETRY,
        after=(
            "from palomma_client import _telemetry\n"
            "print(_telemetry.TELEMETRY, seen, sorted(n for n in sys.modules if n.split('.')[0] == 'opentelemetry'))\n"
        ),
    )
    assert printed == "None [None] []"


def test_with_opentelemetry_but_no_provider_set_nothing_is_traced_or_propagated() -> None:
    printed = run_one_request(
        after=(
            "from palomma_client._telemetry import TELEMETRY\nprint(TELEMETRY is not None, TELEMETRY.enabled(), seen)\n"
        )
    )
    assert printed == "True False [None]"


async def test_a_finished_call_keeps_none_of_its_spans_alive(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    # The attempt's deadline timer outlives the attempt: it must not keep the attempt's context.
    api.queue(read.ok())
    await read(palomma)
    assert len(_spans()) == 2

    EXPORTER.clear()
    for _ in range(3):
        await asyncio.sleep(0)  # the callbacks the connection's close left on the loop (aiohttp's) run
    gc.collect()

    assert [span for span in gc.get_objects() if isinstance(span, Span)] == []
