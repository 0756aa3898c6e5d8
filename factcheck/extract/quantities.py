"""Money, percentages, counts and ranks, with their qualifiers and intervals; physical
quantities take their unit from `measures`.

A number core (digits or words, with scale words: "22 billion 200 million", "$15.6 bln",
"Seventy-six") is found first; then the words around it say what it is: a currency before or
after ("US$26 billion", "45 billion dollars", "13 trillion tenge"), a percent sign or word, an
ordinal suffix, a range ("$24-24.5 billion"), a restatement in another currency in brackets
("1.5 trillion rubles ($15.6 bln)"), and a qualifier ("almost", "some", "over").
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import regex

from factcheck.bind.words import trie
from factcheck.extract import currencies as cldr_currencies
from factcheck.extract.changes import compares, falls
from factcheck.extract.measures import compatible, unit_after
from factcheck.extract.numbers import (
    DIGITS,
    ORDINAL_WORDS,
    SCALE_WORDS,
    TENS_WORDS,
    UNITS_WORDS,
    WORD_NUMBER,
    WORD_ORDINAL,
    Parsed,
    half_width,
    parse_digits,
    parse_ordinal_word,
    parse_words,
    scale_of,
)
from factcheck.extract.ratios import find_ratios
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
_TAG_OPEN = regex.compile(r"</?[A-Za-z][^<>]*$")
QUALIFIER_BEFORE = regex.compile(
    rf"(?ri)(?:\b(?P<q>{_QUAL_ALT})\s+(?:the\s+|a\s+total\s+of\s+|only\s+|already\s+)?|(?P<sym>[~><])\s*)$"
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
    "mex$": "MXN",
    "mx$": "MXN",
    "usd$": "USD",
    "aud$": "AUD",
    "cad$": "CAD",
    "nzd$": "NZD",
    "mxn$": "MXN",
    "₡": "CRC",
    "₾": "GEL",
    "₭": "LAK",
    "₿": "BTC",
    "btc": "BTC",
}
# Prefixes a "$" may follow after a space, as wire copy spaces them ("c $ 16.4 million").  A
# one-letter "a $" or "s $" stays out: "a $5 bill" is US dollars.
_SPACED_DOLLAR = (
    "c$",
    "hk$",
    "us$",
    "u.s.$",
    "u.s$",
    "nz$",
    "mex$",
    "mx$",
    "usd$",
    "aud$",
    "cad$",
    "nzd$",
    "mxn$",
)
CURRENCY_PREFIX.update({"u.s$": "USD"})
# "MUSD", "MEUR": millions of a currency, as finance desks abbreviate them.
MILLION_CODES = {
    f"m{code.lower()}": code
    for code in ("USD", "EUR", "GBP", "AUD", "CAD", "CHF", "SEK", "NOK", "DKK", "JPY", "CNY", "RUB")
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
    "rmb": "CNY",
    "chinese yuan": "CNY",
    "turkish lira": "TRY",
    "finnish markka": "FIM",
    "finnish markkas": "FIM",
    "markka": "FIM",
    "markkaa": "FIM",
    "pesetas": "ESP",
    "peseta": "ESP",
    "dutch guilders": "NLG",
    "guilders": "NLG",
    "guilder": "NLG",
    "bitcoins": "BTC",
    "bitcoin": "BTC",
    "btc": "BTC",
    "satoshis": "BTC¢¢",
    "satoshi": "BTC¢¢",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₽": "RUB",
    "₸": "KZT",
    "₹": "INR",
    "₩": "KRW",
    "₴": "UAH",
    "₺": "TRY",
    "₼": "AZN",
    "₡": "CRC",
    "₾": "GEL",
    "₭": "LAK",
    "元": "CNY",
    "ரூ": "LKR",
    "₿": "BTC",
    **MILLION_CODES,
}
# Sub-units: the amount in the main unit is the stated number divided by this.
SUBUNIT = {"¢": 100.0, "¢¢": 1e8}
CURRENCY_PREFIX.update(MILLION_CODES)
# Every other currency, from CLDR (factcheck/extract/currencies.py): names and bare names after
# a figure ("20 Saudi riyals", "500 shekels"), symbols before or after it ("₪3 million", "5 zł").
# The newsroom spellings above win where the two differ ("C$" is Canadian here).
for _name, _code in cldr_currencies.table()["names"].items():
    CURRENCY_SUFFIX.setdefault(_name, _code)
for _sym, _code in cldr_currencies.table()["symbols"].items():
    CURRENCY_PREFIX.setdefault(_sym.lower(), _code)
    CURRENCY_SUFFIX.setdefault(_sym.lower(), _code)
# ISO codes, in capitals only ("SAR 5bn", "5bn SAR"): "all", "top" and "cup" are words.
ISO_CODES = frozenset(cldr_currencies.table()["codes"]) - cldr_currencies.CODE_WORDS
CODE_BEFORE = regex.compile(r"(?r)(?<![\p{L}\d])(?P<cur>[A-Z]{3})[\s\u00a0]?(?P<sign>[-−])?$")
CODE_AFTER = regex.compile(r"[\s\u00a0]+(?P<cur>[A-Z]{3})(?![\p{L}\d])")
# After an ambiguous currency word ("won", "real", "rand", "mark"), what may follow: an end of
# clause, a capital, or a function word, but no noun ("3 real estate firms").
_AMBIGUOUS_THEN = regex.compile(
    r"[\s\u00a0]*(?:[^\p{L}\s]|$|\p{Lu}|(?:in|of|a|an|the|to|for|and|or|from|on|at|per|was|were|"
    r"is|are|has|had|have|last|this|that|by|with|worth|each|as|than|while|which|after|before|"
    r"according|compared|up|down|more|less|a\s+year|annually|yearly)\b)"
)


def currency_key(found: str) -> str:
    """A currency word as matched, in the form the lookup tables are keyed by.

    The patterns match case-blind (where "ſ" is an "s" and "K" a "k") and allow white space of
    any kind ("U.S.\n$", "US dollars"); case folding and dropping the white space make any match
    meet its key."""
    return "".join(found.casefold().split())


# The tables as found text is looked up in them.
_PREFIX_UNIT = {currency_key(k): v for k, v in CURRENCY_PREFIX.items()}
_SUFFIX_UNIT = {currency_key(k): v for k, v in CURRENCY_SUFFIX.items()}
_MILLION_KEYS = {currency_key(k) for k in MILLION_CODES}


def _prefix_pattern(key: str) -> str:
    if key in _SPACED_DOLLAR:
        return regex.escape(key[:-1]) + r"[\s\u00a0]?\$"
    return regex.escape(key)


_prefix_alt = "|".join(
    _prefix_pattern(k) for k in sorted(CURRENCY_PREFIX, key=len, reverse=True) if k not in ("euro",)
)
# A trie (hundreds of names, tried at every figure); white space inside a name may be any
# ("Saudi\nriyals"), as a line may break there.
_suffix_alt = trie(CURRENCY_SUFFIX).replace("\\ ", r"[\s\u00a0]+")

# Searched backwards ((?r)) from the number: only the few characters before it are read.
CURRENCY_BEFORE = regex.compile(
    rf"(?ri)(?<![\p{{L}}\d])(?P<cur>{_prefix_alt})[\s\u00a0]?(?P<sign>[-−])?$"
)
# A suffix symbol glued to the next number belongs to it: "1 $10" is ten dollars.
CURRENCY_AFTER = regex.compile(
    rf"(?i)(?:[\s\u00a0]*(?:of\s+)?|-)(?P<cur>{_suffix_alt})(?![\p{{L}}\d])"
)
PERCENT_AFTER = regex.compile(
    r"(?i)(?:[\s\u00a0]?%|[\s\u00a0]+(?P<pp>percentage[\s\u00a0]+points?|pp|p\.p\.)(?!\p{L})"
    r"|[\s\u00a0-]+(?:per[\s\u00a0]*cents?|percentages?|pct|pc)(?!\p{L}))"
)
# "per cent of 210", as the spec and some styles write a percent before its number.
PERCENT_BEFORE = regex.compile(r"(?ri)\b(?:per[\s\u00a0]*cents?|percents?|percentage)\s+of\s+$")
SIGN_BEFORE = regex.compile(r"(?ri)(?:\b(?:minus|negative)\s+|(?:^|(?<=[\s(\[]))[-−])$")
ORDINAL_AFTER = regex.compile(r"(?i)(?:st|nd|rd|th)\b")
SCALE_AFTER = regex.compile(
    r"(?i)(?P<sp>[\s\u00a0]*-?[\s\u00a0]*)(?P<w>thousand|million|billion|trillion|bln|bn|mln|mn|tn|trn|trln|tln|"
    r"crore|lakh|mio|thou|k|m|b)(?!\p{L})"
)
RANGE_JOIN = regex.compile(r"[\s\u00a0]*(?:-|–|—|to)[\s\u00a0]*$")
BETWEEN_BEFORE = regex.compile(r"(?ri)\bbetween\s+(?:\S+\s?)?$")
BETWEEN_JOIN = regex.compile(r"(?i)[\s\u00a0]*and[\s\u00a0]*(?:\S{1,3}[\s\u00a0]?)?")
# Cents after a whole amount: "3 dollars 50 cents", "thirteen dollars and forty-five", "17 USD
# 25."  Without the word "cents", only at the end of a clause, so "$300 and 50 jobs" stays two.
SUBUNIT_AFTER = regex.compile(
    rf"(?i)[\s\u00a0]+(?:and[\s\u00a0]+)?(?P<n>\d{{1,2}}|{WORD_NUMBER})"
    r"(?:[\s\u00a0]*(?P<c>cents?|pence|p)\b|(?=[\s\u00a0]*(?:[.,;:!?)]|$|and\b)))"
)
RESTATED_OPEN = regex.compile(r"[\s\u00a0]*\([\s\u00a0]*(?:or\s+|about\s+|approx\.?\s+|~)?")
URL = regex.compile(r"(?i)\b(?:https?://|www\.)\S+")

_CORE_AT = regex.compile(
    rf"(?:(?P<dig>{DIGITS})|(?P<ordw>(?i:{WORD_ORDINAL}))(?![\p{{L}}\d])|(?P<word>(?i:{WORD_NUMBER}))(?![\p{{L}}\d]))"
)
_WORD_AT = regex.compile(rf"(?i:{WORD_NUMBER})(?![\p{{L}}\d])")


_NUMBER_WORDS = sorted(
    {*UNITS_WORDS, *TENS_WORDS, *SCALE_WORDS, *ORDINAL_WORDS, "dozen", "half", "quarter"}
)
# Where a number may start: a digit run, or a number word.  Two scans, merged: the `regex`
# engine skips to digits fastest, the standard `re` engine tries a factored word list fastest
# (on lower-cased text); either is several times faster than one pattern holding the whole
# grammar, which then runs anchored at each candidate only.
_DIGIT_RUN = regex.compile(r"\d+")
_WORD_START = re.compile(rf"(?<![a-z]){trie(_NUMBER_WORDS)}(?![a-z])")
_WORD_START_I = re.compile(_WORD_START.pattern, re.IGNORECASE)
_NUMBER_WORD_BEFORE = regex.compile(
    rf"(?ri)\b(?:{'|'.join(sorted([*UNITS_WORDS, *TENS_WORDS], key=len, reverse=True))})$"
)
_A_BEFORE = regex.compile(r"(?ri)\ban?\s+$")
_TRILLION_T = regex.compile(r"[tT](?![\p{L}\d-])")
_THE_BEFORE = regex.compile(r"(?ri)\bthe\s+$")  # "the 5 won by": people, not money
_ISO_GLUED = regex.compile(r"(?ri)(?<!\p{L})(?:usd|eur|gbp|chf|cny|rub|kzt|jpy|inr|aud|cad)$")
_ID_BEFORE = regex.compile(
    r"(?ri)(?:\bno\.|№|#|\bnumber|\bart\.|\barticle|\bpage|\bp\.|\broute|\bhighway|\binterstate"
    r"|\bflight|\bgate|\bplatform|\bchapter|\bsection)\s*(?:[\w.]+\s*[-/]\s*)*$"
)
# A score or a tally, "the 2-1 win", "won 3-0": two figures of a game, no amount of anything.
_SCORE = regex.compile(
    r"(?i)\d{1,3}[\s\u00a0]?[-–:][\s\u00a0]?\d{1,3}(?:[\s\u00a0]+(?:home[\s\u00a0]+|away[\s\u00a0]+)?"
    r"(?:win|wins|victory|defeat|loss|draw|lead|scoreline|thrashing|triumph|drubbing)\b)"
)
_SCORE_BEFORE = regex.compile(
    r"(?ri)\b(?:won|lost|beat|beating|drew|draw|led|trailed|score(?:d)?)\s+(?:\p{L}+\s+){0,3}$"
)
_SCORE_PAIR = regex.compile(r"\d{1,3}[-–]\d{1,3}(?![\d.,])")
_SHORT_SCALES = {"k", "m", "b", "thou"}
_CHAIN_NEXT = regex.compile(rf"[\s\u00a0]+(?:and\s+)?(?P<n>{DIGITS})(?=[\s\u00a0]*\p{{L}})")
_LONG_SCALE_FIRST = frozenset("tmbhTMBH")  # thousand, million, billion, trillion, hundred


_MIRRORED: dict[Qualifier, Qualifier] = {"over": "under", "under": "over"}


@dataclass(frozen=True)
class QHit:
    """A quantity found in text, before it becomes a Mention."""

    start: int
    end: int
    kind: str  # money | percent | measure | count | ordinal
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


class _Blocked:
    """Spans no number may touch, looked up by bisection (they are many in a long text)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                if e > merged[-1][1]:
                    merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.ends, start + 1)  # first span ending after `start`
        return i < len(self.starts) and self.starts[i] < end


