"""A canned HTTP/1.1 server for ``make bench``: every answer is bytes prepared at start-up.

    python benchmarks/bench_server.py --fd N [--pages 1000]

It serves the API under ``/v1`` on a listening socket the parent process
created and passed as file descriptor ``N``, so there is no race for a port
and no start-up wait beyond the first answer. It is a raw asyncio protocol
with keep-alive, so that a request costs the server a few microseconds and
what the benchmark measures is the client:

- ``GET /v1/invoices/{id}`` answers the spec's ``getInvoice`` example.
- ``GET /v1/invoices?limit=L[&cursor=page-N]`` answers page ``N`` (``0``
  without a cursor) of ``--pages`` pages, each of ``L`` invoices built from
  the spec's ``listInvoices`` example with distinct ids; the cursor of page
  ``N`` is ``page-N+1``, and ``null`` on the last page.
- ``GET /v1/settlements/{date}/{cycle}`` answers the spec's settlement example.
- Anything else is a 404 with the spec's ``ErrorResponse`` body.

Only the standard library and PyYAML are used: the server never imports the SDK.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import yaml

SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"
MAX_PAGE_SIZE = 100
LISTEN_BACKLOG = 1024


def _example(spec: dict[str, Any], path: str, name: str) -> Any:
    content = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return content["examples"][name]["value"]


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _response(status: bytes, body: bytes) -> bytes:
    head = b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (status, len(body))
    return head + body


def page_invoices(spec: dict[str, Any], size: int = MAX_PAGE_SIZE) -> list[dict[str, Any]]:
    """The invoices of every page: the spec's list example, with distinct ids and references."""
    template = _example(spec, "/invoices", "page")["items"][0]
    return [
        {**template, "id": f"01HQY8EW1H9YGH5PAV5Y2M{index:04d}", "reference": f"INV-2026-{index:04d}"}
        for index in range(size)
    ]


class CannedAPI:
    """The answers, as bytes, and the routing of a request target to one of them."""

    def __init__(self, spec: dict[str, Any], pages: int) -> None:
        self.pages = pages
        self.invoice = _response(b"200 OK", _json(_example(spec, "/invoices/{id}", "found")))
        self.settlement = _response(b"200 OK", _json(_example(spec, "/settlements/{date}/{cycle}", "found")))
        self.not_found = _response(b"404 Not Found", _json({"error": "Not Found"}))
        self.bad_request = _response(b"400 Bad Request", _json({"error": "Invalid cursor or limit"}))
        self._items = [_json(item) for item in page_invoices(spec)]
        self._page_starts: dict[int, bytes] = {}

    def answer(self, target: bytes) -> bytes:
        path, _, query = target.partition(b"?")
        if path.startswith(b"/v1/invoices/"):
            return self.invoice
        if path == b"/v1/invoices":
            return self._page(query)
        if path.startswith(b"/v1/settlements/") and path.count(b"/") == 4:
            return self.settlement
        return self.not_found

    def _page(self, query: bytes) -> bytes:
        parameters = parse_qs(query.decode("latin-1"))
        try:
            size = int(parameters.get("limit", ["20"])[0])
            cursor = parameters.get("cursor", ["page-0"])[0]
            number = int(cursor.removeprefix("page-"))
        except ValueError:
            return self.bad_request
        if not 1 <= size <= MAX_PAGE_SIZE or not 0 <= number < self.pages:
            return self.bad_request
        start = self._page_starts.get(size)
        if start is None:
            start = self._page_starts[size] = b'{"items":[' + b",".join(self._items[:size]) + b'],"cursor":'
        next_cursor = b'"page-%d"' % (number + 1) if number + 1 < self.pages else b"null"
        return _response(b"200 OK", start + next_cursor + b',"count":%d}' % size)


class _Connection(asyncio.Protocol):
    def __init__(self, api: CannedAPI) -> None:
        self._api = api
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self._buffer[:end]
            lowered = head.lower()
            body_length = 0
            marker = lowered.find(b"\r\ncontent-length:")
            if marker >= 0:
                line_end = lowered.find(b"\r\n", marker + 2)
                body_length = int(lowered[marker + 17 : line_end if line_end >= 0 else len(lowered)])
            if len(self._buffer) < end + 4 + body_length:
                return
            self._buffer = self._buffer[end + 4 + body_length :]
            request_line = head.split(b"\r\n", 1)[0].split(b" ")
            self._transport.write(self._api.answer(request_line[1] if len(request_line) == 3 else b""))
            if b"\r\nconnection: close" in lowered:
                self._transport.close()
                return


async def serve(listener: socket.socket, api: CannedAPI) -> None:
    """Answer on ``listener`` until the process is stopped."""
    loop = asyncio.get_running_loop()
    # A burst of new connections (the concurrency run opens a whole pool at
    # once) must not overflow the accept queue: dropped SYNs are retried by
    # the kernel only after a second or more, which would swamp the figures.
    server = await loop.create_server(lambda: _Connection(api), sock=listener, backlog=LISTEN_BACKLOG)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fd", type=int, required=True, help="a listening TCP socket inherited from the parent")
    parser.add_argument("--pages", type=int, default=1000, help="how many pages the invoice list has")
    arguments = parser.parse_args()
    with SPEC.open(encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    listener = socket.socket(fileno=arguments.fd)
    asyncio.run(serve(listener, CannedAPI(spec, arguments.pages)))


if __name__ == "__main__":
    main()
