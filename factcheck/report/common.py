"""What the human-readable reports (Markdown, HTML) share: the sections and their order.

Both formats tell the same story in the same order, so the choices live here once: what counts
as a conflict worth reading first, which claims nobody corroborates, how a subject or a period
is worded.  Nothing here formats for one medium.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, overload

from factcheck.baseline import finding_fingerprint
from factcheck.models import SCHEMA_VERSION, Claim, Finding, Period, SourceInfo, Unbound
from factcheck.wording import (
    NONE as NONE,
)
from factcheck.wording import (
    claim_words,
    interval_words,
    metric_words,
    period_words,
    plural,
    source_words,
    subject_words,
    value_words,
)

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


class ReportData(Protocol):
    """What a renderer reads of a report: a `models.Report`, or a `ReportView` whose lists are
    read back from disk a pass at a time (`factcheck.spill`).  A renderer iterates `sources`,
    `claims` and `unbound` and keeps what it shows, never a list of them all; `findings` and
    `warnings` are in memory."""

    @property
    def schema_version(self) -> str: ...
    @property
    def rules_sha256(self) -> str: ...
    @property
    def sources(self) -> Sequence[SourceInfo]: ...
    @property
    def claims(self) -> Sequence[Claim]: ...
    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def unbound(self) -> Sequence[Unbound]: ...
    @property
    def warnings(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class ReportView:
    """A report's fields as any sequences (`ReportData`): views of a spill, or parts of a
    report (an HTML page of one metric)."""

    schema_version: str = SCHEMA_VERSION
    rules_sha256: str = ""
    sources: Sequence[SourceInfo] = ()
    claims: Sequence[Claim] = ()
    findings: Sequence[Finding] = ()
    unbound: Sequence[Unbound] = ()
    warnings: Sequence[str] = ()


@dataclass(frozen=True)
class Summary:
    sources: int
    claims: int
    agreements: int
    conflicts: int
    known_fact_conflicts: int

    HEADERS = ("sources read", "claims", "agreements", "conflicts", "known-fact conflicts")

    def row(self) -> tuple[int, int, int, int, int]:
        return (
            self.sources,
            self.claims,
            self.agreements,
            self.conflicts,
            self.known_fact_conflicts,
        )


def summarize(report: ReportData) -> Summary:
    cs = [f for f in report.findings if f.status == "conflict"]
    return Summary(
        sources=len(report.sources),
        claims=len(report.claims),
        agreements=sum(1 for f in report.findings if f.status == "agreement"),
        conflicts=len(cs),
        known_fact_conflicts=sum(1 for f in cs if f.known_fact),
    )


def conflicts(report: ReportData) -> list[Finding]:
    """Conflicts, the most serious first: errors before warnings, a broken known fact first.

    The sort is stable, so within a rank the engine's deterministic order is kept.
    """
    return sorted(
        (f for f in report.findings if f.status == "conflict"),
        key=lambda f: (_SEVERITY_RANK.get(f.severity, 3), not f.known_fact),
    )


def agreements(report: ReportData) -> list[Finding]:
    return [f for f in report.findings if f.status == "agreement"]


def claim_index(report: ReportData) -> dict[str, Claim]:
    """The claims the findings name, by id (one pass over the claims): what their cards show.
    Of two claims with one id (a merged report), the later one, as a dict of all would have."""
    named = {cid for f in report.findings for cid in f.claims}
    return {c.id: c for c in report.claims if c.id in named}


class Uncorroborated(Sequence[Claim]):
    """Claims no check looked at: one source says so and nothing confirms or contradicts it.

    A claim any finding names (an agreement, a conflict, a known fact, an arithmetic check) has
    been weighed; the rest stand on one source's word, which a reader should know.  Counted in
    one pass over the report's claims; each iteration is another pass, keeping none.
    """

    def __init__(self, report: ReportData, weighed: int | None = None) -> None:
        self._claims = report.claims
        self._checked = {cid for f in report.findings for cid in f.claims}
        if weighed is None:
            self._count = sum(1 for c in self._claims if c.id not in self._checked)
        else:
            self._count = len(self._claims) - weighed

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Claim]:
        if self._count:
            yield from (c for c in self._claims if c.id not in self._checked)

    @overload
    def __getitem__(self, i: int) -> Claim: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Claim]: ...

    def __getitem__(self, i: int | slice) -> Claim | Sequence[Claim]:
        return list(self)[i]

    def holds(self, c: Claim) -> bool:
        """Whether `c`, one of the report's claims, is one of these."""
        return c.id not in self._checked


