"""The class of each resource a client carries, one per tag of the spec, for annotations.

``palomma.invoices`` is an ``Invoices`` and ``palomma.settlements`` a
``Settlements``: the generated classes with hand-written workflows added (also
exported by ``palomma_client``). A resource with no workflows of its own is the
generated class itself, exported here under its own name: a tag the vendor adds
to the spec (``Customers``, say) is ``palomma_client.resources.CustomersResource``
after the next ``make generate``, with no other change.
"""

from palomma_client._client import PalommaClient
from palomma_client._generated.api import *  # noqa: F403  (the generated resource class of every tag)
from palomma_client._resources import Invoices, Settlements  # noqa: F401  (exported through __all__)

__all__ = sorted(resource_class.__name__ for resource_class in PalommaClient.RESOURCE_CLASSES.values())
