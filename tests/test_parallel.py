"""Parallel runs give byte-identical reports; the progress bar shows only to a person."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from factcheck.engine import GatheredClaims, analyse_paths, build_report
from factcheck.models import Finding
from factcheck.progress import Progress, wanted
from factcheck.report import json as json_report
from factcheck.rules import RuleSet, load_rules
from tests.test_corpus_generator import corpus_module

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    corpus_module().generate(folder, 80, seed=5, plant_rate=0.1)
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")  # a warning, in the same place
    return folder


def report_json(paths: list[Path], **kw: object) -> str:
    rules = load_rules([ROOT / "rules"])
    corpus = analyse_paths(paths, rules, **kw)  # type: ignore[arg-type]
    return json_report.render(build_report(corpus, rules))


def test_two_jobs_give_the_same_report_as_one(small_corpus: Path) -> None:
    one = report_json([small_corpus, ROOT / "seeds"], jobs=1)
    two = report_json([small_corpus, ROOT / "seeds"], jobs=2, window=24)
    assert '"warnings": [\n    "skipped' in one
    assert one == two


def test_texts_are_optional(small_corpus: Path) -> None:
    rules = load_rules([ROOT / "rules"])
    kept = analyse_paths([small_corpus], rules, keep_texts=True)
    dropped = analyse_paths([small_corpus], rules, keep_texts=False)
    assert len(kept.texts) == 80 and dropped.texts == {}
    assert all(a.mentions == () for a in dropped.analysed)
    with_mentions = analyse_paths([small_corpus], rules, keep_mentions=True)
    assert sum(len(a.mentions) for a in with_mentions.analysed) > 0
    assert json_report.render(build_report(kept, rules)) == json_report.render(
        build_report(dropped, rules)
    )


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert wanted(stream=FakeTty())
    assert not wanted(stream=io.StringIO())
    assert not wanted(quiet=True, stream=FakeTty())
    monkeypatch.setenv("CI", "true")
    assert not wanted(stream=FakeTty())


def test_progress_draws_and_ends_its_line() -> None:
    out = FakeTty()
    with Progress(10, "analysing", stream=out, delay=0) as bar:
        for _ in range(10):
            bar.advance()
    assert "analysing [" in out.getvalue() and "10/10" in out.getvalue()
    assert out.getvalue().endswith("\n")
    silent = FakeTty()
    with Progress(10, "analysing", stream=silent, enabled=False) as bar:
        bar.advance(10)
    assert silent.getvalue() == ""


def checked_and_grouped(
    small_corpus: Path,
) -> tuple[RuleSet, list[Finding], GatheredClaims, dict[str, dt.date | None]]:
    """The rules, the findings of one check over all claims of the small corpus and the
    seeds, their claims by group as the workers send them, and the sources' dates."""
    from factcheck import engine, worker

    rules = load_rules([ROOT / "rules"])
    corpus = analyse_paths([small_corpus, ROOT / "seeds"], rules)
    claims = [c for a in corpus.analysed for c in a.claims]
    published = {a.source.id: a.source.published for a in corpus.analysed}
    grouped: GatheredClaims = {}
    for a in corpus.analysed:
        for key, blob in worker.claim_groups(a.claims):
            grouped.setdefault(key, []).append((blob, a.source.id))
    return rules, engine.check(claims, rules, published), grouped, published


def test_checks_group_by_group_give_the_findings_of_one_check(small_corpus: Path) -> None:
    """Every check cut by subject (checks.groups), run part by part in any order and merged,
    gives what one check over all claims gives, in the same order."""
    from factcheck import engine, worker

    rules, whole, grouped, published = checked_and_grouped(small_corpus)
    calls = engine._check_calls(rules, grouped, worker.ordinals(published), 7)
    assert len(calls) == 7
    results = [worker.check_parts(*call, rules) for call in reversed(calls)]
    merged = engine.merge_findings(results)
    assert merged == whole and len(whole) > 20
    assert {f.kind for f in whole} >= {"agreement", "subperiod_bound", "known_fact"}


