"""The CI quality gate: the eval on the seed corpus must stay above evals/thresholds.json."""

from __future__ import annotations

import json

from conftest import ROOT

from rag.evaluate.run import check_thresholds, evaluate, load_questions


def test_seed_eval_meets_every_floor(seed_engine) -> None:
    thresholds = json.loads((ROOT / "evals" / "thresholds.json").read_text(encoding="utf-8"))
    assert thresholds and all(v > 0 for v in thresholds.values()), "floors must be real figures"
    questions = load_questions(ROOT / "evals" / "questions.jsonl")
    result = evaluate(seed_engine, questions, k=5)
    failures = check_thresholds(result, thresholds)
    measured = {k: result.overall.metrics[k] for k in thresholds}
    assert failures == [], f"{failures}; measured {measured}"