def uncorroborated(report: ReportData, found: ReportCards | None = None) -> Uncorroborated:
    """The claims no finding names; `found`, the report's cards, counted them already."""
    return Uncorroborated(report, found.weighed if found is not None else None)


def subject_text(subject: Iterable[str]) -> str:
    return subject_words(subject) or NONE


def period_text(period: Period | None) -> str:
    return period_words(period)


def claim_value(c: Claim) -> str:
    """The claim's value as a journalist writes it, with who states it and the moment a level
    holds at: '$22.2 bn (22.15–22.25)', 'about 412 according to INGD', '$45 bn (44.5–45.5) as
    of 3 February 2023'."""
    said = f" according to {c.attribution}" if c.attribution else ""
    as_of = f" as of {period_words(c.as_of)}" if c.as_of is not None else ""
    return claim_words(c) + said + as_of


def claim_interval(c: Claim) -> str:
    return interval_words(c) or value_words(c)


def source_label(info: SourceInfo | None, source_id: str) -> str:
    """'caliber.az, 3 February 2023': outlet and date, else what the file is called."""
    return source_words(info, source_id)


def date_from(info: SourceInfo) -> str:
    """Where a source's date came from, for the source table: sources file, header, byline,
    dateline, metadata (an HTML page's), "sources file (as of)" for the date an undated
    article speaks from, or none."""
    if info.published is None and info.as_of is not None:
        return "sources file (as of)"
    return {"sources-file": "sources file"}.get(info.published_from, info.published_from)


def source_index(report: ReportData) -> dict[str, SourceInfo]:
    return {s.id: s for s in report.sources}


def finding_claims(f: Finding, claims: Mapping[str, Claim]) -> list[Claim]:
    """The finding's claims that the report carries (a merged report may have lost some)."""
    return [claims[cid] for cid in f.claims if cid in claims]


def card_title(card: Card, desk: Desk | None = None) -> str:
    """A card's title: its first finding's, without a period when its findings have several."""
    f = card.first
    if len({x.period for x in card.findings}) > 1 or card.periods_vary:
        f = f.model_copy(update={"period": None})  # the values say which period is which
    return finding_title(f, desk)


def finding_title(f: Finding, desk: Desk | None = None) -> str:
    """'Trade turnover between two countries over a period — Kazakhstan and Russia, 2022': the
    metric's description (its id when the rules give none), its subject and period in words."""
    described = metric_words(f.metric, desk.metrics.get(f.metric, "") if desk else "")
    where = ", ".join(x for x in (subject_words(f.subject), _period_or_empty(f.period)) if x)
    return f"{described} — {where}" if where else described


def _period_or_empty(p: Period | None) -> str:
    return period_words(p) if p is not None else ""


