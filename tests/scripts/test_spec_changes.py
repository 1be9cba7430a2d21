"""scripts/spec_changes.py: each kind of change to openapi.yaml gets its level and sentence; versions and changelog."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import ROOT, fresh_name

# generate.py runs from scripts/ and imports the module by its bare name; the tests do the same.
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from spec_changes import (
    CHANGELOG_PREAMBLE,
    ChangeEntry,
    EntryLevel,
    Level,
    SpecChange,
    bump_version,
    changelog_entry,
    classify,
    prepend_changelog_entry,
)

BASE = Path(__file__).parent / "fixtures" / "classifier-base.yaml"
"""The document these tests change: a fixed copy, not openapi.yaml, which the vendor may change any way."""


def load_spec() -> dict[str, Any]:
    """The classifier tests' base document, freshly parsed."""
    with BASE.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


# Names the changes use here, never ones the base document already has.
_NOW = load_spec()
_FIELDS = {name for schema in _NOW["components"]["schemas"].values() for name in schema.get("properties", {})}
NEW_FIELD = next(name for name in ("tenantEmail", *(f"tenantEmail{n}" for n in range(2, 99))) if name not in _FIELDS)
_STATUSES = set(_NOW["components"]["schemas"]["Invoice"]["properties"]["status"]["enum"])
NEW_STATUS = next(name for name in ("refunded", *(f"refunded{n}" for n in range(2, 99))) if name not in _STATUSES)
_OPERATIONS = {op.get("operationId") for item in _NOW["paths"].values() for op in item.values() if isinstance(op, dict)}
NEW_OPERATION = next(
    name for name in ("cancelInvoice", *(f"cancelInvoice{n}" for n in range(2, 99))) if name not in _OPERATIONS
)

Spec = dict[str, Any]


@pytest.fixture
def old() -> Spec:
    """The base document, freshly parsed."""
    return load_spec()


@pytest.fixture
def new(old: Spec) -> Spec:
    """A deep copy of ``old`` for a test to change."""
    return copy.deepcopy(old)


