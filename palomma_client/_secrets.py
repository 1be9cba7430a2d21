"""Which headers carry a credential, and the one way the SDK shows headers: with those masked.

A leaf beside the request records: the records' own ``repr`` and every error, log line and raw
response that shows a request read it, so that no credential is ever shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from palomma_client._generated.security import SCHEMES

__all__ = ["REDACTED", "SECRET_HEADERS", "redacted_headers"]

REDACTED: Final = "[redacted]"

# Every header a credential travels in: `Authorization` (a bearer key, or a proxy's) and the header
# of each API key scheme of the spec. Each is masked wherever the SDK shows a request.
SECRET_HEADERS: Final = frozenset({"authorization", *(scheme.header.lower() for scheme in SCHEMES.values())})


def redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every credential header masked: the one way the SDK shows headers."""
    return {name: REDACTED if name.lower() in SECRET_HEADERS else value for name, value in headers.items()}
