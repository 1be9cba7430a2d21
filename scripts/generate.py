"""Regenerate ``palomma_client/_generated`` from ``openapi.yaml``, or check it.

    python scripts/generate.py           rebuild the folder in place
    python scripts/generate.py --check   rebuild into a temporary folder and
                                         fail with a diff if the checked-in
                                         code differs

openapi-python-client parses the spec and renders the templates in
``scripts/templates``; this script adds what its parser leaves out (the rules
of each parameter, the method name of each operation, pagination) as plain
views that the templates read, so that everything an operation is comes from
the spec. See ``scripts/operations.py``. The one input besides the spec, the
config and the templates is the first paragraph of each retry policy's
docstring in ``palomma_client/_policies.py``, which the docstring of the
operation it governs repeats.

The folder is deleted before it is written, because a stale file from an
operation the spec no longer has must not survive. Formatting runs here with
ruff in isolated mode and fixed settings, so the output depends only on the
spec, the config, the templates and the pinned tool versions.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import difflib
import importlib.metadata
import inspect
import io
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import _package_path  # noqa: F401  (first: lets the spec index load without the package)
import yaml
from hand_written import broken_uses, generated_names, requested_names
from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from openapi_python_client import Project
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.model_property import ModelProperty
from openapi_python_client.parser.properties.protocol import PropertyProtocol
from openapi_python_client.schema import ParameterLocation
from openapi_python_client.strings import PythonIdentifier
from operations import ModelFields, OperationViews, docstring_block, policy_notes, sentence, value_check, wrap
from spec_examples import unfit_examples
from spec_support import (
    Refusal,
    Unsupported,
    environments,
    requirements,
    security_schemes,
    union_in_all_of,
    unsupported,
)
from versioning import PreviousGeneration, record_version

from palomma_client._openapi import OpenAPI, SpecError, join_pointer, load_document, unescape_token

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yml"
TEMPLATES = ROOT / "scripts" / "templates"
TARGET = ROOT / "palomma_client" / "_generated"
CHANGELOG = ROOT / "CHANGELOG.md"
POLICIES = ROOT / "palomma_client" / "_policies.py"
BIN = Path(sys.executable).parent
RUFF_SETTINGS = [
    "--isolated",
    "--line-length=120",
    "--target-version=py311",
    "--config=lint.isort.known-first-party=['palomma_client']",
]


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates, kept in the user's temporary folder (Jinja's default) by name and text.

    Compiling the templates is a third of a regeneration's work. Jinja keys a template by its file's
    path, which differs in each copy of the project (the test suite regenerates in many); here the
    key is its name, and Jinja compiles afresh whenever the text differs from what was kept, so the
    output never depends on the cache.
    """

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        return super().get_bucket(environment, name, None, source)


class GenerationError(Exception):
    """Generation stopped for a reason the message states in full; ``main`` prints it without a traceback."""


# The openapi-python-client whose parser `_allow_header_parameters` was written against (pyproject.toml pins it).
PARSER_VERSION = "0.29.1"


def _allow_header_parameters() -> None:
    """Let openapi-python-client's parser take array and object header parameters.

    Its parser refuses them (``validate_location`` checks each property class's ``_allowed_locations``)
    because its own templates cannot write them; this project's endpoint template writes both in
    OpenAPI's simple style (``a,b``; ``role,admin``). It offers no option for this (neither its config
    nor a custom template reaches the parser), so the classes' location sets are widened here, and the
    parser is checked to be the one this was written for: another release stops `make generate` here,
    by name, instead of refusing the parameters with its own puzzling message or dropping them.

    Raises:
        GenerationError: The installed openapi-python-client is not the one pinned, or reads allowed
            locations another way.
    """
    installed = importlib.metadata.version("openapi-python-client")
    reads = "self._allowed_locations" in inspect.getsource(PropertyProtocol.validate_location)
    classes = (ListProperty, ModelProperty)
    if installed != PARSER_VERSION or not reads or not all(isinstance(c._allowed_locations, set) for c in classes):
        raise GenerationError(
            f"openapi-python-client {installed} is installed; scripts/generate.py `_allow_header_parameters` lets "
            f"its parser take array and object header parameters through a private attribute of version "
            f"{PARSER_VERSION}: check that it still works with {installed}, then update PARSER_VERSION"
        )
    for cls in classes:
        cls._allowed_locations = cls._allowed_locations | {ParameterLocation.HEADER}


