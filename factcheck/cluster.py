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
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import Any

from factcheck.engine import MIN_WINDOW, chunked
from factcheck.errors import FactcheckError, Location
from factcheck.ingest import Document, SourceMeta
from factcheck.rules import RuleSet
from factcheck.worker import (
    CheckCall,
    Columns,
    Job,
    KeyedFindings,
    Outcome,
    Results,
    Task,
    check_parts,
    gathered,
    run_batch,
)

# Documents per task, at most while much of the run is left and at least toward its end
# (`engine.guided`): four times a process pool's, as a dask task costs the client, the
# scheduler and its worker a few milliseconds (a pool's, a fraction of one).  With 64 a task,
# the scheduler's share and the client's made a LocalCluster of two workers 6 % slower than two
# `--jobs` processes over the 10k bench archive; with these, as fast.
BATCH = 256
MIN_BATCH = 32
# Articles a window holds at most when this machine reads them and sends their bytes: two
# windows are held here at once, and 2 x 16,384 of the bench archive's are some 150 MB (and
# keep 64 workers busy).
WINDOW_READ_HERE = 16_384


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

    def __init__(self, address: str, rules: RuleSet, shared: bool = False, total: int = 0) -> None:
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
        # The run's number of documents, for chunks that shrink toward its end; and windows of
        # two chunks a worker (one more window is handed out while one is waited for), of at
        # most `WINDOW_READ_HERE` documents when their bytes are read here and sent.
        self.total = total
        self.window = max(MIN_WINDOW, 2 * BATCH * self.jobs)
        if not shared:
            self.window = min(self.window, WINDOW_READ_HERE)

    def submit(self, tasks: list[Task], job: Job) -> Callable[[], Results]:
        """The tasks' batches as futures; the call returned waits for their outcomes."""
        if not self.reads_files and any(t.data is None and t.doc.url is None for t in tasks):
            # The engine reads every local file here first (`_remote_window`).
            raise AssertionError("a cluster task must carry its bytes, never a path to read")
        job = replace(job, pack=True)
        batches = chunked(tasks, self.jobs, self.total, BATCH, MIN_BATCH)
        # One message to the scheduler for the window, not one a batch.
        sealed = [seal_batch(b, job) for b in batches]
        futures = self.client.map(run_sealed, sealed, rules=self.rules, pure=False)
        return lambda: gathered(self.client.gather(futures))

    def check(self, calls: list[CheckCall]) -> list[KeyedFindings]:
        """The checks' parts on the cluster, a call per future; their findings come back
        sealed too (`check_sealed`)."""
        sealed = [seal_call(call) for call in calls]
        futures = self.client.map(check_sealed, sealed, rules=self.rules, pure=False)
        return [r.opened() if isinstance(r, Sealed) else r for r in self.client.gather(futures)]

    def close(self) -> None:
        self.client.close()


# ---------------------------------------------------------------------- what crosses dask


@dataclass(frozen=True)
class Sealed:
    """A cluster task's arguments (and the checks' findings for the JSON report, on their way
    back) as one bytes object, in msgpack (dask's own wire format: plain data, which no reader
    executes).

    dask looks for futures in every list, tuple and dict of a task's arguments, a Python call
    an item, and its scheduler unpickles every task and pickles it again for the worker: for a
    window's documents and a call of checks (tens of thousands of claims' locations) both cost
    more than the bytes.  Sealed, they went through a LocalCluster's scheduler at half its
    CPU, and through the client without being looked at.
    """

    data: bytes

    @classmethod
    def of(cls, value: Any) -> Sealed:
        data: bytes = _msgpack().packb(value, use_bin_type=True)
        return cls(data)

    def opened(self) -> Any:
        return _msgpack().unpackb(self.data, raw=False, use_list=False, strict_map_key=True)


def _msgpack() -> Any:
    # A dependency of dask's distributed, imported by name for the same reason as it.
    return importlib.import_module("msgpack")


def seal_batch(tasks: Sequence[Task], job: Job) -> Sealed:
    return Sealed.of([astuple(job), [_task(t) for t in tasks]])


def run_sealed(sealed: Sealed, rules: RuleSet) -> Columns | list[Outcome]:
    """`run_batch` of a sealed batch, on a cluster's worker."""
    job, tasks = sealed.opened()
    return run_batch([_untask(t) for t in tasks], Job(*job), rules)


def seal_call(call: CheckCall) -> Sealed:
    return Sealed.of(call)


def check_sealed(sealed: Sealed, rules: RuleSet) -> KeyedFindings | Sealed:
    """`check_parts` of a sealed call of checks, on a cluster's worker; findings for the JSON
    report (plain text and numbers) come back sealed too, packed models (dates, decimals) not.

    Sealed, a call's findings (their sort keys carry every claim id they cite: 5.7 MB for the
    10k bench archive) reached the client in a tenth of the time: dask walks a list of tuples
    item by item to serialize it, and, gathered through the scheduler, twice (0.35 s against
    0.035 s from the last check's end to the client's having them all)."""
    parts, published, as_json, root = sealed.opened()
    found = check_parts(list(parts), published, as_json, root, rules)
    return Sealed.of(found) if as_json else found


def _task(t: Task) -> tuple[Any, ...]:
    d = t.doc
    doc = (str(d.path), d.format, d.key, d.data, d.meta.plain(), d.line, d.url)
    meta = t.meta.plain() if t.meta is not None else None
    return (t.index, t.source_id, meta, t.data, t.mentions, doc)


def _untask(v: tuple[Any, ...]) -> Task:
    index, source_id, meta, data, mentions, (path, fmt, key, doc_data, doc_meta, line, url) = v
    doc = Document(Path(path), fmt, key, doc_data, SourceMeta.from_plain(doc_meta), line, url)
    task_meta = SourceMeta.from_plain(meta) if meta is not None else None
    return Task(index, doc, source_id, task_meta, data, mentions)
