"""Hostile inputs past ingest: limits the rest of the pipeline must keep too.

Each test pins a bug this corpus found past ingest (see docs/hostile-inputs.md), now fixed.
"""

from __future__ import annotations

import pathlib
from pathlib import Path

import pytest

from factcheck import engine, ingest
from factcheck.bind.sentences import sentences
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]


def test_the_claim_store_reads_articles_within_the_ingest_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest.files, "MAX_SOURCE_BYTES", 1000)
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.txt").write_text("Trade turnover reached $23.6 billion in 2022.")
    (folder / "dump.txt").write_bytes(b"Trade 5 %. " * 500)
    real_read_bytes = pathlib.Path.read_bytes
    rules = load_rules([ROOT / "rules"])

    def guarded(self: pathlib.Path) -> bytes:
        if folder in self.parents:
            assert self.stat().st_size <= ingest.files.MAX_SOURCE_BYTES, f"{self} read whole"
        return real_read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", guarded)
    result = engine.analyse_paths([folder], rules, store_path=tmp_path / "claims.db")
    assert [a.source.id for a in result.analysed] == ["a"]
    assert any("dump.txt" in w and "at most" in w for w in result.warnings)


def test_a_one_megabyte_line_is_cut_into_bounded_sentences() -> None:
    chunk = "the delegation discussed transport and logistics, and turnover reached $5 billion "
    text = chunk * (1024 * 1024 // len(chunk))
    longest = max(s.end - s.start for s in sentences(text, ()))
    assert longest <= 10_000


def test_markup_around_a_figure_is_not_a_qualifier() -> None:
    from factcheck.extract import extract_text

    for text in ("was <b>$22.2 billion</b> in 2022", "a share of <i>5 %</i>"):
        (m,) = [m for m in extract_text(text) if m.quantity is not None]
        assert m.qualifier == "exact", text
        assert not m.text.startswith(">"), text
