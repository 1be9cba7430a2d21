"""examples/quickstart.py, the program behind `make demo`, runs the whole flow on the fake."""

from __future__ import annotations

import importlib.util
import logging
from types import ModuleType

import pytest

from palomma_client import FeatureUnavailableError
from tests.examples.conftest import skip_for_refusals
from tests.support import ROOT
from tests.testing.support import skip_for_what_the_spec_lacks


def _load_quickstart() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quickstart", ROOT / "examples" / "quickstart.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_demo_runs_over_real_http_on_the_fake(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("PALOMMA_API_KEY", raising=False)
    quickstart = _load_quickstart()
    waits: list[float] = []

    async def record_wait(delay: float) -> None:
        waits.append(delay)

    monkeypatch.setattr(quickstart, "announce_retry", record_wait)
    sdk_logger = logging.getLogger("palomma_client")
    level_before = sdk_logger.level

    try:
        skipped = await quickstart.main()
    finally:
        # The example sets the SDK's log level for its own output; leave other tests the default.
        sdk_logger.setLevel(level_before)

    output = capsys.readouterr().out
    assert "Fake Palomma API listening on http://127.0.0.1:" in output
    # A step skipped for what the spec really lacks skips this test, naming it.
    skip_for_refusals(error for error in skipped if isinstance(error, FeatureUnavailableError))
    for error in skipped:
        skip_for_what_the_spec_lacks(error, [])
    assert skipped == []
    assert "Fake Palomma API listening on http://127.0.0.1:" in output
    assert output.count("  RENT-2026-03-DEMO-00") >= 3
    assert "RENT-2026-03-DEMO-001 paid with pse; settles 2026-03-11 cycle 11" in output
    assert "page of 2: RENT-2026-03-DEMO-003 [cancelled], RENT-2026-03-DEMO-002 [paid]" in output
    assert "2026-03-11 cycle 11: paid, 2 invoices, collected $5.050.000 COP" in output
    assert "the API answered 503 once; the retry returned RENT-2026-03-DEMO-002 [paid]" in output
    assert "invoices with reference RENT-2026-03-DEMO-004: 1" in output
    assert any("already exists as" in record.getMessage() for record in caplog.records)
    assert "4 invoices, 2 paid, $5.050.000 COP collected" in output
    assert waits == [1.0]
