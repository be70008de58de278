"""Summaries and overviews (rag.answer.summary): which requests ask for one, the tables of
datelines and non-story lines, and summaries on the seed index and on canned passages."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pytest

import rag
from rag.answer.answerer import answer
from rag.answer.summary import (
    DATELINES,
    FACTOID_WORDS,
    MAX_SENTENCES,
    NOT_SUMMARY_SENTENCES,
    PLURAL_CUES,
    SINGULAR_CUES,
    SUMMARY_CUES,
    Cue,
    article_sentences,
    asks_summary,
    story_sentences,
    topic_words,
)
from rag.config import Settings
from rag.retrieve.query import Filters
from rag.retrieve.translate import term_groups
from rag.text import Script, detect_script, to_script, tokenize
from rag.types import Answer, Article, Hit

# ---- detection --------------------------------------------------------------------------

# One request per cue that asks for a summary through that cue.
SUMMARY_EXAMPLES = {
    "总结": "总结一下这些文章",
    "概括": "概括一下青岛5G建设的情况",
    "主要内容": "这篇文章的主要内容是什么",
    "讲了什么": "这些报道讲了什么？",
    "说了什么": "论坛上嘉宾们说了什么",
    "摘要": "给我这篇新闻的摘要",
    "简介": "高交会智慧城市展简介",
    "关于什么": "这篇文章是关于什么的？",
    "summarise": "Summarise the articles about Shenzhen",
    "summary": "Give me a summary of the Qingdao summit",
    "overview": "An overview of smart city news, please",
    "what is ... about": "What is the China Hi-Tech Fair article about?",
    "tell me about": "Tell me about the smart city forum in Guiyang",
}
# One summary-like request per factoid cue that asks for one fact instead.
FACTOID_EXAMPLES = {
    "count": "报告总结了多少条经验？",
    "time": "What is the summit about, and when was it held?",
    "who": "谁总结了论坛的主要内容？",
    "where": "Tell me about where the expo took place",
    "which": "哪些文章讲了什么奖项？",
}
NOT_SUMMARIES = [
    "青岛的5G基站有多少？",
    "What did Shenzhen announce?",
    "What did the report say about 5G base stations?",
    "深圳发布了什么文件？",
    "数博会是什么时候举办的？",
    "What is the theme of the summit?",
]


@pytest.mark.parametrize("cue", SUMMARY_CUES, ids=lambda c: c.name)
def test_each_summary_cue_catches_its_example(cue: Cue) -> None:
    example = SUMMARY_EXAMPLES[cue.name]
    assert re.search(cue.pattern, example, re.I), cue.reason
    assert asks_summary(example)


@pytest.mark.parametrize("cue", FACTOID_WORDS, ids=lambda c: c.name)
def test_a_factoid_word_keeps_a_summary_like_question_factoid(cue: Cue) -> None:
    example = FACTOID_EXAMPLES[cue.name]
    assert re.search(cue.pattern, example, re.I), cue.reason
    assert not asks_summary(example)


@pytest.mark.parametrize("question", NOT_SUMMARIES)
def test_a_factoid_question_is_no_summary_request(question: str) -> None:
    assert not asks_summary(question)


def test_every_cue_has_an_example_and_a_reason() -> None:
    assert {c.name for c in SUMMARY_CUES} == set(SUMMARY_EXAMPLES)
    assert {c.name for c in FACTOID_WORDS} == set(FACTOID_EXAMPLES)
    tables = (SUMMARY_CUES, FACTOID_WORDS, DATELINES, NOT_SUMMARY_SENTENCES)
    assert all(c.reason for t in tables + (PLURAL_CUES, SINGULAR_CUES) for c in t)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("概括一下青岛5G建设的情况", "青岛5g建设"),
        ("請概括一下高交會智慧城市展的主要內容", "高交会智慧城市展"),
        ("总结一下这些文章讲了什么", ""),
        ("这篇文章的主要内容是什么", ""),
        ("Summarise the articles about Shenzhen", "Shenzhen"),
        ("What is the China Hi-Tech Fair article about?", "China Hi-Tech Fair"),
        ("Tell me about the smart city forum in Guiyang", "smart city forum in Guiyang"),
    ],
)
def test_the_topic_is_the_request_without_its_frame_words(question: str, topic: str) -> None:
    assert topic_words(question) == topic


# ---- checking a summary --------------------------------------------------------------------

_HEADING = re.compile(
    r"^(?:《.+》(?:（[\d-]+）)?的主要內?内?容：|一篇未署[标標]題?题?的文章(?:（[\d-]+）)?："
    r"|Summary of (?:“.+”|an untitled article)(?: \([\d-]+\))?:)$"
)


def rendered(quote: str, script: Script) -> str:
    sentence = re.sub(r"[；;，,：:]$", "", quote.strip())
    return sentence if script == "en" else to_script(sentence, script)


def check_summary(ans: Answer, articles: dict[str, str], script: Script) -> None:
    """Not abstained; each line is a heading followed by quoted sentences each with its
    [n]; every citation quotes its article at its offsets; text in the asker's script."""
    assert not ans.abstained and ans.citations
    assert 1 <= len(ans.citations) <= MAX_SENTENCES
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    rest = ans.text
    for c in ans.citations:
        assert articles[c.article_id][c.start : c.end] == c.quote
        assert c.passage[c.start - c.passage_start : c.end - c.passage_start] == c.quote
        marked = re.compile(re.escape(rendered(c.quote, script)) + "。?" + re.escape(f"[{c.n}]"))
        assert marked.search(rest), (c.n, c.quote, ans.text)
        rest = marked.sub("", rest, count=1)
    lines = [line.strip() for line in rest.split("\n")]
    assert all(_HEADING.match(line) for line in lines), (lines, ans.text)  # nothing unmarked
    if script == "en":
        assert ans.text.startswith("Summary of")
    else:
        assert detect_script(re.sub(r"\[\d+\]", "", ans.text)) == script