def _starts_clear(text: str, s: int, digit: bool) -> bool:
    """Whether a number may start at `s`: not inside a word, an id or a decimal ("COVID-19")."""
    if s == 0:
        return True
    c = text[s - 1]
    if c.isalpha():  # "USD115", "RM5bn", "zł5": a currency glued to its figure
        return digit and (
            bool(_ISO_GLUED.search(text, max(0, s - 4), s)) or _glued_currency(text, s)
        )
    if c.isdigit() or c in ".,:":
        return False
    if s > 1 and c in "+/-":  # "COVID-19", "C5+1", "24/7"; "5-10" is a range, kept
        before = text[s - 2]
        if not digit and c == "-" and _NUMBER_WORD_BEFORE.search(text, max(0, s - 12), s - 1):
            return True  # "five-six years": a range in words
        return not (before.isalpha() or (c != "-" and before.isdigit()))
    return True


def _glued_currency(text: str, s: int) -> bool:
    m = CURRENCY_BEFORE.search(text, max(0, s - 6), s)
    if m is not None and not m.group("sign"):
        return currency_key(m.group("cur")) in _PREFIX_UNIT
    code = CODE_BEFORE.search(text, max(0, s - 3), s)
    return code is not None and code.group("cur") in ISO_CODES


def _candidates(text: str) -> list[int]:
    low = text.lower()
    if len(low) == len(text):
        words = [m.start() for m in _WORD_START.finditer(low)]
    else:  # lower-casing changed offsets (e.g. "İ"): scan the text itself
        words = [m.start() for m in _WORD_START_I.finditer(text)]
    return sorted([m.start() for m in _DIGIT_RUN.finditer(text)] + words)


