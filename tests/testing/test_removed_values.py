"""The fake never writes a value the spec no longer lists: statuses, payment methods and sources it writes itself."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest

from palomma_client._model_base import OpenStrEnum
from palomma_client.testing import EXAMPLE_HEADER, FAKE_BASE_URL, FakeClock, FakePalomma, UnlistedValue
from palomma_client.testing._app import MODELED_OPERATIONS, installed_handlers
from palomma_client.testing._fake import _invoice_shape
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
from palomma_client.testing._state import INVOICE_LIFETIME, initial_status, settlement_instant
from tests.spec_calls import call_at, field
from tests.support import ROOT, as_openapi_31, copy_project, fresh_name, run_generate
from tests.testing.support import (
    AUTH,
    SPEC,
    START,
    Removals,
    example_request,
    listed_values,
    remove_values,
    removed_enum_member,
    skip_for_what_the_spec_lacks,
    unmodelled,
)

if set(installed_handlers(SPEC)) != set(MODELED_OPERATIONS):
    pytest.skip(f"the fake cannot model the invoice's life cycle on the spec ({unmodelled()})", allow_module_level=True)


@pytest.fixture(params=["3.0", "3.1"], ids=["openapi-3.0", "openapi-3.1"])
def without(request: pytest.FixtureRequest) -> Callable[[Removals], FakePalomma]:
    """A fake serving the shipped spec less some values, in each OpenAPI spelling; skips if a value is not listed."""

    def make(removals: Removals) -> FakePalomma:
        for (role, name), values in removals.items():
            missing = set(values) - set(listed_values(role, name))
            if missing:
                pytest.skip(f"the spec lists no {sorted(missing)} for the {role}'s `{name}` to remove")
        document = load_shipped_spec()
        remove_values(document, removals)
        if request.param == "3.1":
            document = as_openapi_31(document)
        return FakePalomma(clock=FakeClock(START), seed=3, spec=document)

    return make


def _created(fake: FakePalomma) -> dict[str, Any]:
    _needs(fake, "ready")
    return fake.create_invoice()


def _paid(fake: FakePalomma) -> dict[str, Any]:
    invoice = _created(fake)
    _needs(fake, "paid")
    return fake.pay(invoice["id"])


def _needs(fake: FakePalomma, status: str) -> None:
    """Skip a test whose way to its subject goes through a status this spec does not list either."""
    if status not in listed_values("invoice", "status", fake._state.spec.document):
        pytest.skip(f"the spec lists no invoice status {status!r} to get there")


CONTROLS: dict[str, tuple[str, Callable[[FakePalomma], dict[str, Any]]]] = {
    "pay": ("paid", lambda fake: fake.pay(_created(fake)["id"])),
    "cancel": ("cancelled", lambda fake: fake.cancel(_created(fake)["id"])),
    "expire": ("cancelled", lambda fake: fake.expire(_created(fake)["id"])),
    "chargeback": ("chargeback", lambda fake: fake.chargeback(_paid(fake)["id"])),
    "create_invoice": ("ready", lambda fake: fake.create_invoice()),
}


@pytest.mark.parametrize("control", list(CONTROLS))
def test_a_control_that_would_write_a_removed_status_raises_naming_it_and_changes_nothing(
    without: Callable[[Removals], FakePalomma], control: str
) -> None:
    status, act = CONTROLS[control]
    fake = without({("invoice", "status"): (status,)})
    before = fake.invoices()

    with pytest.raises(UnlistedValue) as raised:
        act(fake)

    assert isinstance(raised.value, ValueError)
    assert raised.value.value == status
    assert f"has no value {status!r}" in str(raised.value)
    assert raised.value.pointer.endswith("/properties/status")
    assert f"#{raised.value.pointer}" in str(raised.value)
    # What a control did before the refused step stands; nothing shows the removed status.
    assert all(invoice["status"] != status for invoice in fake.invoices())
    assert len(fake.invoices()) >= len(before)


def _an_enum() -> tuple[str, tuple[Any, ...]]:
    """The pointer and values of an enum the fake writes: the invoice's status first, else any other it lists."""
    shape = _invoice_shape(SPEC)
    for layout in (shape.invoice, shape.settlement):
        for name in sorted(layout.names, key=lambda name: name != "status"):
            if layout.enum(name):
                return layout.pointer(name), layout.enum(name)
    pytest.skip("neither the spec's invoice nor its settlement lists the values of any field")


def test_the_suite_skips_a_test_only_for_a_value_the_spec_really_lacks() -> None:
    pointer, listed = _an_enum()
    gone = fresh_name(listed, "refunded", "disputed")

    # A refusal, raised or noted, of a value the spec lists is the fake's fault: the test fails with its error.
    for value in listed:
        refusal = UnlistedValue(f"Cannot write {value!r}", value, pointer)
        skip_for_what_the_spec_lacks(refusal, [])
        skip_for_what_the_spec_lacks(AssertionError("a 404"), [refusal])
        skip_for_what_the_spec_lacks(AssertionError("a 404"), [UnlistedValue("gone", gone, pointer), refusal])
    skip_for_what_the_spec_lacks(AssertionError("a 404"), [])
    # Only a value the spec does not list skips, naming it.
    with pytest.raises(pytest.skip.Exception, match=f"the spec lists no '{gone}' at #{pointer}"):
        skip_for_what_the_spec_lacks(UnlistedValue("Cannot write it", gone, pointer), [])
    with pytest.raises(pytest.skip.Exception, match=f"the spec lists no '{gone}' at #{pointer}"):
        skip_for_what_the_spec_lacks(AssertionError("a 404"), [UnlistedValue("Cannot write it", gone, pointer)])


class _Status(OpenStrEnum):
    OPEN = "open"
    ON_HOLD = "on-hold"


def _member_error(name: str) -> AttributeError:
    try:
        getattr(_Status, name)
    except AttributeError as error:
        return error
    raise AssertionError(f"_Status has a member {name}")


def test_code_reading_an_enum_member_skips_only_when_the_changelog_announces_its_removal() -> None:
    announced = "## 2.0.0\n\n- Removed value `paid` from the enum of `Invoice.status`.\n"
    # The vendor removed `paid`: a sample naming the member it had is the spec's doing.
    assert removed_enum_member(_member_error("PAID"), announced) == "_Status.PAID"
    # A misspelt member, a removal never announced, or one the enum lists again is the code's fault.
    assert removed_enum_member(_member_error("PAIDD"), announced) is None
    assert removed_enum_member(_member_error("PAID"), "## 1.0.0\n") is None
    assert removed_enum_member(_member_error("ONHOLD"), "- Removed value `on-hold` from the enum of `X`.") is None
    assert removed_enum_member(AttributeError("PAID"), announced) is None
    skip_for_what_the_spec_lacks(_member_error("PAIDD"), [])


def test_the_refusal_pickles_with_its_value_and_pointer() -> None:
    error = UnlistedValue("Cannot pay: no 'paid'", "paid", "/components/schemas/Invoice/properties/status")

    copy = pickle.loads(pickle.dumps(error))

    assert (str(copy), copy.value, copy.pointer) == (str(error), "paid", error.pointer)


async def test_without_cancelled_an_unpaid_invoice_never_expires(without: Callable[[Removals], FakePalomma]) -> None:
    fake = without({("invoice", "status"): ("cancelled",)})
    invoice = _created(fake)

    fake.clock.advance(INVOICE_LIFETIME + timedelta(days=1))

    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app), headers=AUTH) as client:
        found = await client.get(f"{FAKE_BASE_URL}/invoices/{invoice['id']}")
    assert found.status_code == 200
    assert found.json()["status"] == "ready"


async def test_without_ready_create_is_answered_from_the_spec_not_the_fakes_state(
    without: Callable[[Removals], FakePalomma],
) -> None:
    fake = without({("invoice", "status"): ("ready",)})
    create = fake._state.spec.operation("createInvoice")
    assert create is not None
    path, body, parts = example_request(create, fake._state.spec)

    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fake.app)) as client:
        headers = {**AUTH, **parts["headers"]}
        url = f"http://fake.palomma.test{path}"
        answer = await client.post(url, json=body, headers=headers, params=parts["params"])

    assert "createInvoice" not in installed_handlers(fake._state.spec)
    assert EXAMPLE_HEADER in answer.headers
    assert answer.json().get("status") in listed_values("invoice", "status", fake._state.spec.document)
    assert fake.invoices() == []


async def test_a_renamed_initial_status_is_where_a_new_invoice_starts_and_where_pay_cancel_and_expire_take_it_from(
    without: Callable[[Removals], FakePalomma],
) -> None:
    initial = initial_status(_invoice_shape(ApiSpec(load_shipped_spec())).invoice)
    if not listed_values("invoice", "status"):
        pytest.skip("the spec's invoice lists no `status` values: no status for a new invoice to rename")
    if initial is None:
        pytest.skip("the spec lists no status for a new invoice to rename")
    renamed = fresh_name(listed_values("invoice", "status"), "open", "pending", "issued")
    fake = without({})
    document = fake._state.spec.document
    status = _invoice_shape(ApiSpec(document)).invoice.pointer("status")
    schema = document
    for token in status.lstrip("/").split("/"):
        schema = schema[token]
    schema["enum"] = [renamed if value == initial else value for value in schema["enum"]]
    fake = FakePalomma(clock=FakeClock(START), seed=3, spec=document)

    created = fake.create_invoice()
    async with fake.client() as palomma:
        read_back = await call_at("getInvoice", created["id"])(palomma)

    assert created["status"] == renamed
    assert field(read_back, "status") == renamed
    assert "createInvoice" not in fake.unmodelled_operations
    later = set(listed_values("invoice", "status", document))  # each control whose status the spec still lists
    if "paid" in later:
        assert fake.pay(fake.create_invoice()["id"])["status"] == "paid"
    if "cancelled" in later:
        assert fake.cancel(fake.create_invoice()["id"])["status"] == "cancelled"
        expired = fake.create_invoice()
        fake.clock.advance(INVOICE_LIFETIME + timedelta(seconds=1))
        assert fake.invoice(expired["id"])["status"] == "cancelled"


