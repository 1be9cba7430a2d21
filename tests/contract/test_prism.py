"""The SDK against Stoplight Prism serving ``openapi.yaml``: software we did not write judges our requests.

- Static mode: every operation returns the spec's example, and the SDK hands
  back models equal to it; every documented error status, forced with
  Prism's ``Prefer: code=...`` header, becomes the right exception.
- Every request the SDK sends passes Prism's validation against the spec,
  and a deliberately wrong request proves that this check can fail.
- Dynamic mode: hundreds of responses generated from the schemas parse.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import re
import types
import typing
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openapi_python_client.strings import PythonIdentifier

from palomma_client import (
    CREATE_LOOKUP_GRACE_PERIOD,
    APIResponseValidationError,
    APIStatusError,
    AsyncPager,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    Invoice,
    InvoiceOutcomeUnknownError,
    NotFoundError,
    Page,
    PaginationError,
    PalommaClient,
    PalommaError,
    ReferenceAlreadyUsedError,
    Settlement,
)
from palomma_client._generated.api import METHODS
from palomma_client._generated.api import OPERATIONS as GENERATED_OPERATIONS
from palomma_client._generated.errors import ResponseSchemaError
from palomma_client._openapi import OpenAPI, Operation, Parameter, Response, load_document
from palomma_client.testing._examples import synthesize
from palomma_client.testing._spec import ApiSpec
from tests.contract.conftest import API_KEY, AUTHORIZATION, SPEC, ViolationCheck
from tests.spec_calls import call_at, call_of
from tests.support import Sleeps, with_every_credential

API: dict[str, Any] = load_document(SPEC)
INDEX = OpenAPI(API)
# The fake's synthesizer makes a value for a parameter or body the spec gives no example of.
FAKE_SPEC = ApiSpec(API)
NOW = datetime.datetime(2026, 3, 11, 16, 32, 14, tzinfo=datetime.UTC)

ERROR_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    500: InternalServerError,
}
DYNAMIC_RESPONSES_PER_OPERATION = 200
"""Generated answers each read operation is checked on: 200 models parsed, a page counting one per item (but never
more requests than this: a page that comes back empty counts as one). Prism takes some 10 ms of CPU per answer,
whatever its size, so a list whose pages carry three items on average needs a third of the requests."""
DYNAMIC_CONCURRENCY = 16


# --- what the spec documents ------------------------------------------------------------------------------------

# Every operation by the name the SDK knows it by: its operationId, or one made from method and path.
OPERATIONS: dict[str, Operation] = {operation.name: operation for operation in INDEX.operations}


def _examples(response: Response) -> dict[str | None, Any]:
    """A documented response's JSON examples by name; ``None`` names a lone ``example``; empty if it has none."""
    media = response.json_media_type()
    if media is None:
        return {}
    if "examples" in media.node:
        return {
            name: INDEX.resolve(example, media.pointer)[0].get("value")
            for name, example in media.node["examples"].items()
        }
    return {None: media.node["example"]} if "example" in media.node else {}


def _success_example(operation_id: str) -> Any:
    """The first example of an operation's success answer (the test skips when the spec gives none)."""
    operation = _operation(operation_id)
    for response in operation.success_responses():
        for example in _examples(response).values():
            return example
    pytest.skip(f"{operation_id} documents no example of its success answer")


def _refusal(operation_id: str) -> str | None:
    """What the SDK says of the operation's documented success example, which static Prism serves as written.

    OpenAPI lets an example differ from its schema (a vendor adds a required field and leaves the
    examples be); the SDK then rightly refuses the answer with ``APIResponseValidationError``, whose
    message holds the problem this returns (``currency: is required but missing``). ``None`` when the
    example fits, or the operation documents none.
    """
    operation = OPERATIONS.get(operation_id)
    if operation is None:
        return None
    for response in operation.success_responses():
        for example in _examples(response).values():
            try:
                GENERATED_OPERATIONS[operation_id].parse_response(int(response.status), example)
            except ResponseSchemaError as error:
                return str(error)
            return None
    return None


