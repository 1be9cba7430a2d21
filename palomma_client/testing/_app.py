"""The fake's HTTP face: a Starlette app serving the four operations of openapi.yaml under /v1.

A small ASGI layer in front of the routes plays the API gateway: it records each request, applies
injected faults and checks the bearer token before any route runs.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

try:
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route, Router
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError as error:  # pragma: no cover - depends on how the package was installed
    raise ImportError(
        "palomma_client.testing needs the 'testing' extra: pip install 'palomma-client[testing]'"
    ) from error

from palomma_client.testing._faults import FaultKind
from palomma_client.testing._recording import RecordedRequest
from palomma_client.testing._state import DuplicateReference
from palomma_client.testing._validation import (
    BadRequest,
    encode_cursor,
    parse_date,
    parse_invoice_query,
    parse_new_invoice_body,
)

if TYPE_CHECKING:
    from palomma_client.testing._fake import FakePalomma

__all__ = ["build_app", "json_response"]

UNAUTHORIZED_MESSAGE = "Invalid or missing token"


def json_response(status: int, document: Any, headers: dict[str, str] | None = None) -> Response:
    """Return a JSON response the way the API sends one (`application/json`, compact UTF-8)."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"error": message}, headers)


def build_app(fake: FakePalomma) -> Starlette:
    """Build the ASGI app for a fake; it reads the fake's state on every request, so later changes apply.

    Args:
        fake: The fake whose invoices, keys, faults and clock the app serves.

    Returns:
        The Starlette app; mount it at the root, its routes live under `/v1`.
    """
    handlers = _Handlers(fake)
    # Trailing-slash redirects would answer 307, a status the spec never lists; an unknown path is a 404.
    api = Router(
        routes=[
            Route("/invoices", handlers.invoices, methods=["GET", "POST"]),
            Route("/invoices/{id}", handlers.invoice, methods=["GET"]),
            Route("/settlements/{date}/{cycle}", handlers.settlement, methods=["GET"]),
        ],
        redirect_slashes=False,
    )
    app = Starlette(
        routes=[Mount("/v1", app=api)],
        exception_handlers={HTTPException: _http_exception, Exception: _unexpected_exception},
    )
    app.router.redirect_slashes = False
    app.add_middleware(_Gateway, fake=fake)
    return app


class _Handlers:
    def __init__(self, fake: FakePalomma) -> None:
        self._fake = fake

    async def invoices(self, request: Request) -> Response:
        if request.method == "POST":
            return await self._create_invoice(request)
        return self._list_invoices(request)

    async def _create_invoice(self, request: Request) -> Response:
        media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        # A JSON API's body parser ignores other media types, leaving the body empty: reject them plainly.
        if media_type != "application/json" and not media_type.endswith("+json"):
            return _error(400, "Content-Type must be application/json")
        try:
            invoice = self._fake._store.create(parse_new_invoice_body(await request.body()))
        except (BadRequest, DuplicateReference) as error:
            return _error(400, str(error))
        return json_response(200, invoice.to_json())

    def _list_invoices(self, request: Request) -> Response:
        try:
            query = parse_invoice_query(request.query_params)
        except BadRequest as error:
            return _error(400, error.message)
        items, after = self._fake._store.page(query)
        return json_response(
            200,
            {
                "items": [item.to_json() for item in items],
                "cursor": None if after is None else encode_cursor(after),
                "count": len(items),
            },
        )

    async def invoice(self, request: Request) -> Response:
        record = self._fake._store.get(request.path_params["id"])
        if record is None:
            return _error(404, "Invoice not found")
        return json_response(200, record.to_json())

    async def settlement(self, request: Request) -> Response:
        try:
            settlement_date: date = parse_date(request.path_params["date"], "date")
        except BadRequest as error:
            return _error(400, error.message)
        settlement = self._fake._store.settlement(settlement_date, request.path_params["cycle"])
        if settlement is None:
            return _error(404, "Settlement not found")
        return json_response(200, settlement)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    # Starlette's own 404 and 405 (with its Allow header), answered in the API's error shape.
    return _error(exc.status_code, exc.detail, dict(exc.headers or {}))


async def _unexpected_exception(request: Request, exc: Exception) -> Response:
    return _error(500, "Internal Server Error")


class _Gateway:
    """Records, applies faults, then checks the bearer token; only then does a route see the request."""

    def __init__(self, app: ASGIApp, fake: FakePalomma) -> None:
        self._app = app
        self._fake = fake

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        body = await _read_body(receive)
        record = RecordedRequest(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=_headers(scope),
            body=body,
        )
        self._fake.requests.append(record)
        delay, failure = self._fake._faults.take(record.method, record.path)
        if delay is not None:
            await self._fake.sleep(delay.seconds)

        send = _recording_status(send, record)
        if failure is not None and failure.kind is FaultKind.FAIL:
            await _answer_fault(failure.status, failure.message, failure.retry_after, scope, receive, send)
            return
        if not self._authorized(record.headers.get("authorization")):
            response = _error(401, UNAUTHORIZED_MESSAGE, {"WWW-Authenticate": "Bearer"})
            app: ASGIApp = response
        else:
            app = self._app
        replay = _replay(body, receive)
        if failure is None:
            await app(scope, replay, send)
            return
        # The request takes full effect; only its answer is lost and replaced by the fault's.
        await app(scope, replay, _discard)
        await _answer_fault(failure.status, failure.message, failure.retry_after, scope, receive, send)

    def _authorized(self, header: str | None) -> bool:
        if header is None:
            return False
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and token.strip() in self._fake.api_keys


async def _answer_fault(
    status: int, message: str, retry_after: str | None, scope: Scope, receive: Receive, send: Send
) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    await _error(status, message, headers)(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _recording_status(send: Send, record: RecordedRequest) -> Send:
    async def recording(message: Message) -> None:
        if message["type"] == "http.response.start":
            record.status = message["status"]
        await send(message)

    return recording


async def _discard(message: Message) -> None:
    return None


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers
