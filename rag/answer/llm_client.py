"""Optional answerer over any OpenAI-compatible chat-completions endpoint.

Works with Ollama, vLLM, llama.cpp server, LM Studio and OpenAI: all accept
POST {base_url}/chat/completions, and all are tested against the official `openai` SDK,
which does the HTTP here. Every failure is a `ModelUnavailable` whose one-line message
names the URL, the cause and the fix, so callers can fall back to offline answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import openai
from openai.types.chat import ChatCompletion

from rag.answer.verify import strip_markers
from rag.errors import ModelUnavailable
from rag.text import Script

ABSTAIN_TOKEN = "NO_ANSWER"
"""The exact reply the answer prompt asks for when the passages do not hold the answer."""

# A dead or mistyped endpoint should fail in seconds, not after the full read timeout.
CONNECT_TIMEOUT = 3.0
# The SDK refuses an empty key (and would read OPENAI_API_KEY from the environment for a
# missing one, sending it to whatever server RAG_LLM_BASE_URL names). Local servers need
# no key, so they get this stand-in and requests go without an Authorization header.
NO_KEY = "no-key"
_LANGUAGES: dict[str, str] = {
    "zh-Hans": "Simplified Chinese (简体中文)",
    "zh-Hant": "Traditional Chinese (繁體中文)",
    "en": "English",
}
_FIX_URL = "check RAG_LLM_BASE_URL is the part before /chat/completions"


class LLMClient:
    """A chat-completions client for one model on one OpenAI-compatible server.

    Args:
        base_url: the URL part before `/chat/completions`, usually ending in /v1,
            e.g. "http://127.0.0.1:11434/v1" (Ollama) or "https://api.openai.com/v1".
            A trailing slash is ignored; nothing is appended.
        model: model name the server knows, e.g. "qwen2.5:7b-instruct".
        api_key: sent as `Authorization: Bearer <key>` when not empty.
        timeout: seconds to wait for the server to send data (connecting gets at most 3 s).
        temperature: sampling temperature; 0 keeps grounded answers repeatable. None
            leaves it to the server (some hosted reasoning models accept no other value).
        max_retries: how many times the SDK retries a request that failed to connect,
            timed out or got HTTP 408, 409, 429 or 5xx, with exponential backoff from 0.5 s.
            0 by default: a failure makes callers fall back to offline answers at once,
            where each retry would add up to `timeout` seconds of waiting.

    Raises:
        ModelUnavailable: from every method, when the server cannot be used.

    Example:
        >>> client = LLMClient("http://127.0.0.1:11434/v1", "qwen2.5:7b-instruct")
        >>> client.complete([{"role": "user", "content": "Hi"}])  # doctest: +SKIP
        'Hello!'
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 30.0,
        *,
        temperature: float | None = 0.0,
        max_retries: int = 0,
    ) -> None:
        self.base_url = base_url.strip().rstrip("/")
        if not self.base_url.startswith(("http://", "https://")) or not _host(self.base_url):
            raise ModelUnavailable(
                f"Expected the LLM base URL to be http(s)://host[:port]/..., got "
                f"{base_url!r}: set RAG_LLM_BASE_URL to e.g. http://127.0.0.1:11434/v1"
            )
        if timeout <= 0:
            raise ValueError(f"Expected an LLM timeout above 0 seconds, got {timeout}.")
        if max_retries < 0:
            raise ValueError(f"Expected LLM max_retries of 0 or more, got {max_retries}.")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.temperature = temperature
        self.max_retries = max_retries
        # One SDK client per LLMClient, so its connection pool is reused across requests.
        self._openai = openai.OpenAI(
            base_url=self.base_url,
            api_key=api_key or NO_KEY,
            timeout=openai.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
            max_retries=max_retries,
        )

    def complete(self, messages: list[dict[str, Any]]) -> str:
        """The assistant's reply to `messages` (a list of {"role", "content"} dicts)."""
        try:
            reply = self._openai.chat.completions.create(**self._request(messages, False))
        except Exception as exc:
            if (failure := self._failure(exc)) is None:
                raise
            raise failure from exc
        return self._message_content(reply)

    def stream(self, messages: list[dict[str, Any]]) -> Iterator[str]:
        """Yield the reply to `messages` piece by piece as the server generates it."""
        request = self._request(messages, True)
        try:
            with self._openai.chat.completions.with_streaming_response.create(
                **request
            ) as response:
                if "json" in response.headers.get("content-type", ""):
                    # A server that ignores stream=true answers with one JSON document.
                    yield self._message_content(response.json())
                    return
                answered = False  # whether any chunk had a choice, even an empty one
                for chunk in response.parse():
                    piece = self._delta_content(chunk)
                    answered = answered or piece is not None
                    if piece:
                        yield piece
        except Exception as exc:
            if (failure := self._failure(exc)) is None:
                raise
            raise failure from exc
        if not answered:
            raise self._error(
                "sent a stream without choices", f"{_FIX_URL} of an OpenAI-compatible server"
            )

    def _request(self, messages: list[dict[str, Any]], stream: bool) -> dict[str, Any]:
        """Keyword arguments of `chat.completions.create`."""
        request: dict[str, Any] = {"model": self.model, "messages": messages, "stream": stream}
        if self.temperature is not None:
            request["temperature"] = self.temperature
        if not self.api_key:
            request["extra_headers"] = {"Authorization": openai.Omit()}  # NO_KEY stays local
        return request

    def _delta_content(self, chunk: Any) -> str | None:
        """Text of one streamed chunk: "" for role-only or finish chunks, None without choices."""
        choices = getattr(chunk, "choices", None)
        if not isinstance(choices, list):
            raise self._error(f"sent a stream chunk without choices ({_shown(chunk)!r})", "")
        if not choices:
            return None  # e.g. OpenAI's final usage chunk
        content = getattr(getattr(choices[0], "delta", None), "content", None)
        return content if isinstance(content, str) else ""

    def _message_content(self, reply: object) -> str:
        """`choices[0].message.content` of a chat-completions reply; raises when absent.

        `reply` is what the SDK parsed, or the JSON of a reply it did not parse.
        """
        if isinstance(reply, str):  # how the SDK returns a body that is not JSON
            raise self._not_json(reply)
        if isinstance(reply, dict):
            reply = ChatCompletion.construct(**reply)
        try:
            content = reply.choices[0].message.content  # type: ignore[attr-defined]
        except (AttributeError, IndexError, TypeError):
            content = None
        if not isinstance(content, str):
            raise self._error(
                f"sent no choices[0].message.content ({_shown(reply)!r})",
                f"{_FIX_URL} of an OpenAI-compatible server",
            )
        return content

    def _error(self, cause: str, fix: str) -> ModelUnavailable:
        message = f"LLM at {self.base_url} {cause}"
        return ModelUnavailable(f"{message}: {fix}" if fix else message)

    def _not_json(self, text: str) -> ModelUnavailable:
        return self._error(
            f"sent a reply that is not JSON ({_snippet(text)!r})",
            f"{_FIX_URL} of an OpenAI-compatible server",
        )

    def _failure(self, exc: Exception) -> ModelUnavailable | None:
        """A ModelUnavailable saying what to do about `exc`; None when `exc` is no failure
        of the server (a ModelUnavailable already, or a bug) and should propagate as is."""
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status in (401, 403):
                fix = "set RAG_LLM_API_KEY to a valid key"
            elif status == 404:
                fix = f"{_FIX_URL} (e.g. http://127.0.0.1:11434/v1) and RAG_LLM_MODEL is served"
            else:
                fix = "check RAG_LLM_MODEL and the server's log"
            return self._error(f"answered HTTP {status}: {_snippet(exc.response.text)}", fix)
        if isinstance(exc, json.JSONDecodeError):
            return self._not_json(exc.doc)
        if isinstance(exc, openai.APIConnectionError):
            # The SDK's own error says little; the transport's error it wraps tells the cause.
            transport: BaseException = exc.__cause__ or exc
        elif "HTTPError" in _class_names(exc):
            transport = exc  # openai 1.x passes errors while reading a stream on unwrapped
        elif isinstance(exc, openai.APIError):
            body = json.dumps(exc.body)  # an error event in the stream
            return self._error(f"failed mid-answer: {_snippet(body)}", "")
        else:
            return None
        names = _class_names(transport)
        if "ConnectTimeout" in names:
            cause = f"unreachable (no connection within {min(CONNECT_TIMEOUT, self.timeout)} s)"
            fix = "check the host and port or unset RAG_LLM_BASE_URL"
        elif "TimeoutException" in names or isinstance(exc, openai.APITimeoutError):
            cause = f"did not answer within {self.timeout} s"
            fix = "raise RAG_LLM_TIMEOUT or use a smaller model"
        elif "ConnectError" in names:
            cause = f"unreachable ({_connect_cause(transport)})"
            fix = "start the server or unset RAG_LLM_BASE_URL"
        else:
            cause = f"failed ({type(transport).__name__}: {_snippet(str(transport))})"
            fix = "check the server's log"
        return self._error(cause, fix)


