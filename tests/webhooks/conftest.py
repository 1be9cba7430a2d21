"""A real redis-server on 127.0.0.1 for the tests of RedisDedupStore, started once per session.

Where redis-server is not installed, the tests that need it skip with the reason; with CI set in
the environment they fail instead, so that a missing server never passes for a green run.
`make pytest` installs redis-server when it is missing.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis.asyncio

from tests.support import free_port, stop_process

_READY_LINE = b"Ready to accept connections"
_STARTUP_TIMEOUT = 20.0
_STARTUP_ATTEMPTS = 3


@dataclass(frozen=True)
class RedisServer:
    """A running redis-server: where it listens."""

    host: str
    port: int

    def client(self) -> redis.asyncio.Redis:
        """A new asyncio client of this server: what one replica of a receiver would hold."""
        return redis.asyncio.Redis(host=self.host, port=self.port)


def _wait_until_ready(process: subprocess.Popen[bytes]) -> str | None:
    """Read the server's log until it says it is ready; return what went wrong otherwise."""
    assert process.stdout is not None
    log = b""
    deadline = time.monotonic() + _STARTUP_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while _READY_LINE not in log:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return f"not ready after {_STARTUP_TIMEOUT:g} s; log: {log[-2000:]!r}"
            if not selector.select(timeout=remaining):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:  # the server exited (a port taken in the meantime, a bad option)
                process.wait()
                return f"exited with status {process.returncode}; log: {log[-2000:]!r}"
            log += chunk
    return None


def redis_server_executable() -> str:
    """The path of redis-server; skips the test where it is missing, or fails it with CI set."""
    executable = shutil.which("redis-server")
    if executable is None:
        reason = (
            "redis-server is not installed, so the RedisDedupStore tests cannot run: "
            "`make pytest` installs it (apt-get install redis-server)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(f"SKIPPED, NOT TESTED: {reason}")
    return executable


@contextlib.contextmanager
def running_redis_server(
    directory: Path, port: int | None = None, *, persistent: bool = False
) -> Iterator[RedisServer]:
    """Run a redis-server of its own on 127.0.0.1 until the block ends, on ``port`` or a free one.

    Without ``persistent`` nothing is written to disk, so a restart finds the server empty; with it,
    every write goes to an append-only file in ``directory``, which a restart reads back.
    """
    executable = redis_server_executable()
    problems: list[str] = []
    for _ in range(_STARTUP_ATTEMPTS):  # another program may take the free port before the server binds it
        chosen = port if port is not None else free_port()
        options = {
            "bind": "127.0.0.1",
            "port": str(chosen),
            "save": "",  # no snapshots
            "appendonly": "yes" if persistent else "no",
            "appendfsync": "always",
            "dir": str(directory),
            "daemonize": "no",
            "logfile": "",  # the log on stdout, where the readiness line is read
        }
        process = subprocess.Popen(
            [executable, *(part for name, value in options.items() for part in (f"--{name}", value))],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        problem = _wait_until_ready(process)
        if problem is None:
            try:
                yield RedisServer("127.0.0.1", chosen)
            finally:
                stop_process(process)
            return
        stop_process(process)
        problems.append(problem)
    pytest.fail(f"redis-server did not start: {problems}", pytrace=False)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server of its own on a free port of 127.0.0.1, without persistence, stopped at the end."""
    with running_redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
async def redis_client(redis_server: RedisServer) -> AsyncIterator[redis.asyncio.Redis]:
    """A client of the session's server, which this test finds empty."""
    client = redis_server.client()
    await client.flushall()
    try:
        yield client
    finally:
        await client.aclose()
