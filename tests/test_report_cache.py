"""An unchanged re-run of `factcheck report` writes the last report again without redoing it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from factcheck import engine, reportcache
from factcheck.cli import main
from factcheck.fsutil import write_files_atomically

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report(out: str, *extra: str) -> int:
    return main(
        ["report", "seeds", "--rules", "rules", "--out", out, "--quiet", "--jobs", "1", *extra]
    )


def outputs(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


def no_checks(*_: object, **__: object) -> None:
    raise AssertionError("the checks ran although nothing changed")


def test_an_unchanged_rerun_writes_the_same_report_without_checking(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert report("cold") == 0
    assert (project / ".factcheck" / "last-report.json").is_file()
    monkeypatch.setattr(engine, "build_report", no_checks)
    assert report("warm") == 0
    assert outputs(project / "warm") == outputs(project / "cold")


def test_any_change_runs_the_report_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report("a") == 0
    article = project / "seeds" / "004_23da4624eb5d240d.txt"
    article.write_text(
        article.read_text(encoding="utf-8").replace("with its 27 members", "with its 28 members"),
        encoding="utf-8",
    )
    assert report("b") == 0
    assert outputs(project / "a") != outputs(project / "b")
    assert '"value": 28.0' in (project / "b" / "consistency.json").read_text(encoding="utf-8")

    rules = project / "rules" / "kz_ru_trade.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("value: 27\n", "value: 28\n"), "utf-8"
    )
    assert report("c") == 0
    assert outputs(project / "b") != outputs(project / "c")

    # The other formats are a different report: the JSON-only run is not served from cache.
    assert report("d", "--format", "json") == 0
    assert [f.name for f in (project / "d").iterdir()] == ["consistency.json"]


def test_without_a_store_nothing_is_kept(project: Path) -> None:
    assert report("out", "--no-store") == 0
    assert not (project / ".factcheck").exists()


def cache(project: Path) -> tuple[dict[str, object], list[Path]]:
    """The cache's small index and its folders of copies."""
    folder = project / ".factcheck"
    index = json.loads((folder / reportcache.CACHE_NAME).read_text(encoding="utf-8"))
    return index, sorted((folder / reportcache.FILES_NAME).iterdir())


def count_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    runs: list[int] = []
    real = engine.analyse_paths

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "analyse_paths", counted)
    return runs


def test_the_cache_keeps_the_files_as_files_and_one_entry_only(project: Path) -> None:
    """The copies are files, not text inside a JSON document; a new entry replaces the old."""
    assert report("a") == 0
    index, entries = cache(project)
    assert len(entries) == 1 and entries[0].name == index["entry"]
    assert outputs(entries[0]) == outputs(project / "a")
    size = (project / ".factcheck" / reportcache.CACHE_NAME).stat().st_size
    assert size < 2000  # the key, the summary, the warnings and the sizes: no report text

    assert report("b", "--format", "json") == 0
    index, entries = cache(project)
    assert len(entries) == 1 and outputs(entries[0]) == outputs(project / "b")


@pytest.mark.parametrize("damage", ["index", "truncated", "missing", "escaping entry"])
def test_a_damaged_cache_only_costs_the_shortcut(
    project: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    assert report("cold") == 0
    index, [entry] = cache(project)
    index_file = project / ".factcheck" / reportcache.CACHE_NAME
    if damage == "index":
        index_file.write_text('{"key": ', encoding="utf-8")
    elif damage == "truncated":
        data = (entry / "consistency.json").read_bytes()
        (entry / "consistency.json").write_bytes(data[: len(data) // 2])
    elif damage == "missing":
        (entry / "consistency.html").unlink()
    else:
        index_file.write_text(json.dumps({**index, "entry": "../.."}), encoding="utf-8")
    runs = count_runs(monkeypatch)
    assert report("warm") == 0
    assert runs == [1]
    assert outputs(project / "warm") == outputs(project / "cold")
    assert report("warmer") == 0  # the cache was written again whole
    assert runs == [1]
    assert outputs(project / "warmer") == outputs(project / "cold")


def test_a_copy_a_killed_run_left_is_never_served_and_goes_at_the_next_save(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert report("a") == 0
    _, [entry] = cache(project)
    orphan = entry.parent / "0123456789abcdef"  # copied, but the index never pointed at it
    shutil.copytree(entry, orphan)
    (orphan / "consistency.json").write_text("{}", encoding="utf-8")
    with monkeypatch.context() as checks:
        checks.setattr(engine, "build_report", no_checks)
        assert report("b") == 0
    assert outputs(project / "b") == outputs(project / "a")
    assert report("c", "--format", "md") == 0
    _, entries = cache(project)
    assert len(entries) == 1 and orphan not in entries and entry not in entries


def test_a_loaded_entry_survives_another_run_replacing_the_cache(project: Path) -> None:
    """Its files are opened when it is checked, so another run saving meanwhile cannot take
    them away before they are copied."""
    assert report("a") == 0
    folder = project / ".factcheck"
    index, [entry] = cache(project)
    loaded = reportcache.load(folder, str(index["key"]))
    assert loaded is not None
    md = hashlib.sha256((project / "a" / "consistency.md").read_bytes()).hexdigest()
    reportcache.save(folder, "another key", project / "a", {"consistency.md": md}, [0] * 5, [])
    assert not entry.exists()
    try:
        write_files_atomically(project / "copy", loaded.outputs())
    finally:
        loaded.close()
    assert outputs(project / "copy") == outputs(project / "a")


def test_a_cache_that_cannot_be_written_does_not_fail_the_report(project: Path) -> None:
    (project / ".factcheck").mkdir()
    (project / ".factcheck" / reportcache.FILES_NAME).write_text("in the way", encoding="utf-8")
    assert report("a") == 0
    assert outputs(project / "a").keys() == {
        "consistency.html",
        "consistency.json",
        "consistency.md",
    }
    assert not (project / ".factcheck" / reportcache.CACHE_NAME).exists()