def _cores(text: str, blocked: _Blocked) -> Iterator[_Core]:
    taken_to = 0  # a scale chain ("22 billion 200 million") may run past the candidate
    for s in _candidates(text):
        if s < taken_to:
            continue
        digit = text[s].isdigit()
        if not digit and text[s] in _LONG_SCALE_FIRST:
            a = _A_BEFORE.search(text, max(0, s - 4), s)
            if a:
                s = a.start()  # "a million"
        if not _starts_clear(text, s, digit):
            continue
        m = _CORE_AT.match(text, s)
        if m is None:
            continue
        e = m.end()
        if blocked.overlaps(s, e):
            continue
        if m.group("dig") is not None:
            if text.startswith(":", e) and text[e + 1 : e + 3].isdigit():
                continue  # a time, "10:31"
            if _ID_BEFORE.search(text, max(0, s - 12), s):
                continue
            joined = text[e : e + 2]
            score = (
                ("-" in joined or "–" in joined or ":" in joined) and _SCORE.match(text, s, s + 40)
            ) or (
                (joined[:1] in ("-", "–"))
                and _SCORE_BEFORE.search(text, max(0, s - 40), s)
                and _SCORE_PAIR.match(text, s)
            )
            if score:
                taken_to = score.end()  # both figures of "the 2-1 win"
                continue
            parsed = parse_digits(m.group("dig"))
            ordm = ORDINAL_AFTER.match(text, e, e + 3)
            if ordm:
                taken_to = ordm.end()
                yield _Core(s, ordm.end(), parsed, False, True)
                continue
        elif m.group("ordw") is not None:
            ord_value = parse_ordinal_word(m.group("ordw"))
            if ord_value is not None:
                taken_to = e
                yield _Core(s, e, Parsed(float(ord_value), 1.0, True), False, True)
                continue
            taken_to = e  # "one third" is a fraction: neither a rank nor a count of three
            wm = _WORD_AT.match(text, s)
            pw = parse_words(wm.group()) if wm else None
            if wm is None or pw is None:
                continue
            e, parsed = wm.end(), pw
        else:
            pw = parse_words(m.group("word"))
            if pw is None:
                continue
            parsed = pw
        end, value, step, scaled = _scale_chain(text, e, parsed)
        taken_to = max(taken_to, end)
        yield _Core(s, end, Parsed(value, step, parsed.words), scaled)


