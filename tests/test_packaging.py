"""The built wheel installs into a clean environment, exposes the package, and publishes only real extras."""

from __future__ import annotations

import email.parser
import os
import re
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from tests.support import ROOT, SPEC


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and sdist, built once for this module."""
    folder = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return folder


def _wheel(dist: Path) -> Path:
    wheels = list(dist.glob("palomma_client-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.mark.slow  # pip installs the built wheel in a fresh venv
def test_built_wheel_installs_and_imports_in_a_fresh_virtual_environment(dist: Path, tmp_path: Path) -> None:
    wheel = _wheel(dist)
    assert len(list(dist.glob("palomma_client-*.tar.gz"))) == 1
    names = zipfile.ZipFile(wheel).namelist()
    assert "palomma_client/py.typed" in names
    generated = {path.relative_to(ROOT).as_posix() for path in (ROOT / "palomma_client" / "_generated").rglob("*.py")}
    assert generated
    assert generated <= set(names), sorted(generated - set(names))
    assert not any(name.startswith("tests/") for name in names)

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    probe = "import palomma_client as p; print(p.__version__, p.API_VERSION, p.__file__)"
    # Without PYTHONPATH: set to a checkout, it would import palomma_client from there, not from the venv.
    environment_variables = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    completed = subprocess.run(
        [str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path, env=environment_variables
    )

    version, api_version, location = completed.stdout.split()
    assert version == _project_version()
    assert api_version == SPEC["info"]["version"]
    assert location.startswith(str(environment))


def test_built_wheel_publishes_the_real_extras_and_no_dev_extra(dist: Path) -> None:
    """The development tools are a dependency group (PEP 735), which wheel metadata never carries."""
    wheel = _wheel(dist)
    with zipfile.ZipFile(wheel) as archive:
        [metadata_name] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode("utf-8"))

    extras = set(metadata.get_all("Provides-Extra") or [])
    requirements = metadata.get_all("Requires-Dist") or []
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    assert "dev" not in extras
    assert extras == set(project["project"]["optional-dependencies"])
    assert {"testing", "cli", "redis"} <= extras
    assert not [requirement for requirement in requirements if "extra == 'dev'" in requirement]
    # The tools live in the dev group instead, and nothing of it reaches the wheel.
    dev_tools = {item.split("==")[0] for item in project["dependency-groups"]["dev"] if isinstance(item, str)}
    assert {"ruff", "mypy", "pytest"} <= dev_tools
    published = {re.split(r"[\s;\[<>=!~]", requirement, maxsplit=1)[0].lower() for requirement in requirements}
    assert {"httpx2", "attrs", "sniffio", "click"} <= published
    assert not published & {"ruff", "mypy", "pytest", "mkdocs", "build"}


def _project_version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "palomma_client" / "_generated" / "version.py").read_text(), namespace)
    return namespace["__version__"]
