"""The per-document stage on a dask cluster gives the report a local run gives."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

import pytest

from factcheck.engine import analyse_paths, build_report, json_pieces
from factcheck.errors import FactcheckError
from factcheck.report import json as json_report
from factcheck.rules import load_rules
from tests.test_corpus_generator import corpus_module
from tests.test_parallel import outcomes_arriving

ROOT = Path(__file__).resolve().parent.parent

needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="dask.distributed is not installed: pip install 'factcheck[dask]'",
)


def in_process_cluster() -> Any:
    """A LocalCluster of one worker with two threads, in this process: what the tests run the
    dask engine on (its address is `.scheduler_address`)."""
    import distributed

    return distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    )


@needs_dask
def test_local_cluster_gives_the_local_report(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    corpus_module().generate(folder, 40, seed=8, plant_rate=0.1)
    rules = load_rules([ROOT / "rules"])
    local = json_report.render(build_report(analyse_paths([folder], rules), rules))
    db = tmp_path / "claims.db"
    with in_process_cluster() as cluster:
        corpus = analyse_paths(
            [folder], rules, engine="dask", scheduler=cluster.scheduler_address, store_path=db
        )
    assert corpus.fresh == 40
    assert json_report.render(build_report(corpus, rules)) == local
    # What the cluster wrote to the store, a plain local run reads back.
    again = analyse_paths([folder], rules, store_path=db)
    assert again.cached == 40
    assert json_report.render(build_report(again, rules)) == local


def test_dask_engine_needs_a_scheduler() -> None:
    rules = load_rules([ROOT / "rules"])
    with pytest.raises(FactcheckError, match="scheduler"):
        analyse_paths([ROOT / "seeds"], rules, engine="dask")


@needs_dask
def test_a_clusters_windows_keep_each_worker_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window holds two of the largest tasks a worker (its size does not follow the
    `--jobs` of this machine), and, where this machine reads the articles and sends their
    bytes, no more than `WINDOW_READ_HERE` of them: two windows are held here at once."""
    from factcheck import cluster as cluster_module
    from factcheck.cluster import BATCH, DaskRunner

    rules = load_rules([ROOT / "rules"])
    monkeypatch.setattr(cluster_module, "WINDOW_READ_HERE", 300)
    with in_process_cluster() as cluster:
        for shared, want in ((True, 2 * BATCH * 2), (False, 300)):
            runner = DaskRunner(cluster.scheduler_address, rules, shared=shared, total=10_000)
            try:
                assert runner.jobs == 2 and runner.window == want
            finally:
                runner.close()


