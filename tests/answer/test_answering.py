"""The offline answerer on the seed index: types, selection, citations, script, refusals."""

from __future__ import annotations

import re

import pytest

import rag
from rag.answer.english import english_name_runs
from rag.answer.kinds import blank_non_counts, question_type
from rag.answer.question import (
    asked_attribute,
    asked_noun,
    question_places,
    quoted_names,
    required_pattern,
)
from rag.answer.short_answer import short_answer
from rag.answer.subjects import names_place
from rag.answer.titles import english_deed, english_title, holds_title, title_owner
from rag.text import detect_script, to_simplified


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("哪些城市获得了2023中国领军智慧城市奖？", "list"),
        ("青岛建成了多少个5G基站？", "number"),
        ("青島建成了多少個5G基站？", "number"),
        ("论坛在哪里举行？", "place"),
        ("深圳是哪一年提出打造智慧深圳的？", "date"),
        ("率领代表团的是谁？", "who"),
        ("数字城市是什么？", "what"),
        ("How many 5G base stations has Qingdao built?", "number"),
        ("When did the forum open?", "date"),
        ("Where was the summit held?", "place"),
        ("List the cities that won awards.", "list"),
        ("How long did the talks last?", "number"),  # a duration: 10个小时
        ("What rank did Qingdao get in the competitiveness list?", "what"),  # list: a noun
        ("哪个机构扩大了预查验试点？", "organ"),
        ("是哪個機構提出了通知？", "organ"),
        ("Which agency issued the notice?", "organ"),
        ("哪些部门进行了研判会商？", "list"),  # several: a list of them
        ("哪家公司的股价上涨了8%？", "what"),  # companies go by names without a suffix
        # the sentence that asks, not the scene stated first ("when he came home")
        (
            "A man who skipped national service was arrested when he came home. "
            "How long was he jailed for?",
            "number",
        ),
        ("Ford was asked about its battery plant. When did the hearing take place?", "date"),
        ("深圳举办了高交会。哪些城市参展？", "list"),
    ],
)
def test_question_type(question: str, expected: str) -> None:
    assert question_type(question) == expected


def _article_text(seed_articles: dict, article_id: str) -> str:
    return seed_articles[article_id].text


@pytest.mark.parametrize(
    ("question", "answers", "not_answers"),
    [
        # an amount of something named: the sentence names it and gives a number
        (
            "中国电子计划多少投资？",
            ["计划投资1000亿元。"],
            ["行动计划为期三年。", "投资规模很大。"],
        ),
        # a count with a measure word: a number with that measure word
        ("青岛建成了多少个5G基站？", ["建成5G基站1.7万个"], ["青岛5G基站建设领先"]),
        ("占比是百分之多少？", ["占总数的24.6%"], ["占总数的大部分"]),
        # a share: what part of the whole, or a percentage
        (
            "青岛占了其中多少？",
            ["我市共入选34个案例，占总数的24.6%", "占全国的三分之一", "约占一半"],
            ["其中，市南区5G智慧公园等9个案例入选“惠民”领域", "占据领先地位"],
        ),
        ("What share of the cases came from Qingdao?", ["占总数的24.6%"], ["共入选34个案例"]),
        ("投资多少亿元？", ["投资1000亿以上资金", "共投入3.5万元"], ["投资规模很大", "第十三届"]),
        ("多少钱？", ["票价50元"], ["价格便宜"]),
        (
            "What was the total value of deals signed at the expo?",
            ["签约金额达120亿元"],
            ["9月23日上午第十三届博览会开幕"],
        ),
        (
            "How many 5G base stations has Qingdao built?",
            ["建成5G基站1.7万个"],
            ["基站建设领先", "建成1.7万个"],
        ),
    ],
)
def test_required_pattern(question: str, answers: list[str], not_answers: list[str]) -> None:
    need = required_pattern(question)
    assert need is not None
    assert all(need.search(a) for a in answers)
    assert not any(need.search(a) for a in not_answers)


@pytest.mark.parametrize("question", ["青岛怎么样？", "销售额同比增长了多少？", "What is it?"])
def test_no_required_pattern_for_units_or_open_questions(question: str) -> None:
    assert required_pattern(question) is None


def test_quoted_and_place_names_of_a_question() -> None:
    q = "在“百城万企牵手”行动中，福州获得了中国电子多少投资？"
    assert quoted_names(q) == ["百城万企牵手"]
    assert quoted_names("《在北方》是由哪家出版社出版的？") == ["在北方"]
    assert quoted_names("“AI”和「5G」") == []  # not Chinese names
    assert question_places(q) == ["福州"]  # 中国 is too broad to require
    assert question_places("青島建成了多少個5G基站？") == ["青岛"]


