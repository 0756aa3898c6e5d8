"""The phrase index: every metric's cue phrases and patterns found in a sentence at once.

A rule set's phrases (cues, contexts, exclusions, member-list cues) are indexed by their first
word, so one `Words` scan finds where any of them can begin and only the phrases starting with
that word are tried there.  `SentenceHits` keeps what one document's sentences hold, found on
first use; a user's cue pattern (RE2, linear time: see patterns.py) runs only in a sentence
with a figure its metric could take.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from functools import lru_cache

import regex

from factcheck.bind.patterns import CuePattern
from factcheck.bind.sentences import Span
from factcheck.bind.words import Words, phrase_pattern, phrase_regex

# A '*' phrase (our own regex, one word per '*') or a user's cue pattern.
Pattern = regex.Pattern[str] | CuePattern


def _spans(patterns: Iterable[Pattern], text: str, start: int, end: int) -> list[Span]:
    """Matches of `patterns` in text[start:end]."""
    out: list[Span] = []
    for rx in patterns:
        if isinstance(rx, CuePattern):
            out.extend(rx.spans(text, start, end))
        else:
            out.extend(m.span() for m in rx.finditer(text, start, end))
    return out


Hits = dict[str, list[Span]]


@lru_cache(maxsize=4096)
def compiled(pattern: str) -> regex.Pattern[str]:
    """A `phrase_pattern`, compiled (case-insensitive)."""
    return regex.compile(pattern, regex.IGNORECASE)


class PhraseIndex:
    """Every metric's phrases found in one pass over a sentence.

    One word list finds where any phrase can begin (its first word); only the phrases that
    start with that word are then tried there.  Binding cost grows with the text, not with the
    number of metrics times their cues.
    """

    def __init__(
        self,
        phrases: Iterable[tuple[str, str]],
        patterns: Iterable[tuple[CuePattern, str]] = (),
    ) -> None:
        # Each first word's phrases as patterns (`phrase_pattern`), compiled when first tried
        # (`compiled`): a word with several phrases tries them in one `together` pattern.
        by_first: dict[str, list[tuple[str, str]]] = {}
        self.loose: list[tuple[Pattern, str]] = list(patterns)
        for phrase, owner in phrases:
            first = phrase.split()[0]
            if "*" in first:
                self.loose.append((phrase_regex(phrase), owner))
                continue
            entry = (phrase_pattern(phrase), owner)
            if entry not in by_first.setdefault(first.lower(), []):
                by_first[first.lower()].append(entry)
        self.by_first = by_first
        self.pattern_owners = frozenset(owner for _, owner in self.loose)
        # A word's phrases tried in one call: each in a lookahead that captures its match, or
        # matches nothing when the phrase does not stand there (the group is then unset).
        self.together = {
            word: regex.compile(
                "".join(f"(?=({pattern})|)" for pattern, _ in entries), regex.IGNORECASE
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
        lower: str | None = None,
    ) -> Hits:
        """The phrases and patterns in text[start:end], by owner."""
        out = self.find_phrases(text, start, end, lower)
        if self.loose:
            out = {owner: list(spans) for owner, spans in out.items()}
            for owner, spans in self.find_patterns(text, start, end).items():
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
                    pattern, owner = entries[0]
                    hit = compiled(pattern).match(text, p, end)
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
        owner: str | None = None,
    ) -> Hits:
        """Matches of the user patterns and '*' phrases (all, or those of `owner`)."""
        out: Hits = {}
        for rx, of in self.loose:
            if owner is not None and of != owner:
                continue
            found = _spans([rx], text, start, end)
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

    def __call__(self, i: int) -> Hits:
        """Phrases and patterns of sentence i."""
        hits = self.cache.get(i)
        if hits is None:
            start, end = self.sents[i]
            hits = self.cache[i] = self.index.find(self.text, start, end, self.lower)
        return hits

    def phrases(self, i: int) -> Hits:
        """Phrases of sentence i."""
        hits = self.phrase_cache.get(i)
        if hits is None:
            start, end = self.sents[i]
            hits = self.phrase_cache[i] = self.index.find_phrases(self.text, start, end, self.lower)
        return hits

    def patterns(self, i: int, owner: str) -> list[Span]:
        """Matches of `owner`'s patterns in sentence i: run only for a figure that its metric
        could take."""
        hits = self.pattern_cache.get((i, owner))
        if hits is None:
            start, end = self.sents[i]
            found = self.index.find_patterns(self.text, start, end, owner)
            hits = self.pattern_cache[i, owner] = found.get(owner, [])
        return hits

    def window(self, metric: str, first: int, last: int) -> bool:
        """Whether a phrase of `metric` stands in sentences first..last (the nearest tried
        first: the farther ones are then often never searched)."""
        return any(metric in self(j) for j in range(last, max(0, first) - 1, -1))
