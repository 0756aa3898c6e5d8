"""Security (issue 6 item 5): rule and metadata files build plain data only, nothing in the
package evaluates text, outputs stay in their folder, reports escape article text, and a user's
catastrophic regex cannot hang a run."""

from __future__ import annotations

import ast
import subprocess
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from factcheck import engine
from factcheck.errors import FactcheckError
from factcheck.fsutil import safe_name
from factcheck.report import FORMATS
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "factcheck"

OBJECT_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_call [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:os.PathLike {{}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


RunCli = Callable[[list[str], Path], subprocess.CompletedProcess[str]]  # the run_cli fixture


# ------------------------------------------------------------------------------ safe YAML


@pytest.mark.parametrize("tag", OBJECT_TAGS)
def test_an_object_tag_in_a_rule_file_is_a_located_error_and_runs_nothing(
    tmp_path: Path, tag: str
) -> None:
    marker = tmp_path / "pwned"
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "evil.yaml").write_text(
        "metrics:\n  - id: m\n    unit: USD\n    description: " + tag.format(marker=marker) + "\n"
    )
    with pytest.raises(FactcheckError) as info:
        load_rules([rules])
    assert (info.value.location.path, info.value.location.line) == (str(rules / "evil.yaml"), 4)
    assert not marker.exists()


@pytest.mark.parametrize("tag", OBJECT_TAGS[:2])
def test_an_object_tag_in_sources_yaml_is_a_located_error_and_runs_nothing(
    tmp_path: Path, tag: str, run_cli: RunCli
) -> None:
    marker = tmp_path / "pwned"
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Trade turnover reached $23.6 billion in 2022.")
    (src / "sources.yaml").write_text("a:\n  outlet: " + tag.format(marker=marker) + "\n")
    with pytest.raises(FactcheckError) as info:
        engine.analyse_paths([src], load_rules([ROOT / "rules"]))
    assert (info.value.location.path, info.value.location.line) == (str(src / "sources.yaml"), 2)
    assert not marker.exists()
    proc = run_cli(["report", str(src), "--rules", str(ROOT / "rules"), "--out", "out"], tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{src / 'sources.yaml'}:2:" in proc.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------ no eval


def _package_sources() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20
    return files


DANGEROUS_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input"}
DANGEROUS_ATTRS = {
    ("yaml", "load"),
    ("yaml", "load_all"),
    ("yaml", "unsafe_load"),
    ("yaml", "full_load"),
    ("yaml", "Loader"),
    ("yaml", "FullLoader"),
    ("yaml", "UnsafeLoader"),
    ("pickle", "loads"),
    ("pickle", "load"),
    ("marshal", "loads"),
    ("os", "system"),
    ("os", "popen"),
}


def test_no_eval_exec_or_unsafe_loading_anywhere_in_the_package() -> None:
    """An AST scan, so strings and comments that merely mention the words do not count."""
    found: list[str] = []
    for path in _package_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in DANGEROUS_CALLS
            ):
                found.append(f"{where}: {node.func.id}()")
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and (node.value.id, node.attr) in DANGEROUS_ATTRS
            ):
                found.append(f"{where}: {node.value.id}.{node.attr}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names]
                module = getattr(node, "module", None) or ""
                if {"pickle", "marshal", "shelve"} & {module, *names}:
                    found.append(f"{where}: imports {module or names}")
            if isinstance(node, ast.Call) and any(
                k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value
                for k in node.keywords
            ):
                found.append(f"{where}: shell=True")
    assert found == []


def test_the_scan_would_see_an_eval() -> None:
    tree = ast.parse("x = eval(text)\nimport yaml\nyaml.load(t)")
    calls = [
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    ]
    assert "eval" in calls


# ------------------------------------------------------------------------------ output paths


def test_every_report_format_writes_a_plain_name_inside_the_output_folder(tmp_path: Path) -> None:
    for fmt, (name, _) in FORMATS.items():
        assert safe_name(tmp_path, name).parent == tmp_path.resolve(), fmt


@pytest.mark.parametrize("name", ["../x.json", "/etc/passwd", "a/b.json", "..", ""])
def test_an_escaping_output_name_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(FactcheckError, match="outside"):
        safe_name(tmp_path, name)


# ------------------------------------------------------------------------------ reports escape


INJECTED = (
    "# Trade <script>alert('x')</script>\n"
    "Trade turnover between Kazakhstan and Russia reached $23.6 billion in 2022 "
    "<script>alert(1)</script>. [click](javascript:alert(1)) <img src=x onerror=alert(2)>\n"
    "In 2022 trade turnover between Kazakhstan and Russia was <b>$22.2 billion</b>. "
    '</textarea></pre><iframe src="//evil.example"></iframe> <svg onload=alert(5)>\n'
)


@pytest.fixture
def injected_report(tmp_path: Path) -> tuple[object, dict[str, str]]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "evil.md").write_text(INJECTED, encoding="utf-8")
    (src / "sources.yaml").write_text(
        'evil: {outlet: "<script>alert(3)</script>", url: "javascript:alert(4)", '
        "published: 2023-02-02}\n",
        encoding="utf-8",
    )
    rules = load_rules([ROOT / "rules"])
    corpus = engine.analyse_paths([src], rules)
    report = engine.build_report(corpus, rules)
    assert report.claims, "the injected article must give claims, so quotes are rendered"
    return report, dict(corpus.texts)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_the_html_report_escapes_all_source_text(
    injected_report: tuple[object, dict[str, str]],
) -> None:
    """Parsed as a browser would: the article's tags are text, not elements or attributes."""
    from factcheck.report import html

    report, texts = injected_report
    page = html.render(report, texts)  # type: ignore[arg-type]
    parser = _Tags()
    parser.feed(page)
    tags = {t for t, _ in parser.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "textarea", "b"}
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page  # the outlet, from sources.yaml
    csp = [v for t, a in parser.tags if t == "meta" for k, v in a if k == "content" and v]
    assert any("default-src 'none'" in v for v in csp)  # and no script could run anyway


