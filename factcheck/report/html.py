"""The HTML report (`consistency.html`): one self-contained page a person opens in a browser.

The same sections as the Markdown report, plus what only a page can show: an index of every
finding with filters by status, metric and outlet (form controls and CSS `:has`, no script);
each source's text with its claims highlighted (every claim a `<mark>` with an anchor,
conflicts linked to the quotes they rest on, numbers no rule bound underlined) and, for each
metric with several values, an inline SVG chart of the values by source with their intervals
(a metric with many claims charted as its most stated values, with counts).  Agreements,
single-source claims and coverage are folded (`<details>`); a large archive's page shows only
the texts its conflicts name and cuts long tables, saying so.  Small-screen and print styles
lay a claims table out as one block per claim, so a quote is never clipped.

The page needs no network: no external CSS, scripts, fonts or images, and a Content Security
Policy that forbids them (and every script), so even an escaping mistake could not run code
from an article.  All article, rule and metadata text goes through `esc` (`html.escape`),
attributes included.  Nothing depends on the clock, so the same inputs give the same bytes.
`pieces` gives the page in order as it is made (a table row, a chart row, an article at a
time), for writing as it comes: the page is several times the archive's text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Generic, TypeVar

from factcheck.checks.base import show_number
from factcheck.ingest import LineIndex
from factcheck.models import Claim, Period, SourceInfo, Unbound
from factcheck.report.common import (
    NONE,
    Card,
    Desk,
    ReportCards,
    ReportData,
    ReportView,
    Summary,
    Uncorroborated,
    card_title,
    claim_interval,
    claim_value,
    date_from,
    desk_note,
    joined,
    period_text,
    report_cards,
    shown_claims,
    source_index,
    source_label,
    subject_text,
    summarize,
    uncorroborated,
    values_head,
)
from factcheck.report.common import agreements as agreement_findings
from factcheck.wording import (
    metric_words,
    modality_words,
    outlet_words,
    plural,
    source_date_words,
    source_words,
)

# Past these, the page shows an archive the way a reader can take it in: article texts only
# for sources a conflict names, and long tables cut to their first rows (the JSON report holds
# every one).  Below them it shows everything.
LARGE_ARCHIVE_SOURCES = 200
# Past this, the HTML report is an index page and one page per metric (`files`).
PAGED_ARCHIVE_SOURCES = 50_000
PAGE = "consistency.html"
TABLE_ROWS = 500
CHART_ROWS = 40  # a metric with more claims is charted as its distinct values with counts

# No script may run and nothing may be fetched; styles are inline in this one file.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def esc(text: object) -> str:
    """Text for an element's content or a quoted attribute value: `html.escape(str(text))`,
    written out because a page of a large archive escapes a million strings."""
    s = text if type(text) is str else str(text)
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_CSS_SAFE = re.compile(r"[A-Za-z0-9_.-]+")


def _slug(text: str) -> str:
    return _UNSAFE.sub("-", text).strip("-") or "x"


class _Anchors:
    """Element ids that are valid, readable and unique whatever a source or claim is called:
    `prefix-slug`, or `prefix-slug-2`, `-3`, ... for a slug met before."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self, prefix: str, name: str) -> str:
        base = f"{prefix}-{_slug(name)}"
        anchor, n = base, 1
        while anchor in self._used:
            n += 1
            anchor = f"{base}-{n}"
        self._used.add(anchor)
        return anchor


K = TypeVar("K", bound=Hashable)
_TAIL = re.compile(r"(?:-[0-9]+)+\Z")


class _AnchorMap(Generic[K]):
    """`_Anchors.new(prefix, name)` of each of a list's items in order, as a dict by key of
    them all would hold it (a key met twice keeps its last), without such a dict: a report's
    claims are too many to keep.  An anchor is `prefix-slug` unless another item's anchor could
    be the same, which needs the two slugs to be one slug and its `-N` forms; items whose slug
    stripped of such endings is met once are therefore never renamed.  A first pass shows it
    every name (`see`); only if some are shared does a second replay those (`replay`),
    keeping the few anchors that differ."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.special: dict[K, str] = {}
        self._seen: set[int] = set()
        self._shared: set[int] = set()
        self._anchors = _Anchors()

    def see(self, name: str) -> None:
        h = hash(_TAIL.sub("", _slug(name)))
        if h in self._seen:
            self._shared.add(h)
        else:
            self._seen.add(h)

    def seen_all(self) -> bool:
        """The first pass is over: whether every name keeps its plain anchor (no second)."""
        self._seen.clear()
        return not self._shared

    def replay(self, key: K, name: str) -> None:
        """The second pass, over the same items in the same order."""
        slug = _slug(name)
        if hash(_TAIL.sub("", slug)) in self._shared:
            anchor = self._anchors.new(self.prefix, name)
            if anchor != f"{self.prefix}-{slug}":
                self.special[key] = anchor
            else:
                self.special.pop(key, None)

    @classmethod
    def of(cls, prefix: str, items: Callable[[], Iterable[tuple[K, str]]]) -> _AnchorMap[K]:
        """The map of all `items()`, in the passes it needs."""
        out: _AnchorMap[K] = cls(prefix)
        for _, name in items():
            out.see(name)
        if not out.seen_all():
            for key, name in items():
                out.replay(key, name)
        return out

    def get(self, key: K, name: str) -> str:
        return self.special.get(key) or f"{self.prefix}-{_slug(name)}"


def _unbound_name(u: Unbound) -> str:
    return f"{u.source}-{u.line}-{u.column}"


@dataclass
class _Context:
    report: ReportData
    texts: Mapping[str, str]
    claims: dict[str, Claim]  # those the conflicts' cards hold
    sources: dict[str, SourceInfo]
    desk: Desk
    conflict_cards: list[Card]
    agreement_cards: list[Card]
    found: ReportCards
    lonely: Uncorroborated
    claim_anchor: _AnchorMap[str]
    source_anchor: dict[str, str]
    unbound_anchor: _AnchorMap[int]
    # claim id → "conflict" or "agreement"; a claim no finding names is "single".
    statuses: dict[str, str] = field(default_factory=dict)
    # claim id → ("conflict-1", …): where a highlighted figure links back to
    conflict_refs: dict[str, list[str]] = field(default_factory=dict)
    # Anchors that exist in the page: a claim whose offsets miss its text gets no mark.
    placed: set[str] = field(default_factory=set)
    # The claims and unbound numbers (by index) of the sources whose texts the page shows, by
    # source, so each article's marks cost its own figures only.  What lives as long as the
    # render is kept to few containers: each one is walked by every full garbage collection.
    by_source: dict[str, list[Claim]] = field(default_factory=dict)
    unbound_by_source: dict[str, list[int]] = field(default_factory=dict)
    unbound_items: dict[int, Unbound] = field(default_factory=dict)
    # source id → (start, end, index) of its unbound numbers found in its text, for sources that
    # have some: finding them splits the text into lines, done once, not again when it is written.
    unbound_spans: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    # A claim is named by several findings, and is charted and marked too: its row and its
    # value's wording are made once per page, not once per mention.  Keyed by the claim object
    # (`claims` holds a card's for the whole render, `shown` the others it words), not its id:
    # a merged report may carry two claims with one id.
    claim_rows: dict[tuple[int, bool], str] = field(default_factory=dict)
    shown: dict[int, tuple[str, str, Claim]] = field(default_factory=dict)
    # A chart label's period costs a strftime or two, and an archive's claims share a few
    # periods.  Keyed by its two dates, which are all a Period is: hashing and comparing the
    # record itself would cost half the strftime.  (Its ISO label is memoised in `span_label`.)
    compact_periods: dict[tuple[dt.date, dt.date], str] = field(default_factory=dict)
    _outlet_tokens: dict[str, str] = field(default_factory=dict)
    shown_sources: set[str] = field(default_factory=set)  # whose texts the page shows
    charts: list[_ChartGroup] = field(default_factory=list)
    first_lonely: list[Claim] = field(default_factory=list)  # a large archive's table's

    def anchor(self, c: Claim) -> str:
        return self.claim_anchor.get(c.id, c.id)

    def unbound_anchor_of(self, i: int, u: Unbound) -> str:
        return self.unbound_anchor.get(i, _unbound_name(u))

    def claim_href(self, c: Claim) -> str | None:
        return self._href(self.anchor(c), c.source)

    def unbound_href(self, i: int, u: Unbound) -> str | None:
        return self._href(self.unbound_anchor_of(i, u), u.source)

    def _href(self, anchor: str, source: str) -> str | None:
        """The figure's mark if it has one, else its source's text, else nowhere."""
        if anchor in self.placed:
            return anchor
        return self.source_anchor.get(source)

    def status(self, claim_id: str) -> str:
        return self.statuses.get(claim_id, "single")

    def value_interval(self, c: Claim) -> tuple[str, str]:
        """`claim_value` and `claim_interval` of the claim."""
        shown = self.shown.get(id(c))
        if shown is None:
            shown = self.shown[id(c)] = (claim_value(c), claim_interval(c), c)
        return shown[0], shown[1]

    def compact_period(self, p: Period) -> str:
        text = self.compact_periods.get((p.start, p.end))
        if text is None:
            text = self.compact_periods[p.start, p.end] = _compact_period(p)
        return text

    def label(self, source: str) -> str:
        return outlet_words(self.sources.get(source), source)

    def source_words(self, source: str) -> str:
        return source_words(self.sources.get(source), source)

    def filter_metrics(self) -> list[str]:
        """Metrics of the findings, for the index's filter (ids safe in a CSS string)."""
        found = {c.first.metric for c in (*self.conflict_cards, *self.agreement_cards)}
        return sorted(m for m in found if _CSS_SAFE.fullmatch(m))

    def filter_outlets(self) -> list[tuple[str, str]]:
        """(outlet, token) of every outlet a finding names, for the index's filter."""
        if not self._outlet_tokens:
            names = sorted(
                {
                    self.label(s)
                    for c in (*self.conflict_cards, *self.agreement_cards)
                    for s in c.sources
                }
            )
            self._outlet_tokens = {name: f"o{i}" for i, name in enumerate(names, 1)}
        return list(self._outlet_tokens.items())

    def outlet_token(self, outlet: str) -> str:
        if not self._outlet_tokens:
            self.filter_outlets()
        return self._outlet_tokens.get(outlet, "o0")

    @property
    def large(self) -> bool:
        return len(self.report.sources) > LARGE_ARCHIVE_SOURCES


def render(report: ReportData, texts: Mapping[str, str], desk: Desk | None = None) -> str:
    """The whole page, for callers that want one string; `factcheck report` streams `pieces`."""
    return "".join(pieces(report, texts, desk))


def files(
    report: ReportData,
    texts: Mapping[str, str],
    desk: Desk | None = None,
    paged: bool | None = None,
    found: ReportCards | None = None,
) -> dict[str, Iterator[str]]:
    """The HTML report's files: one page, or, for a very large archive (or when `paged`), an
    index page and a page per metric, each a whole report over that metric's findings and
    claims (and the claims they name), linked from the index."""
    if paged is None:
        paged = len(report.sources) > PAGED_ARCHIVE_SOURCES
    if not paged:
        return {PAGE: pieces(report, texts, desk, found=found)}
    desk = desk or Desk()
    metrics = sorted({c.metric for c in report.claims} | {f.metric for f in report.findings})
    names = _Anchors()
    page_of = {m: names.new("consistency", m) + ".html" for m in metrics}
    out: dict[str, Iterator[str]] = {PAGE: _index_page(report, desk, page_of)}
    parts = _by_metric(report, metrics)
    for m in metrics:
        out[page_of[m]] = _metric_page(report, texts, desk, m, *parts[m])
    return out


def _by_metric(
    report: ReportData, metrics: Sequence[str]
) -> dict[str, tuple[Sequence[Claim], set[str]]]:
    """Each metric's claims and those its findings name, in report order, put aside on disk
    in one pass (`spill.ClaimSpill`), with the sources they come from: a page holds none."""
    from factcheck.spill import ClaimSpill  # the spill reads the report package's JSON

    named: dict[str, set[str]] = {m: set() for m in metrics}
    for f in report.findings:
        named[f.metric].update(f.claims)
    naming = [m for m in metrics if named[m]]
    spills = {m: ClaimSpill() for m in metrics}
    used: dict[str, set[str]] = {m: set() for m in metrics}
    for c in report.claims:
        for m in {c.metric, *(m for m in naming if c.id in named[m])}:
            spills[m].add(c)
            used[m].add(c.source)
    return {m: (spills[m].view(), used[m]) for m in metrics}


def _metric_report(
    report: ReportData, metric: str, claims: Sequence[Claim], used: set[str]
) -> ReportView:
    return ReportView(
        schema_version=report.schema_version,
        rules_sha256=report.rules_sha256,
        sources=tuple(s for s in report.sources if s.id in used),
        claims=claims,
        findings=tuple(f for f in report.findings if f.metric == metric),
    )


def _metric_page(
    report: ReportData,
    texts: Mapping[str, str],
    desk: Desk,
    metric: str,
    claims: Sequence[Claim],
    used: set[str],
) -> Iterator[str]:
    # Made when the file is written, not before: one metric's page in memory at a time.
    sub = _metric_report(report, metric, claims, used)
    title = metric_words(metric, desk.metrics.get(metric, ""))
    yield from pieces(sub, texts, desk, title=title, home=PAGE)


def _index_page(report: ReportData, desk: Desk, page_of: Mapping[str, str]) -> Iterator[str]:
    """The index of a report in pages: the verdict, every metric with its counts and a link to
    its page, then coverage and warnings, which belong to no metric."""
    summary = summarize(report)
    counts: dict[str, list[int]] = {m: [0, 0, 0] for m in page_of}
    for c in report.claims:
        counts[c.metric][0] += 1
    for f in report.findings:
        counts[f.metric][1 if f.status == "conflict" else 2] += 1
    ctx = _context(
        ReportView(
            schema_version=report.schema_version,
            rules_sha256=report.rules_sha256,
            sources=report.sources,
            unbound=report.unbound,
            warnings=report.warnings,
        ),
        {},
        desk,
    )
    ctx.source_anchor = {}  # no article is on this page: coverage rows link nowhere
    rows = sorted(page_of, key=lambda m: (-counts[m][1], m))
    yield _head("Consistency report", "")
    yield _header(report, summary)
    yield '\n<main>\n<section id="metrics">\n<h2>Findings by metric</h2>\n'
    yield (
        "<p>This archive's report is one page per metric; each lists its conflicts, "
        "agreements, values and single-source claims, with the articles its conflicts name.</p>\n"
    )
    yield from _table(
        ["metric", "conflicts", "agreements", "claims"],
        (
            [
                f'<a href="{esc(page_of[m])}">{esc(metric_words(m, desk.metrics.get(m, "")))}</a>'
                f'<br><code class="id">{esc(m)}</code>',
                str(counts[m][1]),
                str(counts[m][2]),
                str(counts[m][0]),
            ]
            for m in rows
        ),
    )
    yield "\n</section>\n"
    yield from joined("\n", [_coverage_section(ctx), _warnings_section(report)])
    yield "\n</main>\n</body>\n</html>\n"


def _head(title: str, extra_css: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f"<style>{_CSS}{extra_css}</style>\n</head>\n<body>\n"
    )


def pieces(
    report: ReportData,
    texts: Mapping[str, str],
    desk: Desk | None = None,
    *,
    title: str = "",
    home: str = "",
    found: ReportCards | None = None,
) -> Iterator[str]:
    """The page in pieces, in order.  Where every mark will be is known before the first
    piece (a finding links to a mark only if the article's text has it), then each section is
    made as it is written.  `title` and `home` make it one page of several: its metric, and
    a link back to the index page."""
    ctx = _context(report, texts, desk or Desk(), found)
    summary = summarize(report)
    conflicts = ctx.conflict_cards
    agreements = ctx.agreement_cards
    lonely = ctx.lonely
    charts = ctx.charts
    body: list[str | Iterable[str]] = [
        _header(report, summary),
        _nav(conflicts, agreements, lonely, charts, report),
        "<main>",
        _summary_section(ctx, summary),
        _index_section(ctx),
        _findings_section(
            ctx, "conflicts", "Conflicts", conflicts, "No conflicts: nothing contradicts."
        ),
        _findings_section(ctx, "agreements", "Agreements", agreements, "No agreements."),
        _charts_section(ctx, charts),
        _uncorroborated_section(ctx, lonely),
        _coverage_section(ctx),
        _warnings_section(report),
        joined("\n", _sources_section(ctx)),
        "</main>",
    ]
    yield _head(
        f"{title} — consistency report" if title else "Consistency report", _filter_css(ctx)
    )
    if home:
        yield (
            f'<p class="home"><a href="{esc(home)}">&#8592; all metrics</a></p>\n'
            f'<h1 class="page">{esc(title)}</h1>\n'
        )
    yield from joined("\n", body)
    yield "\n</body>\n</html>\n"


