"""The calls tests make of the spec's operations send what they say and read back what they expect."""

from __future__ import annotations

import json

import pytest

from palomma_client import PalommaClient
from palomma_client._generated.api import OPERATIONS
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
from tests.spec_calls import SpecCall, a_call, an_operation, calls, field, needs_operations, path_of
from tests.support import RecordingAPI


@pytest.mark.parametrize("call", calls(), ids=lambda call: call.operation_id)
async def test_each_call_sends_its_request_and_reads_its_answer(
    call: SpecCall, palomma: PalommaClient, api: RecordingAPI
) -> None:
    api.queue(call.ok())
    if call.paged:
        await call(palomma).pages().__anext__()
    else:
        assert await call(palomma) == call.expected
    [sent] = api.requests
    assert f"{sent.method} {sent.url.path}" == call.line
    assert dict(sent.url.params) == {name: str(value) for name, value in (call.params or {}).items()}
    assert (json.loads(sent.content) if sent.content else None) == call.json


def test_a_call_skips_naming_what_the_spec_lacks() -> None:
    with pytest.raises(pytest.skip.Exception, match="the spec has no TRACE operation"):
        a_call("TRACE")


def test_field_reads_a_field_by_its_json_name_and_skips_for_one_the_model_lacks() -> None:
    call = next((call for call in calls() if hasattr(call.expected, "JSON_NAMES")), None)
    if call is None:
        pytest.skip("no operation of the spec answers a model")
    model = call.expected
    python_name, json_name = next(iter(type(model).JSON_NAMES.items()))
    assert field(model, json_name) == getattr(model, python_name)
    with pytest.raises(pytest.skip.Exception, match="has no field 'not-a-field'"):
        field(model, "not-a-field")


def test_needs_operations_passes_for_the_specs_operations_and_skips_naming_a_missing_one() -> None:
    needs_operations(*OPERATIONS)
    with pytest.raises(pytest.skip.Exception, match="the spec has no operation 'notAnOperation'"):
        needs_operations(*OPERATIONS, "notAnOperation")


def test_path_of_fills_an_operations_path_parameters_in_order_and_skips_for_a_missing_operation() -> None:
    operation_id, template = next(
        ((name, module.PATH) for name, module in OPERATIONS.items() if "{" in module.PATH), (None, "")
    )
    if operation_id is None:
        pytest.skip("no operation of the spec has a path parameter")
    count = template.count("{")
    values = [f"v/{index} ?" for index in range(count)]
    path = path_of(operation_id, *values)
    assert "{" not in path
    assert [f"v%2F{index}%20%3F" in path for index in range(count)] == [True] * count
    assert path.count("/") == template.count("/")
    with pytest.raises(pytest.skip.Exception, match="the spec has no operation 'notAnOperation'"):
        path_of("notAnOperation")


def test_an_operation_prefers_a_read_without_path_parameters_or_takes_one_with_a_body() -> None:
    spec = ApiSpec(load_shipped_spec())
    read = an_operation()
    assert read in spec.operations
    reads = [item for item in spec.operations if item.method == "GET"]
    assert ("{" in read.path) == all("{" in item.path for item in reads)
    assert (read.method == "GET") == bool(reads)
    if any(item.body is not None for item in spec.operations):
        written = an_operation(body=True)
        assert written.body is not None
        assert written == next(item for item in spec.operations if item.body is not None)
    else:
        with pytest.raises(pytest.skip.Exception, match="no operation that takes a request body"):
            an_operation(body=True)
