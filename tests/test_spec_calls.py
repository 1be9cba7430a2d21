"""The calls tests make of the spec's operations send what they say and read back what they expect."""

from __future__ import annotations

import base64
from typing import Any

import httpx2
import pytest

from palomma_client import InvalidParameterError, PalommaClient
from palomma_client._generated.api import OPERATIONS
from palomma_client._model_base import OpenStrEnum
from palomma_client.testing import FAKE_USERNAME
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
from tests import spec_calls
from tests.spec_calls import (
    SpecCall,
    a_call,
    a_call_breaking_a_rule,
    a_call_sending,
    a_model_call,
    a_paged_call,
    a_paged_list,
    a_path_text_argument,
    a_query_text_argument,
    a_recovering_create,
    accepted,
    an_operation,
    answer_properties,
    call_at,
    call_of,
    call_taking,
    calls,
    completed,
    credentials_sent,
    enum_fields,
    expected_answer,
    field,
    is_member,
    key_credentials,
    listed_field,
    model_document,
    model_properties,
    models,
    needs_operations,
    operation_of,
    page_answer,
    page_holding,
    paged_call_of,
    path_of,
    sends_bearer_key,
    url_of,
    with_every_argument,
)
from tests.support import (
    SANDBOX,
    RecordingAPI,
    form_fields,
    fresh_name,
    request_body,
    sent_body,
    spec_field_names,
    unknown_value,
)


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
    assert sent_body(sent) == call.sent


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
    paged = a_paged_list().with_every_argument()
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
    paged = a_paged_list()
    assert paged_call_of(paged.call.operation_id) == paged
    with pytest.raises(pytest.skip.Exception, match="the spec has no operation 'notAnOperation'"):
        paged_call_of("notAnOperation")
    unpaged = next((call for call in calls() if not call.paged), None)
    if unpaged is not None:
        with pytest.raises(pytest.skip.Exception, match=f"{unpaged.operation_id!r} is not a list walked by cursor"):
            paged_call_of(unpaged.operation_id, **unpaged.arguments)


async def test_a_page_of_given_items_holds_them_as_given(palomma: PalommaClient, api: RecordingAPI) -> None:
    paged = a_paged_list()
    items = [paged.item("x"), paged.item("y")]
    api.queue(paged.page_of(items, None))

    page = await paged(palomma)

    assert [paged.label(item) for item in page.items] == ["x", "y"]
    assert paged.body_of(items, "next")[paged.cursor_name] == "next"


