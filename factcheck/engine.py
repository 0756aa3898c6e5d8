"""The pipeline: sources → mentions → claims → findings → one Report, deterministic.

`analyse_source` (ingest, extract, bind one document) is a pure function of a file and the
rules, so a corpus can be split across processes or a cluster; `check` runs the rule set's
checks over all claims at once and sorts what it finds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import os
import pickle
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

from factcheck import checks, store, wire
from factcheck.bind.binder import Binder
from factcheck.checks import groups
from factcheck.errors import FactcheckError, Location
from factcheck.extract import extract
from factcheck.ingest import (
    FORMATS,
    SUFFIXES,
    Document,
    Documents,
    IngestOptions,
    SourceMeta,
    document_ids,
    document_path,
    document_text,
    documents_meta,
    find_documents,
    read_article_bytes,
    read_document,
    read_sources_file,
    remote,
)
from factcheck.models import (
    SCHEMA_VERSION,
    Claim,
    Finding,
    Mention,
    Report,
    Source,
    SourceInfo,
    Unbound,
)
from factcheck.progress import Progress
from factcheck.report import json as json_report
from factcheck.report.common import Summary
from factcheck.rules import RuleSet

T = TypeVar("T")


@dataclass(frozen=True)
class Analysed:
    """One document through ingest, extract and bind."""

    source: SourceInfo
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    unbound: tuple[Unbound, ...]


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
    # text), in report order.  `analysed` then holds no document: see `json_pieces`.
    json_docs: JsonSpill | None = None
    json_findings: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def articles(self) -> int:
        """How many documents were read."""
        return len(self.analysed) + (len(self.json_docs.docs) if self.json_docs else 0)

    def close(self) -> None:
        if self.json_docs is not None:
            self.json_docs.close()


class JsonSpill:
    """Documents' JSON report items in a temporary file, put there as they arrive: the process
    that writes the report keeps where each document's items are, not their text."""

    def __init__(self) -> None:
        # Open as long as the spill is: the report is read back from it after the run.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        # Source id, offset, the byte lengths of its source, claims and unbound items.
        self.docs: list[tuple[str, int, int, int, int]] = []
        self.claims = 0
        self.unbound = 0
        self.published: dict[str, dt.date | None] = {}
        self._end = 0

    def add(self, source: SourceInfo, parts: JsonParts) -> None:
        src, claims, n_claims, unbound, n_unbound = parts
        blobs = [src.encode(), claims.encode(), unbound.encode()]
        self.file.seek(self._end)
        self.file.write(b"".join(blobs))
        self.docs.append((source.id, self._end, len(blobs[0]), len(blobs[1]), len(blobs[2])))
        self._end += sum(map(len, blobs))
        self.claims += n_claims
        self.unbound += n_unbound
        self.published[source.id] = source.published

    def items(self, which: int) -> Iterator[str]:
        """Each document's items of one list (0: sources, 1: claims, 2: unbound), in report
        order: by source id."""
        for _, offset, *sizes in sorted(self.docs):
            self.file.seek(offset + sum(sizes[:which]))
            yield self.file.read(sizes[which]).decode()

    def close(self) -> None:
        self.file.close()


def source_info(s: Source) -> SourceInfo:
    return SourceInfo(
        id=s.id,
        path=s.path,
        encoding=s.encoding,
        sha256=s.sha256,
        outlet=s.outlet,
        url=s.url,
        published=s.published,
        as_of=s.as_of,
    )


def analyse_source(source: Source, binder: Binder) -> Analysed:
    mentions = extract(source)
    claims, unbound = binder.bind(source, mentions)
    return Analysed(source_info(source), tuple(mentions), tuple(claims), tuple(unbound))


# ---------------------------------------------------------------------- one document, anywhere


@dataclass(frozen=True)
class Job:
    """What every document of a run shares, sent once with each batch, not with each document.

    `store` names a claim store the worker process opens itself: it looks up and writes its
    documents' rows, a batch per transaction, so no article's bytes pass through the parent.
    `want_rows` is for a worker that cannot reach the store (a cluster's): it returns the rows
    for the caller to write.  `pack` sends results back as plain tuples (`factcheck.wire`).
    """

    rules_sha256: str
    run: str = ""  # this run's token: what a worker remembers of an earlier run is not reused
    store: str | None = None
    keep_text: bool = False
    keep_mentions: bool = False
    want_rows: bool = False
    pack: bool = False
    groups: bool = False  # the claims by metric and subject too, for the checks elsewhere
    json: bool = False  # records rendered as the JSON report's items, not sent as records


