"""Scoring a story of our own (tests/stories/<topic>/) with ../shared/tools/score.py: the one
place the story tests find the scorer, run it and skip without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.models import Report
from factcheck.report import json as json_report

SCORE = Path(__file__).resolve().parents[1].parent / "shared" / "tools" / "score.py"
needs_score = pytest.mark.skipif(not SCORE.exists(), reason="../shared is not beside the checkout")


def score(report_json: Path, gold: Path, verbose: bool = False) -> subprocess.CompletedProcess[str]:
    """score.py's verdict (exit code) and its lines (every miss, then the summary)."""
    return subprocess.run(
        [
            sys.executable,
            str(SCORE),
            str(report_json),
            str(gold),
            *(["--verbose"] if verbose else []),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def score_report(
    report: Report, gold: Path, tmp_path: Path, verbose: bool = False
) -> subprocess.CompletedProcess[str]:
    """The report written as its JSON, then scored."""
    out = tmp_path / "consistency.json"
    out.write_text(json_report.render(report), encoding="utf-8")
    return score(out, gold, verbose)
