"""The checked-in openapi.yaml is a valid, self-consistent description of the API.

Nothing here names an operation, a field or an example: each check holds for any valid change
the vendor makes to the spec, and fails only when the spec contradicts itself.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from palomma_client._generated.api import METHODS
from palomma_client._openapi import OpenAPI
from palomma_client.testing._examples import completed
from palomma_client.testing._spec import ApiSpec
from palomma_client.testing._validation import BadRequest, RequestValidator
from tests.support import ROOT

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from spec_examples import unfit_examples

NOW = datetime.datetime(2026, 3, 11, 16, 32, 14, tzinfo=datetime.UTC)


def _examples(index: OpenAPI) -> list[tuple[str, str, Any]]:
    """Every example given for a schema: (where the example is, the schema's pointer, the value)."""
    found: list[tuple[str, str, Any]] = []
    for pointer, node in index.walk():
        if not isinstance(node, dict) or "schema" not in node:
            continue
        schema_pointer = f"{pointer}/schema"
        if "example" in node:
            found.append((f"{pointer}/example", schema_pointer, node["example"]))
        for name, raw in (node.get("examples") or {}).items():
            example, example_pointer = index.resolve(raw, f"{pointer}/examples/{name}")
            if isinstance(example, dict) and "value" in example:
                found.append((f"{example_pointer}/value", schema_pointer, example["value"]))
    return found


def test_spec_passes_openapi_spec_validator() -> None:
    document, base_uri = read_from_filename(str(ROOT / "openapi.yaml"))
    validate(document, base_uri=base_uri)


def test_the_spec_index_reads_it(spec: dict[str, Any]) -> None:
    index = OpenAPI(spec)
    assert index.operations
    assert index.servers


def test_every_server_is_https(spec: dict[str, Any]) -> None:
    for server in OpenAPI(spec).servers:
        assert server.default_url().startswith("https://"), server.pointer


def test_every_security_requirement_names_a_declared_scheme(spec: dict[str, Any]) -> None:
    index = OpenAPI(spec)
    schemes = index.security_schemes
    for requirement in index.security:
        assert set(requirement) <= set(schemes), requirement
    for operation in index.operations:
        for requirement in operation.security:
            assert set(requirement) <= set(schemes), (operation.pointer, requirement)


def test_every_operation_is_a_method_of_the_generated_client(spec: dict[str, Any]) -> None:
    assert {operation.name for operation in OpenAPI(spec).operations} == set(METHODS)


def test_every_operation_documents_a_success(spec: dict[str, Any]) -> None:
    for operation in OpenAPI(spec).operations:
        assert operation.success_responses(), operation.pointer


def test_every_ref_resolves(spec: dict[str, Any]) -> None:
    index = OpenAPI(spec)
    references = [(pointer, node) for pointer, node in index.walk() if isinstance(node, dict) and "$ref" in node]
    for pointer, node in references:
        index.resolve(node, pointer)  # raises SpecError, naming where, for one that leads nowhere


def test_every_example_fits_its_schema_once_completed_and_make_generate_names_those_that_do_not(
    spec: dict[str, Any],
) -> None:
    """An example may lack what its schema requires (OpenAPI: it SHOULD fit, need not): `make generate` warns of
    each such example, and the fake answers it completed; completed, every example must fit, or the fake would
    teach users something false."""
    fake_spec = ApiSpec(spec)
    validator = RequestValidator(fake_spec)
    examples = _examples(fake_spec.index)
    if not examples:
        pytest.skip("the spec gives no examples")
    unfit: set[str] = set()
    wrong = []
    for where, schema_pointer, value in examples:
        try:
            validator.check(schema_pointer, value, location=where)
        except BadRequest:
            unfit.add(where)
            try:
                validator.check(schema_pointer, completed(fake_spec, schema_pointer, value, NOW), location=where)
            except BadRequest as error:
                wrong.append(error.message)
    assert wrong == []
    warned = {item.pointer for item in unfit_examples(fake_spec.index)}
    assert unfit == warned & {where for where, _, _ in examples}


def test_the_settlement_examples_balance(spec: dict[str, Any]) -> None:
    """Wherever an example shows a settlement's amounts, collected - fees + adjustments is what is paid."""
    names = {"amountCollected", "fees", "adjustments", "paymentAmount"}
    settlements = [value for _, _, value in _examples(OpenAPI(spec)) if isinstance(value, dict) and names <= set(value)]
    if not settlements:
        pytest.skip("no example shows a settlement's amounts")
    for example in settlements:
        assert example["amountCollected"] - example["fees"] + example["adjustments"] == example["paymentAmount"]
