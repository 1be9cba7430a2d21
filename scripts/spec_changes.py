"""Classify the changes between two versions of ``openapi.yaml``; derive the package version and a changelog entry.

    change = classify(previous_spec, new_spec)
    if change.level != "none":
        version = bump_version(old_version, change.level)
        entry = changelog_entry(version, change, api_version=new_spec["info"]["version"])
        prepend_changelog_entry(Path("CHANGELOG.md"), entry)

Everything here is a pure function of its arguments except
``prepend_changelog_entry``, which writes the changelog.

Levels, from the point of view of code written against the SDK:

- major: something it relies on is removed, renamed or tightened (an
  operation, a parameter, a field, an enum value, a looser rule, a type).
- minor: something is added or loosened, and existing calls keep working.
- patch: only text differs (descriptions, summaries, examples, titles, the
  API's version string, tags, contact), or the document was reordered.

Operations are matched by ``operationId``, parameters by ``in`` and ``name``,
schema fields by name. ``$ref`` links to ``#/components/...`` are followed, so an
inline schema and a referenced one are compared alike. Each component schema is
judged on every side it is reached from: as a request (what the SDK sends) and
as a response (what it receives). A schema that no operation reaches is judged
on both sides, because the SDK still exports its model.

Entries are ordered by level (major, minor, patch), then alphabetically by
description; an entry found on both sides appears once, at its higher level.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from spec_support import EnvironmentView, environments, fills_itself

from palomma_client._openapi import HTTP_METHODS, OpenAPI, SpecError, unescape_token

Level = Literal["major", "minor", "patch", "none"]
EntryLevel = Literal["major", "minor", "patch"]
Direction = Literal["request", "response"]

_RANK: dict[str, int] = {"major": 3, "minor": 2, "patch": 1, "none": 0}
_DIRECTIONS: tuple[Direction, ...] = ("request", "response")
_METHODS = HTTP_METHODS
_TEXT_KEYS = ("description", "summary", "title", "example", "examples", "externalDocs")
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_COMPONENT_REF = re.compile(r"#/components/(?P<kind>[^/]+)/(?P<name>[^/]+)")

CHANGELOG_PREAMBLE = "# Changelog\n\nEntries are written by `make generate` from changes to openapi.yaml.\n"


def _type_and_nullable(schema: Mapping[str, Any]) -> tuple[Any, bool]:
    """A schema's type without ``null``, and whether it admits null, in either spelling.

    OpenAPI 3.0 says ``type: string, nullable: true`` where 3.1 says ``type: [string, 'null']``:
    the same schema, so moving a document from one spelling to the other changes nothing.
    """
    kind = schema.get("type")
    nullable = bool(schema.get("nullable"))
    if isinstance(kind, list):
        nullable = nullable or "null" in kind
        rest = [member for member in kind if member != "null"]
        kind = rest[0] if len(rest) == 1 else (sorted(rest) or None)
    return kind, nullable


@dataclass(frozen=True)
class ChangeEntry:
    """One change between two documents: how much it matters, and a sentence saying what changed."""

    level: EntryLevel
    description: str


@dataclass(frozen=True)
class SpecChange:
    """Every change between two documents, and the version bump they call for together."""

    level: Level
    entries: tuple[ChangeEntry, ...]


def classify(old: Mapping[str, Any], new: Mapping[str, Any]) -> SpecChange:
    """Compare two parsed OpenAPI documents and say how the SDK's version must move.

    Args:
        old: The previous document, as ``yaml.safe_load`` returns it.
        new: The new document.

    Returns:
        The changes, highest level first; level ``"none"`` and no entries
        exactly when the documents are equal.
    """
    if old == new:
        return SpecChange(level="none", entries=())
    comparison = _Comparison(old, new)
    comparison.run()
    found = comparison.found
    if not found:
        # Only list order differs (a `required` or `enum` list, parameters,
        # tags): nothing the SDK's behaviour depends on, but the generated
        # code and the shipped spec still change, so the version must too.
        found = {"Reordered parts of the document without changing their meaning.": "patch"}
    entries = sorted(
        (ChangeEntry(level, description) for description, level in found.items()),
        key=lambda entry: (-_RANK[entry.level], entry.description),
    )
    return SpecChange(level=entries[0].level, entries=tuple(entries))


def bump_version(version: str, level: Level) -> str:
    """Return the package version that follows ``version`` for a change of ``level`` (semantic versioning).

    Args:
        version: The current version, ``MAJOR.MINOR.PATCH`` such as ``"0.1.0"``.
        level: ``"major"`` resets minor and patch, ``"minor"`` resets patch,
            ``"patch"`` increments patch, ``"none"`` keeps the version.

    Returns:
        The new version.

    Raises:
        ValueError: ``version`` is not ``MAJOR.MINOR.PATCH``, or ``level`` is unknown.
    """
    match = _VERSION.fullmatch(version)
    if match is None:
        raise ValueError(
            f"cannot bump version {version!r}: expected MAJOR.MINOR.PATCH with plain numbers, e.g. '0.1.0'"
        )
    major, minor, patch = (int(part) for part in match.groups())
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    if level == "none":
        return version
    raise ValueError(f"unknown change level {level!r}: expected 'major', 'minor', 'patch' or 'none'")


_SUMMARIES: dict[str, str] = {
    "major": "Major: breaking changes; code written for the previous version may need changes.",
    "minor": "Minor: additions to the API, nothing removed or tightened.",
    "patch": "Patch: documentation only; the API itself is unchanged.",
}
_GROUPS: tuple[tuple[EntryLevel, str], ...] = (
    ("major", "Breaking:"),
    ("minor", "Additions:"),
    ("patch", "Documentation:"),
)


def changelog_entry(version: str, change: SpecChange, *, api_version: str) -> str:
    """Write the Markdown changelog section for a release.

    The section has a heading with both versions, a line saying what the level
    means, then the entries: breaking first, then additions, then text. Each
    group gets a lead line when there is more than one; the breaking group
    always has one.

    Args:
        version: The new package version.
        change: What ``classify`` found.
        api_version: The new document's ``info.version``.

    Returns:
        The section, ending with a newline.

    Raises:
        ValueError: ``change`` has no entries, so there is nothing to write.
    """
    if change.level == "none" or not change.entries:
        raise ValueError(f"no changelog entry for {version}: the change has no entries")
    groups = [(level, lead, [entry for entry in change.entries if entry.level == level]) for level, lead in _GROUPS]
    present = [group for group in groups if group[2]]
    lines = [f"## {version} (API {api_version})", "", _SUMMARIES[change.level]]
    for level, lead, entries in present:
        lines.append("")
        if level == "major" or len(present) > 1:
            lines.extend([lead, ""])
        lines.extend(f"- {entry.description}" for entry in entries)
    return "\n".join(lines) + "\n"


def prepend_changelog_entry(path: Path, entry: str) -> None:
    """Put ``entry`` at the top of the changelog at ``path``, under its title and preamble.

    A missing file is created with the title and preamble. An identical entry
    already present leaves the file untouched; an entry for a version that
    already has a section replaces that section where it stands, so that a
    version never has two.

    Args:
        path: The changelog, usually ``CHANGELOG.md``.
        entry: A section from ``changelog_entry``, starting with ``## <version>``.

    Raises:
        ValueError: ``entry`` does not start with a ``## `` heading.
    """
    section = entry.strip("\n") + "\n"
    heading = section.split("\n", 1)[0]
    if not heading.startswith("## ") or len(heading.split()) < 2:
        raise ValueError(f"a changelog entry starts with a '## <version>' heading, not {heading!r}")
    version = heading.split()[1]

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head, sections = _split_changelog(text)
    if section in sections:
        return
    if not head.strip():
        head = CHANGELOG_PREAMBLE
    same_version = [index for index, existing in enumerate(sections) if _section_version(existing) == version]
    if same_version:
        sections[same_version[0]] = section
    else:
        sections.insert(0, section)
    path.write_text(head.rstrip("\n") + "\n\n" + "\n".join(sections), encoding="utf-8")


def _split_changelog(text: str) -> tuple[str, list[str]]:
    """Split a changelog into what precedes the first ``## `` heading and one string per section."""
    head: list[str] = []
    sections: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        else:
            head.append(line)
    return "\n".join(head), ["\n".join(lines).strip("\n") + "\n" for lines in sections]


