"""scripts/update_spec.py (`make update-spec`): the vendor's document in, normalized, regenerated, versioned.

Each run works on a temporary copy of the project (the scripts, the package, the spec and the
changelog), as `make update-spec` does in a fresh clone; a URL is served from 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import functools
import http.server
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import forked
from tests.support import ROOT, SPEC, copy_project, fresh_name, run_generate, serving_http, spec_field_names

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from update_spec import MAX_SPEC_BYTES, SpecUpdateError, normalized_yaml, read_document

# A schema of the spec with properties, and the vendor's next field on it: never one it has.
SCHEMA = next(name for name, schema in SPEC["components"]["schemas"].items() if schema.get("properties"))
NEW_FIELD = fresh_name(spec_field_names(), "tenantEmail", "tenantPhone", "guarantorEmail")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not {"__pycache__", ".ruff_cache"} & set(path.parts)
    }


def _update(project: Path, source: str | Path) -> subprocess.CompletedProcess[str]:
    return forked.run_python(script=project / "scripts" / "update_spec.py", arguments=[str(source)], cwd=project)


def _version(project: Path) -> tuple[int, int, int]:
    namespace: dict[str, Any] = {}
    exec((project / "palomma_client" / "_generated" / "version.py").read_text(encoding="utf-8"), namespace)
    major, minor, patch = str(namespace["__version__"]).split(".")
    return int(major), int(minor), int(patch)


def _with_new_field() -> dict[str, Any]:
    document = copy.deepcopy(SPEC)
    document["components"]["schemas"][SCHEMA]["properties"][NEW_FIELD] = {
        "type": "string",
        "description": "Where the tenant receives the payment link.",
    }
    return document


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test's output to what failed."""


def _serving(folder: Path) -> contextlib.AbstractContextManager[str]:
    """Serve ``folder`` over HTTP on a free 127.0.0.1 port; the context gives its base URL."""
    return serving_http(functools.partial(_QuietHandler, directory=str(folder)))


def _check_generated(project: Path) -> subprocess.CompletedProcess[str]:
    return run_generate(project, "--check", cwd=project)


