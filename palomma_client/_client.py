"""``PalommaClient``: configuration, the connection pool, and the resources."""

from __future__ import annotations

import asyncio
import os
from types import TracebackType
from typing import Self

import httpx2

from palomma_client._base_client import PoolGate, Sleep, TimeoutOption, Transport
from palomma_client._environments import Environment, resolve_base_url
from palomma_client._exceptions import InvalidParameterError
from palomma_client._invoices import Invoices
from palomma_client._retry import DEFAULT_MAX_RETRIES
from palomma_client._settlements import Settlements
from palomma_client._version import __version__

__all__ = ["DEFAULT_CONNECTION_LIMITS", "DEFAULT_TIMEOUT", "PalommaClient"]

DEFAULT_TIMEOUT = httpx2.Timeout(30.0, connect=5.0)
"""30 seconds to read, write or wait for a pooled connection, 5 to connect: never forever."""

DEFAULT_CONNECTION_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=100)
"""Keep every pooled connection alive, so bursts of concurrent calls reuse them."""

USER_AGENT = f"palomma-client-python/{__version__}"


def _check_api_key(api_key: object) -> str:
    # The message never quotes the key: a wrong key is still a secret.
    if not isinstance(api_key, str) or not api_key:
        raise InvalidParameterError(
            "api_key", "no API key given: pass api_key=... to PalommaClient or set PALOMMA_API_KEY"
        )
    if not api_key.isascii() or not api_key.isprintable() or any(character.isspace() for character in api_key):
        raise InvalidParameterError("api_key", "must be printable ASCII with no spaces or line breaks")
    return api_key


def _check_timeout(timeout: object) -> float | httpx2.Timeout:
    if isinstance(timeout, httpx2.Timeout):
        return timeout
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
        return float(timeout)
    raise InvalidParameterError(
        "timeout", f"must be a positive number of seconds or an httpx2.Timeout, got {timeout!r}"
    )


def _bounded(timeout: httpx2.Timeout) -> bool:
    return None not in (timeout.connect, timeout.read, timeout.write, timeout.pool)


def _check_max_retries(max_retries: object) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidParameterError("max_retries", f"must be a whole number of at least 0, got {max_retries!r}")
    return max_retries


