"""Which credential headers a request carries: the spec's schemes, what each operation needs, the client's secrets."""

from __future__ import annotations

import base64
import itertools
import pickle

import httpx2
import pytest

from palomma_client import InvalidParameterError, PalommaClient
from palomma_client._auth import Credentials
from palomma_client._generated.security import DEFAULT_SECURITY, SCHEMES, Scheme, Security
from palomma_client._request import ApiRequest
from tests.support import API_KEY, RecordingAPI

pytestmark = pytest.mark.usefixtures("clean_environment")

# Schemes of a spec of these tests' own: whatever openapi.yaml declares, these cases stay meaningful.
BEARER = Scheme("Authorization", "Bearer ")
PARTNER = Scheme("X-Partner-Key", "")
TENANT = Scheme("X-Tenant-Key", "")
SCHEMES_OF_TEST = {"bearer": BEARER, "partner": PARTNER, "tenant": TENANT}
# HTTP basic and an API key in a cookie, as the generator writes them.
BASIC = Scheme("Authorization", "Basic ", basic=True)
SESSION = Scheme("Cookie", "sid=")
MORE_SCHEMES = {**SCHEMES_OF_TEST, "basic": BASIC, "session": SESSION}


def _credentials(api_key: str | None, **by_scheme: str) -> Credentials:
    return Credentials.from_arguments(api_key, by_scheme or None, {}, schemes=SCHEMES_OF_TEST, default=(("bearer",),))


def _sent(credentials: Credentials, security: Security | None) -> dict[str, str]:
    """The credential headers a request of ``security`` goes out with."""
    added, dropped = credentials.changes(ApiRequest("op", "GET", "/op", security=security))
    return {**{name: value for name, value in credentials.headers.items() if name not in dropped}, **added}


def test_one_api_key_serves_every_scheme_in_the_way_each_sends_it() -> None:
    credentials = _credentials("k_1")

    assert _sent(credentials, None) == {"Authorization": "Bearer k_1"}
    assert _sent(credentials, (("partner",),)) == {"X-Partner-Key": "k_1"}
    assert _sent(credentials, ()) == {}


def test_a_requirement_of_several_schemes_sends_each_of_them() -> None:
    credentials = _credentials(None, partner="p_1", tenant="t_1")

    assert _sent(credentials, (("partner", "tenant"),)) == {"X-Partner-Key": "p_1", "X-Tenant-Key": "t_1"}


def test_of_alternatives_one_the_client_holds_every_secret_of_is_sent() -> None:
    credentials = _credentials(None, tenant="t_1")

    assert _sent(credentials, (("partner",), ("tenant",))) == {"X-Tenant-Key": "t_1"}
    assert _sent(credentials, (("partner", "tenant"), ("tenant",))) == {"X-Tenant-Key": "t_1"}


def _orders(*alternatives: tuple[str, ...]) -> list[Security]:
    """Every order of the alternatives, as a vendor may list them in any release."""
    return [tuple(order) for order in itertools.permutations(alternatives)]


@pytest.mark.parametrize("security", _orders(("partner",), ("bearer",), ("tenant",)))
def test_the_api_key_goes_to_the_documents_own_scheme_whatever_the_order_of_alternatives(security: Security) -> None:
    assert _sent(_credentials("k_1"), security) == {"Authorization": "Bearer k_1"}


@pytest.mark.parametrize("security", _orders(("partner",), ("bearer",), ("tenant",)))
def test_a_scheme_given_its_own_secret_wins_over_the_api_key_whatever_the_order(security: Security) -> None:
    assert _sent(_credentials("k_1", tenant="t_1"), security) == {"X-Tenant-Key": "t_1"}


@pytest.mark.parametrize("security", _orders(("partner",), ("tenant",), ("bearer", "partner")))
def test_outside_the_documents_schemes_the_fewest_then_the_first_by_name_are_chosen(security: Security) -> None:
    # The document asks for `bearer`; no alternative is only that, so neither position nor the
    # document's order decides: fewer schemes, then the scheme names' alphabetical order.
    assert _sent(_credentials("k_1"), security) == {"X-Partner-Key": "k_1"}


@pytest.mark.parametrize("security", _orders(("tenant",), ("partner",)))
@pytest.mark.parametrize("default", [(), ((),)], ids=["no-security", "empty-requirement"])
def test_a_document_naming_no_scheme_lets_the_api_key_serve_each_and_chooses_by_name(
    security: Security, default: Security
) -> None:
    credentials = Credentials.from_arguments("k_1", None, {}, schemes=SCHEMES_OF_TEST, default=default)

    assert credentials.headers == {}
    assert _sent(credentials, security) == {"X-Partner-Key": "k_1"}


