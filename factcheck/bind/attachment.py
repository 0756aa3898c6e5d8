"""Count attachment: whether a count counts what its metric counts.

A count metric ("joint ventures", "seats won", "polling stations") must not take any number
that stands near its cue: "a recount in two districts could take a day or two" holds three
numbers and none counts seats.  A count binds only when it counts one of the metric's cues,
in one of four ways (the README's "Counts bind to the noun they count" says the same):

1. **noun**: the cue follows the figure, with at most three words between, none of them a
   function word (article, preposition, conjunction, pronoun, "more"), though "is"/"are"/
   "was"/"were" may be: "3,348 joint ventures", "24 thousand workers places", "412 registered
   candidates", "the 60-member regional assembly", "9,870 were declared invalid";
2. **predicate**: the cue comes first, only linking words stand between it and the figure, and
   no noun of its own follows the figure: "the number of polling stations was 1,204",
   "Candidates: 412" (but "cast a ballot three weeks after" counts weeks);
3. **ellipsis**: a bare figure (followed by a comma, a full stop, "and" or the end of the
   sentence), after a figure of the same sentence that counts the cue: in "the Civic Union won
   23 seats, the Greens 14." the 14 counts seats too.  Not after "from", "than", "by", "to",
   "or" and other function words: "up from 19", "in a day or two" are no ellipsis.

4. **listed** (decided by the binder with `factcheck/bind/subjects.py`): a figure listed beside
   one that counts the cue, each with its own entity and no noun of its own: "389 people were
   killed in Mozambique and 96 in Malawi", "Deaths by country: Mozambique 389, Malawi 96".

Everything else stays unbound: "two districts" counts districts, "five years ago" years,
"nine more" nothing the text names.  In "630,000 of the 1.08 million registered voters" the whole,
1.08 million, counts registered voters and binds; the part has no noun of its own and binds
nothing (so "22 of the 60 seats" gives 60 to a metric whose cue is plain "seats").  Money, percentages, dates and ranks are not affected:
their unit already says what they measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import regex

from factcheck.bind.sentences import Span
from factcheck.models import Mention

How = Literal["noun", "predicate", "ellipsis", "listed"]


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that end a noun phrase: between a count and its noun there are only modifiers.
FUNCTION_WORDS = _wordset(
    """a an the of in on at for to from with by than and or nor but as per via into onto
    upon out up down off over under about around after before since until till during
    more less fewer most least some any each every all both either neither no not
    their its his her our my your them they he she it we you i this that these those
    who whom whose which where when while if then so also only just even still
    be been being has had have having will would could may might shall should can must do
    does did last next previous"""
)
COPULAS = frozenset({"is", "are", "was", "were"})
# Words that may link a cue to its figure: "polling stations numbered 1,204".
LINKING_WORDS = _wordset(
    """is are was were be been being stood stands stand at reached reaches reach rose risen
    rises grew grown grows fell fallen falls dropped drops climbed climbs declined declines
    increased decreased jumped exceeds exceeded exceed topped tops surpassed passed hit hits
    to totalled totaled totals total numbered numbers number came comes amounted amounts of
    now has have had put already currently"""
)
# Words before a bare figure that make it something other than an elliptical count.
NOT_ELLIPSIS_AFTER = _wordset(
    """from than by to or of at per over under about around since until after before in
    within"""
)
MAX_NOUN_GAP = 3
MAX_LINK_GAP = 4

_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’.-]*")
_GAP_PUNCT = regex.compile(r"[\s\-–—:=]*")
_BARE_AFTER = regex.compile(r"\s*(?:[,;.!?)]|\band\b|$)")
_NEXT_WORD = regex.compile(r"[ \t\-]*(\p{L}[\p{L}'’-]*)")
_LAST_WORD = regex.compile(r"(\p{L}[\p{L}'’]*)\W*$")


@dataclass(frozen=True)
class Attachment:
    """How a count counts a cue, and which cue (its span in the text)."""

    how: How
    cue: Span


def attachment(
    text: str, m: Mention, cues: Sequence[Span], sentence: Span, mentions: Sequence[Mention]
) -> Attachment | None:
    """How the count `m` counts one of `cues` (spans in its sentence), or None.

    `mentions` are the sentence's: no other figure may stand between a count and its noun,
    and an elliptical figure takes the noun of one before it.
    """
    starts = [x.span.start for x in mentions]
    direct = _direct(text, m, cues, starts)
    if direct is not None:
        return direct
    if not _is_bare(text, m, sentence):
        return None
    for earlier in reversed([x for x in mentions if x.span.end <= m.span.start]):
        found = _direct(text, earlier, cues, starts) if earlier.kind == m.kind else None
        if found is not None:
            return Attachment("ellipsis", found.cue)
    return None


def _direct(
    text: str, m: Mention, cues: Sequence[Span], starts: Sequence[int]
) -> Attachment | None:
    for cue in sorted(cues):
        if (
            cue[0] >= m.span.end
            and _noun_gap(text[m.span.end : cue[0]])
            and not any(m.span.end <= s < cue[0] for s in starts)
        ):
            return Attachment("noun", cue)
        if (
            cue[1] <= m.span.start
            and not any(cue[1] <= s < m.span.start for s in starts)
            and _link_gap(text[cue[1] : m.span.start])
            and not _has_own_noun(text, m)
        ):
            return Attachment("predicate", cue)
    return None


def _has_own_noun(text: str, m: Mention) -> bool:
    """Whether a content word follows the figure: "three weeks" counts weeks, whatever came
    before it ("cast a ballot three weeks after")."""
    after = _NEXT_WORD.match(text, m.span.end)
    return after is not None and after.group(1).lower() not in FUNCTION_WORDS


def _words(gap: str) -> list[str] | None:
    """The words of a gap, or None when it holds anything but words, spaces and dashes."""
    words = [w.group().lower() for w in _WORD.finditer(gap)]
    if _GAP_PUNCT.fullmatch(_WORD.sub(" ", gap)) is None:
        return None
    return words


def _noun_gap(gap: str) -> bool:
    words = _words(gap)
    if words is None or len(words) > MAX_NOUN_GAP:
        return False
    return not any(w in FUNCTION_WORDS and w not in COPULAS for w in words)


def _link_gap(gap: str) -> bool:
    words = _words(gap)
    if words is None or len(words) > MAX_LINK_GAP:
        return False
    return all(w in LINKING_WORDS for w in words)


def _is_bare(text: str, m: Mention, sentence: Span) -> bool:
    """A figure with no noun of its own: "... the Greens 14." / "the Greens on 14, ..." """
    if _BARE_AFTER.match(text, m.span.end, sentence[1]) is None:
        return False
    last = _LAST_WORD.search(text, sentence[0], m.span.start)
    return last is None or last.group(1).lower() not in NOT_ELLIPSIS_AFTER


def counted_noun(text: str, m: Mention, sentence: Span) -> str | None:
    """The word a count stands before ("districts" of "two districts"), for an explanation."""
    after = _NEXT_WORD.match(text, m.span.end, sentence[1])
    return after.group(1) if after else None
