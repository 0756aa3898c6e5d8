"""A synthetic newsroom archive for benchmarks: realistic articles with known planted conflicts.

    python bench/corpus.py OUT --docs 10000 [--seed 7]

Articles are built from the seeds' own sentences (the number-free ones, as filler) and the
phrasings of figures the seeds use, with countries, periods, values and dates varied.  Every
figure is drawn from one hidden table of true values, written the way a reporter rounds it,
so truthful articles never contradict each other; a known number of articles then carry a
planted falsehood of a kind the default rules catch:

- `turnover`: a year's trade turnover 15-30 % above the truth (beside the true figure);
- `mission`: the trade mission "in operation since" a year other than 2002;
- `agreement`: the 1992 trade-missions agreement dated wrongly (a known fact and a
  disagreement with the other articles);
- `eu`: "the EU, with its 28 members" after Brexit (a known fact);
- `weekday`: a weekday that does not match its date.

The folder gets one sub-folder per publication month, each with a `sources.yaml` giving
outlets and publication dates, and `planted.json` listing every plant with the check ids
expected to report it.  Same seed, same bytes: each article draws from its own generator, so
articles can be written one at a time without holding the corpus in memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import regex

from factcheck.checks.calendar import WEEKDAYS
from factcheck.models import Report
from factcheck.wording import MONTHS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

COUNTRIES = (
    "Russia",
    "China",
    "Uzbekistan",
    "Kyrgyzstan",
    "Belarus",
    "Armenia",
    "Azerbaijan",
    "Turkey",
    "Ukraine",
    "Germany",
    "Italy",
    "Spain",
    "South Korea",
    "Japan",
    "India",
    "Tajikistan",
    "Turkmenistan",
)
YEARS = range(2008, 2025)
FIRST_PUBLISHED = dt.date(2021, 1, 1)
LAST_PUBLISHED = dt.date(2024, 12, 31)
OUTLETS = ("kazinform.example", "trade-desk.example", "steppe-times.example", "eurasia.example")
OFFICIALS = (
    "Russian Prime Minister Mikhail Mishustin",
    "Deputy Prime Minister Serik Zhumangarin",
    "The minister of trade and integration",
    "A government delegation",
)
CITIES = ("Almaty", "Astana", "Moscow", "Tashkent", "Bishkek")
HEADLINES = (
    "Kazakhstan and {c}: what the trade figures say",
    "Trade with {c} under scrutiny",
    "Astana weighs its ties with {c}",
    "The numbers behind Kazakhstan's trade with {c}",
)
TURNOVER = (
    "Trade turnover between Kazakhstan and {c} in {p} amounted to {v}.",
    "In {p}, bilateral trade between Kazakhstan and {c} reached {v}.",
    "According to the statistics bureau, mutual trade between Kazakhstan and {c} in {p} "
    "amounted to {v}.",
    "In {p}, the volume of trade with {c} was {v}, the ministry said.",
)
GROWTH = (
    "Trade turnover between Kazakhstan and Russia in {p} amounted to {v1}, {g}% higher than "
    "in the same period the previous year ({v0})."
)
MISSION = (
    "Note that the trade mission of Kazakhstan in Russia has been in operation since {y}.",
    "The trade representation of Kazakhstan in Russia has worked since {y}.",
    "Kazakhstan's trade mission in Moscow was established in {y}.",
)
AGREEMENT = (
    "This decision will not require the denunciation of the intergovernmental Agreement on "
    "the mutual establishment of trade missions of {d} and will not affect bilateral trade."
)
EU = "The EU as a whole, with its {n} members, is the first trading partner of Kazakhstan."
VISIT = "{who} arrived in {city} on {wd} ({day} {month}) for talks on trade."
VENTURES = (
    "At present, some 8,000 companies with Russian participation and 3,348 joint ventures "
    "operate in Kazakhstan."
)
UNBOUND = (
    "The forum gathered {a:,} participants from {b} countries.",
    "Some {a:,} people attended the session, organisers said.",
)
FURNITURE = ("Views: {n}", "Share", "Subscribe to our news", "Print")


@dataclass(frozen=True)
class Plant:
    source: str
    kind: str
    rules: tuple[str, ...]  # check ids expected to report a conflict naming this source
    note: str


@dataclass
class Manifest:
    docs: int
    seed: int
    bytes: int = 0
    plants: list[Plant] = field(default_factory=list)

    def write(self, path: Path) -> None:
        data = asdict(self)
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text(encoding="utf-8"))
        plants = [
            Plant(p["source"], p["kind"], tuple(p["rules"]), p["note"]) for p in data["plants"]
        ]
        return cls(docs=data["docs"], seed=data["seed"], bytes=data["bytes"], plants=plants)

    def planted(self) -> Counter[tuple[str, str]]:
        """(source, check id) → how many conflicts the plants should make that check report."""
        return Counter((p.source, r) for p in self.plants for r in p.rules)


def reported(report: Report) -> Counter[tuple[str, str]]:
    """(source, check id) → how many conflicts the report names that source in."""
    claims = {c.id: c for c in report.claims}
    return Counter(
        (src, f.rule)
        for f in report.findings
        if f.status == "conflict"
        for src in {claims[i].source for i in f.claims}
    )


class Truth:
    """Each country's true trade with Kazakhstan: a yearly total and a fixed seasonality."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"truth:{seed}")
        self.total: dict[tuple[str, int], float] = {}
        self.share: dict[str, list[float]] = {}
        for c in COUNTRIES:
            level = rng.uniform(18.0, 24.0) if c == "Russia" else rng.uniform(1.2, 18.0)
            for y in YEARS:
                self.total[(c, y)] = level * 1e9
                # Russia grows every year so its growth rates read "higher than"; the same
                # seasonality each year makes every part of a year grow at the year's rate.
                level *= rng.uniform(1.02, 1.12) if c == "Russia" else rng.uniform(0.9, 1.15)
            weights = [rng.uniform(0.8, 1.2) for _ in range(12)]
            run, cum = 0.0, []
            for w in weights:
                run += w
                cum.append(run / sum(weights))
            self.share[c] = cum

    def value(self, country: str, year: int, months: int) -> float:
        return self.total[(country, year)] * self.share[country][months - 1]