def test_optional_credentials_are_sent_when_held_and_left_out_when_not() -> None:
    assert _sent(_credentials("k_1"), ((), ("partner",))) == {"X-Partner-Key": "k_1"}
    assert _sent(_credentials(None, tenant="t_1"), ((), ("partner",))) == {}


def test_a_secret_of_a_scheme_wins_over_the_api_key_for_that_scheme_only() -> None:
    credentials = _credentials("k_1", partner="p_1")

    assert _sent(credentials, None) == {"Authorization": "Bearer k_1"}
    assert _sent(credentials, (("partner",), ("bearer",))) == {"X-Partner-Key": "p_1"}


def test_an_operation_needing_a_secret_the_client_lacks_is_refused_naming_the_schemes() -> None:
    credentials = _credentials(None, tenant="t_1")

    with pytest.raises(InvalidParameterError) as caught:
        credentials.changes(ApiRequest("getThing", "GET", "/things/1", security=(("partner",), ("bearer",))))

    assert caught.value.parameter == "credentials"
    assert "getThing (GET /things/1) needs a credential of `partner` or `bearer`" in str(caught.value)
    assert "t_1" not in str(caught.value)


def test_the_documents_requirement_rides_on_every_request_and_others_replace_it() -> None:
    credentials = _credentials("k_1")

    assert credentials.headers == {"Authorization": "Bearer k_1"}
    assert credentials.changes(ApiRequest("op", "GET", "/op")) == ({}, ())
    assert credentials.changes(ApiRequest("op", "GET", "/op", security=(("partner",),))) == (
        {"X-Partner-Key": "k_1"},
        ("Authorization",),
    )


