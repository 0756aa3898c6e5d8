"""The CI gate: new vs baselined vs fixed conflicts, the output formats, and the CLI's exit codes."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from factcheck.baseline import Baseline, entry_for, load_baseline
from factcheck.cli import EXIT_CONFLICT, EXIT_OK, EXIT_USAGE, main
from factcheck.gate import GateResult, RuleInfo, display_path, evaluate, render_json
from factcheck.models import Claim, Finding, Report, SourceInfo
from factcheck.report import github, junit, text

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "factcheck-baseline.yaml"

# Line 2 ends in CRLF; the figure "1993" on line 3 and a figure broken across lines 3-4.
Synthetic = tuple[Report, dict[str, str], Path]

TEXT = "Header\r\nSecond line\r\nSigned on October 22, 1993 and 22\nbillion dollars later.\n"


def _claim(source: str, value: float | str, start: int, end: int, metric: str = "m") -> Claim:
    return Claim(
        id=f"{source}:{start}:{metric}",
        source=source,
        metric=metric,
        value=value,
        unit="date" if isinstance(value, str) else "USD",
        low=value,
        high=value,
        quote=f"quote of {source}",
        line=0,  # deliberately wrong: places are computed from the text
        column=0,
        start=start,
        end=end,
    )


def _finding(*cs: Claim, known_fact: bool = False, severity: str = "error") -> Finding:
    return Finding.model_validate(
        {
            "rule": "known_facts" if known_fact else "m.agree",
            "kind": "known_fact" if known_fact else "agreement",
            "status": "conflict",
            "severity": severity,
            "metric": cs[0].metric,
            "claims": [c.id for c in cs],
            "known_fact": known_fact,
            "fact": "f" if known_fact else None,
            "message": "values, differ: 100% \r\n sure",
            "explanation": "[1, 2] vs [3, 4]",
        }
    )


def _report(tmp_path: Path, findings: list[Finding], claims: list[Claim]) -> Report:
    sources = [
        SourceInfo(id=s, path=str(tmp_path / "articles" / f"{s}.txt"), encoding="utf-8", sha256="")
        for s in sorted({c.source for c in claims})
    ]
    return Report(sources=tuple(sources), claims=tuple(claims), findings=tuple(findings))


@pytest.fixture
def synthetic(tmp_path: Path) -> Synthetic:
    start = TEXT.index("1993")
    old = _claim("old", "1992-10-22", 0, 4)
    new = _claim("new", "1993-10-22", start, start + 4)
    money_start = TEXT.index("22\nbillion")
    money = _claim("new", 22e9, money_start, money_start + len("22\nbillion dollars"), "n")
    # The old figure matches a known fact; the new one nothing: the conflict is shown at the new.
    agrees = _finding(old, known_fact=True).model_copy(update={"status": "agreement"})
    findings = [
        _finding(old, new),
        _finding(new, known_fact=True),
        _finding(money, severity="warning"),
        agrees,
    ]
    report = _report(tmp_path, findings, [old, new, money])
    return report, {"old": "1992 text\n", "new": TEXT}, tmp_path


def _result(synthetic: Synthetic, baseline: Baseline) -> GateResult:
    report, texts, root = synthetic
    return evaluate(
        report, texts, baseline, [RuleInfo("m.agree", "agreement"), RuleInfo("idle", "range")], root
    )


# ----------------------------------------------------------------------------- evaluation


def test_without_a_baseline_every_error_conflict_fails(synthetic: Synthetic) -> None:
    r = _result(synthetic, Baseline())
    assert r.failed
    assert len(r.new) == 3
    assert [g.fails for g in r.new] == [True, True, False]  # a warning-severity check only warns


def test_baselined_conflicts_pass_and_missing_entries_are_fixed(synthetic: Synthetic) -> None:
    report, _, _ = synthetic
    claims = {c.id: c for c in report.claims}
    entries = [entry_for(f, claims) for f in report.findings if f.status == "conflict"]
    gone = [_claim("new", "2000", 0, 4), _claim("old", "2001", 0, 4)]
    stale = entry_for(_finding(*gone), {c.id: c for c in gone})
    # A source this run did not read: whether its conflict still stands is unknown.
    unread = [_claim("elsewhere", "2000", 0, 4), _claim("old", "2001", 0, 4)]
    entries += [stale, entry_for(_finding(*unread), {c.id: c for c in unread})]
    r = _result(synthetic, Baseline(entries, "b.yaml"))
    assert not r.failed
    assert not r.new
    assert len(r.baselined) == 3
    assert r.fixed == (stale,)


def test_a_conflict_is_shown_at_the_figure_the_baseline_does_not_know(synthetic: Synthetic) -> None:
    r = _result(synthetic, Baseline())
    assert r.new[0].primary.source == "new"


def test_places_come_from_the_text_with_crlf_and_multiline_spans(synthetic: Synthetic) -> None:
    r = _result(synthetic, Baseline())
    p = r.place(r.new[0].primary)
    assert (p.path, p.line, p.column, p.end_line, p.end_column) == (
        "articles/new.txt",
        3,
        23,
        3,
        27,
    )
    m = r.place(r.new[2].primary)
    assert (m.line, m.end_line, m.end_column) == (3, 4, 16)


def test_display_path_is_relative_inside_the_root_and_absolute_outside(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert display_path(str(tmp_path / "a" / "x.txt"), tmp_path) == "a/x.txt"
    assert display_path(str(tmp_path / "x.txt"), tmp_path / "a") == (tmp_path / "x.txt").as_posix()


# ----------------------------------------------------------------------------- formats


def test_github_escapes_data_and_properties() -> None:
    assert github.escape_data("100% a\r\nb") == "100%25 a%0D%0Ab"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    cmd = github.command("error", "x:y,z", file="dir/a,b.txt", line=3, title="t: 1, 2")
    assert cmd == "::error file=dir/a%2Cb.txt,line=3,title=t%3A 1%2C 2::x:y,z"


def test_github_annotations_one_line_each(synthetic: Synthetic) -> None:
    out = github.render(_result(synthetic, Baseline())).splitlines()
    errors = [line for line in out if line.startswith("::error ")]
    warnings = [line for line in out if line.startswith("::warning ")]
    assert len(errors) == 2 and len(warnings) == 1
    assert errors[0].startswith(
        "::error file=articles/new.txt,line=3,col=23,endLine=3,endColumn=27,"
    )
    assert "100%25 %0D%0A sure" in errors[0]
    assert "endColumn" not in warnings[0]  # GitHub takes endColumn on one-line annotations only


def test_text_names_file_line_and_summary(synthetic: Synthetic) -> None:
    out = text.render(_result(synthetic, Baseline()))
    assert "articles/new.txt:3:23: error: known_facts (contradicts a known fact)" in out
    assert "also: articles/old.txt:1:1:" in out
    assert out.rstrip().endswith("2 new conflicts, 1 new warning, 0 baselined, 0 fixed")


def test_junit_parses_with_a_failure_per_new_conflict(synthetic: Synthetic) -> None:
    root = ET.fromstring(junit.render(_result(synthetic, Baseline())))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == 2 == int(suite.get("failures", "-1"))
    assert {c.get("classname") for c in cases} == {"m.agree", "known_facts", "idle"}
    idle = next(c for c in cases if c.get("classname") == "idle")
    assert idle.get("name") == "no findings"
    msg = failures[0].find("failure")
    assert msg is not None and "articles/new.txt:3:23" in (msg.get("message") or "")


def test_junit_skips_baselined_with_the_reason(synthetic: Synthetic) -> None:
    report, _, _ = synthetic
    claims = {c.id: c for c in report.claims}
    entries = [entry_for(f, claims, reason="known typo") for f in report.findings]
    root = ET.fromstring(junit.render(_result(synthetic, Baseline(entries))))
    skipped = root.findall(".//skipped")
    assert len(skipped) == 3
    assert skipped[0].get("message") == "baselined: known typo"


def test_json_adds_a_gate_section(synthetic: Synthetic) -> None:
    data = json.loads(render_json(_result(synthetic, Baseline())))
    assert data["schema_version"]
    gate = data["gate"]
    assert gate["failed"] is True
    assert [g["fails"] for g in gate["new"]] == [True, True, False]
    assert gate["new"][0]["path"] == "articles/new.txt"
    assert gate["baselined"] == [] and gate["fixed"] == []


# ----------------------------------------------------------------------------- CLI


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def test_committed_baseline_covers_the_seeds() -> None:
    entries = load_baseline(BASELINE).entries
    assert {e.rule for e in entries} == {
        "trade_mission_opened.agree",
        "trade_turnover.part_le_whole",
        "known_facts",  # seed 004 leaves Russia out of the EAEU's members
    }
    assert all(e.reason for e in entries)
    assert [e.fact for e in entries if e.known_fact] == ["eaeu_members_2015"]


def test_seeds_pass_with_the_committed_baseline_and_fail_without(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == EXIT_CONFLICT  # no baseline file in the folder: both seed conflicts
    shutil.copy(BASELINE, project / "factcheck-baseline.yaml")
    capsys.readouterr()
    assert main(["check"]) == EXIT_OK  # picked up from the working folder by default
    assert "0 new conflicts, 3 baselined, 0 fixed" in capsys.readouterr().out


def test_github_format_is_chosen_on_actions(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check"]) == EXIT_CONFLICT
    assert capsys.readouterr().out.startswith("::error file=seeds/")


def test_baseline_command_then_check_passes(project: Path) -> None:
    # The seeds hold a known-fact conflict: a plain baseline leaves it out, so check still fails.
    assert main(["baseline", "--reason", "accepted for the test"]) == EXIT_OK
    assert main(["check", "--baseline", "factcheck-baseline.yaml"]) == EXIT_CONFLICT
    assert (
        main(["baseline", "--accept-known-facts", "--reason", "accepted for the test"]) == EXIT_OK
    )
    assert main(["check", "--baseline", "factcheck-baseline.yaml"]) == EXIT_OK
    assert all(
        e.reason == "accepted for the test"
        for e in load_baseline(Path("factcheck-baseline.yaml")).entries
    )


def test_output_file_is_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "junit", "--output", "out/gate.xml"]) == EXIT_CONFLICT
    ET.parse(project / "out" / "gate.xml")
    assert "wrote out/gate.xml" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "--baseline", "missing.yaml"], "missing.yaml: no such baseline file"),
        (["check", "nowhere"], "nowhere: no such file or folder"),
        (["check", "--format", "xml"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    assert code == EXIT_USAGE
    assert expected in capsys.readouterr().err


def test_bad_rules_exit_2_with_a_located_message(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = project / "rules" / "kz_ru_trade.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("kind: agreement", "kind: agrement", 1), "utf-8"
    )
    assert main(["check"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "rules/kz_ru_trade.yaml:" in err and "agrement" in err
    assert "Traceback" not in err
