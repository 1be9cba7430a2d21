"""The models as users hold them: None for what the API left out, JSON out, and FastAPI response types.

Every model the spec has is checked, each with a document made from its own schema, so that
the tests hold whatever fields a vendor adds, renames or removes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import palomma_client.types
from palomma_client._generated import models as generated
from tests.spec_calls import a_model_call, model_document, model_properties, models

MODELS = models()


def _required_only(model: type[Any]) -> dict[str, Any]:
    """A document of ``model`` with its required fields only, as an answer that leaves out every optional one."""
    required = set(model_properties(model)[1])  # through allOf: what any member requires
    return {name: value for name, value in model_document(model).items() if name in required}


def _optional_attributes(model: type[Any]) -> list[str]:
    required = set(model_properties(model)[1])
    return [attribute for attribute, json_name in model.JSON_NAMES.items() if json_name not in required]


def test_the_spec_has_models_to_check() -> None:
    assert MODELS, "the generator made no model of the spec"


def test_absent_optional_fields_read_as_none() -> None:
    with_optional = {model: _optional_attributes(model) for model in MODELS if _optional_attributes(model)}
    if not with_optional:
        pytest.skip("no model of the spec has an optional field")

    read = {
        model: {attribute: getattr(model.from_dict(_required_only(model)), attribute) for attribute in optional}
        for model, optional in with_optional.items()
    }

    assert read == {model: dict.fromkeys(optional) for model, optional in with_optional.items()}


@pytest.mark.parametrize("model", MODELS, ids=[model.__name__ for model in MODELS])
def test_to_dict_and_to_json_give_the_apis_own_json_names_and_leave_out_absent_fields(model: type[Any]) -> None:
    document = model_document(model)
    instance = model.from_dict(document)

    # Every field the document holds comes back under the spec's own name (camelCase), none under another.
    assert set(instance.to_dict()) == set(document)
    assert set(model.from_dict(_required_only(model)).to_dict()) == set(_required_only(model))
    round_trip = json.loads(instance.to_json())
    assert set(round_trip) == set(document)
    assert model.from_dict(round_trip) == instance


def test_the_types_module_exports_every_model_and_enum() -> None:
    assert set(palomma_client.types.__all__) == set(generated.__all__)
    assert all(getattr(palomma_client.types, model.__name__) is model for model in MODELS)


def _wrong_type(schema: dict[str, Any]) -> tuple[str, Any] | None:
    """A property of ``schema`` that holds a number or a boolean, and a string it must refuse; ``None`` if none."""
    for name, prop in schema.get("properties", {}).items():
        if isinstance(prop, dict) and prop.get("type") in ("integer", "number", "boolean"):
            return name, "lots"
    return None


def test_a_fastapi_endpoint_returns_an_sdk_model_as_the_apis_json_and_documents_it() -> None:
    from fastapi import Body, FastAPI
    from fastapi.testclient import TestClient

    model = type(a_model_call().expected)
    body = model_document(model)
    app = FastAPI()

    # The model as a response_model, as a return annotation and as a request body: FastAPI reads the
    # annotations at registration, so they are set on each function before it is.
    async def by_response_model(value: str) -> Any:
        return model.from_dict(body)

    async def by_annotation() -> Any:
        return model.from_dict(body)

    async def echo(received: Any = Body()) -> Any:  # noqa: B008 - FastAPI's own idiom
        return received

    by_annotation.__annotations__ = {"return": model}
    echo.__annotations__ = {"received": model, "return": model}
    app.get("/answer/{value}", response_model=model)(by_response_model)
    app.get("/annotated")(by_annotation)
    app.post("/echo")(echo)

    with TestClient(app) as http:
        answer = http.get("/answer/abc")
        assert answer.status_code == 200
        # The API's own JSON; a date-time keeps its instant, though not its spelling.
        assert answer.json() == model.from_dict(body).to_dict()
        assert set(answer.json()) == set(body)
        assert http.get("/annotated").json() == model.from_dict(body).to_dict()
        assert model.from_dict(http.post("/echo", json=body).json()) == model.from_dict(body)
        wrong = _wrong_type(model.JSON_SCHEMA)
        if wrong is not None:
            refused = http.post("/echo", json={**body, wrong[0]: wrong[1]})
            assert refused.status_code == 422
            assert wrong[0] in refused.text
        assert http.post("/echo", json=["not", "an", "object"]).status_code == 422

    document = app.openapi()
    answer_schema = document["paths"]["/answer/{value}"]["get"]["responses"]["200"]["content"]
    schema = answer_schema["application/json"]["schema"]
    spec_schema = model.JSON_SCHEMA
    assert set(schema["properties"]) == set(spec_schema["properties"])
    assert sorted(schema.get("required", [])) == sorted(spec_schema.get("required", []))
    enums = {name: prop["enum"] for name, prop in spec_schema["properties"].items() if "enum" in prop}
    assert {name: schema["properties"][name]["enum"] for name in enums} == enums
