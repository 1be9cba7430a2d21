"""tests/forked.py runs a script or code as a fresh interpreter would, in a child of a server holding the libraries."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import forked

REPORT = """
import json, os, sys
ours = sorted(name for name in sys.modules if name.split(".")[0] in ("palomma_client", "tests"))
print(json.dumps({"argv": sys.argv, "cwd": os.getcwd(), "env": dict(os.environ), "path": sys.path,
                  "main": __name__, "project": ours}))
"""


def _report(completed: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert completed.returncode == 0, completed.stderr
    found: dict[str, object] = json.loads(completed.stdout)
    return found


def test_code_runs_as_python_c_would_in_its_folder_with_its_environment_alone(tmp_path: Path) -> None:
    environment = {"PYTHONPATH": str(tmp_path), "X_PROBE": "1"}

    completed = forked.run_python(code=REPORT, arguments=["a", "b c"], cwd=tmp_path, env=environment)

    report = _report(completed)
    assert report["argv"] == ["-c", "a", "b c"]
    assert report["cwd"] == str(tmp_path)
    assert report["env"] == environment
    assert report["main"] == "__main__"
    assert report["project"] == []  # neither the package nor the suite: a copy's own package is what it imports
    fresh = subprocess.run(
        [sys.executable, "-c", REPORT, "a", "b c"], capture_output=True, text=True, cwd=tmp_path, env=environment
    )
    assert report["path"] == _report(fresh)["path"]  # the script's folder, PYTHONPATH, then the interpreter's own
    assert completed.args[:3] == [sys.executable, "-c", REPORT]


def test_a_script_runs_as_main_with_its_folder_first_on_the_path(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "tool.py"
    script.parent.mkdir()
    (script.parent / "sibling.py").write_text("VALUE = 7\n", encoding="utf-8")
    script.write_text(REPORT + "import sibling\nassert sibling.VALUE == 7\n", encoding="utf-8")

    report = _report(forked.run_python(script=script, arguments=["--check"], cwd=tmp_path))

    assert report["argv"] == [str(script), "--check"]
    assert report["main"] == "__main__"
    path = report["path"]
    assert isinstance(path, list)
    assert path[0] == str(script.parent)


@pytest.mark.parametrize(
    ("ending", "status", "stderr"),
    [
        ("raise SystemExit(3)", 3, ""),
        ("raise SystemExit('refused: a reason')", 1, "refused: a reason\n"),
        ("raise SystemExit()", 0, ""),
        ("raise KeyError('missing')", 1, "KeyError: 'missing'\n"),
    ],
)
def test_the_exit_status_and_the_streams_are_the_interpreters(
    tmp_path: Path, ending: str, status: int, stderr: str
) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        print("out")
        print("err", file=sys.stderr)
        {ending}
        """
    )

    completed = forked.run_python(code=code, cwd=tmp_path)

    assert completed.returncode == status
    assert completed.stdout == "out\n"
    assert completed.stderr.startswith("err\n")
    assert completed.stderr.endswith(stderr)


def test_the_cpu_of_a_child_and_of_what_it_waited_for_is_counted(tmp_path: Path) -> None:
    before = forked.child_cpu_seconds()
    code = "import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'sum(range(3_000_000))'], check=True)"

    forked.run_python(code=code, cwd=tmp_path)

    assert forked.child_cpu_seconds() - before > 0.01
