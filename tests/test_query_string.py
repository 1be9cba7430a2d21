"""The query string the base client writes is the one ``params=`` would send."""

from __future__ import annotations

import string

import httpx2
import pytest

from palomma_client._base_client import query_string

_VALUES = [
    "100",
    "01HQY8EW1H9YGH5PAV5Y2M9R3T",
    "",
    "INV 2026/0001",
    "Apto 502 — Chapinero",
    "a+b",
    "x=1&y=2",
    *string.printable,
]


@pytest.mark.parametrize("value", _VALUES)
def test_each_value_is_encoded_as_httpx_encodes_it(value: str) -> None:
    params = {"limit": "100", "reference": value, "cursor": "01HQY8EW1H9YGH5PAV5Y2M9R3T"}

    assert query_string(params) == str(httpx2.QueryParams(params))


@pytest.mark.parametrize("name", ["customerDocumentNumber", "a b", "ñ", "x&y"])
def test_each_name_is_encoded_as_httpx_encodes_it(name: str) -> None:
    assert query_string({name: "1"}) == str(httpx2.QueryParams({name: "1"}))
