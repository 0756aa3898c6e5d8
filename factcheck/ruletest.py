"""`factcheck rules test`: a metric's examples are its tests.

A metric carries `examples:` (or a `tests/*.yaml` file beside the rules lists them, each naming
its `metric:`): a sentence, optionally the article's date, and the claim the metric must make
of it, or `none`.  Each runs through the same extractor and Binder as a report, with a
`BindTrace`, so a failure says what bound instead or why nothing did, in the binder's own
words.  Results are `Problem`s, located at the example in its YAML file, rendered as text
(`path:line:col: example N: expected …, got …`), GitHub annotations or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from factcheck.bind.binder import Binder
from factcheck.bind.trace import BindTrace, FigureTrace
from factcheck.checks.base import quantity_in, show_value
from factcheck.errors import ErrorGroup, FactcheckError, Location
from factcheck.extract import extract
from factcheck.ingest import SourceMeta, build_source
from factcheck.models import Claim, Period
from factcheck.report.github import command
from factcheck.rules import RULE_SUFFIXES, RuleSet, load_rules, rule_files, validate_as
from factcheck.spec import Example, ExpectedClaim, MetricExample, Strict
from factcheck.units import UnitError
from factcheck.yamlload import load_yaml

TESTS_FOLDER = "tests"


class RuleTestFile(Strict):
    """A rules/tests/*.yaml file: examples that name their metric."""

    examples: tuple[MetricExample, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A located message: a failed example, or a mistake in a rule file."""

    path: str
    line: int | None
    column: int | None
    message: str
    code: str = ""
    hint: str = ""

    @property
    def where(self) -> str:
        return str(Location(self.path, self.line, self.column))


@dataclass(frozen=True)
class Case:
    """One example, where it is written and the metric it tests."""

    metric: str
    number: int  # 1-based, within its metric (or its tests file)
    example: Example
    location: Location


def problems_of(exc: FactcheckError) -> list[Problem]:
    errors = exc.errors if isinstance(exc, ErrorGroup) else [exc]
    return [
        Problem(e.location.path, e.location.line, e.location.column, e.message, e.code, e.hint)
        for e in errors
    ]


def collect(paths: Sequence[Path], rules: RuleSet) -> list[Case]:
    """Every example: the metrics' own, in file order, then those of each `tests/` folder."""
    cases: list[Case] = []
    errors: list[FactcheckError] = []
    for f in rule_files(paths):
        doc = load_yaml(f)
        data = doc.value if isinstance(doc.value, dict) else {}
        for i, raw in enumerate(data.get("metrics") or ()):
            metric = rules.metrics.get(str(raw.get("id"))) if isinstance(raw, dict) else None
            for j, ex in enumerate(metric.examples if metric else ()):
                loc = doc.location(("metrics", i, "examples", j))
                cases.append(Case(metric.id, j + 1, ex, loc))  # type: ignore[union-attr]
    for folder in paths:
        tests = folder / TESTS_FOLDER
        if not folder.is_dir() or not tests.is_dir():
            continue
        for f in sorted(p for p in tests.iterdir() if p.suffix in RULE_SUFFIXES):
            doc = load_yaml(f)
            parsed = validate_as(RuleTestFile, doc, errors)
            for j, ex in enumerate(parsed.examples if parsed else ()):
                loc = doc.location(("examples", j))
                if ex.metric not in rules.metrics:
                    errors.append(
                        FactcheckError(
                            f"unknown metric {ex.metric!r}",
                            doc.location(("examples", j, "metric")),
                            "name a metric of the rules under test",
                            "FC106",
                        )
                    )
                    continue
                cases.append(Case(ex.metric, j + 1, ex, loc))
    if errors:
        raise ErrorGroup(errors)
    return cases


def run(paths: Sequence[Path]) -> tuple[int, list[Problem]]:
    """(examples run, failures).  Raises the rules' own errors, located, as `rules check`."""
    rules = load_rules(paths)
    cases = collect(paths, rules)
    binder = Binder(rules)
    return len(cases), [p for c in cases if (p := _run_case(binder, rules, c)) is not None]


def _run_case(binder: Binder, rules: RuleSet, case: Case) -> Problem | None:
    ex = case.example
    source = build_source(
        "example", case.location.path, ex.text, meta=SourceMeta(published=ex.published)
    )
    trace = BindTrace()
    claims, _ = binder.bind(source, extract(source), trace)
    mine = [c for c in claims if c.metric == case.metric]
    if ex.claim == "none":
        if not mine:
            return None
        return _problem(case, "expected no claim", f"got {_show(mine)}")
    unit = rules.metrics[case.metric].unit
    if any(matches(ex.claim, c, unit) for c in mine):
        return None
    got = f"got {_show(mine)}" if mine else "got no claim of it"
    others = [c for c in claims if c.metric not in (case.metric, "weekday")]
    if others:
        got += f"; bound instead: {_show(others)}"
    if not mine:
        why = _why_not(trace, case.metric)
        if why:
            got += f"; why nothing bound: {why}"
    return _problem(case, f"expected {_expected(ex.claim)}", got)


def _problem(case: Case, expected: str, got: str) -> Problem:
    loc = case.location
    return Problem(
        loc.path,
        loc.line,
        loc.column,
        f"example {case.number} of {case.metric}: {expected}, {got}",
    )


def _show(claims: Sequence[Claim]) -> str:
    return "; ".join(
        f"{c.metric} = {show_value(c)}"
        + (f" for {c.period.label}" if c.period else "")
        + (f" of {', '.join(c.subject)}" if c.subject else "")
        + (f" ({c.modality})" if c.modality != "actual" else "")
        for c in claims
    )


def _expected(want: ExpectedClaim) -> str:
    return ", ".join(f"{k} {v}" for k, v in want.model_dump(exclude_none=True).items())


def _why_not(trace: BindTrace, metric: str) -> str:
    """For each figure: what stopped `metric` there, or why no metric was weighed."""
    out = []
    for f in sorted(trace.figures.values(), key=lambda f: f.mention.span.start):
        reason = _figure_reason(f, metric)
        if reason:
            out.append(f"{f.mention.text!r}: {reason}")
    return "; ".join(out)


def _figure_reason(f: FigureTrace, metric: str) -> str:
    mine = next((v for v in f.verdicts if v.metric == metric), None)
    if mine is not None:
        return f.dropped if mine.bound and f.dropped else mine.reason
    if f.skipped:
        return f.skipped
    return f"{metric}'s cue is not in its sentence"


# ---------------------------------------------------------------------- matching


def period_of(text: object) -> Period | None:
    """'2022' → the year, '2022-11' → the month, '2022-01/2022-11' → the months; 'none' → None."""
    if text is None or str(text).lower() == "none":
        return None
    a, _, b = str(text).partition("/")
    b = b or a

    def first(s: str) -> dt.date:
        y, *m = s.split("-")
        return dt.date(int(y), int(m[0]) if m else 1, int(m[1]) if len(m) > 1 else 1)

    def last(s: str) -> dt.date:
        y, *m = s.split("-")
        if len(m) > 1:
            return dt.date(int(y), int(m[0]), int(m[1]))
        yy, mo = int(y), int(m[0]) if m else 12
        return dt.date(yy + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)

    return Period(start=first(a), end=last(b))


def same_value(want: object, got: float | str, unit: str | None) -> bool:
    if isinstance(got, str):
        return str(want) == got
    if isinstance(want, (int, float)):
        number = float(want)
    else:
        try:
            number = quantity_in(str(want), unit)
        except UnitError:
            return False
    return abs(number - got) <= 1e-9 * max(abs(got), 1.0)


def matches(want: ExpectedClaim, c: Claim, unit: str | None = None) -> bool:
    if not same_value(want.value, c.value, c.unit or unit):
        return False
    if want.unit is not None and c.unit != want.unit:
        return False
    if "period" in want.model_fields_set and c.period != period_of(want.period):
        return False
    if want.subject is not None and tuple(c.subject) != want.subject:
        return False
    if want.modality is not None and c.modality != want.modality:
        return False
    return want.qualifier is None or c.qualifier == want.qualifier


# ---------------------------------------------------------------------- output


def render(problems: Sequence[Problem], fmt: str, summary: str) -> str:
    """Problems as `text` (path:line:col: message), `github` annotations or `json`."""
    if fmt == "json":
        body = {"ok": not problems, "summary": summary, "problems": [asdict(p) for p in problems]}
        return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    lines = []
    for p in problems:
        if fmt == "github":
            text = p.message + (f"\nhint: {p.hint}" if p.hint else "")
            title = f"factcheck {p.code}" if p.code else "factcheck rules"
            lines.append(
                command("error", text, file=p.path, line=p.line, col=p.column, title=title)
            )
        else:
            code = f" [{p.code}]" if p.code else ""
            lines.append(f"{p.where}: {p.message}{code}")
            if p.hint:
                lines.append(f"  hint: {p.hint}")
    lines.append(summary)
    return "\n".join(lines) + "\n"
