"""Every generated model reads and writes its whole JSON document, and names the field a bad one breaks.

The models and their fields are enumerated from the generated package and each model's own
`JSON_SCHEMA` (the spec's schema of it), so the tests follow the spec: a document with every
field set is made from that schema, then each field is left out or given a value of another type.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

import palomma_client._generated.models as models
from palomma_client._generated.errors import ResponseSchemaError
from palomma_client.testing._examples import synthesize
from palomma_client.testing._spec import ApiSpec
from tests.spec_calls import model_properties, schema_components
from tests.support import fresh_name

NOW = datetime(2026, 3, 11, 16, 32, 14, tzinfo=UTC)

MODELS = [
    model
    for model in (getattr(models, name) for name in models.__all__)
    if isinstance(getattr(model, "JSON_SCHEMA", None), dict) and hasattr(model, "from_dict")
]


def _everything_set(schema: Any) -> Any:
    """`schema` with every property required and every array holding an item, all the way down."""
    if not isinstance(schema, dict):
        return schema
    filled = dict(schema)
    if isinstance(schema.get("properties"), dict):
        filled["properties"] = {name: _everything_set(value) for name, value in schema["properties"].items()}
        filled["required"] = list(schema["properties"])
    for keyword in ("items", "additionalProperties"):
        if isinstance(schema.get(keyword), dict):
            filled[keyword] = _everything_set(schema[keyword])
    for keyword in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(keyword), list):
            filled[keyword] = [_everything_set(member) for member in schema[keyword]]
    if "items" in schema and schema.get("maxItems", 1) >= 1:
        filled["minItems"] = max(schema.get("minItems", 0), 1)
    return filled


def _value_of(schema: dict[str, Any]) -> Any:
    """A value of `schema`, made as the fake makes answers."""
    spec = ApiSpec(
        {
            "openapi": "3.1.0",
            "info": {"title": "models", "version": "1"},
            "paths": {"/model": {"get": {"responses": {"200": {"description": "the model"}}}}},
            "components": {"schemas": schema_components(schema, "Model")},
        }
    )
    return synthesize(spec, "/components/schemas/Model", NOW)


def _document(model: Any) -> dict[str, Any]:
    """A document of `model` with every field set."""
    document = _value_of(_everything_set(model.JSON_SCHEMA))
    assert isinstance(document, dict)
    return document


def _other_key_value(model: Any) -> Any:
    """A value the model keeps under a key it does not name: of its map's schema when it types one."""
    others = model.JSON_SCHEMA.get("additionalProperties")
    return _value_of(_everything_set(others)) if isinstance(others, dict) and others else [1, None]