@pytest.mark.parametrize(
    ("api_key", "by_scheme", "parameter", "message"),
    [
        (None, {}, "api_key", "no API key given"),
        ("", {}, "api_key", "no API key given"),
        ("has space", {}, "api_key", "printable ASCII"),
        (None, {"nope": "x_1"}, "credentials", "'nope' is not a security scheme of the API"),
        (None, {"partner": "line\nbreak"}, "credentials['partner']", "printable ASCII"),
        (None, {"partner": ""}, "credentials['partner']", "non-empty"),
    ],
)
def test_missing_or_malformed_credentials_are_refused_without_quoting_them(
    api_key: str | None, by_scheme: dict[str, str], parameter: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        Credentials.from_arguments(api_key, by_scheme or None, {}, schemes=SCHEMES_OF_TEST)

    assert caught.value.parameter == parameter
    assert message in str(caught.value)
    assert "line\nbreak" not in str(caught.value)


def test_credentials_show_the_schemes_they_hold_never_the_secrets_and_refuse_to_pickle() -> None:
    credentials = _credentials("k_secret_1", partner="p_secret_1")

    assert repr(credentials) == "Credentials({'bearer': '[redacted]', 'partner': '[redacted]', 'tenant': '[redacted]'})"
    with pytest.raises(TypeError):
        pickle.dumps(credentials)


# --- through the client, with the spec's own schemes ------------------------------------------------------


def _scheme_header(name: str, secret: str) -> tuple[str, str]:
    scheme = SCHEMES[name]
    return scheme.header.lower(), f"{scheme.prefix}{secret}"


@pytest.mark.skipif(not DEFAULT_SECURITY or not DEFAULT_SECURITY[0], reason="openapi.yaml asks for no credentials")
async def test_credentials_given_by_scheme_name_need_no_api_key(api: RecordingAPI) -> None:
    by_scheme = {name: f"secret_{index}_of_{name}" for index, name in enumerate(DEFAULT_SECURITY[0])}
    api.queue(httpx2.Response(200, json={}))
    async with api.client(api_key=None, credentials=by_scheme, environment="sandbox") as palomma:
        await palomma.request("GET", "/anything")

    (sent,) = api.requests
    for name, secret in by_scheme.items():
        header, value = _scheme_header(name, secret)
        assert sent.headers[header] == value


@pytest.mark.skipif(not DEFAULT_SECURITY or not DEFAULT_SECURITY[0], reason="openapi.yaml asks for no credentials")
async def test_with_options_credentials_replace_a_schemes_secret_for_the_copy_only(api: RecordingAPI) -> None:
    name = DEFAULT_SECURITY[0][0]
    api.queue(httpx2.Response(200, json={}), httpx2.Response(200, json={}))
    async with api.client(api_key=API_KEY, environment="sandbox") as palomma:
        await palomma.with_options(credentials={name: "merchant_2_key"}).request("GET", "/anything")
        await palomma.request("GET", "/anything")

    header, value = _scheme_header(name, "merchant_2_key")
    assert api.requests[0].headers[header] == value
    assert api.requests[1].headers[header] == _scheme_header(name, API_KEY)[1]


def test_a_scheme_the_spec_does_not_declare_is_refused_listing_the_ones_it_does() -> None:
    with pytest.raises(InvalidParameterError) as caught:
        PalommaClient(api_key=API_KEY, credentials={"noSuchScheme": "x_1"})

    assert caught.value.parameter == "credentials"
    for name in SCHEMES:
        assert repr(name) in str(caught.value)


# --- HTTP basic and an API key in a cookie ----------------------------------------------------------------


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _more(
    api_key: str | None = None,
    *,
    environment: dict[str, str] | None = None,
    credentials: object = None,
    username: object = None,
    password: object = None,
) -> Credentials:
    return Credentials.from_arguments(
        api_key,
        credentials,
        environment or {},
        username=username,
        password=password,
        schemes=MORE_SCHEMES,
        default=(),
    )


def test_a_user_name_and_password_serve_every_basic_scheme_and_the_api_key_every_other() -> None:
    credentials = _more("k_1", username="ana", password="pässword 1")

    assert _sent(credentials, (("basic",),)) == {"Authorization": _basic("ana", "pässword 1")}
    assert _sent(credentials, (("session",),)) == {"Cookie": "sid=k_1"}
    assert _sent(credentials, (("basic", "partner"),)) == {
        "Authorization": _basic("ana", "pässword 1"),
        "X-Partner-Key": "k_1",
    }


def test_the_user_name_and_password_come_from_the_environment_when_not_given() -> None:
    environment = {"PALOMMA_USERNAME": "env_user", "PALOMMA_PASSWORD": ""}

    assert _sent(_more(environment=environment), (("basic",),)) == {"Authorization": _basic("env_user", "")}
    assert _sent(_more(environment=environment, username="arg", password="p"), (("basic",),)) == {
        "Authorization": _basic("arg", "p")
    }


def test_an_api_key_alone_does_not_serve_a_basic_scheme_and_the_refusal_says_what_to_give() -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _more("k_1").changes(ApiRequest("getThing", "GET", "/things", security=(("basic",),)))

    assert caught.value.parameter == "credentials"
    assert "username= and password= (or PALOMMA_USERNAME and PALOMMA_PASSWORD)" in str(caught.value)


def test_a_basic_scheme_takes_its_own_pair_by_name() -> None:
    credentials = _more("k_1", credentials={"basic": ("own", "secret_2")}, username="ana", password="p")

    assert _sent(credentials, (("basic",),)) == {"Authorization": _basic("own", "secret_2")}


@pytest.mark.parametrize(
    ("options", "parameter", "message"),
    [
        ({"username": "ana"}, "password", "a user name needs its password"),
        ({"password": "secret_1"}, "username", "a password needs its user name"),
        ({"username": "a:b", "password": "secret_1"}, "username", "cannot hold a colon"),
        ({"username": "ana", "password": "secret_1\n"}, "username", "control characters"),
        ({"credentials": {"basic": "ana:secret_1"}}, "credentials['basic']", "(username, password) pair"),
        ({"credentials": {"basic": ("ana", 5)}}, "credentials['basic']", "needs a password"),
    ],
)
def test_a_malformed_user_name_or_password_is_refused_without_quoting_the_password(
    options: dict[str, object], parameter: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _more("k_1", **options)  # type: ignore[arg-type]  # each case gives some of the keyword arguments

    assert caught.value.parameter == parameter
    assert message in str(caught.value)
    assert "secret_1" not in str(caught.value)


def test_a_key_a_cookie_cannot_carry_is_refused_before_sending() -> None:
    credentials = _more("k;1")

    with pytest.raises(InvalidParameterError) as caught:
        credentials.changes(ApiRequest("op", "GET", "/op", security=(("session",),)))

    assert caught.value.parameter == "api_key"
    assert "k;1" not in str(caught.value)


def test_basic_and_cookie_credentials_show_no_secret_and_refuse_to_pickle() -> None:
    credentials = _more("k_secret_1", username="user_secret", password="pw_secret")

    assert "secret" not in repr(credentials)
    with pytest.raises(TypeError):
        pickle.dumps(credentials)


def test_with_options_replaces_the_user_name_and_password() -> None:
    credentials = _more(username="ana", password="p_1").replaced(None, None, "bea", "p_2")

    assert _sent(credentials, (("basic",),)) == {"Authorization": _basic("bea", "p_2")}
    with pytest.raises(InvalidParameterError):
        _more(username="ana", password="p_1").replaced(None, None, "bea", None)
