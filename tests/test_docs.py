"""The docs site: every public name is in the API reference, and every code sample runs.

Samples: each fenced ``python`` block of ``docs/**/*.md`` and ``README.md`` runs alone, as a
reader copies it: in a namespace of its own, with top-level ``await`` allowed, so it imports
or defines every name it uses. The blocks of one page run in page order against one fresh fake,
as a reader's calls go to one account: what a block creates there, the next can list. Each
namespace starts with:

- ``palomma``: an open ``PalommaClient`` of a fresh ``FakePalomma`` (its retries do not wait);
- ``fake``: that ``FakePalomma``.

``PALOMMA_API_KEY`` and ``PALOMMA_BASE_URL`` point at the same fake, served over HTTP on
127.0.0.1, so a sample's own ``PalommaClient()`` (or ``PalommaClient(environment="sandbox")``)
reaches it too. A block that cannot run here (it needs a real key, Redis, a web server) is
preceded by an HTML comment that says why, which the rendered page does not show::

    <!-- not-run: needs Redis -->
    ```python
    ...
    ```

docs/writing-docs.md explains this to the docs' authors.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import html
import importlib
import inspect
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import types
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import palomma_client
import palomma_client._generated.api
import palomma_client.resources
import palomma_client.testing
import palomma_client.types
import palomma_client.webhooks
from palomma_client import FeatureUnavailableError, InvoiceOutcomeUnknownError
from palomma_client._features import is_missing
from palomma_client._openapi import SpecError
from tests.spec_calls import a_call
from tests.support import ROOT, call_source

# The docs hook lives with the other build scripts and is imported by its bare name, as mkdocs does.
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

import docs_hooks
from operations import method_name_for, snake

DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"

PUBLIC_MODULES: tuple[types.ModuleType, ...] = (
    palomma_client,
    palomma_client.resources,
    palomma_client.types,
    palomma_client.webhooks,
    palomma_client.testing,
)

NOT_RUN = re.compile(r"^<!--\s*not-run:\s*(?P<reason>.*?)\s*-->$")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
DIRECTIVE = re.compile(r"^:::\s+(?P<path>[\w.]+)\s*$", re.MULTILINE)


# --- the API reference ------------------------------------------------------------------------------


def _reference_markdown() -> dict[str, str]:
    """Each reference page's Markdown as MkDocs renders it, after the docs hook (the models page's directives)."""
    pages = {}
    for page in sorted(REFERENCE.glob("**/*.md")):
        uri = page.relative_to(DOCS).as_posix()
        located = types.SimpleNamespace(file=types.SimpleNamespace(src_uri=uri))
        pages[uri] = docs_hooks.on_page_markdown(page.read_text(encoding="utf-8"), page=located)
    return pages


def _reference_paths() -> list[str]:
    """Every ``::: dotted.path`` directive of the reference pages, in page order."""
    return [match["path"] for text in _reference_markdown().values() for match in DIRECTIVE.finditer(text)]


def _with_inherited_members() -> list[type]:
    """The classes whose directive shows the members they inherit (``inherited_members: true``)."""
    found = []
    for text in _reference_markdown().values():
        for match in DIRECTIVE.finditer(text):
            options = text[match.end() :].split("\n:::", 1)[0].split("\n## ", 1)[0]
            value = _resolve(match["path"])
            if inspect.isclass(value) and re.search(r"^\s+inherited_members:\s*true\s*$", options, re.MULTILINE):
                found.append(value)
    return found


def _resolve(path: str) -> Any:
    """The object a dotted path names: the longest importable module, then attributes."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for name in parts[split:]:
            value = getattr(value, name)
        return value
    raise ImportError(path)


def _generated_resource_paths() -> list[str]:
    """The public names of each generated resource module (one per tag of the spec)."""
    package = palomma_client._generated.api
    paths: list[str] = []
    for module in vars(package).values():
        if isinstance(module, types.ModuleType) and module.__name__.startswith(f"{package.__name__}."):
            paths.extend(f"{module.__name__}.{public}" for public in module.__all__)
    return sorted(paths)


def _public_paths() -> list[str]:
    return [f"{module.__name__}.{name}" for module in PUBLIC_MODULES for name in module.__all__]