def test_parts_of_checks_within_one_source_cut_by_source_give_the_same_findings(
    small_corpus: Path,
) -> None:
    """A large part of a check that compares claims within their own source only (growth
    without `across_sources`, range, known_fact, calendar) is cut into parts of whole sources;
    run part by part and merged, they give what one check over all claims gives.  Checks that
    compare sources with each other (agreement, subperiod_bound) are never cut so."""
    from factcheck import engine, worker
    from factcheck.checks import groups

    rules, whole, grouped, published = checked_and_grouped(small_corpus)
    ps = groups.parts(rules.checks, rules.facts, grouped, lambda c: c[1], 2)
    whole_parts = groups.parts(rules.checks, rules.facts, grouped)
    # Each part cut from a (check, subject) part holds whole sources of it, and none twice.
    of = {(i, id(item)): k for k, (i, items) in enumerate(whole_parts) for item in items}
    pieces: dict[int, list[set[str]]] = {}
    for i, items in ps:
        [k] = {of[i, id(item)] for item in items}
        pieces.setdefault(k, []).append({sid for _, sid in items})
    cut = {rules.checks[whole_parts[k][0]].kind for k, p in pieces.items() if len(p) > 1}
    assert "growth" in cut and cut <= {"growth", "range", "known_fact", "calendar"}
    for k, p in pieces.items():
        assert sum(len(sids) for sids in p) == len({sid for _, sid in whole_parts[k][1]})
    ordinal = worker.ordinals(published)
    results = [
        worker.check_parts(
            [(i, tuple(blob for blob, _ in items))],
            {sid: ordinal.get(sid, 0) for _, sid in items},
            False,
            None,
            rules,
        )
        for i, items in reversed(ps)
    ]
    assert engine.merge_findings(results) == whole
    assert {f.kind for f in whole} >= {"growth", "agreement", "known_fact"}


def test_parallel_runs_with_a_store_give_the_same_report(
    small_corpus: Path, tmp_path: Path
) -> None:
    """Workers look the store up and write it themselves; cold and warm runs agree."""
    one = report_json([small_corpus, ROOT / "seeds"], jobs=1)
    db = tmp_path / "claims.db"
    rules = load_rules([ROOT / "rules"])
    cold = analyse_paths([small_corpus, ROOT / "seeds"], rules, jobs=2, store_path=db, window=40)
    assert cold.fresh == 85 and cold.findings is not None
    warm = analyse_paths([small_corpus, ROOT / "seeds"], rules, jobs=2, store_path=db)
    assert warm.cached == 85
    for corpus in (cold, warm):
        assert json_report.render(build_report(corpus, rules)) == one


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_json_only_run_writes_the_same_report(
    small_corpus: Path, tmp_path: Path, jobs: int
) -> None:
    """Workers render their records and run the checks; the parent joins what they rendered,
    read back from where it put it aside: the same bytes as the report of the records."""
    from factcheck import engine
    from factcheck.report.common import summarize

    rules = load_rules([ROOT / "rules"])
    paths = [small_corpus, ROOT / "seeds"]
    full = build_report(analyse_paths(paths, rules), rules)
    want = json_report.render(full)
    db = tmp_path / "claims.db"
    for store_path in (None, db, db):  # no store, a cold one, a warm one
        corpus = analyse_paths(
            paths, rules, jobs=jobs, json_only=True, store_path=store_path, window=24
        )
        try:
            assert corpus.analysed == [] and corpus.articles == 85
            assert json_report.joined(engine.json_pieces(corpus, rules)) == want
            assert engine.json_summary(corpus) == summarize(full)
            with pytest.raises(ValueError, match="json_pieces"):
                build_report(corpus, rules)
        finally:
            corpus.close()
    assert corpus.cached == 85