def money(v: float, rng: random.Random) -> str:
    """A true value as a reporter writes it: rounded, so the stated interval holds the truth."""
    bn = v / 1e9
    if bn < 1:
        return f"${round(v / 1e6):,} million"
    form = rng.randrange(4)
    if form == 0 and bn >= 10:
        return f"${round(bn)} billion"
    if form == 1:
        return f"{bn:.1f} billion dollars"
    if form == 2:
        return f"$ {bn:.2f} billion"
    return f"${bn:.1f} billion"


def period_text(year: int, months: int, published: dt.date, rng: random.Random) -> str:
    relative = year == published.year - 1 and rng.random() < 0.3
    y = "last year" if relative else str(year)
    if months == 12:
        return y
    return f"January-{MONTHS[months - 1]} {y}"


# Filler must carry no figure, date or period of its own: a planted conflict must be the only
# one, so nothing the extractor might read as a number or a time is let through.
_DATED = regex.compile(
    r"\d|%|\b(?:" + "|".join((*MONTHS, *WEEKDAYS)) + r"|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve|twenty|thirty|hundred|thousand|million|billion|trillion|first|"
    r"second|third|half|year|years|month|months|week|weeks|day|days|today|yesterday|tomorrow|"
    r"percent|since|subscribe|members?)\b",  # "Its members are ...": a member-list claim
    regex.IGNORECASE,
)


