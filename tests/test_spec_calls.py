"""The calls tests make of the spec's operations send what they say and read back what they expect."""

from __future__ import annotations

import json

import pytest

from palomma_client import PalommaClient
from tests.spec_calls import SpecCall, a_call, a_paged_call, call_taking, calls, field, paged_call_of
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


async def test_a_paged_call_serves_labelled_pages_the_pager_walks_in_order(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    paged = a_paged_call().with_every_argument()
    api.queue(paged.page(["a", "b"], "next"), paged.page(["c"], None))

    items = [item async for item in paged(palomma)]

    assert [paged.label(item) for item in items] == ["a", "b", "c"]
    assert items == paged.expected_items(["a", "b"]) + paged.expected_items(["c"])
    assert api.methods() == [paged.line] * 2
    first, second = (dict(request.url.params) for request in api.requests)
    assert first == paged.query
    assert second == {**paged.query, "cursor": "next"}
    assert paged.body([], None)[paged.items_name] == []


def test_call_taking_skips_naming_an_argument_the_operation_does_not_take() -> None:
    call = next(iter(calls()), None)
    if call is None:
        pytest.skip("the spec has no operation whose arguments can be made")
    assert call_taking(call.operation_id, **call.arguments) == call
    with pytest.raises(pytest.skip.Exception, match=f"{call.operation_id!r} takes no argument 'not_an_argument'"):
        call_taking(call.operation_id, not_an_argument=1)
    with pytest.raises(pytest.skip.Exception, match="the spec has no operation 'notAnOperation'"):
        call_taking("notAnOperation")


def test_paged_call_of_is_the_named_list_and_skips_for_one_the_spec_lacks_or_does_not_page() -> None:
    paged = a_paged_call()
    assert paged_call_of(paged.call.operation_id) == paged
    with pytest.raises(pytest.skip.Exception, match="the spec has no operation 'notAnOperation'"):
        paged_call_of("notAnOperation")
    unpaged = next((call for call in calls() if not call.paged), None)
    if unpaged is not None:
        with pytest.raises(pytest.skip.Exception, match=f"{unpaged.operation_id!r} is not a list walked by cursor"):
            paged_call_of(unpaged.operation_id, **unpaged.arguments)


async def test_a_page_of_given_items_holds_them_as_given(palomma: PalommaClient, api: RecordingAPI) -> None:
    paged = a_paged_call()
    items = [paged.item("x"), paged.item("y")]
    api.queue(paged.page_of(items, None))

    page = await paged(palomma)

    assert [paged.label(item) for item in page.items] == ["x", "y"]
    assert paged.body_of(items, "next")[paged.cursor_name] == "next"
