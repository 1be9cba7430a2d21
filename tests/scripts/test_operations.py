"""The naming rule that turns an operationId and its tag into a resource method."""

from __future__ import annotations

import sys

import pytest

from palomma_client._generated.api import METHODS, OPERATIONS
from tests.support import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from operations import method_name_for, singular, snake


@pytest.mark.parametrize(
    ("operation_id", "tag", "name"),
    [
        ("createInvoice", "Invoices", "create"),
        ("listInvoices", "Invoices", "list"),
        ("getInvoice", "Invoices", "get"),
        ("getSettlement", "Settlements", "get"),
        ("cancelInvoice", "Invoices", "cancel"),
        ("getInvoiceByReference", "Invoices", "get_by_reference"),
        ("listSettlementAdjustments", "Settlements", "list_adjustments"),
        ("createPaymentLink", "Payment Links", "create"),
        ("refund", "Payments", "refund"),
        ("invoices", "Invoices", "invoices"),
        ("importInvoices", "Invoices", "import_"),
        ("getLease", "Leases", "get"),
        ("listStatuses", "Statuses", "list"),
        ("getStatus", "Statuses", "get"),
        ("clearCache", "Caches", "clear"),
        ("packBox", "Boxes", "pack"),
    ],
)
def test_the_tag_noun_is_dropped_from_the_operation_id(operation_id: str, tag: str, name: str) -> None:
    assert method_name_for(operation_id, tag) == name


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("invoices", "invoice"),
        ("entries", "entry"),
        ("boxes", "box"),
        ("leases", "lease"),
        ("status", "status"),
        ("analysis", "analysis"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize(
    ("word", "vocabulary", "expected"),
    [("statuses", {"get", "status"}, "status"), ("caches", {"cache"}, "cache"), ("leases", {"lease"}, "lease")],
)
def test_the_spec_s_own_words_choose_between_readings_of_a_plural(
    word: str, vocabulary: set[str], expected: str
) -> None:
    assert singular(word, frozenset(vocabulary)) == expected


def test_snake_case_of_json_names() -> None:
    assert snake("customerDocumentNumber") == "customer_document_number"
    assert snake("HTTPStatus") == "http_status"


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def _guarantee(policy: object) -> str:
    """The ``Guarantee:`` paragraph of a policy class's docstring."""
    paragraphs = (type(policy).__doc__ or "").split("\n\n")
    return next(_flat(paragraph).removeprefix("Guarantee: ") for paragraph in paragraphs if "Guarantee:" in paragraph)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_each_generated_method_states_how_it_is_retried(operation_id: str) -> None:
    from palomma_client._generated.api import GeneratedResources
    from palomma_client._policies import OPERATION_POLICIES

    resource, method = METHODS[operation_id]
    doc = _flat(getattr(GeneratedResources.RESOURCE_CLASSES[resource], method).__doc__)
    policy = OPERATION_POLICIES.get(operation_id)
    if policy is not None:
        guarantee = _guarantee(policy)
        assert guarantee
        assert f"Retries: {guarantee}" in doc
    elif OPERATIONS[operation_id].METHOD in ("GET", "HEAD", "OPTIONS"):
        assert "Retries: up to ``max_retries`` times after a connection failure, a timeout" in doc
    else:
        assert "Retries: only after a failure that provably never reached the API" in doc


def test_a_policy_guarantee_is_what_its_class_promises() -> None:
    from palomma_client._policies import CreateOnceByReference

    policy = CreateOnceByReference(key="reference", lookup_operation="listInvoices")
    assert _guarantee(policy).startswith("never more than one invoice per call")
