"""Which hand-written features use something a regeneration no longer writes.

The hand-written layer (workflows, policies, the CLI, the framework glue) states
what each feature needs of the generated code where the feature is written
(``Feature("invoices.create_or_find", Operation("listInvoices"), ...)``, see
``palomma_client/_features.py``), imports generated names for type checkers,
and names operations by their operationId. When the vendor removes or renames
one of them, ``make generate`` still succeeds and the package still imports,
but the feature stops with ``FeatureUnavailableError``. This module finds every
such feature, statically (no import of the package), so that ``make generate``
can name it and the changelog entry can too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BrokenUse", "GeneratedName", "broken_uses", "generated_names", "requested_names"]

GENERATED_PACKAGE = "palomma_client._generated"


_NEEDS = frozenset({"Operation", "Argument", "Model", "Field", "Value"})


@dataclass(frozen=True, slots=True)
class BrokenUse:
    """One place in hand-written code that uses what the generated package no longer has.

    Attributes:
        path: The hand-written file, relative to the project.
        line: The line of the use.
        what: What it uses, for a sentence (`list_invoices` from `palomma_client._generated.api.invoices`).
        feature: The feature that needs it (``invoices.create_or_find``), when the use is a declared need.
    """

    path: str
    line: int
    what: str
    feature: str | None = None

    def __str__(self) -> str:
        if self.feature is not None:
            return f"{self.feature} needs {self.what}, which openapi.yaml no longer has ({self.path}:{self.line})"
        return f"{self.path}:{self.line} uses {self.what}, which openapi.yaml no longer generates"


def broken_uses(
    package: Path, generated: Path, operation_ids: Iterable[str], root: Path | None = None
) -> list[BrokenUse]:
    """Every use, in the hand-written modules of ``package``, of a generated name ``generated`` lacks.

    Args:
        package: The package's source folder (`palomma_client`).
        generated: A freshly generated `_generated` folder to check the uses against.
        operation_ids: The operationIds the new spec has; string keys of `OPERATION_POLICIES` are checked
            against them.
        root: What paths are shown relative to (the project); `package`'s parent by default.

    Returns:
        The broken uses, by file and line.
    """
    root = root or package.parent
    known = _Generated(generated, set(operation_ids))
    uses: list[BrokenUse] = []
    scans: dict[Path, _Scan] = {}
    for source in sorted(package.rglob("*.py")):
        if "_generated" in source.relative_to(package).parts:
            continue
        text = source.read_text(encoding="utf-8")
        # A module naming none of these uses nothing generated: not parsing it is most of the saving
        # (make generate runs this on every regeneration).
        if any(marker in text for marker in _MARKERS):
            scans[source] = _Scan(ast.parse(text, filename=str(source)))
    # A feature may be built on another, named by the module-level name it is assigned to (in any module).
    declared = {name: needs for scan in scans.values() for name, needs in _assigned_features(scan)}
    # A feature may be declared in parts under one name (what a workflow reads, next to it; the whole,
    # where users call it): a part whose missing needs the whole already names is not repeated.
    named: dict[str, set[str]] = {}
    for source, scan in scans.items():
        shown = source.relative_to(root).as_posix()
        for line, what in _generated_imports(scan.imports, known):
            uses.append(BrokenUse(shown, line, what))
        for line, feature, needs in scan.features:
            found = [phrase for phrase in map(known.missing, _flattened(needs, declared)) if phrase]
            if found and not set(found) <= named.get(feature, set()):
                uses.append(BrokenUse(shown, line, _phrases(found), feature))
                named.setdefault(feature, set()).update(found)
        for line, operation_id, policy in _policy_keys(scan.tree):
            if operation_id not in known.operation_ids:
                uses.append(BrokenUse(shown, line, f"the operation `{operation_id}` (a retry policy is keyed by it)"))
                continue
            if policy is not None:
                policy_feature = f"the safe retries of `{operation_id}` ({ast.unparse(policy.func)})"
                missing = _phrases(map(known.missing, _policy_needs(operation_id, policy)))
                if missing:
                    uses.append(BrokenUse(shown, line, missing, policy_feature))
    return uses


# What a module must contain, as text, to declare a feature, import generated code or key a retry policy.
_MARKERS = ("Feature", GENERATED_PACKAGE, "OPERATION_POLICIES")


class _Scan:
    """One hand-written module, walked once: its tree, its feature declarations and its imports, in source order."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.features: list[tuple[int, str, list[tuple[str, ...]]]] = []
        self.imports: list[ast.Import | ast.ImportFrom] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.imports.append(node)
            elif isinstance(node, ast.Call) and (feature := _feature(node)) is not None:
                self.features.append(feature)


