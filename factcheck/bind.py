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

Binding runs on every sentence of every article, so the word lists (cue phrases, entity names,
modality markers) are searched with stdlib `re` tries and hints (on the text with its ASCII
capitals lowered, where case does not count), several times faster than the `regex` module's
alternations.  They find a superset of the matches; the exact `regex` patterns, whose Unicode
word and case rules they stand in for, have the last word wherever the two could differ (see
`Words`, `Markers`).  Sentence ends are found in one scan of the document, and a user's cue
pattern runs, under its time limit, only in a sentence with a figure its metric could take.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import regex

from factcheck.checks.calendar import WEEKDAY_METRIC
from factcheck.ingest import LineIndex
from factcheck.models import Claim, DateSpan, Mention, Modality, Period, Quantity, Source, Unbound
from factcheck.rules import RuleSet
from factcheck.spec import REGEX_TIMEOUT_S, MetricSpec

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

Span = tuple[int, int]  # offsets, end exclusive

# ---------------------------------------------------------------------- sentences

# A sentence ends at . ! ? … (and a closing quote) before a capital, a digit or a dash, but not
# after an abbreviation or an initial ("No. 11", "D. Adilbekov").  Whether a mark ends a
# sentence depends only on the text around it, so one scan of the document per mark finds
# every end (a scan led by one literal character is several times faster than by a set); the
# white space after the mark (group 1) never crosses a line break, as sentences never do.
_ABBREVIATION = (
    r"(?:\b(?:No|Nos|Mr|Mrs|Ms|Dr|St|Prof|Gen|Sen|Rep|Inc|Ltd|Co|vs|etc|approx|ca|Art|Vol|p|pp)"
    r"|\b\p{Lu}|\bU\.S|\be\.g|\bi\.e)\."
)
_AFTER_END = r"[\"”»’)]?([^\S\r\n]++)(?=(?:[-–—•][^\S\r\n]*+)?[\"“«(‘]?[\p{Lu}\d])"
_SENTENCE_ENDS = {
    ".": regex.compile(r"\.(?=[\"”»’)]?[^\S\r\n])(?<!" + _ABBREVIATION + ")" + _AFTER_END),
    **{mark: regex.compile(regex.escape(mark) + _AFTER_END) for mark in "!?…"},
}
_LINE = re.compile(r"[^\r\n]+")


class Sentence(NamedTuple):
    start: int
    end: int


MAX_SENTENCE = 2000  # characters; a longer run without a sentence end is cut at white space


def sentences(text: str, furniture: Sequence[Span]) -> list[Sentence]:
    """Sentences of the content: lines split at sentence ends; furniture lines left out.

    A "sentence" longer than MAX_SENTENCE (a scraped page with no full stops, a 1 MB line) is
    cut at white space, so binding, which looks around each figure within its sentence, stays
    linear in the text.
    """
    return [Sentence(s, e) for s, e in _sentence_spans(text, furniture)]


def _sentence_spans(text: str, furniture: Sequence[Span]) -> list[Span]:
    """`sentences` as plain (start, end) pairs, cheaper to make by the thousand."""
    found = _sentences(text, furniture)
    if all(e - s <= MAX_SENTENCE for s, e in found):
        return found
    out: list[Span] = []
    for start, end in found:
        while end - start > MAX_SENTENCE:
            cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
            cut = cut if cut > start else start + MAX_SENTENCE
            out.append((start, cut))
            start = cut + 1 if text[cut : cut + 1] == " " else cut
        out.append((start, end))
    return out


