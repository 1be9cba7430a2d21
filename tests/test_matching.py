"""Every answer belongs to its request, and no number that is not finite passes: on both backends."""

from __future__ import annotations

import datetime
import inspect
import json
from typing import Any

import httpx2
import pytest

from palomma_client import APIResponseValidationError, InvalidParameterError, InvoiceOutcomeUnknownError, PalommaClient
from palomma_client._generated.api import OPERATIONS
from palomma_client._matching import asked_fields, differing_fields, path_parameters, unmatched_filters
from palomma_client.testing._spec import ApiSpec, load_shipped_spec, schema_types
from tests.spec_calls import PagedCall, SpecCall, a_paged_list, call_taking, calls, field, paged_call_of
from tests.support import RecordingAPI, Sleeps

pytestmark = pytest.mark.usefixtures("clean_environment")

SPEC = ApiSpec(load_shipped_spec())


@pytest.fixture
def verbatim(api: RecordingAPI) -> RecordingAPI:
    """The scripted API, answering exactly what the test queued: about another resource, if so queued."""
    api.echo = False
    return api


def _other(value: Any) -> Any:
    """A value of the same kind as ``value`` (an id, a date, a number...) that differs from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    text = str(value)
    try:
        return (datetime.date.fromisoformat(text) + datetime.timedelta(days=1)).isoformat()
    except ValueError:
        return f"{text}9"


def _path_fields_answered() -> list[tuple[SpecCall, str]]:
    """Each (call, path parameter) of the spec whose answer carries a field of the parameter's name."""
    found = []
    for call in calls():
        body = call.body
        if call.paged or not isinstance(body, dict):
            continue
        asked = path_parameters(OPERATIONS[call.operation_id].PATH, call.path)
        found += [(call, name) for name in asked if name in body and body[name] == asked[name]]
    return found


def _ids(case: object) -> str:
    return f"{case[0].operation_id}-{case[1]}" if isinstance(case, tuple) else str(case)


@pytest.mark.parametrize("case", _path_fields_answered(), ids=_ids)
async def test_an_answer_about_another_path_parameter_is_refused(
    case: tuple[SpecCall, str], palomma: PalommaClient, verbatim: RecordingAPI
) -> None:
    call, name = case
    asked = path_parameters(OPERATIONS[call.operation_id].PATH, call.path)[name]
    other = _other(call.body[name])
    verbatim.queue(httpx2.Response(call.answer.status, json={**call.body, name: other}))
    with pytest.raises(APIResponseValidationError) as caught:
        await call(palomma)
    assert f"it has {name} {other!r}, not the {asked!r} asked for" in str(caught.value)
    assert caught.value.status_code == call.answer.status


@pytest.mark.parametrize("case", _path_fields_answered(), ids=_ids)
async def test_an_answer_about_its_own_path_parameter_is_returned(
    case: tuple[SpecCall, str], palomma: PalommaClient, verbatim: RecordingAPI
) -> None:
    call, _ = case
    verbatim.queue(call.ok())
    assert await call(palomma) == call.expected


def _item_property(paged: PagedCall, name: str) -> dict[str, Any] | None:
    properties, _ = SPEC.object_properties(paged.items_pointer)
    return properties[name][0] if name in properties else None


def _filter(value: str, item_format: str | None) -> tuple[PagedCall, str]:
    """A paged call of the spec given one optional filter, sent as ``value``, that its items carry (of ``item_format``).

    Returns:
        The call with that filter, and the filter's name on the wire (the items' field's JSON name).
    """
    for call in calls():
        if not call.paged:
            continue
        paged = paged_call_of(call.operation_id, **call.arguments)
        module = OPERATIONS[call.operation_id]
        for name, parameter in inspect.signature(module.build_request).parameters.items():
            if parameter.default is inspect.Parameter.empty or name == "cursor":
                continue
            try:
                sent = module.build_request(**call.arguments, **{name: value}).params or {}
            except (InvalidParameterError, TypeError):
                continue
            added = [key for key in sent if key not in (call.params or {})]
            schema = _item_property(paged, added[0]) if len(added) == 1 else None
            if schema is None or sent[added[0]] != value or "string" not in schema_types(schema):
                continue
            if schema.get("format") == item_format and not schema.get("enum"):
                return _with_argument(paged, name, value), added[0]
    pytest.skip(f"no list of the spec has a filter its items carry as a string of format {item_format}")


