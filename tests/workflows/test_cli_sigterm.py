"""SIGTERM on a large batch: the real ``palomma`` command, in a subprocess, against the fake API over a socket.

Kubernetes waits 30 seconds after SIGTERM before it kills a pod. The command
used to read and report every row not started, one by one: a million rows took
32 seconds. Now the rows never read are summed up in one row, and the command
ends as soon as the invoices in flight finish.
"""

from __future__ import annotations

import csv
import io
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from palomma_client.workflows import REQUIRED_INVOICE_CSV_COLUMNS
from palomma_client.workflows._cli import EXIT_TERMINATED
from tests.support import stop_process
from tests.workflows.support import CLI_ERROR, note_refusal, rent

ROWS = 200_000
"""Enough that reading and listing the rows not started took longer than Kubernetes' 30 s grace period."""

EXIT_GUARD = 60.0
"""Seconds the test waits for the command to exit after SIGTERM before it kills it: a guard against a hang, not a
measure. That the command read no row past the last it started is checked from its output, whatever the load."""

_LISTENING = re.compile(r"listening on (http://\S+/v1)")
_KEY = re.compile(r"Accepted API key: (\S+)")


@pytest.fixture
def fake_server() -> Iterator[tuple[str, str]]:
    """``python -m palomma_client.testing`` on a free port of 127.0.0.1: its base URL and accepted key."""
    command = [sys.executable, "-m", "palomma_client.testing", "--host", "127.0.0.1", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        try:
            printed = _read_until(process, lambda text: _LISTENING.search(text) is not None, timeout=60.0).decode()
            key, base_url = _KEY.search(printed), _LISTENING.search(printed)
            assert key is not None
            assert base_url is not None
            yield base_url.group(1), key.group(1)
        finally:
            stop_process(process)


def _large_csv(path: Path) -> Path:
    columns = list(REQUIRED_INVOICE_CSV_COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for number in range(ROWS):
            request = rent(number % 1_000, reference=f"RENT-2026-03-{number:07d}")
            writer.writerow([request[column] for column in columns])
    return path


def _read_until(process: subprocess.Popen[bytes], done: Callable[[str], bool], timeout: float) -> bytes:
    """What the process wrote to stdout, once ``done`` says it is enough."""
    assert process.stdout is not None
    received = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not done(received.decode(errors="replace")):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise AssertionError(f"not there within {timeout}s: {received[-500:]!r}")
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"the process exited with {process.wait()}: {received[-500:]!r}")
            received += chunk
    return received


@pytest.mark.slow  # the CLI in another process over a large batch, stopped by a signal
def test_sigterm_ends_a_large_batch_within_the_bound_and_sums_up_the_rows_not_read(
    tmp_path: Path, fake_server: tuple[str, str]
) -> None:
    base_url, key = fake_server
    path = _large_csv(tmp_path / "rent.csv")
    script = Path(sys.executable).parent / "palomma"
    environment = {**os.environ, "PALOMMA_API_KEY": key, "PALOMMA_BASE_URL": base_url}
    environment.pop("PALOMMA_ENVIRONMENT", None)
    command = [str(script), "invoices", "create-batch", str(path), "--format", "csv", "--concurrency", "4"]

    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment) as process:
        try:
            # Results are flushed row by row: the header and a first result mean the batch is under way.
            try:
                started_output = _read_until(process, lambda text: text.count("\n") >= 2, timeout=120.0)
            except AssertionError:
                if process.poll() is not None:
                    # A command the spec no longer supports exits at once naming what is gone: the test skips.
                    note_refusal(process.communicate()[1].decode(), CLI_ERROR)
                raise
            process.send_signal(signal.SIGTERM)
            rest, error_bytes = process.communicate(timeout=EXIT_GUARD)
        finally:
            if process.poll() is None:
                process.kill()
    errors = error_bytes.decode()

    assert process.returncode == EXIT_TERMINATED, errors
    rows = list(csv.DictReader(io.StringIO((started_output + rest).decode(), newline="")))
    started, [summary] = rows[:-1], rows[-1:]
    assert started
    assert {row["outcome"] for row in started} == {"created"}
    last_line = max(int(row["line"]) for row in started)
    not_read = ROWS - len(started)
    # One row for all the rows not started, after the last started: none was read, let alone listed.
    assert summary["outcome"] == "not_attempted"
    assert summary["detail"] == (
        f"the {not_read:,} rows after line {last_line} were not attempted (interrupted by SIGTERM); "
        "run the file again to issue them"
    )
    assert f"{ROWS:,} invoices: {len(started):,} created, 0 already existed, 0 failed, {not_read:,} not attempted" in (
        errors
    )
    assert "Error: interrupted by SIGTERM; run the same file again" in errors
