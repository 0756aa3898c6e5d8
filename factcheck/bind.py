"""Binding: mentions + metric definitions → claims.

For each figure in a sentence, the metrics whose unit fits and whose cue phrase stands in the
same sentence (within `max_distance` characters) are candidates; the nearest cue wins.  Then:

- subject: the metric's default parties, unless the figure's clause names another entity
  ("with China"), which replaces the counterparty;
- period: the nearest period stated before the figure in its sentence (else after it, else in
  the sentences just before), with "the same period the previous year" shifting the sentence's
  own period back a year and "at the end of last year" meaning the whole year for a flow;
- modality: "could reach", "expected", "may soon reach" make a forecast, "target", "aim", "goal"
  a target; neither ever conflicts with a result.

A figure restated in another currency in one breath is one claim.  In "from 39th to 28th
place" only the second figure is a claim about now.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from factcheck.checks.calendar import WEEKDAY_METRIC
from factcheck.ingest import LineIndex
from factcheck.models import Claim, DateSpan, Mention, Modality, Period, Quantity, Source, Unbound
from factcheck.rules import RuleSet
from factcheck.spec import REGEX_TIMEOUT_S, EntitySpec, MetricSpec

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

# A sentence ends at . ! ? … (and a closing quote) before a capital, a digit or a dash, but not
# after an abbreviation or an initial ("No. 11", "D. Adilbekov").  The candidates come from a
# cheap scan; the two conditions are then tested only there.
_END_CANDIDATE = regex.compile(r"[.!?…][\"”»’)]?\s+")
_ABBREVIATION = regex.compile(
    r"(?:\b(?:No|Nos|Mr|Mrs|Ms|Dr|St|Prof|Gen|Sen|Rep|Inc|Ltd|Co|vs|etc|approx|ca|Art|Vol|p|pp)"
    r"|\b\p{Lu}|\bU\.S|\be\.g|\bi\.e)\.$"
)
_NEXT_START = regex.compile(r"(?:[-–—•]\s*)?[\"“«(‘]?[\p{Lu}\d]")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


MAX_SENTENCE = 2000  # characters; a longer run without a sentence end is cut at white space


def sentences(text: str, furniture: Sequence[tuple[int, int]]) -> list[Sentence]:
    """Sentences of the content: lines split at sentence ends; furniture lines left out.

    A "sentence" longer than MAX_SENTENCE (a scraped page with no full stops, a 1 MB line) is
    cut at white space, so binding, which looks around each figure within its sentence, stays
    linear in the text.
    """
    out: list[Sentence] = []
    for s in _sentences(text, furniture):
        start = s.start
        while s.end - start > MAX_SENTENCE:
            cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
            cut = cut if cut > start else start + MAX_SENTENCE
            out.append(Sentence(start, cut))
            start = cut + 1 if text[cut : cut + 1] == " " else cut
        out.append(Sentence(start, s.end))
    return out


def _sentences(text: str, furniture: Sequence[tuple[int, int]]) -> list[Sentence]:
    out: list[Sentence] = []
    skip = {s for s, _ in furniture}
    for line in regex.finditer(r"[^\r\n]+", text):
        if line.start() in skip or not line.group().strip():
            continue
        start = line.start()
        for m in _END_CANDIDATE.finditer(text, line.start(), line.end()):
            stop = m.start() + 1
            if text[m.start()] == "." and _ABBREVIATION.search(text, max(start, stop - 8), stop):
                continue
            if not _NEXT_START.match(text, m.end(), line.end()):
                continue
            out.append(Sentence(start, m.start() + len(m.group().rstrip())))
            start = m.end()
        out.append(Sentence(start, line.end()))
    return out


@lru_cache(maxsize=4096)
def phrase_regex(phrase: str) -> regex.Pattern[str]:
    """A cue phrase as a case-insensitive whole-word regex; '*' stands for one word."""
    parts = [r"\S+" if w == "*" else regex.escape(w) for w in phrase.split()]
    return regex.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", regex.IGNORECASE)


def _spans(
    patterns: Iterable[regex.Pattern[str]],
    text: str,
    start: int,
    end: int,
    dead: set[regex.Pattern[str]] | None = None,
) -> list[tuple[int, int]]:
    """Matches of `patterns` in text[start:end], each search bounded by REGEX_TIMEOUT_S.

    A pattern that times out finds nothing and, when `dead` is given, is put there so the
    caller never runs it again on the same document: a catastrophic user pattern costs one
    timeout per source, not one per sentence.
    """
    out: list[tuple[int, int]] = []
    for rx in patterns:
        if dead is not None and rx in dead:
            continue
        try:
            out.extend(m.span() for m in rx.finditer(text, start, end, timeout=REGEX_TIMEOUT_S))
        except TimeoutError:
            if dead is not None:
                dead.add(rx)
    return out


Hits = dict[str, list[tuple[int, int]]]


class SentenceHits:
    """An index's hits per sentence of one document, found on first use and kept."""

    def __init__(self, index: PhraseIndex, text: str, sents: list[Sentence]) -> None:
        self.index, self.text, self.sents = index, text, sents
        self.cache: dict[int, Hits] = {}
        self.dead: set[regex.Pattern[str]] = set()  # user patterns that timed out here

    def __call__(self, i: int) -> Hits:
        hits = self.cache.get(i)
        if hits is None:
            s = self.sents[i]
            hits = self.cache[i] = self.index.find(self.text, s.start, s.end, self.dead)
        return hits

    def window(self, metric: str, first: int, last: int) -> bool:
        """Whether a phrase of `metric` stands in sentences first..last."""
        return any(metric in self(j) for j in range(max(0, first), last + 1))


