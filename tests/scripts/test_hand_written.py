"""make generate names each hand-written feature that uses what a spec change removed."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from palomma_client._openapi import OpenAPI
from tests.support import ROOT, copy_project, run_generate

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from hand_written import BrokenUse, broken_uses
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


def test_the_checked_in_package_uses_nothing_its_generation_lacks() -> None:
    uses = broken_uses(
        ROOT / "palomma_client", ROOT / "palomma_client" / "_generated", (op.name for op in SPEC_INDEX.operations)
    )

    assert uses == []


POLICY_OPERATIONS = sorted(policy_notes((ROOT / "palomma_client" / "_policies.py").read_text(encoding="utf-8")))


@pytest.mark.slow
@pytest.mark.skipif(not POLICY_OPERATIONS, reason="no operation has a hand-written retry policy to break")
def test_removing_an_operation_a_policy_uses_is_named_on_stderr_and_in_the_changelog(tmp_path: Path) -> None:
    removed = POLICY_OPERATIONS[0]
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
