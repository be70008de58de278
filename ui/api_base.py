"""What every HTTP API route shares: settings, bearer-key check, error bodies, body limit.

Errors are always `{"error": {"message", "type", "param", "code"}}` (OpenAI's shape, so the
`openai` SDK shows the message): the message names the field, the value and the fix;
nothing from a traceback is ever sent.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag import (
    CorpusError,
    IndexCorrupted,
    IndexNotFound,
    InvalidQuestion,
    ModelMismatch,
    ModelUnavailable,
    RagError,
)

if TYPE_CHECKING:
    from rag import Engine, Settings
    from ui.corpus import CorpusEditor

log = logging.getLogger("rag")
T = TypeVar("T")

API_PREFIXES = ("/api/", "/v1/")
UPLOAD_PATH = "/api/articles"


class ApiSettings(BaseSettings):
    """The HTTP API's own settings (env vars `RAG_API_*`, `.env`)."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore")

    api_key: str = Field(
        "",
        description="Key(s) the API requires as `Authorization: Bearer <key>`, comma "
        "separated; empty: no key needed (the server binds 127.0.0.1 unless --host says "
        "otherwise).",
    )
    api_max_body_bytes: int = Field(
        1024 * 1024, ge=1024, le=1024**3, description="Largest JSON request body accepted."
    )
    api_max_upload_bytes: int = Field(
        20 * 1024 * 1024,
        ge=1024,
        le=1024**3,
        description="Largest article upload (all files of one POST /api/articles) accepted.",
    )
    api_concurrency: int = Field(
        4, ge=1, le=64, description="Searches and answers computed at once (the rest queue)."
    )

    def keys(self) -> list[str]:
        return [k.strip() for k in self.api_key.split(",") if k.strip()]


class ApiError(StarletteHTTPException):
    """An error answered as `{"error": {...}}` with this status."""

    def __init__(
        self, status: int, message: str, kind: str = "invalid_request_error", param: str = ""
    ) -> None:
        super().__init__(status_code=status, detail=message)
        self.message = message
        self.kind = kind
        self.param = param


class BodyTooLarge(ApiError):
    """The request body is over the limit (raised while it is being read)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"Expected a request body of at most {limit:,} bytes: send less (fewer or smaller "
            "files, a shorter history).",
            "request_too_large",
        )


def error_body(
    message: str, kind: str = "invalid_request_error", param: str = ""
) -> dict[str, Any]:
    """`{"error": {message, type, param, code}}` (OpenAI's error shape)."""
    return {"error": {"message": message, "type": kind, "param": param or None, "code": None}}


def error_response(
    status: int,
    message: str,
    kind: str = "invalid_request_error",
    param: str = "",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(message, kind, param), status_code=status, headers=headers)


# (status, type) per library error; a RagError is the caller's to fix unless listed.
_RAG_ERRORS: list[tuple[type[RagError], int, str]] = [
    (InvalidQuestion, 400, "invalid_request_error"),
    (CorpusError, 400, "invalid_request_error"),
    (IndexNotFound, 503, "index_unavailable"),
    (IndexCorrupted, 503, "index_unavailable"),
    (ModelMismatch, 503, "index_unavailable"),
    (ModelUnavailable, 503, "model_unavailable"),
]


def rag_error(exc: RagError, param: str = "") -> ApiError:
    """The ApiError for a library error."""
    for cls, status, kind in _RAG_ERRORS:
        if isinstance(exc, cls):
            return ApiError(status, str(exc), kind, param)
    return ApiError(400, str(exc), "invalid_request_error", param)


def _field(loc: tuple[Any, ...]) -> str:
    """`("body", "history", 0, "role")` -> "history[0].role"."""
    if loc and loc[0] in ("body", "query", "path", "form", "header"):
        loc = loc[1:]
    parts = [str(p) for p in loc]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out


def _hint(err: dict[str, Any], valid: list[str] | None) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "required field is missing: add it"
    if kind == "extra_forbidden":
        return "unknown field" + (f": valid fields are {', '.join(valid)}" if valid else "")
    value = json.dumps(err.get("input"), ensure_ascii=False, default=str)
    if len(value) > 80:
        value = value[:77] + "..."
    return f"{err.get('msg', 'invalid value')}, got {value}"


def validation_message(
    exc: RequestValidationError, fields: dict[str, list[str]], path: str = ""
) -> tuple[str, str]:
    """(message naming each bad field and its fix, first bad field) of a validation error."""
    errors = list(exc.errors())
    for err in errors:
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            return (
                "The request body is not valid JSON"
                + (f" ({ctx.get('error')})" if ctx.get("error") else "")
                + ': send a JSON object, e.g. {"question": "..."}.',
                "",
            )
    if errors and errors[0].get("type") == "model_attributes_type" and len(errors[0]["loc"]) == 1:
        got = json.dumps(errors[0].get("input"), ensure_ascii=False, default=str)[:80]
        return (
            f'Expected the request body as a JSON object such as {{"question": "..."}}, got {got}.',
            "",
        )
    parts = []
    for err in errors[:5]:
        name = _field(tuple(err.get("loc", ())))
        parent = re.sub(r"\[\d+\]", "", name.rpartition(".")[0]) if "." in name else path
        parts.append(f"{name or 'body'}: {_hint(err, fields.get(parent))}")
    first = _field(tuple(errors[0].get("loc", ()))) if errors else ""
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "Invalid request: " + "; ".join(parts) + more + ".", first


def key_ok(authorization: str, keys: list[str]) -> bool:
    """Whether an Authorization header value is `Bearer <one of keys>` (or no keys are set)."""
    if not keys:
        return True
    scheme, _, given = authorization.partition(" ")
    token = given.strip().encode()
    # Every key compared, in constant time: the reply time says nothing about near misses.
    matches = [hmac.compare_digest(token, k.encode()) for k in keys]
    return scheme.lower() == "bearer" and any(matches)


# Shown in the OpenAPI description ("Authorize"); the key itself is checked by ApiGuard
# before a route reads its body.
bearer = HTTPBearer(auto_error=False, description="a key from RAG_API_KEY, when it is set")

UNAUTHORIZED = (
    "Missing or wrong API key: send the header 'Authorization: Bearer <key>' with a key from "
    "RAG_API_KEY."
)


class ApiGuard:
    """Before an API route reads its body: the key (401), then the body size (413)."""

    def __init__(
        self, app: ASGIApp, *, keys: list[str], max_body: int, max_upload: int, open_paths: set[str]
    ) -> None:
        self.app = app
        self.keys = keys
        self.max_body = max_body
        self.max_upload = max_upload
        self.open_paths = open_paths  # the docs: readable without a key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if path not in self.open_paths and not key_ok(
            headers.get(b"authorization", b"").decode("latin-1"), self.keys
        ):
            reply = error_response(
                401, UNAUTHORIZED, "authentication_error", headers={"WWW-Authenticate": "Bearer"}
            )
            await reply(scope, receive, send)
            return
        limit = self.max_upload if path.rstrip("/") == UPLOAD_PATH else self.max_body
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            err = BodyTooLarge(limit)
            await error_response(413, err.message, err.kind)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)


