"""The real-news part of the CI eval gate: `rag eval` on a fixed crud-dev subset must stay above
evals/realnews/thresholds.json, so a change that helps the seed questions but hurts real news
fails. The subset is ids only (evals/realnews/subset.json); the texts come from the benchmark
split (../shared/benchmarks/crud-dev, or $CRUD_DEV) and the tests fail, naming the path, when
it is absent. See evals/README.md ("The real-news gate")."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

from rag.evaluate.questions import load_questions
from rag.evaluate.run import load_thresholds

HERE = ROOT / "evals" / "realnews"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"realnews_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


gate = _load("gate")
make_subset = _load("make_subset")


@pytest.fixture(scope="module")
def crud() -> Path:
    path = gate.crud_dir()
    try:
        gate.check_benchmark(path)
    except gate.GateError as exc:
        pytest.fail(str(exc))
    return path


def test_subset_is_ids_only_and_what_its_generator_writes(crud: Path) -> None:
    subset = gate.load_subset()
    assert make_subset.make_subset(crud) == subset, "re-run evals/realnews/make_subset.py"
    ids = [i for key in gate.PARTS.values() for i in subset[key[1]]]
    articles = subset["evidence_articles"] + subset["distractor_articles"]
    assert all(re.fullmatch(r"crud-dev-\d{3}(-en)?", i) for i in ids)
    assert all(re.fullmatch(r"n[0-9a-f]{12}", a) for a in articles)
    assert len(set(articles)) == len(articles) == subset["counts"]["articles"]
    assert (len(subset["answerable"]), len(subset["not_answerable"])) == (60, 20)
    assert 250 <= len(articles) <= 350


def test_question_files_load_in_the_eval_format(crud: Path, tmp_path: Path) -> None:
    subset = gate.load_subset()
    files = gate.write_questions(crud, subset, tmp_path)
    for part, (_, key, answerable) in gate.PARTS.items():
        questions = load_questions(files[part])
        assert [q.id for q in questions] == subset[key]
        assert all(q.answerable is answerable for q in questions)
        needed = {e for q in questions for e in q.evidence}
        assert needed <= set(subset["evidence_articles"])


def test_every_part_has_floors_rag_accepts(tmp_path: Path) -> None:
    floors = gate.load_floors()
    assert set(floors) == set(gate.PARTS)
    for part, metrics in floors.items():
        path = tmp_path / f"{part}.json"  # checked by rag's own loader, as `rag eval` does
        path.write_text(json.dumps(metrics), encoding="utf-8")
        assert load_thresholds(path) == metrics
        expected = gate.ANSWERABLE_METRICS if gate.PARTS[part][2] else ("refusal_accuracy",)
        assert set(metrics) == set(expected), part


@pytest.mark.slow
def test_real_news_meets_every_floor(crud: Path, tmp_path: Path) -> None:
    result = gate.run_gate(crud, tmp_path, gate.load_floors())
    if result.failures:
        pytest.fail(
            f"real-news figures below their floors in {gate.THRESHOLDS.relative_to(ROOT)}:\n  "
            + "\n  ".join(result.failures)
            + f"\nmeasured: {json.dumps(result.measured)}",
            pytrace=False,
        )
