"""The backends, by name: ``PalommaClient(backend=...)`` and the library of an ``http_client=``.

Each backend is one module with a ``FACTORY`` (a ``BackendFactory``) and one
line in ``BACKENDS``. A backend module is imported only when its backend is
asked for, by name or by a client of its library: importing the SDK never
imports aiohttp.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx2

from palomma_client._exceptions import InvalidParameterError
from palomma_client._http import Backend

__all__ = ["BACKENDS", "BackendEntry", "BackendFactory", "PoolSettings", "factory_for", "factory_named"]


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """What the SDK asks of a pool it makes for itself.

    Attributes:
        base_url: Where every request goes.
        headers: The fixed headers every request carries (the key among them).
        timeout: The default timeout of each request.
        limits: The pool's size and keep-alive.
        transport: An httpx2 transport, for the httpx2 backend only; ``None`` otherwise.
    """

    base_url: str
    headers: Mapping[str, str]
    timeout: float | httpx2.Timeout
    limits: httpx2.Limits
    transport: object = None


class BackendFactory(Protocol):
    """Makes a backend: over a pool of its own, or over a client of its library that a caller gave."""

    def create(self, settings: PoolSettings) -> Backend:
        """A backend over a pool it makes and owns.

        Raises:
            InvalidParameterError: An option of ``settings`` does not fit this backend.
        """
        ...

    def adopt(self, http_client: object, settings: PoolSettings) -> Backend:
        """A backend over ``http_client``, a caller's client that it sends through and never closes."""
        ...

    def client_timeout(self, http_client: object) -> httpx2.Timeout | None:
        """The bounded default timeout ``http_client`` was made with, or ``None``."""
        ...


@dataclass(frozen=True, slots=True)
class BackendEntry:
    """Where a backend lives, and the library whose clients it sends through.

    Attributes:
        module: The module whose ``FACTORY`` makes the backend.
        library: The top-level package of that library (``"aiohttp"``), to recognise an ``http_client`` of it.
        extra: The package extra that installs it, named when it is missing; ``None`` when always installed.
    """

    module: str
    library: str
    extra: str | None = None


BACKENDS: Mapping[str, BackendEntry] = {
    "httpx": BackendEntry("palomma_client._httpx_backend", library="httpx2"),
    "aiohttp": BackendEntry("palomma_client._aiohttp_backend", library="aiohttp", extra="aiohttp"),
}
"""The values of ``PalommaClient(backend=...)``, the first being the default."""


def factory_named(name: object) -> BackendFactory:
    """The factory of the backend ``name``.

    Raises:
        InvalidParameterError: No backend has that name, or its extra is not installed.
    """
    entry = BACKENDS.get(name) if isinstance(name, str) else None
    if entry is None:
        names = " or ".join(repr(known) for known in BACKENDS)
        raise InvalidParameterError("backend", f"must be {names}, got {name!r}")
    return _load(str(name), entry, "backend")


def factory_for(http_client: object) -> tuple[str, BackendFactory]:
    """The name and factory of the backend whose library ``http_client`` belongs to.

    Raises:
        InvalidParameterError: ``http_client`` is a client of no backend's library.
    """
    library = type(http_client).__module__.split(".")[0]
    for name, entry in BACKENDS.items():
        if entry.library == library:
            return name, _load(name, entry, "http_client")
    hint = " (pass an httpx2.AsyncClient: httpx2 is the maintained httpx)" if library == "httpx" else ""
    raise InvalidParameterError(
        "http_client",
        f"must be an httpx2.AsyncClient or an aiohttp.ClientSession, got {type(http_client).__name__}{hint}",
    )


def _load(name: str, entry: BackendEntry, parameter: str) -> BackendFactory:
    try:
        module = importlib.import_module(entry.module)
    except ImportError as error:
        missing = (error.name or "").split(".")[0]
        if entry.extra is None or missing == "palomma_client":
            raise
        raise InvalidParameterError(
            parameter,
            f"{name!r} needs {entry.library}, which is not installed: pip install 'palomma-client[{entry.extra}]'",
        ) from error
    factory: BackendFactory = module.FACTORY
    return factory
