"""The phrase index finds what trying each phrase on its own finds, where it looks at all.

`PhraseIndex` tries at each first word only the phrases that start with it, all of them in one
match, and skips the sentences where no member-list cue's first word stands; neither shortcut
may lose a phrase.
"""

from __future__ import annotations

import functools
from pathlib import Path

import regex
from fuzz_profile import PROFILE
from hypothesis import given
from hypothesis import strategies as st
from test_sentences import SENTENCE_PIECES
from test_words import PIECES

from factcheck.bind.binder import Binder
from factcheck.bind.phrases import Hits, PhraseIndex
from factcheck.bind.sentences import sentence_spans
from factcheck.bind.words import plain_lower
from factcheck.rules import load_rules


@functools.cache
def binder() -> Binder:
    return Binder(load_rules([Path(__file__).resolve().parent.parent / "rules"]))


@PROFILE
@given(
    text=st.lists(st.sampled_from([*SENTENCE_PIECES, *PIECES, "members", "MEMBERS"])).map(" ".join)
)
def test_member_list_cues_stand_only_in_the_sentences_searched(text: str) -> None:
    set_cues = binder().set_cues
    sents = sentence_spans(text, ())
    searched = set(set_cues.sentences_to_search(plain_lower(text), sents))
    lower = plain_lower(text)
    for i, (start, end) in enumerate(sents):
        if set_cues.find(text, start, end, lower=lower):
            assert i in searched


def phrases_one_by_one(index: PhraseIndex, text: str, start: int, end: int) -> Hits:
    """`PhraseIndex.find` as it was: each phrase of a first word tried on its own."""
    out: Hits = {}
    if index.starts is None:
        return out
    for m in index.starts.exact.finditer(text, start, end):
        for pattern, owner in index.by_first.get(m.group().lower(), ()):
            hit = regex.compile(pattern, regex.IGNORECASE).match(text, m.start(), end)
            if hit:
                out.setdefault(owner, []).append(hit.span())
    return out


CUE_PIECES = ["trade", "turnover", "with", "between", "in", "operation", "since", "volume", "of"]


@PROFILE
@given(
    text=st.lists(st.sampled_from([*CUE_PIECES, *PIECES, *SENTENCE_PIECES])).map(" ".join),
    bounds=st.tuples(st.integers(0, 300), st.integers(0, 300)),
)
def test_phrases_are_found_as_one_by_one(text: str, bounds: tuple[int, int]) -> None:
    start, end = sorted(min(b, len(text)) for b in bounds)
    for index in (binder().cues, binder().contexts):
        want = phrases_one_by_one(index, text, start, end)
        assert index.find_phrases(text, start, end, plain_lower(text)) == want
