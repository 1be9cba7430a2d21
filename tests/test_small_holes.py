"""Inputs that once slipped past the checks, each refused before sending or bounded in cost."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from palomma_client import InvalidParameterError, PalommaClient
from tests.support import API_KEY, ROOT, RecordingAPI

pytestmark = pytest.mark.usefixtures("clean_environment")


async def test_a_70_kb_cursor_or_filter_is_refused_before_sending(palomma: PalommaClient, api: RecordingAPI) -> None:
    with pytest.raises(InvalidParameterError, match="query string"):
        palomma.invoices.list(cursor="c" * 70_000)
    with pytest.raises(InvalidParameterError, match="query string"):
        palomma.invoices.list(reference="r" * 70_000)
    assert api.requests == []


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), -1, 0, True])
def test_a_timeout_that_bounds_nothing_is_refused(timeout: float) -> None:
    with pytest.raises(InvalidParameterError, match="timeout"):
        PalommaClient(API_KEY, timeout=timeout)


def test_a_base_url_with_credentials_keeps_them_out_of_repr() -> None:
    client = PalommaClient(API_KEY, base_url="https://proxy-user:proxy-secret@proxy.example/v1")
    assert "proxy-secret" not in repr(client)
    assert "proxy.example" in repr(client)


def test_the_sdk_logs_nothing_to_stderr_when_the_application_configured_no_logging() -> None:
    script = (
        "import logging, palomma_client; "
        "logging.getLogger('palomma_client').warning('a warning the application did not ask to see')"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT, env={"PATH": "/usr/bin"}
    )
    assert completed.stderr == ""


def test_the_library_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger("palomma_client").handlers
    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)
