"""One subject per figure: coordinated and listed figures, wholes and parts.

A clause often gives several figures of one kind, each with its own entity:

- the entity after each figure: "$3.1 billion for Mozambique and $1.2 billion for Malawi",
  "389 people were killed in Mozambique and 96 in Malawi";
- the entity before each figure: "Mozambique's toll of 412 and Malawi's 96", and the
  table-like "Mozambique 389, Malawi 96, Zimbabwe 14";
- "respectively": "Mozambique and Malawi recorded 412 and 96 deaths respectively" pairs the
  n-th figure with the n-th entity.

The figures of a clause that are of one kind are its members; each member owns the stretch of
text up to the next member (entities after) or back to the one before (entities before).  The
side is the one on which every member has an entity of its own; when both are, the one whose
entities stand nearer.  When neither is, the clause is no coordination and the binder's
nearest-entity rule decides.

A date metric's cue dates one event: of the dates in its sentence, only the nearest to an
occurrence of the cue is that event's date ("made landfall on March 11 and the toll rose to 412
on March 14" dates the landfall to March 11 only).

A figure stated for a whole ("for the two countries combined", "485 in total") is about all
the entities its sentence names together (their ids, sorted), not about the nearest one; when
the sentence names fewer than two, its subject is the words that say it is a whole ("the two
countries"), never a guess at its members.

Two phrases are never claims of their own: a numeral that is part of a definite reference
("the two countries", "both", "all three provinces" name a known set, they do not count it)
and a figure introduced as a part of another ("$1.8 billion, including $400 million from the
World Bank", "412 dead, of whom 40 children"): it is not the whole the cue is about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex

from factcheck.bind.sentences import Span

Named = tuple[int, int, str]  # where an entity is named, and its id

_RESPECTIVELY = regex.compile(r"(?i)\brespectively\b")
_NUMBER_WORD = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"  # a set's size
)
# A figure for a whole: "combined", "in total", "the two countries", "both countries".
_WHOLE = regex.compile(
    rf"(?i)\b(?:combined|in\s+total|in\s+all|altogether|all\s+told|taken\s+together|"
    rf"(?:the|these|those|all)\s+{_NUMBER_WORD}\s+[a-z]+|both\s+[a-z]+)\b"
)
# "the two countries": a numeral after a definite determiner names a known set.
_DEFINITE_BEFORE = re.compile(r"(?i)\b(?:the|these|those|all|both)\s+$")
# "including $400 million", "of which 40", "among them 12": a part, not the whole.
_PART_BEFORE = re.compile(
    r"(?i)\b(?:including|includes|included|of\s+which|of\s+whom|among\s+them|among\s+whom|"
    r"among\s+which|of\s+them|incl\.)\s+(?:\S+\s+){0,2}$"
)


# "40 of them", "12 of whom": the figure is a part of one named before.
_PART_AFTER = re.compile(r"(?i)\s+of\s+(?:them|whom|which|these|those|it)\b")
# "Of the 412 dead, 40 were children": figures after the opening are parts of its whole.
_PARTITIVE_OPENING = re.compile(r"(?i)\s*of\s+(?:the|these|those|its|their)\s+[^,;]{1,60},")
# After a listed figure: punctuation, a conjunction or a preposition, never its own noun.
_OWN_NOUN_ABSENT = re.compile(
    r"(?i)\s*(?:[,.;:)]|$|(?:and|or|respectively|in|for|at|across|combined|altogether)\b)"
)
_POSSESSED = re.compile(r"['’]s\s*$")
# Between a list's colon and a figure: blanked labels, figures, commas, "and", "%".
_LABELS = re.compile(r"[\s\d.,%]*(?:(?:,|and)[\s\d.,%]*)*")
_REACH = 40  # characters before a figure that can introduce it as a part, or a cue's date
_DAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
    r"(?:last|this|next)\s+(?:week|month|year|weekend))"
)
# "Tuesday's flood", "yesterday's quake", "last week's landfall": the event's own date.
_POSSESSIVE_DATE = re.compile(rf"(?i)\b{_DAY}['’]s\s+(?:[\w-]+\s+){{0,2}}$")


def coordinated(
    figure: Span, members: Sequence[Span], named: Sequence[Named], clause: Span, text: str
) -> str | None:
    """The entity a coordinated figure is about, or None when the clause does not settle it.

    `members` are the clause's figures of the figure's kind (itself among them), `named` the
    entities named in the clause that a figure can be about (not bodies, not inside figures).
    """
    members = sorted(members)
    if len(members) < 2 or figure not in members or not named:
        return None
    k = members.index(figure)
    names = sorted(named)
    if _RESPECTIVELY.search(text, members[-1][1], clause[1]):
        ids = list(dict.fromkeys(e for _, _, e in names))
        return ids[k] if len(ids) == len(members) else None
    after: list[tuple[int, str]] = []
    before: list[tuple[int, str]] = []
    for j, (start, end) in enumerate(members):
        nxt = members[j + 1][0] if j + 1 < len(members) else clause[1]
        prev = members[j - 1][1] if j > 0 else clause[0]
        a = [(s - end, e) for s, _, e in names if end <= s and s < nxt]
        b = [(start - t, e) for s, t, e in names if prev <= s and t <= start]
        if a:
            after.append(a[0])
        if b:
            before.append(b[-1])
    sides = [
        side for side in (after, before) if len(side) == len(members)
    ]  # every member has an entity of its own on that side
    if not sides:
        return None
    best = min(sides, key=lambda side: sum(d for d, _ in side))
    return best[k][1]


def dates_the_event(text: str, figure: Span, cues: Sequence[Span], dates: Sequence[Span]) -> bool:
    """Whether a date is the one that dates an event its cue names: the date nearest to some
    occurrence of the cue.  "Mira made landfall on March 11 and the toll rose to 412 on March
    14": March 11 dates the landfall, March 14 the toll; one cue dates one event.  A cue dated
    by a possessive ("Tuesday's flood") takes no other date of its sentence: "Tuesday's flood
    toll rose to 412 on Friday" does not date the flood to Friday."""

    def gap(a: Span, b: Span) -> int:
        return max(a[0] - b[1], b[0] - a[1], 0)

    return any(
        min(dates, key=lambda d: (gap(d, cue), d)) == figure
        and not _POSSESSIVE_DATE.search(text, max(0, cue[0] - _REACH), cue[0])
        for cue in cues
    )


