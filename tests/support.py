"""Helpers the tests share: the spec and its examples, a recording mock transport, a recording sleep."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx2
import yaml

ROOT = Path(__file__).resolve().parent.parent

API_KEY = "sk_test_4f9a2c7e1b8d"
SANDBOX = "https://sandbox.api.palomma.com/v1"

Handler = Callable[[httpx2.Request], httpx2.Response]


def load_spec() -> dict[str, Any]:
    with (ROOT / "openapi.yaml").open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


SPEC = load_spec()


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """The path, method and definition of the spec's operation ``operation_id``."""
    for path, item in SPEC["paths"].items():
        for method, definition in item.items():
            if isinstance(definition, dict) and definition.get("operationId") == operation_id:
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
    """A value the spec can never list: random, and checked against what it does list."""
    value = f"not-in-spec-{uuid.uuid4().hex[:8]}"
    assert value not in {str(item) for item in known}
    return value


def example(path: str, method: str, name: str) -> dict[str, Any]:
    """A deep copy of one of the spec's 200 examples."""
    content = SPEC["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    value: dict[str, Any] = copy.deepcopy(content["examples"][name]["value"])
    return value


def created_invoice(**changes: Any) -> dict[str, Any]:
    return {**example("/invoices", "post", "created"), **changes}


def settlement_body(**changes: Any) -> dict[str, Any]:
    return {**example("/settlements/{date}/{cycle}", "get", "found"), **changes}


def page_body(items: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"items": items, "cursor": cursor, "count": len(items)}


class RecordingAPI:
    """An httpx2.MockTransport whose answers are queued per test and whose requests are kept."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []
        self._answers: list[Handler | httpx2.Response | Exception] = []
        self.default: Handler | None = None
        self.transport = httpx2.MockTransport(self._handle)

    def queue(self, *answers: Handler | httpx2.Response | Exception) -> None:
        self._answers.extend(answers)

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
        if isinstance(answer, httpx2.Response):
            return answer
        return answer(request)

    def methods(self) -> list[str]:
        return [f"{request.method} {request.url.path}" for request in self.requests]

    def json_body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


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
