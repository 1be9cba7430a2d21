"""Where the API lives: an environment the spec lists (production, sandbox...), or a base URL of the caller's."""

from __future__ import annotations

import os

from palomma_client._exceptions import InvalidParameterError
from palomma_client._generated.environments import DEFAULT_ENVIRONMENT, Environment

__all__ = ["Environment", "resolve_base_url"]

# `Environment` and the base URLs are generated from the `servers` of openapi.yaml, so an
# environment the spec adds (`staging`) is accepted with no hand-written change.


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
    """Pick the base URL from the arguments, then the environment variables, then the spec's first server.

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
    resolved = chosen_environment or DEFAULT_ENVIRONMENT
    return resolved, resolved.base_url
