"""What the binder decided about each figure, and why: the record `explain` and `rules test` read.

The Binder fills a `BindTrace` only when one is passed to `Binder.bind` (a normal run passes
none and pays nothing).  For each figure it records every metric it weighed, with the verdict:
bound (the cue and its distance, how a count attached to it), or what stopped it (the unit, no
cue in the sentence, a cue too far, no context word, an exclude word in the figure's clause, a
count that counts something else, no period); then, for the claim made, where its period,
subject and modality came from.  Nothing here re-decides anything: the texts are the binder's
own decisions, put into words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from factcheck.bind.attachment import FUNCTION_WORDS, counted_noun
from factcheck.bind.sentences import Span
from factcheck.models import Claim, Mention, Period
from factcheck.spec import MetricSpec


@dataclass
class Verdict:
    """One metric weighed for one figure."""

    metric: str
    bound: bool
    reason: str
    distance: int | None = None  # characters between cue and figure, when a cue was found
    candidate: bool = False  # it could take the figure; the nearest candidate wins


@dataclass
class FigureTrace:
    """Everything decided about one figure."""

    mention: Mention
    sentence: Span
    verdicts: list[Verdict] = field(default_factory=list)
    skipped: str | None = None  # why no metric was even weighed
    claim: Claim | None = None
    dropped: str | None = None  # a metric was chosen, but no claim made: why
    notes: list[tuple[str, str]] = field(default_factory=list)  # (period|subject|modality, why)

    # -- what the binder records, in words (each called only when a trace is kept)

    def reject(self, metric: str, reason: str, distance: int | None = None) -> None:
        self.verdicts.append(Verdict(metric, False, reason, distance))

    def unit_mismatch(self, metric: MetricSpec, cues: Sequence[Span]) -> None:
        m = self.mention
        dist = min((_gap(m, c) for c in cues), default=None)
        unit = m.quantity.unit if m.quantity is not None else m.kind
        self.reject(
            metric.id,
            f"unit mismatch: the metric is in {metric.unit}, the figure a {m.kind} ({unit})",
            dist,
        )

    def unattached(self, text: str, metric: MetricSpec, cue: Span, dist: int) -> None:
        noun = counted_noun(text, self.mention, self.sentence)
        if cue[1] <= self.mention.span.start:
            gap = " ".join(text[cue[1] : self.mention.span.start].split())
            self.reject(
                metric.id,
                f"its cue {_quoted(text, cue)} comes first ({dist} characters before), but "
                f"{gap!r} does not link it to the figure"
                + (
                    f", which counts {noun!r}"
                    if noun and noun.lower() not in FUNCTION_WORDS
                    else ""
                )
                + ": a count binds only to the noun it counts",
                dist,
            )
            return
        if noun is None:
            what = "no word follows it"
        elif noun.lower() in FUNCTION_WORDS:
            what = f"it counts no noun (the next word is {noun!r})"
        else:
            what = f"it counts {noun!r}"
        self.reject(
            metric.id,
            f"{what}, not its cue {_quoted(text, cue)} ({dist} characters away): a count binds "
            "only to the noun it counts",
            dist,
        )

    def too_far(self, text: str, metric: MetricSpec, cue: Span, dist: int) -> None:
        self.reject(
            metric.id,
            f"its nearest cue {_quoted(text, cue)} is {dist} characters away "
            f"(max_distance: {metric.max_distance})",
            dist,
        )

    def no_context(self, metric: MetricSpec, dist: int) -> None:
        self.reject(
            metric.id,
            f"no context word ({', '.join(metric.context)}) in its sentence or the "
            f"{metric.context_window} before (context_window)",
            dist,
        )

    def excluded(self, text: str, metric: MetricSpec, hit: Span, clause: Span, dist: int) -> None:
        self.reject(
            metric.id,
            f"excluded by {_quoted(text, hit)} in its clause {_clause(text, clause)} (exclude "
            "applies within the figure's clause)",
            dist,
        )

    def candidate(
        self,
        text: str,
        metric: MetricSpec,
        cue: Span,
        dist: int,
        how: str | None,
        context: str | None,
    ) -> None:
        reason = f"cue {_quoted(text, cue)}, {dist} characters away"
        if how is not None:
            reason += f"; the figure counts it ({_HOW[how]})"
        if context:
            reason += f"; context {context!r} found"
        self.verdicts.append(Verdict(metric.id, False, reason, dist, candidate=True))

    def choose(self, metric: str) -> None:
        for v in self.verdicts:
            if v.metric == metric:
                v.bound = True
            elif v.candidate:
                v.reason = f"lost to {metric}, whose cue is nearer or longer: {v.reason}"

    def period_from(self, pm: Mention, period: Period) -> None:
        m, (sent_start, sent_end) = self.mention, self.sentence
        if pm.span.end <= m.span.start and sent_start <= pm.span.start:
            where = "before the figure in its sentence"
        elif pm.span.start >= m.span.end and pm.span.end <= sent_end:
            where = "after the figure in its sentence"
        else:
            where = "in an earlier sentence (a required period carries over)"
        shifted = ", shifted from the sentence's own period" if pm.shift_years is not None else ""
        self.notes.append(("period", f"{period.label} from {pm.text!r}, {where}{shifted}"))

    def subject_from(
        self, text: str, metric: MetricSpec, subject: tuple[str, ...], clause: Span
    ) -> None:
        shown = ", ".join(subject) or "none"
        if subject != metric.subject.default():
            why = f"an entity named in its clause {_clause(text, clause)} replaces the default"
        elif not metric.subject.from_text:
            why = "the metric's subject (from_text: false)"
        else:
            why = "the metric's subject; no other entity is named in its clause"
        self.notes.append(("subject", f"{shown}: {why}"))

    # -- what explain and rules test read

    @property
    def chosen(self) -> Verdict | None:
        return next((v for v in self.verdicts if v.bound), None)

    def closest_rejection(self) -> Verdict | None:
        """The rejected metric that came closest: one with a cue near, else the first weighed."""
        rejected = [v for v in self.verdicts if not v.bound]
        near = [v for v in rejected if v.distance is not None]
        if near:
            return min(near, key=lambda v: v.distance or 0)
        return rejected[0] if rejected else None


@dataclass
class BindTrace:
    """The figures of one source, by their offsets."""

    figures: dict[Span, FigureTrace] = field(default_factory=dict)

    def figure(self, m: Mention, sentence: Span) -> FigureTrace:
        key = (m.span.start, m.span.end)
        found = self.figures.get(key)
        if found is None:
            found = self.figures[key] = FigureTrace(m, sentence)
        return found

    def at(self, line: int, column: int | None = None) -> list[FigureTrace]:
        """The figures on a line (or covering a line:column), in text order."""
        out = []
        for f in sorted(self.figures.values(), key=lambda f: f.mention.span.start):
            s = f.mention.span
            if s.line != line:
                continue
            if column is not None and not s.column <= column < s.column + (s.end - s.start):
                continue
            out.append(f)
        return out


_HOW = {
    "noun": "the cue follows it",
    "predicate": "the cue leads, linked by a verb or a colon",
    "ellipsis": "the noun of an earlier figure, left out",
    "listed": "it is listed beside a figure that counts it, each with its own entity",
}


def _gap(m: Mention, cue: Span) -> int:
    return max(cue[0] - m.span.end, m.span.start - cue[1], 0)


def _quoted(text: str, span: Span) -> str:
    return repr(" ".join(text[span[0] : span[1]].split()))


def _clause(text: str, span: Span) -> str:
    return f"«{' '.join(text[span[0] : span[1]].split())}»"
