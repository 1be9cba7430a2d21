"""The fake's HTTP face: a Starlette app serving the operations of the spec under its base path (`/v1`).

A small ASGI layer in front plays the API gateway: it records each request, applies injected
faults, checks the credentials the operation's `security` asks for (none for `security: []`) and
only then reads the body, up to a size limit. Behind it, every request is routed by the spec's
paths (literal segments before parameters) and validated against the spec's schemas; the
operations the fake models have handlers here, and any other operation of the spec is answered
with its example. A modelled operation the spec no longer has is simply not served (and logged).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable, Mapping
from datetime import date
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs

try:
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError as error:  # pragma: no cover - depends on how the package was installed
    raise ImportError(
        "palomma_client.testing needs the 'testing' extra: pip install 'palomma-client[testing]'"
    ) from error

from palomma_client.testing._examples import EXAMPLE_HEADER, BadCursor, ObjectLayout, example_answer
from palomma_client.testing._fake_state import FakeState
from palomma_client.testing._faults import FaultKind
from palomma_client.testing._recording import RecordedRequest
from palomma_client.testing._spec import HTTP_METHODS, ApiSpec, Operation, SecurityScheme
from palomma_client.testing._state import (
    DuplicateReference,
    InvoiceQuery,
    UnlistedValue,
    initial_status,
    no_initial_status,
    note_unlisted,
)
from palomma_client.testing._validation import BadRequest, ValidRequest, decode_cursor, encode_cursor, request_cookies

__all__ = ["MODELED_OPERATIONS", "build_app", "installed_handlers", "json_response", "unmodelled_operations"]

UNAUTHORIZED_MESSAGE = "Invalid or missing token"

logger = logging.getLogger("palomma_client.testing")


def json_response(
    status: int, document: Any, headers: dict[str, str] | None = None, *, media_type: str = "application/json"
) -> Response:
    """Return a JSON response the way the API sends one (`application/json`, compact UTF-8)."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return Response(body, status_code=status, headers=headers, media_type=media_type)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"error": message}, headers)


def build_app(fake: FakeState) -> Starlette:
    """Build the ASGI app for a fake; it reads the fake's state on every request, so later changes apply.

    Args:
        fake: The state of the fake whose spec, invoices, keys, faults and clock the app serves.

    Returns:
        The Starlette app; mount it at the root, its routes live under the spec's base path.
    """
    api = _Api(fake, installed_handlers(fake.spec))
    # One route takes every path: the spec, not Starlette, decides what exists (404) and what a
    # path allows (405), and no trailing-slash redirect answers with a status the spec never lists.
    app = Starlette(
        routes=[Route("/{path:path}", api.answer, methods=[method.upper() for method in HTTP_METHODS])],
        exception_handlers={HTTPException: _http_exception, Exception: _unexpected_exception},
    )
    app.router.redirect_slashes = False
    app.add_middleware(_Gateway, fake=fake)
    return app


Handler = Callable[[FakeState, ValidRequest], Response]


