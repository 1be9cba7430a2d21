"""The protocols the hand-written layer reads generated code through say what the generated code says."""

from __future__ import annotations

import inspect

import pytest

from palomma_client import _generated_names as generated_names
from palomma_client._features import is_missing
from palomma_client._resources import Invoices, Settlements
from palomma_client.workflows._api import InvoiceFields, InvoicesAPI, SettlementFields, SettlementsAPI

# Each protocol, and the generated class it is read from (whatever the spec made of it).
FIELDS = [(InvoiceFields, "Invoice"), (SettlementFields, "Settlement")]
METHODS = [(InvoicesAPI, Invoices), (SettlementsAPI, Settlements)]


def _properties(protocol: type) -> dict[str, str]:
    return {
        name: str(value.fget.__annotations__["return"])
        for name, value in vars(protocol).items()
        if isinstance(value, property) and value.fget is not None
    }


@pytest.mark.parametrize(("protocol", "model_name"), FIELDS, ids=[protocol.__name__ for protocol, _ in FIELDS])
def test_each_field_a_protocol_reads_has_the_generated_models_type(protocol: type, model_name: str) -> None:
    model = getattr(generated_names, model_name)
    if is_missing(model):
        pytest.skip(f"the spec generates no {model_name}")
    generated = {name: str(kind) for name, kind in inspect.get_annotations(model).items()}

    compared = {name: kind for name, kind in _properties(protocol).items() if name in generated}

    # A field the spec no longer has is left out: the feature reading it refuses to run.
    assert compared == {name: generated[name] for name in compared}


@pytest.mark.parametrize(("protocol", "resource"), METHODS, ids=[protocol.__name__ for protocol, _ in METHODS])
def test_each_method_a_protocol_calls_takes_its_arguments_and_returns_the_generated_type(
    protocol: type, resource: type
) -> None:
    for name, declared in vars(protocol).items():
        if not inspect.isfunction(declared) or name.startswith("_") or not hasattr(resource, name):
            continue
        wanted = inspect.signature(declared)
        generated = inspect.signature(getattr(resource, name))
        assert wanted.return_annotation == generated.return_annotation, name
        for parameter in wanted.parameters.values():
            # An argument the spec no longer has is a need the feature passing it declares; the call's timeout is
            # spelled out by the generated method and named by the protocol (TimeoutOption).
            if parameter.name in ("self", "timeout") or parameter.kind is parameter.VAR_KEYWORD:
                continue
            if parameter.kind is parameter.VAR_POSITIONAL or parameter.name not in generated.parameters:
                continue
            assert parameter.annotation == generated.parameters[parameter.name].annotation, (name, parameter.name)