@dataclass(frozen=True)
class Task:
    """One document to analyse, as sent to a worker process or a cluster.

    `meta` is None when the worker reads the document's sources.yaml itself (worker processes
    on this machine); `data` carries the file's bytes when the worker may not see the file;
    `mentions` the cached extraction when only the rules changed (found by the caller).
    """

    index: int
    doc: Document
    source_id: str  # from ingest.document_ids: unique among the run's documents
    meta: SourceMeta | None = None
    data: bytes | None = None
    mentions: bytes | None = None


# A document's source record, claims and unbound figures as `wire` tuples.
PackedAnalysis = tuple[wire.Packed, tuple[wire.Packed, ...], tuple[wire.Packed, ...]]


class Outcome(NamedTuple):
    """One document's result, as it comes back from wherever it was analysed."""

    position: int  # the document's, among the run's documents
    analysed: Analysed | PackedAnalysis | None = None
    warning: str | None = None
    text: str | None = None
    origin: str = "fresh"  # "cached" (served by the store), "rebound" or "fresh"
    mentions: tuple[Mention, ...] = ()  # only when the caller keeps mentions
    groups: ClaimGroups = ()  # the claims again, for the checks (`Job.groups`)
    json: JsonParts | None = None  # its records rendered for the JSON report (`Job.json`)
    # Store rows for the caller to write (`Job.want_rows`).
    extracted_row: tuple[str, bytes] | None = None
    analysed_row: tuple[str, bytes] | None = None


def unpacked(a: Analysed | PackedAnalysis, mentions: tuple[Mention, ...] = ()) -> Analysed:
    if isinstance(a, Analysed):
        return a
    source, claims, unbound = a
    return Analysed(
        wire.unpack(SourceInfo, source),
        mentions,
        wire.unpack_all(Claim, claims),
        wire.unpack_all(Unbound, unbound),
    )


def _packed(a: Analysed, pack: bool) -> Analysed | PackedAnalysis:
    if not pack:
        return a
    return (wire.pack(a.source), wire.pack_all(a.claims), wire.pack_all(a.unbound))


@dataclass
class _Doc:
    """A task on its way through `run_chunk`: its metadata, bytes and store keys."""

    task: Task
    meta: SourceMeta
    data: bytes | None = None
    warning: str | None = None
    ekey: str = ""
    akey: str = ""


def _prepare(task: Task, job: Job, keyed: bool) -> _Doc:
    """The document's metadata (raising on a bad sources.yaml, which stops the run), its bytes
    (an unreadable file becomes a warning), and its store keys when a store is used."""
    meta = task.meta if task.meta is not None else _metadata(task.doc, job.run)
    d = _Doc(task, meta)
    try:
        d.data = task.data if task.data is not None else _read_bytes(task.doc)
    except FactcheckError as exc:
        d.warning = f"skipped {exc.render(show_line=False)}"
        return d
    if keyed:
        sha = hashlib.sha256(d.data).hexdigest()
        d.ekey = store.extraction_key(task.source_id, sha, meta.published, meta.as_of)
        d.akey = store.analysis_key(
            d.ekey, job.rules_sha256, document_path(task.doc), meta.outlet, meta.url
        )
    return d


def _read_bytes(doc: Document) -> bytes:
    if doc.data is not None:
        return doc.data
    if doc.url is not None:
        return remote.read_bytes(doc.url)
    return read_article_bytes(doc.path)


# A worker remembers the sources files it has read: its batches come folder by folder.
_SOURCES_FILES: dict[Path, tuple[tuple[int, int], dict[str, SourceMeta]]] = {}


def _read_sources_file(path: Path) -> dict[str, SourceMeta]:
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _SOURCES_FILES.get(path)
    if hit is None or hit[0] != stamp:
        hit = _SOURCES_FILES[path] = (stamp, read_sources_file(path))
    return hit[1]


# And, for archives at a URL, the sources files of this run (no cheap stamp tells a change).
_REMOTE_SOURCES: dict[tuple[str, str], dict[str, SourceMeta]] = {}


