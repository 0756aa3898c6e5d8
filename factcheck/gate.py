"""The CI gate: which conflicts are new, which a desk has accepted, which have gone away.

A conflict fails the gate unless the baseline holds its fingerprint.  Known-fact conflicts are
never written to the baseline unless asked for explicitly (`--accept-known-facts`), so a
source that contradicts a recorded fact fails by default.  A conflict whose check has severity
`warning` or `info` is reported but does not fail, as a desk asked by choosing that severity.

The renderers in `factcheck.report.{text,github,sarif,junit}` read a `GateResult`; none of this
module decides exit codes (that is the CLI's job).  The report may be one read back from disk
(`factcheck.spill`): what is kept of its claims is those its conflicts name, and where the
first claim of every other finding stands (`GateResult.shown_at`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from factcheck.baseline import Baseline, BaselineEntry, entry_for, finding_fingerprint
from factcheck.ingest import LineIndex
from factcheck.models import Claim, Finding, Report, SourceInfo
from factcheck.report.common import ReportData


@dataclass(frozen=True)
class RuleInfo:
    """A check of the rule set, as the formats that list every check need it."""

    id: str
    kind: str
    severity: str = "error"
    description: str = ""
    metric: str = ""  # the metric it checks, when it checks one
    metric_description: str = ""
    seconds: float = 0.0  # how long the check ran (JUnit's `time`)


@dataclass(frozen=True)
class Place:
    """Where a claim stands: a path as a user would type it and the figure's span."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class GateFinding:
    finding: Finding
    fingerprint: str
    claims: tuple[Claim, ...]
    # The claim the finding is shown at: the one the baseline does not know, when there is one.
    primary: Claim
    baseline: BaselineEntry | None = None

    @property
    def fails(self) -> bool:
        return self.baseline is None and (
            self.finding.known_fact or self.finding.severity == "error"
        )


@dataclass(frozen=True)
class GateResult:
    report: ReportData
    texts: Mapping[str, str]
    new: tuple[GateFinding, ...]
    baselined: tuple[GateFinding, ...]
    fixed: tuple[BaselineEntry, ...]
    rules: tuple[RuleInfo, ...] = ()  # every check, so formats can list those that found nothing
    baseline_path: str | None = None
    root: Path = field(default_factory=Path.cwd)
    # The report's JSON text where it is ready elsewhere (a spilled run's), for `render_json`.
    json: Callable[[], Iterator[str]] | None = field(default=None, compare=False, repr=False)
    _places: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)
    _sources: dict[str, SourceInfo] = field(default_factory=dict, compare=False, repr=False)

    @property
    def failed(self) -> bool:
        return any(g.fails for g in self.new)

    @property
    def failing(self) -> tuple[GateFinding, ...]:
        return tuple(g for g in self.new if g.fails)

    def source(self, source_id: str) -> SourceInfo | None:
        if not self._sources:
            for s in self.report.sources:
                self._sources.setdefault(s.id, s)  # the first of an id, as a search finds
        return self._sources.get(source_id)

    def shown_at(self) -> dict[int, Place]:
        """Where each finding that is no conflict of the gate's is shown (by its index among
        the report's findings): at the first of its claims the report carries.  One pass over
        the claims, keeping their places, not the claims."""
        gated = {id(g.finding) for g in (*self.new, *self.baselined)}
        wanted = {cid for f in self.report.findings if id(f) not in gated for cid in f.claims}
        places: dict[str, Place] = {}
        for c in self.report.claims:
            if c.id in wanted:
                places[c.id] = self.place(c)
        out: dict[int, Place] = {}
        for i, f in enumerate(self.report.findings):
            if id(f) not in gated:
                place = next((places[cid] for cid in f.claims if cid in places), None)
                if place is not None:
                    out[i] = place
        return out

    def place(self, c: Claim) -> Place:
        """The claim's span as path:line:column..end_line:end_column, from the source text."""
        if c.id in self._places:
            return self._places[c.id]
        info = self.source(c.source)
        path = display_path(info.path, self.root) if info else c.source
        text = self.texts.get(c.source)
        if text is None:
            p = Place(path, c.line, c.column, c.line, c.column + max(c.end - c.start, 0))
        else:
            index = LineIndex(text)
            line, column = index.position(c.start)
            end_line, end_column = index.position(c.end)
            p = Place(path, line, column, end_line, end_column)
        self._places[c.id] = p
        return p


def display_path(path: str, root: Path) -> str:
    """`path` relative to `root` with forward slashes when it lies inside, else as given."""
    p = Path(path)
    try:
        absolute = p if p.is_absolute() else Path.cwd() / p
        rel = os.path.relpath(absolute.resolve(), root.resolve())
    except (OSError, ValueError):  # another drive on Windows
        return PurePath(path).as_posix()
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        # Outside the repository a relative path would mean nothing to a dashboard.
        return absolute.resolve().as_posix()
    return PurePath(rel).as_posix()


