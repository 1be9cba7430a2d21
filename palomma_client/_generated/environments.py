"""The API's environments: one per entry of ``servers`` in openapi.yaml.

A server is named by its ``x-palomma-environment`` extension, else by the words of its
description (``Production`` -> ``production``). The first server is the default.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["BASE_URLS", "DEFAULT_ENVIRONMENT", "Environment"]


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
