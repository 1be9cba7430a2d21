"""Which credentials go with a request: the client's secrets by security scheme, and what each operation needs.

How a credential travels is the spec's (``components.securitySchemes``, generated into
``_generated/security.py``): ``Authorization: Bearer <key>`` for HTTP bearer, the key alone in
the scheme's header for an API key in a header. Which schemes an operation needs is the spec's
too (its ``security``, recorded as ``SECURITY`` in its generated module).

A client holds one API key that serves every scheme (``api_key=`` or ``PALOMMA_API_KEY``: the
common case of an API with one scheme, or with several that take the same key) and, for an API
whose schemes take different secrets, a secret per scheme (``credentials={"scheme": "..."}``),
which wins over the API key for that scheme.

Of an operation's alternative requirements, the one sent never depends on their order, which a
vendor may change in any release: a requirement whose secrets were all given by scheme name
comes first; then one whose API-key schemes are the document's own (the schemes its top-level
``security`` names; every scheme where it names none); then the fewest schemes, then the first
scheme names in alphabetical order. An empty requirement (credentials optional) comes last.
"""

from __future__ import annotations

from collections.abc import Mapping

from palomma_client._exceptions import InvalidParameterError
from palomma_client._generated.security import DEFAULT_SECURITY, SCHEMES, Scheme, Security
from palomma_client._request import ApiRequest
from palomma_client._secrets import REDACTED

__all__ = ["API_KEY_VARIABLE", "Credentials", "check_secret"]

API_KEY_VARIABLE = "PALOMMA_API_KEY"

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


class Credentials:
    """A client's secrets, by security scheme, and the headers each operation's security asks for.

    Never shown: its ``repr`` names the schemes it has secrets for, not the secrets.

    Attributes:
        headers: The credential headers of the document's own security requirement, which the
            client sends with every request; an operation that needs other schemes changes them.
    """

    __slots__ = ("_api_key", "_by_scheme", "_changes", "_default", "_key_schemes", "_schemes", "headers")

    def __init__(
        self,
        api_key: str | None,
        by_scheme: Mapping[str, str],
        *,
        schemes: Mapping[str, Scheme] = SCHEMES,
        default: Security = DEFAULT_SECURITY,
    ) -> None:
        """Hold ``api_key`` for every scheme and ``by_scheme`` for the schemes they name; both already checked.

        ``schemes`` and ``default`` are the spec's (the generated ``SCHEMES`` and ``DEFAULT_SECURITY``).
        """
        self._api_key = api_key
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
        environment_key: str | None,
        *,
        schemes: Mapping[str, Scheme] = SCHEMES,
        default: Security = DEFAULT_SECURITY,
    ) -> Credentials:
        """The credentials a client was given: ``api_key``, else the environment's key, and ``credentials``.

        Args:
            api_key: The ``api_key`` argument, or ``None``.
            credentials: The ``credentials`` argument (a secret by scheme name), or ``None``.
            environment_key: The value of ``PALOMMA_API_KEY``, or ``None``.

        Raises:
            InvalidParameterError: Neither an API key nor any credential is given, a scheme name is
                not one of the spec's, or a secret cannot be sent in a header.
        """
        by_scheme = _checked_credentials(credentials, schemes)
        if api_key is None and environment_key:
            api_key = environment_key
        if api_key is None and by_scheme:
            return cls(None, by_scheme, schemes=schemes, default=default)
        if api_key is None or api_key == "":
            raise InvalidParameterError(
                "api_key", f"no API key given: pass api_key=... to PalommaClient or set {API_KEY_VARIABLE}"
            )
        return cls(check_secret("api_key", api_key), by_scheme, schemes=schemes, default=default)

    def replaced(self, api_key: str | None, credentials: Mapping[str, str] | None) -> Credentials:
        """These credentials with another API key and more or other secrets by scheme (``None``: keep them)."""
        key = self._api_key if api_key is None else check_secret("api_key", api_key)
        by_scheme = {**self._by_scheme, **_checked_credentials(credentials, self._schemes)}
        return Credentials(key, by_scheme, schemes=self._schemes, default=self._default)

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
            raise InvalidParameterError(
                "credentials",
                f"{request.describe()} needs a credential of {needed}; give api_key= (or {API_KEY_VARIABLE}), "
                "or credentials= with a secret for each of those schemes; nothing was sent",
            )
        wanted = self._headers(chosen)
        added = {name: value for name, value in wanted.items() if self.headers.get(name) != value}
        dropped = tuple(name for name in self.headers if name not in wanted)
        found = self._changes[request.security] = (added, dropped) if added or dropped else _NO_CHANGES
        return found

    def _secret(self, scheme: str) -> str | None:
        if scheme not in self._schemes:
            return None
        return self._by_scheme.get(scheme, self._api_key)

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
            headers[scheme.header] = f"{scheme.prefix}{self._secret(name)}"
        return headers

    def __repr__(self) -> str:
        schemes = {name: REDACTED for name in self._schemes if self._secret(name)}
        return f"Credentials({schemes!r})"

    def __reduce__(self) -> str | tuple[object, ...]:
        # A pickle would carry the secrets in the clear, to wherever it is sent or stored.
        raise TypeError("Credentials hold secrets and cannot be pickled")


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
        checked[name] = check_secret(f"credentials[{name!r}]", secret)
    return checked
