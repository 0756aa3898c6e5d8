"""The claim store: re-runs redo only what changed, and neither kills nor races corrupt it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from factcheck.engine import analyse_paths, build_report
from factcheck.report import json as json_report
from factcheck.rules import load_rules
from tests.test_corpus_generator import corpus_module

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = """Trade with Kazakhstan

Trade turnover between Kazakhstan and China in 2021 amounted to $18.4 billion.
"""


def render(paths: list[Path], rules_dir: Path, store: Path | None) -> tuple[str, tuple[int, ...]]:
    rules = load_rules([rules_dir])
    corpus = analyse_paths(paths, rules, store_path=store)
    counts = (corpus.cached, corpus.rebound, corpus.fresh)
    return json_report.render(build_report(corpus, rules)), counts


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    corpus_module().generate(folder, 40, seed=9, plant_rate=0.1)
    return folder


def test_second_run_reuses_everything_and_adds_only_the_new_article(
    tmp_path: Path, corpus: Path
) -> None:
    db = tmp_path / "claims.db"
    cold, counts = render([corpus], ROOT / "rules", db)
    assert counts == (0, 0, 40)
    warm, counts = render([corpus], ROOT / "rules", db)
    assert counts == (40, 0, 0) and warm == cold

    (corpus / "extra.txt").write_text(ARTICLE, encoding="utf-8")
    more, counts = render([corpus], ROOT / "rules", db)
    assert counts == (40, 0, 1)
    assert more == render([corpus], ROOT / "rules", None)[0]


def test_a_rule_change_rebinds_without_re_extracting(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "claims.db"
    render([corpus], ROOT / "rules", db)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    trade = rules / "kz_ru_trade.yaml"
    trade.write_text(
        trade.read_text(encoding="utf-8").replace(
            "kind: agreement\n    metric: trade_turnover\n",
            "kind: agreement\n    metric: trade_turnover\n    tolerance: 30 percent\n",
            1,
        ),
        encoding="utf-8",
    )
    changed, counts = render([corpus], rules, db)
    assert counts == (0, 40, 0)
    assert changed == render([corpus], rules, None)[0]
    assert changed != render([corpus], ROOT / "rules", None)[0]  # the tolerance mattered


def test_a_changed_publication_date_re_extracts_that_article(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "Trade turnover between Kazakhstan and China last year amounted to $18.4 billion.\n",
        encoding="utf-8",
    )
    (folder / "two.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "sources.yaml").write_text("one: {published: 2022-03-01}\n", encoding="utf-8")
    db = tmp_path / "claims.db"
    render([folder], ROOT / "rules", db)
    (folder / "sources.yaml").write_text("one: {published: 2023-03-01}\n", encoding="utf-8")
    out, counts = render([folder], ROOT / "rules", db)
    assert counts == (1, 0, 1)
    assert '"start": "2022-01-01"' in out  # "last year" now resolves against 2023


def run_cli(corpus: Path, db: Path, out: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "factcheck", "report", str(corpus), "--rules", str(ROOT / "rules")]
    cmd += ["--out", str(out), "--format", "json", "--store", str(db), "--jobs", "1", "--quiet"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def rows(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return int(con.execute("SELECT count(*) FROM analysed").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


def test_a_killed_run_leaves_a_store_the_next_run_completes(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    corpus_module().generate(folder, 300, seed=2, plant_rate=0.05)
    db = tmp_path / "claims.db"
    proc = run_cli(folder, db, tmp_path / "out1")
    deadline = time.monotonic() + 120
    while rows(db) == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    done = rows(db)
    assert 0 < done < 300  # killed midway: some batches committed, not all
    assert integrity(db) == "ok"

    again = run_cli(folder, db, tmp_path / "out2")
    _, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr.decode()
    assert rows(db) == 300
    expected, _ = render([folder], ROOT / "rules", None)
    assert (tmp_path / "out2" / "consistency.json").read_text(encoding="utf-8") == expected


def test_two_concurrent_writers(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    corpus_module().generate(folder, 150, seed=4, plant_rate=0.05)
    db = tmp_path / "claims.db"
    procs = [run_cli(folder, db, tmp_path / f"out{i}") for i in range(2)]
    for p in procs:
        _, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr.decode()
    expected, _ = render([folder], ROOT / "rules", None)
    for i in range(2):
        assert (tmp_path / f"out{i}" / "consistency.json").read_text(encoding="utf-8") == expected
    assert integrity(db) == "ok" and rows(db) == 150


def test_an_unreadable_store_is_a_located_error(tmp_path: Path) -> None:
    from factcheck.errors import FactcheckError
    from factcheck.store import ClaimStore

    bad = tmp_path / "claims.db"
    bad.write_bytes(b"not a database, just text" * 100)
    with pytest.raises(FactcheckError) as err:
        ClaimStore(bad)
    assert "--no-store" in err.value.hint


def _open_together(path: str, barrier: Any, results: Any) -> None:
    from factcheck.store import ClaimStore

    barrier.wait()
    try:
        with ClaimStore(Path(path)) as st:
            st.put([(f"k{os.getpid()}", b"x")], [])
        results.put("ok")
    except Exception as exc:  # reported to the test, which shows it
        results.put(str(exc))


def test_runs_started_together_on_a_new_store_all_open_it(tmp_path: Path) -> None:
    """Switching a new file to WAL mode needs it to itself, and SQLite answers "database is
    locked" at once, without its busy timeout, to another process asking meanwhile: three runs
    started together on a new store failed about one time in three.  They wait their turn."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for trial in range(12):
        path = str(tmp_path / f"claims{trial}.db")
        barrier, results = ctx.Barrier(3), ctx.Queue()
        procs = [ctx.Process(target=_open_together, args=(path, barrier, results)) for _ in "abc"]
        for p in procs:
            p.start()
        got = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join()
        assert got == ["ok"] * 3, f"trial {trial}: {got}"
        assert rows(Path(path)) == 0 and integrity(Path(path)) == "ok"