def _run(*command: str | Path, what: str) -> None:
    completed = subprocess.run([str(part) for part in command], capture_output=True, text=True)
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip()
        raise GenerationError(f"{what} failed:\n{output}\n(command: {' '.join(str(part) for part in command)})")


def _source(spec: Path) -> str:
    """How messages name the spec: relative to the project when it is inside it."""
    try:
        return spec.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(spec)


def _refused(spec: Path, refusals: tuple[Refusal, ...] | list[Refusal]) -> GenerationError:
    lines = [refusal.message(_source(spec)) for refusal in refusals]
    return GenerationError(
        f"{_source(spec)} uses {len(lines)} construct{'s' if len(lines) != 1 else ''} the generator does not "
        "support:\n" + "\n".join(f"  {line}" for line in lines) + "\nSee docs/spec-support.md for what is supported."
    )


def load_spec(spec: Path = SPEC) -> dict[str, Any]:
    """The OpenAPI document as plain data (JSON or YAML), read by the spec index."""
    return load_document(spec)


def _for_the_parser(index: OpenAPI) -> dict[str, Any]:
    """The document as openapi-python-client is given it: answers' non-JSON media types left out.

    Those answers are generated from the spec index (a ``str`` or ``bytes``); the parser knows only a
    few media types and drops an operation's answer, with a warning, for any other. Nullable object
    schemas are spelled the one way the parser reads as the SDK does (see ``_nullable_objects``).
    """
    document: dict[str, Any] = copy.deepcopy(dict(index.document))
    parsed = OpenAPI(document)
    for operation in index.operations:
        for response in operation.responses:
            for media in response.content:
                if not media.is_json:
                    parsed.at(join_pointer(response.pointer, "content")).pop(media.name, None)
    for operation in parsed.operations:
        # A nullable inline object as a whole body or answer keeps the name it has when not nullable.
        named = [("body", media) for media in operation.request_body.content] if operation.request_body else []
        named += [(f"response_{answer.status}", media) for answer in operation.responses for media in answer.content]
        for name, media in named:
            if media.is_json and "schema" in media.node:
                _nullable_objects(parsed.at(join_pointer(media.pointer, "schema")), name)
    for component, schema in document.get("components", {}).get("schemas", {}).items():
        if isinstance(schema, dict) and "enum" in schema:
            # A nullable enum component is named by its title (see _nullable_objects): by its own name.
            schema.setdefault("title", component)
    _nullable_objects(document)
    _distributed_unions(document, parsed)
    _as_the_sdk_reads(document)
    return document


def _as_the_sdk_reads(node: Any) -> None:
    """Two keywords left out for the parser, in place, where the SDK reads a schema its own way.

    ``format: uuid``: a UUID is a ``str`` in the SDK, as a ``uri`` or an ``email`` is; the parser
    would type it ``uuid.UUID`` and leave the JSON string in it unconverted. ``additionalProperties:
    false``: a model read from an answer keeps the keys its schema does not name, in
    ``additional_properties``, so that a field the API adds later neither breaks parsing nor is
    lost. Both are still checked before sending, from the spec as written (a format of an argument,
    a key a body may not have), and the in-process fake checks requests by them too.
    """
    if isinstance(node, list):
        for item in node:
            _as_the_sdk_reads(item)
    elif isinstance(node, dict):
        if node.get("format") == "uuid":
            del node["format"]
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        for key, value in node.items():
            if key not in ("example", "examples", "default", "enum"):
                _as_the_sdk_reads(value)