@pytest.mark.slow  # `make update-spec` in a copy: a regeneration only it reads, then the check
def test_a_vendor_file_with_an_added_field_is_normalized_regenerated_and_bumps_the_minor_version(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    before = (project / "openapi.yaml").read_text(encoding="utf-8")
    major, minor, _ = _version(project)
    vendor = tmp_path / "vendor-openapi.json"  # the vendor's own layout: JSON, keys in its order
    vendor.write_text(json.dumps(_with_new_field(), indent=4), encoding="utf-8")

    completed = _update(project, vendor)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    after = (project / "openapi.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(after) == _with_new_field()
    # The diff shows what the vendor changed and nothing else: only added lines, naming the field.
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed
    assert all(line.startswith("+") for line in changed), changed
    assert any(NEW_FIELD in line for line in changed)
    assert _version(project) == (major, minor + 1, 0)
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog.split(f"## {major}.{minor + 1}.0", 1)[1].split("\n## ", 1)[0]
    assert f"`{NEW_FIELD}`" in entry
    assert f"`{NEW_FIELD}`" in completed.stdout  # the classified changes are printed
    assert f"{major}.{minor + 1}.0" in completed.stdout
    assert f"'palomma-client=={major}.{minor + 1}.0'" in (project / "README.md").read_text(encoding="utf-8")
    checked = _check_generated(project)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.slow  # `make update-spec` twice from a local server: two regenerations only it reads
def test_a_url_is_fetched_from_a_local_server_and_the_same_document_twice_changes_nothing_more(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    major, minor, _ = _version(project)
    served = tmp_path / "served"
    served.mkdir()
    (served / "openapi.yaml").write_text(yaml.safe_dump(_with_new_field(), sort_keys=True), encoding="utf-8")

    with _serving(served) as base_url:
        first = _update(project, f"{base_url}/openapi.yaml")
        assert first.returncode == 0, first.stdout + first.stderr
        updated = _snapshot(project)
        second = _update(project, f"{base_url}/openapi.yaml")

    assert yaml.safe_load((project / "openapi.yaml").read_text(encoding="utf-8")) == _with_new_field()
    assert _version(project) == (major, minor + 1, 0)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "no change" in second.stdout
    assert _snapshot(project) == updated


@pytest.mark.slow  # `make update-spec` in a copy: a regeneration only it reads
def test_an_example_that_does_not_fit_its_schema_is_a_warning_naming_it_and_a_line_of_the_changelog(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    document = _with_new_field()
    schema = document["components"]["schemas"][SCHEMA]
    schema["required"] = [*schema.get("required", []), NEW_FIELD]
    schema["example"] = {}  # valid OpenAPI: an example SHOULD fit its schema, it need not
    vendor = tmp_path / "vendor-openapi.yaml"
    vendor.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    completed = _update(project, vendor)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    unfit = f"openapi.yaml#/components/schemas/{SCHEMA}/example: {schema['required'][0]}: is required but missing"
    assert "WARNING" in completed.stderr
    assert f"  {unfit}\n" in completed.stderr
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"- `{unfit}`" in changelog.split("\n## ", 2)[1]  # in the new version's entry


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # OpenAPI 3.0 requires `paths`; 3.1 does not, and the generator then refuses a document without operations.
        (
            lambda document: document.pop("paths"),
            '"paths" is a required property (at $)' if SPEC["openapi"].startswith("3.0.") else "without `paths`",
        ),
        (lambda document: document["info"].pop("title"), '"title" is a required property (at $.info)'),
        (lambda document: document.pop("openapi"), "names no OpenAPI version"),
    ],
    ids=["no-paths", "no-title", "no-version"],
)
def test_an_invalid_document_is_refused_with_the_validators_message_and_nothing_changes(
    tmp_path: Path, edit: Any, message: str
) -> None:
    project = copy_project(tmp_path)
    before = _snapshot(project)
    document = copy.deepcopy(SPEC)
    edit(document)
    vendor = tmp_path / "vendor.yaml"
    vendor.write_text(yaml.safe_dump(document), encoding="utf-8")

    completed = _update(project, vendor)

    assert completed.returncode == 1
    assert message in completed.stderr
    assert "Nothing was changed" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert _snapshot(project) == before


def test_a_dangling_ref_a_missing_file_and_a_non_document_are_refused(tmp_path: Path) -> None:
    document = copy.deepcopy(SPEC)
    document["components"]["schemas"][SCHEMA]["properties"][NEW_FIELD] = {"$ref": "#/components/schemas/Nowhere"}
    dangling = tmp_path / "dangling.yaml"
    dangling.write_text(yaml.safe_dump(document), encoding="utf-8")
    listing = tmp_path / "list.yaml"
    listing.write_text("- not\n- a mapping\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: [3.0.3\n", encoding="utf-8")

    with pytest.raises(SpecUpdateError, match="Nowhere"):
        read_document(str(dangling))
    with pytest.raises(SpecUpdateError, match="could not read"):
        read_document(str(tmp_path / "absent.yaml"))
    with pytest.raises(SpecUpdateError, match="top level is not a mapping"):
        read_document(str(listing))
    with pytest.raises(SpecUpdateError, match="not a YAML or JSON document"):
        read_document(str(broken))


def test_a_url_that_fails_or_is_too_large_is_refused(tmp_path: Path) -> None:
    (tmp_path / "huge.yaml").write_bytes(b"#" * (MAX_SPEC_BYTES + 1))

    with _serving(tmp_path) as base_url:
        with pytest.raises(SpecUpdateError, match=f"over the {MAX_SPEC_BYTES} bytes"):
            read_document(f"{base_url}/huge.yaml")
        with pytest.raises(SpecUpdateError, match="HTTP 404"):
            read_document(f"{base_url}/absent.yaml")


def test_the_checked_in_spec_is_in_the_normalized_layout() -> None:
    """So that the first `make update-spec` diff shows only the vendor's changes."""
    text = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    assert normalized_yaml(yaml.safe_load(text)) == text


def test_the_layout_keeps_key_order_and_writes_multi_line_text_as_a_block() -> None:
    document = {"openapi": "3.0.3", "info": {"version": "2", "title": "T", "description": "one\ntwo\n"}, "b": ["x"]}

    text = normalized_yaml(document)

    assert yaml.safe_load(text) == document
    assert list(yaml.safe_load(text)["info"]) == ["version", "title", "description"]
    assert "description: |\n    one\n    two\n" in text
    assert "b:\n  - x\n" in text


def test_anchors_and_aliases_of_the_vendor_are_written_out_in_full() -> None:
    vendor = "a: &shared\n  type: string\nb: *shared\nc:\n  - *shared\n"

    text = normalized_yaml(yaml.safe_load(vendor))

    assert "&" not in text
    assert "*" not in text
    assert yaml.safe_load(text) == {"a": {"type": "string"}, "b": {"type": "string"}, "c": [{"type": "string"}]}
