"""A hand-written feature names what the spec no longer has when it is used; a placeholder raises on use."""

from __future__ import annotations

import copy
import pickle
import re
from collections.abc import Callable
from typing import Protocol

import httpx2
import pytest

import palomma_client
from palomma_client import (
    APITimeoutError,
    BadRequestError,
    FeatureUnavailableError,
    InvoiceOutcomeUnknownError,
    PalommaClient,
    PalommaError,
)
from palomma_client import _generated_names as generated_names
from palomma_client._features import Argument, Feature, Field, Missing, Model, Operation, Value, is_missing
from palomma_client._generated import models as generated_models
from palomma_client._generated.api import OPERATIONS
from palomma_client._policies import OPERATION_POLICIES, CreateOnceByReference
from tests.spec_calls import call_of
from tests.support import API_KEY, changelog_affected_features, fresh_name
from tests.testing.support import declared_features, skip_for_what_the_spec_lacks

# Taken from the generated code, so that any spec gives them.
OPERATION_ID = next(iter(OPERATIONS))
ARGUMENT = next(iter(OPERATIONS[OPERATION_ID].RULES), None)
MODEL = next(name for name in generated_models.__all__ if getattr(getattr(generated_models, name), "JSON_NAMES", None))
FIELD = next(iter(getattr(generated_models, MODEL).JSON_NAMES.values()))
GONE = fresh_name(set(OPERATIONS) | set(generated_models.__all__), "goneThing", "vanishedThing")


def test_a_feature_whose_needs_the_generated_code_has_is_available() -> None:
    needs: list[Operation | Argument | Model | Field] = [Operation(OPERATION_ID), Model(MODEL), Field(MODEL, FIELD)]
    if ARGUMENT is not None:
        needs.append(Argument(OPERATION_ID, ARGUMENT))
    feature = Feature("things.do", *needs)

    feature.check()

    assert feature.missing == ()


def test_each_kind_of_need_the_spec_lacks_is_named_once() -> None:
    feature = Feature(
        "things.do",
        Operation(GONE),
        Argument(GONE, "limit"),
        Argument(OPERATION_ID, "gone_argument"),
        Model(GONE),
        Field(MODEL, "goneField"),
    )

    assert feature.missing == (
        f"the operation `{GONE}`",
        f"the argument `gone_argument` of `{OPERATION_ID}`",
        f"the model `{GONE}`",
        f"the field `goneField` of `{MODEL}`",
    )


def test_using_an_unavailable_feature_raises_a_palomma_error_naming_the_feature_and_what_is_missing() -> None:
    feature = Feature("invoices.do_things", Operation(GONE), Model(GONE))

    with pytest.raises(FeatureUnavailableError) as caught:
        feature.check()

    error = caught.value
    assert isinstance(error, PalommaError)
    assert error.feature == "invoices.do_things"
    assert error.missing == (f"the operation `{GONE}`", f"the model `{GONE}`")
    assert str(error) == (
        f"invoices.do_things is unavailable: it needs the operation `{GONE}` and the model `{GONE}`, "
        "which the API's spec (openapi.yaml) this SDK was generated from no longer has"
    )
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), again.feature, again.missing, str(again)) == (
        FeatureUnavailableError,
        error.feature,
        error.missing,
        str(error),
    )


def test_the_error_is_exported_and_drawn_in_the_error_tree() -> None:
    assert palomma_client.FeatureUnavailableError is FeatureUnavailableError
    assert "FeatureUnavailableError" in palomma_client.__all__
    assert "FeatureUnavailableError" in (palomma_client._exceptions.__doc__ or "")


def test_a_missing_name_can_be_imported_and_held_but_raises_when_used() -> None:
    placeholder = Missing("Settlement")

    uses: list[Callable[[], object]] = [
        lambda: placeholder.from_dict({}),
        lambda: placeholder(),
        lambda: placeholder["x"],
        lambda: list(placeholder),
    ]
    for use in uses:
        with pytest.raises(FeatureUnavailableError, match="`Settlement`"):
            use()
    assert is_missing(placeholder)
    assert repr(placeholder) == "<missing Settlement: openapi.yaml no longer generates it>"


