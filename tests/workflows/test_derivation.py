"""The workflows follow the spec: regenerated with a new optional field, every workflow has it, with no hand edit.

The test writes a copy of openapi.yaml in which the vendor has added an
optional ``tenantEmail`` to ``CreateInvoiceRequest`` and to ``Invoice``, runs
the generator into a temporary folder, puts that next to a copy of the
hand-written package, and drives the copy in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.spec_calls import call_of
from tests.support import ROOT, load_spec
from tests.workflows.support import TRACEBACK_ERROR, note_refusal

TENANT_EMAIL = {"type": "string", "format": "email", "description": "The tenant's email, for receipts."}

# Run in the regenerated copy: each line of output is one JSON document the test reads.
PROBE = textwrap.dedent(
    """
    import asyncio, json, sys, tempfile
    import httpx2
    import palomma_client
    from palomma_client import InvalidParameterError, InvoiceRequest, PalommaClient, read_invoice_csv
    from palomma_client.workflows import INVOICE_CSV_COLUMNS

    def emit(value):
        print(json.dumps(value))

    emit(palomma_client.__file__)
    emit(list(INVOICE_CSV_COLUMNS))
    rent = dict(reference="R-1", amount=1850000, description="Canon", redirect_url="https://m.example/r",
                customer_document_number="900123456")
    emit(InvoiceRequest(**rent, tenant_email="ana@example.com").create_arguments())
    try:
        InvoiceRequest(**rent, tenant_email="not an email")
    except InvalidParameterError as error:
        emit(error.parameter)

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        handle.write("reference,amount,description,redirect_url,customer_document_number,tenant_email\\n")
        handle.write("R-2,1850000,Canon,https://m.example/r,900123456,luis@example.com\\n")
    emit([request.tenant_email for request in read_invoice_csv(handle.name)])

    existing = json.loads(sys.argv[1])
    sent = []

    def answer(request):
        sent.append(request)
        if request.method == "GET" and request.url.params["reference"] == "R-1":
            return httpx2.Response(200, json={"items": [existing], "cursor": None, "count": 1})
        if request.method == "GET":
            return httpx2.Response(200, json={"items": [], "cursor": None, "count": 0})
        return httpx2.Response(200, json={**existing, **json.loads(request.content), "id": "01NEW"})

    async def batch():
        transport = httpx2.MockTransport(answer)
        async with PalommaClient(api_key="sk_test", base_url="http://api.test/v1", transport=transport) as palomma:
            requests = [
                {**rent, "tenant_email": "ana@example.com"},
                {**rent, "reference": "R-3", "tenant_email": "eva@example.com"},
            ]
            return await palomma.invoices.create_many(requests)

    result = asyncio.run(batch())
    emit([list(item.differences) for item in result])
    emit([json.loads(request.content) for request in sent if request.method == "POST"])

    from palomma_client.workflows._cli import _INVOICE_COLUMNS
    emit(list(_INVOICE_COLUMNS))
    """
)


def _spec_with_tenant_email(path: Path) -> None:
    spec: dict[str, Any] = load_spec()
    schemas = spec["components"]["schemas"]
    schemas["CreateInvoiceRequest"]["properties"]["tenantEmail"] = TENANT_EMAIL
    schemas["Invoice"]["properties"]["tenantEmail"] = TENANT_EMAIL
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _regenerated_package(tmp_path: Path) -> Path:
    spec = tmp_path / "openapi.yaml"
    _spec_with_tenant_email(spec)
    site = tmp_path / "site"
    package = site / "palomma_client"
    shutil.copytree(
        ROOT / "palomma_client", package, ignore=shutil.ignore_patterns("_generated", "__pycache__", "*.pyc")
    )
    generate = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(ROOT / "scripts")!r})
        from generate import generate_into
        from versioning import PreviousGeneration
        generate_into(Path({str(package / "_generated")!r}), Path({str(spec)!r}), PreviousGeneration(None, "0.1.0"))
        """
    )
    subprocess.run([sys.executable, "-c", generate], check=True, capture_output=True, text=True, cwd=ROOT)
    return site


@pytest.mark.slow  # its call is a regeneration only it reads, then the workflows run on it
def test_a_field_the_spec_adds_reaches_every_workflow_after_regeneration(tmp_path: Path) -> None:
    # The invoice the spec documents createInvoice answering, under R-1, for someone else.
    created = call_of("createInvoice").answer.content
    site = _regenerated_package(tmp_path)
    assert isinstance(created, dict), "createInvoice answers an invoice object"
    invoice = {**created, "reference": "R-1", "tenantEmail": "someone.else@example.com"}

    completed = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(invoice)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site), "PALOMMA_LOG": ""},
        check=False,
    )
    # A workflow the spec no longer supports refuses, naming what is gone: the test then skips, naming it.
    note_refusal(completed.stderr, TRACEBACK_ERROR)
    assert completed.returncode == 0, completed.stderr
    location, columns, arguments, refused, from_csv, differences, posted, invoice_columns = (
        json.loads(line) for line in completed.stdout.splitlines()
    )

    assert location.startswith(str(site))
    assert columns[-1] == "tenant_email"  # an optional field: after the required ones, in the spec's order
    assert arguments["tenant_email"] == "ana@example.com"
    assert refused == "tenant_email"  # the spec's format: email, checked by the generated build_request
    assert from_csv == ["luis@example.com"]
    # R-1 existed: compared on every field the request and the invoice share, the new one included.
    assert differences == [["description", "tenant_email"], []]
    assert [body["tenantEmail"] for body in posted] == ["eva@example.com"]
    assert invoice_columns[-1] == "tenant_email"
