"""OpenTelemetry spans and metrics for each call and each HTTP attempt, when ``opentelemetry-api`` is installed.

The SDK writes through OpenTelemetry's API only, to the global tracer and
meter providers the application set up (the ``otel`` extra installs the
API). Without the API nothing of OpenTelemetry is imported and ``TELEMETRY``
is ``None``: the requester then takes its plain path, at no extra cost.

Names follow OpenTelemetry's HTTP client conventions: one span per attempt,
of kind CLIENT, named ``"{METHOD} {url.template}"`` with the spec's path
template (never a concrete id); the histogram ``http.client.request.duration``
in seconds. Each SDK call is a span of its own above them, named
``palomma.<resource>.<method>``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from palomma_client._exceptions import REQUEST_ID_HEADER, APIStatusError, PalommaError
from palomma_client._generated.version import __version__
from palomma_client._request import ApiRequest, HTTPRequest, HTTPResponse

if TYPE_CHECKING:
    from opentelemetry.trace import Span

__all__ = ["DURATION_BUCKETS", "INSTRUMENTATION_NAME", "TELEMETRY", "Telemetry", "call_span_name", "path_template"]

INSTRUMENTATION_NAME = "palomma_client"
"""The name of the SDK's tracer and meter."""

DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
"""The bucket boundaries OpenTelemetry's conventions advise for ``http.client.request.duration``."""

Attributes = dict[str, str | int]


@lru_cache(maxsize=64)
def path_template(operation_id: str) -> str | None:
    """The spec's path template of an operation (``/invoices/{id}``), from the generated code."""
    from palomma_client._generated.api import OPERATIONS

    module = OPERATIONS.get(operation_id)
    template = getattr(module, "PATH", None)
    return template if isinstance(template, str) else None


@lru_cache(maxsize=64)
def call_span_name(operation_id: str | None) -> str:
    """``palomma.invoices.create``: the span of one SDK call, named by its resource and method."""
    from palomma_client._generated.api import METHODS

    if operation_id is not None and operation_id in METHODS:
        resource, method = METHODS[operation_id]
        return f"palomma.{resource}.{method}"
    return "palomma.request"


@lru_cache(maxsize=16)
def _server(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def _template_of(request: ApiRequest) -> str | None:
    if request.template is not None:
        return request.template
    return None if request.operation_id is None else path_template(request.operation_id)


def error_type(error: BaseException) -> str:
    """``error.type`` as the conventions have it: the status code of an HTTP error, else the exception's class."""
    if isinstance(error, APIStatusError):
        return str(error.status_code)
    return type(error).__name__


class Telemetry:
    """The SDK's tracer, meter and propagator, from OpenTelemetry's global providers."""

    __slots__ = ("_duration", "_globals", "_inject", "_span_kind", "_status", "_tracer")

    def __init__(self) -> None:
        from opentelemetry import metrics, propagate, trace

        # Until the application sets a provider, the API hands out proxies that
        # drop everything: the SDK then skips its spans and metrics altogether.
        # The API's getters cost microseconds a call (each reads the
        # environment), so the module globals where the API has kept its
        # providers since 1.0 are read instead. Should they move, everything
        # is simply always recorded: slower, never lost.
        trace.get_tracer_provider()  # loads one named by OTEL_PYTHON_TRACER_PROVIDER
        metrics.get_meter_provider()  # and OTEL_PYTHON_METER_PROVIDER
        from opentelemetry.metrics import _internal as metrics_globals

        known = hasattr(trace, "_TRACER_PROVIDER") and hasattr(metrics_globals, "_METER_PROVIDER")
        self._globals: tuple[Any, Any] | None = (trace, metrics_globals) if known else None

        # Both are proxies until the application sets its providers, and follow them from then on.
        self._tracer = trace.get_tracer(INSTRUMENTATION_NAME, __version__)
        self._duration = metrics.get_meter(INSTRUMENTATION_NAME, __version__).create_histogram(
            "http.client.request.duration",
            unit="s",
            description="Duration of HTTP client requests.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self._inject = propagate.inject
        self._span_kind = trace.SpanKind.CLIENT
        self._status = (trace.Status, trace.StatusCode.ERROR)

    def enabled(self) -> bool:
        """Whether the application has set a tracer or a meter provider: without either, nothing is recorded."""
        known = self._globals
        # The API's module globals, read for speed (see __init__): the one read of a library's private names.
        return known is None or known[0]._TRACER_PROVIDER is not None or known[1]._METER_PROVIDER is not None  # noqa: SLF001

    @contextmanager
    def call(self, request: ApiRequest) -> Iterator[None]:
        """The span of one SDK call: every attempt, backoff and lookup it makes is below it."""
        operation_id = request.operation_id
        attributes: Attributes = {} if operation_id is None else {"palomma.operation_id": operation_id}
        with self._tracer.start_as_current_span(
            call_span_name(operation_id), attributes=attributes, record_exception=True
        ) as span:
            try:
                yield
            except PalommaError as error:
                span.set_attribute("error.type", error_type(error))
                raise

    async def attempt(
        self,
        send: Callable[[HTTPRequest], Awaitable[HTTPResponse]],
        outgoing: HTTPRequest,
        request: ApiRequest,
        *,
        base_url: str,
        attempt: int,
    ) -> HTTPResponse:
        """Send one attempt in a CLIENT span, with its ``traceparent``, and record its duration."""
        method = outgoing.method
        template = _template_of(request)
        host, port = _server(base_url)
        attributes: Attributes = {"http.request.method": method, "server.address": host, "server.port": port}
        metric: Attributes = {"http.request.method": method, "server.address": host, "server.port": port}
        if template is not None:
            attributes["url.template"] = metric["url.template"] = template
        if request.operation_id is not None:
            attributes["palomma.operation_id"] = metric["palomma.operation_id"] = request.operation_id
        if attempt > 1:
            attributes["http.request.resend_count"] = attempt - 1
        name = method if template is None else f"{method} {template}"
        started = time.perf_counter()
        with self._tracer.start_as_current_span(
            name, kind=self._span_kind, attributes=attributes, record_exception=True, set_status_on_exception=True
        ) as span:
            carrier: dict[str, str] = dict(outgoing.headers or {})
            self._inject(carrier)
            outgoing = dataclasses.replace(outgoing, headers=carrier)
            try:
                response = await send(outgoing)
            except PalommaError as error:
                metric["error.type"] = kind = error_type(error)
                span.set_attribute("error.type", kind)
                self._duration.record(time.perf_counter() - started, metric)
                raise
            self._describe(span, response, metric)
            self._duration.record(time.perf_counter() - started, metric)
        return response

    def _describe(self, span: Span, response: HTTPResponse, metric: Attributes) -> None:
        status = response.status_code
        span.set_attribute("http.response.status_code", status)
        metric["http.response.status_code"] = status
        request_id = response.header(REQUEST_ID_HEADER)
        if request_id:
            span.set_attribute("palomma.request_id", request_id)
        if status >= 400:
            metric["error.type"] = str(status)
            span.set_attribute("error.type", str(status))
            status_class, error_code = self._status
            span.set_status(status_class(error_code))


def _load() -> Telemetry | None:
    try:
        import opentelemetry.metrics
        import opentelemetry.propagate
        import opentelemetry.trace  # noqa: F401
    except ImportError:
        return None
    return Telemetry()


TELEMETRY: Telemetry | None = _load()
"""The SDK's telemetry, or ``None`` when ``opentelemetry-api`` is not installed."""