def test_the_reference_documents_every_public_name() -> None:
    """Each name in a public ``__all__`` has a ``:::`` directive, and each generated resource is shown.

    A class or function documented under another public path (``palomma_client.Invoice`` is
    ``palomma_client.types.Invoice``) counts once; a constant must be listed by its own path.
    A generated resource class is shown by the public class that extends it, with its inherited
    members (``palomma_client.Invoices`` for ``InvoicesResource``); its ``WithRawResponse`` twin,
    whose methods are the same, with it. A name the spec no longer generates is exported as a
    stand-in that refuses every use (``is_missing``): there is nothing of it to document.
    """
    documented = _reference_paths()
    documented_objects = [_resolve(path) for path in documented]
    inheriting = _with_inherited_members()
    missing = []
    for path in _public_paths():
        value = _resolve(path)
        if path in documented or is_missing(value):
            continue
        if (inspect.isclass(value) or inspect.isfunction(value)) and any(value is seen for seen in documented_objects):
            continue
        missing.append(path)
    for path in _generated_resource_paths():
        resource = _resolve(path.removesuffix("WithRawResponse"))
        if not any(issubclass(shown, resource) for shown in inheriting):
            missing.append(path)
    assert not missing, f"add these to a page under docs/reference/: {missing}"


def test_the_reference_names_public_paths_only() -> None:
    private = [
        path
        for path in _reference_paths()
        if any(part.startswith("_") and not part.endswith("__") for part in path.split(".")[1:])
    ]
    assert not private, f"document these by the public path users import them from: {private}"


def test_the_models_page_lists_every_model_and_enum_of_the_types_module() -> None:
    """Written by the docs hook from ``palomma_client.types``: a model the spec adds needs no line."""
    models_page = _reference_markdown()["reference/models.md"]
    listed = [match["path"] for match in DIRECTIVE.finditer(models_page)]
    assert listed
    assert sorted(listed) == sorted(f"palomma_client.types.{name}" for name in palomma_client.types.__all__)
    assert docs_hooks.MODELS_MARKER not in models_page


@pytest.mark.parametrize("page", ["reference/models.md", "reference/resources.md"])
def test_the_docs_hook_refuses_a_generated_page_without_its_marker(page: str) -> None:
    located = types.SimpleNamespace(file=types.SimpleNamespace(src_uri=page))
    with pytest.raises(ValueError, match="lost its marker"):
        docs_hooks.on_page_markdown("# Title\n", page=located)


def test_the_resources_page_shows_every_resource_of_a_client_with_its_inherited_methods() -> None:
    """Written by the docs hook from ``PalommaClient``: a resource for a tag the spec adds needs no line."""
    page = _reference_markdown()["reference/resources.md"]
    shown = [_resolve(match["path"]) for match in DIRECTIVE.finditer(page)]
    assert shown == list(palomma_client.PalommaClient.RESOURCE_CLASSES.values())
    assert set(shown) <= set(_with_inherited_members())
    assert docs_hooks.RESOURCES_MARKER not in page


@pytest.mark.parametrize(
    ("docstring", "markdown"),
    [
        ("Use it like this::\n\n    x = 1\n", "Use it like this:\n\n    x = 1\n"),
        ("Use it like this ::\n\n    x = 1\n", "Use it like this\n\n    x = 1\n"),
        ("Before.\n\n::\n\n    x = 1\n", "Before.\n\n\n    x = 1\n"),
        ("Args:\n    a::b is a name.\n", "Args:\n    a::b is a name.\n"),
        ("A C++ scope ends with ::\nno block follows.", "A C++ scope ends with ::\nno block follows."),
    ],
    ids=["colons", "spaced", "alone", "inside-a-line", "no-block"],
)
def test_literal_block_markers_become_markdown_only_before_a_block(docstring: str, markdown: str) -> None:
    assert docs_hooks.without_literal_markers(docstring) == markdown


