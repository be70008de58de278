"""rag.answer.verify: sentence splitting, [n] markers and lexical support of answer sentences."""

from __future__ import annotations

import pytest

from rag.answer.verify import (
    has_content,
    parse_markers,
    renumber_markers,
    split_sentences,
    strip_markers,
    support_score,
    verify_answer,
)

# --- split_sentences -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上海获奖。[1] 深圳也获奖[2]。", ["上海获奖。[1]", "深圳也获奖[2]。"]),
        ("上海获奖。[1][3]深圳呢？[2]真的！", ["上海获奖。[1][3]", "深圳呢？[2]", "真的！"]),
        ("Shanghai won. [1] Shenzhen too [2].", ["Shanghai won. [1]", "Shenzhen too [2]."]),
        ("Shanghai won.[1] Why? Because!", ["Shanghai won.[1]", "Why?", "Because!"]),
        ("GDP grew 3.5% in v1.2 [1]. Next", ["GDP grew 3.5% in v1.2 [1].", "Next"]),
        ("他说：“我们赢了。”[1]随后离开。", ["他说：“我们赢了。”[1]", "随后离开。"]),
        ("第一点[1]\n第二点[2]", ["第一点[1]", "第二点[2]"]),
        ("上海获奖。\n[1]", ["上海获奖。[1]"]),  # a marker alone on a line joins its sentence
        ("上海获奖[1, 2]", ["上海获奖[1, 2]"]),
        ("上海获奖；深圳也获奖[1]。", ["上海获奖；深圳也获奖[1]。"]),  # one marker, both clauses
        ("1. 上海获奖[1]\n2. 深圳获奖[2]", ["1. 上海获奖[1]", "2. 深圳获奖[2]"]),  # list numbers
        ("It opened in 2021. [1] Next.", ["It opened in 2021. [1]", "Next."]),
        ('They said "done." [1] Then left.', ['They said "done." [1]', "Then left."]),
        ("见《数字中国？》[1]下一句。", ["见《数字中国？》[1]", "下一句。"]),  # 》 stays
        ("", []),
        ("  \n ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_loses_only_spaces_between_sentences() -> None:
    text = "上海获奖。[1] 深圳也获奖[2]。Shanghai won. [3] Prices rose 3.5%!"
    pieces = split_sentences(text)
    assert len(pieces) == 4
    assert "".join(p.replace(" ", "") for p in pieces) == text.replace(" ", "")


# --- markers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("上海获奖[1]。", [1]),
        ("上海获奖[1][2]。", [1, 2]),
        ("上海获奖[1, 2]。", [1, 2]),
        ("上海获奖[1,3]。", [1, 3]),
        ("上海获奖[ 2 ，4、5 ]", [2, 4, 5]),
        ("上海获奖【2】［3］", [2, 3]),
        ("上海获奖[3][1][3]", [3, 1]),  # first appearance, no repeats
        ("上海获奖[12]", [12]),
        ("上海获奖。", []),
        ("数组 [a] 与 [1a] 与 []", []),
    ],
)
def test_parse_markers(sentence: str, expected: list[int]) -> None:
    assert parse_markers(sentence) == expected


def test_has_content_ignores_markers_and_punctuation() -> None:
    assert has_content("上海[1]。") and has_content("2023 [1]")
    assert not has_content("。[1][2]") and not has_content(" ！ ")


def test_strip_markers() -> None:
    assert strip_markers("上海获奖[1][2]。深圳[1, 3]也是。") == "上海获奖。深圳也是。"
    assert strip_markers("Shanghai won [1]. Shenzhen too [2].") == "Shanghai won. Shenzhen too."
    assert strip_markers("没有标记。") == "没有标记。"


# --- support_score -------------------------------------------------------------------------


def test_support_score_on_hand_made_strings() -> None:
    assert support_score("abcd", "abcd") == 1.0
    assert support_score("abcd", "xbcx") == pytest.approx(1 / 3)  # ab, bc, cd: only bc
    assert support_score("abcd", "zzzz") == 0.0
    assert support_score("上海获奖", "上海市获得大奖") == pytest.approx(1 / 3)  # 上海 only


def test_support_score_counts_distinct_bigrams() -> None:
    # "abab" has the distinct bigrams ab and ba; the passage "ab" holds only ab.
    assert support_score("abab", "ab") == pytest.approx(1 / 2)