# ---- on the seed index ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def texts(seed_articles: dict[str, Article]) -> dict[str, str]:
    return {aid: a.text for aid, a in seed_articles.items()}


@pytest.mark.parametrize(
    ("question", "script", "article"),
    [
        ("概括一下青岛5G建设的情况", "zh-Hans", "004"),
        ("請概括一下高交會智慧城市展的主要內容", "zh-Hant", "003"),
        ("What is the China Hi-Tech Fair article about?", "en", "003"),
        ("Summarise the articles about Shenzhen", "en", "001"),
    ],
)
def test_a_summary_of_the_article_a_topic_names(
    seed_engine: rag.Engine,
    seed_ids: dict[str, str],
    texts: dict[str, str],
    question: str,
    script: Script,
    article: str,
) -> None:
    ans = seed_engine.ask(question)
    check_summary(ans, texts, script)
    assert ans.citations[0].article_id == seed_ids[article]
    assert ans.citations[0].start < 100  # the lead opens the summary
    assert len({c.article_id for c in ans.citations}) <= 2


def test_the_articles_about_are_several_the_article_about_one(seed_engine: rag.Engine) -> None:
    several = seed_engine.ask("Summarise the articles about Shenzhen")
    one = seed_engine.ask("Summarise the article about Shenzhen")
    assert len({c.article_id for c in several.citations}) == 2
    assert len({c.article_id for c in one.citations}) == 1


def test_the_lead_skips_the_title_line_and_the_dateline(
    seed_engine: rag.Engine, seed_ids: dict[str, str]
) -> None:
    lead = seed_engine.ask("概括一下青岛5G建设的情况").citations[0]
    assert lead.article_id == seed_ids["004"]
    assert lead.quote.startswith("今天上午")  # not "青岛日报11月19日讯"


def test_a_summary_without_topic_covers_the_top_articles(
    seed_engine: rag.Engine, texts: dict[str, str]
) -> None:
    ans = seed_engine.ask("总结一下这些文章讲了什么")
    check_summary(ans, texts, "zh-Hans")
    assert 2 <= len({c.article_id for c in ans.citations}) <= 3


def test_a_factoid_question_still_gets_a_factoid_answer(seed_engine: rag.Engine) -> None:
    for question in ("青岛的5G基站有多少？", "What did Shenzhen announce?"):
        ans = seed_engine.ask(question)
        assert not ans.abstained and ans.citations
        assert "主要内容：" not in ans.text and "Summary of" not in ans.text


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("概括一下火星探测的情况", "没有文章讲到“火星探测”"),
        ("Give me an overview of the Shanghai subway", "No article covers “Shanghai subway”"),
    ],
)
def test_a_summary_of_a_topic_no_article_covers_declines(
    seed_engine: rag.Engine, question: str, said: str
) -> None:
    ans = seed_engine.ask(question)
    assert ans.abstained and not ans.citations
    assert ans.text.startswith(said)


