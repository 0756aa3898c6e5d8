"""Money, percentages, counts and ranks, with their qualifiers and intervals.

A number core (digits or words, with scale words: "22 billion 200 million", "$15.6 bln",
"Seventy-six") is found first; then the words around it say what it is: a currency before or
after ("US$26 billion", "45 billion dollars", "13 trillion tenge"), a percent sign or word, an
ordinal suffix, a range ("$24-24.5 billion"), a restatement in another currency in brackets
("1.5 trillion rubles ($15.6 bln)"), and a qualifier ("almost", "some", "over").
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

import regex

from factcheck.extract.numbers import (
    DIGITS,
    WORD_NUMBER,
    WORD_ORDINAL,
    Parsed,
    half_width,
    parse_digits,
    parse_ordinal_word,
    parse_words,
    scale_of,
)
from factcheck.models import Qualifier, Quantity

# Qualifier phrase → (qualifier, how it bends the interval).  Tolerances in one place:
APPROX_WIDENING = 0.05  # "about 85 %": ±5 % of the value beyond the rounding
ALMOST_DEPTH = 0.10  # "almost $1 billion": up to 10 % below, not above

QUALIFIERS: dict[str, tuple[Qualifier, str]] = {}
for _words, _q, _shape in [
    (
        "about|around|approximately|approx\\.?|roughly|some|circa|ca\\.|an estimated|estimated|"
        "nearly about|close to|in the region of|of about|of some|~",
        "approx",
        "around",
    ),
    (
        "almost|nearly|just under|just below|not quite|slightly less than|slightly under",
        "under",
        "almost",
    ),
    (
        "over|more than|above|upwards of|in excess of|exceeding|just over|slightly more than|"
        "at least|no less than|not less than|no fewer than|minimum of|a minimum of|>",
        "over",
        "at_least",
    ),
    (
        "under|less than|below|up to|at most|no more than|not more than|fewer than|maximum of|"
        "a maximum of|<",
        "under",
        "at_most",
    ),
]:
    for _w in _words.split("|"):
        QUALIFIERS[_w.replace("\\.", ".")] = (_q, _shape)  # type: ignore[assignment]

_QUAL_ALT = "|".join(
    regex.escape(w) for w in sorted(QUALIFIERS, key=len, reverse=True) if w not in ("~", ">", "<")
)
QUALIFIER_BEFORE = regex.compile(
    rf"(?i)(?:\b(?P<q>{_QUAL_ALT})\s+(?:the\s+|a\s+total\s+of\s+|only\s+|already\s+)?|(?P<sym>[~><])\s*)$"
)

# Currency words and symbols → ISO code.
CURRENCY_PREFIX = {
    "us$": "USD",
    "u.s.$": "USD",
    "$": "USD",
    "usd": "USD",
    "us dollars": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "stg": "GBP",
    "¥": "JPY",
    "jpy": "JPY",
    "yen": "JPY",
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "₽": "RUB",
    "rub": "RUB",
    "rbl": "RUB",
    "₸": "KZT",
    "kzt": "KZT",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "hk$": "HKD",
    "hkd": "HKD",
    "c$": "CAD",
    "cad": "CAD",
    "ca$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "aud": "AUD",
    "nz$": "NZD",
    "nzd": "NZD",
    "s$": "SGD",
    "sgd": "SGD",
    "chf": "CHF",
    "sfr": "CHF",
    "₩": "KRW",
    "krw": "KRW",
    "₴": "UAH",
    "uah": "UAH",
    "₺": "TRY",
    "r$": "BRL",
    "brl": "BRL",
    "mxn": "MXN",
    "gbp£": "GBP",
    "azn": "AZN",
    "₼": "AZN",
}
CURRENCY_SUFFIX = {
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "us dollar": "USD",
    "american dollars": "USD",
    "usd": "USD",
    "bucks": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "euro cents": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "sterling": "GBP",
    "gbp": "GBP",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "rub": "RUB",
    "tenge": "KZT",
    "kzt": "KZT",
    "yuan": "CNY",
    "renminbi": "CNY",
    "cny": "CNY",
    "yen": "JPY",
    "jpy": "JPY",
    "rupee": "INR",
    "rupees": "INR",
    "inr": "INR",
    "hong kong dollars": "HKD",
    "hong kong dollar": "HKD",
    "hk dollars": "HKD",
    "canadian dollars": "CAD",
    "canadian dollar": "CAD",
    "australian dollars": "AUD",
    "australian dollar": "AUD",
    "new zealand dollars": "NZD",
    "singapore dollars": "SGD",
    "swiss francs": "CHF",
    "swiss franc": "CHF",
    "francs": "CHF",
    "won": "KRW",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
    "lira": "TRY",
    "liras": "TRY",
    "lire": "TRY",
    "reais": "BRL",
    "real": "BRL",
    "pesos": "MXN",
    "manat": "AZN",
    "manats": "AZN",
    "sums": "UZS",
    "soms": "KGS",
    "som": "KGS",
    "drams": "AMD",
    "dram": "AMD",
    "belarusian rubles": "BYN",
    "cents": "USD¢",
    "cent": "USD¢",
    "pence": "GBP¢",
    "penny": "GBP¢",
    "pennies": "GBP¢",
}
_prefix_alt = "|".join(
    regex.escape(k) for k in sorted(CURRENCY_PREFIX, key=len, reverse=True) if k not in ("euro",)
)
_suffix_alt = "|".join(regex.escape(k) for k in sorted(CURRENCY_SUFFIX, key=len, reverse=True))

CURRENCY_BEFORE = regex.compile(rf"(?i)(?<![\p{{L}}\d])(?P<cur>{_prefix_alt})[\s\u00a0]?$")
CURRENCY_AFTER = regex.compile(rf"(?i)^[\s\u00a0]*(?:of\s+)?(?P<cur>{_suffix_alt})\b")
PERCENT_AFTER = regex.compile(
    r"(?i)^(?:[\s\u00a0]?%|[\s\u00a0-]+(?:per\s*cent|pct|pc)\b|[\s\u00a0]+(?P<pp>percentage\s+points?|"
    r"pp|p\.p\.)(?!\p{L}))"
)
ORDINAL_AFTER = regex.compile(r"(?i)^(?:st|nd|rd|th)\b")
SCALE_AFTER = regex.compile(
    r"(?i)^(?P<sp>[\s\u00a0]*-?[\s\u00a0]*)(?P<w>thousand|million|billion|trillion|bln|bn|mln|mn|tn|trn|trln|"
    r"crore|lakh|mio|thou|k|m|b)(?!\p{L})"
)
RANGE_JOIN = regex.compile(r"^[\s\u00a0]*(?:-|–|—|to)[\s\u00a0]*$")

_CORE = regex.compile(
    rf"""(?<![\p{{L}}\d.,:]|\p{{L}}-|\d[.,])(?:(?P<dig>{DIGITS})|(?P<ordw>(?i:{WORD_ORDINAL}))(?!\p{{L}})|(?P<word>(?i:{WORD_NUMBER}))(?!\p{{L}}))""",
    regex.VERBOSE,
)
_ID_BEFORE = regex.compile(
    r"(?i)(?:\bno\.|№|#|\bnumber|\bart\.|\barticle|\bpage|\bp\.)\s*(?:[\w.]+\s*[-/]\s*)*$"
)
_TIME_AFTER = regex.compile(r"^:\d{2}")
_SHORT_SCALES = {"k", "m", "b", "thou"}


@dataclass(frozen=True)
class QHit:
    """A quantity found in text, before it becomes a Mention."""

    start: int
    end: int
    kind: str  # money | percent | count | ordinal
    quantity: Quantity
    qualifier: Qualifier = "exact"
    alternatives: tuple[Quantity, ...] = ()
    words: bool = False


@dataclass(frozen=True)
class _Core:
    start: int
    end: int
    parsed: Parsed
    scaled: bool
    ordinal: bool = False


def _cores(text: str, blocked: list[tuple[int, int]]) -> Iterator[_Core]:
    taken_to = 0  # a scale chain ("22 billion 200 million") may run past the regex match
    for m in _CORE.finditer(text):
        s, e = m.span()
        if s < taken_to or any(s < be and bs < e for bs, be in blocked):
            continue
        if m.group("dig") is not None:
            if _TIME_AFTER.match(text[e : e + 3]) or _ID_BEFORE.search(text, max(0, s - 12), s):
                continue
            parsed = parse_digits(m.group("dig"))
            ordm = ORDINAL_AFTER.match(text[e : e + 3])
            if ordm:
                yield _Core(s, e + ordm.end(), parsed, False, True)
                continue
        elif m.group("ordw") is not None:
            ord_value = parse_ordinal_word(m.group("ordw"))
            if ord_value is None:
                continue
            yield _Core(s, e, Parsed(float(ord_value), 1.0, True), False, True)
            continue
        else:
            pw = parse_words(m.group("word"))
            if pw is None:
                continue
            parsed = pw
        # Scale words, possibly a chain: "22 billion 200 million".
        value, step, end, scaled = parsed.value, parsed.step, e, False
        last_scale = math.inf
        while True:
            sm = SCALE_AFTER.match(text[end : end + 14])
            if not sm:
                break
            w = sm.group("w").lower()
            if w in _SHORT_SCALES and sm.group("sp"):
                break  # "5 m" is five metres, "$5m" five million
            factor = scale_of(w)
            if factor is None or factor >= last_scale:
                break
            if parsed.words and factor <= 1e3 and scaled:
                break
            value_part, step_part = parsed.value * factor, parsed.step * factor
            if scaled:
                value += value_part
            else:
                value = value_part
            step = step_part
            end += sm.end()
            scaled = True
            last_scale = factor
            nxt = regex.match(
                rf"[\s\u00a0]+(?:and\s+)?(?P<n>{DIGITS})(?=[\s\u00a0]*\p{{L}})",
                text[end : end + 40],
            )
            if not nxt:
                break
            sub = parse_digits(nxt.group("n"))
            probe = SCALE_AFTER.match(text[end + nxt.end() : end + nxt.end() + 14])
            if not probe or (scale_of(probe.group("w").lower()) or math.inf) >= last_scale:
                break
            parsed = sub
            end += nxt.end()
        taken_to = end
        yield _Core(s, end, Parsed(value, step, parsed.words), scaled)


def _interval(
    value: float, step: float, qualifier: str, shape: str, exact: bool
) -> tuple[float, float]:
    """The interval a stated figure allows: its rounding, bent by its qualifier."""
    half = 0.0 if exact else half_width(value, step)
    low, high = value - half, value + half
    if shape == "around":
        w = abs(value) * APPROX_WIDENING
        low, high = min(low, value - w), max(high, value + w)
    elif shape == "almost":
        low, high = value - abs(value) * ALMOST_DEPTH, value
    elif shape == "at_least":
        low, high = value, math.inf
    elif shape == "at_most":
        low, high = (0.0 if value >= 0 else -math.inf), value
    return low, high


def find_quantities(text: str, blocked: list[tuple[int, int]]) -> Iterator[QHit]:
    """Every money, percent, count and ordinal mention outside the `blocked` spans."""
    cores = list(_cores(text, blocked))
    used: set[int] = set()
    hits: list[QHit] = []
    for i, _core in enumerate(cores):
        if i in used:
            continue
        hit = _classify(text, cores, i, used)
        if hit is not None:
            hits.append(hit)
    # Restated amounts: "1.5 trillion rubles ($15.6 bln)" is one mention in two currencies.
    merged: list[QHit] = []
    for hit in hits:
        if merged and hit.kind == "money" and merged[-1].kind == "money":
            prev = merged[-1]
            between = text[prev.end : hit.start]
            if regex.fullmatch(
                r"[\s\u00a0]*\([\s\u00a0]*(?:or\s+|about\s+|approx\.?\s+|~)?", between
            ) and text[hit.end : hit.end + 3].lstrip().startswith(")"):
                close = text.index(")", hit.end) + 1
                merged[-1] = replace(
                    prev, end=close, alternatives=(*prev.alternatives, hit.quantity)
                )
                continue
        merged.append(hit)
    yield from merged


def _classify(text: str, cores: list[_Core], i: int, used: set[int]) -> QHit | None:
    core = cores[i]
    start, end = core.start, core.end
    value, step = core.parsed.value, core.parsed.step
    low_value: float | None = None

    if core.ordinal:
        q = Quantity(value=value, low=value, high=value, unit="rank")
        return QHit(start, end, "ordinal", q, words=core.parsed.words)

    # A range "24-24.5 billion" / "between 5 and 10 percent": the second part lends its scale.
    if i + 1 < len(cores):
        nxt = cores[i + 1]
        join = text[end : nxt.start]
        between = regex.search(r"(?i)\bbetween\s+(?:\S+\s?)?$", text[max(0, start - 14) : start])
        is_range = bool(RANGE_JOIN.match(join)) and "to" not in join.lower()
        if (
            not is_range
            and between
            and regex.fullmatch(r"(?i)[\s\u00a0]*and[\s\u00a0]*(?:\S{1,3}[\s\u00a0]?)?", join)
        ):
            is_range = True
        if is_range and not nxt.ordinal:
            first = value
            if not core.scaled and nxt.scaled:
                first = value * _scale_between(text, nxt)
            if first < nxt.parsed.value:
                low_value = first
                used.add(i + 1)
                end = nxt.end
                value, step = nxt.parsed.value, nxt.parsed.step

    before = text[max(0, start - 40) : start]
    qualifier: Qualifier = "exact"
    shape = "exact"
    cur_before = CURRENCY_BEFORE.search(before)
    unit: str | None = None
    words = core.parsed.words
    if cur_before:
        unit = CURRENCY_PREFIX[cur_before.group("cur").lower()]
        start -= len(cur_before.group(0))
        before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    pct = PERCENT_AFTER.match(after)
    cur_after = None if unit or pct else CURRENCY_AFTER.match(after)
    if pct:
        unit = "pp" if pct.group("pp") else "percent"
        end += pct.end()
        kind = "percent"
    elif unit or cur_after:
        if cur_after:
            unit = CURRENCY_SUFFIX[cur_after.group("cur").lower()]
            end += cur_after.end()
        kind = "money"
    else:
        kind = "count"
        if words and not core.scaled and value < 2 and core.parsed.value != 0.5:
            return None  # "one of these countries": a pronoun, not a figure
    qm = QUALIFIER_BEFORE.search(before)
    if qm:
        phrase = (qm.group("q") or qm.group("sym") or "").lower()
        qualifier, shape = QUALIFIERS.get(phrase, ("exact", "exact"))
        start -= len(qm.group(0))

    if unit and unit.endswith("¢"):
        unit = unit[:-1]
        value, step = value / 100, step / 100
        if low_value is not None:
            low_value /= 100

    # A count of things is exact as written ("27 members"); rounding needs a scale word.
    exact = kind == "count" and not core.scaled
    low, high = _interval(value, step, qualifier, shape, exact)
    if low_value is not None:
        low_low, _ = _interval(low_value, step, "exact", "exact", exact)
        low = min(low, low_low)
        qualifier = "approx" if qualifier == "exact" else qualifier
        value = (low_value + value) / 2
    q = Quantity(value=value, low=low, high=high, unit=unit or "count")
    return QHit(start, end, kind, q, qualifier, words=words)


def _scale_between(text: str, core: _Core) -> float:
    """The scale factor the second part of a range carries ("24.5 billion" → 1e9)."""
    if core.parsed.value == 0:
        return 1.0
    m = regex.search(
        r"(?i)(thousand|million|billion|trillion|bln|bn|mln|mn|tn|trn|trln|k|m|b)\.?$",
        text[core.start : core.end],
    )
    if not m:
        return 1.0
    return scale_of(m.group(1)) or 1.0
