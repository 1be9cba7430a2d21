"""Where the API lives: production, sandbox, or a base URL of the caller's."""

from __future__ import annotations

import os
from enum import StrEnum

from palomma_client._exceptions import InvalidParameterError

__all__ = ["Environment", "resolve_base_url"]


class Environment(StrEnum):
    """A Palomma deployment. Keys are issued per environment and do not work in the other."""

    PRODUCTION = "production"
    SANDBOX = "sandbox"

    @property
    def base_url(self) -> str:
        """The API's base URL in this environment, ``/v1`` included."""
        return _BASE_URLS[self]


_BASE_URLS = {
    Environment.PRODUCTION: "https://api.palomma.com/v1",
    Environment.SANDBOX: "https://sandbox.api.palomma.com/v1",
}


def _parse_environment(value: str | Environment, source: str) -> Environment:
    if isinstance(value, Environment):
        return value
    normalised = value.strip().lower() if isinstance(value, str) else value
    for environment in Environment:
        if environment.value == normalised:
            return environment
    valid = ", ".join(repr(environment.value) for environment in Environment)
    raise InvalidParameterError(source, f"unknown environment {value!r}; valid environments are {valid}")


def resolve_base_url(environment: str | Environment | None, base_url: str | None) -> tuple[Environment | None, str]:
    """Pick the base URL from the arguments, then the environment variables, then production.

    ``base_url`` (or ``PALOMMA_BASE_URL``) wins over any environment, for
    proxies and local fakes; the environment is still validated when given.

    Returns:
        The environment (``None`` when a base URL overrides it) and the base URL without a trailing slash.

    Raises:
        InvalidParameterError: The environment name is not a known one, or the base URL is not http(s).
    """
    chosen_environment: Environment | None = None
    if environment is not None:
        chosen_environment = _parse_environment(environment, "environment")
    elif os.environ.get("PALOMMA_ENVIRONMENT"):
        chosen_environment = _parse_environment(os.environ["PALOMMA_ENVIRONMENT"], "PALOMMA_ENVIRONMENT")

    url = base_url if base_url is not None else os.environ.get("PALOMMA_BASE_URL") or None
    if url is not None:
        if not str(url).startswith(("http://", "https://")):
            raise InvalidParameterError("base_url", f"must be an absolute http(s) URL, got {str(url)!r}")
        return None, str(url).rstrip("/")
    resolved = chosen_environment or Environment.PRODUCTION
    return resolved, resolved.base_url