def _types(schema: dict[str, Any]) -> set[str]:
    written = schema.get("type")
    kinds = {written} if isinstance(written, str) else set(written or ())
    for member in [*schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        kinds |= _types(member)
    if "number" in kinds:
        kinds.add("integer")
    return kinds


_OTHER_TYPES: list[tuple[str, Any]] = [("string", "text"), ("integer", 12345), ("object", {"x": 1})]


def _fields(model: Any) -> list[tuple[str, dict[str, Any]]]:
    """The model's fields and their schemas, those of each member of an `allOf` too."""
    return list(model_properties(model)[0].items())


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_document_with_every_field_set_reads_back_to_the_same_model(model: Any) -> None:
    document = _document(model)
    assert set(document) == {name for name, _ in _fields(model)}, "every field is set"

    parsed = model.from_dict(document)

    assert model.from_dict(parsed.to_dict()) == parsed
    assert parsed.additional_properties == {}
    assert set(parsed.to_dict()) == set(document)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_subclass_reads_the_same_document_into_itself_and_keeps_unknown_fields(model: Any) -> None:
    subclass: Any = type(f"My{model.__name__}", (model,), {})
    unknown = fresh_name(model.JSON_NAMES.values(), "addedField")
    value = _other_key_value(model)
    document = {**_document(model), unknown: value}

    parsed = subclass.from_dict(document)

    assert type(parsed) is subclass
    assert parsed.to_dict() == model.from_dict(document).to_dict()
    assert list(parsed.additional_properties) == [unknown]
    assert parsed.to_dict()[unknown] == value


def _other_type(schema: dict[str, Any]) -> Any:
    """A JSON value of a type `schema` does not take (`None` for a field of any type)."""
    kinds = _types(schema)
    return next((value for kind, value in _OTHER_TYPES if kinds and kind not in kinds), None)


@pytest.mark.parametrize(
    ("model", "name"),
    [
        pytest.param(model, name, id=f"{model.__name__}.{name}")
        for model in MODELS
        for name, schema in _fields(model)
        if _other_type(schema) is not None
    ],
)
def test_each_field_of_another_type_is_refused_naming_the_field(model: Any, name: str) -> None:
    wrong = _other_type(dict(model_properties(model)[0][name]))

    with pytest.raises(ResponseSchemaError) as caught:
        model.from_dict({**_document(model), name: wrong})

    assert caught.value.path == name or caught.value.path.startswith((f"{name}.", f"{name}[")), caught.value


@pytest.mark.parametrize(
    ("model", "name"),
    [
        pytest.param(model, name, id=f"{model.__name__}.{name}")
        for model in MODELS
        for name in model_properties(model)[1]
    ],
)
def test_each_required_field_left_out_is_named(model: Any, name: str) -> None:
    broken = {key: value for key, value in _document(model).items() if key != name}

    with pytest.raises(ResponseSchemaError) as caught:
        model.from_dict(broken)

    assert (caught.value.path, caught.value.problem) == (name, "is required but missing")


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_document_that_is_not_an_object_is_refused(model: Any) -> None:
    with pytest.raises(ResponseSchemaError) as caught:
        model.from_dict([_document(model)])

    assert (caught.value.path, caught.value.problem) == ("", "expected an object, got an array")


def _optional(model: Any) -> list[str]:
    required = set(model_properties(model)[1])
    return [name for name, _ in _fields(model) if name not in required]


@pytest.mark.parametrize(
    ("model", "name"),
    [pytest.param(model, name, id=f"{model.__name__}.{name}") for model in MODELS for name in _optional(model)],
)
def test_an_optional_field_left_out_or_sent_as_null_is_absent_when_written_back(model: Any, name: str) -> None:
    document = _document(model)
    for broken in ({key: value for key, value in document.items() if key != name}, {**document, name: None}):
        written = model.from_dict(broken).to_dict()

        assert set(written) == set(document) - {name}


def _both(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *schema.get("anyOf", ()), *schema.get("oneOf", ())]


def _listed(schema: dict[str, Any]) -> list[str]:
    listed = [value for member in _both(schema) for value in member.get("enum", ()) if value is not None]
    return listed if all(isinstance(value, str) for value in listed) else []


def _cases(keep: Any) -> list[Any]:
    """A `pytest.param` for each (model, field) pair that `keep(schema)` picks, named `Model.field`."""
    return [
        pytest.param(model, name, id=f"{model.__name__}.{name}")
        for model in MODELS
        for name, schema in _fields(model)
        if keep(schema)
    ]


@pytest.mark.parametrize(
    ("model", "name"), _cases(lambda schema: {member.get("format") for member in _both(schema)} & {"date", "date-time"})
)
def test_a_date_that_does_not_parse_is_refused_naming_the_field(model: Any, name: str) -> None:
    with pytest.raises(ResponseSchemaError) as caught:
        model.from_dict({**_document(model), name: "not a date"})

    assert caught.value.path == name
    assert "ISO 8601" in caught.value.problem


@pytest.mark.parametrize(("model", "name"), _cases(_listed))
def test_an_enum_value_the_spec_does_not_list_still_reads_back(model: Any, name: str) -> None:
    added = fresh_name(_listed(dict(model_properties(model)[0][name])), "addedValue")

    assert model.from_dict({**_document(model), name: added}).to_dict()[name] == added


@pytest.mark.parametrize(
    ("model", "name"), _cases(lambda schema: "array" in _types(schema) and schema.get("items", {}).get("required"))
)
def test_a_broken_item_of_an_array_of_objects_is_named_by_its_index(model: Any, name: str) -> None:
    document = _document(model)

    with pytest.raises(ResponseSchemaError) as caught:
        model.from_dict({**document, name: [*document[name], {}]})

    assert caught.value.path.startswith(f"{name}[{len(document[name])}].")
