"""Every HTTP outcome becomes one typed error, with the status, the server's message and a body excerpt."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

import palomma_client
from palomma_client import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    PalommaClient,
    PalommaError,
    PermissionDeniedError,
    RateLimitError,
)
from palomma_client._exceptions import body_excerpt
from palomma_client.testing._spec import schema_types
from tests.spec_calls import SpecCall, a_call, answer_properties, calls
from tests.support import RecordingAPI, backend_errors, operation


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec answering JSON: any call meets the same errors."""
    return a_call("GET")


STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (599, InternalServerError),
    (418, APIStatusError),
    (422, APIStatusError),
    (302, APIStatusError),
]


@pytest.mark.parametrize(("status", "error_class"), STATUS_CLASSES)
async def test_every_status_maps_to_its_exception(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, status: int, error_class: type[APIStatusError]
) -> None:
    api.default = lambda request: httpx2.Response(status, json={"error": "Amount must be an integer"})

    with pytest.raises(error_class) as caught:
        await read(palomma.with_options(max_retries=0))

    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.message == "Amount must be an integer"
    assert error.body == {"error": "Amount must be an integer"}
    assert error.response.status_code == status
    assert str(error).startswith(f"{status} ")
    assert str(error).endswith(": Amount must be an integer")


@pytest.mark.backends
async def test_a_non_json_gateway_page_names_the_status_and_quotes_the_body(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>" * 10
    api.queue(httpx2.Response(502, text=html, headers={"content-type": "text/html"}))

    with pytest.raises(InternalServerError) as caught:
        await read(palomma.with_options(max_retries=0))

    assert caught.value.body is None
    assert str(caught.value).startswith("502 Bad Gateway: response body is not JSON: '<html><head><title>502 Bad")
    assert str(caught.value).endswith("...'")
    assert len(str(caught.value)) < 300


async def test_an_error_body_without_error_text_is_quoted(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(400, json={"message": "nope"}))
    with pytest.raises(BadRequestError, match=r'no "error" text: \'{"message":"nope"}\''):
        await read(palomma)


def _a_property(wanted: str, fits: Callable[[dict[str, Any], bool], bool]) -> tuple[SpecCall, str]:
    """The first read of the spec whose answer has a property that ``fits`` (its schema, whether required); its name."""
    reads = [call for call in calls() if call.http_method == "GET" and not call.paged and isinstance(call.body, dict)]
    for read in reads:
        properties, required = answer_properties(read)
        for name, schema in properties.items():
            if fits(schema, name in required):
                return read, name
    pytest.skip(f"no read of the spec answers an object with a {wanted}")


def _with(read: SpecCall, **changes: Any) -> bytes:
    """The documented answer's body with ``changes``; a change to ``_DROP`` removes the field."""
    body = {**read.body, **changes}
    return json.dumps({name: value for name, value in body.items() if value is not _DROP}).encode()


_DROP = object()

Broken = tuple[SpecCall, bytes, str]
"""A read, a body that breaks its answer's schema, and the problem its error must name."""


def _missing_required(read: SpecCall) -> Broken:
    read, name = _a_property("required field", lambda schema, required: required)
    return read, _with(read, **{name: _DROP}), f"({name}: is required but missing)"


def _number_as_text(read: SpecCall) -> Broken:
    def numeric(schema: dict[str, Any], required: bool) -> bool:
        return bool({"number", "integer"} & set(schema_types(schema))) and "enum" not in schema

    read, name = _a_property("number field", numeric)
    value = str(read.body.get(name, 1_850_000))
    expected = "a number" if "number" in schema_types(answer_properties(read)[0][name]) else "an integer"
    return read, _with(read, **{name: value}), f"({name}: expected {expected}, got the string {value!r})"


def _null_text(read: SpecCall) -> Broken:
    def text(schema: dict[str, Any], required: bool) -> bool:
        return required and schema_types(schema) == ("string",) and not schema.get("nullable")

    read, name = _a_property("required text field", text)
    return read, _with(read, **{name: None}), f"({name}: expected a string, got null)"


def _bad_date_time(read: SpecCall) -> Broken:
    def date_time(schema: dict[str, Any], required: bool) -> bool:
        return schema.get("format") == "date-time"

    read, name = _a_property("date-time field", date_time)
    return read, _with(read, **{name: "yesterday"}), f"({name}: expected an ISO 8601 date-time"


def _constant(body: bytes, problem: str) -> Callable[[SpecCall], Broken]:
    return lambda read: (read, body, problem)


def _an_array_for_an_object(read: SpecCall) -> Broken:
    if not isinstance(read.body, dict):
        pytest.skip(f"the answer of {read.operation_id} is no JSON object")
    return read, b"[1, 2]", "(expected an object, got an array)"


@pytest.mark.parametrize(
    "broken",
    [
        _missing_required,
        _constant(b"<html>maintenance</html>", "(the body is not JSON)"),
        _an_array_for_an_object,
        _constant(b"", "(the body is empty)"),
        _number_as_text,
        _null_text,
        _bad_date_time,
        _constant(b"[" * 100_000 + b"]" * 100_000, "(the body nests too deeply to read)"),
    ],
    ids=["missing", "not-json", "array", "empty", "number-as-text", "null-text", "bad-date-time", "deep"],
)
async def test_a_success_body_that_breaks_the_schema_is_a_typed_error(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI, broken: Callable[[SpecCall], Broken]
) -> None:
    read, body, problem = broken(read)
    api.queue(httpx2.Response(read.answer.status, content=body))

    with pytest.raises(APIResponseValidationError) as caught:
        await read(palomma)

    message = str(caught.value)
    assert message.startswith(f"{read.answer.status} response to {read.line} does not match the API spec (")
    assert problem in message
    assert caught.value.status_code == read.answer.status
    assert len(api.requests) == 1


async def test_an_undocumented_success_status_is_a_typed_error_not_none(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    _, _, definition = operation(read.operation_id)
    status = next(status for status in range(200, 300) if str(status) not in definition["responses"])
    api.queue(httpx2.Response(status, json=read.body))
    with pytest.raises(
        APIResponseValidationError,
        match=rf"{status} response .* \(status {status} is not a documented success status of {read.operation_id}\)",
    ):
        await read(palomma)


# A refused connect on each backend, over a real socket, is in tests/test_http.py.
async def test_a_refused_connect_is_a_connection_error_with_the_cause_kept(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.ConnectError("connection refused"))

    with pytest.raises(APIConnectionError) as refused:
        await read(palomma.with_options(max_retries=0))

    assert str(refused.value).startswith(f"Connection error on {read.line}")
    assert isinstance(refused.value.__cause__, backend_errors(api.backend)["refused"])
    assert f"{refused.value.request.method} {refused.value.request.url.path}" == read.line


@pytest.mark.backends
async def test_a_read_timeout_is_a_timeout_error_with_the_cause_kept(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.ReadTimeout("timed out"))

    with pytest.raises(APITimeoutError) as timed_out:
        await read(palomma.with_options(max_retries=0))

    assert str(timed_out.value).startswith(f"Request timed out: {read.line}")
    assert isinstance(timed_out.value.__cause__, backend_errors(api.backend)["read_timeout"])
    assert isinstance(timed_out.value, APIConnectionError)
    assert f"{timed_out.value.request.method} {timed_out.value.request.url.path}" == read.line


def test_the_hierarchy_matches_the_documented_tree() -> None:
    for error_class in (InvalidParameterError, APIConnectionError, APIStatusError, APIResponseValidationError):
        assert issubclass(error_class, PalommaError)
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(APITimeoutError, APIConnectionError)
    for _, error_class in STATUS_CLASSES:
        assert issubclass(error_class, APIStatusError)
    assert NotFoundError.__module__ == "palomma_client"
    assert palomma_client.NotFoundError is NotFoundError


@pytest.mark.backends
async def test_a_huge_error_page_is_quoted_by_its_first_characters_only(
    read: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(502, content=b"<html>" + b"x" * 6_000_000, headers={"content-type": "text/html"}))
    with pytest.raises(InternalServerError) as caught:
        await read(palomma.with_options(max_retries=0))
    assert str(caught.value).startswith("502 Bad Gateway: response body is not JSON: '<html>xxx")
    assert len(str(caught.value)) < 300


def test_an_excerpt_decodes_no_more_of_the_body_than_it_shows() -> None:
    body = "ñ".encode() * 4_000_000  # 8 MB of two-byte characters
    tracemalloc.start()
    try:
        excerpt = body_excerpt(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert excerpt == repr("ñ" * 200 + "...")
    assert peak < 64 * 1024
