"""How an argument is checked against a rule of the spec, before any request is sent.

The rules themselves (``minimum``, ``maxLength``, ``format``...) are not here:
the generated ``build_request`` of each operation reads them from
``openapi.yaml`` and passes them to these functions. A broken rule raises
``InvalidParameterError`` naming the argument, so a bad call never costs a
round trip or reaches the server half-formed.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import re
from collections.abc import Mapping
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx2

from palomma_client._exceptions import InvalidParameterError
from palomma_client._secrets import SECRET_HEADERS

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "check_array",
    "check_body_fields",
    "check_boolean",
    "check_date",
    "check_datetime",
    "check_enum",
    "check_file",
    "check_headers",
    "check_integer",
    "check_json",
    "check_mapping",
    "check_max_retries",
    "check_number",
    "check_positive_int",
    "check_string",
    "check_timeout",
    "cookie_value",
    "form_list",
    "header_value",
    "other_keys",
    "path_segment",
    "query_object",
    "simple_object",
    "unreserved",
]

EnumT = TypeVar("EnumT", bound=Enum)


class NotGiven:
    """The default of an argument the caller may set to ``None``: "not given" is not "null".

    A nullable body field (``nullable: true``, or ``type: [string, 'null']``) sends JSON ``null``
    when the caller passes ``None``, which clears the value on the API's side; left out, the
    field is not sent at all. ``None`` cannot be both, so the default is ``NOT_GIVEN``.
    """

    __slots__ = ()
    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
"""The default of a nullable body argument: nothing is sent for it."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MAX_PATH_SEGMENT = 1024
"""Longer ids are no id the API issues, and would make URLs that proxies refuse."""
MAX_QUERY_VALUE = 8192
"""The longest text sent in a query string: longer makes a URL that HTTP clients and proxies refuse."""
_QUOTED_LENGTH = 40

unreserved = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
"""Whether text is only URL-unreserved characters (RFC 3986), which quoting leaves as they are."""