def _with_argument(paged: PagedCall, name: str, value: Any) -> PagedCall:
    return paged_call_of(paged.call.operation_id, **{**paged.call.arguments, name: value})


async def test_a_list_filtered_answered_with_an_item_of_another_value_is_refused(
    palomma: PalommaClient, verbatim: RecordingAPI
) -> None:
    paged, wire = _filter("A-1", None)
    verbatim.queue(paged.page_of([{**paged.item("a"), wire: "A-1"}, {**paged.item("b"), wire: "B-2"}], None))
    with pytest.raises(APIResponseValidationError, match=rf"item 1 has {wire} 'B-2', not the 'A-1' asked for"):
        await paged(palomma)


async def test_a_date_filter_matches_the_date_part_of_a_date_time(
    palomma: PalommaClient, verbatim: RecordingAPI
) -> None:
    paged, wire = _filter("2026-03-11", "date-time")
    verbatim.queue(paged.page_of([{**paged.item("paid"), wire: "2026-03-11T16:40:02.118Z"}], None))
    page = await paged(palomma)
    assert [paged.label(item) for item in page.items] == ["paid"]


@pytest.mark.parametrize(("sent", "value"), [("reference", "INV-2026-9999"), ("amount", 5_000)])
async def test_a_create_answered_with_another_invoice_is_never_returned(
    palomma: PalommaClient, verbatim: RecordingAPI, sleeps: Sleeps, sent: str, value: object
) -> None:
    create = call_taking("createInvoice", reference="INV-2026-0001")
    lookup = paged_call_of("listInvoices")
    if not isinstance(create.json, dict) or sent not in create.json or sent not in create.body:
        pytest.skip(f"the spec's createInvoice does not send and answer {sent!r}")
    verbatim.queue(httpx2.Response(create.answer.status, json={**create.body, sent: value}))
    verbatim.default = lambda request: lookup.page_of([], None)
    # The answer is not this call's invoice, so the SDK cannot know whether it made one: it looks
    # the reference up, finds nothing, and never creates again.
    with pytest.raises(InvoiceOutcomeUnknownError) as caught:
        await create(palomma)
    assert isinstance(caught.value.create_error, APIResponseValidationError)
    assert f"it has {sent} {value!r}" in str(caught.value.create_error)
    assert verbatim.methods().count(create.line) == 1


async def test_extra_query_is_what_a_page_is_checked_against(palomma: PalommaClient, verbatim: RecordingAPI) -> None:
    paged, wire = _filter("A-1", None)
    verbatim.queue(paged.page_of([{**paged.item("b"), wire: "B-1"}], None))
    page = await paged(palomma, extra_query={wire: "B-1"})
    assert [paged.label(item) for item in page.items] == ["b"]
    assert verbatim.requests[0].url.params[wire] == "B-1"


def _body_text_field_answered() -> tuple[SpecCall, str]:
    """A call sending a JSON body with a plain text field that its answer carries too."""
    for call in calls():
        operation = SPEC.operation(call.operation_id)
        media = operation.body.json_media_type() if operation is not None and operation.body else None
        if call.paged or media is None or media.schema_pointer is None or not isinstance(call.body, dict):
            continue
        properties, _ = SPEC.object_properties(media.schema_pointer)
        for name, (schema, _) in properties.items():
            plain = "string" in schema_types(schema) and not {"format", "enum", "pattern"} & schema.keys()
            if plain and isinstance((call.json or {}).get(name), str) and name in call.body:
                return call, name
    pytest.skip("the spec has no operation sending a text field in a JSON body that its answer carries")


