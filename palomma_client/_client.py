"""``PalommaClient``: configuration, the connection pool, and the resources."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx2

if TYPE_CHECKING:
    import aiohttp

from palomma_client._auth import Credentials
from palomma_client._backends import BACKENDS, PoolSettings, factory_for, factory_named
from palomma_client._base_client import APIRequester, RequestSettings
from palomma_client._constants import (
    CREATE_LOOKUP_GRACE_PERIOD,
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
)
from palomma_client._environments import Environment, resolve_base_url
from palomma_client._exceptions import InvalidParameterError
from palomma_client._generated.api import GeneratedResources
from palomma_client._generated.version import __version__
from palomma_client._http import ACCEPTED_ENCODINGS, Backend
from palomma_client._policies import OPERATION_POLICIES
from palomma_client._request import ApiRequest, Sleep, TimeoutOption
from palomma_client._resource import APIResource, request_options
from palomma_client._resources import Invoices, Settlements
from palomma_client._secrets import redacted_headers
from palomma_client._validation import check_headers, check_max_retries, check_timeout, path_segment

__all__ = ["PalommaClient"]

DEFAULT_BACKEND = next(iter(BACKENDS))

USER_AGENT = f"palomma-client-python/{__version__}"

T = TypeVar("T")


def _check_max_response_bytes(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidParameterError("max_response_bytes", f"must be a positive whole number of bytes, got {limit!r}")
    return limit


class PalommaClient(GeneratedResources):
    """The async client for the Palomma Rentals API.

    Open one per process (or per service lifespan) and share it: it is safe
    across any number of concurrent tasks and keeps one connection pool::

        async with PalommaClient(environment="sandbox") as palomma:
            invoice = await palomma.invoices.get("01HQY8EW1H9YGH5PAV5Y2M9R3T")

    Its resources (``palomma.invoices``, ``palomma.settlements``) have one
    method per operation of the API's spec, generated from it.

    Attributes:
        invoices: Create, get and list invoices.
        settlements: Get settlements by date and cycle.
    """

    invoices: Invoices
    settlements: Settlements

    # The generated resources, with the hand-written workflows of two of them.
    RESOURCE_CLASSES: ClassVar[Mapping[str, type[APIResource]]] = {
        **GeneratedResources.RESOURCE_CLASSES,
        "invoices": Invoices,
        "settlements": Settlements,
    }

    def __init__(
        self,
        api_key: str | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        credentials: Mapping[str, str | tuple[str, str]] | None = None,
        environment: str | Environment | None = None,
        server_variables: Mapping[str, str] | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx2.AsyncClient | aiohttp.ClientSession | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        default_headers: Mapping[str, str] | None = None,
        lookup_grace_period: float = CREATE_LOOKUP_GRACE_PERIOD,
        sleep: Sleep = asyncio.sleep,
        backend: str | None = None,
    ) -> None:
        """Configure a client; no request is sent until a method is awaited.

        Args:
            api_key: Your Palomma API key; defaults to the ``PALOMMA_API_KEY`` environment variable. It is
                sent in whichever way each operation's security scheme asks (``Authorization: Bearer``,
                an API key header or cookie).
            username: The user name of the spec's HTTP basic schemes, if it has any; defaults to the
                ``PALOMMA_USERNAME`` environment variable. Given with ``password``.
            password: The password that goes with ``username``; defaults to ``PALOMMA_PASSWORD``.
            credentials: A secret for each security scheme of the spec that takes its own, by the
                scheme's name (``{"partnerKey": "..."}``, a ``(username, password)`` pair for HTTP
                basic); it wins over ``api_key``, ``username`` and ``password`` for that scheme.
                Needed only when the API's schemes take different secrets: see docs/client.md.
            environment: ``"production"`` or ``"sandbox"`` (or an ``Environment``); defaults to
                ``PALOMMA_ENVIRONMENT``, then production.
            server_variables: Values of the variables of the environment's URL, where the spec's server
                has them (``{"region": "co"}``); each is checked against the values the spec allows, and
                the spec's defaults fill in the others.
            base_url: Send to this URL instead (a proxy, a local fake); defaults to ``PALOMMA_BASE_URL``.
                Overrides ``environment``.
            timeout: Seconds (or an ``httpx2.Timeout``) for each request; defaults to ``DEFAULT_TIMEOUT``,
                or to the timeout of ``http_client`` when you pass one.
            max_retries: How many times to retry a failed call that is safe to retry (default 2).
            http_client: An ``httpx2.AsyncClient`` or an ``aiohttp.ClientSession`` of yours, used as given
                (TLS and client certificates, proxy, limits) and never closed by this client. It picks the
                backend: the library it belongs to.
            transport: An httpx2 transport for the client this one creates, such as ``httpx2.MockTransport``
                or ``httpx2.ASGITransport`` in tests. Not combined with ``http_client``.
            max_response_bytes: The largest answer read, counted after decompression; a larger one raises
                ``ResponseTooLargeError`` (default 8 MiB: a page of 100 invoices is about 60 KB).
            default_headers: Headers to send with every request, such as a correlation id. A
                ``User-Agent`` given here is kept, with the SDK's own token appended; ``Authorization``
                and the other credential headers cannot be set this way.
            lookup_grace_period: After a create that may have taken effect, how many seconds the SDK keeps
                looking the invoice's reference up before it creates again (default 10). Set it to at
                least how long the API may take to list a new invoice: the at-most-once guarantee rests on it.
            sleep: The coroutine function that waits between retries; tests replace it to avoid waiting.
            backend: For the pool this client makes: ``"httpx"`` (the default, ``None``) sends through httpx2;
                ``"aiohttp"`` sends through aiohttp, installed by the ``aiohttp`` extra, with the same
                behaviour. ``transport`` is httpx2's, so it goes with ``"httpx"`` only.

        Raises:
            InvalidParameterError: No API key, user name and password or credentials were given or found
                in the environment, only one of a user name and a password was, a ``credentials`` name is
                not a security scheme of the spec, a secret cannot be sent where its scheme puts it, or an option is
                invalid, such as an unknown environment name, or the aiohttp backend is asked for without
                its extra installed.
        """
        secrets = Credentials.from_arguments(api_key, credentials, os.environ, username=username, password=password)
        environment_chosen, url = resolve_base_url(environment, base_url, server_variables)
        retries = check_max_retries(max_retries)
        response_limit = _check_max_response_bytes(max_response_bytes)
        if isinstance(lookup_grace_period, bool) or not isinstance(lookup_grace_period, int | float):
            raise InvalidParameterError("lookup_grace_period", "must be a number of seconds")
        if not 0 <= lookup_grace_period < float("inf"):
            raise InvalidParameterError(
                "lookup_grace_period", f"must be finite and at least 0, got {lookup_grace_period}"
            )
        if http_client is not None and transport is not None:
            raise InvalidParameterError("transport", "give either http_client or transport, not both")
        if http_client is not None:
            name, factory = factory_for(http_client)
            if backend is not None and backend != name:
                raise InvalidParameterError(
                    "backend", f"the http_client given is for backend={name!r}; leave backend out or make them agree"
                )
        else:
            factory = factory_named(DEFAULT_BACKEND if backend is None else backend)
        if timeout is not None:
            chosen_timeout: float | httpx2.Timeout = check_timeout(timeout)
        else:
            given_timeout = None if http_client is None else factory.client_timeout(http_client)
            chosen_timeout = DEFAULT_TIMEOUT if given_timeout is None else given_timeout
        defaults = {} if default_headers is None else _check_default_headers(default_headers)
        headers = _client_headers(secrets, defaults)
        pool = PoolSettings(url, headers, chosen_timeout, DEFAULT_CONNECTION_LIMITS, transport)
        sender = factory.create(pool) if http_client is None else factory.adopt(http_client, pool)
        self._setup(
            environment=environment_chosen,
            base_url=url,
            backend=sender,
            owns_backend=True,
            default_headers=defaults,
            lookup_grace_period=float(lookup_grace_period),
            headers=headers,
            credentials=secrets,
            timeout=chosen_timeout,
            max_retries=retries,
            max_response_bytes=response_limit,
            sleep=sleep,
        )

    def _setup(
        self,
        *,
        environment: Environment | None,
        base_url: str,
        backend: Backend,
        owns_backend: bool,
        default_headers: Mapping[str, str],
        lookup_grace_period: float,
        headers: Mapping[str, str],
        credentials: Credentials,
        timeout: float | httpx2.Timeout,
        max_retries: int,
        max_response_bytes: int,
        sleep: Sleep,
    ) -> None:
        """Set every attribute of a client: the one place ``__init__`` and ``with_options`` build one."""
        self._environment = environment
        self._base_url = base_url
        self._backend = backend
        self._owns_backend = owns_backend
        self._default_headers = default_headers
        self._lookup_grace_period = lookup_grace_period
        self._timeout = timeout
        # Only pass a timeout with each request where the pool's own differs:
        # building one per request costs time on every call.
        request_timeout: TimeoutOption = None if httpx2.Timeout(timeout) == backend.timeout else timeout
        settings = RequestSettings(
            base_url=base_url,
            headers=headers,
            credentials=credentials,
            headers_on_pool=backend.pool_headers is not None and headers == backend.pool_headers,
            timeout=request_timeout,
            default_timeout=timeout,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
            sleep=sleep,
            lookup_grace_period=lookup_grace_period,
        )
        self._requester = APIRequester(backend, settings, OPERATION_POLICIES)
        self._bind_resources(self._requester)

    @property
    def environment(self) -> Environment | None:
        """The chosen environment, or ``None`` when ``base_url`` overrides it."""
        return self._environment

    @property
    def base_url(self) -> str:
        """The API's base URL this client sends to, ``/v1`` included."""
        return self._base_url

    @property
    def timeout(self) -> float | httpx2.Timeout:
        """The timeout of each request; ``with_options(timeout=...)`` gives a client with another."""
        return self._timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried; ``with_options(max_retries=...)`` gives another."""
        return self._requester.settings.max_retries

    def with_options(
        self,
        *,
        api_key: str | None = None,
        username: str | None = None,
        password: str | None = None,
        credentials: Mapping[str, str | tuple[str, str]] | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> PalommaClient:
        """Return a client with other settings that shares this one's connection pool.

        ``palomma.with_options(max_retries=0).invoices.get(id)`` changes one call's
        behaviour without a second pool; ``palomma.with_options(api_key=merchant_key)``
        serves another merchant on the same connections. Closing the copy does
        not close the pool: the original owns it.

        Args:
            api_key: Another API key, or ``None`` to keep this client's.
            username: Another user name of HTTP basic, given with ``password``; ``None`` keeps this client's.
            password: The password that goes with ``username``.
            credentials: Secrets by security scheme merged over this client's own, or ``None``.
            base_url: Another base URL, or ``None`` to keep this client's.
            timeout: The new timeout, or ``None`` to keep this client's.
            max_retries: The new retry count, or ``None`` to keep this client's.
            default_headers: Headers merged over this client's own ``default_headers``.

        Returns:
            The new client.

        Raises:
            InvalidParameterError: An option is invalid.
        """
        settings = self._requester.settings
        headers = settings.headers
        defaults = self._default_headers
        secrets = settings.credentials
        changed = (api_key, username, password, credentials, default_headers)
        if any(option is not None for option in changed):
            secrets = secrets.replaced(api_key, credentials, username, password)
            defaults = {**defaults, **_check_default_headers(default_headers or {})}
            headers = _client_headers(secrets, defaults)
        environment, url = (self._environment, self._base_url) if base_url is None else resolve_base_url(None, base_url)
        copy = type(self).__new__(type(self))
        copy._setup(  # noqa: SLF001  # a new instance of this class
            environment=environment,
            base_url=url,
            backend=self._backend,
            # The original owns the pool: closing the copy leaves it open.
            owns_backend=False,
            default_headers=defaults,
            lookup_grace_period=self._lookup_grace_period,
            headers=headers,
            credentials=secrets,
            timeout=self._timeout if timeout is None else check_timeout(timeout),
            max_retries=settings.max_retries if max_retries is None else check_max_retries(max_retries),
            max_response_bytes=settings.max_response_bytes,
            sleep=settings.sleep,
        )
        return copy

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        cast_to: type[T] | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int | None = None,
    ) -> Any:
        """Call any path of the API, for an operation this version of the SDK does not have yet.

        The request gets the client's base URL, auth, timeout, error mapping
        and logging. It is retried only where a repeat cannot do harm: a GET
        on any retryable failure, another method only when it never reached
        the server::

            invoice = await palomma.request(
                "POST", "/invoices/{id}/cancel", path_params={"id": invoice.id}, cast_to=Invoice
            )

        Args:
            method: The HTTP method, such as ``"POST"``.
            path: The path below the base URL, with ``{name}`` for each path parameter.
            path_params: The value of each ``{name}``; each is quoted as one path segment.
            params: Query parameters.
            json: The JSON body, or ``None`` for none.
            cast_to: A model class of the SDK (anything with ``from_dict``) to parse the answer into;
                ``None`` returns the decoded JSON.
            extra_headers: Headers to add to this call's requests; ``None`` as a value removes one.
            timeout: Overrides the client's timeout for each attempt of this call.
            max_retries: Overrides the client's ``max_retries`` for this call.

        Returns:
            The parsed answer: a ``cast_to`` instance, or the decoded JSON.

        Raises:
            InvalidParameterError: The method, path or a path parameter is malformed; nothing was sent.
            APIStatusError: The API answered with an error status.
            APIConnectionError: The API could not be reached, after retries.
            APIResponseValidationError: The answer is not JSON, or does not fit ``cast_to``.
        """
        if not isinstance(method, str) or not method.isalpha():
            raise InvalidParameterError("method", f"must be an HTTP method such as 'GET', got {method!r}")
        if not isinstance(path, str) or not path.startswith("/"):
            raise InvalidParameterError("path", f"must start with '/', got {path!r}")
        filled = path
        for name, value in (path_params or {}).items():
            if "{" + name + "}" not in filled:
                raise InvalidParameterError("path_params", f"{name!r} is not a parameter of {path!r}")
            filled = filled.replace("{" + name + "}", path_segment(f"path_params[{name!r}]", str(value)))
        if "{" in filled or "}" in filled:
            raise InvalidParameterError("path_params", f"no value given for a parameter of {path!r}")
        from_dict = getattr(cast_to, "from_dict", None)

        def parse(status_code: int, data: Any) -> Any:
            return data if from_dict is None else from_dict(data)

        api_request = ApiRequest(None, method.upper(), filled, dict(params) if params else None, json, template=path)
        options = request_options(
            extra_headers=extra_headers, extra_query=None, extra_body=None, timeout=timeout, max_retries=max_retries
        )
        return await self._requester.send(api_request, parse, options)

    @property
    def is_closed(self) -> bool:
        """Whether the connection pool this client sends through is closed."""
        return self._backend.is_closed

    async def close(self) -> None:
        """Close the connection pool if this client created it; an ``http_client`` of yours stays open.

        A copy from ``with_options`` shares its original's pool and leaves it open.
        """
        if self._owns_backend:
            await self._backend.aclose()

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
        target = (
            f"environment={self._environment.value!r}"
            if self._environment
            else f"base_url={_without_credentials(self._base_url)!r}"
        )
        return f"PalommaClient({target}, max_retries={self.max_retries}, timeout={self._timeout!r})"


def _check_default_headers(headers: object) -> dict[str, str]:
    checked = check_headers("default_headers", headers, allow_none=False)
    return {name: value for name, value in checked.items() if value is not None}


def _client_headers(credentials: Credentials, defaults: Mapping[str, str]) -> _Headers:
    """The headers every request of a client carries: its credentials, the User-Agent, and the caller's defaults."""
    headers = _Headers({**credentials.headers, "User-Agent": USER_AGENT, "Accept-Encoding": ACCEPTED_ENCODINGS})
    for name, value in defaults.items():
        if name.lower() == "user-agent":
            # The caller's product name first, then ours: both show in the API's logs.
            headers["User-Agent"] = f"{value} {USER_AGENT}"
        else:
            headers[name] = value
    return headers


class _Headers(dict[str, str]):
    """The headers a client adds to each request; they carry the key, so their repr masks it."""

    def __repr__(self) -> str:
        return repr(redacted_headers(self))


def _without_credentials(url: str) -> str:
    """The URL with any user and password masked: a proxy's credentials are secrets too."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="[redacted]@" + parts.netloc.rsplit("@", 1)[1]))
