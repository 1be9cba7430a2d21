"""How `make pytest` hands tests to pytest-xdist's workers: one at a time, but a module of shared fixtures whole.

pytest-xdist's own ``--dist loadgroup`` sends the tests marked ``xdist_group`` together by renaming
them on the worker, and pytest 9 builds a test's id without that name, so it groups nothing. This
scheduler is what ``tests/conftest.py`` hands xdist through its documented hook,
``pytest_xdist_make_scheduler``; it implements xdist's scheduler protocol
(``xdist.scheduler.protocol.Scheduling``) and drives the workers only through what that protocol's
callers use (``send_runtest_some``, ``shutdown``, ``shutting_down``), so it subclasses nothing of
xdist's and reads no private attribute. tests/test_scheduling.py checks it against the installed xdist.

A test is handed out by its index in the collection, never by its id: two tests sharing an id
still both run.
"""

from __future__ import annotations

import collections
from collections.abc import Collection, Sequence
from typing import Any, NoReturn

import pytest

LOW_WATERMARK = 2
"""The tests a worker is kept ahead by: it runs a test once it knows the next (pytest's ``nextitem``)."""


class SharedFixtureScheduling:
    """Each test to whichever worker runs low, except the modules in ``grouped``: each of those whole to one worker.

    The grouped modules go out first, so that no worker starts one near the end while the others
    are idle; the other tests follow one by one, in collection order.

    Args:
        config: pytest's configuration (collection differences are reported through its hooks).
        numnodes: How many workers will send a collection.
        grouped: The test modules (``tests/x/test_y.py``) each to run whole on one worker.
        log: xdist's logger, or ``None``.
    """

    def __init__(self, config: pytest.Config, numnodes: int, grouped: Collection[str], log: Any = None) -> None:
        self.config = config
        self.numnodes = numnodes
        self.grouped = frozenset(grouped)
        self.log = log if log is not None else (lambda *_: None)
        self.collection: list[str] | None = None
        self._collections: dict[Any, list[str]] = {}
        self._pending: dict[Any, list[int]] = {}
        self._queue: collections.deque[list[int]] = collections.deque()

    # --- the protocol's properties ---------------------------------------------------------------------------------

    @property
    def nodes(self) -> list[Any]:
        """The workers taking part."""
        return list(self._pending)

    @property
    def collection_is_completed(self) -> bool:
        """Whether every expected worker has sent its collection."""
        return len(self._collections) >= self.numnodes

    @property
    def tests_finished(self) -> bool:
        """Whether nothing is left to hand out and no worker holds more than the test it runs."""
        if not self.collection_is_completed or self._queue:
            return False
        return all(len(pending) < LOW_WATERMARK for pending in self._pending.values())

    @property
    def has_pending(self) -> bool:
        """Whether a test is still to be handed out or to be run."""
        return bool(self._queue) or any(self._pending.values())

    # --- the protocol's methods -----------------------------------------------------------------------------------

    def add_node(self, node: Any) -> None:
        """A worker is up; it gets work once every collection is in."""
        assert node not in self._pending
        self._pending[node] = []

    def add_node_collection(self, node: Any, collection: Sequence[str]) -> None:
        """Record the tests a worker collected (a late worker's differing collection is logged and ignored)."""
        assert node in self._pending
        if self.collection_is_completed and self.collection is not None and list(collection) != self.collection:
            self.log(f"worker {node.gateway.id} collected other tests: it gets none")
            return
        self._collections[node] = list(collection)

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        """A worker finished a test: give it more when it runs low."""
        self._pending[node].remove(item_index)
        self._refill(node)

    def mark_test_pending(self, item: str) -> NoReturn:
        raise NotImplementedError("only --dist worksteal moves tests between workers")

    def remove_pending_tests_from_node(self, node: Any, indices: Sequence[int]) -> NoReturn:
        raise NotImplementedError("only --dist worksteal moves tests between workers")

    def remove_node(self, node: Any) -> str | None:
        """A worker finished or crashed; the id of the test it crashed in, its other tests to the rest.

        Returns:
            The id of the test the worker was running when it went down, or ``None`` when it held none.
        """
        pending = self._pending.pop(node)
        if not pending:
            return None
        assert self.collection is not None
        crashed, rest = pending[0], pending[1:]
        if rest:
            self._queue.appendleft(rest)
        for other in self._pending:
            self._refill(other)
        return self.collection[crashed]

    def schedule(self) -> None:
        """Once every collection is in: check they agree, make the work units, give every worker its first."""
        assert self.collection_is_completed
        if self.collection is not None:
            for node in self.nodes:
                self._refill(node)
            return
        collections_seen = list(self._collections.items())
        (first, collection), *others = collections_seen
        differing = [node for node, other in others if other != collection]
        if differing:
            for node in differing:
                message = f"worker {node.gateway.id} collected other tests than worker {first.gateway.id}"
                report = pytest.CollectReport(node.gateway.id, "failed", message, [])
                self.config.hook.pytest_collectreport(report=report)
            self.log("**Different tests collected, aborting run**")
            return
        self.collection = list(collection)
        self._queue.extend(work_units(self.collection, self.grouped))
        for node in self.nodes[len(self._queue) :]:  # more workers than work: the extra ones stop now
            self._pending.pop(node)
            node.shutdown()
        for node in self.nodes:
            self._refill(node)
        if not self._queue:  # all handed out at once: each worker runs what it holds, then stops
            for node in self.nodes:
                if not node.shutting_down:
                    node.shutdown()

    # --- handing out ---------------------------------------------------------------------------------------------

    def _refill(self, node: Any) -> None:
        if node.shutting_down:
            return
        pending = self._pending[node]
        sent: list[int] = []
        while len(pending) + len(sent) < LOW_WATERMARK and self._queue:
            sent += self._queue.popleft()
        if sent:
            pending += sent
            node.send_runtest_some(sent)
        if not self._queue:
            node.shutdown()  # the worker runs what it holds, then stops


def work_units(collection: Sequence[str], grouped: Collection[str]) -> list[list[int]]:
    """The indices of ``collection`` in the order they go out: each grouped module whole, then each other test.

    Args:
        collection: The test ids, in collection order.
        grouped: The modules whose tests go together.

    Returns:
        The work units, each a list of indices into ``collection``.
    """
    modules: dict[str, list[int]] = {}
    singles: list[list[int]] = []
    for index, nodeid in enumerate(collection):
        module = nodeid.split("::", 1)[0]
        if module in grouped:
            modules.setdefault(module, []).append(index)
        else:
            singles.append([index])
    return [*modules.values(), *singles]
