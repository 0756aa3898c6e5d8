"""The per-document stage as it runs in a worker process, a cluster's worker, or here.

A worker gets a batch of `Task`s (documents, as paths or bytes) and the run's `Job`; it reads
each document, its sources.yaml and the claim store itself (`run_chunk`), and sends back
`Outcome`s as plain tuples (`factcheck.wire`), or already rendered as the JSON report's items
(`json_parts`), with the claims encoded by metric and subject for the checks, which run in a
worker too, a group of claims at a time (`check_parts`, cut by `checks.groups`).  The engine
decides what goes where and merges what comes back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import os
import tempfile
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import TypeAdapter

from factcheck import scratch, store, wire
from factcheck.bind.binder import Binder
from factcheck.checks import groups
from factcheck.errors import FactcheckError
from factcheck.extract import extract, truncation_note
from factcheck.extract.dateline import date_warnings
from factcheck.ingest import (
    Document,
    SourceMeta,
    document_path,
    document_text,
    documents_meta,
    read_article_bytes,
    read_document,
    read_sources_file,
    remote,
)
from factcheck.models import Claim, Finding, Mention, Source, SourceInfo, Unbound
from factcheck.report import json as json_report
from factcheck.rules import RuleSet


@dataclass(frozen=True)
class Analysed:
    """One document through ingest, extract and bind."""

    source: SourceInfo
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    unbound: tuple[Unbound, ...]


def source_info(s: Source, mentions: Sequence[Mention] = ()) -> SourceInfo:
    """What the report says about a source, with the warnings about its date (see
    factcheck.extract.dateline), which need its mentions."""
    warnings = [*s.date_warnings, *date_warnings(s.published, s.published_from, s.text, mentions)]
    capped = truncation_note(s, mentions)  # the article held more figures than are analysed
    return SourceInfo(
        id=s.id,
        path=s.path,
        encoding=s.encoding,
        sha256=s.sha256,
        outlet=s.outlet,
        title=s.title,
        url=s.url,
        published=s.published,
        as_of=s.as_of,
        published_from=s.published_from,
        warnings=tuple(f"{s.path}:{w}" for w in warnings) + ((capped,) if capped else ()),
    )


def analyse_source(source: Source, binder: Binder) -> Analysed:
    mentions = extract(source)
    claims, unbound = binder.bind(source, mentions)
    return Analysed(source_info(source, mentions), tuple(mentions), tuple(claims), tuple(unbound))


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
    # A folder on this machine where the worker puts the JSON items and claim encodings it
    # made, in a file of its own, and sends back only where they are (`put_aside`).
    spill: str | None = None
    # Whether the run's workers share what they read of each sources.yaml through `spill`
    # (more than one process reads a folder's articles).
    share_sources: bool = False


@dataclass(slots=True)
class Task:
    """One document to analyse, as sent to a worker process or a cluster.

    `meta` is None when the worker reads the document's sources.yaml itself (worker processes
    on this machine); `data` carries the file's bytes when the worker may not see the file;
    `mentions` the cached extraction when only the rules changed (found by the caller).
    (Not frozen: a run makes one per document, and a frozen dataclass's checked assignments
    took four times as long to make them.)
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
    json_at: JsonAt | None = None  # or where the worker put them (`Job.spill`)
    text_at: tuple[str, int, int] | None = None  # and its text, when kept (`Job.keep_text`)
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


def prepare(task: Task, job: Job, keyed: bool) -> _Doc:
    """The document's metadata (raising on a bad sources.yaml, which stops the run), its bytes
    (an unreadable file becomes a warning), and its store keys when a store is used."""
    shared = job.spill if job.share_sources else None
    meta = task.meta if task.meta is not None else _metadata(task.doc, job.run, shared)
    d = _Doc(task, meta)
    try:
        d.data = task.data if task.data is not None else read_bytes(task.doc)
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


def read_bytes(doc: Document) -> bytes:
    if doc.data is not None:
        return doc.data
    if doc.url is not None:
        return remote.read_bytes(doc.url)
    return read_article_bytes(doc.path)


# A worker remembers the sources files it has read: its batches come folder by folder.
_SOURCES_FILES: dict[Path, tuple[tuple[int, int], dict[str, SourceMeta]]] = {}


def _read_sources_file(path: Path, shared: str | None = None) -> dict[str, SourceMeta]:
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _SOURCES_FILES.get(path)
    if hit is None or hit[0] != stamp:
        entries = _shared_sources(path, stamp, shared) if shared else read_sources_file(path)
        hit = _SOURCES_FILES[path] = (stamp, entries)
    return hit[1]


