"""Helpers the tests share: the spec and its examples, a recording mock transport, a recording sleep."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import email
import email.policy
import hashlib
import http.server
import json
import pickle
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from palomma_client import PalommaClient
from palomma_client._environments import resolve_base_url
from palomma_client._openapi import HTTP_METHODS, OpenAPI, synthesized_operation_id
from palomma_client.testing import FAKE_USERNAME
from tests import forked
from tests.clock import ClockLoop

ROOT = Path(__file__).resolve().parent.parent

API_KEY = "sk_test_4f9a2c7e1b8d"


ONE_CALL = """
import asyncio, sys, httpx2, palomma_client
seen = []
def answer(request):
    seen.append(request.headers.get('traceparent'))
    return httpx2.Response(404, json={'error': 'Not found'})
async def main():
    t = httpx2.MockTransport(answer)
    async with palomma_client.PalommaClient(api_key='sk_test_1', transport=t, max_retries=0) as p:
        try:
            await CALL
        except palomma_client.NotFoundError:
            pass
asyncio.run(main())
"""
"""A fresh program's one call of the SDK, answered 404; ``CALL`` stands for the call (see ``run_one_call``)."""


def run_one_call(*, before: str = "", after: str) -> str:
    """What a fresh Python prints after one call of the SDK (a 404, through an ``httpx2.MockTransport``).

    The call is of an operation of the spec (``tests.spec_calls.a_call``), not a paged one,
    with arguments its rules accept.

    Args:
        before: Code run before the SDK is imported.
        after: Code run after the call; ``seen`` holds each request's ``traceparent`` header, or ``None``.
    """
    from tests.spec_calls import a_call  # it imports this module

    program = before + ONE_CALL.replace("CALL", call_source(a_call(json_answer=False), "p")) + after
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    return completed.stdout.strip()


def call_source(call: Any, client: str) -> str:
    """Python source of an expression that makes ``call`` (a ``tests.spec_calls.SpecCall``) on the client ``client``.

    For code run on its own (a fresh program, a doc sample): its arguments travel pickled in the
    text, so that dates, enums and models arrive as they are.

    Args:
        call: The call to make.
        client: The name the code gives its client.
    """
    from palomma_client._generated.api import GeneratedResources
    from tests.spec_calls import _positional_names

    positional_only = _positional_names(getattr(GeneratedResources.RESOURCE_CLASSES[call.resource], call.method))
    positional = [call.arguments[name] for name in call.arguments if name in positional_only]
    keywords = {name: value for name, value in call.arguments.items() if name not in positional_only}
    pickled = base64.b64encode(pickle.dumps((positional, keywords))).decode()
    method = f"getattr(getattr({client}, {call.resource!r}), {call.method!r})"
    arguments = f"__import__('pickle').loads(__import__('base64').b64decode({pickled!r}))"
    return f"(lambda positional, keywords: {method}(*positional, **keywords))(*{arguments})"


def backend_errors(backend: str) -> dict[str, type[BaseException]]:
    """The library's own error each backend keeps as ``__cause__``: for a refused connect, and a read timeout."""
    if backend == "aiohttp":
        import aiohttp

        return {"refused": aiohttp.ClientConnectorError, "read_timeout": aiohttp.SocketTimeoutError}
    return {"refused": httpx2.ConnectError, "read_timeout": httpx2.ReadTimeout}


SANDBOX = "https://sandbox.api.palomma.com/v1"

Handler = Callable[[httpx2.Request], httpx2.Response]


def load_spec() -> dict[str, Any]:
    with (ROOT / "openapi.yaml").open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


SPEC = load_spec()

_HAS_BASIC = any(
    scheme.type == "http" and scheme.scheme == "basic" for scheme in OpenAPI(SPEC).security_schemes.values()
)
"""Whether the spec declares an HTTP basic scheme, which takes a user name and a password rather than a key."""


