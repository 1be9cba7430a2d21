"""The query string a call sends: form-encoded as ``httpx2.QueryParams`` writes it, on both backends."""

from __future__ import annotations

import httpx2
import pytest

from palomma_client import PalommaClient
from tests.support import SANDBOX, RecordingAPI

pytestmark = pytest.mark.usefixtures("clean_environment")

ULID = "01HQY8EW1H9YGH5PAV5Y2M9R3T"


@pytest.mark.parametrize(
    ("params", "sent"),
    [
        ({"limit": "100", "cursor": ULID}, f"limit=100&cursor={ULID}"),
        ({"reference": "INV 2026/0001"}, "reference=INV+2026%2F0001"),
        ({"reference": "x=1&y=2", "plus": "a+b"}, "reference=x%3D1%26y%3D2&plus=a%2Bb"),
        ({"customerName": "Apto 502 — Chapinero"}, "customerName=Apto+502+%E2%80%94+Chapinero"),
        ({"a b": "~-_.", "empty": ""}, "a+b=~-_.&empty="),
    ],
)
async def test_query_parameters_go_out_form_encoded_in_their_order(
    palomma: PalommaClient, api: RecordingAPI, params: dict[str, str], sent: str
) -> None:
    api.queue(httpx2.Response(200, json={}))

    await palomma.request("GET", "/things", params=params)

    (request,) = api.requests
    assert request.url.query == sent.encode("ascii")
    assert str(request.url) == f"{SANDBOX}/things?{sent}"