def _shared_sources(path: Path, stamp: tuple[int, int], folder: str) -> dict[str, SourceMeta]:
    """A sources file as read by whichever worker of the run read it first, from the run's
    scratch folder on a disk: a folder's articles are spread over every worker, and parsing
    its sources.yaml (10,000 entries take about 2 s) in each of them would cost that many
    times over.  What is kept is what the file said, not a parse of it to trust blindly: the
    entry is keyed by the file's path, modification time and size, and any doubt about it
    (missing, unreadable, damaged) means reading the file itself."""
    if remote.is_url(folder):
        return read_sources_file(path)
    key = hashlib.sha256(f"{path.resolve()}\0{stamp[0]}\0{stamp[1]}".encode()).hexdigest()
    kept = Path(folder) / f"sources-{key[:32]}.json"
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        return {stem: SourceMeta.from_plain(v) for stem, v in json.loads(kept.read_bytes()).items()}
    entries = read_sources_file(path)  # a bad file raises, as always, and nothing is kept
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".sources-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({stem: m.plain() for stem, m in entries.items()}, f)
        os.replace(tmp, kept)  # whole or not at all, for a worker reading it at once
    return entries


# And, for archives at a URL, the sources files of this run (no cheap stamp tells a change).
_REMOTE_SOURCES: dict[tuple[str, str], dict[str, SourceMeta]] = {}


def _metadata(doc: Document, run: str, shared: str | None = None) -> SourceMeta:
    if doc.url is not None:
        folder = doc.url.rsplit("/", 1)[0]
        entries = _REMOTE_SOURCES.get((run, folder))
        if entries is None:
            if not any(r == run for r, _ in _REMOTE_SOURCES):
                _REMOTE_SOURCES.clear()
            entries = _REMOTE_SOURCES[(run, folder)] = remote.sources_beside(doc.url)
        entry = entries.get(doc.path.stem)
        return entry.over(doc.meta) if entry is not None else doc.meta
    [meta] = documents_meta([doc], lambda p: _read_sources_file(p, shared))
    return meta


def run_chunk(
    tasks: Sequence[Task], job: Job, binder: Binder, st: store.ClaimStore | None = None
) -> list[Outcome]:
    """Ingest, extract (unless cached) and bind a batch of documents: pure but for the store.

    With `st`, documents it already holds are served from it and the new rows are written in
    one transaction for the batch.
    """
    keyed = st is not None or job.want_rows
    docs = [prepare(t, job, keyed) for t in tasks]
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
        elif blob is not None and (served := _served(d, blob, job)) is not None:
            out.append(served)
        else:
            mentions = mention_hits.get(d.ekey, d.task.mentions)
            out.append(_analyse(d, job, binder, mentions))
    out = finish(out, job)
    if st is not None:
        st.put(
            [o.extracted_row for o in out if o.extracted_row is not None],
            [o.analysed_row for o in out if o.analysed_row is not None],
        )
        if not job.want_rows:
            out = [o._replace(extracted_row=None, analysed_row=None) for o in out]
    return out


def _served(d: _Doc, blob: bytes, job: Job) -> Outcome | None:
    """The stored analysis, or None when its row is damaged: then the document is analysed
    again and the row written over."""
    try:
        return from_store(d, blob, job)
    except store.DAMAGED:
        return None


def from_store(d: _Doc, blob: bytes, job: Job) -> Outcome:
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
    mentions = None
    if cached_mentions is not None and not job.keep_mentions:
        with contextlib.suppress(*store.DAMAGED):  # a damaged row is a miss
            mentions = store.decode_mentions(cached_mentions)
    if mentions is None:
        cached_mentions = None
        mentions = tuple(extract(source))
    claims, unbound = binder.bind(source, mentions)
    info = source_info(source, mentions)
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


def finish(outcomes: list[Outcome], job: Job) -> list[Outcome]:
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
    return put_aside(out, job.spill) if job.spill is not None else out


# A document's records as items of the JSON report's lists: its source's record, its claims'
# (in report order) joined by json_report.ITEM and how many, its unbound figures' and how many.
JsonParts = tuple[str, str, int, str, int]
# The same put aside in a file: its path, the offset, and the byte length of the source's item,
# the claims' (and how many), the unbound figures' (and how many), one after the other.
JsonAt = tuple[str, int, int, int, int, int, int]


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


