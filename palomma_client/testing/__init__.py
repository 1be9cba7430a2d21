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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from palomma_client.testing._clock import FakeClock
    from palomma_client.testing._examples import EXAMPLE_HEADER
    from palomma_client.testing._fake import (
        DEFAULT_API_KEY,
        FAKE_BASE_URL,
        FAKE_USERNAME,
        MAX_BODY_SIZE,
        MAX_RECORDED_REQUESTS,
        FakePalomma,
        FakeSnapshot,
    )
    from palomma_client.testing._faults import Fault, FaultKind
    from palomma_client.testing._recording import RecordedRequest
    from palomma_client.testing._state import UnlistedValue
    from palomma_client.testing._webhooks import DeliveryAttempt, FakeWebhooks, WebhookDelivery

__all__ = [
    "DEFAULT_API_KEY",
    "EXAMPLE_HEADER",
    "FAKE_BASE_URL",
    "FAKE_USERNAME",
    "MAX_BODY_SIZE",
    "MAX_RECORDED_REQUESTS",
    "DeliveryAttempt",
    "FakeClock",
    "FakePalomma",
    "FakeSnapshot",
    "FakeWebhooks",
    "Fault",
    "FaultKind",
    "RecordedRequest",
    "UnlistedValue",
    "WebhookDelivery",
]

# Names are imported on first use: pytest loads this package's plugin in every project that has the
# SDK installed, and that must work without Starlette (the `testing` extra) until the fake is used.
_HOMES = {
    "DEFAULT_API_KEY": "_fake",
    "DeliveryAttempt": "_webhooks",
    "EXAMPLE_HEADER": "_examples",
    "FAKE_BASE_URL": "_fake",
    "FAKE_USERNAME": "_fake",
    "FakeClock": "_clock",
    "FakePalomma": "_fake",
    "FakeSnapshot": "_fake",
    "FakeWebhooks": "_webhooks",
    "Fault": "_faults",
    "FaultKind": "_faults",
    "MAX_BODY_SIZE": "_fake",
    "MAX_RECORDED_REQUESTS": "_fake",
    "RecordedRequest": "_recording",
    "UnlistedValue": "_state",
    "WebhookDelivery": "_webhooks",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