def _refused(error: BaseException | None, refusal: str) -> bool:
    """Whether ``error`` (or the create failure it carries) is the SDK's refusal of an example, naming the problem."""
    if isinstance(error, InvoiceOutcomeUnknownError | ReferenceAlreadyUsedError):
        error = error.create_error
    return isinstance(error, APIResponseValidationError) and f"({refusal})" in str(error)


def _operation(operation_id: str) -> Operation:
    """An operation a test is about (the test skips, saying so, when the spec no longer has it)."""
    operation = OPERATIONS.get(operation_id)
    if operation is None:
        pytest.skip(f"the spec has no {operation_id} operation")
    return operation


def _value(parameter: Parameter) -> Any:
    """A parameter's example, or a value made up from its schema when it has none."""
    if parameter.example is not None:
        return parameter.example
    return synthesize(FAKE_SPEC, parameter.schema_pointer, NOW) if parameter.schema_pointer else "x"


def _parameter_example(operation_id: str, name: str) -> Any:
    operation = OPERATIONS.get(operation_id)
    if operation is None:
        return None
    return next((_value(parameter) for parameter in operation.parameters if parameter.name == name), None)


def _request_body(operation: Operation) -> dict[str, Any] | None:
    """The first example of an operation's JSON request body, or one made up from its schema."""
    media = None if operation.request_body is None else operation.request_body.json_media_type()
    if media is None:
        return None
    if "example" in media.node:
        return dict(media.node["example"])
    for example in media.node.get("examples", {}).values():
        return dict(INDEX.resolve(example, media.pointer)[0]["value"])
    if media.schema_pointer is None:
        return None
    made_up: dict[str, Any] = synthesize(FAKE_SPEC, media.schema_pointer, NOW, sent=True)
    return made_up


def _create_request_example() -> dict[str, Any]:
    body = _request_body(_operation("createInvoice"))
    assert body is not None
    return body


def _date_time_properties() -> set[str]:
    return {
        name
        for schema in API["components"]["schemas"].values()
        for name, prop in schema.get("properties", {}).items()
        if isinstance(prop, dict) and prop.get("format") == "date-time"
    }


DATE_TIME_PROPERTIES = _date_time_properties()


def _as_compared(value: Any) -> Any:
    """JSON with each ``date-time`` property as an instant: the SDK parses them, so their spelling may change."""
    if isinstance(value, list):
        return [_as_compared(item) for item in value]
    if isinstance(value, dict):
        return {
            key: datetime.datetime.fromisoformat(item)
            if key in DATE_TIME_PROPERTIES and isinstance(item, str)
            else _as_compared(item)
            for key, item in value.items()
        }
    return value


def _python_name(name: str) -> str:
    """A spec name as the generator spells the argument (openapi-python-client's identifier rules)."""
    return str(PythonIdentifier(name, prefix="field_"))


# --- the SDK calls, one per operation ---------------------------------------------------------------------------

INVOICE_ID: str = _parameter_example("getInvoice", "id")
_SETTLEMENT_DATE = _parameter_example("getSettlement", "date")
SETTLEMENT_DATE = None if _SETTLEMENT_DATE is None else datetime.date.fromisoformat(str(_SETTLEMENT_DATE))
SETTLEMENT_CYCLE: str = _parameter_example("getSettlement", "cycle")
CREATE_ARGUMENTS: dict[str, Any] = (
    {}
    if "createInvoice" not in OPERATIONS
    else {_python_name(name): value for name, value in (_request_body(OPERATIONS["createInvoice"]) or {}).items()}
)
# The list example holds INV-2026-0001, and after a 5xx a create looks its
# reference up before giving up; with this one the lookup finds nothing.
UNLISTED_CREATE_ARGUMENTS = {**CREATE_ARGUMENTS, "reference": "INV-2026-0002"}


async def _first_page(pager: AsyncPager[Invoice]) -> Page[Invoice]:
    pages: AsyncIterator[Page[Invoice]] = pager.pages()
    async with contextlib.aclosing(pages):  # type: ignore[type-var]
        return await anext(pages)