def schema(document: Spec, name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


def field(document: Spec, schema_name: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = schema(document, schema_name)["properties"][name]
    return found


def operation(document: Spec, path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def parameter(document: Spec, path: str, method: str, name: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [
        item for item in operation(document, path, method)["parameters"] if item["name"] == name
    ]
    (found,) = matches
    return found


def one(level: EntryLevel, description: str) -> SpecChange:
    """The result of a change that makes exactly one entry."""
    return SpecChange(level, (ChangeEntry(level, description),))


# --- the whole document ---


def test_identical_documents_are_no_change(old: Spec, new: Spec) -> None:
    assert classify(old, new) == SpecChange("none", ())


def test_only_reordering_a_list_is_still_a_patch(old: Spec, new: Spec) -> None:
    schema(new, "Invoice")["required"].reverse()

    assert classify(old, new) == one("patch", "Reordered parts of the document without changing their meaning.")


def test_entries_are_deduplicated_and_ordered_by_level_then_description(old: Spec, new: Spec) -> None:
    field(new, "Invoice", "amount")["description"] = "Amount in Colombian pesos."
    schema(new, "Invoice")["properties"][NEW_FIELD] = {"type": "string"}
    del schema(new, "Invoice")["properties"]["paymentId"]
    field(new, "Invoice", "status")["enum"].append(NEW_STATUS)

    change = classify(old, new)

    assert change.level == "major"
    assert change.entries == (
        ChangeEntry("major", "Removed field `paymentId` from `Invoice`."),
        ChangeEntry("minor", f"Added optional field `{NEW_FIELD}` to `Invoice`."),
        ChangeEntry("minor", f"Added value `{NEW_STATUS}` to the enum of `Invoice.status`."),
        ChangeEntry("patch", "Changed the text of `Invoice.amount`."),
    )


# --- fields ---


def test_an_optional_field_on_a_request_and_a_response_schema_is_minor(old: Spec, new: Spec) -> None:
    for name in ("CreateInvoiceRequest", "Invoice"):
        schema(new, name)["properties"][NEW_FIELD] = {"type": "string", "description": "Tenant's email."}

    change = classify(old, new)

    assert change.level == "minor"
    assert change.entries == (
        ChangeEntry("minor", f"Added optional field `{NEW_FIELD}` to `CreateInvoiceRequest`."),
        ChangeEntry("minor", f"Added optional field `{NEW_FIELD}` to `Invoice`."),
    )


def test_a_required_field_on_a_request_schema_is_major(old: Spec, new: Spec) -> None:
    schema(new, "CreateInvoiceRequest")["properties"][NEW_FIELD] = {"type": "string"}
    schema(new, "CreateInvoiceRequest")["required"].append(NEW_FIELD)

    assert classify(old, new) == one("major", f"Added required field `{NEW_FIELD}` to `CreateInvoiceRequest`.")


def test_a_required_field_on_a_schema_only_received_is_minor(old: Spec, new: Spec) -> None:
    schema(new, "ErrorResponse")["properties"]["code"] = {"type": "string"}
    schema(new, "ErrorResponse")["required"].append("code")

    assert classify(old, new) == one("minor", "Added required field `code` to `ErrorResponse`.")


def test_a_schema_also_sent_in_a_request_is_judged_as_a_request_too(old: Spec, new: Spec) -> None:
    report = {
        "operationId": "reportError",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}},
        "responses": {"204": {"description": "Reported"}},
    }
    for document in (old, new):
        document["paths"]["/errors"] = {"post": copy.deepcopy(report)}
    schema(new, "ErrorResponse")["properties"]["code"] = {"type": "string"}
    schema(new, "ErrorResponse")["required"].append("code")

    assert classify(old, new) == one("major", "Added required field `code` to `ErrorResponse`.")


def test_a_schema_no_operation_uses_is_judged_on_both_sides(old: Spec, new: Spec) -> None:
    unused: dict[str, Any] = {"type": "object", "properties": {"note": {"type": "string"}}}
    old["components"]["schemas"]["Note"] = copy.deepcopy(unused)
    new["components"]["schemas"]["Note"] = unused
    unused["properties"]["author"] = {"type": "string"}
    unused["required"] = ["author"]

    assert classify(old, new) == one("major", "Added required field `author` to `Note`.")


def test_removing_a_response_field_is_major(old: Spec, new: Spec) -> None:
    del schema(new, "Invoice")["properties"]["paymentId"]

    assert classify(old, new) == one("major", "Removed field `paymentId` from `Invoice`.")


def test_removing_a_request_field_is_major(old: Spec, new: Spec) -> None:
    del schema(new, "CreateInvoiceRequest")["properties"]["customerName"]

    assert classify(old, new) == one("major", "Removed field `customerName` from `CreateInvoiceRequest`.")


@pytest.mark.parametrize(
    ("schema_name", "name", "make_required", "expected"),
    [
        (
            "CreateInvoiceRequest",
            "customerName",
            True,
            one("major", "Made `CreateInvoiceRequest.customerName` required."),
        ),
        ("CreateInvoiceRequest", "amount", False, one("minor", "Made `CreateInvoiceRequest.amount` optional.")),
        ("Invoice", "reference", True, one("minor", "Made `Invoice.reference` required.")),
        ("Invoice", "contract", False, one("major", "Made `Invoice.contract` optional.")),
    ],
    ids=["request-now-required", "request-now-optional", "response-now-required", "response-now-optional"],
)
def test_a_field_changing_between_required_and_optional_is_judged_by_side(
    old: Spec, new: Spec, schema_name: str, name: str, make_required: bool, expected: SpecChange
) -> None:
    required: list[str] = schema(new, schema_name)["required"]
    if make_required:
        required.append(name)
    else:
        required.remove(name)

    assert classify(old, new) == expected


# --- types, enums and rules ---


def test_a_changed_type_is_major(old: Spec, new: Spec) -> None:
    field(new, "Invoice", "amount")["type"] = "integer"

    assert classify(old, new) == one("major", "Changed the type of `Invoice.amount` from `number` to `integer`.")


def test_a_removed_format_is_major(old: Spec, new: Spec) -> None:
    del field(new, "CreateInvoiceRequest", "redirectUrl")["format"]

    assert classify(old, new) == one("major", "Removed the format `uri` from `CreateInvoiceRequest.redirectUrl`.")


def test_a_new_enum_value_is_minor(old: Spec, new: Spec) -> None:
    field(new, "Invoice", "status")["enum"].append(NEW_STATUS)

    assert classify(old, new) == one("minor", f"Added value `{NEW_STATUS}` to the enum of `Invoice.status`.")


def test_a_removed_enum_value_is_major(old: Spec, new: Spec) -> None:
    field(new, "CreateInvoiceRequest", "documentType")["enum"].remove("ppt")

    assert classify(old, new) == one(
        "major", "Removed value `ppt` from the enum of `CreateInvoiceRequest.documentType`."
    )


def test_an_enum_on_a_field_that_had_none_is_major(old: Spec, new: Spec) -> None:
    field(new, "CreateInvoiceRequest", "contract")["enum"] = ["00000", "00001"]

    assert classify(old, new) == one("major", "Limited `CreateInvoiceRequest.contract` to the values `00000`, `00001`.")


_AMOUNT = _NOW["components"]["schemas"]["CreateInvoiceRequest"]["properties"]["amount"]
_MIN, _MAX = _AMOUNT["minimum"], _AMOUNT["maximum"]


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        (
            "maximum",
            _MAX * 2,
            one("minor", f"Raised the maximum of `CreateInvoiceRequest.amount` from {_MAX} to {_MAX * 2}."),
        ),
        (
            "maximum",
            _MAX // 2,
            one("major", f"Lowered the maximum of `CreateInvoiceRequest.amount` from {_MAX} to {_MAX // 2}."),
        ),
        (
            "minimum",
            _MIN * 2,
            one("major", f"Raised the minimum of `CreateInvoiceRequest.amount` from {_MIN} to {_MIN * 2}."),
        ),
        (
            "minimum",
            _MIN // 2,
            one("minor", f"Lowered the minimum of `CreateInvoiceRequest.amount` from {_MIN} to {_MIN // 2}."),
        ),
        ("multipleOf", 100, one("major", "Made `CreateInvoiceRequest.amount` a multiple of 100.")),
        ("exclusiveMinimum", True, one("major", "Made the minimum of `CreateInvoiceRequest.amount` exclusive.")),
    ],
)
def test_a_tightened_rule_is_major_and_a_loosened_one_minor(
    old: Spec, new: Spec, rule: str, value: object, expected: SpecChange
) -> None:
    field(new, "CreateInvoiceRequest", "amount")[rule] = value

    assert classify(old, new) == expected


