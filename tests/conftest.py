"""Fixtures every test module may use; the helpers behind them live in tests/support.py."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import AsyncIterator, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from palomma_client import PalommaClient
from palomma_client._backends import BACKENDS as BACKEND_REGISTRY
from palomma_client._client import DEFAULT_BACKEND
from tests import support
from tests.support import API_KEY, SPEC, RecordingAPI, Sleeps
from tests.testing.support import skip_for_what_the_spec_lacks, take_noted

if TYPE_CHECKING:
    from xdist.scheduler import LoadScopeScheduling


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


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PALOMMA_API_KEY", "PALOMMA_ENVIRONMENT", "PALOMMA_BASE_URL", "PALOMMA_LOG"):
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


def pytest_runtest_setup(item: pytest.Item) -> None:
    take_noted()  # what was noted before this test is not this test's


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
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    """For ``--dist loadgroup``: each test to whichever worker is free, but each SHARED_FIXTURE_MODULES module whole.

    xdist's own loadgroup (tests marked ``xdist_group`` go together) renames the tests it groups,
    which pytest 9 ignores, so it groups nothing: the groups are named here instead, by module.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist has no type information
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in SHARED_FIXTURE_MODULES else nodeid

    return SharedFixtureScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each test an id of its own; refuse to run two tests under one id.

    schemathesis names its tests ``test_x[GET /invoices]``, but pytest 9 builds an id from the
    function's name and a parametrization schemathesis does not use: each operation's test got the
    same id, and pytest-xdist, which hands tests out by id, ran one of them.
    """
    for item in items:
        node = item._id  # the structured id, which pytest offers no other way to set
        label = item.name.removeprefix(getattr(item, "originalname", item.name))
        if node.params is None and label.startswith("[") and label.endswith("]"):
            item._id = node.with_params(label[1:-1])
    ids = Counter(item.nodeid for item in items)
    shared = sorted(nodeid for nodeid, count in ids.items() if count > 1)
    if shared:
        raise pytest.UsageError("tests sharing an id, of which pytest-xdist would run one: " + ", ".join(shared))


TEST_BUDGET_SECONDS = 2.0
"""What one test may take (its call, not its fixtures' set-up) unless marked ``slow``."""

_durations: dict[str, float] = {}
_over_budget: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration
    if report.when == "call" and report.duration > TEST_BUDGET_SECONDS and "slow" not in report.keywords:
        _over_budget[report.nodeid] = report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report the sum of the tests' durations, and each test over the budget that is not marked ``slow``.

    The sum moves less with the load of a shared machine than the wall time does. The budget is
    reported, not enforced: a test that fails on a slow machine would test the machine.
    """
    terminalreporter.write_sep("-", "test durations")
    total = sum(_durations.values())
    terminalreporter.write_line(f"{len(_durations)} tests took {total:.1f} s in all (set-up, call and tear-down)")
    if _over_budget:
        terminalreporter.write_line(f"over the {TEST_BUDGET_SECONDS:g} s budget and not marked slow:")
        for nodeid, seconds in sorted(_over_budget.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"  {seconds:.2f}s {nodeid}")
