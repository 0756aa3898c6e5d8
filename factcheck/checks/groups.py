"""Checks as group-bys: which claims a check reads, so it can run group by group, anywhere.

Every check kind compares claims of a few metrics, and only claims of one subject with each
other (agreement and subperiod_bound group by subject and period, growth matches levels of
the growth's own subject; known_fact, range and calendar look at one claim at a time).  So a
check over an archive is the union of the same check over each subject's claims of the metrics
it reads: `parts` cuts a rule set's checks so, and worker processes or a cluster run the parts
(`run_part`) while the process that asked keeps none of the claims it does not report.

The findings of the parts, sorted by `finding_key`, are the findings of one `engine.check`
over all claims, in the same order: two findings with the same key name the same claims, so
they come from one part, where the check made them in the order it always does.

A kind not listed in `_READS` reads every claim and is not cut: correct, but not parallel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from factcheck.checks import REGISTRY, CheckContext, CheckSpec, run
from factcheck.checks.calendar import WEEKDAY_METRIC
from factcheck.models import Claim, Finding
from factcheck.spec import FactSpec

# The metrics a check of each kind reads (None: every claim).
_READS: dict[str, Callable[[Any, Sequence[FactSpec]], tuple[str, ...] | None]] = {
    "agreement": lambda s, _: (s.metric,),
    "subperiod_bound": lambda s, _: (s.metric,),
    "range": lambda s, _: (s.metric,),
    "growth": lambda s, _: (s.metric, s.level),
    "known_fact": lambda s, facts: (
        (s.metric,) if s.metric else tuple(sorted({f.metric for f in facts}))
    ),
    "calendar": lambda s, _: (WEEKDAY_METRIC, *s.event_metrics),
}

# Kinds whose check compares a claim with claims of its own source only, or with none: a part
# of theirs can be cut further, source by source (`parts`'s `most`).
_OWN_SOURCE: dict[str, Callable[[Any], bool]] = {
    "growth": lambda s: not s.across_sources,
    "range": lambda s: True,
    "known_fact": lambda s: True,
    "calendar": lambda s: True,
}

# Claims as models, or as `factcheck.wire` tuples on their way to another process.
C = TypeVar("C")
# A part: the index of a check in the rule set and the claims it reads, of one subject (and,
# cut further, of some of its sources).
Part = tuple[int, list[C]]
FindingKey = tuple[Any, ...]


def reads(spec: CheckSpec, facts: Sequence[FactSpec]) -> tuple[str, ...] | None:
    kind: str = spec.kind  # type: ignore[attr-defined]
    fn = _READS.get(kind) if kind in REGISTRY else None
    return fn(spec, facts) if fn is not None else None


def parts(
    specs: Sequence[CheckSpec],
    facts: Sequence[FactSpec],
    by_metric_subject: Mapping[tuple[str, tuple[str, ...]], list[C]],
    source_of: Callable[[C], str] | None = None,
    most: int = 0,
) -> list[Part[C]]:
    """Each check's claims, cut by subject where the kind allows: a part per (check, subject),
    in subject order.

    `by_metric_subject` holds the claims by metric and subject.  With `source_of` (the source
    of an item) and `most`, a part of more than `most` items of a kind that compares claims
    within one source (`_OWN_SOURCE`) is cut into parts of whole sources, of about `most`
    items each: one large story's subject is then not one worker's long task while the others
    wait for it (in the 10k bench archive, one growth check's part was a quarter of the
    checks' CPU).
    """
    cut: list[tuple[tuple[str, ...], int, int, list[C]]] = []
    whole: list[Part[C]] = []
    subjects: dict[str, list[tuple[str, ...]]] = {}
    for metric, subject in by_metric_subject:
        subjects.setdefault(metric, []).append(subject)
    for i, spec in enumerate(specs):
        metrics = reads(spec, facts)
        if metrics is None:
            every = [c for claims in by_metric_subject.values() for c in claims]
            if every:
                whole.append((i, every))
            continue
        by_subject: dict[tuple[str, ...], list[C]] = {}
        for m in dict.fromkeys(metrics):
            for subject in subjects.get(m, ()):
                by_subject.setdefault(subject, []).extend(by_metric_subject[(m, subject)])
        own = spec.kind in _OWN_SOURCE and _OWN_SOURCE[spec.kind](spec)  # type: ignore[attr-defined]
        for s, claims in by_subject.items():
            if own and source_of is not None and 0 < most < len(claims):
                cut.extend((s, i, k, c) for k, c in enumerate(_by_source(claims, source_of, most)))
            else:
                cut.append((s, i, 0, claims))
    # Subject by subject, each subject's checks together: the checks reading one metric then
    # read its claims one after the other, so a worker decodes them once and keeps them only
    # that long (the order of findings comes from their keys, not from the parts').
    cut.sort(key=lambda x: (x[0], x[1], x[2]))
    return [(i, claims) for _, i, _, claims in cut] + whole


def _by_source(items: list[C], source_of: Callable[[C], str], most: int) -> list[list[C]]:
    """`items` in lists of whole sources (in the order they first come), of about `most`."""
    by: dict[str, list[C]] = {}
    for x in items:
        by.setdefault(source_of(x), []).append(x)
    out: list[list[C]] = [[]]
    for group in by.values():
        if out[-1] and len(out[-1]) + len(group) > most:
            out.append([])
        out[-1].extend(group)
    return out


def run_part(
    spec: CheckSpec,
    claims: Sequence[Claim],
    metrics: Mapping[str, Any],
    facts: Sequence[FactSpec],
    published: Mapping[str, dt.date | None],
) -> list[tuple[FindingKey, Finding]]:
    """One check over one part's claims: its findings, each with its place in the report."""
    ctx = CheckContext(claims=claims, metrics=dict(metrics), facts=facts, published=dict(published))
    found = run(spec, ctx)
    pos = {c.id: (c.source, c.line, c.column) for c in claims}
    return [(finding_key(f, pos), f) for f in found]


def finding_key(f: Finding, pos: Mapping[str, tuple[str, int, int]]) -> FindingKey:
    """Findings by (first claim's source, line, column, rule id): the order never varies."""
    first = min([pos[i] for i in f.claims if i in pos], default=("", 0, 0))
    return (*first, f.rule, f.status, f.claims)


def balanced(sizes: Iterable[int], bins: int) -> list[list[int]]:
    """Indices of `sizes` in `bins` groups of about equal total, largest first (deterministic)."""
    order = sorted(enumerate(sizes), key=lambda x: (-x[1], x[0]))
    loads = [0] * max(1, bins)
    out: list[list[int]] = [[] for _ in loads]
    for i, size in order:
        b = loads.index(min(loads))
        out[b].append(i)
        loads[b] += max(1, size)
    return [sorted(b) for b in out if b]