def test_a_removed_rule_is_minor(old: Spec, new: Spec) -> None:
    del field(new, "CreateInvoiceRequest", "amount")["maximum"]

    assert classify(old, new) == one("minor", f"Removed the maximum of `CreateInvoiceRequest.amount` (was {_MAX}).")


def test_raising_a_minimum_length_is_major(old: Spec, new: Spec) -> None:
    field(new, "CreateInvoiceRequest", "reference")["minLength"] = 3

    assert classify(old, new) == one(
        "major", "Raised the minimum length of `CreateInvoiceRequest.reference` from 1 to 3."
    )


def test_adding_a_pattern_is_major_and_removing_it_minor(old: Spec, new: Spec) -> None:
    field(new, "CreateInvoiceRequest", "customerDocumentNumber")["pattern"] = "^[0-9]+$"

    assert classify(old, new) == one(
        "major", "Added the pattern `^[0-9]+$` to `CreateInvoiceRequest.customerDocumentNumber`."
    )
    assert classify(new, old) == one(
        "minor", "Removed the pattern `^[0-9]+$` from `CreateInvoiceRequest.customerDocumentNumber`."
    )


def test_a_changed_default_is_minor(old: Spec, new: Spec) -> None:
    field(new, "CreateInvoiceRequest", "contract")["default"] = "99999"

    assert classify(old, new) == one(
        "minor", "Changed the default of `CreateInvoiceRequest.contract` from `00000` to `99999`."
    )


