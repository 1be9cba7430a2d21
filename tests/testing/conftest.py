from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx2
import pytest

from palomma_client.testing import FAKE_BASE_URL, FakeClock, FakePalomma
from palomma_client.testing._spec import load_shipped_spec
from tests.support import as_openapi_31
from tests.testing.support import AUTH, START, sending_required_parameters


@pytest.fixture(params=["3.0", "3.1"], ids=["openapi-3.0", "openapi-3.1"])
def fake(request: pytest.FixtureRequest) -> FakePalomma:
    """A fake with a frozen clock at START and reproducible ids, serving the spec in 3.0 and in 3.1 spelling."""
    document = load_shipped_spec()
    if request.param == "3.1" and not document["openapi"].startswith("3.1."):
        document = as_openapi_31(document)
    return FakePalomma(clock=FakeClock(START), seed=1, spec=document)


Spelling = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture(params=["3.0", "3.1"], ids=["openapi-3.0", "openapi-3.1"])
def spelled(request: pytest.FixtureRequest) -> Spelling:
    """Spell a document a test built from the shipped spec in each OpenAPI version: such a test runs on both.

    The test edits the document as the shipped spec spells it, then hands it to the fake as
    ``spelled(document)``: unchanged for 3.0, converted by ``as_openapi_31`` for 3.1.
    """

    def spell(document: dict[str, Any]) -> dict[str, Any]:
        if request.param == "3.1" and not str(document.get("openapi", "")).startswith("3.1."):
            return as_openapi_31(document)
        return document

    return spell


@pytest.fixture
async def http(fake: FakePalomma) -> AsyncIterator[httpx2.AsyncClient]:
    """A plain httpx2 client authenticated against `fake`, in process, sending what the spec requires of a request."""
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=fake.app),
        base_url=FAKE_BASE_URL,
        headers=AUTH,
        event_hooks=sending_required_parameters(),
    ) as client:
        yield client