def _metadata(doc: Document, run: str) -> SourceMeta:
    if doc.url is not None:
        folder = doc.url.rsplit("/", 1)[0]
        entries = _REMOTE_SOURCES.get((run, folder))
        if entries is None:
            if not any(r == run for r, _ in _REMOTE_SOURCES):
                _REMOTE_SOURCES.clear()
            entries = _REMOTE_SOURCES[(run, folder)] = remote.sources_beside(doc.url)
        entry = entries.get(doc.path.stem)
        return entry.over(doc.meta) if entry is not None else doc.meta
    [meta] = documents_meta([doc], _read_sources_file)
    return meta


def run_chunk(
    tasks: Sequence[Task], job: Job, binder: Binder, st: store.ClaimStore | None = None
) -> list[Outcome]:
    """Ingest, extract (unless cached) and bind a batch of documents: pure but for the store.

    With `st`, documents it already holds are served from it and the new rows are written in
    one transaction for the batch.
    """
    keyed = st is not None or job.want_rows
    docs = [_prepare(t, job, keyed) for t in tasks]
    hits: dict[str, bytes] = {}
    mention_hits: dict[str, bytes] = {}
    if st is not None and not job.keep_mentions:
        hits = st.analysed(d.akey for d in docs if d.warning is None)
        mention_hits = st.extracted(
            d.ekey for d in docs if d.warning is None and d.akey not in hits
        )
    out: list[Outcome] = []
    for d in docs:
        blob = hits.get(d.akey)
        if d.warning is not None:
            out.append(Outcome(d.task.index, warning=d.warning))
        elif blob is not None:
            out.append(_from_store(d, blob, job))
        else:
            mentions = mention_hits.get(d.ekey, d.task.mentions)
            out.append(_analyse(d, job, binder, mentions))
    out = _finish(out, job)
    if st is not None:
        st.put(
            [o.extracted_row for o in out if o.extracted_row is not None],
            [o.analysed_row for o in out if o.analysed_row is not None],
        )
        if not job.want_rows:
            out = [o._replace(extracted_row=None, analysed_row=None) for o in out]
    return out


def _from_store(d: _Doc, blob: bytes, job: Job) -> Outcome:
    assert d.data is not None
    stored = store.decode_analysis(blob)
    a = Analysed(stored.source, (), stored.claims, stored.unbound)
    doc = d.task.doc
    text = document_text(doc.format, document_path(doc), d.data) if job.keep_text else None
    return Outcome(d.task.index, a, text=text, origin="cached")


def _analyse(d: _Doc, job: Job, binder: Binder, cached_mentions: bytes | None) -> Outcome:
    t = d.task
    try:
        source = read_document(t.doc.format, document_path(t.doc), d.data, d.meta, t.source_id)
    except FactcheckError as exc:
        return Outcome(t.index, warning=f"skipped {exc.render(show_line=False)}")
    if cached_mentions is not None and not job.keep_mentions:
        mentions = store.decode_mentions(cached_mentions)
    else:
        cached_mentions = None
        mentions = tuple(extract(source))
    claims, unbound = binder.bind(source, mentions)
    info = source_info(source)
    kept = tuple(mentions) if job.keep_mentions else ()
    a = Analysed(info, kept, tuple(claims), tuple(unbound))
    e_row = a_row = None
    if d.akey:
        if cached_mentions is None:
            e_row = (d.ekey, store.encode_mentions(mentions))
        stored = store.StoredAnalysis(source=info, claims=a.claims, unbound=a.unbound)
        a_row = (d.akey, store.encode_analysis(stored))
    return Outcome(
        t.index,
        a,
        text=source.text if job.keep_text else None,
        origin="rebound" if cached_mentions is not None else "fresh",
        extracted_row=e_row,
        analysed_row=a_row,
    )


def _finish(outcomes: list[Outcome], job: Job) -> list[Outcome]:
    """Outcomes as they travel: packed (`Job.pack`), with their claims by metric and subject
    (`Job.groups`), or with their records already rendered for the JSON report (`Job.json`),
    in which case only the source's record goes as a record."""
    done = [o.analysed for o in outcomes if isinstance(o.analysed, Analysed)]
    rendered = iter(json_parts(done) if job.json else ())
    out: list[Outcome] = []
    for o in outcomes:
        a = o.analysed
        if not isinstance(a, Analysed):
            out.append(o)
            continue
        changes: dict[str, Any] = {}
        if job.groups:
            changes["groups"] = claim_groups(a.claims)
        if job.json:
            changes["json"] = next(rendered)
            changes["analysed"] = (wire.pack(a.source), (), ())
        elif job.pack:
            changes["analysed"] = _packed(a, True)
            changes["mentions"] = a.mentions  # packed results carry them beside
        out.append(o._replace(**changes) if changes else o)
    return out


