"""Property tests over the rule loader (issue 6 item 4).

Users write rules by hand, so the loader meets every YAML a keyboard can make.  Whatever it
reads, it either loads the rules or raises the project's located error (`FactcheckError`):
never a traceback.  A rule set that loads must also run over the seeds without raising, since a
check with odd but valid settings ("1e308 percent" tolerance) is the same user's input.

CI runs 200 examples a test; `HYPOTHESIS_PROFILE=fuzz` runs the `fuzz` profile (3,000, no
deadline).
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from fuzz_profile import PROFILE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.errors import FactcheckError, Location
from factcheck.rules import RuleSet, load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SEED_RULES = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(RULES.glob("*.yaml"))]


@contextmanager
def rules_folder(files: dict[str, str | bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        for name, content in files.items():
            target = folder / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8", newline="")
        yield folder


def load_or_located_error(files: dict[str, str | bytes]) -> RuleSet | None:
    """Load the rules; a FactcheckError is a fine outcome if it says where, anything else fails."""
    with rules_folder(files) as folder:
        try:
            return load_rules([folder])
        except FactcheckError as exc:
            errors = getattr(exc, "errors", [exc])
            for e in errors:
                assert isinstance(e.location, Location)
                assert e.location.path.startswith(str(folder)), e.location
                assert e.message
            exc.render()  # rendering (which reads the file back for the excerpt) must not raise
            return None


# ------------------------------------------------------------------------ arbitrary YAML text

YAML_PIECES = [
    "metrics:",
    "checks:",
    "facts:",
    "entities:",
    "- ",
    "  ",
    "\n",
    ": ",
    "id: ",
    "unit: ",
    "kind: ",
    "metric: ",
    "cues: ",
    "cue_patterns: ",
    "tolerance: ",
    "value: ",
    "period: ",
    "&a ",
    "*a",
    "<<: *a",
    "!!python/object/apply:os.system ['true']",
    "!!binary ",
    "!!set ",
    "!!timestamp ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "|",
    ">",
    "#",
    "---",
    "...",
    "%YAML 1.1",
    "\t",
    "~",
    "null",
    "yes",
    "no",
    "1e400",
    "-.inf",
    ".nan",
    "2023-02-30",
    "2023-02-02",
    "USD",
    "percent",
    "agreement",
    "growth",
    "range",
    "known_fact",
    "calendar",
    "subperiod_bound",
    "trade_turnover",
    "'(a+)+$'",
    "'['",
]

yaml_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(YAML_PIECES), st.text(max_size=5)), max_size=60).map(
        "".join
    ),
)


@settings(PROFILE)
@given(text=yaml_text)
def test_arbitrary_yaml_text_gives_rules_or_a_located_error(text: str) -> None:
    load_or_located_error({"fuzz.yaml": text})


@settings(PROFILE)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_give_rules_or_a_located_error(data: bytes) -> None:
    load_or_located_error({"fuzz.yaml": data})


@settings(PROFILE)
@given(
    which=st.sampled_from(SEED_RULES),
    cuts=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(0, 30), st.text(max_size=6)), max_size=4
    ),
)
def test_mutated_seed_rules_give_rules_or_a_located_error(
    which: tuple[str, str], cuts: list[tuple[int, int, str]]
) -> None:
    """Real rule files with a few characters deleted or replaced: the likeliest typos."""
    name, text = which
    for pos, length, insert in cuts:
        p = pos % (len(text) + 1)
        text = text[:p] + insert + text[p + length :]
    files: dict[str, str | bytes] = dict(SEED_RULES)
    files[name] = text
    load_or_located_error(files)


# --------------------------------------------------------- arbitrary structures dumped to YAML

KEYS = [
    "metrics",
    "checks",
    "facts",
    "entities",
    "id",
    "unit",
    "kind",
    "metric",
    "level",
    "event_metrics",
    "cues",
    "cue_patterns",
    "context",
    "context_window",
    "exclude",
    "max_distance",
    "subject",
    "parties",
    "name",
    "from_text",
    "period",
    "flow",
    "modality_markers",
    "tolerance",
    "severity",
    "value",
    "valid_from",
    "valid_to",
    "source",
    "aliases",
    "min",
    "max",
    "description",
]
SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.dates(),
    st.sampled_from(
        [
            "USD",
            "percent",
            "pp",
            "count",
            "rank",
            "year",
            "date",
            "agreement",
            "growth",
            "range",
            "known_fact",
            "calendar",
            "subperiod_bound",
            "trade_turnover",
            "weekday",
            "Kazakhstan",
            "Russia",
            "1 percent",
            "1e308 percent",
            "-5 percent",
            "nan",
            "inf USD",
            "5 parsecs of dollars",
            "22.2e9 USD",
            "(a+)+$",
            "[",
            "",
            " ",
            "required",
            "none",
            "error",
        ]
    ),
    st.text(max_size=12),
)


def structure(depth: int = 3) -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=6
            ),
        ),
        max_leaves=30,
    )


metric = st.fixed_dictionaries(
    {"id": st.sampled_from(["m", "trade_turnover", "x.y", "Bad Id"]), "unit": SCALARS},
    optional={
        k: SCALARS | structure()
        for k in ["cues", "cue_patterns", "subject", "period", "flow", "max_distance", "context"]
    },
)
check = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["c", "c2", "trade_turnover.agree"]),
        "kind": st.sampled_from(
            ["agreement", "growth", "range", "known_fact", "calendar", "subperiod_bound", "nope"]
        ),
    },
    optional={
        k: SCALARS | structure()
        for k in ["metric", "level", "tolerance", "min", "max", "severity", "event_metrics"]
    },
)
fact = st.fixed_dictionaries(
    {"id": st.sampled_from(["f", "g"]), "metric": st.sampled_from(["m", "trade_turnover"])},
    optional={
        k: SCALARS for k in ["value", "period", "tolerance", "source", "valid_from", "valid_to"]
    },
)
rule_doc = st.one_of(
    structure(),
    st.fixed_dictionaries(
        {},
        optional={
            "metrics": st.lists(metric | structure(), max_size=3),
            "checks": st.lists(check | structure(), max_size=3),
            "facts": st.lists(fact | structure(), max_size=3),
            "entities": st.lists(
                st.fixed_dictionaries({"id": SCALARS}, optional={"aliases": structure()}),
                max_size=3,
            ),
        },
    ),
)


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@settings(PROFILE)
@given(doc=rule_doc)
def test_arbitrary_structures_give_rules_or_a_located_error(doc: Any) -> None:
    load_or_located_error({"fuzz.yaml": dump(doc)})


@settings(PROFILE, suppress_health_check=list(HealthCheck))
@given(doc=rule_doc, seed=st.integers(0, 2**32 - 1))
def test_rules_that_load_also_run_over_the_seeds(doc: Any, seed: int) -> None:
    """Added to the seed rules, a fuzzed file either is refused or runs to a report."""
    from factcheck.engine import analyse_paths, build_report
    from factcheck.report import json as json_report

    files: dict[str, str | bytes] = dict(SEED_RULES)
    files[f"fuzz_{random.Random(seed).randrange(1000)}.yaml"] = dump(doc)
    rules = load_or_located_error(files)
    if rules is None:
        return
    report = build_report(analyse_paths([ROOT / "seeds"], rules), rules)
    json_report.render(report)


def test_sanity_seed_rules_load() -> None:
    assert load_or_located_error(dict(SEED_RULES)) is not None
