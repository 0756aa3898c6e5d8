"""The binder's fast searches find exactly what the `regex` patterns they stand in for find.

`bind.Words` scans word lists with stdlib `re` tries over lowered text, `bind.Markers` rules out
modality markers with a stdlib hint, and `bind._sentences` finds sentence ends in one scan of
the document.  Each relies on facts about Unicode in the `regex` module and in Python (checked
here over every code point) and must agree with the slow exact search on any text, including
letters beside non-ASCII ones and the characters that case-fold into ASCII.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import regex
from fuzz_profile import PROFILE
from hypothesis import given
from hypothesis import strategies as st

from factcheck import bind
from factcheck.rules import load_rules

ALL_CHARS = "".join(map(chr, range(0x110000)))


def test_the_case_twins_are_the_only_non_ascii_characters_that_meet_ascii_letters() -> None:
    """`plain` texts lower character for character, into ASCII only from ASCII."""
    ascii_blind = regex.compile(r"[\x00-\x7f]", regex.IGNORECASE)
    twins = {
        c
        for c in ALL_CHARS
        if not c.isascii() and (ascii_blind.match(c) or len(c.lower()) != 1 or c.lower().isascii())
    }
    assert twins == set(bind._CASE_TWINS)


def test_plain_lower_lowers_ascii_and_keeps_the_rest_beyond_ascii_and_white_space_as_it_is() -> (
    None
):
    surrogates = regex.compile(r"\p{Cs}")
    text = "".join(c for c in ALL_CHARS if c not in bind._CASE_TWINS and not surrogates.match(c))
    for sample in (text, "A\udc80B", "A\ud800\udc00B"):  # lone surrogates, two side by side
        lowered = bind.plain_lower(sample)
        assert lowered is not None and len(lowered) == len(sample)
        for c, low in zip(sample, lowered, strict=True):
            assert low.isascii() == c.isascii() and low.isspace() == c.isspace(), hex(ord(c))
            assert not c.isascii() or low == c.lower()
    assert bind.plain_lower("ſ") is None


def test_regex_white_space_is_python_white_space() -> None:
    """The markers' hint (stdlib `\\s`) and `str.split` never miss a `regex` `\\s`."""
    spaces = regex.compile(r"\s")
    assert all(c.isspace() for c in ALL_CHARS if spaces.match(c))


# Words and texts that reach the edge cases: hyphens and spaces inside words, a word that is
# another's prefix, non-ASCII words and neighbours, letters that case-fold into ASCII.
WORDS = ["trade", "trade-off", "e", "e-government", "in", "in operation", "u.s.", "türkiye", "x"]
PIECES = [
    *WORDS,
    "Trade",
    "TRADE",
    "ü",
    "é",
    "e\u0301",
    "²",
    "ſ",
    "\u212a",
    "İ",
    "ı",
    "-",
    ".",
    " ",
    "\n",
    "\u00a0",
    "\x1c",
    "_",
    "7",
    "governments",
]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@PROFILE
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, unique=True),
    text=texts,
    bounds=st.tuples(st.integers(0, 200), st.integers(0, 200)),
    ignore_case=st.booleans(),
)
def test_words_finds_what_the_exact_alternation_finds(
    words: list[str], text: str, bounds: tuple[int, int], ignore_case: bool
) -> None:
    words = sorted({w.lower() for w in words} if ignore_case else set(words), key=len)[::-1]
    found = bind.Words(words, ignore_case=ignore_case)
    start, end = sorted(min(b, len(text)) for b in bounds)
    lower = bind.plain_lower(text)
    exact = [m.span() for m in found.exact.finditer(text, start, end)]
    assert found.spans(text, start, end, lower) == exact


@PROFILE
@given(text=texts, bounds=st.tuples(st.integers(0, 200), st.integers(0, 200)))
def test_markers_hint_never_hides_a_marker(text: str, bounds: tuple[int, int]) -> None:
    markers = bind.Markers(["trade", "in operation", "e-government", "u.s."])
    start, end = sorted(min(b, len(text)) for b in bounds)
    exact = bool(markers.exact.search(text[start:end]))
    assert markers.search(text, bind.plain_lower(text), start, end) == exact


# The sentence splitter as it was, line by line, candidate by candidate: the oracle.
_END_CANDIDATE = regex.compile(r"[.!?…][\"”»’)]?\s+")
_ABBREVIATION = regex.compile(bind._ABBREVIATION + "$")
_NEXT_START = regex.compile(r"(?:[-–—•]\s*)?[\"“«(‘]?[\p{Lu}\d]")


def sentences_line_by_line(text: str, furniture: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
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
            out.append((start, m.start() + len(m.group().rstrip())))
            start = m.end()
        out.append((start, line.end()))
    return out


SENTENCE_PIECES = [
    "Trade",
    "rose",
    "No",
    "U.S",
    "e.g",
    "D",
    "Ö",
    "é",
    "approx",
    "2022",
    ".",
    "!",
    "?",
    "…",
    '"',
    "”",
    "“",
    "(",
    "–",
    "•",
    " ",
    "  ",
    "\u00a0",
    "\x1c",
    "\u2028",
    "\n",
    "\r\n",
    "\r",
]


@PROFILE
@given(
    text=st.lists(st.sampled_from(SENTENCE_PIECES), max_size=60).map("".join),
    furniture=st.sets(st.integers(0, 10), max_size=3),
)
def test_sentences_end_where_the_line_by_line_splitter_ends_them(
    text: str, furniture: set[int]
) -> None:
    lines = [m.span() for m in re.finditer(r"[^\r\n]+", text)]
    skipped = [lines[i] for i in sorted(furniture) if i < len(lines)]
    assert bind._sentences(text, skipped) == sentences_line_by_line(text, skipped)


@functools.cache
def binder() -> bind.Binder:
    return bind.Binder(load_rules([Path(__file__).resolve().parent.parent / "rules"]))


@PROFILE
@given(
    text=st.lists(st.sampled_from([*SENTENCE_PIECES, *PIECES, "members", "MEMBERS"])).map(" ".join)
)
def test_member_list_cues_stand_only_in_the_sentences_searched(text: str) -> None:
    set_cues = binder().set_cues
    sents = bind._sentence_spans(text, ())
    searched = set(set_cues.sentences_to_search(bind.plain_lower(text), sents))
    lower = bind.plain_lower(text)
    for i, (start, end) in enumerate(sents):
        if set_cues.find(text, start, end, lower=lower):
            assert i in searched


def phrases_one_by_one(index: bind.PhraseIndex, text: str, start: int, end: int) -> bind.Hits:
    """`PhraseIndex.find` as it was: each phrase of a first word tried on its own."""
    out: bind.Hits = {}
    if index.starts is None:
        return out
    for m in index.starts.exact.finditer(text, start, end):
        for rx, owner in index.by_first.get(m.group().lower(), ()):
            hit = rx.match(text, m.start(), end)
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
        assert index.find_phrases(text, start, end, bind.plain_lower(text)) == want
