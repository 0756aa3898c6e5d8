"""Command line: arguments → calls.  Exit codes live here and nowhere else.

factcheck extract [PATHS...] [--format table|json]
factcheck report  [SOURCES...] [--rules DIR] [--out DIR] [--format json ...]
factcheck rules check [--rules DIR]
factcheck schema rules|report [--write]
factcheck check    [SOURCES...] [--rules DIR] [--baseline FILE] [--format text|github|sarif|junit|json]
factcheck baseline [SOURCES...] [--rules DIR] [--baseline FILE] [--reason TEXT]
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tabulate import tabulate

from factcheck.errors import FactcheckError, Location
from factcheck.fsutil import Content, write_files_atomically
from factcheck.printable import SafeStream, on_actions
from factcheck.report import FORMATS, RenderInput, render_streams

if TYPE_CHECKING:
    from factcheck.engine import Corpus
    from factcheck.models import Report
    from factcheck.rules import RuleSet

EXIT_OK = 0
EXIT_CONFLICT = 1
EXIT_USAGE = 2

DEFAULT_SOURCES = Path("seeds")
DEFAULT_RULES = Path("rules")
DEFAULT_OUT = Path("reports")
DEFAULT_BASELINE = Path("factcheck-baseline.yaml")
GATE_FORMATS = ("text", "github", "sarif", "junit", "json")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}\n  hint: run `{self.prog} --help`", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("--jobs needs at least 1")
    return n


def add_run_options(p: argparse.ArgumentParser) -> None:
    """How a corpus is analysed: processes, the claim store, a cluster, progress."""
    g = p.add_argument_group("large archives")
    g.add_argument("--jobs", type=_jobs, help="worker processes (default: all cores)")
    g.add_argument(
        "--store",
        type=Path,
        help="claim store for incremental runs (default: .factcheck/claims.db)",
    )
    g.add_argument("--no-store", action="store_true", help="neither read nor write the claim store")
    g.add_argument("--engine", choices=("local", "dask"), default="local")
    g.add_argument(
        "--scheduler", help="dask scheduler address (tcp://HOST:PORT), with --engine dask"
    )
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def analyse(
    args: argparse.Namespace | None, sources: list[Path], rules: RuleSet, keep_texts: bool = True
) -> Corpus:
    """analyse_paths with the options of `add_run_options`; without them, one process, no store."""
    from factcheck.engine import analyse_paths, default_jobs
    from factcheck.progress import wanted
    from factcheck.store import DEFAULT_STORE

    if args is None or not hasattr(args, "no_store"):
        return analyse_paths(sources, rules, keep_texts=keep_texts)
    if args.scheduler and args.engine != "dask":
        raise FactcheckError(
            "--scheduler is for the dask engine", Location("--scheduler"), "add --engine dask"
        )
    show = wanted(args.quiet)
    corpus = analyse_paths(
        sources,
        rules,
        jobs=args.jobs or default_jobs(),
        store_path=None if args.no_store else (args.store or DEFAULT_STORE),
        keep_texts=keep_texts,
        progress=show,
        engine=args.engine,
        scheduler=args.scheduler,
    )
    if show and not args.no_store:
        print(
            f"claim store: {corpus.cached} cached, {corpus.rebound} re-bound, "
            f"{corpus.fresh} analysed",
            file=sys.stderr,
        )
    return corpus


def _store_folder(args: argparse.Namespace | None) -> Path | None:
    """The claim store's folder, where the last report is kept too; None without a store."""
    from factcheck.store import DEFAULT_STORE

    if args is None or not hasattr(args, "no_store") or args.no_store:
        return None
    return Path(args.store or DEFAULT_STORE).parent


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="factcheck", description="Numeric and date consistency checker for news.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ex = sub.add_parser("extract", help="list every numeric and dated mention")
    ex.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SOURCES])
    ex.add_argument("--format", choices=("table", "json"), default="table")
    ex.add_argument("--all", action="store_true", help="include page furniture")

    rp = sub.add_parser("report", help="write the consistency report")
    rp.add_argument("sources", nargs="*", type=Path, default=[DEFAULT_SOURCES])
    rp.add_argument("--rules", type=Path, action="append", help="rules folder or file (repeatable)")
    rp.add_argument("--out", type=Path, default=DEFAULT_OUT)
    rp.add_argument(
        "--format", action="append", choices=sorted(FORMATS), help="repeatable; default: all"
    )
    add_run_options(rp)

    ru = sub.add_parser("rules", help="work with rule files")
    rsub = ru.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    rc = rsub.add_parser("check", help="validate rule files")
    rc.add_argument("paths", nargs="*", type=Path)
    rc.add_argument("--rules", type=Path, action="append")

    sc = sub.add_parser("schema", help="print a JSON Schema")
    sc.add_argument("which", choices=("rules", "report"))
    sc.add_argument("--write", type=Path, help="write to this file instead of printing")

    ck = sub.add_parser("check", help="CI gate: fail on conflicts not in the baseline")
    ck.add_argument("sources", nargs="*", type=Path, default=[DEFAULT_SOURCES])
    ck.add_argument("--rules", type=Path, action="append", help="rules folder or file (repeatable)")
    ck.add_argument(
        "--baseline", type=Path, help=f"accepted conflicts (default: {DEFAULT_BASELINE} if present)"
    )
    ck.add_argument(
        "--format",
        choices=GATE_FORMATS,
        help="default: text, or github when GITHUB_ACTIONS=true",
    )
    ck.add_argument("--output", type=Path, help="write to this file instead of printing")

    bl = sub.add_parser("baseline", help="record today's conflicts as accepted")
    bl.add_argument("sources", nargs="*", type=Path, default=[DEFAULT_SOURCES])
    bl.add_argument("--rules", type=Path, action="append", help="rules folder or file (repeatable)")
    bl.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    bl.add_argument("--reason", help="reason recorded on entries that have none yet")
    bl.add_argument(
        "--accept-known-facts",
        action="store_true",
        help="also accept conflicts with known facts (left out by default: they always fail)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    out, err = sys.stdout, sys.stderr
    # Everything printed passes through printable: article text, file names and rule-file
    # lines can hold terminal escapes and (under GitHub Actions) workflow commands.
    sys.stdout, sys.stderr = (SafeStream(s, on_actions()) for s in (out, err))
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(_dispatch(args))
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
        return code
    except FactcheckError as exc:
        _say(exc.render())
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("factcheck: interrupted; nothing was written")
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): what it did not read is not an error of its own,
        # but the run's verdict was not delivered either.
        _silence_stdout()
        return EXIT_USAGE
    except OSError as exc:
        # Any file or stream the system refused (a name past its limits, a full disk at
        # stdout, a folder that cannot be listed) is an error of factcheck's, never a
        # traceback, and never exit 1 (which means "a contradiction").
        where = exc.filename if exc.filename is not None else "factcheck"
        _say(
            f"{where}: {exc.strerror or exc}\n  hint: check the path, the disk and the permissions"
        )
        if exc.errno in (errno.EPIPE, errno.ENOSPC):
            _silence_stdout()
        return EXIT_USAGE
    except Exception as exc:  # a bug of factcheck's: still exit 2, never 1 ("a contradiction")
        if os.environ.get("FACTCHECK_DEBUG"):
            raise
        _say(
            f"factcheck: internal error: {type(exc).__name__}: {exc}\n  hint: this is a bug "
            "in factcheck; please report it with the command that caused it "
            "(FACTCHECK_DEBUG=1 shows where it happened)"
        )
        return EXIT_USAGE


