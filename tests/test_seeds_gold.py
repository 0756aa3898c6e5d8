"""The acceptance target: a run over seeds/ with rules/ against ../shared/gold/seeds.yaml."""

from __future__ import annotations

import json
from pathlib import Path

from story_score import needs_score, score_report

from factcheck.report import json as json_report

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "seeds.yaml"


@needs_score
def test_score_against_gold(seed_report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = score_report(seed_report, GOLD, tmp_path, verbose=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "false claims 0 · false conflicts 0" in run.stdout


def by_metric(report, metric: str):  # type: ignore[no-untyped-def]
    return [c for c in report.claims if c.metric == metric]


def test_mission_opened_conflict_names_both_quotes(seed_report) -> None:  # type: ignore[no-untyped-def]
    [f] = [f for f in seed_report.findings if f.metric == "trade_mission_opened"]
    assert f.status == "conflict"
    claims = {c.id: c for c in seed_report.claims}
    assert sorted(claims[i].value for i in f.claims) == ["2002", "2012"]
    assert "since 2002" in f.message and "since 2012" in f.message


def test_part_of_year_exceeds_whole_year(seed_report) -> None:  # type: ignore[no-untyped-def]
    [f] = [
        f for f in seed_report.findings if f.kind == "subperiod_bound" and f.status == "conflict"
    ]
    claims = {c.id: c for c in seed_report.claims}
    periods = sorted(claims[i].period.label for i in f.claims)
    assert periods == ["2022-01/2022-11", "2022-01/2022-12"]
    assert "cannot exceed the whole" in f.explanation


def test_growth_arithmetic_is_explained(seed_report) -> None:  # type: ignore[no-untyped-def]
    [f] = [f for f in seed_report.findings if f.kind == "growth"]
    assert f.status == "agreement"
    assert "23.6bn / 22.1bn − 1 = 6.79 %" in f.explanation


def test_growth_for_other_periods_and_countries_does_not_conflict(seed_report) -> None:  # type: ignore[no-untyped-def]
    growth = by_metric(seed_report, "trade_turnover_growth")
    subjects = {(c.subject, c.period.label if c.period else None, c.value) for c in growth}
    assert (("Kazakhstan", "China"), "2022-01/2022-12", 34.9) in subjects
    assert (("Kazakhstan", "Russia"), "2022-01/2022-12", 5.0) in subjects
    assert not [
        f
        for f in seed_report.findings
        if f.metric == "trade_turnover_growth" and f.status == "conflict"
    ]


def test_furniture_numbers_are_never_claims(seed_report) -> None:  # type: ignore[no-untyped-def]
    values = {(c.source[:3], c.value) for c in seed_report.claims}
    for src, v in [("001", 5109.0), ("002", 151.0), ("003", 103.0), ("002", "2025")]:
        assert (src, v) not in values


def test_report_is_deterministic(seed_report) -> None:  # type: ignore[no-untyped-def]
    from factcheck.engine import analyse_paths, build_report
    from factcheck.rules import load_rules

    rules = load_rules([ROOT / "rules"])
    again = build_report(analyse_paths([ROOT / "seeds"], rules), rules)
    assert json_report.render(again) == json_report.render(seed_report)
    data = json.loads(json_report.render(seed_report))
    assert data["schema_version"] == "1.0"
    assert {
        "id",
        "source",
        "metric",
        "subject",
        "value",
        "unit",
        "low",
        "high",
        "period",
        "qualifier",
        "modality",
        "quote",
        "line",
        "column",
    } <= set(data["claims"][0])
