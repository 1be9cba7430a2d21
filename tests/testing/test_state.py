"""Settlement cycles, timestamps and the invoice JSON the fake's state produces."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from palomma_client.testing._fake import _invoice_shape
from palomma_client.testing._state import (
    COLOMBIA,
    InvoiceRecord,
    format_timestamp,
    next_settlement_cycle,
    settlement_instant,
)
from tests.spec_calls import needs_operations
from tests.support import ready_invoice_json
from tests.testing.support import SPEC, START, body_properties, response_properties


def _colombia(day: int, hour: int, minute: int = 0, second: int = 0, millisecond: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, millisecond * 1000, tzinfo=COLOMBIA)


@pytest.mark.parametrize(
    ("paid_at", "expected"),
    [
        (_colombia(11, 0, 0), (date(2026, 3, 11), "11")),
        (_colombia(11, 10, 59, 59, 999), (date(2026, 3, 11), "11")),
        (_colombia(11, 11, 0), (date(2026, 3, 11), "13")),
        (_colombia(11, 12, 59, 59, 999), (date(2026, 3, 11), "13")),
        (_colombia(11, 13, 0), (date(2026, 3, 11), "16")),
        (_colombia(11, 16, 30), (date(2026, 3, 11), "18")),
        (_colombia(11, 18, 0), (date(2026, 3, 11), "20")),
        (_colombia(11, 19, 59, 59, 999), (date(2026, 3, 11), "20")),
        (_colombia(11, 20, 0), (date(2026, 3, 12), "11")),
        (_colombia(11, 23, 59, 59, 999), (date(2026, 3, 12), "11")),
    ],
)
def test_a_payment_settles_in_the_first_cycle_strictly_after_it(paid_at: datetime, expected: tuple[date, str]) -> None:
    assert next_settlement_cycle(paid_at) == expected


def test_cycles_follow_the_colombian_date_not_the_utc_date() -> None:
    # 02:00 UTC on the 12th is 21:00 on the 11th in Colombia: after the last cycle of the 11th.
    assert next_settlement_cycle(datetime(2026, 3, 12, 2, 0, tzinfo=UTC)) == (date(2026, 3, 12), "11")
    # 04:30 UTC on the 12th is 23:30 on the 11th.
    assert next_settlement_cycle(datetime(2026, 3, 12, 4, 30, tzinfo=UTC)) == (date(2026, 3, 12), "11")
    # 15:59 UTC is 10:59 in Colombia.
    assert next_settlement_cycle(datetime(2026, 3, 12, 15, 59, tzinfo=UTC)) == (date(2026, 3, 12), "11")


def test_the_year_end_rolls_over() -> None:
    assert next_settlement_cycle(datetime(2026, 12, 31, 20, 30, tzinfo=COLOMBIA)) == (date(2027, 1, 1), "11")


def test_a_cycle_runs_at_its_hour_colombia_time() -> None:
    assert settlement_instant(date(2026, 3, 12), "16") == datetime(2026, 3, 12, 21, 0, tzinfo=UTC)


def test_timestamps_are_utc_with_milliseconds_and_z() -> None:
    assert format_timestamp(START) == "2026-03-11T16:32:14.007Z"
    assert format_timestamp(_colombia(11, 11, 32, 14, 7)) == "2026-03-11T16:32:14.007Z"
    assert format_timestamp(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05.000Z"


SHAPE = _invoice_shape(SPEC)


def _record(**changes: object) -> InvoiceRecord:
    record = InvoiceRecord(
        id="01HQY8EW1H9YGH5PAV5Y2M9R3T",
        status="ready",
        fields={
            "reference": "INV-2026-0001",
            "amount": 1_850_000,
            "description": "Canon de arrendamiento marzo 2026",
            "contract": "00000",
            "customerDocumentNumber": "900123456",
            "redirectUrl": "https://merchant.example.com/payments/return",
        },
        created_at=START,
        expiration_date=START + timedelta(minutes=5),
        payment_url="https://pagos.palomma.com/pay/merchant_123/01HQY8EW1H9YGH5PAV5Y2M9R3T",
        shape=SHAPE,
    )
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def _defined(invoice: dict[str, object]) -> dict[str, object]:
    """The fields of an invoice that the spec's invoice defines: the only ones the fake shows."""
    return {name: value for name, value in invoice.items() if name in SHAPE.invoice.names}


def test_a_ready_invoice_serialises_like_the_spec_example_without_absent_fields() -> None:
    needs_operations("createInvoice")
    named = _record()
    named.fields["customerName"] = "Inmobiliaria Ejemplo SAS"
    # A field the spec requires that the fake knows nothing of is made up, as the fake's layout makes it.
    expected = SHAPE.invoice.lay_out(_defined(ready_invoice_json("01HQY8EW1H9YGH5PAV5Y2M9R3T", "merchant_123")), START)
    assert named.to_json() == expected
    assert "customerName" not in _record().to_json()


def test_a_paid_invoice_shows_its_payment_and_no_longer_its_expiry() -> None:
    needs_operations("createInvoice")
    paid = _record(
        status="paid",
        payment_date=datetime(2026, 3, 11, 18, 1, 3, 219000, tzinfo=UTC),
        payment_method="pse",
        payment_source="link",
        payment_amount=1_850_000,
        settlement_date=date(2026, 3, 11),
        settlement_cycle="16",
        payment_id="payin_8JkM2P",
    ).to_json()
    assert "expirationDate" not in paid
    assert {
        name: paid[name] for name in paid if name.startswith(("payment", "settlement")) and name != "paymentUrl"
    } == _defined(
        {
            "paymentDate": "2026-03-11T18:01:03.219Z",
            "paymentMethod": "pse",
            "paymentSource": "link",
            "paymentAmount": 1850000,
            "settlementDate": "2026-03-11",
            "settlementTime": "16",
            "paymentId": "payin_8JkM2P",
        }
    )


def test_an_invoice_lists_its_fields_in_the_specs_order() -> None:
    needs_operations("createInvoice")
    invoice = _record(
        status="paid",
        payment_date=START,
        payment_method="pse",
        payment_source="link",
        payment_amount=1_850_000,
        settlement_date=date(2026, 3, 11),
        settlement_cycle="13",
        payment_id="payin_8JkM2P",
    ).to_json()
    order = [name for name in SHAPE.invoice.names if name in invoice]
    assert list(invoice) == order


def test_only_request_fields_that_an_invoice_defines_are_echoed() -> None:
    needs_operations("createInvoice")
    sent = body_properties("createInvoice")
    invoice = response_properties("createInvoice")
    kept_unshown = [name for name in sent if name not in invoice]
    if not kept_unshown:
        pytest.skip("createInvoice's answer defines every field of its request: none is kept unshown")
    record = _record()
    record.fields.update(dict.fromkeys(kept_unshown, "sent"))
    assert not set(kept_unshown) & set(record.to_json())
    assert SHAPE.echoed == {name for name in invoice if name in sent}
