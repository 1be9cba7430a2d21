"""examples/spec_needs.py: an example reads a generated part only once it has what the example uses."""

from __future__ import annotations

import pytest

from palomma_client import FeatureUnavailableError, PalommaError
from tests.examples.conftest import load_example


class Thing:
    colour = "blue"

    def paint(self) -> str:
        return self.colour


def test_a_part_with_every_member_named_is_handed_back_itself() -> None:
    needs = load_example("spec_needs").needs
    thing = Thing()

    assert needs(thing, "colour", "paint") is thing


def test_a_part_without_a_member_named_refuses_naming_each_one_missing() -> None:
    needs = load_example("spec_needs").needs

    with pytest.raises(FeatureUnavailableError) as caught:
        needs(Thing(), "colour", "size", "weight")

    assert isinstance(caught.value, PalommaError)
    assert caught.value.feature == "this example (Thing)"
    assert list(caught.value.missing) == ["`Thing.size`", "`Thing.weight`"]