def test_a_summary_streams_its_sentences(seed_engine: rag.Engine) -> None:
    pieces = list(seed_engine.ask_stream("Summarise the articles about Shenzhen"))
    final = pieces[-1]
    assert isinstance(final, Answer) and "".join(map(str, pieces[:-1])) == final.text


# ---- on canned passages ----------------------------------------------------------------------

ARTICLES = {
    "qd": (
        "青岛5G建设提速",
        "青岛5G建设提速\n青岛日报11月19日讯 今天上午,青岛5G建设推进会在青岛召开。"
        "会议通报,青岛已建成5G基站1.7万个,实现主城区全覆盖。\n现场直击\n"
        "青岛5G建设将向区县延伸,青岛计划明年再建5G基站5000个。"
        "与会企业代表交流了5G应用经验。",
    ),
    "sz": (
        "",
        "深圳第二十五届高交会今天开幕。本届高交会吸引了众多企业参展,展示了智慧城市新产品。"
        "高交会期间还举办了多场论坛。",
    ),
}


def passages(article_id: str, title: str, text: str, size: int = 40) -> list[Hit]:
    """Sentence-aligned chunks of about `size` characters, as ingest cuts them."""
    from rag.text import sentence_spans

    hits: list[Hit] = []
    start = 0
    spans = sentence_spans(text)
    while spans:
        end = spans[0][1]
        spans.pop(0)
        while spans and spans[0][1] - start <= size:
            end = spans.pop(0)[1]
        hits.append(
            Hit(
                f"{article_id}#{len(hits)}",
                article_id,
                title,
                None,
                "",
                "",
                text[start:end],
                start,
                end,
                1.0,
            )  # fmt: skip
        )
        start = spans[0][0] if spans else end
    return hits


class FakeSources:
    """Canned passages of two articles; honours article_ids filters; records each search."""

    def __init__(self) -> None:
        self.settings = Settings()
        self.hits = [h for aid, (t, x) in ARTICLES.items() for h in passages(aid, t, x)]
        self.searches: list[tuple[str, int, Filters | None]] = []
        self.vocab = {t for h in self.hits for t in tokenize(h.text)}

    def search(self, query: str, *, k: int, filters: Filters | None = None) -> list[Hit]:
        self.searches.append((query, k, filters))
        hits = self.hits
        if filters is not None and filters.article_ids:
            hits = [h for h in hits if h.article_id in filters.article_ids]
        words = set(tokenize(query))
        return sorted(hits, key=lambda h: -len(words & set(tokenize(h.text))))[:k]

    def article_text(self, article_id: str) -> str:
        return "\n".join(
            [ARTICLES[article_id][0], *(h.text for h in self.hits if h.article_id == article_id)]
        )

    def knows(self, token: str) -> bool:
        return token in self.vocab

    def uses(self, word: str) -> bool:
        return word in self.vocab or any(word in h.text for h in self.hits)

    def idf(self, token: str) -> float:
        df = sum(token in tokenize(h.text) for h in self.hits)
        return math.log(1 + (len(self.hits) - df + 0.5) / (df + 0.5))

    def share(self, token: str) -> float:
        return sum(token in tokenize(h.text) for h in self.hits) / len(self.hits)

    def mentions(self, text: str) -> bool:
        return any(text in h.text for h in self.hits)

    def translate(self, text: str) -> list[tuple[str, ...]]:
        return term_groups(text, known=self.uses)

    def lead(self, article_id: str) -> Hit | None:
        return next((h for h in self.hits if h.article_id == article_id and h.start == 0), None)

    def similarities(self, question: str, texts: Sequence[str]) -> list[float] | None:
        return None  # no model: the answerer keeps its word scores


def test_a_summary_from_canned_passages_quotes_lead_and_key_sentences() -> None:
    sources = FakeSources()
    asked = Filters(article_ids=("qd", "sz"), source="青岛日报")
    ans = answer(sources, "概括一下青岛5G建设的情况", filters=asked)
    check_summary(ans, {aid: text for aid, (_, text) in ARTICLES.items()}, "zh-Hans")
    assert {c.article_id for c in ans.citations} == {"qd"}
    assert ans.text.startswith("《青岛5G建设提速》的主要内容：今天上午")
    assert "现场直击" not in ans.text  # a heading is no sentence
    # Every further search keeps the asker's filters (within them, the articles weighed).
    assert len(sources.searches) == 2  # the request's, then the topic's
    assert all(f is not None and f.source == "青岛日报" for _, _, f in sources.searches)
    assert all(set(f.article_ids) <= {"qd", "sz"} for _, _, f in sources.searches if f)