def no_noun_of_its_own(text: str, start: int, end: int, sent: Span) -> bool:
    """Whether a listed figure stands without a noun of its own: "96 in Malawi", "96,",
    "Malawi's 96", "412 and 96 deaths respectively"; not "3,000 homes"."""
    if _OWN_NOUN_ABSENT.match(text, end, sent[1]) or end == sent[1]:
        return True
    return _POSSESSED.search(text, max(sent[0], start - 4), start) is not None


def labelled_list(
    text: str, sent: Span, figure: Span, cues: Sequence[Span], named: Sequence[Named]
) -> Span | None:
    """The cue of a labelled list the figure stands in: "Deaths by country: Mozambique 389,
    Malawi 96, Zimbabwe 14" (a cue before a colon, then entity labels and figures only)."""
    colon = text.rfind(":", sent[0], figure[0])
    if colon < 0:
        return None
    before = [c for c in cues if c[1] <= colon]
    if not before:
        return None
    rest = list(text[colon + 1 : figure[0]])
    for s, e, _ in named:
        if colon < s and e <= figure[0]:
            rest[s - colon - 1 : e - colon - 1] = " " * (e - s)
    # Only labels (blanked), figures, commas and "and" between the colon and the figure, and
    # a label right before the figure.
    gap = "".join(rest)
    if not _LABELS.fullmatch(gap) or not any(e <= figure[0] and colon < s for s, e, _ in named):
        return None
    last_label = max(e for s, e, _ in named if colon < s and e <= figure[0])
    if text[last_label : figure[0]].strip(" '’s") != "":
        return None
    return max(before)


def whole_marker(text: str, start: int, end: int) -> str | None:
    """The words in text[start:end] that say its figure is for a whole ("combined", "in
    total", "the two countries"), or None."""
    found = _WHOLE.search(text, start, end)
    return " ".join(found.group().lower().split()) if found else None


def whole(named: Sequence[Named], marker: str) -> tuple[str, ...]:
    """A whole's subject: the distinct entities its sentence names, sorted; when it names
    fewer than two, the words that say it is a whole ("the two countries"), since the text
    does not say which entities make it up."""
    ids = sorted({e for _, _, e in named})
    return tuple(ids) if len(ids) >= 2 else (marker,)


_NUMBER_IN = re.compile(
    r"(?i)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|billion|dozen|first|second|third)\b"
)


def has_number(phrase: str) -> bool:
    """Whether a cue or a name holds something the extractor may read as a number."""
    return _NUMBER_IN.search(phrase) is not None


def not_a_figure(
    text: str, clause_start: int, start: int, end: int, sent: Span, own_cue: bool = False
) -> bool:
    """A numeral in a definite reference ("the two countries") or a figure introduced as a
    part ("including $400 million", "40 of them children", "Of the 412 dead, 40 were
    children"): either way, not a figure of the cue's whole.  A part with a cue of its own
    after it (`own_cue`: "642,300 ballots were cast, of which 9,870 were invalid") is a
    figure of that cue's metric."""
    before = text[max(clause_start, start - _REACH) : start]
    if text[start:end].isalpha() and _DEFINITE_BEFORE.search(before):
        return True
    if own_cue:
        return False
    if _PART_BEFORE.search(before) is not None:
        return True
    if _PART_AFTER.match(text, end, min(sent[1], end + _REACH)) is not None:
        return True
    opening = _PARTITIVE_OPENING.match(text, sent[0], start)
    return opening is not None and opening.end() <= start