def _sentences(text: str, furniture: Sequence[Span]) -> list[Span]:
    """Each content line cut at the sentence ends in it.

    Sentences follow one another, so the starts (line starts, the ends of the white space after
    each sentence end) and the ends (line ends, sentence ends) pair up once both are sorted.
    """
    skip = {s for s, _ in furniture}
    starts: list[int] = []
    ends: list[int] = []
    left_out: list[Span] = []  # furniture lines with a mark that could end a sentence
    for start, end in _lines(text):
        if start not in skip:
            starts.append(start)
            ends.append(end)
        elif any(mark in text[start:end] for mark in _SENTENCE_ENDS):
            left_out.append((start, end))
    left_starts = [start for start, _ in left_out]
    for mark, rx in _SENTENCE_ENDS.items():
        if mark not in text:
            continue
        for m in rx.finditer(text):
            if left_out:
                i = bisect.bisect_right(left_starts, m.start()) - 1
                if i >= 0 and m.start() < left_out[i][1]:
                    continue
            ends.append(m.start(1))
            starts.append(m.end())
    starts.sort()
    ends.sort()
    return list(zip(starts, ends, strict=True))


def _lines(text: str) -> list[Span]:
    """Spans of the lines that are not blank; lines end at CR, LF or CRLF."""
    if "\r" in text:
        return [m.span() for m in _LINE.finditer(text) if not m.group().isspace()]
    out: list[Span] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line and not line.isspace():
            out.append((start, end))
        start = end + 1
    return out


# ---------------------------------------------------------------------- word lists

# Characters that `str.lower` or the `regex` module's case-insensitive matching equate with an
# ASCII letter although they are not ASCII themselves (İ ı ſ K).  In a text without them, an
# ASCII word matches case-blind exactly where it stands once the ASCII capitals are lowered.
_CASE_TWINS = "\u0130\u0131\u017f\u212a"
_WORD = regex.compile(r"\w")


def plain_lower(text: str) -> str | None:
    """`text` with its ASCII capitals lowered, for `Words` and `Markers` to find ASCII words
    in; None if a case twin is in it.  Other characters may change too, but never into ASCII
    or white space, which is all those searches look at."""
    if any(c in text for c in _CASE_TWINS):
        return None
    if text.isascii():
        return text.lower()
    # Cheaper than str.lower: bytes.lower lowers ASCII bytes only, and in UTF-16 a character
    # beyond ASCII has a high byte other than 0, so it stays beyond ASCII.  (Two lone
    # surrogates side by side would come back as one character: then str.lower it is.)
    data = text.encode("utf-16-le", "surrogatepass").lower()
    lowered = data.decode("utf-16-le", "surrogatepass")
    return lowered if len(lowered) == len(text) else text.lower()


class Words:
    """Where the `regex` pattern (?<!\\w)(?:w1|w2|...)(?!\\w) matches, found faster.

    `exact` is that pattern, the longer of two words first.  `fast` is a stdlib `re` trie of
    the words, also longest first, with ASCII word edges: it finds every match of `exact`, and
    next to a non-ASCII letter ("ü") a few more, which `exact` then settles.  A case-blind
    list must be ASCII and `fast` runs on `plain_lower(text)`; without it, only `exact` runs.
    """

    def __init__(self, words: Sequence[str], ignore_case: bool) -> None:
        self.exact = regex.compile(
            r"(?<!\w)(?:" + "|".join(regex.escape(w) for w in words) + r")(?!\w)",
            regex.IGNORECASE if ignore_case else 0,
        )
        self.ignore_case = ignore_case
        if ignore_case:
            usable = all(w.isascii() for w in words)
            edge = "[a-z0-9_]"
            fast = f"(?<!{edge}){_trie(words)}(?!{edge})"
        else:
            # Names start with few letters (capitals): with the edge tested after the first
            # one, `re` skips ahead to those letters instead of testing every position.
            usable = True
            edge = "[A-Za-z0-9_]"
            fast = f"{_trie(words, after_first=f'(?<!{edge}.)')}(?!{edge})"
        self.fast = re.compile(fast) if usable else None

    def spans(self, text: str, start: int, end: int, lower: str | None = None) -> list[Span]:
        """Matches of `exact` in text[start:end], in order; `lower` is `plain_lower(text)`."""
        haystack = lower if self.ignore_case else text
        if haystack is None or self.fast is None:
            return [m.span() for m in self.exact.finditer(text, start, end)]
        out: list[Span] = []
        pos = start
        while True:
            for m in self.fast.finditer(haystack, pos, end):
                p, q = m.span()
                # `fast` has checked ASCII neighbours; `regex` says what the others are.
                if (p == 0 or text[p - 1].isascii() or _WORD.match(text[p - 1]) is None) and (
                    q == end or text[q].isascii() or _WORD.match(text[q]) is None
                ):
                    out.append((p, q))
                    continue
                # The exact match here, if any, and the scan goes on where it would.
                exact = self.exact.match(text, p, end)
                if exact is not None:
                    out.append(exact.span())
                pos = exact.end() if exact is not None else p + 1
                break
            else:
                return out


