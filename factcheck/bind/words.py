"""Word lists searched fast: cue words, entity names and modality markers.

Binding runs on every sentence of every article, so the word lists (cue phrases, entity names,
modality markers) are searched with stdlib `re` tries and hints (on the text with its ASCII
capitals lowered, where case does not count), several times faster than the `regex` module's
alternations.  They find a superset of the matches; the exact `regex` patterns, whose Unicode
word and case rules they stand in for, have the last word wherever the two could differ (see
`Words`, `Markers`).  The extractor's number words use the same `trie`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from typing import Any

import regex

# Characters that `str.lower` or the `regex` module's case-insensitive matching equate with an
# ASCII letter although they are not ASCII themselves (İ ı ſ K).  In a text without them, an
# ASCII word matches case-blind exactly where it stands once the ASCII capitals are lowered.
_CASE_TWINS = "\u0130\u0131\u017f\u212a"
_WORD = regex.compile(r"\w")


def plain_lower(text: str) -> str | None:
    """`text` with its ASCII capitals lowered, for `Words` and `Markers` to find ASCII words
    in; None if a case twin is in it.  Other characters may change too, but never into ASCII
    or white space, which is all those searches look at."""
    if any(c in text for c in _CASE_TWINS):
        return None
    if text.isascii():
        return text.lower()
    # Cheaper than str.lower: bytes.lower lowers ASCII bytes only, and in UTF-16 a character
    # beyond ASCII has a high byte other than 0, so it stays beyond ASCII.  (Two lone
    # surrogates side by side would come back as one character: then str.lower it is.)
    data = text.encode("utf-16-le", "surrogatepass").lower()
    lowered = data.decode("utf-16-le", "surrogatepass")
    return lowered if len(lowered) == len(text) else text.lower()


class Words:
    """Where the `regex` pattern (?<!\\w)(?:w1|w2|...)(?!\\w) matches, found faster.

    `exact` is that pattern, the longer of two words first.  `fast` is a stdlib `re` trie of
    the words, also longest first, with ASCII word edges: it finds every match of `exact`, and
    next to a non-ASCII letter ("ü") a few more, which `exact` then settles.  A case-blind
    list must be ASCII and `fast` runs on `plain_lower(text)`; without it, only `exact` runs.
    """

    def __init__(self, words: Sequence[str], ignore_case: bool) -> None:
        self.words = tuple(words)
        self.ignore_case = ignore_case
        if ignore_case:
            usable = all(w.isascii() for w in words)
            edge = "[a-z0-9_]"
            fast = f"(?<!{edge}){trie(words)}(?!{edge})"
        else:
            # Names start with few letters (capitals): with the edge tested after the first
            # one, `re` skips ahead to those letters instead of testing every position.
            usable = True
            edge = "[A-Za-z0-9_]"
            fast = f"{trie(words, after_first=f'(?<!{edge}.)')}(?!{edge})"
        self.fast = re.compile(fast) if usable else None

    @cached_property
    def exact(self) -> regex.Pattern[str]:
        # Compiled when first needed: `fast` settles most texts alone, and a long list costs
        # the `regex` module tens of milliseconds to compile in every process.
        return regex.compile(
            r"(?<!\w)(?:" + "|".join(regex.escape(w) for w in self.words) + r")(?!\w)",
            regex.IGNORECASE if self.ignore_case else 0,
        )

    def spans(
        self, text: str, start: int, end: int, lower: str | None = None
    ) -> list[tuple[int, int]]:
        """Matches of `exact` in text[start:end], in order; `lower` is `plain_lower(text)`."""
        haystack = lower if self.ignore_case else text
        if haystack is None or self.fast is None:
            return [m.span() for m in self.exact.finditer(text, start, end)]
        out: list[tuple[int, int]] = []
        pos = start
        while True:
            for m in self.fast.finditer(haystack, pos, end):
                p, q = m.span()
                # `fast` has checked ASCII neighbours; `regex` says what the others are.
                if (p == 0 or text[p - 1].isascii() or _WORD.match(text[p - 1]) is None) and (
                    q == end or text[q].isascii() or _WORD.match(text[q]) is None
                ):
                    out.append((p, q))
                    continue
                # The exact match here, if any, and the scan goes on where it would.
                exact = self.exact.match(text, p, end)
                if exact is not None:
                    out.append(exact.span())
                pos = exact.end() if exact is not None else p + 1
                break
            else:
                return out


def trie(words: Iterable[str], after_first: str = "") -> str:
    """A stdlib regex matching any of `words`, the longest first, shaped as a trie; the
    pattern `after_first` is tested after a word's first character."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict[str, Any], after: str = "") -> str:
        branches = [re.escape(c) + after + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(root, after_first) + ")"


def phrase_pattern(phrase: str) -> str:
    """A cue phrase as a whole-word pattern, matched case-insensitively (`phrase_regex`);
    '*' stands for one word."""
    parts = [r"\S+" if w == "*" else regex.escape(w) for w in phrase.split()]
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


@lru_cache(maxsize=4096)
def phrase_regex(phrase: str) -> regex.Pattern[str]:
    """A cue phrase as a case-insensitive whole-word regex; '*' stands for one word."""
    return regex.compile(phrase_pattern(phrase), regex.IGNORECASE)


class Markers:
    """Whether any of some phrases stands in a short stretch of text (modality markers).

    `hint` is a stdlib pattern on the lowered stretch that every `phrase_regex` match also
    matches (ASCII word edges, `\\s` a superset of the `regex` one); most stretches hold no
    marker and never reach the exact alternation.  Without a hint (a '*' or a non-ASCII
    word), or for a text that `plain_lower` refuses, only the exact one runs.
    """

    def __init__(self, phrases: Sequence[str]) -> None:
        self.phrases = tuple(phrases)
        words = [p.lower().split() for p in phrases]
        hintable = all(
            w and p.isascii() and "*" not in p for w, p in zip(words, phrases, strict=True)
        )
        self.hint = (
            re.compile(
                r"(?<![a-z0-9_])(?:"
                + "|".join(r"\s+".join(re.escape(x) for x in w) for w in words)
                + r")(?![a-z0-9_])"
            )
            if hintable
            else None
        )

    @cached_property
    def exact(self) -> regex.Pattern[str]:
        # Compiled when first needed: the hint rules out most stretches (see `Words.exact`).
        return regex.compile(
            "|".join(f"(?:{phrase_pattern(p)})" for p in self.phrases), regex.IGNORECASE
        )

    def search(self, text: str, lower: str | None, start: int, end: int) -> bool:
        """Whether a phrase stands in text[start:end], taken as a string of its own."""
        return self.may_stand(lower, start, end) and bool(self.exact.search(text[start:end]))

    def may_stand(self, lower: str | None, start: int, end: int) -> bool:
        """False when the hint rules out every phrase in text[start:end]."""
        return lower is None or self.hint is None or bool(self.hint.search(lower[start:end]))