def test_a_passage_is_about_a_place_when_it_names_it_or_says_the_whole_province() -> None:
    article = lambda: "安徽省统计局发布上半年数据"  # noqa: E731
    assert names_place("安徽上半年进出口总值列全国第10位", "安徽省", article)
    assert names_place("全省进出口总值列全国第10位", "安徽省", article)
    assert not names_place("全省进出口总值列全国第10位", "江西省", article)
    assert not names_place("投资1000亿以上资金,在全国布局", "福州", article)
    # 全省 is the article's own place, named in its title or opening lines: a place the
    # article names further on (a ranking's 江西) is another one.
    ranking = lambda: "安徽省统计局发布上半年数据" + "，" * 200 + "江西、湖南位列其后"  # noqa: E731
    assert names_place("全省进出口总值列全国第10位", "安徽省", ranking)
    assert not names_place("全省进出口总值列全国第10位", "江西省", ranking)


def test_a_count_about_another_city_is_not_the_answer(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # Article 004 is Qingdao's: its "在全省率先" says nothing of 上海 in its ranking list.
    assert "1.7万个" in seed_engine.ask("青岛建成了多少个5G基站？").text
    assert seed_engine.ask("上海建成了多少个5G基站？").abstained


@pytest.mark.parametrize("question", ["王益民担任什么职务？", "博娜蒂娅是什么职位？"])
def test_a_position_question_quotes_the_title_before_the_name(seed_engine, question: str) -> None:  # type: ignore[no-untyped-def]
    # Articles write the post before the name (研究中心主任…王益民), never 职务 itself.
    assert question_type(question) == "position"
    answer = seed_engine.ask(question)
    assert not answer.abstained
    first = to_simplified(answer.citations[0].quote)
    assert re.search(r"(?:主任|秘书长)[^，,。]{0,20}(?:王益民|博娜蒂娅)", first), first


def test_an_english_count_is_of_the_translated_noun(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # guests: 嘉宾 is the article's word (吸引50多位顶级嘉宾), not the first translation.
    answer = seed_engine.ask("How many top guests did the smart city exhibition attract?")
    assert answer.text.startswith("Answer: 50多位.")


@pytest.mark.parametrize(
    "question",
    ["When was the 2024 smart city expo held?", "2024年智慧城市博览会是什么时候举办的？"],
)
def test_a_year_no_article_names_is_not_answered_from_other_years(
    seed_engine, question: str
) -> None:  # type: ignore[no-untyped-def]
    # The seed articles are of 2020-2023: their dates answer nothing of 2024.
    assert seed_engine.ask(question).abstained


def test_an_answer_comes_from_articles_naming_the_questions_name(
    seed_engine, seed_articles
) -> None:  # type: ignore[no-untyped-def]
    # 004's 城市云脑 is Qingdao's; 武汉 is named in 002 and 003 only. (城市, which jieba
    # tags a place, is in most passages and names nothing.)
    answer = seed_engine.ask("武汉的城市云脑投入运行了吗？")
    assert answer.abstained or all(
        "武汉" in to_simplified(_article_text(seed_articles, c.article_id))
        for c in answer.citations
    )
    assert "004_33a22f1cef91604b" not in {c.article_id for c in answer.citations}


def test_a_title_of_the_owner_the_question_names() -> None:
    assert title_owner("华为的总裁是谁？", "总裁") == "华为"
    assert title_owner("国家信息中心主任是谁？", "主任") == "国家信息中心"
    assert title_owner("市长是谁？", "市长") is None
    sentence = "国家信息中心主任徐强,亚洲数据集团总裁朱东方进行致辞。"
    assert holds_title(sentence, "总裁", [("亚洲数据集团",)])
    assert not holds_title(sentence, "总裁", [("华为",)])
    assert holds_title("贵阳市市长出席。", "市长", [("贵阳市", "贵阳")])
    assert not holds_title("贵阳市副市长出席。", "市长")  # a deputy holds no title
    # An English owner translated word by word: most of its words, not all.
    met = "国家气象中心副主任贾小龙介绍说。"
    owner = [("全国", "国立"), ("气象",), ("中心", "中央")]
    assert holds_title(met, "副主任", owner)
    assert not holds_title("体育器材装备中心副主任王平出席。", "副主任", owner)
    # A long owner's name reaches further back than a short one's.
    long_owner = [("全球",), ("音乐",), ("教育",), ("联赛",), ("国际",), ("小提琴",), ("比赛",)]
    assert holds_title("全球音乐教育联盟国际小提琴大赛主席王黎光表示。", "主席", long_owner)


def test_an_english_owner_ends_before_its_relative_clause() -> None:
    def words(text: str) -> list[tuple[str, ...]]:
        return [(w.lower(),) for w in text.split()]

    got = english_title(
        "Who is the chairman of the Violin Competition, which shortlisted 24 violinists?",
        lambda text: [("主席",)] if text == "chairman" else words(text),
    )
    assert got == (("主席",), [("violin",), ("competition",)])


def test_an_english_who_question_asks_the_doer_of_its_deed(seed_engine) -> None:  # type: ignore[no-untyped-def]
    def translate(text: str) -> list[tuple[str, ...]]:
        return {"undertook": [("承担", "承办")]}.get(text, [])

    assert english_deed("Who undertook the conference?", translate) == ("承担", "承办")
    assert english_deed("Who is the mayor?", translate) == ()  # a copula asks no deed
    answer = seed_engine.ask("Who undertook the Jilin-Shenzhen smart city promotion conference?")
    assert "承辦" in answer.citations[0].quote  # 深圳市智慧桿產業促進會承辦, not the welcome


def test_an_english_who_question_asks_a_title_of_an_owner() -> None:
    def translate(text: str) -> list[tuple[str, ...]]:
        table = {
            "mayor": [("市长",)],
            "vice mayor": [("副市长",)],
            "Shenzhen": [("深圳", "深圳市")],
        }
        return table.get(text, [])

    assert english_title("Who is the mayor of Shenzhen?", translate) == (
        ("市长",),
        [("深圳", "深圳市")],
    )
    assert english_title("Who is Shenzhen's vice mayor?", translate) == (
        ("副市长",),
        [("深圳", "深圳市")],
    )
    # A long description is no title of anything, nor a word that translates to none.
    assert (
        english_title("Who is the Luzhou party secretary that spoke at the forum?", translate)
        is None
    )
    assert english_title("Who is the winner of Shenzhen?", translate) is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is the mayor of Shenzhen?", None),  # 艾学峰 is 深圳市副市长
        ("Who is Shenzhen's vice mayor?", "Answer: 艾學峰."),
        ("Who is the vice governor of Guizhou?", "Answer: 張敬平."),  # governor: 省长
    ],
)
def test_an_english_title_question_is_answered_by_its_holder(
    seed_engine, question: str, expected: str | None
) -> None:  # type: ignore[no-untyped-def]
    answer = seed_engine.ask(question)
    if expected is None:
        assert answer.abstained
    else:
        assert answer.text.startswith(expected), answer.text


