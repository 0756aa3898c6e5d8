"""The pipeline: sources → mentions → claims → findings → one Report, deterministic.

`analyse_source` (ingest, extract, bind one document) is a pure function of a file and the
rules, so a corpus can be split across processes or a cluster; `check` runs the rule set's
checks over all claims at once and sorts what it finds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from factcheck import checks
from factcheck.bind import Binder
from factcheck.errors import FactcheckError
from factcheck.extract import extract
from factcheck.ingest import SourceMeta, discover, metadata_for, read_source
from factcheck.models import Claim, Finding, Mention, Report, Source, SourceInfo, Unbound
from factcheck.rules import RuleSet


@dataclass(frozen=True)
class Analysed:
    """One document through ingest, extract and bind."""

    source: SourceInfo
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    unbound: tuple[Unbound, ...]


@dataclass
class Corpus:
    analysed: list[Analysed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # source id → text, for reports


def source_info(s: Source) -> SourceInfo:
    return SourceInfo(
        id=s.id,
        path=s.path,
        encoding=s.encoding,
        sha256=s.sha256,
        outlet=s.outlet,
        url=s.url,
        published=s.published,
        as_of=s.as_of,
    )


def analyse_source(source: Source, binder: Binder) -> Analysed:
    mentions = extract(source)
    claims, unbound = binder.bind(source, mentions)
    return Analysed(source_info(source), tuple(mentions), tuple(claims), tuple(unbound))


def analyse_paths(paths: Sequence[Path], rules: RuleSet) -> Corpus:
    """Read, extract and bind every article under `paths`; unreadable files become warnings."""
    files = discover(paths)
    meta = metadata_for(files)
    binder = Binder(rules)
    corpus = Corpus()
    for f in files:
        try:
            source = read_source(f, meta.get(f, SourceMeta()))
        except FactcheckError as exc:
            corpus.warnings.append(f"skipped {exc.render(show_line=False)}")
            continue
        corpus.analysed.append(analyse_source(source, binder))
        corpus.texts[source.id] = source.text
    return corpus


def check(
    claims: Sequence[Claim], rules: RuleSet, published: dict[str, dt.date | None]
) -> list[Finding]:
    ctx = checks.CheckContext(
        claims=claims,
        metrics=rules.metrics,
        facts=rules.facts,
        published=published,
    )
    findings: list[Finding] = []
    for spec in rules.checks:
        findings.extend(checks.run(spec, ctx))
    return sort_findings(findings, claims)


def sort_findings(findings: Iterable[Finding], claims: Sequence[Claim]) -> list[Finding]:
    """Findings by (first claim's source, line, column, rule id): the order never varies."""
    pos = {c.id: (c.source, c.line, c.column) for c in claims}

    def key(f: Finding) -> tuple[object, ...]:
        first = min((pos[i] for i in f.claims if i in pos), default=("", 0, 0))
        return (*first, f.rule, f.status, f.claims)

    return sorted(findings, key=key)


def build_report(corpus: Corpus, rules: RuleSet) -> Report:
    analysed = sorted(corpus.analysed, key=lambda a: a.source.id)
    claims = sorted((c for a in analysed for c in a.claims), key=lambda c: c.sort_key)
    published = {a.source.id: a.source.published for a in analysed}
    findings = check(claims, rules, published)
    return Report(
        rules_sha256=rules.sha256,
        sources=tuple(a.source for a in analysed),
        claims=tuple(claims),
        findings=tuple(findings),
        unbound=tuple(u for a in analysed for u in a.unbound),
        warnings=tuple(corpus.warnings),
    )
