"""The query string a call sends: form-encoded as ``httpx2.QueryParams`` writes it, on both backends."""

from __future__ import annotations

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from palomma_client import PalommaClient
from palomma_client._base_client import query_string
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


_QUERY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@given(
    st.dictionaries(
        _QUERY_TEXT | st.sampled_from(["limit", "cursor"]),
        _QUERY_TEXT | st.just(ULID) | st.lists(_QUERY_TEXT, max_size=3),
        max_size=4,
    )
)
def test_the_query_string_shortcut_writes_what_httpx2_writes(params: dict[str, str | list[str]]) -> None:
    assert query_string(params) == str(httpx2.QueryParams(params))
