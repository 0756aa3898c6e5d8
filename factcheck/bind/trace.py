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

from dataclasses import dataclass, field

from factcheck.bind.sentences import Span
from factcheck.models import Claim, Mention


@dataclass
class Verdict:
    """One metric weighed for one figure."""

    metric: str
    bound: bool
    reason: str
    distance: int | None = None  # characters between cue and figure, when a cue was found


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
