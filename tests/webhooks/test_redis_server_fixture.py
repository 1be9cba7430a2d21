"""Without redis-server, the Redis tests skip loudly on a developer's machine and fail under CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_A_REDIS_TEST = "tests/webhooks/test_redis_dedup.py::test_the_key_prefix_and_ttl_are_configurable"


def _run_without_redis_server(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if name != "CI"}
    environment["PATH"] = str(tmp_path)  # an empty folder: no redis-server on it
    if ci:
        environment["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-ra", "-p", "no:cacheprovider", _A_REDIS_TEST],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.slow  # pytest in another process, with no redis-server on its PATH
@pytest.mark.parametrize("ci", [False, True], ids=["locally", "under-ci"])
def test_a_missing_redis_server_skips_locally_and_fails_under_ci(tmp_path: Path, ci: bool) -> None:
    result = _run_without_redis_server(tmp_path, ci=ci)

    assert "redis-server is not installed" in result.stdout
    assert "`make pytest` installs it" in result.stdout
    if ci:
        assert result.returncode == 1, result.stdout
        assert "1 error" in result.stdout
    else:
        assert result.returncode == 0, result.stdout
        assert "1 skipped" in result.stdout
        assert "SKIPPED, NOT TESTED" in result.stdout
