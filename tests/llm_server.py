"""A small OpenAI-compatible chat-completions server for tests, on a free 127.0.0.1 port.

    with FakeLLM("上海获奖。[1]") as llm:
        LLMClient(llm.base_url, "fake").complete(messages)

The client under test talks real HTTP to it; only the model is fake.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Mode = Literal[
    "ok", "error500", "slow", "malformed", "empty", "ignore_stream", "stall", "stream_error"
]
Reply = str | Callable[[list[dict[str, Any]]], str]


class FakeLLM:
    """Serves POST /v1/chat/completions (plain and streaming) and GET /v1/models.

    Args:
        reply: the assistant's text, or a function of the request's messages returning it.
        mode: "ok"; "error500" answers HTTP 500; "slow" waits `delay` seconds before
            answering; "malformed" sends a body that is not JSON; "empty" sends no choices;
            "ignore_stream" answers stream=true with one JSON document (as some servers
            do); "stall" streams the first content chunk, then waits `delay` seconds;
            "stream_error" streams the first content chunk, then an error event (as
            OpenAI reports a failure once the 200 status has gone out).
        delay: seconds "slow" and "stall" wait; pick more than the client's timeout.
        pieces: how many content chunks a streamed reply is cut into.
        model: the model GET /models lists.
        check_model: answer a request for another model HTTP 404 model_not_found, as
            OpenAI and Ollama do (off by default so tests may name any model).
        api_key: when set, answer a request without `Authorization: Bearer <api_key>`
            HTTP 401 invalid_api_key, as OpenAI does.
        failures: answer the first `failures` chat requests HTTP 503 (a server still
            loading the model), then behave as `mode` says.

    Attributes:
        base_url: "http://127.0.0.1:<port>/v1".
        requests: JSON bodies received on /chat/completions, in order.
        headers: the request headers of each of those, lowercase names.
    """

    def __init__(
        self,
        reply: Reply = "OK",
        mode: Mode = "ok",
        delay: float = 5.0,
        pieces: int = 4,
        model: str = "fake-model",
        *,
        check_model: bool = False,
        api_key: str | None = None,
        failures: int = 0,
    ) -> None:
        self.reply = reply
        self.mode = mode
        self.delay = delay
        self.pieces = pieces
        self.model = model
        self.check_model = check_model
        self.api_key = api_key
        self.failures = failures
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval so stop() returns at once instead of after up to 0.5 s.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" handlers so they end without writing
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def text_for(self, messages: list[dict[str, Any]]) -> str:
        return self.reply(messages) if callable(self.reply) else self.reply

    def wait(self) -> bool:
        """Sleep `delay` seconds; False when the server stopped meanwhile."""
        return not self._stopping.wait(self.delay)


def _split(text: str, pieces: int) -> list[str]:
    """`text` cut into at most `pieces` non-empty consecutive parts."""
    size = max(1, -(-len(text) // max(1, pieces)))
    return [text[i : i + size] for i in range(0, len(text), size)]


def _handler_for(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest output clean

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                return self._send(404, {"error": {"message": f"no route {self.path}"}})
            model = {"id": fake.model, "object": "model", "created": 0, "owned_by": "fake"}
            self._send(200, {"object": "list", "data": [model]})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._send(404, {"error": {"message": f"no route {self.path}"}})
            body = json.loads(raw)
            fake.requests.append(body)
            fake.headers.append({k.lower(): v for k, v in self.headers.items()})
            if fake.api_key is not None and fake.headers[-1].get("authorization") != (
                f"Bearer {fake.api_key}"
            ):
                error = {"message": "Incorrect API key provided.", "code": "invalid_api_key"}
                return self._send(401, {"error": {**error, "type": "invalid_request_error"}})
            if fake.check_model and body.get("model") != fake.model:
                message = f"The model `{body.get('model')}` does not exist."
                error = {"message": message, "code": "model_not_found"}
                return self._send(404, {"error": {**error, "type": "invalid_request_error"}})
            if len(fake.requests) <= fake.failures:
                error = {"message": "model is loading", "type": "server_error"}
                return self._send(503, {"error": error})
            if fake.mode == "slow" and not fake.wait():
                return
            if fake.mode == "error500":
                error = {"message": "model crashed", "type": "server_error"}
                return self._send(500, {"error": error})
            text = fake.text_for(body.get("messages", []))
            if body.get("stream") and fake.mode != "ignore_stream":
                return self._stream(text)
            if fake.mode == "malformed":
                return self._send_raw(200, "application/json", b'{"choices": [{"mess')
            choices = [] if fake.mode == "empty" else [_choice(text)]
            self._send(
                200,
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", fake.model),
                    "choices": choices,
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                },
            )

        def _stream(self, text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()  # HTTP/1.0: the body ends when the connection closes
            if fake.mode == "malformed":
                self._event('{"choices": [{"delta": ')
                return
            if fake.mode == "empty":
                self._event('{"object": "chat.completion.chunk", "choices": []}')
                self._event("[DONE]")
                return
            # Like OpenAI: a role-only chunk, content chunks, a finish chunk, then [DONE].
            deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
            deltas += [{"content": piece} for piece in _split(text, fake.pieces)]
            for n, delta in enumerate(deltas):
                # n == 2: the client has had the role chunk and the first content chunk.
                if fake.mode == "stall" and n == 2 and not fake.wait():
                    return
                if fake.mode == "stream_error" and n == 2:
                    self._event(json.dumps({"error": {"message": "generation failed"}}))
                    return
                chunk = {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                self._event(json.dumps({"object": "chat.completion.chunk", **chunk}))
            final = {"index": 0, "delta": {}, "finish_reason": "stop"}
            self._event(json.dumps({"object": "chat.completion.chunk", "choices": [final]}))
            self._event("[DONE]")

        def _event(self, data: str) -> None:
            self.wfile.write(f"data: {data}\n\n".encode())
            self.wfile.flush()

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            self._send_raw(status, "application/json", json.dumps(payload).encode())

        def _send_raw(self, status: int, content_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _choice(text: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": text}
    return {"index": 0, "message": message, "finish_reason": "stop"}