class _Api:
    def __init__(self, fake: FakeState, handlers: Mapping[str, Handler]) -> None:
        self._fake = fake
        self._handlers = handlers
        # A modelled operation answered from the spec because a value its model writes is gone: each
        # such answer is noted, so that a test relying on the fake's state can say what it lacked.
        self._refusals = _refusals(fake.spec)

    async def answer(self, request: Request) -> Response:
        fake = self._fake
        operation, path_parameters, allowed = fake.spec.find(request.method, request.scope["path"])
        if operation is None:
            if allowed:
                return _error(405, "Method Not Allowed", {"Allow": ", ".join(allowed)})
            return _error(404, "Not Found")
        try:
            valid = fake.validator.validate(
                operation,
                path=path_parameters,
                query={name: request.query_params.getlist(name) for name in request.query_params},
                headers={name.lower(): value for name, value in request.headers.items()},
                content_type=request.headers.get("content-type"),
                body=await request.body(),
            )
            handler = self._handlers.get(operation.operation_id)
            if handler is not None:
                return handler(fake, valid)
            refusal = self._refusals.get(operation.operation_id)
            if refusal is not None:
                note_unlisted(refusal)
            answer = example_answer(
                fake.spec, operation, fake.clock.now(), accept=request.headers.get("accept", ""), query=valid.query
            )
        except (BadRequest, BadCursor) as error:
            return _error(400, str(error))
        headers = {**answer.headers, EXAMPLE_HEADER: answer.source}
        if answer.media_type is None or request.method == "HEAD":
            # An answer to HEAD has the headers of the GET's answer and never a body (RFC 9110 section 9.3.2).
            return Response(status_code=answer.status, headers=headers)
        if isinstance(answer.content, bytes):
            return Response(answer.content, status_code=answer.status, headers=headers, media_type=answer.media_type)
        if isinstance(answer.content, str) and answer.media_type.lower().startswith("text/"):
            body = answer.content.encode("utf-8")
            return Response(body, status_code=answer.status, headers=headers, media_type=answer.media_type)
        document = answer.content
        if isinstance(document, dict) and 200 <= answer.status < 300:
            # An example answers about the resource the path names, with what the body sent, as the API
            # would (the SDK checks an answer against its request).
            sent = valid.body if isinstance(valid.body, dict) else {}
            echoed = {**sent, **path_parameters}
            document = {**document, **{name: value for name, value in echoed.items() if name in document}}
        return json_response(answer.status, document, headers, media_type=answer.media_type)


# --- the operations the fake models ------------------------------------------------------------------


def _create_invoice(fake: FakeState, request: ValidRequest) -> Response:
    try:
        record = fake.store.create(request.body)
    except DuplicateReference as error:
        return _error(400, str(error))
    return json_response(request.operation.success_status, record.to_json())


def _list_invoices(fake: FakeState, request: ValidRequest) -> Response:
    query = request.query
    cursor = query.get("cursor")
    limit = query.get("limit")
    items, after = fake.store.page(
        InvoiceQuery(
            reference=query.get("reference"),
            customer_document_number=query.get("customerDocumentNumber"),
            contract=query.get("contract"),
            payment_date=_date(query, "paymentDate"),
            settlement_date=_date(query, "settlementDate"),
            settlement_cycle=query.get("settlementCycle"),
            limit=limit if isinstance(limit, int) else None,
            after=None if cursor is None else decode_cursor(str(cursor)),
        )
    )
    return json_response(
        request.operation.success_status,
        {
            "items": [item.to_json() for item in items],
            "cursor": None if after is None else encode_cursor(after),
            "count": len(items),
        },
    )


def _get_invoice(fake: FakeState, request: ValidRequest) -> Response:
    record = fake.store.get(str(request.path["id"]))
    if record is None:
        return _error(404, "Invoice not found")
    return json_response(request.operation.success_status, record.to_json())


def _get_settlement(fake: FakeState, request: ValidRequest) -> Response:
    settlement_date = _date(request.path, "date")
    assert settlement_date is not None
    settlement = fake.store.settlement(settlement_date, str(request.path["cycle"]))
    if settlement is None:
        return _error(404, "Settlement not found")
    return json_response(request.operation.success_status, settlement)


MODELED_OPERATIONS: dict[str, Handler] = {
    "createInvoice": _create_invoice,
    "listInvoices": _list_invoices,
    "getInvoice": _get_invoice,
    "getSettlement": _get_settlement,
}
"""The operations the fake answers from its state, by `operationId`; the spec's others get examples."""

# What a handler reads from the request: the operation must still have these for the handler to be installed.
_HANDLER_NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "createInvoice": (),
    "listInvoices": (),
    "getInvoice": (("path", "id"),),
    "getSettlement": (("path", "date"), ("path", "cycle")),
}


