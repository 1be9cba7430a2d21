"""What generated code puts in a request besides path, query and body: header parameters, and no key when public."""

from __future__ import annotations

import dataclasses

import httpx2
import pytest

from palomma_client import APIResponseValidationError, InvalidParameterError
from palomma_client._auth import Credentials
from palomma_client._generated.security import Scheme
from palomma_client._request import ApiRequest, RequestOptions
from palomma_client._validation import header_value, query_object
from tests.support import API_KEY, RecordingAPI


def _parse(status: int, data: object) -> object:
    return data


async def test_a_public_request_carries_no_authorization_and_others_still_do(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json={"n": 1}), httpx2.Response(200, json={"n": 2}))
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        requester = palomma._requester
        public = await requester.send(ApiRequest("publicThing", "GET", "/public", security=()), _parse)
        private = await requester.send(ApiRequest("privateThing", "GET", "/private"), _parse)

    assert (public, private) == ({"n": 1}, {"n": 2})
    first, second = api.requests
    assert "authorization" not in first.headers
    assert second.headers["authorization"] == f"Bearer {API_KEY}"
    # The rest of what every request carries is still there.
    assert first.headers["user-agent"] == second.headers["user-agent"]


async def test_a_request_needing_a_scheme_the_client_cannot_send_is_refused_before_sending(api: RecordingAPI) -> None:
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        request = ApiRequest("partnerThing", "GET", "/partner", security=(("noSuchScheme",),))
        with pytest.raises(InvalidParameterError) as caught:
            await palomma._requester.send(request, _parse)

    assert caught.value.parameter == "credentials"
    assert "partnerThing (GET /partner) needs a credential of `noSuchScheme`" in str(caught.value)
    assert API_KEY not in str(caught.value)
    assert api.requests == []


@pytest.mark.backends
async def test_header_parameters_are_sent_and_a_callers_extra_headers_come_last(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json={}))
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        request = ApiRequest("x", "POST", "/x", json={"a": 1}, headers={"Idempotency-Key": "k1", "X-Trace": "t1"})
        await palomma._requester.send(request, _parse, RequestOptions(extra_headers={"X-Trace": "mine"}))

    (sent,) = api.requests
    assert (sent.headers["idempotency-key"], sent.headers["x-trace"]) == ("k1", "mine")
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("value", ["a\r\nX-Evil: 1", "caf\u00e9", "tab\x00"])
def test_a_header_value_that_cannot_be_sent_as_written_is_refused(value: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        header_value("x_trace", value)

    assert caught.value.parameter == "x_trace"


def test_a_printable_header_value_is_sent_as_it_is() -> None:
    assert header_value("x_trace", "key-1\tok") == "key-1\tok"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (None, {"state": "open", "atLeast": "2", "flagged": "false", "since": "2026-03-01"}),
        (
            "filter",
            {
                "filter[state]": "open",
                "filter[atLeast]": "2",
                "filter[flagged]": "false",
                "filter[since]": "2026-03-01",
            },
        ),
    ],
    ids=["form-explode", "deep-object"],
)
def test_an_object_query_parameter_is_one_pair_per_property_and_none_is_left_out(
    prefix: str | None, expected: dict[str, str]
) -> None:
    checked = {"state": "open", "atLeast": 2, "flagged": False, "since": "2026-03-01", "note": None}

    assert query_object(checked, prefix) == expected


@pytest.mark.backends
async def test_a_text_answer_is_decoded_by_its_charset_and_a_bytes_answer_kept(api: RecordingAPI) -> None:
    api.queue(
        httpx2.Response(200, headers={"Content-Type": "text/csv; charset=latin-1"}, content="año".encode("latin-1")),
        httpx2.Response(200, headers={"Content-Type": "text/plain"}, content="año".encode()),
        httpx2.Response(200, headers={"Content-Type": "application/pdf"}, content=b"%PDF\x00\xff"),
    )
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        send = palomma._requester.send
        latin = await send(ApiRequest("x", "GET", "/x", answer="text"), _parse)
        utf8 = await send(ApiRequest("x", "GET", "/x", answer="text"), _parse)
        raw = await send(ApiRequest("x", "GET", "/x", answer="bytes"), _parse)

    assert (latin, utf8, raw) == ("año", "año", b"%PDF\x00\xff")


async def test_text_that_is_not_in_its_charset_is_a_validation_error(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, headers={"Content-Type": "text/csv"}, content=b"\xff\xfe\xfa"))
    async with api.client(api_key=API_KEY, environment="sandbox", max_retries=0) as palomma:
        with pytest.raises(APIResponseValidationError, match="not text in its charset") as caught:
            await palomma._requester.send(ApiRequest("x", "GET", "/x", answer="text"), _parse)

    assert caught.value.status_code == 200


@pytest.mark.backends
@pytest.mark.parametrize(
    ("security", "cookie"),
    [
        (None, "sid=k_1; lang=es; sizes=3,12"),
        ((), "lang=es; sizes=3,12"),
        ((("bearer",),), "lang=es; sizes=3,12"),
    ],
    ids=["with-the-key-cookie", "public", "another-scheme"],
)
async def test_cookie_parameters_share_the_cookie_header_with_an_api_key_cookie_or_go_alone(
    api: RecordingAPI, security: tuple[tuple[str, ...], ...] | None, cookie: str
) -> None:
    # A spec of this test's own whose document asks for a key in a cookie, whatever openapi.yaml declares.
    schemes = {"session": Scheme("Cookie", "sid="), "bearer": Scheme("Authorization", "Bearer ")}
    credentials = Credentials("k_1", {}, schemes=schemes, default=(("session",),))
    api.queue(httpx2.Response(200, json={}))
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        requester = palomma._requester
        requester.settings = dataclasses.replace(
            requester.settings,
            credentials=credentials,
            headers={**requester.settings.headers, **credentials.headers},
            headers_on_pool=False,
        )
        request = ApiRequest("x", "GET", "/x", security=security, headers={"Cookie": "lang=es; sizes=3,12"})
        await requester.send(request, _parse)

    (sent,) = api.requests
    assert sent.headers.get_list("cookie") == [cookie]
