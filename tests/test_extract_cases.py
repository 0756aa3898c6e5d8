"""Extraction cases as data: tests/fixtures/extract/*.yaml, text → expected mentions.

Each case:

    - name: money_scale_words            # unique within its file
      text: "amounted to 22 billion 200 million dollars"
      published: 2023-02-02              # optional reference date for relative wording
      expect:                            # each must be found, matched by its exact text
        - {text: "22 billion 200 million dollars", kind: money, value: 22.2e9, unit: USD,
           low: 22.15e9, high: 22.25e9, qualifier: exact}
      absent: ["200 million dollars"]    # optional: texts that must not be mentions
      only: true                         # optional: no other content mentions at all

Keys an expectation may give: kind, value, unit, low, high, qualifier, weekday, relative,
resolved, furniture, alternatives (list of {value, unit}).  Dates give value as the ISO label
("2022-01/2022-11") and low/high as ISO days; an unresolved date has value null.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from factcheck.extract import extract_text
from factcheck.models import Mention

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def load_cases() -> list[Any]:
    params = []
    for f in sorted(FIXTURES.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        names: set[str] = set()
        for case in doc.get("cases", []):
            assert case["name"] not in names, f"{f.name}: duplicate case name {case['name']}"
            names.add(case["name"])
            params.append(pytest.param(case, id=f"{f.stem}:{case['name']}"))
    return params


def observed(m: Mention) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": m.kind,
        "qualifier": m.qualifier,
        "weekday": m.weekday,
        "relative": m.relative,
        "resolved": m.resolved,
        "furniture": m.furniture,
    }
    if m.quantity is not None:
        q = m.quantity
        row.update(value=q.value, unit=q.unit, low=q.low, high=q.high)
        row["alternatives"] = [{"value": a.value, "unit": a.unit} for a in m.alternatives]
    else:
        row.update(
            value=m.date.label if m.date else None,
            unit=m.date.precision if m.date else None,
            low=m.date.start.isoformat() if m.date else None,
            high=m.date.end.isoformat() if m.date else None,
        )
    return row


def same(want: Any, got: Any) -> bool:
    if isinstance(want, str) and isinstance(got, float):
        try:
            want = float(want)  # YAML reads 22.2e9 as a string
        except ValueError:
            return False
    if isinstance(want, bool) or want is None:
        return want is got or want == got
    if isinstance(want, int | float) and isinstance(got, int | float):
        if math.isinf(want) or math.isinf(got):
            return want == got
        return math.isclose(float(want), float(got), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(
            all(same(w[k], g.get(k)) for k in w) for w, g in zip(want, got, strict=True)
        )
    return str(want) == str(got)


@pytest.mark.parametrize("case", load_cases())
def test_case(case: dict[str, Any]) -> None:
    mentions = extract_text(case["text"], case.get("published"))
    by_text: dict[str, list[Mention]] = {}
    for m in mentions:
        by_text.setdefault(m.text, []).append(m)
    found = sorted((m.text, m.kind) for m in mentions)
    for want in case.get("expect", []):
        candidates = by_text.get(want["text"], [])
        assert candidates, f"no mention {want['text']!r}; found {found}"
        rows = [observed(m) for m in candidates]
        keys = [k for k in want if k != "text"]
        wanted = {k: want[k] for k in keys}
        assert any(all(same(want[k], row.get(k)) for k in keys) for row in rows), (
            f"{want['text']!r}: want {wanted}, got {rows}"
        )
    for text in case.get("absent", []):
        assert text not in by_text, f"{text!r} must not be a mention; found {found}"
    if case.get("only"):
        wanted = {w["text"] for w in case.get("expect", [])}
        extra = [m.text for m in mentions if not m.furniture and m.text not in wanted]
        assert not extra, f"unexpected mentions {extra}"