def installed_handlers(spec: ApiSpec) -> dict[str, Handler]:
    """Return the handlers of `MODELED_OPERATIONS` that the spec still lets the fake serve.

    A modelled operation the spec removed or renamed, or whose shape no longer fits its handler
    (a path parameter gone, no JSON body or answer, no status for a new invoice), is not installed: it
    is logged, and the rest of the fake works; such an operation is then answered from the spec like
    any other (see `unmodelled_operations`).
    """
    unmodelled = unmodelled_operations(spec)
    for operation_id, problem in unmodelled.items():
        logger.warning("The fake does not model %s: %s; it is answered from the spec, if at all", operation_id, problem)
    return {name: handler for name, handler in MODELED_OPERATIONS.items() if name not in unmodelled}


def unmodelled_operations(spec: ApiSpec) -> dict[str, str]:
    """Return each operation of `MODELED_OPERATIONS` the spec no longer lets the fake model, with why.

    Empty for the shipped spec. An operation named here is served from the spec's examples (or a
    value synthesized from its schema), if the spec still has it, and keeps no state.
    """
    unmodelled: dict[str, str] = {}
    for operation_id in MODELED_OPERATIONS:
        operation = spec.operation(operation_id)
        problem = "the spec has no such operation" if operation is None else _unfit(spec, operation_id, operation)
        if problem:
            unmodelled[operation_id] = problem
    return unmodelled


def _unfit(spec: ApiSpec, operation_id: str, operation: Operation) -> str:
    names = {(parameter.location, parameter.name) for parameter in operation.parameters}
    missing = [name for location, name in _HANDLER_NEEDS.get(operation_id, ()) if (location, name) not in names]
    if missing:
        return f"its {', '.join(missing)} parameter is gone"
    if operation.success is None or operation.success.schema_pointer is None:
        return "it has no JSON success response schema"
    if operation_id == "createInvoice" and (operation.body is None or operation.body.json_media_type() is None):
        return "it has no JSON request body"
    refusal = _refusals(spec).get(operation_id)
    return "" if refusal is None else str(refusal)


def _refusals(spec: ApiSpec) -> dict[str, UnlistedValue]:
    """The modelled operations whose model would write a value the spec does not list, with the refusal."""
    operation = spec.operation("createInvoice")
    if operation is None or operation.success is None or operation.success.schema_pointer is None:
        return {}
    layout = ObjectLayout(spec, operation.success.schema_pointer)
    if initial_status(layout) is not None:
        return {}
    return {"createInvoice": no_initial_status(layout, "create an invoice")}


def _date(values: dict[str, Any], name: str) -> date | None:
    value = values.get(name)
    if value is None:
        return None
    # The spec's `format: date` was checked already; this guards a spec that dropped the format.
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadRequest(f"{name}: {value!r} is not a 'date'") from None


# --- errors ---------------------------------------------------------------------------------------------


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(exc.status_code, exc.detail, dict(exc.headers or {}))


async def _unexpected_exception(request: Request, exc: Exception) -> Response:
    return _error(500, "Internal Server Error")


# --- the gateway ------------------------------------------------------------------------------------------


