"""Bad input is refused before any request is sent, with an error naming the argument.

Every limit here is read from openapi.yaml: when the vendor moves one, these
tests follow without an edit.
"""

from __future__ import annotations

import datetime
import inspect
from typing import Any

import httpx2
import pytest
from openapi_python_client.strings import PythonIdentifier

from palomma_client import DocumentType, InvalidParameterError, PalommaClient, PalommaError
from palomma_client._generated.api import OPERATIONS
from palomma_client._openapi import OpenAPI
from palomma_client.testing._examples import synthesize
from palomma_client.testing._spec import ApiSpec
from tests.support import SPEC, RecordingAPI, created_invoice, unknown_value

VALID: dict[str, Any] = {
    "reference": "INV-2026-0001",
    "amount": 1_850_000,
    "description": "Canon de arrendamiento marzo 2026",
    "redirect_url": "https://merchant.example.com/payments/return",
    "customer_document_number": "900123456",
}


def _rules_of(operation_id: str, argument: str, *needed: str) -> dict[str, Any]:
    """The spec's rules of one argument of a hand-written method, as the generated module holds them.

    The tests of that method's bounds skip (saying why) when the spec no longer states them.
    """
    module = OPERATIONS.get(operation_id)
    rules: dict[str, Any] = {} if module is None else dict(module.RULES.get(argument, {}))
    return rules if all(rule in rules for rule in needed) else {}


AMOUNT = _rules_of("createInvoice", "amount", "minimum", "maximum")
LIMIT = _rules_of("listInvoices", "limit", "minimum", "maximum")
DOCUMENT_TYPES = ", ".join(member.value for member in DocumentType)
_NO_AMOUNT_BOUNDS = pytest.mark.skipif(not AMOUNT, reason="the spec states no bounds of createInvoice's amount")
_NO_LIMIT_BOUNDS = pytest.mark.skipif(not LIMIT, reason="the spec states no bounds of listInvoices' limit")

BOUNDS_CASES = (
    [
        ("amount", AMOUNT["minimum"] - 1, f"between {AMOUNT['minimum']:,} and {AMOUNT['maximum']:,}, got "),
        ("amount", AMOUNT["maximum"] + 1, f"between {AMOUNT['minimum']:,} and {AMOUNT['maximum']:,}"),
    ]
    if AMOUNT
    else []
)
CREATE_CASES = [
    *BOUNDS_CASES,
    ("amount", 1850000.0, "must be an integer, got float"),
    ("amount", "1850000", "got str"),
    ("amount", True, "got bool"),
    ("reference", "", "must not be empty"),
    ("reference", None, "must be a string, got NoneType"),
    ("reference", "INV-\udc00", "lone surrogate"),
    ("description", "", "must not be empty"),
    ("customer_document_number", "", "must not be empty"),
    ("customer_document_number", 900123456, "must be a string, got int"),
    ("redirect_url", "merchant.example.com/return", "absolute URL"),
    ("redirect_url", "https://", "absolute URL"),
    ("redirect_url", "https://merchant.example.com/a b", "absolute URL"),
    ("document_type", "dni", f"must be one of {DOCUMENT_TYPES}; got 'dni'"),
    ("document_type", 1, "must be one of"),
    ("customer_name", 7, "must be a string, got int"),
]


@pytest.mark.parametrize(("parameter", "value", "message"), CREATE_CASES)
async def test_create_rejects_bad_input_before_sending(
    palomma: PalommaClient, api: RecordingAPI, parameter: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await palomma.invoices.create(**{**VALID, parameter: value})
    assert caught.value.parameter == parameter
    assert str(caught.value).startswith(f"{parameter}: ")
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, PalommaError)
    assert api.requests == []


@_NO_AMOUNT_BOUNDS
@pytest.mark.parametrize("amount", [AMOUNT.get("minimum"), AMOUNT.get("maximum")])
@pytest.mark.parametrize("document_type", [*DocumentType, None])
async def test_create_accepts_the_limits_and_every_listed_document_type(
    palomma: PalommaClient, api: RecordingAPI, amount: int, document_type: DocumentType | None
) -> None:
    api.queue(httpx2.Response(200, json=created_invoice()))
    await palomma.invoices.create(**{**VALID, "amount": amount, "document_type": document_type})
    assert api.json_body()["amount"] == amount
    if document_type is None:
        assert "documentType" not in api.json_body()
    else:
        assert api.json_body()["documentType"] == document_type.value


async def test_a_document_type_may_be_given_as_its_plain_value(palomma: PalommaClient, api: RecordingAPI) -> None:
    first = next(iter(DocumentType))
    api.queue(httpx2.Response(200, json=created_invoice()))
    await palomma.invoices.create(**VALID, document_type=first.value)
    assert api.json_body()["documentType"] == first.value


async def test_an_unknown_document_type_is_refused_even_though_responses_keep_unknown_values(
    palomma: PalommaClient, api: RecordingAPI
) -> None:
    made_up = unknown_value(DocumentType)
    with pytest.raises(InvalidParameterError, match="must be one of"):
        await palomma.invoices.create(**VALID, document_type=DocumentType(made_up))
    assert api.requests == []


