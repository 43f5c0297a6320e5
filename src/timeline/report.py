"""Evaluation reports a reviewer reads at a glance: self-contained HTML, or Markdown.

A report has four parts: the metric table (GOLD.md key names), a per-article
breakdown, per-type confusion (timex types gold × predicted, events per type, statuses
gold × predicted) and the list of errors with their sentence (the span between
``⟦ ⟧`` in Markdown, highlighted in HTML). The HTML has inline CSS and no external
asset; Arabic cells are right-to-left.

``timeline report <out> <gold> -o FILE`` and ``timeline eval --report FILE`` write one
from an output folder; the pytest plugin writes one with ``--timeline-report``.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from timeline.regression.diff import KIND_LABELS, Evaluation, Problem, evaluate, read_texts

__all__ = [
    "evaluate_output",
    "render_html",
    "render_markdown",
    "report_sections",
    "write_report",
]

NONE = "—"

_METRIC_ROWS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    # (group, metrics, counts prefix)
    ("Timexes", ("timex_relaxed_P", "timex_relaxed_R", "timex_relaxed_F1"), "timex"),
    ("Timexes", ("timex_strict_F1", "timex_value_F1", "timex_type_acc", "timex_value_acc"), ""),
    ("Mentions", ("mention_P", "mention_R", "mention_F1"), "mention"),
    ("Mentions", ("mention_date_acc", "status_acc"), ""),
    ("Timeline", ("timeline_P", "timeline_R", "timeline_F1", "timeline_date_acc"), "timeline"),
    ("Links", ("link_P", "link_R", "link_F1"), "link"),
)
_ARTICLE_COLUMNS = (
    "timex_relaxed_F1",
    "timex_value_F1",
    "mention_F1",
    "mention_date_acc",
    "status_acc",
)


def _fmt(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, float):
        return NONE if value != value else f"{value:.3f}"
    return str(value)


# -------------------------------------------------------------------------- the data


def evaluate_output(
    out_dir: str | os.PathLike[str],
    gold_dir: str | os.PathLike[str],
    raw: str | os.PathLike[str] | None = None,
) -> Evaluation:
    """Score an output folder of ``timeline extract`` against gold, for a report.

    ``raw`` (the corpus the output was made from) gives every error its sentence;
    without it predictions use their ``sentence`` column and gold items have none.
    """
    from timeline.evaluate import load_gold

    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FileNotFoundError(f"output folder not found: {out_dir}")
    tables: dict[str, pd.DataFrame] = {}
    for name in ("timexes", "mentions", "events"):
        path = out_dir / f"{name}.parquet"
        if path.is_file():
            frame = pd.read_parquet(path)
            for col in frame.columns:  # dictionary columns come back as categoricals
                if isinstance(frame[col].dtype, pd.CategoricalDtype):
                    frame[col] = frame[col].astype(object)
            tables[name] = frame
    texts = read_texts(raw) if raw is not None else {}
    return evaluate(
        load_gold(gold_dir),
        tables.get("timexes", pd.DataFrame()),
        tables.get("mentions"),
        tables.get("events"),
        texts,
    )


Table = tuple[list[str], list[list[str]]]


def _metric_table(scores: Mapping[str, Any]) -> Table:
    rows = []
    for group, metrics, counts in _METRIC_ROWS:
        for metric in metrics:
            if metric not in scores:
                continue
            extra = ""
            if counts and metric.endswith("_F1"):
                extra = " ".join(
                    f"{k}={scores.get(f'{counts}_{k}', 0)}" for k in ("tp", "fp", "fn")
                )
                if counts == "timeline":
                    extra += f" duplicates={scores.get('timeline_duplicate_rows', 0)}"
            rows.append([group, metric, _fmt(scores[metric]), extra])
    return ["group", "metric", "value", "counts"], rows


def _article_table(ev: Evaluation) -> Table:
    header = ["article", "timexes tp/fp/fn", "mentions tp/fp/fn", *_ARTICLE_COLUMNS, "errors"]
    rows = []
    for aid in sorted(ev.gold):
        s = ev.article_scores.get(aid, {})
        tc = "/".join(str(s.get(f"timex_{k}", 0)) for k in ("tp", "fp", "fn"))
        mc = "/".join(str(s.get(f"mention_{k}", 0)) for k in ("tp", "fp", "fn"))
        draft = " (draft)" if ev.gold[aid].draft else ""
        cells = [_fmt(s.get(m)) for m in _ARTICLE_COLUMNS]
        rows.append([aid + draft, tc, mc, *cells, str(len(ev.article_problems.get(aid, [])))])
    return header, rows


def _confusion(pairs: Iterable[tuple[str, str]], missing: str, extra: str) -> Table:
    counts = Counter(pairs)
    gold = [*sorted({g for g, _p in counts if g != extra}), extra]
    pred = [*sorted({p for _g, p in counts if p != missing}), missing]
    rows = []
    for g in gold:
        row = [counts.get((g, p), 0) for p in pred]
        if any(row):
            rows.append([g, *(str(n) if n else "·" for n in row)])
    return ["gold \\ predicted", *pred], rows


def _timex_confusion(ev: Evaluation) -> Table:
    pairs = []
    for matches in ev.timex_matches.values():
        for m in matches:
            g = m.gold.type if m.gold is not None else "(extra)"  # type: ignore[union-attr]
            p = str((m.pred or {}).get("type")) if m.pred is not None else "(missing)"
            pairs.append((g, p))
    return _confusion(pairs, "(missing)", "(extra)")


def _status_confusion(ev: Evaluation) -> Table:
    pairs = []
    for matches in ev.status_matches.values():
        for m in matches:
            g = getattr(m.gold, "status", None) or "(extra)"
            p = str((m.pred or {}).get("status") or "occurred") if m.pred else "(missing)"
            pairs.append((g, p))
    return _confusion(pairs, "(missing)", "(extra)")


def _event_types(ev: Evaluation) -> Table:
    counts: dict[str, Counter[str]] = {}
    for matches in ev.mention_matches.values():
        for m in matches:
            etype = getattr(m.gold, "type", None) or (m.pred or {}).get("event_type") or "?"
            counts.setdefault(str(etype), Counter())[m.kind] += 1
    rows = []
    for etype in sorted(counts):
        c = counts[etype]
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        p = tp / (tp + fp) if tp + fp else None
        r = tp / (tp + fn) if tp + fn else None
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
        rows.append(
            [etype, str(tp), str(fp), str(fn), str(c["neutral"]), _fmt(p), _fmt(r), _fmt(f1)]
        )
    return ["event type", "tp", "fp", "fn", "neutral", "P", "R", "F1"], rows


def report_sections(ev: Evaluation) -> dict[str, Table]:
    """The report's tables by title (what both renderings show)."""
    return {
        "Metrics": _metric_table(ev.scores),
        "Per article": _article_table(ev),
        "Timex types (gold × predicted)": _timex_confusion(ev),
        "Event mentions per type": _event_types(ev),
        "Statuses (gold × predicted)": _status_confusion(ev),
    }


