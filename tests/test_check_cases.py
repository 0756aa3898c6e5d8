"""Check kinds as data: tests/fixtures/checks/<kind>.yaml, claims + a check spec → findings.

Each file is one kind's cases:

    kind: agreement
    metrics:                       # as in a rule file; shared by the cases (a case may add more)
      - {id: trade_turnover, unit: USD, period: required}
    cases:
      - name: rounding_intervals_that_touch_agree
        check: {metric: trade_turnover, tolerance: "1 percent"}   # id and kind are filled in
        facts: [...]               # optional, as in a rule file
        published: {s1: 2023-02-03}                               # optional, per source
        claims:
          - {id: a, source: s1, value: 22.2bn, low: 22.15bn, high: 22.25bn, period: 2022}
        findings:                  # exactly these, in any order; [] for none
          - {status: agreement, claims: [a, b], message: "agree", known_fact: false}

A claim's `metric` defaults to the check's, `unit` to its metric's, `subject` to the file's
`subject`, `low`/`high` to the value (a date's to the span it names; `null` is unbounded),
`modality` to actual.  Amounts may be written `22.2bn`.  `period` is YYYY, YYYY-MM or
START/END, and so is a stock's `as_of`.  A finding matches on `status`, the set of `claims`, and, when given, `known_fact`,
`fact`, `metric`, and fragments of `message` and `explanation`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from factcheck.checks import REGISTRY, CheckContext
from factcheck.checks.base import date_span
from factcheck.models import Claim, Finding, Period
from factcheck.rules import BUILTIN_METRICS
from factcheck.spec import FactSpec, MetricSpec

FIXTURES = Path(__file__).parent / "fixtures" / "checks"


def load_cases() -> list[Any]:
    params = []
    for f in sorted(FIXTURES.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            params.append(pytest.param(doc, case, id=f"{f.stem}:{case['name']}"))
    return params


def amount(x: Any) -> float:
    if isinstance(x, str):
        t = x.strip()
        for suffix, scale in (("tn", 1e12), ("bn", 1e9), ("m", 1e6)):
            if t.endswith(suffix):
                return float(t[: -len(suffix)]) * scale
        return float(t)
    return float(x)


def as_period(p: Any) -> Period | None:
    if p is None:
        return None
    a, _, b = str(p).partition("/")
    return Period(start=date_span(a)[0], end=date_span(b or a)[1])


def iso(x: Any) -> str:
    return x.isoformat() if isinstance(x, dt.date) else str(x)


def build_claim(
    rec: dict[str, Any],
    i: int,
    default_metric: str,
    doc: dict[str, Any],
    metrics: dict[str, MetricSpec],
) -> Claim:
    metric = rec.get("metric", default_metric)
    unit = rec.get("unit", metrics[metric].unit if metric in metrics else None)
    low: float | str | None
    high: float | str | None
    members: tuple[str, ...] = ()
    if unit == "entities":
        members = tuple(rec["value"])
        value: float | str = ", ".join(members)
        low = high = None
    elif unit in ("year", "date"):
        value = iso(rec["value"])
        first, last = date_span(str(value))
        low = iso(rec["low"]) if "low" in rec else first.isoformat()
        high = iso(rec["high"]) if "high" in rec else last.isoformat()
    else:
        value = amount(rec["value"])
        low = (None if rec["low"] is None else amount(rec["low"])) if "low" in rec else value
        high = (None if rec["high"] is None else amount(rec["high"])) if "high" in rec else value
    return Claim(
        id=rec["id"],
        source=rec.get("source", "s1"),
        metric=metric,
        subject=tuple(rec.get("subject", doc.get("subject", []))),
        value=value,
        unit=unit,
        low=low,
        high=high,
        period=as_period(rec.get("period")),
        qualifier=rec.get("qualifier", "exact"),
        modality=rec.get("modality", "actual"),
        quote=rec.get("quote", f"claim {rec['id']}"),
        line=i + 1,
        column=1,
        start=i * 100,
        end=i * 100 + 10,
        weekday=rec.get("weekday"),
        members=members,
        attribution=rec.get("attribution"),
        as_of=as_period(rec.get("as_of")),
    )


def run_case(doc: dict[str, Any], case: dict[str, Any]) -> tuple[list[Finding], dict[str, Any]]:
    kind = doc["kind"]
    module = REGISTRY[kind]
    metrics = dict(BUILTIN_METRICS)
    for m in [*doc.get("metrics", []), *case.get("metrics", [])]:
        metrics[m["id"]] = MetricSpec.model_validate(m)
    spec = module.Spec.model_validate({"id": f"{kind}.case", "kind": kind, **case["check"]})
    default_metric = case["check"].get("metric") or ""
    claims = [
        build_claim(rec, i, default_metric, doc, metrics) for i, rec in enumerate(case["claims"])
    ]
    facts = [FactSpec.model_validate(f) for f in [*doc.get("facts", []), *case.get("facts", [])]]
    published = {str(k): v for k, v in (case.get("published") or {}).items()}
    ctx = CheckContext(claims=claims, metrics=metrics, facts=facts, published=published)
    return module.check(spec, ctx), case


def matches(want: dict[str, Any], f: Finding) -> bool:
    if f.status != want["status"] or sorted(f.claims) != sorted(want["claims"]):
        return False
    for key in ("known_fact", "fact", "metric"):
        if key in want and getattr(f, key) != want[key]:
            return False
    return want.get("message", "") in f.message and want.get("explanation", "") in f.explanation


def show(findings: list[Finding]) -> str:
    return "\n".join(
        f"  {f.status} {list(f.claims)}: {f.message} | {f.explanation}" for f in findings
    )


@pytest.mark.parametrize(("doc", "case"), load_cases())
def test_case(doc: dict[str, Any], case: dict[str, Any]) -> None:
    got, case = run_case(doc, case)
    want = case["findings"]
    left = list(got)
    for w in want:
        hit = next((f for f in left if matches(w, f)), None)
        assert hit is not None, f"no finding {w}; got:\n{show(got)}"
        left.remove(hit)
    assert not left, f"unexpected findings:\n{show(left)}"
    for f in got:
        assert f.rule == f"{doc['kind']}.case"
        assert f.kind == doc["kind"]
        assert f.severity == ("error" if f.status == "conflict" else "info")


def test_every_kind_has_passing_and_failing_cases() -> None:
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for f in sorted(FIXTURES.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert f.stem == doc["kind"], f"{f.name} holds cases of {doc['kind']}"
        by_kind[doc["kind"]] = doc["cases"]
    assert sorted(by_kind) == sorted(REGISTRY)
    for kind, cases in by_kind.items():
        statuses = [{w["status"] for w in c["findings"]} for c in cases]
        assert any("conflict" in s for s in statuses), f"{kind}: no failing case"
        assert any("conflict" not in s for s in statuses), f"{kind}: no passing case"
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), f"{kind}: case names repeat"
