"""The framework glue stays behind its extras: the SDK never imports a framework, and a missing one is named."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_importing_the_sdk_imports_no_web_framework() -> None:
    code = (
        "import sys, palomma_client, palomma_client.webhooks\n"
        "print(sorted({'fastapi', 'starlette', 'aiohttp', 'pydantic'} & set(sys.modules)))"
    )
    completed = run_python(code)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "package", "extra"), [("fastapi", "fastapi", "fastapi"), ("aiohttp", "aiohttp", "aiohttp")]
)
def test_the_glue_without_its_framework_says_which_extra_to_install(module: str, package: str, extra: str) -> None:
    # A None entry in sys.modules makes `import <package>` fail as if it were not installed.
    completed = run_python(f"import sys; sys.modules[{package!r}] = None; import palomma_client.{module}")

    assert completed.returncode == 1
    last_line = completed.stderr.strip().splitlines()[-1]
    assert last_line == (
        f"ImportError: palomma_client.{module} needs {'FastAPI' if extra == 'fastapi' else 'aiohttp'}: "
        f"pip install 'palomma-client[{extra}]'"
    )