# A document's records as items of the JSON report's lists: its source's record, its claims'
# (in report order) joined by json_report.ITEM and how many, its unbound figures' and how many.
JsonParts = tuple[str, str, int, str, int]


def json_parts(analysed: Sequence[Analysed]) -> list[JsonParts]:
    """The JSON report's items of each document, rendered in one pass for the batch."""
    claims = [sorted(a.claims, key=lambda c: c.sort_key) for a in analysed]
    sources = iter(json_report.texts([a.source for a in analysed]))
    claim_texts = iter(json_report.texts([c for cs in claims for c in cs]))
    unbound = iter(json_report.texts([u for a in analysed for u in a.unbound]))
    out: list[JsonParts] = []
    for a, cs in zip(analysed, claims, strict=True):
        c_text = json_report.ITEM.join(islice(claim_texts, len(cs)))
        u_text = json_report.ITEM.join(islice(unbound, len(a.unbound)))
        out.append((next(sources), c_text, len(cs), u_text, len(a.unbound)))
    return out


# A worker builds its Binder once per rule set, not once per document or chunk, and opens the
# claim store once.
_BINDERS: dict[str, Binder] = {}
_STORES: dict[str, store.ClaimStore] = {}


def _binder_for(rules: RuleSet) -> Binder:
    b = _BINDERS.get(rules.sha256)
    if b is None:
        _BINDERS.clear()
        b = _BINDERS[rules.sha256] = Binder(rules)
    return b


def _store_for(path: str | None) -> store.ClaimStore | None:
    if path is None:
        return None
    st = _STORES.get(path)
    if st is None:
        st = _STORES[path] = store.ClaimStore(Path(path))
    return st


_RULES: list[RuleSet] = []


def _init_worker(rules: RuleSet) -> None:
    _binder_for(rules)
    _RULES[:] = [rules]


# ---------------------------------------------------------------------- checks, group by group

# One document's claims of one metric and subject, as the worker that made them pickled them
# (a tuple of wire tuples): the parent passes them on to the checks as they are, bytes it
# neither unpickles nor pickles again.
GroupKey = tuple[str, tuple[str, ...]]
ClaimGroups = tuple[tuple[GroupKey, bytes], ...]
# A call of checks: parts (a check's index and its claims' pickles), the publication dates of
# their claims' sources, and whether the findings come back as the JSON report's items.
CheckCall = tuple[list[tuple[int, tuple[bytes, ...]]], dict[str, dt.date | None], bool]
# Findings with their sort keys: packed, or as (status, known_fact, JSON report item).
KeyedFindings = list[tuple[groups.FindingKey, wire.Packed]]


def claim_groups(claims: Sequence[Claim]) -> ClaimGroups:
    by: dict[GroupKey, list[wire.Packed]] = {}
    for c in claims:
        by.setdefault((c.metric, c.subject), []).append(wire.pack(c))
    return tuple((k, pickle.dumps(tuple(v), pickle.HIGHEST_PROTOCOL)) for k, v in by.items())


def check_parts(
    parts: list[tuple[int, tuple[bytes, ...]]],
    published: dict[str, dt.date | None],
    as_json: bool,
    rules: RuleSet,
) -> KeyedFindings:
    """Checks over their parts' claims, wherever they run: findings with their sort keys."""
    keyed: list[tuple[groups.FindingKey, Finding]] = []
    for i, pickles in parts:
        claims = [wire.unpack(Claim, c) for blob in pickles for c in pickle.loads(blob)]
        keyed += groups.run_part(rules.checks[i], claims, rules.metrics, rules.facts, published)
    if not as_json:
        return [(key, wire.pack(f)) for key, f in keyed]
    items = json_report.texts([f for _, f in keyed])
    return [
        ((key, (f.status, f.known_fact, text))) for (key, f), text in zip(keyed, items, strict=True)
    ]


def _check_chunk(
    parts: list[tuple[int, tuple[bytes, ...]]], published: dict[str, dt.date | None], as_json: bool
) -> KeyedFindings:
    return check_parts(parts, published, as_json, _RULES[0])


