"""OpenAI-compatible chat: GET /v1/models and POST /v1/chat/completions (plain or streamed).

Any OpenAI client can chat with the articles. The last message is the question, the
earlier user/assistant messages are the conversation (follow-ups work); the reply's
content is the answer with [n] markers, then a source list:

    ...共有7座城市获得该奖项。[1]

    Sources:
    [1] 2023中国领军智慧城市奖揭晓 (2023-12-20, 人民网) https://...

Beside the standard fields the reply carries `citations` (one object per [n]: n,
article_id, title, date, url, source, quote, start, end, passage ...) and `rag`
(abstained, mode, notice, question, unsupported); streamed, both come on the last chunk,
the one with `finish_reason: "stop"`. Extra request fields `k` and `filters` (as in
/api/ask) are honoured; other OpenAI options (temperature, ...) are accepted and ignored.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, StreamingResponse

import rag
from ui.api_base import Api, ApiError, bearer, error_body, rag_error
from ui.api_models import ChatIn, Message, filters_of

SOURCES_HEADER = "\n\nSources:\n"
_DONE = object()


def models_of(api: Api) -> dict[str, str | None]:
    """Model id -> answer mode (None: the server's default)."""
    models: dict[str, str | None] = {"rag": None, "rag-extractive": "extractive"}
    if api.settings.llm_base_url:
        models["rag-llm"] = "llm"
    return models


def text_of(message: Message, index: int) -> str:
    if message.content is None or isinstance(message.content, str):
        return message.content or ""
    parts = []
    for part in message.content:
        if part.type != "text" or part.text is None:
            raise ApiError(
                400,
                f"messages[{index}].content: only text parts are understood, got a "
                f"{part.type!r} part: send the question as text.",
                param=f"messages[{index}].content",
            )
        parts.append(part.text)
    return "".join(parts)


def conversation(messages: list[Message]) -> tuple[str, list[dict[str, str]]]:
    """(the question, the earlier turns) of a chat request."""
    last = len(messages) - 1
    if messages[last].role != "user":
        raise ApiError(
            400,
            f"messages[{last}]: the last message must be the user's question (role 'user'), "
            f"got role {messages[last].role!r}.",
            param="messages",
        )
    history = []
    for i, m in enumerate(messages[:last]):
        if m.role in ("user", "assistant"):
            content = text_of(m, i)
            if m.role == "assistant":  # our own earlier reply: the answer without its sources
                content = content.split(SOURCES_HEADER, 1)[0]
            history.append({"role": m.role, "content": content})
    return text_of(messages[last], last), history


def sources_text(answer: rag.Answer) -> str:
    """The source list appended to the reply's content ("" without citations)."""
    if not answer.citations:
        return ""
    lines = []
    for c in answer.citations:
        meta = ", ".join(x for x in (c.date or "", c.source) if x)
        line = f"[{c.n}] {c.title or c.article_id}" + (f" ({meta})" if meta else "")
        lines.append(line + (f" {c.url}" if c.url else ""))
    return SOURCES_HEADER + "\n".join(lines)


def extras(answer: rag.Answer) -> dict[str, Any]:
    """The documented extra fields: `citations` and `rag`."""
    return {
        "citations": [asdict(c) for c in answer.citations],
        "rag": {
            "abstained": answer.abstained,
            "mode": answer.mode,
            "notice": answer.notice,
            "question": answer.question,
            "unsupported": answer.unsupported,
        },
    }


def openai_router(api: Api) -> APIRouter:
    """The /v1 routes."""
    r = APIRouter(prefix="/v1", dependencies=[Depends(bearer)])

    @r.get("/models", summary="The models (answer modes) this server offers")
    async def models() -> dict[str, Any]:
        data = [
            {"id": mid, "object": "model", "created": 0, "owned_by": "rag"}
            for mid in models_of(api)
        ]
        return {"object": "list", "data": data}

    def prepare(body: ChatIn) -> tuple[str, list[dict[str, str]], dict[str, Any]]:
        known = models_of(api)
        if body.model not in known:
            raise ApiError(
                404,
                f"Unknown model {body.model!r}: use one of {', '.join(known)} (GET /v1/models).",
                "not_found_error",
                "model",
            )
        question, history = conversation(body.messages)
        mode = known[body.model]
        api.check_mode(mode)
        options = {
            "history": history,
            "k": body.k,
            "mode": mode,
            "filters": filters_of(body.filters),
        }
        return question, history, options

    @r.post("/chat/completions", summary="OpenAI-compatible chat; replies carry `citations`")
    async def chat(body: ChatIn) -> Any:
        question, _history, options = prepare(body)
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        head = {"id": cid, "created": created, "model": body.model}
        if not body.stream:
            try:
                answer = await api.run(lambda: api.engine.ask(question, **options))
            except rag.InvalidQuestion as exc:
                raise rag_error(exc, "messages") from None
            message = {"role": "assistant", "content": answer.text + sources_text(answer)}
            choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
            return JSONResponse(
                {**head, "object": "chat.completion", "choices": [choice], **extras(answer)}
            )
        stream = api.engine.ask_stream(question, **options)
        try:  # the first piece validates the question: a bad one is a 400, not a broken stream
            first = await api.run(next, stream, _DONE)
        except rag.InvalidQuestion as exc:
            raise rag_error(exc, "messages") from None
        return StreamingResponse(
            events(api, head, first, stream),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return r


def _chunk(
    head: dict[str, Any], delta: dict[str, Any], finish: str | None = None, **extra: Any
) -> str:
    choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
    return _event({**head, "object": "chat.completion.chunk", "choices": [choice], **extra})


def _event(body: dict[str, Any]) -> str:
    return "data: " + json.dumps(body, ensure_ascii=False) + "\n\n"


async def events(
    api: Api, head: dict[str, Any], first: Any, stream: Iterator[str | rag.Answer]
) -> AsyncIterator[str]:
    """OpenAI chunk events for an answer stream, then `data: [DONE]`."""
    yield _chunk(head, {"role": "assistant", "content": ""})
    piece = first
    try:
        while piece is not _DONE:
            if isinstance(piece, rag.Answer):
                sources = sources_text(piece)
                if sources:
                    yield _chunk(head, {"content": sources})
                yield _chunk(head, {}, "stop", **extras(piece))
                break
            yield _chunk(head, {"content": piece})
            piece = await api.run(next, stream, _DONE)
    except rag.RagError as exc:
        yield _event(error_body(str(exc), rag_error(exc).kind))
    yield "data: [DONE]\n\n"
