"""Every HTTP outcome becomes one typed error, with the status, the server's message and a body excerpt."""

from __future__ import annotations

import json
import tracemalloc

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
from tests.support import RecordingAPI, backend_errors, created_invoice

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
    palomma: PalommaClient, api: RecordingAPI, status: int, error_class: type[APIStatusError]
) -> None:
    api.default = lambda request: httpx2.Response(status, json={"error": "Amount must be an integer"})

    with pytest.raises(error_class) as caught:
        await palomma.with_options(max_retries=0).invoices.get("abc")

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
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>" * 10
    api.queue(httpx2.Response(502, text=html, headers={"content-type": "text/html"}))

    with pytest.raises(InternalServerError) as caught:
        await palomma.with_options(max_retries=0).invoices.get("abc")

    assert caught.value.body is None
    assert str(caught.value).startswith("502 Bad Gateway: response body is not JSON: '<html><head><title>502 Bad")
    assert str(caught.value).endswith("...'")
    assert len(str(caught.value)) < 300


async def test_an_error_body_without_error_text_is_quoted(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(400, json={"message": "nope"}))
    with pytest.raises(BadRequestError, match=r'no "error" text: \'{"message":"nope"}\''):
        await palomma.invoices.get("abc")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"id": "x"}', "(status: is required but missing)"),
        (b"<html>maintenance</html>", "(the body is not JSON)"),
        (b"[1, 2]", "(expected an object, got an array)"),
        (b"", "(the body is empty)"),
        (
            json.dumps(created_invoice(amount="1850000")).encode(),
            "(amount: expected a number, got the string '1850000')",
        ),
        (json.dumps(created_invoice(status=None)).encode(), "(status: expected a string, got null)"),
        (json.dumps(created_invoice(paymentDate="yesterday")).encode(), "(paymentDate: expected an ISO 8601 date-time"),
        (b"[" * 100_000 + b"]" * 100_000, "(the body nests too deeply to read)"),
    ],
)
async def test_a_success_body_that_breaks_the_schema_is_a_typed_error(
    palomma: PalommaClient, api: RecordingAPI, body: bytes, problem: str
) -> None:
    api.queue(httpx2.Response(200, content=body))

    with pytest.raises(APIResponseValidationError) as caught:
        await palomma.invoices.get("abc")

    message = str(caught.value)
    assert message.startswith("200 response to GET /v1/invoices/abc does not match the API spec (")
    assert problem in message
    assert caught.value.status_code == 200
    assert len(api.requests) == 1


async def test_an_undocumented_success_status_is_a_typed_error_not_none(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(201, json=created_invoice()))
    with pytest.raises(
        APIResponseValidationError,
        match=r"201 response .* \(status 201 is not a documented success status of getInvoice\)",
    ):
        await palomma.invoices.get("abc")


# A refused connect on each backend, over a real socket, is in tests/test_http.py.
async def test_a_refused_connect_is_a_connection_error_with_the_cause_kept(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.ConnectError("connection refused"))

    with pytest.raises(APIConnectionError, match=r"Connection error on GET /v1/invoices/abc") as refused:
        await palomma.with_options(max_retries=0).invoices.get("abc")

    assert isinstance(refused.value.__cause__, backend_errors(api.backend)["refused"])
    assert refused.value.request.url.path == "/v1/invoices/abc"


@pytest.mark.backends
async def test_a_read_timeout_is_a_timeout_error_with_the_cause_kept(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.ReadTimeout("timed out"))

    with pytest.raises(APITimeoutError, match=r"Request timed out: GET /v1/invoices/abc") as timed_out:
        await palomma.with_options(max_retries=0).invoices.get("abc")

    assert isinstance(timed_out.value.__cause__, backend_errors(api.backend)["read_timeout"])
    assert isinstance(timed_out.value, APIConnectionError)
    assert timed_out.value.request.url.path == "/v1/invoices/abc"


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
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(502, content=b"<html>" + b"x" * 6_000_000, headers={"content-type": "text/html"}))
    with pytest.raises(InternalServerError) as caught:
        await palomma.with_options(max_retries=0).invoices.get("abc")
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
