"""Stoplight Prism, started from ``openapi.yaml``, and the check of what it reports.

Prism (pinned in ``package-lock.json``, installed into ``node_modules/`` by
``make pytest``) serves the spec's examples, or data generated from its
schemas with ``--dynamic``, and validates every request it receives against
the spec. It reports each problem twice: in the ``sl-violations`` response
header and as ``Violation:`` lines in its log. ``ViolationCheck`` reads both.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from palomma_client._openapi import OpenAPI
from tests.support import stop_process

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
PRISM = ROOT / "node_modules" / ".bin" / "prism"

UNROUTED = "/unrouted" * (1 + max((item.path.count("/") for item in OpenAPI.from_file(SPEC).operations), default=0))
"""A path deeper than any of the spec's, so routed to no operation whatever the spec holds.

The readiness probe and the log markers go there: Prism answers them with an error it logs,
which is about the probe, not about a request of a test, and validates nothing of them.
"""

STARTUP_DEADLINE = 60.0
"""Seconds Prism may take to load the spec and answer; a cold start takes one or two."""

LOG_DEADLINE = 10.0
POLL_INTERVAL = 0.02

# Prism calls the API key a bearer token and only checks that one is present.
API_KEY = "contract-test-key"
AUTHORIZATION = {"Authorization": f"Bearer {API_KEY}"}

_LISTENING = re.compile(r"Prism is listening on (http://127\.0\.0\.1:\d+)")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# Lines in which Prism's validator objects to a request or to its own response,
# and the line it writes when it cannot answer a request at all.
_PROBLEM_LINE = re.compile(r"Violation: |did not pass the validation rules|Request terminated with error")


def _running_in_ci() -> bool:
    return bool(os.environ.get("CI"))


def _prism_or_skip() -> None:
    """Skip the contract tests, loudly, when Prism cannot run here; fail instead in CI."""
    missing = []
    if shutil.which("node") is None:
        missing.append("Node.js (`node`) is not on PATH")
    if not PRISM.exists():
        missing.append(f"{PRISM.relative_to(ROOT)} is missing (`make pytest` installs it with `npm ci`)")
    if not missing:
        return
    reason = "CONTRACT TESTS AGAINST PRISM NOT RUN: " + "; ".join(missing)
    if _running_in_ci():
        pytest.fail(f"{reason}. CI is set, so this is a failure, not a skip.", pytrace=False)
    pytest.skip(reason)


@dataclass
class PrismServer:
    """A running ``prism mock`` process and the file its stdout and stderr go to."""

    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def read_log(self, start: int = 0) -> str:
        with self.log_path.open("rb") as log:
            log.seek(start)
            return _ANSI_ESCAPE.sub("", log.read().decode("utf-8", errors="replace"))


def _wait_until_listening(process: subprocess.Popen[bytes], log_path: Path) -> str:
    """Return Prism's base URL once it answers HTTP, polling until ``STARTUP_DEADLINE``."""
    deadline = time.monotonic() + STARTUP_DEADLINE
    base_url: str | None = None
    with httpx2.Client(headers=AUTHORIZATION, timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"Prism exited with status {process.returncode} before answering; its log:\n"
                    + log_path.read_text(errors="replace")
                )
            if base_url is None:
                found = _LISTENING.search(_ANSI_ESCAPE.sub("", log_path.read_text(errors="replace")))
                base_url = found.group(1) if found else None
            if base_url is not None:
                try:
                    http.get(f"{base_url}{UNROUTED}/readiness-probe")
                except httpx2.TransportError:
                    pass
                else:
                    return base_url
            time.sleep(POLL_INTERVAL)
    raise RuntimeError(
        f"Prism did not answer within {STARTUP_DEADLINE:.0f}s; its log:\n" + log_path.read_text(errors="replace")
    )


# OpenAPI 3.1's own JSON Schema dialect: what a 3.1 document that names none is read in.
_OPENAPI_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


def _as_prism_reads(spec: Path, folder: Path) -> Path:
    """``spec``, or a copy of it Prism validates requests against, in ``folder``.

    Prism 5 validates no request at all against a 3.1 document naming OpenAPI's own dialect as its
    `jsonSchemaDialect`, silently, though it is the one 3.1 assumes anyway: the copy names none.
    """
    document = OpenAPI.from_file(spec).document
    if document.get("jsonSchemaDialect") != _OPENAPI_DIALECT:
        return spec
    copied = folder / f"{spec.stem}-as-prism-reads.json"
    copied.write_text(
        json.dumps({key: value for key, value in document.items() if key != "jsonSchemaDialect"}), encoding="utf-8"
    )
    return copied


def run_prism(log_path: Path, *options: str, spec: Path = SPEC) -> Iterator[PrismServer]:
    """Start ``prism mock`` on ``spec`` with ``options``, yield it once it answers, and stop it."""
    _prism_or_skip()
    spec = _as_prism_reads(spec, log_path.parent)
    # Port 0: the system picks a free port and Prism prints it, so parallel runs never collide.
    command = [str(PRISM), "mock", str(spec), "--host", "127.0.0.1", "--port", "0", *options]
    # FORCE_COLOR=0 keeps colour codes out of the log even where CI forces colour on.
    environment = {**os.environ, "FORCE_COLOR": "0"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment)
    try:
        base_url = _wait_until_listening(process, log_path)
        yield PrismServer(base_url, log_path, process)
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    """Prism answering every operation with the spec's examples."""
    yield from run_prism(tmp_path_factory.mktemp("prism") / "static.log")


