"""make generate names each hand-written feature that uses what a spec change removed."""

from __future__ import annotations

import compileall
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.strings import PythonIdentifier

from palomma_client._features import Argument, Field, Model, Need, Operation, Value
from palomma_client._generated.api import METHODS, OPERATIONS
from palomma_client._openapi import OpenAPI
from palomma_client._policies import OPERATION_POLICIES, CreateOnceByReference
from palomma_client.testing import FakePalomma
from tests.spec_calls import valid_arguments
from tests.support import ROOT, copy_project, fresh_name, run_generate, run_probe
from tests.testing.support import declared_features, listed_values, rewrite_examples

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from hand_written import BrokenUse, GeneratedName, broken_uses, generated_names, requested_names
from operations import policy_notes

SPEC_INDEX = OpenAPI.from_file(ROOT / "openapi.yaml")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_each_missing_module_name_and_operation_is_found_with_its_line(tmp_path: Path) -> None:
    package = tmp_path / "palomma_client"
    generated = package / "_generated"
    _write(generated / "__init__.py", "")
    _write(generated / "api" / "__init__.py", "OPERATIONS = {}\n")
    _write(generated / "api" / "things" / "__init__.py", "class ThingsResource: ...\n")
    _write(generated / "api" / "things" / "get_thing.py", "def build_request(): ...\n")
    _write(
        package / "workflows" / "_things.py",
        """\
        from palomma_client._generated.api import OPERATIONS
        from palomma_client._generated.api.things import ThingsResource, get_thing, gone_thing
        from palomma_client._generated.models import Thing
        import palomma_client._generated.api.others

        OPERATION_POLICIES = {"getThing": 1, "goneThing": 2}
        """,
    )

    uses = broken_uses(package, generated, ["getThing"], root=tmp_path)

    assert uses == [
        BrokenUse("palomma_client/workflows/_things.py", 2, "`gone_thing` from `palomma_client._generated.api.things`"),
        BrokenUse("palomma_client/workflows/_things.py", 3, "the module `palomma_client._generated.models`"),
        BrokenUse("palomma_client/workflows/_things.py", 4, "the module `palomma_client._generated.api.others`"),
        BrokenUse(
            "palomma_client/workflows/_things.py", 6, "the operation `goneThing` (a retry policy is keyed by it)"
        ),
    ]


def test_each_requested_name_is_found_where_the_generation_defines_it_or_marked_absent(tmp_path: Path) -> None:
    generated = tmp_path / "_generated"
    _write(generated / "api" / "things" / "__init__.py", "class ThingsResource: ...\n")
    _write(generated / "api" / "things" / "get_thing.py", "def build_request(): ...\n")
    _write(generated / "models" / "__init__.py", "from .thing import Thing\n")
    _write(generated / "models" / "thing.py", "class Thing: ...\n")
    _write(
        tmp_path / "palomma_client" / "_things.py",
        "from palomma_client._generated_names import get_thing, Thing, ThingsResource\n"
        "from palomma_client._generated_names import gone_thing, Gone, OthersResource\n",
    )

    found = generated_names(generated, requested_names(tmp_path))

    assert found == [
        GeneratedName("Gone", None, "other"),
        GeneratedName("OthersResource", None, "resource"),
        GeneratedName("Thing", ".models", "other"),
        GeneratedName("ThingsResource", ".api.things", "resource"),
        GeneratedName("get_thing", ".api.things", "other"),
        GeneratedName("gone_thing", None, "other"),
    ]


def test_the_requested_names_are_those_hand_written_modules_import_from_generated_names(tmp_path: Path) -> None:
    _write(
        tmp_path / "palomma_client" / "workflows" / "_things.py",
        """\
        from palomma_client._generated_names import Thing, get_thing

        def late() -> None:
            from palomma_client._generated_names import ThingsResource as Things
        """,
    )
    _write(tmp_path / "benchmarks" / "bench.py", "from palomma_client._generated_names import list_things, Thing\n")
    # Not imports from the module: an attribute read, another module, the generated package's own names.
    _write(tmp_path / "examples" / "demo.py", "from palomma_client import _generated_names\n_generated_names.Other\n")
    _write(tmp_path / "palomma_client" / "_other.py", "from palomma_client._generated_names_old import Old\n")
    _write(tmp_path / "palomma_client" / "_generated" / "names.py", "from palomma_client._generated_names import Own\n")
    _write(tmp_path / "tests" / "test_things.py", "from palomma_client._generated_names import TestOnly\n")

    assert requested_names(tmp_path) == ["Thing", "ThingsResource", "get_thing", "list_things"]


