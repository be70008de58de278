"""The deterministic follow-up rewrite."""

from __future__ import annotations

from rag.retrieve.followup import is_followup, proper_nouns, rewrite


def test_followup_detection() -> None:
    assert is_followup("那县级城市呢？")
    assert is_followup("它一共建了多少个5G基站？")
    assert is_followup("What about Shenzhen?")
    assert not is_followup("青岛建成了多少个5G基站？")
    # Naming no noun or name of its own, a question asks on about the last topic.
    assert is_followup("同比增长了多少？")
    assert is_followup("会谈持续了多久？")
    assert is_followup("同比增加了多少？")  # jieba's "person" 同比增加 is no name
    assert is_followup("会持续到什么时候？")  # 时候 frames the answer
    assert not is_followup("网络广告业务收入增长了多少？")
    # The kind of answer asked for (哪个单位) names no subject; what it asks of does.
    assert is_followup("由哪个单位主办？")
    assert is_followup("是哪家公司承办的？")
    assert not is_followup("哪个城市举办了第一届峰会？")


def test_pronoun_replaced_by_last_proper_noun() -> None:
    history = [
        {"role": "user", "content": "青岛的智慧城市建设排名第几？"},
        {"role": "assistant", "content": "排名第六。[1]"},
    ]
    rw = rewrite("它一共建了多少个5G基站？", history)
    assert rw.question.startswith("青岛")
    assert rw.context == ""


def test_elliptical_question_carries_previous_question_as_context() -> None:
    history = [{"role": "user", "content": "哪些城市获得了2023中国领军智慧城市奖？"}]
    rw = rewrite("那县级城市呢？", history)
    assert rw.question == "那县级城市呢？"
    assert "领军智慧城市奖" in rw.context
    assert "县级城市" in rw.standalone and "领军" in rw.standalone


def test_standalone_question_ignores_history() -> None:
    history = [{"role": "user", "content": "哪些城市获得了2023中国领军智慧城市奖？"}]
    assert rewrite("青岛建成了多少个5G基站？", history).standalone == "青岛建成了多少个5G基站？"


def test_an_answer_names_the_pronoun_only_when_its_question_asked_for_a_name() -> None:
    # "什么论坛" asks for a thing: 它 is still the question's 贵阳, not a name in the answer.
    history = [
        {"role": "user", "content": "贵阳举办了什么论坛？"},
        {"role": "assistant", "content": "青岛也有峰会。"},
    ]
    assert rewrite("它在哪个省？", history).question.startswith("贵阳")
    # "在哪个城市" asks for a place: the answer's 青岛 is what 它 stands for, not the 中国 in
    # the summit's name.
    history = [
        {"role": "user", "content": "第一届中国新型智慧城市建设峰会的主会场在哪个城市？"},
        {"role": "assistant", "content": "主会场设在青岛，峰会在青岛国际会议中心开幕。"},
    ]
    assert rewrite("它一共建了多少个5G基站？", history).question == "青岛一共建了多少个5G基站？"
    assert rewrite("它一共建了多少个5G基站？", history[:1]).question.startswith("中国")
    # "哪个博览会" asks for an event: the 中国 in its name is no antecedent; 深圳 is.
    history = [
        {"role": "user", "content": "深圳代表团参加了哪个博览会？"},
        {"role": "assistant", "content": "第十三届中国-东北亚博览会。"},
    ]
    assert rewrite("它的展区以什么为主题？", history).question == "深圳的展区以什么为主题？"
    # An English question that asked "which city" resolves "it" the same way.
    history = [
        {"role": "user", "content": "Which city hosted the main venue?"},
        {"role": "assistant", "content": "Answer: 青岛.[1]"},
    ]
    assert rewrite("How many 5G base stations has it built?", history).question.startswith(
        "How many 5G base stations has 青岛"
    )


def test_proper_nouns_finds_places() -> None:
    assert "青岛" in proper_nouns("青岛新型智慧城市建设稳居第一梯队")
