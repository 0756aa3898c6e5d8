"""A story on another topic, written as a user would: tests/stories/vaccines/.

Five articles dated five ways (a wire dateline, a byline, a "Published:" header, a day-first
"Posted on", none), a running total, a stock at two moments and a flow by marketing year,
scored against its gold with ../shared/tools/score.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from story_score import needs_score, score_report

from factcheck.engine import analyse_paths, build_report
from factcheck.models import Report
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "tests" / "stories" / "vaccines"


@pytest.fixture(scope="module")
def report() -> Report:
    rules = load_rules([STORY / "rules"])
    return build_report(analyse_paths([STORY / "articles"], rules), rules)


@needs_score
def test_story_meets_its_gold(report: Report, tmp_path: Path) -> None:
    run = score_report(report, STORY / "gold.yaml", tmp_path, verbose=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_each_article_date_and_how_it_was_found(report: Report) -> None:
    got = {s.id: (s.published, s.published_from) for s in report.sources}
    assert got == {
        "a1_wire": (dt.date(2021, 3, 5), "dateline"),
        "a2_byline": (dt.date(2021, 4, 2), "byline"),
        "a3_header": (dt.date(2021, 5, 14), "header"),
        "a4_posted": (dt.date(2021, 6, 20), "header"),
        "a5_undated": (None, "none"),
    }


def test_the_undated_article_is_warned_about(report: Report) -> None:
    [warning] = [w for w in report.warnings if "a5_undated" in w]
    assert "'last month'" in warning and "has no date" in warning


def test_stock_claims_carry_their_moment(report: Report) -> None:
    as_of = {
        (c.source, c.metric): c.as_of.moment_label for c in report.claims if c.as_of is not None
    }
    assert as_of[("a2_byline", "external_debt")] == "2020-12-31"
    assert as_of[("a4_posted", "external_debt")] == "2021-06-20"  # the article's date
    assert as_of[("a2_byline", "doses_given")] == "2021-04-01"
    assert as_of[("a4_posted", "doses_given")] == "2021-06-15"  # "by mid-June"
    assert all(c.as_of is None for c in report.claims if c.metric == "wheat_exports")