# The claims of a run by metric and subject: each document's pickle and its source id.
GatheredClaims = dict[GroupKey, list[tuple[bytes, str]]]


def _check_calls(
    rules: RuleSet,
    claims: GatheredClaims,
    published: dict[str, dt.date | None],
    calls: int,
    as_json: bool = False,
) -> list[CheckCall]:
    """The rule set's checks cut into parts (`checks.groups`), spread over about `calls`
    calls of equal size."""
    ps = groups.parts(rules.checks, rules.facts, claims)
    out: list[CheckCall] = []
    for b in groups.balanced([sum(len(blob) for blob, _ in c) for _, c in ps], calls):
        chosen = [(ps[k][0], tuple(blob for blob, _ in ps[k][1])) for k in b]
        sources = {sid for k in b for _, sid in ps[k][1]}
        out.append((chosen, {s: published.get(s) for s in sorted(sources)}, as_json))
    return out


def merge_findings(results: Iterable[KeyedFindings]) -> list[Finding]:
    """The parts' findings in the order one `check` over all claims gives (see checks.groups)."""
    return [wire.unpack(Finding, f) for f in _merged(results)]


def _merged(results: Iterable[KeyedFindings]) -> list[wire.Packed]:
    keyed = [x for r in results for x in r]
    keyed.sort(key=lambda x: x[0])
    return [f for _, f in keyed]


def _run_chunk(tasks: list[Task], job: Job) -> list[Outcome]:
    [binder] = _BINDERS.values()
    return run_chunk(tasks, job, binder, _store_for(job.store))


def run_batch(tasks: list[Task], job: Job, rules: RuleSet) -> list[Outcome]:
    """A batch on any worker that has the rules (a cluster's): the Binder is cached there."""
    return run_chunk(tasks, job, _binder_for(rules), _store_for(job.store))


class Runner(Protocol):
    # Whether workers see this machine's files and claim store themselves (processes here).
    local: bool
    # Whether they see its files: on a cluster, when the archive is on a folder they share.
    reads_files: bool

    # How many processes it runs at once; above one, the checks run there too.
    jobs: int

    def run(self, tasks: list[Task], job: Job) -> list[Outcome]: ...

    def check(self, calls: list[CheckCall]) -> list[KeyedFindings]: ...

    def close(self) -> None: ...


class SerialRunner:
    local = True
    reads_files = True
    jobs = 1

    def __init__(self, rules: RuleSet, st: store.ClaimStore | None = None) -> None:
        self.rules = rules
        self.binder = Binder(rules)
        self.store = st

    def run(self, tasks: list[Task], job: Job) -> list[Outcome]:
        return run_chunk(tasks, replace(job, store=None), self.binder, self.store)

    def check(self, calls: list[CheckCall]) -> list[KeyedFindings]:
        return [check_parts(*call, self.rules) for call in calls]

    def close(self) -> None:
        pass


