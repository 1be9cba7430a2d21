"""Regenerate ``palomma_client/_generated`` from ``openapi.yaml``, or check it.

    python scripts/generate.py           rebuild the folder in place
    python scripts/generate.py --check   rebuild into a temporary folder and
                                         fail with a diff if the checked-in
                                         code differs

The folder is deleted before it is written, because the generator's
``--overwrite`` keeps files that the spec no longer produces. Formatting runs
here with ruff in isolated mode and fixed settings, so the output depends only
on the spec, the config, the templates and the pinned tool versions.
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yml"
TEMPLATES = ROOT / "scripts" / "templates"
TARGET = ROOT / "palomma_client" / "_generated"
BIN = Path(sys.executable).parent
RUFF_SETTINGS = ["--isolated", "--line-length", "120", "--target-version", "py311"]


def _run(*command: str | Path) -> None:
    completed = subprocess.run([str(part) for part in command], capture_output=True, text=True)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"command failed: {' '.join(str(part) for part in command)}")


def generate_into(destination: Path, spec: Path = SPEC) -> None:
    """Write the generated package to ``destination``, which must not exist."""
    _run(
        BIN / "openapi-python-client",
        "generate",
        "--path",
        spec,
        "--config",
        CONFIG,
        "--custom-template-path",
        TEMPLATES,
        "--meta",
        "none",
        "--output-path",
        destination,
    )
    _run(BIN / "ruff", "check", *RUFF_SETTINGS, "--fix-only", "--select", "I,F401,UP", "--quiet", destination)
    _run(BIN / "ruff", "format", *RUFF_SETTINGS, "--quiet", destination)
    write_spec_copy(destination / "openapi.json", spec)


def write_spec_copy(destination: Path, spec: Path = SPEC) -> None:
    """Ship the spec inside the package, as JSON, for code that reads it at run time (the fake API)."""
    import yaml  # a dev dependency: generation runs only in the project's own environment

    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    destination.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _tree(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def diff_trees(checked_in: Path, regenerated: Path) -> str:
    """Return a unified diff from the checked-in tree to the regenerated one."""
    before, after = _tree(checked_in) if checked_in.exists() else {}, _tree(regenerated)
    chunks: list[str] = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        label = f"palomma_client/_generated/{name}"
        chunks.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"{label} (checked in)" if old is not None else "/dev/null",
                tofile=f"{label} (regenerated)" if new is not None else "/dev/null",
            )
        )
    return "".join(chunks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if the checked-in code is not what the spec gives")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the OpenAPI document (default: openapi.yaml)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="palomma-generate-") as scratch:
        fresh = Path(scratch) / "_generated"
        generate_into(fresh, arguments.spec)
        if arguments.check:
            difference = diff_trees(TARGET, fresh)
            if difference:
                sys.stdout.write(difference)
                sys.stdout.write(
                    "\npalomma_client/_generated is out of date with openapi.yaml, generator-config.yml "
                    "or scripts/templates.\nRun `make generate` and commit the result; never edit it by hand.\n"
                )
                return 1
            print("palomma_client/_generated matches openapi.yaml")
            return 0
        shutil.rmtree(TARGET, ignore_errors=True)
        shutil.copytree(fresh, TARGET)
    print(f"generated {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
