"""Binding cases as data: tests/fixtures/bind/*.yaml, article text + rules → expected claims.

Each file names the rules it binds with (`rules:`, a path relative to the repository, default
`rules/`) and a list of cases:

    - name: with_china_changes_the_counterparty
      published: 2023-02-02          # optional
      text: "Thus, trade turnover ... an increase of 5%. But with China the growth was 34,9%."
      claims:                        # each must be found (matched by metric and value)
        - {metric: trade_turnover_growth, value: 34.9, subject: [Kazakhstan, China],
           period: 2022, modality: actual}
      not_claims: [{value: 80}]      # optional: no claim of any metric with this value
      # `attribution` (who states the figure: a body's id, the words, or null) is matched too
      only: true                     # optional: no other claims besides weekday claims

`period` is written like the gold file: YYYY, YYYY-MM, YYYY-MM-DD or START/END; null for none.  A stock's
`as_of` is its moment: a day (2021-03-03), a month (2021-03), a year, or null when open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from factcheck.bind.binder import Binder
from factcheck.extract import extract
from factcheck.ingest import SourceMeta, build_source
from factcheck.models import Claim, Period
from factcheck.rules import RuleSet, load_rules
from factcheck.ruletest import period_of

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "bind"
_RULES: dict[str, RuleSet] = {}


def rules_for(path: str) -> RuleSet:
    if path not in _RULES:
        _RULES[path] = load_rules([ROOT / path])
    return _RULES[path]


def load_cases() -> list[Any]:
    params = []
    for f in sorted(FIXTURES.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for case in doc.get("cases", []):
            case.setdefault("rules", doc.get("rules", "rules"))
            params.append(pytest.param(case, id=f"{f.stem}:{case['name']}"))
    return params


def as_period(p: Any) -> Period | None:
    return period_of(p)


def same_value(want: Any, got: float | str) -> bool:
    if isinstance(got, str):
        return str(want) == got
    return abs(float(want) - got) <= 1e-9 * max(abs(got), 1.0)


def matches(want: dict[str, Any], c: Claim) -> bool:
    if "metric" in want and c.metric != want["metric"]:
        return False
    if "value" in want and not same_value(want["value"], c.value):
        return False
    if "subject" in want and list(c.subject) != list(want["subject"]):
        return False
    if "period" in want and c.period != as_period(want["period"]):
        return False
    for key in ("modality", "qualifier", "unit", "attribution"):
        if key in want and getattr(c, key) != want[key]:
            return False
    if "as_of" in want:
        got = c.as_of.moment_label if c.as_of else None
        return got == (None if want["as_of"] is None else str(want["as_of"]))
    return True


@pytest.mark.parametrize("case", load_cases())
def test_case(case: dict[str, Any]) -> None:
    rules = rules_for(case["rules"])
    source = build_source(
        "case", "case.txt", case["text"], meta=SourceMeta(published=case.get("published"))
    )
    claims, unbound = Binder(rules).bind(source, extract(source))
    shown = [
        (c.metric, c.value, c.subject, c.period.label if c.period else None, c.modality)
        for c in claims
    ]
    for want in case.get("claims", []):
        assert any(matches(want, c) for c in claims), f"no claim {want}; got {shown}"
    for bad in case.get("not_claims", []):
        assert not any(matches(bad, c) for c in claims), f"unexpected claim {bad}; got {shown}"
    for want in case.get("unbound", []):
        # A figure a metric took but could make no claim of, with the reason coverage shows.
        assert any(u.text == want["text"] and want["reason"] in u.reason for u in unbound), (
            f"no unbound {want}; got {[(u.text, u.reason) for u in unbound]}"
        )
    if case.get("only"):
        extra = [
            c
            for c in claims
            if c.metric != "weekday" and not any(matches(w, c) for w in case["claims"])
        ]
        assert not extra, f"unexpected claims {[(c.metric, c.value) for c in extra]}"
