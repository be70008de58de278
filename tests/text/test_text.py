"""rag.text: sentence spans, normalisation, BM25 tokens and script detection."""

from __future__ import annotations

import re

import pytest

from rag.text import (
    CHINESE_STOPWORDS,
    ENGLISH_QUERY_STOPWORDS,
    ENGLISH_STOPWORDS,
    STOPWORDS,
    Form,
    detect_script,
    normalize,
    sentence_spans,
    split_sentences,
    to_script,
    tokenize,
)

# --- sentence_spans -----------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    spans = sentence_spans(text)
    # The contract: spans index the original text, in order, without overlap.
    for (s1, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        assert s1 < e1 <= s2
    assert split_sentences(text) == [text[s:e] for s, e in spans]
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "青岛建成基站。全市覆盖！真的吗？是的；结束",
            ["青岛建成基站。", "全市覆盖！", "真的吗？", "是的；", "结束"],
        ),
        ("半角句号后!问号?分号;最后", ["半角句号后!", "问号?", "分号;", "最后"]),
        ("他说得很慢…接着说……然后停了", ["他说得很慢…", "接着说……", "然后停了"]),
        ("真的吗？！当然。", ["真的吗？！", "当然。"]),
    ],
)
def test_sentence_end_marks_full_and_half_width(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说：“我们做到了。”随后离开。", ["他说：“我们做到了。”", "随后离开。"]),
        ("标语写着「智慧城市！」大家鼓掌。", ["标语写着「智慧城市！」", "大家鼓掌。"]),
        (
            "书名是《数字中国？》（第二版。）下一句。",
            ["书名是《数字中国？》", "（第二版。）", "下一句。"],
        ),
        ('He said "done." Then left.', ['He said "done."', "Then left."]),
    ],
)
def test_closing_quotes_after_end_mark_stay_in_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize("number", ["1.7萬", "1.7万", "3.5%", "0.5", "2023.05.27", "v1.2.3"])
def test_decimal_points_never_split(number: str) -> None:
    text = f"基站数量达到{number}个，增长明显。下一句。"
    got = sentences(text)
    assert got == [f"基站数量达到{number}个，增长明显。", "下一句。"]


def test_english_full_stop_splits_only_before_space_or_end() -> None:
    assert sentences("It grew 3.5 percent. Next one.") == ["It grew 3.5 percent.", "Next one."]


def test_newlines_split_and_blank_lines_vanish() -> None:
    text = "第一行标题\n第二行没有句号\n\n  \n第三行。第四句"
    assert sentences(text) == ["第一行标题", "第二行没有句号", "第三行。", "第四句"]


def test_spans_are_trimmed_and_cover_all_non_space_text() -> None:
    text = "  开头有空格。 \n 中间。\t结尾  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["开头有空格。", "中间。", "结尾"]
    covered = {i for s, e in spans for i in range(s, e)}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_has_no_sentences(text: str) -> None:
    assert sentence_spans(text) == []


def test_answer_text_options_keep_clauses_and_trailing_text_together() -> None:
    marks = re.compile(r"(?:[ ]*\[\d\])+")
    text = "上海获奖；深圳也获奖。[1] 完 in 2021. [2] Next. 1. item"
    assert split_sentences(text, semicolons=False, trailing=marks) == [
        "上海获奖；深圳也获奖。[1]",
        "完 in 2021. [2]",  # a marker after "." ends the sentence, even after a digit
        "Next.",
        "1. item",  # a list number does not
    ]
    assert split_sentences("上海获奖；深圳也获奖。[1]") == ["上海获奖；", "深圳也获奖。", "[1]"]


# --- normalize and tokenize ---------------------------------------------------------------


def test_normalize_folds_width_script_case_and_space() -> None:
    assert normalize("ＡＢＣ　１２３  青島\t建成") == "abc 123 青岛 建成"


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("spaced", "1.7 万,abc\u200b青岛!"),
        ("compact", "1.7万,abc青岛!"),  # no white space nor zero-width characters
        ("alnum", "17万abc青岛"),  # letters and digits only
    ],
)
def test_normalize_forms(form: Form, expected: str) -> None:
    assert normalize("  １．７\u3000萬，ABC\u200b青島！ ", form=form) == expected


def test_normalize_rejects_an_unknown_form() -> None:
    with pytest.raises(ValueError, match="spaced, compact, alnum"):
        normalize("x", form="lower")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("青島建成", "青岛建成"),
        ("數字中國建設峰會", "数字中国建设峰会"),
        ("智慧城市發展", "智慧城市发展"),
    ],
)
def test_traditional_and_simplified_give_the_same_tokens(traditional: str, simplified: str) -> None:
    tokens = tokenize(simplified)
    assert tokens
    assert tokenize(traditional) == tokens


def test_tokens_of_qingdao_sentence() -> None:
    tokens = tokenize("青島建成")
    assert "青岛" in tokens
    assert "建成" in tokens


