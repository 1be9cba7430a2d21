"""Serve the fake Palomma API over HTTP: `python -m palomma_client.testing --port 8000`.

Prints `Palomma fake API listening on http://HOST:PORT/v1` (flushed) once the socket accepts
connections; with `--port 0` the system picks a free port and that line tells which. Unlike the
in-process fake, the server's clock ticks with the wall clock, so invoices expire after five real
minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import sys
from collections.abc import Sequence

from palomma_client.testing._clock import FakeClock
from palomma_client.testing._fake import DEFAULT_API_KEY, FakePalomma

try:
    import uvicorn
except ImportError as error:  # pragma: no cover - depends on how the package was installed
    raise ImportError(
        "python -m palomma_client.testing needs the 'testing' extra: pip install 'palomma-client[testing]'"
    ) from error

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the fake API server until interrupted.

    Args:
        argv: The command-line arguments; `sys.argv[1:]` when `None`.
    """
    arguments = _parser().parse_args(argv)
    api_keys = arguments.api_keys or [DEFAULT_API_KEY]
    fake = FakePalomma(api_keys=api_keys, clock=FakeClock(ticking=True), merchant_id=arguments.merchant_id)
    # Binding here rather than in uvicorn lets --port 0 report the port the system chose.
    listener = _listen(arguments.host, arguments.port)
    port = listener.getsockname()[1]
    host = f"[{arguments.host}]" if ":" in arguments.host else arguments.host
    if not arguments.api_keys:
        print(f"Accepted API key: {DEFAULT_API_KEY}")
    print(f"Palomma fake API listening on http://{host}:{port}/v1", flush=True)
    # The fake sends its own Date, on its clock; uvicorn's would be a second one, on the wall clock.
    config = uvicorn.Config(fake.app, log_level=arguments.log_level, lifespan="off", date_header=False)
    # uvicorn shuts down cleanly on Ctrl+C, then raises the signal again; the traceback would be noise.
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(uvicorn.Server(config).serve(sockets=[listener]))
    finally:
        listener.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m palomma_client.testing",
        description="Serve an in-memory fake of the Palomma Rentals API over HTTP (operations under /v1).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind; 0 picks a free one (default 8000)")
    parser.add_argument(
        "--api-key",
        dest="api_keys",
        action="append",
        metavar="KEY",
        help=f"accepted bearer token; repeat for several (default {DEFAULT_API_KEY})",
    )
    parser.add_argument("--merchant-id", default="merchant_test", help="merchant part of payment URLs")
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's log level (default warning)",
    )
    return parser


def _listen(host: str, port: int) -> socket.socket:
    family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, protocol)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
    except OSError as error:
        listener.close()
        sys.exit(f"Cannot listen on {host}:{port}: {error}")
    listener.listen(128)
    listener.setblocking(False)
    return listener


if __name__ == "__main__":
    main()
