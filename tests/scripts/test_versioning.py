"""scripts/versioning.py's `bump` (`make bump PART=...`): a release of hand-written changes, and the docs' pins."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests import forked
from tests.support import ROOT, copy_project, run_generate

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from versioning import bump, pin_install_lines


def _version(project: Path) -> tuple[int, int, int]:
    namespace: dict[str, Any] = {}
    exec((project / "palomma_client" / "_generated" / "version.py").read_text(encoding="utf-8"), namespace)
    major, minor, patch = str(namespace["__version__"]).split(".")
    return int(major), int(minor), int(patch)


@pytest.mark.slow  # `make bump` then `make check-generated` in a copy: a regeneration only it reads
def test_make_bump_patch_moves_the_version_opens_a_section_repins_the_docs_and_passes_check_generated(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    major, minor, patch = _version(project)
    old, new = f"{major}.{minor}.{patch}", f"{major}.{minor}.{patch + 1}"

    completed = forked.run_python(script=project / "scripts" / "versioning.py", arguments=["bump", "patch"])

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"{old} -> {new}" in completed.stdout
    assert _version(project) == (major, minor, patch + 1)
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index(f"## {new} (API ") < changelog.index(f"## {old} ")
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert f"'palomma-client=={new}'" in readme
    assert f"palomma-client=={old}" not in readme
    checked = run_generate(project, "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("part", "expected"),
    [("minor", lambda v: (v[0], v[1] + 1, 0)), ("major", lambda v: (v[0] + 1, 0, 0))],
)
def test_bump_minor_and_major(tmp_path: Path, part: str, expected: Any) -> None:
    project = copy_project(tmp_path)
    before = _version(project)

    version = bump(project, part)

    assert _version(project) == expected(before)
    assert version == ".".join(str(number) for number in expected(before))
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.split("\n## ", 2)[1].startswith(f"{version} (API ")
    assert f"{part.capitalize()}: " in changelog.split("\n## ", 2)[1]


def test_bump_refuses_an_unknown_part_and_changes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    before = (project / "palomma_client" / "_generated" / "version.py").read_text(encoding="utf-8")

    with pytest.raises(ValueError, match="expected patch, minor or major"):
        bump(project, "none")

    assert (project / "palomma_client" / "_generated" / "version.py").read_text(encoding="utf-8") == before


def test_pins_are_rewritten_with_extras_and_wheel_names_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "pip install --index-url \"$PRIVATE_INDEX_URL\" 'palomma-client==0.1.0'\n"
        "pip install --index-url \"$PRIVATE_INDEX_URL\" 'palomma-client[testing,cli]==0.1.0' fastapi\n"
        "`pip install ./palomma_client-0.1.0-py3-none-any.whl`\n"
        "## 0.1.0 (API 1.0.0)\n"
        "other-package==0.1.0\n",
        encoding="utf-8",
    )

    changed = pin_install_lines(tmp_path, "2.3.4")

    assert changed == [page]
    assert page.read_text(encoding="utf-8") == (
        "pip install --index-url \"$PRIVATE_INDEX_URL\" 'palomma-client==2.3.4'\n"
        "pip install --index-url \"$PRIVATE_INDEX_URL\" 'palomma-client[testing,cli]==2.3.4' fastapi\n"
        "`pip install ./palomma_client-2.3.4-py3-none-any.whl`\n"
        "## 0.1.0 (API 1.0.0)\n"
        "other-package==0.1.0\n"
    )