def _section_version(section: str) -> str | None:
    words = section.split("\n", 1)[0].split()
    return words[1] if len(words) > 1 else None


# --- comparison -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    """Where a change is, as words for a sentence: "`Invoice.status`", "the query parameter `limit` of `x`"."""

    code: str
    before: str = ""
    after: str = ""

    def __str__(self) -> str:
        text = f"`{self.code}`"
        return f"{self.before} {text}{self.after}" if self.before else f"{text}{self.after}"

    def child(self, name: str) -> _Place:
        return replace(self, code=f"{self.code}.{name}")

    def suffixed(self, suffix: str) -> _Place:
        return replace(self, code=f"{self.code}{suffix}")


@dataclass(frozen=True)
class _Operation:
    key: str
    method: str
    path: str
    node: Mapping[str, Any]
    path_item: Mapping[str, Any]

    @property
    def route(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def named(self) -> str:
        """The operation for a sentence: "`getInvoice` (`GET /invoices/{id}`)"."""
        return f"`{self.key}`" if self.key == self.route else f"`{self.key}` (`{self.route}`)"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _component_ref(node: Any, kind: str) -> str | None:
    """The component's name if ``node`` is a ``$ref`` to ``#/components/<kind>/<name>``."""
    if not isinstance(node, Mapping) or not isinstance(node.get("$ref"), str):
        return None
    match = _COMPONENT_REF.fullmatch(node["$ref"])
    if match is None or match["kind"] != kind:
        return None
    return unescape_token(match["name"])


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow ``$ref`` links from ``node`` with the spec index; a link it cannot follow is returned as it is."""
    try:
        return _index(document).resolve(node, "")[0]
    except SpecError:
        return node


def _index(document: Mapping[str, Any]) -> OpenAPI:
    """The spec index of a document; one this classifier reads but the index refuses still compares by text."""
    try:
        return OpenAPI(document)
    except SpecError:
        return OpenAPI({**document, "openapi": "3.0.0"})


def _environment_views(document: Mapping[str, Any]) -> dict[str, EnvironmentView] | None:
    """The client's environments (by name) a document gives, or ``None`` if it cannot name them."""
    try:
        named, refusals = environments(_index(document))
    except SpecError:
        return None
    return None if refusals else {view.name: view for view in named}


def _environment_urls(document: Mapping[str, Any]) -> dict[str, str] | None:
    """The client's environments (name -> base URL) a document gives, or ``None`` if it cannot name them."""
    views = _environment_views(document)
    return None if views is None else {name: view.url for name, view in views.items()}


def _operations(document: Mapping[str, Any]) -> dict[str, _Operation]:
    operations: dict[str, _Operation] = {}
    paths = _mapping(document.get("paths"))
    for path, item in paths.items():
        path_item = _mapping(_resolve(document, item))
        for method in _METHODS:
            node = path_item.get(method)
            if isinstance(node, Mapping):
                route = f"{method.upper()} {path}"
                key = node.get("operationId")
                key = key if isinstance(key, str) and key else route
                operations[key] = _Operation(key, method, str(path), node, path_item)
    return operations


def _parameters(document: Mapping[str, Any], operation: _Operation) -> dict[tuple[str, str], Any]:
    """The operation's parameters, its path's included, keyed by ``in`` and ``name``; values as written."""
    parameters: dict[tuple[str, str], Any] = {}
    for written in [*(operation.path_item.get("parameters") or []), *(operation.node.get("parameters") or [])]:
        parameter = _mapping(_resolve(document, written))
        parameters[(str(parameter.get("in")), str(parameter.get("name")))] = written
    return parameters


def _schema_usage(document: Mapping[str, Any]) -> dict[str, set[Direction]]:
    """For each component schema, whether operations send it (request), receive it (response), or both."""
    schemas = _mapping(_mapping(document.get("components")).get("schemas"))
    usage: dict[str, set[Direction]] = {}

    def mark(start: Any, direction: Direction) -> None:
        followed: set[str] = set()
        stack: list[Any] = [start]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, Mapping):
                reference = node.get("$ref")
                if not isinstance(reference, str):
                    stack.extend(node.values())
                    continue
                name = _component_ref(node, "schemas")
                if name is not None:
                    if direction not in usage.setdefault(name, set()):
                        usage[name].add(direction)
                        stack.append(schemas.get(name))
                elif reference not in followed:
                    followed.add(reference)
                    stack.append(_resolve(document, node))

    for operation in _operations(document).values():
        mark(list(_parameters(document, operation).values()), "request")
        mark(operation.node.get("requestBody"), "request")
        mark(operation.node.get("responses"), "response")
    return usage


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {key: _without_descriptions(value) for key, value in node.items() if key != "description"}
    if isinstance(node, list):
        return [_without_descriptions(value) for value in node]
    return node