def _trie(words: Iterable[str], after_first: str = "") -> str:
    """A stdlib regex matching any of `words`, the longest first, shaped as a trie; the
    pattern `after_first` is tested after a word's first character."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict[str, Any], after: str = "") -> str:
        branches = [re.escape(c) + after + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(root, after_first) + ")"


@lru_cache(maxsize=4096)
def phrase_regex(phrase: str) -> regex.Pattern[str]:
    """A cue phrase as a case-insensitive whole-word regex; '*' stands for one word."""
    parts = [r"\S+" if w == "*" else regex.escape(w) for w in phrase.split()]
    return regex.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", regex.IGNORECASE)


class Markers:
    """Whether any of some phrases stands in a short stretch of text (modality markers).

    `hint` is a stdlib pattern on the lowered stretch that every `phrase_regex` match also
    matches (ASCII word edges, `\\s` a superset of the `regex` one); most stretches hold no
    marker and never reach the exact alternation.  Without a hint (a '*' or a non-ASCII
    word), or for a text that `plain_lower` refuses, only the exact one runs.
    """

    def __init__(self, phrases: Sequence[str]) -> None:
        self.exact = regex.compile(
            "|".join(f"(?:{phrase_regex(p).pattern})" for p in phrases), regex.IGNORECASE
        )
        words = [p.lower().split() for p in phrases]
        hintable = all(
            w and p.isascii() and "*" not in p for w, p in zip(words, phrases, strict=True)
        )
        self.hint = (
            re.compile(
                r"(?<![a-z0-9_])(?:"
                + "|".join(r"\s+".join(re.escape(x) for x in w) for w in words)
                + r")(?![a-z0-9_])"
            )
            if hintable
            else None
        )

    def search(self, text: str, lower: str | None, start: int, end: int) -> bool:
        """Whether a phrase stands in text[start:end], taken as a string of its own."""
        return self.may_stand(lower, start, end) and bool(self.exact.search(text[start:end]))

    def may_stand(self, lower: str | None, start: int, end: int) -> bool:
        """False when the hint rules out every phrase in text[start:end]."""
        return lower is None or self.hint is None or bool(self.hint.search(lower[start:end]))


_TARGET = Markers(TARGET_MARKERS)
_FORECAST = Markers(FORECAST_MARKERS)
_FORECAST_AFTER = Markers(FORECAST_AFTER_MARKERS)
_MODAL = Markers(TARGET_MARKERS + FORECAST_MARKERS)  # for its hint


# ---------------------------------------------------------------------- phrase index


def _spans(
    patterns: Iterable[regex.Pattern[str]],
    text: str,
    start: int,
    end: int,
    dead: set[regex.Pattern[str]] | None = None,
) -> list[Span]:
    """Matches of `patterns` in text[start:end], each search bounded by REGEX_TIMEOUT_S.

    A pattern that times out finds nothing and, when `dead` is given, is put there so the
    caller never runs it again on the same document: a catastrophic user pattern costs one
    timeout per source, not one per sentence.
    """
    out: list[Span] = []
    for rx in patterns:
        if dead is not None and rx in dead:
            continue
        try:
            out.extend(m.span() for m in rx.finditer(text, start, end, timeout=REGEX_TIMEOUT_S))
        except TimeoutError:
            if dead is not None:
                dead.add(rx)
    return out


Hits = dict[str, list[Span]]


class PhraseIndex:
    """Every metric's phrases found in one pass over a sentence.

    One word list finds where any phrase can begin (its first word); only the phrases that
    start with that word are then tried there.  Binding cost grows with the text, not with the
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
        self.pattern_owners = frozenset(owner for _, owner in self.loose)
        # A word's phrases tried in one call: each in a lookahead that captures its match, or
        # matches nothing when the phrase does not stand there (the group is then unset).
        self.together = {
            word: regex.compile(
                "".join(f"(?=({rx.pattern})|)" for rx, _ in entries), regex.IGNORECASE
            )
            for word, entries in by_first.items()
            if len(entries) > 1
        }
        words = sorted(by_first, key=len, reverse=True)
        self.starts = Words(words, ignore_case=True) if words else None
        # The first words that no other one begins with: where none stands in the lowered
        # text, no phrase does (member-list cues are looked for in every sentence).
        usable = self.starts is not None and self.starts.fast is not None and not self.loose
        self.prefixes = (
            [w for w in words if not any(o != w and w.startswith(o) for o in words)]
            if usable
            else None
        )

    def find(
        self,
        text: str,
        start: int,
        end: int,
        dead: set[regex.Pattern[str]] | None = None,
        lower: str | None = None,
    ) -> Hits:
        """The phrases and patterns in text[start:end], by owner."""
        out = self.find_phrases(text, start, end, lower)
        if self.loose:
            out = {owner: list(spans) for owner, spans in out.items()}
            for owner, spans in self.find_patterns(text, start, end, dead).items():
                out.setdefault(owner, []).extend(spans)
        return out

    def find_phrases(self, text: str, start: int, end: int, lower: str | None = None) -> Hits:
        """The phrases in text[start:end], by owner; `lower` is `plain_lower(text)`."""
        out: Hits = {}
        if self.starts is not None:
            # The word found, lowered: a slice of `lower` where the fast scan ran.
            lowered = lower if self.starts.fast is not None else None
            for p, q in self.starts.spans(text, start, end, lower):
                word = lowered[p:q] if lowered is not None else text[p:q].lower()
                entries = self.by_first.get(word, ())
                if len(entries) == 1:
                    rx, owner = entries[0]
                    hit = rx.match(text, p, end)
                    if hit:
                        out.setdefault(owner, []).append(hit.span())
                elif entries:
                    found = self.together[word].match(text, p, end)
                    assert found is not None  # every lookahead may match nothing
                    for span, (_, owner) in zip(found.regs[1:], entries, strict=True):
                        if span[0] >= 0:
                            out.setdefault(owner, []).append(span)
        return out

    def find_patterns(
        self,
        text: str,
        start: int,
        end: int,
        dead: set[regex.Pattern[str]] | None = None,
        owner: str | None = None,
    ) -> Hits:
        """Matches of the user patterns and '*' phrases (all, or those of `owner`)."""
        out: Hits = {}
        for rx, of in self.loose:
            if (owner is not None and of != owner) or (dead is not None and rx in dead):
                continue
            found = _spans([rx], text, start, end, dead)
            if found:
                out.setdefault(of, []).extend(found)
        return out

    def sentences_to_search(self, lower: str | None, sents: Sequence[Span]) -> Iterable[int]:
        """Indexes of the sentences where a phrase may stand: all, or those of `prefixes`."""
        if self.starts is None and not self.loose:
            return ()
        if lower is None or self.prefixes is None:
            return range(len(sents))
        starts = [s for s, _ in sents]
        found: set[int] = set()
        for word in self.prefixes:
            at = lower.find(word)
            while at >= 0:
                found.add(bisect.bisect_right(starts, at) - 1)
                at = lower.find(word, at + 1)
        found.discard(-1)
        return sorted(found)


