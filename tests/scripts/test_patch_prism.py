"""`scripts/patch_prism.py` on copies of the file it mends: once, never twice, and never blindly."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

import patch_prism


def _installed(node_modules: Path, text: str) -> Path:
    source = node_modules / patch_prism.DESERIALIZER
    source.parent.mkdir(parents=True)
    source.write_text(text, encoding="utf-8")
    return source


def test_a_header_left_out_is_answered_as_not_sent_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    source = _installed(tmp_path, f"function deserializeSimpleStyle(name, parameters) {{\n{patch_prism.UNGUARDED}\n")

    patch_prism.mend(tmp_path)
    mended = source.read_text(encoding="utf-8")

    assert "if (value === undefined) {\n        return undefined;\n    }" in mended
    assert patch_prism.mend(tmp_path).endswith("already mended")
    assert source.read_text(encoding="utf-8") == mended


def test_a_prism_that_reads_headers_another_way_stops_the_install_naming_the_file(tmp_path: Path) -> None:
    source = _installed(tmp_path, "function deserializeSimpleStyle() { /* rewritten */ }\n")

    with pytest.raises(SystemExit, match=re.escape("no longer reads a header the way scripts/patch_prism.py mends")):
        patch_prism.mend(tmp_path)
    assert source.read_text(encoding="utf-8") == "function deserializeSimpleStyle() { /* rewritten */ }\n"


def test_a_missing_prism_is_named(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="is missing: is Prism installed"):
        patch_prism.mend(tmp_path)
