"""``PalommaClient.request`` calls a path the spec does not have yet, with all of the client's policy."""

from __future__ import annotations

import httpx2
import pytest

from palomma_client import (
    APIConnectionError,
    APIResponseValidationError,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    PalommaClient,
)
from tests.spec_calls import SpecCall, a_model_call
from tests.support import API_KEY, SANDBOX, RecordingAPI, Sleeps

pytestmark = pytest.mark.usefixtures("clean_environment")


@pytest.fixture
def modelled() -> SpecCall:
    """A call of the spec whose answer is a generated model: its body is what a new path answers here."""
    return a_model_call()


async def test_a_post_to_a_new_path_is_sent_authenticated_and_parsed_into_the_model(
    palomma: PalommaClient, api: RecordingAPI, modelled: SpecCall
) -> None:
    model = type(modelled.expected)
    api.echo = False  # the answer as given: the sent body names no field of it to speak of
    api.queue(httpx2.Response(200, json=modelled.body))

    answer = await palomma.request(
        "POST",
        "/invoices/{id}/cancel",
        path_params={"id": "01HQY8EW1H9YGH5PAV5Y2M9R3T"},
        json={"reason": "tenant left"},
        cast_to=model,
    )

    assert isinstance(answer, model)
    assert answer == modelled.expected
    (request,) = api.requests
    assert (request.method, str(request.url)) == ("POST", f"{SANDBOX}/invoices/01HQY8EW1H9YGH5PAV5Y2M9R3T/cancel")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["user-agent"].startswith("palomma-client-python/")
    assert api.json_body() == {"reason": "tenant left"}


async def test_without_cast_to_the_decoded_json_comes_back_and_query_parameters_are_sent(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(httpx2.Response(200, json={"anything": [1, 2]}))

    answer = await palomma.request("GET", "/reports", params={"month": "2026-03"})

    assert answer == {"anything": [1, 2]}
    assert str(api.requests[0].url) == f"{SANDBOX}/reports?month=2026-03"


@pytest.mark.backends
async def test_path_parameters_are_quoted_as_one_segment(palomma: PalommaClient, api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json={}))
    await palomma.request("GET", "/things/{id}", path_params={"id": "a/b?c"})
    assert api.requests[0].url.raw_path == b"/v1/things/a%2Fb%3Fc"


@pytest.mark.parametrize(
    ("method", "path", "path_params", "parameter"),
    [
        ("GET", "invoices", None, "path"),
        ("G E T", "/invoices", None, "method"),
        ("GET", "/invoices/{id}", None, "path_params"),
        ("GET", "/invoices/{id}", {"other": "x"}, "path_params"),
        ("GET", "/invoices/{id}", {"id": ".."}, "path_params['id']"),
    ],
)
async def test_a_malformed_call_is_refused_before_sending(
    palomma: PalommaClient,
    api: RecordingAPI,
    method: str,
    path: str,
    path_params: dict[str, str] | None,
    parameter: str,
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await palomma.request(method, path, path_params=path_params)
    assert caught.value.parameter == parameter
    assert api.requests == []


async def test_errors_map_to_the_same_typed_exceptions(
    palomma: PalommaClient, api: RecordingAPI, modelled: SpecCall
) -> None:
    model = type(modelled.expected)
    text = next((name for name, value in modelled.body.items() if isinstance(value, str)), None)
    if text is None:
        pytest.skip(f"the spec's {model.__name__} answers no text field to break")
    api.queue(httpx2.Response(404, json={"error": "Not Found"}), httpx2.Response(200, json={**modelled.body, text: 7}))

    with pytest.raises(NotFoundError, match="Not Found"):
        await palomma.request("POST", "/invoices/{id}/cancel", path_params={"id": "x"}, cast_to=model)
    with pytest.raises(APIResponseValidationError, match=rf"{text}: expected a string, got the integer 7"):
        await palomma.request("POST", "/invoices/{id}/cancel", path_params={"id": "x"}, cast_to=model)


@pytest.mark.backends
async def test_a_post_is_never_sent_again_after_a_failure_that_may_have_reached_the_server(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(httpx2.Response(503, json={"error": "busy"}), httpx2.ReadTimeout("slow"))

    with pytest.raises(InternalServerError):
        await palomma.request("POST", "/invoices/{id}/cancel", path_params={"id": "x"})
    with pytest.raises(APIConnectionError):
        await palomma.request("POST", "/invoices/{id}/cancel", path_params={"id": "x"})

    assert len(api.requests) == 2
    assert sleeps.delays == []


async def test_a_post_is_retried_when_it_provably_never_reached_the_server(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(
        httpx2.ConnectError("refused"),
        httpx2.Response(429, json={"error": "slow down"}, headers={"Retry-After": "2"}),
        httpx2.Response(200, json={"ok": True}),
    )

    assert await palomma.request("POST", "/invoices/{id}/cancel", path_params={"id": "x"}) == {"ok": True}

    assert len(api.requests) == 3
    assert len(sleeps.delays) == 2
    assert sleeps.delays[1] == 2.0


async def test_a_get_is_retried_after_any_retryable_failure(
    palomma: PalommaClient, api: RecordingAPI, sleeps: Sleeps
) -> None:
    api.queue(httpx2.Response(503, json={"error": "busy"}), httpx2.Response(200, json={"ok": True}))
    assert await palomma.request("GET", "/reports") == {"ok": True}
    assert len(api.requests) == 2
