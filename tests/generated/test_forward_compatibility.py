"""Generated models keep parsing when the API adds enum values or fields.

The models and their enum fields are read from the generated package (`tests.spec_calls.enum_fields`),
so each test runs on every enum the spec has, whichever those are.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from palomma_client._model_base import OpenStrEnum
from tests.spec_calls import EnumField, enum_fields, model_document, models
from tests.support import fresh_name, spec_field_names, unknown_value

ENUM_FIELDS = enum_fields()
ENUMS = list(dict.fromkeys(field.enum for field in ENUM_FIELDS))


def _with(field: EnumField, value: object) -> dict[str, Any]:
    return {**model_document(field.model), field.json_name: value}


@pytest.mark.parametrize("field", ENUM_FIELDS, ids=str)
def test_a_value_the_spec_does_not_list_parses_and_reads_back(field: EnumField) -> None:
    new = unknown_value(field.enum)

    parsed = field.model.from_dict(_with(field, new))

    value = getattr(parsed, field.attribute)
    assert value == new
    assert str(value) == new
    assert value.value == new
    assert not value.is_known
    assert isinstance(value, field.enum)
    assert value != next(iter(field.enum))
    assert parsed.to_dict()[field.json_name] == new


@pytest.mark.parametrize("field", ENUM_FIELDS, ids=str)
def test_known_values_are_the_real_members(field: EnumField) -> None:
    for member in field.enum:
        value = getattr(field.model.from_dict(_with(field, member.value)), field.attribute)

        assert value is field.enum(member.value)
        assert value == member.value
        assert str(value) == member.value
        assert value.is_known


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_unknown_values_survive_pickling(enum: type[OpenStrEnum]) -> None:
    new = unknown_value(enum)
    assert pickle.loads(pickle.dumps(enum(new))) == new


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_non_string_values_are_still_rejected(enum: type[OpenStrEnum]) -> None:
    with pytest.raises(ValueError, match=f"is not a valid {enum.__name__}"):
        enum(7)  # type: ignore[arg-type]


@pytest.mark.parametrize("model", models(), ids=lambda model: model.__name__)
def test_unknown_fields_stay_available_and_round_trip(model: type[Any]) -> None:
    count, details = fresh_name(spec_field_names(), "installments"), fresh_name(spec_field_names(), "metadata")
    # The known fields as the model writes them (a date-time in its own form), then the unknown ones.
    known = model.from_dict(model_document(model)).to_dict()
    body = {**known, count: 3, details: {"unit": "Apto 502"}}

    parsed = model.from_dict(body)

    assert parsed.additional_properties == {count: 3, details: {"unit": "Apto 502"}}
    assert parsed[details] == {"unit": "Apto 502"}
    assert parsed.to_dict() == body
