"""Async Python SDK for the Palomma Rentals API."""

from palomma_client._generated import API_VERSION
from palomma_client._version import __version__

__all__ = ["API_VERSION", "__version__"]