async def _collect(pager: AsyncPager[Invoice], *, into: list[Invoice]) -> None:
    async for invoice in pager:
        into.append(invoice)


Call = Callable[[PalommaClient], Awaitable[Any]]


def _call_from_examples(operation_id: str) -> Call:
    """The SDK method of an operation, called with the spec's examples of its arguments (or made-up values).

    Path parameters go by position; required query and header parameters and the body's fields by keyword.
    """
    operation = OPERATIONS[operation_id]
    resource, method = METHODS[operation_id]
    hints = typing.get_type_hints(GENERATED_OPERATIONS[operation_id].build_request)
    by_name = {parameter.name: parameter for parameter in operation.parameters_in("path")}
    path_arguments = [
        _typed(hints.get(_python_name(name)), _value(by_name[name]))
        for name in operation.path_parameter_names
        if name in by_name
    ]
    keywords = {
        _python_name(parameter.name): _value(parameter)
        for parameter in operation.parameters
        if parameter.location in ("query", "header") and parameter.required
    }
    keywords.update({_python_name(name): value for name, value in (_request_body(operation) or {}).items()})
    keywords = {name: _typed(hints.get(name), value) for name, value in keywords.items()}

    async def call(palomma: PalommaClient) -> Any:
        result = getattr(getattr(palomma, resource), method)(*path_arguments, **keywords)
        return await _first_page(result) if isinstance(result, AsyncPager) else await result

    return call


def _typed(hint: Any, value: Any) -> Any:
    """A JSON value as the argument annotated ``hint`` takes it: ISO text as a date or datetime where no text is."""
    members = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    if isinstance(value, str) and str not in members:
        for kind in (datetime.datetime, datetime.date):
            if kind in members:
                return kind.fromisoformat(value)
    return value


CALLS: dict[str, Call] = {operation_id: _call_from_examples(operation_id) for operation_id in OPERATIONS}
if "createInvoice" in OPERATIONS:
    # Its lookup after a failure must find nothing (the list example holds INV-2026-0001).
    CALLS["createInvoice"] = call_of("createInvoice", **UNLISTED_CREATE_ARGUMENTS)


@contextlib.asynccontextmanager
async def _palomma(
    violations: ViolationCheck,
    *,
    prefer: str | None = None,
    lookup_grace_period: float | None = None,
    **http_options: Any,
) -> AsyncIterator[PalommaClient]:
    """A ``PalommaClient`` on Prism whose responses the violation check sees.

    Args:
        violations: The check that records each response.
        prefer: A ``Prefer`` header for the call's first request only, so the
            lookup a failed create makes afterwards gets Prism's usual answer.
        lookup_grace_period: The client's, when not its default.
        http_options: More ``httpx2.AsyncClient`` options.
    """
    grace = CREATE_LOOKUP_GRACE_PERIOD if lookup_grace_period is None else lookup_grace_period
    hooks: dict[str, list[Callable[..., Any]]] = {}
    if prefer is not None:
        sent: list[httpx2.Request] = []

        async def ask_prism_for(request: httpx2.Request) -> None:
            if not sent:
                request.headers["Prefer"] = prefer
            sent.append(request)

        hooks["request"] = [ask_prism_for]
    async with (
        violations.http_client(event_hooks=hooks, **http_options) as http,
        PalommaClient(
            # The key serves every scheme of the spec, HTTP basic too (as the password).
            **with_every_credential({"api_key": API_KEY}),
            base_url=violations.prism.base_url,
            max_retries=0,
            http_client=http,
            lookup_grace_period=grace,
            # A lookup's backoff within the grace period is counted, never waited for.
            sleep=Sleeps(),
        ) as palomma,
    ):
        yield palomma


def test_every_operation_of_the_spec_is_called() -> None:
    assert set(CALLS) == set(OPERATIONS) == set(METHODS)


# --- static examples --------------------------------------------------------------------------------------------


