"""`make bench` runs end to end: a few hundred requests against its canned server, checked, never timed.

Not part of `make test`: the nightly workflow runs it (`pytest benchmarks`) before `make bench`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

# The benchmark is a script, not a package: the test imports it by its bare name.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with (HERE.parent / "openapi.yaml").open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with bench.running_server(bench.QUICK.pages) as url:
        yield url


async def test_the_canned_server_answers_from_the_spec_examples_and_keeps_connections_alive(
    server_url: str, spec: dict[str, Any]
) -> None:
    found = spec["paths"]["/invoices/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    async with httpx2.AsyncClient(base_url=f"{server_url}/v1") as http:
        invoice = await http.get(f"/invoices/{bench.INVOICE_ID}")
        first = await http.get("/invoices", params={"limit": 100})
        last = await http.get("/invoices", params={"limit": 7, "cursor": f"page-{bench.QUICK.pages - 1}"})
        missing = await http.get("/nothing-here")
        bad_cursor = await http.get("/invoices", params={"cursor": "page-x"})
        connections = http._transport._pool.connections  # type: ignore[attr-defined]

    assert invoice.json() == found["examples"]["found"]["value"]
    assert first.json()["cursor"] == "page-1"
    assert first.json()["count"] == len(first.json()["items"]) == 100
    assert len({item["id"] for item in first.json()["items"]}) == 100
    assert last.json()["cursor"] is None
    assert len(last.json()["items"]) == 7
    assert missing.status_code == 404
    assert missing.json() == {"error": "Not Found"}
    assert bad_cursor.status_code == 400
    assert len(connections) == 1


async def test_a_quick_run_measures_every_scenario_and_reports_the_targets(server_url: str) -> None:
    steps: list[str] = []

    results = await bench.run_bench(server_url, bench.QUICK, steps.append)

    scenarios = results["scenarios"]
    assert list(scenarios) == [
        "get",
        "list_page",
        "pager",
        "concurrency_cold",
        "concurrency",
        "parse_invoice",
        "parse_page",
    ]
    for key, scenario in scenarios.items():
        for name, variant in scenario["variants"].items():
            assert len(variant["samples_seconds"]) > 0, (key, name)
            assert all(seconds > 0 for seconds in variant["samples_seconds"]), (key, name)
        assert scenario["variants"][bench.FLOOR]["ratio_to_floor"]["median"] == 1.0
    assert set(scenarios["get"]["variants"]) == {bench.FLOOR, bench.GENERATED, bench.PALOMMA}
    assert set(scenarios["list_page"]["variants"]) == {bench.FLOOR, bench.GENERATED, bench.PALOMMA}
    assert scenarios["pager"]["variants"][bench.PALOMMA]["items_per_second"] > 0

    memory = results["pager_memory"]
    assert memory["large_items"] == bench.QUICK.pages * bench.PAGE_SIZE
    assert memory["small_items"] == bench.QUICK.small_pager_items
    assert memory["large_peak_mb"] > 0
    for key in ("concurrency_cold", "concurrency"):
        for variant in scenarios[key]["variants"].values():
            assert len(variant["samples_seconds"]) == 2  # one per block: floor, SDK, SDK, floor

    assert [target["text"] for target in results["targets"]] == [target.text for target in bench.TARGETS]
    assert all(isinstance(target["met"], bool) for target in results["targets"])
    assert len(steps) == 6

    json.dumps(results)  # the results file is plain JSON
    table = bench.format_table(results)
    for scenario in scenarios.values():
        assert scenario["title"] in table
    assert "pager peak memory" in table


def test_a_contender_that_returns_the_wrong_invoice_fails_the_run() -> None:
    with pytest.raises(bench.BenchError, match="expected invoice"):
        bench._check_invoice("palomma", {"id": "someone-else"})
    with pytest.raises(bench.BenchError, match="expected a page of 100"):
        bench._check_page("palomma", {"items": []})