def _class_names(exc: BaseException) -> set[str]:
    """Names of the classes `exc` is an instance of.

    Transport errors are matched by name: the SDK's transport is httpx in openai 1.x and
    httpx2 later, two packages whose exception classes have the same names.
    """
    return {cls.__name__ for cls in type(exc).__mro__}


def _host(url: str) -> str:
    """The host of `url`; "" when it has none or does not parse (e.g. a port not a number)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return ""
    return parts.hostname or ""


def _connect_cause(exc: BaseException) -> str:
    text = str(exc)
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name or service" in lowered or "nodename" in lowered or "getaddrinfo" in lowered:
        return "host name not found"
    return _snippet(text) or type(exc).__name__


def _shown(value: object) -> str:
    """`value` for an error message: an SDK object as the JSON the server sent, cut short."""
    if isinstance(value, openai.BaseModel):
        return _snippet(value.model_dump_json(exclude_unset=True))
    return _snippet(value)


def _snippet(value: object, limit: int = 160) -> str:
    """`value` on one line, cut to `limit` characters, for error messages."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_abstention(reply: str) -> bool:
    """Whether an answer reply abstains: its first line is the abstain token.

    Tolerates quotes, a final dot and an explanation on later lines, which models add.
    """
    first = next((line for line in reply.splitlines() if line.strip()), "")
    return first.strip().strip("`'\"*。.").strip() == ABSTAIN_TOKEN


