"""The pytest plugin: installed through an entry point, a fresh fake per test, nothing imported eagerly."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from palomma_client.testing import DEFAULT_API_KEY, FakePalomma
from tests.spec_calls import call_of
from tests.support import call_source, skip_unless_the_fake_makes_invoices


def test_the_fixture_gives_an_empty_fake_with_the_default_key(palomma_fake: FakePalomma) -> None:
    assert isinstance(palomma_fake, FakePalomma)
    assert palomma_fake.invoices() == []
    assert palomma_fake.api_key == DEFAULT_API_KEY


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    entry_points = importlib.metadata.entry_points(group="pytest11")
    assert {entry.name: entry.value for entry in entry_points}["palomma"] == "palomma_client.testing.pytest_plugin"


def test_loading_the_plugin_does_not_import_the_fake_or_starlette() -> None:
    probe = (
        "import sys, palomma_client.testing.pytest_plugin; "
        "print(sorted(name for name in sys.modules if name == 'starlette' or name.endswith('testing._fake')))"
    )
    completed = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert completed.stdout.strip() == "[]"


@pytest.mark.slow  # pytest in another process, on a user's project
def test_each_test_of_a_user_project_gets_its_own_fake(tmp_path: Path) -> None:
    # The user's test makes an invoice through the client, with arguments the spec's rules accept: the
    # fake of each test sees its own invoice only.
    create = call_of("createInvoice")
    skip_unless_the_fake_makes_invoices(FakePalomma())
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    (tmp_path / "test_rent.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.parametrize("attempt", [1, 2])
            async def test_bill_rent(palomma_fake, attempt):
                assert palomma_fake.invoices() == []
                async with palomma_fake.client() as palomma:
                    await CALL
                assert len(palomma_fake.invoices()) == 1
            """
        ).replace("CALL", call_source(create, "palomma"))
    )
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2 passed" in completed.stdout
