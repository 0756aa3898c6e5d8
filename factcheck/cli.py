"""Command line: arguments → calls.  Exit codes live here and nowhere else.

factcheck extract [PATHS...] [--format table|json]
factcheck report  [SOURCES...] [--rules DIR] [--out DIR] [--format json ...]
factcheck rules check [--rules DIR] [--format text|github|json]
factcheck rules test  [--rules DIR] [--format text|github|json]
factcheck explain SOURCE:LINE[:COL] | CLAIM_ID [SOURCES...] [--rules DIR] [--format text|json]
factcheck schema rules|report [--write]
factcheck check    [SOURCES...] [--rules DIR] [--baseline FILE] [--format text|github|sarif|junit|json]
factcheck baseline [SOURCES...] [--rules DIR] [--baseline FILE] [--reason TEXT]
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tabulate import tabulate

from factcheck import __version__
from factcheck.errors import FactcheckError, Location
from factcheck.fsutil import Content, write_files_atomically
from factcheck.printable import SafeStream, on_actions
from factcheck.report import FORMATS, RenderInput, render_streams

if TYPE_CHECKING:
    from factcheck.baseline import Baseline
    from factcheck.engine import Corpus
    from factcheck.ingest import IngestOptions
    from factcheck.report.common import Desk, ReportData, ReportView
    from factcheck.rules import RuleSet

EXIT_OK = 0
EXIT_CONFLICT = 1
EXIT_USAGE = 2

DEFAULT_SOURCES = Path("seeds")
DEFAULT_RULES = Path("rules")
DEFAULT_OUT = Path("reports")
DEFAULT_BASELINE = Path("factcheck-baseline.yaml")
GATE_FORMATS = ("text", "github", "sarif", "junit", "json")
RULES_FORMATS = ("text", "github", "json")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}\n  hint: run `{self.prog} --help`", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


# Sources as given: folders and files, `-`, and fsspec URLs (`s3://bucket/news/`), which stay
# text because a Path would fold their `//`.
Sources = Sequence[Path | str]


def _source(text: str) -> Path | str:
    from factcheck.ingest.remote import is_url

    return text if is_url(text) else Path(text)


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
    g.add_argument(
        "--shared-storage",
        action="store_true",
        help="with --engine dask: the workers read the archive at the same paths (a shared "
        "folder), so no article is sent from here",
    )
    g.add_argument(
        "--scratch",
        metavar="DIR|URL",
        help="with --engine dask: a folder every worker and this machine reach at the same "
        "name (a shared mount, or an fsspec URL such as s3://bucket/tmp/) where the workers "
        "put their results, so their claims never pass through here",
    )
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def add_input_options(p: argparse.ArgumentParser) -> None:
    """How sources are read: the record fields of JSON Lines and CSV dumps."""
    g = p.add_argument_group("sources")
    g.add_argument(
        "--field",
        action="append",
        metavar="NAME=FIELD[,FIELD]",
        help="the dump field(s) holding NAME (id, text, url, published, outlet, title), tried "
        "before the usual names; repeatable, e.g. --field text=story_text",
    )


def ingest_options(args: argparse.Namespace | None) -> IngestOptions:
    """The dump field names: --field over the project config's over the usual names."""
    from factcheck.ingest import DEFAULT_FIELDS, IngestOptions

    fields = dict(DEFAULT_FIELDS)
    named: list[str] = list(getattr(args, "config_fields", None) or [])
    named += list(getattr(args, "field", None) or [])
    for item in named:
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        columns = tuple(c.strip() for c in value.split(",") if c.strip())
        if not sep or name not in DEFAULT_FIELDS or not columns:
            raise FactcheckError(
                f"not a field naming: {item!r}",
                Location("--field"),
                f"write NAME=FIELD with NAME one of {', '.join(DEFAULT_FIELDS)}, "
                "e.g. --field text=story_text",
            )
        fields[name] = columns + tuple(f for f in DEFAULT_FIELDS[name] if f not in columns)
    return IngestOptions(fields=fields)


