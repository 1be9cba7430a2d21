"""Which credentials go with a request: the client's secrets by security scheme, and what each operation needs.

How a credential travels is the spec's (``components.securitySchemes``, generated into
``_generated/security.py``): ``Authorization: Bearer <key>`` for HTTP bearer,
``Authorization: Basic <base64 of user:password>`` for HTTP basic, the key alone in the scheme's
header for an API key in a header, ``Cookie: <name>=<key>`` for an API key in a cookie. Which
schemes an operation needs is the spec's too (its ``security``, recorded as ``SECURITY`` in its
generated module).

A client holds one API key that serves every scheme that takes a key (``api_key=`` or
``PALOMMA_API_KEY``: the common case of an API with one scheme, or with several that take the
same key), one user name and password that serve every HTTP basic scheme (``username=`` and
``password=``, or ``PALOMMA_USERNAME`` and ``PALOMMA_PASSWORD``) and, for an API whose schemes
take different secrets, a secret per scheme (``credentials={"scheme": "..."}``, a
``(username, password)`` pair for a basic one), which wins over the others for that scheme.

Of an operation's alternative requirements, the one sent never depends on their order, which a
vendor may change in any release: a requirement whose secrets were all given by scheme name
comes first; then one whose API-key schemes are the document's own (the schemes its top-level
``security`` names; every scheme where it names none); then the fewest schemes, then the first
scheme names in alphabetical order. An empty requirement (credentials optional) comes last.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from palomma_client._exceptions import InvalidParameterError
from palomma_client._generated.security import DEFAULT_SECURITY, SCHEMES, Scheme, Security
from palomma_client._request import ApiRequest
from palomma_client._secrets import REDACTED

__all__ = ["API_KEY_VARIABLE", "PASSWORD_VARIABLE", "USERNAME_VARIABLE", "Credentials", "check_secret"]

API_KEY_VARIABLE = "PALOMMA_API_KEY"
USERNAME_VARIABLE = "PALOMMA_USERNAME"
PASSWORD_VARIABLE = "PALOMMA_PASSWORD"

# What a cookie's value may not hold (RFC 6265 `cookie-octet`), beyond what `check_secret` refuses.
_NOT_IN_A_COOKIE = frozenset('",;\\')

# What one request's security changes of the headers every request carries: added, then dropped.
_Changes = tuple[Mapping[str, str], tuple[str, ...]]
_NO_CHANGES: _Changes = ({}, ())


def check_secret(parameter: str, secret: object) -> str:
    """Return ``secret`` when it can travel in a header; the message never quotes it.

    Raises:
        InvalidParameterError: It is not a non-empty string of printable ASCII without spaces.
    """
    # A wrong key is still a secret: no message quotes it.
    if not isinstance(secret, str) or not secret:
        raise InvalidParameterError(parameter, "must be a non-empty string")
    if not secret.isascii() or not secret.isprintable() or any(character.isspace() for character in secret):
        raise InvalidParameterError(parameter, "must be printable ASCII with no spaces or line breaks")
    return secret


def basic_secret(parameter: str, username: object, password: object) -> str:
    """Return the token of HTTP basic (RFC 7617) for ``username`` and ``password``; no message quotes them.

    Raises:
        InvalidParameterError: The user name is not a non-empty string, has a colon or a control
            character, or the password is not a string or has a control character.
    """
    if not isinstance(username, str) or not username:
        raise InvalidParameterError(parameter, "needs a user name: a non-empty string")
    if ":" in username:
        raise InvalidParameterError(parameter, "a user name of HTTP basic cannot hold a colon")
    if not isinstance(password, str):
        raise InvalidParameterError(parameter, "needs a password: a string")
    if not (username + password).isprintable():
        raise InvalidParameterError(parameter, "a user name or password cannot hold control characters or line breaks")
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class Credentials:
    """A client's secrets, by security scheme, and the headers each operation's security asks for.

    Never shown: its ``repr`` names the schemes it has secrets for, not the secrets.

    Attributes:
        headers: The credential headers of the document's own security requirement, which the
            client sends with every request; an operation that needs other schemes changes them.
    """

    __slots__ = ("_api_key", "_basic", "_by_scheme", "_changes", "_default", "_key_schemes", "_schemes", "headers")

    def __init__(
        self,
        api_key: str | None,
        by_scheme: Mapping[str, str],
        *,
        basic: str | None = None,
        schemes: Mapping[str, Scheme] = SCHEMES,
        default: Security = DEFAULT_SECURITY,
    ) -> None:
        """Hold ``api_key`` for every key scheme, ``basic`` for every HTTP basic one, ``by_scheme`` for those named.

        All are already checked; ``basic`` and a basic scheme's secret are the encoded token of
        ``basic_secret``. ``schemes`` and ``default`` are the spec's (the generated ``SCHEMES`` and
        ``DEFAULT_SECURITY``).

        Raises:
            InvalidParameterError: A key cannot travel in the cookie a scheme of the document's own
                security puts it in.
        """
        self._api_key = api_key
        self._basic = basic
        self._by_scheme = dict(by_scheme)
        self._schemes = schemes
        self._default = default
        named = frozenset(name for requirement in default for name in requirement)
        self._key_schemes = named or frozenset(schemes)
        self._changes: dict[Security | None, _Changes] = {}
        chosen = self._choose(default)
        self.headers: Mapping[str, str] = self._headers(chosen or ())

    @classmethod
    def from_arguments(
        cls,
        api_key: object,
        credentials: object,
        environment: Mapping[str, str],
        *,
        username: object = None,
        password: object = None,
        schemes: Mapping[str, Scheme] = SCHEMES,
        default: Security = DEFAULT_SECURITY,
    ) -> Credentials:
        """The credentials a client was given, each argument else its environment variable.

        Args:
            api_key: The ``api_key`` argument, or ``None`` (then ``PALOMMA_API_KEY``).
            credentials: The ``credentials`` argument (a secret by scheme name), or ``None``.
            environment: The environment variables (``os.environ``).
            username: The ``username`` argument of HTTP basic, or ``None`` (then ``PALOMMA_USERNAME``).
            password: The ``password`` argument of HTTP basic, or ``None`` (then ``PALOMMA_PASSWORD``).
            schemes: The spec's security schemes.
            default: The document's own security requirements.

        Raises:
            InvalidParameterError: No API key, user name and password, or credential is given, only
                one of a user name and a password is, a scheme name is not one of the spec's, or a
                secret cannot be sent where its scheme puts it.
        """
        by_scheme = _checked_credentials(credentials, schemes)
        if api_key is None:
            api_key = environment.get(API_KEY_VARIABLE) or None
        basic = _basic_from_arguments(username, password, environment)
        if api_key is None and (by_scheme or basic):
            return cls(None, by_scheme, basic=basic, schemes=schemes, default=default)
        if api_key is None or api_key == "":
            raise InvalidParameterError(
                "api_key", f"no API key given: pass api_key=... to PalommaClient or set {API_KEY_VARIABLE}"
            )
        return cls(check_secret("api_key", api_key), by_scheme, basic=basic, schemes=schemes, default=default)

    def replaced(
        self,
        api_key: str | None,
        credentials: Mapping[str, str | tuple[str, str]] | None,
        username: str | None = None,
        password: str | None = None,
    ) -> Credentials:
        """These credentials with another API key, user name and password, and more or other secrets by scheme.

        ``None`` keeps what these hold.

        Raises:
            InvalidParameterError: A secret is invalid, or only one of a user name and a password is given.
        """
        key = self._api_key if api_key is None else check_secret("api_key", api_key)
        basic = self._basic if username is None and password is None else _basic_from_arguments(username, password, {})
        by_scheme = {**self._by_scheme, **_checked_credentials(credentials, self._schemes)}
        return Credentials(key, by_scheme, basic=basic, schemes=self._schemes, default=self._default)

    def changes(self, request: ApiRequest) -> _Changes:
        """The credential headers ``request`` needs beyond ``headers``, and those of ``headers`` it must not send.

        Raises:
            InvalidParameterError: These credentials satisfy none of the request's security requirements.
        """
        found = self._changes.get(request.security)
        if found is not None:
            return found
        security = self._default if request.security is None else request.security
        chosen = self._choose(security)
        if chosen is None:
            needed = " or ".join(" and ".join(f"`{name}`" for name in requirement) for requirement in security)
            basic = any(name in self._schemes and self._schemes[name].basic for names in security for name in names)
            give = f"username= and password= (or {USERNAME_VARIABLE} and {PASSWORD_VARIABLE}) for HTTP basic, " * basic
            raise InvalidParameterError(
                "credentials",
                f"{request.describe()} needs a credential of {needed}; give api_key= (or {API_KEY_VARIABLE}), "
                f"{give}or credentials= with a secret for each of those schemes; nothing was sent",
            )
        wanted = self._headers(chosen)
        added = {name: value for name, value in wanted.items() if self.headers.get(name) != value}
        dropped = tuple(name for name in self.headers if name not in wanted)
        found = self._changes[request.security] = (added, dropped) if added or dropped else _NO_CHANGES
        return found

    def _secret(self, scheme: str) -> str | None:
        found = self._schemes.get(scheme)
        if found is None:
            return None
        return self._by_scheme.get(scheme, self._basic if found.basic else self._api_key)

    def _choose(self, security: Security) -> tuple[str, ...] | None:
        """The best-ranked requirement every scheme of which has a secret (see the module's docstring), or `None`.

        An empty requirement (``security: [{}, ...]``) makes credentials optional: they are sent when held.
        """
        if not security:
            return ()
        held = [requirement for requirement in security if all(self._secret(name) for name in requirement)]
        return min(held, key=self._rank, default=None)

    def _rank(self, requirement: tuple[str, ...]) -> tuple[bool, bool, bool, int, tuple[str, ...]]:
        # Nothing here reads the requirement's position: reordering alternatives never moves a secret.
        keyed = [name for name in requirement if name not in self._by_scheme]
        return (
            not requirement,
            bool(keyed),
            any(name not in self._key_schemes for name in keyed),
            len(requirement),
            tuple(sorted(requirement)),
        )

    def _headers(self, requirement: tuple[str, ...]) -> dict[str, str]:
        headers = {}
        for name in requirement:
            scheme = self._schemes[name]
            secret = self._secret(name) or ""
            if scheme.header.lower() == "cookie" and _NOT_IN_A_COOKIE.intersection(secret):
                parameter = f"credentials[{name!r}]" if name in self._by_scheme else "api_key"
                raise InvalidParameterError(
                    parameter, f"cannot travel in the cookie of `{name}`: it holds one of {_COOKIE_CHARACTERS}"
                )
            headers[scheme.header] = f"{scheme.prefix}{secret}"
        return headers

    def __repr__(self) -> str:
        schemes = {name: REDACTED for name in self._schemes if self._secret(name)}
        return f"Credentials({schemes!r})"

    def __reduce__(self) -> str | tuple[object, ...]:
        # A pickle would carry the secrets in the clear, to wherever it is sent or stored.
        raise TypeError("Credentials hold secrets and cannot be pickled")


_COOKIE_CHARACTERS = " ".join(sorted(_NOT_IN_A_COOKIE))


def _basic_from_arguments(username: object, password: object, environment: Mapping[str, str]) -> str | None:
    """The HTTP basic token of the arguments, else of the environment's variables, or ``None`` without either."""
    if username is None:
        username = environment.get(USERNAME_VARIABLE) or None
    if password is None:
        # An empty password is one (an API that takes its key as the user name has it), but only beside a user name.
        password = (
            environment.get(PASSWORD_VARIABLE) if username is not None else environment.get(PASSWORD_VARIABLE) or None
        )
    if username is None and password is None:
        return None
    if username is None:
        raise InvalidParameterError(
            "username", f"a password needs its user name: pass username= or set {USERNAME_VARIABLE}"
        )
    if password is None:
        raise InvalidParameterError(
            "password", f"a user name needs its password: pass password= or set {PASSWORD_VARIABLE}"
        )
    return basic_secret("username", username, password)


def _checked_credentials(credentials: object, schemes: Mapping[str, Scheme]) -> dict[str, str]:
    if credentials is None:
        return {}
    if not isinstance(credentials, Mapping):
        raise InvalidParameterError("credentials", "must be a mapping of security scheme names to secrets")
    checked = {}
    for name, secret in credentials.items():
        if name not in schemes:
            known = ", ".join(repr(scheme) for scheme in schemes) or "none"
            raise InvalidParameterError(
                "credentials", f"{name!r} is not a security scheme of the API, whose schemes are {known}"
            )
        parameter = f"credentials[{name!r}]"
        if schemes[name].basic:
            # HTTP basic takes a pair; a lone string would have to be split on its colon, a password's too.
            if not isinstance(secret, tuple) or len(secret) != 2:
                raise InvalidParameterError(parameter, "HTTP basic takes a (username, password) pair")
            checked[name] = basic_secret(parameter, *secret)
        else:
            checked[name] = check_secret(parameter, secret)
    return checked