def test_the_markdown_report_escapes_html_in_source_text(
    injected_report: tuple[object, dict[str, str]],
) -> None:
    """Markdown renders raw HTML, so a tag from an article must reach it backslash-escaped."""
    import re

    from factcheck.report import RenderInput

    report, texts = injected_report
    text = FORMATS["md"][1](RenderInput(report, texts))  # type: ignore[arg-type]
    for raw in ("<script", "<img", "<iframe", "<svg", "</textarea"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), text, re.IGNORECASE), raw
    assert "\\<script\\>alert(1)" in text


def test_the_json_report_keeps_source_text_verbatim(
    injected_report: tuple[object, dict[str, str]],
) -> None:
    """JSON is data: the quote is the article's text exactly, for the reader to escape."""
    import json

    from factcheck.report import json as json_report

    report, _ = injected_report
    data = json.loads(json_report.render(report))  # type: ignore[arg-type]
    assert any("<script>alert(1)</script>" in c["quote"] for c in data["claims"])


# ------------------------------------------------------------------------------ regex bombs

EVIL_PATTERNS = [r"(a+)+$", r"(\w+\s?)*$", r"(a|aa)+$", r"(a|a)+b"]


def evil_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    for f in (ROOT / "rules").glob("*.yaml"):
        (rules / f.name).write_bytes(f.read_bytes())
    patterns = ", ".join(f"'{p}'" for p in EVIL_PATTERNS)
    (rules / "evil.yaml").write_text(
        f"metrics:\n  - id: evil_share\n    unit: percent\n    cue_patterns: [{patterns}]\n"
    )
    return rules


def test_catastrophic_cue_patterns_cannot_hang_a_run(tmp_path: Path) -> None:
    rules = load_rules([evil_rules(tmp_path)])
    src = tmp_path / "src"
    src.mkdir()
    adversarial = "a" * 20_000 + " the share rose by 5 % " + "a" * 20_000 + "!"
    words = " ".join(["word"] * 3000) + " growth of 7 % !"
    (src / "adv.txt").write_text(
        f"{adversarial}\n{words}\nTrade turnover between Kazakhstan and Russia reached "
        "$23.6 billion in 2022.\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    corpus = engine.analyse_paths([src], rules)
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"{elapsed:.1f} s"  # a hang guard, not a benchmark
    report = engine.build_report(corpus, rules)
    # the run went on: the ordinary rules still bound the ordinary figure
    assert any(c.metric == "trade_turnover" for c in report.claims)


def test_a_catastrophic_pattern_binds_the_same_on_every_run(tmp_path: Path) -> None:
    """Under a time limit, `(a+)+$|share` timed out on the run of a's before it reached
    "share": the figure bound on a fast machine and not on a loaded one.  RE2 runs in linear
    time: the cue is found, every run, whatever the load."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.yaml").write_text(
        "metrics:\n  - id: evil_share\n    unit: percent\n    cue_patterns: ['(a+)+$|share']\n",
        encoding="utf-8",
    )
    src = tmp_path / "src"
    src.mkdir()
    (src / "adv.txt").write_text("Its " + "a" * 300 + " share rose by 5 %.\n", encoding="utf-8")
    rs = load_rules([rules])
    runs = {
        tuple(c.id for c in engine.build_report(engine.analyse_paths([src], rs), rs).claims)
        for _ in range(3)
    }
    assert len(runs) == 1
    [claims] = runs
    assert any(c.endswith("evil_share") for c in claims), claims


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"(?<=export)s", "not a valid regular expression for RE2"),
        (r"(\w+)\s+\1", "not a valid regular expression for RE2"),
        (r"\bэкспорт\b", "\\p{L}"),
    ],
)
def test_a_pattern_re2_cannot_run_as_written_is_a_located_error(
    tmp_path: Path, pattern: str, why: str
) -> None:
    (tmp_path / "r.yaml").write_text(
        f"metrics:\n  - id: m\n    unit: percent\n    cue_patterns: ['{pattern}']\n",
        encoding="utf-8",
    )
    with pytest.raises(FactcheckError) as info:
        load_rules([tmp_path / "r.yaml"])
    assert str(info.value.location).endswith("r.yaml:4:19")
    assert why in info.value.message
