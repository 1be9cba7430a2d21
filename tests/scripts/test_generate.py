"""What the generator hands openapi-python-client: nullable objects spelled the one way it reads as the SDK does."""

from __future__ import annotations

import copy
import sys
from typing import Any

import pytest

from tests.support import ROOT

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

import generate
from generate import _nullable_objects

ADDRESS = {"$ref": "#/components/schemas/Address"}
NULL = {"type": "null"}


def _owner(field: dict[str, Any]) -> dict[str, Any]:
    """A component schema whose one property is ``field``, as the parser is given it."""
    document: dict[str, Any] = {"components": {"schemas": {"Home": {"type": "object", "properties": {"field": field}}}}}
    _nullable_objects(document)
    written: dict[str, Any] = document["components"]["schemas"]["Home"]["properties"]["field"]
    return written


def test_a_reference_with_nullable_beside_it_becomes_the_reference_or_null() -> None:
    assert _owner({**ADDRESS, "nullable": True, "description": "Where"}) == {
        "description": "Where",
        "anyOf": [ADDRESS, NULL],
    }


@pytest.mark.parametrize(
    "spelling",
    [{"type": "object", "nullable": True}, {"type": ["object", "null"]}],
    ids=["3.0", "3.1"],
)
def test_an_inline_nullable_object_keeps_the_name_of_its_field(spelling: dict[str, Any]) -> None:
    properties = {"code": {"type": "string"}}

    written = _owner({**spelling, "properties": properties, "readOnly": True})

    assert written == {
        "readOnly": True,
        "anyOf": [{"type": "object", "properties": properties, "title": "field"}, NULL],
    }


@pytest.mark.parametrize(
    "field",
    [
        ADDRESS,
        {"type": "string", "nullable": True},
        {"type": ["string", "null"]},
        {"allOf": [ADDRESS], "nullable": True},  # the parser reads this one as the SDK does
        {"anyOf": [ADDRESS, NULL]},
    ],
)
def test_other_schemas_are_left_as_written(field: dict[str, Any]) -> None:
    assert _owner(copy.deepcopy(field)) == field


def test_an_inline_nullable_object_with_a_title_keeps_its_own() -> None:
    written = _owner({"type": "object", "nullable": True, "title": "Gate", "properties": {}})

    assert written["anyOf"][0]["title"] == "Gate"


def test_another_openapi_python_client_stops_generation_naming_the_header_parameter_workaround(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(generate, "PARSER_VERSION", "0.0.1")

    with pytest.raises(generate.GenerationError) as caught:
        generate._allow_header_parameters()

    assert "`_allow_header_parameters`" in str(caught.value)
    assert "0.0.1" in str(caught.value)