def _context(
    report: ReportData, texts: Mapping[str, str], desk: Desk, found: ReportCards | None = None
) -> _Context:
    """What the page needs to know before its first piece; `found`: the report's cards, when
    another report made them already (`report_cards` of this report and desk)."""
    anchors = _Anchors()
    found = found or report_cards(report, desk)
    ctx = _Context(
        report=report,
        texts=texts,
        claims=found.claims,
        sources=source_index(report),
        desk=desk,
        conflict_cards=found.conflicts,
        agreement_cards=found.agreements,
        found=found,
        claim_anchor=_AnchorMap("claim"),
        source_anchor={s.id: anchors.new("source", s.id) for s in report.sources},
        unbound_anchor=_AnchorMap("unbound"),
        lonely=uncorroborated(report, found),
    )
    for n, card in enumerate(ctx.conflict_cards, 1):
        for c in card.claims:
            ctx.statuses[c.id] = "conflict"
            ctx.conflict_refs.setdefault(c.id, []).append(f"conflict-{n}")
    for f in agreement_findings(report):
        for cid in f.claims:
            ctx.statuses.setdefault(cid, "agreement")
    # A large archive's page shows the texts of the sources a conflict names; the rest are
    # quoted in its tables, and a figure's link goes nowhere rather than to a missing text.
    if ctx.large:
        ctx.shown_sources = {c.source for card in ctx.conflict_cards for c in card.claims}
        ctx.source_anchor = {k: v for k, v in ctx.source_anchor.items() if k in ctx.shown_sources}
    else:
        ctx.shown_sources = {s.id for s in report.sources}
    _claims_passes(ctx)
    _unbound_passes(ctx)
    # Only the anchors are kept, not each text's marks: those are made again as the text is
    # written, so they die young instead of swelling what every garbage collection walks.
    for s in report.sources:
        if s.id not in ctx.shown_sources:
            continue
        text = texts.get(s.id)
        if text is None:
            continue
        ctx.placed.update(ctx.anchor(c) for _, _, c in _claim_spans(ctx, s.id, text))
        if unbound := _unbound_spans(ctx, s.id, text):
            ctx.unbound_spans[s.id] = unbound
            ctx.placed.update(ctx.unbound_anchor_of(i, ctx.unbound_items[i]) for _, _, i in unbound)
    return ctx


def _claims_passes(ctx: _Context) -> None:
    """What the page needs of every claim, in one pass over them (and a second, for the
    claims the charts draw and the anchors a shared slug renames, when there are any): the
    anchors, the claims of the texts shown, the charts' counts and the first single-source
    claims a large archive's table lists."""
    report, shown, lonely = ctx.report, ctx.shown_sources, ctx.lonely
    charts = _ChartTally(ctx)
    first_lonely: list[Claim] = []
    wanted = TABLE_ROWS if ctx.large and lonely else 0
    for pos, c in enumerate(report.claims):
        ctx.claim_anchor.see(c.id)
        if c.source in shown:
            ctx.by_source.setdefault(c.source, []).append(c)
        charts.add(pos, c)
        if len(first_lonely) < wanted and lonely.holds(c):
            first_lonely.append(c)
    fetch = charts.wanted()
    fetched: dict[int, Claim] = {}
    settled = ctx.claim_anchor.seen_all()
    if fetch or not settled:
        for pos, c in enumerate(report.claims):
            if not settled:
                ctx.claim_anchor.replay(c.id, c.id)
            if pos in fetch:
                fetched[pos] = c
    ctx.charts = charts.groups(fetched)
    ctx.first_lonely = first_lonely


def _unbound_passes(ctx: _Context) -> None:
    """The unbound numbers' anchors, and those of the texts shown, in one pass (a second when
    a shared slug renames some)."""
    shown = ctx.shown_sources
    for i, u in enumerate(ctx.report.unbound):
        ctx.unbound_anchor.see(_unbound_name(u))
        if u.source in shown:
            ctx.unbound_by_source.setdefault(u.source, []).append(i)
            ctx.unbound_items[i] = u
    if not ctx.unbound_anchor.seen_all():
        for i, u in enumerate(ctx.report.unbound):
            ctx.unbound_anchor.replay(i, _unbound_name(u))


# ── header, navigation, summary ──────────────────────────────────────────────────────────


def _header(report: ReportData, summary: Summary) -> str:
    verdict = (
        f"{summary.conflicts} conflict{'s' if summary.conflicts != 1 else ''} found"
        if summary.conflicts
        else "no conflicts found"
    )
    return (
        "<header>\n<h1>Consistency report</h1>\n"
        f'<p class="verdict {"bad" if summary.conflicts else "good"}">{esc(verdict)} across '
        f"{summary.sources} source{'s' if summary.sources != 1 else ''} and "
        f"{summary.claims} claim{'s' if summary.claims != 1 else ''}.</p>\n"
        f'<p class="meta">Report schema {esc(report.schema_version)} · rules sha256 '
        f"<code>{esc(report.rules_sha256 or NONE)}</code></p>\n</header>"
    )


def _nav(
    conflicts: Sequence[Card],
    agreements: Sequence[Card],
    lonely: Sequence[Claim],
    charts: Sequence[_ChartGroup],
    report: ReportData,
) -> str:
    items = [
        ("summary", "Summary", None),
        ("index", "Index", len(conflicts) + len(agreements)),
        ("conflicts", "Conflicts", len(conflicts)),
        ("agreements", "Agreements", len(agreements)),
        ("charts", "Values by metric", len(charts)),
        ("uncorroborated", "Single-source claims", len(lonely)),
        ("coverage", "Coverage", len(report.unbound)),
        ("warnings", "Warnings", len(report.warnings)),
        ("sources", "Sources", len(report.sources)),
    ]
    links = "".join(
        f'<li><a href="#{a}">{esc(t)}{"" if n is None else f" ({n})"}</a></li>' for a, t, n in items
    )
    return f'<nav aria-label="sections"><ul>{links}</ul></nav>'


def _summary_section(ctx: _Context, summary: Summary) -> Iterator[str]:
    report = ctx.report
    cells = "".join(
        f'<div class="stat{" bad" if h.endswith("conflicts") and v else ""}">'
        f'<span class="n">{v}</span><span class="l">{esc(h)}</span></div>'
        for h, v in zip(summary.HEADERS, summary.row(), strict=True)
    )
    shown = report.sources[:TABLE_ROWS] if ctx.large else report.sources
    # The headline column only where some source has one (a page's, a record's).
    titled = any(s.title for s in report.sources)
    rows = (
        [
            _link(ctx.source_anchor.get(s.id), esc(ctx.label(s.id)))
            + f'<br><code class="id">{esc(s.id)}</code>',
            *([esc(s.title or "—")] if titled else []),
            esc(_published(s)),
            esc(date_from(s)),
            f"<code>{esc(s.path)}</code>",
            esc(s.encoding),
            _url(s.url),
        ]
        for s in shown
    )
    yield f'<section id="summary">\n<h2>Summary</h2>\n<div class="stats">{cells}</div>\n'
    yield f"<details{'' if ctx.large else ' open'}><summary>The {plural(len(report.sources), 'source')}</summary>\n"
    head = ["outlet", *(["headline"] if titled else []), "published", "date from"]
    yield from _table([*head, "file", "encoding", "url"], rows)
    yield _cut(len(report.sources), len(shown), "sources")
    yield "\n</details>\n</section>"


