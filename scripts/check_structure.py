"""Check the hand-written package's module layout: no import circles, no reads of another module's privates.

Run as ``make check-structure`` (part of ``make test``), or directly::

    python scripts/check_structure.py [PACKAGE_DIR] [--exclude SUBPACKAGE ...]

Two rules, read statically from the source (nothing is imported):

- **No import circle** among the package's hand-written modules. Every import counts: at the top
  of a module, inside a function, under ``if TYPE_CHECKING:``. A circle that only type checkers
  follow still means neither module can be read, moved or tested without the other.
- **No private read across modules.** A name starting with ``_`` (not a dunder) read as an
  attribute, or imported by name from another module of the package, belongs to the module that
  defines it. Another module that reads it depends on what its owner is free to change; hand it
  a narrow public object instead. A private attribute counts as the module's own when the module
  defines it (a method, a class attribute, ``obj._name = ...``, a ``__slots__`` entry).
  ``self._name`` and ``cls._name`` are also allowed where a class of the module inherits from a
  base class written elsewhere, as subclassing makes the base's private names the subclass's own.
  As ruff's ``SLF001`` does, a named tuple's API (``_replace``, ``_asdict``...) and names read
  only in annotations are allowed, and so is a line marked ``# noqa: SLF001`` (with its reason).

The generated package (``_generated`` by default) is left out: it is written by ``make generate``
and checked by ``make check-generated``. Each problem is printed with its file and line, and the
script exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Circle", "Layout", "PrivateRead", "check", "main", "read_layout"]

DEFAULT_PACKAGE = Path(__file__).resolve().parent.parent / "palomma_client"
DEFAULT_EXCLUDED = ("_generated",)


@dataclass(frozen=True, slots=True)
class Import:
    """One import of a package module by another, where it is written."""

    importer: str
    imported: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Circle:
    """Modules that import each other, in order, each import with its file and line."""

    imports: tuple[Import, ...]

    def __str__(self) -> str:
        names = [step.importer for step in self.imports] + [self.imports[0].importer]
        lines = [f"import circle: {' -> '.join(names)}"]
        lines += [f"  {step.path}:{step.line}: {step.importer} imports {step.imported}" for step in self.imports]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class PrivateRead:
    """A private name of another module read at ``path:line``."""

    path: str
    line: int
    name: str
    source: str | None = None
    """The module it is imported from, for an import; ``None`` for an attribute read."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: private read:"
        if self.source is None:
            return f"{where} reads attribute {self.name}, which this module does not define"
        return f"{where} imports {self.name} from {self.source}"


@dataclass(slots=True)
class Module:
    """What the check needs of one source file."""

    name: str
    path: Path
    tree: ast.Module
    is_package: bool
    lines: list[str] = field(default_factory=list)
    nodes: list[ast.AST] = field(default_factory=list)
    """Every node of the tree, walked once: each rule reads this list."""


@dataclass(slots=True)
class Layout:
    """The package's hand-written modules, as parsed."""

    root: Path
    package: str
    modules: dict[str, Module]
    all_modules: frozenset[str]
    """Every module and subpackage of the package, the left-out ones included."""

    def shown(self, path: Path) -> str:
        """A file's path as problems name it: relative to the folder holding the package."""
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)


