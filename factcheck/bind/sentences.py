"""Sentence splitting: the spans of a document's sentences, page furniture left out.

Binding looks for a figure's cue, period and subject within the figure's sentence, and runs on
every sentence of every article, so sentence ends are found in one scan of the document (per
mark) rather than line by line, and a run too long to be a sentence is cut so that binding
stays linear in the text.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import NamedTuple

import regex

from factcheck.ingest import content_lines

Span = tuple[int, int]  # offsets, end exclusive

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
    return [Sentence(s, e) for s, e in sentence_spans(text, furniture)]


def sentence_spans(text: str, furniture: Sequence[Span]) -> list[Span]:
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
    for start, end in content_lines(text):
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
