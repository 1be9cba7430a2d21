"""What a fake is made of, in one object: the app, the webhooks and `FakePalomma` all work on it.

`FakePalomma` is the fake's public face (its controls and settings); its HTTP face (`_app`) and
its webhooks (`_webhooks`) are handed this object instead of the fake itself, so that neither
reads the fake's private attributes nor imports the module that builds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from palomma_client._request import Sleep
from palomma_client.testing._clock import FakeClock
from palomma_client.testing._faults import FaultPlan
from palomma_client.testing._recording import RequestLog
from palomma_client.testing._spec import ApiSpec
from palomma_client.testing._state import InvoiceStore
from palomma_client.testing._validation import RequestValidator

__all__ = ["FakeState"]


@dataclass(slots=True, eq=False)
class FakeState:
    """A fake's spec, validator, store, faults, request log, clock and settings.

    The settings a test may change on the fake (`api_keys`, `max_body_size`, `clock`, `sleep`)
    are set here by `FakePalomma`'s properties, and read from here on every request.

    Attributes:
        spec: The spec served.
        validator: Checks each request against the spec's schemas.
        store: The invoices and settlements.
        faults: The faults injected and not yet used.
        recorder: The requests received.
        clock: The fake clock, which answers carry in their `Date` header.
        api_keys: The keys accepted.
        max_body_size: The largest request body read, in bytes.
        sleep: Awaited for injected latency.
    """

    spec: ApiSpec
    validator: RequestValidator
    store: InvoiceStore
    faults: FaultPlan
    recorder: RequestLog
    clock: FakeClock
    api_keys: list[str]
    max_body_size: int
    sleep: Sleep
