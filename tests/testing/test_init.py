"""palomma_client.testing's public surface, and the SDK's independence from it."""

from __future__ import annotations

import subprocess
import sys

import pytest

import palomma_client.testing


def test_all_is_sorted_and_every_name_in_it_resolves() -> None:
    exported = palomma_client.testing.__all__
    # ruff's isort-style order (RUF022): CONSTANTS, then Classes, then everything else.
    assert exported == sorted(exported, key=lambda name: (not name.isupper(), not name[:1].isupper(), name))
    namespace: dict[str, object] = {}
    exec("from palomma_client.testing import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(exported)
    assert set(exported) <= set(dir(palomma_client.testing))


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'FakePalommaClient'"):
        _ = palomma_client.testing.FakePalommaClient


def test_the_sdk_never_imports_its_testing_package() -> None:
    prefixes = ("palomma_client.testing", "starlette", "uvicorn")
    probe = f"import sys, palomma_client; print(sorted(name for name in sys.modules if name.startswith({prefixes!r})))"
    completed = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert completed.stdout.strip() == "[]"


def test_without_the_testing_extra_the_package_imports_and_the_fake_says_what_to_install() -> None:
    probe = (
        "import sys; sys.modules['starlette'] = None\n"
        "import palomma_client.testing, palomma_client.testing.pytest_plugin\n"
        "from palomma_client.testing import FakeClock\n"
        "try:\n"
        "    from palomma_client.testing import FakePalomma\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert "pip install 'palomma-client[testing]'" in completed.stdout
