"""The calls tests make of the spec's operations send what they say and read back what they expect."""

from __future__ import annotations

import json

import httpx2
import pytest

from palomma_client import InvalidParameterError, PalommaClient
from palomma_client._generated.api import OPERATIONS
from palomma_client._model_base import OpenStrEnum
from tests.spec_calls import (
    SpecCall,
    a_call,
    a_call_sending,
    a_model_call,
    a_path_text_argument,
    a_recovering_create,
    accepted,
    call_at,
    call_of,
    calls,
    enum_fields,
    expected_answer,
    field,
    is_member,
    model_document,
    models,
    url_of,
    with_every_argument,
)
from tests.support import SANDBOX, RecordingAPI, fresh_name, spec_field_names, unknown_value


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


def test_call_at_fills_the_path_parameters_in_order_and_skips_past_them() -> None:
    call = a_call(path_parameter=True)
    count = OPERATIONS[call.operation_id].PATH.count("{")
    # valid_arguments lists the path parameters first, in the path's order.
    values = list(call.arguments.values())[:count]

    at = call_at(call.operation_id, *values)

    assert (at.line, at.arguments) == (call.line, call.arguments)
    # Other values land in the same places: a string a rule may still accept with one more character.
    changed = [f"{value}0" if isinstance(value, str) else value for value in values]
    try:
        moved = call_at(call.operation_id, *changed)
    except InvalidParameterError:
        pass
    else:
        assert list(moved.arguments.values())[:count] == changed
        assert moved.path != call.path or changed == values
    with pytest.raises(pytest.skip.Exception, match=f"has {count} path parameters, not {count + 1}"):
        call_at(call.operation_id, *values, "one-too-many")
    with pytest.raises(pytest.skip.Exception, match="the spec has no operation 'notAnOperation'"):
        call_at("notAnOperation", "x")


def test_models_are_the_generated_model_classes_and_their_documents_set_every_field() -> None:
    import palomma_client._generated.models as generated

    found = models()
    assert found == [value for value in map(generated.__dict__.get, generated.__all__) if hasattr(value, "JSON_NAMES")]
    for model in found:
        document = model_document(model)
        written = {
            name
            for name, schema in model.JSON_SCHEMA.get("properties", {}).items()
            if not (isinstance(schema, dict) and schema.get("writeOnly"))
        }
        assert set(document) == written, model.__name__
        assert model.from_dict(document).additional_properties == {}


def test_enum_fields_are_the_model_fields_that_parse_into_an_enum_of_the_spec() -> None:
    fields = enum_fields()
    for model in models():
        parsed = model.from_dict(model_document(model))
        enums = {
            json_name: type(getattr(parsed, attribute))
            for attribute, json_name in model.JSON_NAMES.items()
            if isinstance(getattr(parsed, attribute), OpenStrEnum)
        }
        listed = {field.json_name: field.enum for field in fields if field.model is model}
        assert listed == enums, model.__name__
        required = set(model.JSON_SCHEMA.get("required", []))
        assert {field.json_name for field in fields if field.model is model and field.required} == required & set(enums)


def test_is_member_holds_for_the_real_member_only() -> None:
    fields = enum_fields()
    if not fields:
        pytest.skip("the spec has no enum fields")
    enum = fields[0].enum
    member = next(iter(enum))
    assert is_member(enum(member.value), member.value)
    assert not is_member(enum(unknown_value(enum)), member.value)
    assert not is_member(member.value, member.value)
    assert not is_member(None, member.value)