def _quoted(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _QUOTED_LENGTH else text[:_QUOTED_LENGTH] + "..."


def _type_name(value: object) -> str:
    # Every check says "got None" the same way, whatever kind of argument was left as None.
    return "None" if value is None else type(value).__name__


def _plain_text(parameter: str, value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidParameterError(parameter, "must be valid Unicode text (it has a lone surrogate)") from None
    return value


def check_file(parameter: str, value: object) -> bytes:
    """The content of a file argument of a multipart body: ``bytes``, or a file opened in binary mode, read whole.

    Raises:
        InvalidParameterError: It is neither (a ``str`` too: text has no one byte form, so it is refused
            rather than guessed at), or a file object gives other than ``bytes``.
    """
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    read = getattr(value, "read", None)
    if isinstance(value, str) or not callable(read):
        raise InvalidParameterError(
            parameter, f"must be bytes or a file opened in binary mode, got {_type_name(value)}"
        )
    content = read()
    if not isinstance(content, bytes):
        raise InvalidParameterError(parameter, "must be a file opened in binary mode ('rb'): it gave text")
    return content


def check_string(
    parameter: str,
    value: object,
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    format: str | None = None,
    in_query: bool = False,
) -> str:
    """A string within the spec's length, pattern and format rules (and, in a query string, ``MAX_QUERY_VALUE``)."""
    if not isinstance(value, str):
        raise InvalidParameterError(parameter, f"must be a string, got {_type_name(value)}")
    if not value.isascii():
        # Only text beyond ASCII can hold a lone surrogate: an id is checked without the call, which
        # the bench target "invoices.get on aiohttp at most 1.20x raw aiohttp" needs.
        _plain_text(parameter, value)
    if in_query and len(value) > MAX_QUERY_VALUE:
        raise InvalidParameterError(
            parameter, f"must be at most {MAX_QUERY_VALUE:,} characters in a query string, got {len(value):,}"
        )
    if min_length is not None and len(value) < min_length:
        if min_length == 1:
            raise InvalidParameterError(parameter, "must not be empty")
        raise InvalidParameterError(parameter, f"must have at least {min_length} characters, got {len(value)}")
    if max_length is not None and len(value) > max_length:
        raise InvalidParameterError(parameter, f"must have at most {max_length} characters, got {len(value)}")
    if pattern is not None and _compiled(pattern).search(value) is None:
        raise InvalidParameterError(parameter, f"must match the pattern {pattern!r}, got {_quoted(value)}")
    if format is not None:
        _check_format(parameter, value, format)
    return value


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _check_format(parameter: str, value: str, format: str) -> None:
    if format == "uri":
        parts = urlsplit(value)
        if not parts.scheme or not parts.netloc or any(character.isspace() for character in value):
            raise InvalidParameterError(parameter, f"must be an absolute URL, got {_quoted(value)}")
    elif format == "email":
        if _EMAIL.match(value) is None:
            raise InvalidParameterError(parameter, f"must be an email address, got {_quoted(value)}")
    elif format == "uuid":
        if _UUID.match(value) is None:
            raise InvalidParameterError(parameter, f"must be a UUID, got {_quoted(value)}")
    elif format == "date-time":
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise InvalidParameterError(
                parameter, f"must be an ISO 8601 date-time with a UTC offset, got {_quoted(value)}"
            )


def _number(value: float) -> str:
    # Formatting an int of thousands of digits raises ValueError (and costs
    # quadratic time): say how long it is instead.
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"a number of {len(str(abs(value))) if abs(value) < 10**4000 else 'over 4,000'} digits"
    return f"{value:,}"


def _check_range(
    parameter: str,
    value: float,
    minimum: float | None,
    maximum: float | None,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
) -> None:
    too_low = minimum is not None and (value <= minimum if exclusive_minimum else value < minimum)
    too_high = maximum is not None and (value >= maximum if exclusive_maximum else value > maximum)
    if not (too_low or too_high):
        return
    if minimum is not None and maximum is not None and not (exclusive_minimum or exclusive_maximum):
        raise InvalidParameterError(parameter, f"must be between {minimum:,} and {maximum:,}, got {_number(value)}")
    if too_low:
        bound = "greater than" if exclusive_minimum else "at least"
        raise InvalidParameterError(parameter, f"must be {bound} {minimum:,}, got {_number(value)}")
    bound = "less than" if exclusive_maximum else "at most"
    raise InvalidParameterError(parameter, f"must be {bound} {maximum:,}, got {_number(value)}")


def check_integer(
    parameter: str,
    value: object,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    exclusive_minimum: bool = False,
    exclusive_maximum: bool = False,
) -> int:
    """A whole number (never a bool or a float) within the spec's range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError(parameter, f"must be an integer, got {_type_name(value)}")
    _check_range(parameter, value, minimum, maximum, exclusive_minimum, exclusive_maximum)
    return value


def check_number(
    parameter: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    exclusive_maximum: bool = False,
) -> float:
    """A finite number (never a bool) within the spec's range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidParameterError(parameter, f"must be a number, got {_type_name(value)}")
    if not math.isfinite(value):
        raise InvalidParameterError(parameter, f"must be a finite number, got {value}")
    _check_range(parameter, value, minimum, maximum, exclusive_minimum, exclusive_maximum)
    return value


def check_boolean(parameter: str, value: object) -> bool:
    """``True`` or ``False``, not a truthy stand-in."""
    if not isinstance(value, bool):
        raise InvalidParameterError(parameter, f"must be True or False, got {_type_name(value)}")
    return value


def check_enum(parameter: str, value: object, enum: type[EnumT]) -> EnumT:
    """One of the values the spec lists, given as the enum member or its value."""
    if isinstance(value, enum) and getattr(value, "is_known", True):
        return value
    if isinstance(value, str) and not isinstance(value, Enum):
        member = enum(value)
        # The generated enums accept unknown values so that responses keep
        # parsing; a request, though, must only send what the spec lists.
        if getattr(member, "is_known", True):
            return member
    valid = ", ".join(str(member.value) for member in enum)
    raise InvalidParameterError(parameter, f"must be one of {valid}; got {_quoted(value)}")


def check_date(parameter: str, value: object) -> datetime.date:
    """A calendar date, given as ``datetime.date`` or a ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime.datetime):
        # A datetime is a date subclass, but which day it means depends on a
        # time zone the SDK cannot guess; make the caller choose.
        raise InvalidParameterError(parameter, "must be a date, not a datetime; pass value.date() in the right zone")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidParameterError(parameter, f"must be a datetime.date or a 'YYYY-MM-DD' string, got {_quoted(value)}")


def check_datetime(parameter: str, value: object) -> datetime.datetime:
    """A ``datetime.datetime`` with a time zone: a naive one names no single instant."""
    if not isinstance(value, datetime.datetime):
        raise InvalidParameterError(parameter, f"must be a datetime.datetime, got {_type_name(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidParameterError(parameter, "must have a time zone (tzinfo); a naive datetime is ambiguous")
    return value


def check_positive_int(parameter: str, value: object) -> int:
    """A whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(parameter, f"must be a positive integer, got {_quoted(value)}")
    return value


def check_timeout(timeout: object, parameter: str = "timeout") -> float | httpx2.Timeout:
    """A positive, finite number of seconds, or an ``httpx2.Timeout`` that bounds every phase."""
    if isinstance(timeout, httpx2.Timeout):
        unbounded = [phase for phase in ("connect", "read", "write", "pool") if getattr(timeout, phase) is None]
        if unbounded:
            raise InvalidParameterError(
                parameter,
                f"an httpx2.Timeout with no {', '.join(unbounded)} limit would let a call wait forever; "
                "give every phase a number of seconds",
            )
        return timeout
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0 and math.isfinite(timeout):
        return float(timeout)
    raise InvalidParameterError(
        parameter, f"must be a positive, finite number of seconds or an httpx2.Timeout, got {_quoted(timeout)}"
    )


def check_max_retries(max_retries: object, parameter: str = "max_retries") -> int:
    """A whole number of retries, 0 or more."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidParameterError(parameter, f"must be a whole number of at least 0, got {_quoted(max_retries)}")
    return max_retries


def check_headers(parameter: str, headers: object, *, allow_none: bool) -> dict[str, str | None]:
    """Header names and values that are text with no line breaks; never a credential header (``Authorization``).

    The key is the client's to set (``with_options(api_key=...)``): a header
    of the caller's must not replace it unnoticed, nor smuggle in a second request.
    """
    if not isinstance(headers, Mapping):
        raise InvalidParameterError(
            parameter, f"must be a mapping of header names to values, got {_type_name(headers)}"
        )
    checked: dict[str, str | None] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not name or not name.isascii() or any(c in name for c in " \t\r\n:"):
            raise InvalidParameterError(parameter, f"has an invalid header name {_quoted(name)}")
        if name.lower() in SECRET_HEADERS:
            raise InvalidParameterError(
                parameter,
                f"cannot set {name}: the client sends its credentials; use with_options(api_key=...)",
            )
        if value is None and allow_none:
            checked[name] = None
            continue
        if not isinstance(value, str) or "\r" in value or "\n" in value:
            raise InvalidParameterError(parameter, f"{name} must be a string with no line breaks")
        checked[name] = value
    return checked


def check_mapping(parameter: str, value: object) -> dict[str, object]:
    """A mapping with string keys."""
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise InvalidParameterError(parameter, f"must be a mapping with string keys, got {_type_name(value)}")
    return dict(value)


def check_array(
    parameter: str,
    value: object,
    *,
    min_items: int | None = None,
    max_items: int | None = None,
    unique_items: bool = False,
) -> list[Any]:
    """A list or tuple within the spec's ``minItems``, ``maxItems`` and ``uniqueItems``, as a list.

    Its items are checked apart, by their own rules; ``uniqueItems`` compares them as given
    (an enum member equals its value).
    """
    if not isinstance(value, list | tuple):
        raise InvalidParameterError(parameter, f"must be a list, got {_type_name(value)}")
    if min_items is not None and len(value) < min_items:
        raise InvalidParameterError(parameter, f"must have at least {min_items} items, got {len(value)}")
    if max_items is not None and len(value) > max_items:
        raise InvalidParameterError(parameter, f"must have at most {max_items} items, got {len(value)}")
    if unique_items:
        for index, item in enumerate(value):
            if item in value[:index]:
                first = value.index(item)
                raise InvalidParameterError(
                    f"{parameter}[{index}]", f"must not repeat {parameter}[{first}] (uniqueItems)"
                )
    return list(value)


def form_list(parameter: str, values: list[str]) -> str:
    """An array query parameter's items as one value, separated by commas (``explode: false``).

    An item with a comma of its own would read as two: it is refused rather than sent as another list.
    """
    for index, value in enumerate(values):
        if "," in value:
            raise InvalidParameterError(
                f"{parameter}[{index}]",
                f"must not contain a comma (the items are sent comma-separated), got {_quoted(value)}",
            )
    return ",".join(values)


def query_object(value: Any, prefix: str | None) -> dict[str, str]:
    """An object query parameter, already checked as JSON, as one query pair per property.

    Named as the property itself (``style: form``, ``explode: true``) or, given ``prefix``, as
    ``prefix[property]`` (``style: deepObject``); a property left out or ``None`` is not sent.
    ``value`` is what ``check_json`` gave back for the argument: a JSON object.
    """
    pairs: dict[str, str] = {}
    for key, item in value.items():
        if item is None:
            continue
        text = ("true" if item else "false") if isinstance(item, bool) else str(item)
        pairs[key if prefix is None else f"{prefix}[{key}]"] = text
    return pairs


def simple_object(parameter: str, value: Any, explode: bool) -> str:
    """An object path or header parameter, already checked as JSON, as one value in the simple style.

    ``role=admin,name=Alex`` with ``explode: true``, ``role,admin,name,Alex`` without (the
    default); a property left out or ``None`` is not sent. ``value`` is what ``check_json`` gave
    back for the argument: a JSON object.

    Raises:
        InvalidParameterError: A property's value holds a comma (or, exploded, an ``=``), which
            would read as another property; it names ``parameter.property``.
    """
    parts: list[str] = []
    for key, item in value.items():
        if item is None:
            continue
        text = ("true" if item else "false") if isinstance(item, bool) else str(item)
        if "," in text or (explode and "=" in text):
            separators = "a comma or '='" if explode else "a comma"
            raise InvalidParameterError(
                f"{parameter}.{key}", f"must not contain {separators} (the properties are sent in one value)"
            )
        parts.append(f"{key}={text}" if explode else f"{key},{text}")
    return ",".join(parts)


_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]*")


def header_value(parameter: str, value: str) -> str:
    """``value`` as the value of a header parameter: printable ASCII, no line breaks.

    Anything else could not be sent as the API reads it, or could end the header early and
    smuggle in another.
    """
    if not _HEADER_VALUE.fullmatch(value):
        raise InvalidParameterError(parameter, "must be printable ASCII with no line breaks, to be sent as a header")
    return value


# What a cookie's value may hold (RFC 6265 `cookie-octet`): printable ASCII but space, `"`, `,`, `;` and `\`.
# The comma is let through for the items of an array cookie, which `form_list` joins with it.
_COOKIE_VALUE = re.compile(r"[\x21\x23-\x2b\x2c-\x3a\x3c-\x5b\x5d-\x7e]*")


def cookie_value(parameter: str, value: str) -> str:
    """``value`` as the value of a cookie parameter, sent in the ``Cookie`` header as ``name=value``.

    Raises:
        InvalidParameterError: It holds a character no cookie can (RFC 6265: a space, ``"``,
            ``;``, ``\\``, or other than printable ASCII): the API could not read it back as sent.
    """
    if not _COOKIE_VALUE.fullmatch(value):
        raise InvalidParameterError(
            parameter, "must be printable ASCII without spaces, '\"', ';' or '\\', to be sent as a cookie"
        )
    return value


def path_segment(parameter: str, value: str) -> str:
    """``value`` quoted as one segment of a URL path.

    A path parameter can never be empty, ``.`` or ``..`` (the URL would name
    another endpoint: ``get("..")`` would send ``GET /v1``), nor longer than
    any id the API issues.
    """
    if value in ("", ".", ".."):
        raise InvalidParameterError(parameter, f"must be an id, not {value!r}")
    if len(value) > _MAX_PATH_SEGMENT:
        raise InvalidParameterError(parameter, f"must be at most {_MAX_PATH_SEGMENT} characters, got {len(value):,}")
    if unreserved(value):
        # Quoting leaves these as they are; an id needs no quoting, and the bench target
        # "invoices.get on aiohttp at most 1.20x raw aiohttp" cannot spare quote's two calls.
        return value
    return quote(_plain_text(parameter, value), safe="")


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSON_TYPES: dict[str, tuple[str, Any]] = {
    "string": ("a string", lambda value: isinstance(value, str)),
    "integer": ("an integer", lambda value: isinstance(value, int) and not isinstance(value, bool)),
    "number": ("a number", lambda value: isinstance(value, int | float) and not isinstance(value, bool)),
    "boolean": ("True or False", lambda value: isinstance(value, bool)),
    "array": ("a list", lambda value: isinstance(value, list)),
    "object": ("an object (a model or a dict)", lambda value: isinstance(value, dict)),
}


def check_body_fields(body: Mapping[str, Any], required: Mapping[str, str]) -> None:
    """Check that an optional request body, when it is sent, carries the fields its schema requires.

    An optional body's arguments are optional as a group: none given, nothing is sent; any given,
    the body is sent and must be whole.

    Args:
        body: The body built from the arguments given, by JSON field name; empty when none was given.
        required: The fields the body's schema requires, JSON name -> argument name.

    Raises:
        InvalidParameterError: ``body`` is not empty and lacks a required field; names its argument.
    """
    if not body:
        return
    missing = [argument for name, argument in required.items() if name not in body]
    if missing:
        raise InvalidParameterError(
            missing[0],
            "is required once another argument of the request body is given; give none of them to send no body",
        )


def other_keys(parameter: str, keys: Mapping[str, Any], named: tuple[str, ...]) -> Mapping[str, Any]:
    """Check that the other keys of an object request body name none of its fields.

    Args:
        parameter: The argument that holds them (``additional_properties``).
        keys: The other keys and their checked JSON values.
        named: The JSON names of the body's fields, each an argument of its own.

    Returns:
        ``keys``, to be sent beside the fields.

    Raises:
        InvalidParameterError: A key names a field; give that field by its own argument.
    """
    clash = sorted(set(keys) & set(named))
    if clash:
        raise InvalidParameterError(
            _child(parameter, clash[0]), "names a field of the body: give it by its own argument"
        )
    return keys


def check_json(parameter: str, value: object, schema: Mapping[str, Any]) -> Any:
    """``value`` as the JSON the API reads, checked against the spec's schema of it.

    ``value`` may be a generated model (sent as its ``to_dict()``), a mapping with the API's
    (camelCase) field names, a list or tuple, or a scalar; enum members are sent as their value
    and dates as ISO 8601 text. The schema is the spec's own, every ``$ref`` inlined, in the
    3.0 or 3.1 spelling: types (nullable ones too), ``enum``, string and number rules,
    ``minItems``/``maxItems``/``uniqueItems``, required fields, ``additionalProperties``,
    ``allOf``/``oneOf``/``anyOf`` (a ``discriminator`` picks the member to check against).

    Args:
        parameter: The argument's name, the start of every path an error names.
        value: What the caller passed.
        schema: The spec's schema of the argument.

    Returns:
        The JSON value to send.

    Raises:
        InvalidParameterError: A rule is broken; ``parameter`` is the JSON path at fault
            (``lines[2].amount``).
    """
    document = _as_json(parameter, value)
    _check_against(parameter, document, schema)
    return document


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.fullmatch(key) else f"{path}[{key!r}]"


def _as_json(path: str, value: object) -> Any:
    """The JSON form of an argument: models by their ``to_dict``, enums by value, dates as text."""
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidParameterError(path, f"must be a finite number, got {value}")
        return value
    if isinstance(value, Enum):
        return _as_json(path, value.value)
    if isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime) and value.utcoffset() is None:
            raise InvalidParameterError(path, "must have a time zone (tzinfo); a naive datetime is ambiguous")
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, Mapping):
        extra = getattr(value, "additional_properties", None)
        if not isinstance(extra, dict) or not extra:
            return _as_json(path, to_dict())
        # The keys the spec does not name, each by its own JSON form: a value of the wrong type (a dict
        # where the map's values are models, a number) is then refused by the schema naming its key,
        # where the model's own to_dict would fail on it with an AttributeError.
        known: Any = copy.copy(value)
        known.additional_properties = {}
        document = _as_json(path, known.to_dict())
        for key, item in extra.items():
            if not isinstance(key, str):
                raise InvalidParameterError(path, f"must have string keys, got {_type_name(key)}")
            if key not in document:
                document[key] = _as_json(_child(path, key), item)
        return document
    if isinstance(value, Mapping):
        converted: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidParameterError(path, f"must have string keys, got {_type_name(key)}")
            converted[key] = _as_json(_child(path, key), item)
        return converted
    if isinstance(value, list | tuple):
        return [_as_json(f"{path}[{index}]", item) for index, item in enumerate(value)]
    raise InvalidParameterError(path, f"must be a JSON value, a model or a dict, got {_type_name(value)}")


def _types(schema: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The schema's types other than null, and whether null is allowed (3.0 ``nullable`` or a 3.1 type list)."""
    written = schema.get("type")
    kinds = [written] if isinstance(written, str) else list(written or [])
    nullable = schema.get("nullable") is True or "null" in kinds
    others = [kind for kind in kinds if kind != "null"]
    if not others and "properties" in schema:
        others = ["object"]
    return others, nullable or written == "null"


def _check_against(path: str, value: Any, schema: Mapping[str, Any]) -> None:
    kinds, nullable = _types(schema)
    if value is None:
        if nullable or (not kinds and not any(key in schema for key in ("enum", "allOf", "oneOf", "anyOf"))):
            return
        if not kinds and _union_allows_null(schema):
            return
        # Said as the scalar checks say it ("must be an integer, got None"), whatever the argument's kind.
        if kinds:
            expected = " or ".join(_JSON_TYPES.get(kind, (kind, None))[0] for kind in kinds)
            raise InvalidParameterError(path, f"must be {expected}, got None")
        if "enum" in schema:
            valid = ", ".join(str(item) for item in schema["enum"])
            raise InvalidParameterError(path, f"must be one of {valid}; got None")
        raise InvalidParameterError(path, "must not be null here, got None")
    if schema.get("type") in ("null", ["null"]):
        raise InvalidParameterError(path, f"must be null, got {_type_name(value)}")
    for member in schema.get("allOf") or ():
        _check_against(path, value, member)
    for keyword in ("oneOf", "anyOf"):
        if isinstance(schema.get(keyword), list):
            _check_union(path, value, schema, keyword)
    if kinds:
        matching = next((kind for kind in kinds if _JSON_TYPES.get(kind, ("", lambda _: True))[1](value)), None)
        if matching is None:
            expected = " or ".join(_JSON_TYPES.get(kind, (kind, None))[0] for kind in kinds)
            raise InvalidParameterError(path, f"must be {expected}, got {_type_name(value)}")
    if "enum" in schema and value not in schema["enum"]:
        valid = ", ".join(str(item) for item in schema["enum"])
        raise InvalidParameterError(path, f"must be one of {valid}; got {_quoted(value)}")
    if "const" in schema and not _same_json(value, schema["const"]):
        raise InvalidParameterError(path, f"must be {_quoted(schema['const'])}; got {_quoted(value)}")
    if isinstance(value, str):
        _check_text(path, value, schema)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(path, value, schema)
    elif isinstance(value, list):
        _check_items(path, value, schema)
    elif isinstance(value, dict):
        _check_object(path, value, schema)


def _same_json(left: Any, right: Any) -> bool:
    """Whether two JSON values are equal as JSON Schema's `const` compares them: `1` is `1.0`, never `true`."""
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_same_json(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same_json(left[key], right[key]) for key in left)
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right


def _union_allows_null(schema: Mapping[str, Any]) -> bool:
    members = [*(schema.get("oneOf") or ()), *(schema.get("anyOf") or ())]
    return any(_types(member)[1] for member in members if isinstance(member, Mapping))


def _check_text(path: str, value: str, schema: Mapping[str, Any]) -> None:
    written = schema.get("format")
    check_string(
        path,
        value,
        min_length=schema.get("minLength"),
        max_length=schema.get("maxLength"),
        pattern=schema.get("pattern"),
        format=written if written in ("uri", "email", "uuid", "date-time") else None,
    )
    if written == "date":
        check_date(path, value)


def _check_number(path: str, value: float, schema: Mapping[str, Any]) -> None:
    bounds: dict[str, Any] = {"minimum": schema.get("minimum"), "maximum": schema.get("maximum")}
    flags = {"minimum": False, "maximum": False}
    for bound in ("minimum", "maximum"):
        exclusive = schema.get(f"exclusive{bound.capitalize()}")
        if exclusive is True:  # OpenAPI 3.0: a flag on the bound
            flags[bound] = True
        elif isinstance(exclusive, int | float) and not isinstance(exclusive, bool):  # 3.1: the bound itself
            bounds[bound], flags[bound] = exclusive, True
    _check_range(path, value, bounds["minimum"], bounds["maximum"], flags["minimum"], flags["maximum"])


def _check_items(path: str, value: list[Any], schema: Mapping[str, Any]) -> None:
    check_array(path, value, min_items=schema.get("minItems"), max_items=schema.get("maxItems"))
    if schema.get("uniqueItems") is True:
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            # JSON equality: key order does not matter, 1 and 1.0 are the same number.
            key = json.dumps(_canonical(item), sort_keys=True)
            if key in seen:
                raise InvalidParameterError(f"{path}[{index}]", f"must not repeat {path}[{seen[key]}] (uniqueItems)")
            seen[key] = index
    items = schema.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            _check_against(f"{path}[{index}]", item, items)


def _canonical(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    return value


def _check_object(path: str, value: dict[str, Any], schema: Mapping[str, Any]) -> None:
    properties: Mapping[str, Any] = schema.get("properties") or {}
    for name in schema.get("required") or ():
        declared = properties.get(name)
        if name not in value and not (isinstance(declared, Mapping) and declared.get("readOnly") is True):
            raise InvalidParameterError(_child(path, name), "is required")
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        declared = properties.get(name)
        if isinstance(declared, Mapping):
            if declared.get("readOnly") is True:
                raise InvalidParameterError(_child(path, name), "is set by the API (readOnly) and cannot be sent")
            _check_against(_child(path, name), item, declared)
        elif extra is False:
            raise InvalidParameterError(_child(path, name), "is not a field the API takes here")
        elif isinstance(extra, Mapping):
            _check_against(_child(path, name), item, extra)
    for bound, message in (("minProperties", "at least"), ("maxProperties", "at most")):
        limit = schema.get(bound)
        if limit is not None and (len(value) < limit if bound == "minProperties" else len(value) > limit):
            raise InvalidParameterError(path, f"must have {message} {limit} entries, got {len(value)}")


def _check_union(path: str, value: Any, schema: Mapping[str, Any], keyword: str) -> None:
    members: list[Mapping[str, Any]] = schema[keyword]
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, Mapping) and isinstance(value, dict):
        name = discriminator["propertyName"]
        # The generator writes `mapping` as value -> the member's index in the list.
        mapping: Mapping[str, int] = discriminator.get("mapping") or {}
        if name not in value:
            raise InvalidParameterError(_child(path, name), "is required (it says which kind of object this is)")
        if value[name] not in mapping:
            valid = ", ".join(str(key) for key in mapping)
            raise InvalidParameterError(_child(path, name), f"must be one of {valid}; got {_quoted(value[name])}")
        _check_against(path, value, members[mapping[value[name]]])
        return
    if value is not None:
        # A 3.1 `{type: 'null'}` member (a nullable union) says nothing about a value that is not null.
        members = [member for member in members if member.get("type") not in ("null", ["null"])] or members
    problems: list[InvalidParameterError] = []
    for member in members:
        try:
            _check_against(path, value, member)
        except InvalidParameterError as problem:
            problems.append(problem)
    matched = len(members) - len(problems)
    if matched == 0:
        if len(problems) == 1:
            raise problems[0]
        reasons = "; ".join(str(problem) for problem in problems)
        raise InvalidParameterError(path, f"must match one of its {len(members)} schemas ({reasons})")
    if keyword == "oneOf" and matched > 1:
        raise InvalidParameterError(path, f"matches {matched} of its schemas, and must match exactly one")
