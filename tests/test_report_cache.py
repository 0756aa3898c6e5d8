"""An unchanged re-run of `factcheck report` writes the last report again without redoing it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factcheck import engine
from factcheck.cli import main

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


def test_an_unchanged_rerun_writes_the_same_report_without_checking(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert report("cold") == 0
    assert (project / ".factcheck" / "last-report.json").is_file()

    def no_checks(*_: object, **__: object) -> None:
        raise AssertionError("the checks ran although nothing changed")

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