async def test_create_invoice_sends_the_documented_body_and_returns_the_documented_invoice(
    violations: ViolationCheck,
) -> None:
    _operation("createInvoice")
    async with _palomma(violations) as palomma:
        create = call_of("createInvoice", **CREATE_ARGUMENTS, document_type=None, customer_name=None, contract=None)
        refusal = _refusal("createInvoice")
        if refusal is not None:
            # Its example does not fit its schema: the SDK refuses it, then cannot tell whether the invoice was made.
            with pytest.raises(PalommaError) as raised:
                await create(palomma)
            assert _refused(raised.value, refusal), raised.value
            assert json.loads(violations.requests[0].content) == _create_request_example()
            await violations.assert_none(requests_only=True)
            return
        invoice = await create(palomma)

    assert isinstance(invoice, Invoice)
    assert _as_compared(invoice.to_dict()) == _as_compared(_success_example("createInvoice"))
    (request,) = violations.requests
    assert json.loads(request.content) == _create_request_example()
    await violations.assert_none()


async def test_get_invoice_returns_the_documented_invoice(violations: ViolationCheck) -> None:
    _operation("getInvoice")
    async with _palomma(violations) as palomma:
        refusal = _refusal("getInvoice")
        if refusal is not None:
            with pytest.raises(APIResponseValidationError) as raised:
                await call_at("getInvoice", INVOICE_ID)(palomma)
            assert _refused(raised.value, refusal), raised.value
            await violations.assert_none(requests_only=True)
            return
        invoice = await call_at("getInvoice", INVOICE_ID)(palomma)

    assert isinstance(invoice, Invoice)
    assert _as_compared(invoice.to_dict()) == _as_compared(_success_example("getInvoice"))
    await violations.assert_none()


async def test_get_settlement_returns_the_documented_settlement(violations: ViolationCheck) -> None:
    _operation("getSettlement")
    async with _palomma(violations) as palomma:
        assert SETTLEMENT_DATE is not None
        get = call_at("getSettlement", SETTLEMENT_DATE, SETTLEMENT_CYCLE)
        refusal = _refusal("getSettlement")
        if refusal is not None:
            with pytest.raises(APIResponseValidationError) as raised:
                await get(palomma)
            assert _refused(raised.value, refusal), raised.value
            await violations.assert_none(requests_only=True)
            return
        settlement = await get(palomma)

    assert isinstance(settlement, Settlement)
    assert _as_compared(settlement.to_dict()) == _as_compared(_success_example("getSettlement"))
    await violations.assert_none()


async def test_list_invoices_first_page_is_the_documented_page(violations: ViolationCheck) -> None:
    _operation("listInvoices")
    example = _success_example("listInvoices")
    listing = call_of(
        "listInvoices",
        reference="INV-2026-0001",
        customer_document_number="900123456",
        contract="CTR-8842",
        payment_date=datetime.date(2026, 3, 11),
        settlement_date=SETTLEMENT_DATE,
        settlement_cycle="1",
        limit=100,
    )
    async with _palomma(violations) as palomma:
        refusal = _refusal("listInvoices")
        if refusal is not None:
            with pytest.raises(APIResponseValidationError) as raised:
                await _first_page(listing(palomma))
            assert _refused(raised.value, refusal), raised.value
            await violations.assert_none(requests_only=True)
            return
        page = await _first_page(listing(palomma))

    assert all(isinstance(item, Invoice) for item in page.items)
    assert _as_compared([item.to_dict() for item in page.items]) == _as_compared(example["items"])
    assert page.cursor == example["cursor"]
    await violations.assert_none()


