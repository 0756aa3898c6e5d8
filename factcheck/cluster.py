"""The per-document stage on a dask distributed cluster: `--engine dask --scheduler ADDRESS`.

Ingest, extract and bind are pure functions of one document and the rules, so a cluster runs
them, in batches, and sends back plain tuples (`factcheck.wire`); the checks then run there
too, a group of claims per task (`factcheck.checks.groups`), and only their findings come back.

Where the workers read the archive: with `--shared-storage` (a folder every worker mounts at
the same path) they read the articles and their sources.yaml themselves and only paths leave
this machine; without, this machine reads each article and ships its bytes, so workers need
factcheck installed (`pip install 'factcheck[dask]'`) but not the archive.  Either way the
claim store stays here: rows come back and are written here, a batch per transaction.

Where the results go: with `--scratch` (a folder or fsspec URL the workers and this machine
reach at the same name) the workers put their claims, JSON items and findings there and send
back where they are (`factcheck.scratch`), so no claim passes through this machine; without,
the claims come back here and go out again to the checks.

dask rather than ray: a pure-Python install from PyPI, a `LocalCluster` that runs on a laptop
or in a test without a daemon, and a plain futures API that fits a map over documents.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from factcheck.errors import FactcheckError, Location
from factcheck.rules import RuleSet
from factcheck.worker import (
    CheckCall,
    Job,
    KeyedFindings,
    Results,
    Sealed,
    Task,
    check_sealed,
    gathered,
    run_sealed,
)

# Documents per task: large enough that scheduling costs little (a dask task costs its worker
# and the scheduler a few milliseconds, a process pool's a fraction of one), small enough to
# spread.
BATCH = 64


def _distributed() -> Any:
    try:
        # Imported by name: dask is an optional extra, and typing it would tie mypy to it.
        return importlib.import_module("distributed")
    except ImportError:
        raise FactcheckError(
            "--engine dask needs dask's distributed scheduler",
            Location("--engine"),
            "pip install 'factcheck[dask]'",
        ) from None


_SCHEMES = ("tcp", "tls", "ws", "wss")


def _check_address(address: str) -> None:
    """Refuse an address that is not one before a client is made: dask reports it from its
    event-loop thread, which then keeps the process alive, and the run hangs."""
    from distributed.comm.addressing import get_address_host_port, parse_address

    try:
        scheme, _ = parse_address(address)
        # The network schemes dask ships with; ucx needs a library of its own and, missing,
        # fails in the loop thread as above.
        if scheme not in (*_SCHEMES, "inproc"):  # inproc: a cluster in this very process
            raise ValueError(f"scheme {scheme!r} is not one of {', '.join(_SCHEMES)}")
        if scheme != "inproc":
            _, port = get_address_host_port(address)
            if not 0 < port < 65536:
                raise ValueError(f"port {port} is out of range")
    except (ValueError, TypeError) as exc:
        raise FactcheckError(
            f"not a scheduler address: {exc}",
            Location("--scheduler"),
            "write it as tcp://HOST:PORT (an IPv6 host in brackets: tcp://[::1]:8786)",
        ) from None


class DaskRunner:
    """Batches of documents as futures on the cluster at `address`; results in order."""

    local = False  # its workers cannot reach this machine's claim store

    def __init__(self, address: str, rules: RuleSet, shared: bool = False) -> None:
        # With `shared`, the workers read the archive at the paths given here (a folder they
        # all mount): only paths go out.  Without, this machine reads each article and sends
        # its bytes.
        self.reads_files = shared
        distributed = _distributed()
        _check_address(address)
        try:
            self.client = distributed.Client(address, timeout=30, set_as_default=False)
        except (OSError, ValueError, TypeError) as exc:
            raise FactcheckError(
                f"cannot reach the dask scheduler: {exc}",
                Location(address),
                "check --scheduler (tcp://HOST:PORT) and that the scheduler is running",
            ) from None
        # Sent once to every worker, not once per batch.
        self.rules = self.client.scatter(rules, broadcast=True, hash=False)
        self.jobs = max(1, sum(self.client.nthreads().values()))

    def submit(self, tasks: list[Task], job: Job) -> Callable[[], Results]:
        """The tasks' batches as futures; the call returned waits for their outcomes."""
        if not self.reads_files and any(t.data is None and t.doc.url is None for t in tasks):
            # The engine reads every local file here first (`_remote_window`).
            raise AssertionError("a cluster task must carry its bytes, never a path to read")
        job = replace(job, pack=True)
        batches = [tasks[i : i + BATCH] for i in range(0, len(tasks), BATCH)]
        # One message to the scheduler for the window, not one a batch.
        sealed = [Sealed.of(b, job) for b in batches]
        futures = self.client.map(run_sealed, sealed, rules=self.rules, pure=False)
        return lambda: gathered(self.client.gather(futures))

    def check(self, calls: list[CheckCall]) -> list[KeyedFindings]:
        """The checks' parts on the cluster, a call per future."""
        sealed = [Sealed.of(*call) for call in calls]
        futures = self.client.map(check_sealed, sealed, rules=self.rules, pure=False)
        results: list[KeyedFindings] = self.client.gather(futures)
        return results

    def close(self) -> None:
        self.client.close()
