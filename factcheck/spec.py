"""What a rule file says about metrics, entities and known facts: the pydantic models.

These models are the single source of truth for the rule-file format: `factcheck schema rules`
writes their JSON Schema, and the loader validates every file against them.  Check specs live
beside their check kind, in `factcheck/checks/`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from factcheck.bind.patterns import problem as cue_pattern_problem
from factcheck.units import COMMON_UNITS, UnitError, check_unit, is_currency, parse_quantity

ID_PATTERN = r"^[a-z][a-z0-9_.-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, description="lower-case id: letters, digits, _ . -")]

# Validators prefix a message with this when two options contradict each other (a period ending
# before it starts): the loader reports it under its own code, FC111.
CONTRADICTION = "contradiction: "


# A tolerance is text ('1 percent') or a YAML number (0.01), kept as text: the schema says both.
ToleranceText = Annotated[
    str, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number", "minimum": 0}]})
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


MonthName = Literal[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
YearStarts = Annotated[
    Annotated[int, Field(ge=1, le=12)] | MonthName,
    Field(
        description="the month a season or fiscal year starts: a number (7) or a name (July); "
        "'FY2023' and '2022/23' are the year that ends in 2023",
    ),
]


def month_of(year_starts: int | str) -> int:
    """A `year_starts` value as a month number."""
    if isinstance(year_starts, int):
        return year_starts
    return get_args(MonthName).index(year_starts) + 1


class SubjectSpec(Strict):
    """Whom a metric is about: a pair of parties, one party, or a named thing."""

    parties: tuple[str, ...] = Field(
        default=(), description="entity ids, home party first: [Kazakhstan, Russia]"
    )
    name: str | None = Field(
        default=None, description="a named thing: 'Kazakh trade mission in Russia'"
    )
    from_text: bool = Field(
        default=True,
        description="a different entity named beside the figure ('with China') replaces the "
        "counterparty (the last party)",
    )

    def default(self) -> tuple[str, ...]:
        if self.parties:
            return self.parties
        return (self.name,) if self.name else ()


UnitName = Annotated[
    str,
    Field(
        description="a currency code (USD, EUR, RUB, KZT, ...), percent, pp, count, rank, year, "
        "date, entities, or any physical unit pint reads (tonne, km, barrel / day, MW, bcm)",
        examples=list(COMMON_UNITS),
    ),
]


class ExpectedClaim(Strict):
    """What an example sentence must yield: each key given must match (`factcheck rules test`)."""

    value: float | int | dt.date | str = Field(
        description="a number in the metric's unit (22.2e9), a quantity ('22.2 billion USD'), "
        "a year (2002) or a date (1992-10-22)"
    )
    unit: str | None = None
    period: int | str | None = Field(
        default=None, description="2022, 2022-11 or 2022-01/2022-11; 'none' for no period"
    )
    subject: tuple[str, ...] | None = Field(default=None, description="entity ids, in order")
    modality: Literal["actual", "forecast", "target"] | None = None
    qualifier: Literal["exact", "approx", "over", "under"] | None = None


class Example(Strict):
    """A sentence and the claim of its metric it must yield, or `none`: a rule's test."""

    text: str = Field(min_length=1, description="the sentence, as an article would give it")
    published: dt.date | None = Field(
        default=None, description="the article's date, for 'last year' and weekdays"
    )
    claim: ExpectedClaim | Literal["none"] = Field(
        description="the claim the metric must make of it, or `none` for no claim of it"
    )


class MetricExample(Example):
    """An example in a rules/tests/*.yaml file, which names its metric."""

    metric: str


