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
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from factcheck import checks, store
from factcheck.bind.binder import Binder
from factcheck.errors import FactcheckError, Location
from factcheck.extract import extract
from factcheck.extract.dateline import date_warnings
from factcheck.ingest import (
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
)
from factcheck.models import Claim, Finding, Mention, Report, Source, SourceInfo, Unbound
from factcheck.progress import Progress
from factcheck.rules import RuleSet


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


def source_info(s: Source, mentions: Sequence[Mention] = ()) -> SourceInfo:
    """What the report says about a source, with the warnings about its date (see
    factcheck.extract.dateline), which need its mentions."""
    warnings = [*s.date_warnings, *date_warnings(s.published, s.published_from, s.text, mentions)]
    return SourceInfo(
        id=s.id,
        path=s.path,
        encoding=s.encoding,
        sha256=s.sha256,
        outlet=s.outlet,
        url=s.url,
        published=s.published,
        as_of=s.as_of,
        published_from=s.published_from,
        warnings=tuple(f"{s.path}:{w}" for w in warnings),
    )


def analyse_source(source: Source, binder: Binder) -> Analysed:
    mentions = extract(source)
    claims, unbound = binder.bind(source, mentions)
    return Analysed(source_info(source, mentions), tuple(mentions), tuple(claims), tuple(unbound))


# ---------------------------------------------------------------------- one document, anywhere


@dataclass(frozen=True)
class Task:
    """One document to analyse, as sent to a worker process or a cluster.

    `data` carries the file's bytes when the worker may not see the file (a cluster), and a
    dump record's or standard input's always; `mentions` carries the cached extraction when
    only the rules changed.
    """

    index: int
    path: str  # ingest.document_path: the file, and a dump record's line
    meta: SourceMeta
    rules_sha256: str
    source_id: str  # from ingest.document_ids: unique among the run's documents
    format: str = "text"  # the input format that reads it (ingest.FORMATS)
    data: bytes | None = None
    mentions: bytes | None = None
    keep_text: bool = False
    keep_mentions: bool = False
    want_blobs: bool = False


@dataclass(frozen=True)
class Outcome:
    index: int
    analysed: Analysed | None = None
    warning: str | None = None
    text: str | None = None
    rebound: bool = False
    # Store rows, encoded by the worker so the parent process only writes them.
    extracted_row: tuple[str, bytes] | None = None
    analysed_row: tuple[str, bytes] | None = None


def run_task(task: Task, binder: Binder) -> Outcome:
    """Ingest, extract (unless cached) and bind one document: a pure function of its inputs."""
    try:
        source = read_document(task.format, task.path, task.data, task.meta, task.source_id)
    except FactcheckError as exc:
        return Outcome(task.index, warning=f"skipped {exc.render(show_line=False)}")
    mentions = (
        store.decode_mentions(task.mentions)
        if task.mentions is not None
        else tuple(extract(source))
    )
    claims, unbound = binder.bind(source, mentions)
    info = source_info(source, mentions)
    analysed = Analysed(
        info, tuple(mentions) if task.keep_mentions else (), tuple(claims), tuple(unbound)
    )
    e_row = a_row = None
    if task.want_blobs:
        m = task.meta
        ekey = store.extraction_key(source.id, source.sha256, m.published, m.as_of)
        akey = store.analysis_key(ekey, task.rules_sha256, source.path, m.outlet, m.url)
        if task.mentions is None:
            e_row = (ekey, store.encode_mentions(mentions))
        stored = store.StoredAnalysis(source=info, claims=analysed.claims, unbound=analysed.unbound)
        a_row = (akey, store.encode_analysis(stored))
    return Outcome(
        task.index,
        analysed=analysed,
        text=source.text if task.keep_text else None,
        rebound=task.mentions is not None,
        extracted_row=e_row,
        analysed_row=a_row,
    )


# A worker builds its Binder once per rule set, not once per document or chunk.
_BINDERS: dict[str, Binder] = {}


