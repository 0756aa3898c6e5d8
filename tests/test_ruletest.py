"""`factcheck rules test`, `factcheck explain` and `rules check --format`, run as a user would."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from factcheck.rules import ERROR_CODES, load_rules

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "tests" / "stories" / "election"
Run = Callable[[list[str], Path], subprocess.CompletedProcess[str]]

RULES = """\
metrics:
  - id: seats_won
    unit: count
    cues: [seats]
    exclude: [recount]
    examples:
      - text: "The Greens won 14 seats."
        claim: {value: 14}
      - text: "A recount in two districts took three seats from them."
        claim: {value: 3}
      - text: "Talks could take a day or two."
        claim: none
checks:
  - id: seats_won.agree
    kind: agreement
    metric: seats_won
    tolerance: 0.01
"""


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(RULES, encoding="utf-8")
    return tmp_path / "rules"


def test_project_and_story_examples_hold(run_cli: Run) -> None:
    for rules in (ROOT / "rules", STORY / "rules"):
        done = run_cli(["rules", "test", "--rules", str(rules)], ROOT)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "example(s) hold" in done.stdout and "failed" not in done.stdout


def test_a_failing_example_is_located_and_says_why(run_cli: Run, rules_dir: Path) -> None:
    done = run_cli(["rules", "test", "--rules", str(rules_dir)], rules_dir.parent)
    assert done.returncode == 1
    [line] = [x for x in done.stdout.splitlines() if "example 2" in x]
    assert line.startswith(f"{rules_dir / 'r.yaml'}:9:9: example 2 of seats_won: expected value 3")
    assert "got no claim of it; why nothing bound:" in line
    assert "'two': it counts 'districts'" in line  # a count counts its own noun
    assert "'three': excluded by 'recount' in its clause" in line
    assert "2 of 3 example(s) hold; 1 failed" in done.stdout


def test_rules_test_formats(run_cli: Run, rules_dir: Path) -> None:
    gh = run_cli(["rules", "test", "--rules", str(rules_dir), "--format", "github"], ROOT)
    assert gh.returncode == 1
    assert gh.stdout.startswith(f"::error file={rules_dir / 'r.yaml'},line=9,col=9,")
    js = run_cli(["rules", "test", "--rules", str(rules_dir), "--format", "json"], ROOT)
    body = json.loads(js.stdout)
    assert body["ok"] is False
    assert [(p["line"], p["column"]) for p in body["problems"]] == [(9, 9)]


def test_examples_in_a_tests_folder(run_cli: Run, rules_dir: Path) -> None:
    (rules_dir / "tests").mkdir()
    (rules_dir / "tests" / "more.yaml").write_text(
        'examples:\n  - metric: seats_won\n    text: "Four parties won seats."\n'
        "    claim: none\n  - metric: seats_wonn\n    text: x\n    claim: none\n",
        encoding="utf-8",
    )
    for command in ("test", "check"):  # a tests file is a rule file: `rules check` reads it
        done = run_cli(["rules", command, "--rules", str(rules_dir)], ROOT)
        assert done.returncode == 2
        assert "more.yaml:5:13: unknown metric 'seats_wonn' [FC106]" in done.stderr


def test_rules_check_formats_and_codes(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("metrics:\n  - id: x\n    unit: count\n    cuez: [a]\n", encoding="utf-8")
    text = run_cli(["rules", "check", str(bad)], ROOT)
    assert text.returncode == 2 and "4:5: unknown key 'cuez' [FC101]" in text.stderr
    gh = run_cli(["rules", "check", str(bad), "--format", "github"], ROOT)
    assert gh.returncode == 2
    assert gh.stdout.startswith(f"::error file={bad},line=4,col=5,title=factcheck FC101::")
    js = json.loads(run_cli(["rules", "check", str(bad), "--format", "json"], ROOT).stdout)
    assert js["problems"][0]["code"] == "FC101"
    ok = json.loads(run_cli(["rules", "check", "--format", "json"], ROOT).stdout)
    assert ok["ok"] is True and ok["problems"] == []


def test_error_codes_are_listed_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in ERROR_CODES:
        assert f"`{code}`" in readme, code


def test_tolerance_as_a_yaml_number(rules_dir: Path) -> None:
    [check] = load_rules([rules_dir]).checks
    assert check.tolerance == "0.01" and check.tolerance_fraction == 0.01


def test_explain_says_why_each_figure_bound_or_not(run_cli: Run) -> None:
    article = STORY / "articles" / "radio_early.txt"
    done = run_cli(["explain", f"{article}:3", "--rules", str(STORY / "rules")], ROOT)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "'57.9 percent' (percent)" in out
    assert "not bound: the closest metric, turnout: excluded by 'Preliminary'" in out
    assert "'Some 412' (count)\n" in out
    assert "bound to candidates: cue 'candidates', 1 characters away; the figure counts it" in out
    assert "subject: Vesterland: the metric's subject (from_text: false)" in out
    assert "'seven': it counts 'parties'" in out or "it counts 'parties', not its cue" in out


def test_explain_a_claim_id_shows_period_and_modality(run_cli: Run) -> None:
    done = run_cli(
        ["explain", "004_23da4624eb5d240d:27:211:trade_turnover", "seeds", "--rules", "rules"],
        ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "bound to trade_turnover" in done.stdout
    assert "period: 2022-01/2022-11 from 'January-November 2022'" in done.stdout
    assert "modality: actual" in done.stdout


def test_explain_a_column_narrows_to_one_figure(run_cli: Run) -> None:
    article = STORY / "articles" / "radio_early.txt"
    done = run_cli(["explain", f"{article}:3:139", "--rules", str(STORY / "rules")], ROOT)
    assert done.stdout.count("sentence:") == 1 and "'three' (count)" in done.stdout


def test_explain_a_missing_article_is_a_located_error(run_cli: Run) -> None:
    done = run_cli(["explain", "nosuch:3", "seeds", "--rules", "rules"], ROOT)
    assert done.returncode == 2 and "no article 'nosuch'" in done.stderr


def test_period_required_drops_and_coverage_says_so(tmp_path: Path) -> None:
    from factcheck.bind.binder import Binder
    from factcheck.extract import extract
    from factcheck.ingest import build_source

    rules = load_rules([ROOT / "rules"])
    source = build_source("s", "s.txt", "Mutual trade reached $26 billion, officials said.")
    claims, unbound = Binder(rules).bind(source, extract(source))
    assert not [c for c in claims if c.metric == "trade_turnover"]
    assert [u.reason for u in unbound] == ["no period for trade_turnover"]


def test_coverage_lists_a_figure_without_its_required_period(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Mutual trade reached $26 billion, officials said.\n", encoding="utf-8"
    )
    done = run_cli(
        [
            "report",
            str(tmp_path / "a.txt"),
            "--rules",
            str(ROOT / "rules"),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "md",
            "--no-store",
            "--quiet",
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "out" / "consistency.md").read_text(encoding="utf-8")
    assert "$26 billion (no period for trade_turnover)" in md


def test_explain_as_json(run_cli: Run) -> None:
    article = STORY / "articles" / "radio_early.txt"
    done = run_cli(
        ["explain", f"{article}:3:163", "--rules", str(STORY / "rules"), "--format", "json"], ROOT
    )
    [figure] = json.loads(done.stdout)
    assert figure["metric"] == "candidates" and figure["claim"] == "radio_early:3:163:candidates"
    assert figure["notes"]["subject"].startswith("Vesterland")
    assert [v["metric"] for v in figure["weighed"] if v["bound"]] == ["candidates"]
