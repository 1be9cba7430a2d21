"""The API's environments: one per entry of ``servers`` in openapi.yaml.

A server is named by its ``x-palomma-environment`` extension, else by the words of its
description (``Production`` -> ``production``). The first server is the default. A server URL
with ``{variables}`` gives the environment its URL at their defaults; ``server_variables=``
fills them in otherwise.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = ["BASE_URLS", "DEFAULT_ENVIRONMENT", "SERVER_VARIABLES", "URL_TEMPLATES", "Environment", "ServerVariable"]


class Environment(StrEnum):
    """A deployment of the Palomma API. Keys are issued per environment and do not work in another."""

    PRODUCTION = "production"
    """Production: ``https://api.palomma.com/v1``."""
    SANDBOX = "sandbox"
    """Sandbox: ``https://sandbox.api.palomma.com/v1``."""

    @property
    def base_url(self) -> str:
        """The API's base URL in this environment, as the spec's server gives it."""
        return BASE_URLS[self]


BASE_URLS: dict[Environment, str] = {
    Environment.PRODUCTION: "https://api.palomma.com/v1",
    Environment.SANDBOX: "https://sandbox.api.palomma.com/v1",
}

DEFAULT_ENVIRONMENT = Environment.PRODUCTION
"""The environment of the spec's first server, used when none is chosen."""

URL_TEMPLATES: dict[Environment, str] = {}
"""The URL of each environment whose server has variables, with a ``{name}`` for each."""


class ServerVariable(NamedTuple):
    """A variable of a server's URL: its value when none is given, and the values the spec allows (``()``: any)."""

    default: str
    enum: tuple[str, ...]


SERVER_VARIABLES: dict[Environment, dict[str, ServerVariable]] = {}
"""The variables of each environment's URL, by name."""
