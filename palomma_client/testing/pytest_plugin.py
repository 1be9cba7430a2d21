"""pytest plugin: the `palomma_fake` fixture, a fresh in-process fake Palomma API per test.

Installed with the package and loaded by pytest automatically (entry point `pytest11`). It imports
the fake only when a test asks for the fixture, so projects without the `testing` extra are not
affected.

```python
async def test_rent_is_billed(palomma_fake):
    async with palomma_fake.client() as palomma:
        invoice = await palomma.invoices.create(...)
    palomma_fake.pay(invoice.id)
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from palomma_client.testing import FakePalomma

__all__ = ["palomma_fake"]


@pytest.fixture
def palomma_fake() -> FakePalomma:
    """A fresh `FakePalomma` for each test: no invoices, default key, frozen clock at the current time."""
    from palomma_client.testing import FakePalomma

    return FakePalomma()