async def test_a_paged_call_is_a_list_and_its_page_answer_names_the_next_page(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    listing = a_paged_call()
    assert listing.paged
    assert next(call for call in calls() if call.paged) == listing
    api.queue(page_answer(listing, "next"), page_answer(listing, None))
    pages = [page async for page in listing(palomma).pages()]
    assert [page.next_cursor for page in pages] == ["next", None]
    assert [request.url.params.get("cursor") for request in api.requests] == [None, "next"]


def test_a_query_text_argument_travels_in_the_query_string_as_given() -> None:
    call, name = a_query_text_argument()
    module = OPERATIONS[call.operation_id]
    request = module.build_request(**{**call.arguments, name: "any text at all"})
    assert "any text at all" in (request.params or {}).values()
    assert "any text at all" not in request.path
    assert a_query_text_argument(paged=call.paged)[0] == call


def test_answer_properties_are_the_schema_of_the_documented_answer() -> None:
    call = next((call for call in calls() if isinstance(call.body, dict) and call.body), None)
    if call is None:
        pytest.skip("no operation of the spec answers a JSON object")
    properties, required = answer_properties(call)
    assert set(call.body) <= set(properties)
    assert set(required) <= set(call.body)
    assert all(isinstance(schema, dict) for schema in properties.values())


def test_a_page_holding_an_item_is_the_last_page_and_changes_only_the_items_own_fields() -> None:
    listing = a_paged_call()
    first = page_answer(listing, None).json()
    [items_name] = [name for name, value in first.items() if isinstance(value, list)]
    if not first[items_name]:
        pytest.skip(f"the documented answer of {listing.operation_id} lists no item")
    name = next((key for key, value in first[items_name][0].items() if isinstance(value, str)), None)
    if name is None:
        pytest.skip(f"the items of {listing.operation_id} have no text field")
    body, item = page_holding(listing, **{name: "changed", "not-a-field-of-it": 1})
    assert body == {**first, items_name: [item]}
    assert item == {**first[items_name][0], name: "changed"}
    module = OPERATIONS[listing.operation_id]
    assert module.page_of(module.parse_response(listing.answer.status, body)).next_cursor is None


async def test_a_completed_call_is_its_answer_or_every_item_of_its_list(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    read, listing = a_call(), a_paged_call()
    api.queue(read.ok(), page_answer(listing, "next"), page_answer(listing, None))
    assert await completed(read, palomma) == read.expected
    module = OPERATIONS[listing.operation_id]
    items = module.page_of(module.parse_response(listing.answer.status, page_answer(listing, None).json())).items
    assert await completed(listing, palomma) == [*items, *items]
    assert len(api.requests) == 3


async def test_a_call_breaking_a_rule_is_refused_naming_the_argument_before_sending(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    call, name = a_call_breaking_a_rule()
    with pytest.raises(InvalidParameterError) as caught:
        OPERATIONS[call.operation_id].build_request(**call.arguments)
    assert caught.value.parameter == name
    with pytest.raises(InvalidParameterError, match=name):
        await completed(call, palomma)
    assert api.requests == []


def test_a_listed_field_is_read_from_the_first_item_and_skips_for_one_the_items_lack() -> None:
    listing = a_paged_call()
    body, _ = page_holding(listing)
    module = OPERATIONS[listing.operation_id]
    [model] = module.page_of(module.parse_response(listing.answer.status, body)).items
    python_name, json_name = next(iter(type(model).JSON_NAMES.items()))
    assert listed_field(listing, json_name) == getattr(model, python_name)
    with pytest.raises(pytest.skip.Exception, match="has no field 'not-a-field'"):
        listed_field(listing, "not-a-field")


def test_with_every_argument_keeps_the_required_ones_adds_what_the_rules_accept_and_the_spec_accepts_it() -> None:
    for call in calls():
        full = with_every_argument(call)
        assert full.operation_id == call.operation_id
        assert dict(full.arguments).items() >= dict(call.arguments).items()
        assert accepted(full.request()).operation.operation_id == call.operation_id


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
        # Every field the model reads, which is every property of its schema (a writeOnly one is in neither).
        assert set(document) == set(model.JSON_NAMES.values()) == set(model_properties(model)[0])
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
        required = set(model_properties(model)[1])
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


def test_a_bearer_key_call_sends_the_key_as_a_bearer_token_and_is_routed_back_to_its_operation() -> None:
    call = a_call("GET", bearer_key=True)
    assert sends_bearer_key(call.operation_id)
    assert key_credentials(call.operation_id, "k_1") == [{"authorization": "Bearer k_1"}]
    assert operation_of(httpx2.Request(call.http_method, url_of(call, SANDBOX))) == call.operation_id
    assert credentials_sent({"Authorization": "Bearer k_1", "X-Trace": "t"}) == {"authorization": "Bearer k_1"}


def test_key_credentials_follow_each_operations_own_security(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shipped spec with schemes of this test's own, and its first operation made public, then keyed otherwise.
    document = load_shipped_spec()
    document.setdefault("components", {}).setdefault("securitySchemes", {}).update(
        {
            "probeHeaderKey": {"type": "apiKey", "in": "header", "name": "X-Probe-Key"},
            "probeCookieKey": {"type": "apiKey", "in": "cookie", "name": "probe_sid"},
            "probeBasic": {"type": "http", "scheme": "basic"},
            "probeQueryKey": {"type": "apiKey", "in": "query", "name": "probe_key"},
        }
    )
    first = ApiSpec(document).operations[0]
    definition = document["paths"][first.path][first.method.lower()]
    # A test's client holds the fake's user name with the key as its password for HTTP basic.
    basic = "Basic " + base64.b64encode(f"{FAKE_USERNAME}:k_1".encode()).decode("ascii")
    cases: list[tuple[list[dict[str, list[str]]], list[dict[str, str]]]] = [
        ([], [{}]),
        ([{}, {"probeHeaderKey": []}], [{}, {"x-probe-key": "k_1"}]),
        (
            [{"probeBasic": []}, {"probeHeaderKey": [], "probeCookieKey": []}],
            [{"authorization": basic}, {"x-probe-key": "k_1", "cookie": "probe_sid=k_1"}],
        ),
        # A key in the query is no header: a requirement needing it is not one the client meets by headers.
        ([{"probeQueryKey": []}, {"probeHeaderKey": []}], [{"x-probe-key": "k_1"}]),
    ]
    for security, expected in cases:
        definition["security"] = security
        monkeypatch.setattr(spec_calls, "_SPEC", ApiSpec(document))
        assert key_credentials(first.operation_id, "k_1") == expected, security
        assert not sends_bearer_key(first.operation_id), security
    assert credentials_sent({"X-Probe-Key": "k_1", "Cookie": "probe_sid=k_1", "Accept": "*/*"}) == {
        "cookie": "probe_sid=k_1",
        "x-probe-key": "k_1",
    }


@pytest.mark.parametrize("encoding", ["json", "form", "multipart"])
def test_a_body_made_in_any_encoding_reads_back_as_the_call_holds_it(encoding: str) -> None:
    values: dict[str, Any] = {"reason": "fixed", "rating": 5, "share": 0.5, "paid": True, "tags": ["a b", "ñ&="]}
    if encoding == "multipart":
        values["photo"] = b"\x00\xff a file"
    request = httpx2.Request("POST", SANDBOX + "/anything", **request_body(values, encoding))
    request.read()

    sent = sent_body(request)

    if encoding == "json":
        assert sent == values
        return
    # A form holds each value's JSON text, an array as the field repeated, a file's bytes as they are.
    expected = {"reason": ["fixed"], "rating": ["5"], "share": ["0.5"], "paid": ["true"], "tags": ["a b", "ñ&="]}
    assert form_fields(values) == sent == {**expected, **({"photo": [values["photo"]]} if "photo" in values else {})}
