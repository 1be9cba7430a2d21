"""What `make docs` adds to MkDocs and mkdocstrings, so that no reference line is written per model.

- An MkDocs hook (``hooks:`` in mkdocs.yml): on ``reference/models.md`` it replaces the line
  ``<!-- models and enums of palomma_client.types -->`` with one ``:::`` directive per model and
  per enum that ``palomma_client.types`` exports, by their public path; on
  ``reference/resources.md`` it replaces ``<!-- resources of PalommaClient -->`` with a section
  per resource a client carries (one per tag of the spec), showing its class with the methods
  it inherits from the generated one. A model, an enum or a tag the vendor adds to the spec is
  documented by the next build, with no hand-written line.
- A Griffe extension (``extensions:`` of mkdocstrings' Python handler): docstrings introduce an
  indented code block the reStructuredText way, ``...as follows::``; Markdown shows the block
  as code but would keep the ``::``. The extension ends such a line with one colon (or drops a
  ``::`` that stands alone), so the page reads as the docstring means.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from typing import Any

import griffe

__all__ = [
    "MODELS_MARKER",
    "RESOURCES_MARKER",
    "LiteralBlockMarkers",
    "model_directives",
    "on_page_markdown",
    "resource_directives",
    "without_literal_markers",
]

MODELS_MARKER = "<!-- models and enums of palomma_client.types -->"
MODELS_PAGE = "reference/models.md"
TYPES_MODULE = "palomma_client.types"
RESOURCES_MARKER = "<!-- resources of PalommaClient -->"
RESOURCES_PAGE = "reference/resources.md"
RESOURCES_MODULE = "palomma_client.resources"

_MARKED_LINE = re.compile(r"^(?P<text>.*?)(?P<space>\s?)::\s*$")


def model_directives() -> str:
    """The Markdown for every model, then every enum, of ``palomma_client.types``, each under its public path."""
    module = importlib.import_module(TYPES_MODULE)
    exported = [(name, getattr(module, name)) for name in sorted(module.__all__)]
    enums = [name for name, value in exported if inspect.isclass(value) and issubclass(value, enum.Enum)]
    models = [name for name, value in exported if inspect.isclass(value) and name not in enums]
    others = [name for name, _ in exported if name not in enums and name not in models]
    sections = [("Models", models), ("Enums", enums), ("Other names", others)]
    lines: list[str] = []
    for title, names in sections:
        if names:
            lines.extend([f"## {title}", ""])
            lines.extend(line for name in names for line in (f"::: {TYPES_MODULE}.{name}", ""))
    return "\n".join(lines)


def resource_directives() -> str:
    """The Markdown for every resource of a client, in the spec's order of tags, each under its public path.

    A class ``palomma_client`` exports (``Invoices``) is shown by that path, any other by its path in
    ``palomma_client.resources``; each with the methods it inherits from the generated class.
    """
    package = importlib.import_module("palomma_client")
    importlib.import_module(RESOURCES_MODULE)
    lines: list[str] = []
    for attribute, resource_class in package.PalommaClient.RESOURCE_CLASSES.items():
        name = resource_class.__name__
        module = "palomma_client" if getattr(package, name, None) is resource_class else RESOURCES_MODULE
        title = attribute.replace("_", " ").title()  # palomma.invoices: Invoices
        lines.extend([f"## {title}", "", f"::: {module}.{name}", "    options:"])
        lines.extend(["      inherited_members: true", ""])
    return "\n".join(lines)


_GENERATED_PAGES = {
    MODELS_PAGE: (MODELS_MARKER, model_directives),
    RESOURCES_PAGE: (RESOURCES_MARKER, resource_directives),
}


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """MkDocs hook: write the models and resources pages' directives where their markers stand."""
    generated = _GENERATED_PAGES.get(page.file.src_uri)
    if generated is None:
        return markdown
    marker, directives = generated
    if marker not in markdown:
        raise ValueError(f"docs/{page.file.src_uri} lost its marker line {marker!r}")
    return markdown.replace(marker, directives())


def without_literal_markers(text: str) -> str:
    """``text`` with each reStructuredText ``::`` that opens an indented block made Markdown.

    Args:
        text: A docstring.

    Returns:
        The docstring, a line ending ``word::`` ending ``word:``, ``word ::`` ending ``word``, and a
        line that is only ``::`` removed, wherever an indented block follows; nothing else changed.
    """
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        marked = _MARKED_LINE.match(line)
        if marked and _opens_block(lines, index):
            if not marked["text"].strip():
                continue
            line = marked["text"] + ("" if marked["space"] else ":")
        kept.append(line)
    return "\n".join(kept)


def _opens_block(lines: list[str], index: int) -> bool:
    indent = len(lines[index]) - len(lines[index].lstrip())
    following = next((line for line in lines[index + 1 :] if line.strip()), None)
    return following is not None and len(following) - len(following.lstrip()) > indent


class LiteralBlockMarkers(griffe.Extension):
    """Griffe extension: rewrites the ``::`` of each docstring as ``without_literal_markers`` says."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Called for every object Griffe loads."""
        if obj.docstring is not None:
            obj.docstring.value = without_literal_markers(obj.docstring.value)
