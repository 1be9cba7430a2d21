"""Prism validates requests against a 3.1 document that names OpenAPI's own `jsonSchemaDialect`.

A vendor converting to 3.1 often writes `jsonSchemaDialect`; Prism 5 then validates no request at
all, silently. `run_prism` serves it a copy that names no dialect where the one named is what 3.1
assumes anyway, so the contract tests keep judging the SDK's requests.
"""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
import yaml

from tests.contract.conftest import AUTHORIZATION, run_prism
from tests.support import small_document

pytestmark = pytest.mark.slow  # a Prism of its own, on its own document


def test_a_request_breaking_a_documents_schema_is_refused_though_it_names_openapis_own_dialect(
    tmp_path: Path,
) -> None:
    body = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "integer"}}}
    create = {
        "operationId": "createCharge",
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {"204": {"description": "Made"}},
    }
    document = {
        **small_document({"/charges": {"post": create}}),
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
    }
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")

    for server in run_prism(tmp_path / "prism.log", spec=spec):
        with httpx2.Client(base_url=server.base_url, headers=AUTHORIZATION, timeout=10.0) as http:
            accepted = http.post("/charges", json={"amount": 5})
            refused = http.post("/charges", json={"amount": "5"})

        assert accepted.status_code == 204
        assert refused.status_code == 422
        assert [problem["location"] for problem in refused.json()["validation"]] == [["body", "amount"]]
