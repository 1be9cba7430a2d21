"""Run a Python script or ``-c`` code as a fresh interpreter would, forked from a process holding the libraries.

A regeneration (``scripts/generate.py`` in a copy of the project) spends most of its CPU importing
openapi-python-client and what it imports (httpx, pydantic, jinja2); a probe of a regenerated
package spends much of its own importing httpx2 and aiohttp. Here a server process (this file run
as a script) imports those third-party libraries once, and each run is a child it forks: a new
process with its own ``sys.argv``, ``sys.path``, working directory, environment, standard streams
and exit status, which imports the project's modules (the copy's, never the checked-in tree's) as
a fresh interpreter would. The server imports nothing of the project.

The server waits for each child and reports the CPU it used with the processes it waited for:
``child_cpu_seconds()`` adds them up for the suite's accounting (tests/conftest.py).

This module imports only the standard library.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import runpy
import subprocess
import sys
import tempfile
import threading
import traceback
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

PRELOADED = ("openapi_python_client", "httpx2", "aiohttp", "yaml", "jinja2", "click")
"""Third-party libraries the scripts and probes import; none of them imports the project."""

_lock = threading.Lock()
_server: subprocess.Popen[str] | None = None
_child_cpu = 0.0


def child_cpu_seconds() -> float:
    """The CPU the children run so far have used, with the processes each waited for."""
    return _child_cpu


@functools.cache
def _interpreter_path() -> tuple[str, ...]:
    """The ``sys.path`` a fresh interpreter of this Python has, less its first entry (the script's folder)."""
    completed = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sys.path[1:]))"],
        capture_output=True,
        text=True,
        check=True,
        env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
    )
    return tuple(json.loads(completed.stdout))


def start() -> None:
    """Start the server now, so that it imports the libraries while the suite is collected; it answers once ready."""
    with _lock:
        _started()


def _started() -> subprocess.Popen[str]:
    global _server
    if _server is None or _server.poll() is not None:
        environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        _server = subprocess.Popen(
            [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment
        )
        atexit.register(_stop, _server)
    return _server


def _stop(server: subprocess.Popen[str]) -> None:
    """End the server (it ends when its input does) and wait for it, so that its CPU counts as this process's child."""
    assert server.stdin is not None
    server.stdin.close()
    server.wait()
    assert server.stdout is not None
    server.stdout.close()


def run_python(
    *,
    script: Path | None = None,
    code: str | None = None,
    arguments: Sequence[str] = (),
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """What ``python script arguments`` (or ``python -c code``) would do, run in a forked child.

    Args:
        script: The script to run as ``__main__``.
        code: Or the code to run, as ``-c`` runs it.
        arguments: Its ``sys.argv[1:]``.
        cwd: Its working directory (this process's by default).
        env: Its whole environment (this process's by default); a ``PYTHONPATH`` in it goes before the
            interpreter's own path, as it would.

    Returns:
        The finished run: its exit status and what it wrote to stdout and stderr.
    """
    global _child_cpu
    assert (script is None) != (code is None), "a script or code"
    environment = dict(os.environ if env is None else env)
    first = str(Path(script).resolve().parent) if script is not None else ""
    extra = [entry for entry in environment.get("PYTHONPATH", "").split(os.pathsep) if entry]
    argv = [str(script) if script is not None else "-c", *arguments]
    with tempfile.TemporaryDirectory(prefix="palomma-forked-") as scratch:
        out, err = str(Path(scratch) / "stdout"), str(Path(scratch) / "stderr")
        request = {
            "script": str(script) if script is not None else None,
            "code": code,
            "argv": argv,
            "path": [first, *extra, *_interpreter_path()],
            "cwd": str(cwd or Path.cwd()),
            "env": environment,
            "out": out,
            "err": err,
        }
        with _lock:
            server = _started()
            assert server.stdin is not None
            assert server.stdout is not None
            server.stdin.write(json.dumps(request) + "\n")
            server.stdin.flush()
            answer = server.stdout.readline()
        if not answer:
            raise RuntimeError(f"the fork server of tests/forked.py stopped (exit status {server.poll()})")
        finished = json.loads(answer)
        stdout = Path(out).read_text(encoding="utf-8", errors="replace")
        stderr = Path(err).read_text(encoding="utf-8", errors="replace")
    _child_cpu += finished["cpu"]
    command = [sys.executable, *([argv[0]] if script is not None else ["-c", code or ""]), *arguments]
    return subprocess.CompletedProcess(command, finished["status"], stdout, stderr)


# --- the server: this file run as a script --------------------------------------------------------------------------


def _serve(requests: IO[str], answers: IO[str]) -> None:
    """Fork a child for each request line, wait for it, and answer its exit status and CPU."""
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)  # never returns
        _, status, usage = os.wait4(pid, 0)
        answers.write(
            json.dumps({"status": os.waitstatus_to_exitcode(status), "cpu": usage.ru_utime + usage.ru_stime}) + "\n"
        )
        answers.flush()


def _child(request: dict[str, Any]) -> None:
    for descriptor, name in ((0, os.devnull), (1, request["out"]), (2, request["err"])):
        opened = os.open(name, os.O_RDONLY) if descriptor == 0 else os.open(name, os.O_WRONLY | os.O_CREAT, 0o600)
        os.dup2(opened, descriptor)
        os.close(opened)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115  (the process's own streams)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[:] = request["path"]
    sys.argv[:] = request["argv"]
    status = 0
    try:
        if request["script"] is not None:
            runpy.run_path(request["script"], run_name="__main__")
        else:
            main = types.ModuleType("__main__")
            sys.modules["__main__"] = main
            exec(compile(request["code"], "<string>", "exec"), main.__dict__)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            status = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    del sys.path[0]  # tests/: no module of the suite shadows a library's
    for name in PRELOADED:
        __import__(name)
    _serve(sys.stdin, sys.stdout)
