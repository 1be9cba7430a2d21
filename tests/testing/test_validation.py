"""The fake checks requests against the spec's schemas and answers 400 naming the field.

Every limit and list these tests use is read from the shipped spec, so they follow it when it changes.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from palomma_client.testing import FakePalomma
from palomma_client.testing._validation import decode_cursor, encode_cursor
from tests.spec_calls import needs_operations
from tests.testing.support import (
    SPEC,
    body_properties,
    body_schema,
    enum,
    invoice_body,
    made_up_value,
    operation,
    query_schema,
    required_parameters,
)

GONE = [operation_id for operation_id in ("createInvoice", "listInvoices") if SPEC.operation(operation_id) is None]
if GONE:  # these are the fake's own checks of the invoice operations it models
    pytest.skip(f"the spec has no operation {', '.join(map(repr, GONE))}", allow_module_level=True)

ULID = "01HQY8EW1H9YGH5PAV5Y2M9R3T"
CREATE_OPERATION = operation("createInvoice")
CREATE = body_schema("createInvoice")
FIELDS = body_properties("createInvoice")
AMOUNT = FIELDS["amount"]
LIMIT = query_schema("listInvoices", "limit")
OPTIONAL_FIELDS = sorted(set(FIELDS) - set(CREATE["required"]))
NON_EMPTY_FIELDS = sorted(name for name, schema in FIELDS.items() if schema.get("minLength", 0) > 0)


async def _create(http: httpx2.AsyncClient, payload: Any) -> httpx2.Response:
    # With what else the spec requires of a create (a header parameter...), so that only the body is at issue.
    path, params, headers = required_parameters(CREATE_OPERATION)
    return await http.post(
        path, content=json.dumps(payload), params=params, headers={"Content-Type": "application/json", **headers}
    )


async def _rejected(http: httpx2.AsyncClient, payload: Any) -> str:
    response = await _create(http, payload)
    assert response.status_code == 400, response.text
    message = response.json()["error"]
    assert isinstance(message, str)
    return message


# --- createInvoice's body --------------------------------------------------------------------------


async def test_the_minimum_payload_is_accepted_with_the_specs_defaults(http: httpx2.AsyncClient) -> None:
    response = await _create(http, invoice_body())
    assert response.status_code == 200
    defaults = {name: schema["default"] for name, schema in FIELDS.items() if "default" in schema}
    assert defaults, "the spec defaults some field (contract)"
    for name, value in defaults.items():
        assert response.json()[name] == value


@pytest.mark.parametrize("field", CREATE["required"])
async def test_each_required_field_is_required(http: httpx2.AsyncClient, field: str) -> None:
    assert await _rejected(http, invoice_body(**{field: None})) == f"{field}: required property is missing"


@pytest.mark.parametrize("amount", [AMOUNT["minimum"], AMOUNT["maximum"]])
async def test_the_amount_bounds_are_inclusive(http: httpx2.AsyncClient, amount: int) -> None:
    assert (await _create(http, invoice_body(amount=amount))).status_code == 200


async def test_an_amount_below_the_minimum_is_named(http: httpx2.AsyncClient) -> None:
    minimum = AMOUNT["minimum"]
    message = await _rejected(http, invoice_body(amount=minimum - 1))
    assert message == f"amount: {minimum - 1} is less than the minimum of {minimum}"


async def test_an_amount_above_the_maximum_is_named(http: httpx2.AsyncClient) -> None:
    maximum = AMOUNT["maximum"]
    message = await _rejected(http, invoice_body(amount=maximum + 1))
    assert message == f"amount: {maximum + 1} is greater than the maximum of {maximum}"


@pytest.mark.parametrize("amount", [1850000.0, 1850000.5, "1850000", True])
async def test_an_amount_that_is_not_a_json_integer_is_rejected(http: httpx2.AsyncClient, amount: object) -> None:
    assert AMOUNT["type"] == "integer"
    assert await _rejected(http, invoice_body(amount=amount)) == f"amount: {amount!r} is not of type 'integer'"


@pytest.mark.parametrize("field", NON_EMPTY_FIELDS)
async def test_fields_with_a_minimum_length_reject_the_empty_string(http: httpx2.AsyncClient, field: str) -> None:
    assert await _rejected(http, invoice_body(**{field: ""})) == f"{field}: '' should be non-empty"


async def test_a_whitespace_reference_satisfies_a_minimum_length_of_one(http: httpx2.AsyncClient) -> None:
    assert (await _create(http, invoice_body(reference=" "))).status_code == 200


@pytest.mark.parametrize(
    "redirect_url", ["/payments/return", "merchant.example.com", "https://exa mple.com/", "https://[::1/", ""]
)
async def test_redirect_url_must_be_a_uri(http: httpx2.AsyncClient, redirect_url: str) -> None:
    assert FIELDS["redirectUrl"]["format"] == "uri"
    message = await _rejected(http, invoice_body(redirectUrl=redirect_url))
    assert message == f"redirectUrl: {redirect_url!r} is not a 'uri'"


@pytest.mark.parametrize(
    "redirect_url", ["http://localhost:8080/return?x=1#top", "HTTPS://Example.COM", "https://a.b/%2F"]
)
async def test_absolute_uris_are_accepted(http: httpx2.AsyncClient, redirect_url: str) -> None:
    assert (await _create(http, invoice_body(redirectUrl=redirect_url))).status_code == 200


@pytest.mark.parametrize("document_type", enum(FIELDS["documentType"]["enum"]))
async def test_every_document_type_of_the_spec_is_accepted(http: httpx2.AsyncClient, document_type: str) -> None:
    assert (await _create(http, invoice_body(documentType=document_type))).status_code == 200


async def test_a_document_type_the_spec_does_not_list_is_rejected(http: httpx2.AsyncClient) -> None:
    values = FIELDS["documentType"]["enum"]
    unknown = made_up_value(values)
    message = await _rejected(http, invoice_body(documentType=unknown))
    assert message.startswith("documentType: '")
    assert message.endswith(f" is not one of {values!r}")


@pytest.mark.parametrize("field", OPTIONAL_FIELDS)
async def test_an_explicit_null_for_an_optional_field_is_rejected(http: httpx2.AsyncClient, field: str) -> None:
    assert not FIELDS[field].get("nullable", False)
    kind = FIELDS[field]["type"]
    assert await _rejected(http, {**invoice_body(), field: None}) == f"{field}: None is not of type {kind!r}"


async def test_fields_the_spec_does_not_know_are_accepted(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    response = await _create(http, invoice_body(somethingNew=[1, 2]))
    assert response.status_code == 200
    assert "somethingNew" not in response.json()  # stored, but not part of an Invoice


async def test_the_first_problem_in_the_schemas_order_is_the_one_named(http: httpx2.AsyncClient) -> None:
    message = await _rejected(http, {"reference": "", "amount": "many"})
    assert message.endswith("required property is missing")  # the spec lists `required` before `properties`


@pytest.mark.parametrize("payload", [[], "text", 3, None])
async def test_a_body_that_is_not_an_object_is_rejected(http: httpx2.AsyncClient, payload: object) -> None:
    assert await _rejected(http, payload) == f"body: {payload!r} is not of type 'object'"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"not json",
        b"\xff\xfe",
        b"[" * 100_000,
        b'{"amount": ' + b"9" * 5_000 + b"}",  # more digits than Python reads
        b'{"amount": NaN}',
        b'{"amount": 1e999}',
    ],
)
async def test_bodies_that_are_not_json_get_the_specs_message(http: httpx2.AsyncClient, content: bytes) -> None:
    response = await http.post("/invoices", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid JSON in request body"}


async def test_text_that_no_json_answer_could_carry_is_rejected(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    content = json.dumps(invoice_body()).replace("Canon", "\\ud800Canon").encode()
    response = await http.post("/invoices", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "description: must be valid Unicode text"}
    assert fake.invoices() == []


async def test_values_quoted_in_messages_are_shortened(http: httpx2.AsyncClient) -> None:
    message = await _rejected(http, invoice_body(amount=["x" * 10_000]))
    assert message.startswith("amount: ['xxxxxxx")
    assert message.endswith("characters) is not of type 'integer'")
    assert len(message) < 200


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_a_body_that_is_not_declared_as_json_is_rejected(
    http: httpx2.AsyncClient, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = await http.post("/invoices", content=json.dumps(invoice_body()), headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "Content-Type must be application/json"}


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/vnd.palomma+json"])
async def test_json_content_types_are_accepted(http: httpx2.AsyncClient, content_type: str) -> None:
    response = await http.post("/invoices", content=json.dumps(invoice_body()), headers={"Content-Type": content_type})
    assert response.status_code == 200


# --- query and path parameters ---------------------------------------------------------------------


async def test_limit_defaults_to_the_specs_default(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    default = LIMIT["default"]
    for _ in range(default + 1):
        fake.create_invoice()
    page = (await http.get("/invoices")).json()
    assert page["count"] == default
    assert page["cursor"] is not None


@pytest.mark.parametrize("bound", ["minimum", "maximum"])
async def test_limit_accepts_its_bounds(fake: FakePalomma, http: httpx2.AsyncClient, bound: str) -> None:
    assert (await http.get("/invoices", params={"limit": LIMIT[bound]})).status_code == 200


async def test_limit_below_its_minimum_is_rejected(http: httpx2.AsyncClient) -> None:
    response = await http.get("/invoices", params={"limit": LIMIT["minimum"] - 1})
    assert response.status_code == 400
    assert response.json() == {"error": f"limit: {LIMIT['minimum'] - 1} is less than the minimum of {LIMIT['minimum']}"}


async def test_limit_above_its_maximum_is_rejected(http: httpx2.AsyncClient) -> None:
    response = await http.get("/invoices", params={"limit": LIMIT["maximum"] + 1})
    assert response.status_code == 400
    assert response.json() == {
        "error": f"limit: {LIMIT['maximum'] + 1} is greater than the maximum of {LIMIT['maximum']}"
    }


@pytest.mark.parametrize("limit", ["1.5", "ten", "", " 5", "+5", "1e1", "٣", "0x10"])
async def test_limit_must_be_written_as_an_integer(http: httpx2.AsyncClient, limit: str) -> None:
    assert LIMIT["type"] == "integer"
    response = await http.get("/invoices", params={"limit": limit})
    assert response.status_code == 400
    assert response.json() == {"error": f"limit: {limit!r} is not of type 'integer'"}


async def test_a_five_thousand_digit_limit_is_a_400_with_a_short_message(http: httpx2.AsyncClient) -> None:
    response = await http.get("/invoices", params={"limit": "9" * 5_000})
    assert response.status_code == 400
    message = response.json()["error"]
    assert message.startswith("limit: 9999")
    assert message.endswith("(5000 characters) has too many digits")
    assert len(message) < 200


async def test_a_hundred_digit_limit_is_compared_with_the_maximum(http: httpx2.AsyncClient) -> None:
    response = await http.get("/invoices", params={"limit": "9" * 100})
    assert response.status_code == 400
    assert response.json()["error"].endswith(f"is greater than the maximum of {LIMIT['maximum']}")


async def test_the_last_of_repeated_query_values_counts(fake: FakePalomma, http: httpx2.AsyncClient) -> None:
    for _ in range(3):
        fake.create_invoice()
    response = await http.get("/invoices?limit=0&limit=2")
    assert (response.status_code, response.json()["count"]) == (200, 2)


@pytest.mark.parametrize("name", ["paymentDate", "settlementDate"])
@pytest.mark.parametrize("value", ["11/03/2026", "2026-3-11", "20260311", "2026-02-30", "2026-03-11T00:00:00"])
async def test_date_filters_must_be_dates(http: httpx2.AsyncClient, name: str, value: str) -> None:
    assert query_schema("listInvoices", name)["format"] == "date"
    response = await http.get("/invoices", params={name: value})
    assert response.status_code == 400
    assert response.json() == {"error": f"{name}: {value!r} is not a 'date'"}


@pytest.mark.parametrize("settlement_date", ["2026-3-11", "yesterday", "2026-02-29", "\uff12\uff10\uff12\uff16-03-11"])
async def test_a_settlement_date_in_the_path_must_be_a_date(http: httpx2.AsyncClient, settlement_date: str) -> None:
    needs_operations("getSettlement")
    response = await http.get(f"/settlements/{settlement_date}/11")
    assert response.status_code == 400
    assert response.json() == {"error": f"date: {settlement_date!r} is not a 'date'"}


async def test_unknown_query_parameters_are_ignored(http: httpx2.AsyncClient) -> None:
    assert (await http.get("/invoices", params={"colour": "blue"})).status_code == 200


# --- cursors, the fake's own ---------------------------------------------------------------------------


def test_a_cursor_round_trips_and_is_opaque() -> None:
    cursor = encode_cursor(ULID)
    assert ULID not in cursor
    assert decode_cursor(cursor) == ULID


@pytest.mark.parametrize(
    "cursor",
    ["", "not a cursor", "eyJwayI6InJlbnRhbHMj", encode_cursor("not-a-ulid"), "e30", encode_cursor(ULID) + "!"],
)
async def test_cursors_the_fake_did_not_make_are_rejected(http: httpx2.AsyncClient, cursor: str) -> None:
    response = await http.get("/invoices", params={"cursor": cursor})
    assert response.status_code == 400
    assert response.json() == {"error": "cursor: not a cursor this API returned"}
