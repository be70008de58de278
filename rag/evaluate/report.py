"""What `rag eval` shows and writes: terminal tables, failures, report.md, the chart, JSON.

Formatting only: the scores come from `rag.evaluate.run` (`EvalResult`, `Record`); nothing
here computes a metric.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.evaluate.records import METRICS

if TYPE_CHECKING:
    from rag.evaluate.records import Aggregate, EvalResult, Record

SHOW_FAILURES = 30  # failures printed in the terminal; --json and --report hold all

# Column headings of the metrics table ({k}: the context-recall cut-off).
_SHORT = {
    "hit@1": "hit@1",
    "hit@5": "hit@5",
    "mrr@10": "mrr@10",
    "ndcg@10": "ndcg@10",
    "context_recall": "ctx@{k}",
    "answer_recall": "ans_rec",
    "exact": "exact",
    "citation_precision": "cit_prec",
    "citation_coverage": "cit_cov",
    "refusal_accuracy": "refusal",
}


# ---- tables -------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _diff(ours: float | None, base: float | None) -> str:
    return "-" if ours is None or base is None else f"{ours - base:+.2f}"


def _groups(result: EvalResult) -> list[tuple[str, Aggregate]]:
    return (
        [("overall", result.overall)]
        + [(f"type {t}", a) for t, a in result.by_type.items()]
        + [(f"lang {g}", a) for g, a in result.by_lang.items()]
    )


def metric_rows(result: EvalResult) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the metrics table: overall, per type, per lang."""
    k = result.config.get("k", "")
    header = ["group", "n"] + [_SHORT[key].format(k=k) for key in METRICS]
    rows = [
        [name, str(a.n)] + [_f(a.metrics[key]) for key in METRICS] for name, a in _groups(result)
    ]
    return header, rows


