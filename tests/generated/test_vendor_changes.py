"""A vendor's change to openapi.yaml reaches the methods users call through `make generate` alone.

Each test copies the generator and the package into a temporary folder, edits
only the copy's openapi.yaml, regenerates there, and drives the regenerated
package in a subprocess, as a user's CI would after the vendor's change.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from openapi_python_client.strings import PythonIdentifier

from tests.support import ROOT, SPEC, fresh_name, spec_field_names, spec_operation_ids

# The vendor's next changes, named so that none is in the spec yet: these tests keep passing
# once the spec has gained them.
NEW_FIELD = fresh_name(spec_field_names(), "tenantEmail", "tenantPhone", "guarantorEmail", "guarantorPhone")
NEW_FIELD_ARGUMENT = str(PythonIdentifier(NEW_FIELD, "field_"))  # the generator's own snake case
NEW_STATUS = fresh_name(
    SPEC["components"]["schemas"]["Invoice"]["properties"]["status"]["enum"],
    "refunded",
    "voided",
    "disputed",
    "reversed",
)
NEW_ACTION = fresh_name({operation.removesuffix("Invoice") for operation in spec_operation_ids()}, "cancel", "void")
AMOUNT = SPEC["components"]["schemas"]["CreateInvoiceRequest"]["properties"]["amount"]
RAISED_MAXIMUM = max(900_000_000, AMOUNT["maximum"] * 2)
ACCEPTED, REFUSED = AMOUNT["maximum"] + 50_000_000, RAISED_MAXIMUM + 50_000_000
REMOVABLE_FIELD = next(
    name
    for name in SPEC["components"]["schemas"]["Invoice"]["properties"]
    if name not in SPEC["components"]["schemas"]["Invoice"]["required"]
)

SpecEdit = Callable[[dict[str, Any]], None]

# What the probes share: a client over a mock transport that records requests and answers with an invoice.
PROBE_PRELUDE = """
import asyncio, inspect, json, typing
import httpx2
import palomma_client
from palomma_client import InvalidParameterError, Invoice, PalommaClient

sent = []
INVOICE = {
    "id": "01HQY8EW1H9YGH5PAV5Y2M9R3T", "status": "ready", "amount": 1850000, "description": "Canon",
    "contract": "00000", "customerDocumentNumber": "900123456", "createdAt": "2026-03-11T16:32:14.007Z",
    "paymentUrl": "https://pagos.palomma.com/pay/x",
}

def answer(request):
    sent.append(request)
    body = json.loads(request.content) if request.content else {}
    # The invoice the create made: the example, with what the create sent (and the vendor's new field).
    echoed = {k: v for k, v in body.items() if k == "tenantEmail" or k in INVOICE}
    return httpx2.Response(200, json={**INVOICE, **echoed})

def client():
    return PalommaClient("sk_test_probe", environment="sandbox", transport=httpx2.MockTransport(answer), max_retries=0)

CREATE = dict(reference="INV-1", amount=1850000, description="Canon", redirect_url="https://m.example/r",
              customer_document_number="900123456")
"""


def _regenerate(tmp_path: Path, edit: SpecEdit) -> Path:
    """A copy of the project whose spec ``edit`` changed, regenerated; returns its root."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("openapi.yaml", "generator-config.yml", "CHANGELOG.md"):
        shutil.copy2(ROOT / name, copy / name)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "scripts", copy / "scripts", ignore=ignore)
    shutil.copytree(ROOT / "palomma_client", copy / "palomma_client", ignore=ignore)
    spec = yaml.safe_load((copy / "openapi.yaml").read_text(encoding="utf-8"))
    edit(spec)
    (copy / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, str(copy / "scripts" / "generate.py")], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return copy


def _named(code: str) -> str:
    """A probe written with the canonical names (tenantEmail, refunded, cancel), with the fresh ones."""
    return (
        code.replace("tenant_email", NEW_FIELD_ARGUMENT)
        .replace('"tenantEmail"', repr(NEW_FIELD))
        .replace("REFUNDED", NEW_STATUS.upper())
        .replace('"refunded"', repr(NEW_STATUS))
        .replace(".cancel(", f".{NEW_ACTION}(")
        .replace(").cancel", f").{NEW_ACTION}")
        .replace("/cancel", f"/{NEW_ACTION}")
        .replace("ACCEPTED", str(ACCEPTED))
        .replace("REFUSED", str(REFUSED))
    )