@pytest.mark.slow  # builds the whole site with mkdocs, as `make docs` does
def test_the_built_reference_shows_no_private_path_and_no_stray_double_colon(tmp_path: Path) -> None:
    """Builds the site as `make docs` does and reads the reference pages' text, code blocks aside."""
    site = tmp_path / "site"
    subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    problems: list[str] = []
    pages = sorted((site / "reference").glob("**/index.html"))
    assert len(pages) == len(list(REFERENCE.glob("**/*.md")))
    for page in pages:
        markup = re.sub(r"<(script|style)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        titles = " ".join(re.findall(r'<a\b[^>]*\btitle="([^"]*)"', markup))  # shown when hovering over a link
        text = html.unescape(re.sub(r"<[^>]+>", " ", markup) + " " + titles)
        prose = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(pre|code)\b.*?</\1>", "", markup, flags=re.DOTALL)))
        problems.extend(f"{page.parent.name}: {found}" for found in set(re.findall(r"palomma_client\._(?!_)\w+", text)))
        problems.extend(f"{page.parent.name}: ::" for _ in re.findall(r"::", prose))
    assert not problems


def test_the_reference_names_only_things_that_exist_once() -> None:
    paths = _reference_paths()
    assert len(paths) == len(set(paths)), [path for path in paths if paths.count(path) > 1]
    for path in paths:
        _resolve(path)


def test_generated_resource_classes_are_found_and_shown_through_their_public_subclasses() -> None:
    """The completeness check above really sees the generated resources, not an empty list."""
    paths = _generated_resource_paths()
    generated = palomma_client._generated.api.GeneratedResources.RESOURCE_CLASSES
    assert generated, "the spec gives the client no resource"
    for resource in generated.values():
        assert f"{resource.__module__}.{resource.__name__}" in paths
        assert f"{resource.__module__}.{resource.__name__}WithRawResponse" in paths
    inheriting = _with_inherited_members()
    assert all(any(issubclass(shown, resource) for shown in inheriting) for resource in generated.values())


def _undocumented_members(cls: type) -> list[str]:
    missing = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        function = member.fget if isinstance(member, property) else member
        if isinstance(function, classmethod | staticmethod):
            function = function.__func__
        if inspect.isfunction(function) and not (function.__doc__ or "").strip():
            missing.append(f"{cls.__name__}.{name}")
    return missing


def test_every_documented_class_function_and_method_has_a_docstring() -> None:
    """mkdocstrings leaves an undocumented member out silently; this makes it a failure."""
    missing = []
    for path in _reference_paths():
        value = _resolve(path)
        if (inspect.isclass(value) or inspect.isfunction(value)) and not (value.__doc__ or "").strip():
            missing.append(path)
        if inspect.isclass(value):
            missing.extend(_undocumented_members(value))
    assert not missing


# --- install lines -----------------------------------------------------------------------------------

PIP_INSTALL = re.compile(r"pip install\b(?P<arguments>[^`\n#]*)")
REQUIREMENT = re.compile(r"palomma-client(?:\[[\w,\s-]*\])?(?P<pin>==[\w.]+)?")


def test_every_pip_install_of_the_package_pins_this_version_from_the_private_index() -> None:
    """Copied from any page, an install line gets this very version, and from the private index only.

    `make bump` and `make generate` rewrite the pins when the version moves (scripts/versioning.py).
    """
    version = palomma_client.__version__
    pages = [*_pages(), *sorted((ROOT / "examples").glob("*.py"))]
    checked, wrong = 0, []
    for page in pages:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
            for command in PIP_INSTALL.finditer(line):
                arguments = command["arguments"]
                where = f"{page.relative_to(ROOT)}:{number}: pip install{arguments}"
                if "palomma_client-" in arguments:  # a wheel file
                    checked += 1
                    if f"palomma_client-{version}-" not in arguments:
                        wrong.append(where)
                    continue
                requirements = list(REQUIREMENT.finditer(arguments))
                checked += bool(requirements)
                if requirements and (
                    "--index-url" not in arguments
                    or "--extra-index-url" in arguments
                    or any(requirement["pin"] != f"=={version}" for requirement in requirements)
                ):
                    wrong.append(where)
    assert checked >= 3, "the install lines were not found"
    assert not wrong, f"pin these to =={version} with --index-url: {wrong}"


# --- code samples -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One fenced ``python`` block of a page."""

    page: Path
    line: int  # the line of the block's first line of code, counting from 1
    code: str
    not_run: str | None  # why the block does not run, from its marker; None when it runs


def extract_samples(page: Path, text: str) -> list[Sample]:
    """The ``python`` blocks of a Markdown text, with their not-run markers.

    Fences may be indented (in a list item) and nest inside longer fences, as CommonMark allows.

    Raises:
        ValueError: A not-run marker has no reason, or is not directly followed by a python block.
    """
    lines = text.splitlines()
    samples: list[Sample] = []
    pending_marker: tuple[int, str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = NOT_RUN.match(line.strip())
        fence = FENCE.match(line)
        if marker:
            if not marker["reason"]:
                raise ValueError(f"{page}:{index + 1}: a not-run marker needs a reason")
            pending_marker = (index + 1, marker["reason"])
        elif fence:
            indent, delimiter, info = fence["indent"], fence["fence"], fence["info"]
            closing = re.compile(rf"^[ \t]*{re.escape(delimiter[0])}{{{len(delimiter)},}}\s*$")
            body: list[str] = []
            index += 1
            while index < len(lines) and not closing.match(lines[index]):
                body.append(lines[index].removeprefix(indent))
                index += 1
            if info == "python":
                reason = pending_marker[1] if pending_marker else None
                samples.append(Sample(page, index - len(body) + 1, "\n".join(body) + "\n", reason))
            elif pending_marker:
                raise ValueError(f"{page}:{pending_marker[0]}: a not-run marker must come right before a python block")
            pending_marker = None
        elif line.strip() and pending_marker:
            raise ValueError(f"{page}:{pending_marker[0]}: a not-run marker must come right before a python block")
        index += 1
    if pending_marker:
        raise ValueError(f"{page}:{pending_marker[0]}: a not-run marker must come right before a python block")
    return samples


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("**/*.md"))]


def _pages_with_samples() -> Iterator[Any]:
    for page in _pages():
        samples = extract_samples(page, page.read_text(encoding="utf-8"))
        if samples:
            yield pytest.param(page.relative_to(ROOT).as_posix(), samples, id=page.relative_to(ROOT).as_posix())


async def _no_wait(delay: float) -> None:
    """Stands in for asyncio.sleep between retries, so samples that show a retry run at once."""


@contextlib.asynccontextmanager
async def _serve_over_http(fake: Any) -> AsyncIterator[str]:
    """Serve the fake with uvicorn on a free 127.0.0.1 port; yield its base URL."""
    import uvicorn

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(fake.app, log_level="warning", log_config=None, lifespan="off", date_header=False)
    )
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    finally:
        server.should_exit = True
        await task
        listener.close()


CHANGELOG = ROOT / "CHANGELOG.md"
"""The changelog whose newest entry says what the spec's last change removed."""

_REMOVED = {
    kind: re.compile(rf"^- Removed {kind} `([^`]+)`", re.MULTILINE)
    for kind in ("operation", "field", "schema", "value")
}
_NAMED = re.compile(r"`([^`]+)`")
_RESOURCE_SUFFIX = re.compile(r"_resource(_with_\w+)?$")


def _newest_entry(changelog: str) -> str:
    """The text of the changelog's newest entry: from its first ``## `` heading to the next."""
    entries = re.split(r"^## ", changelog, flags=re.MULTILINE)
    return entries[1] if len(entries) > 1 else ""


def announced_removal(error: BaseException, changelog: str) -> str | None:
    """What a doc sample met that the spec's last change removed, when ``changelog``'s newest entry announces it.

    A sample names today's operations and fields (``palomma.invoices.get(...)``). When the vendor
    removes one, the sample meets an ``AttributeError`` on a class of the SDK (a resource without
    the method, a model without the field), the hand-written layer's ``FeatureUnavailableError``,
    or the fake's ``SpecError``. It is the spec's doing only when ``make generate`` announced the
    removal in the changelog's newest entry: anything else (a misspelt name on an unchanged spec)
    is a fault of the sample.

    Args:
        error: What the sample raised.
        changelog: The text of CHANGELOG.md.

    Returns:
        The name the sample used and the removal that explains it, or ``None``.
    """
    entry = _newest_entry(changelog)
    operations, fields, schemas = (set(_REMOVED[kind].findall(entry)) for kind in ("operation", "field", "schema"))
    removed = operations | fields | schemas
    if isinstance(error, FeatureUnavailableError):
        gone = sorted(removed & {name for phrase in error.missing for name in _NAMED.findall(phrase)})
        # An enum value the feature needs ("the value `paid` of `InvoiceStatus`"), removed from the enum.
        gone += sorted(
            value
            for value in set(_REMOVED["value"].findall(entry))
            if any(phrase.startswith(f"the value `{value}` of ") for phrase in error.missing)
        )
        return f"{error.feature} (it needs {', '.join(gone)})" if gone else None
    if isinstance(error, SpecError):
        gone = sorted(operations & set(re.findall(r"\w+", str(error))))
        return f"the fake's {', '.join(gone)}" if gone else None
    owner = getattr(error, "obj", None) if isinstance(error, AttributeError) else None
    name = getattr(error, "name", None)
    owner_class = owner if isinstance(owner, type) else type(owner)
    if not (isinstance(name, str) and owner_class.__module__.startswith("palomma_client")):
        return None
    if isinstance(owner, types.ModuleType):
        return f"{owner.__name__}.{name} ({name})" if name in schemas else None
    # A resource's method is named from its operation's id and the resource's tag.
    tag = _RESOURCE_SUFFIX.sub("", snake(owner_class.__name__))
    by_method = sorted(operation for operation in operations if method_name_for(operation, tag) == name)
    by_field = sorted(field for field in fields if snake(field) == name)
    gone = by_method + by_field
    return f"{owner_class.__name__}.{name} ({', '.join(gone)})" if gone else None


async def _run_sample(sample: Sample, namespace: dict[str, Any]) -> None:
    """Run one sample; skip the test, naming the sample and what is gone, when the spec removed what it uses."""
    # Blank lines in front make tracebacks name the sample's own line in the page.
    source = "\n" * (sample.line - 1) + sample.code
    code = compile(source, str(sample.page), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    try:
        result = eval(code, namespace)
        if inspect.iscoroutine(result):
            await result
    except (AttributeError, FeatureUnavailableError, SpecError, InvoiceOutcomeUnknownError) as raised:
        # A create whose recovery the spec lost says so in its cause; any other outcome error is the sample's.
        error = raised.__cause__ if isinstance(raised, InvoiceOutcomeUnknownError) else raised
        if not isinstance(error, AttributeError | FeatureUnavailableError | SpecError):
            raise
        gone = announced_removal(error, CHANGELOG.read_text(encoding="utf-8"))
        page = sample.page.relative_to(ROOT) if sample.page.is_relative_to(ROOT) else sample.page
        where = f"{page.as_posix()}:{sample.line}"
        if gone is not None:
            pytest.skip(f"the sample at {where} uses {gone}, which CHANGELOG.md announces the spec removed")
        if isinstance(error, AttributeError):
            raise
        # Not left to the test run's skip for a feature the spec lacks: unannounced, it is a fault.
        raise AssertionError(
            f"the sample at {where} failed; CHANGELOG.md announces no such removal: {error}"
        ) from error


async def run_samples(samples: list[Sample], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run samples in order against one fresh fake, each in a namespace of its own."""
    from palomma_client.testing import FakePalomma

    # Each page runs in a folder of its own, like a user's project: it holds the sample files
    # the docs name (docs/samples/rent-2026-03.csv) and openapi.yaml, and samples may write beside them.
    workdir = Path(tempfile.mkdtemp(prefix="palomma-docs-"))
    shutil.copytree(DOCS / "samples", workdir, dirs_exist_ok=True)
    shutil.copy2(ROOT / "openapi.yaml", workdir / "openapi.yaml")
    monkeypatch.chdir(workdir)
    fake = FakePalomma()
    async with _serve_over_http(fake) as base_url:
        monkeypatch.delenv("PALOMMA_ENVIRONMENT", raising=False)
        monkeypatch.delenv("PALOMMA_LOG", raising=False)
        monkeypatch.setenv("PALOMMA_API_KEY", fake.api_key)
        monkeypatch.setenv("PALOMMA_BASE_URL", base_url)
        async with fake.client(sleep=_no_wait) as palomma:
            for sample in samples:
                if sample.not_run is not None:
                    continue
                # Each sample alone, as a reader copies it: it must define or import every name it uses.
                namespace: dict[str, Any] = {"__name__": "__docs__", "fake": fake, "palomma": palomma}
                await _run_sample(sample, namespace)


@pytest.mark.parametrize(("name", "samples"), list(_pages_with_samples()))
async def test_the_samples_of_each_page_run_each_alone(
    name: str, samples: list[Sample], monkeypatch: pytest.MonkeyPatch
) -> None:
    await run_samples(samples, monkeypatch)


def test_not_run_markers_are_used_sparingly() -> None:
    """A page whose samples mostly do not run is a page whose samples are not tested."""
    for page in _pages():
        name = page.relative_to(ROOT).as_posix()
        samples = extract_samples(page, page.read_text(encoding="utf-8"))
        skipped = [sample for sample in samples if sample.not_run is not None]
        if samples:
            assert len(skipped) <= max(1, len(samples) // 3), f"{name}: {len(skipped)} of {len(samples)} not run"


# --- the extractor itself -----------------------------------------------------------------------------


def test_extractor_finds_python_blocks_with_their_lines_and_markers() -> None:
    text = "\n".join(
        [
            "# Page",  # 1
            "```python",  # 2
            "x = 1",  # 3
            "```",  # 4
            "<!-- not-run: needs a real key -->",  # 5
            "```python",  # 6
            "y = 2",  # 7
            "```",  # 8
            "- item",  # 9
            "    ```python",  # 10
            "    z = 3",  # 11
            "    ```",  # 12
            "````markdown",  # 13
            "```python",  # 14
            "not = code",  # 15
            "```",  # 16
            "````",  # 17
            "```sh",  # 18
            "make docs",  # 19
            "```",  # 20
        ]
    )
    samples = extract_samples(Path("page.md"), text)
    assert [(sample.line, sample.code, sample.not_run) for sample in samples] == [
        (3, "x = 1\n", None),
        (7, "y = 2\n", "needs a real key"),
        (11, "z = 3\n", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "<!-- not-run: -->\n```python\nx = 1\n```",
        "<!-- not-run: no block follows -->\nSome prose.\n```python\nx = 1\n```",
        "<!-- not-run: a shell block -->\n```sh\nls\n```",
        "<!-- not-run: at the end -->\n",
    ],
)
def test_extractor_refuses_a_marker_without_reason_or_python_block(text: str) -> None:
    with pytest.raises(ValueError, match="not-run marker"):
        extract_samples(Path("page.md"), text)


async def test_samples_reach_the_fake_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    call = a_call(json_answer=False)
    sent = (call.http_method, call.line.split(" ", 1)[1])
    reached = (
        "from palomma_client import APIStatusError, PalommaClient\n"
        "async with PalommaClient() as own:\n"
        "    try:\n"
        f"        await {call_source(call, 'own')}\n"
        "    except APIStatusError:\n"
        "        pass\n"
        "try:\n"
        f"    await {call_source(call, 'palomma')}\n"
        "except APIStatusError:\n"
        "    pass\n"
        f"assert [(request.method, request.path) for request in fake.requests] == [{sent!r}] * 2\n"
    )
    page = Path("page.md")
    samples = [
        Sample(page, 1, "raise AssertionError('a not-run sample ran')\n", "shown only"),
        Sample(page, 3, reached, None),
    ]
    await run_samples(samples, monkeypatch)


async def test_a_sample_does_not_see_the_names_an_earlier_one_defined(monkeypatch: pytest.MonkeyPatch) -> None:
    page = Path("page.md")
    samples = [
        Sample(page, 1, "from palomma_client import PalommaClient\nreference = 'R-1'\n", None),
        Sample(page, 4, "print(PalommaClient, reference)\n", None),
    ]
    with pytest.raises(NameError, match="PalommaClient"):
        await run_samples(samples, monkeypatch)


async def test_a_failing_sample_reports_its_line_in_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = [Sample(Path("docs/page.md"), 12, "x = 1\nraise KeyError('boom')\n", None)]
    with pytest.raises(KeyError) as raised:
        await run_samples(samples, monkeypatch)
    frame = raised.traceback[-1]
    assert (str(frame.path), frame.lineno + 1) == ("docs/page.md", 13)


# --- samples naming what a spec change removed ----------------------------------------------------------


def _a_resource() -> tuple[str, str]:
    """A resource of the client and the tag its methods are named by (its attribute, in snake case)."""
    resources = palomma_client._generated.api.GeneratedResources.RESOURCE_CLASSES
    if not resources:
        pytest.skip("the spec gives the client no resource")
    resource = next(iter(resources))
    return resource, resource


VANISHED = "vanishedOperationOfTheTest"
"""An operation a changelog of these tests says was removed; the client never had it."""


def _changelog(*removals: str) -> str:
    lines = "".join(f"- {removal}\n" for removal in removals)
    older = "## 1.0.0 (API 1.0.0)\n\n- Removed field `older`.\n"
    return f"# Changelog\n\n## 2.0.0 (API 2.0.0)\n\nBreaking:\n\n{lines}\n{older}"


@pytest.mark.parametrize("announced", [True, False], ids=["announced", "not announced"])
async def test_a_sample_calling_a_removed_method_skips_only_when_the_changelog_announces_the_removal(
    announced: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    resource, tag = _a_resource()
    method = method_name_for(VANISHED, tag)
    changelog = tmp_path / "CHANGELOG.md"
    removal = f"Removed operation `{VANISHED}` (`GET /vanished`)."
    changelog.write_text(_changelog(removal) if announced else _changelog(), encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "CHANGELOG", changelog)
    samples = [Sample(Path("docs/page.md"), 7, f"await palomma.{resource}.{method}()\n", None)]
    if announced:
        with pytest.raises(pytest.skip.Exception, match=rf"docs/page.md:7 uses \w+\.{method} \({VANISHED}\)"):
            await run_samples(samples, monkeypatch)
    else:
        with pytest.raises(AttributeError, match=method):
            await run_samples(samples, monkeypatch)


@pytest.mark.parametrize("announced", [True, False], ids=["announced", "not announced"])
async def test_a_sample_meeting_a_feature_the_spec_no_longer_supports_skips_only_when_announced(
    announced: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(_changelog(f"Removed operation `{VANISHED}`.") if announced else _changelog(), "utf-8")
    monkeypatch.setattr(sys.modules[__name__], "CHANGELOG", changelog)
    code = (
        "from palomma_client import FeatureUnavailableError\n"
        f"raise FeatureUnavailableError('invoices.vanish', ['the operation `{VANISHED}`'])\n"
    )
    samples = [Sample(Path("docs/page.md"), 3, code, None)]
    if announced:
        with pytest.raises(pytest.skip.Exception, match=rf"invoices.vanish \(it needs {VANISHED}\)"):
            await run_samples(samples, monkeypatch)
    else:
        with pytest.raises(AssertionError, match=r"CHANGELOG\.md announces no such removal"):
            await run_samples(samples, monkeypatch)


def test_a_feature_needing_an_enum_value_is_announced_gone_only_by_the_values_removal() -> None:
    error = FeatureUnavailableError("things.settle", ["the value `settled` of `ThingStatus`"])
    removal = "Removed value `settled` from the enum of `Thing.status`."
    assert announced_removal(error, _changelog(removal)) == "things.settle (it needs settled)"
    assert announced_removal(error, _changelog()) is None
    assert announced_removal(error, _changelog("Removed value `open` from the enum of `Thing.status`.")) is None


def test_only_the_newest_entry_of_the_changelog_announces_a_removal() -> None:
    resource_class = next(iter(palomma_client._generated.api.GeneratedResources.RESOURCE_CLASSES.values()))
    error = AttributeError("gone", name="older", obj=resource_class)
    field_error = AttributeError("gone", name=snake("vanishedField"), obj=resource_class)
    assert announced_removal(error, _changelog()) is None  # `older` was removed by an earlier entry
    assert announced_removal(field_error, _changelog()) is None
    announced = announced_removal(field_error, _changelog("Removed field `vanishedField` from `Thing`."))
    assert announced == f"{resource_class.__name__}.{snake('vanishedField')} (vanishedField)"
    # A name outside the SDK is never the spec's doing.
    assert (
        announced_removal(AttributeError("gone", name="older", obj=object()), _changelog("Removed field `older`."))
        is None
    )
