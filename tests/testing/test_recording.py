"""Recorded requests expose their query parameters and JSON body."""

from __future__ import annotations

import pytest

from palomma_client import PalommaError
from palomma_client.testing import FakePalomma, RecordedRequest


def test_params_decode_the_query_string_keeping_blank_values() -> None:
    request = RecordedRequest("GET", "/v1/invoices", query="limit=5&reference=INV%201&contract=&limit=7")
    assert request.params == {"limit": "7", "reference": "INV 1", "contract": ""}


def test_json_decodes_the_body() -> None:
    assert RecordedRequest("POST", "/v1/invoices", body=b'{"amount": 5000}').json() == {"amount": 5000}
    with pytest.raises(ValueError, match="Expecting value"):
        RecordedRequest("POST", "/v1/invoices", body=b"").json()


async def test_a_recorded_request_shows_its_credentials_masked() -> None:
    fake = FakePalomma()
    async with fake.client() as client:
        # A path no spec has: the fake records the request whatever it answers.
        with pytest.raises(PalommaError):
            await client.request("GET", "/no-such-resource", max_retries=0)

    shown = repr(fake.requests[-1])

    assert fake.api_key not in shown
    assert "'authorization': '[redacted]'" in shown
    assert "'user-agent': 'palomma-client-python/" in shown
    assert fake.requests[-1].headers["authorization"].endswith(fake.api_key)  # kept for tests to compare


def test_the_header_of_an_api_key_scheme_is_masked_as_authorization_is() -> None:
    request = RecordedRequest(
        "GET",
        "/v1/keyed",
        headers={"x-partner-key": "sk_live_secret", "x-trace": "t-1"},
        secret_headers=frozenset({"authorization", "x-partner-key"}),
    )

    assert "sk_live_secret" not in repr(request)
    assert "'x-trace': 't-1'" in repr(request)
