"""How an argument is checked against a rule of the spec, before any request is sent.

The rules themselves (``minimum``, ``maxLength``, ``format``...) are not here:
the generated ``build_request`` of each operation reads them from
``openapi.yaml`` and passes them to these functions. A broken rule raises
``InvalidParameterError`` naming the argument, so a bad call never costs a
round trip or reaches the server half-formed.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx2

from palomma_client._exceptions import SECRET_HEADERS, InvalidParameterError

__all__ = [
    "check_array",
    "check_boolean",
    "check_date",
    "check_datetime",
    "check_enum",
    "check_headers",
    "check_integer",
    "check_mapping",
    "check_max_retries",
    "check_model",
    "check_number",
    "check_positive_int",
    "check_string",
    "check_timeout",
    "header_value",
    "path_segment",
]

EnumT = TypeVar("EnumT", bound=Enum)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MAX_PATH_SEGMENT = 1024
"""Longer ids are no id the API issues, and would make URLs that proxies refuse."""
MAX_QUERY_VALUE = 8192
"""The longest text sent in a query string: longer makes a URL that HTTP clients and proxies refuse."""
_QUOTED_LENGTH = 40


def _quoted(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _QUOTED_LENGTH else text[:_QUOTED_LENGTH] + "..."


def _type_name(value: object) -> str:
    return type(value).__name__


def _plain_text(parameter: str, value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidParameterError(parameter, "must be valid Unicode text (it has a lone surrogate)") from None
    return value


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
    parameter: str, value: object, *, min_items: int | None = None, max_items: int | None = None
) -> list[Any]:
    """A list or tuple within the spec's ``minItems`` and ``maxItems``, as a list (its items are checked apart)."""
    if not isinstance(value, list | tuple):
        raise InvalidParameterError(parameter, f"must be a list, got {_type_name(value)}")
    if min_items is not None and len(value) < min_items:
        raise InvalidParameterError(parameter, f"must have at least {min_items} items, got {len(value)}")
    if max_items is not None and len(value) > max_items:
        raise InvalidParameterError(parameter, f"must have at most {max_items} items, got {len(value)}")
    return list(value)


ModelT = TypeVar("ModelT")


def check_model(parameter: str, value: object, model: type[ModelT]) -> ModelT:
    """An instance of the generated model the spec asks for (built and checked by its own constructor)."""
    if not isinstance(value, model):
        raise InvalidParameterError(parameter, f"must be a {model.__name__}, got {_type_name(value)}")
    return value


_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]*")


def header_value(parameter: str, value: str) -> str:
    """``value`` as the value of a header parameter: printable ASCII, no line breaks.

    Anything else could not be sent as the API reads it, or could end the header early and
    smuggle in another.
    """
    if not _HEADER_VALUE.fullmatch(value):
        raise InvalidParameterError(parameter, "must be printable ASCII with no line breaks, to be sent as a header")
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
    return quote(_plain_text(parameter, value), safe="")