def _phrases(found: Iterable[str | None]) -> str:
    """``the model `A`, the operation `b` and ...``: each missing need once, in order; empty when none is."""
    phrases = [phrase for phrase in dict.fromkeys(found) if phrase]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1] if len(phrases) > 1 else "".join(phrases)


class _Generated:
    """What a freshly generated folder has, read from its source: operations, their arguments, models, fields.

    Each generated file is parsed at most once, though many needs name the same operation or model.
    """

    def __init__(self, folder: Path, operation_ids: set[str]) -> None:
        self.folder = folder
        self.operation_ids = operation_ids
        self._modules = _operation_modules(folder)
        self._models = _model_files(folder)
        self._bodies: dict[str, list[ast.stmt]] = {}
        self._arguments: dict[str, set[str]] = {}
        self._names: dict[Path, set[str]] = {}

    def missing(self, need: tuple[str, ...]) -> str | None:
        """What a need (``("Argument", "listInvoices", "limit")``) lacks, as a phrase; ``None`` when it is met."""
        kind, *names = need
        if kind in ("Operation", "Argument") and names[0] not in self.operation_ids:
            return f"the operation `{names[0]}`"
        if kind == "Argument" and names[1] not in self._rules(names[0]):
            return f"the argument `{names[1]}` of `{names[0]}`"
        if kind in ("Model", "Field", "Value") and names[0] not in self._models:
            return f"the model `{names[0]}`"
        if kind == "Value" and names[1] not in _enum_values(self._class_body(names[0])):
            return f"the value `{names[1]}` of `{names[0]}`"
        if kind == "Field" and names[1] not in set(_literal_dict_values(self._class_body(names[0]), "JSON_NAMES")):
            return f"the field `{names[1]}` of `{names[0]}`"
        return None

    def top_level_names(self, path: Path) -> set[str]:
        """The names a generated module defines or imports at its top level."""
        if path not in self._names:
            self._names[path] = _top_level_names(path)
        return self._names[path]

    def _rules(self, operation_id: str) -> set[str]:
        if operation_id not in self._arguments:
            module = self._modules.get(operation_id)
            found: set[str] = set()
            if module is not None and module.is_file():
                found = set(_literal_dict_keys(ast.parse(module.read_text(encoding="utf-8")).body, "RULES"))
            self._arguments[operation_id] = found
        return self._arguments[operation_id]

    def _class_body(self, model: str) -> list[ast.stmt]:
        if model not in self._bodies:
            self._bodies[model] = _class_body(self._models[model], model)
        return self._bodies[model]


def _operation_modules(folder: Path) -> dict[str, Path]:
    """Each operationId's module file, from ``OPERATIONS`` in ``api/__init__.py`` (``invoices.list_invoices``)."""
    registry = folder / "api" / "__init__.py"
    if not registry.is_file():
        return {}
    modules: dict[str, Path] = {}
    for node in ast.parse(registry.read_text(encoding="utf-8")).body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if not (isinstance(value, ast.Dict) and _assigns(node, "OPERATIONS")):
            continue
        for key, module in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                modules[key.value] = folder / "api" / Path(*ast.unparse(module).split(".")).with_suffix(".py")
    return modules


def _model_files(folder: Path) -> dict[str, Path]:
    """Each generated model's module, from ``models/__init__.py``'s ``from .x import Name`` (the first one)."""
    registry = folder / "models" / "__init__.py"
    if not registry.is_file():
        return {}
    files: dict[str, Path] = {}
    for node in ast.parse(registry.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            path = folder / "models" / Path(*node.module.split(".")).with_suffix(".py")
            for alias in node.names:
                files.setdefault(alias.name, path)
    return files


def _class_body(path: Path, model: str) -> list[ast.stmt]:
    """The statements of a generated model's or enum's class, read from its source; empty when it has none."""
    if not path.is_file():
        return []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef) and node.name == model:
            return node.body
    return []


def _enum_values(body: list[ast.stmt]) -> set[str]:
    """The values a generated enum's class body declares (``PAID = "paid"``)."""
    return {
        statement.value.value
        for statement in body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    }


def _assigns(node: ast.stmt, name: str) -> bool:
    targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
    return any(isinstance(target, ast.Name) and target.id == name for target in targets)


def _literal_dict(body: list[ast.stmt], name: str) -> ast.Dict | None:
    for node in body:
        value = getattr(node, "value", None)
        if isinstance(node, ast.Assign | ast.AnnAssign) and _assigns(node, name) and isinstance(value, ast.Dict):
            return value
    return None


def _literal_dict_keys(body: list[ast.stmt], name: str) -> Iterator[str]:
    found = _literal_dict(body, name)
    for key in found.keys if found is not None else []:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield key.value


def _literal_dict_values(body: list[ast.stmt], name: str) -> Iterator[str]:
    found = _literal_dict(body, name)
    for value in found.values if found is not None else []:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            yield value.value


def _feature(node: ast.Call) -> tuple[int, str, list[tuple[str, ...]]] | None:
    """A ``Feature("name", Operation("..."), OTHER_FEATURE, ...)`` call with a literal name: its line, name and needs.

    A need that names another feature is ``("Feature", name)``; see `_flattened`.
    """
    if not (isinstance(node.func, ast.Name) and node.func.id == "Feature"):
        return None
    if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
        return None
    needs = [_need(argument) for argument in node.args[1:]]
    return node.lineno, node.args[0].value, [need for need in needs if need is not None]


def _assigned_features(scan: _Scan) -> Iterator[tuple[str, list[tuple[str, ...]]]]:
    """Each module-level ``NAME = Feature(...)``: the name, and the feature's needs."""
    for line, _, needs in scan.features:
        for node in scan.tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.lineno <= line <= (node.end_lineno or line):
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                yield from ((target.id, needs) for target in targets if isinstance(target, ast.Name))


def _flattened(
    needs: list[tuple[str, ...]], declared: dict[str, list[tuple[str, ...]]], seen: frozenset[str] = frozenset()
) -> Iterator[tuple[str, ...]]:
    """The needs, those of each feature named among them included (a loop of features is cut)."""
    for need in needs:
        if need[0] != "Feature":
            yield need
        elif need[1] in declared and need[1] not in seen:
            yield from _flattened(declared[need[1]], declared, seen | {need[1]})


def _need(node: ast.expr) -> tuple[str, ...] | None:
    if isinstance(node, ast.Name):
        return ("Feature", node.id)
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _NEEDS):
        return None
    names = [
        argument.value
        for argument in node.args
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
    ]
    return (node.func.id, *names) if len(names) == len(node.args) else None


def _policy_needs(operation_id: str, policy: ast.Call) -> list[tuple[str, ...]]:
    """What a ``CreateOnceByReference(key=, lookup_operation=, listed_model=)`` policy needs to recover a create."""
    keywords = {
        keyword.arg: keyword.value.value
        for keyword in policy.keywords
        if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)
    }
    key, lookup, listed = keywords.get("key"), keywords.get("lookup_operation"), keywords.get("listed_model")
    if key is None or lookup is None:
        return []
    needs = [("Argument", operation_id, key), ("Operation", lookup), ("Argument", lookup, key)]
    return needs if listed is None else [*needs, ("Field", listed, key)]