def evaluate(
    report: ReportData,
    texts: Mapping[str, str],
    baseline: Baseline,
    rules: Sequence[RuleInfo] = (),
    root: Path | None = None,
    json_text: Callable[[], Iterator[str]] | None = None,
) -> GateResult:
    """`json_text`: the report's JSON text, where it is ready (a spilled run's)."""
    claims = conflict_claims(report)
    known_values = {
        (e.metric, c.source, _value_key(c.value)) for e in baseline.entries for c in e.claims
    }
    corroborated = {i for f in report.findings if f.status == "agreement" for i in f.claims}
    new: list[GateFinding] = []
    baselined: list[GateFinding] = []
    seen: set[str] = set()
    for f in report.findings:
        if f.status != "conflict":
            continue
        fp = finding_fingerprint(f, claims)
        cs = tuple(claims[i] for i in f.claims if i in claims)
        if not cs:
            continue
        # A conflict between a new article and an old one is best shown at the new article:
        # the figure no baseline entry knows and no other check corroborates.
        primary = min(
            cs,
            key=lambda c: (
                (f.metric, c.source, _value_key(c.value)) in known_values,
                c.id in corroborated,
            ),
        )
        entry = baseline.get(fp)
        g = GateFinding(f, fp, cs, primary, entry)
        if entry is None:
            new.append(g)
        else:
            baselined.append(g)
            seen.add(fp)
    # An entry whose sources were not all read is not known to be fixed: it is left alone.
    read = {s.id for s in report.sources}
    fixed = tuple(
        e
        for e in baseline.entries
        if e.fingerprint not in seen and all(c.source in read for c in e.claims)
    )
    return GateResult(
        report=report,
        texts=texts,
        new=tuple(new),
        baselined=tuple(baselined),
        fixed=fixed,
        rules=tuple(rules),
        baseline_path=baseline.path,
        root=root or Path.cwd(),
        json=json_text,
    )


def conflict_claims(report: ReportData) -> dict[str, Claim]:
    """The claims the report's conflicts name, by id (one pass over its claims)."""
    named = {cid for f in report.findings if f.status == "conflict" for cid in f.claims}
    return {c.id: c for c in report.claims if c.id in named} if named else {}


def accepted_entries(
    report: ReportData, include_known_facts: bool, already: Baseline | None = None
) -> tuple[list[BaselineEntry], list[Finding]]:
    """Baseline entries for today's conflicts, and the known-fact conflicts left out.

    A known-fact conflict is accepted only with `include_known_facts`, or when the baseline
    `already` holds it: re-running `factcheck baseline` never silently drops one that a desk
    accepted on purpose.
    """
    claims = conflict_claims(report)
    entries: list[BaselineEntry] = []
    skipped: list[Finding] = []
    for f in report.findings:
        if f.status != "conflict":
            continue
        entry = entry_for(f, claims)
        kept = already is not None and already.get(entry.fingerprint) is not None
        if f.known_fact and not include_known_facts and not kept:
            skipped.append(f)
            continue
        entries.append(entry)
    return entries, skipped


def _value_key(v: float | str) -> str:
    return repr(float(v)) if isinstance(v, int | float) else v


def summary_line(result: GateResult) -> str:
    failing = len(result.failing)
    warn = len(result.new) - failing
    parts = [
        f"{failing} new conflict{'s' if failing != 1 else ''}",
    ]
    if warn:
        parts.append(f"{warn} new warning{'s' if warn != 1 else ''}")
    parts.append(f"{len(result.baselined)} baselined")
    parts.append(f"{len(result.fixed)} fixed")
    verdict = "FAILED" if result.failed else "passed"
    return f"factcheck check {verdict}: " + ", ".join(parts)


FIXED_HINT = "no longer occurs; fixed: remove them with `factcheck baseline`"


def gate_section(result: GateResult) -> dict[str, object]:
    """The `gate` part of `factcheck check --format json`: new, baselined and fixed."""

    def item(g: GateFinding) -> dict[str, object]:
        p = result.place(g.primary)
        d: dict[str, object] = {
            "fingerprint": g.fingerprint,
            "rule": g.finding.rule,
            "kind": g.finding.kind,
            "metric": g.finding.metric,
            "severity": g.finding.severity,
            "known_fact": g.finding.known_fact,
            "claims": list(g.finding.claims),
            "path": p.path,
            "line": p.line,
            "column": p.column,
            "message": g.finding.message,
            "fails": g.fails,
        }
        if g.baseline is not None:
            d["reason"] = g.baseline.reason
        return d

    return {
        "failed": result.failed,
        "baseline": result.baseline_path,
        "new": [item(g) for g in result.new],
        "baselined": [item(g) for g in result.baselined],
        "fixed": [e.model_dump(mode="json") for e in result.fixed],
    }


def render_json(result: GateResult) -> str:
    """The JSON report with the gate's section under `gate`, keys sorted."""
    if result.json is None:
        if not isinstance(result.report, Report):
            raise TypeError("the JSON of a report read back from disk is its spill's")
        data = result.report.model_dump(mode="json")
        data["gate"] = gate_section(result)
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    # The report's text as `json_report` writes it (json.dumps's, byte for byte), with the
    # gate's section put where sorting puts "gate": before "rules_sha256", a top-level key
    # that no string inside can fake (a string holds no raw newline).
    text = "".join(result.json())
    gate = json.dumps(gate_section(result), indent=2, sort_keys=True, ensure_ascii=False)
    gate = gate.replace("\n", "\n  ")
    at = text.index('\n  "rules_sha256": ')
    return f'{text[: at - 1]},\n  "gate": {gate},{text[at:]}'
