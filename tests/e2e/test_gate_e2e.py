"""The CI gate as a user meets it: a copy of the project, a new article, `factcheck check` run
as a program, its exit code and what it prints, in every output format.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")

NEW = "seeds/100_reader_letter.txt"
# Line 5 says the trade missions agreement dates from 1993; the desk's known fact is
# 22 October 1992 (rules/kz_ru_trade.yaml, trade_missions_agreement_1992).
CONTRADICTING = (
    "Trade missions: a reader writes\n"
    "\n"
    "03.02.2023 12:00\n"
    "\n"
    "The closure will require the denunciation of the intergovernmental Agreement on the mutual "
    "establishment of trade missions of October 22, 1993, officials in Astana said.\n"
    "The ministry did not comment.\n"
)
CONTRADICTING_LINE = 5
HARMLESS = CONTRADICTING.replace("October 22, 1993", "October 22, 1992")

FORMATS = ("text", "github", "sarif", "junit", "json")


def factcheck(
    cwd: Path, *args: str, github_actions: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    if github_actions:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project's seeds, rules and committed baseline, as a user's repository would hold them."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copy(ROOT / "factcheck-baseline.yaml", tmp_path / "factcheck-baseline.yaml")
    return tmp_path


def gate_args(fmt: str) -> list[str]:
    return [
        "check",
        "seeds",
        "--rules",
        "rules",
        "--baseline",
        "factcheck-baseline.yaml",
        "--format",
        fmt,
    ]


def test_the_new_sentence_binds_to_the_agreement_date(project: Path) -> None:
    (project / NEW).write_text(CONTRADICTING, encoding="utf-8")
    out = factcheck(project, "report", NEW, "--rules", "rules", "--out", "out", "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads((project / "out" / "consistency.json").read_text(encoding="utf-8"))
    bound = [c for c in report["claims"] if c["metric"] == "trade_mission_agreement_signed"]
    assert [(c["line"], c["value"]) for c in bound] == [(CONTRADICTING_LINE, "1993-10-22")]


def test_the_seeds_pass_with_the_committed_baseline(project: Path) -> None:
    out = factcheck(project, *gate_args("text"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 new conflicts, 3 baselined, 0 fixed" in out.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_contradicting_article_fails_in_every_format(project: Path, fmt: str) -> None:
    (project / NEW).write_text(CONTRADICTING, encoding="utf-8")
    out = factcheck(project, *gate_args(fmt))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    where = f"{NEW}:{CONTRADICTING_LINE}:"
    if fmt == "text":
        assert f"{where}" in out.stdout
        assert "contradicts the known fact trade_missions_agreement_1992" in out.stdout
    elif fmt == "github":
        errors = [line for line in out.stdout.splitlines() if line.startswith("::error ")]
        assert errors and all(f"file={NEW},line={CONTRADICTING_LINE}," in e for e in errors)
    elif fmt == "sarif":
        log = json.loads(out.stdout)
        assert not list(jsonschema.Draft4Validator(_schema()).iter_errors(log))
        new = [r for r in log["runs"][0]["results"] if r["baselineState"] == "new"]
        assert new
        for r in new:
            loc = r["locations"][0]["physicalLocation"]
            assert loc["artifactLocation"]["uri"] == NEW
            assert loc["region"]["startLine"] == CONTRADICTING_LINE
    elif fmt == "junit":
        failures = ET.fromstring(out.stdout).findall(".//failure")
        assert failures and all(where in (f.get("message") or "") for f in failures)
    else:
        gate = json.loads(out.stdout)["gate"]
        assert gate["failed"] is True
        assert {(g["path"], g["line"]) for g in gate["new"]} == {(NEW, CONTRADICTING_LINE)}
        assert any(g["known_fact"] for g in gate["new"])


def test_github_annotations_are_the_default_on_actions(project: Path) -> None:
    (project / NEW).write_text(CONTRADICTING, encoding="utf-8")
    out = factcheck(project, "check", github_actions=True)
    assert out.returncode == 1
    assert out.stdout.startswith(f"::error file={NEW},line={CONTRADICTING_LINE},")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_harmless_article_passes_in_every_format(project: Path, fmt: str) -> None:
    (project / NEW).write_text(HARMLESS, encoding="utf-8")
    out = factcheck(project, *gate_args(fmt))
    assert out.returncode == 0, out.stdout + out.stderr
    if fmt == "sarif":
        log = json.loads(out.stdout)
        assert not list(jsonschema.Draft4Validator(_schema()).iter_errors(log))
        assert all(r["baselineState"] == "unchanged" for r in log["runs"][0]["results"])
    elif fmt == "junit":
        assert not ET.fromstring(out.stdout).findall(".//failure")
    elif fmt == "json":
        assert json.loads(out.stdout)["gate"]["new"] == []


def test_baseline_round_trip(project: Path) -> None:
    (project / "factcheck-baseline.yaml").unlink()
    reason = "accepted when the desk adopted factcheck"
    made = factcheck(project, "baseline", "--reason", reason)
    assert made.returncode == 0, made.stderr
    baseline = (project / "factcheck-baseline.yaml").read_text(encoding="utf-8")
    assert baseline.count("fingerprint:") == 2
    # Seed 004 contradicts a known fact (the EAEU without Russia): only accepted when asked.
    assert factcheck(project, "check").returncode == 1
    made = factcheck(project, "baseline", "--accept-known-facts", "--reason", reason)
    assert made.returncode == 0, made.stderr
    baseline = (project / "factcheck-baseline.yaml").read_text(encoding="utf-8")
    assert baseline.count("fingerprint:") == 3
    assert factcheck(project, "check").returncode == 0

    # Edits elsewhere in an article (a new first line shifts every line number, a sentence is
    # reworded) keep the accepted conflicts accepted.
    article = project / "seeds" / "000_5515a05dd4cafbc1.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        "Updated: a correction was added below.\n"
        + text.replace("It was not at all easy", "It was hardly easy"),
        encoding="utf-8",
    )
    out = factcheck(project, "check")
    assert out.returncode == 0, out.stdout
    assert "3 baselined, 0 fixed" in out.stdout

    # Re-running keeps the reasons and the bytes, the accepted known-fact conflict too.
    assert factcheck(project, "baseline").returncode == 0
    assert (project / "factcheck-baseline.yaml").read_text(encoding="utf-8") == baseline

    # The article drops the contradicting sentence: the gate passes and says the entry can go.
    sentence = "Note that it has been in operation since 2002."
    assert sentence in text
    article.write_text(article.read_text(encoding="utf-8").replace(sentence, ""), "utf-8")
    out = factcheck(project, "check")
    assert out.returncode == 0, out.stdout
    assert "no longer occurs" in out.stdout
    assert "remove them with `factcheck baseline`" in out.stdout
    assert "1 fixed" in out.stdout
    assert factcheck(project, "baseline", "--accept-known-facts").returncode == 0
    assert (project / "factcheck-baseline.yaml").read_text(encoding="utf-8").count(
        "fingerprint:"
    ) == 2


def test_known_fact_conflicts_fail_unless_accepted_explicitly(project: Path) -> None:
    (project / NEW).write_text(CONTRADICTING, encoding="utf-8")
    made = factcheck(project, "baseline")
    assert made.returncode == 0
    assert "not accepted: known_facts" in made.stderr
    out = factcheck(project, "check")
    assert out.returncode == 1
    assert f"{NEW}:{CONTRADICTING_LINE}:" in out.stdout and "known fact" in out.stdout

    assert factcheck(project, "baseline", "--accept-known-facts").returncode == 0
    assert factcheck(project, "check").returncode == 0


def test_bad_rules_exit_2_with_a_located_message(project: Path) -> None:
    (project / "rules" / "zz_desk.yaml").write_text(
        "checks:\n  - id: desk.agree\n    kind: agreement\n    metrc: trade_turnover\n",
        encoding="utf-8",
    )
    out = factcheck(project, "check")
    assert out.returncode == 2
    assert "rules/zz_desk.yaml:4:5:" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_broken_baseline_exits_2_with_a_located_message(project: Path) -> None:
    path = project / "factcheck-baseline.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  reason:", "  reasn:", 1), "utf-8")
    out = factcheck(project, "check")
    assert out.returncode == 2
    assert "factcheck-baseline.yaml:" in out.stderr and "unknown key 'reasn'" in out.stderr
    assert "Traceback" not in out.stderr


def _schema() -> Any:
    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