def test_a_summary_from_canned_passages_without_topic_covers_both_articles() -> None:
    ans = answer(FakeSources(), "总结一下这些文章讲了什么")
    check_summary(ans, {aid: text for aid, (_, text) in ARTICLES.items()}, "zh-Hans")
    assert {c.article_id for c in ans.citations} == {"qd", "sz"}
    assert (
        "一篇未署标题的文章：深圳第二十五届高交会今天开幕。" in ans.text
    )  # untitled: no bare id shown
    assert "sz" not in ans.text


def test_a_canned_summary_in_traditional_script_and_in_english() -> None:
    texts = {aid: text for aid, (_, text) in ARTICLES.items()}
    check_summary(answer(FakeSources(), "總結一下青島5G建設的情況"), texts, "zh-Hant")
    english = answer(FakeSources(), "Summarise the article about Qingdao 5G")
    check_summary(english, texts, "en")
    assert english.text.startswith("Summary of “青岛5G建设提速”:")


def test_a_canned_summary_of_an_absent_topic_declines() -> None:
    ans = answer(FakeSources(), "概括一下火星探测的情况")
    assert ans.abstained and not ans.citations
    assert "火星探测" in ans.text and "《青岛5G建设提速》" in ans.text


DATELINE_EXAMPLES = {
    "讯/电": ("青岛日报11月19日讯 今天上午,峰会在青岛开幕。", "今天上午,峰会在青岛开幕。"),
    "本报讯": ("本报讯(记者 王五)昨日,智慧城市展会在深圳开幕。", "昨日,智慧城市展会在深圳开幕。"),
    "消息": ("国际在线贵州消息(周娴):5月26日下午,论坛在贵阳举行。", "5月26日下午,论坛在贵阳举行。"),
}
NOT_STORY_EXAMPLES = {
    "heading": "多元呈现智慧城市发展新格局",
    "photo credit": "图为论坛现场的嘉宾们正在交流发言。",
    "editor": "责任编辑:陈玮 作者:卢金福。",
}


def story(text: str, title: str = "") -> list[str]:
    hit = Hit("a#0", "a", title, None, "", "", text, 0, len(text), 1.0)
    return [x.text for x in story_sentences(article_sentences([hit]), title)]


@pytest.mark.parametrize("rule", DATELINES, ids=lambda c: c.name)
def test_each_dateline_is_cut_from_its_sentence(rule: Cue) -> None:
    sentence, kept = DATELINE_EXAMPLES[rule.name]
    assert re.search(rule.pattern, sentence), rule.reason
    assert story(sentence) == [kept]


@pytest.mark.parametrize("rule", NOT_SUMMARY_SENTENCES, ids=lambda c: c.name)
def test_each_non_story_line_is_left_out(rule: Cue) -> None:
    line = NOT_STORY_EXAMPLES[rule.name]
    assert re.search(rule.pattern, line), rule.reason
    assert story(f"{line}\n论坛在贵阳举行,嘉宾交流了经验。") == ["论坛在贵阳举行,嘉宾交流了经验。"]


def test_the_title_line_and_fragments_are_left_out() -> None:
    text = "青岛5G建设提速\n很好。\n青岛已建成5G基站1.7万个。"
    assert story(text, title="青岛5G建设提速") == ["青岛已建成5G基站1.7万个。"]
    assert {c.name for c in DATELINES} == set(DATELINE_EXAMPLES)
    assert {c.name for c in NOT_SUMMARY_SENTENCES} == set(NOT_STORY_EXAMPLES)


@pytest.mark.parametrize(
    ("question", "articles"),
    [("总结一下这篇文章", 1), ("总结一下这些文章", 2), ("Summarise this article", 1)],
)
def test_this_article_is_one_these_articles_several(question: str, articles: int) -> None:
    ans = answer(FakeSources(), question)
    assert len({c.article_id for c in ans.citations}) == articles
    assert PLURAL_CUES and SINGULAR_CUES