def seed_sentences() -> list[str]:
    """Number-free sentences of the seeds: the filler every article is padded with."""
    out: set[str] = set()
    for f in sorted(SEEDS.glob("*.txt")):
        text = f.read_text(encoding="utf-8-sig")
        for para in text.splitlines():
            for s in regex.split(r"(?<=[.!?])\s+(?=[A-Z])", para.strip()):
                if (
                    60 <= len(s) <= 300
                    and s[0].isupper()
                    and s[-1] in ".!?"
                    and not _DATED.search(s)
                ):
                    out.add(s)
    return sorted(out)


class Generator:
    def __init__(self, seed: int = 7, plant_rate: float = 0.01) -> None:
        self.seed = seed
        self.plant_rate = plant_rate
        self.truth = Truth(seed)
        self.filler = seed_sentences()
        if not self.filler:
            raise SystemExit(f"no seed sentences found under {SEEDS}")

    def article(self, i: int) -> tuple[str, dt.date, str, list[Plant]]:
        """Article `i`: its text, publication date, outlet and what was planted in it."""
        rng = random.Random(f"{self.seed}:{i}")
        sid = f"a{i:06d}"
        span = (LAST_PUBLISHED - FIRST_PUBLISHED).days
        published = FIRST_PUBLISHED + dt.timedelta(days=rng.randrange(span + 1))
        outlet = rng.choice(OUTLETS)
        country = rng.choice(COUNTRIES)
        plants: list[Plant] = []
        claims: list[str] = []
        past = [y for y in YEARS if y < published.year]

        def turnover(c: str, y: int, months: int, factor: float = 1.0) -> str:
            v = self.truth.value(c, y, months) * factor
            return rng.choice(TURNOVER).format(
                c=c, p=period_text(y, months, published, rng), v=money(v, rng)
            )

        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            y = rng.choice(past)
            months = rng.choice((12, 12, 3, 6, 9, 11))
            claims.append(turnover(rng.choice((country, country, "Russia")), y, months))
        if rng.random() < 0.25:
            y, months = rng.choice(past[1:]), rng.choice((3, 6, 9, 11))
            v1, v0 = (
                self.truth.value("Russia", y, months),
                self.truth.value("Russia", y - 1, months),
            )
            claims.append(
                GROWTH.format(
                    p=period_text(y, months, published, rng),
                    v1=money(v1, rng),
                    v0=money(v0, rng),
                    g=f"{(v1 / v0 - 1) * 100:.1f}",
                )
            )
        if rng.random() < 0.15:
            claims.append(rng.choice(MISSION).format(y=2002))
        if rng.random() < 0.05:
            claims.append(AGREEMENT.format(d="October 22, 1992"))
        if rng.random() < 0.08:
            claims.append(EU.format(n=27))
        if rng.random() < 0.05:
            claims.append(VENTURES)
        if rng.random() < 0.2:
            claims.append(self._visit(rng, published, honest=True))
        if rng.random() < 0.5:
            claims.append(
                rng.choice(UNBOUND).format(a=rng.randrange(200, 5000), b=rng.randrange(3, 60))
            )

        if rng.random() < self.plant_rate:
            kind = rng.choice(("turnover", "mission", "agreement", "eu", "weekday"))
            plant, sentences = self._plant(kind, sid, rng, published, past)
            plants.append(plant)
            claims.extend(sentences)

        rng.shuffle(claims)
        text = self._layout(rng, published, country, claims)
        return text, published, outlet, plants

    def _visit(self, rng: random.Random, published: dt.date, honest: bool) -> str:
        # A day earlier in the same year, so the weekday is read against the right year.
        back = rng.randrange(0, max(1, min(30, published.timetuple().tm_yday)))
        day = published - dt.timedelta(days=back)
        wd = day.weekday() if honest else (day.weekday() + rng.randrange(1, 7)) % 7
        return VISIT.format(
            who=rng.choice(OFFICIALS),
            city=rng.choice(CITIES),
            wd=WEEKDAYS[wd],
            day=day.day,
            month=MONTHS[day.month - 1],
        )

    def _plant(
        self, kind: str, sid: str, rng: random.Random, published: dt.date, past: list[int]
    ) -> tuple[Plant, list[str]]:
        if kind == "turnover":
            # A whole year overstated, beside the true figure: a part never exceeds it, so
            # only the agreement check fires, whatever else the corpus says of that year.
            c, y = rng.choice(COUNTRIES), rng.choice(past)
            true = self.truth.value(c, y, 12)
            wrong = true * rng.uniform(1.15, 1.3)
            sentences = [
                f"According to the ministry, trade turnover between Kazakhstan and {c} in {y} "
                f"amounted to {money(true, rng)}.",
                f"Customs data, however, show that trade between Kazakhstan and {c} in {y} "
                f"amounted to ${wrong / 1e9:.1f} billion.",
            ]
            return Plant(sid, kind, ("trade_turnover.agree",), f"{c} {y}"), sentences
        if kind == "mission":
            y = rng.choice([y for y in range(1994, 2016) if y != 2002])
            text = f"The trade mission in the Russian Federation has existed since {y}."
            return Plant(sid, kind, ("trade_mission_opened.agree",), str(y)), [text]
        if kind == "agreement":
            d = rng.choice(("October 22, 1993", "October 12, 1992", "November 22, 1992"))
            rules = ("known_facts", "trade_mission_agreement_signed.agree")
            return Plant(sid, kind, rules, d), [AGREEMENT.format(d=d)]
        if kind == "eu":
            return Plant(sid, kind, ("known_facts",), "28 members"), [EU.format(n=28)]
        assert kind == "weekday"
        return Plant(sid, kind, ("calendar",), "weekday"), [self._visit(rng, published, False)]

    def _layout(
        self, rng: random.Random, published: dt.date, country: str, claims: list[str]
    ) -> str:
        lines = [rng.choice(HEADLINES).format(c=country), ""]
        lines.append(
            f"{published.day:02d} {MONTHS[published.month - 1]} {published.year} 10:{rng.randrange(60):02d}"
        )
        lines.append(FURNITURE[0].format(n=rng.randrange(100, 20000)))
        lines.append("")
        paragraphs = rng.randrange(5, 9)
        slots: list[list[str]] = [[] for _ in range(paragraphs)]
        for c in claims:
            slots[rng.randrange(1, paragraphs)].append(c)
        for slot in slots:
            body = rng.sample(self.filler, k=min(len(self.filler), rng.randrange(2, 5)))
            for c in slot:
                body.insert(rng.randrange(len(body) + 1), c)
            lines.append(" ".join(body))
            lines.append("")
        lines.append(rng.choice(FURNITURE[1:]))
        return "\n".join(lines) + "\n"


