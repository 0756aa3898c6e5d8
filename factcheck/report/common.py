"""What the human-readable reports (Markdown, HTML) share: the sections and their order.

Both formats tell the same story in the same order, so the choices live here once: what counts
as a conflict worth reading first, which claims nobody corroborates, how a subject or a period
is worded.  Nothing here formats for one medium.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from factcheck.checks.base import show_interval, show_value
from factcheck.models import Claim, Finding, Period, Report, SourceInfo

NONE = "—"

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Summary:
    sources: int
    claims: int
    agreements: int
    conflicts: int
    known_fact_conflicts: int

    HEADERS = ("sources read", "claims", "agreements", "conflicts", "known-fact conflicts")

    def row(self) -> tuple[int, int, int, int, int]:
        return (
            self.sources,
            self.claims,
            self.agreements,
            self.conflicts,
            self.known_fact_conflicts,
        )


def summarize(report: Report) -> Summary:
    cs = [f for f in report.findings if f.status == "conflict"]
    return Summary(
        sources=len(report.sources),
        claims=len(report.claims),
        agreements=sum(1 for f in report.findings if f.status == "agreement"),
        conflicts=len(cs),
        known_fact_conflicts=sum(1 for f in cs if f.known_fact),
    )


def conflicts(report: Report) -> list[Finding]:
    """Conflicts, the most serious first: errors before warnings, a broken known fact first.

    The sort is stable, so within a rank the engine's deterministic order is kept.
    """
    return sorted(
        (f for f in report.findings if f.status == "conflict"),
        key=lambda f: (_SEVERITY_RANK.get(f.severity, 3), not f.known_fact),
    )


def agreements(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.status == "agreement"]


def claim_index(report: Report) -> dict[str, Claim]:
    return {c.id: c for c in report.claims}


def uncorroborated(report: Report) -> list[Claim]:
    """Claims no check looked at: one source says so and nothing confirms or contradicts it.

    A claim any finding names (an agreement, a conflict, a known fact, an arithmetic check) has
    been weighed; the rest stand on one source's word, which a reader should know.
    """
    checked = {cid for f in report.findings for cid in f.claims}
    return [c for c in report.claims if c.id not in checked]


def subject_text(subject: Iterable[str]) -> str:
    return ", ".join(subject) or NONE


def period_text(period: Period | None) -> str:
    return period.label if period else NONE


def claim_value(c: Claim) -> str:
    text = show_value(c)
    word = {"approx": "about ", "over": "over ", "under": "under "}.get(c.qualifier, "")
    said = f" according to {c.attribution}" if c.attribution else ""
    as_of = f" (as of {c.as_of.moment_label})" if c.as_of is not None else ""
    return f"{word}{text}{said}{as_of}"


def claim_interval(c: Claim) -> str:
    return show_interval(c)


def source_label(info: SourceInfo | None, source_id: str) -> str:
    """'caliber.az (002_de4b…)' when the outlet is known, else the id alone."""
    if info is not None and info.outlet:
        return f"{info.outlet} ({source_id})"
    return source_id


def date_from(info: SourceInfo) -> str:
    """Where a source's date came from, for the source table: sources file, header, byline,
    dateline, metadata (an HTML page's), "sources file (as of)" for the date an undated
    article speaks from, or none."""
    if info.published is None and info.as_of is not None:
        return "sources file (as of)"
    return {"sources-file": "sources file"}.get(info.published_from, info.published_from)


def source_index(report: Report) -> dict[str, SourceInfo]:
    return {s.id: s for s in report.sources}


def finding_claims(f: Finding, claims: dict[str, Claim]) -> list[Claim]:
    """The finding's claims that the report carries (a merged report may have lost some)."""
    return [claims[cid] for cid in f.claims if cid in claims]


def finding_title(f: Finding) -> str:
    subject = subject_text(f.subject)
    title = f.metric if subject == NONE else f"{f.metric} — {subject}"
    return f"{title} ({f.period.label})" if f.period else title


def joined(sep: str, parts: Iterable[str | Iterable[str]]) -> Iterator[str]:
    """The text of `sep.join(parts)` in pieces, in order, where a part is a string or itself
    pieces (a section made as it is written): a report is streamed, never joined whole."""
    for i, part in enumerate(parts):
        if i:
            yield sep
        if isinstance(part, str):
            yield part
        else:
            yield from part
