"""Signed changes and comparisons: the words that say a percentage is a fall, and that a
"more than" compares two figures rather than bounding one.

A reader takes "fell 8 %", "down 8 %", "a decline of 8 %", "shrank by 8 %", "8 % less than",
"a drop of eight percent" as −8 %; "fell to 8 %" is a level, not a change, and keeps its sign.
Only percentages and percentage points are signed: "exports fell $2 billion" states a change
in money that no level metric should take as a negative level, and stays as written.

In "31 million, 22 % less than the 40 million of 2019", the "less than" belongs to the
comparison: "the 40 million" is the figure compared with, exactly 40 million, not "under 40
million".  "over $26 billion" is still a bound.

Cases: tests/fixtures/extract/changes.yaml.
"""

from __future__ import annotations

import re

import regex

_QUALIFIED = (
    r"(?:(?:about|around|some|almost|nearly|roughly|approximately|over|more\s+than|less\s+than|"
    r"just\s+over|just\s+under|an\s+estimated)\s+)?"
)
_FALL_VERBS = (
    r"fell|falls|falling|fall|dropped|drops|dropping|declined|declines|declining|decreased|"
    r"decreases|decreasing|shrank|shrunk|shrinks|shrinking|slipped|slips|slid|slides|plunged|"
    r"plunges|plummeted|tumbled|tumbles|sank|sinks|contracted|contracts|dipped|dips|eased|"
    r"eases|slumped|slumps|retreated|lost|down|lower|off|cut|cuts|cutting|reduced|reduces|"
    r"reducing|lowered|slashed|slashes|trimmed|slowed|slows|weakened|narrowed|narrows|softened"
)
_FALL_NOUNS = (
    r"decline|drop|fall|decrease|contraction|reduction|slump|plunge|dip|cut|loss|slide|"
    r"downturn|shrinkage"
)
# Before the figure: "fell 8 %", "shrank by about 8 %", "a decline of 8 %", "down 8 %".
# "cut rates by 0.5 points": up to two words of object between the verb and its "by", none of
# them a turn to another clause ("fell and then rose by 8 %").
_OBJECT = (
    r"(?:[\s\u00a0]+(?!(?:and|but|while|or|then|rose|grew|increased|gained|climbed|jumped|"
    r"rising|growing)\b)\p{L}+){0,2}"
)
FALL_BEFORE = regex.compile(
    rf"(?ri)\b(?:(?:{_FALL_VERBS})(?:{_OBJECT}[\s\u00a0]+by)?|(?:{_FALL_NOUNS})[\s\u00a0]+of)"
    rf"[\s\u00a0]+{_QUALIFIED}$"
)
# After it: "8 % less than", "8 % lower", "8 % down on", "an 8 % decline".
FALL_AFTER = regex.compile(
    rf"(?i)[\s\u00a0]*(?:less|lower|fewer|smaller|below|down|cheaper|(?:{_FALL_NOUNS}))\b"
    r"(?![\s\u00a0]+payments?\b)"  # "a 10 % down payment" is no fall
)
_AN_BEFORE = regex.compile(r"(?ri)\b(?:an?|the)[\s\u00a0]+$")
# A figure compared with: "22 % less than the 40 million", "twice more than the 2019 level".
COMPARED_BEFORE = regex.compile(
    r"(?ri)(?:%|\bper[\s\u00a0]*cent|\bpercent|\bpct|\bpoints?|\btimes|\btwice|\bhalf|\bthirds?"
    r"|\bquarters?)[\s\u00a0]*(?:\p{L}+[\s\u00a0]+){0,2}$"
)


# Letters every fall word holds (a cheap test before the patterns, run for every percentage).
_FALL_HINT = re.compile(
    r"fel|fal|drop|decl|decr|shr|sli|plu|tum|san|sin|con|dip|eas|slu|ret|los|dow|low|off|cut"
    r"|red|sla|tri|wea|nar|sof"
)


def falls(text: str, start: int, end: int) -> bool:
    """Whether the percentage at text[start:end] is a fall ("fell 8 %", "8 % less than")."""
    lo = max(0, start - 60)
    if _FALL_HINT.search(text[lo:start].lower()) and FALL_BEFORE.search(text, lo, start):
        return True
    after = FALL_AFTER.match(text, end, end + 20)
    if after is None:
        return False
    noun = after.group().strip().lower()
    if noun in ("less", "lower", "fewer", "smaller", "below", "down", "cheaper"):
        return True
    # "an 8 % decline": a noun after the figure says so only as its attribute.
    return bool(_AN_BEFORE.search(text, max(0, start - 8), start))


def compares(text: str, qualifier_start: int, phrase: str, with_the: bool) -> bool:
    """Whether "more than" / "less than" before a figure compares it with another ("22 % less
    than the 40 million", "more than the 40 million of 2019") rather than bounding it."""
    if phrase not in ("more than", "less than", "fewer than", "higher than", "lower than"):
        return False
    return with_the or bool(
        COMPARED_BEFORE.search(text, max(0, qualifier_start - 30), qualifier_start)
    )
