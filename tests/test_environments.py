"""The client's environments are the spec's servers: each is a name users pass, and requests go to its URL."""

from __future__ import annotations

import sys

import httpx2
import pytest

from palomma_client import Environment, InvalidParameterError, PalommaClient
from palomma_client._environments import resolve_base_url
from palomma_client._openapi import OpenAPI
from tests.support import ROOT, fresh_name

if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

from spec_support import EnvironmentView, environments

SERVERS, _ = environments(OpenAPI.from_file(ROOT / "openapi.yaml"))


def test_every_server_of_the_spec_is_an_environment_in_order() -> None:
    assert [(member.value, member.base_url) for member in Environment] == [
        (server.name, server.url) for server in SERVERS
    ]


def test_production_and_sandbox_keep_working() -> None:
    assert {"production", "sandbox"} <= {member.value for member in Environment}


@pytest.mark.parametrize("server", SERVERS, ids=lambda server: server.name)
async def test_each_environment_sends_requests_to_its_server(server: EnvironmentView) -> None:
    seen: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json={})

    async with PalommaClient(
        "sk_test_environments", environment=server.name.upper(), transport=httpx2.MockTransport(answer)
    ) as client:
        assert client.environment == server.name
        await client.request("GET", "/anything")

    assert str(seen[0].url) == f"{server.url}/anything"


@pytest.mark.parametrize("server", SERVERS, ids=lambda server: server.name)
def test_the_environment_variable_accepts_every_listed_name(
    monkeypatch: pytest.MonkeyPatch, server: EnvironmentView
) -> None:
    monkeypatch.setenv("PALOMMA_ENVIRONMENT", server.name)
    monkeypatch.delenv("PALOMMA_BASE_URL", raising=False)

    assert resolve_base_url(None, None) == (Environment(server.name), server.url)


def test_with_no_environment_the_first_server_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PALOMMA_ENVIRONMENT", raising=False)
    monkeypatch.delenv("PALOMMA_BASE_URL", raising=False)

    assert resolve_base_url(None, None) == (Environment(SERVERS[0].name), SERVERS[0].url)


def test_an_unknown_name_lists_every_valid_one() -> None:
    with pytest.raises(InvalidParameterError) as caught:
        resolve_base_url("nowhere", None)

    assert caught.value.parameter == "environment"
    for server in SERVERS:
        assert repr(server.name) in str(caught.value)


def test_server_variables_with_a_base_url_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PALOMMA_BASE_URL", raising=False)
    with pytest.raises(InvalidParameterError) as caught:
        PalommaClient("sk_test_environments", base_url="http://127.0.0.1:8000/v1", server_variables={"region": "co"})

    assert caught.value.parameter == "server_variables"


@pytest.mark.parametrize("server", SERVERS, ids=lambda server: server.name)
def test_a_variable_the_environments_url_does_not_have_is_refused_naming_those_it_has(
    monkeypatch: pytest.MonkeyPatch, server: EnvironmentView
) -> None:
    monkeypatch.delenv("PALOMMA_BASE_URL", raising=False)
    unknown = fresh_name({variable.name for variable in server.variables}, "vendorProbeRegion", "vendorProbeTier")
    with pytest.raises(InvalidParameterError) as caught:
        resolve_base_url(server.name, None, {unknown: "co"})

    assert caught.value.parameter == "server_variables"
    assert f"{unknown!r} is not a variable of the {server.name} environment's URL" in str(caught.value)
    for variable in server.variables:
        assert repr(variable.name) in str(caught.value)


@pytest.mark.parametrize("server", SERVERS, ids=lambda server: server.name)
def test_no_server_variables_or_their_defaults_give_the_servers_url(
    monkeypatch: pytest.MonkeyPatch, server: EnvironmentView
) -> None:
    monkeypatch.delenv("PALOMMA_BASE_URL", raising=False)
    defaults = {variable.name: variable.default for variable in server.variables}

    assert resolve_base_url(server.name, None, defaults) == (Environment(server.name), server.url)
    assert resolve_base_url(server.name, None) == (Environment(server.name), server.url)
