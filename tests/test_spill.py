"""A run that puts its records aside (`analyse_paths(spill=True)`, `factcheck.spill`) writes the
same bytes as the report of the records held in memory, in every format and on every path (one
process or two, claim store cold or warm, a dask cluster), and its renderers never need a list
of every claim."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from factcheck import spill
from factcheck.cli import _desk
from factcheck.engine import Corpus, analyse_paths, build_report
from factcheck.models import Claim, Report, SourceInfo, Unbound
from factcheck.report import RenderInput, render_streams
from factcheck.report import html as html_report
from factcheck.report import markdown as markdown_report
from factcheck.report.common import ReportData
from factcheck.rules import RuleSet, load_rules
from tests.test_corpus_generator import corpus_module

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ["md", "html", "json"]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules([ROOT / "rules"])


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Past `html.LARGE_ARCHIVE_SOURCES`, with planted conflicts, the seeds and a broken file:
    the HTML report cuts its tables and shows only the texts its conflicts name."""
    folder = tmp_path_factory.mktemp("archive")
    corpus_module().generate(folder, 230, seed=11, plant_rate=0.15)
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    return [folder, ROOT / "seeds"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Below it: every text shown, every table whole."""
    folder = tmp_path_factory.mktemp("small")
    corpus_module().generate(folder, 30, seed=12, plant_rate=0.2)
    return [folder, ROOT / "seeds"]


def rendered(
    report: ReportData, corpus: Corpus, rules: RuleSet, paged: bool | None
) -> dict[str, str]:
    texts = corpus.text_spill if corpus.text_spill is not None else corpus.texts
    kept = corpus.json_docs is not None
    data = RenderInput(
        report,
        texts,
        _desk(rules, report, None),
        paged,
        json=(lambda: spill.json_pieces(corpus, report)) if kept else None,  # type: ignore[arg-type]
    )
    return {name: "".join(text) for name, text in render_streams(data, FORMATS).items()}


def in_memory(paths: list[Path], rules: RuleSet, paged: bool | None) -> dict[str, str]:
    corpus = analyse_paths(paths, rules)
    return rendered(build_report(corpus, rules), corpus, rules, paged)


def spilled(paths: list[Path], rules: RuleSet, paged: bool | None, **kw: object) -> dict[str, str]:
    corpus = analyse_paths(paths, rules, spill=True, **kw)  # type: ignore[arg-type]
    try:
        assert corpus.analysed == [] and corpus.texts == {}
        return rendered(spill.report(corpus, rules), corpus, rules, paged)
    finally:
        corpus.close()


@pytest.mark.parametrize("paged", [None, True])
def test_a_spilled_run_writes_the_reports_of_the_records_in_memory(
    archive: list[Path], rules: RuleSet, paged: bool | None, tmp_path: Path
) -> None:
    want = in_memory(archive, rules, paged)
    assert len(want) > 3 if paged else list(want) == [f"consistency.{f}" for f in FORMATS]
    assert "are not shown in full" in want["consistency.html"] or paged
    db = tmp_path / "claims.db"
    for kw in (
        {"jobs": 1},
        {"jobs": 2, "window": 40},
        {"jobs": 2, "store_path": db},  # a cold store
        {"jobs": 1, "store_path": db},  # a warm one
    ):
        got = spilled(archive, rules, paged, **kw)
        assert got.keys() == want.keys()
        for name in want:
            assert got[name] == want[name], (name, kw)


def test_a_small_spilled_archive_shows_every_text(small: list[Path], rules: RuleSet) -> None:
    want = in_memory(small, rules, None)
    assert "are not shown in full" not in want["consistency.html"]
    assert spilled(small, rules, None, jobs=2) == want
    assert spilled(small, rules, None) == want


def test_the_views_give_the_records_in_report_order(small: list[Path], rules: RuleSet) -> None:
    full = build_report(analyse_paths(small, rules), rules)
    corpus = analyse_paths(small, rules, spill=True)
    try:
        view = spill.report(corpus, rules)
        assert isinstance(view.claims, spill.Spilled)
        passes = spill.Spilled.passes
        assert list(view.claims) == list(full.claims)
        assert list(view.unbound) == list(full.unbound)
        assert list(view.sources) == list(full.sources)
        assert spill.Spilled.passes == passes + 2  # the sources are held, read once
        assert tuple(view.findings) == full.findings and tuple(view.warnings) == full.warnings
        assert len(view.claims) == len(full.claims) and len(view.unbound) == len(full.unbound)
        assert view.claims[3] == full.claims[3] and view.claims[-1] == full.claims[-1]
        assert list(view.claims[2:5]) == list(full.claims[2:5])
        with pytest.raises(IndexError):
            view.claims[len(full.claims)]
        assert corpus.text_spill is not None
        some = full.sources[0].id
        assert corpus.text_spill[some] == analyse_paths(small, rules).texts[some]
    finally:
        corpus.close()


def test_a_spilled_report_needs_a_spilled_run(small: list[Path], rules: RuleSet) -> None:
    with pytest.raises(ValueError, match="spill=True"):
        spill.report(analyse_paths(small, rules), rules)


def test_the_cli_report_is_the_committed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`factcheck report` (Markdown, HTML, JSON) takes the spilled path."""
    from factcheck.cli import main

    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    assert main(["report", "seeds", "--rules", "rules", "--no-store", "--out", str(out)]) == 0
    for name in ("consistency.md", "consistency.html", "consistency.json"):
        assert (out / name).read_bytes() == (ROOT / "reports" / name).read_bytes()


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs dask")
def test_a_cluster_run_spills_the_same_report(small: list[Path], rules: RuleSet) -> None:
    from tests.test_cluster import in_process_cluster

    want = in_memory(small, rules, None)
    with in_process_cluster() as cluster:
        got = spilled(small, rules, None, engine="dask", scheduler=cluster.scheduler_address)
    assert got == want


# ── the renderers' passes ────────────────────────────────────────────────────────────────


def test_anchors_without_a_dict_of_all_are_those_of_one() -> None:
    """Names whose slugs meet, and the `-N` forms such meetings make, get the anchors one
    `_Anchors` gives them in order; a name met twice keeps its last."""
    names = ["a", "a", "a-2", "b:1", "b 1", "b-1", "a-2", "c", "x y-2", "x y", "x/y", "a"]
    one = html_report._Anchors()
    want = {n: one.new("claim", n) for n in names}
    lazy = html_report._AnchorMap.of("claim", lambda: ((n, n) for n in names))
    assert {n: lazy.get(n, n) for n in names} == want
    assert lazy.get("c", "c") == "claim-c" and "c" not in lazy.special
    by_index = html_report._AnchorMap.of("u", lambda: enumerate(names))
    again = html_report._Anchors()
    assert [by_index.get(i, n) for i, n in enumerate(names)] == [again.new("u", n) for n in names]


@pytest.mark.parametrize(
    "rows",
    [
        [["a", "b|c"], ["longer text", "x"]],
        [["宽字符", "ok"], ["a", "b"]],  # wide characters count two, as tabulate counts them
        [["tab\there", "x"]],  # not printable: tabulate's whole table
        [["  padded  ", "x"]],
        [],
    ],
)
def test_a_streamed_table_is_the_table(rows: list[list[str]]) -> None:
    headers = ["first", "second"]
    whole = markdown_report._table(rows, headers)
    assert "".join(markdown_report._streamed_table(lambda: iter(rows), headers)) == whole


def test_charts_of_many_claims_count_in_a_pass(rules: RuleSet) -> None:
    """A metric with more claims than a chart draws is summarised from counts, and the claims
    drawn are fetched in a second pass: the same page as from a list in memory."""
    claims = [
        Claim(
            id=f"s{i % 7}:{i}:1:m",
            source=f"s{i % 7}",
            metric="m",
            value=float(i % 45),
            unit="USD",
            low=float(i % 45),
            high=float(i % 45),
            quote=f"{i % 45} dollars",
            line=i,
            column=1,
            start=i,
            end=i + 2,
        )
        for i in range(120)
    ]
    claims.sort(key=lambda c: c.sort_key)
    sources = tuple(
        SourceInfo(id=f"s{i}", path=f"s{i}.txt", encoding="utf-8", sha256="0") for i in range(7)
    )
    unbound = (Unbound(source="s1", kind="count", text="3", line=1, column=1),)
    report = Report(sources=sources, claims=tuple(claims), unbound=unbound)
    html = html_report.render(report, {})
    assert "120 claims, drawn as their 40 most stated values" in html
    assert "5 rarer values not drawn" in html


def test_report_cards_are_the_cards_of_all_claims(archive: list[Path], rules: RuleSet) -> None:
    """In any claim order, and with a claim id met twice (a merged report), the one-pass
    cards are `cards` of every claim, less what no report shows of an agreement."""
    import random

    from factcheck.report.common import (
        Desk,
        agreements,
        cards,
        claim_index,
        conflicts,
        report_cards,
    )

    full = build_report(analyse_paths(archive, rules), rules)
    shuffled = list(full.claims)
    random.Random(3).shuffle(shuffled)
    agreed = {cid for f in agreements(full) for cid in f.claims}
    again = next(c for c in shuffled if c.id in agreed)
    twice = [*shuffled, again.model_copy(update={"quote": "said again"})]
    for claims in (full.claims, tuple(shuffled), tuple(twice)):
        report = full.model_copy(update={"claims": claims})
        index = claim_index(report)
        want_conflicts = cards(conflicts(report), index, Desk(), agreements(report))
        want_agreements = cards(agreements(report), index, Desk())
        found = report_cards(report, Desk())
        assert found.conflicts == want_conflicts
        assert len(found.agreements) == len(want_agreements) > 10
        for got, want in zip(found.agreements, want_agreements, strict=True):
            assert got.claims == want.claims[: len(got.claims)]
            assert len(got.claims) == min(want.count, 10) or got.claims == want.claims
            assert (got.count, got.sources, got.missing, got.periods_vary, got.whys) == (
                want.count,
                want.sources,
                want.missing,
                want.periods_vary,
                want.whys,
            )
        checked = {cid for f in report.findings for cid in f.claims}
        assert found.weighed == sum(1 for c in report.claims if c.id in checked)


def test_the_gate_reads_a_spilled_report_as_one_in_memory(
    archive: list[Path], rules: RuleSet
) -> None:
    """`check` and `baseline` read the records back from disk: every CI format is the same as
    the gate's over the report in memory (JUnit's times aside)."""
    import re

    from factcheck.baseline import Baseline
    from factcheck.gate import accepted_entries, evaluate, render_json
    from factcheck.report import github, junit, sarif, text

    kept = analyse_paths(archive, rules)
    full = build_report(kept, rules)
    corpus = analyse_paths(archive, rules, spill=True)
    try:
        view = spill.report(corpus, rules)
        assert corpus.text_spill is not None
        old = evaluate(full, kept.texts, Baseline())
        new = evaluate(
            view, corpus.text_spill, Baseline(), json_text=lambda: spill.json_pieces(corpus, view)
        )
        assert new.failed and old.new == new.new
        for render in (text.render, github.render, sarif.render, render_json):
            assert render(new) == render(old)
        times = re.compile(r'time="[0-9.]*"')
        assert times.sub("", junit.render(new)) == times.sub("", junit.render(old))
        assert accepted_entries(view, True) == accepted_entries(full, True)
        # Each check is timed as it runs group by group (JUnit's `time`).
        assert {f.rule for f in full.findings} <= set(corpus.check_seconds)
    finally:
        corpus.close()
