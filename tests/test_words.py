"""The fast word-list searches find exactly what the `regex` patterns they stand in for find.

`Words` scans word lists with stdlib `re` tries over lowered text and `Markers` rules out
modality markers with a stdlib hint.  Each relies on facts about Unicode in the `regex` module
and in Python (checked here over every code point) and must agree with the slow exact search on
any text, including letters beside non-ASCII ones and the characters that case-fold into ASCII.
"""

from __future__ import annotations

import re

import regex
from fuzz_profile import PROFILE
from hypothesis import given
from hypothesis import strategies as st

from factcheck.bind.words import _CASE_TWINS, Markers, Words, plain_lower, trie

ALL_CHARS = "".join(map(chr, range(0x110000)))


def test_the_case_twins_are_the_only_non_ascii_characters_that_meet_ascii_letters() -> None:
    """`plain` texts lower character for character, into ASCII only from ASCII."""
    ascii_blind = regex.compile(r"[\x00-\x7f]", regex.IGNORECASE)
    twins = {
        c
        for c in ALL_CHARS
        if not c.isascii() and (ascii_blind.match(c) or len(c.lower()) != 1 or c.lower().isascii())
    }
    assert twins == set(_CASE_TWINS)


def test_plain_lower_lowers_ascii_and_keeps_the_rest_beyond_ascii_and_white_space_as_it_is() -> (
    None
):
    surrogates = regex.compile(r"\p{Cs}")
    text = "".join(c for c in ALL_CHARS if c not in _CASE_TWINS and not surrogates.match(c))
    for sample in (text, "A\udc80B", "A\ud800\udc00B"):  # lone surrogates, two side by side
        lowered = plain_lower(sample)
        assert lowered is not None and len(lowered) == len(sample)
        for c, low in zip(sample, lowered, strict=True):
            assert low.isascii() == c.isascii() and low.isspace() == c.isspace(), hex(ord(c))
            assert not c.isascii() or low == c.lower()
    assert plain_lower("ſ") is None


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
# Number words, each the start of longer ones, for the trie the extractor builds of them.
NUMBER_WORDS = ["eight", "eighteen", "eighteenth", "eighth", "eighty", "half", "hundred"]
number_texts = st.lists(
    st.sampled_from([*PIECES, *NUMBER_WORDS, "eigh", "teen", "th", "y"]), max_size=30
).map("".join)


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
    found = Words(words, ignore_case=ignore_case)
    start, end = sorted(min(b, len(text)) for b in bounds)
    lower = plain_lower(text)
    exact = [m.span() for m in found.exact.finditer(text, start, end)]
    assert found.spans(text, start, end, lower) == exact


@PROFILE
@given(
    words=st.lists(st.sampled_from([*WORDS, *NUMBER_WORDS]), min_size=1, unique=True),
    text=number_texts,
)
def test_a_trie_matches_where_the_longest_first_alternation_matches(
    words: list[str], text: str
) -> None:
    """`trie` serves `Words` and the extractor's number words alike: whatever follows it."""
    alternation = "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len)[::-1]) + ")"
    for edge in ("", "(?![a-z])"):
        want = [m.span() for m in re.finditer(alternation + edge, text)]
        assert [m.span() for m in re.finditer(trie(words) + edge, text)] == want


@PROFILE
@given(text=texts, bounds=st.tuples(st.integers(0, 200), st.integers(0, 200)))
def test_markers_hint_never_hides_a_marker(text: str, bounds: tuple[int, int]) -> None:
    markers = Markers(["trade", "in operation", "e-government", "u.s."])
    start, end = sorted(min(b, len(text)) for b in bounds)
    exact = bool(markers.exact.search(text[start:end]))
    assert markers.search(text, plain_lower(text), start, end) == exact