def test_each_declared_need_the_generation_lacks_is_named_with_its_feature(tmp_path: Path) -> None:
    package = tmp_path / "palomma_client"
    generated = package / "_generated"
    _write(generated / "__init__.py", "")
    _write(
        generated / "api" / "__init__.py",
        """\
        from . import things

        OPERATIONS = {"getThing": things.get_thing}
        """,
    )
    _write(generated / "api" / "things" / "__init__.py", "")
    _write(generated / "api" / "things" / "get_thing.py", 'RULES = {"thing_id": {}}\n')
    _write(generated / "models" / "__init__.py", "from .shade import Shade\nfrom .thing import Thing\n")
    _write(
        generated / "models" / "thing.py",
        """\
        class Thing:
            JSON_NAMES = {"thing_id": "thingId"}
        """,
    )
    _write(
        generated / "models" / "shade.py",
        """\
        class Shade(OpenStrEnum):
            DARK = "dark"
        """,
    )
    _write(
        package / "workflows" / "_things.py",
        """\
        WHOLE = Feature(
            "things.whole",
            Operation("getThing"),
            Argument("getThing", "thing_id"),
            Field("Thing", "thingId"),
            Value("Shade", "dark"),
        )
        BROKEN = Feature(
            "things.broken",
            Operation("goneThing"),
            Argument("getThing", "colour"),
            Model("Gone"),
            Field("Thing", "colour"),
            Field("Gone", "x"),
            Value("Shade", "light"),
            Value("Gone", "y"),
        )
        BUILT_ON = Feature("things.built_on", WHOLE, BROKEN, Model("Thing"))
        """,
    )

    uses = broken_uses(package, generated, ["getThing"], root=tmp_path)

    assert [str(use) for use in uses] == [
        "things.broken needs the operation `goneThing`, the argument `colour` of `getThing`, the model `Gone`, "
        "the field `colour` of `Thing` and the value `light` of `Shade`, which openapi.yaml no longer has "
        "(palomma_client/workflows/_things.py:8)",
        "things.built_on needs the operation `goneThing`, the argument `colour` of `getThing`, the model `Gone`, "
        "the field `colour` of `Thing` and the value `light` of `Shade`, which openapi.yaml no longer has "
        "(palomma_client/workflows/_things.py:18)",
    ]


def test_the_checked_in_package_uses_nothing_its_generation_lacks_but_what_the_changelog_names() -> None:
    uses = broken_uses(
        ROOT / "palomma_client", ROOT / "palomma_client" / "_generated", (op.name for op in SPEC_INDEX.operations)
    )
    # What a spec change took away, `make generate` named in the CHANGELOG; anything else is a fault.
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")

    assert [use for use in uses if str(use).rsplit(" (", 1)[0] not in changelog] == []


POLICY_OPERATIONS = sorted(policy_notes((ROOT / "palomma_client" / "_policies.py").read_text(encoding="utf-8")))


@pytest.mark.slow  # its call is a whole regeneration, which only this test reads
@pytest.mark.skipif(not POLICY_OPERATIONS, reason="no operation has a hand-written retry policy to break")
def test_removing_an_operation_a_policy_uses_is_named_on_stderr_and_in_the_changelog(tmp_path: Path) -> None:
    present = [name for name in POLICY_OPERATIONS if SPEC_INDEX.operation(name) is not None]
    if not present:
        pytest.skip(f"the spec no longer has the operations the hand-written policies are for: {POLICY_OPERATIONS}")
    removed = present[0]
    operation = SPEC_INDEX.operation(removed)
    assert operation is not None
    project = copy_project(tmp_path, lambda spec: spec["paths"][operation.path].pop(operation.method))

    completed = run_generate(project)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    policy_line = f"palomma_client/_policies.py:{_line_of(removed)} uses the operation `{removed}`"
    assert policy_line in completed.stderr
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    latest = changelog.split("\n## ")[1]
    assert "Hand-written features affected, to update before release:" in latest
    assert policy_line in latest


def _line_of(operation_id: str) -> int:
    source = (ROOT / "palomma_client" / "_policies.py").read_text(encoding="utf-8").splitlines()
    return next(
        number
        for number, line in enumerate(source, 1)
        if f'"{operation_id}"' in line and ":" in line.split(f'"{operation_id}"', 1)[1]
    )


# ---------------------------------------------------------------- a spec change takes away what a feature needs
#
# Each scenario takes away, in a regenerated copy, something the hand-written layer declares it needs
# (read from the declarations, so that the scenarios follow the code): the operation invoices.find_by_reference
# looks invoices up with, a model settlements.reconcile reads, and the create's field that keys it.


_BY_NAME = declared_features()
FEATURES = list(_BY_NAME.values())


