"""The package version follows the spec: each regeneration classifies what changed and bumps it.

The checked-in ``palomma_client/_generated`` holds the spec it was generated
from (``openapi.json``) and the version that spec gave (``version.py``). A
regeneration compares the new spec with that copy: equal specs keep the
version, so running ``make generate`` twice changes nothing; otherwise
``spec_changes.classify`` says major, minor or patch, the version moves on,
and ``CHANGELOG.md`` gets an entry listing each change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FIRST_VERSION", "PreviousGeneration", "record_version"]

FIRST_VERSION = "0.1.0"
"""The version of a package generated with no earlier generation to compare with."""

VERSION_FILE = "version.py"
SPEC_COPY = "openapi.json"
_VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)


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

    def write_changelog(self, folder: Path, changelog: Path, affected: Sequence[str] = ()) -> str | None:
        """After a regeneration into ``folder``: add the changelog entry of a new version.

        Args:
            folder: The regenerated folder.
            changelog: ``CHANGELOG.md``.
            affected: Uses by hand-written features of what the spec removed, one sentence each; the
                entry names them.

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

        prepend_changelog_entry(changelog, entry)
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
    (destination / VERSION_FILE).write_text(
        '"""The package version, moved on by `make generate` as the spec changes; see CHANGELOG.md."""\n\n'
        f'__version__ = "{version}"\n',
        encoding="utf-8",
    )
    return version
