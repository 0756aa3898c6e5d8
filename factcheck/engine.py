"""The pipeline: sources → mentions → claims → findings → one Report, deterministic.

`analyse_source` (ingest, extract, bind one document) is a pure function of a file and the
rules, so a corpus can be split across processes or a cluster: `analyse_paths` finds the
documents and sends them, in windows, to a runner (this process, a process pool, a dask
cluster), which runs `factcheck.worker` there; the checks run there too, group by group, when
there is more than one process.  `check` runs the rule set's checks over all claims at once
and sorts what it finds; `build_report` makes the Report the renderers read, and
`json_pieces` writes the JSON report of a run that kept no records (`json_only`).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
import gc
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from factcheck import checks, scratch, store, units, wire
from factcheck.bind.binder import Binder
from factcheck.checks import groups
from factcheck.errors import FactcheckError, Location
from factcheck.ingest import (
    FORMATS,
    SUFFIXES,
    Document,
    Documents,
    IngestOptions,
    SourceMeta,
    document_ids,
    document_path,
    documents_meta,
    find_documents,
    remote,
)
from factcheck.models import (
    SCHEMA_VERSION,
    Claim,
    Finding,
    Report,
)
from factcheck.progress import Progress
from factcheck.report import json as json_report
from factcheck.report.common import Summary
from factcheck.rules import RuleSet
from factcheck.spill import TextSpill
from factcheck.worker import (
    SOURCE_ID,
    SOURCE_PUBLISHED,
    SOURCE_WARNINGS,
    CheckCall,
    Columns,
    Encoded,
    GroupKey,
    Job,
    JsonAt,
    JsonParts,
    KeyedFindings,
    Outcome,
    Results,
    Task,
    binder_for,
    check_parts,
    claim_groups,
    day,
    finish,
    from_store,
    gathered,
    init_worker,
    ordinals,
    pool_check,
    pool_chunk,
    pool_range,
    prepare,
    read_bytes,
    run_chunk,
    unpacked,
)

# Where a document is analysed; `analyse_source` and `source_info` are kept importable here.
from factcheck.worker import Analysed as Analysed
from factcheck.worker import analyse_source as analyse_source
from factcheck.worker import source_info as source_info

T = TypeVar("T")


@dataclass
class Corpus:
    analysed: list[Analysed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # source id → text, for reports
    # What was found and passed over (files of no input format, unreadable folders, ...).
    found: Documents = field(default_factory=Documents)
    # Sources meant to be read that were not: the gate fails on them unless told otherwise.
    skipped: list[str] = field(default_factory=list)
    # How many documents were served by the claim store, re-bound, or analysed afresh.
    cached: int = 0
    rebound: int = 0
    fresh: int = 0
    # The checks' findings when the workers ran them (a parallel run), for these rules.
    findings: list[Finding] | None = None
    checked_with: str = ""
    # A run for the JSON report alone (`analyse_paths(json_only=True)`): each document's report
    # items, put aside as they arrive, and the findings as report items (status, known fact,
    # text, or where the checks put it aside), in report order.  `analysed` then holds no
    # document: see `json_pieces`.
    json_docs: JsonSpill | None = None
    json_findings: list[tuple[str, bool, str | Encoded]] = field(default_factory=list)
    # Where the workers put their results aside (kept while `json_docs` reads from it).
    run_folder: scratch.Scratch | None = None
    # A run that put its records aside (`analyse_paths(spill=True)`): `json_docs` holds them
    # and the findings are in `findings`; the texts kept are here, not in `texts`.
    text_spill: TextSpill | None = None
    # Each check's seconds, where the checks ran in this process group by group.
    check_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def articles(self) -> int:
        """How many documents were read."""
        return len(self.analysed) + (len(self.json_docs.docs) if self.json_docs else 0)

    def not_read(self, doc: Document, warning: str | None) -> None:
        """A document that could not be read: why, and that it was not."""
        self.warnings.append(warning or f"skipped {doc.path}")
        self.skipped.append(document_path(doc))

    def count(self, origin: str) -> None:
        """A document read, by where its claims came from (`Outcome.origin`)."""
        if origin == "cached":
            self.cached += 1
        elif origin == "rebound":
            self.rebound += 1
        else:
            self.fresh += 1

    def close(self) -> None:
        if self.text_spill is not None:
            self.text_spill.close()
        if self.run_folder is not None:
            self.run_folder.close()


# Documents' items read back and written at once by `JsonSpill.items`.
_CHUNK_ITEMS = 256


def _read_chunks(root: str, at: Iterable[tuple[str, int, int]]) -> Iterator[bytes]:
    """Report items put aside in the run's folder `root` at `at`, read back in that order
    (`scratch.Reader.pieces`) and joined by `json_report.ITEM`, `_CHUNK_ITEMS` to a chunk."""
    item = json_report.ITEM.encode()
    with scratch.Reader(root) as reader:
        for chunk in _batched(reader.pieces(at), _CHUNK_ITEMS):
            yield item.join(chunk)


def _batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    """`items` in lists of `n` (the last one shorter): itertools.batched, before Python 3.12."""
    batch: list[T] = []
    for x in items:
        batch.append(x)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


class JsonSpill:
    """Documents' JSON report items in the run's scratch folder `root`, put there as they
    arrive: the process that writes the report keeps where each document's items are, not
    their text.  Workers put them there themselves (`worker.put_aside`); items that came back
    as text (from a cluster's workers without a shared folder) are put there by `add`.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self.paths: list[str] = []  # the files, by number: the documents' entries name them
        self._numbers: dict[str, int] = {}
        # Source id, file number, offset, the byte lengths of its source, claims and unbound
        # items.
        self.docs: list[tuple[str, int, int, int, int, int]] = []
        self.claims = 0
        self.unbound = 0
        self.published: dict[str, int] = {}  # day ordinals (`worker.day`), as the checks take them
        self._sorted: list[tuple[str, int, int, int, int, int]] = []  # `docs`, by source id

    def add(self, sid: str, published: int, parts: JsonParts) -> None:
        """A document's items as text: put in the scratch folder here."""
        src, claims, n_claims, unbound, n_unbound = parts
        blobs = [src.encode(), claims.encode(), unbound.encode()]
        path, offset = scratch.append(self.root, b"".join(blobs))
        sizes = [len(b) for b in blobs]
        self.add_at(
            sid, published, (path, offset, sizes[0], sizes[1], n_claims, sizes[2], n_unbound)
        )

    def add_at(self, sid: str, published: int, at: JsonAt) -> None:
        """A document's items where they were put (`worker.put_aside`)."""
        path, offset, n_src, n_claims_bytes, n_claims, n_unbound_bytes, n_unbound = at
        number = self._numbers.get(path)
        if number is None:
            number = self._numbers[path] = len(self.paths)
            self.paths.append(path)
        self.docs.append((sid, number, offset, n_src, n_claims_bytes, n_unbound_bytes))
        self.claims += n_claims
        self.unbound += n_unbound
        self.published[sid] = published

    def lists(self) -> dict[str, tuple[int, Callable[[], Iterator[str]]]]:
        """The report's lists of documents' items, for `json_report.assembled`."""
        return {
            "sources": (len(self.docs), lambda: self.items(0)),
            "claims": (self.claims, lambda: self.items(1)),
            "unbound": (self.unbound, lambda: self.items(2)),
        }

    def raw_lists(self) -> dict[str, tuple[int, Callable[[], Iterator[bytes]]]]:
        """`lists` as UTF-8 chunks, for a writer that copies them to a file as they are."""
        return {
            "sources": (len(self.docs), lambda: self.chunks(0)),
            "claims": (self.claims, lambda: self.chunks(1)),
            "unbound": (self.unbound, lambda: self.chunks(2)),
        }

    def items(self, which: int) -> Iterator[str]:
        return (chunk.decode() for chunk in self.chunks(which))

    def chunks(self, which: int) -> Iterator[bytes]:
        """The documents' items of one list (0: sources, 1: claims, 2: unbound), in report
        order (by source id), a few hundred documents' to a chunk: a chunk is one write."""
        if len(self._sorted) != len(self.docs):
            self._sorted = sorted(self.docs)
        paths = self.paths
        at = (
            (paths[number], offset + sum(sizes[:which]), sizes[which])
            for _, number, offset, *sizes in self._sorted
            if sizes[which]  # a document without claims or unbound figures has none
        )
        return _read_chunks(self.root, at)


# ---------------------------------------------------------------------- checks, group by group

# The claims of a run by metric and subject: each document's encoding and its source id.
GatheredClaims = dict[GroupKey, list[tuple[Encoded, str]]]


# The fewest claim groups in a part of the checks that `_check_calls` cuts by source.
MIN_CUT = 256


def _check_calls(
    rules: RuleSet,
    claims: GatheredClaims,
    published: Mapping[str, int],
    calls: int,
    as_json: bool = False,
    root: str | None = None,
) -> list[CheckCall]:
    """The rule set's checks cut into parts (`checks.groups`), spread over about `calls`
    calls of equal size; a part larger than a call's share is cut by source where its check
    allows."""
    share = sum(len(c) for c in claims.values()) // max(1, calls)
    ps = groups.parts(rules.checks, rules.facts, claims, lambda c: c[1], max(MIN_CUT, share))
    out: list[CheckCall] = []
    sizes = [sum([len(e) if isinstance(e, bytes) else e[2] for e, _ in c]) for _, c in ps]
    for b in groups.balanced(sizes, calls):
        chosen = [(ps[k][0], tuple(blob for blob, _ in ps[k][1])) for k in b]
        sources = {sid for k in b for _, sid in ps[k][1]}
        out.append((chosen, {s: published.get(s, 0) for s in sorted(sources)}, as_json, root))
    return out


def merge_findings(results: Iterable[KeyedFindings]) -> list[Finding]:
    """The parts' findings in the order one `check` over all claims gives (see checks.groups)."""
    return [wire.unpack(Finding, f) for f in _merged(results)]


def _merged(results: Iterable[KeyedFindings]) -> list[wire.Packed]:
    keyed = [x for r in results for x in r]
    keyed.sort(key=lambda x: x[0])
    return [f for _, f in keyed]


# The fewest documents a runner is handed at once (`Runner.window`).
MIN_WINDOW = 256


# What a runner gives for a window of documents it was handed: a call that waits for their
# outcomes (one by one, or a batch's by column).  A runner may be handed the next window before
# this one is waited for, so that its workers are not idle while this process takes in a
# window's outcomes.
Pending = Callable[[], Results]


class Runner(Protocol):
    # Whether workers see this machine's files and claim store themselves (processes here).
    local: bool
    # Whether they see its files: on a cluster, when the archive is on a folder they share.
    reads_files: bool

    # How many processes it runs at once; above one, the checks run there too.
    jobs: int
    # Documents it is handed at once (`analyse_paths` hands out the next window before waiting
    # for this one): a few chunks per worker.
    window: int

    def submit(self, tasks: list[Task], job: Job) -> Pending: ...

    def check(self, calls: list[CheckCall]) -> list[KeyedFindings]: ...

    def close(self) -> None: ...


class SerialRunner:
    local = True
    reads_files = True
    jobs = 1
    window = MIN_WINDOW

    def __init__(self, rules: RuleSet, st: store.ClaimStore | None = None) -> None:
        self.rules = rules
        self.binder = Binder(rules)
        self.store = st
        self.timings: dict[str, float] = {}  # each check's seconds (JUnit's `time`)

    def submit(self, tasks: list[Task], job: Job) -> Pending:
        # Run when waited for: one process has nothing to overlap.
        return lambda: [*run_chunk(tasks, replace(job, store=None), self.binder, self.store)]

    def check(self, calls: list[CheckCall]) -> list[KeyedFindings]:
        return [check_parts(*call, self.rules, self.timings) for call in calls]

    def close(self) -> None:
        scratch.close()  # the worker's file is this process's


class ProcessRunner:
    """Chunks of documents over worker processes; results come back in document order.

    A chunk is sent as its documents' paths (workers read the files, their sources.yaml and the
    claim store themselves) and comes back as plain tuples.
    """

    local = True
    reads_files = True

    def __init__(
        self, rules: RuleSet, jobs: int, documents: Sequence[Document] = (), ids: Sequence[str] = ()
    ) -> None:
        self.jobs = jobs
        # Windows of a few chunks per worker: fewer, larger messages cost the parent less.
        self.window = max(MIN_WINDOW, 128 * jobs)
        # The run's documents go to each worker as it starts (forked, it inherits them): a
        # batch of them is then sent as its first and last positions (`worker.pool_range`).
        self.documents = documents
        # What every worker would otherwise build for itself, built once here and inherited
        # where workers are forked (Linux): the rules' Binder and pint's unit registry, which
        # nearly every process over more than a few articles needs (0.15 s with its cache).
        # The parent pays it once; 16 workers would pay it 16 times.  With two, it saves
        # nothing: the one the parent builds is the one a worker would have built, at the
        # same moment, and the parent's share of the work grows by it.
        if jobs >= PREFORK_JOBS:
            binder_for(rules)
            units.registry()
        self.pool = ProcessPoolExecutor(
            jobs, initializer=init_worker, initargs=(rules, os.getpid(), (documents, ids))
        )

    def chunks(self, tasks: list[Task]) -> list[list[Task]]:
        return chunked(tasks, self.jobs, len(self.documents))

    def submit(self, tasks: list[Task], job: Job) -> Pending:
        job = replace(job, pack=True)
        futures = [
            self.send(pool_range, (c[0].index, c[-1].index + 1, job))
            if self._inherited(c)
            else self.send(pool_chunk, (c, job))
            for c in self.chunks(tasks)
        ]
        return lambda: gathered(f.result() for f in futures)

    def _inherited(self, tasks: list[Task]) -> bool:
        """Whether `tasks` are the workers' own documents from one position to another, with
        nothing the workers did not inherit."""
        lo = tasks[0].index
        docs = self.documents
        return all(
            t.index == lo + k
            and t.index < len(docs)
            and t.doc is docs[t.index]
            and t.meta is None
            and t.data is None
            and t.mentions is None
            for k, t in enumerate(tasks)
        )

    def check(self, calls: list[CheckCall]) -> list[KeyedFindings]:
        return [f.result() for f in [self.send(pool_check, call) for call in calls]]

    def send(self, fn: Callable[..., T], args: tuple[Any, ...]) -> Future[T]:
        """`fn(*args)` in a worker: every crossing goes here."""
        return self.pool.submit(fn, *args)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


# Documents per chunk sent to a worker process: at most (while much of the run is left), and at
# least (toward its end).
MAX_CHUNK = 64
MIN_CHUNK = 8


def guided(
    items: list[T], jobs: int, left: int, most: int = MAX_CHUNK, least: int = MIN_CHUNK
) -> list[list[T]]:
    """A window of `items` cut into chunks for `jobs` workers, `left` documents of the run
    being left from its first on.

    A chunk is one message each way, and each costs the parent about half a millisecond
    whatever its size (a dask task, a few): so chunks are as large as `most` while much work
    is left, and shrink (to `least`) toward the end of the run, where several small ones per
    worker let all the workers finish together ("guided" scheduling).
    """
    size = max(least, min(most, left // (jobs * 4)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def chunked(
    tasks: list[Task], jobs: int, total: int, most: int = MAX_CHUNK, least: int = MIN_CHUNK
) -> list[list[Task]]:
    """`guided` chunks of a window of a run of `total` documents."""
    left = max(total - tasks[0].index, len(tasks)) if tasks else 0
    return guided(tasks, jobs, left, most, least)


# From how many workers the parent builds what they all need before forking them.
PREFORK_JOBS = 3


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# Below this many documents a worker pool costs more to start than it saves.
MIN_DOCS_PER_JOB = 32


F = TypeVar("F", bound=Callable[..., Any])


def _collection_paused_for_workers(fn: F) -> F:
    """`fn` without cyclic garbage collection when it hands documents to worker processes here
    (`jobs` > 1): this process then builds an index of them, small objects and no cycles, and
    at 10k articles the collections those allocations set off were an eighth of its CPU."""

    @functools.wraps(fn)
    def run(*args: Any, **kw: Any) -> Any:
        if kw.get("jobs", 1) > 1 and kw.get("engine", "local") == "local":
            with gc_paused():
                return fn(*args, **kw)
        return fn(*args, **kw)

    return cast(F, run)


@_collection_paused_for_workers
def analyse_paths(
    paths: Sequence[Path | str],
    rules: RuleSet,
    *,
    jobs: int = 1,
    store_path: Path | None = None,
    keep_texts: bool = True,
    keep_mentions: bool = False,
    progress: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    shared_storage: bool = False,
    window: int | None = None,
    options: IngestOptions | None = None,
    json_only: bool = False,
    scratch_at: str | None = None,
    spill: bool = False,
) -> Corpus:
    """Read, extract and bind every article under `paths`; unreadable files become warnings.

    Documents stream through in windows, so memory holds the claims, not the texts (unless
    `keep_texts`, which the HTML report needs) nor the mentions (unless `keep_mentions`).
    `jobs` > 1 spreads the work over processes, `engine="dask"` over the cluster at
    `json_only` is for a run whose one output is the JSON report (`json_pieces`): the workers
    render their records and run the checks, and this process keeps neither.  `spill` is for
    the other reports: the records are put aside on disk as they arrive, the checks run group
    by group, and `factcheck.spill.report` reads them back for the renderers.  Workers put
    their results aside in a scratch folder (`factcheck.scratch`): a temporary one for
    processes here, `scratch_at` (a folder or URL they all reach) for a cluster's.
    `scheduler` (`shared_storage`: its workers read the archive at the same paths, so no
    article crosses the network from here); `store_path` names the SQLite claim store that
    makes re-runs incremental.
    Every combination gives the same Corpus, in the same order.  `options` name a dump's
    record fields; a path `-` is standard input, and one given as an fsspec URL (a `str`:
    `s3://bucket/news/`) is listed here and read by the workers (`ingest.remote`).
    """
    found = _find(
        [p for p in paths if not remote.is_url(p)], [p for p in paths if remote.is_url(p)], options
    )
    files = found.documents
    ids = document_ids(files)
    corpus = Corpus(found=found)
    for w in found.warnings:
        corpus.warnings.append(w.render(show_line=False))
    for e in found.skipped:
        corpus.warnings.append(f"skipped {e.render(show_line=False)}")
        corpus.skipped.append(str(e.location))
    jobs = max(1, jobs)
    st = store.ClaimStore(store_path) if store_path is not None else None
    runner: Runner
    try:
        if engine == "dask":
            from factcheck.cluster import DaskRunner

            if not scheduler:
                raise FactcheckError(
                    "--engine dask needs a scheduler",
                    Location("--scheduler"),
                    "pass --scheduler HOST:PORT",
                )
            runner = DaskRunner(scheduler, rules, shared=shared_storage, total=len(files))
        elif engine != "local":
            raise FactcheckError(
                f"unknown engine {engine!r}", Location("--engine"), "use local or dask"
            )
        elif jobs > 1 and len(files) >= MIN_DOCS_PER_JOB * 2:
            runner = ProcessRunner(rules, min(jobs, len(files) // MIN_DOCS_PER_JOB), files, ids)
        else:
            runner = SerialRunner(rules, st)
            jobs = 1
    except BaseException:
        if st is not None:
            st.close()
        raise
    # Workers that see the files read sources.yaml themselves too (and any at a URL).
    meta: dict[int, SourceMeta] = {}
    if not runner.reads_files:
        local = [i for i, f in enumerate(files) if f.url is None]
        meta = dict(zip(local, documents_meta([files[i] for i in local]), strict=True))
    sharded = runner.jobs > 1 or json_only or spill
    rendered = json_only or spill
    # Workers put their results aside in the run's scratch folder and send back where they are
    # (`worker.put_aside`): a temporary folder here, or one a cluster's workers share.  A
    # cluster's workers that share none send them back, and a rendered run puts them in a
    # temporary folder here.
    reach = runner.local or scratch_at is not None
    folder = None
    if (sharded and reach) or rendered:
        folder = scratch.Scratch(scratch_at if reach and not runner.local else None)
    shared = folder.path if folder is not None and reach else None
    job = Job(
        rules.sha256,
        run=uuid.uuid4().hex,
        store=str(store_path) if st is not None and runner.local else None,
        keep_text=keep_texts and not json_only,
        keep_mentions=keep_mentions and not json_only,
        want_rows=st is not None and not runner.local,
        # Checks run where the documents were analysed when that is more than one process:
        # each document's claims come back encoded by metric and subject too.
        groups=sharded,
        json=json_only or spill,
        spill=shared,
        share_sources=shared is not None and runner.jobs > 1,
    )
    if rendered:
        assert folder is not None
        corpus.run_folder = folder  # the JSON items are read from there
        corpus.json_docs = JsonSpill(folder.path)
        corpus.text_spill = TextSpill(folder.path) if spill and keep_texts else None
    claims: GatheredClaims = {}
    step = window or runner.window
    bar = Progress(len(files), "analysing", enabled=progress)
    try:
        windows = (
            [Task(i, files[i], ids[i], meta.get(i)) for i in range(lo, min(lo + step, len(files)))]
            for lo in range(0, len(files), step)
        )
        for documents, outcomes in _ahead(windows, lambda ts: _submit(ts, job, runner, st)):
            _collect(outcomes, files, corpus, claims if sharded else None)
            bar.advance(documents)
        if sharded:
            published = (
                corpus.json_docs.published
                if corpus.json_docs is not None
                else ordinals({a.source.id: a.source.published for a in corpus.analysed})
            )
            calls = _check_calls(rules, claims, published, runner.jobs * 4, json_only, shared)
            results = runner.check(calls)
            # Each check's seconds where they ran here; elsewhere they are not measured.
            corpus.check_seconds = runner.timings if isinstance(runner, SerialRunner) else {}
            if json_only:
                corpus.json_findings = [(s, k, t) for s, k, t in _merged(results)]
            else:
                corpus.findings = merge_findings(results)
                corpus.checked_with = rules.sha256
        if st is not None:
            st.prune()
    except BaseException:
        corpus.close()
        raise
    finally:
        bar.close()
        runner.close()
        if st is not None:
            st.close()
        if folder is not None and corpus.run_folder is None:
            folder.close()
    return corpus


def _ahead(
    windows: Iterable[list[Task]], submit: Callable[[list[Task]], Pending]
) -> Iterator[tuple[int, Results]]:
    """Each window's size and outcomes, in order, the next window handed out before this one
    is waited for: the workers go on with it while this process takes this one in.  (Its size,
    since a batch that comes back by column is one item of its outcomes.)"""
    pending: collections.deque[tuple[int, Pending]] = collections.deque()
    for tasks in windows:
        pending.append((len(tasks), submit(tasks)))
        if len(pending) > 1:
            size, wait = pending.popleft()
            yield size, wait()
    while pending:
        size, wait = pending.popleft()
        yield size, wait()


def _submit(tasks: list[Task], job: Job, runner: Runner, st: store.ClaimStore | None) -> Pending:
    if runner.local:
        return runner.submit(tasks, job)
    if not runner.reads_files:
        return _remote_window(tasks, job, runner, st)
    # A cluster on shared storage: no bytes go out, so none are hashed here to look the store
    # up; its rows come back for the next run, on the cluster or here.
    pending = runner.submit(tasks, job)
    if st is None:
        return pending

    def stored() -> Results:
        outcomes = pending()
        assert st is not None
        _put_rows(st, [o for o in outcomes if isinstance(o, Outcome)])
        return outcomes

    return stored


def _find(
    local: Sequence[Path | str], urls: Sequence[Path | str], options: IngestOptions | None
) -> Documents:
    """What `find_documents` finds on this machine, and the articles listed at the URLs."""
    found = find_documents([Path(p) for p in local], options)
    if urls:
        dumps = {name for name, fmt in FORMATS.items() if fmt.split is not None}
        r = remote.find([str(u) for u in urls], SUFFIXES, dumps)
        found.documents.extend(r.documents)
        found.skipped.extend(r.skipped)
        found.files.update(r.suffixes)
        found.unsupported.update(r.unsupported)
    return found


def _put_rows(st: store.ClaimStore, outcomes: Sequence[Outcome]) -> None:
    """The store rows a cluster's workers sent back, written here, a batch per transaction."""
    st.put(
        [o.extracted_row for o in outcomes if o.extracted_row is not None],
        [o.analysed_row for o in outcomes if o.analysed_row is not None],
    )


def _remote_window(
    tasks: list[Task], job: Job, runner: Runner, st: store.ClaimStore | None
) -> Pending:
    """A window for workers that see neither this machine's files nor its claim store: the
    articles' bytes go with the tasks, store hits are served here and new rows written here."""
    shipped: list[Task] = []
    skipped: Results = []
    for t in tasks:
        # Within ingest's limits (size, regular files only); an unreadable file is left to the
        # worker, which turns it into a located warning.
        data = None
        if t.doc.url is None:  # one at a URL the workers read themselves, not this machine
            try:
                data = read_bytes(t.doc)
            except FactcheckError as exc:
                # A cluster's worker is sent bytes or nothing, never a path to read from its own
                # disk (where the same name may hold another, secret, file).
                skipped.append(Outcome(t.index, warning=f"skipped {exc.render(show_line=False)}"))
                continue
        shipped.append(replace(t, data=data))
    if st is None:
        pending = runner.submit(shipped, job) if shipped else list
        return lambda: sorted([*skipped, *pending()], key=_position)
    docs = [prepare(t, job, keyed=True) for t in shipped if t.data is not None]
    hits = st.analysed(d.akey for d in docs) if not job.keep_mentions else {}
    mention_hits = st.extracted(d.ekey for d in docs if d.akey not in hits)
    served = {
        o.position: o
        for o in finish([from_store(d, hits[d.akey], job) for d in docs if d.akey in hits], job)
    }
    by_index = {d.task.index: d for d in docs}
    rest = [
        replace(t, mentions=mention_hits.get(by_index[t.index].ekey))
        if t.index in by_index and not job.keep_mentions
        else t
        for t in shipped
        if t.index not in served
    ]
    pending = runner.submit(rest, job) if rest else list

    def stored() -> Results:
        done = pending()
        assert st is not None
        _put_rows(st, [o for o in done if isinstance(o, Outcome)])
        return sorted([*skipped, *served.values(), *done], key=_position)

    return stored


def _position(r: Outcome | Columns) -> int:
    return r.position if isinstance(r, Outcome) else r.positions[0]


def _collect(
    outcomes: Results,
    files: Sequence[Document],
    corpus: Corpus,
    claims: GatheredClaims | None = None,
) -> None:
    """A window's outcomes into the corpus, in document order; with `claims`, the claims'
    encodings gathered there by metric and subject too."""
    for o in sorted(outcomes, key=_position):
        if isinstance(o, Columns):
            _collect_columns(o, files, corpus, claims)
            continue
        if o.analysed is None:
            corpus.not_read(files[o.position], o.warning)
            continue
        rendered = o.json is not None or o.json_at is not None
        if rendered and corpus.json_docs is not None and isinstance(o.analysed, tuple):
            # The source's record as it came, packed: its id, date and warnings are all that
            # is needed here.
            src = o.analysed[0]
            sid, published = src[SOURCE_ID], day(src[SOURCE_PUBLISHED])
            if o.json_at is not None:
                corpus.json_docs.add_at(sid, published, o.json_at)
            elif o.json is not None:
                corpus.json_docs.add(sid, published, o.json)
            if corpus.text_spill is not None:
                if o.text_at is not None:
                    corpus.text_spill.add_at(sid, o.text_at)
                elif o.text is not None:
                    corpus.text_spill.add(sid, o.text)
            corpus.warnings.extend(src[SOURCE_WARNINGS])
            encoded = o.groups
        else:
            a = unpacked(o.analysed, o.mentions)
            corpus.analysed.append(a)
            corpus.warnings.extend(a.source.warnings)
            if o.text is not None:
                corpus.texts[a.source.id] = o.text
            # Served from the store on this machine, a document comes without its encodings.
            sid = a.source.id
            encoded = o.groups or (claim_groups(a.claims) if claims is not None else ())
        if claims is not None:
            for key, blob in encoded:
                claims.setdefault(key, []).append((blob, sid))
        corpus.count(o.origin)


def _collect_columns(
    c: Columns, files: Sequence[Document], corpus: Corpus, claims: GatheredClaims | None
) -> None:
    """`_collect` of a batch that came back by column."""
    spill = corpus.json_docs
    assert spill is not None, "only a rendered run's workers put their outcomes aside"
    path = c.path
    for row, position in enumerate(c.positions):
        if row in c.skipped:
            corpus.not_read(files[position], c.skipped[row])
            continue
        sid = c.sids[row]
        spill.add_at(sid, c.published[row], (path, *c.json[6 * row : 6 * row + 6]))  # type: ignore[arg-type]
        if corpus.text_spill is not None and c.texts[2 * row] >= 0:
            corpus.text_spill.add_at(sid, (path, c.texts[2 * row], c.texts[2 * row + 1]))
        corpus.warnings.extend(c.warnings.get(row, ()))
    if claims is not None:
        g = c.groups
        for k in range(0, len(g), 4):
            row, key, offset, length = g[k : k + 4]
            claims.setdefault(c.keys[key], []).append(((path, offset, length), c.sids[row]))
    for origin in c.origins:
        corpus.count(origin)


def json_pieces(corpus: Corpus, rules: RuleSet) -> Iterator[str | bytes]:
    """The JSON report of a `json_only` run, byte for byte what `json_report.pieces` writes for
    `build_report` of the same run: the items the workers rendered, read back in report order,
    and the findings they made.  Those come as UTF-8 bytes, copied from where they were put
    aside as they are (`json_report.joined` gives the text)."""
    spill = corpus.json_docs
    if spill is None:
        raise ValueError("json_pieces needs a corpus analysed with json_only=True")

    def findings() -> Iterator[bytes]:
        # Put aside by the checks' workers (`worker.check_parts`), or come back as text.
        texts = [t for _, _, t in corpus.json_findings]
        at = [t for t in texts if isinstance(t, tuple)]
        if not at:
            yield from (t.encode() for t in texts if isinstance(t, str))
            return
        if len(at) != len(texts):
            raise ValueError("findings both put aside and sent back as text")
        yield from _read_chunks(spill.root, at)

    warnings = [w.encode() for w in json_report.texts(corpus.warnings)]
    return json_report.assembled(
        {"schema_version": SCHEMA_VERSION, "rules_sha256": rules.sha256},
        {
            **spill.raw_lists(),
            "findings": (len(corpus.json_findings), findings),
            "warnings": (len(warnings), lambda: iter(warnings)),
        },
    )


def json_summary(corpus: Corpus) -> Summary:
    """What `report.common.summarize` says of the report `json_pieces` writes."""
    spill = corpus.json_docs
    conflicts = [k for s, k, _ in corpus.json_findings if s == "conflict"]
    return Summary(
        sources=len(spill.docs) if spill else 0,
        claims=spill.claims if spill else 0,
        agreements=sum(1 for s, _, _ in corpus.json_findings if s == "agreement"),
        conflicts=len(conflicts),
        known_fact_conflicts=sum(conflicts),
    )


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: for a stage that builds many objects and no cycles.

    A full collection walks every live object, and an archive's claims are many: at 10,000
    documents one such pass, collecting nothing, took a third of the checks' time.  Reference
    counting still frees what the stage drops; collection resumes after it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def check(
    claims: Sequence[Claim],
    rules: RuleSet,
    published: dict[str, dt.date | None],
    timings: dict[str, float] | None = None,
) -> list[Finding]:
    """Every check over the claims; `timings`, when given, receives each check's seconds."""
    ctx = checks.CheckContext(
        claims=claims,
        metrics=rules.metrics,
        facts=rules.facts,
        published=published,
    )
    findings: list[Finding] = []
    for spec in rules.checks:
        started = time.perf_counter()
        findings.extend(checks.run(spec, ctx))
        if timings is not None:
            timings[spec.id] = timings.get(spec.id, 0.0) + time.perf_counter() - started
    return sort_findings(findings, claims)


def sort_findings(findings: Iterable[Finding], claims: Sequence[Claim]) -> list[Finding]:
    """Findings by (first claim's source, line, column, rule id): the order never varies."""
    pos = {c.id: (c.source, c.line, c.column) for c in claims}
    return sorted(findings, key=lambda f: groups.finding_key(f, pos))


def build_report(corpus: Corpus, rules: RuleSet, timings: dict[str, float] | None = None) -> Report:
    """The report of an analysed corpus; `timings`, when given, receives each check's seconds
    (none when the workers already checked the corpus group by group)."""
    if corpus.json_docs is not None:
        raise ValueError("a json_only corpus holds no records: write it with json_pieces")
    with gc_paused():
        analysed = sorted(corpus.analysed, key=lambda a: a.source.id)
        claims = sorted((c for a in analysed for c in a.claims), key=lambda c: c.sort_key)
        if corpus.findings is not None and corpus.checked_with == rules.sha256:
            findings = corpus.findings  # checked group by group by the workers
        else:
            published = {a.source.id: a.source.published for a in analysed}
            findings = check(claims, rules, published, timings)
        return Report(
            rules_sha256=rules.sha256,
            sources=tuple(a.source for a in analysed),
            claims=tuple(claims),
            findings=tuple(findings),
            unbound=tuple(u for a in analysed for u in a.unbound),
            warnings=tuple(corpus.warnings),
        )
