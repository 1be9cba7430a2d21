"""FastAPI glue: one shared client for the app's lifetime, a dependency that returns it, and error answers.

Install with ``pip install 'palomma-client[fastapi]'``::

    from typing import Annotated

    from fastapi import Depends, FastAPI

    from palomma_client import Invoice, PalommaClient
    from palomma_client.fastapi import add_exception_handlers, get_palomma, palomma_lifespan

    app = FastAPI(lifespan=palomma_lifespan())      # PalommaClient() from the environment
    add_exception_handlers(app)

    Palomma = Annotated[PalommaClient, Depends(get_palomma)]

    @app.get("/invoices/{invoice_id}")
    async def invoice(invoice_id: str, palomma: Palomma) -> Invoice:
        return await palomma.invoices.get(invoice_id)  # a NotFoundError answers 404

A webhook route reads its body with ``await read_webhook_body(request)``, which
holds deliveries to the same size limits as the aiohttp glue.

After ``add_exception_handlers``, the app answers every SDK error a route or
dependency raises with a status that tells the caller what to do, and a JSON
body ``{"error": "...", "type": "...", ...}`` that never holds a header, the
API key, or more than 200 characters of an upstream body. The table of
statuses is in ``palomma_client._http_answers`` (the one mapping both
frameworks share) and on the docs' FastAPI and aiohttp page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

try:
    import fastapi  # noqa: F401 - the extra this module needs; Starlette comes with it
    from starlette.applications import Starlette
    from starlette.requests import HTTPConnection, Request
    from starlette.responses import JSONResponse, Response
except ImportError as error:
    raise ImportError(
        "palomma_client.fastapi needs FastAPI: pip install 'palomma-client[fastapi]'", name=error.name
    ) from error

from palomma_client._client import PalommaClient
from palomma_client._exceptions import PalommaError
from palomma_client._http_answers import http_answer
from palomma_client.webhooks._limits import check_header_size, read_limited_body

__all__ = ["STATE_ATTRIBUTE", "add_exception_handlers", "get_palomma", "palomma_lifespan", "read_webhook_body"]

STATE_ATTRIBUTE = "palomma"
"""The attribute of ``app.state`` that holds the shared client while the app runs."""

ClientFactory = Callable[[], PalommaClient]


def palomma_lifespan(
    client_factory: ClientFactory = PalommaClient,
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Return a lifespan that opens one shared client at startup and closes it at shutdown.

    Pass it as ``FastAPI(lifespan=palomma_lifespan())``. Every request then
    borrows the same client (one connection pool) through `get_palomma`. To
    combine it with a lifespan of your own, enter it inside yours::

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with palomma_lifespan(make_client)(app), open_database() as database:
                app.state.database = database
                yield

    Args:
        client_factory: Makes the client; called once per startup. Defaults to ``PalommaClient``,
            which reads ``PALOMMA_API_KEY`` and ``PALOMMA_ENVIRONMENT``. Tests pass a factory of a
            client wired to the fake API (``palomma_fake.client``).

    Returns:
        A function of the app returning an async context manager, which stores the client on
        ``app.state.palomma`` while it is open and closes it on exit.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with client_factory() as palomma:
            setattr(app.state, STATE_ATTRIBUTE, palomma)
            try:
                yield
            finally:
                # A closed client left behind would fail later with a less telling error.
                delattr(app.state, STATE_ATTRIBUTE)

    return lifespan


def get_palomma(connection: HTTPConnection) -> PalommaClient:
    """Return the app's shared client, for ``Annotated[PalommaClient, Depends(get_palomma)]``.

    Replace it in tests with ``app.dependency_overrides[get_palomma] = lambda: client``.

    Args:
        connection: The request (or websocket), given by FastAPI.

    Returns:
        The client `palomma_lifespan` opened.

    Raises:
        RuntimeError: The app is not running with `palomma_lifespan`, so there is no client.
    """
    palomma = getattr(connection.app.state, STATE_ATTRIBUTE, None)
    if not isinstance(palomma, PalommaClient):
        raise RuntimeError(
            "no PalommaClient on app.state: create the app with FastAPI(lifespan=palomma_lifespan(...)), "
            "and run its lifespan (TestClient does so inside a `with` block)"
        )
    return palomma


def add_exception_handlers(app: Starlette) -> None:
    """Answer every SDK error a route or dependency raises as the module's table says.

    Args:
        app: The FastAPI (or Starlette) app.
    """
    app.add_exception_handler(PalommaError, _answer_palomma_error)


async def read_webhook_body(request: Request) -> bytes:
    """Read a webhook delivery's raw body, refusing one over the limits before it fills memory.

    Use it instead of ``await request.body()`` in the webhook route: the headers
    are checked against ``MAX_WEBHOOK_HEADER_BYTES``, and the body is read only
    up to ``MAX_WEBHOOK_BODY_BYTES``, the same limits as `WebhookReceiver` and
    the aiohttp glue. With `add_exception_handlers`, the error is answered 200
    (and was logged), so that Palomma stops repeating a delivery that would
    always be refused.

    Args:
        request: The webhook request.

    Returns:
        The raw body, byte for byte, for ``WebhookReceiver.process``.

    Raises:
        WebhookTooLargeError: The headers or the body are over the limits.
    """
    check_header_size(request.headers.raw)
    return await read_limited_body(request.stream(), request.headers.get("content-length"))


async def _answer_palomma_error(request: Request, error: Exception) -> Response:
    if not isinstance(error, PalommaError):  # registered for PalommaError only; the type says Exception
        raise error
    answer = http_answer(error)
    return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)
