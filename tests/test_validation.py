"""Bad input is refused before any request is sent, with an error naming the argument.

Every argument and limit here is read from openapi.yaml and the generated code:
when the vendor adds, moves or removes one, these tests follow without an edit.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import inspect
import types
import typing
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openapi_python_client.strings import PythonIdentifier

from palomma_client import InvalidParameterError, PalommaClient, PalommaError
from palomma_client._generated.api import OPERATIONS
from palomma_client._openapi import OpenAPI
from palomma_client._validation import path_segment
from tests.spec_calls import SpecCall, calls, valid_arguments
from tests.support import SPEC, RecordingAPI, cases_or_skip, sent_body, unknown_value

_MARK = "path-mark"
"""A value a test gives an argument to see whether the operation puts it in the path."""


def _members(hint: Any) -> list[Any]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [member for member in typing.get_args(hint) if member is not type(None)]
    return [hint]


def _in_path(call: SpecCall, argument: str) -> bool:
    module = OPERATIONS[call.operation_id]
    try:
        request = module.build_request(**{**call.arguments, argument: _MARK})
    except (InvalidParameterError, TypeError):
        return False
    return _MARK in request.path


_RULE_REFUSALS = {
    "minLength": ("must have at least", "must not be empty"),
    "maxLength": ("must have at most",),
    "pattern": ("must match the pattern",),
}
"""What a refusal by each string rule of the spec says; a rule not listed (a ``format``) may say anything."""


def _path_refusal(value: str, rules: dict[str, Any]) -> tuple[str, ...]:
    """What refusing ``value`` as a path parameter with the spec's ``rules`` says, any of them.

    A value no path segment can be ("", ".", "..") is "not an id", unless a rule of the spec
    refuses it first (a ``minLength``, a ``pattern``): then the message is that rule's.
    """
    errors = Draft202012Validator({"type": "string", **rules}).iter_errors(value)
    broken = {error.validator for error in errors}
    if not broken:
        return ("must be an id",)
    if not broken <= _RULE_REFUSALS.keys():
        return ("",)
    return tuple(refusal for rule in sorted(broken) for refusal in _RULE_REFUSALS[rule])


def _bad_values(call: SpecCall, argument: str, hint: Any, rules: dict[str, Any], required: bool) -> list[Any]:
    """Values ``argument`` must refuse, each with a part of the message that says why (or a tuple, any of them)."""
    members = _members(hint)
    cases: list[tuple[Any, str | tuple[str, ...]]] = []
    if required and type(None) not in typing.get_args(hint):  # a required nullable one takes None: JSON null
        cases.append((None, "got None"))
    if rules.get("enum"):
        cases += [(unknown_value(rules["enum"]), "must be one of"), (1, "must be one of")]
    elif str in members and not any(member in members for member in (datetime.date, datetime.datetime)):
        cases += [(7, "must be a string, got int"), ("INV-\udc00", "lone surrogate")]
        if rules.get("minLength") == 1:
            cases.append(("", "must not be empty"))
        if rules.get("format") == "uri":
            cases += [
                ("merchant.example.com/return", "absolute URL"),
                ("https://", "absolute URL"),
                ("https://merchant.example.com/a b", "absolute URL"),
            ]
        if _in_path(call, argument):
            cases += [(value, _path_refusal(value, rules)) for value in ("", ".", "..")] + [("x" * 70_000, "")]
    elif int in members:
        cases += [(1850000.0, "must be an integer, got float"), ("1850000", "got str"), (True, "got bool")]
        if "maximum" in rules:
            cases.append((10**5000, "a number of over 4,000 digits"))
        if "minimum" in rules and "maximum" in rules:
            low, high = rules["minimum"], rules["maximum"]
            cases += [(bound, f"must be between {low:,} and {high:,}, got {bound:,}") for bound in (low - 1, high + 1)]
    elif datetime.date in members:
        cases += [
            ("11/03/2026", "'YYYY-MM-DD'"),
            ("2026-02-30", "'YYYY-MM-DD'"),
            (datetime.datetime(2026, 3, 12, 10), "not a datetime"),
            (20260312, "'YYYY-MM-DD'"),
        ]
    return cases


def _shown(value: object) -> str:
    if isinstance(value, int) and value > 10**40:
        return "a-huge-integer"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    text = repr(value)
    return text if len(text) < 40 else f"{type(value).__name__}-of-{len(text)}"


def _arguments() -> Iterator[tuple[SpecCall, str, Any, dict[str, Any], inspect.Parameter]]:
    """Every argument of every operation the tests can call: its call, name, annotation, rules and parameter."""
    for call in calls():
        module = OPERATIONS[call.operation_id]
        hints = typing.get_type_hints(module.build_request)
        for argument, parameter in inspect.signature(module.build_request).parameters.items():
            yield call, argument, hints[argument], dict(module.RULES.get(argument, {})), parameter


def _input_cases() -> list[Any]:
    """For every argument of every operation the tests can call, each kind of bad value its type and rules refuse."""
    cases = []
    for call, argument, hint, rules, parameter in _arguments():
        required = parameter.default is inspect.Parameter.empty
        for value, message in _bad_values(call, argument, hint, rules, required):
            named = f"{call.operation_id}-{argument}-{_shown(value)}"
            cases.append(pytest.param(call, argument, value, message, id=named))
    paged = [call for call in calls() if call.paged]
    cases += [
        pytest.param(call, "max_items", 0, "positive integer", id=f"{call.operation_id}-max_items") for call in paged
    ]
    return cases


async def _made(call: SpecCall, palomma: PalommaClient, **options: Any) -> None:
    """Make the call: a coroutine is awaited, a pager only made (it refuses bad input then, before any page)."""
    pending = call(palomma, **options)
    if not call.paged:
        await pending


@pytest.mark.parametrize(("call", "argument", "value", "message"), _input_cases())
async def test_bad_input_is_refused_before_sending_naming_the_argument(
    palomma: PalommaClient,
    api: RecordingAPI,
    call: SpecCall,
    argument: str,
    value: object,
    message: str | tuple[str, ...],
) -> None:
    arguments = {name: given for name, given in call.arguments.items() if name != argument}
    bad = dataclasses.replace(call, arguments={**arguments, argument: value} if argument != "max_items" else arguments)
    options = {"max_items": value} if argument == "max_items" else {}
    with pytest.raises(InvalidParameterError) as caught:
        await _made(bad, palomma, **options)
    assert caught.value.parameter == argument
    assert str(caught.value).startswith(f"{argument}: ")
    assert any(part in str(caught.value) for part in ((message,) if isinstance(message, str) else message))
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, PalommaError)
    assert api.requests == []


def _accepted_cases() -> list[Any]:
    """Values each argument must accept: its bounds, each listed enum value (plain and as a member), and None."""
    cases = []
    for call, argument, hint, rules, parameter in _arguments():
        values = [rules[bound] for bound in ("minimum", "maximum") if bound in rules]
        enums = [member for member in _members(hint) if isinstance(member, type)]
        for listed in rules.get("enum", []):
            values.append(listed)
            # A nullable enum lists null too: sent as JSON null, it is no member of the enum class.
            values += [kind(listed) for kind in enums if issubclass(kind, enum.Enum) and listed is not None]
        if parameter.default is None and None not in values:
            values.append(None)
        cases += [
            pytest.param(call, argument, value, id=f"{call.operation_id}-{argument}-{_shown(value)}")
            for value in values
        ]
    return cases


@pytest.mark.parametrize(("call", "argument", "value"), _accepted_cases())
async def test_every_value_the_rules_allow_is_sent_as_the_spec_says(
    palomma: PalommaClient, api: RecordingAPI, call: SpecCall, argument: str, value: object
) -> None:
    arguments = {**call.arguments, argument: value}
    built = OPERATIONS[call.operation_id].build_request(**arguments)
    api.queue(call.ok())

    # A list is awaited for its first page only.
    await dataclasses.replace(call, arguments=arguments)(palomma)

    [sent] = api.requests
    assert dict(sent.url.params) == {name: str(given) for name, given in (built.params or {}).items()}
    assert sent_body(sent) == dataclasses.replace(call, json=built.json).sent
    header_parameters = {name: text for name, text in (built.headers or {}).items() if name != "Cookie"}
    assert {name: sent.headers.get(name) for name in header_parameters} == header_parameters
    # Cookie parameters share the one `Cookie` header with a key that travels in a cookie.
    cookies = _cookies((built.headers or {}).get("Cookie", ""))
    assert cookies.items() <= _cookies(sent.headers.get("Cookie", "")).items()
    without = {name: given for name, given in call.arguments.items() if name != argument}
    default = inspect.signature(OPERATIONS[call.operation_id].build_request).parameters[argument].default
    if value is None and default is None:
        # Left out: the request is the one made without it.
        assert built == OPERATIONS[call.operation_id].build_request(**without)
    elif value is None:
        # A nullable body field: None is JSON null, sent under a key the request made without it lacks.
        left_out = OPERATIONS[call.operation_id].build_request(**without).json or {}
        assert [given for name, given in (built.json or {}).items() if name not in left_out] == [None]
    else:
        shown = value.value if isinstance(value, enum.Enum) else value
        # Wherever the spec puts the argument: the body, the query, a header or a path segment.
        texts = [*(built.params or {}).values(), *header_parameters.values(), *cookies.values(), *built.path.split("/")]
        assert shown in (built.json or {}).values() or str(shown) in texts


def _cookies(header: str) -> dict[str, str]:
    """A `Cookie` header's pairs by name (`a=1; b=2`)."""
    pairs = (pair.strip().partition("=") for pair in header.split(";"))
    return {name: value for name, _, value in pairs if name}


