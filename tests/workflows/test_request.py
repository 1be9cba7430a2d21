"""InvoiceRequest: the arguments of invoices.create, from the spec's CreateInvoiceRequest, checked when built."""

from __future__ import annotations

import copy
import inspect
import pickle

import attrs
import pytest
from openapi_python_client.strings import PythonIdentifier

from palomma_client import DocumentType, InvalidParameterError, InvoiceRequest
from palomma_client._generated.api import METHODS
from palomma_client._generated.models import CreateInvoiceRequest
from palomma_client._openapi import OpenAPI
from palomma_client._resources import Invoices
from tests.spec_calls import call_of
from tests.support import SPEC
from tests.workflows.support import AMOUNT_MAX, AMOUNT_MIN, rent


def test_its_fields_are_the_create_models_fields_in_the_spec_order() -> None:
    model_fields = [field.name for field in attrs.fields(CreateInvoiceRequest) if field.init]
    required = [field.name for field in attrs.fields(CreateInvoiceRequest) if field.default is attrs.NOTHING]

    assert list(InvoiceRequest.FIELDS) == model_fields
    assert list(InvoiceRequest.REQUIRED_FIELDS) == required
    # ... which are the keyword arguments of invoices.create, apart from its per-call options and the arguments of
    # the operation's parameters (a header the vendor adds, say), which are not fields of the body.
    per_call = {"self", "extra_headers", "extra_query", "extra_body", "timeout", "max_retries"}
    operation = OpenAPI(SPEC).operation(call_of("createInvoice").operation_id)
    assert operation is not None
    parameters = {str(PythonIdentifier(parameter.name, prefix="field_")) for parameter in operation.parameters}
    create = getattr(Invoices, METHODS[operation.name][1])
    create_arguments = [name for name in inspect.signature(create).parameters if name not in per_call | parameters]
    assert create_arguments == model_fields


def test_fields_read_back_as_attributes_and_optional_ones_not_given_read_none() -> None:
    request = InvoiceRequest(**rent(1), customer_name="Ana Gómez")

    assert (request.reference, request.amount, request.customer_name) == ("RENT-2026-03-001", 1_001_000, "Ana Gómez")
    assert request.contract is None
    assert request.document_type is None
    assert request.line is None
    assert request.create_arguments() == {**rent(1), "customer_name": "Ana Gómez"}


def test_an_enum_member_is_kept_as_its_plain_value() -> None:
    assert InvoiceRequest(**rent(1), document_type=DocumentType.NIT).document_type == "nit"
    assert InvoiceRequest(**rent(1), document_type="nit") == InvoiceRequest(**rent(1), document_type=DocumentType.NIT)


@pytest.mark.parametrize(
    ("changes", "parameter", "message"),
    [
        ({"amount": 1}, "amount", f"must be between {AMOUNT_MIN:,} and {AMOUNT_MAX:,}, got 1"),
        ({"amount": "1850000"}, "amount", "must be an integer, got str"),
        ({"redirect_url": "merchant.example.com"}, "redirect_url", "must be an absolute URL"),
        ({"document_type": "passport"}, "document_type", "must be one of cc, ce"),
        ({"description": ""}, "description", "must not be empty"),
        ({"colour": "blue"}, "colour", "is not an argument of invoices.create (known: reference, amount"),
        ({"reference": None}, "reference", "is required"),
    ],
)
def test_building_one_runs_the_create_operations_checks(
    changes: dict[str, object], parameter: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        InvoiceRequest(**rent(1, **changes))
    assert raised.value.parameter == parameter
    assert message in str(raised.value)


def test_a_missing_required_argument_is_named() -> None:
    arguments = rent(1)
    del arguments["customer_document_number"]
    with pytest.raises(InvalidParameterError, match="customer_document_number: is required"):
        InvoiceRequest(**arguments)


def test_requests_compare_and_hash_by_their_arguments_not_their_line() -> None:
    first, again = InvoiceRequest(**rent(1), line=2), InvoiceRequest(**rent(1), line=9)

    assert first == again
    assert hash(first) == hash(again)
    assert len({first, again, InvoiceRequest(**rent(2))}) == 2
    assert first != rent(1)


def test_a_request_is_immutable_and_replace_gives_a_checked_copy() -> None:
    request = InvoiceRequest(**rent(1), contract="CTR-1", line=4)

    with pytest.raises(AttributeError, match="immutable"):
        request.amount = 5
    changed = request.replace(amount=2_000_000, contract=None)
    assert (changed.amount, changed.contract, changed.line) == (2_000_000, None, 4)
    assert request.amount == 1_001_000
    with pytest.raises(InvalidParameterError, match="amount"):
        request.replace(amount=1)


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'colour'"):
        _ = InvoiceRequest(**rent(1)).colour


def test_repr_pickle_and_copy_keep_the_arguments_and_line() -> None:
    request = InvoiceRequest(**rent(1), line=3)

    assert repr(request).startswith("InvoiceRequest(reference='RENT-2026-03-001', amount=1001000, ")
    assert repr(request).endswith(", line=3)")
    for clone in (pickle.loads(pickle.dumps(request)), copy.copy(request), copy.deepcopy(request)):
        assert clone == request
        assert clone.line == 3


def test_from_mapping_takes_the_create_arguments_by_name() -> None:
    assert InvoiceRequest.from_mapping(rent(1), line=7) == InvoiceRequest(**rent(1))
    assert InvoiceRequest.from_mapping(rent(1), line=7).line == 7
    with pytest.raises(InvalidParameterError, match="arguments: must be a mapping"):
        InvoiceRequest.from_mapping(["reference"])  # type: ignore[arg-type]