def binder_for(rules: RuleSet) -> Binder:
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
# The run's documents and their source ids, given to a worker process when it starts (inherited,
# not pickled, where it is forked): batches then name them by their positions (`pool_range`).
_DOCUMENTS: list[tuple[Sequence[Document], Sequence[str]]] = []


def init_worker(
    rules: RuleSet,
    parent: int | None = None,
    documents: tuple[Sequence[Document], Sequence[str]] | None = None,
) -> None:
    # A forked worker inherits the parent's collector switched off while it hands out work
    # (`engine.analyse_paths`); the worker's own objects are collected as anywhere.
    gc.enable()
    binder_for(rules)
    _RULES[:] = [rules]
    _DOCUMENTS[:] = [documents] if documents is not None else []
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """End this worker when the process that started it is gone: a `--jobs N` run killed
    outright (SIGKILL, the OOM killer) left N workers waiting forever for work."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


PARENT_POLL_S = 0.5


# One document's claims of one metric and subject as JSON, encoded by the worker that made
# them: the parent passes them on to the checks as they are, bytes it neither decodes nor
# encodes again.  (JSON, as the claim store has them: the package unpickles nothing.)
GroupKey = tuple[str, tuple[str, ...]]
# Where a part's claims are: their encoding, or where it was put aside in a file on the machine
# that runs the checks (path, offset, length), so the process that asked need not hold it.
Encoded = bytes | tuple[str, int, int]
ClaimGroups = tuple[tuple[GroupKey, Encoded], ...]
# A call of checks: parts (a check's index and its claims' encodings), the publication dates of
# their claims' sources (as day ordinals, 0 for none: `ordinals`), whether the findings come
# back as the JSON report's items, and the run's scratch folder, where claims put aside are
# read from.
CheckCall = tuple[list[tuple[int, tuple[Encoded, ...]]], dict[str, int], bool, str | None]


def day(d: dt.date | None) -> int:
    """A publication date as it travels to the checks, a day ordinal (0 for none): a date
    object pickles at ten times an int's cost, and a call of checks names thousands of
    sources."""
    return d.toordinal() if d is not None else 0


def ordinals(published: Mapping[str, dt.date | None]) -> dict[str, int]:
    return {s: day(d) for s, d in published.items()}


def _dates(published: Mapping[str, int]) -> dict[str, dt.date | None]:
    return {s: dt.date.fromordinal(o) if o else None for s, o in published.items()}


# Findings with their sort keys: packed, or as (status, known_fact, JSON report item).
KeyedFindings = list[tuple[groups.FindingKey, wire.Packed]]


_CLAIMS = TypeAdapter(tuple[Claim, ...])


def claim_groups(claims: Sequence[Claim]) -> tuple[tuple[GroupKey, bytes], ...]:
    by: dict[GroupKey, list[Claim]] = {}
    for c in claims:
        by.setdefault((c.metric, c.subject), []).append(c)
    return tuple((k, _CLAIMS.dump_json(tuple(v))) for k, v in by.items())


# ---------------------------------------------------------------------- results put aside


def put_aside(outcomes: list[Outcome], folder: str) -> list[Outcome]:
    """The outcomes' JSON items, texts and claim encodings written to the run's scratch
    `folder` (`factcheck.scratch`), one write for the batch, and sent on as where they are:
    what crosses back to the process that asked is a few numbers a document."""
    blobs: list[bytes] = []
    # For each outcome, the numbers of its blobs: its JSON items' (with their sizes and
    # counts), its text's, and each claim group's (None: already where it is).
    plan: list[tuple[tuple[int, ...] | None, int | None, list[int | None]]] = []
    for o in outcomes:
        json_at: tuple[int, ...] | None = None
        text_at: int | None = None
        if o.json is not None:
            src_text, claims_text, n_claims, unbound_text, n_unbound = o.json
            src, claims, unbound = (x.encode() for x in (src_text, claims_text, unbound_text))
            json_at = (len(blobs), len(src), len(claims), n_claims, len(unbound), n_unbound)
            blobs.append(src + claims + unbound)
            if o.text is not None:  # for the HTML report, which reads the texts it shows
                text_at = len(blobs)
                blobs.append(o.text.encode("utf-8", "surrogatepass"))
        groups: list[int | None] = []
        for _, blob in o.groups:
            groups.append(len(blobs) if isinstance(blob, bytes) else None)
            if isinstance(blob, bytes):
                blobs.append(blob)
        plan.append((json_at, text_at, groups))
    if not blobs:
        return outcomes
    at = put_all(folder, blobs)
    out: list[Outcome] = []
    for o, (json_at, text_at, groups) in zip(outcomes, plan, strict=True):
        changes: dict[str, Any] = {
            "groups": tuple(
                (key, blob if i is None else at[i])
                for (key, blob), i in zip(o.groups, groups, strict=True)
            )
        }
        if json_at is not None:
            i, *sizes = json_at
            changes["json"] = None
            changes["json_at"] = (*at[i][:2], *sizes)
        if text_at is not None:
            changes["text"] = None
            changes["text_at"] = at[text_at]
        out.append(o._replace(**changes))
    return out


def put_all(folder: str, blobs: Sequence[bytes]) -> list[tuple[str, int, int]]:
    """`blobs` written to the run's scratch `folder` in one write: where each one is."""
    path, offset = scratch.append(folder, b"".join(blobs))
    out: list[tuple[str, int, int]] = []
    for b in blobs:
        out.append((path, offset, len(b)))
        offset += len(b)
    return out