def test_nullable_removed_from_a_request_field_is_major(old: Spec, new: Spec) -> None:
    field(old, "CreateInvoiceRequest", "customerName")["nullable"] = True

    assert classify(old, new) == one("major", "Made `CreateInvoiceRequest.customerName` no longer nullable.")


def test_nullable_removed_from_a_response_field_is_minor(old: Spec, new: Spec) -> None:
    del field(new, "ListInvoicesResponse", "cursor")["nullable"]

    assert classify(old, new) == one("minor", "Made `ListInvoicesResponse.cursor` no longer nullable.")


def test_nullable_spelled_as_openapi_31_is_the_same_schema(old: Spec, new: Spec) -> None:
    cursor = field(new, "ListInvoicesResponse", "cursor")
    del cursor["nullable"]
    cursor["type"] = [cursor["type"], "null"]

    change = classify(old, new)

    assert change.level == "patch"
    assert not [entry for entry in change.entries if "cursor" in entry.description]


def test_a_response_field_made_nullable_in_openapi_31_spelling_is_major(old: Spec, new: Spec) -> None:
    name = field(new, "Invoice", "description")
    name["type"] = [name["type"], "null"]

    assert classify(old, new) == one("major", "Made `Invoice.description` nullable.")


def test_an_inline_schema_is_compared_like_the_referenced_one(old: Spec, new: Spec) -> None:
    content = operation(new, "/invoices/{id}", "get")["responses"]["200"]["content"]["application/json"]
    content["schema"] = copy.deepcopy(schema(new, "Invoice"))
    content["schema"]["properties"][NEW_FIELD] = {"type": "string"}

    change = classify(old, new)

    assert change.level == "minor"
    assert change.entries == (
        ChangeEntry("minor", f"Added optional field `{NEW_FIELD}` to `getInvoice.responses.200`."),
        ChangeEntry(
            "patch", "Replaced the reference to `Invoice` in `getInvoice.responses.200` with an inline schema."
        ),
    )


# --- operations ---


def test_a_new_operation_is_minor(old: Spec, new: Spec) -> None:
    path = fresh_name(new["paths"], "/invoices/{id}/cancel", "/invoices/{id}/void")
    new["paths"][path] = {
        "post": {
            "tags": ["Invoices"],
            "summary": "Cancel invoice",
            "operationId": NEW_OPERATION,
            "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {
                    "description": "Cancelled invoice",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invoice"}}},
                },
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }
    }

    assert classify(old, new) == one("minor", f"Added operation `{NEW_OPERATION}` (`POST {path}`).")


def test_removing_an_operation_is_major(old: Spec, new: Spec) -> None:
    del new["paths"]["/invoices/{id}"]

    assert classify(old, new) == one("major", "Removed operation `getInvoice` (`GET /invoices/{id}`).")


def test_moving_an_operation_to_another_path_is_major(old: Spec, new: Spec) -> None:
    new["paths"]["/settlements/{date}/cycles/{cycle}"] = new["paths"].pop("/settlements/{date}/{cycle}")

    assert classify(old, new) == one(
        "major",
        "Moved operation `getSettlement` from `GET /settlements/{date}/{cycle}` "
        "to `GET /settlements/{date}/cycles/{cycle}`.",
    )


def test_moving_an_operation_to_another_tag_is_major(old: Spec, new: Spec) -> None:
    operation(new, "/invoices/{id}", "get")["tags"] = ["Settlements"]

    assert classify(old, new) == one("major", "Moved operation `getInvoice` from tag `Invoices` to tag `Settlements`.")


# --- parameters ---


def test_lowering_the_limit_parameters_maximum_is_major(old: Spec, new: Spec) -> None:
    parameter(new, "/invoices", "get", "limit")["schema"]["maximum"] = 50

    assert classify(old, new) == one(
        "major", "Lowered the maximum of the query parameter `limit` of `listInvoices` from 100 to 50."
    )