@dataclass(frozen=True)
class Desk:
    """What the rules and the desk's baseline tell a reader beyond the Report itself.

    `metrics` and `checks` map ids to their descriptions (a finding's title and its rule in
    words), `facts` a known fact's id to its source, `accepted` a conflict's baseline
    fingerprint to the reason the desk accepted it ('' when it gave none).
    """

    metrics: Mapping[str, str] = field(default_factory=dict)
    checks: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)
    accepted: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Card:
    """Findings a reader takes in as one: every pair of values a group disagrees on, or the
    same conflict (same rule, metric and values) restated by many sources.

    `claims` are its claims in claim order (`count` of them; an agreement's card of a report
    read back from disk keeps only the first `SHOWN_CLAIMS`), `sources` their sources, `missing`
    the ids its findings name that the report does not carry.  `values` lists each distinct
    value with the claims that state it, in claim order (a conflict's card; empty for an
    agreement's read back from disk, which no report shows); `whys` each distinct explanation;
    `accepted` the desk's reasons for the findings it accepted.
    """

    status: str
    findings: list[Finding]
    claims: list[Claim]
    values: list[tuple[str, list[Claim]]]
    whys: list[str]
    accepted: list[str]
    unaccepted: int
    count: int = 0
    sources: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    periods_vary: bool = False  # its claims are of more than one period

    @property
    def first(self) -> Finding:
        return self.findings[0]


def cards(
    findings: Sequence[Finding],
    claims: Mapping[str, Claim],
    desk: Desk,
    backing: Sequence[Finding] = (),
) -> list[Card]:
    """Findings grouped into cards, in the order of each card's first finding.

    An agreement check's findings of one group (rule, metric, subject, period, unit) make one
    card: the picture of every value the group holds, counted with the group's agreement from
    `backing` (the majority a conflict names one claim of).  Any other kind's findings make one
    card when they compare the same values (the same conflict restated by many articles).
    """
    grouped: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        grouped.setdefault(card_key(f, claims), []).append(f)
    behind: dict[tuple[object, ...], list[Claim]] = {}
    for f in backing:
        if f.kind == "agreement":
            behind.setdefault(_group_key(f, claims), []).extend(finding_claims(f, claims))
    return [
        _card(
            fs,
            claims,
            desk,
            behind.get(_group_key(fs[0], claims), []) if fs[0].kind == "agreement" else [],
        )
        for fs in grouped.values()
    ]


def card_key(f: Finding, claims: Mapping[str, Claim]) -> tuple[object, ...]:
    """What makes findings one card: the pairs of one disagreement (an agreement check's group),
    the same values compared (one conflict restated by many articles), or, for agreements,
    which ask nothing of a reader, one check, metric and subject (an archive's thousands of
    matching weekdays, or of figures agreeing year after year, are one card)."""
    if f.status == "agreement":
        return (f.status, f.rule, f.kind, f.metric, f.subject)
    if f.kind == "agreement":
        return (f.status, *_group_key(f, claims))
    cs = finding_claims(f, claims)
    pattern = tuple(sorted({(repr(c.value), c.unit or "", _period_key(c)) for c in cs}))
    return (f.status, f.rule, f.kind, f.metric, f.subject, f.fact, pattern)


def _group_key(f: Finding, claims: Mapping[str, Claim]) -> tuple[object, ...]:
    """The agreement check's group a finding belongs to: rule, metric, subject, period, unit."""
    units = tuple(sorted({c.unit or "" for c in finding_claims(f, claims)}))
    return (f.rule, f.metric, f.subject, f.period, units)


# A card's table shows its first claims; the rest are counted (every one is in the JSON).
SHOWN_CLAIMS = {"conflict": 50, "agreement": 10}
_KEPT = SHOWN_CLAIMS["agreement"]


def shown_claims(card: Card, agreement_rows: int | None = None) -> list[Claim]:
    """The claims a card's table lists; `agreement_rows` cuts an agreement's shorter still."""
    limit = SHOWN_CLAIMS.get(card.status, 10)
    if card.status == "agreement" and agreement_rows is not None:
        limit = min(limit, agreement_rows)
    return card.claims[:limit]


def _period_key(c: Claim) -> str:
    return c.period.label if c.period else ""


