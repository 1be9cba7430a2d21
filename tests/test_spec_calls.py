"""The calls tests make of the spec's operations send what they say and read back what they expect."""

from __future__ import annotations

import json

import httpx2
import pytest

from palomma_client import PalommaClient
from tests.spec_calls import (
    SpecCall,
    a_call,
    a_call_sending,
    a_model_call,
    a_path_text_argument,
    a_recovering_create,
    accepted,
    call_of,
    calls,
    expected_answer,
    field,
    url_of,
    with_every_argument,
)
from tests.support import SANDBOX, RecordingAPI, fresh_name, spec_field_names


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


def test_with_every_argument_keeps_the_required_ones_adds_what_the_rules_accept_and_the_spec_accepts_it() -> None:
    for call in calls():
        full = with_every_argument(call)
        assert full.operation_id == call.operation_id
        assert dict(full.arguments).items() >= dict(call.arguments).items()
        request = httpx2.Request(full.http_method, SANDBOX + full.path, params=full.params, json=full.json)
        assert accepted(request).operation.operation_id == call.operation_id


async def test_expected_answer_is_what_awaiting_the_call_returns(palomma: PalommaClient, api: RecordingAPI) -> None:
    every = calls()
    api.queue(*(call.ok() for call in every))
    for call in every:
        assert await call(palomma) == expected_answer(call)


@pytest.mark.parametrize("part", ["query", "body"])
def test_a_call_sending_a_part_sends_it(part: str) -> None:
    call = a_call_sending(part)
    assert call.params if part == "query" else isinstance(call.json, dict) and call.json


def test_a_call_sending_an_unknown_part_skips_naming_what_it_looked_for() -> None:
    with pytest.raises(pytest.skip.Exception, match="sends a query"):
        a_call_sending("cookie")


def test_a_model_call_answers_a_model() -> None:
    call = a_model_call()
    assert not call.paged
    assert type(call.expected).JSON_NAMES


def test_accepted_refuses_a_request_the_spec_does_not_have_or_whose_query_it_does_not_declare() -> None:
    with pytest.raises(AssertionError, match="the spec has no operation for GET /v1/not-in-the-spec"):
        accepted(httpx2.Request("GET", SANDBOX + "/not-in-the-spec"))
    call = next((call for call in calls() if not call.json), None)
    if call is None:
        pytest.skip("every operation of the spec sends a body")
    undeclared = fresh_name(spec_field_names(), "notAParameter", "notAParameterEither")
    request = httpx2.Request(call.http_method, SANDBOX + call.path, params={**(call.params or {}), undeclared: "x"})
    with pytest.raises(AssertionError, match=undeclared):
        accepted(request)


def test_a_path_text_argument_fills_one_escaped_segment() -> None:
    call, name = a_path_text_argument()
    assert "/a%3Fb" in call_of(call.operation_id, **{name: "a?b"}).path


async def test_url_of_is_where_the_call_sends(api: RecordingAPI) -> None:
    base_url = "http://127.0.0.1:8000/v1"
    every = calls()
    api.queue(*(call.ok() for call in every))
    async with api.client(api_key="sk_x", base_url=base_url + "/") as palomma:
        for call in every:
            await call(palomma)
    assert [str(request.url) for request in api.requests] == [url_of(call, base_url) for call in every]


def test_a_recovering_create_is_looked_up_by_the_key_it_sends() -> None:
    from palomma_client._policies import OPERATION_POLICIES

    create, lookup = a_recovering_create()
    key = OPERATION_POLICIES[create.operation_id].key  # type: ignore[attr-defined]
    assert lookup.paged
    assert dict(lookup.arguments)[key] == create.json[key]
    with pytest.raises(pytest.skip.Exception, match="is not recovered by a lookup"):
        a_recovering_create(lookup.operation_id)
