"""An in-process fake of the Palomma Rentals API for your tests (install `palomma-client[testing]`).

```python
from palomma_client.testing import FakePalomma

fake = FakePalomma()
async with fake.client() as palomma:
    invoice = await palomma.invoices.create(...)
fake.pay(invoice.id)
```

With pytest, the `palomma_fake` fixture gives each test a fresh `FakePalomma`. The fake can also be
served over HTTP: `python -m palomma_client.testing --port 8000`.
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on how the package was installed
    raise ImportError(
        "palomma_client.testing needs the 'testing' extra: pip install 'palomma-client[testing]'"
    ) from error

from palomma_client.testing._clock import FakeClock
from palomma_client.testing._fake import DEFAULT_API_KEY, FAKE_BASE_URL, FakePalomma
from palomma_client.testing._faults import Fault, FaultKind
from palomma_client.testing._recording import RecordedRequest

__all__ = [
    "DEFAULT_API_KEY",
    "FAKE_BASE_URL",
    "FakeClock",
    "FakePalomma",
    "Fault",
    "FaultKind",
    "RecordedRequest",
]