def test_without_any_status_for_a_new_invoice_the_fake_names_create_as_unmodelled_and_why(
    without: Callable[[Removals], FakePalomma],
) -> None:
    initial = initial_status(_invoice_shape(ApiSpec(load_shipped_spec())).invoice)
    if initial is None or set(listed_values("invoice", "status")) <= {initial}:
        pytest.skip("the spec lists no status for a new invoice to remove, or no other to keep")
    fake = without({("invoice", "status"): (initial,)})
    if initial_status(_invoice_shape(fake._state.spec).invoice) is not None:
        pytest.skip("the spec lists another status a new invoice can have")

    with pytest.raises(UnlistedValue) as raised:
        fake.create_invoice()

    assert fake.unmodelled_operations == {"createInvoice": str(raised.value)}
    assert str(raised.value).startswith("Cannot create an invoice: the spec's `status`")
    assert fake.invoices() == []


@pytest.mark.parametrize(("name", "argument"), [("paymentMethod", "method"), ("paymentSource", "source")])
def test_without_its_default_method_or_source_pay_takes_the_specs_first_and_refuses_the_removed_one(
    without: Callable[[Removals], FakePalomma], name: str, argument: str
) -> None:
    removed = "pse" if name == "paymentMethod" else "link"
    fake = without({("invoice", name): (removed,)})
    remaining = listed_values("invoice", name, fake._state.spec.document)

    paid = _paid(fake)

    assert paid[name] == remaining[0]
    invoice = _created(fake)["id"]
    with pytest.raises(ValueError, match=f"{argument} must be one of .*not '{removed}'"):
        fake.pay(invoice, **{argument: removed})  # type: ignore[arg-type]


def test_without_paid_a_settlement_stays_processing_after_its_cycle(
    without: Callable[[Removals], FakePalomma],
) -> None:
    fake = without({("settlement", "status"): ("paid",)})
    invoice = _paid(fake)
    due = settlement_instant(START.date(), invoice["settlementTime"])

    fake.clock.advance(due - START + timedelta(hours=1))

    settlement = fake.settlement(invoice["settlementDate"], invoice["settlementTime"])
    assert settlement is not None
    assert settlement["status"] == "processing"
    with pytest.raises(ValueError, match="status must be one of"):
        fake.set_settlement_status(invoice["settlementDate"], invoice["settlementTime"], "paid")


def test_without_processing_a_settlement_before_its_cycle_shows_only_a_status_the_spec_lists(
    without: Callable[[Removals], FakePalomma],
) -> None:
    fake = without({("settlement", "status"): ("processing",)})
    invoice = _paid(fake)

    settlement = fake.settlement(invoice["settlementDate"], invoice["settlementTime"])

    assert settlement is not None
    layout = _invoice_shape(fake._state.spec).settlement
    # No status fits before the cycle: a required one is filled from the schema, an optional one left out.
    assert settlement.get("status", layout.enum("status")[0]) in layout.enum("status")
    assert ("status" in settlement) is ("status" in layout.required)


# --- the same, through `make generate`: a regenerated copy whose fake conformance tests pass -------------
#
# Each regeneration takes out every value it can at once; a value whose removal would hide another's
# (no `paid` invoice means no settlement, no `ready` means no invoice at all) gets a copy of its own.
REGENERATIONS: dict[str, Removals] = {
    "later-statuses-methods-and-settlement-statuses": {
        ("invoice", "status"): ("cancelled", "chargeback"),
        ("invoice", "paymentMethod"): ("pse",),
        ("invoice", "paymentSource"): ("link",),
        ("settlement", "status"): ("processing", "paid"),
    },
    "paid": {("invoice", "status"): ("paid",)},
    "ready": {("invoice", "status"): ("ready",)},
}

# Which of the fake's tests run in the copy: those that check what it answers against the copy's spec.
CONFORMANCE_TESTS = ("tests/testing/test_openapi_conformance.py", "tests/testing/test_removed_values.py")


@pytest.mark.slow
@pytest.mark.parametrize("removals", list(REGENERATIONS.values()), ids=list(REGENERATIONS))
def test_a_regenerated_copy_without_the_values_passes_the_fakes_conformance_tests(
    tmp_path: Path, removals: Removals
) -> None:
    listed = {key: tuple(value for value in values if value in listed_values(*key)) for key, values in removals.items()}
    listed = {key: values for key, values in listed.items() if values}
    if not listed:
        pytest.skip(f"the spec lists none of {removals} to remove")
    project = copy_project(tmp_path, lambda document: remove_values(document, listed))
    shutil.copytree(ROOT / "tests", project / "tests", ignore=shutil.ignore_patterns("__pycache__"))

    generated = run_generate(project)

    assert generated.returncode == 0, generated.stdout + generated.stderr
    shipped = json.loads((project / "palomma_client" / "_generated" / "openapi.json").read_text(encoding="utf-8"))
    for (role, name), values in listed.items():
        assert not set(values) & set(listed_values(role, name, shipped)), (role, name)
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", *CONFORMANCE_TESTS],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-2000:]
    assert " passed" in tested.stdout.splitlines()[-1]
