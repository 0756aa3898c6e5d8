"""The Cyclone Mira story (tests/stories/cyclone_mira/): two bodies count the dead and two
price the damage, outlets give coordinated and listed figures.  Scored by ../shared's
score.py against its gold, and each gold claim's subject and attribution checked here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from story_score import needs_score, score_report

from factcheck.engine import analyse_paths, build_report
from factcheck.models import Claim, Report
from factcheck.report import json as json_report
from factcheck.rules import load_rules

STORY = Path(__file__).parent / "stories" / "cyclone_mira"


@pytest.fixture(scope="module")
def report() -> Report:
    rules = load_rules([STORY / "rules"])
    return build_report(analyse_paths([STORY / "articles"], rules), rules)


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((STORY / "gold.yaml").read_text(encoding="utf-8"))
    return loaded


def _score(report: Report, tmp_path: Path) -> str:
    return score_report(report, STORY / "gold.yaml", tmp_path, verbose=True).stdout


@needs_score
def test_no_false_conflict_and_every_claim_and_finding(report: Report, tmp_path: Path) -> None:
    summary = _score(report, tmp_path).splitlines()[-1]
    assert "claims 24/24 required" in summary, summary
    assert "findings 9/9 required" in summary, summary
    assert "false conflicts 0" in summary, summary


@needs_score
def test_no_false_claim(report: Report, tmp_path: Path) -> None:
    assert "false claims 0" in _score(report, tmp_path).splitlines()[-1]


def _same(want: Any, got: float | str) -> bool:
    if isinstance(got, str):
        return got == str(want)
    return abs(got - float(want)) <= 1e-6 * max(1.0, abs(got))


def _found(report: Report, want: dict[str, Any]) -> list[Claim]:
    return [
        c
        for c in report.claims
        if c.source == want["source"]
        and c.metric == want["metric"]
        and _same(want["value"], c.value)
    ]


def test_each_claim_has_its_subject_and_body(report: Report, gold: dict[str, Any]) -> None:
    wrong = []
    for want in gold["claims"]:
        found = _found(report, want)
        ok = any(
            ("subject" not in want or list(c.subject) == want["subject"])
            and ("according_to" not in want or c.attribution == want["according_to"])
            for c in found
        )
        if not ok:
            wrong.append((want, [(c.subject, c.attribution) for c in found]))
    assert not wrong, wrong


def test_the_report_says_who_beside_a_value(report: Report) -> None:
    data = json.loads(json_report.render(report))
    said = {(c["source"], c["value"]): c["attribution"] for c in data["claims"]}
    assert said[("02_two_tolls", 389.0)] == "OCHA"
    conflicts = [f for f in report.findings if f.status == "conflict" and not f.known_fact]
    assert [f.metric for f in conflicts] == ["death_toll"]
    assert "421 according to INGD" in conflicts[0].message
    assert "412 according to INGD" in conflicts[0].message
