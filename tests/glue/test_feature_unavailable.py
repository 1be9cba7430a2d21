"""A service whose SDK lost what a feature needs answers 501, and says why in its own logs only."""

from __future__ import annotations

import logging

import pytest

from palomma_client import FeatureUnavailableError
from palomma_client._http_answers import http_answer


def test_a_feature_the_spec_no_longer_supports_is_a_501_logged_at_error_level(
    caplog: pytest.LogCaptureFixture,
) -> None:
    error = FeatureUnavailableError("invoices.find_by_reference", ["the operation `listInvoices`"])

    with caplog.at_level(logging.WARNING, logger="palomma_client"):
        answer = http_answer(error)

    assert (answer.status, answer.headers) == (501, {})
    assert answer.body == {
        "error": "This service cannot do that with the version of the payment service it runs",
        "type": "not_implemented",
    }
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert "invoices.find_by_reference" in record.getMessage()
    assert "listInvoices" in record.getMessage()