def comparison_rows(ours: EvalResult, base: EvalResult) -> tuple[list[str], list[list[str]]]:
    """Ours vs baseline: overall metrics, then hit@5 and answer recall per group."""
    header = ["metric", "ours", "baseline", "diff"]
    o, b = ours.overall, base.overall
    rows = [
        [key, _f(o.metrics[key]), _f(b.metrics[key]), _diff(o.metrics[key], b.metrics[key])]
        for key in METRICS
    ]
    rows.append(["answer length (chars)", _f(o.answer_chars, 0), _f(b.answer_chars, 0), ""])
    for name in ("search_p50", "ask_p50"):
        rows.append([f"{name} (ms)", _f(o.latency_ms[name], 0), _f(b.latency_ms[name], 0), ""])
    for (name, ga), (_, gb) in zip(_groups(ours)[1:], _groups(base)[1:], strict=True):
        for key in ("hit@5", "answer_recall"):
            x, y = ga.metrics[key], gb.metrics[key]
            if x is not None or y is not None:
                rows.append([f"{key} {name}", _f(x), _f(y), _diff(x, y)])
    return header, rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns aligned: the first left, the rest right."""
    cells = [header, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    return "\n".join([line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows])


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""

    def esc(c: str) -> str:
        return c.replace("|", "\\|").replace("\n", " ")

    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
    ]
    return "\n".join(out + ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows])


def latency_line(result: EvalResult) -> str:
    lat = result.overall.latency_ms
    return (
        f"latency (ms): search p50 {_f(lat['search_p50'], 0)}, p95 {_f(lat['search_p95'], 0)}; "
        f"ask p50 {_f(lat['ask_p50'], 0)}, p95 {_f(lat['ask_p95'], 0)}"
    )


# ---- terminal -----------------------------------------------------------------------------


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure_lines(r: Record) -> list[str]:
    """A failed question in four lines: reasons, question, expected, what came back."""
    lines = [f"{r.id} [{r.type}/{r.lang}] " + "; ".join(r.failure_reasons())]
    q = r.question + (f"  (searched as: {r.search_query})" if r.search_query != r.question else "")
    lines.append(f"  Q: {_clip(q, 200)}")
    if r.answerable:
        miss = f" (missing: {', '.join(r.missing)})" if r.missing else ""
        lines.append(f"  expected: {', '.join(r.answers)}{miss} in {', '.join(r.evidence)}")
    else:
        lines.append("  expected: decline (the articles do not say)")
    got = "(declined) " if r.abstained else ""
    lines.append(f"  got: {got}{_clip(r.answer)}")
    lines.append(f"  top articles: {', '.join(r.top_articles[:5]) or '-'}")
    return lines


def format_failures(result: EvalResult, limit: int | None = SHOW_FAILURES) -> str:
    fails = result.failures
    if not fails:
        return f"{result.system}: no failed questions"
    out = [f"{result.system}: {len(fails)} of {len(result.records)} questions failed"]
    for r in fails[:limit]:
        out += failure_lines(r)
    if limit is not None and len(fails) > limit:
        out.append(f"... and {len(fails) - limit} more (all are in --json and --report)")
    return "\n".join(out)


def format_result(result: EvalResult) -> str:
    header, rows = metric_rows(result)
    return f"{result.system}\n{text_table(header, rows)}\n{latency_line(result)}"


def format_thresholds(failures: Sequence[str], source: str) -> str:
    """One line per missed floor, then the verdict."""
    verdict = "thresholds: FAILED" if failures else f"thresholds: all met ({source})"
    return "\n".join([*(f"threshold: {f}" for f in failures), verdict])


# ---- files --------------------------------------------------------------------------------


def write_json(
    path: str | Path,
    results: Sequence[EvalResult],
    *,
    questions_file: str,
    baseline: EvalResult | None = None,
    thresholds: Mapping[str, Any] | None = None,
) -> Path:
    """Write every record and aggregate to `path` (`thresholds`: file, floors, failures)."""
    payload = {
        "questions_file": questions_file,
        "results": [r.to_dict() for r in results],
        "baseline": baseline.to_dict() if baseline is not None else None,
        "thresholds": dict(thresholds) if thresholds is not None else None,
    }
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def _chart(result: EvalResult, path: Path) -> None:
    """Grouped bars per question type: hit@5, context recall, answer recall, refusal accuracy."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    keys = ("hit@5", "context_recall", "answer_recall", "refusal_accuracy")
    types = list(result.by_type)
    fig = Figure(figsize=(max(6.0, 1.1 * len(types) + 2), 4.2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 / len(keys)
    for i, key in enumerate(keys):
        values = [result.by_type[t].metrics[key] for t in types]
        xs = [x + (i - (len(keys) - 1) / 2) * width for x in range(len(types))]
        ax.bar(xs, [float("nan") if v is None else v for v in values], width, label=key)
    ax.set_xticks(range(len(types)), [f"{t}\n(n={result.by_type[t].n})" for t in types], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title(f"{result.system}: metrics by question type")
    ax.legend(fontsize=8, ncols=len(keys), loc="lower center", bbox_to_anchor=(0.5, 1.08))
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _settings_rows(cfg: Mapping[str, Any]) -> list[list[str]]:
    """The report's settings table: what shaped the scores."""
    model = cfg["embed_model"] + (" (offline fallback)" if cfg["fallback_model"] else "")
    return [
        ["index", f"{cfg['index_dir']} ({cfg['articles']} articles, {cfg['chunks']} chunks)"],
        ["embedding model", model],
        ["chunking", f"{cfg['chunk_size']} tokens, {cfg['chunk_overlap']} overlap"],
        [
            "fusion",
            f"RRF k={cfg['rrf_k']}, BM25 weight {cfg['bm25_weight']}, dense weight "
            f"{cfg['dense_weight']}, {cfg['candidates']} candidates per channel",
        ],
        ["reranker", cfg["rerank_model"] or "off"],
        [
            "answerer reads",
            f"top {cfg['top_k']} passages; abstain threshold {cfg['abstain_threshold']}",
        ],
        [
            "scored",
            f"article ranking from the top {cfg['rank_depth']} passages; context recall@{cfg['k']}",
        ],
    ]


def write_report(
    folder: str | Path,
    results: Sequence[EvalResult],
    *,
    questions_file: str,
    baseline: EvalResult | None = None,
    threshold_failures: list[str] | None = None,
) -> Path:
    """Write `report.md` and `metrics_by_type.png` (of the first result) to `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    main = results[0]
    lines = [
        "# Evaluation report",
        "",
        f"Questions: `{questions_file}` ({len(main.records)}, {main.overall.answerable} answerable).",
        "",
        "## Settings",
        "",
        md_table(["setting", "value"], _settings_rows(main.config)),
        "",
    ]
    for res in results:
        header, rows = metric_rows(res)
        lines += [f"## {res.system}", "", md_table(header, rows), "", latency_line(res), ""]
    if baseline is not None:
        header, rows = comparison_rows(main, baseline)
        lines += [
            "## Ours vs the llama-index baseline",
            "",
            f"Baseline: {baseline.config['splitter']}, same embedding model, ephemeral Chroma, "
            "top 2 chunks; its answer is the two chunks concatenated, it sees no history, "
            "never declines, and its two source chunks count as its citations.",
            "",
            md_table(header, rows),
            "",
        ]
    if threshold_failures is not None:
        lines += ["## Thresholds", ""]
        lines += [f"- {f}" for f in threshold_failures] or ["All metrics at or above their floors."]
        lines.append("")
    lines += ["## Metrics by type", "", "![metrics by type](metrics_by_type.png)", ""]
    for res in [*results, *([baseline] if baseline is not None else [])]:
        fails = res.failures
        lines += [f"## Failures: {res.system} ({len(fails)} of {len(res.records)})", ""]
        for r in fails:
            first, *rest = failure_lines(r)
            lines += [f"- **{first}**"] + [f"  {x.strip()}  " for x in rest]
        lines.append("")
    (folder / "report.md").write_text("\n".join(lines), encoding="utf-8")
    _chart(main, folder / "metrics_by_type.png")
    return folder / "report.md"