def analyse(
    args: argparse.Namespace | None,
    sources: Sources,
    rules: RuleSet,
    keep_texts: bool = True,
    json_only: bool = False,
    spill: bool = False,
) -> Corpus:
    """analyse_paths with the options of `add_run_options`; without them, one process, no store."""
    from factcheck.engine import analyse_paths, default_jobs
    from factcheck.progress import wanted
    from factcheck.store import DEFAULT_STORE

    options = ingest_options(args)
    if args is None or not hasattr(args, "no_store"):
        return analyse_paths(
            sources,
            rules,
            keep_texts=keep_texts,
            json_only=json_only,
            options=options,
            spill=spill,
        )
    if args.shared_storage and args.engine != "dask":
        raise FactcheckError(
            "--shared-storage is for the dask engine",
            Location("--shared-storage"),
            "add --engine dask",
        )
    for flag in ("scheduler", "scratch"):
        if getattr(args, flag) and args.engine != "dask":
            raise FactcheckError(
                f"--{flag} is for the dask engine", Location(f"--{flag}"), "add --engine dask"
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
        options=options,
        shared_storage=args.shared_storage,
        json_only=json_only,
        scratch_at=args.scratch,
        spill=spill,
    )
    if not args.no_store:
        from factcheck.config import ignore_folder

        ignore_folder(Path(args.store or DEFAULT_STORE).parent)
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
    p.add_argument("--version", action="version", version=f"factcheck {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ex = sub.add_parser("extract", help="list every numeric and dated mention")
    ex.add_argument("paths", nargs="*", type=Path, help="default: the config's sources, or seeds")
    ex.add_argument("--format", choices=("table", "json"), default="table")
    ex.add_argument("--all", action="store_true", help="include page furniture")
    add_input_options(ex)

    rp = sub.add_parser("report", help="write the consistency report")
    rp.add_argument("sources", nargs="*", type=_source)
    rp.add_argument("--rules", type=Path, action="append", help="rules folder or file (repeatable)")
    rp.add_argument("--out", type=Path, help=f"default: the config's out, or {DEFAULT_OUT}")
    rp.add_argument(
        "--format", action="append", choices=sorted(FORMATS), help="repeatable; default: all"
    )
    rp.add_argument(
        "--baseline",
        type=Path,
        help=f"accepted conflicts, shown with their reasons (default: {DEFAULT_BASELINE} if present)",
    )
    rp.add_argument(
        "--html-pages",
        action="store_true",
        default=None,
        help="write the HTML report as an index page and one page per metric "
        "(default: only for archives of over 50,000 articles)",
    )
    add_run_options(rp)
    add_input_options(rp)

    ru = sub.add_parser("rules", help="work with rule files")
    rsub = ru.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    rc = rsub.add_parser("check", help="validate rule files")
    rc.add_argument("paths", nargs="*", type=Path)
    rc.add_argument("--rules", type=Path, action="append")
    rc.add_argument("--format", choices=RULES_FORMATS, default="text")
    rt = rsub.add_parser("test", help="run the metrics' examples")
    rt.add_argument("paths", nargs="*", type=Path)
    rt.add_argument("--rules", type=Path, action="append")
    rt.add_argument("--format", choices=RULES_FORMATS, default="text")

    xp = sub.add_parser("explain", help="why each figure at a place bound, or did not")
    xp.add_argument("target", help="SOURCE:LINE[:COL] (a file or a source id) or a claim id")
    xp.add_argument("sources", nargs="*", type=Path, default=[DEFAULT_SOURCES])
    xp.add_argument("--rules", type=Path, action="append", help="rules folder or file")
    xp.add_argument("--format", choices=("text", "json"), default="text")

    sc = sub.add_parser("schema", help="print a JSON Schema")
    sc.add_argument("which", choices=("rules", "report"))
    sc.add_argument("--write", type=Path, help="write to this file instead of printing")

    ck = sub.add_parser("check", help="CI gate: fail on conflicts not in the baseline")
    ck.add_argument("sources", nargs="*", type=_source)
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
    ck.add_argument(
        "--allow-skipped",
        action="store_true",
        help="pass even when sources meant to be read were skipped (they are still listed)",
    )
    add_input_options(ck)

    bl = sub.add_parser("baseline", help="record today's conflicts as accepted")
    bl.add_argument("sources", nargs="*", type=_source)
    bl.add_argument("--rules", type=Path, action="append", help="rules folder or file (repeatable)")
    bl.add_argument("--baseline", type=Path, help=f"default: the config's, or {DEFAULT_BASELINE}")
    bl.add_argument("--reason", help="reason recorded on entries that have none yet")
    bl.add_argument(
        "--accept-known-facts",
        action="store_true",
        help="also accept conflicts with known facts (left out by default: they always fail)",
    )
    add_input_options(bl)

    it = sub.add_parser("init", help="write a starter factcheck.toml and a commented rules file")
    it.add_argument("--dir", type=Path, default=Path(), help="the project folder (default: here)")
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
        apply_config(args)
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


def apply_config(args: argparse.Namespace) -> None:
    """Fill what the command line left out from the project config, then the defaults."""
    if args.command in ("init", "schema"):
        return
    from factcheck import config

    cfg = config.load()
    if args.command == "extract":
        args.paths = args.paths or cfg.sources or [DEFAULT_SOURCES]
    elif args.command == "rules":
        args.rules = args.rules or ([] if args.paths else cfg.rules)
    else:
        args.sources = args.sources or cfg.sources or [DEFAULT_SOURCES]
        args.rules = args.rules or cfg.rules
    if args.command == "report":
        args.out = args.out or cfg.out or DEFAULT_OUT
        args.format = args.format or cfg.formats
        unknown = sorted(set(args.format or ()) - set(FORMATS))
        if unknown:
            raise FactcheckError(
                f"unknown report format {unknown[0]!r}",
                Location(str(cfg.path)),
                f"formats: {', '.join(sorted(FORMATS))}",
            )
    if args.command == "check" and args.baseline is None and cfg.baseline is not None:
        # As the default baseline: read when present; the first `factcheck baseline` writes it.
        args.baseline = cfg.baseline if cfg.baseline.is_file() else None
    if args.command == "baseline":
        args.baseline = args.baseline or cfg.baseline
    if args.command == "baseline":
        args.baseline = args.baseline or DEFAULT_BASELINE
    args.config_fields = cfg.field_options()


def cmd_init(folder: Path) -> int:
    """A starter config and a commented rules file; existing files are left alone."""
    from factcheck import config

    files = {
        folder / config.CONFIG_FILE: config.STARTER_CONFIG,
        folder / "rules" / "starter.yaml": config.STARTER_RULES,
    }
    for path, text in files.items():
        if path.exists():
            print(f"{path} exists; left as it is")
            continue
        write_files_atomically(path.parent, {path.name: text})
        print(f"wrote {path}")
    (folder / "articles").mkdir(exist_ok=True)
    print("next: put articles in articles/, rules in rules/, then run `factcheck check`")
    return EXIT_OK


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "extract":
        return cmd_extract(args.paths, args.format, args.all, ingest_options(args))
    if args.command == "report":
        return cmd_report(args.sources, args.rules or [DEFAULT_RULES], args.out, args.format, args)
    if args.command == "rules":
        paths = [*args.paths, *(args.rules or [])] or [DEFAULT_RULES]
        if args.rules_command == "test":
            return cmd_rules_test(paths, args.format)
        return cmd_rules_check(paths, args.format)
    if args.command == "explain":
        from factcheck.explain import explain

        print(
            explain(args.target, args.sources, args.rules or [DEFAULT_RULES], args.format), end=""
        )
        return EXIT_OK
    if args.command == "schema":
        return cmd_schema(args.which, args.write)
    if args.command == "check":
        return cmd_check(
            args.sources,
            args.rules or [DEFAULT_RULES],
            args.baseline,
            args.format,
            args.output,
            args.allow_skipped,
            ingest_options(args),
        )
    if args.command == "init":
        return cmd_init(args.dir)
    if args.command == "baseline":
        return cmd_baseline(
            args.sources,
            args.rules or [DEFAULT_RULES],
            args.baseline,
            args.reason,
            args.accept_known_facts,
            ingest_options(args),
        )
    raise AssertionError(args.command)


def cmd_extract(
    paths: list[Path], fmt: str, include_furniture: bool, options: IngestOptions | None = None
) -> int:
    from factcheck.extract import extract, truncation_note
    from factcheck.ingest import (
        document_ids,
        document_path,
        documents_meta,
        find_documents,
        read_document,
    )

    found = find_documents(paths, options)
    for w in found.warnings:
        print(f"warning: {w.render(show_line=False)}", file=sys.stderr)
    for e in found.skipped:
        print(f"warning: skipped {e.render(show_line=False)}", file=sys.stderr)
    docs = found.documents
    meta = documents_meta(docs)
    ids = document_ids(docs)
    rows: list[dict[str, object]] = []
    read = 0
    for doc, dm, sid in zip(docs, meta, ids, strict=True):
        try:
            source = read_document(doc.format, document_path(doc), doc.data, dm, sid)
        except FactcheckError as exc:
            print(f"warning: skipped {exc.render(show_line=False)}", file=sys.stderr)
            continue
        read += 1
        mentions = extract(source)
        note = truncation_note(source, mentions)
        if note:
            print(f"warning: {note}", file=sys.stderr)
        for m in mentions:
            if m.furniture and not include_furniture and fmt == "table":
                continue
            rows.append(_mention_row(m))
    if not read:
        raise FactcheckError(
            f"no article was read: found {found.summary()}",
            Location(", ".join(str(p) for p in paths) or "."),
            "point factcheck at the articles, or fix the files it skipped",
        )
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
    sources: Sources,
    rules_paths: list[Path],
    out: Path,
    formats: list[str] | None,
    args: argparse.Namespace | None = None,
) -> int:
    from factcheck import reportcache, spill
    from factcheck.engine import gc_paused, json_pieces, json_summary
    from factcheck.report.common import summarize
    from factcheck.rules import load_rules

    rules = load_rules(rules_paths)
    chosen = formats or list(FORMATS)
    # Only the reports a person reads show the desk's reasons; JSON alone needs no baseline.
    baseline_path = _report_baseline(args) if {"md", "html"} & set(chosen) else None
    baseline_bytes = baseline_path.read_bytes() if baseline_path else b""
    cache_dir = _store_folder(args)
    _refuse_inside_sources(sources, out, "--out")
    if cache_dir is not None:
        _refuse_inside_sources(sources, cache_dir, "--store")
    # The baseline's reasons are in the Markdown and HTML reports: a changed baseline is a
    # changed input.
    html_pages: bool | None = getattr(args, "html_pages", None) if args is not None else None
    inputs = f"{rules.sha256}:{hashlib.sha256(baseline_bytes).hexdigest()}:{html_pages}"
    key_of = (sources, inputs, chosen, ingest_options(args).key())
    key = reportcache.inputs_key(*key_of) if cache_dir else None
    cached = reportcache.load(cache_dir, key) if cache_dir and key else None
    outputs: Mapping[str, Content]
    corpus: Corpus | None = None
    try:
        if cached is not None:
            # Nothing changed since the last report: the same inputs give the same bytes.
            outputs = cached.outputs()
            summary, warnings = cached.summary, cached.warnings
        else:
            # Only the HTML report shows whole articles; the others need no text kept in memory.
            # The JSON report alone needs no records here either: the workers render them.
            # The others read them back from disk, a pass at a time (`factcheck.spill`).
            json_only = chosen == ["json"]
            corpus = analyse(args, sources, rules, "html" in chosen, json_only, not json_only)
            require_articles(corpus, sources)
            if json_only:
                outputs = {FORMATS["json"][0]: json_pieces(corpus, rules)}
                summary = list(json_summary(corpus).row())
            else:
                report = spill.report(corpus, rules)
                # Rendered while written, a piece at a time: no report is ever held whole.
                desk = _desk(rules, report, baseline_path)
                texts = corpus.text_spill if corpus.text_spill is not None else corpus.texts
                kept = corpus  # the JSON report is copied from its spill as it is written
                outputs = render_streams(
                    RenderInput(
                        report,
                        texts,
                        desk,
                        html_pages,
                        json=lambda: spill.json_pieces(kept, report),
                    ),
                    chosen,
                )
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
        if corpus is not None:
            corpus.close()
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


