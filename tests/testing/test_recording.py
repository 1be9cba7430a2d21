"""Recorded requests expose their query parameters and JSON body."""

from __future__ import annotations

import pytest

from palomma_client.testing import RecordedRequest


def test_params_decode_the_query_string_keeping_blank_values() -> None:
    request = RecordedRequest("GET", "/v1/invoices", query="limit=5&reference=INV%201&contract=&limit=7")
    assert request.params == {"limit": "7", "reference": "INV 1", "contract": ""}


def test_json_decodes_the_body() -> None:
    assert RecordedRequest("POST", "/v1/invoices", body=b'{"amount": 5000}').json() == {"amount": 5000}
    with pytest.raises(ValueError, match="Expecting value"):
        RecordedRequest("POST", "/v1/invoices", body=b"").json()