def _tolerant_streams() -> None:
    """Print what the terminal's encoding cannot show as escapes, never a UnicodeEncodeError:
    an article quote in "smart quotes" on an ASCII or Latin-1 console."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and stream.errors == "strict":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _say(text: str) -> None:
    with contextlib.suppress(OSError):
        print(text, file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "extract":
        return cmd_extract(args.paths, args.format, args.all)
    if args.command == "report":
        return cmd_report(args.sources, args.rules or [DEFAULT_RULES], args.out, args.format, args)
    if args.command == "rules":
        return cmd_rules_check([*args.paths, *(args.rules or [])] or [DEFAULT_RULES])
    if args.command == "schema":
        return cmd_schema(args.which, args.write)
    if args.command == "check":
        return cmd_check(
            args.sources, args.rules or [DEFAULT_RULES], args.baseline, args.format, args.output
        )
    if args.command == "baseline":
        return cmd_baseline(
            args.sources,
            args.rules or [DEFAULT_RULES],
            args.baseline,
            args.reason,
            args.accept_known_facts,
        )
    raise AssertionError(args.command)


def cmd_extract(paths: list[Path], fmt: str, include_furniture: bool) -> int:
    from factcheck.extract import extract, truncation_note
    from factcheck.ingest import discover, metadata_for, read_source, source_ids

    files = discover(paths)
    meta = metadata_for(files)
    ids = source_ids(files)
    rows: list[dict[str, object]] = []
    for f in files:
        try:
            source = read_source(f, meta.get(f), ids[f])
        except FactcheckError as exc:
            print(f"warning: skipped {exc.render(show_line=False)}", file=sys.stderr)
            continue
        mentions = extract(source)
        note = truncation_note(source, mentions)
        if note:
            print(f"warning: {note}", file=sys.stderr)
        for m in mentions:
            if m.furniture and not include_furniture and fmt == "table":
                continue
            rows.append(_mention_row(m))
    if fmt == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False, sort_keys=True))
        return EXIT_OK
    table = [
        [
            r["source"],
            f"{r['line']}:{r['column']}",
            r["kind"],
            r["text"],
            _number_text(r["value"]),
            _interval_text(r),
            r["unit"] or "",
            r["qualifier"] if r["qualifier"] != "exact" else "",
        ]
        for r in rows
    ]
    print(
        tabulate(
            table,
            headers=[
                "source",
                "line:col",
                "kind",
                "text",
                "value",
                "interval",
                "unit",
                "qualifier",
            ],
            disable_numparse=True,
        )
    )
    return EXIT_OK


def _mention_row(m: object) -> dict[str, object]:
    from factcheck.models import Mention

    assert isinstance(m, Mention)
    row: dict[str, object] = {
        "source": m.source,
        "line": m.span.line,
        "column": m.span.column,
        "start": m.span.start,
        "end": m.span.end,
        "kind": m.kind,
        "text": m.text,
        "qualifier": m.qualifier,
        "furniture": m.furniture,
    }
    if m.quantity is not None:
        q = m.quantity
        row.update(
            value=q.value,
            low=None if q.low == float("-inf") else q.low,
            high=None if q.high == float("inf") else q.high,
            unit=q.unit,
        )
        if m.alternatives:
            row["alternatives"] = [a.model_dump() for a in m.alternatives]
    elif m.date is not None:
        row.update(
            value=m.date.label,
            low=m.date.start.isoformat(),
            high=m.date.end.isoformat(),
            unit=m.date.precision,
        )
    else:
        row.update(value=None, low=None, high=None, unit=None)
    if m.weekday:
        row["weekday"] = m.weekday
    if m.relative:
        row["relative"] = True
        row["resolved"] = m.resolved
    if m.shift_years is not None:
        row["shift_years"] = m.shift_years
    if m.part:
        row["part"] = m.part
    return row


def _interval_text(r: dict[str, object]) -> str:
    low, high = r.get("low"), r.get("high")
    if low is None and high is None and r.get("value") is None:
        return "(unresolved)"
    if low == high:
        return ""

    def fmt(x: object) -> str:
        return "∞" if x is None else _number_text(x)

    return f"[{fmt(low)}, {fmt(high)}]"


def _number_text(x: object) -> str:
    """A figure as a reader writes it in a table: 26,100,000,000 and 34.85, not 2.61e+10."""
    if not isinstance(x, float):
        return "" if x is None else str(x)
    if x.is_integer():
        return f"{x:,.0f}"
    return f"{x:,.10g}" if abs(x) < 1e15 else f"{x:.6g}"


def cmd_report(
    sources: list[Path],
    rules_paths: list[Path],
    out: Path,
    formats: list[str] | None,
    args: argparse.Namespace | None = None,
) -> int:
    from factcheck import reportcache
    from factcheck.engine import build_report, gc_paused
    from factcheck.report.common import summarize
    from factcheck.rules import load_rules

    rules = load_rules(rules_paths)
    chosen = formats or list(FORMATS)
    cache_dir = _store_folder(args)
    _refuse_inside_sources(sources, out, "--out")
    if cache_dir is not None:
        _refuse_inside_sources(sources, cache_dir, "--store")
    key_of = (sources, rules.sha256, chosen)
    key = reportcache.inputs_key(*key_of) if cache_dir else None
    cached = reportcache.load(cache_dir, key) if cache_dir and key else None
    outputs: Mapping[str, Content]
    try:
        if cached is not None:
            # Nothing changed since the last report: the same inputs give the same bytes.
            outputs = cached.outputs()
            summary, warnings = cached.summary, cached.warnings
        else:
            # Only the HTML report shows whole articles; the others need no text kept in memory.
            corpus = analyse(args, sources, rules, keep_texts="html" in chosen)
            report = build_report(corpus, rules)
            # Rendered while written, a piece at a time: no report is ever held whole.
            outputs = render_streams(RenderInput(report, corpus.texts), chosen)
            summary = list(summarize(report).row())
            warnings = list(corpus.warnings)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        # Rendering makes many short-lived strings and no cycles: a collection walking every
        # claim of an archive in the middle of it would find nothing to free.
        with gc_paused():
            written = write_files_atomically(out, outputs)
    finally:
        if cached is not None:
            cached.close()
    # Kept only when the inputs are still those the run began with: an article edited during
    # the run must not be served later under the key of what was read.
    if cache_dir and key and cached is None and key == reportcache.inputs_key(*key_of):
        reportcache.save(cache_dir, key, out, written, summary, warnings)
    print(
        tabulate(
            [summary],
            headers=["sources", "claims", "agreements", "conflicts", "known-fact conflicts"],
        )
    )
    for name in outputs:
        print(f"wrote {out / name}")
    return EXIT_OK


def _refuse_inside_sources(sources: Sequence[Path], target: Path, option: str) -> None:
    """Refuse an output folder inside a sources folder: the next run would read its reports
    (or the cache's copies of them) as articles.  A hidden folder (`.factcheck/`) is never
    searched for articles, so one inside the sources is fine."""
    try:
        where = target.resolve()
    except (OSError, RuntimeError):
        return  # writing there fails with its own error
    for s in sources:
        try:
            folder = s.resolve()
        except (OSError, RuntimeError):
            continue
        if not folder.is_dir() or not where.is_relative_to(folder):
            continue
        if any(part.startswith(".") for part in where.relative_to(folder).parts):
            continue
        raise FactcheckError(
            f"{option} {target} lies inside the sources folder {s}: the next run would read "
            "what it writes as articles",
            Location(option),
            f"choose {option} outside {s}, or a hidden folder in it (.factcheck/...)",
        )


def cmd_rules_check(paths: list[Path]) -> int:
    from factcheck.rules import load_rules

    rs = load_rules(paths)
    n_metrics = len(rs.metrics) - 1  # the built-in weekday metric
    print(
        f"{len(rs.files)} rule file(s) OK: {n_metrics} metrics, {len(rs.checks)} checks, "
        f"{len(rs.facts)} facts, {len(rs.entities)} entities"
    )
    return EXIT_OK


def cmd_schema(which: str, write: Path | None) -> int:
    if which == "rules":
        from factcheck.rules import rules_schema_text

        text = rules_schema_text()
    else:
        from factcheck.report import json as json_report

        text = json.dumps(json_report.schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if write is None:
        sys.stdout.write(text)
    else:
        if write.is_dir():
            raise FactcheckError("is a folder", Location(str(write)), "give a file name")
        write_files_atomically(write.parent, {write.name: text})
        print(f"wrote {write}")
    return EXIT_OK


def _gate_inputs(sources: list[Path], rules_paths: list[Path]) -> tuple[Report, Corpus, RuleSet]:
    from factcheck.engine import analyse_paths, build_report
    from factcheck.rules import load_rules

    rules = load_rules(rules_paths)
    corpus = analyse_paths(sources, rules)
    for w in corpus.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return build_report(corpus, rules), corpus, rules


def cmd_check(
    sources: list[Path],
    rules_paths: list[Path],
    baseline_path: Path | None,
    fmt: str | None,
    output: Path | None,
) -> int:
    from factcheck.baseline import Baseline, load_baseline
    from factcheck.gate import RuleInfo, evaluate, render_json, summary_line
    from factcheck.report import github, junit, sarif, text

    if baseline_path is not None and not baseline_path.is_file():
        raise FactcheckError(
            "no such baseline file",
            Location(str(baseline_path)),
            "create it with `factcheck baseline`, or leave out --baseline",
        )
    if baseline_path is None and DEFAULT_BASELINE.is_file():
        baseline_path = DEFAULT_BASELINE
    baseline = load_baseline(baseline_path) if baseline_path else Baseline()
    report, corpus, rules = _gate_inputs(sources, rules_paths)
    infos = [
        RuleInfo(c.id, c.kind, c.severity, getattr(c, "description", "")) for c in rules.checks
    ]
    result = evaluate(report, corpus.texts, baseline, infos)
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    renderers = {
        "text": text.render,
        "github": github.render,
        "sarif": sarif.render,
        "junit": junit.render,
        "json": render_json,
    }
    rendered = renderers[fmt](result)
    if output is None:
        if fmt == "github" and isinstance(sys.stdout, SafeStream):
            sys.stdout.raw(rendered)  # its annotations are commands; it escaped their data
        else:
            sys.stdout.write(rendered)
    else:
        if output.is_dir():
            raise FactcheckError("is a folder", Location(str(output)), "give --output a file name")
        _refuse_inside_sources(sources, output.parent, "--output")
        write_files_atomically(output.parent, {output.name: rendered})
        print(summary_line(result))
        print(f"wrote {output}")
    return EXIT_CONFLICT if result.failed else EXIT_OK


def cmd_baseline(
    sources: list[Path],
    rules_paths: list[Path],
    baseline_path: Path,
    reason: str | None,
    accept_known_facts: bool,
) -> int:
    from factcheck.baseline import Baseline, load_baseline, merge, unread_entries, write_baseline
    from factcheck.gate import accepted_entries

    previous = load_baseline(baseline_path) if baseline_path.is_file() else Baseline()
    report, _, _ = _gate_inputs(sources, rules_paths)
    entries, skipped = accepted_entries(report, accept_known_facts, previous)
    read = {s.id for s in report.sources}
    merged = merge(entries, previous, reason, read)
    write_baseline(baseline_path, merged)
    kept = {e.fingerprint for e in merged}
    dropped = [e for e in previous.entries if e.fingerprint not in kept]
    unread = len(unread_entries(previous, read))
    print(
        f"wrote {baseline_path}: {len(merged)} accepted conflict(s), {len(dropped)} dropped, "
        f"{unread} kept unchecked (their sources were not read)"
    )
    for e in dropped:  # a reason a person wrote is never dropped without a word
        print(
            f"dropped {e.fingerprint} ({e.rule}): no longer occurs"
            + (f"; its reason was: {e.reason}" if e.reason else ""),
            file=sys.stderr,
        )
    for f in skipped:
        print(
            f"not accepted: {f.rule}: {f.message}\n  hint: a known-fact conflict always fails; "
            "fix the article or the fact, or pass --accept-known-facts",
            file=sys.stderr,
        )
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