# Bounds: (rule, its name in a sentence, whether raising it tightens the rule).
_BOUNDS: tuple[tuple[str, str, bool], ...] = (
    ("minimum", "minimum", True),
    ("maximum", "maximum", False),
    ("minLength", "minimum length", True),
    ("maxLength", "maximum length", False),
    ("minItems", "minimum number of items", True),
    ("maxItems", "maximum number of items", False),
    ("minProperties", "minimum number of fields", True),
    ("maxProperties", "maximum number of fields", False),
)
_COMPOSITIONS = ("allOf", "oneOf", "anyOf")
_SCHEMA_KEYS = frozenset(
    {
        *_TEXT_KEYS,
        *(rule for rule, _, _ in _BOUNDS),
        *_COMPOSITIONS,
        "type",
        "format",
        "nullable",
        "enum",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "not",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "uniqueItems",
        "pattern",
        "default",
        "deprecated",
        "discriminator",
        "$ref",
    }
)
_PARAMETER_KEYS = frozenset({*_TEXT_KEYS, "in", "name", "required", "schema", "content", "deprecated"})
_SERIALIZATION_KEYS = ("style", "explode", "allowReserved")
_OPERATION_KEYS = frozenset(
    {
        *_TEXT_KEYS,
        "operationId",
        "tags",
        "parameters",
        "requestBody",
        "responses",
        "security",
        "servers",
        "deprecated",
    }
)
_COMPONENT_KINDS = ("schemas", "responses", "parameters", "requestBodies", "securitySchemes")


