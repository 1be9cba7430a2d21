"""Generated code for the Palomma Rentals API: do not edit.

Everything in this folder is written by ``make generate`` from ``openapi.yaml``,
``generator-config.yml`` and the templates in ``scripts/templates``. A
regeneration deletes the folder first; ``make check-generated`` fails on any
hand edit.
"""

API_VERSION = "1.0.0"
"""The ``info.version`` of the OpenAPI document this code was generated from."""

__all__ = ["API_VERSION"]