def _scale_chain(text: str, e: int, parsed: Parsed) -> tuple[int, float, float, bool]:
    """Scale words after a number, possibly a chain: "22 billion 200 million"."""
    value, step, end, scaled = parsed.value, parsed.step, e, False
    last_scale = math.inf
    while True:
        sm = SCALE_AFTER.match(text, end, end + 14)
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
        value = value + value_part if scaled else value_part
        step = step_part
        end = sm.end()
        scaled = True
        last_scale = factor
        nxt = _CHAIN_NEXT.match(text, end, end + 40)
        if not nxt:
            break
        probe = SCALE_AFTER.match(text, nxt.end(), nxt.end() + 14)
        if not probe or (scale_of(probe.group("w").lower()) or math.inf) >= last_scale:
            break
        parsed = parse_digits(nxt.group("n"))
        end = nxt.end()
    return end, value, step, scaled


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
    """Every money, percent, count and ordinal mention outside the `blocked` spans.

    URLs are blocked too: "%2D9114%29" is an encoding, not a figure.
    """
    spans = list(blocked)
    if "://" in text or "www." in text:
        spans += [m.span() for m in URL.finditer(text)]
    blocking = _Blocked(spans)
    cores = list(_cores(text, blocking))
    used: set[int] = set()
    hits: list[QHit] = []
    for i in range(len(cores)):
        if i in used or (hits and cores[i].start < hits[-1].end):
            continue  # a range's second part, or cents already read with their dollars
        hit = _classify(text, cores, i, used, hits[-1].end if hits else 0)
        if hit is not None:
            hits.append(hit)
    # Multiples and fractions ("twice as much", "a third of") take the place of the counts
    # their words would otherwise give ("three" of "three times more").
    ratios = [r for r in find_ratios(text) if not blocking.overlaps(r[0], r[1])]
    if ratios:
        taken = _Blocked([(s, e) for s, e, _, _ in ratios])
        hits = [h for h in hits if not taken.overlaps(h.start, h.end)]
        hits += [
            QHit(s, e, "percent", q, "approx" if approx else "exact", words=True)
            for s, e, q, approx in ratios
        ]
        hits.sort(key=lambda h: h.start)
    # Restated amounts: "1.5 trillion rubles ($15.6 bln)" is one mention in two currencies,
    # "1,500 miles (2,414 km)" one in two units of length.
    merged: list[QHit] = []
    for hit in hits:
        if merged and _restates(merged[-1], hit):
            prev = merged[-1]
            if RESTATED_OPEN.fullmatch(text, prev.end, hit.start) and text[
                hit.end : hit.end + 3
            ].lstrip().startswith(")"):
                close = text.index(")", hit.end) + 1
                merged[-1] = replace(
                    prev, end=close, alternatives=(*prev.alternatives, hit.quantity)
                )
                continue
        merged.append(hit)
    yield from merged


