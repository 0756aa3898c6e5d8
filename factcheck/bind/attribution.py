"""Who states a figure: the attribution of each figure within its sentence.

A sentence says who stands behind a figure in a few grammatical ways, and this module reads
those structures rather than listing sentences:

- a prepositional phrase: "according to X", "data from X", "figures from X", "estimates by X",
  "as reported by X" (X is the noun phrase up to the next punctuation);
- the subject of a reporting verb: "X said", "X estimates", "X put the toll at", "X counted",
  found by walking back from the verb over what English puts between a subject and its verb:
  a parenthesis ("(INGD)"), a relative clause (", which has been compiling ..., "), an
  apposition ("The UN humanitarian office, OCHA, put ..."); a clause opener ("while", "but")
  ends the subject.  A verb after its subject's figure ("412 died, INGD said") and an inverted
  one (", said the ministry") count too;
- a possessive of a measurement noun: "X's figure of", "X's estimate", "X's count".

Each figure takes the nearest such anchor before it in the sentence, else the first after it:
"INGD said 412 people died, while OCHA put the toll at 389" gives each figure its own body.
A verb whose subject is only a place ("Mozambique and Malawi recorded 412 and 96 deaths") is
not a speaker: a place where deaths were recorded is not who recorded them.

The anchor's words are resolved to a body entity (`body: true` in the rules) when one is named
in them, else kept as written less a leading article ("Zimbabwe's civil protection unit").
A pronoun ("it said") says nothing about who, and gives no attribution.

A full dependency parse (spaCy) was measured for this and not used: the only English models on
PyPI are third-party re-uploads, and the small model parses about 80 KB/s on one core against
the pipeline's 2 MB/s (measured by bench/parser_probe.py; see the README).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from factcheck.bind.sentences import Span
from factcheck.bind.words import Words

# The anchors' patterns are plain enough for the stdlib `re`, which scans faster than `regex`.
# Reporting verbs, in the forms a news sentence uses (present, past): closed-class grammar,
# the words that introduce who says or measured something.
_VERBS = (
    "said|says|say|told|tells|stated|states|reported|reports|report|estimated|estimates|"
    "estimate|counted|counts|recorded|records|registered|registers|measured|measures|"
    "calculated|calculates|announced|announces|confirmed|confirms|tallied|put|puts|"
    "found|finds|showed|shows|show|cited|cites|forecasts|forecast|predicts|predicted|"
    "expects|expected|projects|projected|noted|notes|wrote|writes"
)
# Found with the binder's trie search (`Words`); a verb glued to an apostrophe or a hyphen
# ("put-option", "said'") is none.
_VERB = Words(_VERBS.split("|"), ignore_case=False)
_GLUE = "'’-"
# A verb only reads as reporting when its subject stands right before it; "put" and the like
# need their object's "at" too ("put the toll at 389"), else "put pressure on" would count.
_PUT_AT = regex.compile(r"\s+(?:the\s+|its\s+|their\s+)?[\w\s'’-]{0,40}?\bat\b")
_PREPOSITION = re.compile(
    r"(?i)(?<![\w-])(?:according\s+to|data\s+(?:from|by)|figures\s+(?:from|by)|"
    r"estimates?\s+(?:from|by)|(?:as\s+)?(?:reported|counted|estimated|measured|compiled)\s+by|"
    r"citing)\s+"
)
_POSSESSIVE = re.compile(
    r"(?i)['’]s?\s+(?:(?:latest|own|official|preliminary|final|revised|new)\s+)?"
    r"(?:figures?|estimates?|count|tally|data|assessment|calculations?|numbers?)\b"
)
# Between a subject and its verb: parentheses, relative clauses, appositions.
_PARENS = regex.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_RELATIVE = regex.compile(r",\s+(?:which|who|whose|whom|that)\b[^,]*(?:,|$)")
# What ends a subject going back from its verb, and what opens a clause before it.
_BOUNDARY = regex.compile(r"[,;:—–]|\s-\s")
_OPENER = regex.compile(
    r"(?i)\s*(?:(?:and|but|while|whereas|as|although|though|when|after|since|because|so|"
    r"yet|that|saying|adding)\s+)+"
)
_GAP_CHARS = 60
# A gapped speaker between the last boundary before a figure and the figure.
_GAPPED = re.compile(
    r"\s*(?:(?:and|but|while|whereas)\s+)?"
    r"(?P<np>(?:(?:[Tt]he|[Ii]ts|[Tt]heir)\s+[\w'’.&-]+|[A-Z][\w'’.&-]*)(?:\s+[\w'’.&-]+){0,3}?)"
    r"\s*(?:,\s*)?(?:at|of|with|:)?\s*"
)
# Words that cannot stand in a gapped speaker's noun phrase: it would be a clause, not a name.
_NOT_IN_NP = re.compile(
    rf"(?i)(?<![\w'’-])(?:{_VERBS}|on|after|before|in|to|from|by|since|than|as|was|were|is|are|"
    r"had|has|have|rose|fell|reached|stood)(?![\w'’-])"
)
_NP_END = regex.compile(r"[,;:.()\[\]—–]|\s-\s|\s(?:said|says|shows?|showed)\b")
_ARTICLE = regex.compile(r"(?i)^(?:the|a|an)\s+")
# Words that stand where a speaker would but name nobody in particular.
_NOBODY = regex.compile(
    r"(?i)^(?:it|he|she|they|we|i|you|this|that|these|those|one|who|which|officials?|"
    r"sources?|reports?|people|authorities|experts?|analysts?|data|figures?|statistics|"
    r"estimates?|numbers?|records?)$"
)
_DETERMINER = ("the", "their", "its", "his", "her", "our", "a", "an")
_MAX_WORDS = 9
# Between a figure and a later anchor: a clause of another subject begins.
_NEW_CLAUSE = regex.compile(r"[;:]|,\s*(?:and|but|while|whereas|though|although|since)\b")
# "according to my observations": the writer, who is not a body.
_FIRST_PERSON = regex.compile(r"(?i)^(?:my|our|me|us)\b")


@dataclass(frozen=True)
class Anchor:
    """Who, and where in the sentence the words that say so stand."""

    who: str
    start: int
    end: int
    # Whether a figure before the anchor can take it ("412 died, INGD said"); a gapped
    # speaker ("..., OCHA 389") speaks only for the figure after it.
    back: bool = True


def anchors(
    text: str,
    sent: Span,
    figures: Sequence[Span],
    resolve: Callable[[str, int, int], str | None],
    is_place: Callable[[str, int, int], bool],
) -> list[Anchor]:
    """Every attribution anchor of a sentence, in text order.

    `figures` are the sentence's numeric mentions (a subject holds none); `resolve(text, start, end)`
    names the body entity named within a span, if any; `is_place(text, start, end)` tells a span
    naming only places (non-body entities).
    """
    s0, s1 = sent
    low = text[s0:s1].lower()
    found: list[Anchor] = []
    # The prepositions and possessives need words a sentence rarely has: look for those first.
    if "accord" in low or " from " in low or " by " in low or "citing" in low:
        for p in _PREPOSITION.finditer(text, s0, s1):
            np = _forward_np(text, p.end(), s1)
            if np is not None:
                who = _who(text, *np, resolve)
                if who:
                    found.append(Anchor(who, p.start(), np[1]))
    for v_start, v_end in _VERB.spans(text, s0, s1):
        if (v_start > s0 and text[v_start - 1] in _GLUE) or (v_end < s1 and text[v_end] in _GLUE):
            continue
        verb = text[v_start:v_end]
        if verb in ("put", "puts") and not _PUT_AT.match(text, v_end, s1):
            continue
        subject = _subject_before(text, s0, v_start, figures)
        if subject is None:
            # ", said the ministry": the subject after an inverted verb.
            before = text[s0:v_start].rstrip()
            if before.endswith(",") and verb in ("said", "says"):
                subject = _forward_np(text, v_end, s1)
        if subject is None or is_place(text, *subject):
            continue
        who = _who(text, *subject, resolve)
        if who:
            found.append(Anchor(who, subject[0], v_end))
    possessive = "'s " in low or "’s " in low or "s' " in low or "s’ " in low
    for p in _POSSESSIVE.finditer(text, s0, s1) if possessive else ():
        subject = _subject_before(text, s0, p.start(), figures)
        if subject is not None and not is_place(text, *subject):
            who = _who(text, *subject, resolve)
            if who:
                found.append(Anchor(who, subject[0], p.end()))
    found.extend(_gapped(text, s0, figures, found, resolve, is_place))
    found.sort(key=lambda a: (a.start, a.end))
    return found


def _gapped(
    text: str,
    s0: int,
    figures: Sequence[Span],
    found: Sequence[Anchor],
    resolve: Callable[[str, int, int], str | None],
    is_place: Callable[[str, int, int], bool],
) -> list[Anchor]:
    """Speakers whose verb English leaves out after the first: "the central bank estimates
    2.1 %, the ministry 2.4 %"; "the agency put it at 6.1; the survey at 6.3".  A noun phrase
    that opens its piece of the sentence and stands right before a figure is that figure's
    speaker when it names a body, or when an earlier anchor gives the verb it shares."""
    out: list[Anchor] = []
    if len(figures) < 2:
        return out  # a gapped verb is shared with an earlier figure's clause
    for start, _ in figures:
        lo = max(s0, start - 80)
        opens = max(
            text.rfind(",", lo, start), text.rfind(";", lo, start), text.rfind(":", lo, start)
        )
        opens = s0 if opens < 0 else opens + 1
        for word in (" while ", " whereas "):
            at = text.rfind(word, opens, start)
            if at >= 0:
                opens = at + len(word) - 1
        if start - opens > _GAP_CHARS:
            continue  # more than a short name stands between: a clause, not a gapped speaker
        gap = _GAPPED.fullmatch(text, opens, start)
        if gap is None:
            continue
        np = gap.span("np")
        if (
            _NOT_IN_NP.search(text, *np)
            or is_place(text, *np)
            or any(fs < np[1] and np[0] < fe for fs, fe in figures)
        ):
            continue
        body = resolve(text, *np)
        if body is None and not any(a.end <= np[0] for a in found):
            continue
        who = _who(text, *np, resolve)
        if who:
            out.append(Anchor(who, np[0], start, back=False))
    return out


def attribution_of(text: str, figure: Span, found: Sequence[Anchor]) -> str | None:
    """The figure's anchor: the nearest that ends before it, else the first after it in the
    same clause ("412 died, INGD said"; not "since 2012, and since then, according to ...",
    where the anchor opens a clause of its own); the one after it also wins when a new clause
    begins between the one before and the figure."""
    before = [a for a in found if a.end <= figure[0]]
    prior = max(before, key=lambda a: a.end) if before else None
    after = [a for a in found if a.start >= figure[1] and a.back]
    own = after[0] if after and not _NEW_CLAUSE.search(text, figure[1], after[0].start) else None
    if prior is not None and (own is None or not _NEW_CLAUSE.search(text, prior.end, figure[0])):
        return prior.who
    # "..., according to the central bank, and Uganda's 3.1 %, according to its office": a
    # new clause's figure takes the anchor of its own clause over the one before it.
    return own.who if own is not None else None


def _forward_np(text: str, start: int, end: int) -> Span | None:
    """The noun phrase from `start` to the next punctuation: "the UN" of "according to the UN:"."""
    stop = _NP_END.search(text, start, end)
    np_end = stop.start() if stop else end
    while np_end > start and text[np_end - 1].isspace():
        np_end -= 1
    words = text[start:np_end].split()
    if not words or len(words) > _MAX_WORDS or any(ch.isdigit() for ch in text[start:np_end]):
        return None
    return start, np_end


def _subject_before(text: str, s0: int, verb: int, figures: Sequence[Span]) -> Span | None:
    """The subject ending right before a verb, past parentheses, relative clauses and
    appositions; None when what stands there is no noun phrase of a few words."""
    # Blank out parentheses and relative clauses, keeping offsets.
    chunk = list(text[s0:verb])
    for pattern in (_PARENS, _RELATIVE):
        for m in pattern.finditer("".join(chunk)):
            for k in range(m.start(), m.end()):
                chunk[k] = " "
    blanked = "".join(chunk)
    # An apposition: "The UN humanitarian office, OCHA, put": the piece between two commas
    # right before the verb names the same body as the piece before it.
    pieces = [(m.start(), m.end()) for m in _BOUNDARY.finditer(blanked)]
    start = pieces[-1][1] if pieces else 0
    if not blanked[start:].strip() and len(pieces) >= 1:
        # The verb follows a comma: ", said the ministry" or a subject that ends in an
        # apposition's comma ("The UN office, OCHA, put").
        prev = pieces[-2][1] if len(pieces) >= 2 else 0
        if blanked[prev : pieces[-1][0]].strip() and _short(blanked[prev : pieces[-1][0]]):
            start = prev
        else:
            return None
    opener = _OPENER.match(blanked, start)
    if opener:
        start = opener.end()
    span_start = s0 + start
    while span_start < verb and text[span_start].isspace():
        span_start += 1
    span_end = verb
    while span_end > span_start and text[span_end - 1] in " ,\t\n":
        span_end -= 1
    if span_end <= span_start:
        return None
    words = blanked[start:].split()
    if not words or len(words) > _MAX_WORDS:
        return None
    if any(ch.isdigit() for ch in blanked[start:]):
        return None
    if not words[0][0].isupper() and words[0].lower() not in _DETERMINER and len(words) > 1:
        # A speaker is a name ("OCHA", "Zimbabwe's civil protection unit"), a determined
        # noun phrase ("the government", "their agencies") or a bare noun ("economists").
        return None
    # Appositions and parentheses ("(INGD)") stay in the span for `resolve`; a relative
    # clause does not: "INGD, which uses UN data, said" is INGD's word.
    rel = _RELATIVE.search(text, span_start, span_end)
    if rel is not None:
        span_end = rel.start()
    if any(fs < span_end and span_start < fe for fs, fe in figures):
        return None  # "412 people died": a figure is no speaker
    return span_start, span_end


def _short(piece: str) -> bool:
    return 0 < len(piece.split()) <= _MAX_WORDS


def _who(
    text: str, start: int, end: int, resolve: Callable[[str, int, int], str | None]
) -> str | None:
    body = resolve(text, start, end)
    if body is not None:
        return body
    words = " ".join(_PARENS.sub(" ", text[start:end]).split())
    words = _ARTICLE.sub("", words).strip(" ,;:'\"’")
    if not words or _NOBODY.match(words) or _FIRST_PERSON.match(words):
        return None
    return words
