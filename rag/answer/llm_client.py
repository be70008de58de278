"""Optional answerer over any OpenAI-compatible chat-completions endpoint.

Works with Ollama, vLLM, llama.cpp server, LM Studio and OpenAI: all accept
POST {base_url}/chat/completions. Every failure is a `ModelUnavailable` whose one-line
message names the URL, the cause and the fix, so callers can fall back to offline answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NoReturn

import httpx

from rag.answer.verify import strip_markers
from rag.errors import ModelUnavailable
from rag.text import Script

ABSTAIN_TOKEN = "NO_ANSWER"
"""The exact reply the answer prompt asks for when the passages do not hold the answer."""

# A dead or mistyped endpoint should fail in seconds, not after the full read timeout.
CONNECT_TIMEOUT = 3.0
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
    ) -> None:
        self.base_url = base_url.strip().rstrip("/")
        try:
            host = httpx.URL(self.base_url).host
        except httpx.InvalidURL:
            host = ""
        if not self.base_url.startswith(("http://", "https://")) or not host:
            raise ModelUnavailable(
                f"Expected the LLM base URL to be http(s)://host[:port]/..., got "
                f"{base_url!r}: set RAG_LLM_BASE_URL to e.g. http://127.0.0.1:11434/v1"
            )
        if timeout <= 0:
            raise ValueError(f"Expected an LLM timeout above 0 seconds, got {timeout}.")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.temperature = temperature

    def complete(self, messages: list[dict[str, Any]]) -> str:
        """The assistant's reply to `messages` (a list of {"role", "content"} dicts)."""
        try:
            with self._client() as client:
                response = client.post("/chat/completions", json=self._body(messages, False))
                self._check_status(response)
                return self._message_content(self._json(response.text))
        except httpx.HTTPError as exc:
            self._fail(exc)

    def stream(self, messages: list[dict[str, Any]]) -> Iterator[str]:
        """Yield the reply to `messages` piece by piece as the server generates it."""
        try:
            with (
                self._client() as client,
                client.stream(
                    "POST", "/chat/completions", json=self._body(messages, True)
                ) as response,
            ):
                if response.status_code >= 400:
                    response.read()
                    self._check_status(response)
                if "json" in response.headers.get("content-type", ""):
                    # A server that ignores stream=true answers with one JSON document.
                    response.read()
                    yield self._message_content(self._json(response.text))
                    return
                answered = False  # whether any chunk had a choice, even an empty one
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue  # blank separators, ": keep-alive" comments, "event:" lines
                    data = line[len("data:") :].strip()
                    if data == "[DONE]":
                        break
                    piece = self._delta_content(self._json(data))
                    answered = answered or piece is not None
                    if piece:
                        yield piece
                if not answered:
                    raise self._error(
                        "sent a stream without choices",
                        f"{_FIX_URL} of an OpenAI-compatible server",
                    )
        except httpx.HTTPError as exc:
            self._fail(exc)

    def _client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        timeout = httpx.Timeout(self.timeout, connect=min(CONNECT_TIMEOUT, self.timeout))
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def _body(self, messages: list[dict[str, Any]], stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": messages, "stream": stream}
        if self.temperature is not None:
            body["temperature"] = self.temperature
        return body

    def _json(self, text: str) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise self._error(
                f"sent a reply that is not JSON ({_snippet(text)!r})",
                f"{_FIX_URL} of an OpenAI-compatible server",
            ) from None

    def _check_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        if status in (401, 403):
            fix = "set RAG_LLM_API_KEY to a valid key"
        elif status == 404:
            fix = f"{_FIX_URL} (e.g. http://127.0.0.1:11434/v1) and RAG_LLM_MODEL is served"
        else:
            fix = "check RAG_LLM_MODEL and the server's log"
        raise self._error(f"answered HTTP {status}: {_snippet(response.text)}", fix)

    def _delta_content(self, chunk: Any) -> str | None:
        """Text of one streamed chunk: "" for role-only or finish chunks, None without choices."""
        if isinstance(chunk, dict) and "error" in chunk:
            raise self._error(f"failed mid-answer: {_snippet(json.dumps(chunk['error']))}", "")
        try:
            choices = chunk["choices"]
            if not choices:
                return None  # e.g. OpenAI's final usage chunk
            content = choices[0].get("delta", {}).get("content")
        except (KeyError, TypeError, AttributeError):
            raise self._error(
                f"sent a stream chunk without choices ({_snippet(chunk)!r})", ""
            ) from None
        return content if isinstance(content, str) else ""

    def _message_content(self, reply: Any) -> str:
        """`choices[0].message.content` of a chat-completions reply; raises when absent."""
        try:
            content = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            content = None
        if not isinstance(content, str):
            raise self._error(
                f"sent no choices[0].message.content ({_snippet(reply)!r})",
                f"{_FIX_URL} of an OpenAI-compatible server",
            )
        return content

    def _error(self, cause: str, fix: str) -> ModelUnavailable:
        message = f"LLM at {self.base_url} {cause}"
        return ModelUnavailable(f"{message}: {fix}" if fix else message)

    def _fail(self, exc: httpx.HTTPError) -> NoReturn:
        """Turn a transport error into a ModelUnavailable that says what to do."""
        if isinstance(exc, httpx.ConnectTimeout):
            cause = f"unreachable (no connection within {min(CONNECT_TIMEOUT, self.timeout)} s)"
            fix = "check the host and port or unset RAG_LLM_BASE_URL"
        elif isinstance(exc, httpx.TimeoutException):
            cause = f"did not answer within {self.timeout} s"
            fix = "raise RAG_LLM_TIMEOUT or use a smaller model"
        elif isinstance(exc, httpx.ConnectError):
            cause = f"unreachable ({_connect_cause(exc)})"
            fix = "start the server or unset RAG_LLM_BASE_URL"
        else:
            cause = f"failed ({type(exc).__name__}: {_snippet(str(exc))})"
            fix = "check the server's log"
        raise self._error(cause, fix) from exc


def _connect_cause(exc: httpx.ConnectError) -> str:
    text = str(exc)
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name or service" in lowered or "nodename" in lowered or "getaddrinfo" in lowered:
        return "host name not found"
    return _snippet(text) or type(exc).__name__


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
