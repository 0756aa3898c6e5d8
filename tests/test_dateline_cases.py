"""The article's date as data: tests/fixtures/dateline/*.yaml, text → (date, how, warnings).

Each case gives `text`, the `date` expected (null: left open), `how` it was found (header,
byline, dateline, none) and optionally `warnings`: fragments each of which some warning must
hold, or `[]` for none at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from factcheck.extract.dateline import find_dateline
from factcheck.ingest import furniture_spans

FIXTURES = Path(__file__).parent / "fixtures" / "dateline"


def load_cases() -> list[Any]:
    params = []
    for f in sorted(FIXTURES.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        names = [c["name"] for c in doc["cases"]]
        assert len(names) == len(set(names)), f"{f.name}: case names repeat"
        params += [pytest.param(c, id=f"{f.stem}:{c['name']}") for c in doc["cases"]]
    return params


@pytest.mark.parametrize("case", load_cases())
def test_case(case: dict[str, Any]) -> None:
    text = case["text"]
    got = find_dateline(text, furniture_spans(text))
    want: dt.date | None = case["date"]
    assert (got.date, got.how) == (want, case["how"]), got
    if "warnings" in case:
        if not case["warnings"]:
            assert got.warnings == (), got.warnings
        for fragment in case["warnings"]:
            assert any(fragment in w for w in got.warnings), (fragment, got.warnings)