def install_error_handlers(app: Any, fields: dict[str, list[str]]) -> None:
    """JSON error bodies for every failure on the API paths (never a traceback)."""

    async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc, ApiError):
            headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
            return error_response(exc.status_code, exc.message, exc.kind, exc.param, headers)
        if isinstance(exc.__cause__, BodyTooLarge):
            cause = exc.__cause__
            return error_response(cause.status_code, cause.message, cause.kind)
        kind = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        message = str(exc.detail)
        if exc.status_code == 400 and exc.__cause__ is not None:  # FastAPI could not parse it
            message = (
                "The request body could not be read: send JSON in UTF-8 (or multipart/form-data "
                "for uploads)."
            )
        return error_response(exc.status_code, message, kind)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        message, param = validation_message(exc, fields, request.url.path.rstrip("/"))
        return error_response(400, message, "invalid_request_error", param)

    async def on_rag(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RagError)
        err = rag_error(exc)
        return error_response(err.status_code, err.message, err.kind)

    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        log.error("API request %s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(
            500, "Internal error: the server log has the details.", "server_error"
        )

    app.add_exception_handler(StarletteHTTPException, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(RagError, on_rag)
    app.add_exception_handler(Exception, on_bug)


class Api:
    """The routes' shared state: engine, settings, the compute limiter, the corpus editor."""

    def __init__(self, engine: Engine, settings: Settings, api: ApiSettings) -> None:
        from ui.corpus import CorpusEditor

        self.engine = engine
        self.settings = settings
        self.api = api
        self.keys = api.keys()
        self.limiter = anyio.CapacityLimiter(api.api_concurrency)
        self.editor: CorpusEditor = CorpusEditor(engine, settings)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking engine work on a worker thread, at most `api_concurrency` at once."""
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)

    def check_mode(self, mode: str | None) -> None:
        if mode == "llm" and not self.settings.llm_base_url:
            raise ApiError(
                400,
                "mode 'llm' needs an LLM: set RAG_LLM_BASE_URL (and RAG_LLM_MODEL) on the "
                "server, or send mode 'extractive'.",
                param="mode",
            )