def read_layout(package_dir: Path, excluded: Iterable[str] = DEFAULT_EXCLUDED) -> Layout:
    """Parse every hand-written module under ``package_dir``.

    Args:
        package_dir: The package's folder (holding its ``__init__.py``).
        excluded: Subpackages or modules, relative to the package (``_generated``), to leave out.

    Returns:
        The modules by dotted name.

    Raises:
        SyntaxError: A module does not parse.
    """
    root = package_dir.resolve()
    package = root.name
    skipped = tuple(Path(*part.split("/")) for part in excluded)
    modules: dict[str, Module] = {}
    all_modules = {package}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        dotted = [package, *relative.with_suffix("").parts]
        all_modules.add(".".join(dotted[:-1] if dotted[-1] == "__init__" else dotted))
        if any(relative == skip.with_suffix(".py") or relative.is_relative_to(skip) for skip in skipped):
            continue
        parts = [package, *relative.with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        name = ".".join(parts)
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, str(path))
        modules[name] = Module(name, path, tree, is_package, text.splitlines(), list(ast.walk(tree)))
    return Layout(root, package, modules, frozenset(all_modules))


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` names."""
    if not node.level:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base.pop()
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(layout: Layout, module: Module) -> Iterator[Import]:
    """Every import of another hand-written module of the package that ``module`` makes, anywhere in it."""
    shown = layout.shown(module.path)
    for node in module.nodes:
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        if isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                targets.append(submodule if submodule in layout.modules else source)
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for target in targets:
            # `import a.b.c` names a.b.c; a generated or outside module is not in layout.modules.
            if target in layout.modules and target != module.name:
                yield Import(module.name, target, shown, node.lineno)


def circles(layout: Layout) -> list[Circle]:
    """One circle for each group of modules that import each other (a strongly connected component).

    Each circle is a shortest one through the group's first module; mending it and running again
    shows the next, until the group is none.
    """
    edges: dict[str, dict[str, Import]] = {name: {} for name in layout.modules}
    for module in layout.modules.values():
        for found in _imports(layout, module):
            edges[module.name].setdefault(found.imported, found)
    found_circles: list[Circle] = []
    for group in _strongly_connected(edges):
        if len(group) < 2:
            continue
        start = min(group)
        found_circles.append(Circle(_shortest_cycle(start, edges, group)))
    return sorted(found_circles, key=lambda circle: circle.imports[0].importer)


def _strongly_connected(edges: dict[str, dict[str, Import]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (a deep package must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _shortest_cycle(start: str, edges: dict[str, dict[str, Import]], group: set[str]) -> tuple[Import, ...]:
    """The shortest path from ``start`` back to itself within ``group`` (breadth first)."""
    came_from: dict[str, Import] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for target, step in sorted(edges[node].items()):
                if target not in group:
                    continue
                if target == start:
                    path = [step]
                    while path[0].importer != start:
                        path.insert(0, came_from[path[0].importer])
                    return tuple(path)
                if target not in came_from:
                    came_from[target] = step
                    following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in a strongly connected group but on no cycle")  # pragma: no cover


# A named tuple's API: underscored only so as not to clash with field names (ruff's SLF001 allows them too).
_NAMED_TUPLE_API = frozenset({"_asdict", "_field_defaults", "_fields", "_make", "_replace"})


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _own_attributes(module: Module) -> set[str]:
    """The private attribute names ``module`` defines: on its classes, its instances, or itself."""
    defined: set[str] = set()
    scopes: list[list[ast.stmt]] = [module.tree.body]
    scopes += [node.body for node in module.nodes if isinstance(node, ast.ClassDef)]
    for body in scopes:
        # What a class body (or the module) binds is an attribute of the class (or the module).
        for statement in body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(statement.name)
            elif isinstance(statement, ast.Assign | ast.AnnAssign):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                defined.update(target.id for target in targets if isinstance(target, ast.Name))
                slots = any(isinstance(target, ast.Name) and target.id == "__slots__" for target in targets)
                if slots and statement.value is not None:
                    defined.update(
                        element.value
                        for element in ast.walk(statement.value)
                        if isinstance(element, ast.Constant) and isinstance(element.value, str)
                    )
    for node in module.nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            defined.add(node.attr)
    return {name for name in defined if _is_private(name)}


def _inherits_from_elsewhere(module: Module) -> bool:
    """Whether a class of ``module`` has a base class it does not define (so ``self._x`` may be inherited)."""
    own = {node.name for node in module.nodes if isinstance(node, ast.ClassDef)}
    own |= {"object", "Protocol", "Generic"}
    for node in module.nodes:
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                named = base.value if isinstance(base, ast.Subscript) else base
                if not (isinstance(named, ast.Name) and named.id in own):
                    return True
    return False


def _module_aliases(module: Module) -> dict[str, str]:
    """What each name bound by an import of ``module`` stands for, as a dotted name."""
    aliases: dict[str, str] = {}
    for node in module.nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    first = alias.name.split(".")[0]
                    aliases[first] = first
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
    return aliases


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """``a.b.c`` for an expression that is a chain of attributes on an imported name, else ``None``."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value, aliases)
        return None if owner is None else f"{owner}.{node.attr}"
    return None


def _annotation_nodes(module: Module) -> set[int]:
    """The ids of every node inside an annotation: read by type checkers, never run (as ruff's SLF001 sees it)."""
    annotations: list[ast.expr] = []
    for node in module.nodes:
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            annotations.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            annotations.append(node.returns)
    return {id(inner) for annotation in annotations for inner in ast.walk(annotation)}


def _allowed(module: Module, line: int) -> bool:
    """Whether the line says, as ruff reads it, that its private read is deliberate (``# noqa: SLF001``)."""
    text = module.lines[line - 1] if line <= len(module.lines) else ""
    return "noqa" in text and "SLF001" in text.split("noqa", 1)[1]


def private_reads(layout: Layout) -> list[PrivateRead]:
    """Every read of a private name that the reading module does not define."""
    reads: list[PrivateRead] = []
    for module in layout.modules.values():
        defined = _own_attributes(module)
        inherits = _inherits_from_elsewhere(module)
        aliases = _module_aliases(module)
        in_annotations = _annotation_nodes(module)
        shown = layout.shown(module.path)
        for node in module.nodes:
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                name = node.attr
                if not _is_private(name) or name in defined or name in _NAMED_TUPLE_API:
                    continue
                if id(node) in in_annotations or _allowed(module, node.lineno):
                    continue
                owner = node.value
                if inherits and isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
                    continue
                if _dotted(node, aliases) in layout.all_modules:
                    continue  # a private module of the package, reached through its parent
                reads.append(PrivateRead(shown, node.lineno, name))
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(module, node)
                if source not in layout.all_modules:
                    continue  # another package's: what it exports is its business (its attributes are checked)
                for alias in node.names:
                    if not _is_private(alias.name) or _allowed(module, node.lineno):
                        continue
                    if f"{source}.{alias.name}" in layout.all_modules:
                        continue
                    reads.append(PrivateRead(shown, node.lineno, alias.name, source))
    return sorted(reads, key=lambda read: (read.path, read.line))


def check(package_dir: Path, excluded: Iterable[str] = DEFAULT_EXCLUDED) -> list[Circle | PrivateRead]:
    """Every import circle and cross-module private read among the package's hand-written modules.

    Args:
        package_dir: The package's folder.
        excluded: Subpackages or modules, relative to the package, to leave out.

    Returns:
        The problems found; none when the layout holds.
    """
    layout = read_layout(package_dir, excluded)
    problems: list[Circle | PrivateRead] = []
    problems.extend(circles(layout))
    problems.extend(private_reads(layout))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Print every problem of the package's layout; 1 when there is any, else 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, default=DEFAULT_PACKAGE, help="the package's folder")
    parser.add_argument(
        "--exclude",
        action="append",
        default=None,
        help="a subpackage or module to leave out, relative to the package (default: _generated)",
    )
    arguments = parser.parse_args(argv)
    excluded = DEFAULT_EXCLUDED if arguments.exclude is None else tuple(arguments.exclude)
    problems = check(arguments.package, excluded)
    for problem in problems:
        print(problem)
    if problems:
        circle_count = sum(isinstance(problem, Circle) for problem in problems)
        print(
            f"{circle_count} import circle(s), {len(problems) - circle_count} private read(s) across modules",
            file=sys.stderr,
        )
        return 1
    print(f"{arguments.package.name}: no import circles, no private reads across modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
