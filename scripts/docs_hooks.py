"""What `make docs` adds to MkDocs and mkdocstrings, so that no reference line is written per model.

- An MkDocs hook (``hooks:`` in mkdocs.yml): on ``reference/models.md`` it replaces the line
  ``<!-- models and enums of palomma_client.types -->`` with one ``:::`` directive per model and
  per enum that ``palomma_client.types`` exports, by their public path. A model or enum the
  vendor adds to the spec is documented by the next build, with no hand-written line.
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

__all__ = ["MODELS_MARKER", "LiteralBlockMarkers", "model_directives", "on_page_markdown", "without_literal_markers"]

MODELS_MARKER = "<!-- models and enums of palomma_client.types -->"
MODELS_PAGE = "reference/models.md"
TYPES_MODULE = "palomma_client.types"

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


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """MkDocs hook: write the models page's directives where its marker stands."""
    if page.file.src_uri == MODELS_PAGE:
        if MODELS_MARKER not in markdown:
            raise ValueError(f"docs/{MODELS_PAGE} lost its marker line {MODELS_MARKER!r}")
        return markdown.replace(MODELS_MARKER, model_directives())
    return markdown


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
