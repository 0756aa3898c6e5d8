"""Parallel runs give byte-identical reports; the progress bar shows only to a person."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from factcheck.engine import analyse_paths, build_report
from factcheck.progress import Progress, wanted
from factcheck.report import json as json_report
from factcheck.rules import load_rules
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
