"""An operation the spec declares public (`security: []`) is sent without the API key, on either backend."""

from __future__ import annotations

import httpx2

from palomma_client._request import ApiRequest
from tests.support import API_KEY, RecordingAPI


def _parse(status: int, data: object) -> object:
    return data


async def test_a_public_request_carries_no_authorization_and_others_still_do(api: RecordingAPI) -> None:
    api.queue(httpx2.Response(200, json={"n": 1}), httpx2.Response(200, json={"n": 2}))
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        requester = palomma._requester
        public = await requester.send(ApiRequest("publicThing", "GET", "/public", authenticated=False), _parse)
        private = await requester.send(ApiRequest("privateThing", "GET", "/private"), _parse)

    assert (public, private) == ({"n": 1}, {"n": 2})
    first, second = api.requests
    assert "authorization" not in first.headers
    assert second.headers["authorization"] == f"Bearer {API_KEY}"
    # The rest of what every request carries is still there.
    assert first.headers["user-agent"] == second.headers["user-agent"]


def test_a_request_is_authenticated_unless_built_otherwise() -> None:
    assert ApiRequest("x", "GET", "/x").authenticated is True
