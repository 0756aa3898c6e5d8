"""Warnings about an article's date reach the report and the CI gate's output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from factcheck.cli import main
from factcheck.engine import source_info
from factcheck.extract import extract
from factcheck.ingest import SourceMeta, build_source

ROOT = Path(__file__).resolve().parent.parent
RULES = str(ROOT / "rules")


def _info_warnings(text: str, published: dt.date | None = None) -> tuple[str, ...]:
    source = build_source("a", "a.txt", text, meta=SourceMeta(published=published))
    return source_info(source, extract(source)).warnings


def test_undated_article_names_the_first_open_relative_date() -> None:
    warnings = _info_warnings("Kazakh oil\n\nExports rose last year and fell on Tuesday.")
    assert len(warnings) == 1
    assert warnings[0].startswith("a.txt:3:")
    assert "'last year'" in warnings[0] and "has no date" in warnings[0]


@pytest.mark.parametrize(
    "text",
    [
        "Exports rose in 2022 and fell on 3 March 2023.",  # no relative date at all
        "5 March 2023\n\nExports rose last year.",  # dated by its header
    ],
)
def test_no_warning_when_nothing_is_left_open(text: str) -> None:
    assert _info_warnings(text) == ()


def test_an_as_of_date_settles_relative_dates() -> None:
    source = build_source(
        "a", "a.txt", "Exports rose last year.", meta=SourceMeta(as_of=dt.date(2023, 2, 1))
    )
    assert source_info(source, extract(source)).warnings == ()


def test_article_dated_before_an_event_it_reports_in_the_past_tense() -> None:
    warnings = _info_warnings(
        "1 March 2021\n\nThe plant opened on 12 May 2021, the ministry said.",
    )
    assert any("reports in the past tense an event on 2021-05-12" in w for w in warnings)


@pytest.mark.parametrize(
    "text",
    [
        "1 March 2021\n\nThe plant will open on 12 May 2021.",  # a future event
        "1 March 2021\n\nThe plant is scheduled to open on 12 May 2021.",
        "1 March 2021\nUpdated 3 March 2021\n\nThe plant opened.",  # a page stamp
    ],
)
def test_future_events_and_page_stamps_are_not_suspicious(text: str) -> None:
    assert not any("past tense" in w for w in _info_warnings(text))


@pytest.fixture
def undated(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "undated.txt").write_text(
        "Trade news\n\nTrade turnover between Kazakhstan and Russia reached $22 billion last "
        "year.\n",
        encoding="utf-8",
    )
    return folder


def test_report_and_check_warn_about_an_undated_article(
    undated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["report", str(undated), "--rules", RULES, "--out", str(out), "--no-store"])
    assert code == 0
    err = capsys.readouterr().err
    assert "undated.txt:3:" in err and "'last year'" in err
    report = json.loads((out / "consistency.json").read_text(encoding="utf-8"))
    assert any("'last year'" in w for w in report["warnings"])
    assert report["sources"][0]["published_from"] == "none"
    assert "'last year'" in (out / "consistency.md").read_text(encoding="utf-8")
    main(["check", str(undated), "--rules", RULES])
    err = capsys.readouterr().err
    assert "undated.txt:3:" in err and "has no date" in err
