"""Fault rules: which requests they match, what they answer, and how they queue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from palomma_client.testing import Fault, FaultKind
from palomma_client.testing._faults import FaultPlan, retry_after_header


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        (None, "/v1/invoices", True),
        ("/invoices", "/v1/invoices", True),
        ("/v1/invoices", "/v1/invoices", True),
        ("/invoices", "/v1/invoices/01HQY8EW1H9YGH5PAV5Y2M9R3T", False),
        ("/invoices/*", "/v1/invoices/01HQY8EW1H9YGH5PAV5Y2M9R3T", True),
        ("/settlements/*", "/v1/settlements/2026-03-12/11", True),
        ("/settlements/*", "/v1/invoices", False),
    ],
)
def test_a_fault_matches_paths_with_or_without_the_v1_prefix(pattern: str | None, path: str, matches: bool) -> None:
    assert Fault(FaultKind.FAIL, path=pattern).matches("GET", path) is matches


def test_a_fault_matches_the_method_case_insensitively() -> None:
    fault = Fault(FaultKind.FAIL, method="post")
    assert fault.matches("POST", "/v1/invoices")
    assert not fault.matches("GET", "/v1/invoices")


def test_the_default_message_is_the_status_reason_phrase() -> None:
    assert Fault(FaultKind.FAIL, status=503).message == "Service Unavailable"
    assert Fault(FaultKind.FAIL, status=500).message == "Internal Server Error"
    assert Fault(FaultKind.FAIL, status=599).message == "Error"
    assert Fault(FaultKind.FAIL, status=503, error="Down for maintenance").message == "Down for maintenance"


def test_retry_after_accepts_seconds_dates_and_text() -> None:
    assert retry_after_header(None) is None
    assert retry_after_header(3) == "3"
    assert retry_after_header(2.0) == "2"
    assert retry_after_header(0.5) == "0.5"
    assert retry_after_header("120") == "120"
    assert retry_after_header(datetime(2026, 3, 11, 16, 33, tzinfo=UTC)) == "Wed, 11 Mar 2026 16:33:00 GMT"


def test_rules_of_one_sort_queue_up_and_are_used_up() -> None:
    plan = FaultPlan()
    first = plan.add(Fault(FaultKind.FAIL, status=503, remaining=2))
    second = plan.add(Fault(FaultKind.FAIL, status=429))
    taken = [plan.take("GET", "/v1/invoices")[1] for _ in range(4)]
    assert taken == [first, first, second, None]
    assert (first.hits, first.remaining, second.hits) == (2, 0, 1)
    assert plan.pending() == []


def test_a_request_can_be_both_delayed_and_failed() -> None:
    plan = FaultPlan()
    delay = plan.add(Fault(FaultKind.DELAY, seconds=2.0))
    failure = plan.add(Fault(FaultKind.FAIL_AFTER_PROCESSING))
    assert plan.take("POST", "/v1/invoices") == (delay, failure)
    assert plan.take("POST", "/v1/invoices") == (None, None)


def test_an_unlimited_rule_applies_until_cleared() -> None:
    plan = FaultPlan()
    rule = plan.add(Fault(FaultKind.FAIL, remaining=None, method="GET"))
    for _ in range(5):
        assert plan.take("GET", "/v1/invoices")[1] is rule
    assert plan.take("POST", "/v1/invoices")[1] is None
    plan.clear()
    assert plan.take("GET", "/v1/invoices") == (None, None)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault(FaultKind.FAIL, remaining=0), "times must be at least 1"),
        (Fault(FaultKind.FAIL, status=200), "needs a 4xx or 5xx status"),
        (Fault(FaultKind.FAIL_AFTER_PROCESSING, status=302), "needs a 4xx or 5xx status"),
        (Fault(FaultKind.DELAY, seconds=-1), "cannot be negative"),
    ],
)
def test_impossible_rules_are_refused(fault: Fault, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultPlan().add(fault)