class SentenceHits:
    """An index's hits per sentence of one document, found on first use and kept."""

    def __init__(self, index: PhraseIndex, text: str, lower: str | None, sents: list[Span]) -> None:
        self.index, self.text, self.lower, self.sents = index, text, lower, sents
        self.cache: dict[int, Hits] = {}
        self.phrase_cache: dict[int, Hits] = {}
        self.pattern_cache: dict[tuple[int, str], list[Span]] = {}
        self.dead: set[regex.Pattern[str]] = set()  # user patterns that timed out here

    def __call__(self, i: int) -> Hits:
        """Phrases and patterns of sentence i."""
        hits = self.cache.get(i)
        if hits is None:
            start, end = self.sents[i]
            hits = self.cache[i] = self.index.find(self.text, start, end, self.dead, self.lower)
        return hits

    def phrases(self, i: int) -> Hits:
        """Phrases of sentence i."""
        hits = self.phrase_cache.get(i)
        if hits is None:
            start, end = self.sents[i]
            hits = self.phrase_cache[i] = self.index.find_phrases(self.text, start, end, self.lower)
        return hits

    def patterns(self, i: int, owner: str) -> list[Span]:
        """Matches of `owner`'s patterns in sentence i: each run, under its time limit, only
        for a figure that its metric could take."""
        hits = self.pattern_cache.get((i, owner))
        if hits is None:
            start, end = self.sents[i]
            found = self.index.find_patterns(self.text, start, end, self.dead, owner)
            hits = self.pattern_cache[i, owner] = found.get(owner, [])
        return hits

    def window(self, metric: str, first: int, last: int) -> bool:
        """Whether a phrase of `metric` stands in sentences first..last (the nearest tried
        first: the farther ones are then often never searched)."""
        return any(metric in self(j) for j in range(last, max(0, first) - 1, -1))


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
    clauses: dict[Span, Span] = field(default_factory=dict)
    periods: dict[int, list[Mention]] = field(default_factory=dict)
    spans: dict[int, list[Span]] = field(default_factory=dict)
    lines: LineIndex | None = None

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
        self.kinds = {k for m in self.metrics for k in _KINDS.get(m.unit, ("money",))}
        every = [*self.metrics, *self.set_metrics]
        self.cues = PhraseIndex(
            [(c, m.id) for m in every for c in m.cues],
            [(regex.compile(p, regex.IGNORECASE), m.id) for m in every for p in m.cue_patterns],
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

    # ------------------------------------------------------------------ per source

    def bind(
        self, source: Source, mentions: Sequence[Mention]
    ) -> tuple[list[Claim], list[Unbound]]:
        text = source.text
        sents = _sentence_spans(text, source.furniture)
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
        )
        # Only sentences with figures or a possible member list can give claims.
        lists = set(self.set_cues.sentences_to_search(lower, sents)) if self.set_metrics else set()
        busy = sorted(lists.union(i for i, ms in enumerate(by_sentence) if ms))
        claims: list[Claim] = []
        used: set[Span] = set()
        used_as_period: set[Span] = set()
        for i in busy:
            ms = by_sentence[i]
            for pos, m in enumerate(ms):
                if m.weekday and m.date is not None and m.date.precision == "day":
                    claims.append(self._weekday_claim(source, text, sents[i], m))
                if m.kind not in self.kinds or _is_from_value(text, ms, pos):
                    continue
                metric = self._choose_metric(doc, i, m)
                if metric is None:
                    continue
                claim = self._claim(source, doc, i, m, metric, used_as_period)
                if claim is not None:
                    claims.append(claim)
                    used.add((m.span.start, m.span.end))
            if i in lists:
                claims.extend(self._member_lists(source, doc, i))
        used |= used_as_period
        unbound = [
            Unbound(
                source=source.id, kind=m.kind, text=m.text, line=m.span.line, column=m.span.column
            )
            for m in mentions
            if _is_figure(m) and (m.span.start, m.span.end) not in used
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
        """The metric with the nearest cue (the first listed on a tie) that takes the figure."""
        found = doc.cues.phrases(i)
        patterned = self.cues.pattern_owners
        if not found and not patterned:
            return None
        # The winner is the least (distance, order): the owners' order does not matter.
        owners = found.keys() | patterned if patterned else found.keys()
        figure_start, figure_end = m.span.start, m.span.end
        best: tuple[int, int, MetricSpec] | None = None
        for metric_id in owners:
            known = self.metric_order.get(metric_id)
            if known is None:
                continue  # a member list's cue
            order, metric = known
            if not accepts(metric, m):
                continue
            cues = found.get(metric_id, [])
            if metric_id in patterned:
                cues = cues + doc.cues.patterns(i, metric_id)
            if not cues:
                continue
            dist = min(max(s - figure_end, figure_start - e, 0) for s, e in cues)
            if dist > metric.max_distance:
                continue
            if metric.context and not doc.contexts.window(metric.id, i - metric.context_window, i):
                continue
            if metric.exclude:
                c_start, c_end = doc.clause(i, m)
                if any(c_start <= s and e <= c_end for s, e in doc.excludes(i).get(metric.id, ())):
                    continue
            if best is None or (dist, order) < (best[0], best[1]):
                best = (dist, order, metric)
        return best[2] if best else None

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
        if metric.period != "none":
            found = self._period(doc, i, m, metric)
            if found is not None:
                period, pm = found
                used_as_period.add((pm.span.start, pm.span.end))
        subject = self._subject(doc, i, m, metric)
        modality = self._modality(doc, i, m, metric)
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
            low=q.low if q.low != -math.inf else None,
            high=q.high if q.high != math.inf else None,
            **common,
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
        if before:
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
        if pick.date is None:
            return None
        return _as_period(pick.date, pick.part, metric), pick

    def _subject(self, doc: _Doc, i: int, m: Mention, metric: MetricSpec) -> tuple[str, ...]:
        """The metric's parties, the counterparty replaced by an entity named in the clause."""
        default = metric.subject.default()
        if not metric.subject.from_text or not metric.subject.parties:
            return default
        c_start, c_end = doc.clause(i, m)
        hits = self.entities.spans(doc.text, c_start, c_end) if self.entities else []
        if not hits:
            return default
        near = doc.mention_spans(i)
        named: list[tuple[int, str]] = []
        for start, end in hits:
            if any(s <= start < e for s, e in near):
                continue  # "US" of "US$8.4bn" is a currency, not a country
            ent = self.alias_to_entity.get(doc.text[start:end])
            if ent:
                named.append((abs(start - m.span.start), ent))
        others = [e for _, e in sorted(named) if e not in default]
        if not others:
            return default
        if len(default) == 1:
            return (others[0],)
        return (*default[:-1], others[0])

    def _modality(self, doc: _Doc, i: int, m: Mention, metric: MetricSpec) -> Modality:
        """A target marker in the clause before the figure makes a target, else a forecast
        marker there (or "expected" and the like just after it) a forecast."""
        text, lower = doc.text, doc.lower
        start, end = max(doc.clause(i, m)[0], m.span.start - 80), m.span.start
        forecast, modal = self.markers.get(metric.id, (_FORECAST, _MODAL))
        if modal.may_stand(lower, start, end):
            before = text[start:end]
            if _TARGET.exact.search(before):
                return "target"
            if forecast.exact.search(before):
                return "forecast"
        if _FORECAST_AFTER.search(text, lower, m.span.end, min(doc.sents[i][1], m.span.end + 30)):
            return "forecast"
        return "actual"


# ---------------------------------------------------------------------- helpers


_KINDS = {
    "year": ("year", "date"),
    "date": ("year", "date"),
    "percent": ("percent",),
    "pp": ("percent",),
    "count": ("count",),
    "rank": ("ordinal",),
}  # by metric unit, the mention kinds `accepts` may take; "money" for a currency


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
