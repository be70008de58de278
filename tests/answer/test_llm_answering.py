"""engine.ask in LLM mode against a local OpenAI-compatible server (real HTTP, fake model)."""

from __future__ import annotations

import re
import time

import pytest
from llm_server import FakeLLM

import rag


def _engine(seed_index, base_url: str, **extra) -> rag.Engine:
    settings = seed_index.settings.model_copy(
        update={"llm_base_url": base_url, "llm_model": "fake", "llm_timeout": 2.0, **extra}
    )
    return rag.Engine.open(settings=settings)


def _quote_passage(messages) -> str:
    """The fake model answers with a sentence copied from passage [1] of the prompt."""
    prompt = messages[-1]["content"]  # the user message holds the numbered passages
    match = re.search(r"^\[1\][^\n]*\n(.+)", prompt, re.M)
    assert match, prompt[:500]
    sentence = re.split(r"(?<=[。！？])", match.group(1))[0]
    return f"{sentence}[1]"


def test_llm_answer_is_parsed_and_verified(seed_index) -> None:
    with FakeLLM(_quote_passage) as llm:
        engine = _engine(seed_index, llm.base_url)
        ans = engine.ask("青岛建成了多少个5G基站？")
        assert ans.mode == "llm"
        assert not ans.abstained
        assert [c.n for c in ans.citations] == [1]
        assert ans.unsupported == []
        body = llm.requests[-1]
        assert body["model"] == "fake" and body["stream"] is True
        assert "[1]" in "\n".join(m["content"] for m in body["messages"])


def test_markers_pointing_nowhere_are_dropped_and_inventions_flagged(seed_index) -> None:
    reply = "青岛建成了1.7万个5G基站。[1][9] 青岛还建成了三百个火星基地。[2]"
    with FakeLLM(reply) as llm:
        ans = _engine(seed_index, llm.base_url).ask("青岛建成了多少个5G基站？")
    assert "[9]" not in ans.text
    assert {c.n for c in ans.citations} <= {1, 2}
    assert any("火星" in s for s in ans.unsupported)


def test_llm_abstention_token_gives_refusal(seed_index) -> None:
    with FakeLLM("NO_ANSWER") as llm:
        ans = _engine(seed_index, llm.base_url).ask("杭州亚运会的吉祥物叫什么？")
    assert ans.abstained and ans.mode == "llm"
    assert ans.closest


def test_history_is_condensed_by_the_llm(seed_index) -> None:
    def reply(messages):
        system = messages[0]["content"].lower()
        if "standalone" in system or "rewrite" in system:
            return "那些获得2023中国领军智慧县级城市奖的城市有哪些？"
        return _quote_passage(messages)

    history = [
        {"role": "user", "content": "哪些城市获得了2023中国领军智慧城市奖？"},
        {"role": "assistant", "content": "上海、深圳等27个城市。[1]"},
    ]
    with FakeLLM(reply) as llm:
        ans = _engine(seed_index, llm.base_url).ask("那县级城市呢？", history=history)
        assert len(llm.requests) == 2  # condense, then answer
    assert "县级" in ans.question


def test_streaming_yields_pieces_then_answer(seed_index) -> None:
    with FakeLLM(_quote_passage, pieces=5) as llm:
        pieces = list(_engine(seed_index, llm.base_url).ask_stream("青岛建成了多少个5G基站？"))
    assert isinstance(pieces[-1], rag.Answer)
    assert sum(isinstance(p, str) for p in pieces) >= 3


@pytest.mark.parametrize("mode", ["error500", "malformed", "slow"])
def test_failing_endpoint_falls_back_to_offline_answer(seed_index, mode: str) -> None:
    with FakeLLM("x", mode=mode, delay=5.0) as llm:
        started = time.perf_counter()
        ans = _engine(seed_index, llm.base_url, llm_timeout=0.5).ask("青岛建成了多少个5G基站？")
        elapsed = time.perf_counter() - started
    assert ans.mode == "extractive"
    assert "1.7万" in ans.text
    assert "answered offline" in ans.notice and "LLM" in ans.notice
    assert elapsed < 4


def test_unreachable_endpoint_falls_back_fast(seed_index) -> None:
    started = time.perf_counter()
    ans = _engine(seed_index, "http://127.0.0.1:9/v1").ask("青岛建成了多少个5G基站？")
    assert time.perf_counter() - started < 4
    assert ans.mode == "extractive" and "127.0.0.1:9" in ans.notice