def _left_to_remove(feature: str, wanted: Callable[[Need], bool], what: str) -> tuple[Any, str]:
    """The first need of ``feature`` that ``wanted`` picks and the spec still has, else ``None``.

    Returns:
        The need, or ``None``; and the reason a scenario removing it skips: what the spec already lacks.
    """
    needs = [need for need in _BY_NAME[feature].needs if wanted(need)]
    present = next((need for need in needs if need.missing() is None), None)
    gone = sorted({phrase for phrase in (need.missing() for need in needs) if phrase is not None})
    if present is not None:
        return present, ""
    if gone:
        return None, f"{feature} needs {', '.join(gone)}, which the spec no longer has: no {what} is left to remove"
    return None, f"{feature} needs no {what}"


_LOOKUP, _LOOKUP_GONE = _left_to_remove(
    "invoices.find_by_reference", lambda need: isinstance(need, Operation), "lookup operation"
)
LOOKUP_OPERATION: str = next(
    need.operation_id for need in _BY_NAME["invoices.find_by_reference"].needs if isinstance(need, Operation)
)
_SCHEMAS = SPEC_INDEX.document.get("components", {}).get("schemas", {})
_RECONCILED_MODEL, _RECONCILED_MODEL_GONE = _left_to_remove(
    "settlements.reconcile", lambda need: isinstance(need, Model) and need.name in _SCHEMAS, "model the spec names"
)
RECONCILED_MODEL: str | None = None if _RECONCILED_MODEL is None else _RECONCILED_MODEL.name
RECONCILED_VALUE: Value | None
RECONCILED_VALUE, _RECONCILED_VALUE_GONE = _left_to_remove(
    "settlements.reconcile", lambda need: isinstance(need, Value), "enum value"
)
"""A status value settlements.reconcile needs (the one whose invoices count towards a settlement)."""
CREATE_KEY: Argument | None
CREATE_KEY, _CREATE_KEY_GONE = _left_to_remove(
    "invoices.create_or_find",
    lambda need: isinstance(need, Argument) and need.operation_id != LOOKUP_OPERATION,
    "argument of the create",
)


def _remove_operation(operation_id: str) -> Callable[[dict[str, Any]], None]:
    operation = SPEC_INDEX.operation(operation_id)
    assert operation is not None

    def edit(spec: dict[str, Any]) -> None:
        spec["paths"][operation.path].pop(operation.method)

    return edit


