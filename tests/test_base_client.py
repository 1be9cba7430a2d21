"""How each call reaches httpx2: query strings, fixed headers and the pool gate, as before but with less work."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx2
import pytest

from palomma_client import DEFAULT_CONNECTION_LIMITS, APITimeoutError, PalommaClient
from palomma_client._generated.api import OPERATIONS
from palomma_client._http import PoolGate, PoolWaitTimeout
from palomma_client._request import TimeoutOption
from palomma_client._retry import reached_server
from tests.spec_calls import (
    SpecCall,
    a_call,
    a_paged_call,
    a_query_text_argument,
    call_of,
    calls,
    completed,
    listed_field,
    page_answer,
    sends_bearer_key,
)
from tests.support import API_KEY, SANDBOX, RecordingAPI

pytestmark = pytest.mark.usefixtures("clean_environment")

AWKWARD_TEXT = [
    "INV 2026/0001",
    "a&b=c;d",
    "ñandú",
    "x+y",
    "100%",
    "[]@:?#",
    "~-._",
    "é/?&=#%20",
    "emoji😀",
    "'\"<>",
]


@pytest.fixture
def read() -> SpecCall:
    """A read of the spec: every call reaches httpx2 the same way."""
    return a_call("GET")


@pytest.mark.backends
@pytest.mark.parametrize("text", AWKWARD_TEXT)
async def test_query_parameters_are_encoded_exactly_as_httpx_params_encodes_them(
    palomma: PalommaClient, api: RecordingAPI, text: str
) -> None:
    call, name = a_query_text_argument()
    call = dataclasses.replace(call, arguments={**call.arguments, name: text})
    api.default = lambda request: page_answer(call, None) if call.paged else call.ok()

    await completed(call, palomma)

    built = OPERATIONS[call.operation_id].build_request(**call.arguments)
    assert text in (built.params or {}).values()
    expected = httpx2.Request(built.method, SANDBOX + built.path, params=built.params).url
    assert api.requests[0].url == expected
    assert api.requests[0].url.raw_path == expected.raw_path


@pytest.mark.backends
@pytest.mark.parametrize("text", AWKWARD_TEXT)
async def test_find_by_reference_sends_the_reference_encoded_with_the_largest_page(
    palomma: PalommaClient, api: RecordingAPI, text: str
) -> None:
    # The lookup of invoices by reference, on the list operation it needs.
    listing = call_of("listInvoices")
    listed_field(listing, "reference")  # what the lookup matches the listed invoices on
    api.default = lambda request: page_answer(listing, None)

    await palomma.invoices.find_by_reference(text)

    largest_page = OPERATIONS[listing.operation_id].RULES["limit"]["maximum"]
    lookup = httpx2.Request("GET", f"{SANDBOX}{listing.path}", params={"reference": text, "limit": largest_page}).url
    assert api.requests[0].url.raw_path == lookup.raw_path


@pytest.mark.backends
async def test_a_cursor_is_sent_back_byte_for_byte(palomma: PalommaClient, api: RecordingAPI) -> None:
    listing = a_paged_call()
    cursor = "eyJwayI6InJlbnRhbHMj+/=="
    api.queue(page_answer(listing, cursor), page_answer(listing, None))

    await listing(palomma).to_list()

    first, second = (dict(request.url.params) for request in api.requests)
    assert second == {**first, "cursor": cursor}
    assert "cursor" not in first
    assert "limit" not in second  # the API's own default applies


@pytest.mark.backends
async def test_the_pool_it_creates_carries_the_key_and_user_agent_once(keyed_read: SpecCall, api: RecordingAPI) -> None:
    read = keyed_read
    api.queue(read.ok(), read.ok())
    async with api.client(api_key=API_KEY) as palomma:
        await read(palomma)
        await read(palomma.with_options(max_retries=0))

    assert len(api.requests) == 2
    for request in api.requests:
        assert request.headers.get_list("authorization") == [f"Bearer {API_KEY}"]
        [user_agent] = request.headers.get_list("user-agent")
        assert user_agent.startswith("palomma-client-python/")


async def test_a_user_pool_gets_the_headers_with_each_request_and_keeps_its_own(api: RecordingAPI) -> None:
    write = next(
        (call for call in calls() if call.json is not None and not call.paged and sends_bearer_key(call.operation_id)),
        None,
    )
    if write is None:
        pytest.skip("no operation of the spec sends a JSON body and the API key as a bearer token")
    api.queue(write.ok())
    headers = {"Authorization": "Bearer someone-elses", "User-Agent": "theirs/1.0", "X-Trace": "abc"}
    async with httpx2.AsyncClient(transport=api.transport, headers=headers) as http_client:
        async with PalommaClient(api_key=API_KEY, http_client=http_client) as palomma:
            assert await write(palomma) == write.expected
        assert http_client.headers["authorization"] == "Bearer someone-elses"

    sent = api.requests[0].headers
    assert sent.get_list("authorization") == [f"Bearer {API_KEY}"]
    assert sent["user-agent"].startswith("palomma-client-python/")
    assert sent["x-trace"] == "abc"
    assert sent["content-type"] == "application/json"


class _HoldingServer:
    """A local HTTP/1.1 server that holds every request until released, counting them."""

    def __init__(self, answer: httpx2.Response) -> None:
        body = answer.content
        self.response = b"HTTP/1.1 %d OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (
            answer.status_code,
            answer.headers["content-type"].encode(),
            len(body),
            body,
        )
        self.received = 0
        self.release = asyncio.Event()
        self.full = asyncio.Event()
        self.expected = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                self.received += 1
                if self.received == self.expected:
                    self.full.set()
                await self.release.wait()
                writer.write(self.response)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.mark.backends
@pytest.mark.clock_loop
async def test_a_call_past_the_pool_size_waits_and_times_out_unsent_as_before(read: SpecCall, backend: str) -> None:
    server = _HoldingServer(read.ok())
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    pool_size = DEFAULT_CONNECTION_LIMITS.max_connections
    assert pool_size is not None
    server.expected = pool_size
    timeout = httpx2.Timeout(10.0, pool=0.2)
    async with (
        listener,
        PalommaClient(
            api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", timeout=timeout, backend=backend
        ) as palomma,
    ):
        held = [asyncio.create_task(read(palomma)) for _ in range(pool_size)]
        await asyncio.wait_for(server.full.wait(), timeout=10)

        with pytest.raises(APITimeoutError) as caught:
            await read(palomma.with_options(max_retries=0))

        server.release.set()
        answers = await asyncio.gather(*held)
        after = await read(palomma)

    # httpx2's pool, or the gate in front of aiohttp's, ran out of time.
    assert isinstance(caught.value.__cause__, httpx2.PoolTimeout | PoolWaitTimeout)
    assert not reached_server(caught.value)
    assert answers == [read.expected] * pool_size
    assert after == read.expected
    assert server.received == pool_size + 1


async def test_the_gate_admits_its_limit_then_waits_for_a_release() -> None:
    gate = PoolGate(2)
    http = httpx2.AsyncClient(timeout=httpx2.Timeout(5.0, pool=5.0))
    first = await gate.enter(None, http)
    await gate.enter(None, http)
    waiting = asyncio.create_task(gate.enter(None, http))
    await asyncio.sleep(0)  # let it start waiting
    assert not waiting.done()

    first.release()

    assert await asyncio.wait_for(waiting, timeout=5) is first
    await http.aclose()


async def test_the_gate_lets_waiters_in_in_the_order_they_came() -> None:
    gate = PoolGate(1)
    http = httpx2.AsyncClient(timeout=httpx2.Timeout(5.0, pool=5.0))
    holder = await gate.enter(None, http)
    admitted: list[int] = []

    async def wait_then_hold(number: int) -> None:
        place = await gate.enter(None, http)
        admitted.append(number)
        place.release()

    waiting = [asyncio.create_task(wait_then_hold(number)) for number in range(5)]
    await asyncio.sleep(0)  # let them all start waiting
    holder.release()
    await asyncio.wait_for(asyncio.gather(*waiting), timeout=5)

    assert admitted == [0, 1, 2, 3, 4]
    await http.aclose()


@pytest.mark.clock_loop
async def test_a_cancelled_waiter_loses_no_place_whether_or_not_one_reached_it() -> None:
    gate = PoolGate(2)
    http = httpx2.AsyncClient(timeout=httpx2.Timeout(5.0, pool=5.0))
    first, second = await gate.enter(None, http), await gate.enter(None, http)
    still_waiting = asyncio.create_task(gate.enter(None, http))
    handed_a_place = asyncio.create_task(gate.enter(None, http))
    await asyncio.sleep(0)  # both wait

    still_waiting.cancel()
    first.release()  # passes over the cancelled waiter: the place goes to the next
    handed_a_place.cancel()  # cancelled after the place reached it, before it could run
    await asyncio.gather(still_waiting, handed_a_place, return_exceptions=True)
    second.release()

    # Both places are free again: two enter at once, a third must wait.
    await asyncio.wait_for(gate.enter(None, http), timeout=5)
    await asyncio.wait_for(gate.enter(None, http), timeout=5)
    with pytest.raises(PoolWaitTimeout):
        await gate.enter(0.01, http)
    await http.aclose()


@pytest.mark.parametrize("timeout", [0.05, httpx2.Timeout(10.0, pool=0.05), None], ids=["float", "Timeout", "default"])
@pytest.mark.clock_loop
async def test_waiting_at_the_gate_is_bounded_by_the_pool_timeout(timeout: TimeoutOption) -> None:
    gate = PoolGate(1)
    http = httpx2.AsyncClient(timeout=httpx2.Timeout(10.0, pool=0.05))
    await gate.enter(timeout, http)

    with pytest.raises(PoolWaitTimeout):
        await gate.enter(timeout, http)
    await http.aclose()


def test_a_client_used_under_a_second_event_loop_gets_a_fresh_gate() -> None:
    gate = PoolGate(1)
    http = httpx2.AsyncClient()

    async def take_the_only_place() -> None:
        await gate.enter(1.0, http)

    asyncio.run(take_the_only_place())
    asyncio.run(take_the_only_place())  # the place taken under the first loop does not count here
