"""The Prism defect `scripts/patch_prism.py` mends, on a document that has what triggers it.

A vendor may add an optional header parameter holding an array or an object. Unmended, Prism dies
on the first request that leaves it out, and every contract test after it fails to connect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from tests.contract.conftest import AUTHORIZATION, run_prism
from tests.support import small_document

pytestmark = pytest.mark.slow  # a Prism of its own, on its own document

OPTIONAL_HEADERS: list[dict[str, Any]] = [
    {
        "name": "X-Include",
        "in": "header",
        "schema": {"type": "array", "items": {"type": "string", "enum": ["fees", "adjustments"]}},
    },
    {"name": "X-Scope", "in": "header", "schema": {"type": "object", "properties": {"city": {"type": "string"}}}},
]


def _document(path: Path) -> Path:
    schema = {"type": "object", "properties": {"total": {"type": "integer"}}, "example": {"total": 1}}
    answer = {"description": "The report", "content": {"application/json": {"schema": schema}}}
    paths = {
        "/reports": {"get": {"operationId": "getReport", "parameters": OPTIONAL_HEADERS, "responses": {"200": answer}}}
    }
    path.write_text(yaml.safe_dump(small_document(paths)), encoding="utf-8")
    return path


def test_prism_answers_a_request_that_leaves_out_an_optional_array_or_object_header(tmp_path: Path) -> None:
    for server in run_prism(tmp_path / "prism.log", spec=_document(tmp_path / "openapi.yaml")):
        with httpx2.Client(base_url=server.base_url, headers=AUTHORIZATION, timeout=10.0) as http:
            left_out = [http.get("/reports") for _ in range(2)]
            sent = http.get("/reports", headers={"X-Include": "fees,adjustments", "X-Scope": "city,Cali"})
            refused = http.get("/reports", headers={"X-Include": "fees,taxes"})

        assert [answer.status_code for answer in (*left_out, sent)] == [200, 200, 200]
        assert server.process.poll() is None, server.read_log()
        # Still checked when sent: the mend only spares a header that is not there.
        assert refused.status_code == 422
        assert [problem["location"] for problem in refused.json()["validation"]] == [["header", "x-include", "1"]]