def _rename_schema(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def edit(spec: dict[str, Any]) -> None:
        schemas = spec["components"]["schemas"]
        schemas[new] = schemas.pop(old)
        renamed = json.loads(json.dumps(spec).replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"'))
        spec.clear()
        spec.update(renamed)

    return edit


def _remove_body_field(operation_id: str, argument: str) -> Callable[[dict[str, Any]], None]:
    operation = SPEC_INDEX.operation(operation_id)
    assert operation is not None

    def edit(spec: dict[str, Any]) -> None:
        body = spec["paths"][operation.path][operation.method]["requestBody"]["content"]["application/json"]
        schema = body["schema"]
        while "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        field = next(name for name in schema["properties"] if str(PythonIdentifier(name, "field_")) == argument)
        del schema["properties"][field]
        schema["required"] = [name for name in schema.get("required", []) if name != field]
        if not schema["required"]:
            del schema["required"]
        for example in [body.get("example"), *(item.get("value") for item in body.get("examples", {}).values())]:
            if isinstance(example, dict):
                example.pop(field, None)

    return edit


def _remove_enum_value(enum: str, value: str) -> Callable[[dict[str, Any]], None]:
    """Take ``value`` out of the property whose generated enum is ``enum`` (``InvoiceStatus``: Invoice's status)."""

    def edit(spec: dict[str, Any]) -> None:
        for model, schema in spec["components"]["schemas"].items():
            for name, prop in schema.get("properties", {}).items():
                if f"{model}{name[:1].upper()}{name[1:]}" == enum and value in prop.get("enum", []):
                    prop["enum"].remove(value)
                    rewrite_examples(spec, set(schema["properties"]), name, (value,), prop["enum"][0])
                    return
        raise AssertionError(f"no property of the spec generates the enum {enum}")

    return edit


def _lacking(feature: str, taken: Callable[[Need], bool], removed: str) -> list[str]:
    """What ``feature`` lacks in a regenerated copy, in its order: ``removed`` for each need ``taken`` picks
    (what the scenario took away), and whatever else the checked-in spec already lacks."""
    phrases = (removed if taken(need) else need.missing() for need in _BY_NAME[feature].needs)
    return list(dict.fromkeys(phrase for phrase in phrases if phrase is not None))


def _affected(matches: Callable[[object], bool]) -> list[str]:
    """The declared features with a need that ``matches``."""
    return [feature.name for feature in FEATURES if any(matches(need) for need in feature.needs)]


def _names_on_stderr_and_in_the_changelog(regenerated: Regenerated, features: list[str]) -> None:
    latest = (regenerated.project / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ")[1]
    assert "Hand-written features affected, to update before release:" in latest
    for feature in features:
        assert f"  {feature} needs " in regenerated.stderr, feature
        assert f"- {feature} needs " in latest, feature


# What every scenario checks in one run of the regenerated copy: the package, the fake and the CLI import,
# `palomma --help` works, each call in AFFECTED raises FeatureUnavailableError (its feature and what is
# missing are returned), and the calls in WORKING answer against the fake.
SCENARIO_PROBE = """
import asyncio, json
import palomma_client, palomma_client.testing
from click.testing import CliRunner
from palomma_client import FeatureUnavailableError
from palomma_client.testing import FakePalomma
from palomma_client.workflows._cli import cli

CREATE = json.loads(CREATE_JSON)
result = {"help": CliRunner().invoke(cli, ["--help"]).exit_code, "affected": {}, "working": {}}

async def main():
    global fake
    fake = FakePalomma()
    async with fake.client() as palomma:
        for name, call in AFFECTED.items():
            try:
                await call(palomma)
                result["affected"][name] = None
            except FeatureUnavailableError as error:
                result["affected"][name] = [error.feature, list(error.missing)]
        for name, call in WORKING.items():
            result["working"][name] = await call(palomma)

asyncio.run(main())
runner = CliRunner()
with runner.isolated_filesystem():
    with open("rent.csv", "w", encoding="utf-8") as csv_file:  # a CSV_FILE argument must exist
        csv_file.write(",".join(CREATE) + "\\n")
    for name, arguments in COMMANDS.items():
        ran = runner.invoke(cli, arguments, env={"PALOMMA_API_KEY": "sk_test_probe"})
        result["commands"] = {**result.get("commands", {}), name: [ran.exit_code, ran.output]}
print("RESULT " + json.dumps(result))
"""


# Creating an invoice and reading it back through the fake: what every scenario leaves working. On a spec
# without the read of one invoice, the fake's own record of it stands for the read; on one whose create
# the fake answers from the spec, keeping nothing (`unmodelled_operations`), the answer is all there is.
CREATE_AND_GET = """
async def create_and_get(palomma):
    create, get = (getattr(getattr(palomma, resource), method) for resource, method in (CREATE_AT, GET_AT or CREATE_AT))
    invoice = await create(**CREATE)
    if CREATE_OPERATION in fake.unmodelled_operations:
        return fake.invoices() == [] and type(invoice).from_dict(invoice.to_dict()) == invoice
    if GET_AT is None:
        return [type(invoice).from_dict(record).to_dict() for record in fake.invoices()] == [invoice.to_dict()]
    return (await get(invoice.id)).to_dict() == invoice.to_dict()
"""
CREATE_OPERATION, GET_OPERATION = "createInvoice", "getInvoice"
"""The create and the read of one invoice that ``create_and_get`` calls, when the spec has them."""


def _reading(model: str) -> str | None:
    """The first operation of the spec whose success answer is the schema ``model``, or ``None``."""
    return next(
        (
            operation.name
            for operation in SPEC_INDEX.operations
            for response in operation.success_responses()
            if (media := response.json_media_type()) is not None
            and media.schema_pointer == f"/components/schemas/{model}"
        ),
        None,
    )


def _create() -> dict[str, Any]:
    """Arguments of the create its rules accept, made from the spec (``{}`` when the spec has no create)."""
    if CREATE_OPERATION not in OPERATIONS:
        return {}
    arguments = valid_arguments(CREATE_OPERATION)
    assert arguments is not None, f"no arguments of {CREATE_OPERATION} can be made from its rules"
    return arguments


def _still_working() -> dict[str, bool]:
    """What ``WORKING`` answers in a scenario that left the create and the read alone: ``create_and_get`` is true.

    Empty on a spec that has no create already: nothing is left to create and read back.
    """
    return {"create_and_get": True} if CREATE_OPERATION in OPERATIONS else {}


@dataclass(frozen=True)
class Regenerated:
    """A copy of the project regenerated from a changed spec, and what `make generate` said on stderr."""

    project: Path
    stderr: str


def _regenerated(tmp_path_factory: pytest.TempPathFactory, edit: Callable[[dict[str, Any]], None]) -> Regenerated:
    project = copy_project(tmp_path_factory.mktemp("scenario"), edit)
    completed = run_generate(project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    compileall.compile_dir(project / "palomma_client", quiet=1)  # once, as an install does, not in each probe
    return Regenerated(project, completed.stderr)


# Each scenario's copy is regenerated once, for its two tests: what make generate reports, and how the
# regenerated package behaves.
RENAMED_MODEL = fresh_name(
    SPEC_INDEX.document.get("components", {}).get("schemas", {}), "Payout", "SettlementRecord", "Disbursement"
)


@pytest.fixture(scope="module")
def without_lookup(tmp_path_factory: pytest.TempPathFactory) -> Regenerated:
    """The spec less the operation invoices.find_by_reference looks invoices up with."""
    return _regenerated(tmp_path_factory, _remove_operation(LOOKUP_OPERATION))


@pytest.fixture(scope="module")
def reconciled_model_renamed(tmp_path_factory: pytest.TempPathFactory) -> Regenerated:
    """The spec with a model settlements.reconcile reads under a new name."""
    assert RECONCILED_MODEL is not None
    return _regenerated(tmp_path_factory, _rename_schema(RECONCILED_MODEL, RENAMED_MODEL))


@pytest.fixture(scope="module")
def without_reconciled_value(tmp_path_factory: pytest.TempPathFactory) -> Regenerated:
    """The spec less the status value settlements.reconcile counts invoices by."""
    assert RECONCILED_VALUE is not None
    return _regenerated(tmp_path_factory, _remove_enum_value(RECONCILED_VALUE.enum, RECONCILED_VALUE.value))


@pytest.fixture(scope="module")
def without_create_key(tmp_path_factory: pytest.TempPathFactory) -> Regenerated:
    """The spec less the create's field that keys invoices.create_or_find."""
    assert CREATE_KEY is not None
    return _regenerated(tmp_path_factory, _remove_body_field(CREATE_KEY.operation_id, CREATE_KEY.name))


_NEEDS_LOOKUP = pytest.mark.skipif(_LOOKUP is None, reason=_LOOKUP_GONE)
_NEEDS_RECONCILED_MODEL = pytest.mark.skipif(RECONCILED_MODEL is None, reason=_RECONCILED_MODEL_GONE)
_NEEDS_RECONCILED_VALUE = pytest.mark.skipif(RECONCILED_VALUE is None, reason=_RECONCILED_VALUE_GONE)
_NEEDS_CREATE_KEY = pytest.mark.skipif(CREATE_KEY is None, reason=_CREATE_KEY_GONE)


def _run_scenario(project: Path, calls: str, *, create: dict[str, Any]) -> dict[str, Any]:
    """Run the scenario probe with ``calls`` (which define AFFECTED, WORKING and COMMANDS; may use create_and_get).

    ``create_and_get`` is left out of WORKING on a spec without the create.
    """
    calls = CREATE_AND_GET + textwrap.dedent(calls)
    if CREATE_OPERATION not in OPERATIONS:
        calls += '\nWORKING.pop("create_and_get", None)\n'
    code = SCENARIO_PROBE.replace("asyncio.run(main())", calls + "\nasyncio.run(main())", 1)
    where = {name: list(METHODS[name]) if name in METHODS else None for name in (CREATE_OPERATION, GET_OPERATION)}
    header = (
        f"CREATE_JSON = {json.dumps(create, default=str)!r}\n"
        f"CREATE_AT, GET_AT = {where[CREATE_OPERATION]!r}, {where[GET_OPERATION]!r}\n"
        f"CREATE_OPERATION = {CREATE_OPERATION!r}\n"
    )
    return run_probe(project, header + code)


@_NEEDS_LOOKUP
def test_removing_the_lookup_operation_names_its_features_on_stderr_and_in_the_changelog(
    without_lookup: Regenerated,
) -> None:
    affected = _affected(lambda need: getattr(need, "operation_id", None) == LOOKUP_OPERATION)
    assert {"invoices.find_by_reference", "invoices.create_or_find", "settlements.reconcile"} <= set(affected)
    _names_on_stderr_and_in_the_changelog(without_lookup, affected)
    # A create whose safe retries look it up is named too, unless the checked-in spec has no such create any more.
    recovered = [
        operation_id
        for operation_id, policy in OPERATION_POLICIES.items()
        if isinstance(policy, CreateOnceByReference) and policy.lookup_operation == LOOKUP_OPERATION
    ]
    assert recovered
    for operation_id in recovered:
        assert (f"the safe retries of `{operation_id}`" in without_lookup.stderr) is (operation_id in OPERATIONS)


@_NEEDS_LOOKUP
def test_removing_the_lookup_operation_leaves_the_package_working_and_its_features_refusing(
    without_lookup: Regenerated,
) -> None:
    result = _run_scenario(
        without_lookup.project,
        """
        AFFECTED = {
            "find_by_reference": lambda palomma: palomma.invoices.find_by_reference("INV-1"),
            "create_or_find": lambda palomma: palomma.invoices.create_or_find(**CREATE),
            "create_many": lambda palomma: palomma.invoices.create_many([CREATE]),
            "reconcile": lambda palomma: palomma.settlements.reconcile("2026-03-12", "11"),
        }
        WORKING = {"create_and_get": create_and_get}
        COMMANDS = {"list": ["invoices", "list"]}
        """,
        create=_create(),
    )

    removed = f"the operation `{LOOKUP_OPERATION}`"

    def missing(feature: str) -> set[str]:
        return set(_lacking(feature, lambda need: getattr(need, "operation_id", None) == LOOKUP_OPERATION, removed))

    assert result["help"] == 0
    features = {
        "find_by_reference": "invoices.find_by_reference",
        "create_or_find": "invoices.create_or_find",
        "create_many": "invoices.create_many",
        "reconcile": "settlements.reconcile",
    }
    # Each names the operation taken away, and whatever the checked-in spec already took from it.
    assert {call: (feature, set(lacks)) for call, (feature, lacks) in result["affected"].items()} == {
        call: (feature, missing(feature)) for call, feature in features.items()
    }
    assert result["working"] == _still_working()
    exit_code, output = result["commands"]["list"]
    assert exit_code == 2
    assert f"palomma invoices list is unavailable: it needs the operation `{LOOKUP_OPERATION}`" in output


@_NEEDS_RECONCILED_MODEL
def test_renaming_a_model_reconcile_reads_names_reconcile_on_stderr_and_in_the_changelog(
    reconciled_model_renamed: Regenerated,
) -> None:
    affected = _affected(lambda need: getattr(need, "name", getattr(need, "model", None)) == RECONCILED_MODEL)
    assert "settlements.reconcile" in affected
    _names_on_stderr_and_in_the_changelog(reconciled_model_renamed, affected)


@_NEEDS_RECONCILED_MODEL
def test_renaming_a_model_reconcile_reads_leaves_its_operation_working_and_reconcile_refusing(
    reconciled_model_renamed: Regenerated,
) -> None:
    assert RECONCILED_MODEL is not None
    reading = _reading(RECONCILED_MODEL)
    # The renamed model is read back from a settlement the fake makes of an invoice it creates and pays; on a
    # spec that does not let it, that read is left out, and what the scenario is about is still checked.
    unsettled = _why_the_fake_settles_nothing(reading)
    result = _run_scenario(
        reconciled_model_renamed.project,
        """
        async def renamed_model_is_read(palomma):
            other = FakePalomma()  # of its own, so that the create's reference is new there
            async with other.client() as client:
                invoice = await getattr(getattr(client, CREATE_AT[0]), CREATE_AT[1])(**CREATE)
                paid = other.pay(invoice.id)
                read = getattr(getattr(client, READ_AT[0]), READ_AT[1])
                settlement = await read(paid["settlementDate"], paid["settlementTime"])
            return [type(settlement).__name__, getattr(palomma_client, "MODEL") is not None]

        AFFECTED = {
            "reconcile": lambda palomma: palomma.settlements.reconcile("2026-03-12", "11"),
            "export": lambda palomma: asyncio.sleep(0, getattr(palomma_client, "MODEL").from_dict({})),
        }
        WORKING = {"create_and_get": create_and_get}
        if SETTLES:
            WORKING["renamed"] = renamed_model_is_read
        COMMANDS = {"reconcile": ["settlements", "reconcile", "2026-03-12", "11"]}
        """.replace("MODEL", RECONCILED_MODEL)
        .replace("READ_AT", repr(METHODS.get(reading or "", None)))
        .replace("SETTLES", repr(unsettled is None)),
        create=_create(),
    )

    _assert_reconcile_refused(result, f"the model `{RECONCILED_MODEL}`")
    assert result["affected"]["export"] == [f"palomma_client.{RECONCILED_MODEL}", [f"`{RECONCILED_MODEL}`"]]
    renamed = {} if unsettled else {"renamed": [RENAMED_MODEL, True]}
    assert result["working"] == {**_still_working(), **renamed}, unsettled


def _why_the_fake_settles_nothing(reading: str | None) -> str | None:
    """Why no settlement can be made on the fake and read through ``reading``; ``None`` when one can."""
    if CREATE_OPERATION not in OPERATIONS:
        return f"the spec has no operation {CREATE_OPERATION!r} to make an invoice for the fake to settle"
    unmodelled = FakePalomma().unmodelled_operations
    if CREATE_OPERATION in unmodelled:
        return f"the fake keeps no invoice it creates on this spec: {unmodelled[CREATE_OPERATION]}"
    if "paid" not in listed_values("invoice", "status"):
        return "the spec lists no invoice status 'paid' for the fake to settle an invoice with"
    if reading is None:
        return f"no operation of the spec answers a {RECONCILED_MODEL} for the renamed model to be read through"
    return None


@_NEEDS_CREATE_KEY
def test_removing_the_create_key_names_the_keyed_features_on_stderr_and_in_the_changelog(
    without_create_key: Regenerated,
) -> None:
    assert CREATE_KEY is not None
    affected = _affected(
        lambda need: (
            isinstance(need, Argument) and (need.operation_id, need.name) == (CREATE_KEY.operation_id, CREATE_KEY.name)
        )
    )
    assert {"invoices.create_or_find", "invoices.create_many"} <= set(affected)
    _names_on_stderr_and_in_the_changelog(without_create_key, affected)
    assert f"the safe retries of `{CREATE_KEY.operation_id}`" in without_create_key.stderr


@_NEEDS_CREATE_KEY
def test_removing_the_create_key_leaves_create_working_and_the_keyed_features_refusing(
    without_create_key: Regenerated,
) -> None:
    assert CREATE_KEY is not None
    result = _run_scenario(
        without_create_key.project,
        """
        AFFECTED = {
            "create_or_find": lambda palomma: palomma.invoices.create_or_find(**CREATE),
            "create_many": lambda palomma: palomma.invoices.create_many([CREATE]),
            "invoice_request": lambda palomma: asyncio.sleep(0, palomma_client.InvoiceRequest(**CREATE)),
            "read_csv": lambda palomma: asyncio.sleep(0, palomma_client.read_invoice_csv("rent.csv")),
        }
        WORKING = {"create_and_get": create_and_get}
        COMMANDS = {"create-batch": ["invoices", "create-batch", "rent.csv"]}
        """,
        create={name: value for name, value in _create().items() if name != CREATE_KEY.name},
    )

    removed = f"the argument `{CREATE_KEY.name}` of `{CREATE_KEY.operation_id}`"

    def missing(feature: str) -> list[str]:
        def taken(need: Need) -> bool:
            return isinstance(need, Argument) and (need.operation_id, need.name) == (
                CREATE_KEY.operation_id,
                CREATE_KEY.name,
            )

        return _lacking(feature, taken, removed)

    assert result["help"] == 0
    assert result["affected"]["create_or_find"] == ["invoices.create_or_find", missing("invoices.create_or_find")]
    assert result["affected"]["create_many"] == ["invoices.create_many", missing("invoices.create_many")]
    for call in ("invoice_request", "read_csv"):
        feature, lacks = result["affected"][call]
        assert removed in lacks
        assert lacks == missing(feature)
    assert result["working"] == _still_working()
    exit_code, output = result["commands"]["create-batch"]
    assert exit_code == 2
    assert "palomma invoices create-batch is unavailable" in output


@_NEEDS_RECONCILED_VALUE
def test_removing_a_status_reconcile_needs_names_reconcile_on_stderr_and_in_the_changelog(
    without_reconciled_value: Regenerated,
) -> None:
    assert RECONCILED_VALUE is not None
    removed = (RECONCILED_VALUE.enum, RECONCILED_VALUE.value)
    affected = _affected(lambda need: isinstance(need, Value) and (need.enum, need.value) == removed)
    assert "settlements.reconcile" in affected
    _names_on_stderr_and_in_the_changelog(without_reconciled_value, affected)


@_NEEDS_RECONCILED_VALUE
def test_removing_a_status_reconcile_needs_leaves_the_package_working_and_reconcile_refusing(
    without_reconciled_value: Regenerated,
) -> None:
    assert RECONCILED_VALUE is not None
    result = _run_scenario(
        without_reconciled_value.project,
        """
        AFFECTED = {"reconcile": lambda palomma: palomma.settlements.reconcile("2026-03-12", "11")}
        WORKING = {"create_and_get": create_and_get}
        COMMANDS = {"reconcile": ["settlements", "reconcile", "2026-03-12", "11"]}
        """,
        create=_create(),
    )

    _assert_reconcile_refused(result, f"the value `{RECONCILED_VALUE.value}` of `{RECONCILED_VALUE.enum}`")
    assert result["working"] == _still_working()


def _assert_reconcile_refused(result: dict[str, Any], need: str) -> None:
    """The scenario's reconcile call and command were refused, naming `need`; `palomma --help` still ran."""
    assert result["help"] == 0
    feature, missing = result["affected"]["reconcile"]
    assert feature == "settlements.reconcile"
    assert need in missing
    exit_code, output = result["commands"]["reconcile"]
    assert exit_code == 2
    assert "palomma settlements reconcile is unavailable" in output


# ---------------------------------------------------------------- and type-checks
#
# The hand-written layer, the examples and the benchmark name generated things only through
# `_generated_names` (each bound to a stand-in the spec lacks) and read generated methods and fields
# only through the protocols a feature vouches for: mypy strict finds nothing wrong in them whatever
# the spec removed.


def _plain_property(model: str, json_name: str) -> bool:
    """Whether the spec's ``model`` has ``json_name`` as a property of its own (not an enum or another model)."""
    schema = SPEC_INDEX.document.get("components", {}).get("schemas", {}).get(model, {})
    prop = schema.get("properties", {}).get(json_name)
    return isinstance(prop, dict) and "enum" not in prop and "$ref" not in prop


RECONCILED_FIELD = next(
    (
        need
        for need in _BY_NAME["settlements.reconcile"].needs
        if isinstance(need, Field) and need.missing() is None and _plain_property(need.model, need.json_name)
    ),
    None,
)
"""A field of a model settlements.reconcile reads (an invoice's or a settlement's)."""


def _remove_model_field(model: str, json_name: str) -> Callable[[dict[str, Any]], None]:
    """Take ``json_name`` out of the schema ``model``, and out of every example object of that model."""

    def edit(spec: dict[str, Any]) -> None:
        schema = spec["components"]["schemas"][model]
        del schema["properties"][json_name]
        schema["required"] = [name for name in schema.get("required", []) if name != json_name]
        if not schema["required"]:
            del schema["required"]
        required = set(schema.get("required", []))
        known = set(schema["properties"]) | {json_name}

        def strip(node: object) -> None:
            if isinstance(node, dict):
                # An example of this model: it has the model's required fields and nothing it does not know.
                if json_name in node and required <= set(node) and set(node) <= known:
                    del node[json_name]
                for value in node.values():
                    strip(value)
            elif isinstance(node, list):
                for value in node:
                    strip(value)

        strip(spec["paths"])
        strip(spec["components"])

    return edit


@pytest.fixture(scope="module")
def without_reconciled_field(tmp_path_factory: pytest.TempPathFactory) -> Regenerated:
    """The spec less a field of a model settlements.reconcile reads."""
    assert RECONCILED_FIELD is not None
    return _regenerated(tmp_path_factory, _remove_model_field(RECONCILED_FIELD.model, RECONCILED_FIELD.json_name))


def _type_check_hand_written(project: Path) -> subprocess.CompletedProcess[str]:
    """mypy strict, with the project's settings, on everything in a regenerated copy but the generated code's tests."""
    cache = ROOT / ".mypy_cache"
    if cache.is_dir() and not (project / ".mypy_cache").exists():
        shutil.copytree(cache, project / ".mypy_cache")  # mypy then checks again only what changed
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "scripts", "examples", "benchmarks", "palomma_client"],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )


@pytest.mark.slow  # a mypy run over the package, the scripts, the examples and the benchmark
@_NEEDS_LOOKUP
def test_without_the_lookup_operation_the_hand_written_layer_and_examples_type_check(
    without_lookup: Regenerated,
) -> None:
    module = OPERATIONS[LOOKUP_OPERATION].__name__.rpartition(".")[2]
    names = (without_lookup.project / "palomma_client" / "_generated" / "names.py").read_text(encoding="utf-8")
    assert f"{module} = Missing({module!r})".replace("'", '"') in names  # the stand-in, not an import

    completed = _type_check_hand_written(without_lookup.project)

    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.slow  # as above, after a regeneration of its own
@pytest.mark.skipif(RECONCILED_FIELD is None, reason="settlements.reconcile reads no field the spec still has")
def test_without_a_field_reconcile_reads_the_hand_written_layer_and_examples_type_check(
    without_reconciled_field: Regenerated,
) -> None:
    assert RECONCILED_FIELD is not None
    removed = f"the field `{RECONCILED_FIELD.json_name}` of `{RECONCILED_FIELD.model}`"
    _names_on_stderr_and_in_the_changelog(without_reconciled_field, ["settlements.reconcile"])
    assert removed in without_reconciled_field.stderr

    completed = _type_check_hand_written(without_reconciled_field.project)

    assert completed.returncode == 0, completed.stdout + completed.stderr