@dataclass
class _Doc:
    text: str
    sents: list[Sentence]
    cues: SentenceHits
    set_cues: SentenceHits
    contexts: SentenceHits
    excludes: SentenceHits


class PhraseIndex:
    """Every metric's phrases found in one pass over a sentence.

    One regex finds where any phrase can begin (its first word); only the phrases that start
    with that word are then tried there.  Binding cost grows with the text, not with the
    number of metrics times their cues.
    """

    def __init__(
        self,
        phrases: Iterable[tuple[str, str]],
        patterns: Iterable[tuple[regex.Pattern[str], str]] = (),
    ) -> None:
        by_first: dict[str, list[tuple[regex.Pattern[str], str]]] = {}
        self.loose: list[tuple[regex.Pattern[str], str]] = list(patterns)
        for phrase, owner in phrases:
            first = phrase.split()[0]
            if "*" in first:
                self.loose.append((phrase_regex(phrase), owner))
                continue
            entry = (phrase_regex(phrase), owner)
            if entry not in by_first.setdefault(first.lower(), []):
                by_first[first.lower()].append(entry)
        self.by_first = by_first
        words = sorted(by_first, key=len, reverse=True)
        self.starts = (
            regex.compile(
                r"(?<!\w)(?:" + "|".join(regex.escape(w) for w in words) + r")(?!\w)",
                regex.IGNORECASE,
            )
            if words
            else None
        )

    def find(
        self, text: str, start: int, end: int, dead: set[regex.Pattern[str]] | None = None
    ) -> Hits:
        out: Hits = {}
        if self.starts is not None:
            for m in self.starts.finditer(text, start, end):
                for rx, owner in self.by_first.get(m.group().lower(), ()):
                    hit = rx.match(text, m.start(), end)
                    if hit:
                        out.setdefault(owner, []).append(hit.span())
        for rx, owner in self.loose:
            if dead is not None and rx in dead:
                continue
            found = _spans([rx], text, start, end, dead)
            if found:
                out.setdefault(owner, []).extend(found)
        return out