def _plainly_money(text: str, core: _Core, word_end: int) -> bool:
    """Whether an ambiguous currency word ("won", "real", "rand") after a figure is money: the
    figure in digits, and no noun after the word ("3 real estate firms", "won 3 games")."""
    return (
        not core.parsed.words
        and not _THE_BEFORE.search(text, max(0, core.start - 5), core.start)
        and bool(_AMBIGUOUS_THEN.match(text, word_end, word_end + 20))
    )


def _restates(prev: QHit, hit: QHit) -> bool:
    """Whether `hit` could restate `prev` in another unit: both money, or both measures of
    one dimension."""
    if prev.kind != hit.kind:
        return False
    if hit.kind == "money":
        return True
    return hit.kind == "measure" and compatible(prev.quantity.unit, hit.quantity.unit)


def _classify(text: str, cores: list[_Core], i: int, used: set[int], free_from: int) -> QHit | None:
    """What a number core is, from the words around it; `free_from`: where the last hit ended."""
    core = cores[i]
    start, end = core.start, core.end
    value, step = core.parsed.value, core.parsed.step
    low_value: float | None = None
    scaled = core.scaled

    if core.ordinal:
        q = Quantity(value=value, low=value, high=value, unit="rank")
        return QHit(start, end, "ordinal", q, words=core.parsed.words)

    # A range "24-24.5 billion" / "between 5 and 10 percent": the second part lends its scale.
    if i + 1 < len(cores) and cores[i + 1].start - end <= 12:  # joins are short: "-", " and "
        nxt = cores[i + 1]
        is_range = (
            bool(RANGE_JOIN.match(text, end, nxt.start))
            and "to" not in text[end : nxt.start].lower()
        )
        if (
            not is_range
            and BETWEEN_JOIN.fullmatch(text, end, nxt.start)
            and BETWEEN_BEFORE.search(text, max(0, start - 14), start)
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
                value, step, scaled = nxt.parsed.value, nxt.parsed.step, nxt.scaled

    lo = max(0, start - 40, free_from)
    qualifier: Qualifier = "exact"
    shape = "exact"
    unit: str | None = None
    cur_key = ""
    words = core.parsed.words
    negative = False
    cur_before = CURRENCY_BEFORE.search(text, max(0, start - 12, free_from), start)
    before_key = currency_key(cur_before.group("cur")) if cur_before else ""
    # A case-blind match that no key folds to ("İ") is not a currency here.
    if cur_before and before_key in _PREFIX_UNIT:
        cur_key, unit = before_key, _PREFIX_UNIT[before_key]
        negative = cur_before.group("sign") is not None
        start = cur_before.start()
    else:
        code = CODE_BEFORE.search(text, max(0, start - 5, free_from), start)
        if code and code.group("cur") in ISO_CODES:
            unit, negative, start = code.group("cur"), code.group("sign") is not None, code.start()
    pct = PERCENT_AFTER.match(text, end, end + 40)
    cur_after = None if unit or pct else CURRENCY_AFTER.match(text, end, end + 40)
    after_key = currency_key(cur_after.group("cur")) if cur_after else ""
    if after_key not in _SUFFIX_UNIT or (
        cur_after
        and after_key in cldr_currencies.AMBIGUOUS_WORDS
        and not _plainly_money(text, core, cur_after.end())
    ):
        cur_after = None
    if cur_after is None and not unit and not pct:
        code = CODE_AFTER.match(text, end, end + 5)
        if code and code.group("cur") in ISO_CODES:
            cur_after = code
            after_key = code.group("cur")
    if not pct and not unit and not cur_after and text.find("cent", lo, start) >= 0:
        pb = PERCENT_BEFORE.search(text, lo, start)
        if pb:
            unit, kind, start = "percent", "percent", pb.start()
    if unit == "percent":
        pass
    elif pct:
        unit = "pp" if pct.group("pp") else "percent"
        end = pct.end()
        kind = "percent"
    elif unit or cur_after:
        if cur_after:
            cur_key, unit = after_key, _SUFFIX_UNIT.get(after_key, after_key)
            end = cur_after.end()
        kind = "money"
    else:
        kind = "count"
        measured = unit_after(text, end, scaled)
        if measured is not None:
            if measured.modifier:
                return None  # "a 40-tonne truck": a kind of truck, no amount of anything
            kind, unit, end = "measure", measured.unit, measured.end
        elif words and not core.scaled and value < 2 and core.parsed.value % 1 == 0:
            return None  # "one of these countries": a pronoun, not a figure
    if kind == "money":
        if cur_before is not None and not scaled and _TRILLION_T.match(text, end):
            # "$2.1T": after a currency sign a glued T is a trillion (elsewhere it is a tonne).
            value, step, scaled, end = value * 1e12, step * 1e12, True, end + 1
            if low_value is not None:
                low_value *= 1e12
        if cur_key in _MILLION_KEYS and not scaled:
            value, step, scaled = value * 1e6, step * 1e6, True
            if low_value is not None:
                low_value *= 1e6
        elif cur_after and not scaled:
            # "75 USD million": the scale word after the currency.
            e2, v2, s2, scaled = _scale_chain(text, end, Parsed(value, step, words))
            if scaled:
                factor = v2 / value if value else 1.0
                end, value, step = e2, v2, s2
                if low_value is not None:
                    low_value *= factor
    lo = max(0, start - 40, free_from)
    if (
        not negative
        and start
        and (text[start - 1] in "-−" or text.find("n", max(0, start - 10), start) >= 0)
    ):
        sign = SIGN_BEFORE.search(text, lo, start)
        if sign:
            negative, start = True, sign.start()
    qm = QUALIFIER_BEFORE.search(text, lo, start)
    if (
        qm
        and qm.group("sym") == ">"
        and _TAG_OPEN.search(text, max(0, qm.start() - 200), qm.start())
    ):
        qm = None  # the '>' closing "<b>" is markup, not "more than"
    if qm:
        phrase = " ".join((qm.group("q") or qm.group("sym") or "").lower().split())
        if compares(text, qm.start(), phrase, "the" in qm.group().lower().split()):
            qm = None  # "22 % less than the 40 million": the figure compared with, exactly
    if qm:
        qualifier, shape = QUALIFIERS.get(phrase, ("exact", "exact"))
        start = qm.start()

    if unit:
        base = unit.rstrip("¢")
        if base != unit:
            divisor = SUBUNIT[unit[len(base) :]]
            unit = base
            value, step = value / divisor, step / divisor
            if low_value is not None:
                low_value /= divisor
    if kind == "money" and not scaled and low_value is None and value % 1 == 0:
        # Cents after a whole amount: "3 dollars 50 cents", "17 USD 25".
        sub = SUBUNIT_AFTER.match(text, end)
        if sub:
            n = (
                parse_digits(sub.group("n"))
                if sub.group("n")[0].isdigit()
                else parse_words(sub.group("n"))
            )
            if n is not None and n.value < 100 and n.value % 1 == 0:
                value, step, end = value + n.value / 100, 0.01, sub.end()
    if negative:
        value = -value
        if low_value is not None:
            low_value = -low_value

    # A count of things is exact as written ("27 members"); rounding needs a scale word.
    exact = kind == "count" and not scaled
    low, high = _interval(value, step, qualifier, shape, exact)
    if low_value is not None:
        low_low, _ = _interval(low_value, step, "exact", "exact", exact)
        low = min(low, low_low)
        qualifier = "approx" if qualifier == "exact" else qualifier
        value = (low_value + value) / 2
    if not math.isfinite(value):
        return None  # more digits than a float holds: no figure anyone states, and no claim
    if kind == "percent" and not negative and falls(text, start, end):
        # "fell 8 %": a change of −8 %, its interval mirrored, a bound turned round with it.
        value, low, high = -value, -high, -low
        qualifier = _MIRRORED.get(qualifier, qualifier)
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