def test_full_width_digits_and_letters_are_normalised() -> None:
    assert tokenize("５Ｇ基站") == tokenize("5G基站")
    assert "5g" in tokenize("５Ｇ基站")
    assert tokenize("ＡＢＣ") == ["abc"]


@pytest.mark.parametrize("word", ["什么", "哪些", "多少", "的", "了", "what", "the"])
def test_stop_words_dropped(word: str) -> None:
    assert word in STOPWORDS
    assert word not in tokenize(f"青岛有{word}基站") + tokenize(f"{word} base station")


def test_stop_word_tables_are_one_per_language_without_repeats() -> None:
    assert not CHINESE_STOPWORDS & ENGLISH_QUERY_STOPWORDS
    assert all(w.isascii() for w in ENGLISH_QUERY_STOPWORDS)
    assert not any(w.isascii() for w in CHINESE_STOPWORDS)
    assert ENGLISH_STOPWORDS < ENGLISH_QUERY_STOPWORDS  # translation skips more words
    assert STOPWORDS == CHINESE_STOPWORDS | ENGLISH_STOPWORDS
    assert "more" in ENGLISH_QUERY_STOPWORDS and "more" in tokenize("more base stations")


def test_question_words_leave_only_content_words() -> None:
    tokens = tokenize("青岛有哪些智慧城市应用？什么时候建成的？")
    assert "哪些" not in tokens and "什么" not in tokens
    assert {"青岛", "智慧", "城市", "应用", "建成"} <= set(tokens)


def test_punctuation_is_not_a_token() -> None:
    tokens = tokenize("青岛，深圳。“贵阳”！？…（）")
    assert tokens == ["青岛", "深圳", "贵阳"]


def test_search_mode_adds_sub_words() -> None:
    # A question with the shorter word must still match a text with the compound.
    assert "千兆" in tokenize("双千兆城市")


def test_empty_text_has_no_tokens() -> None:
    assert tokenize("") == []
    assert tokenize("  ？！。 ") == []


# --- detect_script ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("青岛建成了多少个5G基站？", "zh-Hans"),
        ("数字中国建设峰会在哪里举行", "zh-Hans"),
        ("青島建成了多少個5G基站？", "zh-Hant"),
        ("數字中國建設峰會在哪裡舉行", "zh-Hant"),
        ("How many 5G base stations does Qingdao have?", "en"),
        ("12345 !?", "en"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_to_script_round_trip() -> None:
    assert to_script("青岛建成", "zh-Hant") == "青島建成"
    assert to_script("青島建成", "zh-Hans") == "青岛建成"
    assert to_script("Qingdao", "en") == "Qingdao"


def test_a_word_glued_to_a_stop_word_is_the_word_the_corpus_uses() -> None:
    from rag.text import unglued

    vocab = {"龙澎", "最多", "数据", "中心"}
    # jieba reads an unknown name with the 是 after it as one word: "龙澎是哪里人".
    assert unglued("龙澎是", vocab.__contains__) == "龙澎"
    assert unglued("最多能", vocab.__contains__) == "最多"
    # A compound the corpus never uses is no glued stop word: it stays (数据中心 is absent).
    assert unglued("数据中心", vocab.__contains__) == "数据中心"
    assert unglued("龙澎", vocab.__contains__) == "龙澎"
    assert unglued("是龙澎是", set().__contains__) == "是龙澎是"  # nothing known: as it is


def test_places_go_by_their_short_names_in_compounds() -> None:
    from rag.text.places import REGION_RUN, joint_names, short_names

    assert short_names("湖北") == "鄂"
    assert short_names("枣庄市") == "枣"  # a city by its first character
    assert short_names("南京") == "宁"  # not its first: 沪宁
    assert short_names("市") == ""  # no place's name
    assert short_names("广西壮族自治区") == "桂"  # the autonomous region's whole ending
    assert joint_names(["北京", "天津", "河北"]) == ["京津冀"]
    assert joint_names(["枣庄", "菏泽"]) == ["枣菏"]
    assert "成渝" in joint_names(["成都", "重庆"])
    assert joint_names(["北京"]) == []
    # Three or more provinces' short names in a row are a region; two are as often a word.
    assert (
        REGION_RUN.search("国家防总维持对京津冀晋鲁豫防汛应急三级响应").group(0) == "京津冀晋鲁豫"
    )
    assert REGION_RUN.search("苏宁易购发布公告") is None
    assert REGION_RUN.search("图片来源：山东省台港澳办") is None  # an office's remit


def test_char_ngrams_are_of_letters_and_digits_in_one_script() -> None:
    from rag.text import char_ngrams

    assert char_ngrams("上海，獲獎！") == {"上海", "海获", "获奖"}
    assert char_ngrams("5G 基站", 3) == {"5g基", "g基站"}
    assert char_ngrams("上") == {"上"} and char_ngrams("，。") == set()


def test_a_province_is_known_with_or_without_its_ending() -> None:
    from rag.text import is_province

    assert is_province("湖南") and is_province("湖南省") and is_province("广西壮族自治区")
    assert is_province("上海市")
    assert not is_province("常德") and not is_province("常德市")
