"""`rag serve`: the web app and the HTTP API on one server (one host, one port).

The API is a FastAPI app (`ui.api.create_api`); the Gradio app is mounted on it at `/`, so
`/api/...` and `/v1/...` are answered by the API and every other path by the web app, from
one uvicorn server. `build_server(settings)` returns that ASGI app for tests and embedding.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI

from rag import Settings
from ui.api import create_api
from ui.api_base import ApiSettings
from ui.app import (
    LAUNCH_OPTIONS,
    QUEUE_CONCURRENCY,
    build_app,
    open_engine,
    parse_auth,
    warm_up,
)
from ui.app import serve as serve_web_app_only


def build_server(settings: Settings, api_settings: ApiSettings | None = None) -> FastAPI:
    """The API with the web app mounted on it (index opened, or built when there is none)."""
    auth = parse_auth(settings.ui_auth)
    engine = open_engine(settings)
    warm_up(engine)
    blocks = build_app(engine, settings)
    blocks.queue(default_concurrency_limit=QUEUE_CONCURRENCY)
    app = create_api(engine, settings, api_settings)
    return gr.mount_gradio_app(app, blocks, path="", auth=auth, show_error=False, **LAUNCH_OPTIONS)


class _Server(uvicorn.Server):
    """uvicorn's server, saying where it listens once the socket is bound."""

    def __init__(self, config: uvicorn.Config, banner: str) -> None:
        super().__init__(config)
        self.banner = banner

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(self.banner, flush=True)


def serve(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 7860, share: bool = False
) -> None:
    """Serve the web app and the HTTP API until interrupted.

    Args:
        settings: configuration (index, corpus, LLM, `ui_auth` login).
        host: address to bind; 127.0.0.1 (this machine only) by default.
        port: port to listen on.
        share: a public Gradio share link for the web app; the HTTP API is then not served
            (a public link would expose it).
    """
    if share:
        print("--share: serving the web app only (the HTTP API stays off a public link)")
        serve_web_app_only(settings, host=host, port=port, share=True)
        return
    api_settings = ApiSettings()
    app = build_server(settings, api_settings)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}"
    banner = (
        f"Serving the news QA app on {url}/"
        + (" (login required)" if settings.ui_auth else "")
        + f"\nHTTP API: {url}/api/docs, OpenAI-compatible: {url}/v1"
        + (" (API key required)" if api_settings.keys() else "")
        + "\nPress Ctrl+C to stop."
    )
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    _Server(config, banner).run()