def only_workers_call(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
    """Fail when this thread calls `module.name`: a LocalCluster of threads runs its workers in
    this process, so a read from this thread is the client's."""
    client_thread = threading.get_ident()
    real = getattr(module, name)

    def guarded(*args: object) -> object:
        assert threading.get_ident() != client_thread, f"the client called {name}{args}"
        return real(*args)

    monkeypatch.setattr(module, name, guarded)


@needs_dask
def test_workers_on_shared_storage_read_the_archive_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With shared storage only paths go out: this process reads no article, the workers read
    the files and their sources.yaml, and run the checks group by group; same report."""

    from factcheck import worker

    folder = tmp_path / "corpus"
    corpus_module().generate(folder, 48, seed=9, plant_rate=0.2)
    rules = load_rules([ROOT / "rules"])
    local = json_report.render(build_report(analyse_paths([folder], rules), rules))
    assert '"published": "20' in local  # from the sources.yaml beside each month's articles
    db = tmp_path / "claims.db"
    with in_process_cluster() as cluster:
        only_workers_call(monkeypatch, worker, "read_article_bytes")
        corpus = analyse_paths(
            [folder],
            rules,
            engine="dask",
            scheduler=cluster.scheduler_address,
            store_path=db,
            shared_storage=True,
        )
    monkeypatch.undo()
    assert corpus.findings is not None  # checked on the cluster
    assert json_report.render(build_report(corpus, rules)) == local
    again = analyse_paths([folder], rules, store_path=db)
    assert again.cached == 48
    assert json_report.render(build_report(again, rules)) == local


@needs_dask
def test_cluster_reads_an_archive_at_an_fsspec_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive at a URL (fsspec's in-memory filesystem here, s3:// or gs:// in use) is listed
    by the client and read by the workers, sources.yaml included: the client reads no article,
    and the report is the one a single process gives over the same URL; its claims and findings
    are those of the same files read from a local folder."""
    import fsspec

    from factcheck.ingest import remote

    folder = tmp_path / "corpus"
    corpus_module().generate(folder, 40, seed=11, plant_rate=0.2)
    (folder / "dump.jsonl").write_text('{"id": "r1", "text": "x"}\n', encoding="utf-8")
    fs = fsspec.filesystem("memory")
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            fs.pipe(f"/archive/{f.relative_to(folder).as_posix()}", f.read_bytes())
    rules = load_rules([ROOT / "rules"])
    url = "memory://archive"
    try:
        one = build_report(analyse_paths([url], rules), rules)
        from_disk = build_report(analyse_paths([folder], rules), rules)
        assert one.claims == from_disk.claims and one.findings == from_disk.findings
        assert one.sources[0].path.startswith("memory://archive/")
        assert any("dump at a URL" in w for w in one.warnings)
        with in_process_cluster() as cluster:
            only_workers_call(monkeypatch, remote, "read_bytes")
            corpus = analyse_paths([url], rules, engine="dask", scheduler=cluster.scheduler_address)
            # The JSON report alone: records rendered and checked on the cluster, none here.
            lean = analyse_paths(
                [url], rules, engine="dask", scheduler=cluster.scheduler_address, json_only=True
            )
        monkeypatch.undo()
        assert json_report.render(build_report(corpus, rules)) == json_report.render(one)
        assert json_report.joined(json_pieces(lean, rules)) == json_report.render(one)
        lean.close()
    finally:
        fs.rm("/archive", recursive=True)


@needs_dask
@pytest.mark.parametrize("where", ["folder", "url"])
def test_with_a_scratch_folder_no_claim_passes_through_the_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """With `--scratch` (a folder the workers and the client share, or an fsspec URL) the
    workers put their JSON items and claims there and send back where they are: the client
    receives no claim, the checks' workers read them there, the report is the same bytes, and
    the run's folder is gone afterwards."""
    import fsspec

    from factcheck import engine

    folder = tmp_path / "corpus"
    corpus_module().generate(folder, 40, seed=12, plant_rate=0.2)
    rules = load_rules([ROOT / "rules"])
    want = json_report.render(build_report(analyse_paths([folder], rules), rules))
    if where == "folder":
        shared = tmp_path / "scratch"
        shared.mkdir()
        at, listing = str(shared), lambda: sorted(p.name for p in shared.iterdir())
    else:
        fs = fsspec.filesystem("memory")
        fs.makedirs("/scratch", exist_ok=True)
        at, listing = "memory://scratch", lambda: sorted(fs.ls("/scratch", detail=False))
    arrived = outcomes_arriving(monkeypatch)
    import distributed

    from factcheck.cluster import Sealed

    # What comes back to the client: the checks' findings sealed for the JSON report, packed
    # models otherwise.
    gathered: list[object] = []
    gather = distributed.Client.gather

    def spying(self: Any, futures: Any, *args: Any, **kw: Any) -> Any:
        got = gather(self, futures, *args, **kw)
        gathered.extend(got)
        return got

    monkeypatch.setattr(distributed.Client, "gather", spying)
    with in_process_cluster() as cluster:
        lean = analyse_paths(
            [folder],
            rules,
            engine="dask",
            scheduler=cluster.scheduler_address,
            shared_storage=True,
            json_only=True,
            scratch_at=at,
        )
        lean_sent, gathered[:] = list(gathered), []
        try:
            assert len(listing()) == 1  # the run's own folder, until the report is written
            assert json_report.joined(json_pieces(lean, rules)) == want
        finally:
            lean.close()
        records = analyse_paths(
            [folder],
            rules,
            engine="dask",
            scheduler=cluster.scheduler_address,
            shared_storage=True,
            scratch_at=at,
        )
    assert json_report.render(build_report(records, rules)) == want
    assert any(isinstance(r, Sealed) for r in lean_sent)
    assert gathered and not any(isinstance(r, Sealed) for r in gathered)
    # The JSON report's run: each batch comes back by column, where its documents' items and
    # claims are; the other: each document, where its claims are.
    batches = [c for c in arrived if isinstance(c, engine.Columns)]
    assert sum(len(c.positions) for c in batches) == 40 and all(c.groups for c in batches)
    done = [o for o in arrived if isinstance(o, engine.Outcome) and o.analysed is not None]
    assert len(done) == 40
    assert all(not isinstance(e, bytes) for o in done for _, e in o.groups)
    assert all(o.json is None for o in done)
    assert listing() == []


def test_a_scratch_reader_reads_nothing_outside_the_runs_folder(tmp_path: Path) -> None:
    from factcheck import scratch

    run = scratch.Scratch(str(tmp_path))
    path, offset = scratch.append(run.path, b"claims")
    secret = tmp_path / "secret"
    secret.write_bytes(b"not for you")
    try:
        with scratch.Reader(run.path) as reader:
            assert reader.read(path, offset, 6) == b"claims"
            for elsewhere in (str(secret), f"{run.path}/../secret", f"{run.path}x/../secret"):
                with pytest.raises(ValueError, match="not in the run's scratch folder"):
                    reader.read(elsewhere, 0, 4)
    finally:
        scratch.close()
        run.close()
    assert [p.name for p in tmp_path.iterdir()] == ["secret"]


def test_scratch_is_for_the_dask_engine(tmp_path: Path) -> None:
    from factcheck.cli import main

    code = main(
        [
            "report",
            str(ROOT / "seeds"),
            "--rules",
            str(ROOT / "rules"),
            "--no-store",
            "--out",
            str(tmp_path / "out"),
            "--scratch",
            str(tmp_path),
        ]
    )
    assert code == 2


def test_a_cluster_task_carries_its_arguments_sealed(tmp_path: Path) -> None:
    """A window's documents and a call of checks cross dask as one bytes object, plain data
    in msgpack: dask neither walks their lists looking for futures nor unpickles them on the
    scheduler; the worker opens them as they were."""
    import datetime as dt

    from dask._task_spec import parse_input

    from factcheck.cluster import Sealed, _task, _untask, seal_batch, seal_call
    from factcheck.ingest import Document, SourceMeta
    from factcheck.worker import Job, Task

    located = ("/run/w-1", 0, 10)
    parts = [(0, (located, b"[]")), (2, (located,))]
    sealed = seal_call((parts, {"a": 738000, "b": 0}, True, "/run"))
    assert [type(v) for v in vars(sealed).values()] == [bytes]
    assert parse_input(sealed) is sealed
    assert sealed.opened() == (tuple(parts), {"a": 738000, "b": 0}, True, "/run")
    meta = SourceMeta("Kazinform", "https://kz.example/a", dt.date(2023, 5, 2), None, "T", "page")
    tasks = [
        Task(0, Document(tmp_path / "a.txt", "text", "a"), "a"),
        Task(7, Document(tmp_path / "w.jsonl", "jsonl", "r1", b"{}", meta, 3), "w/r1", meta, b"x"),
        Task(8, Document(Path("b/b.html"), "html", "b", url="memory://b/b.html"), "b", None),
    ]
    assert [_untask(_task(t)) for t in tasks] == tasks
    job = Job("0" * 64, run="r", keep_text=True, spill="/run", json=True)
    opened_job, opened = seal_batch(tasks, job).opened()
    assert Job(*opened_job) == job and [_untask(t) for t in opened] == tasks
    assert isinstance(seal_batch(tasks, job), Sealed)


def test_a_scratch_reader_reads_pieces_that_follow_each_other_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck import scratch

    run = scratch.Scratch(str(tmp_path))
    try:
        path, offset = scratch.append(run.path, b"onetwothree")
        other, at = scratch.append(run.path, b"four")
        assert other == path and at == offset + 11
        wanted = [(path, offset, 3), (path, offset + 3, 3), (path, offset + 6, 5), (path, at, 4)]
        wanted += [(path, offset + 3, 3), (path, offset, 3)]  # back again: a read of its own
        with scratch.Reader(run.path) as reader:
            reads: list[tuple[int, int]] = []
            read = reader.read
            monkeypatch.setattr(
                reader, "read", lambda p, o, n: reads.append((o - offset, n)) or read(p, o, n)
            )
            got = list(reader.pieces(wanted))
        assert got == [b"one", b"two", b"three", b"four", b"two", b"one"]
        assert reads == [(0, 15), (3, 3), (0, 3)]
        monkeypatch.setattr(scratch, "RUN_BYTES", 6)  # a run is cut where it would grow past it
        with scratch.Reader(run.path) as reader:
            assert list(reader.pieces(wanted[:4])) == [b"one", b"two", b"three", b"four"]
    finally:
        scratch.close()
        run.close()
