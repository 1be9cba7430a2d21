"""`python -m palomma_client.testing` serves the fake over HTTP and tells where."""

from __future__ import annotations

import asyncio
import re
import selectors
import subprocess
import sys
import time
from typing import Any

import httpx2
import pytest
import uvicorn

from palomma_client import Invoice
from palomma_client.testing import __main__ as cli
from tests.spec_calls import field, needs_operations, path_of
from tests.support import stop_process
from tests.testing.support import sending_required_parameters

LISTENING = re.compile(r"Palomma fake API listening on (http://127\.0\.0\.1:(\d+)/v1)")


class _Served:
    """Stands in for uvicorn.Server.serve, keeping what it was asked to serve."""

    def __init__(self) -> None:
        self.app: Any = None
        self.ports: list[int] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        served = self

        async def serve(server: uvicorn.Server, sockets: list[Any]) -> None:
            served.app = server.config.app
            served.ports = [sock.getsockname()[1] for sock in sockets]
            for sock in sockets:
                sock.close()

        monkeypatch.setattr(uvicorn.Server, "serve", serve)


def test_without_keys_the_default_key_is_printed_and_port_0_reports_the_bound_port(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served = _Served()
    served.install(monkeypatch)
    cli.main(["--port", "0"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Accepted API key: sk_test_palomma_fake"
    match = LISTENING.fullmatch(lines[1])
    assert match is not None
    assert int(match.group(2)) == served.ports[0] != 0


def test_api_keys_can_be_repeated_and_replace_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served = _Served()
    served.install(monkeypatch)
    needs_operations("listInvoices", "createInvoice")  # the keys and the merchant are seen through them
    cli.main(["--port", "0", "--api-key", "sk_one", "--api-key", "sk_two", "--merchant-id", "merchant_123"])
    assert "Accepted API key" not in capsys.readouterr().out

    async def exercise() -> tuple[list[int], httpx2.Response]:
        transport = httpx2.ASGITransport(app=served.app)
        hooks = sending_required_parameters()
        async with httpx2.AsyncClient(transport=transport, base_url="http://fake/v1", event_hooks=hooks) as client:
            statuses = [
                (await client.get(path_of("listInvoices"), headers={"Authorization": f"Bearer {key}"})).status_code
                for key in ("sk_one", "sk_two", "sk_test_palomma_fake")
            ]
            created = await client.post(
                path_of("createInvoice"),
                headers={"Authorization": "Bearer sk_one"},
                json={
                    "reference": "INV-1",
                    "amount": 5_000,
                    "description": "Canon",
                    "redirectUrl": "https://merchant.example.com/r",
                    "customerDocumentNumber": "1",
                },
            )
        return statuses, created

    statuses, created = asyncio.run(exercise())
    assert statuses == [200, 200, 401]
    assert "/pay/merchant_123/" in field(Invoice.from_dict(created.json()), "paymentUrl")


def test_a_port_in_use_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    served = _Served()
    served.install(monkeypatch)
    blocker = cli._listen("127.0.0.1", 0)
    try:
        with pytest.raises(SystemExit, match=r"Cannot listen on 127\.0\.0\.1"):
            cli.main(["--port", str(blocker.getsockname()[1])])
    finally:
        blocker.close()


def test_the_server_answers_over_http_on_the_port_it_printed() -> None:
    needs_operations("listInvoices")  # an empty page is what the fake's own listing answers
    command = [
        sys.executable,
        "-m",
        "palomma_client.testing",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--api-key",
        "sk_cli",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            base_url = _wait_for_listening_line(process, timeout=20.0)
            with httpx2.Client(base_url=base_url, timeout=10.0) as client:
                response = client.get(path_of("listInvoices"), headers={"Authorization": "Bearer sk_cli"})
            assert response.status_code == 200
            assert response.json() == {"items": [], "cursor": None, "count": 0}
        finally:
            stop_process(process)


def _wait_for_listening_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0:
            if not selector.select(remaining):
                break
            line = process.stdout.readline()
            if not line:
                break
            if match := LISTENING.search(line):
                return match.group(1)
    raise AssertionError(f"the server did not report its port within {timeout}s (exit code {process.poll()})")