class _Gateway:
    """Records, applies faults and checks the bearer token before reading the body; only then does a route run.

    The body is read only for an authenticated request (or one a `fail_next` fault answers, to record
    it), and never beyond `fake.max_body_size`: a larger one is answered 413 without reading the rest.
    """

    def __init__(self, app: ASGIApp, fake: FakeState) -> None:
        self._app = app
        self._fake = fake

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        fake = self._fake
        record = RecordedRequest(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=_headers(scope),
            secret_headers=fake.spec.credential_headers,
        )
        fake.recorder.record(record)
        delay, failure = fake.faults.take(record.method, record.path)
        send = _recording_status(send, record, fake)
        failing = failure is not None and failure.kind is FaultKind.FAIL
        authorized, challenge = self._authorized(record)
        # The body is read as it arrives, before any delay: a request cancelled while the API
        # takes its time is still recorded with what it sent.
        read = await _read_body(receive, record.headers, fake.max_body_size) if authorized or failing else b""
        if read is not None:
            record.body = read
        if delay is not None:
            await fake.sleep(delay.seconds)
        if failure is not None and failure.kind is FaultKind.FAIL:
            await _answer_fault(failure.status, failure.message, failure.retry_after, scope, receive, send)
            return
        body = b""
        app: ASGIApp
        if not authorized:
            app = _error(401, UNAUTHORIZED_MESSAGE, {"WWW-Authenticate": challenge} if challenge else None)
        elif read is None:
            app = _error(413, f"Request body larger than {fake.max_body_size} bytes")
        else:
            body = read
            app = self._app
        replay = _replay(body, receive)
        if failure is None:
            await app(scope, replay, send)
            return
        # The request takes full effect; only its answer is lost and replaced by the fault's.
        await app(scope, replay, _discard)
        await _answer_fault(failure.status, failure.message, failure.retry_after, scope, receive, send)

    def _authorized(self, record: RecordedRequest) -> tuple[bool, str]:
        """Whether the request satisfies its operation's `security`, and the challenge to answer if not.

        A path the spec does not have is held to the document's own `security`, so an unauthenticated
        caller learns nothing about which paths exist.
        """
        spec = self._fake.spec
        operation, _, _ = spec.find(record.method, record.path)
        requirements = operation.security if operation is not None else spec.document_security
        if not requirements or any(not requirement for requirement in requirements):
            return True, ""
        for requirement in requirements:
            if all(self._satisfies(name, record) for name in requirement):
                return True, ""
        kinds = {
            spec.security_schemes.get(name, _NO_SCHEME).kind for requirement in requirements for name in requirement
        }
        return False, ", ".join(challenge for kind, challenge in _CHALLENGES.items() if kind in kinds)

    def _satisfies(self, name: str, record: RecordedRequest) -> bool:
        scheme = self._fake.spec.security_schemes.get(name)
        if scheme is None:
            return False
        keys = self._fake.api_keys
        if scheme.kind == "bearer":
            kind, _, token = record.headers.get("authorization", "").partition(" ")
            return kind.lower() == "bearer" and token.strip() in keys
        if scheme.kind == "header":
            return record.headers.get(scheme.parameter.lower(), "").strip() in keys
        if scheme.kind == "query":
            return any(value in keys for value in parse_qs(record.query).get(scheme.parameter, []))
        if scheme.kind == "cookie":
            return request_cookies(record.headers).get(scheme.parameter) in keys
        if scheme.kind == "basic":
            # Any user name, with an accepted key as its password: the fake hands out keys, not accounts.
            kind, _, token = record.headers.get("authorization", "").partition(" ")
            try:
                username, colon, password = base64.b64decode(token.strip(), validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False
            return kind.lower() == "basic" and bool(username) and bool(colon) and password in keys
        return False  # oauth2, openIdConnect: no credential the fake hands out fits them


_NO_SCHEME = SecurityScheme(name="", kind="")
# The `WWW-Authenticate` challenge of each HTTP scheme (RFC 9110 section 11.6.1).
_CHALLENGES = {"bearer": "Bearer", "basic": 'Basic realm="palomma", charset="UTF-8"'}


async def _answer_fault(
    status: int, message: str, retry_after: str | None, scope: Scope, receive: Receive, send: Send
) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    await _error(status, message, headers)(scope, receive, send)


async def _read_body(receive: Receive, headers: Mapping[str, str], limit: int) -> bytes | None:
    """Read the whole body, or return `None` as soon as it is known to exceed `limit` bytes."""
    declared = headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
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


def _recording_status(send: Send, record: RecordedRequest, fake: FakeState) -> Send:
    async def recording(message: Message) -> None:
        if message["type"] == "http.response.start":
            record.status = message["status"]
            # Every answer says the time on the fake's clock, as an HTTP server with a clock does
            # (RFC 9110, 6.6.1): the SDK reads the API's time from it.
            date = format_datetime(fake.clock.now(), usegmt=True).encode("latin-1")
            message = {**message, "headers": [*message.get("headers", []), (b"date", date)]}
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
