"""Which hand-written features use something a regeneration no longer writes.

The hand-written layer (workflows, policies, the CLI, the framework glue) imports
generated modules, classes and functions by name, and names operations by their
operationId. When the vendor removes or renames one of them, ``make generate``
still succeeds, but the feature that used it is broken. This module finds every
such use, statically (no import of the package), so that ``make generate`` can say
which feature is affected and the changelog entry can name it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BrokenUse", "broken_uses"]

GENERATED_PACKAGE = "palomma_client._generated"


@dataclass(frozen=True, slots=True)
class BrokenUse:
    """One place in hand-written code that uses what the generated package no longer has.

    Attributes:
        path: The hand-written file, relative to the project.
        line: The line of the use.
        what: What it uses, for a sentence (`list_invoices` from `palomma_client._generated.api.invoices`).
    """

    path: str
    line: int
    what: str

    def __str__(self) -> str:
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
    known_operations = set(operation_ids)
    uses: list[BrokenUse] = []
    for source in sorted(package.rglob("*.py")):
        if "_generated" in source.relative_to(package).parts:
            continue
        shown = source.relative_to(root).as_posix()
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
        for line, what in _generated_imports(tree, generated):
            uses.append(BrokenUse(shown, line, what))
        for line, operation_id in _policy_keys(tree):
            if operation_id not in known_operations:
                uses.append(BrokenUse(shown, line, f"the operation `{operation_id}` (a retry policy is keyed by it)"))
    return uses


def _generated_imports(tree: ast.Module, generated: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            module = node.module
            if module != GENERATED_PACKAGE and not module.startswith(GENERATED_PACKAGE + "."):
                continue
            target = _module_file(generated, module)
            if target is None:
                yield node.lineno, f"the module `{module}`"
                continue
            names = _top_level_names(target)
            for alias in node.names:
                if alias.name == "*" or alias.name in names or _module_file(generated, f"{module}.{alias.name}"):
                    continue
                yield node.lineno, f"`{alias.name}` from `{module}`"
        elif isinstance(node, ast.Import):
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


def _policy_keys(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """The string keys of a module-level ``OPERATION_POLICIES`` mapping: operationIds."""
    for node in tree.body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        if not any(isinstance(target, ast.Name) and target.id == "OPERATION_POLICIES" for target in targets):
            continue
        value = getattr(node, "value", None)
        if isinstance(value, ast.Dict):
            for key in value.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield key.lineno, key.value
