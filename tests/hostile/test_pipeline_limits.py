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


def test_work_per_article_is_bounded_by_figures_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A megabyte of "1 2 3 …" held half a million figures: minutes and 1.5 GB to bind.  Past
    MAX_MENTIONS the rest is left out, and the report says where it stopped, the same whether
    the article was analysed or served by the claim store."""
    import factcheck.extract as extract_module

    monkeypatch.setattr(extract_module, "MAX_MENTIONS", 50)
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "dense.txt").write_text("Exports rose 5 % in 2021. " + "1 2 3 " * 200)
    (folder / "plain.txt").write_text("Exports rose 5 % in 2022.\n")
    rules = load_rules([ROOT / "rules"])
    db = tmp_path / "claims.db"
    runs = [engine.analyse_paths([folder], rules, store_path=db, keep_mentions=k) for k in (1, 0)]
    cold, cached = runs
    assert cached.cached == 2
    for corpus in runs:
        [note] = corpus.warnings
        assert "dense.txt: holds more than 50 figures; only those up to 1:" in note
    dense = next(a for a in cold.analysed if a.source.id == "dense")
    assert len(dense.mentions) == 50
    assert [m.text for m in dense.mentions[:2]] == ["5 %", "2021"]  # the first ones, in order


def test_extraction_stops_scanning_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from factcheck.extract import extract_text, quantities

    real = quantities._classify
    calls = 0

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(quantities, "_classify", counted)
    import factcheck.extract as extract_module

    monkeypatch.setattr(extract_module, "MAX_MENTIONS", 10)
    assert len(extract_text("7 " * 100_000)) == 10
    assert calls <= 12  # the other 99,990 figures were never classified