def _distributed_unions(document: dict[str, Any], spec: OpenAPI) -> None:
    """Write each ``allOf`` with a union member as a union of ``allOf``s, in place, for the parser.

    ``allOf: [Refund, {oneOf: [Card, Pse]}]`` admits exactly the JSON values that
    ``oneOf: [{allOf: [Refund, Card]}, {allOf: [Refund, Pse]}]`` admits (and so for ``anyOf``),
    and the parser reads the latter as the union of two merged models, where it would read the
    former as one model without the union's fields. Each merged member is titled by its union
    member's component name (else its position), so that its model is named after it:
    ``CreateRefundCard`` in ``createRefund``'s body; a component's merged members become components
    (``RefundCard``). ``spec`` is the index of ``document``. The checks and the in-process fake read
    the document as written.
    """
    found = [
        (pointer, node, where)
        for pointer, node in spec.walk()
        if isinstance(node, dict) and (where := union_in_all_of(spec, node, pointer)) is not None
    ]
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for pointer, node, (index, keyword, union) in reversed(found):  # inner ones first
        shared = [member for i, member in enumerate(node.pop("allOf")) if i != index]
        siblings = {key: node.pop(key) for key in _OBJECT_KEYWORDS if key in node}
        if siblings:
            shared.append(siblings)
        tokens = pointer.split("/")
        # A component's merged members become components of their own: the parser resolves the
        # references of an inline member of a component's union only once every component is read.
        component = unescape_token(tokens[3]) if tokens[1:3] == ["components", "schemas"] and len(tokens) == 4 else ""
        members: list[dict[str, Any]] = []
        for position, member in enumerate(union[keyword], start=1):
            reference = member.get("$ref") if isinstance(member, Mapping) else None
            title = unescape_token(reference.rsplit("/", 1)[-1]) if isinstance(reference, str) else f"Option{position}"
            merged = {"allOf": [*copy.deepcopy(shared), member]}
            if not component:
                members.append({"title": title, **merged})
                continue
            name = component + title
            while name in schemas:
                name += "Merged"
            schemas[name] = merged  # no title: the parser would name a component's model by it
            members.append({"$ref": join_pointer("#/components/schemas", name)})
        node[keyword] = members


_OBJECT_KEYWORDS = ("type", "properties", "required", "additionalProperties")


# What stays on a nullable property's schema when its object moves into an `anyOf` member: the
# keywords about the property rather than about the object.
_PROPERTY_KEYWORDS = frozenset({"description", "readOnly", "writeOnly", "deprecated", "default", "example", "examples"})
_VALUES = frozenset({"example", "examples", "default", "enum", "const"})