def _probe(project: Path, code: str) -> dict[str, Any]:
    """Run ``code`` against the regenerated package; it sets ``result``, which comes back as JSON."""
    script = _named(PROBE_PRELUDE + "\n" + textwrap.dedent(code)) + "\nprint('RESULT ' + json.dumps(result))\n"
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT "))
    found: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return found


def _version(project: Path) -> str:
    namespace: dict[str, Any] = {}
    exec((project / "palomma_client" / "_generated" / "version.py").read_text(), namespace)
    return str(namespace["__version__"])


def _current_version() -> tuple[int, int, int]:
    major, minor, patch = _version(ROOT).split(".")
    return int(major), int(minor), int(patch)


def _add_tenant_email(spec: dict[str, Any]) -> None:
    for name in ("CreateInvoiceRequest", "Invoice"):
        spec["components"]["schemas"][name]["properties"][NEW_FIELD] = {
            "type": "string",
            "format": "email",
            "description": "Where the tenant receives the payment link.",
        }


def test_a_new_optional_field_is_sent_and_read_and_bumps_the_minor_version(tmp_path: Path) -> None:
    project = _regenerate(tmp_path, _add_tenant_email)

    result = _probe(
        project,
        """
        async def main():
            async with client() as palomma:
                invoice = await palomma.invoices.create(**CREATE, tenant_email="ana@example.com")
                try:
                    await palomma.invoices.create(**CREATE, tenant_email="not an email")
                    refused = False
                except InvalidParameterError as error:
                    refused = error.parameter
            return {"sent": json.loads(sent[0].content), "read": invoice.tenant_email, "refused": refused,
                    "requests": len(sent)}
        result = asyncio.run(main())
        """,
    )

    assert result["sent"][NEW_FIELD] == "ana@example.com"
    echoed = _probe(
        project,
        """
        from palomma_client.testing import FakePalomma
        async def main():
            async with FakePalomma().client() as palomma:
                created = await palomma.invoices.create(**CREATE, tenant_email="ana@example.com")
                fetched = await palomma.invoices.get(created.id)
            return [created.tenant_email, fetched.tenant_email]
        result = {"echoed": asyncio.run(main())}
        """,
    )
    assert echoed == {"echoed": ["ana@example.com", "ana@example.com"]}
    assert result["read"] == "ana@example.com"
    assert result["refused"] == NEW_FIELD_ARGUMENT
    assert result["requests"] == 1
    major, minor, _ = _current_version()
    assert _version(project) == f"{major}.{minor + 1}.0"
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog.split(f"## {major}.{minor + 1}.0", 1)[1].split("\n## ", 1)[0]
    assert f"`{NEW_FIELD}`" in entry