# A source record's fields that the process writing a rendered report reads.
SOURCE_ID = wire.field_index(SourceInfo, "id")
SOURCE_PUBLISHED = wire.field_index(SourceInfo, "published")
SOURCE_WARNINGS = wire.field_index(SourceInfo, "warnings")


class Columns(NamedTuple):
    """A batch's outcomes put aside (`put_aside`), by column: what the process that asked
    reads of each document, in a few lists and arrays for the batch instead of some thirty
    objects a document, which cost it ten times as much to unpickle.

    Row r is the document at `positions[r]`; a document that was not read has its warning in
    `skipped` and zeros in the arrays.  Everything the batch put aside is in the file `path`.
    """

    positions: list[int]
    skipped: dict[int, str]  # row → why that document was not read
    sids: list[str]
    published: list[int]  # day ordinals, 0 for none
    warnings: dict[int, tuple[str, ...]]  # row → its source's warnings, for rows that have any
    origins: list[str]
    path: str
    # Per row, 6 numbers: the offset and sizes of its JSON items (`JsonAt` without the path).
    json: array[int]
    # Per row, the offset and length of its text, or -1 and 0 when none was kept.
    texts: array[int]
    keys: list[GroupKey]  # the batch's (metric, subject) pairs
    # Per claim group, 4 numbers: its row, its key's number in `keys`, its offset and length.
    groups: array[int]


# Outcomes as a runner gives them back: one by one, or a batch's by column.
Results = list[Outcome | Columns]


def gathered(batches: Iterable[Columns | list[Outcome]]) -> Results:
    """Batches' outcomes in one list, a batch by column as one item."""
    out: Results = []
    for b in batches:
        if isinstance(b, Columns):
            out.append(b)
        else:
            out.extend(b)
    return out


def columns(outcomes: list[Outcome]) -> Columns | list[Outcome]:
    """`outcomes` by column, when every one was put aside in one file (or was not read);
    otherwise as they are."""
    paths = {o.json_at[0] for o in outcomes if o.json_at is not None}
    if len(paths) != 1:
        return outcomes
    [path] = paths
    c = Columns([], {}, [], [], {}, [], path, array("q"), array("q"), [], array("q"))
    keys: dict[GroupKey, int] = {}
    for row, o in enumerate(outcomes):
        c.positions.append(o.position)
        c.origins.append(o.origin)
        if o.analysed is None:
            c.skipped[row] = o.warning or ""
            c.sids.append("")
            c.published.append(0)
            c.json.extend((0, 0, 0, 0, 0, 0))
            c.texts.extend((-1, 0))
            continue
        if (
            o.json_at is None
            or not isinstance(o.analysed, tuple)
            or o.extracted_row is not None
            or o.analysed_row is not None
            or o.mentions
            or (o.text_at is not None and o.text_at[0] != path)
        ):
            return outcomes
        src = o.analysed[0]
        c.sids.append(src[SOURCE_ID])
        c.published.append(day(src[SOURCE_PUBLISHED]))
        if src[SOURCE_WARNINGS]:
            c.warnings[row] = tuple(src[SOURCE_WARNINGS])
        c.json.extend(o.json_at[1:])
        c.texts.extend(o.text_at[1:] if o.text_at is not None else (-1, 0))
        for key, at in o.groups:
            if isinstance(at, bytes) or at[0] != path:
                return outcomes
            c.groups.extend((row, keys.setdefault(key, len(keys)), at[1], at[2]))
    c.keys.extend(keys)
    return c


