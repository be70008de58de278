r"""The web chat app: ask questions about the articles, read the cited passages beside the answer.

Start it with `rag serve` (or `serve(settings)`); `build_app(engine, settings)` returns the
`gr.Blocks` so it can be launched or mounted elsewhere. Only rag's public API is used.

HTTP API (listed under "Use via API" at the foot of the page), endpoint `/ask`:

    ask(question: str, history_json: str = "[]") -> dict
        question        the question, simplified/traditional Chinese or English
        history_json    earlier turns as a JSON list, default "[]":
                        '[{"role": "user", "content": "..."},
                          {"role": "assistant", "content": "..."}]'
                        (from Python the list itself may be passed instead of its JSON)
    returns
        answer          the answer, each sentence followed by its [n]
        citations       one object per [n]: n, article_id, title, date, url, source,
                        quote (the exact source sentence), start, end (its offsets in the
                        cleaned article), chunk_id, passage, passage_start
        abstained       true when the articles do not say
        mode            "extractive" (offline) or "llm"; null when rejected
        closest         on abstention, the nearest passages (article_id, title, text, ...)
        notice          e.g. "LLM unreachable ...; answered offline instead"
        error           only when the question was rejected (empty, too long, bad history);
                        `answer` then holds a friendly message saying so

    Python:
        >>> from gradio_client import Client
        >>> client = Client("http://127.0.0.1:7860/")  # auth=("user", "pass") with RAG_UI_AUTH
        >>> r = client.predict("青岛建成了多少个5G基站？", "[]", api_name="/ask")
        >>> r["answer"], [c["title"] for c in r["citations"]]

    curl (two steps: start the call, then read its result as server-sent events):
        $ ID=$(curl -s -X POST http://127.0.0.1:7860/gradio_api/call/ask \
              -H 'Content-Type: application/json' -d '{"data": ["青岛建成了多少个5G基站？", "[]"]}' \
              | python3 -c 'import json,sys; print(json.load(sys.stdin)["event_id"])')
        $ curl -s -N http://127.0.0.1:7860/gradio_api/call/ask/$ID
        event: complete
        data: [{"answer": "...[1]", "citations": [...], ...}]
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

import rag
from rag import Answer, Engine, RagError, Settings
from ui import articles_panel, render
from ui.corpus import CorpusEditor

EXAMPLES = [
    "哪些城市获得了2023中国领军智慧城市奖？",
    "青島建成了多少個5G基站？",
    "How many 5G base stations has Qingdao built?",
    "深圳的智慧城市发展规划包括哪些内容？",
]
FOLLOW_UP_HINT = "Follow-ups work too: after the first example, ask 那县级城市呢？"
MAX_K = 20
QUEUE_CONCURRENCY = (
    4  # answers at once: 4 served 30 rps at p95 1.9 s to 50 clients, 16 only 27 rps (GIL)
)
THEME = gr.themes.Soft(
    font=["Noto Sans CJK SC", "Noto Sans CJK TC", "PingFang SC", "Microsoft YaHei", "sans-serif"],
    font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
)
# Gradio 6 takes css/theme in launch(); pass these wherever the app is launched or mounted.
LAUNCH_OPTIONS: dict[str, Any] = {"css": render.CSS, "theme": THEME}

_feedback_lock = threading.Lock()


# ---- helpers over the library ---------------------------------------------------------


def article_choices(engine: Engine) -> list[tuple[str, str]]:
    """(label, article id) for every indexed article, for the filter dropdown."""
    return [
        (f"{a.title} ({a.article_id})" if a.title else a.article_id, a.article_id)
        for a in engine.articles()
    ]


def _friendly(exc: RagError) -> str:
    return f"Sorry, I can't answer that: {exc}"


def _filters(article_ids: list[str] | None, since: str, until: str) -> dict[str, Any] | None:
    flt = {
        "article_ids": list(article_ids or []),
        "since": (since or "").strip() or None,
        "until": (until or "").strip() or None,
    }
    return flt if any(flt.values()) else None


def _top_k(k: Any, default: int) -> int:
    """The slider's value as a passage count in 1..MAX_K; `default` when missing or not a number."""
    try:
        value = float(k)
    except (TypeError, ValueError):
        return default
    return max(1, min(MAX_K, round(value))) if math.isfinite(value) else default


