"""The generated names the hand-written layer imports: typed exactly when the spec generates them, stand-ins when not.

Hand-written modules import generated operations, models and resource classes
from here, never from ``palomma_client._generated`` itself. ``make generate``
reads which names the hand-written modules (the package, ``benchmarks/``,
``examples/``) import from this module, and writes
``palomma_client/_generated/names.py``, which binds each to what the spec
generates, so that type checkers see the real class or module. A name the spec
no longer generates is a stand-in there, so that the package imports and
type-checks whatever the vendor changed: a resource class is ``APIResource``
(the hand-written subclass still defines its workflows, and each checks its own
needs, see ``_features``); anything else is a ``Missing`` placeholder, typed
``Any``, that raises ``FeatureUnavailableError`` when used.

A name only; what the hand-written layer reads *on* a generated object (a
resource's method, a model's field) goes through the protocols of
``palomma_client.workflows._api``, vouched for by a feature (``Feature.vouch``).
To import one more generated name, import it from here and run ``make generate``:
the imports are the list, and this module re-exports what the generation wrote.
"""

from __future__ import annotations

from palomma_client._generated.names import *  # noqa: F403  (each name imported from here, as this spec generates it)
from palomma_client._generated.names import __all__ as __all__
