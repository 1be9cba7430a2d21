"""Take the vendor's new OpenAPI document into the project: ``make update-spec SPEC=<path or URL>``.

    python scripts/update_spec.py SPEC    SPEC is a file path, or an http(s) URL

The document is read (a URL with httpx2, the SDK's own timeout and a size limit), checked
with openapi-spec-validator, and written to ``openapi.yaml`` in one normalized layout, so
that a diff of ``openapi.yaml`` shows what the vendor changed and nothing of how their tool
happened to format it. Then ``scripts/generate.py`` regenerates the package, which moves the
version by the kind of change and writes the CHANGELOG entry (``scripts/versioning.py``);
this script prints that entry, the classified changes.

A document that cannot be read or is not valid OpenAPI is refused with the validator's
message before anything is written; if the generator refuses it, ``openapi.yaml`` is put
back, so a refused update leaves the tree as it was.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import httpx2
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.exceptions import OpenAPIError
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError, ValidatorDetectError
from referencing.exceptions import Unresolvable
from versioning import PreviousGeneration

from palomma_client._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
TARGET = ROOT / "palomma_client" / "_generated"
GENERATE = ROOT / "scripts" / "generate.py"

MAX_SPEC_BYTES = DEFAULT_MAX_RESPONSE_BYTES
"""The largest document accepted: the SDK's own limit on an answer (today's spec is about 20 KB)."""


class SpecUpdateError(Exception):
    """The new document was refused; the message says why, and nothing was changed."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with block sequences indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # A vendor's anchors (`&id001`, `*id001`), or two places sharing one parsed object, are
        # written out in full: openapi.yaml reads, and diffs, place by place.
        return True


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # A multi-line description reads, and diffs, line by line as a literal block.
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def normalized_yaml(document: dict[str, Any]) -> str:
    """The project's layout of an OpenAPI document.

    The keys keep the vendor's order (so a section the vendor did not touch keeps its place);
    two-space indents, lists indented under their key, no line is folded, multi-line text is
    a literal block, and strings are quoted only where YAML needs it. Loading the result gives
    back ``document`` exactly.

    Args:
        document: The parsed document.

    Returns:
        The YAML text, ending with a newline.
    """
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        indent=2,
        width=1_000_000,
    )


def _fetch(url: str) -> bytes:
    """The body at ``url``, read with the SDK's HTTP stack and timeout, refusing an oversized one."""
    try:
        with (
            httpx2.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", url, headers={"Accept": "application/yaml, application/json"}) as response,
        ):
            if response.status_code != 200:
                raise SpecUpdateError(f"could not fetch {url}: HTTP {response.status_code}")
            declared = response.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > MAX_SPEC_BYTES:
                raise SpecUpdateError(f"{url} is {declared} bytes, over the {MAX_SPEC_BYTES} bytes a spec may have")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_SPEC_BYTES:
                    raise SpecUpdateError(f"{url} is over the {MAX_SPEC_BYTES} bytes a spec may have")
            return bytes(body)
    except httpx2.HTTPError as error:
        raise SpecUpdateError(f"could not fetch {url}: {type(error).__name__}: {error}") from error


def read_document(source: str) -> dict[str, Any]:
    """The vendor's document from a path or an http(s) URL, parsed and validated.

    Args:
        source: A file path, or an ``http://`` or ``https://`` URL.

    Returns:
        The parsed document.

    Raises:
        SpecUpdateError: It cannot be read, is not YAML or JSON, or is not a valid OpenAPI document.
    """
    if urllib.parse.urlsplit(source).scheme in ("http", "https"):
        raw = _fetch(source)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_SPEC_BYTES:
                raise SpecUpdateError(f"{source} is over the {MAX_SPEC_BYTES} bytes a spec may have")
            raw = path.read_bytes()
        except OSError as error:
            raise SpecUpdateError(f"could not read {source}: {error.strerror or error}") from error
    try:
        # JSON is YAML, so one parser reads either form the vendor publishes.
        document = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise SpecUpdateError(f"{source} is not a YAML or JSON document: {error}") from error
    if not isinstance(document, dict):
        raise SpecUpdateError(f"{source} is not an OpenAPI document: its top level is not a mapping")
    try:
        validate(document)
    except OpenAPIValidationError as error:
        # Its message goes on to quote the whole failing instance, the whole document at worst.
        reason = error.message.split("\n\n", 1)[0]
        raise SpecUpdateError(f"{source} is not a valid OpenAPI document: {reason} (at {error.json_path})") from error
    except ValidatorDetectError as error:
        raise SpecUpdateError(f"{source} is not an OpenAPI document: it names no OpenAPI version") from error
    except Unresolvable as error:
        raise SpecUpdateError(f"{source} is not a valid OpenAPI document: $ref {error.ref!r} leads nowhere") from error
    except OpenAPIError as error:
        raise SpecUpdateError(f"{source} is not a valid OpenAPI document: {type(error).__name__}: {error}") from error
    try:
        json.dumps(document)
    except (TypeError, ValueError) as error:
        # An unquoted date or timestamp reads as a date object; the package ships the spec as JSON.
        raise SpecUpdateError(f"{source} has a value JSON cannot hold ({error}); quote it in the document") from error
    return document


def update(source: str, spec: Path = SPEC) -> str | None:
    """Write the document at ``source`` to ``spec``, regenerate, and return the changelog entry.

    Args:
        source: A file path or an http(s) URL of the vendor's document.
        spec: The project's spec file.

    Returns:
        The new CHANGELOG entry, or ``None`` when the document means the same as the current one.

    Raises:
        SpecUpdateError: The document was refused; nothing was changed.
    """
    document = read_document(source)
    previous = PreviousGeneration.read(TARGET)
    _, entry = previous.next_version(document)
    before = spec.read_bytes()
    spec.write_text(normalized_yaml(document), encoding="utf-8")
    completed = subprocess.run([sys.executable, str(GENERATE)], capture_output=True, text=True)
    if completed.returncode != 0:
        spec.write_bytes(before)
        raise SpecUpdateError(f"the generator refused {source}:\n{completed.stdout}{completed.stderr}".rstrip())
    # The generator's warnings (examples that do not fit their schemas, features affected) are the user's to read.
    sys.stderr.write(completed.stderr)
    return entry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="the vendor's document: a file path or an http(s) URL")
    arguments = parser.parse_args()
    try:
        entry = update(arguments.source)
    except SpecUpdateError as error:
        print(f"update-spec: {error}\nNothing was changed.", file=sys.stderr)
        return 1
    if entry is None:
        print("openapi.yaml already says what the new document says: no change to the API, the version stays.")
    else:
        print(f"openapi.yaml updated and the SDK regenerated. The changes, as written to CHANGELOG.md:\n\n{entry}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
