"""Every model and enum of the API, for annotations: ``from palomma_client.types import Invoice``.

Generated from openapi.yaml: a model or enum the spec adds is exported here
by the next ``make generate``, with no other change.
"""

from palomma_client._generated.models import *  # noqa: F403
from palomma_client._generated.models import __all__ as _models

__all__ = sorted(_models)
