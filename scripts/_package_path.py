"""Make ``palomma_client._openapi`` importable without importing the package itself.

The generator reads the spec through the package's spec index, but must not run
``palomma_client/__init__.py``: that imports ``_generated``, the very folder being
rebuilt, and hand-written code a spec change may have left behind. A bare package
module whose ``__path__`` is the source folder lets ``import palomma_client._openapi``
load that one standard-library-only module. Where the package is already imported
(the test suite), nothing changes.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

if "palomma_client" not in sys.modules:
    _package = types.ModuleType("palomma_client")
    _package.__path__ = [str(Path(__file__).resolve().parent.parent / "palomma_client")]
    sys.modules["palomma_client"] = _package
