"""Check requests against the spec's schemas, and answer the first problem with a message naming its field.

Path, query and header parameters and JSON bodies are validated with `openapi-schema-validator`
(the JSON Schema dialect of the document's OpenAPI version, 3.0 or 3.1, with its format checker:
`date`, `date-time`, `uri`, ...) against the schemas of the OpenAPI document the fake serves; no
limit or list of the spec is repeated here. A `readOnly` property is refused in a request body and
never required there. Messages read `<field>: <problem>`, e.g. `amount: 'many' is not of type 'integer'`.

Cursors are the fake's own: opaque, and valid only if this module made them.
"""

from __future__ import annotations

import base64
import binascii
import copy
import email
import email.policy
import itertools
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

# jsonschema ships no type information; openapi-schema-validator builds its validators with it.
from jsonschema import ValidationError  # type: ignore[import-untyped]
from jsonschema.validators import extend  # type: ignore[import-untyped]
from openapi_schema_validator import OAS30Validator, OAS31Validator, oas30_format_checker, oas31_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from palomma_client._openapi import join_pointer
from palomma_client.testing._ids import is_ulid
from palomma_client.testing._spec import SPEC_URI, ApiSpec, Operation, Parameter, schema_types

__all__ = [
    "INVALID_JSON_MESSAGE",
    "BadRequest",
    "RequestValidator",
    "ValidRequest",
    "decode_cursor",
    "encode_cursor",
    "parse_json",
    "request_cookies",
]

INVALID_JSON_MESSAGE = "Invalid JSON in request body"
"""The message for a body that is not JSON, as in the spec's own 400 example."""

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_CURSOR = re.compile(r"[A-Za-z0-9_-]+")
# Values quoted in messages are cut to this many characters: a message must stay short whatever was sent.
_QUOTE_LIMIT = 80


