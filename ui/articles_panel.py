"""The web app's "Add articles" panel: upload files, see per-file results, list and delete.

`build(editor)` adds the panel's components to the `gr.Blocks` being built and returns the
events that change the corpus, so the app can refresh its status line and filters after
them. The work itself is `ui.corpus.CorpusEditor`'s, shared with the HTTP API.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from rag import RagError
from rag.ingestion.loading import SUPPORTED
from ui.corpus import ChangeReport, CorpusEditor

STATUS_LABEL = {
    "added": "added",
    "updated": "updated",
    "unchanged": "already there",
    "skipped": "skipped",
}
COLUMNS = ["id", "title", "date", "source", "chunks"]


def results_html(report: ChangeReport) -> str:
    """The per-file results (and the ingest summary) as an HTML table."""
    rows = "".join(
        f'<tr class="rag-{f.status}"><td>{html.escape(f.name)}</td>'
        f"<td>{STATUS_LABEL[f.status]}</td><td>{html.escape(f.reason)}</td></tr>"
        for f in report.files
    )
    for aid in report.deleted:
        rows += f'<tr class="rag-deleted"><td>{html.escape(aid)}</td><td>deleted</td><td></td></tr>'
    summary = f"Index: {report.articles} articles, {report.chunks} chunks."
    if report.ingest:
        summary += f" This change: {html.escape(report.ingest)}."
    table = (
        "<table><thead><tr><th>File</th><th>Result</th><th>Reason</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    return f'<div class="rag-add-results">{table}<p>{summary}</p></div>'


def message_html(text: str) -> str:
    return f'<div class="rag-add-results"><p class="rag-error">{html.escape(text)}</p></div>'


def article_rows(editor: CorpusEditor) -> list[list[Any]]:
    return [
        [a.article_id, a.title, a.date or "", a.source, a.chunks] for a in editor.engine.articles()
    ]


def article_ids(editor: CorpusEditor) -> list[tuple[str, str]]:
    return [
        (f"{a.title} ({a.article_id})" if a.title else a.article_id, a.article_id)
        for a in editor.engine.articles()
    ]


@dataclass
class Panel:
    """What the app wires up: events that change the corpus, and a reload for page loads."""

    events: list[Any]
    reload: Callable[[], tuple[Any, Any]]
    outputs: list[Any]


def build(editor: CorpusEditor) -> Panel:
    """Add the panel inside the current Blocks (the article list and delete choice)."""

    def add(
        files: list[str] | None,
        overwrite: bool,
        progress: Any = gr.Progress(track_tqdm=True),  # noqa: B008 - how Gradio finds it
    ) -> tuple[Any, ...]:
        paths = [Path(p) for p in files or []]
        if not paths:
            return message_html("Choose one or more files first."), gr.update(), gr.update()
        uploads = [(p.name, p.read_bytes()) for p in paths]
        try:
            report = editor.add(
                uploads,
                overwrite=bool(overwrite),
                progress=True,
                on_stage=lambda stage: progress(None, desc=stage),
            )
        except RagError as exc:
            return message_html(f"Nothing was added: {exc}"), gr.update(), gr.update()
        return results_html(report), *lists()

    def delete(article_id: str | None) -> tuple[Any, ...]:
        if not article_id:
            return message_html("Choose the article to delete first."), gr.update(), gr.update()
        try:
            report = editor.delete(article_id)
        except RagError as exc:
            return message_html(f"Not deleted: {exc}"), gr.update(), gr.update()
        return results_html(report), *lists()

    def lists() -> tuple[Any, Any]:
        return (
            gr.update(value=article_rows(editor)),
            gr.update(choices=article_ids(editor), value=None),
        )

    with gr.Accordion("Add articles", open=False, elem_id="rag-add-panel"):
        gr.Markdown(
            "Upload news articles (" + ", ".join(SUPPORTED) + ", several at once): they are "
            "saved into the corpus folder and indexed. A file whose name is already taken "
            "with other content is skipped unless *Replace* is ticked."
        )
        upload = gr.File(
            label="Articles",
            file_count="multiple",
            file_types=list(SUPPORTED),
            type="filepath",
            elem_id="rag-upload",
        )
        with gr.Row():
            overwrite = gr.Checkbox(
                False, label="Replace files of the same name", elem_id="rag-overwrite"
            )
            add_button = gr.Button("Add to the index", variant="primary", elem_id="rag-add")
        results = gr.HTML("", elem_id="rag-add-results")
        table = gr.Dataframe(
            article_rows(editor),
            headers=COLUMNS,
            interactive=False,
            label="Indexed articles",
            elem_id="rag-article-list",
            wrap=True,
        )
        with gr.Row():
            chosen = gr.Dropdown(
                article_ids(editor), value=None, label="Article to delete", elem_id="rag-delete-id"
            )
            delete_button = gr.Button("Delete article", variant="stop", elem_id="rag-delete")

    private: dict[str, Any] = {"api_visibility": "private"}
    added = add_button.click(add, [upload, overwrite], [results, table, chosen], **private)
    deleted = delete_button.click(delete, [chosen], [results, table, chosen], **private)
    return Panel([added, deleted], lists, [table, chosen])