def _refuse_inside_sources(sources: Sources, target: Path, option: str) -> None:
    """Refuse an output folder inside a sources folder: the next run would read its reports
    (or the cache's copies of them) as articles.  A hidden folder (`.factcheck/`) is never
    searched for articles, so one inside the sources is fine."""
    try:
        where = target.resolve()
    except (OSError, RuntimeError):
        return  # writing there fails with its own error
    for s in sources:
        if not isinstance(s, Path):
            continue  # an archive at a URL: nothing written here lies inside it
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


def _report_baseline(args: argparse.Namespace | None) -> Path | None:
    """The baseline `factcheck report` shows reasons from: --baseline, else the default file."""
    given: Path | None = getattr(args, "baseline", None) if args is not None else None
    if given is not None:
        if not given.is_file():
            raise FactcheckError(
                "no such baseline file",
                Location(str(given)),
                "create it with `factcheck baseline`, or leave out --baseline",
            )
        return given
    return DEFAULT_BASELINE if DEFAULT_BASELINE.is_file() else None


def _desk(rules: RuleSet, report: ReportData, baseline_path: Path | None) -> Desk:
    """What the report words beside the figures: descriptions, facts' sources, accepted
    conflicts with the desk's reasons."""
    from factcheck.baseline import finding_fingerprint, load_baseline
    from factcheck.gate import conflict_claims
    from factcheck.report.common import Desk

    accepted: dict[str, str] = {}
    if baseline_path is not None:
        baseline = load_baseline(baseline_path)
        claims = conflict_claims(report)
        for f in report.findings:
            if f.status == "conflict":
                entry = baseline.get(finding_fingerprint(f, claims))
                if entry is not None:
                    accepted[entry.fingerprint] = entry.reason or ""
    return Desk(
        metrics={m.id: m.description for m in rules.metrics.values()},
        checks={c.id: getattr(c, "description", "") for c in rules.checks},
        facts={f.id: f.source for f in rules.facts},
        accepted=accepted,
    )


