"""What only the aiohttp backend has to get right: aiohttp's own errors, kept below the SDK's."""

from __future__ import annotations

import aiohttp
import pytest

from palomma_client import APIConnectionError, PalommaClient
from tests.spec_calls import a_call
from tests.support import API_KEY

pytestmark = [pytest.mark.usefixtures("clean_environment"), pytest.mark.backends]


async def test_aiohttps_own_error_is_kept_as_the_cause(refused_port: int) -> None:
    read = a_call("GET")
    async with PalommaClient(
        api_key=API_KEY, base_url=f"http://127.0.0.1:{refused_port}/v1", backend="aiohttp", max_retries=0
    ) as palomma:
        with pytest.raises(APIConnectionError) as caught:
            await read(palomma)

    assert not caught.value.may_have_reached_server
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectorError)
    sent = caught.value.request
    assert f"{sent.method} {sent.url.path}" == read.line
