"""Choosing a backend: ``backend=`` is checked, and aiohttp is imported only when it is asked for."""

from __future__ import annotations

import sys

import httpx2
import pytest

from palomma_client import InvalidParameterError, PalommaClient
from palomma_client._backends import BACKENDS, factory_named
from tests.support import API_KEY, run_one_call

pytestmark = [pytest.mark.usefixtures("clean_environment"), pytest.mark.backends]


@pytest.mark.parametrize("name", ["requests", "AIOHTTP", "", 1])
def test_an_unknown_backend_is_refused_naming_the_choices(name: object) -> None:
    with pytest.raises(InvalidParameterError, match=" or ".join(repr(known) for known in BACKENDS)) as caught:
        PalommaClient(api_key=API_KEY, backend=name)  # type: ignore[arg-type]
    assert caught.value.parameter == "backend"
    assert isinstance(caught.value, ValueError)


def test_the_registry_names_a_default_first_and_every_backend_is_importable_by_name() -> None:
    for name in BACKENDS:
        assert factory_named(name) is factory_named(name)
    assert PalommaClient(api_key=API_KEY)._backend is not None


def test_an_httpx2_transport_cannot_go_to_the_aiohttp_backend() -> None:
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200))
    with pytest.raises(InvalidParameterError, match="backend='aiohttp'") as with_transport:
        PalommaClient(api_key=API_KEY, backend="aiohttp", transport=transport)
    assert with_transport.value.parameter == "transport"


def test_a_backend_that_disagrees_with_the_given_client_is_refused() -> None:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(lambda request: httpx2.Response(200)))
    with pytest.raises(InvalidParameterError, match="backend='httpx'") as caught:
        PalommaClient(api_key=API_KEY, backend="aiohttp", http_client=http)
    assert caught.value.parameter == "backend"


@pytest.mark.parametrize("http_client", [object(), "http://x", httpx2.Client()], ids=["object", "str", "sync"])
def test_a_client_of_no_backends_library_is_refused_before_anything_is_sent(http_client: object) -> None:
    with pytest.raises(InvalidParameterError, match=r"must be an httpx2\.AsyncClient") as caught:
        PalommaClient(api_key=API_KEY, http_client=http_client)  # type: ignore[arg-type]
    assert caught.value.parameter == "http_client"


def test_a_missing_aiohttp_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "palomma_client._aiohttp_backend", raising=False)
    monkeypatch.setitem(sys.modules, "aiohttp", None)  # what an uninstalled package looks like to import
    with pytest.raises(InvalidParameterError, match=r"pip install 'palomma-client\[aiohttp\]'") as caught:
        PalommaClient(api_key=API_KEY, backend="aiohttp")
    assert caught.value.parameter == "backend"


def test_importing_and_using_the_sdk_on_httpx2_never_imports_aiohttp() -> None:
    imported = run_one_call(
        after="print(sorted(name for name in sys.modules if name.split('.')[0] in ('aiohttp', 'yarl', 'multidict')))"
    )
    assert imported == "[]"