def check_parts(
    parts: list[tuple[int, tuple[Encoded, ...]]],
    published: Mapping[str, int],
    as_json: bool,
    root: str | None,
    rules: RuleSet,
    timings: dict[str, float] | None = None,
) -> KeyedFindings:
    """Checks over their parts' claims, wherever they run: findings with their sort keys.
    Claims put aside are read from the run's scratch folder `root`, and only from there;
    `timings`, when given, receives each check's seconds."""
    keyed: list[tuple[groups.FindingKey, Finding]] = []
    dates = _dates(published)
    with contextlib.ExitStack() as stack:
        reader = stack.enter_context(scratch.Reader(root)) if root is not None else None

        def read(e: Encoded) -> bytes:
            if isinstance(e, bytes):
                return e
            if reader is None:
                raise ValueError("claims put aside, but no scratch folder to read them from")
            return reader.read(*e)

        decoded = _Decoded(parts, read)
        for i, encoded in parts:
            started = time.perf_counter()
            keyed += groups.run_part(
                rules.checks[i], decoded.claims(encoded), rules.metrics, rules.facts, dates
            )
            if timings is not None:
                rule = rules.checks[i].id
                timings[rule] = timings.get(rule, 0.0) + time.perf_counter() - started
    if not as_json:
        return [(key, wire.pack(f)) for key, f in keyed]
    texts = json_report.texts([f for _, f in keyed])
    # The findings' items too go to the scratch folder, for the report's writer to read back:
    # what comes back is what orders and counts them.
    items: Sequence[str | Encoded] = (
        put_all(root, [t.encode() for t in texts]) if root is not None and texts else texts
    )
    return [
        ((key, (f.status, f.known_fact, text))) for (key, f), text in zip(keyed, items, strict=True)
    ]


class _Decoded:
    """Claims decoded from their encodings, each kept from the first part that reads it to the
    last, then dropped: several checks read one metric's claims, and their parts come subject
    by subject (`checks.groups.parts`), so what is kept at once is about one subject's."""

    def __init__(
        self, parts: list[tuple[int, tuple[Encoded, ...]]], read: Callable[[Encoded], bytes]
    ) -> None:
        self.read = read
        self.left = Counter(e for _, encoded in parts for e in encoded)
        self.kept: dict[Encoded, tuple[Claim, ...]] = {}

    def claims(self, encoded: Sequence[Encoded]) -> list[Claim]:
        out: list[Claim] = []
        for e in encoded:
            got = self.kept.get(e)
            if got is None:
                got = _CLAIMS.validate_json(self.read(e))
            self.left[e] -= 1
            if self.left[e] > 0:
                self.kept[e] = got
            else:
                self.kept.pop(e, None)
            out.extend(got)
        return out


def pool_check(
    parts: list[tuple[int, tuple[Encoded, ...]]],
    published: dict[str, int],
    as_json: bool,
    root: str | None,
) -> KeyedFindings:
    return check_parts(parts, published, as_json, root, _RULES[0])


def pool_chunk(tasks: list[Task], job: Job) -> list[Outcome]:
    [binder] = _BINDERS.values()
    return run_chunk(tasks, job, binder, _store_for(job.store))


def pool_range(lo: int, hi: int, job: Job) -> Columns | list[Outcome]:
    """The run's documents `lo` to `hi`, as the worker inherited them (`init_worker`): what is
    sent for a batch is two numbers, and what comes back is by column when it was put aside."""
    [(docs, ids)] = _DOCUMENTS
    tasks = [Task(i, docs[i], ids[i]) for i in range(lo, hi)]
    return _as_sent(pool_chunk(tasks, job), job)


def run_batch(tasks: list[Task], job: Job, rules: RuleSet) -> Columns | list[Outcome]:
    """A batch on any worker that has the rules (a cluster's): the Binder is cached there."""
    return _as_sent(run_chunk(tasks, job, binder_for(rules), _store_for(job.store)), job)


def _as_sent(outcomes: list[Outcome], job: Job) -> Columns | list[Outcome]:
    """A batch's outcomes as they go back: by column when they were put aside as report
    items (`columns`), else one by one."""
    return columns(outcomes) if job.spill is not None and job.json else outcomes