def generate(out: Path, docs: int, seed: int = 7, plant_rate: float = 0.01) -> Manifest:
    """Write `docs` articles under `out` (one folder per publication month)."""
    gen = Generator(seed, plant_rate)
    manifest = Manifest(docs=docs, seed=seed)
    meta: dict[Path, dict[str, dict[str, str]]] = defaultdict(dict)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(docs):
        text, published, outlet, plants = gen.article(i)
        folder = out / f"{published.year}" / f"{published.month:02d}"
        if folder not in meta:
            folder.mkdir(parents=True, exist_ok=True)
        sid = f"a{i:06d}"
        data = text.encode("utf-8")
        (folder / f"{sid}.txt").write_bytes(data)
        manifest.bytes += len(data)
        manifest.plants.extend(plants)
        meta[folder][sid] = {"outlet": outlet, "published": published.isoformat()}
    for folder, entries in meta.items():
        lines = [
            f"{sid}: {{outlet: {m['outlet']}, published: {m['published']}}}"
            for sid, m in sorted(entries.items())
        ]
        (folder / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest.write(out / "planted.json")
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("out", type=Path)
    p.add_argument("--docs", type=int, default=1000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--plant-rate", type=float, default=0.01)
    a = p.parse_args(argv)
    m = generate(a.out, a.docs, a.seed, a.plant_rate)
    print(f"wrote {m.docs} articles ({m.bytes / 1e6:.1f} MB), {len(m.plants)} planted, to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