@pytest.mark.parametrize(
    ("required", "expected"),
    [
        (False, one("minor", "Added optional query parameter `status` to `listInvoices`.")),
        (True, one("major", "Added required query parameter `status` to `listInvoices`.")),
    ],
)
def test_an_added_parameter_is_minor_unless_required(
    old: Spec, new: Spec, required: bool, expected: SpecChange
) -> None:
    operation(new, "/invoices", "get")["parameters"].append(
        {"in": "query", "name": "status", "required": required, "schema": {"type": "string"}}
    )

    assert classify(old, new) == expected


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (
            {"type": "string", "minLength": 8, "maxLength": 64, "pattern": "^[A-Za-z0-9-]+$"},
            one(
                "minor",
                "Added required header parameter `Idempotency-Key` to `createInvoice`, "
                "which the SDK fills with a new key per call.",
            ),
        ),
        # Keys the SDK's own (a UUID's text) do not fit: every caller must now give one.
        (
            {"type": "string", "maxLength": 16},
            one("major", "Added required header parameter `Idempotency-Key` to `createInvoice`."),
        ),
        (
            {"type": "string", "enum": ["once"]},
            one("major", "Added required header parameter `Idempotency-Key` to `createInvoice`."),
        ),
    ],
)
def test_a_required_idempotency_key_the_sdk_can_fill_is_minor(
    old: Spec, new: Spec, schema: dict[str, Any], expected: SpecChange
) -> None:
    operation(new, "/invoices", "post").setdefault("parameters", []).append(
        {"in": "header", "name": "Idempotency-Key", "required": True, "schema": schema}
    )

    assert classify(old, new) == expected


def test_a_removed_parameter_is_major(old: Spec, new: Spec) -> None:
    parameters: list[dict[str, Any]] = operation(new, "/invoices", "get")["parameters"]
    parameters.remove(parameter(new, "/invoices", "get", "contract"))

    assert classify(old, new) == one("major", "Removed query parameter `contract` from `listInvoices`.")


def test_a_parameter_becoming_required_is_major_and_optional_minor(old: Spec, new: Spec) -> None:
    parameter(new, "/invoices", "get", "reference")["required"] = True

    assert classify(old, new) == one("major", "Made the query parameter `reference` of `listInvoices` required.")
    assert classify(new, old) == one("minor", "Made the query parameter `reference` of `listInvoices` optional.")


# --- responses, servers, security ---


def test_a_new_documented_status_is_minor(old: Spec, new: Spec) -> None:
    operation(new, "/invoices", "post")["responses"]["409"] = {"$ref": "#/components/responses/BadRequest"}

    assert classify(old, new) == one("minor", "Added response `409` to operation `createInvoice`.")


def test_a_removed_error_status_is_patch(old: Spec, new: Spec) -> None:
    del operation(new, "/invoices/{id}", "get")["responses"]["404"]

    assert classify(old, new) == one("patch", "Removed response `404` from operation `getInvoice`.")


def test_a_removed_success_status_is_major(old: Spec, new: Spec) -> None:
    responses = operation(new, "/invoices", "post")["responses"]
    responses["201"] = responses.pop("200")

    change = classify(old, new)

    assert change.level == "major"
    assert change.entries == (
        ChangeEntry("major", "Removed response `200` from operation `createInvoice`."),
        ChangeEntry("minor", "Added response `201` to operation `createInvoice`."),
    )


def test_a_changed_server_is_major(old: Spec, new: Spec) -> None:
    before = new["servers"][-1]["url"]
    new["servers"][-1]["url"] = before.rstrip("/") + "-moved"

    change = classify(old, new)

    # A server is an environment of the client: moving it moves where that environment's requests go.
    assert change.level == "major"
    (entry,) = change.entries
    assert f"from `{before.rstrip('/')}` to `{before.rstrip('/')}-moved`" in entry.description