def _open_enum_cases() -> list[Any]:
    """Each argument typed by an enum class of the spec, with a member the spec does not list."""
    cases = []
    for call, argument, hint, rules, _ in _arguments():
        for kind in _members(hint):
            if isinstance(kind, type) and issubclass(kind, enum.Enum) and rules.get("enum"):
                made_up = kind(unknown_value(member.value for member in kind))
                cases.append(pytest.param(call, argument, made_up, id=f"{call.operation_id}-{argument}"))
    return cases


@pytest.mark.parametrize(
    ("call", "argument", "value"),
    cases_or_skip(_open_enum_cases(), "no operation of the spec takes an argument typed by an enum", arity=3),
)
async def test_an_unknown_enum_member_is_refused_even_though_responses_keep_unknown_values(
    palomma: PalommaClient, api: RecordingAPI, call: SpecCall, argument: str, value: enum.Enum
) -> None:
    with pytest.raises(InvalidParameterError, match="must be one of"):
        await _made(dataclasses.replace(call, arguments={**call.arguments, argument: value}), palomma)
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
    valid = valid_arguments(operation_id)
    if valid is None:
        pytest.skip(f"no valid arguments of {operation_id!r} can be made from its rules")
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


def test_a_path_value_is_expected_refused_by_the_first_rule_of_the_spec_it_breaks_else_as_no_id() -> None:
    # A vendor's path parameter may carry a `minLength` or a `pattern` that refuses "" before the id check.
    assert _path_refusal("..", {}) == ("must be an id",)
    assert _path_refusal("..", {"minLength": 2}) == ("must be an id",)
    assert _path_refusal("", {"minLength": 4}) == ("must have at least", "must not be empty")
    assert _path_refusal(".", {"pattern": "^rep_"}) == ("must match the pattern",)
    assert _path_refusal(".", {"minLength": 4, "pattern": "^rep_"}) == (
        "must have at least",
        "must not be empty",
        "must match the pattern",
    )
    # A rule whose refusal says what it likes: any message naming the argument.
    assert _path_refusal("", {"format": "uuid", "pattern": "^[0-9a-f-]{36}$"}) == ("must match the pattern",)


@pytest.mark.parametrize(
    "text",
    ["01HQY8EW1H9YGH5PAV5Y2M9R3T", "inv_2026-03.v1~a", "a/b", "INV 2026/0001", "100%", "ñandú", "é/?&=#%20", "x+y"],
)
def test_a_path_segment_is_quoted_as_urllib_quotes_it(text: str) -> None:
    assert path_segment("invoice_id", text) == quote(text, safe="")


def test_a_path_segment_with_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="lone surrogate"):
        path_segment("invoice_id", "INV-\udc00")