def test_report_format_json_alone_writes_the_committed_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`factcheck report --format json` takes the path where the parent keeps no records."""
    from factcheck.cli import main

    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    args = ["report", "seeds", "--rules", "rules", "--format", "json", "--no-store"]
    assert main([*args, "--out", str(out)]) == 0
    committed = (ROOT / "reports" / "consistency.json").read_bytes()
    assert (out / "consistency.json").read_bytes() == committed


def outcomes_arriving(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every document's outcome as it arrives in the process that started the run."""
    from factcheck import engine

    arrived: list[object] = []
    collect = engine._collect

    def spying(outcomes: list[engine.Outcome], *args: object, **kw: object) -> None:
        arrived.extend(outcomes)
        collect(outcomes, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_collect", spying)
    return arrived


@pytest.mark.parametrize("mode", ["json_only", "spill", "records"])
def test_workers_put_their_results_aside_and_the_folder_goes_with_the_run(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """Workers write their JSON items and claim encodings to files of their own and send back
    where they are; the run's folder lasts as long as the report needs it, and no longer."""
    import tempfile

    from factcheck import engine, worker

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # Nothing this process read of the sources files before, which forked workers would inherit.
    monkeypatch.setattr(worker, "_SOURCES_FILES", {})
    sent_back = outcomes_arriving(monkeypatch)
    rules = load_rules([ROOT / "rules"])
    json_only, spill = mode == "json_only", mode == "spill"
    corpus = analyse_paths(
        [small_corpus], rules, jobs=2, json_only=json_only, spill=spill, window=24
    )
    try:
        done = [o for o in sent_back if isinstance(o, worker.Outcome) and o.analysed is not None]
        batches = [c for c in sent_back if isinstance(c, worker.Columns)]
        if json_only or spill:
            # Put aside, a batch comes back by column: where each document's items, text and
            # claim groups are, and nothing else of them.
            assert not done and len(batches) >= 4
            assert sum(len(c.positions) - len(c.skipped) for c in batches) == 80
            assert sum(len(c.groups) // 4 for c in batches) > 80
            assert all(len(c.json) == 6 * len(c.positions) for c in batches)
        else:
            assert len(done) == 80
            # Only where the claims are comes back, never their bytes.
            assert all(not isinstance(e, bytes) for o in done for _, e in o.groups)
            assert sum(len(o.groups) for o in done) > 80
        if spill:  # the texts the HTML report may show stay there too
            assert all(min(c.texts[::2]) >= 0 for c in batches)
            assert corpus.text_spill is not None and len(corpus.text_spill) == 80
            assert "Kazakhstan" in "".join(corpus.text_spill[k] for k in corpus.text_spill)
        if json_only:
            # The findings' items too: the parent keeps what orders and counts them.
            assert corpus.json_findings
            assert all(not isinstance(text, str) for _, _, text in corpus.json_findings)
            assert [p.name[:14] for p in tmp_path.iterdir()] == ["factcheck-run-"]
            # What each sources.yaml said, left by the first worker to read it for the other.
            [run] = tmp_path.iterdir()
            assert any(p.name.startswith("sources-") for p in run.iterdir())
            assert json_report.joined(engine.json_pieces(corpus, rules)).count('"id":') > 80
        elif not spill:
            assert list(tmp_path.iterdir()) == []  # the checks are done: nothing is kept
    finally:
        corpus.close()
    assert list(tmp_path.iterdir()) == []


def test_chunks_are_large_while_much_is_left_and_small_at_the_end() -> None:
    """Each chunk costs the parent a message each way, so most are large; the last ones are
    small, so that no worker is left with a long chunk while the others wait."""
    from factcheck.engine import MAX_CHUNK, MIN_CHUNK, guided

    docs, jobs, step = 10_000, 16, 2048
    sizes: list[list[int]] = []
    for lo in range(0, docs, step):
        window = list(range(lo, min(lo + step, docs)))
        chunks = guided(window, jobs, docs - lo)
        assert [d for c in chunks for d in c] == window  # all of them, in order
        sizes.append([len(c) for c in chunks])
    assert set(sizes[0]) == {MAX_CHUNK}
    assert max(sizes[-1]) < MAX_CHUNK and min(sizes[-1]) >= MIN_CHUNK // 2
    assert sum(len(s) for s in sizes) < docs / 40  # a few hundred messages, not thousands
    # Two workers over a small archive: still several chunks each.
    assert len(guided(list(range(100)), 2, 100)) >= 8


def test_a_clusters_tasks_are_larger_and_shrink_toward_the_end_too(tmp_path: Path) -> None:
    """A dask task costs more than a pool's chunk, so a cluster's are larger (`cluster.BATCH`),
    and they too shrink toward the end of the run, counted from each window's first
    document's place in it."""
    from factcheck.cluster import BATCH, MIN_BATCH
    from factcheck.engine import MAX_CHUNK, chunked
    from factcheck.ingest import Document
    from factcheck.worker import Task

    docs, jobs = 10_000, 2
    tasks = [Task(i, Document(tmp_path / f"{i}.txt", "text", str(i)), str(i)) for i in range(docs)]
    window = max(256, 2 * BATCH * jobs)
    sizes = []
    for lo in range(0, docs, window):
        chunks = chunked(tasks[lo : lo + window], jobs, docs, BATCH, MIN_BATCH)
        assert [t for c in chunks for t in c] == tasks[lo : lo + window]
        sizes.append([len(c) for c in chunks])
    assert set(sizes[0]) == {BATCH} and BATCH > MAX_CHUNK
    assert max(sizes[-1]) < BATCH and min(sizes[-1]) >= MIN_BATCH // 2
    assert sum(len(s) for s in sizes) < docs / 150  # tens of tasks, not hundreds
    # The same window early in a longer run is cut in larger chunks than at its end.
    assert len(chunked(tasks[-window:], jobs, docs, BATCH, MIN_BATCH)) > len(
        chunked(tasks[-window:], jobs, 10 * docs, BATCH, MIN_BATCH)
    )


def test_a_batch_comes_back_by_column_only_when_all_of_it_was_put_aside() -> None:
    """By column: a row a document, where its items and claim groups are in the one file the
    batch wrote, and why a document was not read.  Anything else keeps the batch as it is."""
    import datetime as dt

    from factcheck import wire, worker
    from factcheck.models import SourceInfo

    src = SourceInfo(
        id="a",
        path="a.txt",
        encoding="utf-8",
        sha256="0" * 64,
        published=dt.date(2023, 5, 2),
        warnings=("a.txt:1:1: no date",),
    )
    key = ("trade_turnover", ("Kazakhstan", "Russia"))
    put = worker.Outcome(
        3,
        (wire.pack(src), (), ()),
        json_at=("/run/w-1", 0, 10, 20, 2, 0, 0),
        groups=((key, ("/run/w-1", 30, 40)),),
    )
    not_read = worker.Outcome(4, warning="skipped b.txt: cannot read")
    c = worker.columns([put, not_read])
    assert isinstance(c, worker.Columns)
    assert (c.positions, c.sids, c.skipped, c.path) == (
        [3, 4],
        ["a", ""],
        {1: not_read.warning},
        "/run/w-1",
    )
    assert c.published == [dt.date(2023, 5, 2).toordinal(), 0]
    assert c.warnings == {0: ("a.txt:1:1: no date",)}
    assert list(c.json) == [0, 10, 20, 2, 0, 0] + [0] * 6
    assert (c.keys, list(c.groups)) == ([key], [0, 0, 30, 40])
    # Items that came back as they are, claims in another file, store rows to write: as is.
    for other in (
        put._replace(json_at=None),
        put._replace(groups=((key, ("/run/w-2", 30, 40)),)),
        put._replace(analysed_row=("k", b"row")),
    ):
        assert worker.columns([other, not_read]) == [other, not_read]


def test_workers_collect_garbage_though_their_parent_paused_collection(
    small_corpus: Path,
) -> None:
    """The parent of a parallel run hands out work with the collector off; its forked workers
    must not inherit that, or an archive's reference cycles would pile up in them."""
    import gc

    from factcheck import engine

    rules = load_rules([ROOT / "rules"])
    with engine.gc_paused():
        runner = engine.ProcessRunner(rules, 2)
        try:
            assert not gc.isenabled()
            assert [runner.send(gc.isenabled, ()).result() for _ in range(4)] == [True] * 4
        finally:
            runner.close()
    assert gc.isenabled()
    analyse_paths([small_corpus], rules, jobs=2, json_only=True).close()
    assert gc.isenabled()  # the parent's is back on after a run


@pytest.mark.parametrize("json_only", [True, False])
def test_progress_counts_documents_however_they_come_back(
    small_corpus: Path, monkeypatch: pytest.MonkeyPatch, json_only: bool
) -> None:
    """A batch that comes back by column is one item of its window's outcomes; the bar still
    advances by the window's documents."""
    from factcheck import engine

    bars: list[Progress] = []

    class Kept(Progress):
        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            bars.append(self)

    monkeypatch.setattr(engine, "Progress", Kept)
    rules = load_rules([ROOT / "rules"])
    analyse_paths([small_corpus], rules, jobs=2, json_only=json_only, window=24).close()
    [bar] = bars
    assert bar.total > 0 and bar.done == bar.total
