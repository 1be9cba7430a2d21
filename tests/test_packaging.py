"""The built wheel installs into a clean environment and exposes the package."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from tests.support import ROOT


def test_built_wheel_installs_and_imports_in_a_fresh_virtual_environment(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheels = list(dist.glob("palomma_client-*.whl"))
    assert len(wheels) == 1
    assert len(list(dist.glob("palomma_client-*.tar.gz"))) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "palomma_client/py.typed" in names
    assert "palomma_client/_generated/api/invoices/create_invoice.py" in names
    assert not any(name.startswith("tests/") for name in names)

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheels[0])],
        check=True,
        capture_output=True,
    )
    probe = "import palomma_client as p; print(p.__version__, p.API_VERSION, p.__file__)"
    completed = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path)

    version, api_version, location = completed.stdout.split()
    assert version == _project_version()
    assert api_version == "1.0.0"
    assert location.startswith(str(environment))


def _project_version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "palomma_client" / "_generated" / "version.py").read_text(), namespace)
    return namespace["__version__"]