class BadRequest(ValueError):
    """A request the fake rejects with 400 and `{"error": message}`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ValidRequest:
    """A request that passed the spec's checks, its values decoded as the schemas say.

    Attributes:
        operation: The operation it calls.
        path: Path parameters by name.
        query: Query parameters by name, with the schemas' defaults for those not sent.
        headers: Header parameters the operation declares, by their spec names.
        cookies: Cookie parameters the operation declares, by their spec names.
        body: The decoded JSON body (top-level defaults filled in), or `None` when there is none.
    """

    operation: Operation
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, Any] = field(default_factory=dict)
    cookies: dict[str, Any] = field(default_factory=dict)
    body: Any = None


READ_ONLY_MESSAGE = "is read-only and cannot be sent"
"""The problem reported for a `readOnly` property in a request body."""


def _write_rules(spec: ApiSpec) -> dict[str, Any]:
    """The keywords that differ when a value is sent: `readOnly` is refused, and never `required`."""

    def read_only(declared: Any) -> bool:
        # OpenAPI 3.1 allows `readOnly` beside a `$ref`; 3.0 only in the schema referred to.
        seen = 0
        while isinstance(declared, Mapping) and seen < 16:
            if declared.get("readOnly") is True:
                return True
            if not isinstance(declared.get("$ref"), str) or not declared["$ref"].startswith("#"):
                return False
            declared, _ = spec.resolve({"$ref": declared["$ref"]}, "")
            seen += 1
        return False

    def required(validator: Any, names: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        properties = schema.get("properties", {})
        for name in names:
            if name not in instance and not read_only(properties.get(name)):
                # The message names the missing field from `validator_value`: only this one, not a
                # readOnly field listed before it that the client must not send.
                yield ValidationError(f"{name!r} is a required property", validator_value=[name])

    def refuse(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
        if value is True:
            yield ValidationError(READ_ONLY_MESSAGE)

    return {"required": required, "readOnly": refuse}


def _strict_integer(checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def _nullable_composites(validators: Mapping[str, Any]) -> dict[str, Any]:
    """3.0 keywords that take null where the schema says ``nullable: true``, whatever it composes.

    OpenAPI 3.0.3 reads `nullable` only beside a `type`; vendors write `allOf: [{$ref: X}]` (or a
    bare `$ref`) with `nullable: true` to mean "X, or null", and the generator reads it so. Likewise
    an `enum` with `nullable: true` and no `null` among its values: "one of these, or null".
    """

    def nullable(keyword: Any) -> Any:
        def check(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
            if instance is None and schema.get("nullable") is True:
                return
            yield from keyword(validator, value, instance, schema)

        return check

    keywords = ("$ref", "allOf", "anyOf", "oneOf", "enum")
    return {name: nullable(validators[name]) for name in keywords if name in validators}


def _discriminated(validators: Mapping[str, Any]) -> dict[str, Any]:
    """Composite keywords that refuse a discriminating property of other than a string as a wrong type.

    openapi-schema-validator looks the property's value up in the discriminator's mapping, which a
    list or an object sent there breaks with a `TypeError`: the client made the mistake, a 400 says so.
    """

    def guarded(keyword: Any) -> Any:
        def check(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
            discriminator = schema.get("discriminator")
            name = discriminator.get("propertyName") if isinstance(discriminator, Mapping) else None
            if validator.is_type(instance, "object") and name in instance and not isinstance(instance[name], str):
                yield from validator.descend(instance[name], {"type": "string"}, path=name)
                return
            yield from keyword(validator, value, instance, schema)

        return check

    return {name: guarded(validators[name]) for name in ("allOf", "anyOf", "oneOf") if name in validators}


# version: (validator, format checker, referencing specification) for the document's JSON Schema dialect.
# JSON Schema 2020-12 (OpenAPI 3.1) counts 1.0 as an integer; the API refuses it whatever the
# spec's spelling ("Amount must be an integer"), so both dialects check integers as 3.0 does.
_DIALECTS: dict[str, tuple[Any, Any, Any]] = {
    "3.0": (
        extend(
            OAS30Validator,
            _nullable_composites({**OAS30Validator.VALIDATORS, **_discriminated(OAS30Validator.VALIDATORS)}),
        ),
        oas30_format_checker,
        DRAFT4,
    ),
    "3.1": (
        extend(
            OAS31Validator,
            # openapi-schema-validator reads a `discriminator` in its 3.0 dialect only; OpenAPI 3.1 keeps it.
            _discriminated({name: OAS30Validator.VALIDATORS[name] for name in ("oneOf", "anyOf")}),
            type_checker=OAS31Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
        ),
        oas31_format_checker,
        DRAFT202012,
    ),
}


class RequestValidator:
    """Validates requests for the operations of one `ApiSpec`, in the JSON Schema dialect of its version.

    Args:
        spec: The spec whose schemas apply.
    """

    def __init__(self, spec: ApiSpec) -> None:
        self._spec = spec
        self._read, self._format_checker, specification = _DIALECTS[spec.version]
        # The same two rules in both dialects: a readOnly field is refused with one message in 3.0 and 3.1.
        self._write = extend(self._read, _write_rules(spec))
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, specification.create_resource(spec.document))
        self._validators: dict[tuple[str, bool], Any] = {}

    def validate(
        self,
        operation: Operation,
        *,
        path: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
        headers: Mapping[str, str],
        content_type: str | None,
        body: bytes,
    ) -> ValidRequest:
        """Check one request: path parameters, then query, header and cookie parameters, then the body.

        Args:
            operation: The operation the request was routed to.
            path: The path parameters, as text.
            query: Every value of each query parameter, in order.
            headers: The request headers, names in lower case.
            content_type: The `Content-Type` header, if any.
            body: The raw body.

        Returns:
            The decoded, checked request.

        Raises:
            BadRequest: Naming the first problem found.
        """
        values: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}, "cookie": {}}
        for location in ("path", "query", "header", "cookie"):
            for parameter in operation.parameters:
                if parameter.location != location:
                    continue
                if "object" in schema_types(parameter.schema) and location == "query":
                    found = _object_values(parameter, query, self._spec)
                    if found is not None:
                        self.check(parameter.schema_pointer, found, location=parameter.name)
                        values[location][parameter.name] = found
                    elif parameter.required:
                        raise BadRequest(f"{parameter.name}: required {location} parameter is missing")
                    continue
                raw = _raw_values(parameter.location, parameter.name, path, query, headers)
                if raw and "object" in schema_types(parameter.schema):
                    # The simple style of a path or header: `role,admin,name,Alex`, or `role=admin,name=Alex` exploded.
                    found = _simple_object(parameter, raw[-1], self._spec)
                    self.check(parameter.schema_pointer, found, location=parameter.name)
                    values[location][parameter.name] = found
                    continue
                if not raw:
                    if parameter.required:
                        raise BadRequest(f"{parameter.name}: required {location} parameter is missing")
                    if "default" in parameter.schema:
                        values[location][parameter.name] = copy.deepcopy(parameter.schema["default"])
                    continue
                commas = parameter.style == "simple" or not parameter.explode or location == "cookie"
                if commas and "array" in schema_types(parameter.schema):
                    # The simple style, the form style with `explode: false`, or a cookie (which cannot repeat
                    # its name as a query string can): one value, items separated by commas. An empty value
                    # is the empty array (RFC 6570 expands `[]` to nothing), not one empty item.
                    raw = [item for value in raw if value for item in value.split(",")]
                value = _decode(parameter.name, raw, parameter.schema, self._spec)
                self.check(parameter.schema_pointer, value, location=parameter.name)
                values[location][parameter.name] = value
        return ValidRequest(
            operation,
            path=values["path"],
            query=values["query"],
            headers=values["header"],
            cookies=values["cookie"],
            body=self._body(operation, content_type, body),
        )

    def check_body(self, operation: Operation, payload: Any) -> Any:
        """Check a decoded JSON body for an operation, as if it had been sent.

        Returns:
            The payload with the schema's top-level defaults filled in.

        Raises:
            BadRequest: Naming the first problem found.
        """
        assert operation.body is not None
        media = operation.body.json_media_type()
        _check_text(payload)
        if media is None or media.schema_pointer is None:
            return payload
        # Checked against the schema as written: a `nullable` beside its `$ref` makes null a body too.
        self.check(join_pointer(media.pointer, "schema"), payload, location="", write=True)
        return self._with_defaults(media.schema_pointer, payload)

    def check(self, pointer: str, instance: Any, *, location: str, write: bool = False) -> None:
        """Validate a value against the schema at `pointer`.

        Args:
            pointer: The schema's JSON Pointer in the document.
            instance: The decoded value.
            location: What the value is (a parameter's name), or `""` for a request body.
            write: Whether it is sent to the API (`readOnly` properties are then not allowed, nor required).

        Raises:
            BadRequest: Naming the first problem found.
        """
        errors = self._validator(pointer, write=write).iter_errors(instance)
        try:
            first = list(itertools.islice(errors, 3))
        except RecursionError:
            raise BadRequest(f"{location or 'body'}: nested too deeply") from None
        if not first:
            return
        # A null where a field is not nullable fails several keywords at once (3.0 reports "None
        # for not nullable" first, 3.1 its `enum` first); "None is not of type 'string'", the last
        # `type` error at that place, says the most, in both dialects.
        error = first[0]
        same_place = [item for item in first if item.absolute_path == error.absolute_path]
        if error.instance is None:
            error = next((item for item in reversed(same_place) if item.validator == "type"), error)
        raise BadRequest(_message(error, location))

    def _body(self, operation: Operation, content_type: str | None, body: bytes) -> Any:
        if operation.body is None or (not body and not operation.body.required):
            return None
        if not operation.body.accepts(content_type or ""):
            names = " or ".join(media.name for media in operation.body.media_types)
            raise BadRequest(f"Content-Type must be {names}")
        media = operation.body.json_media_type()
        if media is not None:
            return self.check_body(operation, parse_json(body))
        form = next((media for media in operation.body.media_types if media.is_form or media.is_multipart), None)
        if form is None or form.schema_pointer is None:
            return body  # a body the fake does not parse: passed on as sent
        pairs = _urlencoded_pairs(body) if form.is_form else _multipart_pairs(content_type or "", body)
        payload = self._form(form.schema_pointer, pairs)
        self.check(form.schema_pointer, payload, location="", write=True)
        return self._with_defaults(form.schema_pointer, payload)

    def _form(self, pointer: str, pairs: Mapping[str, list[str]]) -> dict[str, Any]:
        """A form body's fields, each decoded by its schema (an array from its repeated pairs), as JSON holds them."""
        properties, required = self._spec.object_properties(pointer)
        fields: dict[str, Any] = {}
        for name, values in pairs.items():
            schema = properties.get(name, ({}, ""))[0]
            fields[name] = _decode(name, values, schema, self._spec) if schema else values[-1]
        for name in required:
            # An empty array is no pair at all in a form: a required array left out was sent empty.
            if name not in fields and properties.get(name, ({}, ""))[0].get("type") == "array":
                fields[name] = []
        return fields

    def _with_defaults(self, pointer: str, payload: Any) -> Any:
        if not isinstance(payload, dict):
            return payload
        properties, _ = self._spec.object_properties(pointer)
        filled = dict(payload)
        for name, (schema, _) in properties.items():
            if name not in filled and "default" in schema:
                filled[name] = copy.deepcopy(schema["default"])
        return filled

    def _validator(self, pointer: str, *, write: bool) -> Any:
        key = (pointer, write)
        validator = self._validators.get(key)
        if validator is None:
            kind = self._write if write else self._read
            reference = f"{SPEC_URI}#{quote(pointer, safe='/~')}"
            validator = kind({"$ref": reference}, registry=self._registry, format_checker=self._format_checker)
            self._validators[key] = validator
        return validator


def parse_json(body: bytes) -> Any:
    """Decode a JSON request body.

    Raises:
        BadRequest: `Invalid JSON in request body` for anything that is not JSON, or that no JSON
            answer could carry back (`NaN`, `1e999`, lone surrogates).
    """
    try:
        payload = json.loads(body, parse_constant=_reject_constant, parse_float=_finite_float)
    # Not only JSONDecodeError: invalid UTF-8, integers too long to parse and absurd nesting fail differently.
    except (ValueError, RecursionError):
        raise BadRequest(INVALID_JSON_MESSAGE) from None
    return payload


def encode_cursor(after: str) -> str:
    """Return the opaque cursor for the page that starts after invoice `after`."""
    raw = json.dumps({"after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """Return the invoice id a cursor continues after.

    Raises:
        BadRequest: If the cursor was not made by `encode_cursor`.
    """
    if _CURSOR.fullmatch(cursor):
        try:
            decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (ValueError, binascii.Error, RecursionError):
            decoded = None
        if isinstance(decoded, dict) and set(decoded) == {"after"}:
            after = decoded["after"]
            if isinstance(after, str) and is_ulid(after):
                return after
    raise BadRequest("cursor: not a cursor this API returned")


def _raw_values(
    location: str, name: str, path: Mapping[str, str], query: Mapping[str, Sequence[str]], headers: Mapping[str, str]
) -> list[str]:
    if location == "path":
        return [path[name]] if name in path else []
    if location == "query":
        return list(query.get(name, []))
    if location == "cookie":
        cookies = request_cookies(headers)
        return [cookies[name]] if name in cookies else []
    value = headers.get(name.lower())
    return [] if value is None else [value]


def _urlencoded_pairs(body: bytes) -> dict[str, list[str]]:
    try:
        return parse_qs(body.decode("ascii"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("Invalid form in request body") from None


def _multipart_pairs(content_type: str, body: bytes) -> dict[str, list[str]]:
    """A `multipart/form-data` body's fields by name; a file's bytes are read as Latin-1 text, one character a byte."""
    message = email.message_from_bytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body, policy=email.policy.HTTP
    )
    if not message.is_multipart() or message.defects:
        raise BadRequest("Invalid multipart form in request body")
    pairs: dict[str, list[str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(content, bytes):
            raise BadRequest("Invalid multipart form in request body: a part without a name")
        text = content.decode("latin-1") if part.get_filename() is not None else content.decode("utf-8", "replace")
        pairs.setdefault(name, []).append(text)
    return pairs


def request_cookies(headers: Mapping[str, str]) -> dict[str, str]:
    """The cookies of a request's `Cookie` header, by name (RFC 6265: `a=1; b=2`); the first of a name wins."""
    cookies: dict[str, str] = {}
    for pair in headers.get("cookie", "").split(";"):
        name, equals, value = pair.strip().partition("=")
        if equals and name:
            cookies.setdefault(name, value.strip())
    return cookies


def _object_values(parameter: Parameter, query: Mapping[str, Sequence[str]], spec: ApiSpec) -> dict[str, Any] | None:
    """An object query parameter's properties, each a pair of its own (`key=...`, or `name[key]=...` for
    `deepObject`); `None` when none of them was sent."""
    found: dict[str, Any] = {}
    for key, declared in parameter.schema.get("properties", {}).items():
        sent = f"{parameter.name}[{key}]" if parameter.style == "deepObject" else key
        if query.get(sent):
            schema, _ = spec.resolve(declared, "") if "$ref" in declared else (declared, "")
            found[key] = _decode(sent, list(query[sent]), schema, spec)
    return found or None


def _simple_object(parameter: Parameter, text: str, spec: ApiSpec) -> dict[str, Any]:
    """An object path or header parameter's properties, from one value in the simple style."""
    parts = text.split(",") if text else []
    if parameter.explode:
        pairs = [part.partition("=")[::2] for part in parts]
        if any("=" not in part for part in parts):
            raise BadRequest(f"{parameter.name}: {_quote(text)} is not `key=value` pairs separated by commas")
    elif len(parts) % 2:
        raise BadRequest(f"{parameter.name}: {_quote(text)} is not keys and values separated by commas")
    else:
        pairs = list(zip(parts[::2], parts[1::2], strict=True))
    found: dict[str, Any] = {}
    for key, value in pairs:
        declared = parameter.schema.get("properties", {}).get(key, {})
        schema, _ = spec.resolve(declared, "") if "$ref" in declared else (declared, "")
        found[key] = _decode(f"{parameter.name}.{key}", [value], schema, spec)
    return found


def _decode(name: str, raw: list[str], schema: Mapping[str, Any], spec: ApiSpec) -> Any:
    """Turn a parameter's text into the value its schema describes (form style, exploded arrays)."""
    if "array" in schema_types(schema):
        items = schema.get("items", {})
        if isinstance(items, Mapping) and "$ref" in items:
            items, _ = spec.resolve(items, "")
        return [_decode_scalar(name, value, items) for value in raw]
    # A repeated parameter that is not an array: the last value counts, as with most web frameworks.
    return _decode_scalar(name, raw[-1], schema)


def _decode_scalar(name: str, text: str, schema: Mapping[str, Any]) -> Any:
    kinds = schema_types(schema)
    if ("integer" in kinds or "number" in kinds) and _INTEGER.fullmatch(text):
        try:
            return int(text)
        except ValueError:
            # Python reads at most a few thousand digits (int_max_str_digits); such a value is no
            # integer any schema bound can accept, and the validator cannot compare it.
            raise BadRequest(f"{name}: {_quote(text)} has too many digits") from None
    if "number" in kinds and _NUMBER.fullmatch(text):
        number = float(text)
        return number if math.isfinite(number) else text
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    # Anything else stays text: the validator then reports it as not of the schema's type.
    return text


def _message(error: Any, location: str) -> str:
    # `error` is a jsonschema ValidationError; jsonschema ships no type information.
    place = _place(error, location)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = next((name for name in error.validator_value if name not in error.instance), None)
        if missing is not None:
            place = f"{place}.{missing}" if place and place != "body" else str(missing)
            return f"{place}: required property is missing"
    message = error.message
    try:
        quoted = repr(error.instance)
    except (ValueError, RecursionError):
        quoted = ""
    if len(quoted) > _QUOTE_LIMIT and quoted in message:
        message = message.replace(quoted, _quote(quoted), 1)
    return f"{place}: {message}"


def _place(error: Any, location: str) -> str:
    path: str = error.json_path  # "$", "$.amount", "$[0]", "$.items[2].name"
    if location:
        return location + path[1:]
    if path == "$":
        return "body"
    return path[2:] if path.startswith("$.") else "body" + path[1:]


def _quote(text: str) -> str:
    if len(text) <= _QUOTE_LIMIT:
        return text
    return f"{text[: _QUOTE_LIMIT // 2]}…{text[-8:]} ({len(text)} characters)"


def _check_text(payload: Any) -> None:
    # JSON's \ud800-style escapes can smuggle in lone surrogates, which no UTF-8 answer can carry.
    pending: list[tuple[Any, str]] = [(payload, "body")]
    while pending:
        value, place = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequest(f"{place}: must be valid Unicode text") from None
        elif isinstance(value, dict):
            for key, item in value.items():
                child = key if place == "body" else f"{place}.{key}"
                pending.append((key, child))
                pending.append((item, child))
        elif isinstance(value, list):
            pending.extend((item, f"{place}[{index}]") for index, item in enumerate(value))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of range")
    return number
