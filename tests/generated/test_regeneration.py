"""`make generate` is deterministic and `make check-generated` catches drift."""

from __future__ import annotations

from pathlib import Path

from tests.support import ROOT, run_generate


def test_checked_in_code_matches_the_spec() -> None:
    completed = run_generate(ROOT, "--check")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "matches openapi.yaml" in completed.stdout


def test_a_changed_description_fails_the_check_with_a_diff_naming_the_file(tmp_path: Path) -> None:
    original = "description: Settlement cycle identifier.\n"
    spec_text = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    assert spec_text.count(original) == 1
    changed_spec = tmp_path / "openapi.yaml"
    changed_spec.write_text(spec_text.replace(original, "description: Settlement cycle, such as 11 or 16.\n"))

    completed = run_generate(ROOT, "--check", "--spec", str(changed_spec))

    assert completed.returncode == 1
    assert "--- palomma_client/_generated/models/settlement.py (checked in)" in completed.stdout
    assert "+++ palomma_client/_generated/models/settlement.py (regenerated)" in completed.stdout
    assert "+        cycle (str): Settlement cycle, such as 11 or 16." in completed.stdout
    assert "Run `make generate`" in completed.stdout