def build_answer_messages(
    question: str, passages: list[tuple[int, str, str]], lang: Script
) -> list[dict[str, str]]:
    """Messages asking for a short answer drawn only from numbered passages, with [n] markers.

    Args:
        question: the standalone question.
        passages: (n, title, text) triples; n is the number the answer cites as [n].
        lang: script of the answer: "zh-Hans", "zh-Hant" or "en" (the question's).

    Example:
        >>> build_answer_messages("谁获奖？", [(1, "新闻", "上海获奖。")], "zh-Hans")[1]["content"]
        '[1] 新闻\\n上海获奖。\\n\\nQuestion: 谁获奖？'
    """
    if lang not in _LANGUAGES:
        raise ValueError(f"Expected lang to be one of {sorted(_LANGUAGES)}, got {lang!r}.")
    language = _LANGUAGES[lang]
    # Instructions in English: small local models follow English instructions best, and
    # the answer language is then stated explicitly.
    system = (
        "You answer questions about news articles using only the numbered passages "
        "the user provides.\n"
        "Rules:\n"
        "1. Use only facts stated in the passages. Never add outside knowledge.\n"
        f"2. Write the answer in {language}, even when the passages use another script "
        "or language.\n"
        "3. Be short: one to three sentences.\n"
        "4. End every sentence with the markers of the passages that support it, "
        "like [1] or [1][3]. Cite only the numbers given.\n"
        "5. If the passages do not contain the answer, reply exactly "
        f"{ABSTAIN_TOKEN} and nothing else."
    )
    blocks = [f"[{n}] {title}".rstrip() + f"\n{text.strip()}" for n, title, text in passages]
    user = "\n\n".join([*blocks, f"Question: {question.strip()}"])
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


# Condensing needs only the recent turns; keeping the prompt short suits small local models.
_HISTORY_MESSAGES = 6
_HISTORY_CHARS = 600


def build_condense_messages(history: list[dict[str, Any]], question: str) -> list[dict[str, str]]:
    """Messages asking to rewrite a follow-up into a standalone question, same language.

    Args:
        history: earlier turns as {"role": "user" | "assistant", "content": str}.
        question: the follow-up as the user typed it.

    The conversation goes into one user message as a transcript, not as chat turns, so
    the model rewrites the question instead of answering it.
    """
    lines = []
    for turn in history[-_HISTORY_MESSAGES:]:
        speaker = "User" if turn.get("role") == "user" else "Assistant"
        content = " ".join(strip_markers(str(turn.get("content", ""))).split())
        if len(content) > _HISTORY_CHARS:
            content = content[:_HISTORY_CHARS] + "…"
        lines.append(f"{speaker}: {content}")
    system = (
        "Rewrite the user's follow-up question as a standalone question that can be "
        "understood without the conversation: replace pronouns and references (it, "
        "they, 他, 这家公司, 那次会议, ...) with what they refer to. Keep the language and "
        "script of the follow-up (Simplified Chinese, Traditional Chinese or English). "
        "If it is already standalone, return it unchanged. Do not answer it. "
        "Reply with the question only: no explanation, no quotes, no prefix."
    )
    user = (
        "Conversation:\n"
        + ("\n".join(lines) or "(none)")
        + f"\n\nFollow-up question: {question.strip()}\n\nStandalone question:"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


_PREFIX_RE = re.compile(
    r"^(standalone question|question|问题|問題|独立问题|獨立問題)\s*[:：]\s*", re.I
)


def parse_condensed(reply: str, fallback: str) -> str:
    """The rewritten question from a condense reply, or `fallback` when it looks unusable."""
    line = next((x.strip() for x in reply.splitlines() if x.strip()), "")
    line = _PREFIX_RE.sub("", line).strip().strip("\"'“”「」`").strip()
    # An empty or answer-length reply means the model did something else than rewriting.
    if not line or len(line) > max(200, 3 * len(fallback)) or line == ABSTAIN_TOKEN:
        return fallback
    return line
