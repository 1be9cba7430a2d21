"""Fixtures every test module may use; the helpers behind them live in tests/support.py."""

from __future__ import annotations

import asyncio
import copy
import resource
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from palomma_client import PalommaClient
from palomma_client._backends import BACKENDS as BACKEND_REGISTRY
from palomma_client._client import DEFAULT_BACKEND
from tests import forked, support
from tests.clock import ClockLoop
from tests.scheduling import SharedFixtureScheduling
from tests.spec_calls import SpecCall, a_call
from tests.support import API_KEY, SPEC, RecordingAPI, Sleeps
from tests.testing.support import skip_for_what_the_spec_lacks, take_noted


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """The checked-in OpenAPI document, parsed."""
    return copy.deepcopy(SPEC)


BACKENDS = tuple(BACKEND_REGISTRY)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test that uses a backend (``api``, ``palomma``) on the default one, or on each if marked ``backends``.

    Most tests send nothing a backend could treat differently (validation, parsing, the
    retry and safe-create policies above the sender); those that exercise the seam (what
    goes over the wire, connection failures, timeouts, streaming, pools) ask for all.
    """
    if "backend" in metafunc.fixturenames:
        every = metafunc.definition.get_closest_marker("backends") is not None
        metafunc.parametrize("backend", BACKENDS if every else (DEFAULT_BACKEND,))


@pytest.fixture
async def api(backend: str) -> AsyncIterator[RecordingAPI]:
    """The scripted API: a mock transport for httpx2, a server on 127.0.0.1 for aiohttp."""
    async with RecordingAPI(backend).serving() as recording:
        yield recording


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Run a test on virtual time (a ``tests.clock.ClockLoop``) when a timeout elapsing is part of what it proves.

    That is every test marked ``clock_loop``, and every test marked ``backends`` that uses the scripted
    ``api``: over the socket, a scripted ``ReadTimeout`` is an answer held until the client's own
    timeout runs out, which on virtual time happens as soon as the loop has nothing else to do, and
    an answer that is sent is never late, whatever the machine's load. Every other test runs on a
    loop of asyncio's, as it would with no factory (pytest-asyncio asks this hook for every test).
    """
    if item.get_closest_marker("clock_loop") is not None or (
        item.get_closest_marker("backends") is not None and "api" in getattr(item, "fixturenames", ())
    ):
        return {"clock_loop": ClockLoop}
    return {"asyncio": asyncio.new_event_loop}


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "PALOMMA_API_KEY",
        "PALOMMA_USERNAME",
        "PALOMMA_PASSWORD",
        "PALOMMA_ENVIRONMENT",
        "PALOMMA_BASE_URL",
        "PALOMMA_LOG",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def palomma(api: RecordingAPI, sleeps: Sleeps, clean_environment: None) -> AsyncIterator[PalommaClient]:
    async with api.client(api_key=API_KEY, environment="sandbox", sleep=sleeps) as client:
        yield client


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A 127.0.0.1 port that refuses connections for the whole test (see ``support.refused_port``)."""
    with support.refused_port() as port:
        yield port


# --- on several cores: `make pytest` runs pytest-xdist (-n auto --dist loadgroup) ----------------------------

SHARED_FIXTURE_MODULES = frozenset(
    {
        "tests/contract/test_prism.py",  # the Prism servers
        "tests/generated/test_vendor_changes.py",  # regenerated copies, each read by several tests
        "tests/scripts/test_hand_written.py",  # likewise
        "tests/scripts/test_spec_matrix.py",  # likewise
        "tests/test_packaging.py",  # the built wheel and sdist
        "tests/test_release.py",  # the private package index
    }
)
"""The modules whose tests share a fixture that costs seconds (module or session scope): each runs whole on one
worker, which builds the fixture once, where handing its tests to both workers would build it on each."""


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start tests/forked.py's server now if a collected module runs copies through it: it is ready by their turn.

    A run of other tests (a nested pytest of one test, say) does not pay for its imports.
    """
    runners = {"forked", "run_generate", "run_probe"}
    modules = {item.module for item in session.items if isinstance(item, pytest.Function)}
    if any(runners & set(vars(module)) for module in modules):
        forked.start()


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    """Skip a test that needs a value the spec no longer lists, naming it (`skip_for_what_the_spec_lacks`)."""
    try:
        return (yield)
    except (Exception, pytest.fail.Exception) as error:
        skip_for_what_the_spec_lacks(error, take_noted())
        raise


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    """The same for a fixture: one that makes an invoice under a spec with no status for it skips its tests."""
    try:
        return (yield)
    except (Exception, pytest.fail.Exception) as error:
        skip_for_what_the_spec_lacks(error, take_noted())
        raise


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> SharedFixtureScheduling | None:
    """For ``--dist loadgroup``: each test to whichever worker is free, but each SHARED_FIXTURE_MODULES module whole.

    xdist's own loadgroup (tests marked ``xdist_group`` go together) renames the tests it groups,
    which pytest 9 ignores, so it groups nothing: the groups are named here instead, by module,
    and handed out by tests/scheduling.py through xdist's documented hook.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.workermanage import parse_tx_spec_config

    return SharedFixtureScheduling(config, len(parse_tx_spec_config(config)), SHARED_FIXTURE_MODULES, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each test an id of its own; refuse to run two tests under one id.

    schemathesis names its tests ``test_x[GET /invoices]``, but pytest 9 builds an id from the
    function's name and a parametrization schemathesis does not use: each operation's test got the
    same id, so reports, ``--durations`` and this file's budget could not tell them apart. Every
    SHARED_FIXTURE_MODULES module must exist: a renamed module would silently lose its grouping.
    """
    for item in items:
        label = item.name.removeprefix(getattr(item, "originalname", item.name))
        if label.startswith("[") and label.endswith("]") and not item.nodeid.endswith("]"):
            set_params(item, label[1:-1])
    ids = Counter(item.nodeid for item in items)
    shared = sorted(nodeid for nodeid, count in ids.items() if count > 1)
    if shared:
        raise pytest.UsageError("tests sharing an id: " + ", ".join(shared))
    root = Path(__file__).parent.parent
    missing = sorted(module for module in SHARED_FIXTURE_MODULES if not (root / module).is_file())
    if missing:
        raise pytest.UsageError(f"tests/conftest.py's SHARED_FIXTURE_MODULES names no module at {', '.join(missing)}")


