"""Every answer belongs to its request, and no number that is not finite passes: on both backends."""

from __future__ import annotations

import json
import re

import httpx2
import pytest

from palomma_client import APIResponseValidationError, InvoiceOutcomeUnknownError, PalommaClient
from palomma_client._generated.api.invoices import get_invoice
from palomma_client._generated.api.settlements import get_settlement
from palomma_client._matching import asked_fields, differing_fields, path_parameters, unmatched_filters
from tests.support import RecordingAPI, Sleeps, create_arguments, created_invoice, page_body, settlement_body

pytestmark = pytest.mark.usefixtures("clean_environment")

CREATE = create_arguments()
ASKED_ID = "01ASKEDFOR0000000000000000"


def _path_names(template: str) -> list[str]:
    return re.findall(r"\{([^{}/]+)\}", template)


@pytest.fixture
def verbatim(api: RecordingAPI) -> RecordingAPI:
    """The scripted API, answering exactly what the test queued: about another resource, if so queued."""
    api.echo = False
    return api


async def test_a_get_answered_with_another_id_is_refused(palomma: PalommaClient, verbatim: RecordingAPI) -> None:
    [name] = [name for name in _path_names(get_invoice.PATH) if name in created_invoice()]
    verbatim.queue(httpx2.Response(200, json=created_invoice()))
    with pytest.raises(APIResponseValidationError) as caught:
        await palomma.invoices.get(ASKED_ID)
    other = created_invoice()[name]
    assert f"it has {name} {other!r}, not the {ASKED_ID!r} asked for" in str(caught.value)
    assert caught.value.status_code == 200


async def test_a_get_answered_with_its_own_id_is_returned(palomma: PalommaClient, verbatim: RecordingAPI) -> None:
    verbatim.queue(httpx2.Response(200, json=created_invoice(id=ASKED_ID)))
    assert (await palomma.invoices.get(ASKED_ID)).id == ASKED_ID


async def test_a_settlement_of_another_cycle_is_refused(palomma: PalommaClient, verbatim: RecordingAPI) -> None:
    found = settlement_body()
    names = [name for name in _path_names(get_settlement.PATH) if name in found]
    assert names, "the settlement answers name its path parameters"
    other_cycle = f"{found['cycle']}9"
    verbatim.queue(httpx2.Response(200, json=found))
    with pytest.raises(APIResponseValidationError, match=r"not the .* asked for"):
        await palomma.settlements.get(found["date"], other_cycle)


async def test_a_list_filtered_by_reference_answered_with_another_reference_is_refused(
    palomma: PalommaClient, verbatim: RecordingAPI
) -> None:
    page = page_body([created_invoice(reference="A-1"), created_invoice(reference="B-2")], None)
    verbatim.queue(httpx2.Response(200, json=page))
    with pytest.raises(APIResponseValidationError, match=r"item 1 has reference 'B-2', not the 'A-1' asked for"):
        await palomma.invoices.list(reference="A-1")


async def test_a_date_filter_matches_the_date_part_of_a_date_time(
    palomma: PalommaClient, verbatim: RecordingAPI
) -> None:
    paid = created_invoice(status="paid", paymentDate="2026-03-11T16:40:02.118Z")
    verbatim.queue(httpx2.Response(200, json=page_body([paid], None)))
    page = await palomma.invoices.list(payment_date="2026-03-11")
    assert [invoice.id for invoice in page.items] == [paid["id"]]


@pytest.mark.parametrize(("field", "value"), [("reference", "INV-2026-9999"), ("amount", 5_000)])
async def test_a_create_answered_with_another_invoice_is_never_returned(
    palomma: PalommaClient, verbatim: RecordingAPI, sleeps: Sleeps, field: str, value: object
) -> None:
    verbatim.queue(httpx2.Response(200, json=created_invoice(**{field: value})))
    verbatim.default = lambda request: httpx2.Response(200, json=page_body([], None))
    # The answer is not this call's invoice, so the SDK cannot know whether it made one: it looks
    # the reference up, finds nothing, and never creates again.
    with pytest.raises(InvoiceOutcomeUnknownError) as caught:
        await palomma.invoices.create(**CREATE)
    assert isinstance(caught.value.create_error, APIResponseValidationError)
    assert f"it has {field} {value!r}" in str(caught.value.create_error)
    assert [request.method for request in verbatim.requests].count("POST") == 1


async def test_extra_query_is_what_a_page_is_checked_against(palomma: PalommaClient, verbatim: RecordingAPI) -> None:
    verbatim.queue(httpx2.Response(200, json=page_body([created_invoice(reference="B-1")], None)))
    page = await palomma.invoices.list(reference="A-1", extra_query={"reference": "B-1"})
    assert [invoice.reference for invoice in page.items] == ["B-1"]
    assert verbatim.requests[0].url.params["reference"] == "B-1"


async def test_extra_body_is_what_a_create_is_checked_against(palomma: PalommaClient, verbatim: RecordingAPI) -> None:
    verbatim.queue(httpx2.Response(200, json=created_invoice(reference="B-1")))
    invoice = await palomma.invoices.create(**CREATE, extra_body={"reference": "B-1"})
    assert invoice.reference == "B-1"
    assert json.loads(verbatim.requests[0].content)["reference"] == "B-1"


@pytest.mark.parametrize(
    ("text", "shown"),
    [(text, text) for text in ("NaN", "Infinity", "-Infinity", "1e400", "-1.5e999")],
)
async def test_a_number_that_is_not_finite_is_refused_naming_its_path(
    palomma: PalommaClient, verbatim: RecordingAPI, text: str, shown: str
) -> None:
    page = json.dumps(page_body([created_invoice(), created_invoice(id="second")], None))
    # The second item's amount, written as the API must never write it.
    body = page.replace('"amount":1850000', f'"amount":{text}').replace('"amount": 1850000', f'"amount": {text}')
    body = body.replace(f'"amount": {text}', '"amount": 1850000', 1)
    verbatim.queue(httpx2.Response(200, content=body.encode(), headers={"content-type": "application/json"}))
    with pytest.raises(APIResponseValidationError) as caught:
        await palomma.invoices.list()
    assert f"$.items[1].amount is {shown}" in str(caught.value)


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
