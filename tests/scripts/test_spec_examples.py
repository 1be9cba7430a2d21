"""`make generate` warns of each example that does not fit its schema, naming its JSON Pointer and first problem."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from palomma_client._openapi import OpenAPI
from tests.support import ROOT, small_document

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from spec_examples import UnfitExample, unfit_examples

THING: dict[str, Any] = {
    "type": "object",
    "required": ["name", "size"],
    "properties": {
        "name": {"type": "string"},
        "size": {"type": "integer", "minimum": 1, "example": 0},
        "secret": {"type": "string", "writeOnly": True},
        "id": {"type": "string", "readOnly": True},
    },
}
MEDIA = {"schema": {"$ref": "#/components/schemas/Thing"}}


def _document(version: str = "3.0.3") -> dict[str, Any]:
    """`GET /things/{thingId}` and `POST /things`, each example as the vendor might leave it."""
    document = small_document(
        {
            "/things/{thingId}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [
                        {"name": "thingId", "in": "path", "required": True, "schema": {"type": "integer"}}
                        | {"example": "x"}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    **MEDIA,
                                    "examples": {
                                        "fits": {"value": {"name": "a", "size": 2, "id": "t1"}},
                                        "stale": {"$ref": "#/components/examples/Stale"},
                                    },
                                }
                            },
                        }
                    },
                }
            },
            "/things": {
                "post": {
                    "operationId": "createThing",
                    # Sent: a readOnly field need not be there, however required.
                    "requestBody": {"content": {"application/json": {**MEDIA, "example": {"name": "a", "size": 1}}}},
                    "responses": {
                        "201": {"description": "made", "content": {"application/json": {**MEDIA, "example": [1]}}}
                    },
                }
            },
        },
        {"Thing": THING},
    )
    document["openapi"] = version
    document["components"]["examples"] = {"Stale": {"value": {"name": "a", "nested": {}}}}
    return document


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_each_example_that_does_not_fit_its_schema_is_named_by_pointer_with_its_first_problem(version: str) -> None:
    found = unfit_examples(OpenAPI(_document(version)))

    assert [str(item) for item in found] == [
        "#/paths/~1things~1{thingId}/get/parameters/0/example: the example: 'x' is not of type 'integer'",
        "#/components/examples/Stale/value: size: is required but missing",
        "#/paths/~1things/post/responses/201/content/application~1json/example: the example: [1] is not of type"
        " 'object'",
        "#/components/schemas/Thing/properties/size/example: the example: 0 is less than the minimum of 1",
    ]
    assert all(isinstance(item, UnfitExample) for item in found)