class _Comparison:
    """One walk over two documents; ``found`` maps each entry's description to its level."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old = old
        self.new = new
        self.found: dict[str, EntryLevel] = {}
        self._compared: set[tuple[str, str, Direction]] = set()

    def add(self, level: EntryLevel, description: str) -> None:
        if _RANK[level] > _RANK[self.found.get(description, "none")]:
            self.found[description] = level

    def run(self) -> None:
        old, new = self.old, self.new
        self._info(_mapping(old.get("info")), _mapping(new.get("info")))
        self._environments(old, new)
        self._security("the API", old.get("security"), new.get("security"))
        self._tags(old.get("tags"), new.get("tags"))
        self._paths(_mapping(old.get("paths")), _mapping(new.get("paths")))
        self._components(_mapping(old.get("components")), _mapping(new.get("components")))
        handled = {"info", "servers", "security", "tags", "paths", "components"}
        for key in sorted(old.keys() | new.keys(), key=str):
            if key not in handled and old.get(key) != new.get(key):
                self.add("patch", f"Changed `{key}` of the document.")

    # --- the document around the operations ---

    def _info(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        if old.get("version") != new.get("version"):
            before, after = _show(old.get("version")), _show(new.get("version"))
            self.add("patch", f"Changed the API version from `{before}` to `{after}`.")
        for key in ("contact", "license"):
            if old.get(key) != new.get(key):
                self.add("patch", f"Changed the text of `info.{key}`.")
        place = _Place("info")
        text_keys = ("title", "description", "summary", "termsOfService")
        self._text(place, old, new, text_keys)
        self._other_keys(place, old, new, {"version", "contact", "license", *text_keys})

    def _servers(self, owner: str, old: Any, new: Any) -> None:
        old_servers, new_servers = list(old or []), list(new or [])
        if old_servers == new_servers:
            return
        if _without_descriptions(old_servers) == _without_descriptions(new_servers):
            self.add("patch", f"Changed the text of the servers of {owner}.")
            return

        def urls(servers: list[Any]) -> str:
            return ", ".join(f"`{_show(_mapping(server).get('url'))}`" for server in servers) or "none"

        kept = [server for server in old_servers if server in new_servers]
        if kept == old_servers:
            # Every server users could pick is still there: the new ones are new environments.
            added = [server for server in new_servers if server not in old_servers]
            self.add("minor", f"Added the servers {urls(added)} to {owner}.")
            return
        self.add("major", f"Changed the servers of {owner} from {urls(old_servers)} to {urls(new_servers)}.")

    def _environments(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        """The document's servers are the client's environments, by name: a renamed one is a removed one."""
        if old.get("servers") == new.get("servers"):
            return
        before, after = _environment_urls(old), _environment_urls(new)
        if before is None or after is None:
            self._servers("the API", old.get("servers"), new.get("servers"))
            return
        for name in sorted(before.keys() | after.keys()):
            if name not in after:
                self.add("major", f"Removed the environment `{name}` (`{before[name]}`).")
            elif name not in before:
                self.add("minor", f"Added the environment `{name}` (`{after[name]}`).")
            elif before[name] != after[name]:
                self.add("major", f"Moved the environment `{name}` from `{before[name]}` to `{after[name]}`.")
        variables_changed = self._server_variables(_environment_views(old) or {}, _environment_views(new) or {})
        if before == after and not variables_changed:
            self.add("patch", "Changed the text of the servers of the API.")
        elif list(before) != list(after) and list(before)[:1] != list(after)[:1] and before.keys() & after.keys():
            self.add("major", f"Made `{next(iter(after))}` the default environment instead of `{next(iter(before))}`.")

    def _server_variables(self, old: Mapping[str, EnvironmentView], new: Mapping[str, EnvironmentView]) -> bool:
        """Classify what changed of the variables of each environment's URL; whether anything did.

        A value ``server_variables=`` took that it no longer takes breaks callers; a new variable
        or value does not (a moved default moves the environment's URL, classified with it).
        """
        changed = False
        for name in sorted(old.keys() & new.keys()):
            before = {variable.name: variable.enum for variable in old[name].variables}
            after = {variable.name: variable.enum for variable in new[name].variables}
            for variable in sorted(before.keys() | after.keys()):
                was, now = before.get(variable), after.get(variable)
                where = f"the variable `{variable}` of the environment `{name}`"
                if was == now:
                    continue
                changed = True
                if now is None:
                    self.add("major", f"Removed {where}.")
                elif was is None:
                    self.add("minor", f"Added {where}.")
                elif now and (not was or not set(was) <= set(now)):
                    self.add("major", f"Narrowed the values of {where} to {', '.join(map(repr, now))}.")
                else:
                    self.add("minor", f"Widened the values of {where}.")
        return changed

    def _security(self, owner: str, old: Any, new: Any) -> None:
        if old == new:
            return
        if isinstance(old, list) and isinstance(new, list) and old and all(item in new for item in old):
            # Each requirement is an alternative: keeping all of them and adding more breaks no caller.
            self.add("minor", f"Added a way to authenticate to {owner}.")
            return
        self.add("major", f"Changed the security requirements of {owner}.")

    def _tags(self, old: Any, new: Any) -> None:
        def by_name(tags: Any) -> dict[str, Any]:
            return {str(tag.get("name")): tag for tag in tags or [] if isinstance(tag, Mapping)}

        old_tags, new_tags = by_name(old), by_name(new)
        for name in sorted(old_tags.keys() | new_tags.keys()):
            if name not in new_tags:
                self.add("patch", f"Removed tag `{name}`.")
            elif name not in old_tags:
                self.add("patch", f"Added tag `{name}`.")
            elif old_tags[name] != new_tags[name]:
                self.add("patch", f"Changed the text of tag `{name}`.")

    def _paths(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        for path in sorted(old.keys() & new.keys(), key=str):
            old_item, new_item = _mapping(old[path]), _mapping(new[path])
            place = _Place(str(path), before="path")
            self._servers(str(place), old_item.get("servers"), new_item.get("servers"))
            self._text(place, old_item, new_item)
            self._other_keys(place, old_item, new_item, {*_METHODS, *_TEXT_KEYS, "parameters", "servers"})

        old_operations, new_operations = _operations(self.old), _operations(self.new)
        for key in sorted(old_operations.keys() | new_operations.keys()):
            if key not in new_operations:
                self.add("major", f"Removed operation {old_operations[key].named}.")
            elif key not in old_operations:
                self.add("minor", f"Added operation {new_operations[key].named}.")
            else:
                self._operation(old_operations[key], new_operations[key])

    # --- operations ---

    def _operation(self, old: _Operation, new: _Operation) -> None:
        key = new.key
        if old.route != new.route:
            self.add("major", f"Moved operation `{key}` from `{old.route}` to `{new.route}`.")
        old_tags, new_tags = list(old.node.get("tags") or []), list(new.node.get("tags") or [])
        if old_tags[:1] != new_tags[:1]:
            # The first tag names the generated module, and so the resource that holds the method.
            before = f"tag `{old_tags[0]}`" if old_tags else "no tag"
            after = f"tag `{new_tags[0]}`" if new_tags else "no tag"
            self.add("major", f"Moved operation `{key}` from {before} to {after}.")
        elif old_tags != new_tags:
            self.add("patch", f"Changed the tags of operation `{key}`.")
        self._parameters(old, new)
        self._request_body(key, old.node.get("requestBody"), new.node.get("requestBody"))
        self._responses(key, _mapping(old.node.get("responses")), _mapping(new.node.get("responses")))
        self._security(f"operation `{key}`", old.node.get("security"), new.node.get("security"))
        self._servers(f"operation `{key}`", old.node.get("servers"), new.node.get("servers"))
        place = _Place(key, before="operation")
        self._text(place, old.node, new.node)
        self._deprecated(place, old.node, new.node)
        self._other_keys(place, old.node, new.node, _OPERATION_KEYS)

    def _parameters(self, old: _Operation, new: _Operation) -> None:
        old_parameters, new_parameters = _parameters(self.old, old), _parameters(self.new, new)
        for location, name in sorted(old_parameters.keys() | new_parameters.keys()):
            written_old = old_parameters.get((location, name))
            written_new = new_parameters.get((location, name))
            if written_new is None:
                self.add("major", f"Removed {location} parameter `{name}` from `{new.key}`.")
            elif written_old is None:
                parameter = _mapping(_resolve(self.new, written_new))
                required = bool(parameter.get("required"))
                kind = "required" if required else "optional"
                if (
                    required
                    and location == "header"
                    and fills_itself(name, _mapping(_resolve(self.new, parameter.get("schema"))))
                ):
                    # Callers give nothing new: the client sends a key of its own when they give none.
                    self.add(
                        "minor",
                        f"Added {kind} {location} parameter `{name}` to `{new.key}`, "
                        "which the SDK fills with a new key per call.",
                    )
                    continue
                level: EntryLevel = "major" if required else "minor"
                self.add(level, f"Added {kind} {location} parameter `{name}` to `{new.key}`.")
            else:
                shared = _component_ref(written_old, "parameters")
                if shared is not None and shared == _component_ref(written_new, "parameters"):
                    continue  # compared once, with the shared parameters
                place = _Place(name, before=f"the {location} parameter", after=f" of `{new.key}`")
                self._parameter(place, _resolve(self.old, written_old), _resolve(self.new, written_new))

    def _parameter(self, place: _Place, old: Any, new: Any) -> None:
        old, new = _mapping(old), _mapping(new)
        self._required(place, bool(old.get("required")), bool(new.get("required")), "request")
        self.schema(place, old.get("schema"), new.get("schema"), "request")
        self._content(place, place, old.get("content"), new.get("content"), "request")
        for key in _SERIALIZATION_KEYS:
            if old.get(key) != new.get(key):
                self.add("major", f"Changed `{key}` of {place}, which changes how it is sent.")
        self._text(place, old, new)
        self._deprecated(place, old, new)
        self._other_keys(place, old, new, {*_PARAMETER_KEYS, *_SERIALIZATION_KEYS})

    def _request_body(self, key: str, old: Any, new: Any) -> None:
        if old is None and new is None:
            return
        if old is None:
            required = bool(_mapping(_resolve(self.new, new)).get("required"))
            level: EntryLevel = "major" if required else "minor"
            self.add(level, f"Added {'a required' if required else 'an optional'} request body to operation `{key}`.")
            return
        if new is None:
            self.add("major", f"Removed the request body of operation `{key}`.")
            return
        shared = _component_ref(old, "requestBodies")
        if shared is not None and shared == _component_ref(new, "requestBodies"):
            return  # compared once, with the shared request bodies
        place = _Place(key, before="the request body of operation")
        self._body(place, _Place(f"{key}.requestBody"), _resolve(self.old, old), _resolve(self.new, new))

    def _body(self, place: _Place, schema_place: _Place, old: Any, new: Any) -> None:
        old, new = _mapping(old), _mapping(new)
        was, now = bool(old.get("required")), bool(new.get("required"))
        if not was and now:
            self.add("major", f"Made {place} required.")
        elif was and not now:
            self.add("minor", f"Made {place} optional.")
        self._content(place, schema_place, old.get("content"), new.get("content"), "request")
        self._text(place, old, new)
        self._other_keys(place, old, new, {*_TEXT_KEYS, "required", "content"})

    def _responses(self, key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_responses = {str(status): response for status, response in old.items()}
        new_responses = {str(status): response for status, response in new.items()}
        for status in sorted(old_responses.keys() | new_responses.keys()):
            if status not in new_responses:
                # Removing a success response changes what the method returns; an
                # error status only documented what the server might answer.
                level: EntryLevel = "major" if status.startswith("2") else "patch"
                self.add(level, f"Removed response `{status}` from operation `{key}`.")
            elif status not in old_responses:
                self.add("minor", f"Added response `{status}` to operation `{key}`.")
            else:
                written_old, written_new = old_responses[status], new_responses[status]
                shared = _component_ref(written_old, "responses")
                if shared is not None and shared == _component_ref(written_new, "responses"):
                    continue  # compared once, with the shared responses
                place = _Place(status, before="the response", after=f" of operation `{key}`")
                schema_place = _Place(f"{key}.responses.{status}")
                self._response(place, schema_place, _resolve(self.old, written_old), _resolve(self.new, written_new))

    def _response(self, place: _Place, schema_place: _Place, old: Any, new: Any) -> None:
        old, new = _mapping(old), _mapping(new)
        self._content(place, schema_place, old.get("content"), new.get("content"), "response")
        self._text(place, old, new)
        self._other_keys(place, old, new, {*_TEXT_KEYS, "content"})

    def _content(self, place: _Place, schema_place: _Place, old: Any, new: Any, direction: Direction) -> None:
        old, new = _mapping(old), _mapping(new)
        for media_type in sorted(old.keys() | new.keys(), key=str):
            if media_type not in new:
                self.add("major", f"Removed media type `{media_type}` from {place}.")
            elif media_type not in old:
                self.add("minor", f"Added media type `{media_type}` to {place}.")
            else:
                old_media, new_media = _mapping(old[media_type]), _mapping(new[media_type])
                self.schema(schema_place, old_media.get("schema"), new_media.get("schema"), direction)
                self._text(place, old_media, new_media)
                self._other_keys(place, old_media, new_media, {*_TEXT_KEYS, "schema"})

    # --- components ---

    def _components(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        usage = _schema_usage(self.old)
        for name, directions in _schema_usage(self.new).items():
            usage.setdefault(name, set()).update(directions)

        old_schemas, new_schemas = _mapping(old.get("schemas")), _mapping(new.get("schemas"))
        for name in sorted(old_schemas.keys() | new_schemas.keys(), key=str):
            if name not in new_schemas:
                self.add("major", f"Removed schema `{name}`.")
            elif name not in old_schemas:
                self.add("minor", f"Added schema `{name}`.")
            else:
                for direction in sorted(usage.get(name) or _DIRECTIONS):
                    self.schema(_Place(str(name)), old_schemas[name], new_schemas[name], direction)

        for name, old_item, new_item in self._shared(old, new, "responses", "response"):
            self._response(_Place(name, before="the shared response"), _Place(f"responses.{name}"), old_item, new_item)
        for name, old_item, new_item in self._shared(old, new, "parameters", "parameter"):
            self._parameter(_Place(name, before="the shared parameter"), old_item, new_item)
        for name, old_item, new_item in self._shared(old, new, "requestBodies", "request body"):
            place = _Place(name, before="the shared request body")
            self._body(place, _Place(f"requestBodies.{name}"), old_item, new_item)

        old_schemes, new_schemes = _mapping(old.get("securitySchemes")), _mapping(new.get("securitySchemes"))
        for name in sorted(old_schemes.keys() | new_schemes.keys(), key=str):
            old_scheme, new_scheme = old_schemes.get(name), new_schemes.get(name)
            if old_scheme is None:
                # A new way to authenticate; the requirements that use it are compared where they are.
                self.add("minor", f"Added security scheme `{name}`.")
            elif new_scheme is None:
                self.add("major", f"Removed security scheme `{name}`.")
            elif _without_descriptions(old_scheme) != _without_descriptions(new_scheme):
                self.add("major", f"Changed security scheme `{name}`.")
            elif old_scheme != new_scheme:
                self.add("patch", f"Changed the text of security scheme `{name}`.")

        for kind in sorted(old.keys() | new.keys(), key=str):
            if kind in _COMPONENT_KINDS:
                continue
            old_kind, new_kind = _mapping(old.get(kind)), _mapping(new.get(kind))
            for name in sorted(old_kind.keys() | new_kind.keys(), key=str):
                if old_kind.get(name) != new_kind.get(name):
                    self.add("patch", f"Changed `components.{kind}.{name}`.")
            if not old_kind and not new_kind and old.get(kind) != new.get(kind):
                self.add("patch", f"Changed `components.{kind}`.")

    def _shared(
        self, old: Mapping[str, Any], new: Mapping[str, Any], kind: str, noun: str
    ) -> Iterator[tuple[str, Any, Any]]:
        """Yield the shared components of ``kind`` in both documents; adding or removing one is text only.

        Operations that use one are compared where they use it; on its own, a
        shared response, parameter or request body generates no code.
        """
        old_items, new_items = _mapping(old.get(kind)), _mapping(new.get(kind))
        for name in sorted(old_items.keys() | new_items.keys(), key=str):
            if name not in new_items:
                self.add("patch", f"Removed the shared {noun} `{name}`.")
            elif name not in old_items:
                self.add("patch", f"Added the shared {noun} `{name}`.")
            else:
                yield str(name), _resolve(self.old, old_items[name]), _resolve(self.new, new_items[name])

    # --- schemas ---

    def schema(self, place: _Place, old: Any, new: Any, direction: Direction) -> None:
        """Compare two schemas, following ``$ref`` links; a component reached on both sides is compared by itself."""
        old_name, new_name = _component_ref(old, "schemas"), _component_ref(new, "schemas")
        if old_name is not None and old_name == new_name:
            return  # compared once per direction in _components
        if old_name is not None or new_name is not None:
            key = (old_name or "", new_name or "", direction)
            if key in self._compared:
                return
            self._compared.add(key)
            self._reference_change(place, old_name, new_name)
            if new_name is not None:
                place = _Place(new_name)
        self._schema_body(place, _resolve(self.old, old), _resolve(self.new, new), direction)

    def _reference_change(self, place: _Place, old_name: str | None, new_name: str | None) -> None:
        if old_name is None:
            self.add("patch", f"Replaced the inline schema of {place} with a reference to `{new_name}`.")
        elif new_name is None:
            self.add("patch", f"Replaced the reference to `{old_name}` in {place} with an inline schema.")
        else:
            self.add("patch", f"Replaced the reference to `{old_name}` in {place} with a reference to `{new_name}`.")

    def _schema_body(self, place: _Place, old: Any, new: Any, direction: Direction) -> None:
        if old == new:
            return
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            self.add("major", f"Changed the schema of {place}.")
            return
        old_type, old_nullable = _type_and_nullable(old)
        new_type, new_nullable = _type_and_nullable(new)
        self._major_if_changed(place, "type", old_type, new_type)
        for key, noun in (("format", "format"), ("$ref", "reference")):
            self._major_if_changed(place, noun, old.get(key), new.get(key))
        self._nullable(place, old_nullable, new_nullable, direction)
        self._enum(place, old.get("enum"), new.get("enum"))
        self._rules(place, old, new)
        self._default(place, old, new)
        self._properties(place, old, new, direction)
        self._sub_schemas(place, old, new, direction)
        if old.get("discriminator") != new.get("discriminator"):
            self.add("major", f"Changed the discriminator of {place}.")
        self._text(place, old, new)
        self._deprecated(place, old, new)
        self._other_keys(place, old, new, _SCHEMA_KEYS)

    def _major_if_changed(self, place: _Place, noun: str, old: Any, new: Any) -> None:
        if old == new:
            return
        if old is None:
            self.add("major", f"Added the {noun} `{_show(new)}` to {place}.")
        elif new is None:
            self.add("major", f"Removed the {noun} `{_show(old)}` from {place}.")
        else:
            self.add("major", f"Changed the {noun} of {place} from `{_show(old)}` to `{_show(new)}`.")

    def _nullable(self, place: _Place, was: bool, now: bool, direction: Direction) -> None:
        # Accepting null in a request, or no longer sending it in a response,
        # asks nothing new of the caller; the opposite does.
        if was == now:
            return
        if now:
            self.add("major" if direction == "response" else "minor", f"Made {place} nullable.")
        else:
            self.add("major" if direction == "request" else "minor", f"Made {place} no longer nullable.")

    def _enum(self, place: _Place, old: Any, new: Any) -> None:
        if old == new:
            return
        if old is None:
            values = ", ".join(f"`{_show(value)}`" for value in new)
            self.add("major", f"Limited {place} to the values {values}.")
            return
        if new is None:
            self.add("minor", f"Removed the list of allowed values of {place}.")
            return
        for value in old:
            if value not in new:
                self.add("major", f"Removed value `{_show(value)}` from the enum of {place}.")
        for value in new:
            # The SDK keeps values it does not know, so a new one breaks no caller.
            if value not in old:
                self.add("minor", f"Added value `{_show(value)}` to the enum of {place}.")

    def _rules(self, place: _Place, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        for rule, noun, raising_tightens in _BOUNDS:
            self._bound(place, noun, old.get(rule), new.get(rule), raising_tightens=raising_tightens)
        for rule, bound, raising_tightens in (
            ("exclusiveMinimum", "minimum", True),
            ("exclusiveMaximum", "maximum", False),
        ):
            old_value, new_value = old.get(rule), new.get(rule)
            if isinstance(old_value, bool | None) and isinstance(new_value, bool | None):
                # OpenAPI 3.0: a flag that makes `minimum` or `maximum` exclusive.
                if bool(old_value) != bool(new_value):
                    if new_value:
                        self.add("major", f"Made the {bound} of {place} exclusive.")
                    else:
                        self.add("minor", f"Made the {bound} of {place} inclusive.")
            else:
                noun = f"exclusive {bound}"
                self._bound(place, noun, old_value, new_value, raising_tightens=raising_tightens)

        old_multiple, new_multiple = old.get("multipleOf"), new.get("multipleOf")
        if old_multiple != new_multiple:
            if new_multiple is None:
                self.add("minor", f"Removed the rule that {place} be a multiple of {_show(old_multiple)}.")
            else:
                # A divisor of the old step admits every value the old step did.
                looser = _is_number(old_multiple) and _is_number(new_multiple) and old_multiple % new_multiple == 0
                self.add("minor" if looser else "major", f"Made {place} a multiple of {_show(new_multiple)}.")

        if bool(old.get("uniqueItems")) != bool(new.get("uniqueItems")):
            if new.get("uniqueItems"):
                self.add("major", f"Required the items of {place} to be unique.")
            else:
                self.add("minor", f"Allowed repeated items in {place}.")

        old_pattern, new_pattern = old.get("pattern"), new.get("pattern")
        if old_pattern != new_pattern:
            if old_pattern is None:
                self.add("major", f"Added the pattern `{_show(new_pattern)}` to {place}.")
            elif new_pattern is None:
                self.add("minor", f"Removed the pattern `{_show(old_pattern)}` from {place}.")
            else:
                self.add(
                    "major", f"Changed the pattern of {place} from `{_show(old_pattern)}` to `{_show(new_pattern)}`."
                )

    def _bound(self, place: _Place, noun: str, old: Any, new: Any, *, raising_tightens: bool) -> None:
        if old == new:
            return
        if old is None:
            self.add("major", f"Added a {noun} of {_show(new)} to {place}.")
        elif new is None:
            self.add("minor", f"Removed the {noun} of {place} (was {_show(old)}).")
        elif not (_is_number(old) and _is_number(new)):
            self.add("major", f"Changed the {noun} of {place} from {_show(old)} to {_show(new)}.")
        else:
            raised = new > old
            level: EntryLevel = "major" if raised == raising_tightens else "minor"
            verb = "Raised" if raised else "Lowered"
            self.add(level, f"{verb} the {noun} of {place} from {_show(old)} to {_show(new)}.")

    def _default(self, place: _Place, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        if "default" not in old and "default" not in new:
            return
        old_default, new_default = old.get("default"), new.get("default")
        if "default" not in old:
            self.add("minor", f"Added the default `{_show(new_default)}` to {place}.")
        elif "default" not in new:
            self.add("minor", f"Removed the default `{_show(old_default)}` of {place}.")
        elif old_default != new_default:
            self.add("minor", f"Changed the default of {place} from `{_show(old_default)}` to `{_show(new_default)}`.")

    def _properties(self, place: _Place, old: Mapping[str, Any], new: Mapping[str, Any], direction: Direction) -> None:
        old_properties, new_properties = _mapping(old.get("properties")), _mapping(new.get("properties"))
        old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
        for name in sorted(old_properties.keys() | new_properties.keys(), key=str):
            if name not in new_properties:
                self.add("major", f"Removed field `{name}` from {place}.")
            elif name not in old_properties:
                required = name in new_required
                level: EntryLevel = "major" if required and direction == "request" else "minor"
                self.add(level, f"Added {'required' if required else 'optional'} field `{name}` to {place}.")
            else:
                child = place.child(str(name))
                self._required(child, name in old_required, name in new_required, direction)
                self.schema(child, old_properties[name], new_properties[name], direction)
        # Required names with no property of their own (fields that come from allOf, for instance).
        unlisted = (old_required ^ new_required) - old_properties.keys() - new_properties.keys()
        for name in sorted(unlisted, key=str):
            self._required(place.child(str(name)), name in old_required, name in new_required, direction)

    def _required(self, place: _Place, was: bool, now: bool, direction: Direction) -> None:
        # A request field becoming required asks more of the caller; a
        # response field becoming optional promises less to the caller.
        if not was and now:
            self.add("major" if direction == "request" else "minor", f"Made {place} required.")
        elif was and not now:
            self.add("major" if direction == "response" else "minor", f"Made {place} optional.")

    def _sub_schemas(self, place: _Place, old: Mapping[str, Any], new: Mapping[str, Any], direction: Direction) -> None:
        for key, suffix in (("items", "[]"), ("not", ".not")):
            old_schema, new_schema = old.get(key), new.get(key)
            if old_schema is None and new_schema is None:
                continue
            if old_schema is None or new_schema is None:
                self.add("major", f"Changed the `{key}` schema of {place}.")
            else:
                self.schema(place.suffixed(suffix), old_schema, new_schema, direction)

        self._additional_properties(place, old.get("additionalProperties"), new.get("additionalProperties"), direction)

        for key in _COMPOSITIONS:
            old_parts, new_parts = list(old.get(key) or []), list(new.get(key) or [])
            if len(old_parts) != len(new_parts):
                self.add("major", f"Changed the `{key}` list of {place}.")
                continue
            for index, (old_part, new_part) in enumerate(zip(old_parts, new_parts, strict=True)):
                # allOf merges its parts into one model, so their fields belong to this place.
                part_place = place if key == "allOf" else place.suffixed(f".{key}[{index}]")
                self.schema(part_place, old_part, new_part, direction)

    def _additional_properties(self, place: _Place, old: Any, new: Any, direction: Direction) -> None:
        # Absent, `true` and `{}` all allow any extra field.
        old = True if old is None or old == {} else old
        new = True if new is None or new == {} else new
        if old == new:
            return
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            self.schema(place.suffixed("{}"), old, new, direction)
        elif new is True or (new is not False and old is False):
            self.add("minor", f"Allowed more additional fields in {place}.")
        else:
            self.add("major", f"Restricted the additional fields of {place}.")

    # --- what is only text ---

    def _text(
        self, place: _Place, old: Mapping[str, Any], new: Mapping[str, Any], keys: tuple[str, ...] = _TEXT_KEYS
    ) -> None:
        if any(old.get(key) != new.get(key) for key in keys):
            self.add("patch", f"Changed the text of {place}.")

    def _deprecated(self, place: _Place, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        was, now = bool(old.get("deprecated")), bool(new.get("deprecated"))
        if now and not was:
            self.add("patch", f"Marked {place} as deprecated.")
        elif was and not now:
            self.add("patch", f"Removed the deprecation of {place}.")

    def _other_keys(
        self, place: _Place, old: Mapping[str, Any], new: Mapping[str, Any], handled: set[str] | frozenset[str]
    ) -> None:
        for key in sorted(old.keys() | new.keys(), key=str):
            if key not in handled and old.get(key) != new.get(key):
                self.add("patch", f"Changed `{key}` of {place}.")
