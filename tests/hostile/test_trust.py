"""Round two: what factcheck trusted too much.  The report cache and `.factcheck/` (a committed
folder can hold anything), a run sharing `--out` or an edit during a run, a cluster worker's
own disk, and output folders inside the sources.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck import cli, engine, store
from factcheck.cli import main
from factcheck.ingest import Document
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(".factcheck")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report(out: str = "out", *extra: str) -> int:
    return main(["report", "seeds", "--rules", "rules", "--out", out, "--quiet", *extra])


def test_a_symlinked_last_report_never_makes_report_delete_outside(project: Path) -> None:
    outside = project.parent / f"{project.name}-precious"
    victim = outside / "0123456789abcdef"  # a name the cache would take for one of its own
    victim.mkdir(parents=True)
    (victim / "thesis.txt").write_text("years of work", encoding="utf-8")
    (project / CACHE).mkdir()
    (project / CACHE / "last-report").symlink_to(outside)  # as a repository could commit it
    assert report() == 0
    assert report("out2", "--format", "md") == 0  # a second save removes "the other entries"
    assert (victim / "thesis.txt").read_text(encoding="utf-8") == "years of work"


def test_a_tampered_cached_file_of_the_same_size_is_not_served(project: Path) -> None:
    assert report() == 0
    good = (project / "out" / "consistency.md").read_bytes()
    [entry] = (project / CACHE / "last-report").iterdir()
    cached = entry / "consistency.md"
    cached.write_bytes(good.replace(b"conflict", b"CONFLICT"))  # same size, other bytes
    assert cached.stat().st_size == len(good)
    assert report("again") == 0
    assert (project / "again" / "consistency.md").read_bytes() == good


def test_an_article_edited_during_the_run_is_not_cached_under_the_old_key(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = cli.analyse
    article = sorted((project / "seeds").glob("*.txt"))[0]

    def edited_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        corpus = real(*args, **kwargs)
        article.write_text(article.read_text(encoding="utf-8") + "\nEdited.\n", "utf-8")
        return corpus

    monkeypatch.setattr(cli, "analyse", edited_meanwhile)
    assert report() == 0
    assert not (project / CACHE / "last-report.json").exists()


def test_a_run_sharing_out_cannot_put_its_report_under_this_runs_key(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = cli.write_files_atomically

    def and_another_run_writes(folder, files):  # type: ignore[no-untyped-def]
        digests = real(folder, files)
        (folder / "consistency.md").write_text("another run's report\n", encoding="utf-8")
        return digests

    monkeypatch.setattr(cli, "write_files_atomically", and_another_run_writes)
    assert report() == 0
    monkeypatch.setattr(cli, "write_files_atomically", real)
    assert report("again") == 0
    assert "another run" not in (project / "again" / "consistency.md").read_text("utf-8")


def test_dependency_versions_are_in_the_cache_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    before = store.code_fingerprint()
    store.code_fingerprint.cache_clear()
    real = store.metadata.version
    monkeypatch.setattr(store.metadata, "version", lambda n: "999.0" if n == "pint" else real(n))
    try:
        assert ("pint", "999.0") in store.dependency_versions()
        assert store.code_fingerprint() != before
    finally:
        store.code_fingerprint.cache_clear()


def test_package_data_is_in_the_cache_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import factcheck

    pkg = tmp_path / "factcheck"
    shutil.copytree(Path(factcheck.__file__).parent, pkg)
    (pkg / "data").mkdir(exist_ok=True)
    table = pkg / "data" / "scale_words.yaml"
    table.write_text("billion: 1e9\n", encoding="utf-8")
    monkeypatch.setattr(factcheck, "__file__", str(pkg / "__init__.py"))
    store.code_fingerprint.cache_clear()
    try:
        first = store.code_fingerprint()
        table.write_text("billion: 1e12\n", encoding="utf-8")
        store.code_fingerprint.cache_clear()
        assert store.code_fingerprint() != first
    finally:
        store.code_fingerprint.cache_clear()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_at_the_report_cache_path_is_not_waited_on(project: Path) -> None:
    (project / CACHE).mkdir()
    os.mkfifo(project / CACHE / "last-report.json")
    p = subprocess.run(
        [sys.executable, "-m", "factcheck", "report", "seeds", "--rules", "rules", "--quiet"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--out", "seeds/reports"],
        ["--out", "out", "--store", "seeds/cache/claims.db"],
    ],
)
def test_an_output_inside_the_sources_folder_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(["report", "seeds", "--rules", "rules", "--quiet", *args]) == 2
    assert "inside the sources folder" in capsys.readouterr().err
    assert not (project / "seeds" / "reports").exists()


def test_a_hidden_store_inside_the_sources_is_fine(project: Path) -> None:
    assert report("out", "--store", "seeds/.factcheck/claims.db") == 0


def test_check_output_inside_the_sources_folder_is_refused(project: Path) -> None:
    args = ["check", "seeds", "--rules", "rules", "--format", "text", "--output", "seeds/g.md"]
    assert main(args) == 2


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs dask")
def test_a_cluster_worker_is_never_sent_a_path_to_read(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client could not read the file; the worker (here, the same disk) could, and its
    content reached the report.  Now the client sends bytes or nothing."""
    import distributed

    secret = sorted((project / "seeds").glob("*.txt"))[0]
    real = engine.read_bytes

    def client_cannot(doc: Document) -> bytes:
        if doc.path.name == secret.name:
            from factcheck.ingest import IngestError

            raise IngestError("cannot read: Permission denied", cli.Location(str(doc.path)), "")
        return real(doc)

    # The client's read (engine); the worker reads through factcheck.worker's, unpatched.
    monkeypatch.setattr(engine, "read_bytes", client_cannot)
    rules = load_rules([project / "rules"])
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        corpus = engine.analyse_paths(
            [project / "seeds"], rules, engine="dask", scheduler=cluster.scheduler_address
        )
    assert secret.stem not in {a.source.id for a in corpus.analysed}
    assert any("Permission denied" in w for w in corpus.warnings)


def test_the_cache_index_records_content_hashes(project: Path) -> None:
    import json

    assert report() == 0
    index = json.loads((project / CACHE / "last-report.json").read_text(encoding="utf-8"))
    md = hashlib.sha256((project / "out" / "consistency.md").read_bytes()).hexdigest()
    assert index["files"]["consistency.md"] == md
