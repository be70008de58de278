"""rag.evaluate.run and rag.evaluate.report: the question loader, scoring and aggregation, thresholds,
report tables, and `rag eval` end to end on a three-article corpus indexed with the bundled
offline model."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from rag import Engine, RagError, Settings, ingest
from rag.config import DEFAULT_EMBED_MODEL
from rag.evaluate.report import comparison_rows, format_thresholds, md_table, text_table
from rag.evaluate.run import (
    METRICS,
    EvalResult,
    Question,
    check_thresholds,
    evaluate,
    load_questions,
    load_thresholds,
    run_cli,
    score,
)

# --- the question loader ---------------------------------------------------------------------

GOOD = {
    "id": "q1",
    "question": "青岛建成了多少个5G基站？",
    "answers": ["1.7万"],
    "evidence": ["a1"],
    "type": "number",
    "lang": "zh-Hans",
}


def _line(**changes: Any) -> str:
    obj = {**GOOD, **changes}
    return json.dumps({k: v for k, v in obj.items() if v is not _DROP}, ensure_ascii=False)


_DROP = object()


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_questions_reads_every_field(tmp_path: Path) -> None:
    history = [
        {"role": "user", "content": "青岛怎么样？"},
        {"role": "assistant", "content": "很好。"},
    ]
    path = _write(
        tmp_path,
        [
            _line(),
            _line(id="q2", question="那深圳呢？", history=history, type="followup"),
            _line(
                id="q3", answers=[], evidence=[], answerable=False, type="unanswerable", lang="en"
            ),
        ],
    )
    q1, q2, q3 = load_questions(path)
    assert q1 == Question(
        id="q1",
        question="青岛建成了多少个5G基站？",
        answers=("1.7万",),
        evidence=("a1",),
        type="number",
        lang="zh-Hans",
        line=1,
    )
    assert q1.answerable and q1.history == ()
    assert q2.history_messages() == history and q2.line == 2
    assert not q3.answerable and q3.lang == "en"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ('{"id": "q2", "question": ', "not valid JSON"),
        ('["q2", "question"]', "expected a JSON object, got a JSON list"),
        (_line(id="q2", question=_DROP), "missing field(s) question"),
        (_line(id=_DROP), "missing field(s) id"),
        (_line(id="q2", question="   "), "'question' must be a non-empty string"),
        (_line(id=7), "'id' must be a non-empty string, got 7"),
        (_line(id="q2", answers="1.7万"), "'answers' must be a list of strings"),
        (_line(id="q2", answers=["1.7万", 17]), "'answers' must be a list of strings"),
        (_line(id="q2", answers=["1.7万", " "]), "'answers[1]' is empty"),
        (_line(id="q2", evidence="a1"), "'evidence' must be a list of strings"),
        (_line(id="q2", lang="zh-CN"), "'lang' must be one of zh-Hans, zh-Hant, en, got \"zh-CN\""),
        (
            _line(id="q2", history=[{"role": "system", "content": "x"}]),
            "'history[0].role' must be 'user' or 'assistant', got 'system'",
        ),
        (_line(id="q2", history=[{"role": "user"}]), "'history[0]' must be an object"),
        (_line(id="q2", history="青岛"), "'history' must be a list of turns"),
        (_line(id="q2", answerable="yes"), "'answerable' must be true or false"),
        (_line(id="q2", answers=[]), "needs at least one phrase in 'answers'"),
        (_line(id="q2", evidence=[]), "needs at least one article id in 'evidence'"),
        (_line(id="q2", answerable=False), "must be empty when 'answerable' is false"),
        (_line(id="q2", answer=["x"]), "unknown field(s) answer; valid fields: id, question"),
        (_line(id="q1"), "duplicate id 'q1' (first used on line 1)"),
        ("", "blank line"),
    ],
)
def test_load_questions_rejects_a_bad_line_with_file_line_and_reason(
    tmp_path: Path, bad: str, reason: str
) -> None:
    path = _write(tmp_path, [_line(), bad, _line(id="q3")])
    with pytest.raises(RagError) as info:
        load_questions(path)
    message = str(info.value)
    assert f"{path}, line 2: " in message
    assert reason in message
    assert "line 1:" not in message and "line 3:" not in message


def test_load_questions_lists_every_bad_line(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), "{oops", _line(id="q3", lang="fr"), _line(id="q4")])
    with pytest.raises(RagError, match="2 malformed lines") as info:
        load_questions(path)
    assert "line 2: not valid JSON" in str(info.value)
    assert "line 3: 'lang' must be one of" in str(info.value)


def test_load_questions_file_problems(tmp_path: Path) -> None:
    with pytest.raises(RagError, match="not found"):
        load_questions(tmp_path / "missing.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(RagError, match="holds no questions"):
        load_questions(empty)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes((_line() + "\n").encode() + '{"question": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(RagError, match=r"line 2: not UTF-8"):
        load_questions(latin)


def test_the_gold_set_loads() -> None:
    questions = load_questions(Path(__file__).parents[2] / "evals" / "questions.jsonl")
    assert len(questions) == 106
    assert sum(not q.answerable for q in questions) == 11


# --- scoring without an engine ---------------------------------------------------------------


def _q(
    id: str,
    answers: tuple[str, ...] = ("1.7万",),
    evidence: tuple[str, ...] = ("a1",),
    answerable: bool = True,
    type: str = "number",
    lang: str = "zh-Hans",
) -> Question:
    return Question(
        id=id,
        question=f"问题{id}",
        answers=answers,
        evidence=evidence,
        type=type,
        lang=lang,
        answerable=answerable,
    )


def _score(q: Question, **kw: Any) -> Any:
    """Score `q` as if article a1 came back first and nothing else (override with `kw`)."""
    args: dict[str, Any] = dict(
        search_query=q.question, ranked_articles=["a1"], search_ms=10.0, ask_ms=20.0
    )
    return score(q, **{**args, **kw})


def test_score_a_good_answer() -> None:
    r = _score(
        _q("q1", answers=("1.7万", "5G")),
        ranked_articles=["b", "b", "a1", "c"],
        contexts=["青岛建成5G基站１．７萬个"],
        answer="青岛建成5G基站1.7万个。[1]",
        cited=["a1"],
    )
    assert r.metrics == {
        "hit@1": 0.0,
        "hit@5": 1.0,
        "mrr@10": 0.5,
        "ndcg@10": pytest.approx(1 / 1.5849625),
        "context_recall": 1.0,
        "answer_recall": 1.0,
        "exact": 1.0,
        "citation_precision": 1.0,
        "citation_coverage": 1.0,
        "refusal_accuracy": 1.0,
    }
    assert r.top_articles == ["b", "a1", "c"] and r.missing == []
    assert r.failure_reasons() == []


def test_score_ignores_marker_digits_and_scores_partial_answers() -> None:
    # "[1]" followed by "3个" must not make "13个" match
    r = _score(_q("q1", answers=("13个", "上海")), answer="上海有[1]3个。", cited=["zz"])
    assert r.metrics["answer_recall"] == 0.5 and r.metrics["exact"] == 0.0
    assert r.metrics["citation_precision"] == 0.0
    assert r.missing == ["13个"]
    assert r.failure_reasons() == ["answer recall 0.50"]
    # a marker inside a phrase does not hide it
    r = _score(_q("q1", answers=("1.7万个",)), answer="青岛建成1.7万 [1]个基站。", cited=["a1"])
    assert r.metrics["answer_recall"] == 1.0


def test_score_refusals() -> None:
    declined = _score(
        _q("q1"), answer="文章中没有找到。最相关的文章：《1.7万个基站》", abstained=True
    )
    assert declined.metrics["refusal_accuracy"] == 0.0
    assert declined.metrics["answer_recall"] == 0.0  # a title naming the phrase does not count
    assert declined.metrics["citation_precision"] is None
    assert "declined an answerable question" in declined.failure_reasons()
    unanswerable = _q("q2", answers=(), evidence=(), answerable=False, type="unanswerable")
    good = _score(unanswerable, abstained=True, answer="文章中没有找到。")
    assert good.metrics["refusal_accuracy"] == 1.0 and good.failure_reasons() == []
    assert good.metrics["hit@5"] is None and good.metrics["answer_recall"] is None
    bad = _score(unanswerable, answer="有的。[1]", cited=["a1"])
    assert bad.metrics["refusal_accuracy"] == 0.0
    assert bad.failure_reasons() == ["answered an unanswerable question"]


def test_aggregates_average_over_the_right_questions() -> None:
    records = [
        _score(_q("q1"), answer="1.7万[1]", cited=["a1"], search_ms=10.0),
        _score(
            _q("q2", lang="en"),
            ranked_articles=["x"],
            answer="不知道[1]",
            cited=["x"],
            search_ms=30.0,
        ),
        _score(
            _q("q3", answers=(), evidence=(), answerable=False, type="unanswerable"),
            ranked_articles=["x"],
            abstained=True,
            search_ms=20.0,
        ),
        _score(_q("q4"), abstained=True, search_ms=40.0),
    ]
    result = EvalResult.build("test", {"k": 5}, records)
    overall = result.overall
    assert overall.n == 4 and overall.answerable == 3
    assert overall.metrics["hit@5"] == pytest.approx(2 / 3)  # answerable only
    assert overall.metrics["answer_recall"] == pytest.approx(1 / 3)
    assert overall.metrics["refusal_accuracy"] == 0.75  # all four; q4 declined wrongly
    assert overall.metrics["citation_precision"] == 0.5  # answered answerable: q1, q2
    assert overall.latency_ms["search_p50"] == 25.0
    assert list(result.by_type) == ["number", "unanswerable"]
    assert result.by_type["unanswerable"].metrics["hit@5"] is None
    assert result.by_lang["en"].metrics["answer_recall"] == 0.0
    assert [r.id for r in result.failures] == ["q2", "q4"]


def test_report_tables_compare_ours_with_the_baseline() -> None:
    ours = EvalResult.build("ours", {"k": 5}, [_score(_q("q1"), answer="1.7万[1]", cited=["a1"])])
    base = EvalResult.build("base", {"k": 2}, [_score(_q("q1"), ranked_articles=["x"])])
    header, rows = comparison_rows(ours, base)
    assert header == ["metric", "ours", "baseline", "diff"]
    by_name = {r[0]: r[1:] for r in rows}
    assert by_name["hit@5"] == ["1.00", "0.00", "+1.00"]
    assert by_name["citation_precision"] == ["1.00", "-", "-"]  # the baseline cited nothing
    assert by_name["answer_recall type number"] == ["1.00", "0.00", "+1.00"]
    table = text_table(["a", "n"], [["x", "1"], ["long", "10"]]).splitlines()
    assert table == ["a      n", "----  --", "x      1", "long  10"]
    assert md_table(["a", "b"], [["x|y", "1"]]) == "| a | b |\n|---|---:|\n| x\\|y | 1 |"
    assert format_thresholds([], "t.json") == "thresholds: all met (t.json)"
    assert format_thresholds(["hit@5 0.500 is below its floor 0.600"], "t.json") == (
        "threshold: hit@5 0.500 is below its floor 0.600\nthresholds: FAILED"
    )


def test_check_thresholds() -> None:
    records = [
        _score(_q("q1"), answer="1.7万[1]", cited=["a1"]),
        _score(_q("q2"), ranked_articles=["x"], answer="不知道[1]", cited=["x"]),
    ]
    result = EvalResult.build("test", {"k": 5}, records)
    assert check_thresholds(result, {"hit@5": 0.5, "answer_recall": 0.0}) == []
    failures = check_thresholds(result, {"hit@5": 0.6, "citation_coverage": 1.0})
    assert failures == ["hit@5 0.500 is below its floor 0.600"]
    with pytest.raises(RagError, match="unknown metric 'recall'"):
        check_thresholds(result, {"recall": 0.5})


def test_load_thresholds(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"hit@5": 0.9, "refusal_accuracy": 1}', encoding="utf-8")
    assert load_thresholds(path) == {"hit@5": 0.9, "refusal_accuracy": 1.0}
    path.write_text('{"hit@5": 1.5}', encoding="utf-8")
    with pytest.raises(RagError, match="between 0 and 1"):
        load_thresholds(path)
    path.write_text('{"hits": 0.5}', encoding="utf-8")
    with pytest.raises(RagError, match="valid metrics: hit@1"):
        load_thresholds(path)


def test_the_shipped_thresholds_file_is_valid() -> None:
    floors = load_thresholds(Path(__file__).parents[2] / "evals" / "thresholds.json")
    assert {
        "hit@1",
        "hit@5",
        "mrr@10",
        "context_recall",
        "answer_recall",
        "citation_precision",
        "citation_coverage",
        "refusal_accuracy",
    } <= set(floors)


# --- end to end on a tiny corpus ---------------------------------------------------------------

ARTICLES = {
    "qingdao": "青岛智慧城市建设取得新进展\n2021年10月12日，第一届中国新型智慧城市峰会在青岛开幕。"
    "截至目前，青岛已建成5G基站1.7万个，实现城区连续覆盖。青岛城市云脑已接入40多个部门的数据，"
    "支撑交通、医疗等应用。\n",
    "guiyang": "貴陽舉辦國際友城智慧城市論壇\n5月26日下午，國際友城智慧城市論壇在貴陽舉行。"
    "貴州省已與50多個國家建立了113對國際友城和友好交往城市關係。論壇期間，多個城市簽署了合作意向書。\n",
    "shenzhen": "深圳代表团参加东北亚博览会\n9月23日，第十三届中国-东北亚博览会在长春开幕。"
    "深圳市副市长艾学峰率深圳代表团参加博览会。深圳展区以5G+智慧城市展览为主题，"
    "展示了智慧杆和城市大脑等成果。\n",
}
QUESTIONS = [
    {
        "id": "t1",
        "question": "青岛已建成多少个5G基站？",
        "answers": ["1.7万"],
        "evidence": ["qingdao"],
        "type": "number",
        "lang": "zh-Hans",
    },
    {
        "id": "t2",
        "question": "國際友城智慧城市論壇是在哪一天舉行的？",
        "answers": ["5月26日"],
        "evidence": ["guiyang"],
        "type": "date",
        "lang": "zh-Hant",
    },
    {
        "id": "t3",
        "question": "它的展区以什么为主题？",
        "answers": ["5G+智慧城市展览"],
        "evidence": ["shenzhen"],
        "type": "followup",
        "lang": "zh-Hans",
        "history": [
            {"role": "user", "content": "深圳代表团参加了哪个博览会？"},
            {"role": "assistant", "content": "第十三届中国-东北亚博览会。"},
        ],
    },
    {
        "id": "t4",
        "question": "上海迪士尼乐园的门票价格是多少？",
        "answers": [],
        "evidence": [],
        "answerable": False,
        "type": "unanswerable",
        "lang": "zh-Hans",
    },
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    root = tmp_path_factory.mktemp("tiny")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    settings = Settings(
        corpus_dir=corpus,
        index_dir=root / "index",
        embed_model=DEFAULT_EMBED_MODEL,
        llm_base_url="",
        rerank_model="",
    )
    ingest(settings=settings)
    path = root / "questions.jsonl"
    path.write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUESTIONS), encoding="utf-8"
    )
    return settings, path


def _without_latency(result: EvalResult) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.__dict__.items() if not k.endswith("_ms")} for r in result.records]


def test_evaluate_end_to_end(tiny: tuple[Settings, Path]) -> None:
    settings, path = tiny
    engine = Engine.open(settings=settings)
    questions = load_questions(path)
    result = evaluate(engine, questions, k=5)
    by_id = {r.id: r for r in result.records}
    t1 = by_id["t1"]
    assert t1.top_articles[0] == "qingdao"
    assert t1.metrics["hit@1"] == 1.0 and t1.metrics["answer_recall"] == 1.0
    assert t1.metrics["citation_precision"] == 1.0 and t1.metrics["citation_coverage"] == 1.0
    assert t1.search_ms > 0 and t1.ask_ms > 0
    assert by_id["t2"].metrics["answer_recall"] == 1.0  # traditional question, same phrase
    t3 = by_id["t3"]  # the follow-up is searched as the answerer rewrote it
    assert t3.search_query != t3.question and "深圳" in t3.search_query
    assert t3.top_articles[0] == "shenzhen"
    t4 = by_id["t4"]
    assert t4.abstained and t4.metrics["refusal_accuracy"] == 1.0 and t4.metrics["hit@5"] is None
    assert result.overall.metrics["refusal_accuracy"] == 1.0
    assert result.overall.metrics["hit@5"] == 1.0
    assert result.failures == []
    assert result.config["embed_model"] == DEFAULT_EMBED_MODEL and result.config["k"] == 5
    # deterministic apart from the latencies
    assert _without_latency(evaluate(engine, questions, k=5)) == _without_latency(result)


def test_evaluate_refuses_an_index_without_the_evidence(
    tiny: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, _ = tiny
    other = _write(tmp_path, [_line(evidence=["not-in-this-index"])])
    args = argparse.Namespace(questions=str(other), k=5, json_out=None, report=None, baseline=False)
    with pytest.raises(RagError, match="none of the 1 evidence articles"):
        run_cli(args, settings)


def _with_a_wrong_answer(path: Path, tmp_path: Path) -> Path:
    """The tiny question set plus t5, whose gold phrase the corpus does not hold: it fails."""
    wrong = dict(QUESTIONS[0], id="t5", answers=["1.8万"])
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        path.read_text(encoding="utf-8") + json.dumps(wrong, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return questions


def test_rag_eval_cli(
    tiny: tuple[Settings, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, path = tiny
    questions = _with_a_wrong_answer(path, tmp_path)
    floors = tmp_path / "floors.json"
    floors.write_text('{"hit@5": 1.0, "refusal_accuracy": 1.0}', encoding="utf-8")
    args = argparse.Namespace(
        questions=str(questions),
        k=5,
        json_out=str(tmp_path / "out.json"),
        report=str(tmp_path / "report"),
        baseline=True,
        thresholds=str(floors),
    )
    assert run_cli(args, settings) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "type followup" in out and "lang zh-Hant" in out
    assert "LLM answerer not configured (RAG_LLM_BASE_URL unset)" in out
    assert "baseline" in out
    assert "1 of 5 questions failed" in out and "t5 [number/zh-Hans] answer recall 0.00" in out
    assert "missing: 1.8万" in out
    assert "thresholds: all met" in out

    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    ours, base = data["results"][0], data["baseline"]
    assert [q["id"] for q in ours["questions"]] == ["t1", "t2", "t3", "t4", "t5"]
    assert ours["overall"]["metrics"]["answer_recall"] == 0.75
    assert ours["config"]["chunk_size"] == settings.chunk_size
    assert base["config"]["k"] == 2 and not any(q["abstained"] for q in base["questions"])
    assert base["overall"]["metrics"]["refusal_accuracy"] == 0.8  # it never declines
    report = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "## Ours vs the llama-index baseline" in report and "fusion" in report
    assert (tmp_path / "report" / "metrics_by_type.png").read_bytes()[:4] == b"\x89PNG"
    assert "## Thresholds" in report and "All metrics at or above their floors." in report
    assert data["thresholds"] == {
        "file": str(floors),
        "floors": {"hit@5": 1.0, "refusal_accuracy": 1.0},
        "failures": [],
    }


def test_rag_eval_thresholds_decide_the_exit_code(
    tiny: tuple[Settings, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, path = tiny
    floors = tmp_path / "floors.json"
    args = argparse.Namespace(
        questions=str(_with_a_wrong_answer(path, tmp_path)),
        k=5,
        json_out=str(tmp_path / "out.json"),
        report=None,
        baseline=False,
        thresholds=str(floors),
    )
    # answer recall is 0.75 (t5 misses its phrase): a floor of 0.9 fails, hit@5 1.0 passes
    floors.write_text('{"answer_recall": 0.9, "hit@5": 1.0}', encoding="utf-8")
    assert run_cli(args, settings) == 1
    out = capsys.readouterr().out
    assert "threshold: answer_recall 0.750 is below its floor 0.900" in out
    assert "threshold: hit@5" not in out  # only the metric that missed is named
    assert out.rstrip().endswith("thresholds: FAILED")
    checked = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["thresholds"]
    assert checked["failures"] == ["answer_recall 0.750 is below its floor 0.900"]

    floors.write_text(json.dumps(dict.fromkeys(METRICS, 0)), encoding="utf-8")
    assert run_cli(args, settings) == 0
    out = capsys.readouterr().out
    assert "threshold: " not in out
    assert out.rstrip().endswith(f"thresholds: all met ({floors})")


def test_evaluate_scores_context_at_k_and_records_errors(tiny: tuple[Settings, Path]) -> None:
    settings, _ = tiny
    engine = Engine.open(settings=settings)
    two = Question(
        id="m1",
        question="青岛建成了多少5G基站，率领深圳代表团的副市长是谁？",
        answers=("1.7万", "艾学峰"),
        evidence=("qingdao", "shenzhen"),
        type="multi",
        lang="zh-Hans",
    )
    too_long = Question(
        id="e1",
        question="青" * (settings.max_question_chars + 1),
        answers=("1.7万",),
        evidence=("qingdao",),
        type="number",
        lang="zh-Hans",
    )
    at1 = evaluate(engine, [two, too_long], k=1)
    at3 = evaluate(engine, [two], k=3)
    # each article is one passage: the top passage holds one of the two phrases
    assert at1.records[0].metrics["context_recall"] == 0.5
    assert at3.records[0].metrics["context_recall"] == 1.0
    err = at1.records[1]
    assert "2000" in err.error and err.failure_reasons()[0].startswith("error: ")
    assert err.metrics["hit@5"] == 0.0 and err.metrics["refusal_accuracy"] == 0.0
    with pytest.raises(RagError, match="between 1 and 100"):
        evaluate(engine, [two], k=0)


def test_rag_eval_scores_the_llm_answerer_when_configured(
    tiny: tuple[Settings, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from llm_server import FakeLLM

    settings, path = tiny
    # the fake model gives every question the same cited sentence: right only for t1
    with FakeLLM("截至目前，青岛已建成5G基站1.7万个。[1]") as llm:
        with_llm = settings.model_copy(update={"llm_base_url": llm.base_url, "llm_model": "fake"})
        args = argparse.Namespace(
            questions=str(path), k=5, json_out=str(tmp_path / "o.json"), report=None, baseline=False
        )
        assert run_cli(args, with_llm) == 0
        assert llm.requests  # the LLM answerer was really asked
    out = capsys.readouterr().out
    assert "rag (extractive)" in out and "rag (llm)" in out
    assert "LLM answerer not configured" not in out
    extractive, llm_result = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))[
        "results"
    ]
    assert extractive["config"]["mode"] == "extractive" and llm_result["config"]["mode"] == "llm"
    assert llm_result["config"]["llm_model"] == "fake"
    by_id = {q["id"]: q for q in llm_result["questions"]}
    assert by_id["t1"]["metrics"]["answer_recall"] == 1.0
    assert by_id["t2"]["metrics"]["answer_recall"] == 0.0