def _card(
    findings: list[Finding], claims: Mapping[str, Claim], desk: Desk, backing: list[Claim]
) -> Card:
    seen: dict[str, Claim] = {}
    for f in findings:
        for c in finding_claims(f, claims):
            seen.setdefault(c.id, c)
    cs = sorted(seen.values(), key=lambda c: c.sort_key)
    everyone = dict(seen)
    for c in backing:
        everyone.setdefault(c.id, c)
    by_value: dict[str, list[Claim]] = {}
    for c in sorted(everyone.values(), key=lambda c: c.sort_key):
        period = f" for {period_words(c.period)}" if c.period else ""
        by_value.setdefault(value_words(c) + period, []).append(c)
    # The best-supported value first: the picture starts with what most sources say.
    ranked = sorted(by_value.items(), key=lambda kv: -len({c.source for c in kv[1]}))
    accepted: list[str] = []
    unaccepted = 0
    if desk.accepted and findings[0].status == "conflict":
        for f in findings:
            reason = desk.accepted.get(finding_fingerprint(f, claims))
            if reason is None:
                unaccepted += 1
            elif reason not in accepted:
                accepted.append(reason)
    else:
        unaccepted = len(findings) if findings[0].status == "conflict" else 0
    whys = list(dict.fromkeys(f.explanation or f.message for f in findings))
    return Card(
        status=findings[0].status,
        findings=findings,
        claims=cs,
        values=ranked,
        whys=whys,
        accepted=accepted,
        unaccepted=unaccepted,
        count=len(cs),
        sources=list(dict.fromkeys(c.source for c in cs)),
        missing=[cid for f in findings for cid in f.claims if cid not in seen],
        periods_vary=len({c.period for c in cs}) > 1,
    )


@dataclass
class ReportCards:
    """A report's conflicts and agreements as cards, and the claims the conflicts' cards hold
    (with those of the agreements they are weighed against), by id."""

    conflicts: list[Card]
    agreements: list[Card]
    claims: dict[str, Claim]
    weighed: int  # how many of the report's claims a finding names


def report_cards(report: ReportData, desk: Desk) -> ReportCards:
    """`cards` of the report's conflicts (against its agreements) and of its agreements, in
    one pass over its claims, keeping only the claims a report shows of them.

    A conflict's card holds every claim it names, and the claims of the agreements of its
    group (its `values`).  An agreement's card, which asks nothing of a reader and may name
    thousands of claims, keeps its first `SHOWN_CLAIMS` by claim order, counts the rest, and
    notes their sources and whether their periods differ: the same card `cards` makes, less
    the claims no report shows and the `values` no report shows of an agreement.  A report
    carrying two claims with one id that an agreement names (a merged report) has its
    agreements' cards made by `cards`, from those claims kept whole.
    """
    clashes = conflicts(report)
    agreed = agreements(report)
    groups = {(f.rule, f.metric, f.subject, f.period) for f in clashes if f.kind == "agreement"}
    backing = [
        f
        for f in agreed
        if f.kind == "agreement" and (f.rule, f.metric, f.subject, f.period) in groups
    ]
    wanted = {cid for f in (*clashes, *backing) for cid in f.claims}
    grouped: dict[tuple[object, ...], list[Finding]] = {}
    for f in agreed:  # an agreement's card key names no claim
        grouped.setdefault(card_key(f, {}), []).append(f)
    tallies = [_Tally(fs) for fs in grouped.values()]
    refs: dict[str, _Ref] = {}
    for k, tally in enumerate(tallies):
        order: dict[str, int] = {}
        for f in tally.findings:
            for cid in f.claims:
                if cid not in order:
                    order[cid] = len(order)
                    refs.setdefault(cid, _Ref()).cards.append((k, order[cid]))
    named: dict[str, Claim] = {}
    twice = False
    weighed = 0
    for c in report.claims:
        if c.id in wanted:
            named[c.id] = c
            weighed += 1
        ref = refs.get(c.id)
        if ref is None:
            continue
        if c.id not in wanted:
            weighed += 1
        twice = twice or ref.met
        ref.met = True
        for k, order_in_card in ref.cards:
            tallies[k].add(c, order_in_card)
    conflict_cards = cards(clashes, named, desk, backing)
    if twice:
        agreed_cards = cards(agreed, claim_index(report), desk)
    else:
        agreed_cards = [t.card(lambda cid: not refs[cid].met) for t in tallies]
    return ReportCards(conflict_cards, agreed_cards, named, weighed)


