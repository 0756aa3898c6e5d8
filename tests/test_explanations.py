"""Explanations agree with the statuses they explain, whatever the claims (a property test).

A conflict's explanation is written from the same comparison that decided it, so it can never
say "do not overlap" of intervals that overlap, and every pair of values that cannot both hold
is reported (three sources, three years: three conflicts).
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.checks import agreement, subperiod_bound
from factcheck.checks.base import CheckContext, overlap
from factcheck.models import Claim, Period
from factcheck.spec import MetricSpec

YEAR = Period.model_validate({"start": "2022-01-01", "end": "2022-12-31"})
ELEVEN = Period.model_validate({"start": "2022-01-01", "end": "2022-11-30"})
METRICS = {
    "m": MetricSpec.model_validate({"id": "m", "unit": "USD", "period": "required", "flow": True})
}

interval = st.tuples(
    st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=12)
).map(lambda t: (float(t[0]), float(t[0] + t[1])))
open_end = st.sampled_from(["low", "high", None])


def claim(i: int, iv: tuple[float, float], open_at: str | None, period: Period) -> Claim:
    low, high = iv
    return Claim(
        id=f"c{i}",
        source=f"s{i % 4}",
        metric="m",
        value=(low + high) / 2,
        unit="USD",
        low=None if open_at == "low" else low,
        high=None if open_at == "high" else high,
        period=period,
        quote=f"claim {i}",
        line=i + 1,
        column=1,
        start=i * 10,
        end=i * 10 + 5,
    )


claims_of = st.lists(st.tuples(interval, open_end), min_size=2, max_size=9)
tolerances = st.sampled_from(["0", "1 percent", "10 percent"])


@settings(max_examples=200, deadline=None)
@given(claims_of, tolerances)
def test_agreement_explanations_match_their_statuses(
    specs: list[tuple[tuple[float, float], str | None]], tolerance: str
) -> None:
    cs = [claim(i, iv, o, YEAR) for i, (iv, o) in enumerate(specs)]
    spec = agreement.Spec(id="m.agree", kind="agreement", metric="m", tolerance=tolerance)
    tol = spec.tolerance_fraction
    findings = agreement.check(spec, CheckContext(claims=cs, metrics=METRICS, facts=[]))
    by_id = {c.id: c for c in cs}
    conflicting: set[frozenset[str]] = set()
    for f in findings:
        group = [by_id[i] for i in f.claims]
        if f.status == "conflict":
            a, b = group
            assert not overlap(a.interval(), b.interval(), tol), f.explanation
            assert "do not overlap" in f.explanation
            conflicting.add(frozenset(f.claims))
        else:
            assert "do not overlap" not in f.explanation
            for a, b in itertools.combinations(group, 2):
                assert overlap(a.interval(), b.interval(), tol), f.explanation
    # Every claim that agrees with no other claim in its group is in some conflict, and two
    # claims reported together in an agreement never conflict.
    named = {i for pair in conflicting for i in pair}
    agreeing = {i for f in findings if f.status == "agreement" for i in f.claims}
    for c in cs:
        apart = [d for d in cs if d is not c and not overlap(c.interval(), d.interval(), tol)]
        if apart and c.id not in agreeing:
            assert c.id in named


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(interval, open_end), min_size=1, max_size=5),
    st.lists(st.tuples(interval, open_end), min_size=1, max_size=5),
)
def test_part_of_whole_explanations_match_their_statuses(
    wholes: list[tuple[tuple[float, float], str | None]],
    parts: list[tuple[tuple[float, float], str | None]],
) -> None:
    cs = [claim(i, iv, o, YEAR) for i, (iv, o) in enumerate(wholes)]
    cs += [claim(len(cs) + i, iv, o, ELEVEN) for i, (iv, o) in enumerate(parts)]
    spec = subperiod_bound.Spec(id="m.part", kind="subperiod_bound", metric="m")
    findings = subperiod_bound.check(spec, CheckContext(claims=cs, metrics=METRICS, facts=[]))
    by_id = {c.id: c for c in cs}
    for f in findings:
        group = [by_id[i] for i in f.claims]
        whole = [c for c in group if c.period == YEAR]
        part = [c for c in group if c.period == ELEVEN]
        if f.status == "conflict":
            assert len(whole) == len(part) == 1
            assert part[0].interval()[0] > whole[0].interval()[1]
            assert "cannot exceed" in f.explanation
        else:
            for w, p in itertools.product(whole, part):
                assert p.interval()[0] <= w.interval()[1] * (1 + 1e-9), f.explanation