def _generated_imports(imports: list[ast.Import | ast.ImportFrom], known: _Generated) -> Iterator[tuple[int, str]]:
    generated = known.folder
    for node in imports:
        if isinstance(node, ast.ImportFrom):
            module = node.module
            if not module or node.level != 0:
                continue
            if module != GENERATED_PACKAGE and not module.startswith(GENERATED_PACKAGE + "."):
                continue
            target = _module_file(generated, module)
            if target is None:
                yield node.lineno, f"the module `{module}`"
                continue
            names = known.top_level_names(target)
            for alias in node.names:
                if alias.name == "*" or alias.name in names or _module_file(generated, f"{module}.{alias.name}"):
                    continue
                yield node.lineno, f"`{alias.name}` from `{module}`"
        else:
            for alias in node.names:
                if alias.name.startswith(GENERATED_PACKAGE) and _module_file(generated, alias.name) is None:
                    yield node.lineno, f"the module `{alias.name}`"


def _module_file(generated: Path, module: str) -> Path | None:
    parts = module.split(".")[2:]  # below palomma_client._generated
    base = generated.joinpath(*parts)
    for candidate in (base / "__init__.py", base.with_suffix(".py") if parts else None):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _top_level_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _policy_keys(tree: ast.Module) -> Iterator[tuple[int, str, ast.Call | None]]:
    """The string keys of a module-level ``OPERATION_POLICIES`` mapping (operationIds), with each policy's call."""
    value = _literal_dict(tree.body, "OPERATION_POLICIES")
    for key, policy in zip(value.keys, value.values, strict=True) if value is not None else []:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            call = policy if isinstance(policy, ast.Call) and isinstance(policy.func, ast.Name) else None
            yield key.lineno, key.value, call


# ---------------------------------------------------------------- the names hand-written modules import
#
# Hand-written modules import generated classes and operation modules through
# ``palomma_client._generated_names``. ``make generate`` reads which names they import there and
# writes ``_generated/names.py``: each name bound to what the spec generates, or to a stand-in when
# it generates nothing by that name, so that the hand-written layer imports and type-checks whatever
# the spec says. The imports are the one list: ``_generated_names`` re-exports what was written.

NAMES_MODULE = "palomma_client._generated_names"

IMPORTING_FOLDERS = ("palomma_client", "benchmarks", "examples")
"""The folders of hand-written code that may import from ``NAMES_MODULE`` (the package, its benchmark, its examples)."""


@dataclass(frozen=True, slots=True)
class GeneratedName:
    """A name the hand-written layer imports, and where the generated package defines it.

    Attributes:
        name: The name (``Invoice``, ``list_invoices``, ``InvoicesResource``).
        module: The generated module to import it from, relative to ``_generated`` (``.models``);
            ``None`` when this generation has nothing by that name.
        kind: ``"resource"`` (a resource class: its stand-in is ``APIResource``) or ``"other"``
            (a model, an enum or an operation module: its stand-in is a ``Missing`` placeholder).
    """

    name: str
    module: str | None
    kind: str


def requested_names(root: Path, folders: Iterable[str] = IMPORTING_FOLDERS) -> list[str]:
    """The names hand-written modules import from ``palomma_client._generated_names``, read without importing them.

    Args:
        root: The project.
        folders: The folders under ``root`` whose modules are read (the generated package is not).

    Returns:
        The names, each once, sorted.
    """
    names: set[str] = set()
    for folder in folders:
        for source in sorted((root / folder).rglob("*.py")):
            if "_generated" in source.relative_to(root).parts:
                continue
            text = source.read_text(encoding="utf-8")
            if NAMES_MODULE not in text:
                continue
            for node in ast.walk(ast.parse(text, filename=str(source))):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == NAMES_MODULE:
                    names.update(alias.name for alias in node.names if alias.name != "*")
    return sorted(names)


def generated_names(generated: Path, names: Iterable[str]) -> list[GeneratedName]:
    """Where the freshly generated folder ``generated`` defines each of ``names``, or that it does not."""
    found: dict[str, str] = {}
    api = generated / "api"
    for resource in sorted(api.glob("*/__init__.py")):
        module = f".api.{resource.parent.name}"
        for name in _top_level_classes(resource):
            found.setdefault(name, module)
        for operation in sorted(resource.parent.glob("*.py")):
            if operation.name != "__init__.py":
                found.setdefault(operation.stem, module)
    for name in _model_files(generated):
        found.setdefault(name, ".models")
    return [
        GeneratedName(name, found.get(name), "resource" if name.endswith("Resource") else "other") for name in names
    ]


def _top_level_classes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