def cmd_rules_check(paths: list[Path], fmt: str = "text") -> int:
    from factcheck.rules import load_rules
    from factcheck.ruletest import collect, problems_of, render

    try:
        rs = load_rules(paths)
        collect(paths, rs)  # the examples of rules/tests/*.yaml are rule files too
    except FactcheckError as exc:
        if fmt == "text":
            raise
        sys.stdout.write(render(problems_of(exc), fmt, "rule files have mistakes"))
        return EXIT_USAGE
    for note in rs.notes:
        print(note, file=sys.stderr)
    n_metrics = len(rs.metrics) - 1  # the built-in weekday metric
    summary = (
        f"{len(rs.files)} rule file(s) OK: {n_metrics} metrics, {len(rs.checks)} checks, "
        f"{len(rs.facts)} facts, {len(rs.entities)} entities"
    )
    sys.stdout.write(render([], fmt, summary) if fmt != "text" else summary + "\n")
    return EXIT_OK


def cmd_rules_test(paths: list[Path], fmt: str) -> int:
    """Run every metric's examples: exit 1 when one fails, 2 when the rules have mistakes."""
    from factcheck.ruletest import problems_of, render, run

    try:
        total, failed = run(paths)
    except FactcheckError as exc:
        if fmt == "text":
            raise
        sys.stdout.write(render(problems_of(exc), fmt, "rule files have mistakes"))
        return EXIT_USAGE
    summary = f"{total - len(failed)} of {total} example(s) hold"
    if failed:
        summary += f"; {len(failed)} failed"
    sys.stdout.write(render(failed, fmt, summary))
    return EXIT_CONFLICT if failed else EXIT_OK


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