def test_a_changed_security_scheme_is_major_and_its_text_patch(old: Spec, new: Spec) -> None:
    scheme = new["components"]["securitySchemes"]["bearerAuth"]
    scheme["description"] = "Send your API key as a bearer token."
    assert classify(old, new) == one("patch", "Changed the text of security scheme `bearerAuth`.")

    scheme["scheme"] = "basic"
    assert classify(old, new) == one("major", "Changed security scheme `bearerAuth`.")


# --- text ---


def test_a_description_edit_is_patch(old: Spec, new: Spec) -> None:
    field(new, "CreateInvoiceRequest", "amount")["description"] = "Invoice amount in Colombian pesos."

    assert classify(old, new) == one("patch", "Changed the text of `CreateInvoiceRequest.amount`.")


def test_a_shared_response_used_by_every_operation_changes_in_one_entry(old: Spec, new: Spec) -> None:
    new["components"]["responses"]["Unauthorized"]["description"] = "The API key is missing or wrong"

    assert classify(old, new) == one("patch", "Changed the text of the shared response `Unauthorized`.")


def test_the_api_version_contact_tags_and_examples_are_patch(old: Spec, new: Spec) -> None:
    new["info"]["version"] = "1.0.1"
    new["info"]["contact"]["email"] = "soporte@palomma.com"
    new["tags"][0]["description"] = "Invoices: create, get and list."
    examples = operation(new, "/invoices", "post")["requestBody"]["content"]["application/json"]["examples"]
    examples["createInvoice"]["value"]["amount"] = 2000000

    change = classify(old, new)

    assert change.level == "patch"
    assert change.entries == (
        ChangeEntry("patch", "Changed the API version from `1.0.0` to `1.0.1`."),
        ChangeEntry("patch", "Changed the text of `info.contact`."),
        ChangeEntry("patch", "Changed the text of tag `Invoices`."),
        ChangeEntry("patch", "Changed the text of the request body of operation `createInvoice`."),
    )


# --- versions ---


@pytest.mark.parametrize(
    ("version", "level", "expected"),
    [
        ("0.1.0", "minor", "0.2.0"),
        ("0.1.3", "major", "1.0.0"),
        ("1.4.2", "minor", "1.5.0"),
        ("1.4.2", "patch", "1.4.3"),
        ("1.4.2", "none", "1.4.2"),
        ("9.10.99", "patch", "9.10.100"),
    ],
)
def test_bump_version_follows_semantic_versioning(version: str, level: Level, expected: str) -> None:
    assert bump_version(version, level) == expected


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1.0.0-rc.1", "01.2.3", "1.2.3 ", ""])
def test_bump_version_rejects_a_version_that_is_not_major_minor_patch(version: str) -> None:
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH"):
        bump_version(version, "patch")


def test_bump_version_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="unknown change level 'huge'"):
        bump_version("1.0.0", "huge")  # type: ignore[arg-type]


# --- changelog ---


def test_a_minor_entry_lists_the_additions_under_the_heading_and_summary(old: Spec, new: Spec) -> None:
    for name in ("CreateInvoiceRequest", "Invoice"):
        schema(new, name)["properties"][NEW_FIELD] = {"type": "string"}
    change = classify(old, new)

    assert changelog_entry(bump_version("0.1.0", change.level), change, api_version="1.0.0") == (
        "## 0.2.0 (API 1.0.0)\n"
        "\n"
        "Minor: additions to the API, nothing removed or tightened.\n"
        "\n"
        f"- Added optional field `{NEW_FIELD}` to `CreateInvoiceRequest`.\n"
        f"- Added optional field `{NEW_FIELD}` to `Invoice`.\n"
    )