async def test_list_invoices_sends_the_cursor_back_and_stops_when_prism_repeats_it(
    violations: ViolationCheck,
) -> None:
    _operation("listInvoices")
    # Static Prism answers every page with the same example, cursor included:
    # the pager must follow it once, then refuse to loop.
    example = _success_example("listInvoices")
    invoices: list[Invoice] = []
    # A settlement's date as a filter, where the spec documents one: the pager must send filters again with the cursor.
    filters = {} if SETTLEMENT_DATE is None else {"settlement_date": SETTLEMENT_DATE}
    listing = call_of("listInvoices", **filters, limit=100)
    refusal = _refusal("listInvoices")
    async with _palomma(violations) as palomma:
        with pytest.raises(PaginationError if refusal is None else APIResponseValidationError) as raised:
            await _collect(listing(palomma), into=invoices)
    if refusal is not None:
        # The example page does not fit its schema: the SDK refuses the first page, naming the problem.
        assert _refused(raised.value, refusal), raised.value
        assert (invoices, len(violations.requests)) == ([], 1)
        await violations.assert_none(requests_only=True)
        return

    assert [invoice.id for invoice in invoices] == [example["items"][0]["id"]] * 2
    first, second = violations.requests
    assert "cursor" not in first.url.params
    assert second.url.params["cursor"] == example["cursor"]
    assert [item for item in second.url.params.multi_items() if item[0] != "cursor"] == first.url.params.multi_items()
    if SETTLEMENT_DATE is not None:
        assert second.url.params["settlementDate"] == SETTLEMENT_DATE.isoformat()
    await violations.assert_none()


async def test_create_after_a_500_looks_its_reference_up_and_compares_what_it_finds(
    violations: ViolationCheck,
) -> None:
    _operation("createInvoice")
    listed = _success_example("listInvoices")["items"][0]
    # No grace period: Prism lists the same example however long the SDK looks.
    refusal = _refusal("listInvoices")
    async with _palomma(violations, prefer="code=500", lookup_grace_period=0) as palomma:
        with pytest.raises(ReferenceAlreadyUsedError if refusal is None else InvoiceOutcomeUnknownError) as raised:
            await call_of("createInvoice", **CREATE_ARGUMENTS)(palomma)
    if refusal is not None:
        # The example page the lookup gets does not fit its schema: the SDK cannot tell, and says so.
        assert isinstance(raised.value, InvoiceOutcomeUnknownError)
        assert isinstance(raised.value.create_error, InternalServerError)
        assert _refused(raised.value.__cause__, refusal), raised.value.__cause__
        await violations.assert_none(requests_only=True)
        return
    caught = raised
    assert isinstance(caught.value, ReferenceAlreadyUsedError)

    # The example was created long before this call: the SDK never takes it for the call's own.
    assert _as_compared(caught.value.invoice.to_dict()) == _as_compared(listed)
    assert "createdAt" in caught.value.differences
    assert isinstance(caught.value.create_error, InternalServerError)
    create, lookup = violations.requests
    assert (create.method, create.url.path) == ("POST", "/invoices")
    assert (lookup.method, lookup.url.path, lookup.url.params["reference"]) == ("GET", "/invoices", "INV-2026-0001")
    await violations.assert_none()


# --- documented errors ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorCase:
    operation_id: str
    status: int
    example_name: str | None
    message: str

    @property
    def prefer(self) -> str:
        return f"code={self.status}" + (f", example={self.example_name}" if self.example_name else "")

    def __str__(self) -> str:
        return f"{self.operation_id}-{self.status}-{self.example_name or 'example'}"


ERROR_CASES = [
    ErrorCase(operation_id, int(response.status), name, example["error"])
    for operation_id, operation in OPERATIONS.items()
    for response in operation.responses
    if response.status.isdigit() and response.status[0] in "45"
    for name, example in _examples(response).items()
    if isinstance(example, dict) and isinstance(example.get("error"), str)
]


UNFIT_EXAMPLES = {operation_id for operation_id in OPERATIONS if _refusal(operation_id) is not None}
"""The operations whose documented success example the SDK refuses (it does not fit its schema)."""


def test_every_documented_error_status_has_an_exception_class() -> None:
    assert ERROR_CASES
    assert {case.status for case in ERROR_CASES} <= set(ERROR_CLASSES)


def _marks(operation_id: str) -> list[pytest.MarkDecorator]:
    """A deprecated operation warns when called, as it should; these tests are about its answers."""
    if OPERATIONS[operation_id].deprecated:
        return [pytest.mark.filterwarnings("ignore::DeprecationWarning")]
    return []


