"""The checks' shortcuts keep their answers: the sweep, the order of claims, the remembered texts.

`agreement.most_covered` replaced a sweep over tagged events; it must pick the same point for
any intervals, touching, nested, open-ended or repeated.  The checks read claims in claim
order whatever order the context is given them in, so shuffling must not change what they
find.  `ClaimTexts` remembers a claim's texts by identity, so an equal-looking claim with other
values gets its own.
"""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
import test_check_cases
from hypothesis import given
from hypothesis import strategies as st

from factcheck.checks.agreement import most_covered
from factcheck.checks.base import ClaimTexts, show_interval
from factcheck.models import Claim, Period


def events_sweep(ivs: list[tuple[float, float]]) -> float:
    """The sweep most_covered replaced: starts sort before ends at equal points."""
    events = sorted(
        [(lo, 0, i) for i, (lo, _) in enumerate(ivs)]
        + [(hi, 1, i) for i, (_, hi) in enumerate(ivs)]
    )
    depth = best = 0
    best_point = -math.inf
    for x, end, _ in events:
        if end:
            depth -= 1
        else:
            depth += 1
            if depth > best:
                best, best_point = depth, x
    return best_point


ENDS = st.one_of(st.integers(-5, 5).map(float), st.sampled_from([-math.inf, math.inf]))


@given(st.lists(st.tuples(ENDS, ENDS).map(lambda p: (min(p), max(p))), max_size=12))
def test_most_covered_is_the_events_sweep(ivs: list[tuple[float, float]]) -> None:
    assert most_covered(ivs) == events_sweep(ivs)


@pytest.mark.parametrize(("doc", "case"), test_check_cases.load_cases())
def test_checks_ignore_the_order_claims_come_in(
    doc: dict[str, Any], case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    want, _ = test_check_cases.run_case(doc, case)
    real = test_check_cases.CheckContext

    def shuffled(claims: list[Claim], **kw: Any) -> Any:
        claims = list(reversed(claims))
        random.Random(len(claims)).shuffle(claims)
        return real(claims=claims, **kw)

    monkeypatch.setattr(test_check_cases, "CheckContext", shuffled)
    got, _ = test_check_cases.run_case(doc, case)
    assert sorted(f.model_dump_json() for f in got) == sorted(f.model_dump_json() for f in want)


def test_claim_texts_are_those_of_the_claim_asked_about() -> None:
    texts = ClaimTexts()
    p = Period.model_validate({"start": "2022-01-01", "end": "2022-12-31"})
    a = Claim(
        id="a", source="s", metric="m", value=1.0, unit="USD", low=1.0, high=2.0, period=p,
        quote="q", line=1, column=1, start=0, end=1,
    )  # fmt: skip
    b = a.model_copy(update={"high": 3.0})
    assert texts.show_interval(a) == show_interval(a)
    assert texts.show_interval(b) == show_interval(b) != show_interval(a)
    assert texts.describe(a) == '$1 for 2022 (s:1: "q")'
    assert texts.period_label(p) == "2022"