class Binder:
    """Binds one source's mentions with one rule set.  Pure: same inputs, same claims."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.metrics = [
            m for m in rules.metrics.values() if m.id != WEEKDAY_METRIC and m.unit != "entities"
        ]
        self.set_metrics = [m for m in rules.metrics.values() if m.unit == "entities"]
        every = [*self.metrics, *self.set_metrics]
        self.cues = PhraseIndex(
            [(c, m.id) for m in every for c in m.cues],
            [(regex.compile(p, regex.IGNORECASE), m.id) for m in every for p in m.cue_patterns],
        )
        # Member lists are looked for in every sentence, figures or not: their own small index.
        self.set_cues = PhraseIndex([(c, m.id) for m in self.set_metrics for c in m.cues])
        self.contexts = PhraseIndex([(c, m.id) for m in every for c in m.context])
        self.excludes = PhraseIndex([(c, m.id) for m in self.metrics for c in m.exclude])
        self.entity_rx = _entity_regex(rules.entities.values())
        self.alias_to_entity = {
            alias: e.id for e in rules.entities.values() for alias in (e.id, *e.aliases)
        }

    # ------------------------------------------------------------------ per source

    def bind(
        self, source: Source, mentions: Sequence[Mention]
    ) -> tuple[list[Claim], list[Unbound]]:
        text = source.text
        sents = sentences(text, source.furniture)
        index = LineIndex(text)
        doc = _Doc(
            text,
            sents,
            SentenceHits(self.cues, text, sents),
            SentenceHits(self.set_cues, text, sents),
            SentenceHits(self.contexts, text, sents),
            SentenceHits(self.excludes, text, sents),
        )
        by_sentence: list[list[Mention]] = [[] for _ in sents]
        starts = [s.start for s in sents]
        for m in mentions:
            if m.furniture:
                continue
            i = bisect.bisect_right(starts, m.span.start) - 1
            if i >= 0 and m.span.end <= sents[i].end:
                by_sentence[i].append(m)
        claims: list[Claim] = []
        used: set[tuple[int, int]] = set()
        used_as_period: set[tuple[int, int]] = set()
        for i, sent in enumerate(sents):
            ms = by_sentence[i]
            for pos, m in enumerate(ms):
                if m.weekday and m.date is not None and m.date.precision == "day":
                    claims.append(self._weekday_claim(source, text, sent, m))
                if _is_from_value(text, ms, pos):
                    continue
                metric = self._choose_metric(doc, i, m)
                if metric is None:
                    continue
                claim = self._claim(source, text, sents, by_sentence, i, m, metric, used_as_period)
                if claim is not None:
                    claims.append(claim)
                    used.add((m.span.start, m.span.end))
            if self.set_metrics:
                claims.extend(self._member_lists(source, doc, i, index))
        unbound = [
            Unbound(
                source=source.id, kind=m.kind, text=m.text, line=m.span.line, column=m.span.column
            )
            for m in mentions
            if _is_figure(m)
            and (m.span.start, m.span.end) not in used
            and (m.span.start, m.span.end) not in used_as_period
        ]
        return claims, unbound

    def _member_lists(self, source: Source, doc: _Doc, i: int, index: LineIndex) -> list[Claim]:
        """Lists of entities after a cue: "Its members are Armenia, Belarus and Kyrgyzstan"."""
        text, sent = doc.text, doc.sents[i]
        out: list[Claim] = []
        for metric in self.set_metrics:
            cue_hits = doc.set_cues(i).get(metric.id)
            if not cue_hits:
                continue
            if metric.context and not doc.contexts.window(metric.id, i - metric.context_window, i):
                continue
            for cue_start, cue_end in sorted(cue_hits):
                names = self._enumeration(text, cue_end, sent.end)
                if len(names) < 2:
                    continue
                members = tuple(dict.fromkeys(e for _, _, e in names))
                start, end = names[0][0], names[-1][1]
                line, column = index.position(start)
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
                        quote=" ".join(text[sent.start : sent.end].split()),
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
        if self.entity_rx is None:
            return []
        names: list[tuple[int, int, str]] = []
        pos = start
        for hit in self.entity_rx.finditer(text, start, end):
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
        sent = doc.sents[i]
        cue_hits = doc.cues(i)
        best: tuple[int, int, MetricSpec] | None = None
        for order, metric in enumerate(self.metrics):
            cues = cue_hits.get(metric.id)
            if not cues or not accepts(metric, m):
                continue
            dist = min(_gap((s, e), (m.span.start, m.span.end)) for s, e in cues)
            if dist > metric.max_distance:
                continue
            if metric.context and not doc.contexts.window(metric.id, i - metric.context_window, i):
                continue
            if metric.exclude:
                c_start, c_end = clause(doc.text, sent, m)
                if any(c_start <= s and e <= c_end for s, e in doc.excludes(i).get(metric.id, ())):
                    continue
            if best is None or (dist, order) < (best[0], best[1]):
                best = (dist, order, metric)
        return best[2] if best else None

    # ------------------------------------------------------------------ claim building

    def _claim(
        self,
        source: Source,
        text: str,
        sents: list[Sentence],
        by_sentence: list[list[Mention]],
        i: int,
        m: Mention,
        metric: MetricSpec,
        used_as_period: set[tuple[int, int]],
    ) -> Claim | None:
        sent = sents[i]
        period: Period | None = None
        if metric.period != "none":
            found = self._period(text, sents, by_sentence, i, m, metric)
            if found is not None:
                period, pm = found
                used_as_period.add((pm.span.start, pm.span.end))
        subject = self._subject(text, sent, m, metric, by_sentence[i])
        modality = self._modality(text, sent, m, metric)
        common = dict(
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
        if q is None:
            return None
        return Claim(
            value=q.value,
            unit=q.unit,
            low=q.low if q.low != float("-inf") else None,
            high=q.high if q.high != float("inf") else None,
            **common,
        )

    def _weekday_claim(self, source: Source, text: str, sent: Sentence, m: Mention) -> Claim:
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
        self,
        text: str,
        sents: list[Sentence],
        by_sentence: list[list[Mention]],
        i: int,
        m: Mention,
        metric: MetricSpec,
    ) -> tuple[Period, Mention] | None:
        here = [p for p in by_sentence[i] if _is_period(p) and p is not m]
        before = [p for p in here if p.span.end <= m.span.start]
        after = [p for p in here if p.span.start >= m.span.end]
        pick: Mention | None = None
        if before:
            pick = before[-1]
        elif after:
            pick = after[0]
        elif metric.period == "required":
            # A flow's figure needs its period; a sentence that gives none continues the
            # one before ("But with China the growth was 34,9%").
            for j in range(i - 1, max(-1, i - 1 - metric.context_window), -1):
                earlier = [p for p in by_sentence[j] if _is_period(p) and p.shift_years is None]
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
            return p.shifted_years(shift), pick
        if pick.date is None:
            return None
        return _as_period(pick.date, pick.part, metric), pick

    def _subject(
        self, text: str, sent: Sentence, m: Mention, metric: MetricSpec, near: Sequence[Mention]
    ) -> tuple[str, ...]:
        default = metric.subject.default()
        if not metric.subject.from_text or not metric.subject.parties:
            return default
        c_start, c_end = clause(text, sent, m)
        named: list[tuple[int, str]] = []
        for hit in self.entity_rx.finditer(text, c_start, c_end) if self.entity_rx else []:
            if any(o.span.start <= hit.start() < o.span.end for o in near):
                continue  # "US" of "US$8.4bn" is a currency, not a country
            ent = self.alias_to_entity.get(hit.group())
            if ent:
                named.append((abs(hit.start() - m.span.start), ent))
        others = [e for _, e in sorted(named) if e not in default]
        if not others:
            return default
        if len(default) == 1:
            return (others[0],)
        return (*default[:-1], others[0])

    def _modality(self, text: str, sent: Sentence, m: Mention, metric: MetricSpec) -> Modality:
        c_start, _ = clause(text, sent, m)
        before = text[max(c_start, m.span.start - 80) : m.span.start]
        after = text[m.span.end : min(sent.end, m.span.end + 30)]
        for w in TARGET_MARKERS:
            if phrase_regex(w).search(before):
                return "target"
        for w in (*FORECAST_MARKERS, *metric.modality_markers):
            rx = phrase_regex(w)
            if rx.search(before) or (
                w in ("expected", "forecast", "projected", "predicted") and rx.search(after)
            ):
                return "forecast"
        return "actual"


# ---------------------------------------------------------------------- helpers


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
    return m.kind == "money" and quantity_in(metric, m) is not None


def quantity_in(metric: MetricSpec, m: Mention) -> Quantity | None:
    """The mention's quantity in the metric's unit: the stated one or its restatement."""
    for q in (m.quantity, *m.alternatives):
        if q is not None and (
            q.unit == metric.unit or metric.unit in ("count", "rank", "percent", "pp")
        ):
            return q
    return None


def _is_period(m: Mention) -> bool:
    return (
        m.kind in ("year", "period", "date")
        and (m.date is not None or m.shift_years is not None)
        and (m.shift_years is not None or (m.date is not None and m.date.precision != "day"))
    )


def _as_period(span: DateSpan, part: str | None, metric: MetricSpec) -> Period:
    if part == "end" and not metric.flow and span.precision == "year":
        # A stock "at the end of 2022" is its December reading.
        return Period(start=dt.date(span.end.year, 12, 1), end=span.end)
    return Period(start=span.start, end=span.end)


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


def _is_from_value(text: str, ms: Sequence[Mention], pos: int) -> bool:
    """'from 39th to 28th': the first figure is the earlier value, not a claim about now."""
    if pos + 1 >= len(ms):
        return False
    m, nxt = ms[pos], ms[pos + 1]
    if m.kind != nxt.kind or m.quantity is None:
        return False
    between = text[m.span.end : nxt.span.start]
    return bool(regex.fullmatch(r"\s+to\s+", between)) and bool(
        regex.search(r"(?i)\bfrom\s+$", text[max(0, m.span.start - 8) : m.span.start])
    )


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(a[0] - b[1], b[0] - a[1], 0)


_ANAPHORIC_YEAR = regex.compile(r"(?i)(?:the\s+)?(?:previous|preceding|prior)\s+year")
_LIST_OPENING = regex.compile(r"\s*:?\s*(?:the\s+)?")
_LIST_JOIN = regex.compile(r"\s*(?:,\s*(?:and\s+)?(?:the\s+)?|;\s*|\s+and\s+(?:the\s+)?|\s*&\s*)")
_PARTIAL_LIST = regex.compile(r"(?i)\b(?:include|includes|including|such as|among them)\b")

_CLAUSE_BREAK = regex.compile(r"[;:()\[\]–—]|,\s+(?:and|but|while|whereas|which|where|when)\b|,\s")


def clause(text: str, sent: Sentence, m: Mention) -> tuple[int, int]:
    """The clause around a mention: between the nearest breaks (commas, semicolons, dashes)."""
    start, end = sent.start, sent.end
    for b in _CLAUSE_BREAK.finditer(text, sent.start, m.span.start):
        start = b.end()
    nb = _CLAUSE_BREAK.search(text, m.span.end, sent.end)
    if nb:
        end = nb.start()
    return start, end


def quote(text: str, sent: Sentence, m: Mention, limit: int = 200) -> str:
    s, e = sent.start, sent.end
    if e - s > limit:
        s = max(s, m.span.start - 110)
        e = min(e, m.span.end + 70)
        while s > sent.start and not text[s - 1].isspace():
            s += 1
        while e < sent.end and not text[e].isspace():
            e -= 1
    out = " ".join(text[s:e].split())
    if s > sent.start:
        out = "…" + out
    if e < sent.end:
        out += "…"
    return out


def _entity_regex(entities: Iterable[EntitySpec]) -> regex.Pattern[str] | None:
    names = sorted({n for e in entities for n in (e.id, *e.aliases)}, key=len, reverse=True)
    if not names:
        return None
    return regex.compile(r"(?<!\w)(?:" + "|".join(regex.escape(n) for n in names) + r")(?!\w)")