@pytest.mark.parametrize(
    "case", [pytest.param(case, marks=_marks(case.operation_id), id=str(case)) for case in ERROR_CASES]
)
async def test_documented_error_becomes_its_exception_with_the_servers_message(
    case: ErrorCase, violations: ViolationCheck
) -> None:
    async with _palomma(violations, prefer=case.prefer, lookup_grace_period=0) as palomma:
        with pytest.raises(PalommaError) as raised:
            await CALLS[case.operation_id](palomma)

    error = raised.value
    if isinstance(error, InvoiceOutcomeUnknownError):
        # A create that may have reached the API is looked up; Prism answers the lookup with its example
        # page, whose reference is not the one asked for, so the outcome cannot be known.
        error = error.create_error
    assert isinstance(error, APIStatusError)
    assert type(error) is ERROR_CLASSES[case.status]
    assert isinstance(error, PalommaError)
    assert error.status_code == case.status
    assert error.message == case.message
    assert error.body == {"error": case.message}
    # A create that may have reached the API is looked up; Prism's own answers to that are not this test's subject
    # where their examples do not fit their schemas (Prism says so of its own answer).
    await violations.assert_none(requests_only=bool(UNFIT_EXAMPLES))


# --- the violation check can fail -------------------------------------------------------------------------------


async def _send_amount_as_a_string(http: httpx2.AsyncClient) -> None:
    # Raw httpx2, not PalommaClient, which would refuse the string before sending.
    path = _operation("createInvoice").path
    await http.post(path, json={**_create_request_example(), "amount": "1850000"})


async def _send_a_page_size_over_the_maximum(http: httpx2.AsyncClient) -> None:
    operation = _operation("listInvoices")
    limit = next((item for item in operation.parameters_in("query") if item.name == "limit"), None)
    if limit is None or "maximum" not in limit.schema:
        pytest.skip("listInvoices states no maximum of its limit")
    await http.get(operation.path, params={"limit": limit.schema["maximum"] + 1})


@pytest.mark.parametrize(
    ("send_wrong_request", "location"),
    [
        pytest.param(_send_amount_as_a_string, "request.body.amount", id="amount-as-string"),
        pytest.param(_send_a_page_size_over_the_maximum, "request.query.limit", id="limit-over-100"),
    ],
)
async def test_violation_check_reports_a_request_that_breaks_the_spec(
    violations: ViolationCheck,
    send_wrong_request: Callable[[httpx2.AsyncClient], Awaitable[None]],
    location: str,
) -> None:
    async with violations.http_client(base_url=violations.prism.base_url, headers=AUTHORIZATION) as http:
        await send_wrong_request(http)

    assert location in [violation.location for violation in violations.header_violations()]
    assert location in [violation.location for violation in await violations.log_violations()]
    with pytest.raises(AssertionError, match=re.escape(location)):
        await violations.assert_none()


# --- dynamic mode -----------------------------------------------------------------------------------------------


def _answer_type(operation_id: str) -> type[Any]:
    """What the SDK method returns: a ``Page`` for a list, else the model ``parse_response`` gives."""
    module = GENERATED_OPERATIONS[operation_id]
    if hasattr(module, "page_of"):
        return Page
    answer: type[Any] = typing.get_type_hints(module.parse_response)["return"]
    return answer


def _is_of(value: object, hint: Any) -> bool:
    """Whether ``value`` is of the type ``hint``, a method's return annotation, all the way down.

    A map or an array of models (``dict[str, Status]``, ``list[Invoice]``) is checked item by
    item, as ``isinstance`` cannot check a parameterized type.
    """
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_of(value, member) for member in arguments)
    if origin is None:
        return isinstance(value, hint)
    if not isinstance(value, origin):
        return False
    if isinstance(value, Mapping) and len(arguments) == 2:
        return all(_is_of(key, arguments[0]) and _is_of(item, arguments[1]) for key, item in value.items())
    if isinstance(value, list | tuple) and len(arguments) == 1:
        return all(_is_of(item, arguments[0]) for item in value)
    return True


