"""The API's security schemes, from ``components.securitySchemes`` in openapi.yaml.

Each operation's module records the schemes it needs (its ``SECURITY``); the client sends the
credential of each in the scheme's header (``Cookie`` for an API key in a cookie), and masks those
headers wherever it shows a request.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DEFAULT_SECURITY", "SCHEMES", "Scheme", "Security"]

Security = tuple[tuple[str, ...], ...]
"""Security requirements: alternatives, each the names of the schemes it needs at once; ``()`` needs none."""


class Scheme(NamedTuple):
    """How a credential of one scheme is sent: in the header ``header``, after ``prefix``.

    A ``basic`` scheme (HTTP basic) takes a user name and a password, sent encoded as RFC 7617
    says; every other scheme takes a key, sent as it is.
    """

    header: str
    prefix: str
    basic: bool = False


SCHEMES: dict[str, Scheme] = {
    "bearerAuth": Scheme("Authorization", "Bearer "),  # HTTP bearer
}

DEFAULT_SECURITY: Security = (("bearerAuth",),)
"""The document's own ``security``: what an operation without its own needs, and ``PalommaClient.request``."""
