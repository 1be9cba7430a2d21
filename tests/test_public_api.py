"""The public surface is exactly what palomma_client exports."""

from __future__ import annotations

import types

import palomma_client
from tests.support import SPEC


def _isort_order(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_lists_every_public_name() -> None:
    public = {
        name
        for name, value in vars(palomma_client).items()
        if name.isidentifier() and not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert palomma_client.__all__ == sorted(set(palomma_client.__all__), key=_isort_order)
    assert set(palomma_client.__all__) - {"__version__"} == public


def test_exported_hand_written_classes_report_the_public_module() -> None:
    for name in palomma_client.__all__:
        value = getattr(palomma_client, name)
        if isinstance(value, type) and not value.__module__.startswith("palomma_client._generated"):
            assert value.__module__ == "palomma_client", name


def test_versions_are_exposed() -> None:
    assert palomma_client.__version__.count(".") == 2
    assert SPEC["info"]["version"] == palomma_client.API_VERSION
