"""`make pytest`'s scheduler: xdist's protocol, each test run once, a shared-fixture module whole on one worker."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from xdist import newhooks
from xdist.scheduler.protocol import Scheduling
from xdist.workermanage import WorkerController

from tests import conftest
from tests.scheduling import SharedFixtureScheduling

SHARED = "tests/shared.py"
COLLECTION = [
    "tests/a.py::test_one",
    f"{SHARED}::test_reads_the_copy",
    "tests/a.py::test_two",
    f"{SHARED}::test_probes_the_copy",
    "tests/b.py::test_x",  # two tests under one id (as schemathesis's were): each still runs once
    "tests/b.py::test_x",
    "tests/b.py::test_three",
]


class Worker:
    """A stand-in for xdist's WorkerController: what the scheduler calls on one."""

    def __init__(self, name: str) -> None:
        self.gateway = SimpleNamespace(id=name)
        self.queued: list[int] = []
        self.ran: list[int] = []
        self.shutting_down = False

    def send_runtest_some(self, indices: Sequence[int]) -> None:
        assert not self.shutting_down, "tests sent to a worker told to stop"
        self.queued += indices

    def shutdown(self) -> None:
        self.shutting_down = True


class Config:
    """What the scheduler reads of pytest's configuration: its hooks, here recording collect reports."""

    def __init__(self) -> None:
        self.reports: list[pytest.CollectReport] = []
        self.hook = SimpleNamespace(pytest_collectreport=lambda report: self.reports.append(report))


def _started(workers: list[Worker], collections: list[list[str]] | None = None) -> SharedFixtureScheduling:
    scheduler = SharedFixtureScheduling(Config(), len(workers), {SHARED})  # type: ignore[arg-type]
    for worker in workers:
        scheduler.add_node(worker)
    for worker, collection in zip(workers, collections or [COLLECTION] * len(workers), strict=True):
        scheduler.add_node_collection(worker, collection)
    assert scheduler.collection_is_completed
    scheduler.schedule()
    return scheduler


def _run_to_the_end(scheduler: SharedFixtureScheduling, workers: list[Worker]) -> None:
    """Each worker in turn finishes the first test it holds, as long as any holds one."""
    while any(worker.queued for worker in workers):
        for worker in workers:
            if worker.queued:
                index = worker.queued.pop(0)
                worker.ran.append(index)
                scheduler.mark_test_complete(worker, index, 0.1)


def test_it_implements_every_member_of_xdists_scheduler_protocol_with_its_parameters() -> None:
    members = [name for name in vars(Scheduling) if not name.startswith("_")]
    assert "schedule" in members  # the protocol is still where it was

    for name in members:
        expected, ours = inspect.getattr_static(Scheduling, name), inspect.getattr_static(SharedFixtureScheduling, name)
        assert isinstance(ours, property) is isinstance(expected, property), name
        if callable(expected):
            assert list(inspect.signature(ours).parameters) == list(inspect.signature(expected).parameters), name


def test_what_it_calls_on_a_worker_and_the_hook_it_comes_through_are_xdists() -> None:
    for name in ("send_runtest_some", "shutdown", "shutting_down"):
        assert hasattr(WorkerController, name), f"xdist's WorkerController has no {name}"
    assert list(inspect.signature(newhooks.pytest_xdist_make_scheduler).parameters) == ["config", "log"]


def test_the_hook_makes_it_for_loadgroup_only() -> None:
    def config(dist: str) -> Any:
        return SimpleNamespace(getvalue={"dist": dist, "tx": ["2*popen"]}.get)

    made = conftest.pytest_xdist_make_scheduler(config("loadgroup"), None)

    assert isinstance(made, SharedFixtureScheduling)
    assert made.numnodes == 2
    assert made.grouped == conftest.SHARED_FIXTURE_MODULES
    assert conftest.pytest_xdist_make_scheduler(config("load"), None) is None