async def test_extra_body_is_what_a_body_is_checked_against(palomma: PalommaClient, verbatim: RecordingAPI) -> None:
    call, name = _body_text_field_answered()
    verbatim.queue(httpx2.Response(call.answer.status, json={**call.body, name: "B-1"}))
    answered = await call(palomma, extra_body={name: "B-1"})
    assert field(answered, name) == "B-1"
    assert json.loads(verbatim.requests[0].content)[name] == "B-1"


def _number_field(paged: PagedCall) -> str:
    item = paged.item("a")
    properties, _ = SPEC.object_properties(paged.items_pointer)
    for name, (schema, _) in properties.items():
        if {"number", "integer"} & set(schema_types(schema)) and name in item:
            return name
    pytest.skip(f"the items of {paged.call.operation_id!r} have no number field")


@pytest.mark.parametrize(
    ("text", "shown"),
    [(text, text) for text in ("NaN", "Infinity", "-Infinity", "1e400", "-1.5e999")],
)
async def test_a_number_that_is_not_finite_is_refused_naming_its_path(
    palomma: PalommaClient, verbatim: RecordingAPI, text: str, shown: str
) -> None:
    paged = a_paged_list()
    name = _number_field(paged)
    # The second item's number, written as the API must never write it.
    spoilt = "number-the-API-must-never-write"
    page = json.dumps(paged.body_of([paged.item("a"), {**paged.item("b"), name: spoilt}], None))
    body = page.replace(json.dumps(spoilt), text)
    verbatim.queue(
        httpx2.Response(paged.call.answer.status, content=body.encode(), headers={"content-type": "application/json"})
    )
    with pytest.raises(APIResponseValidationError) as caught:
        await paged(palomma)
    assert f"$.{paged.items_name}[1].{name} is {shown}" in str(caught.value)


def test_path_parameters_are_read_from_the_spec_template_unquoted() -> None:
    assert path_parameters("/invoices/{id}", "/invoices/a%2Fb") == {"id": "a/b"}
    assert path_parameters("/settlements/{date}/{cycle}", "/settlements/2026-03-12/11") == {
        "date": "2026-03-12",
        "cycle": "11",
    }
    assert path_parameters("/invoices", "/invoices") == {}


def test_only_fields_both_sides_carry_are_compared() -> None:
    asked = asked_fields("/invoices", "/invoices", {"reference": "A", "redirectUrl": "https://x", "amount": 3000})
    assert differing_fields(asked, {"reference": "A", "amount": 3000.0}) == []
    assert differing_fields(asked, {"reference": "A", "amount": 3001}) == ["amount"]
    assert differing_fields({"flag": True}, {"flag": 1}) == ["flag"]
    assert unmatched_filters({"cycle": "11", "limit": "20"}, {"cycle": 11}) == []


def test_an_array_filter_matches_an_item_with_any_of_its_values() -> None:
    assert unmatched_filters({"state": ["on", "idle"]}, {"state": "idle"}) == []
    assert unmatched_filters({"state": "on,idle"}, {"state": "idle"}) == []  # explode: false
    assert unmatched_filters({"state": ["on", "idle"]}, {"state": "off"}) == ["state"]


def test_a_nested_object_sent_is_found_in_the_answer_even_with_fields_the_api_added() -> None:
    asked = {"tenant": {"name": "Ana"}, "lines": [{"amount": 5}]}

    assert differing_fields(asked, {"tenant": {"name": "Ana", "id": "t1"}, "lines": [{"amount": 5, "id": "l1"}]}) == []
    assert differing_fields(asked, {"tenant": {"name": "Bo"}, "lines": [{"amount": 5}]}) == ["tenant"]
    assert differing_fields(asked, {"tenant": {"name": "Ana"}, "lines": []}) == ["lines"]
