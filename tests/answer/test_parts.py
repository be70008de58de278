"""Questions in parts ("A和B分别…"): each name's question, answered and joined."""

from __future__ import annotations

import re

import pytest

from rag.answer.parts import Part, apart, joined, question_parts
from rag.types import Answer, Citation


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "第三届数字中国建设峰会数字城市分论坛和第一届中国新型智慧城市建设峰会分别在哪座城市举行？",
            [
                "第三届数字中国建设峰会数字城市分论坛在哪座城市举行？",
                "第一届中国新型智慧城市建设峰会在哪座城市举行？",
            ],
        ),
        # a position word after the last name is every name's, and so is the comma
        (
            "2021年青岛的峰会和2023年的论坛上，分别是哪位主任出席致辞？",
            ["2021年青岛的峰会上，是哪位主任出席致辞？", "2023年的论坛上，是哪位主任出席致辞？"],
        ),
        # the attribute after the last of short names, and the subject before the first
        ("北京和上海的人口分别是多少？", ["北京的人口是多少？", "上海的人口是多少？"]),
        (
            "青岛在2021年和2023年分别获得了什么奖？",
            ["青岛在2021年获得了什么奖？", "青岛在2023年获得了什么奖？"],
        ),
        # whose the names are, said once before the first
        (
            "峰会的主会场和分会场分别设在哪里？",
            ["峰会的主会场设在哪里？", "峰会的分会场设在哪里？"],
        ),
        # traditional script, three names
        ("深圳、廣州與杭州分別排第幾？", ["深圳排第幾？", "廣州排第幾？", "杭州排第幾？"]),
        # quoted names keep their conjunctions
        ("“和平”与“发展”分别指什么？", ["“和平”指什么？", "“发展”指什么？"]),
    ],
)
def test_a_question_of_coordinated_names_asks_each(question: str, expected: list[str]) -> None:
    assert [p.question for p in question_parts(question)] == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the predicate after the second name is both names', and each asks for one city
        (
            "In which cities were the 3rd Digital China Summit and the first Smart City "
            "Summit held, respectively?",
            [
                "In which city was the 3rd Digital China Summit held?",
                "In which city was the first Smart City Summit held?",
            ],
        ),
        # short names share what comes before them
        (
            "What are the populations of Beijing and Shanghai, respectively?",
            ["What are the populations of Beijing?", "What are the populations of Shanghai?"],
        ),
        (
            "When did the Forum and the 25th China Hi-Tech Fair exhibition take place, "
            "respectively?",
            [
                "When did the Forum take place?",
                "When did the 25th China Hi-Tech Fair exhibition take place?",
            ],
        ),
    ],
)
def test_an_english_question_asked_respectively_asks_each(
    question: str, expected: list[str]
) -> None:
    assert [p.question for p in question_parts(question)] == expected


@pytest.mark.parametrize(
    "question",
    [
        "和平会议计划在哪里举行？",  # 和平 is a word, and nothing is asked of each
        "他们分别是谁？",  # no names to ask of
        "哪些城市和县获得了奖项？",  # coordinated, but one question
        "Where were the summit and the forum held?",  # English without "respectively"
        "Which cities and counties, respectively?",  # nothing asked before the names
    ],
)
def test_a_question_of_one_thing_has_no_parts(question: str) -> None:
    assert question_parts(question) == []


def _citation(n: int, chunk: str, start: int) -> Citation:
    return Citation(n, "a", "t", None, "", "句子。", start, start + 3, chunk_id=chunk)


def test_joined_answers_number_their_citations_once() -> None:
    first = Answer("福州。[1]句子。[1]另一句。[2]", [_citation(1, "c1", 0), _citation(2, "c1", 9)])
    second = Answer("青岛。[1]同一句。[1]", [_citation(1, "c1", 9)])  # the first's [2]
    both = joined([Part("A", "A在哪？"), Part("B", "B在哪？")], [first, second], "A和B分别在哪？")
    assert both.text == "A：福州。[1]句子。[1]另一句。[2]\nB：青岛。[2]同一句。[2]"
    assert [c.n for c in both.citations] == [1, 2]
    assert not both.abstained and both.question == "A和B分别在哪？"


def test_parts_quoting_the_same_sentences_are_not_apart() -> None:
    one = Answer("青岛。[1]", [_citation(1, "c1", 0)])
    other = Answer("济南。[1]", [_citation(1, "c2", 0)])
    refused = Answer("文章中没有找到这个问题的答案。", abstained=True)
    assert apart([one, other]) and apart([one, refused])
    assert not apart([one, Answer("青岛。[1]", [_citation(1, "c1", 0)])])  # one sentence
    assert not apart([refused, refused])


def test_a_sentence_answering_every_part_is_quoted_once(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("第一届中国新型智慧城市建设峰会的主会场和分会场分别设在哪里？")
    assert "\n" not in ans.text  # one answer, not the same quotes under each name
    assert "济南" in ans.text and "主会场" in ans.text


def test_each_part_of_a_seed_question_is_answered_from_its_own_article(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask(
        "第三届数字中国建设峰会数字城市分论坛和第一届中国新型智慧城市建设峰会分别在哪座城市举行？"
    )
    assert not ans.abstained
    first, second = ans.text.split("\n")
    assert first.startswith("第三届数字中国建设峰会数字城市分论坛：") and "福州" in first
    assert second.startswith("第一届中国新型智慧城市建设峰会：") and "青岛" in second
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)}
    assert cited == {c.n for c in ans.citations}
    assert ans.citations[0].article_id != ans.citations[-1].article_id  # both articles
    for c in ans.citations:
        assert c.quote in c.passage  # each still opens its exact source sentence


def test_a_part_the_articles_do_not_answer_says_so(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("第一届中国新型智慧城市建设峰会和东京马拉松分别在哪座城市举行？")
    first, second = ans.text.split("\n")
    assert "青岛" in first
    assert second.startswith("东京马拉松：文章中没有找到")


def test_each_part_of_a_when_question_gets_its_own_date(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("国际友城智慧城市论坛和第二十五届高交会智慧城市展分别在几月几日举行？")
    first, second = ans.text.split("\n")
    assert first.startswith("国际友城智慧城市论坛：5月26日。")
    # The fair's date is in its article's lead, which search for the part does not rank
    # among the first passages.
    assert second.startswith("第二十五届高交会智慧城市展：11月19日。")


def test_each_part_of_an_english_question_is_answered_under_its_name(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask(
        "In which cities were the digital city sub-forum of the 3rd Digital China Summit and "
        "the first China New Smart City Summit held, respectively?"
    )
    first, second = ans.text.split("\n")
    assert first.startswith("the digital city sub-forum of the 3rd Digital China Summit: ")
    assert "福州" in first and "青岛" in second
    assert second.startswith("the first China New Smart City Summit: Answer: 青岛")