def _binder_for(rules: RuleSet) -> Binder:
    b = _BINDERS.get(rules.sha256)
    if b is None:
        _BINDERS.clear()
        b = _BINDERS[rules.sha256] = Binder(rules)
    return b


def _init_worker(rules: RuleSet) -> None:
    _binder_for(rules)


def _run_chunk(tasks: list[Task]) -> list[Outcome]:
    [binder] = _BINDERS.values()
    return [run_task(t, binder) for t in tasks]


def run_batch(tasks: list[Task], rules: RuleSet) -> list[Outcome]:
    """A batch on any worker that has the rules (a cluster's): the Binder is cached there."""
    binder = _binder_for(rules)
    return [run_task(t, binder) for t in tasks]


class Runner(Protocol):
    def run(self, tasks: list[Task]) -> list[Outcome]: ...

    def close(self) -> None: ...


class SerialRunner:
    def __init__(self, rules: RuleSet) -> None:
        self.binder = Binder(rules)

    def run(self, tasks: list[Task]) -> list[Outcome]:
        return [run_task(t, self.binder) for t in tasks]

    def close(self) -> None:
        pass


class ProcessRunner:
    """Chunks of documents over worker processes; results come back in document order."""

    def __init__(self, rules: RuleSet, jobs: int) -> None:
        self.jobs = jobs
        self.pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(rules,))

    def run(self, tasks: list[Task]) -> list[Outcome]:
        # Several chunks per worker evens out long and short articles.
        size = max(1, min(32, len(tasks) // (self.jobs * 4) or 1))
        chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
        return [o for part in self.pool.map(_run_chunk, chunks) for o in part]

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
    paths: Sequence[Path],
    rules: RuleSet,
    *,
    jobs: int = 1,
    store_path: Path | None = None,
    keep_texts: bool = True,
    keep_mentions: bool = False,
    progress: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    window: int | None = None,
    options: IngestOptions | None = None,
) -> Corpus:
    """Read, extract and bind every article under `paths`; unreadable files become warnings.

    Documents stream through in windows, so memory holds the claims, not the texts (unless
    `keep_texts`, which the HTML report needs) nor the mentions (unless `keep_mentions`).
    `jobs` > 1 spreads the work over processes, `engine="dask"` over the cluster at
    `scheduler`; `store_path` names the SQLite claim store that makes re-runs incremental.
    Every combination gives the same Corpus, in the same order.  `options` name a dump's
    record fields; a path `-` is standard input.
    """
    found = find_documents(paths, options)
    files = found.documents
    meta = documents_meta(files)
    ids = document_ids(files)
    corpus = Corpus(found=found)
    for w in found.warnings:
        corpus.warnings.append(w.render(show_line=False))
    for e in found.skipped:
        corpus.warnings.append(f"skipped {e.render(show_line=False)}")
        corpus.skipped.append(str(e.location))
    jobs = max(1, jobs)
    runner: Runner
    if engine == "dask":
        from factcheck.cluster import DaskRunner

        if not scheduler:
            raise FactcheckError(
                "--engine dask needs a scheduler",
                Location("--scheduler"),
                "pass --scheduler HOST:PORT",
            )
        runner = DaskRunner(scheduler, rules)
    elif engine != "local":
        raise FactcheckError(
            f"unknown engine {engine!r}", Location("--engine"), "use local or dask"
        )
    elif jobs > 1 and len(files) >= MIN_DOCS_PER_JOB * 2:
        runner = ProcessRunner(rules, min(jobs, len(files) // MIN_DOCS_PER_JOB))
    else:
        runner = SerialRunner(rules)
        jobs = 1
    st = store.ClaimStore(store_path) if store_path is not None else None
    step = window or max(64, 64 * jobs)
    bar = Progress(len(files), "analysing", enabled=progress)
    try:
        for lo in range(0, len(files), step):
            _window(
                files[lo : lo + step],
                lo,
                meta,
                ids,
                rules,
                runner,
                st,
                corpus,
                keep_texts,
                keep_mentions,
                engine == "dask",
            )
            bar.advance(min(step, len(files) - lo))
        if st is not None:
            st.prune()
    finally:
        bar.close()
        runner.close()
        if st is not None:
            st.close()
    return corpus


def _window(
    files: Sequence[Document],
    offset: int,
    meta: list[SourceMeta],
    ids: list[str],
    rules: RuleSet,
    runner: Runner,
    st: store.ClaimStore | None,
    corpus: Corpus,
    keep_texts: bool,
    keep_mentions: bool,
    send_data: bool,
) -> None:
    """One window of documents: store hits decoded here, the rest sent to the runner."""
    results: dict[int, Outcome] = {}
    tasks: list[Task] = []
    read: dict[int, bytes] = {}
    ekeys: dict[int, str] = {}
    akeys: dict[int, str] = {}
    for i, f in enumerate(files, offset):
        m = meta[i]
        if f.data is not None:
            read[i] = f.data
        elif st is not None or send_data:
            # Within ingest's limits (size, regular files only); an unreadable file is left to
            # the worker's read_document, which turns it into a located warning.
            with contextlib.suppress(FactcheckError):
                read[i] = read_article_bytes(f.path)
        if st is not None and i in read:
            sha = hashlib.sha256(read[i]).hexdigest()
            ekeys[i] = store.extraction_key(ids[i], sha, m.published, m.as_of)
            akeys[i] = store.analysis_key(ekeys[i], rules.sha256, document_path(f), m.outlet, m.url)
    hits = st.analysed(akeys.values()) if st is not None else {}
    mention_hits = (
        st.extracted(ekeys[i] for i in akeys if akeys[i] not in hits) if st is not None else {}
    )
    for i, f in enumerate(files, offset):
        blob = hits.get(akeys.get(i, ""))
        if blob is not None and not keep_mentions:
            results[i] = _from_store(i, f, read[i], blob, keep_texts)
            continue
        tasks.append(
            Task(
                index=i,
                path=document_path(f),
                meta=meta[i],
                rules_sha256=rules.sha256,
                source_id=ids[i],
                format=f.format,
                data=read.get(i) if send_data or f.data is not None else None,
                mentions=mention_hits.get(ekeys.get(i, "")) if not keep_mentions else None,
                keep_text=keep_texts,
                keep_mentions=keep_mentions,
                want_blobs=st is not None,
            )
        )
    for o in runner.run(tasks) if tasks else []:
        results[o.index] = o
    if st is not None:
        st.put(
            [o.extracted_row for o in results.values() if o.extracted_row is not None],
            [o.analysed_row for o in results.values() if o.analysed_row is not None],
        )
    for i in sorted(results):
        o = results[i]
        if o.analysed is None:
            corpus.warnings.append(o.warning or f"skipped {files[i - offset].path}")
            corpus.skipped.append(document_path(files[i - offset]))
            continue
        corpus.analysed.append(o.analysed)
        corpus.warnings.extend(o.analysed.source.warnings)
        if o.text is not None:
            corpus.texts[o.analysed.source.id] = o.text
        if o.analysed_row is None and o.extracted_row is None and st is not None and not o.rebound:
            corpus.cached += 1
        elif o.rebound:
            corpus.rebound += 1
        else:
            corpus.fresh += 1


def _from_store(i: int, f: Document, data: bytes, blob: bytes, keep_text: bool) -> Outcome:
    stored = store.decode_analysis(blob)
    a = Analysed(stored.source, (), stored.claims, stored.unbound)
    text = document_text(f.format, document_path(f), data) if keep_text else None
    return Outcome(i, analysed=a, text=text)


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

    def key(f: Finding) -> tuple[object, ...]:
        first = min([pos[i] for i in f.claims if i in pos], default=("", 0, 0))
        return (*first, f.rule, f.status, f.claims)

    return sorted(findings, key=key)


def build_report(corpus: Corpus, rules: RuleSet) -> Report:
    with gc_paused():
        analysed = sorted(corpus.analysed, key=lambda a: a.source.id)
        claims = sorted((c for a in analysed for c in a.claims), key=lambda c: c.sort_key)
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
