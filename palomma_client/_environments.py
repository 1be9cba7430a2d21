"""Where the API lives: an environment the spec lists (production, sandbox...), or a base URL of the caller's."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from palomma_client._exceptions import InvalidParameterError
from palomma_client._generated.environments import DEFAULT_ENVIRONMENT, SERVER_VARIABLES, URL_TEMPLATES, Environment

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


def resolve_base_url(
    environment: str | Environment | None,
    base_url: str | None,
    server_variables: Mapping[str, str] | None = None,
) -> tuple[Environment | None, str]:
    """Pick the base URL from the arguments, then the environment variables, then the spec's first server.

    ``base_url`` (or ``PALOMMA_BASE_URL``) wins over any environment, for
    proxies and local fakes; the environment is still validated when given.
    ``server_variables`` fill in the variables of the environment's URL (the
    spec's defaults fill in the others).

    Returns:
        The environment (``None`` when a base URL overrides it) and the base URL without a trailing slash.

    Raises:
        InvalidParameterError: The environment name is not a known one, the base URL is not http(s),
            or a server variable is not one of the environment's URL or has a value it does not allow.
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
        if server_variables:
            raise InvalidParameterError("server_variables", "fill in an environment's URL; a base_url is used as given")
        return None, str(url).rstrip("/")
    resolved = chosen_environment or DEFAULT_ENVIRONMENT
    if server_variables is None:
        return resolved, resolved.base_url
    return resolved, _filled_url(resolved, server_variables)


# A variable's value goes into a host name or a path segment as it is: URL-unreserved characters only.
_VARIABLE_VALUE = re.compile(r"[A-Za-z0-9._~-]+")


def _filled_url(environment: Environment, server_variables: Mapping[str, str]) -> str:
    """The environment's URL with ``server_variables`` filled in, each checked against the spec's ``enum``."""
    if not isinstance(server_variables, Mapping):
        raise InvalidParameterError("server_variables", "must be a mapping of variable names to values")
    variables = SERVER_VARIABLES.get(environment, {})
    url = URL_TEMPLATES.get(environment, environment.base_url)
    given = dict(server_variables)
    for name, value in given.items():
        if name not in variables:
            known = ", ".join(repr(variable) for variable in variables)
            has = f"its variables are {known}" if known else "it has none"
            raise InvalidParameterError(
                "server_variables", f"{name!r} is not a variable of the {environment.value} environment's URL; {has}"
            )
        if not isinstance(value, str):
            raise InvalidParameterError(f"server_variables[{name!r}]", f"must be a string, got {type(value).__name__}")
        allowed = variables[name].enum
        if allowed and value not in allowed:
            raise InvalidParameterError(
                f"server_variables[{name!r}]", f"must be one of {', '.join(map(repr, allowed))}, got {value!r}"
            )
        if not allowed and not _VARIABLE_VALUE.fullmatch(value):
            raise InvalidParameterError(
                f"server_variables[{name!r}]", f"must be letters, digits, '.', '_', '~' or '-', got {value!r}"
            )
    for name, variable in variables.items():
        url = url.replace("{" + name + "}", given.get(name, variable.default))
    return url