def test_support_score_normalises_both_sides() -> None:
    passage = "2023年度城市大奖由上海获得。"
    assert support_score("2023年度城市大獎由上海獲得。", passage) == 1.0  # traditional script
    assert support_score("２０２３年度 城市大奖，由上海获得！[1][2]", passage) == 1.0  # NFKC, marks
    assert support_score("Shanghai WON", "shanghai won the award") == 1.0  # case, spaces


def test_support_score_edge_cases() -> None:
    assert support_score("。[1]", "上海获奖") == 0.0  # nothing to support
    assert support_score("奖", "上海获奖") == 1.0  # shorter than n: the whole text is the gram
    assert support_score("奖", "上海") == 0.0
    assert support_score("上海获奖", "上海得奖", n=1) == pytest.approx(3 / 4)
    with pytest.raises(ValueError, match="n >= 1"):
        support_score("a", "a", n=0)


# --- verify_answer -------------------------------------------------------------------------

PASSAGES = {
    1: "2023年度城市大奖由上海获得，评委会称赞其数字治理成就。",
    2: "深圳获得了创新城市提名，市长表示将继续推进科技产业发展。",
}


def test_markers_pointing_nowhere_are_dropped() -> None:
    text = "上海获得2023年度城市大奖[1][9]。深圳获得了创新城市提名 [7]。评委会称赞上海[1, 5]。"
    cleaned, cited, unsupported = verify_answer(text, PASSAGES)
    assert cleaned == "上海获得2023年度城市大奖[1]。深圳获得了创新城市提名。评委会称赞上海[1]。"
    assert cited == [1]
    assert unsupported == ["深圳获得了创新城市提名。"]  # true, but cites nothing valid


def test_markers_are_rewritten_in_one_form_and_cited_in_order_of_use() -> None:
    text = "深圳获得了创新城市提名[2, 1]。2023年度城市大奖由上海获得[1]。"
    cleaned, cited, unsupported = verify_answer(text, PASSAGES)
    assert cleaned == "深圳获得了创新城市提名[2][1]。2023年度城市大奖由上海获得[1]。"
    assert cited == [2, 1]
    assert unsupported == []


def test_supported_traditional_sentence_vs_invented_fact() -> None:
    copied = "2023年度城市大獎由上海獲得，評委會稱讚其數字治理成就。[1]"
    invented = "深圳將投資五十億元興建國際機場。[2]"
    cleaned, cited, unsupported = verify_answer(f"{copied}{invented}", PASSAGES)
    assert cleaned == copied + invented
    assert cited == [1, 2]
    assert unsupported == [invented]
    assert support_score(copied, PASSAGES[1]) == 1.0
    assert support_score(invented, PASSAGES[2]) < 0.3


def test_sentence_checked_against_the_passage_it_cites() -> None:
    # Supported by passage 2 but citing passage 1: a wrong citation is unsupported.
    text = "深圳获得了创新城市提名。[1]"
    assert verify_answer(text, PASSAGES)[2] == [text]
    assert verify_answer("深圳获得了创新城市提名。[1][2]", PASSAGES)[2] == []


def test_threshold_decides() -> None:
    text = "上海获得大奖，深圳也获得了大奖。[1]"
    score = support_score(text, PASSAGES[1])
    assert 0 < score < 1
    assert verify_answer(text, PASSAGES, threshold=score)[2] == []
    assert verify_answer(text, PASSAGES, threshold=min(1.0, score + 0.01))[2] == [text]
    with pytest.raises(ValueError, match="between 0 and 1"):
        verify_answer(text, PASSAGES, threshold=1.5)


def test_answer_without_markers_or_text() -> None:
    assert verify_answer("", PASSAGES) == ("", [], [])
    assert verify_answer("上海获奖。", {}) == ("上海获奖。", [], ["上海获奖。"])
    assert verify_answer("……[1]", PASSAGES) == ("……[1]", [1], [])  # no words: not judged


def test_renumber_markers_maps_each_number_and_drops_unmapped_groups() -> None:
    text = "福州。[1]青岛[1, 2]。另一句 [9]。"
    assert renumber_markers(text, {1: 3, 2: 1}) == "福州。[3]青岛[3][1]。另一句。"
