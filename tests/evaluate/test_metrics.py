"""rag.evaluate.metrics: every metric on hand-built cases with values worked out by hand."""

from __future__ import annotations

import math

import pytest

from rag.evaluate.metrics import (
    citation_coverage,
    citation_precision,
    context_recall,
    dedupe,
    exact,
    hit_at,
    match_norm,
    mrr_at,
    ndcg_at,
    percentile,
    phrase_recall,
    refusal_correct,
)

# --- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１．７万", "1.7万"),  # full-width digits and point
        ("５０％", "50%"),
        ("長春淨月", "长春净月"),  # traditional -> simplified
        ("2023 中国\u3000领军\n智慧城市", "2023中国领军智慧城市"),  # every kind of space
        ("ＡＢＣ 5G", "abc5g"),  # full-width letters, lower case
        ("上海\u200b深圳", "上海深圳"),  # zero-width space
        ("", ""),
    ],
)
def test_match_norm(text: str, expected: str) -> None:
    assert match_norm(text) == expected


def test_phrase_recall_matches_across_scripts_widths_and_spaces() -> None:
    answer = "青岛已建成5G基站１．７萬个，長春淨月 2023 年"
    assert phrase_recall(["1.7万", "长春净月", "2023年", "5g"], answer) == 1.0
    # a traditional phrase matches a simplified answer too
    assert phrase_recall(["長春淨月"], "长春净月高新区") == 1.0


def test_phrase_recall_counts_the_share_found() -> None:
    assert phrase_recall(["上海", "深圳", "成都", "武汉"], "上海、深圳获奖") == 0.5
    assert phrase_recall(["1.8万"], "青岛已建成1.7万个5G基站") == 0.0
    assert phrase_recall([], "anything") == 1.0


def test_exact_needs_every_phrase() -> None:
    assert exact(["上海", "深圳"], "上海和深圳") == 1.0
    assert exact(["上海", "深圳"], "上海和广州") == 0.0


def test_context_recall_uses_all_passages_but_no_phrase_spans_two() -> None:
    passages = ["上海获奖。", "深圳也获奖。"]
    assert context_recall(["上海", "深圳", "成都"], passages) == pytest.approx(2 / 3)
    # "上海" split over the end of one passage and the start of the next is not found
    assert context_recall(["上海", "深圳"], ["获奖的有上", "海深圳"]) == 0.5
    assert context_recall(["上海"], []) == 0.0


# --- ranking ----------------------------------------------------------------------------------


def test_dedupe_keeps_first_occurrence() -> None:
    assert dedupe(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]


def test_hit_at() -> None:
    assert hit_at(["x", "a"], {"a"}, 1) == 0.0
    assert hit_at(["x", "a"], {"a"}, 2) == 1.0
    # duplicates do not take up places: the third *distinct* id is "a"
    assert hit_at(["x", "x", "y", "a"], {"a"}, 3) == 1.0
    assert hit_at(["x"], set(), 5) == 0.0
    with pytest.raises(ValueError, match="k >= 1"):
        hit_at(["a"], {"a"}, 0)


def test_mrr_at() -> None:
    assert mrr_at(["a", "b"], {"a"}) == 1.0
    assert mrr_at(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert mrr_at(["x", "x", "a"], {"a"}) == 0.5  # duplicate "x" counted once
    assert mrr_at(["x", "y", "a"], {"a"}, k=2) == 0.0
    assert mrr_at(["x", "b", "a"], {"a", "b"}) == 0.5  # the first relevant one counts


def test_ndcg_with_duplicates_has_the_hand_computed_value() -> None:
    # distinct ranking a, b, c, d; relevant a (rank 1) and c (rank 3)
    # DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1/log2(2) + 1/log2(3)
    expected = 1.5 / (1 + 1 / math.log2(3))
    assert ndcg_at(["a", "b", "a", "c", "d"], {"a", "c"}) == pytest.approx(expected)
    assert expected == pytest.approx(0.919721, abs=1e-6)


def test_ndcg_ideal_is_over_min_relevant_k() -> None:
    # 3 relevant ids but k = 2: the ideal DCG has 2 positions, so a perfect top 2 scores 1
    assert ndcg_at(["a", "b", "x"], {"a", "b", "c"}, k=2) == pytest.approx(1.0)
    assert ndcg_at(["x", "a"], {"a", "b", "c"}, k=2) == pytest.approx(
        (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    )


def test_ndcg_edge_cases() -> None:
    assert ndcg_at(["a"], {"a"}) == 1.0
    assert ndcg_at(["x", "y"], {"a"}) == 0.0
    assert ndcg_at(["a"], set()) == 0.0
    assert ndcg_at([], {"a"}) == 0.0
    # relevant at rank 11 is outside k = 10
    assert ndcg_at([str(i) for i in range(10)] + ["a"], {"a"}) == 0.0


# --- answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answerable", "abstained", "correct"),
    [(True, False, True), (False, True, True), (True, True, False), (False, False, False)],
)
def test_refusal_correct(answerable: bool, abstained: bool, correct: bool) -> None:
    assert refusal_correct(answerable, abstained) is correct


def test_citation_precision() -> None:
    assert citation_precision(["a", "a", "b"], ["a"]) == pytest.approx(2 / 3)
    assert citation_precision(["a", "c"], ["a", "c", "d"]) == 1.0
    assert citation_precision(["b"], ["a"]) == 0.0
    assert citation_precision([], ["a"]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上海获奖。[1]深圳也获奖[2]。", 1.0),
        ("上海获奖。[1] 深圳也获奖。", 0.5),
        ("上海获奖。深圳也获奖。广州呢？[3]", 1 / 3),
        ("Shanghai won [1]. GDP grew 3.5% in 2023.", 0.5),  # "3.5" does not end a sentence
        ("上海获奖。\n[1]", 1.0),  # a marker alone on a line belongs to the sentence before
        ("没有来源的回答。", 0.0),
        ("上海获奖【1】。深圳也获奖［2］。", 1.0),  # full-width markers count
        ("详见[注释]。", 0.0),  # brackets without a number are not a citation
        ("", None),
        ("……", None),  # nothing to judge
    ],
)
def test_citation_coverage(text: str, expected: float | None) -> None:
    result = citation_coverage(text)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


# --- percentiles -------------------------------------------------------------------------------


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile([3, 1, 2], 0) == 1
    assert percentile([3, 1, 2], 100) == 3
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError, match="at least one value"):
        percentile([], 50)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)