PRIVATE_NODE_ID = "pytest.Item._id (a NodeId with .params and .with_params())"
"""The one private API the suite uses: pytest offers no public way to give a test the id of its parameters."""


def set_params(item: pytest.Item, params: str) -> None:
    """Give ``item`` the id ``<its id>[params]``, through PRIVATE_NODE_ID; a pytest without it stops the run, naming it.

    Args:
        item: A collected test whose id has no parameters.
        params: What goes between the brackets.

    Raises:
        pytest.UsageError: The installed pytest keeps a test's id otherwise.
    """
    node = getattr(item, "_id", None)
    if node is None or getattr(node, "params", ...) is not None or not callable(getattr(node, "with_params", None)):
        raise pytest.UsageError(
            f"pytest {pytest.__version__} has no {PRIVATE_NODE_ID}, which tests/conftest.py uses to give "
            f"schemathesis's tests ids of their own ({item.name}): update set_params for it"
        )
    item._id = node.with_params(params)


TEST_BUDGET_SECONDS = 2.0
"""What one test may take (its call, not its fixtures' set-up) unless marked ``slow``."""

_durations: dict[str, float] = {}
_cpu: dict[str, float] = {}
_over_budget: dict[str, tuple[float, float]] = {}


def _cpu_seconds() -> float:
    """The CPU this process and its children have used: what a test costs, whatever the load.

    Children count once waited for, and those run through tests/forked.py (the fork server's).
    """
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime + forked.child_cpu_seconds()


def _record_cpu(item: pytest.Item, when: str) -> Generator[None, object, object]:
    start = _cpu_seconds()
    try:
        return (yield)
    finally:
        item.user_properties.append((f"cpu_seconds_{when}", _cpu_seconds() - start))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    """Record the CPU each phase of a test used; it reaches the phase's report, and so pytest-xdist's controller."""
    take_noted()  # what was noted before this test is not this test's
    return (yield from _record_cpu(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _record_cpu(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _record_cpu(item, "teardown"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration
    used = float(dict(report.user_properties).get(f"cpu_seconds_{report.when}", 0.0))  # type: ignore[arg-type]
    _cpu[report.nodeid] = _cpu.get(report.nodeid, 0.0) + used
    if report.when == "call" and report.duration > TEST_BUDGET_SECONDS and "slow" not in report.keywords:
        _over_budget[report.nodeid] = (report.duration, used)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report the sum of the tests' durations and CPU, and each test over the budget that is not marked ``slow``.

    The sums move less with the load of a shared machine than the wall time does, the CPU least (a
    test's CPU counts the processes it waited for). The budget is reported, not enforced: a test
    that fails on a slow machine would test the machine; its CPU beside its time tells a test that
    works for long from one that waited for a loaded machine.
    """
    terminalreporter.write_sep("-", "test durations")
    total, cpu = sum(_durations.values()), sum(_cpu.values())
    terminalreporter.write_line(
        f"{len(_durations)} tests took {total:.1f} s and {cpu:.1f} s of CPU in all (set-up, call and tear-down)"
    )
    if _over_budget:
        terminalreporter.write_line(f"over the {TEST_BUDGET_SECONDS:g} s budget and not marked slow:")
        for nodeid, (seconds, used) in sorted(_over_budget.items(), key=lambda item: -item[1][0]):
            terminalreporter.write_line(f"  {seconds:.2f}s ({used:.2f}s CPU) {nodeid}")


@pytest.fixture
def keyed_read() -> SpecCall:
    """A read that sends the client's API key as ``Authorization: Bearer <key>``, for tests of that header."""
    return a_call("GET", bearer_key=True)
