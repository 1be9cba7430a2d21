"""Identifiers that look like the real API's: ULID invoice ids and payment ids."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["CROCKFORD_ALPHABET", "IdGenerator", "is_ulid"]

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAYMENT_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ULID_PATTERN = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")
_RANDOM_BITS = 80
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def is_ulid(value: str) -> bool:
    """Return whether `value` is a canonical (upper-case) 26-character ULID."""
    return _ULID_PATTERN.fullmatch(value) is not None


def _encode(number: int, length: int) -> str:
    characters = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        characters.append(CROCKFORD_ALPHABET[digit])
    return "".join(reversed(characters))


class IdGenerator:
    """Make invoice and payment identifiers.

    Invoice ids are ULIDs (48-bit millisecond timestamp, 80 random bits, Crockford base32) and
    strictly increasing: within one millisecond, or after the clock was set back, the previous id
    is incremented instead, so that sorting by id always gives creation order.

    Args:
        seed: Seed for the random part, for reproducible ids; `None` for fresh randomness.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        self._last = -1

    def invoice_id(self, moment: datetime) -> str:
        """Return a new ULID for an invoice created at `moment`."""
        milliseconds = (moment - _EPOCH) // timedelta(milliseconds=1)
        candidate = (milliseconds << _RANDOM_BITS) | self._random.getrandbits(_RANDOM_BITS)
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return _encode(candidate, 26)

    def position(self) -> tuple[tuple[Any, ...], int]:
        """Return where the sequence stands: `restore` with it makes the same ids again from there."""
        return self._random.getstate(), self._last

    def restore(self, position: tuple[tuple[Any, ...], int]) -> None:
        """Return to a position `position()` gave."""
        state, self._last = position
        self._random.setstate(state)

    def payment_id(self) -> str:
        """Return a new payment identifier such as `payin_8JkM2PqX4z`."""
        return "payin_" + "".join(self._random.choices(_PAYMENT_ID_ALPHABET, k=10))

    @staticmethod
    def ulid_milliseconds(ulid: str) -> int:
        """Return the millisecond timestamp encoded in a ULID's first ten characters."""
        value = 0
        for character in ulid[:10]:
            value = value * 32 + CROCKFORD_ALPHABET.index(character)
        return value
