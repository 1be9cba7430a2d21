"""``PALOMMA_LOG=debug`` (or ``info``) turns on the SDK's log lines on stderr.

Without it the SDK's logger has a ``NullHandler``, as a library's should: an
application that configured no logging sees nothing from the SDK, not
Python's last-resort warnings on stderr.
"""

from __future__ import annotations

import logging
import os

__all__ = ["setup_logging_from_environment"]

logger = logging.getLogger("palomma_client")
logger.addHandler(logging.NullHandler())


def setup_logging_from_environment() -> None:
    """Attach a stderr handler to the ``palomma_client`` logger when ``PALOMMA_LOG`` asks for one."""
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(os.environ.get("PALOMMA_LOG", "").strip().lower())
    if level is None or any(getattr(handler, "_palomma", False) for handler in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler._palomma = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s %(name)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
