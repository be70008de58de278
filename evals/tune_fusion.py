"""Tune fusion: retrieval figures over a grid of dense weight, article weight, candidate
depth and RRF k.

Each question's BM25, dense and article rankings are computed once (`Engine.rankings`)
and fused for every grid point as `HybridRetriever.search` fuses them (the article
channel reorders the first `top_k` passages), so a grid costs one search per question. Figures are on articles
(hit@1, hit@5: an evidence article first / in the top 5) and on passages (context
recall@5: the share of answer phrases in the top 5 passages), as `rag eval` computes them.

    RAG_INDEX_DIR=/tmp/crud-idx python evals/tune_fusion.py \\
        ../shared/benchmarks/crud-dev/questions-answerable.jsonl \\
        ../shared/benchmarks/crud-dev/questions-en-answerable.jsonl --out evals/reports/fusion.md
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import rag
from rag.evaluate import metrics
from rag.evaluate.questions import load_questions
from rag.retrieve.query import naming_first, rrf_fuse, with_articles

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
ARTICLE_WEIGHTS = (0.0, 1.0, 1.5, 2.0)
CANDIDATES = (20, 50, 100)
RRF_K = (20, 60)


def rankings_of(engine: rag.Engine, questions, depth: int):  # type: ignore[no-untyped-def]
    out = []
    for q in questions:
        r = engine.rankings(q.question, depth=depth)
        out.append((q, r.bm25, r.dense, r.articles, r.naming))
    return out


def figures(
    engine, ranked, weight: float, article_weight: float, candidates: int, rrf_k: int
) -> dict[str, float]:  # type: ignore[no-untyped-def]
    h1 = h5 = cr = 0.0
    head = engine.settings.top_k
    for q, bm25, dense, by_article, naming in ranked:
        fused = rrf_fuse([(bm25[:candidates], 1.0), (dense[:candidates], weight)], k=rrf_k)
        fused = with_articles(fused, by_article, article_weight, k=rrf_k, head=head)
        fused = naming_first(fused, naming, head=candidates)
        ids = [cid for cid, _ in fused[:20]]
        articles = metrics.dedupe(cid.rpartition("#")[0] for cid in ids)
        h1 += metrics.hit_at(articles, q.evidence, 1)
        h5 += metrics.hit_at(articles, q.evidence, 5)
        cr += metrics.context_recall(q.answers, [engine.chunk(cid).text for cid in ids[:5]])
    n = max(len(ranked), 1)
    return {"hit@1": h1 / n, "hit@5": h5 / n, "context_recall@5": cr / n}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="+", help="question files (jsonl)")
    ap.add_argument("--out", help="write the table as Markdown here too")
    args = ap.parse_args(argv)
    engine = rag.Engine.open()
    lines = [
        f"index {engine.settings.index_dir}: {engine.info().articles} articles, "
        f"model {engine.info().embed_model}",
        "",
        "| questions | dense weight | article weight | candidates | rrf k | hit@1 | hit@5 | "
        "context recall@5 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path in args.questions:
        if not Path(path).exists():
            print(f"no question file at {path}", file=sys.stderr)
            return 2
        every = [q for q in load_questions(path) if q.answerable]
        for english in (False, True):
            questions = [q for q in every if q.lang.startswith("en") == english]
            if not questions:
                continue
            label = f"{Path(path).name} {'en' if english else 'zh'} ({len(questions)})"
            ranked = rankings_of(engine, questions, max(CANDIDATES))
            best = None
            grid = itertools.product(WEIGHTS, ARTICLE_WEIGHTS, CANDIDATES, RRF_K)
            for w, a, c, k in grid:
                f = figures(engine, ranked, w, a, c, k)
                lines.append(
                    f"| {label} | {w} | {a} | {c} | {k} | "
                    f"{f['hit@1']:.3f} | {f['hit@5']:.3f} | {f['context_recall@5']:.3f} |"
                )
                key = (f["hit@1"] + f["hit@5"] + f["context_recall@5"], w, a, c, k)
                best = max(best or key, key)
            print(  # type: ignore[index]
                f"{label}: best sum at dense weight {best[1]}, article weight {best[2]}, "  # type: ignore[index]
                f"candidates {best[3]}, k {best[4]}"  # type: ignore[index]
            )
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