class MetricSpec(Strict):
    """What a number is about, and the words that say so."""

    id: Id
    description: str = ""
    unit: UnitName
    cues: tuple[str, ...] = Field(
        default=(),
        description="phrases, any of which in the figure's sentence says it is this metric "
        "(case-insensitive, whole words; '*' matches one word)",
    )
    cue_patterns: tuple[str, ...] = Field(
        default=(),
        description="regular expressions (RE2 syntax: linear time, no lookaround or "
        "backreferences; case-insensitive) for cues phrases cannot say",
    )
    context: tuple[str, ...] = Field(
        default=(),
        description="phrases of which one must stand in the sentence or the `context_window` "
        "sentences before it",
    )
    context_window: int = Field(default=2, ge=0, le=10)
    exclude: tuple[str, ...] = Field(
        default=(), description="phrases that, in the figure's clause, say it is something else"
    )
    max_distance: int = Field(
        default=160, ge=1, le=2000, description="most characters between cue and figure"
    )
    subject: SubjectSpec = SubjectSpec()
    period: Literal["required", "optional", "none"] = Field(
        default="optional", description="whether a figure of this metric needs a period"
    )
    flow: bool = Field(
        default=False,
        description="the figure is about a whole period (turnover, exports, their growth): "
        "'at the end of 2022' means all of 2022, not its December; subperiod_bound compares "
        "parts with wholes",
    )
    modality_markers: tuple[str, ...] = Field(
        default=(), description="extra words that make a figure a forecast or a target"
    )
    by_source: bool = Field(
        default=False,
        description="bodies measure this differently ('according to the UN', 'the ministry "
        "estimates'): a claim is compared only with claims and facts of the same body, or, "
        "when the sentence names none, with other claims that name none",
    )
    examples: tuple[Example, ...] = Field(
        default=(),
        description="sentences and the claim each must yield (or none): `factcheck rules test`",
    )
    stock: bool = Field(
        default=False,
        description="the figure is a level at a moment, not a flow over a period (debt, "
        "reserves, companies operating): each claim carries an as-of date ('as of 3 March', "
        "'by mid-November', 'so far', else the article's date), and agreement compares "
        "claims of the same as-of date only",
    )
    year_starts: YearStarts | None = Field(
        default=None,
        description="for seasons and fiscal years ('the 2019/20 season', 'FY2023'): the month "
        "this metric's year starts; without it (or its entity's) '2019/20' spans both calendar "
        "years and 'FY2023' stays open",
    )
    cumulative: bool = Field(
        default=False,
        description="a running total since some start (vaccinations given, flights operated "
        "since a route opened): a stock that never decreases; implies `stock`",
    )

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        return check_unit(v)

    @field_validator("cue_patterns")
    @classmethod
    def _patterns(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for i, p in enumerate(v):
            why = cue_pattern_problem(p)
            if why is not None:
                raise ValueError(f"cue_patterns[{i}] {why}")
        return v

    @field_validator("cues", "context", "exclude")
    @classmethod
    def _phrases(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for p in v:
            if not p.strip():
                raise ValueError("a phrase must not be empty")
        return v

    @property
    def is_date(self) -> bool:
        return self.unit in ("year", "date")

    @property
    def is_stock(self) -> bool:
        """A level at a moment: a stock or a running total."""
        return self.stock or self.cumulative

    @model_validator(mode="after")
    def _stock_or_flow(self) -> MetricSpec:
        if self.flow and self.is_stock:
            raise ValueError(
                "a metric is a flow over a period or a stock at a moment, not both: drop "
                "`flow` or `stock`/`cumulative`"
            )
        return self


class EntitySpec(Strict):
    """A country, bloc or organisation, with the names texts use for it."""

    id: str = Field(min_length=1)
    aliases: tuple[str, ...] = Field(
        default=(), description="other names: capital, adjective, long form (Astana, Kazakh, ...)"
    )
    body: bool = Field(
        default=False,
        description="a body that states or measures figures (an agency, a ministry, a bank): "
        "named as who says a figure, never as what the figure is about",
    )
    year_starts: YearStarts | None = Field(
        default=None,
        description="the month this entity's fiscal year starts (a metric's own wins)",
    )


FactValue = float | int | dt.date | str | tuple[str | int | float, ...]


class FactSpec(Strict):
    """A known fact a desk has recorded, with its source."""

    id: Id
    metric: str
    value: FactValue = Field(
        description="a date (1992-10-22), a year (2002), a quantity string ('27', '22.2e9 USD'), "
        "or, for a metric in `entities`, the list of entity ids ([Armenia, Belarus, ...])"
    )
    subject: tuple[str, ...] = ()
    period: tuple[dt.date, dt.date] | None = Field(
        default=None, description="[start, end] of the period the value is for"
    )
    valid_from: dt.date | None = Field(
        default=None, description="the fact holds for articles from this date on"
    )
    valid_to: dt.date | None = Field(default=None, description="... up to this date")
    tolerance: ToleranceText = Field(
        default="0", description="relative tolerance: '1 percent' or 0.01"
    )
    source: str = Field(min_length=1, description="where the fact comes from")
    according_to: str | None = Field(
        default=None,
        description="the body (an entity id) whose figure this is; for a metric with "
        "`by_source`, the fact is compared only with that body's claims",
    )
    note: str = ""

    @field_validator("tolerance", mode="before")
    @classmethod
    def _tol(cls, v: object) -> object:
        return check_tolerance(tolerance_text(v))

    @field_validator("period")
    @classmethod
    def _period(cls, v: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date] | None:
        if v is not None and v[1] < v[0]:
            raise ValueError(f"{CONTRADICTION}the period ends ({v[1]}) before it starts ({v[0]})")
        return v

    @model_validator(mode="after")
    def _validity(self) -> FactSpec:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(f"{CONTRADICTION}valid_from is after valid_to")
        return self


class RateSpec(Strict):
    """An exchange rate a desk has recorded: the average of `period`, with its source.  Claims
    in `quote` bind to a metric in `base` (and the reverse) at this rate when the claim's
    period lies within the rate's; without one they are never compared."""

    id: Id
    base: str = Field(description="the currency one unit of which is priced: USD in USD/RUB")
    quote: str = Field(description="the currency it is priced in: RUB in USD/RUB")
    rate: float = Field(gt=0, description="units of `quote` for one `base`: 68.48 for USD/RUB")
    period: tuple[dt.date, dt.date] = Field(
        description="[start, end] of the period the rate is the average of"
    )
    tolerance: Annotated[str, AfterValidator(lambda v: check_tolerance(v))] = Field(
        default="0", description="how far the rate may be off, relative: '1 percent'"
    )
    source: str = Field(min_length=1, description="where the rate comes from")
    note: str = ""

    @field_validator("base", "quote")
    @classmethod
    def _currency(cls, v: str) -> str:
        code = check_unit(v)
        if not is_currency(code):
            raise ValueError(f"{v!r} is not a currency code (USD, EUR, RUB, ...)")
        return code

    @model_validator(mode="after")
    def _valid(self) -> RateSpec:
        if self.base == self.quote:
            raise ValueError("base and quote are the same currency")
        if self.period[0] > self.period[1]:
            raise ValueError("the period ends before it starts")
        return self


def read_quantity(text: str, unit: str | None = None) -> float:
    """`units.parse_quantity`, with every failure turned into a UnitError.

    pint's parser lets some malformed text escape as other exceptions ("[" raises a
    tokenize.TokenError); whatever it raises, a rule file's quantity is what is wrong.
    """
    try:
        return parse_quantity(text, unit)
    except UnitError:
        raise
    except Exception as exc:  # see the docstring: any failure is a bad quantity
        raise UnitError(f"cannot read quantity {text!r}: {exc}") from None


def tolerance_fraction(text: str) -> float:
    """'1 percent' → 0.01; '0.02' → 0.02.  A tolerance is relative: no units, never negative."""
    q = text.strip()
    if q.endswith(("percent", "%")):
        return read_quantity(q.replace("%", " percent"), "percent") / 100.0
    return read_quantity(q, "count")


def tolerance_text(v: object) -> object:
    """A tolerance written as a YAML number (`tolerance: 0.01`) read as its text ('0.01')."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return repr(v)
    return v


def check_tolerance(text: object) -> str:
    if not isinstance(text, str):
        raise ValueError("a tolerance is a number or a quoted amount: 0.01 or '1 percent'")
    try:
        f = tolerance_fraction(text)
    except UnitError:
        raise ValueError(
            f"tolerance {text!r} is not a relative amount; write '1 percent' or '0.01'"
        ) from None
    if not 0 <= f < 1:
        raise ValueError(f"tolerance {text!r} must be at least 0 and under 100 percent")
    return text