LIMIT_CASES: list[tuple[dict[str, object], str, str]] = (
    [
        ({"limit": LIMIT["minimum"] - 1}, "limit", f"between {LIMIT['minimum']:,} and {LIMIT['maximum']:,}"),
        ({"limit": LIMIT["maximum"] + 1}, "limit", f"got {LIMIT['maximum'] + 1:,}"),
    ]
    if LIMIT
    else []
)
LIST_CASES = [
    *LIMIT_CASES,
    ({"limit": "20"}, "limit", "must be an integer, got str"),
    *([({"limit": 10**5000}, "limit", "between")] if LIMIT else []),
    ({"max_items": 0}, "max_items", "positive integer"),
    ({"payment_date": "11/03/2026"}, "payment_date", "'YYYY-MM-DD'"),
    ({"settlement_date": "2026-02-30"}, "settlement_date", "'YYYY-MM-DD'"),
    ({"settlement_date": datetime.datetime(2026, 3, 12, 10)}, "settlement_date", "not a datetime"),
    ({"settlement_date": 20260312}, "settlement_date", "'YYYY-MM-DD'"),
    ({"settlement_cycle": 11}, "settlement_cycle", "must be a string, got int"),
    ({"cursor": 42}, "cursor", "must be a string, got int"),
]


@pytest.mark.parametrize(("options", "parameter", "message"), LIST_CASES)
def test_list_rejects_bad_input_when_called(
    palomma: PalommaClient, api: RecordingAPI, options: dict[str, object], parameter: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message) as caught:
        palomma.invoices.list(**options)  # type: ignore[arg-type]
    assert caught.value.parameter == parameter
    assert api.requests == []


@pytest.mark.parametrize(
    ("date", "cycle", "parameter"),
    [
        ("2026-3-12", "11", "date"),
        ("2026-03-12", "", "cycle"),
        ("2026-03-12", 11, "cycle"),
        (datetime.date(2026, 3, 12), None, "cycle"),
        ("2026-03-12", "..", "cycle"),
    ],
)
async def test_settlement_arguments_are_checked(
    palomma: PalommaClient, api: RecordingAPI, date: object, cycle: object, parameter: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        await palomma.settlements.get(date, cycle)  # type: ignore[arg-type]
    assert caught.value.parameter == parameter
    assert api.requests == []


@pytest.mark.parametrize("invoice_id", ["", None, ".", "..", "x" * 70_000, "\udc00"])
async def test_get_refuses_anything_that_is_not_an_id(
    palomma: PalommaClient, api: RecordingAPI, invoice_id: object
) -> None:
    with pytest.raises(InvalidParameterError, match="invoice_id"):
        await palomma.invoices.get(invoice_id)  # type: ignore[arg-type]
    assert api.requests == []


def _rule_cases() -> list[tuple[str, str, dict[str, Any], object]]:
    """For every operation and argument of the spec, a value just outside each numeric or length rule."""
    cases = []
    for operation_id, module in sorted(OPERATIONS.items()):
        for argument, rules in module.RULES.items():
            for rule, outside in (
                ("minimum", lambda bound: bound - 1),
                ("maximum", lambda bound: bound + 1),
                ("minLength", lambda bound: "x" * (bound - 1)),
                ("maxLength", lambda bound: "x" * (bound + 1)),
            ):
                if rule in rules and not (rule == "minLength" and rules[rule] == 0):
                    cases.append((operation_id, argument, rules, outside(rules[rule])))
    return cases


@pytest.mark.parametrize(("operation_id", "argument", "rules", "value"), _rule_cases())
def test_every_rule_the_spec_states_is_enforced_before_sending(
    operation_id: str, argument: str, rules: dict[str, Any], value: object
) -> None:
    module = OPERATIONS[operation_id]
    valid = _valid_arguments(module)
    with pytest.raises(InvalidParameterError) as caught:
        module.build_request(**{**valid, argument: value})
    assert caught.value.parameter == argument


def test_every_bound_the_spec_states_has_a_rule_case() -> None:
    """Each bound the spec puts on a parameter or a body field is enforced by the argument of that name."""
    covered = {(operation_id, argument) for operation_id, argument, _, _ in _rule_cases()}
    stated = set()
    for operation in OpenAPI(SPEC).operations:
        named = [
            (parameter.name, parameter.schema) for parameter in operation.parameters if parameter.location != "path"
        ]
        media = None if operation.request_body is None else operation.request_body.json_media_type()
        if media is not None and media.schema is not None:
            properties = media.schema.get("properties", {})
            named += [(name, OpenAPI(SPEC).resolve(node, "")[0]) for name, node in properties.items()]
        for name, rules in named:
            if any(rule in rules for rule in ("minimum", "maximum", "maxLength")):
                stated.add((operation.name, str(PythonIdentifier(name, prefix="field_"))))
    assert stated
    assert stated <= covered


def _valid_arguments(module: Any) -> dict[str, Any]:
    """Arguments that pass every rule: known good values, else a value the fake makes up from the rules."""
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(module.build_request).parameters.items():
        if parameter.default is not inspect.Parameter.empty:
            continue
        arguments[name] = VALID[name] if name in VALID else _made_up(module.RULES.get(name, {}))
    return arguments


def _made_up(rules: dict[str, Any]) -> Any:
    """A value that passes an argument's rules, made by the fake's synthesizer from a one-schema document."""
    numeric = "minimum" in rules or "maximum" in rules
    schema = {"type": "integer" if numeric else "string", **rules}
    document = {"openapi": SPEC["openapi"], "paths": {"/": {}}, "components": {"schemas": {"Argument": schema}}}
    now = datetime.datetime(2026, 3, 11, 16, 32, 14, tzinfo=datetime.UTC)
    made = synthesize(ApiSpec(document), "/components/schemas/Argument", now)
    # A file field (`format: binary`) takes bytes; the synthesizer makes JSON, so its text is sent as the file.
    return str(made).encode() if rules.get("format") == "binary" else made
