"""Choosing a backend: the ``backend=`` option, and aiohttp imported only when it is asked for."""

from __future__ import annotations

from collections.abc import Mapping

import httpx2

from palomma_client._constants import DEFAULT_CONNECTION_LIMITS
from palomma_client._exceptions import InvalidParameterError
from palomma_client._http import Backend

__all__ = ["BACKENDS", "aiohttp_backend", "check_backend"]

BACKENDS = ("httpx", "aiohttp")
"""The values of ``PalommaClient(backend=...)``."""

# What a missing extra looks like: aiohttp or one of the packages it brings.
_AIOHTTP_PACKAGES = frozenset(
    {"aiohttp", "yarl", "multidict", "aiohappyeyeballs", "aiosignal", "frozenlist", "propcache"}
)


def check_backend(backend: object, *, http_client: object, transport: object) -> None:
    """Refuse an unknown backend, and httpx2's own options given to the aiohttp backend.

    Raises:
        InvalidParameterError: ``backend`` is not one of ``BACKENDS``, or ``"aiohttp"`` comes with
            ``http_client`` or ``transport``.
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        names = " or ".join(repr(name) for name in BACKENDS)
        raise InvalidParameterError("backend", f"must be {names}, got {backend!r}")
    if backend == "aiohttp":
        for name, value in (("http_client", http_client), ("transport", transport)):
            if value is not None:
                raise InvalidParameterError(name, "is an httpx2 option; it cannot be combined with backend='aiohttp'")


def aiohttp_backend(base_url: str, headers: Mapping[str, str], timeout: float | httpx2.Timeout) -> Backend:
    """The aiohttp backend, with the pool limits and fixed headers the httpx2 backend's pool has.

    Raises:
        InvalidParameterError: aiohttp is not installed.
    """
    try:
        from palomma_client._aiohttp_backend import AiohttpBackend
    except ImportError as error:
        if (error.name or "").split(".")[0] not in _AIOHTTP_PACKAGES:
            raise
        raise InvalidParameterError(
            "backend",
            "'aiohttp' needs aiohttp, which is not installed: pip install 'palomma-client[aiohttp]'",
        ) from error
    return AiohttpBackend(
        base_url=base_url, headers=headers, timeout=httpx2.Timeout(timeout), limits=DEFAULT_CONNECTION_LIMITS
    )
