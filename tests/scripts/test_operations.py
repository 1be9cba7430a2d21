"""The naming rule that turns an operationId and its tag into a resource method."""

from __future__ import annotations

import sys

import pytest

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
    ],
)
def test_the_tag_noun_is_dropped_from_the_operation_id(operation_id: str, tag: str, name: str) -> None:
    assert method_name_for(operation_id, tag) == name


@pytest.mark.parametrize(
    ("word", "expected"),
    [("invoices", "invoice"), ("entries", "entry"), ("boxes", "box"), ("status", "status"), ("analysis", "analysis")],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_snake_case_of_json_names() -> None:
    assert snake("customerDocumentNumber") == "customer_document_number"
    assert snake("HTTPStatus") == "http_status"


def test_each_generated_method_states_how_it_is_retried() -> None:
    from palomma_client._generated.api.invoices import InvoicesResource
    from palomma_client._policies import CreateOnceByReference

    guarantee = " ".join((CreateOnceByReference.__doc__ or "").split("Guarantee:")[1].split("\n\n")[0].split())
    assert guarantee.startswith("never more than one invoice per call")
    assert guarantee in " ".join((InvoicesResource.create.__doc__ or "").split())
    assert "after a connection failure, a timeout" in " ".join((InvoicesResource.get.__doc__ or "").split())
