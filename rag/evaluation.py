"""Score retrieval and answers on a gold question file; the engine behind `rag eval`.

Per question: retrieval at article level (hit@1, hit@5, MRR@10, nDCG@10 over the distinct
articles of the top-10 passages), context recall@k (answer phrases in the top-k passages),
the answer's key-phrase recall, citation precision and coverage, whether it declined
exactly when it should, and latency. Follow-ups are searched with the standalone question
`engine.ask` answered (`Answer.question`), so retrieval is scored as the answerer saw it.
Everything is deterministic except the latencies.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import metrics as m
from .errors import RagError

log = logging.getLogger("rag")

if TYPE_CHECKING:
    import argparse

    from .baseline import Baseline
    from .config import Settings
    from .engine import Engine

VALID_LANGS = ("zh-Hans", "zh-Hant", "en")
FIELDS = ("id", "question", "answers", "evidence", "answerable", "history", "type", "lang")
# Metric keys as they appear in tables, JSON and thresholds.json, in display order.
METRICS = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "ndcg@10",
    "context_recall",
    "answer_recall",
    "exact",
    "citation_precision",
    "citation_coverage",
    "refusal_accuracy",
)
RANK_DEPTH = 10  # passages searched for the article ranking (MRR@10, nDCG@10)
SHOW_FAILURES = 30  # failures printed in the terminal; --json and --report hold all


# ---- questions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One gold question (see evals/README.md for the file format)."""

    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    type: str
    lang: str
    answerable: bool = True
    history: tuple[tuple[str, str], ...] = ()  # (role, content), oldest first
    line: int = 0

    def history_messages(self) -> list[dict[str, str]]:
        """The history in the form `Engine.ask` takes."""
        return [{"role": r, "content": c} for r, c in self.history]


class _Bad(Exception):
    """A malformed question line; the message is the reason."""