def _parse_history(history_json: Any) -> list[Any]:
    """The /ask history: a JSON list in a string, or the list itself; else InvalidQuestion."""
    if isinstance(history_json, list):
        return history_json
    if history_json is None or history_json == "":
        return []
    if not isinstance(history_json, str):
        raise rag.InvalidQuestion(
            "Expected history_json as a JSON list of {role, content} objects, given as a "
            f"string (e.g. '[]') or a list, got {type(history_json).__name__}."
        )
    try:
        history = json.loads(history_json)
    except ValueError as exc:
        raise rag.InvalidQuestion(
            f"Expected history_json as a JSON list of {{role, content}} objects: {exc}."
        ) from exc
    if not isinstance(history, list):
        raise rag.InvalidQuestion(
            f"Expected history_json as a JSON list, got {type(history).__name__}."
        )
    return history


def _engine_history(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The conversation as the engine expects it (rejected questions left out)."""
    return [
        {"role": t["role"], "content": t["content"]}
        for t in turns
        if not t.get("error") and t["role"] in ("user", "assistant")
    ]


def answer_record(question: str, answer: Answer) -> dict[str, Any]:
    """The JSON-ready form of an answer (API responses and feedback lines)."""
    return {
        "question": question,
        "answer": answer.text,
        "citations": [asdict(c) for c in answer.citations],
        "abstained": answer.abstained,
        "mode": answer.mode,
        "closest": [asdict(h) for h in answer.closest],
        "notice": answer.notice,
    }


def append_feedback(path: Path, record: dict[str, Any], vote: str) -> dict[str, Any]:
    """Append one vote as a JSON line to `path` (parent folders created; thread-safe)."""
    line = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "question": record.get("question", ""),
        "answer": record.get("answer", ""),
        "citations": record.get("citations", []),
        "vote": vote,
    }
    path = Path(path)
    with _feedback_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return line


def _vote(liked: Any) -> str | None:
    if liked is True or (isinstance(liked, str) and liked.lower() in ("like", "up", "👍")):
        return "up"
    if liked is False or (isinstance(liked, str) and liked.lower() in ("dislike", "down", "👎")):
        return "down"
    return None


# ---- the app -------------------------------------------------------------------------


def build_app(engine: Engine, settings: Settings) -> gr.Blocks:
    """The chat page over `engine`. Launch with `app.launch(**LAUNCH_OPTIONS, ...)`."""
    llm_on = bool(settings.llm_base_url)
    mode_choices = [("Offline (quotes from the articles)", "extractive")]
    if llm_on:
        mode_choices.append(("LLM (" + (settings.llm_model or "configured endpoint") + ")", "llm"))
    default_mode = "llm" if llm_on else "extractive"

    def status() -> str:
        info = engine.info()
        return render.status_markdown(
            info, llm_base_url=settings.llm_base_url, llm_model=settings.llm_model
        )

    def respond(
        message: str,
        chat: list[dict[str, Any]],
        turns: list[dict[str, Any]],
        k: float | None,
        mode: str,
        article_ids: list[str] | None,
        since: str,
        until: str,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat; the sources panel follows the final answer.

        Yields (chatbot messages, sources panel HTML, conversation state).
        """
        chat = list(chat or [])
        turns = list(turns or [])
        message = message if isinstance(message, str) else ""
        # The engine gets the question as typed and judges it; the echo and the conversation
        # state keep a cleaned copy (a lone surrogate cannot even be sent to the browser).
        cleaned = render.display_text(message)
        shown = cleaned if len(cleaned) <= 300 else cleaned[:300] + "…"
        if message.strip():
            chat.append({"role": "user", "content": render.chat_text(shown)})
            turns.append({"role": "user", "content": cleaned})
        history = _engine_history(turns[:-1] if message.strip() else turns)
        chat.append({"role": "assistant", "content": ""})
        turns.append({"role": "assistant", "content": ""})
        yield chat, render.LOADING_SOURCES, turns
        text = ""
        try:
            stream = engine.ask_stream(
                message,
                history=history,
                k=_top_k(k, min(settings.top_k, MAX_K)),
                mode=mode or None,
                filters=_filters(article_ids, since, until),
            )
            for piece in stream:
                if isinstance(piece, Answer):
                    record = answer_record(cleaned, piece)
                    turns[-1] = {"role": "assistant", "content": piece.text, "record": record}
                    chat[-1] = {"role": "assistant", "content": render.answer_text(piece.text)}
                    yield chat, render.sources_html(piece), turns
                    return
                text += piece
                chat[-1] = {"role": "assistant", "content": render.answer_text(text)}
                yield chat, render.LOADING_SOURCES, turns
        except RagError as exc:
            msg = _friendly(exc)
            if message.strip():
                turns[-2]["error"] = True
            turns[-1] = {"role": "assistant", "content": msg, "error": True}
            chat[-1] = {"role": "assistant", "content": render.chat_text(msg)}
            yield chat, render.message_html(msg), turns

    def like(turns: list[dict[str, Any]], data: gr.LikeData) -> None:
        """Append a thumbs up/down on an answer to the feedback file."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        vote = _vote(data.liked)
        if vote is None or not isinstance(index, int) or not 0 <= index < len(turns or []):
            return
        record = turns[index].get("record")
        if record:
            append_feedback(Path(settings.feedback_file), record, vote)

    def ask(question: str, history_json: str | list[Any] = "[]") -> dict[str, Any]:
        """Answer `question` from the articles, with citations.

        Args:
            question: the question (simplified/traditional Chinese or English).
            history_json: earlier turns as a JSON list of {"role", "content"} objects (a
                string; an already-parsed list is accepted too).

        Returns:
            {answer, citations, abstained, mode, closest, notice}; with `error` when the
            question was rejected.
        """
        try:
            answer = engine.ask(question, history=_parse_history(history_json))
        except RagError as exc:
            msg = _friendly(exc)
            return {
                "answer": msg,
                "citations": [],
                "abstained": False,
                "mode": None,
                "closest": [],
                "notice": "",
                "error": str(exc),
            }
        record = answer_record(question, answer)
        record.pop("question")
        return record

    def take(text: str) -> tuple[Any, str]:
        return gr.update(value="", interactive=False), text

    def unlock() -> Any:
        return gr.update(interactive=True)

    def new_chat() -> tuple[Any, ...]:
        return [], [], render.EMPTY_SOURCES, ""

    def refresh() -> tuple[Any, ...]:
        return status(), gr.update(choices=article_choices(engine))

    with gr.Blocks(title="新闻问答 · News QA", analytics_enabled=False) as app:
        gr.Markdown(
            "## 新闻问答 · Ask the news articles\nAnswers quote the articles; each [n] "
            "points to its source passage under **Sources**."
        )
        status_md = gr.Markdown(status(), elem_id="rag-status")
        turns = gr.State([])
        with gr.Row(elem_id="rag-main", equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    label="Chat",
                    show_label=False,
                    height=520,
                    sanitize_html=True,
                    # Plain escaped text (render.chat_text), never Markdown: no links, images
                    # or stray backslashes from whatever the user or an article wrote.
                    render_markdown=False,
                    latex_delimiters=[],
                    elem_id="rag-chat",
                    placeholder="Ask a question about the articles, in Chinese or English.",
                    buttons=["copy", "copy_all"],
                )
                with gr.Row():
                    msg = gr.Textbox(
                        placeholder="输入问题，按回车 · Type a question and press Enter",
                        show_label=False,
                        scale=5,
                        autofocus=True,
                        elem_id="rag-input",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80)
                    clear = gr.Button("New chat", scale=1, min_width=80)
            with gr.Column(scale=2, min_width=320):
                sources = gr.HTML(
                    render.EMPTY_SOURCES, elem_id="rag-sources", label="Sources", js_on_load=None
                )
        gr.Markdown("**Examples** (click to ask) · " + FOLLOW_UP_HINT)
        with gr.Row(elem_id="rag-examples"):
            example_buttons = [gr.Button(q, size="sm") for q in EXAMPLES]
        with gr.Accordion("Settings", open=False):
            k = gr.Slider(
                1, MAX_K, value=min(settings.top_k, MAX_K), step=1, label="Passages to read"
            )
            mode = gr.Radio(
                mode_choices,
                value=default_mode,
                label="Answer mode",
                interactive=llm_on,
                info=None
                if llm_on
                else "Set RAG_LLM_BASE_URL to offer an LLM; answers are offline quotes.",
            )
            articles = gr.Dropdown(
                article_choices(engine),
                value=[],
                multiselect=True,
                label="Only these articles (empty: all)",
            )
            with gr.Row():
                since = gr.Textbox(label="From date", placeholder="YYYY-MM-DD")
                until = gr.Textbox(label="To date", placeholder="YYYY-MM-DD")
        panel = articles_panel.build(CorpusEditor(engine, settings))

        # One question at a time: take the text and lock the input box, stream the answer,
        # unlock. (Typing while an answer streams would otherwise be dropped or cleared.)
        question = gr.State("")
        inputs = [question, chatbot, turns, k, mode, articles, since, until]
        outputs = [chatbot, sources, turns]
        private: dict[str, Any] = {"api_visibility": "private"}
        triggers = [
            (msg.submit, take, [msg]),
            (send.click, take, [msg]),
            *[
                (b.click, (lambda q=q: take(q)), None)
                for b, q in zip(example_buttons, EXAMPLES, strict=True)
            ],
        ]
        for trigger, fn, fn_inputs in triggers:
            trigger(fn, fn_inputs, [msg, question], **private).then(
                respond, inputs, outputs, **private
            ).then(unlock, None, msg, **private)
        clear.click(new_chat, None, [chatbot, turns, sources, msg], api_visibility="private")
        chatbot.clear(new_chat, None, [chatbot, turns, sources, msg], api_visibility="private")
        chatbot.like(like, [turns], None, api_visibility="private")
        app.load(refresh, None, [status_md, articles], api_visibility="private")
        app.load(panel.reload, None, panel.outputs, api_visibility="private")
        for event in panel.events:  # a changed corpus: new counts and filter choices
            event.then(refresh, None, [status_md, articles], api_visibility="private")
        gr.api(ask, api_name="ask")

    # Exposed for tests and embedding: the handlers behind the events.
    app.rag_handlers = {"respond": respond, "like": like, "ask": ask}  # type: ignore[attr-defined]
    return app


def parse_auth(value: str) -> list[tuple[str, str]] | None:
    """`user:pass[,user2:pass2]` -> [(user, pass), ...]; empty -> None (no login)."""
    if not value.strip():
        return None
    pairs = []
    for item in value.split(","):
        user, sep, password = item.strip().partition(":")
        if not sep or not user or not password:
            raise RagError(
                f"Expected RAG_UI_AUTH as user:password[,user2:password2], got an entry "
                f"{user + ':…' if sep else item.strip()!r}: fix or unset RAG_UI_AUTH."
            )
        pairs.append((user, password))
    return pairs


def open_engine(settings: Settings) -> Engine:
    """Open the index, building it from the corpus first when there is none."""
    try:
        return Engine.open(settings=settings)
    except rag.IndexNotFound:
        print(
            f"No index at {settings.index_dir}/ yet: building it from {settings.corpus_dir}/ …",
            flush=True,
        )
        report = rag.ingest(settings=settings)
        print(report.summary(), flush=True)
        return Engine.open(settings=settings)


def warm_up(engine: Engine) -> None:
    """Load what the first question would (tokenizer dictionary, embedding model) up front."""
    try:
        engine.search("智慧城市", k=1)
    except RagError:
        pass


def serve(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 7860, share: bool = False
) -> None:
    """Open (or build) the index and serve the app until interrupted.

    Args:
        settings: configuration (index, feedback file, LLM, `ui_auth` login).
        host: address to bind; 127.0.0.1 (this machine only) by default.
        port: port to listen on.
        share: ask Gradio for a public share link (off unless asked).
    """
    auth = parse_auth(settings.ui_auth)
    engine = open_engine(settings)
    warm_up(engine)
    app = build_app(engine, settings)
    app.queue(default_concurrency_limit=QUEUE_CONCURRENCY)
    _, local_url, share_url = app.launch(
        server_name=host,
        server_port=port,
        share=share,
        auth=auth,
        prevent_thread_lock=True,
        quiet=True,
        show_error=False,
        **LAUNCH_OPTIONS,
    )
    print(
        f"Serving the news QA app on {local_url}" + (" (login required)" if auth else ""),
        flush=True,
    )
    if share_url:
        print(f"Public share link: {share_url}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        app.block_thread()
    finally:
        app.close()
