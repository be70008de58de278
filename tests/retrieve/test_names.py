"""rag.retrieve.names: romanised Chinese names in English questions find the corpus's own words."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import settings_for

import rag
from rag.retrieve.followup import proper_nouns
from rag.retrieve.names import NameIndex, misread_name, surname_characters, written_alike
from rag.retrieve.translate import term_groups

WORDS = ["陆志鹏", "青岛", "重庆", "志鹏", "贵阳", "智慧", "龙", "王"]


@pytest.fixture(scope="module")
def names() -> NameIndex:
    return NameIndex(WORDS)


def found(names: NameIndex, question: str, words: list[str] = WORDS) -> list[str]:
    """The given corpus words among an English question's translated terms."""
    terms = [t for g in term_groups(question, names=names.words) for t in g]
    return [t for t in terms if t in words]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Lu Zhipeng say at the forum?", ["陆志鹏"]),  # the whole name is a word
        ("What did Zhipeng Lu say?", ["陆志鹏"]),  # given name first
        ("How many 5G base stations has Qingdao built?", ["青岛"]),
        ("Which events did Chongqing host?", ["重庆"]),  # the phrase reading: chong, not zhong
        ("Did Guiyang and Qingdao sign a deal?", ["贵阳", "青岛"]),
        ("What did Harvard University decide?", []),  # not pinyin
        ("How Long is the Wang river?", []),  # one syllable: never on its own
    ],
)
def test_romanised_names_translate_to_the_corpus_words(
    names: NameIndex, question: str, expected: list[str]
) -> None:
    assert found(names, question) == expected


def test_a_surname_before_the_given_name_when_the_whole_is_not_a_word() -> None:
    # jieba cut the articles' 陆志鹏 apart (陆 / 志鹏): a surname read "lu", then 志鹏.
    index = NameIndex(["志鹏", "陆地"])
    terms = [t for g in term_groups("What did Lu Zhipeng say?", names=index.words) for t in g]
    assert "陆志鹏" in terms and "陆地" not in terms


def test_only_words_of_two_to_four_chinese_characters_are_keyed() -> None:
    index = NameIndex(["青", "青岛市北区", "Qingdao", "5G", "青岛"])
    assert len(index) == 1 and index.words("qingdao") == ["青岛"]


def test_an_english_question_finds_the_article_naming_the_person(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "forum.txt").write_text(
        "数字经济论坛举行\n\n国家数据局副局长陆志鹏在论坛上发表讲话，介绍了数据要素市场建设进展。",
        encoding="utf-8",
    )
    (corpus / "other.txt").write_text(
        "城市建设新闻\n\n市长在会议上发表讲话，介绍了城市更新和数据共享的进展。", encoding="utf-8"
    )
    settings = settings_for(tmp_path)
    rag.ingest(settings=settings)
    engine = rag.Engine.open(settings=settings)
    ranked = engine.rankings("What did Lu Zhipeng talk about?", depth=5)
    assert ranked.bm25 and ranked.bm25[0].startswith("forum#")
    assert engine.search("What did Lu Zhipeng talk about?", k=1)[0].article_id == "forum"


def test_an_idiom_the_dictionary_tags_as_a_person_is_no_name() -> None:
    assert misread_name("殷切期望", "nr")  # jieba's dictionary lists it as a person
    assert not misread_name("泽连斯基", "nr")  # a foreign name: not in the dictionary
    assert not misread_name("张敬平", "nr") and not misread_name("殷切期望", "n")
    assert proper_nouns("谁提出了对科技工作者的殷切期望？") == []


def test_a_surname_is_also_read_as_a_surname() -> None:
    # 单 is dan, but as a surname shan; a dictionary word of another kind keeps its reading.
    index = NameIndex(["单志广", "单位", "曾志伟", "曾经", "解振华"])
    assert index.words("shanzhiguang") == ["单志广"]
    assert index.words("danzhiguang") == ["单志广"]  # the common reading stays
    assert index.words("zengzhiwei") == ["曾志伟"]
    assert index.words("xiezhenhua") == ["解振华"]
    assert index.words("shanwei") == [] and index.words("danwei") == ["单位"]
    assert index.words("zengjing") == []


def test_the_surnames_a_syllable_reads_commonest_first() -> None:
    assert surname_characters("wang") == ("王", "汪")
    assert surname_characters("Shan") == ("单",)  # a surname's own reading
    assert surname_characters("new") == ()


def test_a_name_written_in_other_characters_of_the_same_reading() -> None:
    # Transliterations vary by character, not by sound: Texas is 德克萨斯 or 得克萨斯.
    assert written_alike("美国得克萨斯州奥斯汀市连续第30天高温", "德克萨斯")
    # A romanised name of three or four syllables is read in the article's characters.
    assert written_alike("话剧《宝岛一村》由赖声川编导", "baodao yicun")
    assert not written_alike("话剧《宝岛》由赖声川编导", "baodao yicun")
    # Two syllables are too common to tell a name by: xinde is also 新的 and 心得.
    assert not written_alike("这是新的心得", "xinde")
    assert not written_alike("这是新的心得", "心得")
