"""The calls tests make of the spec's operations send what they say and read back what they expect."""

from __future__ import annotations

import json

import pytest

from palomma_client import PalommaClient
from tests.spec_calls import SpecCall, a_call, calls, field
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