def _nullable_objects(node: Any, name: str = "") -> None:
    """Spell nullable object schemas as ``anyOf: [object, {type: 'null'}]``, in place, for the parser.

    ``$ref`` with ``nullable: true`` beside it: OpenAPI 3.0 ignores a reference's siblings, but a
    vendor writes it to mean "this object, or null", as the spec index, ``check_json`` and the fake
    read it; the parser alone would drop the ``nullable``, and an answer's null would fail to parse.
    An inline object property with ``nullable: true`` or ``type: [object, 'null']``: the parser would
    name its model ``<Parent><Field>Type0``; its ``title`` (the field's name unless it has one) keeps
    the name it has when not nullable, ``<Parent><Field>``, so making a field nullable renames nothing.
    A nullable enum, in either spelling, is spelled as an enum with ``null`` among its values, titled so too.
    """
    if isinstance(node, list):
        for item in node:
            _nullable_objects(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in _VALUES:
            continue  # JSON the API sends or takes, not schemas
        if key == "properties" and isinstance(value, dict):
            for field_name, schema in value.items():
                _nullable_objects(schema, field_name)
        elif key == "items" and name and isinstance(value, dict):
            # An array's items, and below a map's values, keep the parser's name for them when not nullable:
            # `<Parent><Field>Item`, and `<Map>AdditionalProperty` (the map being a model of its own).
            _nullable_objects(value, f"{name}_item")
        elif key == "additionalProperties" and isinstance(value, dict):
            _nullable_objects(value, "additional_property")
        else:
            _nullable_objects(value)
    written = node.get("type")
    nullable = node.get("nullable") is True or (isinstance(written, list) and "null" in written)
    if not nullable:
        return
    others = [kind for kind in written if kind != "null"] if isinstance(written, list) else [written]
    if isinstance(node.get("enum"), list) and len(others) == 1 and isinstance(others[0], str):
        # A nullable enum: the parser reads one as the enum or None only when `null` is among its values
        # and its `type` is one name. 3.0's `nullable: true` alone it ignores (a null could not be sent);
        # 3.1's `type: [string, 'null']` it reads as one enum class per type listed (`...Type1`,
        # `...Type2Type1`...). Its `title` keeps the name the enum has when not nullable.
        node.pop("nullable", None)
        node.update(type=others[0], enum=[*[value for value in node["enum"] if value is not None], None])
        if name:
            node.setdefault("title", name)
        return
    if isinstance(node.get("$ref"), str):
        member: dict[str, Any] = {"$ref": node.pop("$ref")}
    elif name and written in ("object", ["object", "null"], ["null", "object"]):
        member = {key: node.pop(key) for key in list(node) if key not in _PROPERTY_KEYWORDS | {"nullable"}}
        member["type"] = "object"
        member.setdefault("title", name)
    else:
        return
    node.pop("nullable", None)
    node["anyOf"] = [member, {"type": "null"}]


def _render(index: OpenAPI, spec: Path, destination: Path) -> None:
    _allow_header_parameters()
    document = _for_the_parser(index)
    config_file = ConfigFile.load_from_path(CONFIG)
    config = Config.from_sources(config_file, MetaType.NONE, spec, "utf-8", False, destination)
    openapi = GeneratorData.from_dict(document, config=config)
    if isinstance(openapi, GeneratorError):
        raise GenerationError(f"openapi-python-client could not read {spec}: {openapi.header}\n{openapi.detail or ''}")
    fields = ModelFields(index)
    openapi.models = fields.keep_models(openapi)
    project = Project(openapi=openapi, config=config, custom_template_path=TEMPLATES)
    project.env.bytecode_cache = _TemplateCache()
    # A model's module, named as openapi-python-client names it (`Property` -> `property_`, not a builtin).
    project.env.filters["model_module"] = lambda name: str(PythonIdentifier(name, config.field_prefix))
    views = OperationViews(
        index,
        openapi,
        generator_config=yaml.safe_load(CONFIG.read_text(encoding="utf-8")),
        policies=policy_notes(POLICIES.read_text(encoding="utf-8")),
    )
    project.env.globals.update(
        operations=views,
        value_check=value_check,
        fields=fields,
        wrap=wrap,
        sentence=sentence,
        docstring_block=docstring_block,
    )
    with contextlib.redirect_stdout(io.StringIO()):
        errors = project.build()
    if errors:
        details = "\n".join(f"{error.header}: {error.detail}" for error in errors)
        raise GenerationError(f"generation from {spec} reported problems; fix the spec or the templates:\n{details}")
    # What openapi-python-client has no template for: the environments, from the servers.
    named, _ = environments(index)  # servers that cannot be named were refused before rendering
    template = project.env.get_template("environments.py.jinja")
    (destination / "environments.py").write_text(template.render(environments=named) + "\n", encoding="utf-8")
    # ...and the security schemes, with the document's own requirements.
    template = project.env.get_template("security.py.jinja")
    security = template.render(schemes=security_schemes(index), default=requirements(index.security))
    (destination / "security.py").write_text(security + "\n", encoding="utf-8")
    # ...and the generated names the hand-written layer imports, each bound to a stand-in when missing.
    names = generated_names(destination, requested_names(ROOT))
    template = project.env.get_template("names.py.jinja")
    rendered = template.render(
        present=sorted((name for name in names if name.module is not None), key=lambda name: name.module or ""),
        absent=[name for name in names if name.module is None],
        all_names=[name.name for name in names],
    )
    (destination / "names.py").write_text(rendered + "\n", encoding="utf-8")


def generate_into(destination: Path, spec: Path = SPEC, previous: PreviousGeneration | None = None) -> OpenAPI:
    """Write the generated package to ``destination``, which must not exist; return the spec's index.

    ``previous`` is what the checked-in folder was generated from; the package
    version moves on from it by the kind of change the spec made.
    """
    try:
        document = load_spec(spec)
        index = OpenAPI(document)
        refusals = unsupported(index)
    except SpecError as error:
        where = f"{_source(spec)}#{error.pointer}: " if error.pointer else f"{_source(spec)}: "
        raise GenerationError(where + error.message) from None
    if refusals:
        raise _refused(spec, refusals)
    try:
        _render(index, spec, destination)
    except Unsupported as error:
        raise _refused(spec, error.refusals) from None
    (destination / "openapi.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    record_version(destination, document, previous or PreviousGeneration.read(TARGET))
    # Not --quiet: when the templates wrote invalid Python, ruff's message names the file, line and error.
    what = "the generated code is not valid Python; ruff"
    _run(BIN / "ruff", "check", *RUFF_SETTINGS, "--fix-only", "--select", "I,F401,UP", destination, what=what)
    _run(BIN / "ruff", "format", *RUFF_SETTINGS, destination, what=what)
    return index


def affected_features(fresh: Path, index: OpenAPI) -> list[str]:
    """What hand-written code uses that ``fresh`` no longer has, one line each; said on stderr too."""
    operation_ids = [op.name for op in index.operations]
    # The package's features, and what `make bench` measures (its calls are declared as a feature too).
    uses = [
        str(use)
        for folder in ("palomma_client", "benchmarks")
        for use in broken_uses(ROOT / folder, fresh, operation_ids, ROOT)
    ]
    if uses:
        sys.stderr.write(
            "make generate: hand-written features use what openapi.yaml no longer has; update them (and their "
            "tests) before releasing:\n" + "".join(f"  {use}\n" for use in uses)
        )
    return uses


def unfit_examples_said(index: OpenAPI, spec: Path) -> list[str]:
    """The spec's examples that do not fit their schemas, one line each; said on stderr as a warning.

    Not a refusal: OpenAPI lets an example differ from its schema. The fake answers such an
    example completed to fit; Prism answers it as written, which the SDK refuses.
    """
    lines = [f"{_source(spec)}{unfit}" for unfit in unfit_examples(index)]
    if lines:
        sys.stderr.write(
            f"make generate: WARNING: {len(lines)} example(s) of {_source(spec)} do not fit their schemas; the fake"
            " answers them completed, a mock server that serves examples as written answers what the SDK refuses"
            " (ResponseSchemaError):\n" + "".join(f"  {line}\n" for line in lines)
        )
    return lines


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
    """Run ``make generate`` or ``make check-generated``; a failure is a message and exit status 2, no traceback."""
    try:
        return _main()
    except GenerationError as error:
        sys.stderr.write(f"make generate: {error}\n")
        return 2


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if the checked-in code is not what the spec gives")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the OpenAPI document (default: openapi.yaml)")
    arguments = parser.parse_args()

    previous = PreviousGeneration.read(TARGET)
    with tempfile.TemporaryDirectory(prefix="palomma-generate-") as scratch:
        fresh = Path(scratch) / "_generated"
        index = generate_into(fresh, arguments.spec, previous)
        affected = affected_features(fresh, index)
        unfit = unfit_examples_said(index, arguments.spec)
        if arguments.check:
            return _check(fresh, previous)
        shutil.rmtree(TARGET, ignore_errors=True)
        shutil.copytree(fresh, TARGET)
    change = previous.write_changelog(TARGET, CHANGELOG, affected, unfit)
    print(f"generated {TARGET.relative_to(ROOT)}" + (f"; {change}" if change else ""))
    return 0


def _check(fresh: Path, previous: PreviousGeneration) -> int:
    difference = diff_trees(TARGET, fresh)
    if difference:
        sys.stdout.write(difference)
        sys.stdout.write(
            "\npalomma_client/_generated is out of date with openapi.yaml, generator-config.yml "
            "or scripts/templates.\nRun `make generate` and commit the result; never edit it by hand.\n"
        )
        return 1
    problem = previous.changelog_problem(CHANGELOG)
    if problem:
        print(problem)
        return 1
    print("palomma_client/_generated matches openapi.yaml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