def test_is_of_checks_a_map_or_an_array_item_by_item() -> None:
    # A vendor's operation may answer a map of models: isinstance alone refuses dict[str, X].
    assert _is_of({"a": Page.__name__}, dict[str, str])
    assert not _is_of({"a": 1}, dict[str, str])
    assert not _is_of(["a"], dict[str, str])
    assert _is_of([1, 2], list[int])
    assert not _is_of([1, "2"], list[int])
    assert _is_of(None, int | None)
    assert not _is_of("1", int | None)


def _prism_broke_its_own_answer(operation_id: str, error: APIResponseValidationError) -> bool:
    """Whether Prism's answer itself breaks the spec's schema of it, by a validator apart from the SDK.

    Prism's faker stops a schema that holds itself at a depth, leaving an object without its required
    fields there, and does not flag that answer; the SDK refusing it is then right.
    """
    operation = INDEX.operation(operation_id)
    response = error.response
    if operation is None or response is None:
        return False
    answer = next((r for r in operation.success_responses() if r.status == str(response.status_code)), None)
    media = next((m for m in answer.content if m.is_json), None) if answer is not None else None
    if media is None or media.schema_pointer is None:
        return False
    schema = _as_json_schema(INDEX.inline_keeping_cycles(INDEX.at(media.schema_pointer), media.schema_pointer))
    return not Draft202012Validator(schema).is_valid(response.json())


def _as_json_schema(node: Any) -> Any:
    """An inlined OpenAPI schema in JSON Schema's spelling: 3.0's `nullable: true` as a `null` alternative."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [converted, {"type": "null"}], "$defs": converted.pop("$defs", {})}
    return converted


READ_OPERATIONS = {
    operation_id: (CALLS[operation_id], _answer_type(operation_id))
    for operation_id, module in GENERATED_OPERATIONS.items()
    if module.METHOD == "GET"
}


@pytest.mark.parametrize("operation_id", [pytest.param(name, marks=_marks(name), id=name) for name in READ_OPERATIONS])
async def test_generated_responses_parse(operation_id: str, dynamic_violations: ViolationCheck) -> None:
    call, expected = READ_OPERATIONS[operation_id]

    async def one_call(palomma: PalommaClient) -> Any:
        try:
            return await call(palomma)
        except APIResponseValidationError as error:
            if "it does not answer the request" in str(error):
                # Parsed, then refused: a random answer is about another invoice or settlement.
                return error
            if _prism_broke_its_own_answer(operation_id, error):
                # Refused as Prism itself says it should be: its faker stops a schema that holds itself
                # at a depth, leaving an object without its required fields.
                return error
            raise
        except PalommaError as error:
            response = getattr(error, "response", None)
            return f"{error!r}; body: {response.text if response is not None else '(no response)'}"

    results: list[Any] = []
    models = 0
    async with _palomma(dynamic_violations, timeout=30.0) as palomma:
        while models < DYNAMIC_RESPONSES_PER_OPERATION and len(results) < DYNAMIC_RESPONSES_PER_OPERATION:
            at_once = min(DYNAMIC_CONCURRENCY, DYNAMIC_RESPONSES_PER_OPERATION - len(results))
            answers = await asyncio.gather(*(one_call(palomma) for _ in range(at_once)))
            results += answers
            models += sum(max(len(answer.items), 1) if isinstance(answer, Page) else 1 for answer in answers)

    failures = [
        result
        for result in results
        if not isinstance(result, APIResponseValidationError) and not _is_of(result, expected)
    ]
    assert not failures, f"{len(failures)} of {len(results)} generated responses failed:\n" + "\n".join(
        map(str, failures[:5])
    )
    # A seeded Prism would answer the same body every time and prove nothing.
    assert len({repr(result) for result in results}) > len(results) // 10
    if expected is Page:
        (item_type,) = typing.get_args(typing.get_type_hints(GENERATED_OPERATIONS[operation_id].page_of)["return"])
        assert all(isinstance(item, item_type) for page in results if isinstance(page, Page) for item in page.items)
    assert len(dynamic_violations.requests) == len(results)
    await dynamic_violations.assert_none(requests_only=True)