def test_a_new_status_value_becomes_a_known_member(tmp_path: Path) -> None:
    def add_refunded(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["Invoice"]["properties"]["status"]["enum"].append(NEW_STATUS)

    project = _regenerate(tmp_path, add_refunded)

    result = _probe(
        project,
        """
        from palomma_client import InvoiceStatus
        invoice = Invoice.from_dict({**INVOICE, "status": "refunded"})
        result = {"member": invoice.status is InvoiceStatus.REFUNDED, "known": invoice.status.is_known}
        """,
    )

    assert result == {"member": True, "known": True}


def test_a_new_operation_is_a_typed_method_that_sends_an_authenticated_request(tmp_path: Path) -> None:
    def add_cancel(spec: dict[str, Any]) -> None:
        spec["paths"][f"/invoices/{{id}}/{NEW_ACTION}"] = {
            "post": {
                "tags": ["Invoices"],
                "summary": f"{NEW_ACTION.capitalize()} invoice",
                "description": "Cancels an invoice that has not been paid.",
                "operationId": f"{NEW_ACTION}Invoice",
                "parameters": [
                    {"in": "path", "name": "id", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "Cancelled invoice",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invoice"}}},
                    },
                    "404": {"$ref": "#/components/responses/NotFound"},
                },
            }
        }

    project = _regenerate(tmp_path, add_cancel)

    result = _probe(
        project,
        """
        async def main():
            async with client() as palomma:
                invoice = await palomma.invoices.cancel("01HQY8EW1H9YGH5PAV5Y2M9R3T")
            hints = typing.get_type_hints(type(palomma.invoices).cancel)
            return {
                "type": type(invoice).__name__,
                "returns": hints["return"].__name__,
                "argument": str(hints["invoice_id"]),
                "method": sent[0].method,
                "url": str(sent[0].url),
                "auth": sent[0].headers["authorization"],
                "doc": type(palomma.invoices).cancel.__doc__.splitlines()[0],
            }
        result = asyncio.run(main())
        """,
    )

    assert result == {
        "type": "Invoice",
        "returns": "Invoice",
        "argument": "<class 'str'>",
        "method": "POST",
        "url": f"https://sandbox.api.palomma.com/v1/invoices/01HQY8EW1H9YGH5PAV5Y2M9R3T/{NEW_ACTION}",
        "auth": "Bearer sk_test_probe",
        "doc": f"{NEW_ACTION.capitalize()} invoice.",
    }
    in_the_fake = _probe(
        project,
        """
        from palomma_client.testing import FakePalomma
        async def main():
            fake = FakePalomma()
            async with fake.client() as palomma:
                invoice = await palomma.invoices.cancel("01HQY8EW1H9YGH5PAV5Y2M9R3T")
                raw = await palomma.request("POST", "/invoices/{id}/cancel", path_params={"id": "x"})
            # The fake answers with the operation's example, about the invoice the path names.
            ids = (invoice.id, raw["id"])
            return {"type": type(invoice).__name__, "id": ids == ("01HQY8EW1H9YGH5PAV5Y2M9R3T", "x")}
        result = asyncio.run(main())
        """,
    )
    assert in_the_fake == {"type": "Invoice", "id": True}


def test_a_raised_maximum_admits_larger_amounts_and_still_refuses_beyond_it(tmp_path: Path) -> None:
    def raise_maximum(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["CreateInvoiceRequest"]["properties"]["amount"]["maximum"] = RAISED_MAXIMUM

    project = _regenerate(tmp_path, raise_maximum)

    result = _probe(
        project,
        """
        async def main():
            async with client() as palomma:
                await palomma.invoices.create(**{**CREATE, "amount": ACCEPTED})
                try:
                    await palomma.invoices.create(**{**CREATE, "amount": REFUSED})
                    message = None
                except InvalidParameterError as error:
                    message = str(error)
            return {"requests": len(sent), "message": message}
        result = asyncio.run(main())
        """,
    )

    expected = f"amount: must be between {AMOUNT['minimum']:,} and {RAISED_MAXIMUM:,}, got {REFUSED:,}"
    assert result == {"requests": 1, "message": expected}


def test_removing_a_field_of_invoice_bumps_the_major_version(tmp_path: Path) -> None:
    def remove_payment_id(spec: dict[str, Any]) -> None:
        del spec["components"]["schemas"]["Invoice"]["properties"][REMOVABLE_FIELD]

    project = _regenerate(tmp_path, remove_payment_id)

    major, _, _ = _current_version()
    assert _version(project) == f"{major + 1}.0.0"
    assert "Breaking" in (project / "CHANGELOG.md").read_text(encoding="utf-8")


def test_a_method_name_can_be_overridden_by_a_vendor_extension(tmp_path: Path) -> None:
    def rename(spec: dict[str, Any]) -> None:
        spec["paths"]["/invoices/{id}"]["get"]["x-palomma-method-name"] = "retrieve"

    project = _regenerate(tmp_path, rename)

    result = _probe(project, "result = {'names': sorted(n for n in vars(type(client().invoices).__mro__[1]))}")

    assert "retrieve" in result["names"]
    assert "get" not in result["names"]


def test_regenerating_twice_changes_nothing(tmp_path: Path) -> None:
    project = _regenerate(tmp_path, _add_tenant_email)
    before = {path: path.read_bytes() for path in sorted(project.rglob("*")) if path.is_file()}

    completed = subprocess.run(
        [sys.executable, str(project / "scripts" / "generate.py")], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0, completed.stderr
    after = {path: path.read_bytes() for path in sorted(project.rglob("*")) if path.is_file()}
    changed = [str(path) for path in before if before[path] != after.get(path) and "__pycache__" not in str(path)]
    assert changed == []
