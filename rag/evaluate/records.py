"""Evaluation records: one question's scores (`Record`, `score`), their means
(`Aggregate`) and a whole run (`EvalResult`). Pure: no engine, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rag.evaluate import metrics as m
from rag.evaluate.questions import Question

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
    ranked_articles: Sequence[str] = (),
    contexts: Sequence[str] = (),
    answer: str = "",
    abstained: bool = False,
    cited: Sequence[str] = (),
    search_ms: float = 0.0,
    ask_ms: float = 0.0,
    error: str = "",
    notice: str = "",
) -> Record:
    """Score one question from what a system returned.

    `ranked_articles` holds one article id per retrieved passage (repeats allowed),
    `contexts` the texts of the passages scored for context recall, `answer` the answer
    text (markers included), `cited` the article id of each citation used in it. Left
    out, they mean nothing came back, as when the system raised `error`.
    """
    from rag.answer.verify import strip_markers

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