def with_every_credential(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` of ``PalommaClient`` holding a credential for every security scheme of the spec.

    A client given only ``api_key`` serves every key scheme (bearer, a key in a header or a
    cookie); where the spec also has an HTTP basic scheme, it is given ``FAKE_USERNAME`` and the
    key as the password too, as ``FakePalomma.client()`` gives them (the fake takes any user name
    with an accepted key), so that every operation of the spec can be called.
    ``tests.spec_calls.key_credentials`` says what such a client sends on each operation.
    Options that already name a user name, a password or credentials are left as they are.
    """
    given = {"username", "password", "credentials"} & options.keys()
    if not _HAS_BASIC or "api_key" not in options or given:
        return options
    return {**options, "username": FAKE_USERNAME, "password": options["api_key"]}


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """The path, method and definition of the spec's operation ``operation_id``."""
    for path, item in SPEC["paths"].items():
        for method, definition in item.items():
            if method not in HTTP_METHODS or not isinstance(definition, dict):
                continue
            # An operation without an operationId goes by the name the generator gives it.
            if (definition.get("operationId") or synthesized_operation_id(method, path)) == operation_id:
                return path, method, definition
    raise KeyError(operation_id)


def schema(name: str) -> dict[str, Any]:
    """A component schema of the spec."""
    found: dict[str, Any] = SPEC["components"]["schemas"][name]
    return found


def parameter_schema(operation_id: str, name: str) -> dict[str, Any]:
    """The schema of one parameter of an operation."""
    _, _, definition = operation(operation_id)
    for parameter in definition.get("parameters", []):
        if parameter["name"] == name:
            found: dict[str, Any] = parameter["schema"]
            return found
    raise KeyError(name)


def unknown_value(known: Iterable[object]) -> str:
    """A value the spec does not list: a digest of what it lists, checked against it.

    Not random: a test id made with it must be the same in every pytest-xdist worker.
    """
    listed = sorted({str(item) for item in known})
    value = f"not-in-spec-{hashlib.sha256(chr(0).join(listed).encode()).hexdigest()[:8]}"
    assert value not in listed
    return value


def example(path: str, method: str, name: str) -> dict[str, Any]:
    """A deep copy of one of the spec's 200 examples."""
    content = SPEC["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    value: dict[str, Any] = copy.deepcopy(content["examples"][name]["value"])
    return value


def created_invoice(**changes: Any) -> dict[str, Any]:
    return {**example("/invoices", "post", "created"), **changes}


def create_arguments(**changes: Any) -> dict[str, Any]:
    """The arguments of ``invoices.create`` that the spec's created example answers, with ``changes``."""
    invoice = created_invoice()
    arguments = {
        "reference": invoice["reference"],
        "amount": invoice["amount"],
        "description": invoice["description"],
        "redirect_url": "https://merchant.example.com/payments/return",
        "customer_document_number": invoice["customerDocumentNumber"],
    }
    return {**arguments, **changes}


def settlement_body(**changes: Any) -> dict[str, Any]:
    return {**example("/settlements/{date}/{cycle}", "get", "found"), **changes}


def page_body(items: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"items": items, "cursor": cursor, "count": len(items)}


class RecordingAPI:
    """The API a test scripts: answers queued per test, every request kept as an ``httpx2.Request``.

    With ``backend="httpx"`` the answers come through ``transport``, an
    ``httpx2.MockTransport``. With ``backend="aiohttp"`` they come from an
    HTTP/1.1 server on 127.0.0.1 (``async with api.serving()``), so the same
    test drives the aiohttp backend over a real socket; each request is
    recorded as the client addressed it (the origin it was configured with,
    then the exact request target it sent), with the headers it sent.

    ``client()`` makes a ``PalommaClient`` that sends to whichever it is.
    Over the socket, a queued httpx2 exception becomes what would cause it:

    - ``ReadTimeout``, ``WriteTimeout``: the request is read and never
      answered, and the client's own timeout runs out. The test runs on a
      ``tests.clock.ClockLoop`` (tests/conftest.py puts every test marked
      ``backends`` that uses ``api`` on one): the held answer leaves the loop
      idle, so the timeout passes at once, and an answer that is sent arrives
      before any timeout could, however loaded the machine;
    - ``ReadError``: the connection is reset once the request is read;
    - any other: the connection is closed once the request is read.

    A failed connect reaches no server, so it cannot be scripted over the
    socket: the retry and safe-create policies meet it here on the default
    backend, and each backend meets a real refused port and a real connect
    that never completes in tests/test_http.py.

    Each answer closes its connection, so that every request opens one.
    """

    def __init__(self, backend: str = "httpx") -> None:
        self.backend = backend
        self.requests: list[httpx2.Request] = []
        self._answers: list[Handler | httpx2.Response | Exception] = []
        self.default: Handler | None = None
        self._transport = httpx2.MockTransport(self._handle)
        self._origin = SANDBOX
        self._server: asyncio.Server | None = None
        self._port = 0
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.server_errors: list[BaseException] = []
        self.echo = True
        """Make each JSON answer speak of what its request asked for, as the API does (see ``echoed``)."""

    @property
    def transport(self) -> httpx2.MockTransport:
        """The mock transport, for tests about httpx2 itself (tests on the default backend)."""
        assert self.backend == "httpx", "a test handing httpx2 a transport runs without the backends mark"
        return self._transport

    def queue(self, *answers: Handler | httpx2.Response | Exception) -> None:
        if self.backend != "httpx" and any(isinstance(answer, _CONNECT_FAILURES) for answer in answers):
            raise AssertionError("a failed connect reaches no server: script it on the default backend only")
        self._answers.extend(answers)

    def client(self, **options: Any) -> PalommaClient:
        """A client that sends to this API over the test's backend; ``options`` go to ``PalommaClient``.

        An ``api_key`` serves every security scheme of the spec (``with_every_credential``).
        """
        options = with_every_credential(options)
        if self.backend == "httpx":
            return PalommaClient(transport=self.transport, **options)
        assert self._server is not None, "start the server first: async with api.serving()"
        # Resolved as the client would: a bad environment fails here as it would there.
        _, intended = resolve_base_url(options.pop("environment", None), options.pop("base_url", None))
        parts = urllib.parse.urlsplit(intended)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        return PalommaClient(backend="aiohttp", base_url=f"http://127.0.0.1:{self._port}{parts.path}", **options)

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[RecordingAPI]:
        """Serve on 127.0.0.1 for the aiohttp backend (nothing to do for httpx); re-raise what the server met."""
        if self.backend == "httpx":
            yield self
            return
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self._port = self._server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            self._server.close()
            for writer in self._writers:
                writer.transport.abort()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            await self._server.wait_closed()
        if self.server_errors:
            raise self.server_errors[0]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        try:
            request = await _read_request(reader, self._origin)
            if request is None:
                return
            try:
                answer: httpx2.Response | Exception = self._handle(request)
            except httpx2.TransportError as error:
                answer = error
            if isinstance(answer, httpx2.Response):
                writer.write(_response_bytes(answer))
                await writer.drain()
            elif isinstance(answer, httpx2.ReadTimeout | httpx2.WriteTimeout):
                if not isinstance(asyncio.get_running_loop(), ClockLoop):
                    # On a real clock the hold would last the client's whole timeout: fail now, saying why.
                    raise AssertionError(
                        "a held answer waits for the client's timeout: run the test on a ClockLoop "
                        "(mark it backends and use the api fixture, or mark it clock_loop)"
                    )
                await reader.read()  # hold until the client gives up and hangs up
            elif isinstance(answer, httpx2.ReadError):
                writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except Exception as error:  # an assertion in a test's handler: the test fails with it
            self.server_errors.append(error)
        finally:
            writer.close()
            self._writers.discard(writer)
            self._handlers.discard(task)

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self._answers:
            answer = self._answers.pop(0)
        elif self.default is not None:
            answer = self.default
        else:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if isinstance(answer, Exception):
            raise answer
        response = answer if isinstance(answer, httpx2.Response) else answer(request)
        return echoed(request, response) if self.echo else response

    def methods(self) -> list[str]:
        return [f"{request.method} {request.url.path}" for request in self.requests]

    def json_body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)

    def body(self, index: int = -1) -> Any:
        """The body of a request sent, read back by its ``Content-Type`` (``sent_body``)."""
        return sent_body(self.requests[index])


_CONNECT_FAILURES = (httpx2.ConnectError, httpx2.ConnectTimeout)


def _path_parameters(method: str, path: str) -> dict[str, str]:
    """The parameters of the spec's path template that ``path`` (below any base path) fills in."""
    for template, item in SPEC["paths"].items():
        if method.lower() not in item or "{" not in template:
            continue
        pattern = re.sub(r"\\\{([^{}/]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        found = re.search(pattern + "$", path)
        if found is not None:
            return {name: urllib.parse.unquote(value) for name, value in found.groupdict().items()}
    return {}


def form_fields(values: Mapping[str, Any]) -> dict[str, list[str | bytes]]:
    """A form body's fields as the request carries them (OpenAPI's form style, ``explode: true``).

    Each value is its JSON text (a string as it is, a boolean ``true`` or ``false``), an array's
    items are the field repeated, and a file's ``bytes`` stay as they are.
    """
    fields: dict[str, list[str | bytes]] = {}
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            assert not isinstance(item, dict | list), f"a form cannot carry {name}={item!r}"
            text = item if isinstance(item, str | bytes) else json.dumps(item)
            fields.setdefault(name, []).append(text)
    return fields


def request_body(value: Any, encoding: str) -> dict[str, Any]:
    """Keyword arguments of ``httpx2.Request`` that carry ``value``, a body as JSON holds it, in ``encoding``.

    ``encoding`` is an ``ApiRequest``'s: ``json``, ``form`` (``application/x-www-form-urlencoded``)
    or ``multipart`` (``multipart/form-data``, ``bytes`` as files). httpx2 encodes it, not the
    SDK, so that a request made here is an independent reading of the spec.
    """
    if value is None:
        return {}
    if encoding == "json":
        return {"json": value}
    fields = form_fields(value)
    if encoding == "form":
        return {"data": fields}
    # A part of each field, a file named after its field: httpx2 sends `files` as multipart even
    # when none is a file, where `data` alone would be urlencoded.
    return {
        "files": [
            (name, (name, item) if isinstance(item, bytes) else (None, item))
            for name, items in fields.items()
            for item in items
        ]
    }


def sent_body(request: httpx2.Request) -> Any:
    """The body ``request`` carries, read back by its ``Content-Type``; ``None`` for none.

    JSON is decoded; a form's and a multipart form's fields are as ``form_fields`` gives them
    (a part with a file name is a file: its ``bytes``).

    Raises:
        AssertionError: The body is of a media type the tests do not read.
    """
    content = request.content
    if not content:
        return None
    content_type = request.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return json.loads(content)
    if media_type == "application/x-www-form-urlencoded":
        parsed = urllib.parse.parse_qs(content.decode("ascii"), keep_blank_values=True, strict_parsing=True)
        return {name: list(values) for name, values in parsed.items()}
    assert media_type == "multipart/form-data", f"a body of {content_type!r} the tests do not read"
    message = email.message_from_bytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + content, policy=email.policy.HTTP
    )
    assert message.is_multipart(), f"not a multipart body: {content!r}"
    assert not message.defects, f"a multipart body with defects {message.defects}: {content!r}"
    fields: dict[str, list[str | bytes]] = {}
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        value = payload if part.get_filename() is not None else payload.decode("utf-8")
        fields.setdefault(str(part.get_param("name", header="content-disposition")), []).append(value)
    return fields


def echoed(request: httpx2.Request, response: httpx2.Response) -> httpx2.Response:
    """A scripted success as the API would give it for ``request``: about what was asked for.

    Tests queue the spec's examples whatever they ask for; the SDK checks that an
    answer is the one asked for (the id of a get, the fields of a create, the
    filters of a list). Here a JSON object takes, for each field it has, the
    value the request gave it: a path parameter, a body field, or (for the
    items of a page) a query filter. Tests of that check set ``api.echo = False``.
    """
    if not 200 <= response.status_code < 300 or "json" not in response.headers.get("content-type", ""):
        return response
    try:
        document = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(document, dict):
        return response
    raw_path = request.url.raw_path.decode("ascii").partition("?")[0]
    asked: dict[str, Any] = _path_parameters(request.method, raw_path)
    if request.content:
        try:
            body = json.loads(request.content)
        except ValueError:
            body = None
        if isinstance(body, dict):
            asked.update(body)
    changed = {name: asked[name] for name in document if name in asked and document[name] != asked[name]}
    filters = dict(request.url.params)
    pages = {}
    for name, value in document.items():
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            pages[name] = [
                {
                    **item,
                    **{
                        key: wanted
                        for key, wanted in filters.items()
                        if isinstance(item.get(key), str) and not item[key].startswith(wanted + "T")
                    },
                }
                for item in value
            ]
    if not changed and all(pages[name] == document[name] for name in pages):
        return response
    headers = [(name, value) for name, value in response.headers.items() if name.lower() != "content-length"]
    return httpx2.Response(response.status_code, headers=headers, json={**document, **changed, **pages})


async def _read_request(reader: asyncio.StreamReader, origin: str) -> httpx2.Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    request_line, *lines = head[:-4].decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    length = next((int(value) for name, value in headers if name.lower() == "content-length"), 0)
    body = await reader.readexactly(length) if length else b""
    request = httpx2.Request(method, origin + target, headers=headers, stream=httpx2.ByteStream(body))
    request.read()
    return request


def _response_bytes(response: httpx2.Response) -> bytes:
    # A response an httpx2 client has sent has its stream wrapped; its content is in hand either way.
    stream = response.stream
    body = b"".join(stream) if isinstance(stream, httpx2.ByteStream) else response.content
    head = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}".encode()]
    head += [name + b": " + value for name, value in response.headers.raw if name.lower() != b"connection"]
    if "content-length" not in response.headers:
        head.append(b"Content-Length: %d" % len(body))
    head.append(b"Connection: close")
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class Sleeps:
    """A stand-in for asyncio.sleep that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def fresh_name(taken: Iterable[object], *candidates: str) -> str:
    """The first of ``candidates`` (then numbered variants of the first) that ``taken`` lacks.

    Tests that play a vendor's next change (a new field, value or operation) use it, so they
    keep passing once the spec has gained that very change.
    """
    existing = {str(item) for item in taken}
    numbered = (f"{candidates[0]}{number}" for number in range(2, 1000))
    return next(name for name in (*candidates, *numbered) if name not in existing)


def spec_field_names() -> set[str]:
    """Every property name of every component schema of the spec."""
    return {name for schema in SPEC["components"]["schemas"].values() for name in schema.get("properties", {})}


def spec_operation_ids() -> set[str]:
    """Every operationId of the spec."""
    return {
        definition["operationId"]
        for item in SPEC["paths"].values()
        for definition in item.values()
        if isinstance(definition, dict) and "operationId" in definition
    }


def as_openapi_31(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of an OpenAPI 3.0 document spelled as OpenAPI 3.1 says the same things.

    `nullable: true` becomes a `"null"` member of `type` (and of `enum`), boolean
    `exclusiveMinimum` / `exclusiveMaximum` become the numeric bounds, and a schema's `example`
    becomes JSON Schema's `examples` list. Tests run the same checks on both spellings.
    """
    converted = copy.deepcopy(document)
    converted["openapi"] = "3.1.0"
    pending: list[Any] = [converted]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if node.get("nullable") is True:
            del node["nullable"]
            kind = node.get("type")
            if isinstance(kind, str):
                node["type"] = [kind, "null"]
            if isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
            if "$ref" in node or not ({"type", "enum"} & set(node)):
                # A nullable `$ref` or composition: 3.1 says "this, or null" with anyOf.
                rest = {key: node.pop(key) for key in list(node) if key in ("$ref", "allOf", "oneOf", "anyOf")}
                node["anyOf"] = [rest, {"type": "null"}] if rest else [{"type": "null"}]
        elif node.get("nullable") is False:
            del node["nullable"]
        for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            if isinstance(node.get(exclusive), bool) and node.pop(exclusive) and bound in node:
                node[exclusive] = node.pop(bound)
        if "example" in node and ("type" in node or "properties" in node) and "examples" not in node:
            node["examples"] = [node.pop("example")]
        pending.extend(node.values())
    return converted


def mypy_strict(project: Path, target: str = "palomma_client") -> subprocess.CompletedProcess[str]:
    """Type-check a regenerated copy of the project under mypy strict, starting from a copy of our cache.

    Copying `.mypy_cache` makes mypy check again only the modules the regeneration changed.

    Args:
        project: The copy's root (it holds `pyproject.toml` and the package).
        target: What to check, relative to `project`.

    Returns:
        The finished mypy run.
    """
    cache = ROOT / ".mypy_cache"
    if cache.is_dir() and not (project / ".mypy_cache").exists():
        shutil.copytree(cache, project / ".mypy_cache")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", target],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )


def run_generate(project: Path, *arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``make generate``'s script of ``project`` (a copy, or ROOT) as a fresh interpreter would (tests/forked.py).

    Args:
        project: The project whose ``scripts/generate.py`` runs.
        arguments: Its arguments (``--check``, ``--spec <path>``).
        cwd: Its working directory (this process's by default).

    Returns:
        The finished run.
    """
    return forked.run_python(script=project / "scripts" / "generate.py", arguments=arguments, cwd=cwd)


def run_probe(project: Path, code: str) -> dict[str, Any]:
    """Run ``code`` against a copy's package as a fresh interpreter would; it prints ``RESULT <json>``, returned."""
    completed = forked.run_python(code=code, cwd=project, env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT "))
    found: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return found


def small_document(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OpenAPI 3.0 document of a test's own (one server, HTTP bearer auth), independent of openapi.yaml."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example/v1", "description": "Production"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas or {},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def free_port() -> int:
    """A 127.0.0.1 port nothing listens on now, for a server that must be told its port.

    Prefer port 0 wherever the server can report the port it took (asyncio, uvicorn, Prism):
    between this call and the server's bind another process could take the port.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A 127.0.0.1 port that refuses connections in the block: bound, so nothing else takes it, never listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        port: int = bound.getsockname()[1]
        yield port


def stop_process(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """End a server the tests started: SIGTERM, then SIGKILL if it has not exited within ``timeout``.

    Its piped output, if any, is closed too.
    """
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@contextlib.contextmanager
def serving_http(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` from a thread on a free 127.0.0.1 port; yield the base URL, without a final slash."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def copy_project(destination: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """A copy of the project as a fresh clone has it, in ``destination``; its root.

    What generating, versioning, importing and type-checking need: the spec, the generator's
    config, the changelog, the README, ``pyproject.toml`` (mypy's settings), ``scripts/``, the
    package, ``docs/``, ``examples/`` and ``benchmarks/`` (a regeneration reads the generated names
    these import).

    Args:
        destination: An empty folder (a test's ``tmp_path``); the copy is its ``project``.
        edit: Changes the copy's parsed ``openapi.yaml`` in place, as a vendor's new spec would.

    Returns:
        The copy's root.
    """
    project = destination / "project"
    project.mkdir()
    for name in ("openapi.yaml", "generator-config.yml", "CHANGELOG.md", "README.md", "pyproject.toml"):
        shutil.copy2(ROOT / name, project / name)
    # With their __pycache__: Python checks each cached module against its source's mtime and size, which
    # copying keeps, so that the copy's imports and compileall compile only what a regeneration rewrote.
    for folder in ("scripts", "palomma_client", "docs", "examples", "benchmarks"):
        shutil.copytree(ROOT / folder, project / folder)
    if edit is not None:
        spec = yaml.safe_load((project / "openapi.yaml").read_text(encoding="utf-8"))
        edit(spec)
        text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
        (project / "openapi.yaml").write_text(text, encoding="utf-8")
    return project


def changelog_affected_features(changelog: Path | None = None) -> dict[str, str]:
    """What ``make generate`` announced in CHANGELOG.md as hand-written features a spec change affected.

    Each feature's name maps to the text of its lines ("needs the operation `x`, ..."), across
    every entry: what a spec change took away stays gone until a later one brings it back.
    """
    text = (changelog if changelog is not None else ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    announced: dict[str, str] = {}
    for line in text.splitlines():
        name, needs, rest = line.removeprefix("- ").partition(" needs ")
        if line.startswith("- ") and needs and "which openapi.yaml no longer has" in rest:
            announced[name] = announced.get(name, "") + rest
    return announced


ONE_REQUEST = ONE_CALL.replace("await CALL", "await p.request('GET', '/things/{id}', path_params={'id': 'x'})")
"""``ONE_CALL`` through ``request()``, which every spec's client has: the same 404, whatever operations the spec has."""


def run_one_request(*, before: str = "", after: str) -> str:
    """What a fresh Python prints after one ``request()`` of the SDK (a 404, through an ``httpx2.MockTransport``).

    Args:
        before: Code run before the SDK is imported.
        after: Code run after the call; ``seen`` holds each request's ``traceparent`` header, or ``None``.
    """
    assert ONE_REQUEST != ONE_CALL, "ONE_CALL no longer makes the call ONE_REQUEST replaces"
    program = before + ONE_REQUEST + after
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    return completed.stdout.strip()


def seeded_invoice(fake: Any, **changes: Any) -> dict[str, Any]:
    """An invoice made in a ``FakePalomma``'s state (``fake.create_invoice(**changes)``).

    The test skips, saying why, when the spec does not let the fake make invoices (it has no
    ``createInvoice``, or one the fake cannot model): a test of what the fake does with its
    invoices has nothing to test then.
    """
    skip_unless_the_fake_makes_invoices(fake)
    invoice: dict[str, Any] = fake.create_invoice(**changes)
    return invoice


def skip_unless_the_fake_makes_invoices(fake: Any) -> None:
    """Skip the calling test, saying why, when the spec does not let a ``FakePalomma`` make invoices."""
    unmodelled = fake.unmodelled_operations
    if "createInvoice" in unmodelled:
        pytest.skip(f"the fake makes no invoices, it does not model createInvoice: {unmodelled['createInvoice']}")


def ready_invoice_json(invoice_id: str, merchant_id: str) -> dict[str, Any]:
    """The JSON of the ready invoice the fake makes of ``tests.testing.support.invoice_body()`` at its start.

    With the customer's name ``Inmobiliaria Ejemplo SAS`` and the contract the spec defaults to, in
    the order of the shipped spec's example; a test keeps only the fields its spec's invoice defines.
    """
    return {
        "id": invoice_id,
        "reference": "INV-2026-0001",
        "status": "ready",
        "amount": 1850000,
        "description": "Canon de arrendamiento marzo 2026",
        "contract": "00000",
        "expirationDate": "2026-03-11T16:37:14.007Z",
        "customerDocumentNumber": "900123456",
        "customerName": "Inmobiliaria Ejemplo SAS",
        "createdAt": "2026-03-11T16:32:14.007Z",
        "paymentUrl": f"https://pagos.palomma.com/pay/{merchant_id}/{invoice_id}",
    }


def cases_or_skip(cases: Iterable[Any], reason: str, arity: int = 1) -> list[Any]:
    """The cases of a parametrized test, or one case skipped with the reason when the spec gives none.

    pytest's own skip of an empty parameter set says only "got empty parameter set": a spec that lost
    what the cases come from must say what that is. `arity` is the number of parametrized names.
    """
    listed = list(cases)
    if listed:
        return listed
    return [pytest.param(*([None] * arity), marks=pytest.mark.skip(reason=reason), id="none")]