def test_every_test_runs_once_and_a_shared_fixture_module_on_one_worker() -> None:
    workers = [Worker("gw0"), Worker("gw1")]
    scheduler = _started(workers)

    _run_to_the_end(scheduler, workers)

    ran = sorted(index for worker in workers for index in worker.ran)
    assert ran == list(range(len(COLLECTION)))
    shared = [index for index, nodeid in enumerate(COLLECTION) if nodeid.startswith(SHARED)]
    assert [worker.gateway.id for worker in workers if set(shared) <= set(worker.ran)] == ["gw0"]
    assert workers[0].ran[: len(shared)] == shared  # the shared module first, before any single test
    assert all(worker.ran for worker in workers)
    assert all(worker.shutting_down for worker in workers)
    assert scheduler.tests_finished
    assert not scheduler.has_pending


def test_a_worker_is_kept_two_tests_ahead_and_no_more() -> None:
    workers = [Worker("gw0"), Worker("gw1")]
    scheduler = _started(workers)

    assert len(workers[1].queued) == 2
    assert not scheduler.tests_finished
    scheduler.mark_test_complete(workers[1], workers[1].queued.pop(0))

    assert len(workers[1].queued) == 2


def test_a_crashed_workers_test_is_named_and_the_rest_of_its_work_goes_to_another() -> None:
    workers = [Worker("gw0"), Worker("gw1")]
    scheduler = _started(workers)
    held = list(workers[0].queued)

    crashed = scheduler.remove_node(workers[0])
    _run_to_the_end(scheduler, workers[1:])

    assert crashed == COLLECTION[held[0]]
    assert sorted(workers[1].ran) == sorted(set(range(len(COLLECTION))) - {held[0]})
    assert scheduler.nodes == [workers[1]]


def test_a_finished_worker_holding_nothing_names_no_test() -> None:
    workers = [Worker("gw0"), Worker("gw1")]
    scheduler = _started(workers)
    _run_to_the_end(scheduler, workers)

    assert scheduler.remove_node(workers[0]) is None


def test_workers_beyond_the_work_units_are_stopped_at_once() -> None:
    workers = [Worker("gw0"), Worker("gw1"), Worker("gw2")]
    scheduler = _started(workers, [[f"{SHARED}::test_a", f"{SHARED}::test_b", "tests/a.py::test_c"]] * 3)

    assert [worker.queued for worker in workers] == [[0, 1], [2], []]
    assert [worker.shutting_down for worker in workers] == [True, True, True]  # after what each holds
    assert scheduler.nodes == workers[:2]


def test_workers_that_collected_different_tests_fail_the_run_with_a_collect_report() -> None:
    workers = [Worker("gw0"), Worker("gw1")]
    scheduler = _started(workers, [COLLECTION, COLLECTION[:-1]])

    assert [worker.queued for worker in workers] == [[], []]
    reports = scheduler.config.reports  # type: ignore[attr-defined]
    assert [(report.nodeid, report.outcome) for report in reports] == [("gw1", "failed")]
    assert "gw1 collected other tests than worker gw0" in str(reports[0].longrepr)


def test_the_one_private_api_the_suite_uses_is_still_pytests(request: pytest.FixtureRequest) -> None:
    node = getattr(request.node, "_id", None)

    assert node is not None, f"pytest {pytest.__version__} has no {conftest.PRIVATE_NODE_ID}"
    assert callable(getattr(node, "with_params", None)), f"pytest {pytest.__version__}: {conftest.PRIVATE_NODE_ID}"
    assert node.params is None


def test_a_pytest_without_it_stops_the_run_naming_it() -> None:
    item: Any = SimpleNamespace(name="test_x[GET /things]")

    with pytest.raises(pytest.UsageError, match=r"has no pytest\.Item\._id .*\(test_x\[GET /things\]\)"):
        conftest.set_params(item, "GET /things")


def test_schemathesis_tests_have_ids_of_their_own(request: pytest.FixtureRequest) -> None:
    conformance = [item.nodeid for item in request.session.items if "test_openapi_conformance.py::" in item.nodeid]
    if not conformance:
        pytest.skip("tests/testing/test_openapi_conformance.py is not in this run")

    generated = [nodeid for nodeid in conformance if "::test_every_generated_request" in nodeid]
    assert len(set(conformance)) == len(conformance)
    assert generated
    assert all(nodeid.endswith("]") for nodeid in generated)  # `[<METHOD> <path>]`, one per operation
