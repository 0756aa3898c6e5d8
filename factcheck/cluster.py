"""The per-document stage on a dask distributed cluster: `--engine dask --scheduler ADDRESS`.

Ingest, extract and bind are pure functions of one document and the rules, so a cluster runs
them and sends back the records `build_report` consumes; the checks, which need every claim
at once, stay on the machine that asked.  The client reads the files and ships their bytes,
so workers need factcheck installed (`pip install 'factcheck[dask]'`) but not the archive.

dask rather than ray: a pure-Python install from PyPI, a `LocalCluster` that runs on a laptop
or in a test without a daemon, and a plain futures API that fits a map over documents.
"""

from __future__ import annotations

import importlib
from typing import Any

from factcheck.engine import Outcome, Task, run_batch
from factcheck.errors import FactcheckError, Location
from factcheck.rules import RuleSet

# Documents per task: large enough that scheduling costs little, small enough to spread.
BATCH = 16


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

    def __init__(self, address: str, rules: RuleSet) -> None:
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

    def run(self, tasks: list[Task]) -> list[Outcome]:
        if any(t.data is None for t in tasks):  # the engine reads every file here first
            raise AssertionError("a cluster task must carry its bytes, never a path to read")
        batches = [tasks[i : i + BATCH] for i in range(0, len(tasks), BATCH)]
        futures = [self.client.submit(run_batch, b, self.rules, pure=False) for b in batches]
        return [o for part in self.client.gather(futures) for o in part]

    def close(self) -> None:
        self.client.close()
