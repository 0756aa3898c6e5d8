"""Binding: mentions + metric definitions → claims.

For each figure in a sentence, the metrics whose unit fits and whose cue phrase stands in the
same sentence (within `max_distance` characters) are candidates; the nearest cue wins (on a
tie the longer cue, then the metric listed first).  A count is a candidate only for a metric
whose cue it counts ("3,348 joint ventures", not "two districts": `attachment.py`).  Then:

- subject: the metric's default parties, unless the figure's clause names another entity
  ("with China"), which replaces the counterparty;
- period: the period stated right after the figure ("31 million in 2020", "the 40 million of
  2019"), else the nearest stated before it in its sentence (else after it, else in the
  sentences just before), with "the same period the previous year" shifting the sentence's
  own period back a year and "at the end of last year" meaning the whole year for a flow;
- modality: "could reach", "expected", "may soon reach" make a forecast, "target", "aim", "goal"
  a target; neither ever conflicts with a result.

A metric with `period: required` makes no claim of a figure without a period; the figure is
listed in the coverage as "no period".  Given a `BindTrace`, the binder records each decision
(`trace.py`), for `factcheck explain` and `factcheck rules test`.

A figure restated in another currency or unit in one breath is one claim; a physical figure
is converted to its metric's unit ("1,500 miles" for a metric in km), never across dimensions,
and a figure in another currency only at an exchange rate of the rules (`rates:`).  In "from
39th to 28th place" only the second figure is a claim about now.

Sentences come from `factcheck.bind.sentences`, the word lists and cue phrases are found by
`factcheck.bind.words` and `factcheck.bind.phrases`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from factcheck.bind import attribution, subjects
from factcheck.bind.attachment import Attachment, attachment
from factcheck.bind.patterns import CuePattern
from factcheck.bind.phrases import PhraseIndex, SentenceHits
from factcheck.bind.sentences import Span, sentence_spans
from factcheck.bind.trace import BindTrace, FigureTrace
from factcheck.bind.words import Markers, Words, plain_lower
from factcheck.checks.calendar import WEEKDAY_METRIC
from factcheck.ingest import LineIndex
from factcheck.models import Claim, DateSpan, Mention, Modality, Period, Quantity, Source, Unbound
from factcheck.rules import RuleSet
from factcheck.spec import MetricSpec, month_of, tolerance_fraction
from factcheck.units import factor, is_currency, is_physical

FORECAST_MARKERS = (
    "could",
    "may",
    "might",
    "will",
    "would",
    "shall",
    "expected",
    "expects",
    "expect",
    "forecast",
    "forecasts",
    "projected",
    "predicted",
    "predicts",
    "anticipated",
    "is set to",
    "are set to",
    "likely to",
    "on track to",
    "is to reach",
    "should reach",
    "potential",
)
TARGET_MARKERS = (
    "target",
    "targets",
    "aim",
    "aims",
    "goal",
    "plan to",
    "plans to",
    "intend",
    "intends",
    "seek to",
)
# Forecast markers that count after the figure too ("$5 billion is expected").
FORECAST_AFTER_MARKERS = ("expected", "forecast", "projected", "predicted")

_TARGET = Markers(TARGET_MARKERS)
_FORECAST = Markers(FORECAST_MARKERS)
_FORECAST_AFTER = Markers(FORECAST_AFTER_MARKERS)
_MODAL = Markers(TARGET_MARKERS + FORECAST_MARKERS)  # for its hint


@dataclass
class _Doc:
    """One source while it is bound, with what is worked out once and asked again."""

    text: str
    lower: str | None  # plain_lower(text)
    sents: list[Span]
    by_sentence: list[list[Mention]]
    cues: SentenceHits
    set_cues: SentenceHits
    contexts: SentenceHits
    excludes: SentenceHits
    ref: dt.date | None = None  # the source's reference date, for "so far this season"
    clauses: dict[Span, Span] = field(default_factory=dict)
    periods: dict[int, list[Mention]] = field(default_factory=dict)
    spans: dict[int, list[Span]] = field(default_factory=dict)
    anchors: dict[int, list[attribution.Anchor]] = field(default_factory=dict)
    lines: LineIndex | None = None
    # Why a figure a metric's cue stood beside was not bound ("no exchange rate ...").
    reasons: dict[Span, str] = field(default_factory=dict)
    trace: BindTrace | None = None  # filled only for `explain` and `rules test`

    def traced(self, i: int, m: Mention) -> FigureTrace | None:
        """The trace of a figure of sentence i, when the binder is asked to keep one."""
        return None if self.trace is None else self.trace.figure(m, self.sents[i])

    def clause(self, i: int, m: Mention) -> Span:
        """`clause` of a mention of sentence i."""
        key = (m.span.start, m.span.end)
        found = self.clauses.get(key)
        if found is None:
            found = self.clauses[key] = clause(self.text, self.sents[i], m)
        return found

    def mention_spans(self, i: int) -> list[Span]:
        """Where the mentions of sentence i stand."""
        found = self.spans.get(i)
        if found is None:
            found = self.spans[i] = [(m.span.start, m.span.end) for m in self.by_sentence[i]]
        return found

    def periods_in(self, i: int) -> list[Mention]:
        """The mentions of sentence i that can give a period."""
        found = self.periods.get(i)
        if found is None:
            found = self.periods[i] = [p for p in self.by_sentence[i] if _is_period(p)]
        return found

    def position(self, offset: int) -> tuple[int, int]:
        if self.lines is None:
            self.lines = LineIndex(self.text)
        return self.lines.position(offset)


# ---------------------------------------------------------------------- binding


class Binder:
    """Binds one source's mentions with one rule set.  Pure: same inputs, same claims."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.metrics = [
            m for m in rules.metrics.values() if m.id != WEEKDAY_METRIC and m.unit != "entities"
        ]
        self.set_metrics = [m for m in rules.metrics.values() if m.unit == "entities"]
        self.metric_order = {m.id: (order, m) for order, m in enumerate(self.metrics)}
        # The kinds of mention some metric can take (see `accepts`): the others never bind.
        self.kinds = {k for m in self.metrics for k in kinds_for(m.unit)}
        every = [*self.metrics, *self.set_metrics]
        self.cues = PhraseIndex(
            [(c, m.id) for m in every for c in m.cues],
            [(CuePattern(p), m.id) for m in every for p in m.cue_patterns],
        )
        # Member lists are looked for in every sentence, figures or not: their own small index.
        self.set_cues = PhraseIndex([(c, m.id) for m in self.set_metrics for c in m.cues])
        self.contexts = PhraseIndex([(c, m.id) for m in every for c in m.context])
        self.excludes = PhraseIndex([(c, m.id) for m in self.metrics for c in m.exclude])
        # Metrics with markers of their own: (forecast markers, all markers).
        self.markers = {
            m.id: (
                Markers((*FORECAST_MARKERS, *m.modality_markers)),
                Markers((*TARGET_MARKERS, *FORECAST_MARKERS, *m.modality_markers)),
            )
            for m in self.metrics
            if m.modality_markers
        }
        names = sorted(
            {n for e in rules.entities.values() for n in (e.id, *e.aliases)}, key=len, reverse=True
        )
        self.entities = Words(names, ignore_case=False) if names else None
        self.alias_to_entity = {
            alias: e.id for e in rules.entities.values() for alias in (e.id, *e.aliases)
        }
        # Bodies state figures; they are never what a figure is about (`attribution`).
        self.bodies = frozenset(e.id for e in rules.entities.values() if e.body)
        # Whether some cue or name holds a number ("12-month job losses", "Group of 20"): only
        # then can a figure be part of one (`_in_a_name`).
        self.numbered_cues = any(subjects.has_number(c) for m in every for c in m.cues)
        self.numbered_names = any(subjects.has_number(n) for n in names)

    # ------------------------------------------------------------------ per source

    def bind(
        self, source: Source, mentions: Sequence[Mention], trace: BindTrace | None = None
    ) -> tuple[list[Claim], list[Unbound]]:
        """The source's claims, and its figures no rule bound; `trace` records why."""
        text = source.text
        sents = sentence_spans(text, source.furniture)
        lower = plain_lower(text)
        by_sentence: list[list[Mention]] = [[] for _ in sents]
        starts = [s for s, _ in sents]
        for m in mentions:
            if m.furniture:
                continue
            span = m.span
            i = bisect.bisect_right(starts, span.start) - 1
            if i >= 0 and span.end <= sents[i][1]:
                by_sentence[i].append(m)
        doc = _Doc(
            text,
            lower,
            sents,
            by_sentence,
            SentenceHits(self.cues, text, lower, sents),
            SentenceHits(self.set_cues, text, lower, sents),
            SentenceHits(self.contexts, text, lower, sents),
            SentenceHits(self.excludes, text, lower, sents),
            source.reference_date,
            trace=trace,
        )
        # Only sentences with figures or a possible member list can give claims.
        lists = set(self.set_cues.sentences_to_search(lower, sents)) if self.set_metrics else set()
        busy = sorted(lists.union(i for i, ms in enumerate(by_sentence) if ms))
        claims: list[Claim] = []
        used: set[Span] = set()
        used_as_period: set[Span] = set()
        no_period: dict[Span, str] = {}  # figures dropped for want of a required period
        for i in busy:
            ms = by_sentence[i]
            for pos, m in enumerate(ms):
                if m.weekday and m.date is not None and m.date.precision == "day":
                    claims.append(self._weekday_claim(source, text, sents[i], m))
                if m.kind not in self.kinds or _is_from_value(text, ms, pos):
                    seen = doc.traced(i, m)
                    if seen is not None:
                        seen.skipped = (
                            f"no metric takes a {m.kind}"
                            if m.kind not in self.kinds
                            else "the earlier value of 'from … to …', not a claim about now"
                        )
                    continue
                metric = self._choose_metric(doc, i, m)
                if metric is None:
                    continue
                # A part whose own clause holds a cue of the metric after it is that cue's.
                c_end = doc.clause(i, m)[1]
                own_cue = any(
                    m.span.end <= s and e <= c_end
                    for s, e in doc.cues.phrases(i).get(metric.id, ())
                )
                if subjects.not_a_figure(
                    text, doc.clause(i, m)[0], m.span.start, m.span.end, sents[i], own_cue
                ) or self._in_a_name(doc, i, m):
                    continue  # "the two countries", "including $400 million", "Group of 20"
                claim = self._claim(source, doc, i, m, metric, used_as_period)
                if doc.trace is not None:
                    doc.trace.figure(m, sents[i]).claim = claim
                if claim is not None:
                    claims.append(claim)
                    used.add((m.span.start, m.span.end))
                elif metric.period == "required" and (m.span.start, m.span.end) not in doc.reasons:
                    # `accepts` saw its quantity and no exchange rate was missing (a reason of
                    # its own): what it lacked is the period (see _claim).
                    no_period[(m.span.start, m.span.end)] = metric.id
            if i in lists:
                claims.extend(self._member_lists(source, doc, i))
        used |= used_as_period
        unbound = [
            Unbound(
                source=source.id,
                kind=m.kind,
                text=m.text,
                line=m.span.line,
                column=m.span.column,
                reason=(
                    f"no period for {no_period[key]}"
                    if key in no_period
                    else doc.reasons.get((m.span.start, m.span.end), "")
                ),
            )
            for m in mentions
            if (key := (m.span.start, m.span.end)) not in used
            and (_is_figure(m) or key in no_period)
        ]
        return claims, unbound

    def _member_lists(self, source: Source, doc: _Doc, i: int) -> list[Claim]:
        """Lists of entities after a cue: "Its members are Armenia, Belarus and Kyrgyzstan"."""
        text = doc.text
        sent_start, sent_end = doc.sents[i]
        out: list[Claim] = []
        for metric in self.set_metrics:
            cue_hits = doc.set_cues(i).get(metric.id)
            if not cue_hits:
                continue
            if metric.context and not doc.contexts.window(metric.id, i - metric.context_window, i):
                continue
            for cue_start, cue_end in sorted(cue_hits):
                names = self._enumeration(text, cue_end, sent_end)
                if len(names) < 2:
                    continue
                members = tuple(dict.fromkeys(e for _, _, e in names))
                start, end = names[0][0], names[-1][1]
                line, column = doc.position(start)
                partial = bool(_PARTIAL_LIST.search(text, cue_start, cue_end))
                out.append(
                    Claim(
                        id=f"{source.id}:{line}:{column}:{metric.id}",
                        source=source.id,
                        metric=metric.id,
                        subject=metric.subject.default(),
                        value=", ".join(members),
                        unit="entities",
                        low=None,
                        high=None,
                        qualifier="over" if partial else "exact",
                        quote=" ".join(text[sent_start:sent_end].split()),
                        line=line,
                        column=column,
                        start=start,
                        end=end,
                        members=members,
                    )
                )
                break  # one list per metric and sentence
        return out

    def _enumeration(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """Entity names right after `start`, joined by commas and "and"."""
        if self.entities is None:
            return []
        names: list[tuple[int, int, str]] = []
        pos = start
        for hit in self.entities.exact.finditer(text, start, end):
            gap = text[pos : hit.start()]
            if not (_LIST_OPENING if not names else _LIST_JOIN).fullmatch(gap):
                break
            ent = self.alias_to_entity.get(hit.group())
            if ent is None:
                break
            names.append((hit.start(), hit.end(), ent))
            pos = hit.end()
        return names

    # ------------------------------------------------------------------ metric choice

    def _choose_metric(self, doc: _Doc, i: int, m: Mention) -> MetricSpec | None:
        """The metric with the nearest cue that takes the figure; on a tie, the longer cue (the
        more specific), then the first listed.  A count must count the cue (`attachment`).
        With a trace kept, each metric weighed is recorded with what decided it (`seen`)."""
        found = doc.cues.phrases(i)
        patterned = self.cues.pattern_owners
        seen = doc.traced(i, m)
        if not found and not patterned:
            if seen is not None:
                seen.skipped = "no metric's cue stands in its sentence"
            return None
        # The winner is the least (exchanged, distance, -cue length, order): a figure taken as
        # stated beats one taken at an exchange rate; the owners' order does not matter.
        owners = found.keys() | patterned if patterned else found.keys()
        figure_start, figure_end = m.span.start, m.span.end
        best: tuple[bool, int, int, int, MetricSpec] | None = None
        for metric_id in owners:
            known = self.metric_order.get(metric_id)
            if known is None:
                continue  # a member list's cue
            order, metric = known
            exchanged = False
            if not accepts(metric, m):
                if not self._in_other_currency(metric, m):
                    if seen is not None:
                        seen.unit_mismatch(metric, found.get(metric_id, []))
                    continue
                exchanged = True  # taken only where no metric takes the figure as stated
            cues = found.get(metric_id, [])
            if metric_id in patterned:
                cues = cues + doc.cues.patterns(i, metric_id)
            if not cues:
                if seen is not None:
                    seen.reject(metric.id, "no cue in its sentence")
                continue
            dist, cue = min((max(s - figure_end, figure_start - e, 0), (s, e)) for s, e in cues)
            how = None
            if metric.unit == "count":
                att = attachment(doc.text, m, cues, doc.sents[i], doc.by_sentence[i])
                if att is None:
                    att = self._listed(doc, i, m, cues)
                if att is None:
                    if seen is not None:
                        seen.unattached(doc.text, metric, cue, dist)
                    continue
                cue, how = att.cue, att.how
                dist = max(cue[0] - figure_end, figure_start - cue[1], 0)
            if dist > metric.max_distance:
                if seen is not None:
                    seen.too_far(doc.text, metric, cue, dist)
                continue
            if metric.is_date and not subjects.dates_the_event(
                doc.text,
                (figure_start, figure_end),
                cues,
                [(d.span.start, d.span.end) for d in doc.by_sentence[i] if accepts(metric, d)],
            ):
                continue  # another date of the sentence is the one beside the cue
            if metric.context and not doc.contexts.window(metric.id, i - metric.context_window, i):
                if seen is not None:
                    seen.no_context(metric, dist)
                continue
            if metric.exclude:
                c_start, c_end = clause_span = doc.clause(i, m)
                hits = doc.excludes(i).get(metric.id, ())
                hit = next(((s, e) for s, e in hits if c_start <= s and e <= c_end), None)
                if hit is not None:
                    if seen is not None:
                        seen.excluded(doc.text, metric, hit, clause_span, dist)
                    continue
            key = (exchanged, dist, cue[0] - cue[1], order)
            if seen is not None:
                seen.candidate(doc.text, metric, cue, dist, how, _context_found(doc, i, metric))
            if best is None or key < best[:4]:
                best = (*key, metric)
        if seen is not None and best is not None:
            seen.choose(best[4].id)
        return best[4] if best else None

    # ------------------------------------------------------------------ claim building

    def _claim(
        self,
        source: Source,
        doc: _Doc,
        i: int,
        m: Mention,
        metric: MetricSpec,
        used_as_period: set[Span],
    ) -> Claim | None:
        text, sent = doc.text, doc.sents[i]
        period: Period | None = None
        seen = doc.traced(i, m)
        if metric.period != "none":
            found = self._period(doc, i, m, metric)
            if found is not None:
                period, pm = found
                used_as_period.add((pm.span.start, pm.span.end))
                if seen is not None:
                    seen.period_from(pm, period)
            elif metric.period == "required":
                # Without its period a flow's figure compares with nothing: it is listed in
                # the coverage as "no period" rather than kept as a claim no check can use.
                if seen is not None:
                    seen.dropped = (
                        "no period: the metric says `period: required` and none is stated"
                    )
                return None
        subject = self._subject(doc, i, m, metric)
        if seen is not None:
            seen.subject_from(doc.text, metric, subject, doc.clause(i, m))
        modality = self._modality(doc, i, m, metric)
        as_of = as_of_date(doc.text, doc.by_sentence[i], doc.sents[i], m, period, source)
        common = dict(
            attribution=self._attribution(doc, i, m),
            id=f"{source.id}:{m.span.line}:{m.span.column}:{metric.id}",
            source=source.id,
            metric=metric.id,
            subject=subject,
            period=period,
            qualifier=m.qualifier,
            modality=modality,
            quote=quote(text, sent, m),
            line=m.span.line,
            column=m.span.column,
            start=m.span.start,
            end=m.span.end,
            as_of=as_of if metric.is_stock else None,
        )
        if metric.is_date:
            if m.date is None:
                return None
            span = m.date
            return Claim(
                value=span.label,
                unit=metric.unit,
                low=span.start.isoformat(),
                high=span.end.isoformat(),
                weekday=m.weekday,
                **common,
            )
        q = quantity_in(metric, m)
        rate_id: str | None = None
        if q is None and m.kind == "money":
            q, rate_id, why = self._exchanged(metric, m, period)
            if q is None:
                doc.reasons[(m.span.start, m.span.end)] = why
        if q is None:
            return None
        return Claim(
            value=q.value,
            unit=q.unit,
            low=q.low if q.low != -math.inf else None,
            high=q.high if q.high != math.inf else None,
            rate=rate_id,
            **common,
        )

    # ------------------------------------------------------------------ exchange rates

    def _in_other_currency(self, metric: MetricSpec, m: Mention) -> bool:
        """A money figure in another currency than its currency metric's: bound only through a
        rate of the rules, and otherwise left unbound with the reason (see `_exchanged`)."""
        return m.kind == "money" and m.quantity is not None and is_currency(metric.unit)

    def _exchanged(
        self, metric: MetricSpec, m: Mention, period: Period | None
    ) -> tuple[Quantity | None, str | None, str]:
        """The figure in the metric's currency at a rate of the rules whose period holds the
        claim's, its interval widened by the rate's tolerance; else None and why not."""
        stated = [q for q in (m.quantity, *m.alternatives) if q is not None]
        pairs = ", ".join(f"{q.unit}/{metric.unit}" for q in stated)
        if period is None:
            return None, None, f"in {pairs}: no period to take an exchange rate for"
        for q in stated:
            for rate in self.rules.rates:
                if {rate.base, rate.quote} != {q.unit, metric.unit}:
                    continue
                if not (rate.period[0] <= period.start and period.end <= rate.period[1]):
                    continue
                f = rate.rate if q.unit == rate.base else 1.0 / rate.rate
                tol = tolerance_fraction(rate.tolerance)
                low, high = sorted((q.low * f * (1 - tol), q.high * f * (1 + tol)))
                value = q.value * f
                return Quantity(value=value, low=low, high=high, unit=metric.unit), rate.id, ""
        return (
            None,
            None,
            f"in {pairs}: no exchange rate in the rules for {_label(period)}; add one under "
            "`rates:` to compare it",
        )

    def _weekday_claim(self, source: Source, text: str, sent: Span, m: Mention) -> Claim:
        assert m.date is not None
        return Claim(
            id=f"{source.id}:{m.span.line}:{m.span.column}:{WEEKDAY_METRIC}",
            source=source.id,
            metric=WEEKDAY_METRIC,
            value=m.date.label,
            unit="date",
            low=m.date.start.isoformat(),
            high=m.date.end.isoformat(),
            quote=quote(text, sent, m),
            line=m.span.line,
            column=m.span.column,
            start=m.span.start,
            end=m.span.end,
            weekday=m.weekday,
        )

    def _period(
        self, doc: _Doc, i: int, m: Mention, metric: MetricSpec
    ) -> tuple[Period, Mention] | None:
        here = [p for p in doc.periods_in(i) if p is not m]
        start, end = m.span.start, m.span.end
        before = [p for p in here if p.span.end <= start]
        after = [p for p in here if p.span.start >= end]
        pick: Mention | None = None
        if _TO_BEFORE.search(doc.text, max(doc.sents[i][0], start - 30), start):
            # "from 40 million in 2019 to 31 million": 2019 is the base's year, not this one's.
            base_at = doc.text.rfind("from", doc.sents[i][0], start)
            if base_at >= 0:
                before = [p for p in before if p.span.start < base_at]
        change_to = _FROM_TO.match(doc.text, end, doc.sents[i][1])
        if change_to:
            # "fell 22.5 % from 40 million in 2019 to 31 million in 2020": the change is 2020's,
            # never the year of its base ("... to 31 million" alone gives it no year of its own).
            after = [p for p in after if p.span.start >= change_to.end()]
        if change_to and after:
            pick = after[0]
        elif after and (
            _stated_right_after(doc.text, m, after[0])
            or _OWN_PERIOD.fullmatch(doc.text, end, after[0].span.start)
        ):
            # "109 million tonnes in 2020", "the 40 million of 2019", "90 million at this point
            # last year", "from 40 million in 2019 to 31 million in 2020": a period right after
            # the figure is its own, whatever the sentence said before it.
            pick = after[0]
        elif before:
            pick = before[-1]
        elif after:
            pick = after[0]
        elif metric.period == "required":
            # A flow's figure needs its period; a sentence that gives none continues the
            # one before ("But with China the growth was 34,9%").
            for j in range(i - 1, max(-1, i - 1 - metric.context_window), -1):
                earlier = [p for p in doc.periods_in(j) if p.shift_years is None]
                if earlier:
                    pick = earlier[-1]
                    break
        if pick is None:
            return None
        shift = pick.shift_years
        base = [p for p in here if p.shift_years is None and p.span.end <= pick.span.start]
        if shift is None and base and _ANAPHORIC_YEAR.fullmatch(pick.text):
            # "in 2022 ... higher than in the previous year": the year before the sentence's
            # own period, not the year before the article.
            shift = -1
        if shift is not None:
            if not base or base[-1].date is None:
                return None
            p = _as_period(base[-1].date, base[-1].part, metric)
            return _shifted(p, shift), pick
        if pick.fiscal_year is not None:
            season = fiscal_period(pick, self._year_starts(metric))
            return (season, pick) if season is not None else None
        if pick.season_to_date:
            starts, ref = self._year_starts(metric), doc.ref
            if starts is None or ref is None:
                return None  # the season's start or the article's date is not known: open
            first = dt.date(ref.year if ref.month >= starts else ref.year - 1, starts, 1)
            return _period_of(first, ref), pick
        if pick.date is None:
            return None
        by = _BY.search(doc.text, max(0, pick.span.start - 16), pick.span.start)
        if metric.flow and pick.part == "end" and by:
            # A flow "by the end of May" is the year to date: January to May.
            last = pick.date.end
            return _period_of(dt.date(last.year, 1, 1), last), pick
        return _as_period(pick.date, pick.part, metric), pick

    def _year_starts(self, metric: MetricSpec) -> int | None:
        """The month the metric's year starts, else its home entity's; None for neither."""
        if metric.year_starts is not None:
            return month_of(metric.year_starts)
        for party in metric.subject.parties[:1]:
            entity = self.rules.entities.get(party)
            if entity is not None and entity.year_starts is not None:
                return month_of(entity.year_starts)
        return None

    def _subject(self, doc: _Doc, i: int, m: Mention, metric: MetricSpec) -> tuple[str, ...]:
        """The metric's parties, the counterparty replaced by an entity named in the clause."""
        default = metric.subject.default()
        if not metric.subject.from_text or not metric.subject.parties:
            return default
        c_start, c_end = doc.clause(i, m)
        hits = self.entities.spans(doc.text, c_start, c_end) if self.entities else []
        near = doc.mention_spans(i)
        # Entities a figure can be about: not bodies, not inside a figure ("US" of "US$8.4bn").
        named = [
            (s, e, ent)
            for s, e in hits
            if (ent := self.alias_to_entity.get(doc.text[s:e])) is not None
            and ent not in self.bodies
            and not any(a <= s < b for a, b in near)
        ]
        own = self._own_subject(doc, i, m, (c_start, c_end), default, named)
        if own is not None:
            return own
        nearest = sorted((abs(s - m.span.start), ent) for s, _, ent in named)
        others = [e for _, e in nearest if e not in default]
        if not others:
            return default
        if len(default) == 1:
            return (others[0],)
        return (*default[:-1], others[0])

    def _listed(self, doc: _Doc, i: int, m: Mention, cues: Sequence[Span]) -> Attachment | None:
        """A count listed with others of its sentence, each beside its own entity, counts
        what one of them counts: "389 people were killed in Mozambique and 96 in Malawi",
        "Mozambique and Malawi recorded 412 and 96 deaths respectively", "Deaths by country:
        Mozambique 389, Malawi 96"; and so does a total of them ("485 in total")."""
        text, sent = doc.text, doc.sents[i]
        members = [
            p
            for p in doc.by_sentence[i]
            if p.kind == m.kind
            and (p is m or not subjects.not_a_figure(text, sent[0], p.span.start, p.span.end, sent))
        ]
        if len(members) < 2:
            return None
        spans = [(p.span.start, p.span.end) for p in members]
        figure = (m.span.start, m.span.end)
        near = doc.mention_spans(i)
        named = [
            n
            for n in self._named(text, *sent)
            if n[2] not in self.bodies and not any(s <= n[0] < e for s, e in near)
        ]
        label = subjects.labelled_list(text, sent, figure, cues, named)
        if label is not None:
            return Attachment("listed", label)
        k = spans.index(figure)
        lo = spans[k - 1][1] if k > 0 else sent[0]
        hi = spans[k + 1][0] if k + 1 < len(spans) else sent[1]
        own = subjects.coordinated(figure, spans, named, sent, text)
        if own is None and subjects.whole_marker(text, lo, hi) is None:
            return None
        if not subjects.no_noun_of_its_own(text, *figure, sent):
            return None  # "and damaged 3,000 homes in Malawi" counts homes
        for p in members:
            if p is not m:
                att = attachment(text, p, cues, sent, doc.by_sentence[i])
                if att is not None:
                    return Attachment("listed", att.cue)
        return None

    def _in_a_name(self, doc: _Doc, i: int, m: Mention) -> bool:
        """Whether the figure is part of a cue phrase ("12-month job losses") or of an
        entity's name ("the Group of 20"): then it names, it does not state."""
        start, end = m.span.start, m.span.end
        if self.numbered_cues:
            for spans in doc.cues.phrases(i).values():
                if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
                    return True
        if self.entities is None or not self.numbered_names:
            return False
        lo, hi = max(doc.sents[i][0], start - 40), min(doc.sents[i][1], end + 40)
        return any(s <= start and end <= e for s, e in self.entities.spans(doc.text, lo, hi))

    def _own_subject(
        self,
        doc: _Doc,
        i: int,
        m: Mention,
        clause: Span,
        default: tuple[str, ...],
        named: list[tuple[int, int, str]],
    ) -> tuple[str, ...] | None:
        """A subject the figure's place in a coordination or a whole gives it
        (`factcheck.bind.subjects`), or None to let the nearest entity decide."""
        text = doc.text
        figure = (m.span.start, m.span.end)
        members = [
            (p.span.start, p.span.end)
            for p in doc.by_sentence[i]
            if p.kind == m.kind and clause[0] <= p.span.start and p.span.end <= clause[1]
        ]
        if len(members) > 1:  # "the two countries" and parts are no members
            members = [
                p
                for p in members
                if p == figure or not subjects.not_a_figure(text, clause[0], *p, doc.sents[i])
            ]
        k = members.index(figure)
        lo = members[k - 1][1] if k > 0 else clause[0]
        hi = members[k + 1][0] if k + 1 < len(members) else clause[1]
        marker = subjects.whole_marker(text, lo, hi) if len(default) <= 1 else None
        if marker is not None:
            everyone = [n for n in self._named(text, *doc.sents[i]) if n[2] not in self.bodies]
            return subjects.whole(everyone, marker)
        ent = subjects.coordinated(figure, members, named, clause, text)
        if ent is None:
            return None
        if len(default) <= 1:
            return (ent,)
        return None if ent == default[0] else (*default[:-1], ent)

    def _attribution(self, doc: _Doc, i: int, m: Mention) -> str | None:
        """Who states the figure, by `factcheck.bind.attribution` (the sentence's anchors are
        read once)."""
        found = doc.anchors.get(i)
        if found is None:
            found = doc.anchors[i] = attribution.anchors(
                doc.text, doc.sents[i], doc.mention_spans(i), self._body_in, self._only_places
            )
        return attribution.attribution_of(doc.text, (m.span.start, m.span.end), found)

    def _named(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """The entities named in text[start:end], with where."""
        if self.entities is None:
            return []
        out = []
        for s, e in self.entities.spans(text, start, end):
            ent = self.alias_to_entity.get(text[s:e])
            if ent is not None:
                out.append((s, e, ent))
        return out

    def _body_in(self, text: str, start: int, end: int) -> str | None:
        return next((e for _, _, e in self._named(text, start, end) if e in self.bodies), None)

    def _only_places(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] names only entities that are not bodies ("Mozambique and
        Malawi"): a place, not a speaker."""
        named = self._named(text, start, end)
        if not named or any(e in self.bodies for _, _, e in named):
            return False
        rest, pos = [], start
        for s, e, _ in named:
            rest.append(text[pos:s])
            pos = e
        rest.append(text[pos:end])
        return _PLACE_GLUE.fullmatch("".join(rest)) is not None

    def _modality(self, doc: _Doc, i: int, m: Mention, metric: MetricSpec) -> Modality:
        """A target marker in the clause before the figure makes a target, else a forecast
        marker there (or "expected" and the like just after it) a forecast."""
        text, lower = doc.text, doc.lower
        start, end = max(doc.clause(i, m)[0], m.span.start - 80), m.span.start
        forecast, modal = self.markers.get(metric.id, (_FORECAST, _MODAL))
        seen = doc.traced(i, m)
        if modal.may_stand(lower, start, end):
            before = text[start:end]
            if hit := _TARGET.exact.search(before):
                return _noted(seen, "target", f"{hit.group()!r} before it")
            if hit := forecast.exact.search(before):
                return _noted(seen, "forecast", f"{hit.group()!r} before it")
        if _FORECAST_AFTER.search(text, lower, m.span.end, min(doc.sents[i][1], m.span.end + 30)):
            return _noted(seen, "forecast", "'expected' or the like just after it")
        return _noted(seen, "actual", "no forecast or target word before it")


def _noted(seen: FigureTrace | None, modality: Modality, why: str) -> Modality:
    """`modality`, recorded with the words that set it when a trace is kept."""
    if seen is not None:
        seen.notes.append(("modality", f"{modality}: {why}"))
    return modality


# ---------------------------------------------------------------------- helpers


def _context_found(doc: _Doc, i: int, metric: MetricSpec) -> str | None:
    """The context phrase that let the metric in, for a trace: the nearest sentence's first."""
    for j in range(i, max(0, i - metric.context_window) - 1, -1):
        spans = doc.contexts(j).get(metric.id) if metric.context else None
        if spans:
            return " ".join(doc.text[spans[0][0] : spans[0][1]].split())
    return None


_KINDS = {
    "year": ("year", "date"),
    "date": ("year", "date"),
    "percent": ("percent",),
    "pp": ("percent",),
    "count": ("count",),
    "rank": ("ordinal",),
}  # by metric unit, the mention kinds `accepts` may take; see kinds_for


def kinds_for(unit: str) -> tuple[str, ...]:
    """The mention kinds a metric in `unit` may take: "measure" for a physical unit (tonne,
    km), "money" for a currency."""
    return _KINDS.get(unit) or (("measure",) if is_physical(unit) else ("money",))


def accepts(metric: MetricSpec, m: Mention) -> bool:
    """Whether a mention can be a value of the metric, by kind and unit."""
    unit = metric.unit
    if unit in ("year", "date"):
        return (
            m.kind in ("year", "date")
            and m.date is not None
            and m.qualifier == "exact"
            and m.part is None
            and (unit == "year" or m.date.precision == "day")
        )
    if m.quantity is None:
        return False
    if unit == "percent":
        return m.kind == "percent" and m.quantity.unit == "percent"
    if unit == "pp":
        return m.kind == "percent" and m.quantity.unit == "pp"
    if unit == "count":
        return m.kind == "count"
    if unit == "rank":
        return m.kind == "ordinal"
    return m.kind in kinds_for(unit) and quantity_in(metric, m) is not None


def quantity_in(metric: MetricSpec, m: Mention) -> Quantity | None:
    """The mention's quantity in the metric's unit: the stated one or its restatement, or for
    a physical unit the first one pint converts (miles to km, intervals converted too); a
    length never becomes a mass."""
    for q in (m.quantity, *m.alternatives):
        if q is not None and (
            q.unit == metric.unit or metric.unit in ("count", "rank", "percent", "pp")
        ):
            return q
    if m.kind != "measure":
        return None
    stated = [(q, factor(q.unit, metric.unit)) for q in (m.quantity, *m.alternatives) if q]
    same = [q for q, f in stated if f == 1.0]  # "2,414 km" for a metric in km: as written
    if same:
        return _converted(same[0], 1.0, metric.unit)
    for q, f in stated:
        if f is not None:
            return _converted(q, f, metric.unit)
    for q, _ in stated:
        # "50 billion cubic metres a year" for a capacity in bcm: a year's amount.
        f = factor(q.unit, f"({metric.unit}) / year")
        if f is not None:
            return _converted(q, f, metric.unit)
    return None


def _converted(q: Quantity, f: float, unit: str) -> Quantity:
    """`q` in another unit, `f` of it to one of q's: the interval scales with the value."""
    return Quantity(value=q.value * f, low=q.low * f, high=q.high * f, unit=unit)


def _label(p: Period) -> str:
    """A period as a reader names it: "2025" for a whole year, else its ISO range."""
    whole_year = (p.start.month, p.start.day, p.end.month, p.end.day) == (1, 1, 12, 31)
    return str(p.start.year) if whole_year and p.start.year == p.end.year else p.label


def _is_period(m: Mention) -> bool:
    if m.fiscal_year is not None or m.season_to_date:
        return True
    return (
        m.kind in ("year", "period", "date")
        and (m.date is not None or m.shift_years is not None)
        and (m.shift_years is not None or (m.date is not None and m.date.precision != "day"))
    )


def fiscal_period(m: Mention, starts: int | None) -> Period | None:
    """A season or fiscal year ("2019/20 season", "FY2023") in the calendar: the twelve months
    from `starts` that end in its year.  Without `starts`, "2019/20" is the two calendar years it
    spans and "FY2023" stays open (None)."""
    assert m.fiscal_year is not None
    year = m.fiscal_year
    if starts is None:
        return _period_of(m.date.start, m.date.end) if m.date is not None else None
    if starts == 1:
        return _period_of(dt.date(year, 1, 1), dt.date(year, 12, 31))
    end = dt.date(year, starts, 1) - dt.timedelta(days=1)
    return _period_of(dt.date(year - 1, starts, 1), end)


def _as_period(span: DateSpan, part: str | None, metric: MetricSpec) -> Period:
    if part == "end" and not metric.flow and span.precision == "year":
        # A stock "at the end of 2022" is its December reading.
        return _period_of(dt.date(span.end.year, 12, 1), span.end)
    return _period_of(span.start, span.end)


@lru_cache(maxsize=4096)
def _period_of(start: dt.date, end: dt.date) -> Period:
    """A Period is immutable and a corpus names few: one instance each, validated once."""
    return Period(start=start, end=end)


@lru_cache(maxsize=4096)
def _shifted(period: Period, years: int) -> Period:
    return period.shifted_years(years)


def _is_figure(m: Mention) -> bool:
    if m.furniture or m.quantity is None:
        return False
    if m.kind in ("money", "percent"):
        return True
    return (
        m.kind == "count"
        and m.quantity.value >= 10
        and not (m.text.isalpha() and m.quantity.value < 100)
    )


_TO = regex.compile(r"\s+to\s+")
_FROM = regex.compile(r"(?i)\bfrom\s+$")


def _is_from_value(text: str, ms: Sequence[Mention], pos: int) -> bool:
    """'from 39th to 28th': the first figure is the earlier value, not a claim about now."""
    if pos + 1 >= len(ms):
        return False
    m, nxt = ms[pos], ms[pos + 1]
    if m.kind != nxt.kind or m.quantity is None:
        return False
    between = text[m.span.end : nxt.span.start]
    return bool(_TO.fullmatch(between)) and bool(
        _FROM.search(text[max(0, m.span.start - 8) : m.span.start])
    )


_PLACE_GLUE = regex.compile(r"(?i)(?:\s|,|and|both|the|['’]s?)*")
# ---------------------------------------------------------------------- as-of dates (stocks)

# Words right before a date that make it the moment a level holds at: "as of 3 March", "by
# mid-November", "at the end of 2022" (the part is the date's own), "on 5 May".
_AS_OF_BEFORE = regex.compile(
    r"(?i)\b(?P<w>as\s+(?:of|at|on)|by|until|till|through|up\s+to|on|at)\s+(?:the\s+)?"
    r"(?P<edge>mid-?|early|late)?\s*$"
)
_UP_TO = ("by", "until", "till", "through", "up to")
# Words that put a level at the article's date: "so far", "to date", "currently".
_SO_FAR = regex.compile(
    r"(?i)\b(?:so\s+far|to\s+date|thus\s+far|as\s+yet|until\s+now|up\s+to\s+now|"
    r"currently|at\s+present|as\s+it\s+stands|now)\b"
)


def as_of_date(
    text: str,
    mentions: Sequence[Mention],
    sent: Span,
    m: Mention,
    period: Period | None,
    source: Source,
) -> Period | None:
    """The moment a stock's figure holds at, as a span (one day when the text says which).

    In order: a date the sentence marks as the moment ("as of 3 March", "by mid-November",
    "at the end of 2022", "on 5 May"), nearest the figure; "so far", "to date", "currently"
    (the article's date); the period the figure was bound to ("in March 2021"); the article's
    date.  None when none of these is known: an undated article's "so far" stays open.
    """
    best: tuple[int, Period] | None = None
    for d in mentions:
        if d is m or d.date is None or d.kind not in ("date", "year", "period"):
            continue
        before = _AS_OF_BEFORE.search(text, max(sent[0], d.span.start - 24), d.span.start)
        if before is None and d.part is None:
            continue
        span = _moment(d, before)
        dist = abs(d.span.start - m.span.start)
        if best is None or dist < best[0]:
            best = (dist, span)
    if best is not None:
        return best[1]
    ref = source.reference_date
    if _SO_FAR.search(text, sent[0], sent[1]):
        return _period_of(ref, ref) if ref else None
    if period is not None:
        return period
    return _period_of(ref, ref) if ref else None


def _moment(d: Mention, before: regex.Match[str] | None) -> Period:
    """The moment a marked date names: its end for "by", "until" and "the end of", its start
    for "the start of", the middle of a month for "mid-", else the span it states."""
    assert d.date is not None
    start, end = d.date.start, d.date.end
    word = regex.sub(r"\s+", " ", before["w"].lower()) if before else ""
    edge = (before["edge"] or "").lower().rstrip("-") if before else ""
    if edge == "mid" or d.part == "middle":
        mid = start + (end - start) / 2
        start = end = mid
    elif edge == "early":
        end = min(end, start + (end - start) / 3)
    elif edge == "late":
        start = max(start, end - (end - start) / 3)
    if d.part == "end" or word in _UP_TO:
        start = end
    elif d.part == "start":
        end = start
    return _period_of(start, end)


# Between a figure and a period that is its own: at most two words (a unit: "tonnes", "barrels
# a day") and a preposition, no comma, no comparison ("higher than in 2021" names the base's).
_UNIT_WORDS = r"\s*(?:(?!than\b|compared\b|from\b|against\b|versus\b|vs\b)[\p{L}-]+\s+){0,2}"
_PREPOSITION = r"(?:in|during|for|at|over|on|as\s+of|as\s+at)\s"
_RIGHT_AFTER = regex.compile(rf"(?i){_UNIT_WORDS}{_PREPOSITION}\s*")
_WORDS_ONLY = regex.compile(rf"(?i){_UNIT_WORDS}")
_PREPOSITION_FIRST = regex.compile(rf"(?i){_PREPOSITION}")


def _stated_right_after(text: str, m: Mention, period: Mention) -> bool:
    """Whether `period`, after the figure, is the figure's own (see _RIGHT_AFTER); its
    preposition may open the period's own text ("at this point last year")."""
    start = period.span.start
    if _PREPOSITION_FIRST.match(text, start):
        return bool(_WORDS_ONLY.fullmatch(text, m.span.end, start))
    return bool(_RIGHT_AFTER.fullmatch(text, m.span.end, start))


_BY = regex.compile(r"(?i)\b(?:by|until|through|up\s+to)\s+(?:at\s+)?\Z")


# Between a figure and the period that is its own: "31 million in 2020", "the 40 million of
# 2019", "$5 billion (2022)".
_OWN_PERIOD = regex.compile(
    r"(?i)[\s\u00a0]*(?:\(|(?:in|of|for|during)[\s\u00a0]+)(?:the[\s\u00a0]+)?"
)
_TO_BEFORE = regex.compile(r"(?ri)\bto[\s\u00a0]+(?:\p{L}+[\s\u00a0]+)?$")
_FROM_TO = regex.compile(r"(?i)[\s\u00a0]*,?[\s\u00a0]*from\b[^;]*?\bto\b")
_ANAPHORIC_YEAR = regex.compile(r"(?i)(?:the\s+)?(?:previous|preceding|prior)\s+year")
_LIST_OPENING = regex.compile(r"\s*:?\s*(?:the\s+)?")
_LIST_JOIN = regex.compile(r"\s*(?:,\s*(?:and\s+)?(?:the\s+)?|;\s*|\s+and\s+(?:the\s+)?|\s*&\s*)")
_PARTIAL_LIST = regex.compile(r"(?i)\b(?:include|includes|including|such as|among them)\b")

_CLAUSE_BREAK = regex.compile(r"[;:()\[\]–—]|,\s+(?:and|but|while|whereas|which|where|when)\b|,\s")


def clause(text: str, sent: Span, m: Mention) -> Span:
    """The clause around a mention: between the nearest breaks (commas, semicolons, dashes)."""
    start, end = sent
    for b in _CLAUSE_BREAK.finditer(text, sent[0], m.span.start):
        start = b.end()
    nb = _CLAUSE_BREAK.search(text, m.span.end, sent[1])
    if nb:
        end = nb.start()
    return start, end


def quote(text: str, sent: Span, m: Mention, limit: int = 200) -> str:
    sent_start, sent_end = sent
    s, e = sent
    if e - s > limit:
        s = max(s, m.span.start - 110)
        e = min(e, m.span.end + 70)
        while s > sent_start and not text[s - 1].isspace():
            s += 1
        while e < sent_end and not text[e].isspace():
            e -= 1
    out = " ".join(text[s:e].split())
    if s > sent_start:
        out = "…" + out
    if e < sent_end:
        out += "…"
    return out