def _strings(obj: dict[str, Any], key: str) -> tuple[str, ...]:
    value = obj[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(
            f"'{key}' must be a list of strings, got {json.dumps(value, ensure_ascii=False)}"
        )
    for i, v in enumerate(value):
        if not m.match_norm(v):
            raise _Bad(f"'{key}[{i}]' is empty")
    return tuple(value)


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj[key]
    if not isinstance(value, str) or not value.strip():
        raise _Bad(
            f"'{key}' must be a non-empty string, got {json.dumps(value, ensure_ascii=False)}"
        )
    return value


def _history(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        raise _Bad(
            f"'history' must be a list of turns, got {json.dumps(value, ensure_ascii=False)}"
        )
    turns = []
    for i, turn in enumerate(value):
        if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
            raise _Bad(f"'history[{i}]' must be an object with exactly 'role' and 'content'")
        if turn["role"] not in ("user", "assistant"):
            raise _Bad(f"'history[{i}].role' must be 'user' or 'assistant', got {turn['role']!r}")
        if not isinstance(turn["content"], str) or not turn["content"].strip():
            raise _Bad(f"'history[{i}].content' must be a non-empty string")
        turns.append((turn["role"], turn["content"]))
    return tuple(turns)


def _parse_line(line: str, number: int) -> Question:
    if not line.strip():
        raise _Bad("blank line (the format is one JSON object per line, with no blank lines)")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Bad(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise _Bad(f"expected a JSON object, got a JSON {type(obj).__name__}")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise _Bad(f"unknown field(s) {', '.join(unknown)}; valid fields: {', '.join(FIELDS)}")
    missing = [k for k in ("id", "question", "answers", "evidence", "type", "lang") if k not in obj]
    if missing:
        raise _Bad(f"missing field(s) {', '.join(missing)}")
    answerable = obj.get("answerable", True)
    if not isinstance(answerable, bool):
        raise _Bad(f"'answerable' must be true or false, got {json.dumps(answerable)}")
    answers, evidence = _strings(obj, "answers"), _strings(obj, "evidence")
    if answerable and not answers:
        raise _Bad("an answerable question needs at least one phrase in 'answers'")
    if answerable and not evidence:
        raise _Bad("an answerable question needs at least one article id in 'evidence'")
    if not answerable and (answers or evidence):
        raise _Bad("'answers' and 'evidence' must be empty when 'answerable' is false")
    if obj["lang"] not in VALID_LANGS:
        raise _Bad(
            f"'lang' must be one of {', '.join(VALID_LANGS)}, got {json.dumps(obj['lang'], ensure_ascii=False)}"
        )
    return Question(
        id=_text(obj, "id"),
        question=_text(obj, "question"),
        answers=answers,
        evidence=evidence,
        type=_text(obj, "type"),
        lang=obj["lang"],
        answerable=answerable,
        history=_history(obj["history"]) if "history" in obj else (),
        line=number,
    )


def load_questions(path: str | Path) -> list[Question]:
    """Read and check a JSON Lines question file.

    Raises:
        RagError: the file is missing, not UTF-8, empty, or has malformed lines; the
            message lists each bad line as "FILE, line N: reason".

    Example:
        >>> qs = load_questions("evals/questions.jsonl")
        >>> qs[0].id, qs[0].answers
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RagError(f"question file {path} not found: pass --questions FILE") from None
    except OSError as exc:
        raise RagError(f"cannot read question file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[: exc.start].count(b"\n") + 1
        raise RagError(f"{path}, line {bad}: not UTF-8 text; save the file as UTF-8") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start a new one
    questions: list[Question] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        try:
            q = _parse_line(line.rstrip("\r"), number)
        except _Bad as exc:
            errors.append(f"{path}, line {number}: {exc}")
            continue
        if q.id in first_line:
            errors.append(
                f"{path}, line {number}: duplicate id {q.id!r} (first used on line {first_line[q.id]})"
            )
            continue
        first_line[q.id] = number
        questions.append(q)
    if errors:
        shown = errors[:20] + ([f"... and {len(errors) - 20} more"] if len(errors) > 20 else [])
        head = "" if len(errors) == 1 else f"{len(errors)} malformed lines in {path}:\n"
        raise RagError(head + "\n".join(shown))
    if not questions:
        raise RagError(f"question file {path} holds no questions")
    return questions


# ---- scoring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """The outcome of one question: what came back and its per-question metrics."""

    id: str
    question: str
    type: str
    lang: str
    answerable: bool
    answers: list[str]
    evidence: list[str]
    search_query: str  # what was searched: the standalone question for follow-ups
    top_articles: list[str]  # distinct articles of the top passages, best first
    answer: str
    abstained: bool
    cited_articles: list[str]
    missing: list[str]  # answer phrases not found in the answer
    metrics: dict[str, float | None]  # None: not applicable to this question
    search_ms: float
    ask_ms: float
    answer_chars: int = 0
    error: str = ""
    notice: str = ""

    def failure_reasons(self) -> list[str]:
        """Why this question counts as failed; [] when it passed."""
        out = []
        if self.error:
            out.append(f"error: {self.error}")
        if self.answerable:
            if (self.metrics["answer_recall"] or 0.0) < 1.0:
                out.append(f"answer recall {self.metrics['answer_recall'] or 0.0:.2f}")
            if not self.metrics["hit@5"]:
                out.append("no evidence article in the top 5")
        if not self.metrics["refusal_accuracy"]:
            out.append(
                "declined an answerable question"
                if self.answerable
                else "answered an unanswerable question"
            )
        return out


def score(
    q: Question,
    *,
    search_query: str,
    ranked_articles: Sequence[str],
    contexts: Sequence[str],
    answer: str,
    abstained: bool,
    cited: Sequence[str],
    search_ms: float,
    ask_ms: float,
    error: str = "",
    notice: str = "",
) -> Record:
    """Score one question from what a system returned.

    `ranked_articles` holds one article id per retrieved passage (repeats allowed),
    `contexts` the texts of the passages scored for context recall, `answer` the answer
    text (markers included), `cited` the article id of each citation used in it.
    """
    from .verify import strip_markers

    ranked = m.dedupe(ranked_articles)
    bare = strip_markers(answer)
    declined = abstained or bool(error)
    res: dict[str, float | None] = dict.fromkeys(METRICS)
    res["refusal_accuracy"] = 0.0 if error else float(m.refusal_correct(q.answerable, abstained))
    missing: list[str] = []
    if q.answerable:
        res["hit@1"] = m.hit_at(ranked, q.evidence, 1)
        res["hit@5"] = m.hit_at(ranked, q.evidence, 5)
        res["mrr@10"] = m.mrr_at(ranked, q.evidence, 10)
        res["ndcg@10"] = m.ndcg_at(ranked, q.evidence, 10)
        res["context_recall"] = m.context_recall(q.answers, contexts)
        # A declined answer scores 0 even if the titles it names happen to hold a phrase.
        res["answer_recall"] = 0.0 if declined else m.phrase_recall(q.answers, bare)
        res["exact"] = 0.0 if declined else m.exact(q.answers, bare)
        missing = (
            list(q.answers)
            if declined
            else [p for p in q.answers if m.phrase_recall([p], bare) < 1]
        )
        if not declined:
            res["citation_precision"] = m.citation_precision(cited, q.evidence)
            res["citation_coverage"] = m.citation_coverage(answer)
    return Record(
        id=q.id,
        question=q.question,
        type=q.type,
        lang=q.lang,
        answerable=q.answerable,
        answers=list(q.answers),
        evidence=list(q.evidence),
        search_query=search_query,
        top_articles=ranked,
        answer=answer,
        abstained=abstained,
        cited_articles=list(cited),
        missing=missing,
        metrics=res,
        search_ms=search_ms,
        ask_ms=ask_ms,
        answer_chars=len(bare) if not abstained else 0,
        error=error,
        notice=notice,
    )


@dataclass(frozen=True)
class Aggregate:
    """Means of the per-question metrics over a group of questions.

    Retrieval and answer metrics average over answerable questions, citation metrics over
    answerable questions that were answered, refusal accuracy over all; None when no
    question of the group qualifies.
    """

    n: int
    answerable: int
    metrics: dict[str, float | None]
    latency_ms: dict[str, float | None]
    answer_chars: float | None = None


def aggregate(records: Sequence[Record]) -> Aggregate:
    """Average `records` (see `Aggregate`)."""
    means: dict[str, float | None] = {}
    for key in METRICS:
        values = [r.metrics[key] for r in records if r.metrics[key] is not None]
        means[key] = sum(values) / len(values) if values else None  # type: ignore[arg-type]
    ok = [r for r in records if not r.error]
    latency: dict[str, float | None] = {}
    for name in ("search", "ask"):
        times: list[float] = [getattr(r, f"{name}_ms") for r in ok]
        latency[f"{name}_p50"] = m.percentile(times, 50) if times else None
        latency[f"{name}_p95"] = m.percentile(times, 95) if times else None
    answered = [r.answer_chars for r in ok if not r.abstained]
    return Aggregate(
        n=len(records),
        answerable=sum(r.answerable for r in records),
        metrics=means,
        latency_ms=latency,
        answer_chars=sum(answered) / len(answered) if answered else None,
    )


@dataclass(frozen=True)
class EvalResult:
    """Per-question records and their aggregates for one system on one question set."""

    system: str
    config: dict[str, Any]
    records: list[Record]
    overall: Aggregate
    by_type: dict[str, Aggregate]
    by_lang: dict[str, Aggregate]

    @classmethod
    def build(cls, system: str, config: dict[str, Any], records: list[Record]) -> EvalResult:
        def groups(key: Callable[[Record], str]) -> dict[str, Aggregate]:
            names = sorted({key(r) for r in records})
            return {g: aggregate([r for r in records if key(r) == g]) for g in names}

        return cls(
            system,
            config,
            records,
            aggregate(records),
            groups(lambda r: r.type),
            groups(lambda r: r.lang),
        )

    @property
    def failures(self) -> list[Record]:
        """Questions with answer recall < 1, a wrong refusal, no hit in the top 5, or an error."""
        return [r for r in self.records if r.failure_reasons()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "config": self.config,
            "overall": asdict(self.overall),
            "by_type": {k: asdict(v) for k, v in self.by_type.items()},
            "by_lang": {k: asdict(v) for k, v in self.by_lang.items()},
            "questions": [
                {**asdict(r), "failure_reasons": r.failure_reasons()} for r in self.records
            ],
        }


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
    from .verify import parse_markers

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
            records.append(
                score(
                    q,
                    search_query=q.question,
                    ranked_articles=[],
                    contexts=[],
                    answer="",
                    abstained=False,
                    cited=[],
                    search_ms=0.0,
                    ask_ms=0.0,
                    error=str(exc),
                )
            )
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
    from .baseline import TOP_K

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
        if key not in METRICS:
            raise RagError(f"{path}: unknown metric {key!r}; valid metrics: {', '.join(METRICS)}")
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
        if key not in METRICS:
            raise RagError(
                f"unknown metric {key!r} in thresholds; valid metrics: {', '.join(METRICS)}"
            )
        value = result.overall.metrics[key]
        if value is None:
            if floor > 0:
                failures.append(
                    f"{key} was not measured (no qualifying question); its floor is {floor:.3f}"
                )
        elif value < floor - 1e-9:
            failures.append(f"{key} {value:.3f} is below its floor {floor:.3f}")
    return failures


# ---- output -------------------------------------------------------------------------------

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


def _f(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


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
    rows = []
    for key in METRICS:
        a, b = ours.overall.metrics[key], base.overall.metrics[key]
        diff = "-" if a is None or b is None else f"{a - b:+.2f}"
        rows.append([key, _f(a), _f(b), diff])
    rows.append(
        [
            "answer length (chars)",
            _f(ours.overall.answer_chars, 0),
            _f(base.overall.answer_chars, 0),
            "",
        ]
    )
    for name in ("search_p50", "ask_p50"):
        rows.append(
            [
                f"{name} (ms)",
                _f(ours.overall.latency_ms[name], 0),
                _f(base.overall.latency_ms[name], 0),
                "",
            ]
        )
    for (name, ga), (_, gb) in zip(_groups(ours)[1:], _groups(base)[1:], strict=True):
        for key in ("hit@5", "answer_recall"):
            x, y = ga.metrics[key], gb.metrics[key]
            if x is not None or y is not None:
                diff = "-" if x is None or y is None else f"{x - y:+.2f}"
                rows.append([f"{key} {name}", _f(x), _f(y), diff])
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
    cfg = main.config
    lines = [
        "# Evaluation report",
        "",
        f"Questions: `{questions_file}` ({len(main.records)}, {main.overall.answerable} answerable).",
        "",
        "## Settings",
        "",
        md_table(
            ["setting", "value"],
            [
                [
                    "index",
                    f"{cfg['index_dir']} ({cfg['articles']} articles, {cfg['chunks']} chunks)",
                ],
                [
                    "embedding model",
                    cfg["embed_model"] + (" (offline fallback)" if cfg["fallback_model"] else ""),
                ],
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
            ],
        ),
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


# ---- command line -------------------------------------------------------------------------


def _check_evidence(engine: Engine, questions: Sequence[Question], path: str) -> None:
    """Stop when the index holds none of the evidence articles; warn when it lacks some."""
    known = set(engine._current().manifest.files)
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


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    """`rag eval`: print tables and failures, optionally write JSON and a report.

    Returns 1 when `--thresholds FILE` is given and an overall metric of the offline
    answerer is below its floor, else 0.
    """
    from .engine import Engine

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
    results = [evaluate(engine, questions, k=args.k, mode="extractive", progress=show)]
    print()
    print(format_result(results[0]))
    if settings.llm_base_url:
        results.append(evaluate(engine, questions, k=args.k, mode="llm", progress=show))
        print()
        print(format_result(results[1]))
    else:
        print(
            "\nLLM answerer not configured (RAG_LLM_BASE_URL unset): only the offline answerer was scored."
        )
    base_result = None
    if args.baseline:
        from .baseline import Baseline

        base = Baseline.build(settings, engine.embedder)
        if base.documents != info.articles:
            print(
                f"warning: the baseline read {base.documents} articles from {settings.corpus_dir} "
                f"but the index holds {info.articles}: is RAG_CORPUS_DIR the corpus of "
                "RAG_INDEX_DIR?",
                file=sys.stderr,
            )
        try:
            base_result = evaluate_baseline(
                base, questions, config=results[0].config, progress=show
            )
        finally:
            base.close()
        print(
            "\nours (offline answerer) vs the plain llama-index pipeline (top-2 chunks as answer)"
        )
        print(text_table(*comparison_rows(results[0], base_result)))
    for res in results:
        print()
        print(format_failures(res))
    failed = check_thresholds(results[0], thresholds) if thresholds is not None else None
    if args.json_out:
        payload = {
            "questions_file": str(args.questions),
            "results": [r.to_dict() for r in results],
            "baseline": base_result.to_dict() if base_result else None,
            "thresholds": {"file": str(thresholds_file), "floors": thresholds, "failures": failed}
            if thresholds is not None
            else None,
        }
        out = Path(args.json_out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nwrote {out}")
    if args.report:
        path = write_report(
            args.report,
            results,
            questions_file=str(args.questions),
            baseline=base_result,
            threshold_failures=failed,
        )
        print(f"wrote {path} and {path.parent / 'metrics_by_type.png'}")
    if failed is not None:
        print()
        for f in failed:
            print(f"threshold: {f}")
        print("thresholds: FAILED" if failed else f"thresholds: all met ({thresholds_file})")
        return 1 if failed else 0
    return 0
