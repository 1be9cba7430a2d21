"""The package version follows the spec: each regeneration classifies what changed and bumps it.

The checked-in ``palomma_client/_generated`` holds the spec it was generated
from (``openapi.json``) and the version that spec gave (``version.py``). A
regeneration compares the new spec with that copy: equal specs keep the
version, so running ``make generate`` twice changes nothing; otherwise
``spec_changes.classify`` says major, minor or patch, the version moves on,
and ``CHANGELOG.md`` gets an entry listing each change.

A release of hand-written changes has no spec change to move the version:
``python scripts/versioning.py bump patch|minor|major`` (``make bump``) moves it
and opens its CHANGELOG section, which ``make check-generated`` accepts since a
regeneration keeps the checked-in version while the spec is unchanged.

Either way, the ``pip install`` lines of the docs pin the version they install
(``'palomma-client==X.Y.Z'``), so both rewrite them to the new version.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FIRST_VERSION", "PreviousGeneration", "bump", "pin_install_lines", "record_version"]

FIRST_VERSION = "0.1.0"
"""The version of a package generated with no earlier generation to compare with."""

VERSION_FILE = "version.py"
SPEC_COPY = "openapi.json"
_VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)
# A pinned requirement (`palomma-client==1.2.3`, with extras) or a wheel's file name.
_PINNED = re.compile(r"(?P<head>palomma-client(?:\[[\w,\s-]*\])?==|palomma_client-)\d+\.\d+\.\d+(?=[-'\"\s`;]|$)")
_BUMP_SUMMARIES = {
    "major": "Major: breaking changes in the hand-written SDK; the API is unchanged.",
    "minor": "Minor: additions to the hand-written SDK; the API is unchanged.",
    "patch": "Patch: fixes in the hand-written SDK; the API is unchanged.",
}


@dataclass(frozen=True)
class PreviousGeneration:
    """What the checked-in generated folder was made from, and the version it carries."""

    spec: dict[str, Any] | None
    version: str

    @classmethod
    def read(cls, folder: Path) -> PreviousGeneration:
        spec_path, version_path = folder / SPEC_COPY, folder / VERSION_FILE
        spec = json.loads(spec_path.read_text(encoding="utf-8")) if spec_path.exists() else None
        found = _VERSION_LINE.search(version_path.read_text(encoding="utf-8")) if version_path.exists() else None
        return cls(spec, found.group(1) if found else FIRST_VERSION)

    def next_version(self, document: dict[str, Any]) -> tuple[str, str | None]:
        """The version for ``document``, and its changelog entry (``None`` when nothing changed)."""
        if self.spec is None or self.spec == document:
            return self.version, None
        from spec_changes import bump_version, changelog_entry, classify

        change = classify(self.spec, document)
        if change.level == "none":
            return self.version, None
        version = bump_version(self.version, change.level)
        return version, changelog_entry(version, change, api_version=str(document["info"]["version"]))

    def write_changelog(
        self, folder: Path, changelog: Path, affected: Sequence[str] = (), unfit_examples: Sequence[str] = ()
    ) -> str | None:
        """After a regeneration into ``folder``: add the changelog entry of a new version.

        Args:
            folder: The regenerated folder.
            changelog: ``CHANGELOG.md``.
            affected: Uses by hand-written features of what the spec removed, one sentence each; the
                entry names them.
            unfit_examples: The spec's examples that do not fit their schemas, one line each (pointer and
                first problem); the entry names them.

        Returns:
            A line saying what changed, or ``None`` when the version stayed.
        """
        document = json.loads((folder / SPEC_COPY).read_text(encoding="utf-8"))
        version, entry = self.next_version(document)
        if entry is None:
            return None
        from spec_changes import prepend_changelog_entry

        if affected:
            entry += "\nHand-written features affected, to update before release:\n\n"
            entry += "".join(f"- {use}\n" for use in affected)
        if unfit_examples:
            entry += (
                "\nExamples of the spec that do not fit their schemas (the fake answers them completed to fit;"
                " a mock server serving them as written answers what the SDK refuses):\n\n"
            )
            entry += "".join(f"- `{line}`\n" for line in unfit_examples)

        prepend_changelog_entry(changelog, entry)
        pin_install_lines(changelog.parent, version)
        return f"version {self.version} -> {version} (see CHANGELOG.md)"

    def changelog_problem(self, changelog: Path) -> str | None:
        """Why ``changelog`` does not match the checked-in version, or ``None`` when it does."""
        text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
        if re.search(rf"^## {re.escape(self.version)}\b", text, re.MULTILINE):
            return None
        return (
            f"CHANGELOG.md has no entry for version {self.version}, the version generated from openapi.yaml.\n"
            "Run `make generate` after changing the spec, and commit CHANGELOG.md with the generated code."
        )


def record_version(destination: Path, document: dict[str, Any], previous: PreviousGeneration) -> str:
    """Write ``version.py`` into a freshly generated folder, and return the version."""
    version, _ = previous.next_version(document)
    _write_version(destination, version)
    return version


def _write_version(folder: Path, version: str) -> None:
    (folder / VERSION_FILE).write_text(
        '"""The package version, moved on by `make generate` as the spec changes; see CHANGELOG.md."""\n\n'
        f'__version__ = "{version}"\n',
        encoding="utf-8",
    )


def pin_install_lines(root: Path, version: str) -> list[Path]:
    """Rewrite every pinned ``palomma-client`` requirement and wheel name of the docs to ``version``.

    Args:
        root: The project folder: ``README.md``, ``docs/**/*.md`` and ``examples/*.py`` under it
            are rewritten (those present).
        version: The package's new version.

    Returns:
        The files that changed.
    """
    files = [root / "README.md", *sorted((root / "docs").glob("**/*.md")), *sorted((root / "examples").glob("*.py"))]
    changed = []
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        pinned = _PINNED.sub(lambda match: match["head"] + version, text)
        if pinned != text:
            path.write_text(pinned, encoding="utf-8")
            changed.append(path)
    return changed


def bump(root: Path, part: str) -> str:
    """Move the version for a release of hand-written changes, and open its CHANGELOG section.

    Args:
        root: The project folder.
        part: ``"patch"``, ``"minor"`` or ``"major"``.

    Returns:
        The new version.

    Raises:
        ValueError: ``part`` is not one of the three.
    """
    if part not in _BUMP_SUMMARIES:
        raise ValueError(f"cannot bump {part!r}: expected patch, minor or major")
    from spec_changes import bump_version, prepend_changelog_entry

    folder = root / "palomma_client" / "_generated"
    previous = PreviousGeneration.read(folder)
    version = bump_version(previous.version, part)  # type: ignore[arg-type]
    api_version = (previous.spec or {}).get("info", {}).get("version", "unknown")
    _write_version(folder, version)
    prepend_changelog_entry(root / "CHANGELOG.md", f"## {version} (API {api_version})\n\n{_BUMP_SUMMARIES[part]}\n")
    pin_install_lines(root, version)
    return version


def main() -> int:
    parser = argparse.ArgumentParser(description="Move the package version for a release of hand-written changes.")
    commands = parser.add_subparsers(dest="command", required=True)
    bump_command = commands.add_parser("bump", help="move the version and open its CHANGELOG section")
    bump_command.add_argument("part", choices=sorted(_BUMP_SUMMARIES), help="which part of X.Y.Z moves")
    arguments = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    old = PreviousGeneration.read(root / "palomma_client" / "_generated").version
    version = bump(root, arguments.part)
    print(
        f"version {old} -> {version}. Say what changed under '## {version}' in CHANGELOG.md, "
        "then commit it with palomma_client/_generated/version.py and the docs."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