class _Ref:
    """A claim id that agreements' cards name: whether a pass met it, and each card's index
    with the order the id is first named in it."""

    __slots__ = ("cards", "met")

    def __init__(self) -> None:
        self.met = False
        self.cards: list[tuple[int, int]] = []


class _Tally:
    """An agreement's card as a pass over the claims meets them (`report_cards`)."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.count = 0
        self.first: list[tuple[tuple[str, int, int, str], int, Claim]] = []
        self.sources: set[str] = set()
        self.periods: set[Period | None] = set()

    def add(self, c: Claim, order: int) -> None:
        self.count += 1
        self.first.append((c.sort_key, order, c))
        if len(self.first) > 4 * _KEPT:
            self.first.sort(key=_by_order)
            del self.first[_KEPT:]
        self.sources.add(c.source)
        if len(self.periods) < 2:
            self.periods.add(c.period)

    def card(self, unmet: Callable[[str], bool]) -> Card:
        fs = self.findings
        self.first.sort(key=_by_order)
        return Card(
            status=fs[0].status,
            findings=fs,
            claims=[c for _, _, c in self.first[:_KEPT]],
            values=[],
            whys=list(dict.fromkeys(f.explanation or f.message for f in fs)),
            accepted=[],
            unaccepted=0,
            count=self.count,
            sources=sorted(self.sources),
            missing=[cid for f in fs for cid in f.claims if unmet(cid)],
            periods_vary=len(self.periods) > 1,
        )


def _by_order(x: tuple[tuple[str, int, int, str], int, Claim]) -> tuple[object, ...]:
    return (x[0], x[1])


def values_sentence(card: Card, sources: Mapping[str, SourceInfo]) -> str:
    """'2 values from 2 sources: 2002 (topwar.ru, as of 31 January 2023); 2012 (caliber.az,
    3 February 2023)': every distinct value a card holds, with the sources that state it."""
    parts = []
    for value, cs in card.values[:12]:
        who = list(dict.fromkeys(source_words(sources.get(c.source), c.source) for c in cs))
        shown = "; ".join(who[:3]) + (f"; and {len(who) - 3} more" if len(who) > 3 else "")
        parts.append(f"{value} ({shown})")
    more = len(card.values) - 12
    tail = f"; and {plural(more, 'more value')}" if more > 0 else ""
    return f"{values_head(card)}: " + "; ".join(parts) + tail


def values_head(card: Card) -> str:
    """'3 values from 25 sources'."""
    n_sources = len({c.source for _, cs in card.values for c in cs})
    return f"{plural(len(card.values), 'value')} from {plural(n_sources, 'source')}"


def desk_note(card: Card) -> str:
    """'' when nothing was accepted; else what the desk said, and what it has not yet seen."""
    if not card.accepted:
        return ""
    said = " / ".join(r or "accepted without a reason" for r in card.accepted)
    if card.unaccepted:
        return f"{said} ({card.unaccepted} of {len(card.findings)} not yet accepted: new)"
    return said


def joined(sep: str, parts: Iterable[str | Iterable[str]]) -> Iterator[str]:
    """The text of `sep.join(parts)` in pieces, in order, where a part is a string or itself
    pieces (a section made as it is written): a report is streamed, never joined whole."""
    for i, part in enumerate(parts):
        if i:
            yield sep
        if isinstance(part, str):
            yield part
        else:
            yield from part
