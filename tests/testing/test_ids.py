"""Invoice ids are time-ordered ULIDs; payment ids look like the API's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from palomma_client.testing._ids import IdGenerator, is_ulid

START = datetime(2026, 3, 11, 16, 32, 14, 7000, tzinfo=UTC)


def test_invoice_ids_are_26_character_crockford_ulids_carrying_their_creation_time() -> None:
    invoice_id = IdGenerator().invoice_id(START)
    assert len(invoice_id) == 26
    assert is_ulid(invoice_id)
    assert IdGenerator.ulid_milliseconds(invoice_id) == int(START.timestamp() * 1000)


def test_ids_strictly_increase_within_one_millisecond_and_when_time_goes_back() -> None:
    ids = IdGenerator(seed=3)
    created = [ids.invoice_id(START) for _ in range(50)]
    created.append(ids.invoice_id(START - timedelta(days=1)))
    created.append(ids.invoice_id(START + timedelta(milliseconds=1)))
    assert created == sorted(created)
    assert len(set(created)) == len(created)


def test_a_seed_makes_ids_reproducible() -> None:
    assert IdGenerator(seed=9).invoice_id(START) == IdGenerator(seed=9).invoice_id(START)
    assert IdGenerator(seed=9).payment_id() == IdGenerator(seed=9).payment_id()


def test_payment_ids_have_the_payin_prefix() -> None:
    assert re.fullmatch(r"payin_[0-9A-Za-z]{10}", IdGenerator().payment_id())


def test_is_ulid_accepts_only_canonical_ulids() -> None:
    assert is_ulid("01HQY8EW1H9YGH5PAV5Y2M9R3T")
    assert not is_ulid("01hqy8ew1h9ygh5pav5y2m9r3t")
    assert not is_ulid("01HQY8EW1H9YGH5PAV5Y2M9R3")
    assert not is_ulid("01HQY8EW1H9YGH5PAV5Y2M9R3I")
    assert not is_ulid("81HQY8EW1H9YGH5PAV5Y2M9R3T")