def test_a_major_entry_puts_breaking_first_then_additions_then_text() -> None:
    change = SpecChange(
        "major",
        (
            ChangeEntry("major", "Removed operation `getInvoice` (`GET /invoices/{id}`)."),
            ChangeEntry("minor", f"Added value `{NEW_STATUS}` to the enum of `Invoice.status`."),
            ChangeEntry("patch", "Changed the API version from `1.0.0` to `2.0.0`."),
        ),
    )

    assert changelog_entry("1.0.0", change, api_version="2.0.0") == (
        "## 1.0.0 (API 2.0.0)\n"
        "\n"
        "Major: breaking changes; code written for the previous version may need changes.\n"
        "\n"
        "Breaking:\n"
        "\n"
        "- Removed operation `getInvoice` (`GET /invoices/{id}`).\n"
        "\n"
        "Additions:\n"
        "\n"
        f"- Added value `{NEW_STATUS}` to the enum of `Invoice.status`.\n"
        "\n"
        "Documentation:\n"
        "\n"
        "- Changed the API version from `1.0.0` to `2.0.0`.\n"
    )


def test_a_major_entry_has_the_breaking_lead_line_even_alone() -> None:
    change = one("major", "Removed field `paymentId` from `Invoice`.")

    assert changelog_entry("2.0.0", change, api_version="1.1.0").splitlines()[3:] == [
        "",
        "Breaking:",
        "",
        "- Removed field `paymentId` from `Invoice`.",
    ]


def test_there_is_no_changelog_entry_for_no_change() -> None:
    with pytest.raises(ValueError, match="no entries"):
        changelog_entry("0.1.0", SpecChange("none", ()), api_version="1.0.0")


PATCH_ENTRY = changelog_entry("0.1.1", one("patch", "Changed the text of `Invoice.amount`."), api_version="1.0.0")
MINOR_ENTRY = changelog_entry(
    "0.2.0", one("minor", f"Added value `{NEW_STATUS}` to the enum of `Invoice.status`."), api_version="1.0.0"
)


def test_the_first_entry_creates_the_changelog_with_its_preamble(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"

    prepend_changelog_entry(changelog, PATCH_ENTRY)

    text = changelog.read_text(encoding="utf-8")
    assert text == CHANGELOG_PREAMBLE + "\n" + PATCH_ENTRY
    assert text.startswith("# Changelog\n\nEntries are written by `make generate` from changes to openapi.yaml.\n")


def test_a_newer_entry_goes_under_the_preamble_above_the_older_ones(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    prepend_changelog_entry(changelog, PATCH_ENTRY)

    prepend_changelog_entry(changelog, MINOR_ENTRY)

    assert changelog.read_text(encoding="utf-8") == CHANGELOG_PREAMBLE + "\n" + MINOR_ENTRY + "\n" + PATCH_ENTRY


def test_the_same_entry_twice_is_written_once(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    prepend_changelog_entry(changelog, PATCH_ENTRY)
    prepend_changelog_entry(changelog, MINOR_ENTRY)
    before = changelog.read_text(encoding="utf-8")

    prepend_changelog_entry(changelog, PATCH_ENTRY)
    prepend_changelog_entry(changelog, MINOR_ENTRY)

    assert changelog.read_text(encoding="utf-8") == before
    assert before.count("## ") == 2


def test_a_new_entry_for_a_version_already_listed_replaces_its_section(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    prepend_changelog_entry(changelog, PATCH_ENTRY)
    prepend_changelog_entry(changelog, MINOR_ENTRY)
    revised = MINOR_ENTRY.replace(f"`{NEW_STATUS}`", "`voided`")

    prepend_changelog_entry(changelog, revised)

    assert changelog.read_text(encoding="utf-8") == CHANGELOG_PREAMBLE + "\n" + revised + "\n" + PATCH_ENTRY


def test_an_existing_preamble_is_kept(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\nOur own words about releases.\n", encoding="utf-8")

    prepend_changelog_entry(changelog, PATCH_ENTRY)

    assert changelog.read_text(encoding="utf-8") == "# Changelog\n\nOur own words about releases.\n\n" + PATCH_ENTRY


def test_an_entry_without_a_version_heading_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'## <version>' heading"):
        prepend_changelog_entry(tmp_path / "CHANGELOG.md", "- Added something.\n")
    assert not (tmp_path / "CHANGELOG.md").exists()