def test_a_missing_name_answers_protocol_probes_as_absent() -> None:
    placeholder = Missing("Settlement")

    assert not hasattr(placeholder, "__wrapped__")
    assert copy.copy(placeholder) is not None


def test_the_checked_in_package_gives_every_feature_what_it_needs_or_its_changelog_names_what_is_gone() -> None:
    declared = declared_features().values()
    # A spec change that took something away is announced by `make generate`, feature by feature.
    announced = changelog_affected_features()

    assert declared
    missing = [(feature.name, phrase) for feature in declared for phrase in feature.missing]
    assert [(name, phrase) for name, phrase in missing if phrase not in announced.get(name, "")] == []


def test_the_suite_skips_a_test_for_an_unavailable_feature_only_when_it_really_is() -> None:
    for feature in declared_features().values():
        error = FeatureUnavailableError(feature.name, feature.missing or ["the operation `gone`"])
        if feature.missing:
            with pytest.raises(
                pytest.skip.Exception, match=re.escape(f"{feature.name} needs what the spec no longer has")
            ):
                skip_for_what_the_spec_lacks(error, [])
        else:
            skip_for_what_the_spec_lacks(error, [])  # returns: the test fails with the error
    skip_for_what_the_spec_lacks(FeatureUnavailableError("invoices.no_such_feature", ["it"]), [])
    for name in generated_names.__all__:
        error = FeatureUnavailableError(f"palomma_client.{name}", [f"`{name}`"])
        if is_missing(getattr(generated_names, name)):
            with pytest.raises(pytest.skip.Exception):
                skip_for_what_the_spec_lacks(error, [])
        else:
            skip_for_what_the_spec_lacks(error, [])


_POLICY_OPERATIONS = [
    operation_id for operation_id, policy in OPERATION_POLICIES.items() if isinstance(policy, CreateOnceByReference)
]


@pytest.mark.skipif(not _POLICY_OPERATIONS, reason="no operation is created once by reference")
@pytest.mark.parametrize("lookup", ["kept", "lost", "keyless"])
async def test_a_create_whose_lookup_the_spec_lost_is_sent_once_by_the_default_rule(
    monkeypatch: pytest.MonkeyPatch, lookup: str
) -> None:
    """With its lookup, an ambiguous create is looked up; without, it is not sent again and not looked up.

    "keyless": the lookup is there, but what it lists no longer shows the key, so it could never
    find the create and would take "not listed" for "not made".
    """
    operation_id = _POLICY_OPERATIONS[0]
    policy = OPERATION_POLICIES[operation_id]
    assert isinstance(policy, CreateOnceByReference)
    if lookup == "kept" and not policy.recovers:
        pytest.skip(f"the spec no longer has all that looking a create of {operation_id} up needs")
    if lookup == "lost":
        monkeypatch.setitem(
            OPERATION_POLICIES, operation_id, CreateOnceByReference(key=policy.key, lookup_operation=GONE)
        )
    if lookup == "keyless":
        models = [getattr(generated_models, name) for name in generated_models.__all__]
        keyless = next(
            (
                model.__name__
                for model in models
                if isinstance(getattr(model, "JSON_NAMES", None), dict) and policy.key not in model.JSON_NAMES.values()
            ),
            None,
        )
        if keyless is None:
            pytest.skip(f"every model of the spec has a field {policy.key!r}")
        lookup_operation = policy.lookup_operation
        monkeypatch.setitem(
            OPERATION_POLICIES,
            operation_id,
            CreateOnceByReference(key=policy.key, lookup_operation=lookup_operation, listed_model=keyless),
        )
    sent: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        raise httpx2.ReadTimeout("the answer never came", request=request)

    async with PalommaClient(
        api_key=API_KEY, environment="sandbox", transport=httpx2.MockTransport(answer), lookup_grace_period=0
    ) as client:
        with pytest.raises((APITimeoutError, InvoiceOutcomeUnknownError)) as caught:
            await call_of(operation_id)(client)

    methods = [request.method for request in sent]
    if lookup in ("lost", "keyless"):
        assert methods == [OPERATIONS[operation_id].METHOD]
        # The outcome is open and nothing can look it up: said so, never advice to create again blindly.
        assert isinstance(caught.value, InvoiceOutcomeUnknownError)
        assert isinstance(caught.value.create_error, APITimeoutError)
        assert isinstance(caught.value.__cause__, FeatureUnavailableError)
        assert "no longer lets it look a" in str(caught.value)
        assert "find_by_reference" not in str(caught.value)
    else:
        assert "GET" in methods[1:]