def _gate_inputs(
    sources: Sources,
    rules_paths: list[Path],
    options: IngestOptions | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[ReportView, Corpus, RuleSet]:
    """The report `check` and `baseline` read, its records put aside on disk as they arrive
    (`factcheck.spill`): the gate keeps the claims its conflicts name.  The caller closes the
    corpus."""
    from factcheck import spill
    from factcheck.engine import analyse_paths
    from factcheck.rules import load_rules

    rules = load_rules(rules_paths)
    corpus = analyse_paths(sources, rules, options=options, spill=True)
    try:
        for w in corpus.warnings:
            print(f"warning: {w}", file=sys.stderr)
        require_articles(corpus, sources)
        if timings is not None:
            timings.update(corpus.check_seconds)
        return spill.report(corpus, rules), corpus, rules
    except BaseException:
        corpus.close()
        raise


def require_articles(corpus: Corpus, sources: Sources) -> None:
    """Never green on nothing: a run that read no article is an error saying what it found."""
    from factcheck.ingest import SUFFIXES

    if corpus.articles:
        return
    where = ", ".join(str(s) for s in sources) or "."
    skipped = len(corpus.skipped)
    raise FactcheckError(
        f"no article was read: found {corpus.found.summary()}"
        + (f"; {skipped} skipped (see the warnings above)" if skipped else ""),
        Location(where),
        "point factcheck at the articles (formats read: "
        + ", ".join(sorted(SUFFIXES))
        + "), or fix the files it skipped",
    )


def read_line(corpus: Corpus) -> str:
    """How many articles a run read and skipped, for the summary of `check`."""
    read = corpus.articles
    line = f"factcheck: read {read} article{'s' if read != 1 else ''}"
    skipped = corpus.skipped
    line += f", skipped {len(skipped)}"
    if skipped:
        shown = ", ".join(skipped[:5]) + (
            f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        )
        line += f" ({shown})"
    found = corpus.found
    if found.unsupported:
        n = sum(found.unsupported.values())
        line += f"; {n} file{'s' if n != 1 else ''} of no input format not read"
    return line


def cmd_check(
    sources: Sources,
    rules_paths: list[Path],
    baseline_path: Path | None,
    fmt: str | None,
    output: Path | None,
    allow_skipped: bool = False,
    options: IngestOptions | None = None,
) -> int:
    from factcheck.baseline import Baseline, load_baseline

    if baseline_path is not None and not baseline_path.is_file():
        raise FactcheckError(
            "no such baseline file",
            Location(str(baseline_path)),
            "create it with `factcheck baseline`, or leave out --baseline",
        )
    if baseline_path is None and DEFAULT_BASELINE.is_file():
        baseline_path = DEFAULT_BASELINE
    baseline = load_baseline(baseline_path) if baseline_path else Baseline()
    timings: dict[str, float] = {}
    report, corpus, rules = _gate_inputs(sources, rules_paths, options, timings)
    try:
        return _gate(sources, report, corpus, rules, timings, baseline, fmt, output, allow_skipped)
    finally:
        corpus.close()


def _gate(
    sources: Sources,
    report: ReportView,
    corpus: Corpus,
    rules: RuleSet,
    timings: dict[str, float],
    baseline: Baseline,
    fmt: str | None,
    output: Path | None,
    allow_skipped: bool,
) -> int:
    """`check`'s verdict on an analysed corpus, written in the format asked for."""
    from factcheck import spill
    from factcheck.gate import RuleInfo, evaluate, render_json, summary_line
    from factcheck.report import github, junit, sarif, text

    infos = [
        RuleInfo(
            c.id,
            c.kind,
            c.severity,
            getattr(c, "description", ""),
            metric=getattr(c, "metric", "") or "",
            metric_description=(
                rules.metrics[c.metric].description
                if getattr(c, "metric", None) in rules.metrics
                else ""
            ),
            seconds=timings.get(c.id, 0.0),
        )
        for c in rules.checks
    ]
    texts = corpus.text_spill if corpus.text_spill is not None else corpus.texts
    result = evaluate(
        report, texts, baseline, infos, json_text=lambda: spill.json_pieces(corpus, report)
    )
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
    print(read_line(corpus), file=sys.stderr)
    if result.failed:
        return EXIT_CONFLICT
    if corpus.skipped and not allow_skipped:
        # What was not read may hold the contradiction: the gate does not pass over it.
        n = len(corpus.skipped)
        print(
            f"factcheck check FAILED: {n} source{'s' if n != 1 else ''} meant to be read "
            f"{'were' if n != 1 else 'was'} skipped, and what was not read was not checked\n"
            "  hint: fix or remove them (the warnings above say why each was skipped), "
            "or pass --allow-skipped",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return EXIT_OK


def cmd_baseline(
    sources: Sources,
    rules_paths: list[Path],
    baseline_path: Path,
    reason: str | None,
    accept_known_facts: bool,
    options: IngestOptions | None = None,
) -> int:
    from factcheck.baseline import Baseline, load_baseline, merge, unread_entries, write_baseline
    from factcheck.gate import accepted_entries

    previous = load_baseline(baseline_path) if baseline_path.is_file() else Baseline()
    report, corpus, _ = _gate_inputs(sources, rules_paths, options)
    try:
        entries, skipped = accepted_entries(report, accept_known_facts, previous)
    finally:
        corpus.close()
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