@pytest.fixture(scope="session")
def prism_dynamic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    """Prism answering with random data generated from the spec's schemas.

    Not seeded: ``--seed`` exists, but Prism reseeds its generator for every
    request, so a seeded server returns one and the same body for each
    operation forever. Tests print the bodies that fail, which is what makes a
    failure reproducible.
    """
    yield from run_prism(tmp_path_factory.mktemp("prism") / "dynamic.log", "--dynamic")


@dataclass(frozen=True)
class Violation:
    """One problem Prism reported: where it saw it, about what part of the exchange, and what it said."""

    source: str
    location: str
    detail: str

    @property
    def about_response(self) -> bool:
        return self.location.startswith("response")

    def __str__(self) -> str:
        return f"[{self.source}] {self.location}: {self.detail}"


def _violation_from_log_line(line: str) -> Violation:
    text = line.split("[VALIDATOR]", 1)[-1].strip()
    located = re.search(r"Violation: (\S+) (.*)", text)
    if located:
        return Violation("Prism log", located.group(1), located.group(2))
    return Violation("Prism log", "request", text)


@dataclass
class ViolationCheck:
    """What Prism said about the requests one test sent through ``http_client()``.

    Response headers are read by an httpx2 event hook; the log is read from
    where it ended when the check began.
    """

    prism: PrismServer
    log_start: int = 0
    requests: list[httpx2.Request] = field(default_factory=list)
    _from_headers: list[Violation] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.log_start = self.prism.log_size()

    def http_client(self, **options: Any) -> httpx2.AsyncClient:
        """An httpx2 client whose responses are recorded; pass it to ``PalommaClient(http_client=...)``."""
        hooks = options.pop("event_hooks", {})
        hooks = {**hooks, "response": [*hooks.get("response", []), self._record]}
        return httpx2.AsyncClient(event_hooks=hooks, **options)

    async def _record(self, response: httpx2.Response) -> None:
        self.requests.append(response.request)
        request = f"{response.request.method} {response.request.url.raw_path.decode()}"
        header = response.headers.get("sl-violations")
        if header is None:
            return
        try:
            entries = json.loads(header)
        except ValueError:  # Prism truncates very long lists and prefixes them with a note
            self._from_headers.append(Violation("sl-violations", "request", f"{header} ({request})"))
            return
        for entry in entries:
            location = ".".join(str(part) for part in entry.get("location", []))
            self._from_headers.append(
                Violation("sl-violations", location, f"{entry.get('message')} ({entry.get('severity')}, {request})")
            )

    def header_violations(self) -> list[Violation]:
        return list(self._from_headers)

    async def log_violations(self) -> list[Violation]:
        """The problem lines Prism logged since the check began, once it has logged every request sent."""
        await self._wait_for_log_to_catch_up()
        segment = self.prism.read_log(self.log_start)
        return [
            _violation_from_log_line(line)
            for line in segment.splitlines()
            if _PROBLEM_LINE.search(line) and UNROUTED not in line
        ]

    async def all_violations(self) -> list[Violation]:
        return self.header_violations() + await self.log_violations()

    async def assert_none(self, *, requests_only: bool = False) -> None:
        """Fail with everything Prism objected to, unless it objected to nothing.

        Args:
            requests_only: Ignore what Prism says about its own responses (random data in dynamic mode).
        """
        assert self.requests, "no request went through the recorded client"
        violations = await self.all_violations()
        if requests_only:
            violations = [violation for violation in violations if not violation.about_response]
        assert not violations, "Prism reported violations:\n" + "\n".join(f"  {violation}" for violation in violations)

    async def _wait_for_log_to_catch_up(self) -> None:
        # A marker request sent after everything else: once its "Request received"
        # line is in the log, so is every earlier line. Prism routes it nowhere and
        # logs that as an error, which `log_violations` knows to be the marker's.
        marker = f"{UNROUTED}/log-marker-{uuid.uuid4().hex}"
        async with httpx2.AsyncClient(base_url=self.prism.base_url, headers=AUTHORIZATION) as http:
            await http.get(marker)
        deadline = time.monotonic() + LOG_DEADLINE
        while marker not in self.prism.read_log(self.log_start):
            if time.monotonic() > deadline:
                raise AssertionError(f"Prism did not log {marker} within {LOG_DEADLINE:.0f}s")
            await asyncio.sleep(POLL_INTERVAL)


@pytest.fixture
def violations(prism: PrismServer) -> ViolationCheck:
    """The violation check on the static-example Prism, from the start of the test."""
    return ViolationCheck(prism)


@pytest.fixture
def dynamic_violations(prism_dynamic: PrismServer) -> ViolationCheck:
    """The violation check on the dynamic Prism, from the start of the test."""
    return ViolationCheck(prism_dynamic)