class ProcessRunner:
    """Chunks of documents over worker processes; results come back in document order.

    A chunk is sent as its documents' paths (workers read the files, their sources.yaml and the
    claim store themselves) and comes back as plain tuples.
    """

    local = True
    reads_files = True

    def __init__(self, rules: RuleSet, jobs: int) -> None:
        self.jobs = jobs
        self.pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(rules,))

    def chunks(self, tasks: list[Task]) -> list[list[Task]]:
        # Several chunks per worker evens out long and short articles.
        size = max(1, min(32, len(tasks) // (self.jobs * 4) or 1))
        return [tasks[i : i + size] for i in range(0, len(tasks), size)]

    def run(self, tasks: list[Task], job: Job) -> list[Outcome]:
        job = replace(job, pack=True)
        parts = self.map(_run_chunk, [(c, job) for c in self.chunks(tasks)])
        return [o for part in parts for o in part]

    def check(self, calls: list[CheckCall]) -> list[KeyedFindings]:
        return self.map(_check_chunk, calls)

    def map(self, fn: Callable[..., list[T]], calls: list[tuple[Any, ...]]) -> list[list[T]]:
        """`fn(*args)` for each of `calls` over the pool, in order: every crossing goes here."""
        return list(self.pool.map(fn, *zip(*calls, strict=True))) if calls else []

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# Below this many documents a worker pool costs more to start than it saves.
MIN_DOCS_PER_JOB = 32


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
) -> Corpus:
    """Read, extract and bind every article under `paths`; unreadable files become warnings.

    Documents stream through in windows, so memory holds the claims, not the texts (unless
    `keep_texts`, which the HTML report needs) nor the mentions (unless `keep_mentions`).
    `jobs` > 1 spreads the work over processes, `engine="dask"` over the cluster at
    `json_only` is for a run whose one output is the JSON report (`json_pieces`): the workers
    render their records and run the checks, and this process keeps neither.
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
            runner = DaskRunner(scheduler, rules, shared=shared_storage)
        elif engine != "local":
            raise FactcheckError(
                f"unknown engine {engine!r}", Location("--engine"), "use local or dask"
            )
        elif jobs > 1 and len(files) >= MIN_DOCS_PER_JOB * 2:
            runner = ProcessRunner(rules, min(jobs, len(files) // MIN_DOCS_PER_JOB))
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
    job = Job(
        rules.sha256,
        run=uuid.uuid4().hex,
        store=str(store_path) if st is not None and runner.local else None,
        keep_text=keep_texts and not json_only,
        keep_mentions=keep_mentions and not json_only,
        want_rows=st is not None and not runner.local,
        groups=runner.jobs > 1 or json_only,
        json=json_only,
    )
    corpus.json_docs = JsonSpill() if json_only else None
    # Checks run where the documents were analysed when that is more than one process: each
    # document's claims come back pickled by metric and subject too, and go on as they are.
    sharded = job.groups
    claims: GatheredClaims = {}
    # Windows of a few chunks per worker: fewer, larger messages cost the parent less.
    step = window or max(256, 128 * jobs)
    bar = Progress(len(files), "analysing", enabled=progress)
    try:
        for lo in range(0, len(files), step):
            part = range(lo, min(lo + step, len(files)))
            tasks = [Task(i, files[i], ids[i], meta.get(i)) for i in part]
            if runner.local:
                outcomes = runner.run(tasks, job)
            elif runner.reads_files:
                # A cluster on shared storage: no bytes go out, so none are hashed here to look
                # the store up; its rows come back for the next run, on the cluster or here.
                outcomes = runner.run(tasks, job)
                if st is not None:
                    st.put(
                        [o.extracted_row for o in outcomes if o.extracted_row is not None],
                        [o.analysed_row for o in outcomes if o.analysed_row is not None],
                    )
            else:
                outcomes = _remote_window(tasks, job, runner, st)
            _collect(outcomes, files, corpus, claims if sharded else None)
            bar.advance(len(part))
        if sharded:
            published = (
                corpus.json_docs.published
                if corpus.json_docs is not None
                else {a.source.id: a.source.published for a in corpus.analysed}
            )
            calls = _check_calls(rules, claims, published, runner.jobs * 4, json_only)
            results = runner.check(calls)
            if json_only:
                corpus.json_findings = [(s, k, t) for s, k, t in _merged(results)]
            else:
                corpus.findings = merge_findings(results)
                corpus.checked_with = rules.sha256
        if st is not None:
            st.prune()
    finally:
        bar.close()
        runner.close()
        if st is not None:
            st.close()
    return corpus


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


def _remote_window(
    tasks: list[Task], job: Job, runner: Runner, st: store.ClaimStore | None
) -> list[Outcome]:
    """A window for workers that see neither this machine's files nor its claim store: the
    articles' bytes go with the tasks, store hits are served here and new rows written here."""
    shipped = []
    for t in tasks:
        # Within ingest's limits (size, regular files only); an unreadable file is left to the
        # worker, which turns it into a located warning.
        data = None
        with contextlib.suppress(FactcheckError):
            # One at a URL the workers read themselves: this machine reads no archive there.
            data = _read_bytes(t.doc) if t.doc.url is None else None
        shipped.append(replace(t, data=data))
    if st is None:
        return runner.run(shipped, job)
    docs = [_prepare(t, job, keyed=True) for t in shipped if t.data is not None]
    hits = st.analysed(d.akey for d in docs) if not job.keep_mentions else {}
    mention_hits = st.extracted(d.ekey for d in docs if d.akey not in hits)
    served = {
        o.position: o
        for o in _finish([_from_store(d, hits[d.akey], job) for d in docs if d.akey in hits], job)
    }
    by_index = {d.task.index: d for d in docs}
    rest = [
        replace(t, mentions=mention_hits.get(by_index[t.index].ekey))
        if t.index in by_index and not job.keep_mentions
        else t
        for t in shipped
        if t.index not in served
    ]
    done = runner.run(rest, job) if rest else []
    st.put(
        [o.extracted_row for o in done if o.extracted_row is not None],
        [o.analysed_row for o in done if o.analysed_row is not None],
    )
    return sorted([*served.values(), *done], key=lambda o: o.position)


def _collect(
    outcomes: Iterable[Outcome],
    files: Sequence[Document],
    corpus: Corpus,
    claims: GatheredClaims | None = None,
) -> None:
    """A window's outcomes into the corpus, in document order; with `claims`, the claims'
    pickles gathered there by metric and subject too."""
    for o in sorted(outcomes, key=lambda o: o.position):
        if o.analysed is None:
            corpus.warnings.append(o.warning or f"skipped {files[o.position].path}")
            corpus.skipped.append(document_path(files[o.position]))
            continue
        if o.json is not None and corpus.json_docs is not None and isinstance(o.analysed, tuple):
            info = wire.unpack(SourceInfo, o.analysed[0])
            corpus.json_docs.add(info, o.json)
            sid, pickles = info.id, o.groups
        else:
            a = unpacked(o.analysed, o.mentions)
            corpus.analysed.append(a)
            if o.text is not None:
                corpus.texts[a.source.id] = o.text
            # Served from the store on this machine, a document comes without its pickles.
            sid = a.source.id
            pickles = o.groups or (claim_groups(a.claims) if claims is not None else ())
        if claims is not None:
            for key, blob in pickles:
                claims.setdefault(key, []).append((blob, sid))
        if o.origin == "cached":
            corpus.cached += 1
        elif o.origin == "rebound":
            corpus.rebound += 1
        else:
            corpus.fresh += 1


def json_pieces(corpus: Corpus, rules: RuleSet) -> Iterator[str]:
    """The JSON report of a `json_only` run, byte for byte what `json_report.pieces` writes for
    `build_report` of the same run: the items the workers rendered, read back in report order,
    and the findings they made."""
    spill = corpus.json_docs
    if spill is None:
        raise ValueError("json_pieces needs a corpus analysed with json_only=True")
    findings = [text for _, _, text in corpus.json_findings]
    warnings = json_report.texts(corpus.warnings)
    return json_report.assembled(
        {"schema_version": SCHEMA_VERSION, "rules_sha256": rules.sha256},
        {
            "sources": (len(spill.docs), lambda: spill.items(0)),
            "claims": (spill.claims, lambda: spill.items(1)),
            "unbound": (spill.unbound, lambda: spill.items(2)),
            "findings": (len(findings), lambda: iter(findings)),
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
    claims: Sequence[Claim], rules: RuleSet, published: dict[str, dt.date | None]
) -> list[Finding]:
    ctx = checks.CheckContext(
        claims=claims,
        metrics=rules.metrics,
        facts=rules.facts,
        published=published,
    )
    findings: list[Finding] = []
    for spec in rules.checks:
        findings.extend(checks.run(spec, ctx))
    return sort_findings(findings, claims)


def sort_findings(findings: Iterable[Finding], claims: Sequence[Claim]) -> list[Finding]:
    """Findings by (first claim's source, line, column, rule id): the order never varies."""
    pos = {c.id: (c.source, c.line, c.column) for c in claims}
    return sorted(findings, key=lambda f: groups.finding_key(f, pos))


def build_report(corpus: Corpus, rules: RuleSet) -> Report:
    if corpus.json_docs is not None:
        raise ValueError("a json_only corpus holds no records: write it with json_pieces")
    with gc_paused():
        analysed = sorted(corpus.analysed, key=lambda a: a.source.id)
        claims = sorted((c for a in analysed for c in a.claims), key=lambda c: c.sort_key)
        if corpus.findings is not None and corpus.checked_with == rules.sha256:
            findings = corpus.findings  # checked group by group by the workers
        else:
            published = {a.source.id: a.source.published for a in analysed}
            findings = check(claims, rules, published)
        return Report(
            rules_sha256=rules.sha256,
            sources=tuple(a.source for a in analysed),
            claims=tuple(claims),
            findings=tuple(findings),
            unbound=tuple(u for a in analysed for u in a.unbound),
            warnings=tuple(corpus.warnings),
        )