@pytest.mark.skipif(not _POLICY_OPERATIONS, reason="no operation is created once by reference")
async def test_a_create_refused_outright_without_its_lookup_is_that_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure that cannot have made anything (a 400) is raised as it is: the outcome is not in doubt."""
    operation_id = _POLICY_OPERATIONS[0]
    policy = OPERATION_POLICIES[operation_id]
    assert isinstance(policy, CreateOnceByReference)
    monkeypatch.setitem(OPERATION_POLICIES, operation_id, CreateOnceByReference(key=policy.key, lookup_operation=GONE))

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(400, json={"error": "amount out of range"})

    async with PalommaClient(
        api_key=API_KEY, environment="sandbox", transport=httpx2.MockTransport(answer), max_retries=2
    ) as client:
        with pytest.raises(BadRequestError):
            await call_of(operation_id)(client)


def test_a_value_an_enum_declares_is_met_and_one_it_does_not_is_named() -> None:
    enum = next(
        (
            name
            for name in generated_models.__all__
            if isinstance(getattr(generated_models, name), type)
            and hasattr(getattr(generated_models, name), "__members__")
        ),
        None,
    )
    if enum is None:
        pytest.skip("the spec has no enum")
    declared = next(iter(getattr(generated_models, enum).__members__.values())).value
    gone = fresh_name({member.value for member in getattr(generated_models, enum).__members__.values()}, "gone")

    feature = Feature("things.do", Value(enum, declared), Value(enum, gone), Value(GONE, "x"))

    # The open enum answers any value; only the values it declares meet the need.
    assert getattr(generated_models, enum)(gone) is not None
    assert feature.missing == (f"the value `{gone}` of `{enum}`", f"the model `{GONE}`")


class _Thing(Protocol):
    @property
    def colour(self) -> str: ...


def test_vouch_hands_over_the_same_object_when_the_feature_is_available() -> None:
    feature = Feature("things.do", Operation(OPERATION_ID), Model(MODEL))
    generated = object()

    assert feature.vouch(generated, _Thing) is generated


def test_vouch_refuses_naming_the_feature_and_what_is_gone_before_anything_is_read() -> None:
    feature = Feature("things.do", Operation(GONE), Field(MODEL, "goneField"))

    with pytest.raises(FeatureUnavailableError) as caught:
        feature.vouch(object(), _Thing)

    assert caught.value.feature == "things.do"
    assert list(caught.value.missing) == [f"the operation `{GONE}`", f"the field `goneField` of `{MODEL}`"]


def test_each_protocol_field_the_hand_written_layer_reads_is_a_declared_need_of_some_feature() -> None:
    # A protocol member no feature declares would be read unchecked: a spec without it would fail at
    # run time with an AttributeError instead of the feature's FeatureUnavailableError.
    from palomma_client.workflows._api import InvoiceFields, SettlementFields

    declared = {
        (need.model, re.sub(r"(?<!^)(?=[A-Z])", "_", need.json_name).lower())
        for feature in declared_features().values()
        for need in feature.needs
        if isinstance(need, Field)
    }
    for model, protocol in (("Invoice", InvoiceFields), ("Settlement", SettlementFields)):
        members = {name for name, value in vars(protocol).items() if isinstance(value, property)}
        assert members
        assert {(model, member) for member in members} <= declared, protocol.__name__


def test_generated_names_the_spec_lacks_are_missing_placeholders_and_the_rest_are_generated() -> None:
    for name in generated_names.__all__:
        value = getattr(generated_names, name)
        if name.endswith("Resource"):
            assert isinstance(value, type)
        elif is_missing(value):
            assert name not in generated_models.__all__
            assert all(module.__name__.rpartition(".")[2] != name for module in OPERATIONS.values())
        else:
            assert value is getattr(generated_models, name, None) or value in OPERATIONS.values()
