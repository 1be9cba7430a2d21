"""scripts/spec_changes.py on servers and security: more ways in are minor, fewer or different ones major."""

from __future__ import annotations

import copy
import sys
from typing import Any

import pytest

from tests.support import ROOT, small_document

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from spec_changes import classify

Spec = dict[str, Any]


def base() -> Spec:
    """A small document of its own, so no change to openapi.yaml can make these cases moot."""
    return small_document({"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok"}}}}})


def levels(old: Spec, new: Spec) -> dict[str, str]:
    return {entry.description: entry.level for entry in classify(old, new).entries}


def test_an_added_server_is_a_minor_change_naming_it() -> None:
    old = base()
    new = copy.deepcopy(old)
    new["servers"].append({"url": "https://staging.example/v1", "description": "Staging"})

    assert levels(old, new) == {"Added the environment `staging` (`https://staging.example/v1`).": "minor"}
    assert classify(old, new).level == "minor"


def _regional(region: dict[str, Any] | None, **more: dict[str, Any]) -> Spec:
    document = base()
    variables = {**({"region": region} if region is not None else {}), **more}
    document["servers"].append(
        {"url": "https://{region}.example/v1", "description": "Regional", "variables": variables}
    )
    return document


def test_an_added_server_with_variables_is_minor() -> None:
    old = base()
    new = _regional({"default": "co", "enum": ["co", "mx"]})

    assert levels(old, new) == {"Added the environment `regional` (`https://co.example/v1`).": "minor"}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (["co"], ["co", "mx"], {"Widened the values of the variable `region` of the environment `regional`.": "minor"}),
        (
            ["co", "mx"],
            ["co"],
            {"Narrowed the values of the variable `region` of the environment `regional` to 'co'.": "major"},
        ),
        (
            None,
            ["co"],
            {"Narrowed the values of the variable `region` of the environment `regional` to 'co'.": "major"},
        ),
    ],
)
def test_the_values_a_server_variable_takes_are_minor_when_widened_and_major_when_narrowed(
    before: list[str] | None, after: list[str] | None, expected: dict[str, str]
) -> None:
    def region(values: list[str] | None) -> dict[str, Any]:
        return {"default": "co", **({"enum": values} if values is not None else {})}

    assert levels(_regional(region(before)), _regional(region(after))) == expected


def test_a_removed_server_variable_is_major_and_an_added_one_minor() -> None:
    one = _regional({"default": "co"})
    two = _regional({"default": "co"}, tier={"default": "gold"})

    assert levels(two, one) == {"Removed the variable `tier` of the environment `regional`.": "major"}
    assert levels(one, two) == {"Added the variable `tier` of the environment `regional`.": "minor"}


def test_a_renamed_environment_is_major_and_new_text_alone_a_patch() -> None:
    old = base()
    renamed, reworded = copy.deepcopy(old), copy.deepcopy(old)
    renamed["servers"][0]["description"] = "Live"
    reworded["servers"][0]["description"] = "Production server"  # still `production`

    assert levels(old, renamed) == {
        "Removed the environment `production` (`https://api.example/v1`).": "major",
        "Added the environment `live` (`https://api.example/v1`).": "minor",
    }
    assert levels(old, reworded) == {"Changed the text of the servers of the API.": "patch"}


def test_a_new_first_server_changes_the_default_environment() -> None:
    old = base()
    new = copy.deepcopy(old)
    new["servers"].insert(0, {"url": "https://staging.example/v1", "description": "Staging"})

    assert levels(old, new) == {
        "Added the environment `staging` (`https://staging.example/v1`).": "minor",
        "Made `staging` the default environment instead of `production`.": "major",
    }


@pytest.mark.parametrize(
    "servers",
    [[{"url": "https://api2.example/v1"}], [], [{"url": "https://api.example/v2", "description": "Production"}]],
)
def test_a_removed_or_changed_server_is_major(servers: list[Any]) -> None:
    old = base()
    new = copy.deepcopy(old)
    new["servers"] = servers

    assert classify(old, new).level == "major"


def test_an_added_security_scheme_and_alternative_requirement_are_minor() -> None:
    old = base()
    new = copy.deepcopy(old)
    new["components"]["securitySchemes"]["apiKey"] = {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    new["security"].append({"apiKey": []})

    assert levels(old, new) == {
        "Added security scheme `apiKey`.": "minor",
        "Added a way to authenticate to the API.": "minor",
    }


def test_replacing_the_requirement_or_making_an_operation_public_is_major() -> None:
    old = base()
    replaced, public = copy.deepcopy(old), copy.deepcopy(old)
    replaced["security"] = [{"other": []}]
    public["paths"]["/a"]["get"]["security"] = []

    assert levels(old, replaced) == {"Changed the security requirements of the API.": "major"}
    assert levels(old, public) == {"Changed the security requirements of operation `getA`.": "major"}


def test_an_api_key_scheme_added_with_an_operation_that_needs_it_is_minor() -> None:
    old = base()
    new = copy.deepcopy(old)
    new["components"]["securitySchemes"]["partner"] = {"type": "apiKey", "in": "header", "name": "X-Partner-Key"}
    new["paths"]["/b"] = {
        "get": {"operationId": "getB", "security": [{"partner": []}], "responses": {"200": {"description": "ok"}}}
    }

    assert classify(old, new).level == "minor"
    assert levels(old, new)["Added security scheme `partner`."] == "minor"
