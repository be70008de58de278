"""rag.answer.llm_client against a real local HTTP server that speaks the OpenAI chat-completions API."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from llm_server import FakeLLM

import rag.answer.llm_client as llm_module
from rag.answer.llm_client import (
    ABSTAIN_TOKEN,
    LLMClient,
    build_answer_messages,
    build_condense_messages,
    is_abstention,
    parse_condensed,
)
from rag.errors import ModelUnavailable

MESSAGES = [{"role": "user", "content": "谁获奖？"}]
REPLY = "上海获得了2023年度大奖。[1] 深圳获得提名。[2]"


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM(REPLY) as server:
        yield server


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the fake server itself -------------------------------------------------------------


def test_fake_server_speaks_openai_shape(llm: FakeLLM) -> None:
    body = {"model": "m", "messages": MESSAGES}
    reply = httpx.post(f"{llm.base_url}/chat/completions", json=body).json()
    assert reply["object"] == "chat.completion"
    assert reply["choices"][0]["message"] == {"role": "assistant", "content": REPLY}
    assert reply["choices"][0]["finish_reason"] == "stop"
    assert "usage" in reply
    models = httpx.get(f"{llm.base_url}/models").json()
    assert models["data"][0]["id"] == "fake-model"


def test_fake_server_streams_several_chunks(llm: FakeLLM) -> None:
    body = {"model": "m", "messages": MESSAGES, "stream": True}
    with httpx.stream("POST", f"{llm.base_url}/chat/completions", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    assert len(lines) >= 5  # role chunk, 4 content chunks at least in part, finish, [DONE]


# --- complete / stream -------------------------------------------------------------------


def test_complete_returns_reply_and_sends_model_and_messages(llm: FakeLLM) -> None:
    client = LLMClient(llm.base_url, "qwen2.5:7b")
    assert client.complete(MESSAGES) == REPLY
    [body] = llm.requests
    assert body["model"] == "qwen2.5:7b"
    assert body["messages"] == MESSAGES
    assert body["stream"] is False
    assert body["temperature"] == 0.0
    assert "authorization" not in llm.headers[0]


def test_reply_function_sees_the_messages() -> None:
    with FakeLLM(lambda messages: messages[-1]["content"][::-1]) as server:
        assert LLMClient(server.base_url, "m").complete(MESSAGES) == "？奖获谁"


def test_stream_pieces_join_to_reply(llm: FakeLLM) -> None:
    pieces = list(LLMClient(llm.base_url, "m").stream(MESSAGES))
    assert len(pieces) > 1
    assert "".join(pieces) == REPLY
    [body] = llm.requests
    assert body["stream"] is True
    assert body["messages"] == MESSAGES
    assert body["model"] == "m"


def test_api_key_sent_as_bearer(llm: FakeLLM) -> None:
    client = LLMClient(llm.base_url, "m", api_key="sk-test")
    client.complete(MESSAGES)
    list(client.stream(MESSAGES))
    assert [h["authorization"] for h in llm.headers] == ["Bearer sk-test"] * 2


def test_empty_key_sends_no_authorization_not_even_openai_env(
    llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")  # the SDK's fallback: not for us
    client = LLMClient(llm.base_url, "m")
    client.complete(MESSAGES)
    list(client.stream(MESSAGES))
    assert [h.get("authorization") for h in llm.headers] == [None, None]


def test_stream_of_server_that_ignores_stream_flag() -> None:
    with FakeLLM(REPLY, mode="ignore_stream") as server:
        assert list(LLMClient(server.base_url, "m").stream(MESSAGES)) == [REPLY]
    assert server.requests[0]["stream"] is True


def test_stream_yields_pieces_as_they_arrive() -> None:
    with FakeLLM(REPLY, mode="stall", delay=10) as server:
        pieces = LLMClient(server.base_url, "m", timeout=5).stream(MESSAGES)
        started = time.monotonic()
        first = next(pieces)  # sent before the server stalls for 10 s
        assert time.monotonic() - started < 2
    assert first and REPLY.startswith(first) and first != REPLY


@pytest.mark.parametrize("suffix", ["", "/"])
def test_base_url_with_trailing_slash(llm: FakeLLM, suffix: str) -> None:
    assert LLMClient(llm.base_url + suffix, "m").complete(MESSAGES) == REPLY


def test_temperature_none_is_not_sent(llm: FakeLLM) -> None:
    LLMClient(llm.base_url, "m", temperature=None).complete(MESSAGES)
    assert "temperature" not in llm.requests[0]


# --- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("streaming", [False, True])
def test_http_500_is_model_unavailable(streaming: bool) -> None:
    with FakeLLM(REPLY, mode="error500") as server:
        client = LLMClient(server.base_url, "m")
        with pytest.raises(ModelUnavailable) as err:
            client.complete(MESSAGES) if not streaming else list(client.stream(MESSAGES))
    message = str(err.value)
    assert server.base_url in message
    assert "HTTP 500" in message and "model crashed" in message
    assert "\n" not in message


@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("mode", ["malformed", "empty"])
def test_malformed_or_empty_reply_is_model_unavailable(mode: Any, streaming: bool) -> None:
    with FakeLLM(REPLY, mode=mode) as server:
        client = LLMClient(server.base_url, "m")
        with pytest.raises(ModelUnavailable, match="OpenAI-compatible|stream chunk") as err:
            client.complete(MESSAGES) if not streaming else list(client.stream(MESSAGES))
    assert server.base_url in str(err.value)


@pytest.mark.parametrize("streaming", [False, True])
def test_wrong_or_missing_key_401_names_key_setting(streaming: bool) -> None:
    with FakeLLM(REPLY, api_key="sk-right") as server:
        for key in ["sk-wrong", ""]:
            client = LLMClient(server.base_url, "m", api_key=key)
            with pytest.raises(ModelUnavailable, match=r"HTTP 401: .*set RAG_LLM_API_KEY") as err:
                client.complete(MESSAGES) if not streaming else list(client.stream(MESSAGES))
            assert "Incorrect API key" in str(err.value)
        assert LLMClient(server.base_url, "m", api_key="sk-right").complete(MESSAGES) == REPLY


@pytest.mark.parametrize("streaming", [False, True])
def test_unknown_model_404_names_model_setting(streaming: bool) -> None:
    with FakeLLM(REPLY, check_model=True) as server:
        client = LLMClient(server.base_url, "qwen-missing")
        with pytest.raises(ModelUnavailable, match="HTTP 404: .*RAG_LLM_MODEL is served") as err:
            client.complete(MESSAGES) if not streaming else list(client.stream(MESSAGES))
        assert "`qwen-missing` does not exist" in str(err.value)
        assert LLMClient(server.base_url, "fake-model").complete(MESSAGES) == REPLY


def test_error_event_mid_stream_is_model_unavailable_after_first_pieces() -> None:
    with FakeLLM(REPLY, mode="stream_error") as server:
        pieces = LLMClient(server.base_url, "m").stream(MESSAGES)
        assert REPLY.startswith(next(pieces))
        with pytest.raises(ModelUnavailable, match="failed mid-answer: .*generation failed") as err:
            next(pieces)
    assert str(err.value).startswith(f"LLM at {server.base_url} ")


def test_wrong_path_404_explains_base_url() -> None:
    with FakeLLM(REPLY) as server:
        root = server.base_url.removesuffix("/v1")  # forgot the /v1
        with pytest.raises(ModelUnavailable, match="HTTP 404.*part before /chat/completions"):
            LLMClient(root, "m").complete(MESSAGES)


@pytest.mark.parametrize("streaming", [False, True])
def test_slow_server_times_out(streaming: bool) -> None:
    with FakeLLM(REPLY, mode="slow", delay=10) as server:
        client = LLMClient(server.base_url, "m", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(ModelUnavailable, match=r"did not answer within 0\.5 s") as err:
            client.complete(MESSAGES) if not streaming else list(client.stream(MESSAGES))
        assert time.monotonic() - started < 2
    assert server.base_url in str(err.value)


def test_stall_mid_stream_times_out() -> None:
    with FakeLLM(REPLY, mode="stall", delay=10) as server:
        pieces = LLMClient(server.base_url, "m", timeout=0.5).stream(MESSAGES)
        next(pieces)
        started = time.monotonic()
        with pytest.raises(ModelUnavailable, match=r"did not answer within 0\.5 s") as err:
            next(pieces)
        assert time.monotonic() - started < 2
    assert server.base_url in str(err.value)


# --- retries (the SDK's max_retries) ------------------------------------------------------


@pytest.mark.parametrize("streaming", [False, True])
def test_no_retry_by_default(streaming: bool) -> None:
    """A failure reaches the caller at once, so it can answer offline without waiting."""
    with FakeLLM(REPLY, failures=1) as server:
        client = LLMClient(server.base_url, "m")
        with pytest.raises(ModelUnavailable, match="HTTP 503: .*model is loading"):
            client.complete(MESSAGES) if not streaming else list(client.stream(MESSAGES))
    assert len(server.requests) == 1


@pytest.mark.parametrize("streaming", [False, True])
def test_max_retries_retries_server_errors(streaming: bool) -> None:
    with FakeLLM(REPLY, failures=1) as server:
        client = LLMClient(server.base_url, "m", max_retries=1)
        reply = client.complete(MESSAGES) if not streaming else "".join(client.stream(MESSAGES))
    assert reply == REPLY
    assert len(server.requests) == 2
    assert server.requests[0] == server.requests[1]


def test_max_retries_gives_up_with_last_error() -> None:
    with FakeLLM(REPLY, failures=5) as server:
        with pytest.raises(ModelUnavailable, match="HTTP 503"):
            LLMClient(server.base_url, "m", max_retries=1).complete(MESSAGES)
    assert len(server.requests) == 2


def test_max_retries_retries_a_timeout() -> None:
    with FakeLLM(REPLY, mode="slow", delay=10) as server:
        client = LLMClient(server.base_url, "m", timeout=0.3, max_retries=1)
        with pytest.raises(ModelUnavailable, match=r"did not answer within 0\.3 s"):
            client.complete(MESSAGES)
    assert len(server.requests) == 2


def test_negative_max_retries_rejected() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        LLMClient("http://127.0.0.1:11434/v1", "m", max_retries=-1)


def test_connection_refused_fails_fast_naming_url() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    client = LLMClient(url, "m", timeout=30)
    started = time.monotonic()
    with pytest.raises(ModelUnavailable) as err:
        client.complete(MESSAGES)
    assert time.monotonic() - started < 3
    message = str(err.value)
    assert message.startswith(f"LLM at {url} unreachable (connection refused): ")
    assert "RAG_LLM_BASE_URL" in message
    with pytest.raises(ModelUnavailable, match="connection refused"):
        next(client.stream(MESSAGES))


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A port whose listen backlog is full, so new connections hang (SYNs are dropped)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = int(server.getsockname()[1])
    fillers = []
    for _ in range(4):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        fillers.append(sock)
    time.sleep(0.05)
    yield port
    for sock in [*fillers, server]:
        sock.close()


def test_connect_timeout_is_short(unanswered_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    assert llm_module.CONNECT_TIMEOUT <= 3
    monkeypatch.setattr(llm_module, "CONNECT_TIMEOUT", 0.3)  # keep the test quick
    url = f"http://127.0.0.1:{unanswered_port}/v1"
    started = time.monotonic()
    with pytest.raises(ModelUnavailable, match=r"unreachable \(no connection within 0\.3 s\)"):
        LLMClient(url, "m", timeout=30).complete(MESSAGES)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("url", ["", "127.0.0.1:11434/v1", "ftp://host/v1", "http:///v1"])
def test_bad_base_url_rejected_with_example(url: str) -> None:
    with pytest.raises(ModelUnavailable, match="http://127.0.0.1:11434/v1"):
        LLMClient(url, "m")


# --- prompts -------------------------------------------------------------------------------


PASSAGES = [
    (1, "上海获奖", "上海获得了2023年度大奖。"),
    (3, "深圳新闻", "深圳获得提名。"),
]


@pytest.mark.parametrize(
    ("lang", "language"),
    [("zh-Hans", "Simplified Chinese"), ("zh-Hant", "Traditional Chinese"), ("en", "English")],
)
def test_answer_prompt_has_numbered_passages_and_language(lang: Any, language: str) -> None:
    messages = build_answer_messages("谁获奖？", PASSAGES, lang)
    assert [m["role"] for m in messages] == ["system", "user"]
    system, user = messages[0]["content"], messages[1]["content"]
    assert language in system
    assert ABSTAIN_TOKEN in system and "[1]" in system
    assert "[1] 上海获奖\n上海获得了2023年度大奖。" in user
    assert "[3] 深圳新闻\n深圳获得提名。" in user
    assert user.index("[1]") < user.index("[3]") < user.index("Question: 谁获奖？")
    others = {"Simplified Chinese", "Traditional Chinese", "English"} - {language}
    assert not any(other in system for other in others)


def test_answer_prompt_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="zh-Hans"):
        build_answer_messages("q", PASSAGES, "fr")  # type: ignore[arg-type]


def test_condense_prompt_holds_history_and_follow_up() -> None:
    history = [
        {"role": "user", "content": "哪个城市获得了2023年度大奖？"},
        {"role": "assistant", "content": "上海获得了大奖。[1]"},
    ]
    messages = build_condense_messages(history, "它的人口是多少？")
    system, user = messages[0]["content"], messages[-1]["content"]
    assert "standalone question" in system and "Do not answer" in system
    assert "language and script" in system
    assert "User: 哪个城市获得了2023年度大奖？" in user
    assert "Assistant: 上海获得了大奖。" in user and "[1]" not in user  # markers are noise
    assert user.rstrip().endswith("Follow-up question: 它的人口是多少？\n\nStandalone question:")


def test_condense_prompt_keeps_only_recent_turns() -> None:
    history = [{"role": "user", "content": f"question {i}"} for i in range(20)]
    user = build_condense_messages(history, "and then?")[-1]["content"]
    assert "User: question 14\n" in user and "question 19" in user
    assert "question 13" not in user


def test_parse_condensed_cleans_reply_or_falls_back() -> None:
    assert parse_condensed("Standalone question: 上海的人口是多少？\n", "它呢？") == (
        "上海的人口是多少？"
    )
    assert parse_condensed("“上海的人口是多少？”", "它呢？") == "上海的人口是多少？"
    assert parse_condensed("  \n", "它呢？") == "它呢？"
    assert parse_condensed("x" * 500, "它呢？") == "它呢？"


def test_is_abstention() -> None:
    assert is_abstention("NO_ANSWER")
    assert is_abstention(" `NO_ANSWER`.\n文章没有提到。")
    assert not is_abstention("上海获奖。[1]")
    assert not is_abstention("The answer is NO_ANSWER-like.")
