"""Score retrieval and answers on a gold question file; the engine behind `rag eval`.

Per question: retrieval at article level (hit@1, hit@5, MRR@10, nDCG@10 over the distinct
articles of the top-10 passages), context recall@k (answer phrases in the top-k passages),
the answer's key-phrase recall, citation precision and coverage, whether it declined
exactly when it should, and latency. Follow-ups are searched with the standalone question
`engine.ask` answered (`Answer.question`), so retrieval is scored as the answerer saw it.
Everything is deterministic except the latencies. What `rag eval` prints and writes (tables,
report.md, the chart, JSON) is formatted in `rag.evaluate.report`.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import RagError
from rag.evaluate.questions import FIELDS, VALID_LANGS, Question, load_questions
from rag.evaluate.records import METRICS, RANK_DEPTH, EvalResult, score

__all__ = [
    "FIELDS",
    "METRICS",
    "VALID_LANGS",
    "EvalResult",
    "Question",
    "check_thresholds",
    "evaluate",
    "load_questions",
    "load_thresholds",
    "run_cli",
    "score",
]

log = logging.getLogger("rag")

if TYPE_CHECKING:
    import argparse

    from rag.config import Settings
    from rag.engine import Engine
    from rag.evaluate.baseline import Baseline


# ---- running ----------------------------------------------------------------------------


def _progress(items: Sequence[Question], show: bool, label: str) -> Iterable[Question]:
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="q", file=sys.stderr, leave=False)


def engine_config(engine: Engine, k: int, mode: str) -> dict[str, Any]:
    """The settings that shape the scores, for the JSON and the report."""
    s, info = engine.settings, engine.info()
    return {
        "mode": mode,
        "k": k,
        "rank_depth": RANK_DEPTH,
        "index_dir": str(s.index_dir),
        "articles": info.articles,
        "chunks": info.chunks,
        "embed_model": info.embed_model,
        "fallback_model": info.fallback_model,
        "chunk_size": info.chunk_size,
        "chunk_overlap": info.chunk_overlap,
        "top_k": s.top_k,
        "candidates": s.candidates,
        "bm25_weight": s.bm25_weight,
        # the engine swaps in its fallback weight when the index uses the fallback model
        "dense_weight": getattr(s, "fallback_dense_weight", s.dense_weight)
        if info.fallback_model
        else s.dense_weight,
        "rrf_k": s.rrf_k,
        "rerank_model": s.rerank_model,
        "abstain_threshold": s.abstain_threshold,
        "llm_model": s.llm_model if mode == "llm" else "",
        "index_built_at": info.built_at,
    }


def evaluate(
    engine: Engine,
    questions: Sequence[Question],
    *,
    k: int = 5,
    mode: str = "extractive",
    progress: bool = False,
) -> EvalResult:
    """Ask every question, search with the question that was answered, and score both.

    Args:
        engine: an open `Engine`.
        questions: from `load_questions`.
        k: passages scored for context recall (the answerer reads `settings.top_k`).
        mode: the answerer, "extractive" or "llm".
        progress: show a progress bar on stderr.

    Returns:
        An `EvalResult`; a question whose ask or search raises a `RagError` is recorded
        as failed with the message, and the run goes on.

    Example:
        >>> result = evaluate(Engine.open(), load_questions("evals/questions.jsonl"))
        >>> result.overall.metrics["hit@5"]
    """
    from rag.answer.verify import parse_markers

    if not 1 <= k <= 100:
        raise RagError(f"Expected --k between 1 and 100, got {k}.")
    if questions:  # untimed warm-up: lazy dictionaries and model caches load here
        try:
            engine.search(
                engine.ask(questions[0].question, mode=mode).question or questions[0].question, k=1
            )
        except RagError:
            pass
    config = engine_config(engine, k, mode)  # before the run: the index may be rebuilt during it
    records = []
    for q in _progress(questions, progress, mode):
        try:
            t0 = time.perf_counter()
            ans = engine.ask(q.question, history=q.history_messages() or None, mode=mode)
            t1 = time.perf_counter()
            query = ans.question or q.question
            hits = engine.search(query, k=max(RANK_DEPTH, k))
            t2 = time.perf_counter()
        except RagError as exc:
            records.append(score(q, search_query=q.question, error=str(exc)))
            continue
        used = set(parse_markers(ans.text))
        records.append(
            score(
                q,
                search_query=query,
                ranked_articles=[h.article_id for h in hits[:RANK_DEPTH]],
                contexts=[h.text for h in hits[:k]],
                answer=ans.text,
                abstained=ans.abstained,
                cited=[c.article_id for c in ans.citations if c.n in used],
                search_ms=(t2 - t1) * 1000,
                ask_ms=(t1 - t0) * 1000,
                notice=ans.notice,
            )
        )
    if engine.info().built_at != config["index_built_at"]:
        config["index_changed_during_run"] = True
        log.warning(
            "the index at %s was rebuilt during the evaluation, so the scores mix two builds: "
            "run the evaluation again",
            engine.settings.index_dir,
        )
    return EvalResult.build(f"rag ({mode})", config, records)


def evaluate_baseline(
    baseline: Baseline,
    questions: Sequence[Question],
    *,
    config: Mapping[str, Any] | None = None,
    progress: bool = False,
) -> EvalResult:
    """Score the llama-index baseline with the same metrics (`config`: ours, for the model).

    It sees the question alone (no history), retrieves 2 chunks (so hit@5 is bounded by
    them), answers with their concatenation, never declines, and its 2 source chunks
    count as its citations (no inline markers: citation coverage 0).
    """
    from rag.evaluate.baseline import TOP_K

    records = []
    for q in _progress(questions, progress, "baseline"):
        r = baseline.query(q.question)
        ms = r.seconds * 1000
        records.append(
            score(
                q,
                search_query=q.question,
                ranked_articles=r.article_ids,
                contexts=r.texts,
                answer=r.answer,
                abstained=False,
                cited=r.article_ids,
                search_ms=ms,
                ask_ms=ms,
            )
        )
    shared = ("embed_model", "fallback_model", "index_dir")  # the rest of ours does not apply
    cfg = {
        **{key: v for key, v in (config or {}).items() if key in shared},
        "mode": "llama-index baseline",
        "k": TOP_K,
        "rank_depth": TOP_K,
        "splitter": "SentenceSplitter (1024 tokens, 200 overlap)",
        "nodes": baseline.nodes,
        "articles": baseline.documents,
    }
    return EvalResult.build("llama-index baseline", cfg, records)


# ---- thresholds ---------------------------------------------------------------------------


def _check_metric(key: str, source: str) -> None:
    if key not in METRICS:
        raise RagError(f"{source}: unknown metric {key!r}; valid metrics: {', '.join(METRICS)}")


def load_thresholds(path: str | Path) -> dict[str, float]:
    """Read a thresholds file: a JSON object of metric name -> floor between 0 and 1."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RagError(f"thresholds file {path} not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RagError(f"cannot read thresholds file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise RagError(f"thresholds file {path} must hold a JSON object of metric -> floor")
    for key, value in data.items():
        _check_metric(key, str(path))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise RagError(
                f"{path}: the floor of {key} must be a number between 0 and 1, got {value!r}"
            )
    return {k: float(v) for k, v in data.items()}


def check_thresholds(result: EvalResult, thresholds: Mapping[str, float]) -> list[str]:
    """One message per overall metric below its floor; [] when all pass.

    Raises:
        RagError: a threshold names an unknown metric.
    """
    failures = []
    for key, floor in thresholds.items():
        _check_metric(key, "thresholds")
        value = result.overall.metrics[key]
        if value is None:
            if floor > 0:
                failures.append(
                    f"{key} was not measured (no qualifying question); its floor is {floor:.3f}"
                )
        elif value < floor - 1e-9:
            failures.append(f"{key} {value:.3f} is below its floor {floor:.3f}")
    return failures


# ---- command line -------------------------------------------------------------------------


def _check_evidence(engine: Engine, questions: Sequence[Question], path: str) -> None:
    """Stop when the index holds none of the evidence articles; warn when it lacks some."""
    known = {a.article_id for a in engine.articles()}
    needed = sorted({e for q in questions for e in q.evidence})
    missing = [e for e in needed if e not in known]
    if needed and len(missing) == len(needed):
        raise RagError(
            f"none of the {len(needed)} evidence articles of {path} is in the index at "
            f"{engine.settings.index_dir}: ingest that question set's corpus and evaluate "
            "with the same RAG_INDEX_DIR (see evals/README.md)"
        )
    if missing:
        print(
            f"warning: {len(missing)} of {len(needed)} evidence articles are not in the index "
            f"(e.g. {', '.join(missing[:3])}); their questions cannot be retrieved",
            file=sys.stderr,
        )


def _run_baseline(
    settings: Settings,
    engine: Engine,
    questions: Sequence[Question],
    *,
    articles: int,
    config: Mapping[str, Any],
    show: bool,
) -> EvalResult:
    """Build the llama-index baseline over the corpus (`articles`: the index's) and score it."""
    from rag.evaluate.baseline import Baseline

    base = Baseline.build(settings, engine.embedder)
    if base.documents != articles:
        print(
            f"warning: the baseline read {base.documents} articles from {settings.corpus_dir} "
            f"but the index holds {articles}: is RAG_CORPUS_DIR the corpus of RAG_INDEX_DIR?",
            file=sys.stderr,
        )
    try:
        return evaluate_baseline(base, questions, config=config, progress=show)
    finally:
        base.close()


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    """`rag eval`: print tables and failures, optionally write JSON and a report.

    Returns 1 when `--thresholds FILE` is given and an overall metric of the offline
    answerer is below its floor, else 0.
    """
    from rag.engine import Engine
    from rag.evaluate import report as out

    thresholds_file = getattr(args, "thresholds", None)
    thresholds = load_thresholds(thresholds_file) if thresholds_file else None
    questions = load_questions(args.questions)
    engine = Engine.open(settings=settings)
    _check_evidence(engine, questions, args.questions)
    info = engine.info()
    print(
        f"{len(questions)} questions from {args.questions}; index {info.index_dir}: "
        f"{info.articles} articles, {info.chunks} chunks, {info.embed_model}"
    )
    show = sys.stderr.isatty()
    results: list[EvalResult] = []
    for mode in ("extractive", "llm") if settings.llm_base_url else ("extractive",):
        results.append(evaluate(engine, questions, k=args.k, mode=mode, progress=show))
        print()
        print(out.format_result(results[-1]))
    if not settings.llm_base_url:
        print(
            "\nLLM answerer not configured (RAG_LLM_BASE_URL unset): only the offline answerer was scored."
        )
    base_result = None
    if args.baseline:
        base_result = _run_baseline(
            settings,
            engine,
            questions,
            articles=info.articles,
            config=results[0].config,
            show=show,
        )
        print(
            "\nours (offline answerer) vs the plain llama-index pipeline (top-2 chunks as answer)"
        )
        print(out.text_table(*out.comparison_rows(results[0], base_result)))
    for res in results:
        print()
        print(out.format_failures(res))
    failed = check_thresholds(results[0], thresholds) if thresholds is not None else None
    if args.json_out:
        checked = (
            {"file": str(thresholds_file), "floors": thresholds, "failures": failed}
            if thresholds is not None
            else None
        )
        path = out.write_json(
            args.json_out,
            results,
            questions_file=str(args.questions),
            baseline=base_result,
            thresholds=checked,
        )
        print(f"\nwrote {path}")
    if args.report:
        path = out.write_report(
            args.report,
            results,
            questions_file=str(args.questions),
            baseline=base_result,
            threshold_failures=failed,
        )
        print(f"wrote {path} and {path.parent / 'metrics_by_type.png'}")
    if failed is None:
        return 0
    print()
    print(out.format_thresholds(failed, str(thresholds_file)))
    return 1 if failed else 0