def _problem_cells(p: Problem) -> list[str]:
    span = f"{p.start}-{p.end}" if p.start is not None else ""
    return [
        p.scope,
        KIND_LABELS.get(p.kind, p.kind),
        p.label or "",
        p.article_id or "",
        span,
        p.text or "",
        p.expected or "",
        p.got or "",
        p.note or "",
        p.context or "",
    ]


_PROBLEM_HEADER = [
    "scope",
    "error",
    "type",
    "article",
    "span",
    "text",
    "expected",
    "got",
    "note",
    "context",
]


# ------------------------------------------------------------------------- markdown


def _md_cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split()) or " "


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(ev: Evaluation, title: str = "Timeline evaluation") -> str:
    """The report as GitHub-flavoured Markdown."""
    drafts = sum(d.draft for d in ev.gold.values())
    parts = [f"# {title}", "", _summary(ev, drafts), ""]
    for name, (header, rows) in report_sections(ev).items():
        parts += [f"## {name}", "", _md_table(header, rows) if rows else "_none_", ""]
    problems = ev.problems
    parts += [f"## Errors ({len(problems)})", ""]
    if problems:
        parts.append(_md_table(_PROBLEM_HEADER, [_problem_cells(p) for p in problems]))
    else:
        parts.append("_none_")
    return "\n".join(parts) + "\n"


def _summary(ev: Evaluation, drafts: int) -> str:
    text = f"{len(ev.gold)} article(s) with gold"
    if drafts:
        text += f", {drafts} still draft"
    return text + f"; {len(ev.problems)} error(s) listed."


# ----------------------------------------------------------------------------- html

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Tahoma,"Noto Naskh Arabic",sans-serif;
margin:2rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #d0d0d0;padding:.25rem .5rem;vertical-align:top;text-align:start}
th{background:#f3f3f3}td.num{text-align:end;font-variant-numeric:tabular-nums}
td.ar{direction:rtl;unicode-bidi:plaintext;text-align:right;
font-family:"Noto Naskh Arabic","Amiri",Tahoma,serif;font-size:1rem;min-width:12rem}
mark{background:#ffe08a;padding:0 .1rem}
tr.missing td:nth-child(2),tr.missed_event td:nth-child(2){color:#a40000}
tr.extra td:nth-child(2),tr.extra_row td:nth-child(2){color:#8a5a00}
.summary{color:#555}
"""

_ARABIC = {"text", "context"}


def _html_cell(value: str, column: str) -> str:
    if column in _ARABIC and value:
        body = html.escape(value).replace("⟦", "<mark>").replace("⟧", "</mark>")
        return f'<td class="ar" dir="rtl" lang="ar">{body}</td>'
    numeric = value.replace(".", "", 1).isdigit() or value == NONE
    return f"<td{' class=num' if numeric else ''}>{html.escape(value)}</td>"


def _html_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], classes: Sequence[str] = ()
) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{html.escape(classes[i])}"' if i < len(classes) else ""
        cells = "".join(_html_cell(c, header[j]) for j, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(ev: Evaluation, title: str = "Timeline evaluation") -> str:
    """The report as one self-contained HTML page (inline CSS, no external asset)."""
    drafts = sum(d.draft for d in ev.gold.values())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="summary">{html.escape(_summary(ev, drafts))}</p>',
    ]
    for name, (header, rows) in report_sections(ev).items():
        parts.append(f"<h2>{html.escape(name)}</h2>")
        parts.append(_html_table(header, rows) if rows else "<p><em>none</em></p>")
    problems = ev.problems
    parts.append(f"<h2>Errors ({len(problems)})</h2>")
    if problems:
        rows = [_problem_cells(p) for p in problems]
        parts.append(_html_table(_PROBLEM_HEADER, rows, [p.kind for p in problems]))
    else:
        parts.append("<p><em>none</em></p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(
    path: str | os.PathLike[str],
    ev: Evaluation,
    fmt: str | None = None,
    title: str = "Timeline evaluation",
) -> Path:
    """Write the report to ``path``: ``fmt`` ``html`` or ``md`` (default: from the suffix)."""
    path = Path(path)
    fmt = fmt or ("md" if path.suffix.lower() in (".md", ".markdown") else "html")
    if fmt not in ("html", "md"):
        raise ValueError(f"report format must be html or md, got {fmt!r}")
    text = render_markdown(ev, title) if fmt == "md" else render_html(ev, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