def test_who_holds_a_title_of_someone_else_is_not_said(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # 003 names 亚洲数据集团总裁朱东方, never 华为's 总裁.
    assert seed_engine.ask("华为的总裁是谁？").abstained
    assert seed_engine.ask("亚洲数据集团总裁是谁？").text.startswith("朱东方。")


def test_this_city_in_a_sentence_is_the_city_the_articles_title_names(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # "我市共入选34个案例" is about 青岛 (the article's title names it), and answers the
    # total, not the sentence of the case list that names 青岛智慧公安 but counts 9.
    assert seed_engine.ask("青島共入選了多少個案例？").text.startswith("34個。")


def groups(question: str) -> list[tuple[str, ...]]:
    return [g for run in english_name_runs(question, None) for g in run]


def test_english_names_are_the_chinese_renderings_of_capitalised_words() -> None:
    names = groups("How many visitors attended the 25th China Hi-Tech Fair?")
    assert any("中国" in alts for alts in names) and any("高新" in alts for alts in names)
    # A romanised person name has no reliable characters ("Yan": 燕?): not required.
    names = groups("According to Yan Dong, what brand is Guiyang building?")
    assert all(len(a) >= 2 for alts in names for a in alts) and any("贵阳" in a for a in names)
    assert groups("青岛建成了多少个5G基站？") == []


@pytest.mark.parametrize(
    "question",
    [
        "在“百城万企牵手”行动中，福州获得了中国电子多少投资？",  # the sum is national
        "What was the total value of deals signed at the 13th China-Northeast Asia Expo?",
        "How many visitors attended the smart city exhibition at the 25th China Hi-Tech Fair?",
    ],
)
def test_questions_about_a_fact_the_named_event_lacks_abstain(seed_engine, question: str) -> None:  # type: ignore[no-untyped-def]
    assert seed_engine.ask(question).abstained


def test_a_quoted_name_no_article_mentions_makes_the_answer_absent(seed_engine) -> None:  # type: ignore[no-untyped-def]
    assert not seed_engine.ask("青岛建成了多少个5G基站？").abstained
    assert seed_engine.ask("在“星火燎原”计划中，青岛建成了多少个5G基站？").abstained


def test_the_same_rules_still_answer_what_the_articles_say(seed_engine, seed_ids) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("“百城万企牵手”行动计划投资多少？")
    assert not ans.abstained and "1000亿" in ans.text
    assert ans.citations[0].article_id == seed_ids["002"]
    ans = seed_engine.ask("How many 5G base stations has Qingdao built?")
    assert not ans.abstained and "1.7" in ans.text


def test_award_cities_answer_cites_003_sentence(seed_engine, seed_articles, seed_ids) -> None:
    ans = seed_engine.ask("哪些城市获得了2023中国领军智慧城市奖？")
    assert not ans.abstained
    assert ans.mode == "extractive"
    for city in ("上海", "深圳", "成都", "武汉"):
        assert city in ans.text
    assert "[1]" in ans.text
    first = ans.citations[0]
    assert first.n == 1 and first.article_id == seed_ids["003"]
    assert "上海、深圳、成都、武漢" in first.quote  # the quote keeps the article's script


def test_qingdao_5g_number_in_simplified(seed_engine, seed_ids) -> None:
    ans = seed_engine.ask("青岛建成了多少个5G基站？")
    assert not ans.abstained
    assert "1.7万" in ans.text
    assert any(c.article_id == seed_ids["004"] and "1.7万" in c.quote for c in ans.citations)


def test_traditional_question_gets_traditional_answer(seed_engine, seed_ids) -> None:
    ans = seed_engine.ask("青島建成了多少個5G基站？")
    assert not ans.abstained
    assert "1.7萬" in ans.text
    assert detect_script(re.sub(r"\[\d+\]", "", ans.text)) == "zh-Hant"


def test_simplified_question_on_traditional_article_answers_in_simplified(seed_engine) -> None:
    ans = seed_engine.ask("哪些城市获得了2023中国领军智慧城市奖？")
    body = re.sub(r"\[\d+\]", "", ans.text)
    assert body == to_simplified(body)  # nothing left to convert: fully simplified
    assert "武汉" in body and "武漢" not in body


def test_every_citation_maps_to_exact_article_offsets(seed_engine, seed_articles) -> None:
    questions = [
        "哪些城市获得了2023中国领军智慧城市奖？",
        "青岛建成了多少个5G基站？",
        "中國-東北亞博覽會從哪一年開始舉辦？",
        "贵州省建立友城及意向性友城关系增至多少对？",
    ]
    checked = 0
    for q in questions:
        ans = seed_engine.ask(q)
        for c in ans.citations:
            text = seed_articles[c.article_id].text
            assert text[c.start : c.end] == c.quote
            assert text[c.passage_start : c.passage_start + len(c.passage)] == c.passage
            checked += 1
    assert checked >= 4


def test_every_answer_sentence_carries_a_marker(seed_engine) -> None:
    from rag.answer.verify import parse_markers, split_sentences

    ans = seed_engine.ask("第一届中国新型智慧城市建设峰会的线下主会场设在哪里？")
    assert not ans.abstained
    sentences = split_sentences(ans.text)
    assert sentences and all(parse_markers(s) for s in sentences)
    numbers = {c.n for c in ans.citations}
    assert {n for s in sentences for n in parse_markers(s)} <= numbers


@pytest.mark.parametrize(
    "question",
    ["2023年北京市的GDP是多少？", "杭州亚运会的吉祥物叫什么？", "深圳目前已经建成了多少根智慧杆？"],
)
def test_unanswerable_questions_abstain_and_name_closest(seed_engine, question: str) -> None:
    ans = seed_engine.ask(question)
    assert ans.abstained
    assert ans.citations == []
    assert "没有找到" in ans.text
    assert ans.closest and "最相关的文章" in ans.text


def test_english_refusal_is_in_english(seed_engine) -> None:
    ans = seed_engine.ask("What is the mascot of the Hangzhou Asian Games?")
    assert ans.abstained
    assert ans.text.startswith("The articles do not say")


def test_traditional_refusal_is_traditional(seed_engine) -> None:
    ans = seed_engine.ask("杭州亞運會的吉祥物叫什麼？")
    assert ans.abstained
    assert "沒有找到" in ans.text


def test_followup_county_level_cities(seed_engine) -> None:
    first = "哪些城市获得了2023中国领军智慧城市奖？"
    a1 = seed_engine.ask(first)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": a1.text}]
    ans = seed_engine.ask("那县级城市呢？", history=history)
    assert not ans.abstained
    assert "宜兴" in ans.text and "昆山" in ans.text


def test_followup_pronoun_resolves_to_qingdao(seed_engine) -> None:
    first = "青岛的新型智慧城市建设排在全国第几？"
    a1 = seed_engine.ask(first)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": a1.text}]
    ans = seed_engine.ask("它一共建了多少个5G基站？", history=history)
    assert "青岛" in ans.question
    assert "1.7万" in ans.text


def test_without_history_the_pronoun_question_is_not_rewritten(seed_engine) -> None:
    ans = seed_engine.ask("它一共建了多少个5G基站？")
    assert ans.question == "它一共建了多少个5G基站？"


def test_html_in_question_is_plain_text(seed_engine) -> None:
    ans = seed_engine.ask("<script>alert(1)</script>青岛建成了多少个5G基站？")
    assert "1.7万" in ans.text
    assert "<script>" not in ans.text


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", "x" * 2001, "🙂🙂🙂"])
def test_bad_questions_raise_invalid_question(seed_engine, bad: str) -> None:
    with pytest.raises(rag.InvalidQuestion):
        seed_engine.ask(bad)


def test_stream_yields_text_then_the_same_answer(seed_engine) -> None:
    pieces = list(seed_engine.ask_stream("青岛建成了多少个5G基站？"))
    final = pieces[-1]
    assert isinstance(final, rag.Answer)
    text = "".join(p for p in pieces[:-1] if isinstance(p, str))
    assert text == final.text
    assert len(pieces) >= 2


def test_unknown_mode_is_rejected(seed_engine) -> None:
    with pytest.raises(rag.InvalidQuestion, match="extractive"):
        seed_engine.ask("青岛建成了多少个5G基站？", mode="magic")


@pytest.mark.parametrize(
    ("question", "qtype", "sentence", "terms", "expected"),
    [
        (
            "青岛建成了多少个5G基站？",
            "number",
            "5G基站已建成1.7万个,在全省率先完成。",
            ["基站"],
            "1.7万个",
        ),
        (
            "连续多少年排在全国第一？",
            "number",
            "数字经济增速连续7年位居全国第一。",
            ["连续"],
            "7年",
        ),
        # The figure nearest the question's term, not the first one.
        ("利润下降了多少？", "number", "利润总额33884.6亿元，同比下降16.8%。", ["下降"], "16.8%"),
        # A count of 个 needs a number of 个, not the 对 before it.
        (
            "分布在多少个国家？",
            "number",
            "建立起100多对友城,遍布五大州50多个国家,",
            ["国家"],
            "50多个",
        ),
        # "在当天下午举行的": a time, not where it was held.
        (
            "推介会在哪里举行？",
            "place",
            "在当天下午举行的推介会上,双方签署协议。",
            ["推介会"],
            None,
        ),
        # The asked unit in a traditional-script sentence (几个 asks 個 too).
        (
            "设置了几个展馆？",
            "number",
            "本屆博覽會設置7個展館,展覽面積7萬平方米。",
            ["展馆"],
            "7個",
        ),
        # A measure keeps its unit.
        ("会谈长达多少小时？", "number", "双边会谈长达10个小时。", ["会谈"], "10个小时"),
        (
            "临城县累计雨量是多少？",
            "number",
            "河北邢台临城县累计雨量1003.0毫米。",
            ["雨量"],
            "1003.0毫米",
        ),
        ("展览面积是多少？", "number", "本届博览会展览面积7万平方米。", ["面积"], "7万平方米"),
        # The question's own figure is what it counts within, not the answer.
        (
            "100个城市中有多少个已进行全面战略合作？",
            "number",
            "100个城市目前已有40个城市与进行全面战略合作。",
            ["城市", "全面", "战略", "合作"],
            "40个",
        ),
        # A year is no count; a bare number is no answer.
        ("有多少人参加？", "number", "2023年的活动在3号馆举行。", ["参加"], None),
        ("论坛在哪一天举行？", "date", "5月26日下午,论坛在贵阳举行。", ["论坛"], "5月26日"),
        ("论坛是哪一年举办的？", "date", "论坛自2015年起每年举办。", ["论坛"], "2015年"),
        ("谁致欢迎词？", "who", "副省长张敬平致欢迎词。", ["欢迎词"], "张敬平"),
        # The name after the title the question names, not after another 主任.
        (
            "出席并致辞的国家信息中心主任是谁？",
            "who",
            "国家发展改革委原副主任徐宪平,国家信息中心主任刘宇南,副市长耿涛分别出席并致辞。",
            ["出席", "致辞", "国家"],
            "刘宇南",
        ),
        # A sum of money is asked: the amount, not the count before it ("一项").
        (
            "美国对乌克兰的总支持价值是多少？",
            "number",
            "华盛顿宣布一项价值13亿美元的新军事援助计划。",
            ["乌克兰", "支持", "价值"],
            "13亿美元",
        ),
        # A province is asked: the place the sentence marks as one, not 台风 (a "place"
        # by jieba's tags) next to the question's word.
        (
            "哪个省份会受到影响？",
            "place",
            "国家防总维持针对福建、广东两省的应急响应，工作组正在台风影响区域协助工作。",
            ["省份", "影响"],
            "广东",
        ),
        # Asked which city an event was held in: the city of the venue, the city of the
        # province and city; asked where, the venue.
        (
            "哪个城市举办了第一届峰会？",
            "place",
            "今天上午,第一届峰会在青岛国际会议中心开幕。",
            ["举办", "峰会"],
            "青岛",
        ),
        (
            "In which city did the 13th Expo open?",
            "place",
            "第十三届博览会在吉林省长春市盛大开幕。",
            ["博览会", "开幕"],
            "长春市",
        ),
        ("峰会在哪里开幕？", "place", "峰会在青岛国际会议中心开幕。", ["峰会"], "青岛国际会议中心"),
        # A list: its items cut from the words around them, 等 kept as the sentence says it.
        (
            "哪些省份部署了防汛工作？",
            "list",
            "视频连线福建、广东、浙江、四川等省份，部署防汛工作。",
            ["省份", "部署"],
            "福建、广东、浙江、四川等",
        ),
        (
            "哪些企业获奖？",
            "list",
            "华为技术有限公司、百度在线网络技术有限公司、神州数码控股有限公司获奖。",
            ["获奖"],
            "华为技术有限公司、百度在线网络技术有限公司、神州数码控股有限公司",
        ),
        ("哪些城市获奖？", "list", "获奖城市包括深圳、杭州和成都。", ["获奖"], "深圳、杭州和成都"),
        # The list the asked deed follows, and a company's name whole (jieba cuts 电子系统).
        (
            "分论坛由哪些单位承办？",
            "list",
            "本次论坛由工业和信息化部、福建省人民政府、中国电子信息产业集团有限公司主办,"
            "福州市人民政府、中国电子系统技术有限公司承办。",
            ["论坛", "由", "承办"],
            "福州市人民政府、中国电子系统技术有限公司",
        ),
        # A count of the question's noun, not a count merely near it; an ordinal counts
        # nothing (第一届), unless the question asks which place (第几).
        (
            "How many cases were selected?",
            "number",
            "在第一届大赛上发布了《百佳案例》,来自17个省的138个优秀案例成功入选。",
            ["案例", "入选"],
            "138个",
        ),
        ("多少届？", "number", "第一届峰会在青岛举行。", ["峰会"], None),
        ("排名全国第几位？", "number", "出口总额排名全国第9位。", ["排名"], "第9位"),
        # The byline's reporter wrote the article: he is no answer to who organised it.
        (
            "谁组织了数字城市分论坛？",
            "who",
            "东南网10月13日讯(本网记者 卢金福)今日上午,数字城市分论坛在福州召开。",
            ["组织", "数字城市", "分论坛"],
            None,
        ),
        # A list far from the question's words is about something else.
        (
            "贵阳与哪些地方签了意向书？",
            "list",
            "贵阳市与泰国猜也奔府和韩国群山市签署友好城市意向书,贵州省建立友城关系增至113对,"
            "双方将在经贸、教育、文化等领域开展交流",
            ["意向书"],
            None,
        ),
    ],
)
def test_short_answer_is_the_verbatim_figure_or_date(
    question: str, qtype: str, sentence: str, terms: list[str], expected: str | None
) -> None:
    got = short_answer(question, qtype, sentence, terms)
    assert got == expected
    assert got is None or got in sentence


def test_a_number_answer_opens_with_the_short_answer_cited(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("青岛建成了多少个5G基站？")
    assert ans.text.startswith("1.7万个。[1]")
    assert "1.7万个" in ans.citations[0].quote


def test_an_english_answer_has_english_lead_ins_around_the_chinese_quote(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("How many 5G base stations has Qingdao built?")
    assert ans.text.startswith("Answer: 1.7万个.[1] From the articles: ")
    assert ans.citations[0].quote.strip("；;") in ans.text or "5G基站已建成1.7万个" in ans.text


def test_a_traditional_question_gets_a_traditional_short_answer(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("青島建成了多少個5G基站？")
    assert ans.text.startswith("1.7萬個。[1]")


def test_a_list_answer_opens_with_the_enumerated_items(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("哪些城市获得了2023中国领军智慧城市奖？")
    lead, _, _ = ans.text.partition("[1]")
    assert lead.startswith("上海、深圳、成都") and lead.endswith("等。")
    assert lead.rstrip("。") in to_simplified(ans.citations[0].quote)


def test_a_what_question_has_no_short_answer_first(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("贵州省副省长张敬平在论坛上做了什么？")
    assert not ans.abstained
    assert ans.text.startswith(to_simplified(ans.citations[0].quote[:8]))  # the quote first


def test_english_name_runs_group_a_names_words_and_skip_calendar_words() -> None:
    runs = english_name_runs("What did the Hangzhou Breastfeeding Week say in January 2023?", None)
    assert len(runs) == 1  # one name; "January" is capitalised by convention
    assert any("杭州" in g for g in runs[0])
    assert english_name_runs("Where was the forum held on Monday?", None) == []


def test_a_name_is_mentioned_by_any_of_its_rare_words(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # "China" is in most passages; "Hi-Tech Fair" (高交会) is what the question is about: the
    # seed article about the fair gives no visitor count for the exhibition, so it declines.
    ans = seed_engine.ask(
        "How many visitors attended the smart city exhibition at the 25th China Hi-Tech Fair?"
    )
    assert ans.abstained
    # The fair is named by its abbreviation (高交会), however many passages use it: the
    # article never says 交易会, yet it is the one about the China Hi-Tech Fair.
    ans = seed_engine.ask("When did the 25th China Hi-Tech Fair smart city exhibition close?")
    assert not ans.abstained and ans.text.startswith("Answer: 11月19日.")


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("上海2023年的常住人口是多少？", "常住人口"),
        ("贵阳的市长是谁？", "市长"),
        ("死亡人数是多少？", None),  # 人数 only says how many: news says "80人死亡"
        ("青岛的5G基站数量是多少？", "基站"),  # the counted noun before 数量
        ("青岛有多少个特定行业互联网平台已投入运行？", None),  # asks of 平台, not of 青岛
        ("上海的常住人口是多少呢？", "常住人口"),
        ("率领代表团的是谁？", None),  # no noun right before 是谁
        ("利润下降了多少？", None),  # not the copula form
        ("贵州省的GDP是多少？", "gdp"),  # an acronym, normalised
        ("贵州省的app是多少？", None),  # a lower-case word is no acronym
    ],
)
def test_asked_noun_is_the_noun_before_is_how_much_or_who(question: str, noun: str | None) -> None:
    assert asked_noun(question) == noun


def test_a_question_asking_for_something_no_article_mentions_declines(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # The seed articles name 上海 (an award winner) and give figures, but no 常住人口.
    assert seed_engine.ask("上海2023年的常住人口是多少？").abstained
    # Nor GDP, as the acronym or 国内生产总值 (the 7年 of 数字经济增速连续7年 is no answer).
    assert seed_engine.ask("贵州省的GDP是多少？").abstained
    # The articles use 人口 ("40%以上人口住在城市当中"), but a share of it is no 人口 of 贵阳.
    assert seed_engine.ask("贵阳的人口是多少？").abstained
    # A sentence on something else is no answer ("排名第六", "27个城市").
    assert seed_engine.ask("上海的人口是多少？").abstained
    assert seed_engine.ask("What is the population of Guiyang?").abstained  # in English too
    # The counted noun before 数量: 5G基站, whose count is 1.7万个.
    assert seed_engine.ask("青岛的5G基站数量是多少？").text.startswith("1.7万个")


def test_when_is_a_frame_not_a_topic(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # 时候 of 什么时候 is no topic word: it weighed more than 数博会 and made this decline.
    ans = seed_engine.ask("数博会是什么时候举办的？")
    assert not ans.abstained
    assert any("博会" in c.quote or "博會" in c.quote for c in ans.citations)


def test_a_count_question_needs_a_number_that_is_no_date() -> None:
    need = required_pattern("How many Afghan exhibitors took part in the exhibition?")
    assert need is not None
    # "took" (an irregular past) ends the counted phrase: the thing counted is the Afghans.
    assert need.search(blank_non_counts("200余名阿富汗展商参会"))
    assert not need.search(blank_non_counts("当地时间8月3日，阿富汗商品展在阿斯塔纳启幕"))
    blanked = blank_non_counts("2023年7月20日12时30分，运营20年来")
    assert not any(c.isdigit() for c in blanked.split("，")[0])
    assert "20年" in blanked  # a span of years is a count


def test_a_year_question_is_answered_by_the_year() -> None:
    sentence = "招录报名时间为7月20日至8月10日，2023年计划招录消防员"
    assert short_answer("In which year will it recruit?", "date", sentence, []) == "2023年"
    assert short_answer("哪一年招录？", "date", "招录报名时间为7月20日至8月10日", []) is None
    assert short_answer("什么时候开始报名？", "date", sentence, []) == "7月20日"


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # A person after the title, verbatim (also in traditional script).
        ("贵州省副省长是谁？", "贵州省副省长张敬平在论坛上致欢迎词。", "张敬平"),
        ("Who gave the welcome speech?", "貴州省副省長張敬平在論壇上致歡迎詞。", "張敬平"),
        # Where an event is held, when the question asks that.
        ("论坛在哪里举行？", "2023数字中国建设峰会智慧城市分论坛在福州隆重举行。", "福州"),
        # A place name when the question asks which city.
        ("In which city did the expo open?", "东北亚博览会在长春开幕，展览面积7万平方米。", "长春"),
        # Nothing that answers: no short answer rather than a wrong one.
        ("谁在调查招生？", "他们的申请人在调查此事。", None),  # 申请人 is no name
        ("峰会在哪里举行？", "拜登在日本广岛与日韩两国领导人举行了三边会晤。", None),  # a clause
        ("比赛将在哪个社交平台直播？", "比赛地点位于意大利。", None),  # a platform, not a place
        ("东北亚博览会在哪个城市？", "东北亚博览会盛大开幕。", None),  # the question's own name
    ],
)
def test_who_and_where_questions_get_the_name_or_place_verbatim(
    question: str, sentence: str, expected: str | None
) -> None:
    qtype = question_type(question)
    assert short_answer(question, qtype, sentence, ["东北亚"]) == expected


def test_a_where_question_on_the_seeds_opens_with_the_city(seed_engine) -> None:  # type: ignore[no-untyped-def]
    ans = seed_engine.ask("第三届数字中国建设峰会数字城市分论坛在哪个城市召开？")
    assert ans.text.startswith("福州。[1]")
    assert "福州" in ans.citations[0].quote


def test_who_holds_a_title_needs_a_sentence_stating_that_title(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # The seeds name Guiyang and many officials, but no mayor of Guiyang: 副省长 is not 市长.
    assert seed_engine.ask("贵阳的市长是谁？").abstained
    # A title the articles state is answered, name first.
    ans = seed_engine.ask("中央党校（国家行政学院）电子政务研究中心主任是谁？")
    assert not ans.abstained and ans.text.startswith("王益民。[1]")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("截至8月3日，永定河的水位如何？", "水位"),
        ("2023年世界母乳喂养周的主题是什么？", "主题"),
        ("中国机器人产业的发展水平如何？", "水平"),
        ("他说了什么？", None),  # no noun asked about
        ("猴痘病毒通过什么方式传播？", None),  # the noun after 什么 is the kind, not the topic
        # a who question asks the doer of a deed: the sentence saying the deed answers
        ("国际友城智慧城市论坛由谁承办？", "承办"),
        ("分论坛是谁主办的？", "主办"),
        ("数字城市分论坛由哪些单位承办？", "承办"),  # which doers, as a list
        ("贵阳的市长是谁？", None),  # a title is asked (asked_noun), no deed
    ],
)
def test_the_attribute_a_question_asks_about(question: str, expected: str | None) -> None:
    assert asked_attribute(question) == expected


def test_an_english_list_question_gets_the_listed_winners(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # "won" is 获得/摘得 in award news, not 拿下: the sentence listing the winning cities,
    # not the one listing solution providers that 夺得 their award.
    ans = seed_engine.ask("Which cities won 2023 smart city awards?")
    assert ans.text.startswith("Answer: 上海、深圳、成都"), ans.text[:120]
    assert "有限公司" not in ans.text.partition("From the articles:")[0]


def test_a_who_question_quotes_the_sentence_saying_the_deed(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # The sentence naming the forum (and its date) repeats more of the question's words;
    # the one saying who 承办 it answers.
    ans = seed_engine.ask("国际友城智慧城市论坛由谁承办？")
    quote = to_simplified(ans.citations[0].quote)  # the seed article is in traditional script
    assert "承办" in quote and "贵阳市人民政府" in quote