def _published(s: SourceInfo) -> str:
    return source_date_words(s) or NONE


def _cut(total: int, shown: int, what: str) -> str:
    """A note under a table cut short; '' when it is whole."""
    if shown >= total:
        return ""
    return (
        f'\n<p class="none">The first {shown} of {total} {esc(what)} are listed here; '
        "every one is in the JSON report (consistency.json).</p>"
    )


def _url(url: str | None) -> str:
    if not url:
        return NONE
    # Only web addresses become links: a `javascript:` URL in a sources file stays text.
    if re.match(r"https?://", url, re.IGNORECASE):
        return f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{esc(url)}</a>'
    return esc(url)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> Iterator[str]:
    """A table from cells that are already HTML (every caller escapes its data), a row a piece."""
    yield _table_head(headers, cls) + "\n"
    yield from joined("\n", (_row(row) for row in rows))
    yield "\n" + _TABLE_CLOSE


def _table_head(headers: Sequence[str], cls: str = "") -> str:
    """A table's lines before its first row."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    cls_attr = f' class="{esc(cls)}"' if cls else ""
    return f'<div class="scroll"><table{cls_attr}><thead><tr>{head}</tr></thead>\n<tbody>'


def _row(cells: Sequence[str]) -> str:
    return "<tr><td>" + "</td><td>".join(cells) + "</td></tr>" if cells else "<tr></tr>"


_TABLE_CLOSE = "</tbody></table></div>"  # a table's line after its last row


# ── findings ─────────────────────────────────────────────────────────────────────────────


def _link(href: str | None, inner: str) -> str:
    return f'<a href="#{esc(href)}">{inner}</a>' if href else inner


def _claim_link(ctx: _Context, c: Claim) -> str:
    """The source as a reader cites it (outlet, date; linked to the article's URL where known),
    then the figure's place in the text as a small code span linked to its mark."""
    info = ctx.sources.get(c.source)
    words = esc(source_words(info, c.source))
    if info is not None and info.url and re.match(r"https?://", info.url, re.IGNORECASE):
        words = f'<a href="{esc(info.url)}" rel="noopener noreferrer nofollow">{words}</a>'
    return f'<span class="outlet">{words}</span><br>' + _link(
        ctx.claim_href(c),
        f'<code class="id" title="claim {esc(c.id)}">{esc(c.source)}:{c.line}</code>',
    )


def _quote_html(ctx: _Context, c: Claim) -> str:
    """The quote with the claimed figure marked, when the figure can be found in it."""
    text = ctx.texts.get(c.source, "")
    figure = text[c.start : c.end] if 0 <= c.start < c.end <= len(text) else ""
    at = c.quote.find(figure) if figure else -1
    if at < 0:
        return esc(c.quote)
    return esc(c.quote[:at]) + f"<mark>{esc(figure)}</mark>" + esc(c.quote[at + len(figure) :])


def _claims_table(ctx: _Context, claims: Sequence[Claim]) -> list[str]:
    """The lines of the table of a card's claims (those the report carries)."""
    modal = any(c.modality != "actual" for c in claims)
    return [_CLAIMS_HEAD[modal], *[_claim_row(ctx, c, modal) for c in claims], _TABLE_CLOSE]


def _claim_row(ctx: _Context, c: Claim, modal: bool) -> str:
    row = ctx.claim_rows.get((id(c), modal))
    if row is None:
        value, interval = ctx.value_interval(c)
        row = ctx.claim_rows[id(c), modal] = _row(
            [
                _claim_link(ctx, c),
                f'<span class="value" title="{esc(interval)}">{esc(value)}</span>',
                f"{esc(period_text(c.period))}",
                *([esc(modality_words(c) or "as fact")] if modal else []),
                f"<q>{_quote_html(ctx, c)}</q>",
            ]
        )
    return row


# A finding's claims table has a modality column only when one of its claims is not "actual".
_CLAIMS_HEAD = {
    modal: _table_head(
        ["source", "value", "period", *(["read as"] if modal else []), "quote"],
        "claims",
    )
    for modal in (False, True)
}


def _card_attrs(ctx: _Context, card: Card) -> str:
    """The data a filter reads: status, metric, outlets (as tokens: outlets are free text)."""
    outlets = " ".join(sorted({ctx.outlet_token(ctx.label(s)) for s in card.sources}))
    accepted = " accepted" if card.accepted and not card.unaccepted else ""
    return (
        f'data-status="{esc(card.status)}{accepted}" data-metric="{esc(card.first.metric)}" '
        f'data-outlets="{esc(outlets)}"'
    )


_SHOWN_WHYS = 6


def _finding(ctx: _Context, anchor: str, n: int, card: Card) -> str:
    f = card.first
    said = ctx.desk.checks.get(f.rule, "")
    rules = list(dict.fromkeys(x.rule for x in card.findings))
    note = desk_note(card)
    badge = '<span class="badge accepted">accepted</span> ' if note and not card.unaccepted else ""
    parts = [
        f'<article class="finding {esc(f.status)}" id="{esc(anchor)}" {_card_attrs(ctx, card)}>',
        f"<h3>{n}. {badge}{esc(card_title(card, ctx.desk))}</h3>",
        f'<p class="meta">metric <code class="id">{esc(f.metric)}</code> · rule '
        + ", ".join(f'<code class="id">{esc(r)}</code>' for r in rules)
        + f' · {esc(f.kind)} · <span class="sev {esc(f.severity)}">{esc(f.severity)}</span>'
        + (f" · {esc(said)}" if said else "")
        + "</p>",
    ]
    if f.status == "conflict" and len(card.values) > 1:
        parts.append(_values_list(ctx, card))
    if card.count:
        # A large archive's agreements are many and ask nothing: three quotes show what agreed.
        shown = shown_claims(card, 3 if ctx.large else None)
        parts += _claims_table(ctx, shown)
        if len(shown) < card.count:
            parts.append(_cut(card.count, len(shown), "claims"))
    if missing := card.missing:
        parts.append(
            "<p>Claims not in this report: "
            + ", ".join(f"<code>{esc(m)}</code>" for m in missing)
            + "</p>"
        )
    why = "Why they cannot all hold" if f.status == "conflict" else "Why they agree"
    whys = card.whys[:_SHOWN_WHYS]
    more = len(card.whys) - len(whys)
    if len(whys) == 1 and not more:
        parts.append(f'<p class="why"><strong>{why}:</strong> {esc(whys[0])}</p>')
    else:
        items = "".join(f"<li>{esc(w)}</li>" for w in whys)
        items += f"<li>and {more} more</li>" if more else ""
        parts.append(f'<div class="why"><strong>{why}:</strong><ul>{items}</ul></div>')
    if f.known_fact:
        source = ctx.desk.facts.get(f.fact or "", "")
        fact = f' <code class="id">{esc(f.fact)}</code>' if f.fact else ""
        said_fact = f"from {esc(source)}" if source else esc(f.message)
        parts.append(f'<p class="fact"><strong>Known fact{fact}</strong>, {said_fact}.</p>')
    if note:
        parts.append(f'<p class="desk"><strong>Accepted by the desk:</strong> {esc(note)}</p>')
    parts.append("</article>")
    return "\n".join(parts)


def _values_list(ctx: _Context, card: Card) -> str:
    """Every distinct value of a card with the sources that state it, as a list."""
    items = []
    for value, cs in card.values[:12]:
        who = list(dict.fromkeys(c.source for c in cs))
        links = ", ".join(
            _link(ctx.claim_href(next(c for c in cs if c.source == s)), esc(ctx.source_words(s)))
            for s in who[:8]
        )
        more = f" and {len(who) - 8} more" if len(who) > 8 else ""
        items.append(f'<li><span class="value">{esc(value)}</span>: {links}{more}</li>')
    if len(card.values) > 12:
        items.append(f"<li>and {plural(len(card.values) - 12, 'more value')}</li>")
    head = values_head(card)
    return f'<div class="values"><strong>{esc(head)}:</strong><ul>{"".join(items)}</ul></div>'


def _findings_section(
    ctx: _Context, anchor: str, title: str, found: Sequence[Card], empty: str
) -> Iterator[str]:
    prefix = anchor.rstrip("s")
    # Agreements are many in an archive and need no action: folded until a reader opens them.
    folded = anchor == "agreements"
    yield f'<section id="{anchor}">\n'
    heading = f"<h2>{esc(title)} ({len(found)})</h2>"
    yield f"<details><summary>{heading}</summary>\n" if folded else heading + "\n"
    if found:
        yield from joined(
            "\n", (_finding(ctx, f"{prefix}-{n}", n, card) for n, card in enumerate(found, 1))
        )
    else:
        yield f'<p class="none">{esc(empty)}</p>'
    yield "\n</details>\n</section>" if folded else "\n</section>"


def _index_section(ctx: _Context) -> Iterator[str]:
    """Every finding in one table, filtered by status, metric and outlet without a script:
    the choices are form controls and CSS (`:has`) hides what does not match them."""
    all_cards = [("conflict", ctx.conflict_cards), ("agreement", ctx.agreement_cards)]
    yield '<section id="index">\n<h2>Index of findings</h2>\n'
    yield _filters(ctx)
    rows = []
    for prefix, found in all_cards:
        for n, card in enumerate(found, 1):
            outlets = list(dict.fromkeys(ctx.label(s) for s in card.sources))
            who = ", ".join(outlets[:4]) + (
                f" and {len(outlets) - 4} more" if len(outlets) > 4 else ""
            )
            status = "accepted" if card.accepted and not card.unaccepted else card.status
            rows.append(
                f'<tr class="idx" {_card_attrs(ctx, card)}><td><span class="st {esc(status)}">'
                f"{esc(status)}</span></td>"
                f'<td><a href="#{prefix}-{n}">{esc(card_title(card, ctx.desk))}</a></td>'
                f"<td>{esc(who)}</td></tr>"
            )
    yield _table_head(["status", "finding", "outlets"], "index") + "\n"
    yield from joined("\n", rows)
    yield "\n" + _TABLE_CLOSE + "\n</section>"


def _filters(ctx: _Context) -> str:
    statuses = "".join(
        f'<label><input type="radio" name="fs" id="fs-{v}"{" checked" if v == "all" else ""}> '
        f"{label}</label> "
        for v, label in (
            ("all", "all"),
            ("conflict", "conflicts"),
            ("new", "new conflicts"),
            ("accepted", "accepted"),
            ("agreement", "agreements"),
        )
    )
    metrics = "".join(f'<option value="{esc(m)}">{esc(m)}</option>' for m in ctx.filter_metrics())
    outlets = "".join(
        f'<option value="{esc(tok)}">{esc(name)}</option>' for name, tok in ctx.filter_outlets()
    )
    return (
        '<form class="filters" aria-label="filter findings">'
        f"<fieldset><legend>status</legend>{statuses}</fieldset> "
        '<label>metric <select id="fm"><option value="" selected>all</option>'
        f"{metrics}</select></label> "
        '<label>outlet <select id="fo"><option value="" selected>all</option>'
        f"{outlets}</select></label></form>\n"
    )


def _filter_css(ctx: _Context) -> str:
    """The filters' rules: a finding (a card or its index row) that does not match the chosen
    status, metric or outlet is hidden.  Metric ids are [a-z0-9_.-]; outlets are tokens."""
    hide = ".finding,.idx"
    rules = [
        f"body:has(#fs-conflict:checked) :is({hide}):not([data-status^=conflict]){{display:none}}",
        f"body:has(#fs-new:checked) :is({hide}):not([data-status=conflict]){{display:none}}",
        f"body:has(#fs-accepted:checked) :is({hide}):not([data-status$=accepted]){{display:none}}",
        f"body:has(#fs-agreement:checked) :is({hide}):not([data-status=agreement]){{display:none}}",
        # A filter at work opens the folded agreements, so what it shows can be seen.
        "body:has(#fs-agreement:checked) #agreements details::details-content{content-visibility:visible;display:block}",
    ]
    for m in ctx.filter_metrics():
        rules.append(
            f'body:has(#fm option[value="{m}"]:checked) :is({hide}):not([data-metric="{m}"])'
            "{display:none}"
        )
    for _, tok in ctx.filter_outlets():
        rules.append(
            f'body:has(#fo option[value="{tok}"]:checked) :is({hide}):not([data-outlets~="{tok}"])'
            "{display:none}"
        )
    return "\n" + "\n".join(rules) + "\n"


# ── single-source claims, coverage, warnings ─────────────────────────────────────────────


def _uncorroborated_section(ctx: _Context, lonely: Uncorroborated) -> Iterator[str]:
    yield (
        '<section id="uncorroborated">\n<details><summary><h2>Single-source claims nobody '
        f"corroborates ({len(lonely)})</h2></summary>\n"
    )
    if not lonely:
        yield '<p class="none">Every claim is weighed by at least one check.</p>\n</details>\n</section>'
        return
    shown = ctx.first_lonely if ctx.large else lonely
    rows = (_lonely_row(ctx, c) for c in shown)
    yield (
        "<p>Each of these rests on one source's word: no other source, known fact or "
        "arithmetic check confirms or contradicts it.</p>\n"
    )
    yield from _table(["source", "metric", "subject", "period", "value", "quote"], rows, "claims")
    yield _cut(len(lonely), len(shown), "single-source claims")
    yield "\n</details>\n</section>"


def _lonely_row(ctx: _Context, c: Claim) -> list[str]:
    value, interval = ctx.value_interval(c)
    modality = modality_words(c)
    return [
        _claim_link(ctx, c),
        f'<code class="id">{esc(c.metric)}</code>',
        esc(subject_text(c.subject)),
        esc(period_text(c.period)),
        f'<span class="value" title="{esc(interval)}">{esc(value)}</span>'
        + (f" <em>({esc(modality)})</em>" if modality else ""),
        f"<q>{_quote_html(ctx, c)}</q>",
    ]


def _coverage_section(ctx: _Context) -> Iterator[str]:
    unbound = ctx.report.unbound
    yield (
        f'<section id="coverage">\n<details><summary><h2>Coverage: numbers no rule bound '
        f"({len(unbound)})</h2></summary>\n"
    )
    if not unbound:
        yield (
            '<p class="none">Every number in the content is bound to a metric.</p>\n'
            "</details>\n</section>"
        )
        return
    shown = len(unbound) if not ctx.large else min(len(unbound), TABLE_ROWS)
    rows = (
        [
            f'<span class="outlet">{esc(ctx.source_words(u.source))}</span><br>'
            + _link(
                ctx.unbound_href(i, u),
                f'<code class="id">{esc(u.source)}:{u.line}:{u.column}</code>',
            ),
            esc(u.kind),
            f'<span class="value">{esc(u.text)}</span>'
            + (f' <span class="outlet">({esc(u.reason)})</span>' if u.reason else ""),
        ]
        for i, u in enumerate(islice(unbound, shown))
    )
    yield (
        "<p>Numbers seen in the articles' content that no metric claimed. If one of them "
        "matters, add a metric or a cue to the rules so it is checked. They are underlined in "
        "the source texts below.</p>\n"
    )
    yield from _table(["source", "kind", "text"], rows)
    yield _cut(len(unbound), shown, "numbers")
    yield "\n</details>\n</section>"


def _warnings_section(report: ReportData) -> str:
    items = "".join(f"<li>{esc(w)}</li>" for w in report.warnings)
    body = f"<ul>{items}</ul>" if items else '<p class="none">None.</p>'
    return (
        f'<section id="warnings">\n<h2>Warnings ({len(report.warnings)})</h2>\n{body}\n</section>'
    )


# ── source texts with highlights ─────────────────────────────────────────────────────────


@dataclass
class _Region:
    start: int
    end: int
    claims: list[Claim] = field(default_factory=list)
    unbound: list[int] = field(default_factory=list)


def _unbound_span(text: str, starts: Sequence[int], u: Unbound) -> tuple[int, int] | None:
    """Offsets of an unbound number from its line:column, if the text there is that number."""
    if not 1 <= u.line <= len(starts) or u.column < 1:
        return None
    at = starts[u.line - 1] + u.column - 1
    return (at, at + len(u.text)) if text[at : at + len(u.text)] == u.text else None


def _claim_spans(ctx: _Context, source: str, text: str) -> list[tuple[int, int, Claim]]:
    """The source's claims whose offsets fall in its text."""
    return [
        (c.start, c.end, c)
        for c in ctx.by_source.get(source, ())
        if 0 <= c.start < c.end <= len(text)
    ]


def _unbound_spans(ctx: _Context, source: str, text: str) -> list[tuple[int, int, int]]:
    """The source's unbound numbers (by index) found in its text where line:column says."""
    indices = ctx.unbound_by_source.get(source, ())
    starts = LineIndex(text).starts if indices else []
    spans = []
    for i in indices:
        if (span := _unbound_span(text, starts, ctx.unbound_items[i])) is not None:
            spans.append((span[0], span[1], i))
    return spans


def _regions(ctx: _Context, source: str, text: str) -> list[_Region]:
    """Highlight regions; overlapping spans (one phrase bound to two metrics) share one mark."""
    spans: list[tuple[int, int, Claim | int]] = [
        *_claim_spans(ctx, source, text),
        *ctx.unbound_spans.get(source, ()),
    ]
    spans.sort(key=lambda s: (s[0], s[1], isinstance(s[2], int)))
    regions: list[_Region] = []
    for start, end, item in spans:
        if not regions or start >= regions[-1].end:
            regions.append(_Region(start, end))
        region = regions[-1]
        region.end = max(region.end, end)
        if isinstance(item, int):
            region.unbound.append(item)
        else:
            region.claims.append(item)
    return regions


def _mark(ctx: _Context, region: _Region, text: str) -> str:
    statuses: set[str] = set()
    tips: list[str] = []
    anchors: list[str] = []
    refs: list[str] = []
    seen: set[str] = set()
    for c in region.claims:
        statuses.add(ctx.status(c.id))
        value, interval = ctx.value_interval(c)
        tips.append(f"{c.metric}: {value} {interval}")
        anchors.append(f'<span class="anchor" id="{esc(ctx.anchor(c))}"></span>')
        for anchor in ctx.conflict_refs.get(c.id, ()):
            if anchor not in seen:
                seen.add(anchor)
                refs.append(
                    f'<a class="ref" href="#{esc(anchor)}">{esc(anchor.replace("-", " "))}</a>'
                )
    for i in region.unbound:
        u = ctx.unbound_items[i]
        tips.append(f"no rule bound this {u.kind}")
        anchors.append(f'<span class="anchor" id="{esc(ctx.unbound_anchor_of(i, u))}"></span>')
    cls = next(
        (s for s in ("conflict", "agreement", "single") if s in statuses),
        "unbound",
    )
    return (
        f'<mark class="{cls}" title="{esc("; ".join(tips))}">{"".join(anchors)}'
        f"{esc(text[region.start : region.end])}</mark>"
        + (f"<sup>{' '.join(refs)}</sup>" if refs else "")
    )


def _highlighted(ctx: _Context, source: str, text: str) -> str:
    """The text in its `<pre>`, in one join: an article is copied no more than it must be."""
    out = ['<pre class="text">']
    pos = 0
    for region in _regions(ctx, source, text):
        out.append(esc(text[pos : region.start]))
        out.append(_mark(ctx, region, text))
        pos = region.end
    out.append(esc(text[pos:]))
    out.append("</pre>")
    return "".join(out)


def _source_heading(s: SourceInfo) -> str:
    """Outlet and date (and the headline, where known), linked to the article's URL where it
    is a web address."""
    words = esc(source_label(s, s.id))
    if s.url and re.match(r"https?://", s.url, re.IGNORECASE):
        words = f'<a href="{esc(s.url)}" rel="noopener noreferrer nofollow">{words}</a>'
    return f"{words}: <q>{esc(s.title)}</q>" if s.title else words


def _sources_section(ctx: _Context) -> Iterator[str]:
    """The section's lines, to be joined by newlines; an article's whole text is one."""
    yield from [
        '<section id="sources">',
        "<h2>Sources</h2>",
        '<p class="legend">Highlighted: <mark class="conflict">in a conflict</mark> '
        '<mark class="agreement">checked and consistent</mark> '
        '<mark class="single">claimed by this source only</mark> '
        '<mark class="unbound">a number no rule bound</mark></p>',
    ]
    left_out = len(ctx.report.sources) - len(ctx.shown_sources)
    if left_out > 0:
        yield (
            f'<p class="none">{left_out} of the {len(ctx.report.sources)} articles are not shown '
            "in full: no conflict names them, and their figures are quoted in the tables above."
            "</p>"
        )
    for s in ctx.report.sources:
        if s.id not in ctx.shown_sources:
            continue
        text = ctx.texts.get(s.id)
        body = (
            _highlighted(ctx, s.id, text)
            if text is not None
            else '<p class="none">The text of this source was not given to the report.</p>'
        )
        yield from [
            f'<article class="source" id="{esc(ctx.source_anchor[s.id])}">',
            f"<h3>{_source_heading(s)}</h3>",
            f'<p class="meta"><code class="id">{esc(s.id)}</code> · {_origin(s.path)}'
            f"<code>{esc(s.path)}</code> · {esc(s.encoding)}</p>",
            body,
            "</article>",
        ]
    yield "</section>"


def _origin(path: str) -> str:
    """What the text shown is, when it is not the file itself: a page's extracted text, a
    dump's record (`dump.jsonl#L17`)."""
    if "#L" in path:
        return "record of "
    if path.lower().endswith((".html", ".htm", ".xhtml")):
        return "text extracted from the page "
    return ""


# ── charts ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _ChartGroup:
    metric: str
    unit: str | None
    is_date: bool
    claims: tuple[Claim, ...]
    counts: tuple[int, ...] = ()  # a summarised chart: how many claims each row stands for
    total: int = 0
    hidden: int = 0  # distinct values not drawn


_RANK = {"conflict": 0, "agreement": 1, "single": 2}


@dataclass
class _Tally:
    """A chart's claims as one pass meets them: the claims while they are few enough to draw
    each, and always each distinct value's row: [claims stating it, its first claim's sort
    key and position, the most serious status met and the position of its first claim]."""

    count: int = 0
    claims: list[Claim] | None = field(default_factory=list)
    rows: dict[tuple[object, ...], list[object]] = field(default_factory=dict)

    def add(self, pos: int, c: Claim, rank: int) -> None:
        self.count += 1
        if self.claims is not None:
            self.claims.append(c)
            if len(self.claims) > CHART_ROWS:
                self.claims = None
        p = c.period
        key = (c.value, c.low, c.high, c.subject, p.start if p else None, p.end if p else None)
        row = self.rows.get(key)
        if row is None:
            self.rows[key] = [1, c.sort_key, pos, rank, pos]
            return
        row[0] = int(row[0]) + 1  # type: ignore[call-overload]
        if rank < int(row[3]):  # type: ignore[call-overload]
            row[3], row[4] = rank, pos


class _ChartTally:
    """One chart per metric and unit with at least two values; conflicted metrics first.

    A metric with many claims (over `CHART_ROWS`) is charted as its distinct values (value,
    interval, subject, period), the most stated first, each row standing for the claims that
    state it and taking the colour of its most serious claim.  A pass over the claims counts
    them (`add`, a `_Tally` per chart); the claims of the rows drawn are fetched in a second
    (`wanted`, then `groups`): no pass keeps them all."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.grouped: dict[tuple[str, bool, str], _Tally] = {}
        self.drawn: dict[tuple[str, bool, str], tuple[list[list[object]], int]] = {}

    def add(self, pos: int, c: Claim) -> None:
        key = (c.metric, c.is_date, "" if c.is_date else c.unit or "")
        tally = self.grouped.get(key)
        if tally is None:
            tally = self.grouped[key] = _Tally()
        tally.add(pos, c, _RANK.get(self.ctx.status(c.id), 3))

    def wanted(self) -> set[int]:
        """The positions of the claims the summarised charts draw."""
        out: set[int] = set()
        for key, tally in self.grouped.items():
            if tally.count >= 2 and tally.claims is None:
                ordered = sorted(tally.rows.values(), key=_row_order)
                kept = ordered[:CHART_ROWS]
                self.drawn[key] = (kept, len(ordered))
                out.update(int(r[2]) for r in kept)  # type: ignore[call-overload]
                out.update(int(r[4]) for r in kept)  # type: ignore[call-overload]
        return out

    def groups(self, fetched: Mapping[int, Claim]) -> list[_ChartGroup]:
        groups = []
        for (metric, is_date, unit), tally in self.grouped.items():
            if tally.count < 2:
                continue
            if tally.claims is not None:
                groups.append(_ChartGroup(metric, unit or None, is_date, tuple(tally.claims)))
                continue
            kept, distinct = self.drawn[metric, is_date, unit]
            firsts = [fetched[int(r[2])] for r in kept]  # type: ignore[call-overload]
            order = sorted(range(len(kept)), key=lambda i: _point(firsts[i], firsts[i].interval()))
            groups.append(
                _ChartGroup(
                    metric,
                    unit or None,
                    is_date,
                    tuple(fetched[int(kept[i][4])] for i in order),  # type: ignore[call-overload]
                    counts=tuple(int(kept[i][0]) for i in order),  # type: ignore[call-overload]
                    total=tally.count,
                    hidden=distinct - len(kept),
                )
            )
        conflicted = {f.metric for f in self.ctx.report.findings if f.status == "conflict"}
        return sorted(groups, key=lambda g: (g.metric not in conflicted, g.metric, g.unit or ""))


def _row_order(r: list[object]) -> tuple[object, ...]:
    """The most stated value first, then the first stated (sort key, then position)."""
    return (-int(r[0]), r[1], r[2])  # type: ignore[call-overload]


def _charts_section(ctx: _Context, groups: Sequence[_ChartGroup]) -> Iterator[str]:
    yield f'<section id="charts">\n<h2>Values by metric ({len(groups)})</h2>\n'
    if not groups:
        yield '<p class="none">No metric has more than one value.</p>\n</section>'
        return
    legend = (
        "<p>Each row is one claim: the dot is the stated value, the bar the interval its wording "
        "allows, an arrow an open end (&#8220;over $26 billion&#8221;). "
        f'<span style="color:{_COLOURS["conflict"]}">&#9679; in a conflict</span> '
        f'<span style="color:{_COLOURS["agreement"]}">&#9679; checked and consistent</span> '
        f'<span style="color:{_COLOURS["single"]}">&#9679; one source only</span>. '
        "A row links to its quote.</p>\n"
    )
    yield legend
    yield from joined("\n", (_figure(ctx, g, n) for n, g in enumerate(groups, 1)))
    yield "\n</section>"


def _figure(ctx: _Context, g: _ChartGroup, n: int) -> Iterator[str]:
    what = (
        f"{len(g.claims)} values"
        if not g.counts
        else f"{g.total} claims, drawn as their {len(g.claims)} most stated values "
        "(a row's ×N: how many claims state it)"
        + (f"; {g.hidden} rarer values not drawn" if g.hidden else "")
    )
    yield (
        f'<figure class="chart">\n<figcaption>{esc(metric_words(g.metric, ctx.desk.metrics.get(g.metric, "")))} '
        f'<code class="id">{esc(g.metric)}</code>'
        f"{'' if g.unit is None else f' in {esc(g.unit)}'} · {esc(what)}</figcaption>\n"
    )
    yield from joined("\n", _chart(ctx, g, n))
    yield "\n</figure>"


_W, _ROW, _TOP, _AXIS = 860.0, 24.0, 10.0, 30.0
_PLOT_L, _PLOT_R = 380.0, 720.0
_LABEL_CHARS = 52  # what fits left of the plot at 12px
_CHART_LIMIT = 1e300  # beyond it, spans and ticks of an axis overflow a float
_COLOURS = {"conflict": "#b42318", "agreement": "#1a7f37", "single": "#475467"}


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _chart(ctx: _Context, g: _ChartGroup, n: int) -> Iterator[str]:
    """The SVG's lines, a claim's row each: a metric can have thousands of values."""
    ivs = [c.interval() for c in g.claims]
    points = [_point(c, iv) for c, iv in zip(g.claims, ivs, strict=True)]
    finite = [x for iv in ivs for x in iv if math.isfinite(x)] + points
    if max(map(abs, finite)) > _CHART_LIMIT:
        # Near the float maximum the axis' own arithmetic overflows; the table lists them.
        yield '<p class="meta">values too large to chart</p>'
        return
    lo, hi = min(finite), max(finite)
    span = hi - lo
    # One value: a few days either side of a date, 5 % either side of a number.
    pad = span * 0.08 if span > 0 else 3.0 if g.is_date else max(abs(lo) * 0.05, 1.0)
    lo, hi = lo - pad, hi + pad

    def x_of(v: float) -> float:
        if v == -math.inf:
            return _PLOT_L
        if v == math.inf:
            return _PLOT_R
        return _PLOT_L + (v - lo) / (hi - lo) * (_PLOT_R - _PLOT_L)

    subjects_vary = len({c.subject for c in g.claims}) > 1
    height = _TOP + _ROW * len(g.claims) + _AXIS
    axis_y = _TOP + _ROW * len(g.claims) + 4
    title_id = f"chart-{n}-title"
    yield from [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_fmt(_W)} {_fmt(height)}" '
        f'width="{_fmt(_W)}" height="{_fmt(height)}" role="img" aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{esc(g.metric)}: values by source</title>',
    ]
    ticks = _date_ticks(lo, hi) if g.is_date else _number_ticks(lo, hi, g.unit)
    for value, tick in ticks:
        tx = _fmt(x_of(value))
        yield (
            f'<line class="grid" x1="{tx}" y1="{_fmt(_TOP - 4)}" x2="{tx}" y2="{_fmt(axis_y)}"/>'
            f'<text class="tick" x="{tx}" y="{_fmt(axis_y + 14)}" text-anchor="middle">'
            f"{esc(tick)}</text>"
        )
    label_x, value_x = _fmt(_PLOT_L - 8), _fmt(_PLOT_R + 12)
    for i, (c, (low, high), p) in enumerate(zip(g.claims, ivs, points, strict=True)):
        y = _TOP + _ROW * i + _ROW / 2
        # A row draws at a few heights, each written several times: format each once.
        y_mid, y_text, y_top, y_bottom = _fmt(y), _fmt(y + 4), _fmt(y - 5), _fmt(y + 5)
        colour = _COLOURS[ctx.status(c.id)]
        value_text, interval_text = ctx.value_interval(c)
        words = [_short(ctx.label(c.source), 18)]
        if g.counts:
            words = [f"×{g.counts[i]}"] + ([] if g.counts[i] > 1 else words)
        if subjects_vary:  # before the period: when subjects differ, they tell rows apart
            words.append(subject_text(c.subject))
        if c.period:
            words.append(ctx.compact_period(c.period))
        label = " · ".join(words)
        x1, x2 = x_of(low), x_of(high)
        x1_text, x2_text = _fmt(x1), _fmt(x2)
        href = ctx.claim_href(c)
        row = [
            f'<a href="#{esc(href)}">' if href else "<g>",
            f"<title>{esc(f'{c.source}:{c.line} {label}: {value_text} {interval_text}')}</title>",
            f'<text class="label" x="{label_x}" y="{y_text}" '
            f'text-anchor="end">{esc(_short(label, _LABEL_CHARS))}</text>',
            f'<line x1="{x1_text}" y1="{y_mid}" x2="{x2_text}" y2="{y_mid}" '
            f'stroke="{colour}" stroke-width="2"/>',
        ]
        for end, x, x_text, direction in ((low, x1, x1_text, -1), (high, x2, x2_text, 1)):
            if math.isfinite(end):
                row.append(
                    f'<line x1="{x_text}" y1="{y_top}" x2="{x_text}" y2="{y_bottom}" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
            else:  # an open end: an arrowhead at the plot's edge
                tip, back = _fmt(x + 4 * direction), _fmt(x - 4 * direction)
                row.append(
                    f'<polygon points="{tip},{y_mid} {back},{y_top} {back},{y_bottom}" '
                    f'fill="{colour}"/>'
                )
        row += [
            f'<circle cx="{_fmt(x_of(p))}" cy="{y_mid}" r="4" fill="{colour}"/>',
            f'<text class="val" x="{value_x}" y="{y_text}">{esc(value_text)}</text>',
            "</a>" if href else "</g>",
        ]
        yield "".join(row)
    yield (
        f'<line class="axis" x1="{_fmt(_PLOT_L)}" y1="{_fmt(axis_y)}" x2="{_fmt(_PLOT_R)}" '
        f'y2="{_fmt(axis_y)}"/>'
    )
    yield "</svg>"


def _compact_period(p: Period) -> str:
    """'2022' or 'Jan–Nov 2022' where a period is whole months of one year: labels are short."""
    whole_months = p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1
    if not whole_months or p.start.year != p.end.year:
        return p.label
    if (p.start.month, p.end.month) == (1, 12):
        return str(p.start.year)
    if p.start.month == p.end.month:
        return f"{p.start:%b} {p.start.year}"
    return f"{p.start:%b}–{p.end:%b} {p.start.year}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _point(c: Claim, iv: tuple[float, float]) -> float:
    """Where the dot goes: the stated number, or the middle of a date's span."""
    if isinstance(c.value, float | int):
        return float(c.value)
    low, high = iv
    if math.isfinite(low) and math.isfinite(high):
        return (low + high) / 2
    return low if math.isfinite(low) else high


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / target
    mag = 10.0 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def _number_ticks(lo: float, hi: float, unit: str | None) -> list[tuple[float, str]]:
    step = _nice_step(hi - lo, target=4)  # "23.55bn USD" is ~70px: four fit under the plot
    first = math.ceil(lo / step) * step
    count = int((hi - first) / step + 1e-9) + 1
    return [(first + k * step, show_number(first + k * step, unit)) for k in range(count)]


def _date_ticks(lo: float, hi: float) -> list[tuple[float, str]]:
    first = dt.date.fromordinal(max(1, math.ceil(lo)))
    last = dt.date.fromordinal(max(1, math.floor(hi)))
    days = hi - lo
    ticks: list[tuple[float, str]] = []
    if days > 3 * 366:
        step = max(1, round(_nice_step(days / 365.25)))
        year = first.year + (-first.year % step)
        while year <= last.year:
            d = dt.date(year, 1, 1)
            if d >= first:
                ticks.append((float(d.toordinal()), str(year)))
            year += step
    elif days > 62:
        months = days / 30.4
        step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 6)
        m = first.year * 12 + first.month - 1
        m += -m % step
        while (d := dt.date(m // 12, m % 12 + 1, 1)) <= last:
            if d >= first:
                ticks.append((float(d.toordinal()), f"{d:%Y-%m}"))
            m += step
    else:
        # An ISO date label is ~65px wide: at most four fit under the plot.
        step = next(s for s in (1, 2, 5, 7, 14, 31) if days / s <= 4)
        for o in range(first.toordinal(), last.toordinal() + 1, step):
            ticks.append((float(o), dt.date.fromordinal(o).isoformat()))
    return ticks


_CSS = """
:root{--fg:#1d2939;--muted:#667085;--line:#d0d5dd;--bg:#fff;--soft:#f8f9fb;
--bad:#b42318;--bad-bg:#fee4e2;--good:#1a7f37;--good-bg:#dcfae6;--single-bg:#eaecf0}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:var(--bg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Arial,sans-serif}
header,main,nav{max-width:1150px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{margin:0 0 4px;font-size:26px}
h2{margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line);font-size:21px}
h3{margin:0 0 4px;font-size:17px}
code{font:13px/1.4 ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;
overflow-wrap:anywhere}
a{color:#175cd3}
.meta,.outlet,.legend,figcaption{color:var(--muted);font-size:13px}
.verdict{font-size:17px;font-weight:600;margin:2px 0}
.verdict.bad{color:var(--bad)}.verdict.good{color:var(--good)}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:6px 16px;padding:8px 0;margin:10px 0 0;
border-top:1px solid var(--line);border-bottom:1px solid var(--line)}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 14px}
.stat{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:120px;background:var(--soft)}
.stat .n{display:block;font-size:24px;font-weight:700}
.stat .l{color:var(--muted);font-size:13px}
.stat.bad{border-color:var(--bad);background:var(--bad-bg)}.stat.bad .n{color:var(--bad)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:6px 0;font-size:14px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
table.claims td:last-child{min-width:320px}
.value{font-weight:600;white-space:nowrap}
.nw{white-space:nowrap;overflow-wrap:normal}
.finding{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:12px 14px;
margin:12px 0;scroll-margin-top:12px}
.finding.conflict{border-left-color:var(--bad);background:#fffbfa}
.finding.agreement{border-left-color:var(--good)}
.finding:target{box-shadow:0 0 0 3px #84caff}
.why,.fact{margin:8px 0 0}
.finding.conflict .why strong{color:var(--bad)}
.sev.error{color:var(--bad);font-weight:600}
.none{color:var(--muted);font-style:italic}
mark{border-radius:3px;padding:0 2px;color:inherit}
mark.conflict{background:var(--bad-bg);box-shadow:inset 0 -2px var(--bad)}
mark.agreement{background:var(--good-bg)}
mark.single{background:var(--single-bg)}
mark.unbound{background:none;border-bottom:2px dashed #f79009;border-radius:0}
q mark{background:#fef0c7;box-shadow:none}
mark:has(>.anchor:target){outline:3px solid #2e90fa;outline-offset:1px}
.anchor{scroll-margin-top:40vh}
sup a.ref{font-size:11px;color:var(--bad);text-decoration:none;margin-left:2px}
.source{margin:18px 0}
pre.text{white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.6 Georgia,"DejaVu Serif",serif;
background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:12px 14px;margin:6px 0}
figure.chart{margin:14px 0;overflow-x:auto}
svg text{font:12px system-ui,"Liberation Sans",Arial,sans-serif;fill:var(--fg)}
svg text.tick{fill:var(--muted);font-size:11px}
svg .grid{stroke:#eaecf0}svg .axis{stroke:#98a2b3}
svg a:hover text.label{text-decoration:underline}
code.id{font-size:11px;color:var(--muted)}
details>summary{cursor:pointer}
details>summary>h2{display:inline-block;border:0;margin:24px 0 6px}
section>details>summary{border-bottom:2px solid var(--line);margin-bottom:8px}
.values ul,.why ul{margin:4px 0 0;padding-left:20px}
.values{margin:8px 0}
.desk{margin:8px 0 0;padding:6px 10px;background:#eff8ff;border-left:4px solid #2e90fa}
.badge{font-size:12px;font-weight:600;border-radius:10px;padding:1px 8px;vertical-align:middle}
.badge.accepted,.st.accepted{background:#eff8ff;color:#175cd3}
.st{font-size:12px;font-weight:600;border-radius:10px;padding:1px 8px}
.st.conflict{background:var(--bad-bg);color:var(--bad)}.st.agreement{background:var(--good-bg);color:var(--good)}
.filters{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;margin:6px 0}
.filters fieldset{border:1px solid var(--line);border-radius:6px;padding:2px 10px;margin:0}
.filters legend{font-size:12px;color:var(--muted)}
.filters select{max-width:260px}
.home{max-width:1150px;margin:12px auto 0;padding:0 20px}
h1.page{max-width:1150px;margin:4px auto;padding:0 20px;font-size:20px;color:var(--muted)}
table.index td:first-child{width:1%;white-space:nowrap}
@media (max-width:700px){
header,main,nav{padding:0 10px}
.scroll{overflow-x:visible}
table.claims,table.claims tbody,table.claims tr,table.claims td{display:block;width:100%}
table.claims thead{display:none}
table.claims tr{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:4px 0}
table.claims td{border:0;padding:3px 8px}
table.claims td:last-child{min-width:0}
.value{white-space:normal}
figure.chart{overflow-x:auto}
}
@media print{
nav,.filters,#index{display:none}
details>*{display:block}
details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none}
.scroll{overflow:visible}
table{font-size:11px}
table.claims td:last-child{min-width:0}
.finding{break-inside:avoid}
q,pre.text{white-space:pre-wrap;overflow-wrap:anywhere}
}
"""