class PalommaClient:
    """The async client for the Palomma Rentals API.

    Open one per process (or per service lifespan) and share it: it is safe
    across any number of concurrent tasks and keeps one connection pool::

        async with PalommaClient(environment="sandbox") as palomma:
            invoice = await palomma.invoices.get("01HQY8EW1H9YGH5PAV5Y2M9R3T")

    Attributes:
        invoices: Create, get and list invoices.
        settlements: Get settlements by date and cycle.
        base_url: The API's base URL this client sends to.
        environment: The chosen environment, or ``None`` when ``base_url`` overrides it.
        max_retries: How many times a failed call is retried.
        timeout: The timeout of each request.
    """

    invoices: Invoices
    settlements: Settlements

    def __init__(
        self,
        api_key: str | None = None,
        *,
        environment: str | Environment | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx2.AsyncClient | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """Configure a client; no request is sent until a method is awaited.

        Args:
            api_key: Your Palomma API key; defaults to the ``PALOMMA_API_KEY`` environment variable.
            environment: ``"production"`` or ``"sandbox"`` (or an ``Environment``); defaults to
                ``PALOMMA_ENVIRONMENT``, then production.
            base_url: Send to this URL instead (a proxy, a local fake); defaults to ``PALOMMA_BASE_URL``.
                Overrides ``environment``.
            timeout: Seconds (or an ``httpx2.Timeout``) for each request; defaults to ``DEFAULT_TIMEOUT``,
                or to the timeout of ``http_client`` when you pass one.
            max_retries: How many times to retry a failed call that is safe to retry (default 2).
            http_client: An ``httpx2.AsyncClient`` of yours, used as given (transport, proxies, limits)
                and never closed by this client.
            transport: An httpx2 transport for the client this one creates, such as ``httpx2.MockTransport``
                or ``httpx2.ASGITransport`` in tests. Not combined with ``http_client``.
            sleep: The coroutine function that waits between retries; tests replace it to avoid waiting.

        Raises:
            InvalidParameterError: No API key was given or found in the environment, or an option is
                invalid, such as an unknown environment name.
        """
        key = _check_api_key(api_key if api_key is not None else os.environ.get("PALOMMA_API_KEY"))
        self.environment, self.base_url = resolve_base_url(environment, base_url)
        self.max_retries = _check_max_retries(max_retries)
        if http_client is not None and transport is not None:
            raise InvalidParameterError("transport", "give either http_client or transport, not both")
        if http_client is not None and not isinstance(http_client, httpx2.AsyncClient):
            raise InvalidParameterError(
                "http_client", f"must be an httpx2.AsyncClient, got {type(http_client).__name__}"
            )
        if timeout is not None:
            self.timeout: float | httpx2.Timeout = _check_timeout(timeout)
        elif http_client is not None and _bounded(http_client.timeout):
            self.timeout = http_client.timeout
        else:
            self.timeout = DEFAULT_TIMEOUT
        owns_http = http_client is None
        headers = {"Authorization": f"Bearer {key}", "User-Agent": USER_AGENT}
        if http_client is None:
            # The pool we own carries the fixed headers, so requests need not;
            # a pool of the user's is never changed, and gets them per request.
            http_client = httpx2.AsyncClient(
                timeout=self.timeout, limits=DEFAULT_CONNECTION_LIMITS, transport=transport, headers=headers
            )
        # Only pass a timeout with each request where the pool's own differs:
        # building one per request costs time on every call.
        self._request_timeout: TimeoutOption = (
            httpx2.USE_CLIENT_DEFAULT if httpx2.Timeout(self.timeout) == http_client.timeout else self.timeout
        )
        # Only the network pool created here has limits we know; a transport
        # passed in (a mock, an ASGI app) or a pool of the user's is left as it is.
        pool_size = DEFAULT_CONNECTION_LIMITS.max_connections
        self._transport = Transport(
            http_client,
            owns_http=owns_http,
            base_url=self.base_url,
            headers=headers,
            headers_on_pool=owns_http,
            gate=PoolGate(pool_size) if owns_http and transport is None and pool_size else None,
        )
        self._sleep = sleep
        self.invoices = Invoices(self)
        self.settlements = Settlements(self)

    def with_options(
        self, *, timeout: float | httpx2.Timeout | None = None, max_retries: int | None = None
    ) -> PalommaClient:
        """Return a client with other defaults that shares this one's connection pool and key.

        ``palomma.with_options(max_retries=0).invoices.get(id)`` changes one call's
        behaviour without a second pool. Closing the copy does not close the pool:
        the original owns it.

        Args:
            timeout: The new timeout, or ``None`` to keep this client's.
            max_retries: The new retry count, or ``None`` to keep this client's.

        Returns:
            The new client.
        """
        copy = object.__new__(PalommaClient)
        copy.environment = self.environment
        copy.base_url = self.base_url
        copy.max_retries = self.max_retries if max_retries is None else _check_max_retries(max_retries)
        if timeout is None:
            copy.timeout = self.timeout
            copy._request_timeout = self._request_timeout
        else:
            copy.timeout = copy._request_timeout = _check_timeout(timeout)
        copy._transport = Transport(
            self._transport.http,
            owns_http=False,
            base_url=self.base_url,
            headers=self._transport.headers,
            headers_on_pool=self._transport.headers_on_pool,
            gate=self._transport.gate,
        )
        copy._sleep = self._sleep
        copy.invoices = Invoices(copy)
        copy.settlements = Settlements(copy)
        return copy

    def _timeout_for(self, timeout: float | httpx2.Timeout | None) -> TimeoutOption:
        return self._request_timeout if timeout is None else _check_timeout(timeout)

    @property
    def is_closed(self) -> bool:
        """Whether ``close()`` has closed the connection pool this client created."""
        return self._transport.closed

    async def close(self) -> None:
        """Close the connection pool if this client created it; an ``http_client`` of yours stays open."""
        await self._transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        target = f"environment={self.environment.value!r}" if self.environment else f"base_url={self.base_url!r}"
        return f"PalommaClient({target}, max_retries={self.max_retries}, timeout={self.timeout!r})"
