"""How a public module presents what it exports: as its own, not the private module's that defines it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["present_as"]


def present_as(module: str, names: Iterable[str], namespace: Mapping[str, object]) -> None:
    """Make ``module`` the ``__module__`` of each class among ``names`` that a private module defines.

    Tracebacks and reprs then read ``palomma_client.NotFoundError``, as httpx's read
    ``httpx.ReadTimeout``, rather than naming the private module. Generated models keep their
    own: pickled data made by earlier versions finds them there.

    Args:
        module: The public module that exports them (``palomma_client``).
        names: The names it exports (its ``__all__``).
        namespace: Its globals, where each name is bound.
    """
    for name in names:
        value = namespace[name]
        if isinstance(value, type) and _defined_in_private_module(value.__module__):
            value.__module__ = module


def _defined_in_private_module(module: str) -> bool:
    package, *parts = module.split(".")
    return package == "palomma_client" and parts[:1] != ["_generated"] and any(part.startswith("_") for part in parts)
