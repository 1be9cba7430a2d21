"""aiohttp glue: one shared client for the app's lifetime, under a typed key, and error answers.

Install with ``pip install 'palomma-client[aiohttp]'``::

    from aiohttp import web

    from palomma_client.aiohttp import PALOMMA_CLIENT, error_middleware, palomma_context

    async def invoice(request: web.Request) -> web.Response:
        found = await request.app[PALOMMA_CLIENT].invoices.get(request.match_info["invoice_id"])
        return web.json_response(found.to_dict())       # a NotFoundError answers 404

    app = web.Application(middlewares=[error_middleware])
    app.cleanup_ctx.append(palomma_context())        # PalommaClient() from the environment
    app.router.add_get("/invoices/{invoice_id}", invoice)

``error_middleware`` answers every SDK error a handler raises with a status
that tells the caller what to do, and a JSON body
``{"error": "...", "type": "...", ...}`` that never holds a header, the API
key, or more than 200 characters of an upstream body. The table of statuses
is in ``palomma_client._http_answers`` (the one mapping both frameworks
share) and on the docs' FastAPI and aiohttp page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

try:
    from aiohttp import web
    from aiohttp.typedefs import Handler
except ImportError as error:
    raise ImportError(
        "palomma_client.aiohttp needs aiohttp: pip install 'palomma-client[aiohttp]'", name=error.name
    ) from error

from palomma_client._client import PalommaClient
from palomma_client._exceptions import PalommaError
from palomma_client._http_answers import http_answer
from palomma_client.webhooks._constants import MAX_WEBHOOK_HEADER_BYTES
from palomma_client.webhooks._limits import check_header_size, read_limited_body

__all__ = ["PALOMMA_CLIENT", "WEBHOOK_HANDLER_ARGS", "error_middleware", "palomma_context", "read_webhook_body"]

PALOMMA_CLIENT = web.AppKey("palomma_client", PalommaClient)
"""The app key of the shared client while the app runs: ``request.app[PALOMMA_CLIENT]``."""

ClientFactory = Callable[[], PalommaClient]

WEBHOOK_HANDLER_ARGS: Final[Mapping[str, Any]] = MappingProxyType(
    {"max_line_size": MAX_WEBHOOK_HEADER_BYTES, "max_field_size": MAX_WEBHOOK_HEADER_BYTES}
)
"""Server options that let a delivery with headers up to ``MAX_WEBHOOK_HEADER_BYTES`` reach the app.

aiohttp's server refuses a header line over 8,190 bytes with a 400 before any
handler runs, and Palomma would repeat such a delivery forever. Pass these as
``web.run_app(app, handler_args=WEBHOOK_HANDLER_ARGS)`` (or
``web.AppRunner(app, **WEBHOOK_HANDLER_ARGS)``); `read_webhook_body` then
decides, as the FastAPI glue does.
"""


def palomma_context(
    client_factory: ClientFactory = PalommaClient,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Return a cleanup context that opens one shared client at startup and closes it at cleanup.

    Append it with ``app.cleanup_ctx.append(palomma_context())``; handlers
    then read the client as ``request.app[PALOMMA_CLIENT]``, all sharing one
    connection pool. Other cleanup contexts of the app run around it in the
    order they were appended.

    Args:
        client_factory: Makes the client; called once per startup. Defaults to ``PalommaClient``,
            which reads ``PALOMMA_API_KEY`` and ``PALOMMA_ENVIRONMENT``. Tests pass a factory of a
            client wired to the fake API (``palomma_fake.client``).

    Returns:
        An async generator function of the app, for ``app.cleanup_ctx``.
    """

    async def palomma_client(app: web.Application) -> AsyncIterator[None]:
        # The app is frozen by cleanup time, so the closed client stays under its key: a late use
        # raises ClientClosedError.
        async with client_factory() as palomma:
            app[PALOMMA_CLIENT] = palomma
            yield

    return palomma_client


async def read_webhook_body(request: web.Request) -> bytes:
    """Read a webhook delivery's raw body, refusing one over the limits before it fills memory.

    Use it instead of ``await request.read()`` in the webhook handler:
    ``request.read()`` answers 413 above the app's ``client_max_size`` (1 MiB),
    which Palomma would retry forever. This checks the headers against
    ``MAX_WEBHOOK_HEADER_BYTES`` and reads the body only up to
    ``MAX_WEBHOOK_BODY_BYTES``, the same limits as `WebhookReceiver` and the
    FastAPI glue. With `error_middleware`, the error is answered 200 (and was
    logged), so that Palomma stops repeating a delivery that would always be refused.

    Args:
        request: The webhook request.

    Returns:
        The raw body, byte for byte, for ``WebhookReceiver.process``.

    Raises:
        WebhookTooLargeError: The headers or the body are over the limits.
    """
    check_header_size(request.raw_headers)
    return await read_limited_body(request.content.iter_any(), request.headers.get("Content-Length"))


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer every SDK error a handler raises as the module's table says.

    Args:
        request: The request.
        handler: The next handler.

    Returns:
        The handler's response, or the answer to the SDK error it raised.
    """
    try:
        return await handler(request)
    except PalommaError as error:
        answer = http_answer(error)
        return web.json_response(answer.body, status=answer.status, headers=answer.headers)
