"""The HTTP API served beside the web app: REST routes under /api, OpenAI's under /v1.

    GET    /api/health          index, model, article and chunk counts, answer mode
    POST   /api/search          {query, k, filters}                      -> {hits}
    POST   /api/ask             {question, history, mode, k, filters}    -> the rag.Answer
    GET    /api/articles        the indexed articles
    GET    /api/articles/{id}   one article's metadata and cleaned text (citation offsets)
    POST   /api/articles        multipart `files` (+ `overwrite`): add articles, ingest them
    DELETE /api/articles/{id}   delete an article from the corpus and the index
    GET    /v1/models, POST /v1/chat/completions   (ui/openai_api.py)
    GET    /api/docs            the OpenAPI description (/api/openapi.json)

`create_api(engine, settings)` returns the FastAPI app; `ui.server` mounts the Gradio app on
it, so both share one server. Only rag's public API is used.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

import rag
from rag import Engine, RagError, Settings
from ui.api_base import (
    Api,
    ApiError,
    ApiGuard,
    ApiSettings,
    bearer,
    error_body,
    error_response,
    install_error_handlers,
    rag_error,
)
from ui.api_models import FIELDS, AskIn, SearchIn, filters_of
from ui.corpus import ArticleConflict, ArticleNotFound, ChangeReport
from ui.openai_api import openai_router


def answer_json(answer: rag.Answer) -> dict[str, Any]:
    return asdict(answer)


def report_json(report: ChangeReport) -> dict[str, Any]:
    return asdict(report)


def rest_router(api: Api) -> APIRouter:
    """The /api routes."""
    r = APIRouter(prefix="/api", dependencies=[Depends(bearer)])

    @r.get("/health", summary="Index, model, counts and answer mode")
    async def health() -> dict[str, Any]:
        info = api.engine.info()
        return {
            "status": "ok",
            "index": asdict(info),
            "articles": info.articles,
            "chunks": info.chunks,
            "embed_model": info.embed_model,
            "fallback_model": info.fallback_model,
            "llm": {
                "mode": "llm" if api.settings.llm_base_url else "extractive",
                "model": api.settings.llm_model or None,
            },
            "auth": bool(api.keys),
        }

    @r.post("/search", summary="Ranked passages for a query (the fields of rag.Hit)")
    async def search(body: SearchIn) -> dict[str, Any]:
        flt = filters_of(body.filters)
        try:
            hits = await api.run(lambda: api.engine.search(body.query, k=body.k, filters=flt))
        except rag.InvalidQuestion as exc:
            raise rag_error(exc, "query") from None
        return {"hits": [asdict(h) for h in hits]}

    def answer(body: AskIn) -> rag.Answer:
        api.check_mode(body.mode)
        flt = filters_of(body.filters)
        try:
            return api.engine.ask(
                body.question,
                history=[t.model_dump() for t in body.history],
                k=body.k,
                mode=body.mode,
                filters=flt,
            )
        except rag.InvalidQuestion as exc:
            raise rag_error(exc, "question") from None

    @r.post("/ask", summary="A cited answer (the rag.Answer as JSON)")
    async def ask(body: AskIn) -> dict[str, Any]:
        return answer_json(await api.run(answer, body))

    @r.get("/articles", summary="The indexed articles")
    async def articles() -> dict[str, Any]:
        items = [asdict(a) for a in api.engine.articles()]
        return {"articles": items, "count": len(items)}

    @r.get("/articles/{article_id}", summary="One article's metadata and cleaned text")
    async def article(article_id: str) -> dict[str, Any]:
        try:
            info, art = await anyio.to_thread.run_sync(api.editor.article, article_id)
        except ArticleNotFound as exc:
            raise ApiError(404, str(exc), "not_found_error", "article_id") from None
        return {**asdict(info), "text": art.text, "file": art.path.rsplit("/", 1)[-1]}

    @r.post(
        "/articles",
        summary="Add .txt/.md/.html articles (multipart field `files`) and ingest them",
    )
    async def add_articles(
        files: Annotated[
            list[UploadFile], File(description="one or more .txt, .md or .html files")
        ],
        overwrite: Annotated[
            bool, Form(description="replace same-named files that have other content")
        ] = False,
    ) -> JSONResponse:
        uploads = [(f.filename or "", await f.read()) for f in files]
        try:
            report = await anyio.to_thread.run_sync(
                lambda: api.editor.add(uploads, overwrite=overwrite)
            )
        except RagError as exc:
            raise rag_error(exc, "files") from None
        body = report_json(report)
        if all(f.status == "skipped" for f in report.files):
            reasons = "; ".join(f"{f.name}: {f.reason}" for f in report.files[:5])
            err = error_body(f"No file was added: {reasons}.", param="files")
            return JSONResponse({**err, **body}, status_code=400)
        return JSONResponse(body)

    @r.delete("/articles/{article_id}", summary="Delete an article from the corpus and index")
    async def delete_article(article_id: str) -> dict[str, Any]:
        try:
            report = await anyio.to_thread.run_sync(api.editor.delete, article_id)
        except ArticleNotFound as exc:
            raise ApiError(404, str(exc), "not_found_error", "article_id") from None
        except ArticleConflict as exc:
            raise ApiError(409, str(exc), "conflict_error", "article_id") from None
        return report_json(report)

    return r


def fallback_router(routers: list[APIRouter]) -> APIRouter:
    """404 (or 405) as JSON for unknown routes under /api and /v1 (before Gradio gets them)."""
    r = APIRouter(include_in_schema=False)

    async def unknown(request: Request, rest: str) -> JSONResponse:
        path = request.url.path
        allowed = sorted(
            m
            for router in routers
            for route in router.routes
            if isinstance(route, APIRoute) and route.path_regex.match(path)
            for m in route.methods or ()
        )
        if allowed:
            return error_response(
                405,
                f"{request.method} is not allowed on {path}: use {', '.join(allowed)}.",
                headers={"Allow": ", ".join(allowed)},
            )
        return error_response(
            404, f"No API route {path}: see /api/docs for the routes.", "not_found_error"
        )

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    r.add_api_route("/api/{rest:path}", unknown, methods=methods)
    r.add_api_route("/v1/{rest:path}", unknown, methods=methods)
    return r


def create_api(
    engine: Engine, settings: Settings, api_settings: ApiSettings | None = None
) -> FastAPI:
    """The FastAPI app with every API route; mount the web app on it (see ui.server).

    Args:
        engine: the open index.
        settings: the library's settings (corpus folder, LLM, question limits).
        api_settings: key(s), body limits, concurrency; default `ApiSettings()` (env vars).
    """
    api_settings = api_settings or ApiSettings()
    state = Api(engine, settings, api_settings)
    app = FastAPI(
        title="rag: cited answers from Chinese news articles",
        version="1",
        description="REST search/ask, the articles, and an OpenAI-compatible chat endpoint "
        "whose replies carry `citations`. With RAG_API_KEY set, send "
        "`Authorization: Bearer <key>`.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.add_middleware(
        ApiGuard,
        keys=state.keys,
        max_body=api_settings.api_max_body_bytes,
        max_upload=api_settings.api_max_upload_bytes,
        open_paths={"/api/docs", "/api/openapi.json", "/api/docs/oauth2-redirect"},
    )
    install_error_handlers(app, FIELDS)
    routers = [rest_router(state), openai_router(state)]
    for router in routers:
        app.include_router(router)
    app.include_router(fallback_router(routers))
    app.state.rag_api = state
    return app
